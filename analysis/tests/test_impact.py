"""nines.impact_table (issue 13, item 4): the service impact per component of chain, structure
and time runs, checked against hand computation from the files' datasets (h5py alone), the
join with an allocation file (`nines allocate`), and the order."""
from __future__ import annotations

import math
import pathlib
import subprocess

import h5py
import numpy as np
import pytest

import nines
from nines import engine
from nines.errors import FormatError

from conftest import SCENARIOS

LEVEL = 0.95
Z = 1.959963984540054


def wilson(k: int, n: int) -> tuple[float, float]:
    """The Wilson score interval written out (independently of nines.stats)."""
    p = k / n
    denominator = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / denominator
    half = Z / denominator * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return (0.0 if k == 0 else max(0.0, centre - half), 1.0 if k == n else min(1.0, centre + half))


def strings(dataset) -> list[str]:
    return [v.decode() if isinstance(v, bytes) else str(v) for v in dataset[...]]


def allocate(binary, scenario: pathlib.Path, target: str, output: pathlib.Path) -> pathlib.Path:
    subprocess.run([str(binary), "allocate", str(scenario), "--target", target, "-o",
                    str(output)], check=True, capture_output=True, text=True)
    return output


@pytest.fixture(scope="module")
def files(nines_binary, tmp_path_factory) -> dict[str, pathlib.Path]:
    out = tmp_path_factory.mktemp("impact")
    run = lambda name, output, **kw: engine.run_scenario(  # noqa: E731
        SCENARIOS / f"{name}.yaml", out / output, binary=nines_binary, **kw)
    return {
        "chain": run("seed-app", "chain.h5", requests=300_000, seed=5, record="none"),
        "structure": run("essay-app-redundant", "structure.h5", requests=300_000, seed=5,
                         record="none", extra=["--importance", "simulated"]),
        "structure-exact": run("essay-app-redundant", "structure-exact.h5", requests=100_000,
                               seed=5, record="none"),
        "time": run("essay-app-over-a-year", "time.h5", record="outages",
                    extra=["--histories", "12"]),
        "time-none": run("essay-app-over-a-year", "time-none.h5", record="none",
                         extra=["--histories", "12"]),
        "checkout": run("checkout-teams", "checkout.h5", requests=300_000, seed=5,
                        record="none"),
        "zones": run("zone-outage", "zones.h5", requests=2_000_000, seed=5, record="none"),
        "zones-time": run("zone-outages-over-time", "zones-time.h5", record="requests",
                          extra=["--histories", "40"]),
        "checkout-allocation": allocate(nines_binary, SCENARIOS / "checkout-teams.yaml",
                                        "99.95%", out / "checkout.allocation.h5"),
        "redundant-allocation": allocate(nines_binary, SCENARIOS / "essay-app-redundant.yaml",
                                         "99%", out / "redundant.allocation.h5"),
    }


def by_component(table):
    return table.set_index("component")


# --- chains (format 1) -------------------------------------------------------------------------

def test_chain_numbers_by_hand(files):
    table = nines.impact_table(files["chain"])
    rows = by_component(table)
    with h5py.File(files["chain"]) as f:
        names = strings(f["components/name"])
        r = f["components/reliability"][...]
        failures = f["components/failures"][...].astype(int)
        expected = f["components/expected_failures"][...]
        n = int(f.attrs["requests"])
        total = int(f.attrs["failures"])
    assert list(table["reliability_measure"].unique()) == ["reliability per call"]
    reached = n
    for k, name in enumerate(names):
        row = rows.loc[name]
        assert row["team"] == name
        assert row["reliability_exact"] == r[k] == row["reliability_per_call"]
        # Measured: the requests that reached component k, and how many of them it failed.
        assert row["reliability_measured"] == pytest.approx(1 - failures[k] / reached, rel=1e-14)
        low, high = wilson(reached - failures[k], reached)
        assert row["reliability_low"] == pytest.approx(low, rel=1e-12)
        assert row["reliability_high"] == pytest.approx(high, rel=1e-12)
        assert row["reliability_low"] < r[k] < row["reliability_high"] or \
            abs(row["reliability_measured"] - r[k]) < 5 * math.sqrt(r[k] * (1 - r[k]) / reached)
        # Share of the failures: first failures over all failed requests, Wilson interval.
        assert row["failures"] == failures[k]
        assert row["failure_share"] == pytest.approx(failures[k] / total, rel=1e-14)
        low, high = wilson(failures[k], total)
        assert (row["failure_share_low"], row["failure_share_high"]) == \
            pytest.approx((low, high), rel=1e-12)
        assert row["failure_share_exact"] == pytest.approx(expected[k] / expected.sum(),
                                                           rel=1e-12)
        # Improvement potential: U - U(k perfect) = prod_{j != k} r_j (1 - r_k).
        others = np.prod(np.delete(r, k))
        u = 1 - np.prod(r)
        assert row["improvement_potential"] == pytest.approx(others * (1 - r[k]), rel=1e-12)
        assert row["improvement_potential"] == pytest.approx(u - (1 - others), rel=1e-9)
        assert row["improvement_potential_source"] == "exact"
        reached -= failures[k]
    assert table.attrs["format_version"] == 1
    assert table.attrs["failures"] == total and table.attrs["unattributed_failures"] == 0
    assert table["failure_share"].sum() == pytest.approx(1.0)
    assert table[["budget_requests_consumed", "budget_time_consumed"]].isna().all().all()


