"""`xl-kpi annual`: monthly results in, the annual (or quarterly) roll-up and people decisions out.

Inputs are monthly summaries written by ``consolidate`` (their 公司总览 sheet; the month comes
from a 期间 column or from ``YYYY-MM`` in the file name) or plain tables (.csv/.xlsx) with 工号,
姓名, 部门, 期间 (YYYY-MM) and 总分, any number of months per table.

The period score is the weighted average of the months (equal weights unless the scheme's
``decisions.month_weights`` says otherwise), rounded half-up to the scheme's decimals (2).
Missing months are never silent: they are listed in 缺考月份 and handled by ``missing``:
``skip`` (average over the months present), ``zero`` (a missing month counts 0), ``fail`` (no
period score; the person is reported in 问题).  "Missing" means a month of the period that
appears in the inputs (for anybody) but has no total for this person: either no row at all (缺岗, counted
for 考评资格) or a row without 总分 (said as such in 考评资格原因, not counted as 缺岗).

末位请辞 (document 002, 第十二条) needs each month's 总分 and 实际销售额.  consolidate's summaries carry
no sales, so a table of 工号, 期间 (or the month in its name) and 实际销售额 without 总分 may be given with
them (its header may stand below a title row): its sales are merged into those months' rows (its rows of
months no summary holds are said once per file, not per row).  A 工号 written otherwise only in letter case or
full-/half-width (cs001, CS001) is the same person when unambiguous, across months and in the sales table:
matched under the summary's spelling and said once per file (``AnnualNote``).  Months
without any sales are said once in 问题 (``Annual.notes``: notes, not problems), as are calendar months
no input holds.  A month is judged for 末位请辞, per department (or company), only when everyone ranked
there by 总分 also has 实际销售额: a last place taken from an incomplete list could dismiss the wrong
person.  Otherwise nobody there is dismissed for that month; each one's reason and one note per month
and department name the people without sales.  People with a row but no 总分 are not ranked; the
reasons of those compared say so (with their sales, if given).

Decisions are evaluated per person and period by the rules of xl_kpi.decisions; each gives a
value and a Chinese sentence with its reason.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import combinations
from pathlib import Path
from typing import Any

from . import pay as paymod
from .decisions import COLUMNS, default_decisions
from .errors import InputFileError, InputValueError, KpiError
from .numbers import fmt, plain, round_half_up, to_decimal
from .scheme import Scheme, normalize
from .tables import atomic_path, cell_text, id_key, keep_backup, keep_text, read_table

MISSING_MODES = ("skip", "zero", "fail")
PAY_COLUMNS = ("绩效奖金", "岗位工资", "提成", "当月工资")
_ALIASES = {
    "工号": ("工号", "员工编号", "id"),
    "姓名": ("姓名",),
    "部门": ("部门",),
    "期间": ("期间", "考核期间", "考核月份", "月份"),
    "总分": ("总分", "总评", "得分"),
    "实际销售额": ("实际销售额", "销售额"),
    "计划销售额": ("计划销售额",),
    "绩效奖金基数": ("绩效奖金基数",),
    "其他": ("其他",),
    "顾问级别": ("顾问级别",),
    "新顾客数": ("新顾客数", "新客户数", "新客人数"),
    "复试": ("复试", "复试结果", "抽考结果"),
    "公司简介成绩": ("公司简介成绩",),
    "产品知识成绩": ("产品知识成绩", "产品专业知识成绩"),
    "仪器操作成绩": ("仪器操作成绩",),
    **{k: (k,) for k in PAY_COLUMNS},
}
_WHAT = "输入表 (月度汇总的「公司总览」表、工号/期间/总分 表或 工号/期间/实际销售额 表) "
_TESTS = ("公司简介成绩", "产品知识成绩", "仪器操作成绩")
_PER_ROW = 20  # more 工号 of a sales table unknown to the summaries are said together, not per row
_LISTED = 30  # 工号 listed in one sentence, at most
_CN = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十", 11: "十一", 12: "十二"}


@dataclass(frozen=True)
class AnnualIssue:
    file: str
    where: str
    person: str
    message: str


class AnnualNote(AnnualIssue):
    """Said in 问题 like an issue but no problem of the input (the exit status is unchanged): read_monthly
    lists it among its issues, roll_up moves it to ``Annual.notes``."""


@dataclass
class MonthRow:
    pid: str
    name: str
    dept: str
    month: str  # YYYY-MM
    total: Decimal | None
    source: str
    sales: Decimal | None = None
    pay: dict[str, Decimal] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # advisor columns, as read
    sales_only: bool = False  # from a table of 工号/期间/实际销售额 without 总分: merged into the month's row


@dataclass
class PersonPeriod:
    pid: str
    name: str
    dept: str
    period: str
    months: dict[str, Decimal | None]  # every month of the period -> total (None: missing)
    score: Decimal | None
    missing: list[str]
    absent: list[str]  # months without any row (缺岗)
    pay: dict[str, Decimal] = field(default_factory=dict)
    decisions: dict[str, tuple[Any, str]] = field(default_factory=dict)  # column -> (value, reason)


@dataclass
class Annual:
    by: str
    missing_mode: str
    periods: dict[str, list[str]]  # period label -> its months present in the inputs
    people: list[PersonPeriod]
    issues: list[AnnualIssue]
    decision_columns: list[str]
    notes: list[AnnualIssue] = field(default_factory=list)  # said once in 问题, not problems of the input (exit 0)


# --------------------------------------------------------------------------- months


def month_of(value: Any) -> str | None:
    """'2026-03', '2026/3', '2026年3月', a date -> '2026-03'; None when it is not a month."""
    if isinstance(value, (datetime, date)):
        return f"{value.year:04d}-{value.month:02d}"
    m = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*", cell_text(value))
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def month_from_name(path: str | Path) -> str | None:
    """The one YYYY-MM (2026-10, 2026_10, 2026年10) a file name holds; None for none or several."""
    path = Path(path)
    found = {f"{int(y):04d}-{int(m):02d}" for y, m in re.findall(r"(?<!\d)(\d{4})[-_.年](\d{1,2})(?!\d)", path.stem)
             if 1 <= int(m) <= 12}
    return found.pop() if len(found) == 1 else None


def _index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def period_of(month: str, by: str) -> str:
    if by == "quarter":
        return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"
    return month[:4]


def _join(months: list[str]) -> str:
    return "、".join(months)


def _n(count: int) -> str:
    return _CN.get(count, str(count))


# --------------------------------------------------------------------------- reading


def read_monthly(paths: list[str | Path], scheme: Scheme | None = None) -> tuple[list[MonthRow], list[AnnualIssue]]:
    """Every month row of every input; problems (no 工号, bad total, duplicates) are listed, not raised.

    工号 written differently only in letter case or full-/half-width (cs001, CS001, ＣＳ００１) are one
    person when that is unambiguous (``_same_ids``, ``_merge_sales``); each file where that happened is
    said once by an ``AnnualNote`` among the issues (roll_up moves it to ``Annual.notes``)."""
    rows: list[tuple[Path, MonthRow]] = []
    issues: list[AnnualIssue] = []
    seen: dict[tuple[str, str], MonthRow] = {}
    supplied: list[tuple[Path, MonthRow]] = []
    given: set[Path] = set()
    for path in map(Path, paths):
        if path.is_file() and path.resolve() in given:  # e.g. matched by a wildcard and named again
            issues.append(AnnualNote(path.name, "输入文件", "", f"说明: {path} 给了不止一次, 只读取一次"))
            continue
        given.add(path.resolve())
        for row in _read_one(path, scheme, issues):
            if row.sales_only:
                supplied.append((path, row))
                continue
            key = (row.pid, row.month)
            if key in seen:
                issues.append(AnnualIssue(path.name, row.source, row.pid,
                                          f"工号 {row.pid} 的 {row.month} 重复: 已在 {seen[key].source} 出现, 本行未计入"))
                continue
            seen[key] = row
            rows.append((path, row))
    _same_ids(rows, issues)
    _merge_sales(supplied, {(r.pid, r.month): r for _, r in rows}, issues)
    return [r for _, r in rows], issues


def _id_key(pid: str) -> str:
    """A 工号 as compared across files: letter case, full-/half-width and surrounding spaces ignored."""
    return id_key(pid).casefold()


def _listed(items: list[str], limit: int = _LISTED) -> str:
    """Items joined with 、, the first ``limit`` of them when there are more (then 等 N 个)."""
    return _join(items) if len(items) <= limit else f"{_join(items[:limit])} 等 {len(items)} 个"


def _spans(months: list[str]) -> str:
    """Months as said in texts: runs of three or more calendar-consecutive months as 「A 至 B」."""
    idx = sorted({_index(m) for m in months})
    parts: list[str] = []
    start = 0
    for i in range(1, len(idx) + 1):
        if i == len(idx) or idx[i] != idx[i - 1] + 1:
            run = idx[start:i]
            parts += [f"{_month(run[0])} 至 {_month(run[-1])}"] if len(run) >= 3 else [_month(m) for m in run]
            start = i
    return _join(parts)


def _same_ids(rows: list[tuple[Path, MonthRow]], issues: list[AnnualIssue]) -> None:
    """One 工号 written in several ways (differing only in letter case or full-/half-width) across the
    monthly inputs: the rows are one person under the spelling of most months (the latest on a tie),
    said once per file whose spelling was changed.  The spellings are different people, and stay apart
    with a problem said, when two of them hold the same month or their names differ."""
    groups: dict[str, dict[str, list[tuple[Path, MonthRow]]]] = {}
    for path, r in rows:
        groups.setdefault(_id_key(r.pid), {}).setdefault(r.pid, []).append((path, r))
    renamed: dict[str, dict[str, str]] = {}  # file -> spelling there -> the spelling kept
    for spellings in groups.values():
        if len(spellings) < 2:
            continue
        months = {s: {r.month for _, r in v} for s, v in spellings.items()}
        names = {s: {r.name for _, r in v if r.name} for s, v in spellings.items()}
        why = ""
        for a, b in combinations(sorted(spellings), 2):
            both = sorted(months[a] & months[b])
            if both:
                why = f"在 {_spans(both)} 同时出现"
            elif names[a] and names[b] and not names[a] & names[b]:
                why = f"姓名不同 ({a}: {_join(sorted(names[a]))}; {b}: {_join(sorted(names[b]))})"
            if why:
                break
        if why:
            each = "、".join(f"{s} ({v[0][1].source})" for s, v in sorted(spellings.items()))
            issues.append(AnnualIssue("", "工号", "、".join(sorted(spellings)), (
                f"工号 {each} 只差大小写或全角/半角, 但{why}, 不能确定是同一人: 未合并, 按不同工号分别计算; "
                "如是同一人, 请在各月汇总中统一工号后重新运行")))
            continue
        kept = max(spellings, key=lambda s: (len(spellings[s]), max(months[s])))
        for s, v in spellings.items():
            if s != kept:
                for path, r in v:
                    r.pid = kept
                    renamed.setdefault(path.name, {})[s] = kept
    for name, pairs in renamed.items():
        issues.append(AnnualNote(name, "工号", "", (
            f"说明: {name} 中 {len(pairs)} 个工号与其他月份的写法只差大小写或全角/半角, 已视为同一人合并: "
            f"{_listed([f'{a} → {b}' for a, b in sorted(pairs.items())])}。如不是同一人, 请改正工号后重新运行")))


def _merge_sales(supplied: list[tuple[Path, MonthRow]], seen: dict[tuple[str, str], MonthRow],
                 issues: list[AnnualIssue]) -> None:
    """实际销售额 from tables without 总分 (工号, 期间, 实际销售额) into the month rows of the summaries:
    the monthly summaries written by consolidate carry no sales, which 末位请辞 needs.

    A 工号 not in that month's summary is matched ignoring letter case and full-/half-width when exactly
    one 工号 of the month (with the same name, if both have one) is so equal: said once per file.
    Said once per file, not per row: the rows of months no summary holds, and 工号 unknown to the
    summaries when there are more than ``_PER_ROW`` such rows (a table of other staff, or 工号 written
    otherwise); fewer are said per row."""
    by_key: dict[tuple[str, str], list[MonthRow]] = {}
    for (pid, month), row in seen.items():
        by_key.setdefault((_id_key(pid), month), []).append(row)
    summarized = sorted({month for _, month in seen})
    taken: dict[tuple[str, str], MonthRow] = {}
    files: dict[Path, list[MonthRow]] = {}
    for path, s in supplied:
        files.setdefault(path, []).append(s)
    for path, table in files.items():
        unsummarized: dict[str, list[str]] = {}  # month -> rows
        unknown: list[tuple[MonthRow, str]] = []
        matched: dict[str, str] = {}  # spelling in the table -> the summary's
        for s in table:
            if s.sales is None:
                continue
            where = s.source.removeprefix(f"{path.name} ")
            if s.month not in summarized:
                unsummarized.setdefault(s.month, []).append(where)
                continue
            row, alias = seen.get((s.pid, s.month)), False
            if row is None:
                alike = sorted(by_key.get((_id_key(s.pid), s.month), []), key=lambda r: r.pid)
                if len(alike) > 1:
                    issues.append(AnnualIssue(path.name, where, s.pid, (
                        f"工号 {s.pid} 与 {s.month} 月度汇总中的 {_join([r.pid for r in alike])} 都只差大小写或全角/半角, "
                        "不能确定是哪一人, 这一行的实际销售额未计入; 请按月度汇总的写法改正工号")))
                    continue
                if alike and s.name and alike[0].name and s.name != alike[0].name:
                    issues.append(AnnualIssue(path.name, where, s.pid, (
                        f"工号 {s.pid} ({s.name}) 与 {s.month} 月度汇总中的 {alike[0].pid} ({alike[0].name}) 只差大小写或"
                        "全角/半角, 但姓名不同, 这一行的实际销售额未计入; 请核对工号")))
                    continue
                if not alike:
                    unknown.append((s, where))
                    continue
                row, alias = alike[0], True
            key = (row.pid, s.month)
            if key in taken:
                issues.append(AnnualIssue(path.name, where, s.pid,
                                          f"工号 {s.pid} 的 {s.month} 实际销售额重复: 已在 {taken[key].source} 出现, 本行未计入"))
            elif row.sales is not None and row.sales != s.sales:
                issues.append(AnnualIssue(path.name, where, s.pid,
                                          f"{s.month} 的实际销售额 {fmt(s.sales)} 与 {row.source} 的 {fmt(row.sales)} 不同; "
                                          "按后者计算, 请核对"))
            else:
                taken[key] = s
                row.sales = s.sales
                if alias:
                    matched[s.pid] = row.pid
        if len(unknown) <= _PER_ROW:
            for s, where in unknown:
                issues.append(AnnualIssue(path.name, where, s.pid,
                                          f"月度汇总中没有工号 {s.pid} 在 {s.month} 的记录, 这一行的实际销售额未计入"))
        else:
            pids: dict[str, list[str]] = {}
            for s, _ in unknown:
                pids.setdefault(s.pid, []).append(s.month)
            issues.append(AnnualIssue(path.name, f"{unknown[0][1]} 等 {len(unknown)} 行", "", (
                f"月度汇总中没有这 {len(pids)} 个工号在所列月份的记录, 这 {len(unknown)} 行的实际销售额未计入: "
                f"{_listed([f'{p} ({_spans(ms)})' for p, ms in pids.items()])}。请核对工号是否与月度汇总一致 "
                "(如 Excel 把 001 存成了 1), 或这些人是否不在考核范围内")))
        if unsummarized:
            months = sorted(unsummarized)
            count = sum(len(w) for w in unsummarized.values())
            have = f"已交的月度汇总为 {_spans(summarized)}" if summarized else "没有交月度汇总"
            first = next(w[0] for w in unsummarized.values())  # the first such row of the table
            issues.append(AnnualIssue(path.name, f"{first} 等 {count} 行", "", (
                f"{_spans(months)} 没有月度汇总 ({have}), 这 {len(months)} 个月的 {count} 行实际销售额未使用; "
                "如漏交了这些月份的汇总, 请补上后重新运行")))
        if matched:
            issues.append(AnnualNote(path.name, "工号", "", (
                f"说明: {path.name} 中 {len(matched)} 个工号与月度汇总的写法只差大小写或全角/半角, 已按月度汇总的工号计入"
                f"实际销售额: {_listed([f'{a} → {b}' for a, b in sorted(matched.items())])}。如不是同一人, 请改正工号后重新运行")))


def _read_one(path: Path, scheme: Scheme | None, issues: list[AnnualIssue]) -> list[MonthRow]:
    if not path.is_file():
        raise InputFileError(f"找不到文件 {path}")
    sheet = None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from python_calamine import CalamineWorkbook

        try:
            names = CalamineWorkbook.from_path(str(path)).sheet_names
        except Exception as exc:
            raise InputFileError(f"{path}: 无法打开工作簿 ({exc})") from None
        sheet = "公司总览" if "公司总览" in names else None
    # the header is the first row (of the first ten) holding 工号: a title may stand above it
    table = read_table(path, sheet, required={"工号": _ALIASES["工号"]}, what=_WHAT)
    cols: dict[str, int] = {}
    heads = [normalize(h) for h in table.headers]
    for key, names in _ALIASES.items():
        for name in names:
            if normalize(name) in heads:
                cols[key] = heads.index(normalize(name))
                break
    sales_only = "总分" not in cols and "实际销售额" in cols  # a table of each month's sales, for 末位请辞
    if "工号" not in cols or ("总分" not in cols and not sales_only):
        raise InputFileError(f"{path}: 应有 工号 和 总分 两列 (月度汇总的「公司总览」表或 工号/姓名/部门/期间/总分 表; "
                             "只补实际销售额的表应有 工号、期间、实际销售额 三列)")
    file_month = month_from_name(path)
    if "期间" not in cols and file_month is None:
        raise InputFileError(f"{path}: 没有「期间」列, 文件名中也没有 YYYY-MM 形式的月份, 无法确定考核月份")
    out = []
    for i, raw in enumerate(table.rows):
        where = table.where(i)

        def get(key: str) -> Any:
            return raw[cols[key]] if key in cols and cols[key] < len(raw) else None

        if not any(v is not None and cell_text(v) for v in raw):
            continue
        pid = cell_text(get("工号"))
        if not pid:
            issues.append(AnnualIssue(path.name, where, "", "缺少工号, 本行未计入"))
            continue
        month = month_of(get("期间")) if "期间" in cols else file_month
        if month is None:
            issues.append(AnnualIssue(path.name, table.where(i, cols["期间"]), pid,
                                      f"期间应为 YYYY-MM (如 2026-03), 收到「{cell_text(get('期间'))}」; 本行未计入"))
            continue
        if sales_only:
            row = MonthRow(pid, cell_text(get("姓名")), cell_text(get("部门")), month, None, f"{path.name} {where}",
                           sales_only=True)
            row.sales = _number(get("实际销售额"), "实际销售额", path, where, pid, issues)
            out.append(row)
            continue
        total = _number(get("总分"), "总分", path, table.where(i, cols["总分"]), pid, issues)
        if total is None and cell_text(get("总分")) == "":
            issues.append(AnnualIssue(path.name, where, pid, f"{month} 没有总分 (该月按缺考处理)"))
        row = MonthRow(pid, cell_text(get("姓名")), cell_text(get("部门")), month, total, f"{path.name} {where}")
        row.sales = _number(get("实际销售额"), "实际销售额", path, where, pid, issues)
        for key in PAY_COLUMNS:
            value = _number(get(key), key, path, where, pid, issues)
            if value is not None:
                row.pay[key] = value
        if scheme is not None and total is not None:
            _compute_pay(row, scheme, {k: _number(get(k), k, path, where, pid, issues)
                                       for k in ("绩效奖金基数", "计划销售额", "其他")})
        for key in ("顾问级别", "复试"):
            if cell_text(get(key)):
                row.extra[key] = cell_text(get(key))
        for key in ("新顾客数", *_TESTS):
            value = _number(get(key), key, path, where, pid, issues)
            if value is not None:
                row.extra[key] = value
        out.append(row)
    return out


def _number(value: Any, what: str, path: Path, where: str, pid: str, issues: list[AnnualIssue]) -> Decimal | None:
    if value is None or cell_text(value) == "":
        return None
    try:
        return to_decimal(value, what=what)
    except InputValueError as exc:
        issues.append(AnnualIssue(path.name, where, pid, f"{exc}; 按空白处理"))
        return None


def _compute_pay(row: MonthRow, scheme: Scheme, amounts: dict[str, Decimal | None]) -> None:
    """Pay from the data file's amounts where the summary did not carry the figures already."""
    total = row.total
    assert total is not None
    if scheme.bonus and "绩效奖金" not in row.pay and amounts["绩效奖金基数"] is not None:
        row.pay["绩效奖金"] = paymod.bonus(amounts["绩效奖金基数"], total)
    grade = scheme.grades.grade_of(total) if scheme.grades else None
    if grade is not None and grade.post_wage is not None and "岗位工资" not in row.pay:
        row.pay["岗位工资"] = grade.post_wage
    if scheme.commission and "提成" not in row.pay and amounts["计划销售额"] is not None and row.sales is not None:
        row.pay["提成"] = scheme.commission.amount(row.sales, amounts["计划销售额"])
    if "当月工资" not in row.pay and "岗位工资" in row.pay and "提成" in row.pay:
        row.pay["当月工资"] = paymod.monthly_wage(row.pay["岗位工资"], row.pay["提成"], amounts["其他"] or Decimal(0))


