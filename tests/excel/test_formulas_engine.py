"""An independent formula engine recalculates `--formulas udf` workbooks and agrees with our engine.

`xl-kpi generate --formulas udf` writes score cells such as
``=IF(OR(H6=""),"",KPI_COMPLAINT(H6))``; totals, the joined messages of cs-table
and the 绩效资格 / 当月工资 rows stay native formulas.  Here the `formulas`
package (a Python Excel calculator, unrelated to xl_kpi.excel.formulas) opens such a
workbook after it was filled, computes every cell and calls our real KPI_*
functions where Excel would call the xlwings add-in.  Every formula cell of
every person's sheet (scores, hidden per-assessor scores, total, grade, pay)
must equal what the engine says through consolidation (`evaluate_person`), and
an invalid input must show the engine's own message.

The KPI_* functions get their arguments the way xlwings hands them over with
``ndim=2``: every argument a list of rows, numbers as floats, empty cells, ""
and error values as None (xlwings' defaults), omitted optional arguments as
None.  `formulas` evaluates both branches of IF, so the functions are also
called with the empty cells and pending totals that the ``IF(…="","",…)``
guards keep from them in Excel; they answer those with a message and never
raise (a raise would drop the cell from the solution: `compute` fails on it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import cycle, islice
from pathlib import Path
from typing import Any

import formulas
import numpy as np
import openpyxl
import pytest
import schedula as sh
from formulas.excel import BOOK
from formulas.ranges import Ranges
from formulas.tokens.operand import XlError
from openpyxl.utils.cell import coordinate_from_string
from strategies import CS_QUANT_DOCUMENT_EXAMPLE, edges, typed

from xl_kpi import udfs
from xl_kpi.engine.score import score_person
from xl_kpi.excel.fill import fill_workbook
from xl_kpi.excel.layout import layout_for
from xl_kpi.excel.reader import FilledWorkbook, PersonSheet, cell_ref, read_filled_workbook
from xl_kpi.schemes.scheme import Scheme, get_scheme_with_text
from xl_kpi.workflow.consolidate import evaluate_person
from xl_kpi.workflow.generate import generate
from xl_kpi.workflow.results import PersonResult

SCHEMES = ["cs-quant", "cs-table", "advisor-4s", "cs-smart"]
PENDING = "未填完"  # the total while an item has no number (xl_kpi.excel.formulas.total_formula)
MISTAKES = ["abc", "很好", -1, 9.5, 101, "#N/A", "0.3%"]  # text, out of range, not whole, an error's text


# --------------------------------------------------------------------------- KPI_* as xlwings calls them


def _xlwings_value(value: Any) -> Any:
    """One cell as xlwings passes it to a UDF: empty, "" and errors -> None, numbers -> float."""
    if value is sh.EMPTY or value is None or isinstance(value, XlError):  # XlError is a str: test it first
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, str):
        return None if value == "" else value
    raise TypeError(f"unexpected argument from formulas: {value!r} ({type(value).__name__})")


def _xlwings_arg(arg: Any) -> list[list[Any]]:
    """A UDF argument declared ndim=2: a range (formulas passes a Ranges) or a literal, as a list of rows."""
    if isinstance(arg, Ranges):
        arg = arg.value
    if isinstance(arg, np.ndarray):
        grid = np.asarray(arg, dtype=object)
        grid = grid.reshape(1, 1) if grid.ndim == 0 else grid.reshape(1, -1) if grid.ndim == 1 else grid
        return [[_xlwings_value(v) for v in row] for row in grid]
    return [[_xlwings_value(arg)]]


def _excel_result(result: Any) -> Any:
    """What a UDF's return value becomes in its one cell: [[x]] is x."""
    if isinstance(result, list):
        assert len(result) == 1 and len(result[0]) == 1, f"one cell got an array {result!r}"
        result = result[0][0]
    assert isinstance(result, (int, float, str)) and not isinstance(result, bool), f"UDF returned {result!r}"
    return result


