"""What a person is paid for a month: the one place money and 绩效资格 are computed.

``score`` (batch), ``consolidate`` (returned sheets), ``annual`` (tables with amounts), peer review and the
KPI_* functions all call ``month_pay``; the formulas written into sheets are tested against it.  Each
figure needs its inputs: one that is missing or unusable (``None``) leaves the figures it feeds empty,
never computed from a guess.

- 绩效奖金 = 绩效奖金基数 × 总分 / 100 (document 000: 1000 × 80% = 800), in cents, half up;
- 岗位工资: the grade's post wage (document 002);
- 个人绩效提成 = 实际销售额 × the rate of its tier (document 002), in cents, half up;
- 当月工资 = 岗位工资 + 提成 + 其他 (document 002), in cents;
- 绩效资格 (document 003): 参与, or 不参与绩效考核 when the total is below ``pay.threshold`` of the full
  points (综合考核低于80%) or, with ``pay.item_threshold``, when any indicator's points are below that share
  of its weight (各项考核权重均不得低于80%, read as: each item's points ≥ 80% of the item's weight).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from xl_kpi.base.numbers import fmt, round_half_up
from xl_kpi.schemes.pay import HUNDRED, Grade
from xl_kpi.schemes.scheme import Scheme

ZERO = Decimal(0)
PAY_FIGURES = ("绩效奖金", "岗位工资", "提成", "当月工资")  # the money columns of every output, in this order
TAKING_PART, LEFT_OUT = "参与", "不参与绩效考核"


@dataclass(frozen=True)
class PayInputs:
    """The amounts a person's pay needs, as entered; ``None``: not given or unusable."""

    base: Decimal | None = None  # 绩效奖金基数
    plan: Decimal | None = None  # 计划销售额
    actual: Decimal | None = None  # 实际销售额
    other: Decimal | None = ZERO  # 其他 (an empty cell is 0; None: unusable, so no 当月工资)


@dataclass(frozen=True)
class Eligibility:
    value: str  # 参与 / 不参与绩效考核
    reason: str  # 综合考核 75% 低于 80%; 客户满意度 12 / 20 = 60% 低于 80%


@dataclass(frozen=True)
class MonthPay:
    bonus: Decimal | None = None
    post_wage: Decimal | None = None
    commission: Decimal | None = None
    wage: Decimal | None = None
    eligibility: Eligibility | None = None

    def figures(self) -> dict[str, Decimal | str]:
        """The summary's and the score table's columns, in their order, only those computed."""
        out: dict[str, Decimal | str] = {}
        for key, value in zip(PAY_FIGURES, (self.bonus, self.post_wage, self.commission, self.wage)):
            if value is not None:
                out[key] = value
        if self.eligibility is not None:
            out["绩效资格"] = self.eligibility.value
            out["绩效资格原因"] = self.eligibility.reason
        return out


def bonus(base: Decimal, total: Decimal) -> Decimal:
    """绩效奖金 = 绩效奖金基数 × 考核得分比例 (1000 × 80% = 800)."""
    return round_half_up(base * total / HUNDRED, 2)


def monthly_wage(post_wage: Decimal, commission: Decimal, other: Decimal) -> Decimal:
    """当月工资 = 岗位工资 + 个人绩效提成 + 其他, in cents (half up), as the sheet's formula rounds it."""
    return round_half_up(post_wage + commission + other, 2)


def has_post_wages(scheme: Scheme) -> bool:
    return scheme.grades is not None and any(g.post_wage is not None for g in scheme.grades.rows)


def eligibility(scheme: Scheme, total: Decimal | None, points: dict[str, Decimal | None] | None = None) -> Eligibility | None:
    """绩效资格 of one month, or None when the scheme has no such rule or there is no total.

    ``points``: indicator id -> points, for ``pay.item_threshold``; every comparison is exact."""
    if total is None or (scheme.pay_threshold is None and scheme.pay_item_threshold is None):
        return None
    below: list[str] = []
    if scheme.pay_threshold is not None:
        ratio = Fraction(total) / Fraction(scheme.total)
        if ratio < scheme.pay_threshold:
            below.append(f"综合考核 {fmt(total)} / {fmt(scheme.total)} = {_percent(ratio)} 低于 {fmt(scheme.pay_threshold * 100)}%")
    if scheme.pay_item_threshold is not None and points:
        edge = scheme.pay_item_threshold
        for ind in scheme.indicators:
            got = points.get(ind.id)
            if got is not None and Fraction(got) / Fraction(ind.weight) < edge:
                below.append(f"{ind.name} {fmt(got)} / {fmt(ind.weight)} = {_percent(Fraction(got) / Fraction(ind.weight))} "
                             f"低于 {fmt(edge * 100)}%")
    if below:
        return Eligibility(LEFT_OUT, "; ".join(below))
    parts = []
    if scheme.pay_threshold is not None:
        parts.append(f"综合考核 {_percent(Fraction(total) / Fraction(scheme.total))} 不低于 {fmt(scheme.pay_threshold * 100)}%")
    if scheme.pay_item_threshold is not None:
        parts.append(f"各项得分均不低于权重的 {fmt(scheme.pay_item_threshold * 100)}%")
    return Eligibility(TAKING_PART, "; ".join(parts))


def _percent(ratio: Fraction) -> str:
    """A share as said in a reason: 74.5%, exact where it ends within four decimals, else …"""
    scaled = ratio * 100
    shown = round_half_up(Decimal(scaled.numerator) / Decimal(scaled.denominator), 2)
    return f"{fmt(shown)}%" if Fraction(shown) == scaled else f"{fmt(shown)}…%"


def month_pay(scheme: Scheme, total: Decimal | None, grade: Grade | None, amounts: PayInputs,
              points: dict[str, Decimal | None] | None = None) -> MonthPay:
    """Every pay figure of one person and month that its inputs allow."""
    got_bonus = None
    if scheme.bonus and amounts.base is not None and total is not None:
        got_bonus = bonus(amounts.base, total)
    post_wage = grade.post_wage if grade is not None else None
    commission = wage = None
    if scheme.commission is not None and amounts.plan is not None and amounts.actual is not None:
        commission = scheme.commission.amount(amounts.actual, amounts.plan)
        if post_wage is not None and amounts.other is not None:
            wage = monthly_wage(post_wage, commission, amounts.other)
    return MonthPay(got_bonus, post_wage, commission, wage, eligibility(scheme, total, points))
