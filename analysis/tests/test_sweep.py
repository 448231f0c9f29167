"""Sweep files of chains written by the real engine: the reader, the analytic check of the
essay's spreadsheet, the plots, the report and an interrupted (partial) sweep, each in both
layouts: layout 2 (format_version 2, what the engine writes) and layout 1 (nines 0.2, made from
the engine's file by sweep_files.write_layout_1). Sweeps of structures: test_sweep_structure.py.

The spreadsheet here is scenarios/seed-spreadsheet.sweep.yaml cut down to chains of 1 to 20
parts at 100k requests a point (120 points, about a second)."""
import hashlib
import math
import os
import pathlib
import shutil
import subprocess

import h5py
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import nines
from nines import analytic, engine, plots
from nines.report import render_report, text_summary
from nines.report.sweep import sweep_decimals

from conftest import ANALYSIS
from sweep_files import make_partial, write_layout_1
from test_report import assert_self_contained, run_cli

SWEEPS = ANALYSIS.parent / "tests" / "sweeps"
RELIABILITIES = (0.9, 0.99, 0.999, 0.9999, 0.99999, 0.9999966)

SPREADSHEET = """\
format_version: 1
kind: sweep
name: spreadsheet-test
chain: {}
run: {requests: 100k, seed: 2026}
seeds: per-point
grid:
  chain.count: {from: 1, to: 20}
  chain.reliability: ["90%", "99%", "99.9%", "99.99%", "99.999%", "99.99966%"]
"""


def both_layouts(path: pathlib.Path) -> dict[int, pathlib.Path]:
    """{2: the engine's file, 1: the same sweep as nines 0.2 wrote it}."""
    old = path.with_name(path.stem + "-layout1.h5")
    write_layout_1(path, old)
    return {2: path, 1: old}


