"""A CSV's bytes as text: its encoding (UTF-8, else GB18030 or Big5, whichever makes its header, then its cells,
read as known words; ``--encoding`` says it outright), its separator, its line ends."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import tempfile
from collections import Counter
from functools import lru_cache
from pathlib import Path

from xl_kpi.base.errors import InputFileError, InputValueError

from .fields import FALSE_WORDS, HEADER_SEARCH_ROWS, NO_REPLY_WORDS, TRUE_WORDS, UNRATED_WORDS
from .headers import recognised
from .mapping import Mapping

# saves on Traditional Chinese Windows), then Big5-HKSCS (Hong Kong characters) for what cp950 cannot read.
ENCODINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "utf-8": ("UTF-8", ("utf-8-sig",)),
    "gb18030": ("GB18030", ("gb18030",)),
    "big5": ("Big5", ("cp950", "big5hkscs")),
}
_ENCODING_ALIASES = {"utf8": "utf-8", "utf-8-sig": "utf-8", "gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030",
                     "cp950": "big5", "big5hkscs": "big5", "big5-hkscs": "big5"}
# words a ticket's cells hold (是 / 否 / 已解決 …): which decoding yields more of them, when headers cannot tell
_VALUE_WORDS = frozenset(w for words in (*TRUE_WORDS.values(), *FALSE_WORDS.values(), UNRATED_WORDS, NO_REPLY_WORDS)
                         for w in words if not w.isascii())
_SEPARATORS = (",", "\t", ";", "|")


def encoding_name(text: str | None) -> str:
    """'auto', 'utf-8', 'gb18030' or 'big5' from what a user may write (GBK, UTF8, cp950 …)."""
    key = str(text or "auto").strip().lower()
    key = _ENCODING_ALIASES.get(key, key)
    if key != "auto" and key not in ENCODINGS:
        raise InputValueError(f"--encoding 应为 auto、utf-8、gb18030 或 big5, 收到「{text}」")
    return key


def csv_rows(text: str, separator: str, limit: int | None = None, lines: list[int] | None = None) -> list[list[str]]:
    """The first ``limit`` records of CSV ``text`` (all when None), as far as the csv module can read them
    (csv.Error when it cannot read the first).  ``lines``, when given, receives the number of physical
    lines read up to the end of each record (a quoted cell may hold line breaks: a record is one row in
    Excel, maybe several lines in the file)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=separator)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if lines is not None:
                lines.append(reader.line_num)
            if limit is not None and len(rows) > limit:
                break
    except csv.Error:
        if not rows:
            raise
    return rows[:limit]


def separators(text: str) -> list[str]:
    """The separators to try, the most frequent in ``text`` first (a comma when none is there)."""
    return sorted(_SEPARATORS, key=lambda s: -text.count(s))


def decode_head(head: bytes, codec: str) -> tuple[str, int]:
    """``head`` decoded (the last character may be cut: left out), and how many bytes were not ``codec``."""
    text = codecs.getincrementaldecoder(codec)(errors="replace").decode(head, final=False)
    return text, text.count("\ufffd")


def guess_encoding(sample: bytes, mapping: Mapping) -> str:
    """'gb18030' or 'big5' for bytes that are not UTF-8: the decoding under which (1) more header names are
    recognised (工单编号 / 工單編號 …), then (2) more cells are known words (是 / 否 / 已解決 …), then (3)
    fewer bytes are invalid; GB18030 (mainland Excel's CSV) on a tie."""
    scores = {}
    for enc in ("gb18030", "big5"):
        text, bad = decode_head(sample, ENCODINGS[enc][1][0])
        try:
            rows = csv_rows(text, separators(text)[0])
        except csv.Error:
            rows = []
        header = max((recognised([c.strip() for c in r], mapping) for r in rows[:4 * HEADER_SEARCH_ROWS]), default=0)
        words = sum(1 for r in rows for c in r if c.strip().lower() in _VALUE_WORDS)
        scores[enc] = (header, words, _common_share(text, enc), -bad)
    return "big5" if scores["big5"] > scores["gb18030"] else "gb18030"


def _common_share(text: str, encoding: str) -> float:
    """The share of the Chinese characters of ``text`` that are among the commonest of ``encoding``'s script:
    GB2312's first level (3,755 characters) for GB18030, Big5's 常用字 (5,401) for Big5.  Text decoded with
    its own encoding scores near 1; the other encoding's bytes turn into rare characters, kana and symbols
    (about half or more).  Tells Big5 from GB18030 when headers and cells are English (names only are Chinese)."""
    counts = Counter(c for c in text if not c.isascii() and not _NEUTRAL.match(c))
    total = sum(counts.values())
    if not total:
        return 0.0
    return sum(n for c, n in counts.items() if _is_common(c, encoding)) / total


