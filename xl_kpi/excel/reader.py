"""Reading filled assessment workbooks back, safely and fast.

Values come from python-calamine (fast, read-only, never runs anything).
Formula texts, which calamine does not expose, come from the sheet XML through
defusedxml, for the score cells only.  Nothing is ever written to the file.
"""

from __future__ import annotations

import dataclasses
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xl_kpi.base.errors import InputFileError, KpiError
from xl_kpi.base.opener import ZipReport, calamine_book, checked, guarded, sheet_rows
from xl_kpi.excel.layout import (
    COVER_SHEET,
    IDENTITY_CELLS,
    KEY_COLUMN,
    LISTS_SHEET,
    META_SHEET,
    RULES_SHEET,
    layout_for,
)
from xl_kpi.excel.number_formats import ShownNumbers, column_letter
from xl_kpi.excel.rules_sheet import fingerprint, rules_scheme
from xl_kpi.excel.sheet_xml import sheet_formulas
from xl_kpi.excel.tables import cell_text
from xl_kpi.schemes.rules_text import rules_text_from_rows
from xl_kpi.schemes.scheme import Scheme


def cell_ref(row: int, col: int) -> str:
    """(1-based row, 1-based column) -> 'H6'."""
    return f"{column_letter(col - 1)}{row}"


@dataclass
class Cell:
    ref: str
    value: Any  # as calamine reads it: float, int, str, bool, date, or None when empty
    formula: str | None = None  # formula text without '=' (cells read for a person: inputs, scores, results)
    error: bool = False  # value is an error value (#NAME?, #DIV/0!) shown by the cell, not text typed into it
    percent: bool = False  # an input whose number format is a percentage: 0.9 shows as 90% (typed as 90%)
    uncalculated: bool = False  # a formula whose result was never calculated (no cached value): value is None


@dataclass
class PersonSheet:
    file: Path
    sheet: str
    identity: dict[str, str]
    inputs: dict[tuple[str, str, str], Cell] = field(default_factory=dict)  # (indicator, input, assessor)
    pay_inputs: dict[str, Cell] = field(default_factory=dict)
    scores: dict[str, Cell] = field(default_factory=dict)  # indicator id -> score cell
    results: dict[str, Cell] = field(default_factory=dict)  # total, grade, post_wage, pay|...
    missing_rows: list[str] = field(default_factory=list)  # indicators whose rows are gone
    renamed_from: str = ""  # the name the sheet was generated with, when it was renamed (found by its 工号)
    swapped: tuple[str, ...] = ()  # names swapped or rotated among people's sheets (see _swaps): this one's first

    @property
    def generated_name(self) -> str:
        """The sheet's name in the workbook's meta (sheet:NAME -> 工号)."""
        return self.renamed_from or self.sheet


@dataclass
class MissingSheet:
    """A person in the workbook's meta whose sheet is not there and could not be found by its content."""

    sheet: str  # the name it was generated with
    person_id: str
    identity: dict[str, str]  # 工号, 姓名, 部门, 岗位 … from the cover's list, as far as it tells
    candidates: list[str] = field(default_factory=list)  # other sheets holding the same 工号 (none taken: ambiguous)
    others: dict[str, str] = field(default_factory=dict)  # sheets laid out as a person's, not taken -> the 工号 in B2


@dataclass
class FilledWorkbook:
    path: Path
    scheme: Scheme
    rules_text: str
    meta: dict[str, str]
    people: list[PersonSheet]
    foreign_sheets: list[str]
    notices: list[str]
    zip: ZipReport
    rules_notice: str = ""  # with a scheme given: why its rules were not, or the 规则 sheet's were not, used
    missing: list[MissingSheet] = field(default_factory=list)  # people whose sheets are gone

    @property
    def rules_edited(self) -> bool:
        """The 规则 sheet no longer holds the rules the workbook was generated with (such a workbook is read
        only with a scheme given, whose rules it is scored by)."""
        return bool(self.rules_text and self.meta.get("rules")) and fingerprint(self.rules_text) != self.meta["rules"]


