"""The one guarded door for every workbook a user hands us: returned sheets, rosters, DATA files, ticket
exports, monthly summaries, sales tables, templates.

An .xlsx is a zip archive of XML parts.  Before any parser allocates anything we check, while actually
decompressing (so an archive that lies about its sizes is caught too):
- that it is a zip at all (an encrypted workbook or an old .xls is not), with a sane number of parts;
- the bytes the parts expand to, and the expansion ratio (zip bombs);
- each sheet's used range, declared (``<dimension>``) and actual (the farthest cell): a parser allocates
  rows × columns, so one cell at XFD1048576 in a 24 KB file would ask for 17 billion cells;
- the text the cells would hold: shared strings are stored once and referenced by many cells, so 100,000
  cells sharing one 32,767-character string in a 0.5 MB file would expand to 3.3 billion characters;
- each string's length (Excel's own limit is 32,767 characters).
Any failure of the parsing library (an error, MemoryError, a Rust panic) becomes an ``InputFileError``
naming the file, never a traceback and never the end of the run.

Text that cannot live in a workbook (control characters such as the vertical tab LibreOffice saves as
``_x000b_``) is made visible (``␋``) by ``visible_text``, so that writing it back never fails.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from xl_kpi.base.errors import InputFileError

MAX_ENTRIES = 2_000
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # expanded size of all parts together
MAX_RATIO = 200  # expanded / compressed, per part larger than 1 MB
MAX_CELLS = 30_000_000  # rows × columns of one sheet's used range (a full ticket export: 1,048,576 × 28)
MAX_TEXT = 100_000_000  # bytes of text all cells hold together, shared strings counted per cell ...
AMPLIFICATION = 20  # ... refused above that only when it is this many times the file's expanded size
MAX_STRING = 32_767  # Excel's limit for one cell
CHUNK = 1024 * 1024

_REF = re.compile(rb'\sr="([A-Z]{1,3})([0-9]{1,7})"')  # a cell's reference (a row's r="5" has no letters)
_SHARED_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\bt="s"[^>]*>\s*<(?:\w+:)?v>\s*([0-9]+)\s*<')
_OVERLAP = 1024  # bytes carried from one chunk to the next, so that no cell is cut in two
_DIMENSION = re.compile(rb'<dimension\s+ref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})"')
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CONTROL_PICTURES = re.compile("[\u2400-\u2408\u240b\u240c\u240e-\u241f]")  # what visible_text shows them as

T = TypeVar("T")


@dataclass(frozen=True)
class ZipReport:
    entries: int
    expanded: int
    has_macros: bool
    external_links: int


def _column(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _looks_like_text(path: Path) -> bool:
    """Whether the file's first 4 KB read as text (a CSV renamed to .xlsx): no NUL byte, UTF-8 or GB18030."""
    try:
        with open(path, "rb") as fh:
            sample = fh.read(4096)
    except OSError:
        return False
    if not sample.strip() or b"\x00" in sample:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            sample.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(sample) - 4:  # a character cut at the end of the sample
                return True
    return False


