#include "nines/report/time_report.hpp"

#include <algorithm>
#include <cmath>

#include "nines/base/number_format.hpp"
#include "nines/report/run_json.hpp"

namespace nines {

namespace {

using namespace number_format;

std::string percent(double a) {
  return availability_percent(a, "n/a");
}
std::string span(double seconds) {
  return duration_for_people(seconds, "n/a");
}

std::string number(double x) {
  if (!std::isfinite(x)) return "n/a";
  return printf_string("%.3g", x);
}

const auto& pad = align_left;

std::string share(double x) {
  if (!std::isfinite(x)) return "n/a";
  return printf_string("%.1f%%", 100 * x);
}

std::string names(const std::vector<std::string>& v) {
  if (v.empty()) return "nothing";
  std::string out;
  for (const std::string& n : v) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void paged_at_start_json(Json& json, const std::string& prefix, const PagedAtStartShare& x) {
  json[prefix + "share_met"] = x.share_met;
  json[prefix + "share_met_low"] = x.share_met_low;
  json[prefix + "share_met_high"] = x.share_met_high;
  json[prefix + "difference"] = x.difference;
  json[prefix + "difference_low"] = x.difference_low;
  json[prefix + "difference_high"] = x.difference_high;
  json[prefix + "first_window_met"] = x.first_met;
}

// A difference of shares in percentage points, with its sign.
std::string signed_points(double x) {
  if (!std::isfinite(x)) return "n/a";
  return printf_string("%+.2f pt", 100 * x);
}

// One line per SLO of time.slos.
std::string slo_text(const TimeSummary& s) {
  if (s.slos.empty()) return "";
  std::string out = "\nSLOs (time.slos)\n  " + pad("name", 22) + pad("scope", 12) +
                    pad("budgeting", 24) + pad("target", 10) + pad("windows", 21) +
                    pad("windows met [" + printf_string("%g", 100 * s.ci_level) + "% CI]", 33) +
                    pad("first window met", 18) + "good events\n";
  for (const SloObjectSummary& o : s.slos) {
    const std::string budgeting = o.budgeting == "timeslices"
                                      ? "timeslices " + duration_unit(o.time_slice_seconds) +
                                            " >=" + share(o.time_slice_target)
                                      : o.budgeting;
    const std::string windows = o.windows == "calendar-months"
                                    ? o.windows
                                    : duration_unit(o.window_seconds) + " " + o.windows;
    out += "  " + pad(o.name, 22) + pad(o.scope, 12) + pad(budgeting, 24) +
           pad(percent(o.target), 10) + pad(windows, 21) +
           pad(percent(o.share_met) + " [" + percent(o.share_met_low) + ", " +
                   percent(o.share_met_high) + "]",
               33) +
           pad(percent(o.first_met), 18) + percent(o.good_share) + "\n";
  }
  if (!s.slos.empty() && s.slos[0].paged_at_start.present) {
    out += "  if every page came as the outage starts (same histories):\n";
    for (const SloObjectSummary& o : s.slos) {
      const PagedAtStartShare& x = o.paged_at_start;
      out += "  " + pad(o.name, 22) + "windows met " + percent(x.share_met) + " [" +
             percent(x.share_met_low) + ", " + percent(x.share_met_high) + "]; with the alerts " +
             signed_points(x.difference) + " [" + signed_points(x.difference_low) + ", " +
             signed_points(x.difference_high) + "]\n";
    }
  }
  out +=
      "  a window meets its SLO when its bad events (failed requests, or slices whose share of\n"
      "  good requests is under the slice target) are at most (1 - target) x its events\n";
  return out;
}

// One table per policy, then the policies side by side (their page rules together): the
// policies ran on the same histories and see the same counts (common random numbers).
std::string alert_text(const TimeSummary& s) {
  if (s.alerting.empty()) return "";
  std::string out;
  const auto row_line = [&](const std::string& label, const AlertRuleSummary& r) {
    return "  " + pad(label, 22) + pad(r.severity, 10) + pad(number(r.firings_per_year), 9) +
           pad(share(r.delivered_share), 11) + pad(number(r.noise_per_year), 9) +
           pad(share(r.precision), 11) + pad(share(r.recall), 9) +
           pad(span(r.time_to_page_p50) + " / " + span(r.time_to_page_p95), 22) +
           share(r.budget_mean) + "\n";
  };
  const std::string header =
      "fires/y  delivered  noise/y  precision  recall   time to page p50 / p95  budget at fire\n";
  for (const AlertPolicySummary& p : s.alerting) {
    out += "\nalert policy " + p.name + " on " + (p.scope == "mix" ? "the traffic mix" : p.scope) +
           ": " + duration_unit(p.slice_seconds) + " slices, metrics need " + names(p.needs) +
           ", pages need " + names(p.delivery) + "; " + number(p.outages_per_year) +
           " outages/year\n";
    out += "  " + pad("rule", 22) + pad("severity", 10) + header;
    for (const AlertRuleSummary& r : p.rows) {
      std::string label = r.name;
      if (!r.combined) {
        label += std::isfinite(r.burn_rate) ? " " + general(r.burn_rate) + "x"
                                            : " >" + share(r.threshold);
      }
      out += row_line(label, r);
    }
  }
  if (s.alerting.size() > 1) {
    out += "\npolicies compared on the same histories (page rules together)\n";
    out += "  " + pad("policy", 22) + pad("", 10) + header;
    for (const AlertPolicySummary& p : s.alerting) out += row_line(p.name, p.rows.back());
  }
  out +=
      "  noise: firings whose long window saw no outage; precision: firings about an outage;\n"
      "  recall: outages with a delivered firing; budget: share of the SLO window's error "
      "budget\n  spent in the long window when it fired. Quiet ends skipped: at most " +
      printf_string("%.2g", s.alert_missed_bound) + " firings missed in the whole run.\n";
  return out;
}

}  // namespace

std::string format_time_text(const TimeReportContext& c, const TimeSummary& s, bool color) {
  const StructureModel& model = c.model;
  const TimeModel& time = *model.time;
  const char* bold = color ? "\033[1m" : "";
  const char* reset = color ? "\033[0m" : "";
  std::string out;
  out += std::string(bold) + model.name + reset + ": " + integer(s.histories) + " histories of " +
         duration_unit(time.horizon_seconds) + " (" +
         (time.start == StartState::steady ? "steady start" : "fresh start") + "), seed " +
         std::to_string(c.info.seed) + ", traffic " + general(time.traffic.rate_per_second) + "/s" +
         (time.crews > 0 ? ", " + std::to_string(time.crews) + " repair crews" : "") + "\n";
  if (!c.output_path.empty())
    out += "output: " + c.output_path + " (record " + std::string(to_string(c.info.record)) + ")\n";
  if (const std::string line = uncertain_inputs_line(model); !line.empty())
    out += line.substr(line.find("uncertain"));
  if (c.elapsed_seconds > 0)
    out += "time: " + printf_string("%.2f s", c.elapsed_seconds) + " on " +
           std::to_string(c.threads) + (c.threads == 1 ? " thread" : " threads") + "\n";
  out +=
      "\nover histories              mean        95% CI                    5%            median    "
      "    "
      "95%\n";
  for (const MetricSummary& m : s.metrics) {
    const bool availability = m.metric.find("availability") != std::string::npos;
    const bool seconds = m.unit == "s";
    const auto show = [&](double v) {
      return availability ? percent(v) : seconds ? span(v) : number(v);
    };
    std::string name = m.metric;
    std::replace(name.begin(), name.end(), '_', ' ');
    const std::string ci =
        std::isfinite(m.ci_low) ? "[" + show(m.ci_low) + ", " + show(m.ci_high) + "]" : "";
    out += "  " + pad(name, 26) + pad(show(m.mean), 12) + pad(ci, 26) + pad(show(m.p05), 14) +
           pad(show(m.p50), 14) + show(m.p95) + "\n";
  }
  out +=
      "\nkinds        time availability   exact (steady state)   request availability   "
      "downtime/year\n";
  const auto kind_line = [&](const KindTimeSummary& k) {
    out += "  " + pad(k.name, 11) + pad(percent(k.time_availability), 20) +
           pad(std::isfinite(k.availability_exact) ? percent(k.availability_exact) : "n/a", 23) +
           pad(percent(k.request_availability), 23) + span(k.downtime_per_year) + "\n";
  };
  for (const KindTimeSummary& k : s.kinds) kind_line(k);
  if (s.kinds.size() > 1) kind_line(s.mix);
  out += "  exact values: " + s.exact_method + "\n";

  if (!s.processes.empty()) {
    out +=
        "\nerror budget by component    outages/y   MTTD      MTTR      downtime/y   "
        "budget/y (own + via detection)   failed req/y\n";
    std::vector<std::size_t> order(s.processes.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const auto total = [&](std::size_t i) {
        return s.processes[i].budget_seconds_per_year +
               s.processes[i].budget_detection_seconds_per_year;
      };
      return total(a) > total(b);
    });
    for (const std::size_t i : order) {
      const ProcessSummary& p = s.processes[i];
      out +=
          "  " + pad(p.name + (p.event ? " (event)" : ""), 27) +
          pad(number(p.outages_per_year), 12) + pad(span(p.mean_time_to_detect), 10) +
          pad(span(p.mean_time_to_repair), 10) + pad(span(p.downtime_per_year), 13) +
          pad(span(p.budget_seconds_per_year) + " + " + span(p.budget_detection_seconds_per_year),
              33) +
          number(p.budget_requests_per_year) + "\n";
    }
  }
  if (s.slo.declared) {
    const SloSummary& o = s.slo;
    out += "\nSLO " + percent(o.target) + " over " + duration_unit(o.window_seconds) + " (" +
           o.windows + ", " + std::to_string(o.windows_per_history) + " windows per history)\n";
    out += "  windows met, time-based:    " + percent(o.share_met_time) + " [" +
           percent(o.share_met_time_low) + ", " + percent(o.share_met_time_high) + "]\n";
    out += "  windows met, request-based: " + percent(o.share_met_requests) + " [" +
           percent(o.share_met_requests_low) + ", " + percent(o.share_met_requests_high) + "]\n";
    out += "  P(first window meets it):   " + percent(o.first_met_time) + " [" +
           percent(o.first_met_time_low) + ", " + percent(o.first_met_time_high) + "]" +
           (std::isfinite(o.first_met_time_exact) ? ", exact " + percent(o.first_met_time_exact)
                                                  : "") +
           "\n";
    if (o.time_paged_at_start.present) {
      const auto line = [&](const char* label, const PagedAtStartShare& x) {
        return std::string("  ") + label + percent(x.share_met) + " [" + percent(x.share_met_low) +
               ", " + percent(x.share_met_high) + "]; with the alerts " +
               signed_points(x.difference) + " [" + signed_points(x.difference_low) + ", " +
               signed_points(x.difference_high) + "]\n";
      };
      out += "  if every page came as the outage starts (same histories):\n";
      out += line("  windows met, time-based:    ", o.time_paged_at_start);
      out += line("  windows met, request-based: ", o.requests_paged_at_start);
    }
  }
  out += slo_text(s);
  out += alert_text(s);
  out += "\n" + std::string(bold) + "verdict: " + reset + s.verdict + "\n";
  return out;
}

namespace {

Json kind_json(const KindTimeSummary& k) {
  Json j = Json::object();
  j["name"] = k.name;
  j["weight"] = k.weight;
  j["requests"] = k.requests;
  j["failed"] = k.failed;
  j["failed_outage"] = k.failed_outage;
  j["time_availability"] = k.time_availability;
  j["time_availability_ci_low"] = k.time_ci_low;
  j["time_availability_ci_high"] = k.time_ci_high;
  j["request_availability"] = k.request_availability;
  j["downtime_per_year"] = k.downtime_per_year;
  j["availability_exact"] = k.availability_exact;
  j["z_score"] = k.z_score;
  j["p_value"] = k.p_value;
  j["tested"] = k.tested;
  return j;
}

Json process_json(const ProcessSummary& p) {
  Json j = Json::object();
  j["name"] = p.name;
  j["outages"] = p.outages;
  j["downtime"] = p.downtime;
  j["outages_per_year"] = p.outages_per_year;
  j["downtime_per_year"] = p.downtime_per_year;
  j["mean_time_to_detect"] = p.mean_time_to_detect;
  j["mean_time_to_detect_exact"] = p.mean_time_to_detect_exact;
  j["mean_time_to_repair"] = p.mean_time_to_repair;
  j["budget_seconds_per_year"] = p.budget_seconds_per_year;
  j["budget_detection_seconds_per_year"] = p.budget_detection_seconds_per_year;
  j["budget_requests_per_year"] = p.budget_requests_per_year;
  j["availability_simulated"] = p.availability_simulated;
  j["availability_exact"] = p.availability_exact;
  j["z_score"] = p.z_score;
  j["p_value"] = p.p_value;
  j["tested"] = p.tested;
  return j;
}

Json slo_json(const SloSummary& o) {
  Json j = Json::object();
  j["target"] = o.target;
  j["window_seconds"] = o.window_seconds;
  j["windows"] = o.windows;
  j["windows_per_history"] = o.windows_per_history;
  j["share_met_time"] = o.share_met_time;
  j["share_met_time_low"] = o.share_met_time_low;
  j["share_met_time_high"] = o.share_met_time_high;
  j["share_met_requests"] = o.share_met_requests;
  j["share_met_requests_low"] = o.share_met_requests_low;
  j["share_met_requests_high"] = o.share_met_requests_high;
  j["first_window_met_time"] = o.first_met_time;
  j["first_window_met_time_exact"] = o.first_met_time_exact;
  j["first_window_met_p_value"] = o.first_met_p_value;
  if (o.time_paged_at_start.present) {
    Json paged = Json::object();
    paged_at_start_json(paged, "time_", o.time_paged_at_start);
    paged_at_start_json(paged, "requests_", o.requests_paged_at_start);
    j["paged_at_start"] = std::move(paged);
  }
  return j;
}

Json slo_object_json(const SloObjectSummary& o) {
  Json j = Json::object();
  j["name"] = o.name;
  j["scope"] = o.scope;
  j["budgeting_method"] = o.budgeting;
  j["target"] = o.target;
  j["window_seconds"] = o.window_seconds;
  j["windows"] = o.windows;
  j["windows_per_history"] = o.windows_per_history;
  j["time_slice_target"] = o.time_slice_target;
  j["time_slice_window_seconds"] = o.time_slice_seconds;
  j["share_met"] = o.share_met;
  j["share_met_low"] = o.share_met_low;
  j["share_met_high"] = o.share_met_high;
  j["first_window_met"] = o.first_met;
  j["first_window_met_low"] = o.first_met_low;
  j["first_window_met_high"] = o.first_met_high;
  j["good_share"] = o.good_share;
  if (o.paged_at_start.present) {
    Json paged = Json::object();
    paged_at_start_json(paged, "", o.paged_at_start);
    j["paged_at_start"] = std::move(paged);
  }
  return j;
}

Json rule_json(const AlertRuleSummary& r) {
  Json j = Json::object();
  j["name"] = r.name;
  j["severity"] = r.severity;
  j["combined"] = r.combined;
  j["burn_rate"] = r.burn_rate;
  j["threshold"] = r.threshold;
  j["long_seconds"] = r.long_seconds;
  j["short_seconds"] = r.short_seconds;
  j["firings"] = r.firings;
  j["delivered"] = r.delivered;
  j["noise"] = r.noise;
  j["outages_paged"] = r.outages_paged;
  j["firings_per_year"] = r.firings_per_year;
  j["firings_per_year_ci_low"] = r.firings_ci_low;
  j["firings_per_year_ci_high"] = r.firings_ci_high;
  j["delivered_share"] = r.delivered_share;
  j["noise_per_year"] = r.noise_per_year;
  j["precision"] = r.precision;
  j["precision_ci_low"] = r.precision_ci_low;
  j["precision_ci_high"] = r.precision_ci_high;
  j["recall"] = r.recall;
  j["recall_ci_low"] = r.recall_ci_low;
  j["recall_ci_high"] = r.recall_ci_high;
  j["time_to_page_mean"] = r.time_to_page_mean;
  j["time_to_page_p50"] = r.time_to_page_p50;
  j["time_to_page_p95"] = r.time_to_page_p95;
  j["budget_at_firing_mean"] = r.budget_mean;
  j["budget_at_firing_p50"] = r.budget_p50;
  j["budget_at_firing_p95"] = r.budget_p95;
  j["noise_by_hour_per_year"] = r.noise_by_hour_per_year;
  return j;
}

Json alerting_json(const TimeSummary& s) {
  Json j = Json::object();
  j["missed_firing_bound"] = s.alert_missed_bound;
  Json policies = Json::array();
  for (const AlertPolicySummary& p : s.alerting) {
    Json policy = Json::object();
    policy["name"] = p.name;
    policy["scope"] = p.scope;
    policy["slice_seconds"] = p.slice_seconds;
    policy["needs"] = p.needs;
    policy["delivery"] = p.delivery;
    policy["outages"] = p.outages;
    policy["outages_per_year"] = p.outages_per_year;
    Json rules = Json::array();
    for (const AlertRuleSummary& r : p.rows) rules.push_back(rule_json(r));
    policy["rules"] = std::move(rules);
    policies.push_back(std::move(policy));
  }
  j["policies"] = std::move(policies);
  return j;
}

}  // namespace

std::string format_time_json(const TimeReportContext& c, const TimeSummary& s) {
  const StructureModel& model = c.model;
  const TimeModel& time = *model.time;
  Json doc = begin_run_json(model.name, model.source_path, model.source_text, model.format_version,
                            c.output_path);
  Json settings = Json::object();
  settings["horizon_seconds"] = time.horizon_seconds;
  settings["start"] = time.start == StartState::steady ? "steady" : "fresh";
  settings["crews"] = std::uint64_t{time.crews};
  settings["traffic_rate"] = time.traffic.rate_per_second;
  doc["scenario"]["time"] = std::move(settings);

  Json run = run_json_object(c.info, "histories", c.threads, c.elapsed_seconds);
  run["sampler"] = "event-driven";
  run["kernel"] = "time";
  // Only when there are any: documents of scenarios with point values are unchanged.
  if (!model.uncertain_declarations().empty())
    run["uncertain_inputs"] = uncertain_inputs_json(model);
  doc["run"] = std::move(run);

  // Components with outages, and common-cause events with a process, in model order.
  Json components = Json::array(), events = Json::array();
  for (const ProcessSummary& p : s.processes)
    (p.event ? events : components).push_back(process_json(p));
  doc["components"] = std::move(components);
  doc["common_causes"] = std::move(events);

  Json out = Json::object();
  out["service"] = kind_json(s.mix);
  Json kinds = Json::array();
  for (const KindTimeSummary& k : s.kinds) kinds.push_back(kind_json(k));
  out["kinds"] = std::move(kinds);
  out["outages"] = s.outages;
  out["exact_method"] = s.exact_method;
  Json metrics = Json::object();
  for (const MetricSummary& m : s.metrics) {
    Json metric = Json::object();
    metric["mean"] = m.mean;
    metric["ci_low"] = m.ci_low;
    metric["ci_high"] = m.ci_high;
    metric["p05"] = m.p05;
    metric["p50"] = m.p50;
    metric["p95"] = m.p95;
    metric["unit"] = m.unit;
    metrics[m.metric] = std::move(metric);
  }
  out["metrics"] = std::move(metrics);
  if (s.slo.declared) out["slo"] = slo_json(s.slo);
  if (!s.slos.empty()) {
    Json slos = Json::array();
    for (const SloObjectSummary& o : s.slos) slos.push_back(slo_object_json(o));
    out["slos"] = std::move(slos);
  }
  if (!s.alerting.empty()) out["alerting"] = alerting_json(s);
  out["tests"] = s.tests;
  out["test_alpha"] = s.test_alpha;
  out["agrees"] = s.agrees;
  out["verdict"] = s.verdict;
  doc["summary"] = std::move(out);
  return json_text(doc);
}

}  // namespace nines
