"""Peer review forms (团队成员互评表): one small workbook per reviewer, read back and combined at consolidation.

`xl-kpi generate --peer` writes, per department, one small workbook per reviewer listing every
teammate except the reviewer, with a drop-down input per teamwork indicator.  Consolidation reads the
returned files, averages the peers' ratings per person and indicator and combines the average with the
supervisor's points from the assessment sheet (engine.peer: the weights and the combination).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from xl_kpi import __version__
from xl_kpi.base.errors import InputValueError, KpiError
from xl_kpi.base.files import atomic_path
from xl_kpi.base.findings import Finding as Issue
from xl_kpi.base.hant import sheet_in_lang
from xl_kpi.base.opener import open_book, sheet_rows
from xl_kpi.engine.peer import PeerSettings, combined_score, peer_settings
from xl_kpi.engine.score import PersonScore, score_indicator
from xl_kpi.excel.layout import META_SHEET, finish_meta
from xl_kpi.excel.names import safe_file_stem
from xl_kpi.excel.rules_sheet import fingerprint, write_rules_sheet
from xl_kpi.excel.sheet_style import print_a4_landscape
from xl_kpi.excel.sheets import (
    BOX,
    CENTER,
    HEAD_FILL,
    INPUT_FILL,
    UNLOCKED,
    SheetValidations,
    ValidationBook,
    _set_text,
)
from xl_kpi.excel.tables import cell_text
from xl_kpi.schemes.describe import label, written_hant
from xl_kpi.schemes.scheme import Indicator, Scheme

KIND = "peer"
FILE_PREFIX = "互评"
SHEET_NAME = "互评"
HEADER_ROW = 4
FIRST_ROW = 5
INFO_COLUMNS = ("工号", "姓名", "岗位")


# --------------------------------------------------------------------------- writing


def write_peer_files(
    scheme: Scheme,
    yaml_text: str,
    people: list[Any],  # generate.Person
    period: str,
    out: Path,
    *,
    lang: str = "zh-Hans",
    password: str | None = None,
) -> list[Path]:
    """One workbook per reviewer in every department of two or more people; returns the paths written."""

    settings = peer_settings(scheme)
    departments: dict[str, list[Any]] = {}
    for person in people:
        departments.setdefault(person.fields["部门"], []).append(person)
    taken: set[str] = set()
    files: list[Path] = []
    for dept, members in departments.items():
        if len(members) < 2:
            continue  # nobody to be rated by
        for reviewer in members:
            stem = safe_file_stem(f"{FILE_PREFIX}-{period}-{dept}-{reviewer.id}-{reviewer.fields['姓名']}", taken)
            target = out / f"{stem}.xlsx"
            if target.resolve().parent != out.resolve():  # pragma: no cover - safe_file_stem rules this out
                raise KpiError(f"文件名 {stem} 会写到输出文件夹之外")
            teammates = [p for p in members if p.id != reviewer.id]
            book = build_peer_workbook(scheme, yaml_text, settings, reviewer, teammates, period, dept,
                                       lang=lang, password=password)
            with atomic_path(target) as tmp:
                book.save(tmp)
            files.append(target)
    return files


def build_peer_workbook(
    scheme: Scheme,
    yaml_text: str,
    settings: PeerSettings,
    reviewer: Any,
    teammates: list[Any],
    period: str,
    department: str,
    *,
    lang: str,
    password: str | None,
) -> Workbook:
    book = Workbook()
    ws = book.active
    ws.title = SHEET_NAME
    validations = SheetValidations(ws, ValidationBook(book))
    heads = [*INFO_COLUMNS, *(f"{label(ind, lang)}\n({ind.rule.allowed_text()})" for ind in settings.indicators)]
    last = get_column_letter(len(heads))
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = f"{label(scheme, lang)} — 团队成员互评 ({period})"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "评价人："
    _set_text(ws, "B2", reviewer.id)
    _set_text(ws, "C2", reviewer.fields.get("姓名", ""))
    ws["D2"] = "部门："
    _set_text(ws, "E2", department)
    ws["A3"] = "请为每位同事的每项指标选择分值 (黄色单元格); 不评价本人。填好后保存, 发回人力资源部。"
    for col, head in enumerate(heads, start=1):
        c = ws.cell(row=HEADER_ROW, column=col, value=head)
        c.font, c.fill, c.alignment, c.border = Font(bold=True), HEAD_FILL, CENTER, BOX
    ws.row_dimensions[HEADER_ROW].height = 36
    for col, width in enumerate([12, 12, 14, *([22] * len(settings.indicators))], start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    rows: list[tuple[int, str]] = []
    for r, mate in enumerate(teammates, start=FIRST_ROW):
        for col, name in enumerate(INFO_COLUMNS, start=1):
            ref = f"{get_column_letter(col)}{r}"
            _set_text(ws, ref, mate.fields.get(name, ""))
            ws[ref].border = BOX
        for col, ind in enumerate(settings.indicators, start=len(INFO_COLUMNS) + 1):
            ref = f"{get_column_letter(col)}{r}"
            c = ws[ref]
            c.protection, c.fill, c.border, c.alignment = UNLOCKED, INPUT_FILL, BOX, CENTER
            validations.add(ref, ind.inputs[0], ind)
        rows.append((r, mate.id))
    ws.protection.sheet = True
    if password:
        ws.protection.password = password
    print_a4_landscape(ws, f"{HEADER_ROW}:{HEADER_ROW}")
    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.sheet_view.tabSelected = True
    typed = ["B2", "C2", "E2", *(f"{get_column_letter(col)}{r}" for r, _ in rows for col in range(1, len(INFO_COLUMNS) + 1))]
    sheet_in_lang(ws, lang, keep=typed, written=written_hant(scheme))
    write_rules_sheet(book, yaml_text, protect=True)
    meta = book.create_sheet(META_SHEET)
    entries = [
        ("generator", f"xl-kpi {__version__}"),
        ("kind", KIND),
        ("scheme", scheme.id),
        ("rules", fingerprint(yaml_text)),
        ("period", period),
        ("lang", lang),
        ("department", department),
        ("reviewer", reviewer.id),
        ("reviewer_name", reviewer.fields.get("姓名", "")),
        ("sheet", SHEET_NAME),
    ]
    entries += [(f"column:{ind.id}", get_column_letter(col))
                for col, ind in enumerate(settings.indicators, start=len(INFO_COLUMNS) + 1)]
    entries += [(f"row:{r}", pid) for r, pid in rows]

    finish_meta(book, meta, entries)
    return book


# --------------------------------------------------------------------------- reading


@dataclass
class PeerFile:
    path: Path
    period: str
    reviewer: str
    department: str
    # (ratee 工号, indicator id) -> points, valid ratings only
    ratings: dict[tuple[str, str], Decimal] = field(default_factory=dict)


def is_peer_meta(meta: dict[str, str]) -> bool:
    return meta.get("kind") == KIND


def read_peer_file(path: Path, meta: dict[str, str], scheme: Scheme,
                   issue: Callable[[str, str, str], None]) -> PeerFile | None:
    """The valid ratings of one returned peer file (already checked by check_xlsx and recognised by its meta).

    ``issue(sheet, cell, message)`` receives every invalid or tampered rating; those are left out.
    """
    reviewer = meta.get("reviewer", "")
    period = meta.get("period", "")
    if not reviewer:
        issue("", "", "互评表缺少评价人工号 (信息表被改动), 未读取")
        return None
    sheet = meta.get("sheet", SHEET_NAME)
    book = open_book(path)
    if sheet not in book.sheet_names:
        issue("", "", f"互评表的工作表「{sheet}」不见了 (被删除或改名), 未读取")
        return None
    rows = sheet_rows(path, book, sheet, skip_empty_area=False)

    def value(r: int, col: int) -> Any:
        if r - 1 < len(rows) and col - 1 < len(rows[r - 1]):
            v = rows[r - 1][col - 1]
            return None if v == "" else v
        return None

    indicators: list[tuple[Indicator, str]] = []
    for key, letter in meta.items():
        if key.startswith("column:"):
            try:
                ind = scheme.indicator(key[len("column:"):])
            except Exception:
                issue(sheet, "", f"互评指标「{key[len('column:'):]}」不在方案 {scheme.id} 中, 该列未读取")
                continue
            indicators.append((ind, letter))
    shown_reviewer = cell_text(value(2, 2))
    if shown_reviewer and shown_reviewer != reviewer:
        issue(sheet, "B2", f"评价人工号被改为「{shown_reviewer}」, 生成时是「{reviewer}」; 按生成时的评价人 {reviewer} 计")
    result = PeerFile(path, period, reviewer, meta.get("department", ""))
    seen: set[str] = set()
    for key, ratee in meta.items():
        if not key.startswith("row:"):
            continue
        try:
            r = int(key[len("row:"):])
        except ValueError:
            continue
        shown = cell_text(value(r, 1))
        if ratee == reviewer or shown == reviewer:
            issue(sheet, f"A{r}", f"评价人 {reviewer} 在互评表中评价了自己 (文件被改动), 此行未计入")
            continue
        if shown != ratee:
            issue(sheet, f"A{r}", f"工号被改为「{shown}」, 生成时是「{ratee}」; 此行未计入")
            continue
        if ratee in seen:
            issue(sheet, f"A{r}", f"{ratee} 在互评表中出现两次, 只计第一次")
            continue
        seen.add(ratee)
        for ind, letter in indicators:
            ref = f"{letter}{r}"
            col = _column_number(letter)
            raw = value(r, col) if col else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                issue(sheet, ref, f"{ratee} 的{ind.name}未评分")
                continue
            try:
                points = score_indicator(ind, [raw], scheme.decimals)
            except InputValueError as exc:
                message = str(exc)
                if message.startswith(ind.name):
                    message = message[len(ind.name):].lstrip(": ")
                issue(sheet, ref, f"{ratee} 的{ind.name} {message}, 未计入")
                continue
            result.ratings[(ratee, ind.id)] = points
    return result


def _column_number(letter: str) -> int:
    n = 0
    for ch in letter.strip().upper():
        if not "A" <= ch <= "Z":
            return 0
        n = n * 26 + ord(ch) - 64
    return n


def expected_file_name(period: str, department: str, pid: str, name: str) -> str:
    return f"{FILE_PREFIX}-{period}-{department}-{pid}-{name}.xlsx"


# --------------------------------------------------------------------------- consolidation


def apply_peer_reviews(scheme: Scheme | None, people: list[Any], files: list[PeerFile],
                       repay: Callable[[Any, PersonScore], dict[str, Any]]) -> list[Any]:
    """Combine the returned peer ratings into ``people`` (consolidate.PersonResult) in place; return the issues.

    Each person's score before the combination is kept as ``supervisor_score``;
    ``repay(person, score)`` recomputes the pay that depends on the total.
    Every expected reviewer (everyone in a department of two or more people, for a
    period with at least one peer file) who returned no file is reported.
    """

    issues: list[Any] = []
    if not files or scheme is None:
        return issues
    try:
        settings = peer_settings(scheme)
    except KpiError as exc:
        return [Issue(pf.path.name, "", "", f"{exc}; 互评表未计入") for pf in files]
    returned: dict[tuple[str, str], PeerFile] = {}
    for pf in files:
        key = (pf.period, pf.reviewer)
        if key in returned:
            issues.append(Issue(pf.path.name, "", "", f"评价人 {pf.reviewer} 的 {pf.period} 互评表重复: 已有 "
                                                       f"{returned[key].path.name}, 本文件未计入", pf.reviewer))
            continue
        returned[key] = pf
    ratings: dict[tuple[str, str], dict[str, list[Decimal]]] = {}
    for (period, _reviewer), pf in returned.items():
        for (ratee, ind_id), points in pf.ratings.items():
            ratings.setdefault((period, ratee), {}).setdefault(ind_id, []).append(points)
    for p in people:
        pid = p.identity.get("工号", "")
        peers = ratings.get((p.period, pid))
        if not peers:
            continue
        p.supervisor_score = p.score
        p.peer_ratings = {k: list(v) for k, v in peers.items()}
        p.score = combined_score(scheme, p.score, peers, settings)
        if p.score is not p.supervisor_score:
            p.pay = repay(p, p.score)
    periods = {pf.period for pf in returned.values()}
    departments: dict[tuple[str, str], list[Any]] = {}
    for p in people:
        if p.period in periods:
            departments.setdefault((p.period, p.department), []).append(p)
    for (period, dept), members in departments.items():
        if len(members) < 2:
            continue
        for p in members:
            pid = p.identity.get("工号", "")
            if (period, pid) not in returned:
                issues.append(Issue(expected_file_name(period, dept, pid, p.identity.get("姓名", "")), "", "",
                                    f"{pid} {p.identity.get('姓名', '')} 未交回互评表 ({period}, {dept})", pid))
    return issues
