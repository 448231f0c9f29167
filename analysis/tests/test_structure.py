"""Structure runs (format_version 2) from the real engine: the shipped scenarios
essay-app-redundant, ecommerce-mix and zone-outage in all three record modes."""
import collections
import dataclasses
import math
import subprocess
import sys

import h5py
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import nines
from nines import plots
from nines.report import render_report, text_summary
from nines.readers.importance import IMPORTANCE_MEASURES

from conftest import ANALYSIS, SCENARIOS, STRUCTURE_SCENARIOS
from nines import engine
from test_report import assert_self_contained, run_cli

ALL = [(name, record) for name in STRUCTURE_SCENARIOS for record in ("dense", "failures", "none")]
RECORDED = [(name, record) for name, record in ALL if record != "none"]


# The exact binomial tails: the engine's Boost 1.74 and SciPy's newer Boost agree to ~1e-11.
EXACT_TEST_REL = 1e-9


def close(a, b, rel=1e-12):
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a == b or a == pytest.approx(b, rel=rel, abs=1e-300)


@pytest.mark.parametrize("name,record", ALL)
def test_open_and_tables_match_the_datasets(structure_runs, name, record):
    path = structure_runs[name, record]
    with nines.open(path) as run, h5py.File(path) as f:
        assert isinstance(run, nines.StructureRun)
        m, s = run.metadata, run.summary
        assert (m.format, m.format_version, m.scenario_name, m.record, m.requests, m.seed) == \
            ("nines-run", 2, name, record, 1_000_000, 3)
        assert isinstance(s, nines.StructureSummary) and s.failures == f.attrs["failures"]
        assert s.analytic_method == "bdd" and s.bdd_nodes > 0
        assert s.verdict_tests >= 2 and s.verdict_test_alpha == pytest.approx(1e-3 /
                                                                              s.verdict_tests)
        k, c = run.kinds, run.components
        # Kinds: requests and failures add up to the root; weights give the traffic shares.
        assert k["requests"].sum() == m.requests
        assert k["failures"].sum() == s.failures
        assert k["traffic_share"].sum() == pytest.approx(1.0)
        assert list(k["name"]) == [x.decode() if isinstance(x, bytes) else x
                                   for x in f["kinds/name"][...]]
        assert (k["attempts"] >= k["requests"]).all()
        # Components: one row per replica; culprit counts add up to the failures.
        assert len(c) == f["components/name"].shape[0]
        assert c["culprit_failures"].sum() == s.failures
        assert np.array_equal(c["culprit_failures"], f["components/culprit_failures"][...])
        assert c["expected_culprit_failures"].sum() == \
            pytest.approx(m.requests * s.unreliability_analytic, rel=1e-9)
        # Culprit matrix: kinds x components; rows sum to kind failures, columns to components.
        matrix = run.culprit_failures
        assert matrix.shape == (len(k), len(c))
        assert list(matrix.index) == list(k["name"]) and list(matrix.columns) == list(c["name"])
        assert np.array_equal(matrix.sum(axis=1).to_numpy(), k["failures"].to_numpy())
        assert np.array_equal(matrix.sum(axis=0).to_numpy(), c["culprit_failures"].to_numpy())
        # Each kind's culprit probabilities add up to its unreliability.
        assert np.allclose(run.culprit_probability.sum(axis=1).to_numpy(),
                           k["unreliability_analytic"].to_numpy(), rtol=1e-9, atol=1e-15)
        # Common causes.
        cc = run.common_cause
        assert len(cc) == f["common_cause/name"].shape[0]
        # Every event that took part in a failure is counted: each is at most the failures.
        assert (cc["failures"] <= s.failures).all()
        sets = run.common_cause_sets
        assert sets["failures"].sum() == s.failures
        assert sets["expected_failures"].sum() == pytest.approx(
            m.requests * s.unreliability_analytic, rel=1e-9)
        assert all(len(t) == n for t, n in zip(cc["takes_down"], cc["takes_down_count"]))


