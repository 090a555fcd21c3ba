"""Consolidation details: formulas compared relative to their row, summaries in the input folder, old .xls files."""

from pathlib import Path

import openpyxl
from click.testing import CliRunner

from xl_kpi.cli import main
from xl_kpi.excel.expected_formulas import relative_formula
from xl_kpi.schemes.scheme import get_scheme_with_text
from xl_kpi.workflow.consolidate import consolidate
from xl_kpi.workflow.generate import generate


def test_relative_formula_ignores_moved_rows_but_not_edits():
    a = relative_formula('=IF(H6="","",IF(H6>=90,20,16))', "I6")
    assert relative_formula('=IF(H9="","",IF(H9>=90,20,16))', "I9") == a  # the same formula three rows down
    assert relative_formula('=IF($H$6="","",IF(H6>=90,20,16))', "I6") == a  # absolute references
    assert relative_formula('=IF(H6="","",IF(H6>=80,20,16))', "I6") != a  # an edited threshold
    assert relative_formula('=IF(H7="","",IF(H7>=90,20,16))', "I6") != a  # pointing at another row
    assert relative_formula('=IF(H6="H6","",1)', "I6").count('"H6"') == 1  # text in quotes is not a reference


def _roster(tmp_path: Path, name: str = "=HYPERLINK(\"http://x\",\"y\")") -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(f'工号,姓名,部门\nK1,"{name.replace(chr(34), chr(34) * 2)}",一部\nK2,#N/A,一部\n', encoding="utf-8")
    return path


def test_summary_inside_the_folder_is_not_read_back(tmp_path):
    scheme, text = get_scheme_with_text("cs-quant")
    folder = tmp_path / "回收"
    generate(scheme, text, _roster(tmp_path), "2026-10", folder)
    summary = folder / "汇总.xlsx"
    first = CliRunner().invoke(main, ["consolidate", str(folder), "-o", str(summary)])
    second = CliRunner().invoke(main, ["consolidate", str(folder), "-o", str(summary)])
    assert "不是 xl-kpi 生成的考核表" not in second.output
    assert first.output.split("汇总已写入")[0] == second.output.split("汇总已写入")[0]
    assert (folder / "汇总.备份.xlsx").is_file()
    # the roster's "#N/A" and "=HYPERLINK(...)" are text in the summary, never errors or formulas
    ws = openpyxl.load_workbook(summary)["公司总览"]
    names = {c.value: c.data_type for c in ws["B"][1:]}
    assert names == {'=HYPERLINK("http://x","y")': "s", "#N/A": "s"}


def test_old_xls_files_are_reported_not_skipped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "旧表.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    result = consolidate([folder])
    assert result.files_failed == 1
    assert result.issues[0].file == "旧表.xls" and "旧版 .xls" in result.issues[0].message


def test_a_notice_is_said_but_is_no_problem(tmp_path):
    """A plausibility notice (客户投诉率 0.3 typed where 0.3% was meant is read as 30%) is a 提示: said on the
    terminal and in 问题, with the value scored as typed; the run exits 0 (it exited 1 as for a problem)."""
    from click.testing import CliRunner
    from strategies import CS_QUANT_DOCUMENT_EXAMPLE as DOC
    from workbooks import filled_department

    from xl_kpi.cli import main

    key = next(k for k in DOC if isinstance(k, tuple) and k[0] == "complaint_rate")
    filled = filled_department(tmp_path / "gen", {"K1": {**DOC, key: 0.3}})
    result = CliRunner().invoke(main, ["consolidate", str(filled.parent), "-o", str(tmp_path / "汇总.xlsx")])
    assert result.exit_code == 0, result.output
    lines = [x for x in result.output.splitlines() if x.startswith(("提示 ", "问题 "))]
    assert len(lines) == 1 and lines[0].startswith("提示 ") and "客户投诉率" in lines[0], result.output
    assert "0 个问题, 1 条提示" in result.output


def test_the_summary_counts_problems_not_notices(tmp_path):
    from strategies import CS_QUANT_DOCUMENT_EXAMPLE as DOC
    from workbooks import filled_department, sheet_records

    from xl_kpi.workflow.summary import write_summary

    key = next(k for k in DOC if isinstance(k, tuple) and k[0] == "complaint_rate")
    filled = filled_department(tmp_path / "gen", {"K1": {**DOC, key: 0.3}})
    write_summary(consolidate([filled.parent]), tmp_path / "汇总.xlsx")
    (row,) = sheet_records(tmp_path / "汇总.xlsx", "公司总览")
    assert row["问题数"] == 0 and row["总分"] is not None
