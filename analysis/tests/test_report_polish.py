"""The report polish of issue 15: one number style, sweep cells marked by each point's own
verdict, replicated sweeps as pivot tables, the convergence plot's start, ax= on every plot
function, and SVG figures in the report."""
from __future__ import annotations

import inspect
import math
import re

import h5py
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import nines
from nines import analytic, engine, plots
from nines import formatting as fmt
from nines.report import render_report
from nines.report.sweep import point_verdict_class, replicated_table
from nines.stats.sweep import SWEEP_POINT_TAIL

from conftest import ANALYSIS
from test_report import run_cli

SWEEPS = ANALYSIS.parent / "tests" / "sweeps"

# --- one number style -------------------------------------------------------------------------


def test_numbers_are_grouped_as_the_engine_groups_them():
    assert fmt.number(15028.5, 6) == "15,028.5"
    assert fmt.number(15028.5, 5) == "15,028"  # digits still count, the commas do not
    assert fmt.number(0.2071) == "0.2071" and fmt.number(1.2e-17, 2) == "1.2e-17"
    assert fmt.number(2.5e7) == "2.50e+07"
    # DPMO as the engine prints it (report.cpp dpmo): one decimal from 100 up, else 3 digits.
    assert fmt.dpmo(15028.5) == "15,028.5" and fmt.dpmo(150144.8) == "150,144.8"
    assert fmt.dpmo(3.4) == "3.40" and fmt.dpmo(0.012) == "0.0120" and fmt.dpmo(0) == "0"
    assert fmt.dpmo(math.nan) == "n/a" and fmt.dpmo(math.inf) == "∞"


def test_the_dpmo_tile_reads_like_the_table_beside_it(synthetic_dense):
    with nines.open(synthetic_dense) as run:
        page = render_report(run, dpi=20)
        s = run.summary
    tile = re.search(r'<div class="label">DPMO</div><div class="value">([^<]*)</div>'
                     r'<div class="sub">analytic ([^<]*)</div>', page)
    assert tile, "no DPMO tile"
    assert tile.groups() == (fmt.dpmo(s.dpmo_empirical), fmt.dpmo(s.dpmo_analytic))
    assert s.dpmo_empirical >= 1000 and "," in tile.group(1)  # grouped, as the counts are
    table = re.search(r"<td>DPMO \(failures per million\)</td><td>([^<]*)</td><td>([^<]*)</td>",
                      page)
    assert table and table.groups() == tile.groups()


# --- sweep cells by each point's own verdict ------------------------------------------------

def _row(**values) -> pd.Series:
    base = dict(done=True, agrees=True, z_score=0.0, reliability_p_value=0.5,
                attribution_p_value=0.5)
    return pd.Series({**base, **values})


def test_a_cell_is_marked_by_its_point_verdict_not_by_z():
    # The spreadsheet's point 405: |z| = 3.28 < 3.29, exact p = 0.00098 < 1e-3: it disagrees.
    assert point_verdict_class(_row(z_score=3.28, reliability_p_value=0.00098,
                                    agrees=False)) == "warn"
    # And the converse: |z| beyond 3.29 where the exact test agrees is not marked.
    assert point_verdict_class(_row(z_score=3.4, reliability_p_value=0.0012)) == ""
    assert point_verdict_class(_row(attribution_p_value=1e-5, agrees=False)) == "warn"
    assert point_verdict_class(_row(z_score=5.2, reliability_p_value=SWEEP_POINT_TAIL / 2,
                                    agrees=False)) == "bad"
    assert point_verdict_class(_row(done=False, agrees=False)) == ""
    old = _row(z_score=5.1, agrees=False).drop("reliability_p_value")  # before nines 0.2
    assert point_verdict_class(old) == "bad"


GRID = """\
format_version: 1
kind: sweep
name: grid-test
chain: {}
run: {requests: 20k, seed: 5}
seeds: per-point
grid:
  chain.count: [1, 2, 3]
  chain.reliability: ["99%", "99.9%"]
"""


