// Structures through the pipeline: which kernel and sampler a run gets, and that its counts do
// not depend on the thread count in any of them.
#include "nines/pipeline/structure_pipeline.hpp"

#include <oneapi/tbb/global_control.h>

#include <catch2/catch.hpp>

#include "nines/base/error.hpp"
#include "nines/input/structure_parser.hpp"
#include "nines/run/driver.hpp"

namespace {

const char* const kMix = R"(format_version: 2
name: mix
components:
  - {name: lb, reliability: 0.9999}
  - {name: api, reliability: 0.999, replicas: 3, required: 2}
  - {name: db, reliability: 0.9995}
request_kinds:
  - {name: read, weight: 9, path: [lb, api]}
  - {name: write, weight: 1, retries: 1, path: [lb, api, db]}
)";

const char* const kChain = R"(format_version: 2
name: chain
components:
  - {name: a, reliability: 0.999}
  - {name: b, reliability: 0.9995}
)";

nines::RunInfo info_for(const nines::StructurePipeline& p, nines::RecordMode record,
                        nines::SamplerChoice choice, std::uint64_t requests) {
  nines::RunInfo info;
  info.requests = requests;
  info.seed = 42;
  info.record = record;
  info.importance = p.importance();
  info.sampler = p.choose_sampler(choice, record);
  info.chunk_requests = 1 << 16;
  return info;
}

std::vector<std::uint64_t> counts(const nines::StructurePipeline& p, const nines::RunInfo& info,
                                  std::size_t threads) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  const auto kernel = p.kernel(info);
  return nines::drive(*kernel, nines::ChunkPlan{info.requests, info.chunk_requests}, nullptr).tally;
}

}  // namespace

TEST_CASE("a structure run gets the kernel and sampler its settings allow", "[pipeline]") {
  using nines::RecordMode;
  using nines::SamplerChoice;
  using nines::SamplerKind;
  const auto mix = nines::parse_structure_model(kMix, "mix.yaml");
  const nines::StructurePipeline exact(mix);
  CHECK_FALSE(exact.chain_kernel());
  CHECK(exact.choose_sampler(SamplerChoice::automatic, RecordMode::dense) ==
        SamplerKind::per_request);
  CHECK(exact.choose_sampler(SamplerChoice::automatic, RecordMode::none) ==
        SamplerKind::geometric_skip);
  CHECK(exact.choose_sampler(SamplerChoice::automatic, RecordMode::failures) ==
        SamplerKind::geometric_skip);
  CHECK_THROWS_AS(exact.choose_sampler(SamplerChoice::geometric_skip, RecordMode::dense),
                  nines::InputError);
  const nines::StructurePipeline simulated(mix, nines::ImportanceMode::simulated);
  CHECK(simulated.choose_sampler(SamplerChoice::automatic, RecordMode::none) ==
        SamplerKind::per_request);
  CHECK_THROWS_AS(simulated.choose_sampler(SamplerChoice::geometric_skip, RecordMode::none),
                  nines::InputError);

  const auto chain = nines::parse_structure_model(kChain, "chain.yaml");
  CHECK(nines::StructurePipeline(chain).chain_kernel());
  CHECK_FALSE(nines::StructurePipeline(chain, nines::ImportanceMode::simulated).chain_kernel());
}

TEST_CASE("structure counts do not depend on the thread count", "[pipeline]") {
  using nines::RecordMode;
  using nines::SamplerChoice;
  const auto mix = nines::parse_structure_model(kMix, "mix.yaml");
  const auto chain = nines::parse_structure_model(kChain, "chain.yaml");
  for (const auto* model : {&mix, &chain}) {
    for (const auto importance : {nines::ImportanceMode::exact, nines::ImportanceMode::simulated}) {
      const nines::StructurePipeline p(*model, importance);
      for (const auto choice : {SamplerChoice::automatic, SamplerChoice::per_request}) {
        const auto info = info_for(p, RecordMode::none, choice, 1'000'003);
        INFO(model->name << ", sampler " << nines::to_string(info.sampler));
        CHECK(counts(p, info, 1) == counts(p, info, 2));
      }
    }
  }
}
