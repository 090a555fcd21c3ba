"""Helpdesk ticket exports: which column is which, how values read, business hours.

An export from a customer-service system (.csv or .xlsx) has a row per ticket or
conversation.  Its headers are recognised in 简体, 繁體 and English (工单编号 /
工單編號 / ticket_id, 客服工号 / agent_id, 创建时间 / 建立時間 / created_at …); a
small mapping file (``--map``) names any other header.  Every file becomes a
Polars LazyFrame of text columns under canonical names (the few-valued ones,
``CATEGORY_FIELDS``, as categories of the caller's ``Categories``), with the
file's index and each row's spreadsheet row number (as in the file), so every
problem found later can say exactly where it is.  A CSV is UTF-8, else GB18030 or Big5 (whichever
makes its header, then its cells, read as known words; ``--encoding`` says it outright); the header
may stand below a title or an export time (row numbers stay the file's); an .xlsx's tickets are on
every sheet whose header is recognised (each sheet a source of its own, named by its sheet when there are
several), or on ``--sheet``.  Times are read as local wall-clock
time: one written with an offset (+08:00, +0800, Z) is converted to the company's
time zone (Asia/Shanghai unless the mapping file names another), one without is
taken as written.

Business hours are computed exactly with a cumulative clock: ``clock(t)`` is the
number of working milliseconds from a fixed Monday to ``t``; the working time
between two instants is ``clock(end) - clock(start)``.  The same formula runs on
plain ``datetime`` values (``business_minutes``, used by the tests) and on a
whole column at once (``business_clock_expr``).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from xl_kpi.base.errors import InputFileError, InputValueError
from xl_kpi.base.months import need_period
from xl_kpi.base.opener import open_book, sheet_rows

# --------------------------------------------------------------------------- fields

# canonical field -> (label used in messages, recognised headers in order of preference)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ticket": ("工单编号", (
        "工单编号", "工单号", "工单id", "工单ID", "工单", "会话编号", "会话id", "会话ID", "咨询编号", "记录编号", "服务单号",
        "工單編號", "工單號", "工單ID", "工單", "會話編號", "會話ID", "諮詢編號", "記錄編號", "服務單號",
        "ticket", "ticket_id", "ticket id", "ticket no", "ticket_no", "ticket number", "conversation_id", "conversation id",
        "case_id", "case id", "case number",
    )),
    "agent_id": ("客服工号", (
        "客服工号", "坐席工号", "工号", "员工编号", "客服编号", "客服ID", "坐席ID", "坐席编号", "处理人工号",
        "客服工號", "坐席工號", "工號", "員工編號", "客服編號", "坐席編號", "處理人工號",
        "agent_id", "agent id", "agent no", "staff_id", "staff id", "employee_id", "employee id", "assignee_id", "assignee id",
    )),
    "agent_name": ("客服姓名", (
        "客服姓名", "坐席姓名", "客服", "坐席", "客服人员", "处理人", "受理人", "接待客服", "姓名",
        "客服人員", "處理人", "接待客服", "服務人員",
        "agent", "agent_name", "agent name", "assignee", "assignee name", "staff", "staff name",
    )),
    "customer": ("客户", (
        "客户ID", "客户编号", "客户账号", "客户", "客户名称", "用户ID", "用户", "访客ID", "访客", "会员ID", "会员号",
        "客戶ID", "客戶編號", "客戶帳號", "客戶賬號", "客戶", "客戶名稱", "用戶ID", "用戶", "訪客ID", "訪客", "會員ID", "會員號",
        "customer", "customer_id", "customer id", "requester", "requester_id", "requester id", "user_id", "user id",
        "visitor_id", "visitor id", "client", "client_id", "client id",
    )),
    "created": ("创建时间", (
        "创建时间", "提问时间", "咨询时间", "进线时间", "接入时间", "发起时间", "会话开始时间", "开始时间", "提交时间",
        "建立時間", "創建時間", "提問時間", "諮詢時間", "進線時間", "接入時間", "發起時間", "會話開始時間", "開始時間", "提交時間",
        "created", "created_at", "created at", "create_time", "create time", "creation time", "opened_at", "opened at",
        "start_time", "start time", "requested_at", "requested at",
    )),
    "first_reply": ("首次回复时间", (
        "首次回复时间", "首次响应时间", "首响时间", "客服首次回复时间", "首次回复",
        "首次回覆時間", "首次回復時間", "首次響應時間", "首響時間", "客服首次回覆時間", "首次回覆",
        "first_reply", "first_reply_at", "first reply at", "first reply time", "first_response_at", "first response at",
        "first_response_time", "first response time", "first_replied_at",
    )),
    "resolved": ("是否解决", (
        "是否解决", "已解决", "解决状态", "解决情况", "工单状态", "处理状态", "状态", "处理结果",
        "是否解決", "已解決", "解決狀態", "解決情況", "工單狀態", "處理狀態", "狀態", "處理結果",
        "resolved", "is_resolved", "is resolved", "solved", "resolution", "status", "ticket status",
    )),
    "complaint": ("是否投诉", (
        "是否投诉", "投诉", "投诉标记", "是否为投诉", "客户投诉",
        "是否投訴", "投訴", "投訴標記", "是否為投訴", "客戶投訴",
        "complaint", "is_complaint", "is complaint", "complained",
    )),
    "satisfaction": ("满意度评分", (
        "满意度评分", "满意度", "满意度得分", "客户满意度", "满意评分", "客户评分", "评价分数", "评分",
        "滿意度評分", "滿意度", "滿意度得分", "客戶滿意度", "滿意評分", "客戶評分", "評價分數", "評分",
        "satisfaction", "satisfaction score", "satisfaction_score", "csat", "csat score", "rating",
    )),
    "attitude": ("服务态度评分", (
        "服务态度评分", "服务态度", "态度评分",
        "服務態度評分", "服務態度", "態度評分",
        "attitude", "attitude score", "attitude_score",
    )),
}
HEADER_SEARCH_ROWS = 20  # a header may stand below a title, an export time …: looked for in this many non-empty rows
REQUIRED = ("customer", "created")  # and one of agent_id / agent_name
# Fields with few distinct texts (agents, flags): read as categories, so the reader builds one small
# dictionary instead of millions of strings, and words are looked up once per distinct text.
CATEGORY_FIELDS = ("agent_id", "agent_name", "resolved", "complaint")

TRUE_WORDS = {
    "resolved": (
        "是", "1", "y", "yes", "true", "t", "已解决", "解决", "已解決", "解決", "已处理", "已處理", "已完成", "完成", "已关闭",
        "已關閉", "关闭", "關閉", "结案", "已结案", "結案", "已結案", "resolved", "solved", "closed", "done", "completed",
    ),
    "complaint": ("是", "1", "y", "yes", "true", "t", "投诉", "投訴", "有", "已投诉", "已投訴", "complaint", "complained"),
}
FALSE_WORDS = {
    "resolved": (
        "否", "0", "n", "no", "false", "f", "未解决", "未解決", "未处理", "未處理", "处理中", "處理中", "待处理", "待處理",
        "进行中", "進行中", "挂起", "掛起", "未完成", "新建", "待回复", "待回覆", "open", "pending", "new", "on-hold", "hold",
        "unresolved", "unsolved",
    ),
    "complaint": ("否", "0", "n", "no", "false", "f", "无", "無", "没有", "沒有", "未投诉", "未投訴", "none"),
}
# A score cell holding one of these (case ignored, spaces trimmed) means "not rated": an empty score.
UNRATED_WORDS = (
    "未评价", "未评", "未评分", "无评价", "暂无评价", "暂无", "无", "没有", "未評價", "未評", "未評分", "無評價", "暫無評價",
    "暫無", "無", "沒有", "-", "--", "—", "——", "－", "n/a", "na", "none", "null",
)
# A first-reply cell holding one of these (case ignored, spaces trimmed) means "never answered": an empty
# reply time (the ticket still counts as raised), not an unreadable one.  0000-00-00 is how some
# databases write a missing time.
NO_REPLY_WORDS = (
    "未回复", "未回覆", "无回复", "無回覆", "没有回复", "沒有回覆", "未响应", "未響應", "无", "無", "暂无", "暫無",
    "-", "--", "—", "——", "－", "n/a", "na", "none", "null", "0000-00-00 00:00:00", "0000-00-00 00:00", "0000-00-00",
)

ID_FIELDS = ("ticket", "agent_id", "customer")  # read as the text a cell shows (a number formatted 000: 002)
TIME_FORMATS = (  # plain seconds first: with equal fit the faster format is used
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y.%m.%d %H:%M:%S%.f",
    "%Y.%m.%d %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M:%S",
    "%Y年%m月%d日%H:%M",
    # 12-hour times (``%p``): 上午 / 下午 as Chinese Windows writes them, or AM / PM
    "%Y/%m/%d %p %I:%M:%S",
    "%Y/%m/%d %p %I:%M",
    "%Y-%m-%d %p %I:%M:%S",
    "%Y-%m-%d %p %I:%M",
    "%Y/%m/%d %I:%M:%S %p",
    "%Y/%m/%d %I:%M %p",
    # times with an offset (``OFFSET_FORMAT``): 2026-10-01T03:00:00+08:00, …T03:00:00.123Z, 2026-10-01 03:00:00+0800
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S%.f%#z",
    "%Y-%m-%dT%H:%M%#z",
)
# A format that reads an offset (%z, %:z, %#z) or ends in the letter Z (UTC): such times are converted
# to the company's local time (``Mapping.timezone``); times without an offset are taken as written.
OFFSET_FORMAT = re.compile(r"%[#:]*z|(?<!%)Z$")
DEFAULT_TIMEZONE = "Asia/Shanghai"  # China: the local time of times written with an offset


def header_key(text: str) -> str:
    """Key for matching headers: no spaces, _ - . or colons, half-width brackets, lower case."""
    text = str(text).replace("\ufeff", "").strip().replace("（", "(").replace("）", ")")
    return re.sub(r"[\s_\-.:：]+", "", text).lower()


_ALIASES: dict[str, tuple[str, int]] = {}
for _field, (_label, _names) in FIELDS.items():
    for _rank, _name in enumerate(_names):
        _ALIASES.setdefault(header_key(_name), (_field, _rank))


# --------------------------------------------------------------------------- mapping file


@dataclass
class Mapping:
    """What a mapping file (``--map``) says: headers for fields, extra words, extra time formats."""

    columns: dict[str, str] = field(default_factory=dict)  # field -> header in the export
    true_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    false_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    time_formats: tuple[str, ...] = ()
    unrated_words: tuple[str, ...] = ()  # extra words meaning "not rated" in a score column (lower case)
    no_reply_words: tuple[str, ...] = ()  # extra words meaning "never answered" in the first-reply column (lower case)
    timezone: str = DEFAULT_TIMEZONE  # local time of the company: times written with an offset are converted to it
    source: str = ""
    # how the files are opened (the command's --encoding and --sheet, not from the mapping file)
    encoding: str = "auto"  # a CSV's text: auto (UTF-8, else GB18030 or Big5 by what the text fits), utf-8, gb18030, big5
    sheet: str | None = None  # the sheet of an .xlsx holding the tickets (None: every one whose header is recognised)


_MAP_VALUE_KEYS = {"resolved": ("resolved", True), "unresolved": ("resolved", False),
                   "complaint": ("complaint", True), "no_complaint": ("complaint", False)}
UNRATED_KEY = "unrated"  # values: {unrated: [...]}: words meaning "not rated" in the score columns
NO_REPLY_KEY = "no_reply"  # values: {no_reply: [...]}: words meaning "never answered" in the first-reply column


def load_mapping(path: str | Path | None) -> Mapping:
    """Read a mapping file::

        columns:                 # field: header as the export writes it
          agent_id: 客服账号
          created: 进线时间
        values:                  # extra words (case ignored)
          resolved: [已结束]
          unresolved: [排队中]
          complaint: [差评投诉]
          no_complaint: [正常]
          unrated: [未打分]      # a score cell meaning "not rated"
          no_reply: [未接入]     # a first-reply cell meaning "never answered"
        time_formats: ["%d/%m/%Y %H:%M"]
        timezone: Europe/Berlin  # times with an offset (+08:00, Z) are converted to it (default Asia/Shanghai)
    """
    if path is None:
        return Mapping()
    import yaml

    from xl_kpi.schemes.scheme import yaml_problem

    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"找不到列名映射文件 {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        raise InputFileError(f"{path.name}: 列名映射文件不是有效的 YAML: {yaml_problem(exc)}") from None
    except UnicodeDecodeError:
        raise InputFileError(f"{path.name}: 列名映射文件应为 UTF-8 编码; 请在记事本中「另存为」, 编码选 UTF-8") from None
    if not isinstance(data, dict):
        raise InputFileError(f"{path.name}: 列名映射文件应为映射, 如 columns: {{created: 进线时间}}")
    unknown = set(data) - {"columns", "values", "time_formats", "timezone"}
    if unknown:
        raise InputFileError(
            f"{path.name}: 不认识的字段 {', '.join(sorted(map(str, unknown)))}; 可用: columns, values, time_formats, timezone")
    mapping = Mapping(source=path.name)
    columns = data.get("columns") or {}
    if not isinstance(columns, dict):
        raise InputFileError(f"{path.name}: columns 应为 字段: 列名 的映射")
    for key, header in columns.items():
        if key not in FIELDS:
            raise InputFileError(f"{path.name}: columns 中不认识的字段「{key}」; 可用: {', '.join(FIELDS)}")
        if not isinstance(header, str) or not header.strip():
            raise InputFileError(f"{path.name}: columns.{key} 应为导出文件中的列名, 收到 {header!r}")
        mapping.columns[key] = header.strip()
    values = data.get("values") or {}
    if not isinstance(values, dict):
        raise InputFileError(f"{path.name}: values 应为映射, 如 resolved: [已结束]")
    for key, words in values.items():
        if key not in _MAP_VALUE_KEYS and key not in (UNRATED_KEY, NO_REPLY_KEY):
            raise InputFileError(f"{path.name}: values 中不认识的字段「{key}」; "
                                 f"可用: {', '.join([*_MAP_VALUE_KEYS, UNRATED_KEY, NO_REPLY_KEY])}")
        if isinstance(words, (str, int)):
            words = [words]
        if not isinstance(words, list):
            raise InputFileError(f"{path.name}: values.{key} 应为取值列表")
        if key == UNRATED_KEY:
            mapping.unrated_words += tuple(str(w).strip().lower() for w in words)
            continue
        if key == NO_REPLY_KEY:
            mapping.no_reply_words += tuple(str(w).strip().lower() for w in words)
            continue
        target, truth = _MAP_VALUE_KEYS[key]
        book = mapping.true_words if truth else mapping.false_words
        book[target] = tuple(book.get(target, ())) + tuple(str(w).strip().lower() for w in words)
    formats = data.get("time_formats") or []
    if isinstance(formats, str):
        formats = [formats]
    if not isinstance(formats, list) or not all(isinstance(f, str) and "%" in f for f in formats):
        raise InputFileError(f"{path.name}: time_formats 应为时间格式列表, 如 [\"%d/%m/%Y %H:%M\"]")
    for fmt in formats:
        _check_time_format(fmt, path.name)
    mapping.time_formats = tuple(formats)
    if data.get("timezone") is not None:
        mapping.timezone = check_timezone(data["timezone"], path.name)
    return mapping


def _check_time_format(fmt: str, source: str) -> None:
    """An InputFileError for a format the time parser refuses (one with an hour but no minute, an
    unknown directive), said before any file is read."""
    import polars as pl

    try:
        pl.Series(["2026-10-05 09:03:00"]).str.to_datetime(fmt, strict=False, exact=True, cache=False, time_unit="ms")
    except (pl.exceptions.PolarsError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        twelve = ("; 12 小时制的时 (%I) 要与 %p 一起用, %p 读上午/下午或 AM/PM, 如 \"%Y/%m/%d %p %I:%M\""
                  if "%I" in fmt and "%p" not in fmt else "")
        raise InputFileError(
            f"{source}: time_formats 中的「{fmt}」不能用作时间格式 ({first}); 时间格式应同时有时和分, "
            f"如 \"%Y-%m-%d %H:%M\" (%Y 年 %m 月 %d 日 %H 时 %M 分 %S 秒){twelve}") from None


def time_text(text: Any, fmt: str) -> Any:
    """The texts ``text`` (a Polars expression or Series) as ``fmt`` reads them: for a 12-hour format (``%p``),
    上午 / 下午 written as AM / PM."""
    return text.str.replace_many(["上午", "下午"], ["AM", "PM"]) if "%p" in fmt else text


def check_timezone(zone: Any, source: str) -> str:
    """An IANA time zone name (Asia/Shanghai, Europe/Berlin) as Polars knows it, else a clear error."""
    import polars as pl

    text = zone.strip() if isinstance(zone, str) else ""
    if text:
        try:
            pl.select(pl.lit(datetime(2026, 1, 1)).dt.replace_time_zone(text))
        except pl.exceptions.PolarsError:
            text = ""
    if not text:
        raise InputFileError(
            f"{source}: timezone「{zone}」不是有效的时区; 请写时区数据库中的名称, 如 Asia/Shanghai (中国) 或 Europe/Berlin")
    return text


def local_time_ms(text: Any, fmt: str, zone: str) -> Any:
    """The texts ``text`` (a Polars expression or Series) read with ``fmt`` as milliseconds since the epoch
    of the local (wall-clock) time, null where they do not fit.  A time written with an offset (``fmt``
    reads one, ``OFFSET_FORMAT``) is converted to the local time of ``zone``; one without is taken as
    written (the plain formats are read exactly as before: no conversion at all)."""
    parsed = time_text(text, fmt).str.to_datetime(fmt, strict=False, exact=True, cache=False, time_unit="ms")
    offset = OFFSET_FORMAT.search(fmt)
    if offset is not None:
        if not offset.group().endswith("z"):  # a literal Z: read without an offset, it is UTC
            parsed = parsed.dt.replace_time_zone("UTC")
        parsed = parsed.dt.convert_time_zone(zone).dt.replace_time_zone(None)
    return parsed.dt.epoch("ms")


def match_headers(headers: list[str], mapping: Mapping, source: str) -> tuple[dict[str, int], list[str]]:
    """field -> column index, and notices about headers left unused."""
    by_key = {}
    for col, head in enumerate(headers):
        if head:
            by_key.setdefault(header_key(head), col)
    chosen: dict[str, tuple[int, int]] = {}  # field -> (rank, column)
    for key, header in mapping.columns.items():
        col = by_key.get(header_key(header))
        if col is None:
            raise InputFileError(
                f"{source}: 映射文件 {mapping.source} 指定 {key} 为列「{header}」, 但文件中没有这一列; "
                f"现有列: {', '.join(h for h in headers if h)}"
            )
        chosen[key] = (-1, col)
    taken = {col for _, col in chosen.values()}
    notices = []
    for col, head in enumerate(headers):
        if not head or col in taken:
            continue
        hit = _ALIASES.get(header_key(head))
        if hit is None:
            continue
        fld, rank = hit
        if fld in chosen and chosen[fld][0] <= rank:
            notices.append(f"{source}: 列「{head}」未使用 (已用「{headers[chosen[fld][1]]}」作为{FIELDS[fld][0]})")
            continue
        if fld in chosen:
            notices.append(f"{source}: 列「{headers[chosen[fld][1]]}」未使用 (已用「{head}」作为{FIELDS[fld][0]})")
        chosen[fld] = (rank, col)
    found = {fld: col for fld, (_, col) in chosen.items()}
    missing = [FIELDS[f][0] for f in REQUIRED if f not in found]
    if "agent_id" not in found and "agent_name" not in found:
        missing.insert(0, "客服工号或客服姓名")
    if missing:
        raise InputFileError(
            f"{source}: 找不到 {', '.join(missing)} 列; 现有列: {', '.join(h for h in headers if h) or '(无)'}。"
            "请在列名映射文件 (--map) 中写明, 如 columns: {created: 进线时间}"
        )
    return found, notices


# --------------------------------------------------------------------------- reading files


@dataclass
class Source:
    """One export file, or one sheet of a workbook whose tickets are on several sheets, as a lazy frame of
    text columns named by field."""

    path: Path
    index: int
    columns: dict[str, int]
    headers: list[str]
    frame: Any  # polars.LazyFrame with columns: file, row, and one per field found
    notices: list[str] = field(default_factory=list)
    temp: Path | None = None  # a UTF-8 copy of a GB18030 or Big5 file, removed by close()
    sheet: str | None = None  # the sheet, when the workbook's tickets are on several sheets (each a Source)

    @property
    def name(self) -> str:
        """How messages, the 问题 sheet and the per-file tally name it: the file, and the sheet if one of several."""
        return self.path.name if self.sheet is None else f"{self.path.name} 工作表「{self.sheet}」"

    def close(self) -> None:
        if self.temp is not None and self.temp.exists():
            self.temp.unlink()


def open_sources(path: str | Path, index: int, mapping: Mapping, categories: Any = None, *,
                 encoding: str | None = None, sheet: str | None = None) -> list[Source]:
    """The sources of one export file: a CSV's one, an .xlsx's one per sheet whose header is recognised
    (or the ``sheet``'s), numbered ``index``, ``index + 1`` … (their ``file`` column).  See ``open_source``."""
    import polars as pl

    path = Path(path)
    if path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm"):
        return _open_xlsx(path, index, mapping, pl.Categorical(categories), sheet if sheet is not None else mapping.sheet)
    return [open_source(path, index, mapping, categories, encoding=encoding, sheet=sheet)]


def open_source(path: str | Path, index: int, mapping: Mapping, categories: Any = None, gb18030: bool = False,
                *, encoding: str | None = None, sheet: str | None = None) -> Source:
    """``categories``: the ``polars.Categories`` of the ``CATEGORY_FIELDS`` columns (one per run,
    shared by all its files); None for the global categories.  ``encoding`` (a CSV's: auto, utf-8,
    gb18030, big5) and ``sheet`` (an .xlsx's) default to the mapping's (``Mapping.encoding``,
    ``Mapping.sheet``: the command's --encoding and --sheet).  ``gb18030``: the CSV was taken as UTF-8
    by its beginning and is not (see ``reopen_gb18030``): choose again between GB18030 and Big5.
    An .xlsx whose tickets are on several sheets is refused: ``open_sources`` reads them all."""
    import polars as pl

    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"找不到文件 {path}")
    category = pl.Categorical(categories)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        wanted = encoding_name(encoding if encoding is not None else mapping.encoding)
        return _open_csv(path, index, mapping, category, wanted, not_utf8=gb18030)
    if suffix in (".xlsx", ".xlsm"):
        sources = _open_xlsx(path, index, mapping, category, sheet if sheet is not None else mapping.sheet)
        if len(sources) > 1:
            raise InputFileError(f"{path.name}: 工单在 {len(sources)} 个工作表中; 请用 --sheet 指定其中一个")
        return sources[0]
    raise InputFileError(f"{path}: 工单导出文件应为 .csv 或 .xlsx, 收到 {path.suffix or '无扩展名'}")


