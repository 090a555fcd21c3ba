"""`xl-kpi feedback`: one interview form per person, printable HTML (A4, a page each) and a workbook."""

from __future__ import annotations

import re

import openpyxl
import pytest
from click.testing import CliRunner

from xl_kpi.cli import main
from xl_kpi.schemes.scheme import builtin_scheme
from xl_kpi.workflow.demo import run_demo
from xl_kpi.workflow.feedback import write_feedback


@pytest.fixture(scope="module")
def demo_summary(tmp_path_factory):
    return run_demo(tmp_path_factory.mktemp("demo")).summary


def test_one_page_per_person_from_a_consolidated_summary(demo_summary, tmp_path):
    res = CliRunner().invoke(main, ["feedback", str(demo_summary), "-o", str(tmp_path)])
    # K1010 has no total (a text where points belong): no form to sign, listed instead, with what to do
    assert res.exit_code == 1, res.output
    assert "工号 K1010 吴敏: 汇总中没有总分" in res.output and "未生成面谈表" in res.output
    everyone = (tmp_path / "全部.html").read_text(encoding="utf-8")
    assert everyone.count('<section class="page') == 11 and "K1010" not in everyone
    assert "size: A4" in everyone and "break-after: page" in everyone
    assert "方案没有等级表" not in everyone and "建议针对得分率最低的指标安排培训: " in everyone  # cs-quant: no grades
    singles = sorted(p.name for p in tmp_path.glob("K*.html"))
    assert len(singles) == 11 and singles[0] == "K1001-王芳.html"
    book = openpyxl.load_workbook(tmp_path / "反馈面谈表.xlsx")
    assert len(book.sheetnames) == 11
    ws = book.worksheets[0]
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToHeight == 1  # A4, one page tall
    text = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    for label in ("最薄弱的三项指标", "培训需求", "改进计划 (主管与员工共同制定)", "员工意见", "异议与申诉", "员工签名", "主管签名"):
        assert label in text
    rows = list(ws.iter_rows(values_only=True))
    first = next(i for i, r in enumerate(rows) if r[0] == "考核指标") + 1
    assert all(isinstance(v, (int, float)) for v in rows[first][1:4])  # numbers are numbers, not text
    signs = [i + 1 for i, r in enumerate(rows) if r[0] in ("员工签名", "主管签名")]
    assert len(signs) == 2 and all(ws.row_dimensions[r].height >= 30 for r in signs)
    assert ws.column_dimensions["B"].width >= 30  # a signature fits (it was about 1 cm)


def _summary(path, rows, scheme_id="cs-table"):
    scheme = builtin_scheme(scheme_id)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "公司总览"
    ws.append(["工号", "姓名", "部门", "岗位", *[i.name for i in scheme.indicators], "总分", "等级", "部门排名"])
    for row in rows:
        ws.append(row)
    book.create_sheet("问题")
    book.save(path)
    return path


def test_scores_against_maximum_weakest_three_and_training(tmp_path):
    # cs-table maxima: 5, 10, 10, 5, 40, 20, 5, 5
    summary = _summary(tmp_path / "2026-10-汇总.xlsx", [
        ["001", "<b>张三</b>", "客服一部", "客服", 5, 6, 10, 2, 36, 18, 5, 4, 86, "良", 1],
    ])
    result = write_feedback(summary, tmp_path / "out")
    form = result.forms[0]
    assert form.period == "2026-10" and form.total == "86" and form.grade == "良"
    # ratios: 100%, 60%, 100%, 40%, 90%, 90%, 100%, 80%
    assert form.weakest == "工作激情 (2/5)、处事能力 (6/10)、做好工作总结并提出合理建议 (4/5)"
    assert form.training == "所需培训程度: 一般 (良)"
    html = (tmp_path / "out" / "全部.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;张三&lt;/b&gt;" in html and "<b>张三</b>" not in html  # names are escaped
    assert re.search(r"<td>处事能力</td><td class=\"num\">6</td><td class=\"num\">10</td><td class=\"num\">60%</td>", html)


def test_traditional_chinese(tmp_path):
    summary = _summary(tmp_path / "s.xlsx", [["001", "陳", "客服一部", "客服", 5, 10, 10, 5, 40, 20, 5, 5, 100, "优", 1]])
    result = write_feedback(summary, tmp_path / "out", lang="zh-Hant")
    html = (tmp_path / "out" / "全部.html").read_text(encoding="utf-8")
    assert "績效面談反饋表" in html and "員工簽名" in html and "處事能力" in html
    assert result.forms[0].training == "所需培訓程度: 無 (優)"  # the grade table's text, in 繁體 as the rest of the form


def test_many_indicators_use_the_compact_page(tmp_path):
    scheme = builtin_scheme("advisor-4s")
    summary = _summary(tmp_path / "s.xlsx", [["A1", "甲", "钣喷", "顾问", *[1] * len(scheme.indicators), 24, None, 1]],
                       scheme_id="advisor-4s")
    write_feedback(summary, tmp_path / "out")
    assert '<section class="page compact">' in (tmp_path / "out" / "全部.html").read_text(encoding="utf-8")


def test_unknown_layout_is_an_error(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["工号", "总分"])
    book.active.append(["1", 80])
    book.save(tmp_path / "x.xlsx")
    res = CliRunner().invoke(main, ["feedback", str(tmp_path / "x.xlsx"), "-o", str(tmp_path / "o")])
    assert res.exit_code == 2 and "--scheme" in res.output
