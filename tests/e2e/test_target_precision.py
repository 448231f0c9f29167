"""nines run --target-precision: runs stop at a fixed checkpoint whatever the thread count (the
files are identical but for `created`), the file and the JSON say how many requests were
sampled out of the cap and whether the target was reached, and bad values exit 2."""
import json
import shutil

import h5py
import pytest

from conftest import assert_same
from test_json_schema import check_schema
from test_mpi import built_with_mpi, mpirun

CHAIN = "scenarios/six-sigma-parts.yaml"  # format 1, unreliability 6.8e-5: about 22 chunks
STRUCTURE = "scenarios/ecommerce-mix.yaml"  # format 2, unreliability 5.0e-4: about 3 chunks
CAP = 1_000_000_000


@pytest.mark.parametrize("scenario", [CHAIN, STRUCTURE])
def test_threads_stop_at_the_same_checkpoint_with_identical_files(nines, root, tmp_path,
                                                                   scenario):
    reports = []
    for threads in (1, 2):
        proc = nines("run", root / scenario, "--target-precision", "5%", "-n", "1G", "--seed", 5,
                     "--threads", threads, "-o", tmp_path / f"t{threads}.h5", "--json")
        reports.append(json.loads(proc.stdout))
    assert_same(tmp_path / "t1.h5", tmp_path / "t2.h5")

    with h5py.File(tmp_path / "t1.h5", "r") as f:
        sampled = int(f.attrs["requests"])
        assert f.attrs["requests_cap"] == CAP
        assert f.attrs["target_precision"] == 0.05
        assert f.attrs["precision_reached"] == 1
        assert f.attrs["precision_achieved"] <= 0.05
        assert f.attrs["precision_checkpoint"] >= 2
        assert sampled < CAP and sampled % int(f.attrs["chunk_requests"]) == 0
        # Every per-request dataset holds exactly the requests sampled.
        dense = f["requests/failed_component"] if "failed_component" in f["requests"] \
            else f["requests/kind"]
        assert dense.shape == (sampled,)
        # The interval the file states is the one the rule read: within 5% of the estimate.
        u = f.attrs["unreliability_empirical"]
        half = (f.attrs["reliability_ci_high"] - f.attrs["reliability_ci_low"]) / 2
        assert half / u == pytest.approx(f.attrs["precision_achieved"], rel=1e-9)

    check_schema(reports[0])
    precision = reports[0]["summary"]["precision"]
    assert precision == reports[1]["summary"]["precision"]
    assert precision["target"] == 0.05 and precision["reached"] is True
    assert precision["requests_sampled"] == sampled == reports[0]["summary"]["service"]["requests"]
    assert reports[0]["run"]["requests"] == sampled
    assert precision["requests_cap"] == CAP


@pytest.mark.skipif(shutil.which("mpirun") is None or not built_with_mpi(),
                    reason="nines was built without MPI or mpirun is not installed")
@pytest.mark.parametrize("record", ["dense", "failures", "none"])
def test_mpi_ranks_stop_where_one_process_stops(nines, root, tmp_path, record):
    single, distributed = tmp_path / "single.h5", tmp_path / "mpi.h5"
    args = ["run", root / CHAIN, "--target-precision", "5%", "-n", "1G", "--seed", 9, "--record",
            record, "--quiet"]
    nines(*args, "-o", single)
    mpirun(*args, "-o", distributed)
    assert_same(single, distributed)
    with h5py.File(single, "r") as f:
        assert f.attrs["precision_reached"] == 1 and f.attrs["requests"] < CAP


def test_a_cap_reached_first_says_so(nines, root, tmp_path):
    out = tmp_path / "cap.h5"
    proc = nines("run", root / CHAIN, "--target-precision", "1%", "-n", "2M", "--record", "none",
                 "-o", out, "--color", "never")
    assert "NOT reached" in proc.stdout
    with h5py.File(out, "r") as f:
        assert f.attrs["requests"] == 2_000_000
        assert f.attrs["requests_cap"] == 2_000_000
        assert f.attrs["precision_reached"] == 0
        assert f.attrs["precision_achieved"] > 0.01


def test_runs_without_the_option_write_no_precision_attributes(nines, root, tmp_path):
    out = tmp_path / "plain.h5"
    nines("run", root / CHAIN, "-n", "100k", "--record", "none", "-o", out, "-q")
    with h5py.File(out, "r") as f:
        assert "target_precision" not in f.attrs and "requests_cap" not in f.attrs


@pytest.mark.parametrize("value,needle", [
    ("0", "must be above 0% and below 100%"),
    ("0%", "must be above 0% and below 100%"),
    ("150%", "must be above 0% and below 100%"),
    ("1", "must be above 0% and below 100%"),
    ("abc", "is not a number"),
    ("", "is not a number"),
])
def test_bad_target_precision_exits_2(nines, root, tmp_path, value, needle):
    proc = nines("run", root / CHAIN, "--target-precision", value, "-o", tmp_path / "x.h5",
                 check=False)
    assert proc.returncode == 2, proc.stderr
    assert f"invalid --target-precision '{value}'" in proc.stderr
    assert needle in proc.stderr
    assert not (tmp_path / "x.h5").exists()


