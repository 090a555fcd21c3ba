"""What a run of `xl-kpi metrics` is asked: the period, how response times are timed, the peak dates, the
first-contact window and the satisfaction scale, each checked before any file is read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from xl_kpi.base.errors import InputValueError

from .hours import Schedule, parse_schedule
from .mapping import Mapping, load_mapping
from .times import epoch_ms, parse_peak, parse_period

MAX_FCR_DAYS = 366  # a repeat contact within a year at most
SCALES = (1, 5, 10, 100)  # 1: fractions (0.9 = 90%, as a percentage cell holds them)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Options:
    """The settings of one run, as every stage reads them."""

    mapping: Mapping
    start: datetime  # the period: [start, end)
    end: datetime
    schedule: Schedule | None  # working hours (--hours, --workdays): None for calendar time
    peak: tuple[datetime, datetime] | None  # [first day 00:00, day after the last 00:00)
    fcr_days: int
    scale: int | None  # the satisfaction scale told (--satisfaction-scale); None: 100 points, never guessed
    median: bool

    def window(self) -> tuple[int, int]:
        """The first and last creation second (both included) of the tickets that can change a figure
        of the period: the period's, and the ``fcr_days`` after it (later contacts)."""
        lo = epoch_ms(self.start) // 1000
        return lo, epoch_ms(self.end) // 1000 + self.fcr_days * 86_400 - 1


def read_options(period: str, *, mapping: str | Path | Mapping | None, median: bool, hours: str | Schedule | None,
                 workdays: str | None, peak: str | tuple[datetime, datetime] | None, fcr_days: int,
                 satisfaction_scale: int | None) -> Options:
    """The options of ``compute_metrics``, checked (an InputValueError says which is wrong) and read."""
    start, end = parse_period(period)
    schedule = hours if isinstance(hours, Schedule) else parse_schedule(hours, workdays)
    peak_range = peak if isinstance(peak, tuple) or peak is None else parse_peak(peak)
    if peak_range is not None and (peak_range[1] <= start or peak_range[0] >= end):
        raise InputValueError(
            f"高峰期 {peak_range[0]:%Y-%m-%d} 至 {(peak_range[1] - DAY):%Y-%m-%d} 不在考核期间 {period} 内"
        )
    if not isinstance(fcr_days, int) or isinstance(fcr_days, bool) or not 0 <= fcr_days <= MAX_FCR_DAYS:
        raise InputValueError(f"--fcr-days 应为 0 到 {MAX_FCR_DAYS} 之间的整数天数, 收到「{fcr_days}」")
    if satisfaction_scale is not None and int(satisfaction_scale) not in SCALES:
        raise InputValueError(f"--satisfaction-scale 应为 1 (百分比, 0.9 即 90%)、5、10 或 100, 收到「{satisfaction_scale}」")
    mapping = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    scale = int(satisfaction_scale) if satisfaction_scale is not None else None
    return Options(mapping, start, end, schedule, peak_range, fcr_days, scale, median)
