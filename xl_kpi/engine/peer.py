"""Peer review (团队成员互评) for the teamwork indicators of document 000: who is rated, with what weight, and
how peers' ratings combine with the supervisor's points.

Document 000 (六(一)6) scores 内部协作配合度 and 信息共享及时性 from "团队成员互评
以及上级领导评价相结合".  The peers' average is combined with the supervisor's points:

    points = ROUND(PEER_WEIGHT × peer average + SUPERVISOR_WEIGHT × supervisor points, decimals)

The document gives no split; the default 40% peers / 60% supervisor mirrors the
self / supervisor split of document 002.  A scheme may set its own through a
``peer:`` setting (``peer_weight``, ``indicators``).  People nobody rated keep the
supervisor's points.  The forms themselves (writing them, reading them back) are
workflow.peer_forms.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from xl_kpi.base.errors import KpiError
from xl_kpi.base.numbers import fmt, round_half_up
from xl_kpi.engine.score import ItemScore, PersonScore
from xl_kpi.schemes.rules import Rubric
from xl_kpi.schemes.scheme import Indicator, Scheme

PEER_INDICATORS = ("collaboration", "info_sharing")  # 内部协作配合度, 信息共享及时性 (cs-quant)
PEER_WEIGHT = Decimal("0.4")  # peers' average; the supervisor's points get the rest (0.6)


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class PeerSettings:
    indicators: tuple[Indicator, ...]
    peer_weight: Decimal

    @property
    def supervisor_weight(self) -> Decimal:
        return Decimal(1) - self.peer_weight


def _setting(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def peer_settings(scheme: Scheme) -> PeerSettings:
    """The teamwork indicators rated by peers and the peers' weight; KpiError when the scheme has none."""
    conf = getattr(scheme, "peer", None)
    ids = _setting(conf, "indicators") or PEER_INDICATORS
    raw_weight = _setting(conf, "peer_weight")
    if raw_weight is None:
        weight = PEER_WEIGHT
    else:
        try:
            weight = Decimal(str(raw_weight).strip().rstrip("%")) / (100 if str(raw_weight).strip().endswith("%") else 1)
        except Exception:
            raise KpiError(f"方案 {scheme.id} 的互评权重「{raw_weight}」不是数字") from None
    if not Decimal(0) <= weight <= Decimal(1):
        raise KpiError(f"方案 {scheme.id} 的互评权重应在 0 到 100% 之间, 收到 {fmt(weight)}")
    known = {ind.id: ind for ind in scheme.indicators}
    indicators = []
    for ind_id in ids:
        ind = known.get(str(ind_id))
        if ind is None or not isinstance(ind.rule, Rubric) or len(ind.inputs) != 1:
            continue
        indicators.append(ind)
    if not indicators:
        raise KpiError(f"方案 {scheme.id} 没有可互评的团队协作指标 (按等级评分的 {', '.join(map(str, ids))})")
    return PeerSettings(tuple(indicators), weight)


# --------------------------------------------------------------------------- combining


def combine(supervisor: Decimal, peers: list[Decimal], settings: PeerSettings, decimals: int) -> Decimal:
    """ROUND(peer weight × peers' average + supervisor weight × supervisor's points, decimals), exactly."""
    average = sum(peers, Decimal(0)) / len(peers)
    return round_half_up(settings.peer_weight * average + settings.supervisor_weight * supervisor, decimals)


def combined_score(scheme: Scheme, score: PersonScore, peers: dict[str, list[Decimal]],
                   settings: PeerSettings) -> PersonScore:
    """The person's score with the peer-rated items combined; the total is the sum of the items again.

    ``peers`` maps indicator id -> that person's valid peer ratings.  Items without
    peer ratings, or without supervisor's points, stay as they are.
    """
    wanted = {ind.id for ind in settings.indicators}
    items: list[ItemScore] = []
    changed = False
    for item in score.items:
        ratings = peers.get(item.indicator.id) if item.indicator.id in wanted else None
        if ratings and item.points is not None:
            items.append(replace(item, points=combine(item.points, ratings, settings, scheme.decimals)))
            changed = True
        else:
            items.append(item)
    if not changed:
        return score
    total = score.total
    grade = score.grade
    if score.total is not None and all(i.points is not None for i in items):
        total = sum((i.points for i in items), Decimal(0))  # type: ignore[misc]
        grade = scheme.grades.grade_of(total) if scheme.grades else None
    return PersonScore(items, score.problems, total, grade, dict(score.assessor_totals), list(score.notices))
