"""The engine's closing check over all points of a sweep (sweep_report.hpp): no point's exact
binomial p-value below P(|Z| >= 5), the tail of |z| = 5. A per-point verdict uses p >= 1e-3
(|z| < 3.29); over hundreds of independent points a few beyond 3.29 are expected by chance,
none beyond 5. The plots still draw the z-scores against +-SWEEP_Z_LIMIT."""
from __future__ import annotations

import dataclasses
import math

import numpy as np

__all__ = ["SWEEP_Z_LIMIT", "SWEEP_POINT_TAIL", "SweepAgreement", "sweep_agreement"]

SWEEP_Z_LIMIT = 5.0
SWEEP_POINT_TAIL = 5.733031437583892e-07  # = analytic.two_sided_p_value(SWEEP_Z_LIMIT)


@dataclasses.dataclass(frozen=True)
class SweepAgreement:
    """The engine's closing line: finished points, the largest |z| and where, and how many
    points have an exact binomial p-value below SWEEP_POINT_TAIL (the tail of |z| = 5)."""
    done: int
    max_abs_z: float
    worst_point: int | None
    beyond_limit: int
    limit: float = SWEEP_Z_LIMIT

    @property
    def agrees(self) -> bool:
        return self.done > 0 and self.beyond_limit == 0


def sweep_agreement(points, z_scores, exact_p_values) -> SweepAgreement:
    """The check over the finished points: their numbers, z-scores and exact binomial
    p-values, in the same order."""
    z = np.abs(np.asarray(z_scores, dtype=np.float64))
    if not len(z):
        return SweepAgreement(0, math.nan, None, 0)
    worst = int(np.argmax(z))
    exact_p = np.asarray(exact_p_values, dtype=np.float64)
    return SweepAgreement(len(z), float(z[worst]), int(np.asarray(points)[worst]),
                          int(np.count_nonzero(exact_p < SWEEP_POINT_TAIL)))
