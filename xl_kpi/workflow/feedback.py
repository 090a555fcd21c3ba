"""`xl-kpi feedback`: a feedback interview form (绩效面谈表) per person, from a monthly summary.

Document 000 (结果反馈): after the assessment the supervisor holds an interview, affirms the
results, points out shortcomings, agrees an improvement plan; the employee may object and appeal.
Each form shows every indicator's score against its maximum, the three weakest indicators
(lowest score/maximum, ties in the scheme's order), the training need the grade table names
(所需培训程度), empty fields for the improvement plan, the employee's comment and appeal, and
signature lines.  Output: printable HTML (A4, one page per person; one file per person and
``全部.html`` with every page) and a workbook with one sheet per person.

Language: ``--lang``, else the summary's own (繁體 headers such as 工號/總分: zh-Hant).  Everything the
form generates is in that language, the grade table's texts too (等级, 所需培训程度: the scheme's
hand-written 繁體 where given, else OpenCC s2tw as in xl_kpi.base.hant); names, departments and posts stay as
typed.  A summary written in 繁體 (headers, indicator names, 優/良 grades) is read as well as a 简体 one.
Files already in the output folder under the names written are kept as ``….备份.html`` / ``….备份.xlsx``
first (xl_kpi.excel.tables.keep_backup), never silently replaced.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from xl_kpi.base.errors import InputFileError, InputValueError
from xl_kpi.base.files import atomic_path, check_replaceable, keep_backup, next_backup
from xl_kpi.base.findings import Finding
from xl_kpi.base.hant import HANT, to_hant
from xl_kpi.base.months import month_from_name, month_of
from xl_kpi.base.numbers import fmt, plain, round_half_up, to_decimal
from xl_kpi.base.opener import open_book
from xl_kpi.excel.names import safe_file_stem, safe_sheet_name
from xl_kpi.excel.sheet_style import keep_text, print_a4_landscape
from xl_kpi.excel.tables import cell_text, read_table
from xl_kpi.schemes.describe import label, written_hant
from xl_kpi.schemes.scheme import Scheme, guess_scheme, header_forms, indicator_headers, normalize

LABELS = {
    "zh-Hans": {
        "title": "绩效面谈反馈表", "id": "工号", "name": "姓名", "dept": "部门", "post": "岗位", "period": "考核期间",
        "scheme": "考核方案", "total": "总分", "grade": "等级", "rank": "部门排名", "indicator": "考核指标",
        "score": "得分", "max": "满分", "ratio": "得分率", "weakest": "最薄弱的三项指标", "training": "培训需求",
        "plan": "改进计划 (主管与员工共同制定)", "comment": "员工意见", "appeal": "异议与申诉",
        "appeal_note": "如对考核结果有异议, 可在面谈时提出; 仍无法达成一致的, 可向上级主管部门申诉。",
        "employee_sign": "员工签名", "supervisor_sign": "主管签名", "date": "日期",
        "no_grades": "建议针对得分率最低的指标安排培训: {weakest}", "training_for": "所需培训程度",
    },
    "zh-Hant": {
        "title": "績效面談反饋表", "id": "工號", "name": "姓名", "dept": "部門", "post": "崗位", "period": "考核期間",
        "scheme": "考核方案", "total": "總分", "grade": "等級", "rank": "部門排名", "indicator": "考核指標",
        "score": "得分", "max": "滿分", "ratio": "得分率", "weakest": "最薄弱的三項指標", "training": "培訓需求",
        "plan": "改進計劃 (主管與員工共同制定)", "comment": "員工意見", "appeal": "異議與申訴",
        "appeal_note": "如對考核結果有異議, 可在面談時提出; 仍無法達成一致的, 可向上級主管部門申訴。",
        "employee_sign": "員工簽名", "supervisor_sign": "主管簽名", "date": "日期",
        "no_grades": "建議針對得分率最低的指標安排培訓: {weakest}", "training_for": "所需培訓程度",
    },
}


@dataclass
class FormItem:
    name: str
    score: str
    max: str
    ratio: str
    weak: bool = False
    values: tuple[Decimal | None, Decimal, Decimal | None] = (None, Decimal(0), None)  # score, max, ratio as numbers


@dataclass
class Form:
    id: str
    name: str
    dept: str
    post: str
    period: str
    total: str
    grade: str
    rank: str
    items: list[FormItem] = field(default_factory=list)
    weakest: str = ""
    training: str = ""


@dataclass
class FeedbackResult:
    forms: list[Form]
    files: list[Path]
    problems: list[Finding]  # at the summary's row (and cell), the person as 工号 K1 张三 after it
    backups: list[Path] = field(default_factory=list)  # files already in the folder, kept before being replaced
    lang: str = "zh-Hans"  # the language written (--lang, or the summary's own when not given)


def summary_lang(headers: list[str]) -> str:
    """zh-Hant when the summary's headers are written in 繁體 (one of them only matches in 繁體), else zh-Hans."""
    heads = {normalize(h) for h in headers}
    known = ("工号", "部门", "岗位", "期间", "总分", "等级", "部门排名")
    return HANT if any(normalize(to_hant(k)) in heads and normalize(k) not in heads for k in known) else "zh-Hans"


