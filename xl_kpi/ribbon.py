"""What the buttons of the KPI ribbon run (macros/KpiRibbon.bas calls these through RunPython).

Each entry point acts on the calling workbook (``xw.Book.caller()``, the HR workbook):
it reads its parameters from the 设置 sheet, runs the same library code as the command
line, reports progress in Excel's status bar, writes its results into the workbook (a
summary sheet, a 问题 sheet) or into the folders the settings name, and ends with a
message box.  A problem in the input never stops the work: it goes to the 问题 sheet.
A problem that stops an action (a missing setting, an unreadable file) is shown as a
message naming the cell or file, in Chinese.  Notices (提示, 说明: what the commands print
without counting them as problems) go to the 问题 sheet too, marked as such, and are never
counted as problems: a button's problems are the command's problems for the same inputs.
An output file replaced (the data file, the summaries) is first kept as ….备份.xlsx, as the
commands keep it.

The workbook is reached through a small interface (``HrBook``) with two implementations:
``ExcelBook`` over xlwings inside Excel, and ``FileBook`` over openpyxl for a workbook
on disk (``xl-kpi addin run`` and the tests).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from xl_kpi.addin.settings_sheet import SHEET, Settings, parse_settings
from xl_kpi.base.errors import (
    ExistingOutputError,
    InputFileError,
    KpiError,
    OptionError,
    internal_error_message,
    os_error_message,
)
from xl_kpi.base.files import atomic_path, check_replaceable, is_backup
from xl_kpi.base.findings import Finding
from xl_kpi.base.opener import checked
from xl_kpi.excel.tables import cell_text, write_table

ISSUES_SHEET = "问题"
SUMMARY_SHEET = "汇总"
DATA_SHEET = "数据"
ANNUAL_SHEET = "年度汇总"
ISSUE_HEADERS = ["时间", "操作", "类别", "地点", "工号", "问题"]  # 地点: file, sheet and cell or row


class HrBook(Protocol):
    """The calling workbook, as the entry points need it."""

    folder: Path

    def read(self, sheet: str) -> list[list[Any]] | None: ...  # None: no such sheet

    def write(self, sheet: str, rows: list[list[Any]]) -> None: ...  # replaces the sheet's content

    def status(self, text: str | None) -> None: ...  # None clears the status bar

    def tell(self, text: str) -> None: ...  # the closing message

    def done(self) -> None: ...


# --------------------------------------------------------------------------- the two workbooks


def _plain(value: Any) -> Any:
    """A value Excel can hold: Decimals become numbers (the files written keep them exact)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class ExcelBook:
    """The workbook open in Excel, through xlwings."""

    def __init__(self, book: Any) -> None:
        self.book = book
        full = Path(book.fullname)
        if not full.is_absolute() or not full.parent.exists():
            raise KpiError("请先把本工作簿保存到文件夹中: 设置中的相对路径以工作簿所在文件夹为准")
        self.folder = full.parent
        self.messages: list[str] = []

    def _sheet(self, name: str) -> Any | None:
        for sheet in self.book.sheets:
            if sheet.name == name:
                return sheet
        return None

    def read(self, sheet: str) -> list[list[Any]] | None:
        found = self._sheet(sheet)
        if found is None:
            return None
        values = found.used_range.options(ndim=2).value
        return [list(row) for row in values or []]

    def write(self, sheet: str, rows: list[list[Any]]) -> None:
        found = self._sheet(sheet)
        if found is None:
            found = self.book.sheets.add(sheet, after=self.book.sheets[self.book.sheets.count - 1])
        else:
            found.clear_contents()
        if rows:
            width = max(len(r) for r in rows)
            found.range("A1").value = [[_plain(v) for v in r] + [None] * (width - len(r)) for r in rows]
            found.range("1:1").font.bold = True
            found.autofit("c")

    def status(self, text: str | None) -> None:
        self.book.app.status_bar = text if text else False

    def tell(self, text: str) -> None:
        self.messages.append(text)
        self.book.app.alert(text, title="xl-kpi")

    def done(self) -> None:
        self.status(None)


