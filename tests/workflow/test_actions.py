"""The command line and the ribbon are two edges over one action: the same options exist in both, with the
same defaults, and give the same result."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from xl_kpi import ribbon
from xl_kpi.addin import build as addin
from xl_kpi.addin.settings_sheet import SETTINGS, parse_settings, sheet_rows
from xl_kpi.base.errors import KpiError
from xl_kpi.cli import main
from xl_kpi.excel.tables import read_table
from xl_kpi.workflow.actions import AnnualRollUp, ConsolidateMonth, GenerateSheets, ImportData, WriteFeedback

SAMPLES = Path(__file__).resolve().parents[2] / "xl_kpi" / "samples"


@dataclasses.dataclass(frozen=True)
class Parity:
    """How one action's options reach it from each edge. Every field is in exactly one of:

    same      field -> (CLI flag, 设置 row): an option of both edges, with the same default
    required  field -> (CLI parameter, 设置 row): the command requires it (an argument or a required option);
              the button takes it from its row (a folder, the 考核期间, the 花名册 sheet …)
    workbook  field -> (CLI flag, 设置 row, why): the command's default is to recognise it from the input;
              the button gives the workbook's own value (one scheme, one language, one period per workbook)
    edge_only field -> why: no counterpart on the other edge
    """

    action: type
    command: str
    same: dict[str, tuple[str, str]]
    required: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)
    workbook: dict[str, tuple[str, str, str]] = dataclasses.field(default_factory=dict)
    edge_only: dict[str, str] = dataclasses.field(default_factory=dict)


PARITY = [
    Parity(ImportData, "metrics", same={
        "mapping": ("--map", "列名映射文件"), "median": ("--median", "响应时间取中位数"), "hours": ("--hours", "工作时间"),
        "workdays": ("--workdays", "工作日"), "peak": ("--peak", "高峰期"), "fcr_days": ("--fcr-days", "首次解决天数"),
        "satisfaction_scale": ("--satisfaction-scale", "满意度满分"), "encoding": ("--encoding", "工单编码"),
    }, required={
        "tickets": ("tickets", "工单导出"), "period": ("--period", "考核期间"), "output": ("--output", "客观数据文件"),
    }, workbook={
        "roster": ("--roster", "花名册", "the workbook always has its roster (the 花名册 sheet by default)"),
    }, edge_only={
        "sheet": "--sheet: the export's sheet; the button reads every sheet with a recognised header",
    }),
    Parity(GenerateSheets, "generate", same={
        "split": ("--split", "拆分"), "formulas": ("--formulas", "公式"), "lang": ("--lang", "语言"),
        "password": ("--password", "工作表保护密码"), "peer": ("--peer", "互评表"), "overwrite": ("--overwrite", "覆盖已有考核表"),
    }, required={
        "scheme": ("--scheme", "考核方案"), "roster": ("--roster", "花名册"), "period": ("--period", "考核期间"),
        "output": ("--output", "考核表文件夹"),
    }, workbook={
        "data": ("--data", "客观数据文件", "the button pre-fills from the data file once 导入数据 has written it"),
    }, edge_only={
        "scheme_text": "the scheme's own text, read with the scheme (--scheme / 考核方案)",
    }),
    Parity(ConsolidateMonth, "consolidate", same={
        "scheme": ("--scheme", "汇总按考核方案核对"),  # 否 / not given: each file's own 规则 sheet
    }, required={
        "inputs": ("inputs", "回收文件夹"), "output": ("--output", "汇总文件夹"),
    }, workbook={
        "period": ("--period", "考核期间", "the command takes the period most files have; the workbook knows its own"),
    }),
    Parity(AnnualRollUp, "annual", same={
        "by": ("--by", "年度汇总方式"), "missing": ("--missing", "缺考月份"),
    }, required={
        "inputs": ("inputs", "汇总文件夹"), "output": ("--output", "汇总文件夹"),
    }, workbook={
        "scheme": ("--scheme", "考核方案", ("the command knows a built-in scheme by the summaries' columns; the workbook "
                    "has its 考核方案, which may be an edited template no column gives away")),
    }),
    Parity(WriteFeedback, "feedback", same={}, required={
        "summary": ("summary", "汇总文件夹"), "output": ("--output", "面谈表文件夹"),
    }, workbook={
        "scheme": ("--scheme", "考核方案", "as annual: the workbook's own scheme"),
        "lang": ("--lang", "语言", ("the command writes the summary's language; the workbook writes its 语言, as its "
                  "考核表 are written (一键汇总's summary is in 简体 either way)")),
    }),
]


def _params(command: str) -> dict[str, click.Parameter]:
    """A command's parameters by each of their names: --flags, -o, and an argument's name."""
    return {name: p for p in main.commands[command].params for name in [*p.opts, p.name]}


def _no_default(value):
    return None if value is getattr(click.core, "UNSET", None) else value  # click 8.3: an option without default


@pytest.mark.parametrize("parity", PARITY, ids=lambda p: p.action.__name__)
def test_every_option_is_on_both_edges_with_the_same_default(parity):
    fields = {f.name: f for f in dataclasses.fields(parity.action)}
    listed = [*parity.same, *parity.required, *parity.workbook, *parity.edge_only]
    assert sorted(listed) == sorted(fields), "each field of the action is listed once"
    params = _params(parity.command)
    settings = {s.key: s for s in SETTINGS}
    for name, (flag, key) in parity.same.items():
        default, cli_default, row = fields[name].default, _no_default(params[flag].default), settings[key].default
        # the same default, as each edge writes it: None / "" (not given), False / 否, 7 / "7", auto
        assert (cli_default in (None, False) and default in (None, False)) or str(cli_default) == str(default), name
        assert (row in ("", "否") and default in (None, False)) or row == str(default), name
        choices = getattr(params[flag].type, "choices", None)
        if getattr(params[flag], "is_flag", False):
            assert settings[key].choices == ("是", "否"), f"{key}: a flag is 是/否 in the 设置 sheet"
        elif choices and settings[key].choices:
            assert set(settings[key].choices) == set(map(str, choices)), name
        assert flag in settings[key].help, f"the 设置 row {key} says it is {flag}"
    for name, (param, key) in parity.required.items():
        assert params[param].required, f"{parity.command} {param} is required"
        assert key in settings, name
    for name, (flag, key, why) in parity.workbook.items():
        assert _no_default(params[flag].default) is None and fields[name].default is None, name
        assert key in settings and why, name
    covered = {params[p].name for p, *_ in [*parity.same.values(), *parity.required.values(), *parity.workbook.values()]}
    said_only = {params[why.split(":")[0]].name for why in parity.edge_only.values() if why.split(":")[0] in params}
    assert {p.name for p in main.commands[parity.command].params} == covered | said_only, \
        f"every option of xl-kpi {parity.command} reaches the action, or is listed as the command's own"


def test_the_shipped_hr_workbook_has_every_setting():
    path = addin.SHIPPED / addin.HR_WORKBOOK
    rows = ribbon.FileBook(path).read("设置")
    assert [r[0] for r in rows if r and r[0]] == [r[0] for r in sheet_rows()]


def test_rows_added_since_a_workbook_was_built_take_their_defaults(tmp_path):
    """Settings are read by label: an HR workbook built before a row existed (or with rows moved) still runs,
    each missing row taking its default, and every row it has keeps its cell in messages."""
    added = ("工作表保护密码", "互评表", "覆盖已有考核表", "汇总按考核方案核对")
    book_path = _hr_book(tmp_path, {"考核期间": "2026-10"})
    book = ribbon.FileBook(book_path)
    ws = book.book["设置"]
    for number in sorted((c.row for c in ws["A"] if c.value in added), reverse=True):
        ws.delete_rows(number)
    book.changed = True
    book.done()
    rows = ribbon.FileBook(book_path).read("设置")
    assert not {r[0] for r in rows} & set(added)
    settings = parse_settings(rows, tmp_path)
    assert (settings.password, settings.peer, settings.overwrite, settings.consolidate_scheme) == ("", "否", "否", "否")
    assert settings.where("period") == "设置!B3" and settings.where("sheets_dir") == "设置!B7"
    outcome = ribbon.run_button("generate_sheets", ribbon.FileBook(book_path))
    assert not outcome.stopped and "已为 12 人生成 2 个工作簿" in outcome.message, outcome.message
    shuffled = [rows[0], *reversed(rows[1:])]
    assert parse_settings(shuffled, tmp_path).period == "2026-10"


def _hr_book(folder: Path, values: dict[str, str]) -> Path:
    """A copy of the shipped HR workbook in ``folder``, with the sample roster and these 设置 values (by label)."""
    book_path = folder / addin.HR_WORKBOOK
    shutil.copyfile(addin.SHIPPED / addin.HR_WORKBOOK, book_path)
    book = ribbon.FileBook(book_path)
    roster = read_table(SAMPLES / "roster.csv")
    book.write("花名册", [roster.headers] + roster.rows)
    rows = book.read("设置")
    assert set(values) <= {r[0] for r in rows}
    book.write("设置", [[r[0], values.get(r[0], r[1]), *r[2:]] for r in rows])
    book.done()
    return book_path


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
    book_path = _hr_book(tmp_path, {"考核期间": "2026-10", "工单导出": tickets.name, "满意度满分": "5"})
    outcome = ribbon.run_button("import_data", ribbon.FileBook(book_path))
    assert not outcome.stopped, outcome.message
    made = read_table(tmp_path / "数据-2026-10.xlsx", "数据")
    expected = read_table(tmp_path / "命令.xlsx", "数据")
    assert made.headers == expected.headers and made.rows == expected.rows
    assert "客户满意度" in made.headers


def _contents(folder: Path) -> dict[str, object]:
    """What a folder of outputs holds, as a person opening them sees it: each workbook's sheets, their cells and
    protection (the password's hash), each HTML page's text."""
    from openpyxl import load_workbook

    seen: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".html":
            seen[path.name] = path.read_text(encoding="utf-8")
        elif path.suffix == ".xlsx":
            book = load_workbook(path)
            seen[path.name] = [(ws.title, ws.protection.sheet, ws.protection.password,
                                [list(r) for r in ws.iter_rows(values_only=True)]) for ws in book.worksheets]
    return seen


GENERATE_RUNS = [
    ({}, []),  # every option at its default on both edges
    ({"拆分": "person", "语言": "zh-Hant", "公式": "udf", "工作表保护密码": "kpi2026", "互评表": "是"},
     ["--split", "person", "--lang", "zh-Hant", "--formulas", "udf", "--password", "kpi2026", "--peer"]),
]


@pytest.mark.parametrize(("rows", "flags"), GENERATE_RUNS, ids=["defaults", "every-option"])
def test_generate_through_the_ribbon_as_through_the_command(tmp_path, rows, flags):
    command_dir = tmp_path / "命令"
    command = CliRunner().invoke(main, ["generate", "--scheme", "cs-quant", "--roster", str(SAMPLES / "roster.csv"),
                                        "--period", "2026-10", "-o", str(command_dir), *flags])
    assert command.exit_code == 0, command.output
    book_path = _hr_book(tmp_path, {"考核期间": "2026-10", **rows})
    outcome = ribbon.run_button("generate_sheets", ribbon.FileBook(book_path))
    assert outcome.exit_code == command.exit_code and not outcome.problems, outcome.message
    made = _contents(tmp_path / "考核表" / "2026-10")
    assert made and made == _contents(command_dir)
    if flags:
        assert any(name.startswith("互评-") for name in made)
        assert all(any(password for _, _, password, _ in sheets) for sheets in made.values()), "the password is set"


def test_overwrite_through_the_ribbon_as_through_the_command(tmp_path):
    """A second run over the sheets: refused by default on both edges; with 覆盖已有考核表 / --overwrite, each
    workbook is kept as ….备份.xlsx and written again."""
    command_dir = tmp_path / "命令"
    args = ["generate", "--scheme", "cs-quant", "--roster", str(SAMPLES / "roster.csv"), "--period", "2026-10",
            "-o", str(command_dir)]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert CliRunner().invoke(main, args).exit_code == 2
    assert CliRunner().invoke(main, [*args, "--overwrite"]).exit_code == 0
    book_path = _hr_book(tmp_path, {"考核期间": "2026-10"})
    assert ribbon.run_button("generate_sheets", ribbon.FileBook(book_path)).exit_code == 0
    refused = ribbon.run_button("generate_sheets", ribbon.FileBook(book_path))
    assert refused.stopped and "覆盖已有考核表" in refused.message and "设置!B7" in refused.message
    assert "--" not in refused.message, "no command-line option in the workbook's message"
    book = ribbon.FileBook(book_path)
    book.write("设置", [[r[0], "是" if r[0] == "覆盖已有考核表" else r[1], *r[2:]] for r in book.read("设置")])
    book.done()
    again = ribbon.run_button("generate_sheets", ribbon.FileBook(book_path))
    assert again.exit_code == 0 and "备份" in again.message, again.message
    assert sorted(p.name for p in (tmp_path / "考核表" / "2026-10").iterdir()) == sorted(p.name for p in command_dir.iterdir())


@pytest.fixture(scope="module")
def demo_summary(tmp_path_factory):
    from xl_kpi.workflow.demo import run_demo

    return run_demo(tmp_path_factory.mktemp("demo")).summary


FEEDBACK_RUNS = [
    ({}, []),  # the command recognises scheme and language from the summary; the workbook gives its own
    ({"语言": "zh-Hant"}, ["--lang", "zh-Hant", "--scheme", "cs-quant"]),
]


@pytest.mark.parametrize(("rows", "flags"), FEEDBACK_RUNS, ids=["defaults", "hant"])
def test_feedback_through_the_ribbon_as_through_the_command(tmp_path, demo_summary, rows, flags):
    command_dir = tmp_path / "命令"
    command = CliRunner().invoke(main, ["feedback", str(demo_summary), "-o", str(command_dir), *flags])
    assert command.exit_code == 1, command.output  # the demo's K1010 has no total: listed, as a problem
    (tmp_path / "汇总").mkdir()
    shutil.copyfile(demo_summary, tmp_path / "汇总" / "汇总-2026-10.xlsx")
    book_path = _hr_book(tmp_path, {"考核期间": "2026-10", **rows})
    outcome = ribbon.run_button("feedback_forms", ribbon.FileBook(book_path))
    assert outcome.exit_code == command.exit_code, outcome.message
    said = [line for line in command.output.splitlines() if line.startswith("问题 ")]
    assert said and all(line.startswith(f"问题 {demo_summary.name} 工作表「") for line in said), said
    # the same problems at the same places, each of its own summary file (the button's copy is named otherwise)
    assert [f"问题 {demo_summary.name} {p.in_sheet()}: {p.message}" for p in outcome.problems] == said
    assert {p.file for p in outcome.problems} == {"汇总-2026-10.xlsx"}
    made = _contents(tmp_path / "面谈表" / "2026-10")
    assert made and made == _contents(command_dir)
    assert ("考核期間" in made["全部.html"] or "績效" in made["全部.html"]) == bool(flags)


def test_feedback_without_a_summary_says_which_cell_and_what_to_do(tmp_path):
    book_path = _hr_book(tmp_path, {"考核期间": "2026-10"})
    outcome = ribbon.run_button("feedback_forms", ribbon.FileBook(book_path))
    assert outcome.stopped and outcome.message.startswith("生成面谈表未完成")
    assert "设置!B9" in outcome.message and "汇总-2026-10.xlsx" in outcome.message and "请先「一键汇总」" in outcome.message
    command = CliRunner().invoke(main, ["feedback", str(tmp_path / "无.xlsx"), "-o", str(tmp_path / "面谈")])
    assert command.exit_code == 2 and "错误:" in command.output and "Traceback" not in command.output


@pytest.mark.parametrize(("value", "scheme"), [("否", None), ("是", "cs-quant")])
def test_consolidate_checks_against_the_scheme_only_when_asked(tmp_path, monkeypatch, value, scheme):
    from xl_kpi.workflow import actions

    given = []

    def seen(options, progress=None):
        given.append(options)
        raise KpiError("只看选项")

    monkeypatch.setattr(actions, "consolidate_month", seen)
    (tmp_path / "回收" / "2026-10").mkdir(parents=True)
    book_path = _hr_book(tmp_path, {"考核期间": "2026-10", "汇总按考核方案核对": value})
    assert ribbon.run_button("consolidate_month", ribbon.FileBook(book_path)).stopped
    assert (given[0].scheme.id if given[0].scheme else None) == scheme


@pytest.mark.parametrize(("failure", "said"), [
    (PermissionError(13, "Permission denied", "考核表/2026-10/2026-10-客服一部.xlsx"), "没有权限读写 (考核表/2026-10/"),
    (RuntimeError("a defect"), "xl-kpi 内部错误 (RuntimeError)"),
])
def test_a_button_stopped_by_something_else_than_the_input_says_one_line_as_the_command_does(
        tmp_path, monkeypatch, failure, said):
    """No traceback in Excel's message box: a system failure, or a defect of ours, is one Chinese line, as the
    command prints it (the defect's details go to a file to send to the maintainers)."""
    from xl_kpi.workflow import actions

    def fails(options, progress=None):
        raise failure

    monkeypatch.setattr(actions, "generate_sheets", fails)
    book_path = _hr_book(tmp_path, {"考核期间": "2026-10"})
    outcome = ribbon.run_button("generate_sheets", ribbon.FileBook(book_path))
    assert outcome.stopped and outcome.exit_code == 2 and outcome.message.startswith("生成考核表未完成")
    assert said in outcome.message and "Traceback" not in outcome.message
    assert any(said in str(row[5]) for row in ribbon.FileBook(book_path).read("问题")[1:])  # 时间 操作 类别 地点 工号 问题


def test_a_password_is_taken_as_typed_on_both_edges(tmp_path):
    """--password " kpi 2026 " keeps its spaces; the 设置 cell did strip them, so the same password typed in both
    places protected the sheets differently."""
    rows = [["设置项", "值", "说明"], ["工作表保护密码", " kpi 2026 ", ""], ["考核期间", " 2026-10 ", ""]]
    settings = parse_settings(rows, tmp_path)
    assert settings.password == " kpi 2026 " and settings.period == "2026-10"
    assert parse_settings([["工作表保护密码", "   "]], tmp_path).password == ""
