"""The figures per agent: counts and sums of the tickets of the period, then the DATA row of indicator inputs.

All sums are of whole milliseconds or of scores scaled to integers (1/10000 of a point), and every ratio and
mean is formed from them with Decimal arithmetic: 3 complaints in 1,000 customers is exactly 0.003, 10 minutes
is exactly 10.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from xl_kpi.base.errors import InputValueError

from .customers import exact_counts
from .hours import business_clock_expr
from .options import Options
from .read import Source
from .result import (
    COL_ATTITUDE,
    COL_COMPLAINT,
    COL_DEPT,
    COL_FCR,
    COL_ID,
    COL_JUDGED,
    COL_KNOWN_CUSTOMERS,
    COL_NAME,
    COL_PEAK,
    COL_RESOLUTION,
    COL_RESPONSE,
    COL_SATISFACTION,
)
from .times import epoch_ms

MS_PER_MINUTE = 60_000
SCORE_SCALE = 10_000  # scores are summed as integers of 1/10000


def satisfaction_factor(df: Any, options: Options) -> Decimal:
    """Factor to the 100-point scale; refuse to guess when the scores look like 5 or 10 points, or
    like percentages (0.9) mixed with points (85)."""
    if "satisfaction" not in df.columns:
        return Decimal(1)
    if options.scale is None:
        import polars as pl

        start_ms, end_ms = epoch_ms(options.start), epoch_ms(options.end)
        scores = pl.col("satisfaction").filter(pl.col("created_ms").is_between(start_ms, end_ms, closed="left"))
        top, typical, fractions = df.select(scores.max().alias("top"), scores.quantile(0.9, "higher").alias("typical"),
                                            scores.filter((scores > 0) & (scores < 1)).count().alias("f")).row(0)
        if fractions and top > 1:  # 0.9 next to 85: percentages mixed into the scores
            raise InputValueError(
                f"满意度评分中有 {fractions:,} 个介于 0 和 1 之间的小数 (如 0.9), 也有大于 1 的分数 (最高 {fmt_number(top)}): "
                "看起来部分评分写成了百分比 (0.9 即 90%)。请统一导出格式; 若全部是百分比, 请加 "
                "--satisfaction-scale 1 (「85%」这样的文字按 0.85 读); 若确是百分制, 请加 --satisfaction-scale 100")
        if typical is not None and typical <= 10:  # nine in ten scores at most 10: not a 100-point survey
            guess = 1 if top <= 1 else 5 if typical <= 5 else 10
            seen = f"最高只有 {fmt_number(top)}" if top <= 10 else f"九成不超过 {fmt_number(typical)}"
            kind = "百分比 (0.9 即 90%)" if guess == 1 else f" {guess} 分制"
            raise InputValueError(
                f"满意度评分{seen}, 看起来是{kind}, 而考核的客户满意度按百分制。"
                f"请加 --satisfaction-scale {guess} (换算为百分制 ×{100 // guess}); "
                "若确是百分制, 请加 --satisfaction-scale 100"
            )
        return Decimal(1)
    return Decimal(100) / Decimal(options.scale)


def agent_sums(frame: Any, options: Options) -> Any:
    """LazyFrame: per agent index, the counts and sums of the tickets of ``frame`` (a LazyFrame)."""
    import polars as pl

    schema = frame.collect_schema()
    aggs = [pl.len().alias("raised")]
    if "reply_ms" in schema:
        if options.schedule is not None:
            wait = business_clock_expr(pl.col("reply_ms"), options.schedule) - business_clock_expr(pl.col("created_ms"), options.schedule)
        else:
            wait = pl.col("reply_ms") - pl.col("created_ms")
        frame = frame.with_columns(wait.alias("wait"))
        aggs += [pl.col("wait").sum().alias("wait_sum"), pl.col("wait").count().alias("answered")]
        if options.median:
            aggs.append(pl.col("wait").median().alias("wait_median"))
        if options.peak is not None:
            inside = pl.col("created_ms").is_between(epoch_ms(options.peak[0]), epoch_ms(options.peak[1]), closed="left")
            peak_wait = pl.col("wait").filter(inside)
            aggs += [peak_wait.sum().alias("peak_sum"), peak_wait.count().alias("peak_n")]
            if options.median:
                aggs.append(peak_wait.median().alias("peak_median"))
    if "resolved" in schema:
        aggs.append(pl.col("resolved").cast(pl.Int64).sum().alias("resolved_n"))
    if "resolved_known" in schema:
        aggs.append(pl.col("resolved_known").cast(pl.Int64).sum().alias("judged"))
    for fld in ("satisfaction", "attitude"):
        if fld in schema:
            scaled = (pl.col(fld) * score_unit(fld, options.scale)).round(0).cast(pl.Int64)
            aggs += [scaled.sum().alias(f"{fld}_sum"), pl.col(fld).count().alias(f"{fld}_n")]
    return frame.group_by("aid").agg(aggs)

def score_unit(fld: str, scale: int | None) -> int:
    """Scores are summed as whole multiples of 1/unit: 1/10000 of a point, and of a percentage
    point for fractions (``--satisfaction-scale 1``), so 0.83335 counts as 83.335."""
    return SCORE_SCALE * 100 if fld == "satisfaction" and scale == 1 else SCORE_SCALE

def agent_table(df: Any, sums: Any, copies: Any, counts: dict[str, dict[int, int]] | None, contacts: Any,
          sources: list[Source], options: Options) -> dict[int, dict[str, Any]]:
    """Per agent index: counts, sums and numbers of distinct customers of the tickets in the period.

    ``sums`` were taken over the rows with no problem, copies included: the copies' own sums
    are taken off (every figure is a count or a sum).  A median cannot be taken off: with
    ``median`` the figures are summed again without the copies.  ``counts``: the numbers of
    distinct customers (``customers.count``), None when they must be counted on the texts (``contacts``:
    the reported rows still contacts of their customer, ``sources``: where the texts are)."""
    import polars as pl

    table: dict[int, dict[str, Any]] = {}
    if copies is not None:
        if options.median:
            sums = agent_sums(df.lazy().filter(pl.col("valid") & pl.col("in_period")), options).collect()
        else:
            taken = agent_sums(copies.lazy().filter(pl.col("in_period")), options).collect()
            figures = pl.exclude("aid").cast(pl.Int64).fill_null(0)
            sums = pl.concat([sums.select("aid", figures), taken.select("aid", -figures)]) \
                .group_by("aid").agg(pl.all().sum()).filter(pl.col("raised") > 0)
    for r in sums.iter_rows(named=True):
        table[int(r["aid"])] = r

    if counts is None:  # pragma: no cover - a 64-bit hash collision between two customers
        counts = exact_counts(df, contacts, sources, options.fcr_days)
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


def data_rows(agents: list[tuple[str, str, str]], table: dict[int, dict[str, Any]], has: set[str], roster: bool,
              sat_factor: Decimal, options: Options) -> tuple[list[str], list[list[Any]]]:
    """The DATA headers, and a row per agent (every one of the ``roster`` when there is one, else those
    with tickets in the period); ``has``: the columns the tickets had."""
    named = roster or "agent_name" in has
    headers = [COL_ID] + ([COL_NAME] if named else []) + ([COL_DEPT] if roster else [])
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
    if options.peak is not None and "reply_ms" in has:
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
        if t is None and not roster:
            continue
        t = t or {"raised": 0}
        raised = int(t.get("raised", 0))
        served = int(t.get("served", 0))
        values: dict[str, Any] = {COL_ID: emp, COL_NAME: name, COL_DEPT: dept}
        known = served if t.get("served_known") is None else int(t["served_known"])  # customers with 是否投诉
        values[COL_COMPLAINT] = _ratio(t.get("complained", 0), known)
        values[COL_KNOWN_CUSTOMERS] = known
        answered = int(t.get("answered") or 0)
        if options.median:
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
                                               sat_factor, score_unit("satisfaction", options.scale))
        values[COL_ATTITUDE] = _mean_score(t.get("attitude_sum"), int(t.get("attitude_n") or 0), Decimal(1))
        values.update({
            "服务客户数": served, "投诉客户数": int(t.get("complained", 0)), "问题总数": raised,
            "已解决数": int(t.get("resolved_n") or 0), "首次解决数": int(t.get("fcr_n") or 0),
            "未回复数": raised - answered, "评价数": int(t.get("satisfaction_n") or 0),
        })
        rows.append([values.get(h) for h in headers])
    return headers, rows


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



def fmt_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))