def _read_forms(summary: str | Path, scheme: Scheme | None, lang: str | None) -> tuple[Scheme, list[Form], list[Finding], str]:
    path = Path(summary)
    if not path.is_file():
        raise InputFileError(f"找不到文件 {path}")
    names = open_book(path).sheet_names
    overview = next((n for n in names if n in ("公司总览", "公司總覽")), None)
    table = read_table(path, overview)
    scheme = scheme or guess_scheme(table.headers)
    if scheme is None:
        raise InputFileError("汇总表的列与内置方案都对不上; 请用 --scheme 指定方案")
    lang = lang or summary_lang(table.headers)
    t = LABELS[lang]
    heads = [normalize(h) for h in table.headers]
    columns: dict[str, list[str]] = {ind.name: indicator_headers(ind) for ind in scheme.indicators}

    def col(name: str) -> int | None:
        return next((heads.index(n) for n in columns.get(name) or header_forms(name) if n in heads), None)

    if col("工号") is None:
        raise InputFileError(f"{path}: 没有「工号」列")
    missing = [ind.name for ind in scheme.indicators if col(ind.name) is None]
    if missing:
        raise InputFileError(f"{path}: 缺少方案 {scheme.id} 的指标列: {'、'.join(missing)}")
    named = month_from_name(path) or ""  # older summaries have no 期间 column: the file name says it
    written = written_hant(scheme)

    def shown(text: str) -> str:
        """A text of the scheme (grade table: 等级, 所需培训程度) in the form's language."""
        return to_hant(text, written) if lang == HANT else text
    forms: list[Form] = []
    problems: list[Finding] = []
    for i, row in enumerate(table.rows):
        def get(name: str) -> Any:
            c = col(name)
            return row[c] if c is not None and c < len(row) else None

        pid = cell_text(get("工号"))
        if not pid:
            continue
        items: list[tuple[FormItem, Decimal | None]] = []
        for ind in scheme.indicators:
            raw = get(ind.name)
            score = None
            if cell_text(raw):
                try:
                    score = to_decimal(raw, what=ind.name)
                except InputValueError as exc:
                    problems.append(table.finding(i, col(ind.name), str(exc), person=pid, subject=f"工号 {pid}",
                                                  kind="bad-value"))
            ratio = score / ind.weight if score is not None else None
            items.append((FormItem(
                name=label(ind, lang),
                score=fmt(score) if score is not None else "—",
                max=fmt(ind.weight),
                ratio=f"{fmt(round_half_up(ratio * 100, 1))}%" if ratio is not None else "—",
                values=(score, ind.weight, ratio),
            ), ratio))
        scored = sorted((k for k, (_, r) in enumerate(items) if r is not None), key=lambda k: (items[k][1], k))
        weakest = scored[:3]
        for k in weakest:
            items[k][0].weak = True
        grade = cell_text(get("等级"))
        total = get("总分")
        if not _is_number(total):  # a form without a total would be signed with nothing to discuss
            name = cell_text(get("姓名"))
            problems.append(table.finding(i, None, "汇总中没有总分 (考核表有问题, 见汇总的「问题」表), 未生成面谈表; "
                                          "请补全考核表并重新汇总后再生成", person=pid,
                                          subject=f"工号 {pid}{' ' + name if name else ''}", kind="missing-total"))
            continue
        weakest_names = "、".join(items[k][0].name for k in weakest) or "—"
        if scheme.grades is None:
            training = t["no_grades"].format(weakest=weakest_names)
        else:
            # the grade as the summary writes it, in 简体 or 繁體 (优 / 優)
            row_grade = next((g for g in scheme.grades.rows if grade and normalize(grade) in header_forms(g.grade)), None)
            if row_grade is not None:
                grade = shown(row_grade.grade)  # the scheme's grade, in the language of the form
            elif cell_text(total):
                try:
                    row_grade = scheme.grades.grade_of(to_decimal(total))
                except InputValueError:
                    row_grade = None
            training = (f"{t['training_for']}: {shown(row_grade.training)} ({shown(row_grade.grade)})"
                        if row_grade else "—")
        forms.append(Form(
            id=pid, name=cell_text(get("姓名")), dept=cell_text(get("部门")), post=cell_text(get("岗位")),
            period=month_of(get("期间")) or named, total=fmt(to_decimal(total)) if _is_number(total) else (cell_text(total) or "—"),
            grade=grade or "—", rank=cell_text(get("部门排名")) or "—",
            items=[item for item, _ in items],
            weakest="、".join(f"{items[k][0].name} ({items[k][0].score}/{items[k][0].max})" for k in weakest) or "—",
            training=training,
        ))
    return scheme, forms, problems, lang


def _is_number(value: Any) -> bool:
    try:
        to_decimal(value)
        return True
    except InputValueError:
        return False


def render_html(forms: list[Form], scheme: Scheme, lang: str = "zh-Hans") -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("xl_kpi", "templates_html"), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("feedback.html.j2").render(
        people=forms, t=LABELS[lang], lang=lang, scheme_name=label(scheme, lang))