# --------------------------------------------------------------------------- roll-up


def roll_up(rows: list[MonthRow], *, by: str = "year", missing: str = "skip", scheme: Scheme | None = None,
            issues: list[AnnualIssue] | None = None) -> Annual:
    if by not in ("year", "quarter"):
        raise KpiError(f"--by 应为 year 或 quarter, 收到 {by}")
    if missing not in MISSING_MODES:
        raise KpiError(f"--missing 应为 {' / '.join(MISSING_MODES)}, 收到 {missing}")
    issues = list(issues or [])
    read_notes = [i for i in issues if isinstance(i, AnnualNote)]
    issues = [i for i in issues if not isinstance(i, AnnualNote)]
    config = scheme.decisions if scheme is not None and scheme.decisions is not None else default_decisions()
    decimals = scheme.decimals if scheme is not None else 2
    weights: dict[int, Decimal] = config["month_weights"]
    all_months = sorted({r.month for r in rows})
    periods: dict[str, list[str]] = {}
    for m in all_months:
        periods.setdefault(period_of(m, by), []).append(m)
    by_person: dict[str, dict[str, MonthRow]] = {}
    by_month: dict[str, list[MonthRow]] = {}
    for r in rows:
        by_person.setdefault(r.pid, {})[r.month] = r
        by_month.setdefault(r.month, []).append(r)
    flags = _monthly_flags(by_month, config, scheme)

    people: list[PersonPeriod] = []
    for label, months in periods.items():
        for pid, mine in sorted(by_person.items()):
            present = [m for m in months if m in mine]
            if not present:
                continue
            latest = mine[present[-1]]
            totals = {m: (mine[m].total if m in mine else None) for m in months}
            miss = [m for m in months if totals[m] is None]
            absent = [m for m in months if m not in mine]
            score = None
            if missing == "fail" and miss:
                issues.append(AnnualIssue("", label, pid, f"缺考 {_join(miss)}: 按 --missing fail 不计算{label}得分"))
            else:
                parts = [(weights.get(int(m[5:7]), Decimal(1)), totals[m] if totals[m] is not None else Decimal(0))
                         for m in months if totals[m] is not None or missing == "zero"]
                wsum = sum(w for w, _ in parts)
                if parts and wsum > 0:
                    score = round_half_up(sum(w * v for w, v in parts) / wsum, decimals)
            pp = PersonPeriod(pid, latest.name, latest.dept, label, totals, score, miss, absent)
            for key in PAY_COLUMNS:
                values = [mine[m].pay[key] for m in present if key in mine[m].pay]
                if values:
                    pp.pay[key] = sum(values, Decimal(0))
            people.append(pp)
    columns = [COLUMNS[k] for k in COLUMNS if config.get(k) is not None]
    for label, months in periods.items():
        group = [p for p in people if p.period == label]
        _decide(group, months, by_person, flags, config, scheme)
    return Annual(by, missing, periods, people, issues, columns, read_notes + _notes(rows, all_months, config))