def reopen_gb18030(source: Source, mapping: Mapping, categories: Any = None) -> Source | None:
    """The CSV ``source`` read again as GB18030 or Big5 (whichever its text fits, see ``_guess_encoding``),
    when it was taken as UTF-8 (its first 64 KB are) but is not UTF-8 further on; None when that is not
    the case.  Used only after a scan failed."""
    if source.temp is not None or source.path.suffix.lower() != ".csv" or _first_non_utf8(source.path) is None:
        return None
    if encoding_name(mapping.encoding) == "utf-8":
        raise InputFileError(f"{source.name}: 文件不是 UTF-8 编码 (--encoding utf-8), 第{_line_at(source.path)}行附近"
                             f"无法按 UTF-8 读取; 请去掉 --encoding (自动识别) 或改用 --encoding gb18030 / big5")
    return open_source(source.path, source.index, mapping, categories, gb18030=True)


# --encoding value -> (name in messages, codecs tried in order).  Big5: Microsoft's (cp950, what Excel
# saves on Traditional Chinese Windows), then Big5-HKSCS (Hong Kong characters) for what cp950 cannot read.
ENCODINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "utf-8": ("UTF-8", ("utf-8-sig",)),
    "gb18030": ("GB18030", ("gb18030",)),
    "big5": ("Big5", ("cp950", "big5hkscs")),
}
_ENCODING_ALIASES = {"utf8": "utf-8", "utf-8-sig": "utf-8", "gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030",
                     "cp950": "big5", "big5hkscs": "big5", "big5-hkscs": "big5"}
