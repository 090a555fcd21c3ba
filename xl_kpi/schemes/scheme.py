"""Schemes: the indicators, weights, rules, grades and pay of one assessment document.

A scheme is a YAML file a person can read and edit (``xl_kpi/schemes/*.yaml``).
Loading validates it completely and raises SchemeError naming the file, the
place in it and the bad value.  Numbers in scheme files are read as exact
decimals and may be written as percentages ("0.1%").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from xl_kpi.base.errors import SchemeError, UnknownIndicatorError, UnknownSchemeError
from xl_kpi.base.hant import to_hant
from xl_kpi.base.numbers import fmt, parse_config_number
from xl_kpi.schemes.decisions import NONE, Decisions, SchemeFacts, parse_decisions
from xl_kpi.schemes.inputs import UNITS, InputSpec
from xl_kpi.schemes.pay import Commission, GradeTable, Rating, parse_commission, parse_grades, parse_rating
from xl_kpi.schemes.rules import Rule, parse_rule
from xl_kpi.schemes.rules_text import read_rules_sheet


class _DecimalLoader(yaml.SafeLoader):
    """SafeLoader that reads floats as exact Decimals (0.1 stays 0.1)."""


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(loader.construct_scalar(node).replace("_", ""))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


@dataclass(frozen=True)
class Assessor:
    """Who enters a score (自评, 部门主管) and the weight of their score."""

    id: str
    name: str
    name_hant: str
    weight: Decimal


@dataclass
class Indicator:
    id: str
    name: str
    name_hant: str
    weight: Decimal
    rule: Rule
    inputs: list[InputSpec]
    group: str = ""
    allow_exceed: bool = False
    definition: str = ""
    formula: str = ""
    standard: str = ""
    period: str = ""
    data_source: str = ""
    note: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def max_points(self) -> Decimal:
        return self.rule.max_points

    def input(self, spec_id: str) -> InputSpec:
        return next(s for s in self.inputs if s.id == spec_id)


@dataclass
class Group:
    id: str
    name: str
    name_hant: str
    weight: Decimal
    indicators: list[Indicator]


@dataclass
class Scheme:
    id: str
    name: str
    name_hant: str
    source: str
    total: Decimal
    decimals: int
    groups: list[Group]
    assessors: list[Assessor] = field(default_factory=list)
    grades: GradeTable | None = None
    bonus: bool = False
    commission: Commission | None = None
    pay_threshold: Decimal | None = None
    rating: Rating | None = None
    pay_item_threshold: Decimal | None = None  # 003: each indicator's points / its weight at least this, or 不参与
    decisions: Decisions = NONE  # the people decisions of the scheme's own document (xl_kpi.schemes.decisions); none unless listed
    calibration: dict[str, Decimal] = field(default_factory=dict)  # grade -> largest share wanted (优: 10%)
    peer: dict[str, Any] | None = None  # peer review: {peer_weight: Decimal, indicators: [ids]} (xl_kpi.engine.peer)
    description: str = ""
    path: str = ""

    @property
    def indicators(self) -> list[Indicator]:
        return [ind for group in self.groups for ind in group.indicators]

    def indicator(self, key: str) -> Indicator:
        """Find an indicator by id or by its name in 简体 or 繁體 (spaces and case ignored)."""
        lookup = self.__dict__.get("_lookup")
        if lookup is None:
            lookup = {}
            for ind in self.indicators:
                for name in (ind.id, ind.name, ind.name_hant, *ind.aliases):
                    lookup.setdefault(normalize(name), ind)
            self.__dict__["_lookup"] = lookup
        found = lookup.get(key) or lookup.get(normalize(key))
        if found is None:
            raise UnknownIndicatorError(f"方案 {self.id} 没有指标「{key}」")
        return found


def normalize(text: str) -> str:
    """Key for matching headers and names: no spaces, half-width brackets, lower case."""
    text = str(text).strip().replace("（", "(").replace("）", ")").replace("／", "/")
    return re.sub(r"\s+", "", text).lower()


# --------------------------------------------------------------------------- loading


def load_scheme(path: str | Path) -> Scheme:
    """Load and validate a scheme file (.yaml), or the 规则 sheet of a workbook (.xlsx, .xlsm)."""
    return _load_file(str(path))[0]


def _load_file(text: str) -> tuple[Scheme, str]:
    if text.lower().endswith((".xlsx", ".xlsm")):
        yaml_text = read_rules_sheet(text)
        return parse_scheme_text(yaml_text, source=f"{Path(text).name} 工作表「规则」"), yaml_text
    yaml_text = read_scheme_text(text)
    return parse_scheme_text(yaml_text, source=text), yaml_text


def read_scheme_text(path: str | Path) -> str:
    """A scheme file's text: UTF-8 (with or without BOM), else GB18030 (what Windows Notepad saves as "ANSI")."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SchemeError(f"无法读取方案文件: {exc.strerror}", source=str(path)) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SchemeError("无法识别文件编码 (应为 UTF-8 或 GBK 的 YAML 文本); 请在记事本中「另存为」, 编码选 UTF-8",
                      source=str(path))


