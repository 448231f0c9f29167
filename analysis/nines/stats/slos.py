"""The arithmetic of SLOs as objects (README "SLOs"; the engine's sample/slo_accounting.cpp) on
the counts of their windows: whether a window meets its SLO, how much of its error budget it
consumed, and the distribution of that over windows.

A window of an SLO counts `bad` events of `total` (failed requests of its requests, budgeted by
occurrences; bad slices of its slices, by timeslices). Its error budget is (1 - target) x total
events, so it consumed bad / ((1 - target) x total) of it, and it meets the SLO when
bad <= (1 - target) x total, i.e. when it consumed at most 100%. The engine decides `met` on
the product in doubles, exactly as met_windows() does, so the verdict is recomputed to the bit
(the consumed share, a quotient, could round across 1 where the product does not).
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["met_windows", "budget_consumed", "consumed_summary", "CONSUMED_QUANTILES"]

# The quantiles consumed_summary() reports.
CONSUMED_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95, 0.99)


def met_windows(bad, total, budget_fraction) -> np.ndarray:
    """Whether each window meets its SLO: bad <= budget_fraction x total, decided in doubles
    as the engine decides it (budget_fraction = 1 - target; a scalar or one per window)."""
    bad = np.asarray(bad).astype(np.float64)
    total = np.asarray(total).astype(np.float64)
    return bad <= np.asarray(budget_fraction, dtype=np.float64) * total


def budget_consumed(bad, total, budget_fraction) -> np.ndarray:
    """The share of each window's error budget its bad events consumed: bad / (budget_fraction
    x total), 1.0 at exactly the budget. NaN for a window without events (total 0: it has no
    budget to consume, and meets the SLO)."""
    bad = np.asarray(bad).astype(np.float64)
    total = np.asarray(total).astype(np.float64)
    budget = np.asarray(budget_fraction, dtype=np.float64) * total
    if np.any(np.asarray(budget_fraction) <= 0) or np.any(np.asarray(budget_fraction) >= 1):
        raise ValueError("budget_fraction (1 - target) lies strictly between 0 and 1")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, bad / budget, np.nan)


def consumed_summary(consumed) -> dict:
    """The distribution of budget consumed over windows (NaN entries, windows without events,
    left out): windows (counted), mean, the quantiles of CONSUMED_QUANTILES as p05, p25, p50,
    p75, p95, p99, max, and exhausted, the share of windows that consumed more than their whole
    budget (over 100%: those that missed the SLO, up to rounding at exactly 100%). NaN
    everywhere without windows."""
    values = np.asarray(consumed, dtype=np.float64)
    values = values[~np.isnan(values)]
    keys = [f"p{round(100 * q):02d}" for q in CONSUMED_QUANTILES]
    if not values.size:
        return {"windows": 0, "mean": math.nan, **{k: math.nan for k in keys},
                "max": math.nan, "exhausted": math.nan}
    quantiles = np.quantile(values, CONSUMED_QUANTILES)
    return {"windows": int(values.size), "mean": float(values.mean()),
            **{k: float(v) for k, v in zip(keys, quantiles)}, "max": float(values.max()),
            "exhausted": float(np.mean(values > 1))}
