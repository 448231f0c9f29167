#include "nines/report/structure_report.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "nines/base/number_format.hpp"
#include "nines/base/version.hpp"
#include "nines/model/record_mode.hpp"
#include "nines/report/precision_report.hpp"
#include "nines/report/run_json.hpp"
#include "nines/report/summary_json.hpp"
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
std::vector<std::size_t> ranking_of(const StructureSummary& s) {
  std::vector<std::size_t> order(s.importance.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return s.importance[a].improvement_potential > s.importance[b].improvement_potential;
  });
  return order;
}

Json json_measures(const ImportanceMeasures& m) {
  Json out = Json::object();
  out["unreliability_if_perfect"] = m.unreliability_if_perfect;
  out["unreliability_if_failed"] = m.unreliability_if_failed;
  out["birnbaum"] = m.birnbaum;
  out["criticality"] = m.criticality;
  out["fussell_vesely"] = m.fussell_vesely;
  out["raw"] = m.raw;
  out["rrw"] = m.rrw;
  out["improvement_potential"] = m.improvement_potential;
  return out;
}

// A kind's (or the mix's) counts and comparison with the exact value, into `out`.
void json_kind(Json& out, const KindSummary& k) {
  out["requests"] = k.requests;
  out["attempts"] = k.attempts;
  out["retried"] = k.retried;
  out["expected_attempts"] = k.expected_attempts;
  for_each_comparison_field(
      k, [&out](std::string_view name, auto value) { out[std::string(name)] = value; });
}

// The simulated importance measures: each as [estimate, low, high].
Json json_simulated(const ImportanceEstimate& e) {
  Json out = Json::object();
  const auto triple = [&](const char* name, double ImportanceMeasures::*field) {
    out[name] = Json::array({e.value.*field, e.low.*field, e.high.*field});
  };
  triple("unreliability_if_perfect", &ImportanceMeasures::unreliability_if_perfect);
  triple("unreliability_if_failed", &ImportanceMeasures::unreliability_if_failed);
  triple("birnbaum", &ImportanceMeasures::birnbaum);
  triple("criticality", &ImportanceMeasures::criticality);
  triple("fussell_vesely", &ImportanceMeasures::fussell_vesely);
  triple("raw", &ImportanceMeasures::raw);
  triple("rrw", &ImportanceMeasures::rrw);
  triple("improvement_potential", &ImportanceMeasures::improvement_potential);
  return out;
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
  if (summary.precision) out += "  precision    " + precision_text(*summary.precision) + "\n";
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
  for (const std::size_t c : ranking_of(summary)) {
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
  out += "\n" + uncertain_inputs_line(model);
  out += "  output       " +
         (context.output_path.empty() ? std::string("none") : context.output_path) + "\n";
  return out;
}

std::string format_structure_json(const StructureReportContext& context,
                                  const StructureAnalytics& analytics,
                                  const StructureSummary& summary) {
  const StructureModel& model = context.model;
  Json doc = begin_run_json(model.name, model.source_path, model.source_text, model.format_version,
                            context.output_path);
  Json run = run_json_object(context.info, "requests", context.threads, context.elapsed_seconds);
  run["sampler"] = std::string(to_string(context.info.sampler));
  run["kernel"] = context.kernel;
  run["importance"] = std::string(to_string(context.info.importance));
  // Only when there are any: documents of scenarios with point values are unchanged.
  if (!model.uncertain_declarations().empty())
    run["uncertain_inputs"] = uncertain_inputs_json(model);
  doc["run"] = std::move(run);

  // A component's failures are those it was the primary culprit of, in the mix.
  Json components = Json::array();
  for (std::size_t c = 0; c < model.components.size(); ++c) {
    Json out = Json::object();
    out["name"] = model.components[c].name;
    out["reliability"] = model.components[c].reliability;
    out["retries"] = model.components[c].retries;
    out["failures"] = summary.mix.culprit_counts[c];
    out["expected_failures"] =
        static_cast<double>(summary.mix.requests) * analytics.culprit_probability()[c];
    out["importance"] = json_measures(summary.importance[c]);
    if (!summary.importance_simulated.empty())
      out["importance_simulated"] = json_simulated(summary.importance_simulated[c]);
    components.push_back(std::move(out));
  }
  doc["components"] = std::move(components);

  Json events = Json::array();
  for (std::size_t e = 0; e < model.common_causes.size(); ++e) {
    Json out = Json::object();
    out["name"] = model.common_causes[e].name;
    out["probability"] = model.common_causes[e].probability;
    out["failures"] = summary.common_cause_failures[e];
    out["expected_failures"] = summary.expected_common_cause_failures[e];
    out["importance"] = json_measures(summary.common_cause_importance[e]);
    events.push_back(std::move(out));
  }
  doc["common_causes"] = std::move(events);

  Json out = Json::object();
  Json service = Json::object();
  service["weight"] = summary.mix.weight;
  json_kind(service, summary.mix);
  out["service"] = std::move(service);

  const std::vector<std::string> names = model.component_names();
  Json kinds = Json::array();
  for (std::size_t k = 0; k < summary.kinds.size(); ++k) {
    const KindSummary& s = summary.kinds[k];
    Json kind = Json::object();
    kind["name"] = s.name;
    kind["weight"] = s.weight;
    kind["retries"] = s.retries;
    kind["path"] = to_string(model.kinds[k].path, names);
    json_kind(kind, s);
    kinds.push_back(std::move(kind));
  }
  out["kinds"] = std::move(kinds);

  Json ranking = Json::array();
  for (const std::size_t c : ranking_of(summary)) ranking.push_back(model.components[c].name);
  out["ranking"] = std::move(ranking);

  Json sets = Json::array();
  for (const FiredSetCount& row : summary.fired_sets) {
    Json set = Json::object();
    Json fired = Json::array();
    for (std::size_t e = 0; e < model.common_causes.size(); ++e)
      if ((row.events >> e) & 1U) fired.push_back(model.common_causes[e].name);
    set["events"] = std::move(fired);
    set["failures"] = row.failures;
    set["expected_failures"] = row.expected_failures;
    sets.push_back(std::move(set));
  }
  out["common_cause_sets"] = std::move(sets);

  out["ci_level"] = summary.ci_level;
  out["tests"] = summary.tests;
  out["test_alpha"] = summary.test_alpha;
  put_verdict_fields(out, summary);
  doc["summary"] = std::move(out);
  return json_text(doc);
}

}  // namespace nines