class FileBook:
    """A workbook on disk, through openpyxl; saved (atomically) by done()."""

    def __init__(self, path: str | Path) -> None:
        from openpyxl import load_workbook

        self.path = Path(path)
        if not self.path.exists():
            raise KpiError(f"找不到工作簿 {self.path}")
        check_replaceable(self.path)  # open in Excel/WPS/LibreOffice: stop before any work, as the README says
        self.folder = self.path.resolve().parent
        self.macros = self.path.suffix.lower() == ".xlsm"
        try:
            checked(self.path)  # the guarded door first: a damaged or foreign file is said, not a traceback
            self.book = load_workbook(self.path, keep_vba=self.macros)
        except InputFileError as exc:
            raise KpiError(f"HR 工作簿打不开: {exc}") from None
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:  # openpyxl on a part it cannot read
            raise KpiError(f"HR 工作簿 {self.path.name} 打不开 (不是完好的 Excel 工作簿: {type(exc).__name__}); "
                           "请用 Excel 打开并另存为 .xlsm 后再试") from None
        self.messages: list[str] = []
        self.statuses: list[str] = []
        self.changed = False

    def read(self, sheet: str) -> list[list[Any]] | None:
        if sheet not in self.book.sheetnames:
            return None
        return [list(row) for row in self.book[sheet].iter_rows(values_only=True)]

    def write(self, sheet: str, rows: list[list[Any]]) -> None:
        if sheet in self.book.sheetnames:
            ws = self.book[sheet]
            ws.delete_rows(1, ws.max_row)
        else:
            ws = self.book.create_sheet(sheet)
        for row in rows:
            ws.append([_plain(v) for v in row])
        self.changed = True

    def status(self, text: str | None) -> None:
        if text:
            self.statuses.append(text)

    def tell(self, text: str) -> None:
        self.messages.append(text)

    def done(self) -> None:
        if not self.changed:
            return
        from xl_kpi.addin.build import UI_PART, package_macros

        with atomic_path(self.path) as tmp:
            self.book.save(tmp)
            if self.macros:  # openpyxl keeps the VBA project and the ribbon part, not its relationship
                with zipfile.ZipFile(self.path) as original:
                    ribbon = original.read(UI_PART) if UI_PART in original.namelist() else None
                data = package_macros(tmp.read_bytes(), self.path, vba_project=None, ribbon=ribbon)
                tmp.write_bytes(data)


# --------------------------------------------------------------------------- plumbing


def _caller() -> HrBook:
    import xlwings as xw

    return ExcelBook(xw.Book.caller())


Work = Callable[[HrBook, Settings], tuple[str, list[Finding]]]  # -> (summary, its problems, notices and notes)


@dataclass
class Outcome:
    """How one button's run went: its closing message, the problems it listed (counted, as the command
    counts them), the notices (said, never counted), and whether it stopped before doing its work."""

    message: str
    problems: list[Finding] = field(default_factory=list)
    notices: list[Finding] = field(default_factory=list)
    stopped: bool = False

    @property
    def exit_code(self) -> int:
        """The command's exit status for the same inputs: 2 stopped, 1 problems listed, 0 otherwise."""
        return 2 if self.stopped else 1 if self.problems else 0


def _issue_rows(action: str, findings: list[Finding], before: list[list[Any]] | None = None) -> list[list[Any]]:
    """The 问题 sheet after a run of ``action``: the rows other buttons wrote are kept (one button never wipes
    another's list); this button's earlier rows are replaced by its new ones, each with the time of the run and
    its 类别 (问题, 提示, 说明: a notice is never read as a problem)."""
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    kept = [list(r) for r in (before or [])[1:]
            if len(r) > 1 and r[1] not in (None, "", action) and any(v not in (None, "") for v in r)]
    return [ISSUE_HEADERS] + kept + [[stamp, action, *f.columns(ISSUE_HEADERS[2:])] for f in findings]


def _counted(problems: list[Finding], notices: list[Finding]) -> str:
    said = [f"有 {len(problems)} 个问题"] if problems else []
    if notices:
        said.append(f"{'另有' if problems else '有'} {len(notices)} 条提示 (不是问题)")
    return f"\n{', '.join(said)}, 见「{ISSUES_SHEET}」工作表." if said else ""


