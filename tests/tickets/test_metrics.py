"""`xl-kpi metrics`: ticket exports -> per-agent indicator inputs (hand-computed logs, every bad-row
kind, headers in 简体 / 繁體 / English, business hours, and the counts adding up)."""

from __future__ import annotations

import csv
import tempfile
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xl_kpi.base.errors import InputFileError, InputValueError, OutputFileError
from xl_kpi.base.findings import texts
from xl_kpi.cli import main
from xl_kpi.engine.score import score_indicator
from xl_kpi.excel.reader import read_filled_workbook
from xl_kpi.excel.tables import read_table
from xl_kpi.schemes.scheme import builtin_scheme
from xl_kpi.tickets import compute_metrics, customers, write_metrics
from xl_kpi.tickets.hours import Schedule, business_clock_expr, business_minutes, parse_schedule
from xl_kpi.tickets.times import parse_peak

HANS = ["工单编号", "客服工号", "客户ID", "创建时间", "首次回复时间", "是否解决", "是否投诉", "满意度"]
HANT = ["工單編號", "客服工號", "客戶ID", "建立時間", "首次回覆時間", "是否解決", "是否投訴", "滿意度"]
ENGLISH = ["Ticket ID", "agent_id", "customer_id", "Created At", "first_reply_at", "resolved", "is_complaint", "CSAT"]

# A hand-computed month (2026-10; the 5th is a Monday).  Satisfaction on a 5-point scale.
LOG = [
    # ticket, agent, customer, created, first reply, resolved, complaint, satisfaction
    ["T1", "K1", "C1", "2026-10-05 09:00:00", "2026-10-05 09:04:00", "是", "否", "4"],  # 4 min
    ["T2", "K1", "C2", "2026-10-05 17:50:00", "2026-10-06 09:20:00", "否", "是", "2"],  # 930 min; 30 working
    ["T3", "K1", "C1", "2026-10-09 17:30:00", "2026-10-12 09:30:00", "是", "否", ""],  # Fri->Mon: 3840; 60 working
    ["T4", "K1", "C3", "2026-10-20 10:00:00", "", "是", "否", ""],  # never answered
    ["T5", "K2", "C1", "2026-10-18 10:00:00", "2026-10-18 10:01:00", "是", "否", "5"],  # Sunday: 1 min; 0 working
    ["T6", "K2", "C3", "2026-10-22 10:00:00", "2026-10-22 10:10:00", "否", "是", "3"],
    ["T7", "K2", "C4", "2026-10-31 23:00:00", "2026-11-01 00:30:00", "是", "否", ""],  # 90 min
    ["T8", "K2", "C4", "2026-11-02 08:00:00", "2026-11-02 08:05:00", "是", "否", ""],  # November: not counted
]


def write_log(path: Path, rows: list[list[str]], headers: list[str] = HANS, encoding: str = "utf-8-sig") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def by_id(result) -> dict[str, dict]:
    return {rec["工号"]: rec for rec in result.records()}


@pytest.fixture
def log(tmp_path):
    return write_log(tmp_path / "tickets.csv", LOG)


# =========================================================================== hand-computed figures


def test_hand_computed_month(log):
    result = compute_metrics([log], "2026-10", satisfaction_scale=5)
    k1, k2 = by_id(result)["K1"], by_id(result)["K2"]
    assert result.headers[:7] == ["工号", "客户投诉率", "平均响应时间", "问题解决率", "客户满意度", "首次解决率", "服务客户数"]
    # K1: customers C1 C2 C3, C2 complained; 3 of 4 resolved; answered 4 + 930 + 3840 minutes
    assert (k1["服务客户数"], k1["投诉客户数"], k1["问题总数"], k1["已解决数"], k1["未回复数"], k1["评价数"]) == (3, 1, 4, 3, 1, 2)
    assert k1["客户投诉率"] == float(Decimal(1) / 3)
    assert k1["平均响应时间"] == float(Decimal(4774) / 3)
    assert k1["问题解决率"] == 0.75
    assert k1["客户满意度"] == 60  # (4 + 2) / 2 × 20
    # first contact: T1 is followed by C1's T3 four days later; T4 by C3's T6 two days later; T3 is not
    assert k1["首次解决数"] == 1 and k1["首次解决率"] == 0.25
    # K2: T7 at 23:00 on the 31st is followed by T8 in November (outside the month, still a repeat contact)
    assert (k2["服务客户数"], k2["投诉客户数"], k2["问题总数"], k2["已解决数"], k2["首次解决数"]) == (3, 1, 3, 2, 1)
    assert k2["平均响应时间"] == float(Decimal(101) / 3)
    assert k2["客户满意度"] == 80
    assert result.outside == 1 and result.problem_count == 0 and result.rows_read == 8


def test_median_business_hours_peak_and_repeat_window(log):
    result = compute_metrics([log], "2026-10", satisfaction_scale=5, median=True)
    assert by_id(result)["K1"]["平均响应时间"] == 930
    worked = compute_metrics([log], "2026-10", satisfaction_scale=5, hours="09:00-18:00", workdays="1-5")
    assert by_id(worked)["K1"]["平均响应时间"] == float(Decimal(4 + 30 + 60) / 3)
    assert by_id(worked)["K2"]["平均响应时间"] == float(Decimal(0 + 10 + 0) / 3)  # Sunday; Saturday 00:30
    peak = compute_metrics([log], "2026-10", satisfaction_scale=5, peak="2026-10-05..2026-10-06")
    assert by_id(peak)["K1"]["高峰期平均响应时间"] == 467  # (4 + 930) / 2
    assert by_id(peak)["K2"]["高峰期平均响应时间"] is None  # no ticket in the peak
    three = compute_metrics([log], "2026-10", satisfaction_scale=5, fcr_days=3)
    assert by_id(three)["K1"]["首次解决数"] == 2  # T1's follow-up came after 4 days


def test_satisfaction_scale_is_never_guessed(log, tmp_path):
    with pytest.raises(InputValueError, match=r"满意度评分最高只有 5, 看起来是 5 分制.*--satisfaction-scale 5"):
        compute_metrics([log], "2026-10")
    result = run("metrics", log, "--period", "2026-10", "-o", tmp_path / "d.xlsx")
    assert result.exit_code == 2 and "错误: 满意度评分最高只有 5" in result.output
    assert not (tmp_path / "d.xlsx").exists()
    hundred = compute_metrics([log], "2026-10", satisfaction_scale=100)  # told: taken as it is
    assert by_id(hundred)["K1"]["客户满意度"] == 3


def test_roster_maps_names_and_lists_everyone(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\nE1,张三,一部,客服,赵\nE2,李四,一部,客服,赵\nE3,王五,二部,客服,钱\n",
                      encoding="utf-8")
    rows = [["T1", "张三", "C1", "2026-10-05 09:00:00", "2026-10-05 09:10:00", "是", "否", "90"],
            ["T2", "E1", "C2", "2026-10-06 09:00:00", "2026-10-06 09:20:00", "是", "否", "80"]]
    path = write_log(tmp_path / "t.csv", rows, headers=["工单编号", "客服", *HANS[2:]])
    result = compute_metrics([path], "2026-10", roster=roster)
    assert result.headers[:3] == ["工号", "姓名", "部门"]
    people = by_id(result)
    assert list(people) == ["E1", "E2", "E3"]  # roster order, everyone listed
    assert people["E1"]["问题总数"] == 2 and people["E1"]["姓名"] == "张三" and people["E1"]["平均响应时间"] == 15
    assert people["E2"]["问题总数"] == 0 and people["E2"]["平均响应时间"] is None


def test_roster_ids_lost_zeros_and_full_width(tmp_path):
    """With --roster, a 工号 whose zeros Excel dropped in the roster (1 for 001) was 「不在花名册中」 with no hint,
    unlike generate; a full-width Ｋ004 in the export did not match K004 on the roster."""
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名\n1,王芳\nK004,李娜\n", encoding="utf-8")
    rows = [["T1", "001", "C1", "2026-10-05 09:00:00", "2026-10-05 09:10:00", "是", "否", "90"],
            ["T2", "Ｋ004", "C2", "2026-10-05 09:00:00", "2026-10-05 09:20:00", "是", "否", "90"]]
    result = compute_metrics([write_log(tmp_path / "t.csv", rows)], "2026-10", roster=roster)
    assert result.problem_lines() == ["t.csv 第2行: 客服「001」不在花名册中 (花名册中有 1: 花名册中工号前面的 0 可能被 Excel "
                                      "去掉了, 请把工号列设为文本格式后重新输入)"]
    assert by_id(result)["K004"]["问题总数"] == 1 and by_id(result)["K004"]["平均响应时间"] == 20


def test_a_roster_row_left_out_says_so_in_the_words_of_metrics(tmp_path):
    """metrics said of a roster row with no or a repeated 工号 「此行未生成考核表」, generate's words."""
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名\nE1,张三\n,李四\nE1,王五\n", encoding="utf-8")
    path = write_log(tmp_path / "t.csv", [["T1", "E1", "C1", "2026-10-05 09:00:00", "2026-10-05 09:10:00", "是", "否", "90"]])
    notices = texts(compute_metrics([path], "2026-10", roster=roster).notices)
    assert "roster.csv 第3行 A列: 工号为空, 此行未读入" in notices
    assert "roster.csv 第4行 A列: 工号 E1 与第2行重复, 此行未读入" in notices


# =========================================================================== bad rows


BAD = [  # (row, kind, message, ticket row)
    (2, "创建时间无法识别", "创建时间「2026-13-01 10:00:00」无法识别",
     ["B1", "K1", "C9", "2026-13-01 10:00:00", "", "是", "否", ""]),
    (3, "创建时间无法识别", "创建时间为空", ["B2", "K1", "C9", "", "", "是", "否", ""]),
    (4, "回复时间无法识别", "首次回复时间「soon」无法识别", ["B3", "K1", "C9", "2026-10-05 10:00:00", "soon", "是", "否", ""]),
    (5, "回复早于提问", "首次回复时间 2026-10-05 09:59:00 早于创建时间 2026-10-05 10:00:00",
     ["B4", "K1", "C9", "2026-10-05 10:00:00", "2026-10-05 09:59:00", "是", "否", ""]),
    (6, "缺少客服", "客服工号和姓名都为空", ["B5", "", "C9", "2026-10-05 10:00:00", "", "是", "否", ""]),
    (7, "缺少客户", "客户为空", ["B6", "K1", " ", "2026-10-05 10:00:00", "", "是", "否", ""]),
    (8, "未知客服", "客服「K9」不在花名册中", ["B7", "K9", "C9", "2026-10-05 10:00:00", "", "是", "否", ""]),
    (9, "未知客服", "客服「王五」在花名册中有 2 人同名 (K3、K4), 无法确定工号",
     ["B8", "王五", "C9", "2026-10-05 10:00:00", "", "是", "否", ""]),
    (10, "解决状态无法识别", "解决状态「maybe」无法识别", ["B9", "K1", "C9", "2026-10-05 10:00:00", "", "maybe", "否", ""]),
    (11, "投诉标记无法识别", "投诉标记「?」无法识别", ["B10", "K1", "C9", "2026-10-05 10:00:00", "", "是", "?", ""]),
    (12, "满意度评分无效", "满意度评分「abc」不是数字", ["B11", "K1", "C9", "2026-10-05 10:00:00", "", "是", "否", "abc"]),
    (13, "满意度评分无效", "满意度评分 7 超出 0~5", ["B12", "K1", "C9", "2026-10-05 10:00:00", "", "是", "否", "7"]),
    (14, "服务态度评分无效", "服务态度评分 6 超出 0~5", ["B13", "K1", "C9", "2026-10-05 10:00:00", "", "是", "否", "", "6"]),
    (16, "重复工单", "工单编号与 bad.csv 第15行相同, 是重复的工单",
     ["G1", "K1", "C9", "2026-10-05 10:00:00", "", "是", "否", ""]),
]


