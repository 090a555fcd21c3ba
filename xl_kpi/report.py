"""Presenting a scoring run: the output file, and a summary on the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .batch import ScoreReport
from .tables import write_table


def write_report(report: ScoreReport, output: str | Path) -> Path:
    headers = report.headers()
    return write_table(output, headers, report.output_rows(), sheet="评分结果", style=_style(headers))


def _style(headers: list[str]):
    def apply(ws: Any) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        ws.freeze_panes = "B2"
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        problem_col = headers.index("问题") + 1
        red = PatternFill("solid", fgColor="FFF2CC")
        for row in ws.iter_rows(min_row=2):
            if row[problem_col - 1].value:
                for cell in row:
                    cell.fill = red
        for i, head in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(i)].width = 60 if head == "问题" else max(8, len(head) * 2 + 2)

    return apply


def print_report(report: ScoreReport, output: str | Path) -> None:
    from rich.console import Console

    console = Console(stderr=True, soft_wrap=True)
    cols = report.columns
    if cols.unknown:
        console.print(f"[yellow]提示[/yellow]: 以下列不是方案 {report.scheme.id} 的指标, 已忽略: {', '.join(cols.unknown)}")
    if cols.duplicate:
        console.print(f"[yellow]提示[/yellow]: 以下列与前面的列重复, 已忽略: {', '.join(cols.duplicate)}")
    if cols.missing:
        console.print(f"[red]缺少列[/red]: {', '.join(cols.missing)}")
    for row in report.rows:
        for problem in row.problems:
            console.print(f"[red]问题[/red] {report.table.path.name} {problem}", highlight=False)
    scored = len(report.rows)
    bad = report.problem_rows
    console.print(
        f"已处理 {scored} 人, {scored - bad} 人评分完整, {bad} 人有问题; 结果已写入 {output}",
        highlight=False,
    )
