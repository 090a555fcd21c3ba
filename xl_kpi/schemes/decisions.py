"""People decisions from monthly scores, as a registry of decision kinds (as rules.py is for scores).

A scheme makes exactly the decisions its ``decisions:`` mapping lists, and no others: each built-in
scheme lists its own document's rules (000: 调薪资格, 降薪, 晋升竞聘; 002: 考评资格, 连续第一奖励,
连续不及格请辞, 末位请辞; 003: 绩效资格, 顾问级别; 001 states none).  A company may list any kind in
its own scheme.  Each kind is one small class: its parameters with their defaults (the documents'
numbers), its Chinese label (the column of the annual workbook), the document it comes from, and the
reason it gives for each verdict.

Readings (stated in the README):
- "连续" means calendar-consecutive months: a month without a score breaks a run.  A run counts for the
  period in which its N-th consecutive month falls, so a run may start in the previous year.
- Every threshold is compared on exact values: monthly totals as read, and the period average as an
  exact fraction (84.9975 is below 85 even though it is shown as 85.00).  A reason shows the exact
  figure whenever the rounded one would read the other way.
- "85分及以上" is ≥ 85, "60分以下" is < 60; "年度平均得分达到85分以上" is ≥ 85 (``annual_strict: true``: > 85).
- "前10%": rank ≤ 10% × N people assessed (12 people: rank 1; 9 people: nobody); everyone tied with a
  rank inside is inside (competition ranking, 1-2-2-4).  ``rounding: up`` reads it as ⌈10% × N⌉.
- "排名第一" / "排名最后": within the department (``scope: company``: across the company); ties all count.
- 末位请辞 ranks, per month and scope, the people with a 总分; the month is judged only when every one
  of them also has 实际销售额.

parse_decisions raises ValueError with a Chinese message naming the place; scheme.py adds the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xl_kpi.base.months import (
    PersonPeriod,
)
from xl_kpi.base.numbers import parse_config_number
from xl_kpi.schemes import decision_kinds  # noqa: F401  (the kinds register themselves in KINDS)
from xl_kpi.schemes.decision_kind import KINDS, DecisionKind, Param, Period, SchemeFacts


@dataclass(frozen=True)
class Decisions:
    """The decisions a scheme makes, in the order its file lists them (gates first when deciding)."""

    rules: tuple[DecisionKind, ...] = ()
    month_weights: dict[int, Decimal] = field(default_factory=dict)

    def get(self, kind_id: str) -> DecisionKind | None:
        return next((r for r in self.rules if r.kind == kind_id), None)

    @property
    def columns(self) -> list[str]:
        return [r.label for r in self.rules]

    def __bool__(self) -> bool:
        return bool(self.rules)


NONE = Decisions()


def parse_decisions(raw: Any, facts: SchemeFacts | None = None) -> Decisions:
    """The ``decisions:`` mapping of a scheme: each kind id maps to its parameters (any subset; the rest
    are the document's numbers) or to ``true`` (all defaults); ``false`` leaves it out.
    ``month_weights: {12: 2}`` weighs a calendar month (1-12) in the period average (default 1)."""
    facts = facts or SchemeFacts()
    if raw is None:
        return NONE
    if isinstance(raw, list) and all(isinstance(k, str) for k in raw):  # [raise, promotion]: the documents' numbers
        raw = {k: True for k in raw}
    if not isinstance(raw, dict):
        raise ValueError("decisions 应写成每行一个决定种类及其参数, 如\n  raise: {}\n  promotion: {top_percent: 10%}\n"
                         f"或 [raise, promotion]; 收到 {raw!r}")
    unknown = sorted(set(map(str, raw)) - set(KINDS) - {"month_weights"})
    if unknown:
        raise ValueError(f"decisions 中不认识的规则 {', '.join(unknown)}; 可用: {', '.join([*KINDS, 'month_weights'])}")
    rules: list[DecisionKind] = []
    weights: dict[int, Decimal] = {}
    for key, value in raw.items():
        key = str(key)
        if key == "month_weights":
            weights = _month_weights(value)
            continue
        if value is False:
            continue
        cls = KINDS[key]
        values = {name: param.default for name, param in cls.params.items()}
        if value is not True and value is not None:
            if not isinstance(value, dict):
                raise ValueError(f"decisions.{key} 应为参数映射、true 或 false, 收到 {value!r}")
            for pkey, pval in value.items():
                pkey = str(pkey)
                if pkey not in cls.params:
                    raise ValueError(f"decisions.{key}.{pkey}: 不认识的参数; 可用: {', '.join(cls.params)}")
                values[pkey] = _param(f"decisions.{key}.{pkey}", cls.params[pkey], pval)
        rules.append(cls(values, facts))
    return Decisions(tuple(rules), weights)


def _param(where: str, spec: Param, value: Any) -> Any:
    if value is None and spec.optional:
        return None
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{where} 应为 true 或 false, 收到 {value!r}")
        return value
    if spec.kind == "choice":
        if value not in spec.choices:
            raise ValueError(f"{where} 应为 {' 或 '.join(spec.choices)}, 收到 {value!r}")
        return value
    try:
        number = parse_config_number(value)
    except ValueError:
        raise ValueError(f"{where} 应为数字, 收到 {value!r}") from None
    if spec.kind == "count":
        if number != number.to_integral_value() or number < 1:
            raise ValueError(f"{where} 应为正整数, 收到 {value!r}")
        return int(number)
    if number < 0:
        raise ValueError(f"{where} 不能为负数, 收到 {value!r}")
    if spec.kind == "share" and not 0 < number <= 1:
        raise ValueError(f"{where} 应在 0% 与 100% 之间 (如 10%), 收到 {value!r}")
    return number


def _month_weights(value: Any) -> dict[int, Decimal]:
    if not isinstance(value, dict):
        raise ValueError(f"decisions.month_weights 应为映射 (月份 1-12: 权重), 收到 {value!r}")
    out = {}
    for m, weight in value.items():
        try:
            number = int(str(m))
        except ValueError:
            number = 0
        if not 1 <= number <= 12:
            raise ValueError(f"decisions.month_weights: 月份应为 1-12, 收到 {m!r}")
        try:
            w = parse_config_number(weight)
        except ValueError:
            raise ValueError(f"decisions.month_weights.{number} 应为数字, 收到 {weight!r}") from None
        if w < 0:
            raise ValueError(f"decisions.month_weights.{number} 不能为负数, 收到 {weight!r}")
        out[number] = w
    return out


def decide(decisions: Decisions, group: list[PersonPeriod], period: Period) -> None:
    """Every decision of the scheme for the people of one period, into ``p.decisions`` (gates first)."""
    ordered = [r for r in decisions.rules if r.gate] + [r for r in decisions.rules if not r.gate]
    for rule in ordered:
        verdicts = rule.decide_all(group, period)
        period.excluded |= rule.excluded(verdicts)
        for p in group:
            p.decisions[rule.label] = verdicts[p.pid]
    for p in group:  # the columns in the scheme's order
        p.decisions = {r.label: p.decisions[r.label] for r in decisions.rules}
