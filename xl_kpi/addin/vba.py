"""The add-in's VBA modules, as text.

Three standard modules make the VBA project of xl_kpi.xlam and of the HR workbook:

- ``xlwings``: xlwings' own module for custom add-ins, taken from the installed xlwings
  package (so it always matches the Python side, which checks the version), with
  ``PROJECT_NAME`` set to ``xl_kpi`` exactly as ``xlwings quickstart --addin`` does.  It
  provides ``RunPython`` and the bridge the function wrappers call.
- ``KpiRibbon``: the ribbon callbacks, from ``macros/KpiRibbon.bas`` (hand-written text).
- ``KpiFunctions``: one wrapper per KPI_* function, written by xlwings' own
  ``generate_vba_wrapper`` over ``xl_kpi.udfs``, and ``RegisterKpiFunctions``, which gives
  every function its category and Chinese descriptions in Excel's function wizard.

The VBA project stores source in the ANSI code page, which is not Chinese on most
Windows installations outside China; so Chinese text is never written into VBA as is:
``vba_text`` spells it as UTF-16 code units that a small VBA function turns back into
the string at run time.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import re
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from xl_kpi.base.errors import KpiError

PROJECT_NAME = "xl_kpi"
ADDIN_NAME = "xl_kpi.xlam"
MACROS_DIR = Path(__file__).resolve().parents[2] / "macros"
RIBBON_SOURCE = "KpiRibbon.bas"
RIBBON_XML = "customUI14.xml"
_NAME_LINE = re.compile(r'^Attribute VB_Name = "([^"]+)"\r?\n', re.M)


WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"  # VB_Base of ThisWorkbook: Excel's Workbook class
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"  # VB_Base of a sheet's module: Excel's Worksheet


@dataclass(frozen=True)
class Module:
    """A VBA module: its name and its code (LF line ends, no Attribute lines).

    base is empty for a standard module; a document module (the workbook's or a sheet's, 0x22 in
    [MS-OVBA] 2.3.4.2.3.2.8) names the class it extends, its Attribute VB_Base.
    """

    name: str
    code: str
    base: str = ""


def split_name(text: str, source: str) -> Module:
    """Separate the ``Attribute VB_Name`` line of a .bas file from its code."""
    text = text.replace("\r\n", "\n")
    match = _NAME_LINE.match(text)
    if not match:
        raise KpiError(f"{source}: 第一行应为 Attribute VB_Name = \"模块名\"")
    return Module(match.group(1), text[match.end():])


def _ascii_only(module: Module, source: str) -> Module:
    for number, line in enumerate(module.code.split("\n"), start=2):
        if any(ord(ch) > 127 for ch in line):
            raise KpiError(f"{source} 第{number}行含非 ASCII 字符; VBA 源码按 ANSI 代码页保存, 中文请放在 customUI14.xml 或 Python 中")
    return module


def xlwings_module() -> Module:
    """xlwings' module for custom add-ins, configured for this project."""
    import xlwings

    source = Path(xlwings.__file__).parent / "xlwings_custom_addin.bas"
    module = split_name(source.read_text(encoding="utf-8"), str(source))
    code, count = re.subn(r'(Public Const PROJECT_NAME As String = )"[^"]*"', rf'\1"{PROJECT_NAME}"', module.code)
    if count != 1:
        raise KpiError(f"{source}: 找不到 PROJECT_NAME 常量, 这一版 xlwings ({xlwings.__version__}) 的加载项模块与预期不同")
    return _ascii_only(Module(module.name, code), str(source))


def ribbon_module(macros_dir: Path = MACROS_DIR) -> Module:
    path = Path(macros_dir) / RIBBON_SOURCE
    return _ascii_only(split_name(path.read_text(encoding="utf-8"), str(path)), str(path))


def ribbon_xml(macros_dir: Path = MACROS_DIR) -> bytes:
    return (Path(macros_dir) / RIBBON_XML).read_bytes()


# --------------------------------------------------------------------------- KPI_* wrappers


