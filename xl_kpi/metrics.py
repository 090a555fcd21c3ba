"""`xl-kpi metrics`: helpdesk ticket exports -> one row of indicator inputs per agent.

Per agent, for the tickets created in the month (``--period``):

- 服务客户数: distinct customers among the agent's tickets;
- 客户投诉率 = distinct customers who complained / 服务客户数 (document 000:
  投诉客户数量 / 服务客户总量), a fraction (0.003 = 0.3%);
- 平均响应时间: minutes from creation to the first agent reply, the mean over
  answered tickets (``median=True``: the median); calendar time, or working time
  of a ``Schedule`` (``--hours 09:00-18:00 --workdays 1-5``);
- 问题解决率 = resolved tickets / tickets raised;
- 客户满意度: the mean satisfaction score on the 100-point scale of document 000
  (a 5- or 10-point export is converted only when told: ``satisfaction_scale``);
- 首次解决率 (first-contact resolution) = resolved tickets whose customer opened
  no further ticket (with anyone) within ``fcr_days`` days after it / tickets raised;
- 高峰期平均响应时间: the response time over tickets created in the ``peak`` dates;
- 服务态度: the mean attitude score (of 5), when the export has such a column.

Every row is either counted, outside the period (counted per file), or reported
with its file and row number: unparseable times, a reply before the question, an
agent missing or not in the roster, a duplicate ticket, a customer missing, an
unreadable resolved/complaint flag or score.  Nothing is dropped silently.  A reported
row stays out of every figure, but when its customer and creation time can be read it
is still a contact of that customer for first-contact resolution (unless it is the
same ticket again).  Times written with an offset (+08:00, Z) are converted to the
company's local time (``Mapping.timezone``, Asia/Shanghai unless the mapping file
says otherwise); times without one are taken as written.

The work is done by Polars in one streaming pass over the files (parsing in
parallel, nothing kept as text), then on columns of numbers:

- the scan parses times and scores, applies every check that needs only the row
  itself and keeps ticket ids and customers as two independent 64-bit hashes
  each; agents and the resolved / complaint flags are read as categories, so each
  distinct text is looked up once.  A value the fast path cannot read is kept (as
  text) only on its own row, for a second try with every format and for messages;
- the kind of problem and its message are worked out only for the (few) rows
  reported; every other row just gets one boolean;
- three jobs over all rows run together: copies of a ticket are found by sorting
  one hash (and confirmed on both), the counts and sums per agent are taken, and
  each customer's tickets are put in time order by one sort of 128-bit keys (the
  distinct customers per agent and the repeat contacts follow from neighbours,
  in numpy, on two threads, a million keys at a time).  The copies, a few rows, are taken out of the sums
  and out of the sorted keys afterwards.  The reported rows that are still contacts (a few) are
  added to the sort as keys with no agent and no flags, and the ones found to be a ticket
  already there are taken out with the copies.

A customer shared by two texts under the first hash is detected by the second
and then everything is counted again on the text itself.  A wrong figure would
need two different ids to agree in both hashes (odds far below one in 10^11 for
a month of ten million tickets).  All sums are of whole milliseconds or of scores
scaled to integers (1/10000 of a point), and every ratio and mean is formed from
them with Decimal arithmetic: 3 complaints in 1,000 customers is exactly 0.003,
10 minutes is exactly 10.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence

from xl_kpi.base.errors import InputFileError, InputValueError
from xl_kpi.base.errors import KpiError as KpiErrorBase
from xl_kpi.base.files import refuse_overwrite
from xl_kpi.tickets import (
    CATEGORY_FIELDS,
    FALSE_WORDS,
    FIELDS,
    NO_REPLY_WORDS,
    TIME_FORMATS,
    TRUE_WORDS,
    UNRATED_WORDS,
    Mapping,
    Schedule,
    Source,
    business_clock_expr,
    load_mapping,
    local_time_ms,
    open_sources,
    parse_peak,
    parse_period,
    parse_schedule,
    read_problem,
    reopen_gb18030,
    time_text,
)

MS_PER_MINUTE = 60_000
SCORE_SCALE = 10_000  # scores are summed as integers of 1/10000
SEED_1, SEED_2 = 0, 0x9E3779B97F4A7C15  # two independent 64-bit hashes of a text
PARSED_FIELDS = ("created", "first_reply", "satisfaction", "attitude")  # read as times or numbers during the scan
ROW_KINDS = {1, 3, 4, 5, 9, 10, 12}  # problems found from the row alone, during the scan (the others need agents, flags)
CONTIGUOUS = {"blank", "no_ticket", "th1", "h1", "h2", "created_ms", "reply_ms", "satisfaction", "attitude", "in_period",
              "pre_bad", "file"}  # the columns read for every row after the scan
VALUE_COLUMN = {"created": "created_ms", "first_reply": "reply_ms", "satisfaction": "satisfaction", "attitude": "attitude"}
EMPTY_FLAG = 2  # an empty 是否解决 cell (``_flag_values``): not known whether resolved
MAX_FCR_DAYS = 366  # a repeat contact within a year at most
# what the tickets of a file without a column are taken as (the other files have it)
MISSING_COLUMN = {
    "ticket": "没有工单编号, 不参与重复工单检查",
    "first_reply": "按未回复处理 (不计入平均响应时间)",
    "resolved": "不计入问题解决率和首次解决率 (这两项只按有该列的文件计算)",
    "complaint": "不计入客户投诉率 (投诉率只按有该列的文件中的客户计算)",
    "satisfaction": "按未评价处理 (不计入客户满意度)",
}
SCALES = (1, 5, 10, 100)  # 1: fractions (0.9 = 90%, as a percentage cell holds them)
SAMPLE, SAMPLE_ROWS = 2000, 20_000  # time formats are chosen on the first 2000 values (read from the first rows)
CUSTOMER_BLOCK = 1 << 20  # sorted keys are counted in blocks of about this many (whole customers)
PROBLEM_SHEET_LIMIT = 1_000_000  # rows an Excel sheet can hold, less a margin
STDERR_LIMIT = 30
_DAY = timedelta(days=1)

# problem kinds, in the order a row is checked; one (the first) is reported per row
KINDS = {
    1: "创建时间无法识别",
    2: "缺少客服",
    3: "缺少客户",
    4: "回复时间无法识别",
    5: "回复早于提问",
    6: "未知客服",
    7: "解决状态无法识别",
    8: "投诉标记无法识别",
    9: "满意度评分无效",
    10: "服务态度评分无效",
    11: "重复工单",
    12: "回复时间不合理",
}
MAX_REPLY_DAYS = 366  # a first reply later than this after creation is a mistyped year (2062 for 2026)

# DATA columns: the cs-quant / cs-smart inputs first, then counts for information
COL_ID, COL_NAME, COL_DEPT = "工号", "姓名", "部门"
COL_COMPLAINT = "客户投诉率"
COL_RESPONSE = "平均响应时间"
COL_RESOLUTION = "问题解决率"
COL_SATISFACTION = "客户满意度"
COL_FCR = "首次解决率"
COL_ATTITUDE = "服务态度"
COL_PEAK = "高峰期平均响应时间"
COL_JUDGED = "有解决状态的问题数"  # only when some file has no 是否解决 column: the rates' denominator
COL_KNOWN_CUSTOMERS = "有投诉标记的客户数"  # only when some file has no 是否投诉 column: the complaint rate's denominator
DATA_COLUMNS_OF = {  # the DATA columns a ticket field gives (missing when no file has the field)
    "complaint": (COL_COMPLAINT,), "first_reply": (COL_RESPONSE, COL_PEAK), "resolved": (COL_RESOLUTION, COL_FCR),
    "satisfaction": (COL_SATISFACTION,),
}
PERCENT_COLUMNS = {COL_COMPLAINT, COL_RESOLUTION, COL_FCR}
MINUTE_COLUMNS = {COL_RESPONSE, COL_PEAK}


@dataclass
class FileStats:
    name: str  # the file, or "file 工作表「sheet」" when the file's tickets are on several sheets (``Source.name``)
    rows: int = 0  # non-blank data rows
    blank: int = 0
    outside: int = 0  # created outside the period (not counted, not a problem)
    counted: int = 0
    problems: int = 0
    sheet_of: str | None = None  # the file's path, when these are the rows of one of its several sheets


@dataclass
class MetricsResult:
    period: str
    headers: list[str]
    rows: list[list[Any]]
    problems: Any  # polars.DataFrame: 文件, 行, 问题, 说明 (in file and row order)
    kind_counts: dict[str, int]
    files: list[FileStats]
    notices: list[str] = field(default_factory=list)
    settings: list[tuple[str, str]] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)  # the files read (ticket exports, roster): never written

    @property
    def problem_count(self) -> int:
        return self.problems.height

    @property
    def file_count(self) -> int:
        """Files read (a workbook whose tickets are on several sheets is one file, with a FileStats per sheet)."""
        return sum(1 for f in self.files if f.sheet_of is None) + len({f.sheet_of for f in self.files if f.sheet_of})

    @property
    def rows_read(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def counted(self) -> int:
        return sum(f.counted for f in self.files)

    @property
    def outside(self) -> int:
        return sum(f.outside for f in self.files)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.headers, row)) for row in self.rows]

    def problem_lines(self, limit: int | None = None) -> list[str]:
        frame = self.problems if limit is None else self.problems.head(limit)
        return [f"{f} 第{r}行: {m}" for f, r, _, m in frame.iter_rows()]

    def summary(self, output: str | Path | None = None) -> str:
        several = sum(1 for f in self.files if f.sheet_of is not None)
        sheets = f" (含 {several} 个工作表)" if several else ""
        text = (
            f"读取 {self.file_count} 个文件{sheets} {self.rows_read} 行: {self.counted} 行计入, "
            f"{self.problem_count} 行有问题"
        )
        if self.outside:
            text += f", {self.outside} 行不在 {self.period}"
        if self.kind_counts:
            text += " (" + ", ".join(f"{k} {v}" for k, v in self.kind_counts.items()) + ")"
        text += f"; 数据表 {len(self.rows)} 人"
        if output is not None:
            text += f", 已写入 {output}"
        return text


# --------------------------------------------------------------------------- public entry


def compute_metrics(
    tickets: Sequence[str | Path],
    period: str,
    *,
    mapping: str | Path | Mapping | None = None,
    roster: str | Path | None = None,
    median: bool = False,
    hours: str | Schedule | None = None,
    workdays: str | None = None,
    peak: str | tuple[datetime, datetime] | None = None,
    fcr_days: int = 7,
    satisfaction_scale: int | None = None,
    progress: Callable[[str], None] | None = None,
    output: str | Path | None = None,
) -> MetricsResult:
    """Compute the per-agent inputs of ``period`` (YYYY-MM) from ticket exports.

    ``progress`` is told (in Chinese, for the person waiting) each step as it starts: reading
    the files, then checking and counting.  ``output``, the DATA file to be written, is refused
    before any work when it is one of the files read."""
    if not tickets:
        raise InputFileError("请至少给出一个工单导出文件 (.csv 或 .xlsx)")
    inputs = [Path(t) for t in tickets] + ([Path(roster)] if roster is not None else [])
    if output is not None:
        refuse_overwrite(output, inputs, "数据文件")
    start, end = parse_period(period)
    schedule = hours if isinstance(hours, Schedule) else parse_schedule(hours, workdays)
    peak_range = peak if isinstance(peak, tuple) or peak is None else parse_peak(peak)
    if peak_range is not None and (peak_range[1] <= start or peak_range[0] >= end):
        raise InputValueError(
            f"高峰期 {peak_range[0]:%Y-%m-%d} 至 {(peak_range[1] - _DAY):%Y-%m-%d} 不在考核期间 {period} 内"
        )
    if not isinstance(fcr_days, int) or isinstance(fcr_days, bool) or not 0 <= fcr_days <= MAX_FCR_DAYS:
        raise InputValueError(f"--fcr-days 应为 0 到 {MAX_FCR_DAYS} 之间的整数天数, 收到「{fcr_days}」")
    if satisfaction_scale is not None and int(satisfaction_scale) not in SCALES:
        raise InputValueError(f"--satisfaction-scale 应为 1 (百分比, 0.9 即 90%)、5、10 或 100, 收到「{satisfaction_scale}」")
    mapping = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    people = _read_roster(roster) if roster is not None else None

    import polars as pl

    categories = pl.Categories.random("xl_kpi")  # this run's codes of agents and flags, from 0
    sources: list[Source] = []
    try:
        for path in tickets:
            if progress is not None and Path(path).suffix.lower() == ".xlsx":  # read whole when opened
                progress(f"打开 {Path(path).name}")
            # a Source per file, or per sheet of a workbook whose tickets are on several: numbered in order
            sources += open_sources(path, len(sources), mapping, categories)
        work = _Work(sources, mapping, start, end, schedule, peak_range, fcr_days, satisfaction_scale, median, people,
                     categories, progress)
        result = work.run(period)
        result.inputs = inputs
        return result
    finally:
        for s in sources:
            s.close()


@dataclass
class _Person:
    id: str
    name: str
    department: str


def _read_roster(path: str | Path) -> tuple[list[_Person], list[str], list[str]]:
    from xl_kpi.workflow.generate import load_roster

    people, problems, notices = load_roster(path, skipped="此行未读入")
    return [_Person(p.id, p.fields.get("姓名", ""), p.fields.get("部门", "")) for p in people], problems, notices


# --------------------------------------------------------------------------- the computation


class _Work:
    def __init__(self, sources, mapping, start, end, schedule, peak, fcr_days, scale, median, people,
                 categories=None, progress=None) -> None:
        self.sources: list[Source] = sources
        self.mapping: Mapping = mapping
        self.start, self.end = start, end
        self.schedule: Schedule | None = schedule
        self.peak = peak
        self.fcr_days = fcr_days
        self.scale = int(scale) if scale is not None else None
        self.median = median
        self.people = people
        self.categories = categories  # the polars.Categories of the agent and flag columns (CATEGORY_FIELDS)
        self.notices: list[str] = [n for s in sources for n in s.notices]
        self.fields = {f for s in sources for f in s.columns}
        self.progress = progress or (lambda step: None)

    # ------------------------------------------------------------ reading

    def run(self, period: str) -> MetricsResult:
        for s in self.sources:
            for fld in ("ticket", "first_reply", "resolved", "complaint", "satisfaction"):
                if fld in self.fields and fld not in s.columns:
                    self.notices.append(f"{s.name}: 没有{FIELDS[fld][0]}列 (其他文件有), 该文件的工单{MISSING_COLUMN[fld]}")
        absent = [fld for fld in DATA_COLUMNS_OF if fld not in self.fields]
        if absent:  # no file has the column: its DATA columns are missing, and the sheets are not pre-filled there
            labels = "、".join(FIELDS[fld][0] for fld in absent)
            columns = "、".join(c for fld in absent for c in DATA_COLUMNS_OF[fld]
                               if c != COL_PEAK or self.peak is not None)
            self.notices.append(f"工单文件中没有{labels}列: 数据表中没有{columns}, generate --data 不预填这些项, "
                                "需在考核表中填写 (或用 --map 文件说明导出文件中的列名)")
        try:
            df, formats = self._scan()
        except _NotUtf8:  # a CSV whose first 64 KB are ASCII, GB18030 further on: read again as GB18030
            if not self._reopen_gb18030():
                raise
            df, formats = self._scan()
        self.progress(f"核对并统计 {df.height:,} 行工单")
        return self._compute(df, formats, period)

    def _scan(self):
        """(the parsed rows of every file, the time formats used)."""
        import polars as pl

        formats = self._formats()
        frames = [self._parse(s.frame, s.columns, formats) for s in self.sources]
        paths = list(dict.fromkeys(s.path for s in self.sources))  # a workbook's sheets are one file
        size = sum(p.stat().st_size for p in paths)
        self.progress(f"读取 {len(paths)} 个工单文件 ({size / 1e6:,.0f} MB)" if size >= 1e6 else
                      f"读取 {len(paths)} 个工单文件")
        try:  # one streaming scan of all files, parsing in parallel
            return pl.concat(frames, how="vertical").collect(engine="streaming"), formats
        except pl.exceptions.PolarsError as exc:
            if _not_utf8(exc):  # the caller reads the CSVs that are not UTF-8 again (``_reopen_gb18030``)
                raise _NotUtf8(read_problem(self.sources[0].name if len(self.sources) == 1 else "工单文件", exc)) from None
            # which file: each scanned alone (only now, when the scan of all has failed)
            failing = self._failing([frame.select(pl.all().null_count()) for frame in frames])
            raise InputFileError(read_problem(failing.name if failing else "工单文件", exc)) from None

    def _failing(self, probes):
        """The first source whose probe (a LazyFrame per source) cannot be collected; None if all can."""
        import polars as pl

        for source, probe in zip(self.sources, probes):
            try:
                probe.collect(engine="streaming")
            except pl.exceptions.PolarsError:
                return source
        return None

    def _reopen_gb18030(self) -> bool:
        """Read again as GB18030 every CSV taken as UTF-8 that is not (the list is changed in place:
        the caller closes the sources); False when there is none."""
        reopened = False
        for i, s in enumerate(self.sources):
            again = reopen_gb18030(s, self.mapping, self.categories)
            if again is not None:
                self.sources[i] = again
                self.notices += [n for n in again.notices if n not in self.notices]  # how it was read after all
                reopened = True
        return reopened

    def _formats(self) -> dict[str, list[str]]:
        """Per time field, the formats to try: the one that fits a sample of the first file first."""
        import polars as pl

        candidates = list(dict.fromkeys([*self.mapping.time_formats, *TIME_FORMATS]))
        fields = [fld for fld in ("created", "first_reply") if fld in self.fields]
        sources = [next(s for s in self.sources if fld in s.columns) for fld in fields]
        try:  # the first 2000 values: read from the first rows (the whole column only if they are mostly empty)
            heads = pl.collect_all([s.frame.select(pl.col(fld)).head(SAMPLE_ROWS) for fld, s in zip(fields, sources)])
            samples = [head.to_series().drop_nulls().head(SAMPLE) for head in heads]
            samples = [sample if sample.len() == SAMPLE or head.height < SAMPLE_ROWS else
                       s.frame.select(pl.col(fld)).drop_nulls().head(SAMPLE).collect().to_series()
                       for fld, s, head, sample in zip(fields, sources, heads, samples)]
        except pl.exceptions.PolarsError as exc:
            failing = self._failing([s.frame.head(SAMPLE_ROWS) for s in self.sources]) or sources[0]
            raise (_NotUtf8 if _not_utf8(exc) else InputFileError)(read_problem(failing.name, exc)) from None
        out = {}
        for fld, sample in zip(fields, samples):
            if sample.len() == 0:
                out[fld] = candidates
                continue

            def fits(fmt: str) -> int:
                return time_text(sample, fmt).str.to_datetime(fmt, strict=False, exact=True, cache=False,
                                                              time_unit="ms").count()

            best = max(candidates, key=fits)  # the first of equals: plain seconds before fractions (faster)
            out[fld] = [best] + [f for f in candidates if f != best]
        return out

    def _words(self, fld: str) -> dict[str, int]:
        words = {}
        for value, group in ((1, (*TRUE_WORDS[fld], *self.mapping.true_words.get(fld, ()))),
                             (0, (*FALSE_WORDS[fld], *self.mapping.false_words.get(fld, ())))):
            for w in group:
                for variant in (w, w.upper(), w.title(), w.capitalize()):
                    words.setdefault(variant, value)
        return words

    def _parse(self, frame, columns: dict[str, int], formats: dict[str, list[str]]):
        """The one pass over a file: times and numbers parsed, texts kept as hashes or categories,
        and the checks that need nothing but the row itself (``pre_bad``) and the period applied.

        Each expression is evaluated once (values first, then what depends on them).  A time or
        number the fast path cannot read sets ``fail_<field>`` and keeps its text in ``raw_<field>``
        (a category: empty on every other row), for a second try and messages.  Agents and the
        resolved / complaint flags stay categories: each distinct text is read once, after the scan
        (``_agents``, ``_flag_values``).
        """
        import polars as pl

        category = pl.Categorical(self.categories)
        present = [f for f in FIELDS if f in self.fields]
        missing = [pl.lit(None, category if f in CATEGORY_FIELDS else pl.String).alias(f)
                   for f in present if f not in columns]
        lf = frame.with_columns(missing) if missing else frame
        parsed = [f for f in PARSED_FIELDS if f in present]
        values = []
        for fld in parsed:
            raw = pl.col(fld)
            if fld in ("created", "first_reply"):  # local wall-clock time (an offset converted: ``local_time_ms``)
                value = local_time_ms(raw, formats[fld][0], self.mapping.timezone)
            else:
                value = raw.cast(pl.Float64, strict=False)
            values.append(value.alias(f"_{fld}"))
        # a ticket and a customer are each known by two independent hashes of their id, spaces around it trimmed
        hashes = [pl.col("customer").str.strip_chars().alias("_customer")]
        if "ticket" in present:
            hashes.append(pl.col("ticket").str.strip_chars().alias("_ticket"))
        lf = lf.with_columns(*values, *hashes)
        lf = lf.with_columns(pl.col(f"_{name}").hash(seed=seed).alias(f"{prefix}{n}")
                             for name, prefix in (("customer", "h"), ("ticket", "th")) if name == "customer" or "ticket" in present
                             for n, seed in ((1, SEED_1), (2, SEED_2)))
        # a value the fast path cannot read; a score must also be finite: the text NaN, inf or Infinity is
        # no score, unreadable as "abc" is (``_retry`` then replaces the NaN with an empty value)
        lf = lf.with_columns(
            (pl.col(f"_{f}").is_null() & pl.col(f).is_not_null() if f in ("created", "first_reply") else
             (pl.col(f).is_not_null() & ~pl.col(f"_{f}").is_finite()).fill_null(True)).alias(f"fail_{f}")
            for f in parsed)

        exprs = [pl.col("file"), pl.col("row").cast(pl.UInt32),
                 pl.all_horizontal([pl.col(f).is_null() for f in present]).alias("blank")]
        if "ticket" in present:
            exprs += [_no_text("th").alias("no_ticket"), pl.col("th1"), pl.col("th2")]
        agent_parts = [pl.col(f) for f in ("agent_id", "agent_name") if f in present]
        exprs.append((pl.coalesce(agent_parts) if len(agent_parts) > 1 else agent_parts[0]).alias("agent"))
        if "agent_id" in present and "agent_name" in present:
            exprs.append(pl.col("agent_name"))
        exprs += [_no_text("h").alias("no_customer"), pl.col("h1"), pl.col("h2")]
        for fld in parsed:
            exprs += [pl.col(f"_{fld}").alias(VALUE_COLUMN[fld]), pl.col(f"fail_{fld}"),
                      pl.when(pl.col(f"fail_{fld}")).then(pl.col(fld)).cast(category).alias(f"raw_{fld}")]
        exprs += [pl.col(f).alias(f"{f}_text") for f in ("resolved", "complaint") if f in present]
        exprs.append(pl.any_horizontal([f"fail_{f}" for f in parsed]).alias("retry"))
        return lf.select(exprs).with_columns(self._row_checks())

    def _row_checks(self) -> list[Any]:
        """``in_period``, and ``pre_bad``: the checks that need only the row (all but agents and flags)."""
        import polars as pl

        start_ms, end_ms = _epoch_ms(self.start), _epoch_ms(self.end)
        in_period = pl.col("created_ms").is_between(start_ms, end_ms, closed="left").fill_null(False)
        columns = {VALUE_COLUMN.get(f, f) for f in self.fields}
        row_checks = [cond for k, cond in self._checks(columns) if k in ROW_KINDS]
        return [in_period.alias("in_period"), pl.any_horizontal(row_checks).alias("pre_bad")]

    # ------------------------------------------------------------ computing

    def _compute(self, df, formats, period: str) -> MetricsResult:
        """Every row is checked, copies found, and the good rows counted, on whole columns.

        The checks give one boolean per row; the kind of problem is worked out only for the few
        rows reported.  Agents and flags are looked up once per distinct text and spread to the
        rows through their category codes.  The three jobs over all rows (finding copies of
        tickets, putting each customer's tickets in time order, summing per agent) do not wait
        for each other: they run together, on the rows with no problem, and the copies found
        (a few rows) are taken out of the other two afterwards.
        """
        import numpy as np
        import polars as pl

        stats = [FileStats(s.name, sheet_of=None if s.sheet is None else str(s.path)) for s in self.sources]
        df = self._retry(df, formats)
        # the scan leaves many chunks; the columns read by the jobs over all rows are made contiguous
        # once, two at a time (the others are only read for a few rows)
        with ThreadPoolExecutor(max_workers=2) as pool:
            contiguous = list(pool.map(lambda c: df[c].rechunk(), [c for c in df.columns if c in CONTIGUOUS]))
        df = df.with_columns(contiguous)
        codes = self.categories.to_series()  # the text of each category code of this run
        agents, agent_problems, aid, no_agent = self._agents(df, codes)
        blank = df["blank"].to_numpy()
        bad = df["pre_bad"].to_numpy() | no_agent | (aid < 0)
        columns = [pl.Series("aid", aid), pl.Series("no_agent", no_agent)]
        empty = None  # tickets whose 是否解决 cell is empty
        for fld in ("resolved", "complaint"):
            if f"{fld}_text" in df.columns:
                value = self._flag_values(fld, codes)[_category_codes(df[f"{fld}_text"], len(codes))]
                bad |= value == -1
                columns += [pl.Series(fld, value == 1), pl.Series(f"bad_{fld}", value == -1)]
                if fld == "resolved" and (value == EMPTY_FLAG).any():
                    empty = value == EMPTY_FLAG
        lacking = [i for i, s in enumerate(self.sources) if "resolved" not in s.columns]
        if empty is not None:  # not known whether resolved: left out of both resolution rates, as a file without the column
            columns.append(pl.Series("resolved_known", ~empty))
        elif "resolved_text" in df.columns and lacking:  # those files' tickets are left out of both resolution rates
            columns.append(pl.Series("resolved_known", ~np.isin(df["file"].to_numpy(), lacking)))
        lacking = [i for i, s in enumerate(self.sources) if "complaint" not in s.columns]
        if "complaint_text" in df.columns and lacking:  # those files' customers are left out of the complaint rate
            columns.append(pl.Series("complaint_known", ~np.isin(df["file"].to_numpy(), lacking)))
        bad &= ~blank
        ok = ~(blank | bad)
        df = df.with_columns(*columns, pl.Series("ok", ok))
        del columns, aid, no_agent
        if empty is not None:
            self._empty_resolved(df, empty, lacking)
            del empty
        sat_factor = self._sat_factor = self._satisfaction_scale(df)

        # a reported row whose customer and creation time are known is still a contact of that customer
        # (a later ticket makes an earlier one no first-contact resolution): a few rows, put among the keys
        contacts, latest = self._contact_rows(df, bad)
        # the jobs over all rows, together (Polars runs them in parallel); copies are taken out after
        keys, layout = self._customer_keys(df, len(agents), contacts)
        self._check_coverage(layout, latest)
        jobs = [self._repeated_tickets(df, contacts), self._sums(df.lazy().filter(pl.col("ok") & pl.col("in_period")))]
        repeated, sums, *sorted_keys = pl.collect_all(jobs + ([keys] if keys is not None else []))
        dup, duplicates, copied = self._duplicates(df, repeated.to_series(), contacts)
        copies = df[np.flatnonzero(dup)] if duplicates is not None else None
        self._contacts = contacts.filter(~pl.col("i").is_in(copied)) if copied else contacts
        dropped = contacts.filter(pl.col("i").is_in(copied)) if copied else None
        # the customers are counted on a thread of their own (numpy releases the GIL) meanwhile
        with ThreadPoolExecutor(max_workers=1) as pool:
            counting = pool.submit(self._count, sorted_keys[0] if sorted_keys else None, copies, layout, len(agents),
                                   dropped)
            valid = ok & ~dup

            # every row is blank, reported (an unreadable creation time always, any other problem inside
            # the period), outside the period, or counted
            inside = df["in_period"].to_numpy()
            reported = (bad & (df["created_ms"].is_null().to_numpy() | inside)) | (dup & inside)
            counted = valid & inside
            outside = ~(blank | reported | counted)
            if len(stats) == 1:
                tally = [np.count_nonzero(m) for m in (blank, reported, outside, counted)]
            else:
                category = reported.view(np.uint8) + outside.view(np.uint8) * np.uint8(2) + counted.view(np.uint8) * np.uint8(3)
                tally = np.bincount(df["file"].to_numpy().astype(np.intp) * 4 + category, minlength=4 * len(stats))
                del category
            for i, st in enumerate(stats):
                st.blank, st.problems, st.outside, st.counted = (int(n) for n in tally[4 * i: 4 * i + 4])
                st.rows = st.outside + st.problems + st.counted
            if not inside.any():
                self._nothing_counted(df, period)
            del inside, counted, outside, blank, bad, ok, dup
            problems = self._problem_frame(df[np.flatnonzero(reported)], agent_problems, duplicates)
            del reported
            has = set(df.columns)
            df = df.with_columns(pl.Series("valid", valid))
            del valid
            counts = counting.result()
        table = self._table(df, sums, copies, counts)
        del df
        headers, rows = self._rows(agents, table, has)
        kinds = Counter(problems["问题"].to_list())
        ordered = {KINDS[k]: kinds[KINDS[k]] for k in sorted(KINDS) if kinds.get(KINDS[k])}
        return MetricsResult(period, headers, rows, problems, ordered, stats, self.notices, self._settings(period, sat_factor))

    def _nothing_counted(self, df, period: str) -> None:
        """A notice when no ticket was created in the period: a mistyped --period or the wrong export
        would otherwise give an empty DATA file without a word."""
        created = df["created_ms"].drop_nulls()
        if created.len() == 0:
            self.notices.append(f"没有统计到 {period} 的工单: 文件中没有能识别的创建时间")
            return
        first, last = (datetime(1970, 1, 1) + timedelta(milliseconds=int(t)) for t in (created.min(), created.max()))
        self.notices.append(f"没有统计到 {period} 创建的工单: 文件中工单的创建时间在 {first:%Y-%m-%d} 至 {last:%Y-%m-%d} "
                            "之间; 请检查 --period 或导出文件")

    def _checks(self, has: set[str]) -> list[tuple[int, Any]]:
        """(kind, condition) in checking order; a row's problem is the first condition it meets."""
        import polars as pl

        checks: list[tuple[int, Any]] = [(1, pl.col("created_ms").is_null()), (2, pl.col("no_agent")),
                                         (3, pl.col("no_customer"))]
        if "reply_ms" in has:
            checks += [(4, pl.col("fail_first_reply")), (5, pl.col("reply_ms") < pl.col("created_ms")),
                       (12, pl.col("reply_ms") - pl.col("created_ms") > MAX_REPLY_DAYS * 86_400_000)]
        checks.append((6, pl.col("aid") < 0))
        for k, fld in ((7, "resolved"), (8, "complaint")):
            if fld in has:
                checks.append((k, pl.col(f"bad_{fld}")))
        if "satisfaction" in has:
            top = self.scale or 100
            checks.append((9, pl.col("fail_satisfaction") | ~pl.col("satisfaction").is_between(0, top)))
        if "attitude" in has:
            checks.append((10, pl.col("fail_attitude") | ~pl.col("attitude").is_between(0, 5)))
        return [(k, cond.fill_null(False)) for k, cond in checks]

    def _retry(self, df, formats):
        """Times and numbers the fast path could not read get a second chance (only the few rows
        concerned): every time format, spaces trimmed, full-width digits; a score saying "not
        rated" (未评价, -, N/A …, ``UNRATED_WORDS`` and the mapping file's) is an empty score, and a
        first reply saying "never answered" (未回复, -, 0000-00-00 …, ``NO_REPLY_WORDS`` and the
        mapping file's) an empty reply time.
        ``fail_<field>`` stays set (and ``raw_<field>`` then holds the text) for a value still
        unreadable (a score of NaN or inf read by the fast path is replaced: no NaN is ever summed);
        the row checks are made again on the rows concerned."""
        import polars as pl

        from xl_kpi.base.numbers import to_decimal

        fields = [f for f in PARSED_FIELDS if f"fail_{f}" in df.columns]
        rows = df["retry"].arg_true()
        if rows.len() == 0:
            return df
        before = failed = df[rows]
        unrated = {*UNRATED_WORDS, *self.mapping.unrated_words}
        no_reply = {*NO_REPLY_WORDS, *self.mapping.no_reply_words}
        for fld in fields:
            mask = failed[f"fail_{fld}"]
            if not mask.any():
                continue
            trimmed = failed[f"raw_{fld}"].cast(pl.String).str.strip_chars()
            blank = trimmed == ""
            if fld in ("created", "first_reply"):
                tries = [local_time_ms(trimmed, f, self.mapping.timezone) for f in formats[fld]]
                values = pl.select(pl.coalesce(tries)).to_series()
                if fld == "first_reply":  # never answered (未回复, -, 0000-00-00 …): an empty reply time
                    blank = blank | trimmed.str.to_lowercase().is_in(list(no_reply))
            else:
                out = []
                for t in trimmed.to_list():
                    number = t.removesuffix("%").removesuffix("％") if t else t
                    try:  # "90%" on a survey means 90 of 100 (0.9 when the scores are fractions)
                        value = to_decimal(number) if number else None  # refuses NaN and inf
                        if value is not None and number != t and fld == "satisfaction" and self.scale == 1:
                            value /= 100
                        out.append(None if value is None else float(value))
                    except KpiErrorBase:
                        out.append(None)
                values = pl.Series(out, dtype=pl.Float64)
                blank = blank | trimmed.str.to_lowercase().is_in(list(unrated))  # not rated: an empty score
            column = VALUE_COLUMN[fld]
            failed = failed.with_columns(pl.when(pl.lit(mask)).then(pl.lit(values)).otherwise(pl.col(column)).alias(column),
                                         (mask & values.is_null() & ~blank).alias(f"fail_{fld}"))
        failed = failed.with_columns(self._row_checks())
        changed = [c for c in failed.columns if not failed[c].equals(before[c])]  # a column is copied only if it changed
        return df.with_columns(df[c].scatter(rows, failed[c]) for c in changed) if changed else df

    def _flag_values(self, fld: str, codes) -> Any:
        """numpy int8 per category code (and a last slot for an empty cell): 1 yes, 0 no, -1 unreadable,
        ``EMPTY_FLAG`` for an empty cell (or spaces only) of 是否解决: not known (an empty 是否投诉 is no
        complaint).  A --map file may give the empty text as a word (``unresolved: [""]``).  Exact words
        first; then spaces trimmed and any letter case."""
        import numpy as np

        words = self._words(fld)
        empty = words.get("", EMPTY_FLAG if fld == "resolved" else 0)
        out = np.full(len(codes) + 1, empty, dtype=np.int8)
        for code, (text, trimmed) in enumerate(zip(codes.to_list(), codes.str.strip_chars().to_list())):
            if text is None:
                continue
            value = words.get(text)
            if value is None:
                value = empty if not trimmed else words.get(trimmed, words.get(trimmed.lower()))
            out[code] = -1 if value is None else value
        return out

    def _empty_resolved(self, df, empty, lacking: list[int]) -> None:
        """A notice per file with tickets of the period whose 是否解决 is empty (left out of both resolution rates)."""
        import numpy as np

        files = df["file"].to_numpy()
        counted = empty & df["ok"].to_numpy() & df["in_period"].to_numpy() & ~np.isin(files, lacking)
        if not counted.any():
            return
        rows = np.flatnonzero(counted)
        per_file = np.bincount(files[rows], minlength=len(self.sources))
        first_row = {}
        for i in rows[np.unique(files[rows], return_index=True)[1]]:
            first_row[int(files[i])] = int(df["row"][int(i)])
        for f in np.flatnonzero(per_file):
            self.notices.append(
                f"{self.sources[f].name}: {per_file[f]} 条工单的是否解决为空 (如第{first_row[int(f)]}行), "
                "不计入问题解决率和首次解决率, 其他各项照常计入; 若空白表示未解决, 请在 --map 文件中写 "
                'values: {unresolved: [""]}')

    def _agents(self, df, codes):
        """(工号, 姓名, 部门) per agent; a problem per agent text; and per row, the agent's index
        (numpy int32, -1 for none) and whether the agent cell is empty (numpy bool)."""
        import numpy as np
        import polars as pl

        row_codes = _category_codes(df["agent"], len(codes))
        names: dict[str, str] = {}
        name_only: set[str] = set()  # agent texts that are names of rows with no 工号 (the 工号 column is empty)
        if "agent_name" in df.columns:  # (kept only when the exports have both columns)
            # a 工号 of spaces only is an empty 工号: the 姓名 stands for the agent (the columns share the categories)
            empty = np.array([not (t or "").strip() for t in codes.to_list()] + [True])
            name_codes = _category_codes(df["agent_name"], len(codes))
            row_codes = np.where(empty[row_codes] & ~empty[name_codes], name_codes, row_codes)
            pairs = pl.DataFrame({"agent": row_codes, "name": name_codes}).group_by("agent").agg(
                pl.col("name").filter(pl.col("name") < len(codes)).first(),
                (pl.col("agent") == pl.col("name")).all().alias("name_only"),
            ).filter(pl.col("agent") < len(codes))
            for a, n, only in pairs.iter_rows():
                if n is not None:
                    names[str(codes[a]).strip()] = str(codes[n]).strip()
                if only:
                    name_only.add(str(codes[a]).strip())
        seen = np.flatnonzero(np.bincount(row_codes, minlength=len(codes) + 1)[:len(codes)])
        texts = [codes[int(c)] or "" for c in seen]
        problems: dict[str, str] = {}
        if self.people is None:
            ids, index = self._agent_index({t.strip() for t in texts if t.strip()}, names, name_only, problems)
            if "agent_id" not in self.fields:
                self.notices.append(
                    "导出文件只有客服姓名, 没有工号: 数据表的「工号」列写的是姓名。"
                    "请加 --roster 花名册.xlsx 换成工号, 否则 generate --data 无法按工号预填"
                )
            agents = [(a, names.get(a, ""), "") for a in ids]
        else:
            people, roster_problems, roster_notices = self.people
            self.notices += roster_notices  # which sheets of the roster were read, as generate and sample say
            self.notices += [f"花名册 {p}" for p in roster_problems]
            from xl_kpi.excel.tables import id_key
            from xl_kpi.workflow.generate import leading_zeros_hint

            by_id = {id_key(p.id): i for i, p in enumerate(people)}  # Ｋ004 typed in full width is K004
            by_name: dict[str, list[int]] = {}
            for i, p in enumerate(people):
                if p.name:
                    by_name.setdefault(p.name, []).append(i)
            index = {}
            for text in {t.strip() for t in texts if t.strip()}:
                if id_key(text) in by_id:
                    index[text] = by_id[id_key(text)]
                elif len(by_name.get(text, [])) == 1:
                    index[text] = by_name[text][0]
                elif text in by_name:
                    ids = "、".join(people[i].id for i in by_name[text])
                    problems[text] = f"客服「{text}」在花名册中有 {len(by_name[text])} 人同名 ({ids}), 无法确定工号"
                else:
                    hint = leading_zeros_hint(id_key(text), set(by_id), "工单文件")
                    problems[text] = f"客服「{text}」不在花名册中{hint}"
            agents = [(p.id, p.name, p.department) for p in people]
        aid = np.full(len(codes) + 1, -1, dtype=np.int32)
        blank = np.ones(len(codes) + 1, dtype=bool)  # the last slot: no agent text at all
        for code, text in zip(seen, texts):
            aid[code] = index.get(text.strip(), -1)
            blank[code] = not text.strip()
        return agents, problems, aid[row_codes], blank[row_codes]

    @staticmethod
    def _agent_index(texts: set[str], names: dict[str, str], name_only: set[str],
                     problems: dict[str, str]) -> tuple[list[str], dict[str, int]]:
        """Without a roster: the agents' 工号 (natural order) and agent text -> index in them.  A row with an empty 工号
        but a 姓名 belongs to the 工号 other rows give that 姓名, when exactly one does (an export that
        left the 工号 out on some rows must not split an agent in two); a 姓名 of several 工号 is a
        problem of its rows; a 姓名 no row gives a 工号 stays an agent of its own."""
        ids = sorted(texts - name_only, key=_natural)
        by_name: dict[str, list[str]] = {}
        for a in ids:
            if names.get(a):
                by_name.setdefault(names[a], []).append(a)
        alone = []
        for text in sorted(texts & name_only, key=_natural):
            found = by_name.get(text, [])
            if len(found) > 1:
                problems[text] = f"客服工号为空, 姓名「{text}」对应多个工号 ({'、'.join(found)}), 无法确定是谁"
            elif not found:
                alone.append(text)
        ids = sorted([*ids, *alone], key=_natural)
        index = {a: i for i, a in enumerate(ids)}
        for text in texts & name_only:
            found = by_name.get(text, [])
            if len(found) == 1:
                index[text] = index[found[0]]
        return ids, index

    def _satisfaction_scale(self, df) -> Decimal:
        """Factor to the 100-point scale; refuse to guess when the scores look like 5 or 10 points, or
        like percentages (0.9) mixed with points (85)."""
        if "satisfaction" not in df.columns:
            return Decimal(1)
        if self.scale is None:
            import polars as pl

            start_ms, end_ms = _epoch_ms(self.start), _epoch_ms(self.end)
            scores = pl.col("satisfaction").filter(pl.col("created_ms").is_between(start_ms, end_ms, closed="left"))
            top, typical, fractions = df.select(scores.max().alias("top"), scores.quantile(0.9, "higher").alias("typical"),
                                                scores.filter((scores > 0) & (scores < 1)).count().alias("f")).row(0)
            if fractions and top > 1:  # 0.9 next to 85: percentages mixed into the scores
                raise InputValueError(
                    f"满意度评分中有 {fractions:,} 个介于 0 和 1 之间的小数 (如 0.9), 也有大于 1 的分数 (最高 {_fmt_number(top)}): "
                    "看起来部分评分写成了百分比 (0.9 即 90%)。请统一导出格式; 若全部是百分比, 请加 "
                    "--satisfaction-scale 1 (「85%」这样的文字按 0.85 读); 若确是百分制, 请加 --satisfaction-scale 100")
            if typical is not None and typical <= 10:  # nine in ten scores at most 10: not a 100-point survey
                guess = 1 if top <= 1 else 5 if typical <= 5 else 10
                seen = f"最高只有 {_fmt_number(top)}" if top <= 10 else f"九成不超过 {_fmt_number(typical)}"
                kind = "百分比 (0.9 即 90%)" if guess == 1 else f" {guess} 分制"
                raise InputValueError(
                    f"满意度评分{seen}, 看起来是{kind}, 而考核的客户满意度按百分制。"
                    f"请加 --satisfaction-scale {guess} (换算为百分制 ×{100 // guess}); "
                    "若确是百分制, 请加 --satisfaction-scale 100"
                )
            return Decimal(1)
        return Decimal(100) / Decimal(self.scale)

    def _ticket_key(self, df) -> tuple[list[str], Any, Any]:
        """How a ticket is told from a copy: (columns compared, hash to sort, rows that take part).

        Tickets are compared by two independent 64-bit hashes of their id (or, when the export
        has no id, of agent, customer, creation and reply times); only rows with no other problem
        take part."""
        import polars as pl

        if "th1" in df.columns:
            return ["th1", "th2"], pl.col("th1"), pl.col("ok") & ~pl.col("no_ticket")
        keys = [k for k in ("agent", "h1", "h2", "created_ms", "reply_ms") if k in df.columns]
        return keys, pl.struct(keys).hash(seed=SEED_1), pl.col("ok")

    def _repeated_tickets(self, df, contacts=None):
        """LazyFrame: the ticket hashes that occur more than once (found by one sort), among the rows
        with no problem and the ``contacts`` (reported rows: the same ticket again is no new contact)."""
        import polars as pl

        _, key_hash, usable = self._ticket_key(df)
        h = pl.col("h")
        if contacts is None or contacts.height == 0:
            return df.lazy().select(key_hash.filter(usable).sort().alias("h")).filter(h == h.shift(1)).unique()
        hashes = pl.concat([df.lazy().select(key_hash.filter(usable).alias("h")),
                            contacts.lazy().select(pl.col("tk").drop_nulls().alias("h"))])
        return hashes.sort("h").filter(h == h.shift(1)).unique()

    def _duplicates(self, df, repeated, contacts=None):
        """The second and later copies of a ticket: a numpy boolean per row, (file, row, dup_message)
        of each copy (None when there is none), and the ``contacts`` that are a ticket already counted
        or an earlier contact again (a list of their ``i``).  ``repeated``: the hashes seen more than
        once; the rows holding them are confirmed on both hashes."""
        import numpy as np
        import polars as pl

        dup = np.zeros(df.height, dtype=bool)
        if repeated.len() == 0:
            return dup, None, []
        keys, key_hash, usable = self._ticket_key(df)
        candidates = df.select(usable & key_hash.is_in(repeated.implode())).to_series().arg_true()
        sub = df[candidates].select(pl.lit(candidates).alias("i"), "file", "row", *keys)
        copied: list[int] = []
        if contacts is not None and contacts.height:
            mine = contacts.filter(pl.col("tk").is_in(repeated.implode())).select("i", *keys)
            again = mine.join(sub.select(keys), on=keys, how="semi", nulls_equal=True)["i"].to_list()
            later = mine.filter(pl.col("i") != pl.col("i").min().over(keys))["i"].to_list()
            copied = sorted(set(again) | set(later))
        # the copy kept: from the file with the most of the columns (a copy from an export without 是否解决 would
        # leave the ticket out of the resolution rates), the first in file order among equals
        lacking = np.array([sum(f not in s.columns for f in self.fields) for s in self.sources])
        if lacking.any():
            sub = sub.with_columns(pl.Series("lacking", lacking[sub["file"].to_numpy()])).sort("lacking", "i")
        first = sub.group_by(keys, maintain_order=True).agg(
            pl.col("i").first().alias("fi"), pl.col("file").first().alias("ff"), pl.col("row").first().alias("fr"))
        sub = sub.join(first, on=keys, how="left", nulls_equal=True).filter(pl.col("i") != pl.col("fi"))
        if sub.height == 0:
            return dup, None, copied
        names = [s.name for s in self.sources]
        what = "工单编号" if "th1" in df.columns else "客服、客户、创建时间和首次回复时间 (导出文件没有工单编号列)"
        messages = [f"{what}与 {names[ff]} 第{fr}行相同, 是重复的工单" for ff, fr in sub.select("ff", "fr").iter_rows()]
        dup[sub["i"].to_numpy()] = True
        return dup, sub.select("file", "row").with_columns(pl.Series("dup_message", messages, dtype=pl.String)), copied

    def _sums(self, frame):
        """LazyFrame: per agent index, the counts and sums of the tickets of ``frame`` (a LazyFrame)."""
        import polars as pl

        schema = frame.collect_schema()
        aggs = [pl.len().alias("raised")]
        if "reply_ms" in schema:
            if self.schedule is not None:
                wait = business_clock_expr(pl.col("reply_ms"), self.schedule) - business_clock_expr(pl.col("created_ms"), self.schedule)
            else:
                wait = pl.col("reply_ms") - pl.col("created_ms")
            frame = frame.with_columns(wait.alias("wait"))
            aggs += [pl.col("wait").sum().alias("wait_sum"), pl.col("wait").count().alias("answered")]
            if self.median:
                aggs.append(pl.col("wait").median().alias("wait_median"))
            if self.peak is not None:
                inside = pl.col("created_ms").is_between(_epoch_ms(self.peak[0]), _epoch_ms(self.peak[1]), closed="left")
                peak_wait = pl.col("wait").filter(inside)
                aggs += [peak_wait.sum().alias("peak_sum"), peak_wait.count().alias("peak_n")]
                if self.median:
                    aggs.append(peak_wait.median().alias("peak_median"))
        if "resolved" in schema:
            aggs.append(pl.col("resolved").cast(pl.Int64).sum().alias("resolved_n"))
        if "resolved_known" in schema:
            aggs.append(pl.col("resolved_known").cast(pl.Int64).sum().alias("judged"))
        for fld in ("satisfaction", "attitude"):
            if fld in schema:
                scaled = (pl.col(fld) * self._score_unit(fld)).round(0).cast(pl.Int64)
                aggs += [scaled.sum().alias(f"{fld}_sum"), pl.col(fld).count().alias(f"{fld}_n")]
        return frame.group_by("aid").agg(aggs)

    def _score_unit(self, fld: str) -> int:
        """Scores are summed as whole multiples of 1/unit: 1/10000 of a point, and of a percentage
        point for fractions (``--satisfaction-scale 1``), so 0.83335 counts as 83.335."""
        return SCORE_SCALE * 100 if fld == "satisfaction" and self.scale == 1 else SCORE_SCALE

    def _table(self, df, sums, copies, counts) -> dict[int, dict[str, Any]]:
        """Per agent index: counts, sums and numbers of distinct customers of the tickets in the period.

        ``sums`` were taken over the rows with no problem, copies included: the copies' own sums
        are taken off (every figure is a count or a sum).  A median cannot be taken off: with
        ``median`` the figures are summed again without the copies.  ``counts``: the numbers of
        distinct customers (``_count``), None when they must be counted on the texts."""
        import polars as pl

        table: dict[int, dict[str, Any]] = {}
        if copies is not None:
            if self.median:
                sums = self._sums(df.lazy().filter(pl.col("valid") & pl.col("in_period"))).collect()
            else:
                taken = self._sums(copies.lazy().filter(pl.col("in_period"))).collect()
                figures = pl.exclude("aid").cast(pl.Int64).fill_null(0)
                sums = pl.concat([sums.select("aid", figures), taken.select("aid", -figures)]) \
                    .group_by("aid").agg(pl.all().sum()).filter(pl.col("raised") > 0)
        for r in sums.iter_rows(named=True):
            table[int(r["aid"])] = r

        if counts is None:  # pragma: no cover - a 64-bit hash collision between two customers
            flags = [c for c in ("resolved", "complaint") if c in df.columns]
            valid = df.lazy().filter("valid").select("file", "row", "aid", "created_ms", "in_period", *flags)
            if self._contacts is not None and self._contacts.height:  # contacts only: no agent, no flags
                valid = pl.concat([valid, self._contacts.lazy().select(
                    "file", "row", pl.lit(-1, pl.Int32).alias("aid"), "created_ms",
                    *[pl.lit(False).alias(c) for c in ("in_period", *flags)])], how="vertical_relaxed")
            counts = self._by_customer_exact(valid)
        for key, per_agent in counts.items():
            for aid, n in per_agent.items():
                table.setdefault(aid, {})[key] = n
        if "complaint_known" in df.columns:
            # some file has no 是否投诉: the complaint rate is taken over the customers met in the files that have it
            # (a customer counts there when one of its tickets with the agent comes from such a file)
            known = df.lazy().filter(pl.col("valid") & pl.col("in_period") & pl.col("complaint_known")) \
                .group_by("aid").agg(pl.struct("h1", "h2").n_unique().alias("n")).collect()
            for t in table.values():
                t["served_known"] = 0
            for aid, n in known.iter_rows():
                table.setdefault(int(aid), {})["served_known"] = int(n)
        return table

    def _customer_keys(self, df, n_agents: int, contacts=None, layout: dict[str, Any] | None = None):
        """A LazyFrame of the good tickets (``ok``) that can matter as sorted 128-bit keys (columns h:
        high, l: low 64 bits), and the layout of the low half; no frame when the fields do not fit
        (millions of agents, or a first-contact window of years).  ``layout`` reuses the layout of an
        earlier call (for the keys of a few rows).  ``contacts`` (``_contact_rows``: a few reported
        rows) are put among the keys as contacts only: no agent, no flags (``_contact_keys``).

        Only tickets created in the period or the ``fcr_days`` after it can matter: served and
        complained count the period's, and a first-contact resolution looks only at the same
        customer's later contacts.  The window is fixed by the period, so a mistyped year (2099,
        9999) among the tickets changes neither the layout nor the export-coverage notice.

        The key is (h1 | creation second | agent | complaint, in period, resolved | a slice of h2):
        sorted, each customer's tickets stand together in time order.  It is worked out on every
        row (wrapping harmlessly on rows with problems) and only then filtered: that is cheaper
        than filtering the eight columns it is made of."""
        import polars as pl

        second = pl.col("created_ms") // 1000
        if layout is None:
            lo, top = self._window()
            latest = df.lazy().select(second.filter(pl.col("ok") & second.is_between(lo, top)).max()).collect().item()
            t_bits = max(int(top - lo).bit_length(), 1)
            a_bits = max((n_agents - 1).bit_length(), 1)
            layout = {"lo": lo, "top": top, "latest": latest, "a_bits": a_bits,
                      "f_bits": 64 - t_bits - a_bits - 3,
                      "resolved": "resolved" in df.columns, "complaint": "complaint" in df.columns}
            if layout["f_bits"] < 16:  # pragma: no cover - a window of years or millions of agents
                return None, layout
        u64 = pl.UInt64
        flags = pl.col("in_period").cast(u64) * 2
        if "resolved" in df.columns:
            flags = flags + pl.col("resolved").cast(u64)
        if "complaint" in df.columns:
            flags = flags + pl.col("complaint").cast(u64) * 4
        key = self._key_expr(layout, pl.col("aid").cast(u64, wrap_numerical=True), flags)
        frame = df.lazy().select(key.filter(pl.col("ok") & second.is_between(layout["lo"], layout["top"])).alias("k"))
        if contacts is not None and contacts.height:
            frame = pl.concat([frame, self._contact_keys(contacts, layout)])
        return self._halves(frame.sort("k")), layout

    def _window(self) -> tuple[int, int]:
        """The first and last creation second (both included) of the tickets that can change a figure
        of the period: the period's, and the ``fcr_days`` after it (later contacts)."""
        lo = _epoch_ms(self.start) // 1000
        return lo, _epoch_ms(self.end) // 1000 + self.fcr_days * 86_400 - 1

    @staticmethod
    def _key_expr(layout: dict[str, Any], aid: Any, flags: Any) -> Any:
        """The 128-bit key of ``_customer_keys`` (a UInt128 expression) from agent and flag expressions."""
        import polars as pl

        lo, a_bits, f_bits = layout["lo"], layout["a_bits"], layout["f_bits"]
        u64, u128 = pl.UInt64, pl.UInt128
        second = pl.col("created_ms") // 1000
        low = ((((second - lo).cast(u64, wrap_numerical=True) * (1 << a_bits) + aid)
                * 8 + flags) * (1 << f_bits) + pl.col("h2") // (1 << (64 - f_bits)))
        return pl.col("h1").cast(u128) * pl.lit(1 << 64, u128) + low.cast(u128)

    @staticmethod
    def _halves(frame) -> Any:
        """A LazyFrame of keys (k) as their high and low 64 bits (h, l)."""
        import polars as pl

        two64 = pl.lit(1 << 64, pl.UInt128)
        return frame.select((pl.col("k") // two64).cast(pl.UInt64).alias("h"),
                            pl.col("k").cast(pl.UInt64, wrap_numerical=True).alias("l"))

    def _contact_keys(self, contacts, layout: dict[str, Any]):
        """A LazyFrame (k) of the keys of ``contacts`` (reported rows) as contacts only: agent 0, no flag
        (never counted as served, complained or resolved; only their creation time is read).  Those
        outside the window (``_window``) change nothing and are left out: the key has no room for them."""
        import polars as pl

        zero = pl.lit(0, pl.UInt64)
        inside = (pl.col("created_ms") // 1000).is_between(layout["lo"], layout["top"])
        return contacts.lazy().filter(inside).select(self._key_expr(layout, zero, zero).alias("k"))

    def _contact_rows(self, df, bad) -> tuple[Any, int | None]:
        """The reported rows that are still a contact of their customer: every one whose customer and
        creation time can be read, whatever else is wrong with it (``_duplicates`` later tells the
        same ticket again, a copy, from a new contact).  A DataFrame of i (the row's index), file, row,
        h1, h2, created_ms, the ticket key's columns and tk, the hash of the ticket key (null for a
        row without ticket id); and the latest creation second among the reported rows inside the window
        (``_window``; None)."""
        import numpy as np
        import polars as pl

        keys, key_hash, _ = self._ticket_key(df)
        index = np.flatnonzero(bad)
        columns = list(dict.fromkeys(["file", "row", "h1", "h2", "created_ms", *keys]))
        rows = df.select(*columns, "no_customer", *(["no_ticket"] if "th1" in df.columns else []))[index]
        second = pl.col("created_ms") // 1000
        latest = rows.select(second.filter(second.is_between(*self._window())).max()).item()
        tk = pl.when(~pl.col("no_ticket")).then(key_hash) if "th1" in df.columns else key_hash
        contacts = rows.with_columns(pl.Series("i", index, dtype=pl.Int64)) \
            .filter(pl.col("created_ms").is_not_null() & ~pl.col("no_customer")).select("i", *columns, tk.alias("tk"))
        return contacts, latest

    def _check_coverage(self, layout: dict[str, Any], latest_reported: int | None) -> None:
        """A notice when the tickets end before the last day a first-contact resolution of the month
        needs (the period's end + ``fcr_days``): the month's last tickets would look resolved at first
        contact for want of the later ones."""
        if "resolved" not in self.fields or self.fcr_days <= 0:
            return
        seconds = [t for t in (layout.get("latest"), latest_reported) if t is not None]
        if not seconds:
            return
        latest = datetime(1970, 1, 1) + timedelta(seconds=int(max(seconds)))
        needed = self.end + timedelta(days=self.fcr_days - 1)  # the last day a ticket of the month looks at
        if latest < needed:
            d = self.fcr_days
            self.notices.append(
                f"工单只到 {latest:%Y-%m-%d %H:%M}, 判断首次解决需要到 {needed:%Y-%m-%d} 的工单 (--fcr-days {d}): "
                f"月末 {d} 天的工单首次解决率可能偏高, 请把下月前 {d} 天的工单一起导入")

    def _count(self, keys, copies, layout, n_agents: int, contacts=None) -> dict[str, dict[int, int]] | None:
        """served / complained / fcr_n per agent index from the sorted keys, less the copies' keys and
        the keys of ``contacts`` that are no new contact (a ticket again; None: count on the texts).
        The two halves of the customers (by the first bit of h1: a customer is never in both) are
        counted on two threads."""
        import numpy as np
        import polars as pl

        if keys is None:  # pragma: no cover - decades of tickets
            return None
        drop = [self._customer_keys(copies, n_agents, layout=layout)[0]] if copies is not None else []
        if contacts is not None and contacts.height:
            drop.append(self._halves(self._contact_keys(contacts, layout)))
        drop = pl.concat(drop).collect() if drop else None
        s_h, s_l = keys["h"].to_numpy(), keys["l"].to_numpy()
        mid = int(np.searchsorted(s_h, np.uint64(1 << 63)))

        def count(h, low):
            if drop is not None:
                h, low = _without(h, low, drop)
            return self._by_customer((h, low), layout)

        with ThreadPoolExecutor(max_workers=2) as pool:
            parts = list(pool.map(count, (s_h[:mid], s_h[mid:]), (s_l[:mid], s_l[mid:])))
        if any(part is None for part in parts):  # pragma: no cover - a 64-bit hash collision
            return None
        return {key: _nonzero(sum(part[key] for part in parts)) for key in parts[0]}

    def _by_customer(self, keys, layout: dict[str, Any]) -> dict[str, Any] | None:
        """served / complained / fcr_n per agent index (numpy arrays indexed by agent), from
        sorted keys of ``_customer_keys`` (two numpy arrays: high and low halves).

        The keys are taken in blocks of about a million that never split a customer: every
        figure is a sum over customers, and the arrays a block needs stay small (no fresh
        memory for each step).  None when two neighbours have the same h1 but different h2
        slices: two customers share h1, and the caller counts on the text itself.
        """
        import numpy as np

        s_h, s_l = keys
        size = 1 << layout["a_bits"]
        out = {"served": np.zeros(size, np.int64)}
        if layout["complaint"]:
            out["complained"] = np.zeros(size, np.int64)
        if layout["resolved"]:
            out["fcr_n"] = np.zeros(size, np.int64)
        n, start = len(s_h), 0
        while start < n:
            end = min(start + CUSTOMER_BLOCK, n)
            if end < n:  # on to the end of the last customer
                end = int(np.searchsorted(s_h, s_h[end - 1], "right"))
            if not self._count_block(s_h[start:end], s_l[start:end], layout, out):
                return None  # pragma: no cover - needs a 64-bit collision
            start = end
        return out

    def _count_block(self, h, low, layout: dict[str, Any], out: dict[str, Any]) -> bool:
        """Add one block of whole customers (sorted keys) to ``out``; False on an h1 collision."""
        import numpy as np

        a_bits, f_bits = layout["a_bits"], layout["f_bits"]
        size, m = 1 << a_bits, len(h)
        same = h[1:] == h[:-1]  # tickets i and i + 1 are the same customer's
        mixed = low[1:] ^ low[:-1]
        mixed &= np.uint64((1 << f_bits) - 1)
        if (same & mixed.astype(bool)).any():  # pragma: no cover - needs a 64-bit collision
            return False
        del mixed
        rest = low >> np.uint64(f_bits)  # creation second | agent | flags
        flags = rest.astype(np.uint8)  # the low byte
        flags &= 7
        rest >>= np.uint64(3)
        aid = (rest & np.uint64(size - 1)).astype(np.intp)
        rest >>= np.uint64(a_bits)  # the creation second
        if layout["resolved"]:
            # a repeat contact: another ticket of the customer within the window after, or in the same second
            gap = rest[1:] - rest[:-1]  # wraps between customers: only read where `same`
            again = np.zeros(m, dtype=bool)
            np.logical_and(same, gap <= self.fcr_days * 86_400, out=again[:-1])
            again[1:] |= same & (gap == 0)
            first_time = (flags & 3) == 3  # in the period and resolved
            first_time &= ~again
            out["fcr_n"] += np.bincount(aid[first_time], minlength=size)
        # distinct (customer, agent) pairs in the period: (customer | agent | complaint) sorted; the
        # customers already are in order, so this sort only puts each customer's few tickets in order
        pairs = np.zeros(m, dtype=np.uint64)
        np.cumsum(~same, out=pairs[1:])
        pairs <<= np.uint64(a_bits + 1)
        pairs |= aid.astype(np.uint64) << np.uint64(1)
        pairs |= flags >> 2
        pairs = pairs[(flags & 2).astype(bool)]
        pairs.sort(kind="stable")  # Timsort: linear on runs already in order
        pair = pairs >> np.uint64(1)
        first = np.ones(len(pair), dtype=bool)
        np.not_equal(pair[1:], pair[:-1], out=first[1:])
        pair_aid = (pair & np.uint64(size - 1)).astype(np.intp)
        out["served"] += np.bincount(pair_aid[first], minlength=size)
        if layout["complaint"]:
            last = np.ones(len(pair), dtype=bool)  # a complaint sorts last within a pair
            last[:-1] = first[1:]
            last &= (pairs & np.uint64(1)).astype(bool)
            out["complained"] += np.bincount(pair_aid[last], minlength=size)
        return True

    def _by_customer_exact(self, valid) -> dict[str, dict[int, int]]:  # pragma: no cover - see _by_customer
        """The same counts on the customer text itself (slower; used only after a hash collision)."""
        import polars as pl

        texts = pl.concat([s.frame.select("file", pl.col("row").cast(pl.UInt32), pl.col("customer").str.strip_chars())
                           for s in self.sources]).collect()
        frame = valid.collect().join(texts, on=["file", "row"], how="left")
        out: dict[str, dict[int, int]] = {}
        inside = frame.filter(pl.col("in_period"))
        out["served"] = dict(inside.group_by("aid").agg(pl.col("customer").n_unique()).iter_rows())
        if "complaint" in frame.columns:
            said = inside.filter(pl.col("complaint"))
            out["complained"] = dict(said.group_by("aid").agg(pl.col("customer").n_unique()).iter_rows())
        if "resolved" in frame.columns:
            window = self.fcr_days * 86_400
            f = frame.select("aid", "customer", "in_period", "resolved", (pl.col("created_ms") // 1000).alias("t")) \
                .sort("customer", "t")
            same_next = f["customer"] == f["customer"].shift(-1)
            same_prev = f["customer"] == f["customer"].shift(1)
            again = (same_next & (f["t"].shift(-1) - f["t"] <= window)).fill_null(False) | \
                    (same_prev & (f["t"].shift(1) == f["t"])).fill_null(False)
            hit = f.filter(pl.col("in_period") & pl.col("resolved") & ~again)
            out["fcr_n"] = dict(hit.group_by("aid").agg(pl.len()).iter_rows())
        return {k: {int(a): int(n) for a, n in v.items()} for k, v in out.items()}

    # ------------------------------------------------------------ output

    def _rows(self, agents, table, has) -> tuple[list[str], list[list[Any]]]:
        named = self.people is not None or "agent_name" in has
        headers = [COL_ID] + ([COL_NAME] if named else []) + ([COL_DEPT] if self.people is not None else [])
        inputs = []
        if "complaint" in has:
            inputs.append(COL_COMPLAINT)
        if "reply_ms" in has:
            inputs.append(COL_RESPONSE)
        if "resolved" in has:
            inputs.append(COL_RESOLUTION)
        if "satisfaction" in has:
            inputs.append(COL_SATISFACTION)
        if "resolved" in has:
            inputs.append(COL_FCR)
        if "attitude" in has:
            inputs.append(COL_ATTITUDE)
        if self.peak is not None and "reply_ms" in has:
            inputs.append(COL_PEAK)
        counts = ["服务客户数"] + (["投诉客户数"] if "complaint" in has else []) + ["问题总数"]
        counts += ["已解决数", "首次解决数"] if "resolved" in has else []
        counts += [COL_KNOWN_CUSTOMERS] if "complaint_known" in has else []
        counts += [COL_JUDGED] if "resolved_known" in has else []
        counts += ["未回复数"] if "reply_ms" in has else []
        counts += ["评价数"] if "satisfaction" in has else []
        headers += inputs + counts
        rows = []
        for aid, (emp, name, dept) in enumerate(agents):
            t = table.get(aid)
            if t is None and self.people is None:
                continue
            t = t or {"raised": 0}
            raised = int(t.get("raised", 0))
            served = int(t.get("served", 0))
            values: dict[str, Any] = {COL_ID: emp, COL_NAME: name, COL_DEPT: dept}
            known = served if t.get("served_known") is None else int(t["served_known"])  # customers with 是否投诉
            values[COL_COMPLAINT] = _ratio(t.get("complained", 0), known)
            values[COL_KNOWN_CUSTOMERS] = known
            answered = int(t.get("answered") or 0)
            if self.median:
                values[COL_RESPONSE] = _minutes_float(t.get("wait_median"))
                values[COL_PEAK] = _minutes_float(t.get("peak_median"))
            else:
                values[COL_RESPONSE] = _mean_minutes(t.get("wait_sum"), answered)
                values[COL_PEAK] = _mean_minutes(t.get("peak_sum"), int(t.get("peak_n") or 0))
            judged = raised if t.get("judged") is None else int(t["judged"])  # tickets whose file has 是否解决
            values[COL_RESOLUTION] = _ratio(t.get("resolved_n", 0), judged)
            values[COL_FCR] = _ratio(t.get("fcr_n", 0), judged)
            values[COL_JUDGED] = judged
            values[COL_SATISFACTION] = _mean_score(t.get("satisfaction_sum"), int(t.get("satisfaction_n") or 0),
                                                   self._sat_factor, self._score_unit("satisfaction"))
            values[COL_ATTITUDE] = _mean_score(t.get("attitude_sum"), int(t.get("attitude_n") or 0), Decimal(1))
            values.update({
                "服务客户数": served, "投诉客户数": int(t.get("complained", 0)), "问题总数": raised,
                "已解决数": int(t.get("resolved_n") or 0), "首次解决数": int(t.get("fcr_n") or 0),
                "未回复数": raised - answered, "评价数": int(t.get("satisfaction_n") or 0),
            })
            rows.append([values.get(h) for h in headers])
        return headers, rows

    _sat_factor = Decimal(1)
    _contacts = None  # the reported rows still counted as contacts of their customer (``_contact_rows``)

    def _problem_frame(self, reported, agent_problems, duplicates):
        """The reported rows as 文件, 行, 问题, 说明; a row's kind is the first check it fails (else it is a copy)."""
        import polars as pl

        code = pl.lit(11, pl.UInt8)  # no other problem: a copy of an earlier ticket
        for k, cond in reversed(self._checks(set(reported.columns))):
            code = pl.when(cond).then(pl.lit(k, pl.UInt8)).otherwise(code)
        reported = reported.with_columns(code.alias("code"))
        names = [s.name for s in self.sources]
        top = self.scale or 100
        cols = set(reported.columns)
        stamp = "%Y-%m-%d %H:%M:%S"
        def raw(fld: str) -> Any:  # the text of a value that could not be read
            return pl.col(f"raw_{fld}").cast(pl.String)

        csv_files = [i for i, s in enumerate(self.sources) if s.path.suffix.lower() == ".csv"]

        def unreadable(what: str, fld: str) -> Any:  # 46300.375 is how Excel stores a date: say so
            serial = raw(fld).str.strip_chars().str.contains(r"^[2-9]\d{4}(\.\d+)?$")
            return pl.format(f"{what}「{{}}」无法识别", raw(fld)) + pl.when(serial & pl.col("file").is_in(csv_files)).then(
                pl.lit(" (像是 Excel 的日期序列号: 请在 Excel 中把该列设为日期时间格式再导出 CSV, 或直接用 .xlsx 文件)")
            ).when(serial).then(pl.lit(  # in an .xlsx a serial number is read as a time: this one is text
                " (像是 Excel 的日期序列号, 但单元格中存的是文字: 请把该单元格改为数字或日期时间)")).otherwise(pl.lit(""))

        message = {
            1: pl.when(pl.col("fail_created")).then(unreadable("创建时间", "created")).otherwise(pl.lit("创建时间为空")),
            2: pl.lit("客服工号和姓名都为空"),
            3: pl.lit("客户为空"),
        }
        if "reply_ms" in cols:
            message[4] = unreadable("首次回复时间", "first_reply")
            message[5] = pl.format("首次回复时间 {} 早于创建时间 {}",
                                   pl.from_epoch("reply_ms", time_unit="ms").dt.strftime(stamp),
                                   pl.from_epoch("created_ms", time_unit="ms").dt.strftime(stamp))
            message[12] = pl.format("首次回复时间 {} 比创建时间 {} 晚 {} 天以上, 请核对年份",
                                    pl.from_epoch("reply_ms", time_unit="ms").dt.strftime(stamp),
                                    pl.from_epoch("created_ms", time_unit="ms").dt.strftime(stamp), pl.lit(MAX_REPLY_DAYS))
        agent = pl.col("agent").cast(pl.String).str.strip_chars()
        if "agent_name" in cols:  # a 工号 of spaces only: the 姓名 stands for the agent (as in ``_agents``)
            agent = pl.when(agent == "").then(pl.col("agent_name").cast(pl.String).str.strip_chars()).otherwise(agent)
        message[6] = agent.replace_strict(list(agent_problems), list(agent_problems.values()), default=None,
                                          return_dtype=pl.String) if agent_problems else pl.format("客服「{}」不在花名册中", agent)
        if "resolved" in cols:
            message[7] = pl.format("解决状态「{}」无法识别 (可在 --map 文件的 values 中说明)",
                                   pl.col("resolved_text").cast(pl.String))
        if "complaint" in cols:
            message[8] = pl.format("投诉标记「{}」无法识别 (可在 --map 文件的 values 中说明)",
                                   pl.col("complaint_text").cast(pl.String))
        if "satisfaction" in cols:
            message[9] = pl.when(pl.col("fail_satisfaction")).then(
                pl.format("满意度评分「{}」不是数字", raw("satisfaction"))).otherwise(
                pl.format(f"满意度评分 {{}} 超出 0~{top}" + ("" if self.scale else " (百分制)"), _number_text("satisfaction")))
        if "attitude" in cols:
            message[10] = pl.when(pl.col("fail_attitude")).then(
                pl.format("服务态度评分「{}」不是数字", raw("attitude"))).otherwise(
                pl.format("服务态度评分 {} 超出 0~5", _number_text("attitude")))
        if duplicates is not None:
            reported = reported.join(duplicates, on=["file", "row"], how="left", maintain_order="left")
            message[11] = pl.col("dup_message")
        text = pl.lit(None, pl.String)
        for k, expr in message.items():
            text = pl.when(pl.col("code") == k).then(expr).otherwise(text)
        return reported.select(
            pl.col("file").replace_strict(list(range(len(names))), names, return_dtype=pl.String).alias("文件"),
            pl.col("row").alias("行"),
            pl.col("code").replace_strict(list(KINDS), list(KINDS.values()), return_dtype=pl.String).alias("问题"),
            text.alias("说明"),
        )

    def _settings(self, period: str, sat_factor: Decimal) -> list[tuple[str, str]]:
        out = [("考核期间", period), ("平均响应时间", "中位数 (--median)" if self.median else "平均数")]
        out.append(("响应时间计时", self.schedule.describe() if self.schedule else "自然时间 (日历时间)"))
        if self.peak:
            out.append(("高峰期", f"{self.peak[0]:%Y-%m-%d} 至 {(self.peak[1] - _DAY):%Y-%m-%d}"))
        out.append(("首次解决", f"已解决, 且同一客户 {self.fcr_days} 天内没有再次提交工单 (有问题的行只要客户和创建时间可识别, 也算再次提交)"))
        out.append(("时区", f"带时区的时间 (如 +08:00、Z) 换算为 {self.mapping.timezone} 当地时间; 不带时区的按原样"))
        if self.scale:
            kind = "百分比 (0~1)" if self.scale == 1 else f"{self.scale} 分制"
            out.append(("满意度评分", f"{kind}, 换算为百分制 ×{_fmt_number(float(sat_factor))}"))
        else:
            out.append(("满意度评分", "百分制"))
        return out


# --------------------------------------------------------------------------- numbers

def _epoch_ms(moment: datetime) -> int:
    delta = moment - datetime(1970, 1, 1)
    return delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000


def _ratio(part: Any, whole: int) -> float | None:
    if not whole:
        return None
    return float(Decimal(int(part or 0)) / Decimal(whole))


def _mean_minutes(total_ms: Any, n: int) -> float | None:
    if not n or total_ms is None:
        return None
    return float(Decimal(int(total_ms)) / Decimal(n) / MS_PER_MINUTE)


def _minutes_float(ms: Any) -> float | None:
    if ms is None:
        return None
    return float(Decimal(repr(float(ms))) / MS_PER_MINUTE)


def _mean_score(total: Any, n: int, factor: Decimal, unit: int = SCORE_SCALE) -> float | None:
    if not n or total is None:
        return None
    return float(Decimal(int(total)) / unit / Decimal(n) * factor)


def _without(s_h: Any, s_l: Any, drop: Any) -> tuple[Any, Any]:
    """Sorted keys (numpy high and low halves) less one occurrence of each key of ``drop``
    (a few rows; those not among the keys are ignored)."""
    import numpy as np

    gone: set[int] = set()
    for h, low in drop.iter_rows():
        h, low = np.uint64(h), np.uint64(low)
        start, end = int(np.searchsorted(s_h, h, "left")), int(np.searchsorted(s_h, h, "right"))
        i = start + int(np.searchsorted(s_l[start:end], low, "left"))
        while i in gone:  # an equal key already taken: the next one (equal keys are interchangeable)
            i += 1
        if i < end and s_l[i] == low:
            gone.add(i)
    if not gone:
        return s_h, s_l
    keep = np.ones(len(s_h), dtype=bool)
    keep[list(gone)] = False
    return s_h[keep], s_l[keep]


def _nonzero(counts: Any) -> dict[int, int]:
    """{index: count} of a numpy array of counts, without the zeros."""
    import numpy as np

    return {int(i): int(counts[i]) for i in np.flatnonzero(counts)}


@lru_cache(maxsize=1)
def _empty_hashes() -> tuple[tuple[int, int], tuple[int, int]]:
    """The two hashes (``SEED_1``, ``SEED_2``) of an empty text and of an empty cell."""
    import polars as pl

    texts = pl.Series(["", None], dtype=pl.String)
    first, second = texts.hash(seed=SEED_1).to_list(), texts.hash(seed=SEED_2).to_list()
    return (first[0], second[0]), (first[1], second[1])


def _no_text(prefix: str) -> Any:
    """Whether the id hashed as ``<prefix>1``, ``<prefix>2`` was empty or spaces only: told by its two hashes
    (comparing numbers is much cheaper than comparing the texts again; two 64-bit hashes both equal to
    those of an empty text by chance: about 1 in 10^38)."""
    import polars as pl

    one, two = pl.col(f"{prefix}1"), pl.col(f"{prefix}2")
    return pl.any_horizontal([(one == a) & (two == b) for a, b in _empty_hashes()])


def _category_codes(column: Any, n_codes: int) -> Any:
    """The numpy codes of a Categorical column, with an empty cell as ``n_codes`` (an extra slot)."""
    return column.to_physical().fill_null(n_codes).to_numpy()


def _number_text(column: str) -> Any:
    """7.0 as "7", 7.5 as "7.5" (for messages)."""
    import polars as pl

    value = pl.col(column)  # a huge value (1e20) stays as it is: not cast to an integer it does not fit
    whole = value.cast(pl.Int64, strict=False).cast(pl.String)
    return pl.when((value == value.round(0)) & (value.abs() < 1e15)).then(whole).otherwise(value.cast(pl.String))


def _fmt_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _natural(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


class _NotUtf8(InputFileError):
    """A scan failed on text that is not UTF-8 (a CSV may then be read again as GB18030)."""


def _not_utf8(exc: BaseException) -> bool:
    """Whether Polars failed on text that is not UTF-8."""
    line = _first_line(exc).lower()
    return "utf-8" in line or "utf8" in line


# --------------------------------------------------------------------------- writing


def write_metrics(result: MetricsResult, output: str | Path) -> Path:
    """DATA.xlsx: 数据 (read by score / generate --data), 问题 (every reported row), 说明.

    The workbook is written directly as SpreadsheetML, the same parts openpyxl's write-only mode
    produces (inline strings, bold headers, 0.00% / 0.00 formats, frozen headers, column widths):
    thousands of agents and problem rows take milliseconds instead of most of a second.  Text
    is always text, never a formula.
    """
    import zipfile

    from xl_kpi.base.files import atomic_path

    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise InputFileError(f"输出文件应为 .xlsx (数据表之外还有「问题」表), 收到 {output.name}")
    refuse_overwrite(output, result.inputs, "数据文件")

    widths = {COL_ID: 12, COL_NAME: 10, COL_DEPT: 12}
    data = _Sheet([widths.get(h, max(10, len(h) * 2 + 2)) for h in result.headers], frozen="B2")
    data.append(result.headers, _BOLD)
    formats = [_PERCENT if h in PERCENT_COLUMNS else _DECIMALS if h in MINUTE_COLUMNS | {COL_SATISFACTION, COL_ATTITUDE}
               else 0 for h in result.headers]
    for row in result.rows:
        data.append(row, formats)

    sheet = _Sheet([28, 9, 16, 70], frozen="A2")
    sheet.append(["文件", "行", "问题", "说明"], _BOLD)
    shown = result.problems.head(PROBLEM_SHEET_LIMIT)
    for row in shown.iter_rows():
        sheet.append(row)
    if result.problem_count > shown.height:
        sheet.append([f"另有 {result.problem_count - shown.height} 行问题超出工作表行数上限, 未列出"])

    info = _Sheet([28, 80])
    info.append(["项目", "内容"], _BOLD)
    for k, v in result.settings:
        info.append([k, v])
    info.append([])
    info.append(["文件", "读取行数", "计入", "有问题", "不在考核期间", "空行"], _BOLD)
    for st in result.files:
        info.append([st.name, st.rows, st.counted, st.problems, st.outside, st.blank])
    if result.kind_counts:
        info.append([])
        info.append(["问题类型", "行数"], _BOLD)
        for k, v in result.kind_counts.items():
            info.append([k, v])
    if result.notices:
        info.append([])
        info.append(["提示"], _BOLD)
        for n in result.notices:
            info.append([n])

    sheets = [("数据", data), ("问题", sheet), ("说明", info)]
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with atomic_path(output) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES.format(sheets="".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>' for i in range(1, 4))))
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("docProps/app.xml", _APP)
        book.writestr("docProps/core.xml", _CORE.format(now=now))
        book.writestr("xl/workbook.xml", _WORKBOOK.format(sheets="".join(
            f'<sheet name="{name}" sheetId="{i}" state="visible" r:id="rId{i}"/>' for i, (name, _) in enumerate(sheets, 1))))
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        for i, (_, ws) in enumerate(sheets, 1):
            book.writestr(f"xl/worksheets/sheet{i}.xml", ws.xml())
    return output


# cell styles of _STYLES: bold (headers), 0.00% (fractions), 0.00 (minutes and scores)
_BOLD, _PERCENT, _DECIMALS = 1, 2, 3
_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "{sheets}</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/></Relationships>'
)
_APP = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>xl-kpi</Application></Properties>")
_CORE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>xl-kpi</dc:creator>'
    '<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/><bookViews><workbookView activeTab="0"/></bookViews>'
    '<sheets>{sheets}</sheets><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, 4))
    + f'<Relationship Id="rId4" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
    '<font><b val="1"/></font></fonts>'
    '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_PANES = {
    "B2": '<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" state="frozen"/>'
          '<selection pane="topRight"/><selection pane="bottomLeft"/>'
          '<selection pane="bottomRight" activeCell="A1" sqref="A1"/>',
    "A2": '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
          '<selection pane="bottomLeft" activeCell="A1" sqref="A1"/>',
    None: '<selection activeCell="A1" sqref="A1"/>',
}


class _Sheet:
    """The XML of one worksheet, built row by row."""

    def __init__(self, widths: list[int], frozen: str | None = None) -> None:
        self.head = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{_MAIN}">'
            f'<sheetViews><sheetView workbookViewId="0">{_PANES[frozen]}</sheetView></sheetViews>'
            '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/><cols>'
            + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1))
            + "</cols><sheetData>"
        )
        self.rows: list[str] = []

    def append(self, values: Sequence[Any], style: int | list[int] = 0) -> None:
        """A row; ``style`` for every cell, or one per cell.  Empty (None) cells are left out."""
        r = len(self.rows) + 1
        cells = []
        for i, value in enumerate(values):
            if value is None:
                continue
            s = style if isinstance(style, int) else style[i]
            attrs = f'r="{_letter(i)}{r}"' + (f' s="{s}"' if s else "")
            if isinstance(value, str):
                text = _ILLEGAL_XML.sub("", value[:32767])  # as much as a cell holds, without control characters
                if not text:
                    cells.append(f'<c {attrs} t="inlineStr"/>')
                    continue
                space = ' xml:space="preserve"' if text.strip() and text.strip() != text else ""
                text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                cells.append(f'<c {attrs} t="inlineStr"><is><t{space}>{text}</t></is></c>')
            else:  # a number, written as openpyxl does
                number = "" if math.isnan(value) or math.isinf(value) else "%.16g" % value
                cells.append(f'<c {attrs} t="n"><v>{number}</v></c>')
        self.rows.append(f'<row r="{r}">{"".join(cells)}</row>')

    def xml(self) -> str:
        return (self.head + "".join(self.rows) + "</sheetData>"
                '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>')


@lru_cache(maxsize=None)
def _letter(index: int) -> str:
    from xl_kpi.excel.number_formats import column_letter

    return column_letter(index)


def report_to(stream, result: MetricsResult, output: str | Path, limit: int = STDERR_LIMIT) -> None:
    """Problems and a summary on stderr (the first ``limit`` problems; all are in the 问题 sheet)."""
    for line in result.notices:
        print(f"提示 {line}", file=stream)
    for line in result.problem_lines(limit):
        print(f"问题 {line}", file=stream)
    if result.problem_count > limit:
        print(f"… 另有 {result.problem_count - limit} 行问题, 全部列在 {Path(output).name} 的「问题」表", file=stream)
    print(result.summary(output), file=stream)


if __name__ == "__main__":  # pragma: no cover
    print("use: xl-kpi metrics", file=sys.stderr)
