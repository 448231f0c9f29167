"""Charts of one run: where requests fail (pareto) and how the estimate converges."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ..stats import analytic
from .style import PALETTE, is_structure, one_axes, style

__all__ = ["pareto", "convergence", "geometric_points", "meaningful_start"]


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
    if is_structure(run):
        frame = run.culprits(kind).rename(columns={
            "culprit_failures": "failures", "expected_culprit_failures": "expected_failures"})
        title = run.metadata.scenario_name + (f", {kind} requests" if kind is not None else "")
        return frame, int(frame.attrs["requests"]), run.summary.ci_level, title, True
    if kind is not None:
        raise ValueError("kind= needs a structure run (format_version 2)")
    return (run.components, run.metadata.requests, run.summary.ci_level,
            run.metadata.scenario_name, False)


def pareto(run, *, kind=None, ci_level: float | None = None, min_expected: float | None = None,
           max_bars: int = 24, figsize=(9, 4.8), ax=None) -> Figure:
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

    fig, ax = one_axes(ax, figsize)
    style(ax)
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


def meaningful_start(requests: int, unreliability: float, level: float) -> int:
    """The first request count at which the running interval says something: where the model
    expects z^2 failures (z the two-sided quantile of `level`: 3.84 at 95%).

    Why z^2: with no failure among n requests the Wilson interval's upper bound on the
    unreliability is about z^2 / n, so before n = z^2 / u the interval is wider than the
    unreliability u it is meant to measure, whatever the run did; the early part of the curve is
    then the interval's own shape, not the run's. 1 when u is 0 (nothing to wait for) or when
    the whole run expects fewer than z^2 failures (then nothing is meaningful in this sense and
    the plot shows everything)."""
    z = analytic.two_sided_normal_quantile(level)
    if not unreliability > 0 or requests * unreliability < z * z:
        return 1
    return max(1, min(int(math.ceil(z * z / unreliability)), int(requests)))


def convergence(run, *, points: int = 300, ci_level: float | None = None, start="meaningful",
                figsize=(9, 4.8), ax=None) -> Figure:
    """The running estimate of the service reliability after n requests (log n), the analytic
    value as a line and the shrinking Wilson band around the estimate.

    The curve starts where the interval is meaningful (meaningful_start: where the model expects
    z^2 failures, about 3.84 at 95%), or at `start` requests when given a number (1: from the
    first request). Reads the per-request record (dense or failures) once, chunk by chunk, in
    bounded memory; a run recorded with --record none raises nines.RecordError.
    """
    level = run.summary.ci_level if ci_level is None else ci_level
    requests = int(run.metadata.requests)
    if start == "meaningful":
        first = meaningful_start(requests, run.summary.unreliability_analytic, level)
    else:
        first = int(start)
        if not 1 <= first <= requests:
            raise ValueError(f"start must lie in [1, {requests}] (the run's requests), "
                             f"got {start!r}")
    n = np.unique(np.geomspace(first, requests, num=points).round().astype(np.int64))
    failed = run.running_failures(n)
    estimate = 1.0 - failed / n
    bands = [analytic.wilson_interval(int(k - f), int(k), level) for k, f in zip(n, failed)]
    low = np.array([b.low for b in bands])
    high = np.array([b.high for b in bands])
    analytic_r = run.summary.reliability_analytic

    fig, ax = one_axes(ax, figsize)
    style(ax)
    ax.fill_between(n, low, high, color=PALETTE["band"], alpha=0.6, linewidth=0,
                    label=f"{level:.0%} Wilson band")
    ax.plot(n, estimate, color=PALETTE["observed"], linewidth=1.6,
            label="simulated reliability so far")
    exact = "exact (BDD)" if is_structure(run) else "∏ rₖ"
    ax.axhline(analytic_r, color=PALETTE["analytic"], linestyle="--", linewidth=1.4,
               label=f"analytic {exact} = {analytic_r:.6g}")
    ax.set_xscale("log")
    if n[0] < n[-1]:
        ax.set_xlim(n[0], n[-1])
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
