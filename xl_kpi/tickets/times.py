"""Times in a ticket export: the formats tried, offsets and the company's time zone, the period and the peak.

Times are read as local wall-clock time: one written with an offset (+08:00, +0800, Z) is converted to the
company's time zone (Asia/Shanghai unless the mapping file names another), one without is taken as written.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from xl_kpi.base.errors import InputFileError, InputValueError
from xl_kpi.base.months import need_period

TIME_FORMATS = (  # plain seconds first: with equal fit the faster format is used
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y.%m.%d %H:%M:%S%.f",
    "%Y.%m.%d %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M:%S",
    "%Y年%m月%d日%H:%M",
    # 12-hour times (``%p``): 上午 / 下午 as Chinese Windows writes them, or AM / PM
    "%Y/%m/%d %p %I:%M:%S",
    "%Y/%m/%d %p %I:%M",
    "%Y-%m-%d %p %I:%M:%S",
    "%Y-%m-%d %p %I:%M",
    "%Y/%m/%d %I:%M:%S %p",
    "%Y/%m/%d %I:%M %p",
    # times with an offset (``OFFSET_FORMAT``): 2026-10-01T03:00:00+08:00, …T03:00:00.123Z, 2026-10-01 03:00:00+0800
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S%.f%#z",
    "%Y-%m-%dT%H:%M%#z",
)
# A format that reads an offset (%z, %:z, %#z) or ends in the letter Z (UTC): such times are converted
# to the company's local time (``Mapping.timezone``); times without an offset are taken as written.
OFFSET_FORMAT = re.compile(r"%[#:]*z|(?<!%)Z$")
DEFAULT_TIMEZONE = "Asia/Shanghai"  # China: the local time of times written with an offset


def check_time_format(fmt: str, source: str) -> None:
    """An InputFileError for a format the time parser refuses (one with an hour but no minute, an
    unknown directive), said before any file is read."""
    import polars as pl

    try:
        pl.Series(["2026-10-05 09:03:00"]).str.to_datetime(fmt, strict=False, exact=True, cache=False, time_unit="ms")
    except (pl.exceptions.PolarsError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        twelve = ("; 12 小时制的时 (%I) 要与 %p 一起用, %p 读上午/下午或 AM/PM, 如 \"%Y/%m/%d %p %I:%M\""
                  if "%I" in fmt and "%p" not in fmt else "")
        raise InputFileError(
            f"{source}: time_formats 中的「{fmt}」不能用作时间格式 ({first}); 时间格式应同时有时和分, "
            f"如 \"%Y-%m-%d %H:%M\" (%Y 年 %m 月 %d 日 %H 时 %M 分 %S 秒){twelve}") from None


def time_text(text: Any, fmt: str) -> Any:
    """The texts ``text`` (a Polars expression or Series) as ``fmt`` reads them: for a 12-hour format (``%p``),
    上午 / 下午 written as AM / PM."""
    return text.str.replace_many(["上午", "下午"], ["AM", "PM"]) if "%p" in fmt else text


def check_timezone(zone: Any, source: str) -> str:
    """An IANA time zone name (Asia/Shanghai, Europe/Berlin) as Polars knows it, else a clear error."""
    import polars as pl

    text = zone.strip() if isinstance(zone, str) else ""
    if text:
        try:
            pl.select(pl.lit(datetime(2026, 1, 1)).dt.replace_time_zone(text))
        except pl.exceptions.PolarsError:
            text = ""
    if not text:
        raise InputFileError(
            f"{source}: timezone「{zone}」不是有效的时区; 请写时区数据库中的名称, 如 Asia/Shanghai (中国) 或 Europe/Berlin")
    return text


def local_time_ms(text: Any, fmt: str, zone: str) -> Any:
    """The texts ``text`` (a Polars expression or Series) read with ``fmt`` as milliseconds since the epoch
    of the local (wall-clock) time, null where they do not fit.  A time written with an offset (``fmt``
    reads one, ``OFFSET_FORMAT``) is converted to the local time of ``zone``; one without is taken as
    written (the plain formats are read exactly as before: no conversion at all)."""
    parsed = time_text(text, fmt).str.to_datetime(fmt, strict=False, exact=True, cache=False, time_unit="ms")
    offset = OFFSET_FORMAT.search(fmt)
    if offset is not None:
        if not offset.group().endswith("z"):  # a literal Z: read without an offset, it is UTC
            parsed = parsed.dt.replace_time_zone("UTC")
        parsed = parsed.dt.convert_time_zone(zone).dt.replace_time_zone(None)
    return parsed.dt.epoch("ms")


def parse_period(text: str) -> tuple[datetime, datetime]:
    """'2026-10' -> [2026-10-01 00:00, 2026-11-01 00:00)."""
    year, month = map(int, need_period(text).split("-"))
    start = datetime(year, month, 1)
    end = datetime(year + (month == 12), month % 12 + 1, 1)
    return start, end


def parse_peak(text: str | None) -> tuple[datetime, datetime] | None:
    """'2026-11-11..2026-11-12' (dates, both included) -> [2026-11-11 00:00, 2026-11-13 00:00)."""
    if text is None or not str(text).strip():
        return None
    parts = re.split(r"\s*(?:\.\.|~|～|至|到)\s*", str(text).strip())
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2:
        raise InputValueError(f"--peak 应写成 2026-11-11..2026-11-12 (起止日期都包含), 收到「{text}」")
    try:
        first, last = (datetime.strptime(p.replace("/", "-"), "%Y-%m-%d") for p in parts)
    except ValueError:
        raise InputValueError(f"--peak 应写成 2026-11-11..2026-11-12 (起止日期都包含), 收到「{text}」") from None
    if last < first:
        raise InputValueError(f"--peak 的结束日期早于开始日期: 「{text}」")
    return first, last + timedelta(days=1)


def epoch_ms(moment: datetime) -> int:
    """Milliseconds from 1970-01-01 00:00 to ``moment`` (naive local time), as the frames hold times."""
    delta = moment - datetime(1970, 1, 1)
    return delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000
