"""The Excel add-in, checked without Excel.

The add-in and the HR workbook are built from macros/ by `xl-kpi addin build` (xl_kpi/vba_project.py
writes the VBA project) and read back with independent parsers: oletools' olevba for the VBA,
defusedxml for the ribbon and the package parts, LibreOffice for opening both files and their macros.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import zipfile
from pathlib import Path

import olefile
import pytest
import xlwings
from defusedxml.ElementTree import fromstring
from oletools.olevba import VBA_Parser, VBA_Project

from tests.libreoffice import UNO_ENV, recalc, soffice, uno_python
from xl_kpi import udfs
from xl_kpi.addin import build as addin
from xl_kpi.addin import vba
from xl_kpi.base.errors import KpiError

UI_NS = "{http://schemas.microsoft.com/office/2009/07/customui}"
# The customUI (2009) elements and attributes the ribbon may use, from [MS-CUSTOMUI] 2.3: a
# misspelt attribute is ignored by Office without a word, so anything else is refused here.
ALLOWED = {
    "customUI": {"onLoad", "loadImage"},
    "ribbon": {"startFromScratch"},
    "tabs": set(),
    "tab": {"id", "idMso", "idQ", "label", "getLabel", "visible", "getVisible", "insertAfterMso",
            "insertBeforeMso", "keytip", "tag"},
    "group": {"id", "idMso", "idQ", "label", "getLabel", "visible", "getVisible", "image", "imageMso",
              "screentip", "supertip", "keytip", "tag"},
    "button": {"id", "idMso", "idQ", "label", "getLabel", "size", "getSize", "image", "imageMso", "getImage",
               "onAction", "enabled", "getEnabled", "visible", "getVisible", "screentip", "getScreentip",
               "supertip", "getSupertip", "showLabel", "showImage", "keytip", "tag", "description"},
    "separator": {"id", "idQ", "visible", "getVisible"},
}
CALLBACKS = {"onAction": 1, "onLoad": 1, "getVisible": 2, "getLabel": 2, "getEnabled": 2}  # VBA parameters
RIBBON = vba.MACROS_DIR / vba.RIBBON_XML
DOCUMENTS = {vba.ADDIN_NAME: ["ThisWorkbook", "Sheet1"],  # the workbook's and each sheet's module
             addin.HR_WORKBOOK: ["ThisWorkbook", "Sheet1", "Sheet2", "Sheet3"]}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("addin")
    result = addin.build(out)
    return result


def macros(path: Path) -> dict[str, str]:
    """Module name -> VBA code, as olevba reads them from the file (CRLF -> LF)."""
    parser = VBA_Parser(str(path))
    try:
        assert parser.detect_vba_macros(), f"olevba finds no VBA project in {path.name}"
        return {Path(name).stem: code.replace("\r\n", "\n") for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def without_attributes(code: str) -> str:
    return "\n".join(line for line in code.split("\n") if not line.startswith("Attribute VB_")).strip("\n")


def procedures(code: str) -> dict[str, list[str]]:
    """Sub/Function name -> its parameter names."""
    found = {}
    for match in re.finditer(r"^\s*(?:Public\s+|Private\s+)?(?:Sub|Function)\s+(\w+)\s*\(([^)]*)\)", code, re.M):
        params = [p.split(" As ")[0].replace("ByRef", "").replace("ByVal", "").replace("Optional", "").strip()
                  for p in match.group(2).split(",") if p.strip()]
        found[match.group(1)] = params
    return found


def decoded(expression: str) -> str:
    """The text a vba_text() expression stands for (KpiText("hex") & ... or a literal)."""
    if expression.startswith('"'):
        return expression[1:-1].replace('""', '"')
    return "".join(bytes.fromhex(h).decode("utf-16-be") for h in re.findall(r'KpiText\("([0-9A-F]+)"\)', expression))


# --------------------------------------------------------------------------- ribbon XML


def test_ribbon_xml_is_well_formed_and_only_customui():
    root = fromstring(RIBBON.read_bytes())
    assert root.tag == f"{UI_NS}customUI"
    for element in root.iter():
        assert element.tag.startswith(UI_NS), f"{element.tag} is not a customUI element"
        name = element.tag[len(UI_NS):]
        assert name in ALLOWED, f"<{name}> is not allowed in the ribbon"
        assert set(element.attrib) <= ALLOWED[name], f"<{name}> has unknown attributes {set(element.attrib) - ALLOWED[name]}"
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)), "ribbon ids must be unique"
    labels = [b.get("label") for b in root.iter(f"{UI_NS}button")]
    assert labels == ["生成考核表", "导入数据", "一键汇总", "年度汇总", "生成面谈表", "校验规则"]


def test_the_whitelist_check_can_fail(tmp_path):
    """A misspelt attribute (as Office would silently ignore) is caught by the check above."""
    bad = RIBBON.read_text(encoding="utf-8").replace('onAction="KpiGenerate"', 'onaction="KpiGenerate"')
    root = fromstring(bad.encode("utf-8"))
    button = next(root.iter(f"{UI_NS}button"))
    assert not set(button.attrib) <= ALLOWED["button"]


# --------------------------------------------------------------------------- the built files


@pytest.mark.parametrize("name", [vba.ADDIN_NAME, addin.HR_WORKBOOK])
def test_every_ribbon_callback_is_a_macro_that_runs_existing_python(built, name):
    path = built.addin if name == vba.ADDIN_NAME else built.workbook
    code = macros(path)
    assert set(code) == {"xlwings", "KpiRibbon", "KpiFunctions"} | set(DOCUMENTS[name])
    subs = {}
    for module in code.values():
        subs.update(procedures(module))
    with zipfile.ZipFile(path) as package:
        ui = fromstring(package.read(addin.UI_PART))
        rels = fromstring(package.read("_rels/.rels"))
    assert any(r.get("Type") == addin.UI_REL and r.get("Target") == addin.UI_PART for r in rels)
    callbacks = [(attr, value) for e in ui.iter() for attr, value in e.attrib.items() if attr in CALLBACKS]
    assert len(callbacks) == 8  # six buttons, onLoad, getVisible
    for attr, macro in callbacks:
        assert macro in subs, f"{attr}={macro} names no macro in {name}"
        assert len(subs[macro]) == CALLBACKS[attr], f"{macro} should take {CALLBACKS[attr]} parameter(s) as {attr}"
    commands = vba.entry_points(vba.Module("KpiRibbon", code["KpiRibbon"]))
    actions = {e.get("onAction") for e in ui.iter() if e.get("onAction")}
    assert set(commands) == actions, "each button's macro calls RunPython, and only those"
    for macro, command in commands.items():
        match = re.fullmatch(r"import ([\w.]+); ([\w.]+)\.(\w+)\(\)", command)
        assert match and match.group(1) == match.group(2), command
        module = importlib.import_module(match.group(1))
        entry = getattr(module, match.group(3))
        assert callable(entry)
        assert all(p.default is not inspect._empty for p in inspect.signature(entry).parameters.values()), \
            f"{command} must run with no arguments, as RunPython calls it"
    assert "RunPython" in procedures(code["xlwings"]), "RunPython comes from xlwings' own module"


@pytest.mark.parametrize("name", [vba.ADDIN_NAME, addin.HR_WORKBOOK])
def test_vba_read_back_equals_the_sources(built, name):
    path = built.addin if name == vba.ADDIN_NAME else built.workbook
    code = macros(path)
    for module in vba.project_modules(name):
        assert without_attributes(code[module.name]) == module.code.strip("\n"), module.name
    assert f'PROJECT_NAME As String = "{vba.PROJECT_NAME}"' in code["xlwings"]
    assert f'XLWINGS_VERSION As String = "{xlwings.__version__}"' in code["xlwings"]
    assert not any(ord(ch) > 127 for text in code.values() for ch in text), "VBA source stays ASCII"


def test_functions_module_declares_every_kpi_function_with_its_wizard_texts(built):
    code = macros(built.addin)["KpiFunctions"]
    declared = procedures(code)
    register = code[code.index("Public Sub RegisterKpiFunctions"):]
    calls = re.split(r"\n    Application\.MacroOptions ", register)[1:]
    described = {}
    for call in calls:
        name = re.match(r"""Macro:="'" & ThisWorkbook\.Name & "'!(\w+)\"""", call).group(1)
        call = call.split("\nEnd Sub")[0]
        parts = dict(re.findall(r"(Description|Category|ArgumentDescriptions):=(.*?)(?=, _\n        \w+:=|\Z)", call, re.S))
        array = parts.get("ArgumentDescriptions", "Array()").strip()
        args = [decoded(a.strip()) for a in array[len("Array("):-1].split(", _\n")] if array != "Array()" else []
        described[name] = (decoded(parts["Description"]), decoded(parts["Category"]), args)
    assert set(described) == set(udfs.CATALOG)
    for name, (description, arg_docs) in udfs.CATALOG.items():
        params = list(inspect.signature(getattr(udfs, name)).parameters)
        assert declared[name] == params, name
        assert f'XLPy.CallUDF("xl_kpi.udfs", "{name}", Array({", ".join(params)}), ActiveWorkbook' in code
        assert described[name] == (description, udfs.CATEGORY, list(arg_docs.values())), name
    hr = macros(built.workbook)["KpiFunctions"]
    assert "ThisWorkbook, Application.Caller" in hr and "ActiveWorkbook, Application.Caller" not in hr


