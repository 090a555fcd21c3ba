"""`xl-kpi consolidate`: filled workbooks in, department summaries out.

Scores are recomputed from the inputs by the engine; cached formula results in
the files are never trusted, only compared: a cached score that disagrees with
the engine, a formula replaced by a number, or a formula edited is reported
with its file, sheet and cell.  A broken or foreign file is reported and the
others go on.  Input files are only ever read.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from xl_kpi.base.errors import InputFileError, InputValueError, KpiError
from xl_kpi.base.files import TEMP_PREFIX, is_backup
from xl_kpi.base.findings import NOTICE, PROBLEM, Finding
from xl_kpi.base.numbers import Typed, fmt, to_decimal
from xl_kpi.base.opener import open_book, shown_text
from xl_kpi.engine.payroll import PayInputs, has_post_wages, month_pay
from xl_kpi.engine.score import ItemScore, PersonScore, Problem, score_person
from xl_kpi.excel.expected_formulas import _expected, moved_rows, relative_formula, shift_formula
from xl_kpi.excel.layout import SHEET_VERSION
from xl_kpi.excel.reader import OTHER_FORMATS, Cell, FilledWorkbook, MissingSheet, PersonSheet, read_filled_workbook
from xl_kpi.excel.rules_sheet import fingerprint
from xl_kpi.excel.tables import id_key
from xl_kpi.schemes.scheme import Scheme
from xl_kpi.workflow import peer_forms as peermod
from xl_kpi.workflow.copies import is_blank, settle_copies
from xl_kpi.workflow.results import PAY_INPUT_NAMES, Consolidation, PersonResult

TOLERANCE = Decimal("0.005")  # half a cent / half of 0.01 point: beyond display rounding


Issue = Finding  # consolidate's findings: file, sheet, cell, message, person (xl_kpi.base.findings)


# --------------------------------------------------------------------------- discovery


# .xls, .et, .ods … (reader.OTHER_FORMATS) are found only to be reported: which file, and how to save it as .xlsx
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", *OTHER_FORMATS)


def find_workbooks(paths: Iterable[str | Path], notes: list[Issue] | None = None) -> list[Path]:
    """Every .xlsx/.xlsm below the given folders (or the files themselves), sorted, and the workbooks saved in
    another format (.xls, .et, .ods, .numbers …, reported when read); lock files and our own backups (…备份.xlsx,
    …备份2.xlsx …, kept by generate --overwrite and consolidate) skipped.

    Said in ``notes``, never passed over silently: a folder that cannot be listed; a link (to a folder or a
    file) leading outside the folders given, which is not followed (one inside them is read where it leads,
    once); a temporary file an interrupted xl-kpi run left behind."""
    notes = notes if notes is not None else []
    given = [Path(p) for p in paths]
    roots = [p.resolve() for p in given if p.is_dir()]
    found: dict[Path, Path] = {}  # resolved -> as found

    def inside(target: Path) -> bool:
        return any(target == r or target.is_relative_to(r) for r in roots)

    def take(f: Path) -> None:
        name = f.name
        if name.startswith(TEMP_PREFIX):
            notes.append(Issue(shown_text(name), "", "", "xl-kpi 被中断时留下的临时文件, 已跳过 (可以删除)"))
            return
        if name.startswith(("~$", ".~lock")) or is_backup(f):
            return
        real = f.resolve()
        if f.is_symlink() and not inside(real):
            notes.append(Issue(shown_text(name), "", "", f"是指向 {shown_text(str(real))} 的链接, 在所给的文件夹之外, 未读取"))
            return
        found.setdefault(real, f)

    for p in given:
        if p.is_file() or (p.is_dir() and p.suffix.lower() == ".numbers"):
            found.setdefault(p.resolve(), p)
        elif p.is_dir():
            def unreadable(exc: OSError) -> None:
                notes.append(Issue(shown_text(str(exc.filename or "")), "", "",
                                   f"文件夹无法打开 ({exc.strerror or exc}), 其中的文件未读取; 请检查权限"))
            for folder, dirs, files in os.walk(p, onerror=unreadable):
                here = Path(folder)
                for d in list(dirs):
                    sub = here / d
                    if sub.is_symlink():
                        target = sub.resolve()
                        if not inside(target):
                            notes.append(Issue(shown_text(str(sub.relative_to(p))), "", "", (
                                f"是指向 {shown_text(str(target))} 的链接, 在所给的文件夹之外, 未读取")))
                        dirs.remove(d)  # inside: read where it leads (the folder walked already or to be walked)
                    elif d.lower().endswith(".numbers"):  # a Numbers package on a Mac: a workbook in another format
                        dirs.remove(d)
                        take(sub)
                for name in files:
                    if Path(name).suffix.lower() in WORKBOOK_SUFFIXES:
                        take(here / name)
        else:
            raise InputFileError(f"找不到文件或文件夹 {p}")
    return sorted(found.values())


def is_summary(path: Path) -> bool:
    """A summary written by consolidate (公司总览 and 问题, no _xlkpi sheet)."""
    try:
        names = open_book(path).sheet_names
    except KpiError:
        return False
    return "公司总览" in names and "问题" in names and "_xlkpi" not in names


# --------------------------------------------------------------------------- expected formulas


# a string literal, a reference into another sheet (with its range), or a reference into this sheet


# --------------------------------------------------------------------------- one person


def evaluate_person(book: FilledWorkbook, person: PersonSheet, *, file: str | None = None) -> PersonResult:
    """Score one person's sheet and check it; ``file`` names the workbook in the issues (default: its name)."""
    scheme = book.scheme
    file = file or book.path.name
    issues: list[Issue] = []
    pid = person.identity.get("工号", "")

    def issue(cell: str, message: str) -> None:
        issues.append(Issue(file, person.sheet, cell, message, pid))

    expected_id = book.meta.get(f"sheet:{person.generated_name}", "")
    if len(person.swapped) == 2:
        issue("B2", f"工作表「{person.swapped[0]}」与「{person.swapped[1]}」的名称被互换; 按各表 B2 的工号认人, 已照常计分")
    elif person.swapped:
        names = "、".join(f"「{name}」" for name in person.swapped)
        issue("B2", f"工作表{names}的名称被轮换 (本表原名「{person.renamed_from}」); 按各表 B2 的工号认人, 已照常计分")
    elif person.renamed_from:
        issue("B2", f"工作表「{person.renamed_from}」被改名为「{person.sheet}」; 按本表 B2 的工号 {pid} 认出是此人的表, 已照常计分")
    if pid != expected_id:
        issue("B2", f"工号被改为「{pid}」, 生成时是「{expected_id}」")
    for name in person.missing_rows:
        issue("", f"找不到指标「{name}」所在的行 (行被删除或移动), 该项无法计分")

    # the native formulas score only what ISNUMBER accepts: "89.5 ", "0.3%" or "９０" kept as text shows
    # 请填数字 on the sheet, so it is not scored here either (the add-in's KPI_* functions do read text);
    # a formula never calculated has no value to score: it is not empty either (为空 would be the wrong word)
    native = book.meta.get("formulas", "native") != "udf"
    texts = {key: cell for key, cell in person.inputs.items() if cell.uncalculated or (native and is_text(cell))}

    def get(ind, spec, assessor):
        key = (ind.id, spec.id, assessor.id if assessor else "")
        cell = person.inputs.get(key)
        if cell is None or key in texts:
            return None
        # a cell showing 90% holds 0.9: a 0-100 score typed so is 90, as the native formulas read it (they ask
        # the cell's format); the add-in's KPI_* functions get a bare 0.9, as in any cell, and refuse it
        return Typed(cell.value, percent=True) if native and cell.percent else cell.value

    score = score_person(scheme, get)
    if person.inputs and all(cell.value is None and not cell.uncalculated for cell in person.inputs.values()):
        issue("", "整张考核表未填写")
        return _located(PersonResult(book.path, person.sheet, person.identity, score, {}, issues, shown_file=file),
                        book, person)
    gone = set(person.missing_rows)
    told: set[tuple[str, str, str]] = set()

    def tell(key: tuple[str, str, str], message: str, severity: str = PROBLEM) -> None:
        ind = scheme.indicator(key[0])
        assessor = next((a for a in scheme.assessors if a.id == key[2]), None)
        who = f"({assessor.name})" if assessor else ""
        if message.startswith(ind.name):
            message = message[len(ind.name):].lstrip(": ")
        cell = person.inputs.get(key)
        issues.append(Finding(file, person.sheet, cell.ref if cell else "", f"{ind.name}{who} {message}", pid,
                              severity=severity))

    def tell_texts(ind_id: str, assessor_id: str) -> None:
        for key in texts:
            if key[0] == ind_id and key[2] == assessor_id and key not in told:
                told.add(key)
                spec = scheme.indicator(ind_id).input(key[1])
                cell = texts[key]
                tell(key, f"{spec.name}{uncalculated_message(cell)}" if cell.uncalculated
                     else f"{spec.name}{TEXT_MESSAGE}「{cell.value}」")

    for problem in score.problems:
        if problem.indicator.name in gone or f"{problem.indicator.name}/{problem.spec.name}" in gone:
            continue  # already reported as a missing row
        key = (problem.indicator.id, problem.spec.id, problem.assessor.id if problem.assessor else "")
        tell_texts(key[0], key[2])
        if key not in texts:  # a text cell is read as empty: "为空" would be the wrong word
            tell(key, problem.message)
    for key in texts:
        tell_texts(key[0], key[2])
    for notice in score.notices:  # scored as typed, but perhaps not what was meant (客户投诉率 0.3 is 30%)
        tell((notice.indicator.id, notice.spec.id, notice.assessor.id if notice.assessor else ""), notice.message, NOTICE)

    _check_formulas(book, person, score, issue)
    pay = _pay(scheme, person, score, issue)
    return _located(PersonResult(book.path, person.sheet, person.identity, score, pay, issues, shown_file=file),
                    book, person)


