"""Charts of a time run (format_version 3, outages over time): one history's timeline, the
distribution of yearly downtime over histories, SLO attainment and the error budget by
component."""
from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ..readers.time_run import SECONDS_PER_YEAR
from .style import PALETTE, one_axes, panel_axes, style

__all__ = ["timeline", "downtime_distribution", "slo_attainment", "error_budget",
           "worst_history", "duration_unit", "TIME_COLOURS"]

DAY = 86400.0
TIME_COLOURS = {
    "undetected": "#f2b8a0",   # failed, nobody knows yet
    "waiting": "#e07a1f",      # detected, waiting for a repair crew
    "repair": "#b03a2e",       # being repaired
    "event": PALETTE["common_cause"],
    "met": "#3f8f5a",
    "missed": "#b3261e",
}


def _is_time_run(run) -> bool:
    return hasattr(run, "outages") and hasattr(run, "kind_histories")


def _need_time_run(run, what: str) -> None:
    if not _is_time_run(run):
        raise TypeError(f"{what}() needs a time run (format_version 3)")


def duration_unit(seconds) -> tuple[str, float]:
    """A unit for durations around `seconds` (a number or an array: its largest finite value):
    ("s", 1), ("min", 60), ("h", 3600) or ("days", 86400)."""
    values = np.asarray(seconds, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    top = float(values.max()) if values.size else 0.0
    for name, size, limit in (("s", 1.0, 120.0), ("min", 60.0, 120 * 60.0),
                              ("h", 3600.0, 72 * 3600.0)):
        if top < limit:
            return name, size
    return "days", DAY


def worst_history(run) -> int:
    """The history with the most downtime (the mix): the one whose timeline tells most."""
    downtime = run.histories(["downtime"])["downtime"].to_numpy()
    return int(np.nanargmax(downtime)) if downtime.size else 0


def timeline(run, history: int = 0, *, start_days: float | None = None,
             stop_days: float | None = None, figsize=None, ax=None) -> Figure:
    """One history's outages as a Gantt chart: a row per component that has outages and per
    common-cause event; each outage a bar from its start to its end, drawn light and hatched
    while it is not yet detected, orange while it waits for a repair crew, and solid while it
    is repaired; event occurrences in purple. A bar that reaches the right edge was still
    going on at the end of the horizon. `start_days` / `stop_days` clip the view (days from the
    history's start; default the whole horizon)."""
    _need_time_run(run, "timeline")
    m = run.metadata
    horizon = m.horizon_seconds
    lo = 0.0 if start_days is None else max(0.0, float(start_days) * DAY)
    hi = horizon if stop_days is None else min(horizon, float(stop_days) * DAY)
    if hi <= lo:
        raise ValueError("stop_days must be after start_days, inside the horizon")
    frame = run.outages(history=history)
    components, events = run.components(), run.events()
    rows = [("component", c, name) for c, name in enumerate(components["name"])
            if components["failure"].iat[c] or (frame["component"] == c).any()]
    rows += [("event", e, name) for e, name in enumerate(events["name"])]
    n = max(len(rows), 1)
    fig, ax = one_axes(ax, figsize or (11, 1.4 + 0.42 * n))
    style(ax)
    ax.grid(axis="y", visible=False)

    def bar(y, a, b, **kwargs):
        a, b = max(a, lo), min(b, hi)
        if b > a:
            ax.broken_barh([(a / DAY, (b - a) / DAY)], (y - 0.32, 0.64), **kwargs)

    def upto(value):
        return hi if not math.isfinite(value) else value

    for y, (element, index, _) in enumerate(rows):
        mine = frame[frame[element] == index]
        for _, o in mine.iterrows():
            start = o["start"]
            end = upto(o["end"])
            if element == "event":
                bar(y, start, end, facecolors=TIME_COLOURS["event"], edgecolor="none")
                continue
            detected = min(upto(o["detected"]), end)
            repair = min(max(upto(o["repair_start"]), detected), end)
            bar(y, start, detected, facecolors=TIME_COLOURS["undetected"],
                edgecolor=TIME_COLOURS["repair"], hatch="////", linewidth=0)
            bar(y, detected, repair, facecolors=TIME_COLOURS["waiting"], edgecolor="none")
            bar(y, repair, end, facecolors=TIME_COLOURS["repair"], edgecolor="none")
            if o["start"] >= lo and o["start"] <= hi and end - start < (hi - lo) / 400:
                # Too short to see as a bar: a tick marks it.
                ax.plot([start / DAY], [y], marker="|", markersize=12,
                        color=TIME_COLOURS["repair"])
    ax.set_yticks(range(len(rows)), [name for _, _, name in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(lo / DAY, hi / DAY)
    ax.set_xlabel("days from the start of the history")
    handles = [Patch(facecolor=TIME_COLOURS["undetected"], edgecolor=TIME_COLOURS["repair"],
                     hatch="////", linewidth=0, label="down, not yet detected"),
               Patch(facecolor=TIME_COLOURS["waiting"], label="detected, waiting for a crew"),
               Patch(facecolor=TIME_COLOURS["repair"], label="being repaired"),
               Patch(facecolor=TIME_COLOURS["event"], label="common-cause event")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14 if n > 3
              else -0.3), ncol=4, frameon=False, fontsize=9)
    downtime = run.histories(["downtime"], start=history, stop=history + 1)["downtime"]
    unit, size = duration_unit(downtime.to_numpy())
    ax.set_title(f"History {history}: {len(frame)} outages, service down "
                 f"{downtime.iat[0] / size:,.1f} {unit}" +
                 (f" — {m.scenario_name}" if m.scenario_name else ""), loc="left",
                 fontweight="bold")
    if not len(frame):
        ax.text(0.5, 0.5, "no outages in this history", transform=ax.transAxes, ha="center",
                va="center", color=PALETTE["cumulative"])
    return fig


def downtime_distribution(run, *, bins: int | None = None, figsize=(9, 4.6), ax=None) -> Figure:
    """The service's downtime per year over histories (the traffic-weighted mix of the request
    kinds' downtime): a histogram of the histories, the mean (solid) and the 5%, 50% and 95%
    quantiles (dashed) as the engine's summary states them, and, with an SLO, the downtime a
    year may have at the target (dotted)."""
    _need_time_run(run, "downtime_distribution")
    m = run.metadata
    per_year = run.histories(["downtime"])["downtime"].to_numpy() / m.horizon_years
    stats = run.metric("downtime_per_year")
    quantiles = {"5%": stats["p05"], "50%": stats["p50"], "95%": stats["p95"]}
    if not all(math.isfinite(v) for v in quantiles.values()):  # a file without the metric
        quantiles = dict(zip(quantiles, np.quantile(per_year, [0.05, 0.5, 0.95])))
    mean = stats["mean"] if math.isfinite(stats["mean"]) else float(per_year.mean())
    allowed = (1 - run.slo["target"]) * SECONDS_PER_YEAR if run.slo else None
    # The unit suits the bulk of the histories (the 95% quantile), not the odd outlier.
    unit, size = duration_unit([quantiles["95%"], mean, allowed or 0.0])

    fig, ax = one_axes(ax, figsize)
    style(ax)
    ax.hist(per_year / size, bins=bins or min(60, max(10, int(np.sqrt(per_year.size)))),
            color=PALETTE["band"], edgecolor=PALETTE["observed"], linewidth=0.6, zorder=2)
    ax.axvline(mean / size, color=PALETTE["observed"], linewidth=2, zorder=3,
               label=f"mean {mean / size:,.1f} {unit}")
    for label, value in quantiles.items():
        ax.axvline(value / size, color=PALETTE["cumulative"], linestyle="--", linewidth=1.2,
                   zorder=3)
        ax.text(value / size, 1.0, f" {label}", transform=ax.get_xaxis_transform(),
                ha="left", va="top", fontsize=8, color=PALETTE["cumulative"])
    ax.plot([], [], color=PALETTE["cumulative"], linestyle="--",
            label="5%, 50%, 95% of histories: " + ", ".join(
                f"{v / size:,.1f}" for v in quantiles.values()) + f" {unit}")
    if allowed is not None:
        ax.axvline(allowed / size, color=PALETTE["analytic"], linestyle=":", linewidth=1.8,
                   zorder=3, label=f"allowed at {100 * run.slo['target']:g}%: "
                   f"{allowed / size:,.1f} {unit}")
    ax.set_xlabel(f"service downtime per year ({unit})")
    ax.set_ylabel("histories")
    ax.set_xlim(left=0)
    ax.legend(loc="upper right", frameon=True, framealpha=0.9, fontsize=9)
    ax.set_title(f"Downtime per year over {m.histories:,} histories of "
                 f"{m.horizon_seconds / DAY:g} days" +
                 (f" — {m.scenario_name}" if m.scenario_name else ""), loc="left",
                 fontweight="bold")
    return fig


def slo_attainment(run, history: int | None = None, *, figsize=(12, 4.6), ax=None) -> Figure:
    """SLO attainment. Left: how many of its windows each history met (time-based, and
    request-based as an outline), with the share over all windows and its interval. Right: one
    history's downtime per window (default: the history that met fewest windows) against the
    budget the target allows, missed windows marked."""
    _need_time_run(run, "slo_attainment")
    slo = run.slo
    if not slo:
        raise ValueError("slo_attainment() needs a run whose scenario declares an SLO")
    m = run.metadata
    per_history = slo["windows_per_history"]
    h = run.histories(["windows_met_time", "windows_met_requests"])
    met_time = h["windows_met_time"].to_numpy() / per_history
    met_requests = h["windows_met_requests"].to_numpy() / per_history
    if history is None:
        history = int(np.argmin(met_time)) if met_time.size else 0
    windows = run.windows(history=history)

    fig, (left, right) = panel_axes(ax, figsize, 2, "slo_attainment",
                                    gridspec_kw={"width_ratios": [1, 1.4]})
    for a in (left, right):
        style(a)
    edges = np.linspace(0, 1, 21)
    left.hist(met_time, bins=edges, color=PALETTE["band"], edgecolor=PALETTE["observed"],
              linewidth=0.6, zorder=2, label="time-based")
    left.hist(met_requests, bins=edges, histtype="step", color=PALETTE["expected"],
              linewidth=1.6, zorder=3, label="request-based")
    share, low, high = slo["share_met_time"], slo["share_met_time_low"], \
        slo["share_met_time_high"]
    left.axvspan(low, high, color=PALETTE["observed"], alpha=0.15, zorder=1)
    left.axvline(share, color=PALETTE["observed"], linewidth=2, zorder=4,
                 label=f"all windows: {100 * share:.1f}% met")
    left.xaxis.set_major_formatter(PercentFormatter(1.0))
    left.set_xlim(0, 1)
    left.set_xlabel(f"share of a history's {per_history} windows that met the target")
    left.set_ylabel("histories")
    left.legend(loc="upper left", fontsize=9, frameon=True, framealpha=0.9)
    left.set_title(f"{100 * slo['target']:g}% over {slo['window_seconds'] / DAY:g}-day "
                   f"{slo['windows'].replace('-', ' ')} windows", loc="left",
                   fontweight="bold")

    starts = windows["start"].to_numpy() / DAY
    lengths = windows["length"].to_numpy()
    downtime = windows["downtime"].to_numpy()
    budget = (1 - slo["target"]) * lengths
    unit, size = duration_unit(np.concatenate([downtime, budget]))
    missed = windows["met_time"].to_numpy() == 0
    if slo["windows"] == "rolling":
        right.plot(starts, downtime / size, color=PALETTE["observed"], linewidth=1.6,
                   label="downtime in the window", zorder=3)
        right.fill_between(starts, downtime / size, color=PALETTE["band"], alpha=0.5,
                           linewidth=0, zorder=2)
    else:
        right.bar(starts, downtime / size, width=lengths / DAY * 0.9, align="edge",
                  color=np.where(missed, TIME_COLOURS["missed"], PALETTE["observed"]),
                  zorder=2, label="downtime in the window")
    right.step(starts, budget / size, where="post", color=PALETTE["analytic"], linestyle="--",
               linewidth=1.4, label=f"budget at {100 * slo['target']:g}%", zorder=4)
    if missed.any():
        right.plot(starts[missed], downtime[missed] / size, linestyle="none", marker="o",
                   markersize=3.5, color=TIME_COLOURS["missed"], zorder=5,
                   label=f"missed: {int(missed.sum())} of {len(missed)}")
    right.set_xlabel("window start (days from the start of the history)")
    right.set_ylabel(f"downtime ({unit})")
    right.set_ylim(bottom=0)
    right.legend(loc="upper right", fontsize=9, frameon=True, framealpha=0.9)
    right.set_title(f"History {history}: downtime per window", loc="left", fontweight="bold")
    return fig


def error_budget(run, *, top: int = 16, figsize=None, ax=None) -> Figure:
    """The error budget by component: horizontal bars of the service downtime each component
    (and common-cause event) caused per year, in minutes: its own outages (as the triggering
    outage) and, stacked, the downtime it caused by holding up other outages' detection (e.g.
    monitoring being down). Largest first; elements that cost nothing are left out (a note
    says how many). With an SLO, the title says how much of the yearly budget they take."""
    _need_time_run(run, "error_budget")
    table = run.budget()
    costly = table[table["total"] > 0]
    hidden = len(table) - len(costly)
    shown = costly.head(top)
    hidden += len(costly) - len(shown)
    n = max(len(shown), 1)
    fig, ax = one_axes(ax, figsize or (10, 1.5 + 0.38 * n))
    style(ax)
    ax.grid(axis="y", visible=False)
    y = np.arange(len(shown))
    own = shown["own"].to_numpy() / 60
    detection = shown["detection"].to_numpy() / 60
    events = (shown["element"] == "common cause").to_numpy()
    ax.barh(y, own, color=np.where(events, PALETTE["common_cause"], PALETTE["observed"]),
            height=0.62, zorder=2, label="own outages")
    ax.barh(y, detection, left=own, color=TIME_COLOURS["undetected"],
            edgecolor=TIME_COLOURS["repair"], hatch="////", linewidth=0, height=0.62,
            zorder=2, label="through detection delays it caused")
    for yi, total in zip(y, own + detection):
        ax.text(total, yi, f" {total:,.1f}", va="center", ha="left", fontsize=8,
                color=PALETTE["cumulative"])
    ax.set_yticks(y, shown["name"].tolist())
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.set_xlim(0, max(float((own + detection).max(initial=0)) * 1.15, 1e-9))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 10
                                               else f"{v:,.1f}"))
    ax.set_xlabel("service downtime caused, minutes per year" +
                  (f"   ({hidden} more not shown: no downtime or beyond the top {top})"
                   if hidden else ""))
    handles = ax.get_legend_handles_labels()[0]
    if events.any():
        handles.append(Patch(facecolor=PALETTE["common_cause"], label="common-cause event"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.55 / n ** 0.5),
              ncol=3, frameon=False, fontsize=9)
    title = "Error budget by component"
    slo = run.slo
    if slo:
        allowed = (1 - slo["target"]) * SECONDS_PER_YEAR / 60
        used = table["total"].sum() / 60
        title += (f": {used:,.0f} of the {allowed:,.0f} minutes a year "
                  f"{100 * slo['target']:g}% allows ({100 * used / allowed:.0f}%)")
    ax.set_title(title, loc="left", fontweight="bold")
    if not len(shown):
        ax.text(0.5, 0.5, "no downtime", transform=ax.transAxes, ha="center", va="center",
                color=PALETTE["cumulative"])
    return fig
