"""The ribbon's entry points, run by path on the HR workbook that `xl-kpi addin build` ships.

Each button's Python function is called with a FileBook (the workbook on disk) where Excel
would give it xw.Book.caller(); the whole month is run: settings, roster, 生成考核表,
supervisors filling, 一键汇总, 生成面谈表, 年度汇总, 导入数据, 校验规则.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from oletools.olevba import VBA_Parser
from openpyxl import load_workbook

from xl_kpi import ribbon
from xl_kpi.addin import build as addin
from xl_kpi.excel.fill import fill_workbook
from xl_kpi.excel.tables import read_table
from xl_kpi.schemes.scheme import get_scheme
from xl_kpi.workflow.consolidate import consolidate

SAMPLES = Path(__file__).resolve().parents[2] / "xl_kpi" / "samples"
PERIOD = "2026-10"


def hr_book(folder: Path, **settings: str) -> Path:
    """A copy of the shipped HR workbook with the sample roster and these settings (by label)."""
    path = folder / addin.HR_WORKBOOK
    shutil.copyfile(addin.SHIPPED / addin.HR_WORKBOOK, path)
    book = ribbon.FileBook(path)
    roster = read_table(SAMPLES / "roster.csv")
    book.write("花名册", [roster.headers] + roster.rows)
    ws = book.book["设置"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in settings:
            row[1].value = settings[row[0].value]
    book.done()
    return path


def sheet(path: Path, name: str) -> list[list]:
    rows = ribbon.FileBook(path).read(name)
    assert rows is not None, f"no sheet {name}"
    return rows


def fill_like_supervisors(files: list[Path]) -> None:
    scheme = get_scheme("cs-quant")
    table = read_table(SAMPLES / "cs-quant-ratings.csv")
    by_person = {}
    for row in table.rows:
        values = dict(zip(table.headers, row))
        emp = str(values.pop("工号"))
        by_person[emp] = {(ind.id, ind.inputs[0].id, ""): _typed(values[ind.name])
                          for ind in scheme.indicators if ind.name in values}
    for path in files:
        fill_workbook(path, path, by_person)


def _typed(value):
    try:
        number = float(str(value))
    except ValueError:
        return value
    return int(number) if number.is_integer() else number


def still_has_macros_and_ribbon(path: Path) -> None:
    parser = VBA_Parser(str(path))
    try:
        names = {Path(n).stem for _, _, n, _ in parser.extract_macros()}
    finally:
        parser.close()
    assert names == {"xlwings", "KpiRibbon", "KpiFunctions", "ThisWorkbook", "Sheet1", "Sheet2", "Sheet3"}
    book = load_workbook(path)
    codes = [book.code_name] + [book[name].sheet_properties.codeName for name in ("设置", "花名册", "使用说明")]
    assert codes == ["ThisWorkbook", "Sheet1", "Sheet2", "Sheet3"], "the document modules keep their sheets"
    with zipfile.ZipFile(path) as package:
        assert addin.UI_PART in package.namelist()
        assert addin.UI_REL.encode() in package.read("_rels/.rels")


def test_the_month_from_the_ribbon(tmp_path):
    path = hr_book(tmp_path, 考核期间=PERIOD, 客观数据文件=str(SAMPLES / "cs-quant-data.csv"))

    message = ribbon.check_rules(ribbon.FileBook(path))
    assert "有效: 8 项指标, 权重合计 100" in message and "设置无误" in message

    book = ribbon.FileBook(path)
    message = ribbon.generate_sheets(book)
    assert "已为 12 人生成 2 个工作簿" in message and "预填" in message
    assert any("生成考核表" in s and "/" in s for s in book.statuses), "progress went to the status bar"
    sheets_dir = tmp_path / "考核表" / PERIOD
    files = sorted(sheets_dir.glob("*.xlsx"))
    assert [f.name for f in files] == [f"{PERIOD}-客服一部.xlsx", f"{PERIOD}-客服二部.xlsx"]

    fill_like_supervisors(files)
    returned = tmp_path / "回收" / PERIOD
    returned.mkdir(parents=True)
    for f in files:
        shutil.copy(f, returned / f.name)

    message = ribbon.consolidate_month(ribbon.FileBook(path))
    summary_file = tmp_path / "汇总" / f"汇总-{PERIOD}.xlsx"
    assert summary_file.exists() and str(summary_file) in message
    overview = sheet(path, "汇总")
    heads = overview[0]
    by_id = {row[heads.index("工号")]: row for row in overview[1:]}
    expected = consolidate([returned])
    assert len(by_id) == len(expected.people) == 12
    for person in expected.people:
        total = by_id[person.identity["工号"]][heads.index("总分")]
        if person.score.total is None:
            assert total in (None, "") or isinstance(total, str)
        else:
            assert total == pytest.approx(float(person.score.total), abs=0), person.identity["工号"]
    issues = sheet(path, "问题")
    assert issues[0] == ["时间", "操作", "类别", "地点", "工号", "问题"]
    assert any("K1010" in str(r) or "工作表" in str(r[3]) for r in issues[1:]), "the bad cell is listed with its place"
    assert all(r[1] == "一键汇总" for r in issues[1:])

    message = ribbon.feedback_forms(ribbon.FileBook(path))
    assert "面谈反馈表" in message
    assert (tmp_path / "面谈表" / PERIOD / "全部.html").exists()

    message = ribbon.annual_summary(ribbon.FileBook(path))
    assert (tmp_path / "汇总" / "年度汇总-2026.xlsx").exists(), message
    annual = sheet(path, "年度汇总")
    assert len(annual) == 13  # headers + 12 people

    still_has_macros_and_ribbon(path)


def test_import_data_writes_the_data_file_and_sheet_and_prefills(tmp_path):
    tickets = tmp_path / "工单.csv"
    tickets.write_text(
        "工单编号,客服工号,客户ID,创建时间,首次回复时间,是否解决,是否投诉,满意度\n"
        "T1,K1001,C1,2026-10-03 09:00:00,2026-10-03 09:04:00,是,否,95\n"
        "T2,K1001,C2,2026-10-04 10:00:00,2026-10-04 10:12:00,是,是,80\n"
        "T3,K1002,C3,2026-10-05 11:00:00,2026-10-05 11:02:00,否,否,100\n"
        "T4,K9999,C4,2026-10-05 11:00:00,2026-10-05 11:02:00,是,否,100\n",
        encoding="utf-8")
    path = hr_book(tmp_path, 考核期间=PERIOD, 工单导出="工单.csv")
    message = ribbon.import_data(ribbon.FileBook(path))
    data_file = tmp_path / f"数据-{PERIOD}.xlsx"
    assert data_file.exists() and "2 位客服" in message, message
    data = sheet(path, "数据")
    heads = data[0]
    k1001 = next(r for r in data[1:] if r[heads.index("工号")] == "K1001")
    assert k1001[heads.index("平均响应时间")] == 8  # (4 + 12) / 2 minutes
    issues = sheet(path, "问题")
    assert any("K9999" in str(r) for r in issues[1:]), "the unknown agent is reported, not dropped"

    message = ribbon.generate_sheets(ribbon.FileBook(path))
    assert f"已从 数据-{PERIOD}.xlsx 预填" in message


@pytest.mark.parametrize("settings,where,text", [
    ({"考核期间": ""}, "设置!B3", "考核期间应写成 YYYY-MM"),
    ({"考核期间": "2026-13"}, "设置!B3", "考核期间应写成 YYYY-MM"),
    ({"考核期间": PERIOD, "公式": "vba"}, "设置!B11", "公式应为 native / udf"),
    ({"考核期间": PERIOD, "花名册": "员工表"}, "设置!B4", "既不是本工作簿的工作表"),
    ({"考核期间": PERIOD, "考核方案": "cs-unknown"}, "", "cs-unknown"),
])
def test_bad_settings_say_which_cell_and_stop_nothing_else(tmp_path, settings, where, text):
    path = hr_book(tmp_path, **settings)
    message = ribbon.generate_sheets(ribbon.FileBook(path))
    assert message.startswith("生成考核表未完成") and text in message and where in message
    issues = sheet(path, "问题")
    assert issues[1][2] == "问题" and text in issues[1][5]
    assert not (tmp_path / "考核表").exists()
    still_has_macros_and_ribbon(path)


def test_a_date_typed_as_period_is_understood(tmp_path):
    import datetime as dt

    path = hr_book(tmp_path)
    book = ribbon.FileBook(path)
    book.book["设置"]["B3"] = dt.datetime(2026, 10, 1)  # Excel turns 2026-10 into a date
    book.changed = True
    book.done()
    assert "已为 12 人生成" in ribbon.generate_sheets(ribbon.FileBook(path))


def test_a_period_stored_as_a_number_is_refused_not_read_as_january(tmp_path):
    path = hr_book(tmp_path)
    book = ribbon.FileBook(path)
    book.book["设置"]["B3"] = 2026.1  # 2026.10 typed into a cell not formatted as text
    book.changed = True
    book.done()
    message = ribbon.generate_sheets(ribbon.FileBook(path))
    assert message.startswith("生成考核表未完成") and "设置!B3: 考核期间是数字 2026.1, 看不出是几月" in message
    assert not (tmp_path / "考核表").exists()


def test_a_second_generate_click_keeps_the_sheets_already_there(tmp_path):
    path = hr_book(tmp_path, 考核期间=PERIOD)
    assert "已为 12 人生成" in ribbon.generate_sheets(ribbon.FileBook(path))
    written = {p: p.read_bytes() for p in (tmp_path / "考核表").rglob("*.xlsx")}
    message = ribbon.generate_sheets(ribbon.FileBook(path))
    assert message.startswith("生成考核表未完成") and "可能已由主管填写" in message and "设置!" in message
    assert "--" not in message  # no command-line options in the workbook's message
    assert written and {p: p.read_bytes() for p in (tmp_path / "考核表").rglob("*.xlsx")} == written


def test_consolidate_without_returned_sheets_says_where_to_put_them(tmp_path):
    path = hr_book(tmp_path, 考核期间=PERIOD)
    message = ribbon.consolidate_month(ribbon.FileBook(path))
    assert "回收文件夹" in message and "不存在" in message and "设置!B8" in message


def test_a_workbook_without_settings_gets_a_clear_message(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "其他.xlsx"
    Workbook().save(path)
    message = ribbon.check_rules(ribbon.FileBook(path))
    assert "没有「设置」工作表" in message


def test_command_line_runs_a_button_by_its_chinese_name(tmp_path):
    path = hr_book(tmp_path, 考核期间=PERIOD)
    done = subprocess.run([sys.executable, "-m", "xl_kpi.cli", "addin", "run", "校验规则", str(path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "有效" in done.stdout
    (tmp_path / "bad").mkdir()
    bad = hr_book(tmp_path / "bad", 考核期间="十月")
    done = subprocess.run([sys.executable, "-m", "xl_kpi.cli", "addin", "run", "check_rules", str(bad)],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "设置!B3" in done.stderr and "考核期间应写成 YYYY-MM" in done.stderr


class _FakeRange:
    def __init__(self, sheet, address):
        self.sheet, self.address = sheet, address
        self.font = type("Font", (), {"bold": False})()

    def options(self, ndim=None):
        assert ndim == 2
        return self

    @property
    def value(self):
        return [list(r) for r in self.sheet.cells] or None

    @value.setter
    def value(self, rows):
        assert self.address == "A1"
        self.sheet.cells = [list(r) for r in rows]


class _FakeSheet:
    def __init__(self, name, cells=None):
        self.name, self.cells = name, cells or []

    @property
    def used_range(self):
        return _FakeRange(self, "used")

    def range(self, address):
        return _FakeRange(self, address)

    def clear_contents(self):
        self.cells = []

    def autofit(self, axis=None):
        assert axis in ("c", "columns")


class _FakeSheets(list):
    @property
    def count(self):
        return len(self)

    def add(self, name=None, before=None, after=None):
        sheet = _FakeSheet(name)
        self.append(sheet)
        return sheet


def test_excel_book_speaks_xlwings(tmp_path):
    """ExcelBook, the face Excel sees, on a stand-in with xlwings' API; and every name it uses exists in
    xlwings' own classes, so a typo cannot hide until someone clicks a button in Excel."""
    import inspect

    import xlwings as xw

    for cls, names in ((xw.Book, ["fullname", "sheets", "app"]), (xw.main.Sheets, ["add", "count"]),
                       (xw.Sheet, ["name", "used_range", "range", "clear_contents", "autofit"]),
                       (xw.Range, ["options", "value", "font"]), (xw.App, ["status_bar", "alert"])):
        for name in names:
            assert hasattr(cls, name), f"xlwings.{cls.__name__} has no {name}"
    assert "title" in inspect.signature(xw.App.alert).parameters
    assert {"before", "after"} <= set(inspect.signature(xw.main.Sheets.add).parameters)

    path = hr_book(tmp_path, 考核期间=PERIOD)
    source = ribbon.FileBook(path)
    sheets = _FakeSheets(_FakeSheet(name, source.read(name)) for name in ("设置", "花名册"))
    alerts, statuses = [], []
    app = type("App", (), {})()
    app.alert = lambda text, title=None: alerts.append((title, text))
    type(app).status_bar = property(lambda self: None, lambda self, value: statuses.append(value))
    book = type("Book", (), {"fullname": str(path), "sheets": sheets, "app": app})()

    message = ribbon.generate_sheets(ribbon.ExcelBook(book))
    assert "已为 12 人生成 2 个工作簿" in message
    assert alerts == [("xl-kpi", message)]
    assert any(isinstance(s, str) and s.startswith("生成考核表 ") for s in statuses) and statuses[-1] is False
    issues = next(s for s in sheets if s.name == "问题")
    assert issues.cells[0] == ["时间", "操作", "类别", "地点", "工号", "问题"]

    unsaved = type("Book", (), {"fullname": "工作簿1", "sheets": sheets, "app": app})()
    with pytest.raises(ribbon.KpiError, match="请先把本工作簿保存"):
        ribbon.ExcelBook(unsaved)


