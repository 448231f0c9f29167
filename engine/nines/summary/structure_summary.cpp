#include "nines/summary/structure_summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "nines/base/number_format.hpp"

namespace nines {
namespace {

// ASCII only: the verdict is also stored as an HDF5 string attribute.
using number_format::fixed_ascii;
using number_format::p_clause;

// The format-1 comparison of one group of requests against its exact values.
void compare(KindSummary& s, double unreliability, double reliability,
             const std::vector<double>& culprit_probability, double ci_level) {
  s.unreliability_analytic = unreliability;
  s.reliability_analytic = reliability;
  const double n = static_cast<double>(s.requests);
  s.expected_culprits.clear();
  for (const double p : culprit_probability) s.expected_culprits.push_back(n * p);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  s.attribution = ChiSquareResult{0, 0, nan, 0};
  if (s.requests == 0) {
    s.reliability_empirical = s.unreliability_empirical = nan;
    s.reliability_ci = Interval{nan, nan};
    s.z_score = s.z_p_value = s.reliability_p_value = nan;
    return;
  }
  s.reliability_empirical = static_cast<double>(s.requests - s.failures) / n;
  s.unreliability_empirical = static_cast<double>(s.failures) / n;
  s.reliability_ci = wilson_interval(s.requests - s.failures, s.requests, ci_level);
  s.z_score = 0.0 - binomial_z_score(s.failures, s.requests, unreliability);
  s.z_p_value = two_sided_normal_p_value(s.z_score);
  s.reliability_p_value = binomial_two_sided_p_value(s.failures, s.requests, unreliability);
  if (s.failures > 0)
    s.attribution = chi_square_goodness_of_fit(s.culprit_counts, culprit_probability);
}

}  // namespace

// The simulated importance estimates from the run's counterfactual counts, aggregated over
// kinds. A kind that does not use component c contributes its real failures to both F+ and F-.
namespace {
void estimate_importance(StructureSummary& s, const StructureSampler& sampler,
                         const std::vector<std::uint64_t>& tally, std::uint64_t requests,
                         double ci_level) {
  const TallyLayout& layout = sampler.layout();
  const std::size_t n_components = layout.components;
  ImportanceCounts& counts = s.importance_counts;
  counts.requests = requests;
  counts.failures = s.mix.failures;
  counts.fail_if_perfect.assign(n_components, 0);
  counts.fail_if_failed.assign(n_components, 0);
  for (std::size_t k = 0; k < layout.kinds; ++k) {
    const auto& path = sampler.path_components(k);
    std::vector<bool> on_path(n_components, false);
    for (std::size_t j = 0; j < path.size(); ++j) {
      on_path[path[j]] = true;
      counts.fail_if_perfect[path[j]] += tally[layout.fail_if_perfect(k, j)];
      counts.fail_if_failed[path[j]] +=
          tally[layout.fail_if_failed(k, j)] +
          tally[layout.clear_counterfactual(k)] * sampler.breaks_alone()[k][j];
    }
    for (std::size_t c = 0; c < n_components; ++c) {
      if (on_path[c]) continue;
      counts.fail_if_perfect[c] += s.kinds[k].failures;
      counts.fail_if_failed[c] += s.kinds[k].failures;
    }
  }
  // Criticality counts the failed requests whose last attempt the component decided (its own
  // failure cleared, that attempt would have worked).
  counts.critical_last_attempt.assign(n_components, 0);
  for (std::size_t k = 0; k < layout.kinds; ++k) {
    const auto& path = sampler.path_components(k);
    for (std::size_t j = 0; j < path.size(); ++j)
      counts.critical_last_attempt[path[j]] += tally[layout.critical_last(k, j)];
  }
  s.importance_simulated = estimate_component_importance(counts, ci_level);
}
}  // namespace

namespace {
// Failures by fired set: each tallied kind's local sets, gathered by their global bit sets.
void count_fired_sets(StructureSummary& s, const StructureAnalytics& analytics,
                      const TallyLayout& layout, std::uint64_t requests,
                      const std::vector<std::uint64_t>& tally) {
  const StructureModel& model = analytics.model();
  std::map<std::uint64_t, std::pair<std::uint64_t, double>> sets;  // events -> (failures, expected)
  const double total_weight = model.total_weight();
  for (std::size_t k = 0; k < layout.kinds; ++k) {
    if (layout.set_count[k] == 0) continue;
    const std::vector<std::uint32_t>& events = analytics.kind_events(k);
    const double share = static_cast<double>(requests) * model.kinds[k].weight / total_weight;
    std::vector<std::uint32_t> fired;
    for (std::uint64_t local = 0; local < layout.set_count[k]; ++local) {
      fired.clear();
      std::uint64_t global = 0;
      for (std::size_t i = 0; i < events.size(); ++i) {
        if (((local >> i) & 1U) == 0) continue;
        fired.push_back(events[i]);
        global |= std::uint64_t{1} << events[i];
      }
      auto& cell = sets[global];
      cell.first += tally[layout.fired_set(k, local)];
      cell.second += share * analytics.kind_failure_with_fired_set(k, fired);
    }
  }
  std::vector<std::uint64_t> observed;
  std::vector<double> expected;
  for (const auto& [events, cell] : sets) {
    if (cell.first == 0 && !(cell.second > 0)) continue;
    s.fired_sets.push_back({events, cell.first, cell.second});
    observed.push_back(cell.first);
    expected.push_back(cell.second);
  }
  // Only a model with common-cause events has more than the one set "none fired".
  if (!model.common_causes.empty() && observed.size() > 1)
    s.fired_set_attribution = chi_square_goodness_of_fit(observed, expected);
}
}  // namespace

StructureSummary summarize_structure(const StructureAnalytics& analytics,
                                     const StructureSampler& sampler, std::uint64_t requests,
                                     const std::vector<std::uint64_t>& tally, double ci_level) {
  const StructureModel& model = analytics.model();
  const TallyLayout& layout = sampler.layout();
  if (requests == 0) throw std::invalid_argument("summarize_structure: requests must be > 0");
  if (tally.size() != layout.size())
    throw std::invalid_argument("summarize_structure: the tally does not match the sampler");
  const std::size_t n_components = model.components.size();

  StructureSummary s;
  s.ci_level = ci_level;
  s.mix.name = "mix";
  s.mix.weight = model.total_weight();
  s.mix.culprit_counts.assign(n_components, 0);
  for (std::size_t k = 0; k < model.kinds.size(); ++k) {
    KindSummary kind;
    kind.name = model.kinds[k].name;
    kind.weight = model.kinds[k].weight;
    kind.retries = model.kinds[k].retries;
    kind.requests = tally[layout.requests(k)];
    kind.failures = tally[layout.failures(k)];
    kind.attempts = tally[layout.attempts(k)];
    kind.retried = tally[layout.retried(k)];
    kind.expected_attempts = analytics.kinds()[k].expected_attempts;
    for (std::size_t c = 0; c < n_components; ++c)
      kind.culprit_counts.push_back(tally[layout.culprit(k, c)]);
    const KindAnalytics& exact = analytics.kinds()[k];
    compare(kind, exact.unreliability, exact.reliability, exact.culprit_probability, ci_level);
    s.mix.requests += kind.requests;
    s.mix.failures += kind.failures;
    s.mix.attempts += kind.attempts;
    s.mix.retried += kind.retried;
    for (std::size_t c = 0; c < n_components; ++c)
      s.mix.culprit_counts[c] += kind.culprit_counts[c];
    s.kinds.push_back(std::move(kind));
  }
  if (s.mix.requests != requests)
    throw std::invalid_argument("summarize_structure: the tally covers a different request count");
  double mix_attempts = 0;
  for (std::size_t k = 0; k < model.kinds.size(); ++k)
    mix_attempts +=
        model.kinds[k].weight / model.total_weight() * analytics.kinds()[k].expected_attempts;
  s.mix.expected_attempts = mix_attempts;
  compare(s.mix, analytics.unreliability(), analytics.reliability(),
          analytics.culprit_probability(), ci_level);

  for (std::size_t e = 0; e < model.common_causes.size(); ++e) {
    s.common_cause_failures.push_back(tally[layout.event(e)]);
    s.expected_common_cause_failures.push_back(static_cast<double>(requests) *
                                               analytics.fired_failure_probability()[e]);
  }
  count_fired_sets(s, analytics, layout, requests, tally);

  // Importance: analytic, and simulated when the kernel drew the counterfactuals.
  s.importance = analytic_component_importance(analytics);
  s.common_cause_importance = analytic_common_cause_importance(analytics);
  if (sampler.counterfactuals()) estimate_importance(s, sampler, tally, requests, ci_level);

  // The verdict over every test, Bonferroni-corrected.
  struct Test {
    std::string what;
    double p;
  };
  std::vector<Test> tests;
  const auto add = [&](const KindSummary& k, const std::string& label) {
    if (k.requests == 0) return;
    tests.push_back({label + " reliability z = " + fixed_ascii(k.z_score, 2) + ", exact binomial",
                     k.reliability_p_value});
    if (k.attribution.dof > 0)
      tests.push_back({label +
                           " attribution chi-square = " + fixed_ascii(k.attribution.statistic, 2) +
                           ", dof " + std::to_string(k.attribution.dof),
                       k.attribution.p_value});
  };
  for (const auto& k : s.kinds) add(k, "kind " + k.name);
  add(s.mix, "mix");
  if (s.fired_set_attribution.dof > 0)
    tests.push_back(
        {"common-cause sets chi-square = " + fixed_ascii(s.fired_set_attribution.statistic, 2) +
             ", dof " + std::to_string(s.fired_set_attribution.dof),
         s.fired_set_attribution.p_value});
  s.tests = static_cast<int>(tests.size());
  s.test_alpha = kVerdictAlpha / std::max(1, s.tests);
  std::string failures;
  for (const auto& t : tests) {
    if (t.p >= s.test_alpha) continue;
    s.agrees = false;
    failures += (failures.empty() ? "" : "; ") + t.what + " (" + p_clause(t.p) + ")";
  }
  double worst = 0;
  std::string worst_name = "mix";
  for (const auto& k : s.kinds) {
    if (k.requests > 0 && std::fabs(k.z_score) > std::fabs(worst)) {
      worst = k.z_score;
      worst_name = k.name;
    }
  }
  if (s.agrees) {
    s.verdict = "agrees with the analytic model (mix z = " + fixed_ascii(s.mix.z_score, 2) + ", " +
                std::to_string(s.kinds.size()) + (s.kinds.size() == 1 ? " kind" : " kinds") +
                ", largest kind |z| = " + fixed_ascii(std::fabs(worst), 2) + " (" + worst_name +
                "), " + std::to_string(s.tests) + " tests)";
  } else {
    s.verdict = "DISAGREES with the analytic model: " + failures;
  }

  s.nines_empirical = nines_of(s.mix.unreliability_empirical);
  s.nines_analytic = nines_of(s.mix.unreliability_analytic);
  s.dpmo_empirical = dpmo_of(s.mix.unreliability_empirical);
  s.dpmo_analytic = dpmo_of(s.mix.unreliability_analytic);
  s.sigma_empirical = sigma_level_of(s.mix.unreliability_empirical);
  s.sigma_analytic = sigma_level_of(s.mix.unreliability_analytic);
  return s;
}

}  // namespace nines
