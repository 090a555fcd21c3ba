"""The problems a ticket row can have, and the conditions that find them (one per kind, in checking order)."""

from __future__ import annotations

from typing import Any

# problem kinds, in the order a row is checked; one (the first) is reported per row
KINDS = {
    1: "创建时间无法识别",
    2: "缺少客服",
    3: "缺少客户",
    4: "回复时间无法识别",
    5: "回复早于提问",
    6: "未知客服",
    7: "解决状态无法识别",
    8: "投诉标记无法识别",
    9: "满意度评分无效",
    10: "服务态度评分无效",
    11: "重复工单",
    12: "回复时间不合理",
}
MAX_REPLY_DAYS = 366  # a first reply later than this after creation is a mistyped year (2062 for 2026)
ROW_KINDS = {1, 3, 4, 5, 9, 10, 12}  # problems found from the row alone, during the scan (the others need agents, flags)


def checks(has: set[str], scale: int | None) -> list[tuple[int, Any]]:
    """(kind, condition) in checking order; a row's problem is the first condition it meets.  ``has``: the
    columns of the frame checked; ``scale``: the satisfaction scale asked for (None: 100 points)."""
    import polars as pl

    checks: list[tuple[int, Any]] = [(1, pl.col("created_ms").is_null()), (2, pl.col("no_agent")),
                                     (3, pl.col("no_customer"))]
    if "reply_ms" in has:
        checks += [(4, pl.col("fail_first_reply")), (5, pl.col("reply_ms") < pl.col("created_ms")),
                   (12, pl.col("reply_ms") - pl.col("created_ms") > MAX_REPLY_DAYS * 86_400_000)]
    checks.append((6, pl.col("aid") < 0))
    for k, fld in ((7, "resolved"), (8, "complaint")):
        if fld in has:
            checks.append((k, pl.col(f"bad_{fld}")))
    if "satisfaction" in has:
        top = scale or 100
        checks.append((9, pl.col("fail_satisfaction") | ~pl.col("satisfaction").is_between(0, top)))
    if "attitude" in has:
        checks.append((10, pl.col("fail_attitude") | ~pl.col("attitude").is_between(0, 5)))
    return [(k, cond.fill_null(False)) for k, cond in checks]