# --------------------------------------------------------------------------- outputs replaced, notices, exit status


def addin_run(*args):
    from click.testing import CliRunner

    from xl_kpi.cli import main

    return CliRunner().invoke(main, ["addin", "run", *map(str, args)])


def cli(*args):
    from click.testing import CliRunner

    from xl_kpi.cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


TICKETS = ("工单编号,客服工号,客户ID,创建时间,首次回复时间,是否解决,是否投诉,满意度\n"
           "T1,K1001,C1,2026-10-03 09:00:00,2026-10-03 09:{minutes:02d}:00,是,否,95\n"
           "T2,K1002,C2,2026-10-04 10:00:00,2026-10-04 10:12:00,是,是,80\n"
           "T3,K9999,C3,2026-10-05 11:00:00,2026-10-05 11:02:00,否,否,100\n")


def _monthly(folder: Path, totals: dict[str, int]) -> None:
    """A table of 工号/姓名/部门/期间/总分 per month, as 汇总-YYYY-MM.xlsx in the summary folder."""
    from openpyxl import Workbook

    folder.mkdir(parents=True, exist_ok=True)
    for month, total in totals.items():
        book = Workbook()
        book.active.append(["工号", "姓名", "部门", "期间", "总分"])
        book.active.append(["K1001", "王芳", "客服一部", month, total])
        book.save(folder / f"汇总-{month}.xlsx")


