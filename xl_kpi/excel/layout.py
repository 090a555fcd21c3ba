"""Where things stand on an assessment sheet, for writing it and for reading it back.

A person's sheet has a fixed identity block (rows 2-3), a header row, one block
of rows per indicator, then totals, pay and signatures.  Every row that holds
something the program reads carries a key in a hidden column (KEY_COLUMN), so
consolidation finds inputs by key, not by position: a row deleted or moved by
hand is detected, never misread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xl_kpi.base.numbers import fmt
from xl_kpi.schemes import rules_text
from xl_kpi.schemes.describe import label
from xl_kpi.schemes.rules import Rubric
from xl_kpi.schemes.scheme import Indicator, Scheme

KEY_COLUMN = 26  # Z, hidden
HEADER_ROW = 5
FIRST_ROW = 6
META_SHEET = "_xlkpi"
LISTS_SHEET = "_lists"
RULES_SHEET = rules_text.RULES_SHEET  # the names of our own sheets are all found here
COVER_SHEET = "封面"

# identity: (label cell, value cell, field)
IDENTITY_CELLS = (
    ("A2", "B2", "工号"),
    ("C2", "D2", "姓名"),
    ("E2", "F2", "部门"),
    ("A3", "B3", "岗位"),
    ("C3", "D3", "直属主管"),
    ("E3", "F3", "考核期间"),
)


@dataclass(frozen=True)
class Column:
    header: str
    header_hant: str
    width: float


@dataclass
class Layout:
    """Columns of the indicator table for one scheme."""

    info: list[Column]  # descriptive columns, left to right
    what: Column | None  # "填写内容": what to type (one row per input)
    inputs: list[Column]  # one per assessor, or one "实际值"
    score: Column
    per_level_rows: bool = False  # cs-table: one row per rubric level
    helper_columns: int = 0  # hidden per-assessor score cells (cs-table)

    @property
    def input_cols(self) -> list[int]:
        start = len(self.info) + (1 if self.what else 0) + 1
        return list(range(start, start + len(self.inputs)))

    @property
    def score_col(self) -> int:
        return self.input_cols[-1] + 1

    @property
    def helper_cols(self) -> list[int]:
        return list(range(self.score_col + 1, self.score_col + 1 + self.helper_columns))

    @property
    def last_col(self) -> int:
        return self.score_col

    def headers(self, lang: str) -> list[str]:
        cols = [*self.info, *([self.what] if self.what else []), *self.inputs, self.score]
        return [c.header_hant if lang == "zh-Hant" else c.header for c in cols]

    def widths(self) -> list[float]:
        return [c.width for c in [*self.info, *([self.what] if self.what else []), *self.inputs, self.score]]


def C(header: str, width: float, hant: str | None = None) -> Column:
    return Column(header, hant or header, width)


AMOUNT_WIDTH = 14  # the pay inputs (计划销售额 …) sit in the first input column: 1,234,567.89 needs 12 characters


def layout_for(scheme: Scheme) -> Layout:
    score = C("得分", 9)
    amounts = scheme.bonus or scheme.commission is not None
    if scheme.assessors:
        return Layout(
            info=[C("项目", 10, "項目"), C("指标", 12, "指標"), C("考核的内容", 52, "考核的內容"), C("参考分数", 9, "參考分數")],
            what=None,
            inputs=[C(a.name, AMOUNT_WIDTH if amounts and i == 0 else 9, a.name_hant) for i, a in enumerate(scheme.assessors)],
            score=score,
            per_level_rows=True,
            helper_columns=len(scheme.assessors),
        )
    if scheme.id.startswith("advisor"):
        info = [C("分组", 10, "分組"), C("指标", 14, "指標"), C("考核权重", 8, "考核權重"), C("评定标准", 44, "評定標準"),
                C("统计周期", 8, "統計週期"), C("评定方法", 14, "評定方法")]
    else:
        info = [C("考核维度", 10, "考核維度"), C("指标", 14, "指標"), C("定义", 24, "定義"), C("计算公式", 20, "計算公式"),
                C("考核标准", 40, "考核標準"), C("满分", 6, "滿分")]
    return Layout(info=info, what=C("填写内容", 16, "填寫內容"), inputs=[C("实际值", AMOUNT_WIDTH if amounts else 11, "實際值")],
                  score=score)


def info_values(scheme: Scheme, ind: Indicator, lang: str) -> list[str]:
    group = next(g for g in scheme.groups if g.id == ind.group)
    group_text = f"{label(group, lang)}\n({fmt(group.weight)}{'%' if scheme.assessors else '分'})"
    standard = ind.standard or ind.rule.describe()
    if isinstance(ind.rule, Rubric) and not scheme.assessors:
        texts = [(lv.text_hant if lang == "zh-Hant" else lv.text) for lv in ind.rule.levels]
        standard = "\n".join(f"{lv.points_text}分: {t}" for lv, t in zip(ind.rule.levels, texts))
    if ind.note:
        standard += f"\n注: {ind.note}"
    if scheme.assessors:
        return [group_text, f"{label(ind, lang)}\n{fmt(ind.weight)}%"]
    if scheme.id.startswith("advisor"):
        return [group_text, label(ind, lang), fmt(ind.weight), standard, ind.period, ind.data_source]
    return [group_text, label(ind, lang), ind.definition, ind.formula, standard, fmt(ind.weight)]


UNIT_HINTS = {
    "percent": "(填百分比, 如 0.3%)",
    "ratio": "(实际/目标, 如 85%)",
    "score": "(0~100 分)",
    "minutes": "(分钟)",
    "days": "(天)",
    "count": "(次数)",
    "amount": "(元)",
    "points": "(得分)",
}


def what_text(spec, ind: Indicator, lang: str) -> str:
    name = spec.name_hant if lang == "zh-Hant" else spec.name
    if spec.unit == "points" and isinstance(ind.rule, Rubric):
        return f"{name}\n(选择: {ind.rule.allowed_text()})"
    if spec.unit == "points":
        return f"{name}\n(0~{fmt(ind.rule.max_points)} 分)"
    if spec.unit == "score" and spec.maximum is not None:
        return f"{name}\n(0~{fmt(spec.maximum)} 分)"
    return f"{name}\n{UNIT_HINTS[spec.unit]}"


# The generation of the formulas written into sheets: raised whenever they change (2: score cells read a typed
# percentage as the engine does).  A returned sheet of an earlier generation is not blamed for formulas that
# differ from today's as long as what they show agrees with the engine (consolidate._check_formulas).
SHEET_VERSION = "2"


def input_key(ind_id: str, input_id: str, assessor: str = "") -> str:
    return f"input|{ind_id}|{input_id}|{assessor}"


def row_key(ind_id: str, index: int) -> str:
    """Key of an indicator's row: index 0 holds the score (and the first input)."""
    return f"ind|{ind_id}|{index}"


@dataclass
class PersonCells:
    """Where one person's values ended up (filled in by the writer)."""

    inputs: dict[str, str] = field(default_factory=dict)  # input key -> cell (e.g. "H6")
    scores: dict[str, str] = field(default_factory=dict)  # indicator id -> cell
    total: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # grade, post_wage, pay|... -> cell


def finish_meta(book: Any, meta: Any, rows: list[tuple[str, Any]]) -> None:
    """Fill the very hidden, protected _xlkpi sheet (keys and text values) and keep _lists last."""
    for r, (k, v) in enumerate(rows, start=1):
        meta.cell(row=r, column=1, value=k)
        meta.cell(row=r, column=2, value=v).data_type = "s"
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    if LISTS_SHEET in book.sheetnames:
        book.move_sheet(LISTS_SHEET, offset=len(book.sheetnames))
