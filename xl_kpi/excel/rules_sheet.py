"""The 规则 sheet: a workbook carries its scheme as YAML text, one line per row.

HR may edit the lines in Excel (a weight, a band, a level text); generation,
consolidation and KPI_SCORE then use the edited rules, after the same
validation as a scheme file.  A sheet generated with ``--formulas udf`` for a scheme
that is not a built-in one as shipped hands its KPI_* functions this sheet's range
(``rules_range``): the add-in scores with the rules the workbook carries.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from xl_kpi.schemes.rules_text import NOTE, RULES_SHEET, _lines
from xl_kpi.schemes.scheme import parse_scheme_text


def fingerprint(yaml_text: str) -> str:
    """Identifies the rules a workbook was generated with (line endings and trailing spaces ignored)."""
    lines = [line.rstrip() for line in yaml_text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def rules_range(yaml_text: str) -> str:
    """The 规则 sheet's cells that hold ``yaml_text`` (written by ``write_rules_sheet``), as a formula
    reference: every KPI_* function accepts it as its scheme."""
    return f"'{RULES_SHEET}'!$A$1:$A${1 + len(_lines(yaml_text))}"


def write_rules_sheet(workbook: Any, yaml_text: str, *, protect: bool) -> None:
    ws = workbook.create_sheet(RULES_SHEET)
    ws.column_dimensions["A"].width = 120
    ws.cell(row=1, column=1, value=NOTE)
    for row, line in enumerate(_lines(yaml_text), start=2):
        cell = ws.cell(row=row, column=1, value=line)
        if cell.data_type in ("f", "e"):  # a line such as "=..." stays text
            cell.data_type = "s"
    if protect:
        ws.protection.sheet = True


@lru_cache(maxsize=16)
def rules_scheme(rules_text: str) -> Any:
    """The scheme in a 规则 sheet's text, parsed once per text (every department file, and every
    KPI_* cell of a workbook, carries the same)."""
    return parse_scheme_text(rules_text, source=f"工作表「{RULES_SHEET}」")
