#pragma once
// A structure (scenario format 2) through the one pipeline: StructureAnalytics for the exact
// values, the structure kernel, run-file layout 2, the structure summary and report.
// run_pipeline.hpp drives any pipeline; this file says what is structure-specific.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nines/exact/chain_analytics.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/files/structure_writer.hpp"
#include "nines/model/run_info.hpp"
#include "nines/model/structure_model.hpp"
#include "nines/pipeline/run_facts.hpp"
#include "nines/report/structure_report.hpp"
#include "nines/run/chunk_kernel.hpp"
#include "nines/sample/structure_sampler.hpp"
#include "nines/summary/structure_summary.hpp"

namespace nines {

class StructurePipeline {
 public:
  using File = StructureRunWriter;
  using Conclusion = StructureSummary;

  // Builds the exact values (StructureAnalytics) and the kernels' plans; `stop` interrupts it.
  // `importance` decides whether the kernel draws the importance counterfactuals.
  explicit StructurePipeline(const StructureModel& model,
                             ImportanceMode importance = ImportanceMode::exact,
                             StopFlag stop = nullptr);

  const StructureModel& model() const noexcept { return model_; }
  const StructureAnalytics& analytics() const noexcept { return analytics_; }
  const StructureSampler& sampler() const noexcept { return sampler_; }
  ImportanceMode importance() const noexcept { return importance_; }
  // True when the structure is a chain and the chain kernels sample it
  // (sample/chain_path_sampler.hpp): a series of distinct components, one kind, no kind
  // retries, no common cause on the path, and importance from the exact engine.
  bool chain_kernel() const noexcept { return chain_path_.has_value(); }
  const std::string& name() const noexcept { return model_.name; }
  const RunDefaults& defaults() const noexcept { return model_.defaults; }

  // per-request for dense records and simulated importance; otherwise `auto` skips the
  // all-clear requests when fewer than 1 in 32 requests are not all clear (the chain kernel:
  // when fewer than 1 in 32 fail). InputError for a skip that cannot serve the run.
  SamplerKind choose_sampler(SamplerChoice choice, RecordMode record) const;

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
  StructureReportContext report_context(const RunFacts& facts) const;

  const StructureModel& model_;
  ImportanceMode importance_;
  StructureAnalytics analytics_;
  StructureSampler sampler_;
  std::optional<std::vector<std::uint32_t>> chain_path_;  // set when the chain kernel applies
  std::optional<ChainAnalytics> chain_analytics_;
};

}  // namespace nines
