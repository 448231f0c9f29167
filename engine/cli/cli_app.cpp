#include "cli_app.hpp"

#include <charconv>
#include <map>
#include <stdexcept>

#include "nines/base/version.hpp"
#include "nines/input/count_parser.hpp"

namespace nines::cli {

const std::vector<CommandDoc>& command_docs() {
  static const std::vector<CommandDoc> docs = {
      {"run", "FILE [options]", "simulate a scenario, write HDF5, compare with the analytic model",
       "Samples requests through the scenario (a chain, format 1, or a structure, format 2) on "
       "every core and, under mpirun, on every rank; records which component failed each "
       "request, writes an HDF5 file and prints a summary comparing the simulated reliability "
       "with the exact value. A scenario with outages over time (format 3) is simulated as "
       "independent histories of its horizon instead: outages, detection, repair and the "
       "requests they cost.",
       "", "scenario file"},
      {"validate", "FILE [options]", "check a scenario or sweep file without running it",
       "Parses and checks a scenario file (or a sweep file, with its base and every point); "
       "prints a one-line description and exits 0 when it is valid, or the problem with file, "
       "line and column and exits 2.",
       "", "scenario file"},
      {"sweep", "FILE [options]", "run every point of a parameter sweep into one HDF5 file",
       "Runs every point of a sweep file (a base chain and the parameters to vary; see README, "
       "Sweeps) on every core, and under mpirun on every rank, into one HDF5 file, then prints "
       "the simulated reliability of each point next to the analytic one. Each point's counts "
       "equal `nines run` of that point at its seed. Finished points are journaled in "
       "OUTPUT.journal as they complete: rerun the same command after an interruption (even "
       "SIGKILL) and it continues where it stopped.",
       "", "sweep file"},
      {"allocate", "FILE --target R [options]",
       "per-component reliability targets that meet a service target",
       "Finds per-component (per-team) reliability targets that make the service meet R, by "
       "three methods: equal apportionment, in proportion to today's unreliability (ARINC), "
       "and the cheapest set of improvements when components carry an improvement_cost "
       "(series structures). Every result is checked by the exact engine, the same value "
       "`nines run` reports analytically. Reads every format (a chain is a series; format 3 "
       "uses its per-request structure).",
       "Exit codes: 0 every method meets the target, 1 runtime or I/O error, 2 invalid input or "
       "an unreachable target (the message says why), 130 interrupted.",
       "scenario file"},
      {"uncertainty", "FILE [options]",
       "propagate uncertain inputs to the service value, with Sobol indices",
       "Draws the scenario's uncertain inputs (reliabilities known from observed failures, "
       "outage rates from observed outages, or given as distributions; format 2 or 3), computes "
       "the exact service value for every draw (the reliability for format 2, the steady-state "
       "availability for format 3), and reports its distribution (mean, 5/50/95% quantiles, "
       "P(meets --target)) and which input's uncertainty matters most (first-order and total "
       "Sobol indices with bootstrap errors). Results do not depend on the thread count.",
       "Exit codes: 0 done, 1 runtime or I/O error, 2 invalid input (the message says why), 130 "
       "interrupted.",
       "scenario file"},
  };
  return docs;
}

const CommandDoc& command_doc(std::string_view name) {
  for (const CommandDoc& doc : command_docs())
    if (doc.name == name) return doc;
  throw std::out_of_range("no nines command " + std::string(name));
}

namespace {

// An option with one value, handed as text to `use`, which validates it (today's parsers of
// counts, seeds and modes) and may report a bad one through the context.
template <class Use>
CLI::Option* value_option(CLI::App& app, const std::string& names, const std::string& value_name,
                          const std::string& description, Use use) {
  return app.add_option_function<std::string>(names, use, description)->type_name(value_name);
}

void define_file_operand(CLI::App& app, std::string& path, const ParseContext& context) {
  app.add_option("FILE", path, "the " + context.operand())->type_name("FILE");
}

void define_help(CLI::App& app, bool& help) {
  app.add_flag("-h,--help", help, "this help");
}

void define_threads(CLI::App& app, std::optional<int>& threads, const ParseContext& context) {
  value_option(
      app, "-t,--threads", "T", "worker threads (default: all cores); results do not depend on it",
      [&threads, &context](const std::string& v) {
        int t = 0;
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), t);
        if (ec != std::errc() || end != v.data() + v.size() || t < 1 || t > 4096)
          context.fail("invalid thread count '" + v + "' for " + context.spelled("-t,--threads") +
                       ": expected a whole number from 1 to 4096");
        threads = t;
      });
}

