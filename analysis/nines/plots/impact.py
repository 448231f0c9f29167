"""The service-impact chart: per component, its share of the service's failed requests and its
improvement potential, in the order of nines.impact_table (most important on top)."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from ..readers.impact import impact_table
from .style import PALETTE, log_floor, panel_axes, style

__all__ = ["impact"]


def exact_source_of(table) -> np.ndarray:
    return (table["improvement_potential_source"] == "exact").to_numpy()


def impact(run_or_table, *, top: int = 24, figsize=None, ax=None) -> Figure:
    """Two panels for the components of nines.impact_table (a run, or the table itself), most
    important on top: the share of the service's failed requests attributed to each (bars;
    whiskers: the interval, where the file gives one; diamonds: the model's share), and the
    improvement potential, the failed requests per million that would go away if the
    component never failed (bars: the exact value, or the simulated one where there is no
    exact value, with its interval where there is one; dots with whiskers: the simulated
    estimate of an exact value and its interval). Common-cause events are purple. `top`
    limits the rows."""
    table = run_or_table if hasattr(run_or_table, "columns") and \
        "improvement_potential" in getattr(run_or_table, "columns", ()) \
        else impact_table(run_or_table)
    table = table.head(top)
    n = len(table)
    figsize = figsize or (11, 1.4 + 0.32 * max(n, 3))
    fig, (share_ax, ip_ax) = panel_axes(ax, figsize, 2, "impact", sharey=True)
    for a in (share_ax, ip_ax):
        style(a)
    y = np.arange(n)
    share = table["failure_share"].to_numpy(np.float64)
    low = table["failure_share_low"].to_numpy(np.float64)
    high = table["failure_share_high"].to_numpy(np.float64)
    event = (table["element"] != "component").to_numpy() if "element" in table \
        else np.zeros(n, dtype=bool)
    share_ax.barh(y, np.nan_to_num(share), height=0.6,
                  color=np.where(event, PALETTE["common_cause"], PALETTE["observed"]))
    handles = [Patch(color=PALETTE["observed"], label="simulated share")]
    if event.any():
        handles.append(Patch(color=PALETTE["common_cause"], label="common-cause event"))
    has = np.isfinite(low) & np.isfinite(high)
    if has.any():
        handles.append(share_ax.errorbar(
            share[has], y[has], xerr=[share[has] - low[has], high[has] - share[has]],
            fmt="none", ecolor=PALETTE["cumulative"], capsize=2, lw=1, label="interval"))
    exact = table["failure_share_exact"].to_numpy(np.float64)
    if np.isfinite(exact).any():
        handles += share_ax.plot(exact, y, "D", color=PALETTE["expected"], ms=4,
                                 label="model's share")
    share_ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    share_ax.set_xlabel("share of the service's failed requests")
    share_ax.set_yticks(y, [f"{r}. {c}" for r, c in zip(table["rank"], table["component"])])
    share_ax.invert_yaxis()
    share_ax.legend(handles=handles, loc="lower right", fontsize=8, frameon=False)

    ip = 1e6 * table["improvement_potential"].to_numpy(np.float64)
    sim = 1e6 * table["improvement_potential_simulated"].to_numpy(np.float64)
    sim_low = 1e6 * table["improvement_potential_low"].to_numpy(np.float64)
    sim_high = 1e6 * table["improvement_potential_high"].to_numpy(np.float64)
    values = np.concatenate([ip, sim[np.isfinite(sim)]])
    positive = values[np.isfinite(values) & (values > 0)]
    log = positive.size > 0 and positive.max() / positive.min() > 1e3
    colours = np.where(event, "#c9a9d9", PALETTE["band"])
    if log:
        floor = log_floor(positive)
        ip_ax.set_xscale("log")
        ip_ax.barh(y, np.where(ip > floor, ip - floor, 0), left=floor,
                   color=colours, height=0.6)
    else:
        ip_ax.barh(y, np.nan_to_num(ip), color=colours, height=0.6)
    # Where the value itself is simulated (time runs), its interval sits on the bar.
    own = ~exact_source_of(table) & np.isfinite(sim_low) & np.isfinite(sim_high)
    if own.any():
        ip_ax.errorbar(ip[own], y[own], xerr=[np.maximum(ip[own] - sim_low[own], 0),
                                              np.maximum(sim_high[own] - ip[own], 0)],
                       fmt="none", ecolor=PALETTE["cumulative"], capsize=2, lw=1,
                       label="interval")
    exact_source = exact_source_of(table)
    has = exact_source & np.isfinite(sim)
    if has.any():
        whiskers = np.isfinite(sim_low) & np.isfinite(sim_high) & has
        ip_ax.plot(sim[has], y[has], "o", color=PALETTE["observed"], ms=4, label="simulated")
        if whiskers.any():
            ip_ax.errorbar(sim[whiskers], y[whiskers],
                           xerr=[np.maximum(sim[whiskers] - sim_low[whiskers], 0),
                                 np.maximum(sim_high[whiskers] - sim[whiskers], 0)],
                           fmt="none", ecolor=PALETTE["observed"], capsize=2, lw=1)
    ip_ax.set_xlabel("improvement potential: failed requests per million removed"
                     + (" (log)" if log else ""))
    ip_ax.legend(handles=[Patch(color=PALETTE["band"], label="improvement potential"),
                          *ip_ax.get_legend_handles_labels()[0]],
                 loc="lower right", fontsize=8, frameon=False)
    return fig