# Formats a returned workbook may come back in that are not .xlsx/.xlsm: found in folders and reported by
# name (with how to convert them), never passed over silently.  Suffix -> (what it is, how to save it as .xlsx).
_SAVE_AS = "「另存为」Excel 工作簿 (.xlsx) 后重新汇总"
OTHER_FORMATS: dict[str, tuple[str, str]] = {
    ".xls": ("旧版 .xls 格式 (Excel 97-2003)", f"请在 Excel 或 WPS 中打开, {_SAVE_AS}"),
    ".xlt": ("旧版 .xlt 模板格式 (Excel 97-2003)", f"请在 Excel 或 WPS 中打开, {_SAVE_AS}"),
    ".xlsb": ("Excel 二进制工作簿 (.xlsb)", f"请在 Excel 中打开, {_SAVE_AS}"),
    ".et": ("WPS 表格格式 (.et)", f"请在 WPS 中打开, {_SAVE_AS}"),
    ".ett": ("WPS 表格模板格式 (.ett)", f"请在 WPS 中打开, {_SAVE_AS}"),
    ".ods": ("OpenDocument 表格 (.ods)", f"请在 WPS、LibreOffice 或 Excel 中打开, {_SAVE_AS}"),
    ".ots": ("OpenDocument 表格模板 (.ots)", f"请在 WPS、LibreOffice 或 Excel 中打开, {_SAVE_AS}"),
    ".fods": ("OpenDocument 平面表格 (.fods)", f"请在 LibreOffice 中打开, {_SAVE_AS}"),
    ".numbers": ("Apple Numbers 表格 (.numbers)", "请在 Numbers 中用「文件 → 导出到 → Excel」存为 .xlsx 后重新汇总"),
}
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def _spaced(what: str) -> str:
    return f" {what}" if what[0].isascii() else what


def check_format(path: str | Path) -> str:
    """Raise InputFileError for a file in a format consolidation cannot read (.xls, .et, .ods, .numbers …),
    saying what it is and how to save it as .xlsx.  Decided by content where it tells (an .ods renamed to
    .xlsx is still an .ods; an .et that holds an Excel workbook is read), else by the suffix.  Returns a
    notice for an Excel workbook under another suffix, else ""."""
    path = Path(path)
    suffix = path.suffix.lower()
    known = OTHER_FORMATS.get(suffix)
    if path.is_dir():  # a .numbers document saved as a package (a folder) on a Mac
        what, how = known or OTHER_FORMATS[".numbers"]
        raise InputFileError(f"是{_spaced(what)}, 不是 Excel 工作簿 (.xlsx), 无法读取; {how}")
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return ""  # check_xlsx says why it cannot be read
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                mime = b""
                if "mimetype" in names:
                    with archive.open("mimetype") as member:
                        mime = member.read(100)
        except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
            return ""  # damaged: check_xlsx says so
        if "xl/workbook.xml" in names:
            if suffix in OTHER_FORMATS:
                return f"文件扩展名是 {path.suffix}, 但内容是 Excel 工作簿 (.xlsx), 已照常读取; 建议改名为 .xlsx"
            return ""
        if mime.startswith(_ODS_MIME):
            what, how = OTHER_FORMATS[suffix if suffix in (".ods", ".ots") else ".ods"]
        elif "xl/workbook.bin" in names:
            what, how = OTHER_FORMATS[".xlsb"]
        elif "Index/Document.iwa" in names or any(n.startswith("Index/") and n.endswith(".iwa") for n in names):
            what, how = OTHER_FORMATS[".numbers"]
        elif known:
            what, how = known
        else:
            return ""  # check_xlsx: 不是 Excel 工作簿
        raise InputFileError(f"是{_spaced(what)}, 不是 Excel 工作簿 (.xlsx), 无法读取; {how}")
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE file: .xls, .et, or an .xlsx with an open password
        if suffix in (".xlsx", ".xlsm") or not known:
            return ""  # check_xlsx: 已加密 或 旧版 .xls
        what, how = known
        raise InputFileError(f"是{_spaced(what)}, 不是 Excel 工作簿 (.xlsx), 无法读取; {how} (设置了打开密码的请先取消密码)")
    if known:  # not a zip nor an OLE file: an .xls exported as HTML by some systems, a flat .fods …
        what, how = known
        raise InputFileError(f"是{_spaced(what)}, 不是 Excel 工作簿 (.xlsx), 无法读取; {how}")
    return ""


