"""SLOs as objects of time runs (/slos) from the real engine: a small scenario with one SLO of
each sort (the mix by requests with time.slo's target and windows, a kind by requests over
rolling and tumbling windows, good minutes by timeslices per calendar month) read, verified and
recounted: every window's verdict from its counts, each SLO's share met, P(first window met)
and good share from the windows against /slos/objectives and the engine's JSON summary; the
mix SLO against /windows window by window; damaged copies refused; the plots, the report and
the text summary made from it. Skipped without a nines binary."""
from __future__ import annotations

import io
import json
import math
import subprocess

import h5py
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import nines
from nines import engine, plots
from nines.report import render_report, text_summary
from nines.stats import slos as slo_math

import time_files
from conftest import SCENARIOS
from test_report import assert_self_contained
from damage import replace, set_value
from damage import damaged_copy as _damaged_copy

HISTORIES = 24
SCENARIO = """format_version: 3
name: small-slos
run: {seed: 7}
time:
  horizon: 120d
  histories: 24
  detection: {delay: {exponential: 10m}}
  traffic:
    rate: 5/s
    hourly: [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 0.8, 1.2, 1.4, 1.5, 1.5,
             1.5, 1.5, 1.4, 1.4, 1.5, 1.7, 2.0, 2.2, 1.9, 1.4, 0.9, 0.5]
  slo: {target: 99.9%, window: 30d, windows: tumbling}
  slos:
    - name: mix                 # time.slo's target and windows, by requests
      target: 99.9%
      window: 30d
      windows: tumbling
    - name: checkout
      kind: checkout
      target: 99%
      window: 30d               # rolling
    - name: browse-weekly
      kind: browse
      target: 99.95%
      window: 7d
      windows: tumbling
    - name: good-slices
      target: 99.5%
      windows: calendar-months
      budgeting_method: timeslices
      time_slice_target: 98%
      time_slice_window: 5m
components:
  - {name: lb, reliability: 0.99999}
  - name: api
    reliability: 0.9999
    outages: {every: 10d, repair: 40m}
  - name: payments
    reliability: 0.999
    outages: {every: 20d, repair: 90m}
request_kinds:
  - {name: browse, weight: 4, path: [lb, api]}
  - {name: checkout, weight: 1, path: [lb, api, payments]}
"""
NAMES = ("mix", "checkout", "browse-weekly", "good-slices")


