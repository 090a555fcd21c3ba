"""The rule kinds: how an indicator's entered value becomes points.

Each kind is a small class registered in ``KINDS`` under the name a scheme file
uses (``kind: deduction``), with a Chinese label for sheets, docs and messages.
All arithmetic is on ``Decimal``; see numbers.py for why.

Kinds
-----
deduction   full points, minus points per step away from a start value, with a floor
bands       half-open bands: first band whose threshold the value meets wins
count       bands over a whole, non-negative count (complaints, rework, missed reports)
limits      full points unless any of several counts reaches its limit
attainment  points in proportion to actual/target, zero below a floor, capped
rubric      levels with text, each worth fixed points or a range the assessor picks in
direct      points entered directly within [0, max]
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from xl_kpi.base.errors import InputValueError, SchemeError
from xl_kpi.base.numbers import fmt, parse_config_number, round_half_up

ZERO = Decimal(0)

KINDS: dict[str, type["Rule"]] = {}


def register(cls: type["Rule"]) -> type["Rule"]:
    KINDS[cls.kind] = cls
    return cls


class RuleSpec:
    """Reads fields of one rule's mapping, raising SchemeError that names the field."""

    def __init__(self, data: dict[str, Any], where: str, source: str) -> None:
        self.data = data
        self.where = where
        self.source = source
        self.used: set[str] = {"kind"}

    def fail(self, message: str) -> SchemeError:
        return SchemeError(message, source=self.source, where=self.where)

    def get(self, key: str, default: Any = ...) -> Any:
        self.used.add(key)
        if key not in self.data:
            if default is ...:
                raise self.fail(f"缺少字段 {key}")
            return default
        return self.data[key]

    def number(self, key: str, default: Any = ...) -> Decimal:
        value = self.get(key, default)
        if value is default and default is not ...:
            return value
        try:
            return parse_config_number(value)
        except ValueError as exc:
            raise self.fail(f"{key} 应为数字, 收到 {value!r} ({exc})") from None

    def choice(self, key: str, options: tuple[str, ...], default: str) -> str:
        value = self.get(key, default)
        if value not in options:
            raise self.fail(f"{key} 应为 {' / '.join(options)} 之一, 收到 {value!r}")
        return value

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise self.fail(f"不认识的字段 {', '.join(unknown)}")


@dataclass
class Rule:
    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""
    input_count: ClassVar[int | None] = 1  # None: as many as the rule lists

    def score(self, values: list[Decimal]) -> Decimal:
        raise NotImplementedError

    @property
    def max_points(self) -> Decimal:
        raise NotImplementedError

    @property
    def min_points(self) -> Decimal:
        return ZERO

    def describe(self) -> str:
        raise NotImplementedError

    @classmethod
    def parse(cls, spec: RuleSpec, weight: Decimal) -> "Rule":
        raise NotImplementedError


# --------------------------------------------------------------------------- deduction


