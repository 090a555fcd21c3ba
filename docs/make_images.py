"""Make the pictures of the documentation from real generated files (run by hand, not in CI).

    python docs/make_images.py

Runs the demo month into a temporary folder, prints the files with LibreOffice
(``soffice --headless --convert-to pdf``) and turns the wanted pages into PNGs with
``pdftoppm -r 60 -png``; they are written to docs/images/.  Needs LibreOffice, poppler-utils
ImageMagick (convert, to trim the margins)
and a CJK font (Debian: fonts-wqy-microhei); without the font the Chinese prints as boxes,
which is why CI does not run it.  Each picture should stay under ~150 KB.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from xl_kpi.addin.build import HR_WORKBOOK, SHIPPED
from xl_kpi.cli import main

IMAGES = Path(__file__).resolve().parent / "images"
LIMIT = 150_000


def _pdf(source: Path, work: Path) -> Path:
    """source printed by LibreOffice to work/<stem>.pdf (a copy first: soffice names the PDF after the file)."""
    work.mkdir(parents=True, exist_ok=True)
    copy = work / ("print" + source.suffix)
    shutil.copyfile(source, copy)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{work}/lo-profile",
                    "--convert-to", "pdf", "--outdir", str(work), str(copy)],
                   check=True, capture_output=True, timeout=300)
    return work / "print.pdf"


def _page(pdf: Path, page: int, name: str, work: Path) -> Path:
    """One page of pdf as docs/images/name.png at 60 dpi."""
    stem = work / name
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(stem)], check=True, timeout=120)
    target = IMAGES / f"{name}.png"
    shutil.copyfile(stem.with_suffix(".png"), target)
    if shutil.which("convert"):  # ImageMagick: cut the empty paper around the print
        subprocess.run(["convert", str(target), "-trim", "+repage", "-bordercolor", "white", "-border", "12",
                        "-strip", str(target)], check=True, timeout=60)
    size = target.stat().st_size
    print(f"{target.relative_to(IMAGES.parent.parent)}: {size // 1024} KB" + ("  (over 150 KB!)" if size > LIMIT else ""))
    return target


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def main_() -> int:
    if not shutil.which("soffice") or not shutil.which("pdftoppm"):
        print("需要 LibreOffice (soffice) 和 poppler-utils (pdftoppm)", file=sys.stderr)
        return 2
    IMAGES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        out = work / "demo"
        runner = CliRunner()
        runner.invoke(main, ["demo", "-o", str(out)], catch_exceptions=False)
        summary = out / "2026-10-汇总.xlsx"
        runner.invoke(main, ["feedback", str(summary), "-o", str(out / "面谈表")], catch_exceptions=False)
        # an assessment workbook: page 1 is the cover, page 2 the first person's sheet
        pdf = _pdf(out / "考核表" / "2026-10-客服一部.xlsx", work / "sheets")
        _page(pdf, 1, "cover", work)
        _page(pdf, 2, "sheet", work)
        # the summary: 公司总览 first, 问题 last
        pdf = _pdf(summary, work / "summary")
        _page(pdf, 1, "summary", work)
        _page(pdf, _pages(pdf), "problems", work)
        # a feedback interview form
        pdf = _pdf(out / "面谈表" / "反馈面谈表.xlsx", work / "feedback")
        _page(pdf, 1, "feedback", work)
        # the HR workbook as shipped: 设置, then 使用说明
        pdf = _pdf(SHIPPED / HR_WORKBOOK, work / "hr")
        _page(pdf, 1, "settings", work)
    return 0


if __name__ == "__main__":
    sys.exit(main_())
