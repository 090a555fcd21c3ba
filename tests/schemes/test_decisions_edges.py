"""People decisions at and around their edges, verdict and reason exact to the character.

Found by mutation testing (mutmut on decisions.py, months.py, pay.py): each test pins a verdict, a
figure of a reason (the months counted, the average, the rule's limit) or a comparison (≥ against >)
that a changed line would otherwise alter unnoticed.  Schemes are parsed inside the tests (not taken
from the cached built-in ones) so that the parameters' defaults are exercised too.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D
from fractions import Fraction

import pytest

from xl_kpi.base.months import MonthRow, count_text, exact_text, longest, windows
from xl_kpi.schemes.decisions import SchemeFacts, parse_decisions
from xl_kpi.schemes.pay import parse_commission
from xl_kpi.schemes.scheme import builtin_scheme, facts_of
from xl_kpi.workflow.annual import roll_up

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


def row(pid: str, month: str, total: str | None, dept: str = "一部", sales: str | None = None, **extra) -> MonthRow:
    return MonthRow(pid, f"员工{pid}", dept, month, None if total is None else D(total), "t.csv",
                    sales=None if sales is None else D(sales), extra=extra)


def rows_of(people: dict[str, list[str | None]], dept: str = "一部") -> list[MonthRow]:
    """Each person's totals as typed from January (None: no row that month)."""
    return [row(pid, MONTHS[i], t, dept) for pid, totals in people.items() for i, t in enumerate(totals) if t is not None]


def decide(scheme_id: str, raw: dict | None, rows: list[MonthRow], period: str = "2026") -> dict:
    """pid -> decisions, with the scheme's decisions replaced by ``raw`` (parsed here) when given."""
    scheme = builtin_scheme(scheme_id)
    if raw is not None:
        scheme = dataclasses.replace(scheme, decisions=parse_decisions(raw, facts_of(scheme)))
    return {p.pid: p.decisions for p in roll_up(rows, scheme=scheme).people if p.period == period}


# --------------------------------------------------------------------------- 调薪资格 / 降薪 (document 000)


def test_raise_gives_both_reasons_when_both_hold():
    got = decide("cs-quant", None, rows_of({"P": ["90"] * 12}))
    assert got["P"]["调薪资格"] == ("有资格", "2026-01、2026-02、2026-03 连续三个月 ≥85 (90, 90, 90); 年度平均 90 ≥85")


def test_raise_without_any_good_month_says_zero_months():
    got = decide("cs-quant", None, rows_of({"P": ["70"] * 12}))
    assert got["P"]["调薪资格"] == ("", "无连续三个月 ≥85 (最长连续 ≥85 为 0 个月); 年度平均 70 未≥85")


def test_raise_strict_average_85_is_not_above_85():
    got = decide("cs-quant", {"raise": {"annual_strict": True}}, rows_of({"P": ["90", "80"] * 6}))
    assert got["P"]["调薪资格"] == ("", "无连续三个月 ≥85 (最长连续 ≥85 为 1 个月 (2026-01)); 年度平均 85 未>85")
    above = decide("cs-quant", {"raise": {"annual_strict": True}}, rows_of({"P": ["90", "80.01"] * 6}))
    assert above["P"]["调薪资格"] == ("有资格", "年度平均 85.01 >85")  # 85.005, shown 85.01


def test_raise_names_the_longest_run_and_the_gap_that_broke_it():
    got = decide("cs-quant", {"raise": {"months": 4}},
                 rows_of({"P": ["90", "90", "90", None, "90", "90"] + ["70"] * 6, "Q": ["70"] * 12}))
    # P: 90×5 + 70×6 over 11 months = 870/11 = 79.0909… (shown 79.09)
    assert got["P"]["调薪资格"] == (
        "", "无连续四个月 ≥85 (最长连续 ≥85 为 3 个月 (2026-01、2026-02、2026-03); 缺考 2026-04 中断连续); 年度平均 79.09 未≥85")