def parse_scheme_text(text: str, *, source: str) -> Scheme:
    try:
        data = yaml.load(text, Loader=_DecimalLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        raise SchemeError(f"不是有效的 YAML: {yaml_problem(exc)}", source=source) from None
    return parse_scheme(data, source=source)


def yaml_problem(exc: Exception) -> str:
    """One line for a YAML syntax error: where (line and column as an editor shows them) and what."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    where = f"第{mark.line + 1}行第{mark.column + 1}列" if mark is not None else ""
    hint = " (缩进不能用 Tab, 请用空格)" if "'\\t'" in problem else ""
    return f"{where} {problem}{hint}".strip()


_TOP_KEYS = {"id", "name", "name_hant", "source", "description", "total", "decimals", "assessors", "groups",
             "grades", "pay", "rating", "decisions", "calibration", "peer"}


def parse_scheme(data: Any, *, source: str) -> Scheme:
    reader = _Reader(source)
    if not isinstance(data, dict):
        raise reader.fail("", "方案文件的顶层应为映射 (id: ..., groups: ...)")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:  # a typo such as "decision:" must not be ignored silently
        raise reader.fail("", f"不认识的字段 {', '.join(map(str, unknown))}; 可用: {', '.join(sorted(_TOP_KEYS))}")
    scheme = Scheme(
        id=reader.text(data, "id", ""),
        name=reader.text(data, "name", ""),
        name_hant=reader.text(data, "name_hant", "", default=str(data.get("name", ""))),
        source=reader.text(data, "source", "", default=""),
        description=reader.text(data, "description", "", default=""),
        total=reader.number(data, "total", "", default=Decimal(100)),
        decimals=int(reader.number(data, "decimals", "", default=Decimal(2))),
        groups=[],
        path=source,
    )
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", scheme.id):
        raise reader.fail("id", f"方案 id 应由小写字母、数字和 - 组成, 收到 {scheme.id!r}")
    scheme.assessors = _assessors(reader, data.get("assessors"))
    groups = data.get("groups")
    if not isinstance(groups, list) or not groups:
        raise reader.fail("groups", "应为非空的指标分组列表")
    for gi, gdata in enumerate(groups, start=1):
        scheme.groups.append(_group(reader, gdata, f"groups[{gi}]"))
    _check_ids(reader, scheme)
    _check_weights(reader, scheme)
    if "grades" in data:
        scheme.grades = _wrap(reader, "grades", parse_grades, data["grades"])
    pay = data.get("pay") or {}
    if not isinstance(pay, dict):
        raise reader.fail("pay", "应为映射")
    unknown = set(pay) - {"bonus", "commission", "threshold", "item_threshold"}
    if unknown:
        raise reader.fail("pay", f"不认识的字段 {', '.join(sorted(unknown))}")
    scheme.bonus = bool(pay.get("bonus", False))
    if "commission" in pay:
        scheme.commission = _wrap(reader, "pay.commission", parse_commission, pay["commission"])
    if "threshold" in pay:
        scheme.pay_threshold = _share(reader, pay, "threshold")
    if "item_threshold" in pay:
        scheme.pay_item_threshold = _share(reader, pay, "item_threshold")
    if "rating" in data:
        scheme.rating = _wrap(reader, "rating", parse_rating, data["rating"])
    if "decisions" in data:
        facts = facts_of(scheme)
        scheme.decisions = _wrap(reader, "decisions", lambda raw: parse_decisions(raw, facts), data["decisions"])
    if "calibration" in data:
        scheme.calibration = _calibration(reader, scheme, data["calibration"])
    if "peer" in data:
        scheme.peer = _peer(reader, scheme, data["peer"])
    return scheme


def facts_of(scheme: Scheme) -> SchemeFacts:
    """What the scheme's decisions may take from the rest of it: full points, the pass line, pay.threshold."""
    pass_line = scheme.grades.rows[-2].at_least if scheme.grades else None
    return SchemeFacts(full=scheme.total, pass_line=pass_line, pay_threshold=scheme.pay_threshold,
                       item_threshold=scheme.pay_item_threshold,
                       items=tuple((ind.id, ind.name, ind.weight) for ind in scheme.indicators))


def _share(reader: "_Reader", pay: dict, key: str) -> Decimal:
    """pay.threshold / pay.item_threshold: a share of the full points, 80% or 0.8."""
    value = reader.number(pay, key, "pay")
    if not 0 < value <= 1:
        raise reader.fail(f"pay.{key}", f"应在 0% 与 100% 之间 (如 80%), 收到 {fmt(value)}")
    return value


def _peer(reader: "_Reader", scheme: Scheme, raw: Any) -> dict[str, Any]:
    """Peer review of rubric indicators: the peers' average weighs peer_weight, the supervisor the rest."""
    if not isinstance(raw, dict) or set(raw) - {"peer_weight", "indicators"}:
        raise reader.fail("peer", "应写成 {peer_weight: 40%, indicators: [指标 id, ...]}")
    weight = reader.number(raw, "peer_weight", "peer")
    if not Decimal(0) <= weight <= Decimal(1):
        raise reader.fail("peer.peer_weight", f"应在 0% 与 100% 之间, 收到 {fmt(weight * 100)}%")
    ids = raw.get("indicators")
    if not isinstance(ids, list) or not ids:
        raise reader.fail("peer.indicators", "应为互评指标 id 的列表")
    for ind_id in ids:
        try:
            ind = scheme.indicator(str(ind_id))
        except UnknownIndicatorError:
            raise reader.fail("peer.indicators", f"没有指标「{ind_id}」") from None
        if ind.rule.kind != "rubric":
            raise reader.fail("peer.indicators", f"「{ind.name}」不是等级评分指标, 不能互评")
    return {"peer_weight": weight, "indicators": [scheme.indicator(str(i)).id for i in ids]}


def _calibration(reader: "_Reader", scheme: Scheme, raw: Any) -> dict[str, Decimal]:
    """Target grade distribution: the largest share of a department each grade should have."""
    if scheme.grades is None:
        raise reader.fail("calibration", "方案没有等级表 (grades), 无法设定等级分布目标")
    if not isinstance(raw, dict) or not raw:
        raise reader.fail("calibration", "应写成 {等级: 最高比例}, 如 {优: 10%}")
    names = [g.grade for g in scheme.grades.rows]
    out: dict[str, Decimal] = {}
    for grade, share in raw.items():
        if str(grade) not in names:
            raise reader.fail("calibration", f"没有等级「{grade}」; 等级表中有: {', '.join(names)}")
        value = reader.number(raw, grade, "calibration")
        if not Decimal(0) < value <= Decimal(1):
            raise reader.fail(f"calibration.{grade}", f"比例应在 0% 与 100% 之间, 收到 {fmt(value * 100)}%")
        out[str(grade)] = value
    return out


def _wrap(reader: "_Reader", where: str, parse, value):
    try:
        return parse(value)
    except ValueError as exc:
        raise reader.fail(where, str(exc)) from None


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> SchemeError:
        return SchemeError(message, source=self.source, where=where)

    def text(self, data: dict, key: str, where: str, default: Any = ...) -> str:
        if key not in data or data[key] is None:
            if default is ...:
                raise self.fail(_join(where, key), "缺少此字段")
            return default
        return str(data[key]).strip()

    def number(self, data: dict, key: str, where: str, default: Any = ...) -> Decimal:
        if key not in data:
            if default is ...:
                raise self.fail(_join(where, key), "缺少此字段")
            return default
        try:
            return parse_config_number(data[key])
        except ValueError:
            raise self.fail(_join(where, key), f"应为数字, 收到 {data[key]!r}") from None


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _assessors(reader: _Reader, raw: Any) -> list[Assessor]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) < 2:
        raise reader.fail("assessors", "应为至少两位评分人的列表 (如 自评 40%、部门主管 60%)")
    out = []
    for i, item in enumerate(raw, start=1):
        where = f"assessors[{i}]"
        if not isinstance(item, dict):
            raise reader.fail(where, f"应为映射, 收到 {item!r}")
        out.append(
            Assessor(
                id=reader.text(item, "id", where),
                name=reader.text(item, "name", where),
                name_hant=reader.text(item, "name_hant", where, default=str(item.get("name"))),
                weight=reader.number(item, "weight", where),
            )
        )
    total = sum(a.weight for a in out)
    if total != 1:
        raise reader.fail("assessors", f"评分人权重之和应为 100%, 现为 {fmt(total * 100)}%")
    return out