@pytest.mark.parametrize("name", STRUCTURE_SCENARIOS)
def test_importance_is_ranked_and_complete(structure_runs, name):
    with nines.open(structure_runs[name, "none"]) as run:
        imp = run.importance
        assert len(imp) == len(run.components)
        assert set(imp.index) == set(run.components.index)
        ip = imp["improvement_potential"].to_numpy()
        assert np.all(np.diff(ip) <= 0), "ranked by improvement potential, largest first"
        assert list(imp["rank"]) == list(range(1, len(imp) + 1))
        for m in IMPORTANCE_MEASURES:
            assert m in imp and f"{m}_simulated" in imp
            assert f"{m}_simulated_low" in imp and f"{m}_simulated_high" in imp
        low, value, high = (imp[f"improvement_potential_simulated{x}"]
                            for x in ("_low", "", "_high"))
        assert ((low <= value + 1e-15) & (value <= high + 1e-15)).all()
        # IP = U - U(perfect), RRW = U / U(perfect), by definition.
        u = run.summary.unreliability_analytic
        assert np.allclose(imp["improvement_potential"], u - imp["unreliability_if_perfect"],
                           rtol=1e-6, atol=1e-15)
        cci = run.common_cause_importance
        assert len(cci) == len(run.common_cause)
        assert np.all(np.diff(cci["improvement_potential"].to_numpy()) <= 0)
        ranking = plots.importance_ranking(run)
        assert len(ranking) == len(imp) + len(cci)
        assert np.all(np.diff(ranking["improvement_potential"].to_numpy()) <= 0)


def test_zone_outage_is_limited_by_the_config_push(structure_runs):
    """The scenario's own claim: the config push, not any server, limits the service."""
    with nines.open(structure_runs["zone-outage", "none"]) as run:
        ranking = plots.importance_ranking(run)
        assert ranking.iloc[0]["name"] == "config-push"
        assert ranking.iloc[0]["element"] == "common cause"


@pytest.mark.parametrize("name,record", RECORDED)
def test_failures_and_failed_sets(structure_runs, name, record):
    with nines.open(structure_runs[name, record]) as run:
        fails = run.failures
        n = run.summary.failures
        assert len(fails) == n
        culprits = fails.culprit[:]
        # Primary culprits in the record agree with the counts in /components and /kinds.
        assert np.array_equal(np.bincount(culprits, minlength=len(run.components)),
                              run.components["culprit_failures"].to_numpy())
        kinds = fails.kind[:]
        for k, row in run.kinds.iterrows():
            assert np.array_equal(
                np.bincount(culprits[kinds == k], minlength=len(run.components)),
                run.culprit_failures.iloc[k].to_numpy())
        # Every event that fired in a failed request counts for that event; the first of them in
        # file order is the recorded common_cause.
        masks = fails.common_causes[:].astype(np.uint64)
        for e in range(len(run.common_cause)):
            fired = (masks >> np.uint64(e)) & np.uint64(1)
            assert fired.sum() == run.common_cause["failures"].iloc[e]
        first = [(int(m) & -int(m)).bit_length() - 1 for m in masks]
        assert np.array_equal(first, fails.common_cause[:])
        assert np.all(np.diff(fails.request[:].astype(np.int64)) > 0)
        # Failed sets: one per failure, of the recorded size, containing the primary culprit.
        sets = list(run.failed_sets())
        assert len(sets) == n
        sizes = fails.failed_set_size[:]
        names = run.components["name"].tolist()
        assert [len(x) for x in sets] == sizes.tolist()
        assert all(names[c] in x for c, x in zip(culprits, sets))
        if n:
            assert fails.failed_set(0) == sets[0] and fails.failed_set(-1) == sets[-1]
            block = fails[:7]
            assert list(block.columns) == [*fails.COLUMNS, "failed_set", "kind_name", "culprit_name",
                                           "common_cause_name"]
            assert block["failed_set"].tolist() == sets[:7]
        # failed_together: counts add up to the failures, as a frame and a Counter.
        together = run.failed_together()
        assert together["failures"].sum() == n
        assert together["failures"].is_monotonic_decreasing
        if n:
            assert together["share"].sum() == pytest.approx(1.0)
        counter = run.failed_together(frame=False)
        assert isinstance(counter, collections.Counter) and sum(counter.values()) == n
        by_index = collections.Counter(tuple(sorted(x)) for x in
                                       run.failures.failed_sets(names=False))
        assert run.failed_together(frame=False, names=False) == by_index
        # The tuple-at-a-time path (models wider than 63 components) counts the same.
        fails._mask_limit = 0
        assert run.failed_together(frame=False, names=False) == by_index
        # Per kind, the counts add up to each kind's failures.
        for k, row in run.kinds.iterrows():
            assert run.failed_together(kind=row["name"])["failures"].sum() == row["failures"]


