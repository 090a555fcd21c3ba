"""Numbers as Excel shows them: 工号 stored as 1 but formatted 000 read as 001, and which cells show percentages.

calamine gives values only, so the number formats are read from the workbook's own XML."""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from xl_kpi.base.opener import MAX_TOTAL_BYTES
from xl_kpi.schemes.scheme import normalize


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


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


class ShownNumbers:
    """The 工号 of an .xlsx as Excel shows them: 1 in a cell formatted 000 is 001, 3 formatted "K"000 is K003.

    calamine gives values only, so the cells' number formats are read from the workbook itself: styles.xml
    first, and only when it has such a format (made of zeros and literal text: 000, "K"000, \\K000, 0000_) …)
    the sheet's XML, for the cells of the 工号 column; formats with decimals, dates, percentages or conditions
    are left alone, as are negative numbers.  A workbook that cannot be read this way is read as calamine
    gives it."""

    def __init__(self, path: Path, required: Mapping[str, Iterable[str]] | None = None) -> None:

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
