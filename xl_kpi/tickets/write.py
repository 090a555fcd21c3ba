"""The DATA workbook (数据, 问题, 说明) of a run, and its report on the terminal."""

from __future__ import annotations

import math
import re
import zipfile
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from xl_kpi.base.errors import InputFileError
from xl_kpi.base.files import atomic_path, refuse_overwrite
from xl_kpi.excel.number_formats import column_letter

from .result import (
    COL_ATTITUDE,
    COL_DEPT,
    COL_ID,
    COL_NAME,
    COL_SATISFACTION,
    MINUTE_COLUMNS,
    PERCENT_COLUMNS,
    MetricsResult,
)

PROBLEM_SHEET_LIMIT = 1_000_000  # rows an Excel sheet can hold, less a margin
STDERR_LIMIT = 30


def write_metrics(result: MetricsResult, output: str | Path) -> Path:
    """DATA.xlsx: 数据 (read by score / generate --data), 问题 (every reported row), 说明.

    The workbook is written directly as SpreadsheetML, the same parts openpyxl's write-only mode
    produces (inline strings, bold headers, 0.00% / 0.00 formats, frozen headers, column widths):
    thousands of agents and problem rows take milliseconds instead of most of a second.  Text
    is always text, never a formula.
    """
    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise InputFileError(f"输出文件应为 .xlsx (数据表之外还有「问题」表), 收到 {output.name}")
    refuse_overwrite(output, result.inputs, "数据文件")

    widths = {COL_ID: 12, COL_NAME: 10, COL_DEPT: 12}
    data = _Sheet([widths.get(h, max(10, len(h) * 2 + 2)) for h in result.headers], frozen="B2")
    data.append(result.headers, _BOLD)
    formats = [_PERCENT if h in PERCENT_COLUMNS else _DECIMALS if h in MINUTE_COLUMNS | {COL_SATISFACTION, COL_ATTITUDE}
               else 0 for h in result.headers]
    for row in result.rows:
        data.append(row, formats)

    sheet = _Sheet([28, 9, 16, 70], frozen="A2")
    sheet.append(["文件", "行", "问题", "说明"], _BOLD)
    shown = result.problems.head(PROBLEM_SHEET_LIMIT)
    for row in shown.iter_rows():
        sheet.append(row)
    if result.problem_count > shown.height:
        sheet.append([f"另有 {result.problem_count - shown.height} 行问题超出工作表行数上限, 未列出"])

    info = _Sheet([28, 80])
    info.append(["项目", "内容"], _BOLD)
    for k, v in result.settings:
        info.append([k, v])
    info.append([])
    info.append(["文件", "读取行数", "计入", "有问题", "不在考核期间", "空行"], _BOLD)
    for st in result.files:
        info.append([st.name, st.rows, st.counted, st.problems, st.outside, st.blank])
    if result.kind_counts:
        info.append([])
        info.append(["问题类型", "行数"], _BOLD)
        for k, v in result.kind_counts.items():
            info.append([k, v])
    if result.notices:
        info.append([])
        info.append(["提示"], _BOLD)
        for n in result.notices:
            info.append([n.text()])

    sheets = [("数据", data), ("问题", sheet), ("说明", info)]
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with atomic_path(output) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES.format(sheets="".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>' for i in range(1, 4))))
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("docProps/app.xml", _APP)
        book.writestr("docProps/core.xml", _CORE.format(now=now))
        book.writestr("xl/workbook.xml", _WORKBOOK.format(sheets="".join(
            f'<sheet name="{name}" sheetId="{i}" state="visible" r:id="rId{i}"/>' for i, (name, _) in enumerate(sheets, 1))))
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        for i, (_, ws) in enumerate(sheets, 1):
            book.writestr(f"xl/worksheets/sheet{i}.xml", ws.xml())
    return output


# cell styles of _STYLES: bold (headers), 0.00% (fractions), 0.00 (minutes and scores)
_BOLD, _PERCENT, _DECIMALS = 1, 2, 3
_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "{sheets}</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/></Relationships>'
)
_APP = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>xl-kpi</Application></Properties>")
_CORE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>xl-kpi</dc:creator>'
    '<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/><bookViews><workbookView activeTab="0"/></bookViews>'
    '<sheets>{sheets}</sheets><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, 4))
    + f'<Relationship Id="rId4" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
    '<font><b val="1"/></font></fonts>'
    '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_PANES = {
    "B2": '<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" state="frozen"/>'
          '<selection pane="topRight"/><selection pane="bottomLeft"/>'
          '<selection pane="bottomRight" activeCell="A1" sqref="A1"/>',
    "A2": '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
          '<selection pane="bottomLeft" activeCell="A1" sqref="A1"/>',
    None: '<selection activeCell="A1" sqref="A1"/>',
}


class _Sheet:
    """The XML of one worksheet, built row by row."""

    def __init__(self, widths: list[int], frozen: str | None = None) -> None:
        self.head = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{_MAIN}">'
            f'<sheetViews><sheetView workbookViewId="0">{_PANES[frozen]}</sheetView></sheetViews>'
            '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/><cols>'
            + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1))
            + "</cols><sheetData>"
        )
        self.rows: list[str] = []

    def append(self, values: Sequence[Any], style: int | list[int] = 0) -> None:
        """A row; ``style`` for every cell, or one per cell.  Empty (None) cells are left out."""
        r = len(self.rows) + 1
        cells = []
        for i, value in enumerate(values):
            if value is None:
                continue
            s = style if isinstance(style, int) else style[i]
            attrs = f'r="{_letter(i)}{r}"' + (f' s="{s}"' if s else "")
            if isinstance(value, str):
                text = _ILLEGAL_XML.sub("", value[:32767])  # as much as a cell holds, without control characters
                if not text:
                    cells.append(f'<c {attrs} t="inlineStr"/>')
                    continue
                space = ' xml:space="preserve"' if text.strip() and text.strip() != text else ""
                text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                cells.append(f'<c {attrs} t="inlineStr"><is><t{space}>{text}</t></is></c>')
            else:  # a number, written as openpyxl does
                number = "" if math.isnan(value) or math.isinf(value) else "%.16g" % value
                cells.append(f'<c {attrs} t="n"><v>{number}</v></c>')
        self.rows.append(f'<row r="{r}">{"".join(cells)}</row>')

    def xml(self) -> str:
        return (self.head + "".join(self.rows) + "</sheetData>"
                '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>')



@lru_cache(maxsize=None)
def _letter(index: int) -> str:
    return column_letter(index)


def report_to(stream, result: MetricsResult, output: str | Path, limit: int = STDERR_LIMIT) -> None:
    """Problems and a summary on stderr (the first ``limit`` problems; all are in the 问题 sheet)."""
    for notice in result.notices:
        print(notice.line(), file=stream)
    for line in result.problem_lines(limit):
        print(f"问题 {line}", file=stream)
    if result.problem_count > limit:
        print(f"… 另有 {result.problem_count - limit} 行问题, 全部列在 {Path(output).name} 的「问题」表", file=stream)
    print(result.summary(output), file=stream)