@pytest.mark.parametrize("name", STRUCTURE_SCENARIOS)
def test_dense_requests_agree_with_the_failures_record(structure_runs, name):
    with nines.open(structure_runs[name, "dense"]) as run:
        req = run.requests
        assert len(req) == run.metadata.requests
        kinds = req.value_counts("kind")
        assert np.array_equal(kinds.to_numpy(), run.kinds["requests"].to_numpy())
        attempts = req.value_counts("attempts")
        assert (attempts.index * attempts).sum() == run.kinds["attempts"].sum()
        culprits = req.value_counts("culprit")
        assert culprits.loc[-1] == run.summary.successes
        requests, components = map(np.concatenate, zip(*req.iter_failures()))
        assert np.array_equal(requests, run.failures.request[:])
        assert np.array_equal(components, run.failures.culprit[:])
        head = req[:5]
        names = ["kind_name", "culprit_name", "common_cause_name"]
        assert list(head.columns) == [*req.COLUMNS, *names] and len(head) == 5
        with pytest.raises(nines.RecordError, match="structure run"):
            run.outcomes


@pytest.mark.parametrize("name", STRUCTURE_SCENARIOS)
def test_record_modes_hold_the_same_summary(structure_runs, name):
    runs = [nines.open(structure_runs[name, r]) for r in ("dense", "failures", "none")]
    try:
        summaries = [dataclasses.asdict(r.summary) for r in runs]
        for key in summaries[0]:
            assert all(close(summaries[0][key], other[key], rel=0) for other in summaries[1:]), key
        points = np.array([0, 1, 1000, 1 << 20, 1_000_000]).clip(max=1_000_000)
        points = np.unique(points)
        assert np.array_equal(runs[0].running_failures(points), runs[1].running_failures(points))
        with pytest.raises(nines.RecordError):
            runs[2].failures
        with pytest.raises(nines.RecordError):
            runs[2].requests
        with pytest.raises(nines.RecordError):
            runs[1].requests
    finally:
        for r in runs:
            r.close()


@pytest.mark.parametrize("name", STRUCTURE_SCENARIOS)
def test_recomputed_summary_agrees_with_the_engine(structure_runs, name):
    with nines.open(structure_runs[name, "none"]) as run:
        again = run.recompute_summary()
        for field in dataclasses.fields(again):
            a, b = getattr(run.summary, field.name), getattr(again, field.name)
            rel = EXACT_TEST_REL if field.name == "reliability_p_value" else 1e-12
            assert close(a, b, rel), (field.name, a, b)
        kinds = run.recompute_kinds()
        assert list(kinds.index) == [*run.kinds["name"], "mix"]
        for column in ("reliability_ci_low", "reliability_ci_high", "z_score", "z_p_value",
                       "reliability_p_value", "attribution_chi2", "attribution_dof",
                       "attribution_p_value"):
            rel = EXACT_TEST_REL if column == "reliability_p_value" else 1e-12
            for k, row in run.kinds.iterrows():
                assert close(float(row[column]), float(kinds.loc[row["name"], column]), rel), column


def test_culprits_for_a_kind(structure_runs):
    with nines.open(structure_runs["ecommerce-mix", "none"]) as run:
        report = run.culprits("report")
        assert report["culprit_failures"].sum() == \
            run.kinds.set_index("name").loc["report", "failures"]
        assert report.attrs["requests"] == run.kinds.set_index("name").loc["report", "requests"]
        assert run.culprits(2).equals(report)
        mix = run.culprits()
        assert mix["culprit_failures"].sum() == run.summary.failures
        with pytest.raises(KeyError, match="no request kind named 'refund'"):
            run.culprits("refund")


@pytest.mark.parametrize("name", STRUCTURE_SCENARIOS)
def test_plots_return_figures(structure_runs, name):
    with nines.open(structure_runs[name, "failures"]) as run:
        for fig in (plots.importance(run), plots.kind_reliability(run), plots.pareto(run),
                    plots.convergence(run, points=60)):
            assert isinstance(fig, Figure)
        fig = plots.importance(run)
        bars = fig.axes[0].patches
        widths = [b.get_width() + b.get_x() for b in bars]
        assert len(bars) == min(16, len(run.importance) + len(run.common_cause))
        assert widths == sorted(widths, reverse=True)  # ranked
        pareto = plots.pareto(run)
        heights = [p.get_height() for p in pareto.axes[0].patches]
        assert sum(heights) == run.summary.failures  # every culprit counted once
        assert heights == sorted(heights, reverse=True)
        for kind in run.kinds["name"]:
            assert isinstance(plots.pareto(run, kind=kind), Figure)
        kinds = plots.kind_reliability(run)
        labels = [t.get_text() for t in kinds.axes[0].get_yticklabels()]
        assert labels[-1] == "mix (all requests)" and len(labels) == len(run.kinds) + 1


