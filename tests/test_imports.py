"""The shape of the code, read from its source: a stage is a package that only imports downwards.

An AST walk over pipeline/ and extractors/ (no import is executed) finds every import of a project
module and asserts: no import cycles between modules; `extractors/` never imports the later stages
(`pipeline.check`, `pipeline.read`, `pipeline.store`, `pipeline.cli`); no function-level import of a
project module (the old way of dodging a cycle); no module over 600 lines. Importing a submodule is not
counted as importing its parent package's `__init__`, so a package re-exporting its own modules is fine.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from conftest import ROOT

PACKAGES = ("pipeline", "extractors")
MAX_LINES = 600
LATER_STAGES = ("pipeline.check", "pipeline.read", "pipeline.store", "pipeline.cli")



@dataclass(frozen=True, slots=True)
class Import:
    source: str  # importing module
    target: str  # imported project module
    line: int
    in_function: bool


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, in_function: bool = False) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            continue  # never executed: no runtime dependency
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, in_function
        yield from _walk(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """The project modules `name` imports: `from a import b` names module a.b when there is one, else a."""
    is_pkg = path.name == "__init__.py"
    out = []
    for node, in_function in _walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_pkg else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        for t in dict.fromkeys(targets):
            while t and t not in modules:  # `import pipeline.x.y` where y is a name: the deepest module
                t = t.rpartition(".")[0]
            if t and t != name:
                out.append(Import(name, t, node.lineno, in_function))
    return out


def all_imports() -> list[Import]:
    modules = project_modules()
    return [i for name, path in modules.items() for i in imports_of(name, path, modules)]


def cycles(edges: list[Import]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        graph.setdefault(e.source, set()).add(e.target)
        graph.setdefault(e.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def _new(offenders: list[str]) -> list[str]:
    return sorted(set(offenders))


def test_the_walk_sees_the_packages() -> None:
    edges = all_imports()
    assert {"pipeline.cli", "pipeline.store", "pipeline.read.report"} <= set(project_modules())
    assert any(e.source == "pipeline.cli" and e.target == "pipeline.cli.audit" for e in edges)
    assert cycles([Import("a", "b", 1, False), Import("b", "c", 1, False), Import("c", "a", 1, False),
                   Import("c", "d", 1, False)]) == [["a", "b", "c"]]


def test_no_import_cycles() -> None:
    found = [f"cycle: {' -> '.join(c)}" for c in cycles(all_imports())]
    assert not _new(found), "import cycles between modules:\n" + "\n".join(_new(found))


def test_extractors_never_import_the_later_stages() -> None:
    found = [f"extractors import a later stage: {e.source} -> {e.target}" for e in all_imports()
             if e.source.startswith("extractors")
             and any(e.target == s or e.target.startswith(s + ".") for s in LATER_STAGES)]
    assert not _new(found), "\n".join(_new(found))


def test_no_function_level_imports_of_project_modules() -> None:
    found = [f"function-level import: {e.source} -> {e.target}" for e in all_imports() if e.in_function]
    assert not _new(found), "import these at the top of the module:\n" + "\n".join(_new(found))


def test_no_module_over_600_lines() -> None:
    found = []
    for name, path in project_modules().items():
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_LINES:
            found.append(f"over {MAX_LINES} lines: {name}")
    assert not _new(found), "split these modules:\n" + "\n".join(_new(found))
