"""The one guarded door: hostile or broken workbooks become a clear message about that file, through every
command that reads workbooks, and never a traceback, an abort or a run that stops for the other files.

The files are written part by part (as a hostile or broken program would), since openpyxl would not write them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from workbooks import filled_department

from xl_kpi.base.errors import InputFileError
from xl_kpi.base.opener import check_xlsx, guarded, open_book, sheet_rows, visible_text
from xl_kpi.cli import main
from xl_kpi.workflow.consolidate import consolidate

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def raw_xlsx(path: Path, rows_xml: str, shared: list[str] | None = None, dimension: str | None = None) -> Path:
    """A minimal workbook of one sheet 'Sheet1' whose <sheetData> is ``rows_xml``."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{RNS}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"),
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">{dim}<sheetData>{rows_xml}</sheetData></worksheet>',
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="{len(shared or [])}" uniqueCount="{len(shared or [])}">'
            + "".join(f"<si><t>{s}</t></si>" for s in shared or []) + "</sst>"),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return path


def roster_rows(extra: str = "") -> str:
    """A roster: 工号 姓名 部门 岗位 直属主管 and one person, as inline strings."""
    def row(r: int, values: list[str]) -> str:
        cells = "".join(f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values))
        return f'<row r="{r}">{cells}</row>'
    return row(1, ["工号", "姓名", "部门", "岗位", "直属主管"]) + row(2, ["K1", "甲", "一部", "客服", "赵"]) + extra


def far_cell(path: Path) -> Path:
    """A 1 KB roster with one more cell at XFD1048576: 17 billion cells to a parser that allocates the range."""
    return raw_xlsx(path, roster_rows('<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'))


def amplified(path: Path) -> Path:
    """100,000 cells sharing one 32,767-character string: 3.3 billion characters from a file of half a megabyte."""
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, 100_001))
    return raw_xlsx(path, rows, shared=["x" * 32_767])


def test_a_sane_workbook_passes_and_reads(tmp_path):
    path = raw_xlsx(tmp_path / "ok.xlsx", roster_rows())
    report = check_xlsx(path)
    assert report.entries == 6 and not report.has_macros
    book = open_book(path)
    assert sheet_rows(path, book, "Sheet1")[1][:2] == ["K1", "甲"]


def test_one_cell_far_away_is_refused_before_any_parser(tmp_path):
    path = far_cell(tmp_path / "花名册.xlsx")
    assert path.stat().st_size < 2_000
    with pytest.raises(InputFileError, match=r"花名册.xlsx: 工作表「Sheet1」用到了第 1048576 行第 16384 列 \(XFD1048576, "):
        open_book(path)


def test_a_lying_dimension_is_refused_too(tmp_path):
    path = raw_xlsx(tmp_path / "dim.xlsx", roster_rows(), dimension="A1:XFD1048576")
    with pytest.raises(InputFileError, match="用到了第 1048576 行第 16384 列"):
        check_xlsx(path)


def test_shared_string_amplification_is_refused(tmp_path):
    path = amplified(tmp_path / "amp.xlsx")
    assert path.stat().st_size < 1_000_000
    with pytest.raises(InputFileError, match="许多单元格引用同一段长文字"):
        check_xlsx(path)


def test_a_big_honest_sheet_is_not_refused(tmp_path):
    """30,000 rows of ten distinct texts each: far more text than the amplification limit's floor would
    allow for a tiny file, but in proportion to the file."""
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{chr(65 + c)}{r}" t="s"><v>{(r * 10 + c) % 5000}</v></c>' for c in range(10))
                   + "</row>" for r in range(1, 30_001))
    path = raw_xlsx(tmp_path / "big.xlsx", rows, shared=[f"客户{i:05d}的工单内容" * 3 for i in range(5000)])
    check_xlsx(path)


def test_a_library_panic_is_a_message_about_the_file():
    class PanicException(BaseException):  # as pyo3 raises it: not an Exception
        pass

    def boom():
        raise PanicException("called `Option::unwrap()` on a `None` value")

    with pytest.raises(InputFileError, match=r"x.xlsx: 无法读取工作簿 \(called `Option::unwrap\(\)`"):
        guarded("x.xlsx", boom)
    with pytest.raises(InputFileError, match="内存不足"):
        guarded("x.xlsx", lambda: (_ for _ in ()).throw(MemoryError()))
    with pytest.raises(KeyboardInterrupt):
        guarded("x.xlsx", lambda: (_ for _ in ()).throw(KeyboardInterrupt()))


def test_control_characters_are_made_visible():
    assert visible_text("备注\x0b第二行") == "备注␋第二行"
    assert visible_text("正常\n换行\t制表") == "正常\n换行\t制表"  # what a cell may hold stays


