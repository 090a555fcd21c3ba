"""Defects found in `annual` and `feedback` by exploratory testing, each pinned by its real outcome.

1. annual: a month with a row but no 总分 was listed in 缺考月份 while 考评资格原因 said "各月均有考核记录".
2. annual: 末位请辞 (document 002, 第十二条: 当月绩效考核和实际销售额都排名最后) was silently never decided
   from monthly summaries, which carry no 实际销售额; now said once in 问题, and a sales table can be given.
2b. annual: 末位请辞 was decided from a sales table that left people out (or mistyped their 工号): the
   lowest of those listed was dismissed.  Now a month is judged per department only when everyone ranked
   by 总分 has sales; a person with a row but no 总分 is said as not compared.  A sales table with a title
   row above its header was refused with a message saying it lacked columns it had.
3. feedback: with --lang zh-Hant (or a 繁體 summary) the training text and grade stayed 简体.
4. feedback: files already in the output folder were overwritten without a backup.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from workbooks import EVERY, EVERY_FILE, annual_records, sheet_records

from xl_kpi.base.hant import to_hant
from xl_kpi.cli import main
from xl_kpi.schemes.decisions import parse_decisions
from xl_kpi.schemes.scheme import builtin_scheme
from xl_kpi.workflow.annual import read_monthly, roll_up, run_annual
from xl_kpi.workflow.feedback import write_feedback

# --------------------------------------------------------------------------- annual


def _months(folder: Path, data: dict[str, dict[str, object]], months: list[str], extra: dict | None = None) -> list[Path]:
    """Monthly summaries as consolidate writes them (公司总览 with 期间); ``data``: 工号 -> month -> 总分
    (None: a row with an empty 总分; month absent: no row).  ``extra``: more columns, 工号 -> month -> value."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for m in months:
        book = openpyxl.Workbook()
        ws = book.active
        ws.title = "公司总览"
        heads = ["工号", "姓名", "部门", "岗位", "期间", "总分", "等级", "部门排名", *(extra or {})]
        ws.append(heads)
        for pid, by_month in data.items():
            if m in by_month:
                ws.append([pid, f"员工{pid}", "客服一部", "客服", m, by_month[m], None, None,
                           *[(extra or {})[k].get(pid, {}).get(m) for k in (extra or {})]])
        book.create_sheet("问题").append(["文件", "工作表", "单元格", "工号", "问题"])
        path = folder / f"{m}-汇总.xlsx"
        book.save(path)
        files.append(path)
    return files


Q1 = ["2026-01", "2026-02", "2026-03"]
DATA = {
    "K1": {"2026-01": 80, "2026-02": 80, "2026-03": 80},  # every month scored
    "K2": {"2026-01": 70, "2026-02": None, "2026-03": 70},  # a row without 总分 in February
    "K3": {"2026-02": 75, "2026-03": 75},  # joined in February: no row in January (缺岗)
    "K4": {"2026-01": None},  # one blank row, then gone: two months 缺岗 (not more than 2)
}


@pytest.mark.parametrize("missing", ["skip", "zero", "fail"])
def test_missing_month_and_absence_reason_agree(tmp_path, missing):
    files = _months(tmp_path / "m", DATA, Q1)
    out = tmp_path / "年度.xlsx"
    CliRunner().invoke(main, ["annual", "--scheme", str(EVERY_FILE), *map(str, files), "-o", str(out), "--missing", missing])
    rows = {r["工号"]: r for r in annual_records(out)}
    assert rows["K1"]["缺考月份"] in (None, "") and rows["K1"]["考评资格原因"] == "各月均有考核记录"
    assert rows["K2"]["缺考月份"] == "2026-02"
    assert rows["K2"]["考评资格"] == "参与"
    assert rows["K2"]["考评资格原因"] == "没有缺岗月份; 2026-02 有考核记录但没有总分 (列入缺考月份, 不计为缺岗)"
    assert rows["K3"]["缺考月份"] == "2026-01"
    assert rows["K3"]["考评资格原因"] == "缺岗 1 个月 (2026-01), 未超过 2 个月"
    assert rows["K4"]["缺考月份"] == "2026-01、2026-02、2026-03"
    assert rows["K4"]["考评资格原因"] == ("缺岗 2 个月 (2026-02、2026-03), 未超过 2 个月; "
                                     "2026-01 有考核记录但没有总分 (列入缺考月份, 不计为缺岗)")
    for r in rows.values():  # the invariant the tester found broken: every 缺考 month is explained
        for month in filter(None, (r["缺考月份"] or "").split("、")):
            assert month in r["考评资格原因"], r
        if r["缺考月份"]:
            assert r["考评资格原因"] != "各月均有考核记录"


