"""Values that mean what the person meant: a 0-100 score typed as a percentage is that many points or a
question, never 0.9; a rate typed without its % sign above the plausible range is scored with a notice.

Every face is driven with values as a person types them: text in a CSV ("90%"), a cell formatted as a
percentage (Excel stores 90% as 0.9 and formats the cell 0%), a bare float as xlwings hands it to a UDF, a
filled generated sheet consolidated, and LibreOffice recalculating that sheet's own formulas.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from workbooks import filled_department

from xl_kpi import udfs
from xl_kpi.base.errors import InputValueError, SchemeError
from xl_kpi.base.findings import texts
from xl_kpi.base.numbers import FORMAT, PLAIN, SIGN, Typed, read_number, to_decimal
from xl_kpi.cli import main
from xl_kpi.engine.score import score_indicator, score_indicator_noted
from xl_kpi.excel.reader import read_filled_workbook
from xl_kpi.excel.tables import read_table
from xl_kpi.schemes.scheme import get_scheme, parse_scheme_text
from xl_kpi.workflow.batch import score_file
from xl_kpi.workflow.consolidate import consolidate, evaluate_person

D = Decimal
QUANT = get_scheme("cs-quant")
SMART = get_scheme("cs-smart")
SATISFACTION = QUANT.indicator("satisfaction")  # ≥90 20, ≥80 16, ≥70 12, ≥60 8, else 0
COMPLAINT = QUANT.indicator("complaint_rate")  # 20 at 0, 2 off per full 0.1 pp
QUANT_HEAD = ["工号", "姓名", "客户投诉率", "客户满意度", "平均响应时间", "问题解决率", "业务知识掌握程度", "技能应用能力",
              "内部协作配合度", "信息共享及时性"]
GOOD = ["0.3%", "89.5", "10", "98.5%", "90", "8", "4", "5"]  # the documents' example: 14+16+15+14+10+8+4+5 = 86


def points(ind, value):
    return score_indicator(ind, [value])


def refusal(ind, value) -> str:
    with pytest.raises(InputValueError) as exc:
        score_indicator(ind, [value])
    return str(exc.value)


# --------------------------------------------------------------------------- how a value was typed


def test_read_number_says_how_a_value_was_typed():
    assert read_number("90%") == (D("0.9"), SIGN)
    assert read_number("９０％") == (D("0.9"), SIGN)  # as a Chinese IME types it
    assert read_number(0.9) == (D("0.9"), PLAIN)
    assert read_number("0.9") == (D("0.9"), PLAIN)
    assert read_number(Typed(0.9, percent=True)) == (D("0.9"), FORMAT)
    assert read_number(Typed(0.9)) == (D("0.9"), PLAIN)
    assert read_number(Typed("0.3%", percent=True)) == (D("0.003"), SIGN)
    assert to_decimal(Typed(0.003, percent=True)) == D("0.003")
    with pytest.raises(InputValueError, match="为空"):
        to_decimal(Typed(None, percent=True))


# --------------------------------------------------------------------------- the rule (inputs.InputSpec.read)


@pytest.mark.parametrize(("typed", "expected"), [
    ("90%", D(20)), ("89.5%", D(16)), ("89.99%", D(16)), ("100%", D(20)), ("60%", D(8)), ("69.99%", D(8)),
    (Typed(0.9, percent=True), D(20)), (Typed(0.895, percent=True), D(16)), (Typed(1, percent=True), D(20)),
    (Typed(0.6, percent=True), D(8)), (Typed(0.7, percent=True), D(12)),
])
def test_a_0_100_score_typed_as_a_percentage_is_that_many_points(typed, expected):
    assert points(SATISFACTION, typed) == expected


def test_the_value_of_a_percentage_score_is_exact():
    # around the edges, what was right stays so: numbers typed as numbers, and 0% is 0 either way
    for typed, expected in [(90, 20), (89.5, 16), (1, 0), (0, 0), ("0%", 0), (Typed(90), 20), (Typed(0.29, True), 0)]:
        assert points(SATISFACTION, typed) == D(expected)
    spec = SATISFACTION.inputs[0]
    assert spec.check("89.5%") == D("89.5") and str(spec.check("90%")) == "90"
    assert spec.check(Typed(0.895, percent=True)) == D("89.5")
    assert spec.check(Typed(1, percent=True)) == D(100)
    assert spec.check(1) == D(1)  # a bare 1 is one point, like 2 or 3


@pytest.mark.parametrize("typed", [0.9, 0.5, 0.01, 0.99, "0.9", D("0.895")])
def test_a_bare_fraction_is_no_0_100_score(typed):
    message = refusal(SATISFACTION, typed)
    assert message.startswith("客户满意度应填 0~100 的分数, 收到 ")
    assert "请填" in message


def test_the_refusal_says_what_to_type():
    assert refusal(SATISFACTION, 0.9) == "客户满意度应填 0~100 的分数, 收到 0.9; 如是 90%, 请填 90"
    assert refusal(SATISFACTION, 0.895) == "客户满意度应填 0~100 的分数, 收到 0.895; 如是 89.5%, 请填 89.5"
    assert refusal(SATISFACTION, "0.5%") == "客户满意度应填 0~100 的分数 (如 89.5), 收到 0.5% (即 0.5 分)"
    assert refusal(SATISFACTION, "150%") == "客户满意度应不大于 100, 收到 150%"
    assert refusal(SATISFACTION, Typed(-0.05, percent=True)) == "客户满意度不能为负数, 收到 -5%"


def test_a_score_out_of_5_typed_as_a_percentage_is_refused():
    attitude = SMART.indicator("attitude")  # 满分 5: 90% of what?
    for typed in ("90%", Typed(0.9, percent=True), Typed(1, percent=True)):
        assert refusal(attitude, typed).startswith("服务态度应填 0~5 的分数 (如 4.5), 收到百分比 ")
    assert refusal(attitude, "90%") == "服务态度应填 0~5 的分数 (如 4.5), 收到百分比 90%"
    assert points(attitude, 4.5) == D(20)
    assert points(attitude, 0.9) == D(4)  # 0.9 of 5 is a score: 20 × 0.9 / 4.5


def test_cs_smart_satisfaction_is_a_0_100_score_and_takes_90_percent_as_90():
    satisfaction = SMART.indicator("satisfaction")  # document 001: 客户满意度达到90%以上 -> 25 × min(x, 90) / 90
    assert satisfaction.inputs[0].unit == "score" and satisfaction.inputs[0].maximum == 100
    assert points(satisfaction, 90) == points(satisfaction, "90%") == points(satisfaction, Typed(0.9, True)) == D(25)
    assert points(satisfaction, "45%") == D("12.5")
    assert refusal(satisfaction, 0.9) == "客户满意度应填 0~100 的分数, 收到 0.9; 如是 90%, 请填 90"


def test_a_rate_typed_without_percent_above_its_plausible_range_is_scored_with_a_notice():
    # a rate keeps its meaning: 0.3% is 14 points however it was typed, with nothing to say
    assert points(COMPLAINT, "0.3%") == points(COMPLAINT, 0.003) == points(COMPLAINT, Typed(0.003, True)) == D(14)
    assert score_indicator_noted(COMPLAINT, ["0.3%"]) == (D(14), [])
    spec = COMPLAINT.inputs[0]
    assert spec.plausible_max == D("0.05")
    value, notes = score_indicator_noted(COMPLAINT, [0.3])
    assert value == D(0)  # scored as typed: 30% (as today)
    assert notes == [(spec, "客户投诉率 0.3 即 30%, 高于常见的 5%, 已按 30% 计分; 如要填 0.3%, 请输入 0.3%")]
    _, notes = score_indicator_noted(COMPLAINT, [Typed(0.3, percent=True)])  # Excel: 0.3 typed into a % cell is 30%
    assert notes[0][1] == "客户投诉率 30% 高于常见的 5%, 已按 30% 计分; 如要填 0.3%, 请输入 0.3% (带 %)"
    for plausible in (0.05, 0.012, Typed(0.012, True), 0.003, "30%", 0, "1%"):  # at the edge, below, or with its %
        assert score_indicator_noted(COMPLAINT, [plausible])[1] == []
    assert score_indicator_noted(COMPLAINT, [0.0501])[1] and score_indicator_noted(COMPLAINT, [0.1])[1]  # above


def test_a_rate_above_100_percent_says_how_to_type_it():
    assert refusal(COMPLAINT, 1.5) == "客户投诉率应不大于 100%, 收到 150%; 如要填 1.5%, 请输入 1.5% (带 %)"
    assert refusal(COMPLAINT, "150%") == "客户投诉率应不大于 100%, 收到 150%"


def test_a_completion_ratio_typed_as_85_gets_a_notice():
    output = get_scheme("advisor-4s").indicator("service_output")
    assert score_indicator_noted(output, ["85%"])[1] == []
    assert score_indicator_noted(output, [1.2])[1] == []
    (_, text), = score_indicator_noted(output, [85])[1]
    assert "85 即 8500%" in text and "请输入 85%" in text


def test_plausible_max_is_for_rates_only():
    text = get_scheme_text_with("        input: {unit: score}\n", "        input: {unit: score, plausible_max: 5%}\n")
    with pytest.raises(SchemeError, match="plausible_max: 只用于 unit: percent 或 ratio"):
        parse_scheme_text(text, source="test.yaml")


def get_scheme_text_with(old: str, new: str) -> str:
    from xl_kpi.schemes.scheme import builtin_text

    text = builtin_text("cs-quant")
    assert old in text
    return text.replace(old, new, 1)


# --------------------------------------------------------------------------- UDFs


def test_udfs_refuse_a_bare_fraction_for_a_score():
    assert udfs.KPI_SATISFACTION(0.9) == "客户满意度应填 0~100 的分数, 收到 0.9; 如是 90%, 请填 90"
    assert udfs.KPI_SATISFACTION([[0.9], [90], ["90%"], [1]]) == [  # a column, as xlwings hands it over
        ["客户满意度应填 0~100 的分数, 收到 0.9; 如是 90%, 请填 90"], [20], [20], [0]]
    assert udfs.KPI_KNOWLEDGE(0.95) == "业务知识掌握程度应填 0~100 的分数, 收到 0.95; 如是 95%, 请填 95"
    assert udfs.KPI_SCORE("cs-smart", "客户满意度", "89.5%") == udfs.KPI_SCORE("cs-smart", "客户满意度", 89.5)
    assert udfs.KPI_SCORE("cs-smart", "服务态度", "90%") == "服务态度应填 0~5 的分数 (如 4.5), 收到百分比 90%"
    assert udfs.KPI_COMPLAINT("0.3%") == 14
    assert udfs.KPI_ADVISOR_RATING(0.95, 85, 91) == "业务知识得分应填 0~100 的分数, 收到 0.95; 如是 95%, 请填 95"
    assert udfs.KPI_ADVISOR_RATING("95%", 85, 91) == "良好"
    assert udfs.KPI_BONUS(1000, 0.5) == 5  # a total is computed by the sheet, not typed: 0.5 is a total


# --------------------------------------------------------------------------- xl-kpi score


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def rows_of(path: Path) -> dict[str, dict]:
    table = read_table(path)
    return {row[0]: dict(zip(table.headers, row)) for row in table.rows}


def test_score_csv_reads_90_percent_as_90_and_refuses_0_9(tmp_path):
    src = write_csv(tmp_path / "in.csv", [
        QUANT_HEAD,
        ["K1", "甲", *GOOD],
        ["K2", "乙", "0.3%", "90%", *GOOD[2:]],
        ["K3", "丙", "0.3%", "0.9", *GOOD[2:]],
        ["K4", "丁", "0.3%", "89.5%", *GOOD[2:]],
        ["K5", "戊", "0.3%", "100%", *GOOD[2:]],
    ])
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, ["score", "--scheme", "cs-quant", str(src), "-o", str(out)])
    assert result.exit_code == 1
    rows = rows_of(out)
    assert rows["K1"]["总分"] == 86 and rows["K4"]["总分"] == 86
    assert rows["K2"]["客户满意度"] == 20 and rows["K2"]["总分"] == 90 and not rows["K2"]["问题"]
    assert rows["K5"]["客户满意度"] == 20
    assert rows["K3"]["总分"] is None
    assert rows["K3"]["问题"] == "第4行 D列: 客户满意度 应填 0~100 的分数, 收到 0.9; 如是 90%, 请填 90"


def test_score_gives_a_notice_for_a_complaint_rate_typed_as_0_3(tmp_path):
    src = write_csv(tmp_path / "in.csv", [QUANT_HEAD, ["K1", "甲", *GOOD], ["K2", "乙", "0.3", *GOOD[1:]]])
    report = score_file(QUANT, src)
    k1, k2 = report.rows
    assert k2.score.points("complaint_rate") == D(0) and k2.score.total == D(72)  # scored as today: 30%
    assert not k2.problems and not k1.notices
    [notice] = k2.notices
    assert (notice.file, notice.row, notice.cell, notice.person, notice.severity) == ("in.csv", 3, "C3", "K2", "提示")
    assert notice.message == "客户投诉率 0.3 即 30%, 高于常见的 5%, 已按 30% 计分; 如要填 0.3%, 请输入 0.3%"
    assert report.notices == [notice]
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["score", "--scheme", "cs-quant", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output  # a notice is not a problem
    assert f"提示 in.csv 第3行 C列 K2: {notice.message}" in result.output.splitlines()
    rows = rows_of(out)
    assert float(rows["K2"]["总分"]) == 72 and rows["K2"]["问题"] == f"提示: 第3行 C列: {notice.message}"
    assert rows["K1"]["问题"] is None


def test_score_xlsx_reads_a_cell_formatted_as_a_percentage(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "客服一部"
    ws.append(QUANT_HEAD)
    numbers = [0.003, 0.9, 10, 0.985, 90, 8, 4, 5]
    ws.append(["K1", "甲", *numbers])  # 90% typed: Excel stores 0.9 and formats the cell 0%
    ws["D2"].number_format = "0%"
    ws["C2"].number_format = "0.0%"
    ws.append(["K2", "乙", *numbers])  # 0.9 typed into a General cell
    ws.append(["K3", "丙", 0.3, 89.5, *numbers[2:]])  # 0.3 typed into a cell formatted 0.0%: 30%
    ws["C4"].number_format = "0.0%"
    ws.append(["K4", "丁", 0.003, 0.895, *numbers[2:]])
    ws["D5"].number_format = "0.00%"
    ws.append(["K5", "戊", 0.003, 1, *numbers[2:]])  # 100%
    ws["D6"].number_format = "0%"
    ws.append(["K6", "己", 0.003, 1, *numbers[2:]])  # one point
    path = tmp_path / "in.xlsx"
    book.save(path)
    report = score_file(QUANT, path)
    by_id = {r.identity["工号"]: r for r in report.rows}
    assert by_id["K1"].score.points("satisfaction") == D(20) and by_id["K1"].score.total == D(90)
    assert texts(by_id["K2"].problems) == ["in.xlsx 工作表「客服一部」第3行 D列: 客户满意度 应填 0~100 的分数, 收到 0.9; 如是 90%, 请填 90"]
    assert texts(by_id["K3"].notices) == ["in.xlsx 工作表「客服一部」第4行 C列: 客户投诉率 30% 高于常见的 5%, 已按 30% 计分; "
                                   "如要填 0.3%, 请输入 0.3% (带 %)"]
    assert by_id["K4"].score.points("satisfaction") == D(16)
    assert by_id["K5"].score.points("satisfaction") == D(20)
    assert by_id["K6"].score.points("satisfaction") == D(0) and not by_id["K6"].problems


# --------------------------------------------------------------------------- consolidate


def _quant_values(**changes) -> dict:
    values = {("complaint_rate", "complaint_rate", ""): 0.003, ("satisfaction", "satisfaction", ""): 89.5,
              ("response_time", "response_time", ""): 10, ("resolution_rate", "resolution_rate", ""): 0.985,
              ("knowledge_test", "knowledge_test", ""): 90, ("skill_application", "skill_application", ""): 8,
              ("collaboration", "collaboration", ""): 4, ("info_sharing", "info_sharing", ""): 5, "pay|bonus_base": 1000}
    for key, value in changes.items():
        values[(key, key, "")] = value
    return values


def _format_input(path: Path, person: str, indicator: str, number_format: str) -> str:
    """Give one person's input cell a number format, as typing 90% into it does in Excel; return its ref."""
    ref = next(p for p in read_filled_workbook(path).people if p.identity["工号"] == person).inputs[
        (indicator, indicator, "")].ref
    book = openpyxl.load_workbook(path)
    sheet = next(ws for ws in book.worksheets if ws.title.startswith(person + "-"))
    sheet[ref].number_format = number_format
    book.save(path)
    return ref


