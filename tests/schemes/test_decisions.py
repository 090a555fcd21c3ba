"""Each scheme makes its own document's people decisions, and only those, on exact values.

Twelve months of tables per scheme, built so that every expectation can be checked with pencil and
paper, at and around every threshold: 84.99 / 85 / 85.0001 for 调薪, 59.99 / 60 for 降薪, 65 for 不及格,
80% for 绩效资格, N = 9, 10, 11, 12, 21 people for 前10%.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xl_kpi.base.errors import InputFileError
from xl_kpi.cli import main
from xl_kpi.schemes.decisions import KINDS, parse_decisions
from xl_kpi.schemes.scheme import builtin_scheme, facts_of
from xl_kpi.workflow.annual import read_monthly, roll_up, run_annual

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
DOCUMENT_DECISIONS = {
    "cs-quant": ["调薪资格", "降薪", "晋升竞聘"],  # 000
    "cs-table": ["考评资格", "连续第一奖励", "连续不及格请辞", "末位请辞"],  # 002
    "advisor-4s": ["绩效资格", "顾问级别"],  # 003
    "cs-smart": [],  # 001 states none
}
OTHER_COLUMNS = {KINDS[k].label for k in KINDS}


def table(tmp: Path, people: dict[str, list[str | None]], dept: str = "客服一部", name: str = "months.csv") -> Path:
    """A 工号/姓名/部门/期间/总分 table: each person's totals, as typed, for January onwards (None: no row)."""
    lines = ["工号,姓名,部门,期间,总分"]
    for pid, totals in people.items():
        lines += [f"{pid},员工{pid},{dept},{MONTHS[i]},{t}" for i, t in enumerate(totals) if t is not None]
    path = tmp / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def overviews(tmp: Path, scheme_id: str, rows: list[list], months=MONTHS[:3], extra: tuple[str, ...] = ()) -> list[Path]:
    """Monthly summaries as consolidate writes them (公司总览: identity, each indicator, 总分, and ``extra`` columns),
    the same ``rows`` every month."""
    scheme = builtin_scheme(scheme_id)
    tmp.mkdir(parents=True, exist_ok=True)
    files = []
    for m in months:
        book = openpyxl.Workbook()
        ws = book.active
        ws.title = "公司总览"
        ws.append(["工号", "姓名", "部门", "岗位", *[ind.name for ind in scheme.indicators], "总分", *extra])
        for row in rows:
            ws.append(row)
        files.append(tmp / f"{m}-汇总.xlsx")
        book.save(files[-1])
    return files


def decided(tmp: Path, scheme_id: str, people: dict[str, list[str | None]], **kw) -> dict:
    result = run_annual([table(tmp, people)], tmp / "annual.xlsx", scheme=builtin_scheme(scheme_id), **kw)
    return {p.pid: p for p in result.people}


def test_each_builtin_scheme_lists_its_own_documents_decisions():
    for sid, columns in DOCUMENT_DECISIONS.items():
        assert builtin_scheme(sid).decisions.columns == columns, sid


@pytest.mark.parametrize("scheme_id", list(DOCUMENT_DECISIONS))
def test_twelve_months_give_exactly_the_documents_decisions(scheme_id, tmp_path):
    """A person at 60 every month, the top scorer and a person absent three months: only the scheme's
    own columns are written, the others not at all (no 请辞 under 000, no 80% rule under 002)."""
    people = {"P1": ["60"] * 12, "P2": ["99"] * 12, "P3": ["70"] * 9 + [None] * 3}
    out = tmp_path / "annual.xlsx"
    run_annual([table(tmp_path, people)], out, scheme=builtin_scheme(scheme_id))
    heads = [c.value for c in openpyxl.load_workbook(out)["年度汇总"][1]]
    wanted = DOCUMENT_DECISIONS[scheme_id]
    assert [h for h in heads if h in OTHER_COLUMNS] == wanted
    book = openpyxl.load_workbook(out)
    if wanted:
        said = {r[4] for r in book["决定原因"].iter_rows(min_row=2, values_only=True)}
        assert said == set(wanted)
    else:
        assert "决定原因" not in book.sheetnames


