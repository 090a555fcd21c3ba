"""`xl-kpi` end to end: score, schemes, scheme show/check, with exact messages and exit codes."""

import json
from pathlib import Path

import click
import openpyxl
import pytest
from click.testing import CliRunner

from xl_kpi.cli import main
from xl_kpi.excel.tables import read_table

QUANT_HEAD = ["工号", "姓名", "部门", "客户投诉率", "客户满意度", "平均响应时间", "问题解决率",
              "业务知识掌握程度", "技能应用能力", "内部协作配合度", "信息共享及时性"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def rows_of(path: Path) -> list[dict]:
    table = read_table(path)
    return [dict(zip(table.headers, row)) for row in table.rows]


def test_score_cs_quant_csv(write_csv, tmp_path):
    src = write_csv("in.csv", [
        QUANT_HEAD + ["绩效奖金基数"],
        ["K1", "王芳", "一部", "0.3%", "89.5", "10", "98.5%", "90", "8", "4", "5", "1000"],
        ["K2", "李娜", "一部", "0", "90", "60.01", "100%", "59", "10", "5", "5", "1000"],
    ])
    out = tmp_path / "out.xlsx"
    result = run("score", "--scheme", "cs-quant", src, "-o", out)
    assert result.exit_code == 0, result.output
    r1, r2 = rows_of(out)
    # 14 + 16 + 15 + 14 + 10 + 8 + 4 + 5 = 86
    assert r1["客户投诉率"] == 14 and r1["客户满意度"] == 16 and r1["问题解决率"] == 14
    assert r1["总分"] == 86 and r1["绩效奖金"] == 860
    # 20 + 20 + 0 + 15 + 0 + 10 + 5 + 5 = 75
    assert r2["平均响应时间"] == 0 and r2["总分"] == 75 and r2["绩效奖金"] == 750
    assert not r1["问题"] and not r2["问题"]


def test_score_traditional_headers_and_ids(write_csv, tmp_path):
    head = ["工號", "客戶投訴率", "satisfaction", "平均響應時間", "resolution_rate", "業務知識測試成績",
            "技能應用能力", "內部協作配合度", "信息共享及時性"]
    src = write_csv("in.csv", [head, ["7", "0.1%", "80", "30", "99%", "80", "6", "3", "2"]])
    out = tmp_path / "out.csv"
    result = run("score", "--scheme", "cs-quant", src, "-o", out)
    assert result.exit_code == 0, result.output
    (row,) = rows_of(out)
    assert row["工号"] == "7"
    # 18 + 16 + 10 + 14 + 8 + 6 + 3 + 2 = 77
    assert float(row["总分"]) == 77


def test_bad_rows_are_reported_and_others_scored(write_csv, tmp_path):
    src = write_csv("dept.csv", [
        QUANT_HEAD,
        ["K1", "好人", "一部", "0", "90", "5", "100%", "95", "10", "5", "5"],
        ["K2", "文字", "一部", "0", "很好", "5", "100%", "95", "10", "5", "5"],
        ["K3", "超界", "一部", "150%", "90", "5", "100%", "95", "10", "5", "5"],
        ["K1", "重复", "一部", "0", "90", "5", "100%", "95", "10", "5", "5"],
        ["", "无工号", "一部", "0", "90", "5", "100%", "95", "10", "5", "5"],
        ["K6", "缺值", "一部", "0", "90", "", "100%", "95", "7", "5", "5"],
    ])
    out = tmp_path / "out.xlsx"
    result = run("score", "--scheme", "cs-quant", src, "-o", out)
    assert result.exit_code == 1
    rows = {r["姓名"]: r for r in rows_of(out)}
    assert rows["好人"]["总分"] == 100 and not rows["好人"]["问题"]
    assert rows["文字"]["总分"] is None
    assert rows["文字"]["问题"] == "第3行 E列: 客户满意度 应为数字, 收到文字「很好」"
    assert rows["超界"]["问题"] == "第4行 D列: 客户投诉率 应不大于 100%, 收到 150%"
    assert rows["重复"]["问题"] == "第5行 A列: 工号 K1 与第2行重复"
    assert rows["无工号"]["问题"] == "第6行 A列: 工号为空"
    problems = rows["缺值"]["问题"].split("; ")
    assert "第7行 F列: 平均响应时间 为空, 请填写" in problems
    assert any(p.startswith("第7行 I列: 技能应用能力 7 分不在任何等级的分值内") for p in problems)
    assert rows["缺值"]["总分"] is None
    assert "已处理 6 人, 1 人评分完整, 5 人有问题" in result.output


def test_missing_column_reported_on_every_row(write_csv, tmp_path):
    head = [h for h in QUANT_HEAD if h != "问题解决率"]
    src = write_csv("in.csv", [head, ["K1", "a", "b", "0", "90", "5", "95", "10", "5", "5"]])
    out = tmp_path / "out.csv"
    result = run("score", "--scheme", "cs-quant", src, "-o", out)
    assert result.exit_code == 1
    assert "缺少列: 问题解决率" in result.output
    (row,) = rows_of(out)
    assert "问题解决率 为空" in row["问题"] and "缺少该列" in row["问题"]


def test_unknown_column_is_a_notice(write_csv, tmp_path):
    src = write_csv("in.csv", [QUANT_HEAD + ["备注"], ["K1", "a", "b", "0", "90", "5", "100%", "95", "10", "5", "5", "x"]])
    result = run("score", "--scheme", "cs-quant", src, "-o", tmp_path / "o.csv")
    assert result.exit_code == 0
    assert "已忽略: 备注" in result.output


def test_gbk_csv_and_xlsx_input(tmp_path, write_csv):
    src = write_csv("gbk.csv", [QUANT_HEAD, ["K1", "王芳", "一部", "0.2%", "70", "45", "90%", "60", "4", "2", "0"]],
                    encoding="gb18030")
    out = tmp_path / "o.xlsx"
    assert run("score", "--scheme", "cs-quant", src, "-o", out).exit_code == 0
    (row,) = rows_of(out)
    # 16 + 12 + 5 + 5 + 4 + 4 + 2 + 0 = 48
    assert row["姓名"] == "王芳" and row["总分"] == 48

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(QUANT_HEAD)
    ws.append([1001, "张伟", "二部", 0.003, 89.5, 10, 0.985, 89.5, 8, 4, 4])
    ws["D2"].number_format = "0.0%"
    xlsx = tmp_path / "in.xlsx"
    book.save(xlsx)
    out2 = tmp_path / "o2.csv"
    assert run("score", "--scheme", "cs-quant", xlsx, "-o", out2).exit_code == 0
    (row,) = rows_of(out2)
    # 14 + 16 + 15 + 14 + 8 + 8 + 4 + 4 = 83
    assert row["工号"] == "1001" and float(row["总分"]) == 83


def test_formula_like_text_stays_text(write_csv, tmp_path):
    evil = '=HYPERLINK("http://x","点我")'
    src = write_csv("in.csv", [QUANT_HEAD, ["K1", evil, "一部", "0", "90", "5", "100%", "95", "10", "5", "5"]])
    out = tmp_path / "o.xlsx"
    assert run("score", "--scheme", "cs-quant", src, "-o", out).exit_code == 0
    ws = openpyxl.load_workbook(out).active
    cell = ws["B2"]
    assert cell.value == evil and cell.data_type == "s"
    out_csv = tmp_path / "o.csv"
    assert run("score", "--scheme", "cs-quant", src, "-o", out_csv).exit_code == 0
    assert "'=HYPERLINK" in out_csv.read_text(encoding="utf-8-sig")


def test_cs_table_assessor_columns_and_pay(write_csv, tmp_path):
    names = ["纪律性", "处事能力", "工作协调", "工作激情", "工作业绩", "处理投诉及售后工作", "协助网络推广",
             "做好工作总结并提出合理建议"]
    head = ["工号", "姓名"]
    for n in names:
        head += [f"{n}(自评)", f"{n}(主管)"]
    head += ["计划销售额", "实际销售额", "其他"]
    self_pts = [5, 10, 10, 5, 40, 20, 5, 5]  # 100
    sup_pts = [4, 9, 9, 4, 38, 18, 4, 4]  # 90
    row = ["C1", "周", *[v for pair in zip(self_pts, sup_pts) for v in pair], 100000, 150000, 200]
    src = write_csv("t.csv", [head, row])
    out = tmp_path / "o.xlsx"
    result = run("score", "--scheme", "cs-table", src, "-o", out)
    assert result.exit_code == 0, result.output
    (r,) = rows_of(out)
    # item = 40% self + 60% supervisor; total = 0.4*100 + 0.6*90 = 94 -> 良 (94 < 95)
    assert r["纪律性"] == pytest.approx(4.4)
    assert r["总分"] == 94 and r["等级"] == "良" and r["岗位工资"] == 1500
    assert r["自评合计"] == 100 and r["部门主管合计"] == 90
    assert r["提成"] == 1800 and r["当月工资"] == 1500 + 1800 + 200


def test_cs_table_missing_self_assessment(write_csv, tmp_path):
    head = ["工号", "纪律性(自评)", "纪律性(部门主管)"]
    src = write_csv("t.csv", [head, ["C1", "", "5"]])
    result = run("score", "--scheme", "cs-table", src, "-o", tmp_path / "o.csv")
    assert result.exit_code == 1
    assert "问题 t.csv 第2行 B列 C1: 纪律性(自评) 为空, 请填写" in result.output  # the row's 工号 after its place


def test_advisor_threshold_column(write_csv, tmp_path):
    from xl_kpi.excel.columns import input_headers
    from xl_kpi.schemes.scheme import builtin_scheme

    scheme = builtin_scheme("advisor-4s")
    head, values = ["工号"], ["A1"]
    good = {"ratio": "100%", "percent": "0", "count": "0", "days": "1", "amount": "0", "points": None}
    for ind in scheme.indicators:
        for spec in ind.inputs:
            head.append(input_headers(scheme, ind, spec, None)[0])
            values.append(str(ind.weight) if spec.unit == "points" else good[spec.unit])
    values[head.index("续保台数")] = "3"
    src = write_csv("a.csv", [head, values])
    out = tmp_path / "o.xlsx"
    assert run("score", "--scheme", "advisor-4s", src, "-o", out).exit_code == 0
    (r,) = rows_of(out)
    # 回款率 0% -> 0 of 2, 满意度 0% -> 0 of 3, 均衡生产率 0% -> 2, 互动业务 0 -> 4 (exceeds 2)
    assert r["总分"] == 100 - 2 - 3 + 2
    # 97% overall, but two items below 80% of their weight (document 003: 各项考核权重均不得低于80%)
    assert r["绩效资格"] == "不参与绩效考核"
    assert r["绩效资格原因"] == "回款率 0 / 2 = 0% 低于 80%; 客户满意度 0 / 3 = 0% 低于 80%"
    values[head.index("回款率")] = "80%"  # 2 × 80% = 1.6 of 2: exactly 80 %
    values[head.index("客户满意度")] = "98.5%"  # 5 of 3 (may exceed)
    src = write_csv("b.csv", [head, values])
    assert run("score", "--scheme", "advisor-4s", src, "-o", out).exit_code == 0
    (r,) = rows_of(out)
    assert r["绩效资格"] == "参与", r["绩效资格原因"]
    assert r["绩效资格原因"] == "综合考核 103.6% 不低于 80%; 各项得分均不低于权重的 80%"


def test_schemes_and_show(tmp_path):
    result = run("schemes")
    assert result.exit_code == 0
    for sid in ("cs-quant", "cs-table", "advisor-4s"):
        assert sid in result.output
    shown = run("scheme", "show", "cs-quant", "--lang", "zh-Hant")
    assert shown.exit_code == 0 and "客戶投訴率" in shown.output
    # 繁體 throughout: headers, rule texts, grades, the title line; ids as written
    table = run("scheme", "show", "cs-table", "--lang", "zh-Hant").output
    for text in ("滿分 100", "規則", "等級評分", "自覺遵守和維護公司各項規章制度", "│ 優", "評分人: 自評 40.0%, 部門主管 60.0%",
                 "銷售提成", "discipline"):
        assert text in table, text
    for text in ("满分", "规则", "等级评分", "自觉遵守", "评分人", "销售提成"):
        assert text not in table, text
    data = json.loads(run("scheme", "show", "advisor-4s", "--json").output)
    assert sum(len(g["indicators"]) for g in data["groups"]) == 24
    assert [g["weight"] for g in data["groups"]] == [50, 15, 30, 5]


def test_unknown_scheme_is_exit_2():
    result = run("scheme", "show", "nope")
    assert result.exit_code == 2
    from xl_kpi.schemes.scheme import builtin_ids

    assert f"错误: 没有方案「nope」; 可用: {', '.join(builtin_ids())}" in result.output


def test_missing_input_file_is_exit_2(tmp_path):
    result = run("score", "--scheme", "cs-quant", tmp_path / "none.csv", "-o", tmp_path / "o.csv")
    assert result.exit_code == 2 and "找不到文件" in result.output
    assert not (tmp_path / "o.csv").exists()


def test_output_written_atomically(write_csv, tmp_path):
    src = write_csv("in.csv", [QUANT_HEAD, ["K1", "a", "b", "0", "90", "5", "100%", "95", "10", "5", "5"]])
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"old")
    bad = run("score", "--scheme", "cs-quant", src, "-o", tmp_path / "out.pdf")
    assert bad.exit_code == 2 and "输出文件应为 .csv 或 .xlsx" in bad.output
    assert run("score", "--scheme", "cs-quant", src, "-o", out).exit_code == 0
    # no temp files left; the result replaced is kept (tests/base/test_backups.py)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.xlsx", "out.备份.xlsx"]
    assert (tmp_path / "out.备份.xlsx").read_bytes() == b"old"


