#include "nines/uncertainty/uncertainty_report.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "nines/base/json_document.hpp"
#include "nines/base/number_format.hpp"

namespace nines {
namespace {

using number_format::printf_string;

// A value near 1 from its shortfall, with four significant digits of the shortfall.
std::string percent_of_shortfall(double shortfall) {
  const int decimals = std::min(14, number_format::decimals_for(shortfall, 2) + 2);
  return number_format::percent_from_unreliability(shortfall, decimals);
}

std::string share(double x) {
  if (std::isnan(x)) return "n/a";
  return printf_string("%.1f%%", 100 * x);
}

std::string index_text(double value, double error) {
  if (std::isnan(value)) return "n/a";
  return printf_string("%.3f ± %.3f", value, error);
}

std::string pad(const std::string& text, std::size_t width) {
  std::size_t chars = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++chars;
  return chars >= width ? text : std::string(width - chars, ' ') + text;
}

std::string factor_mean(const UncertainFactor& f) {
  const double m = f.members.front().input.mean();
  if (f.quantity == UncertainQuantity::reliability) return percent_of_shortfall(m);
  return "every " + number_format::duration_unit(1 / m);
}

}  // namespace

std::vector<std::size_t> factors_by_influence(const UncertaintyResult& r) {
  std::vector<std::size_t> order(r.factors.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (r.sobol.empty()) return order;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const double ta = std::isnan(r.sobol[a].total) ? -1 : r.sobol[a].total;
    const double tb = std::isnan(r.sobol[b].total) ? -1 : r.sobol[b].total;
    return ta > tb;
  });
  return order;
}

std::string uncertainty_text(const UncertaintyResult& r, const std::string& output_path) {
  const std::string measure = to_string(r.measure);
  const std::size_t n = r.shortfall.size();
  std::string out = printf_string(
      "uncertainty of '%s' (format %d): service %s over %s draws (%s, seed %s)\n",
      r.scenario_name.c_str(), r.format_version, measure.c_str(), number_format::integer(n).c_str(),
      to_string(r.settings.design).c_str(), std::to_string(r.settings.seed).c_str());
  out +=
      "  at the posterior means (what nines run uses): " + percent_of_shortfall(r.point_shortfall) +
      "\n";
  const ValueDistribution& d = r.value;
  out += "  over the inputs' uncertainty: mean " + percent_of_shortfall(d.mean_shortfall) +
         ", sd " + printf_string("%.3g", 100 * d.sd) + " points\n";
  out += "    5% " + percent_of_shortfall(1 - d.p05) + "   median " +
         percent_of_shortfall(1 - d.p50) + "   95% " + percent_of_shortfall(1 - d.p95) + "\n";
  if (r.meet_probability) {
    out += "    P(" + measure + " >= " + percent_of_shortfall(1 - *r.settings.target) +
           ") = " + share(static_cast<double>(r.meets) / static_cast<double>(n)) +
           " (95% interval " + share(r.meet_probability->low) + " to " +
           share(r.meet_probability->high) + "; " + number_format::integer(r.meets) + " of " +
           number_format::integer(n) + " draws)\n";
  }
  std::size_t width = 6;
  for (const UncertainFactor& f : r.factors) width = std::max(width, f.name.size());
  out += "\n  " + std::string("factor") + std::string(width - 6, ' ') + "  quantity     " +
         pad("mean", 16) + pad("first order", 16) + pad("total", 16) + "   distribution\n";
  for (const std::size_t i : factors_by_influence(r)) {
    const UncertainFactor& f = r.factors[i];
    const bool s = !r.sobol.empty();
    out += "  " + f.name + std::string(width - f.name.size(), ' ') + "  " +
           (f.quantity == UncertainQuantity::reliability ? "reliability  " : "outage rate  ") +
           pad(factor_mean(f), 16) +
           pad(s ? index_text(r.sobol[i].first_order, r.sobol[i].first_order_error) : "-", 16) +
           pad(s ? index_text(r.sobol[i].total, r.sobol[i].total_error) : "-", 16) + "   " +
           f.members.front().input.origin;
    if (f.members.size() > 1)
      out += printf_string(" (%zu declarations share it)", f.members.size());
    out += "\n";
  }
  if (!r.sobol.empty()) {
    out += "  Sobol indices: the share of the " + measure +
           "'s variance a factor explains alone (first order) and with its interactions "
           "(total), ± a bootstrap standard deviation; sorted by total.\n";
  }
  if (r.measure == ServiceMeasure::availability) {
    out +=
        "  (format 3: the steady-state availability; per-call reliabilities do not enter "
        "it)\n";
  }
  out += "  exact evaluations: " + number_format::integer(r.evaluations) + "\n";
  if (!output_path.empty()) out += "\n  written to " + output_path + "\n";
  return out;
}

std::string uncertainty_json(const UncertaintyResult& r, const std::string& path,
                             const std::string& text, const std::string& output_path) {
  Json doc = json_document("uncertainty");
  doc["scenario"] = json_scenario(r.scenario_name, path, text, r.format_version);
  doc["output"] = json_path_or_null(output_path);
  Json settings = Json::object();
  settings["draws"] = r.shortfall.size();
  settings["design"] = to_string(r.settings.design);
  settings["seed"] = r.settings.seed;
  settings["sobol"] = !r.sobol.empty();
  settings["bootstrap_resamples"] = r.settings.resamples;
  settings["evaluations"] = r.evaluations;
  doc["settings"] = settings;
  Json summary = Json::object();
  summary["measure"] = to_string(r.measure);
  summary["point_value"] = 1 - r.point_shortfall;
  summary["point_shortfall"] = r.point_shortfall;
  const ValueDistribution& d = r.value;
  summary["mean"] = d.mean;
  summary["mean_shortfall"] = d.mean_shortfall;
  summary["sd"] = d.sd;
  summary["p05"] = d.p05;
  summary["p50"] = d.p50;
  summary["p95"] = d.p95;
  summary["min"] = d.min;
  summary["max"] = d.max;
  if (r.meet_probability) {
    summary["target"] = *r.settings.target;
    summary["meets"] = r.meets;
    summary["meet_probability"] =
        static_cast<double>(r.meets) / static_cast<double>(r.shortfall.size());
    summary["meet_probability_ci"] = {r.meet_probability->low, r.meet_probability->high};
  } else {
    summary["target"] = nullptr;
  }
  doc["summary"] = summary;
  Json factors = Json::array();
  for (std::size_t i = 0; i < r.factors.size(); ++i) {
    const UncertainFactor& f = r.factors[i];
    const UncertainInput& in = f.members.front().input;
    Json row = Json::object();
    row["name"] = f.name;
    row["quantity"] = to_string(f.quantity);
    row["distribution"] = to_string(in.shape);
    row["parameters"] = {in.a, in.b};
    row["mean"] = in.mean();
    row["sd"] = std::sqrt(in.variance());
    row["origin"] = in.origin;
    Json members = Json::array();
    for (const FactorMember& m : f.members) members.push_back(m.name);
    row["members"] = members;
    if (!r.sobol.empty()) {
      row["first_order"] = r.sobol[i].first_order;
      row["first_order_error"] = r.sobol[i].first_order_error;
      row["total"] = r.sobol[i].total;
      row["total_error"] = r.sobol[i].total_error;
    }
    factors.push_back(row);
  }
  doc["factors"] = factors;
  return json_text(doc) + "\n";
}

}  // namespace nines
