"""Alert policies of time runs (/alerting) from the real engine: a small scenario with three
policies (the Workbook's burn-rate rules and a naive error-ratio rule, both always evaluated
and delivered, and a policy on one request kind whose metrics need `monitoring` and whose
pages need `alerting`, both of which fail) read, verified and checked against the firings
table; the burn-rate series recomputed in Python from /alerting/series must cross each rule's
threshold exactly where the engine says the rule fired; damaged copies refused; the plots,
the report and the text summary made from it. Skipped without a nines binary."""
from __future__ import annotations

import io
import math

import h5py
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import nines
from nines import engine, plots
from nines.report import render_report, text_summary

import time_files
from conftest import SCENARIOS
from test_report import assert_self_contained
from damage import replace, set_value
from damage import damaged_copy as _damaged_copy

HISTORIES = 20
SCENARIO = """format_version: 3
name: small-alerting
run: {seed: 11}
time:
  horizon: 30d
  histories: 20
  traffic:
    rate: 20/s
    hourly: [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 0.8, 1.2, 1.4, 1.5, 1.5,
             1.5, 1.5, 1.4, 1.4, 1.5, 1.7, 2.0, 2.2, 1.9, 1.4, 0.9, 0.5]
  slo: {target: 99.9%, window: 7d}
  alerting:
    - name: workbook
      slice: 1m
      rules:
        - {severity: page, burn_rate: 14.4, long: 1h, short: 5m}
        - {severity: page, burn_rate: 6, long: 6h, short: 30m}
        - {severity: ticket, burn_rate: 1, long: 1d, short: 2h}
    - name: naive
      slice: 1m
      rules:
        - {name: ratio-10m, severity: page, error_ratio: 0.1%, long: 10m}
    - name: watched
      slice: 5m
      kind: checkout
      needs: [monitoring]
      delivery: [alerting]
      rules:
        - {severity: page, burn_rate: 10, long: 30m, short: 5m}
        - {severity: ticket, error_ratio: 2%, long: 2h}
components:
  - {name: lb, reliability: 0.99999}
  - name: api
    reliability: 0.9998
    outages: {every: 4d, repair: 30m}
  - name: database
    reliability: 0.99995
    outages: {every: 6d, repair: 1h}
  - {name: monitoring, reliability: 1, outages: {every: 5d, repair: 4h}}
  - {name: alerting, reliability: 1, outages: {every: 5d, repair: 3h}}
request_kinds:
  - {name: browse, weight: 3, path: [lb, api]}
  - {name: checkout, weight: 1, path: [lb, api, database]}
"""
POLICIES = ("workbook", "naive", "watched")
YEAR = 365 * 86400.0


@pytest.fixture(scope="session")
def alerting_runs(nines_binary, tmp_path_factory) -> dict[str, str]:
    """{record: path} for the small scenario (outages, none) and {"shipped": path} for the
    shipped essay-app-alerting.yaml (20 histories, record outages)."""
    out = tmp_path_factory.mktemp("alerting")
    scenario = out / "small-alerting.yaml"
    scenario.write_text(SCENARIO)
    runs = {record: str(engine.run_scenario(scenario, out / f"small-{record}.h5",
                                            record=record, binary=nines_binary))
            for record in ("outages", "none")}
    runs["shipped"] = str(engine.run_scenario(
        SCENARIOS / "essay-app-alerting.yaml", out / "shipped.h5", record="outages",
        extra=["--histories", str(HISTORIES)], binary=nines_binary))
    return runs


# --- reading -----------------------------------------------------------------------------------

