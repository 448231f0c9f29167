// The chain fast path of the structure model: which structures are chains, and that sampling
// them with the chain kernels gives the structure kernel's distribution and attribution.
#include "nines/sample/chain_path_sampler.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <map>

#include "nines/exact/structure_analytics.hpp"
#include "nines/input/structure_parser.hpp"
#include "nines/sample/attempt_stream.hpp"
#include "nines/stats/statistics.hpp"
#include "nines/summary/structure_summary.hpp"

namespace {

nines::StructureModel parse(const std::string& text) {
  return nines::parse_structure_model(text, "t.yaml");
}

const char* const kChain = R"(format_version: 2
name: t
components:
  - {name: a, reliability: 0.99}
  - {name: b, reliability: 0.9, retries: 1}
  - {name: c, reliability: 0.95, replicas: 2, required: 2}
  - {name: d, reliability: 0.97}
request_kinds:
  - {name: r, path: [d, {series: [a, b]}, c]}
)";

}  // namespace

TEST_CASE("chain_path recognises chains and only chains", "[chain-path]") {
  const auto chain = nines::chain_path(parse(kChain));
  REQUIRE(chain);
  // d, a, b, c[1], c[2] in path order (global indices: a 0, b 1, c[1] 2, c[2] 3, d 4).
  CHECK(*chain == std::vector<std::uint32_t>{4, 0, 1, 2, 3});
  const std::string head =
      "format_version: 2\nname: t\ncomponents:\n"
      "  - {name: a, reliability: 0.9}\n"
      "  - {name: b, reliability: 0.9, replicas: 2}\n";
  CHECK_FALSE(nines::chain_path(parse(head + "request_kinds:\n  - {name: r, path: [a, b]}\n")));
  CHECK_FALSE(nines::chain_path(
      parse(head + "request_kinds:\n  - {name: r, retries: 1, path: [a, {series: [b]}]}\n")));
  CHECK_FALSE(nines::chain_path(parse(head + "request_kinds:\n  - {name: r, path: [a, a]}\n")));
  CHECK_FALSE(nines::chain_path(
      parse(head + "request_kinds:\n  - {name: r, path: [a]}\n  - {name: s, path: [a]}\n")));
  CHECK_FALSE(nines::chain_path(
      parse(head + "request_kinds:\n  - {name: r, path: [a]}\n"
                   "common_cause:\n  - {name: e, probability: 0.1, takes_down: [a]}\n")));
  // An event that touches nothing on the path does not stop it being a chain.
  CHECK(nines::chain_path(parse(head + "request_kinds:\n  - {name: r, path: [a]}\n"
                                       "common_cause:\n  - {name: e, probability: 0.1, "
                                       "takes_down: [\"b[1]\"]}\n")));
}

