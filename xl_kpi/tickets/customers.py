"""Customers counted per agent: distinct customers served and complaining, and first-contact resolutions.

Each customer's tickets are put in time order by one sort of 128-bit keys; the distinct customers per agent
and the repeat contacts follow from neighbours, in numpy, on two threads, a million keys at a time.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from .options import Options
from .read import Source

CUSTOMER_BLOCK = 1 << 20  # sorted keys are counted in blocks of about this many (whole customers)


def customer_keys(df: Any, n_agents: int, options: Options, contacts: Any = None,
                  layout: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
    """A LazyFrame of the good tickets (``ok``) that can matter as sorted 128-bit keys (columns h:
    high, l: low 64 bits), and the layout of the low half; no frame when the fields do not fit
    (millions of agents, or a first-contact window of years).  ``layout`` reuses the layout of an
    earlier call (for the keys of a few rows).  ``contacts`` (``duplicates.contact_rows``: a few reported
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
        lo, top = options.window()
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
    key = _key_expr(layout, pl.col("aid").cast(u64, wrap_numerical=True), flags)
    frame = df.lazy().select(key.filter(pl.col("ok") & second.is_between(layout["lo"], layout["top"])).alias("k"))
    if contacts is not None and contacts.height:
        frame = pl.concat([frame, _contact_keys(contacts, layout)])
    return halves(frame.sort("k")), layout


def _key_expr(layout: dict[str, Any], aid: Any, flags: Any) -> Any:
    """The 128-bit key of ``customer_keys`` (a UInt128 expression) from agent and flag expressions."""
    import polars as pl

    lo, a_bits, f_bits = layout["lo"], layout["a_bits"], layout["f_bits"]
    u64, u128 = pl.UInt64, pl.UInt128
    second = pl.col("created_ms") // 1000
    low = ((((second - lo).cast(u64, wrap_numerical=True) * (1 << a_bits) + aid)
            * 8 + flags) * (1 << f_bits) + pl.col("h2") // (1 << (64 - f_bits)))
    return pl.col("h1").cast(u128) * pl.lit(1 << 64, u128) + low.cast(u128)


def halves(frame: Any) -> Any:
    """A LazyFrame of keys (k) as their high and low 64 bits (h, l)."""
    import polars as pl

    two64 = pl.lit(1 << 64, pl.UInt128)
    return frame.select((pl.col("k") // two64).cast(pl.UInt64).alias("h"),
                        pl.col("k").cast(pl.UInt64, wrap_numerical=True).alias("l"))


def _contact_keys(contacts: Any, layout: dict[str, Any]) -> Any:
    """A LazyFrame (k) of the keys of ``contacts`` (reported rows) as contacts only: agent 0, no flag
    (never counted as served, complained or resolved; only their creation time is read).  Those
    outside the window (``Options.window``) change nothing and are left out: the key has no room for them."""
    import polars as pl

    zero = pl.lit(0, pl.UInt64)
    inside = (pl.col("created_ms") // 1000).is_between(layout["lo"], layout["top"])
    return contacts.lazy().filter(inside).select(_key_expr(layout, zero, zero).alias("k"))


def coverage_notice(layout: dict[str, Any], latest_reported: int | None, fields: set[str], options: Options
                    ) -> str | None:
    """A notice when the tickets end before the last day a first-contact resolution of the month
    needs (the period's end + ``fcr_days``): the month's last tickets would look resolved at first
    contact for want of the later ones."""
    if "resolved" not in fields or options.fcr_days <= 0:
        return None
    seconds = [t for t in (layout.get("latest"), latest_reported) if t is not None]
    if not seconds:
        return None
    latest = datetime(1970, 1, 1) + timedelta(seconds=int(max(seconds)))
    needed = options.end + timedelta(days=options.fcr_days - 1)  # the last day a ticket of the month looks at
    if latest < needed:
        d = options.fcr_days
        return (
            f"工单只到 {latest:%Y-%m-%d %H:%M}, 判断首次解决需要到 {needed:%Y-%m-%d} 的工单 (--fcr-days {d}): "
            f"月末 {d} 天的工单首次解决率可能偏高, 请把下月前 {d} 天的工单一起导入")
    return None


def count(keys: Any, copies: Any, layout: dict[str, Any], n_agents: int, options: Options, contacts: Any = None
          ) -> dict[str, dict[int, int]] | None:
    """served / complained / fcr_n per agent index from the sorted keys, less the copies' keys and
    the keys of ``contacts`` that are no new contact (a ticket again; None: count on the texts).
    The two halves of the customers (by the first bit of h1: a customer is never in both) are
    counted on two threads."""
    import numpy as np
    import polars as pl

    if keys is None:  # pragma: no cover - decades of tickets
        return None
    drop = [customer_keys(copies, n_agents, options, layout=layout)[0]] if copies is not None else []
    if contacts is not None and contacts.height:
        drop.append(halves(_contact_keys(contacts, layout)))
    drop = pl.concat(drop).collect() if drop else None
    s_h, s_l = keys["h"].to_numpy(), keys["l"].to_numpy()
    mid = int(np.searchsorted(s_h, np.uint64(1 << 63)))

    def half(h, low):
        if drop is not None:
            h, low = _without(h, low, drop)
        return by_customer((h, low), layout, options.fcr_days)

    with ThreadPoolExecutor(max_workers=2) as pool:
        parts = list(pool.map(half, (s_h[:mid], s_h[mid:]), (s_l[:mid], s_l[mid:])))
    if any(part is None for part in parts):  # pragma: no cover - a 64-bit hash collision
        return None
    return {key: _nonzero(sum(part[key] for part in parts)) for key in parts[0]}


def by_customer(keys: Any, layout: dict[str, Any], fcr_days: int) -> dict[str, Any] | None:
    """served / complained / fcr_n per agent index (numpy arrays indexed by agent), from
    sorted keys of ``customer_keys`` (two numpy arrays: high and low halves).

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
        if not _count_block(s_h[start:end], s_l[start:end], layout, out, fcr_days):
            return None  # pragma: no cover - needs a 64-bit collision
        start = end
    return out


def _count_block(h: Any, low: Any, layout: dict[str, Any], out: dict[str, Any], fcr_days: int) -> bool:
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
        np.logical_and(same, gap <= fcr_days * 86_400, out=again[:-1])
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


def exact_counts(df: Any, contacts: Any, sources: list[Source], fcr_days: int
                 ) -> dict[str, dict[int, int]]:  # pragma: no cover - a 64-bit hash collision between two customers
    """The counts of ``count`` on the customer texts: the rows of ``df`` with no problem and no copy (``valid``),
    and the ``contacts`` (reported rows that are still contacts: no agent, no flags)."""
    import polars as pl

    flags = [c for c in ("resolved", "complaint") if c in df.columns]
    valid = df.lazy().filter("valid").select("file", "row", "aid", "created_ms", "in_period", *flags)
    if contacts is not None and contacts.height:  # contacts only: no agent, no flags
        valid = pl.concat([valid, contacts.lazy().select(
            "file", "row", pl.lit(-1, pl.Int32).alias("aid"), "created_ms",
            *[pl.lit(False).alias(c) for c in ("in_period", *flags)])], how="vertical_relaxed")
    return by_customer_exact(valid, sources, fcr_days)


def by_customer_exact(valid: Any, sources: list[Source], fcr_days: int
                      ) -> dict[str, dict[int, int]]:  # pragma: no cover - see by_customer
    """The same counts on the customer text itself (slower; used only after a hash collision)."""
    import polars as pl

    texts = pl.concat([s.frame.select("file", pl.col("row").cast(pl.UInt32), pl.col("customer").str.strip_chars())
                       for s in sources]).collect()
    frame = valid.collect().join(texts, on=["file", "row"], how="left")
    out: dict[str, dict[int, int]] = {}
    inside = frame.filter(pl.col("in_period"))
    out["served"] = dict(inside.group_by("aid").agg(pl.col("customer").n_unique()).iter_rows())
    if "complaint" in frame.columns:
        said = inside.filter(pl.col("complaint"))
        out["complained"] = dict(said.group_by("aid").agg(pl.col("customer").n_unique()).iter_rows())
    if "resolved" in frame.columns:
        window = fcr_days * 86_400
        f = frame.select("aid", "customer", "in_period", "resolved", (pl.col("created_ms") // 1000).alias("t")) \
            .sort("customer", "t")
        same_next = f["customer"] == f["customer"].shift(-1)
        same_prev = f["customer"] == f["customer"].shift(1)
        again = (same_next & (f["t"].shift(-1) - f["t"] <= window)).fill_null(False) | \
                (same_prev & (f["t"].shift(1) == f["t"])).fill_null(False)
        hit = f.filter(pl.col("in_period") & pl.col("resolved") & ~again)
        out["fcr_n"] = dict(hit.group_by("aid").agg(pl.len()).iter_rows())
    return {k: {int(a): int(n) for a, n in v.items()} for k, v in out.items()}


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
