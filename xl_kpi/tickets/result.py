"""What a run of `xl-kpi metrics` gives: the DATA table (a row of indicator inputs per agent), the rows
reported, and a tally per file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xl_kpi.base.findings import Finding

# DATA columns: the cs-quant / cs-smart inputs first, then counts for information
COL_ID, COL_NAME, COL_DEPT = "工号", "姓名", "部门"
COL_COMPLAINT = "客户投诉率"
COL_RESPONSE = "平均响应时间"
COL_RESOLUTION = "问题解决率"
COL_SATISFACTION = "客户满意度"
COL_FCR = "首次解决率"
COL_ATTITUDE = "服务态度"
COL_PEAK = "高峰期平均响应时间"
COL_JUDGED = "有解决状态的问题数"  # only when some file has no 是否解决 column: the rates' denominator
COL_KNOWN_CUSTOMERS = "有投诉标记的客户数"  # only when some file has no 是否投诉 column: the complaint rate's denominator
DATA_COLUMNS_OF = {  # the DATA columns a ticket field gives (missing when no file has the field)
    "complaint": (COL_COMPLAINT,), "first_reply": (COL_RESPONSE, COL_PEAK), "resolved": (COL_RESOLUTION, COL_FCR),
    "satisfaction": (COL_SATISFACTION,),
}
PERCENT_COLUMNS = {COL_COMPLAINT, COL_RESOLUTION, COL_FCR}
MINUTE_COLUMNS = {COL_RESPONSE, COL_PEAK}


@dataclass
class FileStats:
    name: str  # the file, or "file 工作表「sheet」" when the file's tickets are on several sheets (``Source.name``)
    rows: int = 0  # non-blank data rows
    blank: int = 0
    outside: int = 0  # created outside the period (not counted, not a problem)
    counted: int = 0
    problems: int = 0
    sheet_of: str | None = None  # the file's path, when these are the rows of one of its several sheets


@dataclass
class MetricsResult:
    period: str
    headers: list[str]
    rows: list[list[Any]]
    problems: Any  # polars.DataFrame: 文件, 行, 问题, 说明 (in file and row order)
    kind_counts: dict[str, int]
    files: list[FileStats]
    notices: list[Finding] = field(default_factory=list)  # how files were read, what to check
    settings: list[tuple[str, str]] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)  # the files read (ticket exports, roster): never written

    @property
    def problem_count(self) -> int:
        return self.problems.height

    @property
    def file_count(self) -> int:
        """Files read (a workbook whose tickets are on several sheets is one file, with a FileStats per sheet)."""
        return sum(1 for f in self.files if f.sheet_of is None) + len({f.sheet_of for f in self.files if f.sheet_of})

    @property
    def rows_read(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def counted(self) -> int:
        return sum(f.counted for f in self.files)

    @property
    def outside(self) -> int:
        return sum(f.outside for f in self.files)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.headers, row)) for row in self.rows]

    def problem_lines(self, limit: int | None = None) -> list[str]:
        frame = self.problems if limit is None else self.problems.head(limit)
        return [f"{f} 第{r}行: {m}" for f, r, _, m in frame.iter_rows()]

    def summary(self, output: str | Path | None = None) -> str:
        several = sum(1 for f in self.files if f.sheet_of is not None)
        sheets = f" (含 {several} 个工作表)" if several else ""
        text = (
            f"读取 {self.file_count} 个文件{sheets} {self.rows_read} 行: {self.counted} 行计入, "
            f"{self.problem_count} 行有问题"
        )
        if self.outside:
            text += f", {self.outside} 行不在 {self.period}"
        if self.kind_counts:
            text += " (" + ", ".join(f"{k} {v}" for k, v in self.kind_counts.items()) + ")"
        text += f"; 数据表 {len(self.rows)} 人"
        if output is not None:
            text += f", 已写入 {output}"
        return text
