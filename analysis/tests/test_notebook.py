"""The quickstart notebook runs top to bottom against a freshly simulated file.

It is executed with nbclient on a kernel whose spec this test writes itself, pointing at the
interpreter running the tests (the system /usr/bin/python3 with ipykernel): the kernel that
happens to be registered as "python3" may belong to another Python without the packages.
"""
import json
import os
import sys

import pytest

from conftest import ANALYSIS

NOTEBOOK = ANALYSIS / "notebooks" / "quickstart.ipynb"


@pytest.fixture
def kernel_name(tmp_path, monkeypatch, nines_binary):
    pytest.importorskip("ipykernel")
    name = "nines-test-python"
    spec = tmp_path / "jupyter" / "kernels" / name
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "nines test kernel", "language": "python",
    }))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("NINES_BINARY", os.path.abspath(nines_binary))
    monkeypatch.setenv("PYTHONPATH", str(ANALYSIS) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel must use its inline backend
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the notebook's files land here
    return name


def test_quickstart_notebook_executes(kernel_name, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, kernel_name=kernel_name, timeout=600,
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError with the failing cell's traceback
    nbformat.write(notebook, tmp_path / "executed.ipynb")

    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # pareto, convergence, essay curves
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "reliability (analytic):   0.92274" in text
    assert "verdict: agrees with the analytic model" in text
    assert list(tmp_path.glob("nines-quickstart-*/essay-app.html"))