def _stopped(book: HrBook, action: str, text: str) -> Outcome:
    stop = Finding(message=text, kind="stopped")
    book.write(ISSUES_SHEET, _issue_rows(action, [stop], book.read(ISSUES_SHEET)))
    return Outcome(f"{action}未完成:\n{text}", [stop], stopped=True)


def perform(action: str, work: Work, book: HrBook | None = None) -> Outcome:
    """Run one button's work on the book; write its problems and notices to 问题; say how it went."""
    book = book or _caller()
    try:
        book.status(f"{action}: 读取设置")
        rows = book.read(SHEET)
        if rows is None:
            raise KpiError(f"本工作簿没有「{SHEET}」工作表; 请用 xl-kpi addin build 生成的 KPI考核.xlsm, 或照其格式添加")
        settings = parse_settings(rows, book.folder)
        summary, findings = work(book, settings)
        problems = [f for f in findings if f.is_problem]
        notices = [f for f in findings if not f.is_problem]
        book.write(ISSUES_SHEET, _issue_rows(action, problems + notices, book.read(ISSUES_SHEET)))
        outcome = Outcome(summary + _counted(problems, notices), problems, notices)
    except KpiError as exc:
        outcome = _stopped(book, action, str(exc))
    except OSError as exc:  # a full disk, a file locked or gone underneath us: said as the command says it
        outcome = _stopped(book, action, os_error_message(exc))
    except Exception as exc:  # noqa: BLE001 - a defect of ours: one line in the message box, the details in a file
        outcome = _stopped(book, action, internal_error_message(exc))
    finally:
        book.status(None)
    book.tell(outcome.message)
    book.done()
    return outcome


def _progress(book: HrBook, label: str) -> Callable[..., None]:
    def update(done: int, total: int, *_: object) -> None:
        book.status(f"{label} {done}/{total}")

    return update


def _roster_file(book: HrBook, settings: Settings, tmp: Path) -> Path:
    """The roster as a file: a path in the settings, or the workbook's own 花名册 sheet."""
    rows = book.read(settings.roster)
    if rows is None:
        path = settings.path("roster")
        if not path.exists():
            raise KpiError(f"{settings.where('roster')}: 花名册「{settings.roster}」既不是本工作簿的工作表, 也不是存在的文件")
        return path
    rows = [r for r in rows if any(cell_text(v) for v in r)]
    if len(rows) < 2:
        raise KpiError(f"工作表「{settings.roster}」中没有员工: 第一行为表头 (工号、姓名、部门、岗位、直属主管), 其下每行一人")
    headers = [cell_text(v) for v in rows[0]]
    body = [[cell_text(v) if isinstance(v, float) else v for v in r] for r in rows[1:]]
    path = tmp / f"{settings.roster}.xlsx"
    write_table(path, headers, body, sheet=settings.roster)
    return path


def _in_cell(exc: OptionError, settings: Settings, rows: dict[str, str], hint: str = "") -> KpiError:
    """An action's option refused, said at the 设置 cell it came from (``rows``: option -> Settings attr, for
    the options whose row is named otherwise), with what to do about it when the button knows."""
    attr = rows.get(exc.option, exc.option)
    text = f"{settings.where(attr)}: {exc}" if attr in settings.cells else str(exc)
    return KpiError(f"{text}; {hint}" if hint else text)


def _summary_path(settings: Settings) -> Path:
    return settings.path("summary_dir") / f"汇总-{settings.need_period()}.xlsx"


# --------------------------------------------------------------------------- the buttons


