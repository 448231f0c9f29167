"""nines sweep: the spreadsheet, points equal to `nines run`, resume after SIGKILL and SIGINT,
changed sweeps refused, and the HDF5 sweep layout read back with h5py and pandas."""
import hashlib
import json
import os
import shutil
import signal
import subprocess
import time

import h5py
import numpy as np
import pandas as pd
import pytest

from conftest import assert_same, nines_binary

SPREADSHEET = "scenarios/seed-spreadsheet.sweep.yaml"
SWEEPS = "tests/sweeps"


def points_table(path):
    """The documented one-call recipe."""
    with h5py.File(path, "r") as f:
        return pd.DataFrame({k: f["points"][k][...] for k in f["points"]})


def journal_records(path):
    try:
        with open(f"{path}.journal") as f:
            return sum(1 for line in f if line.startswith("P "))
    except FileNotFoundError:
        return 0


def wait_for(predicate, timeout, proc=None):
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return True
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(0.02)
    return False


@pytest.fixture(scope="module")
def spreadsheet(nines, root, tmp_path_factory):
    out = tmp_path_factory.mktemp("spreadsheet") / "s.h5"
    proc = nines("sweep", root / SPREADSHEET, "-o", out)
    return out, proc.stdout


def test_spreadsheet_matches_r_to_the_n(spreadsheet):
    path, stdout = spreadsheet
    df = points_table(path)
    assert len(df) == 600
    assert (df["done"] == 1).all()
    n = df["chain.count"].astype(float)
    r = df["chain.reliability"]
    assert sorted(set(df["chain.count"])) == list(range(1, 101))
    assert sorted(set(r)) == [0.9, 0.99, 0.999, 0.9999, 0.99999, 0.9999966]
    np.testing.assert_allclose(df["reliability_analytic"], r ** n, rtol=0, atol=1e-12)
    assert (df["z_score"].abs() < 5).all(), df.loc[df["z_score"].abs() >= 5]
    assert (df["n_components"] == df["chain.count"]).all()
    assert (df["reliability_empirical"] ==
            (df["requests"] - df["failures"]) / df["requests"]).all()
    assert (df["ci_low"] <= df["reliability_empirical"]).all()
    assert (df["reliability_empirical"] <= df["ci_high"]).all()
    # The printed table: simulated next to analytic for the 1-2-5 rows.
    assert "simulated  analytic" in stdout
    for row in (1, 2, 5, 10, 20, 50, 100):
        assert f"\n{row:>11} |" in stdout
    assert ("every point agrees with the analytic product (exact binomial p >= 5.7e-07, "
            "the tail of |z| = 5)") in stdout


def test_sweep_file_layout(spreadsheet, root):
    path, _ = spreadsheet
    text = (root / SPREADSHEET).read_text()
    with h5py.File(path, "r") as f:
        a = dict(f.attrs)
        assert a["format"] == "nines-sweep"
        assert int(a["format_version"]) == 2 and int(a["base_format"]) == 1
        assert a["sweep_yaml"] == text
        assert a["sweep_sha256"] == hashlib.sha256(text.encode()).hexdigest()
        assert int(a["complete"]) == 1 and int(a["points_done"]) == 600 == int(a["points"])
        assert a["parameters"] == "chain.count,chain.reliability"
        for key in ("nines_version", "created", "base_kind", "chunk_requests", "sampler"):
            assert key in a, key
        columns = f["points"].attrs["columns"].split(",")
        assert set(columns) == set(f["points"])
        assert len({f["points"][c].shape for c in columns}) == 1
        # Tables only: one row per (point, component), /offsets says whose rows are whose.
        comps = f["point_components"]
        assert set(comps) >= {"point", "component", "name", "reliability", "failures",
                              "expected_failures", "first_failure_probability"}
        assert len({comps[c].shape for c in comps}) == 1
        offsets = f["offsets/point_components"][...]
        assert len(offsets) == 601 and offsets[-1] == len(comps["point"])
        rows = slice(offsets[123], offsets[124])
        assert (comps["point"][rows] == 123).all()
        assert comps["failures"][rows].sum() == f["points/failures"][123]
        assert "point" not in f


def test_points_equal_nines_run_of_the_point(nines, spreadsheet, tmp_path):
    path, _ = spreadsheet
    df = points_table(path)
    with h5py.File(path, "r") as f:
        offsets = f["offsets/point_components"][...]
        for i in (0, 137, 599):
            rows = slice(offsets[i], offsets[i + 1])
            comps = {k: f["point_components"][k][rows] for k in ("name", "reliability", "failures")}
            names = [n.decode() if isinstance(n, bytes) else n for n in comps["name"]]
            lines = ["format_version: 1", f"name: point{i}", "components:"]
            for name, rel in zip(names, comps["reliability"]):
                lines += [f"  - name: {name}", f"    reliability: {float(rel)!r}"]
            scenario = tmp_path / f"p{i}.yaml"
            scenario.write_text("\n".join(lines) + "\n")
            out = tmp_path / f"p{i}.h5"
            nines("run", scenario, "-n", int(df["requests"][i]), "--seed", int(df["seed"][i]),
                  "--record", "none", "-o", out, "--quiet")
            with h5py.File(out, "r") as run:
                assert np.array_equal(run["components/failures"][...], comps["failures"]), i
                sampler = df["sampler"][i]
                sampler = sampler.decode() if isinstance(sampler, bytes) else sampler
                assert run.attrs["sampler"] == sampler


