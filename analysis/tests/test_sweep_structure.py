"""Sweeps of a structure (a format-2 base) written by the real engine, layout 2: the shipped
scenarios/essay-app-replicas.sweep.yaml (API replicas 2 to 6, 1 or 2 of them required, two API
reliabilities: 16 points) at 200k requests a point, with every point's failed requests."""
import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import nines
from nines import engine, plots
from nines.report import render_report, text_summary

from conftest import SCENARIOS
from sweep_files import make_partial
from test_report import assert_self_contained

REQUESTS = 200_000
# The redundant essay app without its API: the client, the load balancer, the 2-of-3 database
# and four services, each once.
OTHER_COMPONENTS = 9


@pytest.fixture(scope="session")
def replicas(nines_binary, tmp_path_factory):
    out = tmp_path_factory.mktemp("structure-sweep")
    text = (SCENARIOS / "essay-app-replicas.sweep.yaml").read_text()
    assert "requests: 2M" in text
    (out / "replicas.sweep.yaml").write_text(text.replace("requests: 2M",
                                                          f"requests: {REQUESTS}"))
    (out / "essay-app-redundant.yaml").write_text(
        (SCENARIOS / "essay-app-redundant.yaml").read_text())
    return engine.run_sweep(out / "replicas.sweep.yaml", out / "replicas.h5",
                            record_requests=True, binary=nines_binary)


def test_metadata_and_points(replicas):
    with nines.open(replicas) as sweep:
        m = sweep.metadata
        assert sweep.layout == 2 and m.base_format == 2 and sweep.is_structure
        assert m.importance == "exact" and m.record_requests and sweep.complete
        assert sweep.parameters == ["components[api].replicas", "components[api].required",
                                    "components[api].reliability"]
        p = sweep.points
        assert len(p) == 16 and p["done"].all()
        for column in ("kernel", "unreliability_analytic", "verdict_tests",
                       "expected_attempts"):
            assert column in p.columns
        assert (p["n_components"] == OTHER_COMPONENTS + p["components[api].replicas"]).all()
        assert (p["requests"] == REQUESTS).all()
        assert np.allclose(p["reliability_analytic"] + p["unreliability_analytic"], 1,
                           rtol=0, atol=1e-15)
        assert sweep.agreement().agrees and p["agrees"].all()
        # The exact model: more replicas, or fewer of them required, never hurt.
        for (required, r), group in p.groupby(["components[api].required",
                                               "components[api].reliability"]):
            exact = group.sort_values("components[api].replicas")["reliability_analytic"]
            assert exact.is_monotonic_increasing, (required, r)
        assert sweep.identical_parts() is None


def test_point_components_kinds_and_importance(replicas):
    with nines.open(replicas) as sweep:
        for point in sweep.iter_points():
            n = point.row["components[api].replicas"]
            c = point.components
            assert len(c) == OTHER_COMPONENTS + n
            api = c[c["declaration"] == "api"]
            assert list(api["name"]) == [f"api[{k}]" for k in range(1, n + 1)]
            assert list(api["replica"]) == list(range(1, n + 1))
            assert (api["reliability"] == point.row["components[api].reliability"]).all()
            assert (c.loc[c["declaration"] != "api", "replica"].isin([0, 1, 2, 3])).all()
            assert c["failures"].sum() == point.failures_count
            assert c["share"].sum() == pytest.approx(1.0)
            for measure in nines.IMPORTANCE_MEASURES:
                assert measure in c.columns
            assert np.allclose(c["expected_failures"], REQUESTS * c["culprit_probability"],
                               rtol=1e-12)
            k = point.kinds
            assert k["requests"].sum() == point.requests
            assert k["failures"].sum() == point.failures_count
            assert k["traffic_share"].sum() == pytest.approx(1.0)
            assert ((k["reliability_ci_low"] <= k["reliability_empirical"]) &
                    (k["reliability_empirical"] <= k["reliability_ci_high"])).all()
            ranked = point.importance
            assert list(ranked["rank"]) == list(range(1, len(c) + 1))
            assert ranked["improvement_potential"].is_monotonic_decreasing
            assert point.kernel in ("structure", "chain")
            assert point.verdict.startswith("agrees with the analytic model (mix z = ")
            assert point.unreliability_analytic == point.row["unreliability_analytic"]


