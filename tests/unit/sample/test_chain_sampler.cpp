#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>

#include "nines/sample/chain_sampler.hpp"

using nines::ChainAnalytics;
using nines::ChainSampler;

namespace {
// The obviously correct classification: walk the thresholds in order.
std::int32_t classify_linear(const ChainAnalytics& m, std::uint64_t u) {
  for (std::size_t k = 0; k < m.size(); ++k)
    if (u < m.thresholds()[k]) return static_cast<std::int32_t>(k);
  return -1;
}
}  // namespace

TEST_CASE("every classification shape equals the linear walk", "[sampler]") {
  // Every search shape: linear counts over 1 to 64 padded thresholds, binary search beyond.
  for (std::size_t K : {1u, 2u, 3u, 7u, 8u, 9u, 16u, 17u, 32u, 33u, 50u, 63u, 64u, 65u, 200u}) {
    std::vector<double> r(K);
    for (std::size_t k = 0; k < K; ++k)
      r[k] = 0.5 + 0.5 * static_cast<double>(k) / (static_cast<double>(K) + 1.0);
    const ChainAnalytics m(r);
    const ChainSampler s(m);
    for (std::uint64_t i = 0; i < 20000; ++i) {
      const std::uint64_t u = nines::request_uniform(99, i);
      REQUIRE(s.classify(u) == classify_linear(m, u));
    }
    // Exactly at, just below and just above every threshold, and the extremes.
    for (const std::uint64_t t : m.thresholds())
      for (const std::uint64_t u : {t - 1, t, t + 1})
        REQUIRE(s.classify(u) == classify_linear(m, u));
    REQUIRE(s.classify(0) == classify_linear(m, 0));
    REQUIRE(s.classify(~std::uint64_t{0}) == classify_linear(m, ~std::uint64_t{0}));
  }
}

TEST_CASE("bulk sampling equals the per-request reference for any alignment", "[sampler]") {
  // One chain that mostly fails (branch-free kernel) and one that mostly succeeds (early exit).
  for (const auto& r :
       {std::vector<double>{0.9, 0.8, 0.95, 0.99}, std::vector<double>{0.999, 0.9999, 0.995}}) {
    const ChainAnalytics m(r);
    const ChainSampler s(m);
    const std::uint64_t seed = 12345;
    for (std::uint64_t first : {0u, 1u, 2u, 1001u}) {
      for (std::uint64_t n : {1u, 2u, 3u, 31u, 32u, 33u, 64u, 4099u}) {
        std::vector<std::int8_t> out(n);
        std::vector<std::uint64_t> counts(m.size() + 1, 0), counts2(m.size() + 1, 0);
        s.record_dense(seed, first, n, out.data(), counts.data());
        s.count(seed, first, n, counts2.data());
        std::vector<std::uint64_t> fr;
        std::vector<std::int32_t> fc;
        std::vector<std::uint64_t> counts3(m.size() + 1, 0);
        s.record_failures(seed, first, n, fr, fc, counts3.data());
        std::size_t f = 0;
        for (std::uint64_t i = 0; i < n; ++i) {
          const std::int32_t k = s.outcome(seed, first + i);
          REQUIRE(out[i] == k);
          if (k >= 0) {
            REQUIRE(f < fr.size());
            REQUIRE(fr[f] == first + i);
            REQUIRE(fc[f] == k);
            ++f;
          }
        }
        REQUIRE(f == fr.size());
        REQUIRE(counts == counts2);
        REQUIRE(counts == counts3);
        // Both in one pass: the same outcomes, failures and counts (appended after what the
        // vectors already hold).
        std::vector<std::int16_t> wide(n);
        std::vector<std::uint64_t> br{7};
        std::vector<std::int32_t> bc{7};
        std::vector<std::uint64_t> counts4(m.size() + 1, 0);
        s.record_dense_and_failures(seed, first, n, wide.data(), br, bc, counts4.data());
        for (std::uint64_t i = 0; i < n; ++i) REQUIRE(wide[i] == out[i]);
        REQUIRE(std::vector<std::uint64_t>(br.begin() + 1, br.end()) == fr);
        REQUIRE(std::vector<std::int32_t>(bc.begin() + 1, bc.end()) == fc);
        REQUIRE(counts4 == counts);
        REQUIRE(std::accumulate(counts.begin(), counts.end(), std::uint64_t{0}) == n);
      }
    }
  }
}

TEST_CASE("long chains sample in bulk like the reference and add to the caller's counts",
          "[sampler]") {
  // 50 components: the 64-wide linear count; 100 and 200: the binary search, with more count
  // slots than the tally keeps on the stack; 200 needs int16 outcomes.
  for (const std::size_t K : {50u, 100u, 200u}) {
    const ChainAnalytics m(std::vector<double>(K, 0.99));
    const ChainSampler s(m);
    const std::uint64_t seed = 77, first = 3, n = 10'001;
    std::vector<std::int16_t> out(n);
    std::vector<std::uint64_t> counts(K + 1, 5), counts2(K + 1, 5), expected(K + 1, 5);
    s.record_dense(seed, first, n, out.data(), counts.data());
    s.count(seed, first, n, counts2.data());
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::int32_t k = s.outcome(seed, first + i);
      REQUIRE(out[i] == k);
      ++expected[k < 0 ? K : static_cast<std::size_t>(k)];
    }
    CHECK(counts == expected);
    CHECK(counts2 == expected);
  }
}

TEST_CASE("a perfect chain never fails and a dead component always fails", "[sampler]") {
  const ChainSampler perfect(ChainAnalytics({1.0, 1.0, 1.0}));
  const ChainSampler dead(ChainAnalytics({1.0, 0.0, 0.5}));
  for (std::uint64_t i = 0; i < 10000; ++i) {
    REQUIRE(perfect.outcome(3, i) == -1);
    REQUIRE(dead.outcome(3, i) == 1);
  }
}