def test_threads_do_not_change_the_file(nines, root, tmp_path):
    outs = []
    for t in (1, 2, 5):
        out = tmp_path / f"t{t}.h5"
        nines("sweep", root / SWEEPS / "small.sweep.yaml", "-o", out, "-t", t, "--quiet")
        outs.append(out)
    assert_same(outs[0], outs[1])
    assert_same(outs[0], outs[2])
    df = points_table(outs[0])
    assert len(df) == 2 * 2 * 2
    assert list(df["run.seed"][:4]) == [1, 1, 2**64 - 1, 2**64 - 1]


@pytest.fixture(scope="module")
def reference(nines, root, tmp_path_factory):
    out = tmp_path_factory.mktemp("reference") / "ref.h5"
    nines("sweep", root / SWEEPS / "resume.sweep.yaml", "--sampler", "per-request", "-o", out,
          "--quiet")
    return out


def start_sweep(root, out, *extra):
    return subprocess.Popen([nines_binary(), "sweep", str(root / SWEEPS / "resume.sweep.yaml"),
                             "--sampler", "per-request", "-o", str(out), "--quiet", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigkill_midway_then_rerun_gives_the_same_file(nines, root, tmp_path, reference):
    out = tmp_path / "killed.h5"
    proc = start_sweep(root, out)
    started = wait_for(lambda: journal_records(out) >= 3, 60, proc)
    proc.kill()
    proc.wait()
    assert started, "the sweep finished or failed before it could be killed"
    assert proc.returncode == -signal.SIGKILL
    done = journal_records(out)
    assert 3 <= done < 40
    # A valid partial file exists at every moment.
    with h5py.File(out, "r") as f:
        assert int(f.attrs["complete"]) == 0
        assert int(f.attrs["points_done"]) <= done
        assert int(f["points/done"][...].sum()) == int(f.attrs["points_done"])
    # The same command continues and ends with the uninterrupted run's contents.
    rerun = nines("sweep", root / SWEEPS / "resume.sweep.yaml", "--sampler", "per-request",
                  "-o", out)
    assert f"{done} of 40 points already done" in rerun.stderr
    assert not os.path.exists(f"{out}.journal")
    assert_same(out, reference)


def test_sigint_stops_within_a_second_and_resume_finishes(nines, root, tmp_path, reference):
    out = tmp_path / "interrupted.h5"
    proc = start_sweep(root, out)
    started = wait_for(lambda: journal_records(out) >= 2, 60, proc)
    t = time.time()
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    elapsed = time.time() - t
    assert started
    assert proc.returncode == 130, stderr
    assert elapsed < 1.5, elapsed
    assert "run the same command again to continue" in stderr
    df = points_table(out)
    with h5py.File(out, "r") as f:
        assert int(f.attrs["complete"]) == 0
        assert int(f.attrs["points_done"]) == int(df["done"].sum()) == journal_records(out)
    assert df.loc[df["done"] == 0, "reliability_empirical"].isna().all()
    nines("sweep", root / SWEEPS / "resume.sweep.yaml", "--sampler", "per-request", "-o", out,
          "--resume", "--quiet")
    assert_same(out, reference)


def test_a_changed_sweep_is_refused_unless_restarted(nines, root, tmp_path):
    sweep = tmp_path / "resume.sweep.yaml"
    shutil.copy(root / SWEEPS / "resume.sweep.yaml", sweep)
    out = tmp_path / "changed.h5"
    proc = subprocess.Popen([nines_binary(), "sweep", str(sweep), "--sampler", "per-request",
                             "-o", str(out), "--quiet"], stderr=subprocess.PIPE, text=True)
    assert wait_for(lambda: os.path.exists(f"{out}.journal") and os.path.exists(out), 30, proc)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert proc.returncode == 130
    sweep.write_text(sweep.read_text().replace("requests: 10M", "requests: 100k"))
    refused = nines("sweep", sweep, "--sampler", "per-request", "-o", out, check=False)
    assert refused.returncode == 2
    assert "was written for a different sweep" in refused.stderr
    assert "--restart" in refused.stderr
    # A different --sampler is a different sweep as well.
    assert nines("sweep", sweep, "-o", out, check=False).returncode == 2
    nines("sweep", sweep, "--sampler", "per-request", "-o", out, "--restart", "--quiet")
    df = points_table(out)
    assert (df["done"] == 1).all() and (df["requests"] == 100_000).all()


def test_output_rules(nines, root, tmp_path):
    out = tmp_path / "o.h5"
    small = root / SWEEPS / "small.sweep.yaml"
    nines("sweep", small, "-o", out, "--quiet")
    again = nines("sweep", small, "-o", out, check=False)
    assert again.returncode == 2 and "already exists" in again.stderr
    resume = nines("sweep", small, "-o", out, "--resume", check=False)
    assert resume.returncode == 2 and "nothing to resume" in resume.stderr
    nines("sweep", small, "-o", out, "--force", "--quiet")
    # Not a terminal: no progress line, nothing on stderr.
    proc = nines("sweep", small, "-o", tmp_path / "p.h5")
    assert proc.stderr == ""
    assert "wrote" in proc.stdout


def test_record_requests_stores_each_points_failed_requests(nines, root, tmp_path):
    out = tmp_path / "r.h5"
    nines("sweep", root / SWEEPS / "small.sweep.yaml", "-o", out, "--record-requests", "--quiet")
    with h5py.File(out, "r") as f:
        assert int(f.attrs["record_requests"]) == 1
        components, failures = f["offsets/point_components"][...], f["offsets/point_failures"][...]
        for i in range(int(f.attrs["points"])):
            rows = slice(failures[i], failures[i + 1])
            assert (f["point_failures/point"][rows] == i).all()
            req = f["point_failures/request"][rows]
            comp = f["point_failures/component"][rows]
            assert (np.diff(req.astype(np.int64)) > 0).all()
            expected = f["point_components/failures"][components[i]:components[i + 1]]
            assert np.array_equal(np.bincount(comp, minlength=len(expected)), expected), i


def test_invalid_sweep_names_file_line_and_column(nines, root, tmp_path):
    bad = tmp_path / "bad.sweep.yaml"
    bad.write_text("format_version: 1\nkind: sweep\nname: b\nbase: %s\ngrid:\n"
                   "  components[apii].reliability: [0.9]\n" % (root / SWEEPS / "base.yaml"))
    proc = nines("sweep", bad, check=False)
    assert proc.returncode == 2
    assert f"{bad}:6:3:" in proc.stderr
    assert 'did you mean "api"?' in proc.stderr
    scenario = nines("sweep", root / "scenarios/seed-app.yaml", check=False)
    assert scenario.returncode == 2 and "not a sweep" in scenario.stderr
    assert nines("sweep", "--frobnicate", check=False).returncode == 2


def test_second_shipped_sweep_runs(nines, root, tmp_path):
    out = tmp_path / "u.h5"
    proc = nines("sweep", root / "scenarios/seed-app-upgrades.sweep.yaml", "-o", out)
    df = points_table(out)
    assert len(df) == 27 and (df["done"] == 1).all()
    assert (df["z_score"].abs() < 5).all()
    assert "27 of 27 points simulated" in proc.stdout


def test_a_structure_sweep_equals_nines_run_of_each_point(nines, root, tmp_path):
    """The shipped replicas sweep of the redundant essay app (a format-2 base): every point's
    counts equal `nines run --record none` of the base file edited to that point, bit for bit."""
    out = tmp_path / "rep.h5"
    proc = nines("sweep", root / "scenarios/essay-app-replicas.sweep.yaml", "-o", out)
    assert "every point agrees with its exact value" in proc.stdout
    base = (root / "scenarios/essay-app-redundant.yaml").read_text()
    with h5py.File(out, "r") as f:
        assert int(f.attrs["base_format"]) == 2
        points = {k: f["points"][k][...] for k in f["points"]}
        kinds = f["point_kinds"]
        assert len({kinds[c].shape for c in kinds}) == 1
        koff, coff = f["offsets/point_kinds"][...], f["offsets/point_components"][...]
        for i in (0, 7, 15):
            replicas = int(points["components[api].replicas"][i])
            required = int(points["components[api].required"][i])
            reliability = float(points["components[api].reliability"][i])
            edited = base.replace("""  - name: api
    reliability: 0.999
    replicas: 3""", f"""  - name: api
    reliability: {reliability!r}
    replicas: {replicas}
    required: {required}""")
            assert edited != base
            scenario = tmp_path / f"p{i}.yaml"
            scenario.write_text(edited)
            run = json.loads(nines("run", scenario, "-n", int(points["requests"][i]), "--seed",
                                   int(points["seed"][i]), "--record", "none", "-o",
                                   tmp_path / f"p{i}.h5", "--json").stdout)
            assert run["summary"]["service"]["failures"] == points["failures"][i]
            assert run["summary"]["service"]["reliability_analytic"] == \
                points["reliability_analytic"][i]
            assert [k["failures"] for k in run["summary"]["kinds"]] == \
                list(kinds["failures"][koff[i]:koff[i + 1]])
            assert [c["failures"] for c in run["components"]] == \
                list(f["point_components/failures"][coff[i]:coff[i + 1]])
            assert len(run["components"]) == coff[i + 1] - coff[i] == \
                points["n_components"][i]
            assert run["run"]["sampler"] == points["sampler"][i].decode()
