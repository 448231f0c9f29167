#include "nines/report/structure_report.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "nines/base/json_writer.hpp"
#include "nines/base/number_format.hpp"
#include "nines/base/version.hpp"
#include "nines/model/record_mode.hpp"
#include "nines/report/run_json.hpp"
#include "nines/summary/summary_fields.hpp"

namespace nines {
namespace {

// Number formatting for people is shared (number_format.hpp); sig and the UTF-8-aware padding
// below are this report's own.
using namespace number_format;

std::string sig(double x) {
  std::string out;
  if (non_finite(x, out)) return out;
  if (x == 0) return "0";
  return printf_string("%#.3g", x);
}

// Confidence level as people say it: 0.95 -> "95%", 0.999 -> "99.9%" (not "100%").
std::string level_percent(double level) {
  return printf_string("%.10g%%", 100 * level);
}

const auto& pad = align_left;
const auto& pad_left = align_right;

std::string attribution_text(const KindSummary& k) {
  if (k.requests == 0) return "n/a (no requests)";
  if (k.failures == 0) return "n/a (no failures)";
  if (k.attribution.dof == 0) return "n/a (one cell)";
  return "χ² = " + fixed(k.attribution.statistic, 2) + ", dof " +
         std::to_string(k.attribution.dof) + ", p " + p_value(k.attribution.p_value);
}

// Components in decreasing order of improvement potential (ties: model order).
std::vector<std::size_t> ranking(const StructureSummary& s) {
  std::vector<std::size_t> order(s.importance.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return s.importance[a].improvement_potential > s.importance[b].improvement_potential;
  });
  return order;
}

void json_measures(JsonWriter& json, const ImportanceMeasures& m) {
  json.begin_object();
  json.field("unreliability_if_perfect", m.unreliability_if_perfect);
  json.field("unreliability_if_failed", m.unreliability_if_failed);
  json.field("birnbaum", m.birnbaum);
  json.field("criticality", m.criticality);
  json.field("fussell_vesely", m.fussell_vesely);
  json.field("raw", m.raw);
  json.field("rrw", m.rrw);
  json.field("improvement_potential", m.improvement_potential);
  json.end_object();
}

void json_kind(JsonWriter& json, const KindSummary& k) {
  json.field("requests", k.requests);
  json.field("attempts", k.attempts);
  json.field("retried", k.retried);
  json.field("expected_attempts", k.expected_attempts);
  for_each_comparison_field(
      k, [&json](std::string_view name, auto value) { json.field(name, value); });
}

}  // namespace