def test_consolidate_reads_a_score_cell_formatted_as_a_percentage(tmp_path):
    filled = filled_department(tmp_path, {
        "P1": _quant_values(satisfaction=0.9),  # typed 90%: the cell is formatted 0%
        "P2": _quant_values(satisfaction=0.9),  # typed 0.9
        "P3": _quant_values(complaint_rate=0.3),  # typed 0.3 (or 30%) into the 0.0##% cell
        "P4": _quant_values(satisfaction=1),  # typed 100%
    })
    ref = _format_input(filled, "P1", "satisfaction", "0%")
    _format_input(filled, "P4", "satisfaction", "0%")
    result = consolidate([filled.parent])
    people = {p.identity["工号"]: p for p in result.people}
    assert people["P1"].score.points("satisfaction") == D(20) and people["P1"].score.total == D(90)
    assert not [i for i in people["P1"].issues if i.cell == ref]
    assert people["P4"].score.points("satisfaction") == D(20)
    assert people["P2"].score.total is None
    (issue,) = [i for i in people["P2"].issues if i.cell == ref]
    assert issue.message == "客户满意度 应填 0~100 的分数, 收到 0.9; 如是 90%, 请填 90"
    assert people["P3"].score.total == D(72)  # scored as typed, with a notice naming the cell
    (notice,) = [i for i in people["P3"].issues if not i.is_problem]
    assert notice.severity == "提示" and notice.message == "客户投诉率 30% 高于常见的 5%, 已按 30% 计分; 如要填 0.3%, 请输入 0.3% (带 %)"
    assert notice.sheet.startswith("P3-") and notice.cell == "H6" and notice.file == filled.name