_NEUTRAL = re.compile(r"[\u3000-\u303f\uff00-\uffef\u2000-\u206f\ufeff]")  # punctuation and full-width forms: both have them


@lru_cache(maxsize=65536)
def _is_common(char: str, encoding: str) -> bool:
    try:
        code = char.encode("gb2312" if encoding == "gb18030" else "cp950")
    except UnicodeEncodeError:
        return False
    if len(code) != 2:
        return False
    if encoding == "gb18030":
        return 0xB0 <= code[0] <= 0xD7  # GB2312 level 1 (B0A1-D7F9)
    return 0xA440 <= int.from_bytes(code, "big") <= 0xC67E  # Big5 常用國字


def first_non_utf8(path: Path) -> int | None:
    """The offset of the first byte of ``path`` that is not UTF-8 (None when all of it is)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    done = 0  # bytes given to the decoder before this chunk
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 22):
                pending = len(decoder.getstate()[0])  # the cut character the decoder holds from the last chunk
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    return max(done - pending + exc.start, 0)
                done += len(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return max(done - 3, 0)  # a character cut by the end of the file
    return None


def line_at(path: Path, offset: int | None = None) -> int:
    """The line number (1 = first) of byte ``offset`` of ``path`` (default: the first byte that is not UTF-8)."""
    left = (first_non_utf8(path) if offset is None else offset) or 0
    lines = 1
    with open(path, "rb") as fh:
        while left > 0 and (chunk := fh.read(min(left, 1 << 22))):
            lines += chunk.count(b"\n")
            left -= len(chunk)
    return lines


def sample_at(path: Path, offset: int, size: int = 1 << 20) -> bytes:
    """About ``size`` bytes of ``path`` from the start of the line holding byte ``offset``."""
    with open(path, "rb") as fh:
        fh.seek(max(offset - (1 << 16), 0))
        before = fh.read(offset - fh.tell())
        return before[before.rfind(b"\n") + 1:] + fh.read(size)


def has_lone_cr(path: Path) -> bool:
    """Whether a carriage return not followed by a line feed ends some line (searched in C, without reading
    the file into memory)."""
    import mmap

    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return False
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data.find(b"\r") < 0:
                return False
            return re.search(rb"\r(?!\n)", data) is not None


def newlines_fixed(path: Path) -> Path:
    """A copy of ``path`` whose lines all end in LF (CRLF and a lone CR each become one LF)."""
    fd, tmp = tempfile.mkstemp(prefix="xlkpi-", suffix=".csv")
    pending = b""
    with open(path, "rb") as src, open(fd, "wb") as dst:
        while chunk := src.read(1 << 22):
            chunk = pending + chunk
            pending = b"\r" if chunk.endswith(b"\r") else b""  # its LF may open the next chunk
            if pending:
                chunk = chunk[:-1]
            dst.write(chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
        dst.write(b"\n" if pending else b"")
    return Path(tmp)


def transcode(path: Path, codec_order: list[str] | None = None, explicit: bool = False) -> tuple[Path, str]:
    """A UTF-8 copy of a GB18030 (GBK, as Excel in China saves CSV) or Big5 CSV, and the codec that read it:
    the first of ``codec_order`` that decodes the whole file."""
    codec_order = codec_order or ["gb18030"]
    fd, tmp = tempfile.mkstemp(prefix="xlkpi-", suffix=".csv")
    failed_line = 0
    for n, codec in enumerate(codec_order):
        decoder = codecs.getincrementaldecoder(codec)(errors="strict")
        lines = 0
        try:
            with open(path, "rb") as src, open(fd if n == 0 else tmp, "w", encoding="utf-8", newline="") as dst:
                while chunk := src.read(1 << 22):
                    try:
                        dst.write(decoder.decode(chunk))
                    except UnicodeDecodeError as exc:
                        lines += chunk[:max(exc.start, 0)].count(b"\n")
                        raise
                    lines += chunk.count(b"\n")
                dst.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError:
            failed_line = failed_line or lines + 1
            continue
        return Path(tmp), codec
    Path(tmp).unlink(missing_ok=True)
    if explicit:
        label = next(label for label, names in ENCODINGS.values() if codec_order[0] in names)
        raise InputFileError(f"{path.name}: 第{failed_line}行附近的文字不是 {label} 编码, 无法按 --encoding "
                             f"{encoding_name(codec_order[0])} 读取; 请去掉 --encoding (自动识别) 或另存为 UTF-8 的 CSV")
    raise InputFileError(f"{path.name}: 无法识别文件编码 (既不是 UTF-8, 也不是 GB18030 或 Big5; 第{failed_line}行附近), "
                         "请另存为 UTF-8 的 CSV")
