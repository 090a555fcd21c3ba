"""Output files: never replace what a person gave us, and say so in Chinese (exit 2) when a file cannot be written."""

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from xl_kpi.base import files as tables
from xl_kpi.cli import main
from xl_kpi.schemes.scheme import get_scheme_with_text
from xl_kpi.workflow.consolidate import consolidate
from xl_kpi.workflow.generate import generate
from xl_kpi.workflow.summary import write_summary

QUANT_HEAD = ["工号", "姓名", "部门", "客户投诉率", "客户满意度", "平均响应时间", "问题解决率",
              "业务知识掌握程度", "技能应用能力", "内部协作配合度", "信息共享及时性"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(result, *parts):
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    (line,) = [x for x in result.output.splitlines() if x.startswith("错误: ")]
    for part in parts:
        assert part in line, line
    return line


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def data(write_csv):
    return write_csv("in.csv", [QUANT_HEAD, ["K1", "王芳", "一部", "0.3%", "89.5", "10", "98.5%", "90", "8", "4", "5"]])


def test_score_output_that_cannot_be_replaced(data, tmp_path, monkeypatch):
    out = tmp_path / "结果.xlsx"
    out.write_bytes(b"old")
    real_replace = tables.os.replace

    def refuse(src, dst):  # the output only: its backup (written first) can be
        if Path(dst) == out:
            raise PermissionError(13, "Permission denied")
        return real_replace(src, dst)

    monkeypatch.setattr(tables.os, "replace", refuse)
    one_line_error(run("score", "--scheme", "cs-quant", data, "-o", out),
                   f"无法写入 {out}", "Excel/WPS 中打开或为只读, 请关闭后重试")
    assert out.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_output_folder_that_cannot_be_written(data, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tables.tempfile, "mkstemp", refuse)
    one_line_error(run("score", "--scheme", "cs-quant", data, "-o", tmp_path / "结果.xlsx"), "不能写入")
    one_line_error(run("generate", "--scheme", "cs-quant", "--roster", data, "--period", "2026-10",
                       "--out", tmp_path / "out"), "不能写入")


def test_open_summary_keeps_the_old_backup(tmp_path, locked):
    scheme, text = get_scheme_with_text("cs-quant")
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门\nK1,王芳,一部\n", encoding="utf-8")
    generate(scheme, text, roster, "2026-10", tmp_path / "sheets")
    out = tmp_path / "汇总.xlsx"
    write_summary(consolidate([tmp_path / "sheets"]), out)
    out.write_bytes(b"this month")
    backup = tmp_path / "汇总.备份.xlsx"
    backup.write_bytes(b"last month")
    locked.add("汇总.xlsx")
    one_line_error(run("consolidate", tmp_path / "sheets", "-o", out),
                   f"无法写入 {out}", "Excel/WPS 中打开或为只读, 请关闭后重试")
    assert backup.read_bytes() == b"last month" and out.read_bytes() == b"this month"
    assert leftovers(tmp_path) == []


def test_score_refuses_to_write_over_its_input(data, tmp_path, monkeypatch):
    before = data.read_bytes()
    monkeypatch.chdir(tmp_path)
    one_line_error(run("score", "--scheme", "cs-quant", "in.csv", "-o", "./in.csv"), "就是输入文件", "-o")
    assert data.read_bytes() == before


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("工号,姓名,部门\nK1,王芳,一部\nK2,李娜,一部\nK3,张伟,二部\n", encoding="utf-8")
    return path


def test_generate_does_not_replace_returned_workbooks(roster, tmp_path):
    args = ["generate", "--scheme", "cs-quant", "--roster", roster, "--period", "2026-10", "--out", tmp_path / "out"]
    assert run(*args).exit_code == 0
    filled = tmp_path / "out" / "2026-10-一部.xlsx"
    filled.write_bytes(b"filled by the supervisor")
    one_line_error(run(*args), "2026-10-一部.xlsx", "--overwrite", "未写入任何文件")
    assert filled.read_bytes() == b"filled by the supervisor"
    result = run(*args, "--overwrite")
    assert result.exit_code == 0, result.output
    assert "备份" in result.output
    assert (tmp_path / "out" / "2026-10-一部.备份.xlsx").read_bytes() == b"filled by the supervisor"
    assert filled.read_bytes()[:2] == b"PK"  # a new workbook
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["2026-10-一部.xlsx", "2026-10-一部.备份.xlsx", "2026-10-二部.xlsx", "2026-10-二部.备份.xlsx"]


def test_generate_keeps_returned_peer_reviews(roster, tmp_path):
    out = tmp_path / "out"
    args = ["generate", "--scheme", "cs-quant", "--roster", roster, "--period", "2026-10", "--out", out, "--peer"]
    assert run(*args).exit_code == 0
    peer_file = next(out.glob("互评-*.xlsx"))
    for p in out.glob("2026-10-*.xlsx"):
        p.unlink()  # only the peer reviews are there now
    peer_file.write_bytes(b"rated")
    one_line_error(run(*args), peer_file.name)
    assert peer_file.read_bytes() == b"rated"
    assert run(*args, "--overwrite").exit_code == 0
    assert tables.backup_path(peer_file).read_bytes() == b"rated"


def test_generate_with_overwrite_changes_nothing_when_one_file_is_open(roster, tmp_path, locked):
    out = tmp_path / "out"
    args = ["generate", "--scheme", "cs-quant", "--roster", roster, "--period", "2026-10", "--out", out]
    assert run(*args).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    locked.add("2026-10-二部.xlsx")
    one_line_error(run(*args, "--overwrite"), "2026-10-二部.xlsx", "Excel/WPS")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # not even a backup was made


def test_backup_name_is_the_summary_one():
    assert tables.backup_path(Path("a") / "汇总.xlsx") == Path("a") / "汇总.备份.xlsx"
    assert not tables.same_file("no-such-file", "no-such-file")
    assert tables.same_file(__file__, os.path.join(os.path.dirname(__file__), ".", os.path.basename(__file__)))


def test_an_output_under_a_file_says_that_file_is_not_a_folder(tmp_path):
    from xl_kpi.base.errors import OutputFileError
    from xl_kpi.base.files import atomic_path

    (tmp_path / "报表").write_text("x", encoding="utf-8")
    with pytest.raises(OutputFileError) as caught:
        with atomic_path(tmp_path / "报表" / "汇总.xlsx"):
            pass
    assert str(caught.value) == f"无法写入 {tmp_path / '报表' / '汇总.xlsx'}: {tmp_path / '报表'} 是一个文件, 不是文件夹; 请换一个输出位置"
