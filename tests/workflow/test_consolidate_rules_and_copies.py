"""Consolidation with --scheme keeps the rules a workbook was generated with; copies of a sheet that add nothing
do not compete with the filled one, and copies that do compete are named and compared plainly."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from libreoffice import recalc
from openpyxl import load_workbook
from strategies import CS_QUANT_DOCUMENT_EXAMPLE

from xl_kpi.excel.fill import fill_workbook
from xl_kpi.schemes.scheme import builtin_scheme, get_scheme, get_scheme_with_text
from xl_kpi.workflow.consolidate import Issue, consolidate
from xl_kpi.workflow.generate import generate

ROOT = Path(__file__).resolve().parents[2]
DOC = {**CS_QUANT_DOCUMENT_EXAMPLE, "pay|bonus_base": 1000}  # complaint 14 + satisfaction 16 + the rest 56 = 86
COMPLAINT = ("complaint_rate", "complaint_rate", "")
SATISFACTION = ("satisfaction", "satisfaction", "")
BOOK = "2026-10-客服一部.xlsx"


def _roster(tmp: Path, ids: list[str]) -> Path:
    roster = tmp / "roster.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\n" + "".join(f"{pid},员工{pid},客服一部,客服专员,主管\n" for pid in ids),
                      encoding="utf-8")
    return roster


def _fill(generated: Path, target: Path, values: dict) -> None:
    """A supervisor's filled copy of the generated workbook, saved at ``target`` (its folder made)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fill_workbook(generated, target, values)


def _generate(tmp: Path, ids: list[str], scheme_ref: str | Path = "cs-quant", data: Path | None = None) -> Path:
    scheme, text = get_scheme_with_text(scheme_ref)
    (generated,) = generate(scheme, text, _roster(tmp, ids), "2026-10", tmp / "生成", data=data).files
    return generated


# --------------------------------------------------------------------------- --scheme and the workbook's own rules


def _edited_template(tmp: Path) -> Path:
    """A company's copy of the cs-quant template: complaint steps of 0.2% (not 0.1%), 16 points from 85 (not 80)."""
    book = load_workbook(ROOT / "workbook_templates" / "cs-quant.xlsx")
    edits = {"step: 0.1%": "step: 0.2%", "{at_least: 80, points: 16}": "{at_least: 85, points: 16}"}
    done = 0
    for (cell,) in book["规则"].iter_rows(max_col=1):
        for old, new in edits.items():
            if isinstance(cell.value, str) and old in cell.value:
                cell.value = cell.value.replace(old, new)
                done += 1
    assert done == 2
    path = tmp / "my-cs-quant.xlsx"
    book.save(path)
    return path


OWN = {"K1": DOC, "K2": {**DOC, COMPLAINT: 0, SATISFACTION: 82}}
# by the company's rules: K1 18 + 16 + 56, K2 20 + 12 + 56; by cs-quant as shipped: 14 + 16 + 56 and 20 + 16 + 56
OWN_TOTALS = {"K1": Decimal(90), "K2": Decimal(88)}
OWN_ISSUE = "本文件生成时用的规则与 --scheme 指定的 cs-quant 不同 (客户投诉率、客户满意度的规则不同); 本文件按自身规则计分"


def _own_rules_folder(tmp: Path) -> tuple[Path, Path]:
    template = _edited_template(tmp)
    generated = _generate(tmp, list(OWN), template)
    folder = tmp / "回收"
    _fill(generated, folder / BOOK, OWN)
    return folder, template


def _totals(result) -> dict[str, Decimal | None]:
    return {p.identity["工号"]: p.score.total for p in result.people}


def test_scheme_given_does_not_replace_the_rules_a_workbook_was_generated_with(tmp_path):
    folder, template = _own_rules_folder(tmp_path)
    assert _totals(consolidate([folder])) == OWN_TOTALS and not consolidate([folder]).issues
    given = consolidate([folder], scheme=builtin_scheme("cs-quant"))
    assert _totals(given) == OWN_TOTALS  # before: 86 and 92, by the rules as shipped
    assert given.issues == [Issue(BOOK, "规则", "", OWN_ISSUE)]
    # the company's own scheme given: the same rules, nothing to say
    same = consolidate([folder], scheme=get_scheme(template))
    assert _totals(same) == OWN_TOTALS and same.issues == []


def test_scheme_given_does_not_blame_the_sheets_calculated_by_their_own_rules(tmp_path):
    """Recalculated by LibreOffice, the sheets show 90 and 88: before, each score the edit changed was reported
    as 可能被手工改动 (显示 18, 按规则应为 14)."""
    folder, _template = _own_rules_folder(tmp_path)
    (calculated,) = recalc([folder / BOOK], tmp_path / "lo")
    result = consolidate([calculated], scheme=builtin_scheme("cs-quant"))
    assert _totals(result) == OWN_TOTALS
    assert result.issues == [Issue(BOOK, "规则", "", OWN_ISSUE)]