def test_cs_quant_at_60_is_neither_dismissed_nor_left_out(tmp_path):
    """The issue's case: document 000 pays 绩效奖金 at any score and has no 请辞 and no 连续第一奖励."""
    people = decided(tmp_path, "cs-quant", {"P1": ["60"] * 12, "P2": ["99"] * 12})
    assert set(people["P1"].decisions) == {"调薪资格", "降薪", "晋升竞聘"}
    assert people["P1"].decisions["降薪"][0] == ""  # 60 is not below 60
    assert people["P2"].decisions["调薪资格"][0] == "有资格"


@pytest.mark.parametrize("month, value", [("84.99", ""), ("85", "有资格"), ("85.0001", "有资格")])
def test_raise_three_months_at_the_line(tmp_path, month, value):
    # three months at the value, the rest far below (the average stays under 85)
    people = decided(tmp_path, "cs-quant", {"P": ["70"] * 3 + [month] * 3 + ["70"] * 6})
    assert people["P"].decisions["调薪资格"][0] == value


def test_raise_average_84_9975_is_shown_as_85_but_not_85(tmp_path):
    # 85, 84.995 repeated: 84.9975 exactly; 85, 85, 84.99 repeated: 84.99666…; never three months ≥ 85 in a row
    people = decided(tmp_path, "cs-quant", {"A": ["85", "84.995"] * 6, "B": ["85", "85", "84.99"] * 4})
    a = people["A"]
    assert a.score == D("85.00") and a.exact < 85
    value, reason = a.decisions["调薪资格"]
    assert value == "" and reason.endswith("年度平均 84.9975 (显示为 85) 未≥85")
    assert people["B"].decisions["调薪资格"] == ("", people["B"].decisions["调薪资格"][1])
    assert "84.996666… (显示为 85) 未≥85" in people["B"].decisions["调薪资格"][1]


def test_raise_average_exactly_85(tmp_path):
    people = decided(tmp_path, "cs-quant", {"P": ["90", "80"] * 6})
    assert people["P"].decisions["调薪资格"] == ("有资格", "年度平均 85 ≥85")


def test_pay_cut_average_59_9967_is_below_60(tmp_path):
    # 60, 60, 59.99 repeated: 59.99666…, shown as 60.00: never three months in a row below 60
    people = decided(tmp_path, "cs-quant", {"P": ["60", "60", "59.99"] * 4, "Q": ["60"] * 12})
    value, reason = people["P"].decisions["降薪"]
    assert people["P"].score == D("60.00")
    assert value == "降薪" and reason == "年度平均 59.996666… (显示为 60) <60"
    assert people["Q"].decisions["降薪"] == ("", "无连续三个月 <60; 年度平均 60 不低于 60")


@pytest.mark.parametrize("month, value", [("59.99", "降薪"), ("60", "")])
def test_pay_cut_three_months_at_the_line(tmp_path, month, value):
    people = decided(tmp_path, "cs-quant", {"P": [month] * 3 + ["70"] * 9})
    assert people["P"].decisions["降薪"][0] == value


@pytest.mark.parametrize("count, chosen", [(9, 0), (10, 1), (11, 1), (12, 1), (19, 1), (20, 2), (21, 2)])
def test_top_ten_percent_is_rank_within_ten_percent_of_n(tmp_path, count, chosen):
    people = decided(tmp_path, "cs-quant", {f"P{i:02d}": [str(90 - i)] * 12 for i in range(count)})
    got = sorted(pid for pid, p in people.items() if p.decisions["晋升竞聘"][0] == "可参与")
    assert got == [f"P{i:02d}" for i in range(chosen)]
    if chosen == 0:
        assert "不足 1 名, 无人入选" in people["P00"].decisions["晋升竞聘"][1]


def test_top_ten_percent_ties_with_the_last_place_inside_are_in(tmp_path):
    # 12 people: rank ≤ 1.2; three tie for first and all rank 1
    totals = {"A": ["95"] * 12, "B": ["95"] * 12, "C": ["95"] * 12, **{f"P{i:02d}": ["80"] * 12 for i in range(9)}}
    people = decided(tmp_path, "cs-quant", totals)
    assert sorted(pid for pid, p in people.items() if p.decisions["晋升竞聘"][0] == "可参与") == ["A", "B", "C"]
    assert people["A"].decisions["晋升竞聘"][1].startswith("年度得分 95 排名第 1/12, 与 2 人并列")


