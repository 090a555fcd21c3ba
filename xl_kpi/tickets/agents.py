"""Who each ticket's agent is: by 工号 or 姓名, in the roster when one is given (else every agent text found)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from xl_kpi.base.findings import NOTICE, Finding
from xl_kpi.excel.roster import leading_zeros_hint, load_roster
from xl_kpi.excel.tables import id_key

from .scan import category_codes


@dataclass
class Person:
    id: str
    name: str
    department: str


Roster = tuple[list[Person], list[Finding], list[Finding]]  # (people, problems, notices) of a roster file


@dataclass
class Agents:
    """The agents of a run and which rows are theirs."""

    agents: list[tuple[str, str, str]]  # (工号, 姓名, 部门) per agent index
    problems: dict[str, str]  # agent text -> why its rows are 未知客服
    aid: Any  # numpy int32 per row: the agent's index (-1 for none)
    no_agent: Any  # numpy bool per row: the agent cell is empty
    notices: list[Finding]


def read_roster(path: str | Path) -> Roster:

    people, problems, notices = load_roster(path, skipped="此行未读入")
    return [Person(p.id, p.fields.get("姓名", ""), p.fields.get("部门", "")) for p in people], problems, notices


def find_agents(df: Any, codes: Any, roster: Roster | None, fields: set[str]) -> Agents:
    """(工号, 姓名, 部门) per agent; a problem per agent text; and per row, the agent's index
    (numpy int32, -1 for none) and whether the agent cell is empty (numpy bool).  ``codes``: the text of
    each category code of the run; ``roster``: ``read_roster``'s, None without one; ``fields``: those found
    in any file."""
    import numpy as np
    import polars as pl

    row_codes = category_codes(df["agent"], len(codes))
    names: dict[str, str] = {}
    name_only: set[str] = set()  # agent texts that are names of rows with no 工号 (the 工号 column is empty)
    if "agent_name" in df.columns:  # (kept only when the exports have both columns)
        # a 工号 of spaces only is an empty 工号: the 姓名 stands for the agent (the columns share the categories)
        empty = np.array([not (t or "").strip() for t in codes.to_list()] + [True])
        name_codes = category_codes(df["agent_name"], len(codes))
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
    notices: list[Finding] = []
    if roster is None:
        ids, index = _agent_index({t.strip() for t in texts if t.strip()}, names, name_only, problems)
        if "agent_id" not in fields:
            notices.append(Finding(
                message="导出文件只有客服姓名, 没有工号: 数据表的「工号」列写的是姓名。"
                        "请加 --roster 花名册.xlsx 换成工号, 否则 generate --data 无法按工号预填", severity=NOTICE))
        agents = [(a, names.get(a, ""), "") for a in ids]
    else:
        people, roster_problems, roster_notices = roster
        notices += roster_notices  # which sheets of the roster were read, as generate and sample say
        notices += [replace(p, severity=NOTICE) for p in roster_problems]  # a roster row left out: its tickets count as 未知客服

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
    return Agents(agents, problems, aid[row_codes], blank[row_codes], notices)


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


def _natural(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))

