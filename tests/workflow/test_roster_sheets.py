"""A roster split over sheets (one per department) is told alike by every command that reads one: generate,
sample and metrics --roster say which sheets were read and how many people each gave."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xl_kpi.base.findings import Finding, texts
from xl_kpi.cli import main
from xl_kpi.workflow.sampling import sample_staff

HEADER = ["工号", "姓名", "部门", "岗位", "直属主管"]
NOTICE = "花名册.xlsx: 花名册分在 2 个工作表中, 已依次读取工作表「客服一部」(2 人)、「客服二部」(1 人)"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def roster(tmp_path) -> Path:
    """A note first, then a sheet per department, the second under a title (the 说明 sheet is not counted)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in {
        "说明": [["每个部门一张表"]],
        "客服一部": [HEADER, ["K1", "王芳", "客服一部", "客服专员", "赵主管"], ["K2", "李娜", "客服一部", "客服专员", "赵主管"]],
        "客服二部": [["客服二部 10 月名单"], HEADER, ["K7", "赵敏", "客服二部", "客服专员", "钱主管"],
                     ["K2", "李娜", "客服二部", "客服专员", "钱主管"]],  # a 工号 of the first sheet: not counted again
    }.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    path = tmp_path / "花名册.xlsx"
    book.save(path)
    return path


def test_generate_tells_the_sheets_read(roster, tmp_path):
    result = run("generate", "--scheme", "cs-quant", "--roster", roster, "--period", "2026-10", "--out", tmp_path / "out")
    assert f"提示 {NOTICE}" in result.output.splitlines(), result.output


def test_sample_tells_the_sheets_read_as_generate_does(roster, tmp_path):
    result = run("sample", roster, "--percent", "100", "--seed", "1")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"提示 {NOTICE}" in lines, lines
    assert [line.split("\t")[0] for line in lines if not line.startswith("提示 ")] == ["K1", "K2", "K7"]
    out = tmp_path / "抽样.csv"
    result = run("sample", roster, "--percent", "100", "--seed", "1", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"提示 {NOTICE}", f"抽取 3 人, 已写入 {out}"]


def test_sample_staff_gives_the_notice_only_for_several_sheets(roster, tmp_path):
    notices: list[Finding] = []
    headers, rows = sample_staff(roster, "100", 1, notices=notices)
    assert texts(notices) == [NOTICE] and notices[0].severity == "提示" and [r[0] for r in rows] == ["K1", "K2", "K7"]
    one = tmp_path / "one.csv"
    one.write_text("工号,姓名\nK1,王芳\n", encoding="utf-8")
    notices = []
    sample_staff(one, "100", 1, notices=notices)
    assert notices == []
    assert sample_staff(roster, "100", 1) == (headers, rows)  # without the list, as before


def test_metrics_with_a_roster_tells_the_sheets_read(roster, tmp_path):
    tickets = tmp_path / "tickets.csv"
    with open(tickets, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([
            ["工单编号", "客服工号", "客户ID", "创建时间", "首次回复时间", "是否解决", "是否投诉", "满意度"],
            ["T1", "K1", "C1", "2026-10-05 09:00:00", "2026-10-05 09:04:00", "是", "否", "90"],
            ["T2", "K7", "C2", "2026-10-06 09:00:00", "2026-10-06 09:10:00", "是", "否", "80"],
        ])
    result = run("metrics", tickets, "--period", "2026-10", "--roster", roster, "--satisfaction-scale", "100",
                 "-o", tmp_path / "DATA.xlsx")
    assert result.exit_code == 0, result.output
    assert f"提示 {NOTICE}" in result.output.splitlines(), result.output
