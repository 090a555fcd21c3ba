"""Writes a VBA project (vbaProject.bin inside an .xlsm) with LibreOffice's own VBA exporter.

Run by ``xl-kpi addin build`` under a Python that has LibreOffice's UNO bindings (Debian's
python3-uno, or the python.exe shipped in LibreOffice's program folder), never imported by
xl_kpi itself:

    python3 lo_vba_export.py JOB.json

JOB.json: {"soffice": path, "out": path of the .xlsm to write, "project": VBA project name,
"modules": [[name, code], ...]}.  A new Calc document is put in VBA mode, each module is added
as a standard module, and the document is saved with the "Calc MS Excel 2007 VBA XML" filter,
whose exporter (oox/source/ole/vbaexport.cxx) writes the project as [MS-OVBA] describes it:
source compressed, no compiled cache, so Excel compiles it on first open.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uno  # noqa: F401  (LibreOffice's bindings; only this script needs them)
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.script import ModuleInfo
from com.sun.star.script.ModuleType import NORMAL


def prop(name: str, value) -> PropertyValue:
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def connect(soffice: str, profile: Path):
    pipe = f"xlkpi{os.getpid()}"
    office = subprocess.Popen(
        [soffice, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
         f"-env:UserInstallation={profile.as_uri()}", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 120
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return office, ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except NoConnectException:
            if office.poll() is not None or time.monotonic() > deadline:
                office.kill()
                raise SystemExit(f"LibreOffice ({soffice}) did not start")
            time.sleep(0.3)


@contextmanager
def running(soffice: str) -> Iterator:
    """The Desktop of a headless LibreOffice with a profile of its own, ended (killed if need be) on leaving."""
    with tempfile.TemporaryDirectory(prefix="xlkpi-lo-") as profile:
        office, desktop = connect(soffice, Path(profile))
        try:
            yield desktop
        finally:
            try:
                desktop.terminate()
            except Exception:  # the office may already be gone; it is killed below if not
                pass
            try:
                office.wait(timeout=60)
            except subprocess.TimeoutExpired:
                office.kill()


def main(job_path: str) -> None:
    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    with running(job["soffice"]) as desktop:
        doc = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, (prop("Hidden", True),))
        libraries = doc.BasicLibraries
        libraries.VBACompatibilityMode = True
        libraries.ProjectName = job["project"]
        if libraries.hasByName(job["project"]):
            library = libraries.getByName(job["project"])
        else:
            library = libraries.createLibrary(job["project"])
        for name, code in job["modules"]:
            info = ModuleInfo()
            info.ModuleType = NORMAL
            library.insertModuleInfo(name, info)
            library.insertByName(name, code)
        doc.storeToURL(Path(job["out"]).resolve().as_uri(), (prop("FilterName", "Calc MS Excel 2007 VBA XML"),))
        doc.close(True)


if __name__ == "__main__":
    main(sys.argv[1])
