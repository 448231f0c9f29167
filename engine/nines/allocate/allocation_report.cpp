#include "nines/allocate/allocation_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "nines/base/json_document.hpp"
#include "nines/base/number_format.hpp"

namespace nines {
namespace {

using number_format::printf_string;

// A reliability with four significant digits of its unreliability (at least two decimals).
std::string percent(double reliability) {
  const double u = 1.0 - reliability;
  const int decimals = std::min(14, number_format::decimals_for(u, 2) + 2);
  return number_format::percent_from_unreliability(u, decimals);
}

std::string nines_text(double extra) {
  if (std::isinf(extra)) return "∞";
  return printf_string("%.2f", extra);
}

std::string pad(const std::string& text, std::size_t width) {
  // Widths count characters, not bytes ("∞" is three bytes).
  std::size_t chars = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++chars;
  return chars >= width ? text : std::string(width - chars, ' ') + text;
}

}  // namespace

std::string allocation_text(const Allocation& a, const std::string& output_path) {
  std::string out =
      printf_string("allocation for '%s' (format %d): service target %s\n", a.scenario_name.c_str(),
                    a.format_version, percent(a.target).c_str());
  out += "  today " + percent(a.today_reliability) + " (exact), best reachable " +
         percent(a.ceiling_reliability) + " (every component perfect)";
  out += "\n";
  if (a.already_met) out += "  today already meets the target: every team keeps its value\n";
  std::size_t name_width = 4;
  for (const AllocationTeam& t : a.teams) name_width = std::max(name_width, t.name.size());
  constexpr std::size_t kWide = 20, kNarrow = 8;
  out += "\n  " + std::string("team") + std::string(name_width - 4, ' ') + pad("today", kWide);
  for (const MethodResult& m : a.methods) {
    if (!m.available) continue;
    out += pad(to_string(m.method), kWide) + pad("+nines", kNarrow);
  }
  out += "\n";
  for (std::size_t d = 0; d < a.teams.size(); ++d) {
    const AllocationTeam& t = a.teams[d];
    out += "  " + t.name + std::string(name_width - t.name.size(), ' ') +
           pad(percent(t.reliability), kWide);
    for (const MethodResult& m : a.methods) {
      if (!m.available) continue;
      out += pad(percent(m.reliability[d]), kWide) + pad(nines_text(m.extra_nines[d]), kNarrow);
    }
    out += "\n";
  }
  out += "\n  check by the exact engine (service reliability with the allocated values):\n";
  for (const MethodResult& m : a.methods) {
    out += printf_string("    %-13s", to_string(m.method));
    if (!m.available) {
      out += "not computed: " + m.reason + "\n";
      continue;
    }
    out += percent(m.service_reliability) + (m.met ? "  meets " : "  MISSES ") + percent(a.target);
    if (!std::isnan(m.cost)) out += printf_string(", cost %.6g", m.cost);
    if (m.method == AllocationMethod::cost && !a.already_met)
      out += printf_string(" (optimality gap %.3g)", m.optimality_gap);
    out += "\n";
  }
  if (!output_path.empty()) out += "\n  written to " + output_path + "\n";
  return out;
}

std::string allocation_json(const Allocation& a, const std::string& path, const std::string& text,
                            const std::string& output_path) {
  Json doc = json_document("allocate");
  doc["scenario"] = json_scenario(a.scenario_name, path, text, a.format_version);
  doc["output"] = json_path_or_null(output_path);
  // The teams (component declarations) as they are today.
  Json teams = Json::array();
  for (const AllocationTeam& t : a.teams) {
    Json team = Json::object();
    team["name"] = t.name;
    team["reliability"] = t.reliability;
    team["improvement_cost"] = t.improvement_cost ? Json(*t.improvement_cost) : Json(nullptr);
    team["retries"] = t.retries;
    team["copies"] = t.components.size();
    teams.push_back(std::move(team));
  }
  doc["components"] = std::move(teams);

  Json summary = Json::object();
  Json service = Json::object();
  service["reliability_analytic"] = a.today_reliability;
  service["unreliability_analytic"] = a.today_unreliability;
  summary["service"] = std::move(service);
  summary["target"] = a.target;
  summary["ceiling_reliability"] = a.ceiling_reliability;
  summary["already_met"] = a.already_met;
  Json methods = Json::array();
  for (const MethodResult& m : a.methods) {
    Json method = Json::object();
    method["name"] = to_string(m.method);
    method["available"] = m.available;
    if (!m.available) {
      method["reason"] = m.reason;
      methods.push_back(std::move(method));
      continue;
    }
    method["solver"] = m.solver;
    method["parameter"] = m.parameter;
    method["service_reliability"] = m.service_reliability;
    method["service_unreliability"] = m.service_unreliability;
    method["met"] = m.met;
    method["cost"] = m.cost;
    method["optimality_gap"] = m.optimality_gap;
    Json allocated = Json::array();
    for (std::size_t d = 0; d < a.teams.size(); ++d) {
      Json team = Json::object();
      team["name"] = a.teams[d].name;
      team["reliability"] = m.reliability[d];
      team["extra_nines"] = m.extra_nines[d];
      allocated.push_back(std::move(team));
    }
    method["teams"] = std::move(allocated);
    methods.push_back(std::move(method));
  }
  summary["methods"] = std::move(methods);
  doc["summary"] = std::move(summary);
  return json_text(doc) + "\n";
}

}  // namespace nines
