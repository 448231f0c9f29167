#pragma once
// What a time run concludes about its alert policies (model/alerting_model.hpp), from the
// integer tally (sample/time_tally.hpp): per policy and rule, and per policy for its page
// rules together, how often they fire, how many firings were about an outage (precision),
// how many outages they paged for (recall), how long that took, how much of the SLO
// window's error budget was gone at the firing, and when noise fired (hour of day).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "nines/sample/outage_simulator.hpp"
#include "nines/sample/time_tally.hpp"

namespace nines {

struct AlertRuleSummary {
  std::string name;       // the rule's, or "any page" for the page rules together
  std::string severity;   // page, ticket, or "page" for the combined row
  bool combined = false;  // the page rules together
  double burn_rate = 0;   // NaN for an error-ratio rule and the combined row
  double threshold = 0;   // error ratio; NaN for the combined row
  double long_seconds = 0, short_seconds = 0;  // NaN for the combined row; short 0: none
  std::uint64_t firings = 0, delivered = 0, noise = 0, outages_paged = 0;
  double firings_per_year = 0, firings_ci_low = 0, firings_ci_high = 0;
  double delivered_share = 0;  // NaN without firings
  double noise_per_year = 0;
  double precision = 0, precision_ci_low = 0, precision_ci_high = 0;         // NaN without firings
  double recall = 0, recall_ci_low = 0, recall_ci_high = 0;                  // NaN without outages
  double time_to_page_mean = 0, time_to_page_p50 = 0, time_to_page_p95 = 0;  // NaN: none
  double budget_mean = 0, budget_p50 = 0, budget_p95 = 0;                    // NaN: none
  std::array<double, 24> noise_by_hour_per_year{};
};

struct AlertPolicySummary {
  std::string name;
  std::string scope;  // a kind's name, or "mix"
  double slice_seconds = 0;
  std::vector<std::string> needs, delivery;  // component names
  std::uint64_t outages = 0;
  double outages_per_year = 0;
  std::vector<AlertRuleSummary> rows;  // rules, then the combined row
};

std::vector<AlertPolicySummary> summarize_alerts(const OutagePlan& plan, const TimeTallyLayout& l,
                                                 const std::vector<std::uint64_t>& tally,
                                                 double ci_level);

}  // namespace nines
