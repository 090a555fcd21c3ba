"""What supervisors and HR do to returned workbooks that consolidation must still get right.

A sheet renamed by hand (K1001-员工K1001 -> 张三) is found by its 工号, and so are sheets whose names were
swapped or rotated (told as such, not as 工号 edits); a person whose sheet cannot be
found is still listed, unscored, with the reason; a formula written by a program and never calculated
is reported, not read as an empty cell; the period chosen between equally many files is explained; and
two files of the same name in different folders are told apart in the summary's 文件 column.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from libreoffice import recalc
from strategies import CS_QUANT_DOCUMENT_EXAMPLE
from workbooks import filled_department

from xl_kpi.workflow.consolidate import consolidate
from xl_kpi.workflow.summary import build_summary

DOC = {**CS_QUANT_DOCUMENT_EXAMPLE, "pay|bonus_base": 1000}  # total 86, bonus 860
SATISFACTION_CELL, BONUS_CELL = "H7", "H15"  # 客户满意度 and 绩效奖金基数 on a cs-quant sheet
UNCALCULATED_MESSAGE = "公式没有计算结果, 请在 Excel/WPS 中打开并保存后再汇总"


def _book(tmp: Path, ids: tuple[str, ...] = ("K1001", "K1002"), period: str = "2026-10", dept: str = "一部") -> Path:
    """A department workbook generated for ``ids`` (named 员工<id>) and filled from DOC; the filled file."""
    return filled_department(tmp, {p: DOC for p in ids}, period, dept)


def _edited(tmp: Path, edit, name: str = "一部.xlsx") -> Path:
    """A folder holding one filled workbook after ``edit(openpyxl book)``, saved by openpyxl."""
    book = openpyxl.load_workbook(_book(tmp))
    edit(book)
    folder = tmp / "交回"
    folder.mkdir()
    book.save(folder / name)
    return folder


def _rows(result) -> dict[str, dict]:
    ws = build_summary(result)["公司总览"]
    rows = list(ws.iter_rows(values_only=True))
    return {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}


# --------------------------------------------------------------------------- 1. renamed or missing sheets


def test_a_renamed_sheet_is_found_by_its_id_and_scored(tmp_path):
    folder = _edited(tmp_path, lambda b: setattr(b["K1001-员工K1001"], "title", "张三"))
    result = consolidate([folder])
    people = {p.identity["工号"]: p for p in result.people}
    assert sorted(people) == ["K1001", "K1002"]
    k1 = people["K1001"]
    assert k1.sheet == "张三" and k1.score.total == 86 and k1.pay["绩效奖金"] == 860 and k1.department == "一部"
    (issue,) = result.issues  # the rename is told; the sheet is not called foreign, the 工号 not called changed
    assert (issue.file, issue.sheet, issue.person) == ("一部.xlsx", "张三", "K1001")
    assert "「K1001-员工K1001」被改名为「张三」" in issue.message and "照常计分" in issue.message
    row = _rows(result)["K1001"]
    assert (row["总分"], row["工作表"], row["问题数"]) == (86, "张三", 1)


def test_a_sheet_that_is_gone_leaves_an_unscored_row_with_the_reason(tmp_path):
    def delete(book):
        del book["K1001-员工K1001"]

    result = consolidate([_edited(tmp_path, delete)])
    people = {p.identity["工号"]: p for p in result.people}
    assert sorted(people) == ["K1001", "K1002"]  # never dropped
    k1 = people["K1001"]
    assert k1.score.total is None and k1.pay == {} and k1.rank is None and k1.department == "一部"
    (issue,) = result.issues
    assert (issue.file, issue.sheet, issue.person) == ("一部.xlsx", "K1001-员工K1001", "K1001")
    assert "找不到 K1001 员工K1001 的工作表「K1001-员工K1001」" in issue.message and "未计分" in issue.message
    assert k1.issues == [issue]
    row = _rows(result)["K1001"]  # the name and post from the cover's list
    assert (row["姓名"], row["部门"], row["岗位"], row["总分"], row["问题数"], row["文件"]) == \
        ("员工K1001", "一部", "客服专员", None, 1, "一部.xlsx")
    assert people["K1002"].score.total == 86


def test_a_renamed_sheet_whose_id_was_also_changed_is_not_guessed(tmp_path):
    def rename_and_retype(book):
        book["K1001-员工K1001"].title = "张三"
        book["张三"]["B2"] = "K9"

    result = consolidate([_edited(tmp_path, rename_and_retype)])
    k1 = next(p for p in result.people if p.identity["工号"] == "K1001")
    assert k1.score.total is None
    (missing,) = [i for i in result.issues if i.person == "K1001"]
    assert "找不到" in missing.message and "工作表「张三」像是改过名的考核表, 但其 B2 中的工号是「K9」" in missing.message
    assert any(i.sheet == "张三" and "不是生成器生成的工作表" in i.message for i in result.issues)


def test_two_sheets_holding_the_missing_id_are_not_guessed(tmp_path):
    def rename_and_copy(book):
        book["K1001-员工K1001"].title = "张三"
        book.copy_worksheet(book["张三"]).title = "张三(2)"

    result = consolidate([_edited(tmp_path, rename_and_copy)])
    k1 = next(p for p in result.people if p.identity["工号"] == "K1001")
    assert k1.score.total is None
    (missing,) = [i for i in result.issues if i.person == "K1001"]
    assert "「张三」、「张三(2)」" in missing.message and "无法确定" in missing.message


def test_a_sheet_gone_from_one_file_but_in_another_is_scored_from_there(tmp_path):
    folder = tmp_path / "交回"
    folder.mkdir()
    filled = _book(tmp_path)
    shutil.copyfile(filled, folder / "乙.xlsx")
    book = openpyxl.load_workbook(filled)
    del book["K1001-员工K1001"]
    book.save(folder / "甲.xlsx")
    result = consolidate([folder])
    k1 = next(p for p in result.people if p.identity["工号"] == "K1001")
    assert k1.score.total == 86 and k1.file == folder / "乙.xlsx"
    assert len([p for p in result.people if p.identity["工号"] == "K1001"]) == 1
    (gone,) = [i for i in result.issues if i.file == "甲.xlsx" and i.person == "K1001"]
    assert "找不到" in gone.message and "此人按 乙.xlsx 工作表「K1001-员工K1001」计分" in gone.message
    assert "未计分" not in gone.message


# --------------------------------------------------------------------------- 1b. sheet names swapped or rotated

SATISFACTION, KNOWLEDGE = ("satisfaction", "satisfaction", ""), ("knowledge_test", "knowledge_test", "")
THREE = {"K1001": DOC,  # total 86, bonus 860
         "K1002": {**DOC, SATISFACTION: 70, "pay|bonus_base": 2000},  # total 82, bonus 1640
         "K1003": {**DOC, KNOWLEDGE: 60, "pay|bonus_base": 3000}}  # total 80, bonus 2400
SHEETS = {pid: f"{pid}-员工{pid}" for pid in THREE}
SWAP_MESSAGE = "按各表 B2 的工号认人, 已照常计分"


def _named(tmp: Path, renames: dict[str, str]) -> tuple[Path, Path]:
    """The THREE workbook as filled, and a copy whose sheets were renamed old -> new all at once (by way of
    temporary names, as a user swapping two tabs does); each alone in a folder."""
    filled = filled_department(tmp, THREE, dept="一部")
    book = openpyxl.load_workbook(filled)
    for i, old in enumerate(renames):
        book[old].title = f"tmp{i}"
    for i, new in enumerate(renames.values()):
        book[f"tmp{i}"].title = new
    folders = tmp / "原样", tmp / "改名"
    for folder in folders:
        folder.mkdir()
    shutil.copyfile(filled, folders[0] / "一部.xlsx")
    book.save(folders[1] / "一部.xlsx")
    return folders


def _scored(result) -> dict[str, tuple]:
    return {p.identity["工号"]: (p.score.total, [i.points for i in p.score.items], p.pay, p.department, p.rank)
            for p in result.people}


def test_two_swapped_tabs_are_told_as_a_swap_and_each_person_scored_from_their_own_sheet(tmp_path):
    a, b = SHEETS["K1001"], SHEETS["K1002"]
    plain, swapped = _named(tmp_path, {a: b, b: a})
    before, after = consolidate([plain]), consolidate([swapped])
    assert not before.issues
    assert _scored(after) == _scored(before)  # every person's total, items, pay, department and rank
    people = {p.identity["工号"]: p for p in after.people}
    assert (people["K1001"].score.total, people["K1002"].score.total, people["K1003"].score.total) == (86, 82, 80)
    assert (people["K1001"].sheet, people["K1002"].sheet, people["K1003"].sheet) == (b, a, SHEETS["K1003"])
    assert sorted((i.person, i.sheet, i.cell) for i in after.issues) == [("K1001", b, "B2"), ("K1002", a, "B2")]
    for issue in after.issues:
        assert "工号被改为" not in issue.message and "不是生成器生成的工作表" not in issue.message
        assert "的名称被互换" in issue.message and SWAP_MESSAGE in issue.message
        assert f"「{a}」" in issue.message and f"「{b}」" in issue.message
    rows = _rows(after)
    assert (rows["K1001"]["工作表"], rows["K1001"]["总分"], rows["K1001"]["问题数"]) == (b, 86, 1)
    assert (rows["K1002"]["工作表"], rows["K1002"]["总分"], rows["K1002"]["问题数"]) == (a, 82, 1)


def test_three_rotated_names_are_told_as_a_rotation_and_each_person_scored_from_their_own_sheet(tmp_path):
    a, b, c = SHEETS["K1001"], SHEETS["K1002"], SHEETS["K1003"]
    plain, rotated = _named(tmp_path, {a: b, b: c, c: a})  # 员工K1001's sheet now carries 员工K1002's name …
    before, after = consolidate([plain]), consolidate([rotated])
    assert _scored(after) == _scored(before)
    people = {p.identity["工号"]: p for p in after.people}
    assert (people["K1001"].sheet, people["K1002"].sheet, people["K1003"].sheet) == (b, c, a)
    issues = {i.person: i for i in after.issues}
    assert len(after.issues) == 3 and sorted(issues) == ["K1001", "K1002", "K1003"]
    for pid, issue in issues.items():
        assert issue.sheet == people[pid].sheet and issue.cell == "B2"
        assert "工号被改为" not in issue.message
        assert "的名称被轮换" in issue.message and SWAP_MESSAGE in issue.message
        assert all(f"「{name}」" in issue.message for name in (a, b, c))
        assert f"本表原名「{SHEETS[pid]}」" in issue.message


def test_a_swap_and_a_rename_in_a_chain_are_told_as_renames(tmp_path):
    """员工K1001's sheet takes 员工K1002's name, whose sheet is renamed 李四: no names swapped, two renames."""
    a, b = SHEETS["K1001"], SHEETS["K1002"]
    plain, renamed = _named(tmp_path, {a: b, b: "李四"})
    before, after = consolidate([plain]), consolidate([renamed])
    assert _scored(after) == _scored(before)
    issues = {i.person: i for i in after.issues}
    assert len(after.issues) == 2
    assert (issues["K1001"].sheet, issues["K1002"].sheet) == (b, "李四")
    assert f"「{a}」被改名为「{b}」" in issues["K1001"].message
    assert f"「{b}」被改名为「李四」" in issues["K1002"].message
    assert not any("工号被改为" in i.message or "互换" in i.message for i in after.issues)


def test_an_edited_id_is_still_reported_when_no_names_were_swapped(tmp_path):
    """B2 changed to a 工号 no one in the workbook has, or to a colleague's whose own sheet is in place."""
    for typed in ("K9999", "K1002"):
        plain, _ = _named(tmp_path / typed, {})
        book = openpyxl.load_workbook(plain / "一部.xlsx")
        book[SHEETS["K1001"]]["B2"] = typed
        folder = tmp_path / typed / "交回"
        folder.mkdir()
        book.save(folder / "一部.xlsx")
        result = consolidate([folder])
        changed = [i for i in result.issues if "工号被改为" in i.message]
        assert [(i.sheet, i.cell, i.message) for i in changed] == \
            [(SHEETS["K1001"], "B2", f"工号被改为「{typed}」, 生成时是「K1001」")]
        assert not any("互换" in i.message or "轮换" in i.message or "被改名为" in i.message for i in result.issues)


