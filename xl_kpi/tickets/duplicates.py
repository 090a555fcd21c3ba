"""Copies of a ticket (the same ticket id twice, in one file or in two), and the reported rows that are still
a contact of their customer."""

from __future__ import annotations

from typing import Any

from .options import Options
from .read import Source
from .scan import SEED_1


def ticket_key(df: Any) -> tuple[list[str], Any, Any]:
    """How a ticket is told from a copy: (columns compared, hash to sort, rows that take part).

    Tickets are compared by two independent 64-bit hashes of their id (or, when the export
    has no id, of agent, customer, creation and reply times); only rows with no other problem
    take part."""
    import polars as pl

    if "th1" in df.columns:
        return ["th1", "th2"], pl.col("th1"), pl.col("ok") & ~pl.col("no_ticket")
    keys = [k for k in ("agent", "h1", "h2", "created_ms", "reply_ms") if k in df.columns]
    return keys, pl.struct(keys).hash(seed=SEED_1), pl.col("ok")


def repeated_tickets(df: Any, contacts: Any = None) -> Any:
    """LazyFrame: the ticket hashes that occur more than once (found by one sort), among the rows
    with no problem and the ``contacts`` (reported rows: the same ticket again is no new contact)."""
    import polars as pl

    _, key_hash, usable = ticket_key(df)
    h = pl.col("h")
    if contacts is None or contacts.height == 0:
        return df.lazy().select(key_hash.filter(usable).sort().alias("h")).filter(h == h.shift(1)).unique()
    hashes = pl.concat([df.lazy().select(key_hash.filter(usable).alias("h")),
                        contacts.lazy().select(pl.col("tk").drop_nulls().alias("h"))])
    return hashes.sort("h").filter(h == h.shift(1)).unique()


def duplicates(df: Any, repeated: Any, contacts: Any, sources: list[Source], fields: set[str]
               ) -> tuple[Any, Any, list[int]]:
    """The second and later copies of a ticket: a numpy boolean per row, (file, row, dup_message)
    of each copy (None when there is none), and the ``contacts`` that are a ticket already counted
    or an earlier contact again (a list of their ``i``).  ``repeated``: the hashes seen more than
    once; the rows holding them are confirmed on both hashes."""
    import numpy as np
    import polars as pl

    dup = np.zeros(df.height, dtype=bool)
    if repeated.len() == 0:
        return dup, None, []
    keys, key_hash, usable = ticket_key(df)
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
    lacking = np.array([sum(f not in s.columns for f in fields) for s in sources])
    if lacking.any():
        sub = sub.with_columns(pl.Series("lacking", lacking[sub["file"].to_numpy()])).sort("lacking", "i")
    first = sub.group_by(keys, maintain_order=True).agg(
        pl.col("i").first().alias("fi"), pl.col("file").first().alias("ff"), pl.col("row").first().alias("fr"))
    sub = sub.join(first, on=keys, how="left", nulls_equal=True).filter(pl.col("i") != pl.col("fi"))
    if sub.height == 0:
        return dup, None, copied
    names = [s.name for s in sources]
    what = "工单编号" if "th1" in df.columns else "客服、客户、创建时间和首次回复时间 (导出文件没有工单编号列)"
    messages = [f"{what}与 {names[ff]} 第{fr}行相同, 是重复的工单" for ff, fr in sub.select("ff", "fr").iter_rows()]
    dup[sub["i"].to_numpy()] = True
    return dup, sub.select("file", "row").with_columns(pl.Series("dup_message", messages, dtype=pl.String)), copied


def contact_rows(df: Any, bad: Any, options: Options) -> tuple[Any, int | None]:
    """The reported rows that are still a contact of their customer: every one whose customer and
    creation time can be read, whatever else is wrong with it (``duplicates`` later tells the
    same ticket again, a copy, from a new contact).  A DataFrame of i (the row's index), file, row,
    h1, h2, created_ms, the ticket key's columns and tk, the hash of the ticket key (null for a
    row without ticket id); and the latest creation second among the reported rows inside the window
    (``Options.window``; None)."""
    import numpy as np
    import polars as pl

    keys, key_hash, _ = ticket_key(df)
    index = np.flatnonzero(bad)
    columns = list(dict.fromkeys(["file", "row", "h1", "h2", "created_ms", *keys]))
    rows = df.select(*columns, "no_customer", *(["no_ticket"] if "th1" in df.columns else []))[index]
    second = pl.col("created_ms") // 1000
    latest = rows.select(second.filter(second.is_between(*options.window())).max()).item()
    tk = pl.when(~pl.col("no_ticket")).then(key_hash) if "th1" in df.columns else key_hash
    contacts = rows.with_columns(pl.Series("i", index, dtype=pl.Int64)) \
        .filter(pl.col("created_ms").is_not_null() & ~pl.col("no_customer")).select("i", *columns, tk.alias("tk"))
    return contacts, latest
