"""Reading and writing plain tables (.csv, .xlsx) with cell positions kept.

Reading keeps each value's row number and column letter so that every problem
can say where it is.  Writing is atomic: a temporary file next to the target,
then a rename, so a crash never leaves half a file where a good one was.
"""

from __future__ import annotations

import csv
import filecmp
import functools
import io
import os
import posixpath
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputFileError, OutputFileError
from .opener import open_book, sheet_rows, visible_text


@dataclass
class Table:
    path: Path
    sheet: str | None
    headers: list[str]
    rows: list[list[Any]]  # data rows only
    first_row: int = 2  # spreadsheet row number of rows[0]
    formats: ShownNumbers | None = field(default=None, repr=False, compare=False)  # an .xlsx's number formats

    def percent_cells(self, columns: Iterable[int]) -> set[tuple[int, int]]:
        """(index in ``rows``, column) of the numbers among ``columns`` whose cell is formatted as a percentage
        (0%, 0.0%: Excel stores 90% as 0.9 and shows it so); none for a .csv, or a workbook whose formats
        cannot be read."""
        if self.formats is None or self.sheet is None:
            return set()
        return self.formats.percent_cells(self.sheet, self.first_row - 1, self.rows, set(columns))

    def where(self, index: int, column: int | None = None) -> str:
        """'第5行' or '第5行 C列' (with the sheet name for workbooks)."""
        text = f"第{self.first_row + index}行"
        if column is not None:
            text += f" {column_letter(column)}列"
        if self.sheet:
            text = f"工作表「{self.sheet}」{text}"
        return text


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


HEADER_SEARCH_ROWS = 10  # with ``required``: the header may follow a title, a date line, a note…


def read_table(
    path: str | Path,
    sheet: str | None = None,
    *,
    required: Mapping[str, Iterable[str]] | None = None,
    what: str = "表格",
) -> Table:
    """Read a .csv, or a sheet of an .xlsx (``sheet``, else the first), keeping real row numbers.

    Without ``required`` the first non-empty row is the header.  ``required`` names the columns the
    header must hold, each with the spellings accepted (matched as ``scheme.normalize`` does, e.g.
    ``{"工号": ("工号", "工號", "id")}``): the header is then the first row among the first
    HEADER_SEARCH_ROWS non-empty rows that holds them all (so a title such as 「客服部花名册 2026年10月」
    may stand above it), and an .xlsx without ``sheet`` is read from its first sheet that has such a
    row (a first sheet 「说明」 is passed over).  ``what`` names the table in the error raised when no
    sheet has one ("花名册" -> "花名册应有「工号」和「姓名」列 …").  read_tables gives every such sheet.

    In an .xlsx, a whole number of a required 「工号」 column is read as its number format shows it (1 formatted
    000 is "001", 3 formatted "K"000 is "K003": ShownNumbers); every other cell as calamine gives it.
    """
    tables = _tables(path, sheet, required, what, every=required is not None)
    try:
        return next(tables)
    finally:
        tables.close()


def read_tables(
    path: str | Path,
    sheet: str | None = None,
    *,
    required: Mapping[str, Iterable[str]],
    what: str = "表格",
    incomplete: list[tuple[str, list[str]]] | None = None,
    skipped: list[str] | None = None,
) -> list[Table]:
    """Every table of ``path`` whose header holds the ``required`` columns, in sheet order.

    A .csv, or an .xlsx with ``sheet`` named, gives the one table read_table gives.  An .xlsx without
    ``sheet`` gives one Table per sheet that has such a header row (looked for as read_table does, so
    each sheet may have its own title rows and its own columns); sheets without one (「说明」) are passed
    over.  No sheet with such a header is the InputFileError read_table raises.

    ``incomplete``, when given, gets (sheet name, the required columns it lacks) for each sheet passed
    over whose first rows hold some of the required columns but not all (「名字」 for 「姓名」): a
    sheet the caller may well have meant to be read.  ``skipped``, when given, gets the name of every sheet
    passed over (those in ``incomplete`` too), for a notice of what was not read.
    """
    return list(_tables(path, sheet, required, what, every=True, incomplete=incomplete, skipped=skipped))


