"""The mapping file (``--map``): headers for fields, extra words, extra time formats, the time zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from xl_kpi.base.errors import InputFileError
from xl_kpi.schemes.scheme import yaml_problem

from .fields import FIELDS
from .times import DEFAULT_TIMEZONE, check_time_format, check_timezone


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
        check_time_format(fmt, path.name)
    mapping.time_formats = tuple(formats)
    if data.get("timezone") is not None:
        mapping.timezone = check_timezone(data["timezone"], path.name)
    return mapping
