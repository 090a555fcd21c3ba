"""`xl-kpi generate` inputs as HR keeps them: titled rosters, a 说明 sheet first, bad pay amounts on the roster,
工号 that lost their leading zeros, and the cover's links to each person's sheet (also through LibreOffice)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path, PurePosixPath

import openpyxl
import pytest
from click.testing import CliRunner
from libreoffice import recalc, run_uno

from xl_kpi.base.errors import InputFileError
from xl_kpi.base.findings import texts
from xl_kpi.cli import main
from xl_kpi.excel.reader import read_filled_workbook
from xl_kpi.excel.roster import load_roster, read_roster
from xl_kpi.excel.tables import read_table, read_tables
from xl_kpi.schemes.scheme import get_scheme_with_text
from xl_kpi.workflow.generate import generate
from xl_kpi.workflow.sampling import sample_staff


def said(read):
    """load_roster's (people, problems, notices) with the findings as text (place: message), as printed."""
    people, problems, notices = read
    return people, texts(problems), texts(notices)


R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER = ["工号", "姓名", "部门", "岗位", "直属主管", "绩效奖金基数"]


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """An .xlsx with these sheets in this order, each given as its rows from A1 ([] is an empty row)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                ws.cell(row=r, column=c, value=value)
    book.save(path)
    return path


def run_generate(tmp_path: Path, roster: Path, data: Path | None = None):
    scheme, text = get_scheme_with_text("cs-quant")
    return generate(scheme, text, roster, "2026-10", tmp_path / "out", data=data)


def people_of(result) -> dict[str, object]:
    return {p.identity["工号"]: p for f in result.files for p in read_filled_workbook(f).people}


# --------------------------------------------------------------------------- where the table starts


def test_a_roster_under_a_title_is_read_with_its_real_row_numbers(tmp_path):
    roster = workbook(tmp_path / "花名册.xlsx", {"花名册": [
        ["客服部花名册 2026年10月"],
        ["制表: 人力资源部", None, None, "日期: 2026-10-31"],
        HEADER,
        ["K1", "王芳", "客服一部", "客服专员", "赵主管", 1200],
        [None, "无号", "客服一部", None, None, None],
        ["K2", "李娜", "客服一部", "客服专员", "赵主管", None],
    ]})
    result = run_generate(tmp_path, roster)
    assert sorted(people_of(result)) == ["K1", "K2"]
    assert people_of(result)["K1"].pay_inputs["bonus_base"].value == 1200
    # the title is not taken for a header, and rows keep their numbers on the sheet
    assert "花名册.xlsx 工作表「花名册」第5行 A列: 工号为空, 此行未生成考核表" in texts(result.problems), texts(result.problems)
    people, _ = read_roster(roster)
    assert [(p.id, p.row) for p in people] == [("K1", 4), ("K2", 6)]


def test_a_csv_roster_under_a_title_row(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("客服部花名册 2026年10月\n工号,姓名,部门\nK1,王芳,客服一部\nK1,重复,客服一部\n", encoding="utf-8")
    result = run_generate(tmp_path, roster)
    assert list(people_of(result)) == ["K1"]
    assert "roster.csv 第4行 A列: 工号 K1 与第3行重复, 此行未生成考核表" in texts(result.problems), texts(result.problems)


def test_a_roster_on_the_second_sheet_after_a_note(tmp_path):
    roster = workbook(tmp_path / "花名册.xlsx", {
        "说明": [["本表用于 2026 年 10 月考核"], ["工号请填写完整"]],
        "名单": [["10 月名单"], HEADER, ["K1", "王芳", "客服一部", "客服专员", "赵主管", None],
                 ["K2", "", "客服二部", "客服专员", "钱主管", None]],
    })
    result = run_generate(tmp_path, roster)
    assert sorted(people_of(result)) == ["K1", "K2"]
    assert "花名册.xlsx 工作表「名单」第4行 B列: 工号 K2 的姓名为空, 考核表上姓名一栏空着" in texts(result.problems), texts(result.problems)


def test_a_roster_without_a_header_names_the_file_and_the_sheets_looked_at(tmp_path):
    roster = workbook(tmp_path / "花名册.xlsx", {
        "说明": [["本表用于 2026 年 10 月考核"]],
        "名单": [["编号", "名字"], [1, "王芳"]],
    })
    with pytest.raises(InputFileError) as caught:
        read_roster(roster)
    message = str(caught.value)
    assert message.startswith("花名册.xlsx: 花名册应有「工号」和「姓名」列"), message
    assert "工作表「说明」、「名单」的前 10 行中没有含这些列名的表头行" in message, message
    assert "工作表「说明」第1行为: 本表用于 2026 年 10 月考核" in message, message
    # and through the command: a clear error, nothing written
    result = CliRunner().invoke(main, ["generate", "--scheme", "cs-quant", "--roster", str(roster), "--period", "2026-10",
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "工作表「说明」、「名单」的前 10 行" in result.output, result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_header_is_looked_for_in_the_first_ten_rows_only(tmp_path):
    rows = [[f"说明 {i}"] for i in range(1, 11)] + [["工号", "姓名"], ["K1", "王芳"]]
    path = workbook(tmp_path / "t.xlsx", {"表": rows})
    with pytest.raises(InputFileError, match=r"t.xlsx: 名单应有「工号」和「姓名」列, 但在工作表「表」的前 10 行中没有"):
        read_table(path, required={"工号": (), "姓名": ()}, what="名单")
    table = read_table(workbook(tmp_path / "u.xlsx", {"表": rows[1:]}), required={"工号": (), "姓名": ()})
    assert table.headers == ["工号", "姓名"] and table.rows == [["K1", "王芳"]] and table.where(0, 1) == "工作表「表」第11行 B列"
    # without what is required, the first non-empty row is the header, as before
    assert read_table(path).headers[0] == "说明 1"


def test_a_data_file_under_a_title_and_after_a_note_sheet(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门\nK1,王芳,客服一部\nK2,李娜,客服一部\n", encoding="utf-8")
    data = workbook(tmp_path / "本月数据.xlsx", {
        "说明": [["数据来源: 客服系统"]],
        "数据": [["2026年10月 客观数据"], [], ["工号", "客户投诉率", "问题解决率"], ["K1", 0.003, 0.9], ["K2", 0.001, 1.5]],
    })
    result = run_generate(tmp_path, roster, data)
    people = people_of(result)
    assert people["K1"].inputs[("complaint_rate", "complaint_rate", "")].value == pytest.approx(0.003)
    assert people["K2"].inputs[("resolution_rate", "resolution_rate", "")].value is None
    assert "本月数据.xlsx 工作表「数据」第5行 C列: 问题解决率应不大于 100%, 收到 150%; 如要填 1.5%, 请输入 1.5% (带 %), 未预填" in texts(result.problems), texts(result.problems)


# --------------------------------------------------------------------------- one sheet per department


def department_sheets(tmp_path: Path) -> Path:
    """A roster kept as HR often keeps it: a note first, then one sheet per department, the second with a title,
    its own column order and a column the first has not."""
    return workbook(tmp_path / "花名册.xlsx", {
        "说明": [["每个部门一张表"]],
        "客服一部": [HEADER[:5], ["K1", "王芳", "客服一部", "客服专员", "赵主管"], ["K2", "李娜", "客服一部", "客服专员", "赵主管"]],
        "客服二部": [["客服二部 10 月名单"], ["姓名", "工号", "部门", "岗位", "直属主管", "绩效奖金基数", "备注"],
                     ["赵敏", "K7", "客服二部", "客服专员", "钱主管", 1500, "新入职"],
                     [None, None, None, None, None, None, None],
                     ["孙丽", "K8", "客服二部", "组长", "钱主管", -3, None]],
    })


def test_a_roster_with_one_sheet_per_department_reads_every_sheet(tmp_path):
    roster = department_sheets(tmp_path)
    people, problems, notices = said(load_roster(roster))
    assert [(p.id, p.sheet, p.row, p.fields["部门"]) for p in people] == [
        ("K1", "客服一部", 2, "客服一部"), ("K2", "客服一部", 3, "客服一部"),
        ("K7", "客服二部", 3, "客服二部"), ("K8", "客服二部", 5, "客服二部")]
    # columns are matched by name on each sheet: the second sheet's 姓名 comes first and it has two more columns
    assert people[2].fields["姓名"] == "赵敏" and people[2].extra == {"绩效奖金基数": "1500", "备注": "新入职"}
    assert people[0].extra == {}
    assert notices == ["花名册.xlsx: 花名册分在 2 个工作表中, 已依次读取工作表「客服一部」(2 人)、「客服二部」(2 人)"]
    assert problems == []
    result = run_generate(tmp_path, roster)
    assert sorted(people_of(result)) == ["K1", "K2", "K7", "K8"]
    assert sorted(f.name for f in result.files) == ["2026-10-客服一部.xlsx", "2026-10-客服二部.xlsx"]
    assert people_of(result)["K7"].pay_inputs["bonus_base"].value == 1500
    assert texts(result.notices) == notices
    # a row number names its sheet
    assert texts(result.problems) == ["花名册.xlsx 工作表「客服二部」第5行 绩效奖金基数: 绩效奖金基数不能为负数, 收到 -3, 未预填"]


def test_a_roster_split_over_sheets_through_the_command(tmp_path):
    roster = workbook(tmp_path / "roster_2sheets.xlsx", {
        "客服一部": [HEADER[:5], ["K1001", "王芳", "客服一部", "客服专员", "赵主管"], ["K1002", "李娜", "客服一部", "客服专员", "赵主管"]],
        "客服二部": [HEADER[:5], ["K1007", "赵敏", "客服二部", "客服专员", "钱主管"]],
    })
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["generate", "--scheme", "cs-quant", "--roster", str(roster), "--period", "2026-10",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "已为 3 人生成 2 个工作簿" in result.output, result.output
    assert "提示 roster_2sheets.xlsx: 花名册分在 2 个工作表中, 已依次读取工作表「客服一部」(2 人)、「客服二部」(1 人)" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["2026-10-客服一部.xlsx", "2026-10-客服二部.xlsx"]
    sampled = CliRunner().invoke(main, ["sample", str(roster), "--percent", "100", "--seed", "1"])
    assert sampled.exit_code == 0, sampled.output
    lines = sampled.output.splitlines()  # the sheets read are told on stderr, as generate tells them
    assert "提示 roster_2sheets.xlsx: 花名册分在 2 个工作表中, 已依次读取工作表「客服一部」(2 人)、「客服二部」(1 人)" in lines
    assert [line.split("\t")[0] for line in lines if not line.startswith("提示 ")] == ["K1001", "K1002", "K1007"]


def test_a_id_on_two_sheets_is_a_duplicate_naming_both_places(tmp_path):
    roster = workbook(tmp_path / "花名册.xlsx", {
        "客服一部": [HEADER[:3], ["K1", "王芳", "客服一部"], ["K2", "李娜", "客服一部"]],
        "客服二部": [HEADER[:3], ["K3", "赵敏", "客服二部"], ["K2", "李娜", "客服二部"], ["K3", "又一个", "客服二部"]],
    })
    people, problems, _ = said(load_roster(roster))
    assert [p.id for p in people] == ["K1", "K2", "K3"]
    assert problems == [
        "花名册.xlsx 工作表「客服二部」第3行 A列: 工号 K2 与工作表「客服一部」第3行重复, 此行未生成考核表",
        "花名册.xlsx 工作表「客服二部」第4行 A列: 工号 K3 与第2行重复, 此行未生成考核表",
    ]


def test_a_sheet_without_a_department_column_is_not_named_after_the_sheet(tmp_path):
    roster = workbook(tmp_path / "花名册.xlsx", {
        "客服一部": [HEADER[:3], ["K1", "王芳", "客服一部"]],
        "客服二部": [["工号", "姓名"], ["K7", "赵敏"]],
    })
    people, problems, _ = said(load_roster(roster))
    assert [(p.id, p.fields["部门"]) for p in people] == [("K1", "客服一部"), ("K7", "未分部门")]
    assert problems == ["花名册.xlsx 工作表「客服二部」: 此工作表没有「部门」列, 其中的人归入「未分部门」"]
    # with the column on no sheet, it is said once, as for a single sheet
    roster = workbook(tmp_path / "无部门.xlsx", {"一": [["工号", "姓名"], ["K1", "王芳"]], "二": [["工号", "姓名"], ["K7", "赵敏"]]})
    people, problems, _ = said(load_roster(roster))
    assert [p.fields["部门"] for p in people] == ["未分部门", "未分部门"]
    assert problems == ["无部门.xlsx: 花名册没有「部门」列, 所有人归入「未分部门」"]


def test_a_department_sheet_whose_header_lacks_a_column_is_a_problem_not_skipped_silently(tmp_path):
    roster = workbook(tmp_path / "花名册.xlsx", {
        "说明": [["工号请填写完整"], ["姓名写全名"]],
        "客服一部": [HEADER[:3], ["K1", "王芳", "客服一部"]],
        "客服三部": [["工号", "名字", "部门"], ["K9", "周杰", "客服三部"]],
    })
    people, problems, notices = said(load_roster(roster))
    assert [p.id for p in people] == ["K1"]
    assert problems == ["花名册.xlsx 工作表「客服三部」: 表头中没有「姓名」列, 此工作表未读取, 其中的人未生成考核表"]
    assert notices == []  # one sheet read, as before


def test_read_tables_gives_every_sheet_with_the_header_and_read_table_the_first(tmp_path):
    path = department_sheets(tmp_path)
    required = {"工号": ("工号",), "姓名": ("姓名",)}
    tables = read_tables(path, required=required)
    assert [(t.sheet, t.first_row, len(t.rows)) for t in tables] == [("客服一部", 2, 2), ("客服二部", 3, 3)]
    assert tables[1].where(2, 1) == "工作表「客服二部」第5行 B列"
    assert read_table(path, required=required).sheet == "客服一部"
    assert [t.sheet for t in read_tables(path, "客服二部", required=required)] == ["客服二部"]
    csv = tmp_path / "r.csv"
    csv.write_text("标题\n工号,姓名\nK1,王芳\n", encoding="utf-8")
    (table,) = read_tables(csv, required=required)
    assert table.sheet is None and table.rows == [["K1", "王芳"]]


def test_sampling_a_roster_split_over_sheets_matches_columns_by_name(tmp_path):
    headers, rows = sample_staff(department_sheets(tmp_path), "100", 1)
    assert headers == ["工号", "姓名", "部门", "岗位", "直属主管", "绩效奖金基数", "备注"]
    assert rows == [["K1", "王芳", "客服一部", "客服专员", "赵主管", "", ""],
                    ["K2", "李娜", "客服一部", "客服专员", "赵主管", "", ""],
                    ["K7", "赵敏", "客服二部", "客服专员", "钱主管", "1500", "新入职"],
                    ["K8", "孙丽", "客服二部", "组长", "钱主管", "-3", ""]]


def test_a_data_file_with_one_sheet_per_department(tmp_path):
    roster = department_sheets(tmp_path)
    data = workbook(tmp_path / "数据.xlsx", {
        "说明": [["数据来源: 客服系统"]],
        "客服一部": [["工号", "客户投诉率"], ["K1", 0.003], ["K2", 0.004]],
        "名单": [["工号", "姓名"], ["K1", "王芳"]],  # no column of the scheme: not data
        "客服二部": [["10 月"], ["工号", "客户满意度", "客户投诉率"], ["K7", 91, 0.001], ["K2", 80, 0.009]],
    })
    result = run_generate(tmp_path, roster, data)
    people = people_of(result)
    assert people["K1"].inputs[("complaint_rate", "complaint_rate", "")].value == pytest.approx(0.003)
    assert people["K7"].inputs[("satisfaction", "satisfaction", "")].value == 91
    assert people["K7"].inputs[("complaint_rate", "complaint_rate", "")].value == pytest.approx(0.001)
    assert people["K2"].inputs[("complaint_rate", "complaint_rate", "")].value == pytest.approx(0.004)  # the first
    assert ("数据.xlsx 工作表「客服二部」第4行 A列: 工号 K2 重复 (已在 工作表「客服一部」第3行 A列), 本行未预填"
            in texts(result.problems)), texts(result.problems)
    assert "数据.xlsx: 数据分在 2 个工作表中, 已依次读取工作表「客服一部」、「客服二部」; 工作表「名单」中没有方案 cs-quant 的指标列, 未读取" \
        in texts(result.notices), texts(result.notices)


# --------------------------------------------------------------------------- pay amounts on the roster


def test_a_negative_or_text_bonus_base_on_the_roster_is_reported_and_left_empty(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门,绩效奖金基数\nK1,王芳,一部,1200\nK2,李娜,一部,-500\nK3,张伟,一部,abc\nK4,刘洋,一部,0\n",
                      encoding="utf-8")
    result = run_generate(tmp_path, roster)
    assert "roster.csv 第3行 绩效奖金基数: 绩效奖金基数不能为负数, 收到 -500, 未预填" in texts(result.problems), texts(result.problems)
    assert "roster.csv 第4行 绩效奖金基数: 绩效奖金基数应为数字, 收到文字「abc」, 未预填" in texts(result.problems), texts(result.problems)
    people = people_of(result)
    assert people["K1"].pay_inputs["bonus_base"].value == 1200
    assert people["K2"].pay_inputs["bonus_base"].value is None  # left for HR to fill
    assert people["K3"].pay_inputs["bonus_base"].value is None
    assert people["K4"].pay_inputs["bonus_base"].value == 0  # zero is an amount


def test_a_negative_bonus_base_on_an_xlsx_roster_names_the_sheet(tmp_path):
    roster = workbook(tmp_path / "花名册.xlsx", {"说明": [["见下一张表"]],
                                                "名单": [HEADER, ["K1", "王芳", "一部", None, None, -1]]})
    result = run_generate(tmp_path, roster)
    assert "花名册.xlsx 工作表「名单」第2行 绩效奖金基数: 绩效奖金基数不能为负数, 收到 -1, 未预填" in texts(result.problems), texts(result.problems)
    assert people_of(result)["K1"].pay_inputs["bonus_base"].value is None


def test_a_bad_bonus_base_in_the_data_file_says_the_roster_amount_is_used_instead(tmp_path):
    """A refused amount of the data file leaves the roster's in the cell: the problem says so, and 未预填 only
    when the cell is really left empty."""
    roster, data = tmp_path / "roster.csv", tmp_path / "data.csv"
    roster.write_text("工号,姓名,部门,绩效奖金基数\nK1,王芳,一部,1200\nK2,李娜,一部,1000.5\nK3,张伟,一部,\nK4,刘洋,一部,-1\n",
                      encoding="utf-8")
    data.write_text("工号,绩效奖金基数\nK1,-800\nK2,abc\nK3,-5\nK4,abc\n", encoding="utf-8")
    result = run_generate(tmp_path, roster, data)
    assert texts(result.problems) == [
        "roster.csv 第5行 绩效奖金基数: 绩效奖金基数不能为负数, 收到 -1, 未预填",
        "data.csv 第2行 B列: 绩效奖金基数不能为负数, 收到 -800, 已改用花名册中的值 1200",
        "data.csv 第3行 B列: 绩效奖金基数应为数字, 收到文字「abc」, 已改用花名册中的值 1000.5",
        "data.csv 第4行 B列: 绩效奖金基数不能为负数, 收到 -5, 未预填",
        "data.csv 第5行 B列: 绩效奖金基数应为数字, 收到文字「abc」, 未预填",
    ], texts(result.problems)
    people = people_of(result)
    assert people["K1"].pay_inputs["bonus_base"].value == 1200  # the roster's amount, as the problem says
    assert people["K2"].pay_inputs["bonus_base"].value == 1000.5
    assert people["K3"].pay_inputs["bonus_base"].value is None  # left for HR to fill
    assert people["K4"].pay_inputs["bonus_base"].value is None


def test_a_bad_bonus_base_on_the_roster_says_the_data_file_amount_is_used_instead(tmp_path):
    roster, data = tmp_path / "roster.csv", tmp_path / "data.csv"
    roster.write_text("工号,姓名,部门,绩效奖金基数\nK1,王芳,一部,abc\nK2,李娜,一部,-3\n", encoding="utf-8")
    data.write_text("工号,绩效奖金基数\nK1,900\n", encoding="utf-8")
    result = run_generate(tmp_path, roster, data)
    assert texts(result.problems) == [
        "roster.csv 第2行 绩效奖金基数: 绩效奖金基数应为数字, 收到文字「abc」, 已改用数据文件中的值 900",
        "roster.csv 第3行 绩效奖金基数: 绩效奖金基数不能为负数, 收到 -3, 未预填",
    ], texts(result.problems)
    people = people_of(result)
    assert people["K1"].pay_inputs["bonus_base"].value == 900
    assert people["K2"].pay_inputs["bonus_base"].value is None


def test_bad_sales_amounts_say_which_value_the_sheet_got(tmp_path):
    """计划销售额, 实际销售额 and 其他 (cs-table) come from the roster and the data file as 绩效奖金基数 does."""
    roster = workbook(tmp_path / "花名册.xlsx", {"名单": [
        ["工号", "姓名", "部门", "计划销售额", "实际销售额", "其他"],
        ["K1", "王芳", "一部", 50000, "五万", -20],
    ]})
    data = workbook(tmp_path / "数据.xlsx", {"数据": [["工号", "计划销售额", "实际销售额", "其他"], ["K1", "abc", 42000.5, None]]})
    scheme, text = get_scheme_with_text("cs-table")
    result = generate(scheme, text, roster, "2026-10", tmp_path / "out", data=data)
    assert texts(result.problems) == [
        "花名册.xlsx 工作表「名单」第2行 实际销售额: 实际销售额应为数字, 收到文字「五万」, 已改用数据文件中的值 42000.5",
        "花名册.xlsx 工作表「名单」第2行 其他: 其他不能为负数, 收到 -20, 未预填",
        "数据.xlsx 工作表「数据」第2行 B列: 计划销售额应为数字, 收到文字「abc」, 已改用花名册中的值 50000",
    ], texts(result.problems)
    pay = people_of(result)["K1"].pay_inputs
    assert (pay["plan"].value, pay["actual"].value, pay["other"].value) == (50000, 42000.5, None)


def test_a_roster_with_two_columns_for_one_amount_reads_the_first_value(tmp_path):
    """绩效奖金基数 and 績效獎金基數 on one roster: the first value given is the one read, and a refused one is not
    replaced behind the problem's back (which says 未预填)."""
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门,绩效奖金基数,績效獎金基數\nK1,王芳,一部,abc,1000\nK2,李娜,一部,,800\n", encoding="utf-8")
    result = run_generate(tmp_path, roster)
    assert texts(result.problems) == ["roster.csv 第2行 绩效奖金基数: 绩效奖金基数应为数字, 收到文字「abc」, 未预填"], texts(result.problems)
    people = people_of(result)
    assert people["K1"].pay_inputs["bonus_base"].value is None
    assert people["K2"].pay_inputs["bonus_base"].value == 800


