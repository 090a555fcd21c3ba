"""The modules of xl_kpi/tickets import downwards only (tests/test_imports.py looks at the package's top level:
this is the same check inside the subpackage, counting imports made inside functions too)."""

from __future__ import annotations

import ast
from pathlib import Path

from test_imports import circles

PACKAGE = Path(__file__).resolve().parents[2] / "xl_kpi" / "tickets"


def test_no_import_circle_inside_the_tickets_package():
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.glob("*.py"):
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                edges.update([node.module.split(".")[0]] if node.module else [a.name for a in node.names])
        graph[path.stem] = {m for m in edges if m in modules and m != path.stem}
    assert len(graph) > 10  # the package was found
    assert circles(graph) == []
