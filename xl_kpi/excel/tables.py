"""Reading and writing plain tables (.csv, .xlsx) with cell positions kept, and the one rule for "the same person".

Reading keeps each value's row number and column letter so that every problem can say where it is.  Writing goes
through files.atomic_path: a crash never leaves half a file where a good one was.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xl_kpi.base.errors import InputFileError
from xl_kpi.base.files import atomic_path
from xl_kpi.base.findings import NOTICE, Finding
from xl_kpi.base.opener import open_book, sheet_rows, visible_text
from xl_kpi.excel.number_formats import ShownNumbers, _filled, column_letter
from xl_kpi.excel.sheet_style import keep_text
from xl_kpi.schemes.scheme import normalize


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


    def finding(self, index: int, column: int | None = None, message: str = "", **more: Any) -> Finding:
        """A finding about row ``index`` (and ``column``) of this table: worded as ``where`` words it, with the
        file's name before it (Finding.location)."""
        row = self.first_row + index
        cell = f"{column_letter(column)}{row}" if column is not None else ""
        return Finding(file=self.path.name, sheet=self.sheet or "", cell=cell, row=row, message=message, **more)


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


def sheets_notice(tables: list[Table], counts: list[int], what: str) -> Finding:
    """Which sheets of a workbook were read, and how many people each gave, a notice of the file: '花名册分在 2 个
    工作表中, 已依次读取工作表「客服一部」(2 人)、「客服二部」(1 人)' (``what`` is 花名册)."""
    read = "、".join(f"「{table.sheet}」({n} 人)" for table, n in zip(tables, counts))
    return Finding(file=tables[0].path.name, message=f"{what}分在 {len(tables)} 个工作表中, 已依次读取工作表{read}",
                   kind="sheets-read", severity=NOTICE)


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


def id_key(emp: str) -> str:
    """The one rule for "the same person": a 工号 as compared between files and rows (roster, DATA, score tables,
    ticket exports, returned sheets, monthly summaries): NFKC (full-width Ｋ００４ typed with a Chinese IME is
    K004), trimmed.  Letter case is kept: cs001 and CS001 are one person only where annual can tell it is
    unambiguous (periods._id_key), and said so."""
    return unicodedata.normalize("NFKC", emp).strip()


# --------------------------------------------------------------------------- writing


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


def _csv_safe(value: Any) -> Any:
    """Text starting with = + - @ would run as a formula when Excel opens the CSV."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
