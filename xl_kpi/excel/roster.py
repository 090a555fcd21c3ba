"""The roster (花名册) as HR keeps it: who is assessed, with 工号, 姓名, 部门, 岗位, 直属主管 and pay amounts, read from one
or several sheets; a row with a problem is reported and skipped.  Read by generate, metrics (--roster) and the ribbon.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from xl_kpi.base.errors import InputFileError, InputValueError
from xl_kpi.base.findings import NOTICE, Finding
from xl_kpi.base.numbers import fmt, plain
from xl_kpi.base.opener import CONTROL_PICTURES, open_book
from xl_kpi.excel.columns import IDENTITY_ALIASES, PAY_INPUTS
from xl_kpi.excel.tables import Table, cell_text, id_key, read_tables, sheets_notice
from xl_kpi.schemes.inputs import InputSpec
from xl_kpi.schemes.scheme import normalize

ROSTER_COLUMNS = ("工号", "姓名", "部门", "岗位", "直属主管")
ROSTER_ALIASES = {
    **IDENTITY_ALIASES,  # 工号, 姓名, 部门: spelled as in a DATA file
    "岗位": ("岗位", "崗位", "职位", "職位", "岗位名称", "崗位名稱", "职务", "職務", "position"),
    "直属主管": ("直属主管", "直屬主管", "主管", "直属上级", "直屬上級", "直接上级", "直接上級", "直接主管", "上级", "上級",
             "直属领导", "直屬領導", "supervisor"),
}
SHOWN_COLUMNS = ("岗位", "直属主管")  # optional roster columns generate writes on the cover and on every sheet
NOTICE_ROWS = 10  # a notice naming rows names at most this many




@dataclass
class Person:
    fields: dict[str, str]
    extra: dict[str, str]
    row: int
    sheet: str | None = None  # the roster's sheet, for an .xlsx roster

    @property
    def where(self) -> str:
        """'第5行', or '工作表「名单」第5行' for an .xlsx roster."""
        return f"{'工作表「' + self.sheet + '」' if self.sheet else ''}第{self.row}行"

    @property
    def id(self) -> str:
        return self.fields["工号"]


def normalized_notice(name: str, changed: list[tuple[str, str, str]], done: str) -> Finding:
    """One notice of file ``name`` for its 工号 compared in half-width: '以下工号含全角字符, 已按半角…: 第3行 A列
    Ｋ004 → K004、…' (at most NOTICE_ROWS places named)."""
    shown = "、".join(f"{where} {raw} → {key}" for where, raw, key in changed[:NOTICE_ROWS])
    more = f" 等 {len(changed)} 处" if len(changed) > NOTICE_ROWS else ""
    return Finding(file=name, message=f"以下工号含全角字符, {done}: {shown}{more}", kind="full-width-id",
                   severity=NOTICE)


def spelled_notice(emp: str, first: str, place: str) -> str:
    """'第3行写作 K005, 全角、半角视为同一工号' when a 工号 is the one read at ``place`` only once compared in
    half-width; '' when both are written alike."""
    return f"{place}写作 {first}, 全角、半角视为同一工号" if emp != first else ""


def read_roster(path: str | Path) -> tuple[list[Person], list[Finding]]:
    """(people, problems) of a roster; load_roster also gives its notices."""
    people, problems, _ = load_roster(path)
    return people, problems


ROSTER_SHEET = "花名册"  # the HR workbook's roster sheet; its 数据, 汇总 and 年度汇总 sheets have 工号 and 姓名 too


def _roster_sheet(path: str | Path) -> str | None:
    """「花名册」 when the workbook has a sheet of that name (the HR workbook: only it is the roster), else None:
    every sheet with a roster header is read (a roster kept as one sheet per department)."""
    if Path(path).suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    try:
        names = open_book(path).sheet_names
    except InputFileError:
        return None  # read_tables says what is wrong with the file
    return ROSTER_SHEET if ROSTER_SHEET in names else None


