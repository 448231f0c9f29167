#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "nines/stats/statistics.hpp"

using nines::chi_square_goodness_of_fit;

TEST_CASE("two_sided_normal_quantile matches known values", "[statistics]") {
  CHECK(nines::two_sided_normal_quantile(0.95) == Approx(1.959963984540054).epsilon(1e-14));
  CHECK(nines::two_sided_normal_quantile(0.99) == Approx(2.5758293035489004).epsilon(1e-14));
  CHECK(nines::two_sided_normal_quantile(0.6826894921370859) == Approx(1.0).epsilon(1e-12));
  CHECK(nines::two_sided_normal_quantile(0) == 0);
  CHECK(std::isinf(nines::two_sided_normal_quantile(1)));
}

TEST_CASE("wilson_interval known answers and edges", "[statistics]") {
  // 81/100 at 95%: center 0.80055..., bounds computed from the closed form to 16 digits.
  const nines::Interval i = nines::wilson_interval(81, 100, 0.95);
  CHECK(i.low == Approx(0.7222115462093562).epsilon(1e-12));
  CHECK(i.high == Approx(0.8748524849023126).epsilon(1e-12));
  CHECK(i.low == Approx(0.7222).margin(1e-4));
  CHECK(i.high == Approx(0.8749).margin(1e-4));

  const nines::Interval none = nines::wilson_interval(0, 10, 0.95);
  CHECK(none.low == 0);
  CHECK(none.high == Approx(0.2775327998628899).epsilon(1e-12));
  const nines::Interval all = nines::wilson_interval(10, 10, 0.95);
  CHECK(all.high == 1);
  CHECK(all.low == Approx(1 - 0.2775327998628899).epsilon(1e-12));

  // Near 1 the interval stays non-degenerate and brackets the estimate.
  const nines::Interval tight = nines::wilson_interval(999'999'990, 1'000'000'000, 0.95);
  CHECK(tight.low < 0.99999999);
  CHECK(tight.high > 0.99999999);
  CHECK(tight.high < 1);

  CHECK_THROWS(nines::wilson_interval(1, 0, 0.95));
}

TEST_CASE("binomial_z_score including degenerate p0", "[statistics]") {
  CHECK(nines::binomial_z_score(60, 100, 0.5) == Approx(2.0));
  CHECK(nines::binomial_z_score(40, 100, 0.5) == Approx(-2.0));
  CHECK(nines::binomial_z_score(0, 100, 0.0) == 0);
  CHECK(nines::binomial_z_score(100, 100, 1.0) == 0);
  CHECK(nines::binomial_z_score(1, 100, 0.0) == std::numeric_limits<double>::infinity());
  CHECK(nines::binomial_z_score(99, 100, 1.0) == -std::numeric_limits<double>::infinity());
}

TEST_CASE("two_sided_normal_p_value", "[statistics]") {
  CHECK(nines::two_sided_normal_p_value(0) == 1);
  CHECK(nines::two_sided_normal_p_value(1.959963984540054) == Approx(0.05).epsilon(1e-12));
  CHECK(nines::two_sided_normal_p_value(-1.959963984540054) == Approx(0.05).epsilon(1e-12));
  // Far tail keeps relative precision: 2 * Phi(-10) = 1.5239706048321186e-23.
  CHECK(nines::two_sided_normal_p_value(10) == Approx(1.5239706048321186e-23).epsilon(1e-12));
  CHECK(nines::two_sided_normal_p_value(std::numeric_limits<double>::infinity()) == 0);
}

TEST_CASE("exact two-sided binomial p-value", "[statistics]") {
  using nines::binomial_two_sided_p_value;
  // Binomial(10, 1/2): P(X <= 2) = P(X >= 8) = 56 / 1024.
  CHECK(binomial_two_sided_p_value(2, 10, 0.5) == Approx(2 * 56.0 / 1024).epsilon(1e-12));
  CHECK(binomial_two_sided_p_value(8, 10, 0.5) == Approx(2 * 56.0 / 1024).epsilon(1e-12));
  CHECK(binomial_two_sided_p_value(5, 10, 0.5) == 1);  // both tails above 1/2: capped
  CHECK(binomial_two_sided_p_value(0, 10, 0.5) == Approx(2.0 / 1024).epsilon(1e-12));
  CHECK(binomial_two_sided_p_value(10, 10, 0.5) == Approx(2.0 / 1024).epsilon(1e-12));
  // Few expected: n p = 0.01. P(X >= 1) = 1 - (1 - p)^n; P(X >= 3) ~ 0.01^3 / 6.
  const double p = 1e-11, n = 1e9;
  CHECK(binomial_two_sided_p_value(0, 1'000'000'000, p) == 1);
  CHECK(binomial_two_sided_p_value(1, 1'000'000'000, p) ==
        Approx(-2 * std::expm1(n * std::log1p(-p))).epsilon(1e-9));
  CHECK(binomial_two_sided_p_value(3, 1'000'000'000, p) ==
        Approx(2 * 1e-6 / 6 * std::exp(-0.01) * (1 + 0.01 / 4)).epsilon(1e-4));
  // Many expected: close to the normal approximation of the z-score (continuity aside).
  const double z = nines::binomial_z_score(501'000, 1'000'000, 0.5);
  CHECK(binomial_two_sided_p_value(501'000, 1'000'000, 0.5) ==
        Approx(nines::two_sided_normal_p_value(z)).epsilon(0.02));
  // Degenerate p0.
  CHECK(binomial_two_sided_p_value(0, 100, 0.0) == 1);
  CHECK(binomial_two_sided_p_value(1, 100, 0.0) == 0);
  CHECK(binomial_two_sided_p_value(100, 100, 1.0) == 1);
  CHECK(binomial_two_sided_p_value(99, 100, 1.0) == 0);
  CHECK_THROWS_AS(binomial_two_sided_p_value(101, 100, 0.5), std::invalid_argument);
}

TEST_CASE("chi-square p-value at the 5% critical value", "[statistics]") {
  // Cells {o, n - o} with probabilities {1/2, 1/2} give X^2 = (2o - n)^2 / n. With n = 10000
  // and o = 5098 that is 3.8416, just above the 95th percentile 3.84145882 of chi-square(1).
  const auto r = chi_square_goodness_of_fit({5098, 4902}, {0.5, 0.5});
  CHECK(r.statistic == Approx(3.8416).epsilon(1e-12));
  CHECK(r.dof == 1);
  CHECK(r.p_value == Approx(0.05).margin(1e-5));
  CHECK(r.p_value < 0.05);

  // 60/40 of 100: X^2 = 4, P(chi2_1 >= 4) = erfc(sqrt 2) = 0.04550026389635842.
  const auto four = chi_square_goodness_of_fit({60, 40}, {0.5, 0.5});
  CHECK(four.statistic == Approx(4.0));
  CHECK(four.cells == 2);
  CHECK(four.p_value == Approx(0.04550026389635842).epsilon(1e-10));

  // Three cells: dof 2, where P(chi2_2 >= x) = exp(-x / 2) exactly.
  const auto three = chi_square_goodness_of_fit({40, 30, 30}, {1.0 / 3, 1.0 / 3, 1.0 / 3});
  CHECK(three.dof == 2);
  CHECK(three.p_value == Approx(std::exp(-three.statistic / 2)).epsilon(1e-12));

  // No observations: no test.
  const auto none = chi_square_goodness_of_fit({0, 0}, {0.5, 0.5});
  CHECK(none.dof == 0);
  CHECK(std::isnan(none.p_value));
}

TEST_CASE("chi-square pooling of small expected counts", "[statistics]") {
  // Expected counts 90, 6, 2, 2 (n = 100): the two cells below 5 pool into one of 4, which is
  // still below 5 and joins the smallest remaining cell (6): cells {90, 10} -> dof 1.
  const auto r = chi_square_goodness_of_fit({90, 6, 2, 2}, {0.9, 0.06, 0.02, 0.02});
  CHECK(r.cells == 2);
  CHECK(r.dof == 1);
  CHECK(r.statistic == Approx(0.0).margin(1e-12));
  CHECK(r.p_value == Approx(1.0));

  // Pool big enough to stand alone: expected 80, 10, 4, 3, 3 -> {80, 10, 10}.
  const auto s = chi_square_goodness_of_fit({80, 10, 4, 3, 3}, {0.8, 0.1, 0.04, 0.03, 0.03});
  CHECK(s.cells == 3);
  CHECK(s.dof == 2);

  // Probabilities are renormalised: the same test with probabilities scaled by 1e-6.
  const auto t = chi_square_goodness_of_fit({80, 10, 4, 3, 3}, {8e-7, 1e-7, 4e-8, 3e-8, 3e-8});
  CHECK(t.cells == 3);
  CHECK(t.statistic == Approx(s.statistic).margin(1e-12));

  // Everything small: one cell, no test.
  const auto u = chi_square_goodness_of_fit({1, 2}, {0.5, 0.5});
  CHECK(u.cells == 1);
  CHECK(u.dof == 0);
  CHECK(std::isnan(u.p_value));

  // Zero-probability cells without observations are dropped; with observations p = 0.
  const auto dropped = chi_square_goodness_of_fit({60, 40, 0}, {0.5, 0.5, 0});
  CHECK(dropped.cells == 2);
  CHECK(dropped.statistic == Approx(4.0));
  const auto impossible = chi_square_goodness_of_fit({60, 40, 1}, {0.5, 0.5, 0});
  CHECK(impossible.p_value == 0);
  CHECK(impossible.dof >= 1);
  CHECK(std::isinf(impossible.statistic));

  CHECK_THROWS(chi_square_goodness_of_fit({1, 2}, {0.5}));
  CHECK_THROWS(chi_square_goodness_of_fit({1, 2}, {0.5, -0.5}));
}

TEST_CASE("presentation units: nines and DPMO and sigma level", "[statistics]") {
  CHECK(nines::nines_of(1e-3) == Approx(3.0).epsilon(1e-15));
  CHECK(nines::nines_of(1e-9) == Approx(9.0).epsilon(1e-15));
  CHECK(std::isinf(nines::nines_of(0)));
  CHECK(nines::nines_of(1) == 0);

  CHECK(nines::dpmo_of(3.4e-6) == Approx(3.4));

  CHECK(nines::sigma_level_of(3.4e-6) == Approx(6.0).margin(1e-3));
  CHECK(nines::sigma_level_of(0.5) == Approx(1.5).margin(1e-15));
  // 1 - 1e-20 == 1 in double, yet the complement keeps the tail: Phi^-1(1 - 1e-20) = 9.262.
  CHECK(nines::sigma_level_of(1e-20) == Approx(9.262340089798408 + 1.5).epsilon(1e-10));
  CHECK(nines::sigma_level_of(0) == std::numeric_limits<double>::infinity());
  CHECK(nines::sigma_level_of(1) == -std::numeric_limits<double>::infinity());
  CHECK(std::isfinite(nines::sigma_level_of(1e-320)));  // subnormal still gives a number
}
