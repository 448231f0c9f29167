"""Uncertainty files (`nines uncertainty`, nines-uncertainty v1): the reader against h5py, the
engine's summary against one recomputed from its draws, and known answers: one component whose
failure probability is Beta(3, 500) (the service's shortfall is that probability itself) and an
additive service whose Sobol indices are exact. Every file is made by the engine binary
(NINES_BINARY) from a scenario written here."""
from __future__ import annotations

import math
import textwrap

import h5py
import numpy as np
import pytest
import scipy.stats

import nines
from nines import engine
from nines.stats.uncertainty import SUMMARY_FIELDS, summarize_draws

DRAWS = 4000

# Every kind of uncertain reliability, and a population (two declarations, one draw).
MIXED = """\
    format_version: 2
    name: mixed-evidence
    components:
      - name: api
        reliability: {observed: {failures: 12, requests: 3.1M}}
      - name: db
        reliability: {beta: {alpha: 2, beta: 2000}}
      - name: cache
        reliability: {lognormal: {median: 1e-4, error_factor: 3}}
      - name: queue
        reliability: {uniform: {low: 0.001, high: 0.01}}
      - name: pod-a
        reliability: {beta: {alpha: 2, beta: 5000}}
        population: pods
      - name: pod-b
        reliability: {beta: {alpha: 2, beta: 5000}}
        population: pods
      - name: gateway
        reliability: 99.99%
    request_kinds:
      - {name: read, weight: 3, path: [gateway, api, {parallel: [cache, db]}, pod-a]}
      - {name: write, weight: 1, path: [gateway, api, db, queue, pod-b]}
"""

# One component: the service's shortfall is its failure probability q ~ Beta(3, 500).
ONE_COMPONENT = """\
    format_version: 2
    name: one-component
    components:
      - name: only
        reliability: {beta: {alpha: 3, beta: 500}}
    request_kinds:
      - {name: call, path: [only]}
"""

# Three request kinds, each the path of one component whose q is uniform: the mix's shortfall
# is sum_k w_k q_k / sum w, additive, so the first-order and total Sobol index of k are both
# w_k^2 Var(q_k) / sum_j w_j^2 Var(q_j), with Var(q) = width^2 / 12.
ADDITIVE_WEIGHTS = np.array([1.0, 2.0, 3.0])
ADDITIVE_WIDTHS = np.array([0.006, 0.002, 0.001])
ADDITIVE = """\
    format_version: 2
    name: additive
    components:
      - {name: a, reliability: {uniform: {low: 0.001, high: 0.007}}}
      - {name: b, reliability: {uniform: {low: 0.001, high: 0.003}}}
      - {name: c, reliability: {uniform: {low: 0.001, high: 0.002}}}
    request_kinds:
      - {name: ka, weight: 1, path: [a]}
      - {name: kb, weight: 2, path: [b]}
      - {name: kc, weight: 3, path: [c]}
"""

# Format 3: the steady-state availability. db has an uncertain reliability and an uncertain
# outage rate, two factors of one name; the reliability does not enter the availability.
AVAILABILITY = """\
    format_version: 3
    name: availability
    time: {horizon: 365d, histories: 100, traffic: {rate: 10/s}}
    components:
      - name: api
        reliability: 0.999
        outages: {every: {observed: {outages: 4, over: 365d}}, repair: 1h}
      - name: db
        reliability: {beta: {alpha: 2, beta: 2000}}
        outages: {every: {uncertain: {lognormal: {median: 90d, error_factor: 3}}}, repair: 2h}
    request_kinds:
      - {name: request, path: [api, db]}
"""

# Format 3 with only a per-call reliability uncertain: the availability is the same in every
# draw, and the Sobol indices are undefined (no variance to share).
CONSTANT = """\
    format_version: 3
    name: constant
    time: {horizon: 365d, histories: 100, traffic: {rate: 10/s}}
    components:
      - name: api
        reliability: {beta: {alpha: 2, beta: 2000}}
        outages: {every: 90d, repair: 1h}
    request_kinds:
      - {name: request, path: [api]}
"""


