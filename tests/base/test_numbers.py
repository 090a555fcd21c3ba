"""xl_kpi.base.numbers: exact decimals from what a person typed, and Excel-style rounding."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from xl_kpi.base.errors import InputValueError
from xl_kpi.base.numbers import round_half_up, to_decimal

# --------------------------------------------------------------------------- accepted values


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # floats as Excel stores typed values: the decimal the person typed, not the binary double
        (0.003, Decimal("0.003")),  # 0.3% typed into a percent cell
        (89.5, Decimal("89.5")),
        (1e-3, Decimal("0.001")),
        (0.97, Decimal("0.97")),
        (0.1, Decimal("0.1")),
        (100.0, Decimal("100")),
        (-2.5, Decimal("-2.5")),
        # ints
        (0, Decimal(0)),
        (80, Decimal(80)),
        (-3, Decimal(-3)),
        # Decimal passes through unchanged
        (Decimal("0.0015"), Decimal("0.0015")),
        # text
        ("0.3%", Decimal("0.003")),
        ("100%", Decimal("1")),
        ("89.5", Decimal("89.5")),
        ("  89.5  ", Decimal("89.5")),
        ("８９．５", Decimal("89.5")),  # full-width, as a Chinese IME types it
        ("０．３％", Decimal("0.003")),
        ("1,200", Decimal("1200")),
        ("1,200.50", Decimal("1200.5")),
        ("12,345.5", Decimal("12345.5")),
        ("1,234,567", Decimal("1234567")),
        ("-1,200", Decimal("-1200")),
        ("1,200%", Decimal("12")),
        ("１，２００", Decimal("1200")),  # full-width comma, as an IME types it
        ("-5", Decimal("-5")),
        (".5", Decimal("0.5")),
        ("1e-3", Decimal("0.001")),
    ],
)
def test_to_decimal_accepts(typed, expected):
    value = to_decimal(typed)
    assert isinstance(value, Decimal)
    assert value == expected


def test_float_conversion_is_the_typed_decimal_not_the_binary_double():
    # Decimal(0.003) would be 0.003000000000000000062450045135165055398829281330108642578125
    assert to_decimal(0.003) != Decimal(0.003)
    assert to_decimal(0.003) / Decimal("0.001") == 3


def test_percent_text_equals_the_float_excel_stores():
    assert to_decimal("0.3%") == to_decimal(0.003)
    assert to_decimal("98.5%") == to_decimal(0.985) == Decimal("0.985")


def test_numpy_float64_is_a_float_and_converts_like_one():
    # pandas (a dependency) hands out numpy.float64, a subclass of float.  Its repr under
    # numpy 2 is "np.float64(0.003)", so Decimal(repr(value)) must not be used on it.
    import numpy as np  # always there: pandas and Polars depend on it

    value = np.float64(0.003)
    assert isinstance(value, float)
    assert to_decimal(value) == Decimal("0.003")
    assert to_decimal(np.float64(89.5)) == Decimal("89.5")


# --------------------------------------------------------------------------- rejected values


@pytest.mark.parametrize("flag", [True, False])
def test_bools_are_rejected(flag):
    with pytest.raises(InputValueError, match="逻辑值"):
        to_decimal(flag)


@pytest.mark.parametrize("blank", [None, "", "   ", "\t"])
def test_blank_is_rejected_as_empty(blank):
    with pytest.raises(InputValueError, match="为空"):
        to_decimal(blank)


def test_blank_message_names_what():
    with pytest.raises(InputValueError, match="客户满意度为空"):
        to_decimal(None, what="客户满意度")


@pytest.mark.parametrize("text", ["abc", "八十", "89.5分", "1.2.3", "%", "nan", "inf", "--5", "5-"])
def test_text_that_is_not_a_number_is_rejected(text):
    with pytest.raises(InputValueError, match="应为数字"):
        to_decimal(text)


@pytest.mark.parametrize("text", ["0,3%", "0,3", "1,5", "1,20", "1,2345", ",123", "1,,200", "1,200,", "0,300", "1.200,5",
                                  "0，3％", "1,200e3"])
def test_commas_other_than_thousands_separators_are_rejected(text):
    # "0,3%" (a decimal comma) was read as 3% and "1,5" as 15: a comma only separates groups of three digits
    with pytest.raises(InputValueError, match="应为数字") as info:
        to_decimal(text, what="投诉率")
    assert "投诉率" in str(info.value) and text in str(info.value) and "千位分隔符" in str(info.value)


@pytest.mark.parametrize("err", ["#N/A", "#DIV/0!", "#VALUE!", "#REF!"])
def test_excel_error_values_are_rejected(err):
    with pytest.raises(InputValueError, match="错误值") as info:
        to_decimal(err)
    assert err in str(info.value)


@pytest.mark.parametrize(
    "bad", [math.nan, math.inf, -math.inf, Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")]
)
def test_nan_and_infinity_are_rejected(bad):
    with pytest.raises(InputValueError, match="有限"):
        to_decimal(bad)


@pytest.mark.parametrize("other", [[1], (1,), {"a": 1}, object()])
def test_other_types_are_rejected(other):
    with pytest.raises(InputValueError, match="应为数字"):
        to_decimal(other)


def test_error_messages_are_chinese_and_name_the_value():
    with pytest.raises(InputValueError) as info:
        to_decimal("abc", what="投诉率")
    assert "投诉率" in str(info.value)
    assert "abc" in str(info.value)


# --------------------------------------------------------------------------- rounding


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("2.345"), 2, Decimal("2.35")),
        (Decimal("2.344"), 2, Decimal("2.34")),
        (Decimal("2.3449999"), 2, Decimal("2.34")),
        (Decimal("21.825"), 2, Decimal("21.83")),  # 25 × 87.3%
        (Decimal("499.995"), 2, Decimal("500.00")),  # 99999 × 0.5%
        (Decimal("0.5"), 0, Decimal("1")),
        (Decimal("1.5"), 0, Decimal("2")),
        (Decimal("2.5"), 0, Decimal("3")),  # not banker's rounding
        (Decimal("79.5"), 0, Decimal("80")),
        # negative halves go away from zero, as Excel's ROUND does
        (Decimal("-2.345"), 2, Decimal("-2.35")),
        (Decimal("-0.5"), 0, Decimal("-1")),
        (Decimal("-2.5"), 0, Decimal("-3")),
        (Decimal("-2.344"), 2, Decimal("-2.34")),
        (Decimal("7"), 2, Decimal("7.00")),
    ],
)
def test_round_half_up(value, places, expected):
    result = round_half_up(value, places)
    assert result == expected
    assert result.as_tuple().exponent == -places