def _notes(rows: list[MonthRow], all_months: list[str], config: dict) -> list[AnnualIssue]:
    """What the output cannot show by itself, said once: months no input holds (they break "连续" runs
    but are nobody's 缺考), and 末位请辞 left undecided for want of 实际销售额."""
    notes = []
    if all_months:
        gaps = [_month(i) for i in range(_index(all_months[0]), _index(all_months[-1]) + 1) if _month(i) not in all_months]
        if gaps:
            notes.append(AnnualIssue("", "缺少的月份", "", (
                f"说明: 输入中没有 {_join(gaps)} 的月度汇总 (对所有人都没有), 这些月份不计入任何人的缺考月份和缺岗, "
                "但会中断「连续」月份 (调薪、降薪、连续第一奖励、连续不及格请辞); 如漏交了该月汇总, 请补上后重新运行")))
    if config.get("resign_last") is not None and rows:
        sold = {r.month for r in rows if r.sales is not None}
        unsold = [m for m in all_months if m not in sold]
        if unsold:
            which = "输入的各月" if len(unsold) == len(all_months) else f"{_join(unsold)} "
            commission = ("; 汇总中的「提成」按计划销售额分档计算, 不能据此推出实际销售额的排名"
                          if any("提成" in r.pay for r in rows if r.month in unsold) else "")
            notes.append(AnnualIssue("", COLUMNS["resign_last"], "", (
                f"说明: {which}没有「实际销售额」, 这些月份未判断末位请辞 (文件 002 第十二条: 当月绩效考核和实际销售额都排名最后的, "
                f"自动请辞; 总分和实际销售额两项缺一不可。consolidate 的月度汇总不带实际销售额{commission})。"
                "「末位请辞」一栏为空不表示不请辞。需要此项决定时, 请人事补交各人每月的实际销售额: 做一个有「工号」「期间」(YYYY-MM)"
                "「实际销售额」三列的表 (.xlsx 或 .csv), 与月度汇总一起交给 annual (如 xl-kpi annual 2026-*-汇总.xlsx "
                "2026-实际销售额.xlsx -o 2026-年度.xlsx), 或在各月汇总的「公司总览」表中加一列「实际销售额」; "
                "不采用此条时, 可在方案的 decisions 中写 resign_last: false")))
    if config.get("resign_last") is not None:
        notes += _incomplete_sales(rows, config["resign_last"])
    return notes