def load_roster(path: str | Path, skipped: str = "此行未生成考核表", *, shown: Iterable[str] = (),
                normalized: str = "已按半角查重, 照花名册原样书写") -> tuple[list[Person], list[Finding], list[Finding]]:
    """(people, problems, notices) of a roster (.csv or .xlsx); ``skipped`` ends the problem of a row left
    out (what that means to the command reading the roster); ``shown`` names the optional columns (岗位,
    直属主管) the caller writes on the cover and the sheets: a notice names those the roster lacks;
    ``normalized`` says, in the notice naming the full-width 工号, what was done with them.

    Columns are found by the spellings of ROSTER_ALIASES (所属部门 for 部门, 员工姓名 for 姓名, 员工编号 for 工号 …).
    工号 are compared by id_key (a full-width Ｋ004 is K004: the same person, a duplicate of K004 on another
    row), each person keeping the roster's own spelling; one notice names the rows whose 工号 so changed.

    The header may stand below a title.  An .xlsx roster is read from every sheet whose header holds
    「工号」 and 「姓名」 (one sheet per department), in sheet order, each with its own columns; sheets
    without such a header (「说明」) are passed over, a problem when their header has only some of these
    columns (「名字」 for 「姓名」).  A 工号 already read, on this sheet or an earlier one,
    is a duplicate.  When more than one sheet is read, a notice says which."""
    incomplete: list[tuple[str, list[str]]] = []
    tables = read_tables(path, _roster_sheet(path), required={name: ROSTER_ALIASES[name] for name in ("工号", "姓名")},
                         what="花名册", incomplete=incomplete)
    lookup = {normalize(a): name for name, aliases in ROSTER_ALIASES.items() for a in aliases}
    people: list[Person] = []
    problems: list[Finding] = []
    seen: dict[str, Person] = {}  # id_key -> the person first read with it
    changed: list[tuple[str, str, str]] = []  # (where, 工号 as written, as compared) when id_key changed it
    maps = [_roster_columns(table.headers, lookup) for table in tables]
    no_department = [table for table, (columns, _) in zip(tables, maps) if "部门" not in columns]
    if len(no_department) == len(tables):  # every sheet would go into one 未分部门 workbook: said once, not per row
        problems.append(Finding(tables[0].path.name, message="花名册没有「部门」列, 所有人归入「未分部门」",
                                kind="no-department"))
    else:
        problems += [Finding(table.path.name, table.sheet or "", message="此工作表没有「部门」列, 其中的人归入「未分部门」",
                             kind="no-department") for table in no_department]
    # a sheet whose header lacks a column (「名字」): its people would be lost without a word
    problems += [Finding(tables[0].path.name, sheet, message=f"表头中没有{'和'.join(f'「{c}」' for c in lacking)}列, "
                         "此工作表未读取, 其中的人未生成考核表", kind="missing-column") for sheet, lacking in incomplete]
    counts: list[int] = []
    for table, (columns, extra) in zip(tables, maps):
        before = len(people)
        for index, row in enumerate(table.rows):
            if not any(cell_text(v) for v in row):
                continue
            fields = {name: cell_text(row[col]) for name, col in columns.items()}
            for name in ROSTER_COLUMNS:
                fields.setdefault(name, "")
            if not fields["工号"]:
                problems.append(table.finding(index, columns["工号"], f"工号为空, {skipped}", kind="missing-id"))
                continue
            key = id_key(fields["工号"])
            if key in seen:
                first = seen[key]
                place = f"第{first.row}行" if first.sheet == table.sheet else first.where
                spelled = spelled_notice(fields["工号"], first.id, place)
                problems.append(table.finding(index, columns["工号"], f"工号 {fields['工号']} 与{place}重复"
                                              f"{f' ({spelled})' if spelled else ''}, {skipped}",
                                              person=fields["工号"], kind="duplicate-id"))
                continue
            if not fields["姓名"]:  # the sheet is still made (named by the 工号 alone), but HR should know
                problems.append(table.finding(index, columns["姓名"], f"工号 {fields['工号']} 的姓名为空, 考核表上姓名一栏空着",
                                              person=fields["工号"], kind="missing-name"))
            if not fields["部门"]:
                if "部门" in columns:
                    problems.append(table.finding(index, columns["部门"], f"{fields['姓名'] or fields['工号']} 的部门为空, "
                                                  "归入「未分部门」", person=fields["工号"], kind="missing-department"))
                fields["部门"] = "未分部门"
            person = Person(fields, {h: cell_text(row[c]) for h, c in extra.items()}, table.first_row + index,
                            table.sheet)
            seen[key] = person
            if key != person.id:
                changed.append((table.where(index, columns["工号"]), person.id, key))
            hidden = [name for name, value in fields.items() if CONTROL_PICTURES.search(value)]
            if hidden:  # read as their pictures (␋): said, so that HR corrects the roster
                shown_as = "".join(sorted(set(CONTROL_PICTURES.findall("".join(fields[n] for n in hidden)))))
                problems.append(table.finding(index, None, f"{'、'.join(hidden)} 中有看不见的控制字符 (如粘贴进来的竖向制表符),"
                                              f" 已显示为 {shown_as}; 请在花名册中删去后重新生成",
                                              person=person.id, kind="control-character"))
            people.append(person)
        counts.append(len(people) - before)
    notices: list[Finding] = []
    if len(tables) > 1:
        notices.append(sheets_notice(tables, counts, "花名册"))
    if changed:
        notices.append(normalized_notice(tables[0].path.name, changed, normalized))
    missing = _missing_columns(tables, maps, tuple(shown))
    if missing:
        notices.append(missing)
    return people, problems, notices


