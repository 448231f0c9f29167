"""SLOs as objects (`time.slos`, README "SLOs"): the windows in /slos checked against the other
tables of the same run, and against a second way of counting them."""
import json
import subprocess

import h5py
import numpy as np
import pytest
import yaml

from conftest import assert_same, nines_binary

HISTORIES = 120


def run(path, out, *args, threads=2, histories=HISTORIES):
    proc = subprocess.run([nines_binary(), "run", str(path), "-o", str(out), "--json",
                           "--threads", str(threads), "--histories", str(histories), "--seed", "9",
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


def test_detection_by_alert_is_compared_with_pages_at_the_outage_start(root, tmp_path):
    # With detection by alert, each history is simulated again with every such outage detected
    # as it starts (then acknowledged): that twin is exactly the scenario whose detection is a
    # fixed delay of the acknowledgement, without alert policies, on the same streams.
    doc = yaml.safe_load((root / "scenarios/essay-app-paged.yaml").read_text())
    doc["time"]["slos"] = [{"name": "requests", "target": "99.9%", "window": "30d"},
                           {"name": "minutes", "target": "99%", "window": "30d",
                            "budgeting_method": "timeslices", "time_slice_target": "99%"}]
    paged = tmp_path / "paged.yaml"
    paged.write_text(yaml.safe_dump(doc))
    assert doc["time"]["detection"] == {"alert": "workbook", "acknowledge": "5m"}
    doc["time"]["detection"] = {"delay": {"fixed": "5m"}}
    del doc["time"]["alerting"]
    at_once = tmp_path / "at-once.yaml"
    at_once.write_text(yaml.safe_dump(doc))
    a = run(paged, tmp_path / "paged.h5", "--record", "none", histories=40)["summary"]
    b = run(at_once, tmp_path / "at-once.h5", "--record", "none", histories=40)["summary"]
    twin = a["slo"]["paged_at_start"]
    assert twin["time_share_met"] == b["slo"]["share_met_time"]
    assert twin["requests_share_met"] == b["slo"]["share_met_requests"]
    assert twin["time_first_window_met"] == b["slo"]["first_window_met_time"]
    assert "paged_at_start" not in b["slo"]
    for mine, other in zip(a["slos"], b["slos"]):
        assert mine["paged_at_start"]["share_met"] == other["share_met"]
        assert mine["paged_at_start"]["first_window_met"] == other["first_window_met"]
        d = mine["paged_at_start"]
        assert d["difference"] == pytest.approx(mine["share_met"] - other["share_met"],
                                                abs=1e-12)
        assert d["difference_low"] <= d["difference"] <= d["difference_high"]
    # The paired difference is narrower than the shares' own intervals (common random numbers).
    width = twin["time_difference_high"] - twin["time_difference_low"]
    assert width < a["slo"]["share_met_time_high"] - a["slo"]["share_met_time_low"]
    with h5py.File(tmp_path / "paged.h5") as f:
        assert f["slo"].attrs["share_met_time_paged_at_start"] == twin["time_share_met"]
        assert f["slos/objectives/share_met_paged_at_start"][1] == b["slos"][1]["share_met"]
    with h5py.File(tmp_path / "at-once.h5") as f:
        assert "share_met_time_paged_at_start" not in f["slo"].attrs
        assert np.all(np.isnan(f["slos/objectives/share_met_paged_at_start"][...]))


def test_the_limit_of_32_slos_over_ten_years(root, tmp_path):
    # Scale: 32 SLOs over ten years, 16 of them by timeslices, half of those of 10-second slices
    # (checkout's are 80 requests at night, where the quiet bound cannot skip them: they are
    # drawn directly, quiet_slices.hpp).
    doc = yaml.safe_load((root / "scenarios/shop-slos.yaml").read_text())
    doc["time"]["horizon"] = "10y"
    slos = []
    for i in range(32):
        s = {"name": f"s{i}", "target": "99.5%", "window": "30d"}
        if i % 2:
            s.update({"budgeting_method": "timeslices", "time_slice_target": "95%",
                      "time_slice_window": "1m" if i % 4 == 1 else "10s"})
        if i % 3 == 1:
            s["kind"] = "checkout"
        if i % 5 == 0:
            del s["window"]
            s["windows"] = "calendar-months"
        slos.append(s)
    doc["time"]["slos"] = slos
    path = tmp_path / "slos32.yaml"
    path.write_text(yaml.safe_dump(doc))
    summary = run(path, tmp_path / "slos32.h5", histories=1)["summary"]
    assert len(summary["slos"]) == 32
    with h5py.File(tmp_path / "slos32.h5") as f:
        per_history = f["slos/objectives/windows_per_history"][...]
        assert len(f["slos/windows/met"]) == int(per_history.sum())
        assert per_history[0] == 120 and per_history[2] == 3650 - 29
        # 10-second slices: every window counts all its slices; outages make some bad.
        w = windows_of(f, 7)
        assert np.all(w["total"] == 30 * 8640)
        assert w["bad"].sum() > 0