def test_policies_rules_and_firings_agree(alerting_runs):
    with nines.open(alerting_runs["outages"]) as run:
        run.verify()
        assert run.has_alerting
        assert 0 <= run.alert_missed_firing_bound < 1e-6
        policies = run.alert_policies()
        assert list(policies["name"]) == list(POLICIES)
        assert list(policies["scope"]) == ["mix", "mix", "checkout"]
        assert list(policies["needs"]) == [(), (), ("monitoring",)]
        assert list(policies["delivery"]) == [(), (), ("alerting",)]
        assert list(policies["slice_seconds"]) == [60.0, 60.0, 300.0]
        years = run.metadata.history_years
        assert np.allclose(policies["outages_per_year"], policies["outages"] / years)

        rules = run.alert_rules()
        assert list(rules["name"]) == ["page-1h", "page-6h", "ticket-1d", "any page",
                                       "ratio-10m", "any page", "page-30m", "ticket-2h",
                                       "any page"]
        assert list(rules["combined"]) == [False] * 3 + [True, False, True, False, False, True]
        assert list(rules["rule"]) == [0, 1, 2, 3, 0, 1, 0, 1, 2]
        own = rules[~rules["combined"]]
        assert np.allclose(own["threshold"], [0.0144, 0.006, 0.001, 0.001, 0.01, 0.02])
        assert list(own["long_seconds"]) == [3600, 21600, 86400, 600, 1800, 7200]
        assert list(own["short_seconds"]) == [300, 1800, 7200, 0, 300, 0]
        assert own["burn_rate"].isna().tolist() == [False, False, False, True, False, True]

        # Every count of /alerting/rules, recounted from the firings table (which lists each
        # policy's page rules together as rule number "its number of rules").
        firings = run.alert_firings()[:]
        assert len(firings) == rules["firings"].sum() > own["firings"].sum() > 0
        grouped = firings.groupby(["policy", "rule"])
        recount = pd.DataFrame({
            "firings": grouped.size(),
            "delivered": grouped["delivered"].count(),
            "noise": grouped["outage_start"].apply(lambda s: int(s.isna().sum()))})
        stated = rules.set_index(["policy", "rule"])[["firings", "delivered", "noise"]]
        recount = recount.reindex(stated.index, fill_value=0)
        pd.testing.assert_frame_equal(recount.astype(np.int64), stated.astype(np.int64))

        # The naive rule pages for noise at this traffic (20/s, 2/s at night), mostly at
        # night; the Workbook's rules need an hour at 14.4 times the budget and never do.
        compared = run.policy_comparison()
        assert list(compared.index) == list(POLICIES)
        assert compared.loc["naive", "noise_per_year"] > 100
        assert compared.loc["workbook", "noise"] == 0
        assert compared.loc["workbook", "precision"] == 1.0
        noise = run.alert_noise_by_hour()
        assert noise.shape == (len(rules), 24)
        night = noise.loc[("naive", "any page")]
        assert night[0:6].sum() > night[9:18].sum()
        assert np.allclose(noise.sum(axis=1) * years, rules["noise"].to_numpy())
        # The watched policy's pages wait for `alerting`: some are delivered late or never.
        watched = rules[rules["policy"] == 2]
        late = firings[(firings["policy"] == 2) & (firings["delivered"] > firings["fired"])]
        assert len(late) + (watched["firings"] - watched["delivered"]).sum() > 0

        one = run.alert_firings(history=1)
        assert (one["history"] == 1).all()
        assert set(one["policy_name"]) <= set(POLICIES)
        assert set(one["rule_name"]) <= set(rules["name"])


def test_time_to_page_follows_from_the_firings(alerting_runs):
    """Each outage's first delivered page, from the firings table, against the rules' stated
    recall and mean time to page (verify() checks the same, this does it by hand)."""
    with nines.open(alerting_runs["outages"]) as run:
        rules = run.alert_rules()
        firings = run.alert_firings()[:].dropna(subset=["outage_start", "delivered"])
        for _, r in rules[~rules["combined"]].iterrows():
            mine = firings[(firings["policy"] == r["policy"]) & (firings["rule"] == r["rule"])]
            first = mine.groupby(["history", "outage_start"])["delivered"].min()
            assert len(first) == r["outages_paged"]
            if len(first):
                waited = first.to_numpy() - first.index.get_level_values(1).to_numpy()
                assert (waited >= 0).all()
                assert waited.mean() == pytest.approx(r["time_to_page_mean"], abs=1e-3)


def test_record_none_keeps_the_tables_but_not_the_firings(alerting_runs):
    with nines.open(alerting_runs["outages"]) as full, nines.open(alerting_runs["none"]) as none:
        none.verify()
        pd.testing.assert_frame_equal(full.alert_rules(), none.alert_rules())
        pd.testing.assert_frame_equal(full.policy_comparison(), none.policy_comparison())
        for method in (none.alert_firings, none.alert_series, none.alert_series_keys):
            with pytest.raises(nines.RecordError, match="--record none"):
                method()


