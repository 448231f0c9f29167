// The structure sampler against exact distributions (statistical tests whose tolerances come
// from the sampling error), and its determinism: chunking never changes a request.
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/exact/structure_analytics.hpp"
#include "nines/input/structure_parser.hpp"
#include "nines/sample/structure_sampler.hpp"
#include "nines/stats/statistics.hpp"
#include "nines/summary/structure_summary.hpp"

namespace {

// Shared components, a 2-of-3, a parallel pair, an event over two tiers, retries on one kind.
const char* const kModel = R"(format_version: 2
name: t
components:
  - {name: lb, reliability: 0.97}
  - {name: api, reliability: 0.9, replicas: 2}
  - {name: db, reliability: 0.95, replicas: 3, required: 2}
  - {name: cache, reliability: 0.8}
request_kinds:
  - {name: read, weight: 3, path: [lb, {parallel: [cache, db]}]}
  - {name: write, weight: 1, retries: 2, path: [lb, api, db]}
common_cause:
  - name: zone
    probability: 0.02
    takes_down:
      - api[1]
      - db[1]
  - {name: far, probability: 0.01, takes_down: [cache]}
)";

struct Run {
  std::vector<std::uint64_t> tally;
  nines::StructureChunk chunk;
};

Run sample(const nines::StructureSampler& sampler, std::uint64_t seed,
           const std::vector<std::pair<std::uint64_t, std::uint64_t>>& pieces) {
  Run run;
  run.tally.assign(sampler.layout().size(), 0);
  auto ws = sampler.make_workspace();
  for (const auto& [first, n] : pieces) {
    nines::StructureChunk chunk;
    chunk.tally.assign(sampler.layout().size(), 0);
    sampler.sample_chunk(seed, first, n, true, true, *ws, chunk);
    for (std::size_t i = 0; i < run.tally.size(); ++i) run.tally[i] += chunk.tally[i];
    auto append = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
    append(run.chunk.kind, chunk.kind);
    append(run.chunk.attempts, chunk.attempts);
    append(run.chunk.culprit, chunk.culprit);
    append(run.chunk.common_cause, chunk.common_cause);
    append(run.chunk.failed_request, chunk.failed_request);
    append(run.chunk.failed_set, chunk.failed_set);
  }
  return run;
}

}  // namespace

TEST_CASE("chunk boundaries never change a request", "[structure]") {
  const auto model = nines::parse_structure_model(kModel, "t.yaml");
  const nines::StructureSampler sampler(model);
  const std::uint64_t n = 20001;
  const Run whole = sample(sampler, 77, {{0, n}});
  const Run split = sample(sampler, 77, {{0, 333}, {333, 1}, {334, 9999}, {10333, n - 10333}});
  CHECK(whole.tally == split.tally);
  CHECK(whole.chunk.kind == split.chunk.kind);
  CHECK(whole.chunk.attempts == split.chunk.attempts);
  CHECK(whole.chunk.culprit == split.chunk.culprit);
  CHECK(whole.chunk.common_cause == split.chunk.common_cause);
  CHECK(whole.chunk.failed_request == split.chunk.failed_request);
  CHECK(whole.chunk.failed_set == split.chunk.failed_set);
  // A different seed gives different draws.
  CHECK(sample(sampler, 78, {{0, n}}).chunk.culprit != whole.chunk.culprit);
}

TEST_CASE("sampled kinds, failures, culprits and counterfactuals follow the exact values",
          "[structure]") {
  const auto model = nines::parse_structure_model(kModel, "t.yaml");
  const nines::StructureAnalytics exact(model);
  const nines::StructureSampler sampler(model);
  const std::uint64_t n = 400'000;
  const Run run = sample(sampler, 2026, {{0, n}});
  const nines::StructureSummary s = nines::summarize_structure(exact, sampler, n, run.tally);
  for (const auto& kind : s.kinds) {
    INFO(kind.name << ": z = " << kind.z_score << ", attribution p = " << kind.attribution.p_value);
    CHECK(std::fabs(kind.z_score) < 5);
    CHECK(kind.attribution.p_value > 1e-5);
  }
  CHECK(std::fabs(s.mix.z_score) < 5);
  CHECK(s.mix.attribution.p_value > 1e-5);
  // The counterfactual counts estimate U(perfect) and U(failed) of every component.
  for (std::size_t c = 0; c < model.components.size(); ++c) {
    INFO("component " << model.components[c].name);
    for (const auto& [estimate, value] :
         {std::pair{s.importance_simulated[c].value.unreliability_if_perfect,
                    s.importance[c].unreliability_if_perfect},
          std::pair{s.importance_simulated[c].value.unreliability_if_failed,
                    s.importance[c].unreliability_if_failed}}) {
      const double sd = std::sqrt(value * (1 - value) / static_cast<double>(n));
      CHECK(std::fabs(estimate - value) < 5 * sd + 1e-12);
    }
  }
}

