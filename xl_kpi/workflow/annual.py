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
matched under the summary's spelling and said once per file (a 说明 finding).  Months
without any sales are said once in 问题 (``Annual.notes``: notes, not problems), as are calendar months
no input holds.  A month is judged for 末位请辞, per department (or company), only when everyone ranked
there by 总分 also has 实际销售额: a last place taken from an incomplete list could dismiss the wrong
person.  Otherwise nobody there is dismissed for that month; each one's reason and one note per month
and department name the people without sales.  People with a row but no 总分 are not ranked; the
reasons of those compared say so (with their sales, if given).

Decisions are evaluated per person and period by the rules of xl_kpi.schemes.decisions; each gives a
value and a Chinese sentence with its reason.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from itertools import combinations
from pathlib import Path
from typing import Any

from xl_kpi.base.errors import InputFileError, InputValueError, KpiError
from xl_kpi.base.files import atomic_path, keep_backup
from xl_kpi.base.findings import NOTE, Finding
from xl_kpi.base.months import (
    Annual,
        MonthRow,
    PersonPeriod,
    index,
    join,
    month_from_name,
    month_of,
    period_of,
)
from xl_kpi.base.months import month as month_at
from xl_kpi.base.numbers import fmt, to_decimal
from xl_kpi.base.opener import open_book
from xl_kpi.engine.payroll import PAY_FIGURES, PayInputs, month_pay
from xl_kpi.excel.tables import cell_text, id_key, read_table
from xl_kpi.schemes.decisions import NONE, Decisions, Period, decide
from xl_kpi.schemes.scheme import Scheme, builtin_ids, builtin_scheme, guess_scheme, indicator_headers, normalize
from xl_kpi.workflow.annual_book import build_annual

MISSING_MODES = ("skip", "zero", "fail")
PAY_COLUMNS = PAY_FIGURES  # a monthly summary's money columns, summed over the period
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
_TESTS = (  # advisor tests (document 003), read for the 顾问级别 decision
    "公司简介成绩", "产品知识成绩", "仪器操作成绩")
_PER_ROW = 20  # more 工号 of a sales table unknown to the summaries are said together, not per row
_LISTED = 30  # 工号 listed in one sentence, at most


# --------------------------------------------------------------------------- months


def _join(months: list[str]) -> str:
    return join(months)


# --------------------------------------------------------------------------- reading


def read_monthly(paths: list[str | Path], scheme: Scheme | None = None) -> tuple[list[MonthRow], list[Finding]]:
    """Every month row of every input; problems (no 工号, bad total, duplicates) are listed, not raised.

    工号 written differently only in letter case or full-/half-width (cs001, CS001, ＣＳ００１) are one
    person when that is unambiguous (``_same_ids``, ``_merge_sales``); each file where that happened is
    said once by a 说明 finding (severity NOTE) among the issues (roll_up moves it to ``Annual.notes``)."""
    rows: list[tuple[Path, MonthRow]] = []
    issues: list[Finding] = []
    seen: dict[tuple[str, str], MonthRow] = {}
    supplied: list[tuple[Path, MonthRow]] = []
    given: set[Path] = set()
    for path in map(Path, paths):
        if path.is_file() and path.resolve() in given:  # e.g. matched by a wildcard and named again
            issues.append(Finding(path.name, message="此文件给了不止一次, 只读取一次", kind="input-twice", severity=NOTE))
            continue
        given.add(path.resolve())
        for row in _read_one(path, scheme, issues):
            if row.sales_only:
                supplied.append((path, row))
                continue
            key = (row.pid, row.month)
            if key in seen:
                issues.append(_at(row, path, f"工号 {row.pid} 的 {row.month} 重复: 已在 {seen[key].source} 出现, 本行未计入",
                                  kind="duplicate-month"))
                continue
            seen[key] = row
            rows.append((path, row))
    _same_ids(rows, issues)
    _merge_sales(supplied, {(r.pid, r.month): r for _, r in rows}, issues)
    if scheme is not None:  # pay needs the month's 实际销售额, which a separate sales table may bring
        for _, r in rows:
            if "amounts" in r.extra:
                _compute_pay(r, scheme, r.extra.pop("amounts"))
    return [r for _, r in rows], issues


def _id_key(pid: str) -> str:
    """A 工号 as compared across files: letter case, full-/half-width and surrounding spaces ignored."""
    return id_key(pid).casefold()


def _listed(items: list[str], limit: int = _LISTED) -> str:
    """Items joined with 、, the first ``limit`` of them when there are more (then 等 N 个)."""
    return _join(items) if len(items) <= limit else f"{_join(items[:limit])} 等 {len(items)} 个"


