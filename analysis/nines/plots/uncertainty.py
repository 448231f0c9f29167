"""Charts of an uncertainty file (`nines uncertainty`): how the service value is distributed
over the draws of the uncertain inputs, and which input's uncertainty matters (Sobol indices).
"""
from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator, PercentFormatter

from ..readers.uncertainty import UncertaintyRun
from .style import PALETTE, one_axes, percent_label, style

__all__ = ["value_distribution", "sobol_indices", "shortfall_axis", "factor_names"]

# Values this close to 1 are drawn as their shortfall 1 - value on a log axis: on a linear
# axis of the value, 99.9% and 99.99% would sit a hair apart.
_LOG_BELOW_SHORTFALL = 0.1


def _need_uncertainty(run, what: str) -> None:
    if not isinstance(run, UncertaintyRun):
        raise TypeError(f"{what}() needs an uncertainty file (nines uncertainty)")


def factor_names(run, factors=None) -> list[str]:
    """How a factor is named on a chart or in a table: its name for a reliability of format
    2; with its quantity for format 3, which mixes reliabilities and outage rates (of one
    component, perhaps): "db (outage rate)". `factors`: rows of run.factors (default all)."""
    f = run.factors if factors is None else factors
    if run.metadata.scenario_format == 2:
        return list(f["label"])
    return [f"{name} ({q.replace('_', ' ')})" for name, q in zip(f["name"], f["quantity"])]


def shortfall_axis(shortfall) -> bool:
    """Whether values with these shortfalls read better as 1 - value on a log axis: all of
    them positive and the largest below _LOG_BELOW_SHORTFALL."""
    s = np.asarray(shortfall, dtype=np.float64)
    return bool(s.size and (s > 0).all() and s.max() < _LOG_BELOW_SHORTFALL)


def _shortfall_ticks(low: float, high: float) -> list[float]:
    """About five shortfalls between low and high that read as round reliabilities: powers of
    ten, or for a range narrower than two decades 1, 2 and 5 times them."""
    decades = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    for steps in ((1,), (1, 2, 5), (1, 1.5, 2, 3, 5, 7)):
        ticks = [m * 10.0 ** d for d in decades for m in steps if low <= m * 10.0 ** d <= high]
        if len(ticks) >= 4:
            return ticks
    if len(ticks) >= 2:
        return ticks
    # A range too narrow for round numbers: four ticks, three significant digits.
    return [float(f"{x:.3g}") for x in np.geomspace(low, high, 6)[1:-1]]


def _reliability_tick(shortfall: float) -> str:
    """1 - shortfall as a percentage showing the shortfall's three leading digits, trailing
    zeros dropped: 0.001 -> '99.9%', 0.0015 -> '99.85%', 0.000101 -> '99.9899%'."""
    if not shortfall > 0:
        return "100%"
    decimals = max(0, 2 - math.floor(math.log10(100 * shortfall)))
    return f"{100 * (1 - shortfall):.{decimals}f}".rstrip("0").rstrip(".") + "%"


