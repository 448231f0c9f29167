"""Sweeps of a time base (format 3, sweep layout 3) written by the real engine: the shipped
scenarios/essay-app-over-a-year-monitoring.sweep.yaml (monitoring's mean time to failure x the
database's detection delay: 8 points) at 200 histories a point, read as DataFrames and checked
against `nines run` of one point."""
import h5py
import numpy as np
import pandas as pd
import pytest

import nines
from nines import engine
from nines.errors import DamagedFileError, RecordError
from nines.readers.sweep import TIME_METRICS
from nines.report import render_report, text_summary

from conftest import SCENARIOS
from test_report import assert_self_contained

HISTORIES = 200
SWEEP = "essay-app-over-a-year-monitoring.sweep.yaml"
BASE = "essay-app-over-a-year.yaml"


@pytest.fixture(scope="session")
def monitoring(nines_binary, tmp_path_factory):
    out = tmp_path_factory.mktemp("time-sweep")
    text = (SCENARIOS / SWEEP).read_text()
    assert "time.histories: [5000]" in text
    (out / SWEEP).write_text(text.replace("time.histories: [5000]",
                                          f"time.histories: [{HISTORIES}]"))
    (out / BASE).write_text((SCENARIOS / BASE).read_text())
    return engine.run_sweep(out / SWEEP, out / "monitoring.h5", binary=nines_binary)


def test_metadata_and_points(monitoring):
    with nines.open(monitoring) as sweep:
        m = sweep.metadata
        assert m.format_version == 3 and m.base_format == 3 and sweep.is_time
        assert not sweep.is_structure and m.complete and m.points == 8
        assert sweep.parameters == ["components[monitoring].every",
                                    "components[database].detection.delay", "time.histories"]
        p = sweep.points
        assert len(p) == 8 and p["done"].all() and p["agrees"].dtype == bool
        assert (p["histories"] == HISTORIES).all() and (p["n_components"] == 8).all()
        assert list(p["components[monitoring].every"].unique()) == \
            [7 * 86400.0, 30 * 86400.0, 120 * 86400.0, 10 * 365 * 86400.0]
        for m_ in TIME_METRICS:
            assert (p[f"{m_}_p05"] <= p[f"{m_}_p95"]).all(), m_
        assert ((p["time_availability_ci_low"] <= p["time_availability"]) &
                (p["time_availability"] <= p["time_availability_ci_high"])).all()
        # Downtime and time availability say the same thing.
        np.testing.assert_allclose(p["downtime_per_year"],
                                   (1 - p["time_availability"]) * 365 * 86400, rtol=1e-9)
        assert (p["slo_target"] == 0.999).all()
        assert p["kernel"].eq("time").all()
        # Monitoring that fails less often finds outages sooner (same seed for every point).
        mttd = sweep.pivot("mean_time_to_detect")
        assert list(mttd.index) == sorted(mttd.index)
        assert (np.diff(mttd.to_numpy(), axis=0) < 0).all()


def test_long_tables(monitoring):
    with nines.open(monitoring) as sweep:
        components = sweep.point_components
        assert len(components) == 8 * 8
        assert list(components["component"][:8]) == list(range(8))
        assert components["outages"].dtype == np.int64
        monitoring_rows = components[components["name"] == "monitoring"]
        per_year = monitoring_rows["outages_per_year"].to_numpy()
        assert per_year[0] > per_year[-1]  # every 7 days vs every 10 years
        kinds = sweep.point_kinds
        assert len(kinds) == 8 and (kinds["name"] == "request").all()
        np.testing.assert_array_equal(kinds["time_availability"],
                                      sweep.points["time_availability"])
        events = sweep.point_events
        assert len(events) == 0 and "occurrences" in events.columns
        merged = components.merge(sweep.points, on="point")
        assert len(merged) == 64


def test_a_point_equals_nines_run(monitoring, nines_binary, tmp_path):
    """Point 2 (monitoring every 30d, the base's value; database delay 5m, the default's) is
    the base itself: its summary equals `nines run --record none` of the base."""
    run = engine.run_scenario(SCENARIOS / BASE, tmp_path / "base.h5", seed=2026, record="none",
                              extra=["--histories", str(HISTORIES)], binary=nines_binary)
    with nines.open(monitoring) as sweep, h5py.File(run, "r") as r:
        row = sweep.points.iloc[2]
        metrics = [m.decode() if isinstance(m, bytes) else m for m in r["summary/metric"][...]]
        for k, m in enumerate(metrics):
            assert row[m] == r["summary/mean"][k] or (np.isnan(row[m]) and
                                                     np.isnan(r["summary/mean"][k])), m
        assert int(row["failed"]) == int(r.attrs["failed"])


def test_what_a_time_sweep_does_not_have(monitoring):
    with nines.open(monitoring) as sweep:
        for call in (lambda: sweep.point(0), lambda: sweep.agreement(),
                     lambda: sweep.point_failures, lambda: sweep.recompute_points()):
            with pytest.raises(RecordError):
                call()
        assert sweep.identical_parts() is None


def test_report_and_summary(monitoring):
    with nines.open(monitoring) as sweep:
        page = render_report(sweep, dpi=30)
        summary = text_summary(sweep)
    assert_self_contained(page)
    for text in (page, summary):
        assert "8 of 8 points simulated" in text
        assert "components[monitoring].every" in text
    assert "time avail" in summary and "MTTD" in summary and "10 years" not in summary


def test_layout_and_base_format_must_agree(monitoring, tmp_path):
    damaged = tmp_path / "damaged.h5"
    damaged.write_bytes(monitoring.read_bytes())
    with h5py.File(damaged, "r+") as f:
        f.attrs["format_version"] = np.int64(2)
    with pytest.raises(DamagedFileError, match="layout 3"):
        nines.open(damaged)


def test_replicated_time_sweeps_get_a_pivot_and_verdict_marks(nines_binary, tmp_path):
    """tests/sweeps/time.sweep.yaml has 2 replications of 4 parameter points: the report shows
    them side by side with the pooled (histories-weighted) and exact availability, and a point
    whose own verdict disagrees is marked in both tables."""
    from nines.report.time_sweep import replicated_time_table, time_point_verdict_class
    sweeps = SCENARIOS.parent / "tests" / "sweeps"
    path = engine.run_sweep(sweeps / "time.sweep.yaml", tmp_path / "time.h5",
                            binary=nines_binary)
    with nines.open(path) as sweep:
        table = replicated_time_table(sweep)
        p = sweep.points
        assert list(table.columns) == ["replication 0", "replication 1", "pooled", "exact"]
        assert len(table) == 4
        for key, row in table.iterrows():
            mine = p[(p["components[api].repair"] == key[0]) & (p["time.crews"] == key[1])]
            weights = mine["histories"].to_numpy(dtype=np.float64)
            pooled = (mine["time_availability"].to_numpy() * weights).sum() / weights.sum()
            assert row["pooled"] == pytest.approx(pooled, rel=1e-12)
            np.testing.assert_equal(row["exact"], mine["time_availability_exact"].iloc[0])
        page = render_report(sweep, dpi=30)
        assert "Replications side by side" in page
        # Marks follow each point's own verdict: turn one point into a disagreeing one.
        row = p.iloc[0].copy()
        assert time_point_verdict_class(row) == ("" if row["agrees"] or not row["verdict_tests"]
                                                 else "warn")
        row["agrees"], row["verdict_tests"] = False, 3
        assert time_point_verdict_class(row) == "warn"
        row["done"] = False
        assert time_point_verdict_class(row) == ""
    assert_self_contained(page)
