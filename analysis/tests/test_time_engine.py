"""Time runs from the real engine: every shipped format-3 scenario in all three record modes
(outages, requests on a copy with a tiny traffic rate so that every failed request can be
listed, none), opened with nines.open and checked table against table; every plot, the HTML
report and the text summary made from them; damaged copies refused. Skipped without a nines
binary (NINES_BINARY or build/nines), like the other engine tests."""
from __future__ import annotations

import io
import math
import os
import re

import h5py
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import nines
from nines import engine, plots
from nines.__main__ import main
from nines.report import render_report, text_summary

from conftest import SCENARIOS
from test_report import assert_self_contained
from damage import damaged_copy as _damaged_copy

TIME_SCENARIOS = ("essay-app-over-a-year", "essay-app-over-a-year-perfect-monitoring",
                  "database-quorum-one-crew", "zone-outages-over-time", "shop-daily-traffic")
RECORDS = ("outages", "requests", "none")
HISTORIES = 50
TINY_RATE = "0.01/s"  # ~315,000 requests a history: the outage failures stay listable
UNITS = {"time_availability": "", "request_availability": "", "downtime_per_year": "s",
         "outages_per_year": "1/y", "mean_time_to_detect": "s", "mean_time_to_repair": "s",
         "failed_requests_per_year": "1/y"}


def tiny_rate_copy(name: str, directory) -> str:
    """The shipped scenario with its traffic rate set to TINY_RATE."""
    text = (SCENARIOS / f"{name}.yaml").read_text()
    text, replaced = re.subn(r"(?m)^(\s+rate:\s*)\S+", rf"\g<1>{TINY_RATE}", text)
    assert replaced == 1, f"{name}.yaml: expected one traffic rate, found {replaced}"
    path = directory / f"{name}.yaml"
    path.write_text(text)
    return str(path)


@pytest.fixture(scope="session")
def time_engine_runs(nines_binary, tmp_path_factory) -> dict[tuple[str, str], str]:
    """{(scenario, record): path} for every shipped format-3 scenario, HISTORIES histories."""
    out = tmp_path_factory.mktemp("time-engine")
    runs = {}
    for name in TIME_SCENARIOS:
        for record in RECORDS:
            scenario = (tiny_rate_copy(name, out) if record == "requests"
                        else SCENARIOS / f"{name}.yaml")
            runs[name, record] = str(engine.run_scenario(
                scenario, out / f"{name}-{record}.h5", record=record,
                extra=["--histories", str(HISTORIES)], binary=nines_binary))
    return runs


@pytest.mark.parametrize("record", RECORDS)
@pytest.mark.parametrize("name", TIME_SCENARIOS)
def test_engine_files_open_and_add_up(time_engine_runs, name, record):
    with nines.open(time_engine_runs[name, record]) as run:
        assert isinstance(run, nines.TimeRun)
        m = run.metadata
        assert (m.format, m.format_version, m.record) == ("nines-run", 3, record)
        assert m.scenario_name == name and m.histories == HISTORIES
        assert m.horizon_seconds == 365 * 86400
        run.verify()  # every row counted against the small tables and the totals

        c, e, k, s, totals = run.components(), run.events(), run.kinds(), run.summary(), \
            run.totals
        assert totals["outages"] == c["outages"].sum() + e["occurrences"].sum()
        for key in ("requests", "failed", "failed_outage"):
            assert totals[key] == k[key].sum()
        assert (k["failed_outage"] <= k["failed"]).all()
        assert dict(s["unit"]) == UNITS
        quiet = c[c["failure"] == ""]
        assert (quiet["outages"] == 0).all() and quiet["mean_time_to_repair"].isna().all()
        assert (e["every"] != "").all()  # /events lists only events with a process
        assert list(e["name"]) == (["zone-a", "zone-b"] if name == "zone-outages-over-time"
                                   else [])
        if run.slo:
            assert run.slo["target"] == m.slo_target
            assert 0 <= run.slo["share_met_time"] <= 1
        if record == "none":
            for method in (run.histories, run.outages, run.windows, run.requests):
                with pytest.raises(nines.RecordError):
                    method()
            return

        h = run.histories()
        assert len(h) == HISTORIES
        assert h["outages"].sum() == len(run.outages()) == totals["outages"]
        assert (h["failed_outage"] <= h["failed"]).all()
        assert np.allclose(h["time_availability"], 1 - h["downtime"] / m.horizon_seconds)
        shares = k["traffic_share"].to_numpy()
        assert np.allclose(run.kind_histories("kind_downtime").to_numpy() @ shares,
                           h["downtime"])
        outages = run.outages()[:]
        assert ((outages["component"] >= 0) != (outages["event"] >= 0)).all()
        events = outages[outages["event"] >= 0]
        assert (events["detected"] == events["start"]).all() and (events["cause"] == 1).all()
        finished = outages.dropna(subset=["end"])
        assert (finished["end"] >= finished["repair_start"]).all()
        assert (finished["repair_start"] >= finished["detected"]).all()
        assert (outages["start"] < m.horizon_seconds).all()

        if run.slo:
            defined = run.window_definitions()
            assert len(defined) == run.slo["windows_per_history"]
            assert (defined["first_day"] + defined["days"]).max() <= 365
            assert len(run.windows()) == HISTORIES * len(defined)
            one = run.windows(history=0)
            assert list(one["window"]) == list(range(len(defined)))
            assert (one["length"].to_numpy() == defined["length"].to_numpy()).all()
            met = run.windows()[:]["met_time"].mean()
            assert met == pytest.approx(run.slo["share_met_time"])
        else:
            with pytest.raises(nines.RecordError):
                run.windows()

        if record == "requests":
            requests = run.requests()[:]
            assert len(requests) == h["failed_outage"].sum() == totals["failed_outage"]
            assert set(requests["cause"]) <= {1, 2}
            # Each listed request failed inside an outage of its culprit...
            K = len(c)
            code = np.where(outages["component"] >= 0, outages["component"],
                            K + outages["event"])
            end = outages["end"].fillna(m.horizon_seconds).to_numpy()
            for history, rows in requests.groupby("history"):
                mine = (outages["history"] == history).to_numpy()
                for t, culprit in zip(rows["time"], rows["culprit"]):
                    inside = mine & (code == culprit) & (outages["start"].to_numpy() <= t) & \
                        (t < end)
                    assert inside.any(), (history, t, culprit)
            # ... and the budget in requests is those requests, per history-year.
            counted = requests.groupby("culprit").size().reindex(range(K + len(e)),
                                                                  fill_value=0)
            stated = np.concatenate([c["budget_requests_per_year"],
                                     e["budget_requests_per_year"]]) * m.history_years
            assert np.allclose(counted.to_numpy(), stated, rtol=1e-6, atol=0.01)
        else:
            with pytest.raises(nines.RecordError):
                run.requests()