@pytest.fixture(scope="session")
def slo_runs(nines_binary, tmp_path_factory) -> dict:
    """{record: path} for the small scenario (outages, none), "json": its --json summary, and
    "shipped": the shipped shop-slos.yaml (20 histories, record outages)."""
    out = tmp_path_factory.mktemp("slos")
    scenario = out / "small-slos.yaml"
    scenario.write_text(SCENARIO)
    runs = {}
    for record in ("outages", "none"):
        path = out / f"small-{record}.h5"
        done = subprocess.run([nines_binary, "run", str(scenario), "-o", str(path), "--force",
                               "--record", record, "--json"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        runs[record] = str(path)
        runs[f"json-{record}"] = json.loads(done.stdout)
    runs["shipped"] = str(engine.run_scenario(
        SCENARIOS / "shop-slos.yaml", out / "shipped.h5", record="outages",
        extra=["--histories", "20"], binary=nines_binary))
    return runs


# --- reading -----------------------------------------------------------------------------------

def test_objectives_and_definitions(slo_runs):
    with nines.open(slo_runs["outages"]) as run:
        run.verify()
        assert run.has_slos
        o = run.slo_objectives()
        assert list(o["name"]) == list(NAMES)
        assert list(o["scope"]) == ["mix", "checkout", "browse", "mix"]
        assert list(o["budgeting_method"]) == ["occurrences"] * 3 + ["timeslices"]
        assert list(o["windows"]) == ["tumbling", "rolling", "tumbling", "calendar-months"]
        assert np.allclose(o["target"], [0.999, 0.99, 0.9995, 0.995])
        assert np.allclose(o["budget_fraction"], 1 - o["target"], rtol=0, atol=1e-15)
        assert o["time_slice_target"].isna().tolist() == [True] * 3 + [False]
        assert o["time_slice_window_seconds"].iat[3] == 300
        # 120 days: 4 tumbling 30-day windows, 91 rolling ones, 17 weeks, 4 whole months
        # (January to April: 31 + 28 + 31 + 30 = 120 days).
        assert list(o["windows_per_history"]) == [4, 91, 17, 4]
        defs = run.slo_window_definitions()
        assert len(defs) == 4 + 91 + 17 + 4
        months = run.slo_window_definitions("good-slices")
        assert list(months["first_day"]) == [0, 31, 59, 90]
        assert list(months["days"]) == [31, 28, 31, 30]
        assert list(months.index) == [0, 1, 2, 3]
        rolling = run.slo_window_definitions(1)
        assert list(rolling["first_day"]) == list(range(91))
        assert (rolling["length"] == 30 * 86400.0).all()
        weekly = defs.loc[2]
        assert list(weekly["first_day"]) == [7 * k for k in range(17)]
        # The mix SLO has time.slo's windows.
        pd.testing.assert_frame_equal(
            run.slo_window_definitions("mix").reset_index(drop=True),
            run.window_definitions().reset_index(drop=True), check_dtype=False)


def test_every_window_recounted(slo_runs):
    """From /slos/windows alone: each window's verdict from its counts (bad <= (1 - target) x
    total, in doubles, as the engine decides), and per SLO the share of windows met, P(the
    first window meets it) and the share of good events, against /slos/objectives and the
    engine's JSON summary."""
    summary = {s["name"]: s for s in slo_runs["json-outages"]["summary"]["slos"]}
    with nines.open(slo_runs["outages"]) as run:
        o = run.slo_objectives()
        table = run.slo_windows()
        assert len(table) == HISTORIES * o["windows_per_history"].sum()
        rows = table[:]
        for s, name in enumerate(NAMES):
            mine = rows[rows["slo"] == s]
            target = o["target"].iat[s]
            W = int(o["windows_per_history"].iat[s])
            assert len(mine) == HISTORIES * W
            bad = mine["bad"].to_numpy(np.float64)
            total = mine["total"].to_numpy(np.float64)
            met = bad <= (1 - target) * total
            assert np.array_equal(met, mine["met"].to_numpy() == 1)
            share = met.mean()
            first = met[mine["window"].to_numpy() == 0].mean()
            good = 1 - bad.sum() / total.sum()
            for key, value in (("share_met", share), ("first_window_met", first),
                               ("good_share", good)):
                assert value == pytest.approx(o[key].iat[s], rel=1e-12, abs=1e-15), (name, key)
                assert value == pytest.approx(summary[name][key], rel=1e-12, abs=1e-15)
            # Its interval over histories: mean +- z s / sqrt(n) of each history's share.
            per_history = met.reshape(HISTORIES, W).mean(axis=1)
            half = 1.959963984540054 * per_history.std(ddof=1) / math.sqrt(HISTORIES)
            assert o["share_met_low"].iat[s] == pytest.approx(max(0.0, share - half), abs=1e-12)
            assert o["share_met_high"].iat[s] == pytest.approx(min(1.0, share + half),
                                                               abs=1e-12)
            for key in ("target", "window_seconds", "windows_per_history", "share_met_low",
                        "share_met_high", "first_window_met_low", "first_window_met_high"):
                assert summary[name][key] == pytest.approx(o[key].iat[s], rel=1e-12)
            assert summary[name]["budgeting_method"] == o["budgeting_method"].iat[s]
        # Every time slice is counted, good or bad: 288 five-minute slices a day.
        slices = rows[rows["slo"] == 3]
        days = run.slo_window_definitions(3)["days"].to_numpy()
        assert np.array_equal(slices["total"].to_numpy(),
                              np.tile(days * 288, HISTORIES).astype(np.uint64))
        # Something to tell apart: not every SLO is always met or always missed.
        assert 0 < o["share_met"].iat[1] < 1 or 0 < o["share_met"].iat[3] < 1


def test_the_mix_slo_is_time_slo_by_requests(slo_runs):
    """The mix SLO by requests with time.slo's target and windows is time.slo's request-based
    verdict, window by window, on the same counts."""
    with nines.open(slo_runs["outages"]) as run:
        ours = run.slo_windows(slo="mix")
        theirs = run.windows()[:]
        assert np.array_equal(ours["history"].to_numpy(), theirs["history"].to_numpy())
        assert np.array_equal(ours["window"].to_numpy(), theirs["window"].to_numpy())
        assert np.array_equal(ours["bad"].to_numpy(), theirs["failed"].to_numpy())
        assert np.array_equal(ours["total"].to_numpy(), theirs["requests"].to_numpy())
        assert np.array_equal(ours["met"].to_numpy(), theirs["met_requests"].to_numpy())
        assert run.slo_objectives()["share_met"].iat[0] == \
            pytest.approx(run.slo["share_met_requests"], rel=1e-12)


def test_one_history_and_one_slo(slo_runs):
    with nines.open(slo_runs["outages"]) as run:
        whole = run.slo_windows()[:]
        one = run.slo_windows(history=5)
        assert (one["history"] == 5).all() and len(one) == run.slo_objectives()[
            "windows_per_history"].sum()
        assert list(one.columns) == ["history", "slo", "slo_name", "window", "start", "length",
                                     "bad", "total", "met"]
        pd.testing.assert_frame_equal(one[["history", "slo", "window", "bad", "total", "met"]],
                                      whole[whole["history"] == 5])
        both = run.slo_windows("checkout", history=-1)
        assert (both["slo_name"] == "checkout").all()
        assert (both["history"] == HISTORIES - 1).all()
        assert list(both["start"]) == [d * 86400.0 for d in range(91)]
        weekly = run.slo_windows("browse-weekly")
        assert len(weekly) == HISTORIES * 17 and (weekly["slo"] == 2).all()
        with pytest.raises(KeyError, match="no SLO 'nope'"):
            run.slo_windows("nope")
        with pytest.raises(IndexError):
            run.slo_windows(history=HISTORIES)


def test_budget_consumed(slo_runs):
    with nines.open(slo_runs["outages"]) as run:
        o = run.slo_objectives()
        summary = run.slo_budget_summary()
        assert list(summary["name"]) == list(NAMES)
        for s in range(len(o)):
            consumed = run.slo_budget_consumed(s)
            rows = run.slo_windows(slo=s)
            assert len(consumed) == len(rows)
            expected = rows["bad"].to_numpy(np.float64) / (
                (1 - o["target"].iat[s]) * rows["total"].to_numpy(np.float64))
            assert np.allclose(consumed, expected, rtol=1e-12)
            # Within the budget exactly where the window met the SLO (no window sits at
            # exactly 100%, where the quotient could round the other way).
            assert np.array_equal(consumed <= 1, rows["met"].to_numpy() == 1)
            assert summary["exhausted"].iat[s] == pytest.approx(1 - o["share_met"].iat[s],
                                                                abs=1e-12)
            assert summary["windows"].iat[s] == len(rows)
            assert summary["p05"].iat[s] <= summary["p50"].iat[s] <= summary["p95"].iat[s]


def test_record_none_keeps_the_objectives_but_not_the_windows(slo_runs):
    with nines.open(slo_runs["outages"]) as full, nines.open(slo_runs["none"]) as none:
        none.verify()
        pd.testing.assert_frame_equal(full.slo_objectives(), none.slo_objectives())
        pd.testing.assert_frame_equal(full.slo_window_definitions(),
                                      none.slo_window_definitions())
        for method in (none.slo_windows, lambda: none.slo_budget_consumed(0),
                       none.slo_budget_summary):
            with pytest.raises(nines.RecordError, match="--record none"):
                method()


def test_a_run_without_slos(tmp_path):
    path = time_files.make_time_run(tmp_path / "plain.h5", histories=5)
    with nines.open(path) as run:
        assert not run.has_slos
        assert run.slo_objectives().empty
        for method in (run.slo_windows, run.slo_window_definitions, run.slo_budget_summary):
            with pytest.raises(nines.RecordError, match="no SLOs as objects"):
                method()
        for plot in (plots.slo_share_met, plots.slo_budget_consumed):
            with pytest.raises(ValueError, match="time.slos"):
                plot(run)
        page = render_report(run, dpi=20)
        text = text_summary(run)
    assert "<h2>SLOs</h2>" not in page and "SLOs (share" not in text


# --- the arithmetic ----------------------------------------------------------------------------

def test_met_and_consumed_arithmetic():
    bad = np.array([0, 1, 10, 11, 5, 0], dtype=np.uint64)
    total = np.array([1000, 1000, 10_000, 10_000, 0, 0], dtype=np.uint64)
    assert slo_math.met_windows(bad, total, 0.001).tolist() == \
        [True, True, True, False, False, True]
    consumed = slo_math.budget_consumed(bad, total, 0.001)
    assert consumed[:4] == pytest.approx([0.0, 1.0, 1.0, 1.1])
    assert np.isnan(consumed[4:]).all()
    # Budget fractions per window, as the reader passes them.
    assert slo_math.budget_consumed([1, 1], [100, 100], [0.01, 0.02]) == \
        pytest.approx([1.0, 0.5])
    with pytest.raises(ValueError, match="strictly between"):
        slo_math.budget_consumed([1], [10], 0.0)
    s = slo_math.consumed_summary(np.array([0.0, 0.5, 1.0, 2.0, np.nan]))
    assert s["windows"] == 4 and s["exhausted"] == 0.25 and s["max"] == 2.0
    assert s["mean"] == pytest.approx(0.875) and s["p50"] == pytest.approx(0.75)
    empty = slo_math.consumed_summary([np.nan])
    assert empty["windows"] == 0 and math.isnan(empty["p50"]) and math.isnan(empty["exhausted"])


def test_consumed_quantiles_follow_the_binomial():
    """Windows of n requests each failing with probability p consume Binomial(n, p) / (b n)
    of a budget b: the summary's mean and median over many windows land on n p / (b n) within
    sampling error (fixed seed)."""
    rng = np.random.default_rng(2026)
    n, p, b, windows = 100_000, 0.0008, 0.001, 20_000
    bad = rng.binomial(n, p, size=windows)
    s = slo_math.consumed_summary(slo_math.budget_consumed(bad, np.full(windows, n), b))
    expected = p / b
    sd = math.sqrt(n * p * (1 - p)) / (b * n)
    assert abs(s["mean"] - expected) < 5 * sd / math.sqrt(windows)
    assert abs(s["p50"] - expected) < 0.02
    # P(consumed > 1) = P(Binomial > 100), about 1.2% (normal approximation: z = 2.24).
    tail = float(np.mean(bad > b * n))
    assert s["exhausted"] == pytest.approx(tail)
    assert 0.005 < tail < 0.025


def damaged_copy(source: str, directory, edit) -> str:
    return _damaged_copy(source, directory, edit, "damaged-slos.h5")


# --- damaged copies ----------------------------------------------------------------------------

def strings(dataset: str, index: int, value: str):
    def edit(f):
        values = [v.decode() if isinstance(v, bytes) else v for v in f[dataset][:]]
        values[index] = value
        del f[dataset]
        f.create_dataset(dataset, data=values, dtype=h5py.string_dtype("utf-8"))
    return edit


O = "slos/objectives/"


def outside_interval(f, s: int) -> None:
    """Moves one end of SLO s's share_met interval past the share, inside [0, 1]."""
    share = float(f[O + "share_met"][s])
    if share > 0.01:
        f[O + "share_met_high"][s] = share - 0.005
    else:
        f[O + "share_met_low"][s] = share + 0.005
OPEN_DAMAGE = [
    ("name twice", strings(O + "name", 1, "mix"), "names SLO 'mix' twice"),
    ("scope", strings(O + "scope", 1, "nowhere"), "neither a request kind"),
    ("method", strings(O + "budgeting_method", 0, "requests"), "budgeting_method holds"),
    ("windows", strings(O + "windows", 0, "weekly"), "/slos/objectives/windows holds"),
    ("slice fields of occurrences", set_value(O + "time_slice_target", 0, 0.9),
     "both are NaN for occurrences"),
    ("slice fields of timeslices", set_value(O + "time_slice_window_seconds", 3, np.nan),
     "budgeted by timeslices"),
    ("share", set_value(O + "share_met", 1, 1.5), "lies in [0, 1]"),
    ("interval", lambda f: outside_interval(f, 1), "does not hold"),
    ("budget fraction", set_value(O + "budget_fraction", 0, 0.01), "budget_fraction"),
    ("windows per history", set_value(O + "windows_per_history", 2, 16),
     "/slos/window_slo"),
    ("window order", set_value("slos/window_slo", 0, 1), "/slos/window_slo[0]"),
    ("window outside", set_value("slos/window_first_day", 4, 100), "inside the horizon"),
    ("window length", set_value("slos/window_days", 0, 29), "not its window of 30 days"),
    ("windows length", replace("slos/windows/bad", lambda v: v[:-1]), "/slos/windows/bad"),
    ("objectives missing", lambda f: f.__delitem__("slos/objectives"),
     "/slos/objectives is missing"),
]


@pytest.mark.parametrize("what,edit,expected", OPEN_DAMAGE, ids=[d[0] for d in OPEN_DAMAGE])
def test_inconsistent_slo_tables_are_damage(slo_runs, tmp_path, what, edit, expected):
    path = damaged_copy(slo_runs["outages"], tmp_path, edit)
    with pytest.raises(nines.DamagedFileError) as raised:
        with nines.open(path) as run:
            run.verify()
    message = str(raised.value)
    assert message.startswith(f"{path} is damaged: ") and expected in message, message


def first_missed_row(path: str) -> int:
    with h5py.File(path, "r") as f:
        return int(np.flatnonzero(f["slos/windows/met"][:] == 0)[0])


def test_windows_that_disagree_are_found_when_read(slo_runs, tmp_path):
    source = slo_runs["outages"]
    missed = first_missed_row(source)
    with h5py.File(source, "r") as f:
        slices_row = int(np.flatnonzero(f["slos/windows/slo"][:] == 3)[0])
        total = int(f["slos/windows/total"][missed])
    cases = [
        (set_value("slos/windows/met", missed, 1), "says met = 1"),
        (set_value("slos/windows/bad", missed, 0), "says met = 0"),
        (set_value("slos/windows/bad", missed, total + 1), "more bad than all"),
        (set_value("slos/windows/total", slices_row, 100), "number of time slices"),
        (set_value("slos/windows/history", 0, 1), "rows by history, SLO and window"),
        (set_value("slos/windows/window", 1, 3), "rows by history, SLO and window"),
        (set_value("slos/windows/slo", 0, 9), "/slos/windows/slo"),
    ]
    for edit, expected in cases:
        path = damaged_copy(source, tmp_path, edit)
        with nines.open(path) as run:  # lengths agree: opening is fine
            with pytest.raises(nines.DamagedFileError) as raised:
                run.verify()
        assert expected in str(raised.value), (expected, str(raised.value))


def test_objectives_that_disagree_with_the_windows_are_found_by_verify(slo_runs, tmp_path):
    """Objectives that are plausible on their own (shares in [0, 1], inside their intervals)
    but not what the windows make: only verify()'s recount finds them."""
    source = slo_runs["outages"]
    with h5py.File(source, "r") as f:
        stated = {key: f[O + key][:] for key in ("share_met", "first_window_met",
                                                 "good_share")}
    for key, s in (("share_met", 1), ("first_window_met", 3), ("good_share", 2)):
        value = stated[key][s]
        changed = value - 0.01 if value > 0.5 else value + 0.01

        def edit(f, key=key, s=s, changed=changed):
            f[O + key][s] = changed
            if key != "good_share":  # an interval that holds the changed value
                f[O + key + "_low"][s] = 0.0
                f[O + key + "_high"][s] = 1.0
        path = damaged_copy(source, tmp_path, edit)
        with nines.open(path) as run:
            with pytest.raises(nines.DamagedFileError, match=f"/slos/objectives/{key} of"):
                run.verify()
    path = damaged_copy(slo_runs["none"], tmp_path,
                        lambda f: f["slos"].create_group("windows"))
    with pytest.raises(nines.DamagedFileError, match="--record none"):
        nines.open(path)


# --- plots, report, summary --------------------------------------------------------------------

@pytest.mark.parametrize("record", ["outages", "none", "shipped"])
def test_plots_report_and_summary(slo_runs, record):
    path = slo_runs[record]
    with nines.open(path) as run:
        run.verify()
        figures = [plots.slo_share_met(run)]
        if run.has_histories:
            figures += [plots.slo_budget_consumed(run),
                        plots.slo_budget_consumed(run, [run.slo_objectives()["name"].iat[-1]])]
        else:
            with pytest.raises(nines.RecordError):
                plots.slo_budget_consumed(run)
        for figure in figures:
            assert isinstance(figure, Figure)
            figure.savefig(io.BytesIO(), format="png", dpi=30)
        page = render_report(run, dpi=30)
        text = text_summary(run)
        names = list(run.slo_objectives()["name"])
    assert_self_contained(page)
    assert "<h2>SLOs</h2>" in page
    section = page[page.index("<h2>SLOs</h2>"):page.index("<h2>Error budget")]
    for name in names:
        assert f"{name}<span" in section
        assert f"    {name}" in text
    assert section.count('src="data:image/png;base64,') == (2 if record != "none" else 1)
    assert ("budget consumed per window" in section) == (record != "none")
    assert "SLOs (share of windows met" in text


def test_the_shipped_scenario(slo_runs):
    """shop-slos.yaml: checkout at 99.9% by requests is never met (the payment provider's
    0.1% of transient failures spend the budget before any outage), at 99% nearly always."""
    with nines.open(slo_runs["shipped"]) as run:
        run.verify()
        o = run.slo_objectives().set_index("name")
        assert o.loc["checkout-three-nines", "share_met"] == 0
        assert o.loc["checkout-two-nines", "share_met"] > 0.8
        consumed = run.slo_budget_summary().set_index("name")
        # Transient failures alone: the kind's path fails 1 - 0.99999 x 0.9999 x 0.999 of
        # its requests, 1.11 times the 0.1% budget; outages only add to it.
        assert consumed.loc["checkout-three-nines", "p05"] > 1.0
        assert consumed.loc["checkout-three-nines", "exhausted"] == 1.0