def test_pay_cut_gives_both_reasons_when_both_hold():
    got = decide("cs-quant", None, rows_of({"P": ["50"] * 12}))
    assert got["P"]["降薪"] == ("降薪", "2026-01、2026-02、2026-03 连续三个月 <60 (50, 50, 50); 年度平均 50 <60")


def test_pay_cut_run_of_four_months_counts_with_its_own_number():
    got = decide("cs-quant", {"pay_cut": {"months": 4}}, rows_of({"P": ["59.99"] * 4 + ["90"] * 8}))
    assert got["P"]["降薪"] == ("降薪", "2026-01、2026-02、2026-03、2026-04 连续四个月 <60 (59.99, 59.99, 59.99, 59.99)")
    none = decide("cs-quant", {"pay_cut": {"months": 4}}, rows_of({"P": ["59.99"] * 3 + ["90"] * 9}))
    assert none["P"]["降薪"] == ("", "无连续四个月 <60; 年度平均 82.5 不低于 60")  # 82.4975 shown 82.50


# --------------------------------------------------------------------------- the 考评资格 gate


def test_absence_gate_leaves_the_absent_out_of_the_decisions_that_respect_it():
    raw = {"absence": True, "raise": True, "promotion": True}
    people = {"A": ["90"] * 9 + [None] * 3, **{f"P{i}": [str(80 + i)] * 12 for i in range(10)}}
    got = decide("cs-quant", raw, rows_of(people))
    assert got["A"]["考评资格"] == ("不参与当期考评", "缺岗 3 个月 (2026-10、2026-11、2026-12), 超过 2 个月, 不参与当期考评")
    assert got["A"]["调薪资格"] == ("", "缺岗超过规定月数, 不参与当期考评")
    assert got["A"]["晋升竞聘"] == ("", "缺岗超过规定月数, 不参与当期考评")
    # 10 assessed (A is not counted): rank ≤ 1, and 1 is not "不足 1 名"
    assert got["P9"]["晋升竞聘"] == ("可参与", "年度得分 89 排名第 1/10; 前 10% 为名次 ≤ 10% × 10 = 1 (并列者名次相同)")


def test_promotion_reason_without_a_score():
    rows = rows_of({f"P{i}": [str(80 + i)] * 12 for i in range(9)}) + [row("N", MONTHS[0], None)]
    got = decide("cs-quant", None, rows)
    assert got["N"]["晋升竞聘"] == ("", "没有年度得分")
    # 9 assessed: 0.9 of a place, nobody
    assert got["P8"]["晋升竞聘"] == ("", "年度得分 88 排名第 1/9; 前 10% 为名次 ≤ 10% × 9 = 0.9 (不足 1 名, 无人入选) (并列者名次相同)")


def test_promotion_nineteen_people_is_1_9_places():
    got = decide("cs-quant", None, rows_of({f"P{i:02d}": [str(70 + i)] * 12 for i in range(19)}))
    assert got["P18"]["晋升竞聘"] == ("可参与", "年度得分 88 排名第 1/19; 前 10% 为名次 ≤ 10% × 19 = 1.9 (并列者名次相同)")
    assert got["P17"]["晋升竞聘"] == ("", "年度得分 87 排名第 2/19; 前 10% 为名次 ≤ 10% × 19 = 1.9 (并列者名次相同)")


# --------------------------------------------------------------------------- 绩效资格 (document 003)


def test_pay_threshold_reason_at_and_below_the_line():
    # tables of totals only: advisor-4s's per-item rule cannot be judged, and the reason says so
    got = decide("advisor-4s", None, rows_of({"P": ["80"] * 12, "Q": ["70", "70", "71"] * 4}))
    assert got["P"]["绩效资格"] == ("参与", "年度得分 80 / 100 = 80% ≥ 80%; 输入中没有各项得分 (只有总分), 各项不低于权重的 80% 的规定未判断")
    # 70.333…: shown 70.33, read the same way as the exact figure, so the shown one is said
    assert got["Q"]["绩效资格"] == ("不参与绩效考核", "年度得分 70.33 / 100 = 70.33% < 80%")