def _group(reader: _Reader, data: Any, where: str) -> Group:
    if not isinstance(data, dict):
        raise reader.fail(where, f"应为映射, 收到 {data!r}")
    group = Group(
        id=reader.text(data, "id", where),
        name=reader.text(data, "name", where),
        name_hant=reader.text(data, "name_hant", where, default=str(data.get("name"))),
        weight=reader.number(data, "weight", where),
        indicators=[],
    )
    items = data.get("indicators")
    if not isinstance(items, list) or not items:
        raise reader.fail(_join(where, "indicators"), "应为非空的指标列表")
    for i, item in enumerate(items, start=1):
        group.indicators.append(_indicator(reader, item, f"{where}.indicators[{i}]", group.id))
    return group


_INDICATOR_KEYS = {
    "id", "name", "name_hant", "weight", "rule", "input", "inputs", "allow_exceed", "definition",
    "formula", "standard", "period", "data_source", "note", "aliases",
}


def _indicator(reader: _Reader, data: Any, where: str, group: str) -> Indicator:
    if not isinstance(data, dict):
        raise reader.fail(where, f"应为映射, 收到 {data!r}")
    name = reader.text(data, "name", where)
    where = f"{where} ({name})"
    unknown = set(data) - _INDICATOR_KEYS
    if unknown:
        raise reader.fail(where, f"不认识的字段 {', '.join(sorted(unknown))}")
    weight = reader.number(data, "weight", where)
    if weight <= 0:
        raise reader.fail(_join(where, "weight"), f"权重应大于0, 收到 {fmt(weight)}")
    rule = parse_rule(data.get("rule"), weight, where=_join(where, "rule"), source=reader.source)
    ind = Indicator(
        id=reader.text(data, "id", where),
        name=name,
        name_hant=reader.text(data, "name_hant", where, default=name),
        weight=weight,
        rule=rule,
        inputs=[],
        group=group,
        allow_exceed=bool(data.get("allow_exceed", False)),
        definition=reader.text(data, "definition", where, default=""),
        formula=reader.text(data, "formula", where, default=""),
        standard=reader.text(data, "standard", where, default=""),
        period=reader.text(data, "period", where, default=""),
        data_source=reader.text(data, "data_source", where, default=""),
        note=reader.text(data, "note", where, default=""),
        aliases=tuple(str(a) for a in data.get("aliases", []) or []),
    )
    ind.inputs = _inputs(reader, data, where, ind)
    expected = rule.input_count if rule.input_count is not None else len(getattr(rule, "limits", []))
    if len(ind.inputs) != expected:
        raise reader.fail(where, f"规则 {rule.kind} 需要 {expected} 个输入, 方案写了 {len(ind.inputs)} 个")
    if rule.max_points > weight and not ind.allow_exceed:
        raise reader.fail(
            _join(where, "rule"),
            f"最高可得 {fmt(rule.max_points)} 分, 超过权重 {fmt(weight)} 分; "
            "若文件确实允许超出, 请写 allow_exceed: true",
        )
    if rule.max_points < weight:
        raise reader.fail(_join(where, "rule"), f"最高只能得 {fmt(rule.max_points)} 分, 达不到权重 {fmt(weight)} 分")
    return ind


