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
unreadable resolved/complaint flag or score.  Nothing is dropped silently.

The work is done by Polars in one pass over each file (parsing in parallel), then
on columns of numbers: ticket ids and customers are kept as two independent 64-bit
hashes each, agents as categories.  Copies of a ticket are found by sorting one
hash and confirmed on both; each customer's tickets are put in time order by one
sort of 128-bit keys, where a customer shared by two texts under the first hash is
detected by the second and then everything is counted again on the text itself.  A
wrong figure would need two different ids to agree in both hashes (odds far below
one in 10^11 for a month of ten million tickets).  All sums are of whole
milliseconds or of scores scaled to integers (1/10000 of a point), and every ratio
and mean is formed from them with Decimal arithmetic: 3 complaints in 1,000
customers is exactly 0.003, 10 minutes is exactly 10.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from .errors import InputFileError, InputValueError, KpiError as KpiErrorBase
from .tickets import (
    FALSE_WORDS, FIELDS, TIME_FORMATS, TRUE_WORDS, Mapping, Schedule, Source, business_clock_expr, load_mapping,
    open_source, parse_peak, parse_period, parse_schedule,
)

MS_PER_MINUTE = 60_000
SCORE_SCALE = 10_000  # scores are summed as integers of 1/10000
SEED_1, SEED_2 = 0, 0x9E3779B97F4A7C15  # two independent 64-bit hashes of a text
RAW_FIELDS = ("created", "first_reply", "resolved", "complaint", "satisfaction", "attitude")  # in checking order
VALUE_COLUMN = {"created": "created_ms", "first_reply": "reply_ms"}
SCALES = (5, 10, 100)
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
}

# DATA columns: the cs-quant / cs-smart inputs first, then counts for information
COL_ID, COL_NAME, COL_DEPT = "工号", "姓名", "部门"
COL_COMPLAINT = "客户投诉率"
COL_RESPONSE = "平均响应时间"
COL_RESOLUTION = "问题解决率"
COL_SATISFACTION = "客户满意度"
COL_FCR = "首次解决率"
COL_ATTITUDE = "服务态度"
COL_PEAK = "高峰期平均响应时间"
PERCENT_COLUMNS = {COL_COMPLAINT, COL_RESOLUTION, COL_FCR}
MINUTE_COLUMNS = {COL_RESPONSE, COL_PEAK}


@dataclass
class FileStats:
    name: str
    rows: int = 0  # non-blank data rows
    blank: int = 0
    outside: int = 0  # created outside the period (not counted, not a problem)
    counted: int = 0
    problems: int = 0


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

    @property
    def problem_count(self) -> int:
        return self.problems.height

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
        text = (
            f"读取 {len(self.files)} 个文件 {self.rows_read} 行: {self.counted} 行计入, "
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
) -> MetricsResult:
    """Compute the per-agent inputs of ``period`` (YYYY-MM) from ticket exports."""
    if not tickets:
        raise InputFileError("请至少给出一个工单导出文件 (.csv 或 .xlsx)")
    start, end = parse_period(period)
    schedule = hours if isinstance(hours, Schedule) else parse_schedule(hours, workdays)
    peak_range = peak if isinstance(peak, tuple) or peak is None else parse_peak(peak)
    if peak_range is not None and (peak_range[1] <= start or peak_range[0] >= end):
        raise InputValueError(
            f"高峰期 {peak_range[0]:%Y-%m-%d} 至 {(peak_range[1] - _DAY):%Y-%m-%d} 不在考核期间 {period} 内"
        )
    if not isinstance(fcr_days, int) or isinstance(fcr_days, bool) or fcr_days < 0:
        raise InputValueError(f"--fcr-days 应为不小于 0 的整数天数, 收到「{fcr_days}」")
    if satisfaction_scale is not None and int(satisfaction_scale) not in SCALES:
        raise InputValueError(f"--satisfaction-scale 应为 5、10 或 100, 收到「{satisfaction_scale}」")
    mapping = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    people = _read_roster(roster) if roster is not None else None

    sources: list[Source] = []
    try:
        for i, path in enumerate(tickets):
            sources.append(open_source(path, i, mapping))
        work = _Work(sources, mapping, start, end, schedule, peak_range, fcr_days, satisfaction_scale, median, people)
        return work.run(period)
    finally:
        for s in sources:
            s.close()


@dataclass
class _Person:
    id: str
    name: str
    department: str


def _read_roster(path: str | Path) -> tuple[list[_Person], list[str]]:
    from .generate import read_roster

    people, problems = read_roster(path)
    return [_Person(p.id, p.fields.get("姓名", ""), p.fields.get("部门", "")) for p in people], problems