# --------------------------------------------------------------------------- leading zeros


@pytest.mark.parametrize(("on_roster", "in_data", "said"), [
    ("001234", "1234", "花名册中有 001234: 数据文件中工号前面的 0 可能被 Excel 去掉了"),
    ("1234", "001234", "花名册中有 1234: 花名册中工号前面的 0 可能被 Excel 去掉了"),
    ("01234", "001234", "花名册中有 01234: 两个文件中工号前面的 0 个数不同"),
])
def test_leading_zeros_are_blamed_on_the_file_that_lost_them(tmp_path, on_roster, in_data, said):
    roster, data = tmp_path / "roster.csv", tmp_path / "data.csv"
    roster.write_text(f"工号,姓名,部门\n{on_roster},王芳,一部\n", encoding="utf-8")
    data.write_text(f"工号,客户投诉率\n{in_data},0.3%\n", encoding="utf-8")
    result = run_generate(tmp_path, roster, data)
    (problem,) = [p for p in texts(result.problems) if f"工号 {in_data} 不在花名册中" in p]
    assert problem.startswith(f"data.csv: 工号 {in_data} 不在花名册中, 其数据未预填 ({said}"), problem
    other = "花名册中工号" if "数据文件中工号" in said else "数据文件中工号"
    assert other not in problem


