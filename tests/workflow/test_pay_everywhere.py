"""One pay computation: the same person gives the same figures and the same texts in `score`, in
`consolidate` (a generated sheet filled and returned) and in `annual` (a table with the amounts), for
every scheme; 绩效资格 and its reason included (document 003's overall and per-item 80% rules)."""

from __future__ import annotations

import csv
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from strategies import person_values

from xl_kpi.base.numbers import to_decimal
from xl_kpi.engine.payroll import LEFT_OUT, TAKING_PART, eligibility
from xl_kpi.engine.score import score_person
from xl_kpi.excel.columns import input_headers
from xl_kpi.excel.fill import fill_workbook
from xl_kpi.schemes.scheme import builtin_scheme, get_scheme_with_text
from xl_kpi.workflow.annual import run_annual
from xl_kpi.workflow.batch import score_file
from xl_kpi.workflow.consolidate import consolidate
from xl_kpi.workflow.generate import generate

PAY_INPUTS = {"pay|bonus_base": "绩效奖金基数", "pay|plan": "计划销售额", "pay|actual": "实际销售额", "pay|other": "其他"}
FIGURES = ("绩效奖金", "岗位工资", "提成", "当月工资", "绩效资格", "绩效资格原因")


def _consolidated(tmp: Path, scheme_id: str, values: dict) -> dict:
    scheme, text = get_scheme_with_text(scheme_id)
    roster = tmp / "roster.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\nP1,员工P1,一部,客服,赵\n", encoding="utf-8")
    (generated,) = generate(scheme, text, roster, "2026-10", tmp / "gen").files
    filled = tmp / "back" / generated.name
    fill_workbook(generated, filled, {"P1": values})
    (person,) = consolidate([tmp / "back"]).people
    return person.pay | {"总分": person.score.total}


def _scored(tmp: Path, scheme_id: str, values: dict) -> dict:
    scheme = builtin_scheme(scheme_id)
    heads, cells = ["工号"], ["P1"]
    for ind in scheme.indicators:
        for spec in ind.inputs:
            for assessor in scheme.assessors or [None]:
                heads.append(input_headers(scheme, ind, spec, assessor)[0])
                cells.append(values[(ind.id, spec.id, assessor.id if assessor else "")])
    for key, head in PAY_INPUTS.items():
        if key in values:
            heads.append(head)
            cells.append(values[key])
    path = tmp / "score.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([heads, cells])
    report = score_file(scheme, path)
    row = dict(zip(report.headers(), report.output_rows()[0]))
    return {k: (to_decimal(v) if isinstance(v, (int, float)) else v) for k, v in row.items() if k in (*FIGURES, "总分") and v not in (None, "")}


def _annual(tmp: Path, scheme_id: str, total: D, values: dict) -> dict:
    heads = ["工号", "期间", "总分", *[PAY_INPUTS[k] for k in PAY_INPUTS if k in values]]
    cells = ["P1", "2026-10", str(total), *[values[k] for k in PAY_INPUTS if k in values]]
    path = tmp / "month.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([heads, cells])
    (person,) = run_annual([path], tmp / "annual.xlsx", scheme=builtin_scheme(scheme_id)).people
    return person.pay


@pytest.mark.parametrize("scheme_id", ["cs-quant", "cs-table", "advisor-4s", "cs-smart"])
def test_same_person_same_pay_in_score_consolidate_and_annual(scheme_id, tmp_path_factory):
    scheme = builtin_scheme(scheme_id)
    seen = []

    @settings(max_examples=6, deadline=None, derandomize=True, phases=[Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
    @given(person_values(scheme, mistakes=False))
    def run(values):
        tmp = tmp_path_factory.mktemp(scheme_id)
        summary = _consolidated(tmp, scheme_id, values)
        table = _scored(tmp, scheme_id, values)
        assert summary.pop("总分") == table.pop("总分")
        assert summary == table  # figures and texts, 绩效资格原因 included
        total = table.get("总分") or score_person(scheme, lambda i, s, a: values[(i.id, s.id, a.id if a else "")]).total
        yearly = _annual(tmp, scheme_id, total, values)
        for key in ("绩效奖金", "岗位工资", "提成", "当月工资"):
            assert yearly.get(key) == summary.get(key), key
        seen.append(summary)

    run()
    assert len(seen) == 6
    if scheme_id in ("cs-table", "advisor-4s", "cs-quant"):
        assert any(s for s in seen)  # some figure was compared


def test_eighty_percent_rules_at_their_edges():
    scheme = builtin_scheme("advisor-4s")
    weights = {ind.id: ind.weight for ind in scheme.indicators}
    full = {i: w for i, w in weights.items()}
    assert eligibility(scheme, D(100), full).value == TAKING_PART
    # one item at exactly 80 % of its weight: still 参与; a hair below: 不参与, naming the item
    some = next(i for i, w in weights.items() if w >= 5)
    at = {**full, some: weights[some] * D("0.8")}
    assert eligibility(scheme, D(100) - weights[some] * D("0.2"), at).value == TAKING_PART
    below = {**full, some: weights[some] * D("0.8") - D("0.01")}
    verdict = eligibility(scheme, D(99), below)
    name = next(ind.name for ind in scheme.indicators if ind.id == some)
    assert verdict.value == LEFT_OUT and verdict.reason.startswith(f"{name} ")
    # the overall rule: 80 is 参与, 79.99 is not
    assert eligibility(scheme, D(80), full).value == TAKING_PART
    low = eligibility(scheme, D("79.99"), full)
    assert low.value == LEFT_OUT and low.reason == "综合考核 79.99 / 100 = 79.99% 低于 80%"
    assert eligibility(builtin_scheme("cs-quant"), D(10), {}) is None  # document 000 pays at any score