def test_chain_simulated_improvement_potential_brackets_the_exact_one(files):
    table = nines.impact_table(files["chain"])
    big = table[table["failures"] >= 200]
    assert len(big) >= 3
    z = ((big["improvement_potential_simulated"] - big["improvement_potential"])
         / ((big["improvement_potential_high"] - big["improvement_potential_low"]) / (2 * Z)))
    assert (z.abs() < 5).all()


# --- structures (format 2) ---------------------------------------------------------------------

def test_structure_numbers_by_hand(files):
    table = nines.impact_table(files["structure"])
    rows = by_component(table)
    assert set(table["element"]) == {"component"}  # essay-app-redundant has no common cause
    with h5py.File(files["structure"]) as f:
        names = strings(f["components/name"])
        declaration = strings(f["components/declaration"])
        culprits = f["components/culprit_failures"][...].astype(int)
        probability = f["components/culprit_probability"][...]
        effective = f["components/effective_reliability"][...]
        per_call = f["components/reliability"][...]
        ip = f["importance/components/improvement_potential"][...]
        ip_sim = f["importance/components/improvement_potential_simulated"][...]
        ip_low = f["importance/components/improvement_potential_simulated_low"][...]
        ip_high = f["importance/components/improvement_potential_simulated_high"][...]
        total = int(f.attrs["failures"])
        u = float(f.attrs["unreliability_analytic"])
    for k, name in enumerate(names):
        row = rows.loc[name]
        assert row["team"] == declaration[k]
        assert row["reliability_exact"] == effective[k]
        assert row["reliability_per_call"] == per_call[k]
        assert math.isnan(row["reliability_measured"])  # not observed in a structure run
        assert row["failures"] == culprits[k]
        assert row["failure_share"] == pytest.approx(culprits[k] / total, rel=1e-14)
        assert (row["failure_share_low"], row["failure_share_high"]) == \
            pytest.approx(wilson(culprits[k], total), rel=1e-12)
        assert row["failure_share_exact"] == pytest.approx(probability[k] / u, rel=1e-14)
        assert row["improvement_potential"] == ip[k]
        assert (row["improvement_potential_simulated"], row["improvement_potential_low"],
                row["improvement_potential_high"]) == (ip_sim[k], ip_low[k], ip_high[k])
    # Replicas keep their own rows and carry their declaration as team.
    assert set(table.loc[table["team"] == "api", "component"]) == {"api[1]", "api[2]", "api[3]"}
    assert table.attrs["unattributed_failures"] == 0


def test_structure_without_simulated_importance(files):
    table = nines.impact_table(files["structure-exact"])
    assert table["improvement_potential"].notna().all()
    assert table["improvement_potential_simulated"].isna().all()


# --- time runs (format 3) ----------------------------------------------------------------------

