"""Ticket export files -> sources: each a Polars LazyFrame of text columns under canonical field names.

Every file becomes a frame of text columns named by field (the few-valued ones, ``CATEGORY_FIELDS``, as
categories of the caller's ``Categories``), with the file's index and each row's spreadsheet row number (as in
the file), so every problem found later can say exactly where it is.  The header may stand below a title or an
export time (row numbers stay the file's); an .xlsx's tickets are on every sheet whose header is recognised
(each sheet a source of its own, named by its sheet when there are several), or on ``--sheet``.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xl_kpi.base.errors import InputFileError
from xl_kpi.base.findings import NOTICE, Finding
from xl_kpi.base.opener import open_book

from .csv_text import (
    ENCODINGS,
    csv_rows,
    decode_head,
    encoding_name,
    first_non_utf8,
    guess_encoding,
    has_lone_cr,
    line_at,
    newlines_fixed,
    sample_at,
    separators,
    transcode,
)
from .fields import CATEGORY_FIELDS, HEADER_SEARCH_ROWS
from .headers import find_header
from .mapping import Mapping
from .sheets import read_sheets


@dataclass
class Source:
    """One export file, or one sheet of a workbook whose tickets are on several sheets, as a lazy frame of
    text columns named by field."""

    path: Path
    index: int
    columns: dict[str, int]
    headers: list[str]
    frame: Any  # polars.LazyFrame with columns: file, row, and one per field found
    notices: list[Finding] = field(default_factory=list)  # how the file was read
    temp: Path | None = None  # a UTF-8 copy of a GB18030 or Big5 file, removed by close()
    sheet: str | None = None  # the sheet, when the workbook's tickets are on several sheets (each a Source)

    @property
    def name(self) -> str:
        """How messages, the 问题 sheet and the per-file tally name it: the file, and the sheet if one of several."""
        return self.path.name if self.sheet is None else f"{self.path.name} 工作表「{self.sheet}」"

    def close(self) -> None:
        if self.temp is not None and self.temp.exists():
            self.temp.unlink()


def open_sources(path: str | Path, index: int, mapping: Mapping, categories: Any = None, *,
                 encoding: str | None = None, sheet: str | None = None) -> list[Source]:
    """The sources of one export file: a CSV's one, an .xlsx's one per sheet whose header is recognised
    (or the ``sheet``'s), numbered ``index``, ``index + 1`` … (their ``file`` column).  See ``open_source``."""
    import polars as pl

    path = Path(path)
    if path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm"):
        return _open_xlsx(path, index, mapping, pl.Categorical(categories), sheet if sheet is not None else mapping.sheet)
    return [open_source(path, index, mapping, categories, encoding=encoding, sheet=sheet)]


def open_source(path: str | Path, index: int, mapping: Mapping, categories: Any = None, gb18030: bool = False,
                *, encoding: str | None = None, sheet: str | None = None) -> Source:
    """``categories``: the ``polars.Categories`` of the ``CATEGORY_FIELDS`` columns (one per run,
    shared by all its files); None for the global categories.  ``encoding`` (a CSV's: auto, utf-8,
    gb18030, big5) and ``sheet`` (an .xlsx's) default to the mapping's (``Mapping.encoding``,
    ``Mapping.sheet``: the command's --encoding and --sheet).  ``gb18030``: the CSV was taken as UTF-8
    by its beginning and is not (see ``reopen_gb18030``): choose again between GB18030 and Big5.
    An .xlsx whose tickets are on several sheets is refused: ``open_sources`` reads them all."""
    import polars as pl

    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"找不到文件 {path}")
    category = pl.Categorical(categories)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        wanted = encoding_name(encoding if encoding is not None else mapping.encoding)
        return _open_csv(path, index, mapping, category, wanted, not_utf8=gb18030)
    if suffix in (".xlsx", ".xlsm"):
        sources = _open_xlsx(path, index, mapping, category, sheet if sheet is not None else mapping.sheet)
        if len(sources) > 1:
            raise InputFileError(f"{path.name}: 工单在 {len(sources)} 个工作表中; 请用 --sheet 指定其中一个")
        return sources[0]
    raise InputFileError(f"{path}: 工单导出文件应为 .csv 或 .xlsx, 收到 {path.suffix or '无扩展名'}")