def check_xlsx(path: str | Path, *, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_TOTAL_BYTES,
               max_cells: int = MAX_CELLS, max_text: int = MAX_TEXT) -> ZipReport:
    """Raise InputFileError (in Chinese) unless ``path`` is a sane, unencrypted xlsx/xlsm archive."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputFileError(f"无法读取文件: {exc.strerror}") from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputFileError("文件已加密 (设置了打开密码) 或是旧版 .xls 格式, 请取消密码并另存为 .xlsx")
    if not head.startswith(b"PK"):
        if _looks_like_text(path):
            raise InputFileError("内容是文本 (如 CSV 导出), 不是 Excel 工作簿 (.xlsx), 虽然扩展名是 "
                                 f"{path.suffix}; 是 CSV 时请把扩展名改为 .csv, 或在 Excel 中打开后另存为 .xlsx")
        raise InputFileError("不是 Excel 工作簿 (.xlsx), 文件可能已损坏")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputFileError("工作簿已损坏 (不是完整的 zip 文件), 请重新保存后发送") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > max_entries:
            raise InputFileError(f"工作簿包含 {len(infos)} 个部件, 超过上限 {max_entries}, 已拒绝读取")
        names = {info.filename for info in infos}
        if "xl/workbook.xml" not in names:
            raise InputFileError("不是 Excel 工作簿: 缺少 xl/workbook.xml")
        declared = sum(info.file_size for info in infos)
        if declared > max_bytes:
            raise InputFileError(f"工作簿解压后有 {declared // (1024 * 1024)} MB, 超过上限 {max_bytes // (1024 * 1024)} MB "
                                 "(疑似压缩炸弹), 已拒绝读取")
        for info in infos:
            if info.file_size > CHUNK and info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                raise InputFileError(f"部件 {info.filename} 压缩比异常 (疑似压缩炸弹), 已拒绝读取")
        budget = _Budget(max_bytes)
        lengths = _shared_lengths(archive, names, budget)
        titles = _sheet_titles(archive, names)
        text = 0
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                text += _scan_sheet(archive, info, lengths, budget, max_cells, titles.get(info.filename))
            elif info.filename != "xl/sharedStrings.xml":
                _drain(archive, info, budget)
        # many cells referencing one long text: far more text than the file holds (a large export holds
        # at most a few times its own size)
        if text > max_text and text > AMPLIFICATION * budget.total:
            raise InputFileError(f"工作簿中的文字展开后有 {text // 1_000_000} 百万字节 (许多单元格引用同一段长文字), "
                                 "超过上限, 已拒绝读取; 请检查是否误粘贴了大段文字")
        return ZipReport(
            entries=len(infos),
            expanded=budget.total,
            has_macros=any(n.lower().endswith("vbaproject.bin") for n in names),
            external_links=sum(1 for n in names if n.startswith("xl/externalLinks/") and n.endswith(".xml")),
        )


class _Budget:
    """Bytes decompressed so far, against the limit (counted while reading, not as declared)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.total = 0

    def add(self, size: int) -> None:
        self.total += size
        if self.total > self.limit:
            raise InputFileError("工作簿解压后超过大小上限 (疑似压缩炸弹), 已拒绝读取")


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> Iterator[bytes]:
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                budget.add(len(chunk))
                yield chunk
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError, ValueError) as exc:
        raise InputFileError(f"工作簿已损坏 ({info.filename}: {exc}), 请重新保存后发送") from None


