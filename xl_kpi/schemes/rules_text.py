"""The 规则 sheet's text: a workbook carries its scheme as YAML, one line per row (row 1 holds a note).

Reading the text back needs nothing of the scheme itself, so that loading a scheme from a template workbook
(scheme.load_scheme) and writing the sheet (rules_sheet) both stand on this module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xl_kpi.base.errors import InputFileError, SchemeError
from xl_kpi.base.opener import open_book, sheet_rows

RULES_SHEET = "规则"
NOTE = "# 本工作表是考核方案本身 (YAML 格式, 每行一格)。可修改权重、分段、等级说明, 保存后用 xl-kpi scheme check 检查。"


def _lines(yaml_text: str) -> list[str]:
    """The lines of the scheme as the sheet holds them, from row 2 (row 1 holds ``NOTE``)."""
    return yaml_text.replace("\r\n", "\n").rstrip("\n").split("\n")


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