def _generate(book: HrBook, settings: Settings) -> tuple[str, list[Finding]]:
    """生成考核表: the action of `xl-kpi generate`, with the 设置 sheet's values for its options."""
    from xl_kpi.schemes.scheme import get_scheme_with_text
    from xl_kpi.workflow.actions import GenerateSheets, few, generate_sheets

    period = settings.need_period()
    scheme, text = get_scheme_with_text(str(_scheme_ref(settings)))
    data = settings.path("data") if settings.data else None
    data = data if data and data.exists() else None  # the 客观数据文件 pre-fills once 导入数据 has written it
    out_dir = settings.path("sheets_dir")
    with tempfile.TemporaryDirectory(prefix="xlkpi-roster-") as tmp:
        roster = _roster_file(book, settings, Path(tmp))
        options = GenerateSheets(scheme, text, roster, period, out_dir, data=data,
                                 split=settings.split, formulas=settings.formulas, lang=settings.lang,
                                 password=settings.password or None, peer=settings.flag("peer"),
                                 overwrite=settings.flag("overwrite"))
        try:
            result = generate_sheets(options, progress=_progress(book, "生成考核表"))
        except OptionError as exc:
            raise _in_cell(exc, settings, {"output": "sheets_dir"}) from None
        except ExistingOutputError as exc:
            raise KpiError(f"{settings.where('sheets_dir')}: {out_dir} 中已有 {few(exc.paths)}, 可能已由主管填写; 为免覆盖, "
                           "未生成任何考核表。请在设置中换一个考核表文件夹, 或把这些文件移走, 或把「覆盖已有考核表」"
                           f"({settings.where('overwrite')}) 改为 是 (原文件保留为 ….备份.xlsx), 再点「生成考核表」") from None
    prefilled = f", 已从 {data.name} 预填客观数据" if data else ""
    peers = f"; 另有 {len(result.peer_files)} 份互评表" if settings.flag("peer") else ""
    kept = (f"; 原有的 {len(result.backups)} 个同名工作簿已备份为 ….备份.xlsx (如 {result.backups[0].name})"
            if result.backups else "")
    # the workbook's own 花名册 sheet was read from a copy: its findings name the sheet, not the copy
    own = {roster.name} if roster.parent == Path(tmp) else set()
    return (f"已为 {result.people} 人生成 {len(result.files)} 个工作簿{prefilled}, 位于 {out_dir}{peers}{kept}",
            [replace(f, file="") if f.file in own else f for f in [*result.problems, *result.notices]])


def _import_data(book: HrBook, settings: Settings) -> tuple[str, list[Finding]]:
    """导入数据: the action of `xl-kpi metrics --roster`, with the 设置 sheet's values for its options."""
    from xl_kpi.excel.tables import read_table
    from xl_kpi.workflow.actions import ImportData, import_data, ticket_files

    period = settings.need_period()
    sources = settings.paths("tickets")
    if not sources:
        raise KpiError(f"{settings.where('tickets')}: 请填写工单导出文件或文件夹")
    try:
        files = ticket_files(sources)
    except KpiError as exc:
        raise KpiError(f"{settings.where('tickets')}: {exc}") from None
    output = settings.path("data")
    if output.suffix.lower() != ".xlsx":
        raise KpiError(f"{settings.where('data')}: 客观数据文件应为 .xlsx (数据表之外还有「问题」表), 收到 {output.name}")
    mapping = settings.optional_path("mapping")
    if mapping is not None and not mapping.is_file():
        raise KpiError(f"{settings.where('mapping')}: 找不到列名映射文件 {mapping}")
    book.status(f"导入数据: 读取 {len(files)} 个文件")
    with tempfile.TemporaryDirectory(prefix="xlkpi-roster-") as tmp:
        options = ImportData(
            tickets=tuple(files), period=period, output=output, roster=_roster_file(book, settings, Path(tmp)),
            mapping=mapping, median=settings.median == "是", hours=settings.hours or None,
            workdays=settings.workdays or None, peak=settings.peak or None,
            fcr_days=settings.whole_number("fcr_days", 0, 366),
            satisfaction_scale=int(settings.satisfaction_scale) if settings.satisfaction_scale else None,
            encoding=settings.encoding)
        done = import_data(options, progress=lambda text: book.status(f"导入数据: {text}"))
    result = done.result
    table = read_table(output, DATA_SHEET)
    book.write(DATA_SHEET, [table.headers] + table.rows)
    issues = list(result.notices)
    if result.problem_count:  # the tickets' problems, as the data file's 问题 sheet holds them (文件, 行, 问题, 说明)
        for row in read_table(output, "问题").rows:
            line = cell_text(row[1]) if len(row) > 1 else ""
            issues.append(Finding(cell_text(row[0]), row=int(line) if line.isdigit() else None,
                                  subject="" if line.isdigit() else line,
                                  message=" ".join(cell_text(v) for v in row[2:] if cell_text(v))))
    return (f"已由 {len(files)} 个文件计算 {len(table.rows)} 位客服的客观指标, 写入 {output} 和「{DATA_SHEET}」工作表"
            + (f" (原数据文件已备份为 {done.backup.name})" if done.backup else ""), issues)