def _incomplete_sales(rows: list[MonthRow], rule: dict) -> list[AnnualIssue]:
    """Once per month and scope that has 实际销售额 for some of the people ranked by 总分 but not for all:
    nobody there is dismissed for that month (the month without any sales is said by _notes)."""
    by_month: dict[str, list[MonthRow]] = {}
    for r in rows:
        by_month.setdefault(r.month, []).append(r)
    notes = []
    for month, members in sorted(by_month.items()):
        if not any(r.sales is not None for r in members):
            continue
        for key, group in sorted(_scopes(members, rule).items()):
            scored = [r for r in group if r.total is not None]
            unsold = [r for r in scored if r.sales is None]
            if len(scored) < 2 or not unsold:
                continue
            place = _place(key, rule)
            count = "都没有" if len(unsold) == len(scored) else f"中 {len(unsold)} 人没有"
            notes.append(AnnualIssue("", COLUMNS["resign_last"], "", (
                f"说明: {month} {place}有总分的 {len(scored)} 人{count}「实际销售额」: {_who(unsold)}。"
                f"名单不全就排不出实际销售额的最后一名 (文件 002 第十二条: 当月绩效考核和实际销售额都排名最后的, 自动请辞), "
                f"因此 {month} {place}未判断末位请辞, 无人因该月请辞。请补交这些人 {month} 的实际销售额 "
                "(表中若有这些人的行, 请核对工号是否写错) 后重新运行")))
    return notes


