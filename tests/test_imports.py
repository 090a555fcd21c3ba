"""The package's modules import downwards only: no import circle, counting imports made inside functions (an
import hidden in a function to dodge a circle is still a circle: the concept lives in the wrong place), and no
layer imports a layer above it (base < schemes < engine < excel < tickets < workflow < udfs < addin < the
command line and the ribbon: the add-in is built from the UDFs' signatures, the ribbon calls the add-in's build)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "xl_kpi"
LAYERS = ["base", "schemes", "engine", "excel", "tickets", "workflow", "udfs", "addin", "faces"]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(node: ast.AST, here: str, is_package: bool) -> list[str]:
    """The xl_kpi modules (or packages) an import statement names, as dotted names."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.startswith("xl_kpi")]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = here.split(".") if is_package else here.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    if not source.startswith("xl_kpi"):
        return []
    return [source] + [f"{source}.{a.name}" for a in node.names]


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            edges.update(n for n in imported(node, name, path.stem == "__init__") if n in paths)
        graph[name] = {m for m in edges if m != name and m != "xl_kpi"}
    return graph


def layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS):
        return LAYERS.index(parts[1])
    return LAYERS.index("udfs" if module == "xl_kpi.udfs" else "faces")  # xl_kpi.cli, xl_kpi.ribbon


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def upward(graph: dict[str, set[str]]) -> list[str]:
    return sorted(f"{a} -> {b}" for a, targets in graph.items() for b in targets
                  if a.count(".") and layer(b) > layer(a))


def test_no_import_circle():
    assert circles(import_graph()) == []


def test_no_layer_imports_a_layer_above_it():
    assert upward(import_graph()) == []


def test_the_graph_sees_every_kind_of_import():
    graph = import_graph()
    assert "xl_kpi.base.errors" in graph["xl_kpi.engine.score"]  # from xl_kpi.base.errors import …
    assert "xl_kpi.engine.payroll" in graph["xl_kpi.udfs"]  # from xl_kpi.engine import payroll
    assert len(graph) > 50


def test_the_checks_find_a_circle_and_an_upward_arrow():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert upward({"xl_kpi.base.x": {"xl_kpi.workflow.y"}, "xl_kpi.workflow.y": {"xl_kpi.base.x"}}) == [
        "xl_kpi.base.x -> xl_kpi.workflow.y"]
