"""Presenting a scoring run: the output file, and a summary on the terminal.

Also how a command or a ribbon button replaces an output file it writes (score's result, metrics'
DATA, annual's roll-up), as consolidate replaces a summary: ``check_output`` before any work (a file open
in Excel/WPS, or a backup that could not be written, stops the run before anything is read or changed),
``keep_output`` just before writing (the old file is kept as ….备份.xlsx, ….备份2.xlsx …).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xl_kpi.base.errors import InputFileError
from xl_kpi.base.files import check_writable, keep_backup, next_backup
from xl_kpi.excel.tables import write_table
from xl_kpi.workflow.batch import ScoreReport

REPORT_SUFFIXES = (".csv", ".xlsx")


def check_report_output(output: str | Path) -> None:
    """Refuse, before any scoring, an output write_report could not write (its type)."""
    if Path(output).suffix.lower() not in REPORT_SUFFIXES:
        raise InputFileError(f"输出文件应为 .csv 或 .xlsx, 收到 {Path(output).name}")


def write_report(report: ScoreReport, output: str | Path) -> Path:
    headers = report.headers()
    return write_table(output, headers, report.output_rows(), sheet="评分结果", style=_style(headers))


def check_output(output: str | Path) -> Path | None:
    """Raise OutputFileError now if ``output``, or the backup an existing ``output`` would be kept as, could
    not be written (open in Excel/WPS, read-only); return that backup's path (None: no output yet)."""
    output = Path(output)
    backup = next_backup(output) if output.exists() else None
    for target in (output, backup):
        if target is not None:
            check_writable(target)
    return backup


def keep_output(output: str | Path) -> Path | None:
    """Copy an existing ``output`` to its numbered backup before it is replaced (no copy when a backup already
    holds the same bytes); return the backup's path, None when there is no output yet."""
    output = Path(output)
    return keep_backup(output) if output.exists() else None


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


def print_report(report: ScoreReport, output: str | Path, backup: Path | None = None) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(stderr=True, soft_wrap=True)
    cols = report.columns
    shown = lambda items: escape(", ".join(items))  # noqa: E731 - headers and cells are the user's text, not markup
    if cols.unknown:
        console.print(f"[yellow]提示[/yellow]: 以下列不是方案 {report.scheme.id} 的指标, 已忽略: {shown(cols.unknown)}")
    if cols.duplicate:
        console.print(f"[yellow]提示[/yellow]: 以下列与前面的列重复, 已忽略: {shown(cols.duplicate)}")
    if cols.missing:
        console.print(f"[red]缺少列[/red]: {shown(cols.missing)}")
    for row in report.rows:
        for problem in row.problems:  # as Finding.line words it, 问题 in red; the row's 工号 after its place
            console.print(f"[red]{problem.severity}[/red] {escape(problem.text(person=True))}", highlight=False)
    scored = len(report.rows)
    bad = report.problem_rows
    console.print(
        escape(f"已处理 {scored} 人, {scored - bad} 人评分完整, {bad} 人有问题; 结果已写入 {output}"
               + (f" (原结果文件已备份为 {backup.name})" if backup else "")),
        highlight=False,
    )
