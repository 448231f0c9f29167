// The whole structure summary from a tally written by hand: per-kind and mix comparison
// against the exact values of StructureAnalytics, the Bonferroni-corrected verdict, failures by
// fired set and their chi-square, and importance counts -> estimates (only when the sampler drew
// the counterfactuals).
#include "nines/summary/structure_summary.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "nines/base/number_format.hpp"
#include "nines/exact/importance.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/sample/structure_sampler.hpp"
#include "support/structure_tally.hpp"

using nines::StructureAnalytics;
using nines::StructureSampler;
using nines::StructureSummary;
using nines::summarize_structure;
using nines::test::HandTally;

namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}
bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// One model with its exact values and a sampler for its tally layout.
struct Fixture {
  nines::StructureModel model;
  StructureAnalytics analytics;
  StructureSampler sampler;
  explicit Fixture(const char* yaml, bool counterfactuals = false)
      : model(nines::test::structure_from_yaml(yaml)),
        analytics(model),
        sampler(model, counterfactuals) {}
};

}  // namespace

TEST_CASE("the exact values the hand tallies are built from", "[structure_summary]") {
  const Fixture two(nines::test::kTwoKinds);
  CHECK(two.analytics.kinds()[0].unreliability == Approx(0.28).epsilon(1e-14));
  CHECK(two.analytics.kinds()[1].unreliability == Approx(0.145).epsilon(1e-14));
  CHECK(two.analytics.unreliability() == Approx(0.24625).epsilon(1e-14));
  CHECK(two.analytics.culprit_probability()[0] == Approx(0.1).epsilon(1e-14));
  CHECK(two.analytics.culprit_probability()[1] == Approx(0.75 * 0.18).epsilon(1e-14));
  CHECK(two.analytics.culprit_probability()[2] == Approx(0.25 * 0.045).epsilon(1e-14));
  const Fixture events(nines::test::kTwoEvents);
  CHECK(events.analytics.unreliability() == Approx(0.0532).epsilon(1e-14));
  CHECK(events.analytics.fired_failure_probability()[0] == Approx(0.028).epsilon(1e-14));
  CHECK(events.analytics.fired_failure_probability()[1] == Approx(0.038).epsilon(1e-14));
}

