"""`annual` with a sales table (工号/期间/实际销售额) and 工号 written differently across inputs.

1. A sales table holding months no monthly summary was given for was said once per row (12 months ×
   200 people = 2400 problems); now once per file, naming the months and how many rows went unused.
   Many 工号 unknown to the summaries (a table of other staff, 工号 written otherwise) are said together
   too; a few, and rows with a problem of their own, are still said per row.
2. A 工号 differing only in letter case (or full-/half-width) was another person: a sales table's
   cs001 did not reach the summary's CS001, and CS001 in January and cs001 in February were two people.
   Now matched when unambiguous, under the summary's spelling, and said once per file; when two such
   spellings are different people (same month, or different names) nothing is merged and it is said.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from click.testing import CliRunner
from workbooks import EVERY, EVERY_FILE, annual_records, sheet_records

from xl_kpi.cli import main
from xl_kpi.workflow.annual import read_monthly, roll_up, run_annual


def _summary(path: Path, month: str, people: list[tuple]) -> Path:
    """A monthly summary as consolidate writes it: (工号, 姓名, 总分) in 客服一部."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "公司总览"
    ws.append(["工号", "姓名", "部门", "岗位", "期间", "总分", "等级", "部门排名"])
    for pid, name, total in people:
        ws.append([pid, name, "客服一部", "客服", month, total, None, None])
    book.create_sheet("问题").append(["文件", "工作表", "单元格", "工号", "问题"])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _sales(path: Path, rows: list[tuple]) -> Path:
    """A sales table: (工号, 期间, 实际销售额) or (工号, 姓名, 期间, 实际销售额)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["工号", "期间", "实际销售额"] if len(rows[0]) == 3 else ["工号", "姓名", "期间", "实际销售额"])
    for r in rows:
        ws.append(list(r))
    book.save(path)
    return path


MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
STAFF = [f"K{i:03d}" for i in range(1, 31)]  # 30 people


def _year_of_sales(tmp_path: Path, people=STAFF, months=MONTHS) -> Path:
    return _sales(tmp_path / "销售表.xlsx", [(p, m, 1000 + i) for m in months for i, p in enumerate(people)])


# --------------------------------------------------------------------------- 1. said once, not per row


def test_sales_of_months_without_summary_are_said_once_per_file(tmp_path):
    files = [_summary(tmp_path / f"{m}-汇总.xlsx", m, [(p, f"员工{p}", 80 + i % 10) for i, p in enumerate(STAFF)])
             for m in MONTHS[:2]]
    sales = _year_of_sales(tmp_path)
    out = tmp_path / "年度.xlsx"
    res = CliRunner().invoke(main, ["annual", "--scheme", str(EVERY_FILE), *map(str, files), str(sales), "-o", str(out)])
    assert res.exit_code == 1, res.output  # a problem of the input (summaries may be missing), said once
    problems = [r for r in sheet_records(out, "问题") if r["类别"] == "问题"]
    assert len(problems) == 1, problems  # was 300: one per row of March to December
    [p] = problems
    assert p["文件"] == "销售表.xlsx" and p["位置"] == "工作表「Sheet」第62行 等 300 行" and p["工号"] in (None, "")
    assert p["问题"] == ("2026-03 至 2026-12 没有月度汇总 (已交的月度汇总为 2026-01、2026-02), "
                        "这 10 个月的 300 行实际销售额未使用; 如漏交了这些月份的汇总, 请补上后重新运行")
    assert res.output.count("没有月度汇总") == 1
    # the months that have a summary got their sales: K001 is last in both and is dismissed for January
    rows = {r["工号"]: r for r in annual_records(out)}
    assert rows["K001"]["末位请辞"] == "请辞"


def test_two_months_without_summary_are_named(tmp_path):
    files = [_summary(tmp_path / "2026-01-汇总.xlsx", "2026-01", [("K001", "甲", 90), ("K002", "乙", 70)])]
    sales = _year_of_sales(tmp_path, ["K001", "K002"], ["2026-01", "2026-03", "2026-04"])
    result = run_annual([*files, sales], tmp_path / "年度.xlsx", scheme=EVERY)
    assert [(i.file, i.in_sheet(), i.message) for i in result.issues] == [(
        "销售表.xlsx", "工作表「Sheet」第4行 等 4 行",
        "2026-03、2026-04 没有月度汇总 (已交的月度汇总为 2026-01), 这 2 个月的 4 行实际销售额未使用; "
        "如漏交了这些月份的汇总, 请补上后重新运行")]


def test_rows_with_a_problem_of_their_own_are_still_said_per_row(tmp_path):
    files = [_summary(tmp_path / "2026-01-汇总.xlsx", "2026-01", [("K001", "甲", 90), ("K002", "乙", 70)])]
    sales = _sales(tmp_path / "销售表.xlsx", [("K001", "2026-01", 900), ("K002", "2026-01", "一百"),
                                            ("K009", "2026-01", 5), ("K009", "2026-02", 5)])
    result = run_annual([*files, sales], tmp_path / "年度.xlsx", scheme=EVERY)
    said = [(i.in_sheet(), i.person, i.message) for i in result.issues]
    assert len(said) == 3, said
    assert said[0][:2] == ("工作表「Sheet」第3行", "K002") and "一百" in said[0][2]  # unreadable amount
    assert ("工作表「Sheet」第4行", "K009", "月度汇总中没有工号 K009 在 2026-01 的记录, 这一行的实际销售额未计入") in said
    assert said[2][:2] == ("工作表「Sheet」第5行 等 1 行", "") and said[2][2].startswith("2026-02 没有月度汇总")


def test_many_unknown_ids_are_said_together(tmp_path):
    """A sales table of the whole company given with one department's summaries: one problem, not 50."""
    files = [_summary(tmp_path / "2026-01-汇总.xlsx", "2026-01", [("K001", "甲", 90), ("K002", "乙", 70)])]
    others = [f"X{i:03d}" for i in range(1, 26)]
    sales = _year_of_sales(tmp_path, ["K001", "K002", *others], ["2026-01", "2026-02"])
    result = run_annual([*files, sales], tmp_path / "年度.xlsx", scheme=EVERY)
    [unknown, unsummarized] = result.issues
    assert unsummarized.message.startswith("2026-02 没有月度汇总")
    assert (unknown.file, unknown.in_sheet(), unknown.person) == ("销售表.xlsx", "工作表「Sheet」第4行 等 25 行", "")
    text = unknown.message
    assert text.startswith("月度汇总中没有这 25 个工号在所列月份的记录, 这 25 行的实际销售额未计入: X001 (2026-01)、X002 (2026-01)")
    assert "X025 (2026-01)" in text and "如 Excel 把 001 存成了 1" in text
    # the two people of the summary got their sales: January was judged (K001 sold least, K002 scored least)
    assert next(p for p in result.people if p.pid == "K002").decisions["末位请辞"] == (
        "", "没有总分与实际销售额同月均为部门最后的月份")


