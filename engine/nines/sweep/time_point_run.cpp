#include "nines/sweep/time_point_run.hpp"

#include <stdexcept>
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
  std::uint64_t failures(const std::vector<std::uint64_t>&) const override {
    throw std::logic_error("a time point has no precision rule");
  }
  PointConclusion conclude(const std::vector<std::uint64_t>& counts, std::uint64_t) const override {
    auto time = std::make_shared<TimePointConclusion>();
    time->summary = pipeline_.conclude(info(RecordMode::none), counts);
    const TimeModel& t = *model_.time;
    time->horizon_seconds = t.horizon_seconds;
    time->traffic_rate = t.traffic.rate_per_second;
    time->crews = t.crews;
    time->slo = t.slo.has_value();
    ExpandedProcesses rows = expand_processes(time->summary, model_, pipeline_.exact());
    time->components = std::move(rows.components);
    time->events = std::move(rows.events);
    PointConclusion c;
    c.sampler = "event-driven";
    c.kernel = kernel_name();
    c.row.agrees = time->summary.agrees;
    c.row.verdict_tests = time->summary.tests;
    c.time = std::move(time);
    return c;
  }

 private:
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
