"""`xl-kpi annual`: twelve monthly summaries in, the annual roll-up and every decision at its edges out.

The data are built by hand so that every expectation below can be checked with pencil and paper.
Department 客服一部: K01-K05; 客服二部: K06, K07, K09, K11-K14 (11 people assessed in 2026).
"""

from __future__ import annotations

import dataclasses
import zipfile
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from workbooks import EVERY, EVERY_FILE, annual_records, every_decision_text

from xl_kpi.base.errors import SchemeError
from xl_kpi.cli import main
from xl_kpi.schemes.decisions import parse_decisions
from xl_kpi.schemes.scheme import builtin_scheme, parse_scheme_text
from xl_kpi.workflow.annual import read_monthly, roll_up, run_annual

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
A, B = "客服一部", "客服二部"


def _pattern(values, month_index):
    return values[month_index % len(values)]


def totals() -> dict[str, tuple[str, dict[str, str | None]]]:
    """工号 -> (部门, month -> total as typed; a month left out is a missing row)."""
    people: dict[str, tuple[str, dict[str, str | None]]] = {}

    def put(pid, dept, fn):
        people[pid] = (dept, {m: fn(i, m) for i, m in enumerate(MONTHS) if fn(i, m) is not None})

    put("K01", A, lambda i, m: "85" if m in ("2026-03", "2026-04", "2026-05") else "79")  # exactly 85 three times
    put("K02", A, lambda i, m: _pattern(["85", "85", "79"], i))  # runs of two only
    put("K03", A, lambda i, m: None if m == "2026-06" else ("85" if m in ("2026-04", "2026-05", "2026-07", "2026-08") else "70"))
    put("K04", A, lambda i, m: "59.99" if i < 3 else ("60" if m == "2026-04" else "70"))
    put("K05", A, lambda i, m: _pattern(["90", "90", "80"], i))
    put("K06", B, lambda i, m: "95")
    put("K07", B, lambda i, m: _pattern(["90", "90", "80"], i))
    put("K09", B, lambda i, m: None if i >= 9 else "70")  # absent Oct-Dec: three months
    put("K11", B, lambda i, m: "80")  # exactly 80 %
    put("K12", B, lambda i, m: "65")  # exactly the 不及格 line
    put("K13", B, lambda i, m: None if i >= 10 else "73")  # absent exactly two months
    put("K14", B, lambda i, m: "74")
    return people


def write_summaries(folder: Path, data=None, months=MONTHS) -> list[Path]:
    """One workbook per month laid out as consolidate's summary: 公司总览 (no 期间 column: the month is in the name)."""
    data = data or totals()
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for m in months:
        book = openpyxl.Workbook()
        ws = book.active
        ws.title = "公司总览"
        ws.append(["工号", "姓名", "部门", "岗位", "总分", "等级", "部门排名", "问题数", "文件", "工作表"])
        for pid, (dept, by_month) in data.items():
            if m in by_month:
                ws.append([pid, f"员工{pid}", dept, "客服", float(by_month[m]), None, None, 0, "x.xlsx", pid])
        book.create_sheet("问题").append(["文件", "工作表", "单元格", "工号", "问题"])
        path = folder / f"{m}-汇总.xlsx"
        book.save(path)
        files.append(path)
    return files


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    files = write_summaries(tmp_path_factory.mktemp("months"))
    rows, issues = read_monthly(files)
    result = roll_up(rows, scheme=EVERY, issues=issues)
    return {p.pid: p for p in result.people}, result, files


def decision(p, column):
    return p.decisions[column]


def test_annual_scores_are_weighted_averages(year):
    people, result, _ = year
    assert list(result.periods) == ["2026"]
    assert people["K01"].score == D("80.5")  # (3 × 85 + 9 × 79) / 12
    assert people["K02"].score == D("83")
    assert people["K03"].score == D("75.45")  # 830 / 11, the missing month skipped
    assert people["K03"].missing == ["2026-06"]
    assert people["K04"].score == D("66.66")  # 799.97 / 12 = 66.664…
    assert people["K05"].score == D("86.67")
    assert people["K09"].score == D("70") and people["K09"].absent == ["2026-10", "2026-11", "2026-12"]