# --------------------------------------------------------------------------- 2. 工号 in another letter case


def test_sales_id_in_another_case_is_matched_and_said_once(tmp_path):
    files = [_summary(tmp_path / "2026-01-汇总.xlsx", "2026-01", [("CS001", "甲", 90), ("CS002", "乙", 70), ("CS003", "丙", 80)])]
    sales = _sales(tmp_path / "销售表.xlsx", [("cs001", "2026-01", 900), ("Cs002", "2026-01", 100),
                                            ("ＣＳ００３", "2026-01", 500)])
    out = tmp_path / "年度.xlsx"
    res = CliRunner().invoke(main, ["annual", "--scheme", str(EVERY_FILE), str(files[0]), str(sales), "-o", str(out)])
    assert res.exit_code == 0, res.output  # matched: a note, no problem
    rows = {r["工号"]: r for r in annual_records(out)}
    assert sorted(rows) == ["CS001", "CS002", "CS003"]  # the summary's spelling
    assert rows["CS002"]["末位请辞"] == "请辞"
    assert rows["CS002"]["末位请辞原因"] == "2026-01 总分 (70) 与实际销售额 (100) 均为部门最后"
    [note] = [r for r in sheet_records(out, "问题") if r["位置"] != "顾问级别"]  # (EVERY lists advisor: its own note)
    assert (note["文件"], note["类别"]) == ("销售表.xlsx", "说明")
    assert note["问题"] == ("3 个工号与月度汇总的写法只差大小写或全角/半角, 已按月度汇总的工号计入实际销售额: "
                           "Cs002 → CS002、cs001 → CS001、ＣＳ００３ → CS003。如不是同一人, 请改正工号后重新运行")
    assert res.output.count("只差大小写") == 1


