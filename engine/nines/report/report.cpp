#include "nines/report/report.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include "nines/base/number_format.hpp"
#include "nines/model/record_mode.hpp"
#include "nines/report/precision_report.hpp"
#include "nines/report/run_json.hpp"
#include "nines/report/summary_json.hpp"
#include "nines/summary/summary_fields.hpp"

namespace nines {

namespace {

// Number formatting for people is shared (number_format.hpp); what follows is the chain
// report's own.
using namespace number_format;

std::string duration(double seconds) {
  if (!(seconds > 0) || !std::isfinite(seconds)) return "n/a";
  if (seconds < 1e-3) return printf_string("%.3g µs", seconds * 1e6);
  if (seconds < 1) return printf_string("%.3g ms", seconds * 1e3);
  if (seconds < 60) return printf_string("%.2f s", seconds);
  const double minutes = std::floor(seconds / 60);
  return fixed(minutes, 0) + " min " + fixed(seconds - 60 * minutes, 0) + " s";
}

// Defects per million: grouped with one decimal from 100 up, three significant digits below.
std::string dpmo(double x) {
  std::string out;
  if (non_finite(x, out)) return out;
  if (x == 0) return "0";
  if (x >= 100) return fixed(x, 1, true);
  return printf_string("%#.3g", x);
}

std::string expected_count(double x) {
  std::string out;
  if (non_finite(x, out)) return out;
  if (x == 0 || x >= 0.05) return fixed(x, 1, true);
  return printf_string("%.2g", x);
}

// Confidence level as people say it: 0.95 -> "95%", 0.999 -> "99.9%".
std::string level_percent(double level) {
  return printf_string("%.10g%%", 100 * level);
}

// ---------------------------------------------------------------------------------------------
// Layout. Every padded cell is ASCII (component names are [A-Za-z0-9_.-]+), so byte counts are
// display widths; the non-ASCII marker sits at the end of its row.

std::string pad_left(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

std::string pad_right(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

constexpr std::string_view kBoldRed = "\x1b[1;31m";
constexpr std::string_view kGreen = "\x1b[32m";
constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kReset = "\x1b[0m";

std::string paint(std::string_view style, const std::string& text, bool color) {
  if (!color) return text;
  return std::string(style) + text + std::string(kReset);
}

// The component with the most failures; ties go to the earliest in the chain. None (size())
// when nothing failed.
std::size_t worst_offender(const Summary& summary) {
  std::size_t worst = summary.component_failures.size();
  std::uint64_t most = 0;
  for (std::size_t k = 0; k < summary.component_failures.size(); ++k) {
    if (summary.component_failures[k] > most) {
      most = summary.component_failures[k];
      worst = k;
    }
  }
  return worst;
}

double share_of(std::uint64_t component_failures, std::uint64_t failures) {
  if (failures == 0) return std::nan("");
  return static_cast<double>(component_failures) / static_cast<double>(failures);
}

std::string share_text(std::uint64_t component_failures, std::uint64_t failures) {
  if (failures == 0) return "-";
  const double percent = 100 * share_of(component_failures, failures);
  if (component_failures > 0 && percent < 0.05) return "<0.1%";
  return fixed(percent, 1) + "%";
}

}  // namespace

std::string format_summary_text(const ReportContext& context, const ChainAnalytics& model,
                                const Summary& summary, bool color) {
  const Scenario& scenario = context.scenario;
  std::string out;

  // Header: what ran, how big, how fast.
  const double per_second = context.elapsed_seconds > 0
                                ? static_cast<double>(summary.requests) / context.elapsed_seconds
                                : std::nan("");
  out += paint(kBold, scenario.name, color) + ": " + integer(summary.requests) +
         " requests, seed " + std::to_string(context.info.seed) + ", " +
         std::to_string(context.threads) + (context.threads == 1 ? " thread, " : " threads, ") +
         duration(context.elapsed_seconds) + " (" + rate(per_second) + ")\n\n";

  // Per-component table, in chain order.
  const std::vector<double>& r = model.reliabilities();
  int reliability_decimals = 2;
  for (double rk : r)
    reliability_decimals = std::max(reliability_decimals, decimals_for(1 - rk, 2));

  struct Row {
    std::string index, name, reliability, failures, expected, share;
  };
  std::vector<Row> rows;
  rows.push_back({"#", "component", "reliability", "failures", "expected", "share"});
  for (std::size_t k = 0; k < model.size(); ++k) {
    const std::uint64_t f =
        k < summary.component_failures.size() ? summary.component_failures[k] : 0;
    const double e = k < summary.expected_failures.size() ? summary.expected_failures[k] : 0;
    const std::string name = k < scenario.components.size() ? scenario.components[k].name
                                                            : "component " + std::to_string(k);
    rows.push_back({std::to_string(k), name,
                    percent_from_unreliability(1 - r[k], reliability_decimals), integer(f),
                    expected_count(e), share_text(f, summary.failures)});
  }
  std::size_t w[6] = {0, 0, 0, 0, 0, 0};
  for (const Row& row : rows) {
    const std::string* cells[6] = {&row.index,    &row.name,     &row.reliability,
                                   &row.failures, &row.expected, &row.share};
    for (int c = 0; c < 6; ++c) w[c] = std::max(w[c], cells[c]->size());
  }
  const std::size_t worst = worst_offender(summary);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    std::string line = "  " + pad_left(row.index, w[0]) + "  " + pad_right(row.name, w[1]) + "  " +
                       pad_left(row.reliability, w[2]) + "  " + pad_left(row.failures, w[3]) +
                       "  " + pad_left(row.expected, w[4]) + "  " + pad_left(row.share, w[5]);
    const bool is_worst = i > 0 && i - 1 == worst;
    if (is_worst) line = paint(kBoldRed, line + "  ◀ worst", color);
    out += line + "\n";
  }

  // The service as a whole.
  const double u_low = 1 - summary.reliability_ci.high;
  const double u_high = 1 - summary.reliability_ci.low;
  int d = decimals_for(summary.unreliability_empirical, 4);
  d = std::max(d, decimals_for(summary.unreliability_analytic, 4));
  d = std::max(d, decimals_for(u_high - u_low, 4));
  const auto label = [](const char* name) { return "  " + pad_right(name, 13); };

  out += "\nservice\n";
  out += label("reliability") + percent_from_unreliability(summary.unreliability_empirical, d) +
         " [" + percent_from_unreliability(u_high, d) + ", " +
         percent_from_unreliability(u_low, d) + "] " + level_percent(summary.ci_level) + " CI, " +
         integer(summary.failures) + " failures\n";
  out += label("analytic") + percent_from_unreliability(summary.unreliability_analytic, d) + ", " +
         expected_count(summary.unreliability_analytic * static_cast<double>(summary.requests)) +
         " failures expected\n";
  out += label("z-score") + fixed(summary.z_score, 2) + " (normal p " + p_value(summary.z_p_value) +
         "; exact binomial p " + p_value(summary.reliability_p_value) + ")\n";

  std::string attribution;
  if (summary.failures == 0) {
    attribution = "n/a (no failures)";
  } else if (summary.attribution.dof == 0) {
    attribution = "n/a (one cell left after pooling expected counts below 5)";
  } else {
    std::string chi2 = fixed(summary.attribution.statistic, 2);
    attribution = "χ² = " + chi2 + ", dof " + std::to_string(summary.attribution.dof) + ", p " +
                  p_value(summary.attribution.p_value);
  }
  out += label("attribution") + attribution + "\n";
  out +=
      label("verdict") + paint(summary.agrees ? kGreen : kBoldRed, summary.verdict, color) + "\n";
  if (summary.precision) out += label("precision") + precision_text(*summary.precision) + "\n";
  out += label("nines") + fixed(summary.nines_empirical, 2) + " (analytic " +
         fixed(summary.nines_analytic, 2) + ")\n";
  out += label("DPMO") + dpmo(summary.dpmo_empirical) + " (analytic " +
         dpmo(summary.dpmo_analytic) + ")\n";
  out += label("sigma level") + fixed(summary.sigma_empirical, 2) + " (analytic " +
         fixed(summary.sigma_analytic, 2) + "; short-term, with the conventional 1.5σ shift)\n";
  out += label("output") +
         (context.output_path.empty() ? std::string("none") : context.output_path) + "\n";
  return out;
}

std::string format_summary_json(const ReportContext& context, const ChainAnalytics& model,
                                const Summary& summary) {
  const Scenario& scenario = context.scenario;
  Json doc = begin_run_json(scenario.name, scenario.source_path, scenario.source_text,
                            scenario.format_version, context.output_path);
  Json run = run_json_object(context.info, "requests", context.threads, context.elapsed_seconds);
  run["sampler"] = std::string(to_string(context.info.sampler));
  run["kernel"] = "chain";
  doc["run"] = std::move(run);

  // A chain's component failures are first failures: the component a failed request hit
  // first, as a structure's are its primary culprits (the same keys).
  Json components = Json::array();
  for (std::size_t k = 0; k < model.size(); ++k) {
    const std::uint64_t f =
        k < summary.component_failures.size() ? summary.component_failures[k] : 0;
    Json c = Json::object();
    c["name"] = k < scenario.components.size() ? scenario.components[k].name
                                               : "component " + std::to_string(k);
    c["reliability"] = model.reliabilities()[k];
    c["failures"] = f;
    c["expected_failures"] =
        k < summary.expected_failures.size() ? summary.expected_failures[k] : 0.0;
    c["share"] = share_of(f, summary.failures);
    components.push_back(std::move(c));
  }
  doc["components"] = std::move(components);
  doc["common_causes"] = Json::array();  // a chain has none; the key keeps the shape

  Json service = Json::object();
  service["requests"] = summary.requests;
  for_each_comparison_field(summary, [&service](std::string_view name, auto value) {
    service[std::string(name)] = value;
  });
  Json out = Json::object();
  out["service"] = std::move(service);
  out["ci_level"] = summary.ci_level;
  put_verdict_fields(out, summary);
  doc["summary"] = std::move(out);
  return json_text(doc);
}

}  // namespace nines
