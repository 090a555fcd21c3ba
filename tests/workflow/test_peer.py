"""Peer review of the teamwork indicators (document 000 六(一)6): generate --peer, fill, consolidate."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xl_kpi.base.files import atomic_path
from xl_kpi.cli import main
from xl_kpi.engine import peer as peermod
from xl_kpi.excel.fill import fill_workbook
from xl_kpi.schemes.scheme import get_scheme_with_text
from xl_kpi.workflow import peer_forms
from xl_kpi.workflow.consolidate import consolidate
from xl_kpi.workflow.generate import generate

PERIOD = "2026-10"
EVIL = '=HYPERLINK("http://x","点我")'
BASE = {  # 90 points outside the teamwork group
    ("complaint_rate", "complaint_rate", ""): 0,
    ("satisfaction", "satisfaction", ""): 95,
    ("response_time", "response_time", ""): 5,
    ("resolution_rate", "resolution_rate", ""): 1,
    ("knowledge_test", "knowledge_test", ""): 95,
    ("skill_application", "skill_application", ""): 10,
}


def supervisor(collab, info, **extra):
    return {**BASE, ("collaboration", "collaboration", ""): collab, ("info_sharing", "info_sharing", ""): info, **extra}


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(
        "工号,姓名,部门,岗位,直属主管\n"
        "K1,王芳,客服一部,客服专员,赵主管\n"
        "K2,李娜,客服一部,客服专员,赵主管\n"
        f"K3,\"{EVIL.replace(chr(34), chr(34) * 2)}\",客服一部,客服专员,赵主管\n"
        "K4,陈静,客服二部,客服专员,钱主管\n"
        "K5,刘洋,客服二部,客服专员,钱主管\n",
        encoding="utf-8",
    )
    return path


def make(tmp_path, roster, **kw):
    scheme, text = get_scheme_with_text("cs-quant")
    out = tmp_path / "out"
    return generate(scheme, text, roster, PERIOD, out, peer=True, **kw), out


def peer_file(out: Path, reviewer: str) -> Path:
    (found,) = [p for p in out.glob(f"互评-{PERIOD}-*-{reviewer}-*.xlsx")]
    return found


def rate(path: Path, ratings: dict[str, tuple[object, object]]) -> None:
    """Fill a peer file as a reviewer would: 工号 -> (内部协作配合度, 信息共享及时性)."""
    book = openpyxl.load_workbook(path)
    ws = book[peer_forms.SHEET_NAME]
    for row in range(peer_forms.FIRST_ROW, ws.max_row + 1):
        pid = ws.cell(row=row, column=1).value
        if pid in ratings:
            for col, value in zip((4, 5), ratings[pid]):
                ws.cell(row=row, column=col, value=value)
    with atomic_path(path) as tmp:
        book.save(tmp)


def fill_month(out: Path) -> None:
    dept1, dept2 = out / f"{PERIOD}-客服一部.xlsx", out / f"{PERIOD}-客服二部.xlsx"
    fill_workbook(dept1, dept1, {
        "K1": supervisor(4, 5, **{"pay|bonus_base": 1000}),
        "K2": supervisor(4, 4),
        "K3": supervisor(3, 3),
    })
    fill_workbook(dept2, dept2, {"K4": supervisor(5, 5), "K5": supervisor(2, 2)})
    rate(peer_file(out, "K1"), {"K2": (7, "很好"), "K3": (3, 3)})
    rate(peer_file(out, "K2"), {"K1": (5, 2), "K3": (4, 4)})
    rate(peer_file(out, "K3"), {"K1": (3, 2), "K2": (5, 4)})
    rate(peer_file(out, "K4"), {"K5": (5, 5)})
    peer_file(out, "K5").unlink()  # K5 never returned the peer review


def test_generate_writes_one_peer_file_per_reviewer_without_the_reviewer(tmp_path, roster, monkeypatch):
    written: list[Path] = []

    def spy(target):
        written.append(Path(target))
        return atomic_path(target)

    monkeypatch.setattr(peer_forms, "atomic_path", spy)
    result, out = make(tmp_path, roster)
    assert sorted(p.name for p in result.peer_files) == sorted(
        f"互评-{PERIOD}-{d}-{pid}-{n}.xlsx" for d, pid, n in (
            ("客服一部", "K1", "王芳"), ("客服一部", "K2", "李娜"), ("客服一部", "K3", '=HYPERLINK(_http___x_,_点我_)'),
            ("客服二部", "K4", "陈静"), ("客服二部", "K5", "刘洋")))
    assert sorted(written) == sorted(result.peer_files)  # every peer file went through atomic_path
    assert not list(out.glob(".*"))  # no temporary file left behind
    for path in result.peer_files:
        book = openpyxl.load_workbook(path)
        meta = {r[0]: r[1] for r in book["_xlkpi"].iter_rows(values_only=True)}
        assert book["_xlkpi"].sheet_state == "veryHidden"
        assert meta["kind"] == "peer" and meta["period"] == PERIOD
        ws = book[peer_forms.SHEET_NAME]
        assert ws.protection.sheet
        ratees = [ws.cell(row=r, column=1).value for r in range(peer_forms.FIRST_ROW, ws.max_row + 1)]
        assert meta["reviewer"] not in ratees  # nobody rates themselves
        assert sorted(v for k, v in meta.items() if k.startswith("row:")) == sorted(ratees)
        assert len(ratees) == (2 if "客服一部" in path.name else 1)
        for r in range(peer_forms.FIRST_ROW, ws.max_row + 1):
            assert ws.cell(row=r, column=1).protection.locked
            for col in (4, 5):
                cell = ws.cell(row=r, column=col)
                assert not cell.protection.locked
                assert any(cell.coordinate in dv.sqref and dv.formula1 == '"5,4,3,2,0"' for dv in ws.data_validations.dataValidation)
        names = [ws.cell(row=r, column=2) for r in range(peer_forms.FIRST_ROW, ws.max_row + 1)]
        for c in names:
            assert c.data_type == "s"  # roster text stays text, =HYPERLINK(...) included
    k1 = openpyxl.load_workbook(peer_file(out, "K1"))[peer_forms.SHEET_NAME]
    assert k1["B6"].value == EVIL and k1["B6"].data_type == "s"


def test_consolidate_combines_peers_with_supervisor(tmp_path, roster):
    _, out = make(tmp_path, roster)
    fill_month(out)
    result = consolidate([out])
    by = {p.identity["工号"]: p for p in result.people}
    # K1: supervisor 4, peers 5 and 3 (avg 4) -> 4; supervisor 5, peers 2 and 2 -> 0.4*2 + 0.6*5 = 3.8
    assert by["K1"].score.points("collaboration") == Decimal("4")
    assert by["K1"].score.points("info_sharing") == Decimal("3.8")
    assert by["K1"].supervisor_score.total == 99
    assert by["K1"].score.total == Decimal("97.8")
    assert by["K1"].pay["绩效奖金"] == Decimal("978.00")  # pay follows the combined total
    # K2: K1's 7 and 很好 are ignored; only K3's 5 and 4 count: 0.4*5 + 0.6*4 = 4.4, 0.4*4 + 0.6*4 = 4
    assert by["K2"].score.points("collaboration") == Decimal("4.4")
    assert by["K2"].score.points("info_sharing") == Decimal("4")
    assert by["K2"].score.total == Decimal("98.4")
    # K3: peers 3 and 4 (avg 3.5), supervisor 3 -> 1.4 + 1.8 = 3.2 each
    assert by["K3"].score.points("collaboration") == Decimal("3.2")
    assert by["K3"].score.total == Decimal("96.4")
    # K4: nobody rated (K5 did not return): supervisor's points stand
    assert by["K4"].supervisor_score is None and by["K4"].score.total == 100
    # K5: supervisor 2, peer 5 -> 0.8... 0.4*5 + 0.6*2 = 3.2
    assert by["K5"].score.points("info_sharing") == Decimal("3.2") and by["K5"].score.total == Decimal("96.4")
    assert by["K1"].rank == 2 and by["K2"].rank == 1 and by["K3"].rank == 3

    messages = [(i.file, i.sheet, i.cell, i.message) for i in result.issues]
    k1_file = peer_file(out, "K1").name
    assert (k1_file, "互评", "D5", "K2 的内部协作配合度 应不大于 5, 收到 7, 未计入") in messages
    assert (k1_file, "互评", "E5", "K2 的信息共享及时性 应为数字, 收到文字「很好」, 未计入") in messages
    missing = [i for i in result.issues if "未交回互评表" in i.message]
    assert [(i.person, i.file) for i in missing] == [("K5", f"互评-{PERIOD}-客服二部-K5-刘洋.xlsx")]
    assert not any("手工改动" in i.message or "公式" in i.message for i in result.issues)
    assert len(result.issues) == 3, messages


def test_formula_check_compares_with_the_supervisor_only_score(tmp_path, roster, monkeypatch):
    """The cached cells of the assessment sheet hold the supervisor-only score: no false "changed by hand"."""
    from xl_kpi.workflow import consolidate as consmod

    seen: dict[str, Decimal] = {}
    real = consmod._check_formulas

    def spy(book, person, score, issue):
        seen[person.identity["工号"]] = score.total
        return real(book, person, score, issue)

    monkeypatch.setattr(consmod, "_check_formulas", spy)
    _, out = make(tmp_path, roster)
    fill_month(out)
    result = consolidate([out])
    by = {p.identity["工号"]: p for p in result.people}
    assert seen["K1"] == 99 == by["K1"].supervisor_score.total != by["K1"].score.total
    assert seen["K5"] == 94


def test_no_peer_files_means_supervisor_only_and_nothing_missing(tmp_path, roster):
    _, out = make(tmp_path, roster)
    fill_month(out)
    for path in out.glob("互评-*.xlsx"):
        path.unlink()
    result = consolidate([out])
    by = {p.identity["工号"]: p for p in result.people}
    assert by["K1"].score.total == 99 and by["K1"].supervisor_score is None
    assert not result.issues


def test_tampered_self_rating_is_reported_and_ignored(tmp_path, roster):
    _, out = make(tmp_path, roster)
    fill_month(out)
    path = peer_file(out, "K4")
    book = openpyxl.load_workbook(path)
    book[peer_forms.SHEET_NAME]["A5"] = "K4"  # K4 turns the row about K5 into a row about themselves
    book.save(path)
    result = consolidate([out])
    by = {p.identity["工号"]: p for p in result.people}
    assert by["K5"].supervisor_score is None and by["K5"].score.total == 94  # the rating did not count
    assert any(i.file == path.name and i.cell == "A5" and "评价了自己" in i.message and i.person == "K4"
               for i in result.issues)


def test_weights_come_from_the_scheme_when_set(tmp_path, roster):
    scheme, _ = get_scheme_with_text("cs-quant")
    settings = peermod.peer_settings(scheme)
    assert settings.peer_weight == Decimal("0.4") and settings.supervisor_weight == Decimal("0.6")
    assert [i.id for i in settings.indicators] == ["collaboration", "info_sharing"]

    class WithPeer:
        def __init__(self, inner):
            self._inner = inner
            self.peer = {"peer_weight": "50%"}

        def __getattr__(self, name):
            return getattr(self._inner, name)

    half = peermod.peer_settings(WithPeer(scheme))
    assert half.peer_weight == Decimal("0.5")
    assert peermod.combine(Decimal(5), [Decimal(2), Decimal(3)], half, 2) == Decimal("3.75")
    assert peermod.combine(Decimal(5), [Decimal(2), Decimal(2), Decimal(3)], settings, 2) == Decimal("3.93")


def test_cli_generate_peer(tmp_path, roster):
    out = tmp_path / "cli"
    result = CliRunner().invoke(main, ["generate", "--scheme", "cs-quant", "--roster", str(roster),
                                       "--period", PERIOD, "--out", str(out), "--peer"])
    assert result.exit_code == 0, result.output
    assert "已生成 5 份互评表" in result.output
    assert len(list(out.glob("互评-*.xlsx"))) == 5
    bad = CliRunner().invoke(main, ["generate", "--scheme", "advisor-4s", "--roster", str(roster),
                                    "--period", PERIOD, "--out", str(tmp_path / "bad"), "--peer"])
    assert bad.exit_code == 2 and "没有可互评的团队协作指标" in bad.output
    assert not (tmp_path / "bad").exists()
