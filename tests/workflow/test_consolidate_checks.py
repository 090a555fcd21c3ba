"""Consolidation agrees with the sheet: numbers kept as text are not scored, and one period at a time."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from libreoffice import recalc
from strategies import CS_QUANT_DOCUMENT_EXAMPLE
from workbooks import filled_department as _book

from xl_kpi.excel.reader import read_filled_workbook
from xl_kpi.workflow.consolidate import TEXT_MESSAGE, consolidate, evaluate_person

DOC = {**CS_QUANT_DOCUMENT_EXAMPLE, "pay|bonus_base": 1000}  # total 86, bonus 860
SATISFACTION = ("satisfaction", "satisfaction", "")
COMPLAINT = ("complaint_rate", "complaint_rate", "")
KNOWLEDGE = ("knowledge_test", "knowledge_test", "")

# what LibreOffice, WPS and Excel keep as text in a number cell; the native formulas show 请填数字 for each
TEXTS = {
    "K1": {**DOC, SATISFACTION: "89.5 "},  # a trailing space
    "K2": {**DOC, COMPLAINT: "0.3%"},  # a percent typed into a cell formatted as text
    "K3": {**DOC, KNOWLEDGE: "９０"},  # full-width digits
    "K4": {**DOC, "pay|bonus_base": "1000"},  # the score is fine, the bonus base is text
    "K5": DOC,
}
TEXT_CELLS = {"K1": ("H7", "89.5 "), "K2": ("H6", "0.3%"), "K3": ("H10", "９０")}


def _evaluate(path: Path) -> dict:
    book = read_filled_workbook(path)
    return {p.identity["工号"]: (p, evaluate_person(book, p)) for p in book.people}


def _check_texts(results: dict) -> None:
    for pid, (ref, typed) in TEXT_CELLS.items():
        _person, res = results[pid]
        assert res.score.total is None, pid  # the sheet shows 未填完
        (issue,) = res.issues
        assert issue.cell == ref and f"{TEXT_MESSAGE}「{typed}」" in issue.message, issue
        assert "为空" not in issue.message
    _person, k4 = results["K4"]
    assert k4.score.total == 86 and "绩效奖金" not in k4.pay  # ISNUMBER(base) is false: no bonus on the sheet
    (issue,) = k4.issues
    assert issue.cell == "H15" and issue.message == f"绩效奖金基数{TEXT_MESSAGE}「1000」; 绩效奖金未计算"
    _person, k5 = results["K5"]
    assert k5.score.total == 86 and k5.pay["绩效奖金"] == 860 and not k5.issues


def test_numbers_kept_as_text_are_reported_not_scored(tmp_path):
    _check_texts(_evaluate(_book(tmp_path, TEXTS)))


def test_libreoffice_shows_the_same_for_text(tmp_path):
    """LibreOffice recalculates the sheet: 请填数字 and 未填完 where consolidation reports the text cell."""
    (calculated,) = recalc([_book(tmp_path, TEXTS)], tmp_path / "lo")
    results = _evaluate(calculated)
    _check_texts(results)
    for pid, (ref, _typed) in TEXT_CELLS.items():
        person, _res = results[pid]
        assert person.inputs[next(k for k, c in person.inputs.items() if c.ref == ref)].value == TEXT_CELLS[pid][1]
        assert "请填数字" in [c.value for c in person.scores.values()], pid
        assert person.results["total"].value == "未填完", pid
    person, _res = results["K4"]
    assert person.results["total"].value == 86 and person.results["pay|bonus"].value == "绩效奖金基数请填数字"


def test_error_value_in_an_input_is_still_an_error_not_text(tmp_path):
    book = read_filled_workbook(_book(tmp_path, {"K5": DOC}))
    (person,) = book.people
    cell = person.inputs[SATISFACTION]
    cell.value, cell.error = "#DIV/0!", True  # as the reader gives back a cell showing =1/0
    (issue,) = evaluate_person(book, person).issues
    assert issue.cell == cell.ref and "错误值 #DIV/0!" in issue.message and TEXT_MESSAGE not in issue.message


def test_udf_sheets_score_text_as_their_functions_do(tmp_path):
    """=KPI_SATISFACTION("89.5 ") reads the text through the engine: there the text is scored, as before."""
    results = _evaluate(_book(tmp_path, {"K1": TEXTS["K1"]}, mode="udf"))
    _person, res = results["K1"]
    assert res.score.total == 86 and not res.issues


def test_cached_text_where_the_engine_has_a_number_is_reported(tmp_path):
    """A score cell showing 请填数字 (or a total 未填完) while the inputs give a number: sheet and engine disagree."""
    book = read_filled_workbook(_book(tmp_path, {"K5": DOC}))
    (person,) = book.people
    score, total = person.scores["satisfaction"], person.results["total"]
    assert score.formula and total.formula
    score.value, total.value = "请填数字", "未填完"
    issues = {i.cell: i.message for i in evaluate_person(book, person).issues}
    assert issues == {score.ref: "客户满意度单元格显示「请填数字」, 按规则应为 16 (可能被手工改动)",
                      total.ref: "总分单元格显示「未填完」, 按规则应为 86 (可能被手工改动)"}


# --------------------------------------------------------------------------- one period at a time


def _periods(tmp_path: Path, periods: list[tuple[str, str]]) -> Path:
    folder = tmp_path / "回收"
    folder.mkdir()
    for i, (period, dept) in enumerate(periods):
        shutil.copyfile(_book(tmp_path, {f"P{i}": DOC}, period, dept), folder / f"{period}-{dept}.xlsx")
    return folder


def test_a_workbook_of_another_period_is_reported_and_left_out(tmp_path):
    folder = _periods(tmp_path, [("2026-09", "一部"), ("2026-10", "一部"), ("2026-10", "二部")])
    result = consolidate([folder])
    assert result.period == "2026-10"
    assert sorted(p.identity["工号"] for p in result.people) == ["P1", "P2"]
    (issue,) = result.issues
    assert issue.file == "2026-09-一部.xlsx"
    assert "2026-09" in issue.message and "本次汇总的是 2026-10" in issue.message and "未计入" in issue.message
    # a period asked for wins over the majority
    asked = consolidate([folder], period="2026-09")
    assert [p.identity["工号"] for p in asked.people] == ["P0"]
    assert sorted(i.file for i in asked.issues) == ["2026-10-一部.xlsx", "2026-10-二部.xlsx"]
    assert all("指定" in i.message for i in asked.issues)


def test_equally_many_files_per_period_keeps_the_later_one(tmp_path):
    folder = _periods(tmp_path, [("2026-10", "一部"), ("2026-09", "二部")])
    result = consolidate([folder])
    assert result.period == "2026-10" and [p.identity["工号"] for p in result.people] == ["P0"]
    assert [i.file for i in result.issues] == ["2026-09-二部.xlsx"]
    assert Decimal(result.people[0].score.total) == 86


def test_an_empty_folder_leaves_the_last_summary_alone(tmp_path):
    from xl_kpi.base.errors import InputFileError
    from xl_kpi.workflow.consolidate import consolidate

    (tmp_path / "交回").mkdir()
    (tmp_path / "交回" / "说明.txt").write_text("no workbooks here", encoding="utf-8")
    with pytest.raises(InputFileError, match="中没有可读取的考核表"):
        consolidate([tmp_path / "交回"])


# --------------------------------------------------------------------------- one person, two files


def _twice(tmp_path: Path, second: dict) -> Path:
    """A folder with K1's workbook filled from DOC, and a second workbook for K1 filled from `second`."""
    folder = tmp_path / "回收"
    folder.mkdir()
    shutil.copyfile(_book(tmp_path, {"K1": DOC, "K2": DOC}, dept="一部"), folder / "a-一部.xlsx")
    shutil.copyfile(_book(tmp_path / "again", {"K1": second}, dept="一部"), folder / "b-一部(改).xlsx")
    return folder