TEXT_MESSAGE = "请填数字, 单元格中是文字"
UNCALCULATED_MESSAGE = "公式没有计算结果, 请在 Excel/WPS 中打开并保存后再汇总"


def uncalculated_message(cell: Cell) -> str:
    """For an input holding a formula never calculated (written by a program, never opened in Excel/WPS)."""
    formula = f"「={cell.formula}」" if cell.formula else ""
    return f"单元格中是公式{formula}, {UNCALCULATED_MESSAGE}"


def is_text(cell: Cell) -> bool:
    """Text in a cell (not an error value it shows): what ISNUMBER calls no number, "89.5 " and "９０" included."""
    return isinstance(cell.value, str) and not cell.error


def _located(pr: PersonResult, book: FilledWorkbook, person: PersonSheet) -> PersonResult:
    pr.period = book.meta.get("period", "")
    pr.department = book.meta.get(f"department:{book.meta.get(f'sheet:{person.generated_name}', '')}") \
        or person.identity.get("部门", "")
    pr.source = person
    return pr


def _repay(scheme: Scheme, pr: PersonResult, score: PersonScore) -> dict[str, Any]:
    """Pay again for a changed total; problems with the pay inputs were reported with the first pass."""
    if pr.source is None or score.total is None:
        return pr.pay
    return _pay(scheme, pr.source, score, lambda *_: None)


