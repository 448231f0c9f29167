#include "nines/allocate/allocation_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "nines/base/json_writer.hpp"
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

std::string allocation_json(const Allocation& a, const std::string& output_path) {
  JsonWriter j;
  j.begin_object();
  j.field("scenario", a.scenario_name).field("format_version", a.format_version);
  j.field("target", a.target).field("today_reliability", a.today_reliability);
  j.field("today_unreliability", a.today_unreliability);
  j.field("ceiling_reliability", a.ceiling_reliability).field("already_met", a.already_met);
  j.key("teams").begin_array();
  for (const AllocationTeam& t : a.teams) {
    j.begin_object().field("name", t.name).field("today_reliability", t.reliability);
    j.key("improvement_cost");
    if (t.improvement_cost)
      j.value(*t.improvement_cost);
    else
      j.null();
    j.field("retries", std::int64_t{t.retries})
        .field("copies", static_cast<std::int64_t>(t.components.size()))
        .end_object();
  }
  j.end_array();
  j.key("methods").begin_array();
  for (const MethodResult& m : a.methods) {
    j.begin_object().field("name", to_string(m.method)).field("available", m.available);
    if (!m.available) {
      j.field("reason", m.reason).end_object();
      continue;
    }
    j.field("solver", m.solver).field("parameter", m.parameter);
    j.field("service_reliability", m.service_reliability);
    j.field("service_unreliability", m.service_unreliability).field("met", m.met);
    j.field("cost", m.cost).field("optimality_gap", m.optimality_gap);
    j.key("teams").begin_array();
    for (std::size_t d = 0; d < a.teams.size(); ++d) {
      j.begin_object().field("name", a.teams[d].name).field("reliability", m.reliability[d]);
      j.field("extra_nines", m.extra_nines[d]).end_object();
    }
    j.end_array().end_object();
  }
  j.end_array();
  j.key("output");
  if (output_path.empty())
    j.null();
  else
    j.value(output_path);
  j.end_object();
  return j.str() + "\n";
}

}  // namespace nines
