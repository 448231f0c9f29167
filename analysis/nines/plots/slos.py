"""Charts of a time run's SLOs as objects (/slos): the share of windows that met each SLO with
its interval, and the distribution of the error budget each window consumed."""
from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from .. import formatting as fmt
from .style import CURVES, PALETTE, one_axes, style

__all__ = ["slo_share_met", "slo_budget_consumed", "slo_label"]

# Points of each SLO's distribution curve: its quantiles at these levels (enough for a smooth
# curve whatever the number of windows).
_LEVELS = np.linspace(0, 1, 513)


def _need_slos(run, what: str) -> None:
    if not getattr(run, "has_slos", False):
        raise ValueError(f"{what}() needs a time run whose scenario declares SLOs as objects "
                         "(time.slos)")


def _percent(x: float) -> str:
    return f"{100 * x:.6f}".rstrip("0").rstrip(".") + "%"


def slo_label(o, *, lines: bool = False) -> str:
    """An SLO in words: "checkout: 99.9% of checkout requests, rolling 30 days" (with
    `lines`, the name on a line of its own)."""
    scope = "all requests" if o["scope"] == "mix" else f"{o['scope']} requests"
    if o["budgeting_method"] == "timeslices":
        what = (f"{_percent(o['target'])} of {fmt.duration(o['time_slice_window_seconds'])} "
                f"slices good (≥ {_percent(o['time_slice_target'])} of {scope})")
    else:
        what = f"{_percent(o['target'])} of {scope}"
    windows = "calendar months" if o["windows"] == "calendar-months" else \
        f"{o['windows']} {fmt.duration(o['window_seconds'])}"
    return f"{o['name']}{chr(10) if lines else ': '}{what}, {windows}"


def slo_share_met(run, *, figsize=None, ax=None) -> Figure:
    """One horizontal bar per SLO: the share of its windows that met it over all histories,
    with its interval over histories as an error bar, and P(a history's first window meets
    it) as a diamond with its (Wilson) interval. SLOs without a whole window in the horizon
    are listed without a bar."""
    _need_slos(run, "slo_share_met")
    table = run.slo_objectives()
    n = len(table)
    fig, ax = one_axes(ax, figsize or (10, 1.4 + 0.8 * n))
    style(ax)
    ax.grid(axis="y", visible=False)
    y = np.arange(n)[::-1]
    for i, (_, o) in enumerate(table.iterrows()):
        colour = CURVES[i % len(CURVES)]
        share = o["share_met"]
        if math.isnan(share):
            ax.text(0.01, y[i], "no whole window in the horizon", va="center", fontsize=9,
                    color=PALETTE["cumulative"])
            continue
        ax.barh(y[i], share, height=0.55, color=colour, alpha=0.85, zorder=2)
        ax.errorbar(share, y[i], xerr=[[share - o["share_met_low"]],
                                       [o["share_met_high"] - share]],
                    color="black", capsize=4, linewidth=1.2, zorder=3)
        first = o["first_window_met"]
        ax.errorbar(first, y[i] - 0.36, xerr=[[first - o["first_window_met_low"]],
                                              [o["first_window_met_high"] - first]],
                    fmt="D", markersize=5, color=PALETTE["mix"], capsize=3, linewidth=1,
                    zorder=4, label="P(first window meets it)" if i == 0 else None)
        ax.annotate(f"{100 * share:.1f}%", (min(share, 1.0), y[i]), xytext=(6, 4),
                    textcoords="offset points", fontsize=9, fontweight="bold")
    ax.set_yticks(y, [slo_label(o, lines=True) for _, o in table.iterrows()], fontsize=8.5)
    ax.set_xlim(0, 1.08)
    ax.set_ylim(-0.8, n - 0.4)
    ax.xaxis.set_major_formatter(lambda x, _: f"{100 * x:.0f}%")
    ax.set_xlabel("share of windows that met the SLO, with its interval over histories")
    if n:
        ax.legend(loc="lower right", fontsize=8, frameon=True, framealpha=0.9)
    ax.set_title("SLOs: windows that met them", loc="left", fontweight="bold")
    return fig


def slo_budget_consumed(run, slos=None, *, figsize=(10, 4.8), ax=None) -> Figure:
    """The distribution of the error budget consumed per window, one curve per SLO (`slos`:
    a list of indices or names, default all): the share of windows (over every history) that
    consumed at most x of their budget, x on a scale linear up to 1% and logarithmic above.
    The dashed vertical line is the whole budget (100%): where a curve crosses it is the SLO's
    share of windows met. --record outages or requests."""
    _need_slos(run, "slo_budget_consumed")
    table = run.slo_objectives()
    chosen = list(range(len(table))) if slos is None else \
        [s if not isinstance(s, str) else list(table["name"]).index(s) for s in slos]
    fig, ax = one_axes(ax, figsize)
    style(ax)
    top = 1.0
    empty = []
    for i in chosen:
        o = table.iloc[i]
        values = run.slo_budget_consumed(i)
        values = values[~np.isnan(values)]
        if not values.size:
            empty.append(o["name"])
            continue
        x = np.quantile(values, _LEVELS)
        top = max(top, float(x[-1]))
        met = float(np.mean(values <= 1))
        ax.step(100 * x, _LEVELS, where="post", color=CURVES[i % len(CURVES)], linewidth=1.8,
                zorder=3, label=f"{o['name']} (p50 {100 * np.median(values):.3g}%, met "
                f"{100 * met:.1f}%)")
    ax.axvline(100, color=PALETTE["analytic"], linestyle="--", linewidth=1.4, zorder=2,
               label="the whole budget (100%)")
    ax.set_xscale("symlog", linthresh=1, linscale=0.5)
    ax.set_xlim(0, 100 * top * 1.5)
    ax.set_ylim(0, 1.02)
    ax.xaxis.set_major_formatter(lambda x, _: f"{x:g}%")
    ax.yaxis.set_major_formatter(lambda y, _: f"{100 * y:.0f}%")
    ax.set_xlabel("error budget consumed in the window (bad / ((1 − target) × total))")
    ax.set_ylabel("share of windows consuming at most that")
    ax.legend(loc="lower right", fontsize=8, frameon=True, framealpha=0.9)
    title = "SLOs: error budget consumed per window"
    if empty:
        title += f"\n(no windows with events: {', '.join(empty)})"
    ax.set_title(title, loc="left", fontweight="bold")
    return fig