void define_output(CLI::App& app, std::optional<std::string>& output, const ParseContext& context,
                   const std::string& description) {
  value_option(app, "-o,--output", "FILE", description, [&output, &context](const std::string& v) {
    if (v.empty())
      context.fail("option " + context.spelled("-o,--output") + " needs a non-empty file name");
    output = v;
  });
}

void define_sampler(CLI::App& app, SamplerChoice& sampler, const ParseContext& context,
                    const std::string& description) {
  value_option(app, "--sampler", "MODE", description, [&sampler, &context](const std::string& v) {
    const auto choice = parse_sampler_choice(v);
    if (!choice) context.fail("invalid --sampler '" + v + "': expected auto, per-request or skip");
    sampler = *choice;
  });
}

void define_target_precision(CLI::App& app, std::optional<double>& target,
                             const ParseContext& context, const std::string& description) {
  value_option(app, "--target-precision", "P", description,
               [&target, &context](const std::string& v) {
                 std::string why;
                 target = parse_relative_precision(v, &why);
                 if (!target)
                   context.fail("invalid --target-precision '" + v + "': " + why +
                                "; write the relative half-width of the 95% interval as a "
                                "percentage such as 1% or a fraction such as 0.01");
               });
}

void define_seed(CLI::App& app, std::optional<std::uint64_t>& seed, const ParseContext& context) {
  value_option(app, "-s,--seed", "S",
               "random seed, 0..2^64-1 (default: the scenario's run.seed, else 1)",
               [&seed, &context](const std::string& v) {
                 std::string why;
                 seed = parse_seed(v, &why);
                 if (!seed)
                   context.fail(context.spelled("-s,--seed") + ": \"" + v + "\" " + why +
                                "; write a whole number from 0 to 2^64-1");
               });
}

// --target R: a service reliability strictly between 0 and 100%.
void define_target(CLI::App& app, std::optional<double>& target, const ParseContext& context,
                   const std::string& description) {
  value_option(app, "--target", "R", description, [&target, &context](const std::string& v) {
    std::string problem;
    const auto value = parse_reliability_value(v, &problem);
    if (!value)
      context.fail("invalid --target: " + problem + "; write a reliability such as 99.95%");
    if (!(*value > 0 && *value < 1))
      context.fail("invalid --target '" + v +
                   "': the service target must be above 0 and below 100%");
    target = *value;
  });
}

void define_json(CLI::App& app, bool& json, const std::string& description) {
  app.add_flag("--json", json, description);
}

}  // namespace

const std::vector<std::string>* completion_choices(const CLI::Option& option) {
  static const std::map<std::string, std::vector<std::string>> choices = {
      {"record", {"dense", "failures", "none", "outages", "requests"}},
      {"sampler", {"auto", "per-request", "skip"}},
      {"importance", {"exact", "simulated"}},
      {"color", {"auto", "always", "never"}},
  };
  if (option.get_lnames().empty()) return nullptr;
  const auto found = choices.find(option.get_lnames().front());
  return found == choices.end() ? nullptr : &found->second;
}

std::unique_ptr<CLI::App> make_command_app(std::string_view command) {
  auto app = std::make_unique<CLI::App>(std::string(command_doc(command).summary),
                                        "nines " + std::string(command));
  app->set_help_flag();  // ours is an ordinary flag, so --help prints nines' own help text
  app->allow_extras();   // parse_command words unknown options and extra operands itself
  app->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app->option_defaults()->disable_flag_override();
  return app;
}