def test_a_udf_sheet_refuses_a_score_cell_formatted_as_a_percentage(tmp_path):
    """The add-in's KPI_SATISFACTION gets a bare 0.9 from xlwings, whatever the cell shows: it refuses, and so
    does consolidation, which would otherwise blame the sheet for showing the refusal."""
    filled = filled_department(tmp_path, {"P1": _quant_values(satisfaction=0.9)}, mode="udf")
    _format_input(filled, "P1", "satisfaction", "0%")
    book = read_filled_workbook(filled)
    (person,) = book.people
    assert person.inputs[("satisfaction", "satisfaction", "")].percent
    res = evaluate_person(book, person)
    assert res.score.total is None
    assert any("应填 0~100 的分数, 收到 0.9" in i.message for i in res.issues)


# --------------------------------------------------------------------------- generated sheets


def test_generated_sheets_guide_how_to_type(tmp_path):
    filled = filled_department(tmp_path, {"P1": _quant_values()})
    book = openpyxl.load_workbook(filled)
    ws = next(ws for ws in book.worksheets if ws.title.startswith("P1-"))
    person = read_filled_workbook(filled).people[0]
    complaint = person.inputs[("complaint_rate", "complaint_rate", "")].ref
    satisfaction = person.inputs[("satisfaction", "satisfaction", "")].ref
    resolution = person.inputs[("resolution_rate", "resolution_rate", "")].ref
    prompts = {cell: dv.prompt for dv in ws.data_validations.dataValidation for rng in dv.sqref.ranges
               for cell in [rng.coord]}
    assert prompts[complaint] == "请输入百分比, 带 % 号, 如 0.3%; 应在0%~100%之间 (只输入 0.3 即 30%)"
    assert prompts[resolution] == "请输入百分比, 带 % 号, 如 98.5%; 应在0%~100%之间"
    assert prompts[satisfaction] == "请输入 0~100 的分数, 如 89.5"
    assert ws[complaint].number_format == ws[resolution].number_format == "0.0##%"  # 0.15% shows as 0.15%
    score = str(ws[person.scores["satisfaction"].ref].value)
    assert f'CELL("format",{satisfaction})' in score and "应填0~100的分数; 90%请填90" in score


