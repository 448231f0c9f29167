#include "nines/files/layout_notes.hpp"

#include <map>
#include <string_view>
#include <utility>

namespace nines {

namespace {

struct Note {
  const char* description;
  const char* units;
};

// "1": a dimensionless number (count, probability, share, test statistic), CF's spelling.
// Times are "s" and rates "1/year", not "seconds" or "days": xarray would decode variables with
// those units into timedeltas, changing their values.
const std::map<std::string_view, Note>& names() {
  static const std::map<std::string_view, Note> notes = {
      // Components, kinds, events
      {"name", {"name", ""}},
      {"declaration", {"the component as declared in the scenario (before replicas expand)", ""}},
      {"replica", {"replica number within its declaration (0: not replicated)", ""}},
      {"reliability", {"probability that one call of the component succeeds", "1"}},
      {"effective_reliability", {"reliability of the component with its retries", "1"}},
      {"retries", {"retries after a failed call or attempt", "1"}},
      {"failures", {"failed requests counted here", "1"}},
      {"expected_failures", {"expected failed requests (exact): n times the probability", "1"}},
      {"first_failure_probability",
       {"probability that the component is the first in the chain to fail", "1"}},
      {"culprit_failures",
       {"failed requests whose culprit (first failed component) is this one", "1"}},
      {"culprit_probability",
       {"probability that a request fails with this component as culprit (exact)", "1"}},
      {"expected_culprit_failures", {"expected failed requests with this culprit (exact)", "1"}},
      {"path", {"the kind's structure, as text", ""}},
      {"weight", {"share of traffic", "1"}},
      {"requests", {"requests", "1"}},
      {"attempts", {"attempts made", "1"}},
      {"retried", {"requests that needed more than one attempt", "1"}},
      {"expected_attempts", {"expected attempts per request (exact)", "1"}},
      {"attempt_unreliability_analytic", {"probability that one attempt fails (exact)", "1"}},
      {"reliability_analytic", {"probability that a request succeeds (exact)", "1"}},
      {"unreliability_analytic", {"probability that a request fails (exact)", "1"}},
      {"reliability_empirical", {"share of requests that succeeded", "1"}},
      {"unreliability_empirical", {"share of requests that failed", "1"}},
      {"reliability_ci_low", {"lower end of the Wilson interval of the reliability", "1"}},
      {"reliability_ci_high", {"upper end of the Wilson interval of the reliability", "1"}},
      {"ci_low", {"lower end of the confidence interval", ""}},
      {"ci_high", {"upper end of the confidence interval", ""}},
      {"z_score", {"z-score of the simulated against the exact value", "1"}},
      {"z_p_value", {"two-sided normal p-value of the z-score", "1"}},
      {"reliability_p_value",
       {"exact two-sided binomial p-value of the failures against the exact reliability", "1"}},
      {"attribution_chi2",
       {"chi-square statistic of the failures by culprit against the exact expectation", "1"}},
      {"attribution_dof", {"degrees of freedom of the chi-square (0: no test)", "1"}},
      {"attribution_p_value", {"p-value of the chi-square (NaN when undefined)", "1"}},
      {"agrees", {"1 when the simulation agrees with the exact values, else 0", ""}},
      {"verdict", {"the verdict, as text", ""}},
      {"verdict_tests", {"the tests behind the verdict", ""}},
      {"probability", {"per-request probability that the common-cause event fires", "1"}},
      {"takes_down_count",
       {"components the event takes down (entries of takes_down per event)", "1"}},
      {"takes_down", {"component indices each event takes down, event after event", ""}},
      {"events", {"bit set of the events that fired together (bit e: event e)", ""}},
      {"occurrences", {"times the event occurred", "1"}},
      {"every", {"the event's mean time between occurrences, as text", ""}},
      {"lasts", {"how long the event lasts, as text", ""}},
      {"quiet_simulated", {"share of histories in which the event never occurred", "1"}},
      {"quiet_exact", {"probability that the event never occurs within the horizon (exact)", "1"}},
      // Allocation files
      {"today_reliability", {"the team's reliability today (one call)", "1"}},
      {"improvement_cost", {"cost of one extra nine for the team (NaN: none given)", "1"}},
      {"copies", {"components (replicas) the team's declaration stands for", "1"}},
      {"available", {"1 when the method gave an allocation, else 0 (see reason)", ""}},
      {"reason", {"why the method gave no allocation, as text (empty when it did)", ""}},
      {"solver", {"how the method's allocation was found, as text", ""}},
      {"parameter",
       {"the method's solved parameter: x (equal), f (proportional), lambda (cost, series) or "
        "the proven lower bound on the cost (cost, other structures)",
        "1"}},
      {"service_reliability",
       {"the service's exact reliability with the method's allocation", "1"}},
      {"service_unreliability",
       {"the service's exact unreliability with the method's allocation", "1"}},
      {"cost", {"total cost of the method's improvements", "1"}},
      {"optimality_gap",
       {"cost found minus a proven lower bound on the optimum (cost method; 0 elsewhere)", "1"}},
      {"extra_nines",
       {"nines the team must add: log10 of today's over the allocated unreliability", "1"}},
      // Importance
      {"birnbaum",
       {"Birnbaum importance: P(fail | component failed) - P(fail | component perfect)", "1"}},
      {"criticality",
       {"criticality importance: P(the component's own failure was critical | request failed)",
        "1"}},
      {"fussell_vesely",
       {"Fussell-Vesely importance: share of the unreliability the component takes part in", "1"}},
      {"raw", {"risk achievement worth: unreliability if failed / unreliability", "1"}},
      {"rrw", {"risk reduction worth: unreliability / unreliability if perfect", "1"}},
      {"improvement_potential",
       {"unreliability minus unreliability if the component were perfect", "1"}},
      {"unreliability_if_perfect", {"unreliability with the component perfect", "1"}},
      {"unreliability_if_failed", {"unreliability with the component always failing", "1"}},
      {"fail_if_perfect", {"simulated requests that would fail with the component perfect", "1"}},
      {"fail_if_failed",
       {"simulated requests that would fail with the component always failing", "1"}},
      // Per request / per failure
      {"failed_component",
       {"the first component that failed (index into /components), or -1 for success", ""}},
      {"request", {"request index (0-based)", ""}},
      {"component", {"component index (into the components table)", ""}},
      {"kind", {"request kind index (into the kinds table)", ""}},
      {"culprit", {"the culprit: index of the component whose failure decided the request", ""}},
      {"common_cause", {"the common-cause event that fired first, or -1 for none", ""}},
      {"common_causes", {"bit set of every common-cause event that fired (bit e: event e)", ""}},
      {"failed_set_size",
       {"components that failed in the request (entries of failed_set per failure)", "1"}},
      {"failed_set",
       {"indices of the components that failed, failure after failure, in path order", ""}},
      // Time runs
      {"history", {"history index (0-based)", ""}},
      {"event", {"common-cause event index (into /events), or -1 for a component", ""}},
      {"cause", {"cause code", ""}},
      {"start", {"start of the outage, seconds from the history's start", "s"}},
      {"detected", {"when the outage was detected (NaN: not within the horizon)", "s"}},
      {"repair_start", {"when the repair started (NaN: not within the horizon)", "s"}},
      {"end", {"end of the outage (NaN: not within the horizon)", "s"}},
      {"detection_paused", {"how long the detection clock stood still waiting for needs", "s"}},
      {"time", {"time of the failed request, seconds from the history's start", "s"}},
      {"downtime", {"downtime (for kinds and histories: weighted by traffic share)", "s"}},
      {"outages", {"outages", "1"}},
      {"failed", {"failed requests", "1"}},
      {"failed_outage", {"requests that failed because their kind was down", "1"}},
      {"time_availability", {"share of time up", "1"}},
      {"time_availability_ci_low", {"lower end of the interval of the time availability", "1"}},
      {"time_availability_ci_high", {"upper end of the interval of the time availability", "1"}},
      {"request_availability", {"share of requests that succeeded", "1"}},
      {"mean_time_to_detect", {"mean time from failure to detection (NaN without any)", "s"}},
      {"mean_time_to_detect_exact", {"mean time to detect (exact)", "s"}},
      {"mean_time_to_repair",
       {"mean time from failure to the end of the outage (NaN without any)", "s"}},
      {"windows_met_time", {"SLO windows met by time availability", "1"}},
      {"windows_met_requests", {"SLO windows met by request availability", "1"}},
      {"kind_downtime",
       {"downtime of each kind in each history (histories x kinds, row-major)", "s"}},
      {"kind_requests",
       {"requests of each kind in each history (histories x kinds, row-major)", "1"}},
      {"kind_failed",
       {"failed requests of each kind in each history (histories x kinds, row-major)", "1"}},
      {"window", {"window index within its history", ""}},
      {"met_time", {"1 when the window met the SLO target by time, else 0", ""}},
      {"met_requests", {"1 when the window met the SLO target by requests, else 0", ""}},
      {"window_first_day", {"the window's first day", "day"}},
      {"window_days", {"the window's length", "day"}},
      {"window_slo", {"the SLO of the window (index into /slos/objectives)", ""}},
      {"failure", {"the component's failure distribution, as text", ""}},
      {"repair", {"the component's repair distribution, as text", ""}},
      {"detection", {"the component's detection, as text", ""}},
      {"outages_per_year", {"outages per history-year", "1/year"}},
      {"downtime_per_year", {"downtime per history-year", "s/year"}},
      {"budget_seconds_per_year", {"error budget spent, downtime per history-year", "s/year"}},
      {"budget_detection_seconds_per_year",
       {"error budget spent while the outage was undetected", "s/year"}},
      {"budget_requests_per_year",
       {"error budget spent, failed requests per history-year", "1/year"}},
      {"availability_simulated", {"simulated time availability", "1"}},
      {"availability_exact", {"time availability (exact; NaN when none)", "1"}},
      {"metric", {"the metric", ""}},
      {"unit", {"the metric's unit (empty: fraction, s, 1/y)", ""}},
      {"mean", {"mean over histories", ""}},
      {"p05", {"5th percentile over histories", ""}},
      {"p50", {"median over histories", ""}},
      {"p95", {"95th percentile over histories", ""}},
      // SLOs
      {"slo", {"SLO index (into /slos/objectives)", ""}},
      {"bad", {"bad events in the window: failed requests or bad slices", "1"}},
      {"total", {"events in the window: requests or slices", "1"}},
      {"met", {"1 when the window met the SLO, else 0", ""}},
      {"scope", {"a kind's name or mix", ""}},
      {"budgeting_method", {"occurrences or timeslices", ""}},
      {"windows", {"windows", "1"}},
      {"target", {"the SLO target", "1"}},
      {"window_seconds", {"the SLO window", "s"}},
      {"time_slice_target", {"the time slice target (NaN for occurrences)", "1"}},
      {"time_slice_window_seconds", {"the time slice (NaN for occurrences)", "s"}},
      {"windows_per_history", {"whole windows per history", "1"}},
      {"share_met", {"share of windows that met the SLO", "1"}},
      {"first_window_met", {"share of histories whose first window met the SLO", "1"}},
      {"good_share", {"share of good events", "1"}},
      {"budget_fraction", {"error budget: 1 - target", "1"}},
      {"share_met_paged_at_start",
       {"share of windows met if every outage paged at its start", "1"}},
      {"difference_paged_at_start", {"share met if paged at start minus share met", "1"}},
      // Alerting
      {"policy", {"alert policy index (into /alerting/policies)", ""}},
      {"rule", {"rule index within its policy (its number of rules: the any-page row)", ""}},
      {"needs", {"what the policy needs", ""}},
      {"delivery", {"delivery channels, comma-joined", ""}},
      {"slice_seconds", {"length of the policy's slices", "s"}},
      {"severity", {"the rule's severity", ""}},
      {"combined", {"1 for the any-page row combining the policy's page rules, else 0", ""}},
      {"burn_rate", {"the rule's burn rate (NaN for an error-ratio rule)", "1"}},
      {"threshold", {"the rule's threshold", "1"}},
      {"long_seconds", {"the rule's long window", "s"}},
      {"short_seconds", {"the rule's short window (0: none)", "s"}},
      {"firings", {"firings", "1"}},
      {"delivered", {"firings delivered", "1"}},
      {"noise", {"firings about no outage", "1"}},
      {"outages_paged", {"outages paged", "1"}},
      {"firings_per_year", {"firings per history-year", "1/year"}},
      {"firings_per_year_ci_low", {"lower end of the interval of firings per year", "1/year"}},
      {"firings_per_year_ci_high", {"upper end of the interval of firings per year", "1/year"}},
      {"delivered_share", {"share of firings delivered", "1"}},
      {"noise_per_year", {"noise firings per history-year", "1/year"}},
      {"precision", {"share of firings about an outage", "1"}},
      {"recall", {"share of outages paged", "1"}},
      {"time_to_page_mean", {"mean time from outage start to page", "s"}},
      {"time_to_page_p50", {"median time from outage start to page", "s"}},
      {"time_to_page_p95", {"95th percentile of the time from outage start to page", "s"}},
      {"budget_at_firing_mean", {"mean error budget left at firing", "1"}},
      {"budget_at_firing_p50", {"median error budget left at firing", "1"}},
      {"budget_at_firing_p95", {"95th percentile of the error budget left at firing", "1"}},
      {"noise_by_hour_per_year", {"noise firings per history-year by hour of day", "1/year"}},
      {"fired", {"when the rule fired", "s"}},
      {"delivered_at", {"when the page was delivered", "s"}},
      {"outage_start", {"start of the outage the firing is about (NaN: noise)", "s"}},
      {"budget", {"error budget left at firing", "1"}},
      {"slice", {"slice index (slice i covers [i slice, (i + 1) slice))", ""}},
      {"errors", {"failed requests in the slice", "1"}},
      // Sweeps
      {"point", {"sweep point index", ""}},
      {"done", {"1 when the point finished, else 0", ""}},
      {"seed", {"the point's seed", ""}},
      {"replication", {"replication index of the point", ""}},
      {"sampler", {"the sampler that ran", ""}},
      {"kernel", {"the kernel that ran", ""}},
      {"exact_method", {"the method of the exact values", ""}},
  };
  return notes;
}

// Suffixes that qualify a known name: "<name>_simulated_low" is the lower end of the
// simulated value's interval, and so on.
struct Suffix {
  std::string_view suffix;
  const char* prefix;
  const char* postfix;
};
constexpr Suffix kSuffixes[] = {
    {"_simulated_low", "lower end of the interval of the simulated ", ""},
    {"_simulated_high", "upper end of the interval of the simulated ", ""},
    {"_simulated", "simulated ", ""},
    {"_ci_low", "lower end of the confidence interval of: ", ""},
    {"_ci_high", "upper end of the confidence interval of: ", ""},
    {"_low", "lower end of the interval of: ", ""},
    {"_high", "upper end of the interval of: ", ""},
    {"_exact", "", " (exact)"},
    {"_p05", "5th percentile over histories of: ", ""},
    {"_p50", "median over histories of: ", ""},
    {"_p95", "95th percentile over histories of: ", ""},
};

std::string humanized(std::string_view name) {
  std::string out(name);
  for (char& c : out)
    if (c == '_') c = ' ';
  return out;
}

// Names that mean something else in one group than everywhere else.
const std::map<std::pair<std::string_view, std::string_view>, Note>& group_names() {
  static const std::map<std::pair<std::string_view, std::string_view>, Note> notes = {
      {{"/methods", "met"},
       {"1 when the method's allocation meets the target (checked exactly), else 0", ""}},
      // Uncertainty files (nines uncertainty)
      {{"/factors", "quantity"},
       {"what the factor's value is: reliability (its value is the unreliability 1 - r) or "
        "outage_rate (per second)",
        ""}},
      {{"/factors", "distribution"},
       {"the factor's distribution: beta, gamma, lognormal or uniform", ""}},
      {{"/factors", "a"}, {"first parameter of the distribution (README, Uncertain inputs)", ""}},
      {{"/factors", "b"}, {"second parameter of the distribution (README, Uncertain inputs)", ""}},
      {{"/factors", "mean"}, {"mean of the factor's value", ""}},
      {{"/factors", "sd"}, {"standard deviation of the factor's value", ""}},
      {{"/factors", "origin"}, {"where the distribution comes from, as text", ""}},
      {{"/factors", "members"},
       {"the declarations sharing the factor's draw (names, comma-separated)", ""}},
      {{"/factors", "first_order"},
       {"first-order Sobol index: share of the service value's variance the factor explains "
        "alone",
        "1"}},
      {{"/factors", "first_order_error"},
       {"bootstrap standard deviation of the first-order Sobol index", "1"}},
      {{"/factors", "total"},
       {"total Sobol index: share of the variance explained with every interaction", "1"}},
      {{"/factors", "total_error"}, {"bootstrap standard deviation of the total Sobol index", "1"}},
      {{"/draws", "value"},
       {"the service's exact value (reliability or availability, see measure) in the draw", "1"}},
      {{"/draws", "shortfall"}, {"1 - value, computed directly", "1"}},
      {{"/draws", "factor_value"},
       {"each factor's value in the draw: an unreliability, or an outage rate per second", ""}},
  };
  return notes;
}

hdf5::VariableNotes describe(const std::string& group, const std::string& name) {
  const auto& table = names();
  if (const auto found = group_names().find({group, name}); found != group_names().end())
    return {found->second.description, found->second.units, {}, ""};
  if (group == "/offsets")
    return {"first row of each point in /" + name + " (one more entry than points)", "", {}, ""};
  if (group == "/points" && name.find_first_of(".[") != std::string::npos)
    return {"the swept parameter " + name, "", {}, ""};
  if (const auto found = table.find(name); found != table.end())
    return {found->second.description, found->second.units, {}, ""};
  for (const Suffix& s : kSuffixes) {
    if (name.size() <= s.suffix.size() ||
        name.compare(name.size() - s.suffix.size(), s.suffix.size(), s.suffix) != 0)
      continue;
    const std::string base = name.substr(0, name.size() - s.suffix.size());
    const auto found = table.find(base);
    const std::string what = found != table.end() ? found->second.description : humanized(base);
    return {std::string(s.prefix) + what + s.postfix,
            found != table.end() ? found->second.units : "",
            {},
            ""};
  }
  // Summary columns of sweeps and time runs ("n_components", "slo_share_met_time", ...).
  if (name.rfind("n_", 0) == 0) return {"number of " + humanized(name.substr(2)), "1", {}, ""};
  return {humanized(name), "", {}, ""};
}

}  // namespace

hdf5::FileNotes layout_notes() {
  hdf5::FileNotes notes;
  notes.row_dimensions = {
      {"/components", "component"},
      {"/kinds", "kind"},
      {"/requests", "request"},
      {"/failures", "failure"},
      {"/common_cause", "event"},
      {"/common_cause_sets", "event_set"},
      {"/importance/components", "component"},
      {"/importance/common_cause", "event"},
      {"/events", "event"},
      {"/histories", "history"},
      {"/outages", "outage"},
      {"/windows", "history_window"},
      {"/summary", "metric"},
      {"/slos", "slo_window"},
      {"/slos/objectives", "slo"},
      {"/slos/windows", "history_slo_window"},
      {"/alerting/policies", "policy"},
      {"/alerting/rules", "rule"},
      {"/alerting/firings", "firing"},
      {"/alerting/series", "series_slice"},
      {"/points", "point"},
      {"/offsets", "point_boundary"},
      {"/point_components", "point_component"},
      {"/point_kinds", "point_kind"},
      {"/point_events", "point_event"},
      {"/point_slos", "point_slo"},
      {"/point_alert_policies", "point_alert_policy"},
      {"/point_failures", "point_failure"},
      // Allocation files (nines allocate)
      {"/teams", "team"},
      {"/methods", "method"},
      {"/allocation", "method_team"},
      // Uncertainty files (nines uncertainty)
      {"/factors", "factor"},
      {"/draws", "draw"},
  };
  notes.dimensions = {
      {"/kinds/culprit_failures", {"kind", "component"}},
      {"/kinds/culprit_probability", {"kind", "component"}},
      // Histories x kinds (time runs' minor version 2; before, flat with rows and columns).
      {"/histories/kind_downtime", {"history", "kind"}},
      {"/histories/kind_requests", {"history", "kind"}},
      {"/histories/kind_failed", {"history", "kind"}},
      {"/alerting/rules/noise_by_hour_per_year", {"rule", "hour_of_day"}},
      {"/common_cause/takes_down", {"takes_down_entry"}},
      {"/failures/failed_set", {"failed_set_entry"}},
      {"/windows/window_first_day", {"window_definition"}},
      {"/windows/window_days", {"window_definition"}},
      {"/draws/factor_value", {"draw", "factor"}},
  };
  notes.describe = describe;
  return notes;
}

hdf5::VariableNotes code_flags(std::string description,
                               const std::vector<std::pair<std::int64_t, std::string>>& special,
                               const std::vector<std::string>& names, std::int64_t offset) {
  hdf5::VariableNotes out;
  out.description = std::move(description);
  constexpr std::size_t kMaxMeanings = 32 * 1024;
  for (const auto& [value, meaning] : special) {
    out.flag_values.push_back(value);
    out.flag_meanings += (out.flag_meanings.empty() ? "" : " ") + hdf5::flag_word(meaning);
  }
  std::string listed = out.flag_meanings;
  std::vector<std::int64_t> values = out.flag_values;
  for (std::size_t i = 0; i < names.size(); ++i) {
    values.push_back(offset + static_cast<std::int64_t>(i));
    listed += (listed.empty() ? "" : " ") + hdf5::flag_word(names[i]);
    if (listed.size() > kMaxMeanings) return out;  // the special codes only
  }
  out.flag_values = std::move(values);
  out.flag_meanings = std::move(listed);
  return out;
}

namespace {

std::vector<std::string> names_in(const hdf5::File& file, const char* group) {
  if (!file.contains(group)) return {};
  const hdf5::Group g = file.open_group(group);
  if (!g.contains("name")) return {};
  return g.open_dataset("name").read_strings();
}

bool has(const hdf5::File& file, const std::string& path) {
  const auto slash = path.rfind('/');
  const std::string group = path.substr(1, slash - 1);
  if (!file.contains(group)) return false;
  return file.open_group(group).contains(path.substr(slash + 1));
}

}  // namespace

void annotate_nines_file(hdf5::File& file, std::int64_t minor_version) {
  hdf5::FileNotes notes = layout_notes();
  const std::vector<std::string> components = names_in(file, "components");
  const std::vector<std::string> kinds = names_in(file, "kinds");
  std::vector<std::string> events = names_in(file, "events");
  if (events.empty()) events = names_in(file, "common_cause");
  const bool time_run = file.contains("histories") || file.contains("events");
  const auto flag = [&](const std::string& path, hdf5::VariableNotes n) {
    if (has(file, path)) notes.flags.emplace(path, std::move(n));
  };
  flag("/requests/failed_component",
       code_flags("the first component that failed (index into /components), or -1 for success",
                  {{-1, "success"}}, components));
  flag("/failures/component",
       code_flags("the first component that failed (index into /components)", {}, components));
  flag("/requests/kind", code_flags("the request's kind (index into /kinds)", {}, kinds));
  flag("/failures/kind", code_flags("the request's kind (index into /kinds)", {}, kinds));
  if (time_run) {
    // Culprits of time runs: a component index, or K + the index of a common-cause event.
    std::vector<std::string> culprits = components;
    culprits.insert(culprits.end(), events.begin(), events.end());
    flag("/requests/culprit",
         code_flags("the outage's culprit: component index, or K + event index", {}, culprits));
    flag("/requests/cause", code_flags("why the request failed",
                                       {{1, "outage"}, {2, "outage_prolonged_by_needs"}}, {}));
    flag("/outages/component",
         code_flags("the component that failed (index into /components), or -1 for an event",
                    {{-1, "event"}}, components));
    flag("/outages/event",
         code_flags("the common-cause event (index into /events), or -1 for a component",
                    {{-1, "component"}}, events));
    flag("/outages/cause",
         code_flags("what started the outage", {{0, "own_failure"}, {1, "event"}}, {}));
  } else {
    flag("/requests/culprit", code_flags("the culprit (index into /components), or -1 for success",
                                         {{-1, "success"}}, components));
    flag("/failures/culprit", code_flags("the culprit (index into /components)", {}, components));
    flag("/requests/common_cause",
         code_flags("the common-cause event that fired first (index into /common_cause), or -1",
                    {{-1, "none"}}, events));
    flag("/failures/common_cause",
         code_flags("the common-cause event that fired first (index into /common_cause), or -1",
                    {{-1, "none"}}, events));
  }
  // Allocation files: the rows of /allocation name a method and a team.
  const std::vector<std::string> teams = names_in(file, "teams");
  flag("/allocation/team", code_flags("the team (index into /teams)", {}, teams));
  flag("/allocation/method",
       code_flags("the allocation method (index into /methods)", {}, names_in(file, "methods")));
  hdf5::annotate_for_netcdf(file, notes);
  file.write_attribute("format_minor_version", minor_version);
}

}  // namespace nines