def _cached_number(cell: Cell) -> Decimal | None:
    if isinstance(cell.value, bool) or cell.value is None:
        return None
    if isinstance(cell.value, (int, float)):
        return to_decimal(cell.value) if math.isfinite(cell.value) else None
    return None


def _check_formulas(book: FilledWorkbook, person: PersonSheet, score: PersonScore, issue: Callable) -> None:
    # an edited 规则 sheet (read so with a scheme given) is not what the formulas were written from
    fresh = _expected(book.rules_text, book.meta.get("formulas", "native"), book.meta.get("lang", "zh-Hans")) \
        if book.rules_text and not book.rules_edited else None
    expected = fresh.relative if fresh else {}
    moved: dict[int, int] | None = None

    def edited(key: str, cell: Cell, want: str) -> bool:
        """The formula is not the expected one, nor the expected one with its references moved as Excel moves
        them when rows are inserted by hand (in a sheet left unprotected)."""
        nonlocal moved
        if relative_formula(cell.formula, cell.ref) == want:
            return False
        if moved is None:
            moved = moved_rows(fresh, person)
        shifted = shift_formula(fresh.written[key], moved)
        return shifted is None or relative_formula(shifted, cell.ref) != relative_formula(cell.formula, cell.ref)

    earlier = book.meta.get("sheets") != SHEET_VERSION  # generated by an earlier xl-kpi, with earlier formulas
    engine = {item.indicator.id: item.points for item in score.items}
    checks: list[tuple[str, str, Cell, Decimal | None]] = [
        (book.scheme.indicator(ind_id).name, f"score|{ind_id}", cell, engine.get(ind_id))
        for ind_id, cell in person.scores.items()
    ]
    if "total" in person.results and not person.missing_rows:  # a deleted row changes the total's formula
        checks.append(("总分", "total", person.results["total"], score.total))
    for label, key, cell, value in checks:
        # an error shown where the engine has a number; where it has none, the input's problem is reported already
        if isinstance(cell.value, str) and cell.value.startswith("#") and value is not None:
            issue(cell.ref, f"{label}得分单元格显示错误值 {cell.value}")
        want = expected.get(key)
        if cell.formula is None:
            if want is not None:
                if is_blank(cell.value):  # the formula was deleted (Delete key), not replaced by a number
                    issue(cell.ref, f"{label}的得分公式被删除, 单元格为空")
                else:
                    shown = fmt(to_decimal(cell.value)) if _cached_number(cell) is not None else cell.value
                    issue(cell.ref, f"{label}的得分公式被改写为固定值「{shown}」")
        elif want is not None and cell.formula and edited(key, cell, want) and not (
                earlier and _agrees(cell, value)):  # an earlier generation's formula, showing what the engine has
            issue(cell.ref, f"{label}的得分公式被修改")
        cached = _cached_number(cell)
        if cached is not None and value is not None and abs(cached - value) > TOLERANCE:
            issue(cell.ref, f"{label}单元格显示 {fmt(cached)}, 按规则应为 {fmt(value)} (可能被手工改动)")
        elif cell.formula is not None and is_text(cell) and value is not None:
            # the formula showed 请填数字 or 未填完 where the engine has a number: the two disagree
            issue(cell.ref, f"{label}单元格显示「{cell.value}」, 按规则应为 {fmt(value)} (可能被手工改动)")


