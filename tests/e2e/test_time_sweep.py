"""nines sweep over a time base (scenario format 3): each point equals `nines run --record none`
of the point written as a scenario file, bit for bit; threads, MPI ranks and a resume after
SIGKILL all give the same file; the layout-3 tables read back with h5py and pandas."""
import os
import subprocess

import h5py
import numpy as np
import pytest

from conftest import assert_same, nines_binary
from test_sweep import journal_records, points_table, wait_for

SWEEPS = "tests/sweeps"
TIME_SWEEP = f"{SWEEPS}/time.sweep.yaml"
RESUME_SWEEP = f"{SWEEPS}/time-resume.sweep.yaml"
METRICS = ("time_availability", "request_availability", "downtime_per_year", "outages_per_year",
           "mean_time_to_detect", "mean_time_to_repair", "failed_requests_per_year")


def text(value):
    return value.decode() if isinstance(value, bytes) else value


def same(a, b):
    return np.array_equal(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64),
                          equal_nan=True)


@pytest.fixture(scope="module")
def time_sweep(nines, root, tmp_path_factory):
    out = tmp_path_factory.mktemp("time-sweep") / "t.h5"
    proc = nines("sweep", root / TIME_SWEEP, "-o", out, "-t", "1")
    return out, proc.stdout


def test_time_sweep_layout_and_report(time_sweep, root):
    path, stdout = time_sweep
    with h5py.File(path, "r") as f:
        assert text(f.attrs["format"]) == "nines-sweep"
        assert int(f.attrs["format_version"]) == 3
        assert int(f.attrs["base_format"]) == 3
        assert int(f.attrs["chunk_requests"]) == 64
        assert "importance" not in f.attrs
        columns = text(f["points"].attrs["columns"]).split(",")
        assert columns[:12] == ["point", "components[api].repair", "time.crews", "time.histories",
                                "time.traffic.rate", "replication", "n_components", "n_kinds",
                                "n_events", "histories", "seed", "kernel"]
        for m in METRICS:
            for suffix in ("", "_ci_low", "_ci_high", "_p05", "_p50", "_p95"):
                assert m + suffix in columns
        for table in ("point_components", "point_kinds", "point_events"):
            offsets = f[f"offsets/{table}"][...]
            assert len(offsets) == 9 and offsets[0] == 0
            assert len(f[f"{table}/point"]) == offsets[-1]
        assert list(np.diff(f["offsets/point_components"][...])) == [6] * 8
        assert list(np.diff(f["offsets/point_kinds"][...])) == [2] * 8
        # Every event, glitch (a per-request probability, no process) included, as in /events.
        assert list(np.diff(f["offsets/point_events"][...])) == [2] * 8
    df = points_table(path)
    assert (df["done"] == 1).all() and (df["histories"] == 40).all()
    assert list(df["time.crews"]) == [0, 0, 1, 1, 0, 0, 1, 1]
    assert list(df["components[api].repair"]) == [1800.0] * 4 + [7200.0] * 4
    assert (df["traffic_rate"] == 50).all() and (df["horizon_seconds"] == 90 * 86400).all()
    assert (df["slo_target"] == 0.995).all()
    # Common random numbers: replication r of every point has the same seed.
    assert list(df["seed"][:2]) == [77, int(df["seed"][1])] and len(set(df["seed"])) == 2
    assert "time avail %" in stdout and "downtime/y" in stdout and "SLO met" in stdout
    assert "8 of 8 points simulated" in stdout


def point_scenario(root, tmp_path, repair, crews, rate, i):
    """The base with the point's values written in, as a person would write it."""
    text_ = (root / SWEEPS / "time-base.yaml").read_text()
    text_ = text_.replace("outages: {every: 20d, repair: 1h}",
                          f"outages: {{every: 20d, repair: {repair}}}")
    text_ = text_.replace("traffic: {rate: 20/s}", f"traffic: {{rate: {rate}}}")
    if crews:
        text_ = text_.replace("  histories: 100\n", f"  histories: 100\n  crews: {crews}\n")
    path = tmp_path / f"point{i}.yaml"
    path.write_text(text_)
    return path


@pytest.mark.parametrize("i,repair,crews", [(0, "30m", 0), (3, "30m", 1), (5, "2h", 0),
                                            (6, "2h", 1)])