@register
@dataclass
class Deduction(Rule):
    """Full points at ``start``; ``points_per_step`` off per ``step`` worse; never below ``floor``.

    ``direction: up`` means higher is worse (complaint rate), ``down`` means
    lower is worse (resolution rate).  ``partial_step`` says what a step begun
    but not completed costs: ``ignore`` (nothing, the default: "每上升0.1个百分点"
    counts completed steps), ``count`` (a whole step) or ``proportional``.
    """

    kind: ClassVar[str] = "deduction"
    label: ClassVar[str] = "按步扣分"
    full: Decimal = ZERO
    start: Decimal = ZERO
    direction: str = "up"
    step: Decimal = Decimal(1)
    points_per_step: Decimal = Decimal(1)
    partial_step: str = "ignore"
    floor: Decimal = ZERO

    @classmethod
    def parse(cls, spec: RuleSpec, weight: Decimal) -> "Deduction":
        rule = cls(
            full=spec.number("full", weight),
            start=spec.number("start"),
            direction=spec.choice("direction", ("up", "down"), "up"),
            step=spec.number("step"),
            points_per_step=spec.number("points_per_step"),
            partial_step=spec.choice("partial_step", ("ignore", "count", "proportional"), "ignore"),
            floor=spec.number("floor", ZERO),
        )
        if rule.step <= 0:
            raise spec.fail(f"step 应大于0, 收到 {fmt(rule.step)}")
        if rule.points_per_step <= 0:
            raise spec.fail(f"points_per_step 应大于0, 收到 {fmt(rule.points_per_step)}")
        if not ZERO <= rule.floor <= rule.full:
            raise spec.fail(f"floor 应在 0 与满分 {fmt(rule.full)} 之间, 收到 {fmt(rule.floor)}")
        return rule

    def steps(self, value: Decimal) -> Decimal:
        excess = value - self.start if self.direction == "up" else self.start - value
        if excess <= 0:
            return ZERO
        exact = excess / self.step
        if self.partial_step == "ignore":
            return Decimal(math.floor(exact))
        if self.partial_step == "count":
            return Decimal(math.ceil(exact))
        return exact

    def score(self, values: list[Decimal]) -> Decimal:
        return max(self.floor, self.full - self.steps(values[0]) * self.points_per_step)

    @property
    def max_points(self) -> Decimal:
        return self.full

    @property
    def min_points(self) -> Decimal:
        return self.floor

    def describe(self) -> str:
        way = "上升" if self.direction == "up" else "下降"
        partial = {"ignore": "不足一步不扣", "count": "不足一步按一步扣", "proportional": "不足一步按比例扣"}
        return (
            f"{fmt(self.start)}时得{fmt(self.full)}分, 每{way}{fmt(self.step)}扣"
            f"{fmt(self.points_per_step)}分, {partial[self.partial_step]}, 最低{fmt(self.floor)}分"
        )


# --------------------------------------------------------------------------- bands

_LOWER_OPS = {"at_least": (">=", "≥"), "above": (">", ">")}
_UPPER_OPS = {"at_most": ("<=", "≤"), "below": ("<", "<")}
_OPS = {**_LOWER_OPS, **_UPPER_OPS}


@dataclass(frozen=True)
class Band:
    op: str  # at_least / above / at_most / below
    threshold: Decimal
    points: Decimal

    def matches(self, value: Decimal) -> bool:
        if self.op == "at_least":
            return value >= self.threshold
        if self.op == "above":
            return value > self.threshold
        if self.op == "at_most":
            return value <= self.threshold
        return value < self.threshold