def read_filled_workbook(path: str | Path, scheme: Scheme | None = None) -> FilledWorkbook:
    """Read a workbook made by `xl-kpi generate`; raise InputFileError if it is not one.

    ``scheme`` (HR's rules) is used when given, unless the workbook's 规则 sheet
    holds other rules it was generated with: those are then used, and
    ``rules_notice`` says so (as it says when the 规则 sheet was edited since).
    Without ``scheme`` the rules in the 规则 sheet are used, after checking
    they are the ones it was generated with.
    """
    path = Path(path)
    format_notice = check_format(path)
    report = checked(path)  # reported without the file's name: consolidate names the file in its own column
    try:
        book = guarded(path, lambda: calamine_book(path), "无法打开工作簿")
    except InputFileError as exc:
        raise InputFileError(str(exc).removeprefix(f"{path.name}: ")) from None
    names = list(book.sheet_names)
    if META_SHEET not in names:
        raise InputFileError("不是 xl-kpi 生成的考核表 (缺少隐藏的 _xlkpi 信息表), 请用生成的考核表填写")
    meta_rows = sheet_rows(path, book, META_SHEET)
    meta = {cell_text(r[0]): cell_text(r[1]) for r in meta_rows if r and len(r) > 1 and cell_text(r[0])}
    notices: list[str] = [format_notice] if format_notice else []
    if report.has_macros:
        notices.append("文件含有宏 (VBA), 宏未运行, 只读取了单元格数值")
    if report.external_links:
        notices.append(f"文件含有 {report.external_links} 个外部链接, 未跟随链接, 只读取了单元格数值")
    rules_text = ""
    if RULES_SHEET in names:
        rows = sheet_rows(path, book, RULES_SHEET, skip_empty_area=False)
        rules_text = rules_text_from_rows([r[0] if r else None for r in rows])
    rules_notice = ""
    if scheme is None:
        if not rules_text:
            raise InputFileError("缺少「规则」工作表, 无法确定考核方案")
        if fingerprint(rules_text) != meta.get("rules"):
            raise InputFileError("「规则」工作表与生成时不一致 (规则被改动), 请用人力资源部下发的考核表")
        try:
            scheme = rules_scheme(rules_text)
        except KpiError as exc:
            raise InputFileError(str(exc)) from None
    elif meta.get("scheme") != scheme.id:
        raise InputFileError(f"这是方案 {meta.get('scheme')} 的考核表, 不是 {scheme.id} 的")
    else:
        scheme, rules_notice = _given_or_own(rules_text, meta, scheme)
    people_sheets = {k[len("sheet:"):]: v for k, v in meta.items() if k.startswith("sheet:")}
    layout = layout_for(scheme)
    wanted: dict[str, set[str]] = {}
    people: list[PersonSheet] = []
    foreign = [n for n in names if n not in people_sheets and n not in (META_SHEET, RULES_SHEET, COVER_SHEET, LISTS_SHEET)]
    gone = {name: person_id for name, person_id in people_sheets.items() if name not in names}
    in_place = {name: _read_person(path, name, sheet_rows(path, book, name, skip_empty_area=False),
                                   scheme, layout)
                for name in people_sheets if name in names}
    # a sheet under one person's name holding another person's 工号: names swapped, or a 工号 edited
    ids = set(people_sheets.values())
    displaced = {name: people_sheets[name] for name, person in in_place.items()
                 if person.identity.get("工号", "") != people_sheets[name] and person.identity.get("工号", "") in ids}
    held = {name: in_place[name].identity.get("工号", "") for name in displaced}
    renamed, missing = _find_renamed(book, gone, foreign, meta, displaced, held) if gone or displaced else ({}, [])
    swaps = _swaps(renamed)
    for name in people_sheets:
        actual = renamed.get(name, name)
        if actual not in names:
            continue  # in ``missing``
        person = in_place.get(actual)
        if person is None:  # renamed to a name the meta does not know
            person = _read_person(path, actual, sheet_rows(path, book, actual, skip_empty_area=False),
                                  scheme, layout)
        if actual != name:
            person.renamed_from = name
            person.swapped = swaps.get(name, ())
        people.append(person)
        wanted[actual] = {c.ref for c in _read_cells(person)}
    foreign = [n for n in foreign if n not in renamed.values()]
    errors: dict[str, dict[str, str]] = {}
    uncached: dict[str, set[str]] = {}
    styles: dict[str, dict[str, int]] = {}
    formulas = sheet_formulas(path, wanted, errors, uncached, styles)
    percent = _percent_styles(path) if any(styles.values()) else set()
    for person in people:
        for cell in person.inputs.values():  # a score typed as 90% is 90: the engine must know it was a percentage
            cell.percent = styles.get(person.sheet, {}).get(cell.ref) in percent
        found = formulas.get(person.sheet, {})
        never = uncached.get(person.sheet, set())
        for cell in _read_cells(person):
            cell.formula = found.get(cell.ref)
            # a formula never calculated (a file written by a program, not saved by Excel/WPS) reads as empty
            cell.uncalculated = cell.ref in never and cell.value is None
        # calamine reads an error value (#NAME?, #DIV/0!) as an empty cell: put the error back
        shown = errors.get(person.sheet, {})
        for cell in _read_cells(person):
            if cell.ref in shown:
                cell.value, cell.error = shown[cell.ref], True
    return FilledWorkbook(path, scheme, rules_text, meta, people, foreign, notices, report, rules_notice, missing)