def test_every_prompt_fits_excel(tmp_path):
    from xl_kpi.excel.sheets import PROMPT_LIMIT, input_prompt

    for sid in ("cs-quant", "cs-table", "advisor-4s", "cs-smart"):
        for ind in get_scheme(sid).indicators:
            for spec in ind.inputs:
                assert 0 < len(input_prompt(spec)) <= PROMPT_LIMIT


def test_libreoffice_computes_what_the_engine_does_for_typed_percentages(tmp_path):
    """The sheet's own formulas (CELL("format", …)) read a score cell formatted as a percentage as the engine does:
    LibreOffice recalculates the filled sheet, and every score it shows is the engine's, or a message where the
    engine refuses the value."""
    from libreoffice import recalc

    filled = filled_department(tmp_path, {
        "P1": _quant_values(satisfaction=0.9, knowledge_test=0.895),  # 90% and 89.5% typed: formatted below
        "P2": _quant_values(satisfaction=0.9),  # 0.9 typed: refused
        "P3": _quant_values(satisfaction=1, knowledge_test=1),  # 100% typed / one point typed
        "P4": _quant_values(satisfaction=0.29, complaint_rate=0.3),  # 29% typed: 29 (not 28.999999999999996)
        "P5": _quant_values(satisfaction=0.005),  # 0.5% typed: 0.5 points, refused
    })
    for person, indicator, number_format in [("P1", "satisfaction", "0%"), ("P1", "knowledge_test", "0.0%"),
                                             ("P3", "satisfaction", "0%"), ("P4", "satisfaction", "0%"),
                                             ("P5", "satisfaction", "0.0%")]:
        _format_input(filled, person, indicator, number_format)
    (calculated,) = recalc([filled], tmp_path / "lo")
    book = read_filled_workbook(calculated)
    expected = {"P1": {"satisfaction": D(20), "knowledge_test": D(8)}, "P2": {"satisfaction": None},
                "P3": {"satisfaction": D(20), "knowledge_test": D(0)}, "P4": {"satisfaction": D(0), "complaint_rate": D(0)},
                "P5": {"satisfaction": None}}
    for person in book.people:
        pid = person.identity["工号"]
        res = evaluate_person(book, person)
        assert not [i for i in res.issues if "手工" in i.message or "公式" in i.message], res.issues
        for indicator, want in expected[pid].items():
            shown = person.scores[indicator].value
            assert res.score.points(indicator) == want, (pid, indicator)
            if want is None:
                assert isinstance(shown, str) and "0~100" in shown, (pid, indicator, shown)
            else:
                assert D(repr(float(shown))) == want, (pid, indicator, shown)