def test_vba_text_spells_any_text():
    for text in ("KPI考核", "客户满意度 ≥ 90%, 「引号」 \"quoted\"", "plain ascii", "繁體 滿意度", "𠀀 outside the BMP"):
        assert decoded(vba.vba_text(text)) == text
    long = "投诉率" * 200
    expression = vba.vba_text(long)
    assert max(len(line) for line in expression.split("\n")) < 1000  # VBA's line limit is 1023
    assert decoded(expression) == long


@pytest.mark.parametrize("name,main_type", [
    (vba.ADDIN_NAME, "application/vnd.ms-excel.addin.macroEnabled.main+xml"),
    (addin.HR_WORKBOOK, "application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
])
def test_package_parts_are_declared(built, name, main_type):
    path = built.addin if name == vba.ADDIN_NAME else built.workbook
    with zipfile.ZipFile(path) as package:
        types = fromstring(package.read("[Content_Types].xml"))
        wb_rels = fromstring(package.read("xl/_rels/workbook.xml.rels"))
        names = package.namelist()
    overrides = {t.get("PartName"): t.get("ContentType") for t in types if t.get("PartName")}
    defaults = {t.get("Extension"): t.get("ContentType") for t in types if t.get("Extension")}
    assert overrides["/xl/workbook.xml"] == main_type
    assert defaults["bin"] == addin.VBA_TYPE
    assert any(r.get("Type") == addin.VBA_REL and r.get("Target") == "vbaProject.bin" for r in wb_rels)
    assert "xl/vbaProject.bin" in names and addin.UI_PART in names


def sheet_code_names(package: zipfile.ZipFile) -> tuple[str | None, list[str | None]]:
    """The workbook's codeName (workbookPr) and each sheet's (sheetPr), in the workbook's order."""
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    workbook = fromstring(package.read("xl/workbook.xml"))
    targets = {r.get("Id"): r.get("Target") for r in fromstring(package.read("xl/_rels/workbook.xml.rels"))}
    sheets = []
    for sheet in workbook.iter(f"{ns}sheet"):
        target = targets[sheet.get(rel_id)].lstrip("/").removeprefix("xl/")
        properties = fromstring(package.read(f"xl/{target}")).find(f"{ns}sheetPr")
        sheets.append(None if properties is None else properties.get("codeName"))
    return workbook.find(f"{ns}workbookPr").get("codeName"), sheets


@pytest.mark.parametrize("shipped", [False, True], ids=["built", "shipped"])
@pytest.mark.parametrize("name", [vba.ADDIN_NAME, addin.HR_WORKBOOK])
def test_document_modules_agree_with_the_workbook_parts(built, name, shipped):
    """Excel ties ThisWorkbook and each sheet's module to the workbook by code name: workbookPr and
    sheetPr codeName must name the document modules of the project, and the project must list them
    (in a fresh build and in the copies shipped in xl_kpi/addin_files)."""
    path = addin.SHIPPED / name if shipped else built.addin if name == vba.ADDIN_NAME else built.workbook
    with zipfile.ZipFile(path) as package:
        workbook, sheets = sheet_code_names(package)
        project = olefile.OleFileIO(package.read("xl/vbaProject.bin"))
    try:
        text = project.openstream("PROJECT").read().decode("cp1252")
        parsed = VBA_Project(project, "", "PROJECT", "VBA/dir", relaxed=False)
        list(parsed.parse_modules())
    finally:
        project.close()
    assert [workbook, *sheets] == DOCUMENTS[name]
    assert re.findall(r"^Document=(\w+)/&H00000000\r$", text, re.M) == DOCUMENTS[name]
    assert parsed.codepage == 1252
    assert [m.name for m in parsed.modules if m.type == 0x22] == DOCUMENTS[name]
    assert [m.name for m in parsed.modules if m.type == 0x21] == [m.name for m in vba.project_modules(name)]


UNO_MODULES = r'''
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import lo_uno as lo

out = {}
with lo.running(sys.argv[2]) as desktop:
    for path in sys.argv[3:]:
        doc = desktop.loadComponentFromURL(Path(path).resolve().as_uri(), "_blank", 0,
                                           (lo.prop("Hidden", True), lo.prop("FilterName", "Calc MS Excel 2007 VBA XML")))
        library = doc.BasicLibraries.getByName("VBAProject")
        out[Path(path).name] = {
            "modules": {n: [library.getModuleInfo(n).ModuleType, library.getByName(n)] for n in library.getElementNames()},
            "code_names": [doc.Sheets.getByIndex(i).CodeName for i in range(doc.Sheets.Count)],
        }
        doc.close(True)
print(json.dumps(out))
'''


def test_libreoffice_reads_the_macros_of_both_files(built, tmp_path):
    """LibreOffice's own VBA import (the other program that reads the project) finds every module, the
    document modules as such (ModuleType.DOCUMENT = 4, NORMAL = 1) tied to the sheets by code name, and
    each standard module's source as written."""
    from libreoffice import run_uno

    copies = []
    for path in (built.addin, built.workbook):  # copies: LibreOffice leaves no lock file next to the build
        copies.append(tmp_path / path.name)
        copies[-1].write_bytes(path.read_bytes())
    run = run_uno(UNO_MODULES, tmp_path, *map(str, copies))
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    for name, found in seen.items():
        documents = DOCUMENTS[name]
        assert found["code_names"] == documents[1:]
        assert {n: kind for n, (kind, _) in found["modules"].items()} == {
            **{d: 4 for d in documents}, **{m.name: 1 for m in vba.project_modules(name)}}
        for module in vba.project_modules(name):
            lines = found["modules"][module.name][1].split("\n")
            assert lines[:2] == ["Rem Attribute VBA_ModuleType=VBAModule", "Option VBASupport 1"]
            assert "\n".join(lines[2:]).strip("\n") == module.code.strip("\n"), module.name


def test_libreoffice_opens_both_files(built, tmp_path):
    from python_calamine import CalamineWorkbook

    hr, = recalc([built.workbook], tmp_path / "hr")
    book = CalamineWorkbook.from_path(str(hr))
    assert book.sheet_names[:3] == ["设置", "花名册", "使用说明"]
    settings = book.get_sheet_by_name("设置").to_python()
    assert settings[1][:2] == ["考核方案", "cs-quant"] and settings[2][0] == "考核期间"
    # LibreOffice's type detection does not know the add-in content type: name the import filter
    xlam, = recalc([built.addin], tmp_path / "xlam", infilter="Calc MS Excel 2007 VBA XML")
    text = CalamineWorkbook.from_path(str(xlam)).get_sheet_by_name("xl_kpi").to_python()
    assert "xl-kpi 加载项" in text[0][0]


def test_shipped_files_are_built_from_the_current_sources():
    """xl_kpi/addin_files (installed by `xl-kpi addin install`) must match macros/ and xl_kpi.udfs."""
    for name in (vba.ADDIN_NAME, addin.HR_WORKBOOK):
        path = addin.SHIPPED / name
        code = macros(path)
        for module in vba.project_modules(name):
            assert without_attributes(code[module.name]) == module.code.strip("\n"), (
                f"{path} is stale ({module.name}): run `xl-kpi addin build --out xl_kpi/addin_files` and commit it")
        with zipfile.ZipFile(path) as package:
            assert package.read(addin.UI_PART) == RIBBON.read_bytes(), f"{path}: ribbon differs from macros/"
        assert addin.built_xlwings_version(path) == xlwings.__version__


# --------------------------------------------------------------------------- install


def test_install_copies_the_addin_and_names_this_python(built, tmp_path):
    target, config = addin.install(built.addin, target_dir=tmp_path / "XLSTART", config_dir=tmp_path / "home")
    assert target.read_bytes() == built.addin.read_bytes()
    lines = config.read_text(encoding="utf-8").splitlines()
    assert lines[0] == f'"INTERPRETER_WIN","{addin.pythonw()}"' and Path(addin.pythonw()).exists()
    again, _ = addin.install(built.addin, target_dir=tmp_path / "XLSTART", config_dir=tmp_path / "home")
    assert again == target  # installing twice replaces the copy


def test_install_refuses_an_addin_built_for_another_xlwings(built, tmp_path, monkeypatch):
    monkeypatch.setattr(xlwings, "__version__", "0.1.0")
    with pytest.raises(KpiError, match="xlwings 0.37|必须一致"):
        addin.install(built.addin, target_dir=tmp_path, config_dir=tmp_path)
    assert not (tmp_path / vba.ADDIN_NAME).exists()


def test_install_without_excel_asks_for_a_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(addin.sys, "platform", "linux")
    with pytest.raises(KpiError, match="--dir"):
        addin.install(None, config_dir=tmp_path)


def test_ribbon_source_must_stay_ascii(tmp_path):
    (tmp_path / vba.RIBBON_SOURCE).write_text('Attribute VB_Name = "KpiRibbon"\nSub A()\n    MsgBox "考核"\nEnd Sub\n',
                                              encoding="utf-8")
    with pytest.raises(KpiError, match="第3行含非 ASCII"):
        vba.ribbon_module(tmp_path)


def test_the_vba_text_function_decodes_in_a_basic_interpreter(tmp_path):
    """KpiText, as written into the add-in, run by LibreOffice Basic in VBA mode on every CATALOG text."""
    import subprocess

    office = soffice()
    python = uno_python(office)
    module = tmp_path / "probe.bas"
    helper = vba._TEXT_FUNCTION.replace("Private Function KpiText", "Public Function KpiText")
    assert helper != vba._TEXT_FUNCTION
    module.write_text(helper, encoding="utf-8")
    texts = [udfs.CATEGORY] + [d for d, args in udfs.CATALOG.values()] + [a for _, args in udfs.CATALOG.values() for a in args.values()]
    text = "|".join(texts) + "|繁體 滿意度 ≥ 90%"
    units = "".join(re.findall(r'KpiText\("([0-9A-F]+)"\)', vba.vba_text(text)))
    run = subprocess.run([python, str(Path(__file__).resolve().parents[1] / "lo_basic_eval.py"), office, str(module), "KpiText", units],
                         capture_output=True, text=True, timeout=300, env=UNO_ENV)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.strip().splitlines()[-1]) == text


