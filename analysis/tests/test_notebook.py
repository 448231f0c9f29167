"""The notebooks run top to bottom: the quickstart against a freshly simulated file; the
alerting notebook against the shipped essay-app-alerting.yaml and shop-slos.yaml, simulated by
the engine; the outages notebook against a synthetic time-run file (tests/time_files.py) named
by NINES_TIME_RUN, so that it runs without the engine, and, when there is an engine binary,
against the real file it simulates itself.

It is executed with nbclient on a kernel whose spec this test writes itself, pointing at the
interpreter running the tests (the system /usr/bin/python3 with ipykernel): the kernel that
happens to be registered as "python3" may belong to another Python without the packages.
"""
import json
import os
import sys

import pytest

import nines
from conftest import ANALYSIS

import time_files

NOTEBOOK = ANALYSIS / "notebooks" / "quickstart.ipynb"
OUTAGES_NOTEBOOK = ANALYSIS / "notebooks" / "outages.ipynb"
ALERTING_NOTEBOOK = ANALYSIS / "notebooks" / "alerting.ipynb"


@pytest.fixture
def kernel_name(plain_kernel_name, monkeypatch, nines_binary):
    monkeypatch.setenv("NINES_BINARY", os.path.abspath(nines_binary))
    return plain_kernel_name


@pytest.fixture
def plain_kernel_name(tmp_path, monkeypatch):
    pytest.importorskip("ipykernel")
    name = "nines-test-python"
    spec = tmp_path / "jupyter" / "kernels" / name
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "nines test kernel", "language": "python",
    }))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("PYTHONPATH", str(ANALYSIS) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel must use its inline backend
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the notebook's files land here
    return name


def execute(path, kernel_name, tmp_path) -> list:
    """Runs the notebook at `path` and returns its code cells' outputs."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, kernel_name=kernel_name, timeout=600,
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError with the failing cell's traceback
    nbformat.write(notebook, tmp_path / f"executed-{path.name}")
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]


def test_quickstart_notebook_executes(kernel_name, tmp_path):
    outputs = execute(NOTEBOOK, kernel_name, tmp_path)
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # pareto, convergence, essay curves
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "reliability (analytic):   0.92274" in text
    assert "verdict: agrees with the analytic model" in text
    assert list(tmp_path.glob("nines-quickstart-*/essay-app.html"))


def test_outages_notebook_executes_on_a_time_run(plain_kernel_name, tmp_path, monkeypatch):
    run_file = time_files.make_time_run(tmp_path / "time-run.h5", histories=30)
    monkeypatch.setenv("NINES_TIME_RUN", str(run_file))
    outputs = execute(OUTAGES_NOTEBOOK, plain_kernel_name, tmp_path)
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 4  # downtime distribution, timeline, SLO attainment, error budget
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "synthetic-time: 30 histories of 120 days" in text
    assert "windows meeting 99.9% by time:" in text
    assert list(tmp_path.glob("nines-outages-*/essay-app-over-a-year.html"))


def test_outages_notebook_executes_with_the_engine(kernel_name, tmp_path, monkeypatch):
    """No NINES_TIME_RUN: the notebook runs its own scenario through the engine (2,000
    histories of a year, about a second) and reads the real file."""
    monkeypatch.delenv("NINES_TIME_RUN", raising=False)
    outputs = execute(OUTAGES_NOTEBOOK, kernel_name, tmp_path)
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 4
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "essay-app-over-a-year: 2,000 histories of 365 days, seed 2026, record outages" \
        in text
    assert "windows meeting 99.9% by time:" in text
    assert "336 windows per history" in text  # rolling 30-day windows in 365 days
    files = list(tmp_path.glob("nines-outages-*/essay-app-over-a-year.h5"))
    assert len(files) == 1
    with nines.open(files[0]) as run:
        assert run.metadata.nines_version != "0.0.0-synthetic"
    assert list(tmp_path.glob("nines-outages-*/essay-app-over-a-year.html"))


def test_alerting_notebook_executes_with_the_engine(kernel_name, tmp_path):
    """The shipped alert policies over 100 histories of a year, compared; then the SLOs of
    shop-slos.yaml over 200."""
    outputs = execute(ALERTING_NOTEBOOK, kernel_name, tmp_path)
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 5  # comparison, noise by hour, burn rates; SLOs met, budget consumed
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "essay-app-alerting: 100 histories of 365 days, seed 2026, record outages" in text
    assert "workbook: median time to page" in text and "naive: median time to page" in text
    assert "rule page-1h fires at minute" in text
    assert "checkout-three-nines: 0.0% of windows met" in text
    assert list(tmp_path.glob("nines-alerting-*/essay-app-alerting.html"))