TEST_CASE("conditional sampling reproduces the joint distribution of failed sets", "[structure]") {
  // One kind, no retries: among failed requests, the failed set (a bitmask over the path) must
  // follow P(set | failure), computed here by enumeration of all own states and events.
  const auto model = nines::parse_structure_model(R"(format_version: 2
name: t
components:
  - {name: a, reliability: 0.9}
  - {name: b, reliability: 0.7, replicas: 2}
  - {name: c, reliability: 0.95}
request_kinds:
  - {name: r, path: [a, {k_of_n: {k: 1, of: [b, c]}}]}
common_cause:
  - {name: e, probability: 0.05, takes_down: [a, c]}
)",
                                                  "t.yaml");
  const nines::StructureSampler sampler(model);
  const std::uint64_t n = 300'000;
  const Run run = sample(sampler, 9, {{0, n}});
  // Observed: failed sets as bitmasks over global component indices.
  std::map<unsigned, std::uint64_t> observed;
  std::size_t at = 0;
  nines::StructureChunk chunk;
  chunk.tally.assign(sampler.layout().size(), 0);
  auto ws = sampler.make_workspace();
  sampler.sample_chunk(9, 0, n, false, true, *ws, chunk);
  for (std::size_t f = 0; f < chunk.failed_request.size(); ++f) {
    unsigned mask = 0;
    for (int i = 0; i < chunk.failed_set_size[f]; ++i) mask |= 1U << chunk.failed_set[at++];
    ++observed[mask];
  }
  // Exact: enumerate own states of the 4 components and the event.
  std::map<unsigned, double> expected;
  const double r[] = {0.9, 0.7, 0.7, 0.95};
  for (unsigned x = 0; x < 16; ++x) {
    for (unsigned e = 0; e < 2; ++e) {
      double w = e ? 0.05 : 0.95;
      unsigned down = 0;
      for (unsigned i = 0; i < 4; ++i) {
        const bool up = (x >> i) & 1U;
        w *= up ? r[i] : 1 - r[i];
        if (!up || (e && (i == 0 || i == 3))) down |= 1U << i;
      }
      const bool works = !(down & 1U) && (!(down & 2U) || !(down & 4U) || !(down & 8U));
      if (!works) expected[down] += w;
    }
  }
  std::vector<std::uint64_t> obs;
  std::vector<double> exp;
  for (const auto& [mask, p] : expected) {
    obs.push_back(observed[mask]);
    exp.push_back(p);
  }
  for (const auto& [mask, count] : observed) CHECK(expected.count(mask) == 1);
  const auto chi = nines::chi_square_goodness_of_fit(obs, exp);
  INFO("chi2 = " << chi.statistic << ", dof " << chi.dof << ", p = " << chi.p_value);
  CHECK(chi.dof >= 5);
  CHECK(chi.p_value > 1e-5);
}

TEST_CASE("the request draw is the bulk generator's value", "[structure]") {
  const auto model = nines::parse_structure_model(kModel, "t.yaml");
  const nines::StructureSampler sampler(model);
  // Sampling a single odd request alone (scalar path) and inside a batch (bulk path) agree.
  const Run batch = sample(sampler, 5, {{0, 64}});
  for (std::uint64_t i : {1, 17, 33, 63}) {
    const Run one = sample(sampler, 5, {{i, 1}});
    CHECK(one.chunk.kind[0] == batch.chunk.kind[i]);
    CHECK(one.chunk.culprit[0] == batch.chunk.culprit[i]);
  }
}
