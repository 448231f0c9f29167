#pragma once
// The table printed at the end of a sweep: simulated reliability next to the analytic one (a
// time sweep: one row per point with its time availability, downtime, outages, detection and
// repair times, SLO share and verdict).
// A sweep over exactly two single-parameter grid axes (like the essay's spreadsheet: component
// counts x reliabilities) prints as a two-way table, rows from the first axis; anything else
// prints one row per point. Pure functions returning strings, so tests can pin the output.
#include <cstdint>
#include <string>

#include "nines/model/sampler_kind.hpp"

#include "nines/model/sweep_plan.hpp"
#include "nines/sweep/sweep_results.hpp"

namespace nines {

// With `full`, every row; otherwise a readable subset of rows (for whole-number row values the
// 1-2-5 series 1, 2, 5, 10, 20, 50, 100, ... and the last one; else about a dozen).
std::string format_sweep_table(const SweepPlan& plan, const SweepResults& results, bool full,
                               SamplerChoice sampler = SamplerChoice::automatic,
                               std::uint64_t chunk_requests = 1 << 20);

// The closing check over all points: no point's exact binomial p-value below the two-sided
// tail of |z| = 5, P(|Z| >= 5). Over hundreds of points a few reach the per-point verdict's
// 1e-3 by chance; none should reach this. It is the old "|z| < 5" check made exact: the two
// agree when many failures are expected, and only this one holds when few are.
inline constexpr double kSweepPointTail = 5.733031437583892e-07;

// The largest |z| among finished points and where it is, and the points beyond the check.
struct SweepAgreement {
  std::size_t done = 0;
  double max_abs_z = 0;
  std::size_t worst_point = 0;
  std::size_t beyond = 0;  // points with reliability_p_value < kSweepPointTail
  // Time sweeps: points whose verdict had exact tests, and points whose verdict disagrees.
  std::size_t tested = 0;
  std::size_t disagree = 0;
};
SweepAgreement sweep_agreement(const SweepPlan& plan, const SweepResults& results,
                               SamplerChoice sampler = SamplerChoice::automatic,
                               std::uint64_t chunk_requests = 1 << 20);

}  // namespace nines
