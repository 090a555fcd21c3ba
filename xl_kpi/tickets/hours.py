"""Business hours, computed exactly with a cumulative clock.

``clock(t)`` is the number of working milliseconds from a fixed Monday to ``t``; the working time between two
instants is ``clock(end) - clock(start)``.  The same formula runs on plain ``datetime`` values
(``business_minutes``, used by the tests) and on a whole column at once (``business_clock_expr``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from xl_kpi.base.errors import InputValueError

MS_PER_DAY = 86_400_000
# 1970-01-01 was a Thursday: day d (days since the epoch) has weekday (d + 3) % 7, Monday = 0.
_MONDAY_SHIFT = 3


@dataclass(frozen=True)
class Schedule:
    """Working hours on working weekdays (1 = Monday … 7 = Sunday); no holidays."""

    start: time
    end: time
    workdays: frozenset[int]

    @property
    def open_ms(self) -> int:
        return (self.start.hour * 3600 + self.start.minute * 60 + self.start.second) * 1000

    @property
    def day_ms(self) -> int:
        return (self.end.hour * 3600 + self.end.minute * 60 + self.end.second) * 1000 - self.open_ms

    def describe(self) -> str:
        days = "、".join("一二三四五六日"[d - 1] for d in sorted(self.workdays))
        return f"工作时间 {self.start:%H:%M}-{self.end:%H:%M}, 周{days}"

    def clock_ms(self, moment: datetime) -> int:
        """Working milliseconds from the Monday 1969-12-29 00:00 to ``moment`` (naive local time)."""
        since = moment - datetime(1970, 1, 1)
        total_ms = since.days * MS_PER_DAY + since.seconds * 1000 + since.microseconds // 1000
        day, in_day = divmod(total_ms, MS_PER_DAY)
        week, weekday = divmod(day + _MONDAY_SHIFT, 7)
        before = sum(1 for w in range(weekday) if w + 1 in self.workdays)
        today = min(max(in_day - self.open_ms, 0), self.day_ms) if weekday + 1 in self.workdays else 0
        return (week * len(self.workdays) + before) * self.day_ms + today


def parse_schedule(hours: str | None, workdays: str | None = None) -> Schedule | None:
    """``--hours 09:00-18:00 --workdays 1-5`` (Monday = 1); None when no hours are given."""
    if hours is None or not str(hours).strip():
        if workdays not in (None, "", "1-5"):
            raise InputValueError("--workdays 需要与 --hours 一起使用 (如 --hours 09:00-18:00 --workdays 1-5)")
        return None
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*[-~～至到]\s*(\d{1,2}):(\d{2})\s*", str(hours))
    if not m:
        raise InputValueError(f"--hours 应写成 09:00-18:00, 收到「{hours}」")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if not (h1 < 24 and m1 < 60 and h2 < 24 and m2 < 60):
        raise InputValueError(f"--hours 中的时刻无效 (应在 00:00 到 23:59 之间): 「{hours}」")
    start, end = time(h1, m1), time(h2, m2)
    if end <= start:
        raise InputValueError(f"--hours 的结束时刻应晚于开始时刻 (不支持跨午夜的班次), 收到「{hours}」")
    return Schedule(start, end, parse_workdays(workdays or "1-5"))


def parse_workdays(text: str) -> frozenset[int]:
    days: set[int] = set()
    for part in re.split(r"[,，、\s]+", str(text).strip()):
        if not part:
            continue
        m = re.fullmatch(r"([1-7])(?:[-~～]([1-7]))?", part)
        if not m:
            raise InputValueError(f"--workdays 应写成 1-5 或 1,2,3,4,5,6 (周一=1 … 周日=7), 收到「{text}」")
        low, high = int(m.group(1)), int(m.group(2) or m.group(1))
        if high < low:
            raise InputValueError(f"--workdays 的范围应从小到大, 收到「{part}」")
        days.update(range(low, high + 1))
    if not days:
        raise InputValueError("--workdays 至少要有一天")
    return frozenset(days)


def business_minutes(start: datetime, end: datetime, schedule: Schedule) -> float:
    """Working minutes between two instants (the reference the column version is tested against)."""
    return (schedule.clock_ms(end) - schedule.clock_ms(start)) / 60000


def business_clock_expr(ms: Any, schedule: Schedule) -> Any:
    """The column version of ``Schedule.clock_ms``: ``ms`` is an Int64 expression of ms since the epoch."""
    import polars as pl

    day = ms // MS_PER_DAY  # floor division, also before 1970
    in_day = ms - day * MS_PER_DAY
    shifted = day + _MONDAY_SHIFT
    week = shifted // 7
    weekday = shifted - week * 7
    before = [sum(1 for w in range(k) if w + 1 in schedule.workdays) for k in range(7)]
    working = [1 if k + 1 in schedule.workdays else 0 for k in range(7)]
    before_expr = weekday.replace_strict(list(range(7)), before, return_dtype=pl.Int64)
    working_expr = weekday.replace_strict(list(range(7)), working, return_dtype=pl.Int64)
    today = (in_day - schedule.open_ms).clip(0, schedule.day_ms) * working_expr
    return (week * len(schedule.workdays) + before_expr) * schedule.day_ms + today


# --------------------------------------------------------------------------- periods
