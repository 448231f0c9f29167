"""The package is laid out by stage and its imports go one way:

    base (errors, version, formatting, engine)  <-  stats  <-  readers  <-  plots  <-  report
                                                                             <-  nines, __main__

Two proofs. Statically, every import statement in the package (at module level or inside a
function: a lazy import is still a dependency) is resolved to the module it loads, and the
graph must respect the layers and have no cycle. At run time, a fresh interpreter imports
every module in dependency order under a bare `nines` package (its __init__, which loads
almost everything, not run), and each import may load nothing from a higher layer.
"""
from __future__ import annotations

import ast
import json
import pathlib
import subprocess
import sys

from conftest import ANALYSIS

PACKAGE = ANALYSIS / "nines"
BASE = ("errors", "version", "formatting", "engine")
STAGES = ("stats", "readers", "plots", "report")
TOP = ("__init__", "__main__")


def module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(ANALYSIS).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def layer(name: str) -> tuple[int, str]:
    """(layer, stage) of a module: base 0, the stages 1-4, the package's top 5."""
    parts = name.split(".")
    if name in ("nines", "nines.__main__"):
        return 5, "top"
    if parts[1] in BASE:
        return 0, "base"
    return 1 + STAGES.index(parts[1]), parts[1]


def ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def imports_of(name: str) -> set[str]:
    """The package's modules that `name` loads: each import resolved to a module (or, for a
    name that is not a module, the package it comes from), plus the packages above each one,
    which Python initialises first (except those above `name` itself, already loading)."""
    tree = ast.parse(MODULES[name].read_text(), str(MODULES[name]))
    here = name if is_package(name) else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")
                base = base[:len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            targets = [f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in MODULES
                       else origin for alias in node.names]
        for target in targets:
            while target and target not in MODULES and "." in target:
                target = target.rpartition(".")[0]  # import nines.x.y of a name in nines.x
            if target in MODULES:
                found.add(target)
                found.update(a for a in ancestors(target) if a not in ancestors(name))
    found.discard(name)
    found.discard("nines")  # the root is every module's ancestor: always initialised first
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def test_the_stages_are_the_packages_folders():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == set(STAGES)
    files = {p.stem for p in PACKAGE.glob("*.py")}
    assert files == set(BASE) | set(TOP)


def test_imports_only_go_down():
    wrong = []
    for name, deps in GRAPH.items():
        mine = layer(name)
        for dep in deps:
            theirs = layer(dep)
            if theirs[0] > mine[0] or (theirs[0] == mine[0] and theirs[1] != mine[1]):
                wrong.append(f"{name} ({mine[1]}) imports {dep} ({theirs[1]})")
    assert not wrong, "imports against the layering:\n" + "\n".join(sorted(wrong))


def topological_order() -> list[str]:
    """Every module after the modules it imports; a cycle fails the test that calls it."""
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "open":
            raise AssertionError("import cycle: " + " -> ".join(path + [name]))
        state[name] = "open"
        for dep in sorted(GRAPH[name]):
            visit(dep, path + [name])
        state[name] = "done"
        order.append(name)

    for name in sorted(GRAPH):
        visit(name, [])
    return order


def test_no_import_cycle():
    order = topological_order()
    assert order.index("nines.errors") < order.index("nines.readers.hdf5") < \
        order.index("nines.report")
    # The three reports no longer import each other (nines 0.2: report <-> structure_report
    # <-> sweep_report).
    reports = {"nines.report.run", "nines.report.structure", "nines.report.sweep"}
    for name in reports:
        assert not GRAPH[name] & reports, name


def test_the_graph_sees_lazy_and_relative_imports():
    # A function-level import is a dependency too; relative imports resolve to modules.
    assert "nines.report" in GRAPH["nines.__main__"]
    assert {"nines.stats.analytic", "nines.stats", "nines.readers.hdf5"} <= \
        GRAPH["nines.readers.run_file"]
    assert "nines.readers.importance" in GRAPH["nines.report.structure"]
    assert "nines.readers" in GRAPH["nines.report.structure"]  # its package runs first


_RUNTIME_CHECK = r"""
import importlib, json, sys, types
package, order, layers = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
root = types.ModuleType("nines")
root.__path__ = [package]  # a bare package: nines/__init__.py, which imports the stages, not run
sys.modules["nines"] = root
problems = []
for name in order:
    if name in ("nines", "nines.__main__"):  # the top: they use the root's exports
        continue
    before = set(sys.modules)
    importlib.import_module(name)
    for new in sorted(set(sys.modules) - before):
        if new.startswith("nines.") and layers[new] > layers[name]:
            problems.append(f"importing {name} loaded {new}")
print(json.dumps(problems))
"""


def test_each_module_imports_in_dependency_order_in_a_fresh_interpreter():
    order = topological_order()
    layers = {name: layer(name)[0] for name in MODULES}
    done = subprocess.run([sys.executable, "-c", _RUNTIME_CHECK, str(PACKAGE), json.dumps(order),
                           json.dumps(layers)], capture_output=True, text=True, cwd=ANALYSIS,
                          env={"PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_import_nines_leaves_plots_and_report_for_first_use():
    # `import nines` stays light (no matplotlib) and nines.plots still works, as the README's
    # `nines.plots.pareto(run)` needs.
    code = ("import sys, nines; light = 'matplotlib' not in sys.modules; "
            "print(light, callable(nines.plots.pareto), callable(nines.report.write_report))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ANALYSIS),
                               "MPLBACKEND": "Agg"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True"]


def test_one_list_of_importance_measures():
    # Readers, report and plots take the measures from readers/importance.py; no other module
    # spells out a measure's dataset name in a list of its own.
    from nines.readers.importance import IMPORTANCE_MEASURES, MEASURES
    assert IMPORTANCE_MEASURES == tuple(m.name for m in MEASURES)
    for name in ("nines.readers.structure", "nines.report.structure", "nines.plots.structure"):
        assert "nines.readers.importance" in GRAPH[name], name
    for name, path in MODULES.items():
        if name == "nines.readers.importance":
            continue
        source = path.read_text()
        assert '"fussell_vesely"' not in source and "'fussell_vesely'" not in source, name