def test_failed_requests_match_the_counts(replicas):
    with nines.open(replicas) as sweep:
        for point in sweep.iter_points():
            f = point.failures
            assert len(f) == point.failures_count
            frame = f[:]
            assert list(frame.columns) == ["request", "component", "kind", "attempts",
                                           "common_cause", "component_name"]
            assert list(frame["component_name"].astype(str)) == [
                point.components["name"].iloc[c] for c in frame["component"]]
            requests = frame["request"].to_numpy(dtype=np.int64)
            assert (np.diff(requests) > 0).all() and requests.max() < point.requests
            culprits = np.bincount(frame["component"], minlength=len(point.components))
            assert (culprits == point.components["failures"].to_numpy()).all()
            kinds = np.bincount(frame["kind"], minlength=len(point.kinds))
            assert (kinds == point.kinds["failures"].to_numpy()).all()
            assert (frame["attempts"] >= 1).all()
            assert (f.culprit[:] == f.component[:]).all()
            assert sum(len(r) for r, _ in f.iter_chunks(1000)) == len(f)
        every = sweep.point_failures
        assert len(every) == sweep.points["failures"].sum()


def test_recomputed_points_equal_the_table(replicas):
    with nines.open(replicas) as sweep:
        recomputed = sweep.recompute_points()
        table = sweep.done_points
        assert len(recomputed) == 16
        for column in ("failures", "agrees", "verdict_tests"):
            assert (recomputed[column] == table[column]).all(), column
        for column in ("reliability_empirical", "reliability_analytic", "ci_low", "ci_high",
                       "z_score", "z_p_value", "reliability_p_value", "attribution_chi2",
                       "attribution_dof", "attribution_p_value"):
            rtol = 1e-9 if column in ("reliability_p_value", "attribution_p_value") else 1e-12
            a, b = recomputed[column].to_numpy(), table[column].to_numpy()
            assert np.allclose(a, b, rtol=rtol, atol=1e-12, equal_nan=True), column
        point = sweep.point(5)
        summary = point.recompute_summary()
        assert summary.verdict == point.verdict
        assert summary.verdict_tests == point.row["verdict_tests"]
        assert math.isclose(summary.verdict_test_alpha, 1e-3 / summary.verdict_tests)


def test_long_tables(replicas):
    with nines.open(replicas) as sweep:
        components = sweep.point_components
        assert len(components) == sweep.points["n_components"].sum()
        kinds = sweep.point_kinds
        assert len(kinds) == 16 and (kinds["kind"] == 0).all()
        for point in (sweep.point(0), sweep.point(15)):
            mine = components[components["point"] == point.index]
            mine = mine.drop(columns="point").set_index("component")
            pd.testing.assert_frame_equal(mine, point.components, check_names=False)
            own = kinds[kinds["point"] == point.index].drop(columns="point").set_index("kind")
            pd.testing.assert_frame_equal(own, point.kinds, check_names=False)
        # The worth of one more API replica, per point, from the long table.
        api = components[components["declaration"] == "api"]
        best = api.groupby("point")["birnbaum"].max()
        assert len(best) == 16 and (best >= 0).all()


def test_plots_report_and_summary(replicas, tmp_path):
    with nines.open(replicas) as sweep:
        assert isinstance(plots.sweep_points(sweep), Figure)
        assert isinstance(plots.sweep_z(sweep), Figure)
        with pytest.raises(ValueError):
            plots.essay_curves(sweep)
        page = render_report(sweep, dpi=30)
        summary = text_summary(sweep)
    assert_self_contained(page)
    assert "essay-app-replicas" in page and "components[api].replicas" in page
    for text in (page, summary):
        assert "16 of 16 points simulated" in text
        assert "every point agrees with its exact value" in text
    assert "components[api].required" in summary


def test_partial_structure_sweep(replicas, tmp_path):
    path = tmp_path / "partial.h5"
    make_partial(replicas, path, [0, 3, 4, 9])
    with nines.open(path) as sweep:
        assert sweep.points_done == 4 and not sweep.complete
        assert [p.index for p in sweep.iter_points()] == [0, 3, 4, 9]
        with pytest.raises(nines.RecordError, match="not been simulated"):
            sweep.point(1)
        with pytest.raises(nines.RecordError, match="--record-requests"):
            sweep.point(3).failures
        assert len(sweep.point_kinds) == 4
        assert sweep.point(9).kinds["failures"].sum() == sweep.points.at[9, "failures"]
        assert len(sweep.recompute_points()) == 4
        assert_self_contained(render_report(sweep, dpi=30))