def test_time_numbers_by_hand(files):
    table = nines.impact_table(files["time"])
    rows = by_component(table)
    with h5py.File(files["time"]) as f:
        a = f.attrs
        H, horizon = int(a["histories"]), float(a["horizon_seconds"])
        requests, failed = int(a["requests"]), int(a["failed"])
        failed_outage = int(a["failed_outage"])
        target = float(a["slo_target"])
        c = f["components"]
        names = strings(c["name"])
        budget_requests = c["budget_requests_per_year"][...]
        own = c["budget_seconds_per_year"][...]
        via_detection = c["budget_detection_seconds_per_year"][...]
        simulated = c["availability_simulated"][...]
        exact = c["availability_exact"][...]
        o = f["outages"]
        history, component = o["history"][...], o["component"][...]
        start, end = o["start"][...], o["end"][...]
    years = H * horizon / (365 * 86400)
    down = np.zeros((H, len(names)))
    for h, k, s, e in zip(history, component, start, end):
        if k >= 0:
            down[h, k] += (horizon if np.isnan(e) else e) - s
    for k, name in enumerate(names):
        row = rows.loc[name]
        charged = round(budget_requests[k] * years)
        assert row["failures"] == charged
        assert row["failure_share"] == pytest.approx(charged / failed, rel=1e-12)
        assert row["improvement_potential"] == pytest.approx(charged / requests, rel=1e-12)
        assert row["improvement_potential_source"] == "simulated"
        # The error budget over the horizon: (1 - target) x requests, (1 - target) x horizon.
        assert row["budget_requests_consumed"] == pytest.approx(
            charged / ((1 - target) * requests), rel=1e-12)
        assert row["budget_time_consumed"] == pytest.approx(
            (own[k] + via_detection[k]) * years / ((1 - target) * H * horizon), rel=1e-12)
        # Measured availability and the interval of the mean over histories.
        assert row["reliability_measured"] == simulated[k]
        assert 1 - down[:, k].mean() / horizon == pytest.approx(simulated[k], abs=1e-9)
        se = down[:, k].std(ddof=1) / math.sqrt(H)
        assert row["reliability_low"] == pytest.approx(
            max(0.0, 1 - (down[:, k].mean() + Z * se) / horizon), rel=1e-12)
        assert row["reliability_high"] == pytest.approx(
            min(1.0, 1 - (down[:, k].mean() - Z * se) / horizon), rel=1e-12)
        assert row["reliability_exact"] == exact[k] or (
            math.isnan(row["reliability_exact"]) and math.isnan(exact[k]))
    assert table["failures"].sum() == pytest.approx(failed_outage, abs=len(names))
    assert table.attrs["unattributed_failures"] == failed - table["failures"].sum()
    assert table.attrs["slo_target"] == target
    assert table["failure_share_low"].isna().all()  # --record outages: no per-history split


def test_time_run_without_outages_has_no_interval(files):
    table = nines.impact_table(files["time-none"])
    assert table["reliability_measured"].notna().all()
    assert table["reliability_low"].isna().all()
    with_outages = nines.impact_table(files["time"])
    assert set(table["component"]) == set(with_outages["component"])


# --- the order ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["chain", "structure", "time", "checkout"])
def test_most_important_first(files, kind):
    table = nines.impact_table(files[kind])
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    ip = table["improvement_potential"].to_numpy()
    assert (np.diff(ip) <= 1e-12 * ip[:-1]).all()
    # Ties (equal exact values) go to the larger share of failures.
    for a, b in zip(table.index[:-1], table.index[1:]):
        if math.isclose(ip[a], ip[b], rel_tol=1e-11):
            assert table.at[a, "failure_share"] >= table.at[b, "failure_share"]
    by_share = nines.impact_table(files[kind], sort_by="failure_share")
    share = by_share["failure_share"].to_numpy()
    assert (np.diff(share) <= 0).all()
    assert by_share.attrs["sorted_by"] == "failure_share"
    assert table.attrs["sorted_by"] == "improvement_potential"


def test_seed_app_ranks_the_two_weakest_parts_first(files):
    """seed-app: the two 99.5% parts share the largest improvement potential, 99.8% next."""
    table = nines.impact_table(files["chain"])
    assert set(table["component"][:2]) == {"mobile-client-app", "notifications"}
    assert table["component"][2] == "reporting"
    assert table["component"].iloc[-1] == "load-balancer"


def test_sort_key_is_checked(files):
    with pytest.raises(ValueError, match="sort_by"):
        nines.impact_table(files["chain"], sort_by="name")


# --- the allocation --------------------------------------------------------------------------