def test_import_data_and_annual_keep_the_files_they_replace(tmp_path):
    path = hr_book(tmp_path, 考核期间=PERIOD, 工单导出="工单.csv")
    data = tmp_path / f"数据-{PERIOD}.xlsx"
    written = []
    for minutes in (4, 9):
        (tmp_path / "工单.csv").write_text(TICKETS.format(minutes=minutes), encoding="utf-8")
        message = ribbon.import_data(ribbon.FileBook(path))
        written.append(data.read_bytes())
    assert f"(原数据文件已备份为 数据-{PERIOD}.备份.xlsx)" in message, message
    assert (tmp_path / f"数据-{PERIOD}.备份.xlsx").read_bytes() == written[0]

    summaries = tmp_path / "汇总"
    annual = summaries / "年度汇总-2026.xlsx"
    _monthly(summaries, {"2026-09": 90, PERIOD: 80})
    assert "备份" not in ribbon.annual_summary(ribbon.FileBook(path))
    first = annual.read_bytes()
    _monthly(summaries, {"2026-09": 70, PERIOD: 80})
    message = ribbon.annual_summary(ribbon.FileBook(path))
    assert "(原年度汇总已备份为 年度汇总-2026.备份.xlsx)" in message, message
    assert (summaries / "年度汇总-2026.备份.xlsx").read_bytes() == first
    assert sorted(p.name for p in summaries.iterdir()) == [
        "年度汇总-2026.xlsx", "年度汇总-2026.备份.xlsx", "汇总-2026-09.xlsx", f"汇总-{PERIOD}.xlsx"]


