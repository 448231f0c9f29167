"""MPI: `mpirun -np 2 nines sweep|run` writes exactly what one process writes.

Runs only when nines was built with MPI (it links libmpi) and mpirun is installed. As root,
OpenMPI needs OMPI_ALLOW_RUN_AS_ROOT(_CONFIRM); --oversubscribe lets two ranks share fewer
cores."""
import os
import shutil
import subprocess

import pytest

from conftest import nines_binary
from test_sweep import assert_same, points_table

SWEEPS = "tests/sweeps"


def built_with_mpi():
    try:
        libs = subprocess.run(["ldd", nines_binary()], capture_output=True, text=True).stdout
    except OSError:
        return False
    return "libmpi" in libs


pytestmark = pytest.mark.skipif(
    shutil.which("mpirun") is None or not built_with_mpi(),
    reason="nines was built without MPI or mpirun is not installed")


def mpirun(*args, ranks=2, expect=0):
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    # OpenMPI itself leaks at MPI_Finalize (in its dlopen'ed plugins, which LeakSanitizer cannot
    # name for a suppression); a sanitized nines keeps every other check under mpirun.
    if "ASAN_OPTIONS" in env:
        env["ASAN_OPTIONS"] += ":detect_leaks=0"
    proc = subprocess.run(["mpirun", "--oversubscribe", "-np", str(ranks), nines_binary(),
                           *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=300)
    assert proc.returncode == expect, proc.stdout + proc.stderr
    return proc


def test_mpi_sweep_equals_single_process(nines, root, tmp_path):
    single, distributed = tmp_path / "single.h5", tmp_path / "mpi.h5"
    nines("sweep", root / SWEEPS / "mpi.sweep.yaml", "-o", single, "--quiet")
    proc = mpirun("sweep", root / SWEEPS / "mpi.sweep.yaml", "-o", distributed)
    assert_same(single, distributed)
    assert (points_table(distributed)["done"] == 1).all()
    # Only rank 0 prints.
    assert proc.stdout.count("points simulated") == 1


def test_mpi_structure_sweep_equals_single_process(nines, root, tmp_path):
    """A sweep of a structure base, split across two ranks, writes the one-process file."""
    single, distributed = tmp_path / "single.h5", tmp_path / "mpi.h5"
    sweep = root / "scenarios/essay-app-replicas.sweep.yaml"
    nines("sweep", sweep, "-o", single, "--quiet")
    mpirun("sweep", sweep, "-o", distributed, "--quiet")
    assert_same(single, distributed)


@pytest.mark.parametrize("scenario", ["seed-app", "ecommerce-mix", "zone-outage"])
@pytest.mark.parametrize("record", ["dense", "failures", "none"])
def test_mpi_run_equals_single_process(nines, root, tmp_path, record, scenario):
    """Chains (format 1) and structures (format 2) alike: the same file from 2 ranks as from 1."""
    single, distributed = tmp_path / "single.h5", tmp_path / "mpi.h5"
    args = ["run", root / f"scenarios/{scenario}.yaml", "-n", "3000001", "--seed", "9",
            "--record", record]
    nines(*args, "-o", single, "--quiet")
    mpirun(*args, "-o", distributed, "--quiet")
    assert_same(single, distributed)


def test_mpi_structure_run_prints_once(root, tmp_path):
    proc = mpirun("run", root / "scenarios/essay-app-redundant.yaml", "-n", "100000", "-o",
                  tmp_path / "x.h5")
    assert proc.stdout.count("verdict") == 1, proc.stdout
    assert "(2 MPI ranks)" in proc.stdout


def test_mpi_run_scenario_error_printed_once(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format_version: 1\nname: bad\ncomponents:\n  - name: a\n"
                   "    reliability: 1.5\n")
    proc = mpirun("run", bad, "-o", tmp_path / "x.h5", expect=2)
    assert proc.stderr.count("is outside [0, 1]") == 1, proc.stderr
    assert not (tmp_path / "x.h5").exists()


def test_mpi_build_runs_without_mpirun(nines, root, tmp_path):
    proc = nines("run", root / "scenarios/seed-app.yaml", "-n", "1000", "-o", tmp_path / "a.h5",
                 "--quiet")
    assert proc.returncode == 0


@pytest.mark.parametrize("scenario", ["essay-app-over-a-year", "database-quorum-one-crew",
                                      "zone-outages-over-time"])
@pytest.mark.parametrize("record", ["outages", "none"])
def test_mpi_time_run_equals_single_process(nines, root, tmp_path, record, scenario):
    """Time runs (format 3): ranks split the histories; the file is the one-process file."""
    single, distributed = tmp_path / "single.h5", tmp_path / "mpi.h5"
    args = ["run", root / f"scenarios/{scenario}.yaml", "--histories", "201", "--seed", "4",
            "--record", record]
    nines(*args, "-o", single, "--quiet")
    mpirun(*args, "-o", distributed, "--quiet")
    assert_same(single, distributed)


@pytest.mark.parametrize("sweep", ["time.sweep.yaml", "time-resume.sweep.yaml"])
def test_mpi_time_sweep_equals_single_process(nines, root, tmp_path, sweep):
    """A sweep of a time base (format 3): small points split across ranks (time.sweep.yaml,
    one chunk of histories each), and points of 128 chunks whose histories are split
    (time-resume.sweep.yaml): the one-process file either way."""
    single, distributed = tmp_path / "single.h5", tmp_path / "mpi.h5"
    nines("sweep", root / SWEEPS / sweep, "-o", single, "--quiet")
    proc = mpirun("sweep", root / SWEEPS / sweep, "-o", distributed)
    assert_same(single, distributed)
    assert proc.stdout.count("points simulated") == 1
