#include "nines/sweep/point_run.hpp"

#include <stdexcept>
#include <utility>

#include "nines/input/sweep_structure.hpp"
#include "nines/pipeline/chain_pipeline.hpp"
#include "nines/pipeline/structure_pipeline.hpp"
#include "nines/sweep/time_point_run.hpp"

namespace nines {
namespace {

RunInfo point_info(const SweepPoint& point, SamplerKind sampler, RecordMode record,
                   std::uint64_t chunk_requests) {
  RunInfo info;
  info.requests = point.requests;
  info.seed = point.seed;
  info.record = record;
  info.sampler = sampler;
  info.chunk_requests = chunk_requests;
  return info;
}

template <class S>
void fill_comparison(PointRow& row, const S& s) {
  row.failures = s.failures;
  row.reliability_empirical = s.reliability_empirical;
  row.reliability_analytic = s.reliability_analytic;
  row.unreliability_analytic = s.unreliability_analytic;
  row.ci_low = s.reliability_ci.low;
  row.ci_high = s.reliability_ci.high;
  row.z_score = s.z_score;
  row.z_p_value = s.z_p_value;
  row.reliability_p_value = s.reliability_p_value;
  row.attribution_chi2 = s.attribution.statistic;
  row.attribution_dof = s.attribution.dof;
  row.attribution_p_value = s.attribution.p_value;
}

class ChainPointRun final : public PointRun {
 public:
  ChainPointRun(const SweepPoint& point, SamplerChoice choice, std::uint64_t chunk_requests)
      : point_(point),
        scenario_(scenario_of(point)),
        pipeline_(scenario_),
        chunk_requests_(chunk_requests) {
    sampler_ = pipeline_.choose_sampler(choice, RecordMode::none);
    choice_ = choice;
  }
  SamplerKind sampler() const override { return sampler_; }
  std::string kernel_name() const override { return "chain"; }
  std::size_t components() const override { return point_.components.size(); }
  std::size_t counts_size() const override { return point_.components.size(); }
  std::unique_ptr<ChunkKernel> kernel(RecordMode record) const override {
    return pipeline_.kernel(
        point_info(point_, pipeline_.choose_sampler(choice_, record), record, chunk_requests_));
  }
  std::vector<std::uint64_t> counts_from_tally(std::vector<std::uint64_t> tally) const override {
    tally.pop_back();  // the successes
    return tally;
  }
  std::uint64_t failures(const std::vector<std::uint64_t>& tally) const override {
    return pipeline_.failures(tally);
  }
  PointConclusion conclude(const std::vector<std::uint64_t>& counts,
                           std::uint64_t requests) const override {
    const Summary s = summarize(pipeline_.analytics(), requests, counts);
    PointConclusion c;
    c.sampler = std::string(to_string(sampler_));
    c.kernel = kernel_name();
    fill_comparison(c.row, s);
    c.row.agrees = s.agrees;
    const auto& q = pipeline_.analytics().first_failure_probability();
    for (std::size_t k = 0; k < point_.components.size(); ++k) {
      PointComponentRow r;
      r.name = point_.components[k].name;
      r.reliability = point_.components[k].reliability;
      r.failures = counts[k];
      r.expected_failures = s.expected_failures[k];
      r.first_failure_probability = q[k];
      c.components.push_back(std::move(r));
    }
    return c;
  }

 private:
  static Scenario scenario_of(const SweepPoint& point) {
    Scenario s;
    s.name = "point";
    s.components = point.components;
    return s;
  }

