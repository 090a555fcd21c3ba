"""Excel functions (KPI_*): thin faces of the scoring engine.

Each is a plain Python function and an xlwings UDF.  A function given a range
returns an array of the same shape, so =KPI_SATISFACTION(C3:C200) scores a whole
column.  Bad input never becomes a number: the cell shows a short Chinese
message instead (Excel users read it where they typed).

Importing this module stays light: no pandas of our own, schemes loaded on
first use.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from xl_kpi.base.errors import KpiError
from xl_kpi.base.numbers import plain, to_decimal
from xl_kpi.engine import payroll
from xl_kpi.engine.score import blend, score_indicator
from xl_kpi.excel.rules_sheet import rules_scheme
from xl_kpi.schemes import pay
from xl_kpi.schemes.inputs import InputSpec
from xl_kpi.schemes.rules import Deduction
from xl_kpi.schemes.rules_text import rules_text_from_rows
from xl_kpi.schemes.scheme import Scheme, get_scheme

try:  # xlwings is a dependency; without it the functions still work from Python.
    import xlwings as xw
except ImportError:  # pragma: no cover - exercised only where xlwings is absent
    xw = None

CATEGORY = "KPI考核"

# name -> (description, {argument: description}); the README and tests read this.
CATALOG: dict[str, tuple[str, dict[str, str]]] = {}


def udf(description: str, **arg_docs: str) -> Callable:
    """Register a KPI_* function: catalogue entry, xlwings metadata, array broadcasting."""

    def wrap(fn: Callable) -> Callable:
        params = list(inspect.signature(fn).parameters)
        at = params.index("scheme") if "scheme" in params else None

        @functools.wraps(fn)
        def cell(*args: Any) -> Any:
            if at is not None and at < len(args):  # a range of rules is one scheme, not cells to go through
                args = (*args[:at], _scheme_ref(args[at]), *args[at + 1:])
            return _broadcast(fn, args)

        cell.__doc__ = description
        CATALOG[fn.__name__] = (description, arg_docs)
        if xw is not None:
            for name, doc in arg_docs.items():
                # ndim=2: a column range arrives as a column and its results go back as one
                cell = xw.arg(name, ndim=2, doc=doc)(cell)
            cell = xw.func(category=CATEGORY)(cell)
        return cell

    return wrap


def _broadcast(fn: Callable, args: tuple) -> Any:
    """Apply fn cell by cell when an argument is a range.

    A range arrives as a list (one row or column) or a list of lists (2-D);
    the result has the same form, so a formula over C3:C200 fills C3:C200's
    shape.  Other range arguments must have the same shape or be one cell.
    """
    grids = [_grid(a) for a in args]
    ranges = [g for g in grids if g is not None]
    if not ranges:
        return _safe(fn, args)
    sizes = [(len(g) * (len(g[0]) if g else 0), i) for i, g in enumerate(grids) if g is not None]
    biggest = max(sizes)[1]
    first, grid = args[biggest], grids[biggest]
    rows, cols = len(grid), len(grid[0]) if grid else 0
    for g in ranges:
        if (len(g), len(g[0]) if g else 0) not in ((rows, cols), (1, 1)):
            return "区域大小不一致"
    out = [
        [
            _safe(fn, [a if g is None else g[r if len(g) > 1 else 0][c if len(g[0]) > 1 else 0]
                       for a, g in zip(args, grids)])
            for c in range(cols)
        ]
        for r in range(rows)
    ]
    if first and isinstance(first[0], (list, tuple)):
        return out
    return [row[0] for row in out]


def _grid(value: Any) -> list[list[Any]] | None:
    if not isinstance(value, (list, tuple)):
        return None
    if value and isinstance(value[0], (list, tuple)):
        return [list(r) for r in value]
    return [[v] for v in value]


def _safe(fn: Callable, args) -> Any:
    try:
        result = fn(*args)
    except KpiError as exc:
        return str(exc)
    if isinstance(result, Decimal):
        return plain(result)
    return result


# --------------------------------------------------------------------------- helpers


class _Rules(str):
    """The YAML text of a scheme handed over as the cells of a 规则 sheet (one line per cell)."""


def _scheme_ref(value: Any) -> Any:
    """A scheme argument as the functions take it: a range of more than one cell (such as
    '规则'!$A$1:$A$175, which generated sheets pass) is the lines of a scheme; one cell (an id or a
    path, [[x]] from xlwings) is left as it is."""
    grid = _grid(value)
    if grid is None:
        return value
    cells = [v for row in grid for v in row]
    return _Rules(rules_text_from_rows(cells)) if len(cells) > 1 else value


def _scheme(ref: Any, default: str) -> Scheme:
    if isinstance(ref, _Rules):
        return rules_scheme(str(ref))
    return get_scheme(default if ref is None or ref == "" else str(ref))


def _optional(value: Any, default: Decimal, what: str) -> Decimal:
    return default if value is None or value == "" else to_decimal(value, what=what)


def _score(scheme_id: str, indicator_id: str, value: Any, scheme: Any = None) -> Decimal:
    s = _scheme(scheme, scheme_id)
    return score_indicator(s.indicator(indicator_id), [value], s.decimals)


def _deduction(indicator_id: str, value: Any, step: Any, per_step: Any, full: Any) -> Decimal:
    s = get_scheme("cs-quant")
    ind = s.indicator(indicator_id)
    rule = ind.rule
    assert isinstance(rule, Deduction)
    new_full = _optional(full, rule.full, "满分")
    custom = replace(
        rule,
        step=_optional(step, rule.step, "每步大小"),
        points_per_step=_optional(per_step, rule.points_per_step, "每步扣分"),
        full=new_full,
    )
    if custom.step <= 0 or custom.points_per_step <= 0 or custom.full <= 0:
        raise KpiError("每步大小、每步扣分和满分都应大于0")
    return score_indicator(replace(ind, rule=custom, weight=new_full), [value], s.decimals)


# --------------------------------------------------------------------------- cs-quant indicators


@udf(
    "客户投诉率得分 (方案 cs-quant): 投诉率为0得20分, 每上升0.1个百分点扣2分, 扣完为止",
    rate="客户投诉率, 如 0.3% (即 0.003)",
    step="可选: 每步大小, 默认 0.1%",
    points_per_step="可选: 每步扣分, 默认 2",
    full="可选: 满分, 默认 20",
)
def KPI_COMPLAINT(rate, step=None, points_per_step=None, full=None):
    return _deduction("complaint_rate", rate, step, points_per_step, full)


@udf(
    "客户满意度得分 (方案 cs-quant): ≥90得20, 80-89得16, 70-79得12, 60-69得8, 低于60得0",
    score="客户满意度调查得分 (0~100)",
    scheme="可选: 方案 id、改过的方案文件路径或「规则」工作表的区域, 默认 cs-quant",
)
def KPI_SATISFACTION(score, scheme=None):
    return _score("cs-quant", "satisfaction", score, scheme)


@udf(
    "平均响应时间得分 (方案 cs-quant): 10分钟以内15, 10-30分钟10, 30-60分钟5, 超过60分钟0",
    minutes="平均首次响应时间 (分钟)",
    scheme="可选: 方案 id、改过的方案文件路径或「规则」工作表的区域, 默认 cs-quant",
)
def KPI_RESPONSE(minutes, scheme=None):
    return _score("cs-quant", "response_time", minutes, scheme)


@udf(
    "问题解决率得分 (方案 cs-quant): 100%得15分, 每下降1个百分点扣1分, 扣完为止",
    rate="问题解决率, 如 98% (即 0.98)",
    step="可选: 每步大小, 默认 1%",
    points_per_step="可选: 每步扣分, 默认 1",
    full="可选: 满分, 默认 15",
)
def KPI_RESOLUTION(rate, step=None, points_per_step=None, full=None):
    return _deduction("resolution_rate", rate, step, points_per_step, full)


@udf(
    "业务知识测试得分 (方案 cs-quant): ≥90得10, 80-89得8, 70-79得6, 60-69得4, 低于60得0",
    score="业务知识测试成绩 (0~100)",
    scheme="可选: 方案 id、改过的方案文件路径或「规则」工作表的区域, 默认 cs-quant",
)
def KPI_KNOWLEDGE(score, scheme=None):
    return _score("cs-quant", "knowledge_test", score, scheme)


# --------------------------------------------------------------------------- any scheme


@udf(
    "任一方案任一指标的得分; 指标可写 id 或文件中的名称 (简体或繁體)",
    scheme="方案 id (cs-quant / cs-table / advisor-4s / cs-smart)、方案文件路径或「规则」工作表的区域",
    indicator="指标 id 或名称, 如 客户满意度",
    value="录入值; 完成比例类指标填 实际/目标",
    value2="可选: 第二个录入值 (如 安全生产 的安全事故次数)",
)
def KPI_SCORE(scheme, indicator, value, value2=None):
    s = _scheme(scheme, "")
    ind = s.indicator(str(indicator))
    values = [value] if len(ind.inputs) == 1 else [value, value2]
    return score_indicator(ind, values, s.decimals)


@udf(
    "自评与主管评分加权合成: 自评 × 40% + 主管 × 60%",
    self_score="自评分",
    supervisor="部门主管评分",
    self_weight="可选: 自评权重, 默认 40%",
)
def KPI_BLEND(self_score, supervisor, self_weight=None):
    w = _optional(self_weight, Decimal("0.4"), "自评权重")
    if not Decimal(0) <= w <= Decimal(1):
        raise KpiError(f"自评权重应在 0%~100% 之间, 收到 {w * 100:f}%")
    a = to_decimal(self_score, what="自评分")
    b = to_decimal(supervisor, what="主管评分")
    return blend([a, b], [w, 1 - w])


def _grade(total: Any, scheme: Any) -> pay.Grade:
    s = _scheme(scheme, "cs-table")
    if s.grades is None:
        raise KpiError(f"方案 {s.id} 没有等级表")
    return s.grades.grade_of(_total(total, sum((i.max_points for i in s.indicators), Decimal(0))))


def _total(total: Any, maximum: Decimal = Decimal(100)) -> Decimal:
    """A total, as the sheet's total formula computes it: 0.5 is a total some items can add up to, so a total
    is not read as a typed score is (_score_value)."""
    value = to_decimal(total, what="总分")
    if not Decimal(0) <= value <= maximum:
        raise KpiError(f"总分应在 0~{maximum} 之间, 收到 {value}")
    return value


def _score_value(raw: Any, name: str, maximum: Decimal = Decimal(100)) -> Decimal:
    """A 0-100 score a person typed, read by the engine's rule (InputSpec.read): "95%" is 95, a bare 0.95 (what
    a cell showing 95% hands over) is refused."""
    return InputSpec(name, name, name, "score", Decimal(0), maximum).check(raw)


@udf(
    "考核等级: 优 95~100, 良 85~94, 好 75~84, 及格 65~74, 不及格 65以下",
    total="考核总分",
    scheme="可选: 方案 id、方案文件路径或「规则」工作表的区域, 默认 cs-table",
)
def KPI_GRADE(total, scheme=None):
    return _grade(total, scheme).grade


@udf(
    "按等级的岗位工资: 优1800, 良1500, 好1400, 及格1300, 不及格1200",
    total="考核总分",
    scheme="可选: 方案 id、方案文件路径或「规则」工作表的区域, 默认 cs-table",
)
def KPI_POST_WAGE(total, scheme=None):
    grade = _grade(total, scheme)
    if grade.post_wage is None:
        raise KpiError(f"等级 {grade.grade} 没有规定岗位工资")
    return grade.post_wage


@udf(
    "绩效奖金 = 绩效奖金基数 × 考核得分% (基数1000、得分80 → 800)",
    base="绩效奖金基数 (元)",
    total="考核总分",
)
def KPI_BONUS(base, total):
    amount = to_decimal(base, what="绩效奖金基数")
    if amount < 0:
        raise KpiError(f"绩效奖金基数不能为负数, 收到 {amount}")
    return payroll.bonus(amount, _total(total))


@udf(
    "个人销售提成: 实际<计划 0.5%; 计划≤实际<计划+5万 1%; 实际≥计划+5万 1.2% (按实际销售额计)",
    actual="实际销售额 Y (元)",
    plan="计划销售额 X (元)",
    scheme="可选: 方案 id、方案文件路径或「规则」工作表的区域, 默认 cs-table",
)
def KPI_COMMISSION(actual, plan, scheme=None):
    s = _scheme(scheme, "cs-table")
    if s.commission is None:
        raise KpiError(f"方案 {s.id} 没有销售提成规则")
    y = to_decimal(actual, what="实际销售额")
    x = to_decimal(plan, what="计划销售额")
    if y < 0 or x < 0:
        raise KpiError("销售额不能为负数")
    return s.commission.amount(y, x)


@udf(
    "服务顾问五级评定: 三项均≥90优秀, 均≥80良好, 均≥70合格, 均≥60待提高, 任一项<60不合格",
    score1="业务知识考核得分",
    score2="服务态度考核得分",
    score3="服务效率考核得分",
)
def KPI_ADVISOR_RATING(score1, score2, score3):
    rating = get_scheme("advisor-4s").rating
    assert rating is not None
    scores = []
    for name, raw in zip(rating.names, (score1, score2, score3)):
        scores.append(_score_value(raw, f"{name}得分"))
    return rating.rate(scores)


__all__ = sorted(CATALOG)
