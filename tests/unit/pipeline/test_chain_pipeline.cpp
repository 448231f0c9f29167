// Chains through the pipeline (ChainPipeline's kernel, the driver): thread-count independence,
// agreement with the analytic model, stop requests, and the kernel's own checks.
// Statistical tolerances come from the sampling error: each count is binomial, and a correct
// engine exceeds |z| = 5 with probability 6e-7 per check.
#include <oneapi/tbb/global_control.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "nines/base/error.hpp"

#include "nines/pipeline/chain_pipeline.hpp"
#include "support/chain_counts.hpp"

using nines::ChainAnalytics;
using nines::RecordMode;

namespace {
nines::test::ChainCounts run_counts(const ChainAnalytics& m, std::uint64_t n, std::uint64_t seed,
                                    std::size_t threads, std::uint64_t chunk) {
  return nines::test::chain_counts(m.reliabilities(), n, seed, nines::SamplerKind::per_request,
                                   chunk, threads);
}

double binomial_z(std::uint64_t observed, std::uint64_t n, double p) {
  const double sd = std::sqrt(static_cast<double>(n) * p * (1 - p));
  if (sd == 0) return static_cast<double>(observed) == static_cast<double>(n) * p ? 0 : INFINITY;
  return (static_cast<double>(observed) - static_cast<double>(n) * p) / sd;
}
}  // namespace

TEST_CASE("counts do not depend on the thread count or the chunk size", "[simulation]") {
  const ChainAnalytics m({0.99, 0.95, 0.999, 0.9});
  const auto one = run_counts(m, 3'000'001, 77, 1, 1 << 16);
  const auto two = run_counts(m, 3'000'001, 77, 2, 1 << 16);
  const auto eight = run_counts(m, 3'000'001, 77, 8, 1 << 16);
  const auto rechunked = run_counts(m, 3'000'001, 77, 2, 1 << 10);
  CHECK(one.component_failures == two.component_failures);
  CHECK(one.component_failures == eight.component_failures);
  CHECK(one.component_failures == rechunked.component_failures);
  CHECK(one.requests_done == 3'000'001);
  CHECK_FALSE(one.interrupted);
}

TEST_CASE("simulated counts agree with the analytic model (|z| < 5 at 1e7 requests)",
          "[simulation][statistical]") {
  const std::vector<std::vector<double>> chains = {
      std::vector<double>(8, 0.99),                                   // the essay's eight parts
      {0.999, 0.9995, 0.9999, 0.995, 0.9999, 0.9999, 0.999, 0.9995},  // a realistic app
      std::vector<double>(50, 0.999),                                 // a long chain
      {0.5, 0.9, 1.0, 0.7},  // unreliable, with a perfect part
  };
  const std::uint64_t n = 10'000'000;
  for (const auto& r : chains) {
    for (std::uint64_t seed : {1u, 2026u, 0xfeedu}) {
      const ChainAnalytics m(r);
      const auto result = run_counts(m, n, seed, 2, nines::kDefaultChunkRequests);
      INFO("chain of " << r.size() << ", seed " << seed);
      CHECK(std::abs(binomial_z(result.failures, n, m.unreliability())) < 5);
      for (std::size_t k = 0; k < m.size(); ++k) {
        INFO("component " << k);
        CHECK(std::abs(binomial_z(result.component_failures[k], n,
                                  m.first_failure_probability()[k])) < 5);
      }
    }
  }
}

TEST_CASE("a stop request ends the run early and says so", "[pipeline]") {
  std::atomic<bool> stop{true};
  const auto result =
      nines::test::chain_counts({0.9}, 10'000'000, 1, nines::SamplerKind::per_request,
                                nines::kDefaultChunkRequests, 0, &stop);
  CHECK(result.interrupted);
  CHECK(result.requests_done < 10'000'000);
}

TEST_CASE("the skip sampler cannot record dense", "[pipeline]") {
  const nines::Scenario scenario = nines::test::chain_scenario({0.9});
  const nines::ChainPipeline pipeline(scenario);
  nines::RunInfo info;
  info.requests = 10;
  info.chunk_requests = nines::kDefaultChunkRequests;
  info.record = RecordMode::dense;
  info.sampler = nines::SamplerKind::geometric_skip;
  CHECK_THROWS_AS(pipeline.kernel(info), std::invalid_argument);
  CHECK_THROWS_AS(pipeline.choose_sampler(nines::SamplerChoice::geometric_skip, RecordMode::dense),
                  nines::InputError);
}