  SweepPoint point_;
  Scenario scenario_;  // before pipeline_, which refers to it
  ChainPipeline pipeline_;
  std::uint64_t chunk_requests_;
  SamplerKind sampler_ = SamplerKind::per_request;
  SamplerChoice choice_ = SamplerChoice::automatic;
};

class StructurePointRun final : public PointRun {
 public:
  StructurePointRun(const SweepPlan& plan, const SweepPoint& point, SamplerChoice choice,
                    std::uint64_t chunk_requests, StopFlag stop)
      : point_(point),
        model_(sweep_point_structure(plan, point)),
        pipeline_(model_, ImportanceMode::exact, stop),
        chunk_requests_(chunk_requests),
        choice_(choice) {
    sampler_ = pipeline_.choose_sampler(choice, RecordMode::none);
  }
  SamplerKind sampler() const override { return sampler_; }
  std::string kernel_name() const override {
    return pipeline_.chain_kernel() ? "chain" : "structure";
  }
  std::size_t components() const override { return model_.components.size(); }
  std::size_t counts_size() const override { return pipeline_.sampler().layout().size(); }
  std::unique_ptr<ChunkKernel> kernel(RecordMode record) const override {
    RunInfo info =
        point_info(point_, pipeline_.choose_sampler(choice_, record), record, chunk_requests_);
    info.importance = ImportanceMode::exact;
    return pipeline_.kernel(info);
  }
  std::vector<std::uint64_t> counts_from_tally(std::vector<std::uint64_t> tally) const override {
    return tally;
  }
  std::uint64_t failures(const std::vector<std::uint64_t>& tally) const override {
    return pipeline_.failures(tally);
  }
  PointConclusion conclude(const std::vector<std::uint64_t>& counts,
                           std::uint64_t requests) const override {
    RunInfo info = point_info(point_, sampler_, RecordMode::none, chunk_requests_);
    info.requests = requests;
    const StructureSummary s = pipeline_.conclude(info, counts);
    const StructureAnalytics& exact = pipeline_.analytics();
    PointConclusion c;
    c.sampler = std::string(to_string(sampler_));
    c.kernel = kernel_name();
    fill_comparison(c.row, s.mix);
    c.row.agrees = s.agrees;
    c.row.verdict_tests = s.tests;
    c.row.expected_attempts = s.mix.expected_attempts;
    for (std::size_t k = 0; k < s.kinds.size(); ++k) {
      const KindSummary& ks = s.kinds[k];
      PointKindRow r;
      r.name = ks.name;
      r.weight = ks.weight;
      r.requests = ks.requests;
      r.failures = ks.failures;
      r.attempts = ks.attempts;
      r.reliability_empirical = ks.reliability_empirical;
      r.reliability_analytic = ks.reliability_analytic;
      r.unreliability_analytic = ks.unreliability_analytic;
      r.z_score = ks.z_score;
      r.reliability_p_value = ks.reliability_p_value;
      r.attribution_chi2 = ks.attribution.statistic;
      r.attribution_dof = ks.attribution.dof;
      r.attribution_p_value = ks.attribution.p_value;
      c.kinds.push_back(std::move(r));
    }
    const double n = static_cast<double>(requests);
    for (std::size_t j = 0; j < model_.components.size(); ++j) {
      const StructureComponent& comp = model_.components[j];
      const ImportanceMeasures& m = s.importance[j];
      PointComponentRow r;
      r.name = comp.name;
      r.reliability = comp.reliability;
      r.failures = s.mix.culprit_counts[j];
      r.culprit_probability = exact.culprit_probability()[j];
      r.expected_failures = n * r.culprit_probability;
      r.effective_reliability = comp.effective_reliability();
      r.birnbaum = m.birnbaum;
      r.criticality = m.criticality;
      r.fussell_vesely = m.fussell_vesely;
      r.raw = m.raw;
      r.rrw = m.rrw;
      r.improvement_potential = m.improvement_potential;
      r.unreliability_if_perfect = m.unreliability_if_perfect;
      r.unreliability_if_failed = m.unreliability_if_failed;
      c.components.push_back(std::move(r));
    }
    return c;
  }

 private:
  SweepPoint point_;
  StructureModel model_;
  StructurePipeline pipeline_;
  std::uint64_t chunk_requests_;
  SamplerChoice choice_;
  SamplerKind sampler_ = SamplerKind::per_request;
};

}  // namespace

std::unique_ptr<PointRun> PointRun::make(const SweepPlan& plan, std::size_t point,
                                         SamplerChoice choice, std::uint64_t chunk_requests,
                                         StopFlag stop) {
  const SweepPoint p = plan.points.at(point);
  if (plan.base_format == kTimeFormatVersion) return make_time_point_run(plan, p, stop);
  if (plan.base_format == kStructureFormatVersion)
    return std::make_unique<StructurePointRun>(plan, p, choice, chunk_requests, stop);
  return std::make_unique<ChainPointRun>(p, choice, chunk_requests);
}

}  // namespace nines