@register
@dataclass
class Bands(Rule):
    """Ordered bands; the first whose threshold the value meets gives the points.

    Every band but the last is ``{at_least|above|at_most|below: threshold,
    points: p}``; the last is ``{otherwise: p}``.  All bands of a rule look the
    same way (all lower bounds, or all upper bounds) and their thresholds must
    be strictly ordered, so bands never overlap and never leave a gap.  An
    optional ``round_to`` rounds the value half-up to a multiple of it first
    (document 003 says "取整数" of a percentage: ``round_to: 1%``).
    """

    kind: ClassVar[str] = "bands"
    label: ClassVar[str] = "分段计分"
    bands: list[Band] = field(default_factory=list)
    otherwise: Decimal = ZERO
    round_to: Decimal | None = None

    @classmethod
    def parse(cls, spec: RuleSpec, weight: Decimal) -> "Bands":
        raw = spec.get("bands")
        if not isinstance(raw, list) or len(raw) < 2:
            raise spec.fail("bands 应为至少两段的列表, 最后一段写 otherwise")
        bands: list[Band] = []
        otherwise = None
        for i, item in enumerate(raw, start=1):
            if not isinstance(item, dict):
                raise spec.fail(f"第{i}段应为 {{at_least: 数值, points: 分值}} 这样的映射, 收到 {item!r}")
            if "otherwise" in item:
                if i != len(raw) or set(item) != {"otherwise"}:
                    raise spec.fail(f"第{i}段: otherwise 只能单独写在最后一段")
                otherwise = _band_number(spec, item["otherwise"], f"第{i}段 otherwise")
                continue
            ops = [k for k in item if k in _OPS]
            if len(ops) != 1 or set(item) != {ops[0], "points"}:
                raise spec.fail(
                    f"第{i}段应恰有一个门槛 (at_least / above / at_most / below) 和 points, 收到 {item!r}"
                )
            op = ops[0]
            bands.append(
                Band(
                    op=op,
                    threshold=_band_number(spec, item[op], f"第{i}段 {op}"),
                    points=_band_number(spec, item["points"], f"第{i}段 points"),
                )
            )
        if otherwise is None:
            raise spec.fail("最后一段应为 {otherwise: 分值}, 以免数值落在所有段之外")
        rounding = spec.number("round_to", None)
        if rounding is not None and rounding <= 0:
            raise spec.fail(f"round_to 应大于0 (如 1 或 1%), 收到 {fmt(rounding)}")
        rule = cls(bands=bands, otherwise=otherwise, round_to=rounding)
        rule.validate(spec.fail)
        return rule

    def validate(self, fail) -> None:
        lower = {b.op in _LOWER_OPS for b in self.bands}
        if len(lower) != 1:
            raise fail("同一规则的各段应同为下限 (at_least/above) 或同为上限 (at_most/below)")
        descending = lower.pop()
        for prev, cur in zip(self.bands, self.bands[1:]):
            ordered = cur.threshold < prev.threshold if descending else cur.threshold > prev.threshold
            same_edge_ok = cur.threshold == prev.threshold and (
                (prev.op, cur.op) in (("above", "at_least"), ("below", "at_most"))
            )
            if not ordered and not same_edge_ok:
                word = "从高到低" if descending else "从低到高"
                raise fail(
                    f"分段重叠或顺序不对: {_OPS[prev.op][1]}{fmt(prev.threshold)} 之后是 "
                    f"{_OPS[cur.op][1]}{fmt(cur.threshold)}; 门槛应{word}排列"
                )
        for band in self.bands:
            if band.points < 0:
                raise fail(f"分值不能为负数: {fmt(band.points)}")
        if self.otherwise < 0:
            raise fail(f"分值不能为负数: {fmt(self.otherwise)}")

    def prepare(self, value: Decimal) -> Decimal:
        if self.round_to is not None:
            return round_half_up(value / self.round_to, 0) * self.round_to
        return value

    def score(self, values: list[Decimal]) -> Decimal:
        value = self.prepare(values[0])
        for band in self.bands:
            if band.matches(value):
                return band.points
        return self.otherwise

    @property
    def max_points(self) -> Decimal:
        return max([b.points for b in self.bands] + [self.otherwise])

    @property
    def min_points(self) -> Decimal:
        return min([b.points for b in self.bands] + [self.otherwise])

    def describe(self) -> str:
        parts = [f"{_OPS[b.op][1]}{fmt(b.threshold)}得{fmt(b.points)}分" for b in self.bands]
        parts.append(f"其余得{fmt(self.otherwise)}分")
        text = "; ".join(parts)
        if self.round_to is not None:
            text = f"先四舍五入到 {fmt(self.round_to)} 的整数倍; " + text
        return text


def _band_number(spec: RuleSpec, value: Any, what: str) -> Decimal:
    try:
        return parse_config_number(value)
    except ValueError:
        raise spec.fail(f"{what} 应为数字, 收到 {value!r}") from None


@register
@dataclass
class Count(Bands):
    """Bands over a count: the value must be a whole number, never negative."""

    kind: ClassVar[str] = "count"
    label: ClassVar[str] = "计数阈值"

    def score(self, values: list[Decimal]) -> Decimal:
        value = values[0]
        if value < 0 or value != value.to_integral_value():
            raise InputValueError(f"次数应为非负整数, 收到 {fmt(value)}")
        return super().score(values)


# --------------------------------------------------------------------------- limits


@register
@dataclass
class Limits(Rule):
    """Full points unless any count reaches its limit (安全生产: 不达标≥3次 或 事故≥1次)."""

    kind: ClassVar[str] = "limits"
    label: ClassVar[str] = "计数上限"
    points: Decimal = ZERO
    otherwise: Decimal = ZERO
    limits: list[Decimal] = field(default_factory=list)
    input_count: ClassVar[int | None] = None

    @classmethod
    def parse(cls, spec: RuleSpec, weight: Decimal) -> "Limits":
        raw = spec.get("limits")
        if not isinstance(raw, list) or not raw:
            raise spec.fail("limits 应为列表, 每项是对应输入达到多少次即不得分")
        limits = [_band_number(spec, v, f"limits 第{i}项") for i, v in enumerate(raw, 1)]
        for limit in limits:
            if limit <= 0:
                raise spec.fail(f"limits 中的次数应大于0, 收到 {fmt(limit)}")
        return cls(points=spec.number("points", weight), otherwise=spec.number("otherwise", ZERO), limits=limits)

    def score(self, values: list[Decimal]) -> Decimal:
        if any(v >= limit for v, limit in zip(values, self.limits)):
            return self.otherwise
        return self.points

    @property
    def max_points(self) -> Decimal:
        return max(self.points, self.otherwise)

    @property
    def min_points(self) -> Decimal:
        return min(self.points, self.otherwise)

    def describe(self) -> str:
        reached = " 或 ".join(f"第{i}项≥{fmt(v)}" for i, v in enumerate(self.limits, 1))
        return f"{reached}得{fmt(self.otherwise)}分, 否则{fmt(self.points)}分"