void define_run_options(CLI::App& app, RunOptions& o, const ParseContext& context) {
  define_file_operand(app, o.scenario_path, context);
  value_option(app, "-n,--requests", "N",
               "requests to simulate: 10000000, 1e7, 10M, 2.5G (default: the scenario's "
               "run.requests, else 1M)",
               [&o, &context](const std::string& v) {
                 std::string why;
                 o.requests = parse_request_count(v, &why);
                 if (!o.requests)
                   context.fail(context.spelled("-n,--requests") + ": \"" + v + "\" " + why +
                                "; write a positive whole number such as 1e8 or 100M");
               });
  define_seed(app, o.seed, context);
  define_threads(app, o.threads, context);
  define_output(app, o.output, context,
                "HDF5 output (default: <scenario name>.h5 in the current directory)");
  value_option(app, "--record", "MODE",
               "dense (one outcome per request, default), failures (only failed requests), none "
               "(summaries only); format 3: outages (every outage and window per history, "
               "default), requests (also each failed request during an outage), none",
               [&o, &context](const std::string& v) {
                 const auto mode = parse_record_mode(v);
                 if (!mode)
                   context.fail("invalid --record mode '" + v +
                                "': expected dense, failures or none (format 3: outages, "
                                "requests or none)");
                 o.record = *mode;
               });
  value_option(app, "--histories", "N",
               "format 3: independent histories to simulate (default: the scenario's "
               "time.histories)",
               [&o, &context](const std::string& v) {
                 std::string why;
                 o.histories = parse_request_count(v, &why);
                 if (!o.histories)
                   context.fail("--histories: \"" + v + "\" " + why +
                                "; write a positive whole number such as 10000 or 10k");
               });
  define_sampler(app, o.sampler, context,
                 "auto (default), per-request or skip: how requests are drawn. Both are exact; "
                 "per-request gives every record mode the same outcomes, skip draws only the "
                 "gaps between failures (chains) or between requests that are not all clear "
                 "(structures); failures/none only. auto skips when those are under 1/32 of "
                 "requests and nothing is recorded per request");
  value_option(app, "--importance", "M",
               "structures: exact (default; importance measures from the exact engine) or "
               "simulated (also estimated from the run, per request; slower)",
               [&o, &context](const std::string& v) {
                 o.importance = parse_importance_mode(v);
                 if (!o.importance)
                   context.fail("invalid --importance '" + v + "': expected exact or simulated");
               });
  define_target_precision(app, o.target_precision, context,
                          "stop at the first checkpoint at which the 95% interval of the "
                          "unreliability is within P of it (relative half-width), e.g. 1% or "
                          "0.01; -n is then the cap. Request runs (formats 1 and 2)");
  app.add_flag("-f,--force", o.force, "overwrite an existing output file");
  define_json(app, o.json, "print the summary as one JSON object on stdout instead of the table");
  value_option(app, "--color", "WHEN",
               "auto (default), always or never: colour the table's verdict. auto colours only "
               "on a terminal whose TERM is not dumb, when NO_COLOR is unset or empty, and not "
               "on MPI ranks",
               [&o, &context](const std::string& v) {
                 const auto mode = parse_color_mode(v);
                 if (!mode)
                   context.fail("invalid --color '" + v + "': expected auto, always or never");
                 o.color = *mode;
               });
  app.add_flag("-q,--quiet", o.quiet, "print nothing but errors (no progress bar, no table)");
  define_help(app, o.help);
}

void define_validate_options(CLI::App& app, ValidateOptions& o, const ParseContext& context) {
  define_file_operand(app, o.scenario_path, context);
  define_json(app, o.json,
              "print the result as one JSON object on stdout (also when the file is invalid: "
              "\"valid\": false and the errors; the exit code is the same)");
  define_help(app, o.help);
}

