#pragma once
// What a sweep has established so far: for each point, whether it is finished and its
// per-component first-failure counts. Integer counts only, so results from any schedule, any
// rank and any resumed run merge exactly; every statistic is computed from them by summarize().
#include <cstdint>
#include <utility>
#include <vector>

#include "nines/model/sweep_plan.hpp"

namespace nines {

class SweepResults {
 public:
  explicit SweepResults(const SweepPlan& plan)
      : done_(plan.points.size(), false), failures_(plan.points.size()) {}

  std::size_t size() const noexcept { return done_.size(); }
  std::size_t done_count() const noexcept { return done_count_; }
  bool complete() const noexcept { return done_count_ == done_.size(); }
  bool done(std::size_t point) const { return done_[point]; }
  // First failures per component of a finished point.
  const std::vector<std::uint64_t>& failures(std::size_t point) const { return failures_[point]; }

  // Records a finished point; a second record of the same point is ignored (it is identical:
  // the counts are a function of the point alone).
  void set(std::size_t point, std::vector<std::uint64_t> component_failures) {
    if (done_[point]) return;
    done_[point] = true;
    failures_[point] = std::move(component_failures);
    ++done_count_;
  }

 private:
  std::vector<bool> done_;
  std::vector<std::vector<std::uint64_t>> failures_;
  std::size_t done_count_ = 0;
};

}  // namespace nines