@pytest.fixture(scope="module")
def grid_with_point_405(nines_binary, tmp_path_factory):
    """A two-way sweep in which point 3 is made to look like the spreadsheet's point 405."""
    out = tmp_path_factory.mktemp("grid")
    (out / "grid.sweep.yaml").write_text(GRID)
    path = engine.run_sweep(out / "grid.sweep.yaml", out / "grid.h5", binary=nines_binary)
    with h5py.File(path, "r+") as f:
        points = f["points"]
        points["z_score"][3] = 3.28
        points["reliability_p_value"][3] = 0.00098
        points["agrees"][3] = 0
    return path


def test_the_grid_marks_the_disagreeing_point(grid_with_point_405):
    with nines.open(grid_with_point_405) as sweep:
        assert sweep.is_two_way()
        page = render_report(sweep, dpi=20)
    cells = re.findall(r'<td class="(sim[^"]*)" title="point (\d+):[^"]*exact p = ([^,]*),', page)
    assert len(cells) == 6
    marked = {int(point): cls for cls, point, _ in cells}
    assert marked[3] == "sim warn"
    assert all(cls == "sim" for point, cls in marked.items() if point != 3)
    assert dict((int(p), e) for _, p, e in cells)[3] == fmt.p_value(0.00098)


# --- replicated sweeps as pivot tables --------------------------------------------------------

@pytest.fixture(scope="module")
def replicated(nines_binary, tmp_path_factory):
    out = tmp_path_factory.mktemp("replicated")
    return engine.run_sweep(SWEEPS / "small.sweep.yaml", out / "small.h5", binary=nines_binary)


def test_a_replicated_sweep_is_a_pivot_table(replicated):
    with nines.open(replicated) as sweep:
        m = sweep.metadata
        points = sweep.points
        table = replicated_table(sweep)
        page = render_report(sweep, dpi=20)
    assert m.replications == 2 and not sweep.is_two_way()
    assert list(table.columns) == ["replication 0", "replication 1", "pooled", "analytic"]
    assert table.index.names == m.parameters
    assert len(table) == len(points) // 2  # grid 2 x zip 2, each twice
    for key, row in table.iterrows():
        mask = np.logical_and.reduce([points[q] == v for q, v in zip(m.parameters, key)])
        same = points[mask]
        assert len(same) == 2
        pooled = 1 - same["failures"].sum() / same["requests"].sum()
        assert row["pooled"] == pytest.approx(pooled, rel=1e-15)
        for _, point in same.iterrows():
            assert row[f"replication {int(point['replication'])}"] == \
                point["reliability_empirical"]
        assert row["analytic"] == same["reliability_analytic"].iloc[0]
    assert "<th>replication 0</th><th>replication 1</th><th>pooled</th>" in page
    assert "<h2>The points</h2>" in page  # the list stays below the pivot


def test_a_sweep_without_replications_has_no_pivot(grid_with_point_405):
    with nines.open(grid_with_point_405) as sweep:
        assert replicated_table(sweep) is None


# --- the convergence plot starts where the interval is meaningful --------------------------------

def test_meaningful_start_is_where_the_model_expects_z_squared_failures():
    z2 = analytic.two_sided_normal_quantile(0.95) ** 2
    assert plots.meaningful_start(10**7, 1e-3, 0.95) == math.ceil(z2 / 1e-3) == 3842
    assert plots.meaningful_start(10**7, 1e-3, 0.99) == math.ceil(
        analytic.two_sided_normal_quantile(0.99) ** 2 / 1e-3)
    assert plots.meaningful_start(10**7, 0.0, 0.95) == 1   # a perfect model: nothing to wait for
    assert plots.meaningful_start(1000, 1e-3, 0.95) == 1   # never meaningful: show everything
    # Why: at that n a run without failures has a Wilson upper bound on u of about u itself.
    n = plots.meaningful_start(10**7, 1e-3, 0.95)
    upper_u = 1 - analytic.wilson_interval(n, n, 0.95).low
    assert upper_u == pytest.approx(1e-3, rel=2e-3)


def test_convergence_start(synthetic_dense):
    with nines.open(synthetic_dense) as run:
        u = run.summary.unreliability_analytic
        default = plots.convergence(run, points=50).axes[0].lines[0].get_xdata()
        everything = plots.convergence(run, points=50, start=1).axes[0].lines[0].get_xdata()
        with pytest.raises(ValueError, match="start"):
            plots.convergence(run, start=0)
        page = render_report(run, dpi=20)
    start = plots.meaningful_start(2_500_000, u, 0.95)
    assert default[0] == start > 1 and everything[0] == 1
    assert f"It starts at {fmt.count(start)} requests" in page


