"""The analytic chain model and the statistics of a run, the same formulas as the engine's
engine/nines/chain_model.cpp, statistics.cpp and summary.cpp, so that numbers computed here agree
with the ones a run file stores to 1e-12 relative (tests/test_engine_agreement.py checks it).
Pure arithmetic on numbers: nothing here knows a file.

The essay behind nines: a request passes through components in order; each works with
probability r_k, so the service works with probability prod r_k. Eight parts at 99% give 92.3%.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Sequence

import numpy as np

from .special import gamma_q, normal_upper_quantile

__all__ = [
    "VERDICT_ALPHA", "Interval", "ChiSquare", "Summary",
    "chain_reliability", "chain_unreliability", "first_failure_probability",
    "two_sided_normal_quantile", "wilson_interval", "binomial_z_score", "two_sided_p_value",
    "binomial_two_sided_p_value",
    "chi_square_goodness_of_fit", "nines_of", "dpmo_of", "sigma_level_of", "summarize",
    "verdict_text", "fixed2",
]

# The verdict's significance level: a run agrees with the model unless the exact binomial test
# of the failure count or the attribution chi-square test rejects at this level (engine:
# kVerdictAlpha).
VERDICT_ALPHA = 1e-3


# --- the chain -------------------------------------------------------------------------------

def _as_reliabilities(reliabilities: Sequence[float]) -> np.ndarray:
    r = np.asarray(reliabilities, dtype=np.float64)
    if r.ndim != 1:
        raise ValueError("reliabilities must be a one-dimensional sequence")
    if not np.all((r >= 0) & (r <= 1)):
        raise ValueError("every reliability must lie in [0, 1]")
    return r


def chain_reliability(reliabilities: Sequence[float]) -> float:
    """prod_k r_k: the service works only if every component on the path works."""
    r = _as_reliabilities(reliabilities)
    # Extended precision where the platform has it, like the engine's long double.
    return float(np.prod(r.astype(np.longdouble)))


def chain_unreliability(reliabilities: Sequence[float]) -> float:
    """1 - prod_k r_k, computed as -expm1(sum log1p(-(1 - r_k))) so that 1 - 1e-15 keeps its
    digits (the engine does the same)."""
    r = _as_reliabilities(reliabilities)
    if r.size == 0:
        return 0.0
    if np.any(r == 0):
        return 1.0
    u = 1.0 - r.astype(np.longdouble)
    return float(-np.expm1(np.sum(np.log1p(-u))))


def first_failure_probability(reliabilities: Sequence[float]) -> np.ndarray:
    """q_k = prod_{j<k} r_j * (1 - r_k): the probability that component k is the first to fail,
    i.e. the share of all requests the model attributes to k. sum_k q_k = 1 - prod_k r_k."""
    r = _as_reliabilities(reliabilities).astype(np.longdouble)
    survival_before = np.concatenate([np.ones(1, dtype=np.longdouble), np.cumprod(r)[:-1]])
    return (survival_before * (1.0 - r)).astype(np.float64)


# --- intervals and tests ---------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Interval:
    low: float
    high: float


def two_sided_normal_quantile(level: float) -> float:
    """The z with P(|Z| < z) = level, e.g. 1.959963984540054 for 0.95."""
    if math.isnan(level):
        return math.nan
    if level <= 0:
        return 0.0
    if level >= 1:
        return math.inf
    return normal_upper_quantile((1 - level) / 2)


def wilson_interval(successes: int, trials: int, level: float = 0.95) -> Interval:
    """Wilson (1927) score interval for the proportion successes / trials."""
    successes, trials = int(successes), int(trials)
    if trials <= 0:
        raise ValueError("wilson_interval: trials must be > 0")
    if not 0 <= successes <= trials:
        raise ValueError("wilson_interval: successes must lie in [0, trials]")
    n = float(trials)
    # Both proportions from the integer counts, so p (1 - p) keeps its digits when p is near 1.
    p = successes / n
    q = (trials - successes) / n
    z = two_sided_normal_quantile(level)
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * q / n + z2n / (4 * n))
    low = min(max(centre - half, 0.0), 1.0)
    high = min(max(centre + half, 0.0), 1.0)
    if successes == 0:
        low = 0.0
    if successes == trials:
        high = 1.0
    return Interval(low, high)


def binomial_z_score(successes: int, trials: int, p0: float) -> float:
    """(p_hat - p0) / sqrt(p0 (1 - p0) / n); 0 or +-inf when p0 is 0 or 1."""
    if int(trials) <= 0:
        raise ValueError("binomial_z_score: trials must be > 0")
    n = float(trials)
    p_hat = int(successes) / n
    if p0 <= 0 or p0 >= 1:
        if p_hat == p0:
            return 0.0
        return math.inf if p_hat > p0 else -math.inf
    return (p_hat - p0) / math.sqrt(p0 * (1 - p0) / n)


def two_sided_p_value(z: float) -> float:
    """P(|Z| >= |z|) = erfc(|z| / sqrt 2), which keeps its precision far into the tail."""
    if math.isnan(z):
        return math.nan
    return math.erfc(abs(z) / math.sqrt(2.0))


def binomial_two_sided_p_value(successes: int, trials: int, p0: float) -> float:
    """Exact two-sided binomial test (engine: binomial_two_sided_p_value): twice the smaller of
    P(X <= successes) and P(X >= successes) for X ~ Binomial(trials, p0), capped at 1. It stays
    right where the z-score's normal p-value does not, when few failures are expected. SciPy
    evaluates the tails with the same Boost functions the engine uses."""
    from scipy.stats import binom  # here, not at the top: scipy.stats takes 0.5 s to import

    k, n = int(successes), int(trials)
    if k > n or k < 0:
        raise ValueError("binomial_two_sided_p_value: successes must be in [0, trials]")
    if not 0 <= p0 <= 1:
        raise ValueError("binomial_two_sided_p_value: p0 must be in [0, 1]")
    if p0 == 0:
        return 1.0 if k == 0 else 0.0
    if p0 == 1:
        return 1.0 if k == n else 0.0
    lower = float(binom.cdf(k, n, p0))
    upper = 1.0 if k == 0 else float(binom.sf(k - 1, n, p0))
    return min(1.0, 2 * min(lower, upper))


@dataclasses.dataclass(frozen=True)
class ChiSquare:
    statistic: float  # Pearson's X^2 after pooling
    dof: int          # cells after pooling minus one; 0 when no test was possible
    p_value: float    # P(X^2_dof >= statistic); NaN when dof == 0
    cells: int        # cells after pooling


def chi_square_goodness_of_fit(observed: Sequence[int],
                               expected_probability: Sequence[float]) -> ChiSquare:
    """Pearson's goodness of fit of counts against probabilities renormalised over the cells.

    Cells with zero probability and zero observations are dropped; a cell with zero probability
    but observations refutes the model (X^2 = inf, p = 0). Cells expected below 5 are pooled into
    one (Cochran 1954); if that pool is still below 5 it joins the smallest remaining cell.
    """
    observed = [int(o) for o in observed]
    probabilities = [float(p) for p in expected_probability]
    if len(observed) != len(probabilities):
        raise ValueError("observed and expected_probability differ in length")
    if any(not (math.isfinite(p) and p >= 0) for p in probabilities):
        raise ValueError("probabilities must be finite and >= 0")

    cells: list[list[float]] = []
    total_probability = 0.0
    total_observed = 0
    impossible = False
    for o, p in zip(observed, probabilities):
        if p == 0 and o == 0:
            continue
        if p == 0:
            impossible = True
        total_probability += p
        total_observed += o
        cells.append([float(o), p])
    if total_observed == 0:
        return ChiSquare(0.0, 0, math.nan, 0)
    if impossible or total_probability == 0:
        return ChiSquare(math.inf, max(1, len(cells) - 1), 0.0, len(cells))

    n = float(total_observed)
    for cell in cells:
        cell[1] = n * cell[1] / total_probability

    min_expected = 5.0
    pooled: list[list[float]] = []
    small = [0.0, 0.0]
    have_small = False
    for cell in cells:
        if cell[1] < min_expected:
            small[0] += cell[0]
            small[1] += cell[1]
            have_small = True
        else:
            pooled.append(cell)
    if have_small:
        if small[1] < min_expected and pooled:
            smallest = min(pooled, key=lambda c: c[1])  # first of equals, like std::min_element
            smallest[0] += small[0]
            smallest[1] += small[1]
        else:
            pooled.append(small)

    statistic = 0.0
    for o, e in pooled:
        d = o - e
        statistic += d * d / e
    dof = len(pooled) - 1
    p_value = gamma_q(dof / 2.0, statistic / 2) if dof > 0 else math.nan
    return ChiSquare(statistic, dof, p_value, len(pooled))


# --- the units people quote ------------------------------------------------------------------
# All take the unreliability u = 1 - R so that values near 1 keep their precision.

def nines_of(unreliability: float) -> float:
    """-log10(u): 0.999 has three nines; +inf when u == 0."""
    if math.isnan(unreliability):
        return math.nan
    if unreliability <= 0:
        return math.inf
    return -math.log10(unreliability)


def dpmo_of(unreliability: float) -> float:
    """Defects per million opportunities, 1e6 u."""
    return 1e6 * unreliability


def sigma_level_of(unreliability: float) -> float:
    """Six Sigma process sigma level Phi^-1(1 - u) + 1.5 (the conventional 1.5-sigma long-term
    shift): 3.4 DPMO -> 6.0. +inf when u == 0, -inf when u == 1."""
    if math.isnan(unreliability):
        return math.nan
    if unreliability <= 0:
        return math.inf
    if unreliability >= 1:
        return -math.inf
    return normal_upper_quantile(unreliability) + 1.5


# --- a run's summary, recomputed -------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Summary:
    """Everything a run concludes; the field names are the run file's root attributes."""
    requests: int
    failures: int
    reliability_empirical: float
    reliability_analytic: float
    unreliability_empirical: float
    unreliability_analytic: float
    reliability_ci_low: float
    reliability_ci_high: float
    ci_level: float
    z_score: float
    z_p_value: float             # normal approximation of the z-score
    reliability_p_value: float   # exact binomial test of the failures: what the verdict uses
    attribution_chi2: float
    attribution_dof: int
    attribution_p_value: float
    agrees: bool
    verdict: str

    @property
    def nines_empirical(self) -> float:
        return nines_of(self.unreliability_empirical)

    @property
    def nines_analytic(self) -> float:
        return nines_of(self.unreliability_analytic)

    @property
    def dpmo_empirical(self) -> float:
        return dpmo_of(self.unreliability_empirical)

    @property
    def dpmo_analytic(self) -> float:
        return dpmo_of(self.unreliability_analytic)

    @property
    def sigma_empirical(self) -> float:
        return sigma_level_of(self.unreliability_empirical)

    @property
    def sigma_analytic(self) -> float:
        return sigma_level_of(self.unreliability_analytic)


