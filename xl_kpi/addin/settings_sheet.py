"""The 设置 sheet of the HR workbook: what the ribbon buttons act on.

Column A names a setting, column B holds its value, column C explains it.  HR edits
column B only.  Relative paths are taken from the folder of the HR workbook, so a
folder copied elsewhere (or to a colleague) keeps working.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xl_kpi.base.errors import KpiError
from xl_kpi.base.months import month_of, need_period
from xl_kpi.excel.roster import ROSTER_SHEET
from xl_kpi.excel.tables import cell_text

SHEET = "设置"

ROSTER_HEADERS = ["工号", "姓名", "部门", "岗位", "直属主管"]


@dataclass(frozen=True)
class Setting:
    key: str  # the label in column A
    attr: str  # the Settings field
    default: str
    help: str
    choices: tuple[str, ...] = ()


SETTINGS: tuple[Setting, ...] = (
    Setting("考核方案", "scheme", "cs-quant",
            "方案 id (cs-quant / cs-table / advisor-4s / cs-smart)、方案文件 (.yaml) 或模板工作簿 (.xlsx, 读取其「规则」工作表)"),
    Setting("考核期间", "period", "", "YYYY-MM, 如 2026-10 (必填)"),
    Setting("花名册", "roster", ROSTER_SHEET, "本工作簿中的工作表名, 或花名册文件 (.xlsx/.csv) 的路径"),
    Setting("客观数据文件", "data", "数据-{期间}.xlsx", "「导入数据」写入、「生成考核表」预填用的数据文件; {期间} 换成考核期间"),
    Setting("工单导出", "tickets", "", "「导入数据」读取的客服系统工单导出 (.csv/.xlsx 文件或文件夹, 多个用 ; 分隔)"),
    Setting("考核表文件夹", "sheets_dir", "考核表/{期间}", "「生成考核表」把每人的考核表放在这里"),
    Setting("回收文件夹", "returned_dir", "回收/{期间}", "主管交回的考核表放在这里; 「一键汇总」读取其中全部工作簿"),
    Setting("汇总文件夹", "summary_dir", "汇总", "月度汇总写为 汇总-{期间}.xlsx; 「年度汇总」读取其中全部月度汇总"),
    Setting("面谈表文件夹", "feedback_dir", "面谈表/{期间}", "「生成面谈表」的输出文件夹"),
    Setting("公式", "formulas", "native", "native: 普通 Excel 公式 (Excel/WPS/LibreOffice 都能算); udf: =KPI_*() 函数 (需加载项) (同 generate --formulas)",
            ("native", "udf")),
    Setting("拆分", "split", "department", "department: 每部门一个工作簿; person: 每人一个工作簿 (同 generate --split)", ("department", "person")),
    Setting("语言", "lang", "zh-Hans", "zh-Hans 简体 / zh-Hant 繁體: 考核表和面谈表的文字 (同 generate --lang)", ("zh-Hans", "zh-Hant")),
    Setting("年度汇总方式", "by", "year", "year 按年 / quarter 按季度 (同 annual --by)", ("year", "quarter")),
    Setting("缺考月份", "missing", "skip", "skip 按已有月份平均 / zero 按 0 分计 / fail 不计算并列入问题 (同 annual --missing)", ("skip", "zero", "fail")),
    # 「导入数据」的选项 (同 xl-kpi metrics), 放在最后: 已有工作簿中上面各行的位置不变
    Setting("列名映射文件", "mapping", "", "「导入数据」: 工单导出的列名或状态写法认不出时, 写一个映射文件 (.yaml) 的路径 (同 metrics --map)"),
    Setting("满意度满分", "satisfaction_scale", "", "「导入数据」: 导出中满意度评分的满分; 5 分制写 5 (×20 换算为百分制), 百分制写 100, "
            "百分比写 1; 空: 程序不猜, 看到 5 分制数据时会提示 (同 --satisfaction-scale)", ("1", "5", "10", "100")),
    Setting("工作时间", "hours", "", "「导入数据」: 响应时间只计工作时间, 如 09:00-18:00; 空: 全天计时 (同 --hours)"),
    Setting("工作日", "workdays", "", "「导入数据」: 与工作时间一起用, 如 1-5 (周一=1); 空: 1-5 (同 --workdays)"),
    Setting("高峰期", "peak", "", "「导入数据」: 高峰期日期 (含首尾), 如 2026-11-11..2026-11-12, 算高峰期响应时间; 空: 不算 (同 --peak)"),
    Setting("首次解决天数", "fcr_days", "7", "「导入数据」: 首次解决 = 同一客户多少天内没有再来 (0-366, 同 --fcr-days)"),
    Setting("响应时间取中位数", "median", "否", "「导入数据」: 是: 平均响应时间改用中位数 (同 --median)", ("是", "否")),
    Setting("工单编码", "encoding", "auto", "「导入数据」: CSV 的编码; auto 自动识别 (同 --encoding)", ("auto", "utf-8", "gb18030", "big5")),
    # 「生成考核表」「一键汇总」的其余选项 (同 xl-kpi generate / consolidate), 也放在最后
    Setting("工作表保护密码", "password", "", "「生成考核表」: 考核表的工作表保护密码, 主管只能填黄色单元格; 空: 保护但不设密码 "
            "(同 --password)"),
    Setting("互评表", "peer", "否", "「生成考核表」: 是: 另为每人生成团队协作互评表 (互评-期间-部门-工号-姓名.xlsx), "
            "方案须有互评的指标 (同 --peer)", ("是", "否")),
    Setting("覆盖已有考核表", "overwrite", "否", "「生成考核表」: 是: 考核表文件夹中已有同名工作簿时重新生成, 原文件保留为 "
            "….备份.xlsx; 否: 一个也不写并说明 (同 --overwrite)", ("是", "否")),
    Setting("汇总按考核方案核对", "consolidate_scheme", "否", "「一键汇总」: 是: 按「考核方案」计分, 交回文件自带的「规则」与它不同时"
            "按文件自身规则计分并列入问题; 否: 按各文件「规则」表计分 (同 consolidate --scheme)", ("是", "否")),
)
FIRST_ROW = 2  # row of the first setting (row 1 holds the headers)


@dataclass
class Settings:
    folder: Path  # folder of the HR workbook: relative paths start here
    scheme: str = "cs-quant"
    period: str = ""
    roster: str = ROSTER_SHEET
    data: str = ""
    tickets: str = ""
    mapping: str = ""
    satisfaction_scale: str = ""
    hours: str = ""
    workdays: str = ""
    peak: str = ""
    fcr_days: str = "7"
    median: str = "否"
    encoding: str = "auto"
    sheets_dir: str = ""
    returned_dir: str = ""
    summary_dir: str = ""
    feedback_dir: str = ""
    formulas: str = "native"
    split: str = "department"
    lang: str = "zh-Hans"
    by: str = "year"
    missing: str = "skip"
    password: str = ""
    peer: str = "否"
    overwrite: str = "否"
    consolidate_scheme: str = "否"
    cells: dict[str, str] = field(default_factory=dict)  # attr -> "设置!B3", for messages

    def path(self, attr: str) -> Path:
        """The setting as a path: {期间} filled in, relative to the workbook's folder."""
        text = getattr(self, attr).replace("{期间}", self.period)
        path = Path(text).expanduser()
        return path if path.is_absolute() else self.folder / path

    def paths(self, attr: str) -> list[Path]:
        parts = [p.strip() for p in re.split(r"[;；\n]", getattr(self, attr)) if p.strip()]
        return [p if p.is_absolute() else self.folder / p for p in (Path(x).expanduser() for x in parts)]

    def where(self, attr: str) -> str:
        return f"{SHEET}!{self.cells.get(attr, 'B')}"

    def optional_path(self, attr: str) -> Path | None:
        return self.path(attr) if getattr(self, attr).strip() else None

    def whole_number(self, attr: str, low: int, high: int) -> int:
        text = getattr(self, attr).strip()
        if not re.fullmatch(r"\d+(\.0+)?", text) or not low <= int(float(text)) <= high:
            key = next(s.key for s in SETTINGS if s.attr == attr)
            raise KpiError(f"{self.where(attr)}: {key}应为 {low}-{high} 的整数, 现为「{text}」")
        return int(float(text))

    def flag(self, attr: str) -> bool:
        """A 是/否 setting (parse_settings has refused any other value)."""
        return getattr(self, attr) == "是"

    def need_period(self) -> str:
        return need_period(self.period, self.where("period"))