def test_sales_id_matching_two_people_is_not_merged(tmp_path):
    """CS001 and cs001 in the same month's summary are two people: Cs001 in the sales table is neither."""
    files = [_summary(tmp_path / "2026-01-汇总.xlsx", "2026-01", [("CS001", "甲", 90), ("cs001", "乙", 70)])]
    sales = _sales(tmp_path / "销售表.xlsx", [("CS001", "2026-01", 900), ("Cs001", "2026-01", 100)])
    result = run_annual([*files, sales], tmp_path / "年度.xlsx", scheme=EVERY)
    assert sorted(p.pid for p in result.people) == ["CS001", "cs001"]
    said = [(i.file, i.in_sheet(), i.person, i.message) for i in result.issues]
    assert said == [
        ("", "工号", "CS001、cs001",
         "工号 CS001 (2026-01-汇总.xlsx 工作表「公司总览」第2行)、cs001 (2026-01-汇总.xlsx 工作表「公司总览」第3行) "
         "只差大小写或全角/半角, 但在 2026-01 同时出现, 不能确定是同一人: 未合并, 按不同工号分别计算; "
         "如是同一人, 请在各月汇总中统一工号后重新运行"),
        ("销售表.xlsx", "工作表「Sheet」第3行", "Cs001",
         "工号 Cs001 与 2026-01 月度汇总中的 CS001、cs001 都只差大小写或全角/半角, 不能确定是哪一人, "
         "这一行的实际销售额未计入; 请按月度汇总的写法改正工号")]
    people = {p.pid: p for p in result.people}
    assert people["CS001"].decisions["末位请辞"][0] == ""  # cs001 has no sales: not judged
    assert result.notes and not any("已按月度汇总的工号" in n.message for n in result.notes)


def test_sales_id_in_another_case_with_another_name_is_not_matched(tmp_path):
    files = [_summary(tmp_path / "2026-01-汇总.xlsx", "2026-01", [("CS001", "甲", 90), ("CS002", "乙", 70)])]
    sales = _sales(tmp_path / "销售表.xlsx", [("CS001", "甲", "2026-01", 900), ("cs002", "丁", "2026-01", 100)])
    result = run_annual([*files, sales], tmp_path / "年度.xlsx", scheme=EVERY)
    assert [(i.in_sheet(), i.person, i.message) for i in result.issues] == [(
        "工作表「Sheet」第3行", "cs002", "工号 cs002 (丁) 与 2026-01 月度汇总中的 CS002 (乙) 只差大小写或全角/半角, "
        "但姓名不同, 这一行的实际销售额未计入; 请核对工号")]


