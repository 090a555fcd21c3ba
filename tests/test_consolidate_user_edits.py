"""What supervisors and HR do to returned workbooks that consolidation must still get right.

A sheet renamed by hand (K1001-员工K1001 -> 张三) is found by its 工号; a person whose sheet cannot be
found is still listed, unscored, with the reason; a formula written by a program and never calculated
is reported, not read as an empty cell; the period chosen between equally many files is explained; and
two files of the same name in different folders are told apart in the summary's 文件 column.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from libreoffice import recalc
from strategies import CS_QUANT_DOCUMENT_EXAMPLE
from workbooks import filled_department
from xl_kpi.consolidate import consolidate
from xl_kpi.summary import build_summary

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