# --- ax= on every plot function -----------------------------------------------------------------

PLOT_FUNCTIONS = [name for name in plots.__all__
                  if callable(getattr(plots, name)) and
                  inspect.signature(getattr(plots, name)).return_annotation in (Figure, "Figure")]


def test_every_plot_function_takes_ax():
    assert len(PLOT_FUNCTIONS) >= 16, PLOT_FUNCTIONS
    for name in PLOT_FUNCTIONS:
        assert "ax" in inspect.signature(getattr(plots, name)).parameters, name


def _host(panels: int = 1):
    fig = Figure(figsize=(6, 3))
    axes = fig.subplots(1, panels + 1)  # one more than needed: the plot must use the given ones
    return fig, list(axes)


def test_one_panel_plots_draw_into_the_given_axes(synthetic_dense):
    with nines.open(synthetic_dense) as run:
        for draw in (plots.pareto, plots.convergence):
            fig, (ax, other) = _host()
            assert draw(run, ax=ax) is fig
            assert ax.has_data() and not other.has_data()
            # Nothing added beside it (a twin axis on top of it, as pareto's cumulative share).
            for added in fig.axes[2:]:
                assert added.get_position().bounds == ax.get_position().bounds
    fig, (ax, _) = _host()
    assert plots.essay_curves(ax=ax) is fig and ax.has_data()  # its main panel alone


def test_several_panel_plots_take_one_axes_per_panel(grid_with_point_405):
    with nines.open(grid_with_point_405) as sweep:
        fig, axes = _host(2)
        assert plots.sweep_z(sweep, ax=axes[:2]) is fig
        assert axes[0].has_data() and axes[1].has_data() and not axes[2].has_data()
        with pytest.raises(ValueError, match="sweep_z draws 2 panels"):
            plots.sweep_z(sweep, ax=axes[0])
        with pytest.raises(ValueError, match="2 panels"):
            plots.sweep_z(sweep, ax=axes)
        fig, (ax, _) = _host()
        assert plots.sweep_points(sweep, ax=ax) is fig and ax.has_data()
        fig, axes = _host(2)
        assert plots.essay_curves(sweep, ax=axes[:2]) is fig
        assert axes[1].get_yscale() == "log"


def test_time_plots_draw_into_the_given_axes(tmp_path):
    import time_files
    path = time_files.make_time_run(tmp_path / "t.h5")
    with nines.open(path) as run:
        for draw in (plots.downtime_distribution, plots.error_budget,
                     lambda r, ax: plots.timeline(r, 0, ax=ax)):
            fig, (ax, other) = _host()
            assert draw(run, ax=ax) is fig and ax.has_data() and not other.has_data()
        fig, axes = _host(2)
        assert plots.slo_attainment(run, ax=axes[:2]) is fig and axes[1].has_data()


# --- SVG figures ----------------------------------------------------------------------------

def test_svg_figures_in_the_report(synthetic_dense, tmp_path):
    with nines.open(synthetic_dense) as run:
        png = render_report(run, dpi=20)
        svg = render_report(run, figure_format="svg")
        with pytest.raises(ValueError, match="png, svg"):
            render_report(run, figure_format="gif")
        again = render_report(run, figure_format="svg")
    figures = png.count("<img")
    assert png.count('src="data:image/png;base64,') == figures >= 3
    assert svg.count('src="data:image/svg+xml;base64,') == figures
    assert "data:image/png" not in svg
    strip = re.compile(r"Generated [^ ]+ by")
    assert strip.sub("", svg) == strip.sub("", again)  # no dates inside the SVGs
    out = tmp_path / "r.html"
    done = run_cli("report", synthetic_dense, "-o", out, "--figure-format", "svg")
    assert done.returncode == 0, done.stderr
    assert "data:image/svg+xml;base64," in out.read_text()
    bad = run_cli("report", synthetic_dense, "-o", out, "--figure-format", "gif")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr

