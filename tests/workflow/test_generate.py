"""`xl-kpi generate`: names, text safety, protection, validation, printing, languages, templates."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xl_kpi.base.errors import KpiError, SchemeError
from xl_kpi.base.findings import texts
from xl_kpi.cli import main
from xl_kpi.excel.fill import fill_workbook
from xl_kpi.excel.names import safe_file_stem, safe_sheet_name
from xl_kpi.excel.reader import read_filled_workbook
from xl_kpi.schemes.rules_text import read_rules_sheet
from xl_kpi.schemes.scheme import builtin_text, get_scheme, get_scheme_with_text
from xl_kpi.workflow.consolidate import consolidate
from xl_kpi.workflow.generate import generate

ROOT = Path(__file__).resolve().parents[2]
EVIL = '=HYPERLINK("http://x","点我")'


def roster(tmp_path: Path, rows: list[list[str]], name: str = "roster.csv") -> Path:
    path = tmp_path / name
    lines = ["工号,姓名,部门,岗位,直属主管,入职日期"] + [",".join(f'"{c}"' if "," in c or '"' in c else c for c in r) for r in rows]
    path.write_text("\n".join(lines).replace('""', '""') + "\n", encoding="utf-8")
    return path


def csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def people(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(
        "工号,姓名,部门,岗位,直属主管,入职日期\n"
        "K1,王芳,客服一部,客服专员,赵主管,2023-01-01\n"
        f"K2,{csv_cell(EVIL)},客服一部,客服专员,赵主管,\n"
        "K3,张伟,CON,客服专员,钱主管,\n"
        ",无号,客服二部,,,\n"
        "K1,重复,客服二部,,,\n",
        encoding="utf-8",
    )
    return path


def test_generate_per_department_with_problems_reported(people, tmp_path):
    result = run("generate", "--scheme", "cs-quant", "--roster", people, "--period", "2026-10", "--out", tmp_path / "out")
    assert result.exit_code == 1  # two roster rows had problems
    assert "roster.csv 第5行 A列: 工号为空, 此行未生成考核表" in result.output
    assert "roster.csv 第6行 A列: 工号 K1 与第2行重复, 此行未生成考核表" in result.output
    assert "已为 3 人生成 2 个工作簿" in result.output
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["2026-10-CON.xlsx", "2026-10-客服一部.xlsx"]  # "CON" is fine inside a longer name
    book = openpyxl.load_workbook(tmp_path / "out" / "2026-10-客服一部.xlsx")
    assert book.sheetnames[0] == "封面"
    assert {"规则", "_xlkpi"} <= set(book.sheetnames)
    assert book["_xlkpi"].sheet_state == "veryHidden"
    cover = book["封面"]
    assert [cover.cell(row=4, column=c).value for c in range(1, 9)] == ["序号", "工号", "姓名", "部门", "岗位", "直属主管", "入职日期", "工作表"]
    assert cover["G5"].value == "2023-01-01"  # other roster columns are kept


def test_roster_text_never_becomes_a_formula(people, tmp_path):
    scheme, text = get_scheme_with_text("cs-quant")
    generate(scheme, text, people, "2026-10", tmp_path / "out")
    book = openpyxl.load_workbook(tmp_path / "out" / "2026-10-客服一部.xlsx")
    sheet = next(n for n in book.sheetnames if n.startswith("K2-"))
    assert book[sheet]["D2"].value == EVIL and book[sheet]["D2"].data_type == "s"
    cover_cells = [c for row in book["封面"].iter_rows() for c in row if c.value == EVIL]
    assert cover_cells and all(c.data_type == "s" for c in cover_cells)
    for char in "[]:*?/\\":
        assert char not in sheet


def test_safe_names():
    taken: set[str] = set()
    long = safe_sheet_name("K9-" + "很长的名字" * 10, taken)
    assert len(long) == 31
    assert safe_sheet_name("a[b]c:d*e?f/g\\h", taken) == "a_b_c_d_e_f_g_h"
    assert safe_sheet_name("K9-" + "很长的名字" * 10, taken) == long[:29] + "~2"
    assert safe_sheet_name("规则", taken) == "规则~2"  # our own sheet names stay ours
    assert safe_sheet_name("History", taken) == "History~2"  # reserved by Excel
    files: set[str] = set()
    assert safe_file_stem("CON", files) == "_CON"
    assert safe_file_stem("com1.xlsx", files) == "_com1.xlsx"
    assert safe_file_stem("../../etc/passwd", files) == "_.._etc_passwd"
    assert safe_file_stem("a/b", files) == "a_b"
    assert safe_file_stem("A_B", files) == "A_B~2"  # Windows file names ignore case
    assert safe_file_stem("  ...", files) == "未命名"


def test_protection_validation_and_printing(people, tmp_path):
    scheme, text = get_scheme_with_text("cs-quant")
    generate(scheme, text, people, "2026-10", tmp_path / "out", password="s3cret")
    path = tmp_path / "out" / "2026-10-客服一部.xlsx"
    layout = read_filled_workbook(path)
    book = openpyxl.load_workbook(path)
    person = layout.people[0]
    ws = book[person.sheet]
    assert ws.protection.sheet and ws.protection.password  # hashed by openpyxl
    validated = set()
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            validated.add(rng.coord)
    for cell in [*person.inputs.values(), *person.pay_inputs.values()]:
        assert ws[cell.ref].protection.locked is False, cell.ref
        assert cell.ref in validated, f"{cell.ref} has no data validation"
    for cell in person.scores.values():
        assert ws[cell.ref].protection.locked is True
        assert str(ws[cell.ref].value).startswith("=")
    rubric = next(dv for dv in ws.data_validations.dataValidation if dv.type == "list")
    assert rubric.formula1 == '"10,8,6,4,0"'
    assert int(ws.page_setup.paperSize) == 9 and int(ws.page_setup.fitToWidth) == 1  # 9 = A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows in ("5:5", "$5:$5")
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("考核人签名" in t for t in texts)


def test_cs_table_layout_and_long_lists(tmp_path, people):
    scheme, text = get_scheme_with_text("cs-table")
    generate(scheme, text, people, "2026-10", tmp_path / "out")
    book = openpyxl.load_workbook(tmp_path / "out" / "2026-10-客服一部.xlsx")
    ws = book["K1-王芳"]
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    for label in ("项目", "考核的内容", "参考分数", "自评", "部门主管", "得分", "8-9", "总经理确认：______________"):
        assert label in values, label
    assert any(isinstance(v, str) and "考评结果个人占" in v and "40%" in v and "60%" in v for v in values)
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert '"40,39,38,37,36,35,34,33,32,31,30,29,28,27,26,25,24,23,22,21,20,19,18,17,16,15,14,13,12,11,10,9,8,7,6,5,4,3,2,1,0"' in lists

    # a rubric with 0..150 points cannot be an inline list (over 255 characters): it goes to _lists
    edited = text.replace("weight: 40\n        rule:\n          kind: rubric", "weight: 40\n        rule:\n          kind: rubric", 1)
    long_text = edited.replace("- points: 0-5\n              text: \"对待客户态度散漫，应付式、不礼貌，沟通时与客户发生语言冲突，客户严重投诉 2 次或 2 次以上\"",
                               "- points: 0-5\n              text: \"x\"")
    from xl_kpi.schemes.scheme import parse_scheme_text
    custom = parse_scheme_text(long_text.replace("id: cs-table", "id: cs-table-long").replace(
        "total: 100", "total: 100", 1), source="t")
    ind = custom.indicator("performance")
    from xl_kpi.schemes.rules import Level
    ind.rule.levels.append(Level(text="额外", text_hant="额外", low=__import__("decimal").Decimal(100), high=__import__("decimal").Decimal(150)))
    from xl_kpi.excel.sheets import SheetValidations, ValidationBook
    wb = openpyxl.Workbook()
    sv = SheetValidations(wb.active, ValidationBook(wb))
    sv.add("E6", ind.inputs[0], ind)
    (dv,) = wb.active.data_validations.dataValidation
    assert dv.formula1.startswith("'_lists'!$A$1:$A$")  # as Excel writes a list source: no '='
    assert wb["_lists"].sheet_state == "hidden" and wb["_lists"]["A1"].value == 150


def test_traditional_labels(people, tmp_path):
    scheme, text = get_scheme_with_text("cs-quant")
    generate(scheme, text, people, "2026-10", tmp_path / "out", lang="zh-Hant")
    book = openpyxl.load_workbook(tmp_path / "out" / "2026-10-客服一部.xlsx")
    ws = book["K1-王芳"]
    values = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"工號：", "指標", "客戶投訴率", "客戶滿意度", "考核期間："} <= values
    assert ws["A1"].value == "客戶服務人員KPI績效量化考核 (2026-10)"


def _visible_texts(ws):
    """(where, text) of every text, formula and validation message a person sees on a sheet."""
    out = [(c.coordinate, c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    for dv in ws.data_validations.dataValidation:
        out += [(f"{dv.sqref} {a}", getattr(dv, a)) for a in ("prompt", "error", "errorTitle") if getattr(dv, a)]
    return out


@pytest.mark.parametrize("scheme_id", ["cs-quant", "cs-table", "advisor-4s", "cs-smart"])
def test_traditional_sheets_have_no_simplified_text_left(scheme_id, tmp_path):
    """--lang zh-Hant: rule texts, instructions, in-cell messages and validation prompts are 繁體; what the
    roster says (names, departments, extra headers) and the sheet names the reader looks for stay as typed."""
    from xl_kpi.base.hant import to_hant
    from xl_kpi.schemes.describe import written_hant

    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管,入职日期\nK1,张伟,客服一部,客服专员,赵主管,2023-01-01\n"
                      "K2,刘洋,客服一部,客服专员,赵主管,\n", encoding="utf-8")
    scheme, text = get_scheme_with_text(scheme_id)
    peer = scheme_id == "cs-quant"
    result = generate(scheme, text, roster, "2026-10", tmp_path / "out", lang="zh-Hant", peer=peer)
    book = openpyxl.load_workbook(tmp_path / "out" / "2026-10-客服一部.xlsx")
    assert "K1-张伟" in book.sheetnames and "规则" in book.sheetnames  # sheet names as before
    typed = {"K1", "K2", "张伟", "刘洋", "客服一部", "客服专员", "赵主管", "2023-01-01", "入职日期", "2026-10", "K1-张伟", "K2-刘洋"}
    sheets = [book[n] for n in book.sheetnames if book[n].sheet_state == "visible" and n != "规则"]
    if peer:
        sheets += [openpyxl.load_workbook(f).active for f in result.peer_files]
    written = written_hant(scheme)  # the scheme's own 繁體, kept as written
    left = [(ws.title, where, t) for ws in sheets for where, t in _visible_texts(ws) if t not in typed and to_hant(t, written) != t]
    assert not left
    seen = {t for ws in sheets for _, t in _visible_texts(ws)}
    assert typed - {"入职日期"} - ({"2023-01-01"} if peer else set()) <= seen  # the roster's values, unchanged
    cover = book["封面"] if "封面" in book.sheetnames else book.worksheets[0]
    assert cover["A2"].value == "請在各人的工作表中只填寫黃色單元格 (選中時有提示); 得分、總分和等級會自動計算。"
    assert cover["A3"].value == "不要改工作表名稱和公式; 填好後保存, 用郵件發回人力資源部。"
    if peer:  # OpenCC read 保存并发回 as 保存 + 并发 (concurrent): 保存併發回; the text avoids the pair
        assert openpyxl.load_workbook(result.peer_files[0]).active["A3"].value.endswith("填好後保存, 發回人力資源部。")
    formulas = " ".join(t for _, t in _visible_texts(book["K1-张伟"]) if t.startswith("="))
    assert "請填數字" in formulas and "请填数字" not in formulas
    if scheme_id == "advisor-4s":  # the scheme's own 繁體 is kept as written: OpenCC alone would write 接車臺次
        person = " ".join(t for _, t in _visible_texts(book["K1-张伟"]))
        assert "接車台次" in person and "接車臺次" not in person


def test_traditional_sheets_consolidate_like_simplified_ones(tmp_path):
    """The same inputs in a 简体 and a 繁體 workbook give the same totals, with no formula reported as edited."""
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\nK1,张伟,客服一部,客服专员,赵主管\nK2,刘洋,客服一部,客服专员,赵主管\n",
                      encoding="utf-8")
    scheme, text = get_scheme_with_text("cs-quant")
    from strategies import CS_QUANT_DOCUMENT_EXAMPLE

    values = {"K1": dict(CS_QUANT_DOCUMENT_EXAMPLE),
              "K2": {**CS_QUANT_DOCUMENT_EXAMPLE, ("knowledge_test", "knowledge_test", ""): "很好"}}  # text: 请填数字
    totals = {}
    for lang in ("zh-Hans", "zh-Hant"):
        out = tmp_path / lang
        (made,) = generate(scheme, text, roster, "2026-10", out / "gen", lang=lang).files
        filled = out / "back" / made.name
        fill_workbook(made, filled, values)
        result = consolidate([filled])
        assert not [i for i in result.issues if "公式" in i.message or "手工" in i.message], lang
        totals[lang] = [(p.identity.get("工号"), p.score.total, [i.message for i in p.issues]) for p in result.people]
    assert totals["zh-Hans"] == totals["zh-Hant"]
    (k1, total_1, issues_1), (k2, total_2, issues_2) = totals["zh-Hant"]
    assert (k1, total_1, issues_1) == ("K1", 86, [])
    assert k2 == "K2" and total_2 is None and any("请填数字, 单元格中是文字「很好」" in m for m in issues_2)


def test_split_person_and_prefill(people, tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("工号,客户投诉率,客户满意度,绩效奖金基数\nK1,0.3%,89.5,1000\nK3,abc,90,\n", encoding="utf-8")
    scheme, text = get_scheme_with_text("cs-quant")
    result = generate(scheme, text, people, "2026-10", tmp_path / "out", split="person", data=data)
    assert len(result.files) == 3
    assert any("data.csv 第3行 B列: 客户投诉率应为数字, 收到文字「abc」, 未预填" == p for p in texts(result.problems))
    path = next(f for f in result.files if "-K1-" in f.name)
    assert path.name == "2026-10-客服一部-K1-王芳.xlsx"
    (person,) = read_filled_workbook(path).people
    assert person.inputs[("complaint_rate", "complaint_rate", "")].value == pytest.approx(0.003)
    assert person.inputs[("satisfaction", "satisfaction", "")].value == 89.5
    assert person.pay_inputs["bonus_base"].value == 1000


def test_data_rows_that_fit_nobody_are_reported_not_dropped(people, tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("工号,客户投诉率\nK1,0.3%\nK1,0.9%\nK9999,0.1%\n", encoding="utf-8")
    scheme, text = get_scheme_with_text("cs-quant")
    result = generate(scheme, text, people, "2026-10", tmp_path / "out", split="person", data=data)
    assert "data.csv 第3行 A列: 工号 K1 重复 (已在 第2行 A列), 本行未预填" in texts(result.problems)
    assert "data.csv: 工号 K9999 不在花名册中, 其数据未预填" in texts(result.problems)
    path = next(f for f in result.files if "-K1-" in f.name)
    (person,) = read_filled_workbook(path).people
    assert person.inputs[("complaint_rate", "complaint_rate", "")].value == pytest.approx(0.003)  # the first row


def generate_from_texts(tmp_path, roster_csv: str, data_csv: str):
    """cs-quant sheets for 2026-10 from a roster and a --data file given as CSV texts."""
    roster, data = tmp_path / "roster.csv", tmp_path / "data.csv"
    roster.write_text(roster_csv, encoding="utf-8")
    data.write_text(data_csv, encoding="utf-8")
    scheme, text = get_scheme_with_text("cs-quant")
    return generate(scheme, text, roster, "2026-10", tmp_path / "out", data=data)


def test_data_ids_that_lost_their_leading_zeros_are_pointed_out(tmp_path):
    result = generate_from_texts(tmp_path, "工号,姓名,部门,岗位,直属主管\n001002,王芳,客服一部,客服专员,李主管\n",
                                 "工号,客户投诉率\n1002,0.3%\n")
    assert any("工号 1002 不在花名册中" in p and "花名册中有 001002" in p for p in texts(result.problems)), texts(result.problems)


def test_data_values_the_sheet_would_refuse_are_reported_not_prefilled(tmp_path):
    result = generate_from_texts(tmp_path, "工号,姓名,部门,岗位,直属主管\nK1,王芳,客服一部,客服专员,李主管\n",
                                 "工号,问题解决率,客户满意度,平均响应时间,业务知识掌握程度,知识考核\nK1,150%,-5,10,100,90\n")
    assert "data.csv 第2行 B列: 问题解决率应不大于 100%, 收到 150%, 未预填" in texts(result.problems), texts(result.problems)
    assert "data.csv 第2行 C列: 客户满意度不能为负数, 收到 -5, 未预填" in texts(result.problems), texts(result.problems)
    (person,) = read_filled_workbook(result.files[0]).people
    assert person.inputs[("resolution_rate", "resolution_rate", "")].value is None
    assert person.inputs[("satisfaction", "satisfaction", "")].value is None
    # at the edges the values are taken
    assert person.inputs[("response_time", "response_time", "")].value == 10
    assert person.inputs[("knowledge_test", "knowledge_test", "")].value == 100
    # a column the scheme does not know is said, not silently dropped; it is not a problem
    assert texts(result.notices) == ["data.csv: 以下列不是方案 cs-quant 的指标, 未预填: 知识考核"]
    assert not any("知识考核" in p for p in texts(result.problems))


def test_data_without_any_indicator_column_is_an_error(tmp_path):
    with pytest.raises(KpiError, match="data.csv: 数据文件中没有方案 cs-quant 的指标列.*现有: 工号, 投诉率"):
        generate_from_texts(tmp_path, "工号,姓名,部门,岗位,直属主管\nK1,王芳,客服一部,客服专员,李主管\n",
                            "工号,投诉率\nK1,0.3%\n")


def test_roster_people_without_a_department_are_reported(tmp_path):
    result = generate_from_texts(tmp_path, "工号,姓名,部门,岗位,直属主管\nK1,王芳,客服一部,客服专员,李主管\n"
                                 "K2,李雷,,客服专员,李主管\n", "工号,客户投诉率\nK1,0.3%\n")
    assert texts(result.problems) == ["roster.csv 第3行 C列: 李雷 的部门为空, 归入「未分部门」"]
    assert sorted(f.name for f in result.files) == ["2026-10-客服一部.xlsx", "2026-10-未分部门.xlsx"]
    (tmp_path / "no-column").mkdir()
    result = generate_from_texts(tmp_path / "no-column", "工号,姓名\nK1,王芳\nK2,李雷\n", "工号,客户投诉率\nK1,0.3%\n")
    assert texts(result.problems) == ["roster.csv: 花名册没有「部门」列, 所有人归入「未分部门」"]


def test_udf_formulas(people, tmp_path):
    scheme, text = get_scheme_with_text("advisor-4s")
    generate(scheme, text, people, "2026-10", tmp_path / "out", mode="udf")
    book = read_filled_workbook(tmp_path / "out" / "2026-10-客服一部.xlsx")
    person = book.people[0]
    ws = openpyxl.load_workbook(book.path)[person.sheet]
    sat = person.scores["satisfaction"].ref
    assert ws[sat].value.startswith('=IF(OR(') and 'KPI_SCORE("advisor-4s","satisfaction",' in ws[sat].value
    safety = ws[person.scores["safety"].ref].value
    a = person.inputs[("safety", "safety_violations", "")].ref
    b = person.inputs[("safety", "safety_accidents", "")].ref
    assert safety == f'=IF(OR({a}="",{b}=""),"",KPI_SCORE("advisor-4s","safety",{a},{b}))'
    q_scheme, q_text = get_scheme_with_text("cs-quant")
    generate(q_scheme, q_text, people, "2026-10", tmp_path / "q", mode="udf")
    qbook = read_filled_workbook(tmp_path / "q" / "2026-10-客服一部.xlsx")
    qws = openpyxl.load_workbook(qbook.path)[qbook.people[0].sheet]
    ref = qbook.people[0].inputs[("complaint_rate", "complaint_rate", "")].ref
    assert qws[qbook.people[0].scores["complaint_rate"].ref].value == f'=IF(OR({ref}=""),"",KPI_COMPLAINT({ref}))'


def test_udf_formulas_in_hant_show_their_checks_in_hant(people, tmp_path):
    """With --formulas udf --lang zh-Hant, the checks around KPI_COMMISSION (计划销售额请填数字 …) stayed 简体
    while the native build and the wage cell next to it were 繁體; the KPI_* arguments stay as written."""
    from xl_kpi.base.hant import _LITERAL, _udf_calls, to_hant

    scheme, text = get_scheme_with_text("cs-table")
    generate(scheme, text, people, "2026-10", tmp_path / "out", mode="udf", lang="zh-Hant")
    book = openpyxl.load_workbook(next((tmp_path / "out").glob("*.xlsx")))
    formulas = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=") and "KPI_" in c.value and not c.value.isascii()]
    assert any("KPI_COMMISSION" in f and "計劃銷售額請填數字" in f for f in formulas), formulas
    for f in formulas:
        calls = _udf_calls(f)
        for m in _LITERAL.finditer(f):
            if not any(a <= m.start() < b for a, b in calls):
                assert m.group(0) == to_hant(m.group(0)), f


def test_bad_period_and_options(people, tmp_path):
    scheme, text = get_scheme_with_text("cs-quant")
    with pytest.raises(KpiError, match="YYYY-MM"):
        generate(scheme, text, people, "2026-13", tmp_path)
    result = run("generate", "--scheme", "cs-quant", "--roster", people, "--period", "Oct", "--out", tmp_path)
    assert result.exit_code == 2 and "考核期间应写成 YYYY-MM" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("编号,名字\n1,a\n", encoding="utf-8")
    result = run("generate", "--scheme", "cs-quant", "--roster", bad, "--period", "2026-10", "--out", tmp_path)
    assert result.exit_code == 2 and "花名册应有「工号」和「姓名」列" in result.output


# --------------------------------------------------------------------------- templates and the 规则 sheet


def test_committed_templates_match_the_schemes(tmp_path):
    from xl_kpi.schemes.scheme import builtin_ids

    for sid in builtin_ids():
        committed = ROOT / "workbook_templates" / f"{sid}.xlsx"
        assert committed.is_file(), f"run `xl-kpi templates build` and commit {committed}"
        assert read_rules_sheet(committed).strip() == builtin_text(sid).strip()
    result = run("templates", "build", "--out", tmp_path)
    assert result.exit_code == 0
    for sid in builtin_ids():
        fresh = openpyxl.load_workbook(tmp_path / f"{sid}.xlsx")
        old = openpyxl.load_workbook(ROOT / "workbook_templates" / f"{sid}.xlsx")
        assert fresh.sheetnames == old.sheetnames
        for name in fresh.sheetnames:
            a = [[c.value for c in row] for row in fresh[name].iter_rows()]
            b = [[c.value for c in row] for row in old[name].iter_rows()]
            assert a == b, f"workbook_templates/{sid}.xlsx sheet {name} is stale: run `xl-kpi templates build`"


def _edit_rules(template: Path, out: Path, old: str, new: str) -> Path:
    book = openpyxl.load_workbook(template)
    ws = book["规则"]
    hits = 0
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and old in c.value:
                c.value = c.value.replace(old, new)
                hits += 1
    assert hits == 1, f"{old!r} found {hits} times"
    book.save(out)
    return out


def test_edited_rules_sheet_is_honoured(tmp_path, people):
    """HR changes the complaint deduction from 2 to 3 points per step in the template's 规则 sheet."""
    template = _edit_rules(ROOT / "workbook_templates" / "cs-quant.xlsx", tmp_path / "mine.xlsx",
                           "points_per_step: 2", "points_per_step: 3")
    scheme = get_scheme(template)
    assert scheme.indicator("complaint_rate").rule.points_per_step == 3
    out = tmp_path / "out"
    result = run("generate", "--scheme", template, "--roster", people, "--period", "2026-10", "--out", out)
    assert "已为 3 人生成" in result.output
    path = out / "2026-10-客服一部.xlsx"
    values = {"K1": {("complaint_rate", "complaint_rate", ""): 0.003}}
    fill_workbook(path, path, values)
    summary = consolidate([path])
    k1 = next(p for p in summary.people if p.identity["工号"] == "K1")
    assert k1.score.points("complaint_rate") == 20 - 3 * 3  # the edited rule, not the document's 14


