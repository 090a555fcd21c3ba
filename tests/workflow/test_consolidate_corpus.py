"""A corpus of broken workbooks consolidated together with good ones.

Every corpus file is built here, in tmp_path, from workbooks made by
`generate` and filled by `fill_workbook` (as a supervisor would), then broken
the way files come back in real life: truncated, not a workbook at all,
encrypted, text typed into number cells, values out of range, half filled,
error values, rows deleted, sheets renamed or added, formulas overwritten,
cached results edited, a 工号 twice, a zip bomb, too many zip entries, macros,
a roster name that starts with "=", and an Office lock file.

`xl-kpi consolidate` must report every bad file with its location (file,
sheet, cell), put every good person in the summary with the engine's total,
never modify an input, write the summary atomically, give the same summary
when run twice (keeping the first as a backup) and exit with status 1.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from defusedxml import ElementTree as SafeET
from openpyxl import load_workbook

from xl_kpi.base.numbers import plain
from xl_kpi.cli import main
from xl_kpi.engine.score import score_person
from xl_kpi.excel.fill import fill_workbook
from xl_kpi.schemes.scheme import get_scheme_with_text
from xl_kpi.workflow.generate import generate

PERIOD = "2026-10"
ISSUE_HEADS = ["文件", "工作表", "单元格", "工号", "类别", "问题"]

# --------------------------------------------------------------------------- values a supervisor types

Q = {  # cs-quant input keys
    "complaint": ("complaint_rate", "complaint_rate", ""),
    "satisfaction": ("satisfaction", "satisfaction", ""),
    "response": ("response_time", "response_time", ""),
    "resolution": ("resolution_rate", "resolution_rate", ""),
    "knowledge": ("knowledge_test", "knowledge_test", ""),
    "skill": ("skill_application", "skill_application", ""),
    "collaboration": ("collaboration", "collaboration", ""),
    "sharing": ("info_sharing", "info_sharing", ""),
}


def quant(complaint, satisfaction, response, resolution, knowledge, skill, collaboration, sharing, bonus=1000) -> dict:
    values = dict(zip(Q.values(), (complaint, satisfaction, response, resolution, knowledge, skill, collaboration, sharing)))
    values["pay|bonus_base"] = bonus
    return values


# the cs-quant document's example: 0.3% -> 14, 89.5 -> 16, 10 minutes -> 15, 98.5% -> 14; 14+16+15+14+10+8+4+5 = 86
DOC = quant(0.003, 89.5, 10, 0.985, 90, 8, 4, 5)
# everything at the top: 20+20+15+15+10+10+5+5 = 100
TOP = quant(0, 95, 8, 1, 92, 10, 5, 5, bonus=1200)
# 0.5% -> 20-5x2 = 10, 72 -> 12, 30 minutes -> 10 ("以内" includes 30), 95% -> 15-5 = 10, 85 -> 8: 10+12+10+10+8+6+3+3 = 62
MID = quant(0.005, 72, 30, 0.95, 85, 6, 3, 3)
# 1.2% -> 20-24 floors at 0, 65 -> 8, 45 -> 5, 90% -> 5, 66 -> 4: 0+8+5+5+4+4+2+2 = 30
LOW = quant(0.012, 65, 45, 0.90, 66, 4, 2, 2, bonus=800)

EVIL_NAME = '=HYPERLINK("http://x","y")'

# 工号 -> (姓名, 部门, values, total by hand, bonus by hand)
GOOD_PEOPLE = {
    "G101": ("王芳", "客服一部", DOC, 86, 860),
    "G102": ("李娜", "客服一部", TOP, 100, 1200),
    "G103": ("张伟", "客服一部", MID, 62, 620),
    "G201": ("陈静", "客服二部", LOW, 30, 240),
    "G202": (EVIL_NAME, "客服二部", DOC, 86, 860),
}


# --------------------------------------------------------------------------- building files


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_book(work: Path, scheme_id: str, people: list[tuple[str, str, str]], values: dict[str, dict], name: str) -> Path:
    """Generate one department's workbook for `people` (工号, 姓名, 部门), fill it, return it named `name`."""
    scheme, text = get_scheme_with_text(scheme_id)
    folder = work / f"gen-{name}"
    folder.mkdir(parents=True)
    roster = folder / "roster.csv"
    lines = ["工号,姓名,部门,岗位,直属主管"]
    for pid, person_name, dept in people:
        quoted = '"' + person_name.replace('"', '""') + '"'
        lines.append(f"{pid},{quoted},{dept},客服专员,赵主管")
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = generate(scheme, text, roster, PERIOD, folder / "out")
    (generated,) = result.files
    filled = folder / name
    fill_workbook(generated, filled, values)
    return filled


