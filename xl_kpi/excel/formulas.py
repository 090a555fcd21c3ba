"""Plain Excel formulas that compute what the engine computes.

The generated sheets carry these so that they score live in Excel without
Python, in WPS and in LibreOffice.  Only functions all three have are used
(IF, AND, OR, NOT, ISNUMBER, ROUND, ROUNDUP, INT, MIN, MAX, SUM, COUNT, TRIM, LEFT,
CELL), none of which needs the ``_xlfn.`` prefix.  CELL("format", …) tells a cell
formatted as a percentage ("P0", "P2"): a 0-100 score typed as 90% is 90, as the
engine reads it (inputs.InputSpec.read).

Floating point is tamed the same way everywhere: a step count or a scaled
value is first rounded to 9 decimals (0.003/0.001 = 2.9999999999999996 becomes
3) before INT or a comparison, and every score is rounded half-up to the
scheme's decimals, as the engine rounds its exact decimals.  The LibreOffice
tests recalculate these formulas on hundreds of random inputs and compare them
with the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from xl_kpi.base.numbers import fmt
from xl_kpi.excel.rules_sheet import fingerprint, rules_range
from xl_kpi.schemes.inputs import InputSpec
from xl_kpi.schemes.rules import Attainment, Bands, Count, Deduction, Direct, Limits, Rubric, Rule
from xl_kpi.schemes.scheme import Indicator, Scheme, builtin_ids, builtin_text

EPS_DIGITS = 9  # decimals kept before INT / comparisons, to drop binary noise

Emitter = Callable[[Rule, Sequence[str], int], str]
_EMITTERS: dict[type, Emitter] = {}


def emits(*kinds: type) -> Callable[[Emitter], Emitter]:
    def wrap(fn: Emitter) -> Emitter:
        for kind in kinds:
            _EMITTERS[kind] = fn
        return fn

    return wrap


def num(value: Decimal | int) -> str:
    """A number literal for a formula: 0.001, 20, -3."""
    return fmt(Decimal(value))


def text(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _clean(expr: str) -> str:
    return f"ROUND({expr},{EPS_DIGITS})"


def _round(expr: str, decimals: int) -> str:
    return f"ROUND(ROUND({expr},{EPS_DIGITS}),{decimals})"


# --------------------------------------------------------------------------- per rule kind


@emits(Deduction)
def _deduction(rule: Deduction, refs: Sequence[str], decimals: int) -> str:
    x = refs[0]
    excess = f"({x}-{num(rule.start)})" if rule.direction == "up" else f"({num(rule.start)}-{x})"
    raw = _clean(f"{excess}/{num(rule.step)}")
    if rule.partial_step == "ignore":
        steps = f"INT({raw})"
    elif rule.partial_step == "count":
        steps = f"ROUNDUP({raw},0)"
    else:
        steps = raw
    points = f"MAX({num(rule.floor)},{num(rule.full)}-MAX(0,{steps})*{num(rule.points_per_step)})"
    return _round(points, decimals)


_OPS = {"at_least": ">=", "above": ">", "at_most": "<=", "below": "<"}


@emits(Bands, Count)
def _bands(rule: Bands, refs: Sequence[str], decimals: int) -> str:
    x = refs[0]
    if rule.round_to is not None:
        # compare in units of round_to, where the thresholds are whole numbers
        value = f"ROUND({_clean(f'{x}/{num(rule.round_to)}')},0)"
        scale = rule.round_to
    else:
        value, scale = x, Decimal(1)
    expr = num(rule.otherwise)
    for band in reversed(rule.bands):
        expr = f"IF({value}{_OPS[band.op]}{num(band.threshold / scale)},{num(band.points)},{expr})"
    return expr


@emits(Limits)
def _limits(rule: Limits, refs: Sequence[str], decimals: int) -> str:
    reached = ",".join(f"{ref}>={num(limit)}" for ref, limit in zip(refs, rule.limits))
    return f"IF(OR({reached}),{num(rule.otherwise)},{num(rule.points)})"


@emits(Attainment)
def _attainment(rule: Attainment, refs: Sequence[str], decimals: int) -> str:
    x = refs[0]
    capped = f"MIN({x},{num(rule.cap)})"
    if rule.mode == "ratio":
        points = f"{num(rule.full)}*{capped}/{num(rule.cap)}"
    else:
        points = f"{num(rule.full)}*({capped}-{num(rule.floor)})/{num(rule.cap - rule.floor)}"
    scored = _round(points, min(decimals, rule.decimals))
    if rule.floor > 0:
        return f"IF({x}<{num(rule.floor)},{num(rule.below_floor)},{scored})"
    return scored


@emits(Rubric)
def _rubric(rule: Rubric, refs: Sequence[str], decimals: int) -> str:
    x = refs[0]
    levels = ",".join(
        f"{x}={num(lv.low)}" if lv.low == lv.high else f"AND({x}>={num(lv.low)},{x}<={num(lv.high)})"
        for lv in rule.levels
    )
    ok = f"OR({levels})"
    if rule.whole_points:
        ok = f"AND({x}=INT({x}),{ok})"
    return f"IF({ok},{x},{text('可选: ' + rule.allowed_text())})"


@emits(Direct)
def _direct(rule: Direct, refs: Sequence[str], decimals: int) -> str:
    return refs[0]  # the range is checked by the input guard


# --------------------------------------------------------------------------- guards and totals


def percent_cell(ref: str) -> str:
    """True when the cell is formatted as a percentage (typing 90% into a cell formats it so, and stores 0.9)."""
    return f'LEFT(CELL("format",{ref}),1)="P"'


def input_value(spec: InputSpec, ref: str) -> str:
    """The value a rule scores from an input cell: a 0-100 score in a cell formatted as a percentage is that
    percentage of 100 (90% -> 90; rounded to 9 decimals as everywhere, so 29% is 29, not 28.999999999999996)."""
    if spec.out_of_100:
        return f"IF({percent_cell(ref)},{_clean(f'{ref}*100')},{ref})"
    return ref


def _guard(spec: InputSpec, ref: str, inner: str, value: str | None = None) -> str:
    """Blank while empty, a short message for text or out-of-range values, else inner; ``value``: the value
    the checks and the rule look at (input_value), the cell itself by default.  As InputSpec.read: a score
    out of 5 typed as a percentage, and a 0-100 score strictly between 0 and 1, are refused."""
    value = value or ref
    checks = []
    if spec.minimum is not None:
        checks.append(f"{value}<{num(spec.minimum)}")
    if spec.maximum is not None:
        checks.append(f"{value}>{num(spec.maximum)}")
    expr = inner
    if spec.whole:
        expr = f"IF({value}<>INT({value}),{text('应填整数')},{expr})"
    if checks:
        expr = f"IF(OR({','.join(checks)}),{text(range_text(spec))},{expr})"
    if spec.out_of_100:
        expr = f"IF(AND({value}>0,{value}<1),{text(FRACTION_TEXT)},{expr})"
    elif spec.unit == "score":
        expr = f"IF({percent_cell(ref)},{text(f'应填{spec.score_span()}的分数, 不要填百分比')},{expr})"
    return f"IF({ref}=\"\",\"\",IF(NOT(ISNUMBER({ref})),{text('请填数字')},{expr}))"


FRACTION_TEXT = "应填0~100的分数; 90%请填90"  # a 0-100 score of 0.9 (InputSpec.read refuses it)


def range_text(spec: InputSpec) -> str:
    low = "" if spec.minimum is None else spec.show(spec.minimum)
    high = "" if spec.maximum is None else spec.show(spec.maximum)
    if spec.maximum is None:
        return "不能为负数" if spec.minimum == 0 else f"应不小于{low}"
    return f"应在{low}~{high}之间"


def indicator_formula(ind: Indicator, refs: Sequence[str], decimals: int) -> str:
    """Formula (with the leading '=') giving the indicator's points from its input cells."""
    emitter = _EMITTERS[type(ind.rule)]
    values = [input_value(spec, ref) for spec, ref in zip(ind.inputs, refs)]
    expr = emitter(ind.rule, values, decimals)
    for spec, ref, value in reversed(list(zip(ind.inputs, refs, values))):
        expr = _guard(spec, ref, expr, value)
    return "=" + expr


