"""Every kind of workbook we write is checked against the ECMA-376 schemas (openxml-audit), so that Excel opens it
as it writes it, without repair.  Two differences are known and harmless, and left out:
- inline strings (``<c t="inlineStr">``) without a shared-strings part: valid OOXML, which Excel reads (and turns
  into shared strings when it saves);
- openpyxl's default font lists ``color`` after ``family`` in styles.xml: the transitional schema allows the
  children of a font in any order (CT_Font is a choice), the strict reading wants a sequence; every Excel opens it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openxml_audit import OpenXmlValidator

from xl_kpi.addin.build import HR_WORKBOOK, SHIPPED
from xl_kpi.workflow.demo import run_demo
from xl_kpi.workflow.feedback import write_feedback

ROOT = Path(__file__).resolve().parents[2]


def _harmless(error) -> bool:
    text = str(error)
    return "inline-string cell" in text or ("/xl/styles.xml" in text and "/fonts[1]/font[" in text
                                              and "Unexpected element 'color'" in text)


def _problems(path: Path) -> list[str]:
    """Schema and semantic errors, and parts that are not well-formed XML (openxml-audit passes over a part it
    cannot parse without a word, so each part is parsed here first)."""
    import zipfile

    from defusedxml import ElementTree

    found = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                try:
                    ElementTree.fromstring(z.read(name))
                except ElementTree.ParseError as exc:
                    found.append(f"{name}: not well-formed XML ({exc})")
    result = OpenXmlValidator().validate(str(path))
    return found + [str(e) for e in result.errors if not _harmless(e)]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """One file of each kind: generated sheets (every scheme, both formula kinds), templates, the summary, the DATA
    file, a score table, the annual workbook, the feedback workbook, the HR workbook and the add-in."""
    import sys

    from click.testing import CliRunner

    from xl_kpi.cli import main
    from xl_kpi.schemes.scheme import builtin_ids, get_scheme_with_text
    from xl_kpi.workflow.generate import generate

    tmp = tmp_path_factory.mktemp("schema")
    run = run_demo(tmp / "demo")
    files = [*run.sheets.files, run.summary]
    roster = tmp / "r.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\nK1,张三,一部,客服,李四\n", encoding="utf-8")
    for sid in builtin_ids():
        scheme, text = get_scheme_with_text(sid)
        files += generate(scheme, text, roster, "2026-10", tmp / sid, mode="udf" if sid == "cs-table" else "native").files
    files += sorted((ROOT / "workbook_templates").glob("*.xlsx"))
    files += [f for f in write_feedback(run.summary, tmp / "面谈").files if f.suffix == ".xlsx"]
    score = tmp / "得分.xlsx"
    CliRunner().invoke(main, ["score", "--scheme", "cs-quant", str(ROOT / "xl_kpi" / "samples" / "cs-quant-department.csv"),
                              "-o", str(score)])
    files.append(score)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from test_annual import write_summaries
    from workbooks import EVERY

    from xl_kpi.workflow.annual import run_annual

    annual = tmp / "年度.xlsx"
    run_annual(write_summaries(tmp / "months"), annual, scheme=EVERY)
    files += [annual, SHIPPED / HR_WORKBOOK, SHIPPED / "xl_kpi.xlam"]
    assert all(f.is_file() for f in files)
    return files


def test_every_kind_of_output_is_valid_ooxml(outputs):
    found = {f.name: _problems(f) for f in outputs}
    assert {name: p for name, p in found.items() if p} == {}


@pytest.mark.parametrize("old, new", [(b"<sheetFormatPr ", b'<sheetFormatPr bogus="1" '),  # unknown to the schema
                                      (b'<c r="A1"', b'<c r="A1" t="bogus"')],  # a duplicate attribute: not XML
                         ids=["schema", "well-formed"])
def test_the_check_can_fail(tmp_path, old, new):
    """A workbook Excel would repair is caught."""
    import zipfile

    good = next((ROOT / "workbook_templates").glob("cs-quant.xlsx"))
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(old, new, 1)
            dst.writestr(item, data)
    assert _problems(bad)