@pytest.mark.parametrize("make", [far_cell, amplified], ids=["far-cell", "amplified"])
def test_every_command_refuses_the_file_by_name(tmp_path, make):
    bad = make(tmp_path / "坏.xlsx")
    runner = CliRunner()
    commands = {
        "generate": ["generate", "--scheme", "cs-quant", "--roster", str(bad), "--period", "2026-10", "--out", str(tmp_path / "g")],
        "score": ["score", "--scheme", "cs-quant", str(bad), "-o", str(tmp_path / "s.xlsx")],
        "metrics": ["metrics", str(bad), "--period", "2026-10", "-o", str(tmp_path / "m.xlsx")],
        "annual": ["annual", str(bad), "--scheme", "cs-quant", "-o", str(tmp_path / "a.xlsx")],
        "sample": ["sample", str(bad), "--percent", "10", "--seed", "1"],
        "scheme check": ["scheme", "check", str(bad)],
    }
    for name, args in commands.items():
        result = runner.invoke(main, args)
        assert result.exit_code in (1, 2), f"{name}: {result.exit_code} {result.output}"
        assert "坏.xlsx" in result.output and "已拒绝读取" in result.output, f"{name}: {result.output}"
        assert "Traceback" not in result.output and not isinstance(result.exception, (MemoryError, AssertionError)), name


def test_consolidate_reports_the_bad_file_and_scores_the_others(tmp_path):
    good = filled_department(tmp_path / "gen", {"K1": {}})
    folder = good.parent
    far_cell(folder / "坏.xlsx")
    result = consolidate([folder])
    assert [p.identity["工号"] for p in result.people] == ["K1"]
    (issue,) = [i for i in result.issues if i.file == "坏.xlsx"]
    assert "用到了第 1048576 行" in issue.message


def test_a_vertical_tab_in_a_returned_cell_is_shown_and_the_summary_written(tmp_path):
    """LibreOffice saves a vertical tab pasted into a cell as _x000B_; read back it was a character no workbook
    may hold, and writing the 问题 sheet ended in IllegalCharacterError with no summary."""
    from strategies import CS_QUANT_DOCUMENT_EXAMPLE as DOC

    from xl_kpi.workflow.summary import write_summary

    key = next(k for k in DOC if isinstance(k, tuple) and k[0] == "satisfaction")
    filled = filled_department(tmp_path / "gen", {"K1": {**DOC, key: "很好_x000B_第二行"}, "K2": DOC})
    result = consolidate([filled.parent])
    (issue,) = result.issues
    assert issue.message == "客户满意度 请填数字, 单元格中是文字「很好␋第二行」"
    write_summary(result, tmp_path / "汇总.xlsx")
    assert (tmp_path / "汇总.xlsx").is_file()


def test_folder_walk_says_what_it_does_not_read(tmp_path, monkeypatch):
    """Links leading outside the folder, a folder that cannot be listed and temporary files of an interrupted
    run are each said, by name; before, they were passed over without a word (or the temporary file was
    reported as a damaged returned workbook)."""
    import os

    from xl_kpi.workflow.consolidate import find_workbooks

    good = filled_department(tmp_path / "gen", {"K1": {}})
    folder = tmp_path / "交回"
    (folder / "甲组").mkdir(parents=True)
    good.rename(folder / "甲组" / good.name)
    outside = tmp_path / "别处"
    outside.mkdir()
    (outside / "x.xlsx").write_bytes(b"PK")
    (folder / "链接").symlink_to(outside, target_is_directory=True)
    (folder / "内部链接").symlink_to(folder / "甲组", target_is_directory=True)  # inside: the files are read once
    (folder / ".xlkpi-tmp-2026-10-汇总-ab12.xlsx").write_bytes(b"PK")
    locked = folder / "锁住"
    locked.mkdir()
    (locked / "y.xlsx").write_bytes(b"PK")
    scandir = os.scandir

    def denied(path="."):  # as for a folder without the right to list it (root may list any: simulated)
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(locked))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", denied)
    notes = []
    files = find_workbooks([folder], notes)
    said = {n.file: n.message for n in notes}
    assert [f.name for f in files] == [good.name]
    assert "xl-kpi 被中断时留下的临时文件" in said[".xlkpi-tmp-2026-10-汇总-ab12.xlsx"]
    assert "在所给的文件夹之外, 未读取" in said["链接"]
    assert "文件夹无法打开 (Permission denied)" in said[str(locked)]


