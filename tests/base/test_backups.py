"""Backups of replaced outputs (generate --overwrite, consolidate): never lost, never duplicated, never read back."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xl_kpi.base import files as tables
from xl_kpi.cli import main
from xl_kpi.workflow.consolidate import consolidate, find_workbooks

ROSTER = Path(__file__).resolve().parents[2] / "xl_kpi" / "samples" / "roster.csv"
ONE = "2026-10-客服一部"  # the department workbook holding K1001


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def generate_args(out: Path) -> list:
    return ["generate", "--scheme", "cs-quant", "--roster", ROSTER, "--period", "2026-10", "--out", out]


def fill(path: Path, value: float = 89.5, person: str = "K1001", cell: str = "H7") -> None:
    """What a supervisor does: type a value into a person's sheet and save."""
    book = openpyxl.load_workbook(path)
    ws = next(ws for ws in book.worksheets if ws.title.startswith(person))
    ws[cell] = value
    book.save(path)


def filled_value(path: Path, person: str = "K1001", cell: str = "H7"):
    book = openpyxl.load_workbook(path)
    return next(ws for ws in book.worksheets if ws.title.startswith(person))[cell].value


def named_backup(output: str) -> str:
    """The backup file name generate's message gives: 已将原有的 … 备份为 ….备份.xlsx (如 NAME)."""
    found = re.search(r"备份为 …\.备份\.xlsx \(如 (.+?\.xlsx)\)", output)
    assert found, output
    return found.group(1)


def overwrite(out: Path) -> str:
    result = run(*generate_args(out), "--overwrite")
    assert result.exit_code == 0, result.output
    return named_backup(result.output)