def _consolidate(book: HrBook, settings: Settings) -> tuple[str, list[Finding]]:
    """一键汇总: the action of `xl-kpi consolidate`, on the 回收文件夹 for the 考核期间."""
    from xl_kpi.schemes.scheme import get_scheme
    from xl_kpi.workflow.actions import ConsolidateMonth, consolidate_month
    from xl_kpi.workflow.summary import person_row, summary_headers

    folder = settings.path("returned_dir")
    if not folder.is_dir():
        raise KpiError(f"{settings.where('returned_dir')}: 回收文件夹 {folder} 不存在; 请把交回的考核表放进去")
    output = _summary_path(settings)
    scheme = get_scheme(str(_scheme_ref(settings))) if settings.flag("consolidate_scheme") else None
    done = consolidate_month(ConsolidateMonth((folder,), output, scheme=scheme, period=settings.need_period()),
                             progress=_progress(book, "一键汇总"))
    result, kept = done.result, done.backup
    heads = summary_headers(result)
    book.write(SUMMARY_SHEET, [heads] + [person_row(p, heads, result.period) for p in result.people])
    scored = sum(1 for p in result.people if p.score.total is not None)
    return (f"读取 {result.files_read} 个文件, {len(result.people)} 人, {scored} 人得出总分; 汇总已写入 {output}"
            + (f" (原汇总已备份为 {kept.name})" if kept else "") + f", 总览见「{SUMMARY_SHEET}」工作表", result.issues)


def _annual(book: HrBook, settings: Settings) -> tuple[str, list[Finding]]:
    """年度汇总: the action of `xl-kpi annual`, on the monthly summaries of the 汇总文件夹, by the 考核方案."""
    from xl_kpi.schemes.scheme import get_scheme
    from xl_kpi.workflow.actions import AnnualRollUp, annual_roll_up
    from xl_kpi.workflow.annual_book import annual_headers, annual_row

    folder = settings.path("summary_dir")
    inputs = sorted(p for p in folder.glob("汇总-*.xlsx") if not is_backup(p)) if folder.is_dir() else []
    if not inputs:
        raise KpiError(f"{settings.where('summary_dir')}: {folder} 中没有月度汇总 (汇总-YYYY-MM.xlsx); 请先「一键汇总」")
    year = settings.need_period()[:4]
    output = folder / f"年度汇总-{year}.xlsx"
    book.status(f"年度汇总: 读取 {len(inputs)} 个月度汇总")
    done = annual_roll_up(AnnualRollUp(tuple(inputs), output, by=settings.by, missing=settings.missing,
                                       scheme=get_scheme(str(_scheme_ref(settings)))))
    result, backup = done.result, done.backup
    heads = annual_headers(result)
    book.write(ANNUAL_SHEET, [heads] + [annual_row(p, heads, result) for p in result.people])
    return (f"{len(inputs)} 个月度汇总, 期间 {', '.join(result.periods)}; 已写入 {output}"
            + (f" (原年度汇总已备份为 {backup.name})" if backup else "") + f", 见「{ANNUAL_SHEET}」工作表",
            [*result.issues, *result.notes])  # notes: as `xl-kpi annual` says them, not problems of the input


