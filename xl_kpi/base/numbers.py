"""Exact numbers from values as a person typed them.

Excel stores 0.3% as the double nearest 0.003.  ``repr`` of that double is the
shortest string that round-trips, "0.003", which is what the person typed, so
converting through it gives the exact decimal the person meant.  Every
comparison and step count in the engine is then done on ``Decimal`` values and
never on binary floats: 0.003 / 0.001 is exactly 3 steps, not
2.9999999999999996.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from xl_kpi.base.errors import InputValueError

_NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# commas only as thousands separators: 1,200 and 12,345.5, never 0,3 or 1,5 (a decimal comma) or 1,20
_GROUPED = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－＋％，", "0123456789.-+%,")


# how a value was typed: a plain number, with a % sign ("90%"), or in a cell whose number format shows it as a
# percentage (Excel stores 90% as 0.9; typing 0.9 or 90 into such a cell gives the same 0.9)
PLAIN, SIGN, FORMAT = "", "%", "format"


@dataclass(frozen=True)
class Typed:
    """A cell's value with how the cell shows it: ``percent`` when its number format is a percentage.

    A face that sees the cell's format (an .xlsx read back) hands the engine Typed(0.9, percent=True)
    for a cell showing 90%, so that a 0-100 score typed as 90% is 90, not 0.9 (inputs.InputSpec)."""

    value: object
    percent: bool = False


def to_decimal(value: object, *, what: str = "数值") -> Decimal:
    """Return the exact decimal for a cell value or typed text.

    Accepts int, float, Decimal, and text such as "89.5", "0.3%", "1,200",
    "８９．５" (full-width digits, as a Chinese IME types them).  A comma is
    accepted only between groups of three digits ("12,345.5"): "0,3" or "1,5"
    (a decimal comma) is rejected, never read as 3 or 15.  Raises
    InputValueError with a Chinese message for anything else.  "90%" is 0.9:
    read_number also says that it was typed as a percentage.
    """
    return read_number(value, what=what)[0]


def read_number(value: object, *, what: str = "数值") -> tuple[Decimal, str]:
    """The exact decimal, as to_decimal gives it, and how it was typed: PLAIN, SIGN ("90%", text with a %
    sign) or FORMAT (a Typed value whose cell shows it as a percentage)."""
    if isinstance(value, Typed):
        number, how = read_number(value.value, what=what)
        return number, FORMAT if value.percent and how == PLAIN else how
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InputValueError(f"{what}为空, 请填写")
    if isinstance(value, str):
        return _parse_text(value, what)
    if isinstance(value, bool):
        raise InputValueError(f"{what}应为数字, 收到逻辑值 {'TRUE' if value else 'FALSE'}")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InputValueError(f"{what}应为有限的数字, 收到 {value}")
        return _sane(value, what), PLAIN
    if isinstance(value, int):
        return _sane(Decimal(int(value)), what), PLAIN
    if isinstance(value, float):  # also numpy.float64, whose repr is "np.float64(...)"
        value = float(value)
        if not math.isfinite(value):
            raise InputValueError(f"{what}应为有限的数字, 收到 {value}")
        return _sane(Decimal(repr(value)), what), PLAIN
    raise InputValueError(f"{what}应为数字, 收到{_describe(value)}")


def _describe(value: object) -> str:
    """What a non-number cell holds, in words a user recognises: Excel turns 10.3 or 3-1 typed into a
    General cell into a date, and 10:00 into a time, and shows it that way."""
    retype = "; 请把单元格格式设为「数值」后重新填写"
    if isinstance(value, datetime.date):  # a datetime too: its time is shown unless it is midnight
        timed = isinstance(value, datetime.datetime) and value.time() != datetime.time()
        return f"日期 {value:{'%Y-%m-%d %H:%M' if timed else '%Y-%m-%d'}} (Excel 把输入当成了日期){retype}"
    if isinstance(value, datetime.time):
        return f"时间 {value:%H:%M} (Excel 把输入当成了时刻){retype}"
    if isinstance(value, datetime.timedelta):
        return f"时长 {value} (Excel 把输入当成了时长){retype}"
    return f" {type(value).__name__}"


def _parse_text(text: str, what: str) -> tuple[Decimal, str]:
    raw = text.strip().translate(_FULLWIDTH).replace(" ", "")
    percent = raw.endswith("%")
    if percent:
        raw = raw[:-1]
    if raw.startswith("#"):
        raise InputValueError(f"{what}是错误值 {text.strip()}, 请检查公式或输入")
    if "," in raw:
        if not _GROUPED.match(raw):
            raise InputValueError(
                f"{what}应为数字, 收到文字「{text.strip()}」(逗号只能用作千位分隔符, 如 1,200; 小数点请用「.」)"
            )
        raw = raw.replace(",", "")
    if not _NUMBER_TEXT.match(raw):
        raise InputValueError(f"{what}应为数字, 收到文字「{text.strip()}」")
    try:
        number = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the regex rules this out
        raise InputValueError(f"{what}应为数字, 收到文字「{text.strip()}」") from None
    return _sane(number / 100 if percent else number, what), SIGN if percent else PLAIN


LIMIT = Decimal("1e15")  # Excel keeps 15 significant digits; larger values are typing slips


def _sane(value: Decimal, what: str) -> Decimal:
    if abs(value) >= LIMIT:
        raise InputValueError(f"{what}数值过大, 收到 {value:E}")
    return value


def parse_config_number(value: object) -> Decimal:
    """A number written in a scheme file: 20, 0.5, "0.1%", "8.5"."""
    if isinstance(value, bool):
        raise ValueError("应为数字")
    if isinstance(value, (int, float, Decimal)):
        return to_decimal(value)
    if isinstance(value, str):
        try:
            return to_decimal(value)
        except InputValueError as exc:
            raise ValueError(str(exc)) from None
    raise ValueError("应为数字")


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round as Excel's ROUND does: halves away from zero."""
    quantum = Decimal(1).scaleb(-places)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> int | float:
    """The value as an int when whole, else a float (for spreadsheet cells)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def fmt(value: Decimal) -> str:
    """Human text for a decimal: 14, 16.5, 0.003 (no exponent, no trailing zeros)."""
    if value == value.to_integral_value():
        return str(int(value))
    text = format(value.normalize(), "f")
    return text


def fmt_percent(value: Decimal) -> str:
    """0.003 -> '0.3%'."""
    return fmt(value * 100) + "%"