def _edit_rules_after_generation(path: Path) -> None:
    """HR or a supervisor edits a returned workbook's 规则 sheet: complaint steps of 0.2% instead of 0.1%."""
    book = load_workbook(path)
    for (cell,) in book["规则"].iter_rows(max_col=1):
        if isinstance(cell.value, str) and "step: 0.1%" in cell.value:
            cell.value = cell.value.replace("0.1%", "0.2%")
    book.save(path)


def test_rules_edited_after_generation_are_reported_and_the_scheme_given_is_used(tmp_path):
    """Only the rules the workbook was generated with are its own: a 规则 sheet edited afterwards is not trusted,
    and its formulas are not compared with formulas written from the edited rules (before: 得分公式被修改)."""
    generated = _generate(tmp_path, ["K1"])
    folder = tmp_path / "回收"
    _fill(generated, folder / BOOK, {"K1": DOC})
    _edit_rules_after_generation(folder / BOOK)
    result = consolidate([folder], scheme=builtin_scheme("cs-quant"))
    assert _totals(result) == {"K1": Decimal(86)}
    assert result.issues == [Issue(BOOK, "规则", "", "「规则」工作表与生成时不一致 (规则被改动), 未采用; 按 --scheme 指定的 cs-quant 计分")]
    (refused,) = consolidate([folder]).issues
    assert "规则被改动" in refused.message


def test_a_file_with_edited_rules_is_no_reference_for_the_untouched_ones(tmp_path):
    """Two departments generated together, the first file's 规则 sheet edited afterwards: only that file is told about.
    Before, its edited rules became the reference and the untouched file got 规则与 … 不同 (a false problem)."""
    generated = _generate(tmp_path, ["K1"])
    second = generated.with_name("2026-10-客服二部.xlsx")
    shutil.copy(generated, second)  # the same rules, as generate writes them for every department
    folder = tmp_path / "回收"
    _fill(generated, folder / BOOK, {"K1": DOC})
    _fill(second, folder / second.name, {"K1": DOC})
    _edit_rules_after_generation(folder / BOOK)
    result = consolidate([folder], scheme=builtin_scheme("cs-quant"))
    rules_issues = [(i.file, i.message) for i in result.issues if i.sheet == "规则"]
    assert rules_issues == [(BOOK, "「规则」工作表与生成时不一致 (规则被改动), 未采用; 按 --scheme 指定的 cs-quant 计分")]


# --------------------------------------------------------------------------- copies of one person's sheet

SIX = [f"K100{i}" for i in range(1, 7)]
ZHAO, QIAN = Path("赵主管", BOOK), Path("钱主管", BOOK)


def _two_leads(tmp: Path, zhao: dict, qian: dict, data: Path | None = None) -> Path:
    """The department workbook returned twice, by 赵主管 and by 钱主管, each in a folder of their own."""
    generated = _generate(tmp, SIX, data=data)
    folder = tmp / "回收"
    _fill(generated, folder / ZHAO, zhao)
    _fill(generated, folder / QIAN, qian)
    return folder


def test_two_leads_each_filling_their_own_people_score_the_whole_department(tmp_path):
    folder = _two_leads(tmp_path, {p: DOC for p in SIX[:3]}, {p: DOC for p in SIX[3:]})
    result = consolidate([folder])
    assert _totals(result) == {p: Decimal(86) for p in SIX}  # before: None for all six, 6 conflicts
    assert result.issues == []
    assert [p.file for p in result.people] == [folder / ZHAO] * 3 + [folder / QIAN] * 3
    assert [p.rank for p in result.people] == [1] * 6 and all(p.pay["绩效奖金"] == 860 for p in result.people)


def test_data_prefilled_by_generate_does_not_make_a_copy_compete(tmp_path, write_csv):
    """With generate --data every copy holds the pre-filled 客户投诉率: a copy holding nothing more adds nothing."""
    data = write_csv("data.csv", [["工号", "客户投诉率"], *([p, "0.3%"] for p in SIX)])
    folder = _two_leads(tmp_path, {p: DOC for p in SIX[:3]}, {p: DOC for p in SIX[3:]}, data=data)
    result = consolidate([folder])
    assert _totals(result) == {p: Decimal(86) for p in SIX}
    assert result.issues == []


def test_a_person_nobody_filled_is_reported_once(tmp_path):
    folder = _two_leads(tmp_path, {p: DOC for p in SIX[:2]}, {p: DOC for p in SIX[3:]})
    result = consolidate([folder])
    assert _totals(result) == {**{p: Decimal(86) for p in SIX}, "K1003": None}
    assert result.issues == [Issue(str(ZHAO), "K1003-员工K1003", "", "整张考核表未填写", "K1003")]


def test_two_filled_copies_that_differ_are_named_by_their_folders(tmp_path):
    folder = _two_leads(tmp_path, {p: DOC for p in SIX[:3]},
                        {"K1001": {**DOC, SATISFACTION: 95}, **{p: DOC for p in SIX[3:]}})
    result = consolidate([folder])
    assert _totals(result) == {**{p: Decimal(86) for p in SIX}, "K1001": None}
    message = (f"工号 K1001 重复, 两份计分不同: {ZHAO} 工作表「K1001-员工K1001」总分 86, "
               f"{QIAN} 工作表「K1001-员工K1001」总分 90 (不同之处: 客户满意度 89.5 与 95); "
               f"不知以哪份为准, 未计分, 请只保留正确的一份后重新汇总")
    assert result.issues == [Issue(str(QIAN), "K1001-员工K1001", "B2", message, "K1001")]
    (k1001,) = [p for p in result.people if p.identity["工号"] == "K1001"]
    assert k1001.issues == result.issues and k1001.pay == {} and k1001.rank is None