def _agrees(cell: Cell, value: Decimal | None) -> bool:
    """What the cell shows is the engine's figure (a number within rounding; for no figure, no number)."""
    cached = _cached_number(cell)
    if value is None:
        return cached is None
    return cached is not None and abs(cached - value) <= TOLERANCE


def _pay(scheme: Scheme, person: PersonSheet, score: PersonScore, issue: Callable) -> dict[str, Any]:
    """The pay figures the sheet shows, from its pay inputs.  A figure whose input cannot be used (text, a
    negative amount, a formula never calculated, its row gone) is left out, as the sheet leaves it out, and
    the problem says which figure is missing: a figure computed as if the input were 0 would be a wrong
    amount paid.  Only an empty 其他 counts as 0 (当月工资 = 岗位工资 + 提成 + 其他: nothing else this month)."""
    unusable = object()

    def amount(key: str, missed: str) -> Any:
        """The amount in the input, None when empty, ``unusable`` (reported, naming ``missed``) otherwise."""
        name = PAY_INPUT_NAMES[key]
        cell = person.pay_inputs.get(key)
        if cell is None:
            issue("", f"找不到「{name}」所在的行 (行被删除或移动), {missed}")
            return unusable
        if cell.uncalculated:
            issue(cell.ref, f"{name}{uncalculated_message(cell)}; {missed}")
            return unusable
        if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip(" ")):
            return None  # as the pay formulas' TRIM(…)="" (spaces only: a full-width space is text there)
        if is_text(cell):  # the pay formulas take only what ISNUMBER accepts, as they show
            issue(cell.ref, f"{name}{TEXT_MESSAGE}「{cell.value}」; {missed}")
            return unusable
        try:
            value = to_decimal(cell.value, what=name)
        except InputValueError as exc:
            issue(cell.ref, f"{exc}; {missed}")
            return unusable
        if value < 0:
            issue(cell.ref, f"{name}不能为负数, 收到 {fmt(value)}; {missed}")
            return unusable
        return value

    def usable(value: Any) -> Decimal | None:
        return value if isinstance(value, Decimal) else None

    wages = has_post_wages(scheme)
    base = amount("bonus_base", "绩效奖金未计算") if scheme.bonus else None
    plan = actual = other = None
    if scheme.commission:
        plan = amount("plan", "提成和当月工资未计算" if wages else "提成未计算")
        actual = amount("actual", "提成和当月工资未计算" if wages else "提成未计算")
        other = amount("other", "当月工资未计算")
    inputs = PayInputs(base=usable(base), plan=usable(plan), actual=usable(actual),
                       other=None if other is unusable else (other or Decimal(0)))  # an empty 其他 is 0
    points = {item.indicator.id: item.points for item in score.items}
    return month_pay(scheme, score.total, score.grade, inputs, points).figures()