def test_one_id_in_another_case_across_summaries_is_one_person(tmp_path):
    files = [_summary(tmp_path / "2026-01-汇总.xlsx", "2026-01", [("CS001", "甲", 90), ("CS002", "乙", 70)]),
             _summary(tmp_path / "2026-02-汇总.xlsx", "2026-02", [("CS001", "甲", 91), ("CS002", "乙", 71)]),
             _summary(tmp_path / "2026-03-汇总.xlsx", "2026-03", [("cs001", "甲", 92), ("CS002", "乙", 72)])]
    sales = _sales(tmp_path / "销售表.xlsx", [("cs001", "2026-03", 900), ("CS002", "2026-03", 100)])
    out = tmp_path / "年度.xlsx"
    res = CliRunner().invoke(main, ["annual", "--scheme", str(EVERY_FILE), *map(str, files), str(sales), "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = {r["工号"]: r for r in annual_records(out)}
    assert sorted(rows) == ["CS001", "CS002"]  # the spelling of most months
    assert (rows["CS001"]["2026-03"], rows["CS001"]["缺考月份"], rows["CS001"]["年度得分"]) == (92, None, 91)
    assert rows["CS001"]["考评资格原因"] == "各月均有考核记录"
    notes = [(r["文件"], r["问题"]) for r in sheet_records(out, "问题") if r["位置"] == "工号"]
    assert notes == [
        ("2026-03-汇总.xlsx", "1 个工号与其他月份的写法只差大小写或全角/半角, 已视为同一人合并: "
                              "cs001 → CS001。如不是同一人, 请改正工号后重新运行"),
        ("销售表.xlsx", "1 个工号与月度汇总的写法只差大小写或全角/半角, 已按月度汇总的工号计入实际销售额: "
                       "cs001 → CS001。如不是同一人, 请改正工号后重新运行")]
    assert rows["CS002"]["末位请辞原因"].startswith("2026-03 总分 (72) 与实际销售额 (100) 均为部门最后")


def test_ids_in_another_case_with_other_names_across_summaries_stay_apart(tmp_path):
    files = [_summary(tmp_path / "2026-01-汇总.xlsx", "2026-01", [("CS001", "甲", 90)]),
             _summary(tmp_path / "2026-02-汇总.xlsx", "2026-02", [("cs001", "乙", 60)])]
    rows, issues = read_monthly(files)
    result = roll_up(rows, scheme=EVERY, issues=issues)
    assert sorted(p.pid for p in result.people) == ["CS001", "cs001"]
    [issue] = result.issues
    assert issue.person == "CS001、cs001"
    assert issue.message.startswith("工号 CS001 (2026-01-汇总.xlsx 工作表「公司总览」第2行)、cs001 (2026-02-汇总.xlsx 工作表「公司总览」第2行) "
                                    "只差大小写或全角/半角, 但姓名不同 (CS001: 甲; cs001: 乙), 不能确定是同一人: 未合并")
    assert not any("合并:" in n.message for n in result.notes)


def test_a_sales_row_in_another_case_beside_the_exact_one_is_a_duplicate(tmp_path):
    files = [_summary(tmp_path / "2026-01-汇总.xlsx", "2026-01", [("CS001", "甲", 90), ("CS002", "乙", 70)])]
    sales = _sales(tmp_path / "销售表.xlsx", [("CS001", "2026-01", 900), ("cs001", "2026-01", 800), ("CS002", "2026-01", 1)])
    result = run_annual([*files, sales], tmp_path / "年度.xlsx", scheme=EVERY)
    assert [(i.person, i.message) for i in result.issues] == [
        ("cs001", "工号 cs001 的 2026-01 实际销售额重复: 已在 销售表.xlsx 工作表「Sheet」第2行 出现, 本行未计入")]
    assert not any("已按月度汇总的工号" in n.message for n in result.notes)  # cs001 was not used
    assert next(p for p in result.people if p.pid == "CS002").decisions["末位请辞"][0] == "请辞"


def test_a_file_given_twice_is_read_once(tmp_path):
    """`2026-*.xlsx 2026-实际销售额.xlsx`: the wildcard already holds the sales table; not 2 × its rows of 重复."""
    files = [_summary(tmp_path / "2026-01-汇总.xlsx", "2026-01", [("K001", "甲", 90), ("K002", "乙", 70)])]
    sales = _year_of_sales(tmp_path, ["K001", "K002"], ["2026-01"])
    out = tmp_path / "年度.xlsx"
    res = CliRunner().invoke(main, ["annual", "--scheme", str(EVERY_FILE), *map(str, files), str(sales), str(sales), "-o", str(out)])
    assert res.exit_code == 0, res.output
    [note] = [r for r in sheet_records(out, "问题") if r["位置"] != "顾问级别"]  # (EVERY lists advisor: its own note)
    assert (note["文件"], note["位置"], note["类别"], note["问题"]) == ("销售表.xlsx", None, "说明", "此文件给了不止一次, 只读取一次")


def test_pay_uses_the_sales_of_a_separate_sales_table(tmp_path):
    """计划销售额 in the monthly tables and 实际销售额 in a sales table, as the README says to give them: the
    commission and 当月工资 were computed before the sales were merged, and silently left out."""
    from xl_kpi.schemes.scheme import builtin_scheme

    months = tmp_path / "months.csv"
    months.write_text("工号,姓名,部门,期间,总分,计划销售额\nS1,甲,一部,2026-01,70,100000\nS2,乙,一部,2026-01,80,100000\n",
                      encoding="utf-8")
    sales = tmp_path / "sales.csv"
    sales.write_text("工号,期间,实际销售额\nS1,2026-01,150000\nS2,2026-01,90000\n", encoding="utf-8")
    people = {p.pid: p for p in run_annual([months, sales], tmp_path / "年度.xlsx", scheme=builtin_scheme("cs-table")).people}
    # S1: 及格 (1300) + 1.2% of 150000 = 1800; S2: 好 (1400) + 0.5% of 90000 = 450
    assert people["S1"].pay == {"岗位工资": 1300, "提成": 1800, "当月工资": 3100}
    assert people["S2"].pay == {"岗位工资": 1400, "提成": 450, "当月工资": 1850}
