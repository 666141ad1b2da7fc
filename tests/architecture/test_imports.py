"""The data path reads from the folders, and every import points one way along it.

Each package of the core sits on a layer; a module may import its own package and the layers below, never a
layer above, and no two modules import each other (directly or round a loop). Imports inside functions count
too: hiding an import in a function does not remove the dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Lowest first: bytes → layout/codec → checks → schemas → steps → jobs → privacy → sample → cli → flows.
LAYERS = [
    {"juki", "juki.errors", "juki.rejects", "juki.dates", "juki.progress"},
    {"juki.storage"},
    {"juki.layout", "juki.layouts"},
    {"juki.codec"},
    {"juki.checks", "juki.city", "juki.registry"},
    {"juki.schemas"},
    {"juki.steps"},
    {"juki.jobs"},
    {"juki.privacy", "juki.reports"},
    {"juki.sample"},
    {"juki.cli"},
    {"juki.flows"},
]
LAYER_OF = {name: i for i, names in enumerate(LAYERS) for name in names}
SOURCES = {"juki": ROOT / "juki", "juki.schemas": ROOT / "schemas", "juki.layouts": ROOT / "layouts",
           "juki.flows": ROOT / "flows"}


def modules() -> dict[str, Path]:
    out = {}
    for prefix, folder in SOURCES.items():
        for path in folder.rglob("*.py"):
            rel = path.relative_to(folder).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            out[".".join([prefix, *parts]) if parts else prefix] = path
    return out


MODULES = modules()


def imports_of(name: str, path: Path) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            # `from pkg import mod` names a module when mod is one, else the package itself
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


GRAPH = {name: imports_of(name, path) for name, path in MODULES.items()}


def package_of(module: str) -> str:
    best = max((p for p in LAYER_OF if module == p or module.startswith(p + ".")), key=len, default=None)
    assert best is not None, f"{module} is on no layer: add its package to LAYERS (and to docs/ARCHITECTURE.md)"
    return best


def test_every_module_is_on_a_layer():
    for module in MODULES:
        package_of(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module):
    own = LAYER_OF[package_of(module)]
    upward = sorted(t for t in GRAPH[module] if LAYER_OF[package_of(t)] > own)
    assert not upward, f"{module} (layer {own}) imports from a higher layer: {upward}"


def test_no_import_cycle():
    """Tarjan's strongly connected components: any component of more than one module is a cycle."""
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_modules_stay_small():
    """A module a maintainer can hold in their head: about 300 lines at most."""
    big = {name: n for name, path in MODULES.items() if (n := len(path.read_text(encoding="utf-8").splitlines())) > 320}
    assert not big, f"modules over ~300 lines: {big}"
