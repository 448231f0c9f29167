"""The examples in README.md and analysis/README.md run (issue 15), so that they cannot rot.

Which blocks run. Every fenced block whose info string starts with `sh`, `bash`, `console` or
`python` runs, unless the line right before its opening fence is an HTML comment marking it
illustrative. Other blocks (```yaml, and bare ``` blocks, which hold output) are not run; a bare
block whose lines start with "$ " is a transcript and must say so (```console), which the test
checks.

Markers (an HTML comment on the line right before the opening fence; Markdown hides it):

    <!-- illustrative: WHY -->     not run: it installs packages, takes minutes, or needs MPI, a
                                   cluster or files the reader brings. WHY is required. Python
                                   blocks marked so are still compiled, shell blocks still parsed
                                   (bash -n).
    <!-- readme-test: requests=N histories=N -->
                                   run, but smaller: every `nines run` of the block gets
                                   `-n N` (chain and structure scenarios) or `--histories N`
                                   (format 3), and every `nines sweep` runs a copy of its sweep
                                   file whose run.requests (and a swept time.histories) is N.
                                   What the block computes is unchanged, only its sample size.
    <!-- readme-test: json -->     the block parses `--json` output: the JSON shapes may change
                                   (issue 15's one schema), so this names the blocks to adapt.

How blocks run.
- Shell (sh, bash): each block runs with `bash -euo pipefail` in a fresh directory holding a
  copy of scenarios/; `build/nines` and a bare `nines` are the binary under test
  (NINES_BINARY). console blocks run their "$ " lines the same way; the output shown is not
  compared (it comes from full-size runs).
- Python: the blocks of one section (the text under one ## heading, its ### subsections
  included) run in order in one namespace, as in a notebook, in a directory holding the files they open. Those files are
  made by the engine from the shipped scenarios at small sizes (FILES below): a block that
  opens a file the table does not know fails, so a new example must say where its file comes
  from.
"""
from __future__ import annotations

import dataclasses
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys

import pytest
import yaml

HERE = pathlib.Path(__file__).resolve().parent
ANALYSIS = HERE.parent
ROOT = ANALYSIS.parent
SCENARIOS = ROOT / "scenarios"
DOCUMENTS = {"README.md": ROOT / "README.md", "analysis/README.md": ANALYSIS / "README.md"}