@pytest.fixture
def bad_log(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\nK1,张三,一部,,\nK3,王五,一部,,\nK4,王五,二部,,\n", encoding="utf-8")
    rows = [r + [""] * (9 - len(r)) for _, _, _, r in BAD]
    rows.insert(13, ["G1", "K1", "C8", "2026-10-05 11:00:00", "2026-10-05 11:05:00", " 已解决 ", "否", "5", "4.5"])  # row 15
    rows.append(["G2", "K1", "C7", "2026-10-07 11:00:00", "2026/10/07 11:02", "YES", "No", "４", ""])  # row 17: fine
    path = write_log(tmp_path / "bad.csv", rows, headers=HANS + ["服务态度"])
    return path, roster


def test_every_bad_row_kind_is_listed_with_its_row(bad_log, tmp_path):
    path, roster = bad_log
    out = tmp_path / "DATA.xlsx"
    result = run("metrics", path, "--period", "2026-10", "--roster", roster, "--satisfaction-scale", "5", "-o", out)
    assert result.exit_code == 1
    sheet = read_table(out, "问题")
    assert sheet.headers == ["文件", "行", "问题", "说明"]
    listed = [(int(r[1]), r[2], r[3]) for r in sheet.rows]
    assert [(row, kind) for row, kind, _ in listed] == [(row, kind) for row, kind, _, _ in BAD]
    for (row, _, message), (_, _, expected, _) in zip(listed, BAD):
        assert message.startswith(expected), (row, message)
        assert f"问题 bad.csv 第{row}行: {expected}" in result.output
    # the two good rows (15 and 17) are counted: spaces, letter case, 2026/10/07 11:02 and full-width ４ read
    k1 = next(r for r in read_table(out).rows if r[0] == "K1")
    data = dict(zip(read_table(out).headers, k1))
    assert (data["问题总数"], data["已解决数"], data["平均响应时间"], data["客户满意度"], data["服务态度"]) == (2, 2, 3.5, 90, 4.5)
    assert "读取 1 个文件 16 行: 2 行计入, 14 行有问题" in result.output


def test_problems_are_counted_not_dropped(bad_log):
    path, roster = bad_log
    result = compute_metrics([path], "2026-10", roster=roster, satisfaction_scale=5)
    assert result.problem_count == len(BAD) == sum(result.kind_counts.values())
    assert result.kind_counts["未知客服"] == 2 and result.kind_counts["创建时间无法识别"] == 2
    assert sum(r["问题总数"] for r in result.records()) == result.rows_read - result.problem_count - result.outside


def test_duplicates_across_files_and_without_ticket_ids(tmp_path):
    a = write_log(tmp_path / "a.csv", LOG[:2])
    b = write_log(tmp_path / "b.csv", [LOG[1], LOG[2]])
    result = compute_metrics([a, b], "2026-10", satisfaction_scale=5)
    assert result.problem_lines() == ["b.csv 第2行: 工单编号与 a.csv 第3行相同, 是重复的工单"]
    no_ids = write_log(tmp_path / "c.csv", [r[1:] for r in [LOG[0], LOG[1], LOG[0]]], headers=HANS[1:])
    result = compute_metrics([no_ids], "2026-10", satisfaction_scale=5)
    assert result.problem_lines() == [
        "c.csv 第4行: 客服、客户、创建时间和首次回复时间 (导出文件没有工单编号列)与 c.csv 第2行相同, 是重复的工单"]


@pytest.mark.parametrize("options", [{}, {"median": True}, {"peak": "2026-10-05..2026-10-06", "hours": "09:00-18:00"}],
                         ids=["mean", "median", "peak, business hours"])
def test_copies_are_taken_out_of_every_figure(log, tmp_path, options):
    # copies of T2 (930 minutes: would move K1's response time), T5 (K2's only first-contact resolution:
    # a copy in the same second would make it a repeat contact) and T8 (November: not reported)
    path = write_log(tmp_path / "copies.csv", LOG + [LOG[1], LOG[4], LOG[7]])
    result = compute_metrics([path], "2026-10", satisfaction_scale=5, **options)
    assert result.rows == compute_metrics([log], "2026-10", satisfaction_scale=5, **options).rows
    assert result.problem_lines() == [f"copies.csv 第{row}行: 工单编号与 copies.csv 第{first}行相同, 是重复的工单"
                                      for row, first in ((10, 3), (11, 6))]
    assert (result.rows_read, result.counted, result.outside) == (11, 7, 2)


def test_blank_rows_and_outside_rows_are_counted_per_file(tmp_path):
    path = write_log(tmp_path / "t.csv", [LOG[0], [""] * 8, LOG[7]])
    result = compute_metrics([path], "2026-10", satisfaction_scale=5)
    (stats,) = result.files
    assert (stats.rows, stats.counted, stats.outside, stats.blank, stats.problems) == (2, 1, 1, 1, 0)


# =========================================================================== repeat contacts, export coverage

# K1's tickets are all resolved (2026-10).  A reported row stays out of every figure, but when its customer and
# creation time can be read it is still a contact of that customer: the earlier ticket was not resolved at first contact.
CONTACTS = [
    # ticket, agent, customer, created, first reply, resolved, complaint, satisfaction
    ["A1", "K1", "C1", "2026-10-05 09:00:00", "", "是", "否", ""],  # not first contact: A2
    ["A2", "K9", "C1", "2026-10-07 09:00:00", "", "是", "否", ""],  # 未知客服
    ["A3", "K1", "C2", "2026-10-10 09:00:00", "", "是", "否", ""],  # not first contact: A4
    ["A4", "K1", "C2", "2026-10-12 09:00:00", "2026-10-12 08:59:00", "是", "否", ""],  # 回复早于提问
    ["A5", "K1", "C3", "2026-10-15 09:00:00", "", "是", "否", ""],  # not first contact: A6
    ["A6", "K1", "C3", "2026-10-16 09:00:00", "", "maybe", "否", ""],  # 解决状态无法识别
    ["A7", "K1", "C4", "2026-10-20 09:00:00", "", "是", "否", ""],  # not first contact: A8
    ["A8", "K1", "C4", "2026-10-21 09:00:00", "", "是", "否", "abc"],  # 满意度评分无效
    ["A9", "K1", "C5", "2026-10-22 09:00:00", "", "是", "否", ""],  # not first contact: A10
    ["A10", "", "C5", "2026-10-23 09:00:00", "", "是", "否", ""],  # 缺少客服
    ["A11", "K1", "C6", "2026-10-24 09:00:00", "", "是", "否", ""],  # first contact: A12 has no readable time
    ["A12", "K1", "C6", "2026-10-25 25:00:00", "", "是", "否", ""],  # 创建时间无法识别
    ["A13", "K1", "C7", "2026-10-25 09:00:00", "", "是", "否", ""],  # first contact: A13 again is the same ticket
    ["A13", "K1", "C7", "2026-10-25 09:00:00", "", "maybe", "否", ""],  # 解决状态无法识别
    ["A14", "K1", "C8", "2026-10-26 09:00:00", "", "是", "否", ""],  # first contact: a copy is no new contact
    ["A14", "K1", "C8", "2026-10-26 09:00:00", "", "是", "否", ""],  # 重复工单
    ["A15", "K1", "C9", "2026-10-27 10:00:00", "", "是", "否", ""],  # not first contact: A16 in the same second
    ["A16", "", "C9", "2026-10-27 10:00:00", "", "是", "否", ""],  # 缺少客服
    ["A17", "K1", "C10", "2026-10-28 10:00:00", "", "是", "否", ""],  # first contact: A18 came before
    ["A18", "", "C10", "2026-10-26 10:00:00", "", "是", "否", ""],  # 缺少客服
    ["A19", "K1", "C11", "2026-10-02 10:00:00", "", "是", "否", ""],  # first contact: A20 came 8 days later
    ["A20", "", "C11", "2026-10-10 10:00:00", "", "是", "否", ""],  # 缺少客服
    ["A21", "K1", "C12", "2026-10-30 10:00:00", "", "是", "否", ""],  # not first contact: A22 in November
    ["A22", "", "C12", "2026-11-02 10:00:00", "", "是", "否", ""],  # outside the month: not listed, still a contact
    ["A23", "K1", "", "2026-10-03 10:00:00", "", "是", "否", ""],  # 缺少客户: nobody's contact
]


@pytest.mark.parametrize("ids", [True, False], ids=["ticket ids", "no ticket ids"])
def test_reported_rows_are_still_contacts_of_their_customer(tmp_path, monkeypatch, ids):
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\nK1,张三,一部,,\n", encoding="utf-8")
    rows = CONTACTS if ids else [r[1:] for r in CONTACTS]
    path = write_log(tmp_path / "t.csv", rows, headers=HANS if ids else HANS[1:])
    result = compute_metrics([path], "2026-10", roster=roster)
    k1 = by_id(result)["K1"]
    # A1 A3 A5 A7 A9 A11 A13 A14 A15 A17 A19 A21 counted; first contact: A11 A13 A14 A17 A19
    assert (k1["问题总数"], k1["已解决数"], k1["首次解决数"], k1["服务客户数"]) == (12, 12, 5, 12)
    assert k1["首次解决率"] == float(Decimal(5) / 12)
    assert result.kind_counts == {"创建时间无法识别": 1, "缺少客服": 4, "缺少客户": 1, "回复早于提问": 1, "未知客服": 1,
                                  "解决状态无法识别": 2, "满意度评分无效": 1, "重复工单": 1}
    assert (result.counted, result.outside) == (12, 1)
    assert by_id(compute_metrics([path], "2026-10", roster=roster, fcr_days=10))["K1"]["首次解决数"] == 4  # A19 too
    # the same figures in blocks of one key, and on the customer texts (the path taken after a hash collision)
    with mock.patch.object(customers, "CUSTOMER_BLOCK", 1):
        assert compute_metrics([path], "2026-10", roster=roster).rows == result.rows
    monkeypatch.setattr(customers, "by_customer", lambda keys, layout, fcr_days: None)
    assert compute_metrics([path], "2026-10", roster=roster).rows == result.rows


def test_tickets_outside_the_window_change_no_figure(tmp_path, monkeypatch):
    """Only the period and the --fcr-days after it can change a figure; a mistyped year (9999) must not
    push the counting onto the slow path for texts either."""
    far = [["F1", "K1", "C1", "9999-12-31 23:59:59", "", "是", "否", ""],  # outside: counted nowhere
           ["F2", "", "C3", "2099-01-01 00:00:00", "", "是", "否", ""],  # 缺少客服, outside the month: not listed
           ["F3", "K1", "C2", "2020-01-01 00:00:00", "", "是", "否", ""]]  # before the period
    plain = write_log(tmp_path / "plain.csv", CONTACTS)
    mixed = write_log(tmp_path / "mixed.csv", CONTACTS[:3] + far + CONTACTS[3:])
    roster = tmp_path / "roster.csv"  # 2,000 agents: 8,000 years of seconds would leave the key too few bits
    roster.write_text("工号,姓名,部门,岗位,直属主管\n" + "".join(f"K{i},人{i},一部,,\n" for i in range(1, 2001)),
                      encoding="utf-8")
    expected = compute_metrics([plain], "2026-10", roster=roster)

    def no_texts(valid, sources, fcr_days):
        raise AssertionError("counted on the customer texts")

    monkeypatch.setattr(customers, "by_customer_exact", no_texts)
    result = compute_metrics([mixed], "2026-10", roster=roster)
    assert result.rows == expected.rows and result.kind_counts == expected.kind_counts
    assert (result.counted, result.outside) == (expected.counted, expected.outside + 3)


@pytest.mark.parametrize("days", [-1, 367, 10**7])
def test_fcr_days_out_of_range(log, days):
    with pytest.raises(InputValueError, match=f"--fcr-days 应为 0 到 366 之间的整数天数, 收到「{days}」"):
        compute_metrics([log], "2026-10", fcr_days=days)


def test_fcr_days_edges_are_accepted(log):
    assert compute_metrics([log], "2026-10", satisfaction_scale=5, fcr_days=366).rows
    assert compute_metrics([log], "2026-10", satisfaction_scale=5, fcr_days=0).rows


COVERAGE = "工单只到 {}, 判断首次解决需要到 {} 的工单 (--fcr-days {d}): 月末 {d} 天的工单首次解决率可能偏高, 请把下月前 {d} 天的工单一起导入"


def test_a_notice_when_the_tickets_end_before_first_contact_can_be_judged(tmp_path):
    rows = [["T1", "K1", "C1", "2026-10-05 09:00:00", "", "是", "否", ""],
            ["T2", "K1", "C2", "2026-10-31 23:58:00", "", "是", "否", ""]]
    path = write_log(tmp_path / "oct.csv", rows)
    notice = COVERAGE.format("2026-10-31 23:58", "2026-11-07", d=7)
    assert texts(compute_metrics([path], "2026-10").notices) == [notice]
    out = tmp_path / "DATA.xlsx"
    shown = run("metrics", path, "--period", "2026-10", "-o", out)
    assert shown.exit_code == 0 and f"提示 {notice}" in shown.output.splitlines()
    assert notice in [r[0].value for r in openpyxl.load_workbook(out)["说明"].iter_rows()]
    assert texts(compute_metrics([path], "2026-10", fcr_days=3).notices) == [COVERAGE.format("2026-10-31 23:58", "2026-11-03", d=3)]

    def notices(*rows):
        return texts(compute_metrics([path, write_log(tmp_path / "nov.csv", list(rows))], "2026-10").notices)

    # the next month's first days, in another file: the last of them is enough, even on a reported row
    assert notices(["T3", "K1", "C3", "2026-11-07 08:00:00", "", "是", "否", ""]) == []
    assert notices(["T3", "", "C3", "2026-11-07 08:00:00", "", "是", "否", ""]) == []  # 缺少客服: its time is read
    assert notices(["T3", "K1", "C3", "2026-11-06 23:59:00", "", "是", "否", ""]) == [
        COVERAGE.format("2026-11-06 23:59", "2026-11-07", d=7)]
    assert notices(["T3", "K1", "C3", "2026-11-07 25:00", "", "是", "否", ""]) == [notice]  # an unreadable time
    assert texts(compute_metrics([path], "2026-10", fcr_days=0).notices) == []  # only the same second is a repeat contact
    # a mistyped year far ahead is no ticket of the window: the notice still says where the real tickets end
    for year in ("2099", "9999"):
        assert notices(["T3", "K1", "C3", f"{year}-11-07 08:00:00", "", "是", "否", ""]) == [notice]
        assert notices(["T3", "", "C3", f"{year}-11-07 08:00:00", "", "是", "否", ""]) == [notice]
    # no resolved flag: no first-contact figure, no coverage notice (only the one naming the columns no file has)
    assert texts(compute_metrics([write_log(tmp_path / "nf.csv", [r[:5] for r in rows], HANS[:5])], "2026-10").notices) == [
        "工单文件中没有是否投诉、是否解决、满意度评分列: 数据表中没有客户投诉率、问题解决率、首次解决率、客户满意度, "
        "generate --data 不预填这些项, 需在考核表中填写 (或用 --map 文件说明导出文件中的列名)"]


# =========================================================================== time zones, numbers that are not numbers

OFFSETS = [  # times with an offset are China's local time (Asia/Shanghai); without one, as written
    ["T1", "K1", "C1", "2026-10-31T20:00:00Z", "2026-10-31T20:05:00Z", "是", "否", ""],  # 2026-11-01 04:00 in China
    ["T2", "K1", "C2", "2026-10-31T23:30:00+08:00", "2026-10-31T23:40:00+08:00", "是", "否", ""],  # as written: October
    ["T3", "K1", "C3", "2026-10-15T01:00:00.123Z", "2026-10-15T01:03:00.123Z", "是", "否", ""],  # 3 minutes
    ["T4", "K1", "C4", "2026-10-15 01:00:00+0800", "2026-10-15 01:02:00+0800", "是", "否", ""],  # 2 minutes
    ["T5", "K1", "C5", "2026-10-15 01:00:00", "2026-10-15 01:07:00", "是", "否", ""],  # no offset: 7 minutes
]


def test_times_with_an_offset_are_the_companys_local_time(tmp_path):
    path = write_log(tmp_path / "tz.csv", OFFSETS)
    october = compute_metrics([path], "2026-10")
    assert october.problem_count == 0 and october.outside == 1
    k1 = by_id(october)["K1"]
    assert (k1["问题总数"], k1["平均响应时间"]) == (4, 5.5)  # T2 T3 T4 T5: (10 + 3 + 2 + 7) / 4
    november = by_id(compute_metrics([path], "2026-11"))["K1"]
    assert (november["问题总数"], november["平均响应时间"]) == (1, 5)  # T1: 5 minutes, whatever the zone
    # messages show local times
    early = write_log(tmp_path / "early.csv", [["T9", "K1", "C9", "2026-10-15T01:00:00Z", "2026-10-15T00:59:00Z",
                                                 "是", "否", ""]])
    assert compute_metrics([early], "2026-10").problem_lines() == [
        "early.csv 第2行: 首次回复时间 2026-10-15 08:59:00 早于创建时间 2026-10-15 09:00:00"]
    # another company's zone, in the mapping file: 2026-10-31T20:00:00Z is 21:00 in Berlin, October
    berlin = tmp_path / "berlin.yaml"
    berlin.write_text("timezone: Europe/Berlin\n", encoding="utf-8")
    result = compute_metrics([path], "2026-10", mapping=berlin)
    assert (result.outside, by_id(result)["K1"]["问题总数"], by_id(result)["K1"]["平均响应时间"]) == (0, 5, 5.4)
    assert ("时区", "带时区的时间 (如 +08:00、Z) 换算为 Europe/Berlin 当地时间; 不带时区的按原样") in result.settings
    # a format of the mapping file reading an offset: converted too, not left in UTC
    formats = tmp_path / "formats.yaml"
    formats.write_text('time_formats: ["%d/%m/%Y %H:%M %z"]\n', encoding="utf-8")
    utc = write_log(tmp_path / "utc.csv", [["T1", "K1", "C1", "31/10/2026 20:00 +0000", "31/10/2026 20:05 +0000",
                                            "是", "否", ""]])
    assert compute_metrics([utc], "2026-10", mapping=formats).outside == 1
    assert by_id(compute_metrics([utc], "2026-11", mapping=formats))["K1"]["平均响应时间"] == 5
    formats.write_text('time_formats: ["%Y%m%dT%H%M%SZ"]\n', encoding="utf-8")  # a format ending in Z: UTC
    compact = write_log(tmp_path / "z.csv", [["T1", "K1", "C1", "20261031T200000Z", "20261031T200500Z", "是", "否", ""]])
    assert by_id(compute_metrics([compact], "2026-11", mapping=formats))["K1"]["平均响应时间"] == 5
    # a zone that does not exist is an error naming the mapping file
    bad = tmp_path / "bad.yaml"
    for zone in ("Mars/Olympus", "北京时间", "[8]"):
        bad.write_text(f"timezone: {zone}\n", encoding="utf-8")
        with pytest.raises(InputFileError, match=r"^bad.yaml: timezone「.*」不是有效的时区"):
            compute_metrics([path], "2026-10", mapping=bad)
    result = run("metrics", path, "--period", "2026-10", "--map", bad, "-o", tmp_path / "d.xlsx")
    assert result.exit_code == 2 and "bad.yaml: timezone「[8]」不是有效的时区" in result.output


@pytest.mark.parametrize("word", ["NaN", "nan", "inf", "-inf", "Infinity"])
def test_nan_and_infinity_are_no_scores(tmp_path, word):
    rows = [["T1", "K1", "C1", "2026-10-05 09:00:00", "2026-10-05 09:04:00", "是", "否", "80", "4"],
            ["T2", "K1", "C2", "2026-10-06 09:00:00", "2026-10-06 09:06:00", "是", "否", word, "5"],
            ["T3", "K1", "C3", "2026-10-07 09:00:00", "2026-10-07 09:02:00", "是", "否", "90", word],
            ["T4", "K1", "C4", "2026-10-08 09:00:00", "", "是", "否", "abc", "abc"],
            ["T5", "K1", "C5", "2026-10-09 09:00:00", "", "是", "否", "1e20", ""]]
    path = write_log(tmp_path / "t.csv", rows, headers=HANS + ["服务态度"])
    for scale in (100, None):
        result = compute_metrics([path], "2026-10", satisfaction_scale=scale)
        assert result.problem_lines() == [
            f"t.csv 第3行: 满意度评分「{word}」不是数字", f"t.csv 第4行: 服务态度评分「{word}」不是数字",
            "t.csv 第5行: 满意度评分「abc」不是数字", "t.csv 第6行: 满意度评分 1e+20 超出 0~100" + ("" if scale else " (百分制)")]
        k1 = by_id(result)["K1"]
        assert (k1["问题总数"], k1["客户满意度"], k1["服务态度"], k1["平均响应时间"], k1["评价数"]) == (1, 80, 4, 4, 1)


# =========================================================================== headers and files


@pytest.mark.parametrize("headers", [HANS, HANT, ENGLISH], ids=["简体", "繁體", "English"])
def test_headers_recognised_in_three_scripts(headers, log, tmp_path):
    rows = [[("resolved" if v == "是" else "open") if i == 5 and headers is ENGLISH else
             ("yes" if v == "是" else "no") if i == 6 and headers is ENGLISH else v for i, v in enumerate(r)] for r in LOG]
    path = write_log(tmp_path / "t.csv", rows, headers=headers)
    assert compute_metrics([path], "2026-10", satisfaction_scale=5).rows == \
        compute_metrics([log], "2026-10", satisfaction_scale=5).rows


def test_mapping_file_names_other_headers_and_words(tmp_path, log):
    headers = ["会话号", "接待人", "访客编号", "进线时刻", "首响时刻", "会话状态", "差评", "星级"]
    rows = [[*r[:5], "已结束" if r[5] == "是" else "排队中", "差评" if r[6] == "是" else "", r[7]] for r in LOG]
    path = write_log(tmp_path / "t.csv", rows, headers=headers)
    with pytest.raises(InputFileError, match=r"t.csv: 找不到 客服工号或客服姓名, 客户, 创建时间 列"):
        compute_metrics([path], "2026-10", satisfaction_scale=5)
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "columns:\n  ticket: 会话号\n  agent_id: 接待人\n  customer: 访客编号\n  created: 进线时刻\n"
        "  first_reply: 首响时刻\n  resolved: 会话状态\n  complaint: 差评\n  satisfaction: 星级\n"
        "values:\n  resolved: [已结束]\n  unresolved: [排队中]\n  complaint: [差评]\n", encoding="utf-8")
    result = compute_metrics([path], "2026-10", satisfaction_scale=5, mapping=mapping)
    assert result.rows == compute_metrics([log], "2026-10", satisfaction_scale=5).rows
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns:\n  agent: 接待人\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="columns 中不认识的字段「agent」"):
        compute_metrics([path], "2026-10", mapping=bad)
    bad.write_text("columns:\n\tagent_id: 接待人\n", encoding="utf-8")  # a tab indent, as Notepad makes it
    with pytest.raises(InputFileError) as info:
        compute_metrics([path], "2026-10", mapping=bad)
    assert str(info.value) == ("bad.yaml: 列名映射文件不是有效的 YAML: 第2行第1列 found character '\\t' that cannot "
                               "start any token (缩进不能用 Tab, 请用空格)")
    bad.write_bytes("columns:\n  agent_id: 接待人\n".encode("gbk"))
    with pytest.raises(InputFileError, match="bad.yaml: 列名映射文件应为 UTF-8 编码"):
        compute_metrics([path], "2026-10", mapping=bad)


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    """The log as an .xlsx export: times as Excel dates, scores as numbers."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(HANS)
    for r in rows:
        ws.append([r[0], r[1], r[2], datetime.fromisoformat(r[3]), datetime.fromisoformat(r[4]) if r[4] else None,
                   r[5], r[6], int(r[7]) if r[7] else None])
    book.save(path)
    return path


def test_xlsx_export_and_gbk_csv(tmp_path, log):
    xlsx = write_xlsx(tmp_path / "t.xlsx", LOG)
    expected = compute_metrics([log], "2026-10", satisfaction_scale=5).rows
    assert compute_metrics([xlsx], "2026-10", satisfaction_scale=5).rows == expected
    gbk = write_log(tmp_path / "gbk.csv", LOG, encoding="gb18030")
    assert compute_metrics([gbk], "2026-10", satisfaction_scale=5).rows == expected


def test_xlsx_midnight_date_cells_are_that_day_at_0000(tmp_path):
    # a date-time cell at 00:00:00 comes back from the reader as a plain date: it is that day at midnight
    rows = [r[:] for r in LOG]
    rows[4][3] = "2026-10-18 00:00:00"  # T5 created at midnight
    rows[6][4] = "2026-11-01 00:00:00"  # T7 answered at the month boundary
    xlsx = write_xlsx(tmp_path / "t.xlsx", rows)
    result = compute_metrics([xlsx], "2026-10", satisfaction_scale=5)
    assert result.problem_count == 0
    assert result.rows == compute_metrics([write_log(tmp_path / "t.csv", rows)], "2026-10", satisfaction_scale=5).rows
    assert by_id(result)["K2"]["平均响应时间"] == float(Decimal(601 + 10 + 60) / 3)


def test_xlsx_header_below_a_title_keeps_excel_row_numbers(tmp_path):
    rows = LOG + [["B1", "K1", "C9", "2026-10-05 10:00:00", "", "maybe", "否", ""]]
    plain = write_xlsx(tmp_path / "plain.xlsx", rows)
    book = openpyxl.load_workbook(plain)
    ws = book.active
    ws.insert_rows(1, 3)  # a merged title, the export time, an empty row; the header is row 4
    ws["A1"] = "客服工单导出 2026年10月"
    ws.merge_cells("A1:H1")
    ws["A2"] = "导出时间: 2026-11-01 09:00"
    book.save(tmp_path / "titled.xlsx")
    result = compute_metrics([tmp_path / "titled.xlsx"], "2026-10", satisfaction_scale=5)
    assert result.rows == compute_metrics([plain], "2026-10", satisfaction_scale=5).rows
    assert result.problem_lines() == ["titled.xlsx 第13行: 解决状态「maybe」无法识别 (可在 --map 文件的 values 中说明)"]


def test_gb18030_csv_with_a_long_ascii_beginning(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # where the UTF-8 copy is made
    (tmp_path / "tmp").mkdir()
    filler = [[f"F{i}", "K1", f"X{i}", "2026-09-01 10:00:00", "", "resolved", "no", ""] for i in range(2000)]
    rows = filler + [["T9", "K1", "客户甲", "2026-10-05 10:00:00", "2026-10-05 10:07:00", "resolved", "no", ""]]
    utf8 = write_log(tmp_path / "utf8.csv", rows, headers=ENGLISH)
    gbk = write_log(tmp_path / "gbk.csv", rows, headers=ENGLISH, encoding="gb18030")
    assert gbk.read_bytes().index("客户甲".encode("gb18030")) > 1 << 16  # the first 64 KB are plain ASCII
    result = compute_metrics([gbk], "2026-10")
    assert result.rows == compute_metrics([utf8], "2026-10").rows and result.counted == 1
    assert list((tmp_path / "tmp").iterdir()) == []  # the copy is removed
    neither = tmp_path / "neither.csv"
    neither.write_bytes(utf8.read_bytes() + b"T10,K1,C\xff\xff,2026-10-05 10:00:00,,resolved,no,\r\n")
    with pytest.raises(InputFileError, match="neither.csv: 无法识别文件编码.*请另存为 UTF-8 的 CSV"):
        compute_metrics([neither], "2026-10")
    assert list((tmp_path / "tmp").iterdir()) == []


def test_progress_names_each_step(tmp_path, log):
    xlsx = write_xlsx(tmp_path / "t.xlsx", LOG)
    steps: list[str] = []
    compute_metrics([log, xlsx], "2026-10", satisfaction_scale=5, progress=steps.append)
    assert steps == ["打开 t.xlsx", "读取 2 个工单文件", f"核对并统计 {2 * len(LOG)} 行工单"]
    # on a terminal the steps show as a status line; elsewhere (a log, a pipe) nothing is added
    # (--fcr-days 2: the log reaches 2026-11-02, far enough for the repeat contacts of October's tickets)
    result = run("metrics", log, "--period", "2026-10", "-o", tmp_path / "d.xlsx", "--satisfaction-scale", "5",
                 "--fcr-days", "2")
    assert result.exit_code == 0 and result.output.splitlines() == [
        compute_metrics([log], "2026-10", satisfaction_scale=5, fcr_days=2).summary(tmp_path / "d.xlsx")]


def test_errors_are_exit_2(tmp_path, log):
    assert "错误: 考核期间应写成 YYYY-MM" in run("metrics", log, "--period", "10月", "-o", tmp_path / "d.xlsx").output
    result = run("metrics", log, "--period", "2026-10", "-o", tmp_path / "d.csv", "--satisfaction-scale", "5")
    assert result.exit_code == 2 and "输出文件应为 .xlsx" in result.output
    result = run("metrics", log, "--period", "2026-10", "--peak", "2026-12-01..2026-12-02", "-o", tmp_path / "d.xlsx")
    assert result.exit_code == 2 and "高峰期 2026-12-01 至 2026-12-02 不在考核期间 2026-10 内" in result.output
    assert run("metrics", tmp_path / "none.csv", "--period", "2026-10", "-o", tmp_path / "d.xlsx").exit_code == 2
    assert "--hours 应写成 09:00-18:00" in run("metrics", log, "--period", "2026-10", "--hours", "9-6",
                                                "-o", tmp_path / "d.xlsx").output


def test_not_rated_scores_are_empty_scores(tmp_path):
    # T3, T4, T7 and T8 have no scores; saying so in words keeps them in every figure, unaveraged
    headers = HANS + ["服务态度"]
    blank = [r + (["4"] if r[7] else [""]) for r in LOG]
    expected = compute_metrics([write_log(tmp_path / "blank.csv", blank, headers)], "2026-10", satisfaction_scale=5).rows
    for i, word in enumerate(["未评价", " 暂无 ", "-", "—", "N/A", "na", "无", "--", "未評價"]):
        rows = [r if r[7] else r[:7] + [word, word] for r in blank]
        result = compute_metrics([write_log(tmp_path / f"w{i}.csv", rows, headers)], "2026-10", satisfaction_scale=5)
        assert result.problem_count == 0, (word, result.problem_lines())
        assert result.rows == expected, word
    # a word of the mapping file; an unreadable score is still a problem
    rows = [r[:7] + [{2: "未打分", 3: "abc"}.get(k, r[7])] for k, r in enumerate(LOG)]
    path = write_log(tmp_path / "mapped.csv", rows)
    assert compute_metrics([path], "2026-10", satisfaction_scale=5).problem_lines() == [
        "mapped.csv 第4行: 满意度评分「未打分」不是数字", "mapped.csv 第5行: 满意度评分「abc」不是数字"]
    mapping = tmp_path / "map.yaml"
    mapping.write_text("values:\n  unrated: [未打分]\n", encoding="utf-8")
    result = compute_metrics([path], "2026-10", satisfaction_scale=5, mapping=mapping)
    assert result.problem_lines() == ["mapped.csv 第5行: 满意度评分「abc」不是数字"]
    k1 = by_id(result)["K1"]
    assert (k1["问题总数"], k1["评价数"], k1["客户满意度"]) == (3, 2, 60)


def test_percentage_scores_with_scale_1(tmp_path):
    def workbook(path: Path, scores: list[str]) -> Path:
        book = openpyxl.Workbook()
        book.active.append(HANS)
        for r, v in zip(LOG, scores):  # scores as percentage cells (0.9 shown as 90%), except a text "90%"
            book.active.append([*r[:3], datetime.fromisoformat(r[3]), datetime.fromisoformat(r[4]) if r[4] else None,
                                r[5], r[6], v if v.endswith("%") else float(v) if v else None])
            book.active.cell(book.active.max_row, 8).number_format = "0%"
        book.save(path)
        return path

    fractions = workbook(tmp_path / "fractions.xlsx", ["0.9", "0.8", "", "0.123456", "1", "0.9", "", ""])
    with pytest.raises(InputValueError, match=r"最高只有 1, 看起来是百分比 \(0.9 即 90%\).*--satisfaction-scale 1 "):
        compute_metrics([fractions], "2026-10")
    xlsx = workbook(tmp_path / "pct.xlsx", ["0.9", "0.8", "", "0.123456", "1", "90%", "", ""])
    result = run("metrics", xlsx, "--period", "2026-10", "--satisfaction-scale", "1", "-o", tmp_path / "d.xlsx")
    assert result.exit_code == 0, result.output
    records = by_id(compute_metrics([xlsx], "2026-10", satisfaction_scale=1))
    assert records["K1"]["客户满意度"] == float(Decimal("182.3456") / 3)  # 90, 80, 12.3456: not rounded to 12.35
    assert records["K2"]["客户满意度"] == 95  # 100 and the text 90%
    bad = write_log(tmp_path / "bad.csv", [LOG[0][:7] + ["1.5"]])
    assert compute_metrics([bad], "2026-10", satisfaction_scale=1).problem_lines() == [
        "bad.csv 第2行: 满意度评分 1.5 超出 0~1"]
    with pytest.raises(InputValueError, match="--satisfaction-scale 应为 1 "):
        compute_metrics([bad], "2026-10", satisfaction_scale=3)


# =========================================================================== DATA is read by score and generate


def test_data_file_feeds_score_and_generate(log, tmp_path):
    data = tmp_path / "DATA.xlsx"
    result = run("metrics", log, "--period", "2026-10", "--satisfaction-scale", "5", "--peak", "2026-10-05..2026-10-06",
                 "-o", data)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(data)
    assert book.sheetnames == ["数据", "问题", "说明"]
    assert book["数据"]["B2"].number_format == "0.00%"  # 客户投诉率 is a fraction shown as a percentage
    scored = tmp_path / "scored.xlsx"
    result = run("score", "--scheme", "cs-quant", data, "-o", scored)
    assert result.exit_code == 1  # the rubric items are not in the export: reported on every row
    out = {r[0]: dict(zip(read_table(scored).headers, r)) for r in read_table(scored).rows}
    assert out["K1"]["客户投诉率"] == 0  # 33.3% complaints
    assert out["K1"]["客户满意度"] == 8  # 60 points
    assert out["K2"]["平均响应时间"] == 5  # 101/3 = 33.67 minutes: the 30-60 band
    smart = tmp_path / "smart.xlsx"
    run("score", "--scheme", "cs-smart", data, "-o", smart)
    s_out = {r[0]: dict(zip(read_table(smart).headers, r)) for r in read_table(smart).rows}
    assert s_out["K1"]["客户满意度"] == 16.67  # 25 × 60/90
    assert s_out["K2"]["首次问题解决率"] == 9.8  # 25 × (1/3) / 85%
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门,岗位,直属主管\nK1,张三,一部,客服,赵\nK2,李四,一部,客服,赵\n", encoding="utf-8")
    result = run("generate", "--scheme", "cs-quant", "--roster", roster, "--period", "2026-10", "--out", tmp_path / "out",
                 "--data", data)
    assert result.exit_code == 0, result.output
    people = {p.identity["工号"]: p for p in read_filled_workbook(tmp_path / "out" / "2026-10-一部.xlsx").people}
    k1 = people["K1"].inputs
    assert k1[("complaint_rate", "complaint_rate", "")].value == pytest.approx(1 / 3)
    assert k1[("response_time", "response_time", "")].value == pytest.approx(4774 / 3)
    assert k1[("resolution_rate", "resolution_rate", "")].value == 0.75
    assert k1[("satisfaction", "satisfaction", "")].value == 60
    result = run("generate", "--scheme", "cs-smart", "--roster", roster, "--period", "2026-10", "--out", tmp_path / "smart",
                 "--data", data)
    assert result.exit_code == 0, result.output
    smart_people = {p.identity["工号"]: p for p in read_filled_workbook(tmp_path / "smart" / "2026-10-一部.xlsx").people}
    k1 = smart_people["K1"].inputs
    assert k1[("first_contact_resolution", "first_contact_resolution", "")].value == 0.25
    assert k1[("peak_response_time", "peak_response_time", "")].value == 467
    assert k1[("attitude", "attitude", "")].value is None  # not in the export: the supervisor fills it in


def test_cs_smart_scheme_scores_attainment():
    scheme = builtin_scheme("cs-smart")
    assert [g.weight for g in scheme.groups] == [25, 30, 25, 20]
    assert [ind.weight for ind in scheme.indicators] == [25, 20, 10, 25, 20]

    def score(name, value):
        return score_indicator(scheme.indicator(name), [Decimal(value)], scheme.decimals)

    assert score("客户满意度", "90") == 25 and score("客户满意度", "85") == Decimal("23.61")
    assert score("首次解决率", "0.8") == Decimal("23.53") and score("首次问题解决率", "0.9") == 25
    assert score("服务态度", "4.2") == Decimal("18.67") and score("服务态度", "4.5") == 20
    assert score("平均响应时间", "2") == 20 and score("平均响应时间", "2.2") == 16 and score("平均响应时间", "11") == 0
    assert score("高峰期平均响应时间", "3") == Decimal("6.67")


# =========================================================================== business hours


NINE_TO_SIX = Schedule(time(9), time(18), frozenset(range(1, 6)))


@pytest.mark.parametrize(("start", "end", "minutes"), [
    ("2026-10-05 09:00", "2026-10-05 09:04", 4),  # inside one day
    ("2026-10-05 17:50", "2026-10-06 09:20", 30),  # across a night
    ("2026-10-09 17:30", "2026-10-12 09:30", 60),  # Friday to Monday
    ("2026-10-10 10:00", "2026-10-11 15:00", 0),  # a whole weekend
    ("2026-10-05 07:00", "2026-10-05 08:30", 0),  # before opening
    ("2026-10-05 07:00", "2026-10-05 19:00", 540),  # the whole day
    ("2026-10-05 18:30", "2026-10-06 08:00", 0),  # a night
    ("2026-10-02 12:00", "2026-10-12 12:00", 6 * 540),  # Fri noon to the Monday after next: 6 full days
])
def test_business_minutes_hand_cases(start, end, minutes):
    assert business_minutes(datetime.fromisoformat(start), datetime.fromisoformat(end), NINE_TO_SIX) == minutes


def test_schedule_options():
    assert parse_schedule("09:00-18:00", "1-5") == NINE_TO_SIX
    assert parse_schedule("8:30~17:30", "1,2,3,4,5,6").workdays == frozenset(range(1, 7))
    assert parse_schedule(None) is None
    for bad in ("18:00-09:00", "9-18", "25:00-26:00"):
        with pytest.raises(InputValueError):
            parse_schedule(bad, "1-5")
    with pytest.raises(InputValueError, match="--workdays"):
        parse_schedule("09:00-18:00", "0-8")
    assert parse_peak("2026-11-11..2026-11-12") == (datetime(2026, 11, 11), datetime(2026, 11, 13))
    assert parse_peak("2026-11-11") == (datetime(2026, 11, 11), datetime(2026, 11, 12))


moments = st.datetimes(min_value=datetime(2025, 12, 20), max_value=datetime(2027, 1, 10))
schedules = st.builds(
    lambda a, length, days: Schedule(time(a // 60, a % 60), time((a + length) // 60, (a + length) % 60), frozenset(days)),
    st.integers(0, 20 * 60), st.integers(1, 3 * 60), st.sets(st.integers(1, 7), min_size=1),
)


@settings(max_examples=60, deadline=None)
@given(a=moments, b=moments, schedule=schedules)
def test_business_clock_column_matches_the_reference(a, b, schedule):
    import polars as pl

    a, b = sorted((a.replace(microsecond=0), b.replace(microsecond=0)))
    ms = pl.Series([int((x - datetime(1970, 1, 1)) / timedelta(milliseconds=1)) for x in (a, b)], dtype=pl.Int64)
    clock = pl.select(business_clock_expr(pl.lit(ms), schedule)).to_series().to_list()
    assert (clock[1] - clock[0]) / 60000 == business_minutes(a, b, schedule)
    # a day-by-day walk agrees with the cumulative clock
    total, day = timedelta(0), a.date()
    while day <= b.date():
        if day.isoweekday() in schedule.workdays:
            lo = max(a, datetime.combine(day, schedule.start))
            hi = min(b, datetime.combine(day, schedule.end))
            total += max(hi - lo, timedelta(0))
        day += timedelta(days=1)
    assert business_minutes(a, b, schedule) == total / timedelta(minutes=1)


# =========================================================================== property: counts add up


KINDS_OF_ROW = ["good", "good", "good", "bad_time", "reply_first", "no_agent", "duplicate", "outside", "bad_flag", "blank"]


@st.composite
def ticket_logs(draw):
    n = draw(st.integers(1, 40))
    rows, expected = [], []
    for i in range(n):
        kind = draw(st.sampled_from(KINDS_OF_ROW))
        agent = f"K{draw(st.integers(1, 4))}"
        customer = f"C{draw(st.integers(1, 6))}"
        day = draw(st.integers(1, 31))
        minute = draw(st.integers(0, 24 * 60 - 1))
        created = datetime(2026, 10, day) + timedelta(minutes=minute)
        wait = draw(st.integers(0, 300))
        reply = (created + timedelta(minutes=wait)).strftime("%Y-%m-%d %H:%M:%S") if draw(st.booleans()) else ""
        resolved = draw(st.sampled_from(["是", "否"]))
        complaint = draw(st.sampled_from(["是", "否", "否", "否"]))
        unrated = draw(st.sampled_from(["", "", "未评价", "-"]))  # no score, in words or not: counted the same
        row = [f"T{i}", agent, customer, created.strftime("%Y-%m-%d %H:%M:%S"), reply, resolved, complaint, unrated]
        if kind == "bad_time":
            row[3] = "yesterday"
        elif kind == "reply_first":
            row[4] = (created - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S")
        elif kind == "no_agent":
            row[1] = ""
        elif kind == "duplicate" and rows:
            row[0] = draw(st.sampled_from([r[0] for r in rows]))
        elif kind == "outside":
            row[3] = (created + timedelta(days=40)).strftime("%Y-%m-%d %H:%M:%S")
            row[4] = ""
        elif kind == "bad_flag":
            row[5] = "?"
        elif kind == "blank":
            row = [""] * 8
        rows.append(row)
        expected.append(kind)
    return rows


def reference(rows: list[list[str]], days: int = 7) -> dict[str, dict]:
    """The figures computed the plain way, row by row."""
    good, seen, reported = [], set(), []
    for r in rows:
        if not any(r):
            continue
        try:
            created = datetime.strptime(r[3], "%Y-%m-%d %H:%M:%S")
        except ValueError:
            continue
        reply = datetime.strptime(r[4], "%Y-%m-%d %H:%M:%S") if r[4] else None
        if not r[1] or (reply and reply < created) or r[5] not in ("是", "否"):
            reported.append((r[0], r[2], created))  # reported, and still a contact of its customer
            continue
        if r[0] and r[0] in seen:
            continue
        seen.add(r[0])  # a row without a ticket id cannot be told a copy: it is counted
        good.append((r[1], r[2], created, reply, r[5] == "是", r[6] == "是"))
    contacts = [(customer, created) for _, customer, created, *_ in good]
    for ticket, customer, created in reported:  # the id of a ticket counted or reported before: no new contact
        if not (ticket and ticket in seen):
            seen.add(ticket)
            contacts.append((customer, created))
    out: dict[str, dict] = {}
    for agent, customer, created, reply, resolved, complaint in good:
        if created.month != 10:
            continue
        rec = out.setdefault(agent, {"customers": set(), "complained": set(), "raised": 0, "resolved": 0, "fcr": 0})
        rec["customers"].add(customer)
        if complaint:
            rec["complained"].add(customer)
        rec["raised"] += 1
        rec["resolved"] += resolved
        later = [c for cu, c in contacts if cu == customer and c >= created]
        again = sum(1 for c in later if c - created <= timedelta(days=days)) > 1  # itself, and another
        rec["fcr"] += resolved and not again
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ticket_logs())
def test_counts_add_up_to_rows_read_minus_rows_reported(rows, tmp_path):
    path = write_log(tmp_path / "p.csv", rows)
    result = compute_metrics([path], "2026-10")
    records = result.records()
    assert sum(r["问题总数"] for r in records) == result.rows_read - result.problem_count - result.outside
    assert result.rows_read == sum(1 for r in rows if any(r))
    assert result.problem_count == sum(result.kind_counts.values())
    expected = reference(rows)
    assert {r["工号"] for r in records} == set(expected)
    for rec in records:
        ref = expected[rec["工号"]]
        assert (rec["服务客户数"], rec["投诉客户数"], rec["问题总数"], rec["已解决数"], rec["首次解决数"]) == \
            (len(ref["customers"]), len(ref["complained"]), ref["raised"], ref["resolved"], ref["fcr"])
    # customers are counted in blocks of whole customers: blocks of one or two tickets give the same figures
    with mock.patch.object(customers, "CUSTOMER_BLOCK", 1):
        assert compute_metrics([path], "2026-10").rows == result.rows
    with mock.patch.object(customers, "CUSTOMER_BLOCK", 2):
        assert compute_metrics([path], "2026-10").rows == result.rows


def test_write_is_atomic_and_keeps_text_as_text(tmp_path):
    rows = [["T1", "=HYPERLINK(\"x\")", "C1", "2026-10-05 09:00:00", "", "是", "否", ""]]
    path = write_log(tmp_path / "t.csv", rows)
    out = tmp_path / "DATA.xlsx"
    write_metrics(compute_metrics([path], "2026-10"), out)
    assert openpyxl.load_workbook(out)["数据"]["A2"].data_type == "s"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["DATA.xlsx", "t.csv"]


def test_exact_path_after_a_hash_collision_gives_the_same_figures(log, monkeypatch):
    expected = compute_metrics([log], "2026-10", satisfaction_scale=5).rows
    monkeypatch.setattr(customers, "by_customer", lambda keys, layout, fcr_days: None)  # as if two customers collided
    assert compute_metrics([log], "2026-10", satisfaction_scale=5).rows == expected


def test_an_input_file_is_never_overwritten(tmp_path, log):
    """-o naming the ticket export or the roster is refused before any work, by the command and by
    write_metrics (the ribbon's 导入数据 writes through it); the file is left as it was."""
    roster = tmp_path / "roster.xlsx"
    book = openpyxl.Workbook()
    for row in (["工号", "姓名", "部门"], ["K1", "王芳", "一部"], ["K2", "李雷", "一部"]):
        book.active.append(row)
    book.save(roster)
    before = {p: p.read_bytes() for p in (log, roster)}
    for target in (log, roster, tmp_path / "." / log.name):
        result = run("metrics", log, "--period", "2026-10", "--roster", roster, "--satisfaction-scale", "5",
                     "-o", target)
        assert result.exit_code == 2 and "写入会覆盖原数据" in result.output and "Traceback" not in result.output
    with pytest.raises(OutputFileError, match="就是输入文件"):
        compute_metrics([log], "2026-10", satisfaction_scale=5, output=log)
    result = compute_metrics([log], "2026-10", satisfaction_scale=5, roster=roster)
    with pytest.raises(OutputFileError, match="就是输入文件"):
        write_metrics(result, roster)
    assert {p: p.read_bytes() for p in (log, roster)} == before


def test_never_answered_words_are_empty_reply_times(tmp_path):
    """T4 was never answered (an empty cell).  Exports write that as -, 未回复, NULL or a zero date: the
    ticket is still raised (and counts in the resolution rate), only not in the response time."""
    expected = compute_metrics([write_log(tmp_path / "blank.csv", LOG)], "2026-10", satisfaction_scale=5).rows
    for i, word in enumerate(["-", "--", "NULL", "未回复", " 未回覆 ", "无", "0000-00-00 00:00:00", "0000-00-00"]):
        rows = [r[:4] + [word] + r[5:] if r[0] == "T4" else r for r in LOG]
        result = compute_metrics([write_log(tmp_path / f"w{i}.csv", rows)], "2026-10", satisfaction_scale=5)
        assert result.problem_count == 0, (word, result.problem_lines())
        assert result.rows == expected, word
    # a word only the mapping file knows; an unreadable reply time is still a problem
    rows = [r[:4] + [{"T4": "未接入", "T6": "abc"}.get(r[0], r[4])] + r[5:] for r in LOG]
    path = write_log(tmp_path / "mapped.csv", rows)
    assert [line.split(": ")[0] for line in compute_metrics([path], "2026-10", satisfaction_scale=5).problem_lines()] \
        == ["mapped.csv 第5行", "mapped.csv 第7行"]
    mapping = tmp_path / "map.yaml"
    mapping.write_text("values:\n  no_reply: [未接入]\n", encoding="utf-8")
    result = compute_metrics([path], "2026-10", satisfaction_scale=5, mapping=mapping)
    assert [line.split(": ")[0] for line in result.problem_lines()] == ["mapped.csv 第7行"]
    assert by_id(result)["K1"] == {k: v for k, v in zip(result.headers, expected[0])}
    # a creation time is never "not answered": 无 there is a problem
    rows = [r[:3] + ["无"] + r[4:] if r[0] == "T4" else r for r in LOG]
    result = compute_metrics([write_log(tmp_path / "created.csv", rows)], "2026-10", satisfaction_scale=5)
    assert result.problem_lines() == ["created.csv 第5行: 创建时间「无」无法识别"]


def test_ticket_ids_are_compared_without_surrounding_spaces(tmp_path):
    rows = LOG + [[" T2 ", *LOG[1][1:]], ["T3\t", *LOG[2][1:]]]
    result = compute_metrics([write_log(tmp_path / "t.csv", rows)], "2026-10", satisfaction_scale=5)
    assert [line.split(": ")[0] for line in result.problem_lines()] == ["t.csv 第10行", "t.csv 第11行"]
    assert "重复" in result.problem_lines()[0]
    assert result.rows == compute_metrics([write_log(tmp_path / "plain.csv", LOG)], "2026-10", satisfaction_scale=5).rows


def test_percentages_mixed_with_points_are_never_averaged(tmp_path):
    """Nine scores as fractions (0.8-1.0, percentage cells) and one typed as 85: neither scale fits
    both, so no figure is guessed (the average was 9.3 before); each scale given reads them its way."""
    scores = ["0.8", "0.9", "1", "0.95", "0.85", "0.9", "85", "0.9"]
    rows = [r[:7] + [v] for r, v in zip(LOG, scores)]
    path = write_log(tmp_path / "mixed.csv", rows)
    with pytest.raises(InputValueError, match="介于 0 和 1 之间的小数.*--satisfaction-scale 1"):
        compute_metrics([path], "2026-10")
    result = run("metrics", path, "--period", "2026-10", "-o", tmp_path / "d.xlsx")
    assert result.exit_code == 2 and "也有大于 1 的分数 (最高 85)" in result.output
    # as fractions, 85 is out of range (a problem); as points, 0.9 stays 0.9 of 100 (HR said so)
    assert "满意度" in compute_metrics([path], "2026-10", satisfaction_scale=1).problem_lines()[0]
    assert compute_metrics([path], "2026-10", satisfaction_scale=100).problem_count == 0
    # scores all fractions are asked about as before; scores all points need no option
    path = write_log(tmp_path / "fractions.csv", [r[:7] + ["0.9"] for r in LOG])
    with pytest.raises(InputValueError, match="看起来是百分比 \\(0.9 即 90%\\)"):
        compute_metrics([path], "2026-10")
    path = write_log(tmp_path / "points.csv", [r[:7] + ["85"] for r in LOG])
    assert compute_metrics([path], "2026-10").problem_count == 0


def test_a_month_without_tickets_says_so(tmp_path, log):
    result = compute_metrics([log], "2025-10", satisfaction_scale=5)
    assert result.rows == [] and result.counted == 0
    assert "没有统计到 2025-10 创建的工单: 文件中工单的创建时间在 2026-10-05 至 2026-11-02 之间" in texts(result.notices)[-1]
    assert not any("没有统计到" in n for n in texts(compute_metrics([log], "2026-10", satisfaction_scale=5).notices))


def test_a_file_without_resolved_is_left_out_of_both_resolution_rates(tmp_path, log):
    """The tickets of an export without 是否解决 were counted as unresolved: K1's 问题解决率 halved
    (3/8) when the same month came in a second file without the column.  Now they are left out of
    both rates (and counted in every other figure), and the file is named."""
    other = write_log(tmp_path / "other.csv", [[r[0] + "x", r[1], r[2] + "x", *r[3:5], r[6], r[7]] for r in LOG],
                      headers=[h for h in HANS if h != "是否解决"])
    alone = by_id(compute_metrics([log], "2026-10", satisfaction_scale=5))
    result = compute_metrics([log, other], "2026-10", satisfaction_scale=5)
    assert "other.csv: 没有是否解决列 (其他文件有), 该文件的工单不计入问题解决率和首次解决率 (这两项只按有该列的文件计算)" \
        in "\n".join(texts(result.notices))
    both = by_id(result)
    for agent in ("K1", "K2"):
        assert both[agent]["问题总数"] == 2 * alone[agent]["问题总数"]  # every ticket still counts as raised
        assert both[agent]["服务客户数"] == 2 * alone[agent]["服务客户数"]
        assert both[agent]["有解决状态的问题数"] == alone[agent]["问题总数"]
        assert both[agent]["问题解决率"] == alone[agent]["问题解决率"]
        assert both[agent]["已解决数"] == alone[agent]["已解决数"]
    assert both["K1"]["问题解决率"] == 0.75 and both["K1"]["首次解决率"] == alone["K1"]["首次解决率"]
    assert "有解决状态的问题数" not in alone["K1"]  # only when a file lacks the column


def test_twelve_hour_times_with_shangwu_xiawu(tmp_path):
    """Times as Chinese Windows writes them (2026/10/5 下午 1:03) could not be read at all, not even with a
    --map format: %p reads AM / PM only, and a literal 上午 in the format was refused in English."""
    rows = [["F1", "K1", "C1", "2026/10/5 上午 9:03", "2026/10/5 上午 9:13", "是", "否", "90"],  # 10 min
            ["F2", "K1", "C2", "2026/10/5 下午 1:03", "2026/10/5 下午 1:33", "是", "否", "90"],  # 30
            ["F3", "K1", "C3", "2026/10/5 下午 12:03", "2026/10/5 下午 12:04", "是", "否", "90"],  # noon: 1
            ["F4", "K1", "C4", "2026/10/6 上午 12:03", "2026/10/6 上午 12:05:00", "是", "否", "90"],  # midnight: 2
            ["F5", "K1", "C5", "2026/10/7 PM 11:50", "2026/10/8 AM 12:10", "是", "否", "90"]]  # 20, over midnight
    result = compute_metrics([write_log(tmp_path / "t.csv", rows)], "2026-10")
    assert result.problem_count == 0
    assert by_id(result)["K1"]["平均响应时间"] == pytest.approx(63 / 5)
    # a day-first layout through --map, with %p
    day_first = [[r[0], r[1], r[2], "5/10/2026 下午 1:03", "5/10/2026 下午 1:33", *r[5:]] for r in rows[:1]]
    mapping = tmp_path / "map.yaml"
    mapping.write_text('time_formats: ["%d/%m/%Y %p %I:%M"]\n', encoding="utf-8")
    result = compute_metrics([write_log(tmp_path / "d.csv", day_first)], "2026-10", mapping=mapping)
    assert result.problem_count == 0 and by_id(result)["K1"]["平均响应时间"] == 30
    mapping.write_text('time_formats: ["%Y/%m/%d 上午 %I:%M"]\n', encoding="utf-8")
    with pytest.raises(InputFileError, match=r"12 小时制的时 \(%I\) 要与 %p 一起用, %p 读上午/下午或 AM/PM"):
        compute_metrics([write_log(tmp_path / "d.csv", day_first)], "2026-10", mapping=mapping)


def test_an_empty_resolved_cell_is_not_known_and_said(tmp_path):
    """An empty 是否解决 cell (or spaces) counted as 未解决, silently: two such tickets of four took 问题解决率
    from 100% to 50%.  They are now left out of both resolution rates, as a file without the column is, and
    a notice says how many and where; a --map file can say that an empty cell means unresolved."""
    rows = [["E1", "K1", "C1", "2026-10-05 09:00:00", "2026-10-05 09:10:00", "是", "否", "90"],
            ["E2", "K1", "C2", "2026-10-05 09:00:00", "2026-10-05 09:10:00", "", "否", "90"],
            ["E3", "K1", "C3", "2026-10-05 09:00:00", "2026-10-05 09:10:00", "是", "", "90"],
            ["E4", "K1", "C4", "2026-10-05 09:00:00", "2026-10-05 09:10:00", " ", "是", "90"]]
    path = write_log(tmp_path / "e.csv", rows)
    result = compute_metrics([path], "2026-10")
    k1 = by_id(result)["K1"]
    assert (k1["问题总数"], k1["已解决数"], k1["有解决状态的问题数"], k1["问题解决率"], k1["首次解决率"]) == (4, 2, 2, 1, 1)
    assert (k1["服务客户数"], k1["投诉客户数"]) == (4, 1)  # an empty 是否投诉 is no complaint, as before
    assert result.problem_count == 0
    assert texts(result.notices)[0] == ("e.csv: 2 条工单的是否解决为空 (如第3行), 不计入问题解决率和首次解决率, 其他各项照常计入; "
                                 '若空白表示未解决, 请在 --map 文件中写 values: {unresolved: [""]}')
    mapping = tmp_path / "map.yaml"
    mapping.write_text('values:\n  unresolved: [""]\n', encoding="utf-8")
    result = compute_metrics([path], "2026-10", mapping=mapping)
    k1 = by_id(result)["K1"]
    assert (k1["已解决数"], k1["问题解决率"]) == (2, 0.5) and "有解决状态的问题数" not in k1
    assert not any("为空" in n for n in texts(result.notices))
    # the same tickets in an .xlsx: empty cells are empty cells there too
    book = openpyxl.Workbook()
    book.active.append(HANS)
    for r in rows:
        book.active.append([*r[:5], r[5] or None, r[6] or None, 90])
    book.save(tmp_path / "e.xlsx")
    assert by_id(compute_metrics([tmp_path / "e.xlsx"], "2026-10"))["K1"]["问题解决率"] == 1


def test_a_copy_from_a_file_with_fewer_columns_gives_way(tmp_path, log):
    """Of two copies of a ticket, the first in file order was kept even when its file had no 是否解决:
    K1's T1 then counted as raised but left out of both resolution rates, and the figures depended on
    the order of the files.  The copy from the file with the most columns is kept now."""
    no_resolved = [h for h in HANS if h != "是否解决"]
    partial = write_log(tmp_path / "partial.csv", [[*LOG[0][:5], *LOG[0][6:]]], headers=no_resolved)
    alone = by_id(compute_metrics([log], "2026-10", satisfaction_scale=5))
    for order in ([partial, log], [log, partial]):
        result = compute_metrics(order, "2026-10", satisfaction_scale=5)
        k1 = by_id(result)["K1"]
        for column in ("问题总数", "已解决数", "首次解决数", "问题解决率", "首次解决率", "服务客户数", "客户投诉率"):
            assert k1[column] == alone["K1"][column], (order, column)
        assert k1["有解决状态的问题数"] == 4
        assert [(p["文件"], p["行"], p["说明"]) for p in result.problems.to_dicts() if p["问题"] == "重复工单"] == \
            [("partial.csv", 2, "工单编号与 tickets.csv 第2行相同, 是重复的工单")]


def test_a_file_without_complaint_is_left_out_of_the_complaint_rate(tmp_path, log):
    """The customers of an export without 是否投诉 were counted as not complaining: K1's 客户投诉率
    halved (1/6) when the same month's other customers came in a second file without the column.
    Now the rate is taken over the customers of the files that have it (DATA says how many), and
    those customers still count as served."""
    no_flag = [h for h in HANS if h != "是否投诉"]
    other = write_log(tmp_path / "other.csv", [[r[0] + "x", r[1], r[2] + "x", *r[3:6], r[7]] for r in LOG],
                      headers=no_flag)
    alone = by_id(compute_metrics([log], "2026-10", satisfaction_scale=5))
    assert alone["K1"]["客户投诉率"] == pytest.approx(1 / 3) and alone["K2"]["客户投诉率"] == pytest.approx(1 / 3)
    result = compute_metrics([log, other], "2026-10", satisfaction_scale=5)
    assert "other.csv: 没有是否投诉列 (其他文件有), 该文件的工单不计入客户投诉率 (投诉率只按有该列的文件中的客户计算)" \
        in "\n".join(texts(result.notices))
    both = by_id(result)
    for agent in ("K1", "K2"):
        assert both[agent]["服务客户数"] == 2 * alone[agent]["服务客户数"] == 6
        assert both[agent]["有投诉标记的客户数"] == 3
        assert both[agent]["投诉客户数"] == 1
        assert both[agent]["客户投诉率"] == pytest.approx(1 / 3)
    assert "有投诉标记的客户数" not in alone["K1"]  # only when a file lacks the column
    # the same customers again in a file without the flag: they are already known from the first file
    again = write_log(tmp_path / "again.csv", [[r[0] + "y", *r[1:6], r[7]] for r in LOG], headers=no_flag)
    same = by_id(compute_metrics([log, again], "2026-10", satisfaction_scale=5))
    assert same["K1"]["服务客户数"] == same["K1"]["有投诉标记的客户数"] == 3
    assert same["K1"]["客户投诉率"] == pytest.approx(1 / 3) and same["K1"]["问题总数"] == 8
    # only the file without the flag for an agent: no customer with a flag, no rate
    lone = write_log(tmp_path / "lone.csv", [["Z1", "K9", "C9", "2026-10-06 09:00:00", "2026-10-06 09:01:00", "是", "4"]],
                     headers=no_flag)
    k9 = by_id(compute_metrics([log, lone], "2026-10", satisfaction_scale=5))["K9"]
    assert k9["服务客户数"] == 1 and k9["有投诉标记的客户数"] == 0 and k9["客户投诉率"] is None


def test_an_agent_id_of_spaces_is_empty_and_the_name_stands_for_it(tmp_path):
    """A 客服工号 of spaces only was an empty 工号 with no name: the row was reported as
    「客服工号和姓名都为空」 though its 客服姓名 was there."""
    headers = ["工单编号", "客服工号", "客服姓名", "客户ID", "创建时间", "首次回复时间", "是否解决"]
    rows = [
        ["T1", "A01", "李四", "C1", "2026-10-05 09:00:00", "2026-10-05 09:02:00", "是"],
        ["T2", "  ", "李四", "C2", "2026-10-05 09:00:00", "2026-10-05 09:04:00", "否"],
        ["T3", " ", "", "C3", "2026-10-05 09:00:00", "2026-10-05 09:04:00", "否"],
    ]
    result = compute_metrics([write_log(tmp_path / "spaces.csv", rows, headers)], "2026-10")
    a01 = by_id(result)["A01"]
    assert (a01["问题总数"], a01["已解决数"], a01["平均响应时间"]) == (2, 1, 3)
    assert result.problem_lines() == ["spaces.csv 第4行: 客服工号和姓名都为空"]


def test_a_time_format_the_parser_refuses_is_an_input_error(tmp_path, log):
    mapping = tmp_path / "map.yaml"
    mapping.write_text('time_formats: ["%Y-%m-%d %H"]\n', encoding="utf-8")
    result = run("metrics", log, "--period", "2026-10", "--map", mapping, "-o", tmp_path / "d.xlsx")
    assert result.exit_code == 2 and "map.yaml: time_formats 中的「%Y-%m-%d %H」不能用作时间格式" in result.output
    assert "Traceback" not in result.output


def test_a_row_without_agent_id_belongs_to_the_id_of_its_name(tmp_path):
    """Without a roster, a row whose 客服工号 is empty but whose 客服姓名 other rows give with a 工号 is that
    agent's (it made a second agent 李四 with half the figures); a name of two 工号 is a problem; a
    name no row gives a 工号 stays an agent of its own."""
    headers = ["工单编号", "客服工号", "客服姓名", "客户ID", "创建时间", "首次回复时间", "是否解决"]
    rows = [
        ["T1", "A01", "李四", "C1", "2026-10-05 09:00:00", "2026-10-05 09:02:00", "是"],
        ["T2", "", "李四", "C2", "2026-10-05 09:00:00", "2026-10-05 09:04:00", "否"],
        ["T3", "A02", "王五", "C3", "2026-10-06 09:00:00", "2026-10-06 09:01:00", "是"],
        ["T4", "A03", "王五", "C4", "2026-10-06 09:00:00", "2026-10-06 09:01:00", "是"],
        ["T5", "", "王五", "C5", "2026-10-06 09:00:00", "2026-10-06 09:01:00", "是"],
        ["T6", "", "赵六", "C6", "2026-10-07 09:00:00", "2026-10-07 09:05:00", "是"],
    ]
    result = compute_metrics([write_log(tmp_path / "names.csv", rows, headers)], "2026-10")
    agents = by_id(result)
    assert sorted(agents) == ["A01", "A02", "A03", "赵六"]
    a01 = agents["A01"]
    assert (a01["姓名"], a01["服务客户数"], a01["问题总数"], a01["已解决数"], a01["平均响应时间"]) == ("李四", 2, 2, 1, 3)
    assert result.problem_lines() == ["names.csv 第6行: 客服工号为空, 姓名「王五」对应多个工号 (A02、A03), 无法确定是谁"]
    assert agents["赵六"]["问题总数"] == 1


def test_a_reply_years_after_the_question_is_a_mistyped_year(tmp_path):
    """A first reply typed with the year 2062 made K1's mean response 9,467,282 minutes, unreported."""
    rows = [r[:4] + ["2062-10-05 09:04:00"] + r[5:] if r[0] == "T1" else r for r in LOG]
    rows.append(["T9", "K1", "C9", "2026-10-06 09:00:00", "2027-10-07 09:00:00", "是", "否", ""])  # 366 days: kept
    result = compute_metrics([write_log(tmp_path / "t.csv", rows)], "2026-10", satisfaction_scale=5)
    assert result.problem_lines() == [
        "t.csv 第2行: 首次回复时间 2062-10-05 09:04:00 比创建时间 2026-10-05 09:00:00 晚 366 天以上, 请核对年份"]
    assert result.kind_counts == {"回复时间不合理": 1}
    k1 = by_id(result)["K1"]
    assert k1["问题总数"] == 4 and k1["平均响应时间"] == pytest.approx((930 + 3840 + 366 * 1440) / 3)


def test_an_excel_date_serial_is_named_as_such(tmp_path):
    rows = [r[:3] + ["46300.375"] + r[4:] if r[0] == "T1" else r for r in LOG]
    rows = [r[:4] + ["46300"] + r[5:] if r[0] == "T2" else r for r in rows]
    lines = compute_metrics([write_log(tmp_path / "t.csv", rows)], "2026-10", satisfaction_scale=5).problem_lines()
    assert lines[0] == ("t.csv 第2行: 创建时间「46300.375」无法识别 (像是 Excel 的日期序列号: "
                        "请在 Excel 中把该列设为日期时间格式再导出 CSV, 或直接用 .xlsx 文件)")
    assert lines[1].startswith("t.csv 第3行: 首次回复时间「46300」无法识别 (像是 Excel 的日期序列号")
    rows = [r[:3] + ["abc"] + r[4:] if r[0] == "T1" else r for r in LOG]
    assert compute_metrics([write_log(tmp_path / "u.csv", rows)], "2026-10", satisfaction_scale=5).problem_lines() \
        == ["u.csv 第2行: 创建时间「abc」无法识别"]


def serial(text: str) -> float:
    moment = datetime.fromisoformat(text)
    return (moment - datetime(1899, 12, 30)) / timedelta(days=1)


@pytest.mark.parametrize("date1904", [False, True])
def test_excel_date_serials_in_an_xlsx_are_read_as_times(tmp_path, date1904):
    """In an .xlsx, a time cell formatted 常规 holds the serial number (46300.375): it was reported as
    unreadable, with the advice to use the .xlsx file, which it already was.  It is read as the time it stands
    for (counted from 1904 in a workbook that says so), and a notice says so once per column."""
    book = openpyxl.Workbook()
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904 if date1904 else openpyxl.utils.datetime.CALENDAR_WINDOWS_1900
    shift = (datetime(1904, 1, 1) - datetime(1899, 12, 30)) / timedelta(days=1) if date1904 else 0
    book.active.append(HANS)
    for r in LOG:
        created = serial(r[3]) - shift
        reply = serial(r[4]) - shift if r[4] else None
        book.active.append([*r[:3], created, reply, *r[5:7], int(r[7]) if r[7] else None])
    for cell in book.active["D"] + book.active["E"]:
        cell.number_format = "General"
    book.save(tmp_path / "t.xlsx")
    result = compute_metrics([tmp_path / "t.xlsx"], "2026-10", satisfaction_scale=5)
    assert result.problem_count == 0
    assert result.rows == compute_metrics([write_log(tmp_path / "t.csv", LOG)], "2026-10", satisfaction_scale=5).rows
    assert texts(result.notices)[:2] == [
        f"t.xlsx: 创建时间列有 8 个单元格是数字 (Excel 的日期序列号, 单元格为常规格式), 已按日期时间读取, "
        f"如第2行 {serial(LOG[0][3]) - shift} 为 2026-10-05 09:00:00",
        f"t.xlsx: 首次回复时间列有 7 个单元格是数字 (Excel 的日期序列号, 单元格为常规格式), 已按日期时间读取, "
        f"如第2行 {serial(LOG[0][4]) - shift} 为 2026-10-05 09:04:00"]


def test_a_date_serial_stored_as_text_in_an_xlsx_is_named_as_such(tmp_path):
    """A serial typed as text in an .xlsx was told to use the .xlsx it already was."""
    book = openpyxl.Workbook()
    book.active.append(HANS)
    book.active.append(["T1", "K1", "C1", "46301.5", None, "是", "否", 5])
    book.save(tmp_path / "t.xlsx")
    assert compute_metrics([tmp_path / "t.xlsx"], "2026-10", satisfaction_scale=5).problem_lines() == [
        "t.xlsx 第2行: 创建时间「46301.5」无法识别 (像是 Excel 的日期序列号, 但单元格中存的是文字: 请把该单元格改为数字或日期时间)"]


def test_empty_and_space_only_ids_are_no_ids(tmp_path):
    """Empty ticket and customer ids are told by their hashes (not by comparing texts): an empty, a
    quoted-empty and a spaces-only id are all none.  Rows without a ticket id are no copies of each
    other; rows without a customer are 缺少客户."""
    path = tmp_path / "ids.csv"
    path.write_text("工单编号,客服工号,客户ID,创建时间,首次回复时间,是否解决\n"
                    ",A01,C1,2026-10-05 09:00:00,2026-10-05 09:02:00,是\n"
                    "  ,A01,C2,2026-10-06 09:00:00,2026-10-06 09:02:00,否\n"
                    '"",A01,C3,2026-10-06 09:00:00,2026-10-06 09:02:00,否\n'
                    "T1,A01, ,2026-10-07 09:00:00,2026-10-07 09:02:00,否\n"
                    'T2,A01,"",2026-10-07 09:00:00,2026-10-07 09:02:00,否\n'
                    "T3,A01,,2026-10-07 09:00:00,2026-10-07 09:02:00,否\n", encoding="utf-8")
    result = compute_metrics([path], "2026-10")
    assert result.problem_lines() == [f"ids.csv 第{row}行: 客户为空" for row in (5, 6, 7)]
    a01 = by_id(result)["A01"]
    assert (a01["问题总数"], a01["服务客户数"], a01["已解决数"]) == (3, 3, 1)


def test_a_row_of_quoted_empty_cells_is_a_blank_row(tmp_path):
    """A row of "" cells (as some exports write an empty line) was reported as 创建时间为空."""
    path = write_log(tmp_path / "quoted.csv", LOG[:2])
    with open(path, "a", encoding="utf-8", newline="") as fh:
        fh.write(",".join(['""'] * len(HANS)) + "\r\n")
    result = compute_metrics([path], "2026-10", satisfaction_scale=5)
    assert result.problem_lines() == []
    assert (result.files[0].blank, result.files[0].rows) == (1, 2)


def test_a_problem_of_a_row_with_spaces_as_agent_id_names_its_agent(tmp_path):
    """When the 姓名 standing for a spaces-only 工号 cannot be told (two 工号 give it), the message said
    「None」: it names the 姓名 as a row with an empty 工号 does."""
    headers = ["工单编号", "客服工号", "客服姓名", "客户ID", "创建时间", "首次回复时间"]
    rows = [
        ["T1", "K1001", "王芳", "C1", "2026-10-01 09:00:00", "2026-10-01 09:10:00"],
        ["T2", "K1003", "王芳", "C2", "2026-10-01 09:00:00", "2026-10-01 09:10:00"],
        ["T3", "   ", "王芳", "C3", "2026-10-02 10:00:00", "2026-10-02 10:20:00"],
    ]
    result = compute_metrics([write_log(tmp_path / "a.csv", rows, headers)], "2026-10")
    assert result.problem_lines() == ["a.csv 第4行: 客服工号为空, 姓名「王芳」对应多个工号 (K1001、K1003), 无法确定是谁"]
