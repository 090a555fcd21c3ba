"""inputs.py: what the messages and input prompts say about a value a person types.

Written from a mutation run of inputs.py (mutmut 3.8): the ranges and examples HR reads in an
error or in a cell's input prompt, for the units the other tests did not reach.
"""

from decimal import Decimal as D

import pytest

from xl_kpi.base.errors import InputValueError
from xl_kpi.schemes.inputs import InputSpec

RATIO = InputSpec("sales", "销售完成率", "銷售完成率", "ratio", D("0.5"), D(2))


def _refusal(spec: InputSpec, typed) -> str:
    with pytest.raises(InputValueError) as info:
        spec.read(typed)
    return str(info.value)


@pytest.mark.parametrize("typed, message", [
    ("250%", "销售完成率应不大于 200%, 收到 250%"),
    ("30%", "销售完成率应不小于 50%, 收到 30%"),
])
def test_a_ratio_out_of_its_range_is_told_in_percent(typed, message):
    assert _refusal(RATIO, typed) == message


def test_a_value_that_is_no_number_names_the_indicator():
    spec = InputSpec("complaints", "客户投诉率", "客戶投訴率", "percent", D(0), D(1), D("0.05"))
    assert _refusal(spec, "abc") == "客户投诉率应为数字, 收到文字「abc」"


@pytest.mark.parametrize("unit, plausible_max, example", [
    ("ratio", None, "85%"),
    ("minutes", None, "10"),
    ("amount", None, "10"),
    ("percent", D("0.05"), "0.3%"),  # 客户投诉率: a small rate
    ("percent", D("0.1"), "98.5%"),  # 10% is no longer small
    ("percent", None, "98.5%"),
])
def test_the_example_in_a_prompt_is_typed_as_the_unit_is(unit, plausible_max, example):
    assert InputSpec("x", "x", "x", unit, D(0), None, plausible_max).example() == example


@pytest.mark.parametrize("minimum, maximum, span", [
    (D(1), D(5), "1~5"),
    (None, D(5), "0~5"),
    (D(0), None, "不小于 0"),
    (D("0.5"), None, "不小于 0.5"),
])
def test_the_score_span_in_a_prompt(minimum, maximum, span):
    assert InputSpec("x", "服务态度", "服務態度", "score", minimum, maximum).score_span() == span


def test_a_score_from_1_to_5_typed_as_a_percentage_says_1_to_5():
    spec = InputSpec("attitude", "服务态度", "服務態度", "score", D(1), D(5))
    assert _refusal(spec, "90%") == "服务态度应填 1~5 的分数 (如 4.5), 收到百分比 90%"


@pytest.mark.parametrize("typed, message", [
    (100, "一次解决率应不大于 100%, 收到 10000%; 如要填 100%, 请输入 100% (带 %)"),  # 100 meant as 100%
    (100.5, "一次解决率应不大于 100%, 收到 10050%"),  # above 100 no rate was meant: no hint
])
def test_a_rate_typed_as_a_plain_number_above_100_percent_gets_the_hint_up_to_100(typed, message):
    spec = InputSpec("fcr", "一次解决率", "一次解決率", "percent", D(0), D(1))
    assert _refusal(spec, typed) == message


def test_a_computed_rate_above_the_plausible_range_is_shown_rounded_without_a_typing_hint():
    from xl_kpi.schemes.scheme import builtin_scheme

    spec = builtin_scheme("cs-quant").indicator("complaint_rate").inputs[0]
    assert spec.read(0.08823529411764706)[1] == "客户投诉率 8.82% 高于常见的 5%, 已按此计分; 请核对这个数据是否有误"
    assert spec.read(D("0.1234567"))[1] == "客户投诉率 12.35% 高于常见的 5%, 已按此计分; 请核对这个数据是否有误"
    # six decimals is still what a person types (12.3456%): the typing hint stays
    assert spec.read(D("0.123456"))[1] == ("客户投诉率 0.123456 即 12.3456%, 高于常见的 5%, 已按 12.3456% 计分; "
                                                 "如要填 0.123456%, 请输入 0.123456%")