def test_a_run_without_alert_policies(tmp_path):
    path = time_files.make_time_run(tmp_path / "plain.h5", histories=5)
    with nines.open(path) as run:
        assert not run.has_alerting and run.alert_missed_firing_bound is None
        for table in (run.alert_policies(), run.alert_rules(), run.alert_noise_by_hour(),
                      run.policy_comparison()):
            assert table.empty
        for method in (run.alert_firings, run.alert_series):
            with pytest.raises(nines.RecordError, match="no alert policies"):
                method()
        with pytest.raises(ValueError, match="alert policies"):
            plots.alert_noise_by_hour(run)
        page = render_report(run, dpi=20)
    assert "<h2>Alerting</h2>" not in page


# --- the engine's decisions, recomputed --------------------------------------------------------

def windowed(series: pd.DataFrame, end: int, slices: int) -> tuple[int, int] | None:
    """(requests, errors) over the window of `slices` ending at slice end `end`, cut at slice
    0; None when the window reaches outside the recorded slices."""
    begin = max(end - slices, 0)
    first, last = int(series["slice"].iat[0]), int(series["slice"].iat[-1])
    if begin < first or end - 1 > last:
        return None
    rows = series[(series["slice"] >= begin) & (series["slice"] < end)]
    return int(rows["requests"].sum()), int(rows["errors"].sum())


def fires(window: tuple[int, int], threshold: float) -> bool:
    """The engine's test: errors F and good G with F (1 - t) > t G (F / (F + G) > t)."""
    requests, errors = window
    return errors * (1 - threshold) > threshold * (requests - errors)


def test_burn_rates_cross_the_thresholds_where_the_engine_fired(alerting_runs):
    """Around each policy's first firing about an outage in histories 0..3 the file keeps the
    exact counts of every slice. From them alone, slice end by slice end, a rule fires where
    both its windows' error ratios exceed the threshold; a firing starts where it fires and
    did not at the end before. For policies evaluated always, those starts must be exactly
    the engine's firings in the range where both ends' windows lie inside the series; for the
    policy that needs monitoring, every engine firing must be at an end that fires."""
    checked = 0
    with nines.open(alerting_runs["outages"]) as run:
        policies = run.alert_policies()
        rules = run.alert_rules()
        keys = run.alert_series_keys()
        assert {p for _, p in keys} == {0, 1, 2}
        for history, policy in keys:
            series = run.alert_series(history, policy)
            width = policies["slice_seconds"].iat[policy]
            firings = run.alert_firings(history=history)
            firings = firings[firings["policy"] == policy]
            first, last = int(series["slice"].iat[0]), int(series["slice"].iat[-1])
            computed_windows = run.alert_windows(history, policy)
            for _, r in rules[(rules["policy"] == policy) & ~rules["combined"]].iterrows():
                long_, short = (int(round(r[k] / width)) for k in ("long_seconds",
                                                                    "short_seconds"))
                decided = {}
                for end in range(first + 1, last + 2):
                    windows = [windowed(series, end, long_)] + \
                        ([windowed(series, end, short)] if short else [])
                    if all(w is not None for w in windows):
                        decided[end] = all(fires(w, r["threshold"]) for w in windows)
                starts = {e for e, on in decided.items() if on and decided.get(e - 1) is False}
                checkable = {e for e in decided if e - 1 in decided}
                mine = firings[firings["rule"] == r["rule"]]
                engine_ends = {int(round(t / width)) for t in mine["fired"]}
                assert all(abs(t / width - round(t / width)) < 1e-9 for t in mine["fired"])
                if not policies["needs"].iat[policy]:
                    assert engine_ends & checkable == starts, (history, policy, r["name"])
                else:
                    assert all(decided[e] for e in engine_ends & checkable)
                # The package's own recomputation agrees with this one.
                rows = computed_windows[computed_windows["rule"] == r["rule"]]
                ours = set(rows.loc[rows["starts"], "end_slice"])
                assert {e for e in ours if e in checkable} == starts
                checked += len(engine_ends & checkable)
            # The firing the series is centred on is among those checked, for the first rule
            # whose long window fits: the Workbook's 1-hour rule and the naive rule.
            about = firings.dropna(subset=["outage_start"])
            assert first <= about["fired"].min() / width <= last + 1
    assert checked >= 8


