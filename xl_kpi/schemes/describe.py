"""Schemes as text for people: table rows, JSON, labels in 简体 or 繁體."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from xl_kpi.base.hant import HANT, in_lang, to_hant
from xl_kpi.base.numbers import fmt
from xl_kpi.schemes.scheme import Indicator, Scheme


def label(obj: Any, lang: str) -> str:
    """The name of a scheme, group, indicator or input in the wanted script (繁體: the scheme's
    ``name_hant``, which is the name itself unless written, converted where still simplified)."""
    if lang != HANT:
        return obj.name
    return obj.name_hant if obj.name_hant != obj.name else to_hant(obj.name)


def written_hant(scheme: Scheme) -> frozenset[str]:
    """The scheme's hand-written 繁體 texts (``name_hant`` and ``text_hant`` that differ from the 简体):
    kept as written when a sheet is converted."""
    named = [scheme, *scheme.groups, *scheme.assessors]
    for ind in scheme.indicators:
        named += [ind, *ind.inputs]
    texts = {o.name_hant for o in named if o.name_hant != o.name}
    for ind in scheme.indicators:
        texts |= {lv.text_hant for lv in getattr(ind.rule, "levels", ()) if lv.text_hant != lv.text}
    return frozenset(texts)


def indicator_rows(scheme: Scheme, lang: str = "zh-Hans") -> list[dict[str, str]]:
    """One row per indicator: group, id, name, weight, rule kind, scoring standard (繁體 for zh-Hant,
    headers included; ids as written)."""
    rows = []
    for group in scheme.groups:
        for ind in group.indicators:
            row = {
                "分组": f"{label(group, lang)} ({fmt(group.weight)})",
                "id": ind.id,
                "指标": label(ind, lang),
                "权重": fmt(ind.weight) + (" (可超出)" if ind.allow_exceed else ""),
                "录入": "、".join(f"{label(s, lang)}" for s in ind.inputs),
                "规则": f"{ind.rule.label}: {ind.rule.describe()}",
            }
            rows.append({in_lang(k, lang): v if k == "id" else in_lang(v, lang) for k, v in row.items()})
    return rows


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def indicator_dict(ind: Indicator) -> dict[str, Any]:
    rule = {k: v for k, v in vars(ind.rule).items()}
    if "bands" in rule:
        rule["bands"] = [{b.op: b.threshold, "points": b.points} for b in ind.rule.bands]  # type: ignore[attr-defined]
    if "levels" in rule:
        rule["levels"] = [
            {"text": lv.text, "points": [lv.low, lv.high]} for lv in ind.rule.levels  # type: ignore[attr-defined]
        ]
    return {
        "id": ind.id,
        "name": ind.name,
        "name_hant": ind.name_hant,
        "weight": ind.weight,
        "allow_exceed": ind.allow_exceed,
        "inputs": [{"id": s.id, "name": s.name, "unit": s.unit, "min": s.minimum, "max": s.maximum} for s in ind.inputs],
        "rule": {"kind": ind.rule.kind, "label": ind.rule.label, "text": ind.rule.describe(), **rule},
        "standard": ind.standard,
    }


def scheme_dict(scheme: Scheme) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": scheme.id,
        "name": scheme.name,
        "name_hant": scheme.name_hant,
        "source": scheme.source,
        "total": scheme.total,
        "assessors": [{"id": a.id, "name": a.name, "weight": a.weight} for a in scheme.assessors],
        "groups": [
            {
                "id": g.id,
                "name": g.name,
                "weight": g.weight,
                "indicators": [indicator_dict(ind) for ind in g.indicators],
            }
            for g in scheme.groups
        ],
    }
    if scheme.grades:
        data["grades"] = [vars(row) for row in scheme.grades.rows]
    if scheme.commission:
        data["commission"] = scheme.commission.describe()
    if scheme.pay_threshold is not None:
        data["pay_threshold"] = scheme.pay_threshold
    if scheme.pay_item_threshold is not None:
        data["pay_item_threshold"] = scheme.pay_item_threshold
    data["decisions"] = [{"kind": r.kind, "label": r.label, "source": r.source, "params": r.p} for r in scheme.decisions.rules]
    if scheme.rating:
        data["rating"] = {"scores": scheme.rating.names, "levels": scheme.rating.levels}
    data["bonus"] = scheme.bonus
    return _jsonable(data)