TEST_CASE("each kind and the mix are compared with their exact values", "[structure_summary]") {
  const Fixture f(nines::test::kTwoKinds);
  const auto tally = nines::test::two_kinds_tally(f.sampler);
  const StructureSummary s = summarize_structure(f.analytics, f.sampler, 10'000, tally.values);

  REQUIRE(s.kinds.size() == 2);
  const auto& read = s.kinds[0];
  const auto& write = s.kinds[1];
  CHECK(read.name == "read");
  CHECK(read.weight == 3);
  CHECK(write.name == "write");
  CHECK(read.requests == 7500);
  CHECK(read.failures == 2100);
  CHECK(read.attempts == 7500);
  CHECK(read.retried == 0);
  CHECK(read.expected_attempts == 1);
  CHECK(read.reliability_empirical == Approx(0.72).epsilon(1e-15));
  CHECK(read.unreliability_empirical == Approx(0.28).epsilon(1e-15));
  CHECK(read.unreliability_analytic == f.analytics.kinds()[0].unreliability);
  CHECK(read.reliability_analytic == f.analytics.kinds()[0].reliability);
  CHECK(read.culprit_counts == std::vector<std::uint64_t>{750, 1350, 0});
  REQUIRE(read.expected_culprits.size() == 3);
  CHECK(read.expected_culprits[0] == Approx(750).epsilon(1e-13));
  CHECK(read.expected_culprits[1] == Approx(1350).epsilon(1e-13));
  CHECK(read.expected_culprits[2] == 0);
  CHECK(read.z_score == Approx(0).margin(1e-9));
  CHECK(read.reliability_p_value == Approx(1).margin(0.02));
  // Cells a and b (c is off the path: no probability, no count): one degree of freedom.
  CHECK(read.attribution.dof == 1);
  CHECK(read.attribution.statistic == Approx(0).margin(1e-9));
  CHECK(read.reliability_ci.low < 0.72);
  CHECK(read.reliability_ci.high > 0.72);
  const nines::Interval ci = nines::wilson_interval(5400, 7500, 0.95);
  CHECK(read.reliability_ci.low == ci.low);
  CHECK(read.reliability_ci.high == ci.high);
  // write: 362 failures where 362.5 are expected; z in the reliability direction (fewer
  // failures than expected is a positive z).
  const double write_z = 0.5 / std::sqrt(2500 * 0.145 * 0.855);
  CHECK(write.z_score == Approx(write_z).epsilon(1e-9));
  CHECK(write.attribution.dof == 1);

  // The mix adds the kinds up.
  CHECK(s.mix.name == "mix");
  CHECK(s.mix.weight == 4);
  CHECK(s.mix.requests == 10'000);
  CHECK(s.mix.failures == 2462);
  CHECK(s.mix.culprit_counts == std::vector<std::uint64_t>{1000, 1350, 112});
  CHECK(s.mix.unreliability_analytic == f.analytics.unreliability());
  CHECK(s.mix.expected_culprits[2] == Approx(10'000 * 0.25 * 0.045).epsilon(1e-13));
  CHECK(s.mix.z_score == Approx(0.5 / std::sqrt(10'000 * 0.24625 * 0.75375)).epsilon(1e-9));
  CHECK(s.mix.attribution.dof == 2);
  CHECK(s.mix.expected_attempts == 1);

  // Six tests (two per kind, two for the mix), Bonferroni-corrected; all agree.
  CHECK(s.tests == 6);
  CHECK(s.test_alpha == nines::kVerdictAlpha / 6);
  CHECK(s.agrees);
  CHECK(s.verdict ==
        "agrees with the analytic model (mix z = 0.01, 2 kinds, largest kind |z| = 0.03 (write), "
        "6 tests)");

  // Units of the mix.
  CHECK(s.nines_empirical == nines::nines_of(0.2462));
  CHECK(s.nines_analytic == nines::nines_of(f.analytics.unreliability()));
  CHECK(s.dpmo_empirical == Approx(246'200));
  CHECK(s.sigma_analytic == nines::sigma_level_of(f.analytics.unreliability()));
  CHECK(s.ci_level == nines::kDefaultCiLevel);

  // A model without events: one fired set ("none"), no chi-square over sets.
  REQUIRE(s.fired_sets.size() == 1);
  CHECK(s.fired_sets[0].events == 0);
  CHECK(s.fired_sets[0].failures == 2462);
  CHECK(s.fired_sets[0].expected_failures == Approx(2462.5).epsilon(1e-13));
  CHECK(s.fired_set_attribution.dof == 0);
  CHECK(s.common_cause_failures.empty());
  CHECK(s.common_cause_importance.empty());
}

TEST_CASE("the verdict rejects only below the Bonferroni-corrected level", "[structure_summary]") {
  const Fixture f(nines::test::kTwoKinds);
  // Raise read's failures (culprits in proportion) until its exact binomial p-value falls
  // below 1e-3: while it stays above 1e-3 / 6 the verdict still agrees; below it, it does not.
  bool saw_corrected = false, saw_rejected = false;
  for (std::uint64_t failures = 2100; failures < 2400 && !saw_rejected; ++failures) {
    auto tally = nines::test::two_kinds_tally(f.sampler);
    const auto a = static_cast<std::uint64_t>(std::llround(static_cast<double>(failures) / 2.8));
    tally.kind(0, 7500, failures).culprit(0, 0, a).culprit(0, 1, failures - a);
    tally.fired_set(0, 0, failures);
    const StructureSummary s = summarize_structure(f.analytics, f.sampler, 10'000, tally.values);
    const double p = s.kinds[0].reliability_p_value;
    if (p >= nines::kVerdictAlpha) {
      CHECK(s.agrees);
      continue;
    }
    INFO(failures << " failures, p = " << p);
    REQUIRE(s.tests == 6);
    if (p >= s.test_alpha) {
      // Significant at 1e-3 alone, but not as one of six tests.
      CHECK(s.agrees);
      saw_corrected = true;
    } else {
      CHECK_FALSE(s.agrees);
      CHECK(
          starts_with(s.verdict, "DISAGREES with the analytic model: kind read reliability z = -"));
      CHECK(contains(s.verdict, ", exact binomial (p = "));
      saw_rejected = true;
    }
  }
  CHECK(saw_corrected);
  CHECK(saw_rejected);
}

TEST_CASE("every failing test is named in the verdict", "[structure_summary]") {
  const Fixture f(nines::test::kTwoKinds);
  auto tally = nines::test::two_kinds_tally(f.sampler);
  // write: right number of failures, wrong culprits (all a, none c).
  tally.culprit(1, 0, 362).culprit(1, 2, 0);
  // read: far too many failures.
  tally.kind(0, 7500, 2600).culprit(0, 0, 929).culprit(0, 1, 1671).fired_set(0, 0, 2600);
  const StructureSummary s = summarize_structure(f.analytics, f.sampler, 10'000, tally.values);
  CHECK_FALSE(s.agrees);
  INFO(s.verdict);
  CHECK(starts_with(s.verdict, "DISAGREES with the analytic model: kind read reliability z = "));
  CHECK(contains(s.verdict, "; kind write attribution chi-square = "));
  CHECK(contains(s.verdict, ", dof 1 (p = "));
  CHECK(contains(s.verdict, "; mix reliability z = "));
  CHECK_FALSE(contains(s.verdict, "kind write reliability"));
  CHECK_FALSE(contains(s.verdict, "kind read attribution"));
}

TEST_CASE("a kind without requests is not tested", "[structure_summary]") {
  const Fixture f(nines::test::kTwoKinds);
  HandTally t(f.sampler);
  t.kind(0, 1000, 281).culprit(0, 0, 100).culprit(0, 1, 181).fired_set(0, 0, 281);
  const StructureSummary s = summarize_structure(f.analytics, f.sampler, 1000, t.values);
  const auto& write = s.kinds[1];
  CHECK(write.requests == 0);
  CHECK(std::isnan(write.reliability_empirical));
  CHECK(std::isnan(write.unreliability_empirical));
  CHECK(std::isnan(write.z_score));
  CHECK(std::isnan(write.reliability_p_value));
  CHECK(std::isnan(write.reliability_ci.low));
  CHECK(write.attribution.dof == 0);
  CHECK(std::isnan(write.attribution.p_value));
  // Its expectations are still there (zero requests: zero expected).
  CHECK(write.expected_culprits == std::vector<double>{0, 0, 0});
  // read (z + chi-square) and the mix (z + chi-square); write is in none of them.
  CHECK(s.tests == 4);
  CHECK_FALSE(contains(s.verdict, "write"));
}

TEST_CASE("a kind without failures has no attribution test", "[structure_summary]") {
  const Fixture f(nines::test::kTwoKinds);
  HandTally t(f.sampler);
  t.kind(0, 10, 0).kind(1, 10, 0);
  const StructureSummary s = summarize_structure(f.analytics, f.sampler, 20, t.values);
  for (const auto& k : s.kinds) {
    CHECK(k.attribution.dof == 0);
    CHECK(k.reliability_empirical == 1);
  }
  CHECK(s.mix.attribution.dof == 0);
  CHECK(s.tests == 3);  // three z-tests
  CHECK(std::isinf(s.nines_empirical));
  CHECK(s.dpmo_empirical == 0);
  CHECK(s.fired_sets.size() == 1);  // expected failures > 0 keep the set
  CHECK(s.fired_sets[0].failures == 0);
}

TEST_CASE("retries: attempts and the expected attempts of the mix", "[structure_summary]") {
  const Fixture f(R"(format_version: 2
name: retried
components:
  - {name: a, reliability: 0.9}
request_kinds:
  - {name: once, weight: 1, path: [a]}
  - {name: twice, weight: 3, retries: 1, path: [a]}
)");
  // twice: an attempt fails with 0.1, so 1.1 attempts per request and U = 0.01.
  REQUIRE(f.analytics.kinds()[1].expected_attempts == Approx(1.1).epsilon(1e-14));
  HandTally t(f.sampler);
  t.kind(0, 1000, 100).culprit(0, 0, 100).fired_set(0, 0, 100);
  t.kind(1, 3000, 30, 3300, 300).culprit(1, 0, 30).fired_set(1, 0, 30);
  const StructureSummary s = summarize_structure(f.analytics, f.sampler, 4000, t.values);
  CHECK(s.kinds[0].retries == 0);
  CHECK(s.kinds[1].retries == 1);
  CHECK(s.kinds[1].attempts == 3300);
  CHECK(s.kinds[1].retried == 300);
  CHECK(s.kinds[1].expected_attempts == f.analytics.kinds()[1].expected_attempts);
  CHECK(s.mix.attempts == 4300);
  CHECK(s.mix.retried == 300);
  // Weighted by the kinds' shares of the mix: 1/4 * 1 + 3/4 * 1.1.
  CHECK(s.mix.expected_attempts == Approx(1.075).epsilon(1e-14));
  CHECK(s.mix.unreliability_analytic == Approx(0.25 * 0.1 + 0.75 * 0.01).epsilon(1e-14));
  CHECK(s.agrees);
}

TEST_CASE("failures by fired set, by event, and their chi-square", "[structure_summary]") {
  const Fixture f(nines::test::kTwoEvents);
  const auto tally = nines::test::two_events_tally(f.sampler);
  const StructureSummary s = summarize_structure(f.analytics, f.sampler, 100'000, tally.values);

  CHECK(s.common_cause_failures == std::vector<std::uint64_t>{2800, 3800});
  REQUIRE(s.expected_common_cause_failures.size() == 2);
  CHECK(s.expected_common_cause_failures[0] == Approx(2800).epsilon(1e-12));
  CHECK(s.expected_common_cause_failures[1] == Approx(3800).epsilon(1e-12));

  // One row per set, in increasing bit-set order, with the exact expectation.
  REQUIRE(s.fired_sets.size() == 4);
  const std::uint64_t events[] = {0b00, 0b01, 0b10, 0b11};
  const std::uint64_t failures[] = {720, 800, 1800, 2000};
  const double expected[] = {720, 800, 1800, 2000};
  for (std::size_t i = 0; i < 4; ++i) {
    INFO("set " << i);
    CHECK(s.fired_sets[i].events == events[i]);
    CHECK(s.fired_sets[i].failures == failures[i]);
    CHECK(s.fired_sets[i].expected_failures == Approx(expected[i]).epsilon(1e-12));
  }
  std::vector<std::uint32_t> both = {0, 1};
  CHECK(s.fired_sets[3].expected_failures == 100'000 * f.analytics.failure_with_fired_set(both));
  CHECK(s.fired_set_attribution.dof == 3);
  CHECK(s.fired_set_attribution.statistic == Approx(0).margin(1e-9));
  // Tests: kind z, mix z (one culprit cell: no attribution chi-square), and the sets.
  CHECK(s.tests == 3);
  CHECK(s.agrees);
  CHECK(s.mix.attribution.dof == 0);

  // The analytic importance of the events.
  REQUIRE(s.common_cause_importance.size() == 2);
  // e2 never fires: y down 0.1, U = 0.19 * 0.1.
  CHECK(s.common_cause_importance[1].unreliability_if_perfect == Approx(0.019).epsilon(1e-13));
  // e2 always fires: y down, U = P(x down) = 0.19.
  CHECK(s.common_cause_importance[1].unreliability_if_failed == Approx(0.19).epsilon(1e-13));
  CHECK(s.common_cause_importance[1].raw == Approx(0.19 / 0.0532).epsilon(1e-12));
}

TEST_CASE("fired sets that disagree with their exact split fail the verdict",
          "[structure_summary]") {
  const Fixture f(nines::test::kTwoEvents);
  auto tally = nines::test::two_events_tally(f.sampler);
  // Same total, but e1 alone is credited with what belongs to e2 alone.
  tally.fired_set(0, 0b01, 1800).fired_set(0, 0b10, 800).event(0, 3800).event(1, 2800);
  const StructureSummary s = summarize_structure(f.analytics, f.sampler, 100'000, tally.values);
  CHECK(s.fired_set_attribution.dof == 3);
  CHECK(s.fired_set_attribution.p_value < 1e-100);
  CHECK_FALSE(s.agrees);
  CHECK(s.verdict == "DISAGREES with the analytic model: common-cause sets chi-square = " +
                         nines::number_format::fixed_ascii(s.fired_set_attribution.statistic, 2) +
                         ", dof 3 (p < 1e-300)");
}

TEST_CASE("kinds with too many events for a set tally are left out of the sets",
          "[structure_summary]") {
  // "wide" has nine events on its path (more than kMaxTalliedEvents = 8); "narrow" has one.
  std::string yaml = R"(format_version: 2
name: wide
components:
  - {name: z, reliability: 0.99}
  - {name: w, reliability: 0.99}
request_kinds:
  - {name: wide, weight: 1, path: [z]}
  - {name: narrow, weight: 1, path: [w]}
common_cause:
)";
  for (int e = 0; e < 9; ++e)
    yaml += "  - {name: z" + std::to_string(e) + ", probability: 0.001, takes_down: [z]}\n";
  yaml += "  - {name: f, probability: 0.01, takes_down: [w]}\n";
  const nines::StructureModel model = nines::test::structure_from_yaml(yaml);
  const StructureAnalytics analytics(model);
  const StructureSampler sampler(model, false);
  REQUIRE(sampler.layout().set_count[0] == 0);
  REQUIRE(sampler.layout().set_count[1] == 2);
  HandTally t(sampler);
  t.kind(0, 50'000, 0).kind(1, 50'000, 995).culprit(1, 1, 995);
  t.fired_set(1, 0, 495).fired_set(1, 1, 500).event(9, 500);
  const StructureSummary s = summarize_structure(analytics, sampler, 100'000, t.values);
  // Only narrow's sets: none (w failed on its own) and {f} (bit 9 of the model's events).
  REQUIRE(s.fired_sets.size() == 2);
  CHECK(s.fired_sets[0].events == 0);
  CHECK(s.fired_sets[0].failures == 495);
  CHECK(s.fired_sets[0].expected_failures == Approx(50'000 * 0.99 * 0.01).epsilon(1e-12));
  CHECK(s.fired_sets[1].events == std::uint64_t{1} << 9);
  CHECK(s.fired_sets[1].failures == 500);
  CHECK(s.fired_sets[1].expected_failures == Approx(50'000 * 0.01).epsilon(1e-12));
  CHECK(s.fired_set_attribution.dof == 1);
  // Every event still has its per-event count and expectation.
  CHECK(s.common_cause_failures.size() == 10);
  CHECK(s.expected_common_cause_failures[0] == Approx(50'000 * 0.001).epsilon(1e-9));
}

TEST_CASE("importance counts become estimates when the sampler drew counterfactuals",
          "[structure_summary]") {
  const Fixture f(nines::test::kTwoKinds, true);
  REQUIRE(f.sampler.counterfactuals());
  auto t = nines::test::two_kinds_tally(f.sampler);
  // Local path indices: read (a = 0, b = 1), write (a = 0, c = 1).
  // With a perfect: read fails through b (0.2), write through c (0.05).
  t.fail_if_perfect(0, 0, 1500).fail_if_perfect(0, 1, 750);
  t.fail_if_perfect(1, 0, 125).fail_if_perfect(1, 1, 250);
  // Failed and successful requests that fail with the component down: the failed ones are
  // counted per component, the all-clear successes once per kind (both components of a series
  // break it alone).
  t.fail_if_failed(0, 0, 2100).fail_if_failed(0, 1, 2100).clear_counterfactual(0, 5400);
  t.fail_if_failed(1, 0, 362).fail_if_failed(1, 1, 362).clear_counterfactual(1, 2138);
  // Critical: the component down and the rest of its kind's path up (a: 0.1 * 0.8 in read,
  // 0.1 * 0.95 in write).
  t.critical_last(0, 0, 600).critical_last(0, 1, 1350).critical_last(1, 0, 238);
  t.critical_last(1, 1, 112);
  const StructureSummary s = summarize_structure(f.analytics, f.sampler, 10'000, t.values);

  const nines::ImportanceCounts& c = s.importance_counts;
  CHECK(c.requests == 10'000);
  CHECK(c.failures == 2462);
  // A kind off a component's path adds its real failures to both counterfactuals.
  CHECK(c.fail_if_perfect == std::vector<std::uint64_t>{1500 + 125, 750 + 362, 250 + 2100});
  CHECK(c.fail_if_failed == std::vector<std::uint64_t>{7500 + 2500, 7500 + 362, 2500 + 2100});
  CHECK(c.critical_last_attempt == std::vector<std::uint64_t>{838, 1350, 112});

  REQUIRE(s.importance_simulated.size() == 3);
  const auto expected = nines::estimate_component_importance(c, nines::kDefaultCiLevel);
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("component " << i);
    CHECK(s.importance_simulated[i].value.fussell_vesely == expected[i].value.fussell_vesely);
    CHECK(s.importance_simulated[i].low.raw == expected[i].low.raw);
    CHECK(s.importance_simulated[i].high.birnbaum == expected[i].high.birnbaum);
  }
  // Counts at their expectations estimate the exact values.
  REQUIRE(s.importance.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("component " << i);
    CHECK(s.importance_simulated[i].value.unreliability_if_perfect ==
          Approx(s.importance[i].unreliability_if_perfect).epsilon(1e-3));
    CHECK(s.importance_simulated[i].value.unreliability_if_failed ==
          Approx(s.importance[i].unreliability_if_failed).epsilon(1e-3));
    // 112 critical failures of c where 112.5 are expected: 0.4% off.
    CHECK(s.importance_simulated[i].value.criticality ==
          Approx(s.importance[i].criticality).epsilon(1e-2));
  }
  // The exact values themselves: a perfect -> U = 0.75 * 0.2 + 0.25 * 0.05.
  CHECK(s.importance[0].unreliability_if_perfect == Approx(0.1625).epsilon(1e-13));
  CHECK(s.importance[0].unreliability_if_failed == Approx(1).epsilon(1e-15));
  CHECK(s.importance[0].improvement_potential == Approx(0.24625 - 0.1625).epsilon(1e-12));
  CHECK(s.importance[0].raw == Approx(1 / 0.24625).epsilon(1e-12));
}

TEST_CASE("no counterfactuals, no estimates", "[structure_summary]") {
  const Fixture f(nines::test::kTwoKinds, false);
  const auto t = nines::test::two_kinds_tally(f.sampler);
  const StructureSummary s = summarize_structure(f.analytics, f.sampler, 10'000, t.values);
  CHECK(s.importance_simulated.empty());
  CHECK(s.importance_counts.requests == 0);
  CHECK(s.importance_counts.fail_if_perfect.empty());
  // The analytic measures are there either way.
  CHECK(s.importance.size() == 3);
}

TEST_CASE("the confidence level reaches every interval", "[structure_summary]") {
  const Fixture f(nines::test::kTwoKinds);
  const auto t = nines::test::two_kinds_tally(f.sampler);
  const StructureSummary s = summarize_structure(f.analytics, f.sampler, 10'000, t.values, 0.999);
  CHECK(s.ci_level == 0.999);
  const nines::Interval ci = nines::wilson_interval(10'000 - 2462, 10'000, 0.999);
  CHECK(s.mix.reliability_ci.low == ci.low);
  CHECK(s.mix.reliability_ci.high == ci.high);
}

TEST_CASE("a tally that does not fit the run is refused", "[structure_summary]") {
  const Fixture f(nines::test::kTwoKinds);
  const auto t = nines::test::two_kinds_tally(f.sampler);
  CHECK_THROWS_WITH(summarize_structure(f.analytics, f.sampler, 0, t.values),
                    "summarize_structure: requests must be > 0");
  auto short_tally = t.values;
  short_tally.pop_back();
  CHECK_THROWS_AS(summarize_structure(f.analytics, f.sampler, 10'000, short_tally),
                  std::invalid_argument);
  CHECK_THROWS_WITH(summarize_structure(f.analytics, f.sampler, 10'000, short_tally),
                    "summarize_structure: the tally does not match the sampler");
  CHECK_THROWS_WITH(summarize_structure(f.analytics, f.sampler, 10'001, t.values),
                    "summarize_structure: the tally covers a different request count");
}

TEST_CASE("a verdict with a huge z-score stays one readable line", "[structure_summary]") {
  // Thirty replicas at 1 - 1e-5 in parallel: U = 1e-150. One failure in a thousand requests
  // is a z-score of about -3e73, which the verdict used to print as a 74-digit integer.
  const Fixture f(R"(format_version: 2
name: redundant
components:
  - {name: r, reliability: 0.99999, replicas: 30}
)");
  REQUIRE(f.analytics.unreliability() < 1e-140);
  HandTally t(f.sampler);
  t.kind(0, 1000, 1).culprit(0, 29, 1).fired_set(0, 0, 1);
  const StructureSummary s = summarize_structure(f.analytics, f.sampler, 1000, t.values);
  INFO(s.verdict);
  CHECK_FALSE(s.agrees);
  CHECK(contains(s.verdict, "kind request reliability z = -3.16e+73, exact binomial"));
  CHECK(s.verdict.size() < 300);
}
