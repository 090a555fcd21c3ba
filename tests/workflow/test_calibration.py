"""The summary's 等级分布 sheet: each department's grades against the scheme's target distribution."""

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from xl_kpi.base.errors import SchemeError
from xl_kpi.excel.fill import fill_workbook
from xl_kpi.schemes.scheme import builtin_text, parse_scheme_text
from xl_kpi.workflow.consolidate import consolidate
from xl_kpi.workflow.generate import generate
from xl_kpi.workflow.summary import write_summary

NAMES = ["纪律性", "处事能力", "工作协调", "工作激情", "工作业绩", "处理投诉及售后工作", "协助网络推广", "做好工作总结并提出合理建议"]
FULL = [5, 10, 10, 5, 40, 20, 5, 5]  # 100 -> 优
LOW = [3, 8, 7, 3, 30, 15, 3, 3]  # 72 -> 及格


def _values(scheme, points):
    return {(ind.id, ind.inputs[0].id, a.id): p for ind, p in zip(scheme.indicators, points) for a in scheme.assessors}


def test_calibration_flags_departments_over_target(tmp_path: Path):
    text = builtin_text("cs-table") + "calibration: {优: 25%, 不及格: 50%}\n"
    scheme = parse_scheme_text(text, source="t.yaml")
    assert scheme.calibration == {"优": Decimal("0.25"), "不及格": Decimal("0.5")}
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门\nA1,a,一部\nA2,b,一部\nA3,c,一部\nB1,d,二部\nB2,e,二部\nB3,f,二部\nB4,g,二部\n",
                      encoding="utf-8")
    result = generate(scheme, text, roster, "2026-10", tmp_path / "out")
    values = {pid: _values(scheme, FULL if pid in ("A1", "A2", "B1") else LOW) for pid in ("A1", "A2", "A3", "B1", "B2", "B3", "B4")}
    for path in result.files:
        fill_workbook(path, path, values)
    summary = tmp_path / "汇总.xlsx"
    write_summary(consolidate(result.files), summary)
    ws = openpyxl.load_workbook(summary)["等级分布"]
    rows = {(r[0], r[1]): r[2:] for r in ws.iter_rows(min_row=2, values_only=True)}
    # 一部: 2 of 3 are 优 (66.7% > 25%): flagged; 二部: 1 of 4 (25%, not above 25%): within target
    assert rows[("一部", "优")] == (2, pytest.approx(2 / 3), 0.25, "超出目标 (2/3)")
    assert rows[("二部", "优")] == (1, 0.25, 0.25, "符合")
    assert rows[("二部", "及格")] == (3, 0.75, None, None)  # no target for 及格: no flag
    assert rows[("全公司", "优")] == (3, pytest.approx(3 / 7), 0.25, "超出目标 (3/7)")
    assert ws.tables["T_calibration"].ref == f"A1:F{ws.max_row}"


def test_calibration_targets_are_validated():
    base = builtin_text("cs-table")
    with pytest.raises(SchemeError, match="没有等级「特优」"):
        parse_scheme_text(base + "calibration: {特优: 10%}\n", source="t.yaml")
    with pytest.raises(SchemeError, match="比例应在 0% 与 100% 之间, 收到 150%"):
        parse_scheme_text(base + "calibration: {优: 150%}\n", source="t.yaml")
    with pytest.raises(SchemeError, match="方案没有等级表"):
        parse_scheme_text(builtin_text("cs-quant") + "calibration: {优: 10%}\n", source="t.yaml")