def test_pay_threshold_exactly_at_a_line_finer_than_the_shown_score():
    # at_least 80.125%: 80.125 is exactly at it (参与), shown as 80.13; both read the same, so 80.13 is said
    got = decide("advisor-4s", {"pay_threshold": {"at_least": "80.125%"}}, rows_of({"P": ["80.125"] * 12}))
    assert got["P"]["绩效资格"] == ("参与", "年度得分 80.13 / 100 = 80.13% ≥ 80.125%; 输入中没有各项得分 (只有总分), 各项不低于权重的 80% 的规定未判断")


def test_pay_threshold_defaults():
    assert parse_decisions({"pay_threshold": True}).rules[0].p["at_least"] == D("0.8")
    facts = SchemeFacts(pay_threshold=D("0.75"))
    assert parse_decisions({"pay_threshold": True}, facts).rules[0].p["at_least"] == D("0.75")
    assert parse_decisions({"pay_threshold": {"at_least": "90%"}}, facts).rules[0].p["at_least"] == D("0.9")
    half = SchemeFacts(full=D(50))
    rule = parse_decisions({"pay_threshold": True}, half).rules[0]
    assert rule.facts.full == D(50)


def test_pay_threshold_on_a_scheme_of_fifty_points():
    scheme = dataclasses.replace(builtin_scheme("advisor-4s"), total=D(50))
    scheme = dataclasses.replace(scheme, decisions=parse_decisions({"pay_threshold": True}, facts_of(scheme)))
    people = {p.pid: p.decisions for p in roll_up(rows_of({"P": ["40"] * 12, "Q": ["39.99"] * 12}), scheme=scheme).people}
    assert people["P"]["绩效资格"] == ("参与", "年度得分 40 / 50 = 80% ≥ 80%; 输入中没有各项得分 (只有总分), 各项不低于权重的 80% 的规定未判断")
    assert people["Q"]["绩效资格"] == ("不参与绩效考核", "年度得分 39.99 / 50 = 79.98% < 80%")


# --------------------------------------------------------------------------- document 002


def test_first_bonus_is_per_department_and_says_its_scope():
    rows = (rows_of({"A": ["90"] * 4, "B": ["95", "80", "95", "80"]}) + rows_of({"C": ["70"] * 4}, dept="二部"))
    got = decide("cs-table", None, rows)
    # C is alone in 二部: nobody ranked below, so no first place (it was paid 400)
    assert got["C"]["连续第一奖励"] == (D(0), "无连续两个月部门排名第一")
    assert got["A"]["连续第一奖励"] == (D(0), "无连续两个月部门排名第一 (排名第一: 2026-02、2026-04)")
    company = decide("cs-table", {"first_bonus": {"scope": "company"}}, rows)
    assert company["C"]["连续第一奖励"] == (D(0), "无连续两个月公司排名第一")
    assert company["A"]["连续第一奖励"] == (D(0), "无连续两个月公司排名第一 (排名第一: 2026-02、2026-04)")


def test_first_bonus_lists_only_the_periods_own_first_places():
    rows = [row("A", "2025-11", "90"), row("B", "2025-11", "80"),
            *rows_of({"A": ["80", "90", "80"], "B": ["90", "80", "90"]})]
    got = decide("cs-table", {"first_bonus": True}, rows)
    assert got["A"]["连续第一奖励"] == (D(0), "无连续两个月部门排名第一 (排名第一: 2026-02)")


def test_resign_fail_takes_the_pass_line_from_the_grades():
    rule = parse_decisions({"resign_fail": True}, SchemeFacts(pass_line=D(65))).rules[0]
    assert rule.p["below"] == D(65)
    with pytest.raises(ValueError, match=r"^decisions.resign_fail: 方案没有等级表, 请写 below \(低于此分为不及格\), 如 below: 65$"):
        parse_decisions({"resign_fail": True}, SchemeFacts())
    got = decide("cs-table", {"resign_fail": {"months": 3}}, rows_of({"P": ["64.99"] * 3 + ["80"] * 9, "Q": ["64.99"] * 2 + ["80"] * 10}))
    assert got["P"]["连续不及格请辞"] == ("请辞", "2026-01、2026-02、2026-03 连续三个月不及格 (<65: 64.99, 64.99, 64.99)")
    assert got["Q"]["连续不及格请辞"] == ("", "无连续三个月不及格 (<65)")


