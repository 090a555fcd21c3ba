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
from pathlib import Path
from typing import Any

from .errors import InputFileError, SchemeError
from .layout import RULES_SHEET
from .opener import open_book, sheet_rows

NOTE = "# 本工作表是考核方案本身 (YAML 格式, 每行一格)。可修改权重、分段、等级说明, 保存后用 xl-kpi scheme check 检查。"


def fingerprint(yaml_text: str) -> str:
    """Identifies the rules a workbook was generated with (line endings and trailing spaces ignored)."""
    lines = [line.rstrip() for line in yaml_text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def _lines(yaml_text: str) -> list[str]:
    """The lines of the scheme as the sheet holds them, from row 2 (row 1 holds ``NOTE``)."""
    return yaml_text.replace("\r\n", "\n").rstrip("\n").split("\n")


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


def rules_text_from_rows(rows: list[Any]) -> str:
    lines = []
    for value in rows:
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a line retyped as a bare number
        text = "" if value is None else str(value)
        lines.append(text)
    if lines and lines[0].startswith("# 本工作表是考核方案本身"):
        lines = lines[1:]
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=16)
def rules_scheme(rules_text: str) -> Any:
    """The scheme in a 规则 sheet's text, parsed once per text (every department file, and every
    KPI_* cell of a workbook, carries the same)."""
    from .scheme import parse_scheme_text

    return parse_scheme_text(rules_text, source=f"工作表「{RULES_SHEET}」")


def read_rules_sheet(path: str | Path) -> str:
    """The YAML text held in a workbook's 规则 sheet."""
    path = Path(path)
    try:
        book = open_book(path)
        if RULES_SHEET not in book.sheet_names:
            raise SchemeError(f"没有「{RULES_SHEET}」工作表", source=str(path))
        rows = sheet_rows(path, book, RULES_SHEET, skip_empty_area=False)
    except InputFileError as exc:
        raise SchemeError(str(exc), source=str(path)) from None
    return rules_text_from_rows([r[0] if r else None for r in rows])
