"""Charts of a structure run: what to fix first (importance) and each request kind's
reliability."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from .. import formatting as fmt
from ..readers.importance import RANKING_MEASURE, measure
from .style import PALETTE, is_structure, log_floor, one_axes, panel_axes, style

__all__ = ["importance", "importance_ranking", "kind_reliability"]


def importance_ranking(run, *, common_cause: bool = True) -> pd.DataFrame:
    """run.importance_ranking(): components (and, with common_cause=True, common-cause events)
    in one table ranked by analytic improvement potential (kept here for code written for
    nines 0.2)."""
    return run.importance_ranking(common_cause=common_cause)


def importance(run, *, top: int = 16, common_cause: bool = True, figsize=None, ax=None) -> Figure:
    """What to fix first: components (and common-cause events) ranked by improvement potential,
    the reliability gained if the element never failed, in failed requests per million (DPMO)
    removed. Bars are the exact values, dots with whiskers the simulated estimates and their
    intervals (components only; the engine estimates them from counterfactual counts). The
    middle panel shows the Birnbaum importance (how often the element is critical), the right
    one RAW (how much worse the service gets if the element always fails) and RRW (how much
    better if it never does), both as factors on a log scale.

    Structure runs only. `top` limits the rows to the highest-ranked ones.
    """
    if not is_structure(run):
        raise TypeError("importance() needs a structure run (format_version 2)")
    table = run.importance_ranking(common_cause=common_cause).head(top)
    ranking, birnbaum_m = measure(RANKING_MEASURE), measure("birnbaum")
    raw_m, rrw_m = measure("raw"), measure("rrw")
    n = len(table)
    figsize = figsize or (12, 1.6 + 0.34 * max(n, 3))
    fig, (ax, birnbaum, worth) = panel_axes(ax, figsize, 3, "importance", sharey=True,
                                            gridspec_kw={"width_ratios": [2.3, 1, 1.3]})
    for a in (ax, birnbaum, worth):
        style(a)
    y = np.arange(n)
    is_event = (table["element"] == "common cause").to_numpy()
    colours = np.where(is_event, PALETTE["common_cause"], PALETTE["observed"])
    ip = 1e6 * table[ranking.name].to_numpy(dtype=np.float64)
    sim_cols = ranking.columns()[1:]  # simulated value, low, high
    has_sim = ranking.simulated and all(c in table for c in sim_cols)
    if has_sim:
        sim, sim_low, sim_high = (1e6 * table[c].to_numpy(dtype=np.float64) for c in sim_cols)
    else:
        sim = sim_low = sim_high = np.full(n, np.nan)
    every = np.concatenate([ip, sim[np.isfinite(sim)], sim_high[np.isfinite(sim_high)]])
    positive = every[every > 0]
    log = positive.size > 0 and positive.max() / positive.min() > 1e3
    if log:
        floor = log_floor(every)
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
    ax.set_xlabel(f"{ranking.label}: failed requests per million removed if perfect"
                  + (" (log)" if log else ""))
    handles, labels = ax.get_legend_handles_labels()
    handles = [Patch(color=PALETTE["observed"], label="component (exact)")] + \
        ([Patch(color=PALETTE["common_cause"], label="common cause (exact)")]
         if is_event.any() else []) + handles
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, -0.09 - 0.5 / max(n, 3)),
              ncol=2, fontsize=8, frameon=False)
    ax.set_title("What to fix first" + (f" — {run.metadata.scenario_name}"
                                         if run.metadata.scenario_name else ""),
                 loc="left", fontweight="bold")

    b = table[birnbaum_m.name].to_numpy(dtype=np.float64)
    birnbaum.barh(y, b, color=colours, height=0.62, alpha=0.75, zorder=2)
    birnbaum.set_xlim(0, 1.02)
    birnbaum.xaxis.set_major_formatter(PercentFormatter(1.0))
    birnbaum.set_xlabel(f"{birnbaum_m.label}: P(critical)")
    birnbaum.set_title(birnbaum_m.label, loc="left", fontsize=10, fontweight="bold")
    birnbaum.tick_params(axis="y", left=False)

    raw = table[raw_m.name].to_numpy(dtype=np.float64)
    rrw = table[rrw_m.name].to_numpy(dtype=np.float64)
    finite = np.concatenate([raw[np.isfinite(raw)], rrw[np.isfinite(rrw)]])
    top_value = max(finite.max(initial=1.0), 10.0) * 3
    worth.set_xscale("log")
    worth.set_xlim(0.9, top_value)
    worth.hlines(y, 1, np.where(np.isfinite(raw), raw, top_value), color="#c7ced6",
                 linewidth=1, zorder=1)
    worth.plot(np.where(np.isfinite(raw), raw, top_value), y, linestyle="none", marker=">",
               markersize=7, color=PALETTE["analytic"], label=f"{raw_m.label} = U(failed) / U",
               zorder=3)
    worth.plot(np.where(np.isfinite(rrw), rrw, top_value), y, linestyle="none", marker="o",
               markersize=6, color=PALETTE["band"], markeredgecolor=PALETTE["observed"],
               label=f"{rrw_m.label} = U / U(perfect)", zorder=4)
    for i in np.flatnonzero(~np.isfinite(rrw) & ~np.isnan(rrw)):
        worth.annotate(f"{rrw_m.label} ∞", (top_value, y[i]), xytext=(-4, 0),
                       textcoords="offset points",
                       ha="right", va="center", fontsize=7, color=PALETTE["observed"])
    worth.axvline(1, color="#777777", linewidth=0.8)
    worth.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}×"))
    worth.set_xlabel("worth factor (log)")
    worth.set_title(f"{raw_m.label} / {rrw_m.label}", loc="left", fontsize=10,
                    fontweight="bold")
    worth.legend(loc="upper left", bbox_to_anchor=(0.0, -0.09 - 0.5 / max(n, 3)), ncol=1,
                 fontsize=8, frameon=False)
    worth.tick_params(axis="y", left=False)
    return fig


def kind_reliability(run, *, figsize=None, ax=None) -> Figure:
    """Each request kind and the mix: the simulated unreliability (failed requests per
    million, log scale) with its Wilson interval against the exact analytic value. A kind with
    no failures shows only the interval's upper end (the simulation bounds it from above).
    The right margin repeats each reliability as a percentage.

    Structure runs only.
    """
    if not is_structure(run):
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
    fig, ax = one_axes(ax, figsize)
    style(ax)
    ax.set_xscale("log")
    floor = log_floor(np.concatenate([u_emp, u_low, u_high, u_ana]))
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
