"""The OCR package and the loaders import in one direction only, and only at module top.

Why: `pipeline/ocr/` is layered (types → stream → tesseract → preprocess/layout/repair → reread →
page) so any module can be read, tested and replaced with the ones below it; an import hidden in a
function to dodge a cycle is how the old flat modules came to depend on each other both ways.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pipeline/ocr", "pipeline/loaders")


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _project_imports(tree: ast.AST, *, top: bool) -> set[str]:
    """Project modules imported at module top (`top`) or inside functions and classes (not `top`)."""
    found: set[str] = set()
    body = tree.body if top else [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    nodes = body if top else [n for f in body for n in ast.walk(f)]
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in ("pipeline", "extractors"):
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] in ("pipeline", "extractors"))
    return found


def _files() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).glob("*.py"))


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_project_import_inside_a_function(path: Path) -> None:
    assert _project_imports(ast.parse(path.read_text(encoding="utf-8")), top=False) == set()


def test_ocr_and_loaders_import_graph_has_no_cycle() -> None:
    modules = {_module(p): p for p in _files()}
    graph = {
        name: {m for m in _project_imports(ast.parse(p.read_text(encoding="utf-8")), top=True) if m in modules} - {name}
        for name, p in modules.items()
    }
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as e:
        pytest.fail(f"import cycle: {' -> '.join(e.args[1])}")
    assert order.index("pipeline.ocr.types") < order.index("pipeline.ocr.page")


def test_ocr_types_import_nothing_of_the_package_above_them() -> None:
    tree = ast.parse((ROOT / "pipeline/ocr/types.py").read_text(encoding="utf-8"))
    assert not {m for m in _project_imports(tree, top=True) if m.startswith("pipeline.ocr")}