def write_scenario(directory, name: str, text: str):
    path = directory / f"{name}.yaml"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory):
    out = tmp_path_factory.mktemp("uncertainty-scenarios")
    return {name: write_scenario(out, name, text) for name, text in
            (("mixed", MIXED), ("one", ONE_COMPONENT), ("additive", ADDITIVE),
             ("availability", AVAILABILITY), ("constant", CONSTANT))}


@pytest.fixture(scope="module")
def files(nines_binary, scenarios, tmp_path_factory):
    """The engine's files: {name: path}. "mixed" has a target and Sobol indices, "plain"
    independent draws without Sobol indices, "no-target" neither target nor Sobol."""
    out = tmp_path_factory.mktemp("uncertainty")
    made = {}

    def run(name, scenario, **options):
        made[name] = engine.run_uncertainty(scenarios[scenario],
                                            out / f"{name}.uncertainty.h5",
                                            binary=nines_binary, **options)

    run("mixed", "mixed", draws=DRAWS, seed=11, target="99.8%")
    run("plain", "mixed", draws=DRAWS, seed=11, target=0.998, plain=True, sobol=False)
    run("no-target", "mixed", draws=DRAWS, seed=12, sobol=False)
    run("one", "one", draws=10_000, seed=5, sobol=False)
    run("one-plain", "one", draws=10_000, seed=5, plain=True, sobol=False)
    run("additive", "additive", draws=10_000, seed=3)
    run("availability", "availability", draws=2000, seed=4, target="99.9%")
    run("constant", "constant", draws=500, seed=1)
    return made


# -- the reader against the file's raw content -----------------------------------------------

def raw_text(values):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


@pytest.mark.parametrize("name", ["mixed", "plain", "no-target", "availability"])
def test_reader_matches_h5py(files, name):
    path = files[name]
    with nines.open(path, check=True) as run, h5py.File(path, "r") as raw:
        assert isinstance(run, nines.UncertaintyRun)
        m = run.metadata
        attrs = raw.attrs
        assert (m.format, m.format_version) == ("nines-uncertainty", 1)
        for key in ("draws", "seed", "scenario_format", "evaluations", "bootstrap_resamples"):
            assert getattr(m, key) == int(attrs[key]), key
        for key in ("scenario_name", "scenario_yaml", "scenario_sha256", "measure", "design",
                    "nines_version"):
            assert getattr(m, key) == raw_text([attrs[key]])[0], key
        assert m.sobol == bool(attrs["sobol"])
        assert m.point_value == attrs["point_value"]
        assert m.point_shortfall == attrs["point_shortfall"]
        if math.isnan(attrs["target"]):
            assert m.target is None
        else:
            assert m.target == attrs["target"]
        summary = raw["summary"].attrs
        for key in SUMMARY_FIELDS:
            assert getattr(run.summary, key) == pytest.approx(summary[key], rel=0, abs=0,
                                                              nan_ok=True), key

        factors = run.factors
        assert list(factors["name"]) == raw_text(raw["factors/name"][...])
        for key in ("quantity", "distribution", "origin"):
            assert list(factors[key]) == raw_text(raw[f"factors/{key}"][...]), key
        assert [",".join(x) for x in factors["members"]] == \
            raw_text(raw["factors/members"][...])
        for key in ("a", "b", "mean", "sd", "first_order", "first_order_error", "total",
                    "total_error"):
            np.testing.assert_array_equal(factors[key].to_numpy(), raw[f"factors/{key}"][...])

        draws = run.draws
        assert len(draws) == m.draws
        np.testing.assert_array_equal(draws["value"], raw["draws/value"][...])
        np.testing.assert_array_equal(draws["shortfall"], raw["draws/shortfall"][...])
        matrix = raw["draws/factor_value"][...]
        assert list(draws.columns) == ["value", "shortfall", *factors["label"]]
        for j, label in enumerate(factors["label"]):
            np.testing.assert_array_equal(draws[label], matrix[:, j])