def test_keep_backup_numbers_instead_of_replacing(tmp_path):
    target = tmp_path / "汇总.xlsx"
    kept = []
    for content in (b"first", b"second", b"third"):
        target.write_bytes(content)
        kept.append(tables.keep_backup(target))
    assert [p.name for p in kept] == ["汇总.备份.xlsx", "汇总.备份2.xlsx", "汇总.备份3.xlsx"]
    assert [p.read_bytes() for p in kept] == [b"first", b"second", b"third"]
    assert tables.backups_of(target) == kept
    # the same bytes again: no further copy, the backup that holds them is named
    target.write_bytes(b"first")
    assert tables.keep_backup(target) == kept[0]
    target.write_bytes(b"third")
    assert tables.keep_backup(target) == kept[2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["汇总.xlsx", "汇总.备份.xlsx", "汇总.备份2.xlsx", "汇总.备份3.xlsx"]
    # a gap left by a deleted backup is not reused: a higher number is always a later copy
    kept[1].unlink()
    target.write_bytes(b"fourth")
    assert tables.keep_backup(target).name == "汇总.备份4.xlsx"
    assert [p.read_bytes() for p in tables.backups_of(target)] == [b"first", b"third", b"fourth"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_backup_names_are_recognised():
    for name in ("汇总.备份.xlsx", "汇总.备份2.xlsx", "2026-10-客服一部.备份12.xlsx", "互评-2026-10-一部-K1-王芳.备份3.xlsx"):
        assert tables.is_backup(Path("a") / name), name
    for name in ("汇总.xlsx", "备份.xlsx", "2026-10-备份组.xlsx", "汇总.备份2a.xlsx"):
        assert not tables.is_backup(Path("a") / name), name
    assert tables.backup_path("汇总.xlsx", 2) == Path("汇总.备份2.xlsx")
    assert tables.backup_path("汇总.xlsx") == tables.backup_path("汇总.xlsx", 1) == Path("汇总.备份.xlsx")


def test_two_overwrites_keep_the_supervisors_work(tmp_path):
    out = tmp_path / "ow"
    assert run(*generate_args(out)).exit_code == 0
    fill(out / f"{ONE}.xlsx")
    filled = (out / f"{ONE}.xlsx").read_bytes()

    first = overwrite(out)
    assert first == f"{ONE}.备份.xlsx"
    assert (out / first).read_bytes() == filled
    second = overwrite(out)
    assert second == f"{ONE}.备份2.xlsx"  # the filled backup is not replaced by the fresh, empty workbook
    assert (out / second).is_file()
    assert (out / first).read_bytes() == filled
    assert filled_value(out / first) == 89.5
    assert filled_value(out / second) is None and filled_value(out / f"{ONE}.xlsx") is None
    names = {p.name for p in out.iterdir()}
    assert {f"{ONE}.xlsx", f"{ONE}.备份.xlsx", f"{ONE}.备份2.xlsx", "2026-10-客服二部.xlsx",
            "2026-10-客服二部.备份.xlsx"} <= names
    assert all(n.startswith("2026-10-客服") and n.endswith(".xlsx") for n in names)  # no temporary files


def test_overwriting_a_workbook_already_backed_up_makes_no_copy(tmp_path):
    out = tmp_path / "ow"
    assert run(*generate_args(out)).exit_code == 0
    fill(out / f"{ONE}.xlsx")
    assert overwrite(out) == f"{ONE}.备份.xlsx"
    assert overwrite(out) == f"{ONE}.备份2.xlsx"
    # the supervisor's file comes back by mail and is put there again: its bytes are already kept
    shutil.copyfile(out / f"{ONE}.备份.xlsx", out / f"{ONE}.xlsx")
    assert overwrite(out) == f"{ONE}.备份.xlsx"
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(ONE)) == [
        f"{ONE}.xlsx", f"{ONE}.备份.xlsx", f"{ONE}.备份2.xlsx"]


def test_numbered_backups_are_not_consolidated(tmp_path):
    out = tmp_path / "ow"
    assert run(*generate_args(out)).exit_code == 0
    fill(out / f"{ONE}.xlsx")
    overwrite(out)
    overwrite(out)
    fill(out / f"{ONE}.xlsx", 95)
    assert (out / f"{ONE}.备份2.xlsx").is_file()
    current = sorted(p for p in out.iterdir() if not tables.is_backup(p))
    assert [p.name for p in current] == [f"{ONE}.xlsx", "2026-10-客服二部.xlsx"]
    assert find_workbooks([out]) == current
    result = consolidate([out])
    assert result.files == current
    assert not [i for i in result.issues if "备份" in (i.file or "")]


@pytest.mark.parametrize("inside", [True, False])
def test_summary_backups_are_kept_named_and_not_read_back(tmp_path, inside):
    out = tmp_path / "ow"
    assert run(*generate_args(out)).exit_code == 0
    summary = (out if inside else tmp_path) / "汇总.xlsx"
    messages = []
    for value in (89.5, 70, 95, 60):  # the summary changes every time, so every old one is kept
        fill(out / f"{ONE}.xlsx", value)
        result = run("consolidate", out, "-o", summary)
        assert "不是 xl-kpi 生成的考核表" not in result.output
        assert "备份" not in result.output.split("汇总已写入")[0]
        messages.append(re.search(r"原汇总已备份为 (\S+?\.xlsx)", result.output))
    assert messages[0] is None
    assert [m.group(1) for m in messages[1:]] == ["汇总.备份.xlsx", "汇总.备份2.xlsx", "汇总.备份3.xlsx"]
    scores = []
    for name in ("汇总.备份.xlsx", "汇总.备份2.xlsx", "汇总.备份3.xlsx", "汇总.xlsx"):
        ws = openpyxl.load_workbook(summary.with_name(name))["公司总览"]
        heads = [c.value for c in ws[1]]
        row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[heads.index("工号")] == "K1001")
        scores.append(row[heads.index("客户满意度")])
    assert scores == [16, 12, 20, 8]  # 89.5, 70, 95, 60 as scored, oldest backup first


# --------------------------------------------------------------------------- metrics, score, annual

TICKET_HEAD = "工单编号,客服工号,客户ID,创建时间,首次回复时间,是否解决,是否投诉,满意度\n"
QUANT_HEAD = ["工号", "姓名", "部门", "客户投诉率", "客户满意度", "平均响应时间", "问题解决率",
              "业务知识掌握程度", "技能应用能力", "内部协作配合度", "信息共享及时性"]


def _tickets(folder: Path, minutes: int) -> Path:
    path = folder / "工单.csv"
    path.write_text(TICKET_HEAD + f"T1,K1001,C1,2026-10-03 09:00:00,2026-10-03 09:{minutes:02d}:00,是,否,95\n"
                    "T2,K1002,C2,2026-10-04 10:00:00,2026-10-04 10:12:00,是,是,80\n", encoding="utf-8")
    return path