def _inputs(reader: _Reader, data: dict, where: str, ind: Indicator) -> list[InputSpec]:
    if "inputs" in data:
        raw = data["inputs"]
        if not isinstance(raw, list) or not raw:
            raise reader.fail(_join(where, "inputs"), "应为非空列表")
    else:
        given = dict(data.get("input") or {})
        if "name" in given:
            given.setdefault("name_hant", given["name"])
        raw = [{"name": ind.name, "name_hant": ind.name_hant, **given, "id": ind.id}]
    specs = []
    for i, item in enumerate(raw, start=1):
        iwhere = _join(where, f"inputs[{i}]")
        if not isinstance(item, dict):
            raise reader.fail(iwhere, f"应为映射, 收到 {item!r}")
        unit = item.get("unit", "points")
        if unit not in UNITS:
            raise reader.fail(iwhere, f"unit 应为 {' / '.join(UNITS)} 之一, 收到 {unit!r}")
        _, low, high, _whole = UNITS[unit]
        if unit == "points":
            high = ind.rule.max_points
        specs.append(
            InputSpec(
                id=reader.text(item, "id", iwhere),
                name=reader.text(item, "name", iwhere),
                name_hant=reader.text(item, "name_hant", iwhere, default=str(item.get("name"))),
                unit=unit,
                minimum=reader.number(item, "min", iwhere, default=low),
                maximum=reader.number(item, "max", iwhere, default=high) if ("max" in item or high is not None) else None,
                plausible_max=_plausible_max(reader, item, iwhere, unit),
            )
        )
    return specs


