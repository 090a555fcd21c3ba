"""The tickets of a workbook's sheets: a frame per sheet whose header is recognised."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from xl_kpi.base.errors import InputFileError
from xl_kpi.base.findings import NOTICE, Finding
from xl_kpi.base.opener import sheet_rows
from xl_kpi.excel.number_formats import ShownNumbers

from .fields import CATEGORY_FIELDS, FIELDS, HEADER_SEARCH_ROWS, ID_FIELDS
from .headers import cell_string, find_header
from .mapping import Mapping


def read_sheets(book: Any, path: Path, index: int, mapping: Mapping, category: Any, sheets: list[str], one: bool,
                 labelled: bool) -> list[tuple[str, list[str], dict[str, int], list[Finding], Any]]:
    """(sheet, names, columns, notices, frame) of each of ``sheets`` whose header is recognised; ``one``: the
    sheet was named (or is the only one), so an unrecognised header is an error.  Hidden sheets are read only
    when no visible sheet holds tickets (a hidden sheet is most often a lookup list or an old copy)."""
    from python_calamine import SheetVisibleEnum

    shown = ShownNumbers(path)
    date1904 = _date1904(path)  # read once per workbook, for the serials of every sheet
    listed = "、".join(f"「{s}」" for s in book.sheet_names)
    hidden = set() if one else {m.name for m in book.sheets_metadata if m.visible != SheetVisibleEnum.Visible}
    skipped: list[str] = []
    found: list[tuple[str, list[str], dict[str, int], list[str], Any]] = []  # (sheet, names, columns, messages, frame)
    for name in sorted(sheets, key=lambda s: s in hidden):  # visible sheets first, each group in workbook order
        if name in hidden and found:
            continue
        source = f"{path.name} 工作表「{name}」" if labelled else path.name
        rows = [[None if v == "" else v for v in row] for row in sheet_rows(path, book, name, skip_empty_area=False)]
        try:
            at, headers, columns, notices = find_header(rows, mapping, source)
        except InputFileError:
            if one:
                raise
            skipped.append(name)
            continue
        if at:
            notices.append(f"表头在第{at + 1}行, 其上的标题等未读入")
        # ids stored as numbers but shown through a number format (2 formatted 000 is 002) are read as shown
        shown.apply_columns(rows, at, name, {columns[f] for f in ID_FIELDS if f in columns})
        frame = _sheet_frame(rows, at, columns, index + len(found), category, notices, source, date1904)
        found.append((name, headers, columns, notices, frame))
    if not found:
        raise InputFileError(
            f"{path.name}: 没有一个工作表的表头能识别 (前 {HEADER_SEARCH_ROWS} 行中应有 客服工号或客服姓名、客户、创建时间 等列); "
            f"现有工作表: {listed}。请用 --sheet 指定工单所在的工作表, 或在列名映射文件 (--map) 中写明列名")
    passed = [f"工作表 {'、'.join(f'「{s}」' for s in skipped)} 没有可识别的表头, 未读入"] if skipped else []
    if any(name in hidden for name, *_ in found):
        passed.append("可见的工作表中没有工单, 已读取隐藏的工作表")
    else:
        left = [s for s in sheets if s in hidden and s not in skipped]
        if left:
            passed.append(f"隐藏的工作表 {'、'.join(f'「{s}」' for s in left)} 未读入; 需要时请用 --sheet 指定")
    passed_text = f" ({'; '.join(passed)})" if passed else ""
    if len(found) > 1:  # each sheet is a source of its own, named by its sheet in every message
        read = "、".join(f"「{name}」" for name, *_ in found)
        first = f"工单读自 {len(found)} 个工作表 {read}, 各按其工作表中的行号报告" + passed_text
    elif passed:
        first = f"工单读自工作表「{found[0][0]}」{passed_text}"
    else:
        first = ""
    # the notices as findings: of each sheet (named when there is a choice of sheets), the first of the file
    told = [(name, headers, columns, [Finding(path.name, name if labelled else "", message=m, severity=NOTICE)
                                      for m in messages], frame) for name, headers, columns, messages, frame in found]
    if first:
        told[0][3].insert(0, Finding(path.name, message=first, severity=NOTICE))
    return told


def _sheet_frame(rows: list[list[Any]], at: int, columns: dict[str, int], index: int, category: Any,
                 notices: list[str] | None = None, source: str = "", date1904: bool = False) -> Any:
    """The lazy frame of a sheet's tickets: the rows below its header ``rows[at]`` (``rows[0]`` is row 1).

    A number in a time column is an Excel date serial in a cell formatted 常规 (General): read as the date and
    time it stands for, and said in ``notices`` (once per column)."""
    import polars as pl

    body = rows[at + 1:]
    while body and not any(cell_string(v) for v in body[-1]):  # trailing empty rows: no rows of the export
        body.pop()
    first_row = at + 2  # rows[0] is the sheet's row 1: the header is row at + 1
    data: dict[str, list[str | None]] = {}
    for fld, col in columns.items():
        cells = [r[col] if col < len(r) else None for r in body]
        if fld in ("created", "first_reply"):
            serials = [i for i, v in enumerate(cells) if _is_serial(v)]
            if serials and notices is not None:
                i = serials[0]
                shown = cell_string(_from_serial(cells[i], date1904))
                notices.append(f"{FIELDS[fld][0]}列有 {len(serials)} 个单元格是数字 (Excel 的日期序列号, 单元格为"
                               f"常规格式), 已按日期时间读取, 如第{first_row + i}行 {cells[i]} 为 {shown}")
            for i in serials:
                cells[i] = _from_serial(cells[i], date1904)
        data[fld] = [cell_string(v) for v in cells]
    rows_no = list(range(first_row, first_row + len(body)))
    return pl.DataFrame(
        {"file": pl.Series([index] * len(rows_no), dtype=pl.UInt16), "row": pl.Series(rows_no, dtype=pl.UInt32),
         **{fld: pl.Series(values, dtype=pl.String) for fld, values in data.items()}}
    ).with_columns(pl.col(fld).cast(category) for fld in data if fld in CATEGORY_FIELDS).lazy()


def _is_serial(value: Any) -> bool:
    """A number that can be an Excel date-time serial of a ticket: 1954 to 2119 (20000 to 80000 days)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 20_000 <= value < 80_000


def _from_serial(value: float, date1904: bool = False) -> datetime:
    """The date and time an Excel serial stands for (to the millisecond); ``date1904``: the workbook counts
    from 1904 (old Mac Excel)."""
    epoch = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    return epoch + timedelta(milliseconds=round(value * 86_400_000))


def _date1904(path: Path) -> bool:
    """Whether the workbook at ``path`` counts its dates from 1904 (its workbook.xml says date1904)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            head = archive.read("xl/workbook.xml")[:4096]
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return re.search(rb'date1904="(1|true)"', head) is not None
