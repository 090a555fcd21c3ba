"""What a user can do, one function per action, with typed options: the command line and the ribbon are
thin edges that map their flags (or the 设置 sheet's cells) to these options and render the result.

An option exists in both edges with the same default (tests/workflow/test_actions.py proves it for each action).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xl_kpi.base.errors import InputFileError, KpiError, OptionError
from xl_kpi.base.files import is_backup, refuse_overwrite
from xl_kpi.base.months import month_from_name, need_period
from xl_kpi.tickets import compute_metrics, load_mapping, write_metrics
from xl_kpi.workflow.annual import run_annual
from xl_kpi.workflow.consolidate import consolidate
from xl_kpi.workflow.feedback import FeedbackResult, write_feedback
from xl_kpi.workflow.generate import GenerateResult, generate
from xl_kpi.workflow.report import check_output, keep_output
from xl_kpi.workflow.summary import write_summary

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def _period(period: str) -> str:
    try:
        return need_period(period)
    except KpiError as exc:
        raise OptionError("period", str(exc)) from None


def _folder(path: Path, what: str) -> Path:
    """An output folder: it may not exist yet, but it may not be a file."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OptionError("output", f"{what}应为文件夹, {path} 却是一个文件")
    return path


def _choice(options: Any, name: str, what: str, choices: tuple[Any, ...]) -> None:
    value = getattr(options, name)
    if value not in choices:
        said = " / ".join("空" if c is None else str(c) for c in choices)
        raise OptionError(name, f"{what}应为 {said} 之一, 收到「{value}」")


def few(paths: list[Path]) -> str:
    """Up to three file names, and how many there are in all: 「a.xlsx、b.xlsx、c.xlsx 等 5 个」."""
    return "、".join(Path(p).name for p in paths[:3]) + (f" 等 {len(paths)} 个" if len(paths) > 3 else "")


# --------------------------------------------------------------------------- 生成考核表 / xl-kpi generate


@dataclass(frozen=True)
class GenerateSheets:
    """The roster -> one assessment sheet per person, in a workbook per department (or per person)."""

    scheme: Any  # the Scheme the sheets are scored by
    scheme_text: str  # its YAML, written into each workbook's 规则 sheet (consolidate scores by it)
    roster: Path  # 工号、姓名、部门、岗位、直属主管 (.xlsx/.csv)
    period: str  # YYYY-MM
    output: Path  # the folder the workbooks go to (made when missing)
    data: Path | None = None  # objective figures to pre-fill (the DATA file of 导入数据, or a table like score's input)
    split: str = "department"  # department: a workbook per department / person: a workbook per person
    formulas: str = "native"  # native: plain Excel formulas / udf: =KPI_*() (needs the add-in)
    lang: str = "zh-Hans"  # labels in 简体 (zh-Hans) or 繁體 (zh-Hant)
    password: str | None = None  # sheet protection password (None: protected without one)
    peer: bool = False  # also a teamwork peer-review workbook per reviewer (互评-期间-部门-工号-姓名.xlsx)
    overwrite: bool = False  # replace workbooks already in the folder, keeping each as ….备份.xlsx (else: stop)


def generate_sheets(options: GenerateSheets, progress: Callable[[int, int], None] | None = None) -> GenerateResult:
    """Write the sheets; ExistingOutputError (naming the workbooks, ``paths``) when some are already there and
    ``overwrite`` is off: nothing is written then, since a supervisor may have filled them in."""

    period = _period(options.period)
    output = _folder(options.output, "考核表的输出")
    _choice(options, "split", "拆分方式", ("department", "person"))
    _choice(options, "formulas", "公式", ("native", "udf"))
    _choice(options, "lang", "语言", ("zh-Hans", "zh-Hant"))
    return generate(options.scheme, options.scheme_text, options.roster, period, output, data=options.data,
                    split=options.split, mode=options.formulas, lang=options.lang, password=options.password or None,
                    progress=progress, peer=options.peer, overwrite=options.overwrite)


