// ChunkSampler: both exact chain samplers behind one call, dispatching on the kind chosen for
// the run, with exactly the results of the sampler it wraps.
#include "nines/sample/chunk_sampler.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <numeric>
#include <vector>

using nines::ChainAnalytics;
using nines::ChunkSampler;
using nines::SamplerKind;

namespace {
const std::vector<double> kChain = {0.99, 0.95, 0.999, 0.9};

std::vector<std::uint64_t> zeros(const ChainAnalytics& model) {
  return std::vector<std::uint64_t>(model.size() + 1, 0);
}
}  // namespace

TEST_CASE("ChunkSampler reports its kind and size", "[chunk_sampler]") {
  const ChainAnalytics model(kChain);
  const ChunkSampler per_request(model, SamplerKind::per_request);
  const ChunkSampler skip(model, SamplerKind::geometric_skip);
  CHECK(per_request.kind() == SamplerKind::per_request);
  CHECK(skip.kind() == SamplerKind::geometric_skip);
  CHECK(per_request.components() == 4);
  CHECK(skip.components() == 4);
  CHECK(skip.per_request().components() == 4);
}

TEST_CASE("per-request counting is ChainSampler's, whatever the chunk index", "[chunk_sampler]") {
  const ChainAnalytics model(kChain);
  const ChunkSampler sampler(model, SamplerKind::per_request);
  const nines::ChainSampler reference(model);
  auto expected = zeros(model);
  reference.count(7, 1000, 50'001, expected.data());
  for (const std::uint64_t chunk : {0u, 3u, 999u}) {
    auto counts = zeros(model);
    sampler.count(7, chunk, 1000, 50'001, counts.data());
    CHECK(counts == expected);
  }
  CHECK(std::accumulate(expected.begin(), expected.end(), std::uint64_t{0}) == 50'001);

  std::vector<std::uint64_t> requests, ref_requests;
  std::vector<std::int32_t> components, ref_components;
  auto counts = zeros(model), ref_counts = zeros(model);
  sampler.record_failures(7, 5, 1000, 50'001, requests, components, counts.data());
  reference.record_failures(7, 1000, 50'001, ref_requests, ref_components, ref_counts.data());
  CHECK(requests == ref_requests);
  CHECK(components == ref_components);
  CHECK(counts == expected);
  // Each recorded failure is request i's own outcome.
  for (std::size_t f = 0; f < requests.size(); ++f)
    CHECK(reference.outcome(7, requests[f]) == components[f]);
}

TEST_CASE("skip counting is GeometricSkipSampler's, keyed by the chunk", "[chunk_sampler]") {
  const ChainAnalytics model(kChain);
  const ChunkSampler sampler(model, SamplerKind::geometric_skip);
  const nines::GeometricSkipSampler reference(model);
  for (const std::uint64_t chunk :
       {std::uint64_t{0}, std::uint64_t{1}, (std::uint64_t{1} << 32) + 1}) {
    auto counts = zeros(model), expected = zeros(model);
    sampler.count(11, chunk, 4096, 10'000, counts.data());
    reference.count(11, chunk, 4096, 10'000, expected.data());
    CHECK(counts == expected);
    CHECK(std::accumulate(counts.begin(), counts.end(), std::uint64_t{0}) == 10'000);

    std::vector<std::uint64_t> requests, ref_requests;
    std::vector<std::int32_t> components, ref_components;
    auto recorded = zeros(model), ref_recorded = zeros(model);
    sampler.record_failures(11, chunk, 4096, 10'000, requests, components, recorded.data());
    reference.record_failures(11, chunk, 4096, 10'000, ref_requests, ref_components,
                              ref_recorded.data());
    CHECK(requests == ref_requests);
    CHECK(components == ref_components);
    CHECK(recorded == counts);
    // Recorded failures lie in the chunk, in increasing order.
    for (std::size_t f = 0; f < requests.size(); ++f) {
      CHECK(requests[f] >= 4096);
      CHECK(requests[f] < 4096 + 10'000);
      if (f > 0) CHECK(requests[f] > requests[f - 1]);
    }
  }
  // The skip's draws are keyed by the chunk: another chunk index gives other failures.
  auto a = zeros(model), b = zeros(model);
  sampler.count(11, 0, 0, 10'000, a.data());
  sampler.count(11, 1, 0, 10'000, b.data());
  CHECK(a != b);
}

TEST_CASE("both kinds add to the counts they are given", "[chunk_sampler]") {
  const ChainAnalytics model(kChain);
  for (const SamplerKind kind : {SamplerKind::per_request, SamplerKind::geometric_skip}) {
    const ChunkSampler sampler(model, kind);
    auto once = zeros(model), twice = zeros(model);
    sampler.count(3, 2, 0, 1000, once.data());
    sampler.count(3, 2, 0, 1000, twice.data());
    sampler.count(3, 2, 0, 1000, twice.data());
    for (std::size_t k = 0; k < once.size(); ++k) CHECK(twice[k] == 2 * once[k]);
  }
}
