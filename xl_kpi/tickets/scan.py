"""The one streaming pass over the files: times and scores parsed, texts kept as hashes or categories, and the
checks that need only the row itself applied; then a second try at the few values the fast path could not read."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from xl_kpi.base.errors import InputFileError, KpiError
from xl_kpi.base.numbers import to_decimal

from .checks import ROW_KINDS, checks
from .fields import CATEGORY_FIELDS, FIELDS, NO_REPLY_WORDS, UNRATED_WORDS
from .options import Options
from .read import Source, read_problem, reopen_gb18030
from .times import TIME_FORMATS, epoch_ms, local_time_ms, time_text

SEED_1, SEED_2 = 0, 0x9E3779B97F4A7C15  # two independent 64-bit hashes of a text
PARSED_FIELDS = ("created", "first_reply", "satisfaction", "attitude")  # read as times or numbers during the scan
VALUE_COLUMN = {"created": "created_ms", "first_reply": "reply_ms", "satisfaction": "satisfaction", "attitude": "attitude"}
SAMPLE, SAMPLE_ROWS = 2000, 20_000  # time formats are chosen on the first 2000 values (read from the first rows)


class NotUtf8(InputFileError):
    """A scan failed on text that is not UTF-8 (a CSV may then be read again as GB18030)."""


def scan(sources: list[Source], fields: set[str], options: Options, categories: Any,
         progress: Callable[[str], None]) -> tuple[Any, dict[str, list[str]]]:
    """(the parsed rows of every file, the time formats used).  ``fields``: those found in any of the
    ``sources``; ``categories``: the run's ``polars.Categories`` of the agent and flag columns.  NotUtf8
    when a CSV taken as UTF-8 is not (``reopened`` reads it again)."""
    import polars as pl

    formats = choose_formats(sources, fields, options.mapping)
    frames = [parse(s.frame, s.columns, formats, fields, options, categories) for s in sources]
    paths = list(dict.fromkeys(s.path for s in sources))  # a workbook's sheets are one file
    size = sum(p.stat().st_size for p in paths)
    progress(f"读取 {len(paths)} 个工单文件 ({size / 1e6:,.0f} MB)" if size >= 1e6 else
                  f"读取 {len(paths)} 个工单文件")
    try:  # one streaming scan of all files, parsing in parallel
        return pl.concat(frames, how="vertical").collect(engine="streaming"), formats
    except pl.exceptions.PolarsError as exc:
        if _not_utf8(exc):  # the caller reads the CSVs that are not UTF-8 again (``reopened``)
            raise NotUtf8(read_problem(sources[0].name if len(sources) == 1 else "工单文件", exc)) from None
        # which file: each scanned alone (only now, when the scan of all has failed)
        failing = _failing(sources, [frame.select(pl.all().null_count()) for frame in frames])
        raise InputFileError(read_problem(failing.name if failing else "工单文件", exc)) from None


def _failing(sources: list[Source], probes: list[Any]) -> Source | None:
    """The first source whose probe (a LazyFrame per source) cannot be collected; None if all can."""
    import polars as pl

    for source, probe in zip(sources, probes):
        try:
            probe.collect(engine="streaming")
        except pl.exceptions.PolarsError:
            return source
    return None


def reopened(sources: list[Source], mapping: Any, categories: Any) -> dict[int, Source]:
    """Every CSV of ``sources`` taken as UTF-8 that is not, read again as GB18030 (or Big5): {its index in
    ``sources``: the new source}; empty when there is none.  The caller puts them in place of the old
    ones, and closes them."""
    out = {}
    for i, s in enumerate(sources):
        again = reopen_gb18030(s, mapping, categories)
        if again is not None:
            out[i] = again
    return out


def choose_formats(sources: list[Source], fields: set[str], mapping: Any) -> dict[str, list[str]]:
    """Per time field, the formats to try: the one that fits a sample of the first file first."""
    import polars as pl

    candidates = list(dict.fromkeys([*mapping.time_formats, *TIME_FORMATS]))
    timed = [fld for fld in ("created", "first_reply") if fld in fields]
    firsts = [next(s for s in sources if fld in s.columns) for fld in timed]
    try:  # the first 2000 values: read from the first rows (the whole column only if they are mostly empty)
        heads = pl.collect_all([s.frame.select(pl.col(fld)).head(SAMPLE_ROWS) for fld, s in zip(timed, firsts)])
        samples = [head.to_series().drop_nulls().head(SAMPLE) for head in heads]
        samples = [sample if sample.len() == SAMPLE or head.height < SAMPLE_ROWS else
                   s.frame.select(pl.col(fld)).drop_nulls().head(SAMPLE).collect().to_series()
                   for fld, s, head, sample in zip(timed, firsts, heads, samples)]
    except pl.exceptions.PolarsError as exc:
        failing = _failing(sources, [s.frame.head(SAMPLE_ROWS) for s in sources]) or firsts[0]
        raise (NotUtf8 if _not_utf8(exc) else InputFileError)(read_problem(failing.name, exc)) from None
    out = {}
    for fld, sample in zip(timed, samples):
        if sample.len() == 0:
            out[fld] = candidates
            continue

        def fits(fmt: str) -> int:
            return time_text(sample, fmt).str.to_datetime(fmt, strict=False, exact=True, cache=False,
                                                          time_unit="ms").count()

        best = max(candidates, key=fits)  # the first of equals: plain seconds before fractions (faster)
        out[fld] = [best] + [f for f in candidates if f != best]
    return out


def parse(frame: Any, columns: dict[str, int], formats: dict[str, list[str]], fields: set[str], options: Options,
          categories: Any) -> Any:
    """The one pass over a file: times and numbers parsed, texts kept as hashes or categories,
    and the checks that need nothing but the row itself (``pre_bad``) and the period applied.

    Each expression is evaluated once (values first, then what depends on them).  A time or
    number the fast path cannot read sets ``fail_<field>`` and keeps its text in ``raw_<field>``
    (a category: empty on every other row), for a second try and messages.  Agents and the
    resolved / complaint flags stay categories: each distinct text is read once, after the scan
    (``agents.find_agents``, ``flags.flag_values``).
    """
    import polars as pl

    category = pl.Categorical(categories)
    present = [f for f in FIELDS if f in fields]
    missing = [pl.lit(None, category if f in CATEGORY_FIELDS else pl.String).alias(f)
               for f in present if f not in columns]
    lf = frame.with_columns(missing) if missing else frame
    parsed = [f for f in PARSED_FIELDS if f in present]
    values = []
    for fld in parsed:
        raw = pl.col(fld)
        if fld in ("created", "first_reply"):  # local wall-clock time (an offset converted: ``local_time_ms``)
            value = local_time_ms(raw, formats[fld][0], options.mapping.timezone)
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
    # no score, unreadable as "abc" is (``retry`` then replaces the NaN with an empty value)
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
    return lf.select(exprs).with_columns(row_checks(options, fields))


def row_checks(options: Options, fields: set[str]) -> list[Any]:
    """``in_period``, and ``pre_bad``: the checks that need only the row (all but agents and flags)."""
    import polars as pl

    start_ms, end_ms = epoch_ms(options.start), epoch_ms(options.end)
    in_period = pl.col("created_ms").is_between(start_ms, end_ms, closed="left").fill_null(False)
    columns = {VALUE_COLUMN.get(f, f) for f in fields}
    alone = [cond for k, cond in checks(columns, options.scale) if k in ROW_KINDS]
    return [in_period.alias("in_period"), pl.any_horizontal(alone).alias("pre_bad")]


def retry(df: Any, formats: dict[str, list[str]], fields: set[str], options: Options) -> Any:
    """Times and numbers the fast path could not read get a second chance (only the few rows
    concerned): every time format, spaces trimmed, full-width digits; a score saying "not
    rated" (未评价, -, N/A …, ``UNRATED_WORDS`` and the mapping file's) is an empty score, and a
    first reply saying "never answered" (未回复, -, 0000-00-00 …, ``NO_REPLY_WORDS`` and the
    mapping file's) an empty reply time.
    ``fail_<field>`` stays set (and ``raw_<field>`` then holds the text) for a value still
    unreadable (a score of NaN or inf read by the fast path is replaced: no NaN is ever summed);
    the row checks are made again on the rows concerned."""
    import polars as pl

    parsed = [f for f in PARSED_FIELDS if f"fail_{f}" in df.columns]
    rows = df["retry"].arg_true()
    if rows.len() == 0:
        return df
    before = failed = df[rows]
    unrated = {*UNRATED_WORDS, *options.mapping.unrated_words}
    no_reply = {*NO_REPLY_WORDS, *options.mapping.no_reply_words}
    for fld in parsed:
        mask = failed[f"fail_{fld}"]
        if not mask.any():
            continue
        trimmed = failed[f"raw_{fld}"].cast(pl.String).str.strip_chars()
        blank = trimmed == ""
        if fld in ("created", "first_reply"):
            tries = [local_time_ms(trimmed, f, options.mapping.timezone) for f in formats[fld]]
            values = pl.select(pl.coalesce(tries)).to_series()
            if fld == "first_reply":  # never answered (未回复, -, 0000-00-00 …): an empty reply time
                blank = blank | trimmed.str.to_lowercase().is_in(list(no_reply))
        else:
            out = []
            for t in trimmed.to_list():
                number = t.removesuffix("%").removesuffix("％") if t else t
                try:  # "90%" on a survey means 90 of 100 (0.9 when the scores are fractions)
                    value = to_decimal(number) if number else None  # refuses NaN and inf
                    if value is not None and number != t and fld == "satisfaction" and options.scale == 1:
                        value /= 100
                    out.append(None if value is None else float(value))
                except KpiError:
                    out.append(None)
            values = pl.Series(out, dtype=pl.Float64)
            blank = blank | trimmed.str.to_lowercase().is_in(list(unrated))  # not rated: an empty score
        column = VALUE_COLUMN[fld]
        failed = failed.with_columns(pl.when(pl.lit(mask)).then(pl.lit(values)).otherwise(pl.col(column)).alias(column),
                                     (mask & values.is_null() & ~blank).alias(f"fail_{fld}"))
    failed = failed.with_columns(row_checks(options, fields))
    changed = [c for c in failed.columns if not failed[c].equals(before[c])]  # a column is copied only if it changed
    return df.with_columns(df[c].scatter(rows, failed[c]) for c in changed) if changed else df


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


def category_codes(column: Any, n_codes: int) -> Any:
    """The numpy codes of a Categorical column, with an empty cell as ``n_codes`` (an extra slot)."""
    return column.to_physical().fill_null(n_codes).to_numpy()


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _not_utf8(exc: BaseException) -> bool:
    """Whether Polars failed on text that is not UTF-8."""
    line = _first_line(exc).lower()
    return "utf-8" in line or "utf8" in line
