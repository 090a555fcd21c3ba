"""`xl-kpi sample`: a reproducible random sample of staff for spot checks (document 003: 随机考核).

The roster's people are sorted by 工号 first, so the same roster, percentage and seed always give
the same sample whatever the row order; the count is ⌈percent × people⌉ (at least one person).
"""

from __future__ import annotations

import math
import random
from decimal import Decimal
from pathlib import Path

from .batch import IDENTITY_ALIASES
from .errors import KpiError
from .numbers import parse_config_number
from .scheme import normalize
from .tables import cell_text, read_table


def sample_staff(roster: str | Path, percent: str, seed: int) -> tuple[list[str], list[list[str]]]:
    """Headers and the sampled rows of ``roster`` (as text), in 工号 order."""
    try:
        pct = parse_config_number(percent if "%" in str(percent) else f"{percent}%")
    except ValueError:
        raise KpiError(f"--percent 应为 0 到 100 之间的数, 收到 {percent}") from None
    if not Decimal(0) < pct <= Decimal(1):
        raise KpiError(f"--percent 应大于 0 且不超过 100, 收到 {percent}")
    ids = IDENTITY_ALIASES["工号"]
    table = read_table(roster, required={"工号": ids}, what="花名册")  # a title above the header is skipped
    spellings = {normalize(a) for a in ids}
    col = next(i for i, h in enumerate(table.headers) if normalize(h) in spellings)
    people: dict[str, list[str]] = {}
    for row in table.rows:
        pid = cell_text(row[col])
        if pid and pid not in people:
            people[pid] = [cell_text(v) for v in row]
    ids = sorted(people)
    k = max(1, math.ceil(pct * len(ids))) if ids else 0
    chosen = sorted(random.Random(seed).sample(ids, k))
    return table.headers, [people[pid] for pid in chosen]