def test_top_ten_percent_ranks_on_exact_averages(tmp_path):
    # both shown as 85.00; A's exact average is higher
    people = decided(tmp_path, "cs-quant", {"A": ["85", "85", "85", "85.01"] * 3, "B": ["85"] * 12,
                                            **{f"P{i}": ["70"] * 12 for i in range(8)}})
    assert people["A"].decisions["晋升竞聘"][0] == "可参与" and people["B"].decisions["晋升竞聘"][0] == ""
    assert "85 (精确值 85.0025)" in people["A"].decisions["晋升竞聘"][1]


def test_top_ten_percent_rounding_up_is_an_option(tmp_path):
    rows, issues = read_monthly([table(tmp_path, {f"P{i:02d}": [str(90 - i)] * 12 for i in range(12)})])
    scheme = builtin_scheme("cs-quant")
    up = dataclasses.replace(scheme, decisions=parse_decisions({"promotion": {"rounding": "up"}}, facts_of(scheme)))
    people = {p.pid: p for p in roll_up(rows, scheme=up, issues=issues).people}
    assert sorted(pid for pid, p in people.items() if p.decisions["晋升竞聘"][0] == "可参与") == ["P00", "P01"]
    assert "名次 ≤ ⌈10% × 12⌉ = 2" in people["P01"].decisions["晋升竞聘"][1]


@pytest.mark.parametrize("month, value", [("64.99", "请辞"), ("65", "")])
def test_cs_table_two_months_below_the_pass_line(tmp_path, month, value):
    people = decided(tmp_path, "cs-table", {"P": ["80", month, month] + ["80"] * 9, "Q": ["90"] * 12})
    assert people["P"].decisions["连续不及格请辞"][0] == value


def test_cs_table_absence_and_first_bonus(tmp_path):
    people = decided(tmp_path, "cs-table", {"P": ["90"] * 12, "Q": ["80"] * 9 + [None] * 3, "R": ["70"] * 10 + [None] * 2})
    # first in 2026-01 … 2026-10 (five pairs); alone with a total in November and December: nobody to outrank
    assert people["P"].decisions["连续第一奖励"][0] == D(1000)
    assert people["Q"].decisions["考评资格"][0] == "不参与当期考评"
    assert people["R"].decisions["考评资格"][0] == "参与"  # exactly two months
    assert "调薪资格" not in people["P"].decisions and "绩效资格" not in people["P"].decisions


@pytest.mark.parametrize("month, value", [("79.99", "不参与绩效考核"), ("80", "参与")])
def test_advisor_eighty_percent_at_the_line(tmp_path, month, value):
    people = decided(tmp_path, "advisor-4s", {"P": [month] * 12})
    assert people["P"].decisions["绩效资格"][0] == value
    assert "连续不及格请辞" not in people["P"].decisions and "末位请辞" not in people["P"].decisions


def test_advisor_eighty_percent_on_the_exact_average(tmp_path):
    # 80, 80, 79.99 repeated: 79.99666…, shown as 80.00 (80%) but below 80 %
    people = decided(tmp_path, "advisor-4s", {"P": ["80", "80", "79.99"] * 4})
    value, reason = people["P"].decisions["绩效资格"]
    assert value == "不参与绩效考核"
    assert reason == "年度得分 79.996666… / 100 = 79.996666…% < 80%"


def test_cs_smart_makes_no_decisions(tmp_path):
    people = decided(tmp_path, "cs-smart", {"P": ["60"] * 12})
    assert people["P"].decisions == {} and people["P"].score == D(60)


