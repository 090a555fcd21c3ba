"""The consolidated summary workbook: 公司总览, a sheet per department, 问题.

Each table is an Excel Table (filter and sort), grades are coloured by
conditional formatting, and each department sheet has a native bar chart of
its grade distribution.  The file is written atomically; an existing summary
is kept as a backup next to it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from xl_kpi.base.errors import InputFileError
from xl_kpi.base.files import atomic_path, check_writable, next_backup, same_file
from xl_kpi.base.files import keep_backup as keep_backup_copy
from xl_kpi.engine.payroll import PAY_FIGURES
from xl_kpi.excel.names import safe_sheet_name
from xl_kpi.excel.sheet_style import findings_sheet, fit_columns, keep_text, print_a4_landscape
from xl_kpi.workflow.results import Consolidation, PersonResult, as_cell

GRADE_COLOURS = ["C6EFCE", "DDEBF7", "FFF2CC", "FCE4D6", "FFC7CE"]  # best to worst
PAY_ORDER = (*PAY_FIGURES, "绩效资格", "绩效资格原因")
OVERVIEW = "公司总览"
CALIBRATION = "等级分布"
ISSUES = "问题"


def summary_headers(result: Consolidation) -> list[str]:
    scheme = result.scheme
    heads = ["工号", "姓名", "部门", "岗位"] + (["期间"] if result.period else [])
    if scheme is not None:
        heads += [ind.name for ind in scheme.indicators]
    heads += ["总分"]
    if scheme is not None and scheme.grades:
        heads.append("等级")
    heads.append("部门排名")
    pays = [k for k in PAY_ORDER if any(k in p.pay for p in result.people)]
    heads += pays
    heads += ["问题数", "文件", "工作表"]
    return heads


def person_row(p: PersonResult, heads: list[str], period: str | None = None) -> list[Any]:
    """One person's row under ``heads``; ``period``: the month consolidated (its own column, so that
    annual and feedback read the month from the summary, not from a file name HR may have mistyped)."""
    values: dict[str, Any] = {k: p.identity.get(k, "") for k in ("工号", "姓名", "部门", "岗位")}
    values["期间"] = period
    for item in p.score.items:
        values[item.indicator.name] = as_cell(item.points)
    values["总分"] = as_cell(p.score.total)
    values["等级"] = p.score.grade.grade if p.score.grade else None
    values["部门排名"] = p.rank
    for k, v in p.pay.items():
        values[k] = as_cell(v)
    values["问题数"] = sum(1 for i in p.issues if i.is_problem)  # a 提示 is said in 问题, not counted
    values["文件"] = p.shown_file or p.file.name  # as the 问题 sheet names it: same-named files by their folders
    values["工作表"] = p.sheet
    return [values.get(h) for h in heads]


def _sort_key(p: PersonResult):
    return (p.identity.get("部门", ""), p.rank if p.rank is not None else 10**9, p.identity.get("工号", ""))


def write_summary(result: Consolidation, output: str | Path, *, keep_backup: bool = True) -> Path | None:
    """Write the summary; return the backup path if an existing summary was kept.

    Nothing is touched until both the summary and its backup are known to be writable (a summary
    open in Excel/WPS is an OutputFileError, and the previous backup is still there)."""
    output = Path(output)
    writes = [output, *([next_backup(output)] if keep_backup and output.exists() else [])]
    for target in writes:
        if any(same_file(target, f) for f in result.files):
            raise InputFileError(f"{target} 是被汇总的文件之一, 不能写入或覆盖; 请把汇总写到别的文件")
        check_writable(target)
    book = build_summary(result)
    backup = keep_backup_copy(output) if len(writes) == 2 else None
    with atomic_path(output) as tmp:
        book.save(tmp)
    return backup


def build_summary(result: Consolidation) -> Workbook:
    book = Workbook()
    heads = summary_headers(result)
    people = sorted(result.people, key=_sort_key)
    overview = book.active
    overview.title = OVERVIEW
    _table_sheet(overview, heads, [person_row(p, heads, result.period) for p in people], "overview", result)
    taken = {OVERVIEW.lower(), ISSUES.lower(), CALIBRATION.lower()}
    departments: dict[str, list[PersonResult]] = {}
    for p in people:
        departments.setdefault(p.identity.get("部门", "") or "未分部门", []).append(p)
    for i, (dept, members) in enumerate(departments.items(), start=1):
        ws = book.create_sheet(safe_sheet_name(dept, taken))
        _table_sheet(ws, heads, [person_row(p, heads, result.period) for p in members], f"dept{i}", result)
        _grade_chart(ws, result, members, len(heads) + 2, dept)
    if result.scheme is not None and result.scheme.grades and people:
        _calibration_sheet(book.create_sheet(CALIBRATION), result, departments)
    _issues_sheet(book.create_sheet(ISSUES), result)
    for ws in book.worksheets:
        keep_text(ws)
    return book


def _table_name(text: str) -> str:
    return "T_" + re.sub(r"[^A-Za-z0-9_]", "_", text)


def _table_sheet(ws, heads: list[str], rows: list[list[Any]], name: str, result: Consolidation) -> None:
    ws.append(heads)
    for row in rows:
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "C2"  # the header row and 工号, 姓名 stay in view
    _number_formats(ws, heads, len(rows))
    # 绩效资格原因 may name several items: wrapped in a column of its own width, not one line across the page
    fit_columns(ws, wrapped={heads.index("绩效资格原因") + 1: 30} if "绩效资格原因" in heads else None)
    last = get_column_letter(len(heads))
    if rows:
        table = Table(displayName=_table_name(name), ref=f"A1:{last}{len(rows) + 1}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(table)
    scheme = result.scheme
    if scheme is not None and scheme.grades and "等级" in heads and rows:
        col = get_column_letter(heads.index("等级") + 1)
        rng = f"{col}2:{col}{len(rows) + 1}"
        for grade, colour in zip(scheme.grades.rows, GRADE_COLOURS):
            fill = PatternFill("solid", start_color=colour, end_color=colour)
            ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=[f'"{grade.grade}"'], fill=fill))
    print_a4_landscape(ws, "1:1")
    ws.print_area = f"A1:{last}{max(len(rows), 1) + 1}"  # the table: not the grade counts and chart beside it


MONEY = ("绩效奖金", "岗位工资", "提成", "当月工资")


def _number_formats(ws, heads: list[str], count: int) -> None:
    """Amounts with thousands and cents; scores with two decimals where any has decimals, else whole."""
    from decimal import Decimal as _D

    skip = {"工号", "姓名", "部门", "岗位", "期间", "等级", "绩效资格", "绩效资格原因", "文件", "工作表"}
    for col, head in enumerate(heads, start=1):
        if head in skip:
            continue
        cells = [ws.cell(row=r, column=col) for r in range(2, count + 2)]
        numbers = [c.value for c in cells if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)]
        if head in MONEY:
            fmt_ = "#,##0.00"
        elif any(_D(repr(v)) != _D(repr(v)).to_integral_value() for v in numbers):
            fmt_ = "0.00"
        else:
            continue
        for c in cells:
            c.number_format = fmt_


def _grade_chart(ws, result: Consolidation, members: list[PersonResult], col: int, dept: str) -> None:
    """A small count table per grade and a native bar chart over it."""
    scheme = result.scheme
    if scheme is None or not scheme.grades:
        return
    ws.cell(row=1, column=col, value="等级").font = Font(bold=True)
    ws.cell(row=1, column=col + 1, value="人数").font = Font(bold=True)
    for i, grade in enumerate(scheme.grades.rows, start=2):
        ws.cell(row=i, column=col, value=grade.grade)
        ws.cell(row=i, column=col + 1, value=sum(1 for p in members if p.score.grade and p.score.grade.grade == grade.grade))
    n = len(scheme.grades.rows)
    chart = BarChart()
    chart.title = f"{dept} 等级分布"
    chart.y_axis.title = "人数"
    chart.add_data(Reference(ws, min_col=col + 1, min_row=1, max_row=n + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=col, min_row=2, max_row=n + 1))
    chart.legend = None
    chart.height, chart.width = 7, 12
    ws.add_chart(chart, f"{get_column_letter(col + 3)}1")  # beside the count table, at the top of the sheet


def _calibration_sheet(ws, result: Consolidation, departments: dict[str, list[PersonResult]]) -> None:
    """Each department's grade distribution against the scheme's targets; shares over target flagged."""
    scheme = result.scheme
    assert scheme is not None and scheme.grades is not None
    heads = ["部门", "等级", "人数", "占比", "目标上限", "校准"]
    ws.append(heads)
    groups = [*departments.items(), ("全公司", [p for members in departments.values() for p in members])]
    for dept, members in groups:
        graded = [p for p in members if p.score.grade is not None]
        for grade in scheme.grades.rows:
            count = sum(1 for p in graded if p.score.grade.grade == grade.grade)
            share = Decimal(count) / len(graded) if graded else None
            target = scheme.calibration.get(grade.grade)
            flag = ""
            if target is not None and share is not None:
                flag = f"超出目标 ({count}/{len(graded)})" if share > target else "符合"
            ws.append([dept, grade.grade, count, float(share) if share is not None else None,
                       float(target) if target is not None else None, flag])
    for row in ws.iter_rows(min_row=2):
        row[3].number_format = row[4].number_format = "0.0%"
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEF", (16, 8, 8, 8, 10, 22)):
        ws.column_dimensions[col].width = width
    last = ws.max_row
    table = Table(displayName="T_calibration", ref=f"A1:F{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    red = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
    ws.conditional_formatting.add(f"F2:F{last}", FormulaRule(formula=['LEFT($F2,2)="超出"'], fill=red))


def _issues_sheet(ws, result: Consolidation) -> None:
    findings_sheet(ws, result.issues)  # 文件, 工作表, 单元格, 工号, 类别, 问题
