"""The formulas a fresh sheet holds, to tell an edited formula from one moved by a row a supervisor inserted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from xl_kpi.excel.layout import layout_for
from xl_kpi.excel.reader import PersonSheet
from xl_kpi.excel.rules_sheet import rules_scheme
from xl_kpi.excel.sheets import ValidationBook, write_person_sheet

_TOKEN = re.compile(r'"[^"]*"|(?:\'(?:[^\']|\'\')*\'|[^\W\d]\w*)!\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?'
                    r'|(\$?[A-Z]{1,3})(\$?)(\d+)(?![\d(])')
_REF = re.compile(r'"[^"]*"|(\$?[A-Z]{1,3})\$?(\d+)(?![\d(])')


@dataclass(frozen=True)
class Expected:
    """The formulas of a fresh sheet: of each score cell ("score|<indicator>") and of the total ("total")."""

    relative: dict[str, str]  # key -> formula with references relative to its own row (see relative_formula)
    written: dict[str, str]  # key -> formula as written on the fresh sheet
    rows: dict[tuple[str, ...], int]  # where the cells a person's sheet is read by are on the fresh sheet (_cell_rows)


@lru_cache(maxsize=16)
def _expected(rules: str, mode: str, lang: str) -> Expected:
    from openpyxl import Workbook


    scheme = rules_scheme(rules)  # parsed already when the workbook was read (cached)
    book = Workbook()
    ws = book.active
    cells = write_person_sheet(ws, scheme, layout_for(scheme), {}, period="2000-01", lang=lang, mode=mode, rules=rules,
                               prefill={}, validations=ValidationBook(book), password=None, title="")
    refs = {f"score|{ind}": ref for ind, ref in cells.scores.items()}
    refs["total"] = cells.total
    written = {key: str(ws[ref].value) for key, ref in refs.items()}
    rows: dict[tuple[str, ...], int] = {("score", ind): _row(ref) for ind, ref in cells.scores.items()}
    for key, ref in cells.inputs.items():  # input|<indicator>|<input>|<assessor> or pay|<input>
        rows[tuple(key.split("|")) if key.startswith("input|") else ("pay", key[4:])] = _row(ref)
    rows[("result", "total")] = _row(cells.total)
    for key, ref in cells.extra.items():
        rows[("result", key)] = _row(ref)
    return Expected({key: relative_formula(written[key], ref) for key, ref in refs.items()}, written, rows)


def _row(ref: str) -> int:
    return int(re.sub(r"\D", "", ref))


def _cell_rows(person: PersonSheet) -> dict[tuple[str, ...], int]:
    """Where the cells the sheet was read by (found by their row keys) are now, keyed as Expected.rows."""
    rows: dict[tuple[str, ...], int] = {("score", ind): _row(c.ref) for ind, c in person.scores.items()}
    for (ind, spec, assessor), c in person.inputs.items():
        rows[("input", ind, spec, assessor)] = _row(c.ref)
    for key, c in person.pay_inputs.items():
        rows[("pay", key)] = _row(c.ref)
    for key, c in person.results.items():
        rows[("result", key)] = _row(c.ref)
    return rows


def moved_rows(expected: Expected, person: PersonSheet) -> dict[int, int]:
    """Row on a fresh sheet -> row on this sheet, for the rows the reader found by their keys, after rows
    were inserted (or moved) by hand; a row whose cells went to different rows is left out."""
    now = _cell_rows(person)
    out: dict[int, int] = {}
    torn: set[int] = set()
    for key, was in expected.rows.items():
        if key in now:
            if out.setdefault(was, now[key]) != now[key]:
                torn.add(was)
    return {was: row for was, row in out.items() if was not in torn}


def shift_formula(text: str, rows: dict[int, int]) -> str | None:
    """``text`` with each reference into its own sheet moved as Excel moves it when rows are inserted above
    it: row r becomes rows[r].  None when it refers to a row ``rows`` does not know (nothing to compare)."""
    unknown = False

    def repl(m: re.Match) -> str:
        nonlocal unknown
        if m.group(1) is None:
            return m.group(0)  # text, or a reference into another sheet (the 规则 sheet): inserting rows here leaves it
        row = int(m.group(3))
        if row not in rows:
            unknown = True
            return m.group(0)
        return f"{m.group(1)}{m.group(2)}{rows[row]}"

    shifted = _TOKEN.sub(repl, text)
    return None if unknown else shifted


@lru_cache(maxsize=4096)
def relative_formula(text: str, own_ref: str) -> str:
    """Normalised formula text with every row number written relative to the cell's own row.

    =IF(H6="",…) in I6 and =IF(H9="",…) in I9 both become IF(H[0]="",…): a sheet whose
    rows moved (Excel adjusts the references) compares equal; an edited formula does not.
    """
    base = int(re.sub(r"\D", "", own_ref))
    body = text.lstrip("=").replace("_xlfn.", "").replace("$", "")

    def repl(m: re.Match) -> str:
        if m.group(1) is None:
            return m.group(0)  # a string literal stays as it is
        return f"{m.group(1)}[{int(m.group(2)) - base}]"

    return "".join(_REF.sub(repl, body).split()).upper()