def test_a_time_point_equals_nines_run_of_the_point(nines, root, tmp_path, time_sweep, i, repair,
                                                     crews):
    path, _ = time_sweep
    df = points_table(path)
    scenario = point_scenario(root, tmp_path, repair, crews, "50/s", i)
    out = tmp_path / f"run{i}.h5"
    nines("run", scenario, "--record", "none", "--seed", int(df["seed"][i]), "--histories",
          int(df["histories"][i]), "-o", out, "--quiet")
    with h5py.File(path, "r") as s, h5py.File(out, "r") as r:
        p = s["points"]
        metrics = [text(m) for m in r["summary/metric"][...]]
        for k, m in enumerate(metrics):
            for suffix, column in (("", "mean"), ("_ci_low", "ci_low"), ("_ci_high", "ci_high"),
                                   ("_p05", "p05"), ("_p50", "p50"), ("_p95", "p95")):
                assert same(p[m + suffix][i], r[f"summary/{column}"][k]), (m, suffix)
        for a, b in (("requests", "requests"), ("failed", "failed"),
                     ("failed_outage", "failed_outage"), ("outages", "outages")):
            assert int(p[a][i]) == int(r.attrs[b]), a
        assert same(p["time_availability_exact"][i], r.attrs["time_availability_exact"])
        assert int(p["agrees"][i]) == int(r.attrs["agrees"])
        assert text(p["verdict"][i]) == text(r.attrs["verdict"])
        for key in ("share_met_time", "share_met_requests"):
            assert same(p[f"slo_{key}"][i], r["slo"].attrs[key]), key
        rows = slice(*s["offsets/point_components"][i:i + 2])
        for column in ("outages", "outages_per_year", "downtime_per_year", "mean_time_to_detect",
                       "mean_time_to_repair", "budget_seconds_per_year",
                       "budget_detection_seconds_per_year", "budget_requests_per_year",
                       "availability_simulated", "availability_exact", "mean_time_to_detect_exact",
                       "z_score"):
            assert same(s[f"point_components/{column}"][rows], r[f"components/{column}"][...]), \
                column
        rows = slice(*s["offsets/point_events"][i:i + 2])
        for column in ("occurrences", "budget_seconds_per_year", "budget_requests_per_year",
                       "quiet_simulated", "quiet_exact"):
            assert same(s[f"point_events/{column}"][rows], r[f"events/{column}"][...]), column
        rows = slice(*s["offsets/point_kinds"][i:i + 2])
        for column in ("requests", "failed", "time_availability", "downtime_per_year"):
            assert same(s[f"point_kinds/{column}"][rows], r[f"kinds/{column}"][...]), column


def test_threads_do_not_change_a_time_sweep(nines, root, tmp_path, time_sweep):
    path, _ = time_sweep
    out = tmp_path / "t2.h5"
    nines("sweep", root / TIME_SWEEP, "-o", out, "-t", "2", "--quiet")
    assert_same(path, out)


def test_time_sweep_refuses_request_options(nines, root, tmp_path):
    proc = nines("sweep", root / TIME_SWEEP, "-o", tmp_path / "x.h5", "--record-requests",
                 check=False)
    assert proc.returncode == 2
    assert "--record-requests applies to sweeps of request runs" in proc.stderr
    proc = nines("sweep", root / TIME_SWEEP, "-o", tmp_path / "y.h5", "--sampler",
                 "per-request", check=False)
    assert proc.returncode == 2
    assert "time runs are event-driven" in proc.stderr


@pytest.fixture(scope="module")
def resume_reference(nines, root, tmp_path_factory):
    out = tmp_path_factory.mktemp("time-resume") / "ref.h5"
    nines("sweep", root / RESUME_SWEEP, "-o", out, "-t", "1", "--quiet")
    return out