def test_excluded_person_also_names_the_months_without_total(tmp_path):
    data = {"K1": {m: 80 for m in Q1 + ["2026-04"]}, "K9": {"2026-04": None}}
    rows, issues = read_monthly(_months(tmp_path, data, Q1 + ["2026-04"]))
    k9 = next(p for p in roll_up(rows, scheme=EVERY, issues=issues).people if p.pid == "K9")
    assert k9.decisions["考评资格"] == (
        "不参与当期考评", "缺岗 3 个月 (2026-01、2026-02、2026-03), 超过 2 个月, 不参与当期考评; "
        "2026-04 有考核记录但没有总分 (列入缺考月份, 不计为缺岗)")


def test_a_month_missing_for_everyone_is_said_once(tmp_path):
    files = _months(tmp_path / "m", {"K1": {m: 90 for m in ("2026-01", "2026-02", "2026-04")}},
                    ["2026-01", "2026-02", "2026-04"])
    out = tmp_path / "年度.xlsx"
    res = CliRunner().invoke(main, ["annual", "--scheme", str(EVERY_FILE), *map(str, files), "-o", str(out)])
    assert res.exit_code == 0, res.output  # a note, not a problem of the input
    notes = [r for r in sheet_records(out, "问题") if r["位置"] == "缺少的月份"]
    assert len(notes) == 1 and "输入中没有 2026-03 的月度汇总" in notes[0]["问题"] and "中断「连续」" in notes[0]["问题"]
    assert res.output.count("2026-03 的月度汇总") == 1
    row = annual_records(out)[0]
    assert row["缺考月份"] in (None, "") and row["考评资格原因"] == "各月均有考核记录"


def test_last_place_without_sales_is_said_once_with_what_hr_must_supply(tmp_path):
    files = _months(tmp_path / "m", {"K1": {m: 80 for m in Q1}, "K2": {m: 60 for m in Q1}}, Q1,
                    extra={"提成": {"K1": {m: 300 for m in Q1}, "K2": {m: 500 for m in Q1}}})
    out = tmp_path / "年度.xlsx"
    res = CliRunner().invoke(main, ["annual", "--scheme", str(EVERY_FILE), *map(str, files), "-o", str(out)])
    assert res.exit_code == 0, res.output
    issues = [r for r in sheet_records(out, "问题") if r["位置"] != "顾问级别"]  # (EVERY lists advisor: its own note)
    notes = [r for r in issues if r["位置"] == "末位请辞"]
    assert len(issues) == 1 and len(notes) == 1  # once, not per person or per month
    text = notes[0]["问题"]
    assert text.startswith("输入的各月没有「实际销售额」, 这些月份未判断末位请辞")
    assert "第十二条" in text and "「提成」" in text and "不表示不请辞" in text
    assert "「工号」「期间」(YYYY-MM)「实际销售额」三列的表" in text and "decisions 中删去 resign_last" in text
    assert res.output.count("未判断末位请辞") == 1
    rows = {r["工号"]: r for r in annual_records(out)}
    assert rows["K2"]["末位请辞"] in (None, "") and rows["K2"]["末位请辞原因"] == "没有实际销售额数据, 未判断"