def test_raise_three_consecutive_months_at_exactly_85(year):
    people, *_ = year
    value, reason = decision(people["K01"], "调薪资格")
    assert value == "有资格"
    assert reason == "2026-03、2026-04、2026-05 连续三个月 ≥85 (85, 85, 85)"
    # 85, 85, 79 repeated: never three in a row, average 83
    value, reason = decision(people["K02"], "调薪资格")
    assert value == "" and "最长连续 ≥85 为 2 个月" in reason and "年度平均 83 未≥85" in reason


def test_missing_month_breaks_a_run_and_says_so(year):
    people, *_ = year
    value, reason = decision(people["K03"], "调薪资格")  # 85 in 04, 05, (06 missing), 07, 08
    assert value == ""
    assert "缺考 2026-06 中断连续" in reason


def test_raise_by_annual_average(year):
    people, *_ = year
    assert decision(people["K05"], "调薪资格") == ("有资格", "年度平均 86.67 ≥85")
    value, reason = decision(people["K06"], "调薪资格")
    assert value == "有资格" and reason.startswith("2026-01、2026-02、2026-03 连续三个月 ≥85 (95, 95, 95)")


def test_annual_strict_reading_is_a_scheme_option(year):
    _, result, files = year
    rows, issues = read_monthly(files)

    def raise_rule(**params):
        scheme = dataclasses.replace(builtin_scheme("cs-quant"), decisions=parse_decisions({"raise": params}))
        return {p.pid: p for p in roll_up(rows, scheme=scheme, issues=issues).people}

    # K02's average is exactly 83 (85, 85, 79 repeated)
    assert decision(raise_rule(annual_at_least="83", annual_strict=True)["K02"], "调薪资格")[0] == ""  # 83 is not > 83
    assert decision(raise_rule(annual_at_least="83")["K02"], "调薪资格") == ("有资格", "年度平均 83 ≥83")


def test_average_compared_exact_not_as_shown(year):
    _, result, files = year
    rows, issues = read_monthly(files)
    scheme = dataclasses.replace(builtin_scheme("cs-quant"), decisions=parse_decisions({"raise": {"annual_at_least": "86.67"}}))
    people = {p.pid: p for p in roll_up(rows, scheme=scheme, issues=issues).people}
    # K05: 1040 / 12 = 86.666…, shown as 86.67 but below 86.67
    assert people["K05"].score == D("86.67")
    value, reason = decision(people["K05"], "调薪资格")
    assert value == "" and reason.endswith("年度平均 86.666666… (显示为 86.67) 未≥86.67")


def test_pay_cut_below_60_not_at_60(year):
    people, *_ = year
    value, reason = decision(people["K04"], "降薪")
    assert value == "降薪"
    assert reason == "2026-01、2026-02、2026-03 连续三个月 <60 (59.99, 59.99, 59.99)"
    assert decision(people["K12"], "降薪")[0] == ""  # 65 every month


def test_promotion_top_ten_percent_with_ties(year):
    people, *_ = year
    # 11 assessed (K09 absent 3 months is not): rank ≤ 10% × 11 = 1.1, so rank 1 only: K06 (95);
    # K05 and K07 tie for second at 86.67 and are not in the top 10 %
    chosen = sorted(pid for pid, p in people.items() if decision(p, "晋升竞聘")[0] == "可参与")
    assert chosen == ["K06"]
    assert decision(people["K07"], "晋升竞聘") == (
        "", "年度得分 86.67 排名第 2/11, 与 1 人并列; 前 10% 为名次 ≤ 10% × 11 = 1.1 (并列者名次相同)")
    assert decision(people["K09"], "晋升竞聘") == ("", "缺岗超过规定月数, 不参与当期考评")


def test_first_two_months_in_a_row_bonus(year):
    people, *_ = year
    # K06 first in 客服二部 all twelve months: six pairs
    assert decision(people["K06"], "连续第一奖励")[0] == D(1200)
    # K05 first in 客服一部 in Jan, Feb and Apr-Dec (K01 is first in Mar with 85): 1 + 4 pairs
    value, reason = decision(people["K05"], "连续第一奖励")
    assert value == D(1000)
    assert reason.startswith("2026-01、2026-02 连续两个月部门排名第一 (90, 90); 2026-04、2026-05")
    assert reason.endswith("奖励 5 × 200 元")
    assert decision(people["K01"], "连续第一奖励") == (D(0), "无连续两个月部门排名第一 (排名第一: 2026-03)")


