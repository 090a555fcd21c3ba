"""The command line and the ribbon are two edges over one action: the same options exist in both, with the
same defaults, and give the same result."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import click
from click.testing import CliRunner

from xl_kpi import ribbon
from xl_kpi.addin import build as addin
from xl_kpi.addin.settings_sheet import SETTINGS, sheet_rows
from xl_kpi.cli import main
from xl_kpi.excel.tables import read_table
from xl_kpi.workflow.actions import ImportData

SAMPLES = Path(__file__).resolve().parents[2] / "xl_kpi" / "samples"
# ImportData field -> (the metrics option, the 设置 row); fields the edges fill from elsewhere are left out
IMPORT_OPTIONS = {
    "mapping": ("--map", "列名映射文件"), "median": ("--median", "响应时间取中位数"), "hours": ("--hours", "工作时间"),
    "workdays": ("--workdays", "工作日"), "peak": ("--peak", "高峰期"), "fcr_days": ("--fcr-days", "首次解决天数"),
    "satisfaction_scale": ("--satisfaction-scale", "满意度满分"), "encoding": ("--encoding", "工单编码"),
}
EDGE_ONLY = {"tickets", "period", "output", "roster", "sheet"}  # arguments, 设置 rows of their own, or the workbook's sheet


def test_every_import_option_is_on_both_edges_with_the_same_default():
    fields = {f.name: f for f in dataclasses.fields(ImportData)}
    assert set(fields) == set(IMPORT_OPTIONS) | EDGE_ONLY
    command = main.commands["metrics"]
    flags = {opt: p for p in command.params for opt in p.opts}
    settings = {s.key: s for s in SETTINGS}
    for name, (flag, key) in IMPORT_OPTIONS.items():
        default = fields[name].default
        cli_default = flags[flag].default
        if cli_default is getattr(click.core, "UNSET", None):  # click 8.3: an option without default
            cli_default = None
        row = settings[key].default
        # the same default, as each edge writes it: None / "" (not given), False / 否, 7 / "7", auto
        assert (cli_default in (None, False) and default in (None, False)) or str(cli_default) == str(default), name
        assert (row in ("", "否") and default in (None, False)) or row == str(default), name
        if flags[flag].type is not None and hasattr(flags[flag].type, "choices") and settings[key].choices:
            assert set(settings[key].choices) <= set(map(str, flags[flag].type.choices)) | {"是", "否"}, name


def test_the_shipped_hr_workbook_has_every_setting():
    path = addin.SHIPPED / addin.HR_WORKBOOK
    rows = ribbon.FileBook(path).read("设置")
    assert [r[0] for r in rows if r and r[0]] == [r[0] for r in sheet_rows()]


def _tickets(tmp: Path) -> Path:
    path = tmp / "工单.csv"
    rows = ["工单编号,客服工号,客户ID,创建时间,首次回复时间,是否解决,是否投诉,满意度"]
    rows += [f"T{i},K00{1 + i % 3},C{i},2026-10-{1 + i:02d} 10:00:00,2026-10-{1 + i:02d} 10:0{i % 5}:00,是,否,{4 + i % 2}"
             for i in range(12)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_five_point_satisfaction_export_through_the_ribbon_as_through_the_command(tmp_path):
    """The ribbon had no setting for it and told an Excel user to add --satisfaction-scale 5."""
    tickets = _tickets(tmp_path)
    command = CliRunner().invoke(main, ["metrics", str(tickets), "--period", "2026-10", "--roster", str(SAMPLES / "roster.csv"),
                                        "--satisfaction-scale", "5", "-o", str(tmp_path / "命令.xlsx")])
    assert command.exit_code in (0, 1), command.output
    book_path = tmp_path / addin.HR_WORKBOOK
    shutil.copyfile(addin.SHIPPED / addin.HR_WORKBOOK, book_path)
    book = ribbon.FileBook(book_path)
    roster = read_table(SAMPLES / "roster.csv")
    book.write("花名册", [roster.headers] + roster.rows)
    rows = book.read("设置")
    values = {"考核期间": "2026-10", "工单导出": tickets.name, "满意度满分": "5"}
    book.write("设置", [[r[0], values.get(r[0], r[1]), *r[2:]] for r in rows])
    book.done()
    outcome = ribbon.run_button("import_data", ribbon.FileBook(book_path))
    assert not outcome.stopped, outcome.message
    made = read_table(tmp_path / "数据-2026-10.xlsx", "数据")
    expected = read_table(tmp_path / "命令.xlsx", "数据")
    assert made.headers == expected.headers and made.rows == expected.rows
    assert "客户满意度" in made.headers
