"""nines.analytic: known answers (the same ones the engine's unit tests pin) and identities."""
import math

import pytest

from nines import analytic as a


def test_the_essays_eight_parts_at_99_percent():
    assert a.chain_reliability([0.99] * 8) == pytest.approx(0.9227446944279201, rel=1e-15)
    assert a.chain_unreliability([0.99] * 8) == pytest.approx(1 - 0.99 ** 8, rel=1e-12)
    assert a.chain_reliability([0.9, 0.9]) == pytest.approx(0.81)  # "90% of 90%"


def test_first_failure_probabilities():
    r = [0.99, 0.995, 0.98, 0.9999995]
    q = a.first_failure_probability(r)
    assert q[0] == pytest.approx(0.01, rel=1e-15)
    assert q[1] == pytest.approx(0.99 * 0.005, rel=1e-15)
    assert q[2] == pytest.approx(0.99 * 0.995 * 0.02, rel=1e-15)
    assert q.sum() == pytest.approx(a.chain_unreliability(r), rel=1e-14)


def test_unreliability_keeps_its_digits_near_one():
    r = [1 - 1e-15] * 3
    assert a.chain_unreliability(r) == pytest.approx(3e-15, rel=1e-6)
    assert a.chain_unreliability([]) == 0.0
    assert a.chain_unreliability([0.5, 0.0]) == 1.0
    with pytest.raises(ValueError):
        a.chain_reliability([1.5])


def test_normal_quantile_levels():
    assert a.two_sided_normal_quantile(0.95) == pytest.approx(1.959963984540054, rel=1e-14)
    assert a.two_sided_normal_quantile(0.99) == pytest.approx(2.5758293035489004, rel=1e-14)
    assert a.two_sided_normal_quantile(0.6826894921370859) == pytest.approx(1.0, rel=1e-12)
    assert a.two_sided_normal_quantile(0) == 0
    assert math.isinf(a.two_sided_normal_quantile(1))


def test_wilson_known_answers_and_edges():
    i = a.wilson_interval(81, 100, 0.95)
    assert i.low == pytest.approx(0.7222115462093562, rel=1e-12)
    assert i.high == pytest.approx(0.8748524849023126, rel=1e-12)
    none = a.wilson_interval(0, 10)
    assert none.low == 0 and none.high == pytest.approx(0.2775327998628899, rel=1e-12)
    full = a.wilson_interval(10, 10)
    assert full.high == 1 and full.low == pytest.approx(1 - 0.2775327998628899, rel=1e-12)
    tight = a.wilson_interval(999_999_990, 1_000_000_000)
    assert tight.low < 0.99999999 < tight.high < 1
    with pytest.raises(ValueError):
        a.wilson_interval(1, 0)


def test_z_score_and_p_value():
    assert a.binomial_z_score(60, 100, 0.5) == pytest.approx(2.0)
    assert a.binomial_z_score(40, 100, 0.5) == pytest.approx(-2.0)
    assert a.binomial_z_score(0, 100, 0.0) == 0
    assert a.binomial_z_score(100, 100, 1.0) == 0
    assert a.binomial_z_score(1, 100, 0.0) == math.inf
    assert a.binomial_z_score(99, 100, 1.0) == -math.inf
    assert a.two_sided_p_value(0) == 1
    assert a.two_sided_p_value(-1.959963984540054) == pytest.approx(0.05, rel=1e-12)
    assert a.two_sided_p_value(10) == pytest.approx(1.5239706048321186e-23, rel=1e-12)
    assert a.two_sided_p_value(math.inf) == 0


def test_chi_square_known_answers():
    r = a.chi_square_goodness_of_fit([5098, 4902], [0.5, 0.5])
    assert r.statistic == pytest.approx(3.8416, rel=1e-12) and r.dof == 1
    assert r.p_value == pytest.approx(0.05, abs=1e-5) and r.p_value < 0.05
    four = a.chi_square_goodness_of_fit([60, 40], [0.5, 0.5])
    assert four.statistic == pytest.approx(4.0) and four.cells == 2
    assert four.p_value == pytest.approx(0.04550026389635842, rel=1e-12)
    three = a.chi_square_goodness_of_fit([40, 30, 30], [1 / 3] * 3)
    assert three.dof == 2
    assert three.p_value == pytest.approx(math.exp(-three.statistic / 2), rel=1e-12)
    none = a.chi_square_goodness_of_fit([0, 0], [0.5, 0.5])
    assert none.dof == 0 and math.isnan(none.p_value)