def test_a_second_copy_that_scores_alike_counts_once_and_shows_on_the_row(tmp_path):
    result = consolidate([_twice(tmp_path, DOC)])
    people = {p.identity["工号"]: p for p in result.people}
    assert sorted(people) == ["K1", "K2"]
    k1 = people["K1"]
    assert k1.score.total == 86 and k1.pay["绩效奖金"] == 860 and k1.rank == 1
    (issue,) = result.issues
    assert issue.file == "b-一部(改).xlsx" and issue.cell == "B2" and issue.person == "K1"
    assert "重复" in issue.message and "计分相同" in issue.message and "a-一部.xlsx" in issue.message
    assert k1.issues == [issue]  # 问题数 1 on the kept row, not 0


def test_two_copies_that_score_differently_leave_the_person_unscored(tmp_path):
    from xl_kpi.workflow.summary import build_summary

    result = consolidate([_twice(tmp_path, {**DOC, SATISFACTION: 95})])  # the corrected copy scores higher
    people = {p.identity["工号"]: p for p in result.people}
    k1, k2 = people["K1"], people["K2"]
    assert k2.score.total == 86 and k2.rank == 1  # the others are untouched
    assert k1.score.total is None and k1.score.grade is None and k1.pay == {} and k1.rank is None
    assert all(item.points is None for item in k1.score.items)
    (issue,) = result.issues
    assert issue.file == "b-一部(改).xlsx" and issue.person == "K1" and k1.issues == [issue]
    assert "两份计分不同" in issue.message and "a-一部.xlsx" in issue.message
    assert "总分 86" in issue.message and "未计分" in issue.message
    other_total = issue.message.split("b-一部(改).xlsx")[1]
    assert "总分 86" not in other_total and "总分" in other_total
    ws = build_summary(result)["公司总览"]
    heads = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "K1")
    assert row[heads.index("总分")] is None and row[heads.index("问题数")] == 1


