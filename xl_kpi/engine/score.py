"""The scoring engine: the one place where entered values become points.

The UDFs, the batch commands and (through tests) the formulas written into
sheets all agree with what this module computes.  It reads values through a
callback, so it knows nothing about files, cells or Excel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from xl_kpi.base.errors import InputValueError
from xl_kpi.base.numbers import round_half_up
from xl_kpi.schemes.inputs import InputSpec
from xl_kpi.schemes.pay import Grade
from xl_kpi.schemes.scheme import Assessor, Indicator, Scheme


@dataclass(frozen=True)
class Problem:
    """Something wrong with one entered value (or with the person as a whole)."""

    message: str
    indicator: Indicator | None = None
    spec: InputSpec | None = None
    assessor: Assessor | None = None


@dataclass
class ItemScore:
    indicator: Indicator
    points: Decimal | None
    by_assessor: dict[str, Decimal | None] = field(default_factory=dict)


@dataclass
class PersonScore:
    items: list[ItemScore]
    problems: list[Problem]
    total: Decimal | None
    grade: Grade | None
    assessor_totals: dict[str, Decimal | None] = field(default_factory=dict)
    notices: list[Problem] = field(default_factory=list)  # values scored as typed that may not be what was meant

    @property
    def ok(self) -> bool:
        return not self.problems

    def points(self, indicator_id: str) -> Decimal | None:
        for item in self.items:
            if item.indicator.id == indicator_id:
                return item.points
        raise KeyError(indicator_id)


def score_indicator(indicator: Indicator, values: Sequence[object], decimals: int = 2) -> Decimal:
    """Points for one indicator from the values as typed; raises InputValueError in Chinese."""
    return score_indicator_noted(indicator, values, decimals)[0]


def score_indicator_noted(indicator: Indicator, values: Sequence[object],
                          decimals: int = 2) -> tuple[Decimal, list[tuple[InputSpec, str]]]:
    """score_indicator's points, and the notices about the values (each with its input): a value scored as
    typed that may not be what was meant (客户投诉率 0.3 is 30%; InputSpec.read)."""
    if len(values) != len(indicator.inputs):
        names = "、".join(spec.name for spec in indicator.inputs)
        raise InputValueError(f"{indicator.name}需要 {len(indicator.inputs)} 个数值 ({names}), 收到 {len(values)} 个")
    read = [spec.read(raw) for spec, raw in zip(indicator.inputs, values)]
    try:
        points = indicator.rule.score([value for value, _ in read])
    except InputValueError as exc:
        raise InputValueError(f"{indicator.name}: {exc}") from None
    notices = [(spec, notice) for spec, (_, notice) in zip(indicator.inputs, read) if notice]
    return round_half_up(points, decimals), notices


def blend(scores: Sequence[Decimal], weights: Sequence[Decimal], decimals: int = 2) -> Decimal:
    """Weighted combination of several assessors' scores (自评 40% + 主管 60%)."""
    return round_half_up(sum((s * w for s, w in zip(scores, weights)), Decimal(0)), decimals)


Getter = Callable[[Indicator, InputSpec, "Assessor | None"], object]


def score_person(scheme: Scheme, get: Getter) -> PersonScore:
    """Score every indicator of one person; problems are collected, never raised.

    ``get(indicator, input_spec, assessor)`` returns the raw value the person
    entered (None when the cell is empty).  For schemes with assessors (自评 and
    部门主管) every indicator is scored once per assessor and blended.  The total
    is given only when every item could be scored: a partial total would be a
    silently wrong number.  ``notices`` are about values scored as typed that may not
    be what was meant (they do not stop the total).
    """
    items: list[ItemScore] = []
    problems: list[Problem] = []
    notices: list[Problem] = []
    assessors: list[Assessor | None] = list(scheme.assessors) or [None]
    for ind in scheme.indicators:
        by: dict[str, Decimal | None] = {}
        for assessor in assessors:
            key = assessor.id if assessor else ""
            raw = [get(ind, spec, assessor) for spec in ind.inputs]
            try:
                by[key], noted = score_indicator_noted(ind, raw, scheme.decimals)
                notices += [Problem(text, ind, spec, assessor) for spec, text in noted]
            except InputValueError as exc:
                by[key] = None
                spec = _blamed_spec(ind, raw)
                problems.append(Problem(str(exc), ind, spec, assessor))
        if any(v is None for v in by.values()):
            points = None
        elif scheme.assessors:
            points = blend([by[a.id] for a in scheme.assessors], [a.weight for a in scheme.assessors], scheme.decimals)  # type: ignore[misc]
        else:
            points = by[""]
        items.append(ItemScore(ind, points, by if scheme.assessors else {}))
    total = None
    grade = None
    if not problems:
        total = sum((item.points for item in items), Decimal(0))  # type: ignore[misc]
        grade = scheme.grades.grade_of(total) if scheme.grades else None
    totals: dict[str, Decimal | None] = {}
    for a in scheme.assessors:
        parts = [item.by_assessor.get(a.id) for item in items]
        totals[a.id] = None if any(p is None for p in parts) else sum(parts, Decimal(0))  # type: ignore[arg-type]
    return PersonScore(items, problems, total, grade, totals, notices)


def _blamed_spec(ind: Indicator, raw: list[object]) -> InputSpec:
    """The input a problem is about: the first one that does not pass its own check."""
    for spec, value in zip(ind.inputs, raw):
        try:
            spec.check(value)
        except InputValueError:
            return spec
    return ind.inputs[0]
