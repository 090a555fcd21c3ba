"""xl_kpi.schemes.rules: what a mutation run of rules.py showed the tests of test_rules.py let through.

Each test here pins something HR reads: the rule's text on the assessment sheet and in the
annual book (``describe``), the exact Chinese of a scheme error (with the file and place it
names), a default a scheme file may leave out, and scores at the edges the mutants moved.
Values are written as HR types them (0.3%, 89.5, 10 次).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from xl_kpi.base.errors import InputValueError, SchemeError
from xl_kpi.schemes.rules import parse_rule

D = Decimal


def make(data: dict, weight=10):
    return parse_rule(data, D(str(weight)), where="groups[1].indicators[2].rule", source="客服.yaml")


def score(rule, *values):
    return rule.score([D(str(v)) for v in values])


def scheme_error(data: dict, weight=10) -> str:
    """The whole message HR reads for a scheme that does not make sense."""
    with pytest.raises(SchemeError) as info:
        make(data, weight)
    return str(info.value)


PLACE = "客服.yaml / groups[1].indicators[2].rule: "


def input_error(rule, *values) -> str:
    with pytest.raises(InputValueError) as info:
        score(rule, *values)
    return str(info.value)


# =========================================================================== scheme errors name file and place


def test_a_field_error_names_the_file_and_the_place():
    # every error of a field goes through RuleSpec.fail: HR must learn which file and which rule
    with pytest.raises(SchemeError) as info:
        make({"kind": "direct", "max": 0}, 4)
    assert info.value.source == "客服.yaml"
    assert info.value.where == "groups[1].indicators[2].rule"
    assert str(info.value) == PLACE + "max 应大于0, 收到 0"


# =========================================================================== describe: the rule's text on the sheet
# layout.py writes describe() as an indicator's 考核标准 when the scheme gives none; the annual book lists it too.


@pytest.mark.parametrize(
    ("data", "weight", "text"),
    [
        (  # doc 000 客户投诉率: each 0.1 percentage point up costs 2
            {"kind": "deduction", "start": 0, "step": "0.1%", "points_per_step": 2},
            20,
            "0时得20分, 每上升0.001扣2分, 不足一步不扣, 最低0分",
        ),
        (
            {"kind": "deduction", "start": 0, "step": "0.1%", "points_per_step": 2, "partial_step": "count", "floor": 5},
            20,
            "0时得20分, 每上升0.001扣2分, 不足一步按一步扣, 最低5分",
        ),
        (  # doc 000 解决率: 100% gives 15, each point down costs 1.5, part of a step in proportion
            {"kind": "deduction", "start": "100%", "direction": "down", "step": "1%", "points_per_step": "1.5",
             "partial_step": "proportional"},
            15,
            "1时得15分, 每下降0.01扣1.5分, 不足一步按比例扣, 最低0分",
        ),
    ],
)
def test_describe_deduction(data, weight, text):
    assert make(data, weight).describe() == text


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (
            {"kind": "bands", "round_to": "1%",
             "bands": [{"above": "90%", "points": 3}, {"at_least": "80%", "points": 1}, {"otherwise": 0}]},
            "先四舍五入到 0.01 的整数倍; >0.9得3分; ≥0.8得1分; 其余得0分",
        ),
        (
            {"kind": "bands", "bands": [{"below": 10, "points": 2}, {"at_most": 10, "points": 1}, {"otherwise": 0}]},
            "<10得2分; ≤10得1分; 其余得0分",
        ),
        (
            {"kind": "count", "bands": [{"at_most": 0, "points": 5}, {"below": 3, "points": "2.5"}, {"otherwise": 0}]},
            "≤0得5分; <3得2.5分; 其余得0分",
        ),
    ],
)
def test_describe_bands(data, text):
    assert make(data, 5).describe() == text


def test_describe_limits():
    # 安全生产: 不达标≥3次 或 事故≥1次 不得分
    assert make({"kind": "limits", "limits": [3, 1], "points": 2}, 2).describe() == "第1项≥3 或 第2项≥1得0分, 否则2分"
    assert make({"kind": "limits", "limits": [2], "otherwise": 1}, 4).describe() == "第1项≥2得1分, 否则4分"


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ({"kind": "attainment", "floor": "60%"}, "低于60%得0分, 按完成比例得分, 满分25分, 达到100%及以上得满分"),
        ({"kind": "attainment", "floor": "60%", "below_floor": 3, "mode": "linear", "cap": "120%"},
         "低于60%得3分, 从60%的0分线性增至满分, 满分25分, 达到120%及以上得满分"),
        ({"kind": "attainment"}, "按完成比例得分, 满分25分, 达到100%及以上得满分"),
        ({"kind": "attainment", "mode": "linear"}, "从0%的0分线性增至满分, 满分25分, 达到100%及以上得满分"),
        # a ratio up to 200% still reads in %; a target on a score scale (3 of 3, 90 of 100) as is
        ({"kind": "attainment", "cap": "200%", "floor": "50%"}, "低于50%得0分, 按完成比例得分, 满分25分, 达到200%及以上得满分"),
        ({"kind": "attainment", "cap": 3, "floor": "2.5"}, "低于2.5得0分, 按完成比例得分, 满分25分, 达到3及以上得满分"),
        ({"kind": "attainment", "cap": 90, "floor": 60, "mode": "linear", "full": 20},
         "低于60得0分, 从60的0分线性增至满分, 满分20分, 达到90及以上得满分"),
    ],
)
def test_describe_attainment(data, text):
    assert make(data, 25).describe() == text


def test_describe_rubric_and_direct():
    rule = make({"kind": "rubric", "levels": [{"points": 10, "text": "独立解决"}, {"points": "8—9", "text": "一般"},
                                              {"points": "3-0", "text": "差"}]}, 10)
    assert rule.describe() == "独立解决 10分; 一般 8-9分; 差 0-3分"
    assert make({"kind": "direct"}, 4).describe() == "直接填写 0~4 分"
    assert make({"kind": "direct", "max": "2.5"}, 4).describe() == "直接填写 0~2.5 分"


# =========================================================================== defaults a scheme file may leave out


@pytest.mark.parametrize(("value", "expected"), [("0", D(20)), ("0.0009", D(20)), ("0.001", D(18)), ("0.003", D(14))])
def test_deduction_direction_defaults_to_up(value, expected):
    # 客户投诉率 written without direction: higher is worse (0.09% 20, 0.1% 18, 0.3% 14)
    rule = make({"kind": "deduction", "start": 0, "step": "0.1%", "points_per_step": 2}, 20)
    assert rule.direction == "up"
    assert score(rule, value) == expected


@pytest.mark.parametrize(("maximum", "typed", "ok"), [("0.5", "0.5", True), ("0.5", "0.6", False), (1, "1", True), (1, "0", True)])
def test_direct_max_of_one_point_or_less(maximum, typed, ok):
    # a bonus item worth 1 or 0.5 points is a scheme that makes sense
    rule = make({"kind": "direct", "max": maximum}, 1)
    if ok:
        assert score(rule, typed) == D(typed)
    else:
        assert input_error(rule, typed) == "得分应在 0~0.5 之间, 收到 0.6"


# =========================================================================== scheme errors, word for word


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        ([], "limits 应为列表, 每项是对应输入达到多少次即不得分"),
        (3, "limits 应为列表, 每项是对应输入达到多少次即不得分"),
        (["三"], "limits 第1项 应为数字, 收到 '三'"),
        ([3, "x"], "limits 第2项 应为数字, 收到 'x'"),
        ([3, 0], "limits 中的次数应大于0, 收到 0"),
    ],
)
def test_limits_scheme_error_messages(limits, message):
    assert scheme_error({"kind": "limits", "limits": limits}, 2) == PLACE + message


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ([], "levels 应为等级列表, 每级写 text 和 points"),
        ([{"points": 10}], "第1级应写 text (说明) 和 points (分值或分值范围), 收到 {'points': 10}"),
        ([{"points": 10, "text": "a"}, {"text": "b"}], "第2级应写 text (说明) 和 points (分值或分值范围), 收到 {'text': 'b'}"),
        ([{"points": 10, "text": "a", "score": 1, "note": "x"}], "第1级有不认识的字段 note, score"),
        ([{"points": 10, "text": "a"}, {"points": "八", "text": "b"}], "第2级 points 应为数字, 收到 '八'"),
        ([{"points": 10, "text": "a"}, {"points": [8, "九"], "text": "b"}], "第2级 points 应为数字, 收到 '九'"),
        ([{"points": 10, "text": "a"}, {"points": -1, "text": "b"}], "第2级 points 不能为负数"),
    ],
)
def test_rubric_scheme_error_messages(levels, message):
    assert scheme_error({"kind": "rubric", "levels": levels}) == PLACE + message


COMPLAINT = {"kind": "deduction", "start": 0, "direction": "up", "step": "0.1%", "points_per_step": 2}
LOWER = [{"at_least": 90, "points": 20}, {"at_least": 80, "points": 16}, {"otherwise": 0}]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**COMPLAINT, "step": "-0.1%"}, "step 应大于0, 收到 -0.001"),
        ({**COMPLAINT, "points_per_step": 0}, "points_per_step 应大于0, 收到 0"),
        ({**COMPLAINT, "floor": 21}, "floor 应在 0 与满分 20 之间, 收到 21"),
        ({**COMPLAINT, "floor": -1}, "floor 应在 0 与满分 20 之间, 收到 -1"),
        ({**COMPLAINT, "direction": "sideways"}, "direction 应为 up / down 之一, 收到 'sideways'"),
        ({**COMPLAINT, "partial_step": "round"}, "partial_step 应为 ignore / count / proportional 之一, 收到 'round'"),
        ({**COMPLAINT, "step": "abc"}, "step 应为数字, 收到 'abc' (数值应为数字, 收到文字「abc」)"),
        ({**COMPLAINT, "steps": 1, "pace": 2}, "不认识的字段 pace, steps"),
        ({k: v for k, v in COMPLAINT.items() if k != "step"}, "缺少字段 step"),
        ({"kind": "bands", "bands": [LOWER[1], LOWER[0], LOWER[2]]}, "分段重叠或顺序不对: ≥80 之后是 ≥90; 门槛应从高到低排列"),
        ({"kind": "bands", "bands": [{"above": 80, "points": 16}, {"above": 80, "points": 10}, {"otherwise": 0}]},
         "分段重叠或顺序不对: >80 之后是 >80; 门槛应从高到低排列"),
        ({"kind": "bands", "bands": [{"at_most": 30, "points": 16}, {"below": 10, "points": 20}, {"otherwise": 0}]},
         "分段重叠或顺序不对: ≤30 之后是 <10; 门槛应从低到高排列"),
        ({"kind": "bands", "bands": [{"at_least": 80, "points": 16}, {"at_most": 90, "points": 20}, {"otherwise": 0}]},
         "同一规则的各段应同为下限 (at_least/above) 或同为上限 (at_most/below)"),
        ({"kind": "bands", "bands": [LOWER[0]]}, "bands 应为至少两段的列表, 最后一段写 otherwise"),
        ({"kind": "bands", "bands": [{"otherwise": 0}, LOWER[0]]}, "第1段: otherwise 只能单独写在最后一段"),
        ({"kind": "bands", "bands": [LOWER[0], {"otherwise": 0, "points": 1}]}, "第2段: otherwise 只能单独写在最后一段"),
        ({"kind": "bands", "bands": [LOWER[0], {"at_least": 80, "above": 85, "points": 16}, {"otherwise": 0}]},
         "第2段应恰有一个门槛 (at_least / above / at_most / below) 和 points, 收到 {'at_least': 80, 'above': 85, 'points': 16}"),
        ({"kind": "bands", "bands": [{"at_least": 90, "points": -1}, {"otherwise": 0}]}, "分值不能为负数: -1"),
        ({"kind": "bands", "bands": [{"at_least": 90, "points": 1}, {"otherwise": "-0.5"}]}, "分值不能为负数: -0.5"),
        ({"kind": "bands", "bands": [LOWER[0], {"at_least": "八十", "points": 1}, {"otherwise": 0}]},
         "第2段 at_least 应为数字, 收到 '八十'"),
        ({"kind": "bands", "bands": [{"at_least": 90, "points": "x"}, {"otherwise": 0}]}, "第1段 points 应为数字, 收到 'x'"),
        ({"kind": "bands", "bands": [{"at_least": 90, "points": 1}, {"otherwise": "y"}]}, "第2段 otherwise 应为数字, 收到 'y'"),
        ({"kind": "bands", "bands": [LOWER[0], 80, {"otherwise": 0}]}, "第2段应为 {at_least: 数值, points: 分值} 这样的映射, 收到 80"),
        ({"kind": "bands", "bands": LOWER[:2]}, "最后一段应为 {otherwise: 分值}, 以免数值落在所有段之外"),
        ({"kind": "bands", "round_to": 0, "bands": LOWER}, "round_to 应大于0 (如 1 或 1%), 收到 0"),
        ({"kind": "attainment", "floor": "100%"}, "floor 应不小于0且小于 cap, 收到 floor=1 cap=1"),
        ({"kind": "attainment", "floor": "-10%", "cap": "120%"}, "floor 应不小于0且小于 cap, 收到 floor=-0.1 cap=1.2"),
        ({"kind": "attainment", "mode": "steps"}, "mode 应为 ratio / linear 之一, 收到 'steps'"),
        ({"kind": "rubric", "levels": [{"points": 10, "text": "a"}], "whole_points": "yes"}, "whole_points 应为 true 或 false, 收到 'yes'"),
        ({"kind": "steps"}, "未知的规则类型 kind='steps'; 可用: deduction, bands, count, limits, attainment, rubric, direct"),
        ({"kind": "bands"}, "缺少字段 bands"),
    ],
)
def test_scheme_error_messages(data, message):
    assert scheme_error(data, 20) == PLACE + message


def test_a_rule_that_is_not_a_mapping():
    assert scheme_error("deduction") == PLACE + "rule 应为映射 (kind: ...), 收到 'deduction'"


# =========================================================================== what a person typing a value reads

HANDLING = {  # doc 002 处事能力
    "kind": "rubric",
    "levels": [{"points": 10, "text": "独立解决"}, {"points": "8—9", "text": "一般"}, {"points": "6-7", "text": "不好"},
               {"points": [4, 5], "text": "把握不准"}, {"points": "3-0", "text": "差"}],
}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9.5", "应填整数分, 收到 9.5 (可选: 10 / 8-9 / 6-7 / 4-5 / 0-3)"),
        ("11", "11 分不在任何等级的分值内 (可选: 10 / 8-9 / 6-7 / 4-5 / 0-3)"),
        ("-1", "-1 分不在任何等级的分值内 (可选: 10 / 8-9 / 6-7 / 4-5 / 0-3)"),
    ],
)
def test_rubric_input_messages(typed, message):
    assert input_error(make(HANDLING), typed) == message


@pytest.mark.parametrize(("typed", "message"), [("-1", "次数应为非负整数, 收到 -1"), ("1.5", "次数应为非负整数, 收到 1.5")])
def test_count_input_messages(typed, message):
    rule = make({"kind": "count", "bands": [{"below": 3, "points": 5}, {"otherwise": 0}]}, 5)
    assert input_error(rule, typed) == message


def test_direct_input_message():
    assert input_error(make({"kind": "direct"}, 4), "4.5") == "得分应在 0~4 之间, 收到 4.5"


@pytest.mark.parametrize(("typed", "expected"), [(0, D(1)), (1, D("0.5")), (2, D("0.5")), (3, D(0)), (8, D(0))])
def test_a_band_may_be_worth_nothing_or_half_a_point(typed, expected):
    # 客户投诉次数: none 1 point, 1-2 half a point, 3 or more nothing; only negative points are refused
    rule = make({"kind": "count", "bands": [{"at_least": 3, "points": 0}, {"at_least": 1, "points": "0.5"}, {"otherwise": 1}]}, 1)
    assert score(rule, typed) == expected
    assert rule.min_points == 0 and rule.max_points == 1
