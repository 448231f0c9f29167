"""The pictures of a run. Each function returns a matplotlib Figure built with the object API
(no pyplot state, no show()), so they work under any backend, headless included.

    pareto(run)       failures per component, worst first, against the model's expectation
                      (structure runs: primary culprits, for the mix or one request kind)
    convergence(run)  the running reliability estimate closing in on the analytic value
    essay_curves()    the essay's picture: effective reliability against component count,
                      with simulated points from a DataFrame or a sweep
    sweep_z(sweep)    every point's z inside the ±5 band, and their histogram against N(0, 1)
    sweep_points(sweep)  any sweep point by point: simulated DPMO with interval vs analytic
    importance(run)   structure runs: components (and common causes) ranked by improvement
                      potential, with simulated intervals, Birnbaum, RAW and RRW
    kind_reliability(run)  structure runs: each request kind and the mix, simulated with its
                      interval against the exact analytic value
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from . import analytic
from . import formatting as fmt

__all__ = ["pareto", "convergence", "essay_curves", "sweep_z", "sweep_points", "importance",
           "kind_reliability",
           "ESSAY_RELIABILITIES", "PALETTE"]

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
    "common_cause": "#8e44ad",
    "mix": "#1b2f45",
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


def _is_structure(run) -> bool:
    return hasattr(run, "culprits") and hasattr(run, "kinds")


def _components_of(run_or_frame, kind=None) -> tuple[pd.DataFrame, int, float, str, bool]:
    """(frame with name / failures / expected_failures, requests, level, title, structure)."""
    if isinstance(run_or_frame, pd.DataFrame):
        frame = run_or_frame
        structure = "culprit_failures" in frame.columns
        if structure:
            frame = frame.rename(columns={"culprit_failures": "failures",
                                          "expected_culprit_failures": "expected_failures"})
        requests = int(frame.attrs.get("requests", 0)) or None
        return frame, requests, float(frame.attrs.get("ci_level", 0.95)), "", structure
    run = run_or_frame
    if _is_structure(run):
        frame = run.culprits(kind).rename(columns={
            "culprit_failures": "failures", "expected_culprit_failures": "expected_failures"})
        title = run.metadata.scenario_name + (f", {kind} requests" if kind is not None else "")
        return frame, int(frame.attrs["requests"]), run.summary.ci_level, title, True
    if kind is not None:
        raise ValueError("kind= needs a structure run (format_version 2)")
    return (run.components, run.metadata.requests, run.summary.ci_level,
            run.metadata.scenario_name, False)


def pareto(run, *, kind=None, ci_level: float | None = None, min_expected: float | None = None,
           max_bars: int = 24, figsize=(9, 4.8)) -> Figure:
    """Failures attributed to each component (the first one to fail on the request's path),
    sorted worst first, with the model's expected counts as markers, Wilson intervals as error
    bars and the cumulative share of all failures as a line on the right axis.

    `run` is a Run, a StructureRun, or a components DataFrame with frame.attrs["requests"]
    set. For a structure run the counts are primary culprits (the first component in path
    order whose failure breaks the structure), for the mix or for one request `kind` (name or
    index). Components that never failed and were expected to fail fewer than `min_expected`
    times are left out (default: 0.05 for structure runs, where idle replicas are many; none
    for chains), and at most `max_bars` bars are drawn; a note says what was left out.
    """
    frame, requests, level, title, structure = _components_of(run, kind)
    level = level if ci_level is None else ci_level
    order = frame.sort_values(["failures", "expected_failures"], ascending=False,
                              kind="mergesort")
    if min_expected is None:
        min_expected = 0.05 if structure else None
    hidden = 0
    if min_expected is not None:
        keep = (order["failures"] > 0) | (order["expected_failures"] >= min_expected)
        hidden = int((~keep).sum())
        order = order[keep]
    if len(order) > max_bars:
        hidden += len(order) - max_bars
        order = order.iloc[:max_bars]
    observed = order["failures"].to_numpy(dtype=np.int64)
    expected = order["expected_failures"].to_numpy(dtype=np.float64)
    x = np.arange(len(order))
    many = len(order) > 5

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
    ax.set_xticks(x, order["name"].tolist(), rotation=30 if many else 0,
                  ha="right" if many else "center")
    ax.set_ylabel("failed requests (primary culprit)" if structure
                  else "failed requests (first failing component)")
    ax.set_ylim(bottom=0)
    if len(order) == 0 or max(observed.max(initial=0), expected.max(initial=0)) == 0:
        ax.set_ylim(0, 1)
        ax.text(0.5, 0.5, "no failed requests", transform=ax.transAxes, ha="center",
                va="center", color=PALETTE["cumulative"])
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
              many else -0.12), ncol=4, frameon=False, fontsize=9)
    ax.set_title(("Primary culprits" if structure else "Where requests fail") +
                 (f" — {title}" if title else ""), loc="left", fontweight="bold")
    if hidden:
        ax.text(1.0, 1.01, f"{hidden} component{'s' if hidden != 1 else ''} with no failures "
                f"and < {min_expected:g} expected not shown" if min_expected is not None
                else f"{hidden} more not shown", transform=ax.transAxes, ha="right",
                va="bottom", fontsize=8, color=PALETTE["cumulative"])
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
    exact = "exact (BDD)" if _is_structure(run) else "∏ rₖ"
    ax.axhline(analytic_r, color=PALETTE["analytic"], linestyle="--", linewidth=1.4,
               label=f"analytic {exact} = {analytic_r:.6g}")
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
                 figsize=(12, 5)) -> Figure:
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


# --- sweeps ------------------------------------------------------------------------------------

def sweep_z(sweep, *, limit: float | None = None, figsize=(12, 4.6)) -> Figure:
    """The sanity check of a sweep: every finished point's z (simulated against analytic
    reliability), in point order, inside the ±5 band the engine checks the whole sweep against
    (the dotted lines are the per-point verdict's |z| = 3.29, p = 0.001), and next to it the
    histogram of the z-scores over the standard normal density they should follow when the
    points are independent (seeds: per-point). Points beyond the band are drawn in red and
    named."""
    from .sweep import SWEEP_Z_LIMIT
    limit = SWEEP_Z_LIMIT if limit is None else float(limit)
    done = sweep.done_points
    z = done["z_score"].to_numpy(dtype=np.float64)
    x = done["point"].to_numpy()
    finite = np.isfinite(z)
    per_point = analytic.two_sided_normal_quantile(1 - analytic.VERDICT_ALPHA)

    fig = Figure(figsize=figsize, layout="constrained")
    ax, hist = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.6, 1]}, sharey=True)
    for a in (ax, hist):
        _style(a)
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


def sweep_points(sweep, *, figsize=(12, 4.6)) -> Figure:
    """Any sweep, point by point: the simulated failures per million with their interval
    against the analytic value (diamonds), log scale. For sweeps that are not chains of
    identical parts, where essay_curves has no curve to draw."""
    p = sweep.points
    done = p[p["done"]]
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    _style(ax)
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
        return _percent_label(float(v))
    if isinstance(v, (int, np.integer)) and v >= 10 ** 6:
        return f"{v:.3g}"
    return str(v)


# --- structure runs ----------------------------------------------------------------------------

def _log_floor(values, default: float = 1e-3) -> float:
    """A power of ten a little below the smallest positive value: where log-axis bars start."""
    values = np.asarray(values, dtype=np.float64)
    positive = values[np.isfinite(values) & (values > 0)]
    if not positive.size:
        return default
    return 10.0 ** (np.floor(np.log10(positive.min())) - 0.3)


def importance_ranking(run, *, common_cause: bool = True) -> pd.DataFrame:
    """Components (and, with common_cause=True, common-cause events) in one table ranked by
    analytic improvement potential: columns element ("component" or "common cause"), name,
    the analytic measures and, for components, the simulated ones with their intervals."""
    parts = [run.importance.assign(element="component")]
    if common_cause and len(run.common_cause_importance):
        parts.append(run.common_cause_importance.assign(element="common cause"))
    table = pd.concat([p.drop(columns=["rank", "declaration"], errors="ignore")
                       for p in parts], ignore_index=True)
    table = table.sort_values("improvement_potential", ascending=False, kind="mergesort")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table.reset_index(drop=True)


def importance(run, *, top: int = 16, common_cause: bool = True, figsize=None) -> Figure:
    """What to fix first: components (and common-cause events) ranked by improvement potential,
    the reliability gained if the element never failed, in failed requests per million (DPMO)
    removed. Bars are the exact values, dots with whiskers the simulated estimates and their
    intervals (components only; the engine estimates them from counterfactual counts). The
    middle panel shows the Birnbaum importance (how often the element is critical), the right
    one RAW (how much worse the service gets if the element always fails) and RRW (how much
    better if it never does), both as factors on a log scale.

    Structure runs only. `top` limits the rows to the highest-ranked ones.
    """
    if not _is_structure(run):
        raise TypeError("importance() needs a structure run (format_version 2)")
    table = importance_ranking(run, common_cause=common_cause).head(top)
    n = len(table)
    figsize = figsize or (12, 1.6 + 0.34 * max(n, 3))
    fig = Figure(figsize=figsize, layout="constrained")
    ax, birnbaum, worth = fig.subplots(1, 3, sharey=True,
                                       gridspec_kw={"width_ratios": [2.3, 1, 1.3]})
    for a in (ax, birnbaum, worth):
        _style(a)
    y = np.arange(n)
    is_event = (table["element"] == "common cause").to_numpy()
    colours = np.where(is_event, PALETTE["common_cause"], PALETTE["observed"])
    ip = 1e6 * table["improvement_potential"].to_numpy(dtype=np.float64)
    sim_cols = ("improvement_potential_simulated", "improvement_potential_simulated_low",
                "improvement_potential_simulated_high")
    has_sim = all(c in table for c in sim_cols)
    if has_sim:
        sim, sim_low, sim_high = (1e6 * table[c].to_numpy(dtype=np.float64) for c in sim_cols)
    else:
        sim = sim_low = sim_high = np.full(n, np.nan)
    every = np.concatenate([ip, sim[np.isfinite(sim)], sim_high[np.isfinite(sim_high)]])
    positive = every[every > 0]
    log = positive.size > 0 and positive.max() / positive.min() > 1e3
    if log:
        floor = _log_floor(every)
        ax.set_xscale("log")
        widths = np.where(ip > floor, ip - floor, 0.0)
        ax.barh(y, widths, left=floor, color=colours, height=0.62, zorder=2)
    else:
        floor = 0.0
        ax.barh(y, ip, color=colours, height=0.62, zorder=2)
    if has_sim:
        rows = np.flatnonzero(np.isfinite(sim_high))
        if rows.size:
            lows = np.maximum(sim_low[rows], floor if log else 0.0)
            ax.hlines(y[rows], lows, sim_high[rows], color="#3d4752", linewidth=1.1, zorder=3,
                      label="simulated, interval")
            ax.plot(sim_high[rows], y[rows], linestyle="none", marker="|", markersize=9,
                    color="#3d4752", zorder=3)
            shown = rows[sim[rows] > (floor if log else -1)]
            ax.plot(sim[shown], y[shown], linestyle="none", marker="o", markersize=5,
                    markerfacecolor=PALETTE["expected"], markeredgecolor="#111111", zorder=4,
                    label="simulated estimate")
    if log:
        ax.set_xlim(left=floor)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_yticks(y, table["name"].tolist())
    for label, event in zip(ax.get_yticklabels(), is_event):
        if event:
            label.set_color(PALETTE["common_cause"])
            label.set_fontstyle("italic")
    ax.invert_yaxis()
    ax.set_xlabel("improvement potential: failed requests per million removed if perfect"
                  + (" (log)" if log else ""))
    handles, labels = ax.get_legend_handles_labels()
    from matplotlib.patches import Patch
    handles = [Patch(color=PALETTE["observed"], label="component (exact)")] + \
        ([Patch(color=PALETTE["common_cause"], label="common cause (exact)")]
         if is_event.any() else []) + handles
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, -0.09 - 0.5 / max(n, 3)),
              ncol=2, fontsize=8, frameon=False)
    ax.set_title("What to fix first" + (f" — {run.metadata.scenario_name}"
                                         if run.metadata.scenario_name else ""),
                 loc="left", fontweight="bold")

    b = table["birnbaum"].to_numpy(dtype=np.float64)
    birnbaum.barh(y, b, color=colours, height=0.62, alpha=0.75, zorder=2)
    birnbaum.set_xlim(0, 1.02)
    birnbaum.xaxis.set_major_formatter(PercentFormatter(1.0))
    birnbaum.set_xlabel("Birnbaum: P(critical)")
    birnbaum.set_title("Birnbaum", loc="left", fontsize=10, fontweight="bold")
    birnbaum.tick_params(axis="y", left=False)

    raw = table["raw"].to_numpy(dtype=np.float64)
    rrw = table["rrw"].to_numpy(dtype=np.float64)
    finite = np.concatenate([raw[np.isfinite(raw)], rrw[np.isfinite(rrw)]])
    top_value = max(finite.max(initial=1.0), 10.0) * 3
    worth.set_xscale("log")
    worth.set_xlim(0.9, top_value)
    worth.hlines(y, 1, np.where(np.isfinite(raw), raw, top_value), color="#c7ced6",
                 linewidth=1, zorder=1)
    worth.plot(np.where(np.isfinite(raw), raw, top_value), y, linestyle="none", marker=">",
               markersize=7, color=PALETTE["analytic"], label="RAW = U(failed) / U", zorder=3)
    worth.plot(np.where(np.isfinite(rrw), rrw, top_value), y, linestyle="none", marker="o",
               markersize=6, color=PALETTE["band"], markeredgecolor=PALETTE["observed"],
               label="RRW = U / U(perfect)", zorder=4)
    for i in np.flatnonzero(~np.isfinite(rrw) & ~np.isnan(rrw)):
        worth.annotate("RRW ∞", (top_value, y[i]), xytext=(-4, 0), textcoords="offset points",
                       ha="right", va="center", fontsize=7, color=PALETTE["observed"])
    worth.axvline(1, color="#777777", linewidth=0.8)
    worth.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}×"))
    worth.set_xlabel("worth factor (log)")
    worth.set_title("RAW / RRW", loc="left", fontsize=10, fontweight="bold")
    worth.legend(loc="upper left", bbox_to_anchor=(0.0, -0.09 - 0.5 / max(n, 3)), ncol=1,
                 fontsize=8, frameon=False)
    worth.tick_params(axis="y", left=False)
    return fig


def kind_reliability(run, *, figsize=None) -> Figure:
    """Each request kind and the mix: the simulated unreliability (failed requests per
    million, log scale) with its Wilson interval against the exact analytic value. A kind with
    no failures shows only the interval's upper end (the simulation bounds it from above).
    The right margin repeats each reliability as a percentage.

    Structure runs only.
    """
    if not _is_structure(run):
        raise TypeError("kind_reliability() needs a structure run (format_version 2)")
    kinds = run.kinds
    s = run.summary
    names = [f"{n} ({share:.0%})" for n, share in zip(kinds["name"], kinds["traffic_share"])]
    names.append("mix (all requests)")
    requests = np.append(kinds["requests"].to_numpy(np.int64), s.requests)
    failures = np.append(kinds["failures"].to_numpy(np.int64), s.failures)
    u_emp = np.append(kinds["unreliability_empirical"].to_numpy(np.float64),
                      s.unreliability_empirical) * 1e6
    u_low = (1 - np.append(kinds["reliability_ci_high"].to_numpy(np.float64),
                           s.reliability_ci_high)) * 1e6
    u_high = (1 - np.append(kinds["reliability_ci_low"].to_numpy(np.float64),
                            s.reliability_ci_low)) * 1e6
    u_ana = np.append(kinds["unreliability_analytic"].to_numpy(np.float64),
                      s.unreliability_analytic) * 1e6
    r_emp = np.append(kinds["reliability_empirical"].to_numpy(np.float64),
                      s.reliability_empirical)
    r_ana = np.append(kinds["reliability_analytic"].to_numpy(np.float64),
                      s.reliability_analytic)
    n = len(names)
    y = np.arange(n)
    figsize = figsize or (11, 1.5 + 0.55 * max(n, 2))
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    _style(ax)
    ax.set_xscale("log")
    floor = _log_floor(np.concatenate([u_emp, u_low, u_high, u_ana]))
    ceiling = 10 ** np.ceil(np.log10(max(np.nanmax(np.concatenate([u_high, u_ana, [1.0]])),
                                         floor * 10)) + 0.2)
    ax.set_xlim(floor, min(ceiling, 2e6))
    colours = [PALETTE["observed"]] * (n - 1) + [PALETTE["mix"]]
    first, first_dot = True, True
    for i in range(n):
        if requests[i] == 0:
            ax.text(floor * 1.3, y[i], "no requests", va="center", fontsize=8,
                    color=PALETTE["cumulative"])
            continue
        low = max(u_low[i], floor)
        ax.hlines(y[i], low, u_high[i], color=colours[i], linewidth=2.2, zorder=2,
                  label=f"simulated, {s.ci_level:.0%} Wilson interval" if first else None)
        if failures[i] > 0:
            ax.plot([u_emp[i]], [y[i]], marker="o", markersize=6, color=colours[i],
                    markeredgecolor="white", zorder=5, linestyle="none",
                    label="simulated" if first_dot else None)
            first_dot = False
        else:
            ax.plot([u_high[i]], [y[i]], marker="<", markersize=8, color=colours[i], zorder=3,
                    linestyle="none")
            ax.annotate("0 failed", (u_high[i], y[i]), xytext=(6, 6),
                        textcoords="offset points", fontsize=8, color=colours[i])
        first = False
    shown = u_ana > 0
    ax.plot(u_ana[shown], y[shown], marker="D", markersize=11, linestyle="none",
            markerfacecolor="none", markeredgecolor=PALETTE["expected"], markeredgewidth=2,
            zorder=4, label="analytic (exact)")
    ax.set_yticks(y, names)
    ax.get_yticklabels()[-1].set_fontweight("bold")
    ax.axhline(n - 1.5, color="#b0b8c1", linewidth=0.8)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
    ax.set_xlabel("failed requests per million (DPMO, log)")
    right = ax.secondary_yaxis("right")
    def describe(i: int) -> str:
        if not requests[i]:
            return "no requests"
        width = (u_high[i] - u_low[i]) / 1e6
        return (f"simulated {fmt.reliability_percent(r_emp[i], u_emp[i] / 1e6, width)}\n"
                f"exact {fmt.reliability_percent(r_ana[i], u_ana[i] / 1e6)}")
    right.set_yticks(y, [describe(i) for i in range(n)])
    right.tick_params(axis="y", length=0, labelsize=8, labelcolor=PALETTE["cumulative"])
    for side in ("right",):
        right.spines[side].set_visible(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22 if n > 2 else -0.3), ncol=3,
              frameon=False, fontsize=9)
    ax.set_title("Reliability per request kind" + (f" — {run.metadata.scenario_name}"
                                                    if run.metadata.scenario_name else ""),
                 loc="left", fontweight="bold")
    return fig