def _copies(tmp: Path, bases: list[int], names: str = "abc") -> Path:
    """One person's sheet filled alike but for 绩效奖金基数, once per base, in a.xlsx, b.xlsx, …"""
    tmp.mkdir(exist_ok=True)
    generated = _generate(tmp, ["K1"])
    folder = tmp / "回收"
    for name, base in zip(names, bases):
        _fill(generated, folder / f"{name}.xlsx", {"K1": {**DOC, "pay|bonus_base": base}})
    return folder


def test_copies_that_differ_in_a_pay_input_say_what_differs(tmp_path):
    result = consolidate([_copies(tmp_path, [1000, 1200])])
    message = ("工号 K1 重复, 两份计分不同: a.xlsx 工作表「K1-员工K1」总分 86, b.xlsx 工作表「K1-员工K1」总分 86 "
               "(不同之处: 绩效奖金基数 1000 与 1200); 不知以哪份为准, 未计分, 请只保留正确的一份后重新汇总")
    assert result.issues == [Issue("b.xlsx", "K1-员工K1", "B2", message, "K1")]
    assert _totals(result) == {"K1": None}


def test_a_third_copy_is_compared_with_the_first_as_it_was_read(tmp_path):
    """Before, the third copy was compared with the first after the conflict had cleared its total: 未得出总分."""
    result = consolidate([_copies(tmp_path, [1000, 1200, 1500])])
    messages = [i.message for i in result.issues]
    assert [i.file for i in result.issues] == ["b.xlsx", "c.xlsx"]
    assert messages[1] == ("工号 K1 重复, 两份计分不同: a.xlsx 工作表「K1-员工K1」总分 86, c.xlsx 工作表「K1-员工K1」总分 86 "
                           "(不同之处: 绩效奖金基数 1000 与 1500); 不知以哪份为准, 未计分, 请只保留正确的一份后重新汇总")
    assert not any("未得出总分" in m for m in messages)
    # a third copy like the first is a plain duplicate, though the second one leaves the person unscored
    alike = consolidate([_copies(tmp_path / "alike", [1000, 1200, 1000])])
    assert [i.message for i in alike.issues][1] == "工号 K1 重复: 与 a.xlsx 工作表「K1-员工K1」 计分相同, 只计一次; 请删除多余的一份"
    assert _totals(alike) == {"K1": None}


def test_a_copy_filled_in_part_with_the_same_values_yields_to_the_full_one(tmp_path):
    generated = _generate(tmp_path, ["K1"])
    folder = tmp_path / "回收"
    _fill(generated, folder / "a.xlsx", {"K1": {SATISFACTION: DOC[SATISFACTION]}})
    _fill(generated, folder / "b.xlsx", {"K1": DOC})
    result = consolidate([folder])
    assert _totals(result) == {"K1": Decimal(86)} and result.issues == []
    assert result.people[0].file == folder / "b.xlsx"


@pytest.mark.parametrize("order", ["filled first", "blank first"])
def test_a_blank_copy_beside_a_filled_one_is_left_out_whatever_the_order(tmp_path, order):
    generated = _generate(tmp_path, ["K1"])
    folder = tmp_path / "回收"
    blank, filled = ("b.xlsx", "a.xlsx") if order == "filled first" else ("a.xlsx", "b.xlsx")
    folder.mkdir()
    shutil.copyfile(generated, folder / blank)
    _fill(generated, folder / filled, {"K1": DOC})
    result = consolidate([folder])
    assert _totals(result) == {"K1": Decimal(86)} and result.issues == []
    assert result.people[0].file == folder / filled


def test_a_full_width_id_is_the_same_person_in_two_returned_files(tmp_path):
    """The same person generated once from a roster typing K1 and once from one typing Ｋ1 (a Chinese IME):
    consolidate counted two people; by the one identity rule (tables.id_key) they are copies of one."""
    from strategies import CS_QUANT_DOCUMENT_EXAMPLE as DOC

    from xl_kpi.excel.fill import fill_workbook
    from xl_kpi.schemes.scheme import get_scheme_with_text
    from xl_kpi.workflow.generate import generate

    scheme, text = get_scheme_with_text("cs-quant")
    back = tmp_path / "回收"
    for n, pid in enumerate(("K1", "Ｋ1")):
        roster = tmp_path / f"r{n}.csv"
        roster.write_text(f"工号,姓名,部门,岗位,直属主管\n{pid},张三,一部,客服,李四\n", encoding="utf-8")
        (made,) = generate(scheme, text, roster, "2026-10", tmp_path / f"gen{n}").files
        fill_workbook(made, back / f"第{n + 1}份" / made.name, {pid: DOC})
    result = consolidate([back])
    assert len(result.people) == 1 and result.people[0].score.total == 86
