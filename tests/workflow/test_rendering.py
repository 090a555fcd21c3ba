"""What people print and read, rendered by a real spreadsheet program: the demo month's summary, an annual
workbook and the feedback forms are printed by LibreOffice to PDF; the page counts are those a person expects
and no page shows ### (a number too wide for its column).  Generated sheets: tests/excel/test_sheet_printing.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from libreoffice import pdf_pages, pdf_text

from xl_kpi.workflow.demo import run_demo
from xl_kpi.workflow.feedback import write_feedback


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return run_demo(out), out


def _printed(files: list[Path], out: Path) -> tuple[dict[str, int], dict[str, str]]:
    pages = pdf_pages(files, out)
    return pages, {f.name: pdf_text(out / f.with_suffix(".pdf").name) for f in files}


def test_summary_annual_and_forms_print_as_expected(month, tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from test_annual import write_summaries
    from workbooks import EVERY

    from xl_kpi.workflow.annual import run_annual

    run, _ = month
    annual = tmp_path / "年度.xlsx"
    run_annual(write_summaries(tmp_path / "months"), annual, scheme=EVERY)
    forms = write_feedback(run.summary, tmp_path / "面谈").files
    book = next(f for f in forms if f.suffix == ".xlsx")
    pages, texts = _printed([run.summary, annual, book], tmp_path / "pdf")
    # the summary: 公司总览 and each department one page wide and tall, 问题 one page
    assert pages[run.summary.name] == 4
    # 年度汇总 1 + 决定原因 (12 people × 9 decisions, wrapped) + 趋势 + 说明 + 问题: a few pages, not dozens
    assert pages[annual.name] <= 12
    # one page per form: 11 people with a total (K1010 has none)
    assert pages[book.name] == 11
    for name, text in texts.items():
        assert "###" not in text, name
    assert "K1001" in texts[run.summary.name] and "1,000.00" in texts[run.summary.name]  # whole 工号, whole amounts
