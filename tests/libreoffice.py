"""LibreOffice Calc, headless, as an independent spreadsheet program that recalculates our sheets."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest


def _missing(on_ci: str, elsewhere: str) -> None:
    """A missing LibreOffice part fails the run on CI (CI=true), where .ci/run installs it, and skips elsewhere."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(on_ci)
    pytest.skip(elsewhere)


def soffice() -> str:
    """Path of soffice; a missing LibreOffice fails the run on CI (CI=true) and skips elsewhere."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path:
        return path
    _missing("LibreOffice (soffice) is not installed; .ci/run installs libreoffice-calc-nogui",
             "LibreOffice not installed (apt-get install libreoffice-calc-nogui)")


def uno_python(office: str) -> str:
    """A Python with LibreOffice's UNO bindings: $XL_KPI_UNO_PYTHON, this one, the system's, LibreOffice's
    own; none fails the run on CI (CI=true, .ci/run installs python3-uno) and skips elsewhere."""
    program = Path(office).resolve().parent
    candidates = [os.environ.get("XL_KPI_UNO_PYTHON"), sys.executable, "/usr/bin/python3",
                  str(program / "python.exe"), str(program / "python")]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            probe = subprocess.run([candidate, "-c", "import uno"], capture_output=True, env=UNO_ENV)
            if probe.returncode == 0:
                return candidate
    _missing("no Python with LibreOffice's UNO bindings: .ci/run installs python3-uno",
             "no Python with LibreOffice's UNO bindings (apt-get install python3-uno, or set XL_KPI_UNO_PYTHON)")


UNO_ENV = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}  # the UNO Python is not our venv's


def run_uno(script: str, folder: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the Python ``script`` (its text, written to ``folder``) with LibreOffice's UNO bindings, as
    ``script TESTS_DIR SOFFICE *args`` (the tests folder, for ``lo_uno.running``); its output is
    captured.  Without UNO Python: fails on CI, skips elsewhere."""
    office = soffice()
    python = uno_python(office)
    path = folder / "uno_script.py"
    path.write_text(script, encoding="utf-8")
    return subprocess.run([python, str(path), str(Path(__file__).parent), office, *args],
                          capture_output=True, text=True, timeout=300, env=UNO_ENV)


def recalc(files: list[Path], out_dir: Path, infilter: str | None = None) -> list[Path]:
    """Open each workbook in LibreOffice, recalculate, save as .xlsx in out_dir; return the new paths.

    infilter names LibreOffice's import filter where its type detection would not pick one
    (it does not recognise an add-in's content type, so .xlam needs "Calc MS Excel 2007 VBA XML").
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        cmd = [soffice(), "--headless", "--norestore", "--nolockcheck",
               f"-env:UserInstallation={profile.as_uri()}",
               *([f"--infilter={infilter}"] if infilter else []),
               "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out_dir), *map(str, files)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        outs = [out_dir / f.with_suffix(".xlsx").name for f in files]
        missing = [p for p in outs if not p.exists()]
        assert not missing, f"LibreOffice did not write {missing}: {done.stdout} {done.stderr}"
        return outs
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def pdf_pages(files: list[Path], out_dir: Path) -> dict[str, int]:
    """Print each workbook to PDF through LibreOffice, as a person would; the number of pages of each (by name)."""
    import re

    out_dir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        cmd = [soffice(), "--headless", "--norestore", "--nolockcheck", f"-env:UserInstallation={profile.as_uri()}",
               "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, files)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        pages = {}
        for f in files:
            pdf = out_dir / f.with_suffix(".pdf").name
            assert pdf.exists(), f"LibreOffice did not print {f.name}: {done.stdout} {done.stderr}"
            pages[f.name] = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))
        return pages
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def pdf_text(pdf: Path) -> str:
    """The text of a PDF as a reader sees it (poppler's pdftotext): what the pages show, ### included."""
    tool = shutil.which("pdftotext")
    if tool is None:
        _missing("pdftotext is not installed: .ci/run installs poppler-utils", "pdftotext (poppler-utils) is not installed")
    return subprocess.run([tool, "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=120).stdout