# --------------------------------------------------------------------------- 2. formulas never calculated


def test_an_input_formula_never_calculated_is_reported_not_read_as_empty(tmp_path):
    def formulas(book):
        ws = book["K1001-员工K1001"]
        ws[SATISFACTION_CELL] = "=80+5"
        ws[BONUS_CELL] = "=500*2"

    folder = _edited(tmp_path, formulas)
    result = consolidate([folder])
    k1 = next(p for p in result.people if p.identity["工号"] == "K1001")
    assert k1.score.total is None and "绩效奖金" not in k1.pay
    issues = {i.cell: i for i in result.issues}
    assert set(issues) == {SATISFACTION_CELL, BONUS_CELL}
    for cell, formula in ((SATISFACTION_CELL, "=80+5"), (BONUS_CELL, "=500*2")):
        issue = issues[cell]
        assert (issue.file, issue.sheet, issue.person) == ("一部.xlsx", "K1001-员工K1001", "K1001")
        assert f"「{formula}」" in issue.message and UNCALCULATED_MESSAGE in issue.message
        assert "为空" not in issue.message
    assert next(p for p in result.people if p.identity["工号"] == "K1002").score.total == 86

    # what the message asks for: opened and saved by a spreadsheet program, the formulas are scored
    (saved,) = recalc([folder / "一部.xlsx"], tmp_path / "lo")
    again = consolidate([saved])
    k1 = next(p for p in again.people if p.identity["工号"] == "K1001")
    assert not again.issues and k1.score.total == 86 and k1.pay["绩效奖金"] == 860  # 85 scores 16, as 89.5 did


