"""The summary of an uncertainty analysis (`nines uncertainty`) from its draws: the numbers the
engine writes to /summary (uncertainty_analysis.cpp), computed again from the per-draw values
so that a file's summary can be checked and a notebook can summarise any subset of draws.

    mean, sd (ddof 1), min, max         of the service value over the draws
    mean_shortfall                      of 1 - value, from the shortfall the engine computed
                                        directly (near 1, 1 - mean(value) loses digits)
    p05, p50, p95                       numpy's default (linear) quantiles of the value
    meets, meet_probability (+ _low, _high)   draws with value >= target, their share and its
                                        Wilson 95% interval; 0 and NaN without a target
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from .analytic import wilson_interval

__all__ = ["UncertaintySummary", "SUMMARY_FIELDS", "summarize_draws", "MEET_LEVEL"]

MEET_LEVEL = 0.95  # the level of the interval around P(value >= target)


@dataclasses.dataclass(frozen=True)
class UncertaintySummary:
    """The service value's distribution over the draws (see the module's docstring)."""
    mean: float
    mean_shortfall: float
    sd: float
    p05: float
    p50: float
    p95: float
    min: float
    max: float
    meets: int
    meet_probability: float
    meet_probability_low: float
    meet_probability_high: float

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


SUMMARY_FIELDS = tuple(f.name for f in dataclasses.fields(UncertaintySummary))


def summarize_draws(value, shortfall, target: float | None = None) -> UncertaintySummary:
    """The summary of per-draw service values `value` and their shortfalls (1 - value, as the
    engine computes them); `target` None or NaN: no P(meets)."""
    value = np.asarray(value, dtype=np.float64)
    shortfall = np.asarray(shortfall, dtype=np.float64)
    n = value.size
    if n < 2 or shortfall.size != n:
        raise ValueError(f"summarize_draws needs at least 2 draws and a shortfall per draw "
                         f"(got {n} values, {shortfall.size} shortfalls)")
    p05, p50, p95 = np.quantile(value, [0.05, 0.50, 0.95])
    if target is None or math.isnan(target):
        meets, probability, low, high = 0, math.nan, math.nan, math.nan
    else:
        meets = int(np.count_nonzero(value >= target))
        probability = meets / n
        interval = wilson_interval(meets, n, MEET_LEVEL)
        low, high = interval.low, interval.high
    return UncertaintySummary(
        mean=float(value.mean()), mean_shortfall=float(shortfall.mean()),
        sd=float(value.std(ddof=1)), p05=float(p05), p50=float(p50), p95=float(p95),
        min=float(value.min()), max=float(value.max()), meets=meets,
        meet_probability=probability, meet_probability_low=float(low),
        meet_probability_high=float(high))
