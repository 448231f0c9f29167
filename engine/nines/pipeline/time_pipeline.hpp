#pragma once
// A time run (scenario format 3) through the one pipeline: the structure's exact analytics for
// the per-request failures while components are up, the exact values over time that exist for
// the model (time_exact.hpp), the outage kernel over histories (a "request" of the driver is
// one history), run-file layout 3, the time summary and report. run_pipeline.hpp drives it.
#include <memory>
#include <string>

#include "nines/exact/structure_analytics.hpp"
#include "nines/files/time_writer.hpp"
#include "nines/model/run_info.hpp"
#include "nines/model/structure_model.hpp"
#include "nines/pipeline/run_facts.hpp"
#include "nines/run/chunk_kernel.hpp"
#include "nines/sample/outage_simulator.hpp"
#include "nines/sample/time_tally.hpp"
#include "nines/summary/time_summary.hpp"

namespace nines {

// Histories per driver chunk: small, because one history of a year is thousands of events.
inline constexpr std::uint64_t kHistoriesPerChunk = 64;

class TimePipeline {
 public:
  using File = TimeRunWriter;
  using Conclusion = TimeSummary;

  // `seed` fixes the plan's streams (RunInfo::seed of the run this pipeline serves).
  TimePipeline(const StructureModel& model, std::uint64_t seed, StopFlag stop = nullptr);

  const StructureModel& model() const noexcept { return model_; }
  const OutagePlan& plan() const noexcept { return plan_; }
  const TimeExactValues& exact() const noexcept { return exact_; }
  // With detection by alert: the plan of the model paged at start (model/paged_at_start.hpp),
  // simulated beside each history; null otherwise.
  const OutagePlan* twin_plan() const noexcept { return twin_plan_.get(); }
  const std::string& name() const noexcept { return model_.name; }

  std::unique_ptr<ChunkKernel> kernel(const RunInfo& info) const;
  std::unique_ptr<File> open_file(const std::string& path, bool overwrite,
                                  const RunInfo& info) const;
  Conclusion conclude(const RunInfo& info, const std::vector<std::uint64_t>& tally) const;
  void finish(File& file, const Conclusion& conclusion) const;

  std::string text(const RunFacts& facts, const Conclusion& conclusion, bool color) const;
  std::string json(const RunFacts& facts, const Conclusion& conclusion) const;

 private:
  const StructureModel& model_;
  StructureAnalytics analytics_;
  OutagePlan plan_;
  TimeTallyLayout layout_;
  TimeExactValues exact_;
  std::unique_ptr<StructureModel> twin_model_;
  std::unique_ptr<OutagePlan> twin_plan_;
};

}  // namespace nines