@contextlib.contextmanager
def windows_udfs() -> Iterator[tuple[types.ModuleType, types.ModuleType]]:
    """(xlwings.udfs, a fresh copy of xl_kpi.udfs decorated by it), as on Windows.

    On Windows ``xw.func``/``xw.arg`` are ``xlwings.udfs.xlfunc``/``xlarg``; elsewhere they
    do nothing and ``xlwings.udfs`` cannot be imported without pywin32.  Here pywin32's
    modules are stubbed where missing, the real decorators put in place, and a separate
    copy of xl_kpi.udfs loaded through them; everything is restored on exit, so the
    imported xl_kpi.udfs is never touched.
    """
    import xlwings

    saved = {name: sys.modules.get(name) for name in
             ("pythoncom", "pywintypes", "win32com", "win32com.client", "xlwings.udfs")}
    saved_func, saved_arg = xlwings.func, xlwings.arg
    try:
        try:
            import pythoncom  # noqa: F401  (real pywin32: nothing to stub)
        except ImportError:
            for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
                sys.modules[name] = types.ModuleType(name)
            sys.modules["win32com.client"].Dispatch = lambda *a, **k: None
            sys.modules["pythoncom"].com_error = Exception
            sys.modules["pythoncom"].CoInitialize = lambda: None
        sys.modules.pop("xlwings.udfs", None)
        xu = importlib.import_module("xlwings.udfs")
        xlwings.func, xlwings.arg = xu.xlfunc, xu.xlarg
        from xl_kpi import udfs as real

        spec = importlib.util.spec_from_file_location("xl_kpi._udfs_for_vba", real.__file__)
        copy = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(copy)
        yield xu, copy
    finally:
        xlwings.func, xlwings.arg = saved_func, saved_arg
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def vba_text(text: str, width: int = 240) -> str:
    """A VBA expression for any text: ASCII as a literal, the rest through KpiText("hex")."""
    if all(32 <= ord(ch) < 127 for ch in text):
        return '"' + text.replace('"', '""') + '"'
    units = text.encode("utf-16-be").hex().upper()
    chunks = [units[i:i + width] for i in range(0, len(units), width)]
    return " & _\n        ".join(f'KpiText("{chunk}")' for chunk in chunks)


_TEXT_FUNCTION = '''
' Text from UTF-16 code units written as hex, four digits a character (see vba_text in
' xl_kpi/addin/vba.py): the VBA project is stored in the ANSI code page, so Chinese text is
' spelled this way to survive any Windows language setting.
Private Function KpiText(ByVal units As String) As String
    Dim i As Long
    For i = 1 To Len(units) Step 4
        KpiText = KpiText & ChrW$(CLng("&H" & Mid$(units, i, 4)) And &HFFFF&)
    Next i
End Function
'''


def functions_module(workbook_name: str = ADDIN_NAME) -> Module:
    """The KPI_* wrappers (xlwings' generate_vba_wrapper) and RegisterKpiFunctions."""
    with windows_udfs() as (xu, module):
        buffer = io.StringIO()
        xu.generate_vba_wrapper("xl_kpi.udfs", module, buffer, types.SimpleNamespace(Name=workbook_name))
        wrappers = buffer.getvalue().replace("\r\n", "\n")
        catalog = module.CATALOG
        category = module.CATEGORY
    lines = [
        "Option Explicit",
        # as xlwings' Import Functions writes it: the wrappers' #If App = "Microsoft Excel" branches (which show a
        # Python error as its message instead of #VALUE!) are compiled only with it
        '#Const App = "Microsoft Excel" \'Adjust when using outside of Excel',
        "' Written by `xl-kpi addin build`: the wrappers by xlwings' generate_vba_wrapper over",
        "' xl_kpi.udfs, the registration from its catalogue.  Do not edit: rebuild instead.",
        "",
        wrappers.strip("\n"),
        "",
        "' Category and Chinese descriptions of each function and argument in Excel's function",
        "' wizard, as xlwings' Import Functions sets them; run when the ribbon loads.",
        "Public Sub RegisterKpiFunctions()",
        "    On Error Resume Next",
    ]
    for name, (description, args) in catalog.items():
        arg_docs = ", _\n        ".join(vba_text(doc[:255]) for doc in args.values())
        lines += [
            f"    Application.MacroOptions Macro:=\"'\" & ThisWorkbook.Name & \"'!{name}\", _",
            f"        Description:={vba_text(description[:255])}, _",
            f"        Category:={vba_text(category)}" + (", _" if args else ""),
        ]
        if args:
            lines.append(f"        ArgumentDescriptions:=Array({arg_docs})")
    lines += ["End Sub", _TEXT_FUNCTION]
    code = "\n".join(lines)
    return _ascii_only(Module("KpiFunctions", code), "KpiFunctions")


def project_modules(workbook_name: str = ADDIN_NAME, macros_dir: Path = MACROS_DIR) -> list[Module]:
    """Every module of the VBA project, in the order they are written."""
    return [xlwings_module(), ribbon_module(macros_dir), functions_module(workbook_name)]


def entry_points(module: Module) -> dict[str, str]:
    """Macro name -> the Python command it gives RunPython (for the ribbon module)."""
    found: dict[str, str] = {}
    current = None
    for line in module.code.split("\n"):
        head = re.match(r"\s*(?:Public\s+|Private\s+)?Sub\s+(\w+)\s*\(", line)
        if head:
            current = head.group(1)
        call = re.match(r'\s*RunPython\s+"([^"]*)"', line)
        if call and current:
            found[current] = call.group(1)
    return found
