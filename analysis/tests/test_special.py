"""nines.stats.special against closed forms, exact arithmetic and (where installed) SciPy."""
import math
from decimal import Decimal, getcontext

import numpy as np
import pytest

from nines.stats.special import gamma_q, normal_quantile, normal_upper_quantile


@pytest.mark.parametrize("p, z", [
    (0.975, 1.959963984540054),
    (0.995, 2.5758293035489004),
    (0.5, 0.0),
    (0.8413447460685429, 1.0),          # Phi(1)
    (1e-20, -9.262340089798408),
    (3.4e-6, -4.499854470025007),       # the six sigma tail (engine: sigma_level_of(3.4e-6))
])
def test_normal_quantile_known_values(p, z):
    assert normal_quantile(p) == pytest.approx(z, rel=1e-13, abs=1e-15)


def test_normal_quantile_edges_and_symmetry():
    assert normal_quantile(0) == -math.inf
    assert normal_quantile(1) == math.inf
    assert math.isnan(normal_quantile(-0.1)) and math.isnan(normal_quantile(math.nan))
    for p in (1e-12, 0.01, 0.3, 0.49):  # 1 - p is inexact, hence the loose tolerance
        assert normal_quantile(1 - p) == pytest.approx(-normal_quantile(p), rel=1e-4)
    for p in (1e-300, 1e-12, 0.01, 0.3, 0.49, 0.7, 0.999):
        assert normal_upper_quantile(p) == -normal_quantile(p)
    # Deep tail keeps its precision: Phi(x) reproduces p to 1e-13 relative.
    for p in (1e-300, 1e-100, 1e-20):
        x = normal_quantile(p)
        assert 0.5 * math.erfc(-x / math.sqrt(2)) == pytest.approx(p, rel=1e-13)


def test_normal_quantile_matches_scipy():
    special = pytest.importorskip("scipy.special")
    for p in np.concatenate([np.logspace(-300, -0.31, 500), np.linspace(0.01, 0.99, 197)]):
        expected = special.ndtri(p)
        assert normal_quantile(float(p)) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def _exact_q(a: int, x: float) -> Decimal:
    """Q(a, x) = e^-x sum_{k<a} x^k / k! for integer a, to 60 digits."""
    getcontext().prec = 60
    xd = Decimal(x)
    term, total = Decimal(1), Decimal(0)
    for k in range(a):
        if k:
            term = term * xd / k
        total += term
    return total * (-xd).exp()


@pytest.mark.parametrize("a", [1, 2, 3, 5, 9, 10, 11, 15, 20, 50, 100, 400])
def test_gamma_q_integer_a_against_exact_sums(a):
    for x in np.linspace(0.05, 3 * a + 40, 40):
        exact = _exact_q(a, float(x))
        if exact < Decimal("1e-250"):
            continue
        got = gamma_q(a, float(x))
        assert abs((Decimal(got) - exact) / exact) < Decimal("1e-12"), (a, x, got, exact)


def test_gamma_q_half_integer_closed_forms():
    # Q(1/2, x) = erfc(sqrt x); Q(3/2, x) = erfc(sqrt x) + 2 sqrt(x / pi) e^-x.
    for x in (1e-6, 0.01, 0.3, 1.0, 2.5, 10.0, 50.0, 300.0):
        assert gamma_q(0.5, x) == pytest.approx(math.erfc(math.sqrt(x)), rel=1e-13)
        q32 = math.erfc(math.sqrt(x)) + 2 * math.sqrt(x / math.pi) * math.exp(-x)
        assert gamma_q(1.5, x) == pytest.approx(q32, rel=1e-13)


def test_gamma_q_matches_scipy():
    special = pytest.importorskip("scipy.special")
    for a in (0.5, 1.5, 2.5, 3.5, 4.5, 7.5, 12.5, 30.5, 99.5, 250.5):
        for x in np.linspace(0.01, 3 * a + 40, 50):
            expected = special.gammaincc(a, x)
            if expected > 1e-250:
                assert gamma_q(a, float(x)) == pytest.approx(expected, rel=1e-12), (a, x)


def test_gamma_q_edges():
    assert gamma_q(3, 0) == 1.0
    assert gamma_q(3, math.inf) == 0.0
    assert gamma_q(2, 1e6) == 0.0
    assert math.isnan(gamma_q(math.nan, 1))
    with pytest.raises(ValueError):
        gamma_q(0, 1)
    with pytest.raises(ValueError):
        gamma_q(1, -1)