@pytest.mark.parametrize("observed, probabilities, cells, statistic", [
    # 90, 6, 2, 2 expected: the small pool (4) is still < 5 and joins the smallest cell (6).
    ([90, 6, 2, 2], [0.9, 0.06, 0.02, 0.02], 2, 0.0),
    # 80, 10, 4, 3, 3: the pool (10) stands alone.
    ([80, 10, 4, 3, 3], [0.8, 0.1, 0.04, 0.03, 0.03], 3, 0.0),
    # renormalised: the same with probabilities scaled by 1e-6
    ([80, 10, 4, 3, 3], [8e-7, 1e-7, 4e-8, 3e-8, 3e-8], 3, 0.0),
    # everything small: one cell, no test
    ([1, 2], [0.5, 0.5], 1, 0.0),
    # zero-probability cells without observations are dropped
    ([60, 40, 0], [0.5, 0.5, 0.0], 2, 4.0),
])
def test_chi_square_pooling(observed, probabilities, cells, statistic):
    r = a.chi_square_goodness_of_fit(observed, probabilities)
    assert r.cells == cells
    assert r.dof == cells - 1
    assert r.statistic == pytest.approx(statistic, abs=1e-12)
    if r.dof == 0:
        assert math.isnan(r.p_value)


def test_chi_square_impossible_and_invalid():
    impossible = a.chi_square_goodness_of_fit([60, 40, 1], [0.5, 0.5, 0])
    assert impossible.p_value == 0 and impossible.dof >= 1 and math.isinf(impossible.statistic)
    with pytest.raises(ValueError):
        a.chi_square_goodness_of_fit([1, 2], [0.5])
    with pytest.raises(ValueError):
        a.chi_square_goodness_of_fit([1, 2], [0.5, -0.5])


def test_units():
    assert a.nines_of(1e-3) == pytest.approx(3.0, rel=1e-15)
    assert a.nines_of(1e-9) == pytest.approx(9.0, rel=1e-15)
    assert math.isinf(a.nines_of(0)) and a.nines_of(1) == 0
    assert a.dpmo_of(3.4e-6) == pytest.approx(3.4)
    assert a.sigma_level_of(3.4e-6) == pytest.approx(6.0, abs=1e-3)  # Six Sigma
    assert a.sigma_level_of(0.5) == pytest.approx(1.5, abs=1e-15)
    assert a.sigma_level_of(1e-20) == pytest.approx(9.262340089798408 + 1.5, rel=1e-12)
    assert a.sigma_level_of(0) == math.inf and a.sigma_level_of(1) == -math.inf
    assert math.isfinite(a.sigma_level_of(1e-320))


def test_exact_binomial_p_value():
    p = a.binomial_two_sided_p_value
    assert p(2, 10, 0.5) == pytest.approx(2 * 56 / 1024, rel=1e-12)  # P(X <= 2) = 56/1024
    assert p(8, 10, 0.5) == pytest.approx(2 * 56 / 1024, rel=1e-12)
    assert p(5, 10, 0.5) == 1  # both tails above 1/2: capped
    n, q = 10 ** 9, 1e-11  # 0.01 failures expected
    assert p(0, n, q) == 1
    assert p(1, n, q) == pytest.approx(-2 * math.expm1(n * math.log1p(-q)), rel=1e-9)
    assert p(0, 100, 0.0) == 1 and p(1, 100, 0.0) == 0
    assert p(100, 100, 1.0) == 1 and p(99, 100, 1.0) == 0
    with pytest.raises(ValueError):
        p(101, 100, 0.5)


def test_one_failure_where_a_hundredth_was_expected_agrees():
    # z = -9.9 and its normal p-value would reject at any level; the exact test does not.
    s = a.summarize([1 - 1e-11], 10 ** 9, [1])
    assert s.z_score < -9 and s.z_p_value < 1e-20
    assert s.reliability_p_value == pytest.approx(0.0199, rel=1e-3)
    assert s.agrees and s.verdict.startswith("agrees with the analytic model (z = -9.90, ")


def test_summarize_and_verdict():
    s = a.summarize([0.99] * 8, 1_000_000, [10000, 9900, 9800, 9700, 9600, 9500, 9400, 9300])
    assert s.failures == 77200 and s.reliability_empirical == 0.9228
    assert s.reliability_ci_low < s.reliability_empirical < s.reliability_ci_high
    assert s.agrees and s.verdict.startswith("agrees with the analytic model (z = 0.21, ")
    bad = a.summarize([0.99, 0.99], 10_000, [400, 0])
    assert not bad.agrees
    assert bad.verdict.startswith("DISAGREES with the analytic model: reliability z = ")
    assert "(exact binomial p = " in bad.verdict
    assert "attribution chi-square" in bad.verdict
    clean = a.summarize([0.99], 100, [0])
    assert clean.attribution_dof == 0 and "attribution n/a" in clean.verdict
    with pytest.raises(ValueError):
        a.summarize([0.99], 10, [11])