RAISED: list[str] = []  # KPI_* calls that raised: Excel would show #VALUE!, `formulas` drops the cell


def _as_xlwings_udf(fn):
    def call(*args):
        values = [_xlwings_arg(a) for a in args]
        try:
            return _excel_result(fn(*values))
        except Exception as exc:
            RAISED.append(f"{fn.__name__}{tuple(values)}: {type(exc).__name__}: {exc}")
            raise

    call.__name__ = fn.__name__
    return call


@pytest.fixture(scope="module")
def kpi_functions():
    """Every KPI_* function (udfs.CATALOG) registered with `formulas` (before any workbook is parsed:
    an unknown name would be parsed as a defined name), and taken away afterwards."""
    table = formulas.get_functions()
    saved = {name: table[name] for name in udfs.CATALOG if name in table}
    for name in udfs.CATALOG:
        table[name] = _as_xlwings_udf(getattr(udfs, name))
    yield table
    for name in udfs.CATALOG:
        table.pop(name, None)
    table.update(saved)


# --------------------------------------------------------------------------- filled workbooks


def _roster(path: Path, n: int) -> Path:
    lines = ["工号,姓名,部门,岗位,直属主管"] + [f"E{i:04d},员工{i},测试部,客服专员,主管" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _valid_edges(scheme: Scheme, ind, index: int) -> list[Any]:
    """Every rule edge the strategies know for one input that the input accepts, as Excel stores it."""
    spec = ind.inputs[index]
    out = []
    for v in edges(ind, index):
        if spec.minimum is not None and v < spec.minimum or spec.maximum is not None and v > spec.maximum:
            continue
        if spec.whole and v != v.to_integral_value():
            continue
        out.append(typed(v))
    assert out, f"{scheme.id} {ind.id}: no edge values"
    return list(dict.fromkeys(out))


def _pay_inputs(scheme: Scheme) -> list[dict]:
    """Pay inputs at their edges: a zero base, plan ± 1, plan + 5W ± 1, nothing sold, no plan."""
    out: list[dict] = []
    if scheme.bonus:
        out = [{"pay|bonus_base": b} for b in (1000, 1200.5, 800, 0, 3000, None)]
    if scheme.commission:
        w5 = int(5 * scheme.commission.w)
        for i, (plan, actual) in enumerate([
            (100000, 99999), (100000, 100000), (100000, 100001), (100000, 100000 + w5 - 1),
            (100000, 100000 + w5), (100000, 100000 + w5 + 1), (123456.78, 123456.77), (123456.78, 123456.78),
            (123456.78, 173456.78), (0, 0), (0, 1), (80000, 0), (80000, 280000), (None, 100000),
        ]):
            out.append({"pay|plan": plan, "pay|actual": actual, "pay|other": (0, 350.5, 200)[i % 3]})
    return out


def edge_people(scheme: Scheme) -> list[dict]:
    """Deterministic sheets.  Person k types the k-th edge value of every input (cycling; each assessor
    starts at another edge) and the k-th pay case; then one sheet per mistake, each in another cell of
    a complete sheet; then a sheet with one empty input, and last a sheet left empty."""
    columns: dict[tuple[str, str, str], list[Any]] = {}
    for ind in scheme.indicators:
        for i, spec in enumerate(ind.inputs):
            values = _valid_edges(scheme, ind, i)
            for shift, assessor in enumerate(scheme.assessors or [None]):
                s = shift % len(values)
                columns[(ind.id, spec.id, assessor.id if assessor else "")] = values[s:] + values[:s]
    n = max(len(v) for v in columns.values())
    pay = _pay_inputs(scheme)
    n = max(n, len(pay))
    people = [{key: values[k % len(values)] for key, values in columns.items()} for k in range(n)]
    for person, amounts in zip(people, islice(cycle(pay or [{}]), n)):
        person.update(amounts)
    keys = list(columns)
    for j, mistake in enumerate(MISTAKES):
        person = dict(people[j % n])
        person[keys[(3 * j) % len(keys)]] = mistake
        people.append(person)
    gap = dict(people[0])
    gap[keys[len(keys) // 2]] = None  # one empty input: the total waits
    people.append(gap)
    people.append({})  # nothing filled in
    return people


@dataclass
class Computed:
    book: FilledWorkbook  # as consolidation reads the filled workbook
    path: Path
    solution: dict[str, Any]  # "'[FILE]SHEET'!REF" (upper case) -> what `formulas` computed
    formula_cells: dict[str, set[str]]  # sheet -> every cell holding a formula

    def value(self, sheet: str, ref: str) -> Any:
        key = f"'[{self.path.name}]{sheet}'!{ref}".upper()
        assert key in self.solution, f"formulas computed no value for {sheet}!{ref}"
        found = self.solution[key]
        value = found.value if isinstance(found, Ranges) else found
        if isinstance(value, np.ndarray):
            assert value.size == 1, f"{sheet}!{ref}: {value!r}"
            value = value.ravel()[0]
        return value


def compute(tmp: Path, scheme_id: str, people: list[dict]) -> Computed:
    """Generate (udf formulas), fill as a supervisor would, let `formulas` calculate the workbook."""
    scheme, text = get_scheme_with_text(scheme_id)
    roster = _roster(tmp / "roster.csv", len(people))
    (generated,) = generate(scheme, text, roster, "2026-10", tmp / "gen", mode="udf").files
    filled = tmp / "filled.xlsx"
    fill_workbook(generated, filled, {f"E{i:04d}": {k: v for k, v in p.items() if v is not None}
                                      for i, p in enumerate(people)})
    book = read_filled_workbook(filled)
    assert book.meta["formulas"] == "udf" and len(book.people) == len(people)
    RAISED.clear()
    model = formulas.ExcelModel().loads(str(filled)).finish()
    solution = model.calculate()
    assert not RAISED, "KPI_* functions raised:\n" + "\n".join(RAISED[:20])
    (loaded,) = (data[BOOK] for data in model.books.values())  # the workbook as `formulas` read it
    cells = {ws.title: {c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"}
             for ws in loaded.worksheets}
    return Computed(book, filled, {str(k).upper(): v for k, v in solution.items()}, cells)


# --------------------------------------------------------------------------- what the engine says


def expected_cells(book: FilledWorkbook, person: PersonSheet, res: PersonResult) -> dict[str, tuple[str, Any]]:
    """ref -> (what the cell is, the engine's value): a Decimal, or the text the cell must show."""
    scheme = book.scheme
    layout = layout_for(scheme)
    out: dict[str, tuple[str, Any]] = {}
    problems: dict[str, list] = {}
    for p in res.score.problems:
        problems.setdefault(p.indicator.id, []).append(p)
    for item in res.score.items:
        ind = item.indicator
        ref = person.scores[ind.id].ref
        if scheme.assessors:  # a hidden score per assessor; the score cell blends them or joins their messages
            row = coordinate_from_string(ref)[1]
            messages = []
            for assessor, helper_col in zip(scheme.assessors, layout.helper_cols):
                raw = person.inputs[(ind.id, ind.inputs[0].id, assessor.id)].value
                points = item.by_assessor[assessor.id]
                if points is not None:
                    want: Any = points
                elif raw is None:
                    want = ""  # the guard keeps an empty input's score blank
                else:
                    (problem,) = [p for p in problems[ind.id] if p.assessor == assessor]
                    want = problem.message
                    messages.append(problem.message + "; ")
                out[cell_ref(row, helper_col)] = (f"{ind.name}({assessor.name})", want)
            out[ref] = (ind.name, item.points if item.points is not None else "".join(messages))
        else:
            raws = [person.inputs[(ind.id, spec.id, "")].value for spec in ind.inputs]
            if item.points is not None:
                out[ref] = (ind.name, item.points)
            elif any(r is None for r in raws):
                out[ref] = (ind.name, "")
            else:
                (problem,) = problems[ind.id]
                out[ref] = (ind.name, problem.message)
    results = person.results
    out[results["total"].ref] = ("总分", res.score.total if res.score.total is not None else PENDING)
    grade = res.score.grade
    if "grade" in results:
        out[results["grade"].ref] = ("等级", grade.grade if grade else "")
    if "post_wage" in results:
        out[results["post_wage"].ref] = ("岗位工资", grade.post_wage if grade else "")
    for key, name in (("pay|bonus", "绩效奖金"), ("pay|commission", "提成"), ("pay|wage", "当月工资"),
                      ("pay|threshold", "绩效资格")):
        if key in results:
            out[results[key].ref] = (name, res.pay.get(name, ""))
    return out


def engine_view(computed: Computed) -> dict[str, dict[str, tuple[str, Any]]]:
    """sheet -> ref -> (what, the engine's value), for every person's sheet."""
    book = computed.book
    return {p.sheet: expected_cells(book, p, evaluate_person(book, p)) for p in book.people}


@dataclass(frozen=True)
class Mismatch:
    sheet: str
    ref: str
    what: str
    shown: Any
    want: Any

    def __str__(self) -> str:
        return f"{self.sheet}!{self.ref} {self.what}: formulas {self.shown!r} != engine {self.want!r}"


def _number(value: Any) -> Decimal | None:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return None
    return Decimal(repr(float(value)))


def _same(shown: Any, want: Any) -> bool:
    if isinstance(want, Decimal):
        return _number(shown) == want
    return isinstance(shown, str) and not isinstance(shown, XlError) and shown == want


def mismatches(computed: Computed, expected: dict[str, dict[str, tuple[str, Any]]]) -> tuple[list[Mismatch], int]:
    """Every cell where `formulas` shows anything but the engine's value (exactly), and how many were compared."""
    bad: list[Mismatch] = []
    compared = 0
    for sheet, cells in expected.items():
        for ref, (what, want) in cells.items():
            shown = computed.value(sheet, ref)
            compared += 1
            if not _same(shown, want):
                bad.append(Mismatch(sheet, ref, what, shown, want))
    return bad, compared


# --------------------------------------------------------------------------- the tests


@pytest.fixture(scope="module")
def workbooks(kpi_functions, tmp_path_factory) -> dict[str, Computed]:
    out = {}
    for sid in SCHEMES:
        scheme, _ = get_scheme_with_text(sid)
        out[sid] = compute(tmp_path_factory.mktemp(sid), sid, edge_people(scheme))
    return out


@pytest.mark.parametrize("scheme_id", SCHEMES)
def test_formulas_agrees_with_engine(scheme_id, workbooks):
    computed = workbooks[scheme_id]
    expected = engine_view(computed)
    # every formula the workbook holds is compared: scores, hidden per-assessor scores, total, grade, pay
    holding = {sheet: refs for sheet, refs in computed.formula_cells.items() if refs}
    assert holding == {sheet: set(cells) for sheet, cells in expected.items()}
    bad, compared = mismatches(computed, expected)
    assert not bad, f"{len(bad)} of {compared} cells differ:\n" + "\n".join(map(str, bad[:40]))
    scheme, people = computed.book.scheme, computed.book.people
    assert compared >= len(people) * (len(scheme.indicators) * (1 + len(scheme.assessors)) + 1)
    # the sheets really reach the edges: scores, messages, blanks and the pending total all occur
    shown = [w for cells in expected.values() for _, w in cells.values()]
    assert PENDING in shown and "" in shown
    assert any(isinstance(w, str) and w not in ("", PENDING) for w in shown)
    totals = {computed.value(p.sheet, p.results["total"].ref) for p in people}
    assert len(totals - {PENDING}) >= 5
    print(f"\n{scheme_id}: {compared} cells compared on {len(people)} sheets")


def test_monthly_wage_is_exact_in_cents(workbooks):
    """当月工资 is rounded to cents in the sheet and in the engine: 1200 + 1234.57 + 350.5 is 2785.07 in
    a spreadsheet doing IEEE arithmetic too, not 2785.0699999999997 (found by this engine comparison)."""
    computed = workbooks["cs-table"]
    expected = engine_view(computed)
    wages = [(sheet, ref, want) for sheet, cells in expected.items() for ref, (what, want) in cells.items()
             if what == "当月工资" and isinstance(want, Decimal)]
    assert wages, "some sheets must reach a monthly wage"
    for sheet, ref, want in wages:
        assert want == want.quantize(Decimal("0.01"))
        assert _number(computed.value(sheet, ref)) == want, f"{sheet}!{ref}"


@pytest.mark.parametrize("scheme_id", SCHEMES)
def test_no_cell_shows_an_excel_error(scheme_id, workbooks):
    """Nothing we emit is beyond `formulas`: no #NAME? (a function it lacks), #VALUE! or #REF! in any
    cell of any sheet (data validation, protection, merged cells and hidden sheets are only read past)."""
    computed = workbooks[scheme_id]
    errors = []
    for key, found in computed.solution.items():
        value = found.value if isinstance(found, Ranges) else found
        errors += [f"{key}: {v}" for v in np.ravel(np.asarray(value, dtype=object)) if isinstance(v, XlError)]
    assert not errors, "\n".join(errors[:40])


def test_incomplete_sheets_show_the_pending_text(workbooks):
    for sid, computed in workbooks.items():
        gap, empty = computed.book.people[-2:]
        for person in (gap, empty):
            assert computed.value(person.sheet, person.results["total"].ref) == PENDING, (sid, person.sheet)
            for key in ("grade", "post_wage", "pay|bonus", "pay|wage", "pay|threshold"):
                if key in person.results:
                    assert computed.value(person.sheet, person.results[key].ref) == "", (sid, person.sheet, key)
        assert [computed.value(empty.sheet, c.ref) for c in empty.scores.values()] == [""] * len(empty.scores)
        blank = [c for c in gap.scores.values() if computed.value(gap.sheet, c.ref) == ""]
        assert len(blank) == 1, (sid, blank)  # only the item with the empty input


DOCUMENT = CS_QUANT_DOCUMENT_EXAMPLE


def test_documents_examples(kpi_functions, tmp_path):
    """cs-quant's documented edges through `formulas`: 0.3% -> 14, 0.15% -> 18 (a part step does not
    count), 89.5 -> 16, exactly 10 minutes -> 15 (10.01 -> 10), 98.5% -> 14."""
    other = dict(DOCUMENT)
    other.update({("complaint_rate", "complaint_rate", ""): 0.0015, ("satisfaction", "satisfaction", ""): 90,
                  ("response_time", "response_time", ""): 10.01})
    computed = compute(tmp_path, "cs-quant", [DOCUMENT, other])
    bad, compared = mismatches(computed, engine_view(computed))
    assert not bad and compared == 2 * (8 + 2)
    first, second = computed.book.people
    assert [computed.value(first.sheet, first.scores[k].ref)
            for k in ("complaint_rate", "satisfaction", "response_time", "resolution_rate")] == [14, 16, 15, 14]
    # 14 + 16 + 15 + 14 + 10 + 8 + 4 + 5 = 86; bonus 1000 x 86% = 860
    assert computed.value(first.sheet, first.results["total"].ref) == 86
    assert computed.value(first.sheet, first.results["pay|bonus"].ref) == 860
    assert [computed.value(second.sheet, second.scores[k].ref)
            for k in ("complaint_rate", "satisfaction", "response_time")] == [18, 20, 10]


def test_a_wrong_expectation_is_caught(workbooks):
    """The comparison is not vacuous: each kind of wrong expected value is reported, and only it."""
    computed = workbooks["cs-table"]
    expected = engine_view(computed)
    people = computed.book.people
    scored = next(p for p in people if isinstance(expected[p.sheet][p.results["total"].ref][1], Decimal))
    broken = next(p for p in people if any(isinstance(w, str) and w not in ("", PENDING)
                                           for _, w in expected[p.sheet].values()))
    message_ref = next(r for r, (_, w) in expected[broken.sheet].items()
                       if isinstance(w, str) and w not in ("", PENDING))
    score_row = coordinate_from_string(scored.scores["discipline"].ref)[1]
    helper_ref = cell_ref(score_row, layout_for(computed.book.scheme).helper_cols[0])
    wrong = [
        (scored.sheet, scored.scores["discipline"].ref, lambda w: w + Decimal("0.01")),  # a score off by 0.01
        (scored.sheet, helper_ref, lambda w: w + 1),  # a hidden self-assessment score
        (scored.sheet, scored.results["total"].ref, lambda w: w - Decimal("0.01")),  # a total off by 0.01
        (scored.sheet, scored.results["total"].ref, lambda w: PENDING),  # a total that should wait
        (scored.sheet, scored.results["grade"].ref, lambda w: "良" if w == "优" else "优"),  # another grade
        (scored.sheet, scored.results["post_wage"].ref, lambda w: w + 100),  # another wage
        (broken.sheet, message_ref, lambda w: w[:-1]),  # a message cut short
        (broken.sheet, broken.results["total"].ref, lambda w: Decimal(0)),  # a number where the total waits
    ]
    baseline = {str(m) for m in mismatches(computed, expected)[0]}
    for sheet, ref, change in wrong:
        mutated = {s: dict(c) for s, c in expected.items()}
        what, want = mutated[sheet][ref]
        mutated[sheet][ref] = (what, change(want))
        bad, _ = mismatches(computed, mutated)
        new = [m for m in bad if str(m) not in baseline]
        assert [(m.sheet, m.ref) for m in new] == [(sheet, ref)], (ref, [str(m) for m in new])


def test_a_wrong_function_is_caught(kpi_functions, tmp_path):
    """The values really come through the workbook's formulas and our functions: a KPI_COMPLAINT that
    deducts one point too many shows in the complaint score, the total and the bonus, nowhere else."""
    real = kpi_functions["KPI_COMPLAINT"]

    def one_too_many(rate, step=None, points_per_step=None, full=None):
        result = udfs.KPI_COMPLAINT(rate, step, points_per_step, full)
        return [[v - 1 if isinstance(v, (int, float)) else v for v in row] for row in result]

    kpi_functions["KPI_COMPLAINT"] = _as_xlwings_udf(one_too_many)
    try:
        computed = compute(tmp_path, "cs-quant", [DOCUMENT])
    finally:
        kpi_functions["KPI_COMPLAINT"] = real
    (person,) = computed.book.people
    bad, _ = mismatches(computed, engine_view(computed))
    assert [(m.ref, m.shown, m.want) for m in bad] == [
        (person.scores["complaint_rate"].ref, 13, Decimal("14.00")),
        (person.results["total"].ref, 85, Decimal("86.00")),
        (person.results["pay|bonus"].ref, 850, Decimal("860.00")),
    ], [str(m) for m in bad]


# --------------------------------------------------------------------------- a company's own scheme


def _own_scheme(tmp: Path, base: str, new_id: str, edits: list[tuple[str, str]]) -> Path:
    """A scheme file as a company writes it: a built-in one copied, with its id and some numbers changed."""
    text = get_scheme_with_text(base)[1]
    for old, new in [(f"id: {base}", f"id: {new_id}"), *edits]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp / f"{new_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _rubric_person(scheme: Scheme, below: Decimal) -> dict:
    """Every rubric level at its top, then points taken off one at a time (both assessors alike) until
    the engine's total is at most ``below``."""
    person = {(ind.id, ind.inputs[0].id, a.id): ind.rule.levels[0].high for ind in scheme.indicators
              for a in scheme.assessors}

    def total() -> Decimal:
        return score_person(scheme, lambda ind, spec, a: person[(ind.id, spec.id, a.id)]).total

    while total() > below:
        key = max(person, key=lambda k: person[k])
        for a in scheme.assessors:
            person[(key[0], key[1], a.id)] -= 1
    return {k: float(v) for k, v in person.items()}


OWN_SCHEMES = {
    # 优 from 90 (not 95) and a 优 post wage of 2000: a 92 is 优 and earns 2000 here, 良 and 1500 in cs-table
    "acme-table": ("cs-table", "acme-table", [("{grade: 优, at_least: 95", "{grade: 优, at_least: 90"),
                                              ("post_wage: 1800}", "post_wage: 2000}")]),
    # the id kept, a rule changed: 3 points per 0.1 percentage point of complaints, not 2
    "cs-quant (edited)": ("cs-quant", "cs-quant", [("points_per_step: 2\n", "points_per_step: 3\n")]),
}


@pytest.mark.parametrize("name", OWN_SCHEMES)
def test_own_scheme_udf_sheets_score_with_their_own_rules(name, kpi_functions, tmp_path):
    """A scheme file that is not a built-in scheme as shipped: the add-in cannot look its rules up by
    id, so the KPI_* formulas read them from the workbook's own 规则 sheet, and every cell (scores,
    grade, post wage, commission) agrees with the engine scoring by that file."""
    base, new_id, edits = OWN_SCHEMES[name]
    path = _own_scheme(tmp_path, base, new_id, edits)
    scheme, _ = get_scheme_with_text(str(path))
    people = edge_people(scheme) + ([_rubric_person(scheme, Decimal(92))] if base == "cs-table" else [])
    computed = compute(tmp_path, str(path), people)
    expected = engine_view(computed)
    bad, compared = mismatches(computed, expected)
    assert not bad, f"{len(bad)} of {compared} cells differ:\n" + "\n".join(map(str, bad[:40]))
    # consolidation expects exactly these formulas: none is reported as edited
    edited = [str(i) for p in computed.book.people for i in evaluate_person(computed.book, p).issues
              if "得分公式被" in i.message]
    assert not edited, edited
    book = openpyxl.load_workbook(computed.path)
    ws = book[computed.book.people[0].sheet]
    calls = "".join(c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "KPI_" in c.value)
    rules = re.escape(f"'规则'!$A$1:$A${book['规则'].max_row}")
    # every function that takes a scheme is handed the 规则 sheet (the specific cs-quant ones, which score by
    # the rules as shipped, are not used); the id is never named
    with_rules = set(re.findall(rf"KPI_(\w+)\([^()]*{rules}", calls))
    assert with_rules == ({"SCORE", "GRADE", "POST_WAGE", "COMMISSION"} if base == "cs-table" else {"SCORE"})
    assert set(re.findall(r"KPI_(\w+)\(", calls)) - with_rules <= {"BLEND", "BONUS"} and new_id not in calls
    if base == "cs-table":  # the changed bands really decide: some 90-94.99 total is 优 with 2000
        shown = [(computed.value(p.sheet, p.results["total"].ref), computed.value(p.sheet, p.results["grade"].ref),
                  computed.value(p.sheet, p.results["post_wage"].ref)) for p in computed.book.people]
        assert any(isinstance(t, (int, float)) and 90 <= t < 95 and g == "优" and w == 2000 for t, g, w in shown), shown
    else:  # the document's example, 0.3% of complaints: 3 steps of 3 points off 20
        (tmp_path / "doc").mkdir()
        doc = compute(tmp_path / "doc", str(path), [DOCUMENT])
        (one,) = doc.book.people
        assert doc.value(one.sheet, one.scores["complaint_rate"].ref) == 11