def test_file_names_that_are_not_utf8_are_shown_readably(tmp_path):
    """A zip made on Chinese Windows unpacks names in GB18030: they reached the summary as lone surrogates
    (an invalid workbook)."""
    import os

    from xl_kpi.base.opener import shown_text

    raw = "客服一部.xlsx".encode("gb18030")
    name = os.fsdecode(raw)
    assert shown_text(name) == "客服一部.xlsx"
    assert shown_text(os.fsdecode(b"\xff\xfe.xlsx")).endswith(".xlsx")
    shown_text(os.fsdecode(b"\xff\xfe.xlsx")).encode("utf-8")  # writable


def test_consolidate_says_what_it_passed_over_in_its_findings(tmp_path):
    """The notes of the folder walk reached the findings list and were then overwritten: a department whose folder
    was a link outside the given folder vanished from the summary with exit 0 and nothing said."""
    good = filled_department(tmp_path / "gen", {"K1": {}})
    folder = tmp_path / "交回"
    folder.mkdir()
    good.rename(folder / good.name)
    other = tmp_path / "别处"
    other.mkdir()
    (other / "二部.xlsx").write_bytes(b"PK")
    (folder / "二部").symlink_to(other, target_is_directory=True)
    (folder / ".xlkpi-tmp-x.xlsx").write_bytes(b"PK")
    result = consolidate([folder])
    said = {i.file: i.message for i in result.issues}
    assert "在所给的文件夹之外, 未读取" in said["二部"] and "临时文件" in said[".xlkpi-tmp-x.xlsx"]
    only_links = tmp_path / "只有链接"
    only_links.mkdir()
    (only_links / "二部").symlink_to(other, target_is_directory=True)
    with pytest.raises(InputFileError, match="中没有可读取的考核表.*二部 是指向"):
        consolidate([only_links])


def test_a_workbook_whose_name_is_not_utf8_is_read(tmp_path):
    """Found by name but refused by calamine (No such file or directory): a whole department unread."""
    import os
    import shutil

    from strategies import CS_QUANT_DOCUMENT_EXAMPLE as DOC

    good = filled_department(tmp_path / "gen", {"K1": DOC})
    folder = tmp_path / "交回"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), "2026-10-客服一部.xlsx".encode("gb18030"))
    shutil.copy(good, raw)
    result = consolidate([folder])
    assert [p.identity["工号"] for p in result.people] == ["K1"] and not result.issues
    assert result.people[0].score.total == 86


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_roster_with_a_control_character_is_generated_and_the_person_reported(tmp_path, kind):
    """A vertical tab pasted into a name: a CSV roster ended in an internal error (IllegalCharacterError) with a
    workbook half written; an .xlsx roster went through without a word."""
    runner = CliRunner()
    if kind == "csv":
        roster = tmp_path / "r.csv"
        roster.write_bytes("工号,姓名,部门,岗位,直属主管\nK1,王芳,一部,专员,赵\nK2,李\v娜,一部,专员,赵\n".encode("utf-8"))
    else:
        roster = raw_xlsx(tmp_path / "r.xlsx", roster_rows('<row r="3"><c r="A3" t="inlineStr"><is><t>K2</t></is></c>'
                                                           '<c r="B3" t="inlineStr"><is><t>李_x000B_娜</t></is></c>'
                                                           '<c r="C3" t="inlineStr"><is><t>一部</t></is></c></row>'))
    result = runner.invoke(main, ["generate", "--scheme", "cs-quant", "--roster", str(roster), "--period", "2026-10",
                                  "-o", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "第3行: 姓名 中有看不见的控制字符" in result.output and "内部错误" not in result.output
    names = openpyxl.load_workbook(next((tmp_path / "out").glob("*.xlsx"))).sheetnames
    assert "K2-李␋娜" in names


def test_a_csv_renamed_to_xlsx_is_named_as_text_and_binary_junk_as_damaged(tmp_path):
    from xl_kpi.base.opener import check_xlsx

    csv = tmp_path / "花名册.xlsx"
    csv.write_text("工号,姓名\nK1,张三\n", encoding="gb18030")
    with pytest.raises(InputFileError) as caught:
        check_xlsx(csv)
    assert str(caught.value) == ("内容是文本 (如 CSV 导出), 不是 Excel 工作簿 (.xlsx), 虽然扩展名是 .xlsx; "
                                 "是 CSV 时请把扩展名改为 .csv, 或在 Excel 中打开后另存为 .xlsx")
    junk = tmp_path / "坏.xlsx"
    junk.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputFileError) as caught:
        check_xlsx(junk)
    assert str(caught.value) == "不是 Excel 工作簿 (.xlsx), 文件可能已损坏"