def test_two_months_fail_resignation_at_the_line(year):
    people, *_ = year
    value, reason = decision(people["K04"], "连续不及格请辞")
    assert value == "请辞" and reason == "2026-01、2026-02 连续两个月不及格 (<65: 59.99, 59.99)"
    assert decision(people["K12"], "连续不及格请辞")[0] == ""  # exactly 65 is 及格


def test_absence_more_than_two_months(year):
    people, *_ = year
    value, reason = decision(people["K09"], "考评资格")
    assert value == "不参与当期考评" and "缺岗 3 个月 (2026-10、2026-11、2026-12)" in reason
    assert decision(people["K13"], "考评资格")[0] == "参与"  # exactly two months
    assert decision(people["K09"], "调薪资格") == ("", "缺岗超过规定月数, 不参与当期考评")


def test_eighty_percent_rule(year):
    people, *_ = year
    assert decision(people["K11"], "绩效资格") == ("参与", "年度得分 80 / 100 = 80% ≥ 80%")
    value, reason = decision(people["K14"], "绩效资格")
    assert value == "不参与绩效考核" and reason == "年度得分 74 / 100 = 74% < 80%"


def test_no_sales_no_last_place_judgement(year):
    people, *_ = year
    assert decision(people["K01"], "末位请辞") == ("", "没有实际销售额数据, 未判断")


def test_missing_zero_and_fail(year):
    _, _, files = year
    rows, issues = read_monthly(files)
    zero = {p.pid: p for p in roll_up(rows, scheme=EVERY, missing="zero", issues=issues).people}
    assert zero["K03"].score == D("69.17")  # 830 / 12
    fail = roll_up(rows, scheme=EVERY, missing="fail", issues=issues)
    k03 = next(p for p in fail.people if p.pid == "K03")
    assert k03.score is None and k03.missing == ["2026-06"]
    assert any(i.person == "K03" and "2026-06" in i.message and "--missing fail" in i.message for i in fail.issues)


def test_month_weights_from_the_scheme(year):
    _, _, files = year
    rows, issues = read_monthly(files)
    scheme = dataclasses.replace(builtin_scheme("cs-quant"), decisions=parse_decisions({"month_weights": {3: 10}}))
    people = {p.pid: p for p in roll_up(rows, scheme=scheme, issues=issues).people}
    assert people["K01"].score == D("82.43")  # (10 × 85 + 2 × 85 + 9 × 79) / 21 = 1731 / 21 = 82.428…


def test_quarters_count_a_run_where_it_completes(year):
    _, _, files = year
    rows, issues = read_monthly(files)
    result = roll_up(rows, scheme=EVERY, by="quarter", issues=issues)
    k01 = {p.period: p for p in result.people if p.pid == "K01"}
    assert list(k01) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert k01["2026-Q1"].decisions["调薪资格"][0] == ""
    assert k01["2026-Q2"].decisions["调薪资格"][0] == "有资格"
    assert k01["2026-Q2"].score == D("83")


def test_first_bonus_across_the_year_boundary(tmp_path):
    data = {"P1": (A, {"2025-12": "90", "2026-01": "91"}), "P2": (A, {"2025-12": "80", "2026-01": "81"})}
    files = write_summaries(tmp_path, data, months=["2025-12", "2026-01"])
    rows, issues = read_monthly(files)
    people = {(p.pid, p.period): p for p in roll_up(rows, scheme=EVERY, issues=issues).people}
    assert people[("P1", "2025")].decisions["连续第一奖励"][0] == 0
    value, reason = people[("P1", "2026")].decisions["连续第一奖励"]
    assert value == 200
    assert reason == "2025-12、2026-01 连续两个月部门排名第一 (90, 91); 奖励 1 × 200 元"


