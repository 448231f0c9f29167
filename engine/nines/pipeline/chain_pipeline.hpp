#pragma once
// A chain (scenario format 1) through the one pipeline: ChainAnalytics for the exact values,
// the per-request or geometric-skip chain kernel, run-file layout 1, the chain summary and
// report. run_pipeline.hpp drives any pipeline; this file says what is chain-specific.
#include <memory>
#include <string>
#include <vector>

#include "nines/exact/chain_analytics.hpp"
#include "nines/files/run_writer.hpp"
#include "nines/model/run_info.hpp"
#include "nines/model/scenario.hpp"
#include "nines/pipeline/run_facts.hpp"
#include "nines/report/report.hpp"
#include "nines/run/chunk_kernel.hpp"
#include "nines/summary/summary.hpp"

namespace nines {

class ChainPipeline {
 public:
  using File = RunFileWriter;
  using Conclusion = Summary;

  explicit ChainPipeline(const Scenario& scenario);

  const Scenario& scenario() const noexcept { return scenario_; }
  const ChainAnalytics& analytics() const noexcept { return analytics_; }
  const std::string& name() const noexcept { return scenario_.name; }
  const RunDefaults& defaults() const noexcept { return scenario_.defaults; }
  // Chains have no importance measures beyond their failure shares.
  ImportanceMode importance() const noexcept { return ImportanceMode::exact; }

  // The sampler `choice` means for this chain and record mode (sample/choose_sampler.hpp).
  SamplerKind choose_sampler(SamplerChoice choice, RecordMode record) const;

  // The kernel of this run (info.sampler, info.record); thread-safe.
  std::unique_ptr<ChunkKernel> kernel(const RunInfo& info) const;
  std::unique_ptr<File> open_file(const std::string& path, bool overwrite,
                                  const RunInfo& info) const;
  Conclusion conclude(const RunInfo& info, const std::vector<std::uint64_t>& tally) const;
  // Failed requests in a tally (what --target-precision's rule reads).
  std::uint64_t failures(const std::vector<std::uint64_t>& tally) const;
  void finish(File& file, const Conclusion& conclusion) const;

  std::string text(const RunFacts& facts, const Conclusion& conclusion, bool color) const;
  std::string json(const RunFacts& facts, const Conclusion& conclusion) const;

 private:
  const Scenario& scenario_;
  ChainAnalytics analytics_;
};

}  // namespace nines
