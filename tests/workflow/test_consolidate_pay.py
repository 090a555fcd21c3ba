"""Pay figures that cannot be computed are left out, on the sheet and in the summary alike.

当月工资 = 岗位工资 + 提成 + 其他 (document 002, 第十条).  其他 is added: the documents name no deduction in it
(the only other pay item of 002 is the one-time 200 元 reward of 第十一条), so it is an amount ≥ 0 as the
sheet's validation says, and an empty 其他 is 0.  Text typed into it (「扣款100」) or a negative amount
pasted past the validation cannot be used: the summary has no 当月工资 and says why, and the sheet shows
a message, not a wage that silently leaves 其他 out.  The same holds for the other pay inputs.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from libreoffice import recalc
from strategies import CS_QUANT_DOCUMENT_EXAMPLE
from workbooks import filled_department

from xl_kpi.excel import formulas as fx
from xl_kpi.excel.fill import fill_workbook
from xl_kpi.excel.reader import read_filled_workbook
from xl_kpi.schemes.scheme import get_scheme_with_text
from xl_kpi.workflow.consolidate import TEXT_MESSAGE, consolidate, evaluate_person
from xl_kpi.workflow.generate import generate
from xl_kpi.workflow.summary import build_summary

TABLE, TEXT = get_scheme_with_text("cs-table")
# every item at its highest points: total 100, 优, post wage 1800
FULL = {(ind.id, ind.inputs[0].id, a.id): int(max(level.high for level in ind.rule.levels))
        for ind in TABLE.indicators for a in TABLE.assessors}
SALES = {"pay|plan": 100000, "pay|actual": 150000}  # Y ≥ X + 5W: 1.2% of 150000 = 1800
WAGE = Decimal(1800 + 1800)  # 岗位工资 + 提成, with 其他 empty

OTHERS = {
    "T1": "扣款100",  # a deduction written as text
    "T2": -100,  # a negative amount pasted past the validation
    "T3": None,  # empty: 0
    "T4": 350.5,
    "T5": "  ",  # spaces only: empty, as the sheet's TRIM reads it
    "T6": "\u3000",  # a full-width space is text to Excel's TRIM: not a number
    "T7": 200,  # 第十一条's reward
}


def _table_book(tmp: Path, people: dict[str, dict]) -> Path:
    roster = tmp / "roster.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\n" + "".join(f"{p},员工{p},销售部,客服,赵\n" for p in people),
                      encoding="utf-8")
    (generated,) = generate(TABLE, TEXT, roster, "2026-10", tmp / "gen").files
    filled = tmp / "filled" / generated.name
    fill_workbook(generated, filled, people)
    return filled


def _others_book(tmp: Path) -> Path:
    return _table_book(tmp, {pid: {**FULL, **SALES, "pay|other": other} for pid, other in OTHERS.items()})


def _results(path: Path) -> dict:
    book = read_filled_workbook(path)
    return {p.identity["工号"]: (p, evaluate_person(book, p)) for p in book.people}


def _check_others(results: dict) -> None:
    cells = {pid: person.pay_inputs["other"].ref for pid, (person, _res) in results.items()}
    expected_issues = {
        "T1": f"其他{TEXT_MESSAGE}「扣款100」; 当月工资未计算",
        "T2": "其他不能为负数, 收到 -100; 当月工资未计算",
        "T6": f"其他{TEXT_MESSAGE}「\u3000」; 当月工资未计算",
    }
    for pid, (_person, res) in results.items():
        assert res.score.total == 100 and res.pay["岗位工资"] == 1800 and res.pay["提成"] == 1800, pid
        if pid in expected_issues:
            assert "当月工资" not in res.pay, pid  # not 3600 as if 其他 were 0
            assert [(i.cell, i.message) for i in res.issues] == [(cells[pid], expected_issues[pid])]
        else:
            assert not res.issues, (pid, res.issues)
    wages = {pid: res.pay.get("当月工资") for pid, (_p, res) in results.items()}
    assert wages == {"T1": None, "T2": None, "T3": WAGE, "T4": WAGE + Decimal("350.5"), "T5": WAGE, "T6": None,
                     "T7": WAGE + 200}


def test_other_that_cannot_be_used_leaves_the_wage_out(tmp_path):
    _check_others(_results(_others_book(tmp_path)))


def test_the_summary_has_no_wage_where_other_cannot_be_used(tmp_path):
    result = consolidate([_others_book(tmp_path)])
    ws = build_summary(result)["公司总览"]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    by_id = {r[0]: dict(zip(head, r)) for r in rows[1:]}
    assert by_id["T1"]["当月工资"] is None and by_id["T1"]["问题数"] == 1
    assert by_id["T2"]["当月工资"] is None and by_id["T6"]["当月工资"] is None
    assert by_id["T3"]["当月工资"] == 3600 and by_id["T4"]["当月工资"] == 3950.5 and by_id["T7"]["当月工资"] == 3800


def test_libreoffice_shows_no_wage_where_other_cannot_be_used(tmp_path):
    """The sheet agrees: a message where the summary has no 当月工资, the same amount where it has one."""
    (calculated,) = recalc([_others_book(tmp_path)], tmp_path / "lo")
    results = _results(calculated)
    _check_others(results)
    shown = {pid: person.results["pay|wage"].value for pid, (person, _res) in results.items()}
    assert shown == {"T1": "其他请填数字", "T2": "其他不能为负数", "T3": 3600, "T4": 3950.5, "T5": 3600,
                     "T6": "其他请填数字", "T7": 3800}


AMOUNTS = {
    "P1": {**SALES, "pay|plan": -100000},
    "P2": {**SALES, "pay|actual": "十五万"},
    "P3": {**SALES, "pay|actual": -1},
    "P4": {**SALES},
}


def test_a_pay_input_that_cannot_be_used_shows_no_figure_on_the_sheet(tmp_path):
    """计划销售额 / 实际销售额 negative or text: neither 提成 nor 当月工资 on the sheet or in the summary."""
    (calculated,) = recalc([_table_book(tmp_path, {pid: {**FULL, **v} for pid, v in AMOUNTS.items()})],
                           tmp_path / "lo")
    results = _results(calculated)
    shown = {pid: (person.results["pay|commission"].value, person.results["pay|wage"].value)
             for pid, (person, _res) in results.items()}
    assert shown == {"P1": ("计划销售额不能为负数", None), "P2": ("实际销售额请填数字", None),
                     "P3": ("实际销售额不能为负数", None), "P4": (1800, 3600)}
    messages = {pid: [i.message for i in res.issues] for pid, (_p, res) in results.items()}
    assert messages == {"P1": ["计划销售额不能为负数, 收到 -100000; 提成和当月工资未计算"],
                        "P2": [f"实际销售额{TEXT_MESSAGE}「十五万」; 提成和当月工资未计算"],
                        "P3": ["实际销售额不能为负数, 收到 -1; 提成和当月工资未计算"], "P4": []}
    for pid, (_person, res) in results.items():
        assert ("提成" in res.pay, "当月工资" in res.pay) == ((True, True) if pid == "P4" else (False, False)), pid


def test_a_negative_bonus_base_shows_no_bonus(tmp_path):
    """cs-quant: 绩效奖金基数 -1000 pasted into the sheet: no bonus of -860 on the sheet, none in the summary."""
    path = filled_department(tmp_path, {"K1": {**CS_QUANT_DOCUMENT_EXAMPLE, "pay|bonus_base": -1000},
                                        "K2": CS_QUANT_DOCUMENT_EXAMPLE})
    (calculated,) = recalc([path], tmp_path / "lo")
    results = _results(calculated)
    k1, r1 = results["K1"]
    assert k1.results["pay|bonus"].value == "绩效奖金基数不能为负数"
    assert r1.score.total == 86 and "绩效奖金" not in r1.pay
    assert [i.message for i in r1.issues] == ["绩效奖金基数不能为负数, 收到 -1000; 绩效奖金未计算"]
    k2, r2 = results["K2"]
    assert k2.results["pay|bonus"].value == 860 and r2.pay["绩效奖金"] == 860 and not r2.issues


@pytest.mark.parametrize("mode", ["native", "udf"])
def test_the_pay_formulas_guard_their_inputs_in_both_modes(mode, tmp_path):
    """--formulas udf: the KPI_BONUS / KPI_COMMISSION calls sit inside the same guards as the native formulas."""
    path = filled_department(tmp_path, {"K1": CS_QUANT_DOCUMENT_EXAMPLE}, mode=mode)
    import openpyxl

    ws = openpyxl.load_workbook(path)["K1-员工K1"]
    bonus = next(ws.cell(row=r, column=9).value for r in range(1, ws.max_row + 1)
                 if ws.cell(row=r, column=26).value == "pay|bonus")
    assert '"绩效奖金基数请填数字"' in bonus and '"绩效奖金基数不能为负数"' in bonus
    assert ("KPI_BONUS(" in bonus) == (mode == "udf")
    wage = fx.wage_formula("I20", "I21", "H19")
    assert "N(" not in wage and '"其他请填数字"' in wage and '"其他不能为负数"' in wage