# words a ticket's cells hold (是 / 否 / 已解決 …): which decoding yields more of them, when headers cannot tell
_VALUE_WORDS = frozenset(w for words in (*TRUE_WORDS.values(), *FALSE_WORDS.values(), UNRATED_WORDS, NO_REPLY_WORDS)
                         for w in words if not w.isascii())
_SEPARATORS = (",", "\t", ";", "|")


def encoding_name(text: str | None) -> str:
    """'auto', 'utf-8', 'gb18030' or 'big5' from what a user may write (GBK, UTF8, cp950 …)."""
    key = str(text or "auto").strip().lower()
    key = _ENCODING_ALIASES.get(key, key)
    if key != "auto" and key not in ENCODINGS:
        raise InputValueError(f"--encoding 应为 auto、utf-8、gb18030 或 big5, 收到「{text}」")
    return key


def find_header(rows: list[list[Any]], mapping: Mapping, source: str, first_row: int = 1
                ) -> tuple[int, list[str], dict[str, int], list[str]]:
    """The header among the first ``HEADER_SEARCH_ROWS`` non-empty ``rows`` (a title, an export time, empty
    rows may stand above it): the first whose names give the required fields.  (its index in ``rows``,
    its names, field -> column, notices).  ``first_row``: the file's row number of ``rows[0]``.  When no
    row is a header, the error is about the row most like one (see below), named by its row number unless row 1."""
    tried: list[tuple[int, int, list[str]]] = []  # (recognised names, index, names)
    for i, row in enumerate(rows):
        names = [cell_string(v) or "" for v in row]
        if not any(names):
            continue
        try:
            columns, notices = match_headers(names, mapping, source)
        except InputFileError:
            tried.append((_recognised(names, mapping), i, names))
            if len(tried) >= HEADER_SEARCH_ROWS:
                break
            continue
        return i, names, columns, notices
    if not tried:
        raise InputFileError(f"{source}: 文件是空的, 应有表头行 (客服工号或客服姓名、客户、创建时间 等列)")
    # the row most like a header: the most known names, at least two (a cell 已解決 is no header); else the first
    _, i, names = max(tried, key=lambda t: (t[0] if t[0] >= 2 else 0, -t[1]))
    match_headers(names, mapping, source if first_row + i == 1 else f"{source} 第{first_row + i}行")
    raise AssertionError("unreachable: match_headers accepted a row it refused")  # pragma: no cover