std::string format_structure_text(const StructureReportContext& context,
                                  const StructureAnalytics& analytics,
                                  const StructureSummary& summary, bool color) {
  const StructureModel& model = context.model;
  const auto paint = [color](const char* style, const std::string& text) {
    return color ? std::string(style) + text + "\x1b[0m" : text;
  };
  std::string out;
  out += "nines " + std::string(kVersion) + " · " + model.name + " (structure, format 2; " +
         std::string(to_string(context.info.sampler)) + ", " + context.kernel + " kernel) · " +
         integer(context.info.requests) + " requests · seed " + std::to_string(context.info.seed) +
         " · " + std::to_string(context.threads) + (context.threads == 1 ? " thread" : " threads");
  if (context.elapsed_seconds > 0) {
    out += " · " + fixed(context.elapsed_seconds, 2) + " s (" +
           rate(static_cast<double>(context.info.requests) / context.elapsed_seconds) + ")";
  }
  out += "\n\n";

  // Kinds and the mix.
  int d = 4;
  for (const auto& k : summary.kinds) {
    d = std::max(d, decimals_for(k.unreliability_analytic, 4));
  }
  d = std::max(d, decimals_for(summary.mix.unreliability_analytic, 4));
  const double total_weight = model.total_weight();
  out += "request kinds\n";
  out += "  " + pad("kind", 14) + pad_left("share", 7) + pad_left("retries", 8) +
         pad_left("requests", 14) + pad_left("failures", 12) + "  " + pad("reliability", d + 6) +
         "  " + pad(level_percent(summary.ci_level) + " CI", 2 * d + 14) + "  " +
         pad("analytic", d + 6) + pad_left("z", 7) + pad_left("attempts", 10) + "\n";
  const auto row = [&](const KindSummary& k, const std::string& share, const std::string& retries) {
    std::string line = "  " + pad(k.name, 14) + pad_left(share, 7) + pad_left(retries, 8) +
                       pad_left(integer(k.requests), 14) + pad_left(integer(k.failures), 12) +
                       "  " + pad(percent_from_unreliability(k.unreliability_empirical, d), d + 6) +
                       "  " +
                       pad("[" + percent_from_unreliability(1 - k.reliability_ci.low, d) + ", " +
                               percent_from_unreliability(1 - k.reliability_ci.high, d) + "]",
                           2 * d + 14) +
                       "  " + pad(percent_from_unreliability(k.unreliability_analytic, d), d + 6) +
                       pad_left(fixed(k.z_score, 2), 7);
    const double mean =
        k.requests > 0 ? static_cast<double>(k.attempts) / static_cast<double>(k.requests) : NAN;
    line += pad_left(fixed(mean, 4), 10) + "\n";
    return line;
  };
  for (std::size_t i = 0; i < summary.kinds.size(); ++i) {
    const KindSummary& k = summary.kinds[i];
    out += row(k, fixed(100 * k.weight / total_weight, 1) + "%", std::to_string(k.retries));
  }
  out += row(summary.mix, "100%", "");
  out += "\n  attribution (primary culprits vs exact): ";
  std::string attribution;
  for (const auto& k : summary.kinds) attribution += k.name + " " + attribution_text(k) + "; ";
  out += attribution + "mix " + attribution_text(summary.mix) + "\n";
  out +=
      "  verdict      " + paint(summary.agrees ? "\x1b[32m" : "\x1b[1;31m", summary.verdict) + "\n";
  out += "  nines        " + fixed(summary.nines_empirical, 2) + " (analytic " +
         fixed(summary.nines_analytic, 2) + ")   DPMO " + fixed(summary.dpmo_empirical, 1, true) +
         " (analytic " + fixed(summary.dpmo_analytic, 1, true) + ")\n\n";

  // Components ranked by what fixing them buys.
  out +=
      "components, ranked by improvement potential (service reliability if the component "
      "were perfect)\n";
  out += "  " + pad("component", 18) + pad_left("reliability", 12) + pad_left("culprit", 10) +
         pad_left("expected", 11) + "  " + pad("if perfect", d + 6) + pad_left("gain", 10) +
         pad_left("Birnbaum", 11) + pad_left("critical.", 11) + pad_left("F-V", 11) +
         pad_left("RAW", 11) + pad_left("RRW", 11) + "\n";
  const double n = static_cast<double>(summary.mix.requests);
  for (const std::size_t c : ranking(summary)) {
    const ImportanceMeasures& m = summary.importance[c];
    const StructureComponent& comp = model.components[c];
    out += "  " + pad(comp.name, 18) + pad_left(fixed(100 * comp.reliability, 4) + "%", 12) +
           pad_left(integer(summary.mix.culprit_counts[c]), 10) +
           pad_left(fixed(n * analytics.culprit_probability()[c], 1), 11) + "  " +
           pad(percent_from_unreliability(m.unreliability_if_perfect, d), d + 6) +
           pad_left(sig(m.improvement_potential), 10) + pad_left(sig(m.birnbaum), 11) +
           pad_left(sig(m.criticality), 11) + pad_left(sig(m.fussell_vesely), 11) +
           pad_left(sig(m.raw), 11) + pad_left(sig(m.rrw), 11) + "\n";
  }
  out += summary.importance_simulated.empty()
             ? "  (gain = reliability gained; exact values; --importance simulated also "
               "estimates them from the run)\n"
             : "  (gain = reliability gained; the simulated estimates with intervals are in the "
               "HDF5 file and --json)\n";

  if (!model.common_causes.empty()) {
    out += "\ncommon-cause events\n";
    out += "  " + pad("event", 18) + pad_left("probability", 12) + pad_left("failures", 10) +
           pad_left("expected", 11) + "  " + pad("if never", d + 6) + pad_left("gain", 10) +
           pad_left("RAW", 11) + pad_left("RRW", 11) + "\n";
    for (std::size_t e = 0; e < model.common_causes.size(); ++e) {
      const ImportanceMeasures& m = summary.common_cause_importance[e];
      out += "  " + pad(model.common_causes[e].name, 18) +
             pad_left(sig(model.common_causes[e].probability), 12) +
             pad_left(integer(summary.common_cause_failures[e]), 10) +
             pad_left(fixed(summary.expected_common_cause_failures[e], 1), 11) + "  " +
             pad(percent_from_unreliability(m.unreliability_if_perfect, d), d + 6) +
             pad_left(sig(m.improvement_potential), 10) + pad_left(sig(m.raw), 11) +
             pad_left(sig(m.rrw), 11) + "\n";
    }
    out +=
        "  (failures: failed requests in which the event fired, with every other event that "
        "fired too)\n";
    if (!summary.fired_sets.empty()) {
      out += "\nfailed requests by the events that fired together (all sets in the HDF5 file)\n";
      out += "  " + pad("events", 40) + pad_left("failures", 10) + pad_left("expected", 11) + "\n";
      for (const FiredSetCount& set : summary.fired_sets) {
        // Sets that neither failed nor are expected to (below 0.05) stay in the file only.
        if (set.failures == 0 && set.expected_failures < 0.05) continue;
        std::string names;
        for (std::size_t e = 0; e < model.common_causes.size(); ++e)
          if ((set.events >> e) & 1U)
            names += (names.empty() ? "" : " + ") + model.common_causes[e].name;
        out += "  " + pad(names.empty() ? "(none)" : names, 40) +
               pad_left(integer(set.failures), 10) + pad_left(fixed(set.expected_failures, 1), 11) +
               "\n";
      }
      const ChiSquareResult& chi = summary.fired_set_attribution;
      if (chi.dof > 0)
        out += "  chi-square " + fixed(chi.statistic, 2) + ", dof " + std::to_string(chi.dof) +
               ", p = " + sig(chi.p_value) + "\n";
    }
  }
  out += "\n  output       " +
         (context.output_path.empty() ? std::string("none") : context.output_path) + "\n";
  return out;
}

