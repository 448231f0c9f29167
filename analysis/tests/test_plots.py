"""Each plot returns a Figure with the artists it promises."""
import matplotlib.collections as mcoll
import matplotlib.patches as mpatches
import numpy as np
import pandas as pd
import pytest
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure

import nines
from nines import plots


def test_pareto(synthetic_dense):
    with nines.open(synthetic_dense) as run:
        fig = plots.pareto(run)
        c = run.components
    assert isinstance(fig, Figure)
    ax, share = fig.axes  # counts and the cumulative-share twin
    bars = [p for p in ax.patches if isinstance(p, mpatches.Rectangle)]
    heights = [b.get_height() for b in bars]
    assert heights == sorted(c["failures"], reverse=True)  # Pareto: worst first
    assert [t.get_text() for t in ax.get_xticklabels()] == \
        list(c.sort_values("failures", ascending=False)["name"])
    assert any(isinstance(x, ErrorbarContainer) for x in ax.containers)
    markers = [line for line in ax.lines if line.get_marker() == "D"]
    assert len(markers) == 1
    expected = c.sort_values("failures", ascending=False)["expected_failures"].to_numpy()
    assert np.allclose(markers[0].get_ydata(), expected)
    cumulative = share.lines[0].get_ydata()
    assert cumulative[-1] == pytest.approx(1.0) and np.all(np.diff(cumulative) >= 0)


def test_pareto_from_a_components_frame(synthetic_dense):
    with nines.open(synthetic_dense) as run:
        frame = run.components.copy()
    frame.attrs["requests"] = 2_500_000
    assert isinstance(plots.pareto(frame), Figure)


def test_convergence(synthetic_dense, synthetic_failures):
    with nines.open(synthetic_dense) as run:
        fig = plots.convergence(run, points=100)
        analytic_r = run.summary.reliability_analytic
        final = run.summary.reliability_empirical
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    estimate = ax.lines[0]
    x, y = estimate.get_xdata(), estimate.get_ydata()
    # From where the model expects z^2 failures (test_report_polish.py: the rule itself).
    assert x[0] == plots.meaningful_start(2_500_000, 1 - analytic_r, 0.95) > 1
    assert x[-1] == 2_500_000 and len(x) <= 100
    assert y[-1] == pytest.approx(final, rel=1e-15)
    assert any(isinstance(c, mcoll.PolyCollection) for c in ax.collections)  # Wilson band
    hlines = [line for line in ax.lines if np.all(np.asarray(line.get_ydata()) == analytic_r)]
    assert hlines, "analytic reference line missing"
    # Same picture from the failures record.
    with nines.open(synthetic_failures) as run:
        y2 = plots.convergence(run, points=100).axes[0].lines[0].get_ydata()
    assert np.array_equal(y, y2)


def test_convergence_without_records(synthetic_none):
    with nines.open(synthetic_none) as run:
        with pytest.raises(nines.RecordError):
            plots.convergence(run)


def test_geometric_points():
    p = plots.geometric_points(10**8, 300)
    assert p[0] == 1 and p[-1] == 10**8 and np.all(np.diff(p) > 0) and len(p) <= 300


def test_essay_curves_analytic_only():
    fig = plots.essay_curves()
    left, right = fig.axes
    curves = [line for line in left.lines if len(line.get_xdata()) == 100]
    assert len(curves) == len(plots.ESSAY_RELIABILITIES)
    at_99 = next(line for line in curves if "99%" == line.get_label().split()[-1])
    assert at_99.get_ydata()[7] == pytest.approx(0.99 ** 8)  # eight parts at 99%: 92.3%
    assert right.get_yscale() == "log"
    labels = [t.get_text() for t in left.get_legend().get_texts()]
    assert "each part 99.99966%" in labels
    single = plots.essay_curves(log_panel=False, max_components=20)
    assert len(single.axes) == 1


def test_essay_curves_with_simulated_points():
    simulated = pd.DataFrame({
        "n_components": [8, 20], "component_reliability": [0.99, 0.999],
        "reliability_empirical": [0.9231, 0.9802], "ci_low": [0.9226, 0.9799],
        "ci_high": [0.9236, 0.9805]})
    fig = plots.essay_curves(simulated, highlight=(8, 0.9227, "seed"))
    left = fig.axes[0]
    bars = [c for c in left.containers if isinstance(c, ErrorbarContainer)]
    assert len(bars) == 2
    stars = [line for line in left.lines if line.get_marker() == "*"]
    assert len(stars) == 1
    with pytest.raises(ValueError, match="lacks the columns"):
        plots.essay_curves(simulated.drop(columns="ci_low"))


def test_figures_render_headless(synthetic_dense, tmp_path):
    with nines.open(synthetic_dense) as run:
        for fig in (plots.pareto(run), plots.convergence(run), plots.essay_curves()):
            fig.savefig(tmp_path / "f.png", dpi=50)
    assert (tmp_path / "f.png").stat().st_size > 1000