def test_resign_last_a_department_of_one_is_not_judged():
    rows = [row("D", MONTHS[0], None, dept="零部"),  # a department without any total comes first
            row("A", MONTHS[0], "90", sales="100"), row("B", MONTHS[0], "80", sales="50"),
            row("C", MONTHS[0], "60", dept="二部", sales="10")]
    got = decide("cs-table", None, rows)
    assert got["B"]["末位请辞"] == ("请辞", "2026-01 总分 (80) 与实际销售额 (50) 均为部门最后")
    assert got["C"]["末位请辞"] == ("", "2026-01 二部只有 1 人有总分, 无从比较, 未判断")
    company = decide("cs-table", {"resign_last": {"scope": "company"}}, rows)
    assert company["C"]["末位请辞"] == (
        "请辞", "2026-01 总分 (60) 与实际销售额 (10) 均为公司最后 (只比较了公司内有总分的 3 人; D 员工D 当月没有总分, 未参与比较)")


def test_resign_last_says_who_was_left_out_with_their_sales():
    rows = []
    for m in MONTHS[:2]:
        rows += [row("A", m, "90", sales="100"), row("B", m, "80", sales="50"),
                 row("E", m, None, sales="30"), row("F", m, None)]
    got = decide("cs-table", None, rows)
    left = "只比较了部门内有总分的 2 人; E 员工E (实际销售额 30)、F 员工F 当月没有总分, 未参与比较"
    assert got["B"]["末位请辞"] == ("请辞", f"2026-01 总分 (80) 与实际销售额 (50) 均为部门最后 ({left}); "
                                        f"2026-02 总分 (80) 与实际销售额 (50) 均为部门最后 ({left})")
    assert got["A"]["末位请辞"] == ("", f"没有总分与实际销售额同月均为部门最后的月份 (2026-01 {left}; 2026-02 {left})")


# --------------------------------------------------------------------------- 顾问级别 (document 003)


def advisor(level: str, new: list[str | None], **last) -> dict:
    rows = []
    for i, n in enumerate(new):
        extra = {"顾问级别": level}
        if n is not None:
            extra["新顾客数"] = D(n)
        if i == len(new) - 1:
            extra.update({k: (D(v) if k.endswith("成绩") else v) for k, v in last.items()})
        rows.append(row("P", MONTHS[i], "90", **extra))
    return decide("advisor-4s", None, rows)["P"]["顾问级别"]


def test_advisor_intern_with_every_test_at_95_and_four_new_customers_may_apply():
    assert advisor("实习顾问", ["2", "1", "1"], 公司简介成绩="95", 产品知识成绩="96", 仪器操作成绩="97") == (
        "实习顾问 (可申请专业顾问考核)",
        "2026-01 至 2026-03 三个月新顾客 4 位 (实习顾问要求至少 3 位); 公司简介 95、产品知识 96、仪器操作 97 均 ≥95")


def test_advisor_intern_with_one_test_at_94_99_stays():
    assert advisor("实习顾问", ["2", "1", "1"], 公司简介成绩="95", 产品知识成绩="94.99", 仪器操作成绩="97") == (
        "实习顾问", "2026-01 至 2026-03 三个月新顾客 4 位 (实习顾问要求至少 3 位); 公司简介 95、产品知识 94.99、仪器操作 97 未全部 ≥95")
    # all three tests passed but only 3 new customers (专业顾问 needs 4): stays, without the offer
    assert advisor("实习顾问", ["1", "1", "1"], 公司简介成绩="95", 产品知识成绩="95", 仪器操作成绩="95") == (
        "实习顾问", "2026-01 至 2026-03 三个月新顾客 3 位 (实习顾问要求至少 3 位); 公司简介 95、产品知识 95、仪器操作 95 均 ≥95")