def _scopes(rows: list[MonthRow], rule: dict) -> dict[str, list[MonthRow]]:
    """One month's rows by the rule's scope: per department, or the whole company under ""."""
    groups: dict[str, list[MonthRow]] = {}
    for r in rows:
        groups.setdefault(r.dept if rule["scope"] == "department" else "", []).append(r)
    return groups


def _place(key: str, rule: dict) -> str:
    """The scope as said in texts: the department's name, or 公司."""
    return (key or "部门") if rule["scope"] == "department" else "公司"


def _who(rows: list[MonthRow]) -> str:
    return "、".join(f"{r.pid} {r.name}".strip() for r in sorted(rows, key=lambda r: r.pid))


def _monthly_flags(by_month: dict[str, list[MonthRow]], config: dict, scheme: Scheme | None) -> dict[str, dict[str, dict[str, Any]]]:
    """Per month and person: first in scope; last in total and sales in scope.

    末位请辞 (文件 002 第十二条) ranks the people of the scope who have a 总分 that month ("ranked"); the
    month is judged for the scope only when every one of them also has 实际销售额 (a last place taken
    from an incomplete list could dismiss the wrong person).  Judged: ``last`` (bool), with ``last_out``
    the scope's rows without 总分 (not compared).  Not judged: ``last_skip``, the reason.
    """
    out: dict[str, dict[str, dict[str, Any]]] = {}
    fb, rl = config.get("first_bonus"), config.get("resign_last")
    for month, rows in by_month.items():
        flags = out.setdefault(month, {})
        month_sold = any(r.sales is not None for r in rows)
        for rule, name in ((fb, "first"), (rl, "last")):
            if rule is None:
                continue
            for key, members in _scopes(rows, rule).items():
                scored = [r for r in members if r.total is not None]
                if not scored:
                    continue
                if name == "first":
                    top = max(r.total for r in scored)  # type: ignore[type-var]
                    for r in scored:
                        flags.setdefault(r.pid, {})["first"] = r.total == top
                    continue
                place = _place(key, rule)
                unsold = [r for r in scored if r.sales is None]
                skip = None
                if not month_sold:
                    skip = "没有实际销售额"
                elif len(scored) < 2:
                    skip = f"{place}只有 1 人有总分, 无从比较"
                elif unsold:
                    who = "无人有实际销售额" if len(unsold) == len(scored) else f"{_who(unsold)} 没有实际销售额"
                    skip = f"{place} {who}, 无法排出{'部门' if rule['scope'] == 'department' else '公司'}最后"
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