def test_scheme_check_reports_file_place_and_value(tmp_path):
    from importlib import resources

    from xl_kpi.schemes.scheme import builtin_ids

    text = (resources.files("xl_kpi.schemes") / "builtin" / "cs-quant.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "mine.yaml"
    broken.write_text(text.replace("weight: 20\n        definition: 统计客户投诉", "weight: 25\n        definition: 统计客户投诉"),
                      encoding="utf-8")
    result = run("scheme", "check", broken)
    assert result.exit_code == 2
    assert "mine.yaml" in result.output
    assert "分组 客户服务质量: 指标权重之和为 45 (客户投诉率 25 + 客户满意度 20), 与分组权重 40 不符" in result.output
    good = tmp_path / "good.yaml"
    good.write_text(text, encoding="utf-8")
    result = run("scheme", "check", good)
    assert result.exit_code == 0 and "方案 cs-quant 有效: 8 项指标" in result.output
    assert "cs-quant" in builtin_ids()


def test_outputs_are_ordinary_files_not_private_temp_files(write_csv, tmp_path):
    import os
    import stat

    src = write_csv("in.csv", [QUANT_HEAD, ["K1", "a", "b", "0", "90", "5", "100%", "95", "10", "5", "5"]])
    out = tmp_path / "out.xlsx"
    old = os.umask(0o022)
    try:
        assert run("score", "--scheme", "cs-quant", src, "-o", out).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644  # readable by colleagues on a shared folder


def test_scheme_check_accepts_a_template_workbook():
    template = Path(__file__).parent.parent / "workbook_templates" / "cs-quant.xlsx"
    result = run("scheme", "check", template)  # its 规则 sheet says: run xl-kpi scheme check
    assert result.exit_code == 0, result.output
    assert result.output.startswith("方案 cs-quant 有效: 8 项指标")


def test_score_help_lists_every_builtin_scheme():
    from xl_kpi.schemes.scheme import builtin_ids

    text = " ".join(run("score", "--help").output.split())
    assert f"方案 id ({' / '.join(builtin_ids())}) 或方案文件" in text


@pytest.mark.parametrize("args, expected", [
    (["metrics", "a.csv"], "错误: 缺少选项 --period"),
    (["metrics", "--period", "2026-10"], "错误: 缺少参数 工单导出..."),
    (["metrics", "a.csv", "--period"], "错误: 选项 --period 后面要写一个值"),
    (["metrics", "a.csv", "--period", "2026-10", "--fcr-days", "七"], "错误: --fcr-days 的值不对: 「七」不是整数"),
    (["generate", "--split", "dept"], "错误: --split 的值不对: 「dept」不是可选的值, 可选: 'department', 'person'"),
    (["generate", "--bogus"], "错误: 没有选项 --bogus, 是不是要用 --out?"),
    (["generat"], "错误: 没有命令 generat, 是不是要用 generate?"),
    (["scheme", "chek"], "错误: 没有命令 chek, 是不是要用 check?"),
    (["--bogus"], "错误: 没有选项 --bogus"),
])
def test_command_line_mistakes_are_told_in_chinese(args, expected):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.output.rstrip().splitlines()[-1] == expected, result.output
    assert "Error" not in result.output and "Usage" not in result.output and "Try " not in result.output


def test_a_missing_input_file_is_told_in_chinese(tmp_path):
    result = CliRunner().invoke(main, ["consolidate", str(tmp_path / "无"), "-o", str(tmp_path / "o.xlsx")])
    assert result.exit_code == 2
    assert result.output.rstrip().splitlines()[-1] == f"错误: 找不到文件或文件夹「{tmp_path / '无'}」"


def test_no_arguments_still_shows_the_help():
    result = CliRunner().invoke(main, [])
    assert "xl-kpi: 客服人员 KPI 考核" in result.output and "错误" not in result.output


# --------------------------------------------------------------------------- score: an .xlsx with several sheets


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """An .xlsx with these sheets in this order, each given as its rows from A1."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


FULL = ["0", "90", "5", "100%", "95", "10", "5", "5"]  # 100 points


@pytest.fixture
def department_data(tmp_path):
    """Data kept as HR keeps a roster: a note first, a sheet per department (the second under a title, its
    columns in another order, one more column, a 工号 of the first sheet again), and a list with no scheme column."""
    return workbook(tmp_path / "数据.xlsx", {
        "说明": [["每个部门一张表"]],
        "客服一部": [QUANT_HEAD, ["K1", "王芳", "客服一部", *FULL], ["K2", "李娜", "客服一部", *FULL]],
        "名单": [["工号", "姓名"], ["K1", "王芳"]],
        "客服二部": [["客服二部 10 月"], ["姓名", "工号", *QUANT_HEAD[2:], "备注"],
                     ["赵敏", "K7", "客服二部", "0.3%", *FULL[1:], "新入职"],
                     ["李娜", "K2", "客服二部", *FULL, None]],
    })


def test_score_reads_every_sheet_with_a_header(department_data, tmp_path):
    out = tmp_path / "out.xlsx"
    result = run("score", "--scheme", "cs-quant", department_data, "-o", out)
    assert result.exit_code == 1, result.output  # the 工号 on two sheets
    rows = rows_of(out)
    assert [(r["工号"], r["姓名"], r["总分"]) for r in rows] == [
        ("K1", "王芳", 100), ("K2", "李娜", 100), ("K7", "赵敏", 94), ("K2", "李娜", 100)]
    assert [r["问题"] for r in rows] == [None, None, None, "工作表「客服二部」第4行 B列: 工号 K2 与工作表「客服一部」第3行重复"]
    lines = result.output.splitlines()
    assert ("提示 数据.xlsx: 数据分在 2 个工作表中, 已依次读取工作表「客服一部」(2 人)、「客服二部」(2 人); "
            "工作表「说明」中没有含「工号」列的表头, 未读取; 工作表「名单」中没有方案 cs-quant 的指标列, 未读取") in lines, lines
    assert "提示: 以下列不是方案 cs-quant 的指标, 已忽略: 备注 (工作表「客服二部」)" in lines, lines
    assert "问题 数据.xlsx 工作表「客服二部」第4行 B列 K2: 工号 K2 与工作表「客服一部」第3行重复" in lines, lines
    assert "已处理 4 人, 3 人评分完整, 1 人有问题; 结果已写入" in result.output


def test_score_names_the_sheet_of_a_problem_and_a_column_missing_on_one_sheet(tmp_path):
    data = workbook(tmp_path / "数据.xlsx", {
        "一部": [QUANT_HEAD, ["K1", "王芳", "一部", "0", "很好", *FULL[2:]]],
        "二部": [[h for h in QUANT_HEAD if h != "问题解决率"], ["K7", "赵敏", "二部", *FULL[:3], *FULL[4:]]],
    })
    out = tmp_path / "out.csv"
    result = run("score", "--scheme", "cs-quant", data, "-o", out)
    assert result.exit_code == 1
    problems = [r["问题"] for r in rows_of(out)]
    assert problems == ["工作表「一部」第2行 E列: 客户满意度 应为数字, 收到文字「很好」",
                        "工作表「二部」第2行 (缺少该列): 问题解决率 为空, 请填写"]
    assert "缺少列: 问题解决率 (工作表「二部」)" in result.output.splitlines(), result.output


def test_score_takes_a_full_width_id_for_the_same_person(tmp_path):
    """Ｋ1 typed in full width on one sheet and K1 on another were two people, each scored (and paid) with no
    problem; rosters and DATA files compare 工号 in half width."""
    data = workbook(tmp_path / "数据.xlsx", {"一部": [QUANT_HEAD, ["Ｋ1", "王芳", "一部", *FULL]],
                                             "二部": [QUANT_HEAD, ["K1", "王芳", "二部", *FULL], ["K2", "李娜", "二部", *FULL]]})
    out = tmp_path / "out.xlsx"
    result = run("score", "--scheme", "cs-quant", data, "-o", out)
    assert result.exit_code == 1, result.output
    assert [r["问题"] for r in rows_of(out)] == [
        None, "工作表「二部」第2行 A列: 工号 K1 与工作表「一部」第2行重复 (那里写作 Ｋ1, 全角、半角视为同一工号)", None]


def test_score_with_sheet_reads_that_sheet_only(department_data, tmp_path):
    out = tmp_path / "out.csv"
    result = run("score", "--scheme", "cs-quant", department_data, "-o", out, "--sheet", "客服二部")
    assert result.exit_code == 0, result.output
    assert [r["工号"] for r in rows_of(out)] == ["K7", "K2"]  # its header under a title; K2 is no duplicate here
    assert "提示 数据.xlsx" not in result.output
    assert "默认第一张" not in run("score", "--help").output


def test_score_says_which_sheet_it_read_when_others_have_no_header(tmp_path):
    data = workbook(tmp_path / "DATA.xlsx", {"数据": [QUANT_HEAD, ["K1", "王芳", "一部", *FULL]],
                                             "问题": [["文件", "行", "问题", "说明"]], "说明": [["设置"], ["期间", "2026-10"]]})
    result = run("score", "--scheme", "cs-quant", data, "-o", tmp_path / "out.csv")
    assert result.exit_code == 0, result.output
    assert ("提示 DATA.xlsx: 已读取工作表「数据」(1 人); 工作表「问题」、「说明」中没有含「工号」列的表头, 未读取"
            in result.output.splitlines()), result.output


def test_score_finds_the_header_under_a_title_and_a_table_without_工号_is_still_told_per_row(write_csv, tmp_path):
    titled = write_csv("titled.csv", [["客服一部 2026年10月"], QUANT_HEAD, ["K1", "王芳", "一部", *FULL]])
    out = tmp_path / "o.csv"
    assert run("score", "--scheme", "cs-quant", titled, "-o", out).exit_code == 0
    assert [(r["工号"], r["总分"]) for r in rows_of(out)] == [("K1", "100")]
    no_id = write_csv("no_id.csv", [["编号", *QUANT_HEAD[1:]], ["K1", "王芳", "一部", *FULL]])
    result = run("score", "--scheme", "cs-quant", no_id, "-o", out)
    assert result.exit_code == 1  # as before: the rows are scored and each says what is missing
    assert rows_of(out)[0]["问题"] == "第2行: 缺少工号列"


def test_score_refuses_an_output_type_before_scoring_and_keeps_nothing(write_csv, tmp_path, monkeypatch):
    """-o out.pdf is refused before INPUT is read; an existing out.pdf is neither replaced nor backed up."""
    src = write_csv("in.csv", [QUANT_HEAD, ["K1", "a", "b", "0", "90", "5", "100%", "95", "10", "5", "5"]])
    (tmp_path / "out.pdf").write_bytes(b"old")

    def never(*_, **__):
        raise AssertionError("INPUT was scored")

    monkeypatch.setattr("xl_kpi.workflow.batch.score_file", never)
    bad = run("score", "--scheme", "cs-quant", src, "-o", tmp_path / "out.pdf")
    assert bad.exit_code == 2 and "输出文件应为 .csv 或 .xlsx, 收到 out.pdf" in bad.output, bad.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.pdf"]


def test_headers_that_look_like_terminal_markup_are_printed_as_written(write_csv, tmp_path):
    """rich read a header such as "[/]备注" as markup: score ended in a MarkupError traceback."""
    src = write_csv("m.csv", [["工号", "客户投诉率", "[/]备注", "[bold]x"], ["K1", "0.3%", "a", "b"]])
    result = run("score", "--scheme", "cs-quant", src, "-o", tmp_path / "o.csv")
    assert result.exit_code == 1, result.output
    assert "已忽略: [/]备注, [bold]x" in result.output and "Traceback" not in result.output


def test_a_full_disk_is_a_message_not_a_traceback(write_csv, tmp_path, monkeypatch):
    import errno

    import openpyxl.workbook.workbook as wbmod

    def full(self, filename):
        raise OSError(errno.ENOSPC, "No space left on device", str(filename))

    monkeypatch.setattr(wbmod.Workbook, "save", full)
    src = write_csv("in.csv", [["工号", "客户投诉率"], ["K1", "0.3%"]])
    out = tmp_path / "o.xlsx"
    result = run("score", "--scheme", "cs-quant", src, "-o", out)
    assert result.exit_code == 2, result.output
    assert "磁盘空间已满" in result.output and "Traceback" not in result.output
    assert not out.exists() and not list(tmp_path.glob(".xlkpi-tmp-*"))  # nothing half-written left


def test_an_internal_error_is_one_line_and_a_file(write_csv, tmp_path, monkeypatch):
    import xl_kpi.workflow.batch

    def broken(*_a, **_k):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(xl_kpi.workflow.batch, "score_file", broken)
    src = write_csv("in.csv", [["工号", "客户投诉率"], ["K1", "0.3%"]])
    result = run("score", "--scheme", "cs-quant", src, "-o", tmp_path / "o.csv")
    assert result.exit_code == 2 and "xl-kpi 内部错误 (ZeroDivisionError)" in result.output, result.output
    log = result.output.split("请把 ")[1].split(" 发给维护者")[0]
    assert "ZeroDivisionError" in Path(log).read_text(encoding="utf-8")


def test_every_output_option_is_o_or_output_and_help_is_chinese():
    """The output was --out on generate and demo, -o/--out on feedback, -o/--output elsewhere; click's own
    words in --help (Usage, Options, Show this message and exit.) were English."""
    for name, command in main.commands.items():
        commands = command.commands.items() if hasattr(command, "commands") else [(name, command)]
        for sub, cmd in commands:
            outs = [p for p in cmd.params if isinstance(p, click.Option) and ("--out" in p.opts or "--output" in p.opts)]
            for p in outs:
                assert "-o" in p.opts and "--output" in p.opts, f"{name} {sub}: {p.opts}"
    text = run("consolidate", "--help").output
    assert text.startswith("用法: ") and "选项:" in text and "显示本帮助并退出" in text
    assert "Show this message" not in text and "[必填]" in text


def test_an_extra_argument_is_said_in_chinese(tmp_path):
    result = run("score", "--scheme", "cs-quant", "a.csv", "b.csv", "-o", tmp_path / "x.csv")
    assert result.exit_code == 2 and "多了参数: b.csv" in result.output and "unexpected" not in result.output


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


def test_every_help_page_is_in_chinese_with_no_word_of_click_left():
    import re

    pages = [()] + list(_commands(main))
    assert len(pages) > 12
    for args in pages:
        result = CliRunner().invoke(main, [*args, "--help"])
        assert result.exit_code == 0, args
        english = set(re.findall(r"\[OPTIONS\]|COMMAND|\bARGS\b|\b(?:TEXT|FILE|DIRECTORY|INTEGER|PATH|INPUTS?|TICKETS"
                                 r"|OUTPUT|SCHEME|ROSTER)\b|Usage|Options|Show this", result.output))
        assert not english, (args, english)