def sheet_rows() -> list[list[str]]:
    """The 设置 sheet as the build writes it: headers, then every setting with its default."""
    return [["设置项", "值", "说明"]] + [[s.key, s.default, s.help] for s in SETTINGS]


def parse_settings(rows: list[list[Any]], folder: Path) -> Settings:
    """Settings from the 设置 sheet's rows (as read from Excel); bad values name their cell."""
    by_key = {s.key: s for s in SETTINGS}
    settings = Settings(folder=Path(folder))
    seen: set[str] = set()
    problems: list[str] = []
    for number, row in enumerate(rows, start=1):
        cells = list(row) + [None, None]
        key = cell_text(cells[0]).strip()
        if key not in by_key:
            continue
        spec = by_key[key]
        value = cell_text(cells[1]).strip()
        if spec.attr == "password" and value:
            value = cells[1] if isinstance(cells[1], str) else value  # as typed, spaces included, as --password keeps them
        if spec.attr == "period" and isinstance(cells[1], (int, float)) and not isinstance(cells[1], bool):
            # 2026.10 typed into a cell not formatted as text is the number 2026.1: October or January?
            problems.append(f"{SHEET}!B{number}: 考核期间是数字 {value}, 看不出是几月 (2026.10 存为数字即 2026.1); "
                            "请把该单元格设为文本格式后写 YYYY-MM, 如 2026-10")
            continue
        if spec.attr == "period" and value:  # a date typed into the cell (Excel made it 2026-10-01), 2026/10 …
            value = month_of(value) or value
        settings.cells[spec.attr] = f"B{number}"
        seen.add(key)
        if spec.choices and value and value not in spec.choices:
            problems.append(f"{SHEET}!B{number}: {key}应为 {' / '.join(spec.choices)} 之一, 现为「{value}」")
            continue
        setattr(settings, spec.attr, value if value else spec.default)
    for spec in SETTINGS:
        if spec.key not in seen:
            setattr(settings, spec.attr, spec.default)
    if problems:
        raise KpiError("\n".join(problems))
    return settings
