#include "nines/sweep/time_point_run.hpp"

#include <limits>
#include <utility>

#include "nines/input/sweep_structure.hpp"
#include "nines/pipeline/time_pipeline.hpp"

namespace nines {
namespace {

class TimePointRun final : public PointRun {
 public:
  TimePointRun(const SweepPlan& plan, const SweepPoint& point, StopFlag stop)
      : point_(point),
        model_(sweep_point_structure(plan, point)),
        pipeline_(model_, point.seed, stop),
        layout_(pipeline_.plan()) {}

  // Time runs are event-driven; there is no per-request sampler to choose.
  SamplerKind sampler() const override { return SamplerKind::per_request; }
  std::string kernel_name() const override { return "time"; }
  std::size_t components() const override { return model_.components.size(); }
  std::size_t counts_size() const override { return layout_.size; }
  std::unique_ptr<ChunkKernel> kernel(RecordMode record) const override {
    return pipeline_.kernel(info(record));
  }
  std::vector<std::uint64_t> counts_from_tally(std::vector<std::uint64_t> tally) const override {
    return tally;
  }
  PointConclusion conclude(const std::vector<std::uint64_t>& counts) const override {
    auto time = std::make_shared<TimePointConclusion>();
    time->summary = pipeline_.conclude(info(RecordMode::none), counts);
    const TimeModel& t = *model_.time;
    time->horizon_seconds = t.horizon_seconds;
    time->traffic_rate = t.traffic.rate_per_second;
    time->crews = t.crews;
    time->slo = t.slo.has_value();
    rows(*time);
    PointConclusion c;
    c.sampler = "event-driven";
    c.kernel = kernel_name();
    c.row.agrees = time->summary.agrees;
    c.row.verdict_tests = time->summary.tests;
    c.time = std::move(time);
    return c;
  }

 private:
  // Every component and event, those the summary has no row for (no outages, no process) with
  // the run file's values for them.
  void rows(TimePointConclusion& time) const {
    const TimeExactValues& exact = pipeline_.exact();
    const std::size_t K = model_.components.size();
    const auto nan = std::numeric_limits<double>::quiet_NaN();
    const auto at = [&](const std::vector<double>& v, std::size_t i, double fallback) {
      return i < v.size() ? v[i] : fallback;
    };
    for (std::size_t c = 0; c < K; ++c) {
      ProcessSummary r;
      r.name = model_.components[c].name;
      r.mean_time_to_detect = r.mean_time_to_repair = r.z_score = nan;
      r.mean_time_to_detect_exact = at(exact.mean_time_to_detect, c, nan);
      r.availability_exact = at(exact.component_availability, c, nan);
      time.components.push_back(r);
    }
    for (std::size_t e = 0; e < model_.common_causes.size(); ++e) {
      ProcessSummary r;
      r.name = model_.common_causes[e].name;
      r.event = true;
      r.mean_time_to_detect = r.mean_time_to_repair = r.mean_time_to_detect_exact = r.z_score = nan;
      r.availability_exact = 1;
      time.events.push_back(r);
    }
    const TimeSummary& s = time.summary;
    for (std::size_t i = 0; i < s.processes.size(); ++i) {
      const std::uint32_t p = s.process_index[i];
      (p < K ? time.components[p] : time.events[p - K]) = s.processes[i];
    }
  }

  // What `nines run --record none` of the point runs: its histories, at its seed, in chunks
  // of the time pipeline's size (the tally does not depend on them).
  RunInfo info(RecordMode record) const {
    RunInfo info;
    info.requests = point_.requests;
    info.seed = point_.seed;
    info.record = record;
    info.chunk_requests = kHistoriesPerChunk;
    return info;
  }

  SweepPoint point_;
  StructureModel model_;  // before pipeline_, which refers to it
  TimePipeline pipeline_;
  TimeTallyLayout layout_;
};

}  // namespace

std::unique_ptr<PointRun> make_time_point_run(const SweepPlan& plan, const SweepPoint& point,
                                              StopFlag stop) {
  return std::make_unique<TimePointRun>(plan, point, stop);
}

}  // namespace nines
