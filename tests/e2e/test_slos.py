"""SLOs as objects (`time.slos`, README "SLOs"): the windows in /slos checked against the other
tables of the same run, and against a second way of counting them."""
import json
import subprocess

import h5py
import numpy as np
import yaml

from conftest import assert_same, nines_binary

HISTORIES = 120


def run(path, out, *args, threads=2):
    proc = subprocess.run([nines_binary(), "run", str(path), "-o", str(out), "--json",
                           "--threads", str(threads), "--histories", str(HISTORIES), "--seed", "9",
                           *map(str, args)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def shop_with(root, tmp_path, slos):
    doc = yaml.safe_load((root / "scenarios/shop-slos.yaml").read_text())
    doc["time"]["slos"] = slos
    path = tmp_path / "shop.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def windows_of(f, slo):
    w = f["slos/windows"]
    pick = w["slo"][...] == slo
    return {k: w[k][...][pick] for k in ("history", "window", "bad", "total", "met")}


def test_a_mix_slo_by_requests_is_time_slo_request_based(root, tmp_path):
    # The same target and windows as `time.slo`: the same windows, counts and verdicts.
    path = shop_with(root, tmp_path, [
        {"name": "mix", "target": "99.9%", "window": "30d", "windows": "tumbling"}])
    out = tmp_path / "run.h5"
    summary = run(path, out)["summary"]
    with h5py.File(out) as f:
        w = windows_of(f, 0)
        old = f["windows"]
        assert np.array_equal(w["bad"], old["failed"][...])
        assert np.array_equal(w["total"], old["requests"][...])
        assert np.array_equal(w["met"], old["met_requests"][...])
        assert np.array_equal(f["slos/window_first_day"][...], old["window_first_day"][...])
        assert summary["slos"][0]["share_met"] == summary["slo"]["share_met_requests"]
        assert f["slos/objectives/share_met"][0] == summary["slo"]["share_met_requests"]


def test_a_kind_slo_over_the_whole_year_counts_the_kinds_requests(root, tmp_path):
    path = shop_with(root, tmp_path, [
        {"name": "year", "kind": "checkout", "target": "99%", "window": "365d",
         "windows": "tumbling"}])
    out = tmp_path / "run.h5"
    run(path, out)
    with h5py.File(out) as f:
        w = windows_of(f, 0)
        kinds = [n.decode() for n in f["kinds/name"][...]]
        k = kinds.index("checkout")
        h = f["histories"]
        assert np.array_equal(w["total"], h["kind_requests"][...].reshape(HISTORIES, -1)[:, k])
        assert np.array_equal(w["bad"], h["kind_failed"][...].reshape(HISTORIES, -1)[:, k])
        assert np.array_equal(w["met"], (w["bad"] <= 0.01 * w["total"]).astype(np.int8))


def test_half_failed_slices_are_the_kinds_downtime_in_slices(root, tmp_path):
    # A slice is bad when more than half of its requests fail. Browse requests (at least 32/s,
    # about 2,000 a minute) fail only during outages, so a slice is bad when browse was down
    # for more than about half of it: bad slices equal the downtime in minutes to within one
    # slice per outage edge.
    path = shop_with(root, tmp_path, [
        {"name": "half", "kind": "browse", "target": "99%", "window": "365d",
         "windows": "tumbling", "budgeting_method": "timeslices", "time_slice_target": "50%"}])
    out = tmp_path / "run.h5"
    run(path, out)
    with h5py.File(out) as f:
        w = windows_of(f, 0)
        kinds = [n.decode() for n in f["kinds/name"][...]]
        down = f["histories/kind_downtime"][...].reshape(HISTORIES, -1)[:, kinds.index("browse")]
        assert np.all(w["total"] == 365 * 1440)
        components = [n.decode() for n in f["components/name"][...]]
        on_path = [components.index("load-balancer"), components.index("catalogue")]
        o = f["outages"]
        mine = np.isin(o["component"][...], on_path)
        edges = np.bincount(o["history"][...][mine].astype(np.int64), minlength=HISTORIES)
        assert np.all(np.abs(w["bad"] - down / 60) <= edges + 1)
        assert w["bad"].sum() > 0
        # The alert evaluator counted the slices, but without alert policies there is no
        # /alerting (an empty one, without policies, would read as a damaged file).
        assert "alerting" not in f


def test_slos_are_the_same_on_one_and_two_threads(root, tmp_path):
    one, two = tmp_path / "one.h5", tmp_path / "two.h5"
    run(root / "scenarios/shop-slos.yaml", one, threads=1)
    run(root / "scenarios/shop-slos.yaml", two, threads=2)
    assert_same(one, two)
