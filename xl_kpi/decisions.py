"""People decisions from monthly scores: raise, pay cut, promotion, bonus, resignation, exclusion.

The rules come from the documents (000: 调薪/降薪/晋升竞聘; 002: 连续第一奖励, 连续不及格
请辞, 末位请辞, 缺岗超过 2 个月不参与考评; 003: 综合考核低于 80% 不参与绩效考核, 实习/专业
顾问级别).  Every threshold, count, percentage and amount is data: the defaults below are the
documents' numbers and a scheme's optional ``decisions:`` mapping overrides any of them, or turns
a rule off with ``false``.

Readings (see README):
- "连续" means calendar-consecutive months: a month without a score breaks a run.
- A run counts for the period in which its N-th consecutive month falls, so a run may start in the
  previous year (2025-12, 2026-01 ranked first: the 200 bonus belongs to 2026).
- "85分及以上" is ≥ 85, "60分以下" is < 60, on exact decimals.
- "年度平均得分达到85分以上" is ≥ 85 by default (``annual_strict: true`` reads it as > 85).
- Top 10 %: ceil(10 % × people assessed), ranked by the period score; everyone tied with the
  last place inside is included.
- "排名第一" / "排名最后": rank within the department by default (``scope: company`` to rank across
  the company); people tied for first (or last) all count.
- 末位请辞 ranks, per month and scope, the people with a 总分 that month; the month is judged only when
  every one of them also has 实际销售额 (otherwise nobody there is dismissed for it, and 问题 names
  the people without sales).  People with a row but no 总分 are not ranked; the reason says so.

parse_decisions raises ValueError with a Chinese message naming the place; scheme.py adds the file.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from .numbers import parse_config_number

# rule id -> (column name, default parameters)
DEFAULTS: dict[str, dict[str, Any]] = {
    "absence": {"max_months": 2},
    "raise": {"months": 3, "at_least": Decimal(85), "annual_at_least": Decimal(85), "annual_strict": False},
    "pay_cut": {"months": 3, "below": Decimal(60), "annual_below": Decimal(60)},
    "promotion": {"top_percent": Decimal("0.1")},
    "first_bonus": {"months": 2, "amount": Decimal(200), "scope": "department"},
    "resign_fail": {"months": 2, "below": None},  # None: the scheme's lowest grade line, else 65
    "resign_last": {"scope": "department"},
    "pay_threshold": {"at_least": None},  # None: the scheme's pay.threshold, else 80%
    "advisor": {
        "intern_test": Decimal(90), "pro_test": Decimal(95), "window_months": 3,
        "intern_new_customers": 3, "pro_new_customers": 4,
    },
}

COLUMNS: dict[str, str] = {
    "absence": "考评资格",
    "raise": "调薪资格",
    "pay_cut": "降薪",
    "promotion": "晋升竞聘",
    "first_bonus": "连续第一奖励",
    "resign_fail": "连续不及格请辞",
    "resign_last": "末位请辞",
    "pay_threshold": "绩效资格",
    "advisor": "顾问级别",
}

_INTS = {"months", "max_months", "window_months", "intern_new_customers", "pro_new_customers"}
_BOOLS = {"annual_strict"}
_SCOPES = {"department", "company"}
_OTHER_KEYS = {"month_weights"}


def default_decisions() -> dict[str, Any]:
    out: dict[str, Any] = copy.deepcopy(DEFAULTS)
    out["month_weights"] = {}
    return out


def parse_decisions(raw: Any) -> dict[str, Any]:
    """The ``decisions:`` mapping of a scheme, merged over the defaults.

    Each rule id maps to its parameters (any subset) or to ``false`` (rule off).
    ``month_weights: {12: 2}`` weighs a calendar month (1-12) in the period average (default 1).
    """
    out = default_decisions()
    if raw is None:
        return out
    if not isinstance(raw, dict):
        raise ValueError(f"decisions 应为映射 (规则 id: 参数), 收到 {raw!r}")
    unknown = set(map(str, raw)) - set(DEFAULTS) - _OTHER_KEYS
    if unknown:
        raise ValueError(f"decisions 中不认识的规则 {', '.join(sorted(unknown))}; 可用: {', '.join([*DEFAULTS, *_OTHER_KEYS])}")
    for key, value in raw.items():
        key = str(key)
        if key == "month_weights":
            out["month_weights"] = _month_weights(value)
            continue
        if value is False:
            out[key] = None
            continue
        if value is True or value is None:
            continue
        if not isinstance(value, dict):
            raise ValueError(f"decisions.{key} 应为参数映射或 false, 收到 {value!r}")
        params = out[key]
        for pkey, pval in value.items():
            pkey = str(pkey)
            where = f"decisions.{key}.{pkey}"
            if pkey not in params:
                raise ValueError(f"{where}: 不认识的参数; 可用: {', '.join(params)}")
            params[pkey] = _param(where, pkey, pval)
    return out


def _param(where: str, key: str, value: Any) -> Any:
    if key in _BOOLS:
        if not isinstance(value, bool):
            raise ValueError(f"{where} 应为 true 或 false, 收到 {value!r}")
        return value
    if key == "scope":
        if value not in _SCOPES:
            raise ValueError(f"{where} 应为 department 或 company, 收到 {value!r}")
        return value
    if value is None and key in ("below", "at_least"):
        return None
    try:
        number = parse_config_number(value)
    except ValueError:
        raise ValueError(f"{where} 应为数字, 收到 {value!r}") from None
    if key in _INTS:
        if number != number.to_integral_value() or number < 1:
            raise ValueError(f"{where} 应为正整数, 收到 {value!r}")
        return int(number)
    if number < 0:
        raise ValueError(f"{where} 不能为负数, 收到 {value!r}")
    if key == "top_percent" and not 0 < number <= 1:
        raise ValueError(f"{where} 应在 0% 与 100% 之间, 收到 {value!r}")
    return number


def _month_weights(value: Any) -> dict[int, Decimal]:
    if not isinstance(value, dict):
        raise ValueError(f"decisions.month_weights 应为映射 (月份 1-12: 权重), 收到 {value!r}")
    out = {}
    for month, weight in value.items():
        try:
            m = int(str(month))
        except ValueError:
            m = 0
        if not 1 <= m <= 12:
            raise ValueError(f"decisions.month_weights: 月份应为 1-12, 收到 {month!r}")
        try:
            w = parse_config_number(weight)
        except ValueError:
            raise ValueError(f"decisions.month_weights.{m} 应为数字, 收到 {weight!r}") from None
        if w < 0:
            raise ValueError(f"decisions.month_weights.{m} 不能为负数, 收到 {weight!r}")
        out[m] = w
    return out
