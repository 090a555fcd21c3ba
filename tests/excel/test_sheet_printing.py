"""Assessment sheets print like the documents' tables: cs-quant and cs-smart on one A4 page per person,
cs-table and advisor-4s on two, broken before an indicator so that the total, grade, pay and signatures end
the last page together with scores; the 规则 sheet (the scheme's YAML) never prints; amounts never show ###."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from libreoffice import pdf_pages

from xl_kpi.excel.layout import IDENTITY_CELLS
from xl_kpi.excel.reader import read_filled_workbook
from xl_kpi.excel.sheet_style import display_width
from xl_kpi.schemes.scheme import get_scheme_with_text
from xl_kpi.workflow.generate import generate

PAGES = {"cs-quant": 1, "cs-smart": 1, "cs-table": 2, "advisor-4s": 2}


def _generated(tmp: Path, scheme_id: str) -> Path:
    scheme, text = get_scheme_with_text(scheme_id)
    roster = tmp / "roster.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\nK1,张三,一部,客服专员,李四\nK2,王五,一部,客服专员,李四\n", encoding="utf-8")
    (path,) = generate(scheme, text, roster, "2026-10", tmp / scheme_id).files
    return path


@pytest.mark.parametrize("scheme_id", list(PAGES))
def test_page_setup_of_each_person_sheet(tmp_path, scheme_id):
    path = _generated(tmp_path, scheme_id)
    book = openpyxl.load_workbook(path)
    assert book["规则"].sheet_state == "hidden"
    layout = read_filled_workbook(path)
    for person in layout.people:
        ws = book[person.sheet]
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        if PAGES[scheme_id] == 1:
            assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 1
            assert not ws.row_breaks.brk
        else:
            (brk,) = ws.row_breaks.brk
            total_row = int(person.results["total"].ref[1:]) if person.results["total"].ref[1:].isdigit() else None
            rows_after = [int("".join(ch for ch in c.ref if ch.isdigit())) for c in person.scores.values()]
            assert total_row is not None and total_row > brk.id
            assert any(r > brk.id for r in rows_after) and any(r <= brk.id for r in rows_after)
            assert not ws.sheet_properties.pageSetUpPr.fitToPage and 40 <= ws.page_setup.scale <= 100
        for key, cell in person.pay_inputs.items():  # 1,234,567.89 shows in full
            letter = "".join(ch for ch in cell.ref if ch.isalpha())
            assert ws.column_dimensions[letter].width > display_width(1234567.89, "#,##0.00"), key
        for label, _value, name in IDENTITY_CELLS:  # 姓名： stands next to 张三, not across a wide column from it
            assert ws[label].alignment.horizontal == "right", name


def test_printed_pages_through_libreoffice(tmp_path):
    files = {}
    for sid in PAGES:  # each department workbook is named 2026-10-一部.xlsx: one name per scheme for the PDFs
        path = _generated(tmp_path, sid)
        files[sid] = path.rename(path.with_name(f"{sid}.xlsx"))
    pages = pdf_pages(list(files.values()), tmp_path / "pdf")
    for sid, path in files.items():
        assert pages[path.name] == 1 + 2 * PAGES[sid], (sid, pages[path.name])  # the cover, then two people