def _percent_styles(path: Path) -> set[int]:
    """The cell styles of the workbook whose number format is a percentage (none when they cannot be read)."""
    try:
        return ShownNumbers(path).percent_styles()
    except Exception:  # noqa: BLE001 - styles we cannot read: the values are taken as they are
        return set()


def _find_renamed(book: Any, gone: dict[str, str], foreign: list[str], meta: dict[str, str],
                  displaced: dict[str, str] | None = None,
                  held: dict[str, str] | None = None) -> tuple[dict[str, str], list[MissingSheet]]:
    """The sheets of people whose sheet names are gone or hold another's 工号, found by content; and the
    people not found.

    A sheet renamed by hand (K1001-张三 -> 张三) is not in the meta under its new name.  It is taken as
    the person's sheet only when that is certain: a sheet the meta does not name, laid out as a generated
    person sheet (its hidden row keys), whose 工号 cell (B2) holds the 工号 of exactly one person whose
    sheet is gone, and no other such sheet holds that 工号.

    Two tabs whose names were swapped (or three names rotated) leave every name in place, each on a sheet
    holding another person's 工号: ``displaced`` names those sheets (generated name -> 工号 the meta gives
    it), ``held`` the 工号 each holds in B2.  Such a sheet is taken, by the same rule, as the sheet of the
    person whose 工号 it holds, but only when its own person's sheet is found elsewhere too: otherwise it
    stays its own person's, whose 工号 was edited (and is reported so).  Returns {generated name: actual name}."""
    displaced, held = displaced or {}, held or {}
    holders: dict[str, list[str]] = {}  # 工号 in B2 -> foreign person-like sheets holding it
    for name in foreign:
        try:
            rows = sheet_rows("", book, name, skip_empty_area=False)
        except Exception:
            continue
        pid = cell_text(_cell(rows, 2, 2).value)
        if _looks_like_person_sheet(rows):
            holders.setdefault(pid, []).append(name)
    pool = {pid: list(sheets) for pid, sheets in holders.items()}  # … and the displaced sheets holding it
    for name in displaced:
        pool.setdefault(held[name], []).append(name)
    seekers = {**gone, **displaced}
    wanted = Counter(seekers.values())
    renamed: dict[str, str] = {}
    for name, pid in seekers.items():
        found = [sheet for sheet in pool.get(pid, []) if sheet != name]
        if pid and wanted[pid] == 1 and len(found) == 1:
            renamed[name] = found[0]
    settled = False
    while not settled:  # a displaced sheet whose own person is not found elsewhere stays that person's
        dropped = [name for name, sheet in renamed.items() if sheet in displaced and sheet not in renamed]
        for name in dropped:
            del renamed[name]
        settled = not dropped
    missing: list[MissingSheet] = []
    cover: dict[str, dict[str, str]] | None = None
    for name, pid in gone.items():
        if name in renamed:
            continue
        found = pool.get(pid, [])
        if cover is None:
            cover = _cover_roster(book)
        identity = {"工号": pid, **cover.get(pid, {})}
        if not identity.get("姓名") and pid and name.startswith(f"{pid}-"):
            identity["姓名"] = name[len(pid) + 1:]  # generate names the sheet 工号-姓名
        if not identity.get("部门") and meta.get(f"department:{pid}"):
            identity["部门"] = meta[f"department:{pid}"]
        missing.append(MissingSheet(name, pid, identity, found if len(found) > 1 else []))
    taken = set(renamed.values())
    others = {sheet: holding for holding, sheets in holders.items() for sheet in sheets if sheet not in taken}
    for gone_sheet in missing:
        gone_sheet.others = {k: v for k, v in others.items() if k not in gone_sheet.candidates}
    return renamed, missing


