"""Roster and DATA cells as HR types them: 工号 kept as numbers shown through a number format (001, K003),
headers as Chinese HR exports spell them (所属部门, 员工姓名, 员工编号), full-width 工号 typed with a Chinese IME
(Ｋ004), and rosters without the optional 岗位 / 直属主管 columns."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xl_kpi.base.findings import texts
from xl_kpi.cli import main
from xl_kpi.excel.columns import IDENTITY_ALIASES, input_headers
from xl_kpi.excel.reader import read_filled_workbook
from xl_kpi.excel.roster import ROSTER_ALIASES, load_roster
from xl_kpi.excel.tables import read_table
from xl_kpi.schemes.scheme import builtin_ids, builtin_scheme, get_scheme_with_text, normalize
from xl_kpi.workflow.generate import generate


def said(read):
    """load_roster's (people, problems, notices) with the findings as text (place: message), as printed."""
    people, problems, notices = read
    return people, texts(problems), texts(notices)


COMPLAINTS = ("complaint_rate", "complaint_rate", "")


def roster_xlsx(path: Path, rows: list[list[object]], formats: dict[int, str] | None = None,
                header: list[str] | None = None, title: str | None = None) -> Path:
    """A roster workbook: an optional title row, the header, then ``rows``; cell (row index, 工号 column) gets the
    number format ``formats[row index]``."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "花名册"
    if title:
        ws.append([title])
    ws.append(header or ["工号", "姓名", "部门", "岗位", "直属主管"])
    first = ws.max_row + 1
    for i, row in enumerate(rows):
        ws.append(row)
        if formats and i in formats:
            ws.cell(row=first + i, column=1).number_format = formats[i]
    book.save(path)
    return path


def run_generate(tmp_path: Path, roster: Path, data: Path | None = None, scheme_id: str = "cs-quant"):
    scheme, text = get_scheme_with_text(scheme_id)
    return generate(scheme, text, roster, "2026-10", tmp_path / "out", data=data)


def people_of(result) -> dict[str, object]:
    return {p.identity["工号"]: p for f in result.files for p in read_filled_workbook(f).people}


# --------------------------------------------------------------------------- 工号 shown through a number format


@pytest.mark.parametrize(("number", "code", "shown"), [
    (1, "000", "001"),                 # zeros only
    (42, "00000", "00042"),
    (3, '"K"000', "K003"),             # quoted text
    (3, "\\K000", "K003"),             # an escaped letter
    (1, "0000_)", "0001"),             # padding as wide as ")"
    (7, '"工"000', "工007"),           # Chinese text
    (5, "[Blue]000", "005"),           # a colour
    (5, "[$K-804]000", "K005"),        # a currency text with a locale
    (1234567, "000-0000", "123-4567"),  # text between placeholders
    (12345, "000", "12345"),           # more digits than zeros
])
def test_a_whole_number_id_is_read_as_its_format_shows_it(tmp_path, number, code, shown):
    roster = roster_xlsx(tmp_path / "花名册.xlsx", [[number, "王芳", "客服一部", "客服专员", "赵主管"]], {0: code})
    people, problems, _ = said(load_roster(roster))
    assert [p.id for p in people] == [shown]
    assert problems == []


@pytest.mark.parametrize("code", ["0.00", "#,##0", "0%", "yyyy-mm-dd", "[>100]000;00", "@", "General", "0.0E+00",
                                  "# ?/?", "[h]:mm"])
def test_formats_with_decimals_dates_or_conditions_are_left_alone(tmp_path, code):
    from xl_kpi.excel.number_formats import shown_whole_number

    assert shown_whole_number(1, code) is None
    roster = roster_xlsx(tmp_path / "花名册.xlsx", [[1, "王芳", "客服一部"], [2, "李娜", "客服一部"]], {0: code})
    plain = roster_xlsx(tmp_path / "未设格式.xlsx", [[1, "王芳", "客服一部"], [2, "李娜", "客服一部"]],
                        {0: "General"})
    # read as calamine gives the value (1, or the date 1900-01-01), never through the format
    first = read_table(plain, required={"工号": ()}).rows[0][0]
    ids = [p.id for p in load_roster(roster)[0]]
    assert ids[1] == "2"
    if "y" not in code and "h" not in code:
        assert ids[0] == "1" == str(int(first))


def test_the_sheet_names_the_roster_id_as_shown_and_the_data_is_pre_filled(tmp_path):
    """The tester's roster: 1 and 2 shown as 001 and 002 through 000, 3 as K003 through "K"000, under a title."""
    roster = roster_xlsx(tmp_path / "花名册.xlsx", [
        [1, "王芳", "客服一部", "客服专员", "赵主管"],
        [2, "李娜", "客服一部", "客服专员", "赵主管"],
        [3, "张伟", "客服一部", "客服专员", "赵主管"],
    ], {0: "000", 1: "000", 2: '"K"000'}, title="客服部花名册 2026年10月")
    data = tmp_path / "d.csv"
    data.write_text("工号,客户投诉率\n001,0.3%\n002,0.1%\nK003,0\n", encoding="utf-8")
    result = run_generate(tmp_path, roster, data)
    assert texts(result.problems) == []
    (path,) = result.files
    assert openpyxl.load_workbook(path).sheetnames[1:4] == ["001-王芳", "002-李娜", "K003-张伟"]
    people = people_of(result)
    assert people["001"].inputs[COMPLAINTS].value == pytest.approx(0.003)
    assert people["K003"].inputs[COMPLAINTS].value == 0


