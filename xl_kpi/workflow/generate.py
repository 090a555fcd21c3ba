"""`xl-kpi generate`: one assessment sheet per person from a roster.

A roster row with a problem (no 工号, a duplicate) is reported and skipped;
everyone else gets a sheet.  Workbooks are written atomically into DIR, with
file and sheet names made safe for Windows and Excel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.hyperlink import Hyperlink

from xl_kpi import __version__
from xl_kpi.base.errors import ExistingOutputError, InputFileError, InputValueError, KpiError
from xl_kpi.base.files import atomic_path, backup_path, check_replaceable, keep_backup, next_backup
from xl_kpi.base.findings import NOTICE, Finding
from xl_kpi.base.hant import in_lang
from xl_kpi.base.months import need_period
from xl_kpi.base.numbers import Typed, plain
from xl_kpi.engine.peer import peer_settings
from xl_kpi.excel.columns import ID_COLUMN, IDENTITY_ALIASES, map_columns
from xl_kpi.excel.layout import (
    COVER_SHEET,
    META_SHEET,
    RULES_SHEET,
    SHEET_VERSION,
    Layout,
    finish_meta,
    input_key,
    layout_for,
)
from xl_kpi.excel.names import safe_file_stem, safe_sheet_name
from xl_kpi.excel.roster import (
    ROSTER_COLUMNS,
    SHOWN_COLUMNS,
    Person,
    instead_text,
    leading_zeros_hint,
    load_roster,
    normalized_notice,
    pay_amount,
    roster_pay,
    spelled_notice,
)
from xl_kpi.excel.rules_sheet import fingerprint, write_rules_sheet
from xl_kpi.excel.sheet_style import print_a4_landscape
from xl_kpi.excel.sheets import ValidationBook, write_person_sheet
from xl_kpi.excel.tables import Table, cell_text, id_key, read_tables
from xl_kpi.schemes.describe import label
from xl_kpi.schemes.scheme import Scheme
from xl_kpi.workflow.peer_forms import FILE_PREFIX, write_peer_files


@dataclass
class GenerateResult:
    files: list[Path] = field(default_factory=list)
    peer_files: list[Path] = field(default_factory=list)  # with peer=True: one per reviewer
    people: int = 0
    problems: list[Finding] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)  # with overwrite=True: copies of the workbooks replaced
    notices: list[Finding] = field(default_factory=list)  # worth knowing, not wrong (columns of --data not used)


def read_prefill(scheme: Scheme, path: str | Path, kept: dict[str, dict[str, Any]] | None = None,
                 ) -> tuple[dict[str, dict[str, Any]], list[Finding], list[Finding]]:
    """(工号 -> {input key -> number}, problems, notices) from a DATA file laid out as for `xl-kpi score`; each 工号 as
    id_key gives it (a full-width Ｋ004 is K004, named in a notice), to be looked up by the id_key of the roster's.

    ``kept`` holds the roster's values (工号 -> {input key -> number}, from roster_pay): a value of the data file
    that is refused leaves the roster's in the cell, and its problem says so (…, 已改用花名册中的值 1200).

    An .xlsx is read, as a roster is, from every sheet whose header holds 「工号」 and columns of the scheme
    (one sheet per department), in sheet order; a sheet with 「工号」 but none of the scheme's columns is
    passed over (with a notice when another sheet is read)."""
    tables = read_tables(path, required={ID_COLUMN: IDENTITY_ALIASES[ID_COLUMN]}, what="数据文件")
    name = tables[0].path.name
    used = []
    for table in tables:
        cmap = map_columns(scheme, table.headers)
        if ID_COLUMN not in cmap.identity:
            raise InputFileError(f"{name}{_on(table)}: 数据文件应有「工号」列")
        if cmap.inputs or cmap.pay:
            used.append((table, cmap))
    if not used:
        table = tables[0]
        sheets = "的工作表" + "、".join(f"「{t.sheet}」" for t in tables) if len(tables) > 1 else ""
        first_sheet = f"工作表「{table.sheet}」" if sheets else ""
        raise InputFileError(f"{name}: 数据文件{sheets}中没有方案 {scheme.id} 的指标列 (表头应为指标名称, 如 "
                             f"「{scheme.indicators[0].name}」), {first_sheet}现有: "
                             f"{', '.join(h for h in table.headers if h)}")
    notices = [Finding(name, (table.sheet or "") if len(tables) > 1 else "", kind="unknown-column", severity=NOTICE,
                       message=f"以下列不是方案 {scheme.id} 的指标, 未预填: {', '.join(cmap.unknown)}")
               for table, cmap in used if cmap.unknown]
    if len(tables) > 1:
        read = "、".join(f"「{t.sheet}」" for t, _ in used)
        notice = f"数据分在 {len(used)} 个工作表中, 已依次读取工作表{read}" if len(used) > 1 else f"已读取工作表{read}"
        skipped = "、".join(f"「{t.sheet}」" for t in tables if all(t is not u for u, _ in used))
        if skipped:
            notice += f"; 工作表{skipped}中没有方案 {scheme.id} 的指标列, 未读取"
        notices.append(Finding(name, message=notice, kind="sheets-read", severity=NOTICE))
    out: dict[str, dict[str, Any]] = {}
    problems: list[Finding] = []
    first: dict[str, tuple[str, str]] = {}  # id_key -> (where it was first read, as written there)
    changed: list[tuple[str, str, str]] = []  # (where, 工号 as written, as compared) when id_key changed it
    kept_by_key = {id_key(emp): values for emp, values in (kept or {}).items()}
    for table, cmap in used:
        id_col = cmap.identity[ID_COLUMN]
        targets = [(input_key(*key), col, scheme.indicator(key[0]).input(key[1])) for key, col in cmap.inputs.items()]
        targets += [(f"pay|{key}", col, None) for key, col in cmap.pay.items()]
        percent = table.percent_cells(cmap.inputs.values())  # a cell showing 90% holds 0.9: a 0-100 score is 90
        for index, row in enumerate(table.rows):
            written = cell_text(row[id_col])
            emp = id_key(written)
            if not emp:
                continue
            if emp in first:
                place, before = first[emp]
                spelled = spelled_notice(written, before, "")
                problems.append(table.finding(index, id_col, f"工号 {written} 重复 (已在 {place}"
                                              f"{', ' + spelled if spelled else ''}), 本行未预填",
                                              person=written, kind="duplicate-id"))
                continue
            first[emp] = (table.where(index, id_col), written)
            if emp != written:
                changed.append((table.where(index, id_col), written, emp))
            values: dict[str, Any] = {}
            for key, col, spec in targets:
                raw = row[col]
                if raw is None or (isinstance(raw, str) and not raw.strip()):
                    continue
                try:  # an input outside its range (150% resolved) is not put on a sheet that would refuse it
                    if spec is None:
                        values[key] = pay_amount(table.headers[col], raw)
                        continue
                    value, notice = spec.read(Typed(raw, percent=True) if (index, col) in percent else raw)
                    values[key] = plain(value)
                    if notice:  # prefilled as it is, but perhaps not what was meant (客户投诉率 0.3 is 30%)
                        notices.append(table.finding(index, col, notice, person=written, kind="unusual-value",
                                                     severity=NOTICE))
                except InputValueError as exc:
                    other = kept_by_key.get(emp, {}).get(key)
                    problems.append(table.finding(index, col, f"{exc}, {instead_text(other, '花名册')}", person=written,
                                                  kind="bad-value"))
            out[emp] = values
    if changed:
        notices.append(normalized_notice(name, changed, "已按半角与花名册比对"))
    return out, problems, notices


def _on(table: Table) -> str:
    """' 工作表「数据」' for a sheet of a workbook, '' for a .csv."""
    return f" 工作表「{table.sheet}」" if table.sheet else ""


# --------------------------------------------------------------------------- writing


def generate(
    scheme: Scheme,
    yaml_text: str,
    roster: str | Path,
    period: str,
    out_dir: str | Path,
    *,
    data: str | Path | None = None,
    split: str = "department",
    mode: str = "native",
    lang: str = "zh-Hans",
    password: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    peer: bool = False,
    overwrite: bool = False,
) -> GenerateResult:
    """Write the workbooks into `out_dir`.

    Workbooks already there may have been filled by supervisors: without `overwrite`
    nothing is written when any would be replaced (OutputFileError); with it, each is
    first kept as …备份.xlsx (listed in `backups`).
    """
    need_period(period)
    if split not in ("department", "person"):
        raise KpiError(f"--split 应为 department 或 person, 收到「{split}」")
    if mode not in ("native", "udf"):
        raise KpiError(f"--formulas 应为 native 或 udf, 收到「{mode}」")
    if peer:

        peer_settings(scheme)  # KpiError before anything is written when the scheme has no teamwork indicators
    result = GenerateResult()
    compared = "已按半角查重" + ("并与数据文件对照" if data is not None else "") + ", 考核表上照花名册原样书写"
    people, problems, result.notices = load_roster(roster, shown=SHOWN_COLUMNS, normalized=compared)
    result.problems += problems
    prefill, refused = roster_pay(people, Path(roster).name)
    data_values: dict[str, dict[str, Any]] = {}
    data_problems: list[Finding] = []
    if data is not None:
        data_values, data_problems, data_notices = read_prefill(scheme, data, kept=prefill)
        result.notices += data_notices
    # a roster value refused is not pre-filled, unless the data file (which wins over the roster) gives one
    result.problems += [replace(finding, message=f"{finding.message}, "
                                f"{instead_text(data_values.get(id_key(emp), {}).get(key), '数据文件')}")
                        for emp, key, finding in refused]
    result.problems += data_problems
    if data is not None:
        ids = {id_key(p.id): p.id for p in people}  # as compared -> as the roster spells it
        for emp, values in data_values.items():  # the data file wins over the roster
            if emp not in ids:
                hint = leading_zeros_hint(emp, set(ids))
                result.problems.append(Finding(Path(data).name, message=f"工号 {emp} 不在花名册中, 其数据未预填{hint}",
                                               person=emp, kind="not-on-roster"))
                continue
            prefill.setdefault(ids[emp], {}).update(values)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    groups: dict[str, list[Person]] = {}
    for person in people:
        key = person.fields["部门"] if split == "department" else person.id
        groups.setdefault(key, []).append(person)
    layout = layout_for(scheme)
    taken: set[str] = set()
    targets: list[tuple[str, list[Person], Path]] = []
    for key, members in groups.items():
        if split == "department":
            stem = safe_file_stem(f"{period}-{key}", taken)
        else:
            p = members[0]
            stem = safe_file_stem(f"{period}-{p.fields['部门']}-{p.id}-{p.fields['姓名']}", taken)
        target = out / f"{stem}.xlsx"
        if target.resolve().parent != out.resolve():  # pragma: no cover - safe_file_stem rules this out
            raise KpiError(f"文件名 {stem} 会写到输出文件夹之外")
        targets.append((key, members, target))
    result.backups = _keep_existing([t for _, _, t in targets], out, period, peer=peer, overwrite=overwrite)
    done = 0
    for key, members, target in targets:
        book = build_workbook(scheme, yaml_text, members, period, layout, lang=lang, mode=mode,
                              prefill=prefill, password=password, department=key if split == "department" else None)
        with atomic_path(target) as tmp:
            book.save(tmp)
        result.files.append(target)
        done += len(members)
        if progress:
            progress(done, len(people))
    result.people = done
    if peer:

        result.peer_files = write_peer_files(scheme, yaml_text, people, period, out, lang=lang, password=password)
    return result


def _keep_existing(targets: list[Path], out: Path, period: str, *, peer: bool, overwrite: bool) -> list[Path]:
    """Refuse to replace workbooks already in `out` (they may be filled in), or with `overwrite` back them up."""
    existing = [t for t in targets if t.exists()]
    if peer:

        existing += sorted(p for p in out.glob(f"{FILE_PREFIX}-{period}-*.xlsx") if ".备份" not in p.name)
    if not existing:
        return []
    if not overwrite:
        names = ", ".join(p.name for p in existing[:3]) + (f" 等 {len(existing)} 个" if len(existing) > 3 else "")
        raise ExistingOutputError(
            f"{out} 中已有同名工作簿 {names}, 可能已由主管填写; 为免覆盖, 未写入任何文件。"
            f"请换一个输出文件夹 (--out), 或加 --overwrite 重新生成 (原文件将保留为 {backup_path(existing[0]).name} 这样的备份)",
            existing,
        )
    for path in existing:  # every one replaceable before any backup is touched
        check_replaceable(path)
        check_replaceable(next_backup(path))
    return [keep_backup(path) for path in existing]


def build_workbook(
    scheme: Scheme,
    yaml_text: str,
    people: list[Person],
    period: str,
    layout: Layout,
    *,
    lang: str,
    mode: str,
    prefill: dict[str, dict[str, Any]],
    password: str | None,
    department: str | None,
) -> Workbook:
    book = Workbook()
    cover = book.active
    cover.title = COVER_SHEET
    validations = ValidationBook(book)
    taken: set[str] = set()
    sheets: list[tuple[Person, str]] = []
    title = f"{label(scheme, lang)} ({period})"
    for person in people:
        name = safe_sheet_name(f"{person.id}-{person.fields['姓名']}" if person.fields['姓名'] else person.id, taken)
        ws = book.create_sheet(name)
        write_person_sheet(ws, scheme, layout, person.fields, period=period, lang=lang, mode=mode,
                           rules=yaml_text, prefill=prefill.get(person.id, {}), validations=validations,
                           password=password, title=title)
        sheets.append((person, name))
    _write_cover(cover, scheme, sheets, period, lang, department)
    write_rules_sheet(book, yaml_text, protect=True)
    book[RULES_SHEET].sheet_state = "hidden"  # the scheme itself, read back by consolidate: never printed with the sheets
    meta = book.create_sheet(META_SHEET)
    rows = [
        ("generator", f"xl-kpi {__version__}"),
        ("scheme", scheme.id),
        ("rules", fingerprint(yaml_text)),
        ("period", period),
        ("lang", lang),
        ("formulas", mode),
        ("sheets", SHEET_VERSION),
    ]
    rows += [(f"sheet:{name}", person.id) for person, name in sheets]
    # 部门 per person, for peer review (who reviews whom); templates (no 工号) carry none
    rows += [(f"department:{person.id}", person.fields["部门"]) for person, _ in sheets if person.id]
    finish_meta(book, meta, rows)
    return book


def sheet_ref(name: str, cell: str = "A1") -> str:
    """A reference to ``cell`` of sheet ``name`` as Excel writes it: 'K2-O''Brien'!A1."""
    return "'" + name.replace("'", "''") + "'!" + cell


def _write_cover(ws, scheme: Scheme, sheets: list[tuple[Person, str]], period: str, lang: str, department: str | None) -> None:
    ws["A1"] = f"{label(scheme, lang)} — {department + ' — ' if department else ''}{period}"
    ws["A1"].font = Font(bold=True, size=14)
    # what to do, in two short lines (A2, A3; the list starts at row 4)
    ws["A2"] = in_lang("请在各人的工作表中只填写黄色单元格 (选中时有提示); 得分、总分和等级会自动计算。", lang)
    ws["A3"] = in_lang("不要改工作表名称和公式; 填好后保存, 用邮件发回人力资源部。", lang)
    extra_heads: list[str] = []
    own = {"序号", "序號", "工作表"}  # columns the cover writes itself: a roster's own 序号 is not shown twice
    for person, _ in sheets:
        for h in person.extra:
            if h not in extra_heads and h.strip() not in own:
                extra_heads.append(h)
    heads = [*(in_lang(h, lang) for h in ("序号", "工号", "姓名", "部门", "岗位", "直属主管")), *extra_heads,
             in_lang("工作表", lang)]  # the roster's own extra headers as typed
    for col, h in enumerate(heads, start=1):
        c = ws.cell(row=4, column=col, value=h)
        c.font = Font(bold=True)
    for i, (person, name) in enumerate(sheets, start=1):
        values = [i, *(person.fields[k] for k in ROSTER_COLUMNS), *(person.extra.get(h, "") for h in extra_heads)]
        for col, v in enumerate(values, start=1):
            c = ws.cell(row=4 + i, column=col, value=v)
            if c.data_type in ("f", "e"):
                c.data_type = "s"
        link = ws.cell(row=4 + i, column=len(heads), value=name)
        if link.data_type in ("f", "e"):
            link.data_type = "s"
        # a link inside the workbook is a `location` (no target): written as a target "#…" it is an external
        # relationship, which LibreOffice turns into a link to the file's own path on disk; inside the
        # quotes an apostrophe is doubled (O'Brien -> 'K2-O''Brien'!A1)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=sheet_ref(name), display=name)
        link.style = "Hyperlink"
    for col, width in zip("ABCDEFG", (6, 12, 10, 14, 12, 12, 24)):
        ws.column_dimensions[col].width = width
    ws["A2"].alignment = ws["A3"].alignment = Alignment(wrap_text=False)
    ws.protection.sheet = True
    print_a4_landscape(ws, "4:4")
