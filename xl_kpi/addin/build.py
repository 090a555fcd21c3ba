"""Builds and installs the Excel add-in (xl_kpi.xlam) and the HR workbook (KPI考核.xlsm).

Both files are assembled from text: the sheets by openpyxl, the VBA project by
xl_kpi/addin/vba_project.py from the modules of xl_kpi/addin/vba.py (with a document module for the
workbook and each sheet, named by the sheets' code names), the ribbon from
macros/customUI14.xml.  The built files are put together here, part by part, as the
Office Open XML packaging rules ask: vbaProject.bin with its relationship and content
type, the ribbon with its relationship, and the add-in's own main content type.
"""

from __future__ import annotations

import io
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from defusedxml.ElementTree import fromstring
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from xl_kpi.addin import vba, vba_project
from xl_kpi.addin.settings_sheet import ROSTER_HEADERS, ROSTER_SHEET, SETTINGS, SHEET, sheet_rows
from xl_kpi.base.errors import KpiError
from xl_kpi.base.files import atomic_path
from xl_kpi.excel.sheet_style import print_a4_landscape, wrap_rows

HR_WORKBOOK = "KPI考核.xlsm"
SHIPPED = Path(__file__).resolve().parents[1] / "addin_files"  # the built files, shipped with the package

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
UI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"  # customUI14 (Office 2010+)
VBA_TYPE = "application/vnd.ms-office.vbaProject"
MAIN_TYPES = {
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ".xlam": "application/vnd.ms-excel.addin.macroEnabled.main+xml",
}
UI_PART = "customUI/customUI14.xml"


@dataclass
class BuildResult:
    addin: Path
    workbook: Path
    modules: list[vba.Module]


# --------------------------------------------------------------------------- packaging


