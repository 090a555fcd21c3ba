"""What a user can do, one function per action, with typed options: the command line and the ribbon are
thin edges that map their flags (or the 设置 sheet's cells) to these options and render the result.

An option exists in both edges with the same default (tests/workflow/test_actions.py proves it for each action).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xl_kpi.base.errors import InputFileError, KpiError
from xl_kpi.base.files import is_backup, refuse_overwrite
from xl_kpi.base.months import is_period, month_from_name
from xl_kpi.tickets import compute_metrics, load_mapping, write_metrics
from xl_kpi.workflow.annual import run_annual
from xl_kpi.workflow.consolidate import consolidate
from xl_kpi.workflow.report import check_output, keep_output
from xl_kpi.workflow.summary import write_summary

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


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
    if options.period is not None and not is_period(options.period):
        raise KpiError(f"考核期间应写成 YYYY-MM (如 2026-10), 收到「{options.period}」")
    check_output(output)  # now, rather than after reading every file
    result = consolidate(list(options.inputs), scheme=options.scheme, progress=progress, exclude=[output],
                         period=options.period)
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
