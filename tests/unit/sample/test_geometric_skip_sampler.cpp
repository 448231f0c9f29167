// The geometric-skip sampler against the analytic model and against itself across schedules.
#include <oneapi/tbb/global_control.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "nines/sample/geometric_skip_sampler.hpp"
#include "support/chain_counts.hpp"

using nines::ChainAnalytics;
using nines::GeometricSkipSampler;

namespace {
double binomial_z(std::uint64_t observed, std::uint64_t n, double p) {
  return (static_cast<double>(observed) - static_cast<double>(n) * p) /
         std::sqrt(static_cast<double>(n) * p * (1 - p));
}

nines::test::ChainCounts run_skip(const ChainAnalytics& m, std::uint64_t n, std::uint64_t seed,
                                  std::size_t threads) {
  return nines::test::chain_counts(m.reliabilities(), n, seed, nines::SamplerKind::geometric_skip,
                                   nines::kDefaultChunkRequests, threads);
}
}  // namespace

TEST_CASE("skip sampling agrees with the analytic model (|z| < 5)", "[skip][statistical]") {
  for (const auto& r : {std::vector<double>(8, 0.999), std::vector<double>{0.9999, 0.99, 0.999},
                        std::vector<double>{0.5, 0.7}}) {
    const ChainAnalytics m(r);
    const std::uint64_t n = 20'000'000;
    const auto result = run_skip(m, n, 31, 2);
    CHECK(std::abs(binomial_z(result.failures, n, m.unreliability())) < 5);
    for (std::size_t k = 0; k < m.size(); ++k)
      CHECK(std::abs(
                binomial_z(result.component_failures[k], n, m.first_failure_probability()[k])) < 5);
  }
}

TEST_CASE("skip sampling does not depend on the thread count", "[skip]") {
  const ChainAnalytics m({0.999, 0.9995, 0.99});
  const auto one = run_skip(m, 30'000'001, 8, 1);
  const auto two = run_skip(m, 30'000'001, 8, 2);
  CHECK(one.component_failures == two.component_failures);
}

TEST_CASE("skip sampling: gaps are geometric", "[skip][statistical]") {
  // P(first failure of a chunk at request g) = (1-Q)^g Q: check the mean gap over many chunks.
  const ChainAnalytics m({0.99});
  const GeometricSkipSampler s(m);
  std::vector<std::uint64_t> req;
  std::vector<std::int32_t> comp;
  std::vector<std::uint64_t> counts(2, 0);
  double sum = 0, sum_sq = 0;
  const int chunks = 20000;
  for (int c = 0; c < chunks; ++c) {
    req.clear();
    comp.clear();
    s.record_failures(4, static_cast<std::uint64_t>(c), 0, 100000, req, comp, counts.data());
    REQUIRE(!req.empty());
    const double g = static_cast<double>(req[0]);
    sum += g;
    sum_sq += g * g;
  }
  const double mean = sum / chunks;
  const double q = 0.01;
  const double expected = (1 - q) / q, sd = std::sqrt(1 - q) / q;
  CHECK(std::abs(mean - expected) / (sd / std::sqrt(chunks)) < 5);
}

TEST_CASE("skip sampling handles perfect and dead chains", "[skip]") {
  std::vector<std::uint64_t> counts(3, 0);
  GeometricSkipSampler({ChainAnalytics({1.0, 1.0})}).count(1, 0, 0, 1000, counts.data());
  CHECK(counts == std::vector<std::uint64_t>{0, 0, 1000});
  std::vector<std::uint64_t> dead(3, 0);
  GeometricSkipSampler({ChainAnalytics({1.0, 0.0})}).count(1, 0, 0, 1000, dead.data());
  CHECK(dead == std::vector<std::uint64_t>{0, 1000, 0});
}
