"""Copies of one person's sheet (a file sent twice, a corrected copy beside the old one, two team leads each
filling their own people): which copy counts, and what to say about the others."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from xl_kpi.base.errors import KpiError
from xl_kpi.base.findings import Finding as Issue
from xl_kpi.base.numbers import fmt, plain, to_decimal
from xl_kpi.engine.score import ItemScore, PersonScore, Problem
from xl_kpi.schemes.scheme import Scheme
from xl_kpi.workflow.results import PAY_INPUT_NAMES, PersonResult


def settle_copies(copies: list[PersonResult], shown: dict[Path, str],
                  scheme: Scheme | None) -> tuple[PersonResult, dict[int, list[Issue]]]:
    """The copy of a person's sheet that counts, and the issues to report in each copy's place (by id()).

    Copies come from a file sent twice, a corrected copy beside the old one, or a department workbook
    returned by two team leads who each filled only their own people.  A copy that adds nothing to
    another (nothing typed, or only what the other holds too, such as the data generate pre-filled)
    is left out quietly with its issues: its 整张考核表未填写 or 为空 beside a filled copy would be
    wrong, and comparing it would leave the person unscored.  The other copies are compared with the
    first one left (_copy_issue); when any scores differently, the person is left without a total."""
    typed = [_typed(c) for c in copies]
    counted = [c for i, c in enumerate(copies) if not _adds_nothing(i, typed)]
    kept = counted[0]
    told: dict[int, list[Issue]] = {id(c): [] for c in copies}
    told[id(kept)] = list(kept.issues)
    conflicts: list[str] = []
    for other in counted[1:]:
        issue, differs = _copy_issue(kept, other, shown, scheme)
        told[id(other)] = [*other.issues, issue]
        kept.issues.append(issue)  # on the kept row too, so its 问题数 shows it
        if differs:
            conflicts.append(issue.message)
    if conflicts:
        _unscore(kept, conflicts)
    return kept, told


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _typed(pr: PersonResult) -> dict[Any, Any]:
    """What a person's sheet holds in its input cells, by input key ("pay|bonus_base" for a pay input)."""
    if pr.source is None:
        return {}
    cells = {**pr.source.inputs, **{f"pay|{k}": c for k, c in pr.source.pay_inputs.items()}}
    # a formula never calculated is something typed (not a blank to be filled from another copy)
    return {key: f"={cell.formula}" if cell.uncalculated else cell.value for key, cell in cells.items()
            if cell.uncalculated or not is_blank(cell.value)}


def _adds_nothing(i: int, typed: list[dict[Any, Any]]) -> bool:
    """Copy i holds nothing that another copy lacks: every value it holds is in that copy too, which
    holds more; or, among blank copies, it is not the first."""
    mine = typed[i]
    for j, theirs in enumerate(typed):
        if j != i and all(key in theirs and theirs[key] == value for key, value in mine.items()):
            if len(theirs) > len(mine) or (not mine and j < i):
                return True
    return False


def _same_result(a: PersonResult, b: PersonResult) -> bool:
    """Two sheets of one person that score alike: every indicator, the total and the pay."""
    return (a.score.total == b.score.total and a.pay == b.pay
            and [i.points for i in a.score.items] == [i.points for i in b.score.items])


def _copy_issue(kept: PersonResult, other: PersonResult, shown: dict[Path, str],
                scheme: Scheme | None) -> tuple[Issue, bool]:
    """The issue for another sheet of a person already read, and whether the two score differently.

    When they do, neither can be trusted: whichever copy was picked, the amount paid could be the
    wrong one; the message says what differs, as a total alike (86 and 86) says nothing."""
    pid = kept.identity.get("工号", "")
    where = f"{shown.get(kept.file, kept.file.name)} 工作表「{kept.sheet}」"
    other_file = shown.get(other.file, other.file.name)
    same = _same_result(kept, other)
    if same:
        message = f"工号 {pid} 重复: 与 {where} 计分相同, 只计一次; 请删除多余的一份"
    else:
        def total(p: PersonResult) -> str:
            return f"总分 {plain(p.score.total)}" if p.score.total is not None else "未得出总分"

        differ = _differences(_typed(kept), _typed(other), scheme)
        message = (f"工号 {pid} 重复, 两份计分不同: {where}{total(kept)}, "
                   f"{other_file} 工作表「{other.sheet}」{total(other)}"
                   f"{f' (不同之处: {differ})' if differ else ''}; 不知以哪份为准, 未计分, "
                   f"请只保留正确的一份后重新汇总")
    return Issue(other_file, other.sheet, "B2", message, pid), not same


def _differences(a: dict[Any, Any], b: dict[Any, Any], scheme: Scheme | None, most: int = 3) -> str:
    """The inputs two copies hold differently, by name: "绩效奖金基数 1000 与 1200"."""
    keys = [k for k in {**a, **b} if a.get(k) != b.get(k)]
    shown = [f"{_input_name(scheme, k)} {_input_value(scheme, k, a.get(k))} 与 {_input_value(scheme, k, b.get(k))}"
             for k in keys[:most]]
    return "; ".join(shown) + (f" 等 {len(keys)} 处" if len(keys) > most else "")


def _input_spec(scheme: Scheme | None, key: Any) -> tuple[Any, Any, Any]:
    """(indicator, input, assessor) of a scored input's key; Nones where the scheme does not know them."""
    if scheme is None or isinstance(key, str):
        return None, None, None
    try:
        ind = scheme.indicator(key[0])
    except KpiError:
        return None, None, None
    spec = next((s for s in ind.inputs if s.id == key[1]), None)
    return ind, spec, next((a for a in scheme.assessors if a.id == key[2]), None)


def _input_name(scheme: Scheme | None, key: Any) -> str:
    if isinstance(key, str):
        return PAY_INPUT_NAMES.get(key[4:], key[4:])
    ind, spec, assessor = _input_spec(scheme, key)
    if ind is None:
        return key[1]
    name = f"{ind.name}/{spec.name}" if spec is not None and len(ind.inputs) > 1 else ind.name
    return f"{name}({assessor.name})" if assessor else name


def _input_value(scheme: Scheme | None, key: Any, value: Any) -> str:
    """A cell's value as the person typed it: 0.3% for a percentage, 「…」 around text, 空 for nothing."""
    if is_blank(value):
        return "空"
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        number = to_decimal(value)
        _ind, spec, _assessor = _input_spec(scheme, key)
        return spec.show(number) if spec is not None else fmt(number)
    return f"「{value}」"


def _unscore(kept: PersonResult, conflicts: list[str]) -> None:
    """No total, grade, rank or pay for a person whose copies disagree, until only one copy is left."""
    kept.score = PersonScore([ItemScore(i.indicator, None) for i in kept.score.items],
                             [*kept.score.problems, *(Problem(m) for m in conflicts)], None, None)
    kept.pay = {}
