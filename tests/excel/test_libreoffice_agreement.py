"""LibreOffice recalculates the generated sheets and agrees with the engine.

For each scheme: generate a department's workbook, fill hundreds of random
inputs clustered at the rules' edges, let LibreOffice Calc (headless) open,
recalculate and save it, then read what LibreOffice computed and compare every
score, total, grade and pay figure with the engine.  The consolidation reader
also checks that no formula was changed by the round trip.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from libreoffice import recalc
from strategies import CS_QUANT_DOCUMENT_EXAMPLE, person_values

from xl_kpi.base.hant import in_lang
from xl_kpi.excel.fill import fill_workbook
from xl_kpi.excel.reader import read_filled_workbook
from xl_kpi.schemes.scheme import get_scheme_with_text
from xl_kpi.workflow.consolidate import evaluate_person
from xl_kpi.workflow.generate import generate

PEOPLE = 40


def _roster(path: Path, n: int) -> Path:
    lines = ["工号,姓名,部门,岗位,直属主管"] + [f"E{i:04d},员工{i},测试部,客服专员,主管" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return Decimal(repr(float(value)))


def check_agreement(tmp: Path, scheme_id: str, people: list[dict], mode: str = "native", lang: str = "zh-Hans") -> int:
    scheme, text = get_scheme_with_text(scheme_id)
    roster = _roster(tmp / "roster.csv", len(people))
    result = generate(scheme, text, roster, "2026-10", tmp / "gen", mode=mode, lang=lang)
    (generated,) = result.files
    filled = tmp / "filled" / generated.name
    values = {f"E{i:04d}": v for i, v in enumerate(people)}
    fill_workbook(generated, filled, values)
    (calculated,) = recalc([filled], tmp / "lo")
    book = read_filled_workbook(calculated)
    assert len(book.people) == len(people)
    compared = 0
    for person in book.people:
        res = evaluate_person(book, person)
        where = f"{scheme_id} {person.sheet}"
        # the round trip through LibreOffice must not look like a hand edit
        edits = [i for i in res.issues if any(k in i.message for k in ("得分公式", "得分单元格", "手工"))]
        assert not edits, f"{where}: {edits}"
        for item in res.score.items:
            lo = person.scores[item.indicator.id].value
            if item.points is None:
                assert _number(lo) is None, f"{where} {item.indicator.name}: LibreOffice {lo!r}, engine has a problem"
            else:
                assert _number(lo) == item.points, f"{where} {item.indicator.name}: LibreOffice {lo!r} != engine {item.points}"
            compared += 1
        lo_total = person.results["total"].value
        if res.score.total is None:
            assert _number(lo_total) is None, f"{where} total: LibreOffice {lo_total!r}, engine has none"
        else:
            assert _number(lo_total) == res.score.total, f"{where} total: {lo_total!r} != {res.score.total}"
            if scheme.grades:
                assert person.results["grade"].value == in_lang(res.score.grade.grade, lang)  # 繁體: 優
                assert _number(person.results["post_wage"].value) == res.score.grade.post_wage
        for key, name in (("pay|bonus", "绩效奖金"), ("pay|commission", "提成"), ("pay|wage", "当月工资")):
            if key in person.results and name in res.pay:
                assert _number(person.results[key].value) == res.pay[name], f"{where} {name}"
        if "pay|threshold" in person.results and "绩效资格" in res.pay:
            assert person.results["pay|threshold"].value == in_lang(res.pay["绩效资格"], lang)
    return compared


SETTINGS = settings(max_examples=5, deadline=None, derandomize=True, phases=[Phase.generate],  # no shrinking: each example is a LibreOffice run
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("scheme_id", ["cs-quant", "cs-table", "advisor-4s", "cs-smart"])
def test_libreoffice_agrees_with_engine(scheme_id, tmp_path_factory):
    scheme, _ = get_scheme_with_text(scheme_id)
    counts = []

    @SETTINGS
    @given(st.lists(person_values(scheme), min_size=PEOPLE, max_size=PEOPLE))
    def run(people):
        counts.append(check_agreement(tmp_path_factory.mktemp(scheme_id), scheme_id, people))

    run()
    # hundreds of people, thousands of indicator scores compared
    assert sum(counts) >= 5 * PEOPLE * len(scheme.indicators)


@pytest.mark.parametrize("scheme_id", ["cs-table", "advisor-4s"])  # grades, post wages, commission, 绩效资格
def test_libreoffice_agrees_in_traditional(scheme_id, tmp_path_factory):
    """--lang zh-Hant converts the formulas' texts (请填数字, grade names, 参与): LibreOffice still computes
    what the engine does, and the round trip does not look like an edited formula."""
    scheme, _ = get_scheme_with_text(scheme_id)
    counts = []

    @settings(SETTINGS, max_examples=2)
    @given(st.lists(person_values(scheme), min_size=PEOPLE, max_size=PEOPLE))
    def run(people):
        counts.append(check_agreement(tmp_path_factory.mktemp(scheme_id), scheme_id, people, lang="zh-Hant"))

    run()
    assert sum(counts) >= 2 * PEOPLE * len(scheme.indicators)


def test_documents_examples_in_libreoffice(tmp_path):
    """Hand-picked values from the documents, through LibreOffice: 0.3% -> 14, 89.5 -> 16, 10 minutes -> 15."""
    people = [dict(CS_QUANT_DOCUMENT_EXAMPLE)]
    check_agreement(tmp_path, "cs-quant", people)
    book = read_filled_workbook(tmp_path / "lo" / "2026-10-测试部.xlsx")
    (person,) = book.people
    assert [person.scores[k].value for k in ("complaint_rate", "satisfaction", "response_time", "resolution_rate")] == [14, 16, 15, 14]
    # 14 + 16 + 15 + 14 + 10 + 8 + 4 + 5 = 86; bonus 1000 x 86% = 860
    assert person.results["total"].value == 86 and person.results["pay|bonus"].value == 860
