"""The arithmetic of alert rules (README "Alerting policies"; the engine's
model/alerting_model.hpp) on per-slice request and error counts: window sums, error ratios,
burn rates and where a rule fires.

A rule's window ending at slice end e covers the slices [e - window, e), cut at the start of
the history (slice 0). A rule fires at e when errors F and good requests G of its long window
satisfy F (1 - t) > t G, i.e. F / (F + G) > t for a threshold t (no requests: no firing), and
the same holds over its short window when it has one. The engine decides in this form, so it
is used here too: at F / (F + G) == t to the last bit the two forms could round differently.
"""
from __future__ import annotations

import numpy as np

__all__ = ["window_sums", "exceeds", "rule_fires", "firing_starts"]


def window_sums(first_slice: int, requests, errors, window: int, ends) -> tuple[np.ndarray, ...]:
    """Requests and errors in the window of `window` slices ending at each slice end in
    `ends`, from counts of the consecutive slices first_slice, first_slice + 1, ...: returns
    (requests, errors, complete). A window is complete when all of its slices, cut at slice
    0, lie inside the counts given; sums of incomplete windows are NaN."""
    requests = np.asarray(requests, dtype=np.float64)
    errors = np.asarray(errors, dtype=np.float64)
    ends = np.asarray(ends, dtype=np.int64)
    if window < 1:
        raise ValueError("a window holds at least one slice")
    cumulative_r = np.concatenate([[0.0], np.cumsum(requests)])
    cumulative_e = np.concatenate([[0.0], np.cumsum(errors)])
    begin = np.maximum(ends - window, 0)  # cut at the history's start
    lo = begin - first_slice
    hi = ends - first_slice
    complete = (lo >= 0) & (hi <= len(requests)) & (hi >= lo)
    lo_c = np.clip(lo, 0, len(requests))
    hi_c = np.clip(hi, 0, len(requests))
    r = np.where(complete, cumulative_r[hi_c] - cumulative_r[lo_c], np.nan)
    e = np.where(complete, cumulative_e[hi_c] - cumulative_e[lo_c], np.nan)
    return r, e, complete


def exceeds(requests, errors, threshold: float) -> np.ndarray:
    """Whether errors / requests > threshold, decided as the engine does: F (1 - t) > t G."""
    f = np.asarray(errors, dtype=np.float64)
    g = np.asarray(requests, dtype=np.float64) - f
    with np.errstate(invalid="ignore"):
        return f * (1 - threshold) > threshold * g


def rule_fires(first_slice: int, requests, errors, ends, threshold: float, long_slices: int,
               short_slices: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(fires, complete) at each slice end in `ends`: whether the rule fires there (both
    windows above the threshold), and whether its windows lie inside the counts (where they
    do not, `fires` is False and means nothing). Monitoring being down is not known here: the
    engine does not evaluate ends at which the policy's `needs` are down."""
    r, e, complete = window_sums(first_slice, requests, errors, long_slices, ends)
    fires = exceeds(r, e, threshold)
    if short_slices:
        rs, es, short_complete = window_sums(first_slice, requests, errors, short_slices, ends)
        fires &= exceeds(rs, es, threshold)
        complete &= short_complete
    return fires & complete, complete


def firing_starts(fires, complete) -> np.ndarray:
    """Positions where a firing starts: the rule fires there and did not at the end before,
    both ends' windows complete (a firing is a maximal run of ends at which the rule fires)."""
    fires = np.asarray(fires, dtype=bool)
    complete = np.asarray(complete, dtype=bool)
    before = np.concatenate([[False], fires[:-1]])
    known = complete & np.concatenate([[False], complete[:-1]])
    return np.flatnonzero(fires & ~before & known)
