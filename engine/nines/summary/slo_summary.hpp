#pragma once
// What a time run concludes about the SLOs of `time.slos` (model/slo_model.hpp), from the
// integer tally (sample/time_tally.hpp): per SLO, the share of its windows that met it (with
// its interval over histories), P(the first window meets it) (with its Wilson interval), and
// the share of good events over all its windows.
#include <cstdint>
#include <string>
#include <vector>

#include "nines/sample/outage_simulator.hpp"
#include "nines/sample/time_tally.hpp"

namespace nines {

// The share of an SLO's windows met, mean over histories with its interval clamped to
// [0, 1], from the wide sums of windows met per history and of its square (`windows` per
// history, n histories).
struct ShareInterval {
  double share = 0, low = 0, high = 0;
};
ShareInterval windows_met_share(long double met, long double met_squared, double windows,
                                std::uint64_t histories, double z);

// With detection by alert: the share of windows met by the model paged at start
// (model/paged_at_start.hpp) on the same histories, and the model's share minus it (a paired
// difference: common random numbers make its interval narrower than either share's).
struct PagedAtStartShare {
  bool present = false;
  double share_met = 0, share_met_low = 0, share_met_high = 0;
  double difference = 0, difference_low = 0, difference_high = 0;
  double first_met = 0;
};

// From the tally: `own` and `own_squared` are the wide sums of the model's windows met.
PagedAtStartShare paged_at_start_share(const std::vector<std::uint64_t>& tally,
                                       const TimeTallyLayout::TwinMetTally& twin, std::size_t own,
                                       std::size_t own_squared, double windows,
                                       std::uint64_t histories, double z);

struct SloObjectSummary {
  std::string name;
  std::string scope;      // a kind's name, or "mix"
  std::string budgeting;  // occurrences, timeslices
  std::string windows;    // rolling, tumbling, calendar-months
  double target = 0, window_seconds = 0;
  double time_slice_target = 0, time_slice_seconds = 0;  // NaN for occurrences
  std::uint64_t windows_per_history = 0;
  double share_met = 0, share_met_low = 0, share_met_high = 0;  // NaN without windows
  double first_met = 0, first_met_low = 0, first_met_high = 0;  // NaN without windows
  // Good events over all windows: 1 - bad / total, summed over windows and histories (NaN
  // without events); bad / total is the mean budget consumed x (1 - target).
  double good_share = 0;
  PagedAtStartShare paged_at_start;  // with detection by alert
};

std::vector<SloObjectSummary> summarize_slos(const OutagePlan& plan, const TimeTallyLayout& l,
                                             const std::vector<std::uint64_t>& tally,
                                             double ci_level);

}  // namespace nines