def blend_formula(refs: Sequence[str], weights: Sequence[Decimal], decimals: int) -> str:
    """=IF(all numbers, ROUND(0.4*a+0.6*b), blank) over the per-assessor score cells."""
    counted = f"COUNT({','.join(refs)})={len(refs)}"
    total = "+".join(f"{num(w)}*{r}" for r, w in zip(refs, weights))
    return f'=IF({counted},{_round(total, decimals)},"")'


def total_formula(refs: Sequence[str], decimals: int, pending: str = "未填完") -> str:
    """The total only when every item is a number; SUM alone would skip a text item silently."""
    cells = ",".join(refs)
    return f"=IF(COUNT({cells})={len(refs)},{_round(f'SUM({cells})', decimals)},{text(pending)})"


def grade_formula(scheme: Scheme, total_ref: str, field: str = "grade") -> str:
    """Grade (or post wage) from the total through nested IFs over the grade table."""
    assert scheme.grades is not None
    rows = scheme.grades.rows

    def value(row) -> str:
        if field == "grade":
            return text(row.grade)
        return num(row.post_wage) if row.post_wage is not None else '""'

    expr = value(rows[-1])
    for row in reversed(rows[:-1]):
        expr = f"IF({total_ref}>={num(row.at_least)},{value(row)},{expr})"
    return f'=IF(ISNUMBER({total_ref}),{expr},"")'


