"""xl_kpi.engine.score at the places a mutation run of score.py showed untested: the scheme's decimals,
the blend's default rounding (KPI_BLEND), which input and which assessor a problem or notice points at,
and every Chinese message about the values of one indicator.  Values as HR types them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xl_kpi.base.errors import InputValueError
from xl_kpi.engine.score import blend, score_indicator, score_indicator_noted, score_person
from xl_kpi.schemes.scheme import builtin_scheme, parse_scheme_text

D = Decimal

# A scheme of one decimal with 自评 40% + 主管 60%: an item of 按步扣分 in proportion (which gives many
# decimals) on a rate that may be typed without its %, and 安全生产 with its two counts.
ONE_DECIMAL = """
id: test-one-decimal
name: 一位小数
total: 22
decimals: 1
assessors:
  - {id: self, name: 自评, weight: 40%}
  - {id: supervisor, name: 部门主管, weight: 60%}
groups:
  - id: g
    name: 组
    weight: 22
    indicators:
      - id: complaint_rate
        name: 客户投诉率
        weight: 20
        input: {unit: percent, plausible_max: 5%}
        rule: {kind: deduction, start: 0, step: 0.1%, points_per_step: 2, partial_step: proportional}
      - id: safety
        name: 安全生产
        weight: 2
        inputs:
          - {id: safety_violations, name: 安全规范不达标次数, unit: count}
          - {id: safety_accidents, name: 安全事故次数, unit: count}
        rule: {kind: limits, limits: [3, 1], points: 2, otherwise: 0}
