#pragma once
// What a sweep has established so far: for each point, whether it is finished and its counts
// (a chain point's first failures per component, a structure point's whole tally). Integer
// counts only, so results from any schedule, any rank and any resumed run merge exactly; every
// statistic is computed from them (PointRun::conclude). A structure point's conclusion needs
// its exact values, so it is computed once, when the point is set, and kept.
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "nines/model/sweep_plan.hpp"
#include "nines/sweep/point_run.hpp"

namespace nines {

class SweepResults {
 public:
  explicit SweepResults(const SweepPlan& plan)
      : done_(plan.points.size(), false),
        counts_(plan.points.size()),
        conclusions_(plan.base_format == 1 ? 0 : plan.points.size()) {}

  std::size_t size() const noexcept { return done_.size(); }
  std::size_t done_count() const noexcept { return done_count_; }
  bool complete() const noexcept { return done_count_ == done_.size(); }
  bool done(std::size_t point) const { return done_[point]; }

  // The counts of a finished point.
  const std::vector<std::uint64_t>& counts(std::size_t point) const { return counts_[point]; }
  // The requests a finished point sampled: `planned` (its own) unless it stopped at a precision.
  std::uint64_t requests(std::size_t point, std::uint64_t planned) const {
    return point < requests_.size() && requests_[point] != 0 ? requests_[point] : planned;
  }
  void set_requests(std::size_t point, std::uint64_t sampled) {
    if (requests_.size() != done_.size()) requests_.assign(done_.size(), 0);
    requests_[point] = sampled;
  }
  // A chain point's counts are its first failures per component.
  const std::vector<std::uint64_t>& failures(std::size_t point) const { return counts_[point]; }

  // Records a finished point; a second record of the same point is ignored (it is identical:
  // the counts are a function of the point alone). `conclusion`: kept for structure points.
  void set(std::size_t point, std::vector<std::uint64_t> counts,
           std::shared_ptr<const PointConclusion> conclusion = nullptr) {
    if (done_[point]) return;
    done_[point] = true;
    counts_[point] = std::move(counts);
    if (!conclusions_.empty()) conclusions_[point] = std::move(conclusion);
    ++done_count_;
  }

  // The kept conclusion of a finished structure point (null for chains, or not yet computed).
  const PointConclusion* kept(std::size_t point) const {
    return conclusions_.empty() ? nullptr : conclusions_[point].get();
  }
  void keep(std::size_t point, std::shared_ptr<const PointConclusion> conclusion) {
    if (!conclusions_.empty()) conclusions_[point] = std::move(conclusion);
  }

  // Frees the counts of a finished point whose conclusion is kept, once they are journaled: a
  // time point's tally holds 8 histograms (about 41,000 counts, 330 kB), which a sweep of
  // thousands of points cannot keep in memory. Its conclusion answers every later question.
  void release_counts(std::size_t point) {
    if (kept(point) != nullptr) std::vector<std::uint64_t>().swap(counts_[point]);
  }

 private:
  std::vector<bool> done_;
  std::vector<std::vector<std::uint64_t>> counts_;
  std::vector<std::shared_ptr<const PointConclusion>> conclusions_;
  std::vector<std::uint64_t> requests_;  // per point once one stopped at a precision; 0: planned
  std::size_t done_count_ = 0;
};

// The conclusion of finished point `point`: the kept one, or computed now (chains: cheap).
PointConclusion conclude_point(const SweepPlan& plan, const SweepResults& results,
                               std::size_t point, SamplerChoice choice,
                               std::uint64_t chunk_requests);

}  // namespace nines
