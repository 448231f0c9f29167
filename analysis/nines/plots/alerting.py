"""Charts of a time run's alert policies (/alerting): the burn rate around an outage with the
rules' thresholds and the page marked, noise firings by hour of day, and the policies
compared (time to page against noise)."""
from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .style import CURVES, PALETTE, one_axes, style

__all__ = ["alert_burn_rates", "alert_noise_by_hour", "alert_policy_comparison",
           "first_alert_series"]


def _need_alerting(run, what: str) -> None:
    if not getattr(run, "has_alerting", False):
        raise ValueError(f"{what}() needs a time run whose scenario declares alert policies "
                         "(time.alerting)")


def first_alert_series(run, policy=None) -> tuple[int, int] | None:
    """The first (history, policy) that alert_series() holds (of `policy` when given), or
    None: the outage whose burn rates alert_burn_rates() draws by default."""
    keys = run.alert_series_keys()
    if policy is not None:
        names = list(run.alert_policies()["name"])
        wanted = names.index(policy) if isinstance(policy, str) else int(policy)
        keys = [k for k in keys if k[1] == wanted]
    return keys[0] if keys else None


def alert_burn_rates(run, history: int | None = None, policy=None, *, figsize=(11, 5),
                     ax=None) -> Figure:
    """The burn rate of each rule's long (solid) and short (dashed) window at every slice end
    around a policy's first firing about an outage (alert_series(): default the first history
    and policy that have one), recomputed from the exact slice counts; each rule's threshold
    as a dotted line in its colour, the outage's start as a vertical line, firings as
    triangles and the page's delivery as a star. Time runs in minutes from the outage's start.
    With an SLO the y axis is the burn rate (error ratio / (1 - target); error-ratio rules'
    thresholds converted the same way), without one the error ratio itself. Only slice ends
    whose windows lie inside the recorded slices are drawn (or are cut at the history's start):
    a rule whose long window is longer than the series is listed but not drawn."""
    _need_alerting(run, "alert_burn_rates")
    if history is None or policy is None:
        found = first_alert_series(run, policy)
        if found is None:
            raise ValueError("alert_burn_rates(): no series in this run (no policy fired "
                             "about an outage in the first histories, or --record none)")
        history = found[0] if history is None else history
        policy = found[1] if policy is None else policy
    policies = run.alert_policies()
    index = policy if not isinstance(policy, str) else \
        int(np.flatnonzero(policies["name"].to_numpy() == policy)[0])
    name = policies["name"].iat[index]
    windows = run.alert_windows(history, index)
    if not len(windows):
        raise ValueError(f"alert_burn_rates(): no series for policy {name!r} in history "
                         f"{history}")
    firings = run.alert_firings(history=history)
    firings = firings[firings["policy"] == index]
    about = firings.dropna(subset=["outage_start"])
    lo, hi = windows["end"].min(), windows["end"].max()
    near = about[(about["fired"] >= lo) & (about["fired"] <= hi)]
    origin = float(near["outage_start"].min()) if len(near) else float(lo)
    slo = run.slo
    scale = 1 / (1 - slo["target"]) if slo else 1.0
    label = "burn rate (error ratio / error budget)" if slo else "error ratio"

    fig, ax = one_axes(ax, figsize)
    style(ax)
    handles, hidden = [], []
    floor = math.inf
    for (rule, rule_name), rows in windows.groupby(["rule", "name"], sort=True):
        colour = CURVES[int(rule) % len(CURVES)]
        shown = rows[rows["complete"]]
        threshold = float(rows["threshold"].iat[0]) * scale
        if not len(shown):
            hidden.append(rule_name)
            continue
        minutes = (shown["end"].to_numpy() - origin) / 60
        for column, dash in (("long_ratio", "-"), ("short_ratio", "--")):
            values = shown[column].to_numpy() * scale
            if np.isnan(values).all():
                continue
            positive = values[values > 0]
            if positive.size:
                floor = min(floor, float(positive.min()))
            ax.plot(minutes, np.where(values > 0, values, np.nan), color=colour,
                    linestyle=dash, linewidth=1.6 if dash == "-" else 1.1, zorder=3)
        ax.axhline(threshold, color=colour, linestyle=":", linewidth=1.4, zorder=2)
        floor = min(floor, threshold)
        mine = firings[(firings["rule"] == rule) & (firings["fired"] >= lo) &
                       (firings["fired"] <= hi)]
        for _, f in mine.iterrows():
            ax.plot([(f["fired"] - origin) / 60], [threshold], marker="v", markersize=9,
                    color=colour, zorder=5, linestyle="none")
            if not math.isnan(f["delivered"]) and f["delivered"] <= hi:
                ax.plot([(f["delivered"] - origin) / 60], [threshold], marker="*",
                        markersize=13, color=colour, markeredgecolor="black",
                        markeredgewidth=0.6, zorder=6, linestyle="none")
        handles.append(Line2D([], [], color=colour, linewidth=1.6,
                              label=f"{rule_name} (threshold {threshold:.3g})"))
    ax.set_yscale("log")
    if math.isfinite(floor):
        ax.set_ylim(bottom=floor / 5)
    if len(near):
        ax.axvline(0, color=PALETTE["mix"], linewidth=1.4, zorder=4)
    handles += [Line2D([], [], color=PALETTE["cumulative"], linestyle="-", label="long window"),
                Line2D([], [], color=PALETTE["cumulative"], linestyle="--",
                       label="short window"),
                Line2D([], [], color=PALETTE["cumulative"], linestyle=":", label="threshold"),
                Line2D([], [], color=PALETTE["cumulative"], marker="v", linestyle="none",
                       label="rule fires"),
                Line2D([], [], color=PALETTE["cumulative"], marker="*", markersize=11,
                       markeredgecolor="black", linestyle="none", label="page delivered")]
    if len(near):
        handles.append(Line2D([], [], color=PALETTE["mix"], label="outage starts"))
    ax.legend(handles=handles, loc="upper left", fontsize=8, frameon=True, framealpha=0.9,
              ncol=2)
    ax.set_xlabel("minutes from the outage's start" if len(near) else
                  "minutes from the first recorded slice end")
    ax.set_ylabel(label)
    title = f"Policy {name}, history {history}: {label.split(' (')[0]} around an outage"
    if hidden:
        title += f"\n(not drawn, windows longer than the recorded slices: {', '.join(hidden)})"
    ax.set_title(title, loc="left", fontweight="bold", fontsize=11)
    return fig


