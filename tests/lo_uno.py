"""A headless LibreOffice driven through UNO, for the tests' scripts (run under a Python with LibreOffice's
UNO bindings, see tests/libreoffice.py ``uno_python``): ``running(soffice)`` gives the Desktop of an office
with a profile of its own, ended on leaving; ``prop`` makes the PropertyValues its calls take.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uno  # noqa: F401  (LibreOffice's bindings; only the UNO Python has them)
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


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
