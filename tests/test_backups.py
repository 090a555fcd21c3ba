"""Backups of replaced outputs (generate --overwrite, consolidate): never lost, never duplicated, never read back."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xl_kpi import tables
from xl_kpi.cli import main
from xl_kpi.consolidate import consolidate, find_workbooks

ROSTER = Path(__file__).parent.parent / "xl_kpi" / "samples" / "roster.csv"
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
