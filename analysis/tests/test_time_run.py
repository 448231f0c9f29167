"""Time runs (layout 3, outages over time): reading, plots, the report and damaged files, on
synthetic files written to the spec (tests/time_files.py), so no engine is needed."""
from __future__ import annotations

import math
import shutil

import h5py
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import nines
from nines import plots
from nines.__main__ import main
from nines.report import render_report, text_summary

import time_files
from test_report import assert_self_contained


@pytest.fixture(scope="session")
def time_runs(tmp_path_factory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("time")
    files = {record: str(time_files.make_time_run(out / f"{record}.h5", record=record))
             for record in ("outages", "requests", "none")}
    files["no-slo"] = str(time_files.make_time_run(out / "no-slo.h5", slo=False))
    files["tumbling"] = str(time_files.make_time_run(
        out / "tumbling.h5", histories=8, slo={"windows": "tumbling", "target": 0.995}))
    files["months"] = str(time_files.make_time_run(
        out / "months.h5", histories=8, horizon_days=365, slo={"windows": "calendar-months"}))
    return files


# --- opening and the small tables ------------------------------------------------------------

def test_open_returns_a_time_run(time_runs):
    assert nines.READERS[("nines-run", 3)] is nines.TimeRun
    with nines.open(time_runs["outages"]) as run:
        assert isinstance(run, nines.TimeRun)
        m = run.metadata
        assert (m.format, m.format_version, m.record) == ("nines-run", 3, "outages")
        assert m.histories == 40 and m.horizon_seconds == 120 * 86400
        assert m.slo_target == 0.999 and m.slo_windows == "rolling"
        assert math.isclose(m.history_years, 40 * 120 / 365)
        assert run.agrees and "agrees" in run.verdict
        assert "nines.TimeRun 'synthetic-time': 40 histories of 120 days" in repr(run)


def test_small_tables(time_runs):
    with nines.open(time_runs["outages"]) as run:
        c, e, k, s = run.components(), run.events(), run.kinds(), run.summary()
        assert list(c["name"]) == ["lb", "api", "database[1]", "database[2]", "monitoring"]
        assert c.loc[0, "failure"] == "" and c.loc[1, "failure"].startswith("exponential")
        assert math.isnan(c.loc[1, "availability_exact"])  # detection needs monitoring
        assert math.isnan(c.loc[1, "mean_time_to_detect_exact"])
        assert c.loc[0, "outages"] == 0 and math.isnan(c.loc[0, "mean_time_to_repair"])
        assert c["outages"].dtype == np.int64 and c["replica"].dtype == np.int64
        assert c.loc[2, "availability_exact"] == pytest.approx(60 * 86400 / (60 * 86400 + 2700))
        assert list(e["name"]) == ["zone-a"]
        assert e.loc[0, "quiet_exact"] == pytest.approx(120 / (120 + 2 / 24))
        totals = run.totals
        assert totals["outages"] == c["outages"].sum() + e["occurrences"].sum()
        for key in ("requests", "failed", "failed_outage"):
            assert totals[key] == k[key].sum()
        assert totals["time_availability_ci_low"] <= totals["time_availability"] <= \
            totals["time_availability_ci_high"]
        assert run.exact_method
        assert list(k["name"]) == ["browse", "checkout"]
        assert k["traffic_share"].tolist() == [0.75, 0.25]
        assert set(s.index) == set(nines.readers.time_run.SUMMARY_METRICS)
        assert list(s.columns) == ["unit", "mean", "ci_low", "ci_high", "p05", "p50", "p95"]
        assert s.loc["downtime_per_year", "unit"] == "s"
        assert s.loc["outages_per_year", "unit"] == "1/y"
        assert s.loc["time_availability", "unit"] == ""
        t = run.metric("time_availability")
        assert list(t.index) == ["mean", "ci_low", "ci_high", "p05", "p50", "p95"]
        assert t["ci_low"] <= t["mean"] <= t["ci_high"] and t["p05"] <= t["p50"] <= t["p95"]
        assert run.metric("no such metric").isna().all()
        # Copies: changing one does not change the run.
        c.loc[0, "name"] = "changed"
        assert run.components().loc[0, "name"] == "lb"


def test_slo_and_budget(time_runs):
    with nines.open(time_runs["outages"]) as run:
        slo = run.slo
        assert slo["target"] == 0.999 and slo["windows"] == "rolling"
        assert slo["windows_per_history"] == 91  # 120 days, a 30-day window stepped daily
        assert slo["share_met_time_low"] <= slo["share_met_time"] <= slo["share_met_time_high"]
        budget = run.budget()
        assert list(budget.columns) == ["name", "element", "own", "detection", "requests",
                                        "total", "share"]
        assert budget["total"].is_monotonic_decreasing
        assert budget["share"].sum() == pytest.approx(1.0)
        assert set(budget["element"]) == {"component", "common cause"}
        # Monitoring is on no request path: it costs only through detection delays.
        monitoring = budget.set_index("name").loc["monitoring"]
        assert monitoring["own"] == 0 and monitoring["detection"] > 0
    with nines.open(time_runs["no-slo"]) as run:
        assert run.slo == {} and run.metadata.slo_target is None
        with pytest.raises(nines.RecordError, match="declares no SLO"):
            run.windows()


# --- per history and the big tables ----------------------------------------------------------

def test_histories_and_kind_matrices(time_runs):
    with nines.open(time_runs["outages"]) as run:
        h = run.histories()
        assert len(h) == 40 and h.index.name == "history"
        assert (h["failed"] >= h["failed_outage"]).all()
        assert np.allclose(h["time_availability"], 1 - h["downtime"] / (120 * 86400))
        downtime = run.kind_histories("kind_downtime")
        assert downtime.shape == (40, 2) and list(downtime.columns) == ["browse", "checkout"]
        # The mix's downtime is the traffic-weighted mix of the kinds'.
        shares = run.kinds()["traffic_share"].to_numpy()
        assert np.allclose(downtime.to_numpy() @ shares, h["downtime"])
        requests = run.kind_histories("kind_requests")
        assert (requests.sum(axis=1).to_numpy() == h["requests"].to_numpy()).all()
        part = run.histories(["downtime", "outages"], start=10, stop=13)
        assert list(part.index) == [10, 11, 12] and list(part.columns) == ["downtime", "outages"]
        assert run.kind_histories("kind_failed", start=5, stop=6).shape == (1, 2)
        with pytest.raises(KeyError):
            run.histories(["nope"])
        with pytest.raises(KeyError):
            run.kind_histories("downtime")


def test_outages_are_lazy_and_chunked(time_runs):
    with nines.open(time_runs["outages"]) as run:
        outages = run.outages()
        assert isinstance(outages, nines.Records)
        assert len(outages) == run.components()["outages"].sum() + run.events()["occurrences"].sum()
        assert len(outages) == run.histories()["outages"].sum()
        assert outages.chunk_length == 64 and len(outages) > 3 * 64
        everything = outages[:]
        blocks = list(outages.iter_chunks())
        assert [start for start, _ in blocks] == list(range(0, len(outages), 64))
        pd.testing.assert_frame_equal(pd.concat([b for _, b in blocks]), everything)
        pd.testing.assert_frame_equal(outages[100:110], everything.iloc[100:110])
        assert ((everything["component"] >= 0) != (everything["event"] >= 0)).all()
        events = everything[everything["event"] >= 0]
        assert (events["detected"] == events["start"]).all() and (events["cause"] == 1).all()
        assert (everything["start"] < 120 * 86400).all()
        finished = everything.dropna(subset=["end"])
        assert (finished["end"] >= finished["detected"]).all()
        # One history: the same rows as filtering everything, with names.
        for h in (0, 17, 39):
            one = run.outages(history=h)
            expected = everything[everything["history"] == h]
            pd.testing.assert_frame_equal(one.drop(columns=["name", "cause_name"]), expected)
            names = np.where(one["component"] >= 0,
                             run.components()["name"].to_numpy()[one["component"].clip(0)],
                             "zone-a")
            assert list(one["name"]) == list(names)
        assert len(run.outages(history=-1)) == (everything["history"] == 39).sum()
        with pytest.raises(IndexError):
            run.outages(history=40)
        with pytest.raises(TypeError):
            outages[3]


def test_windows(time_runs):
    with nines.open(time_runs["outages"]) as run:
        windows = run.windows()
        assert len(windows) == 40 * 91
        assert "start" not in windows.columns  # the windows are defined once, not per row
        defined = run.window_definitions()
        assert list(defined.columns) == ["first_day", "days", "start", "length"]
        assert defined["first_day"].tolist() == list(range(91))
        assert (defined["days"] == 30).all()
        one = run.windows(history=5)
        assert list(one["window"]) == list(range(91))
        assert (one["length"] == 30 * 86400).all()
        assert list(one["start"]) == [d * 86400.0 for d in range(91)]
        met = run.histories()["windows_met_time"]
        counted = sum(int(b.loc[b["met_time"] == 1].groupby("history").size().get(5, 0))
                      for _, b in windows.iter_chunks())
        assert counted == met[5]
        assert ((one["downtime"] <= 0.001 * one["length"]) == (one["met_time"] == 1)).all()
    with nines.open(time_runs["months"]) as run:
        assert run.slo["windows_per_history"] == 12
        lengths = run.windows(history=0)["length"].to_numpy() / 86400
        assert lengths.tolist() == list(time_files.MONTHS)
        assert run.window_definitions()["first_day"].tolist() == \
            list(np.cumsum((0,) + time_files.MONTHS[:-1]))
    with nines.open(time_runs["tumbling"]) as run:  # 120 days hold four whole 30-day windows
        assert run.window_definitions()["first_day"].tolist() == [0, 30, 60, 90]


def test_requests_record(time_runs):
    with nines.open(time_runs["requests"]) as run:
        requests = run.requests()
        h = run.histories()
        # Only the requests an outage failed are listed; transient failures are only counted.
        assert len(requests) == h["failed_outage"].sum() < h["failed"].sum()
        one = run.requests(history=3)
        assert len(one) == h["failed_outage"][3]
        assert one["time"].is_monotonic_increasing
        by_kind = requests[:].groupby("kind").size()
        assert by_kind.tolist() == run.kinds()["failed_outage"].tolist()
        assert set(requests[:]["cause"]) <= {1, 2}
        run.verify()
        assert run.culprit_name(1) == "api" and run.culprit_name(5) == "zone-a"
        assert run.culprit_name(-1) == "unknown"
        # The outages are the same whatever is recorded.
        with nines.open(time_runs["outages"]) as other:
            pd.testing.assert_frame_equal(run.outages()[:], other.outages()[:])
    with nines.open(time_runs["outages"]) as run:
        with pytest.raises(nines.RecordError, match="--record requests"):
            run.requests()


def test_record_none_keeps_summaries_only(time_runs):
    with nines.open(time_runs["none"]) as run:
        assert not run.has_histories
        assert len(run.components()) == 5 and run.slo["windows_per_history"] == 91
        for method in (run.histories, run.kind_histories, run.outages, run.windows,
                       run.requests):
            with pytest.raises(nines.RecordError, match="--record none"):
                method()


# --- plots -----------------------------------------------------------------------------------

def test_plots_return_figures(time_runs):
    with nines.open(time_runs["outages"]) as run:
        worst = plots.worst_history(run)
        assert worst == int(run.histories()["downtime"].idxmax())
        for fig in (plots.timeline(run, worst), plots.timeline(run, 0, start_days=10,
                                                              stop_days=40),
                    plots.downtime_distribution(run), plots.slo_attainment(run),
                    plots.slo_attainment(run, history=3), plots.error_budget(run),
                    plots.error_budget(run, top=2)):
            assert isinstance(fig, Figure)
            fig.savefig(__import__("io").BytesIO(), format="png", dpi=30)
        fig = plots.timeline(run, worst)
        ax = fig.axes[0]
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert labels == ["api", "database[1]", "database[2]", "monitoring", "zone-a"]
        assert ax.get_xlim() == (0.0, 120.0)
        assert plots.timeline(run, 0, start_days=10, stop_days=40).axes[0].get_xlim() == \
            (10.0, 40.0)
        with pytest.raises(ValueError):
            plots.timeline(run, 0, start_days=50, stop_days=40)
        budget = plots.error_budget(run).axes[0]
        assert "of the 526 minutes a year 99.9% allows" in budget.get_title(loc="left")
    for kind in ("tumbling", "months"):
        with nines.open(time_runs[kind]) as run:
            assert isinstance(plots.slo_attainment(run), Figure)
    with nines.open(time_runs["no-slo"]) as run:
        with pytest.raises(ValueError, match="declares an SLO"):
            plots.slo_attainment(run)
        assert isinstance(plots.downtime_distribution(run), Figure)


def test_time_plots_refuse_other_runs(synthetic_none):
    with nines.open(synthetic_none) as run:
        for plot in (plots.timeline, plots.downtime_distribution, plots.slo_attainment,
                     plots.error_budget):
            with pytest.raises(TypeError, match="time run"):
                plot(run)


# --- the report ------------------------------------------------------------------------------

def test_report_of_a_time_run(time_runs):
    with nines.open(time_runs["outages"]) as run:
        page = render_report(run, dpi=30)
    assert page.startswith("<!DOCTYPE html>")
    assert_self_contained(page)
    assert page.count('src="data:image/png;base64,') == 4  # SLO, budget, distribution, timeline
    for text in ("outages over time", "AGREES", "Over 40 histories", "Time availability",
                 "Mean time to detect", "SLO attainment", "Windows that met it, by time",
                 "Error budget by component", "via detection delays", "monitoring",
                 "common cause", "depends on others", "Common-cause events",
                 "the year with the most downtime", "format_version: 3", "checkout"):
        assert text in page, text


def test_report_without_histories_or_slo(time_runs):
    with nines.open(time_runs["none"]) as run:
        page = render_report(run, dpi=30)
    assert_self_contained(page)
    assert page.count("data:image/png") == 1  # the budget, from the summary tables
    assert "--record none</code>, which keeps summaries only" in page
    with nines.open(time_runs["no-slo"]) as run:
        page = render_report(run, dpi=30)
    assert "The scenario declares no SLO" in page
    assert page.count("data:image/png") == 3


def test_text_summary_and_command_line(time_runs, tmp_path, capsys):
    with nines.open(time_runs["outages"]) as run:
        text = text_summary(run)
    assert text.startswith("synthetic-time: 40 histories of 120 days")
    for line in ("Downtime per year", "SLO 99.9% over 30 days (rolling)", "error budget",
                 "monitoring"):
        assert line in text
    out = tmp_path / "report.html"
    assert main(["report", time_runs["requests"], "-o", str(out)]) == 0
    assert "Error budget by component" in out.read_text()
    assert main(["summary", time_runs["none"]]) == 0
    assert "record none" in capsys.readouterr().out


# --- damaged files ---------------------------------------------------------------------------

@pytest.fixture
def damage(time_runs, tmp_path):
    """damage("outages", edit) -> a copy of that file changed by edit(h5py.File)."""
    def make(kind: str, edit) -> str:
        path = str(tmp_path / f"damaged-{kind}.h5")
        shutil.copyfile(time_runs[kind], path)
        with h5py.File(path, "r+") as f:
            edit(f)
        return path
    return make


def damaged(path: str, match: str, action=None) -> str:
    def default():
        with nines.open(path):
            pass
    with pytest.raises(nines.DamagedFileError) as raised:
        (action or default)()
    message = str(raised.value)
    assert message.startswith(f"{path} is damaged: "), message
    assert match in message, message
    return message


def replace(f, name, values):
    del f[name]
    f.create_dataset(name, data=values)


@pytest.mark.parametrize("group", ["components", "events", "kinds", "summary", "histories",
                                   "outages", "windows"])
def test_a_missing_group(damage, group):
    path = damage("outages", lambda f: f.__delitem__(group))
    damaged(path, f"group /{group} is missing")


def test_missing_requests_and_slo_groups(damage):
    damaged(damage("requests", lambda f: f.__delitem__("requests")),
            "group /requests is missing")
    damaged(damage("outages", lambda f: f.__delitem__("slo")),
            "declare an SLO (slo_target) but the nines time run file's group /slo is missing")

    def stray(f):
        for key in ("slo_target", "slo_window_seconds", "slo_windows"):
            del f.attrs[key]
    damaged(damage("outages", stray), "/slo is present but the root attributes declare no SLO")


def test_a_wrong_version_is_a_format_error(damage):
    path = damage("outages", lambda f: f.attrs.__setitem__("format_version", np.int64(4)))
    with pytest.raises(nines.FormatError) as raised:
        nines.open(path)
    assert not isinstance(raised.value, nines.DamagedFileError)
    assert str(raised.value) == (f"{path} has format_version 4; this nines package reads "
                                 "versions 1, 2 and 3")


def test_a_v2_file_labelled_as_v3_is_damaged(synthetic_none, tmp_path):
    path = str(tmp_path / "relabelled.h5")
    shutil.copyfile(synthetic_none, path)
    with h5py.File(path, "r+") as f:
        f.attrs["format_version"] = np.int64(3)
    damaged(path, "of a nines time run file is missing")


@pytest.mark.parametrize("key, value, match", [
    ("histories", None, "the root attribute 'histories' of a nines time run file is missing"),
    ("horizon_seconds", "long", "'horizon_seconds' of a nines time run file should be a number"),
    ("horizon_seconds", -1.0, "a horizon is a positive number of seconds"),
    ("record", "dense", "the root attribute 'record' is 'dense'; expected outages, requests "
                        "or none"),
    ("start", "warm", "expected fresh or steady"),
    ("slo_windows", "weekly", "expected rolling, tumbling or calendar-months"),
    ("slo_target", 1.5, "a target lies between 0 and 1"),
    ("crews", -1, "'crews' of a nines time run file is -1, below 0"),
])
def test_bad_root_attributes(damage, key, value, match):
    def edit(f):
        if value is None:
            del f.attrs[key]
        else:
            f.attrs[key] = value
    damaged(damage("outages", edit), match)


def test_lengths_that_disagree(damage):
    damaged(damage("outages", lambda f: replace(f, "components/outages",
                                                np.zeros(4, np.uint64))),
            "/components/outages has 4 entries, expected 5 (one per component)")
    damaged(damage("outages", lambda f: replace(f, "histories/downtime", np.zeros(39))),
            "/histories/downtime has 39 entries, expected 40 (one per history)")
    damaged(damage("outages", lambda f: replace(f, "outages/end", np.zeros(3))),
            "/outages/end has 3 entries")

    def more_outages(f):
        f["components/outages"][1] += 1
    damaged(damage("outages", more_outages), "/components/outages and /events/occurrences "
            "add up to")

    def more_outages_everywhere(f):
        f["components/outages"][1] += 1
        f.attrs["outages"] = np.uint64(f.attrs["outages"] + 1)
    damaged(damage("outages", more_outages_everywhere), "/outages has")
    damaged(damage("outages", lambda f: replace(f, "windows/met_time", np.zeros(5, np.int8))),
            "/windows/met_time has 5 entries, expected 3,640 (one per history and window)")

    def fewer_windows(f):
        f["slo"].attrs["windows_per_history"] = np.uint32(90)
    damaged(damage("outages", fewer_windows), "/windows/window_first_day has 91 entries, "
            "expected 90 (one per window of /slo windows_per_history)")

    def more_failed(f):
        f["histories/failed_outage"][0] += 1
    damaged(damage("requests", more_failed), "/histories/failed_outage adds up to")

    def more_total(f):
        f.attrs["outages"] = np.uint64(f.attrs["outages"] + 1)
    damaged(damage("none", more_total), "/components/outages and /events/occurrences add "
            "up to")

    def kind_total(f):
        f["kinds/failed"][0] += 1
    damaged(damage("none", kind_total), "/kinds/failed adds up to")
    damaged(damage("outages", lambda f: f.attrs.__delitem__("failed_outage")),
            "the root attribute 'failed_outage' of a nines time run file is missing")
    damaged(damage("outages", lambda f: replace(f, "windows/window_days",
                                                np.full(91, 31, np.int64))),
            "/windows defines window 90 as days 90 to 121")
    damaged(damage("outages", lambda f: replace(f, "windows/window_first_day",
                                                np.zeros(90, np.int64))),
            "/windows/window_first_day has 90 entries, expected 91")

    def one_window_less(f):  # definitions and /slo agree, the rows do not
        f["slo"].attrs["windows_per_history"] = np.uint32(90)
        replace(f, "windows/window_first_day", np.arange(90, dtype=np.int64))
        replace(f, "windows/window_days", np.full(90, 30, np.int64))
    damaged(damage("outages", one_window_less), "expected 3,600 (one per history and window)")
    damaged(damage("outages", lambda f: replace(f, "summary/unit",
                                                np.array([b"min"] * 7, dtype="S3"))),
            "/summary/unit holds 'min'")

    def matrix(f):
        f["histories/kind_downtime"].attrs["columns"] = np.uint64(3)
    damaged(damage("outages", matrix), "/histories/kind_downtime says it is a 40 x 3 matrix")
    def no_kinds(f):
        for key in list(f["kinds"]):
            replace(f, f"kinds/{key}", np.zeros(0, dtype=f[f"kinds/{key}"].dtype))
    damaged(damage("none", no_kinds), "/kinds is empty")


def test_values_no_engine_writes_are_found_where_read(damage):
    def component(f):
        f["outages/component"][70] = 9
    path = damage("outages", component)
    with nines.open(path) as run:  # opening reads no rows
        damaged(path, "/outages/component[70] is 9; /components allows -1 to 4",
                lambda: run.outages()[:])
        with h5py.File(path, "r") as f:
            history = int(f["outages/history"][70])
        damaged(path, "/outages/component[70]", lambda: run.outages(history=history))

    def both(f):
        row = int(np.flatnonzero(f["outages/event"][:] >= 0)[0])
        f["outages/component"][row] = 1
    path = damage("outages", both)
    with nines.open(path) as run:
        damaged(path, "a row names exactly one of them", lambda: list(run.outages()
                                                                       .iter_chunks()))

    def culprit(f):
        f["requests/culprit"][3] = 6
    path = damage("requests", culprit)
    with nines.open(path) as run:
        damaged(path, "/requests/culprit[3] is 6; /components and /events allows -1 to 5",
                lambda: run.requests()[:10])

    def typed(f):
        replace(f, "outages/start", np.array(["x"] * len(f["outages/start"]), dtype="S1"))
    damaged(damage("outages", typed), "/outages/start should hold numbers")


def test_a_corrupted_chunk(damage):
    def flip(f):
        f.flush()
    path = damage("outages", flip)
    with h5py.File(path, "r") as f:
        info = f["outages/start"].id.get_chunk_info(1)
    with open(path, "r+b") as handle:
        handle.seek(info.byte_offset + info.size // 2)
        middle = handle.read(4)
        handle.seek(info.byte_offset + info.size // 2)
        handle.write(bytes(b ^ 0xFF for b in middle))
    with nines.open(path) as run:
        run.outages()[:64]  # the first chunk is intact
        damaged(path, "cannot read /outages/start[64:128]: a compressed chunk is corrupt",
                lambda: list(run.outages().iter_chunks()))


def test_verify_checks_every_row(time_runs, damage):
    for kind in ("outages", "requests", "none", "months"):
        with nines.open(time_runs[kind]) as run:
            run.verify()

    def swap(f):  # the totals still agree; only counting the rows shows it
        counts = f["components/outages"][:]
        counts[[1, 4]] = counts[[4, 1]]
        f["components/outages"][:] = counts
    path = damage("outages", swap)
    with nines.open(path) as run:
        damaged(path, "/outages rows of component 1:", run.verify)

    def unsorted(f):
        rows = f["outages/history"][:]
        first, second = int(rows[0]), int(np.flatnonzero(rows != rows[0])[0])
        rows[[0, second]] = rows[[second, 0]]
        f["outages/history"][:] = rows
    path = damage("outages", unsorted)
    with nines.open(path) as run:
        damaged(path, "/outages is not sorted by history, then start", run.verify)

    def met(f):
        f["windows/met_time"][0] = 1 - f["windows/met_time"][0]
    path = damage("outages", met)
    with nines.open(path) as run:
        damaged(path, "windows met by time in history 0", run.verify)

    def moved(f):
        rows = f["requests/history"][:]
        rows[-1] = 0
        f["requests/history"][:] = rows
    path = damage("requests", moved)
    with nines.open(path) as run:
        damaged(path, "/requests rows of history 0", run.verify)