RUN_LANGUAGES = {"sh": "shell", "bash": "shell", "console": "console", "python": "python"}
_FENCE = re.compile(r"^(```+)\s*([^\s`]*)\s*(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MARKER = re.compile(r"^<!--\s*(illustrative|readme-test)\s*:?\s*(.*?)\s*-->\s*$")


@dataclasses.dataclass(frozen=True)
class Block:
    document: str
    line: int            # of the opening fence, 1-based
    language: str        # the info string's first word ("" for a bare fence)
    section: str
    code: str
    illustrative: str | None   # the reason, or None
    options: dict        # from <!-- readme-test: ... -->

    @property
    def kind(self) -> str | None:
        return RUN_LANGUAGES.get(self.language)

    @property
    def id(self) -> str:
        return f"{self.document}:{self.line}"


def parse_blocks(document: str, text: str) -> list[Block]:
    """The fenced blocks of a Markdown text, with their section and marker."""
    blocks = []
    lines = text.splitlines()
    section = "(top)"
    i = 0
    while i < len(lines):
        heading = _HEADING.match(lines[i])
        if heading and len(heading.group(1)) <= 2:  # sections are ## headings: ### nest
            section = heading.group(2)
        fence = _FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        ticks, language = fence.group(1), fence.group(2)
        start = i
        i += 1
        body = []
        while i < len(lines) and not lines[i].startswith(ticks):
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise AssertionError(f"{document}:{start + 1}: a fence that is never closed")
        i += 1
        illustrative, options = None, {}
        marker = _MARKER.match(lines[start - 1]) if start > 0 else None
        if marker and marker.group(1) == "illustrative":
            illustrative = marker.group(2)
        elif marker:
            for word in marker.group(2).split():
                key, _, value = word.partition("=")
                options[key] = value or True
        blocks.append(Block(document, start + 1, language, section, "\n".join(body) + "\n",
                            illustrative, options))
    return blocks


def all_blocks() -> list[Block]:
    return [block for name, path in DOCUMENTS.items()
            for block in parse_blocks(name, path.read_text(encoding="utf-8"))]


BLOCKS = all_blocks()
RUNNABLE = [b for b in BLOCKS if b.kind and b.illustrative is None]


def by_id(blocks: list[Block]):
    """parametrize's values and ids (empty lists included: then the test is skipped)."""
    return {"argvalues": blocks, "ids": [b.id for b in blocks]}


# --- the conventions themselves -------------------------------------------------------------

def test_the_documents_have_runnable_blocks_of_each_kind():
    kinds = {b.kind for b in RUNNABLE}
    assert {"shell", "python"} <= kinds, kinds
    assert any(b.document == "analysis/README.md" and b.kind == "python" for b in RUNNABLE)


@pytest.mark.parametrize("block", **by_id([b for b in BLOCKS if b.illustrative is not None]))
def test_illustrative_blocks_say_why_and_still_parse(block):
    assert block.kind, f"{block.id}: an illustrative marker on a ```{block.language} block"
    assert block.illustrative.strip(), f"{block.id}: <!-- illustrative: WHY --> needs a WHY"
    if block.kind == "python":
        compile(block.code, block.id, "exec")
    else:
        commands = console_commands(block.code) if block.kind == "console" else block.code
        subprocess.run(["bash", "-n"], input=commands, text=True, check=True)


@pytest.mark.parametrize("block", **by_id([b for b in BLOCKS if not b.language]))
def test_bare_blocks_are_output_not_commands(block):
    prompts = [line for line in block.code.splitlines() if line.startswith("$ ")]
    assert not prompts, (f"{block.id}: a transcript ({prompts[0]!r}) in a bare block: fence it "
                         "```console (and mark it illustrative if it cannot run)")


def test_markers_parse():
    text = ("# A\n<!-- illustrative: needs root -->\n```sh\napt-get install x\n```\n"
            "## B\n<!-- readme-test: requests=10k json -->\n```python\nx = 1\n```\n```\nout\n```\n")
    first, second, third = parse_blocks("t.md", text)
    assert (first.kind, first.illustrative, first.section) == ("shell", "needs root", "A")
    assert (second.kind, second.illustrative, second.options) == (
        "python", None, {"requests": "10k", "json": True})
    assert second.section == "B" and second.line == 8 and third.kind is None


# --- shell blocks ---------------------------------------------------------------------------

def console_commands(code: str) -> str:
    return "".join(line[2:] + "\n" for line in code.splitlines() if line.startswith("$ "))


def _is_time_scenario(path: pathlib.Path) -> bool:
    return yaml.safe_load(path.read_text()).get("format_version") == 3


def _shrink_sweep(path: pathlib.Path, size: dict) -> None:
    """Rewrites a sweep file (a copy) to `size`: run.requests, and a swept time.histories."""
    sweep = yaml.safe_load(path.read_text())
    if "requests" in size and "requests" in sweep.get("run", {}):
        sweep["run"]["requests"] = size["requests"]
    for table in ("grid", "zip"):
        values = sweep.get(table, {})
        if "histories" in size and "time.histories" in values:
            values["time.histories"] = [size["histories"]] * len(values["time.histories"])
    path.write_text(yaml.safe_dump(sweep, sort_keys=False))


def shrink_command(words: list[str], workdir: pathlib.Path, size: dict) -> list[str]:
    """One `nines run|sweep FILE ...` command made smaller as the readme-test marker says."""
    if len(words) < 3 or words[1] not in ("run", "sweep"):
        return words
    target = workdir / words[2]
    if words[1] == "sweep":
        _shrink_sweep(target, size)
        return words
    if _is_time_scenario(target):
        return words + (["--histories", str(size["histories"])] if "histories" in size else [])
    return words + (["-n", str(size["requests"])] if "requests" in size else [])


def rewrite_shell(code: str, binary: str, workdir: pathlib.Path, size: dict) -> str:
    """The block's commands with build/nines (or nines) as the binary under test."""
    out = []
    for line in code.splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] in ("build/nines", "nines"):
            words = shrink_command(words, workdir, size)
            words[0] = binary
            line = shlex.join(words)
        out.append(line)
    return "\n".join(out) + "\n"


def fresh_workdir(tmp_path: pathlib.Path) -> pathlib.Path:
    shutil.copytree(SCENARIOS, tmp_path / "scenarios")
    return tmp_path


@pytest.mark.parametrize("block", **by_id([b for b in RUNNABLE
                                          if b.kind in ("shell", "console")]))