def test_time_runs_refuse_the_option(nines, root, tmp_path):
    proc = nines("run", root / "scenarios/zone-outages-over-time.yaml", "--target-precision",
                 "5%", "-o", tmp_path / "x.h5", check=False)
    assert proc.returncode == 2, proc.stderr
    assert "--target-precision applies to request runs (formats 1 and 2)" in proc.stderr
    assert not (tmp_path / "x.h5").exists()


SWEEP = """format_version: 1
kind: sweep
name: precision
base: {base}
run: {{requests: 1G, seed: 7{target}}}
grid:
  components[*].reliability: ["99.9999%", "99.99966%", "99.999%"]
"""


def write_sweep(tmp_path, root, target=", target_precision: 5%"):
    path = tmp_path / "p.sweep.yaml"
    path.write_text(SWEEP.format(base=root / CHAIN, target=target))
    return path


def test_each_sweep_point_stops_where_its_run_stops(nines, root, tmp_path):
    import yaml  # the points' scenarios, written out for `nines run`
    sweep = write_sweep(tmp_path, root)
    nines("sweep", sweep, "-o", tmp_path / "s.h5", "--quiet")
    with h5py.File(tmp_path / "s.h5", "r") as f:
        assert f.attrs["target_precision"] == 0.05
        points = {k: f["points"][k][...] for k in f["points"]}
    assert len(set(points["requests"])) == 3  # each point stopped on its own
    assert (points["requests_cap"] == CAP).all() and (points["precision_reached"] == 1).all()
    doc = yaml.safe_load((root / CHAIN).read_text())
    for i, reliability in enumerate([0.999999, 0.9999966, 0.99999]):
        for c in doc["components"]:
            c["reliability"] = reliability
        scenario = tmp_path / f"point{i}.yaml"
        scenario.write_text(yaml.safe_dump(doc, sort_keys=False))
        run = json.loads(nines("run", scenario, "--target-precision", "5%", "-n", "1G", "--seed",
                               7, "--record", "none", "-o", tmp_path / f"r{i}.h5",
                               "--json").stdout)
        assert run["summary"]["precision"]["requests_sampled"] == points["requests"][i]
        assert run["summary"]["service"]["failures"] == points["failures"][i]
        assert run["summary"]["precision"]["achieved"] == points["precision_achieved"][i]


def test_sweeps_stop_alike_on_any_thread_count_and_the_command_line_wins(nines, root, tmp_path):
    sweep = write_sweep(tmp_path, root)
    for threads in (1, 2):
        nines("sweep", sweep, "-o", tmp_path / f"t{threads}.h5", "--threads", threads, "--quiet")
    assert_same(tmp_path / "t1.h5", tmp_path / "t2.h5")
    plain = write_sweep(tmp_path, root, target="")
    nines("sweep", plain, "-o", tmp_path / "cli.h5", "--target-precision", "5%", "--quiet")
    with h5py.File(tmp_path / "cli.h5", "r") as a, h5py.File(tmp_path / "t1.h5", "r") as b:
        assert (a["points/requests"][...] == b["points/requests"][...]).all()
        assert a.attrs["target_precision"] == 0.05


@pytest.mark.skipif(shutil.which("mpirun") is None or not built_with_mpi(),
                    reason="nines was built without MPI or mpirun is not installed")
def test_mpi_sweep_points_stop_where_one_process_stops(nines, root, tmp_path):
    sweep = write_sweep(tmp_path, root)
    nines("sweep", sweep, "-o", tmp_path / "single.h5", "--quiet")
    mpirun("sweep", sweep, "-o", tmp_path / "mpi.h5", "--quiet")
    assert_same(tmp_path / "single.h5", tmp_path / "mpi.h5")


def test_time_sweeps_refuse_a_target_precision(nines, root, tmp_path):
    sweep = root / "scenarios/essay-app-over-a-year-monitoring.sweep.yaml"
    proc = nines("sweep", sweep, "--target-precision", "5%", "-o", tmp_path / "x.h5",
                 check=False)
    assert proc.returncode == 2, proc.stderr
    assert "--target-precision applies to request runs (formats 1 and 2)" in proc.stderr
    local = tmp_path / "t.sweep.yaml"
    local.write_text("format_version: 1\nkind: sweep\nname: t\n"
                     f"base: {root}/scenarios/essay-app-over-a-year.yaml\n"
                     "run: {seed: 4, target_precision: 5%}\n"
                     "grid:\n  components[monitoring].every: [7d, 30d]\n")
    proc = nines("sweep", local, "-o", tmp_path / "y.h5", check=False)
    assert proc.returncode == 2, proc.stderr
    assert "run.target_precision" in proc.stderr and "format 3" in proc.stderr