def sheet_part(path: Path, sheet: str) -> str:
    """The zip member holding a worksheet, found through workbook.xml and its rels."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as z:
        book = SafeET.fromstring(z.read("xl/workbook.xml"))
        rels = SafeET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", ns)}
    for s in book.iter("{%s}sheet" % ns["m"]):
        if s.get("name") == sheet:
            target = targets[s.get(rid)]
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    raise KeyError(sheet)


def rewrite_member(src: Path, dst: Path, member: str, edit) -> None:
    """Copy a zip, passing one member's text through `edit`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == member:
                new = edit(data.decode("utf-8"))
                assert new.encode("utf-8") != data, f"{member}: edit changed nothing"
                data = new.encode("utf-8")
            zout.writestr(info, data)


def set_cached(src: Path, dst: Path, sheet: str, ref: str, value: str, *, error: bool = False) -> None:
    """Give the formula cell `ref` a cached result, as Excel stores one: <c r=".." t="e"><f>..</f><v>#NAME?</v></c>."""
    pattern = re.compile(rf'<c r="{ref}"([^>]*)><f>([^<]*)</f>(?:<v\s*/>|<v>[^<]*</v>)</c>')

    def edit(xml: str) -> str:
        m = pattern.search(xml)
        assert m and " t=" not in m.group(1), f"{sheet}!{ref} is not a formula cell"
        kind = ' t="e"' if error else ""
        return xml[: m.start()] + f'<c r="{ref}"{m.group(1)}{kind}><f>{m.group(2)}</f><v>{value}</v></c>' + xml[m.end():]

    rewrite_member(src, dst, sheet_part(src, sheet), edit)