def _xml(root: ET.Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + ET.tostring(root)


def _add_relationship(xml: bytes, rel_type: str, target: str, rel_id: str) -> bytes:
    ET.register_namespace("", REL_NS)
    root = fromstring(xml)
    if any(r.get("Type") == rel_type for r in root):
        return xml
    ET.SubElement(root, f"{{{REL_NS}}}Relationship", Id=rel_id, Type=rel_type, Target=target)
    return _xml(root)


def _content_types(xml: bytes, suffix: str) -> bytes:
    ET.register_namespace("", CT_NS)
    root = fromstring(xml)
    for item in root:
        if item.get("PartName") == "/xl/workbook.xml":
            item.set("ContentType", MAIN_TYPES[suffix])
    if not any(item.get("Extension") == "bin" for item in root):
        root.insert(0, ET.Element(f"{{{CT_NS}}}Default", Extension="bin", ContentType=VBA_TYPE))
    return _xml(root)


def package_macros(xlsx: bytes, target: Path, *, vba_project: bytes | None, ribbon: bytes | None) -> bytes:
    """The workbook package `xlsx` turned into an .xlsm/.xlam with a VBA project and a ribbon.

    Parts already present (say, a vbaProject.bin kept by openpyxl) stay unless replaced.
    """
    suffix = target.suffix.lower()
    if suffix not in MAIN_TYPES:
        raise KpiError(f"{target}: 应为 .xlsm 或 .xlam")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        for name in names:
            data = src.read(name)
            if name == "[Content_Types].xml":
                data = _content_types(data, suffix)
            elif name == "xl/_rels/workbook.xml.rels" and (vba_project is not None or "xl/vbaProject.bin" in names):
                data = _add_relationship(data, VBA_REL, "vbaProject.bin", "rIdVbaProject")
            elif name == "_rels/.rels" and (ribbon is not None or UI_PART in names):
                data = _add_relationship(data, UI_REL, UI_PART, "rIdKpiRibbon")
            elif (name == "xl/vbaProject.bin" and vba_project is not None) or (name == UI_PART and ribbon is not None):
                continue  # replaced below
            dst.writestr(name, data)
        if vba_project is not None:
            dst.writestr("xl/vbaProject.bin", vba_project)
        if ribbon is not None:
            dst.writestr(UI_PART, ribbon)
    return out.getvalue()


def write_package(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


# --------------------------------------------------------------------------- workbooks


def _header(ws, width: dict[str, int]) -> None:
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="305496")
    for column, chars in width.items():
        ws.column_dimensions[column].width = chars
    ws.freeze_panes = "A2"


def hr_workbook() -> Workbook:
    """The HR workbook's sheets: 设置 (the buttons' parameters), 花名册, 使用说明."""
    book = Workbook()
    ws = book.active
    ws.title = SHEET
    for row in sheet_rows():
        ws.append(row)
    _header(ws, {"A": 20, "B": 34})
    wrap_rows(ws, {3: 90})  # each 说明 as tall as its text, so that none runs into the next row
    for row in ws.iter_rows(min_row=2):
        row[1].fill = PatternFill("solid", fgColor="FFF2CC")  # the cells HR edits
    print_a4_landscape(ws, "1:1")  # the three columns on one page width
    for number, spec in enumerate(SETTINGS, start=2):
        if spec.choices:
            rule = DataValidation(type="list", formula1='"' + ",".join(spec.choices) + '"', allow_blank=True,
                                  showErrorMessage=True, errorTitle=spec.key, error="请从下拉列表中选择")
            rule.add(f"B{number}")
            ws.add_data_validation(rule)
        if spec.attr == "period":
            ws.cell(number, 2).number_format = "@"  # 2026-10 stays text, not a date
    roster = book.create_sheet(ROSTER_SHEET)
    roster.append(ROSTER_HEADERS + ["绩效奖金基数", "计划销售额", "实际销售额", "其他"])
    _header(roster, {c: 14 for c in "ABCDEFGHI"})
    roster.column_dimensions["A"].number_format = "@"  # 工号 as text: 001 typed stays 001, not 1
    print_a4_landscape(roster, "1:1")
    _write_guide(book.create_sheet("使用说明"))
    return book


# The 使用说明 sheet: a guide HR can read without leaving Excel.  Each 设置 row is listed from SETTINGS
# (key, default, help, choices), so a new setting is explained the day it is added; EXAMPLES adds a
# filled-in value where the default alone does not show how to write one.
BUTTONS = [
    ("生成考核表", "按花名册为每人生成考核表; 有客观数据文件时预填客观指标", "考核表文件夹 (默认 考核表/期间)"),
    ("导入数据", "由客服系统导出的工单计算投诉率、响应时间、解决率、满意度等 (同 xl-kpi metrics)",
     "客观数据文件 (默认 数据-期间.xlsx) 和「数据」表"),
    ("一键汇总", "读取回收文件夹中交回的考核表, 全部按规则重新计分, 生成部门汇总", "汇总/汇总-期间.xlsx 和「汇总」表"),
    ("年度汇总", "读取汇总文件夹中的全部月度汇总, 算年度 (季度) 得分和方案规定的人事决定", "汇总/年度汇总-年.xlsx 和「年度汇总」表"),
    ("生成面谈表", "由本期汇总为每人生成一页面谈反馈表", "面谈表文件夹 (默认 面谈表/期间)"),
    ("校验规则", "检查「设置」和方案 (含改过的模板「规则」) 是否有效", "消息框和「问题」表"),
]
EXAMPLES = {
    "scheme": "cs-table; 或 我的方案.yaml; 或 模板/我的模板.xlsx",
    "period": "2026-10",
    "roster": "花名册; 或 D:\\人事\\花名册.xlsx",
    "data": "数据-{期间}.xlsx (2026-10 时为 数据-2026-10.xlsx)",
    "tickets": "工单/10月.csv; 工单/10月补录.xlsx",
    "sheets_dir": "考核表/{期间}",
    "returned_dir": "回收/{期间}",
    "summary_dir": "汇总",
    "feedback_dir": "面谈表/{期间}",
    "mapping": "列名映射.yaml",
    "hours": "09:00-18:00",
    "workdays": "1-6 (周一到周六)",
    "peak": "2026-11-11..2026-11-12",
    "fcr_days": "7",
    "password": "kpi2026 (撤销工作表保护时要输入它; 请另行保管)",
}
MESSAGES = [
    ("…请填数字, 单元格中是文字「…」", "主管在数字格里写了文字 (或带空格的数字)。请主管改成数字, 或您在交回的文件中改好, 再点「一键汇总」。"),
    ("漏填 / 整张考核表未填写", "黄色单元格没有填。请主管补填后重新交回, 放进回收文件夹, 再汇总。"),
    ("…(可能被手工改动)", "得分格的公式被改过或换成了数字; 汇总已按规则重新计分, 不用改。请提醒主管只填黄色单元格。"),
    ("工号 … 重复, 两份计分不同", "同一人的考核表交回了两份且分数不同, 此人不计分。请只保留正确的一份, 再汇总。"),
    ("…个文件中没有一个计入汇总, 未写入汇总", "回收文件夹里的文件都没有计入 (消息列出了原因: 方案不同、期间不同、文件打不开等); "
     "原来的汇总没有被替换。按原因处理后再点「一键汇总」。"),
    ("不是本期的考核表", "文件是别的月份生成的, 未计入。请确认「设置」的考核期间, 或把这个文件移出回收文件夹。"),
    ("找不到 … 的工作表", "工作表被删除或改名且认不出是谁的; 此人列在汇总中但没有得分。请主管用原来的考核表重填。"),
    ("公式没有计算结果, 请在 Excel/WPS 中打开并保存后再汇总", "文件由其他程序写过, 从未在 Excel 中保存。打开它、保存, 再汇总。"),
    ("…「另存为」Excel 工作簿 (.xlsx) 后重新汇总", "交回的是 .xls、WPS .et 等格式。打开它, 另存为 .xlsx, 再汇总。"),
    ("工作簿已损坏 / 加密", "文件打不开或设了密码。请主管重新保存 (不加密码) 后再发一次。"),
    ("未交回互评表", "用了互评时, 这位员工没有交回互评表; 补交后放进回收文件夹, 再汇总。"),
    ("… 正在 Excel/WPS/LibreOffice 中打开", "要替换的文件还开着。关掉它再点按钮; 程序在改动任何文件之前就停下了。"),
    ("设置!B3: 考核期间应为 YYYY-MM", "「设置」的某一格写错了, 消息指出了单元格。按本表「设置」一节改好再点按钮。"),
    ("类别为 提示", "「问题」表「类别」一栏为 提示 的 (屏幕上以「提示」开头的行): 已照常计分或处理, 但请看一眼是否是原意: "
                "如「客户投诉率 30% 高于常见的 5%」多半是把 0.3% 填成了 0.3; 有误时改好交回的文件再「一键汇总」。"),
    ("类别为 说明", "只是告诉您程序怎么处理了 (如数据文件里有方案不用的列), 不是问题, 不用处理。"),
]
GUIDE = [
    ("xl-kpi 考核工作簿", "功能区「KPI考核」选项卡上的按钮按「设置」工作表的参数工作。先填「设置」和「花名册」, 再从左到右点按钮。"),
    ("需要", "Windows 上的 Excel, 已安装 Python 和 xl-kpi (安装见文档「Excel 加载项」)。没有 Excel 时可在命令行运行同一个按钮: "
     "xl-kpi addin run 一键汇总 KPI考核.xlsm"),
    ("每月怎么做", "1. 在「设置」中填考核期间 (如 2026-10) 和方案; 在「花名册」中填员工 (工号、姓名、部门、岗位、直属主管)。"),
    ("", "2. 「导入数据」(可选): 由工单导出算出客观指标。  3. 「生成考核表」: 把考核表文件夹里的工作簿发给各部门主管。"),
    ("", "4. 主管交回的文件放进回收文件夹, 点「一键汇总」。  5. 看「问题」表, 按下面的说明处理后再点「一键汇总」(可以点很多次)。"),
    ("", "6. 「生成面谈表」打印面谈表; 年底 (或季度末) 点「年度汇总」。"),
]
RESULTS = [
    "每个按钮: 进度显示在 Excel 状态栏, 结束时弹出消息; 发现的问题写入「问题」表 (哪个文件、哪张表、哪个单元格、应为什么), 不影响其他人员的计算。",
    "「设置」中的相对路径以本工作簿所在文件夹为准, 所以整个文件夹可以复制给同事。交回的考核表只读不改。",
]
UNDO = [
    ("「生成考核表」不会悄悄替换已有的考核表 (可能已由主管填写): 有同名文件时不写入任何文件并说明原因; "
     "「覆盖已有考核表」为 是 时才重新生成, 原文件先保留为 ….备份.xlsx。"),
    "「导入数据」「一键汇总」「年度汇总」「生成面谈表」替换文件前, 先把原文件保留为 ….备份.xlsx (面谈表 .html 为 ….备份.html; 已有备份时为 ….备份2.xlsx、….备份3.xlsx …, 旧备份不会被替换)。",
    "要撤销: 关闭 Excel 中的该文件, 删除新文件, 把 ….备份.xlsx 改回原来的名字 (去掉「.备份」)。汇总时不读备份文件。",
]


def _write_guide(ws) -> None:
    bold = Font(bold=True)
    title_fill = PatternFill("solid", fgColor="DDEBF7")

    def section(title: str, heads: tuple[str, ...] = ()) -> None:
        ws.append([])
        ws.append([title])
        ws.cell(ws.max_row, 1).font = Font(bold=True, size=12)
        for col in range(1, 5):
            ws.cell(ws.max_row, col).fill = title_fill
        if heads:
            ws.append(list(heads))
            for col in range(1, len(heads) + 1):
                ws.cell(ws.max_row, col).font = bold

    for name, text in GUIDE:
        ws.append([name, text])
        ws.cell(ws.max_row, 1).font = bold
    ws["A1"].font = Font(bold=True, size=14)
    section("按钮", ("按钮", "做什么", "结果写到"))
    for row in BUTTONS:
        ws.append(list(row))
    section("「设置」的每一行", ("设置项", "说明", "默认值", "例子"))
    for spec in SETTINGS:
        default = spec.default or "(空)"
        example = EXAMPLES.get(spec.attr) or (" / ".join(spec.choices) if spec.choices else "")
        ws.append([spec.key, spec.help, default, example])
    section("结果在哪里")
    for text in RESULTS:
        ws.append(["", text])
    section("「问题」表里的消息: 意思和该做什么", ("消息 (大意)", "该做什么"))
    for row in MESSAGES:
        ws.append(list(row))
    section("撤销: 备份文件")
    for text in UNDO:
        ws.append(["", text])
    wrap_rows(ws, {1: 26, 2: 80, 3: 18, 4: 30}, first_row=1)  # each row as tall as its text: nothing overlaps
    ws.sheet_view.showGridLines = False
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def addin_workbook() -> Workbook:
    """The add-in's one sheet: what it is (an add-in's sheets are never shown)."""
    book = Workbook()
    ws = book.active
    ws.title = "xl_kpi"
    ws.append(["xl-kpi 加载项: KPI_* 函数与「KPI考核」功能区. 由 xl-kpi addin build 构建, 请勿手工修改."])
    return book


def _workbook_bytes(book: Workbook) -> bytes:
    import xlwings

    book.properties.creator = "xl-kpi addin build"
    book.properties.keywords = f"xlwings={xlwings.__version__}"  # the VBA bridge must match the Python side
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def document_modules(book: Workbook) -> list[vba.Module]:
    """The workbook's and each sheet's document module, as Excel makes them: ThisWorkbook, Sheet1, Sheet2, …

    The code names are written into the workbook too (workbookPr and each sheetPr codeName), so the
    project's document modules and the workbook's parts agree.
    """
    book.code_name = "ThisWorkbook"
    modules = [vba.Module(book.code_name, "", vba.WORKBOOK_BASE)]
    for number, ws in enumerate(book.worksheets, start=1):
        ws.sheet_properties.codeName = f"Sheet{number}"
        modules.append(vba.Module(ws.sheet_properties.codeName, "", vba.WORKSHEET_BASE))
    return modules


def build(out_dir: str | Path, *, macros_dir: Path = vba.MACROS_DIR,
          progress: Callable[[str], None] = lambda _: None) -> BuildResult:
    """xl_kpi.xlam and KPI考核.xlsm in out_dir, from the text sources."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ribbon = vba.ribbon_xml(macros_dir)
    fromstring(ribbon)  # well-formed, or stop here
    results = {}
    for name, book in ((vba.ADDIN_NAME, addin_workbook()), (HR_WORKBOOK, hr_workbook())):
        modules = vba.project_modules(name, macros_dir)
        project = vba_project.build(document_modules(book) + modules)
        target = out / name
        write_package(target, package_macros(_workbook_bytes(book), target, vba_project=project, ribbon=ribbon))
        for module in modules:  # the sources next to the binaries, for review
            (out / "vba").mkdir(exist_ok=True)
            with atomic_path(out / "vba" / f"{Path(name).stem}.{module.name}.bas") as tmp:
                tmp.write_text(f'Attribute VB_Name = "{module.name}"\n{module.code}', encoding="utf-8")
        results[name] = (target, modules)
        progress(f"已生成 {target}")
    return BuildResult(results[vba.ADDIN_NAME][0], results[HR_WORKBOOK][0], results[vba.ADDIN_NAME][1])


# --------------------------------------------------------------------------- install


def config_lines(interpreter: str) -> str:
    """xlwings' config file format: "KEY","value" per line."""
    return f'"INTERPRETER_WIN","{interpreter}"\n"INTERPRETER_MAC","{interpreter}"\n'


def pythonw() -> str:
    """The interpreter Excel should start: this environment's pythonw.exe on Windows."""
    exe = Path(sys.executable)
    windowed = exe.with_name("pythonw.exe")
    return str(windowed if windowed.exists() else exe)


def install(source: Path | None = None, *, target_dir: str | Path | None = None,
            config_dir: str | Path | None = None) -> tuple[Path, Path]:
    """Copy xl_kpi.xlam into Excel's XLSTART folder (as `xlwings addin install` does) and
    write the add-in's config file naming this Python; returns (add-in path, config path)."""
    source = Path(source) if source else SHIPPED / vba.ADDIN_NAME
    if not source.exists():
        raise KpiError(f"找不到加载项 {source}; 请先运行 xl-kpi addin build")
    _check_xlwings_version(source)
    if target_dir is None:
        if sys.platform not in ("win32", "darwin"):
            raise KpiError("Excel 只在 Windows 和 macOS 上运行; 在此系统上请用 --dir 指定复制到的文件夹")
        from xlwings.cli import get_addin_dir  # asks Excel for its XLSTART folder

        target_dir = get_addin_dir()
    target = Path(target_dir) / vba.ADDIN_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with atomic_path(target) as tmp:
            shutil.copyfile(source, tmp)
    except PermissionError as exc:
        raise KpiError(f"无法写入 {target}: Excel 正在使用它? 请关闭 Excel 后重试 ({exc})") from exc
    home = Path(config_dir) if config_dir else Path.home() / f".{vba.PROJECT_NAME}"
    config = home / f"{vba.PROJECT_NAME}.conf"
    home.mkdir(parents=True, exist_ok=True)
    with atomic_path(config) as tmp:
        tmp.write_text(config_lines(pythonw()), encoding="utf-8")
    return target, config


def built_xlwings_version(path: Path) -> str | None:
    """The xlwings version the add-in's VBA was built with (kept in its document properties)."""
    with zipfile.ZipFile(path) as package:
        core = fromstring(package.read("docProps/core.xml"))
    for item in core:
        if item.tag.endswith("}keywords") and item.text and item.text.startswith("xlwings="):
            return item.text.split("=", 1)[1]
    return None


def _check_xlwings_version(path: Path) -> None:
    import xlwings

    built = built_xlwings_version(path)
    if built and built != xlwings.__version__:
        raise KpiError(f"{path.name} 由 xlwings {built} 构建, 本机是 xlwings {xlwings.__version__}: 两者必须一致. "
                       f"请 pip install xlwings=={built}, 或运行 xl-kpi addin build 重新构建")
