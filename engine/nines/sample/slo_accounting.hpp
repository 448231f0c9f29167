#pragma once
// The SLOs of `time.slos` (model/slo_model.hpp) over one history: for each of an SLO's windows,
// its bad and total events (failed and all requests, or bad and all time slices) and whether
// it met the objective (bad <= (1 - target) x total).
#include <array>
#include <cstdint>
#include <vector>

#include "nines/model/slo_model.hpp"

namespace nines {

// An SLO window in whole days: [first_day, first_day + days).
struct SloWindow {
  std::uint32_t first_day = 0;
  std::uint32_t days = 0;
};

// The windows of `slo` inside `whole_days` whole days of horizon (a partial last day is not
// part of any window).
std::vector<SloWindow> slo_windows(const SloTarget& slo, std::uint32_t whole_days);

// Per run: what an SLO's accounting needs.
struct SloPlan {
  SloBudgeting budgeting = SloBudgeting::occurrences;
  std::vector<SloWindow> windows;
  double budget_fraction = 0;  // 1 - target
  // Occurrences: the slot of the scope's per-day counts (HistoryResult::slo_day_requests), or
  // -1 for the mix (HistoryResult::day_requests).
  std::int32_t day_slot = -1;
  // Timeslices: the SLO's spec in AlertPlan::specs (after the policies) and its slices per day.
  std::uint32_t spec = 0;
  std::uint64_t slices_per_day = 0;
};

struct SloHistory {
  std::vector<std::uint64_t> bad, total;  // per window
  std::vector<std::uint8_t> met;          // per window
  std::uint32_t windows_met = 0;
};

// Occurrences: the windows' failed and all requests from the scope's per-day counts.
void account_occurrences(const SloPlan& plan, const std::uint64_t* day_requests,
                         const std::uint64_t* day_failed, std::size_t days, SloHistory& out);

// Timeslices: the windows' bad and all slices from the bad slices' ends (1-based, sorted,
// disjoint inclusive ranges; slice end e closes the slice [(e - 1) slice, e slice)).
void account_timeslices(const SloPlan& plan,
                        const std::vector<std::array<std::uint64_t, 2>>& bad_ends, std::size_t days,
                        SloHistory& out);

}  // namespace nines