def _missing_columns(tables: list[Table], maps: list[tuple[dict[str, int], dict[str, int]]],
                     shown: tuple[str, ...]) -> Finding | None:
    """The notice naming the optional columns in ``shown`` (岗位, 直属主管) that the roster lacks: on every
    sheet read (said once for the file) or on some sheets only (each named)."""
    lacking = [(table, [c for c in shown if c not in columns]) for table, (columns, _) in zip(tables, maps)]
    lacking = [(table, cols) for table, cols in lacking if cols]
    if not lacking:
        return None

    def named(cols: list[str]) -> str:
        return "和".join(f"「{c}」" for c in cols)

    name = tables[0].path.name
    if len(lacking) == len(tables) and all(cols == lacking[0][1] for _, cols in lacking):
        cols = lacking[0][1]
        these = "此项" if len(cols) == 1 else "这两项" if len(cols) == 2 else "这些项"
        return Finding(name, message=f"花名册没有{named(cols)}列, 封面和考核表上{these}留空", kind="missing-column",
                       severity=NOTICE)
    sheets = ", ".join(f"工作表「{table.sheet}」没有{named(cols)}列" for table, cols in lacking)
    return Finding(name, message=f"{sheets}; {'这些' if len(lacking) > 1 else '此'}工作表中的人在封面和考核表上相应的项留空",
                   kind="missing-column", severity=NOTICE)


def _roster_columns(headers: list[str], lookup: dict[str, str]) -> tuple[dict[str, int], dict[str, int]]:
    """(roster column -> index, other header -> index) of one sheet's header."""
    columns: dict[str, int] = {}
    extra: dict[str, int] = {}
    for col, head in enumerate(headers):
        if not head:
            continue
        name = lookup.get(normalize(head))
        if name and name not in columns:
            columns[name] = col
        else:
            extra[head] = col
    return columns, extra


def pay_amount(name: str, raw: object) -> Any:
    """A pay input (绩效奖金基数 …) as it may be pre-filled: a non-negative amount, as the sheet's own check wants;
    InputValueError otherwise (the cell is then left for HR to fill)."""
    return plain(InputSpec(name, name, name, "amount", Decimal(0), None).check(raw))


def roster_pay(people: list[Person], source: str) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str, Finding]]]:
    """Pay amounts kept on the roster (绩效奖金基数, 计划销售额, 实际销售额, 其他) -> pre-filled pay inputs, and
    the values refused.

    A value that is not a non-negative amount (abc, -500) is not pre-filled: it is given back as (工号, input key,
    a problem at the person's row and the column's name, whose message lacks its end), for the caller to say what the cell gets instead (a value of the data file, or
    nothing: instead_text).  When a sheet has two columns for one amount (绩效奖金基数 and 績效獎金基數), the first
    value given is the one read (a later one is not pre-filled over it, nor a refused one)."""
    lookup = {normalize(alias): key for key, aliases in PAY_INPUTS.items() for alias in aliases}
    out: dict[str, dict[str, Any]] = {}
    refused: list[tuple[str, str, Finding]] = []
    for person in people:
        seen: set[str] = set()
        for head, raw in person.extra.items():
            key = lookup.get(normalize(head))
            if key is None or key in seen or not raw:
                continue
            seen.add(key)
            try:
                out.setdefault(person.id, {})[f"pay|{key}"] = pay_amount(head, raw)
            except InputValueError as exc:
                refused.append((person.id, f"pay|{key}", Finding(source, person.sheet or "", row=person.row, subject=head,
                                                                 message=str(exc), person=person.id, kind="bad-pay")))
    return out, refused


def instead_text(value: Any, source: str) -> str:
    """How a problem about a value not pre-filled ends: '已改用花名册中的值 1200' when ``source`` gives the cell
    another value, else '未预填'."""
    if value is None:
        return "未预填"
    return f"已改用{source}中的值 {fmt(Decimal(str(value)))}"


def leading_zeros_hint(emp: str, roster_ids: set[str], other: str = "数据文件") -> str:
    """When a 工号 of the data file is on the roster with other leading zeros: which file has lost them.

    Excel drops the leading zeros of a number (001234 -> 1234), so the file whose 工号 has none is the
    one Excel changed: 1234 in the data file against 001234 on the roster, or 005678 in the data file
    against 5678 on the roster."""
    like = sorted(i for i in roster_ids if i != emp and i.lstrip("0") == emp.lstrip("0"))
    if not like:
        return ""
    near = like[0]
    fix = "请把工号列设为文本格式后重新输入"
    if len(near) > len(emp) and emp == emp.lstrip("0"):
        return f" (花名册中有 {near}: {other}中工号前面的 0 可能被 Excel 去掉了, {fix})"
    if len(near) < len(emp) and near == near.lstrip("0"):
        return f" (花名册中有 {near}: 花名册中工号前面的 0 可能被 Excel 去掉了, {fix})"
    return f" (花名册中有 {near}: 两个文件中工号前面的 0 个数不同, 请核对后统一)"