def test_a_whole_sheet_of_formulas_is_not_called_unfilled(tmp_path):
    def formulas(book):
        ws = book["K1001-员工K1001"]
        for ref in ("H6", "H7", "H8", "H9", "H10", "H11", "H12", "H13"):
            ws[ref] = f"={ws[ref].value}"

    result = consolidate([_edited(tmp_path, formulas)])
    messages = [i.message for i in result.issues]
    assert len(messages) == 8 and all(UNCALCULATED_MESSAGE in m for m in messages)
    assert not any("未填写" in m for m in messages)


def test_a_formula_calculated_to_empty_text_is_an_empty_input(tmp_path):
    """Once calculated, a formula showing nothing is an empty cell (为空), not an uncalculated one."""
    folder = _edited(tmp_path, lambda b: b["K1001-员工K1001"].__setitem__(SATISFACTION_CELL, '=IF(1,"","x")'))
    (saved,) = recalc([folder / "一部.xlsx"], tmp_path / "lo")
    (issue,) = consolidate([saved]).issues
    assert issue.cell == SATISFACTION_CELL and "为空" in issue.message and UNCALCULATED_MESSAGE not in issue.message


# --------------------------------------------------------------------------- 3. which period, and why


def _periods(tmp_path: Path, periods: list[str]) -> Path:
    folder = tmp_path / "交回"
    folder.mkdir()
    for i, period in enumerate(periods):
        shutil.copyfile(_book(tmp_path, (f"P{i}",), period), folder / f"{period}-{i}.xlsx")
    return folder


