"""`xl-kpi score`: score every row of a table with a scheme.

Column convention
-----------------
工号 (required), 姓名, 部门, then one column per input, headed by the
indicator's id or its name as the document writes it (简体 or 繁體).  Rubric
items take the points chosen.  Indicators with two inputs (安全生产) take one
column per input (安全规范不达标次数, 安全事故次数).  For schemes with several
assessors (cs-table: 自评 40% + 部门主管 60%) every indicator has one column per
assessor: ``纪律性(自评)`` and ``纪律性(部门主管)`` (also ``纪律性(主管)``,
``discipline.self``, ``discipline.supervisor``).

Optional pay columns: 绩效奖金基数 (cs-quant: 绩效奖金 = 基数 × 总分%),
计划销售额 / 实际销售额 / 其他 (cs-table: 提成 and 当月工资).

The header may stand below a title.  An .xlsx is read from every sheet whose header holds 工号 and columns
of the scheme (one sheet per department), in sheet order, as generate reads a roster (score_file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from xl_kpi.base.errors import InputFileError, InputValueError
from xl_kpi.base.findings import NOTICE, PROBLEM, Finding
from xl_kpi.base.numbers import Typed, fmt, plain, to_decimal
from xl_kpi.engine.payroll import PayInputs, has_post_wages, month_pay
from xl_kpi.engine.score import PersonScore, Problem, score_person
from xl_kpi.excel.columns import ID_COLUMN, IDENTITY, IDENTITY_ALIASES, ColumnMap, map_columns
from xl_kpi.excel.tables import Table, cell_text, id_key, read_table, read_tables, sheets_notice
from xl_kpi.schemes.inputs import InputSpec
from xl_kpi.schemes.scheme import Assessor, Indicator, Scheme


@dataclass
class RowResult:
    index: int
    identity: dict[str, Any]
    score: PersonScore | None
    pay: dict[str, Any]
    problems: list[Finding]  # at the row, and the cell when one is meant; with the row's 工号
    notices: list[Finding] = field(default_factory=list)  # located like problems: values scored as typed, to check


@dataclass
class ScoreReport:
    scheme: Scheme
    table: Table  # the first table scored
    columns: ColumnMap  # with several tables: the columns of them all, each not on every sheet named with its sheets
    rows: list[RowResult]
    tables: list[Table] = field(default_factory=list)  # every table scored, in order (the sheets of an .xlsx)
    notices: list[Finding] = field(default_factory=list)  # which sheets were read and which passed over; rows' notices

    @property
    def problem_rows(self) -> int:
        return sum(1 for r in self.rows if r.problems)

    def headers(self) -> list[str]:
        heads = [h for h in IDENTITY if h in self.columns.identity or h == ID_COLUMN]
        heads += [ind.name for ind in self.scheme.indicators]
        heads += [f"{a.name}合计" for a in self.scheme.assessors]
        heads.append("总分")
        if self.scheme.grades:
            heads.append("等级")
        heads += list(self._pay_headers())
        heads.append("问题")
        return heads

    def _pay_headers(self) -> list[str]:
        out = []
        if self.scheme.bonus and "bonus_base" in self.columns.pay:
            out.append("绩效奖金")
        if has_post_wages(self.scheme):
            out.append("岗位工资")
        if self.scheme.commission and {"plan", "actual"} <= set(self.columns.pay):
            out += ["提成", "当月工资"]
        if self.scheme.pay_threshold is not None or self.scheme.pay_item_threshold is not None:
            out += ["绩效资格", "绩效资格原因"]
        return out

    def output_rows(self) -> list[list[Any]]:
        out = []
        for r in self.rows:
            s = r.score
            row: list[Any] = [r.identity.get(h) for h in IDENTITY if h in self.columns.identity or h == ID_COLUMN]
            row += [_cell(item.points) for item in s.items] if s else [None] * len(self.scheme.indicators)
            row += [_cell(s.assessor_totals.get(a.id)) if s else None for a in self.scheme.assessors]
            row.append(_cell(s.total) if s else None)
            if self.scheme.grades:
                row.append(s.grade.grade if s and s.grade else None)
            row += [r.pay.get(h) for h in self._pay_headers()]
            row.append(problem_text(r))
            out.append(row)
        return out


def problem_text(row: RowResult) -> str:
    """A row's 问题 cell: each finding with its place in the file (the sheet, row and cell; the file is the one
    scored), a notice after 「提示:」: 「第3行 C列: 客户满意度 应填…; 提示: 第4行 D列: 客户投诉率 30% …」."""
    return "; ".join([*(_in_file(f) for f in row.problems), *(f"提示: {_in_file(f)}" for f in row.notices)])


def _in_file(finding: Finding) -> str:
    where = finding.in_sheet()
    return f"{where}: {finding.message}" if where else finding.message


def _cell(value: Decimal | None) -> Any:
    return None if value is None else plain(value)


def score_file(scheme: Scheme, path: str | Path, sheet: str | None = None) -> ScoreReport:
    """Score every row of a .csv, or of an .xlsx: ``sheet`` only, else every sheet whose header holds 工号 and
    columns of the scheme, in sheet order (each may have its own title rows and column order).

    Sheets passed over (「说明」, with no 工号 in its first rows; a 「名单」 with none of the scheme's columns)
    are named in a notice that also says which sheets were read, when the workbook has more than one.  A 工号
    already read, on this sheet or an earlier one, is a duplicate naming both places.  When no sheet has a
    工号 header, the first sheet (or ``sheet``) is read as before, its first row the header: every row then
    says that the 工号 column is missing."""
    skipped: list[str] = []
    try:
        tables = read_tables(path, sheet, required={ID_COLUMN: IDENTITY_ALIASES[ID_COLUMN]}, what="数据表",
                             skipped=skipped)
    except InputFileError:
        return score_table(scheme, read_table(path, sheet))  # raises again unless no sheet has a 工号 header
    maps = [map_columns(scheme, table.headers) for table in tables]
    used = [(table, cmap) for table, cmap in zip(tables, maps) if cmap.inputs] or list(zip(tables, maps))
    seen: dict[str, tuple[Table, int, str]] = {}
    parts = [score_table(scheme, table, cmap, seen) for table, cmap in used]
    rows = [part.rows for part in parts]
    report = ScoreReport(scheme, used[0][0], _merged([cmap for _, cmap in used], [t for t, _ in used]),
                         [r for part in rows for r in part], [t for t, _ in used])
    told = [notice for part in parts for notice in part.notices]  # values to check, after which sheets were read
    if len(tables) + len(skipped) > 1:
        name = tables[0].path.name
        counts = [len(part) for part in rows]
        notice = sheets_notice(report.tables, counts, "数据").message if len(used) > 1 else \
            f"已读取工作表「{used[0][0].sheet}」({counts[0]} 人)"
        if skipped:
            notice += f"; 工作表{'、'.join(f'「{n}」' for n in skipped)}中没有含「工号」列的表头, 未读取"
        unused = [t for t in tables if all(t is not u for u, _ in used)]
        if unused:
            notice += f"; 工作表{'、'.join(f'「{t.sheet}」' for t in unused)}中没有方案 {scheme.id} 的指标列, 未读取"
        report.notices.append(Finding(name, message=notice, kind="sheets-read", severity=NOTICE))
    report.notices += told
    return report


def _merged(maps: list[ColumnMap], tables: list[Table]) -> ColumnMap:
    """One ColumnMap for the headers and notices of a report over several tables: the columns any of them has;
    a column unknown, repeated or missing on some sheets only is named with those sheets."""
    if len(maps) == 1:
        return maps[0]
    out = ColumnMap()
    for cmap in maps:
        for mine, theirs in ((out.inputs, cmap.inputs), (out.identity, cmap.identity), (out.pay, cmap.pay)):
            for key, col in theirs.items():
                mine.setdefault(key, col)
    for name in ("unknown", "duplicate", "missing"):
        where: dict[str, list[str]] = {}
        for table, cmap in zip(tables, maps):
            for head in getattr(cmap, name):
                where.setdefault(head, []).append(str(table.sheet))
        getattr(out, name).extend(
            head if len(sheets) == len(tables) else f"{head} (工作表{'、'.join(f'「{s}」' for s in sheets)})"
            for head, sheets in where.items())
    return out


def score_table(scheme: Scheme, table: Table, cmap: ColumnMap | None = None,
                seen: dict[str, tuple[Table, int, str]] | None = None) -> ScoreReport:
    """Score every row; a bad row is reported in its 问题 and never stops the others.

    ``seen`` (id_key of a 工号 -> the table and row it was first read on, and how it was written there) carries
    the 工号 of the tables scored before, for a report over several sheets: one of them again here is a
    duplicate naming that sheet.  工号 are compared by id_key: a full-width Ｋ004 is a duplicate of K004."""
    cmap = cmap or map_columns(scheme, table.headers)
    results: list[RowResult] = []
    seen_ids = {} if seen is None else seen
    percent = table.percent_cells(cmap.inputs.values())  # an .xlsx cell showing 90% holds 0.9: typed as 90%
    for index, row in enumerate(table.rows):
        if not any(v is not None and str(v).strip() for v in row):
            continue  # an empty row in the middle is not a person
        identity = {name: cell_text(row[col]) for name, col in cmap.identity.items()}
        problems: list[Finding] = []
        emp = identity.get(ID_COLUMN) or ""
        if ID_COLUMN not in cmap.identity:
            problems.append(table.finding(index, None, "缺少工号列", kind="missing-column"))
        elif not emp:
            problems.append(table.finding(index, cmap.identity[ID_COLUMN], "工号为空", kind="missing-id"))
        elif id_key(emp) in seen_ids:  # Ｋ004 typed in full width is K004: one person, not two
            first, first_row, written = seen_ids[id_key(emp)]
            place = f"第{first_row}行" if first is table else f"工作表「{first.sheet}」第{first_row}行"
            same = "" if written == emp else f" (那里写作 {written}, 全角、半角视为同一工号)"
            problems.append(table.finding(index, cmap.identity[ID_COLUMN], f"工号 {emp} 与{place}重复{same}",
                                          person=emp, kind="duplicate-id"))
        else:
            seen_ids[id_key(emp)] = (table, table.first_row + index, emp)

        def get(ind: Indicator, spec: InputSpec, assessor: Assessor | None, _row=row, _index=index) -> object:
            col = cmap.inputs.get((ind.id, spec.id, assessor.id if assessor else ""))
            if col is None:
                return None
            return Typed(_row[col], percent=True) if (_index, col) in percent else _row[col]

        score = score_person(scheme, get)
        problems += [_locate(table, cmap, index, p, emp) for p in score.problems]
        pay, pay_problems = _pay(scheme, cmap, table, index, row, score, emp)
        problems += pay_problems
        results.append(RowResult(index, identity, score, pay, problems,
                                 [_locate(table, cmap, index, n, emp, NOTICE) for n in score.notices]))
    report = ScoreReport(scheme, table, cmap, results, [table])
    report.notices += [n for r in results for n in r.notices]
    return report


def _locate(table: Table, cmap: ColumnMap, index: int, problem: Problem, emp: str, severity: str = PROBLEM) -> Finding:
    """The engine's problem (or notice) of a row as a finding at its cell: the indicator's input column, or the
    row with 「(缺少该列)」 when the table has no such column."""
    col = None
    if problem.indicator is not None and problem.spec is not None:
        key = (problem.indicator.id, problem.spec.id, problem.assessor.id if problem.assessor else "")
        col = cmap.inputs.get(key)
    missing = "(缺少该列)" if col is None and problem.indicator is not None else ""

    def found(message: str) -> Finding:
        return table.finding(index, col, message, person=emp, subject=missing, severity=severity,
                             kind="missing-column" if missing else "bad-value" if severity == PROBLEM else "unusual-value")

    if problem.indicator is None:
        return found(problem.message)
    who = f"({problem.assessor.name})" if problem.assessor else ""
    name = problem.indicator.name
    message = problem.message
    if message.startswith(name + ": "):
        message = message[len(name) + 2 :]
    elif message.startswith(name):
        message = message[len(name) :]
    return found(f"{name}{who} {message}".replace("  ", " "))


def _pay(scheme: Scheme, cmap: ColumnMap, table: Table, index: int, row: list[Any], score: PersonScore,
         emp: str) -> tuple[dict[str, Any], list[Finding]]:
    problems: list[Finding] = []

    def problem(col: int | None, message: str) -> None:
        problems.append(table.finding(index, col, message, person=emp, kind="bad-pay"))

    def amount(key: str, name: str, default: Decimal | None = None) -> Decimal | None:
        col = cmap.pay.get(key)
        raw = None if col is None else row[col]
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return default
        try:
            value = to_decimal(raw, what=name)
        except InputValueError as exc:
            problem(col, str(exc))
            return None
        if value < 0:
            problem(col, f"{name}不能为负数, 收到 {fmt(value)}")
            return None
        return value

    base = plan = actual = None
    other: Decimal | None = Decimal(0)
    if scheme.bonus and "bonus_base" in cmap.pay:
        base = amount("bonus_base", "绩效奖金基数")
        if base is None and not problems:
            problem(cmap.pay["bonus_base"], "绩效奖金基数为空")
    if scheme.commission and {"plan", "actual"} <= set(cmap.pay):
        plan, actual = amount("plan", "计划销售额"), amount("actual", "实际销售额")
        other = amount("other", "其他", Decimal(0))
        if plan is None and actual is None and not problems:
            problem(None, "缺少计划销售额或实际销售额, 无法计算提成")
    points = {item.indicator.id: item.points for item in score.items}
    figures = month_pay(scheme, score.total, score.grade, PayInputs(base, plan, actual, other), points).figures()
    out = {k: v if isinstance(v, str) else plain(v) for k, v in figures.items()}
    return out, problems