"""


@pytest.fixture(scope="module")
def scheme():
    return parse_scheme_text(ONE_DECIMAL, source="一位小数.yaml")


def person(scheme, entered):
    def get(ind, spec, assessor):
        return entered[(spec.id, assessor.id)]

    return score_person(scheme, get)


def test_items_round_to_the_schemes_decimals(scheme):
    # 0.123% is 1.23 steps: 20 - 2.46 = 17.54 -> 17.5 at one decimal; 0.1185%: 20 - 2.37 = 17.63 -> 17.6
    p = person(scheme, {("complaint_rate", "self"): "0.123%", ("complaint_rate", "supervisor"): "0.1185%",
                        ("safety_violations", "self"): 0, ("safety_accidents", "self"): 0,
                        ("safety_violations", "supervisor"): 3, ("safety_accidents", "supervisor"): 0})
    assert p.ok
    item = p.items[0]
    assert item.by_assessor == {"self": D("17.5"), "supervisor": D("17.6")}
    assert item.points == D("17.6")  # 17.5 × 40% + 17.6 × 60% = 7 + 10.56 = 17.56 -> 17.6, not 17.56
    assert p.items[1].by_assessor == {"self": D(2), "supervisor": D(0)}
    assert p.items[1].points == D("0.8")
    assert p.total == D("18.4")
    assert p.assessor_totals == {"self": D("19.5"), "supervisor": D("17.6")}


def test_a_notice_points_at_the_assessor_who_typed_the_value(scheme):
    # the supervisor typed 0.3 (30%) where 0.3% was meant: scored as typed, with a notice at the supervisor's cell
    p = person(scheme, {("complaint_rate", "self"): "0.3%", ("complaint_rate", "supervisor"): D("0.3"),
                        ("safety_violations", "self"): 0, ("safety_accidents", "self"): 0,
                        ("safety_violations", "supervisor"): 0, ("safety_accidents", "supervisor"): 0})
    assert p.ok
    assert p.items[0].by_assessor == {"self": D(14), "supervisor": D(0)}
    assert [(n.indicator.id, n.spec.id, n.assessor.id) for n in p.notices] == [("complaint_rate", "complaint_rate", "supervisor")]


def test_a_problem_points_at_the_input_that_is_wrong(scheme):
    # 安全事故次数 typed as 一次: the problem is about that input, not the first one
    p = person(scheme, {("complaint_rate", "self"): "0%", ("complaint_rate", "supervisor"): "0%",
                        ("safety_violations", "self"): 0, ("safety_accidents", "self"): "一次",
                        ("safety_violations", "supervisor"): 0, ("safety_accidents", "supervisor"): 0})
    assert not p.ok and p.total is None and p.grade is None
    [problem] = p.problems
    assert (problem.indicator.id, problem.spec.id, problem.assessor.id) == ("safety", "safety_accidents", "self")
    assert p.assessor_totals == {"self": None, "supervisor": D(22)}


def test_a_value_the_rule_refuses_points_at_the_indicators_input():
    # 9.5 passes the input's own check (a number of points) but 处事能力 takes whole points only
    scheme = builtin_scheme("cs-table")
    p = score_person(scheme, lambda ind, spec, a: "9.5" if (ind.id, a.id) == ("handling", "supervisor") else "0")
    [problem] = p.problems
    assert (problem.indicator.id, problem.spec.id, problem.assessor.id) == ("handling", "handling", "supervisor")
    assert problem.message == "处事能力: 应填整数分, 收到 9.5 (可选: 10 / 8-9 / 6-7 / 4-5 / 0-3)"
    assert p.items[1].points is None and p.total is None


def test_score_indicator_messages():
    safety = builtin_scheme("advisor-4s").indicator("safety")
    with pytest.raises(InputValueError) as info:
        score_indicator(safety, [2])
    assert str(info.value) == "安全生产需要 2 个数值 (安全规范不达标次数、安全事故次数), 收到 1 个"
    assert score_indicator(safety, [2, 0]) == D(2)
    assert score_indicator(safety, [3, 0]) == D(0)
    complaints = builtin_scheme("advisor-4s").indicator("complaints")
    with pytest.raises(InputValueError) as info:
        score_indicator(complaints, ["1.5"])
    assert str(info.value) == "抱怨投诉次数应为非负整数, 收到 1.5"  # the input's own check says it first
    # what the rule refuses is said with the indicator's name in front
    with pytest.raises(InputValueError) as info:
        score_indicator(builtin_scheme("cs-quant").indicator("collaboration"), ["1"])
    assert str(info.value) == "内部协作配合度: 1 分不在任何等级的分值内 (可选: 5 / 4 / 3 / 2 / 0)"


def test_score_indicator_rounds_to_two_decimals_unless_told():
    rule_text = ONE_DECIMAL.replace("decimals: 1", "decimals: 2")
    ind = parse_scheme_text(rule_text, source="t.yaml").indicator("complaint_rate")
    assert score_indicator(ind, ["0.1234%"]) == D("17.53")  # 20 - 1.234 × 2 = 17.532
    assert score_indicator(ind, ["0.1234%"], 3) == D("17.532")
    assert score_indicator_noted(ind, ["0.1234%"], 0) == (D(18), [])
    assert score_indicator_noted(ind, ["0.1234%"]) == (D("17.53"), [])


@pytest.mark.parametrize(
    ("own", "boss", "expected"),
    [("86.27", "90", D("88.51")),  # 34.508 + 54 = 88.508
     ("85", "90", D(88)), ("89.5", "89.5", D("89.5")), ("0", "100", D(60))],
)
def test_blend_self_40_supervisor_60_to_two_decimals(own, boss, expected):
    assert blend([D(own), D(boss)], [D("0.4"), D("0.6")]) == expected


def test_points_of_an_unknown_indicator():
    p = score_person(builtin_scheme("cs-table"), lambda ind, spec, a: "0")
    assert p.points("handling") == D(0)
    with pytest.raises(KeyError, match="nope"):
        p.points("nope")


def test_without_assessors_an_item_has_no_scores_by_assessor():
    p = score_person(builtin_scheme("cs-quant"), lambda ind, spec, a: "4" if spec.unit == "points" else "0.2%" if spec.unit == "percent" else "90")
    assert p.ok, [x.message for x in p.problems]
    assert [item.by_assessor for item in p.items] == [{}] * 8
    assert p.assessor_totals == {}
