// The structure report, text and JSON, of summaries built from hand tallies: every documented
// JSON key, NaN and infinities as null, the common-cause and fired-set sections, the notes for
// exact and simulated importance, and numbers that stay readable whatever their size.
#include "nines/report/structure_report.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <regex>
#include <string>
#include <vector>

#include "nines/base/sha256.hpp"
#include "nines/base/version.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/sample/structure_sampler.hpp"
#include "nines/summary/structure_summary.hpp"
#include "support/json_value.hpp"
#include "support/structure_tally.hpp"

using nines::StructureAnalytics;
using nines::StructureSampler;
using nines::StructureSummary;
using nines::test::JsonValue;

namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

// The line that starts (after indentation) with `label`, or "".
std::string line_starting(const std::string& text, const std::string& label) {
  for (const std::string& line : lines_of(text)) {
    const std::size_t first = line.find_first_not_of(' ');
    if (first != std::string::npos && line.compare(first, label.size(), label) == 0) return line;
  }
  return "";
}

// A model, its exact values, a summary of a hand tally, and the report's context.
struct Reported {
  nines::StructureModel model;
  StructureAnalytics analytics;
  StructureSampler sampler;
  nines::RunInfo info;
  StructureSummary summary;

  // The analytics point into `model`: a Reported is built in place, never copied or moved.
  Reported(const char* yaml, bool simulated)
      : model(nines::test::structure_from_yaml(yaml)), analytics(model), sampler(model, simulated) {
    info.seed = 7;
    info.record = nines::RecordMode::failures;
    info.importance = simulated ? nines::ImportanceMode::simulated : nines::ImportanceMode::exact;
  }
  Reported(const char* yaml, bool simulated, std::uint64_t requests,
           nines::test::HandTally (*tally)(const StructureSampler&))
      : Reported(yaml, simulated) {
    summarize(tally(sampler), requests);
  }
  Reported(const Reported&) = delete;
  Reported& operator=(const Reported&) = delete;
  void summarize(const nines::test::HandTally& tally, std::uint64_t requests) {
    info.requests = requests;
    summary = nines::summarize_structure(analytics, sampler, requests, tally.values);
  }
  nines::StructureReportContext context(std::string output = "", double elapsed = 0) const {
    return {model, info, std::move(output), 2, elapsed, "structure"};
  }
  std::string text(bool color = false, std::string output = "", double elapsed = 0) const {
    return nines::format_structure_text(context(std::move(output), elapsed), analytics, summary,
                                        color);
  }
  JsonValue json(std::string output = "", double elapsed = 0) const {
    const std::string text =
        nines::format_structure_json(context(std::move(output), elapsed), analytics, summary);
    INFO(text);
    CHECK(text.find('\n') == std::string::npos);
    const auto parsed = nines::test::parse_json(text);
    REQUIRE(parsed);
    return *parsed;
  }
};

