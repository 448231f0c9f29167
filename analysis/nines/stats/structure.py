"""The verdict of a structure run (scenario format 2), recomputed from counts and exact
probabilities the way the engine's structure_summary.cpp computes it: every request kind and
the mix get the exact binomial test of their failures and the attribution chi-square of their
primary culprits, and the run agrees when no test rejects at VERDICT_ALPHA / (number of tests)
(Bonferroni). Pure arithmetic: the reader hands in the numbers."""
from __future__ import annotations

import dataclasses
import math
from typing import Sequence

from . import analytic

__all__ = ["StructureVerdict", "exact_p_value", "compare_kind", "verdict_tests",
           "structure_verdict", "stored_verdict"]


def _p_clause(p: float) -> str:
    """The engine's structure verdict writes p with "%#.2g"."""
    if math.isnan(p):
        return "p n/a"
    if p < 1e-300:
        return "p < 1e-300"
    return "p = %#.2g" % p


def exact_p_value(requests: int, failures: int, unreliability: float) -> float:
    """The exact binomial test of a kind's failures (NaN for a kind without requests)."""
    if requests == 0:
        return math.nan
    return analytic.binomial_two_sided_p_value(int(failures), int(requests),
                                               float(unreliability))


def compare_kind(name: str, requests: int, failures: int, unreliability: float,
                 culprits: Sequence[int], probability: Sequence[float], level: float) -> dict:
    """One kind's (or the mix's) statistics from its counts and exact probabilities:
    reliability_empirical, the Wilson interval, z and its p-values, the attribution
    chi-square (with the engine's pooling). NaN where there were no requests."""
    nan = math.nan
    result = dict(name=name, requests=requests, failures=failures,
                  reliability_empirical=nan, unreliability_empirical=nan,
                  reliability_ci_low=nan, reliability_ci_high=nan, z_score=nan,
                  z_p_value=nan, reliability_p_value=nan, attribution_chi2=0.0,
                  attribution_dof=0, attribution_p_value=nan)
    if requests == 0:
        return result
    interval = analytic.wilson_interval(requests - failures, requests, level)
    z = 0.0 - analytic.binomial_z_score(failures, requests, unreliability)
    result.update(reliability_empirical=(requests - failures) / requests,
                  unreliability_empirical=failures / requests,
                  reliability_ci_low=interval.low, reliability_ci_high=interval.high,
                  z_score=z, z_p_value=analytic.two_sided_p_value(z),
                  reliability_p_value=exact_p_value(requests, failures, unreliability))
    if failures > 0:
        chi2 = analytic.chi_square_goodness_of_fit(culprits, probability)
        result.update(attribution_chi2=chi2.statistic, attribution_dof=chi2.dof,
                      attribution_p_value=chi2.p_value)
    return result


@dataclasses.dataclass(frozen=True)
class StructureVerdict:
    agrees: bool
    text: str
    tests: int     # how many tests the verdict combines
    alpha: float   # the level each test is held to: VERDICT_ALPHA / tests


def verdict_tests(kinds: Sequence[dict], mix: dict) -> list[tuple[str, float]]:
    """The verdict's tests in the engine's order: per kind (file order), then the mix, the
    exact binomial test of the failures and, where there is one, the attribution chi-square."""
    tests: list[tuple[str, float]] = []
    for row in (*kinds, mix):
        if row["requests"] == 0:
            continue
        label = "mix" if row is mix else f"kind {row['name']}"
        tests.append((f"{label} reliability z = {analytic.fixed2(row['z_score'])}, exact "
                      "binomial", row["reliability_p_value"]))
        if row["attribution_dof"] > 0:
            tests.append((f"{label} attribution chi-square = "
                          f"{analytic.fixed2(row['attribution_chi2'])}, dof "
                          f"{int(row['attribution_dof'])}", row["attribution_p_value"]))
    return tests


def _agreeing_text(kinds: Sequence[dict], mix: dict, tests: int) -> str:
    worst, worst_name = 0.0, "mix"
    for row in kinds:
        if row["requests"] > 0 and abs(row["z_score"]) > abs(worst):
            worst, worst_name = row["z_score"], row["name"]
    n = len(kinds)
    return (f"agrees with the analytic model (mix z = {analytic.fixed2(mix['z_score'])}, "
            f"{n} {'kind' if n == 1 else 'kinds'}, largest kind "
            f"|z| = {analytic.fixed2(abs(worst))} ({worst_name}), {tests} tests)")


def structure_verdict(kinds: Sequence[dict], mix: dict) -> StructureVerdict:
    """The engine's verdict text over the kinds (in file order) and the mix, each a dict from
    compare_kind."""
    tests = verdict_tests(kinds, mix)
    alpha = analytic.VERDICT_ALPHA / max(1, len(tests))
    failed = [f"{what} ({_p_clause(p)})" for what, p in tests if not p >= alpha]
    if not failed:
        text = _agreeing_text(kinds, mix, len(tests))
    else:
        text = "DISAGREES with the analytic model: " + "; ".join(failed)
    return StructureVerdict(not failed, text, len(tests), alpha)


# The one test of a structure verdict that a sweep file keeps no numbers for (the engine adds it
# when a point's common-cause events fire together more or less often than the exact model says).
_UNSTORED_TEST = "the common-cause sets chi-square (not stored in a sweep file)"


def stored_verdict(kinds: Sequence[dict], mix: dict, tests: int, agrees: bool
                   ) -> StructureVerdict:
    """The verdict of a structure sweep point from what its rows store: the kinds' and the
    mix's tests, the size of the Bonferroni family (`tests`, which counts the common-cause sets
    test a sweep file has no numbers for) and the engine's `agrees`. The text is the engine's
    when the stored tests explain the outcome; a point that disagrees only through the
    unstored test says so."""
    known = verdict_tests(kinds, mix)
    tests = max(int(tests), len(known))
    alpha = analytic.VERDICT_ALPHA / max(1, tests)
    if agrees:
        return StructureVerdict(True, _agreeing_text(kinds, mix, tests), tests, alpha)
    failed = [f"{what} ({_p_clause(p)})" for what, p in known if not p >= alpha]
    text = "DISAGREES with the analytic model: " + "; ".join(failed or [_UNSTORED_TEST])
    return StructureVerdict(False, text, tests, alpha)
