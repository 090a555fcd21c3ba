"""Template workbooks: one per built-in scheme, with a blank sheet and the 规则 sheet.

HR copies a template, edits its 规则 sheet if the company's rules differ, and
passes the template to `xl-kpi generate --scheme 模板.xlsx`.
"""

from __future__ import annotations

from pathlib import Path

from xl_kpi.base.files import atomic_path
from xl_kpi.excel.layout import layout_for
from xl_kpi.excel.roster import Person
from xl_kpi.schemes.scheme import builtin_ids, builtin_scheme, builtin_text
from xl_kpi.workflow.generate import build_workbook

EXAMPLE = Person({"工号": "", "姓名": "示例", "部门": "", "岗位": "", "直属主管": ""}, {}, 0)


def build_templates(out_dir: str | Path) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for sid in builtin_ids():
        scheme = builtin_scheme(sid)
        book = build_workbook(scheme, builtin_text(sid), [EXAMPLE], "YYYY-MM", layout_for(scheme), lang="zh-Hans",
                              mode="native", prefill={}, password=None, department=None)
        rules = book["规则"]
        rules.protection.sheet = False  # HR edits the rules here: shown first, and printed as one note only
        rules.sheet_state = "visible"
        rules.print_area = "A1"
        target = out / f"{sid}.xlsx"
        with atomic_path(target) as tmp:
            book.save(tmp)
        written.append(target)
    return written