def test_nonsense_rules_sheet_is_a_clear_error(tmp_path, people):
    template = _edit_rules(ROOT / "workbook_templates" / "cs-quant.xlsx", tmp_path / "bad.xlsx",
                           "    weight: 40", "    weight: 45")
    with pytest.raises(SchemeError) as info:
        get_scheme(template)
    assert "bad.xlsx 工作表「规则」" in str(info.value) and "分组 客户服务质量: 指标权重之和为 40 (客户投诉率 20 + 客户满意度 20), 与分组权重 45 不符" in str(info.value)
    overlap = _edit_rules(ROOT / "workbook_templates" / "cs-quant.xlsx", tmp_path / "overlap.xlsx",
                          "- {at_most: 30, points: 10}", "- {at_most: 5, points: 10}")
    result = run("generate", "--scheme", overlap, "--roster", people, "--period", "2026-10", "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert "分段重叠或顺序不对: ≤10 之后是 ≤5" in result.output


def test_tampered_rules_in_a_returned_file_are_reported(tmp_path, people):
    scheme, text = get_scheme_with_text("cs-quant")
    (path, *_) = generate(scheme, text, people, "2026-10", tmp_path / "out").files
    tampered = _edit_rules(path, path, "points_per_step: 2", "points_per_step: 0.5")
    result = consolidate([tampered])
    assert result.files_failed == 1
    assert "「规则」工作表与生成时不一致" in result.issues[0].message


def test_pay_amounts_from_the_roster_and_data(tmp_path):
    result = generate_from_texts(tmp_path, "工号,姓名,部门,绩效奖金基数\nK1,王芳,一部,1200\nK2,李娜,一部,abc\nK3,张伟,一部,1000\n",
                                 "工号,绩效奖金基数\nK3,1500\n")
    assert "roster.csv 第3行 绩效奖金基数: 绩效奖金基数应为数字, 收到文字「abc」, 未预填" in texts(result.problems)
    people = {p.identity["工号"]: p for p in read_filled_workbook(result.files[0]).people}
    assert people["K1"].pay_inputs["bonus_base"].value == 1200
    assert people["K2"].pay_inputs["bonus_base"].value is None
    assert people["K3"].pay_inputs["bonus_base"].value == 1500  # the data file wins over the roster


def test_a_roster_row_without_a_name_is_told(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门\nK1,王芳,一部\nK2,,一部\n", encoding="utf-8")
    result = run("generate", "--scheme", "cs-quant", "--roster", roster, "--period", "2026-10", "--out", tmp_path / "o")
    assert "roster.csv 第3行 B列: 工号 K2 的姓名为空, 考核表上姓名一栏空着" in result.output, result.output
    assert openpyxl.load_workbook(tmp_path / "o" / "2026-10-一部.xlsx").sheetnames[1:3] == ["K1-王芳", "K2"]


def test_names_and_messages_excel_accepts(tmp_path):
    """Checked without Excel, these made Excel repair the file: a sheet name over 31 UTF-16 units (an emoji counts
    two) or ending with an apostrophe, a validation message over 255 characters, a list source written with '='."""
    from xl_kpi.excel.names import safe_sheet_name
    from xl_kpi.excel.sheets import PROMPT_LIMIT, capped

    name = safe_sheet_name("K1-" + "😀" * 20, set())
    assert len(name.encode("utf-16-le")) // 2 <= 31 and name.startswith("K1-😀")
    assert not safe_sheet_name("K3-" + "a" * 27 + "'b", set()).endswith("'")
    long = "可选分值: " + "、".join(str(i) for i in range(200))
    assert len(capped(long).encode("utf-16-le")) // 2 <= PROMPT_LIMIT and capped(long).endswith("…")
    assert capped("请输入 0~100 的分数") == "请输入 0~100 的分数"
    # every validation of every generated scheme: messages within the limit, list sources without '='
    from xl_kpi.schemes.scheme import builtin_ids, get_scheme_with_text

    roster = tmp_path / "r.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\nK1,张三,一部,客服,李四\n", encoding="utf-8")
    for sid in builtin_ids():
        scheme, text = get_scheme_with_text(sid)
        (path,) = generate(scheme, text, roster, "2026-10", tmp_path / sid).files
        for ws in openpyxl.load_workbook(path).worksheets:
            for dv in ws.data_validations.dataValidation:
                for message in (dv.prompt, dv.error):
                    assert message is None or len(message.encode("utf-16-le")) // 2 <= PROMPT_LIMIT, (sid, message)
                assert not (dv.type == "list" and str(dv.formula1).startswith("=")), (sid, dv.formula1)