def sheets_notice(tables: list[Table], counts: list[int], what: str) -> str:
    """Which sheets of a workbook were read, and how many people each gave: '花名册.xlsx: 花名册分在 2 个工作表中,
    已依次读取工作表「客服一部」(2 人)、「客服二部」(1 人)' (``what`` is 花名册)."""
    read = "、".join(f"「{table.sheet}」({n} 人)" for table, n in zip(tables, counts))
    return f"{tables[0].path.name}: {what}分在 {len(tables)} 个工作表中, 已依次读取工作表{read}"


def _tables(path: str | Path, sheet: str | None, required: Mapping[str, Iterable[str]] | None, what: str,
            *, every: bool, incomplete: list[tuple[str, list[str]]] | None = None,
            skipped: list[str] | None = None) -> Iterator[Table]:
    """The tables with a header, each read only when asked for; InputFileError when there is none at all."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"找不到文件 {path}")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise InputFileError(f"{path}: 只支持 .csv 和 .xlsx 文件, 收到 {path.suffix or '无扩展名'}")
    if suffix == ".csv":
        candidates: Iterable[tuple[list[list[Any]], str | None]] = [(_read_csv(path), None)]
    else:
        candidates = _xlsx_sheets(path, sheet, every=every)
    looked: list[tuple[str | None, list[list[Any]]]] = []
    found = False
    shown = ShownNumbers(path, required) if suffix != ".csv" else None
    for rows, sheet_name in candidates:
        start = _header_row(rows, required)
        if start is not None:
            found = True
            if shown is not None and required:
                shown.apply(rows, start, sheet_name)
            yield _table(path, sheet_name, rows, start, shown)
        else:
            looked.append((sheet_name, rows))
    if found:
        if skipped is not None:
            skipped += [sheet_name for sheet_name, _ in looked if sheet_name is not None]
        if incomplete is not None and required is not None:
            for sheet_name, rows in looked:
                lacking = _lacking(rows, required)
                if sheet_name is not None and lacking:
                    incomplete.append((sheet_name, lacking))
        return
    if required is None or not any(any(_filled(v) for v in row) for _, rows in looked for row in rows):
        raise InputFileError(f"{path}: 文件是空的, 应有表头行 (工号、姓名、各指标)")
    raise InputFileError(_no_header_message(path, looked, required, what))


def _table(path: Path, sheet_name: str | None, rows: list[list[Any]], start: int,
           formats: ShownNumbers | None = None) -> Table:
    headers = [str(v).strip() if _filled(v) else "" for v in rows[start]]
    body = rows[start + 1 :]
    width = len(headers)
    body = [list(r) + [None] * (width - len(r)) for r in body]
    # drop trailing empty rows, keep empty rows in the middle (row numbers must stay right)
    while body and not any(_filled(v) for v in body[-1]):
        body.pop()
    return Table(path=path, sheet=sheet_name, headers=headers, rows=body, first_row=start + 2, formats=formats)


def _header_row(rows: list[list[Any]], required: Mapping[str, Iterable[str]] | None) -> int | None:
    """Index of the header row: the first non-empty row, or (``required``) the first of the first
    HEADER_SEARCH_ROWS non-empty rows that holds every required column."""
    if required is None:
        return next((i for i, row in enumerate(rows) if any(_filled(v) for v in row)), None)
    return next((i for i, lacking in _candidates(rows, required) if not lacking), None)


def _lacking(rows: list[list[Any]], required: Mapping[str, Iterable[str]]) -> list[str]:
    """The required columns missing from the first of the first HEADER_SEARCH_ROWS non-empty rows that holds
    some of them; [] when no row holds any."""
    return next((lacking for _, lacking in _candidates(rows, required) if len(lacking) < len(required)), [])


def _candidates(rows: list[list[Any]], required: Mapping[str, Iterable[str]]) -> Iterator[tuple[int, list[str]]]:
    """(index, the required columns it lacks) of each of the first HEADER_SEARCH_ROWS non-empty rows; columns are
    matched by any of their spellings, as ``scheme.normalize`` writes them."""
    from .scheme import normalize  # here: scheme's own imports must not come round to tables

    wanted = {name: {normalize(a) for a in (name, *aliases)} for name, aliases in required.items()}
    filled = (i for i, row in enumerate(rows) if any(_filled(v) for v in row))
    for _, i in zip(range(HEADER_SEARCH_ROWS), filled):
        cells = {normalize(v) for v in rows[i] if _filled(v)}
        yield i, [name for name, spellings in wanted.items() if not cells & spellings]


def _no_header_message(path: Path, looked: list[tuple[str | None, list[list[Any]]]],
                       required: Mapping[str, Iterable[str]], what: str) -> str:
    columns = "和".join(f"「{name}」" for name in required)
    first = next(((name, i, row) for name, rows in looked for i, row in enumerate(rows)
                  if any(_filled(v) for v in row)), None)
    seen = ""
    if first is not None:
        name, i, row = first
        cells = [cell_text(v) for v in row if _filled(v)]
        shown = ", ".join(cells[:8]) + (" …" if len(cells) > 8 else "")
        seen = f" ({'工作表「' + name + '」' if name else ''}第{i + 1}行为: {shown})"
    sheets = "" if looked[0][0] is None else "在工作表" + "、".join(f"「{name}」" for name, _ in looked) + "的"
    return f"{path.name}: {what}应有{columns}列, 但{sheets}前 {HEADER_SEARCH_ROWS} 行中没有含这些列名的表头行{seen}"


def cell_text(value: Any) -> str:
    """A cell as text: 1001.0 read from Excel is "1001", None is ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


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
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in longest)


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