def _spans(months: list[str]) -> str:
    """Months as said in texts: runs of three or more calendar-consecutive months as 「A 至 B」."""
    idx = sorted({index(m) for m in months})
    parts: list[str] = []
    start = 0
    for i in range(1, len(idx) + 1):
        if i == len(idx) or idx[i] != idx[i - 1] + 1:
            run = idx[start:i]
            parts += [f"{month_at(run[0])} 至 {month_at(run[-1])}"] if len(run) >= 3 else [month_at(m) for m in run]
            start = i
    return _join(parts)


def _at(row: MonthRow, path: Path, message: str = "", **more: Any) -> Finding:
    """A problem about the input row ``row`` was read from (its file, sheet and row; its 工号)."""
    return Finding(**{"file": path.name, "sheet": row.sheet, "row": row.row, "person": row.pid, "message": message,
                      **more})


def _same_ids(rows: list[tuple[Path, MonthRow]], issues: list[Finding]) -> None:
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
            issues.append(Finding(subject="工号", person="、".join(sorted(spellings)), kind="id-spellings", message=(
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
        issues.append(Finding(name, subject="工号", kind="id-merged", severity=NOTE, message=(
            f"{len(pairs)} 个工号与其他月份的写法只差大小写或全角/半角, 已视为同一人合并: "
            f"{_listed([f'{a} → {b}' for a, b in sorted(pairs.items())])}。如不是同一人, 请改正工号后重新运行")))


def _merge_sales(supplied: list[tuple[Path, MonthRow]], seen: dict[tuple[str, str], MonthRow],
                 issues: list[Finding]) -> None:
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
        unsummarized: dict[str, list[MonthRow]] = {}  # month -> rows
        unknown: list[MonthRow] = []
        matched: dict[str, str] = {}  # spelling in the table -> the summary's
        for s in table:
            if s.sales is None:
                if s.extra:  # a table of advisors' levels and tests: merged into the month's row of the same person
                    same = by_key.get((_id_key(s.pid), s.month), [])
                    if len(same) == 1:
                        same[0].extra.update({k: v for k, v in s.extra.items() if k not in same[0].extra})
                    else:
                        issues.append(_at(s, path, f"月度汇总中没有工号 {s.pid} 在 {s.month} 的记录, 这一行的顾问级别数据未计入",
                                          kind="unknown-id"))
                continue
            if s.month not in summarized:
                unsummarized.setdefault(s.month, []).append(s)
                continue
            row, alias = seen.get((s.pid, s.month)), False
            if row is None:
                alike = sorted(by_key.get((_id_key(s.pid), s.month), []), key=lambda r: r.pid)
                if len(alike) > 1:
                    issues.append(_at(s, path, kind="ambiguous-id", message=(
                        f"工号 {s.pid} 与 {s.month} 月度汇总中的 {_join([r.pid for r in alike])} 都只差大小写或全角/半角, "
                        "不能确定是哪一人, 这一行的实际销售额未计入; 请按月度汇总的写法改正工号")))
                    continue
                if alike and s.name and alike[0].name and s.name != alike[0].name:
                    issues.append(_at(s, path, kind="id-names-differ", message=(
                        f"工号 {s.pid} ({s.name}) 与 {s.month} 月度汇总中的 {alike[0].pid} ({alike[0].name}) 只差大小写或"
                        "全角/半角, 但姓名不同, 这一行的实际销售额未计入; 请核对工号")))
                    continue
                if not alike:
                    unknown.append(s)
                    continue
                row, alias = alike[0], True
            key = (row.pid, s.month)
            if key in taken:
                issues.append(_at(s, path, kind="duplicate-sales", message=
                                  f"工号 {s.pid} 的 {s.month} 实际销售额重复: 已在 {taken[key].source} 出现, 本行未计入"))
            elif row.sales is not None and row.sales != s.sales:
                issues.append(_at(s, path, kind="sales-differ", message=
                                  f"{s.month} 的实际销售额 {fmt(s.sales)} 与 {row.source} 的 {fmt(row.sales)} 不同; "
                                          "按后者计算, 请核对"))
            else:
                taken[key] = s
                row.sales = s.sales
                if alias:
                    matched[s.pid] = row.pid
        if len(unknown) <= _PER_ROW:
            for s in unknown:
                issues.append(_at(s, path, kind="unknown-id", message=
                                  f"月度汇总中没有工号 {s.pid} 在 {s.month} 的记录, 这一行的实际销售额未计入"))
        else:
            pids: dict[str, list[str]] = {}
            for s in unknown:
                pids.setdefault(s.pid, []).append(s.month)
            issues.append(_at(unknown[0], path, person="", subject=f"等 {len(unknown)} 行", kind="unknown-ids", message=(
                f"月度汇总中没有这 {len(pids)} 个工号在所列月份的记录, 这 {len(unknown)} 行的实际销售额未计入: "
                f"{_listed([f'{p} ({_spans(ms)})' for p, ms in pids.items()])}。请核对工号是否与月度汇总一致 "
                "(如 Excel 把 001 存成了 1), 或这些人是否不在考核范围内")))
        if unsummarized:
            months = sorted(unsummarized)
            count = sum(len(w) for w in unsummarized.values())
            have = f"已交的月度汇总为 {_spans(summarized)}" if summarized else "没有交月度汇总"
            first = next(w[0] for w in unsummarized.values())  # the first such row of the table
            issues.append(_at(first, path, person="", subject=f"等 {count} 行", kind="unsummarized-months", message=(
                f"{_spans(months)} 没有月度汇总 ({have}), 这 {len(months)} 个月的 {count} 行实际销售额未使用; "
                "如漏交了这些月份的汇总, 请补上后重新运行")))
        if matched:
            issues.append(Finding(path.name, subject="工号", kind="id-merged", severity=NOTE, message=(
                f"{len(matched)} 个工号与月度汇总的写法只差大小写或全角/半角, 已按月度汇总的工号计入"
                f"实际销售额: {_listed([f'{a} → {b}' for a, b in sorted(matched.items())])}。如不是同一人, 请改正工号后重新运行")))


def _read_one(path: Path, scheme: Scheme | None, issues: list[Finding]) -> list[MonthRow]:
    if not path.is_file():
        raise InputFileError(f"找不到文件 {path}")
    sheet = None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        names = open_book(path).sheet_names
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
    advisor_only = "总分" not in cols and not sales_only and "顾问级别" in cols  # advisors' levels and tests (003)
    item_cols: dict[str, int] = {}  # each indicator's points, as a monthly summary holds them (003's per-item rule)
    if scheme is not None:
        for ind in scheme.indicators:
            col = next((heads.index(n) for n in indicator_headers(ind) if n in heads), None)
            if col is not None:
                item_cols[ind.id] = col
    if "工号" not in cols or ("总分" not in cols and not sales_only and not advisor_only):
        raise InputFileError(f"{path}: 应有 工号 和 总分 两列 (月度汇总的「公司总览」表或 工号/姓名/部门/期间/总分 表; "
                             "只补实际销售额的表应有 工号、期间、实际销售额 三列; 只补顾问级别的表应有 工号、期间、顾问级别、新顾客数)")
    file_month = month_from_name(path)
    if "期间" not in cols and file_month is None:
        raise InputFileError(f"{path}: 没有「期间」列, 文件名中也没有 YYYY-MM 形式的月份, 无法确定考核月份")
    out = []
    for i, raw in enumerate(table.rows):
        where = table.where(i)
        at = table.finding(i)

        def get(key: str) -> Any:
            return raw[cols[key]] if key in cols and cols[key] < len(raw) else None

        if not any(v is not None and cell_text(v) for v in raw):
            continue
        pid = cell_text(get("工号"))
        at = replace(at, person=pid)
        if not pid:
            issues.append(replace(at, message="缺少工号, 本行未计入", kind="missing-id"))
            continue
        month = month_of(get("期间")) if "期间" in cols else file_month
        if month is None:
            issues.append(table.finding(i, cols["期间"], person=pid, kind="bad-period", message=
                                        f"期间应为 YYYY-MM (如 2026-03), 收到「{cell_text(get('期间'))}」; 本行未计入"))
            continue
        if sales_only or advisor_only:
            row = MonthRow(pid, cell_text(get("姓名")), cell_text(get("部门")), month, None, f"{path.name} {where}",
                           sales_only=True, sheet=table.sheet or "", row=table.first_row + i)
            if sales_only:
                row.sales = _number(get("实际销售额"), "实际销售额", at, issues)
            else:
                _advisor_columns(row, get, at, issues)
            out.append(row)
            continue
        total = _number(get("总分"), "总分", table.finding(i, cols["总分"], person=pid), issues)
        if total is None and cell_text(get("总分")) == "":
            issues.append(replace(at, message=f"{month} 没有总分 (该月按缺考处理)", kind="missing-total"))
        row = MonthRow(pid, cell_text(get("姓名")), cell_text(get("部门")), month, total, f"{path.name} {where}",
                       sheet=table.sheet or "", row=table.first_row + i)
        row.sales = _number(get("实际销售额"), "实际销售额", at, issues)
        for key in PAY_COLUMNS:
            value = _number(get(key), key, at, issues)
            if value is not None:
                row.pay[key] = value
        if scheme is not None and total is not None:  # computed once the sales tables are merged (read_monthly)
            row.extra["amounts"] = {k: _number(get(k), k, at, issues) for k in ("绩效奖金基数", "计划销售额", "其他")}
        if scheme is not None and item_cols:
            items = {}
            for ind_id, col in item_cols.items():
                value = raw[col] if col < len(raw) else None
                number = _number(value, scheme.indicator(ind_id).name, at, issues) if cell_text(value) else None
                if number is not None:
                    items[ind_id] = number
            if items:
                row.extra["items"] = items
        _advisor_columns(row, get, at, issues)
        out.append(row)
    return out


def _advisor_columns(row: MonthRow, get: Any, at: Finding, issues: list[Finding]) -> None:
    """Document 003's advisor columns (顾问级别, 新顾客数, 复试, the three test scores) into ``row.extra``."""
    for key in ("顾问级别", "复试"):
        if cell_text(get(key)):
            row.extra[key] = cell_text(get(key))
    for key in ("新顾客数", *_TESTS):
        value = _number(get(key), key, at, issues)
        if value is not None:
            row.extra[key] = value


def _number(value: Any, what: str, at: Finding, issues: list[Finding]) -> Decimal | None:
    """``value`` as a number; a problem at ``at`` (its row) when it is none, and None."""
    if value is None or cell_text(value) == "":
        return None
    try:
        return to_decimal(value, what=what)
    except InputValueError as exc:
        issues.append(replace(at, message=f"{exc}; 按空白处理", kind="not-a-number"))
        return None


def _compute_pay(row: MonthRow, scheme: Scheme, amounts: dict[str, Decimal | None]) -> None:
    """Pay from the data file's amounts where the summary did not carry the figures already."""
    grade = scheme.grades.grade_of(row.total) if scheme.grades and row.total is not None else None
    inputs = PayInputs(base=amounts["绩效奖金基数"], plan=amounts["计划销售额"], actual=row.sales,
                       other=amounts["其他"] or Decimal(0))
    figures = month_pay(scheme, row.total, grade, inputs).figures()
    for key in PAY_COLUMNS:
        if key in figures and key not in row.pay:
            row.pay[key] = figures[key]


# --------------------------------------------------------------------------- roll-up


def roll_up(rows: list[MonthRow], *, by: str = "year", missing: str = "skip", scheme: Scheme | None = None,
            issues: list[Finding] | None = None) -> Annual:
    """The period scores, and the scheme's own decisions (none without a scheme, or when it lists none).

    The period score is kept exact (``PersonPeriod.exact``, a fraction) for every comparison and shown
    rounded half-up to the scheme's decimals (``PersonPeriod.score``)."""
    if by not in ("year", "quarter"):
        raise KpiError(f"--by 应为 year 或 quarter, 收到 {by}")
    if missing not in MISSING_MODES:
        raise KpiError(f"--missing 应为 {' / '.join(MISSING_MODES)}, 收到 {missing}")
    issues = list(issues or [])
    read_notes = [i for i in issues if not i.is_problem]
    issues = [i for i in issues if i.is_problem]
    decisions = scheme.decisions if scheme is not None else NONE
    decimals = scheme.decimals if scheme is not None else 2
    weights = decisions.month_weights
    all_months = sorted({r.month for r in rows})
    periods: dict[str, list[str]] = {}
    for m in all_months:
        periods.setdefault(period_of(m, by), []).append(m)
    by_person: dict[str, dict[str, MonthRow]] = {}
    by_month: dict[str, list[MonthRow]] = {}
    for r in rows:
        by_person.setdefault(r.pid, {})[r.month] = r
        by_month.setdefault(r.month, []).append(r)

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
            exact = None
            if missing == "fail" and miss:
                issues.append(Finding(subject=label, person=pid, kind="missing-months",
                                      message=f"缺考 {_join(miss)}: 按 --missing fail 不计算{label}得分"))
            else:
                parts = [(weights.get(int(m[5:7]), Decimal(1)), totals[m] if totals[m] is not None else Decimal(0))
                         for m in months if totals[m] is not None or missing == "zero"]
                wsum = sum((w for w, _ in parts), Decimal(0))
                if parts and wsum > 0:
                    exact = Fraction(sum((w * v for w, v in parts), Decimal(0))) / Fraction(wsum)
            score = None if exact is None else _decimal(exact, decimals)
            pp = PersonPeriod(pid, latest.name, latest.dept, label, totals, score, miss, absent, exact=exact)
            for key in PAY_COLUMNS:
                values = [mine[m].pay[key] for m in present if key in mine[m].pay]
                if values:
                    pp.pay[key] = sum(values, Decimal(0))
            people.append(pp)
    for label, months in periods.items():
        group = [p for p in people if p.period == label]
        decide(decisions, group, Period(label, months, by_person, by_month))
    notes = [Finding(subject=subject, message=message, kind=rule.kind, severity=NOTE)
             for rule in decisions.rules for subject, message in rule.notes(rows, all_months)]
    return Annual(by, missing, periods, people, issues, decisions.columns,
                  read_notes + _gaps(rows, all_months, decisions) + notes, decisions.rules)


def _decimal(value: Fraction, places: int) -> Decimal:
    """An exact fraction rounded half-up to ``places`` decimals (for display: comparisons use the fraction)."""
    scaled = value * 10**places
    whole = scaled.numerator // scaled.denominator
    if (scaled - whole) * 2 >= 1:
        whole += 1
    return Decimal(whole).scaleb(-places)


def _gaps(rows: list[MonthRow], all_months: list[str], decisions: Decisions) -> list[Finding]:
    """Calendar months no input holds, said once: they break "连续" runs but are nobody's 缺考."""
    if not all_months:
        return []
    gaps = [month_at(i) for i in range(index(all_months[0]), index(all_months[-1]) + 1) if month_at(i) not in all_months]
    if not gaps:
        return []
    runs = [r.label for r in decisions.rules if r.uses_runs]
    broken = f", 但会中断「连续」月份 ({'、'.join(runs)})" if runs else ""
    return [Finding(subject="缺少的月份", kind="month-gap", severity=NOTE, message=(
        f"输入中没有 {_join(gaps)} 的月度汇总 (对所有人都没有), 这些月份不计入任何人的缺考月份和缺岗{broken}; "
        "如漏交了该月汇总, 请补上后重新运行"))]


# --------------------------------------------------------------------------- the action


def scheme_of_summaries(paths: list[str | Path]) -> Scheme:
    """The built-in scheme of the monthly summaries given, known by their indicator columns: the people
    decisions are those of the scheme's own document, so annual never decides without knowing it."""
    found: dict[str, Scheme] = {}
    for path in map(Path, paths):
        if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file():
            continue
        try:
            table = read_table(path, "公司总览", required={"工号": _ALIASES["工号"]}, what=_WHAT)
        except KpiError:
            continue  # not a summary (a sales table, a plain table): said when it is read
        scheme = guess_scheme(table.headers)
        if scheme is not None:
            found.setdefault(scheme.id, scheme)
    if len(found) == 1:
        return next(iter(found.values()))
    kinds = "; ".join(f"{sid}: {'、'.join(builtin_scheme(sid).decisions.columns) or '没有'}" for sid in builtin_ids())
    if found:
        raise InputFileError(f"输入的月度汇总来自不同的方案 ({'、'.join(found)}), 请分开汇总, 或用 --scheme 指定方案")
    raise InputFileError("看不出输入用的是哪个方案 (没有月度汇总的「公司总览」表, 或其指标列与内置方案对不上); "
                         f"人事决定按方案所依据的文件而定 ({kinds}), 请用 --scheme 指定方案, 如 --scheme cs-table")


def run_annual(inputs: list[str | Path], output: str | Path, *, by: str = "year", missing: str = "skip",
               scheme: Scheme | None = None) -> Annual:
    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise InputFileError(f"年度汇总应为 .xlsx 文件, 收到 {output.name}")
    for path in map(Path, inputs):
        if path.exists() and output.exists() and path.resolve() == output.resolve():
            raise InputFileError(f"{output} 是输入文件之一, 不能覆盖; 请写到别的文件")
    guessed = scheme is None
    if scheme is None:
        scheme = scheme_of_summaries(list(inputs))
    rows, issues = read_monthly(list(inputs), scheme)
    if guessed:
        issues.insert(0, Finding(subject="方案", kind="scheme-guessed", severity=NOTE, message=(
            f"按月度汇总的指标列认作方案 {scheme.id} ({scheme.name}), 按它的人事决定计算"
            f" ({'、'.join(scheme.decisions.columns) or '该方案没有人事决定'}); 用其他方案时请加 --scheme")))
    result = roll_up(rows, by=by, missing=missing, scheme=scheme, issues=issues)
    book = build_annual(result)
    if output.exists():  # the roll-up replaced is kept as ….备份.xlsx (….备份2.xlsx …), as consolidate keeps a summary
        keep_backup(output)
    with atomic_path(output) as tmp:
        book.save(tmp)
    return result
