"""The package's import structure: no cycles, no private names borrowed across modules.

Every ``import`` / ``from ... import`` statement of every module under ``instnet/``
is read with :mod:`ast` (at any depth: an import inside a function is an
import too, so the checks see the lazy imports as well; only imports under
``if TYPE_CHECKING:``, which never run, are left out).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import instnet

ROOT = Path(instnet.__file__).parent


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


MODULES = _modules()


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` but those under ``if TYPE_CHECKING:`` (imports for type checkers only)."""
    out: list[ast.AST] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        out.append(node)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return out


def _imports(module: str, path: Path) -> list[tuple[str, str | None, int]]:
    """(imported module, imported name or None, line) of every instnet import of ``module``."""
    out = []
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, None, node.lineno) for a in node.names if a.name.split(".")[0] == "instnet"]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, path, node)
            if target.split(".")[0] != "instnet":
                continue
            for a in node.names:
                sub = f"{target}.{a.name}"
                if sub in MODULES:  # "from . import core": the submodule itself
                    out.append((sub, None, node.lineno))
                else:
                    out.append((target, a.name, node.lineno))
    return out


def _private(name: str) -> bool:
    # ``_`` is gettext's conventional name (instnet.i18n); dunders are public by convention
    return name.startswith("_") and name != "_" and not name.startswith("__")


def _is_private_module(module: str) -> bool:
    return any(_private(part) for part in module.split("."))


def test_no_private_name_is_imported_from_a_public_module() -> None:
    bad = []
    for module, path in MODULES.items():
        for target, name, line in _imports(module, path):
            if name is not None and _private(name) and target != module and not _is_private_module(target):
                bad.append(f"{path.relative_to(ROOT.parent)}:{line}: {name} from {target}")
    assert not bad, "private names imported from public modules:\n" + "\n".join(bad)


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        for target, _name, _line in _imports(module, path):
            if target == "instnet" or target == module:
                continue  # the front door (lazy attributes) is not a layer
            while target not in MODULES and "." in target:
                target = target.rpartition(".")[0]
            if target in MODULES and not (module.startswith(target + ".") and MODULES[target].name == "__init__.py"):
                graph[module].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_package_has_no_import_cycle() -> None:
    cycles = _cycles(_graph())
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_a_package_importing_its_own_submodules_is_no_cycle() -> None:
    graph = _graph()
    assert "instnet.cli.core" in graph["instnet.cli"]


def test_import_instnet_is_cheap() -> None:
    code = ("import sys, instnet; heavy = [m for m in ('pandas', 'pyarrow', 'scipy', 'networkx', 'neo4j') "
            "if m in sys.modules]; print(','.join(heavy))")
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert got.stdout.strip() == ""


def test_cli_help_is_cheap() -> None:
    code = ("import sys\nfrom instnet.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('pandas', 'pyarrow', 'scipy', 'networkx', 'neo4j') if m in sys.modules]\n"
            "print('HEAVY=' + ','.join(heavy))")
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert got.stdout.strip().splitlines()[-1] == "HEAVY="
