// The command-line parser (CLI11 under nines' own messages): the spellings GNU tools accept,
// today's value parsers, and usage errors that name the option as typed.
#include "cli/cli_options.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "nines/base/error.hpp"

using namespace nines::cli;
using Args = std::vector<std::string>;

namespace {
// The message of the usage error `parse(args)` throws.
template <class Parse>
std::string usage_error(Parse parse, const Args& args) {
  try {
    parse(args);
  } catch (const nines::InputError& e) {
    return e.what();
  }
  FAIL("no usage error for the arguments");
  return {};
}
}  // namespace

TEST_CASE("run options: separate, attached and = values", "[cli]") {
  for (const Args& args :
       {Args{"s.yaml", "-n", "1e5"}, Args{"s.yaml", "-n1e5"}, Args{"s.yaml", "--requests=1e5"},
        Args{"s.yaml", "--requests", "1e5"}, Args{"-n", "100k", "s.yaml"}}) {
    const RunOptions o = parse_run_options(args);
    CHECK(o.scenario_path == "s.yaml");
    REQUIRE(o.requests);
    CHECK(*o.requests == 100'000);
  }
  const RunOptions o =
      parse_run_options({"s.yaml", "-n", "2M", "-s", "18446744073709551615", "-t4", "--output=o.h5",
                         "--record", "failures", "--sampler=skip", "--importance", "simulated"});
  CHECK(*o.requests == 2'000'000);
  CHECK(*o.seed == 18446744073709551615ULL);
  CHECK(*o.threads == 4);
  CHECK(*o.output == "o.h5");
  CHECK(*o.record == nines::RecordMode::failures);
  CHECK(o.sampler == nines::SamplerChoice::geometric_skip);
  CHECK(*o.importance == nines::ImportanceMode::simulated);
  CHECK_FALSE(o.histories);
  CHECK(parse_run_options({"t.yaml", "--histories", "10k"}).histories == 10'000u);
}

TEST_CASE("run options: combined flags, a value after flags, and --", "[cli]") {
  const RunOptions o = parse_run_options({"-qf", "s.yaml"});
  CHECK((o.quiet && o.force && !o.json));
  const RunOptions p = parse_run_options({"-fqn2k", "s.yaml"});
  CHECK((p.quiet && p.force && *p.requests == 2000));
  // After --, a file whose name starts with a dash is the scenario, not an option.
  const RunOptions q = parse_run_options({"-q", "--", "-odd.yaml"});
  CHECK(q.scenario_path == "-odd.yaml");
  CHECK(q.quiet);
  // The last of a repeated option wins, as before CLI11.
  CHECK(*parse_run_options({"s.yaml", "-n", "5", "--requests", "7"}).requests == 7);
}

TEST_CASE("run options: --color and --json", "[cli]") {
  CHECK(parse_run_options({"s.yaml"}).color == ColorMode::automatic);
  CHECK(parse_run_options({"s.yaml", "--color", "always"}).color == ColorMode::always);
  CHECK(parse_run_options({"s.yaml", "--color=never"}).color == ColorMode::never);
  CHECK(parse_run_options({"s.yaml", "--color", "auto"}).color == ColorMode::automatic);
  CHECK(parse_run_options({"s.yaml", "--json"}).json);
  CHECK_THAT(usage_error(parse_run_options, {"s.yaml", "--color", "yes"}),
             Catch::Contains("invalid --color 'yes': expected auto, always or never"));
}

TEST_CASE("run options: bad values are named as the user spelled them", "[cli]") {
  CHECK_THAT(usage_error(parse_run_options, {"s.yaml", "-n", "-5"}),
             Catch::StartsWith("-n: \"-5\""));
  CHECK_THAT(usage_error(parse_run_options, {"s.yaml", "-qn1.5"}),
             Catch::StartsWith("-n: \"1.5\""));
  CHECK_THAT(usage_error(parse_run_options, {"s.yaml", "--requests=lots"}),
             Catch::StartsWith("--requests: \"lots\" is not a number"));
  CHECK_THAT(usage_error(parse_run_options, {"s.yaml", "--seed", "-1"}),
             Catch::Contains("is negative"));
  CHECK_THAT(usage_error(parse_run_options, {"s.yaml", "-t", "0"}),
             Catch::StartsWith("invalid thread count '0' for -t"));
  CHECK_THAT(usage_error(parse_run_options, {"s.yaml", "--threads=5000"}),
             Catch::StartsWith("invalid thread count '5000' for --threads"));
  CHECK_THAT(usage_error(parse_run_options, {"s.yaml", "--record", "sparse"}),
             Catch::Contains("dense, failures or none"));
  CHECK_THAT(usage_error(parse_run_options, {"s.yaml", "-o", ""}),
             Catch::StartsWith("option -o needs a non-empty file name"));
  CHECK_THAT(usage_error(parse_run_options, {"s.yaml", "--sampler", "fast"}),
             Catch::StartsWith("invalid --sampler 'fast'"));
  CHECK_THAT(usage_error(parse_run_options, {"s.yaml", "--importance", "x"}),
             Catch::StartsWith("invalid --importance 'x'"));
}

TEST_CASE("usage errors: unknown options, missing values, values of flags, extra files", "[cli]") {
  const std::string see = "(see 'nines run --help')";
  CHECK(usage_error(parse_run_options, {"s.yaml", "--reqests", "5"}) ==
        "unknown option '--reqests'; did you mean '--requests'? " + see);
  CHECK(usage_error(parse_run_options, {"s.yaml", "--reqests=5"}) ==
        "unknown option '--reqests'; did you mean '--requests'? " + see);
  CHECK(usage_error(parse_run_options, {"s.yaml", "--frobnicate"}) ==
        "unknown option '--frobnicate' " + see);
  CHECK(usage_error(parse_run_options, {"s.yaml", "--output"}) ==
        "option --output needs a value " + see);
  CHECK(usage_error(parse_run_options, {"s.yaml", "-o"}) == "option -o needs a value " + see);
  CHECK(usage_error(parse_run_options, {"s.yaml", "--force=yes"}) ==
        "option --force takes no value " + see);
  CHECK(usage_error(parse_run_options, {"a.yaml", "b.yaml"}) ==
        "unexpected argument 'b.yaml': nines run takes one scenario file " + see);
  CHECK(usage_error(parse_run_options, {"a.yaml", "--", "b.yaml"}) ==
        "unexpected argument 'b.yaml': nines run takes one scenario file " + see);
  CHECK(usage_error(parse_run_options, {}) == "nines run needs a scenario file " + see);
  CHECK(usage_error(parse_sweep_options, {"s.yaml", "--threds", "2"}) ==
        "unknown option '--threds'; did you mean '--threads'? (see 'nines sweep --help')");
}

TEST_CASE("--help needs no file", "[cli]") {
  CHECK(parse_run_options({"--help"}).help);
  CHECK(parse_run_options({"-h"}).help);
  CHECK(parse_sweep_options({"-h"}).help);
  CHECK(parse_validate_options({"--help"}).help);
  CHECK(parse_allocate_options({"--help"}).help);
}

TEST_CASE("sweep options", "[cli]") {
  const SweepOptions o =
      parse_sweep_options({"s.sweep.yaml", "-qf", "--resume", "--full", "--record-requests",
                           "--sampler=per-request", "-t2", "-o", "out.h5", "--json"});
  CHECK(o.sweep_path == "s.sweep.yaml");
  CHECK((o.quiet && o.force && o.resume && !o.restart && o.full && o.record_requests && o.json));
  CHECK(o.sampler == nines::SamplerChoice::per_request);
  CHECK(*o.threads == 2);
  CHECK(*o.output == "out.h5");
  CHECK_FALSE(parse_sweep_options({"s.yaml"}).json);
  CHECK_THAT(usage_error(parse_sweep_options, {"s.yaml", "--resume", "--restart"}),
             Catch::StartsWith("--resume and --restart contradict each other"));
  CHECK_THAT(usage_error(parse_sweep_options, {}),
             Catch::StartsWith("nines sweep needs a sweep file"));
}

TEST_CASE("validate options", "[cli]") {
  CHECK_FALSE(parse_validate_options({"s.yaml"}).json);
  const ValidateOptions o = parse_validate_options({"--json", "s.yaml"});
  CHECK((o.json && o.scenario_path == "s.yaml"));
  CHECK(usage_error(parse_validate_options, {"s.yaml", "-x"}).find("unknown option '-x'") == 0);
  CHECK_THAT(usage_error(parse_validate_options, {"a", "b"}),
             Catch::StartsWith("unexpected argument 'b': nines validate takes one scenario "
                               "file"));
}

TEST_CASE("allocate options", "[cli]") {
  const AllocateOptions o = parse_allocate_options({"s.yaml", "--target=99.95%", "-fo", "a.h5"});
  CHECK(*o.target == Approx(0.9995).epsilon(1e-15));
  CHECK((o.force && *o.output == "a.h5" && !o.json));
  CHECK_THAT(usage_error(parse_allocate_options, {"s.yaml"}),
             Catch::StartsWith("nines allocate needs --target"));
  CHECK_THAT(usage_error(parse_allocate_options, {"s.yaml", "--target", "100%"}),
             Catch::Contains("below 100%"));
  CHECK_THAT(usage_error(parse_allocate_options, {"s.yaml", "--target", "120%"}),
             Catch::StartsWith("invalid --target"));
}