def print_a4_landscape(ws: Any, title_rows: str) -> None:
    """A4 landscape, one page wide, with the title rows repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = title_rows


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _read_csv(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise InputFileError(f"{path}: 无法识别文件编码, 请另存为 UTF-8 的 CSV")
    # control characters no workbook may hold (a vertical tab pasted into a name) are shown as their pictures (␋)
    return [[visible_text(v) if v != "" else None for v in row] for row in csv.reader(io.StringIO(text))]


def _xlsx_sheets(path: Path, sheet: str | None, *, every: bool) -> Iterator[tuple[list[list[Any]], str]]:
    """(rows, sheet name) of ``sheet``, else of the first sheet, else (``every``) of each sheet in turn,
    each read only when asked for."""
    book = open_book(path)
    names = book.sheet_names
    if not names:
        raise InputFileError(f"{path}: 工作簿中没有工作表")
    if sheet is not None and sheet not in names:
        raise InputFileError(f"{path}: 没有工作表「{sheet}」; 现有: {', '.join(names)}")
    if sheet is not None or not every:
        names = [sheet or names[0]]
    for name in names:
        try:
            rows = sheet_rows(path, book, name, skip_empty_area=False)
        except InputFileError as exc:  # a chart sheet has no cells
            if len(names) == 1:
                raise InputFileError(f"{path}: 无法读取工作表「{name}」 ({exc})") from None
            continue
        yield [[None if v == "" else v for v in row] for row in rows], name


# --------------------------------------------------------------------------- numbers shown as text

SHOWN_AS_TEXT = ("工号",)  # required columns whose whole numbers are read as their number format shows them
_COLORS = {"black", "blue", "cyan", "green", "magenta", "red", "white", "yellow"}
_LITERALS = set(" $-+():!^&'~{}<>=")  # shown as typed without quotes
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_ATTR_R = re.compile(rb"""(?:^|\s)r\s*=\s*["']([^"']*)["']""")
_ATTR_S = re.compile(rb"""(?:^|\s)s\s*=\s*["'](\d+)["']""")
_CELL_REF = re.compile(rb"([A-Za-z]{1,3})(\d+)$")


def id_key(emp: str) -> str:
    """The one rule for "the same person": a 工号 as compared between files and rows (roster, DATA, score tables,
    ticket exports, returned sheets, monthly summaries): NFKC (full-width Ｋ００４ typed with a Chinese IME is
    K004), trimmed.  Letter case is kept: cs001 and CS001 are one person only where annual can tell it is
    unambiguous (periods._id_key), and said so."""
    return unicodedata.normalize("NFKC", emp).strip()


class ShownNumbers:
    """The 工号 of an .xlsx as Excel shows them: 1 in a cell formatted 000 is 001, 3 formatted "K"000 is K003.

    calamine gives values only, so the cells' number formats are read from the workbook itself: styles.xml
    first, and only when it has such a format (made of zeros and literal text: 000, "K"000, \\K000, 0000_) …)
    the sheet's XML, for the cells of the 工号 column; formats with decimals, dates, percentages or conditions
    are left alone, as are negative numbers.  A workbook that cannot be read this way is read as calamine
    gives it."""

    def __init__(self, path: Path, required: Mapping[str, Iterable[str]] | None = None) -> None:
        from .scheme import normalize

        self.path = path
        required = required or {}
        self.spellings = {normalize(a) for name in SHOWN_AS_TEXT if name in required
                          for a in (name, *required[name])}
        self._styles: dict[int, str] | None = None  # cell style index -> format code shown as text
        self._formats: list[tuple[str, str]] | None = None  # cell style index -> (numFmtId, format code)
        self._parts: dict[str, str] | None = None  # sheet name -> its part in the archive

    def apply(self, rows: list[list[Any]], start: int, sheet: str) -> None:
        """Replace, in ``rows`` below the header row ``start``, each whole number of the 工号 columns by the text
        its number format shows."""
        from .scheme import normalize

        if not self.spellings:
            return
        self.apply_columns(rows, start, sheet, {c for c, v in enumerate(rows[start])
                                                if _filled(v) and normalize(str(v)) in self.spellings})

    def apply_columns(self, rows: list[list[Any]], start: int, sheet: str, columns: set[int]) -> None:
        """The same for the given ``columns`` (indexes) of the rows below the header row ``start``."""
        wanted = {r for r in range(start + 1, len(rows)) for c in columns if c < len(rows[r]) and _whole(rows[r][c])}
        if not wanted:
            return
        try:
            styles = self._text_styles()
            if not styles:
                return
            cells = self._cells(sheet, columns, wanted, styles)
        except Exception:  # noqa: BLE001 - a part we cannot read: the values stay as calamine gave them
            return
        for (r, c), code in cells.items():
            text = shown_whole_number(int(rows[r][c]), code)
            if text is not None:
                rows[r][c] = text

    def _read(self, archive: Any, name: str) -> bytes:
        from .opener import MAX_TOTAL_BYTES

        if archive.getinfo(name).file_size > MAX_TOTAL_BYTES:
            raise ValueError(name)
        return archive.read(name)

    def percent_cells(self, sheet: str, offset: int, rows: list[list[Any]], columns: set[int]) -> set[tuple[int, int]]:
        """(index in ``rows``, column) of the numbers in ``columns`` whose cells are formatted as percentages;
        ``rows`` start at the sheet's row index ``offset`` (0-based, as calamine gives them from A1)."""
        wanted = {offset + i for i, row in enumerate(rows)
                  for c in columns if c < len(row) and isinstance(row[c], (int, float)) and not isinstance(row[c], bool)}
        if not wanted:
            return set()
        try:
            styles = {index: "%" for index in self.percent_styles()}
            cells = self._cells(sheet, columns, wanted, styles) if styles else {}
        except Exception:  # noqa: BLE001 - a part we cannot read: the values are taken as they are
            return set()
        return {(r - offset, c) for r, c in cells}

    def percent_styles(self) -> set[int]:
        """The indexes of the cell styles whose number format is a percentage (is_percent_format)."""
        return {index for index, (number, code) in enumerate(self._style_formats()) if is_percent_format(number, code)}

    def _style_formats(self) -> list[tuple[str, str]]:
        """(numFmtId, its format code, "" for a built-in one) of each cell style, from styles.xml."""
        if self._formats is None:
            import zipfile

            from defusedxml import ElementTree

            self._formats = []
            with zipfile.ZipFile(self.path) as archive:
                names = set(archive.namelist())
                if "xl/styles.xml" not in names:
                    return self._formats
                root = ElementTree.fromstring(self._read(archive, "xl/styles.xml"))
            codes = {fmt.get("numFmtId"): fmt.get("formatCode", "") for fmt in root.iter(f"{{{_MAIN}}}numFmt")}
            xfs = root.find(f"{{{_MAIN}}}cellXfs")
            for xf in xfs if xfs is not None else []:
                number = xf.get("numFmtId", "0")
                self._formats.append((number, codes.get(number, "")))
        return self._formats

    def _text_styles(self) -> dict[int, str]:
        if self._styles is None:
            self._styles = {}
            for index, (_number, code) in enumerate(self._style_formats()):
                if code and shown_whole_number(1, code) not in (None, "1"):  # "0", "#" show what calamine gives
                    self._styles[index] = code
        return self._styles

    def _cells(self, sheet: str, columns: set[int], wanted: set[int], styles: dict[int, str]) -> dict[tuple[int, int], str]:
        """(row index, column index) -> format code, for the cells of ``columns`` in the rows ``wanted`` (0-based,
        as calamine gives them from A1) whose style shows whole numbers as text."""
        import zipfile

        from defusedxml import ElementTree

        with zipfile.ZipFile(self.path) as archive:
            if self._parts is None:
                book = ElementTree.fromstring(self._read(archive, "xl/workbook.xml"))
                rels = ElementTree.fromstring(self._read(archive, "xl/_rels/workbook.xml.rels"))
                targets = {}
                for rel in rels.iter(f"{{{_PACKAGE_REL}}}Relationship"):
                    target = rel.get("Target", "")
                    targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else \
                        posixpath.normpath(posixpath.join("xl", target))
                self._parts = {s.get("name"): targets.get(s.get(f"{{{_REL}}}id"), "")
                               for s in book.iter(f"{{{_MAIN}}}sheet")}
            data = self._read(archive, self._parts[sheet])
        out: dict[tuple[int, int], str] = {}
        if data.count(b'<c r="') == data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>"):
            # as Excel, WPS and openpyxl write them: every cell opens <c r="A2" …>, so only the columns' are looked at
            letters = b"|".join(column_letter(c).encode("ascii") for c in sorted(columns))
            for match in re.finditer(rb'<c r="(' + letters + rb')(\d+)"([^>]*)>', data):
                row = int(match.group(2)) - 1
                if row in wanted:
                    style = _ATTR_S.search(match.group(3))
                    code = styles.get(int(style.group(1)) if style else 0)
                    if code is not None:
                        out[(row, _column_index(match.group(1).decode("ascii")))] = code
            return out
        row, col = -1, -1
        last = max(wanted)
        for match in _TAG.finditer(data):  # the row and cell tags only: no entity is ever expanded
            kind, attrs = match.groups()
            ref = _ATTR_R.search(attrs)
            if kind == b"row":
                row = int(ref.group(1)) - 1 if ref else row + 1
                col = -1
                if row > last:
                    break
                continue
            cell = _CELL_REF.match(ref.group(1)) if ref else None
            if cell:
                row = int(cell.group(2)) - 1
                col = _column_index(cell.group(1).decode("ascii"))
            else:
                col += 1
            if row in wanted and col in columns:
                style = _ATTR_S.search(attrs)
                code = styles.get(int(style.group(1)) if style else 0)
                if code is not None:
                    out[(row, col)] = code
        return out


PERCENT_FORMAT_IDS = ("9", "10")  # the built-in number formats 0% and 0.00%


def is_percent_format(number_format_id: str, code: str) -> bool:
    """Whether a cell style's number format shows numbers as percentages: the built-in 0% and 0.00%, or a code
    with % outside quotes and escapes in its first section (0.0%, 0.0##%;[Red]-0.0##%); not 0"%" (a literal)."""
    if number_format_id in PERCENT_FORMAT_IDS:
        return True
    sections = _sections(code) if code else None
    return bool(sections) and "%" in re.sub(r'"[^"]*"|[\\_*].', "", sections[0])


def _column_index(letters: str) -> int:
    """A -> 0, Z -> 25, AA -> 26."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def _whole(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer() \
        and value >= 0


def shown_whole_number(number: int, code: str) -> str | None:
    """How Excel shows the whole number ``number`` (not negative) in a cell of number format ``code``, when the
    format is made of digit placeholders (0, #) and literal text only: 1 with 000 is 001, 3 with "K"000 is K003,
    1234567 with 000-0000 is 123-4567 (spaces at either end left out).  None for any other format (decimals, thousands separators, %, dates,
    times, conditions, text sections, General), which is then left alone."""
    sections = _parsed(code)
    if sections is None or number < 0:
        return None
    tokens = sections[2] if number == 0 and len(sections) >= 3 else sections[0]
    slots = [i for i, t in enumerate(tokens or ()) if t in ("0", "#")]
    if tokens is None or not slots:
        return None
    out = ["" if t in ("0", "#") else t[1:] for t in tokens]
    digits = str(number) if number else ""  # Excel counts no significant digit in 0: # shows nothing
    for i in reversed(slots):
        if digits:
            out[i], digits = digits[-1], digits[:-1]
        elif tokens[i] == "0":
            out[i] = "0"
    out[slots[0]] = digits + out[slots[0]]  # the first placeholder takes every digit left over
    return "".join(out).strip()  # without the padding of _) at either end


@functools.lru_cache(maxsize=256)
def _parsed(code: str) -> tuple[list[str] | None, ...] | None:
    """The tokens of each section of a number format (None for a section that is not digits and text); None for a
    format with a condition or an unclosed quote."""
    sections = _sections(code)
    if sections is None or any(_is_condition(s) for s in sections):
        return None
    return tuple(_tokens(section) for section in sections)


def _sections(code: str) -> list[str] | None:
    """The ;-separated sections of a number format, quotes and escapes kept; None when a quote is not closed."""
    sections, current, i = [], "", 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            end = code.find('"', i + 1)
            if end == -1:
                return None
            current += code[i : end + 1]
            i = end + 1
            continue
        if ch in "\\_*" and i + 1 < len(code):
            current += code[i : i + 2]
            i += 2
            continue
        if ch == ";":
            sections.append(current)
            current = ""
        else:
            current += ch
        i += 1
    return [*sections, current]


def _is_condition(section: str) -> bool:
    return re.search(r"\[\s*[<>=]", re.sub(r'"[^"]*"', "", section)) is not None


def _tokens(section: str) -> list[str] | None:
    """A section as "0" and "#" placeholders and literal pieces (each prefixed "'"); None when it holds anything
    else (. , % E @ ? /, letters: decimals, dates, times, fractions, text)."""
    tokens: list[str] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            end = section.index('"', i + 1)
            tokens.append("'" + section[i + 1 : end])
            i = end + 1
            continue
        if ch == "\\":
            tokens.append("'" + section[i + 1 : i + 2])
            i += 2
            continue
        if ch == "_":  # a space as wide as the next character
            tokens.append("' ")
            i += 2
            continue
        if ch == "*":  # the next character repeated to fill the cell
            i += 2
            continue
        if ch == "[":
            end = section.find("]", i)
            if end == -1:
                return None
            inside = section[i + 1 : end]
            currency = re.fullmatch(r"\$([^-]*)(?:-[0-9A-Fa-f]+)?", inside)
            if currency:
                tokens.append("'" + currency.group(1))
            elif not (inside.lower() in _COLORS or re.fullmatch(r"(?i)color\d+", inside)):
                return None  # [h], [mm], a condition
            i = end + 1
            continue
        if ch in "0#":
            tokens.append(ch)
        elif ch in _LITERALS or ord(ch) > 127:
            tokens.append("'" + ch)
        else:
            return None
        i += 1
    return tokens


# --------------------------------------------------------------------------- writing


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; move it into place on success.

    A target that cannot be written (open in Excel/WPS, read-only, a read-only
    folder) is an OutputFileError, found before the caller builds its output
    where possible; the temporary file never stays behind.
    """
    target = Path(target)
    tmp = _temp_next_to(target)
    try:
        check_replaceable(target)
        yield tmp
        try:
            os.chmod(tmp, _file_mode(target))  # mkstemp makes 0600; the result should be an ordinary file
            os.replace(tmp, target)
        except OSError as exc:
            raise _cannot_replace(target, exc) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def check_writable(target: str | Path) -> None:
    """Raise OutputFileError now if ``target`` could not be written, before anything else is changed."""
    target = Path(target)
    os.unlink(_temp_next_to(target))
    check_replaceable(target)


def lock_files(target: Path) -> list[Path]:
    """The lock files an office program keeps next to a file it has open: LibreOffice's .~lock.NAME#, and
    Excel's and WPS's ~$NAME (Excel drops the first two characters of longer names)."""
    folder, name = target.parent, target.name
    candidates = [folder / f".~lock.{name}#", folder / f"~${name}"]
    if len(name) > 2:
        candidates.append(folder / f"~${name[2:]}")
    return [c for c in candidates if c.is_file()]


def check_replaceable(target: Path) -> None:
    """An existing ``target`` must be open-able for writing: not held by Excel/WPS/LibreOffice (on Windows the
    open fails; elsewhere the program's lock file says so), not read-only."""
    if not target.exists():
        return
    locks = lock_files(target)
    if locks:
        raise OutputFileError(
            f"{target} 正在 Excel/WPS/LibreOffice 中打开 (有锁文件 {locks[0].name}), 写入会与您未保存的修改互相覆盖; "
            f"请先关闭它再重试 (如确定没有打开, 是上次异常退出留下的锁文件, 可删除 {locks[0].name})")
    try:
        with open(target, "r+b"):  # writes nothing; fails on Windows while Excel/WPS has the file open
            pass
    except OSError as exc:
        raise _cannot_replace(target, exc) from None


BACKUP_MARK = ".备份"
_BACKUP_STEM = re.compile(re.escape(BACKUP_MARK) + r"\d*$")


def backup_path(target: str | Path, number: int = 1) -> Path:
    """The name of an output's ``number``-th backup: 汇总.xlsx -> 汇总.备份.xlsx, 汇总.备份2.xlsx, 汇总.备份3.xlsx …

    keep_backup chooses the number (the first is the plain ….备份.xlsx); use the path it returns."""
    target = Path(target)
    return target.with_name(f"{target.stem}{BACKUP_MARK}{number if number > 1 else ''}{target.suffix}")


def is_backup(path: str | Path) -> bool:
    """Whether ``path`` is named as one of our backups (….备份.xlsx, ….备份2.xlsx …): folder readers skip these."""
    return _BACKUP_STEM.search(Path(path).stem) is not None


def backups_of(target: str | Path) -> list[Path]:
    """The backups of ``target`` already next to it, by number (….备份.xlsx first)."""
    return [path for _, path in _numbered_backups(Path(target))]


def next_backup(target: str | Path) -> Path:
    """Where keep_backup would keep ``target`` (checked by callers before anything is written).

    An older backup is never replaced: the copy goes to the next free number (….备份.xlsx, then
    ….备份2.xlsx, ….备份3.xlsx …; one past the highest, so a higher number is always a later copy).
    When a backup already holds exactly these bytes, that backup is the answer (no other copy is made)."""
    target = Path(target)
    kept = _numbered_backups(target)
    for _, old in reversed(kept):  # the latest first: usually the one a repeated run would match
        if _same_bytes(target, old):
            return old
    number = (kept[-1][0] if kept else 0) + 1
    while (backup := backup_path(target, number)).exists():  # a name the listing did not match
        number += 1
    return backup


def keep_backup(target: str | Path) -> Path:
    """Copy ``target`` to ``next_backup(target)``, atomically (unless that already holds these bytes);
    return the backup's path."""
    backup = next_backup(target)
    if not backup.exists():
        with atomic_path(backup) as tmp:
            shutil.copy2(target, tmp)
    return backup


def _numbered_backups(target: Path) -> list[tuple[int, Path]]:
    pattern = re.compile(re.escape(target.stem + BACKUP_MARK) + r"([2-9]|[1-9]\d+)?" + re.escape(target.suffix),
                         re.IGNORECASE)  # as a case-insensitive disk (Windows, macOS) would match them
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    return sorted((int(m.group(1) or 1), target.parent / name) for name in names if (m := pattern.fullmatch(name)))


def _same_bytes(a: Path, b: Path) -> bool:
    """Whether two files hold exactly the same bytes (an unreadable one counts as different)."""
    try:
        return filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


def refuse_overwrite(output: str | Path, inputs: Iterable[str | Path], what: str = "结果文件") -> None:
    """An OutputFileError when ``output`` is one of the ``inputs``: writing it would replace what the user gave."""
    for path in inputs:
        if same_file(output, path):
            raise OutputFileError(f"{what} {output} 就是输入文件 {path}, 写入会覆盖原数据; 请用 -o 指定另一个文件")


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one existing file (links, "./x" and case-insensitive disks included)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return False


TEMP_PREFIX = ".xlkpi-tmp-"  # our temporary outputs, moved into place when complete: folder readers skip them


def _temp_next_to(target: Path) -> Path:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.stem}-", suffix=target.suffix, dir=target.parent)
    except OSError as exc:
        raise OutputFileError(
            f"无法写入 {target}: 文件夹 {os.path.abspath(target.parent)} 不能写入 (只读或没有权限, {exc.strerror or exc}), "
            "请换一个文件夹或请管理员开放写权限"
        ) from None
    os.close(fd)
    return Path(tmp)


def _cannot_replace(target: Path, exc: OSError) -> OutputFileError:
    return OutputFileError(
        f"无法写入 {target}: 文件可能正在 Excel/WPS 中打开或为只读, 请关闭后重试 ({exc.strerror or exc})"
    )


def _file_mode(target: Path) -> int:
    """The mode a new file would get (0666 less the umask), or the mode of the file being replaced."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_table(
    path: str | Path,
    headers: list[str],
    rows: list[list[Any]],
    *,
    sheet: str = "结果",
    style: Callable[[Any], None] | None = None,
) -> Path:
    """Write a header and rows to .csv (UTF-8 with BOM, as Excel likes) or .xlsx, atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputFileError(f"输出文件应为 .csv 或 .xlsx, 收到 {path.name}")
    with atomic_path(path) as tmp:
        if suffix == ".csv":
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow([_csv_safe(h) for h in headers])
                writer.writerows([_csv_safe(v) for v in row] for row in rows)
        else:
            from openpyxl import Workbook

            book = Workbook()
            ws = book.active
            ws.title = sheet
            ws.append(headers)
            for row in rows:
                ws.append(row)
            keep_text(ws)
            if style is not None:
                style(ws)
            book.save(tmp)
    return path


def keep_text(ws: Any) -> None:
    """Make sure text that looks like a formula ("=HYPERLINK(...)") or an error ("#N/A") stays text.

    openpyxl turns any string starting with "=" into a formula; a name typed by
    a person must never run as one.
    """
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type in ("f", "e") and isinstance(cell.value, str):  # "=…" or "#N/A" typed as text
                cell.data_type = "s"


def _csv_safe(value: Any) -> Any:
    """Text starting with = + - @ would run as a formula when Excel opens the CSV."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