def test_advisor_intern_a_month_without_new_customers_counts_none():
    assert advisor("实习顾问", ["1", None, "1"]) == (
        "降级 (重新考核合格后方可上岗)", "2026-01 至 2026-03 三个月新顾客 2 位 (实习顾问要求至少 3 位)")


def test_advisor_pro_failing_a_retest_goes_back_to_intern():
    rows = [row("P", MONTHS[i], "90", 顾问级别="专业顾问", 新顾客数=D(2), **({"复试": "不合格"} if i == 1 else {}))
            for i in range(3)]
    assert decide("advisor-4s", None, rows)["P"]["顾问级别"] == (
        "降为实习顾问", "2026-01 至 2026-03 三个月新顾客 6 位 (专业顾问要求至少 4 位); 2026-02 复试 (一周后的第二次抽考) 仍不合格")


def test_advisor_pro_with_tests_is_not_offered_the_intern_path():
    assert advisor("专业顾问", ["2", "2", "1"], 公司简介成绩="99", 产品知识成绩="99", 仪器操作成绩="99") == (
        "专业顾问", "2026-01 至 2026-03 三个月新顾客 5 位 (专业顾问要求至少 4 位)")


def test_advisor_without_level_data():
    assert decide("advisor-4s", None, rows_of({"P": ["90"] * 3}))["P"]["顾问级别"] == ("", "没有顾问级别数据")


# --------------------------------------------------------------------------- months: runs and exact figures


def test_windows_of_consecutive_months():
    assert windows({1, 2, 3, 4}, 3, {4}) == [[2, 3, 4]]  # sliding by default: the run may start before
    assert windows({1, 2, 5, 6, 7}, 2, set(range(13))) == [[1, 2], [5, 6], [6, 7]]
    assert windows(set(range(1, 8)), 3, {3}, chunked=True) == [[1, 2, 3]]
    assert windows(set(range(1, 8)), 3, {6}, chunked=True) == [[4, 5, 6]]
    assert windows(set(range(1, 8)), 3, {7}, chunked=True) == []  # 7 starts a block it cannot finish


def test_longest_run_touching_the_period():
    everything = set(range(13))
    assert longest({1, 2, 5, 6, 7}, everything) == [5, 6, 7]
    assert longest({1, 2, 3, 6, 7, 8}, everything) == [1, 2, 3]  # the first on a tie
    assert longest({1, 2, 3, 10}, {10}) == [10]  # a longer run outside the period does not count
    assert longest({4}, everything) == [4]


@pytest.mark.parametrize("value, text", [
    (Fraction("84.9975"), "84.9975"),
    (Fraction(85), "85"),
    (Fraction(1, 2), "0.5"),
    (Fraction(1, 8), "0.125"),
    (Fraction(17999, 300), "59.996666…"),
    (Fraction(1, 3), "0.333333…"),
    (Fraction("123456789.123456789"), "123456789.123456789"),
])
def test_exact_text(value, text):
    assert exact_text(value) == text


def test_count_text():
    assert [count_text(n) for n in (2, 3, 12, 13)] == ["两", "三", "十二", "13"]


# --------------------------------------------------------------------------- commission tiers (pay.py)


def test_commission_above_is_strictly_above_and_at_least_includes_the_edge():
    c = parse_commission({"w": 10000, "tiers": [{"above": "X+5W", "rate": "1.2%"}, {"at_least": "X", "rate": "1%"},
                                                {"otherwise": "0.5%"}]})
    plan = D("100000")
    assert c.rate(D("150000"), plan) == D("0.01")  # at X+5W: not above it
    assert c.rate(D("150000.01"), plan) == D("0.012")
    assert c.rate(D("100000"), plan) == D("0.01")  # at X: at least X
    assert c.rate(D("99999.99"), plan) == D("0.005")
    assert c.amount(D("123456.78"), plan) == D("1234.57")


# --------------------------------------------------------------------------- more edges found on the second run


def test_longest_run_is_found_after_a_one_month_gap():
    assert longest({1, 3, 4, 5}, set(range(13))) == [3, 4, 5]