# --------------------------------------------------------------------------- many files


def consolidate(
    paths: Iterable[str | Path],
    *,
    scheme: Scheme | None = None,
    progress: Callable[[int, int, Path], None] | None = None,
    exclude: Iterable[str | Path] = (),
    period: str | None = None,
) -> Consolidation:
    """Read every workbook below ``paths``.

    ``exclude`` names the summary being written (and its backup): left out when
    they are earlier summaries, so a summary kept inside the folder is not read
    back as a foreign file on the next run.

    Only workbooks of one period are consolidated: ``period`` when given, else
    the period most assessment workbooks were generated for (see main_period);
    a workbook of another period is reported and left out.
    """
    skip = {Path(e).resolve() for e in exclude}
    paths = [Path(p) for p in paths]
    found_notes: list[Issue] = []
    files = [f for f in find_workbooks(paths, found_notes) if not (f.resolve() in skip and is_summary(f))]
    if not files:  # nothing to consolidate: an empty summary must not replace the last one
        names = "、".join(str(p) for p in paths)
        passed = "".join(f"; {n.file} {n.message}" for n in found_notes)
        raise InputFileError(f"{names} 中没有可读取的考核表 (.xlsx/.xlsm), 未写入汇总{passed}; 请把交回的考核表放进去")
    result = Consolidation(scheme, files=files)
    shown = shown_names(files, paths)
    fingerprints: dict[str, str] = {}
    peer_files: list[peermod.PeerFile] = []
    read: list[tuple[Path, FilledWorkbook | Issue]] = []
    for i, path in enumerate(files, start=1):
        if progress:
            progress(i, len(files), path)
        try:
            read.append((path, read_filled_workbook(path, scheme)))
        except KpiError as exc:
            if is_summary(path):  # last month's summary dropped among the returned sheets
                exc = KpiError("这是「一键汇总」写出的汇总表, 不是考核表, 未计入; 请把它移出回收文件夹")
            read.append((path, Issue(shown[path], "", "", str(exc))))
        except Exception as exc:  # a file we cannot understand must not stop the others
            read.append((path, Issue(shown[path], "", "", f"无法读取 ({type(exc).__name__}: {exc})")))
    books = [b for _, b in read if isinstance(b, FilledWorkbook)]
    result.period = period or main_period(books)
    why = "指定的期间" if period else _why_period(result.period, period_counts(books))
    # issues, and people's sheets in their place: which copy of a person counts is known only once all are read
    log: list[Issue | PersonResult] = []
    copies: dict[str, list[PersonResult]] = {}
    unread: dict[str, list[PersonResult]] = {}  # 工号 -> rows for people whose sheet is gone
    for path, book in read:
        name = shown[path]
        if isinstance(book, Issue):
            log.append(book)
            result.files_failed += 1
            continue
        result.files_read += 1
        book_period = book.meta.get("period", "")
        if book_period != result.period:
            found = f"是 {book_period} 的考核表" if book_period else "未记录考核期间"
            hint = f"; 要汇总 {book_period} 请加 --period {book_period}" if book_period and not period else ""
            log.append(Issue(name, "", "", f"本文件{found}, 本次汇总的是 {result.period} ({why}), 未计入汇总{hint}"))
            continue
        if result.scheme is None:
            result.scheme = book.scheme
        if book.scheme.id != result.scheme.id:
            log.append(Issue(name, "", "", f"方案 {book.scheme.id} 与其他文件的 {result.scheme.id} 不同, 已跳过"))
            continue
        if book.rules_notice:
            log.append(Issue(name, "规则", "", book.rules_notice))
        fp = fingerprint(book.rules_text) if book.rules_text and not book.rules_edited else ""
        if fp:  # an edited 规则 sheet is told above; it is no reference to compare the untouched files with
            fingerprints.setdefault(fp, name)
            first = next(iter(fingerprints))  # the rules of the first untouched file read
            if fp != first:
                log.append(Issue(name, "规则", "", f"规则与 {fingerprints[first]} 不同; 本文件按自身规则计分"))
        for notice in book.notices:
            log.append(Issue(name, "", "", notice))
        if peermod.is_peer_meta(book.meta):
            def peer_issue(sheet: str, cell: str, message: str, _name: str = name, _who: str = book.meta.get("reviewer", "")) -> None:
                log.append(Issue(_name, sheet, cell, message, _who))

            try:
                found = peermod.read_peer_file(path, book.meta, book.scheme, peer_issue)
            except KpiError as exc:
                log.append(Issue(name, "", "", str(exc)))
                continue
            if found is not None:
                peer_files.append(found)
            continue
        for sheet in book.foreign_sheets:
            log.append(Issue(name, sheet, "", "不是生成器生成的工作表, 未读取"))
        for person in book.people:
            pr = evaluate_person(book, person, file=name)
            copies.setdefault(id_key(pr.identity.get("工号", "")), []).append(pr)  # Ｋ1 and K1: one person
            log.append(pr)
        for gone in book.missing:
            pr = missing_person(book, gone, name)
            log.append(pr)
            unread.setdefault(gone.person_id, []).append(pr)
    told: dict[int, list[Issue]] = {}
    for same in copies.values():
        kept, issues = settle_copies(same, shown, result.scheme)
        result.people.append(kept)
        told.update(issues)
    by_id = {id_key(p.identity.get("工号", "")): p for p in result.people}
    for pid, placeholders in unread.items():
        kept = by_id.get(id_key(pid))
        if kept is not None:  # another file holds the person's sheet: scored from there, and said so
            where = f"{shown.get(kept.file, kept.file.name)} 工作表「{kept.sheet}」"
            for p in placeholders:  # (the kept row's 问题数 leaves this out: its own sheet is fine)
                told[id(p)] = [replace(i, message=i.message.replace(MISSING_UNSCORED.format(sheet=p.sheet),
                                                                    f"此人按 {where}计分")) for i in p.issues]
            continue
        for p in placeholders:
            told[id(p)] = p.issues
        first = placeholders[0]  # the person's row, unscored, with every file's issue about the sheet
        first.issues = [i for p in placeholders for i in p.issues]
        result.people.append(first)
    result.issues = found_notes + [i for entry in log for i in ([entry] if isinstance(entry, Issue) else told[id(entry)])]
    result.issues.extend(peermod.apply_peer_reviews(
        result.scheme, result.people, peer_files, lambda pr, score: _repay(result.scheme, pr, score)))
    _rank(result.people)
    return result


