"""The Python package installs as the README says, into a fresh venv that sees Debian's
packages (`python3 -m venv --system-site-packages`, then `pip install --no-build-isolation
analysis/`: no package index involved), and its console commands run on a real run file from
outside the source tree, importing the installed copy."""
import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import run

PYTHON = "/usr/bin/python3"


def missing_python_tools():
    """What Debian package the venv and the install need and this machine lacks, if any."""
    for module, package in [("venv", "python3-venv"), ("ensurepip", "python3-venv"),
                            ("setuptools", "python3-setuptools"), ("pip", "python3-pip")]:
        if subprocess.run([PYTHON, "-c", f"import {module}"], capture_output=True).returncode:
            return package
    return None


@pytest.fixture(scope="module")
def venv(tmp_path_factory, root):
    missing = missing_python_tools()
    if missing:
        pytest.skip(f"{missing} is not installed: cannot make a venv and pip-install into it "
                    f"(scripts/install-deps analysis installs it)")
    work = tmp_path_factory.mktemp("pip")
    # A copy, so that the build's leftovers (build/, nines.egg-info) stay out of the checkout.
    source = work / "analysis"
    shutil.copytree(root / "analysis", source,
                    ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info", "tests"))
    env_dir = work / "venv"
    run([PYTHON, "-m", "venv", "--system-site-packages", env_dir])
    # No index, no version check: everything must come from the system site packages, and a
    # machine without network must not wait for time-outs.
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    run([env_dir / "bin" / "pip", "install", "--no-build-isolation", f"{source}/"], env=env,
        cwd=work)
    return env_dir


@pytest.fixture(scope="module")
def outside(tmp_path_factory):
    """A working directory outside the checkout, and an environment without PYTHONPATH: only
    the installed package can be imported."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return tmp_path_factory.mktemp("outside"), env


@pytest.fixture(scope="module")
def run_file(tmp_path_factory, root):
    binary = os.environ.get("NINES_BINARY", str(root / "build" / "nines"))
    if not os.access(binary, os.X_OK):
        pytest.fail(f"nines binary not found at {binary}; build first or set NINES_BINARY")
    path = tmp_path_factory.mktemp("run") / "seed-app.h5"
    run([binary, "run", root / "scenarios" / "seed-app.yaml", "-n", "20000", "-o", path])
    return path


def test_the_installed_copy_is_imported(venv, outside):
    cwd, env = outside
    proc = run([venv / "bin" / "python", "-c", "import nines; print(nines.__file__)"], cwd=cwd,
               env=env)
    assert pathlib.Path(proc.stdout.strip()).is_relative_to(venv)


def test_nines_report_writes_the_html_report(venv, outside, run_file):
    cwd, env = outside
    report = cwd / "report.html"
    proc = run([venv / "bin" / "nines-report", run_file, "-o", report], cwd=cwd, env=env)
    assert f"wrote {report}" in proc.stdout
    page = report.read_text()
    assert page.lstrip().lower().startswith("<!doctype html") and "seed-app" in page


def test_nines_analysis_has_every_subcommand(venv, outside, run_file):
    cwd, env = outside
    proc = run([venv / "bin" / "nines-analysis", "summary", run_file], cwd=cwd, env=env)
    assert "seed-app" in proc.stdout
    bad = subprocess.run([venv / "bin" / "nines-report", cwd / "missing.h5"], cwd=cwd, env=env,
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "missing.h5" in bad.stderr