# --------------------------------------------------------------------------- cover links


@pytest.fixture
def apostrophes(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门\nK1,王芳,一部\nK2,O'Brien,一部\nK3,D''Arcy,一部\n", encoding="utf-8")
    (path,) = run_generate(tmp_path, roster).files
    return path


def cover_links(path: Path) -> dict[str, tuple[str | None, str | None]]:
    ws = openpyxl.load_workbook(path)["封面"]
    return {c.value: (c.hyperlink.target, c.hyperlink.location) for row in ws.iter_rows() for c in row if c.hyperlink}


def external_links(path: Path) -> list[str]:
    """Targets of the cover sheet's relationships that leave the workbook (TargetMode="External")."""
    rel = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
        rid = next(s.get(f"{{{R}}}id") for s in book.iterfind("m:sheets/m:sheet", ns) if s.get("name") == "封面")
        sheet = next(r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels")).iter(rel)
                     if r.get("Id") == rid)
        sheet = "xl/" + sheet.removeprefix("/xl/")
        rels = str(PurePosixPath(sheet).parent / "_rels" / (PurePosixPath(sheet).name + ".rels"))
        if rels not in z.namelist():
            return []
        return [r.get("Target") for r in ET.fromstring(z.read(rels)).iter(rel) if r.get("TargetMode") == "External"]


def test_cover_links_are_locations_with_apostrophes_doubled(apostrophes):
    book = openpyxl.load_workbook(apostrophes)
    assert {"K2-O'Brien", "K3-D''Arcy"} <= set(book.sheetnames)
    assert cover_links(apostrophes) == {
        "K1-王芳": (None, "'K1-王芳'!A1"),
        "K2-O'Brien": (None, "'K2-O''Brien'!A1"),
        "K3-D''Arcy": (None, "'K3-D''''Arcy'!A1"),
    }
    assert external_links(apostrophes) == []  # no link leaves the workbook


def test_cover_links_stay_inside_the_workbook_when_libreoffice_saves_it(apostrophes, tmp_path):
    (saved,) = recalc([apostrophes], tmp_path / "lo")
    assert external_links(saved) == []  # written as a target "#…" they came back as links to the file's own path
    assert cover_links(saved) == cover_links(apostrophes)


UNO_LINKS = r'''
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import lo_uno as lo

with lo.running(sys.argv[2]) as desktop:
    doc = desktop.loadComponentFromURL(Path(sys.argv[3]).resolve().as_uri(), "_blank", 0, (lo.prop("Hidden", True),))
    cover, out = doc.Sheets.getByName("封面"), {}
    for r in range(60):
        for c in range(12):
            fields = cover.getCellByPosition(c, r).getTextFields().createEnumeration()
            while fields.hasMoreElements():
                url = fields.nextElement().URL
                text = cover.getCellByPosition(c, r).String
                if not url.startswith("#"):
                    out[text] = "external: " + url
                    continue
                conversion = doc.createInstance("com.sun.star.table.CellAddressConversion")
                try:
                    conversion.PersistentRepresentation = url[1:]
                    a = conversion.Address
                    out[text] = [doc.Sheets.getByIndex(a.Sheet).Name, a.Column, a.Row]
                except Exception:  # not a reference Calc can follow
                    out[text] = "unresolved: " + url
    doc.close(True)
    print(json.dumps(out, ensure_ascii=False))
'''


def test_libreoffice_follows_each_cover_link_to_its_sheet(apostrophes, tmp_path):
    run = run_uno(UNO_LINKS, tmp_path, str(apostrophes))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.strip().splitlines()[-1]) == {
        "K1-王芳": ["K1-王芳", 0, 0],
        "K2-O'Brien": ["K2-O'Brien", 0, 0],
        "K3-D''Arcy": ["K3-D''Arcy", 0, 0],
    }


def test_a_roster_given_as_the_hr_workbook_is_its_roster_sheet_only(tmp_path):
    """The HR workbook's 数据, 汇总 and 年度汇总 sheets have 工号 and 姓名 columns too: read as roster sheets they made
    duplicates of everyone, and a sheet for someone no longer on the 花名册."""
    import openpyxl

    book = openpyxl.Workbook()
    roster = book.active
    roster.title = "花名册"
    roster.append(["工号", "姓名", "部门"])
    roster.append(["K1", "张三", "一部"])
    data = book.create_sheet("数据")
    data.append(["工号", "姓名", "部门", "客户投诉率"])
    data.append(["K1", "张三", "一部", 0.003])
    data.append(["K6", "杨磊", "一部", 0.002])  # left the company: not on the 花名册 any more
    path = tmp_path / "KPI考核.xlsx"
    book.save(path)
    people, problems, notices = said(load_roster(path))
    assert [p.id for p in people] == ["K1"] and problems == [] and notices == []