def test_shell_block_runs(block, nines_binary, tmp_path):
    workdir = fresh_workdir(tmp_path)
    code = console_commands(block.code) if block.kind == "console" else block.code
    size = {k: v for k, v in block.options.items() if k in ("requests", "histories")}
    script = rewrite_shell(code, nines_binary, workdir, size)
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=workdir, text=True,
                            capture_output=True, timeout=600)
    assert result.returncode == 0, (f"{block.id} exited {result.returncode}\n{script}\n"
                                    f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


# --- python blocks --------------------------------------------------------------------------

# The files the Python examples open, made by the engine from the shipped scenarios at sizes
# that keep the test to seconds: (command, scenario or sweep file in scenarios/ (or a path),
# sizes as for the readme-test marker, extra arguments).
FILES = {
    "seed-app.h5": ("run", "seed-app.yaml", {"requests": "200k"}, []),
    "seed-app-failures.h5": ("run", "seed-app.yaml", {"requests": "200k"},
                             ["--record", "failures"]),
    "zone-outage.h5": ("run", "zone-outage.yaml", {"requests": "200k"}, []),
    "ecommerce-mix.h5": ("run", "ecommerce-mix.yaml", {"requests": "200k"}, []),
    "essay-app-over-a-year.h5": ("run", "essay-app-over-a-year.yaml", {"histories": 200}, []),
    "zone-outages-over-time.h5": ("run", "zone-outages-over-time.yaml", {"histories": 20},
                                  ["--record", "requests"]),
    "essay-app-alerting.h5": ("run", "essay-app-alerting.yaml", {"histories": 50}, []),
    "shop-slos.h5": ("run", "shop-slos.yaml", {"histories": 50}, []),
    "spreadsheet.h5": ("sweep", "seed-spreadsheet.sweep.yaml", {"requests": 10_000},
                       ["--record-requests"]),  # its examples read point_failures
    "essay-app-replicas.h5": ("sweep", "essay-app-replicas.sweep.yaml", {"requests": 20_000},
                              ["--record-requests"]),  # its example reads p.failures
    "essay-app-over-a-year-monitoring.h5": ("sweep", "essay-app-over-a-year-monitoring.sweep.yaml",
                                            {"histories": 50}, []),
    # No shipped scenario has uncertain inputs yet: this one is the tests' own (tests/data).
    "shop-evidence.uncertainty.h5": ("uncertainty", HERE / "data" / "shop-evidence.yaml", {},
                                     ["--draws", "2000", "--target", "99.95%"]),
    "checkout-teams.h5": ("run", "checkout-teams.yaml", {"requests": "200k"}, []),
    "checkout-teams.allocation.h5": ("allocate", "checkout-teams.yaml", {},
                                     ["--target", "99.95%"]),
}
_OPENED = re.compile(r"""["']([\w.-]+\.h5)["']""")


def make_file(binary: str, directory: pathlib.Path, name: str) -> pathlib.Path:
    command, source, size, extra = FILES[name]
    target = directory / name
    if target.exists():
        return target
    scenarios = directory / "scenarios"
    if not scenarios.exists():
        shutil.copytree(SCENARIOS, scenarios)
    where = str(source) if isinstance(source, pathlib.Path) else f"scenarios/{source}"
    words = shrink_command(["nines", command, where], directory, size)
    # `nines uncertainty` has no --quiet (its short table goes nowhere); `nines allocate` is
    # quick and quiet already: it takes neither --quiet nor -t.
    options = {"allocate": [], "uncertainty": ["-t", "2"]}.get(command, ["--quiet", "-t", "2"])
    subprocess.run([binary, *words[1:], "-o", str(target), *options, *extra],
                   check=True, cwd=directory, timeout=600, stdout=subprocess.DEVNULL)
    return target


@pytest.fixture(scope="module")
def files_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("readme-files")


def _sections():
    sections: dict[tuple[str, str], list[Block]] = {}
    for block in RUNNABLE:
        if block.kind == "python":
            sections.setdefault((block.document, block.section), []).append(block)
    return sections


SECTIONS = _sections()


@pytest.mark.parametrize("key", list(SECTIONS), ids=lambda k: f"{k[0]}#{k[1]}")
def test_python_section_runs(key, nines_binary, files_dir, monkeypatch):
    import matplotlib.pyplot as plt

    blocks = SECTIONS[key]
    for block in blocks:
        for name in _OPENED.findall(block.code):
            assert name in FILES, (f"{block.id} opens {name}: add it to FILES in "
                                   f"{pathlib.Path(__file__).name}")
            make_file(nines_binary, files_dir, name)
    monkeypatch.chdir(files_dir)
    namespace = {"__name__": "__readme__"}
    try:
        for block in blocks:
            try:
                exec(compile(block.code, block.id, "exec"), namespace)
            except Exception as error:
                raise AssertionError(f"{block.id} ({key[1]}): {type(error).__name__}: "
                                     f"{error}") from error
    finally:
        for value in namespace.values():
            close = getattr(value, "close", None)
            if callable(close) and type(value).__module__.startswith(("nines", "h5py")):
                close()
        plt.close("all")


# --- the AttributeError the issue reported ---------------------------------------------------

def test_plots_and_report_are_reachable_after_import_nines_alone():
    """`import nines; nines.plots.pareto(run)`: in a fresh interpreter, where nothing else has
    imported nines.plots (inside pytest another test module may already have)."""
    code = ("import sys, nines\n"
            "assert 'nines.plots' not in sys.modules and 'matplotlib' not in sys.modules\n"
            "print(nines.plots.pareto.__name__, nines.report.write_report.__name__)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ANALYSIS)}, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["pareto", "write_report"]
