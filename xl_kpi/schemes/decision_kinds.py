"""The decision kinds, grouped by the document whose rules they are: 002 (考评资格, 连续第一奖励, 连续不及格请辞,
末位请辞), 000 (调薪资格, 降薪, 晋升竞聘) and 003 (绩效资格, 顾问级别).  Each registers itself in KINDS.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

from xl_kpi.base.months import (
    MonthRow,
    PersonPeriod,
    count_text,
    exact_text,
    index,
    join,
    longest,
    month,
    months_text,
    scores_text,
    windows,
)
from xl_kpi.base.numbers import fmt, round_half_up
from xl_kpi.schemes.decision_kind import DecisionKind, Param, Period, SchemeFacts, Verdict, average_reason, kind

# --------------------------------------------------------------------------- document 002


@kind
class Absence(DecisionKind):
    kind = "absence"
    label = "考评资格"
    source = "文件 002 第二条 (适用对象): 考评期内未到岗累计超过 2 个月 (包括请假及其他原因缺岗) 的员工不参与当期考评"
    params = {"max_months": Param(2, "count", "缺岗超过几个月不参与当期考评")}
    gate = True
    respects_gate = False

    def decide(self, p: PersonPeriod, period: Period) -> Verdict:
        limit = self.p["max_months"]
        # 缺考月份 = 缺岗 (no row that month) + months with a row but no 总分: the latter are said too
        unscored = [m for m in p.missing if m not in p.absent]
        blank = f"{join(unscored)} 有考核记录但没有总分 (列入缺考月份, 不计为缺岗)" if unscored else ""
        tail = f"; {blank}" if blank else ""
        if len(p.absent) > limit:
            return ("不参与当期考评", f"缺岗 {len(p.absent)} 个月 ({join(p.absent)}), 超过 {limit} 个月, 不参与当期考评{tail}")
        if p.absent:
            return ("参与", f"缺岗 {len(p.absent)} 个月 ({join(p.absent)}), 未超过 {limit} 个月{tail}")
        return ("参与", f"没有缺岗月份; {blank}" if blank else "各月均有考核记录")

    def excluded(self, verdicts: dict[str, Verdict]) -> set[str]:
        return {pid for pid, (value, _) in verdicts.items() if value == "不参与当期考评"}


@kind
class FirstBonus(DecisionKind):
    kind = "first_bonus"
    label = "连续第一奖励"
    source = "文件 002 第十一条: 连续两个月排名第一的, 将给予一次性 200 元奖励"
    params = {
        "months": Param(2, "count", "连续几个月"),
        "amount": Param(Decimal(200), "number", "每次奖励金额 (元)"),
        "scope": Param("department", "choice", "排名范围 (department 部门内 / company 全公司)", ("department", "company")),
    }
    uses_runs = True

    def decide_all(self, group: list[PersonPeriod], period: Period) -> dict[str, Verdict]:
        """"排名第一" needs someone ranked below: a scope with one person, or where everyone ties, has no first."""
        firsts: dict[str, set[int]] = {}
        for m, rows in period.by_month.items():
            for members in _scopes(rows, self.p["scope"]).values():
                scored = [r for r in members if r.total is not None]
                if len(scored) < 2:
                    continue
                top = max(r.total for r in scored)  # type: ignore[type-var]
                if all(r.total == top for r in scored):
                    continue
                for r in scored:
                    if r.total == top:
                        firsts.setdefault(r.pid, set()).add(index(m))
        n, amount = self.p["months"], self.p["amount"]
        scope = "部门" if self.p["scope"] == "department" else "公司"
        out = {}
        for p in group:
            if p.pid in period.excluded:  # 不参与当期考评 (第二条): no reward from this period's assessments
                out[p.pid] = (Decimal(0), "缺岗超过规定月数, 不参与当期考评")
                continue
            mine = firsts.get(p.pid, set())
            wins = windows(mine, n, period.indices, chunked=True)
            totals = period.totals(p.pid)
            if wins:
                text = "; ".join(f"{months_text(w)} 连续{count_text(n)}个月{scope}排名第一 ({scores_text(w, totals)})"
                                 for w in wins)
                out[p.pid] = (amount * len(wins), f"{text}; 奖励 {len(wins)} × {fmt(amount)} 元")
            else:
                got = sorted(m for m in mine if m in period.indices)
                out[p.pid] = (Decimal(0), f"无连续{count_text(n)}个月{scope}排名第一"
                              + (f" (排名第一: {months_text(got)})" if got else "") + period.gap(p))
        return out


@kind
class ResignFail(DecisionKind):
    kind = "resign_fail"
    label = "连续不及格请辞"
    source = "文件 002 第十一条: 连续两个月考核不及格的, 自动请辞"
    params = {
        "months": Param(2, "count", "连续几个月"),
        "below": Param(None, "number", "低于此分为不及格 (不写: 方案等级表中及格的分数线)", optional=True),
    }
    uses_runs = True

    def __init__(self, values: dict[str, Any], facts: SchemeFacts) -> None:
        super().__init__(values, facts)
        if self.p["below"] is None:
            if facts.pass_line is None:
                raise ValueError("decisions.resign_fail: 方案没有等级表, 请写 below (低于此分为不及格), 如 below: 65")
            self.p["below"] = facts.pass_line

    def decide(self, p: PersonPeriod, period: Period) -> Verdict:
        n, below = self.p["months"], self.p["below"]
        totals = period.totals(p.pid)
        wins = windows({index(m) for m, v in totals.items() if v < below}, n, period.indices)
        if wins:
            w = wins[0]
            return ("请辞", f"{months_text(w)} 连续{count_text(n)}个月不及格 (<{fmt(below)}: {scores_text(w, totals)})")
        return ("", f"无连续{count_text(n)}个月不及格 (<{fmt(below)}){period.gap(p)}")


@kind
class ResignLast(DecisionKind):
    kind = "resign_last"
    label = "末位请辞"
    source = "文件 002 第十二条: 当月绩效考核和实际销售额都排名最后的, 自动请辞"
    params = {"scope": Param("department", "choice", "排名范围 (department 部门内 / company 全公司)", ("department", "company"))}

    def _place(self, key: str) -> str:
        return (key or "部门") if self.p["scope"] == "department" else "公司"

    def _flags(self, by_month: dict[str, list[MonthRow]]) -> dict[str, dict[str, dict[str, Any]]]:
        """Per month and person: ``last`` (judged: last in both 总分 and 实际销售额), with ``last_out`` the
        scope's rows without 总分 (not compared); or ``last_skip``, why the month was not judged."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for m, rows in by_month.items():
            flags = out.setdefault(m, {})
            month_sold = any(r.sales is not None for r in rows)
            for key, members in _scopes(rows, self.p["scope"]).items():
                scored = [r for r in members if r.total is not None]
                if not scored:
                    continue
                place = self._place(key)
                unsold = [r for r in scored if r.sales is None]
                skip = None
                if not month_sold:
                    skip = "没有实际销售额"
                elif len(scored) < 2:
                    skip = f"{place}只有 1 人有总分, 无从比较"
                elif unsold:
                    who = "无人有实际销售额" if len(unsold) == len(scored) else f"{_who(unsold)} 没有实际销售额"
                    skip = f"{place} {who}, 无法排出{'部门' if self.p['scope'] == 'department' else '公司'}最后"
                if skip is not None:
                    for r in scored:
                        flags.setdefault(r.pid, {})["last_skip"] = skip
                    continue
                low, low_sales = min(r.total for r in scored), min(r.sales for r in scored)  # type: ignore[type-var]
                left_out = [r for r in members if r.total is None]
                for r in scored:
                    mine = flags.setdefault(r.pid, {})
                    mine["last"] = r.total == low and r.sales == low_sales
                    mine["last_out"] = left_out
                    mine["last_count"] = len(scored)
        return out

    def decide_all(self, group: list[PersonPeriod], period: Period) -> dict[str, Verdict]:
        flags = self._flags(period.by_month)
        return {p.pid: ("", "缺岗超过规定月数, 不参与当期考评") if p.pid in period.excluded
                else self._one(period.by_person[p.pid], period.months, flags) for p in group}

    def _one(self, mine: dict[str, MonthRow], months: list[str], flags: dict) -> Verdict:
        scope = "部门" if self.p["scope"] == "department" else "公司"
        mflags = {m: flags.get(m, {}).get(mine[m].pid, {}) for m in months if m in mine}
        lasts = [m for m, f in mflags.items() if f.get("last")]
        judged = [m for m, f in mflags.items() if "last" in f]
        skipped: dict[str, list[str]] = {}
        for m, f in mflags.items():
            if "last_skip" in f:
                skipped.setdefault(f["last_skip"], []).append(m)

        def compared(m: str) -> str:
            left_out = mflags[m].get("last_out") or []
            if not left_out:
                return ""
            who = "、".join(f"{r.pid} {r.name}".strip() + (f" (实际销售额 {fmt(r.sales)})" if r.sales is not None else "")
                           for r in left_out)
            return f"只比较了{scope}内有总分的 {mflags[m]['last_count']} 人; {who} 当月没有总分, 未参与比较"

        if lasts:
            parts = []
            for m in lasts:
                text = f"{m} 总分 ({fmt(mine[m].total)}) 与实际销售额 ({fmt(mine[m].sales)}) 均为{scope}最后"  # type: ignore[arg-type]
                parts.append(text + (f" ({compared(m)})" if compared(m) else ""))
            return ("请辞", "; ".join(parts))
        unscored = [m for m in months if m in mine and mine[m].total is None]
        undecided = [f"{join(ms)} {why}, 未判断" for why, ms in skipped.items()]
        undecided += [f"{join(unscored)} 没有总分, 未参与排名"] if unscored else []
        if judged:
            notes = [*undecided, *(f"{m} {compared(m)}" for m in judged if compared(m))]
            return ("", f"没有总分与实际销售额同月均为{scope}最后的月份" + (f" ({'; '.join(notes)})" if notes else ""))
        if skipped and set(skipped) <= {"没有实际销售额"} or not undecided:
            return ("", "没有实际销售额数据, 未判断")
        return ("", "; ".join(undecided))

    def notes(self, rows: list[MonthRow], all_months: list[str]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if rows:
            sold = {r.month for r in rows if r.sales is not None}
            unsold = [m for m in all_months if m not in sold]
            if unsold:
                which = "输入的各月" if len(unsold) == len(all_months) else f"{join(unsold)} "
                commission = ("; 汇总中的「提成」按计划销售额分档计算, 不能据此推出实际销售额的排名"
                              if any("提成" in r.pay for r in rows if r.month in unsold) else "")
                out.append((self.label, (
                    f"{which}没有「实际销售额」, 这些月份未判断末位请辞 (文件 002 第十二条: 当月绩效考核和实际销售额都排名最后的, "
                    f"自动请辞; 总分和实际销售额两项缺一不可。consolidate 的月度汇总不带实际销售额{commission})。"
                    "「末位请辞」一栏为空不表示不请辞。需要此项决定时, 请人事补交各人每月的实际销售额: 做一个有「工号」「期间」(YYYY-MM)"
                    "「实际销售额」三列的表 (.xlsx 或 .csv), 与月度汇总一起交给 annual (如 xl-kpi annual 2026-*-汇总.xlsx "
                    "2026-实际销售额.xlsx -o 2026-年度.xlsx), 或在各月汇总的「公司总览」表中加一列「实际销售额」; "
                    "不采用此条时, 可从方案的 decisions 中删去 resign_last")))
        by_month: dict[str, list[MonthRow]] = {}
        for r in rows:
            by_month.setdefault(r.month, []).append(r)
        for m, members in sorted(by_month.items()):
            if not any(r.sales is not None for r in members):
                continue
            for key, group in sorted(_scopes(members, self.p["scope"]).items()):
                scored = [r for r in group if r.total is not None]
                unsold = [r for r in scored if r.sales is None]
                if len(scored) < 2 or not unsold:
                    continue
                place = self._place(key)
                count = "都没有" if len(unsold) == len(scored) else f"中 {len(unsold)} 人没有"
                out.append((self.label, (
                    f"{m} {place}有总分的 {len(scored)} 人{count}「实际销售额」: {_who(unsold)}。"
                    f"名单不全就排不出实际销售额的最后一名 (文件 002 第十二条: 当月绩效考核和实际销售额都排名最后的, 自动请辞), "
                    f"因此 {m} {place}未判断末位请辞, 无人因该月请辞。请补交这些人 {m} 的实际销售额 "
                    "(表中若有这些人的行, 请核对工号是否写错) 后重新运行")))
        return out


def _scopes(rows: list[MonthRow], scope: str) -> dict[str, list[MonthRow]]:
    """One month's rows by scope: per department, or the whole company under ""."""
    groups: dict[str, list[MonthRow]] = {}
    for r in rows:
        groups.setdefault(r.dept if scope == "department" else "", []).append(r)
    return groups


def _who(rows: list[MonthRow]) -> str:
    return "、".join(f"{r.pid} {r.name}".strip() for r in sorted(rows, key=lambda r: r.pid))


# --------------------------------------------------------------------------- document 000


QUARTER = "按季度汇总: 年度平均得分的条件只在年度汇总时判断"


class _RunOrAverage(DecisionKind):
    """N calendar-consecutive months passing a line, or the period average passing another (document 000's
    调薪 and 降薪 are both worded so)."""

    verdict: ClassVar[str]
    month_sign: ClassVar[str]
    month_key: ClassVar[str]
    average_key: ClassVar[str]
    uses_runs = True

    def month_ok(self, value: Decimal) -> bool:  # pragma: no cover - each kind has one
        raise NotImplementedError

    def average_ok(self, value: Fraction) -> bool:  # pragma: no cover - each kind has one
        raise NotImplementedError

    def average_sign(self) -> str:
        return self.month_sign

    def not_met(self, p: PersonPeriod, period: Period, good: set[int]) -> str:  # pragma: no cover
        raise NotImplementedError

    def decide(self, p: PersonPeriod, period: Period) -> Verdict:
        n, edge, annual_edge = self.p["months"], self.p[self.month_key], self.p[self.average_key]
        totals = period.totals(p.pid)
        good = {index(m) for m, v in totals.items() if self.month_ok(v)}
        wins = windows(good, n, period.indices)
        # "年度考核平均得分": a quarter's average decides nothing (the runs of months still count)
        annual = period.kind == "年度" and p.exact is not None and self.average_ok(p.exact)
        reasons = []
        if wins:
            w = wins[0]
            reasons.append(f"{months_text(w)} 连续{count_text(n)}个月 {self.month_sign}{fmt(edge)} ({scores_text(w, totals)})")
        if annual:
            reasons.append(f"{average_reason(p, period, self.average_ok)} {self.average_sign()}{fmt(annual_edge)}")
        if wins or annual:
            return (self.verdict, "; ".join(reasons))
        return ("", self.not_met(p, period, good))


@kind
class Raise(_RunOrAverage):
    kind = "raise"
    label = "调薪资格"
    source = "文件 000: 连续三个月考核得分在85分及以上或年度考核平均得分达到85分以上的员工, 可获得薪酬晋升机会"
    params = {
        "months": Param(3, "count", "连续几个月"),
        "at_least": Param(Decimal(85), "number", "每月得分不低于"),
        "annual_at_least": Param(Decimal(85), "number", "或期间平均得分不低于"),
        "annual_strict": Param(False, "bool", "期间平均须高于 (而非不低于) 该分"),
    }
    verdict, month_sign, month_key, average_key = "有资格", "≥", "at_least", "annual_at_least"

    def month_ok(self, value: Decimal) -> bool:
        return value >= self.p["at_least"]

    def average_ok(self, value: Fraction) -> bool:
        edge = self.p["annual_at_least"]
        return value > edge if self.p["annual_strict"] else value >= edge

    def average_sign(self) -> str:
        return ">" if self.p["annual_strict"] else "≥"

    def not_met(self, p: PersonPeriod, period: Period, good: set[int]) -> str:
        n, edge, annual_edge = self.p["months"], self.p["at_least"], self.p["annual_at_least"]
        run = longest(good, period.indices)
        most = f"最长连续 ≥{fmt(edge)} 为 {len(run)} 个月" + (f" ({months_text(run)})" if run else "")
        avg = (QUARTER if period.kind != "年度" else
               f"{average_reason(p, period, self.average_ok)} 未{self.average_sign()}{fmt(annual_edge)}"
               if p.exact is not None else f"没有{period.kind}平均分")
        return f"无连续{count_text(n)}个月 ≥{fmt(edge)} ({most}{period.gap(p)}); {avg}"


@kind
class PayCut(_RunOrAverage):
    kind = "pay_cut"
    label = "降薪"
    source = "文件 000: 连续三个月考核得分在60分以下或年度考核平均得分低于60分的员工, 将面临薪酬下调"
    params = {
        "months": Param(3, "count", "连续几个月"),
        "below": Param(Decimal(60), "number", "每月得分低于"),
        "annual_below": Param(Decimal(60), "number", "或期间平均得分低于"),
    }
    verdict, month_sign, month_key, average_key = "降薪", "<", "below", "annual_below"

    def month_ok(self, value: Decimal) -> bool:
        return value < self.p["below"]

    def average_ok(self, value: Fraction) -> bool:
        return value < self.p["annual_below"]

    def not_met(self, p: PersonPeriod, period: Period, good: set[int]) -> str:
        n, edge, annual_edge = self.p["months"], self.p["below"], self.p["annual_below"]
        avg = (QUARTER if period.kind != "年度" else
               f"{average_reason(p, period, self.average_ok)} 不低于 {fmt(annual_edge)}" if p.exact is not None
               else f"没有{period.kind}平均分")
        return f"无连续{count_text(n)}个月 <{fmt(edge)}{period.gap(p)}; {avg}"


@kind
class Promotion(DecisionKind):
    kind = "promotion"
    label = "晋升竞聘"
    source = "文件 000: 年度考核排名前10%的员工, 有资格参与公司内部更高职位的竞聘"
    params = {
        "top_percent": Param(Decimal("0.1"), "share", "前百分之几"),
        "rounding": Param("down", "choice", "名次取整 (down: 名次 ≤ 比例 × 人数, 12 人取第 1 名; up: 名次 ≤ ⌈比例 × 人数⌉, 12 人取前 2 名)",
                          ("down", "up")),
    }

    def decide_all(self, group: list[PersonPeriod], period: Period) -> dict[str, Verdict]:
        if period.kind != "年度":  # "年度考核排名前10%": a quarter's ranking decides nothing
            return {p.pid: ("", "按季度汇总: 年度考核排名的决定只在年度汇总时判断") for p in group}
        assessed = [p for p in group if p.pid not in period.excluded and p.exact is not None]
        count = len(assessed)
        share = self.p["top_percent"]
        pct = fmt(share * 100)
        limit = share * count
        if self.p["rounding"] == "up":
            limit = Decimal(math.ceil(limit))
            rule = f"前 {pct}% 为名次 ≤ ⌈{pct}% × {count}⌉ = {fmt(limit)}"
        else:
            rule = f"前 {pct}% 为名次 ≤ {pct}% × {count} = {fmt(limit)}"
        if limit < 1:
            rule += " (不足 1 名, 无人入选)"
        out: dict[str, Verdict] = {}
        for p in group:
            if p not in assessed:
                out[p.pid] = ("", "缺岗超过规定月数, 不参与当期考评" if p.pid in period.excluded else f"没有{period.kind}得分")
                continue
            assert p.exact is not None and p.score is not None
            rank = 1 + sum(1 for q in assessed if q.exact > p.exact)  # type: ignore[operator]
            ties = [q for q in assessed if q is not p and q.exact == p.exact]
            alike = any(q.score == p.score and q.exact != p.exact for q in assessed)
            shown = f"{fmt(p.score)} (精确值 {exact_text(p.exact)})" if alike else fmt(p.score)
            tie = f", 与 {len(ties)} 人并列" if ties else ""
            head = f"{period.kind}得分 {shown} 排名第 {rank}/{count}{tie}; {rule} (并列者名次相同)"
            out[p.pid] = ("可参与", head) if rank <= limit else ("", head)
        return out


# --------------------------------------------------------------------------- document 003


@kind
class PayThreshold(DecisionKind):
    kind = "pay_threshold"
    label = "绩效资格"
    source = "文件 003: 综合考核低于80%将不参与绩效考核"
    params = {"at_least": Param(None, "share", "期间得分 / 满分 不低于 (不写: 方案 pay.threshold, 没有时 80%)", optional=True)}

    def __init__(self, values: dict[str, Any], facts: SchemeFacts) -> None:
        super().__init__(values, facts)
        if self.p["at_least"] is None:
            self.p["at_least"] = facts.pay_threshold if facts.pay_threshold is not None else Decimal("0.8")

    def decide(self, p: PersonPeriod, period: Period) -> Verdict:
        limit, full = self.p["at_least"], self.facts.full
        if p.exact is None or p.score is None:
            return ("", f"没有{period.kind}得分")
        ratio = p.exact / Fraction(full)
        edge = Fraction(limit)
        shown = round_half_up(p.score / full * 100, 2)  # as the period score is shown
        text = f"{period.kind}得分 {fmt(p.score)} / {fmt(full)} = {fmt(shown)}%"
        if (Fraction(shown) / 100 >= edge) != (ratio >= edge):  # the rounded figure would read the other way
            text = f"{period.kind}得分 {exact_text(p.exact)} / {fmt(full)} = {exact_text(ratio * 100)}%"
        below = [f"{text} < {fmt(limit * 100)}%"] if ratio < edge else []
        items = self._items(p, period)
        if below or items[0]:
            return ("不参与绩效考核", "; ".join(below + items[0]))
        return ("参与", "; ".join([f"{text} ≥ {fmt(limit * 100)}%", *items[1]]))

    def _items(self, p: PersonPeriod, period: Period) -> tuple[list[str], list[str]]:
        """Document 003's per-item rule on the period's average points of each item, as the monthly summaries
        hold them: (items below the line, what else to say)."""
        edge = self.facts.item_threshold
        if edge is None:
            return [], []
        mine = period.by_person[p.pid]
        rows = [mine[m] for m in period.months if m in mine and mine[m].total is not None]
        held = [r.extra.get("items") or {} for r in rows]
        if not rows or not all(held):
            return [], ["输入中没有各项得分 (只有总分), 各项不低于权重的 80% 的规定未判断"]
        below = []
        for ind_id, name, weight in self.facts.items:
            values = [h[ind_id] for h in held if ind_id in h]
            if not values:
                continue
            average = sum((Fraction(v) for v in values), Fraction(0)) / len(values)
            share = average / Fraction(weight)
            if share < Fraction(edge):
                shown = round_half_up(Decimal(average.numerator) / Decimal(average.denominator), 2)
                below.append(f"{name} 平均 {fmt(shown)} / {fmt(weight)} = {exact_text(share * 100)}% < {fmt(edge * 100)}%")
        return below, ([] if below else [f"各项平均得分均不低于权重的 {fmt(edge * 100)}%"])


_TESTS = ("公司简介成绩", "产品知识成绩", "仪器操作成绩")


def _retest_failed(value: Any) -> bool:
    """Document 003: "一周后第二次抽考还是不合格" downgrades.  The 复试 cell holds the retest's result; written as
    a story (第一次不合格，第二次合格) the last result counts."""
    text = "" if value is None else str(value)
    last = text.rfind("合格")
    return last > 0 and text[last - 1] == "不"


@kind
class Advisor(DecisionKind):
    kind = "advisor"
    label = "顾问级别"
    source = "文件 003: 实习顾问 / 专业顾问的考核、降级与晋级"
    params = {
        "pro_test": Param(Decimal(95), "number", "申请专业顾问的考试成绩线"),
        "window_months": Param(3, "count", "新顾客数统计的月数"),
        "intern_new_customers": Param(3, "count", "实习顾问期间至少新顾客数"),
        "pro_new_customers": Param(4, "count", "专业顾问期间至少新顾客数"),
    }
    respects_gate = False

    def notes(self, rows: list[MonthRow], all_months: list[str]) -> list[tuple[str, str]]:
        if rows and not any("顾问级别" in r.extra for r in rows):
            return [(self.label, "输入中没有「顾问级别」, 未判断顾问级别 (文件 003: 实习顾问 / 专业顾问的降级与晋级)。"
                     "consolidate 的月度汇总不带这些数据: 需要时请另交一个有「工号」「期间」「顾问级别」「新顾客数」(可加「复试」"
                     "「公司简介成绩」「产品知识成绩」「仪器操作成绩」) 的表, 与月度汇总一起交给 annual; 不需要时可从方案的 decisions "
                     "中删去 advisor")]
        return []

    def decide(self, p: PersonPeriod, period: Period) -> Verdict:
        """Document 003's advisor levels, as far as the document states them."""
        mine = period.by_person[p.pid]
        present = [m for m in period.months if m in mine and "顾问级别" in mine[m].extra]
        if not present:
            return ("", "没有顾问级别数据")
        last = present[-1]
        level = mine[last].extra["顾问级别"]
        if level not in ("实习顾问", "专业顾问"):
            return (level, f"顾问级别「{level}」不是 实习顾问 / 专业顾问, 未判断")
        pro = level == "专业顾问"
        window = [month(i) for i in range(index(last) - self.p["window_months"] + 1, index(last) + 1)]
        new = sum((mine[m].extra.get("新顾客数", Decimal(0)) for m in window if m in mine), Decimal(0))
        need = self.p["pro_new_customers" if pro else "intern_new_customers"]
        failed = [m for m in window if m in mine and _retest_failed(mine[m].extra.get("复试"))]
        reasons = [f"{window[0]} 至 {window[-1]} {count_text(len(window))}个月新顾客 {fmt(new)} 位 ({level}要求至少 {need} 位)"]
        if failed:
            reasons.append(f"{join(failed)} 复试 (一周后的第二次抽考) 仍不合格")
        if new < need or failed:
            return ("降为实习顾问" if pro else "降级 (重新考核合格后方可上岗)", "; ".join(reasons))
        tests = {k: mine[last].extra[k] for k in _TESTS if k in mine[last].extra}
        if not pro and len(tests) == len(_TESTS):
            edge = self.p["pro_test"]
            ok = all(v >= edge for v in tests.values())
            reasons.append("、".join(f"{k[:-2]} {fmt(v)}" for k, v in tests.items()) + f" {'均' if ok else '未全部'} ≥{fmt(edge)}")
            if ok and new >= self.p["pro_new_customers"]:
                return ("实习顾问 (可申请专业顾问考核)", "; ".join(reasons))
        return (level, "; ".join(reasons))