def _drain(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> None:
    for _ in _chunks(archive, info, budget):
        pass


def _shared_lengths(archive: zipfile.ZipFile, names: set[str], budget: _Budget) -> list[int]:
    """The length of each shared string, in order; a string longer than a cell may hold is refused."""
    if "xl/sharedStrings.xml" not in names:
        return []
    lengths: list[int] = []
    tail = b""
    for chunk in _chunks(archive, archive.getinfo("xl/sharedStrings.xml"), budget):
        data = tail + chunk
        end = data.rfind(b"</si>")
        if end < 0:
            tail = data
            continue
        tail = data[end + 5:]
        for item in data[: end + 5].split(b"</si>")[:-1]:
            length = sum(len(t) for t in re.findall(rb"<t[^>]*>(.*?)</t>", item, re.S))
            if length > MAX_STRING * 4:  # bytes of UTF-8 (and entities): at most 4 per character
                raise InputFileError(f"工作簿中有一段文字长 {length} 字节, 超过 Excel 单元格的上限 {MAX_STRING} 字, 已拒绝读取")
            lengths.append(length)
    return lengths


def _sheet_titles(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Part name (xl/worksheets/sheet2.xml) -> the sheet's name as its tab shows it, for the messages."""
    from defusedxml import ElementTree

    try:
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except Exception:  # noqa: BLE001 - the names only serve the messages; the parser will say what is wrong
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    out = {}
    for sheet in book.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"):
        rid = sheet.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        if rid in targets:
            out[targets[rid]] = sheet.get("name", "")
    return out


def _scan_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, lengths: list[int], budget: _Budget,
                max_cells: int, title: str | None = None) -> int:
    """The farthest cell of a sheet (declared and actual) against ``max_cells``; returns the bytes of text
    its shared-string cells would hold (each cell counts its string once more)."""
    rows = cols = 0
    text = 0
    tail = b""
    sheet = f"「{title}」" if title else f" {info.filename.rsplit('/', 1)[-1].removesuffix('.xml')} "

    def scan(data: bytes, upto: int) -> None:
        nonlocal rows, cols, text
        for ref in _REF.finditer(data, 0, upto + _OVERLAP):
            if ref.start() < upto:
                cols, rows = max(cols, _column(ref.group(1))), max(rows, int(ref.group(2)))
        for cell in _SHARED_CELL.finditer(data):
            if cell.start() < upto and int(cell.group(1)) < len(lengths):
                text += lengths[int(cell.group(1))]
        if rows * cols > max_cells:
            raise InputFileError(_too_far(sheet, rows, cols, max_cells))

    for chunk in _chunks(archive, info, budget):
        data = tail + chunk
        if not rows:
            dim = _DIMENSION.search(data)
            if dim:
                cols, rows = _column(dim.group(1)), int(dim.group(2))
        upto = max(0, len(data) - _OVERLAP)
        scan(data, upto)
        tail = data[upto:]
    scan(tail, len(tail))
    return text


def _too_far(sheet: str, rows: int, cols: int, max_cells: int) -> str:
    from openpyxl.utils import get_column_letter

    return (f"工作表{sheet}用到了第 {rows} 行第 {cols} 列 ({get_column_letter(min(cols, 16384))}{rows}, 共 {rows * cols:,} "
            f"个单元格), 超过上限 {max_cells:,}, 已拒绝读取: 远处有误输入的内容或格式; 请在该工作表按 Ctrl+End 找到它, "
            "删除多余的行和列后另存")


def guarded(path: str | Path, call: Callable[[], T], what: str = "无法读取工作簿") -> T:
    """``call()`` with any failure of the parsing library (its errors, MemoryError, a Rust panic, which is
    no Exception) turned into an InputFileError naming ``path``."""
    try:
        return call()
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except InputFileError:
        raise
    except MemoryError:
        raise InputFileError(f"{shown_name(path)}: {what} (内存不足: 文件过大或结构异常)") from None
    except BaseException as exc:  # noqa: BLE001 - pyo3's PanicException derives from BaseException
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise InputFileError(f"{shown_name(path)}: {what} ({detail})") from None


def checked(path: str | Path) -> ZipReport:
    """``check_xlsx`` once per file as it is on disk: the readers that open one workbook several times (its sheet
    names, then its table, then its number formats) do not decompress it again each time."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return check_xlsx(path)  # says why it cannot be read
    return _checked(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _checked(path: str, size: int, mtime_ns: int) -> ZipReport:  # size and time: a file changed is checked again
    return check_xlsx(path)


def open_book(path: str | Path) -> Any:
    """A python-calamine workbook, after ``check_xlsx`` for .xlsx/.xlsm files; any failure an InputFileError."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            checked(path)
        except InputFileError as exc:
            raise InputFileError(f"{shown_name(path)}: {exc}") from None
    return guarded(path, lambda: calamine_book(path), "无法打开工作簿")


def calamine_book(path: Path) -> Any:
    """calamine's workbook of ``path``; a name that is not UTF-8 (GB18030 bytes from a zip made on Chinese Windows)
    is opened through the file, since calamine cannot take it as a path."""
    from python_calamine import CalamineWorkbook

    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        with open(path, "rb") as fh:
            return CalamineWorkbook.from_filelike(fh)
    return CalamineWorkbook.from_path(str(path))


def shown_text(text: str) -> str:
    """A file name (or path) as people may read it: bytes that are not UTF-8 (a zip made on Chinese Windows)
    decoded as GB18030 where that works, else shown as �; never lone surrogates (they cannot be written into a
    workbook or a terminal)."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape")
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            return raw.decode("utf-8", "replace")


def shown_name(path: str | Path) -> str:
    return shown_text(Path(path).name)


def sheet_rows(path: str | Path, book: Any, name: str, **options: Any) -> list[list[Any]]:
    """A sheet's cells as python values, guarded like ``open_book``; text made fit for a workbook."""
    rows = guarded(path, lambda: book.get_sheet_by_name(name).to_python(**options), f"无法读取工作表「{name}」")
    return [[visible_text(v) if isinstance(v, str) else v for v in row] for row in rows]


def visible_text(text: str) -> str:
    """Control characters no workbook may hold shown as their pictures (vertical tab -> ␋); others unchanged."""
    if not _ILLEGAL.search(text):
        return text
    return _ILLEGAL.sub(lambda m: chr(0x2400 + ord(m.group())), text)
