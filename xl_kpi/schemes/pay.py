"""What a score is worth: grades, post wage, bonus, sales commission, advisor rating.

Parsers take the mapping from a scheme file and raise ValueError with a Chinese
message; scheme.py adds the file and the place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xl_kpi.base.numbers import fmt, parse_config_number, round_half_up

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def _number(value: Any, what: str) -> Decimal:
    try:
        return parse_config_number(value)
    except ValueError:
        raise ValueError(f"{what} 应为数字, 收到 {value!r}") from None


# --------------------------------------------------------------------------- grades


@dataclass(frozen=True)
class Grade:
    grade: str
    at_least: Decimal | None  # None: the last row, "below the others"
    training: str = ""
    promotion: str = ""
    level: str = ""
    post_wage: Decimal | None = None


@dataclass(frozen=True)
class GradeTable:
    rows: tuple[Grade, ...]

    def grade_of(self, total: Decimal) -> Grade:
        """Half-open bands: 优 is 95 and above, 良 85 up to (not including) 95, ..."""
        for row in self.rows:
            if row.at_least is None or total >= row.at_least:
                return row
        return self.rows[-1]  # pragma: no cover - the last row has no lower bound


def parse_grades(raw: Any) -> GradeTable:
    if not isinstance(raw, list) or len(raw) < 2:
        raise ValueError("grades 应为至少两个等级的列表")
    rows = []
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or "grade" not in item:
            raise ValueError(f"第{i}个等级应写 grade 和 at_least (最后一个写 otherwise: true), 收到 {item!r}")
        last = i == len(raw)
        if last != bool(item.get("otherwise")) or (last and "at_least" in item):
            raise ValueError(f"第{i}个等级: 只有最后一个等级写 otherwise: true, 其余写 at_least")
        extra = set(item) - {"grade", "at_least", "otherwise", "training", "promotion", "level", "post_wage"}
        if extra:
            raise ValueError(f"第{i}个等级有不认识的字段 {', '.join(sorted(extra))}")
        at_least = None if last else _number(item.get("at_least"), f"第{i}个等级 at_least")
        wage = item.get("post_wage")
        rows.append(
            Grade(
                grade=str(item["grade"]),
                at_least=at_least,
                training=str(item.get("training", "")),
                promotion=str(item.get("promotion", "")),
                level=str(item.get("level", "")),
                post_wage=None if wage is None else _number(wage, f"第{i}个等级 post_wage"),
            )
        )
    bounds = [row.at_least for row in rows[:-1]]
    for high, low in zip(bounds, bounds[1:]):
        if not low < high:  # type: ignore[operator]
            raise ValueError(f"等级分数线应从高到低且不重复: {fmt(high)} 之后是 {fmt(low)}")
    return GradeTable(tuple(rows))


# --------------------------------------------------------------------------- commission

_TIER = re.compile(r"^\s*X\s*(?:\+\s*(\d+(?:\.\d+)?)\s*W)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Tier:
    op: str  # at_least / above
    plus_w: Decimal  # the tier starts at X + plus_w × W
    rate: Decimal


@dataclass(frozen=True)
class Commission:
    """Sales commission by tier: Y (actual) against X (plan) and X + nW.

    The rate of the tier Y falls in applies to all of Y (not marginally), as the
    document's table gives one rate per tier.
    """

    w: Decimal
    tiers: tuple[Tier, ...]
    otherwise: Decimal

    def rate(self, actual: Decimal, plan: Decimal) -> Decimal:
        for tier in self.tiers:
            edge = plan + tier.plus_w * self.w
            if actual > edge or (tier.op == "at_least" and actual == edge):
                return tier.rate
        return self.otherwise

    def amount(self, actual: Decimal, plan: Decimal) -> Decimal:
        return round_half_up(actual * self.rate(actual, plan), 2)

    def describe(self) -> str:
        parts = []
        for t in self.tiers:
            edge = "X" if t.plus_w == 0 else f"X+{fmt(t.plus_w)}W"
            parts.append(f"Y{'≥' if t.op == 'at_least' else '>'}{edge}: {fmt(t.rate * 100)}%")
        parts.append(f"其余: {fmt(self.otherwise * 100)}%")
        return f"W={fmt(self.w)}; " + "; ".join(parts)


def parse_commission(raw: Any) -> Commission:
    if not isinstance(raw, dict) or "tiers" not in raw:
        raise ValueError("commission 应写 w (W 的金额) 和 tiers")
    tiers_raw = raw["tiers"]
    if (not isinstance(tiers_raw, list) or len(tiers_raw) < 2 or not isinstance(tiers_raw[-1], dict)
            or "otherwise" not in tiers_raw[-1]):
        raise ValueError("tiers 应为列表, 最后一档写 {otherwise: 比例}")
    tiers = []
    for i, item in enumerate(tiers_raw[:-1], start=1):
        ops = [k for k in ("at_least", "above") if k in item] if isinstance(item, dict) else []
        if len(ops) != 1 or "rate" not in item:
            raise ValueError(f"第{i}档应写 at_least 或 above (如 \"X+5W\") 和 rate, 收到 {item!r}")
        match = _TIER.match(str(item[ops[0]]))
        if not match:
            raise ValueError(f"第{i}档的门槛应写成 X 或 X+5W 的样子, 收到 {item[ops[0]]!r}")
        plus = Decimal(match.group(1)) if match.group(1) else ZERO
        tiers.append(Tier(op=ops[0], plus_w=plus, rate=_number(item["rate"], f"第{i}档 rate")))
    for high, low in zip(tiers, tiers[1:]):
        if not low.plus_w < high.plus_w:
            raise ValueError("提成档次应从高到低排列, 门槛不重复")
    w = _number(raw.get("w", 10000), "w")
    if w <= 0:
        raise ValueError(f"w (W 的金额) 应大于 0, 收到 {fmt(w)}")
    return Commission(
        w=w,
        tiers=tuple(tiers),
        otherwise=_number(tiers_raw[-1]["otherwise"], "otherwise"),
    )


# --------------------------------------------------------------------------- advisor rating


@dataclass(frozen=True)
class Rating:
    """Five levels from several scores, decided by the lowest of them.

    Document 003: 优秀 when all three scores are 90 or more, 良好 when all are
    80-89, ..., 不合格 when any is below 60.  Scores that straddle levels
    (95, 85, 75) take the level of the lowest, so 89.5 is 良好, not 优秀.
    """

    names: tuple[str, ...]
    levels: tuple[tuple[str, Decimal | None], ...]

    def rate(self, scores: list[Decimal]) -> str:
        low = min(scores)
        for name, at_least in self.levels:
            if at_least is None or low >= at_least:
                return name
        return self.levels[-1][0]  # pragma: no cover


def parse_rating(raw: Any) -> Rating:
    if not isinstance(raw, dict) or "levels" not in raw or "scores" not in raw:
        raise ValueError("rating 应写 scores (几项得分的名称) 和 levels")
    scores = raw["scores"]
    if not isinstance(scores, list) or not scores:
        raise ValueError(f"rating 的 scores 应为几项得分名称的列表, 收到 {scores!r}")
    levels = []
    items = raw["levels"]
    if not isinstance(items, list) or len(items) < 2:
        raise ValueError("rating 的 levels 应为至少两级的列表")
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict) or "name" not in item:
            raise ValueError(f"rating 第{i}级应写 name 和 at_least (最后一级写 otherwise: true), 收到 {item!r}")
        last = i == len(items)
        if last:
            if not item.get("otherwise"):
                raise ValueError("rating 的最后一级应写 otherwise: true")
            levels.append((str(item["name"]), None))
        elif item.get("otherwise"):
            raise ValueError(f"rating 第{i}级: 只有最后一级写 otherwise: true, 其余写 at_least")
        else:
            levels.append((str(item["name"]), _number(item.get("at_least"), f"rating 第{i}级 at_least")))
    bounds = [b for _, b in levels[:-1]]
    for high, low in zip(bounds, bounds[1:]):
        if not low < high:  # type: ignore[operator]
            raise ValueError("rating 各级分数线应从高到低且不重复")
    return Rating(names=tuple(str(s) for s in scores), levels=tuple(levels))