def _ratings(folder: Path, number: int) -> Path:
    path = folder / "评分.csv"
    rows = [QUANT_HEAD, ["K1", "王芳", "一部", "0.3%", {4: 60, 5: 70, 6: 89.5}[number], "10", "98.5%", "90", "8", "4", "5"]]
    path.write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n", encoding="utf-8")
    return path


def _months(folder: Path, total: int) -> Path:
    path = folder / "月度.csv"
    path.write_text(f"工号,姓名,部门,期间,总分\nK1,王芳,一部,2026-01,{total}\nK1,王芳,一部,2026-02,80\n", encoding="utf-8")
    return path


OUTPUTS = {  # command -> (make its input from a number, the command line, the output, the words of its backup line)
    "metrics": (_tickets, lambda i, o: ["metrics", i, "--period", "2026-10", "-o", o], "数据.xlsx", "原数据文件已备份为"),
    "score": (_ratings, lambda i, o: ["score", "--scheme", "cs-quant", i, "-o", o], "结果.xlsx", "原结果文件已备份为"),
    "score-csv": (_ratings, lambda i, o: ["score", "--scheme", "cs-quant", i, "-o", o], "结果.csv", "原结果文件已备份为"),
    "annual": (_months, lambda i, o: ["annual", i, "--scheme", "cs-table", "-o", o], "年度.xlsx", "原年度汇总已备份为"),
}


@pytest.mark.parametrize("command", OUTPUTS)
def test_metrics_score_and_annual_keep_the_output_they_replace(tmp_path, command):
    make, args, name, said = OUTPUTS[command]
    out = tmp_path / name
    written, messages = [], []
    for number in (4, 5, 6):  # another input each time: every output differs from the one before
        result = run(*args(make(tmp_path, number), out))
        assert result.exit_code == 0, result.output
        written.append(out.read_bytes())
        found = re.search(re.escape(said) + r" (\S+)", result.output)
        messages.append(found and found.group(1).rstrip(")"))
    first, second = tables.backup_path(out).name, tables.backup_path(out, 2).name
    assert messages == [None, first, second]
    assert (tmp_path / first).read_bytes() == written[0] and (tmp_path / second).read_bytes() == written[1]
    # an output whose bytes are already kept is not copied again; the backup holding them is named
    shutil.copyfile(tmp_path / first, out)
    result = run(*args(make(tmp_path, 6), out))
    assert result.exit_code == 0 and f"{said} {first}" in result.output, result.output
    assert sorted(p.name for p in tmp_path.iterdir() if tables.is_backup(p)) == sorted([first, second])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left behind


READERS = {"metrics": "xl_kpi.workflow.actions.compute_metrics", "score": "xl_kpi.workflow.batch.score_file",
           "score-csv": "xl_kpi.workflow.batch.score_file", "annual": "xl_kpi.workflow.annual.read_monthly"}


@pytest.mark.parametrize("which", ["output", "backup"])
@pytest.mark.parametrize("command", OUTPUTS)
def test_an_output_or_backup_open_in_excel_stops_before_any_reading(tmp_path, command, which, locked, monkeypatch):
    make, args, name, _ = OUTPUTS[command]
    out = tmp_path / name
    source = make(tmp_path, 4)
    assert run(*args(source, out)).exit_code == 0
    backup = tables.backup_path(out)
    if which == "backup":  # the output already kept, its backup held open: the backup would be rewritten
        shutil.copyfile(out, backup)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    held = out if which == "output" else backup
    locked.add(held.name)

    def never(*_, **__):
        raise AssertionError("the inputs were read before the output was found locked")

    monkeypatch.setattr(READERS[command], never)
    result = run(*args(source, out))
    assert result.exit_code == 2, result.output
    (line,) = [x for x in result.output.splitlines() if x.startswith("错误: ")]
    assert f"无法写入 {held}" in line and "Excel/WPS 中打开或为只读, 请关闭后重试" in line, line
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_metrics_refuses_another_output_type_before_reading(tmp_path, monkeypatch):
    source = _tickets(tmp_path, 4)
    (tmp_path / "数据.csv").write_text("旧", encoding="utf-8")

    def never(*_, **__):
        raise AssertionError("the tickets were read")

    monkeypatch.setattr("xl_kpi.workflow.actions.compute_metrics", never)
    result = run("metrics", source, "--period", "2026-10", "-o", tmp_path / "数据.csv")
    assert result.exit_code == 2 and "输出文件应为 .xlsx" in result.output, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["工单.csv", "数据.csv"]
