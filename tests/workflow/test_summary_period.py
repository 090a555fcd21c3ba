"""A summary says which month it holds: annual and feedback read it there, not from a file name HR may have
mistyped (2026-11-汇总.xlsx holding October was counted as both months), and consolidate warns of the
mismatch."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from strategies import CS_QUANT_DOCUMENT_EXAMPLE

from xl_kpi.cli import main
from xl_kpi.excel.fill import fill_workbook
from xl_kpi.excel.tables import read_table
from xl_kpi.schemes.scheme import get_scheme_with_text
from xl_kpi.workflow.generate import generate

DOC = {**CS_QUANT_DOCUMENT_EXAMPLE, "pay|bonus_base": 1000}  # total 86


def _returned(tmp: Path, period: str) -> Path:
    """A folder with one filled cs-quant workbook of ``period`` (K1 and K2, both 86)."""
    scheme, text = get_scheme_with_text("cs-quant")
    work = tmp / f"gen-{period}"
    work.mkdir()
    roster = work / "roster.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\nK1,王芳,一部,客服专员,李\nK2,李雷,一部,客服专员,李\n", encoding="utf-8")
    (generated,) = generate(scheme, text, roster, period, work / "out").files
    fill_workbook(generated, tmp / f"returned-{period}" / generated.name, {"K1": DOC, "K2": DOC})
    return tmp / f"returned-{period}"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_summary_has_its_period_and_a_mistyped_name_is_flagged(tmp_path):
    october, september = _returned(tmp_path, "2026-10"), _returned(tmp_path, "2026-09")
    wrong = tmp_path / "2026-11-汇总.xlsx"  # October's summary saved under November's name
    result = run("consolidate", october, "-o", wrong)
    assert result.exit_code == 0, result.output
    assert "注意: 文件名 2026-11-汇总.xlsx 中的月份是 2026-11, 汇总的却是 2026-10 的考核表" in result.output
    table = read_table(wrong, "公司总览")
    assert table.headers[:5] == ["工号", "姓名", "部门", "岗位", "期间"]
    assert [row[4] for row in table.rows] == ["2026-10", "2026-10"]
    right = tmp_path / "2026-09-汇总.xlsx"
    result = run("consolidate", september, "-o", right)
    assert result.exit_code == 0 and "注意" not in result.output
    # annual: October once (from the 期间 column), September once; not 2026-11
    annual = tmp_path / "年度.xlsx"
    result = run("annual", wrong, right, "-o", annual)
    assert result.exit_code in (0, 1), result.output
    assert "2026-11" not in result.output and "2 人次" in result.output
    text = "\n".join(str(c) for row in read_table(annual, None).rows for c in row)
    assert "2026-11" not in text
    # feedback: the period of each form is October, whatever the file is called
    out = tmp_path / "面谈"
    result = run("feedback", wrong, "--out", out)
    assert result.exit_code == 0, result.output
    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert "2026-10" in html and "2026-11" not in html


def test_the_count_of_files_says_read_and_unreadable_apart(tmp_path):
    """"读取 5 个文件 (3 个无法读取)" read as 3 of 5; the 3 were besides the 5."""
    folder = _returned(tmp_path, "2026-10")
    (folder / "坏.xlsx").write_bytes(b"not a workbook")
    result = run("consolidate", folder, "-o", tmp_path / "2026-10-汇总.xlsx")
    assert "读取 1 个文件, 另有 1 个无法读取, 2 人, 2 人得出总分" in result.output, result.output
    (folder / "坏.xlsx").unlink()
    result = run("consolidate", folder, "-o", tmp_path / "2026-10-汇总.xlsx")
    assert "读取 1 个文件, 2 人, 2 人得出总分, 0 个问题" in result.output, result.output