def _swaps(renamed: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """The names swapped (A <-> B) or rotated (A -> B -> C -> A) among people's sheets, per generated name:
    the cycle of names starting with that one, each the name the sheet before it now carries.  A chain
    that ends on a new name (A -> B, B -> 李四) is no cycle: those are renames."""
    out: dict[str, tuple[str, ...]] = {}
    for start in renamed:
        cycle = [start]
        while renamed.get(cycle[-1], start) != start and renamed[cycle[-1]] not in cycle:
            cycle.append(renamed[cycle[-1]])
        if len(cycle) > 1 and renamed.get(cycle[-1]) == start:
            out[start] = tuple(cycle)
    return out


def _looks_like_person_sheet(rows: list[list[Any]]) -> bool:
    """A sheet with the hidden row keys of a generated person sheet (ind|… in the key column)."""
    return any(len(row) >= KEY_COLUMN and cell_text(row[KEY_COLUMN - 1]).startswith("ind|") for row in rows)


_COVER_FIELDS = {"工号": "工号", "工號": "工号", "姓名": "姓名", "部门": "部门", "部門": "部门",
                 "岗位": "岗位", "崗位": "岗位", "直属主管": "直属主管", "直屬主管": "直属主管"}


def _cover_roster(book: Any) -> dict[str, dict[str, str]]:
    """工号 -> 姓名, 部门, 岗位, 直属主管 as the cover sheet lists them (empty when there is no such list)."""
    if COVER_SHEET not in book.sheet_names:
        return {}
    try:
        rows = sheet_rows("", book, COVER_SHEET, skip_empty_area=False)
    except Exception:
        return {}
    for r, row in enumerate(rows):
        heads = {i: _COVER_FIELDS[cell_text(v)] for i, v in enumerate(row) if cell_text(v) in _COVER_FIELDS}
        if "工号" in heads.values():
            out: dict[str, dict[str, str]] = {}
            id_col = next(i for i, f in heads.items() if f == "工号")
            for below in rows[r + 1:]:
                pid = cell_text(below[id_col]) if id_col < len(below) else ""
                if pid:
                    out.setdefault(pid, {f: cell_text(below[i]) for i, f in heads.items() if i < len(below) and f != "工号"})
            return out
    return {}


def _given_or_own(rules_text: str, meta: dict[str, str], given: Scheme) -> tuple[Scheme, str]:
    """The rules to score by when a scheme is given, and what to tell HR about them ("" when nothing).

    A company edits a template's 规则 sheet and generates from it, keeping the id: supervisors filled
    the sheets by those rules and the sheets' formulas score by them, so scoring by the given scheme
    would blame every sheet whose score the edit changed.  The workbook's own rules are used then.
    A 规则 sheet edited after generation is not trusted: the given scheme (HR's) is used for it."""
    if not rules_text or not meta.get("rules"):
        return given, ""
    if fingerprint(rules_text) != meta["rules"]:
        return given, f"「{RULES_SHEET}」工作表与生成时不一致 (规则被改动), 未采用; 按 --scheme 指定的 {given.id} 计分"
    try:
        own = rules_scheme(rules_text)
    except KpiError:
        return given, ""  # the scheme given is then the only rules there are
    if same_rules(own, given):
        return given, ""
    return own, f"本文件生成时用的规则与 --scheme 指定的 {given.id} 不同 ({rules_differences(own, given)}); 本文件按自身规则计分"


def same_rules(a: Scheme, b: Scheme) -> bool:
    """The same rules, wherever each scheme was read from: every field but ``path``; comments and the
    layout of the YAML text do not count."""
    return a is b or dataclasses.replace(a, path="") == dataclasses.replace(b, path="")


def rules_differences(own: Scheme, given: Scheme) -> str:
    """What differs between two schemes, for a person: the indicators by name, else the other parts."""
    theirs = {ind.id: ind for ind in given.indicators}
    ours = {ind.id for ind in own.indicators}
    names = [ind.name for ind in own.indicators if theirs.get(ind.id) != ind]
    names += [ind.name for ind in given.indicators if ind.id not in ours]
    if names:
        return f"{'、'.join(names)}的规则不同"
    parts = [label for label, key in _SCHEME_PARTS if getattr(own, key) != getattr(given, key)]
    return f"{'、'.join(parts)}不同" if parts else "方案名称或说明不同"


_SCHEME_PARTS = (("总分", "total"), ("小数位数", "decimals"), ("分组", "groups"), ("评分人", "assessors"),
                 ("等级", "grades"), ("绩效奖金", "bonus"), ("提成", "commission"), ("绩效资格", "pay_threshold"),
                 ("评级", "rating"), ("人事决定", "decisions"), ("等级比例", "calibration"), ("互评", "peer"))


def _read_cells(person: PersonSheet) -> list[Cell]:
    return [*person.inputs.values(), *person.pay_inputs.values(), *person.scores.values(), *person.results.values()]


def _cell(rows: list[list[Any]], row: int, col: int) -> Cell:
    value = None
    if row - 1 < len(rows) and col - 1 < len(rows[row - 1]):
        value = rows[row - 1][col - 1]
        if value == "":
            value = None
    return Cell(cell_ref(row, col), value)


def _read_person(path: Path, name: str, rows: list[list[Any]], scheme: Scheme, layout) -> PersonSheet:
    identity = {}
    for _label, value_ref, field_name in IDENTITY_CELLS:
        col = ord(value_ref[0]) - 64
        identity[field_name] = cell_text(_cell(rows, int(value_ref[1:]), col).value)
    person = PersonSheet(path, name, identity)
    keys: dict[str, int] = {}
    for r, row in enumerate(rows, start=1):
        if len(row) >= KEY_COLUMN:
            key = cell_text(row[KEY_COLUMN - 1])
            if key and key not in keys:
                keys[key] = r
    for ind in scheme.indicators:
        top = keys.get(f"ind|{ind.id}|0")
        if top is None:
            person.missing_rows.append(ind.name)
            continue
        person.scores[ind.id] = _cell(rows, top, layout.score_col)
        for i, spec in enumerate(ind.inputs):
            if scheme.assessors:
                for assessor, col in zip(scheme.assessors, layout.input_cols):
                    person.inputs[(ind.id, spec.id, assessor.id)] = _cell(rows, top, col)
            else:
                r = keys.get(f"ind|{ind.id}|{i}")
                if r is None:
                    person.missing_rows.append(f"{ind.name}/{spec.name}")
                    continue
                person.inputs[(ind.id, spec.id, "")] = _cell(rows, r, layout.input_cols[0])
    for key, r in keys.items():
        if key.startswith("pay|") and key[4:] in ("bonus_base", "plan", "actual", "other"):
            person.pay_inputs[key[4:]] = _cell(rows, r, layout.input_cols[0])
        elif key in ("total", "grade", "post_wage") or key.startswith("pay|"):
            person.results[key] = _cell(rows, r, layout.score_col)
    return person