def test_open_dispatches_on_the_format(files):
    assert nines.READERS[("nines-uncertainty", 1)] is nines.UncertaintyRun
    with nines.open(files["mixed"]) as run:
        assert repr(run) == ("<nines.UncertaintyRun 'mixed-evidence': reliability over 4,000 "
                             "draws (latin-hypercube), 5 factors>")


def test_factors_of_the_scenario(files):
    with nines.open(files["mixed"]) as run:
        f = run.factors.set_index("name")
        assert set(f.index) == {"api", "db", "cache", "queue", "pods"}  # gateway is certain
        assert f.loc["pods", "members"] == ("pod-a", "pod-b")
        assert f.loc["api", "members"] == ("api",)
        assert dict(f["distribution"]) == {"api": "beta", "db": "beta", "cache": "lognormal",
                                           "queue": "uniform", "pods": "beta"}
        assert (f["quantity"] == "reliability").all()
        # Jeffreys' prior Beta(0.5, 0.5) updated by 12 failures in 3.1M requests.
        assert (f.loc["api", "a"], f.loc["api", "b"]) == pytest.approx((12.5, 3.1e6 - 12 + 0.5))
        assert (f.loc["db", "a"], f.loc["db", "b"]) == (2, 2000)
        assert f.loc["db", "mean"] == pytest.approx(2 / 2002)
        assert (f.loc["queue", "a"], f.loc["queue", "b"]) == pytest.approx((0.001, 0.01))
        assert f.loc["cache", "a"] == pytest.approx(math.log(1e-4))
        assert run.measure == "reliability" and run.has_sobol
        assert np.isfinite(f[["first_order", "total", "first_order_error",
                              "total_error"]].to_numpy()).all()


def test_draws_are_named_after_the_factors(files):
    with nines.open(files["mixed"]) as run:
        assert list(run.draws.columns) == ["value", "shortfall", "api", "db", "cache", "queue",
                                           "pods"]


def test_availability_factors(files):
    """Format 3: outage rates (Gamma posterior of observed outages, a lognormal of the mean
    time between outages) next to a reliability, which the availability does not depend on."""
    with nines.open(files["availability"]) as run:
        assert (run.measure, run.metadata.scenario_format) == ("availability", 3)
        f = run.factors
        assert list(zip(f["name"], f["quantity"], f["distribution"])) == [
            ("api", "outage_rate", "gamma"), ("db", "reliability", "beta"),
            ("db", "outage_rate", "lognormal")]
        assert list(f["label"]) == ["api", "db (reliability)", "db (outage_rate)"]
        # Jeffreys' Gamma(0.5, 0) updated by 4 outages in 365 days: shape 4.5, rate per second.
        assert (f["a"][0], f["b"][0]) == pytest.approx((4.5, 365 * 86400))
        assert f["mean"][0] == pytest.approx(4.5 / (365 * 86400))
        reliability = f.iloc[1]
        assert abs(reliability["first_order"]) < 1e-12 and abs(reliability["total"]) < 1e-12
        assert f["total"][2] > f["total"][0] > 0  # the wider lognormal matters most
        assert run.draws["db (outage_rate)"].to_numpy() == pytest.approx(
            run.draws.iloc[:, 4].to_numpy())


def test_shortfall_is_one_minus_value(files):
    with nines.open(files["mixed"]) as run:
        d = run.draws
        np.testing.assert_allclose(d["value"] + d["shortfall"], 1.0, rtol=0, atol=1e-15)
        m = run.metadata
        assert m.point_value + m.point_shortfall == pytest.approx(1, abs=1e-15)


def test_without_sobol_the_indices_are_nan(files):
    with nines.open(files["plain"]) as run:
        assert not run.has_sobol and run.metadata.design == "plain"
        assert run.factors[["first_order", "total"]].isna().all().all()


# -- the engine's summary, recomputed from its draws ----------------------------------------

@pytest.mark.parametrize("name", ["mixed", "plain", "no-target", "one", "additive",
                                  "availability"])