def reopen_gb18030(source: Source, mapping: Mapping, categories: Any = None) -> Source | None:
    """The CSV ``source`` read again as GB18030 or Big5 (whichever its text fits, see ``guess_encoding``),
    when it was taken as UTF-8 (its first 64 KB are) but is not UTF-8 further on; None when that is not
    the case.  Used only after a scan failed."""
    if source.temp is not None or source.path.suffix.lower() != ".csv" or first_non_utf8(source.path) is None:
        return None
    if encoding_name(mapping.encoding) == "utf-8":
        raise InputFileError(f"{source.name}: 文件不是 UTF-8 编码 (--encoding utf-8), 第{line_at(source.path)}行附近"
                             f"无法按 UTF-8 读取; 请去掉 --encoding (自动识别) 或改用 --encoding gb18030 / big5")
    return open_source(source.path, source.index, mapping, categories, gb18030=True)



def _csv_header(text: str, mapping: Mapping, source: str
                ) -> tuple[str, int, int, list[str], dict[str, int], list[str]]:
    """(separator, header index, lines above the header, names, field -> column, notices) of a CSV beginning
    with ``text``.  The header index counts records, as Excel counts rows; the lines above it are the
    physical lines before it (more when a quoted title holds a line break), which the reader skips as
    plain lines, so a stray quote in a title (5" 屏幕) cannot open a quoted cell there."""
    first_error = None
    for separator in separators(text):
        lines: list[int] = []
        try:
            rows = csv_rows(text, separator, 4 * HEADER_SEARCH_ROWS, lines)
        except csv.Error as exc:
            first_error = first_error or InputFileError(f"{source}: 无法读取表头 ({exc})")
            continue
        try:
            at, headers, columns, notices = find_header(rows, mapping, source)
        except InputFileError as exc:
            first_error = first_error or exc
            continue
        return separator, at, lines[at - 1] if at else 0, headers, columns, notices
    raise first_error  # about the most frequent separator's rows


def _open_csv(path: Path, index: int, mapping: Mapping, category: Any, encoding: str = "auto",
              not_utf8: bool = False) -> Source:
    import polars as pl

    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip():
        raise InputFileError(f"{path.name}: 文件是空的, 应有表头行")
    temp = None
    read_path = path
    text = None
    notices: list[Finding] = []
    if encoding in ("auto", "utf-8") and not not_utf8:
        # UTF-8 when the beginning is (a scan that finds otherwise reopens it: ``reopen_gb18030``)
        try:
            text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8":
                raise InputFileError(
                    f"{path.name}: 文件不是 UTF-8 编码 (--encoding utf-8), 第{line_at(path, exc.start)}行附近无法按 "
                    "UTF-8 读取; 请去掉 --encoding (自动识别) 或改用 --encoding gb18030 / big5") from None
    if text is None:
        chosen = encoding
        if chosen in ("auto", "utf-8"):  # not UTF-8: GB18030 or Big5, by what the text fits
            sample = head if not not_utf8 else sample_at(path, first_non_utf8(path) or 0)
            chosen = guess_encoding(sample, mapping)
            order = [chosen, *(e for e in ("gb18030", "big5") if e != chosen)]
        else:
            order = [chosen]
        temp, codec = transcode(path, [c for e in order for c in ENCODINGS[e][1]], explicit=encoding not in ("auto", "utf-8"))
        read_path = temp
        text, _ = decode_head(head, codec)
        used = next(e for e in order if codec in ENCODINGS[e][1])
        if encoding == "auto":
            other = "big5" if used == "gb18030" else "gb18030"
            notices.append(Finding(path.name, message=f"不是 UTF-8 编码, 已按 {ENCODINGS[used][0]} 读取 "
                                   f"(若文字是乱码, 请加 --encoding {other})", severity=NOTICE))
    if has_lone_cr(read_path):  # lines ended by CR alone (old Mac, or pasted together): polars would glue them
        fixed = newlines_fixed(read_path)
        if temp is not None:
            temp.unlink(missing_ok=True)
        temp = read_path = fixed
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notices.append(Finding(path.name, message="有的行以单独的回车 (CR) 结束 (旧式 Mac 或混合换行), 已按换行读取",
                               severity=NOTICE))
    try:
        separator, skip, skip_lines, headers, columns, found = _csv_header(text, mapping, path.name)
    except InputFileError as exc:
        if temp is None:
            raise
        temp.unlink(missing_ok=True)
        how = (f"文件不是 UTF-8 编码, 已按 {ENCODINGS[used][0]} 读取; 若列名是乱码, 请加 --encoding {other}"
               if encoding == "auto" else f"已按 --encoding {encoding} 读取; 若列名是乱码, 请换用其他编码或去掉 --encoding")
        raise InputFileError(f"{exc} ({how})") from None  # the message says how the file was read
    notices += [Finding(path.name, message=m, severity=NOTICE) for m in found]
    if skip:
        notices.append(Finding(path.name, message=f"表头在第{skip + 1}行, 其上的标题等未读入", severity=NOTICE))
    names = [f"c{i}" for i in range(len(headers))]
    lf = pl.scan_csv(
        read_path, has_header=True, separator=separator, quote_char='"', infer_schema=False, new_columns=names,
        schema_overrides={names[col]: category for fld, col in columns.items() if fld in CATEGORY_FIELDS},
        encoding="utf8", truncate_ragged_lines=True, raise_if_empty=False, skip_lines=skip_lines,
        null_values=[""],  # a quoted empty cell ("") is as empty as an unquoted one (a row of "" is a blank row)
    ).with_row_index("row", offset=skip + 2)  # the file's row numbers (as Excel counts): the header is row skip + 1
    frame = lf.select(
        pl.lit(index, pl.UInt16).alias("file"), "row",
        *[pl.col(names[col]).alias(fld) for fld, col in columns.items()],
    )
    return Source(path, index, columns, headers, frame, notices, temp)


