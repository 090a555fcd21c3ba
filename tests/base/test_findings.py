"""One finding type (#18): the place is data, worded by Finding.location; messages carry neither place nor
severity word, and every library result that returns findings keeps to that."""

from __future__ import annotations

from xl_kpi.base.findings import NOTE, NOTICE, PROBLEM, SEVERITIES, Finding
from xl_kpi.excel.tables import read_table
from xl_kpi.schemes.scheme import builtin_scheme
from xl_kpi.workflow.annual import run_annual
from xl_kpi.workflow.demo import run_demo


def test_file_only():
    f = Finding("花名册.xlsx", message="花名册没有「部门」列, 所有人归入「未分部门」")
    assert f.location() == "花名册.xlsx"
    assert f.line() == "问题 花名册.xlsx: 花名册没有「部门」列, 所有人归入「未分部门」"


def test_file_sheet_and_cell():
    f = Finding("2026-10-一部.xlsx", "K1-张三", "H7", "客户投诉率 30% 高于常见的 5%", "K1", severity=NOTICE)
    assert f.location() == "2026-10-一部.xlsx 工作表「K1-张三」 H7" and f.column == "H" and not f.is_problem
    assert f.line() == "提示 2026-10-一部.xlsx 工作表「K1-张三」 H7: 客户投诉率 30% 高于常见的 5%"
    assert f.columns(["文件", "工作表", "单元格", "工号", "类别", "问题"]) == [
        "2026-10-一部.xlsx", "K1-张三", "H7", "K1", "提示", "客户投诉率 30% 高于常见的 5%"]


def test_file_and_row_worded_as_tables_are():
    assert Finding("roster.csv", row=3, message="工号为空").location() == "roster.csv 第3行"
    f = Finding("数据.xlsx", "客服二部", "B5", "工号 K2 重复", row=5)
    assert f.location() == "数据.xlsx 工作表「客服二部」第5行 B列"  # as Table.where says it
    assert f.line(person=False) == "问题 数据.xlsx 工作表「客服二部」第5行 B列: 工号 K2 重复"
    more = Finding("销售表.xlsx", "Sheet", row=4, subject="等 25 行", message="…")
    assert more.location() == "销售表.xlsx 工作表「Sheet」第4行 等 25 行"
    assert more.columns(["位置"]) == ["工作表「Sheet」第4行 等 25 行"]