def test_libreoffice_refuses_a_percentage_for_a_score_out_of_5(tmp_path):
    from libreoffice import recalc

    from xl_kpi.excel.fill import fill_workbook
    from xl_kpi.schemes.scheme import get_scheme_with_text
    from xl_kpi.workflow.generate import generate

    scheme, text = get_scheme_with_text("cs-smart")
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\nS1,甲,一部,客服,主管\nS2,乙,一部,客服,主管\n", encoding="utf-8")
    (generated,) = generate(scheme, text, roster, "2026-10", tmp_path / "gen").files
    values = {("satisfaction", "satisfaction", ""): 0.9, ("response_time", "response_time", ""): 2,
              ("peak_response_time", "peak_response_time", ""): 2,
              ("first_contact_resolution", "first_contact_resolution", ""): 0.85, ("attitude", "attitude", ""): 0.9}
    filled = tmp_path / "filled" / generated.name
    fill_workbook(generated, filled, {"S1": values, "S2": values})
    book = openpyxl.load_workbook(filled)
    people = {p.identity["工号"]: p for p in read_filled_workbook(filled).people}
    for pid in ("S1",):  # S1 typed 90% in both; S2 typed 0.9 in both
        ws = book[people[pid].sheet]
        for key in ("satisfaction", "attitude"):
            ws[people[pid].inputs[(key, key, "")].ref].number_format = "0%"
    book.save(filled)
    (calculated,) = recalc([filled], tmp_path / "lo")
    read = read_filled_workbook(calculated)
    for person in read.people:
        res = evaluate_person(read, person)
        pid = person.identity["工号"]
        satisfaction = person.scores["satisfaction"].value
        attitude = person.scores["attitude"].value
        if pid == "S1":
            assert res.score.points("satisfaction") == D(25) and satisfaction == 25
            assert res.score.points("attitude") is None and attitude == "应填0~5的分数, 不要填百分比"
        else:
            assert res.score.points("satisfaction") is None and "0~100" in satisfaction
            assert res.score.points("attitude") == D(4) and attitude == 4


