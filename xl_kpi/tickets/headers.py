"""Finding a file's header row and telling which column holds which field."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from xl_kpi.base.errors import InputFileError

from .fields import ALIASES, FIELDS, HEADER_SEARCH_ROWS, REQUIRED, header_key
from .mapping import Mapping


def match_headers(headers: list[str], mapping: Mapping, source: str) -> tuple[dict[str, int], list[str]]:
    """field -> column index, and notices about headers left unused."""
    by_key = {}
    for col, head in enumerate(headers):
        if head:
            by_key.setdefault(header_key(head), col)
    chosen: dict[str, tuple[int, int]] = {}  # field -> (rank, column)
    for key, header in mapping.columns.items():
        col = by_key.get(header_key(header))
        if col is None:
            raise InputFileError(
                f"{source}: 映射文件 {mapping.source} 指定 {key} 为列「{header}」, 但文件中没有这一列; "
                f"现有列: {', '.join(h for h in headers if h)}"
            )
        chosen[key] = (-1, col)
    taken = {col for _, col in chosen.values()}
    notices = []
    for col, head in enumerate(headers):
        if not head or col in taken:
            continue
        hit = ALIASES.get(header_key(head))
        if hit is None:
            continue
        fld, rank = hit
        if fld in chosen and chosen[fld][0] <= rank:
            notices.append(f"列「{head}」未使用 (已用「{headers[chosen[fld][1]]}」作为{FIELDS[fld][0]})")
            continue
        if fld in chosen:
            notices.append(f"列「{headers[chosen[fld][1]]}」未使用 (已用「{head}」作为{FIELDS[fld][0]})")
        chosen[fld] = (rank, col)
    found = {fld: col for fld, (_, col) in chosen.items()}
    missing = [FIELDS[f][0] for f in REQUIRED if f not in found]
    if "agent_id" not in found and "agent_name" not in found:
        missing.insert(0, "客服工号或客服姓名")
    if missing:
        raise InputFileError(
            f"{source}: 找不到 {', '.join(missing)} 列; 现有列: {', '.join(h for h in headers if h) or '(无)'}。"
            "请在列名映射文件 (--map) 中写明, 如 columns: {created: 进线时间}"
        )
    return found, notices




def find_header(rows: list[list[Any]], mapping: Mapping, source: str, first_row: int = 1
                ) -> tuple[int, list[str], dict[str, int], list[str]]:
    """The header among the first ``HEADER_SEARCH_ROWS`` non-empty ``rows`` (a title, an export time, empty
    rows may stand above it): the first whose names give the required fields.  (its index in ``rows``,
    its names, field -> column, notices).  ``first_row``: the file's row number of ``rows[0]``.  When no
    row is a header, the error is about the row most like one (see below), named by its row number unless row 1."""
    tried: list[tuple[int, int, list[str]]] = []  # (recognised names, index, names)
    for i, row in enumerate(rows):
        names = [cell_string(v) or "" for v in row]
        if not any(names):
            continue
        try:
            columns, notices = match_headers(names, mapping, source)
        except InputFileError:
            tried.append((recognised(names, mapping), i, names))
            if len(tried) >= HEADER_SEARCH_ROWS:
                break
            continue
        return i, names, columns, notices
    if not tried:
        raise InputFileError(f"{source}: 文件是空的, 应有表头行 (客服工号或客服姓名、客户、创建时间 等列)")
    # the row most like a header: the most known names, at least two (a cell 已解決 is no header); else the first
    _, i, names = max(tried, key=lambda t: (t[0] if t[0] >= 2 else 0, -t[1]))
    match_headers(names, mapping, source if first_row + i == 1 else f"{source} 第{first_row + i}行")
    raise AssertionError("unreachable: match_headers accepted a row it refused")  # pragma: no cover


def recognised(names: list[str], mapping: Mapping) -> int:
    """How many of ``names`` are known headers (or headers the mapping file names)."""
    mapped = {header_key(h) for h in mapping.columns.values()}
    return sum(1 for n in names if n and (header_key(n) in ALIASES or header_key(n) in mapped))


def cell_string(value: Any) -> str | None:
    """A spreadsheet cell as the text an export would hold: dates as ISO, 1001.0 as 1001."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="milliseconds" if value.microsecond else "seconds")
    if isinstance(value, date):  # a date-time cell at 00:00:00 is read as a plain date: that day at midnight
        return f"{value.isoformat()} 00:00:00"
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None