def _windows(qualifying: set[int], n: int, period: set[int], chunked: bool = False) -> list[list[int]]:
    """Windows of n calendar-consecutive qualifying months whose last month is in the period.

    chunked: runs are cut into consecutive blocks of n from their start (each month used once).
    """
    out = []
    for start in sorted(qualifying):
        if start - 1 in qualifying:
            continue
        end = start
        while end + 1 in qualifying:
            end += 1
        if chunked:
            for first in range(start, end - n + 2, n):
                window = list(range(first, first + n))
                if window[-1] in period:
                    out.append(window)
        else:
            for last in range(start + n - 1, end + 1):
                if last in period:
                    out.append(list(range(last - n + 1, last + 1)))
    return out


def _longest(qualifying: set[int], period: set[int]) -> list[int]:
    best: list[int] = []
    for start in sorted(qualifying):
        if start - 1 in qualifying:
            continue
        run = [start]
        while run[-1] + 1 in qualifying:
            run.append(run[-1] + 1)
        if any(m in period for m in run) and len(run) > len(best):
            best = run
    return best


def _fmt_scores(months: list[int], totals: dict[str, Decimal]) -> str:
    return ", ".join(fmt(totals[_month(m)]) for m in months)


def _decide(group: list[PersonPeriod], months: list[str], by_person: dict[str, dict[str, MonthRow]],
            flags: dict, config: dict, scheme: Scheme | None) -> None:
    period = {_index(m) for m in months}
    label = group[0].period if group else ""
    kind = "季度" if "Q" in label else "年度"
    absence = config.get("absence")
    assessed: list[PersonPeriod] = []
    for p in group:
        out = p.decisions
        mine = by_person[p.pid]
        totals = {m: r.total for m, r in mine.items() if r.total is not None}
        idx = {_index(m): v for m, v in totals.items()}
        gap = f"; 缺考 {_join(p.missing)} 中断连续" if p.missing else ""
        excluded = False
        if absence is not None:
            limit = absence["max_months"]
            # 缺考月份 = 缺岗 (no row that month) + months with a row but no 总分: the latter are said too
            unscored = [m for m in p.missing if m not in p.absent]
            blank = f"{_join(unscored)} 有考核记录但没有总分 (列入缺考月份, 不计为缺岗)" if unscored else ""
            if len(p.absent) > limit:
                excluded = True
                out[COLUMNS["absence"]] = ("不参与当期考评", f"缺岗 {len(p.absent)} 个月 ({_join(p.absent)}), 超过 {limit} 个月, 不参与当期考评"
                                           + (f"; {blank}" if blank else ""))
            elif p.absent:
                out[COLUMNS["absence"]] = ("参与", f"缺岗 {len(p.absent)} 个月 ({_join(p.absent)}), 未超过 {limit} 个月"
                                           + (f"; {blank}" if blank else ""))
            else:
                out[COLUMNS["absence"]] = ("参与", f"没有缺岗月份; {blank}" if blank else "各月均有考核记录")
        if not excluded and p.score is not None:
            assessed.append(p)
        skip_reason = "缺岗超过规定月数, 不参与当期考评" if excluded else f"没有{kind}得分"

        rule = config.get("raise")
        if rule is not None:
            n, edge = rule["months"], rule["at_least"]
            if excluded:
                out[COLUMNS["raise"]] = ("", skip_reason)
            else:
                wins = _windows({i for i, v in idx.items() if v >= edge}, n, period)
                annual_edge, strict = rule["annual_at_least"], rule["annual_strict"]
                op = ">" if strict else "≥"
                annual_ok = p.score is not None and (p.score > annual_edge if strict else p.score >= annual_edge)
                reasons = []
                if wins:
                    w = wins[0]
                    reasons.append(f"{_join([_month(m) for m in w])} 连续{_n(n)}个月 ≥{fmt(edge)} ({_fmt_scores(w, totals)})")
                if annual_ok:
                    reasons.append(f"{kind}平均 {fmt(p.score)} {op}{fmt(annual_edge)}")  # type: ignore[arg-type]
                if wins or annual_ok:
                    out[COLUMNS["raise"]] = ("有资格", "; ".join(reasons))
                else:
                    run = _longest({i for i, v in idx.items() if v >= edge}, period)
                    longest = f"最长连续 ≥{fmt(edge)} 为 {len(run)} 个月" + (f" ({_join([_month(m) for m in run])})" if run else "")
                    avg = f"{kind}平均 {fmt(p.score)} 未{op}{fmt(annual_edge)}" if p.score is not None else f"没有{kind}平均分"
                    out[COLUMNS["raise"]] = ("", f"无连续{_n(n)}个月 ≥{fmt(edge)} ({longest}{gap}); {avg}")

        rule = config.get("pay_cut")
        if rule is not None:
            n, edge, annual_edge = rule["months"], rule["below"], rule["annual_below"]
            if excluded:
                out[COLUMNS["pay_cut"]] = ("", skip_reason)
            else:
                wins = _windows({i for i, v in idx.items() if v < edge}, n, period)
                annual_bad = p.score is not None and p.score < annual_edge
                reasons = []
                if wins:
                    w = wins[0]
                    reasons.append(f"{_join([_month(m) for m in w])} 连续{_n(n)}个月 <{fmt(edge)} ({_fmt_scores(w, totals)})")
                if annual_bad:
                    reasons.append(f"{kind}平均 {fmt(p.score)} <{fmt(annual_edge)}")  # type: ignore[arg-type]
                if wins or annual_bad:
                    out[COLUMNS["pay_cut"]] = ("降薪", "; ".join(reasons))
                else:
                    avg = f"{kind}平均 {fmt(p.score)} 不低于 {fmt(annual_edge)}" if p.score is not None else f"没有{kind}平均分"
                    out[COLUMNS["pay_cut"]] = ("", f"无连续{_n(n)}个月 <{fmt(edge)}{gap}; {avg}")

        rule = config.get("first_bonus")
        if rule is not None:
            n, amount = rule["months"], rule["amount"]
            scope = "部门" if rule["scope"] == "department" else "公司"
            firsts = {_index(m) for m, f in ((m, flags.get(m, {}).get(p.pid, {})) for m in mine) if f.get("first")}
            wins = _windows(firsts, n, period, chunked=True)
            if wins:
                text = "; ".join(f"{_join([_month(m) for m in w])} 连续{_n(n)}个月{scope}排名第一 ({_fmt_scores(w, totals)})"
                                 for w in wins)
                out[COLUMNS["first_bonus"]] = (amount * len(wins), f"{text}; 奖励 {len(wins)} × {fmt(amount)} 元")
            else:
                got = sorted(m for m in firsts if m in period)
                out[COLUMNS["first_bonus"]] = (Decimal(0), f"无连续{_n(n)}个月{scope}排名第一"
                                               + (f" (排名第一: {_join([_month(m) for m in got])})" if got else "") + gap)

        rule = config.get("resign_fail")
        if rule is not None:
            n = rule["months"]
            below = rule["below"]
            if below is None:
                below = scheme.grades.rows[-2].at_least if scheme is not None and scheme.grades else Decimal(65)
            wins = _windows({i for i, v in idx.items() if v < below}, n, period)
            if wins:
                w = wins[0]
                out[COLUMNS["resign_fail"]] = ("请辞", f"{_join([_month(m) for m in w])} 连续{_n(n)}个月不及格 (<{fmt(below)}: {_fmt_scores(w, totals)})")
            else:
                out[COLUMNS["resign_fail"]] = ("", f"无连续{_n(n)}个月不及格 (<{fmt(below)}){gap}")

        rule = config.get("resign_last")
        if rule is not None:
            out[COLUMNS["resign_last"]] = _resign_last(rule, mine, months, flags)

        rule = config.get("pay_threshold")
        if rule is not None:
            limit = rule["at_least"]
            if limit is None:
                limit = scheme.pay_threshold if scheme is not None and scheme.pay_threshold is not None else Decimal("0.8")
            full = scheme.total if scheme is not None else Decimal(100)
            if excluded or p.score is None:
                out[COLUMNS["pay_threshold"]] = ("", skip_reason)
            else:
                ratio = p.score / full
                shown = f"{kind}得分 {fmt(p.score)} / {fmt(full)} = {fmt(round_half_up(ratio * 100, 2))}%"
                if ratio < limit:
                    out[COLUMNS["pay_threshold"]] = ("不参与绩效考核", f"{shown} < {fmt(limit * 100)}%")
                else:
                    out[COLUMNS["pay_threshold"]] = ("参与", f"{shown} ≥ {fmt(limit * 100)}%")

        rule = config.get("advisor")
        if rule is not None:
            out[COLUMNS["advisor"]] = _advisor(rule, mine, months)

    rule = config.get("promotion")
    if rule is not None:
        scores = sorted((p.score for p in assessed), reverse=True)  # type: ignore[arg-type]
        k = math.ceil(rule["top_percent"] * len(scores)) if scores else 0
        line = scores[k - 1] if k else None
        pct = fmt(rule["top_percent"] * 100)
        for p in group:
            if p not in assessed:
                p.decisions[COLUMNS["promotion"]] = ("", "缺岗超过规定月数, 不参与当期考评" if p.score is not None else f"没有{kind}得分")
                continue
            rank = 1 + sum(1 for s in scores if s > p.score)  # type: ignore[operator]
            head = f"{kind}得分 {fmt(p.score)} 排名第 {rank}/{len(scores)}; 前 {pct}% 为 ⌈{pct}% × {len(scores)}⌉ = {k} 人 (≥{fmt(line)}, 并列者均计入)"  # type: ignore[arg-type]
            p.decisions[COLUMNS["promotion"]] = ("可参与", head) if p.score >= line else ("", head)  # type: ignore[operator]