# --------------------------------------------------------------------------- generate --data


def test_generate_prefills_a_score_formatted_as_a_percentage_as_its_points(tmp_path):
    from xl_kpi.schemes.scheme import get_scheme_with_text
    from xl_kpi.workflow.generate import generate

    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门\nK1,甲,一部\nK2,乙,一部\n", encoding="utf-8")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["工号", "客户满意度", "客户投诉率"])
    ws.append(["K1", 0.9, 0.003])
    ws["B2"].number_format = "0%"
    ws.append(["K2", 0.9, 0.3])
    data = tmp_path / "data.xlsx"
    book.save(data)
    scheme, text = get_scheme_with_text("cs-quant")
    result = generate(scheme, text, roster, "2026-10", tmp_path / "out", data=data)
    assert "data.xlsx 工作表「Sheet」第3行 B列: 客户满意度应填 0~100 的分数, 收到 0.9; 如是 90%, 请填 90, 未预填" in texts(result.problems)
    assert any(n.startswith("data.xlsx 工作表「Sheet」第3行 C列: 客户投诉率 0.3 即 30%") for n in texts(result.notices))
    people = {p.identity["工号"]: p for p in read_filled_workbook(result.files[0]).people}
    assert people["K1"].inputs[("satisfaction", "satisfaction", "")].value == 90
    assert people["K2"].inputs[("satisfaction", "satisfaction", "")].value is None
