"""What every chart shares: the palette, the axes' style and a few labels."""
from __future__ import annotations

import numpy as np

__all__ = ["PALETTE", "CURVES", "style", "percent_label", "is_structure", "log_floor"]

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