# --------------------------------------------------------------------------- the computation


class _Work:
    def __init__(self, sources, mapping, start, end, schedule, peak, fcr_days, scale, median, people) -> None:
        self.sources: list[Source] = sources
        self.mapping: Mapping = mapping
        self.start, self.end = start, end
        self.schedule: Schedule | None = schedule
        self.peak = peak
        self.fcr_days = fcr_days
        self.scale = int(scale) if scale is not None else None
        self.median = median
        self.people = people
        self.notices: list[str] = [n for s in sources for n in s.notices]
        self.fields = {f for s in sources for f in s.columns}

    # ------------------------------------------------------------ reading

    def run(self, period: str) -> MetricsResult:
        import polars as pl

        for s in self.sources:
            for fld in ("ticket", "first_reply", "resolved", "complaint", "satisfaction"):
                if fld in self.fields and fld not in s.columns:
                    self.notices.append(f"{s.name}: 没有{FIELDS[fld][0]}列, 该文件的工单按空值处理")
        formats = {fld: self._formats(fld) for fld in ("created", "first_reply") if fld in self.fields}
        parsed = [self._parse(s.frame, s.columns, formats) for s in self.sources]
        try:  # one scan of each file feeds both: the parsed columns, and the texts of the rows that failed
            df, failed = pl.collect_all([pl.concat([m for m, _ in parsed], how="vertical"),
                                         pl.concat([f for _, f in parsed], how="vertical")])
        except pl.exceptions.PolarsError as exc:
            raise InputFileError(f"无法读取工单文件: {_first_line(exc)}") from None
        return self._compute(df, failed, formats, period)

    def _formats(self, fld: str) -> list[str]:
        """Time formats to try, the one that fits a sample of the first file first."""
        import polars as pl

        candidates = list(dict.fromkeys([*self.mapping.time_formats, *TIME_FORMATS]))
        source = next(s for s in self.sources if fld in s.columns)
        try:
            sample = source.frame.select(pl.col(fld)).drop_nulls().head(2000).collect().to_series()
        except pl.exceptions.PolarsError as exc:
            raise InputFileError(f"{source.name}: 无法读取 ({_first_line(exc)})") from None
        if sample.len() == 0:
            return candidates

        def fits(fmt: str) -> int:
            return sample.str.to_datetime(fmt, strict=False, exact=True, cache=False, time_unit="ms").count()

        best = max(candidates, key=fits)  # the first of equals: plain seconds before fractions (faster)
        return [best] + [f for f in candidates if f != best]

    def _words(self, fld: str) -> dict[str, int]:
        words = {}
        for value, group in ((1, (*TRUE_WORDS[fld], *self.mapping.true_words.get(fld, ()))),
                             (0, (*FALSE_WORDS[fld], *self.mapping.false_words.get(fld, ())))):
            for w in group:
                for variant in (w, w.upper(), w.title(), w.capitalize()):
                    words.setdefault(variant, value)
        return words

    def _parse(self, frame, columns: dict[str, int], formats: dict[str, list[str]]):
        """The one pass over a file: times, flags and numbers parsed; texts kept as hashes or categories.

        A value the fast path cannot read sets ``fail_<field>``; the second frame returned holds
        the original texts of the rows with any such failure (a few), for a second try and messages.
        """
        import polars as pl

        present = [f for f in FIELDS if f in self.fields]
        missing = [pl.lit(None, pl.String).alias(f) for f in present if f not in columns]
        lf = frame.with_columns(missing) if missing else frame
        exprs = [pl.col("file"), pl.col("row").cast(pl.UInt32),
                 pl.all_horizontal([pl.col(f).is_null() for f in present]).alias("blank")]
        if "ticket" in present:  # a ticket is known by two independent hashes of its id
            exprs += [pl.col("ticket").is_null().alias("no_ticket"), pl.col("ticket").hash(seed=SEED_1).alias("th1"),
                      pl.col("ticket").hash(seed=SEED_2).alias("th2")]
        agent_parts = [pl.col(f) for f in ("agent_id", "agent_name") if f in present]
        agent = pl.coalesce(agent_parts) if len(agent_parts) > 1 else agent_parts[0]
        exprs.append(agent.cast(pl.Categorical).alias("agent"))
        if "agent_id" in present and "agent_name" in present:
            exprs.append(pl.col("agent_name").cast(pl.Categorical))
        customer = pl.col("customer").str.strip_chars()  # a customer is known by two hashes of its id
        exprs += [(customer.is_null() | (customer == "")).alias("no_customer"),
                  customer.hash(seed=SEED_1).alias("h1"), customer.hash(seed=SEED_2).alias("h2")]
        fails = []
        for fld in RAW_FIELDS:
            if fld not in present:
                continue
            raw = pl.col(fld)
            if fld in ("created", "first_reply"):
                value = raw.str.to_datetime(formats[fld][0], strict=False, exact=True, cache=False, time_unit="ms").dt.epoch("ms")
                exprs.append(value.alias(VALUE_COLUMN[fld]))
            elif fld in ("resolved", "complaint"):
                words = self._words(fld)
                value = raw.replace_strict(list(words), list(words.values()), default=None, return_dtype=pl.Int8)
                exprs.append(pl.when(raw.is_null()).then(pl.lit(0, pl.Int8)).otherwise(value).alias(fld))
            else:
                value = raw.cast(pl.Float64, strict=False)
                exprs.append(value.alias(fld))
            fail = (value.is_null() & raw.is_not_null()).alias(f"fail_{fld}")
            exprs.append(fail)
            fails.append(fail)
        texts = [pl.col(f) for f in RAW_FIELDS if f in present]
        failed = lf.filter(pl.any_horizontal(fails)).select(pl.col("file"), pl.col("row").cast(pl.UInt32), *texts)
        return lf.select(exprs), failed

    # ------------------------------------------------------------ computing

    def _compute(self, df, failed, formats, period: str) -> MetricsResult:
        import polars as pl

        stats = [FileStats(s.name) for s in self.sources]
        df, raw = self._retry(df, failed, formats)
        agents, lookup, agent_problems = self._agents(df)
        codes = df["agent"].to_physical()
        df = df.with_columns(lookup["aid"].gather(codes).alias("aid"),
                             (codes.is_null() | lookup["blank"].gather(codes)).fill_null(True).alias("no_agent"))
        sat_factor = self._sat_factor = self._satisfaction_scale(df)

        start_ms, end_ms = _epoch_ms(self.start), _epoch_ms(self.end)
        has = set(df.columns)
        checks: list[tuple[int, Any]] = [(1, pl.col("created_ms").is_null()), (2, pl.col("no_agent")),
                                         (3, pl.col("no_customer"))]
        if "reply_ms" in has:
            checks += [(4, pl.col("fail_first_reply")), (5, pl.col("reply_ms") < pl.col("created_ms"))]
        checks.append((6, pl.col("aid").is_null()))
        for k, fld in ((7, "resolved"), (8, "complaint")):
            if fld in has:
                checks.append((k, pl.col(f"fail_{fld}")))
        if "satisfaction" in has:
            top = self.scale or 100
            checks.append((9, pl.col("fail_satisfaction") | ~pl.col("satisfaction").is_between(0, top)))
        if "attitude" in has:
            checks.append((10, pl.col("fail_attitude") | ~pl.col("attitude").is_between(0, 5)))
        code = pl.lit(0, pl.UInt8)
        for k, cond in reversed(checks):
            code = pl.when(cond.fill_null(False)).then(pl.lit(k, pl.UInt8)).otherwise(code)
        code = pl.when(pl.col("blank")).then(pl.lit(255, pl.UInt8)).otherwise(code)
        in_period = pl.col("created_ms").is_between(start_ms, end_ms, closed="left").fill_null(False)
        df = df.with_columns(code.alias("code"), in_period.alias("in_period"))
        df, duplicates = self._duplicates(df)

        # every row is blank, reported (an unreadable creation time always, any other problem inside
        # the period), outside the period, or counted
        code, inside = pl.col("code"), pl.col("in_period")
        category = (pl.when(code == 255).then(0).when((code == 1) | ((code > 0) & inside)).then(1)
                    .when(~inside).then(2).otherwise(3))
        tally = df.select((pl.col("file").cast(pl.UInt32) * 4 + category).alias("k"))["k"].value_counts()
        for key, n in tally.iter_rows():
            st, kind = stats[int(key) // 4], int(key) % 4
            if kind == 0:
                st.blank = int(n)
            elif kind == 1:
                st.problems = int(n)
            elif kind == 2:
                st.outside = int(n)
            else:
                st.counted = int(n)
        for st in stats:
            st.rows = st.outside + st.problems + st.counted
        reported = df.filter((code == 1) | ((code > 0) & (code < 255) & inside))
        problems = self._problem_frame(reported, raw, agent_problems, duplicates)
        keep = ["file", "row", "aid", "h1", "h2", "created_ms", "in_period",
                *[c for c in ("reply_ms", "resolved", "complaint", "satisfaction", "attitude") if c in has]]
        valid = df.select(keep).filter(df["code"] == 0)  # every good ticket, any month (for repeat contacts)
        del df, reported
        table = self._aggregate(valid, len(agents))
        headers, rows = self._rows(agents, table, has)
        kinds = Counter(problems["问题"].to_list())
        ordered = {KINDS[k]: kinds[KINDS[k]] for k in sorted(KINDS) if kinds.get(KINDS[k])}
        return MetricsResult(period, headers, rows, problems, ordered, stats, self.notices, self._settings(period, sat_factor))

    def _retry(self, df, failed, formats):
        """Values the fast path could not read get a second chance (only the few rows concerned):
        every time format, spaces trimmed, any letter case, full-width digits.  Returns the frame
        and, per row still failing, the text of its first unreadable value (file, row, raw)."""
        import polars as pl

        from .numbers import to_decimal

        fields = [f for f in RAW_FIELDS if f"fail_{f}" in df.columns]
        rows = df.select(pl.any_horizontal([f"fail_{f}" for f in fields]).alias("a"))["a"].arg_true()  # = failed's rows
        if rows.len() != failed.height:  # pragma: no cover - the two outputs of one scan always agree
            raise InputFileError("工单文件读取不一致, 请重试")
        empty = pl.DataFrame(schema={"file": pl.UInt16, "row": pl.UInt32, "raw": pl.String})
        if rows.len() == 0:
            return df, empty
        updates, still_failing = [], []
        for fld in fields:
            mask = df[f"fail_{fld}"].gather(rows)
            if not mask.any():
                continue
            idx = rows.filter(mask)
            text = failed[fld].filter(mask)
            trimmed = text.str.strip_chars()
            if fld in ("created", "first_reply"):
                tries = [trimmed.str.to_datetime(f, strict=False, exact=True, cache=False, time_unit="ms").dt.epoch("ms")
                         for f in formats[fld]]
                values = pl.select(pl.coalesce(tries)).to_series()
            else:
                words = self._words(fld) if fld in ("resolved", "complaint") else None
                out = []
                for t in trimmed.to_list():
                    if not t:
                        out.append(0 if words else None)
                    elif words:
                        out.append(words.get(t, words.get(t.lower())))
                    else:
                        try:  # "90%" on a survey means 90 of 100
                            out.append(float(to_decimal(t.removesuffix("%").removesuffix("％"))))
                        except KpiErrorBase:
                            out.append(None)
                values = pl.Series(out, dtype=pl.Int8 if words else pl.Float64)
            still = values.is_null() & (trimmed != "")
            column = VALUE_COLUMN.get(fld, fld)
            updates += [df[column].scatter(idx, values).alias(column),
                        df[f"fail_{fld}"].scatter(idx, still).alias(f"fail_{fld}")]
            aligned = mask.scatter(mask.arg_true(), still)  # per row of `failed`: this value still unreadable
            still_failing.append(pl.select(pl.when(aligned).then(failed[fld])).to_series().alias(fld))
        df = df.with_columns(updates)
        first = pl.select(pl.coalesce(still_failing).alias("raw")) if still_failing else pl.DataFrame({"raw": []})
        raw = failed.select("file", "row").with_columns(first["raw"].cast(pl.String)).filter(pl.col("raw").is_not_null())
        return df, raw

    def _agents(self, df):
        """(工号, 姓名, 部门) per agent; a lookup by category code (aid, blank); problem per agent text."""
        import polars as pl

        present = df.select(pl.col("agent").unique().drop_nulls()).to_series()
        codes, texts = present.to_physical().to_list(), present.cast(pl.String).to_list()
        size = (max(codes) + 1) if codes else 1
        names: dict[str, str] = {}
        if "agent_name" in df.columns:
            pairs = df.group_by("agent").agg(pl.col("agent_name").drop_nulls().first()).drop_nulls()
            names = {str(a).strip(): str(n).strip() for a, n in pairs.iter_rows()}
        aid: list[int | None] = [None] * size
        blank = [False] * size
        problems: dict[str, str] = {}
        if self.people is None:
            ids = sorted({t.strip() for t in texts if t.strip()}, key=_natural)
            index = {a: i for i, a in enumerate(ids)}
            if "agent_id" not in self.fields:
                self.notices.append(
                    "导出文件只有客服姓名, 没有工号: 数据表的「工号」列写的是姓名。"
                    "请加 --roster 花名册.xlsx 换成工号, 否则 generate --data 无法按工号预填"
                )
            agents = [(a, names.get(a, ""), "") for a in ids]
        else:
            people, roster_problems = self.people
            self.notices += [f"花名册 {p}" for p in roster_problems]
            by_id = {p.id: i for i, p in enumerate(people)}
            by_name: dict[str, list[int]] = {}
            for i, p in enumerate(people):
                if p.name:
                    by_name.setdefault(p.name, []).append(i)
            index = {}
            for text in {t.strip() for t in texts if t.strip()}:
                if text in by_id:
                    index[text] = by_id[text]
                elif len(by_name.get(text, [])) == 1:
                    index[text] = by_name[text][0]
                elif text in by_name:
                    ids = "、".join(people[i].id for i in by_name[text])
                    problems[text] = f"客服「{text}」在花名册中有 {len(by_name[text])} 人同名 ({ids}), 无法确定工号"
                else:
                    problems[text] = f"客服「{text}」不在花名册中"
            agents = [(p.id, p.name, p.department) for p in people]
        for code, text in zip(codes, texts):
            aid[code] = index.get(text.strip())
            blank[code] = not text.strip()
        lookup = pl.DataFrame({"aid": pl.Series(aid, dtype=pl.UInt32), "blank": pl.Series(blank, dtype=pl.Boolean)})
        return agents, lookup, problems

    def _satisfaction_scale(self, df) -> Decimal:
        """Factor to the 100-point scale; refuse to guess when the scores look like 5 or 10 points."""
        if "satisfaction" not in df.columns:
            return Decimal(1)
        if self.scale is None:
            import polars as pl

            start_ms, end_ms = _epoch_ms(self.start), _epoch_ms(self.end)
            scores = pl.col("satisfaction").filter(pl.col("created_ms").is_between(start_ms, end_ms, closed="left"))
            top, typical = df.select(scores.max().alias("top"), scores.quantile(0.9, "higher").alias("typical")).row(0)
            if typical is not None and typical <= 10:  # nine in ten scores at most 10: not a 100-point survey
                guess = 5 if typical <= 5 else 10
                seen = f"最高只有 {_fmt_number(top)}" if top <= 10 else f"九成不超过 {_fmt_number(typical)}"
                raise InputValueError(
                    f"满意度评分{seen}, 看起来是 {guess} 分制, 而考核按百分制 (文件 000)。"
                    f"请加 --satisfaction-scale {guess} (换算为百分制 ×{100 // guess}); "
                    "若确是百分制, 请加 --satisfaction-scale 100"
                )
            return Decimal(1)
        return Decimal(100) / Decimal(self.scale)

    def _duplicates(self, df):
        """Mark the second and later copies of a ticket (code 11) among rows with no other problem.

        Tickets are compared by two independent 64-bit hashes of their id (or, when the export
        has no id, of agent, customer, creation and reply times): copies are found by sorting
        one hash, and confirmed on both.
        """
        import polars as pl

        if "th1" in df.columns:
            keys = ["th1", "th2"]
            usable = (pl.col("code") == 0) & ~pl.col("no_ticket")
        else:
            keys = [k for k in ("agent", "h1", "h2", "created_ms", "reply_ms") if k in df.columns]
            usable = pl.col("code") == 0
        key_hash = pl.col("th1") if "th1" in df.columns else pl.struct(keys).hash(seed=SEED_1)
        hashes = df.select(pl.when(usable).then(key_hash).alias("h")).to_series()
        ordered = hashes.drop_nulls().sort()
        repeated = ordered.filter(ordered == ordered.shift(1)).unique()
        del ordered
        if repeated.len() == 0:
            return df, None
        idx = hashes.is_in(repeated.implode()).fill_null(False).arg_true()
        sub = df.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("i"), "file", "row", *keys).gather(idx)
        first = sub.group_by(keys, maintain_order=True).agg(
            pl.col("i").first().alias("fi"), pl.col("file").first().alias("ff"), pl.col("row").first().alias("fr"))
        sub = sub.join(first, on=keys, how="left", nulls_equal=True).filter(pl.col("i") != pl.col("fi"))
        if sub.height == 0:
            return df, None
        names = [s.name for s in self.sources]
        what = "工单编号" if "th1" in df.columns else "客服、客户、创建时间和首次回复时间 (导出文件没有工单编号列)"
        messages = [f"{what}与 {names[ff]} 第{fr}行相同, 是重复的工单" for ff, fr in sub.select("ff", "fr").iter_rows()]
        code = df["code"].scatter(sub["i"], pl.Series([11] * sub.height, dtype=pl.UInt8))
        found = sub.select("file", "row").with_columns(pl.Series("dup_message", messages, dtype=pl.String))
        return df.with_columns(code.alias("code")), found

    def _aggregate(self, valid, n_agents: int) -> dict[int, dict[str, Any]]:
        """Per agent index: counts, sums and numbers of distinct customers of the tickets in the period."""
        import polars as pl

        table: dict[int, dict[str, Any]] = {}
        counts = self._by_customer(valid, n_agents)
        if counts is None:  # pragma: no cover - a 64-bit hash collision between two customers
            counts = self._by_customer_exact(valid)
        for key, per_agent in counts.items():
            for aid, n in per_agent.items():
                table.setdefault(aid, {})[key] = n

        frame = valid.filter(valid["in_period"])
        aggs = [pl.len().alias("raised")]
        if "reply_ms" in frame.columns:
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
        if "resolved" in frame.columns:
            aggs.append(pl.col("resolved").cast(pl.Int64).sum().alias("resolved_n"))
        for fld in ("satisfaction", "attitude"):
            if fld in frame.columns:
                scaled = (pl.col(fld) * SCORE_SCALE).round(0).cast(pl.Int64)
                aggs += [scaled.sum().alias(f"{fld}_sum"), pl.col(fld).count().alias(f"{fld}_n")]
        for r in frame.group_by("aid").agg(aggs).iter_rows(named=True):
            table.setdefault(int(r["aid"]), {}).update(r)
        return table

    def _by_customer(self, valid, n_agents: int) -> dict[str, dict[int, int]] | None:
        """served / complained / fcr_n per agent index, from one sort of 128-bit keys.

        A customer is the 64-bit hash h1 of its text.  Each valid ticket becomes the key
        (h1 | creation second | agent | in-period, resolved, complaint | a slice of a second,
        independent hash h2); sorted, each customer's tickets stand together in time order.
        Two neighbours with the same h1 but different h2 slices are two customers sharing
        h1: then None is returned and the caller counts on the text itself.
        """
        import polars as pl

        u128, two64 = pl.UInt128, pl.lit(1 << 64, pl.UInt128)
        t = valid["created_ms"] // 1000
        rel = (t - t.min()).cast(pl.UInt64)
        t_bits = max(int(rel.max() or 0).bit_length(), 1)
        a_bits = max((n_agents + 1).bit_length(), 1)
        f_bits = 64 - t_bits - a_bits - 3
        if f_bits < 16:  # pragma: no cover - decades of tickets or millions of agents
            return None
        flags = valid["in_period"].cast(pl.UInt64) * 4
        if "resolved" in valid.columns:
            flags = flags + (valid["resolved"] == 1).fill_null(False).cast(pl.UInt64) * 2
        if "complaint" in valid.columns:
            flags = flags + (valid["complaint"] == 1).fill_null(False).cast(pl.UInt64)
        aid1 = valid["aid"].cast(pl.UInt64) + 1
        low = ((rel * (1 << a_bits) + aid1) * 8 + flags) * (1 << f_bits) + valid["h2"] // (1 << (64 - f_bits))
        del t, rel, flags, aid1
        ordered = pl.select((pl.lit(valid["h1"]).cast(u128) * two64 + pl.lit(low).cast(u128)).alias("k")).to_series().sort()
        del low
        halves = pl.select((pl.lit(ordered) // two64).cast(pl.UInt64).alias("h"), (pl.lit(ordered) % two64).cast(pl.UInt64).alias("l"))
        del ordered
        s_h1, s_low = halves["h"], halves["l"]
        del halves
        s_frag = s_low % (1 << f_bits)
        new = (s_h1 != s_h1.shift(1)).fill_null(True)
        if ((~new) & (s_frag != s_frag.shift(1))).any():  # pragma: no cover - needs a 64-bit collision
            return None
        del s_h1, s_frag
        rest = s_low // (1 << f_bits)
        s_flags = rest % 8
        s_aid1 = (rest // 8) % (1 << a_bits)
        s_t = rest // (8 << a_bits)
        del rest, s_low
        s_in = s_flags >= 4

        def per_agent(aid1) -> dict[int, int]:
            return {int(a) - 1: int(n) for a, n in aid1.value_counts().iter_rows()}

        out: dict[str, dict[int, int]] = {}
        cid = new.cast(pl.UInt64).cum_sum()
        pairs = (cid * (1 << a_bits) + s_aid1).filter(s_in).sort()
        out["served"] = per_agent(pairs.filter((pairs != pairs.shift(1)).fill_null(True)) % (1 << a_bits))
        if "complaint" in valid.columns:
            said = (cid * (1 << a_bits) + s_aid1).filter(s_in & (s_flags % 2 == 1)).unique()
            out["complained"] = per_agent(said % (1 << a_bits))
        del cid, pairs
        if "resolved" in valid.columns:
            window = self.fcr_days * 86_400
            again_next = (~new.shift(-1).fill_null(True)) & (s_t.shift(-1) - s_t <= window).fill_null(False)
            again_tie = (~new) & (s_t.shift(1) == s_t).fill_null(False)
            first_time = (s_flags >= 6) & ~(again_next | again_tie)  # in the period and resolved
            out["fcr_n"] = per_agent(s_aid1.filter(first_time))
        return out

    def _by_customer_exact(self, valid) -> dict[str, dict[int, int]]:  # pragma: no cover - see _by_customer
        """The same counts on the customer text itself (slower; used only after a hash collision)."""
        import polars as pl

        texts = pl.concat([s.frame.select("file", pl.col("row").cast(pl.UInt32), pl.col("customer").str.strip_chars())
                           for s in self.sources]).collect()
        frame = valid.join(texts, on=["file", "row"], how="left")
        out: dict[str, dict[int, int]] = {}
        inside = frame.filter(pl.col("in_period"))
        out["served"] = dict(inside.group_by("aid").agg(pl.col("customer").n_unique()).iter_rows())
        if "complaint" in frame.columns:
            said = inside.filter(pl.col("complaint") == 1)
            out["complained"] = dict(said.group_by("aid").agg(pl.col("customer").n_unique()).iter_rows())
        if "resolved" in frame.columns:
            window = self.fcr_days * 86_400
            f = frame.select("aid", "customer", "in_period", "resolved", (pl.col("created_ms") // 1000).alias("t")) \
                .sort("customer", "t")
            same_next = f["customer"] == f["customer"].shift(-1)
            same_prev = f["customer"] == f["customer"].shift(1)
            again = (same_next & (f["t"].shift(-1) - f["t"] <= window)).fill_null(False) | \
                    (same_prev & (f["t"].shift(1) == f["t"])).fill_null(False)
            hit = f.filter(pl.col("in_period") & (pl.col("resolved") == 1) & ~again)
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
            values[COL_COMPLAINT] = _ratio(t.get("complained", 0), served)
            answered = int(t.get("answered") or 0)
            if self.median:
                values[COL_RESPONSE] = _minutes_float(t.get("wait_median"))
                values[COL_PEAK] = _minutes_float(t.get("peak_median"))
            else:
                values[COL_RESPONSE] = _mean_minutes(t.get("wait_sum"), answered)
                values[COL_PEAK] = _mean_minutes(t.get("peak_sum"), int(t.get("peak_n") or 0))
            values[COL_RESOLUTION] = _ratio(t.get("resolved_n", 0), raised)
            values[COL_FCR] = _ratio(t.get("fcr_n", 0), raised)
            values[COL_SATISFACTION] = _mean_score(t.get("satisfaction_sum"), int(t.get("satisfaction_n") or 0), self._sat_factor)
            values[COL_ATTITUDE] = _mean_score(t.get("attitude_sum"), int(t.get("attitude_n") or 0), Decimal(1))
            values.update({
                "服务客户数": served, "投诉客户数": int(t.get("complained", 0)), "问题总数": raised,
                "已解决数": int(t.get("resolved_n") or 0), "首次解决数": int(t.get("fcr_n") or 0),
                "未回复数": raised - answered, "评价数": int(t.get("satisfaction_n") or 0),
            })
            rows.append([values.get(h) for h in headers])
        return headers, rows

    _sat_factor = Decimal(1)

    def _problem_frame(self, reported, raw_texts, agent_problems, duplicates):
        import polars as pl

        reported = reported.join(raw_texts, on=["file", "row"], how="left", maintain_order="left")
        names = [s.name for s in self.sources]
        top = self.scale or 100
        cols = set(reported.columns)
        stamp = "%Y-%m-%d %H:%M:%S"
        raw = pl.col("raw")
        message = {
            1: pl.when(raw.is_null()).then(pl.lit("创建时间为空")).otherwise(pl.format("创建时间「{}」无法识别", raw)),
            2: pl.lit("客服工号和姓名都为空"),
            3: pl.lit("客户为空"),
        }
        if "reply_ms" in cols:
            message[4] = pl.format("首次回复时间「{}」无法识别", raw)
            message[5] = pl.format("首次回复时间 {} 早于创建时间 {}",
                                   pl.from_epoch("reply_ms", time_unit="ms").dt.strftime(stamp),
                                   pl.from_epoch("created_ms", time_unit="ms").dt.strftime(stamp))
        agent = pl.col("agent").cast(pl.String).str.strip_chars()
        message[6] = agent.replace_strict(list(agent_problems), list(agent_problems.values()), default=None,
                                          return_dtype=pl.String) if agent_problems else pl.format("客服「{}」不在花名册中", agent)
        if "resolved" in cols:
            message[7] = pl.format("解决状态「{}」无法识别 (可在 --map 文件的 values 中说明)", raw)
        if "complaint" in cols:
            message[8] = pl.format("投诉标记「{}」无法识别 (可在 --map 文件的 values 中说明)", raw)
        if "satisfaction" in cols:
            message[9] = pl.when(pl.col("fail_satisfaction")).then(pl.format("满意度评分「{}」不是数字", raw)).otherwise(
                pl.format(f"满意度评分 {{}} 超出 0~{top}" + ("" if self.scale else " (百分制)"), _number_text("satisfaction")))
        if "attitude" in cols:
            message[10] = pl.when(pl.col("fail_attitude")).then(pl.format("服务态度评分「{}」不是数字", raw)).otherwise(
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
        out.append(("首次解决", f"已解决, 且同一客户 {self.fcr_days} 天内没有再次提交工单"))
        if self.scale:
            out.append(("满意度评分", f"{self.scale} 分制, 换算为百分制 ×{_fmt_number(float(sat_factor))}"))
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


def _mean_score(total: Any, n: int, factor: Decimal) -> float | None:
    if not n or total is None:
        return None
    return float(Decimal(int(total)) / SCORE_SCALE / Decimal(n) * factor)


def _number_text(column: str) -> Any:
    """7.0 as "7", 7.5 as "7.5" (for messages)."""
    import polars as pl

    value = pl.col(column)
    return pl.when(value == value.round(0)).then(value.cast(pl.Int64).cast(pl.String)).otherwise(value.cast(pl.String))


def _fmt_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _natural(text: str) -> tuple:
    import re

    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


# --------------------------------------------------------------------------- writing


def write_metrics(result: MetricsResult, output: str | Path) -> Path:
    """DATA.xlsx: 数据 (read by score / generate --data), 问题 (every reported row), 说明."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from .tables import atomic_path

    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise InputFileError(f"输出文件应为 .xlsx (数据表之外还有「问题」表), 收到 {output.name}")
    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def cell(ws, value, fmt: str | None = None, header: bool = False):
        c = WriteOnlyCell(ws, value=value)
        if isinstance(value, str) and value.startswith("="):
            c.data_type = "s"  # text from an export never becomes a formula
        if fmt:
            c.number_format = fmt
        if header:
            c.font = bold
        return c

    data = book.create_sheet("数据")
    widths = {COL_ID: 12, COL_NAME: 10, COL_DEPT: 12}
    for i, h in enumerate(result.headers):
        data.column_dimensions[_letter(i)].width = widths.get(h, max(10, len(h) * 2 + 2))
    data.freeze_panes = "B2"
    data.append([cell(data, h, header=True) for h in result.headers])
    formats = [("0.00%" if h in PERCENT_COLUMNS else "0.00" if h in MINUTE_COLUMNS | {COL_SATISFACTION, COL_ATTITUDE}
                else None) for h in result.headers]
    for row in result.rows:
        data.append([cell(data, v, f if v is not None else None) for v, f in zip(row, formats)])

    sheet = book.create_sheet("问题")
    for i, w in enumerate((28, 9, 16, 70)):
        sheet.column_dimensions[_letter(i)].width = w
    sheet.freeze_panes = "A2"
    sheet.append([cell(sheet, h, header=True) for h in ("文件", "行", "问题", "说明")])
    shown = result.problems.head(PROBLEM_SHEET_LIMIT)
    for f, r, k, m in shown.iter_rows():
        sheet.append([cell(sheet, f), r, k, cell(sheet, m)])
    if result.problem_count > shown.height:
        sheet.append([f"另有 {result.problem_count - shown.height} 行问题超出工作表行数上限, 未列出"])

    info = book.create_sheet("说明")
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 80
    info.append([cell(info, "项目", header=True), cell(info, "内容", header=True)])
    for k, v in result.settings:
        info.append([k, v])
    info.append([])
    info.append([cell(info, "文件", header=True), cell(info, "读取行数", header=True), cell(info, "计入", header=True),
                 cell(info, "有问题", header=True), cell(info, "不在考核期间", header=True), cell(info, "空行", header=True)])
    for st in result.files:
        info.append([cell(info, st.name), st.rows, st.counted, st.problems, st.outside, st.blank])
    if result.kind_counts:
        info.append([])
        info.append([cell(info, "问题类型", header=True), cell(info, "行数", header=True)])
        for k, v in result.kind_counts.items():
            info.append([k, v])
    if result.notices:
        info.append([])
        info.append([cell(info, "提示", header=True)])
        for n in result.notices:
            info.append([cell(info, n)])
    with atomic_path(output) as tmp:
        book.save(tmp)
    return output


def _letter(index: int) -> str:
    from .tables import column_letter

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
