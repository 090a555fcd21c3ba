"""The examples of the README and the documentation run, and every command, function and rule kind is documented."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from xl_kpi import udfs
from xl_kpi.cli import main
from xl_kpi.schemes.rules import KINDS

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
# the README and the documentation site (docs/): the function examples live in docs/excel.md
DOCS = "\n".join([README, *(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").rglob("*.md")))])
EXAMPLE = re.compile(r"^\| `=(KPI_\w+)\((.*)\)` \| (.+?) \|$", re.MULTILINE)


def _excel_arg(text: str):
    """A literal argument as Excel would pass it: 0.3% -> 0.003 (a double), "x" -> str."""
    text = text.strip()
    if text.startswith('"'):
        return text.strip('"')
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


def _split_args(text: str) -> list[str]:
    return [a for a in re.findall(r'"[^"]*"|[^,]+', text) if a.strip()]


EXAMPLES = EXAMPLE.findall(DOCS)


def test_readme_has_function_examples():
    assert len(EXAMPLES) >= 15


@pytest.mark.parametrize("name,args,expected", EXAMPLES)
def test_readme_function_example(name, args, expected):
    result = getattr(udfs, name)(*[_excel_arg(a) for a in _split_args(args)])
    if re.fullmatch(r"-?\d+(\.\d+)?", expected):
        assert isinstance(result, (int, float)) and not isinstance(result, bool)
        assert result == pytest.approx(float(expected), abs=1e-9)
    else:
        assert result == expected


def test_every_function_documented():
    for name in udfs.CATALOG:
        assert f"`{name}(" in DOCS, f"{name} missing from the documentation"


def test_every_rule_kind_documented():
    for kind, cls in KINDS.items():
        assert f"| `{kind}` | {cls.label} |" in DOCS, f"rule kind {kind} missing from the documentation"


def _commands(group, prefix=""):
    for name, cmd in group.commands.items():
        full = f"{prefix}{name}"
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, full + " ")
        else:
            yield full


def test_every_command_documented():
    for command in _commands(main):
        assert f"`xl-kpi {command}" in DOCS, f"xl-kpi {command} missing from the documentation"


def test_quick_start_commands_match_ci():
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    blocks = re.findall(r"```console\n(.+?)\n```", README, re.DOTALL)
    test_command = next(b for b in blocks if "pytest" in b)
    assert test_command.strip() in ci


def test_quick_start_demo_runs(tmp_path):
    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert sorted(p.name for p in (out / "考核表").iterdir()) == ["2026-10-客服一部.xlsx", "2026-10-客服二部.xlsx"]
    assert (out / "2026-10-汇总.xlsx").is_file()
    # the README promises: one reported cell, the other eleven people scored
    assert "11 人得出总分" in result.output
    assert "2026-10-客服二部.xlsx 工作表「K1010-吴敏」H11: 技能应用能力 请填数字, 单元格中是文字「很好」" in result.output
    # run again into the same folder: the sheets are replaced (the old ones kept as backups, not consolidated)
    again = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert "11 人得出总分" in again.output and "重复" not in again.output
    assert sorted(p.name for p in (out / "考核表").iterdir()) == [
        "2026-10-客服一部.xlsx", "2026-10-客服一部.备份.xlsx", "2026-10-客服二部.xlsx", "2026-10-客服二部.备份.xlsx"]