// Returned as prvalues: built in place in the caller.
Reported two_kinds(bool simulated = false) {
  return Reported(nines::test::kTwoKinds, simulated, 10'000, &nines::test::two_kinds_tally);
}

Reported two_events() {
  return Reported(nines::test::kTwoEvents, false, 100'000, &nines::test::two_events_tally);
}

const std::vector<std::string> kComparisonKeys = {"failures",
                                                  "reliability_empirical",
                                                  "reliability_analytic",
                                                  "unreliability_empirical",
                                                  "unreliability_analytic",
                                                  "reliability_ci_low",
                                                  "reliability_ci_high",
                                                  "z_score",
                                                  "z_p_value",
                                                  "reliability_p_value",
                                                  "attribution_chi2",
                                                  "attribution_dof",
                                                  "attribution_p_value"};
const std::vector<std::string> kMeasures = {"unreliability_if_perfect",
                                            "unreliability_if_failed",
                                            "birnbaum",
                                            "criticality",
                                            "fussell_vesely",
                                            "raw",
                                            "rrw",
                                            "improvement_potential"};

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("structure JSON has every documented key, in order", "[structure_report]") {
  const Reported r = two_kinds();
  const JsonValue doc = r.json("out/two kinds.h5", 0.5);
  CHECK(doc.keys() == std::vector<std::string>{"schema_version", "command", "nines_version",
                                               "scenario", "output", "run", "components",
                                               "common_causes", "summary"});
  CHECK(doc["schema_version"].text == "nines-json/1");
  CHECK(doc["command"].text == "run");
  CHECK(doc["nines_version"].text == nines::kVersion);
  CHECK(doc["output"].text == "out/two kinds.h5");

  const JsonValue& scenario = doc["scenario"];
  CHECK(scenario.keys() == std::vector<std::string>{"name", "path", "sha256", "format"});
  CHECK(scenario["name"].text == "two-kinds");
  CHECK(scenario["path"].text == "<test>");
  CHECK(scenario["sha256"].text == nines::sha256_hex(r.model.source_text));
  CHECK(scenario["format"].text == "2");

  const JsonValue& run = doc["run"];
  CHECK(run.keys() == std::vector<std::string>{"seed", "requests", "record", "threads",
                                               "elapsed_seconds", "requests_per_second", "sampler",
                                               "kernel", "importance"});
  CHECK(run["seed"].text == "7");
  CHECK(run["requests"].text == "10000");
  CHECK(run["record"].text == "failures");
  CHECK(run["sampler"].text == "per-request");
  CHECK(run["kernel"].text == "structure");
  CHECK(run["importance"].text == "exact");
  CHECK(run["threads"].text == "2");
  CHECK(run["elapsed_seconds"].number == 0.5);
  CHECK(run["requests_per_second"].number == 20'000);

  const std::vector<std::string> kind_keys = concat(
      {"name", "weight", "retries", "path", "requests", "attempts", "retried", "expected_attempts"},
      kComparisonKeys);
  const JsonValue& kinds = doc["summary"]["kinds"];
  REQUIRE(kinds.size() == 2);
  CHECK(kinds[0].keys() == kind_keys);
  const JsonValue& read = kinds[0];
  CHECK(read["name"].text == "read");
  CHECK(read["weight"].number == 3);
  CHECK(read["retries"].text == "0");
  CHECK(read["path"].text == "series(a, b)");
  CHECK(read["requests"].text == "7500");
  CHECK(read["failures"].text == "2100");
  CHECK(read["attribution_dof"].text == "1");
  CHECK(read["reliability_analytic"].number == r.analytics.kinds()[0].reliability);
  CHECK(kinds[1]["path"].text == "series(a, c)");
  const JsonValue& service = doc["summary"]["service"];
  CHECK(service.keys() == concat({"weight", "requests", "attempts", "retried", "expected_attempts"},
                                 kComparisonKeys));
  CHECK(service["weight"].number == 4);
  CHECK(service["failures"].text == "2462");

  REQUIRE(doc["components"].size() == 3);
  const JsonValue& b = doc["components"][1];
  CHECK(b.keys() == std::vector<std::string>{"name", "reliability", "retries", "failures",
                                             "expected_failures", "importance"});
  CHECK(b["name"].text == "b");
  CHECK(b["reliability"].number == 0.8);
  CHECK(b["failures"].text == "1350");
  CHECK(b["expected_failures"].number == 10'000 * r.analytics.culprit_probability()[1]);
  CHECK(b["importance"].keys() == kMeasures);
  CHECK(b["importance"]["raw"].number == r.summary.importance[1].raw);

  // Ranked by improvement potential: b (0.135), a (0.084), c (0.011).
  const JsonValue& ranking = doc["summary"]["ranking"];
  REQUIRE(ranking.size() == 3);
  CHECK(ranking[0].text == "b");
  CHECK(ranking[1].text == "a");
  CHECK(ranking[2].text == "c");

  CHECK(doc["common_causes"].size() == 0);
  // No events: the one set "none fired".
  const JsonValue& sets = doc["summary"]["common_cause_sets"];
  REQUIRE(sets.size() == 1);
  CHECK(sets[0]["events"].size() == 0);
  CHECK(sets[0]["failures"].text == "2462");

  const JsonValue& summary = doc["summary"];
  CHECK(summary.keys() ==
        std::vector<std::string>{"service", "kinds", "ranking", "common_cause_sets", "ci_level",
                                 "tests", "test_alpha", "agrees", "verdict", "nines_empirical",
                                 "nines_analytic", "dpmo_empirical", "dpmo_analytic",
                                 "sigma_empirical", "sigma_analytic"});
  CHECK(summary["agrees"].boolean);
  CHECK(summary["verdict"].text == r.summary.verdict);
  CHECK(summary["tests"].text == "6");
  CHECK(summary["test_alpha"].number == r.summary.test_alpha);
  CHECK(summary["ci_level"].number == 0.95);
  CHECK(summary["dpmo_empirical"].number == r.summary.dpmo_empirical);
}

TEST_CASE("structure JSON writes NaN and infinities as null", "[structure_report]") {
  Reported r(nines::test::kTwoKinds, false);
  nines::test::HandTally t(r.sampler);
  // write gets no requests, and nothing fails: NaN comparisons, infinite nines.
  t.kind(0, 100, 0);
  r.summarize(t, 100);
  r.summary.importance[0].rrw = std::numeric_limits<double>::infinity();
  r.summary.importance[1].raw = -std::numeric_limits<double>::infinity();
  const JsonValue doc = r.json();
  const JsonValue& write = doc["summary"]["kinds"][1];
  CHECK(write["requests"].text == "0");
  for (const char* key : {"reliability_empirical", "unreliability_empirical", "reliability_ci_low",
                          "reliability_ci_high", "z_score", "z_p_value", "reliability_p_value",
                          "attribution_p_value"}) {
    INFO(key);
    CHECK(write[key].is_null());
  }
  CHECK(write["reliability_analytic"].number == r.analytics.kinds()[1].reliability);
  CHECK(doc["summary"]["service"]["attribution_p_value"].is_null());  // no failures: no test
  CHECK(doc["summary"]["nines_empirical"].is_null());
  CHECK(doc["summary"]["sigma_empirical"].is_null());
  CHECK(doc["summary"]["dpmo_empirical"].number == 0);
  CHECK(doc["components"][0]["importance"]["rrw"].is_null());
  CHECK(doc["components"][1]["importance"]["raw"].is_null());
  CHECK(doc["run"]["elapsed_seconds"].is_null());
  CHECK(doc["run"]["requests_per_second"].is_null());
  CHECK(doc["output"].is_null());
}

TEST_CASE("structure JSON: events, fired sets and simulated importance", "[structure_report]") {
  const Reported r = two_events();
  const JsonValue doc = r.json();
  REQUIRE(doc["common_causes"].size() == 2);
  const JsonValue& e2 = doc["common_causes"][1];
  CHECK(e2.keys() == std::vector<std::string>{"name", "probability", "failures",
                                              "expected_failures", "importance"});
  CHECK(e2["name"].text == "e2");
  CHECK(e2["probability"].number == 0.2);
  CHECK(e2["failures"].text == "3800");
  CHECK(e2["expected_failures"].number == r.summary.expected_common_cause_failures[1]);
  CHECK(e2["importance"].keys() == kMeasures);

  // One row per set, its events by name.
  const JsonValue& sets = doc["summary"]["common_cause_sets"];
  REQUIRE(sets.size() == 4);
  CHECK(sets[0]["events"].size() == 0);
  CHECK(sets[0]["failures"].text == "720");
  CHECK(sets[1]["events"].size() == 1);
  CHECK(sets[1]["events"][0].text == "e1");
  CHECK(sets[2]["events"][0].text == "e2");
  REQUIRE(sets[3]["events"].size() == 2);
  CHECK(sets[3]["events"][0].text == "e1");
  CHECK(sets[3]["events"][1].text == "e2");
  CHECK(sets[3]["failures"].text == "2000");
  CHECK(sets[3]["expected_failures"].number == r.summary.fired_sets[3].expected_failures);
  CHECK_FALSE(doc["components"][0].has("importance_simulated"));

  // Simulated importance: [value, low, high] per measure.
  const Reported s = two_kinds(true);
  const JsonValue sim = s.json();
  CHECK(sim["run"]["importance"].text == "simulated");
  const JsonValue& a = sim["components"][0];
  REQUIRE(a.has("importance_simulated"));
  CHECK(a["importance_simulated"].keys() == kMeasures);
  const JsonValue& fv = a["importance_simulated"]["fussell_vesely"];
  REQUIRE(fv.size() == 3);
  CHECK(fv[0].number == s.summary.importance_simulated[0].value.fussell_vesely);
  CHECK(fv[1].number == s.summary.importance_simulated[0].low.fussell_vesely);
  CHECK(fv[2].number == s.summary.importance_simulated[0].high.fussell_vesely);
}

TEST_CASE("structure text: header, kinds, verdict and ranking", "[structure_report]") {
  const Reported r = two_kinds();
  const std::string text = r.text(false, "two.h5", 0.5);
  INFO(text);
  CHECK(text.back() == '\n');
  CHECK_FALSE(contains(text, "\x1b["));
  CHECK(lines_of(text)[0] == "nines " + std::string(nines::kVersion) +
                                 " · two-kinds (structure, format 2; per-request, structure "
                                 "kernel) · 10,000 requests · seed 7 · 2 threads · 0.50 s "
                                 "(20.0 k/s)");
  CHECK(contains(text, "request kinds\n"));
  CHECK(contains(text, "95% CI"));
  const std::string read = line_starting(text, "read ");
  CHECK(contains(read, " 75.0% "));
  CHECK(contains(read, "7,500"));
  CHECK(contains(read, "2,100"));
  CHECK(contains(read, "72.0000%"));
  CHECK(contains(read, "1.0000"));  // attempts per request
  const std::string mix = line_starting(text, "mix ");
  CHECK(contains(mix, "100%"));
  CHECK(contains(mix, "10,000"));
  CHECK(contains(mix, "2,462"));
  CHECK(contains(text, "  attribution (primary culprits vs exact): read χ² = 0.00, dof 1, p "));
  CHECK(line_starting(text, "verdict") == "  verdict      " + r.summary.verdict);
  CHECK(contains(text, "nines        0.61 (analytic 0.61)   DPMO 246,200.0 (analytic 246,250.0)"));
  // Components in order of improvement potential: b, a, c.
  const std::size_t b = text.find("\n  b "), a = text.find("\n  a "), c = text.find("\n  c ");
  REQUIRE(b != std::string::npos);
  CHECK(b < a);
  CHECK(a < c);
  CHECK(contains(line_starting(text, "b "), "80.0000%"));
  CHECK(contains(line_starting(text, "b "), "1,350"));
  CHECK(contains(text,
                 "(gain = reliability gained; exact values; --importance simulated also "
                 "estimates them from the run)"));
  // No events: no common-cause section.
  CHECK_FALSE(contains(text, "common-cause events"));
  CHECK(lines_of(text).back() == "  output       two.h5");

  const std::string simulated = two_kinds(true).text();
  CHECK(contains(simulated,
                 "(gain = reliability gained; the simulated estimates with intervals "
                 "are in the HDF5 file and --json)"));
  CHECK(lines_of(simulated).back() == "  output       none");
  // Without a duration the header shows none.
  CHECK_FALSE(contains(lines_of(simulated)[0], " s ("));
}

TEST_CASE("structure text colours the verdict by its outcome", "[structure_report]") {
  Reported r = two_kinds();
  CHECK(contains(r.text(true), "\x1b[32m" + r.summary.verdict + "\x1b[0m"));
  auto t = nines::test::two_kinds_tally(r.sampler);
  t.kind(0, 7500, 2600).culprit(0, 0, 929).culprit(0, 1, 1671).fired_set(0, 0, 2600);
  r.summarize(t, 10'000);
  REQUIRE_FALSE(r.summary.agrees);
  CHECK(contains(r.text(true), "\x1b[1;31m" + r.summary.verdict + "\x1b[0m"));
}

TEST_CASE("structure text: common-cause events and fired sets", "[structure_report]") {
  Reported r = two_events();
  const std::string text = r.text();
  INFO(text);
  CHECK(contains(text, "\ncommon-cause events\n"));
  const std::string e1 = line_starting(text, "e1 ");
  CHECK(contains(e1, "0.100"));
  CHECK(contains(e1, "2,800"));
  CHECK(contains(e1, "2800.0"));
  CHECK(contains(line_starting(text, "e2 "), "3,800"));
  CHECK(contains(text,
                 "(failures: failed requests in which the event fired, with every other "
                 "event that fired too)"));
  CHECK(contains(text,
                 "failed requests by the events that fired together (all sets in the HDF5 "
                 "file)"));
  CHECK(contains(line_starting(text, "(none) "), "720"));
  CHECK(contains(line_starting(text, "e1 + e2 "), "2,000"));
  CHECK(contains(text, "  chi-square 0.00, dof 3, p = 1.00\n"));
  // The attribution over one culprit cell is no test.
  CHECK(contains(text, "both n/a (one cell); mix n/a (one cell)"));

  // Sets with no failure and (almost) none expected stay in the file only.
  r.summary.fired_sets[2].failures = 0;
  r.summary.fired_sets[2].expected_failures = 0.04;
  r.summary.fired_sets[1].failures = 0;
  r.summary.fired_sets[1].expected_failures = 0.06;
  const std::string trimmed = r.text();
  INFO(trimmed);
  std::string set_rows;
  bool in_sets = false;
  for (const std::string& line : lines_of(trimmed)) {
    if (contains(line, "failed requests by the events")) in_sets = true;
    if (in_sets && contains(line, "chi-square")) break;
    if (in_sets) set_rows += line + "\n";
  }
  CHECK(contains(set_rows, "  e1 "));        // expected 0.06: shown
  CHECK_FALSE(contains(set_rows, "  e2 "));  // expected 0.04 and none failed: left out
  CHECK(contains(set_rows, "e1 + e2"));
}

TEST_CASE("structure text keeps every number readable", "[structure_report]") {
  // Issue 14: RAW = 1.78e154 was printed as a 155-digit integer. Huge values (a component that
  // never fails alone, an analytic value that a run contradicts) print in scientific notation.
  Reported r = two_events();
  r.summary.importance[0].raw = 1.78e154;
  r.summary.common_cause_importance[0].rrw = 2.5e200;
  r.summary.kinds[0].z_score = -1e20;
  r.summary.mix.z_score = 3.3e17;
  r.summary.fired_set_attribution.statistic = 1.78e154;
  r.summary.expected_common_cause_failures[1] = 4.2e18;
  r.summary.dpmo_empirical = 1e16;
  const std::string text = r.text();
  INFO(text);
  CHECK(contains(text, "1.78e+154"));
  CHECK(contains(text, "2.50e+200"));
  CHECK(contains(text, "-1.00e+20"));
  CHECK(contains(text, "3.30e+17"));
  CHECK(contains(text, "chi-square 1.78e+154, dof 3"));
  CHECK(contains(text, "4.20e+18"));
  CHECK(contains(text, "1.00e+16"));
  // No run of 16 or more digits (with or without thousands separators) anywhere.
  CHECK_FALSE(std::regex_search(text, std::regex(R"(\d(,?\d){15})")));
  // The JSON keeps full precision.
  const JsonValue doc = r.json();
  CHECK(doc["components"][0]["importance"]["raw"].number == 1.78e154);
}

TEST_CASE("structure text names the confidence level as set", "[structure_report]") {
  Reported r(nines::test::kTwoKinds, false);
  r.info.requests = 10'000;
  r.summary = nines::summarize_structure(r.analytics, r.sampler, 10'000,
                                         nines::test::two_kinds_tally(r.sampler).values, 0.999);
  const std::string text = r.text();
  INFO(text);
  CHECK(contains(text, "99.9% CI"));
  CHECK_FALSE(contains(text, "100% CI"));
  CHECK(r.json()["summary"]["ci_level"].number == 0.999);
}

TEST_CASE("structure text shows n/a for a kind without requests", "[structure_report]") {
  Reported r(nines::test::kTwoKinds, false);
  nines::test::HandTally t(r.sampler);
  t.kind(0, 100, 28).culprit(0, 0, 10).culprit(0, 1, 18).fired_set(0, 0, 28);
  r.summarize(t, 100);
  const std::string text = r.text();
  INFO(text);
  const std::string write = line_starting(text, "write ");
  CHECK(contains(write, "n/a"));
  CHECK_FALSE(contains(text, "nan"));
  CHECK(contains(text, "write n/a (no requests)"));
}
