"""Calendar months and people's monthly results, as the annual roll-up and the decisions see them.

A month is written ``YYYY-MM``; ``index`` turns it into a number so that "calendar-consecutive" is
``b == a + 1`` (2025-12 and 2026-01 are consecutive).  ``MonthRow`` is one person's result of one
month as read from a summary; ``PersonPeriod`` is a person's year (or quarter): the months, the
period score (exact, and rounded for display) and the decisions taken on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from xl_kpi.base.errors import InputValueError
from xl_kpi.base.findings import Finding
from xl_kpi.base.numbers import fmt

_CN = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十", 11: "十一", 12: "十二"}


@dataclass
class MonthRow:
    pid: str
    name: str
    dept: str
    month: str  # YYYY-MM
    total: Decimal | None
    source: str
    sales: Decimal | None = None
    pay: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # advisor columns, as read
    sales_only: bool = False  # from a table of 工号/期间/实际销售额 without 总分: merged into the month's row
    sheet: str = ""  # where it was read: the workbook's sheet ("" for a .csv) and row, for findings about it
    row: int | None = None


@dataclass
class PersonPeriod:
    pid: str
    name: str
    dept: str
    period: str
    months: dict[str, Decimal | None]  # every month of the period -> total (None: missing)
    score: Decimal | None  # the period score as shown: rounded half-up to the scheme's decimals
    missing: list[str]
    absent: list[str]  # months without any row (缺岗)
    exact: Fraction | None = None  # the period score unrounded: every threshold is compared on it
    pay: dict[str, Decimal] = field(default_factory=dict)
    decisions: dict[str, tuple[Any, str]] = field(default_factory=dict)  # column -> (value, reason)


_PERIOD = re.compile(r"\s*(\d{4})-(0[1-9]|1[0-2])\s*")


def is_period(text: Any) -> bool:
    """Whether ``text`` is a period as every option and setting takes it: YYYY-MM (2026-10)."""
    return isinstance(text, str) and _PERIOD.fullmatch(text) is not None


def need_period(text: Any, where: str = "") -> str:
    """``text`` as a period (YYYY-MM), or InputValueError saying how to write it (``where``: the option or cell)."""
    if not is_period(text):
        raise InputValueError(f"{where + ': ' if where else ''}考核期间应写成 YYYY-MM (如 2026-10), 收到「{text}」")
    return str(text).strip()


def month_of(value: Any) -> str | None:
    """A month as people write it in a cell: '2026-03', '2026/3', '2026年3月', a date -> '2026-03'; None otherwise."""
    if isinstance(value, (datetime, date)):
        return f"{value.year:04d}-{value.month:02d}"
    text = "" if value is None else str(value).strip()
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:[-/.]\d{1,2}(?: 00:00:00)?)?", text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def month_from_name(path: str | Path) -> str | None:
    """The one YYYY-MM (2026-10, 2026_10, 2026年10) a file name holds; None for none or several."""
    found = {f"{int(y):04d}-{int(m):02d}" for y, m in re.findall(r"(?<!\d)(\d{4})[-_.年](\d{1,2})(?!\d)", Path(path).stem)
             if 1 <= int(m) <= 12}
    return found.pop() if len(found) == 1 else None


def index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def period_of(month_: str, by: str) -> str:
    if by == "quarter":
        return f"{month_[:4]}-Q{(int(month_[5:7]) - 1) // 3 + 1}"
    return month_[:4]


def join(months: list[str]) -> str:
    return "、".join(months)


def count_text(count: int) -> str:
    """3 -> 三 (as in 连续三个月); larger counts as digits."""
    return _CN.get(count, str(count))


def windows(qualifying: set[int], n: int, period: set[int], chunked: bool = False) -> list[list[int]]:
    """Windows of n calendar-consecutive qualifying months whose last month is in the period.

    chunked: runs are cut into consecutive blocks of n from their start (each month used once).
    """
    out = []
    for start in sorted(qualifying):
        if start - 1 in qualifying:
            continue
        end = start
        while end + 1 in qualifying:
            end += 1
        if chunked:
            for first in range(start, end - n + 2, n):
                window = list(range(first, first + n))
                if window[-1] in period:
                    out.append(window)
        else:
            for last in range(start + n - 1, end + 1):
                if last in period:
                    out.append(list(range(last - n + 1, last + 1)))
    return out


def longest(qualifying: set[int], period: set[int]) -> list[int]:
    """The longest run of calendar-consecutive qualifying months touching the period (the first on a tie)."""
    best: list[int] = []
    for start in sorted(qualifying):
        if start - 1 in qualifying:
            continue
        run = [start]
        while run[-1] + 1 in qualifying:
            run.append(run[-1] + 1)
        if any(m in period for m in run) and len(run) > len(best):
            best = run
    return best


def months_text(numbers: list[int]) -> str:
    return join([month(m) for m in numbers])


def scores_text(numbers: list[int], totals: dict[str, Decimal]) -> str:
    return ", ".join(fmt(totals[month(m)]) for m in numbers)


def exact_text(value: Fraction) -> str:
    """An exact figure in words: 84.9975 as it is; 59.99666… to six decimals with an ellipsis."""
    den = value.denominator
    for prime in (2, 5):
        while den % prime == 0:
            den //= prime
    if den == 1:  # a terminating decimal: written in full
        digits = 0
        while (value * 10**digits).denominator != 1:
            digits += 1
        return fmt(Decimal(value.numerator * 10**digits // value.denominator).scaleb(-digits))
    return fmt(Decimal(int(value * 10**6)).scaleb(-6)) + "…"


@dataclass
class Annual:
    by: str
    missing_mode: str
    periods: dict[str, list[str]]  # period label -> its months present in the inputs
    people: list[PersonPeriod]
    issues: list[Finding]  # problems of the input (exit 1)
    decision_columns: list[str]
    notes: list[Finding] = field(default_factory=list)  # said once in 问题, not problems of the input (exit 0)
    rules: tuple[Any, ...] = ()  # the scheme's decision kinds (xl_kpi.schemes.decisions), explained in the 说明 sheet
