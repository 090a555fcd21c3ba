"""Filling generated sheets programmatically, as a supervisor would by hand.

Used by the demo (the month on sample data), the tests and the benchmarks.
Cells are located the way consolidation locates them (by row keys), and only
input cells are written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xl_kpi.base.files import atomic_path
from xl_kpi.excel.reader import read_filled_workbook

InputValues = dict[Any, Any]  # (indicator id, input id, assessor id) or "pay|bonus_base" -> value


def fill_workbook(src: str | Path, dst: str | Path, values: dict[str, InputValues]) -> int:
    """Write values into the input cells of each person (by 工号); return the number of cells written."""
    from openpyxl import load_workbook

    layout = read_filled_workbook(src)
    book = load_workbook(src)
    written = 0
    for person in layout.people:
        wanted = values.get(person.identity.get("工号", ""))
        if not wanted:
            continue
        ws = book[person.sheet]
        for key, value in wanted.items():
            if isinstance(key, str) and key.startswith("pay|"):
                cell = person.pay_inputs.get(key[4:])
            else:
                cell = person.inputs.get(key)
            if cell is None:
                raise KeyError(f"{person.sheet}: no input cell for {key!r}")
            ws[cell.ref].value = value
            if ws[cell.ref].data_type in ("f", "e"):  # text such as "=1+1" typed by a person stays text
                ws[cell.ref].data_type = "s"
            written += 1
    with atomic_path(dst) as tmp:
        book.save(tmp)
    return written