TEST_CASE("the chain kernels sample a chain-shaped structure exactly", "[chain-path]") {
  const auto model = parse(kChain);
  const nines::StructureAnalytics exact(model);
  const nines::StructureSampler structure(model, false);
  const std::uint64_t n = 1'000'000;
  for (const auto kind : {nines::SamplerKind::per_request, nines::SamplerKind::geometric_skip}) {
    const nines::ChainPathSampler sampler(model, *nines::chain_path(model), kind,
                                          structure.layout());
    nines::StructureChunk chunk;
    chunk.tally.assign(structure.layout().size(), 0);
    const bool dense = kind == nines::SamplerKind::per_request;
    sampler.sample_chunk(123, 0, 0, n, dense, true, *structure.make_workspace(), chunk);
    const nines::StructureSummary s = nines::summarize_structure(exact, structure, n, chunk.tally);
    INFO("z = " << s.mix.z_score << ", attribution p = " << s.mix.attribution.p_value);
    CHECK(std::fabs(s.mix.z_score) < 5);
    CHECK(s.mix.attribution.p_value > 1e-5);
    REQUIRE(chunk.failed_request.size() == s.mix.failures);
    // Failed sets: the culprit first, then each later component down with its own q.
    std::map<std::uint32_t, std::uint64_t> later_down, later_seen;
    const std::vector<std::uint32_t> path = {4, 0, 1, 2, 3};
    std::size_t at = 0;
    for (std::size_t f = 0; f < chunk.failed_request.size(); ++f) {
      const auto size = static_cast<std::size_t>(chunk.failed_set_size[f]);
      REQUIRE(size >= 1);
      CHECK(chunk.failed_set[at] == chunk.failed_culprit[f]);
      const std::size_t culprit_position = static_cast<std::size_t>(
          std::find(path.begin(), path.end(), static_cast<std::uint32_t>(chunk.failed_culprit[f])) -
          path.begin());
      for (std::size_t j = culprit_position + 1; j < path.size(); ++j) ++later_seen[path[j]];
      for (std::size_t i = 1; i < size; ++i)
        ++later_down[static_cast<std::uint32_t>(chunk.failed_set[at + i])];
      // The batched (SIMD gather) draws are attempt 0's draws, request by request.
      std::vector<nines::ComponentIndex> reference = {chunk.failed_culprit[f]};
      nines::AttemptStream draw(123, chunk.failed_request[f], 0);
      for (std::size_t j = culprit_position + 1; j < path.size(); ++j)
        if (nines::below(draw(static_cast<std::uint32_t>(j)),
                         nines::threshold_of(model.components[path[j]].effective_unreliability())))
          reference.push_back(static_cast<nines::ComponentIndex>(path[j]));
      REQUIRE(std::vector<nines::ComponentIndex>(
                  chunk.failed_set.begin() + static_cast<long>(at),
                  chunk.failed_set.begin() + static_cast<long>(at + size)) == reference);
      at += size;
      if (dense) {
        CHECK(chunk.culprit[chunk.failed_request[f]] == chunk.failed_culprit[f]);
      }
    }
    for (const auto& [c, seen] : later_seen) {
      const double q = model.components[c].effective_unreliability();
      const double sd = std::sqrt(static_cast<double>(seen) * q * (1 - q));
      INFO("component " << model.components[c].name);
      CHECK(std::fabs(static_cast<double>(later_down[c]) - static_cast<double>(seen) * q) <
            5 * sd + 1);
    }
  }
}

TEST_CASE("failed sets of a long chain, drawn in bounded groups, are attempt 0's draws",
          "[chain-path]") {
  // 400 components at 0.995: about 86% of requests fail, each needing up to 200 Philox blocks
  // for its failed set, so one chunk spans many AttemptDrawBatch groups (kMaxBlocks).
  std::string text = "format_version: 2\nname: long\ncomponents:\n";
  for (int c = 0; c < 400; ++c)
    text += "  - {name: c" + std::to_string(c) + ", reliability: 0.995}\n";
  const auto model = parse(text);
  const nines::StructureSampler structure(model, false);
  const auto path = *nines::chain_path(model);
  const nines::ChainPathSampler sampler(model, path, nines::SamplerKind::per_request,
                                        structure.layout());
  nines::StructureChunk chunk;
  chunk.tally.assign(structure.layout().size(), 0);
  sampler.sample_chunk(99, 0, 0, 4000, false, true, *structure.make_workspace(), chunk);
  REQUIRE(chunk.failed_request.size() > 3000);
  std::size_t at = 0, blocks = 0;
  for (std::size_t f = 0; f < chunk.failed_request.size(); ++f) {
    const auto k = static_cast<std::size_t>(chunk.failed_culprit[f]);  // path is the identity
    std::vector<nines::ComponentIndex> reference = {chunk.failed_culprit[f]};
    nines::AttemptStream draw(99, chunk.failed_request[f], 0);
    for (std::size_t j = k + 1; j < path.size(); ++j)
      if (nines::below(draw(static_cast<std::uint32_t>(j)),
                       nines::threshold_of(model.components[j].effective_unreliability())))
        reference.push_back(static_cast<nines::ComponentIndex>(j));
    const auto size = static_cast<std::size_t>(chunk.failed_set_size[f]);
    REQUIRE(std::vector<nines::ComponentIndex>(
                chunk.failed_set.begin() + static_cast<long>(at),
                chunk.failed_set.begin() + static_cast<long>(at + size)) == reference);
    at += size;
    blocks += (path.size() + 1) / 2 - (k + 1) / 2;
  }
  CHECK(blocks > 2 * nines::AttemptDrawBatch::kMaxBlocks);  // several groups were used
}
