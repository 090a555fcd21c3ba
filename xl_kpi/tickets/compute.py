"""`xl-kpi metrics`, stage by stage: the files read, every row checked, copies found, the good rows counted.

Each stage takes values and returns values (frames, numpy arrays, dataclasses); this module passes them on.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Sequence

from xl_kpi.base.errors import InputFileError
from xl_kpi.base.files import refuse_overwrite
from xl_kpi.base.findings import NOTICE, Finding

from .agents import Roster, find_agents, read_roster
from .checks import KINDS
from .customers import count, coverage_notice, customer_keys
from .duplicates import contact_rows, duplicates, repeated_tickets
from .fields import FIELDS
from .figures import agent_sums, agent_table, data_rows, fmt_number, satisfaction_factor
from .flags import empty_resolved_notices, flag_columns
from .hours import Schedule
from .mapping import Mapping
from .options import DAY, Options, read_options
from .problems import problem_frame
from .read import Source, open_sources
from .result import COL_PEAK, DATA_COLUMNS_OF, FileStats, MetricsResult
from .scan import NotUtf8, reopened, retry, scan

CONTIGUOUS = {"blank", "no_ticket", "th1", "h1", "h2", "created_ms", "reply_ms", "satisfaction", "attitude", "in_period",
              "pre_bad", "file"}  # the columns read for every row after the scan
# what the tickets of a file without a column are taken as (the other files have it)
MISSING_COLUMN = {
    "ticket": "没有工单编号, 不参与重复工单检查",
    "first_reply": "按未回复处理 (不计入平均响应时间)",
    "resolved": "不计入问题解决率和首次解决率 (这两项只按有该列的文件计算)",
    "complaint": "不计入客户投诉率 (投诉率只按有该列的文件中的客户计算)",
    "satisfaction": "按未评价处理 (不计入客户满意度)",
}


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
    options = read_options(period, mapping=mapping, median=median, hours=hours, workdays=workdays, peak=peak,
                           fcr_days=fcr_days, satisfaction_scale=satisfaction_scale)
    people = read_roster(roster) if roster is not None else None

    import polars as pl

    categories = pl.Categories.random("xl_kpi")  # this run's codes of agents and flags, from 0
    sources: list[Source] = []
    try:
        for path in tickets:
            if progress is not None and Path(path).suffix.lower() == ".xlsx":  # read whole when opened
                progress(f"打开 {Path(path).name}")
            # a Source per file, or per sheet of a workbook whose tickets are on several: numbered in order
            sources += open_sources(path, len(sources), options.mapping, categories)
        result = _run(sources, period, options, people, categories, progress or (lambda _: None))
        result.inputs = inputs
        return result
    finally:
        for s in sources:
            s.close()


def _run(sources: list[Source], period: str, options: Options, people: Roster | None, categories: Any,
         progress: Callable[[str], None]) -> MetricsResult:
    """Read and count; a CSV read again as GB18030 takes the place of its first source in ``sources`` (the
    caller closes them all)."""
    notices: list[Finding] = [n for s in sources for n in s.notices]
    fields = {f for s in sources for f in s.columns}
    for s in sources:
        for fld in ("ticket", "first_reply", "resolved", "complaint", "satisfaction"):
            if fld in fields and fld not in s.columns:
                notices.append(Finding(s.path.name, s.sheet or "", severity=NOTICE,
                                       message=f"没有{FIELDS[fld][0]}列 (其他文件有), 该文件的工单{MISSING_COLUMN[fld]}"))
    absent = [fld for fld in DATA_COLUMNS_OF if fld not in fields]
    if absent:  # no file has the column: its DATA columns are missing, and the sheets are not pre-filled there
        labels = "、".join(FIELDS[fld][0] for fld in absent)
        columns = "、".join(c for fld in absent for c in DATA_COLUMNS_OF[fld]
                           if c != COL_PEAK or options.peak is not None)
        notices.append(Finding(message=f"工单文件中没有{labels}列: 数据表中没有{columns}, generate --data 不预填这些项, "
                                       "需在考核表中填写 (或用 --map 文件说明导出文件中的列名)", severity=NOTICE))
    try:
        df, formats = scan(sources, fields, options, categories, progress)
    except NotUtf8:  # a CSV whose first 64 KB are ASCII, GB18030 further on: read again as GB18030
        again = reopened(sources, options.mapping, categories)
        if not again:
            raise
        for i, source in again.items():
            sources[i] = source
            notices += [n for n in source.notices if n not in notices]  # how it was read after all
        df, formats = scan(sources, fields, options, categories, progress)
    progress(f"核对并统计 {df.height:,} 行工单")
    return _compute(df, formats, period, sources, fields, options, people, categories, notices)


def _compute(df: Any, formats: dict[str, list[str]], period: str, sources: list[Source], fields: set[str],
             options: Options, people: Roster | None, categories: Any, notices: list[Finding]) -> MetricsResult:
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

    stats = [FileStats(s.name, sheet_of=None if s.sheet is None else str(s.path)) for s in sources]
    df = retry(df, formats, fields, options)
    # the scan leaves many chunks; the columns read by the jobs over all rows are made contiguous
    # once, two at a time (the others are only read for a few rows)
    with ThreadPoolExecutor(max_workers=2) as pool:
        contiguous = list(pool.map(lambda c: df[c].rechunk(), [c for c in df.columns if c in CONTIGUOUS]))
    df = df.with_columns(contiguous)
    codes = categories.to_series()  # the text of each category code of this run
    who = find_agents(df, codes, people, fields)
    notices += who.notices
    flags, unreadable, empty = flag_columns(df, codes, sources, options.mapping)
    blank = df["blank"].to_numpy()
    bad = df["pre_bad"].to_numpy() | who.no_agent | (who.aid < 0) | unreadable
    bad &= ~blank
    ok = ~(blank | bad)
    df = df.with_columns(pl.Series("aid", who.aid), pl.Series("no_agent", who.no_agent), *flags, pl.Series("ok", ok))
    agents, agent_problems = who.agents, who.problems
    del who, flags, unreadable
    if empty is not None:
        # kept as it was: the files left out are those without 是否投诉, so a file with no 是否解决 column at all
        # is also told its 是否解决 cells are empty (those without 是否解决 look meant; see the #18 notes)
        no_complaint = [i for i, s in enumerate(sources) if "complaint" not in s.columns]
        notices += empty_resolved_notices(df, empty, no_complaint, sources)
        del empty
    sat_factor = satisfaction_factor(df, options)

    # a reported row whose customer and creation time are known is still a contact of that customer
    # (a later ticket makes an earlier one no first-contact resolution): a few rows, put among the keys
    contacts, latest = contact_rows(df, bad, options)
    # the jobs over all rows, together (Polars runs them in parallel); copies are taken out after
    keys, layout = customer_keys(df, len(agents), options, contacts)
    notice = coverage_notice(layout, latest, fields, options)
    if notice is not None:
        notices.append(Finding(message=notice, severity=NOTICE))
    jobs = [repeated_tickets(df, contacts), agent_sums(df.lazy().filter(pl.col("ok") & pl.col("in_period")), options)]
    repeated, sums, *sorted_keys = pl.collect_all(jobs + ([keys] if keys is not None else []))
    dup, copy_rows, copied = duplicates(df, repeated.to_series(), contacts, sources, fields)
    copies = df[np.flatnonzero(dup)] if copy_rows is not None else None
    dropped = contacts.filter(pl.col("i").is_in(copied)) if copied else None
    contacts = contacts.filter(~pl.col("i").is_in(copied)) if copied else contacts
    # the customers are counted on a thread of their own (numpy releases the GIL) meanwhile
    with ThreadPoolExecutor(max_workers=1) as pool:
        counting = pool.submit(count, sorted_keys[0] if sorted_keys else None, copies, layout, len(agents), options,
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
            notices.append(Finding(message=_nothing_counted(df, period), severity=NOTICE))
        del inside, counted, outside, blank, bad, ok, dup
        problems = problem_frame(df[np.flatnonzero(reported)], agent_problems, copy_rows, sources, options.scale)
        del reported
        has = set(df.columns)
        df = df.with_columns(pl.Series("valid", valid))
        del valid
        counts = counting.result()
    table = agent_table(df, sums, copies, counts, contacts, sources, options)
    del df
    headers, rows = data_rows(agents, table, has, people is not None, sat_factor, options)
    kinds = Counter(problems["问题"].to_list())
    ordered = {KINDS[k]: kinds[KINDS[k]] for k in sorted(KINDS) if kinds.get(KINDS[k])}
    return MetricsResult(period, headers, rows, problems, ordered, stats, notices, _settings(period, options, sat_factor))


def _nothing_counted(df: Any, period: str) -> str:
    """The notice when no ticket was created in the period: a mistyped --period or the wrong export
    would otherwise give an empty DATA file without a word."""
    created = df["created_ms"].drop_nulls()
    if created.len() == 0:
        return f"没有统计到 {period} 的工单: 文件中没有能识别的创建时间"
    first, last = (datetime(1970, 1, 1) + timedelta(milliseconds=int(t)) for t in (created.min(), created.max()))
    return (f"没有统计到 {period} 创建的工单: 文件中工单的创建时间在 {first:%Y-%m-%d} 至 {last:%Y-%m-%d} "
            "之间; 请检查 --period 或导出文件")


def _settings(period: str, options: Options, sat_factor: Decimal) -> list[tuple[str, str]]:
    """The settings of the run, as the 说明 sheet lists them."""
    out = [("考核期间", period), ("平均响应时间", "中位数 (--median)" if options.median else "平均数")]
    out.append(("响应时间计时", options.schedule.describe() if options.schedule else "自然时间 (日历时间)"))
    if options.peak:
        out.append(("高峰期", f"{options.peak[0]:%Y-%m-%d} 至 {(options.peak[1] - DAY):%Y-%m-%d}"))
    out.append(("首次解决", f"已解决, 且同一客户 {options.fcr_days} 天内没有再次提交工单 (有问题的行只要客户和创建时间可识别, 也算再次提交)"))
    out.append(("时区", f"带时区的时间 (如 +08:00、Z) 换算为 {options.mapping.timezone} 当地时间; 不带时区的按原样"))
    if options.scale:
        kind = "百分比 (0~1)" if options.scale == 1 else f"{options.scale} 分制"
        out.append(("满意度评分", f"{kind}, 换算为百分制 ×{fmt_number(float(sat_factor))}"))
    else:
        out.append(("满意度评分", "百分制"))
    return out
