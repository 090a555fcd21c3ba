"""Runs a VBA function in LibreOffice Basic (VBA compatibility mode) and prints its result as JSON.

    python3 lo_basic_eval.py SOFFICE MODULE.bas FUNCTION ARG

Run under a Python with LibreOffice's UNO bindings (see uno_python in tests/libreoffice.py); used by
tests/addin/test_addin.py to check VBA helpers in a Basic interpreter, not only by reading them.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lo_uno as lo  # noqa: E402
from com.sun.star.script import ModuleInfo  # noqa: E402
from com.sun.star.script.ModuleType import NORMAL  # noqa: E402


def main(soffice: str, module: str, function: str, arg: str) -> None:
    with lo.running(soffice) as desktop:
        doc = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, (lo.prop("Hidden", True),))
        libraries = doc.BasicLibraries
        libraries.VBACompatibilityMode = True
        libraries.ProjectName = "VBAProject"
        library = libraries.createLibrary("VBAProject")
        info = ModuleInfo()
        info.ModuleType = NORMAL
        library.insertModuleInfo("Probe", info)
        library.insertByName("Probe", "Option VBASupport 1\n" + Path(module).read_text(encoding="utf-8"))
        script = doc.getScriptProvider().getScript(
            f"vnd.sun.star.script:VBAProject.Probe.{function}?language=Basic&location=document")
        print(json.dumps(script.invoke((arg,), (), ())[0]))
        doc.close(True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