MISSING_UNSCORED = "此人未计分, 请恢复该工作表 (或把改过名的工作表改回「{sheet}」) 后重新汇总"


def missing_person(book: FilledWorkbook, gone: MissingSheet, file: str) -> PersonResult:
    """An unscored row for a person in the workbook's meta whose sheet is gone and was not found by its 工号."""
    pid = gone.person_id
    if gone.candidates:
        sheets = "、".join(f"「{n}」" for n in gone.candidates)
        why = f"工作表{sheets}的 B2 中的工号都是 {pid}, 无法确定哪一张是此人的"
    else:
        why = f"被删除或改名, 其他工作表的 B2 中也没有工号 {pid}"
        if gone.others:
            why += "; " + "、".join(f"工作表「{n}」像是改过名的考核表, 但其 B2 中" + (f"的工号是「{held}」" if held else "没有工号")
                                    for n, held in gone.others.items())
    who = " ".join(x for x in (pid, gone.identity.get("姓名", "")) if x)
    message = f"找不到 {who} 的工作表「{gone.sheet}」({why}); {MISSING_UNSCORED.format(sheet=gone.sheet)}"
    scheme = book.scheme
    score = PersonScore([ItemScore(ind, None) for ind in scheme.indicators], [Problem(message)], None, None)
    pr = PersonResult(book.path, gone.sheet, dict(gone.identity), score, {},
                      [Issue(file, gone.sheet, "", message, pid)], shown_file=file)
    pr.period = book.meta.get("period", "")
    pr.department = book.meta.get(f"department:{pid}", "") or gone.identity.get("部门", "")
    return pr