def _feedback(book: HrBook, settings: Settings) -> tuple[str, list[Finding]]:
    """生成面谈表: the action of `xl-kpi feedback`, on this period's summary, in the workbook's 方案 and 语言."""
    from xl_kpi.schemes.scheme import get_scheme
    from xl_kpi.workflow.actions import WriteFeedback, write_feedback_forms

    summary = _summary_path(settings)
    out_dir = settings.path("feedback_dir")
    book.status("生成面谈表")
    try:
        result = write_feedback_forms(WriteFeedback(summary, out_dir, scheme=get_scheme(str(_scheme_ref(settings))),
                                                    lang=settings.lang))
    except OptionError as exc:  # no summary yet: the button that makes it is named
        raise _in_cell(exc, settings, {"summary": "summary_dir", "output": "feedback_dir"},
                       "请先「一键汇总」" if exc.option == "summary" else "") from None
    kept = (f"; 文件夹中原有的 {len(result.backups)} 个同名文件已先备份: " + "、".join(p.name for p in result.backups)
            if result.backups else "")
    return (f"已为 {len(result.forms)} 人生成面谈反馈表, 位于 {out_dir} (全部.html 可一次打印){kept}",
            result.problems)


def _check(book: HrBook, settings: Settings) -> tuple[str, list[Finding]]:
    from xl_kpi.schemes.scheme import get_scheme_with_text

    scheme, _ = get_scheme_with_text(str(_scheme_ref(settings)))
    issues: list[Finding] = []
    try:
        settings.need_period()
    except KpiError as exc:
        issues.append(_setting(settings, "period", str(exc)))
    if book.read(settings.roster) is None and not settings.path("roster").exists():
        issues.append(_setting(settings, "roster", f"花名册「{settings.roster}」既不是本工作簿的工作表, 也不是存在的文件"))
    weights = sum((ind.weight for ind in scheme.indicators), Decimal(0))
    return (f"方案「{scheme.name}」有效: {len(scheme.indicators)} 项指标, 权重合计 {weights}"
            + ("; 设置无误" if not issues else ""), issues)


def _setting(settings: Settings, attr: str, message: str) -> Finding:
    """A problem of a 设置 cell: sheet and cell as data (设置 B3)."""
    sheet, _, cell = settings.where(attr).partition("!")
    return Finding(sheet=sheet, cell=cell, message=message, kind="setting")


def _scheme_ref(settings: Settings) -> str | Path:
    """A scheme id as it is; a file named in the settings, relative to the workbook's folder."""
    ref = settings.scheme
    if any(ref.lower().endswith(ext) for ext in (".yaml", ".yml", ".xlsx", ".xlsm")):
        path = settings.path("scheme")
        if not path.exists():
            raise KpiError(f"{settings.where('scheme')}: 找不到方案文件 {path}")
        return path
    return ref


LABELS = {  # entry point -> its button; `xl-kpi addin run` accepts either
    "generate_sheets": "生成考核表",
    "import_data": "导入数据",
    "consolidate_month": "一键汇总",
    "annual_summary": "年度汇总",
    "feedback_forms": "生成面谈表",
    "check_rules": "校验规则",
}


def _buttons() -> dict[str, Work]:
    return {"generate_sheets": _generate, "import_data": _import_data, "consolidate_month": _consolidate,
            "annual_summary": _annual, "feedback_forms": _feedback, "check_rules": _check}


def run_button(name: str, book: HrBook | None = None) -> Outcome:
    """Run the button ``name`` (an entry point's name, a key of LABELS) on the book; how it went."""
    return perform(LABELS[name], _buttons()[name], book)


def generate_sheets(book: HrBook | None = None) -> str:
    """生成考核表: one assessment workbook per person (or department) into 考核表文件夹."""
    return run_button("generate_sheets", book).message


def import_data(book: HrBook | None = None) -> str:
    """导入数据: ticket exports -> the DATA file and the 数据 sheet."""
    return run_button("import_data", book).message


def consolidate_month(book: HrBook | None = None) -> str:
    """一键汇总: the returned sheets -> 汇总-<期间>.xlsx, the 汇总 and 问题 sheets."""
    return run_button("consolidate_month", book).message


def annual_summary(book: HrBook | None = None) -> str:
    """年度汇总: every monthly summary -> 年度汇总-<年>.xlsx and the 年度汇总 sheet."""
    return run_button("annual_summary", book).message


def feedback_forms(book: HrBook | None = None) -> str:
    """生成面谈表: this period's summary -> one feedback form per person."""
    return run_button("feedback_forms", book).message


def check_rules(book: HrBook | None = None) -> str:
    """校验规则: the settings and the scheme (an edited template's rules included)."""
    return run_button("check_rules", book).message
