"""The pictures of a run. Each function returns a matplotlib Figure built with the object API
(no pyplot state, no show()), so they work under any backend, headless included.

    pareto(run)       failures per component, worst first, against the model's expectation
    convergence(run)  the running reliability estimate closing in on the analytic value
    essay_curves()    the essay's picture: effective reliability against component count
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from . import analytic

__all__ = ["pareto", "convergence", "essay_curves", "ESSAY_RELIABILITIES", "PALETTE"]

# Per-component reliabilities of the essay's spreadsheet, plus the Six Sigma part quality
# (3.4 defects per million: 99.99966%).
ESSAY_RELIABILITIES = (0.90, 0.99, 0.999, 0.9999, 0.99999, 0.9999966)

PALETTE = {
    "observed": "#2f5d8a",
    "expected": "#e07a1f",
    "band": "#9dbbd8",
    "analytic": "#c0392b",
    "cumulative": "#4a4a4a",
    "grid": "#e3e6ea",
}
_CURVES = ("#b03a2e", "#d4762c", "#c9a227", "#3f8f5a", "#2f6f9f", "#6a4c93")


def _style(ax) -> None:
    ax.grid(True, color=PALETTE["grid"], linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _percent_label(r: float) -> str:
    """0.9999966 -> '99.99966%', 0.9 -> '90%'."""
    text = f"{100 * r:.6f}".rstrip("0").rstrip(".")
    return text + "%"


def _components_of(run_or_frame) -> tuple[pd.DataFrame, int, float, str]:
    if isinstance(run_or_frame, pd.DataFrame):
        frame = run_or_frame
        requests = int(frame.attrs.get("requests", 0)) or None
        return frame, requests, float(frame.attrs.get("ci_level", 0.95)), ""
    run = run_or_frame
    return (run.components, run.metadata.requests, run.summary.ci_level,
            run.metadata.scenario_name)


def pareto(run, *, ci_level: float | None = None, figsize=(9, 4.8)) -> Figure:
    """Failures attributed to each component (the first one to fail on the request's path),
    sorted worst first, with the model's expected counts as markers, Wilson intervals as error
    bars and the cumulative share of all failures as a line on the right axis.

    `run` is a Run, or a components DataFrame with frame.attrs["requests"] set.
    """
    frame, requests, level, title = _components_of(run)
    level = level if ci_level is None else ci_level
    order = frame.sort_values(["failures", "expected_failures"], ascending=False,
                              kind="mergesort")
    observed = order["failures"].to_numpy(dtype=np.int64)
    expected = order["expected_failures"].to_numpy(dtype=np.float64)
    x = np.arange(len(order))

    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    _style(ax)
    ax.bar(x, observed, color=PALETTE["observed"], width=0.7, label="observed failures",
                  zorder=2)
    if requests:
        # Wilson interval of each component's share of all requests, scaled to counts: with
        # counts this small relative to the requests it is the Poisson interval in effect.
        low, high = [], []
        for k in observed:
            interval = analytic.wilson_interval(int(k), requests, level)
            low.append(k - interval.low * requests)
            high.append(interval.high * requests - k)
        ax.errorbar(x, observed, yerr=[np.maximum(low, 0), np.maximum(high, 0)], fmt="none",
                    ecolor="#1b2f45", elinewidth=1.2, capsize=4, zorder=3,
                    label=f"{level:.0%} Wilson interval")
    ax.plot(x, expected, linestyle="none", marker="D", markersize=7,
            markerfacecolor=PALETTE["expected"], markeredgecolor="white", zorder=4,
            label="expected (model)")
    ax.set_xticks(x, order["name"].tolist(), rotation=30 if len(order) > 5 else 0,
                  ha="right" if len(order) > 5 else "center")
    ax.set_ylabel("failed requests (first failing component)")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))

    share = ax.twinx()
    total = observed.sum()
    cumulative = np.cumsum(observed) / total if total > 0 else np.zeros(len(observed))
    share.plot(x, cumulative, color=PALETTE["cumulative"], marker="o", markersize=4,
               linewidth=1.5, label="cumulative share", zorder=5)
    share.set_ylim(0, 1.05)
    share.yaxis.set_major_formatter(PercentFormatter(1.0))
    share.set_ylabel("cumulative share of failures")
    share.spines["top"].set_visible(False)

    handles = ax.get_legend_handles_labels()[0] + share.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.25 if
              len(order) > 5 else -0.12), ncol=4, frameon=False, fontsize=9)
    ax.set_title("Where requests fail" + (f" — {title}" if title else ""), loc="left",
                 fontweight="bold")
    return fig


def geometric_points(requests: int, count: int = 300) -> np.ndarray:
    """About `count` request counts spaced evenly on a log scale from 1 to `requests`."""
    if requests < 1:
        raise ValueError("requests must be >= 1")
    return np.unique(np.geomspace(1, requests, num=count).round().astype(np.int64))


def convergence(run, *, points: int = 300, ci_level: float | None = None,
                figsize=(9, 4.8)) -> Figure:
    """The running estimate of the service reliability after n requests (log n), the analytic
    value as a line and the shrinking Wilson band around the estimate.

    Reads the per-request record (dense or failures) once, chunk by chunk, in bounded memory;
    a run recorded with --record none raises nines.RecordError.
    """
    level = run.summary.ci_level if ci_level is None else ci_level
    n = geometric_points(run.metadata.requests, points)
    failed = run.running_failures(n)
    estimate = 1.0 - failed / n
    bands = [analytic.wilson_interval(int(k - f), int(k), level) for k, f in zip(n, failed)]
    low = np.array([b.low for b in bands])
    high = np.array([b.high for b in bands])
    analytic_r = run.summary.reliability_analytic

    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    _style(ax)
    ax.fill_between(n, low, high, color=PALETTE["band"], alpha=0.6, linewidth=0,
                    label=f"{level:.0%} Wilson band")
    ax.plot(n, estimate, color=PALETTE["observed"], linewidth=1.6,
            label="simulated reliability so far")
    ax.axhline(analytic_r, color=PALETTE["analytic"], linestyle="--", linewidth=1.4,
               label=f"analytic ∏ rₖ = {analytic_r:.6g}")
    ax.set_xscale("log")
    ax.set_xlim(1, n[-1])
    ax.set_xlabel("requests simulated")
    ax.set_ylabel("service reliability")
    # Frame the part of the picture where the estimate has settled (the last 40% of the log
    # range, at least 100 requests), widened to include the analytic value; the first handful
    # of requests would otherwise stretch the axis from 0 to 1.
    settled = n >= min(max(100, n[-1] ** 0.6), n[-1])
    lo = min(low[settled].min(), analytic_r)
    hi = max(high[settled].max(), analytic_r)
    pad = max((hi - lo) * 0.08, 1e-12)
    ax.set_ylim(max(lo - pad, 0.0), min(hi + pad, 1.0) if hi < 1 else 1.0 + pad)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))  # decimals follow the visible range
    ax.legend(loc="lower right", frameon=True, framealpha=0.9, fontsize=9)
    ax.set_title("Convergence to the analytic reliability" +
                 (f" — {run.metadata.scenario_name}" if run.metadata.scenario_name else ""),
                 loc="left", fontweight="bold")
    return fig


def essay_curves(simulated: pd.DataFrame | None = None, *,
                 reliabilities: Sequence[float] = ESSAY_RELIABILITIES,
                 max_components: int = 100, highlight: tuple[int, float, str] | None = None,
                 log_panel: bool = True, figsize=(12, 5)) -> Figure:
    """Effective reliability r^n of a chain of n components that each work with probability r,
    for n = 1..max_components and each r: the essay's point that more parts mean more failure.

    `simulated` (optional) overlays simulated services: a DataFrame with columns n_components,
    component_reliability, reliability_empirical, ci_low, ci_high. `highlight` marks one
    service, e.g. (8, 0.9227, "seed-app"). `log_panel` adds a second panel with the
    unreliability in failures per million on a log scale, where the curves of highly reliable
    parts, all near 100% on the first panel, separate.
    """
    counts = np.arange(1, max_components + 1)
    fig = Figure(figsize=figsize, layout="constrained")
    if log_panel:
        ax, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
    else:
        ax, right = fig.add_subplot(), None
    for a in (ax, right):
        if a is not None:
            _style(a)
    colours = {}
    for i, r in enumerate(reliabilities):
        colour = _CURVES[i % len(_CURVES)]
        colours[float(r)] = colour
        label = f"each part {_percent_label(r)}"
        ax.plot(counts, [analytic.chain_reliability([r] * int(k)) for k in counts], color=colour,
                linewidth=2, label=label)
        if right is not None:
            right.plot(counts, [analytic.dpmo_of(analytic.chain_unreliability([r] * int(k)))
                                for k in counts], color=colour, linewidth=2, label=label)
    if simulated is not None and len(simulated):
        required = {"n_components", "component_reliability", "reliability_empirical", "ci_low",
                    "ci_high"}
        missing = required - set(simulated.columns)
        if missing:
            raise ValueError(f"simulated lacks the columns {sorted(missing)}")
        first = True
        for r, group in simulated.groupby("component_reliability"):
            colour = colours.get(float(r), "#333333")
            k = group["n_components"].to_numpy()
            y = group["reliability_empirical"].to_numpy()
            lo, hi = group["ci_low"].to_numpy(), group["ci_high"].to_numpy()
            label = "simulated (CI)" if first else None
            ax.errorbar(k, y, yerr=[y - lo, hi - y], fmt="o", color=colour,
                        markeredgecolor="white", markersize=6, capsize=3, zorder=5, label=label)
            if right is not None:
                d = 1e6 * (1 - y)
                right.errorbar(k, d, yerr=[d - 1e6 * (1 - hi), 1e6 * (1 - lo) - d], fmt="o",
                               color=colour, markeredgecolor="white", markersize=6, capsize=3,
                               zorder=5)
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
    return fig