def test_a_data_file_open_in_excel_stops_import_data_before_reading(tmp_path, locked, monkeypatch):
    path = hr_book(tmp_path, 考核期间=PERIOD, 工单导出="工单.csv")
    (tmp_path / "工单.csv").write_text(TICKETS.format(minutes=4), encoding="utf-8")
    data = tmp_path / f"数据-{PERIOD}.xlsx"
    data.write_bytes(b"HR's data")
    locked.add(data.name)

    def never(*_, **__):
        raise AssertionError("the tickets were read before the data file was found locked")

    monkeypatch.setattr("xl_kpi.workflow.actions.compute_metrics", never)
    message = ribbon.import_data(ribbon.FileBook(path))
    assert message.startswith("导入数据未完成") and f"无法写入 {data}" in message, message
    run = addin_run("导入数据", path)
    assert run.exit_code == 2 and f"错误: 无法写入 {data}" in run.output, run.output
    assert data.read_bytes() == b"HR's data"
    assert sorted(p.name for p in tmp_path.iterdir()) == [addin.HR_WORKBOOK, "工单.csv", data.name]


def test_a_notice_is_no_problem_for_the_buttons_as_for_the_commands(tmp_path):
    """生成考核表 with a data file holding a column the scheme does not use: `generate` says 提示 and exits 0;
    the button (and `xl-kpi addin run`) must not count it as a problem either."""
    data = tmp_path / "数据.csv"
    data.write_text("工号,客户满意度,首次解决率\nK1001,95,80%\n", encoding="utf-8")
    command = cli("generate", "--scheme", "cs-quant", "--roster", SAMPLES / "roster.csv", "--period", PERIOD,
                  "--data", data, "--out", tmp_path / "命令")
    assert command.exit_code == 0 and "提示 数据.csv: 以下列不是方案" in command.output, command.output

    path = hr_book(tmp_path, 考核期间=PERIOD, 客观数据文件="数据.csv")
    run = addin_run("生成考核表", path)
    assert run.exit_code == command.exit_code == 0, run.output
    assert "个问题" not in run.output and not [x for x in run.output.splitlines() if x.startswith("问题")], run.output
    assert "提示 数据.csv: 以下列不是方案" in run.output and "有 1 条提示 (不是问题)" in run.output
    rows = sheet(path, "问题")
    assert len(rows) == 2 and rows[1][2:4] == ["提示", "数据.csv"], rows  # the file in 地点, the message without it
    assert rows[1][5] == "以下列不是方案 cs-quant 的指标, 未预填: 首次解决率", rows

    shutil.rmtree(tmp_path / "考核表")
    outcome = ribbon.run_button("generate_sheets", ribbon.FileBook(path))
    assert outcome.problems == [] and len(outcome.notices) == 1 and outcome.exit_code == 0
    assert "个问题" not in outcome.message


