"""What consolidate makes of the returned sheets: a result per person and the consolidation as a whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from xl_kpi.base.findings import Finding
from xl_kpi.base.numbers import plain
from xl_kpi.engine.score import PersonScore
from xl_kpi.excel.reader import PersonSheet
from xl_kpi.schemes.scheme import Scheme

PAY_INPUT_NAMES = {"bonus_base": "绩效奖金基数", "plan": "计划销售额", "actual": "实际销售额", "other": "其他"}


@dataclass
class PersonResult:
    file: Path
    sheet: str
    identity: dict[str, str]
    score: PersonScore
    pay: dict[str, Any]
    issues: list[Finding] = field(default_factory=list)
    rank: int | None = None
    period: str = ""  # from the workbook's meta
    department: str = ""  # from the workbook's meta, else the sheet's 部门
    supervisor_score: PersonScore | None = None  # before peer ratings were combined in (None: no peer ratings)
    peer_ratings: dict[str, list[Decimal]] = field(default_factory=dict)  # indicator id -> peers' points
    source: PersonSheet | None = field(default=None, repr=False, compare=False)
    shown_file: str = ""  # how the summary and the issues name the file (see shown_names); "" -> its name


@dataclass
class Consolidation:
    scheme: Scheme | None
    people: list[PersonResult] = field(default_factory=list)
    issues: list[Finding] = field(default_factory=list)
    files_read: int = 0
    files_failed: int = 0
    files: list[Path] = field(default_factory=list)  # every input file found, read or not
    period: str = ""  # the period consolidated (YYYY-MM); workbooks of other periods are left out


def as_cell(value: Any) -> Any:
    return plain(value) if isinstance(value, Decimal) else value