def test_table_input_with_sales_pay_and_last_place(tmp_path):
    csv = tmp_path / "months.csv"
    csv.write_text(
        "工号,姓名,部门,期间,总分,计划销售额,实际销售额,其他\n"
        "001,张三,客服一部,2026-01,60,100,100,50\n"
        "002,=HYPERLINK(\"x\"),客服一部,2026-01,70,100,200,0\n"
        "003,王五,客服一部,2026/1,80,100,50,0\n"
        "001,张三,客服一部,2026年2月,60,100,40,0\n"
        "002,=HYPERLINK(\"x\"),客服一部,2026-02,70,100,200,0\n"
        "003,王五,客服一部,2026-02,80,100,50,0\n",
        encoding="utf-8",
    )
    out = tmp_path / "annual.xlsx"
    result = run_annual([csv], out, scheme=builtin_scheme("cs-table"))
    people = {p.pid: p for p in result.people}
    assert people["001"].decisions["末位请辞"] == ("请辞", "2026-02 总分 (60) 与实际销售额 (40) 均为部门最后")
    assert people["003"].decisions["末位请辞"] == ("", "没有总分与实际销售额同月均为部门最后的月份")
    # cs-table pay: post wage 1200 (不及格) each month, commission 1% of 100 then 0.5% of 40, other 50
    assert people["001"].pay == {"岗位工资": D(2400), "提成": D("1.2"), "当月工资": D("2451.2")}
    ws = openpyxl.load_workbook(out)["年度汇总"]
    heads = [c.value for c in ws[1]]
    assert heads[:7] == ["工号", "姓名", "部门", "期间", "2026-01", "2026-02", "年度得分"]
    rows = {r[0]: dict(zip(heads, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["001"]["工号"] == "001"  # text stays text
    assert rows["002"]["姓名"] == '=HYPERLINK("x")'
    assert ws["B3"].data_type == "s"


def test_workbook_has_every_decision_and_reason(year, tmp_path):
    _, _, files = year
    runner = CliRunner()
    out = tmp_path / "2026-年度.xlsx"
    res = runner.invoke(main, ["annual", "--scheme", str(EVERY_FILE), *map(str, files), "-o", str(out)])
    assert res.exit_code == 0, res.output  # --missing skip: the missing month is listed in 缺考月份, not a problem
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["年度汇总", "决定原因", "趋势", "说明", "问题"]
    ws = book["年度汇总"]
    heads = [c.value for c in ws[1]]
    decisions = ["考评资格", "连续第一奖励", "连续不及格请辞", "末位请辞", "调薪资格", "降薪", "晋升竞聘", "绩效资格", "顾问级别"]
    assert heads[-len(decisions):] == decisions and not [h for h in heads if h.endswith("原因")]  # verdicts only
    assert heads[4:16] == MONTHS and "缺考月份" in heads
    assert "T_annual" in ws.tables
    assert ws.page_setup.fitToWidth == 1 and ws.freeze_panes == "C2"
    rows = {r["工号"]: r for r in annual_records(out)}
    assert rows["K03"]["缺考月份"] == "2026-06" and rows["K03"]["2026-06"] is None
    assert rows["K01"]["调薪资格原因"] == "2026-03、2026-04、2026-05 连续三个月 ≥85 (85, 85, 85)"
    reasons = book["决定原因"]
    assert [c.value for c in reasons[1]] == ["工号", "姓名", "部门", "期间", "决定", "结果", "原因"]
    assert reasons.max_row == 1 + len(rows) * len(decisions) and reasons["G2"].alignment.wrap_text
    explained = {r[0]: r[1] for r in book["说明"].iter_rows(min_row=2, values_only=True)}
    assert "劳动合同法》第四十条" in explained["请辞决定的法律提示"] and "指导案例 18 号" in explained["请辞决定的法律提示"]
    assert explained["调薪资格"].startswith("调薪资格 (raise): 文件 000")
    trend = book["趋势"]
    assert trend["A1"].value == "客服一部: 各月总分" and trend["A2"].value == "姓名" and trend["M2"].value == "2026-12"
    with zipfile.ZipFile(out) as z:  # a line chart per department (openpyxl does not read charts back)
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 2


def test_cli_errors_exit_2(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("工号,总分\n1,80\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["annual", "--scheme", str(EVERY_FILE), str(bad), "-o", str(tmp_path / "a.xlsx")])
    assert res.exit_code == 2 and "无法确定考核月份" in res.output


def test_scheme_decisions_are_validated():
    base = every_decision_text("cs-quant").split("\ndecisions:")[0] + "\n"
    with pytest.raises(SchemeError, match=r"mine.yaml / decisions: decisions.raise.months 应为正整数"):
        parse_scheme_text(base + "decisions:\n  raise: {months: 0}\n", source="mine.yaml")
    with pytest.raises(SchemeError, match="不认识的规则 bogus"):
        parse_scheme_text(base + "decisions:\n  bogus: 1\n", source="mine.yaml")
    with pytest.raises(SchemeError, match=r"decisions.promotion.rounding 应为 down 或 up"):
        parse_scheme_text(base + "decisions:\n  promotion: {rounding: half}\n", source="mine.yaml")
    with pytest.raises(SchemeError, match=r"decisions.resign_fail: 方案没有等级表, 请写 below"):
        parse_scheme_text(base + "decisions:\n  resign_fail: {months: 2}\n", source="mine.yaml")
    scheme = parse_scheme_text(base + "decisions:\n  first_bonus: {amount: 300, scope: company}\n"
                               "  advisor: false\n  resign_fail: {below: 60}\n", source="mine.yaml")
    assert scheme.decisions.columns == ["连续第一奖励", "连续不及格请辞"]  # advisor: false is left out
    assert scheme.decisions.get("first_bonus").p == {"months": 2, "amount": D(300), "scope": "company"}
    assert scheme.decisions.get("resign_fail").p == {"months": 2, "below": D(60)}
    assert scheme.decisions.get("advisor") is None


def test_advisor_levels(tmp_path):
    csv = tmp_path / "advisors.csv"
    csv.write_text(
        "工号,姓名,部门,期间,总分,顾问级别,新顾客数,公司简介成绩,产品知识成绩,仪器操作成绩,复试\n"
        "A1,甲,钣喷,2026-01,90,专业顾问,1,,,,\n"
        "A1,甲,钣喷,2026-02,90,专业顾问,1,,,,\n"
        "A1,甲,钣喷,2026-03,90,专业顾问,2,,,,\n"
        "A2,乙,钣喷,2026-01,90,专业顾问,1,,,,\n"
        "A2,乙,钣喷,2026-02,90,专业顾问,1,,,,\n"
        "A2,乙,钣喷,2026-03,90,专业顾问,1,,,,\n"
        "A3,丙,钣喷,2026-01,90,实习顾问,2,,,,\n"
        "A3,丙,钣喷,2026-02,90,实习顾问,1,,,,\n"
        "A3,丙,钣喷,2026-03,90,实习顾问,1,95,95,95,\n"
        "A4,丁,钣喷,2026-03,90,专业顾问,9,,,,二次不合格\n",
        encoding="utf-8",
    )
    rows, issues = read_monthly([csv])
    people = {p.pid: p for p in roll_up(rows, scheme=EVERY, by="quarter", issues=issues).people}
    assert people["A1"].decisions["顾问级别"] == ("专业顾问", "2026-01 至 2026-03 三个月新顾客 4 位 (专业顾问要求至少 4 位)")
    assert people["A2"].decisions["顾问级别"][0] == "降为实习顾问"  # 3 new customers < 4
    value, reason = people["A3"].decisions["顾问级别"]
    assert value == "实习顾问 (可申请专业顾问考核)" and "均 ≥95" in reason
    value, reason = people["A4"].decisions["顾问级别"]
    assert value == "降为实习顾问" and "复试 (一周后的第二次抽考) 仍不合格" in reason


def test_sample_is_reproducible(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名\n" + "".join(f"{i:03d},人{i}\n" for i in range(20, 0, -1)), encoding="utf-8")
    run = lambda seed: CliRunner().invoke(main, ["sample", str(roster), "--percent", "10", "--seed", str(seed)])
    first, again = run(7), run(7)
    assert first.exit_code == 0 and first.output == again.output
    assert len(first.output.strip().splitlines()) == 2  # ⌈10% × 20⌉
    assert CliRunner().invoke(main, ["sample", str(roster), "--percent", "0", "--seed", "1"]).exit_code == 2