def test_v2_only_plots_refuse_chain_runs(synthetic_none):
    with nines.open(synthetic_none) as run:
        with pytest.raises(TypeError, match="structure run"):
            plots.importance(run)
        with pytest.raises(TypeError, match="structure run"):
            plots.kind_reliability(run)


@pytest.mark.parametrize("name,record", [(n, "failures") for n in STRUCTURE_SCENARIOS]
                         + [("zone-outage", "none")])
def test_report_renders_self_contained(structure_runs, name, record):
    with nines.open(structure_runs[name, record]) as run:
        page = render_report(run, dpi=40)
        text = text_summary(run)
        first_kind = run.kinds["name"].iloc[0]
    assert page.startswith("<!DOCTYPE html>")
    assert_self_contained(page)
    images = page.count('src="data:image/png;base64,')
    assert images == (4 if record != "none" else 3)  # kinds, importance, pareto, convergence
    for snippet in ("Request kinds", "What to fix first", "Primary culprits",
                    "Which components failed together", "format_version: 2", "exact (BDD)",
                    first_kind, "Birnbaum", "RAW"):
        assert snippet in page, snippet
    if name == "zone-outage":
        assert "Common causes" in page and "config-push" in page
    if record == "none":
        assert "--record none</code>, which keeps no per-request" in page
    assert text.startswith(f"{name}: 1,000,000 requests")
    assert "what to fix first" in text and "verdict" in text and first_kind in text


def test_cli_on_a_structure_run(structure_runs, tmp_path):
    out = tmp_path / "zone.html"
    done = run_cli("report", structure_runs["zone-outage", "dense"], "-o", out)
    assert done.returncode == 0, done.stderr
    assert_self_contained(out.read_text())
    summary = run_cli("summary", structure_runs["ecommerce-mix", "failures"])
    assert summary.returncode == 0, summary.stderr
    assert "checkout" in summary.stdout and "warehouse" in summary.stdout


def test_a_v2_file_missing_a_group_is_named(structure_runs, tmp_path):
    import shutil
    path = tmp_path / "broken.h5"
    shutil.copy(structure_runs["essay-app-redundant", "none"], path)
    with h5py.File(path, "a") as f:
        del f["kinds"]
    with pytest.raises(nines.DamagedFileError, match="group /kinds is missing") as raised:
        nines.open(path)
    assert str(raised.value).startswith(f"{path} is damaged: ")


def test_frames_are_pandas(structure_runs):
    with nines.open(structure_runs["zone-outage", "dense"]) as run:
        for frame in (run.kinds, run.components, run.common_cause, run.importance,
                      run.common_cause_importance, run.culprit_failures,
                      run.culprit_probability, run.expected_culprit_failures,
                      run.failed_together(), run.failures[:3], run.requests[:3]):
            assert isinstance(frame, pd.DataFrame)
        assert "StructureRun 'zone-outage'" in repr(run)


def test_exact_importance_runs_read_without_simulated_columns(nines_binary, tmp_path):
    """The default (--importance exact) writes no *_simulated datasets; the reader, the ranking
    and the report use the exact values alone."""
    path = engine.run_scenario(SCENARIOS / "ecommerce-mix.yaml", tmp_path / "exact.h5",
                               requests=200_000, seed=3, record="failures", binary=nines_binary)
    with nines.open(path) as run:
        imp = run.importance
        assert "improvement_potential" in imp
        assert not any(column.endswith("_simulated") for column in imp.columns)
        assert np.all(np.diff(imp["improvement_potential"].to_numpy()) <= 0)
    out = tmp_path / "report.html"
    done = subprocess.run([sys.executable, "-m", "nines", "report", str(path), "-o", str(out)],
                          capture_output=True, text=True, cwd=ANALYSIS)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0


def test_worth_factors_stay_readable_at_any_size():
    """Issue 14: a RAW of 1.78e154 was printed as a 155-digit integer."""
    from nines.report.structure import _factor
    assert _factor(1.78e154) == "1.78e+154"
    assert _factor(2.5e6) == "2.50e+06"
    assert _factor(999_999.4) == "999,999"
    assert _factor(43388.3) == "43,388"
    assert _factor(1.0000177) == "1.00002"
    assert _factor(float("inf")) == "∞"
    assert _factor(float("nan")) == "n/a"