def alert_noise_by_hour(run, *, rules: bool = False, figsize=(11, 4.2), ax=None) -> Figure:
    """Noise firings per year by hour of day of the firing (firings whose long window saw no
    outage of the scope: transient per-request failures alone), as grouped bars: one bar per
    policy and hour for its page rules together, or, with `rules`, one per rule."""
    _need_alerting(run, "alert_noise_by_hour")
    table = run.alert_noise_by_hour()
    rows = run.alert_rules()
    keep = (~rows["combined"] if rules else rows["combined"]).to_numpy()
    table = table[keep]
    labels = [f"{p}: {r}" if rules else p for p, r in table.index]
    fig, ax = one_axes(ax, figsize)
    style(ax)
    ax.grid(axis="x", visible=False)
    n = max(len(table), 1)
    width = 0.8 / n
    hours = np.arange(24)
    for i, (label, values) in enumerate(zip(labels, table.to_numpy())):
        ax.bar(hours - 0.4 + width * (i + 0.5), values, width=width,
               color=CURVES[i % len(CURVES)], zorder=2,
               label=f"{label} ({values.sum():,.3g} a year)")
    ax.set_xticks(hours, [f"{h:02d}" for h in hours])
    ax.set_xlim(-0.6, 23.6)
    ax.set_xlabel("hour of day of the firing")
    ax.set_ylabel("noise firings per year")
    ax.legend(loc="upper center", fontsize=9, frameon=True, framealpha=0.9,
              ncol=min(n, 3))
    what = "rule" if rules else "policy (page rules together)"
    ax.set_title(f"Firings about no outage, by hour of day, per {what}", loc="left",
                 fontweight="bold")
    if not table.to_numpy().any():
        ax.text(0.5, 0.5, "no noise firings", transform=ax.transAxes, ha="center",
                va="center", color=PALETTE["cumulative"])
    return fig


def alert_policy_comparison(run, *, figsize=(8, 4.6), ax=None) -> Figure:
    """The policies compared (page rules together): time to page (median as a dot, the line
    up to the 95% quantile) against noise pages per year, one point per policy, labelled with
    its recall. Policies that paged for no outage have no point (noted)."""
    _need_alerting(run, "alert_policy_comparison")
    table = run.policy_comparison()
    fig, ax = one_axes(ax, figsize)
    style(ax)
    missing = []
    for i, (name, p) in enumerate(table.iterrows()):
        colour = CURVES[i % len(CURVES)]
        if math.isnan(p["time_to_page_p50"]):
            missing.append(name)
            continue
        x, p50, p95 = p["noise_per_year"], p["time_to_page_p50"] / 60, \
            p["time_to_page_p95"] / 60
        ax.plot([x, x], [p50, p95], color=colour, linewidth=2, zorder=2)
        ax.plot([x], [p50], marker="o", markersize=9, color=colour, zorder=3,
                linestyle="none")
        recall = "n/a" if math.isnan(p["recall"]) else f"{100 * p['recall']:.1f}%"
        ax.annotate(f" {name}\n recall {recall}", (x, p50), fontsize=9,
                    xytext=(6, 0), textcoords="offset points", va="center")
    ax.set_xlabel("noise pages per year")
    ax.set_ylabel("time to page (min): median, line to 95%")
    top = float(np.nanmax(table["noise_per_year"].to_numpy(), initial=0.0))
    ax.set_xlim(-0.05 * max(top, 1.0), 1.35 * max(top, 1.0))
    ax.set_ylim(bottom=0)
    title = "Alert policies on the same histories"
    if missing:
        title += f"\n(never paged about an outage: {', '.join(missing)})"
    ax.set_title(title, loc="left", fontweight="bold")
    return fig