def value_distribution(run, *, bins: int | None = None, log: bool | None = None,
                       figsize=(9, 5.2), ax=None) -> Figure:
    """The service value (reliability or availability) over the draws of the uncertain inputs:
    a histogram of the draws, the value at the inputs' means (what `nines run` uses, solid
    orange), the mean (solid blue), the 5%, 50% and 95% quantiles (dashed) and the target
    (dotted red) with the share of draws that meet it.

    Values near 1 are drawn as their shortfall 1 - value on a log axis, labelled as values and
    reversed so that better is to the right (log=None decides by shortfall_axis; True or False
    forces it)."""
    _need_uncertainty(run, "value_distribution")
    m, s = run.metadata, run.summary
    draws = run.draws
    use_log = shortfall_axis(draws["shortfall"]) if log is None else log
    if use_log and not (draws["shortfall"] > 0).all():
        raise ValueError("value_distribution(log=True) needs every draw's shortfall "
                         "1 - value to be positive")
    n_bins = bins or min(60, max(10, int(np.sqrt(len(draws)))))

    fig, ax = one_axes(ax, figsize)
    style(ax)
    # Everything is drawn at x = the value, or at x = 1 - value on the log axis.
    if use_log:
        x = draws["shortfall"].to_numpy()
        # One value in every draw (no uncertain input reaches it): one bar around it.
        spread = 1.02 if x.min() == x.max() else 1.0
        edges = np.geomspace(x.min() / spread, x.max() * spread, n_bins + 1)

        def at(value: float, shortfall: float | None = None) -> float:
            return shortfall if shortfall is not None else 1 - value
    else:
        x = draws["value"].to_numpy()
        half = 1e-6 if x.min() == x.max() else 0.0
        edges = np.linspace(x.min() - half, x.max() + half, n_bins + 1)

        def at(value: float, shortfall: float | None = None) -> float:
            return value
    ax.hist(x, bins=edges, color=PALETTE["band"], edgecolor=PALETTE["observed"],
            linewidth=0.6, zorder=2)

    ax.axvline(at(m.point_value, m.point_shortfall), color=PALETTE["expected"], linewidth=2,
               zorder=4, label=f"at the inputs' means (nines run): "
               f"{percent_label(m.point_value)}")
    ax.axvline(at(s.mean, s.mean_shortfall), color=PALETTE["observed"], linewidth=1.6,
               zorder=3, label=f"mean over the draws: {percent_label(s.mean)}")
    quantiles = {"5%": s.p05, "50%": s.p50, "95%": s.p95}
    for label, value in quantiles.items():
        ax.axvline(at(value), color=PALETTE["cumulative"], linestyle="--", linewidth=1.1,
                   zorder=3)
        ax.text(at(value), 1.0, f" {label}", transform=ax.get_xaxis_transform(), ha="left",
                va="top", fontsize=8, color=PALETTE["cumulative"])
    ax.plot([], [], color=PALETTE["cumulative"], linestyle="--",
            label="5%, 50%, 95% of draws: " + ", ".join(map(percent_label,
                                                              quantiles.values())))
    if m.target is not None:
        ax.axvline(at(m.target), color=PALETTE["analytic"], linestyle=":", linewidth=2,
                   zorder=4, label=f"target {percent_label(m.target)}: met by "
                   f"{100 * s.meet_probability:.1f}% of draws "
                   f"({100 * s.meet_probability_low:.1f}–"
                   f"{100 * s.meet_probability_high:.1f}%)")

    if use_log:
        ax.set_xscale("log")
        shown = [x.min(), x.max(), m.point_shortfall] + \
            ([1 - m.target] if m.target is not None and m.target < 1 else [])
        low, high = min(shown) / 1.3, max(shown) * 1.3
        ax.set_xlim(high, low)  # reversed: more nines to the right
        ax.xaxis.set_major_locator(FixedLocator(_shortfall_ticks(low, high)))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _reliability_tick(v)))
        ax.set_xlabel(f"service {m.measure} (log scale of 1 − {m.measure})")
    else:
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel(f"service {m.measure}")
    ax.set_ylabel("draws")
    # Below the axes: inside, it would hide the bulk of the draws wherever it went.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False,
              fontsize=8.5)
    ax.set_title(f"Service {m.measure} over {m.draws:,} draws of the uncertain inputs"
                 + (f" — {m.scenario_name}" if m.scenario_name else ""), loc="left",
                 fontweight="bold")
    return fig


def sobol_indices(run, *, figsize=None, ax=None) -> Figure:
    """Which input's uncertainty matters: per factor, the first-order Sobol index (the share
    of the value's variance the factor explains alone) and the total index (alone and through
    its interactions with the others), with whiskers of ±2 bootstrap standard deviations;
    factors sorted by total index, largest at the top. Needs the indices (not --no-sobol)."""
    _need_uncertainty(run, "sobol_indices")
    if not run.has_sobol:
        raise ValueError("sobol_indices() needs an uncertainty file with Sobol indices; this "
                         "one was written with --no-sobol")
    if run.factors["total"].isna().all():
        raise ValueError("sobol_indices(): the service value is the same in every draw, so "
                         "there is no variance to share out (the indices are NaN)")
    m = run.metadata
    f = run.factors.sort_values("total", ascending=True, kind="stable")  # barh: bottom up
    n = len(f)
    figsize = figsize or (9, 1.4 + 0.5 * max(n, 2))
    fig, ax = one_axes(ax, figsize)
    style(ax)
    y = np.arange(n)
    height = 0.38
    for offset, key, colour, label in ((height / 2, "first_order", PALETTE["observed"],
                                        "first order (alone)"),
                                       (-height / 2, "total", PALETTE["expected"],
                                        "total (with interactions)")):
        values = f[key].to_numpy()
        errors = 2 * f[f"{key}_error"].to_numpy()
        ax.barh(y + offset, values, height=height, color=colour, zorder=2, label=label)
        ax.errorbar(values, y + offset, xerr=errors, fmt="none", ecolor="#3d4752",
                    elinewidth=1.0, capsize=3, zorder=3)
    ax.set_yticks(y, factor_names(run, f))
    reach = np.concatenate([f["first_order"] + 2 * f["first_order_error"],
                            f["total"] + 2 * f["total_error"]])
    lows = np.concatenate([f["first_order"] - 2 * f["first_order_error"],
                           f["total"] - 2 * f["total_error"]])
    ax.set_xlim(min(0.0, float(np.nanmin(lows))) - 0.02,
                max(1.0, float(np.nanmax(reach))) + 0.02)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.axvline(0, color=PALETTE["cumulative"], linewidth=0.8, zorder=1)
    ax.set_xlabel(f"share of the variance of the service {m.measure} "
                  "(whiskers: ±2 bootstrap SD)")
    ax.legend(loc="lower right", frameon=True, framealpha=0.9, fontsize=9)
    ax.set_title("Which input's uncertainty matters (Sobol indices)"
                 + (f" — {m.scenario_name}" if m.scenario_name else ""), loc="left",
                 fontweight="bold")
    return fig
