"""What every chart shares: the palette, the axes' style and a few labels."""
from __future__ import annotations


import numpy as np
from matplotlib.figure import Figure

__all__ = ["PALETTE", "CURVES", "style", "percent_label", "is_structure", "log_floor",
           "one_axes", "panel_axes"]

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
CURVES = ("#b03a2e", "#d4762c", "#c9a227", "#3f8f5a", "#2f6f9f", "#6a4c93")


def style(ax) -> None:
    ax.grid(True, color=PALETTE["grid"], linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def percent_label(r: float) -> str:
    """0.9999966 -> '99.99966%', 0.9 -> '90%'."""
    text = f"{100 * r:.6f}".rstrip("0").rstrip(".")
    return text + "%"


def is_structure(run) -> bool:
    return hasattr(run, "culprits") and hasattr(run, "kinds")


def log_floor(values, default: float = 1e-3) -> float:
    """A power of ten a little below the smallest positive value: where log-axis bars start."""
    values = np.asarray(values, dtype=np.float64)
    positive = values[np.isfinite(values) & (values > 0)]
    if not positive.size:
        return default
    return 10.0 ** (np.floor(np.log10(positive.min())) - 0.3)


# --- where a plot draws: a new Figure, or axes the caller gives (ax=) -------------------------
# Every plot function takes ax=: None (default) makes a new Figure of `figsize`; otherwise the
# plot draws into the caller's axes (a subplot of their figure, a notebook's grid) and returns
# the figure those axes belong to, so that `fig = plot(run, ax=ax)` reads the same either way.

def one_axes(ax, figsize) -> tuple[Figure, object]:
    """(figure, axes) for a one-panel plot: ax itself, or a new Figure's single axes."""
    if ax is None:
        fig = Figure(figsize=figsize, layout="constrained")
        return fig, fig.add_subplot()
    if isinstance(ax, (list, tuple, np.ndarray)):
        if len(ax) != 1:
            raise ValueError(f"this plot draws one panel: pass one Axes as ax=, not {len(ax)}")
        ax = ax[0]
    return ax.figure, ax


def panel_axes(ax, figsize, panels: int, name: str, *, optional_side: bool = False,
               **subplots) -> tuple[Figure, list]:
    """(figure, [axes per panel]) for a plot of `panels` panels side by side: a new Figure's
    subplots, or the caller's axes: a sequence of one Axes per panel, in order (and, where
    optional_side, a single Axes for the main panel alone: the side panels are left out,
    returned as None)."""
    if ax is None:
        fig = Figure(figsize=figsize, layout="constrained")
        return fig, list(np.atleast_1d(fig.subplots(1, panels, **subplots)))
    if not isinstance(ax, (list, tuple, np.ndarray)):
        if optional_side:
            return ax.figure, [ax] + [None] * (panels - 1)
        raise ValueError(f"{name} draws {panels} panels side by side: pass ax= as a sequence of "
                         f"{panels} Axes, e.g. fig.subplots(1, {panels})")
    axes = list(np.ravel(np.asarray(ax, dtype=object)))
    if len(axes) != panels:
        raise ValueError(f"{name} draws {panels} panels: ax= has {len(axes)} Axes")
    return axes[0].figure, axes
