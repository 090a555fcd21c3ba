"""`xl-kpi sample`: a reproducible random sample of staff for spot checks (document 003: 随机考核).

The roster's people are sorted by 工号 first, so the same roster, percentage and seed always give
the same sample whatever the row order; the count is ⌈percent × people⌉ (at least one person).
"""

from __future__ import annotations

import math
import random
from decimal import Decimal
from pathlib import Path

from xl_kpi.base.errors import KpiError
from xl_kpi.base.findings import Finding
from xl_kpi.base.numbers import parse_config_number
from xl_kpi.excel.columns import IDENTITY_ALIASES
from xl_kpi.excel.tables import cell_text, read_tables, sheets_notice
from xl_kpi.schemes.scheme import normalize


def sample_staff(roster: str | Path, percent: str, seed: int, *,
                 notices: list[Finding] | None = None) -> tuple[list[str], list[list[str]]]:
    """Headers and the sampled rows of ``roster`` (as text), in 工号 order.

    ``notices``, when given, gets what generate says of the same roster: which sheets were read, and how many
    people each gave, when there were several."""
    try:
        pct = parse_config_number(percent if "%" in str(percent) else f"{percent}%")
    except ValueError:
        raise KpiError(f"--percent 应为 0 到 100 之间的数, 收到 {percent}") from None
    if not Decimal(0) < pct <= Decimal(1):
        raise KpiError(f"--percent 应大于 0 且不超过 100, 收到 {percent}")
    ids = IDENTITY_ALIASES["工号"]
    # a title above the header is skipped; an .xlsx roster is read from every sheet with a 工号 header
    tables = read_tables(roster, required={"工号": ids}, what="花名册")
    spellings = {normalize(a) for a in ids}
    headers, keys = _joined_headers([t.headers for t in tables])
    people: dict[str, list[str]] = {}
    counts: list[int] = []
    for table in tables:
        before = len(people)
        col = next(i for i, h in enumerate(table.headers) if normalize(h) in spellings)
        place = {key: i for i, key in enumerate(_column_keys(table.headers))}
        for row in table.rows:
            pid = cell_text(row[col])
            if pid and pid not in people:  # the first row of a 工号, on this sheet or an earlier one
                people[pid] = [cell_text(row[place[key]]) if key in place else "" for key in keys]
        counts.append(len(people) - before)
    if notices is not None and len(tables) > 1:
        notices.append(sheets_notice(tables, counts, "花名册"))
    ids = sorted(people)
    k = max(1, math.ceil(pct * len(ids))) if ids else 0
    chosen = sorted(random.Random(seed).sample(ids, k))
    return headers, [people[pid] for pid in chosen]


def _column_keys(headers: list[str]) -> list[tuple[str, int]]:
    """Each column as (its normalized header, how many columns so named came before): the k-th 「备注」 of one
    sheet is the k-th 「备注」 of another, and unnamed columns pair up in order."""
    count: dict[str, int] = {}
    keys = []
    for head in headers:
        name = normalize(head) if head else ""
        keys.append((name, count.get(name, 0)))
        count[name] = count.get(name, 0) + 1
    return keys


def _joined_headers(sheets: list[list[str]]) -> tuple[list[str], list[tuple[str, int]]]:
    """The columns of all the sheets, matched by name: the first sheet's in its order, then any other
    sheet's columns not seen before (as that sheet spells them)."""
    headers: list[str] = []
    keys: list[tuple[str, int]] = []
    for sheet in sheets:
        for head, key in zip(sheet, _column_keys(sheet)):
            if key not in keys:
                keys.append(key)
                headers.append(head)
    return headers, keys
