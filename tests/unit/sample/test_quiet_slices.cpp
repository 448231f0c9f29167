// The bad quiet slices of a timeslice SLO drawn directly (sample/quiet_slices.hpp): the
// probability against a direct double sum of the two Poisson laws, and the draws against it.
#include <catch2/catch.hpp>

#include <cmath>

#include "nines/sample/quiet_slices.hpp"

using namespace nines;

namespace {

// P(F (1 - t) > t G) by summing both Poisson laws term by term.
double direct(double p, double t, double n) {
  const double mf = p * n, mg = (1 - p) * n;
  double total = 0;
  for (int f = 1; f < 400; ++f) {
    const double pf = std::exp(f * std::log(mf) - mf - std::lgamma(f + 1.0));
    for (int g = 0; g < 4000; ++g) {
      if (!(f * (1 - t) > t * g)) break;
      total += pf * std::exp((g > 0 ? g * std::log(mg) : 0.0) - mg - std::lgamma(g + 1.0));
    }
  }
  return total;
}

}  // namespace

TEST_CASE("the quiet bad-slice probability is the two Poisson laws' sum") {
  for (const auto& [p, t, n] : {std::array<double, 3>{0.01, 0.05, 30},
                                {0.001, 0.05, 80},
                                {0.0003, 0.01, 2400},
                                {0.02, 0.5, 5},
                                {0.1, 0.05, 100}}) {
    CAPTURE(p, t, n);
    CHECK(quiet_bad_probability(p, t, n) == Approx(direct(p, t, n)).epsilon(1e-9).margin(1e-300));
  }
  // Large means (errors of mean 1,200): the normal approximation of F (1 - t) - t G, mean
  // -60 and standard deviation 34.6, gives about 4.2%; far from it means the sum is wrong.
  {
    const double p = 0.002, t = 0.0021, n = 600000;
    const double mean = p * n * (1 - t) - t * (1 - p) * n;
    const double sd = std::sqrt((1 - t) * (1 - t) * p * n + t * t * (1 - p) * n);
    const double normal = 0.5 * std::erfc(-mean / sd / std::sqrt(2.0));
    CAPTURE(normal);
    CHECK(quiet_bad_probability(p, t, n) == Approx(normal).margin(0.01));
  }
  CHECK(quiet_bad_probability(0.01, 0.05, 0) == 0);
  CHECK(quiet_bad_probability(0, 0.05, 100) == 0);
}

TEST_CASE("drawn bad quiet slices are Bernoulli trials of that probability") {
  // A day of 10-second slices under the daily traffic profile of a constant rate: each slice
  // bad with P(n), independently. The count over many histories against its binomial law.
  TrafficProfile profile;
  profile.rate_per_second = 3;
  TrafficIntegral traffic;
  traffic.build(profile);
  const double slice = 10, horizon = 86400, p = 0.01, t = 0.05;
  QuietSlices quiet(p, t, 1.0, slice, horizon, traffic);
  const double P = quiet_bad_probability(p, t, 30);
  CHECK(quiet.probability(1) == Approx(P).epsilon(1e-9));
  const std::uint64_t slices = 8640;
  double total = 0;
  const std::uint32_t histories = 200;
  std::uint64_t runs_ok = 0;
  for (std::uint32_t h = 0; h < histories; ++h) {
    OutageStream s(42, h, 0, OutagePurpose::alert, 7);
    std::vector<std::array<std::uint64_t, 2>> bad;
    quiet.draw({{1, 4000}, {4101, slices}}, s, bad);
    std::uint64_t n = 0;
    bool inside = true;
    for (std::size_t i = 0; i < bad.size(); ++i) {
      n += bad[i][1] - bad[i][0] + 1;
      inside = inside && !(bad[i][0] <= 4100 && bad[i][1] >= 4001) && bad[i][1] <= slices;
      if (i > 0) inside = inside && bad[i][0] > bad[i - 1][1] + 1;
    }
    runs_ok += inside;
    total += static_cast<double>(n);
  }
  CHECK(runs_ok == histories);
  const double trials = static_cast<double>((slices - 100) * histories);
  const double z = (total - trials * P) / std::sqrt(trials * P * (1 - P));
  CAPTURE(P, total, z);
  CHECK(std::fabs(z) < 5);
}