@pytest.mark.parametrize("name,record", RECORDED)
def test_frames_name_their_codes_as_categories(structure_runs, name, record):
    """Kinds, culprits and events appear by name beside their codes (named categories whose
    categories are every name in model order; -1 is "success" or "none")."""
    with nines.open(structure_runs[name, record]) as run:
        events = list(run.common_cause["name"])
        failures = run.failures[:200]
        for column, names in (("kind", list(run.kinds["name"])),
                              ("culprit", list(run.components["name"])),
                              ("common_cause", events)):
            named = failures[f"{column}_name"]
            assert isinstance(named.dtype, pd.CategoricalDtype)
            assert list(named.cat.categories[:len(names)]) == names
            codes = failures[column].to_numpy()
            expected = [names[c] if c >= 0 else ("none" if column == "common_cause" else "success")
                        for c in codes]
            assert list(named.astype(str)) == expected
        if record == "dense":
            head = run.requests[:1000]
            successes = head["culprit"] < 0
            assert (head.loc[successes, "culprit_name"] == "success").all()
            assert (head.loc[~successes, "culprit_name"].astype(str).to_numpy() ==
                    np.asarray(run.components["name"])[head.loc[~successes, "culprit"]]).all()


def test_chain_failures_name_their_component(synthetic_failures):
    with nines.open(synthetic_failures) as run:
        frame = run.failures[:100]
        assert isinstance(frame["component_name"].dtype, pd.CategoricalDtype)
        assert list(frame["component_name"].astype(str)) == [
            run.components["name"].iloc[c] for c in frame["component"]]


@pytest.mark.parametrize("name", STRUCTURE_SCENARIOS)
def test_dense_failures_are_read_from_the_requests(structure_runs, name):
    """A dense file keeps /failures' request, kind, attempts, culprit and common_cause only in
    /requests (format minor version 2): the reader gives the failures-mode table, value for
    value, through every way of reading it."""
    with h5py.File(structure_runs[name, "dense"], "r") as f:
        assert f.attrs["format_minor_version"] == 2
        assert "request" not in f["failures"] and "failed_set" in f["failures"]
    with nines.open(structure_runs[name, "dense"]) as dense, \
            nines.open(structure_runs[name, "failures"]) as stored:
        a, b = dense.failures, stored.failures
        assert len(a) == len(b) == dense.summary.failures
        for column in a.COLUMNS:
            x, y = getattr(a, column), getattr(b, column)
            assert x.dtype == y.dtype, column
            assert np.array_equal(x[:], y[:]), column
            assert np.array_equal(x[::7], y[::7]), column
            assert np.array_equal(x[-5:], y[-5:]), column
            assert np.array_equal(x[5:2], y[5:2]), column
            if len(a):
                assert x[len(a) // 2] == y[len(b) // 2] and x[-1] == y[-1], column
        pd.testing.assert_frame_equal(a[3:40], b[3:40])
        for (r1, c1), (r2, c2) in zip(a.iter_chunks(50), b.iter_chunks(50)):
            assert np.array_equal(r1, r2) and np.array_equal(c1, c2)
        assert dense.failed_together(frame=False) == stored.failed_together(frame=False)


def test_dense_files_of_minor_version_1_still_read(structure_runs, tmp_path):
    """0.5 dense files store the whole /failures table: the reader uses it as it is."""
    old = tmp_path / "old.h5"
    old.write_bytes(structure_runs["zone-outage", "dense"].read_bytes())
    with h5py.File(structure_runs["zone-outage", "failures"], "r") as src, \
            h5py.File(old, "r+") as f:
        for column in ("request", "kind", "attempts", "culprit", "common_cause"):
            f["failures"].create_dataset(column, data=src["failures"][column][...])
        f.attrs["format_minor_version"] = 1
    with nines.open(old) as run, nines.open(structure_runs["zone-outage", "dense"]) as new:
        assert type(run.failures.request).__name__ == "LazyArray"
        pd.testing.assert_frame_equal(run.failures[:], new.failures[:])


def test_a_dense_file_whose_culprits_disagree_with_its_failures_is_damaged(structure_runs,
                                                                          tmp_path):
    bad = tmp_path / "bad.h5"
    bad.write_bytes(structure_runs["essay-app-redundant", "dense"].read_bytes())
    with h5py.File(bad, "r+") as f:
        culprit = f["requests/culprit"]
        success = int(np.flatnonzero(culprit[:1000] < 0)[0])
        culprit[success] = 0  # one more failed request than the run counts
    with nines.open(bad) as run:
        with pytest.raises(nines.DamagedFileError, match="the run counts"):
            run.failures.request[:]