# --------------------------------------------------------------------------- 生成面谈表 / xl-kpi feedback


@dataclass(frozen=True)
class WriteFeedback:
    """A month's summary -> a feedback form per person: printable HTML (A4, a page each) and a workbook."""

    summary: Path  # the monthly summary (汇总-YYYY-MM.xlsx, as 一键汇总 / consolidate wrote it)
    output: Path  # the folder the forms go to (made when missing; files replaced are kept as ….备份)
    scheme: Any = None  # a Scheme (None: the built-in scheme known from the summary's indicator columns)
    lang: str | None = None  # zh-Hans / zh-Hant (None: the summary's own: 繁體 headers give 繁體 forms)


def write_feedback_forms(options: WriteFeedback) -> FeedbackResult:

    summary = Path(options.summary)
    if not summary.is_file():
        raise OptionError("summary", f"找不到月度汇总 {summary}")
    _choice(options, "lang", "语言", (None, "zh-Hans", "zh-Hant"))
    output = _folder(options.output, "面谈表的输出")
    return write_feedback(summary, output, scheme=options.scheme, lang=options.lang)


# --------------------------------------------------------------------------- 导入数据 / xl-kpi metrics


@dataclass(frozen=True)
class ImportData:
    """Ticket exports -> the month's DATA file (客户投诉率, 平均响应时间 … per agent)."""

    tickets: tuple[Path, ...]
    period: str  # YYYY-MM, by the tickets' creation time
    output: Path  # the DATA workbook (.xlsx): the figures and a 问题 sheet
    roster: Path | None = None  # agents may be written by 工号 or 姓名; others are problems
    mapping: Path | None = None  # a column map (.yaml) for exports whose headers are not recognised
    median: bool = False  # 平均响应时间 as the median
    hours: str | None = None  # working hours only, 09:00-18:00
    workdays: str | None = None  # 1-5 (Monday = 1), with hours
    peak: str | None = None  # 2026-11-11..2026-11-12: 高峰期响应时间
    fcr_days: int = 7  # first-contact resolution: no new contact within this many days
    satisfaction_scale: int | None = None  # the export's satisfaction full mark (5: ×20); never guessed
    encoding: str = "auto"  # of CSV files: auto, utf-8, gb18030, big5
    sheet: str | None = None  # the sheet of an .xlsx export (default: every sheet with a recognised header)


@dataclass
class ImportedData:
    result: Any  # tickets.MetricsResult
    output: Path
    backup: Path | None  # the DATA file replaced, kept as ….备份.xlsx


def ticket_files(sources: list[Path]) -> list[Path]:
    """The export files named, a folder standing for its .csv/.xlsx files (lock files and backups left out)."""

    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            files += sorted(p for p in source.iterdir() if p.suffix.lower() in (".csv", ".xlsx")
                            and not p.name.startswith(("~$", ".~lock")) and not is_backup(p))
        elif source.exists():
            files.append(source)
        else:
            raise InputFileError(f"找不到工单导出 {source}")
    if not files:
        raise InputFileError(f"{'、'.join(map(str, sources))} 中没有 .csv 或 .xlsx 文件")
    return files