def test_recomputed_summary_equals_the_files(files, name):
    with nines.open(files[name]) as run:
        stated, again = run.summary, run.recomputed_summary()
        for key in SUMMARY_FIELDS:
            x, y = getattr(stated, key), getattr(again, key)
            if key == "meets":
                assert x == y
            else:
                assert y == pytest.approx(x, rel=1e-12, abs=0, nan_ok=True), key


def test_meets_counts_the_draws_at_or_above_the_target(files):
    with nines.open(files["plain"]) as run:
        value = run.draws["value"].to_numpy()
        s = run.summary
        assert s.meets == int((value >= 0.998).sum())
        assert 0 < s.meets < run.metadata.draws  # the target splits the draws
        # Wilson (1927) at 95%, written out.
        n, p, z = run.metadata.draws, s.meets / run.metadata.draws, 1.959963984540054
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        assert (s.meet_probability_low, s.meet_probability_high) == \
            pytest.approx((centre - half, centre + half), rel=1e-12)


def test_no_target_means_no_meet_probability(files):
    with nines.open(files["no-target"]) as run:
        assert run.metadata.target is None
        s = run.summary
        assert s.meets == 0
        assert all(math.isnan(x) for x in (s.meet_probability, s.meet_probability_low,
                                           s.meet_probability_high))


def test_summarize_draws_rejects_one_draw():
    with pytest.raises(ValueError, match="at least 2 draws"):
        summarize_draws([0.9], [0.1])


# -- known answers ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["one", "one-plain"])
def test_one_component_draws_its_beta(files, name):
    """The service's shortfall is the one component's q ~ Beta(3, 500). A Latin hypercube puts
    exactly one draw in each of N equal strata of the CDF, so the Kolmogorov-Smirnov distance is
    at most 1/N (plus the inverse CDF's error); independent draws stay below the 99.9%
    critical value of the KS distribution."""
    with nines.open(files[name]) as run:
        q = run.draws["shortfall"].to_numpy()
        n = q.size
        np.testing.assert_array_equal(q, run.draws["only"].to_numpy())
        law = scipy.stats.beta(3, 500)
        d = scipy.stats.kstest(q, law.cdf).statistic
        # The engine's Beta quantiles are tabulated to a relative error below 1e-6 in q
        # (engine/nines/uncertainty/quantile_table.hpp), which moves the CDF by at most
        # about shape x 1e-6 = 3e-6.
        bound = 1 / n + 1e-5 if run.metadata.design == "latin-hypercube" else \
            scipy.stats.kstwo.ppf(0.999, n)
        assert d < bound
        # The mean within 5 standard errors of independent draws (LHS's are smaller).
        assert abs(q.mean() - law.mean()) < 5 * law.std() / math.sqrt(n)
        assert run.metadata.point_shortfall == pytest.approx(3 / 503, rel=1e-12)


def test_additive_sobol_indices_are_exact(files):
    with nines.open(files["additive"]) as run:
        f = run.factors.set_index("name").loc[["a", "b", "c"]]
        share = ADDITIVE_WEIGHTS ** 2 * ADDITIVE_WIDTHS ** 2
        exact = share / share.sum()
        for key in ("first_order", "total"):
            error = f[f"{key}_error"].to_numpy()
            assert (error > 0).all()
            assert np.all(np.abs(f[key].to_numpy() - exact) <= 5 * error + 1e-4), key
        # The shortfall is exactly the weighted mean of the three q's, draw by draw.
        d = run.draws
        mix = (d[["a", "b", "c"]].to_numpy() @ ADDITIVE_WEIGHTS) / ADDITIVE_WEIGHTS.sum()
        np.testing.assert_allclose(d["shortfall"], mix, rtol=1e-12)


# -- a damaged or inconsistent file -------------------------------------------------------------

def copy_with(path, tmp_path, change):
    """A copy of the file at `path` with `change(h5py.File)` applied."""
    target = tmp_path / "changed.uncertainty.h5"
    target.write_bytes(path.read_bytes())
    with h5py.File(target, "r+") as f:
        change(f)
    return target