def shown_names(files: list[Path], given: list[Path]) -> dict[Path, str]:
    """How issues name each file: by its name, or where names repeat (两位主管的文件夹里各有一份
    2026-10-客服一部.xlsx) by its path below the folder given, so that the copies can be told apart."""
    counts = Counter(f.name for f in files)
    out = {f: shown_text(f.name if counts[f.name] == 1 else _below(f, given)) for f in files}
    again = Counter(out.values())  # the same path below two folders given: the path as found
    return {f: shown_text(str(f)) if again[name] > 1 else name for f, name in out.items()}


def _below(file: Path, given: list[Path]) -> str:
    """The file's path below the folder given that holds it; a file given itself: its folder's name and its name."""
    folder = next((g for g in given if g.is_dir() and file.is_relative_to(g)), None)
    return str(file.relative_to(folder)) if folder else str(Path(file.parent.name, file.name))


# --------------------------------------------------------------------------- copies of one person's sheet


def period_counts(books: list[FilledWorkbook]) -> Counter:
    """How many assessment workbooks there are of each period (peer-review workbooks only when there are none)."""
    counts = Counter(b.meta.get("period", "") for b in books if not peermod.is_peer_meta(b.meta)) \
        or Counter(b.meta.get("period", "") for b in books)
    counts.pop("", None)
    return counts


def main_period(books: list[FilledWorkbook]) -> str:
    """The period most assessment workbooks were generated for (peer-review workbooks only when there are none);
    between equally many, the later one."""
    counts = period_counts(books)
    return max(counts, key=lambda p: (counts[p], p)) if counts else ""


def _why_period(chosen: str, counts: Counter) -> str:
    """Why ``chosen`` (main_period's choice) was consolidated, in words that are true for these counts."""
    tied = sorted(p for p, n in counts.items() if n == counts.get(chosen, 0))
    if len(tied) <= 1:
        return (f"多数文件的期间: {sum(counts.values())} 个文件中有 {counts[chosen]} 个是 {chosen}" if len(counts) > 1
                else "其他文件的期间")
    return f"{'、'.join(tied)} 各 {counts[chosen]} 个文件, 一样多, 取了最晚的期间"


def _rank(people: list[PersonResult]) -> None:
    """Rank by total within each department: ties share a rank (1, 2, 2, 4), as Excel's RANK."""
    by_dept: dict[str, list[PersonResult]] = {}
    for p in people:
        by_dept.setdefault(p.identity.get("部门", ""), []).append(p)
    for members in by_dept.values():
        totals = [p.score.total for p in members if p.score.total is not None]
        for p in members:
            if p.score.total is not None:
                p.rank = 1 + sum(1 for t in totals if t > p.score.total)