def fixed2(x: float) -> str:
    """"%.2f" as the engine's verdicts print it, nan and +-inf spelled as C++ does."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return "%.2f" % x


def _p_clause(p: float) -> str:
    if math.isnan(p):
        return "p n/a"
    if p < 1e-300:
        return "p < 1e-300"
    return "p = %.2g" % p


def verdict_text(z_score: float, reliability_p_value: float, chi2: ChiSquare) -> str:
    """The engine's one-line verdict, word for word."""
    z_ok = reliability_p_value >= VERDICT_ALPHA
    tested = chi2.dof > 0
    attribution_ok = not tested or chi2.p_value >= VERDICT_ALPHA
    if z_ok and attribution_ok:
        clause = "attribution " + _p_clause(chi2.p_value) if tested else "attribution n/a"
        return f"agrees with the analytic model (z = {fixed2(z_score)}, {clause})"
    text = "DISAGREES with the analytic model: "
    if not z_ok:
        text += (f"reliability z = {fixed2(z_score)} "
                 f"(exact binomial {_p_clause(reliability_p_value)})")
    if not attribution_ok:
        if not z_ok:
            text += "; "
        text += (f"attribution chi-square = {fixed2(chi2.statistic)}, dof {chi2.dof} "
                 f"({_p_clause(chi2.p_value)})")
    return text