def _plausible_max(reader: _Reader, item: dict, where: str, unit: str) -> Decimal | None:
    """An input's ``plausible_max`` (客户投诉率: 1%): a rate typed without % above it is scored with a notice."""
    if "plausible_max" not in item:
        return None
    if unit not in ("percent", "ratio"):
        raise reader.fail(_join(where, "plausible_max"), f"只用于 unit: percent 或 ratio, 这里是 {unit}")
    value = reader.number(item, "plausible_max", where)
    if value <= 0:
        raise reader.fail(_join(where, "plausible_max"), f"应大于 0, 收到 {fmt(value)}")
    return value


def _check_ids(reader: _Reader, scheme: Scheme) -> None:
    seen: dict[str, str] = {}
    for ind in scheme.indicators:
        keys = {normalize(k) for k in (ind.id, ind.name, ind.name_hant, *ind.aliases)}
        keys |= {normalize(k) for spec in ind.inputs for k in (spec.id, spec.name, spec.name_hant)}
        for key in keys:
            if key in seen and seen[key] != ind.id:
                raise reader.fail(ind.id, f"名称或 id「{key}」与指标 {seen[key]} 重复")
            seen[key] = ind.id


def _check_weights(reader: _Reader, scheme: Scheme) -> None:
    total = Decimal(0)
    for group in scheme.groups:
        inside = sum(ind.weight for ind in group.indicators)
        if inside != group.weight:
            raise reader.fail(
                f"分组 {group.name}",
                f"指标权重之和为 {fmt(inside)} ("
                + " + ".join(f"{ind.name} {fmt(ind.weight)}" for ind in group.indicators)
                + f"), 与分组权重 {fmt(group.weight)} 不符",
            )
        total += group.weight
    if total != scheme.total:
        raise reader.fail("groups", f"各分组权重之和为 {fmt(total)}, 与总分 {fmt(scheme.total)} 不符")


