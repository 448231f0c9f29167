"""Special functions the statistics need, written out so that nines depends on no SciPy.

Both reproduce Boost.Math (which the engine uses) to about 1e-15 relative in the ranges nines
meets; the tests compare them with SciPy where it happens to be installed.
"""
from __future__ import annotations

import math

__all__ = ["normal_quantile", "normal_upper_quantile", "gamma_q"]

_SQRT2 = math.sqrt(2.0)
_LOG_SQRT2PI = 0.5 * math.log(2.0 * math.pi)

# Acklam's rational approximation to the normal quantile (relative error < 1.15e-9), used only
# as the starting point of one Halley step, which brings it to full double precision.
_A = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02,
      1.383577518672690e02, -3.066479806614716e01, 2.506628277459239e00)
_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02,
      6.680131188771972e01, -1.328068155288572e01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00,
      -2.549671348593290e00, 4.374664141464968e00, 2.938163982698783e00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00,
      3.754408661907416e00)
_P_LOW = 0.02425


def _acklam(p: float) -> float:
    """Rough Phi^-1(p) for 0 < p <= 0.5."""
    if p < _P_LOW:
        q = math.sqrt(-2.0 * math.log(p))
        return (((((_C[0] * q + _C[1]) * q + _C[2]) * q + _C[3]) * q + _C[4]) * q + _C[5]) / (
            (((_D[0] * q + _D[1]) * q + _D[2]) * q + _D[3]) * q + 1.0)
    q = p - 0.5
    r = q * q
    return (((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5]) * q / (
        ((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1.0)


def _lower_tail_quantile(p: float) -> float:
    """Phi^-1(p) for 0 < p <= 0.5, to full precision.

    The residual Phi(x) - p is computed as erfc(-x / sqrt 2) / 2 - p, which keeps its relative
    precision for tiny p (x ~ -37 at p = 1e-300), where 1 - p would have rounded to 1; near
    p = 1/2 it uses erf instead, so that x ~ 0 keeps its relative precision too.
    """
    x = _acklam(p)
    centre = p > 0.25
    for _ in range(2):  # Halley converges cubically; the second step only polishes the last bit
        if centre:  # near p = 1/2: Phi(x) - p = erf(x / sqrt 2) / 2 - (p - 1/2), p - 1/2 exact
            e = 0.5 * math.erf(x / _SQRT2) - (p - 0.5)
        else:
            e = 0.5 * math.erfc(-x / _SQRT2) - p
        if e == 0:
            break
        # u = e / phi(x), in logs: phi(x) underflows for subnormal p (x ~ -38.5 at 1e-320).
        u = math.copysign(math.exp(math.log(abs(e)) + 0.5 * x * x + _LOG_SQRT2PI), e)
        x = x - u / (1.0 + 0.5 * x * u)
    return x


def normal_quantile(p: float) -> float:
    """Phi^-1(p), the standard normal quantile; -inf at 0, +inf at 1, NaN outside [0, 1]."""
    if math.isnan(p) or p < 0 or p > 1:
        return math.nan
    if p == 0:
        return -math.inf
    if p == 1:
        return math.inf
    if p <= 0.5:
        return _lower_tail_quantile(p)
    # 1 - p is exact for p in (0.5, 1) (Sterbenz), so the upper half is the mirrored lower tail.
    return -_lower_tail_quantile(1.0 - p)


def normal_upper_quantile(tail: float) -> float:
    """The z with P(Z > z) = tail, i.e. Phi^-1(1 - tail) without ever forming 1 - tail."""
    return -normal_quantile(tail)


# ---------------------------------------------------------------------------------------------
# Regularised upper incomplete gamma Q(a, x) = Gamma(a, x) / Gamma(a): the chi-square upper tail
# is P(X^2_k >= x) = Q(k / 2, x / 2). Series for x < a + 1 and Lentz's continued fraction
# otherwise (Numerical Recipes, 3rd ed., section 6.2), with the common prefix
# x^a e^-x / Gamma(a) computed the way Boost does for large a, so that it does not lose digits
# to the cancellation between a ln x, x and ln Gamma(a) (each ~ a ln a) when x is near a.

_EPS = 1e-17
_MAX_ITERATIONS = 100_000


def _log1pmx(t: float) -> float:
    """ln(1 + t) - t, accurate also for small |t|."""
    if abs(t) > 0.5:
        return math.log1p(t) - t
    # Alternating series -t^2/2 + t^3/3 - ...; |t| <= 0.5 converges to 1e-17 in < 60 terms.
    term = t
    total = 0.0
    k = 2
    while True:
        term *= -t
        contribution = term / k
        total += contribution
        if abs(contribution) <= 1e-17 * abs(total):
            return total
        k += 1


def _log_gamma_star(a: float) -> float:
    """ln of Gamma(a) / (sqrt(2 pi / a) (a / e)^a), by Stirling's series; for a >= 10.

    Terms B_2k / (2k (2k - 1) a^(2k-1)) up to k = 8; the first omitted one is < 2e-18 at a = 10.
    """
    coefficients = (1.0 / 12.0, -1.0 / 360.0, 1.0 / 1260.0, -1.0 / 1680.0, 1.0 / 1188.0,
                    -691.0 / 360360.0, 1.0 / 156.0, -3617.0 / 122400.0)
    inverse_square = 1.0 / (a * a)
    total = 0.0
    for c in reversed(coefficients):
        total = total * inverse_square + c
    return total / a


def _prefix(a: float, x: float) -> float:
    """x^a e^-x / Gamma(a)."""
    if a < 10:
        return math.exp(a * math.log(x) - x - math.lgamma(a))
    # (x/a)^a e^(a-x) = exp(a (ln(1+t) - t)) with t = (x - a) / a; the rest is Stirling.
    t = (x - a) / a
    return math.exp(a * _log1pmx(t) - _log_gamma_star(a)) * math.sqrt(a / (2.0 * math.pi))


def gamma_q(a: float, x: float) -> float:
    """Regularised upper incomplete gamma function Q(a, x) for a > 0, x >= 0."""
    if math.isnan(a) or math.isnan(x):
        return math.nan
    if a <= 0 or x < 0:
        raise ValueError(f"gamma_q needs a > 0 and x >= 0, got a={a}, x={x}")
    if x == 0:
        return 1.0
    if math.isinf(x):
        return 0.0
    prefix = _prefix(a, x)
    if prefix == 0.0:
        return 0.0 if x > a else 1.0
    if x < a + 1:
        # P(a, x) = prefix / a * sum_n x^n / ((a+1)...(a+n)); Q = 1 - P is not small here.
        term = 1.0 / a
        total = term
        ap = a
        for _ in range(_MAX_ITERATIONS):
            ap += 1.0
            term *= x / ap
            total += term
            if abs(term) < abs(total) * _EPS:
                break
        return 1.0 - prefix * total
    # Continued fraction for Q, modified Lentz.
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, _MAX_ITERATIONS):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < tiny:
            d = tiny
        c = b + an / c
        if abs(c) < tiny:
            c = tiny
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS * 4:
            break
    return prefix * h
