"""The month on sample data: roster -> generated sheets -> filled as supervisors would -> summary.

`xl-kpi demo` runs this so that a newcomer sees the whole product work in one
command, on data shipped inside the package.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from xl_kpi.excel.fill import fill_workbook
from xl_kpi.excel.tables import read_table
from xl_kpi.schemes.scheme import get_scheme_with_text
from xl_kpi.workflow.consolidate import consolidate
from xl_kpi.workflow.generate import GenerateResult, generate
from xl_kpi.workflow.results import Consolidation
from xl_kpi.workflow.summary import write_summary

PERIOD = "2026-10"


@dataclass
class DemoRun:
    roster: Path
    data: Path
    sheets: GenerateResult
    summary: Path
    result: Consolidation


def sample(name: str, out: Path) -> Path:
    """Copy an embedded sample file into `out` and return the copy."""
    target = out / name
    with resources.as_file(resources.files("xl_kpi") / "samples" / name) as src:
        shutil.copyfile(src, target)
    return target


def run_demo(out_dir: str | Path) -> DemoRun:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    roster = sample("roster.csv", out)
    data = sample("cs-quant-data.csv", out)
    ratings = sample("cs-quant-ratings.csv", out)
    scheme, text = get_scheme_with_text("cs-quant")
    sheets_dir = out / "考核表"
    # a second demo run replaces the first (kept as …备份.xlsx, which consolidate leaves out)
    sheets = generate(scheme, text, roster, PERIOD, sheets_dir, data=data, overwrite=True)
    # the supervisors' part: rubric points typed into each person's sheet
    table = read_table(ratings)
    by_person: dict[str, dict] = {}
    for row in table.rows:
        values = dict(zip(table.headers, row))
        emp = str(values.pop("工号"))
        by_person[emp] = {
            (ind.id, ind.inputs[0].id, ""): _typed(values[ind.name])
            for ind in scheme.indicators if ind.name in values
        }
    for path in sheets.files:
        fill_workbook(path, path, by_person)
    summary = out / f"{PERIOD}-汇总.xlsx"
    result = consolidate([sheets_dir])
    write_summary(result, summary)
    return DemoRun(roster, data, sheets, summary, result)


def _typed(value: object) -> object:
    """What a supervisor types: a number where it is one, else the text as typed."""
    try:
        number = float(str(value))
    except ValueError:
        return value
    return int(number) if number.is_integer() else number