@pytest.mark.parametrize("change, message", [
    (lambda f: f.attrs.__setitem__("measure", "availability"), "measure 'availability'"),
    (lambda f: f.attrs.__setitem__("design", "sobol"), "'design' is 'sobol'"),
    (lambda f: f["summary"].attrs.__setitem__("p05", 2.0), "not in increasing order"),
    (lambda f: f["summary"].attrs.__setitem__("meets", 10**9), "meeting the target"),
    (lambda f: f.attrs.__setitem__("draws", 7), "/draws/value has 4,000 entries, expected 7"),
    (lambda f: f["factors/distribution"].__setitem__(0, "gauss"), "holds 'gauss'"),
])
def test_inconsistent_files_are_damaged(files, tmp_path, change, message):
    path = copy_with(files["mixed"], tmp_path, change)
    with pytest.raises(nines.DamagedFileError, match=message):
        nines.open(path)


def test_another_major_version_is_refused(files, tmp_path):
    path = copy_with(files["mixed"], tmp_path, lambda f: f.attrs.__setitem__("format_version", 2))
    with pytest.raises(nines.FormatError, match="format_version 2; this nines package reads "
                       "version 1"):
        nines.open(path)


# -- plots, report, command line ----------------------------------------------------------------

def test_value_distribution_marks_the_summary(files):
    from matplotlib.figure import Figure

    from nines import plots
    with nines.open(files["mixed"]) as run:
        fig = plots.value_distribution(run)
        m, s = run.metadata, run.summary
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    # Reliabilities near 1: the shortfall on a log axis, reversed (more nines to the right).
    assert ax.get_xscale() == "log"
    left, right = ax.get_xlim()
    assert left > right
    lines = {round(float(np.asarray(line.get_xdata())[0]), 15) for line in ax.lines
             if len(line.get_xdata())}
    for marked in (m.point_shortfall, 1 - m.target, 1 - s.p05, 1 - s.p50, 1 - s.p95):
        assert any(math.isclose(marked, x, rel_tol=1e-9) for x in lines), marked
    assert sum(p.get_height() for p in ax.patches) == m.draws  # every draw in the histogram
    fig.canvas.draw()  # tick labels exist once drawn
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert len(ticks) >= 2 and len(set(ticks)) == len(ticks)
    assert all(t.startswith("99.") and t.endswith("%") for t in ticks), ticks
    legend = " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert "target 99.8%" in legend and "nines run" in legend


def test_value_distribution_on_a_linear_axis(files):
    from nines import plots
    with nines.open(files["plain"]) as run:
        ax = plots.value_distribution(run, log=False).axes[0]
    assert ax.get_xscale() == "linear"


def test_sobol_bars_sorted_by_total_with_two_sd_whiskers(files):
    from matplotlib.container import ErrorbarContainer

    from nines import plots
    with nines.open(files["mixed"]) as run:
        fig = plots.sobol_indices(run)
        f = run.factors.sort_values("total")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(f["label"])
    bars = [p.get_width() for p in ax.patches]
    np.testing.assert_allclose(bars, [*f["first_order"], *f["total"]])
    whiskers = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(whiskers) == 2
    segments = whiskers[1].lines[2][0].get_segments()  # the total index's whiskers
    widths = [seg[1][0] - seg[0][0] for seg in segments]
    np.testing.assert_allclose(widths, 4 * f["total_error"].to_numpy())


def test_sobol_plot_needs_the_indices(files):
    from nines import plots
    with nines.open(files["plain"]) as run, pytest.raises(ValueError, match="--no-sobol"):
        plots.sobol_indices(run)
    with pytest.raises(TypeError, match="uncertainty file"):
        plots.sobol_indices(object())