# --------------------------------------------------------------------------- attainment


@register
@dataclass
class Attainment(Rule):
    """Points from actual/target.  Below ``floor`` scores ``below_floor`` (0); above ``cap`` counts as ``cap``.

    ``mode: ratio`` (the default, "60%-100%之间比例得分"): points = full × ratio,
    so 85% of target gives 85% of the points.  ``mode: linear``: 0 at the floor
    rising to full at the cap.
    """

    kind: ClassVar[str] = "attainment"
    label: ClassVar[str] = "按完成比例"
    full: Decimal = ZERO
    floor: Decimal = ZERO
    cap: Decimal = Decimal(1)
    below_floor: Decimal = ZERO
    mode: str = "ratio"
    decimals: int = 2

    @classmethod
    def parse(cls, spec: RuleSpec, weight: Decimal) -> "Attainment":
        rule = cls(
            full=spec.number("full", weight),
            floor=spec.number("floor", ZERO),
            cap=spec.number("cap", Decimal(1)),
            below_floor=spec.number("below_floor", ZERO),
            mode=spec.choice("mode", ("ratio", "linear"), "ratio"),
        )
        if not ZERO <= rule.floor < rule.cap:
            raise spec.fail(f"floor 应不小于0且小于 cap, 收到 floor={fmt(rule.floor)} cap={fmt(rule.cap)}")  # linear divides by cap - floor
        return rule

    def score(self, values: list[Decimal]) -> Decimal:
        ratio = values[0]
        if ratio < self.floor:
            return self.below_floor
        ratio = min(ratio, self.cap)
        if self.mode == "ratio":
            points = self.full * ratio / self.cap
        else:
            points = self.full * (ratio - self.floor) / (self.cap - self.floor)
        return round_half_up(points, self.decimals)

    @property
    def max_points(self) -> Decimal:
        return max(self.full, self.below_floor)

    @property
    def min_points(self) -> Decimal:
        low = self.full * self.floor / self.cap if self.mode == "ratio" else ZERO
        return min(self.below_floor, low)

    def describe(self) -> str:
        def show(x: Decimal) -> str:
            # ratios (actual/target, rates) read as percentages; a target on a score scale (90 of 100, 4.5 of 5) as is
            return f"{fmt(x * 100)}%" if self.cap <= 2 else fmt(x)

        floor = f"低于{show(self.floor)}得{fmt(self.below_floor)}分, " if self.floor > 0 else ""
        how = "按完成比例得分" if self.mode == "ratio" else f"从{show(self.floor)}的0分线性增至满分"
        return f"{floor}{how}, 满分{fmt(self.full)}分, 达到{show(self.cap)}及以上得满分"


# --------------------------------------------------------------------------- rubric

_RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[-—–~～至到]\s*(\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Level:
    text: str
    text_hant: str
    low: Decimal
    high: Decimal

    @property
    def points_text(self) -> str:
        return fmt(self.high) if self.low == self.high else f"{fmt(self.low)}-{fmt(self.high)}"


@register
@dataclass
class Rubric(Rule):
    """Levels a supervisor picks; the entered value is the points chosen.

    A level is worth fixed points (``points: 5``) or a range the assessor picks
    within (``points: 8-9``, also written 8—9 or [8, 9]).  The entered points must
    lie in some level; with ``whole_points: true`` (the default) they must be a
    whole number, as the documents' tables list whole points.
    """

    kind: ClassVar[str] = "rubric"
    label: ClassVar[str] = "等级评分"
    levels: list[Level] = field(default_factory=list)
    whole_points: bool = True

    @classmethod
    def parse(cls, spec: RuleSpec, weight: Decimal) -> "Rubric":
        raw = spec.get("levels")
        if not isinstance(raw, list) or not raw:
            raise spec.fail("levels 应为等级列表, 每级写 text 和 points")
        levels = []
        for i, item in enumerate(raw, start=1):
            if not isinstance(item, dict) or "points" not in item or "text" not in item:
                raise spec.fail(f"第{i}级应写 text (说明) 和 points (分值或分值范围), 收到 {item!r}")
            extra = set(item) - {"text", "text_hant", "points"}
            if extra:
                raise spec.fail(f"第{i}级有不认识的字段 {', '.join(sorted(extra))}")
            low, high = _parse_points(spec, item["points"], f"第{i}级 points")
            text = str(item["text"])
            levels.append(Level(text=text, text_hant=str(item.get("text_hant", text)), low=low, high=high))
        whole = spec.get("whole_points", True)
        if not isinstance(whole, bool):
            raise spec.fail(f"whole_points 应为 true 或 false, 收到 {whole!r}")
        return cls(levels=levels, whole_points=whole)

    def level_of(self, points: Decimal) -> Level | None:
        for level in self.levels:
            if level.low <= points <= level.high:
                return level
        return None

    def allowed_text(self) -> str:
        return " / ".join(level.points_text for level in self.levels)

    def score(self, values: list[Decimal]) -> Decimal:
        points = values[0]
        if self.whole_points and points != points.to_integral_value():
            raise InputValueError(f"应填整数分, 收到 {fmt(points)} (可选: {self.allowed_text()})")
        if self.level_of(points) is None:
            raise InputValueError(f"{fmt(points)} 分不在任何等级的分值内 (可选: {self.allowed_text()})")
        return points

    @property
    def max_points(self) -> Decimal:
        return max(level.high for level in self.levels)

    @property
    def min_points(self) -> Decimal:
        return min(level.low for level in self.levels)

    def describe(self) -> str:
        return "; ".join(f"{level.text} {level.points_text}分" for level in self.levels)


def _parse_points(spec: RuleSpec, value: Any, what: str) -> tuple[Decimal, Decimal]:
    if isinstance(value, list) and len(value) == 2:
        low, high = (_band_number(spec, v, what) for v in value)
    elif isinstance(value, str) and _RANGE.match(value):
        m = _RANGE.match(value)
        assert m is not None
        low, high = Decimal(m.group(1)), Decimal(m.group(2))
    else:
        low = high = _band_number(spec, value, what)
    if low > high:  # the document writes "15-10"; a range is a range either way
        low, high = high, low
    if low < 0:
        raise spec.fail(f"{what} 不能为负数")
    return low, high


# --------------------------------------------------------------------------- direct


@register
@dataclass
class Direct(Rule):
    """Points entered directly, anywhere in [0, max]."""

    kind: ClassVar[str] = "direct"
    label: ClassVar[str] = "直接打分"
    maximum: Decimal = ZERO

    @classmethod
    def parse(cls, spec: RuleSpec, weight: Decimal) -> "Direct":
        maximum = spec.number("max", weight)
        if maximum <= 0:
            raise spec.fail(f"max 应大于0, 收到 {fmt(maximum)}")
        return cls(maximum=maximum)

    def score(self, values: list[Decimal]) -> Decimal:
        points = values[0]
        if not ZERO <= points <= self.maximum:
            raise InputValueError(f"得分应在 0~{fmt(self.maximum)} 之间, 收到 {fmt(points)}")
        return points

    @property
    def max_points(self) -> Decimal:
        return self.maximum

    def describe(self) -> str:
        return f"直接填写 0~{fmt(self.maximum)} 分"


def parse_rule(data: Any, weight: Decimal, *, where: str, source: str) -> Rule:
    """Build a rule from its mapping in a scheme file."""
    if not isinstance(data, dict):
        raise SchemeError(f"rule 应为映射 (kind: ...), 收到 {data!r}", source=source, where=where)
    kind = data.get("kind")
    if kind not in KINDS:
        raise SchemeError(
            f"未知的规则类型 kind={kind!r}; 可用: {', '.join(KINDS)}", source=source, where=where
        )
    spec = RuleSpec(data, where, source)
    rule = KINDS[kind].parse(spec, weight)
    spec.finish()
    return rule