def test_allocation_file_reads_as_written(files):
    with nines.open_allocation(files["checkout-allocation"]) as allocation:
        s = allocation.summary
        assert s.scenario_name == "checkout-teams" and s.target == 0.9995
        assert list(allocation.teams["name"]) == ["cdn", "load-balancer", "web", "api",
                                                  "database", "payments"]
        assert list(allocation.methods["name"]) == ["equal", "proportional", "cost"]
        targets = allocation.targets()
    with h5py.File(files["checkout-allocation"]) as f:
        team = f["allocation/team"][...]
        method = f["allocation/method"][...]
        reliability = f["allocation/reliability"][...]
        extra = f["allocation/extra_nines"][...]
        teams = strings(f["teams/name"])
        methods = strings(f["methods/name"])
    for t, m, r, x in zip(team, method, reliability, extra):
        assert targets.at[teams[t], f"target_{methods[m]}"] == r
        assert targets.at[teams[t], f"extra_nines_{methods[m]}"] == x


def test_allocation_join_by_team(files):
    table = nines.impact_table(files["checkout"], files["checkout-allocation"])
    rows = by_component(table)
    with h5py.File(files["checkout-allocation"]) as f:
        teams = strings(f["teams/name"])
        today = f["teams/today_reliability"][...]
        methods = strings(f["methods/name"])
        team, method = f["allocation/team"][...], f["allocation/method"][...]
        reliability, extra = f["allocation/reliability"][...], f["allocation/extra_nines"][...]
    for t, m, r, x in zip(team, method, reliability, extra):
        row = rows.loc[teams[t]]
        assert row[f"target_{methods[m]}"] == r
        assert row[f"extra_nines_{methods[m]}"] == x
        assert row["allocation_today"] == today[t]
    # The README's worked example: equal asks 99.99% of web and 1.00 extra nine.
    assert rows.loc["web", "target_equal"] == pytest.approx(0.9999, abs=1e-7)
    assert rows.loc["web", "extra_nines_equal"] == pytest.approx(1.0, abs=1e-3)
    assert rows.loc["api", "extra_nines_cost"] == 0
    assert table.attrs["allocation_target"] == 0.9995
    assert table.attrs["allocation_matches"] and table.attrs["unmatched_teams"] == []
    # Payments, the worst team, comes first.
    assert table["component"][0] == "payments"


def test_replicas_get_their_teams_target(files):
    table = nines.impact_table(files["structure"], files["redundant-allocation"])
    api = table[table["team"] == "api"]
    assert len(api) == 3
    assert api["target_equal"].nunique() == 1 and api["target_equal"].notna().all()
    with nines.open_allocation(files["redundant-allocation"]) as allocation:
        expected = allocation.targets().loc["api", "target_equal"]
    assert api["target_equal"].iat[0] == expected


def test_allocation_of_another_scenario_is_refused(files):
    with pytest.raises(FormatError, match="allocation of the scenario 'checkout-teams'"):
        nines.impact_table(files["chain"], files["checkout-allocation"])


def test_a_run_file_is_not_an_allocation(files):
    with pytest.raises(FormatError, match="not a nines allocation file"):
        nines.open_allocation(files["chain"])


# --- common-cause events -------------------------------------------------------------------------

def test_structure_events_by_hand(files):
    table = nines.impact_table(files["zones"])
    events = table[table["element"] == "common cause"].set_index("component")
    with h5py.File(files["zones"]) as f:
        names = strings(f["common_cause/name"])
        probability = f["common_cause/probability"][...]
        failures = f["common_cause/failures"][...].astype(int)
        expected = f["common_cause/expected_failures"][...]
        ip = f["importance/common_cause/improvement_potential"][...]
        n, total = int(f.attrs["requests"]), int(f.attrs["failures"])
        u = float(f.attrs["unreliability_analytic"])
        culprits = f["components/culprit_failures"][...].astype(int)
    assert sorted(events.index) == sorted(names) and len(names) >= 2
    for e, name in enumerate(names):
        row = events.loc[name]
        assert row["team"] == ""
        assert row["reliability_exact"] == 1 - probability[e]
        assert row["failures"] == failures[e]
        assert row["failure_share"] == pytest.approx(failures[e] / total, rel=1e-14)
        assert row["failure_share_exact"] == pytest.approx(expected[e] / (n * u), rel=1e-12)
        assert row["improvement_potential"] == ip[e]
    # The components' culprit counts are the attribution; the events' overlap them.
    components = table[table["element"] == "component"]
    assert components["failures"].sum() == culprits.sum() == total
    assert table.attrs["unattributed_failures"] == 0
    # Ranked with the components: zone-outage's config push is the most important element.
    assert table["component"][0] == "config-push"
    only = nines.impact_table(files["zones"], common_cause=False)
    assert set(only["element"]) == {"component"} and len(only) == len(components)