def test_burn_rate_arithmetic_in_the_series(alerting_runs):
    """The long window's burn rate at the Workbook rule's first page is above 14.4 and the
    budget spent in it (errors over the SLO window's budget) is the firing's `budget`."""
    with nines.open(alerting_runs["outages"]) as run:
        slo = run.slo
        history, policy = next(k for k in run.alert_series_keys() if k[1] == 0)
        windows = run.alert_windows(history, policy)
        firings = run.alert_firings(history=history)
        page = firings[(firings["policy"] == 0) & (firings["rule"] == 0)]
        rows = windows[(windows["rule"] == 0) & windows["starts"]]
        assert len(rows)
        for _, w in rows.iterrows():
            assert w["long_ratio"] / (1 - slo["target"]) > 14.4
            assert w["short_ratio"] / (1 - slo["target"]) > 14.4
            fired = page[np.isclose(page["fired"], w["end"])]
            assert len(fired) == 1
            # budget = long-window errors / ((1 - target) x the scope's mean requests per SLO
            # window): the same for every firing of the policy, up to the errors.
            ratio = w["long_errors"] / fired["budget"].iat[0]
            assert ratio > 0 and math.isfinite(ratio)
            expected = (1 - slo["target"]) * run.metadata.traffic_rate * slo["window_seconds"]
            assert ratio == pytest.approx(expected, rel=1e-6)


def damaged_copy(source: str, directory, edit) -> str:
    return _damaged_copy(source, directory, edit, "damaged-alerting.h5")


# --- damaged copies ----------------------------------------------------------------------------

def bump(dataset: str, index: int, by=1):
    """Adds `by` to element `index` of the dataset, counted row-major (2-D datasets too)."""
    def edit(f):
        values = f[dataset][...]
        flat = values.reshape(-1)
        flat[index] = flat[index] + by
        f[dataset][...] = values
    return edit


def first_noise_row(path: str) -> int:
    with h5py.File(path, "r") as f:
        return int(np.flatnonzero(np.isnan(f["alerting/firings/outage_start"][:]))[0])


def first_about_row(path: str) -> int:
    with h5py.File(path, "r") as f:
        return int(np.flatnonzero(~np.isnan(f["alerting/firings/outage_start"][:]))[0])


OPEN_DAMAGE = [
    ("noise count", bump("alerting/rules/noise", 0), "/alerting/rules/noise"),
    ("firings count", bump("alerting/rules/firings", 1), "firings"),
    ("combined row", set_value("alerting/rules/combined", 3, 0), "one combined row"),
    ("policy order", set_value("alerting/rules/policy", 0, 1), "policy order"),
    ("scope", replace("alerting/policies/scope", lambda v: np.array(
        [b"nowhere", *v[1:]], dtype=object)), "neither a request kind"),
    ("needs", replace("alerting/policies/needs", lambda v: np.array(
        [b"ghost", *v[1:]], dtype=object)), "not a component"),
    ("threshold", bump("alerting/rules/threshold", 0, 0.001), "burn rate 14.4"),
    ("noise by hour", bump("alerting/rules/noise_by_hour_per_year", 24 * 4 + 3, 5.0),
     "noise_by_hour_per_year"),
    ("precision", bump("alerting/rules/precision", 4, -0.1), "precision"),
    ("missing rules", lambda f: f.__delitem__("alerting/rules"), "/alerting/rules is missing"),
    ("missing bound", lambda f: f["alerting"].attrs.__delitem__("missed_firing_bound"),
     "missed_firing_bound"),
    ("firings length", replace("alerting/firings/fired", lambda v: v[:-1]), "has"),
]


@pytest.mark.parametrize("what,edit,expected", OPEN_DAMAGE, ids=[d[0] for d in OPEN_DAMAGE])
def test_inconsistent_alerting_tables_are_damage(alerting_runs, tmp_path, what, edit,
                                                 expected):
    path = damaged_copy(alerting_runs["outages"], tmp_path, edit)
    with pytest.raises(nines.DamagedFileError) as raised:
        with nines.open(path) as run:
            run.verify()
    message = str(raised.value)
    assert message.startswith(f"{path} is damaged: ") and expected in message, message


