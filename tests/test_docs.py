"""The documentation site: it builds strictly, its reference pages are what the code says now, its
examples run, and the HR workbook's own guide explains every setting."""

import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import openpyxl
import pytest

from xl_kpi.addin.build import BUTTONS, HR_WORKBOOK, SHIPPED
from xl_kpi.addin.settings_sheet import SETTINGS
from xl_kpi.cli import main
from xl_kpi.engine.score import score_indicator
from xl_kpi.schemes.scheme import parse_scheme_text
from xl_kpi.workflow.annual_book import CAVEAT

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))


def _generator():
    spec = importlib.util.spec_from_file_location("gen_reference", DOCS / "gen_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reference_pages_are_generated_from_the_code():
    stale = _generator().stale()
    assert not stale, (f"docs pages differ from what the code gives now: {', '.join(map(str, stale))}; "
                       "regenerate them with `python docs/gen_reference.py` and commit the result")


def test_site_builds_strictly(tmp_path):
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml"),
                             "--site-dir", str(tmp_path / "site")], capture_output=True, text=True, timeout=300,
                            env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "guide" / "monthly" / "index.html").is_file()


def test_every_page_is_in_the_nav():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in PAGES:
        assert page.relative_to(DOCS).as_posix() in nav, f"{page.relative_to(ROOT)} is not in mkdocs.yml's nav"


def test_annual_page_carries_the_caveat_from_the_code():
    assert CAVEAT in (DOCS / "guide" / "annual.md").read_text(encoding="utf-8")
    assert CAVEAT in (DOCS / "reference" / "decisions.md").read_text(encoding="utf-8")


def test_pictures_are_small_and_present():
    images = sorted((DOCS / "images").glob("*.png"))
    assert len(images) >= 3
    for image in images:
        assert image.stat().st_size < 150_000, f"{image.name} is over 150 KB"
    for page in [ROOT / "README.md", *PAGES]:
        for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).is_file(), f"{page.relative_to(ROOT)}: picture {target} missing"


# --------------------------------------------------------------------------- the examples run


def _console_lines():
    for page in [ROOT / "README.md", *PAGES]:
        for block in re.findall(r"```console\n(.+?)\n```", page.read_text(encoding="utf-8"), re.DOTALL):
            for line in block.splitlines():
                if line.startswith("xl-kpi "):
                    yield pytest.param(line, id=f"{page.relative_to(ROOT)}: {line[:60]}")


@pytest.mark.parametrize("line", list(_console_lines()))
def test_console_example_is_a_real_command(line):
    """Every `xl-kpi …` line of a console block names a command that exists and only its options."""
    words = shlex.split(line)[1:]
    command: click.Command = main
    while isinstance(command, click.Group):
        assert words and words[0] in command.commands, f"no command {words[:1]} in: {line}"
        command, words = command.commands[words[0]], words[1:]
    options = {o for p in command.params if isinstance(p, click.Option) for o in [*p.opts, *p.secondary_opts]}
    for word in words:
        if word.startswith("-"):
            assert word.split("=")[0] in options, f"{word} is not an option of {command.name}: {line}"


def _scheme_examples():
    text = (DOCS / "schemes.md").read_text(encoding="utf-8")
    return text, [b for b in re.findall(r"```yaml\n(.+?)```", text, re.DOTALL)]


def test_scheme_examples_load():
    text, blocks = _scheme_examples()
    whole = [b for b in blocks if b.startswith("id: ")]
    assert whole, "docs/schemes.md has no complete scheme example"
    for block in whole:
        parse_scheme_text(block, source="docs/schemes.md")
    decisions = next(b for b in blocks if b.startswith("decisions:"))
    table = (ROOT / "xl_kpi" / "schemes" / "builtin" / "cs-table.yaml").read_text(encoding="utf-8")
    edited = parse_scheme_text(table[:table.index("\ndecisions:")] + "\n" + decisions, source="docs/schemes.md")
    assert [r.kind for r in edited.decisions.rules] == ["absence", "first_bonus"]


SCORED = re.compile(r"^\| `([\w-]+)` \| (\S+) \| (\S+) \| (\S+) \|$", re.MULTILINE)


def test_scheme_example_scores():
    text, blocks = _scheme_examples()
    schemes = {s.id: s for s in (parse_scheme_text(b, source="docs") for b in blocks if b.startswith("id: "))}
    rows = SCORED.findall(text)
    assert len(rows) >= 4
    for sid, name, typed, expected in rows:
        indicator = next(i for i in schemes[sid].indicators if i.name == name)
        assert score_indicator(indicator, [typed]) == pytest.approx(float(expected)), (sid, name, typed)


# --------------------------------------------------------------------------- help inside the HR workbook


def test_hr_workbook_explains_every_setting_and_button():
    guide = openpyxl.load_workbook(SHIPPED / HR_WORKBOOK)["使用说明"]
    rows = [[c for c in row] for row in guide.iter_rows(values_only=True)]
    first = [r[0] for r in rows]
    for spec in SETTINGS:
        row = rows[first.index(spec.key)]  # the key, its help, its default and an example
        assert row[1] == spec.help and row[2] == (spec.default or "(空)") and row[3], spec.key
    for name, *_ in BUTTONS:
        assert name in first, f"button {name} missing from 使用说明"
    text = "\n".join(str(c) for r in rows for c in r if c)
    assert "备份" in text and "「问题」表" in text


def test_readme_is_a_front_door():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250
    first_screen = "\n".join(readme.splitlines()[:60])
    assert "pip install -e . && xl-kpi demo" in first_screen and "python -m pytest" in first_screen
    for step in ("xl-kpi generate", "xl-kpi consolidate", "xl-kpi feedback"):
        assert step in first_screen