def test_one_file_per_period_says_how_the_period_was_chosen(tmp_path):
    result = consolidate([_periods(tmp_path, ["2026-09", "2026-10"])])
    assert result.period == "2026-10"
    (issue,) = result.issues
    assert issue.file == "2026-09-0.xlsx"
    assert "多数" not in issue.message  # there is no majority
    assert "2026-09、2026-10 各 1 个文件, 一样多, 取了最晚的期间" in issue.message
    assert "要汇总 2026-09 请加 --period 2026-09" in issue.message


def test_a_majority_is_still_called_one_and_the_option_named(tmp_path):
    folder = _periods(tmp_path, ["2026-09", "2026-10", "2026-10"])
    (issue,) = consolidate([folder]).issues
    assert "多数文件的期间: 3 个文件中有 2 个是 2026-10" in issue.message and "--period 2026-09" in issue.message
    asked = consolidate([folder], period="2026-09")
    assert all("指定的期间" in i.message and "--period" not in i.message for i in asked.issues)


# --------------------------------------------------------------------------- 4. same-named files in two folders


def test_same_named_files_in_two_folders_are_told_apart_in_the_summary(tmp_path):
    folder = tmp_path / "交回"
    for sub, pid in (("甲组", "K1"), ("乙组", "K2")):
        (folder / sub).mkdir(parents=True)
        shutil.copyfile(_book(tmp_path / sub, (pid,)), folder / sub / "一部.xlsx")
    shutil.copyfile(_book(tmp_path / "丙", ("K3",)), folder / "二部.xlsx")
    result = consolidate([folder])
    rows = _rows(result)
    assert rows["K1"]["文件"] == str(Path("甲组", "一部.xlsx"))
    assert rows["K2"]["文件"] == str(Path("乙组", "一部.xlsx"))
    assert rows["K3"]["文件"] == "二部.xlsx"  # a name found once stays as it is, as in the 问题 sheet
    assert all(rows[p]["总分"] == 86 for p in ("K1", "K2", "K3"))


