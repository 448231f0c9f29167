// A program built against an installed nines: it reads a chain scenario, runs it through the
// engine's own pipeline (oneTBB sampling, an HDF5 run file) and prints what it found, for the
// install test to compare with the installed `nines run` of the same seed.
// Usage: consumer SCENARIO.yaml OUTPUT.h5 REQUESTS SEED
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>

#include "nines/base/error.hpp"
#include "nines/base/version.hpp"
#include "nines/input/scenario_parser.hpp"
#include "nines/model/run_info.hpp"
#include "nines/pipeline/chain_pipeline.hpp"
#include "nines/pipeline/run_pipeline.hpp"
#include "nines/run/chunk_plan.hpp"
#include "nines/run/mpi_world.hpp"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: consumer SCENARIO.yaml OUTPUT.h5 REQUESTS SEED\n");
    return 2;
  }
  try {
    const nines::Scenario scenario = nines::load_scenario(argv[1]);
    const nines::ChainPipeline pipeline(scenario);

    nines::RunInfo info;
    info.requests = std::stoull(argv[3]);
    info.seed = std::stoull(argv[4]);
    info.record = nines::RecordMode::none;
    info.sampler = pipeline.choose_sampler(nines::SamplerChoice::automatic, info.record);
    info.chunk_requests = nines::kDefaultChunkRequests;
    info.created = "2026-01-01T00:00:00Z";

    nines::LocalCommunicator world;
    const auto outcome = nines::run_pipeline(pipeline, info, {argv[2], true}, world, {});
    const nines::Summary& summary = *outcome.conclusion;

    std::printf("nines %s\n", nines::kVersion);
    std::printf("scenario %s, %zu components\n", scenario.name.c_str(), scenario.components.size());
    std::printf("analytic reliability %.17g\n", pipeline.analytics().reliability());
    std::printf("failures %llu of %llu requests\n",
                static_cast<unsigned long long>(summary.failures),
                static_cast<unsigned long long>(summary.requests));
    std::printf("verdict %s\n", summary.verdict.c_str());
    return 0;
  } catch (const nines::InputError& error) {
    std::fprintf(stderr, "consumer: %s\n", error.what());
    return 2;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "consumer: %s\n", error.what());
    return 1;
  }
}