void define_sweep_options(CLI::App& app, SweepOptions& o, const ParseContext& context) {
  define_file_operand(app, o.sweep_path, context);
  define_output(app, o.output, context,
                "HDF5 output (default: <sweep name>.h5 in the current directory)");
  define_threads(app, o.threads, context);
  app.add_flag("--resume", o.resume,
               "continue an interrupted sweep; fail if there is nothing to continue (without it, "
               "an interrupted sweep is continued anyway)");
  app.add_flag("--restart", o.restart,
               "discard the journal of an earlier or changed sweep and start over");
  app.add_flag("-f,--force", o.force,
               "overwrite an existing output file other than this sweep's own partial file "
               "(--resume and --restart never overwrite without it)");
  app.add_flag("--record-requests", o.record_requests,
               "also store each point's failed requests (index and component), sampled again "
               "once every point is done");
  define_sampler(app, o.sampler, context,
                 "auto (default), per-request or skip: each point's method, chosen as `nines run "
                 "--record none --sampler MODE` chooses it, so each point's counts equal that "
                 "run's");
  define_target_precision(app, o.target_precision, context,
                          "each point stops at the first checkpoint at which its 95% interval "
                          "of the unreliability is within P of it, e.g. 1% (replaces the "
                          "file's run.target_precision); its requests are the cap");
  app.add_flag("--full", o.full, "print every row of the table, not a readable subset");
  define_json(app, o.json, "print the result as one JSON object on stdout instead of the table");
  app.add_flag("-q,--quiet", o.quiet, "print nothing but errors (no progress, no table)");
  define_help(app, o.help);
}

void define_allocate_options(CLI::App& app, AllocateOptions& o, const ParseContext& context) {
  define_file_operand(app, o.scenario_path, context);
  define_target(app, o.target, context,
                "the service reliability to reach: 99.95%, 0.9995 (required)");
  define_output(app, o.output, context,
                "HDF5 output (default: <scenario name>.allocation.h5 in the current directory)");
  app.add_flag("-f,--force", o.force, "overwrite an existing output file");
  define_json(app, o.json, "print the result as one JSON object instead of the table");
  define_help(app, o.help);
}

void define_uncertainty_options(CLI::App& app, UncertaintyOptions& o, const ParseContext& context) {
  define_file_operand(app, o.scenario_path, context);
  value_option(app, "-d,--draws", "N",
               "draws of the uncertain inputs: 10000, 10k, 1e5 (default 10k; 2 to 10M)",
               [&o, &context](const std::string& v) {
                 std::string why;
                 const auto n = parse_request_count(v, &why);
                 if (!n || *n < 2 || *n > 10'000'000)
                   context.fail("invalid " + context.spelled("-d,--draws") + " '" + v +
                                "': write a whole number of draws from 2 to 10M, such as 10k");
                 o.draws = *n;
               });
  app.add_flag("--plain", o.plain,
               "independent draws instead of a Latin hypercube (default: Latin hypercube, one "
               "draw in each of N equal strata of every input)");
  define_seed(app, o.seed, context);
  define_target(app, o.target, context,
                "a service target (99.95%, 0.9995): also report P(value >= R) over the draws");
  app.add_flag_function(
      "--no-sobol", [&o](std::int64_t) { o.sobol = false; },
      "skip the Sobol indices (they cost N more evaluations per input, plus N)");
  define_threads(app, o.threads, context);
  define_output(app, o.output, context,
                "HDF5 output (default: <scenario name>.uncertainty.h5 in the current directory)");
  app.add_flag("-f,--force", o.force, "overwrite an existing output file");
  define_json(app, o.json, "print the result as one JSON object instead of the table");
  define_help(app, o.help);
}

std::unique_ptr<NinesApp> make_nines_app() {
  auto nines = std::make_unique<NinesApp>();
  nines->app = std::make_unique<CLI::App>(
      "Monte Carlo failure simulation of service component chains", "nines");
  CLI::App& app = *nines->app;
  app.set_help_flag("-h,--help", "this help");
  app.set_version_flag("-V,--version", std::string(kVersion), "print the version");
  app.require_subcommand(1);
  const auto add = [&](std::string_view name, auto define, auto& options) {
    const CommandDoc& doc = command_doc(name);
    CLI::App* sub = app.add_subcommand(std::string(name), std::string(doc.summary));
    nines->contexts.push_back(
        std::make_unique<ParseContext>(std::string(name), std::string(doc.operand)));
    sub->set_help_flag();
    sub->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    sub->option_defaults()->disable_flag_override();
    define(*sub, options, *nines->contexts.back());
  };
  add("run", define_run_options, nines->run);
  add("validate", define_validate_options, nines->validate);
  add("sweep", define_sweep_options, nines->sweep);
  add("allocate", define_allocate_options, nines->allocate);
  add("uncertainty", define_uncertainty_options, nines->uncertainty);
  return nines;
}

}  // namespace nines::cli
