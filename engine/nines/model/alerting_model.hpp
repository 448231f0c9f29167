#pragma once
// Alert policies over a time run (scenario format 3, `time.alerting`): burn-rate rules of the
// kind the SRE Workbook recommends, evaluated on the simulated request and error counts of
// every slice, as a rule engine evaluates them on recorded metrics.
//
// The rules (README "Alerting policies"):
//  - a rule's error ratio over a window is errors / requests of the policy's scope (a request
//    kind, or the traffic mix) in the window's slices; the window ending at slice end e covers
//    the slices [e - window, e), cut at the start of the history (counters start at 0);
//  - a rule fires at slice end e when the error ratio exceeds its threshold over the long
//    window and, when it has one, over the short window too; the threshold is
//    burn_rate x (1 - SLO target), or an error ratio given directly; no requests, no firing;
//  - rules are evaluated only at slice ends where the policy's `needs` block works (the
//    monitoring that scrapes and evaluates the metrics); where it does not, the rule does not
//    fire, so a firing interrupted by a monitoring outage fires (and pages) again afterwards;
//  - a firing is a maximal run of consecutive slice ends at which the rule fires; it is
//    delivered at its first slice end at which the `delivery` block works (notification is
//    retried while the rule keeps firing), or lost if delivery never works before it ends.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nines/model/block.hpp"

namespace nines {

enum class AlertSeverity : std::uint8_t { page, ticket };

// "page", "ticket": the scenario's and the run file's spelling.
const char* to_string(AlertSeverity severity) noexcept;

// Limits (README "Limits and safety").
inline constexpr std::size_t kMaxAlertPolicies = 32;
inline constexpr std::size_t kMaxRulesPerPolicy = 32;
inline constexpr double kMinAlertSliceSeconds = 1;
inline constexpr double kMaxAlertWindowSeconds = 90 * 86400.0;
// Slices of one history (horizon / slice): the slice tree's indices stay 32-bit.
inline constexpr std::uint64_t kMaxAlertSlices = std::uint64_t{1} << 31;

struct AlertRule {
  std::string name;  // "page-1h" when not given: severity and long window
  AlertSeverity severity = AlertSeverity::page;
  double burn_rate = 0;  // 0 when the rule gives its error ratio directly
  double threshold = 0;  // the error ratio to exceed, in (0, 1)
  std::uint32_t long_slices = 0;
  std::uint32_t short_slices = 0;  // 0: no short window
};

struct AlertPolicy {
  std::string name;
  double slice_seconds = 60;          // divides a day
  std::optional<std::uint32_t> kind;  // the scope: a request kind, or the mix when unset
  Block needs = Block::series({});    // metrics and rule evaluation need these working
  std::vector<std::uint32_t> needs_components;
  Block delivery = Block::series({});  // pages reach people only while these work
  std::vector<std::uint32_t> delivery_components;
  std::vector<AlertRule> rules;
};

}  // namespace nines
