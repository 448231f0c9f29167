"""Time runs (scenario format 3): `nines run` on the shipped scenarios with outages over time.

What the unit tests check on the kernel (tests/unit/sample/test_outage_simulator.cpp), these
check through the binary and its file: the layout's tables agree with each other, thread counts
do not change a byte, the exact checks the summary makes hold for the shipped scenarios, the
monitoring twin shows what monitoring outages cost, and misuse is a located error (exit 2)."""
import json
import subprocess

import h5py
import numpy as np
import pytest

from conftest import assert_same, nines_binary

TIME_SCENARIOS = ["essay-app-over-a-year", "essay-app-over-a-year-perfect-monitoring",
                  "database-quorum-one-crew", "zone-outages-over-time", "shop-daily-traffic",
                  "shop-slos"]


def run(root, scenario, out, *args, threads=2):
    proc = subprocess.run([nines_binary(), "run", str(root / f"scenarios/{scenario}.yaml"), "-o",
                           str(out), "--json", "--threads", str(threads), *map(str, args)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("scenario", TIME_SCENARIOS)
def test_time_run_tables_agree(root, tmp_path, scenario):
    out = tmp_path / "run.h5"
    summary = run(root, scenario, out, "--histories", 200, "--seed", 5)["summary"]
    with h5py.File(out) as f:
        assert f.attrs["format_version"] == 3
        assert f.attrs["histories"] == 200
        assert f.attrs["record"] == "outages"
        h = f["histories"]
        assert len(h["downtime"]) == 200
        # Every outage counted is listed, in history order.
        outages = f["outages"]
        assert len(outages["history"]) == int(h["outages"][...].sum()) == summary["outages"]
        assert int(f["components/outages"][...].sum()) + int(
            f["events/occurrences"][...].sum()) == len(outages["history"])
        assert np.all(np.diff(outages["history"][...].astype(np.int64)) >= 0)
        start, detected, end = (outages[c][...] for c in ("start", "detected", "end"))
        done = ~np.isnan(end)
        assert np.all(detected[done] >= start[done]) and np.all(end[done] >= detected[done])
        assert np.all(end[done] <= f.attrs["horizon_seconds"])
        # Requests: totals agree across the root, the histories and the kinds.
        assert int(h["requests"][...].sum()) == f.attrs["requests"] == summary["service"]["requests"]
        assert int(h["failed"][...].sum()) == f.attrs["failed"]
        kinds = f["kinds/name"].shape[0]
        assert h["kind_requests"].shape == (200, kinds)  # histories x kinds, 2-D
        per_kind = h["kind_requests"][...]
        assert np.array_equal(per_kind.sum(axis=1), h["requests"][...])
        # The mix downtime is the traffic-weighted mean of the kinds' downtime.
        weights = f["kinds/weight"][...] / f["kinds/weight"][...].sum()
        kind_down = h["kind_downtime"][...]
        assert np.allclose(kind_down @ weights, h["downtime"][...], rtol=1e-12, atol=1e-6)
        if "slo_target" in f.attrs:
            windows = f["windows"]
            per_history = len(windows["window_first_day"])
            assert len(windows["history"]) == 200 * per_history
            assert f["slo"].attrs["windows_per_history"] == per_history
            met = windows["met_time"][...].reshape(200, per_history).sum(axis=1)
            assert np.array_equal(met, h["windows_met_time"][...])
        if "slos" in f:
            per_history = f["slos/objectives/windows_per_history"][...]
            assert len(f["slos/windows/history"]) == 200 * int(per_history.sum())
            assert len(f["slos/window_slo"]) == int(per_history.sum())
            met = f["slos/windows/met"][...]
            slo = f["slos/windows/slo"][...]
            for i, n in enumerate(per_history):
                if n:
                    assert np.isclose(met[slo == i].mean(), f["slos/objectives/share_met"][i])
            assert [s["name"] for s in summary["slos"]] == [
                n.decode() for n in f["slos/objectives/name"][...]]
        assert f.attrs["agrees"] == 1, f.attrs["verdict"]


@pytest.mark.parametrize("record", ["outages", "none"])
def test_time_run_is_the_same_on_one_and_two_threads(root, tmp_path, record):
    one, two = tmp_path / "one.h5", tmp_path / "two.h5"
    args = ("--histories", 150, "--seed", 3, "--record", record)
    run(root, "zone-outages-over-time", one, *args, threads=1)
    run(root, "zone-outages-over-time", two, *args, threads=2)
    assert_same(one, two)


def test_record_none_keeps_the_summaries_only(root, tmp_path):
    full, none = tmp_path / "full.h5", tmp_path / "none.h5"
    a = run(root, "shop-daily-traffic", full, "--histories", 100)
    b = run(root, "shop-daily-traffic", none, "--histories", 100, "--record", "none")
    assert a["summary"] == b["summary"]
    with h5py.File(none) as f:
        assert "histories" not in f and "outages" not in f and "windows" not in f
        assert "summary" in f and "components" in f and "slo" in f


def test_quorum_with_one_crew_agrees_with_its_markov_chain(root, tmp_path):
    summary = run(root, "database-quorum-one-crew", tmp_path / "q.h5", "--histories", 1000)["summary"]
    assert summary["exact_method"].startswith("markov chain")
    kind = summary["kinds"][0]
    assert kind["tested"] and abs(kind["z_score"]) < 5
    assert summary["agrees"]


def test_monitoring_outages_lengthen_detection_and_downtime(root, tmp_path):
    failing = run(root, "essay-app-over-a-year", tmp_path / "a.h5", "--histories", 500)
    perfect = run(root, "essay-app-over-a-year-perfect-monitoring", tmp_path / "b.h5",
                  "--histories", 500)
    by_name = lambda doc: {p["name"]: p for p in doc["components"] + doc["common_causes"]}
    fa, pe = by_name(failing), by_name(perfect)
    for name in ("database", "api", "load-balancer"):
        # Monitors that never fail: every outage is detected after exactly the 5-minute delay,
        # the closed form.
        assert pe[name]["mean_time_to_detect_exact"] == 300
        assert pe[name]["mean_time_to_detect"] == pytest.approx(300, abs=1e-3)
        assert fa[name]["mean_time_to_detect"] > 300
        assert np.isnan(fa[name]["mean_time_to_detect_exact"] or np.nan)
    assert (failing["summary"]["metrics"]["downtime_per_year"]["mean"] >
            perfect["summary"]["metrics"]["downtime_per_year"]["mean"])
    # The downtime monitoring and alerting cost others, through detection, is in their budget.
    assert fa["monitoring"]["budget_detection_seconds_per_year"] > 0
    assert "monitoring" not in pe


@pytest.mark.parametrize("args, message", [
    (["--record", "dense"], "--record dense is for request runs"),
    (["--requests", "1000"], "--histories"),
    (["--sampler", "skip"], "--sampler applies to request runs"),
    (["--importance", "exact"], "--importance applies to request runs"),
])
def test_request_options_on_a_time_run_are_errors(root, tmp_path, args, message):
    proc = subprocess.run([nines_binary(), "run", str(root / "scenarios/shop-daily-traffic.yaml"),
                           "-o", str(tmp_path / "x.h5"), *args], capture_output=True, text=True)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert not (tmp_path / "x.h5").exists()


def test_listing_millions_of_failed_requests_is_refused(root, tmp_path):
    """--record requests lists at most 1,000,000 failed requests per history: refused before
    sampling where the exact availability predicts more (the quorum at 50/s), else when the
    first history passes the limit (the essay app at 300/s). Either way no file is left."""
    for scenario, before in (("database-quorum-one-crew", True), ("essay-app-over-a-year", False)):
        out = tmp_path / f"{scenario}.h5"
        proc = subprocess.run([nines_binary(), "run", str(root / f"scenarios/{scenario}.yaml"),
                               "--record", "requests", "-o", str(out)],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 2, proc.stderr
        assert ("requests per history fail during outages" in proc.stderr) == before
        assert "--record outages" in proc.stderr
        assert not out.exists()


@pytest.mark.parametrize("args, message", [
    (["--histories", "10"], "--histories applies to scenarios with outages over time"),
    (["--record", "outages"], "--record outages applies to scenarios with outages over time"),
])
def test_time_options_on_a_request_run_are_errors(root, tmp_path, args, message):
    proc = subprocess.run([nines_binary(), "run", str(root / "scenarios/seed-app.yaml"), "-o",
                           str(tmp_path / "x.h5"), *args], capture_output=True, text=True)
    assert proc.returncode == 2
    assert message in proc.stderr


def test_event_indices_name_rows_of_events_whatever_the_file_order(root, tmp_path):
    """A per-request event declared before the events over time: /outages/event and the
    culprit codes K + e still index /events (which lists every event, in file order)."""
    text = (root / "scenarios/zone-outages-over-time.yaml").read_text()
    text = text.replace("common_cause:\n", "common_cause:\n  - name: bad-deploy\n"
                        "    probability: 0.001\n    takes_down: [\"web[1]\", \"web[2]\"]\n")
    text = text.replace("rate: 120/s", "rate: 0.01/s")
    scenario = tmp_path / "mixed.yaml"
    scenario.write_text(text)
    out = tmp_path / "mixed.h5"
    proc = subprocess.run([nines_binary(), "run", str(scenario), "--histories", "200",
                           "--record", "requests", "-o", str(out), "--quiet"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    with h5py.File(out) as f:
        names = list(f["events/name"].asstr()[...])
        assert names == ["bad-deploy", "zone-a", "zone-b"]
        assert list(f["events/every"].asstr()[...])[0] == ""
        events = f["outages/event"][...]
        fired = events[events >= 0]
        assert len(fired) > 0 and set(fired) <= {1, 2}
        occurrences = f["events/occurrences"][...]
        assert occurrences[0] == 0
        assert occurrences[1] == (fired == 1).sum() and occurrences[2] == (fired == 2).sum()
        components = len(f["components/name"])
        culprits = f["requests/culprit"][...]
        assert culprits.max() < components + len(names)
