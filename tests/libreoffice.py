"""LibreOffice Calc, headless, as an independent spreadsheet program that recalculates our sheets."""

from __future__ import annotations

import os
import shutil
import subprocess
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


def run_uno(script: str, folder: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the Python ``script`` (its text, written to ``folder``) with LibreOffice's UNO bindings, as
    ``script PACKAGE_DIR SOFFICE *args`` (the package folder, for ``lo_vba_export.running``); its output is
    captured.  Without UNO Python: fails on CI, skips elsewhere."""
    from xl_kpi.addin import build as addin
    from xl_kpi.base.errors import KpiError

    office = soffice()
    try:
        python = addin.find_uno_python(office)
    except KpiError as exc:
        _missing(str(exc), str(exc))
    path = folder / "uno_script.py"
    path.write_text(script, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}  # UNO Python has its own
    return subprocess.run([python, str(path), str(Path(addin.__file__).parent), office, *args],
                          capture_output=True, text=True, timeout=300, env=env)


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