def test_last_place_decided_from_a_sales_table_given_with_the_summaries(tmp_path):
    data = {"K1": {m: 80 for m in Q1}, "K2": {m: 60 for m in Q1}, "K3": {m: 75 for m in Q1}}
    files = _months(tmp_path / "m", data, Q1)
    sales = tmp_path / "2026-实际销售额.csv"
    sales.write_text("工号,期间,实际销售额\n"
                     "K1,2026-01,5000\nK2,2026-01,1000\nK3,2026-01,3000\n"  # K2 last in both: 请辞
                     "K1,2026-02,1000\nK2,2026-02,9000\nK3,2026-02,2000\n"  # K2 last in 总分 only
                     "K2,2026-02,8000\n"  # a second figure for the same month
                     "K9,2026-02,1\n",  # nobody of the summaries
                     encoding="utf-8")
    out = tmp_path / "年度.xlsx"
    result = run_annual([*files, sales], out, scheme=EVERY)
    people = {p.pid: p for p in result.people}
    assert people["K2"].decisions["末位请辞"] == ("请辞", "2026-01 总分 (60) 与实际销售额 (1000) 均为部门最后")
    assert people["K1"].decisions["末位请辞"] == ("", "没有总分与实际销售额同月均为部门最后的月份 (2026-03 没有实际销售额, 未判断)")
    messages = [(i.in_sheet(), i.person, i.message) for i in result.issues]
    assert ("第8行", "K2", "工号 K2 的 2026-02 实际销售额重复: 已在 2026-实际销售额.csv 第6行 出现, 本行未计入") in messages
    assert ("第9行", "K9", "月度汇总中没有工号 K9 在 2026-02 的记录, 这一行的实际销售额未计入") in messages
    assert len(result.issues) == 2
    [note] = [n for n in result.notes if n.subject == "末位请辞"]
    assert note.message.startswith("2026-03 没有「实际销售额」, 这些月份未判断末位请辞")
    assert [p.pid for p in result.people] == ["K1", "K2", "K3"]  # the sales table adds no people or months


def test_no_note_when_every_month_has_sales_or_the_rule_is_off(tmp_path):
    data = {"K1": {m: 80 for m in Q1}, "K2": {m: 60 for m in Q1}}
    sold = _months(tmp_path / "a", data, Q1, extra={"实际销售额": {"K1": {m: 9 for m in Q1}, "K2": {m: 1 for m in Q1}}})
    rows, issues = read_monthly(sold)
    result = roll_up(rows, scheme=EVERY, issues=issues)
    assert [n for n in result.notes if n.subject != "顾问级别"] == []
    assert next(p for p in result.people if p.pid == "K2").decisions["末位请辞"][0] == "请辞"
    rows, issues = read_monthly(_months(tmp_path / "b", data, Q1))
    off = dataclasses.replace(builtin_scheme("cs-table"), decisions=parse_decisions({"resign_last": False}))
    assert roll_up(rows, issues=issues, scheme=off).notes == []
    assert roll_up(rows, scheme=EVERY, issues=issues).notes != []


