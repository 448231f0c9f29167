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


def write_scenario(directory, name: str, text: str):
    path = directory / f"{name}.yaml"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory):
    out = tmp_path_factory.mktemp("uncertainty-scenarios")
    return {name: write_scenario(out, name, text) for name, text in
            (("mixed", MIXED), ("one", ONE_COMPONENT), ("additive", ADDITIVE))}


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
    return made


# -- the reader against the file's raw content -----------------------------------------------

def raw_text(values):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


@pytest.mark.parametrize("name", ["mixed", "plain", "no-target"])
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
        assert list(draws.columns) == ["value", "shortfall", *factors["name"]]
        for j, label in enumerate(factors["label"]):
            np.testing.assert_array_equal(draws[label], matrix[:, j])


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


def test_shortfall_is_one_minus_value(files):
    with nines.open(files["mixed"]) as run:
        d = run.draws
        np.testing.assert_allclose(d["value"] + d["shortfall"], 1.0, rtol=0, atol=1e-15)
        assert run.metadata.point_value + run.metadata.point_shortfall == pytest.approx(1, abs=1e-15)


def test_without_sobol_the_indices_are_nan(files):
    with nines.open(files["plain"]) as run:
        assert not run.has_sobol and run.metadata.design == "plain"
        assert run.factors[["first_order", "total"]].isna().all().all()


# -- the engine's summary, recomputed from its draws ----------------------------------------

@pytest.mark.parametrize("name", ["mixed", "plain", "no-target", "one", "additive"])
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
    at most 1/N (plus the inverse CDF's rounding); independent draws stay below the 99.9%
    critical value of the KS distribution."""
    with nines.open(files[name]) as run:
        q = run.draws["shortfall"].to_numpy()
        n = q.size
        np.testing.assert_array_equal(q, run.draws["only"].to_numpy())
        law = scipy.stats.beta(3, 500)
        d = scipy.stats.kstest(q, law.cdf).statistic
        bound = 1 / n + 1e-9 if run.metadata.design == "latin-hypercube" else \
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
