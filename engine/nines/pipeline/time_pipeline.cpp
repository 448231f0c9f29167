#include "nines/pipeline/time_pipeline.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "nines/base/error.hpp"
#include "nines/model/paged_at_start.hpp"
#include "nines/pipeline/time_exact.hpp"
#include "nines/report/time_report.hpp"

namespace nines {
namespace {

struct TimeScratch final : ChunkScratch {
  TimeScratch(const OutagePlan& plan, const OutagePlan* twin_plan) : simulator(plan) {
    if (twin_plan != nullptr) twin = std::make_unique<OutageSimulator>(*twin_plan);
  }
  OutageSimulator simulator;
  HistoryResult history;
  std::unique_ptr<OutageSimulator> twin;  // the model paged at start (detection by alert)
  HistoryResult twin_history;
};

class TimeKernel final : public ChunkKernel {
 public:
  TimeKernel(const OutagePlan& plan, const OutagePlan* twin_plan, const TimeTallyLayout& layout,
             const RunInfo& info)
      : plan_(plan), twin_plan_(twin_plan), layout_(layout), record_(info.record) {
    if (record_ != RecordMode::none) encoder_.emplace(info, plan);
  }

  std::size_t tally_size() const override { return layout_.size; }

  std::unique_ptr<ChunkScratch> make_scratch() const override {
    return std::make_unique<TimeScratch>(plan_, twin_plan_);
  }

  bool sample_chunk(std::uint64_t chunk, std::uint64_t first, std::uint64_t n,
                    ChunkScratch& scratch, std::uint64_t* tally, EncodedChunk* out,
                    StopFlag stop) const override {
    auto& s = static_cast<TimeScratch&>(scratch);
    const bool recording = out != nullptr;
    if (recording) encoder_->begin(chunk, n, *out);
    for (std::uint64_t h = first; h < first + n; ++h) {
      if (stop != nullptr && stop->load(std::memory_order_relaxed)) return false;
      s.simulator.run(static_cast<std::uint32_t>(h), recording,
                      recording && record_ == RecordMode::requests, s.history);
      add_history(layout_, plan_, s.history, tally);
      if (s.twin) {
        s.twin->run(static_cast<std::uint32_t>(h), false, false, s.twin_history);
        add_twin_history(layout_, s.history, s.twin_history, tally);
      }
      if (recording) encoder_->add(h, s.history, *out);
    }
    return true;
  }

 private:
  const OutagePlan& plan_;
  const OutagePlan* twin_plan_;
  const TimeTallyLayout& layout_;
  RecordMode record_;
  std::optional<TimeChunkEncoder> encoder_;
};

}  // namespace

TimePipeline::TimePipeline(const StructureModel& model, std::uint64_t seed, StopFlag stop)
    : model_(model),
      analytics_(model, stop),
      plan_(model, analytics_, seed),
      layout_(plan_),
      exact_(time_exact_values(model, analytics_, plan_)) {
  if (detects_by_alert(model)) {
    // The structure is the same, so its analytics serve both models.
    twin_model_ = std::make_unique<StructureModel>(paged_at_start(model));
    twin_plan_ = std::make_unique<OutagePlan>(*twin_model_, analytics_, seed);
  }
}

std::unique_ptr<ChunkKernel> TimePipeline::kernel(const RunInfo& info) const {
  if (info.seed != plan_.seed)
    throw std::invalid_argument("kernel: the run's seed is not the pipeline's");
  if (info.record == RecordMode::dense || info.record == RecordMode::failures)
    throw InputError("--record " + std::string(to_string(info.record)) +
                     " is for request runs; a scenario with outages over time records "
                     "outages (the default), requests or none");
  if (info.requests > kMaxHistories)
    throw InputError("--histories " + std::to_string(info.requests) + " is above the limit of " +
                     std::to_string(kMaxHistories));
  if (info.record == RecordMode::requests && std::isfinite(exact_.mix_availability)) {
    // Refused up front where the exact availability tells the expected listing.
    const double expected =
        model_.time->traffic.rate_per_second * plan_.horizon * (1 - exact_.mix_availability);
    if (expected > static_cast<double>(kMaxListedRequestsPerHistory) / 2)
      throw InputError("--record requests: about " + std::to_string(std::llround(expected)) +
                       " requests per history fail during outages, more than the " +
                       std::to_string(kMaxListedRequestsPerHistory) +
                       " a history may list; lower the traffic rate or record outages "
                       "(--record outages)");
  }
  return std::make_unique<TimeKernel>(plan_, twin_plan_.get(), layout_, info);
}

std::unique_ptr<TimeRunWriter> TimePipeline::open_file(const std::string& path, bool overwrite,
                                                       const RunInfo& info) const {
  return std::make_unique<TimeRunWriter>(path, overwrite, plan_, info);
}

TimeSummary TimePipeline::conclude(const RunInfo&, const std::vector<std::uint64_t>& tally) const {
  return summarize_time(plan_, layout_, tally, exact_);
}

void TimePipeline::finish(TimeRunWriter& file, const TimeSummary& conclusion) const {
  file.finish(conclusion, exact_);
}

std::string TimePipeline::text(const RunFacts& facts, const TimeSummary& conclusion,
                               bool color) const {
  return format_time_text(
      {model_, facts.info, facts.output_path, facts.threads, facts.elapsed_seconds}, conclusion,
      color);
}

std::string TimePipeline::json(const RunFacts& facts, const TimeSummary& conclusion) const {
  return format_time_json(
      {model_, facts.info, facts.output_path, facts.threads, facts.elapsed_seconds}, conclusion);
}

}  // namespace nines