def test_time_events_by_hand(files):
    table = nines.impact_table(files["zones-time"])
    with h5py.File(files["zones-time"]) as f:
        a = f.attrs
        H, horizon = int(a["histories"]), float(a["horizon_seconds"])
        failed, failed_outage = int(a["failed"]), int(a["failed_outage"])
        names = strings(f["events/name"])
        quiet = f["events/quiet_simulated"][...]
        quiet_exact = f["events/quiet_exact"][...]
        budget_requests = f["events/budget_requests_per_year"][...]
        o = f["outages"]
        history, event = o["history"][...], o["event"][...]
        start, end = o["start"][...], o["end"][...]
    years = H * horizon / (365 * 86400)
    events = table[table["element"] == "common cause"].set_index("component")
    assert sorted(events.index) == sorted(names)
    going_on = np.zeros((H, len(names)))
    for h, e, s, t in zip(history, event, start, end):
        if e >= 0:
            going_on[h, e] += (horizon if np.isnan(t) else t) - s
    for e, name in enumerate(names):
        row = events.loc[name]
        assert row["reliability_measured"] == quiet[e]
        assert row["reliability_exact"] == quiet_exact[e]
        assert 1 - going_on[:, e].mean() / horizon == pytest.approx(quiet[e], abs=1e-9)
        se = going_on[:, e].std(ddof=1) / math.sqrt(H)
        assert row["reliability_low"] == pytest.approx(
            max(0.0, 1 - (going_on[:, e].mean() + Z * se) / horizon), rel=1e-12)
        assert row["failures"] == round(budget_requests[e] * years)
        assert row["failure_share"] == pytest.approx(row["failures"] / failed, rel=1e-12)
    # Components and events together are charged every request an outage failed; the rest
    # are transient.
    assert table["failures"].sum() == pytest.approx(failed_outage, abs=len(table))
    assert table.attrs["unattributed_failures"] == failed - table["failures"].sum()


def test_time_intervals_over_histories_with_record_requests(files):
    """With --record requests the failed requests charged to each element are known history by
    history: the share, the improvement potential and the budget get the ratio estimator's
    interval over histories (delta method)."""
    table = nines.impact_table(files["zones-time"])
    with h5py.File(files["zones-time"]) as f:
        H = int(f.attrs["histories"])
        target = float(f.attrs["slo_target"])
        failed = f["histories/failed"][...].astype(float)
        requests = f["histories/requests"][...].astype(float)
        history = f["requests/history"][...].astype(np.int64)
        culprit = f["requests/culprit"][...].astype(np.int64)
        names = strings(f["components/name"]) + strings(f["events/name"])
    rows = by_component(table)
    for code, name in enumerate(names):
        x = np.bincount(history[culprit == code], minlength=H).astype(float)
        assert rows.loc[name, "failures"] == x.sum()
        for y, column, scale in ((failed, "failure_share", 1.0),
                                 (requests, "improvement_potential", 1.0),
                                 (requests, "budget_requests_consumed", 1 - target)):
            ratio = x.sum() / y.sum()
            se = math.sqrt(((x - ratio * y) ** 2).sum() / (H * (H - 1))) / y.mean()
            assert rows.loc[name, column] == pytest.approx(ratio / scale, rel=1e-9, abs=1e-300)
            low = max(0.0, ratio - Z * se) / scale
            assert rows.loc[name, f"{column}_low"] == pytest.approx(low, rel=1e-9, abs=1e-300)
            high = (min(1.0, ratio + Z * se) if column == "failure_share" else ratio + Z * se)
            assert rows.loc[name, f"{column}_high"] == pytest.approx(high / scale, rel=1e-9,
                                                                     abs=1e-300)
    assert table["failures"].sum() > 0
    outages_only = nines.impact_table(files["time"])  # --record outages: no split, no interval
    assert outages_only[["failure_share_low", "improvement_potential_low",
                         "budget_requests_consumed_low"]].isna().all().all()
