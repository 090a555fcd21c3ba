"""Which column of a table is which: the identity columns (工号, 姓名, 部门) as HR exports head them, the pay
amounts, and each indicator's inputs as a scheme names them (ColumnMap), for score, generate --data and the roster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xl_kpi.schemes.inputs import InputSpec
from xl_kpi.schemes.scheme import Assessor, Indicator, Scheme, normalize

ID_COLUMN = "工号"
IDENTITY = ("工号", "姓名", "部门")
IDENTITY_ALIASES = {  # as Chinese HR exports head them (简体 and 繁體); none is a header of a built-in scheme's input
    "工号": ("工号", "員工編號", "员工编号", "工號", "员工工号", "員工工號", "职工号", "職工號", "职工编号", "職工編號",
           "id", "employee_id"),
    "姓名": ("姓名", "员工姓名", "員工姓名", "职工姓名", "職工姓名", "name"),
    "部门": ("部门", "部門", "所属部门", "所屬部門", "部门名称", "部門名稱", "所在部门", "所在部門", "department"),
}
PAY_INPUTS = {
    "bonus_base": ("绩效奖金基数", "績效獎金基數"),
    "plan": ("计划销售额", "計劃銷售額", "X"),
    "actual": ("实际销售额", "實際銷售額", "Y"),
    "other": ("其他", "其它"),
}
_SUPERVISOR_ALIASES = ("主管", "上级", "上級")

InputKey = tuple[str, str, str]  # (indicator id, input id, assessor id or "")


def input_headers(scheme: Scheme, ind: Indicator, spec: InputSpec, assessor: Assessor | None) -> list[str]:
    """Every header that names this input; the first is the one we write in templates."""
    names = [spec.name, spec.id, spec.name_hant]
    if len(ind.inputs) == 1:
        names += [ind.name, ind.id, ind.name_hant, *ind.aliases]
    if assessor is None:
        return _unique(names)
    who = [assessor.name, assessor.id, assessor.name_hant]
    if assessor.id == "supervisor":
        who += list(_SUPERVISOR_ALIASES)
    out = []
    for n in names:
        for w in who:
            out += [f"{n}({w})", f"{n}.{w}", f"{n}/{w}", f"{n}-{w}"]
    return _unique(out)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


@dataclass
class ColumnMap:
    inputs: dict[InputKey, int] = field(default_factory=dict)
    identity: dict[str, int] = field(default_factory=dict)
    pay: dict[str, int] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    duplicate: list[str] = field(default_factory=list)


def map_columns(scheme: Scheme, headers: list[str]) -> ColumnMap:
    by_key: dict[str, Any] = {}
    for ind in scheme.indicators:
        for spec in ind.inputs:
            for assessor in scheme.assessors or [None]:
                for h in input_headers(scheme, ind, spec, assessor):
                    by_key.setdefault(normalize(h), ("input", (ind.id, spec.id, assessor.id if assessor else "")))
    for canonical, aliases in IDENTITY_ALIASES.items():
        for a in aliases:
            by_key.setdefault(normalize(a), ("identity", canonical))
    for key, aliases in PAY_INPUTS.items():
        for a in aliases:
            by_key.setdefault(normalize(a), ("pay", key))
    cmap = ColumnMap()
    for col, header in enumerate(headers):
        if not header:
            continue
        hit = by_key.get(normalize(header))
        if hit is None:
            cmap.unknown.append(header)
            continue
        kind, key = hit
        target = {"input": cmap.inputs, "identity": cmap.identity, "pay": cmap.pay}[kind]
        if key in target:
            cmap.duplicate.append(header)
            continue
        target[key] = col
    for ind in scheme.indicators:
        for spec in ind.inputs:
            for assessor in scheme.assessors or [None]:
                key = (ind.id, spec.id, assessor.id if assessor else "")
                if key not in cmap.inputs:
                    cmap.missing.append(input_headers(scheme, ind, spec, assessor)[0])
    return cmap