def _resign_last(rule: dict, mine: dict[str, MonthRow], months: list[str], flags: dict) -> tuple[Any, str]:
    """末位请辞 for one person and period, from the monthly flags; the reason says every month left
    undecided and why, and who was compared where people of the scope had no 总分."""
    scope = "部门" if rule["scope"] == "department" else "公司"
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
    undecided = [f"{_join(ms)} {why}, 未判断" for why, ms in skipped.items()]
    undecided += [f"{_join(unscored)} 没有总分, 未参与排名"] if unscored else []
    if judged:
        notes = [*undecided, *(f"{m} {compared(m)}" for m in judged if compared(m))]
        return ("", f"没有总分与实际销售额同月均为{scope}最后的月份" + (f" ({'; '.join(notes)})" if notes else ""))
    if skipped and set(skipped) <= {"没有实际销售额"} or not undecided:
        return ("", "没有实际销售额数据, 未判断")
    return ("", "; ".join(undecided))


def _advisor(rule: dict, mine: dict[str, MonthRow], months: list[str]) -> tuple[Any, str]:
    """Document 003's advisor levels, as far as the document states them."""
    present = [m for m in months if m in mine and "顾问级别" in mine[m].extra]
    if not present:
        return ("", "没有顾问级别数据")
    last = present[-1]
    level = mine[last].extra["顾问级别"]
    if level not in ("实习顾问", "专业顾问"):
        return (level, f"顾问级别「{level}」不是 实习顾问 / 专业顾问, 未判断")
    pro = level == "专业顾问"
    window = [_month(i) for i in range(_index(last) - rule["window_months"] + 1, _index(last) + 1)]
    new = sum((mine[m].extra.get("新顾客数", Decimal(0)) for m in window if m in mine), Decimal(0))
    need = rule["pro_new_customers" if pro else "intern_new_customers"]
    failed = [m for m in window if m in mine and "不合格" in str(mine[m].extra.get("复试", ""))]
    reasons = [f"{window[0]} 至 {window[-1]} {_n(len(window))}个月新顾客 {fmt(new)} 位 ({level}要求至少 {need} 位)"]
    if failed:
        reasons.append(f"{_join(failed)} 复试/抽考两次不合格")
    down = new < need or bool(failed)
    if down:
        return ("降为实习顾问" if pro else "降级 (重新考核合格后方可上岗)", "; ".join(reasons))
    tests = {k: mine[last].extra[k] for k in _TESTS if k in mine[last].extra}
    if not pro and len(tests) == len(_TESTS):
        edge = rule["pro_test"]
        ok = all(v >= edge for v in tests.values())
        reasons.append("、".join(f"{k[:-2]} {fmt(v)}" for k, v in tests.items()) + f" {'均' if ok else '未全部'} ≥{fmt(edge)}")
        if ok and new >= rule["pro_new_customers"]:
            return ("实习顾问 (可申请专业顾问考核)", "; ".join(reasons))
    return (level, "; ".join(reasons))


