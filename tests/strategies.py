"""Hypothesis strategies for values a person types into an assessment sheet.

Values cluster at each rule's edges (a threshold, one step either side, the
floor and the cap) and are typed as Excel stores them (floats such as 0.003),
with an occasional mistake (text, a negative, an empty cell).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from xl_kpi.schemes.inputs import InputSpec
from xl_kpi.schemes.rules import Attainment, Bands, Deduction, Direct, Limits, Rubric
from xl_kpi.schemes.scheme import Indicator, Scheme

NUDGES = [Decimal(0), Decimal("0.0001"), Decimal("-0.0001"), Decimal("0.01"), Decimal("-0.01")]


def edges(ind: Indicator, index: int) -> list[Decimal]:
    rule = ind.rule
    out: list[Decimal] = []
    if isinstance(rule, Deduction):
        sign = 1 if rule.direction == "up" else -1
        for k in range(0, 16):
            base = rule.start + sign * k * rule.step
            out += [base, base + rule.step / 2, base - rule.step / 10]
    elif isinstance(rule, Bands):
        scale = rule.round_to or Decimal(1)
        for band in rule.bands:
            for nudge in NUDGES:
                out.append(band.threshold + nudge * (scale if rule.round_to else 1))
            if rule.round_to:
                out += [band.threshold - rule.round_to / 2, band.threshold + rule.round_to / 2]
    elif isinstance(rule, Attainment):
        for edge in (rule.floor, rule.cap):
            out += [edge + n for n in NUDGES]
        out += [Decimal("0.873"), Decimal("0.5"), Decimal("1.25")]
    elif isinstance(rule, Limits):
        limit = rule.limits[index]
        out += [limit - 1, limit, limit + 1, Decimal(0)]
    elif isinstance(rule, Rubric):
        for level in rule.levels:
            out += [level.low, level.high]
    elif isinstance(rule, Direct):
        out += [Decimal(0), rule.maximum, rule.maximum / 2]
    return out


def _in_range(spec: InputSpec, value: Decimal) -> bool:
    if spec.minimum is not None and value < spec.minimum:
        return False
    if spec.maximum is not None and value > spec.maximum:
        return False
    if spec.out_of_100 and 0 < value < 1:  # refused as no score a person types (0.9 is 90% typed bare)
        return False
    return not spec.whole or value == value.to_integral_value()


def _plain_number(spec: InputSpec) -> st.SearchStrategy[Decimal]:
    high = spec.maximum if spec.maximum is not None else Decimal(200)
    places = 0 if spec.whole else (4 if spec.unit in ("percent", "ratio") else 2)
    if spec.unit == "ratio":
        high = Decimal("1.5")
    values = st.decimals(min_value=spec.minimum or 0, max_value=high, places=places, allow_nan=False, allow_infinity=False)
    return values.filter(lambda v: _in_range(spec, v))


def typed(value: Decimal) -> float | int:
    """The value as Excel stores what a person typed."""
    return int(value) if value == value.to_integral_value() else float(value)


def input_value(ind: Indicator, index: int, *, mistakes: bool = True) -> st.SearchStrategy:
    spec = ind.inputs[index]
    candidates = [v for v in edges(ind, index) if _in_range(spec, v)]
    valid = st.one_of(st.sampled_from(candidates), _plain_number(spec)) if candidates else _plain_number(spec)
    if isinstance(ind.rule, Rubric):
        valid = st.sampled_from(candidates)
    options = [(9, valid.map(typed))]
    if mistakes:
        bad = st.sampled_from(["abc", "很好", None, -1, 9.5, 101, "#N/A"])
        options.append((1, bad))
    weighted = [s for w, s in options for _ in range(w)]
    return st.one_of(*weighted)


@st.composite
def person_values(draw, scheme: Scheme, *, mistakes: bool = True) -> dict:
    values: dict = {}
    for ind in scheme.indicators:
        for i, spec in enumerate(ind.inputs):
            for assessor in scheme.assessors or [None]:
                values[(ind.id, spec.id, assessor.id if assessor else "")] = draw(input_value(ind, i, mistakes=mistakes))
    if scheme.bonus:
        values["pay|bonus_base"] = draw(st.sampled_from([1000, 1200.5, 800, 0, 3000]))
    if scheme.commission:
        plan = draw(st.sampled_from([0, 100000, 80000, 123456.78]))
        offset = draw(st.sampled_from([-1, 0, 1, 49999, 50000, 50001, 200000, -plan]))
        values["pay|plan"] = plan
        values["pay|actual"] = max(0, plan + offset)
        values["pay|other"] = draw(st.sampled_from([0, 200, 350.5]))
    return values


# cs-quant's worked example from the documents, as a filled sheet's inputs (typed as Excel stores
# them): 0.3% -> 14, 89.5 -> 16, 10 minutes -> 15, 98.5% -> 14, 90 -> 10, 8 + 4 + 5 = 86; bonus 860.
CS_QUANT_DOCUMENT_EXAMPLE = {
    ("complaint_rate", "complaint_rate", ""): 0.003,
    ("satisfaction", "satisfaction", ""): 89.5,
    ("response_time", "response_time", ""): 10,
    ("resolution_rate", "resolution_rate", ""): 0.985,
    ("knowledge_test", "knowledge_test", ""): 90,
    ("skill_application", "skill_application", ""): 8,
    ("collaboration", "collaboration", ""): 4,
    ("info_sharing", "info_sharing", ""): 5,
    "pay|bonus_base": 1000,
}
