"""The 是否解决 and 是否投诉 flags: each distinct text read once, as yes, no, unreadable or (是否解决) not known."""

from __future__ import annotations

from typing import Any

from xl_kpi.base.findings import NOTICE, Finding

from .fields import FALSE_WORDS, TRUE_WORDS
from .mapping import Mapping
from .read import Source
from .scan import category_codes

EMPTY_FLAG = 2  # an empty 是否解决 cell (``flag_values``): not known whether resolved


def flag_words(fld: str, mapping: Mapping) -> dict[str, int]:
    """Text -> 1 (yes) or 0 (no) for the flag ``fld``: the built-in words and the mapping file's, as written,
    in upper case and capitalised."""
    words = {}
    for value, group in ((1, (*TRUE_WORDS[fld], *mapping.true_words.get(fld, ()))),
                         (0, (*FALSE_WORDS[fld], *mapping.false_words.get(fld, ())))):
        for w in group:
            for variant in (w, w.upper(), w.title(), w.capitalize()):
                words.setdefault(variant, value)
    return words


def flag_values(fld: str, codes: Any, mapping: Mapping) -> Any:
    """numpy int8 per category code (and a last slot for an empty cell): 1 yes, 0 no, -1 unreadable,
    ``EMPTY_FLAG`` for an empty cell (or spaces only) of 是否解决: not known (an empty 是否投诉 is no
    complaint).  A --map file may give the empty text as a word (``unresolved: [""]``).  Exact words
    first; then spaces trimmed and any letter case."""
    import numpy as np

    words = flag_words(fld, mapping)
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


def empty_resolved_notices(df: Any, empty: Any, lacking: list[int], sources: list[Source]) -> list[Finding]:
    """A notice per file with tickets of the period whose 是否解决 is empty (left out of both resolution rates);
    the files ``lacking`` are left out."""
    import numpy as np

    files = df["file"].to_numpy()
    counted = empty & df["ok"].to_numpy() & df["in_period"].to_numpy() & ~np.isin(files, lacking)
    if not counted.any():
        return []
    rows = np.flatnonzero(counted)
    per_file = np.bincount(files[rows], minlength=len(sources))
    first_row = {}
    for i in rows[np.unique(files[rows], return_index=True)[1]]:
        first_row[int(files[i])] = int(df["row"][int(i)])
    return [Finding(sources[f].path.name, sources[f].sheet or "", severity=NOTICE, kind="empty-resolved",
                    message=f"{per_file[f]} 条工单的是否解决为空 (如第{first_row[int(f)]}行), 不计入问题解决率和首次解决率, "
                    '其他各项照常计入; 若空白表示未解决, 请在 --map 文件中写 values: {unresolved: [""]}')
            for f in np.flatnonzero(per_file)]


def flag_columns(df: Any, codes: Any, sources: list[Source], mapping: Mapping) -> tuple[list[Any], Any, Any]:
    """The flags of every row: (the columns resolved, bad_resolved, complaint, bad_complaint and, when some
    tickets are left out of a rate, resolved_known / complaint_known; numpy bool per row: a flag is
    unreadable; numpy bool per row: 是否解决 is empty, or None when none is)."""
    import numpy as np
    import polars as pl

    bad = np.zeros(df.height, dtype=bool)
    columns = []
    empty = None  # tickets whose 是否解决 cell is empty
    for fld in ("resolved", "complaint"):
        if f"{fld}_text" in df.columns:
            value = flag_values(fld, codes, mapping)[category_codes(df[f"{fld}_text"], len(codes))]
            bad |= value == -1
            columns += [pl.Series(fld, value == 1), pl.Series(f"bad_{fld}", value == -1)]
            if fld == "resolved" and (value == EMPTY_FLAG).any():
                empty = value == EMPTY_FLAG
    lacking = [i for i, s in enumerate(sources) if "resolved" not in s.columns]
    if empty is not None:  # not known whether resolved: left out of both resolution rates, as a file without the column
        columns.append(pl.Series("resolved_known", ~empty))
    elif "resolved_text" in df.columns and lacking:  # those files' tickets are left out of both resolution rates
        columns.append(pl.Series("resolved_known", ~np.isin(df["file"].to_numpy(), lacking)))
    lacking = [i for i, s in enumerate(sources) if "complaint" not in s.columns]
    if "complaint_text" in df.columns and lacking:  # those files' customers are left out of the complaint rate
        columns.append(pl.Series("complaint_known", ~np.isin(df["file"].to_numpy(), lacking)))
    return columns, bad, empty