def test_table_finding_is_where_the_table_says(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("工号,姓名\nK1,张三\n,李四\n", encoding="utf-8")
    table = read_table(path)
    f = table.finding(1, 0, "工号为空", kind="missing-id")
    assert (f.file, f.sheet, f.row, f.cell, f.message) == ("t.csv", "", 3, "A3", "工号为空")
    assert f.location() == f"t.csv {table.where(1, 0)}" == "t.csv 第3行 A列"


def test_no_location():
    f = Finding(message="输入中没有 2026-02 的月度汇总", severity=NOTE)
    assert f.location() == "" and f.line() == "说明 输入中没有 2026-02 的月度汇总"
    assert Finding(subject="上半年", person="K1", message="缺考 2026-03").line(person=True) == "问题 上半年 K1: 缺考 2026-03"


def _clean(findings: list[Finding]) -> None:
    """Every finding has a severity, and a message that starts with neither a severity word nor a file name."""
    assert findings
    for f in findings:
        assert f.severity in SEVERITIES and f.message, f
        assert not f.message.startswith(tuple(f"{w}:" for w in SEVERITIES)), f
        assert not f.message.startswith(tuple(f"{w} " for w in SEVERITIES)), f
        assert not (f.file and f.message.startswith(f.file)), f


def test_demo_findings_are_clean(tmp_path):
    run = run_demo(tmp_path / "demo")
    _clean(run.result.issues)
    assert [f.severity for f in run.result.issues] == [PROBLEM]  # K1010's 很好 in a number cell
    assert run.result.issues[0].cell and run.result.issues[0].person == "K1010"


def test_annual_findings_are_clean(tmp_path):
    """An annual with a gap (2026-02: a 说明), a row without total and a bad period (problems at their rows)."""
    data = tmp_path / "月度.csv"
    data.write_text("工号,姓名,期间,总分\nK1,张三,2026-01,80\nK1,张三,2026-03,\nK2,李四,2026-13,70\n"
                    "K2,李四,2026-03,90\n", encoding="utf-8")
    result = run_annual([data, data], tmp_path / "年度.xlsx", scheme=builtin_scheme("cs-quant"))
    _clean([*result.issues, *result.notes])
    [total] = [f for f in result.issues if f.kind == "missing-total"]
    assert (total.file, total.row, total.cell, total.person) == ("月度.csv", 3, "", "K1")
    assert total.line() == "问题 月度.csv 第3行: 2026-03 没有总分 (该月按缺考处理)"
    [period] = [f for f in result.issues if f.kind == "bad-period"]
    assert (period.row, period.cell, period.location()) == (4, "C4", "月度.csv 第4行 C列")
    assert {f.kind: f.severity for f in result.notes} == {"input-twice": NOTE, "month-gap": NOTE}
    [gap] = [f for f in result.notes if f.kind == "month-gap"]
    assert gap.subject == "缺少的月份" and gap.message.startswith("输入中没有 2026-02 的月度汇总")


def test_generate_findings_are_clean(tmp_path):
    """A roster with a duplicate 工号 and an empty one: problems at their rows, the 工号 as data."""
    from xl_kpi.schemes.scheme import get_scheme_with_text
    from xl_kpi.workflow.generate import generate

    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门\nK1,张三,一部\n,李四,一部\nK1,王五,一部\n", encoding="utf-8")
    scheme, text = get_scheme_with_text("cs-quant")
    result = generate(scheme, text, roster, "2026-10", tmp_path / "out")
    _clean([*result.problems, *result.notices])
    empty, twice = result.problems
    assert (empty.kind, empty.row, empty.cell, empty.person) == ("missing-id", 3, "A3", "")
    assert empty.line() == "问题 roster.csv 第3行 A列: 工号为空, 此行未生成考核表"
    assert (twice.kind, twice.row, twice.person) == ("duplicate-id", 4, "K1")
    assert twice.line() == "问题 roster.csv 第4行 A列: 工号 K1 与第2行重复, 此行未生成考核表"
    assert [f.kind for f in result.notices] == ["missing-column"] and not result.notices[0].is_problem


def test_score_findings_are_clean(tmp_path):
    """A table with bad rows: a text in a number cell, an empty 工号, a duplicate, a 0.3 complaint rate (a notice)."""
    from xl_kpi.workflow.batch import problem_text, score_file

    scheme = builtin_scheme("cs-quant")
    heads = [ind.name for ind in scheme.indicators]
    good = ["0.1%", "95", "10", "98%", "90", "8", "4", "5"][:len(heads)]
    rows = [["K1", "甲", *good], ["K2", "乙", "很好", *good[1:]], ["", "丙", *good], ["K1", "丁", *good],
            ["K3", "戊", "0.3", *good[1:]]]
    data = tmp_path / "in.csv"
    data.write_text("\n".join(",".join(r) for r in [["工号", "姓名", *heads], *rows]) + "\n", encoding="utf-8")
    report = score_file(scheme, data)
    findings = [f for r in report.rows for f in (*r.problems, *r.notices)]
    _clean([*findings, *report.notices])
    assert {(f.row, f.person, f.kind, f.severity) for f in findings} == {
        (3, "K2", "bad-value", PROBLEM), (4, "", "missing-id", PROBLEM), (5, "K1", "duplicate-id", PROBLEM),
        (6, "K3", "unusual-value", NOTICE)}
    bad = report.rows[1].problems[0]
    assert (bad.file, bad.cell) == ("in.csv", "C3") and bad.message.startswith(f"{heads[0]} ")
    assert problem_text(report.rows[1]) == f"第3行 C列: {bad.message}"  # the row's 问题 cell: the file is implicit
    assert problem_text(report.rows[4]) == f"提示: 第6行 C列: {report.rows[4].notices[0].message}"


def test_feedback_findings_are_clean(tmp_path):
    """A summary row without 总分: a problem at its row, the person as data and named after the row."""
    from xl_kpi.workflow.feedback import write_feedback

    import openpyxl

    summary = tmp_path / "汇总-2026-10.xlsx"
    scheme = builtin_scheme("cs-quant")
    book = openpyxl.Workbook()
    book.active.title = "公司总览"
    full = [float(ind.weight) for ind in scheme.indicators]
    for row in (["工号", "姓名", "部门", *(ind.name for ind in scheme.indicators), "总分", "等级"],
                ["K1", "张三", "一部", *full, 100, "优"], ["K2", "李四", "一部", *full, None, None]):
        book.active.append(row)
    book.save(summary)
    result = write_feedback(summary, tmp_path / "面谈", scheme=scheme)
    _clean(result.problems)
    [missing] = result.problems
    assert (missing.kind, missing.file, missing.row, missing.person) == ("missing-total", summary.name, 3, "K2")
    assert missing.line() == (f"问题 {summary.name} 工作表「公司总览」第3行 工号 K2 李四: 汇总中没有总分 (考核表有问题, 见汇总的「问题」表), "
                              "未生成面谈表; 请补全考核表并重新汇总后再生成")


def test_metrics_notices_are_clean_findings_with_their_file(tmp_path):
    """How a ticket export was read (its encoding, a title above the header) and a roster row left out are notices
    with the file as data; a file-less one (the coverage of first-contact resolution) has none."""
    from xl_kpi.tickets import compute_metrics

    export = tmp_path / "十月.csv"
    export.write_text("客服系统导出 2026-10\n工单编号,客服工号,客户ID,创建时间,首次回复时间,是否解决,是否投诉,满意度\n"
                      "T1,E1,C1,2026-10-05 09:00,2026-10-05 09:05,是,否,5\n", encoding="gb18030")
    roster = tmp_path / "花名册.csv"
    roster.write_text("工号,姓名,部门\nE1,张三,一部\n,李四,一部\n", encoding="utf-8")
    result = compute_metrics([str(export)], "2026-10", roster=str(roster), satisfaction_scale=5)
    _clean(result.notices)
    by_file = {(f.file, f.message.split(",")[0]) for f in result.notices}
    assert ("十月.csv", "不是 UTF-8 编码") in by_file and ("十月.csv", "表头在第2行") in by_file
    assert any(f.file == "花名册.csv" and f.row == 3 and f.severity == NOTICE for f in result.notices)
    assert all(f.severity == NOTICE for f in result.notices)