def _table_months(path: Path, rows: list[tuple]) -> Path:
    """A plain monthly table: (工号, 部门, 期间, 总分 or None)."""
    lines = ["工号,姓名,部门,期间,总分"] + [f"{p},员工{p},{d},{m},{'' if t is None else t}" for p, d, m, t in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _sales(path: Path, rows: list[tuple]) -> Path:
    path.write_text("工号,期间,实际销售额\n" + "".join(f"{p},{m},{v}\n" for p, m, v in rows), encoding="utf-8")
    return path


TWO_DEPTS = [  # 客服一部: K1 best, K3 worst in 总分; 客服二部: K5 worst
    *[(p, "客服一部", m, t) for m in ("2026-01", "2026-02") for p, t in (("K1", 90), ("K2", 70), ("K3", 50))],
    *[(p, "客服二部", m, t) for m in ("2026-01", "2026-02") for p, t in (("K4", 80), ("K5", 40))],
]


def test_last_place_is_not_decided_from_a_sales_table_that_leaves_people_out(tmp_path):
    months = _table_months(tmp_path / "months.csv", TWO_DEPTS)
    sales = _sales(tmp_path / "sales.csv", [
        ("K1", "2026-01", 900), ("K2", "2026-01", 800), ("K3", "2026-01", 100),  # 一部 complete: K3 last in both
        ("K4", "2026-01", 900), ("K5", "2026-01", 100),  # 二部 complete: K5 last in both
        ("K2", "2026-02", 800), ("K3", "2026-02", 100),  # 一部 without K1 (who may have sold less): not judged
        ("K4", "2026-02", 900), ("K5", "2026-02", 100)])
    result = run_annual([months, sales], tmp_path / "年度.xlsx", scheme=EVERY)
    people = {p.pid: p for p in result.people}
    assert people["K3"].decisions["末位请辞"] == ("请辞", "2026-01 总分 (50) 与实际销售额 (100) 均为部门最后")
    assert people["K5"].decisions["末位请辞"] == ("请辞", "2026-01 总分 (40) 与实际销售额 (100) 均为部门最后; "
                                                  "2026-02 总分 (40) 与实际销售额 (100) 均为部门最后")
    assert people["K2"].decisions["末位请辞"] == ("", "没有总分与实际销售额同月均为部门最后的月份 "
                                                 "(2026-02 客服一部 K1 员工K1 没有实际销售额, 无法排出部门最后, 未判断)")
    assert result.issues == []
    [note] = [n for n in result.notes if n.subject == "末位请辞"]  # once for 2026-02 客服一部; 二部 is complete
    assert note.message.startswith("2026-02 客服一部有总分的 3 人中 1 人没有「实际销售额」: K1 员工K1。")
    assert "无人因该月请辞" in note.message and "第十二条" in note.message
    # only February's list is short: K3 is not dismissed for February
    only_feb = _sales(tmp_path / "feb.csv", [("K2", "2026-02", 800), ("K3", "2026-02", 100)])
    result = run_annual([months, only_feb], tmp_path / "年度2.xlsx", scheme=EVERY)
    people = {p.pid: p for p in result.people}
    assert people["K3"].decisions["末位请辞"] == (
        "", "2026-01 没有实际销售额, 未判断; 2026-02 客服一部 K1 员工K1 没有实际销售额, 无法排出部门最后, 未判断")
    assert people["K4"].decisions["末位请辞"] == (
        "", "2026-01 没有实际销售额, 未判断; 2026-02 客服二部 无人有实际销售额, 无法排出部门最后, 未判断")
    notes = [n.message for n in result.notes if n.subject == "末位请辞"]
    assert len(notes) == 3  # 2026-01 (no sales at all), 2026-02 客服一部, 2026-02 客服二部
    assert notes[0].startswith("2026-01 没有「实际销售额」")
    assert notes[1].startswith("2026-02 客服一部有总分的 3 人中 1 人没有「实际销售额」: K1 员工K1。")
    assert notes[2].startswith("2026-02 客服二部有总分的 2 人都没有「实际销售额」: K4 员工K4、K5 员工K5。")


def test_a_mistyped_id_in_the_sales_table_dismisses_nobody(tmp_path):
    data = {"K1001": {"2026-01": 90}, "K1004": {"2026-01": 70}, "K1005": {"2026-01": 50}}
    files = _months(tmp_path / "m", data, ["2026-01"])
    sales = _sales(tmp_path / "sales.csv", [("K1001", "2026-01", 900), ("K1O04", "2026-01", 1), ("K1005", "2026-01", 100)])
    out = tmp_path / "年度.xlsx"
    res = CliRunner().invoke(main, ["annual", "--scheme", str(EVERY_FILE), *map(str, files), str(sales), "-o", str(out)])
    assert res.exit_code == 1, res.output
    rows = {r["工号"]: r for r in annual_records(out)}
    assert rows["K1005"]["末位请辞"] in (None, "")
    assert rows["K1005"]["末位请辞原因"] == "2026-01 客服一部 K1004 员工K1004 没有实际销售额, 无法排出部门最后, 未判断"
    problems = [r["问题"] for r in sheet_records(out, "问题")]
    assert "月度汇总中没有工号 K1O04 在 2026-01 的记录, 这一行的实际销售额未计入" in problems
    assert sum("K1004 员工K1004。" in p and "无人因该月请辞" in p for p in problems) == 1


def test_a_person_without_total_is_said_as_not_compared(tmp_path):
    data = {"K1": {"2026-01": 90}, "K2": {"2026-01": 50}, "K3": {"2026-01": None}}
    files = _months(tmp_path / "m", data, ["2026-01"])
    sales = _sales(tmp_path / "sales.csv", [("K1", "2026-01", 900), ("K2", "2026-01", 100), ("K3", "2026-01", 10)])
    result = run_annual([*files, sales], tmp_path / "年度.xlsx", scheme=EVERY)
    people = {p.pid: p for p in result.people}
    value, reason = people["K2"].decisions["末位请辞"]
    assert reason == ("2026-01 总分 (50) 与实际销售额 (100) 均为部门最后 (只比较了部门内有总分的 2 人; "
                      "K3 员工K3 (实际销售额 10) 当月没有总分, 未参与比较)")
    assert value == "请辞"
    assert people["K3"].decisions["末位请辞"] == ("", "2026-01 没有总分, 未参与排名")
    assert people["K1"].decisions["末位请辞"][1].endswith("(2026-01 只比较了部门内有总分的 2 人; "
                                                       "K3 员工K3 (实际销售额 10) 当月没有总分, 未参与比较)")
    assert [n for n in result.notes if n.subject == "末位请辞"] == []  # everyone ranked has sales


def test_company_scope_needs_everyone_of_the_company(tmp_path):
    rows, issues = read_monthly([_table_months(tmp_path / "months.csv", [r for r in TWO_DEPTS if r[2] == "2026-01"]),
                                 _sales(tmp_path / "s.csv", [("K1", "2026-01", 900), ("K2", "2026-01", 800),
                                                             ("K3", "2026-01", 100), ("K4", "2026-01", 700)])])
    company = dataclasses.replace(builtin_scheme("cs-table"), decisions=parse_decisions({"resign_last": {"scope": "company"}}))
    result = roll_up(rows, issues=issues, scheme=company)
    people = {p.pid: p for p in result.people}
    assert people["K5"].decisions["末位请辞"] == ("", "2026-01 公司 K5 员工K5 没有实际销售额, 无法排出公司最后, 未判断")
    assert people["K3"].decisions["末位请辞"][0] == ""  # last of 一部, but K5 (二部, lower 总分) has no sales
    [note] = [n.message for n in result.notes if n.subject == "末位请辞"]
    assert note.startswith("2026-01 公司有总分的 5 人中 1 人没有「实际销售额」: K5 员工K5。")


def test_sales_table_with_a_title_row_above_its_header(tmp_path):
    files = _months(tmp_path / "m", {"K1": {"2026-01": 90}, "K2": {"2026-01": 50}}, ["2026-01"])
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["2026年实际销售额"])
    ws.append(["工号", "期间", "实际销售额"])
    ws.append(["K1", "2026-01", 900])
    ws.append(["K2", "2026-01", 100])
    sales = tmp_path / "销售.xlsx"
    book.save(sales)
    result = run_annual([*files, sales], tmp_path / "年度.xlsx", scheme=EVERY)
    assert result.issues == []
    k2 = next(p for p in result.people if p.pid == "K2")
    assert k2.decisions["末位请辞"] == ("请辞", "2026-01 总分 (50) 与实际销售额 (100) 均为部门最后")
    bad = tmp_path / "bad.csv"
    bad.write_text("说明\n姓名,总分\n张三,80\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["annual", "--scheme", str(EVERY_FILE), str(bad), "-o", str(tmp_path / "x.xlsx")])
    assert res.exit_code != 0
    assert "应有「工号」列, 但前 10 行中没有含这些列名的表头行 (第1行为: 说明)" in res.output


# --------------------------------------------------------------------------- feedback


def _summary(path: Path, rows: list[list], *, hant: bool = False) -> Path:
    scheme = builtin_scheme("cs-table")
    heads = ["工号", "姓名", "部门", "岗位", "期间", *[i.name for i in scheme.indicators], "总分", "等级", "部门排名"]
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "公司总览"
    ws.append([to_hant(h) for h in heads] if hant else heads)
    for row in rows:
        ws.append(row)
    book.create_sheet("问题")
    book.save(path)
    return path


BEST = ["001", "陳大文", "客服一部", "客服", "2026-10", 5, 10, 10, 5, 40, 20, 5, 5, 100]
WORST = ["002", "林", "客服一部", "客服", "2026-10", 1, 2, 3, 1, 10, 5, 1, 1, 24]


def test_traditional_option_writes_training_and_grade_in_traditional(tmp_path):
    summary = _summary(tmp_path / "s.xlsx", [[*BEST, "优", 1], [*WORST, "不及格", 2]])
    result = write_feedback(summary, tmp_path / "out", lang="zh-Hant")
    assert [(f.grade, f.training) for f in result.forms] == [
        ("優", "所需培訓程度: 無 (優)"), ("不及格", "所需培訓程度: 很強 (不及格)")]
    html = (tmp_path / "out" / "全部.html").read_text(encoding="utf-8")
    assert "<td>所需培訓程度: 無 (優)</td>" in html and "<th>等級</th><td>優</td>" in html
    for simplified in ("培训", "无 (", "(优)", "很强"):
        assert simplified not in html
    ws = openpyxl.load_workbook(tmp_path / "out" / "反馈面谈表.xlsx").worksheets[1]
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "所需培訓程度: 很強 (不及格)" in cells and not any("很强" in c for c in cells)


def test_traditional_summary_is_read_and_answered_in_traditional(tmp_path):
    summary = _summary(tmp_path / "s.xlsx", [[*BEST, "優", 1], [*WORST, "不及格", 2]], hant=True)
    res = CliRunner().invoke(main, ["feedback", str(summary), "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    html = (tmp_path / "out" / "全部.html").read_text(encoding="utf-8")
    assert "績效面談反饋表" in html and "<td>所需培訓程度: 無 (優)</td>" in html and "<td>處事能力</td>" in html
    assert "培训" not in html and "绩效" not in html
    # the 简体 form of the same 繁體 summary, when asked for, is 简体 throughout (優 read as 优)
    result = write_feedback(summary, tmp_path / "hans", lang="zh-Hans")
    assert [(f.grade, f.training, f.period) for f in result.forms][0] == ("优", "所需培训程度: 无 (优)", "2026-10")
    assert result.forms[1].weakest.startswith("纪律性 (1/5)")


def test_simplified_summary_stays_simplified_by_default(tmp_path):
    summary = _summary(tmp_path / "s.xlsx", [[*BEST, "优", 1]])
    result = write_feedback(summary, tmp_path / "out")
    assert result.lang == "zh-Hans" and result.forms[0].training == "所需培训程度: 无 (优)"


def test_feedback_backs_up_what_was_in_the_folder_and_says_so(tmp_path):
    summary = _summary(tmp_path / "s.xlsx", [[*BEST, "优", 1], [*WORST, "不及格", 2]])
    out = tmp_path / "面谈表"
    out.mkdir()
    (out / "001-陳大文.html").write_text("主管的面谈记录", encoding="utf-8")
    (out / "全部.html").write_text("上次打印的", encoding="utf-8")
    (out / "全部.备份.html").write_text("更早的备份", encoding="utf-8")
    book = openpyxl.Workbook()
    book.active["B20"] = "员工已签字"
    book.save(out / "反馈面谈表.xlsx")
    (out / "笔记.txt").write_text("别的文件", encoding="utf-8")
    res = CliRunner().invoke(main, ["feedback", str(summary), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "输出文件夹中原有的 3 个同名文件已先备份: 001-陳大文.备份.html、全部.备份2.html、反馈面谈表.备份.xlsx" in res.output
    assert (out / "001-陳大文.备份.html").read_text(encoding="utf-8") == "主管的面谈记录"
    assert (out / "全部.备份2.html").read_text(encoding="utf-8") == "上次打印的"
    assert (out / "全部.备份.html").read_text(encoding="utf-8") == "更早的备份"  # an older backup is never replaced
    assert openpyxl.load_workbook(out / "反馈面谈表.备份.xlsx").active["B20"].value == "员工已签字"
    assert (out / "笔记.txt").read_text(encoding="utf-8") == "别的文件"
    assert "绩效面谈反馈表" in (out / "001-陳大文.html").read_text(encoding="utf-8")
    before = sorted(p.name for p in out.iterdir())
    again = CliRunner().invoke(main, ["feedback", str(summary), "-o", str(out)])
    assert again.exit_code == 0 and "备份" not in again.output  # the same forms again: nothing to keep
    assert sorted(p.name for p in out.iterdir()) == before


def test_feedback_touches_nothing_when_a_file_cannot_be_replaced(tmp_path, monkeypatch):
    from xl_kpi.base.errors import OutputFileError
    from xl_kpi.workflow import feedback as fb

    summary = _summary(tmp_path / "s.xlsx", [[*BEST, "优", 1], [*WORST, "不及格", 2]])
    out = tmp_path / "out"
    out.mkdir()
    (out / "001-陳大文.html").write_text("旧", encoding="utf-8")
    (out / "002-林.html").write_text("也旧", encoding="utf-8")

    def refuse(path):
        if Path(path).name == "002-林.html":
            raise OutputFileError(f"{path} 正被打开")

    monkeypatch.setattr(fb, "check_replaceable", refuse)
    with pytest.raises(OutputFileError):
        write_feedback(summary, out)
    assert sorted(p.name for p in out.iterdir()) == ["001-陳大文.html", "002-林.html"]
    assert (out / "001-陳大文.html").read_text(encoding="utf-8") == "旧"