def test_a_killed_time_sweep_resumes_to_the_same_file(nines, root, tmp_path, resume_reference):
    out = tmp_path / "killed.h5"
    proc = subprocess.Popen([nines_binary(), "sweep", str(root / RESUME_SWEEP), "-o", str(out),
                             "-t", "1", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = wait_for(lambda: journal_records(out) >= 2, 60, proc)
    proc.kill()
    proc.wait()
    assert started, "the sweep finished or failed before it could be killed"
    done = journal_records(out)
    assert 2 <= done < 12
    rerun = nines("sweep", root / RESUME_SWEEP, "-o", out, "-t", "1")
    assert f"{done} of 12 points already done" in rerun.stderr
    assert not os.path.exists(f"{out}.journal")
    assert_same(out, resume_reference)


ALERT_BASE_ADDITIONS = """\
  alerting:
    - name: fast
      needs: [monitoring]
      rules: [{severity: page, error_ratio: 10%, long: 5m}]
  slos:
    - {name: reads, kind: read, target: 99%, window: 30d}
    - {name: minutes, target: 99%, window: 30d, budgeting_method: timeslices,
       time_slice_target: 90%}
"""


def alert_base(root, tmp_path, repair="1h"):
    """time-base.yaml with an alert policy that detects the db, and two SLOs."""
    text_ = (root / SWEEPS / "time-base.yaml").read_text()
    text_ = text_.replace("  slo: {target: 99.5%, window: 30d}\n",
                          "  slo: {target: 99.5%, window: 30d}\n" + ALERT_BASE_ADDITIONS)
    text_ = text_.replace("      repair: {lognormal: {median: 2h, error_factor: 3}}\n",
                          "      repair: {lognormal: {median: 2h, error_factor: 3}}\n"
                          "    detection: {alert: fast, acknowledge: 2m}\n")
    text_ = text_.replace("outages: {every: 20d, repair: 1h}",
                          f"outages: {{every: 20d, repair: {repair}}}")
    path = tmp_path / f"alert-base-{repair}.yaml"
    path.write_text(text_)
    return path


def test_a_time_sweep_carries_alert_policies_and_slos_per_point(nines, root, tmp_path):
    base = alert_base(root, tmp_path)
    sweep = tmp_path / "alerts.sweep.yaml"
    sweep.write_text(f"format_version: 1\nkind: sweep\nname: alerts\nbase: {base.name}\n"
                     "run: {seed: 5}\ngrid:\n  components[api].repair: [30m, 2h]\n"
                     "zip:\n  time.histories: [30]\n")
    out = tmp_path / "alerts.h5"
    proc = nines("sweep", sweep, "-o", out, "-t", "2")
    assert "fast pages/y" in proc.stdout and "reads met" in proc.stdout
    with h5py.File(out, "r") as s:
        assert list(np.diff(s["offsets/point_alert_policies"][...])) == [1, 1]
        assert list(np.diff(s["offsets/point_slos"][...])) == [2, 2]
        assert list(s["points/n_alert_policies"][...]) == [1, 1]
        assert list(s["points/n_slos"][...]) == [2, 2]
        for i, repair in enumerate(("30m", "2h")):
            run_out = tmp_path / f"run{i}.h5"
            nines("run", alert_base(root, tmp_path, repair), "--record", "none", "--seed",
                  int(s["points/seed"][i]), "--histories", 30, "-o", run_out, "--quiet")
            with h5py.File(run_out, "r") as r:
                rules = r["alerting/rules"]
                combined = int(np.flatnonzero(rules["combined"][...] == 1)[0])
                p = s["point_alert_policies"]
                assert text(p["name"][i]) == "fast"
                for mine, theirs in (("pages_per_year", "firings_per_year"),
                                     ("precision", "precision"), ("recall", "recall"),
                                     ("time_to_page_p50", "time_to_page_p50"),
                                     ("noise_per_year", "noise_per_year")):
                    assert same(p[mine][i], rules[theirs][combined]), mine
                o = s["point_slos"]
                rows = slice(*s["offsets/point_slos"][i:i + 2])
                for column in ("share_met", "share_met_low", "first_window_met", "good_share",
                               "share_met_paged_at_start", "difference_paged_at_start"):
                    assert same(o[column][rows], r[f"slos/objectives/{column}"][...]), column
                assert not np.isnan(o["share_met_paged_at_start"][rows]).any()
                for key in ("time", "requests"):
                    assert same(s[f"points/slo_{key}_share_met_paged_at_start"][i],
                                r["slo"].attrs[f"share_met_{key}_paged_at_start"]), key