def _open_xlsx(path: Path, index: int, mapping: Mapping, category: Any, sheet: str | None = None) -> list[Source]:
    """The tickets of the sheet ``sheet``, or of every sheet whose header is recognised (sheets without one,
    such as a 说明, are passed over with a notice): a Source per sheet, numbered ``index``, ``index + 1`` …,
    each with its own row numbers.  When several sheets are read, each Source is named by its sheet."""
    book = open_book(path)
    sheets = list(book.sheet_names)
    if not sheets:
        raise InputFileError(f"{path.name}: 工作簿中没有工作表")
    listed = "、".join(f"「{s}」" for s in sheets)
    if sheet is not None and sheet not in sheets:
        near = [s for s in sheets if s.strip().lower() == sheet.strip().lower()]
        if len(near) != 1:
            raise InputFileError(f"{path.name}: 没有工作表「{sheet}」(--sheet); 现有工作表: {listed}")
        sheet = near[0]
    labelled = sheet is not None or len(sheets) > 1  # messages name the sheet when there is a choice
    found = read_sheets(book, path, index, mapping, category, [sheet] if sheet is not None else sheets,
                         sheet is not None or len(sheets) == 1, labelled)
    return [Source(path, index + k, columns, headers, frame, notices, sheet=name if len(found) > 1 else None)
            for k, (name, headers, columns, notices, frame) in enumerate(found)]


def read_problem(name: str, exc: BaseException) -> str:
    """A message, in Chinese and naming the file (or sheet) ``name``, for an error Polars raised reading it
    (its own words follow, for whoever looks into it)."""
    text = str(exc).strip()
    detail = text.splitlines()[0] if text else type(exc).__name__
    detail = detail if len(detail) <= 160 else detail[:160] + " …"
    low = text.lower()  # the kind of error may be said on its last line (… is not properly escaped)
    if "utf-8" in detail.lower() or "utf8" in detail.lower():
        why = "文件中有不是 UTF-8 编码的文字; 请加 --encoding gb18030 或 big5, 或另存为 UTF-8 的 CSV"
    elif "malformed" in low or "escaped" in low or "quote" in low:
        why = ('文件格式有误, 多半是某个单元格的引号 (") 没有配对, 其后的内容被连成了一个单元格; '
               "请检查文件中的引号, 或在 Excel 中打开后另存为 CSV")
    elif isinstance(exc, OSError) or "no such file" in low or "os error" in low:
        why = "读取文件时出错 (文件是否被移动、删除或正被其他程序改写?)"
    else:
        why = "读取时出错, 文件可能已损坏; 请在 Excel 中打开后另存为 CSV 或 .xlsx 再试"
    return f"{name}: 无法读取: {why} (Polars: {detail})"
