"""Charts of a sweep: every point's z against the band the engine checks, and any sweep point by
point."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..stats import analytic
from ..stats.sweep import SWEEP_Z_LIMIT
from .style import PALETTE, one_axes, panel_axes, percent_label, style

__all__ = ["sweep_z", "sweep_points"]


def sweep_z(sweep, *, limit: float | None = None, figsize=(12, 4.6), ax=None) -> Figure:
    """The sanity check of a sweep: every finished point's z (simulated against analytic
    reliability), in point order, inside the ±5 band the engine checks the whole sweep against
    (the dotted lines are the per-point verdict's |z| = 3.29, p = 0.001), and next to it the
    histogram of the z-scores over the standard normal density they should follow when the
    points are independent (seeds: per-point). Points beyond the band are drawn in red and
    named."""
    limit = SWEEP_Z_LIMIT if limit is None else float(limit)
    done = sweep.done_points
    z = done["z_score"].to_numpy(dtype=np.float64)
    x = done["point"].to_numpy()
    finite = np.isfinite(z)
    per_point = analytic.two_sided_normal_quantile(1 - analytic.VERDICT_ALPHA)

    fig, (ax, hist) = panel_axes(ax, figsize, 2, "sweep_z", gridspec_kw={"width_ratios": [2.6, 1]},
                                 sharey=True)
    for a in (ax, hist):
        style(a)
    ax.axhspan(-limit, limit, color=PALETTE["band"], alpha=0.25, linewidth=0,
               label=f"|z| < {limit:g} (the sweep's check)")
    for sign in (-1, 1):
        ax.axhline(sign * per_point, color=PALETTE["cumulative"], linestyle=":", linewidth=1,
                   label=f"|z| = {per_point:.2f} (a point's verdict, p = "
                         f"{analytic.VERDICT_ALPHA:g})" if sign > 0 else None)
    ax.axhline(0, color=PALETTE["analytic"], linewidth=1)
    outside = finite & (np.abs(z) >= limit)
    inside = finite & ~outside
    many = len(z) > 200
    ax.plot(x[inside], z[inside], linestyle="none", marker="o", markersize=2.5 if many else 4.5,
            color=PALETTE["observed"], alpha=0.8, label=f"{int(inside.sum())} points")
    if outside.any():
        ax.plot(x[outside], z[outside], linestyle="none", marker="o", markersize=6,
                color=PALETTE["analytic"], label=f"{int(outside.sum())} beyond ±{limit:g}")
        for xi, zi in list(zip(x[outside], z[outside]))[:10]:
            ax.annotate(f"point {xi}", (xi, zi), xytext=(4, 4), textcoords="offset points",
                        fontsize=8, color=PALETTE["analytic"])
    top = max(limit + 1, float(np.abs(z[finite]).max()) * 1.1 if finite.any() else 0)
    ax.set_ylim(-top, top)
    ax.set_xlim(-0.5, max(len(sweep) - 0.5, 0.5))
    ax.set_xlabel("point")
    ax.set_ylabel("z (simulated vs analytic)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4, frameon=False,
              fontsize=9)
    m = sweep.metadata
    state = "" if m.complete else f" (incomplete: {m.points_done} of {m.points} points)"
    ax.set_title(f"Every point against its analytic value — {m.sweep_name}{state}", loc="left",
                 fontweight="bold")

    if finite.any():
        edges = np.linspace(-top, top, int(np.clip(np.sqrt(finite.sum()) * 2, 10, 60)) + 1)
        hist.hist(z[finite], bins=edges, orientation="horizontal", color=PALETTE["observed"],
                  alpha=0.7, label="z of the points")
        grid = np.linspace(-top, top, 400)
        width = edges[1] - edges[0]
        density = finite.sum() * width * np.exp(-grid ** 2 / 2) / np.sqrt(2 * np.pi)
        hist.plot(density, grid, color=PALETTE["analytic"], linewidth=1.5,
                  label="standard normal")
        hist.legend(loc="upper right", fontsize=8, frameon=True, framealpha=0.9)
    hist.axhspan(-limit, limit, color=PALETTE["band"], alpha=0.25, linewidth=0)
    hist.set_xlabel("points")
    hist.set_title("Distribution of z", loc="left", fontweight="bold")
    return fig


def sweep_points(sweep, *, figsize=(12, 4.6), ax=None) -> Figure:
    """Any sweep, point by point: the simulated failures per million with their interval
    against the analytic value (diamonds), log scale. For sweeps that are not chains of
    identical parts, where essay_curves has no curve to draw."""
    p = sweep.points
    done = p[p["done"]]
    fig, ax = one_axes(ax, figsize)
    style(ax)
    d = 1e6 * (1 - done["reliability_empirical"].to_numpy(dtype=np.float64))
    d_low = 1e6 * (1 - done["ci_high"].to_numpy(dtype=np.float64))
    d_high = 1e6 * (1 - done["ci_low"].to_numpy(dtype=np.float64))
    x = done["point"].to_numpy()
    seen = d > 0
    ax.errorbar(x[seen], d[seen], yerr=[(d - d_low)[seen].clip(0), (d_high - d)[seen].clip(0)],
                fmt="o", color=PALETTE["observed"], markersize=5, capsize=3, zorder=3,
                label=f"simulated ({sweep.metadata.ci_level:.0%} Wilson interval)")
    if (~seen).any():
        ax.plot(x[~seen], d_high[~seen], linestyle="none", marker="v", markerfacecolor="white",
                markeredgecolor=PALETTE["observed"], label="no failures: upper bound")
    analytic_d = 1e6 * (1 - p["reliability_analytic"].to_numpy(dtype=np.float64))
    shown = analytic_d > 0
    ax.plot(p["point"].to_numpy()[shown], analytic_d[shown], linestyle="none", marker="_",
            markersize=22, markeredgewidth=2.2, color=PALETTE["expected"], zorder=2,
            label="analytic")
    values = np.concatenate([analytic_d[shown], d_low[seen], d_high[seen]])
    values = values[values > 0]
    if values.size and values.max() / values.min() > 20:
        ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1
                                               else f"{v:g}"))
    ax.set_xlabel("point")
    ax.set_ylabel("failed requests per million (DPMO)")
    if len(p) <= 40:
        labels = [", ".join(_short_value(row[q]) for q in sweep.parameters) +
                  (f" #{row['replication']}" if sweep.metadata.replications > 1 else "")
                  for _, row in p.iterrows()]
        ax.set_xticks(p["point"].to_numpy(), labels, rotation=35, ha="right", fontsize=8)
    ax.legend(loc="best", fontsize=9, frameon=True, framealpha=0.9)
    ax.set_title(f"Simulated against analytic, point by point — {sweep.metadata.sweep_name}",
                 loc="left", fontweight="bold")
    return fig


def _short_value(v) -> str:
    if isinstance(v, (float, np.floating)) and 0 < v < 1:
        return percent_label(float(v))
    if isinstance(v, (int, np.integer)) and v >= 10 ** 6:
        return f"{v:.3g}"
    return str(v)