def test_a_button_that_cannot_run_exits_as_the_command_does(tmp_path):
    """A second 生成考核表 over sheets already there stops, as `generate` without --overwrite does (exit 2)."""
    path = hr_book(tmp_path, 考核期间=PERIOD)
    assert addin_run("generate_sheets", path).exit_code == 0
    out = tmp_path / "考核表" / PERIOD
    command = cli("generate", "--scheme", "cs-quant", "--roster", SAMPLES / "roster.csv", "--period", PERIOD,
                  "--out", out)
    run = addin_run("生成考核表", path)
    assert run.exit_code == command.exit_code == 2, (run.output, command.output)
    assert "错误: 设置!B7" in run.output and "生成考核表未完成" in run.output


def test_import_data_and_annual_count_problems_as_the_commands(tmp_path):
    """导入数据: the metrics notices are said, not counted; 年度汇总: annual's notes (说明) likewise;
    problems and exit status are those of `xl-kpi metrics --roster` and `xl-kpi annual` on the same files."""
    path = hr_book(tmp_path, 考核期间=PERIOD, 工单导出="工单.csv")
    tickets = tmp_path / "工单.csv"
    tickets.write_text(TICKETS.format(minutes=4), encoding="utf-8")
    command = cli("metrics", tickets, "--period", PERIOD, "--roster", SAMPLES / "roster.csv", "-o", tmp_path / "命令.xlsx")
    notices = [x for x in command.output.splitlines() if x.startswith("提示 ")]
    problems = [x for x in command.output.splitlines() if x.startswith("问题 ")]
    assert notices and len(problems) == 1 and command.exit_code == 1, command.output
    run = addin_run("导入数据", path)
    assert run.exit_code == command.exit_code, run.output
    rows = sheet(path, "问题")[1:]
    assert [f"提示 {r[3]}: {r[5]}" if r[3] else f"提示 {r[5]}" for r in rows if r[2] == "提示"] == notices
    assert len([r for r in rows if r[2] == "问题"]) == len(problems) == len(rows) - len(notices)
    assert f"有 1 个问题, 另有 {len(notices)} 条提示 (不是问题)" in run.output, run.output
    outcome = ribbon.run_button("import_data", ribbon.FileBook(path))
    assert (len(outcome.problems), len(outcome.notices), outcome.exit_code) == (1, len(notices), 1)

    _monthly(tmp_path / "汇总", {"2026-08": 90, PERIOD: 80})  # 2026-09 missing for everybody: a note (说明)
    inputs = sorted((tmp_path / "汇总").glob("汇总-*.xlsx"))
    command = cli("annual", *inputs, "--scheme", "cs-quant", "-o", tmp_path / "年度.xlsx")
    said = [x for x in command.output.splitlines() if x.startswith("说明 ")]
    assert said and command.exit_code == 0 and " 0 个问题" in command.output, command.output
    run = addin_run("年度汇总", path)
    assert run.exit_code == 0, run.output
    assert [x for x in run.output.splitlines() if x.startswith("说明 ")] and "问题 " not in run.output
    everything = sheet(path, "问题")[1:]
    rows = [r for r in everything if r[1] == "年度汇总"]
    assert len(rows) == len(said) and all(r[2] == "说明" for r in rows), rows
    # 导入数据's list is still there (a button never wipes another's); run again, its rows are replaced, not added
    imported = [r for r in everything if r[1] == "导入数据"]
    assert len(imported) == 1 + len(notices), everything
    addin_run("导入数据", path)
    again = sheet(path, "问题")[1:]
    assert len([r for r in again if r[1] == "导入数据"]) == len(imported) and [r for r in again if r[1] == "年度汇总"] == rows


@pytest.mark.parametrize("lock", [".~lock.{name}#", "~${name}", "~${short}"], ids=["libreoffice", "wps", "excel"])
def test_addin_run_stops_when_the_hr_workbook_is_open(tmp_path, lock):
    """The README says addin run stops first when the workbook is open; with a LibreOffice (or WPS/Excel) lock
    file beside it, it wrote into the open workbook, and the user's unsaved changes overwrote ours (or ours theirs)."""
    path = hr_book(tmp_path, 考核期间=PERIOD)
    before = path.read_bytes()
    (tmp_path / lock.format(name=path.name, short=path.name[2:])).write_text("x", encoding="utf-8")
    result = addin_run("校验规则", path)
    assert result.exit_code == 2, result.output
    assert "正在 Excel/WPS/LibreOffice 中打开" in result.output and "请先关闭它再重试" in result.output
    assert path.read_bytes() == before


def test_a_damaged_hr_workbook_is_said_as_such_not_as_an_internal_error(tmp_path):
    from click.testing import CliRunner

    from xl_kpi.cli import main

    junk = tmp_path / "KPI考核.xlsm"
    junk.write_bytes(b"junk")
    result = CliRunner().invoke(main, ["addin", "run", "一键汇总", str(junk)])
    assert result.exit_code == 2 and "HR 工作簿打不开: 内容是文本 (如 CSV 导出), 不是 Excel 工作簿" in result.output, result.output
    assert "内部错误" not in result.output and junk.read_bytes() == b"junk"


def test_a_problem_of_the_workbooks_own_roster_names_its_sheet_not_a_copy(tmp_path):
    """The 花名册 sheet is read from a copy: its findings say 工作表「花名册」第N行, not the copy's file name."""
    path = hr_book(tmp_path, 考核期间=PERIOD)
    book = ribbon.FileBook(path)
    rows = book.read("花名册")
    book.write("花名册", [*rows, [rows[1][0], "重名", rows[1][2]]])
    book.done()
    outcome = ribbon.run_button("generate_sheets", ribbon.FileBook(path))
    [twice] = outcome.problems
    assert twice.file == "" and twice.person == rows[1][0]
    assert twice.line() == f"问题 工作表「花名册」第{len(rows) + 1}行 A列: 工号 {rows[1][0]} 与第2行重复, 此行未生成考核表"