def import_data(options: ImportData, progress: Progress = _quiet) -> ImportedData:

    output = Path(options.output)
    refuse_overwrite(output, [*options.tickets, *([options.roster] if options.roster else [])], "数据文件")
    if output.suffix.lower() != ".xlsx":
        raise KpiError(f"输出文件应为 .xlsx (数据表之外还有「问题」表), 收到 {output.name}")
    if options.satisfaction_scale not in (None, 1, 5, 10, 100):
        raise KpiError(f"满意度满分应为 1、5、10 或 100, 收到 {options.satisfaction_scale}")
    check_output(output)  # now, rather than after reading every ticket: a data file open in Excel/WPS stops here
    mapping: Any = options.mapping
    if options.encoding.lower() != "auto" or options.sheet is not None:  # how to open the files travels with the mapping
        mapping = load_mapping(options.mapping)
        mapping.encoding, mapping.sheet = options.encoding.lower(), options.sheet
    result = compute_metrics(
        [str(t) for t in options.tickets], options.period, mapping=mapping,
        roster=str(options.roster) if options.roster else None, median=options.median, hours=options.hours,
        workdays=options.workdays, peak=options.peak, fcr_days=options.fcr_days,
        satisfaction_scale=options.satisfaction_scale, progress=progress, output=output,
    )
    progress(f"写入 {output.name}")
    backup = keep_output(output)  # the data file replaced is kept as ….备份.xlsx
    write_metrics(result, output)
    return ImportedData(result, output, backup)


# --------------------------------------------------------------------------- 一键汇总 / xl-kpi consolidate


@dataclass(frozen=True)
class ConsolidateMonth:
    """Returned sheets -> the month's summary (公司总览, a sheet per department, 问题)."""

    inputs: tuple[Path, ...]  # folders (read recursively) or files
    output: Path  # the summary (.xlsx)
    scheme: Any = None  # a Scheme to score by (None: each file's own 规则 sheet)
    period: str | None = None  # only this YYYY-MM (None: the period most files were generated for)


@dataclass
class Consolidated:
    result: Any  # consolidate.Consolidation
    output: Path
    backup: Path | None  # the summary replaced, kept as ….备份.xlsx
    notes: list[str]  # said to the user, not problems (a file name naming another month)


def consolidate_month(options: ConsolidateMonth, progress: Callable[..., None] | None = None) -> Consolidated:

    output = Path(options.output)
    if output.suffix.lower() != ".xlsx":
        raise KpiError(f"汇总文件应为 .xlsx, 收到 {output}")
    if options.period is not None:
        _period(options.period)
    check_output(output)  # now, rather than after reading every file
    result = consolidate(list(options.inputs), scheme=options.scheme, progress=progress, exclude=[output],
                         period=options.period)
    if not result.people:  # every file left out: an empty summary must not replace the last one
        said = [f.line() for f in result.issues if f.is_problem]
        more = f"\n… 另有 {len(said) - 5} 条" if len(said) > 5 else ""
        raise InputFileError(f"{len(result.files)} 个文件中没有一个计入汇总, 未写入汇总:\n" + "\n".join(said[:5]) + more)
    backup = write_summary(result, output)  # checks again: Excel may have opened the summary meanwhile
    notes = []
    named = month_from_name(output)
    if named and result.period and named != result.period:
        notes.append(f"文件名 {output.name} 中的月份是 {named}, 汇总的却是 {result.period} 的考核表; 汇总表的「期间」列"
                     f"写的是 {result.period} (年度汇总按它计), 建议改文件名")
    return Consolidated(result, output, backup, notes)


# --------------------------------------------------------------------------- 年度汇总 / xl-kpi annual


@dataclass(frozen=True)
class AnnualRollUp:
    """Monthly summaries (or tables of 工号/期间/总分, and of 实际销售额) -> the year's (or quarters') workbook."""

    inputs: tuple[Path, ...]
    output: Path
    by: str = "year"  # year / quarter
    missing: str = "skip"  # a month without a total: skip / zero / fail
    scheme: Any = None  # whose document's decisions (None: known from the summaries' indicator columns)


@dataclass
class RolledUp:
    result: Any  # months.Annual
    output: Path
    backup: Path | None


def annual_roll_up(options: AnnualRollUp) -> RolledUp:

    backup = check_output(options.output)  # now, rather than after reading every summary; run_annual keeps it
    result = run_annual(list(options.inputs), options.output, by=options.by, missing=options.missing,
                        scheme=options.scheme)
    return RolledUp(result, Path(options.output), backup)
