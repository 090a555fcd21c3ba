"""`xl-kpi feedback`: a feedback interview form (绩效面谈表) per person, from a monthly summary.

Document 000 (结果反馈): after the assessment the supervisor holds an interview, affirms the
results, points out shortcomings, agrees an improvement plan; the employee may object and appeal.
Each form shows every indicator's score against its maximum, the three weakest indicators
(lowest score/maximum, ties in the scheme's order), the training need the grade table names
(所需培训程度), empty fields for the improvement plan, the employee's comment and appeal, and
signature lines.  Output: printable HTML (A4, one page per person; one file per person and
``全部.html`` with every page) and a workbook with one sheet per person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .describe import label
from .errors import InputFileError, InputValueError
from .generate import safe_file_stem, safe_sheet_name
from .numbers import fmt, round_half_up, to_decimal
from .periods import month_from_name, month_of
from .scheme import Scheme, builtin_ids, builtin_scheme, normalize
from .tables import atomic_path, cell_text, keep_text, read_table

LABELS = {
    "zh-Hans": {
        "title": "绩效面谈反馈表", "id": "工号", "name": "姓名", "dept": "部门", "post": "岗位", "period": "考核期间",
        "scheme": "考核方案", "total": "总分", "grade": "等级", "rank": "部门排名", "indicator": "考核指标",
        "score": "得分", "max": "满分", "ratio": "得分率", "weakest": "最薄弱的三项指标", "training": "培训需求",
        "plan": "改进计划 (主管与员工共同制定)", "comment": "员工意见", "appeal": "异议与申诉",
        "appeal_note": "如对考核结果有异议, 可在面谈时提出; 仍无法达成一致的, 可向上级主管部门申诉。",
        "employee_sign": "员工签名", "supervisor_sign": "主管签名", "date": "日期",
        "no_grades": "方案没有等级表; 建议针对最薄弱的指标安排培训", "training_for": "所需培训程度",
    },
    "zh-Hant": {
        "title": "績效面談反饋表", "id": "工號", "name": "姓名", "dept": "部門", "post": "崗位", "period": "考核期間",
        "scheme": "考核方案", "total": "總分", "grade": "等級", "rank": "部門排名", "indicator": "考核指標",
        "score": "得分", "max": "滿分", "ratio": "得分率", "weakest": "最薄弱的三項指標", "training": "培訓需求",
        "plan": "改進計劃 (主管與員工共同制定)", "comment": "員工意見", "appeal": "異議與申訴",
        "appeal_note": "如對考核結果有異議, 可在面談時提出; 仍無法達成一致的, 可向上級主管部門申訴。",
        "employee_sign": "員工簽名", "supervisor_sign": "主管簽名", "date": "日期",
        "no_grades": "方案沒有等級表; 建議針對最薄弱的指標安排培訓", "training_for": "所需培訓程度",
    },
}


@dataclass
class FormItem:
    name: str
    score: str
    max: str
    ratio: str
    weak: bool = False


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
    problems: list[str]


def guess_scheme(headers: list[str]) -> Scheme:
    """The built-in scheme whose indicator names are all columns of the summary."""
    heads = {normalize(h) for h in headers}
    for sid in builtin_ids():
        scheme = builtin_scheme(sid)
        if all(normalize(ind.name) in heads for ind in scheme.indicators):
            return scheme
    raise InputFileError("汇总表的列与内置方案都对不上; 请用 --scheme 指定方案")


def read_forms(summary: str | Path, scheme: Scheme | None = None, lang: str = "zh-Hans") -> tuple[Scheme, list[Form], list[str]]:
    path = Path(summary)
    if not path.is_file():
        raise InputFileError(f"找不到文件 {path}")
    from python_calamine import CalamineWorkbook

    try:
        names = CalamineWorkbook.from_path(str(path)).sheet_names
    except Exception as exc:
        raise InputFileError(f"{path}: 无法打开工作簿 ({exc})") from None
    table = read_table(path, "公司总览" if "公司总览" in names else None)
    scheme = scheme or guess_scheme(table.headers)
    t = LABELS[lang]
    heads = [normalize(h) for h in table.headers]

    def col(name: str) -> int | None:
        return heads.index(normalize(name)) if normalize(name) in heads else None

    if col("工号") is None:
        raise InputFileError(f"{path}: 没有「工号」列")
    missing = [ind.name for ind in scheme.indicators if col(ind.name) is None]
    if missing:
        raise InputFileError(f"{path}: 缺少方案 {scheme.id} 的指标列: {'、'.join(missing)}")
    named = month_from_name(path) or ""  # older summaries have no 期间 column: the file name says it
    forms, problems = [], []
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
                    problems.append(f"{table.where(i)} 工号 {pid}: {exc}")
            ratio = score / ind.weight if score is not None else None
            items.append((FormItem(
                name=label(ind, lang),
                score=fmt(score) if score is not None else "—",
                max=fmt(ind.weight),
                ratio=f"{fmt(round_half_up(ratio * 100, 1))}%" if ratio is not None else "—",
            ), ratio))
        scored = sorted((k for k, (_, r) in enumerate(items) if r is not None), key=lambda k: (items[k][1], k))
        weakest = scored[:3]
        for k in weakest:
            items[k][0].weak = True
        grade = cell_text(get("等级"))
        total = get("总分")
        if scheme.grades is None:
            training = t["no_grades"]
        else:
            row_grade = next((g for g in scheme.grades.rows if g.grade == grade), None)
            if row_grade is None and cell_text(total):
                try:
                    row_grade = scheme.grades.grade_of(to_decimal(total))
                except InputValueError:
                    row_grade = None
            training = f"{t['training_for']}: {row_grade.training} ({row_grade.grade})" if row_grade else "—"
        forms.append(Form(
            id=pid, name=cell_text(get("姓名")), dept=cell_text(get("部门")), post=cell_text(get("岗位")),
            period=month_of(get("期间")) or named, total=fmt(to_decimal(total)) if _is_number(total) else (cell_text(total) or "—"),
            grade=grade or "—", rank=cell_text(get("部门排名")) or "—",
            items=[item for item, _ in items],
            weakest="、".join(f"{items[k][0].name} ({items[k][0].score}/{items[k][0].max})" for k in weakest) or "—",
            training=training,
        ))
    return scheme, forms, problems


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

    from .tables import print_a4_landscape

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
            ws.append([item.name, item.score, item.max, item.ratio])
        ws.append([])
        for label, value in ((t["weakest"], f.weakest), (t["training"], f.training), (t["plan"], ""),
                             (t["comment"], ""), (t["appeal"], t["appeal_note"])):
            ws.append([label, value])
            ws.merge_cells(start_row=ws.max_row, start_column=2, end_row=ws.max_row, end_column=4)
            ws.cell(ws.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
            if value == "" or label == t["appeal"]:
                ws.row_dimensions[ws.max_row].height = 60
        ws.append([])
        ws.append([t["employee_sign"], "", t["supervisor_sign"], ""])
        ws.append([t["date"], "", t["date"], ""])
        for row in ws.iter_rows(min_row=2, max_row=ws.max_row):
            for cell in row:
                if cell.value is not None or cell.row >= head:
                    cell.border = border
        for cell in ws[head]:
            cell.font = Font(bold=True)
        for letter, width in zip("ABCD", (30, 36, 14, 14)):
            ws.column_dimensions[letter].width = width
        print_a4_landscape(ws, "1:1")
        ws.page_setup.orientation = "portrait"
        ws.page_setup.fitToHeight = 1  # one page per person
        keep_text(ws)
    return book


def write_feedback(summary: str | Path, out_dir: str | Path, *, scheme: Scheme | None = None,
                   lang: str = "zh-Hans") -> FeedbackResult:
    if lang not in LABELS:
        raise InputFileError(f"--lang 应为 zh-Hans 或 zh-Hant, 收到 {lang}")
    scheme, forms, problems = read_forms(summary, scheme, lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    taken: set[str] = set()
    for f in forms:
        path = out / f"{safe_file_stem(f'{f.id}-{f.name}', taken)}.html"
        with atomic_path(path) as tmp:
            tmp.write_text(render_html([f], scheme, lang), encoding="utf-8")
        files.append(path)
    everyone = out / "全部.html"
    with atomic_path(everyone) as tmp:
        tmp.write_text(render_html(forms, scheme, lang), encoding="utf-8")
    files.append(everyone)
    book_path = out / "反馈面谈表.xlsx"
    with atomic_path(book_path) as tmp:
        build_workbook(forms, scheme, lang).save(tmp)
    files.append(book_path)
    return FeedbackResult(forms, files, problems)