def test_pay_threshold_without_a_score_and_on_thirty_points():
    got = decide("advisor-4s", None, [row("P", MONTHS[0], "90"), row("N", MONTHS[0], None)])
    assert got["N"]["绩效资格"] == ("", "没有年度得分")
    scheme = dataclasses.replace(builtin_scheme("advisor-4s"), total=D(30))
    scheme = dataclasses.replace(scheme, decisions=parse_decisions({"pay_threshold": True}, facts_of(scheme)))
    people = {p.pid: p.decisions for p in roll_up(rows_of({"Q": ["23.99"] * 12}), scheme=scheme).people}
    # 23.99 / 30 = 79.9666…%: said to two places as every shown percentage
    assert people["Q"]["绩效资格"] == ("不参与绩效考核", "年度得分 23.99 / 30 = 79.97% < 80%")


def test_resign_last_in_a_blank_department_says_部门():
    rows = [row("A", MONTHS[0], "90", dept="", sales="100"), row("C", MONTHS[0], "60", dept="二部", sales="10")]
    got = decide("cs-table", None, rows)
    assert got["A"]["末位请辞"] == ("", "2026-01 部门只有 1 人有总分, 无从比较, 未判断")


@pytest.mark.parametrize("raw, what", [
    ({"raise": {"months": 1}}, ("raise", "months", 1)),  # a count: 1 is the least
    ({"raise": {"at_least": 0}}, ("raise", "at_least", D(0))),  # a number: 0 is allowed
    ({"promotion": {"top_percent": "100%"}}, ("promotion", "top_percent", D(1))),  # a share: 100% is allowed
    ({"promotion": {"top_percent": "0.01%"}}, ("promotion", "top_percent", D("0.0001"))),
])
def test_decision_parameters_at_their_bounds_are_accepted(raw, what):
    kind_id, name, value = what
    assert parse_decisions(raw).rules[0].p[name] == value


@pytest.mark.parametrize("raw, message", [
    ({"raise": {"months": 0}}, "decisions.raise.months 应为正整数, 收到 0"),
    ({"raise": {"months": "2.5"}}, "decisions.raise.months 应为正整数, 收到 '2.5'"),
    ({"raise": {"at_least": "-0.01"}}, "decisions.raise.at_least 不能为负数, 收到 '-0.01'"),
    ({"raise": {"annual_strict": "yes"}}, "decisions.raise.annual_strict 应为 true 或 false, 收到 'yes'"),
    ({"raise": {"at_least": "八十五"}}, "decisions.raise.at_least 应为数字, 收到 '八十五'"),
    ({"promotion": {"top_percent": 0}}, "decisions.promotion.top_percent 应在 0% 与 100% 之间 (如 10%), 收到 0"),
    ({"promotion": {"top_percent": "100.01%"}}, "decisions.promotion.top_percent 应在 0% 与 100% 之间 (如 10%), 收到 '100.01%'"),
    ({"month_weights": {0: 1}}, "decisions.month_weights: 月份应为 1-12, 收到 0"),
    ({"month_weights": {13: 1}}, "decisions.month_weights: 月份应为 1-12, 收到 13"),
    ({"month_weights": {"十二": 1}}, "decisions.month_weights: 月份应为 1-12, 收到 '十二'"),
    ({"month_weights": {12: "-1"}}, "decisions.month_weights.12 不能为负数, 收到 '-1'"),
    ({"month_weights": {12: "两"}}, "decisions.month_weights.12 应为数字, 收到 '两'"),
    ({"month_weights": [12, 2]}, "decisions.month_weights 应为映射 (月份 1-12: 权重), 收到 [12, 2]"),
])
def test_decision_parameters_out_of_bounds_are_refused(raw, message):
    with pytest.raises(ValueError) as info:
        parse_decisions(raw)
    assert str(info.value) == message


def test_month_weights_at_their_bounds():
    assert parse_decisions({"month_weights": {1: 0, "12": "2"}}).month_weights == {1: D(0), 12: D(2)}


def test_a_kind_set_to_false_leaves_only_itself_out():
    assert parse_decisions({"raise": False, "pay_cut": True, "month_weights": {12: 2}, "promotion": None}).columns == ["降薪", "晋升竞聘"]