def test_report_page(files):
    from nines.report import render_report
    with nines.open(files["mixed"]) as run:
        page = render_report(run, dpi=40)
        names = list(run.factors["name"])
    assert page.startswith("<!DOCTYPE html>")
    assert page.count('src="data:image/png;base64,') == 2
    assert "http://" not in page and "https://" not in page
    for text in ("mixed-evidence", "first-order", "total", "Latin hypercube",
                 "shared by pod-a, pod-b", "P(reliability ≥ 99.8%)", *names):
        assert text in page, text


def test_availability_report_and_summary(files):
    from nines.report import render_report, text_summary
    with nines.open(files["availability"]) as run:
        page = render_report(run, dpi=40)
        text = text_summary(run)
    assert "db (outage rate)" in page and "db (reliability)" in page
    assert "P(availability ≥ 99.9%)" in page and " a year" in page  # downtime a year
    assert "every " in page  # an outage rate's mean as a mean time between outages
    assert text.splitlines()[0].startswith("availability: service availability over 2,000")
    assert "db (outage rate)" in text


def test_a_value_without_variance(files):
    """Nothing uncertain reaches the value: one bar, and no Sobol indices to draw."""
    from nines import plots
    from nines.report import render_report
    with nines.open(files["constant"]) as run:
        s = run.summary
        assert s.sd == 0 and s.min == s.max == run.metadata.point_value
        assert run.has_sobol and run.factors["total"].isna().all()
        for log in (None, False):
            ax = plots.value_distribution(run, log=log).axes[0]
            assert sum(p.get_height() for p in ax.patches) == 500
        with pytest.raises(ValueError, match="no variance to share"):
            plots.sobol_indices(run)
        page = render_report(run, dpi=30)
    assert page.count("data:image/png") == 1 and "no variance to share out" in page


def test_report_without_sobol_says_why(files):
    from nines.report import render_report
    with nines.open(files["plain"]) as run:
        page = render_report(run, dpi=40, figure_format="svg")
    assert page.count("data:image/svg+xml") == 1
    assert "<code>--no-sobol</code>" in page


def run_cli(*args):
    import subprocess
    import sys

    from conftest import ANALYSIS
    env = {"PYTHONPATH": str(ANALYSIS), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "nines", *map(str, args)], capture_output=True,
                          text=True, env=env, cwd=ANALYSIS)


def test_cli_report_summary_and_export(files, tmp_path):
    path = files["mixed"]
    out = tmp_path / "mixed.html"
    done = run_cli("report", path, "-o", out)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {out}"
    assert "Sobol" in out.read_text()

    summary = run_cli("summary", path)
    assert summary.returncode == 0, summary.stderr
    first, *rest = summary.stdout.splitlines()
    assert first.startswith("mixed-evidence: service reliability over 4,000 draws")
    assert any("P(reliability >= 99.8%)" in line for line in rest)
    assert any(line.split()[:1] == ["queue"] for line in rest)

    csv = tmp_path / "csv"
    exported = run_cli("export", path, "--csv", csv)
    assert exported.returncode == 0, exported.stderr
    import pandas as pd
    factors = pd.read_csv(csv / "factors.csv")
    assert list(factors["name"]) == ["api", "db", "cache", "queue", "pods"]
    assert len(pd.read_csv(csv / "draws.csv")) == DRAWS


def test_cli_damaged_file_exits_2(files, tmp_path):
    path = copy_with(files["mixed"], tmp_path, lambda f: f.attrs.__setitem__("design", "x"))
    done = run_cli("summary", path)
    assert done.returncode == 2
    assert done.stderr.startswith(f"nines: {path}") and "Traceback" not in done.stderr


def test_to_xarray_has_named_dimensions(files):
    pytest.importorskip("xarray")
    pytest.importorskip("h5netcdf")
    with nines.open(files["mixed"]) as run:
        draws = run.to_xarray("draws")
        factors = run.to_xarray("factors")
    assert draws["factor_value"].dims == ("draw", "factor")
    assert dict(draws.sizes) == {"draw": DRAWS, "factor": 5}
    assert list(factors["name"].values) == ["api", "db", "cache", "queue", "pods"]
    assert draws.attrs["format"] == "nines-uncertainty"