def pay_guard(ref: str, name: str, inner: str, empty: str = '""') -> str:
    """A pay input (绩效奖金基数, 计划销售额, 实际销售额, 其他) in a pay figure's formula: ``empty`` while the cell
    is empty (or holds only spaces, as consolidation reads it), a short message for text or a negative amount
    (consolidation reports those and leaves the figure out: the sheet must not show a number either), else
    ``inner``.  Data validation refuses both, but a pasted value passes validation."""
    return (f'IF(TRIM({ref})="",{empty},IF(NOT(ISNUMBER({ref})),{text(name + "请填数字")},'
            f'IF({ref}<0,{text(name + "不能为负数")},{inner})))')


def bonus_formula(base_ref: str, total_ref: str, call: str | None = None) -> str:
    """绩效奖金 = 基数 × 总分% in cents; ``call``: the add-in's KPI_BONUS(…) instead of the native product."""
    value = call or _round(f"{base_ref}*{total_ref}/100", 2)
    return "=" + pay_guard(base_ref, "绩效奖金基数", f'IF(ISNUMBER({total_ref}),{value},"")')


def wage_formula(wage_ref: str, commission_ref: str, other_ref: str) -> str:
    """当月工资 in cents: 1200 + 1234.57 + 350.5 is 2785.07, not the float sum 2785.0699999999997.

    An empty 其他 is 0; text in it (「扣款100」) or a negative amount shows a message, not a wage that
    silently leaves 其他 out (N() read text as 0)."""
    def wage(other: str) -> str:
        return (f'IF(AND(ISNUMBER({wage_ref}),ISNUMBER({commission_ref})),'
                f'{_round(f"{wage_ref}+{commission_ref}{other}", 2)},"")')

    return "=" + pay_guard(other_ref, "其他", wage(f"+{other_ref}"), empty=wage(""))


def commission_formula(scheme: Scheme, actual_ref: str, plan_ref: str, call: str | None = None) -> str:
    """提成 in cents by the scheme's tiers; ``call``: the add-in's KPI_COMMISSION(…) instead of the tiers."""
    c = scheme.commission
    assert c is not None
    rate = num(c.otherwise)
    for tier in reversed(c.tiers):
        edge = f"{plan_ref}+{num(tier.plus_w * c.w)}" if tier.plus_w else plan_ref
        op = ">=" if tier.op == "at_least" else ">"
        rate = f"IF({actual_ref}{op}{edge},{num(tier.rate)},{rate})"
    value = call or _round(f"{actual_ref}*{rate}", 2)
    return "=" + pay_guard(plan_ref, "计划销售额", pay_guard(actual_ref, "实际销售额", value))


def threshold_formula(scheme: Scheme, total_ref: str, score_refs: dict[str, str]) -> str:
    """绩效资格 as xl_kpi.engine.payroll.eligibility decides it: the total against ``pay.threshold`` of the full
    points and, with ``pay.item_threshold``, each indicator's points (``score_refs``: id -> cell) against
    that share of its weight."""
    tests = []
    if scheme.pay_threshold is not None:
        tests.append(f"{total_ref}>={num(scheme.pay_threshold * scheme.total)}")
    if scheme.pay_item_threshold is not None:
        tests += [f"{score_refs[ind.id]}>={num(scheme.pay_item_threshold * ind.weight)}" for ind in scheme.indicators]
    test = tests[0] if len(tests) == 1 else f"AND({','.join(tests)})"
    return f'=IF(ISNUMBER({total_ref}),IF({test},"参与","不参与绩效考核"),"")'


# --------------------------------------------------------------------------- UDF flavour


def scheme_argument(scheme: Scheme, rules: str) -> str:
    """How the =KPI_* formulas of a workbook carrying ``rules`` (its 规则 sheet) name their scheme:
    by id for a built-in scheme as shipped, which the add-in knows; otherwise by the range of the
    规则 sheet, so that a company's own scheme (or a built-in one with a rule changed) is scored by
    the rules the workbook carries, not looked up by an id the add-in does not know, or knows with
    other rules."""

    if scheme.id in builtin_ids() and fingerprint(rules) == fingerprint(builtin_text(scheme.id)):
        return text(scheme.id)
    return rules_range(rules)


def udf_indicator_formula(scheme: Scheme, ind: Indicator, refs: Sequence[str], scheme_arg: str) -> str:
    """=KPI_*(…) for workbooks used with the add-in (``scheme_arg``: ``scheme_argument``); the specific
    functions of cs-quant where the scheme is cs-quant as shipped (they score by its rules)."""
    specific = {
        ("cs-quant", "complaint_rate"): "KPI_COMPLAINT",
        ("cs-quant", "satisfaction"): "KPI_SATISFACTION",
        ("cs-quant", "response_time"): "KPI_RESPONSE",
        ("cs-quant", "resolution_rate"): "KPI_RESOLUTION",
        ("cs-quant", "knowledge_test"): "KPI_KNOWLEDGE",
    }.get((scheme.id, ind.id))
    empty = "OR(" + ",".join(f'{r}=""' for r in refs) + ")"
    if specific and scheme_arg == text(scheme.id):
        call = f"{specific}({refs[0]})"
    else:
        call = f"KPI_SCORE({scheme_arg},{text(ind.id)},{','.join(refs)})"
    return f'=IF({empty},"",{call})'
