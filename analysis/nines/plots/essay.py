"""The essay's picture: effective reliability against the number of parts, with simulated
points from a sweep or a DataFrame."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ..stats import analytic
from .style import CURVES, one_axes, panel_axes, percent_label, style

__all__ = ["essay_curves", "ESSAY_RELIABILITIES"]

# Per-component reliabilities of the essay's spreadsheet, plus the Six Sigma part quality
# (3.4 defects per million: 99.99966%).
ESSAY_RELIABILITIES = (0.90, 0.99, 0.999, 0.9999, 0.99999, 0.9999966)


def _simulated_frame(simulated) -> pd.DataFrame | None:
    """essay_curves' simulated points from a DataFrame or a Sweep (its finished points)."""
    if simulated is None or isinstance(simulated, pd.DataFrame):
        return simulated
    if hasattr(simulated, "identical_parts"):
        frame = simulated.identical_parts()
        if frame is None:
            raise ValueError(
                f"the sweep {simulated.metadata.sweep_name!r} does not vary chains of identical "
                "parts (chain.count / chain.reliability, or components[*].reliability): "
                "essay_curves has no curve to put its points on")
        return frame[frame["done"]]
    raise TypeError("simulated must be a DataFrame or a nines.Sweep")


def essay_curves(simulated=None, *, reliabilities: Sequence[float] = ESSAY_RELIABILITIES,
                 max_components: int | None = None,
                 highlight: tuple[int, float, str] | None = None, log_panel: bool = True,
                 figsize=(12, 5), ax=None) -> Figure:
    """Effective reliability r^n of a chain of n components that each work with probability r,
    for n = 1..max_components and each r: the essay's point that more parts mean more failure.

    `simulated` (optional) overlays simulated services: a nines.Sweep of identical parts (the
    essay's spreadsheet, scenarios/seed-spreadsheet.sweep.yaml, or any sweep of chain.count,
    chain.reliability or components[*].reliability), or a DataFrame with columns n_components,
    component_reliability, reliability_empirical, ci_low, ci_high. Simulated reliabilities
    missing from `reliabilities` get curves of their own; max_components (default 100) grows to
    the largest simulated chain. `highlight` marks one service, e.g. (8, 0.9227, "seed-app").
    `log_panel` adds a second panel with the unreliability in failures per million on a log
    scale, where the curves of highly reliable parts, all near 100% on the first panel,
    separate; simulated points without failures are drawn there as open triangles at the upper
    end of their interval.
    """
    simulated = _simulated_frame(simulated)
    if simulated is not None and len(simulated):
        required = {"n_components", "component_reliability", "reliability_empirical", "ci_low",
                    "ci_high"}
        missing = required - set(simulated.columns)
        if missing:
            raise ValueError(f"simulated lacks the columns {sorted(missing)}")
        known = {float(r) for r in reliabilities}
        extra = sorted({float(r) for r in simulated["component_reliability"]} - known)
        reliabilities = sorted(known | set(extra))
        largest = int(simulated["n_components"].max())
    else:
        largest = 0
    if max_components is None:
        max_components = max(100, largest)
    counts = np.arange(1, max_components + 1)
    if log_panel:
        fig, (ax, right) = panel_axes(ax, figsize, 2, "essay_curves", optional_side=True,
                                      gridspec_kw={"width_ratios": [1.15, 1]})
    else:
        fig, ax = one_axes(ax, figsize)
        right = None
    for a in (ax, right):
        if a is not None:
            style(a)
    colours = {}
    for i, r in enumerate(reliabilities):
        colour = CURVES[i % len(CURVES)]
        colours[float(r)] = colour
        label = f"each part {percent_label(r)}"
        ax.plot(counts, [analytic.chain_reliability([r] * int(k)) for k in counts], color=colour,
                linewidth=2, label=label)
        if right is not None:
            right.plot(counts, [analytic.dpmo_of(analytic.chain_unreliability([r] * int(k)))
                                for k in counts], color=colour, linewidth=2, label=label)
    if simulated is not None and len(simulated):
        many = len(simulated) > 60  # a whole spreadsheet: smaller markers
        size, cap = (3.5, 1.5) if many else (6, 3)
        first, first_zero = True, True
        for r, group in simulated.groupby("component_reliability"):
            colour = colours.get(float(r), "#333333")
            k = group["n_components"].to_numpy()
            y = group["reliability_empirical"].to_numpy(dtype=np.float64)
            lo = group["ci_low"].to_numpy(dtype=np.float64)
            hi = group["ci_high"].to_numpy(dtype=np.float64)
            label = "simulated (CI)" if first else None
            ax.errorbar(k, y, yerr=[np.maximum(y - lo, 0), np.maximum(hi - y, 0)], fmt="o",
                        color=colour, markeredgecolor="white", markeredgewidth=0.5,
                        markersize=size, capsize=cap, zorder=5, label=label)
            if right is not None:
                d = 1e6 * (1 - y)
                d_low, d_high = 1e6 * (1 - hi), 1e6 * (1 - lo)
                seen = d > 0
                right.errorbar(k[seen], d[seen], yerr=[(d - d_low)[seen].clip(0),
                                                       (d_high - d)[seen].clip(0)],
                               fmt="o", color=colour, markeredgecolor="white",
                               markeredgewidth=0.5, markersize=size, capsize=cap, zorder=5)
                if (~seen).any():  # no failures: only an upper bound on the failure rate
                    right.plot(k[~seen], d_high[~seen], linestyle="none", marker="v",
                               markersize=size + 1, markerfacecolor="white",
                               markeredgecolor=colour, zorder=5,
                               label="no failures: upper bound" if first_zero else None)
                    first_zero = False
            first = False
    if highlight is not None:
        k, value, label = highlight
        ax.plot([k], [value], marker="*", markersize=16, color="#111111", zorder=6,
                linestyle="none")
        ax.annotate(f"{label}: {k} parts → {value:.1%}", (k, value), xytext=(40, -45),
                    textcoords="offset points", fontsize=10, fontweight="bold",
                    arrowprops=dict(arrowstyle="-", color="#111111", lw=0.8))
        if right is not None and value < 1:
            right.plot([k], [1e6 * (1 - value)], marker="*", markersize=16, color="#111111",
                       zorder=6, linestyle="none")
    ax.set_xlim(0, max_components + 1)
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("components a request depends on")
    ax.set_ylabel("effective (service) reliability")
    ax.legend(loc="lower left", frameon=True, framealpha=0.92, fontsize=9)
    ax.set_title("More parts, more failure", loc="left", fontweight="bold")
    if right is not None:
        right.set_yscale("log")
        right.set_xlim(0, max_components + 1)
        right.set_ylim(1, 1.5e6)
        right.axhline(3.4, color="#777777", linestyle=":", linewidth=1)
        right.text(max_components, 3.4 * 1.25, "3.4 DPMO (six sigma)", ha="right", va="bottom",
                   fontsize=8, color="#555555")
        right.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1
                                                      else f"{v:g}"))
        right.set_xlabel("components a request depends on")
        right.set_ylabel("failed requests per million (DPMO, log)")
        right.set_title("The same, in failures per million", loc="left", fontweight="bold")
        if right.get_legend_handles_labels()[1]:
            right.legend(loc="lower right", frameon=True, framealpha=0.92, fontsize=8)
    return fig