def test_a_copy_holding_a_formula_never_calculated_is_not_taken_for_a_blank_copy(tmp_path):
    """Beside a copy filled by hand, a copy whose input is an uncalculated formula is not left out as empty."""
    folder = tmp_path / "交回"
    folder.mkdir()
    filled = _book(tmp_path)
    shutil.copyfile(filled, folder / "a.xlsx")
    book = openpyxl.load_workbook(filled)
    book["K1001-员工K1001"][SATISFACTION_CELL] = "=80+5"
    book.save(folder / "b.xlsx")
    result = consolidate([folder])
    k1 = next(p for p in result.people if p.identity["工号"] == "K1001")
    assert k1.score.total is None  # two copies that differ: which one counts is HR's to say
    told = [i for i in result.issues if i.file == "b.xlsx" and i.person == "K1001"]
    assert any(i.cell == SATISFACTION_CELL and UNCALCULATED_MESSAGE in i.message for i in told)
    assert any("两份计分不同" in i.message and "「=80+5」" in i.message for i in told)


# --------------------------------------------------------------------------- rows inserted by hand


UNO_EDIT = r'''
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import lo_uno as lo

src, dst, ops = sys.argv[3], sys.argv[4], json.loads(sys.argv[5])
with lo.running(sys.argv[2]) as desktop:
    doc = desktop.loadComponentFromURL(Path(src).resolve().as_uri(), "_blank", 0, (lo.prop("Hidden", True),))
    for sheet, what, where, value in ops:
        ws = doc.Sheets.getByName(sheet)
        ws.unprotect("")
        if what == "insert_row":  # as Excel's Insert > Row above row ``where``: references below it move down
            ws.Rows.insertByIndex(int(where) - 1, 1)
        else:
            ws.getCellRangeByName(where).setFormula(value.replace(",", ";"))  # the API's separator
    doc.calculateAll()
    doc.storeToURL(Path(dst).resolve().as_uri(), (lo.prop("FilterName", "Calc MS Excel 2007 XML"),))
    doc.close(True)
'''


def _edited_in_libreoffice(tmp: Path, src: Path, ops: list[tuple[str, str, str, str]]) -> Path:
    """``src`` after ``ops`` (sheet, "insert_row" | "set", row | cell, formula) done in LibreOffice, as a
    supervisor does them in Excel/WPS (which move the references of every formula), saved into a folder."""
    import json

    from libreoffice import run_uno

    folder = tmp / "交回"
    folder.mkdir()
    out = folder / src.name
    run = run_uno(UNO_EDIT, tmp, str(src), str(out), json.dumps(ops))
    assert run.returncode == 0 and out.exists(), run.stderr
    return folder


def test_a_row_inserted_between_indicators_is_not_an_edited_formula(tmp_path):
    """A note typed into a row inserted above 平均响应时间: the total's references moved with the rows
    (I8 -> I9 …), which is not an edit (reported as 「总分的得分公式被修改」, exit status 1)."""
    folder = _edited_in_libreoffice(tmp_path, _book(tmp_path), [
        ("K1001-员工K1001", "insert_row", "8", ""), ("K1001-员工K1001", "set", "A8", "主管备注: 本月表现一般")])
    result = consolidate([folder])
    assert result.issues == []
    people = {p.identity["工号"]: p for p in result.people}
    assert people["K1001"].score.total == 86 and people["K1001"].pay["绩效奖金"] == 860
    assert people["K1001"].source.results["total"].ref == "I15"  # one row down (I14 before)


def test_an_edited_total_below_an_inserted_row_is_still_reported(tmp_path):
    """The same total formula with its text changed (未填完 -> 没填完) after a row was inserted: edited."""
    scores = "I6,I7,I9,I10,I11,I12,I13,I14"
    folder = _edited_in_libreoffice(tmp_path, _book(tmp_path), [
        ("K1001-员工K1001", "insert_row", "8", ""),
        ("K1001-员工K1001", "set", "I15", f'=IF(COUNT({scores})=8,ROUND(ROUND(SUM({scores}),9),2),"没填完")')])
    result = consolidate([folder])
    assert [(i.sheet, i.cell, i.message) for i in result.issues] == [("K1001-员工K1001", "I15", "总分的得分公式被修改")]


