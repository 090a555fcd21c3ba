"""Opening ticket exports: the text encoding of a CSV (UTF-8, GB18030, Big5), a header below a title,
the sheet of an .xlsx that holds the tickets — with the file's own row numbers in every message."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xl_kpi.base.errors import InputFileError
from xl_kpi.base.findings import texts
from xl_kpi.cli import main
from xl_kpi.tickets import Mapping, compute_metrics

HANS = ["工单编号", "客服工号", "客户ID", "创建时间", "首次回复时间", "是否解决", "是否投诉", "满意度"]
HANT = ["工單編號", "客服工號", "客戶ID", "建立時間", "首次回覆時間", "是否解決", "是否投訴", "滿意度"]
ENGLISH = ["Ticket ID", "agent_id", "customer_id", "Created At", "first_reply_at", "resolved", "is_complaint", "CSAT"]

# October 2026; the last row's resolved flag cannot be read: it is reported with its row number.
ROWS = [
    # ticket, agent, customer, created, first reply, resolved, complaint, satisfaction (5-point)
    ["T1", "K1", "客戶甲", "2026-10-05 09:00:00", "2026-10-05 09:04:00", "已解決", "否", "4"],
    ["T2", "K1", "客戶乙", "2026-10-05 17:50:00", "2026-10-06 09:20:00", "未解決", "是", "2"],
    ["T3", "K2", "客戶甲", "2026-10-18 10:00:00", "2026-10-18 10:01:00", "是", "否", "5"],
    ["T4", "K2", "客戶丙", "2026-10-22 10:00:00", "2026-10-22 10:10:00", "否", "否", "3"],
    ["T5", "K2", "客戶丁", "2026-10-23 10:00:00", "", "maybe", "否", ""],
]


def write_csv(path: Path, rows: list[list[str]], headers: list[str] = HANT, encoding: str = "utf-8",
              above: list[list[str]] = (), delimiter: str = ",") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerows(above)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def metrics(paths, **options):
    return compute_metrics([Path(p) for p in paths], "2026-10", satisfaction_scale=5, **options)


@pytest.fixture
def plain(tmp_path):
    """The reference: a UTF-8 file with the header on row 1."""
    return metrics([write_csv(tmp_path / "plain.csv", ROWS)])


def test_the_reference_figures(plain):
    # what the other tests compare against: K1 4 and 930 minutes, K2 1 and 10; T5's flag is a problem
    figures = {rec["工号"]: rec for rec in plain.records()}
    assert figures["K1"]["平均响应时间"] == pytest.approx((4 + 930) / 2)
    assert figures["K2"]["平均响应时间"] == pytest.approx((1 + 10) / 2)
    assert plain.problem_lines() == ["plain.csv 第6行: 解决状态「maybe」无法识别 (可在 --map 文件的 values 中说明)"]


# =========================================================================== encodings


def test_a_big5_csv_is_read_as_big5(tmp_path, plain):
    big5 = write_csv(tmp_path / "big5.csv", ROWS, encoding="big5")
    result = metrics([big5])
    assert result.rows == plain.rows
    assert result.problem_lines() == ["big5.csv 第6行: 解决状态「maybe」无法识别 (可在 --map 文件的 values 中说明)"]
    assert "big5.csv: 不是 UTF-8 编码, 已按 Big5 读取 (若文字是乱码, 请加 --encoding gb18030)" in texts(result.notices)


def test_gb18030_stays_gb18030(tmp_path, plain):
    rows = [[c.replace("戶", "户").replace("解決", "解决") for c in r] for r in ROWS]
    gbk = write_csv(tmp_path / "gbk.csv", rows, headers=HANS, encoding="gb18030")
    result = metrics([gbk])
    assert result.rows == plain.rows
    assert "gbk.csv: 不是 UTF-8 编码, 已按 GB18030 读取 (若文字是乱码, 请加 --encoding big5)" in texts(result.notices)


def test_ascii_headers_the_cells_choose_the_encoding(tmp_path, plain):
    # English headers read alike in both encodings: 已解決 / 否 in the cells tell Big5 from GB18030
    result = metrics([write_csv(tmp_path / "en.csv", ROWS, headers=ENGLISH, encoding="big5")])
    assert result.rows == plain.rows and result.problem_count == 1


@pytest.mark.parametrize(("encoding", "names", "label"), [
    ("big5", ["陳美玲", "林志豪", "張家豪"], "Big5"),
    ("gb18030", ["陈美玲", "林志豪", "张家豪"], "GB18030"),
    ("gb18030", ["陳美玲", "林志豪", "張家豪"], "GB18030"),  # 繁體 names saved by mainland Excel
])
def test_english_headers_and_flags_chinese_names_choose_the_encoding(tmp_path, encoding, names, label):
    """With English headers and Y/N flags, only the names were Chinese: a Big5 file was taken as GB18030
    (on the tie) and its agents came out garbled.  The decoding that gives common characters wins."""
    rows = [[f"T{i}", names[i % 3], f"客{i % 5}", f"2026-10-{5 + i:02d} 09:00:00", f"2026-10-{5 + i:02d} 09:03:00",
             "Y" if i % 2 else "N", "N", "5"] for i in range(12)]
    result = metrics([write_csv(tmp_path / "en.csv", rows, headers=ENGLISH, encoding=encoding)])
    assert sorted(r[0] for r in result.rows) == sorted(names)
    assert f"en.csv: 不是 UTF-8 编码, 已按 {label} 读取" in "\n".join(texts(result.notices))


def test_big5_after_a_long_ascii_beginning(tmp_path):
    filler = [[f"F{i}", "K1", f"X{i}", "2026-09-01 10:00:00", "", "resolved", "no", ""] for i in range(2000)]
    rows = filler + ROWS
    utf8 = write_csv(tmp_path / "utf8.csv", rows, headers=ENGLISH)
    big5 = write_csv(tmp_path / "big5.csv", rows, headers=ENGLISH, encoding="big5")
    assert big5.read_bytes().index("客戶甲".encode("big5")) > 1 << 16  # the first 64 KB are plain ASCII
    result = metrics([big5])
    assert result.rows == metrics([utf8]).rows and result.counted == 4
    assert result.problem_lines() == ["big5.csv 第2006行: 解决状态「maybe」无法识别 (可在 --map 文件的 values 中说明)"]


def test_encoding_option(tmp_path, plain):
    big5 = write_csv(tmp_path / "big5.csv", ROWS, encoding="big5")
    out = tmp_path / "d.xlsx"
    shown = run("metrics", big5, "--period", "2026-10", "-o", out, "--satisfaction-scale", "5", "--encoding", "big5")
    assert shown.exit_code == 1, shown.output  # 1: T5's flag
    assert [r for r in openpyxl.load_workbook(out)["数据"].iter_rows(values_only=True)][1:] == [
        tuple(r) for r in plain.rows]
    assert "不是 UTF-8 编码" not in shown.output  # chosen by the user: nothing to tell
    # the wrong one: told, with the file, what was expected and what to do
    shown = run("metrics", big5, "--period", "2026-10", "-o", out, "--encoding", "utf-8")
    assert shown.exit_code == 2
    assert shown.output.strip() == ("错误: big5.csv: 文件不是 UTF-8 编码 (--encoding utf-8), 第1行附近无法按 UTF-8 读取; "
                                    "请去掉 --encoding (自动识别) 或改用 --encoding gb18030 / big5")
    shown = run("metrics", big5, "--period", "2026-10", "-o", out, "--encoding", "gb18030")
    assert shown.exit_code == 2 and "错误: big5.csv: 找不到 客服工号或客服姓名, 客户, 创建时间 列" in shown.output
    assert "(已按 --encoding gb18030 读取; 若列名是乱码, 请换用其他编码或去掉 --encoding)" in shown.output
    # a UTF-8 file that turns out not to be UTF-8 further on, with --encoding utf-8: no second guess
    late = write_csv(tmp_path / "late.csv", [["F", "K1", "X", "2026-09-01 10:00:00", "", "no", "no", ""]] * 3000 + ROWS,
                     headers=ENGLISH, encoding="big5")
    with pytest.raises(InputFileError, match=r"^late.csv: 文件不是 UTF-8 编码 \(--encoding utf-8\), 第3002行附近"):
        metrics([late], mapping=Mapping(encoding="utf-8"))
    assert run("metrics", big5, "--period", "2026-10", "-o", out, "--encoding", "latin-1").exit_code == 2


def test_not_any_of_the_encodings(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(",".join(HANT).encode("big5") + b"\r\nT1,K1,C\xff\xff,2026-10-05 10:00:00,,1,0,\r\n")
    with pytest.raises(InputFileError) as info:
        metrics([bad])
    assert str(info.value) == ("bad.csv: 无法识别文件编码 (既不是 UTF-8, 也不是 GB18030 或 Big5; 第2行附近), "
                               "请另存为 UTF-8 的 CSV")
    with pytest.raises(InputFileError, match=r"^bad.csv: 第2行附近的文字不是 Big5 编码, 无法按 --encoding big5 读取"):
        metrics([bad], mapping=Mapping(encoding="big5"))


# =========================================================================== a title above the header

TITLE = [["工单导出 2026年10月"], []]  # a title, then an empty line: the header is row 3


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-8-sig", ","), ("utf-8", "\t"), ("big5", ",")])
def test_csv_header_below_a_title_keeps_the_files_row_numbers(tmp_path, plain, encoding, delimiter):
    title = [["工單導出 2026年10月"], []] if encoding == "big5" else TITLE
    path = write_csv(tmp_path / "titled.csv", ROWS, encoding=encoding, above=title, delimiter=delimiter)
    result = metrics([path])
    assert result.rows == plain.rows
    assert result.problem_lines() == ["titled.csv 第8行: 解决状态「maybe」无法识别 (可在 --map 文件的 values 中说明)"]
    assert "titled.csv: 表头在第3行, 其上的标题等未读入" in texts(result.notices)
    (stats,) = result.files
    assert (stats.rows, stats.counted, stats.problems, stats.blank) == (5, 4, 1, 0)  # the title is no ticket


def test_a_title_over_two_lines_is_one_row(tmp_path, plain):
    # a quoted title with a line break is one row in Excel: the header is row 2, T5 row 7
    path = write_csv(tmp_path / "t.csv", ROWS, above=[["工单导出\n2026年10月", "", "导出人: 张三"]])
    result = metrics([path])
    assert result.rows == plain.rows
    assert result.problem_lines() == ["t.csv 第7行: 解决状态「maybe」无法识别 (可在 --map 文件的 values 中说明)"]


def test_no_header_in_the_first_rows(tmp_path):
    path = write_csv(tmp_path / "t.csv", ROWS, headers=["编号", "人", "谁", "何时", "回复", "好了", "投", "分"],
                     above=TITLE)
    with pytest.raises(InputFileError) as info:
        metrics([path])
    # about the first row, as there is nothing more header-like
    assert str(info.value).startswith("t.csv: 找不到 客服工号或客服姓名, 客户, 创建时间 列; 现有列: 工单导出 2026年10月。")
    # a row that is nearly the header: the message names it, by its row in the file
    path = write_csv(tmp_path / "t.csv", ROWS, headers=["工单编号", "客服工号", "谁", "创建时间"], above=TITLE)
    with pytest.raises(InputFileError) as info:
        metrics([path])
    assert str(info.value).startswith("t.csv 第3行: 找不到 客户 列; 现有列: 工单编号, 客服工号, 谁, 创建时间。")


# =========================================================================== the sheet of an .xlsx


def xlsx_rows(ws, above: list[list[str]] = (), rows: list[list[str]] = ROWS) -> None:
    for r in above:
        ws.append(r)
    ws.append(HANT)
    for r in rows:
        ws.append([*r[:3], datetime.fromisoformat(r[3]), datetime.fromisoformat(r[4]) if r[4] else None, r[5], r[6],
                   int(r[7]) if r[7] else None])


def workbook(path: Path, sheets: list[str], tickets: str, above: list[list[str]] = ()) -> Path:
    book = openpyxl.Workbook()
    book.active.title = sheets[0]
    for name in sheets[1:]:
        book.create_sheet(name)
    for name in sheets:
        if name == tickets:
            xlsx_rows(book[name], above)
        else:
            book[name].append(["本文件由客服系统导出, 工单在后面的工作表"])
            book[name].append(["字段说明", "见系统帮助"])
    book.save(path)
    return path


def test_tickets_on_the_second_sheet(tmp_path, plain):
    path = workbook(tmp_path / "book.xlsx", ["说明", "工单"], "工单", above=[["工單導出 2026年10月"]])
    result = metrics([path])
    assert result.rows == plain.rows
    assert result.problem_lines() == ["book.xlsx 第7行: 解决状态「maybe」无法识别 (可在 --map 文件的 values 中说明)"]
    assert texts(result.notices)[:2] == ["book.xlsx: 工单读自工作表「工单」 (工作表 「说明」 没有可识别的表头, 未读入)",
                                  "book.xlsx 工作表「工单」: 表头在第2行, 其上的标题等未读入"]


def test_sheet_option(tmp_path, plain):
    path = workbook(tmp_path / "book.xlsx", ["说明", "十月", "十一月"], "十月")
    out = tmp_path / "d.xlsx"
    shown = run("metrics", path, "--period", "2026-10", "-o", out, "--satisfaction-scale", "5", "--sheet", "十月")
    assert shown.exit_code == 1, shown.output
    assert "问题 book.xlsx 第7行" not in shown.output and "问题 book.xlsx 第6行: 解决状态「maybe」无法识别" in shown.output
    assert [r for r in openpyxl.load_workbook(out)["数据"].iter_rows(values_only=True)][1:] == [
        tuple(r) for r in plain.rows]
    assert "工单读自工作表" not in shown.output  # chosen by the user
    shown = run("metrics", path, "--period", "2026-10", "-o", out, "--sheet", "Sheet1")
    assert shown.exit_code == 2 and shown.output.strip() == (
        "错误: book.xlsx: 没有工作表「Sheet1」(--sheet); 现有工作表: 「说明」、「十月」、「十一月」")
    shown = run("metrics", path, "--period", "2026-10", "-o", out, "--sheet", "十一月")
    assert shown.exit_code == 2 and shown.output.startswith(
        "错误: book.xlsx 工作表「十一月」: 找不到 客服工号或客服姓名, 客户, 创建时间 列; 现有列: 本文件由客服系统导出")


def test_no_sheet_holds_tickets(tmp_path):
    path = workbook(tmp_path / "book.xlsx", ["说明", "备注"], "")
    with pytest.raises(InputFileError) as info:
        metrics([path])
    assert str(info.value) == (
        "book.xlsx: 没有一个工作表的表头能识别 (前 20 行中应有 客服工号或客服姓名、客户、创建时间 等列); "
        "现有工作表: 「说明」、「备注」。请用 --sheet 指定工单所在的工作表, 或在列名映射文件 (--map) 中写明列名")
    # one sheet only: told about that sheet's rows, as before
    one = workbook(tmp_path / "one.xlsx", ["说明"], "")
    with pytest.raises(InputFileError, match=r"^one.xlsx: 找不到 客服工号或客服姓名, 客户, 创建时间 列; 现有列: 本文件由"):
        metrics([one])


def split_workbook(path: Path, sheets: dict[str, tuple[list[list[str]], list[list[str]]]]) -> Path:
    """A workbook with a sheet per entry: (rows above the header, ticket rows); no rows: a sheet of notes."""
    book = openpyxl.Workbook()
    for n, (name, (above, rows)) in enumerate(sheets.items()):
        ws = book.active if n == 0 else book.create_sheet(name)
        ws.title = name
        if not rows:
            ws.append(["本文件由客服系统导出, 工单在后面的工作表"])
            continue
        xlsx_rows(ws, above, rows)
    book.save(path)
    return path


FIRST_HALF, SECOND_HALF = "10月上半月", "10月下半月"


@pytest.fixture
def halves(tmp_path):
    """ROWS over two sheets after a 说明: T1-T2 below a title (rows 3-4), T3-T5 (rows 2-4: T5 on row 4)."""
    return split_workbook(tmp_path / "book.xlsx", {"说明": ([], []), FIRST_HALF: ([["工單導出 上半月"]], ROWS[:2]),
                                                   SECOND_HALF: ([], ROWS[2:])})


def test_tickets_on_several_sheets_are_all_read(halves, plain):
    result = metrics([halves])
    # T3-T5 were lost (read from the first sheet only): K2 had no tickets
    assert result.rows == plain.rows
    second = f"book.xlsx 工作表「{SECOND_HALF}」"
    assert result.problem_lines() == [f"{second} 第4行: 解决状态「maybe」无法识别 (可在 --map 文件的 values 中说明)"]
    assert texts(result.notices)[:2] == [
        f"book.xlsx: 工单读自 2 个工作表 「{FIRST_HALF}」、「{SECOND_HALF}」, 各按其工作表中的行号报告 "
        "(工作表 「说明」 没有可识别的表头, 未读入)",
        f"book.xlsx 工作表「{FIRST_HALF}」: 表头在第2行, 其上的标题等未读入"]
    assert [(f.name, f.rows, f.counted, f.problems) for f in result.files] == [
        (f"book.xlsx 工作表「{FIRST_HALF}」", 2, 2, 0), (second, 3, 2, 1)]
    assert result.summary().startswith("读取 1 个文件 (含 2 个工作表) 5 行: 4 行计入, 1 行有问题")
    # the 问题 and 说明 sheets of DATA name the sheet too
    out = halves.parent / "d.xlsx"
    shown = run("metrics", halves, "--period", "2026-10", "-o", out, "--satisfaction-scale", "5")
    assert shown.exit_code == 1, shown.output
    assert f"问题 {second} 第4行: 解决状态「maybe」无法识别" in shown.output
    book = openpyxl.load_workbook(out)
    assert [r[:2] for r in book["问题"].iter_rows(min_row=2, values_only=True)] == [(second, 4)]
    tally = [r[:4] for r in book["说明"].iter_rows(values_only=True) if r[0] and str(r[0]).endswith("半月」")]
    assert tally == [(f"book.xlsx 工作表「{FIRST_HALF}」", 2, 2, 0), (second, 3, 2, 1)]


def test_a_ticket_on_two_sheets_is_a_duplicate(tmp_path):
    # T2 (row 4 of the first half) exported again on row 2 of the second half
    path = split_workbook(tmp_path / "book.xlsx", {FIRST_HALF: ([["标题"]], ROWS[:2]), SECOND_HALF: ([], [ROWS[1], *ROWS[2:4]])})
    result = metrics([path])
    assert result.problem_lines() == [f"book.xlsx 工作表「{SECOND_HALF}」 第2行: 工单编号与 book.xlsx 工作表「{FIRST_HALF}」 "
                                      "第4行相同, 是重复的工单"]
    assert result.counted == 4 and result.kind_counts == {"重复工单": 1}


def test_sheet_option_reads_that_sheet_only(halves, tmp_path):
    out = tmp_path / "d.xlsx"
    shown = run("metrics", halves, "--period", "2026-10", "-o", out, "--satisfaction-scale", "5", "--sheet", SECOND_HALF)
    assert shown.exit_code == 1, shown.output
    # named as before: the file, its rows (the notice-free choice of the user)
    assert "问题 book.xlsx 第4行: 解决状态「maybe」无法识别" in shown.output and "工作表" not in shown.output
    assert "读取 1 个文件 3 行: 2 行计入, 1 行有问题" in shown.output
    assert {r[0] for r in openpyxl.load_workbook(out)["数据"].iter_rows(min_row=2, values_only=True)} == {"K2"}


def hide(path: Path, *names: str) -> Path:
    book = openpyxl.load_workbook(path)
    for name in names:
        book[name].sheet_state = "hidden"
    book.save(path)
    return path


def test_a_hidden_sheet_is_not_read(tmp_path, plain):
    """A hidden sheet with the same header (an old copy of the tickets, say) was read as tickets: each of
    its tickets a duplicate, or counted twice from another month's export.  Hidden sheets are passed over
    with a notice, unless no visible sheet holds tickets; --sheet still reads one."""
    path = hide(split_workbook(tmp_path / "book.xlsx", {"十月": ([], ROWS), "旧表": ([], ROWS[:3])}), "旧表")
    result = metrics([path])
    assert result.rows == plain.rows and result.kind_counts == {"解决状态无法识别": 1}
    assert [f.name for f in result.files] == ["book.xlsx"]
    assert texts(result.notices)[0] == "book.xlsx: 工单读自工作表「十月」 (隐藏的工作表 「旧表」 未读入; 需要时请用 --sheet 指定)"
    assert metrics([path], mapping=Mapping(sheet="旧表")).counted == 3
    # the tickets on a hidden sheet behind a visible 说明: read, and said
    behind = hide(split_workbook(tmp_path / "behind.xlsx", {"说明": ([], []), "数据": ([], ROWS)}), "数据")
    result = metrics([behind])
    assert result.rows == plain.rows
    assert texts(result.notices)[0] == ("behind.xlsx: 工单读自工作表「数据」 (工作表 「说明」 没有可识别的表头, 未读入; "
                                 "可见的工作表中没有工单, 已读取隐藏的工作表)")


def test_ids_shown_through_a_number_format_are_read_as_shown(tmp_path):
    """An agent id stored as the number 2 and shown as 002 (format 000), or K003 ("K"000), was read as 2 and 3:
    with --roster the agent was unknown, without it DATA listed 工号 2."""
    book = openpyxl.Workbook()
    book.active.append(HANT)
    for n, (agent, fmt) in enumerate([(2, "000"), (3, '"K"000'), (7, "General")]):
        book.active.append([f"T{n}", agent, f"C{n}", datetime(2026, 10, 5, 9), datetime(2026, 10, 5, 9, 10), "是", "否", 5])
        book.active.cell(row=n + 2, column=2).number_format = fmt
    book.save(tmp_path / "t.xlsx")
    result = metrics([tmp_path / "t.xlsx"])
    assert sorted(r[0] for r in result.rows) == ["002", "7", "K003"] and result.problem_count == 0


def test_a_one_sheet_workbook_is_named_as_before(tmp_path, plain):
    result = metrics([workbook(tmp_path / "one.xlsx", ["工单"], "工单")])
    assert result.rows == plain.rows
    assert result.problem_lines() == ["one.xlsx 第6行: 解决状态「maybe」无法识别 (可在 --map 文件的 values 中说明)"]
    assert [f.name for f in result.files] == ["one.xlsx"] and not any("工作表" in n for n in texts(result.notices))
    assert result.summary().startswith("读取 1 个文件 5 行: 4 行计入, 1 行有问题")


# =========================================================================== a stray quote above the header


@pytest.mark.parametrize("encoding", ["utf-8", "big5"])
def test_an_odd_quote_in_the_title(tmp_path, plain, encoding):
    # 5" 屏幕: the csv module and Excel take the quote as a character; skipping the title must too
    path = tmp_path / "q.csv"
    body = "\r\n".join([",".join(HANT), *(",".join(r) for r in ROWS)]) + "\r\n"
    path.write_bytes(('5" 屏幕 導出\r\n' + body).encode(encoding))
    result = metrics([path])
    assert result.rows == plain.rows
    assert result.problem_lines() == ["q.csv 第7行: 解决状态「maybe」无法识别 (可在 --map 文件的 values 中说明)"]
    assert "q.csv: 表头在第2行, 其上的标题等未读入" in texts(result.notices)
    # after a quoted title over two lines (one row in Excel), an empty line: the header is row 4, T5 row 9
    path.write_bytes(('"工單導出\r\n2026年10月",,導出人\r\n5" 屏幕\r\n\r\n' + body).encode(encoding))
    result = metrics([path])
    assert result.rows == plain.rows
    assert result.problem_lines() == ["q.csv 第9行: 解决状态「maybe」无法识别 (可在 --map 文件的 values 中说明)"]
    assert "q.csv: 表头在第4行, 其上的标题等未读入" in texts(result.notices)


def test_a_broken_csv_is_named_in_chinese(tmp_path):
    good = [[f"T{i}", "K1", f"C{i}", "2026-10-05 09:00:00", "", "是", "否", ""] for i in range(30000)]
    first = write_csv(tmp_path / "a.csv", good)
    # an opening quote never closed, far into the second file (past the rows read to choose time formats)
    bad = tmp_path / "b.csv"
    lines = write_csv(tmp_path / "b.csv", good).read_text(encoding="utf-8").splitlines()
    lines.insert(25000, 'X,K1,"C,2026-10-05 09:00:00,,是,否,')
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = r'^b.csv: 无法读取: 文件格式有误, 多半是某个单元格的引号 \(\"\) 没有配对'
    with pytest.raises(InputFileError, match=expected):
        metrics([first, bad])
    # near the top: found while the time formats are chosen, still named
    lines = write_csv(tmp_path / "c.csv", good[:300]).read_text(encoding="utf-8").splitlines()
    lines.insert(100, 'X,K1,"C,2026-10-05 09:00:00,,是,否,')
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=expected):
        metrics([first, bad])


@pytest.mark.parametrize("endings", [["\r\n", "\n", "\r"], ["\r"]], ids=["mixed", "cr-only"])
def test_lines_ended_by_a_lone_carriage_return_are_all_read(tmp_path, endings):
    """A CSV whose lines end in CRLF, LF and a lone CR (pasted together from several exports, or saved by an
    old Mac program): polars glued the CR lines onto the next, losing a third of 200 tickets."""
    from xl_kpi.tickets import compute_metrics

    head = "工单编号,客服工号,客户ID,创建时间,首次回复时间,是否解决,是否投诉,满意度"
    lines = [head] + [f"T{i},K{i % 4},C{i},2026-10-{1 + i % 28:02d} 10:00:00,2026-10-{1 + i % 28:02d} 10:05:00,是,否,90"
                      for i in range(200)]
    path = tmp_path / "t.csv"
    path.write_bytes("".join(line + endings[i % len(endings)] for i, line in enumerate(lines)).encode("utf-8"))
    result = compute_metrics([path], "2026-10")
    assert [(r["工号"], r["服务客户数"]) for r in result.records()] == [("K0", 50), ("K1", 50), ("K2", 50), ("K3", 50)]
    assert result.problem_lines() == []
    assert any("单独的回车" in n for n in texts(result.notices))