# --------------------------------------------------------------------------- writing


def annual_headers(result: Annual) -> list[str]:
    months = [m for ms in result.periods.values() for m in ms]
    kind = "季度得分" if result.by == "quarter" else "年度得分"
    pays = [f"{k}合计" for k in PAY_COLUMNS if any(k in p.pay for p in result.people)]
    heads = ["工号", "姓名", "部门", "期间", *months, kind, "缺考月份", *pays]
    for col in result.decision_columns:
        heads += [col, f"{col}原因"]
    return heads


def annual_row(p: PersonPeriod, heads: list[str], result: Annual) -> list[Any]:
    values: dict[str, Any] = {"工号": p.pid, "姓名": p.name, "部门": p.dept, "期间": p.period}
    for m, v in p.months.items():
        values[m] = plain(v) if v is not None else None
    values["季度得分" if result.by == "quarter" else "年度得分"] = plain(p.score) if p.score is not None else None
    values["缺考月份"] = _join(p.missing)
    for k, v in p.pay.items():
        values[f"{k}合计"] = plain(v)
    for col, (value, reason) in p.decisions.items():
        values[col] = plain(value) if isinstance(value, Decimal) else value
        values[f"{col}原因"] = reason
    return [values.get(h) for h in heads]


def build_annual(result: Annual):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    from .tables import print_a4_landscape

    book = Workbook()
    ws = book.active
    ws.title = "季度汇总" if result.by == "quarter" else "年度汇总"
    heads = annual_headers(result)
    ws.append(heads)
    people = sorted(result.people, key=lambda p: (p.period, p.dept, p.pid))
    for p in people:
        ws.append(annual_row(p, heads, result))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, head in enumerate(heads, start=1):
        wide = head.endswith("原因")
        ws.column_dimensions[get_column_letter(col)].width = 40 if wide else max(8, min(16, len(head) * 2 + 2))
        if wide:
            for row in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                row[0].alignment = Alignment(wrap_text=True, vertical="top")
    if people:
        table = Table(displayName="T_annual", ref=f"A1:{get_column_letter(len(heads))}{len(people) + 1}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(table)
    ws.freeze_panes = "C2"
    print_a4_landscape(ws, "1:1")
    issues = book.create_sheet("问题")
    issues.append(["文件", "位置", "工号", "问题"])
    listed = [*result.issues, *result.notes]
    for issue in listed:
        issues.append([issue.file, issue.where, issue.person, issue.message])
    for cell in issues[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCD", (30, 24, 12, 80)):
        issues.column_dimensions[col].width = width
    if listed:
        table = Table(displayName="T_issues", ref=f"A1:D{len(listed) + 1}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        issues.add_table(table)
    for sheet in book.worksheets:
        keep_text(sheet)
    return book


def run_annual(inputs: list[str | Path], output: str | Path, *, by: str = "year", missing: str = "skip",
               scheme: Scheme | None = None) -> Annual:
    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise InputFileError(f"年度汇总应为 .xlsx 文件, 收到 {output.name}")
    for path in map(Path, inputs):
        if path.exists() and output.exists() and path.resolve() == output.resolve():
            raise InputFileError(f"{output} 是输入文件之一, 不能覆盖; 请写到别的文件")
    rows, issues = read_monthly(list(inputs), scheme)
    result = roll_up(rows, by=by, missing=missing, scheme=scheme, issues=issues)
    book = build_annual(result)
    if output.exists():  # the roll-up replaced is kept as ….备份.xlsx (….备份2.xlsx …), as consolidate keeps a summary
        keep_backup(output)
    with atomic_path(output) as tmp:
        book.save(tmp)
    return result
