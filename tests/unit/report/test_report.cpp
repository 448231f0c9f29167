#include <catch2/catch.hpp>
#include <cctype>
#include <string>
#include <vector>

#include "nines/exact/chain_analytics.hpp"
#include "nines/files/run_writer.hpp"
#include "nines/model/scenario.hpp"
#include "nines/report/report.hpp"
#include "nines/summary/summary.hpp"
#include "support/json_value.hpp"

namespace {

using nines::test::valid_json;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
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

nines::Scenario checkout_scenario() {
  nines::Scenario scenario;
  scenario.name = "checkout";
  scenario.source_path = "scenarios/checkout.yaml";
  scenario.components = {{"gateway", 0.9995, ""}, {"auth", 0.999, ""}, {"db", 0.9999, ""}};
  return scenario;
}

}  // namespace

TEST_CASE("format_summary_json has every key and parses", "[report]") {
  const nines::Scenario scenario = checkout_scenario();
  const nines::ChainAnalytics model(scenario.reliabilities());
  nines::RunInfo info;
  info.seed = 42;
  info.requests = 1'000'000;
  info.record = nines::RecordMode::failures;
  const nines::Summary summary = nines::summarize(model, 1'000'000, {480, 1'020, 95});
  const nines::ReportContext context{scenario, info, "out/checkout \"1\".h5", 4, 0.25};

  const std::string json = nines::format_summary_json(context, model, summary);
  INFO(json);
  CHECK(valid_json(json));
  CHECK(json.find('\n') == std::string::npos);
  for (const char* key : {"schema_version",
                          "command",
                          "nines_version",
                          "scenario",
                          "format",
                          "common_causes",
                          "sampler",
                          "kernel",
                          "service",
                          "name",
                          "path",
                          "components",
                          "reliability",
                          "failures",
                          "expected_failures",
                          "share",
                          "run",
                          "seed",
                          "requests",
                          "record",
                          "threads",
                          "elapsed_seconds",
                          "requests_per_second",
                          "output",
                          "summary",
                          "reliability_empirical",
                          "reliability_analytic",
                          "reliability_ci_low",
                          "reliability_ci_high",
                          "ci_level",
                          "z_score",
                          "z_p_value",
                          "attribution_chi2",
                          "attribution_dof",
                          "attribution_p_value",
                          "agrees",
                          "verdict",
                          "nines_empirical",
                          "nines_analytic",
                          "dpmo_empirical",
                          "dpmo_analytic",
                          "sigma_empirical",
                          "sigma_analytic"}) {
    CHECK(contains(json, "\"" + std::string(key) + "\":"));
  }
  CHECK(contains(json, "\"sha256\":null"));  // no text: not known
  CHECK(contains(json, "\"record\":\"failures\""));
  CHECK(contains(json, "\"output\":\"out/checkout \\\"1\\\".h5\""));
  CHECK(contains(json, "\"requests_per_second\":4000000.0"));
  CHECK(contains(json, "\"seed\":42,"));
  CHECK(contains(json, "{\"name\":\"auth\",\"reliability\":0.999,\"failures\":1020,"));
  CHECK(contains(json, "\"agrees\":true,"));
}

TEST_CASE("format_summary_json writes null for non-finite values", "[report]") {
  nines::Scenario scenario;
  scenario.name = "perfect";
  scenario.source_path = "perfect.yaml";
  scenario.source_text = "abc";
  scenario.components = {{"only", 1.0, ""}};
  const nines::ChainAnalytics model(scenario.reliabilities());
  nines::RunInfo info;
  info.requests = 100;
  const nines::Summary summary = nines::summarize(model, 100, {0});
  const nines::ReportContext context{scenario, info, "", 1, 0};
  const std::string json = nines::format_summary_json(context, model, summary);
  INFO(json);
  CHECK(valid_json(json));
  // FIPS 180-2 example "abc".
  CHECK(contains(
      json, "\"sha256\":\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\""));
  CHECK(contains(json, "\"attribution_p_value\":null"));
  CHECK(contains(json, "\"nines_empirical\":null"));
  CHECK(contains(json, "\"sigma_analytic\":null"));
  CHECK(contains(json, "\"share\":null"));
  CHECK(contains(json, "\"output\":null"));
  CHECK(contains(json, "\"elapsed_seconds\":null"));
  CHECK(contains(json, "\"attribution_dof\":0"));
}

TEST_CASE("format_summary_text marks the worst offender on its row", "[report]") {
  const nines::Scenario scenario = checkout_scenario();
  const nines::ChainAnalytics model(scenario.reliabilities());
  nines::RunInfo info;
  info.seed = 42;
  info.requests = 1'000'000;
  const nines::Summary summary = nines::summarize(model, 1'000'000, {480, 1'020, 95});
  const nines::ReportContext context{scenario, info, "checkout.h5", 8, 0.0032};

  const std::string text = nines::format_summary_text(context, model, summary, false);
  INFO(text);
  CHECK(text.back() == '\n');
  CHECK(!contains(text, "\x1b["));
  int marked = 0;
  for (const std::string& line : lines_of(text)) {
    if (contains(line, "◀ worst")) {
      ++marked;
      CHECK(contains(line, " auth "));
      CHECK(contains(line, "1,020"));
    }
  }
  CHECK(marked == 1);
  CHECK(contains(text, "checkout: 1,000,000 requests, seed 42, 8 threads, 3.2 ms (312 M/s)"));
  CHECK(contains(text, "99.950%"));  // gateway: two significant digits of 5e-4
  CHECK(contains(text, "99.990%"));  // db
  CHECK(contains(text, "95% CI"));
  CHECK(contains(text, summary.verdict));
  CHECK(contains(text, "checkout.h5"));
  CHECK(contains(text, "1.5σ"));

  const std::string colored = nines::format_summary_text(context, model, summary, true);
  CHECK(contains(colored, "\x1b[1;31m"));
}

TEST_CASE("format_summary_text keeps tiny unreliabilities visible", "[report]") {
  nines::Scenario scenario;
  scenario.name = "vault";
  scenario.components = {{"a", 1 - 2e-9, ""}, {"b", 1.0, ""}};
  const nines::ChainAnalytics model(scenario.reliabilities());
  nines::RunInfo info;
  const nines::Summary summary = nines::summarize(model, 1'000'000'000, {2, 0});
  const nines::ReportContext context{scenario, info, "", 1, 2.0};
  const std::string text = nines::format_summary_text(context, model, summary, false);
  INFO(text);
  CHECK(contains(text, "99.99999980%"));   // 1 - 2e-9 with the 2 visible
  CHECK(contains(text, "100.00000000%"));  // component b
  CHECK(contains(text, "1 thread,"));
  CHECK(contains(text, "500 M/s"));
  CHECK(contains(text, "output       none"));

  const nines::Summary perfect = nines::summarize(model, 1'000, {0, 0});
  const std::string text2 = nines::format_summary_text(context, model, perfect, false);
  INFO(text2);
  CHECK(contains(text2, "n/a (no failures)"));
  CHECK(contains(text2, "nines        ∞"));
  CHECK_FALSE(contains(text2, "◀ worst"));
}
