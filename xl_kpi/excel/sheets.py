"""Writing one person's assessment sheet with openpyxl.

Input cells are unlocked and validated; everything else is locked under sheet
protection.  Scores, total, grade and pay are live formulas (native Excel
formulas by default, =KPI_* with ``mode="udf"``).  Text from the roster is
always written as text.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from xl_kpi.base.hant import HANT, sheet_in_lang
from xl_kpi.base.numbers import fmt
from xl_kpi.excel import formulas as fx
from xl_kpi.excel.layout import (
    FIRST_ROW,
    HEADER_ROW,
    IDENTITY_CELLS,
    KEY_COLUMN,
    LISTS_SHEET,
    Layout,
    PersonCells,
    info_values,
    input_key,
    row_key,
    what_text,
)
from xl_kpi.excel.sheet_style import column_points, print_a4_landscape, text_width
from xl_kpi.schemes.describe import written_hant
from xl_kpi.schemes.inputs import InputSpec
from xl_kpi.schemes.rules import Rubric
from xl_kpi.schemes.scheme import Indicator, Scheme

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LABEL = Alignment(horizontal="right", vertical="center")  # 姓名： next to its value, even in a wide column
INPUT_FILL = PatternFill("solid", fgColor="FFF9DB")
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
SCORE_FILL = PatternFill("solid", fgColor="E2EFDA")
UNLOCKED = Protection(locked=False)
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)

INLINE_LIST_LIMIT = 255  # Excel refuses inline validation lists longer than this
PERCENT_FORMAT = "0.0##%"  # 0.3% shows as 0.3%, 0.15% as 0.15% (0.0% showed it as 0.2%), 98.5% as 98.5%


class ValidationBook:
    """Shares DataValidation objects per sheet and long lists through a hidden sheet."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.lists: dict[tuple, str] = {}

    def list_ref(self, values: list[str]) -> str:
        key = tuple(values)
        if key not in self.lists:
            if LISTS_SHEET in self.workbook.sheetnames:
                ws = self.workbook[LISTS_SHEET]
            else:
                ws = self.workbook.create_sheet(LISTS_SHEET)
                ws.sheet_state = "hidden"
            col = len(self.lists) + 1
            for row, value in enumerate(values, start=1):
                ws.cell(row=row, column=col, value=float(value) if "." in value else int(value))
            letter = get_column_letter(col)
            self.lists[key] = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(values)}"
        return self.lists[key]


class SheetValidations:
    def __init__(self, ws: Worksheet, book: ValidationBook) -> None:
        self.ws = ws
        self.book = book
        self.by_rule: dict[tuple, DataValidation] = {}

    def add(self, cell: str, spec: InputSpec, ind: Indicator | None) -> None:
        key, make = self._rule(spec, ind)
        dv = self.by_rule.get(key)
        if dv is None:
            dv = make()
            dv.showErrorMessage = True
            dv.showInputMessage = True
            dv.allow_blank = True
            dv.errorTitle = "输入有误"
            self.ws.add_data_validation(dv)
            self.by_rule[key] = dv
        dv.add(cell)

    def _rule(self, spec: InputSpec, ind: Indicator | None):
        if ind is not None and isinstance(ind.rule, Rubric) and ind.rule.whole_points:
            allowed = allowed_points(ind.rule)
            inline = '"' + ",".join(allowed) + '"'

            def make_list() -> DataValidation:
                # a long list lives on the hidden _lists sheet; Excel writes a list's source without "="
                formula = inline if len(inline) <= INLINE_LIST_LIMIT else self.book.list_ref(allowed)
                return DataValidation(type="list", formula1=formula, error=capped(f"请从下拉列表中选择: {ind.rule.allowed_text()}"),
                                      prompt=capped(f"可选分值: {ind.rule.allowed_text()}"))

            return ("list", tuple(allowed)), make_list
        kind = "whole" if spec.whole else "decimal"
        low = spec.minimum if spec.minimum is not None else Decimal(-10**9)
        prompt = input_prompt(spec)
        if spec.maximum is None:
            key = (kind, low, prompt)

            def make_min() -> DataValidation:
                return DataValidation(type=kind, operator="greaterThanOrEqual", formula1=fmt(low),
                                      error=capped(fx.range_text(spec)), prompt=capped(prompt))

            return key, make_min
        key = (kind, low, spec.maximum, prompt)

        def make_range() -> DataValidation:
            return DataValidation(type=kind, operator="between", formula1=fmt(low), formula2=fmt(spec.maximum),
                                  error=capped(fx.range_text(spec)), prompt=capped(prompt))

        return key, make_range