@pytest.fixture(scope="session")
def spreadsheets(nines_binary, tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    (out / "spreadsheet.sweep.yaml").write_text(SPREADSHEET)
    return both_layouts(engine.run_sweep(out / "spreadsheet.sweep.yaml", out / "spreadsheet.h5",
                                         binary=nines_binary))


@pytest.fixture(scope="session")
def smalls(nines_binary, tmp_path_factory):
    """tests/sweeps/small.sweep.yaml (a base scenario; grid, zip and 2 replications) with the
    failed requests of every point recorded."""
    out = tmp_path_factory.mktemp("sweep")
    return both_layouts(engine.run_sweep(SWEEPS / "small.sweep.yaml", out / "small.h5",
                                         record_requests=True, binary=nines_binary))


LAYOUTS = dict(params=[2, 1], ids=["layout2", "layout1"])


@pytest.fixture(scope="session", **LAYOUTS)
def spreadsheet(spreadsheets, request):
    return spreadsheets[request.param]


@pytest.fixture(scope="session", **LAYOUTS)
def small(smalls, request):
    return smalls[request.param]


@pytest.fixture(scope="session")
def partial(spreadsheet, tmp_path_factory):
    """The spreadsheet with only the chains of up to 7 parts and the 99% column of 8 and 9 parts
    finished (deterministic: 44 of 120 points)."""
    path = tmp_path_factory.mktemp("sweep") / "partial.h5"
    with nines.open(spreadsheet) as sweep:
        p = sweep.points
        done = p.index[(p["chain.count"] <= 7) | ((p["chain.count"] <= 9) &
                                                  (p["chain.reliability"] == 0.99))]
    make_partial(spreadsheet, path, done)
    return path


def test_readers_know_sweeps():
    assert nines.READERS[("nines-sweep", 1)] is nines.Sweep
    assert nines.READERS[("nines-sweep", 2)] is nines.Sweep
    assert nines.SWEEP_FORMAT_VERSION == 2


def test_open_reads_the_metadata(spreadsheet):
    with nines.open(spreadsheet) as sweep:
        assert isinstance(sweep, nines.Sweep)
        m = sweep.metadata
        assert m.format == "nines-sweep" and m.format_version == sweep.layout
        assert m.base_format == 1 and not sweep.is_structure and m.importance == ""
        assert m.sweep_name == "spreadsheet-test"
        assert sweep.parameters == ["chain.count", "chain.reliability"]
        assert m.points == len(sweep) == 120 and sweep.points_done == 120
        assert sweep.complete and m.base_kind == "chain" and m.replications == 1
        assert m.sweep_yaml == SPREADSHEET
        assert m.sweep_sha256 == hashlib.sha256(SPREADSHEET.encode()).hexdigest()
        assert m.ci_level == 0.95 and not m.record_requests
        assert "120 points (complete)" in repr(sweep)


def test_points_table(spreadsheet):
    with nines.open(spreadsheet) as sweep, h5py.File(spreadsheet) as f:
        p = sweep.points
        assert p is sweep.points  # read once
        assert list(p.columns) == f["points"].attrs["columns"].split(",")
        assert len(p) == 120 and p["done"].all() and p["done"].dtype == bool
        assert (p["point"].to_numpy() == np.arange(120)).all()
        assert (p["n_components"] == p["chain.count"]).all()
        assert (p["requests"] == 100_000).all()
        assert set(p["sampler"]) <= {"per-request", "geometric-skip"}
        assert p["seed"].nunique() == 120  # seeds: per-point
        assert (p["chain.count"].to_numpy() == np.repeat(np.arange(1, 21), 6)).all()
        assert np.allclose(p["chain.reliability"].to_numpy(), np.tile(RELIABILITIES, 20))
        for column in ("failures", "z_score", "ci_low", "seed"):
            assert (p[column].to_numpy() == f["points"][column][...]).all()
        assert ((p["ci_low"] <= p["reliability_empirical"]) &
                (p["reliability_empirical"] <= p["ci_high"])).all()


def test_spreadsheet_analytic_is_r_to_the_n(spreadsheet):
    """The essay's spreadsheet formula: a chain of n parts at r works with probability r^n."""
    with nines.open(spreadsheet) as sweep:
        p = sweep.points
        n = p["chain.count"].to_numpy()
        r = p["chain.reliability"].to_numpy()
        exact = p["reliability_analytic"].to_numpy()
        assert np.allclose(exact, r ** n, rtol=1e-12, atol=1e-12)
        for i in (0, 5, 57, 119):
            assert math.isclose(exact[i], analytic.chain_reliability([r[i]] * int(n[i])),
                                rel_tol=1e-12)
        assert sweep.agreement().agrees
        assert sweep.agreement().done == 120


def test_every_point_recomputes_to_1e_12(spreadsheet):
    with nines.open(spreadsheet) as sweep:
        recomputed = sweep.recompute_points()
        table = sweep.done_points
        assert len(recomputed) == 120
        assert (recomputed["failures"] == table["failures"]).all()
        assert (recomputed["agrees"] == table["agrees"]).all()
        for column in ("reliability_empirical", "reliability_analytic", "ci_low", "ci_high",
                       "z_score", "z_p_value", "reliability_p_value", "attribution_chi2",
                       "attribution_dof", "attribution_p_value"):
            a, b = recomputed[column].to_numpy(), table[column].to_numpy()
            # The exact binomial tails: Boost 1.74 in the engine, SciPy's newer Boost here.
            rtol = 1e-9 if column == "reliability_p_value" else 1e-12
            assert np.allclose(a, b, rtol=rtol, atol=1e-12, equal_nan=True), column


def test_point(spreadsheet):
    with nines.open(spreadsheet) as sweep:
        point = sweep.point(57)  # chain.count 10, chain.reliability 99.99%
        assert point.values == {"chain.count": 10, "chain.reliability": 0.9999}
        row = sweep.points.iloc[57]
        assert point.requests == 100_000 and point.seed == row["seed"]
        assert point.failures_count == row["failures"]
        assert point.reliability_analytic == row["reliability_analytic"]
        assert point.z_score == row["z_score"]
        assert point.sampler == row["sampler"]
        assert point.verdict.startswith("agrees with the analytic model")
        c = point.components
        assert list(c["name"]) == [f"c{k}" for k in range(1, 11)]
        assert (c["reliability"] == 0.9999).all()
        assert c["failures"].sum() == point.failures_count
        assert np.allclose(c["expected_failures"], 100_000 * c["first_failure_probability"],
                           rtol=1e-12)
        assert sweep.point(-1).index == 119
        with pytest.raises(IndexError):
            sweep.point(120)
        with pytest.raises(nines.RecordError, match="--record-requests"):
            point.failures
        assert len(list(sweep.iter_points())) == 120


def test_pivot(spreadsheet):
    with nines.open(spreadsheet) as sweep:
        grid = sweep.pivot()
        assert grid.shape == (20, 6)
        assert list(grid.index) == list(range(1, 21))
        assert np.allclose(grid.columns.to_numpy(dtype=float), RELIABILITIES)
        assert grid.index.name == "chain.count" and grid.columns.name == "chain.reliability"
        p = sweep.points
        row = p.iloc[57]
        assert grid.at[10, 0.9999] == row["reliability_empirical"]
        exact = sweep.pivot("reliability_analytic")
        n = exact.index.to_numpy()[:, None]
        r = exact.columns.to_numpy(dtype=float)[None, :]
        assert np.allclose(exact.to_numpy(), r ** n, rtol=1e-12)
        across = sweep.pivot("failures", index="chain.reliability", columns="chain.count")
        assert across.shape == (6, 20)
        one = sweep.pivot("z_score", index="chain.reliability", columns=None, aggfunc="count")
        assert (one["z_score"] == 20).all()
        with pytest.raises(KeyError):
            sweep.pivot("nope")
        assert sweep.is_two_way()


def test_small_sweep_with_records(small):
    with nines.open(small) as sweep:
        m = sweep.metadata
        assert sweep.parameters == ["components[api].reliability",
                                    "components[db].reliability", "run.seed"]
        assert m.replications == 2 and m.points == 8 and m.base_kind == "base"
        assert m.record_requests and "sweep-base" in m.base_scenario_yaml
        p = sweep.points
        assert p["seed"].dtype == np.uint64  # seeds up to 2^64 - 1 stay exact
        assert p["run.seed"].max() == 2 ** 64 - 1
        assert not sweep.is_two_way()
        assert sweep.identical_parts() is None
        for point in sweep.iter_points():
            assert point.has_request_records
            failures = point.failures
            assert len(failures) == point.failures_count
            requests = failures.request[:]
            assert (np.diff(requests.astype(np.int64)) > 0).all()
            assert requests.max() < point.requests
            counts = np.bincount(failures.component[:], minlength=3)
            assert (counts == point.components["failures"].to_numpy()).all()
            assert list(failures[:3].columns) == ["request", "component", "component_name"]
        # Replications of a point share its values and differ in seed.
        grid = sweep.pivot("reliability_empirical", index="components[api].reliability",
                           columns="components[db].reliability")
        assert grid.shape == (2, 2)
        first = p[(p["components[api].reliability"] == 0.9) &
                  (p["components[db].reliability"] == 0.5)]
        assert len(first) == 2 and first["seed"].nunique() == 2
        assert math.isclose(grid.at[0.9, 0.5], first["reliability_empirical"].mean())
        with pytest.raises(ValueError, match="identical"):
            plots.essay_curves(sweep)


def test_partial_sweep(partial):
    with nines.open(partial) as sweep:
        assert not sweep.complete and sweep.points_done == 44
        assert "INCOMPLETE, 44 done" in repr(sweep)
        p = sweep.points
        assert p["done"].sum() == 44 and len(sweep.done_points) == 44
        with pytest.raises(nines.RecordError, match="44 of 120 points done"):
            sweep.point(119)
        assert sweep.point(43).components["failures"].sum() == p.at[43, "failures"]
        grid = sweep.pivot()
        assert grid.shape == (20, 6)  # the whole grid, unfinished cells NaN
        assert grid.notna().sum().sum() == 44
        assert grid.loc[:7].notna().all().all() and grid.loc[10:].isna().all().all()
        assert grid.loc[8:9, 0.99].notna().all() and grid.loc[8:9, 0.9].isna().all()
        assert sweep.pivot("reliability_analytic").notna().all().all()
        assert sweep.agreement().done == 44
        assert len(sweep.recompute_points()) == 44
        fig = plots.essay_curves(sweep)
        assert isinstance(fig, Figure)
        assert isinstance(plots.sweep_z(sweep), Figure)
        page = render_report(sweep, dpi=30)
        assert_self_contained(page)
        assert "INCOMPLETE" in page and "44 of 120 points simulated" in page
        summary = text_summary(sweep)
        assert "INCOMPLETE: 44 of 120 points done" in summary
        assert "   –" in summary  # unfinished cells


def test_plots(spreadsheet, small):
    with nines.open(spreadsheet) as sweep:
        fig = plots.essay_curves(sweep)
        left = fig.axes[0]
        assert left.get_legend_handles_labels()[1][-1] == "simulated (CI)"
        assert isinstance(plots.essay_curves(sweep, log_panel=False), Figure)
        z = plots.sweep_z(sweep)
        assert isinstance(z, Figure) and len(z.axes) == 2
        assert "120 points" in z.axes[0].get_legend_handles_labels()[1]
        # The DataFrame form still works, and takes identical_parts() as it is.
        frame = sweep.identical_parts()
        assert np.allclose(frame["component_reliability"], frame["chain.reliability"])
        assert isinstance(plots.essay_curves(frame), Figure)
    with nines.open(small) as sweep:
        assert isinstance(plots.sweep_points(sweep), Figure)
        assert isinstance(plots.sweep_z(sweep), Figure)


def test_essay_curves_adds_unknown_reliabilities():
    frame = pd.DataFrame({"n_components": [1, 150], "component_reliability": [0.95, 0.95],
                          "reliability_empirical": [0.95, 0.0005], "ci_low": [0.94, 0.0],
                          "ci_high": [0.96, 0.001]})
    fig = plots.essay_curves(frame)
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert "each part 95%" in labels
    assert fig.axes[0].get_xlim()[1] >= 150


def test_report_and_summary(spreadsheet, small):
    with nines.open(spreadsheet) as sweep:
        page = render_report(sweep, dpi=30)
        decimals = sweep_decimals(sweep)
        summary = text_summary(sweep)
        full = text_summary(sweep, full=True)
    assert_self_contained(page)
    assert page.count('src="data:image/png;base64,') == 2  # essay curves, z
    for text in ("nines · sweep report", "spreadsheet-test", "AGREES", "99.99966%",
                 "simulated", "analytic", "chain.count", "seeds: per-point",
                 "every point agrees with the analytic product"):
        assert text in page, text
    assert f"{100 * 0.9 ** 20:.{decimals}f}" in page  # the analytic cell of 20 parts at 90%
    assert "chain.reliability across, chain.count down" in summary
    assert "(20 rows; summary --full prints them all)" in summary
    rows = [line for line in summary.splitlines() if " | " in line]
    assert [line.split("|")[0].strip() for line in rows[2:]] == ["1", "2", "5", "10", "20"]
    assert len([line for line in full.splitlines() if " | " in line]) == 2 + 20
    with nines.open(small) as sweep:
        page = render_report(sweep, dpi=30)
        summary = text_summary(sweep)
    assert_self_contained(page)
    assert page.count('src="data:image/png;base64,') == 2  # points, z
    assert "components[api].reliability" in page and "sweep-base" in page
    assert "components[db].reliability" in summary and "18446744073709551615" in summary


def test_cli_on_a_sweep(spreadsheet, tmp_path):
    out = tmp_path / "s.html"
    done = run_cli("report", spreadsheet, "-o", out)
    assert done.returncode == 0, done.stderr
    assert_self_contained(out.read_text())
    summary = run_cli("summary", spreadsheet, "--full")
    assert summary.returncode == 0, summary.stderr
    assert "120 of 120 points simulated" in summary.stdout
    assert len([line for line in summary.stdout.splitlines() if " | " in line]) == 22


def test_unknown_sweep_version_is_refused(spreadsheet, tmp_path):
    path = tmp_path / "v4.h5"
    shutil.copyfile(spreadsheet, path)
    with h5py.File(path, "r+") as f:
        version = int(f.attrs["format_version"])
        f.attrs["format_version"] = np.int64(4)
    with pytest.raises(nines.FormatError, match="format_version 4; this nines package reads "
                                                "versions 1, 2 and 3"):
        nines.open(path)
    with pytest.raises(nines.FormatError, match="format_version 4"):
        nines.Sweep(path)
    with h5py.File(path, "r+") as f:
        f.attrs["format_version"] = np.int64(version)
        del f["points/z_score"]
    with nines.open(path) as sweep, pytest.raises(nines.FormatError, match="z_score"):
        sweep.points


def test_sweep_point_tail_is_that_of_z_5():
    from nines.stats import sweep as sweep_module
    assert sweep_module.SWEEP_POINT_TAIL == pytest.approx(
        analytic.two_sided_p_value(sweep_module.SWEEP_Z_LIMIT), rel=1e-12, abs=0)


def test_agreement_of_a_file_without_the_exact_test(small, tmp_path):
    # Sweeps written before nines 0.2 have no reliability_p_value column: the check recomputes it.
    copy = tmp_path / "old.h5"
    shutil.copy(small, copy)
    with nines.open(small) as sweep:
        expected = sweep.agreement()
    with h5py.File(copy, "a") as f:
        del f["points/reliability_p_value"]
        columns = [c for c in nines.text(f["points"].attrs["columns"]).split(",")
                   if c != "reliability_p_value"]
        f["points"].attrs["columns"] = ",".join(columns)
    with nines.open(copy) as sweep:
        assert "reliability_p_value" not in sweep.points
        assert sweep.agreement() == expected


# --- layout 1 as nines 0.2 wrote it ------------------------------------------------------------

OLD_BINARY = os.environ.get("NINES_0_2_BINARY", "")
# What differs between two runs of one sweep, or between the engines' spelling of a verdict.
_RUN_DEPENDENT = {"created", "nines_version", "verdict"}


def _layout(f: h5py.File) -> dict:
    """Every object of a file: groups with their attribute types, datasets with type, shape and
    chunking, and the values of attributes and datasets."""
    seen = {"/": ("group", {k: np.asarray(v).dtype.kind for k, v in f.attrs.items()})}
    values = {f"/@{k}": v for k, v in f.attrs.items() if k not in _RUN_DEPENDENT}

    def visit(name, obj):
        kinds = {k: np.asarray(v).dtype.kind for k, v in obj.attrs.items()}
        values.update({f"{name}@{k}": v for k, v in obj.attrs.items()
                       if k not in _RUN_DEPENDENT})
        if isinstance(obj, h5py.Dataset):
            seen[name] = ("dataset", obj.dtype.str, obj.shape, obj.chunks, obj.compression,
                          kinds)
            values[name] = obj[...]
        else:
            seen[name] = ("group", kinds)
    f.visititems(visit)
    return seen, values


@pytest.mark.skipif(not os.path.isfile(OLD_BINARY),
                    reason="set NINES_0_2_BINARY to a nines 0.2 binary to compare with it")
def test_layout_1_is_what_nines_0_2_wrote(smalls, tmp_path):
    """sweep_files.write_layout_1 against the real thing: the same objects, types, shapes,
    chunks and values (the counts of both engines are the same for the same seeds)."""
    real = tmp_path / "real.h5"
    subprocess.run([OLD_BINARY, "sweep", str(SWEEPS / "small.sweep.yaml"), "-o", str(real),
                    "--record-requests", "--quiet", "--force"], check=True, capture_output=True)
    with h5py.File(real) as a, h5py.File(smalls[1]) as b:
        (objects_a, values_a), (objects_b, values_b) = _layout(a), _layout(b)
    assert objects_a == objects_b
    assert values_a.keys() == values_b.keys()
    for key in values_a:
        if key.endswith("@sweep_path"):
            continue
        x, y = np.asarray(values_a[key]), np.asarray(values_b[key])
        if x.dtype.kind == "f":
            assert np.array_equal(x, y, equal_nan=True), key
        else:
            assert np.array_equal(x, y), key


# --- layout 2: the per-point tables -----------------------------------------------------------

def test_both_layouts_read_alike(smalls):
    with nines.open(smalls[2]) as new, nines.open(smalls[1]) as old:
        assert (new.layout, old.layout) == (2, 1)
        common = [c for c in old.points.columns]
        assert [c for c in new.points.columns if c not in ("kernel", "unreliability_analytic")] \
            == common
        pd.testing.assert_frame_equal(new.points[common], old.points[common])
        for i in range(len(new)):
            a, b = new.point(i), old.point(i)
            pd.testing.assert_frame_equal(a.components, b.components)
            assert a.verdict == b.verdict
            assert a.unreliability_analytic == pytest.approx(b.unreliability_analytic, rel=1e-12)
            pd.testing.assert_frame_equal(a.failures[:], b.failures[:], check_dtype=False)
        pd.testing.assert_frame_equal(new.point_components, old.point_components)


def test_long_tables(small):
    with nines.open(small) as sweep:
        long = sweep.point_components
        assert list(long.columns[:2]) == ["point", "component"]
        assert len(long) == sweep.points["n_components"].sum()
        for point in sweep.iter_points():
            mine = long[long["point"] == point.index].drop(columns="point")
            mine = mine.set_index("component")
            pd.testing.assert_frame_equal(mine, point.components, check_names=False)
        joined = long.merge(sweep.points[["point", "components[api].reliability"]], on="point")
        api = joined[joined["name"] == "api"]
        assert (api["reliability"] == api["components[api].reliability"]).all()
        with pytest.raises(nines.RecordError, match="request kinds"):
            sweep.point_kinds
        with pytest.raises(nines.RecordError, match="chain"):
            sweep.point(0).kinds
        if sweep.layout == 1:
            with pytest.raises(nines.RecordError, match="point\\(i\\).failures"):
                sweep.point_failures
            return
        every = sweep.point_failures
        assert len(every) == sweep.points["failures"].sum()
        assert list(every[:2].columns) == ["point", "request", "component"]
        blocks = list(every.iter_blocks(100_000))
        assert sum(len(b["request"]) for _, b in blocks) == len(every)
        start = 0
        for point in sweep.iter_points():
            own = point.failures[:]
            assert (every[start:start + len(own)]["request"].to_numpy() ==
                    own["request"].to_numpy()).all()
            start += len(own)


def test_points_are_read_in_blocks(spreadsheets, monkeypatch):
    """Walking every point reads each table in blocks, not one read per point."""
    from nines.readers import sweep_tables
    reads = []
    original = sweep_tables.PointTable.read
    monkeypatch.setattr(sweep_tables.PointTable, "read",
                        lambda self, *a, **k: reads.append(a) or original(self, *a, **k))
    with nines.open(spreadsheets[2]) as sweep:
        total = sum(int(p.components["failures"].sum()) for p in sweep.iter_points())
        assert total == sweep.points["failures"].sum()
    assert len(reads) == 1  # 1,050 component rows: one block


def test_a_sweep_of_many_points(tmp_path, monkeypatch):
    """100,000 points: the points table and the long component table read whole; single points
    from blocks of one chunk (65,536 rows) starting at the point asked for, so that walking
    2,000 points takes one read of each column (not 2,000)."""
    from nines.readers import sweep_tables
    from sweep_files import write_many_points
    path = tmp_path / "many.h5"
    write_many_points(path, 100_000)
    reads = []
    original = sweep_tables.PointTable.read
    monkeypatch.setattr(sweep_tables.PointTable, "read",
                        lambda self, *a, **k: reads.append(a) or original(self, *a, **k))
    with nines.open(path) as sweep:
        assert len(sweep.points) == 100_000 and sweep.points_done == 100_000
        long = sweep.point_components
        assert len(long) == 200_000 and reads == [()]
        reads.clear()
        for i in range(32_000, 34_000):  # rows 64,000 to 68,000
            c = sweep.point(i).components
            assert len(c) == 2 and c["failures"].sum() == sweep.points.at[i, "failures"]
        assert len(reads) == 1
        last = sweep.point(99_999)
        assert (last.components["failures"].to_numpy() ==
                long["failures"].to_numpy()[-2:]).all()
        assert last.components["share"].sum() == pytest.approx(1.0)