def test_firings_that_disagree_with_the_rules_are_found_by_verify(alerting_runs, tmp_path):
    source = alerting_runs["outages"]
    cases = [
        # A noise firing made one about an outage: lengths agree, the noise count does not.
        (set_value("alerting/firings/outage_start", first_noise_row(source), 1.0), "noise"),
        # A delivered page lost.
        (set_value("alerting/firings/delivered", first_about_row(source), np.nan),
         "delivered"),
        # A firing moved to another rule of its policy.
        (set_value("alerting/firings/rule", 0, 1), "/alerting/"),
        # A firing moved in time: out of order, or its noise hour and count disagree.
        (set_value("alerting/firings/fired", 1, 60.0), "/alerting/firings"),
    ]
    for edit, expected in cases:
        path = damaged_copy(source, tmp_path, edit)
        with nines.open(path) as run:  # lengths and bounds agree: opening is fine
            with pytest.raises(nines.DamagedFileError) as raised:
                run.verify()
        assert expected in str(raised.value), str(raised.value)


def test_impossible_firings_and_series_rows(alerting_runs, tmp_path):
    source = alerting_runs["outages"]
    path = damaged_copy(source, tmp_path, set_value("alerting/firings/rule", 0, 2))
    with nines.open(path) as run:  # policy 0 has rules 0..2: fine; policy 1 has one rule
        pass
    with h5py.File(source, "r") as f:
        row = int(np.flatnonzero(f["alerting/firings/policy"][:] == 1)[0])
    path = damaged_copy(source, tmp_path, set_value("alerting/firings/rule", row, 2))
    with nines.open(path) as run:
        with pytest.raises(nines.DamagedFileError, match="beyond its policy's rules"):
            run.alert_firings()[:]
    path = damaged_copy(source, tmp_path, set_value("alerting/firings/policy", 0, 7))
    with nines.open(path) as run:
        with pytest.raises(nines.DamagedFileError, match="/alerting/firings/policy"):
            run.alert_firings()[:]
    path = damaged_copy(source, tmp_path, bump("alerting/series/slice", 5, 3))
    with nines.open(path) as run:
        with pytest.raises(nines.DamagedFileError, match="not consecutive"):
            run.alert_series()
    path = damaged_copy(source, tmp_path, bump("alerting/series/errors", 0, 10 ** 9))
    with nines.open(path) as run:
        with pytest.raises(nines.DamagedFileError, match="more errors than requests"):
            run.alert_series()
    path = damaged_copy(alerting_runs["none"], tmp_path,
                        lambda f: f["alerting"].create_group("firings"))
    with pytest.raises(nines.DamagedFileError, match="--record none"):
        nines.open(path)


# --- plots, report, summary --------------------------------------------------------------------

@pytest.mark.parametrize("record", ["outages", "none", "shipped"])
def test_plots_report_and_summary(alerting_runs, record, tmp_path):
    path = alerting_runs[record]
    with nines.open(path) as run:
        run.verify()
        figures = [plots.alert_noise_by_hour(run), plots.alert_noise_by_hour(run, rules=True),
                   plots.alert_policy_comparison(run)]
        if run.has_histories:
            figures += [plots.alert_burn_rates(run)]
            for history, policy in run.alert_series_keys():
                figures.append(plots.alert_burn_rates(run, history, policy))
        else:
            with pytest.raises(nines.RecordError):
                plots.alert_burn_rates(run)
        for figure in figures:
            assert isinstance(figure, Figure)
            figure.savefig(io.BytesIO(), format="png", dpi=30)
        page = render_report(run, dpi=30)
        text = text_summary(run)
        names = list(run.alert_policies()["name"])
    assert_self_contained(page)
    assert "<h2>Alerting</h2>" in page and "Policies compared on the same histories" in page
    for name in names:
        assert f"<h3>Policy {name}</h3>" in page
        assert f"    {name}" in text
    assert "alert policies compared (page rules together):" in text
    alerting = page[page.index("<h2>Alerting</h2>"):page.index("<h2>Error budget")]
    images = alerting.count('src="data:image/png;base64,')
    assert images == (3 if record != "none" else 2)


def test_the_shipped_scenario_compares_its_policies(alerting_runs):
    """essay-app-alerting.yaml: both policies page for nearly every outage; the naive rule
    pages sooner, the Workbook's never for noise."""
    with nines.open(alerting_runs["shipped"]) as run:
        compared = run.policy_comparison()
        assert list(compared.index) == ["workbook", "naive"]
        assert compared.loc["workbook", "noise"] == 0
        assert compared.loc["naive", "time_to_page_p50"] < \
            compared.loc["workbook", "time_to_page_p50"]
        assert (compared["recall"] > 0.9).all()
        assert list(run.alert_policies()["needs"]) == [("monitoring",)] * 2