def test_a_date_or_time_excel_made_of_a_typed_number_is_named_as_such(tmp_path):
    import datetime

    response = ("response_time", "response_time", "")
    results = _evaluate(_book(tmp_path, {
        "K1": {**DOC, response: datetime.datetime(2026, 10, 3)},  # "10.3" typed into a General cell
        "K2": {**DOC, response: datetime.time(0, 10)},  # "0:10"
    }))
    for pid, shown in (("K1", "日期 2026-10-03"), ("K2", "时间 00:10")):
        _person, res = results[pid]
        assert res.score.total is None, pid
        (issue,) = res.issues
        assert issue.cell == "H8", issue
        assert issue.message.startswith(f"平均响应时间 应为数字, 收到{shown} (Excel 把输入当成了"), issue.message
        assert "设为「数值」" in issue.message


def test_a_deleted_score_formula_is_named_as_deleted(tmp_path):
    """A score cell cleared with the Delete key was reported as "改写为固定值「None」"."""
    import openpyxl

    filled = _book(tmp_path, {"P1": DOC, "P2": DOC})
    book = read_filled_workbook(filled)
    first, second = book.people
    wb = openpyxl.load_workbook(filled)
    wb[first.sheet][first.scores["satisfaction"].ref].value = None
    wb[second.sheet][second.scores["satisfaction"].ref].value = 16
    wb.save(filled)
    results = _evaluate(filled)
    messages = {pid: [i.message for i in res.issues] for pid, (_p, res) in results.items()}
    assert "客户满意度的得分公式被删除, 单元格为空" in messages["P1"]
    assert "客户满意度的得分公式被改写为固定值「16」" in messages["P2"]
    assert not any("None" in m for ms in messages.values() for m in ms)


# --------------------------------------------------------------------------- workbooks saved in another format


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512  # how .xls and WPS .et files begin


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