def _recognised(names: list[str], mapping: Mapping) -> int:
    """How many of ``names`` are known headers (or headers the mapping file names)."""
    mapped = {header_key(h) for h in mapping.columns.values()}
    return sum(1 for n in names if n and (header_key(n) in _ALIASES or header_key(n) in mapped))


def _csv_rows(text: str, separator: str, limit: int | None = None, lines: list[int] | None = None) -> list[list[str]]:
    """The first ``limit`` records of CSV ``text`` (all when None), as far as the csv module can read them
    (csv.Error when it cannot read the first).  ``lines``, when given, receives the number of physical
    lines read up to the end of each record (a quoted cell may hold line breaks: a record is one row in
    Excel, maybe several lines in the file)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=separator)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if lines is not None:
                lines.append(reader.line_num)
            if limit is not None and len(rows) > limit:
                break
    except csv.Error:
        if not rows:
            raise
    return rows[:limit]


def _separators(text: str) -> list[str]:
    """The separators to try, the most frequent in ``text`` first (a comma when none is there)."""
    return sorted(_SEPARATORS, key=lambda s: -text.count(s))


def _csv_header(text: str, mapping: Mapping, source: str
                ) -> tuple[str, int, int, list[str], dict[str, int], list[str]]:
    """(separator, header index, lines above the header, names, field -> column, notices) of a CSV beginning
    with ``text``.  The header index counts records, as Excel counts rows; the lines above it are the
    physical lines before it (more when a quoted title holds a line break), which the reader skips as
    plain lines, so a stray quote in a title (5" 屏幕) cannot open a quoted cell there."""
    first_error = None
    for separator in _separators(text):
        lines: list[int] = []
        try:
            rows = _csv_rows(text, separator, 4 * HEADER_SEARCH_ROWS, lines)
        except csv.Error as exc:
            first_error = first_error or InputFileError(f"{source}: 无法读取表头 ({exc})")
            continue
        try:
            at, headers, columns, notices = find_header(rows, mapping, source)
        except InputFileError as exc:
            first_error = first_error or exc
            continue
        return separator, at, lines[at - 1] if at else 0, headers, columns, notices
    raise first_error  # about the most frequent separator's rows


def _decode_head(head: bytes, codec: str) -> tuple[str, int]:
    """``head`` decoded (the last character may be cut: left out), and how many bytes were not ``codec``."""
    text = codecs.getincrementaldecoder(codec)(errors="replace").decode(head, final=False)
    return text, text.count("\ufffd")


def _guess_encoding(sample: bytes, mapping: Mapping) -> str:
    """'gb18030' or 'big5' for bytes that are not UTF-8: the decoding under which (1) more header names are
    recognised (工单编号 / 工單編號 …), then (2) more cells are known words (是 / 否 / 已解決 …), then (3)
    fewer bytes are invalid; GB18030 (mainland Excel's CSV) on a tie."""
    scores = {}
    for enc in ("gb18030", "big5"):
        text, bad = _decode_head(sample, ENCODINGS[enc][1][0])
        try:
            rows = _csv_rows(text, _separators(text)[0])
        except csv.Error:
            rows = []
        header = max((_recognised([c.strip() for c in r], mapping) for r in rows[:4 * HEADER_SEARCH_ROWS]), default=0)
        words = sum(1 for r in rows for c in r if c.strip().lower() in _VALUE_WORDS)
        scores[enc] = (header, words, _common_share(text, enc), -bad)
    return "big5" if scores["big5"] > scores["gb18030"] else "gb18030"


def _common_share(text: str, encoding: str) -> float:
    """The share of the Chinese characters of ``text`` that are among the commonest of ``encoding``'s script:
    GB2312's first level (3,755 characters) for GB18030, Big5's 常用字 (5,401) for Big5.  Text decoded with
    its own encoding scores near 1; the other encoding's bytes turn into rare characters, kana and symbols
    (about half or more).  Tells Big5 from GB18030 when headers and cells are English (names only are Chinese)."""
    counts = Counter(c for c in text if not c.isascii() and not _NEUTRAL.match(c))
    total = sum(counts.values())
    if not total:
        return 0.0
    return sum(n for c, n in counts.items() if _is_common(c, encoding)) / total


_NEUTRAL = re.compile(r"[\u3000-\u303f\uff00-\uffef\u2000-\u206f\ufeff]")  # punctuation and full-width forms: both have them


@lru_cache(maxsize=65536)
def _is_common(char: str, encoding: str) -> bool:
    try:
        code = char.encode("gb2312" if encoding == "gb18030" else "cp950")
    except UnicodeEncodeError:
        return False
    if len(code) != 2:
        return False
    if encoding == "gb18030":
        return 0xB0 <= code[0] <= 0xD7  # GB2312 level 1 (B0A1-D7F9)
    return 0xA440 <= int.from_bytes(code, "big") <= 0xC67E  # Big5 常用國字


def _first_non_utf8(path: Path) -> int | None:
    """The offset of the first byte of ``path`` that is not UTF-8 (None when all of it is)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    done = 0  # bytes given to the decoder before this chunk
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 22):
                pending = len(decoder.getstate()[0])  # the cut character the decoder holds from the last chunk
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    return max(done - pending + exc.start, 0)
                done += len(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return max(done - 3, 0)  # a character cut by the end of the file
    return None


def _line_at(path: Path, offset: int | None = None) -> int:
    """The line number (1 = first) of byte ``offset`` of ``path`` (default: the first byte that is not UTF-8)."""
    left = (_first_non_utf8(path) if offset is None else offset) or 0
    lines = 1
    with open(path, "rb") as fh:
        while left > 0 and (chunk := fh.read(min(left, 1 << 22))):
            lines += chunk.count(b"\n")
            left -= len(chunk)
    return lines


def _sample_at(path: Path, offset: int, size: int = 1 << 20) -> bytes:
    """About ``size`` bytes of ``path`` from the start of the line holding byte ``offset``."""
    with open(path, "rb") as fh:
        fh.seek(max(offset - (1 << 16), 0))
        before = fh.read(offset - fh.tell())
        return before[before.rfind(b"\n") + 1:] + fh.read(size)


def _open_csv(path: Path, index: int, mapping: Mapping, category: Any, encoding: str = "auto",
              not_utf8: bool = False) -> Source:
    import polars as pl

    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip():
        raise InputFileError(f"{path.name}: 文件是空的, 应有表头行")
    temp = None
    read_path = path
    text = None
    notices: list[str] = []
    if encoding in ("auto", "utf-8") and not not_utf8:
        # UTF-8 when the beginning is (a scan that finds otherwise reopens it: ``reopen_gb18030``)
        try:
            text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8":
                raise InputFileError(
                    f"{path.name}: 文件不是 UTF-8 编码 (--encoding utf-8), 第{_line_at(path, exc.start)}行附近无法按 "
                    "UTF-8 读取; 请去掉 --encoding (自动识别) 或改用 --encoding gb18030 / big5") from None
    if text is None:
        chosen = encoding
        if chosen in ("auto", "utf-8"):  # not UTF-8: GB18030 or Big5, by what the text fits
            sample = head if not not_utf8 else _sample_at(path, _first_non_utf8(path) or 0)
            chosen = _guess_encoding(sample, mapping)
            order = [chosen, *(e for e in ("gb18030", "big5") if e != chosen)]
        else:
            order = [chosen]
        temp, codec = _transcode(path, [c for e in order for c in ENCODINGS[e][1]], explicit=encoding not in ("auto", "utf-8"))
        read_path = temp
        text, _ = _decode_head(head, codec)
        used = next(e for e in order if codec in ENCODINGS[e][1])
        if encoding == "auto":
            other = "big5" if used == "gb18030" else "gb18030"
            notices.append(f"{path.name}: 不是 UTF-8 编码, 已按 {ENCODINGS[used][0]} 读取 "
                           f"(若文字是乱码, 请加 --encoding {other})")
    if _has_lone_cr(read_path):  # lines ended by CR alone (old Mac, or pasted together): polars would glue them
        fixed = _newlines_fixed(read_path)
        if temp is not None:
            temp.unlink(missing_ok=True)
        temp = read_path = fixed
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notices.append(f"{path.name}: 有的行以单独的回车 (CR) 结束 (旧式 Mac 或混合换行), 已按换行读取")
    try:
        separator, skip, skip_lines, headers, columns, found = _csv_header(text, mapping, path.name)
    except InputFileError as exc:
        if temp is None:
            raise
        temp.unlink(missing_ok=True)
        how = (f"文件不是 UTF-8 编码, 已按 {ENCODINGS[used][0]} 读取; 若列名是乱码, 请加 --encoding {other}"
               if encoding == "auto" else f"已按 --encoding {encoding} 读取; 若列名是乱码, 请换用其他编码或去掉 --encoding")
        raise InputFileError(f"{exc} ({how})") from None  # the message says how the file was read
    notices += found
    if skip:
        notices.append(f"{path.name}: 表头在第{skip + 1}行, 其上的标题等未读入")
    names = [f"c{i}" for i in range(len(headers))]
    lf = pl.scan_csv(
        read_path, has_header=True, separator=separator, quote_char='"', infer_schema=False, new_columns=names,
        schema_overrides={names[col]: category for fld, col in columns.items() if fld in CATEGORY_FIELDS},
        encoding="utf8", truncate_ragged_lines=True, raise_if_empty=False, skip_lines=skip_lines,
        null_values=[""],  # a quoted empty cell ("") is as empty as an unquoted one (a row of "" is a blank row)
    ).with_row_index("row", offset=skip + 2)  # the file's row numbers (as Excel counts): the header is row skip + 1
    frame = lf.select(
        pl.lit(index, pl.UInt16).alias("file"), "row",
        *[pl.col(names[col]).alias(fld) for fld, col in columns.items()],
    )
    return Source(path, index, columns, headers, frame, notices, temp)


def _has_lone_cr(path: Path) -> bool:
    """Whether a carriage return not followed by a line feed ends some line (searched in C, without reading
    the file into memory)."""
    import mmap

    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return False
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data.find(b"\r") < 0:
                return False
            return re.search(rb"\r(?!\n)", data) is not None


def _newlines_fixed(path: Path) -> Path:
    """A copy of ``path`` whose lines all end in LF (CRLF and a lone CR each become one LF)."""
    fd, tmp = tempfile.mkstemp(prefix="xlkpi-", suffix=".csv")
    pending = b""
    with open(path, "rb") as src, open(fd, "wb") as dst:
        while chunk := src.read(1 << 22):
            chunk = pending + chunk
            pending = b"\r" if chunk.endswith(b"\r") else b""  # its LF may open the next chunk
            if pending:
                chunk = chunk[:-1]
            dst.write(chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
        dst.write(b"\n" if pending else b"")
    return Path(tmp)


def _transcode(path: Path, codec_order: list[str] | None = None, explicit: bool = False) -> tuple[Path, str]:
    """A UTF-8 copy of a GB18030 (GBK, as Excel in China saves CSV) or Big5 CSV, and the codec that read it:
    the first of ``codec_order`` that decodes the whole file."""
    codec_order = codec_order or ["gb18030"]
    fd, tmp = tempfile.mkstemp(prefix="xlkpi-", suffix=".csv")
    failed_line = 0
    for n, codec in enumerate(codec_order):
        decoder = codecs.getincrementaldecoder(codec)(errors="strict")
        lines = 0
        try:
            with open(path, "rb") as src, open(fd if n == 0 else tmp, "w", encoding="utf-8", newline="") as dst:
                while chunk := src.read(1 << 22):
                    try:
                        dst.write(decoder.decode(chunk))
                    except UnicodeDecodeError as exc:
                        lines += chunk[:max(exc.start, 0)].count(b"\n")
                        raise
                    lines += chunk.count(b"\n")
                dst.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError:
            failed_line = failed_line or lines + 1
            continue
        return Path(tmp), codec
    Path(tmp).unlink(missing_ok=True)
    if explicit:
        label = next(label for label, names in ENCODINGS.values() if codec_order[0] in names)
        raise InputFileError(f"{path.name}: 第{failed_line}行附近的文字不是 {label} 编码, 无法按 --encoding "
                             f"{encoding_name(codec_order[0])} 读取; 请去掉 --encoding (自动识别) 或另存为 UTF-8 的 CSV")
    raise InputFileError(f"{path.name}: 无法识别文件编码 (既不是 UTF-8, 也不是 GB18030 或 Big5; 第{failed_line}行附近), "
                         "请另存为 UTF-8 的 CSV")


def _open_xlsx(path: Path, index: int, mapping: Mapping, category: Any, sheet: str | None = None) -> list[Source]:
    """The tickets of the sheet ``sheet``, or of every sheet whose header is recognised (sheets without one,
    such as a 说明, are passed over with a notice): a Source per sheet, numbered ``index``, ``index + 1`` …,
    each with its own row numbers.  When several sheets are read, each Source is named by its sheet."""
    book = open_book(path)
    sheets = list(book.sheet_names)
    if not sheets:
        raise InputFileError(f"{path.name}: 工作簿中没有工作表")
    listed = "、".join(f"「{s}」" for s in sheets)
    if sheet is not None and sheet not in sheets:
        near = [s for s in sheets if s.strip().lower() == sheet.strip().lower()]
        if len(near) != 1:
            raise InputFileError(f"{path.name}: 没有工作表「{sheet}」(--sheet); 现有工作表: {listed}")
        sheet = near[0]
    labelled = sheet is not None or len(sheets) > 1  # messages name the sheet when there is a choice
    found = _read_sheets(book, path, index, mapping, category, [sheet] if sheet is not None else sheets,
                         sheet is not None or len(sheets) == 1, labelled)
    return [Source(path, index + k, columns, headers, frame, notices, sheet=name if len(found) > 1 else None)
            for k, (name, headers, columns, notices, frame) in enumerate(found)]


def _read_sheets(book: Any, path: Path, index: int, mapping: Mapping, category: Any, sheets: list[str], one: bool,
                 labelled: bool) -> list[tuple[str, list[str], dict[str, int], list[str], Any]]:
    """(sheet, names, columns, notices, frame) of each of ``sheets`` whose header is recognised; ``one``: the
    sheet was named (or is the only one), so an unrecognised header is an error.  Hidden sheets are read only
    when no visible sheet holds tickets (a hidden sheet is most often a lookup list or an old copy)."""
    from python_calamine import SheetVisibleEnum

    from xl_kpi.excel.number_formats import ShownNumbers

    shown = ShownNumbers(path)
    date1904 = _date1904(path)  # read once per workbook, for the serials of every sheet
    listed = "、".join(f"「{s}」" for s in book.sheet_names)
    hidden = set() if one else {m.name for m in book.sheets_metadata if m.visible != SheetVisibleEnum.Visible}
    skipped: list[str] = []
    found: list[tuple[str, list[str], dict[str, int], list[str], Any]] = []  # (sheet, names, columns, notices, frame)
    for name in sorted(sheets, key=lambda s: s in hidden):  # visible sheets first, each group in workbook order
        if name in hidden and found:
            continue
        source = f"{path.name} 工作表「{name}」" if labelled else path.name
        rows = [[None if v == "" else v for v in row] for row in sheet_rows(path, book, name, skip_empty_area=False)]
        try:
            at, headers, columns, notices = find_header(rows, mapping, source)
        except InputFileError:
            if one:
                raise
            skipped.append(name)
            continue
        if at:
            notices.append(f"{source}: 表头在第{at + 1}行, 其上的标题等未读入")
        # ids stored as numbers but shown through a number format (2 formatted 000 is 002) are read as shown
        shown.apply_columns(rows, at, name, {columns[f] for f in ID_FIELDS if f in columns})
        frame = _sheet_frame(rows, at, columns, index + len(found), category, notices, source, date1904)
        found.append((name, headers, columns, notices, frame))
    if not found:
        raise InputFileError(
            f"{path.name}: 没有一个工作表的表头能识别 (前 {HEADER_SEARCH_ROWS} 行中应有 客服工号或客服姓名、客户、创建时间 等列); "
            f"现有工作表: {listed}。请用 --sheet 指定工单所在的工作表, 或在列名映射文件 (--map) 中写明列名")
    passed = [f"工作表 {'、'.join(f'「{s}」' for s in skipped)} 没有可识别的表头, 未读入"] if skipped else []
    if any(name in hidden for name, *_ in found):
        passed.append("可见的工作表中没有工单, 已读取隐藏的工作表")
    else:
        left = [s for s in sheets if s in hidden and s not in skipped]
        if left:
            passed.append(f"隐藏的工作表 {'、'.join(f'「{s}」' for s in left)} 未读入; 需要时请用 --sheet 指定")
    passed_text = f" ({'; '.join(passed)})" if passed else ""
    if len(found) > 1:  # each sheet is a source of its own, named by its sheet in every message
        read = "、".join(f"「{name}」" for name, *_ in found)
        found[0][3].insert(0, f"{path.name}: 工单读自 {len(found)} 个工作表 {read}, 各按其工作表中的行号报告" + passed_text)
    elif passed:
        found[0][3].insert(0, f"{path.name}: 工单读自工作表「{found[0][0]}」{passed_text}")
    return found


def _sheet_frame(rows: list[list[Any]], at: int, columns: dict[str, int], index: int, category: Any,
                 notices: list[str] | None = None, source: str = "", date1904: bool = False) -> Any:
    """The lazy frame of a sheet's tickets: the rows below its header ``rows[at]`` (``rows[0]`` is row 1).

    A number in a time column is an Excel date serial in a cell formatted 常规 (General): read as the date and
    time it stands for, and said in ``notices`` (once per column)."""
    import polars as pl

    body = rows[at + 1:]
    while body and not any(cell_string(v) for v in body[-1]):  # trailing empty rows: no rows of the export
        body.pop()
    first_row = at + 2  # rows[0] is the sheet's row 1: the header is row at + 1
    data: dict[str, list[str | None]] = {}
    for fld, col in columns.items():
        cells = [r[col] if col < len(r) else None for r in body]
        if fld in ("created", "first_reply"):
            serials = [i for i, v in enumerate(cells) if _is_serial(v)]
            if serials and notices is not None:
                i = serials[0]
                shown = cell_string(_from_serial(cells[i], date1904))
                notices.append(f"{source}: {FIELDS[fld][0]}列有 {len(serials)} 个单元格是数字 (Excel 的日期序列号, 单元格为"
                               f"常规格式), 已按日期时间读取, 如第{first_row + i}行 {cells[i]} 为 {shown}")
            for i in serials:
                cells[i] = _from_serial(cells[i], date1904)
        data[fld] = [cell_string(v) for v in cells]
    rows_no = list(range(first_row, first_row + len(body)))
    return pl.DataFrame(
        {"file": pl.Series([index] * len(rows_no), dtype=pl.UInt16), "row": pl.Series(rows_no, dtype=pl.UInt32),
         **{fld: pl.Series(values, dtype=pl.String) for fld, values in data.items()}}
    ).with_columns(pl.col(fld).cast(category) for fld in data if fld in CATEGORY_FIELDS).lazy()


def _is_serial(value: Any) -> bool:
    """A number that can be an Excel date-time serial of a ticket: 1954 to 2119 (20000 to 80000 days)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 20_000 <= value < 80_000


def _from_serial(value: float, date1904: bool = False) -> datetime:
    """The date and time an Excel serial stands for (to the millisecond); ``date1904``: the workbook counts
    from 1904 (old Mac Excel)."""
    epoch = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    return epoch + timedelta(milliseconds=round(value * 86_400_000))


def _date1904(path: Path) -> bool:
    """Whether the workbook at ``path`` counts its dates from 1904 (its workbook.xml says date1904)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            head = archive.read("xl/workbook.xml")[:4096]
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return re.search(rb'date1904="(1|true)"', head) is not None


def read_problem(name: str, exc: BaseException) -> str:
    """A message, in Chinese and naming the file (or sheet) ``name``, for an error Polars raised reading it
    (its own words follow, for whoever looks into it)."""
    text = str(exc).strip()
    detail = text.splitlines()[0] if text else type(exc).__name__
    detail = detail if len(detail) <= 160 else detail[:160] + " …"
    low = text.lower()  # the kind of error may be said on its last line (… is not properly escaped)
    if "utf-8" in detail.lower() or "utf8" in detail.lower():
        why = "文件中有不是 UTF-8 编码的文字; 请加 --encoding gb18030 或 big5, 或另存为 UTF-8 的 CSV"
    elif "malformed" in low or "escaped" in low or "quote" in low:
        why = ('文件格式有误, 多半是某个单元格的引号 (") 没有配对, 其后的内容被连成了一个单元格; '
               "请检查文件中的引号, 或在 Excel 中打开后另存为 CSV")
    elif isinstance(exc, OSError) or "no such file" in low or "os error" in low:
        why = "读取文件时出错 (文件是否被移动、删除或正被其他程序改写?)"
    else:
        why = "读取时出错, 文件可能已损坏; 请在 Excel 中打开后另存为 CSV 或 .xlsx 再试"
    return f"{name}: 无法读取: {why} (Polars: {detail})"


def cell_string(value: Any) -> str | None:
    """A spreadsheet cell as the text an export would hold: dates as ISO, 1001.0 as 1001."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="milliseconds" if value.microsecond else "seconds")
    if isinstance(value, date):  # a date-time cell at 00:00:00 is read as a plain date: that day at midnight
        return f"{value.isoformat()} 00:00:00"
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


# --------------------------------------------------------------------------- business hours

MS_PER_DAY = 86_400_000
# 1970-01-01 was a Thursday: day d (days since the epoch) has weekday (d + 3) % 7, Monday = 0.
_MONDAY_SHIFT = 3


@dataclass(frozen=True)
class Schedule:
    """Working hours on working weekdays (1 = Monday … 7 = Sunday); no holidays."""

    start: time
    end: time
    workdays: frozenset[int]

    @property
    def open_ms(self) -> int:
        return (self.start.hour * 3600 + self.start.minute * 60 + self.start.second) * 1000

    @property
    def day_ms(self) -> int:
        return (self.end.hour * 3600 + self.end.minute * 60 + self.end.second) * 1000 - self.open_ms

    def describe(self) -> str:
        days = "、".join("一二三四五六日"[d - 1] for d in sorted(self.workdays))
        return f"工作时间 {self.start:%H:%M}-{self.end:%H:%M}, 周{days}"

    def clock_ms(self, moment: datetime) -> int:
        """Working milliseconds from the Monday 1969-12-29 00:00 to ``moment`` (naive local time)."""
        since = moment - datetime(1970, 1, 1)
        total_ms = since.days * MS_PER_DAY + since.seconds * 1000 + since.microseconds // 1000
        day, in_day = divmod(total_ms, MS_PER_DAY)
        week, weekday = divmod(day + _MONDAY_SHIFT, 7)
        before = sum(1 for w in range(weekday) if w + 1 in self.workdays)
        today = min(max(in_day - self.open_ms, 0), self.day_ms) if weekday + 1 in self.workdays else 0
        return (week * len(self.workdays) + before) * self.day_ms + today


def parse_schedule(hours: str | None, workdays: str | None = None) -> Schedule | None:
    """``--hours 09:00-18:00 --workdays 1-5`` (Monday = 1); None when no hours are given."""
    if hours is None or not str(hours).strip():
        if workdays not in (None, "", "1-5"):
            raise InputValueError("--workdays 需要与 --hours 一起使用 (如 --hours 09:00-18:00 --workdays 1-5)")
        return None
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*[-~～至到]\s*(\d{1,2}):(\d{2})\s*", str(hours))
    if not m:
        raise InputValueError(f"--hours 应写成 09:00-18:00, 收到「{hours}」")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if not (h1 < 24 and m1 < 60 and h2 < 24 and m2 < 60):
        raise InputValueError(f"--hours 中的时刻无效 (应在 00:00 到 23:59 之间): 「{hours}」")
    start, end = time(h1, m1), time(h2, m2)
    if end <= start:
        raise InputValueError(f"--hours 的结束时刻应晚于开始时刻 (不支持跨午夜的班次), 收到「{hours}」")
    return Schedule(start, end, parse_workdays(workdays or "1-5"))


def parse_workdays(text: str) -> frozenset[int]:
    days: set[int] = set()
    for part in re.split(r"[,，、\s]+", str(text).strip()):
        if not part:
            continue
        m = re.fullmatch(r"([1-7])(?:[-~～]([1-7]))?", part)
        if not m:
            raise InputValueError(f"--workdays 应写成 1-5 或 1,2,3,4,5,6 (周一=1 … 周日=7), 收到「{text}」")
        low, high = int(m.group(1)), int(m.group(2) or m.group(1))
        if high < low:
            raise InputValueError(f"--workdays 的范围应从小到大, 收到「{part}」")
        days.update(range(low, high + 1))
    if not days:
        raise InputValueError("--workdays 至少要有一天")
    return frozenset(days)


def business_minutes(start: datetime, end: datetime, schedule: Schedule) -> float:
    """Working minutes between two instants (the reference the column version is tested against)."""
    return (schedule.clock_ms(end) - schedule.clock_ms(start)) / 60000


def business_clock_expr(ms: Any, schedule: Schedule) -> Any:
    """The column version of ``Schedule.clock_ms``: ``ms`` is an Int64 expression of ms since the epoch."""
    import polars as pl

    day = ms // MS_PER_DAY  # floor division, also before 1970
    in_day = ms - day * MS_PER_DAY
    shifted = day + _MONDAY_SHIFT
    week = shifted // 7
    weekday = shifted - week * 7
    before = [sum(1 for w in range(k) if w + 1 in schedule.workdays) for k in range(7)]
    working = [1 if k + 1 in schedule.workdays else 0 for k in range(7)]
    before_expr = weekday.replace_strict(list(range(7)), before, return_dtype=pl.Int64)
    working_expr = weekday.replace_strict(list(range(7)), working, return_dtype=pl.Int64)
    today = (in_day - schedule.open_ms).clip(0, schedule.day_ms) * working_expr
    return (week * len(schedule.workdays) + before_expr) * schedule.day_ms + today


# --------------------------------------------------------------------------- periods


def parse_period(text: str) -> tuple[datetime, datetime]:
    """'2026-10' -> [2026-10-01 00:00, 2026-11-01 00:00)."""
    year, month = map(int, need_period(text).split("-"))
    start = datetime(year, month, 1)
    end = datetime(year + (month == 12), month % 12 + 1, 1)
    return start, end


def parse_peak(text: str | None) -> tuple[datetime, datetime] | None:
    """'2026-11-11..2026-11-12' (dates, both included) -> [2026-11-11 00:00, 2026-11-13 00:00)."""
    if text is None or not str(text).strip():
        return None
    parts = re.split(r"\s*(?:\.\.|~|～|至|到)\s*", str(text).strip())
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2:
        raise InputValueError(f"--peak 应写成 2026-11-11..2026-11-12 (起止日期都包含), 收到「{text}」")
    try:
        first, last = (datetime.strptime(p.replace("/", "-"), "%Y-%m-%d") for p in parts)
    except ValueError:
        raise InputValueError(f"--peak 应写成 2026-11-11..2026-11-12 (起止日期都包含), 收到「{text}」") from None
    if last < first:
        raise InputValueError(f"--peak 的结束日期早于开始日期: 「{text}」")
    return first, last + timedelta(days=1)
