"""The summary reads on one screen and prints one page wide: columns as wide as their contents (a CJK
character counts two), long headers wrapped instead of widening numeric columns, amounts never ###."""

from __future__ import annotations

import openpyxl
from openpyxl.utils import get_column_letter
from strategies import CS_QUANT_DOCUMENT_EXAMPLE as DOC
from workbooks import filled_department

from xl_kpi.excel.sheet_style import display_width
from xl_kpi.workflow.consolidate import consolidate
from xl_kpi.workflow.summary import write_summary


def _summary(tmp_path):
    people = {"KF2024030": {**DOC, "pay|bonus_base": 123456.78}, "K2": DOC}
    filled = filled_department(tmp_path / "gen", people, dept="客户服务中心华东大区一部")
    out = tmp_path / "汇总.xlsx"
    write_summary(consolidate([filled.parent]), out)
    return openpyxl.load_workbook(out)


def test_columns_fit_their_contents_and_amounts_show(tmp_path):
    book = _summary(tmp_path)
    ws = book["公司总览"]
    heads = [c.value for c in ws[1]]
    for col, head in enumerate(heads, start=1):
        width = ws.column_dimensions[get_column_letter(col)].width
        for row in range(2, ws.max_row + 1):
            cell = ws.cell(row=row, column=col)
            assert display_width(cell.value, cell.number_format) < width, (head, cell.value, width)
    bonus = heads.index("绩效奖金") + 1
    assert ws.cell(row=2, column=bonus).number_format == "#,##0.00"
    # a long header over short numbers wraps rather than widening the column
    complaint = heads.index("客户投诉率") + 1
    assert ws.column_dimensions[get_column_letter(complaint)].width < display_width("客户投诉率")
    assert ws.cell(row=1, column=complaint).alignment.wrap_text
    assert ws.freeze_panes == "C2" and ws.print_title_rows == "$1:$1" and ws.page_setup.fitToWidth == 1


def test_the_grade_chart_is_beside_the_top_and_not_printed(tmp_path):
    """cs-table has grades: each department sheet has a count table and a bar chart beside the table's top
    (it sat below the counts, off screen), outside the print area."""
    import re
    import zipfile

    from xl_kpi.excel.fill import fill_workbook
    from xl_kpi.schemes.scheme import get_scheme_with_text
    from xl_kpi.workflow.generate import generate

    scheme, text = get_scheme_with_text("cs-table")
    full = {(ind.id, ind.inputs[0].id, a.id): int(max(level.high for level in ind.rule.levels))
            for ind in scheme.indicators for a in scheme.assessors}
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\nT1,甲,销售部,客服,赵\nT2,乙,销售部,客服,赵\n", encoding="utf-8")
    (generated,) = generate(scheme, text, roster, "2026-10", tmp_path / "gen").files
    fill_workbook(generated, tmp_path / "back" / generated.name, {"T1": full, "T2": full})
    out = tmp_path / "汇总.xlsx"
    write_summary(consolidate([tmp_path / "back"]), out)
    book = openpyxl.load_workbook(out)
    heads = [c.value for c in book["销售部"][1] if c.value]
    last = get_column_letter(heads.index("工作表") + 1)
    assert book["销售部"].print_area == f"'销售部'!$A$1:${last}$3"
    with zipfile.ZipFile(out) as z:
        drawings = [n for n in z.namelist() if n.startswith("xl/drawings/drawing") and n.endswith(".xml")]
        anchor = z.read(drawings[0]).decode()
    start = re.search(r"<(?:xdr:)?from><(?:xdr:)?col>(\d+)</(?:xdr:)?col>.*?<(?:xdr:)?row>(\d+)</", anchor, re.S)
    assert int(start.group(2)) == 0 and int(start.group(1)) > len(heads)


def test_the_issues_sheet_wraps_its_messages_and_prints_one_page_wide(tmp_path):
    people = {"K1": {**DOC, next(k for k in DOC if isinstance(k, tuple)): "很好"}}
    filled = filled_department(tmp_path / "gen", people)
    out = tmp_path / "汇总.xlsx"
    write_summary(consolidate([filled.parent]), out)
    ws = openpyxl.load_workbook(out)["问题"]
    assert ws["F2"].alignment.wrap_text and ws.column_dimensions["F"].width == 70  # 问题, after 类别
    assert (ws["E1"].value, ws["E2"].value, ws["F1"].value) == ("类别", "问题", "问题")
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1 and ws.print_title_rows == "$1:$1"