@pytest.mark.parametrize("name", TIME_SCENARIOS)
def test_outages_do_not_depend_on_what_is_recorded(time_engine_runs, name):
    """The outage streams are their own: the tiny-rate copy and --record none have the same
    outages as the shipped scenario."""
    with nines.open(time_engine_runs[name, "outages"]) as a, \
            nines.open(time_engine_runs[name, "requests"]) as b, \
            nines.open(time_engine_runs[name, "none"]) as n:
        pd.testing.assert_frame_equal(a.outages()[:], b.outages()[:])
        pd.testing.assert_series_equal(a.components()["outages"], n.components()["outages"])
        assert a.totals["outages"] == n.totals["outages"]


@pytest.mark.parametrize("record", RECORDS)
@pytest.mark.parametrize("name", TIME_SCENARIOS)
def test_every_plot_and_the_report(time_engine_runs, name, record, tmp_path):
    path = time_engine_runs[name, record]
    with nines.open(path) as run:
        figures = [plots.error_budget(run)]
        if run.has_histories:
            worst = plots.worst_history(run)
            figures += [plots.timeline(run, worst), plots.timeline(run, 0, start_days=30,
                                                                  stop_days=60),
                        plots.downtime_distribution(run)]
            if run.slo:
                figures += [plots.slo_attainment(run), plots.slo_attainment(run, history=1)]
        for figure in figures:
            assert isinstance(figure, Figure)
            figure.savefig(io.BytesIO(), format="png", dpi=30)
        page = render_report(run, dpi=30)
        text = text_summary(run)
    assert_self_contained(page)
    for expected in ("outages over time", "Error budget by component", "Request kinds",
                     f"Over {HISTORIES} histories", name):
        assert expected in page, expected
    images = page.count('src="data:image/png;base64,')
    assert images == (1 if record == "none" else 3 + (1 if run.slo else 0))
    assert text.startswith(f"{name}: {HISTORIES} histories of ")
    assert "Downtime per year" in text and f"record {record}" in text
    out = tmp_path / "report.html"
    assert main(["report", path, "-o", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")


# --- damaged engine files --------------------------------------------------------------------

def damaged_copy(source: str, directory, edit) -> str:
    return _damaged_copy(source, directory, edit, f"damaged-{os.path.basename(source)}")


@pytest.mark.parametrize("group", ["histories", "outages", "windows", "requests", "components",
                                   "events", "kinds", "summary", "slo"])
def test_a_real_file_missing_a_group_is_damaged(time_engine_runs, tmp_path, group):
    path = damaged_copy(time_engine_runs["essay-app-over-a-year", "requests"], tmp_path,
                        lambda f: f.__delitem__(group))
    with pytest.raises(nines.DamagedFileError, match=f"/{group} is missing") as raised:
        nines.open(path)
    assert str(raised.value).startswith(f"{path} is damaged: ")


def test_a_real_file_missing_its_totals_is_damaged(time_engine_runs, tmp_path):
    """The totals are written last: a file without them is from a run that did not finish."""
    path = damaged_copy(time_engine_runs["zone-outages-over-time", "none"], tmp_path,
                        lambda f: f.attrs.__delitem__("outages"))
    with pytest.raises(nines.DamagedFileError, match="root attribute 'outages'"):
        nines.open(path)


@pytest.mark.parametrize("record", RECORDS)
def test_a_truncated_real_file_is_damaged(time_engine_runs, tmp_path, record):
    source = time_engine_runs["database-quorum-one-crew", record]
    size = os.path.getsize(source)
    for keep in (size // 2, size - 1, 100):
        path = tmp_path / f"truncated-{keep}.h5"
        with open(source, "rb") as whole, open(path, "wb") as part:
            part.write(whole.read(keep))
        with pytest.raises(nines.DamagedFileError) as raised:
            with nines.open(path) as run:
                run.verify()
        assert str(raised.value).startswith(f"{path} is damaged: ")


def test_a_real_file_with_a_miscounted_row_is_found_by_verify(time_engine_runs, tmp_path):
    def move(f):  # one outage moved to another history: every length still agrees
        rows = f["outages/history"][:]
        last = int(rows[-1])
        rows[-1] = last - 1 if last else last + 1
        f["outages/history"][:] = rows
    path = damaged_copy(time_engine_runs["shop-daily-traffic", "outages"], tmp_path, move)
    with nines.open(path) as run:
        with pytest.raises(nines.DamagedFileError, match="/outages"):
            run.verify()