def test_annual_without_scheme_knows_it_from_the_summaries_columns(tmp_path):
    scheme = builtin_scheme("cs-quant")
    files = overviews(tmp_path, "cs-quant", [["K1", "甲", "一部", "客服", *[1] * len(scheme.indicators), 60]])
    out = tmp_path / "年度.xlsx"
    res = CliRunner().invoke(main, ["annual", *map(str, files), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "按月度汇总的指标列认作方案 cs-quant" in res.output
    heads = [c.value for c in openpyxl.load_workbook(out)["年度汇总"][1]]
    assert [h for h in heads if h in OTHER_COLUMNS] == DOCUMENT_DECISIONS["cs-quant"]


def test_annual_without_scheme_and_no_summary_asks_for_it(tmp_path):
    csv = table(tmp_path, {"P": ["60"] * 12})
    with pytest.raises(InputFileError, match="请用 --scheme 指定方案"):
        run_annual([csv], tmp_path / "a.xlsx")
    res = CliRunner().invoke(main, ["annual", str(csv), "-o", str(tmp_path / "a.xlsx")])
    assert res.exit_code == 2 and "cs-quant: 调薪资格、降薪、晋升竞聘" in res.output and "Traceback" not in res.output


def test_a_company_adds_any_kind_to_its_own_scheme(tmp_path):
    from workbooks import every_decision_text

    text = every_decision_text("cs-quant").split("\ndecisions:")[0] + "\ndecisions:\n  resign_fail: {below: 60}\n"
    path = tmp_path / "我的方案.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "年度.xlsx"
    res = CliRunner().invoke(main, ["annual", str(table(tmp_path, {"P": ["59", "59"] + ["70"] * 10})),
                                    "--scheme", str(path), "-o", str(out)])
    assert res.exit_code == 0, res.output
    heads = [c.value for c in openpyxl.load_workbook(out)["年度汇总"][1]]
    assert [h for h in heads if h in OTHER_COLUMNS] == ["连续不及格请辞"]


def test_no_first_place_when_everyone_ties_or_one_is_alone(tmp_path):
    """Everyone at 5 in every month: each was '排名第一' and paid 200 per pair while dismissed for failing."""
    people = decided(tmp_path, "cs-table", {"P": ["5"] * 4, "Q": ["5"] * 4})
    for p in people.values():
        assert p.decisions["连续第一奖励"][0] == 0 and p.decisions["连续不及格请辞"][0] == "请辞"


def test_absent_more_than_two_months_takes_no_verdict_of_the_period(tmp_path):
    """考评资格 不参与当期考评 (文件 002 第二条): no 连续第一奖励 and no 请辞 from that period's months either."""
    people = decided(tmp_path, "cs-table", {"A": [None] * 3 + ["95"] * 9, "B": [None] * 3 + ["60"] * 9,
                                           "C": ["80"] * 12})
    assert people["A"].decisions["考评资格"][0] == "不参与当期考评"
    assert people["A"].decisions["连续第一奖励"] == (0, "缺岗超过规定月数, 不参与当期考评")
    assert people["B"].decisions["连续不及格请辞"] == ("", "缺岗超过规定月数, 不参与当期考评")
    assert people["C"].decisions["考评资格"][0] == "参与"


def test_a_quarter_decides_nothing_by_annual_averages_or_ranks(tmp_path):
    """文件 000 speaks of 年度考核平均得分 and 年度考核排名: a quarter's average or rank grants no raise or promotion."""
    result = run_annual([table(tmp_path, {"A": ["86", "86", "83"], "B": ["70", "70", "70"]})], tmp_path / "q.xlsx",
                        scheme=builtin_scheme("cs-quant"), by="quarter")
    a = next(p for p in result.people if p.pid == "A")
    assert a.decisions["调薪资格"][0] == "" and "年度平均得分的条件只在年度汇总时判断" in a.decisions["调薪资格"][1]
    assert a.decisions["晋升竞聘"] == ("", "按季度汇总: 年度考核排名的决定只在年度汇总时判断")
    three = run_annual([table(tmp_path, {"A": ["86", "86", "86"]}, name="t.csv")], tmp_path / "q2.xlsx",
                       scheme=builtin_scheme("cs-quant"), by="quarter").people[0]
    assert three.decisions["调薪资格"][0] == "有资格"  # three months in a row still count


def test_a_retest_passed_the_second_time_does_not_downgrade(tmp_path):
    csv = tmp_path / "advisors.csv"
    csv.write_text("工号,姓名,部门,期间,总分,顾问级别,新顾客数,复试\n"
                   "A1,甲,钣喷,2026-01,90,专业顾问,2,第一次不合格，第二次合格\nA1,甲,钣喷,2026-02,90,专业顾问,2,\n"
                   "A2,乙,钣喷,2026-01,90,专业顾问,2,不合格\nA2,乙,钣喷,2026-02,90,专业顾问,2,\n", encoding="utf-8")
    people = {p.pid: p for p in run_annual([csv], tmp_path / "a.xlsx", scheme=builtin_scheme("advisor-4s")).people}
    assert people["A1"].decisions["顾问级别"][0] == "专业顾问"
    assert people["A2"].decisions["顾问级别"][0] == "降为实习顾问"


def test_advisor_per_item_rule_holds_in_the_year_as_in_each_month(tmp_path):
    """Monthly summaries said 不参与绩效考核 for 回款率 79% of its weight every month; the annual 绩效资格 looked at the
    total alone (103.58%) and said 参与."""
    scheme = builtin_scheme("advisor-4s")
    full = {ind.id: float(ind.weight) for ind in scheme.indicators}
    low = {**full, "collection_rate": 1.58}
    files = overviews(tmp_path, "advisor-4s", [["V1", "甲", "钣喷", "顾问", *low.values(), float(sum(D(str(v)) for v in low.values()))],
                                               ["V2", "乙", "钣喷", "顾问", *full.values(), float(sum(D(str(v)) for v in full.values()))]])
    people = {p.pid: p for p in run_annual(files, tmp_path / "年度.xlsx").people}
    value, reason = people["V1"].decisions["绩效资格"]
    name = scheme.indicator("collection_rate").name
    assert value == "不参与绩效考核" and f"{name} 平均 1.58 / 2 = 79% < 80%" in reason
    assert people["V2"].decisions["绩效资格"][0] == "参与"


def test_decisions_may_be_listed_by_kind():
    from workbooks import every_decision_text

    from xl_kpi.schemes.scheme import parse_scheme_text

    base = every_decision_text("cs-quant").split("\ndecisions:")[0] + "\n"
    scheme = parse_scheme_text(base + "decisions: [raise, promotion]\n", source="mine.yaml")
    assert scheme.decisions.columns == ["调薪资格", "晋升竞聘"]
    with pytest.raises(Exception, match="decisions 应写成每行一个决定种类及其参数"):
        parse_scheme_text(base + "decisions: 5\n", source="mine.yaml")


def test_advisor_levels_from_a_table_given_beside_the_summaries(tmp_path):
    """consolidate's summaries carry no 顾问级别: every advisor got 没有顾问级别数据 with nothing said, and a table
    of 工号/期间/顾问级别/新顾客数 was refused for want of 总分."""
    months = table(tmp_path, {"A1": ["90", "90", "90"], "A2": ["90", "90", "90"]}, dept="钣喷")
    alone = run_annual([months], tmp_path / "a.xlsx", scheme=builtin_scheme("advisor-4s"))
    assert any("输入中没有「顾问级别」" in n.message for n in alone.notes)
    levels = tmp_path / "顾问级别.csv"
    levels.write_text("工号,期间,顾问级别,新顾客数\n" + "".join(f"A1,{m},专业顾问,2\n" for m in MONTHS[:3])
                      + "".join(f"A2,{m},专业顾问,0\n" for m in MONTHS[:3]), encoding="utf-8")
    people = {p.pid: p for p in run_annual([months, levels], tmp_path / "b.xlsx", scheme=builtin_scheme("advisor-4s")).people}
    assert people["A1"].decisions["顾问级别"][0] == "专业顾问"  # 6 new customers in three months
    assert people["A2"].decisions["顾问级别"][0] == "降为实习顾问"  # none


# --------------------------------------------------------------------------- edges the second mutation run found open


def _advisor_summaries(tmp_path, values: dict[str, dict[str, float]], levels: bool = False):
    """advisor-4s summaries with every item at its weight except ``values`` (工号 -> item id -> points)."""
    scheme = builtin_scheme("advisor-4s")
    rows = []
    for pid, changed in values.items():
        points = {ind.id: float(ind.weight) for ind in scheme.indicators} | changed
        rows.append([pid, pid, "钣喷", "顾问", *points.values(), float(sum(D(str(v)) for v in points.values())),
                     *(["专业顾问", 2] if levels else [])])
    return overviews(tmp_path, "advisor-4s", rows, extra=("顾问级别", "新顾客数") if levels else ())


def test_per_item_rule_at_exactly_eighty_percent_and_its_reasons(tmp_path):
    scheme = builtin_scheme("advisor-4s")
    name = scheme.indicator("collection_rate").name
    files = _advisor_summaries(tmp_path, {"AT": {"collection_rate": 1.6}, "TWO": {"collection_rate": 1.585, "customer_base": 1.5},
                                          "OK": {}})
    people = {p.pid: p for p in run_annual(files, tmp_path / "年度.xlsx").people}
    assert people["AT"].decisions["绩效资格"] == ("参与", people["AT"].decisions["绩效资格"][1])  # 1.6 / 2 is exactly 80%
    assert people["AT"].decisions["绩效资格"][1].endswith("; 各项平均得分均不低于权重的 80%")
    value, reason = people["TWO"].decisions["绩效资格"]
    assert value == "不参与绩效考核"
    assert reason == f"{name} 平均 1.59 / 2 = 79.25% < 80%; 客户保有数 平均 1.5 / 3 = 50% < 80%"  # shown to the cent
    assert not any(n.subject == "顾问级别" for n in run_annual(
        _advisor_summaries(tmp_path / "lv", {"OK": {}}, levels=True), tmp_path / "lv.xlsx").notes)


def test_first_place_is_within_the_scope_and_every_scope_is_ranked(tmp_path):
    """一部 with one person comes first in the rows: 二部 is still ranked; department and company firsts differ."""
    rows = table(tmp_path, {"S": ["99"] * 4}, dept="一部")
    more = tmp_path / "more.csv"
    more.write_text("工号,姓名,部门,期间,总分\n" + "".join(f"A,甲,二部,{m},90\nB,乙,二部,{m},80\n" for m in MONTHS[:4])
                    + "".join(f"C,丙,三部,{m},95\nD,丁,三部,{m},60\n" for m in MONTHS[:4]), encoding="utf-8")
    people = {p.pid: p for p in run_annual([rows, more], tmp_path / "a.xlsx", scheme=builtin_scheme("cs-table")).people}
    assert people["A"].decisions["连续第一奖励"] == (D(400), "2026-01、2026-02 连续两个月部门排名第一 (90, 90); "
                                                "2026-03、2026-04 连续两个月部门排名第一 (90, 90); 奖励 2 × 200 元")
    assert people["S"].decisions["连续第一奖励"][0] == 0  # alone in 一部
    rows2, issues = read_monthly([rows, more])
    scheme = builtin_scheme("cs-table")
    company = dataclasses.replace(scheme, decisions=parse_decisions({"first_bonus": {"scope": "company"}}, facts_of(scheme)))
    by_company = {p.pid: p for p in roll_up(rows2, scheme=company, issues=issues).people}
    assert by_company["S"].decisions["连续第一奖励"][0] == D(400) and by_company["A"].decisions["连续第一奖励"][0] == 0


def test_absent_person_takes_no_last_place_verdict_and_quarters_say_why_no_pay_cut(tmp_path):
    people = decided(tmp_path, "cs-table", {"A": [None] * 3 + ["50"] * 9, "B": ["80"] * 12})
    assert people["A"].decisions["末位请辞"] == ("", "缺岗超过规定月数, 不参与当期考评")
    q = run_annual([table(tmp_path, {"P": ["59", "70", "59"]}, name="q.csv")], tmp_path / "q.xlsx",
                   scheme=builtin_scheme("cs-quant"), by="quarter").people[0]
    assert q.decisions["降薪"] == ("", "无连续三个月 <60; 按季度汇总: 年度平均得分的条件只在年度汇总时判断")


def test_a_tied_department_does_not_stop_the_next_from_being_ranked(tmp_path):
    tied = tmp_path / "tied.csv"
    tied.write_text("工号,姓名,部门,期间,总分\n" + "".join(f"T1,甲,一部,{m},80\nT2,乙,一部,{m},80\n" for m in MONTHS[:2])
                    + "".join(f"A,丙,二部,{m},90\nB,丁,二部,{m},70\n" for m in MONTHS[:2]), encoding="utf-8")
    people = {p.pid: p for p in run_annual([tied], tmp_path / "a.xlsx", scheme=builtin_scheme("cs-table")).people}
    assert people["T1"].decisions["连续第一奖励"][0] == 0 and people["A"].decisions["连续第一奖励"][0] == D(200)