def build_workbook(forms: list[Form], scheme: Scheme, lang: str = "zh-Hans"):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side


    t = LABELS[lang]
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    thin = Side(style="thin", color="444444")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for f in forms:
        ws = book.create_sheet(safe_sheet_name(f"{f.id} {f.name}", taken))
        ws.append([t["title"]])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append([t["id"], f.id, t["name"], f.name])
        ws.append([t["dept"], f.dept, t["post"], f.post])
        ws.append([t["period"], f.period, t["total"], f.total])
        ws.append([t["grade"], f.grade, t["rank"], f.rank])
        ws.append([])
        ws.append([t["indicator"], t["score"], t["max"], t["ratio"]])
        head = ws.max_row
        for item in f.items:
            score, most, ratio = item.values
            ws.append([item.name, plain(score) if score is not None else "—", plain(most),
                       float(ratio) if ratio is not None else "—"])
            ws.cell(ws.max_row, 4).number_format = "0.0%"
        ws.append([])
        space = 70 if len(f.items) <= 12 else 45  # room to write by hand, on one page
        for caption, value, height in ((t["weakest"], f.weakest, None), (t["training"], f.training, None),
                                       (t["plan"], "", space), (t["comment"], "", space),
                                       (t["appeal"], t["appeal_note"], space * 2 // 3)):
            ws.append([caption, value])
            ws.merge_cells(start_row=ws.max_row, start_column=2, end_row=ws.max_row, end_column=4)
            ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
            ws.cell(ws.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[ws.max_row].height = height or 15.5 * max(1, -(-len(value) // 30))
        ws.append([])
        for caption in (t["employee_sign"], t["supervisor_sign"]):  # a whole line each: room for a signature and date
            ws.append([caption, "", t["date"], ""])
            ws.row_dimensions[ws.max_row].height = 32
        for row in ws.iter_rows(min_row=2, max_row=ws.max_row):
            for cell in row:
                if cell.value is not None or cell.row >= head:
                    cell.border = border
        for cell in ws[head]:
            cell.font = Font(bold=True)
        for letter, width in zip("ABCD", (30, 40, 12, 22)):
            ws.column_dimensions[letter].width = width
        print_a4_landscape(ws, "1:1")
        ws.page_setup.orientation = "portrait"
        ws.page_setup.fitToHeight = 1  # one page per person
        keep_text(ws)
    return book


def write_feedback(summary: str | Path, out_dir: str | Path, *, scheme: Scheme | None = None,
                   lang: str | None = None) -> FeedbackResult:
    """Write every form into ``out_dir``; ``lang`` None: the summary's own language (繁體 headers: zh-Hant).

    A file already in ``out_dir`` under one of the names written (a form a supervisor may have annotated,
    an earlier run) is first kept as ``….备份.html`` / ``….备份.xlsx`` (``….备份2…`` when taken; an older
    backup is never replaced), listed in ``backups``; nothing is touched until every file is known to be
    writable.  A file holding exactly what would be written is left as it is, with no backup."""
    if lang is not None and lang not in LABELS:
        raise InputFileError(f"--lang 应为 zh-Hans 或 zh-Hant, 收到 {lang}")
    scheme, forms, problems, lang = _read_forms(summary, scheme, lang)
    out = Path(out_dir)
    taken: set[str] = set()
    pages: list[tuple[Path, bytes]] = []
    for f in forms:
        pages.append((out / f"{safe_file_stem(f'{f.id}-{f.name}', taken)}.html",
                      render_html([f], scheme, lang).encode("utf-8")))
    pages.append((out / "全部.html", render_html(forms, scheme, lang).encode("utf-8")))
    buffer = io.BytesIO()
    build_workbook(forms, scheme, lang).save(buffer)
    pages.append((out / "反馈面谈表.xlsx", buffer.getvalue()))
    replaced = [path for path, data in pages if path.exists() and not _same_content(path, data)]
    for path in replaced:  # every one replaceable before any backup is made
        check_replaceable(path)
        check_replaceable(next_backup(path))
    backups = [keep_backup(path) for path in replaced]
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for path, data in pages:
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
        files.append(path)
    return FeedbackResult(forms, files, problems, backups, lang)


def _same_content(path: Path, data: bytes) -> bool:
    """Whether ``path`` already holds ``data``: the same bytes, or for a workbook the same parts apart
    from docProps/core.xml (its save time), so that running twice keeps no needless backups."""
    try:
        old = path.read_bytes()
    except OSError:
        return False
    if old == data:
        return True
    if path.suffix.lower() != ".xlsx":
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(old)) as a, zipfile.ZipFile(io.BytesIO(data)) as b:
            names = sorted(n for n in a.namelist() if n != "docProps/core.xml")
            if names != sorted(n for n in b.namelist() if n != "docProps/core.xml"):
                return False
            return all(a.read(n) == b.read(n) for n in names)
    except (zipfile.BadZipFile, OSError, KeyError):
        return False
