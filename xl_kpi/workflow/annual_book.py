"""The annual (or quarterly) workbook, as HR reads it on screen and prints it on A4.

- 年度汇总: one row per person: identity, each month's total (coloured from low to high, so that a person's
  trend shows at a glance), the period score, missing months, pay totals, and one short column per decision
  with its verdict only.  One page wide.
- 决定原因: one row per person and decision, with its reason (which months, which scores) wrapped.
- 趋势: each department's people month by month, and a native line chart per department with its average.
- 说明: what each decision of the scheme means (the document's words and the numbers used), how to read the
  workbook, and the legal caveat on document 002's dismissal rules.
- 问题: the problems of the input, and the notes said once for the whole run (类别 说明), wrapped.

``annual_headers`` / ``annual_row`` give the full table (verdicts and reasons side by side), which the ribbon
writes into the HR workbook.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from xl_kpi.base.months import Annual, PersonPeriod, join
from xl_kpi.base.numbers import plain, round_half_up
from xl_kpi.engine.payroll import PAY_FIGURES
from xl_kpi.excel.sheet_style import column_points, findings_sheet, fit_columns, keep_text, print_a4_landscape, wrap_rows

DISMISSAL = ("resign_fail", "resign_last")
CAVEAT = ("文件 002 的「自动请辞」与劳动法的要求不同: 依《劳动合同法》第四十条, 员工不能胜任工作的, 须经过培训或调整工作岗位, "
          "仍不能胜任的, 用人单位方可解除合同并提前三十日书面通知或支付一个月工资; 考核末位不等于不能胜任工作 (最高人民法院"
          "指导案例 18 号)。表中的「请辞」只是按文件规则算出的提示, 请人事先安排培训或调岗并再次考核, 核实后再处理, 不要据此直接解除合同。")


def _score_head(result: Annual) -> str:
    return "季度得分" if result.by == "quarter" else "年度得分"


def _months(result: Annual) -> list[str]:
    return [m for ms in result.periods.values() for m in ms]


def annual_headers(result: Annual) -> list[str]:
    """The full table: identity, months, score, missing months, pay totals, each decision and its reason."""
    heads = _summary_heads(result)
    for col in result.decision_columns:
        heads.insert(heads.index(col) + 1, f"{col}原因")
    return heads


def _summary_heads(result: Annual) -> list[str]:
    pays = [f"{k}合计" for k in PAY_FIGURES if any(k in p.pay for p in result.people)]
    return ["工号", "姓名", "部门", "期间", *_months(result), _score_head(result), "缺考月份", *pays, *result.decision_columns]


def annual_row(p: PersonPeriod, heads: list[str], result: Annual) -> list[Any]:
    values: dict[str, Any] = {"工号": p.pid, "姓名": p.name, "部门": p.dept, "期间": p.period}
    for m, v in p.months.items():
        values[m] = plain(v) if v is not None else None
    values[_score_head(result)] = plain(p.score) if p.score is not None else None
    values["缺考月份"] = join(p.missing)
    for k, v in p.pay.items():
        values[f"{k}合计"] = plain(v)
    for col, (value, reason) in p.decisions.items():
        values[col] = plain(value) if isinstance(value, Decimal) else value
        values[f"{col}原因"] = reason
    return [values.get(h) for h in heads]


def _people(result: Annual) -> list[PersonPeriod]:
    return sorted(result.people, key=lambda p: (p.period, p.dept, p.pid))


def _table(ws, name: str, rows: int, columns: int, style: str = "TableStyleMedium2") -> None:
    if rows:
        table = Table(displayName=name, ref=f"A1:{get_column_letter(columns)}{rows + 1}")
        table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=True)
        ws.add_table(table)


def _bold_header(ws) -> None:
    for cell in ws[1]:
        cell.font = Font(bold=True)


def build_annual(result: Annual) -> Workbook:
    book = Workbook()
    _summary_sheet(book.active, result)
    if result.decision_columns:
        _reasons_sheet(book.create_sheet("决定原因"), result)
    _trend_sheet(book.create_sheet("趋势"), result)
    _explained_sheet(book.create_sheet("说明"), result)
    _issues_sheet(book.create_sheet("问题"), result)
    for sheet in book.worksheets:
        keep_text(sheet)
    return book


def _summary_sheet(ws, result: Annual) -> None:
    ws.title = "季度汇总" if result.by == "quarter" else "年度汇总"
    heads = _summary_heads(result)
    people = _people(result)
    ws.append(heads)
    for p in people:
        ws.append(annual_row(p, heads, result))
    _bold_header(ws)
    months = _months(result)
    if people and months:  # each month's totals from red (low) through yellow to green (high)
        first, last = get_column_letter(heads.index(months[0]) + 1), get_column_letter(heads.index(months[-1]) + 1)
        ws.conditional_formatting.add(f"{first}2:{last}{len(people) + 1}", ColorScaleRule(
            start_type="min", start_color="F8696B", mid_type="percentile", mid_value=50, mid_color="FFEB84",
            end_type="max", end_color="63BE7B"))
    score = heads.index(_score_head(result)) + 1
    for r in range(2, len(people) + 2):
        ws.cell(row=r, column=score).number_format = "0.00"
        ws.cell(row=r, column=score).font = Font(bold=True)
    for col, head in enumerate(heads, start=1):
        if head.endswith("合计"):
            for r in range(2, len(people) + 2):
                ws.cell(row=r, column=col).number_format = "#,##0.00"
    fit_columns(ws, high=24)
    _table(ws, "T_annual", len(people), len(heads))
    ws.freeze_panes = "C2"
    print_a4_landscape(ws, "1:1")


def _reasons_sheet(ws, result: Annual) -> None:
    heads = ["工号", "姓名", "部门", "期间", "决定", "结果", "原因"]
    ws.append(heads)
    count = 0
    for p in _people(result):
        for col, (value, reason) in p.decisions.items():
            ws.append([p.pid, p.name, p.dept, p.period, col, plain(value) if isinstance(value, Decimal) else value, reason])
            count += 1
    _bold_header(ws)
    fit_columns(ws, high=20, wrapped={7: 80})
    _table(ws, "T_reasons", count, len(heads), "TableStyleLight9")
    ws.freeze_panes = "C2"
    print_a4_landscape(ws, "1:1")


def _trend_sheet(ws, result: Annual) -> None:
    """Per department, on a page of its own: a table of people down and months across (and the department's
    average), and a line chart of it below."""
    from openpyxl.worksheet.pagebreak import Break

    months = _months(result)
    by_dept: dict[str, dict[str, PersonPeriod]] = {}
    for p in _people(result):
        by_dept.setdefault(p.dept or "未分部门", {}).setdefault(p.pid, p)
    row = 1
    for number, (dept, members) in enumerate(by_dept.items()):
        if number:
            ws.row_breaks.append(Break(id=row - 1))
        people = list(members.values())
        ws.cell(row=row, column=1, value=f"{dept}: 各月总分").font = Font(bold=True)
        top = row + 1
        for c, head in enumerate(["姓名", *months], start=1):
            ws.cell(row=top, column=c, value=head).font = Font(bold=True)
        for r, p in enumerate(people, start=top + 1):
            ws.cell(row=r, column=1, value=p.name or p.pid)
            for c, m in enumerate(months, start=2):
                v = p.months.get(m)
                ws.cell(row=r, column=c, value=plain(v) if v is not None else None)
        average_row = top + len(people) + 1
        ws.cell(row=average_row, column=1, value="部门平均").font = Font(bold=True)
        for c, m in enumerate(months, start=2):
            values = [p.months[m] for p in people if p.months.get(m) is not None]
            if values:
                ws.cell(row=average_row, column=c, value=float(round_half_up(sum(values, Decimal(0)) / len(values), 2)))
        if months:
            chart = LineChart()
            chart.title = f"{dept} 各月总分"
            chart.y_axis.title = "总分"
            chart.height, chart.width = 8, 22
            chart.add_data(Reference(ws, min_col=1, max_col=len(months) + 1, min_row=top + 1, max_row=average_row),
                           titles_from_data=True, from_rows=True)
            chart.set_categories(Reference(ws, min_col=2, max_col=len(months) + 1, min_row=top, max_row=top))
            chart.series[-1].graphicalProperties.line.width = 38100  # the department's average: a thick line
            ws.add_chart(chart, f"A{average_row + 2}")
        row = average_row + 2 + 17  # the chart's height in rows, then the next department
    fit_columns(ws, low=7, high=12, header_row=2)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    # one page wide by a scale (Excel leaves manual page breaks out when it fits to pages): the 12 months in view
    width = sum(column_points(ws.column_dimensions[get_column_letter(c)].width) for c in range(1, len(months) + 2))
    # (0.8: room for a default font wider than Calibri, as where LibreOffice has no Carlito)
    ws.page_setup.scale = max(40, min(100, int((842 - 2 * 72 * 0.75) / width * 100 * 0.8)))


def _explained_sheet(ws, result: Annual) -> None:
    kind = "季度" if result.by == "quarter" else "年度"
    lines: list[tuple[str, str]] = [
        ("怎样读这份工作簿", f"「{'季度汇总' if result.by == 'quarter' else '年度汇总'}」每人一行: 各月总分 (颜色由红到绿表示由低到高)、"
         f"{kind}得分 (各月平均, 所有分数线都按精确值比较, 表中显示到两位小数)、缺考月份和各项决定的结果; 每项决定的原因 "
         "(哪几个月、多少分) 在「决定原因」表, 各部门的走势在「趋势」表, 输入中的问题在「问题」表。"),
        ("缺考月份", {"skip": "按已有月份平均 (--missing skip)", "zero": "缺考月份按 0 分计 (--missing zero)",
                   "fail": "有缺考月份的人不计算得分, 列在「问题」表 (--missing fail)"}[result.missing_mode]),
    ]
    if not result.rules:
        lines.append(("人事决定", "本方案所依据的文件没有人事决定 (调薪、奖励、请辞等) 的规定, 所以只算得分。"))
    for rule in result.rules:
        lines.append((rule.label, rule.describe()))
    if any(rule.kind in DISMISSAL for rule in result.rules):
        lines.append(("请辞决定的法律提示", CAVEAT))
    ws.append(["项目", "说明"])
    for head, text in lines:
        ws.append([head, text])
    _bold_header(ws)
    wrap_rows(ws, {1: 18, 2: 100})
    print_a4_landscape(ws, "1:1")


def _issues_sheet(ws, result: Annual) -> None:
    # the problems, then the notes said once for the run; 类别 tells them apart (问题 / 说明)
    findings_sheet(ws, [*result.issues, *result.notes], ("文件", "位置", "工号", "类别", "问题"), high=30, wrap=80)