def add_members(src: Path, dst: Path, members) -> None:
    """Copy a zip and append members given as (name, bytes or an iterable of chunks)."""
    shutil.copyfile(src, dst)
    with zipfile.ZipFile(dst, "a", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            if isinstance(data, bytes):
                z.writestr(name, data)
            else:
                with z.open(name, "w", force_zip64=True) as out:
                    for chunk in data:
                        out.write(chunk)


def zeros(total: int, chunk: int = 1 << 20):
    block = bytes(chunk)
    for _ in range(total // chunk):
        yield block


def build_good(corpus: Path, work: Path, scheme_id: str = "cs-quant") -> dict[str, Path]:
    files = {}
    for dept in ("客服一部", "客服二部"):
        members = [(pid, name, d) for pid, (name, d, *_rest) in GOOD_PEOPLE.items() if d == dept]
        values = {pid: GOOD_PEOPLE[pid][2] for pid, *_ in members}
        path = make_book(work, scheme_id, members, values, f"{PERIOD}-{dept}.xlsx")
        files[dept] = corpus / path.name
        shutil.copyfile(path, files[dept])
    return files


def build_corpus(tmp_path: Path) -> tuple[Path, dict[str, Path], dict[str, Path]]:
    """Good department files at the top of the corpus; bad ones in a sub-folder (found recursively)."""
    corpus, work = tmp_path / "corpus", tmp_path / "work"
    bad_dir = corpus / "退回"
    bad_dir.mkdir(parents=True)
    work.mkdir()
    good = build_good(corpus, work)
    one = good["客服一部"]
    bad: dict[str, Path] = {}

    def put(key: str, name: str) -> Path:
        bad[key] = bad_dir / name
        return bad[key]

    # not a workbook any more
    data = one.read_bytes()
    put("truncated", "截断.xlsx").write_bytes(data[: len(data) // 2])
    put("text", "纯文本.xlsx").write_text("这不是工作簿, 只是改了扩展名的文本文件\n", encoding="utf-8")
    put("encrypted", "加密.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 40)

    # bad values typed into input cells
    src = make_book(work, "cs-quant", [("T1", "文字", "坏值部")], {"T1": {**DOC, Q["satisfaction"]: "很好"}}, "t.xlsx")
    shutil.copyfile(src, put("words", "文字.xlsx"))
    src = make_book(work, "cs-quant", [("R1", "超限", "坏值部")], {"R1": {**DOC, Q["complaint"]: 1.5}}, "r.xlsx")
    shutil.copyfile(src, put("range", "超范围.xlsx"))
    half = {k: v for k, v in DOC.items() if k in (Q["complaint"], Q["satisfaction"], Q["response"])}
    src = make_book(work, "cs-quant", [("H1", "半填", "坏值部")], {"H1": half}, "h.xlsx")
    shutil.copyfile(src, put("half", "半填.xlsx"))
    errors = make_book(work, "cs-quant", [("E1", "错一", "错误部"), ("E2", "错二", "错误部")],
                       {"E1": {**DOC, Q["response"]: "#NAME?"}, "E2": DOC}, "e.xlsx")
    set_cached(errors, put("errors", "错误值.xlsx"), "E2-错二", "I7", "#NAME?", error=True)

    # the sheet's structure changed by hand
    src = make_book(work, "cs-quant", [("D1", "删行", "结构部")], {"D1": DOC}, "d.xlsx")
    book = load_workbook(src)
    book["D1-删行"].delete_rows(7)  # 客户满意度
    book.save(put("deleted", "删行.xlsx"))
    src = make_book(work, "cs-quant", [("N1", "改名", "结构部")], {"N1": DOC}, "n.xlsx")
    book = load_workbook(src)
    book["N1-改名"].title = "小张的表"
    book.save(put("renamed", "改名.xlsx"))
    src = make_book(work, "cs-quant", [("X1", "多表", "结构部")], {"X1": DOC}, "m.xlsx")
    book = load_workbook(src)
    book.create_sheet("备注")["A1"] = "主管的备注"
    book.save(put("extra", "多表.xlsx"))

    # formulas and their cached results tampered with
    src = make_book(work, "cs-quant", [("F1", "改公式", "公式部")], {"F1": DOC}, "f.xlsx")
    book = load_workbook(src)
    book["F1-改公式"]["I8"] = 15
    book.save(put("constant", "改公式.xlsx"))
    src = make_book(work, "cs-quant", [("C1", "缓存", "公式部")], {"C1": DOC}, "c.xlsx")
    set_cached(src, put("cached", "缓存.xlsx"), "C1-缓存", "I6", "20")  # the engine says 14

    # the same 工号 as in 客服一部, scoring alike (this file sorts after it, so it is the one not counted;
    # copies that score differently: test_consolidate_checks)
    src = make_book(work, "cs-quant", [("G101", "王芳", "客服三部")], {"G101": DOC}, "dup.xlsx")
    shutil.copyfile(src, put("duplicate", "重复工号.xlsx"))

    # archives built to hurt the reader
    add_members(one, put("bomb", "炸弹.xlsx"), [("xl/media/zeros.bin", zeros(300 * 1024 * 1024))])
    add_members(one, put("entries", "部件过多.xlsx"), [(f"xl/media/part{i}.bin", b"x") for i in range(2001)])
    src = make_book(work, "cs-quant", [("M1", "有宏", "宏部")], {"M1": DOC}, "macro.xlsx")
    add_members(src, put("macro", "宏.xlsm"), [("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"Attribute VB_Name = \"Module1\"\nSub AutoOpen()\nShell \"calc\"\nEnd Sub\n")])

    # Excel's lock file next to an open workbook
    (corpus / f"~${one.name}").write_bytes(b"\x06zhang san" + bytes(150))
    return corpus, good, bad


# --------------------------------------------------------------------------- reading the summary


def sheet_values(path: Path) -> dict[str, list[tuple]]:
    book = load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in book.worksheets}


def records(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    heads = list(rows[0])
    return [dict(zip(heads, r)) for r in rows[1:]]


def issues_of(summary: Path) -> list[dict]:
    ws = load_workbook(summary)["问题"]
    assert [c.value for c in ws[1]] == ISSUE_HEADS
    return [{k: (v or "") for k, v in r.items()} for r in records(ws)]


def find(issues: list[dict], file: str, sheet: str | None = None, cell: str | None = None, text: str = "") -> list[dict]:
    return [i for i in issues if i["文件"] == file and (sheet is None or i["工作表"] == sheet)
            and (cell is None or i["单元格"] == cell) and text in i["问题"]]


def engine_total(scheme_id: str, values: dict) -> Decimal | None:
    scheme, _ = get_scheme_with_text(scheme_id)
    return score_person(scheme, lambda ind, spec, a: values.get((ind.id, spec.id, a.id if a else ""))).total


def run(corpus: Path, out: Path):
    return CliRunner().invoke(main, ["consolidate", str(corpus), "-o", str(out)], catch_exceptions=False)


# --------------------------------------------------------------------------- the tests


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corpus")
    corpus, good, bad = build_corpus(tmp)
    inputs = sorted(p for p in corpus.rglob("*") if p.is_file())
    before = {p: sha256(p) for p in inputs}
    out_dir = tmp / "汇总"
    summary = out_dir / "SUMMARY.xlsx"
    first = run(corpus, summary)
    first_values = sheet_values(summary)
    second = run(corpus, summary)
    return {"corpus": corpus, "good": good, "bad": bad, "inputs": inputs, "before": before, "summary": summary,
            "first": first, "first_values": first_values, "second": second, "out_dir": out_dir}


def test_exit_status_1_when_problems_found(corpus_run):
    for result in (corpus_run["first"], corpus_run["second"]):
        assert result.exit_code == 1, result.output
        assert "问题" in result.output


def test_every_bad_file_is_reported(corpus_run):
    issues = issues_of(corpus_run["summary"])
    reported = {i["文件"] for i in issues}
    for key, path in corpus_run["bad"].items():
        assert path.name in reported, f"{key}: {path.name} not in 问题"
    good_names = {p.name for p in corpus_run["good"].values()}
    # the good files have no problems at all
    assert not [i for i in issues if i["文件"] in good_names]
    # the lock file is skipped silently: not reported, nobody read from it
    assert not [i for i in issues if "~$" in i["文件"] or "~$" in i["问题"]]
    assert "~$" not in corpus_run["first"].output


def test_unreadable_files_reported_as_whole_files(corpus_run):
    issues = issues_of(corpus_run["summary"])
    bad = corpus_run["bad"]
    expect = {
        "truncated": "损坏",
        "text": "不是 Excel 工作簿",
        "encrypted": "加密",
        "bomb": "压缩炸弹",
        "entries": "超过上限 2000",
    }
    for key, text in expect.items():
        found = find(issues, bad[key].name, "", "", text)
        assert len(found) == 1, (key, find(issues, bad[key].name))
        # nothing else is said about a file that could not be read
        assert len(find(issues, bad[key].name)) == 1


def test_bad_cells_reported_with_sheet_and_cell(corpus_run):
    issues = issues_of(corpus_run["summary"])
    bad = corpus_run["bad"]

    # 很好 typed into 客户满意度 (H7)
    (words,) = find(issues, bad["words"].name)
    assert (words["工作表"], words["单元格"], words["工号"]) == ("T1-文字", "H7", "T1")
    assert "客户满意度" in words["问题"] and "很好" in words["问题"]

    # 150% complaint rate (H6)
    (rng,) = find(issues, bad["range"].name)
    assert (rng["工作表"], rng["单元格"]) == ("R1-超限", "H6")
    assert "客户投诉率" in rng["问题"] and "150%" in rng["问题"]

    # half filled: the five empty inputs, each at its cell; the filled ones are not blamed
    half = find(issues, bad["half"].name, "H1-半填")
    assert sorted(i["单元格"] for i in half) == ["H10", "H11", "H12", "H13", "H9"]
    assert all("为空" in i["问题"] for i in half)

    # "#NAME?" typed into 平均响应时间 (H8): an error value, not an empty cell
    (typed,) = find(issues, bad["errors"].name, "E1-错一")
    assert typed["单元格"] == "H8"
    assert "#NAME?" in typed["问题"] and "为空" not in typed["问题"]

    # a score cell whose cached result is an error (I7), although the inputs are fine
    (shown,) = find(issues, bad["errors"].name, "E2-错二")
    assert shown["单元格"] == "I7"
    assert "错误值 #NAME?" in shown["问题"]


def test_structure_changes_reported(corpus_run):
    issues = issues_of(corpus_run["summary"])
    bad = corpus_run["bad"]

    deleted = find(issues, bad["deleted"].name, "D1-删行", text="客户满意度")
    assert deleted and any("找不到" in i["问题"] for i in deleted)

    # a renamed sheet is found by its 工号 (B2) and scored; the rename is told
    (renamed,) = find(issues, bad["renamed"].name)
    assert (renamed["工作表"], renamed["单元格"], renamed["工号"]) == ("小张的表", "B2", "N1")
    assert "「N1-改名」被改名为「小张的表」" in renamed["问题"] and "照常计分" in renamed["问题"]

    (extra,) = find(issues, bad["extra"].name)
    assert extra["工作表"] == "备注" and "不是生成器生成的工作表" in extra["问题"]


def test_formula_tampering_reported(corpus_run):
    issues = issues_of(corpus_run["summary"])
    bad = corpus_run["bad"]

    (constant,) = find(issues, bad["constant"].name)
    assert (constant["工作表"], constant["单元格"]) == ("F1-改公式", "I8")
    assert "固定值「15」" in constant["问题"]

    (cached,) = find(issues, bad["cached"].name)
    assert (cached["工作表"], cached["单元格"]) == ("C1-缓存", "I6")
    assert "显示 20" in cached["问题"] and "应为 14" in cached["问题"]


def test_duplicate_id_and_macros(corpus_run):
    issues = issues_of(corpus_run["summary"])
    bad = corpus_run["bad"]

    (dup,) = find(issues, bad["duplicate"].name)
    assert (dup["工作表"], dup["单元格"], dup["工号"]) == ("G101-王芳", "B2", "G101")
    assert "重复" in dup["问题"] and "2026-10-客服一部.xlsx" in dup["问题"] and "计分相同, 只计一次" in dup["问题"]

    (macro,) = find(issues, bad["macro"].name)
    assert "宏" in macro["问题"] and "未运行" in macro["问题"]


def test_every_good_person_in_overview_with_engine_total(corpus_run):
    book = load_workbook(corpus_run["summary"])
    rows = {r["工号"]: r for r in records(book["公司总览"])}
    for pid, (name, dept, values, total, bonus) in GOOD_PEOPLE.items():
        row = rows[pid]
        assert (row["姓名"], row["部门"]) == (name, dept)
        assert row["文件"] == f"{PERIOD}-{dept}.xlsx"
        assert row["总分"] == total == plain(engine_total("cs-quant", values)), pid
        assert row["绩效奖金"] == bonus, pid
        assert row["问题数"] == (1 if pid == "G101" else 0), pid  # G101: the second copy is on its row
    # the document's example, indicator by indicator
    g101 = rows["G101"]
    assert [g101[k] for k in ("客户投诉率", "客户满意度", "平均响应时间", "问题解决率")] == [14, 16, 15, 14]
    # ranks within 客服一部: 100, 86, 62
    assert [rows[p]["部门排名"] for p in ("G102", "G101", "G103")] == [1, 2, 3]
    # the duplicate did not replace the first G101
    assert g101["总分"] == 86
    # readable files with problems elsewhere still give their people
    assert rows["M1"]["总分"] == 86  # macros: read, not run
    assert rows["X1"]["总分"] == 86  # an extra sheet does not hide the person
    assert rows["F1"]["总分"] == 86 and rows["C1"]["总分"] == 86  # recomputed, not copied from the cells
    assert rows["E2"]["总分"] == 86
    for pid in ("T1", "R1", "H1", "E1"):
        assert rows[pid]["总分"] is None and rows[pid]["问题数"] >= 1
    # nobody from the unreadable files; the renamed sheet is found by its 工号 and scored
    assert rows["N1"]["总分"] == 86 and rows["N1"]["工作表"] == "小张的表"
    # and everyone in their department's sheet too
    dept1 = {r["工号"] for r in records(book["客服一部"])}
    assert dept1 == {"G101", "G102", "G103"}


def test_name_starting_with_equals_stays_text(corpus_run):
    book = load_workbook(corpus_run["summary"])
    for title in ("公司总览", "客服二部"):
        ws = book[title]
        heads = [c.value for c in ws[1]]
        col = heads.index("姓名")
        cells = [row[col] for row in ws.iter_rows(min_row=2) if row[0].value == "G202"]
        assert len(cells) == 1, title
        assert cells[0].value == EVIL_NAME
        assert cells[0].data_type == "s", title
    # nothing in the whole summary is a formula
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}: {cell.value}"


def test_inputs_never_modified(corpus_run):
    inputs = corpus_run["inputs"]
    assert len(inputs) == len(corpus_run["good"]) + len(corpus_run["bad"]) + 1  # + the lock file
    after = {p: sha256(p) for p in inputs}
    assert after == corpus_run["before"]
    # and nothing was added to the corpus (no temporary files, no summaries)
    assert sorted(p for p in corpus_run["corpus"].rglob("*") if p.is_file()) == inputs


def test_second_run_same_values_and_backup(corpus_run):
    summary = corpus_run["summary"]
    backup = summary.with_name("SUMMARY.备份.xlsx")
    assert sorted(p.name for p in corpus_run["out_dir"].iterdir()) == sorted([summary.name, backup.name])
    assert sheet_values(summary) == corpus_run["first_values"]
    assert sheet_values(backup) == corpus_run["first_values"]
    assert "SUMMARY.备份.xlsx" in corpus_run["second"].output


def test_summary_written_atomically(tmp_path, monkeypatch):
    """A failure while saving leaves the previous summary intact and no half-written file."""
    from openpyxl import Workbook

    from xl_kpi.workflow.consolidate import consolidate
    from xl_kpi.workflow.summary import write_summary

    corpus, work = tmp_path / "corpus", tmp_path / "work"
    corpus.mkdir()
    work.mkdir()
    build_good(corpus, work)
    out = tmp_path / "out" / "SUMMARY.xlsx"
    result = consolidate([corpus])
    write_summary(result, out)
    old = sha256(out)

    def broken_save(self, filename):
        Path(filename).write_bytes(b"PK\x03\x04 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(Workbook, "save", broken_save)
    with pytest.raises(OSError):
        write_summary(result, out)
    assert sha256(out) == old
    assert sorted(p.name for p in out.parent.iterdir()) == ["SUMMARY.xlsx", "SUMMARY.备份.xlsx"]


def test_upper_case_extension_is_read(tmp_path):
    """A workbook saved on Windows as 名字.XLSX is a workbook too: its people must not silently go missing."""
    corpus, work = tmp_path / "corpus", tmp_path / "work"
    corpus.mkdir()
    work.mkdir()
    good = build_good(corpus, work)
    upper = good["客服二部"].rename(good["客服二部"].with_suffix(".XLSX"))
    summary = tmp_path / "SUMMARY.xlsx"
    result = run(corpus, summary)
    assert result.exit_code == 0, result.output
    rows = {r["工号"]: r for r in records(load_workbook(summary)["公司总览"])}
    assert set(rows) == set(GOOD_PEOPLE)
    assert rows["G201"]["文件"] == upper.name and rows["G201"]["总分"] == 30


def test_summary_never_overwrites_an_input(tmp_path):
    """-o naming one of the workbooks being consolidated is refused; the input stays as it was."""
    corpus, work = tmp_path / "corpus", tmp_path / "work"
    corpus.mkdir()
    work.mkdir()
    good = build_good(corpus, work)
    before = {p: sha256(p) for p in corpus.iterdir()}
    result = run(corpus, good["客服一部"])
    assert result.exit_code == 2, result.output
    assert "被汇总的文件" in result.output
    assert {p: sha256(p) for p in corpus.iterdir()} == before  # nothing changed, no backup written


# --------------------------------------------------------------------------- cs-table

T_KEYS = ["discipline", "handling", "coordination", "passion", "performance", "complaints_aftersales", "promotion",
          "summary_suggestions"]


def table_values(self_points: list[int], supervisor_points: list[int], **pay) -> dict:
    values = {}
    for ind, s, m in zip(T_KEYS, self_points, supervisor_points):
        values[(ind, ind, "self")] = s
        values[(ind, ind, "supervisor")] = m
    values.update({f"pay|{k}": v for k, v in pay.items()})
    return values


FULL = [5, 10, 10, 5, 40, 20, 5, 5]  # 100
TABLE_PEOPLE = {
    # 工号: (姓名, 部门, values, total by hand, grade)
    "T101": ("周一", "客服一部", table_values(FULL, FULL, plan=100000, actual=100000, other=0), 100, "优"),
    # 40% x 100 + 60% x 83, per item: 4.4+8.8+8.8+4.4+37+17.6+4.4+4.4 = 89.8
    "T102": ("吴二", "客服一部", table_values(FULL, [4, 8, 8, 4, 35, 16, 4, 4]), Decimal("89.8"), "良"),
    "T103": ("郑三", "客服一部", table_values([3, 6, 5, 3, 23, 10, 3, 3], [3, 6, 5, 3, 23, 10, 3, 3]), 56, "不及格"),
    # 40% x 92 + 60% x 72 = 80
    "T201": ("冯四", "客服二部", table_values([4, 9, 9, 4, 39, 19, 4, 4], [3, 8, 7, 3, 30, 15, 3, 3]), 80, "好"),
}


def test_cs_table_summary_tables_formatting_chart(tmp_path):
    from openpyxl.chart import BarChart

    corpus, work = tmp_path / "corpus", tmp_path / "work"
    corpus.mkdir()
    work.mkdir()
    for dept in ("客服一部", "客服二部"):
        members = [(pid, name, d) for pid, (name, d, *_r) in TABLE_PEOPLE.items() if d == dept]
        path = make_book(work, "cs-table", members, {pid: TABLE_PEOPLE[pid][2] for pid, *_ in members},
                         f"{PERIOD}-{dept}.xlsx")
        shutil.copyfile(path, corpus / path.name)
    before = {p: sha256(p) for p in corpus.iterdir()}
    summary = tmp_path / "SUMMARY.xlsx"
    result = run(corpus, summary)
    assert result.exit_code == 0, result.output  # nothing wrong: exit 0
    assert {p: sha256(p) for p in corpus.iterdir()} == before

    book = load_workbook(summary)
    assert book.sheetnames == ["公司总览", "客服一部", "客服二部", "等级分布", "问题"]
    assert book["问题"].max_row == 1  # headers only
    rows = {r["工号"]: r for r in records(book["公司总览"])}
    assert set(rows) == set(TABLE_PEOPLE)
    for pid, (name, dept, values, total, grade) in TABLE_PEOPLE.items():
        assert rows[pid]["总分"] == plain(Decimal(total)) == plain(engine_total("cs-table", values)), pid
        assert rows[pid]["等级"] == grade
    assert rows["T101"]["岗位工资"] == 1800 and rows["T101"]["提成"] == 1000 and rows["T101"]["当月工资"] == 2800

    for dept, n in (("客服一部", 3), ("客服二部", 1)):
        ws = book[dept]
        heads = [c.value for c in ws[1]]
        # an Excel Table over the people
        assert len(ws.tables) == 1
        (table,) = ws.tables.values()
        last = heads.index("工作表") + 1
        assert table.ref == f"A1:{ws.cell(row=1, column=last).column_letter}{n + 1}"
        # grades coloured by conditional formatting on the 等级 column
        col = ws.cell(row=1, column=heads.index("等级") + 1).column_letter
        ranges = [str(cf.sqref) for cf in ws.conditional_formatting]
        assert ranges == [f"{col}2:{col}{n + 1}" if n > 1 else f"{col}2"]  # openpyxl writes a one-cell range as "N2"
        rules = [r for cf in ws.conditional_formatting for r in cf.rules]
        assert {r.formula[0] for r in rules} == {'"优"', '"良"', '"好"', '"及格"', '"不及格"'}
        # a native bar chart of the grade distribution
        assert len(ws._charts) == 1 and isinstance(ws._charts[0], BarChart)
    # the overview is a Table too
    assert len(book["公司总览"].tables) == 1