def summarize(reliabilities: Sequence[float], requests: int,
              component_failures: Sequence[int], ci_level: float = 0.95) -> Summary:
    """Recompute a run's summary from the model and the first-failure counts alone."""
    requests = int(requests)
    counts = [int(c) for c in component_failures]
    if requests <= 0:
        raise ValueError("requests must be > 0")
    if len(counts) != len(reliabilities):
        raise ValueError("one failure count per component is required")
    failures = sum(counts)
    if failures > requests:
        raise ValueError("more failures than requests")
    u = chain_unreliability(reliabilities)
    interval = wilson_interval(requests - failures, requests, ci_level)
    # On the failure side, where both proportions are small and keep their digits.
    z = 0.0 - binomial_z_score(failures, requests, u)
    z_p = two_sided_p_value(z)
    exact_p = binomial_two_sided_p_value(failures, requests, u)
    if failures > 0:
        chi2 = chi_square_goodness_of_fit(counts, first_failure_probability(reliabilities))
    else:
        chi2 = ChiSquare(0.0, 0, math.nan, 0)
    agrees = exact_p >= VERDICT_ALPHA and (chi2.dof == 0 or chi2.p_value >= VERDICT_ALPHA)
    return Summary(
        requests=requests, failures=failures,
        reliability_empirical=(requests - failures) / requests,
        reliability_analytic=chain_reliability(reliabilities),
        unreliability_empirical=failures / requests,
        unreliability_analytic=u,
        reliability_ci_low=interval.low, reliability_ci_high=interval.high, ci_level=ci_level,
        z_score=z, z_p_value=z_p, reliability_p_value=exact_p,
        attribution_chi2=chi2.statistic, attribution_dof=chi2.dof,
        attribution_p_value=chi2.p_value,
        agrees=agrees, verdict=verdict_text(z, exact_p, chi2))
