"""What calamine does not give: formula texts, error values, missing cached results and cell styles of chosen
cells, read from a sheet's XML (a byte search where it is safe, defusedxml otherwise)."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any

from defusedxml import ElementTree as SafeET

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
R_ID = "{%s}id" % NS["r"]


def sheet_formulas(
    path: Path, wanted: dict[str, set[str]], errors: dict[str, dict[str, str]] | None = None,
    uncached: dict[str, set[str]] | None = None, styles: dict[str, dict[str, int]] | None = None,
) -> dict[str, dict[str, str]]:
    """Formula texts of the wanted cells, per sheet name, read from the sheet XML with defusedxml.

    When ``errors`` is given it receives the wanted cells that hold an error
    value (``t="e"``), per sheet name: ref -> "#NAME?".  When ``uncached`` is
    given it receives the wanted formula cells without a calculated result
    (no ``<v>``, or an empty one not marked as a text result ``t="str"``): a
    file written by a program and never opened in a spreadsheet program.  When
    ``styles`` is given it receives the style index (``s="…"``) of the wanted
    cells that have one, per sheet name: ref -> index into styles.xml's cellXfs.

    Only a dozen cells per sheet are wanted, so each one is located in the
    sheet's bytes and read there; a sheet written with prefixed tags
    (``<x:c>``) is parsed whole, through defusedxml, instead.
    """
    if not wanted:
        return {}
    out: dict[str, dict[str, str]] = {}
    with zipfile.ZipFile(path) as archive:
        def member(name: str) -> bytes | None:
            try:
                return archive.read(name)
            except KeyError:
                return None

        workbook = member("xl/workbook.xml")
        rels = member("xl/_rels/workbook.xml.rels")
        if workbook is None or rels is None:
            return {}
        targets = {}
        for rel in SafeET.fromstring(rels).findall("rel:Relationship", NS):
            target = rel.get("Target", "")
            targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        for sheet in SafeET.fromstring(workbook).iter("{%s}sheet" % NS["m"]):
            name = sheet.get("name")
            part = targets.get(sheet.get(R_ID)) if name in wanted else None
            data = member(part) if part else None
            if data is None:
                continue
            never: set[str] = set()
            styled: dict[str, int] = {}
            if b"<c " in data:
                found, shown = _cells_by_search(data, wanted[name], never, styled)
            else:
                found, shown = _cells_by_parse(data, wanted[name], never, styled)
            out[name] = found
            if errors is not None:
                errors[name] = shown
            if uncached is not None:
                uncached[name] = never
            if styles is not None:
                styles[name] = styled
    return out


_ENTITIES = {b"&lt;": b"<", b"&gt;": b">", b"&quot;": b'"', b"&apos;": b"'"}


def _unescape(raw: bytes) -> str:
    """The five predefined XML entities and numeric references; nothing is ever expanded beyond them."""
    for entity, char in _ENTITIES.items():
        raw = raw.replace(entity, char)
    text = raw.decode("utf-8")
    text = re.sub(r"&#(x[0-9a-fA-F]+|\d+);", lambda m: chr(int(m.group(1)[1:], 16) if m.group(1)[0] == "x" else int(m.group(1))), text)
    return text.replace("&amp;", "&")


def _elementcell_text(fragment: bytes, tag: bytes) -> bytes | None:
    """Text of <tag …>text</tag> inside one cell's bytes; b"" for <tag …/>; None when absent."""
    start = fragment.find(b"<" + tag)
    while start != -1 and fragment[start + len(tag) + 1 : start + len(tag) + 2] not in (b">", b" ", b"/"):
        start = fragment.find(b"<" + tag, start + 1)  # <f> must not match <foo>
    if start == -1:
        return None
    gt = fragment.find(b">", start)
    if fragment[gt - 1 : gt] == b"/":
        return b""
    close = fragment.find(b"</" + tag + b">", gt)
    return fragment[gt + 1 : close] if close != -1 else None


_STYLE = re.compile(rb'\ss="(\d+)"')


def _cells_by_search(data: bytes, refs: set[str], never: set[str] | None = None,
                     styled: dict[str, int] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Locate each wanted cell by its r="…" attribute and read its formula and error value.

    Plain byte searches (no regular expressions, no tree) keep this linear and fast;
    nothing is expanded, so no entity can blow up.
    """
    found: dict[str, str] = {}
    shown: dict[str, str] = {}
    for ref in refs:
        at = data.find(b' r="' + ref.encode() + b'"')
        if at == -1:
            continue
        start = data.rfind(b"<c", 0, at)
        if start == -1 or b">" in data[start:at]:
            continue
        gt = data.find(b">", at)
        style = _STYLE.search(data, start, gt)
        if styled is not None and style:
            styled[ref] = int(style.group(1))
        if data[gt - 1 : gt] == b"/":
            continue  # an empty, self-closed cell
        close = data.find(b"</c>", gt)
        if close == -1:
            continue
        head, body = data[start:gt], data[gt + 1 : close]
        formula = _elementcell_text(body, b"f")
        if formula is not None:
            found[ref] = _unescape(formula)  # shared formulas carry no text on followers
            if never is not None and not _elementcell_text(body, b"v") and b' t="str"' not in head:
                never.add(ref)
        if b' t="e"' in head:
            value = _elementcell_text(body, b"v")
            if value:
                shown[ref] = _unescape(value).strip()
    return found, shown


def _cells_by_parse(data: bytes, refs: set[str], never: set[str] | None = None,
                    styled: dict[str, int] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    found: dict[str, str] = {}
    shown: dict[str, str] = {}
    cell_tag, f_tag, v_tag = "{%s}c" % NS["m"], "{%s}f" % NS["m"], "{%s}v" % NS["m"]
    for _event, elem in SafeET.iterparse(io.BytesIO(data), events=("end",)):
        if elem.tag == cell_tag:
            ref = elem.get("r")
            if ref in refs:
                _take(elem, ref, f_tag, v_tag, found, shown)
                if styled is not None and (elem.get("s") or "").isdigit():
                    styled[ref] = int(elem.get("s"))
                v = elem.find(v_tag)
                if never is not None and ref in found and not (v is not None and v.text) and elem.get("t") != "str":
                    never.add(ref)
            elem.clear()
    return found, shown


def _take(elem: Any, ref: str, f_tag: str, v_tag: str, found: dict[str, str], shown: dict[str, str]) -> None:
    f = elem.find(f_tag)
    if f is not None:
        found[ref] = f.text or ""  # shared formulas carry no text on followers
    v = elem.find(v_tag)
    if elem.get("t") == "e" and v is not None and v.text:
        shown[ref] = v.text.strip()