def test_the_udf_module_declares_the_app_constant_as_xlwings_import_does():
    """xlwings' Import Functions writes #Const App = "Microsoft Excel"; without it the wrappers' #If App branches
    are not compiled and a Python error shows as #VALUE! instead of its message."""
    from oletools.olevba import VBA_Parser

    from xl_kpi.addin.build import SHIPPED

    parser = VBA_Parser(str(SHIPPED / "xl_kpi.xlam"))
    try:
        code = {name: text for _, _, name, text in parser.extract_macros()}
    finally:
        parser.close()
    functions = next(text for name, text in code.items() if "KpiFunctions" in name)
    assert '#Const App = "Microsoft Excel"' in functions and '#If App = "Microsoft Excel" Then' in functions
    ribbon = (Path(__file__).resolve().parents[2] / "macros" / "customUI14.xml").read_text(encoding="utf-8")
    assert "CalendarMonthDetailsSplit" not in ribbon  # an Outlook icon, not one of Excel's


def test_the_settings_sheet_prints_on_one_page_width_with_every_explanation_whole():
    """A 说明 longer than its column wraps onto lines of its own row: LibreOffice and Excel keep a row opened
    from a file as tall as it was written, so a row left at one line let its text run into the next."""
    from openpyxl import load_workbook

    from xl_kpi.addin.settings_sheet import SETTINGS
    from xl_kpi.excel.sheet_style import display_width

    ws = load_workbook(addin.SHIPPED / addin.HR_WORKBOOK)["设置"]
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    width = ws.column_dimensions["C"].width
    for number, spec in enumerate(SETTINGS, start=2):
        lines = -(-display_width(spec.help) // (int(width) - 1))
        assert (ws.row_dimensions[number].height or 15) >= 15 * lines, spec.key
        assert ws.cell(number, 3).alignment.wrap_text, spec.key
    assert ws.column_dimensions["A"].width >= max(display_width(s.key) for s in SETTINGS)


def test_the_guide_sheet_rows_are_as_tall_as_their_text_and_the_roster_keeps_ids_as_text():
    """使用说明 rendered with its rows at one line let each wrapped paragraph overlap the next (LibreOffice) or be
    cut off (Excel); 花名册's 工号 column is text, so 001 typed by HR stays 001."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    from xl_kpi.excel.sheet_style import display_width

    book = load_workbook(addin.SHIPPED / addin.HR_WORKBOOK)
    guide = book["使用说明"]
    tall = 0
    for row in guide.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                width = guide.column_dimensions[get_column_letter(cell.column)].width
                lines = -(-display_width(cell.value) // (int(width) - 1))
                assert (guide.row_dimensions[cell.row].height or 15) >= 15 * lines, (cell.coordinate, cell.value)
                tall += lines > 1
    assert tall >= 5  # the check looked at wrapped rows, not only one-liners
    roster = book["花名册"]
    assert roster.column_dimensions["A"].number_format == "@" and roster.page_setup.orientation == "landscape"