def test_the_leading_zeros_hint_does_not_blame_excel_for_zeros_kept_in_the_format(tmp_path):
    roster = roster_xlsx(tmp_path / "花名册.xlsx", [[1234, "王芳", "客服一部"]], {0: "000000"})
    data = tmp_path / "data.csv"
    data.write_text("工号,客户投诉率\n001234,0.3%\n", encoding="utf-8")
    result = run_generate(tmp_path, roster, data)
    assert not [p for p in texts(result.problems) if "0 可能被 Excel 去掉" in p or "不在花名册中" in p], texts(result.problems)
    assert people_of(result)["001234"].inputs[COMPLAINTS].value == pytest.approx(0.003)


def test_a_data_file_id_shown_through_a_format_matches_the_roster(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门\n001,王芳,一部\nK002,李娜,一部\n", encoding="utf-8")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "数据"
    ws.append(["工号", "客户投诉率"])
    ws.append([1, 0.003])
    ws.append([2, 0.001])
    ws["A2"].number_format = "000"
    ws["A3"].number_format = '"K"000'
    ws["B2"].number_format = "0.0%"  # another column keeps its value, whatever its format
    book.save(tmp_path / "数据.xlsx")
    result = run_generate(tmp_path, roster, tmp_path / "数据.xlsx")
    assert texts(result.problems) == []
    people = people_of(result)
    assert people["001"].inputs[COMPLAINTS].value == pytest.approx(0.003)
    assert people["K002"].inputs[COMPLAINTS].value == pytest.approx(0.001)


def test_score_reads_the_id_as_shown_too(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["工号", "姓名", "客户投诉率", "客户满意度", "平均响应时间", "问题解决率"])
    ws.append([7, "王芳", 0.003, 89.5, 10, 0.985])
    ws["A2"].number_format = "00000"
    book.save(tmp_path / "数据.xlsx")
    out = tmp_path / "结果.csv"
    CliRunner().invoke(main, ["score", "--scheme", "cs-quant", str(tmp_path / "数据.xlsx"), "-o", str(out)])
    assert out.read_text(encoding="utf-8-sig").splitlines()[1].startswith("00007,王芳,")


def test_cells_written_without_their_position_are_found_in_order(tmp_path):
    """The r="A2" of <c> is optional: a cell without it follows the one before it (some programs write none)."""
    roster = roster_xlsx(tmp_path / "写入.xlsx", [[5, "王芳", "客服一部"], [6, "李娜", "客服一部"]],
                         {0: "000", 1: '"K"000'})
    bare = tmp_path / "无位置.xlsx"
    with zipfile.ZipFile(roster) as src, zipfile.ZipFile(bare, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'(<c[^>]*?) r="[A-Z]+\d+"', rb"\1", data)
            dst.writestr(item, data)
    assert b' r="A2"' not in zipfile.ZipFile(bare).read("xl/worksheets/sheet1.xml")
    assert [p.id for p in load_roster(bare)[0]] == ["005", "K006"]


def test_a_text_id_and_a_workbook_without_custom_formats_are_read_as_before(tmp_path):
    roster = roster_xlsx(tmp_path / "花名册.xlsx", [["007", "王芳", "客服一部"], [8, "李娜", "客服一部"]])
    assert [p.id for p in load_roster(roster)[0]] == ["007", "8"]


# --------------------------------------------------------------------------- headers as HR exports spell them


@pytest.mark.parametrize(("header", "field"), [
    ("所属部门", "部门"), ("所屬部門", "部门"), ("部门名称", "部门"), ("部門名稱", "部门"), ("所在部门", "部门"),
    ("所在部門", "部门"), ("员工姓名", "姓名"), ("員工姓名", "姓名"), ("岗位名称", "岗位"), ("职务", "岗位"),
    ("直接上级", "直属主管"), ("直属上级", "直属主管"), ("上級", "直属主管"),
])
def test_a_roster_header_as_hr_exports_spell_it(tmp_path, header, field):
    heads = ["工号", "姓名", "部门", "岗位", "直属主管"]
    heads[heads.index(field)] = header
    roster = tmp_path / "roster.csv"
    roster.write_text(",".join(heads) + "\nK1,王芳,客服一部,客服专员,赵主管\n", encoding="utf-8")
    people, problems, notices = said(load_roster(roster))
    assert people[0].fields == {"工号": "K1", "姓名": "王芳", "部门": "客服一部", "岗位": "客服专员", "直属主管": "赵主管"}
    assert people[0].extra == {}
    assert problems == [] and notices == []


@pytest.mark.parametrize("header", ["员工编号", "員工編號", "员工工号", "員工工號", "职工号", "職工號"])
def test_an_id_header_as_hr_exports_spell_it_in_the_roster_and_the_data_file(tmp_path, header):
    roster = tmp_path / "roster.csv"
    roster.write_text(f"{header},员工姓名,所属部门,职位,直接上级\nK1,王芳,客服一部,客服专员,赵主管\n", encoding="utf-8")
    data = tmp_path / "data.csv"
    data.write_text(f"{header},客户投诉率\nK1,0.3%\n", encoding="utf-8")
    result = run_generate(tmp_path, roster, data)
    assert texts(result.problems) == [] and texts(result.notices) == []
    assert [f.name for f in result.files] == ["2026-10-客服一部.xlsx"]
    assert people_of(result)["K1"].inputs[COMPLAINTS].value == pytest.approx(0.003)


def test_no_alias_is_a_header_of_a_built_in_schemes_inputs():
    aliases = {normalize(a): name for table in (IDENTITY_ALIASES, ROSTER_ALIASES)
               for name, spellings in table.items() for a in spellings}
    for scheme_id in builtin_ids():
        scheme = builtin_scheme(scheme_id)
        for ind in scheme.indicators:
            for spec in ind.inputs:
                for assessor in scheme.assessors or [None]:
                    clash = {h for h in input_headers(scheme, ind, spec, assessor) if normalize(h) in aliases}
                    assert not clash, (scheme_id, ind.id, clash)
    assert set(ROSTER_ALIASES) == {"工号", "姓名", "部门", "岗位", "直属主管"}
    assert {k: ROSTER_ALIASES[k] for k in IDENTITY_ALIASES} == IDENTITY_ALIASES  # one spelling list for both files


# --------------------------------------------------------------------------- full-width 工号


def test_a_full_width_id_on_the_roster_matches_the_data_file_and_keeps_its_spelling(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\nＫ004,王芳,一部,专员,赵\nK005,李娜,一部,专员,赵\n", encoding="utf-8")
    data = tmp_path / "data.csv"
    data.write_text("工号,客户投诉率\nK004,0.3%\nK005,0.1%\n", encoding="utf-8")
    result = run_generate(tmp_path, roster, data)
    assert texts(result.problems) == []
    assert texts(result.notices) == ["roster.csv: 以下工号含全角字符, 已按半角查重并与数据文件对照, 考核表上照花名册原样书写: "
                              "第2行 A列 Ｋ004 → K004"]
    assert people_of(result)["Ｋ004"].inputs[COMPLAINTS].value == pytest.approx(0.003)
    assert "Ｋ004-王芳" in openpyxl.load_workbook(result.files[0]).sheetnames


def test_a_full_width_id_in_the_data_file_matches_the_roster(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\nK004,王芳,一部,专员,赵\n", encoding="utf-8")
    data = tmp_path / "data.csv"
    data.write_text("工号,客户投诉率\n\u3000Ｋ００４ ,0.3%\n", encoding="utf-8")
    result = run_generate(tmp_path, roster, data)
    assert texts(result.problems) == []
    assert texts(result.notices) == ["data.csv: 以下工号含全角字符, 已按半角与花名册比对: 第2行 A列 Ｋ００４ → K004"]
    assert people_of(result)["K004"].inputs[COMPLAINTS].value == pytest.approx(0.003)


def test_full_width_and_half_width_spellings_of_one_id_are_duplicates(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\nK004,王芳,一部,专员,赵\nＫ004,李娜,一部,专员,赵\n", encoding="utf-8")
    data = tmp_path / "data.csv"
    data.write_text("工号,客户投诉率\nＫ004,0.3%\nK004,0.1%\n", encoding="utf-8")
    result = run_generate(tmp_path, roster, data)
    assert result.people == 1
    assert texts(result.problems) == [
        "roster.csv 第3行 A列: 工号 Ｋ004 与第2行重复 (第2行写作 K004, 全角、半角视为同一工号), 此行未生成考核表",
        "data.csv 第3行 A列: 工号 K004 重复 (已在 第2行 A列, 写作 Ｋ004, 全角、半角视为同一工号), 本行未预填",
    ]
    assert people_of(result)["K004"].inputs[COMPLAINTS].value == pytest.approx(0.003)


def test_full_width_ids_are_named_in_one_notice_per_file(tmp_path):
    rows = "".join(f"Ｋ{i:03d},员工{i},一部,专员,赵\n" for i in range(1, 13))
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\n" + rows, encoding="utf-8")
    people, problems, notices = said(load_roster(roster))
    assert problems == [] and len(notices) == 1
    assert notices[0].startswith("roster.csv: 以下工号含全角字符, 已按半角查重, 照花名册原样书写: "
                                 "第2行 A列 Ｋ001 → K001、第3行 A列 Ｋ002 → K002、")
    assert notices[0].endswith("第11行 A列 Ｋ010 → K010 等 12 处")


# --------------------------------------------------------------------------- optional columns


@pytest.mark.parametrize(("header", "row", "said"), [
    ("工号,姓名,部门", "K1,王芳,一部", "roster.csv: 花名册没有「岗位」和「直属主管」列, 封面和考核表上这两项留空"),
    ("工号,姓名,部门,职位", "K1,王芳,一部,专员", "roster.csv: 花名册没有「直属主管」列, 封面和考核表上此项留空"),
    ("工号,姓名,部门,直属主管", "K1,王芳,一部,赵", "roster.csv: 花名册没有「岗位」列, 封面和考核表上此项留空"),
])
def test_a_roster_without_post_or_supervisor_says_they_are_left_empty(tmp_path, header, row, said):
    roster = tmp_path / "roster.csv"
    roster.write_text(f"{header}\n{row}\n", encoding="utf-8")
    result = run_generate(tmp_path, roster)
    assert texts(result.notices) == [said]
    assert texts(result.problems) == []


def test_the_optional_columns_notice_names_the_sheets_that_lack_them(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "客服一部"
    book["客服一部"].append(["工号", "姓名", "部门", "岗位", "直属主管"])
    book["客服一部"].append(["K1", "王芳", "客服一部", "专员", "赵"])
    two = book.create_sheet("客服二部")
    two.append(["工号", "姓名", "部门", "岗位"])
    two.append(["K2", "李娜", "客服二部", "专员"])
    book.save(tmp_path / "花名册.xlsx")
    notices = texts(run_generate(tmp_path, tmp_path / "花名册.xlsx").notices)
    assert notices[-1] == "花名册.xlsx: 工作表「客服二部」没有「直属主管」列; 此工作表中的人在封面和考核表上相应的项留空"


def test_a_roster_read_for_another_command_says_nothing_of_optional_columns(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门\nK1,王芳,一部\n", encoding="utf-8")
    assert load_roster(roster) == (load_roster(roster)[0], [], [])
    result = CliRunner().invoke(main, ["generate", "--scheme", "cs-quant", "--roster", str(roster), "--period", "2026-10",
                                       "--out", str(tmp_path / "out")])
    assert "提示 roster.csv: 花名册没有「岗位」和「直属主管」列, 封面和考核表上这两项留空" in result.output
