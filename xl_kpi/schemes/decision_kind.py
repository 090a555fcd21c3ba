"""What every people decision is made of: its parameters (Param), what it may take from the rest of its scheme
(SchemeFacts), the period it decides on (Period), and the base class and registry of decision kinds.

The kinds themselves, one small class each, are in decision_kinds.py; a scheme's list of them in decisions.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any, ClassVar

from xl_kpi.base.months import (
    MonthRow,
    PersonPeriod,
    exact_text,
    index,
    join,
)
from xl_kpi.base.numbers import fmt

Verdict = tuple[Any, str]  # (the value shown in the decision's column, the reason)


@dataclass(frozen=True)
class Param:
    default: Any
    kind: str  # count (a whole number ≥ 1), number (≥ 0), share (0 < x ≤ 100%), bool, choice
    label: str  # what it means, in Chinese (the scheme reference)
    choices: tuple[str, ...] = ()
    optional: bool = False  # None allowed: the value then comes from the scheme (grades, pay.threshold)


@dataclass
class SchemeFacts:
    """What a decision may take from the rest of its scheme, resolved when the scheme is loaded."""

    full: Decimal = Decimal(100)  # the scheme's total
    pass_line: Decimal | None = None  # the lowest passing grade's line (cs-table: 及格 65)
    pay_threshold: Decimal | None = None  # pay.threshold (advisor-4s: 80%)
    item_threshold: Decimal | None = None  # pay.item_threshold (advisor-4s: each item 80% of its weight)
    items: tuple[tuple[str, str, Decimal], ...] = ()  # (id, name, weight) of each indicator


@dataclass
class Period:
    """One period (a year or a quarter) being decided, with everything its decisions may look at."""

    label: str
    months: list[str]  # the period's months present in the inputs
    by_person: dict[str, dict[str, MonthRow]]  # every month of every input, not only this period's
    by_month: dict[str, list[MonthRow]]
    excluded: set[str] = field(default_factory=set)  # 工号 excluded by a gate (考评资格)

    @property
    def kind(self) -> str:
        return "季度" if "Q" in self.label else "年度"

    @cached_property
    def indices(self) -> set[int]:
        return {index(m) for m in self.months}

    def gap(self, p: PersonPeriod) -> str:
        return f"; 缺考 {join(p.missing)} 中断连续" if p.missing else ""

    def totals(self, pid: str) -> dict[str, Decimal]:
        return {m: r.total for m, r in self.by_person[pid].items() if r.total is not None}


class DecisionKind:
    """One kind of decision.  Subclasses set the class attributes and implement ``decide`` (or
    ``decide_all`` when a verdict depends on the others: a ranking)."""

    kind: ClassVar[str]
    label: ClassVar[str]  # the column of the annual workbook
    source: ClassVar[str]  # the document and its words
    params: ClassVar[dict[str, Param]]
    gate: ClassVar[bool] = False  # decided first: its ``excluded`` people skip the kinds that respect it
    respects_gate: ClassVar[bool] = True
    uses_runs: ClassVar[bool] = False  # decided on runs of consecutive months (a month no input holds breaks them)

    def __init__(self, values: dict[str, Any], facts: SchemeFacts) -> None:
        self.p = values
        self.facts = facts

    def __eq__(self, other: object) -> bool:  # two schemes with the same rules make the same decisions
        return type(other) is type(self) and other.p == self.p and other.facts == self.facts  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.kind, tuple(sorted((k, str(v)) for k, v in self.p.items()))))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.p!r})"

    def describe(self) -> str:
        """The rule as HR reads it: label, the document's words, and each parameter as set."""
        def shown(param: Param, value: Any) -> str:
            if isinstance(value, bool):
                return "是" if value else "否"
            if param.kind == "share" and isinstance(value, Decimal):
                return f"{fmt(value * 100)}%"
            return fmt(value) if isinstance(value, Decimal) else str(value)

        params = "; ".join(f"{p.label.split(' (')[0]} = {shown(p, self.p[k])}" for k, p in self.params.items()
                           if self.p[k] is not None)
        return f"{self.label} ({self.kind}): {self.source}" + (f" [{params}]" if params else "")

    def decide_all(self, group: list[PersonPeriod], period: Period) -> dict[str, Verdict]:
        out = {}
        for p in group:
            if self.respects_gate and p.pid in period.excluded:
                out[p.pid] = ("", "缺岗超过规定月数, 不参与当期考评")
            else:
                out[p.pid] = self.decide(p, period)
        return out

    def decide(self, p: PersonPeriod, period: Period) -> Verdict:  # pragma: no cover - each kind has one
        raise NotImplementedError

    def notes(self, rows: list[MonthRow], all_months: list[str]) -> list[tuple[str, str]]:
        """(where, message) said once in 问题 for the whole run; not problems of the input."""
        return []

    def excluded(self, verdicts: dict[str, Verdict]) -> set[str]:
        return set()


KINDS: dict[str, type[DecisionKind]] = {}


def kind(cls: type[DecisionKind]) -> type[DecisionKind]:
    KINDS[cls.kind] = cls
    return cls


def average_reason(p: PersonPeriod, period: Period, holds: Callable[[Fraction], bool]) -> str:
    """「年度平均 84.67」, or with the exact figure when the rounded one would read the other way:
    「年度平均 84.9975 (显示为 85)」 against 85."""
    assert p.exact is not None and p.score is not None
    if holds(Fraction(p.score)) != holds(p.exact):
        return f"{period.kind}平均 {exact_text(p.exact)} (显示为 {fmt(p.score)})"
    return f"{period.kind}平均 {fmt(p.score)}"