PROMPT_LIMIT = 255  # Excel refuses a longer input message or error text (and drops the whole validation)


def capped(text: str, limit: int = PROMPT_LIMIT) -> str:
    """A validation's message within Excel's limit, in UTF-16 units as Excel counts (an ellipsis where cut)."""
    if len(text.encode("utf-16-le")) // 2 <= limit:
        return text
    out = ""
    for ch in text:
        if (len((out + ch).encode("utf-16-le")) // 2) > limit - 1:
            break
        out += ch
    return out + "…"


def input_prompt(spec: InputSpec) -> str:
    """The input message shown on an input cell: how to type its value, so that it means what the person means
    (a rate with its % sign: 0.3 typed into a cell formatted as a percentage is 30%; a score as a number)."""
    if spec.unit == "percent":
        text = f"请输入百分比, 带 % 号, 如 {spec.example()}; {fx.range_text(spec)}"
        if spec.plausible is not None:
            example = spec.example()
            text += f" (只输入 {example[:-1]} 即 {fmt(Decimal(example[:-1]) * 100)}%)"
    elif spec.unit == "ratio":
        text = f"请输入完成比例 (实际/目标), 带 % 号, 如 {spec.example()}; {fx.range_text(spec)}"
    elif spec.unit == "score":
        text = f"请输入 {spec.score_span()} 的分数, 如 {spec.example()}"
        if not spec.out_of_100:
            text += " (不要填百分比)"
    else:
        text = fx.range_text(spec)
    assert len(text) <= PROMPT_LIMIT, text
    return text


def merge(ws: Worksheet, coord: str) -> None:
    """Merge a range whose cells are already boxed.

    openpyxl's merge_cells redraws the borders of every merged range through its
    style tables, which is most of the time of a cs-table sheet.  The cells here
    already carry their borders, and styled blank cells inside a merged range are
    what Excel itself writes, so the range is only recorded.
    """
    ws.merged_cells.add(MergedCellRange(ws, coord))


def allowed_points(rule: Rubric) -> list[str]:
    """Every whole number of points some level allows, highest first."""
    points: set[int] = set()
    for level in rule.levels:
        points.update(range(int(level.low), int(level.high) + 1))
    return [str(p) for p in sorted(points, reverse=True)]


def _set_text(ws: Worksheet, ref: str, value: Any) -> None:
    """Write a value that must never become a formula (names, departments from the roster)."""
    cell = ws[ref]
    cell.value = value
    if cell.data_type in ("f", "e"):
        cell.data_type = "s"


def write_person_sheet(
    ws: Worksheet,
    scheme: Scheme,
    layout: Layout,
    person: dict[str, Any],
    *,
    period: str,
    lang: str,
    mode: str,
    rules: str,
    prefill: dict[str, Any],
    validations: ValidationBook,
    password: str | None,
    title: str,
) -> PersonCells:
    """One person's sheet; ``rules``: the scheme's YAML text, which the workbook's 规则 sheet holds
    (with ``mode="udf"`` the KPI_* formulas name the scheme by it: ``formulas.scheme_argument``)."""
    cells = PersonCells()
    udf = fx.scheme_argument(scheme, rules) if mode == "udf" else None
    dv = SheetValidations(ws, validations)
    last = layout.last_col
    last_letter = get_column_letter(last)

    # title and identity
    merge(ws, f"A1:{last_letter}1")
    ws["A1"] = title
    ws["A1"].font = TITLE
    ws["A1"].alignment = CENTER
    ws.row_dimensions[1].height = 28
    for label_ref, value_ref, name in IDENTITY_CELLS:
        ws[label_ref] = name + "："  # 繁體 at the end (sheet_in_lang)
        ws[label_ref].font, ws[label_ref].alignment = BOLD, LABEL
        _set_text(ws, value_ref, period if name == "考核期间" else person.get(name, ""))

    # header
    for col, head in enumerate(layout.headers(lang), start=1):
        c = ws.cell(row=HEADER_ROW, column=col, value=head)
        c.font, c.fill, c.alignment, c.border = BOLD, HEAD_FILL, CENTER, BOX
    for col, width in enumerate(layout.widths(), start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.column_dimensions[get_column_letter(KEY_COLUMN)].hidden = True
    for col in layout.helper_cols:
        ws.column_dimensions[get_column_letter(col)].hidden = True

    row = FIRST_ROW
    starts: list[int] = []  # where each indicator begins: where a page may break
    groups: set[int] = set()
    for group in scheme.groups:
        top = row
        groups.add(top)
        for ind in group.indicators:
            starts.append(row)
            row = _indicator_block(ws, scheme, layout, ind, row, lang, udf, prefill, dv, cells)
        _merge(ws, top, row - 1, 1)  # the group's name spans its indicators
    fit_row_heights(ws, layout.widths(), FIRST_ROW, row - 1)

    row = _totals(ws, scheme, layout, row, udf, prefill, dv, cells)
    _signatures(ws, scheme, layout, row + 1)

    # protection and printing
    ws.protection.sheet = True
    if password:
        ws.protection.password = password
    print_a4_landscape(ws, f"{HEADER_ROW}:{HEADER_ROW}")
    ws.print_area = f"A1:{last_letter}{ws.max_row}"
    plan_pages(ws, last, starts, groups)
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=1)
    if lang == HANT:
        sheet_in_lang(ws, lang, keep=[value_ref for _, value_ref, _ in IDENTITY_CELLS], keep_columns=[KEY_COLUMN],
                      written=written_hant(scheme))
    return cells


def _box(ws: Worksheet, row: int, col: int, value: Any = None, *, align=WRAP) -> Any:
    c = ws.cell(row=row, column=col)
    if value is not None:
        c.value = value
    c.border, c.alignment = BOX, align
    return c


def _input_cell(ws, ref: str, spec: InputSpec, ind: Indicator | None, value: Any, dv: SheetValidations) -> None:
    c = ws[ref]
    c.protection, c.fill, c.border, c.alignment = UNLOCKED, INPUT_FILL, BOX, CENTER
    if spec.unit in ("percent", "ratio"):
        c.number_format = PERCENT_FORMAT
    if value is not None:
        c.value = value
        if c.data_type in ("f", "e"):
            c.data_type = "s"
    dv.add(ref, spec, ind)


def _merge(ws, top: int, bottom: int, col: int) -> None:
    if bottom > top:
        merge(ws, f"{get_column_letter(col)}{top}:{get_column_letter(col)}{bottom}")


def _indicator_block(ws, scheme: Scheme, layout: Layout, ind: Indicator, top: int, lang, udf: str | None, prefill, dv,
                     cells) -> int:
    """``udf``: the KPI_* formulas' scheme argument (None: plain formulas)."""
    if layout.per_level_rows and isinstance(ind.rule, Rubric):
        rows = len(ind.rule.levels)
    else:
        rows = len(ind.inputs)
    bottom = top + rows - 1
    info = info_values(scheme, ind, lang)
    group_first = ind is next(g for g in scheme.groups if g.id == ind.group).indicators[0]
    for col, value in enumerate(info, start=1):
        if col == 1 and not group_first:
            value = None  # merged into the group's first cell
        _box(ws, top, col, value, align=CENTER if col in (1, 2) else WRAP)
        for r in range(top + 1, bottom + 1):
            _box(ws, r, col)
        if col > 1:
            _merge(ws, top, bottom, col)
    score_letter = get_column_letter(layout.score_col)
    score_ref = f"{score_letter}{top}"

    if scheme.assessors:
        # cs-table: the level texts and points, then one merged input per assessor
        assert isinstance(ind.rule, Rubric)
        for i, level in enumerate(ind.rule.levels):
            _box(ws, top + i, 3, level.text_hant if lang == "zh-Hant" else level.text)
            _box(ws, top + i, 4, level.points_text, align=CENTER)
        spec = ind.inputs[0]
        helper_refs = []
        for assessor, col, helper in zip(scheme.assessors, layout.input_cols, layout.helper_cols):
            ref = f"{get_column_letter(col)}{top}"
            key = input_key(ind.id, spec.id, assessor.id)
            for r in range(top, bottom + 1):
                _box(ws, r, col)
            _merge(ws, top, bottom, col)
            _input_cell(ws, ref, spec, ind, prefill.get(key), dv)
            cells.inputs[key] = ref
            helper_ref = f"{get_column_letter(helper)}{top}"
            ws[helper_ref] = (
                fx.udf_indicator_formula(scheme, ind, [ref], udf) if udf else fx.indicator_formula(ind, [ref], scheme.decimals)
            )
            helper_refs.append(helper_ref)
        weights = [a.weight for a in scheme.assessors]
        if udf:
            formula = f'=IF(COUNT({",".join(helper_refs)})={len(helper_refs)},KPI_BLEND({",".join(helper_refs)},{fx.num(weights[0])}),"")'
        else:
            formula = fx.blend_formula(helper_refs, weights, scheme.decimals)
        # where a helper shows a message (not a number), show that message in the score cell
        messages = "".join(f'IF(ISTEXT({h}),IF({h}="","",{h}&"; "),"")&' for h in helper_refs)[:-1]
        formula = f'=IF(COUNT({",".join(helper_refs)})={len(helper_refs)},{formula[1:]},{messages})'
    else:
        what_col = len(layout.info) + 1
        in_col = layout.input_cols[0]
        refs = []
        for i, spec in enumerate(ind.inputs):
            r = top + i
            _box(ws, r, what_col, what_text(spec, ind, lang))
            ref = f"{get_column_letter(in_col)}{r}"
            key = input_key(ind.id, spec.id)
            _input_cell(ws, ref, spec, ind, prefill.get(key), dv)
            cells.inputs[key] = ref
            refs.append(ref)
            ws.cell(row=r, column=KEY_COLUMN, value=row_key(ind.id, i))
        formula = (
            fx.udf_indicator_formula(scheme, ind, refs, udf) if udf else fx.indicator_formula(ind, refs, scheme.decimals)
        )
    for r in range(top, bottom + 1):
        _box(ws, r, layout.score_col)
    _merge(ws, top, bottom, layout.score_col)
    ws[score_ref] = formula
    ws[score_ref].fill, ws[score_ref].alignment = SCORE_FILL, CENTER
    cells.scores[ind.id] = score_ref
    if scheme.assessors:
        ws.cell(row=top, column=KEY_COLUMN, value=row_key(ind.id, 0))
    return bottom + 1


PAY_LABELS = {
    "bonus_base": ("绩效奖金基数", "績效獎金基數"),
    "plan": ("计划销售额 X", "計劃銷售額 X"),
    "actual": ("实际销售额 Y", "實際銷售額 Y"),
    "other": ("其他", "其他"),
}


def _label_row(ws, layout: Layout, row: int, text: str) -> None:
    end = layout.input_cols[0] - 1
    for col in range(1, end + 1):
        _box(ws, row, col)
    merge(ws, f"A{row}:{get_column_letter(end)}{row}")
    c = ws.cell(row=row, column=1, value=text)
    c.font, c.alignment = BOLD, Alignment(horizontal="right", vertical="center")


def _totals(ws, scheme: Scheme, layout: Layout, row: int, udf: str | None, prefill, dv, cells: PersonCells) -> int:
    score_letter = get_column_letter(layout.score_col)
    in_letter = get_column_letter(layout.input_cols[0])

    def result_row(key: str, text: str, formula: str, number_format: str | None = None) -> str:
        nonlocal row
        _label_row(ws, layout, row, text)
        for col in layout.input_cols:
            _box(ws, row, col)
        ref = f"{score_letter}{row}"
        c = _box(ws, row, layout.score_col, formula, align=CENTER)
        c.font, c.fill = BOLD, SCORE_FILL
        if number_format:
            c.number_format = number_format
        ws.cell(row=row, column=KEY_COLUMN, value=key)
        cells.extra[key] = ref
        row += 1
        return ref

    def input_row(key: str) -> str:
        nonlocal row
        names = PAY_LABELS[key]
        _label_row(ws, layout, row, names[0])
        for col in [*layout.input_cols[1:], layout.score_col]:
            _box(ws, row, col)
        ref = f"{in_letter}{row}"
        spec = InputSpec(key, names[0], names[1], "amount", Decimal(0), None)
        _input_cell(ws, ref, spec, None, prefill.get(f"pay|{key}"), dv)
        ws[ref].number_format = "#,##0.00"
        ws.cell(row=row, column=KEY_COLUMN, value=f"pay|{key}")
        cells.inputs[f"pay|{key}"] = ref
        row += 1
        return ref

    score_refs = list(cells.scores.values())
    total = result_row("total", "合计 (总分)", fx.total_formula(score_refs, scheme.decimals))
    cells.total = total
    if scheme.grades:
        grade = f"=IF(ISNUMBER({total}),KPI_GRADE({total},{udf}),\"\")" if udf else fx.grade_formula(scheme, total)
        result_row("grade", "等级", grade)
        if any(g.post_wage is not None for g in scheme.grades.rows):
            wage = f"=IF(ISNUMBER({total}),KPI_POST_WAGE({total},{udf}),\"\")" if udf else fx.grade_formula(scheme, total, "post_wage")
            result_row("post_wage", "岗位工资", wage, "#,##0")
    if scheme.bonus:
        base = input_row("bonus_base")
        bonus = fx.bonus_formula(base, total, f"KPI_BONUS({base},{total})" if udf else None)
        result_row("pay|bonus", "绩效奖金", bonus, "#,##0.00")
    if scheme.commission:
        plan, actual, other = input_row("plan"), input_row("actual"), input_row("other")
        commission = fx.commission_formula(scheme, actual, plan, f"KPI_COMMISSION({actual},{plan},{udf})" if udf else None)
        c_ref = result_row("pay|commission", "个人绩效提成", commission, "#,##0.00")
        wage_ref = cells.extra.get("post_wage")
        if wage_ref:
            result_row("pay|wage", "当月工资 = 岗位工资 + 提成 + 其他",
                       fx.wage_formula(wage_ref, c_ref, other), "#,##0.00")
    if scheme.pay_threshold is not None or scheme.pay_item_threshold is not None:
        ref = result_row("pay|threshold", threshold_label(scheme), fx.threshold_formula(scheme, total, cells.scores))
        # 不参与绩效考核 is wider than the score column: shrunk to fit its one line, never wrapped over the total above
        ws[ref].alignment = Alignment(horizontal="center", vertical="center", shrink_to_fit=True, wrap_text=False)
    return row


def threshold_label(scheme: Scheme) -> str:
    """The 绩效资格 row's label: the rule in the document's words."""
    parts = []
    if scheme.pay_item_threshold is not None:
        parts.append(f"任一项得分低于其权重的{fmt(scheme.pay_item_threshold * 100)}%")
    if scheme.pay_threshold is not None:
        parts.append(f"综合考核低于{fmt(scheme.pay_threshold * 100)}%")
    return f"绩效资格 ({'或'.join(parts)}不参与)"


def _signatures(ws, scheme: Scheme, layout: Layout, row: int) -> None:
    last = get_column_letter(layout.last_col)
    if scheme.assessors:
        lines = ["考核人签名：______________    考核日期：__________    总评：______________",
                 "总经理确认：______________",
                 "注：考评结果个人占 " + "，".join(
                     f"{a.name} {fmt(a.weight * 100)}%" for a in scheme.assessors) + "！"]
    else:
        lines = ["被考核人签名：______________    考核人签名：______________    考核日期：__________"]
    for i, text in enumerate(lines):
        merge(ws, f"A{row + i}:{last}{row + i}")
        ws[f"A{row + i}"] = text
        ws.row_dimensions[row + i].height = 24


def fit_row_heights(ws: Worksheet, widths: list[float], first: int, last: int, line: float = 15.0) -> None:
    """Set row heights so wrapped text shows in full (openpyxl does not measure text).

    Text in a cell merged over several rows is spread over those rows.
    """
    spans: dict[tuple[int, int], int] = {}
    for rng in ws.merged_cells.ranges:
        spans[(rng.min_row, rng.min_col)] = rng.max_row - rng.min_row + 1
    need: dict[int, float] = {}
    for r in range(first, last + 1):
        for col, width in enumerate(widths, start=1):
            value = ws.cell(row=r, column=col).value
            if not isinstance(value, str) or value.startswith("="):
                continue
            lines = sum(max(1, -(-int(text_width(part, latin=1.1)) // max(1, int(width - 1)))) for part in value.split("\n"))
            rows = spans.get((r, col), 1)
            per_row = lines * line / rows
            need[r] = max(need.get(r, line), per_row)
            for extra in range(1, rows):
                need[r + extra] = max(need.get(r + extra, line), per_row)
    for r, height in need.items():
        ws.row_dimensions[r].height = round(height + 3, 1)


# --------------------------------------------------------------------------- pages

A4_LANDSCAPE = (842.0, 595.0)  # points
MARGINS = (0.4, 0.5, 0.25)  # inches: left/right, top/bottom, header/footer
ONE_PAGE = 0.62  # the smallest scale at which a whole sheet on one page still reads (about 7 pt text)


def plan_pages(ws: Worksheet, last_col: int, starts: list[int], groups: set[int]) -> tuple[int, int | None]:
    """Print the sheet on one A4 page when it reads at that scale, else on two, broken before the indicator
    (a group's first preferred) that leaves the two pages most even, so that the total, grade, pay and
    signatures end the second page with the last scores, never alone.  Returns (scale in %, break row)."""
    from openpyxl.worksheet.pagebreak import Break

    ws.page_margins.left = ws.page_margins.right = MARGINS[0]
    ws.page_margins.top = ws.page_margins.bottom = MARGINS[1]
    ws.page_margins.header = ws.page_margins.footer = MARGINS[2]
    page_w = A4_LANDSCAPE[0] - 2 * 72 * MARGINS[0]
    page_h = A4_LANDSCAPE[1] - 2 * 72 * MARGINS[1]
    width = sum(column_points(ws.column_dimensions[get_column_letter(c)].width) for c in range(1, last_col + 1)
                if not ws.column_dimensions[get_column_letter(c)].hidden)
    last = ws.max_row
    heights = {r: float(ws.row_dimensions[r].height or 15) for r in range(1, last + 1)}
    whole = sum(heights.values())
    one = min(1.0, page_w / width, page_h / whole)
    if one >= ONE_PAGE or not starts[1:]:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1
        return int(one * 100), None
    title = heights[HEADER_ROW]  # repeated at the top of the second page
    best: tuple[float, int] | None = None
    for b in starts[1:]:
        first = sum(heights[r] for r in range(1, b))
        second = title + sum(heights[r] for r in range(b, last + 1))
        scale = min(1.0, page_w / width, page_h / max(first, second))
        rank = scale - (0.0 if b in groups else 0.03)
        if best is None or rank > best[0]:
            best = (rank, b)
    assert best is not None
    b = best[1]
    first = sum(heights[r] for r in range(1, b))
    second = title + sum(heights[r] for r in range(b, last + 1))
    scale = min(1.0, page_w / width, page_h / max(first, second)) * 0.97  # room for the program's own metrics
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = max(10, int(scale * 100))
    ws.row_breaks.append(Break(id=b - 1))
    return ws.page_setup.scale, b