ODS = {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<office:document-content/>"}


def _returned_in_other_formats(tmp_path: Path) -> Path:
    """What supervisors may send back: WPS's .et, LibreOffice's .ods, Numbers, .xlsb, one real .xlsx."""
    folder = tmp_path / "交回"
    folder.mkdir()
    shutil.copyfile(_book(tmp_path, {"K1": DOC}), folder / "三部.XLSX")
    (folder / "二部.et").write_bytes(OLE)
    _zip(folder / "一部copy.ods", ODS)
    _zip(folder / "四部.ODS", ODS)  # upper case, as Windows may name it
    (folder / "五部.ett").write_bytes(OLE)
    _zip(folder / "六部.numbers", {"Index/Document.iwa": b"x", "Metadata/Properties.plist": b"x"})
    _zip(folder / "七部.xlsb", {"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"x"})
    _zip(folder / "八部.xlsx", ODS)  # an .ods renamed to .xlsx: told as the .ods it is
    (folder / "九部.numbers").mkdir()  # a Numbers document kept as a package (a folder) on a Mac
    (folder / "九部.numbers" / "Index.zip").write_bytes(b"PK")
    return folder


SAVE_AS = "「另存为」Excel 工作簿 (.xlsx) 后重新汇总"


def test_workbooks_in_other_formats_are_reported_with_how_to_convert(tmp_path):
    """.ods and .et in the folder were passed over silently (读取 1 个文件, exit 0)."""
    result = consolidate([_returned_in_other_formats(tmp_path)])
    messages = {i.file: i.message for i in result.issues}
    assert result.files_read == 1 and result.files_failed == 8
    assert [p.identity["工号"] for p in result.people] == ["K1"] and result.people[0].score.total == 86
    assert messages == {
        "二部.et": f"是 WPS 表格格式 (.et), 不是 Excel 工作簿 (.xlsx), 无法读取; 请在 WPS 中打开, {SAVE_AS} (设置了打开密码的请先取消密码)",
        "五部.ett": f"是 WPS 表格模板格式 (.ett), 不是 Excel 工作簿 (.xlsx), 无法读取; 请在 WPS 中打开, {SAVE_AS} (设置了打开密码的请先取消密码)",
        "一部copy.ods": f"是 OpenDocument 表格 (.ods), 不是 Excel 工作簿 (.xlsx), 无法读取; 请在 WPS、LibreOffice 或 Excel 中打开, {SAVE_AS}",
        "四部.ODS": f"是 OpenDocument 表格 (.ods), 不是 Excel 工作簿 (.xlsx), 无法读取; 请在 WPS、LibreOffice 或 Excel 中打开, {SAVE_AS}",
        "八部.xlsx": f"是 OpenDocument 表格 (.ods), 不是 Excel 工作簿 (.xlsx), 无法读取; 请在 WPS、LibreOffice 或 Excel 中打开, {SAVE_AS}",
        "六部.numbers": "是 Apple Numbers 表格 (.numbers), 不是 Excel 工作簿 (.xlsx), 无法读取; 请在 Numbers 中用「文件 → 导出到 → Excel」存为 .xlsx 后重新汇总",
        "九部.numbers": "是 Apple Numbers 表格 (.numbers), 不是 Excel 工作簿 (.xlsx), 无法读取; 请在 Numbers 中用「文件 → 导出到 → Excel」存为 .xlsx 后重新汇总",
        "七部.xlsb": f"是 Excel 二进制工作簿 (.xlsb), 不是 Excel 工作簿 (.xlsx), 无法读取; 请在 Excel 中打开, {SAVE_AS}",
    }


def test_a_file_in_another_format_named_on_the_command_line_gets_the_same_message(tmp_path):
    from click.testing import CliRunner

    from xl_kpi.cli import main

    folder = _returned_in_other_formats(tmp_path)
    for name, said in (("一部copy.ods", "是 OpenDocument 表格 (.ods)"), ("二部.et", "是 WPS 表格格式 (.et)")):
        out = tmp_path / f"汇总-{name}.xlsx"
        run = CliRunner().invoke(main, ["consolidate", str(folder / name), "-o", str(out)])
        # the only file given cannot be read: no summary is written (an empty one would replace last month's)
        assert run.exit_code == 2 and not out.exists(), run.output
        assert run.output.lstrip("\n").startswith("错误: 1 个文件中没有一个计入汇总, 未写入汇总:\n")
        assert f"问题 {name}: {said}" in run.output and SAVE_AS in run.output


def test_an_excel_workbook_named_et_is_read_and_said_so(tmp_path):
    """A copy renamed to .et (an Excel workbook inside) is read as it is, with a note to rename it."""
    folder = tmp_path / "交回"
    folder.mkdir()
    shutil.copyfile(_book(tmp_path, {"K1": DOC}), folder / "二部.et")
    result = consolidate([folder])
    assert result.files_read == 1 and result.people[0].score.total == 86
    assert [(i.file, i.message) for i in result.issues] == [
        ("二部.et", "文件扩展名是 .et, 但内容是 Excel 工作簿 (.xlsx), 已照常读取; 建议改名为 .xlsx")]


def test_no_summary_when_no_file_is_taken_in(tmp_path):
    """Every returned file of another scheme (设置's 考核方案 cs-table, sheets of cs-quant): before, an empty summary
    replaced the last one (读取 0 个文件, 0 人)."""
    from click.testing import CliRunner

    from xl_kpi.cli import main

    folder = tmp_path / "交回"
    folder.mkdir()
    shutil.copyfile(_book(tmp_path, {"K1": DOC}), folder / "一部.xlsx")
    out = tmp_path / "汇总.xlsx"
    run = CliRunner().invoke(main, ["consolidate", str(folder), "-o", str(out), "--scheme", "cs-table"])
    assert run.exit_code == 2 and not out.exists(), run.output
    assert run.output.lstrip("\n") == ("错误: 1 个文件中没有一个计入汇总, 未写入汇总:\n"
                          "问题 一部.xlsx: 这是方案 cs-quant 的考核表, 不是 cs-table 的\n")


def test_a_summary_among_the_returned_sheets_is_named_as_a_summary(tmp_path):
    folder = tmp_path / "交回"
    folder.mkdir()
    shutil.copyfile(_book(tmp_path, {"K1": DOC}), folder / "一部.xlsx")
    first = consolidate([folder])
    from xl_kpi.workflow.summary import write_summary

    write_summary(first, folder / "汇总-2026-09.xlsx")  # last month's summary dropped into the folder
    again = consolidate([folder])
    assert [(i.file, i.message) for i in again.issues] == [
        ("汇总-2026-09.xlsx", "这是「一键汇总」写出的汇总表, 不是考核表, 未计入; 请把它移出回收文件夹")]
    assert [p.identity["工号"] for p in again.people] == ["K1"]