std::string format_structure_json(const StructureReportContext& context,
                                  const StructureAnalytics& analytics,
                                  const StructureSummary& summary) {
  const StructureModel& model = context.model;
  JsonWriter json;
  begin_run_json(json, model.name, model.source_path, model.source_text,
                 [&](JsonWriter& out) { out.field("format_version", model.format_version); });
  write_run_json(json, context.info, context.threads, context.elapsed_seconds, context.output_path,
                 [&](JsonWriter& out) {
                   out.field("kernel", context.kernel);
                   out.field("importance", to_string(context.info.importance));
                 });

  const std::vector<std::string> names = model.component_names();
  json.key("kinds").begin_array();
  for (std::size_t k = 0; k < summary.kinds.size(); ++k) {
    const KindSummary& s = summary.kinds[k];
    json.begin_object();
    json.field("name", s.name);
    json.field("weight", s.weight);
    json.field("retries", static_cast<std::int64_t>(s.retries));
    json.field("path", to_string(model.kinds[k].path, names));
    json_kind(json, s);
    json.end_object();
  }
  json.end_array();
  json.key("mix").begin_object();
  json.field("weight", summary.mix.weight);
  json_kind(json, summary.mix);
  json.end_object();

  json.key("components").begin_array();
  for (std::size_t c = 0; c < model.components.size(); ++c) {
    json.begin_object();
    json.field("name", model.components[c].name);
    json.field("reliability", model.components[c].reliability);
    json.field("retries", static_cast<std::int64_t>(model.components[c].retries));
    json.field("culprit_failures", summary.mix.culprit_counts[c]);
    json.field("expected_culprit_failures",
               static_cast<double>(summary.mix.requests) * analytics.culprit_probability()[c]);
    json.key("importance");
    json_measures(json, summary.importance[c]);
    if (summary.importance_simulated.empty()) {
      json.end_object();
      continue;
    }
    const ImportanceEstimate& e = summary.importance_simulated[c];
    json.key("importance_simulated").begin_object();
    const auto triple = [&](const char* name, double ImportanceMeasures::*field) {
      json.key(name).begin_array();
      json.value(e.value.*field).value(e.low.*field).value(e.high.*field);
      json.end_array();
    };
    triple("unreliability_if_perfect", &ImportanceMeasures::unreliability_if_perfect);
    triple("unreliability_if_failed", &ImportanceMeasures::unreliability_if_failed);
    triple("birnbaum", &ImportanceMeasures::birnbaum);
    triple("criticality", &ImportanceMeasures::criticality);
    triple("fussell_vesely", &ImportanceMeasures::fussell_vesely);
    triple("raw", &ImportanceMeasures::raw);
    triple("rrw", &ImportanceMeasures::rrw);
    triple("improvement_potential", &ImportanceMeasures::improvement_potential);
    json.end_object();
    json.end_object();
  }
  json.end_array();
  json.key("ranking").begin_array();
  for (const std::size_t c : ranking(summary)) json.value(model.components[c].name);
  json.end_array();

  json.key("common_cause").begin_array();
  for (std::size_t e = 0; e < model.common_causes.size(); ++e) {
    json.begin_object();
    json.field("name", model.common_causes[e].name);
    json.field("probability", model.common_causes[e].probability);
    json.field("failures", summary.common_cause_failures[e]);
    json.field("expected_failures", summary.expected_common_cause_failures[e]);
    json.key("importance");
    json_measures(json, summary.common_cause_importance[e]);
    json.end_object();
  }
  json.end_array();

  json.key("common_cause_sets").begin_array();
  for (const FiredSetCount& row : summary.fired_sets) {
    json.begin_object();
    json.key("events").begin_array();
    for (std::size_t e = 0; e < model.common_causes.size(); ++e)
      if ((row.events >> e) & 1U) json.value(model.common_causes[e].name);
    json.end_array();
    json.field("failures", row.failures);
    json.field("expected_failures", row.expected_failures);
    json.end_object();
  }
  json.end_array();

  json.key("summary").begin_object();
  json.field("agrees", summary.agrees);
  json.field("verdict", summary.verdict);
  json.field("tests", summary.tests);
  json.field("test_alpha", summary.test_alpha);
  json.field("ci_level", summary.ci_level);
  for_each_unit_field(summary,
                      [&json](std::string_view name, auto value) { json.field(name, value); });
  json.end_object();
  json.end_object();
  return json.str();
}

}  // namespace nines
