"""Names Excel and Windows accept: sheet names (31 UTF-16 units, no []:*?/\\, no apostrophe at either end, not
one of ours) and file names (no <>:"/\\|?*, not CON or COM1, inside the output folder)."""

from __future__ import annotations

import re

from xl_kpi.excel.layout import COVER_SHEET, LISTS_SHEET, META_SHEET, RULES_SHEET
from xl_kpi.schemes.scheme import normalize

RESERVED_SHEETS = {normalize(n) for n in (COVER_SHEET, RULES_SHEET, META_SHEET, LISTS_SHEET, "history")}
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def _units(text: str) -> int:
    """Length as Excel counts it: UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, units: int) -> str:
    """The longest start of ``text`` within ``units`` UTF-16 units, never ending in an apostrophe (Excel refuses
    a sheet name that begins or ends with one)."""
    out = ""
    for ch in text:
        if _units(out + ch) > units:
            break
        out += ch
    return out.rstrip("'").rstrip() or "未命名"


def safe_sheet_name(text: str, taken: set[str]) -> str:
    """At most 31 UTF-16 units (as Excel counts), none of []:*?/\\, not beginning or ending with an apostrophe,
    not blank or reserved, distinct from `taken` (case-insensitive)."""
    name = re.sub(r"[\[\]:*?/\\\x00-\x1f]", "_", str(text)).strip().strip("'").strip()
    name = name or "未命名"
    base = _cut(name, 31)
    candidate, n = base, 1
    while normalize(candidate) in taken or normalize(candidate) in RESERVED_SHEETS:
        n += 1
        suffix = f"~{n}"
        candidate = _cut(base, 31 - len(suffix)) + suffix
    taken.add(normalize(candidate))
    return candidate


def safe_file_stem(text: str, taken: set[str]) -> str:
    """A file name that is valid on Windows and stays inside the output folder."""
    name = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", str(text)).strip().rstrip(". ")
    name = name.lstrip(".") or "未命名"
    if name.split(".")[0].lower() in WINDOWS_RESERVED:
        name = "_" + name
    name = name[:100]
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{name}~{n}"
    taken.add(candidate.lower())
    return candidate
