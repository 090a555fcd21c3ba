"""payroll.month_pay and its parts at their edges, exact to the cent and to the character of a reason.

Each test pins a figure or a verdict a person sees: the cent a rounding gives (half up, two places),
which inputs leave a figure empty, and the numbers written in a 绩效资格 reason.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest

from xl_kpi.engine.payroll import (
    LEFT_OUT,
    TAKING_PART,
    Eligibility,
    PayInputs,
    bonus,
    eligibility,
    month_pay,
    monthly_wage,
)
from xl_kpi.schemes.scheme import builtin_scheme

ADVISOR = builtin_scheme("advisor-4s")  # pay.threshold 80% and pay.item_threshold 80%
FULL = {ind.id: ind.weight for ind in ADVISOR.indicators}


@pytest.mark.parametrize("base, total, expected", [
    ("1234.56", "84.99", "1049.25"),  # 1049.252544: two places, not three (1049.253)
    ("123456.78", "85", "104938.26"),  # 104938.263
    ("1000.01", "50", "500.01"),  # 500.005: half up (not to even: 500.00)
    ("1000", "80", "800.00"),  # document 000: 1000 × 80% = 800
])
def test_bonus_is_in_cents_half_up(base, total, expected):
    got = bonus(D(base), D(total))
    assert got == D(expected) and str(got) == expected


@pytest.mark.parametrize("post, commission, other, expected", [
    ("1500", "1234.57", "0.125", "2734.70"),  # 2734.695: two places, half up
    ("1200", "0", "-0.005", "1200.00"),  # a deduction of half a cent: 1199.995 -> 1200.00 (half up, as Excel's ROUND)
])
def test_monthly_wage_is_in_cents_half_up(post, commission, other, expected):
    got = monthly_wage(D(post), D(commission), D(other))
    assert str(got) == expected


def test_month_pay_leaves_commission_and_wage_empty_without_plan_or_actual():
    scheme = builtin_scheme("cs-table")
    grade = scheme.grades.grade_of(D("85"))  # 良: 岗位工资 1500
    full = month_pay(scheme, D("85"), grade, PayInputs(plan=D("100000"), actual=D("123456.78"), other=D("100")))
    # 123456.78 ≥ X (100000) but < X + 5W (150000): 1% -> 1234.57 (1234.5678 half up)
    assert (full.post_wage, full.commission, full.wage) == (D("1500"), D("1234.57"), D("2834.57"))
    no_plan = month_pay(scheme, D("85"), grade, PayInputs(actual=D("123456.78")))
    assert (no_plan.post_wage, no_plan.commission, no_plan.wage) == (D("1500"), None, None)
    no_actual = month_pay(scheme, D("85"), grade, PayInputs(plan=D("100000")))
    assert (no_actual.commission, no_actual.wage) == (None, None)


def test_month_pay_needs_a_grade_and_a_usable_other_for_the_wage():
    scheme = builtin_scheme("cs-table")
    amounts = PayInputs(plan=D("100000"), actual=D("150000"), other=D("0"))
    no_grade = month_pay(scheme, D("85"), None, amounts)
    assert (no_grade.post_wage, no_grade.commission, no_grade.wage) == (None, D("1800.00"), None)  # X+5W: 1.2%
    bad_other = month_pay(scheme, D("85"), scheme.grades.grade_of(D("95")), dataclasses.replace(amounts, other=None))
    assert (bad_other.post_wage, bad_other.commission, bad_other.wage) == (D("1800"), D("1800.00"), None)


def test_month_pay_judges_each_item_from_the_points_it_is_given():
    points = {**FULL, "gross_margin": D("19.99")}  # 钣喷毛利 weight 25: 79.96%
    got = month_pay(ADVISOR, D("94.99"), None, PayInputs(), points)
    assert got.eligibility == Eligibility(LEFT_OUT, "钣喷毛利 19.99 / 25 = 79.96% 低于 80%")
    assert got.figures() == {"绩效资格": LEFT_OUT, "绩效资格原因": "钣喷毛利 19.99 / 25 = 79.96% 低于 80%"}


def test_eligibility_reasons_say_every_rule_with_its_numbers():
    assert eligibility(ADVISOR, D("80"), FULL) == Eligibility(
        TAKING_PART, "综合考核 80% 不低于 80%; 各项得分均不低于权重的 80%")
    # below on both rules: both said, joined by "; "; a share that does not end is shown with "…"
    low = {**FULL, "gross_margin": D("20"), "intake_count": D("2.3")}  # 接车台次 2.3 / 3 = 76.666…%
    assert eligibility(ADVISOR, D("79.99"), low) == Eligibility(
        LEFT_OUT, "综合考核 79.99 / 100 = 79.99% 低于 80%; 接车台次 2.3 / 3 = 76.67…% 低于 80%")


def test_eligibility_with_only_one_of_the_two_rules():
    overall = dataclasses.replace(ADVISOR, pay_item_threshold=None, pay_threshold=D("0.85"))
    assert eligibility(overall, D("85"), {**FULL, "gross_margin": D("0")}) == Eligibility(
        TAKING_PART, "综合考核 85% 不低于 85%")
    assert eligibility(overall, D("84.999"), FULL) == Eligibility(
        LEFT_OUT, "综合考核 84.999 / 100 = 85…% 低于 85%")  # 84.999% is shown to two places, with "…"
    items = dataclasses.replace(ADVISOR, pay_threshold=None, pay_item_threshold=D("0.6"))
    assert eligibility(items, D("10"), FULL) == Eligibility(TAKING_PART, "各项得分均不低于权重的 60%")
    assert eligibility(items, D("10"), {**FULL, "gross_margin": D("14.99")}) == Eligibility(
        LEFT_OUT, "钣喷毛利 14.99 / 25 = 59.96% 低于 60%")
    assert eligibility(items, None, FULL) is None
