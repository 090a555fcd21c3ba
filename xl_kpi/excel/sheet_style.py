"""How output sheets read and print: column widths from contents (CJK counted double), wrapped rows as tall as
their text, A4 landscape one page wide, and text that stays text."""

from __future__ import annotations

import unicodedata
from typing import Any


def text_width(text: str, latin: float = 1.0) -> float:
    """The width of a line of text in Excel's column units: a CJK or full-width character is two digits wide, any
    other ``latin`` (1.1 where text wraps in a proportional font and must not be cut)."""
    if text.isascii():  # most cells (工号, numbers): no character to look up
        return len(text) * latin
    return sum(2.0 if unicodedata.east_asian_width(ch) in ("W", "F") else latin for ch in text)


def display_width(value: Any, number_format: str = "General") -> int:
    """The width a value takes in a cell, in Excel's column units: CJK and full-width characters count two;
    a number as its format shows it (#,##0.00: 1,000.00)."""
    if value is None:
        return 0
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "0.00" in number_format:
        text = f"{value:,.2f}" if "," in number_format else f"{value:.2f}"
        return len(text)
    if isinstance(value, float):
        text = f"{value:,.2f}" if abs(value) >= 1000 else f"{value:.2f}".rstrip("0").rstrip(".")
    elif isinstance(value, int) and not isinstance(value, bool):
        text = f"{value:,}" if abs(value) >= 1000 else str(value)
    else:
        text = str(value)
    longest = max(text.split("\n"), key=len) if text else ""
    return int(text_width(longest))


def fit_columns(ws: Any, *, header_row: int = 1, first_row: int | None = None, low: float = 5, high: float = 40,
                wrapped: dict[int, float] | None = None) -> None:
    """Column widths from the contents (header and values), so that a table reads on one screen and one page
    width: a header longer than its values wraps onto two or three lines instead of widening the column.
    ``wrapped``: column number -> width for columns of long text (wrapped, top-aligned)."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    wrapped = wrapped or {}
    first_row = first_row or header_row + 1
    lines = 1
    for col in range(1, ws.max_column + 1):
        letter = get_column_letter(col)
        head = display_width(ws.cell(row=header_row, column=col).value)
        body = max((display_width(c.value, c.number_format) for c in
                    (ws.cell(row=r, column=col) for r in range(first_row, ws.max_row + 1))), default=0)
        if col in wrapped:
            width = wrapped[col]
        else:
            width = max(low, min(high, max(body + 2, min(head + 2, max(body + 2, (head + 3) // 2 + 1)))))
        ws.column_dimensions[letter].width = width
        lines = max(lines, -(-(head + 1) // max(1, int(width) - 1)))
        ws.cell(row=header_row, column=col).alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.row_dimensions[header_row].height = 15 * min(lines, 4) + 3
    if wrapped:
        wrap_rows(ws, wrapped, first_row)


def wrap_rows(ws: Any, widths: dict[int, float], first_row: int = 2) -> None:
    """Columns of long text at the given widths, wrapped and top-aligned, each row as tall as its longest
    text needs (Excel and LibreOffice do not grow a row opened from a file by themselves)."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    for r in range(first_row, ws.max_row + 1):
        lines = 1
        for col, width in widths.items():
            cell = ws.cell(row=r, column=col)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if cell.value is not None:
                per_line = max(1, int(width) - 1)
                lines = max(lines, sum(-(-max(1, display_width(part)) // per_line) for part in str(cell.value).split("\n")))
        for col in range(1, ws.max_column + 1):
            if col not in widths and ws.cell(row=r, column=col).value is not None:
                ws.cell(row=r, column=col).alignment = Alignment(vertical="top", wrap_text=False)
        ws.row_dimensions[r].height = max(15, 15.5 * lines)


def column_points(width: float | None) -> float:
    """A column's width in points, as Excel draws a width of ``width`` characters (Calibri 11: 7 px each + 5)."""
    return int((width if width is not None else 8.43) * 7 + 5) * 0.75


def print_a4_landscape(ws: Any, title_rows: str) -> None:
    """A4 landscape, one page wide, with the title rows repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = title_rows


def keep_text(ws: Any) -> None:
    """Make sure text that looks like a formula ("=HYPERLINK(...)") or an error ("#N/A") stays text.

    openpyxl turns any string starting with "=" into a formula; a name typed by
    a person must never run as one.
    """
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type in ("f", "e") and isinstance(cell.value, str):  # "=…" or "#N/A" typed as text
                cell.data_type = "s"


FINDING_HEADS = ("文件", "工作表", "单元格", "工号", "类别", "问题")  # a 问题 sheet: the findings' columns


def findings_sheet(ws: Any, findings: list[Any], heads: tuple[str, ...] | list[str] = FINDING_HEADS, *,
                   high: float = 36, wrap: float = 70) -> None:
    """A 问题 sheet: one row per finding (xl_kpi.base.findings) under ``heads`` (its columns: Finding.columns),
    the message wrapped in the last column, bold header kept in view, a striped table, A4 landscape one page
    wide.  类别 says 问题, 提示 or 说明: a notice is never read as a problem."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    ws.append(list(heads))
    for finding in findings:
        ws.append(finding.columns(heads))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    fit_columns(ws, high=high, wrapped={len(heads): wrap})
    ws.freeze_panes = "A2"
    print_a4_landscape(ws, "1:1")
    if findings:
        table = Table(displayName="T_issues", ref=f"A1:{get_column_letter(len(heads))}{len(findings) + 1}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