# --------------------------------------------------------------------------- built-in schemes


def builtin_ids() -> list[str]:
    folder = resources.files("xl_kpi.schemes") / "builtin"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


@lru_cache(maxsize=None)
def builtin_scheme(scheme_id: str) -> Scheme:
    """A scheme shipped with xl-kpi, by id (cs-quant, cs-table, advisor-4s)."""
    key = str(scheme_id).strip().lower()
    if key not in builtin_ids():
        raise UnknownSchemeError(f"没有方案「{scheme_id}」; 可用: {', '.join(builtin_ids())}")
    resource = resources.files("xl_kpi.schemes") / "builtin" / f"{key}.yaml"
    return parse_scheme_text(resource.read_text(encoding="utf-8"), source=f"{key}.yaml")


def builtin_text(scheme_id: str) -> str:
    builtin_scheme(scheme_id)  # raises UnknownSchemeError for a wrong id
    resource = resources.files("xl_kpi.schemes") / "builtin" / f"{str(scheme_id).strip().lower()}.yaml"
    return resource.read_text(encoding="utf-8")


def get_scheme(ref: str | Path) -> Scheme:
    """A built-in scheme by id, a scheme file (.yaml), or a workbook whose 规则 sheet holds one."""
    return get_scheme_with_text(ref)[0]


def get_scheme_with_text(ref: str | Path) -> tuple[Scheme, str]:
    """The scheme and the YAML text it was read from (written into generated workbooks).

    Files are parsed once per version (path, size, modification time): a column of
    =KPI_SCORE("我的模板.xlsx", …) cells must not re-read the workbook for every cell.
    """
    text = str(ref)
    path = Path(text)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".yaml", ".yml") or path.is_file():
        try:
            stat = path.stat()
        except OSError:
            stat = None
        if stat is not None:
            return _scheme_file(str(path.resolve()), stat.st_size, stat.st_mtime_ns, text)
    return _scheme_uncached(text)


@lru_cache(maxsize=32)
def _scheme_file(resolved: str, size: int, mtime: int, shown: str) -> tuple[Scheme, str]:
    return _scheme_uncached(shown)


def _scheme_uncached(text: str) -> tuple[Scheme, str]:
    if text.lower().endswith((".xlsx", ".xlsm", ".yaml", ".yml")) or Path(text).is_file():
        return _load_file(text)
    return builtin_scheme(text), builtin_text(text)


def header_forms(*names: str) -> list[str]:
    """A header as written in 简体 and in 繁體 (a summary kept or typed in 繁體: 工號, 總分, 客戶投訴率), normalized."""
    out: list[str] = []
    for name in names:
        for form in (normalize(name), normalize(to_hant(name))):
            if form not in out:
                out.append(form)
    return out


def indicator_headers(ind: Indicator) -> list[str]:
    return header_forms(ind.name, ind.name_hant)


def guess_scheme(headers: list[str]) -> Scheme | None:
    """The built-in scheme whose indicator names (简体 or 繁體) are all among ``headers``; None when none is."""
    heads = {normalize(h) for h in headers}
    for sid in builtin_ids():
        scheme = builtin_scheme(sid)
        if all(any(n in heads for n in indicator_headers(ind)) for ind in scheme.indicators):
            return scheme
    return None