def test_a_total_pointing_at_the_inserted_row_is_still_reported(tmp_path):
    """After a row was inserted above 平均响应时间 (now I9), a total summing I8 (the new row) instead is edited."""
    scores = "I6,I7,I8,I10,I11,I12,I13,I14"
    folder = _edited_in_libreoffice(tmp_path, _book(tmp_path), [
        ("K1001-员工K1001", "insert_row", "8", ""),
        ("K1001-员工K1001", "set", "I15", f'=IF(COUNT({scores})=8,ROUND(ROUND(SUM({scores}),9),2),"未填完")')])
    result = consolidate([folder])
    messages = [(i.cell, i.message) for i in result.issues]
    assert ("I15", "总分的得分公式被修改") in messages


def test_a_row_inserted_between_the_two_inputs_of_an_indicator_is_not_an_edited_formula(tmp_path):
    """advisor-4s 安全生产 has two input rows; its score formula refers to both: a row inserted between them
    moves the second reference (H[1] -> H[2] relative to the score), which is not an edit."""
    from xl_kpi.excel.fill import fill_workbook
    from xl_kpi.excel.reader import read_filled_workbook
    from xl_kpi.schemes.scheme import get_scheme_with_text
    from xl_kpi.workflow.generate import generate

    scheme, text = get_scheme_with_text("advisor-4s")
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\nA1,甲,钣喷部,服务顾问,赵\n", encoding="utf-8")
    (generated,) = generate(scheme, text, roster, "2026-10", tmp_path / "gen").files
    values = {(ind.id, spec.id, ""): 0 for ind in scheme.indicators for spec in ind.inputs}
    filled = tmp_path / "filled" / generated.name
    fill_workbook(generated, filled, {"A1": values})
    (person,) = read_filled_workbook(filled).people
    second = person.inputs[("safety", "safety_accidents", "")].ref
    folder = _edited_in_libreoffice(tmp_path, filled, [(person.sheet, "insert_row", second[1:], "")])
    result = consolidate([folder])
    assert result.issues == []
    (scored,) = result.people
    assert scored.score.total is not None and scored.source.inputs[("safety", "safety_accidents", "")].ref != second


def test_shift_formula_moves_references_into_its_own_sheet_only():
    from xl_kpi.excel.expected_formulas import shift_formula

    rows = {6: 6, 7: 7, 8: 9, 9: 10}
    assert shift_formula('=IF(COUNT(I6,I7,$I$8)=3,SUM(I6,I7,I8),"I8 未填完")', rows) == \
        '=IF(COUNT(I6,I7,$I$9)=3,SUM(I6,I7,I9),"I8 未填完")'  # text in quotes is not a reference
    # the 规则 sheet's range (--formulas udf with a company's scheme) does not move with this sheet's rows
    assert shift_formula("=KPI_SCORE('规则'!$A$1:$A$80,\"safety\",H8,H9)", rows) == \
        "=KPI_SCORE('规则'!$A$1:$A$80,\"safety\",H9,H10)"
    assert shift_formula("=SUM(I6,I12)", rows) is None  # a row whose place is not known: nothing to compare


def _older_generation(path: Path, out: Path, *, keep_version: bool) -> Path:
    """The filled workbook as an earlier xl-kpi would have written it: the 客户满意度 score formula in another
    (equivalent) form, and, unless ``keep_version``, no 'sheets' generation in the meta sheet."""
    from xl_kpi.excel.reader import read_filled_workbook

    book = openpyxl.load_workbook(path)
    for person in read_filled_workbook(path).people:
        cell = book[person.sheet][person.scores["satisfaction"].ref]
        cell.value = "=(" + cell.value[1:] + ")"
    if not keep_version:
        for row in book["_xlkpi"].iter_rows():
            if row[0].value == "sheets":
                row[0].value, row[1].value = "note", "before sheet generations"
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


@pytest.mark.parametrize("keep_version", [False, True], ids=["earlier-generation", "current-generation"])
def test_a_sheet_of_an_earlier_generation_is_not_blamed_for_its_formulas(tmp_path, keep_version):
    """Sheets generated before an upgrade carry the formulas of their day; as long as what they show is the
    engine's figure they are not reported as 得分公式被修改 (a sheet of today's generation still is)."""
    from libreoffice import recalc
    from workbooks import filled_department

    filled = filled_department(tmp_path / "gen", {"K1": DOC})
    older = _older_generation(filled, tmp_path / "old" / filled.name, keep_version=keep_version)
    (calculated,) = recalc([older], tmp_path / "lo")
    issues = [i.message for i in consolidate([calculated]).issues]
    edited = [m for m in issues if m == "客户满意度的得分公式被修改"]
    assert edited == ([] if not keep_version else ["客户满意度的得分公式被修改"]), issues
