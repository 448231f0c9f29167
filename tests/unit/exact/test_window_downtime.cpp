// P(a window's downtime stays within the budget) for one component (exponential failures,
// fixed detection delay, exponential repair): edge cases in closed form, and the series
// against an independent Monte Carlo of the component's timeline (fixed seeds; the tolerance
// is 5 binomial standard errors).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include <catch2/catch.hpp>

#include "nines/exact/window_downtime.hpp"

namespace {

constexpr double kHour = 3600, kDay = 86400;

// The downtime in [0, window] of one timeline that starts up: up ~ Exp(lambda), then down for
// d + Exp(mu), repeated; an outage running at the window's end counts up to the end.
double simulate_downtime(std::mt19937_64& rng, double lambda, double d, double mu, double window) {
  std::exponential_distribution<double> up(lambda), repair(mu);
  double t = 0, downtime = 0;
  for (;;) {
    t += up(rng);
    if (t >= window) return downtime;
    const double down = d + repair(rng);
    downtime += std::min(down, window - t);
    t += down;
    if (t >= window) return downtime;
  }
}

}  // namespace

TEST_CASE("edge cases in closed form", "[window_downtime]") {
  const double lambda = 1 / (10 * kDay), mu = 1 / kHour, d = 300, window = 30 * kDay;
  // x = 0: no failure at all in the window.
  const auto zero = nines::window_downtime_within(lambda, d, mu, window, 0);
  CHECK(zero.within == Approx(std::exp(-lambda * window)).epsilon(1e-14));
  CHECK(zero.beyond == Approx(-std::expm1(-lambda * window)).epsilon(1e-14));
  // A budget below one detection delay: at most zero failures fit.
  const auto tight = nines::window_downtime_within(lambda, d, mu, window, 200);
  CHECK(tight.within == Approx(std::exp(-lambda * (window - 200))).epsilon(1e-14));
  // One failure fits when x >= d: P(N = 0) + P(N = 1) P(R <= x - d).
  const double x = 2 * kHour, m = lambda * (window - x);
  const auto one = nines::window_downtime_within(lambda, 5000, mu, window, x);
  CHECK(one.within ==
        Approx(std::exp(-m) + m * std::exp(-m) * -std::expm1(-mu * (x - 5000))).epsilon(1e-13));
  CHECK(one.within + one.beyond == Approx(1).epsilon(1e-15));
  CHECK(nines::window_downtime_within(lambda, d, mu, window, window).within == 1);
  CHECK(nines::window_downtime_within(lambda, d, mu, window, -1).within == 0);
  CHECK(nines::window_downtime_within(0, d, mu, window, 0).within == 1);
  CHECK_THROWS_AS(nines::window_downtime_within(lambda, d, 0, window, x), std::invalid_argument);
  CHECK_THROWS_AS(nines::window_downtime_within(-1, d, mu, window, x), std::invalid_argument);
  CHECK_THROWS_AS(nines::window_downtime_within(lambda, d, mu, 0, x), std::invalid_argument);
}

TEST_CASE("the series against a Monte Carlo of the timeline", "[window_downtime]") {
  struct Case {
    double mttf, delay, mttr, window, budget;
  };
  // An SLO-like case (99.9% over 30 days: 43.2 minutes), a busy component with many outages
  // per window, no detection delay, and a delay that eats most of the budget.
  const Case cases[] = {
      {20 * kDay, 300, 0.5 * kHour, 30 * kDay, 0.001 * 30 * kDay},
      {2 * kDay, 600, 2 * kHour, 30 * kDay, 30 * kHour},
      {1 * kDay, 0, 3 * kHour, 7 * kDay, 10 * kHour},
      {5 * kDay, 3000, 0.25 * kHour, 30 * kDay, 2.2 * kHour},
  };
  std::mt19937_64 rng(20260511);
  const int n = 200'000;
  for (const Case& k : cases) {
    const auto exact =
        nines::window_downtime_within(1 / k.mttf, k.delay, 1 / k.mttr, k.window, k.budget);
    std::uint64_t within = 0;
    for (int i = 0; i < n; ++i) {
      within += simulate_downtime(rng, 1 / k.mttf, k.delay, 1 / k.mttr, k.window) <= k.budget;
    }
    const double p = exact.within;
    const double z = (static_cast<double>(within) / n - p) / std::sqrt(p * (1 - p) / n);
    INFO("mttf " << k.mttf << " delay " << k.delay << " budget " << k.budget << ": exact " << p
                 << ", simulated " << static_cast<double>(within) / n << ", z " << z);
    CHECK(p > 0.01);
    CHECK(p < 0.99);
    CHECK(std::abs(z) < 5);
    CHECK(exact.within + exact.beyond == Approx(1).epsilon(1e-14));
  }
}
