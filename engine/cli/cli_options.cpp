#include "cli_options.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include "nines/base/error.hpp"
#include "nines/base/spelling.hpp"
#include "nines/input/count_parser.hpp"

namespace nines::cli {

const char* const kMainUsage = R"(nines - Monte Carlo failure simulation of service component chains

Usage:
  nines run FILE [options]     simulate a scenario, write HDF5, compare with the analytic model
  nines validate FILE          check a scenario file without running it
  nines sweep FILE [options]   run every point of a parameter sweep into one HDF5 file
  nines allocate FILE --target R
                               per-component reliability targets that meet a service target
  nines --version              print the version
  nines COMMAND --help         help on a command

Exit codes: 0 success, 1 runtime or I/O error, 2 invalid input or usage, 130 interrupted.
)";

const char* const kRunUsage = R"(Usage: nines run FILE [options]

Samples requests through the scenario (a chain, format 1, or a structure, format 2) on every
core and, under mpirun, on every rank; records which component failed each request, writes an
HDF5 file and prints a summary comparing the simulated reliability with the exact value.
A scenario with outages over time (format 3) is simulated as independent histories of its
horizon instead: outages, detection, repair and the requests they cost.

Options:
  -n, --requests N   requests to simulate: 10000000, 1e7, 10M, 2.5G (default: the scenario's
                     run.requests, else 1M)
  -s, --seed S       random seed, 0..2^64-1 (default: the scenario's run.seed, else 1)
  -t, --threads T    worker threads (default: all cores); results do not depend on it
  -o, --output FILE  HDF5 output (default: <scenario name>.h5 in the current directory)
      --record MODE  dense (one outcome per request, default), failures (only failed
                     requests), none (summaries only); format 3: outages (every outage and
                     window per history, default), requests (also each failed request during
                     an outage), none
      --histories N  format 3: independent histories to simulate (default: the scenario's
                     time.histories)
      --sampler S    auto (default), per-request or skip: how requests are drawn. Both are
                     exact; per-request gives every record mode the same outcomes, skip draws
                     only the gaps between failures (chains) or between requests that are not
                     all clear (structures); failures/none only. auto skips when those are
                     under 1/32 of requests and nothing is recorded per request
      --importance M structures: exact (default; importance measures from the exact engine)
                     or simulated (also estimated from the run, per request; slower)
  -f, --force        overwrite an existing output file
      --json         print the summary as one JSON object on stdout instead of the table
  -q, --quiet        print nothing but errors (no progress bar, no table)
  -h, --help         this help
)";

const char* const kValidateUsage = R"(Usage: nines validate FILE [--json]

Parses and checks a scenario or sweep file; prints a one-line description and exits 0 when
it is valid, or the problem with file, line and column and exits 2.

Options:
      --json         print the result as one JSON object on stdout (also when the file is
                     invalid: "valid": false and the errors; the exit code is the same)
  -h, --help         this help
)";

const char* const kSweepUsage = R"(Usage: nines sweep FILE [options]

Runs every point of a sweep file (a base chain and the parameters to vary; see README,
Sweeps) on every core, and under mpirun on every rank, into one HDF5 file, then prints
the simulated reliability of each point next to the analytic one. Each point's counts
equal `nines run` of that point at its seed. Finished points are journaled in
OUTPUT.journal as they complete: rerun the same command after an interruption (even
SIGKILL) and it continues where it stopped.

Options:
  -o, --output FILE  HDF5 output (default: <sweep name>.h5 in the current directory)
  -t, --threads T    worker threads (default: all cores); results do not depend on it
      --resume       continue an interrupted sweep; fail if there is nothing to continue
                     (without it, an interrupted sweep is continued anyway)
      --restart      discard the journal of an earlier or changed sweep and start over
  -f, --force        overwrite an existing output file other than this sweep's own partial
                     file (--resume and --restart never overwrite without it)
      --record-requests  also store each point's failed requests (index and component),
                     sampled again once every point is done
      --sampler MODE auto (default), per-request or skip: each point's method, chosen as
                     `nines run --record none --sampler MODE` chooses it, so each point's
                     counts equal that run's
      --full         print every row of the table, not a readable subset
      --json         print the sweep (every point's row of the points table) as one JSON
                     object on stdout instead of the table
  -q, --quiet        print nothing but errors (no progress, no table)
  -h, --help         this help
)";

const char* const kAllocateUsage = R"(Usage: nines allocate FILE --target R [options]

Finds per-component (per-team) reliability targets that make the service meet R, by three
methods: equal apportionment, in proportion to today's unreliability (ARINC), and the cheapest
set of improvements when components carry an improvement_cost (series structures). Every result
is checked by the exact engine, the same value `nines run` reports analytically. Reads every
format (a chain is a series; format 3 uses its per-request structure).

Options:
      --target R     the service reliability to reach: 99.95%, 0.9995 (required)
  -o, --output FILE  HDF5 output (default: <scenario name>.allocation.h5 in the current directory)
  -f, --force        overwrite an existing output file
      --json         print the result as one JSON object instead of the table
  -h, --help         this help

Exit codes: 0 every method meets the target, 1 runtime or I/O error, 2 invalid input or an
unreachable target (the message says why), 130 interrupted.
)";

namespace {

// Reads one command's arguments: splits "--key=value", fetches a flag's value from the next
// argument otherwise, and reports usage errors pointing at that command's --help.
class ArgReader {
 public:
  ArgReader(std::string_view command, const std::vector<std::string>& args)
      : command_(command), args_(args) {}
  bool done() const { return i_ >= args_.size(); }
  std::string next() {
    std::string a = args_[i_++];
    inline_value_.reset();
    if (a.rfind("--", 0) == 0) {
      if (const auto eq = a.find('='); eq != std::string::npos) {
        inline_value_ = a.substr(eq + 1);
        a.resize(eq);
      }
    }
    return a;
  }
  std::string value(const std::string& flag) {
    if (inline_value_) return *std::exchange(inline_value_, std::nullopt);
    if (i_ >= args_.size()) fail("option " + flag + " needs a value");
    return args_[i_++];
  }
  void no_value(const std::string& flag) {
    if (inline_value_) fail("option " + flag + " takes no value");
  }

  // The value of -t/--threads: 1 to 4096.
  int threads(const std::string& flag) {
    const std::string v = value(flag);
    int t = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), t);
    if (ec != std::errc() || end != v.data() + v.size() || t < 1 || t > 4096)
      fail("invalid thread count '" + v + "' for " + flag +
           ": expected a whole number from 1 to 4096");
    return t;
  }
  // The value of -o/--output: any non-empty file name.
  std::string output(const std::string& flag) {
    std::string v = value(flag);
    if (v.empty()) fail("option " + flag + " needs a non-empty file name");
    return v;
  }
  // The value of --sampler.
  SamplerChoice sampler(const std::string& flag) {
    const std::string v = value(flag);
    const auto choice = parse_sampler_choice(v);
    if (!choice) fail("invalid --sampler '" + v + "': expected auto, per-request or skip");
    return *choice;
  }

  [[noreturn]] void unknown_option(const std::string& flag,
                                   const std::vector<std::string>& known) const {
    const std::vector<std::string_view> candidates(known.begin(), known.end());
    const std::string suggestion(closest_spelling(flag, candidates));
    fail("unknown option '" + flag + "'" +
         (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?"));
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw InputError(message + " (see 'nines " + std::string(command_) + " --help')");
  }

 private:
  std::string_view command_;
  const std::vector<std::string>& args_;
  std::size_t i_ = 0;
  std::optional<std::string> inline_value_;
};

}  // namespace

RunOptions parse_run_options(const std::vector<std::string>& args) {
  static const std::vector<std::string> known = {
      "-n",       "--requests", "-s",        "--seed",       "-t",         "--threads", "-o",
      "--output", "--record",   "--sampler", "-f",           "--force",    "--json",    "-q",
      "--quiet",  "-h",         "--help",    "--importance", "--histories"};
  RunOptions o;
  ArgReader in("run", args);
  while (!in.done()) {
    const std::string a = in.next();
    if (a == "-h" || a == "--help") {
      o.help = true;
    } else if (a == "--histories") {
      const std::string v = in.value(a);
      std::string why;
      o.histories = parse_request_count(v, &why);
      if (!o.histories)
        in.fail(a + ": \"" + v + "\" " + why +
                "; write a positive whole number such as 10000 or 10k");
    } else if (a == "-n" || a == "--requests") {
      const std::string v = in.value(a);
      std::string why;
      o.requests = parse_request_count(v, &why);
      if (!o.requests)
        in.fail(a + ": \"" + v + "\" " + why +
                "; write a positive whole number such as 1e8 or 100M");
    } else if (a == "-s" || a == "--seed") {
      const std::string v = in.value(a);
      std::string why;
      o.seed = parse_seed(v, &why);
      if (!o.seed)
        in.fail(a + ": \"" + v + "\" " + why + "; write a whole number from 0 to 2^64-1");
    } else if (a == "-t" || a == "--threads") {
      o.threads = in.threads(a);
    } else if (a == "-o" || a == "--output") {
      o.output = in.output(a);
    } else if (a == "--record") {
      const std::string v = in.value(a);
      const auto mode = parse_record_mode(v);
      if (!mode)
        in.fail("invalid --record mode '" + v +
                "': expected dense, failures or none (format 3: outages, requests or none)");
      o.record = *mode;
    } else if (a == "--sampler") {
      o.sampler = in.sampler(a);
    } else if (a == "--importance") {
      const std::string v = in.value(a);
      o.importance = parse_importance_mode(v);
      if (!o.importance) in.fail("invalid --importance '" + v + "': expected exact or simulated");
    } else if (a == "-f" || a == "--force") {
      in.no_value(a);
      o.force = true;
    } else if (a == "--json") {
      in.no_value(a);
      o.json = true;
    } else if (a == "-q" || a == "--quiet") {
      in.no_value(a);
      o.quiet = true;
    } else if (a.size() > 1 && a[0] == '-') {
      in.unknown_option(a, known);
    } else if (o.scenario_path.empty()) {
      o.scenario_path = a;
    } else {
      in.fail("unexpected argument '" + a + "': nines run takes one scenario file");
    }
  }
  if (!o.help && o.scenario_path.empty()) in.fail("nines run needs a scenario file");
  return o;
}

AllocateOptions parse_allocate_options(const std::vector<std::string>& args) {
  static const std::vector<std::string> known = {"--target", "-o",     "--output", "-f",
                                                 "--force",  "--json", "-h",       "--help"};
  AllocateOptions o;
  ArgReader in("allocate", args);
  while (!in.done()) {
    const std::string a = in.next();
    if (a == "-h" || a == "--help") {
      o.help = true;
    } else if (a == "--target") {
      const std::string v = in.value(a);
      std::string problem;
      const auto target = parse_reliability_value(v, &problem);
      if (!target) in.fail("invalid --target: " + problem + "; write a reliability such as 99.95%");
      if (!(*target > 0 && *target < 1))
        in.fail("invalid --target '" + v + "': the service target must be above 0 and below 100%");
      o.target = *target;
    } else if (a == "-o" || a == "--output") {
      o.output = in.output(a);
    } else if (a == "-f" || a == "--force" || a == "--json") {
      in.no_value(a);
      if (a == "--json") o.json = true;
      if (a == "-f" || a == "--force") o.force = true;
    } else if (a.size() > 1 && a[0] == '-') {
      in.unknown_option(a, known);
    } else if (o.scenario_path.empty()) {
      o.scenario_path = a;
    } else {
      in.fail("unexpected argument '" + a + "': nines allocate takes one scenario file");
    }
  }
  if (!o.help && o.scenario_path.empty()) in.fail("nines allocate needs a scenario file");
  if (!o.help && !o.target) in.fail("nines allocate needs --target, such as --target 99.95%");
  return o;
}

SweepOptions parse_sweep_options(const std::vector<std::string>& args) {
  static const std::vector<std::string> known = {"-o",        "--output", "-t",
                                                 "--threads", "--resume", "--restart",
                                                 "-f",        "--force",  "--record-requests",
                                                 "--sampler", "--full",   "-q",
                                                 "--quiet",   "-h",       "--help",
                                                 "--json"};
  SweepOptions o;
  ArgReader in("sweep", args);
  while (!in.done()) {
    const std::string a = in.next();
    if (a == "-h" || a == "--help") {
      o.help = true;
    } else if (a == "-t" || a == "--threads") {
      o.threads = in.threads(a);
    } else if (a == "-o" || a == "--output") {
      o.output = in.output(a);
    } else if (a == "--sampler") {
      o.sampler = in.sampler(a);
    } else if (a == "-f" || a == "--force" || a == "--resume" || a == "--restart" ||
               a == "--record-requests" || a == "--full" || a == "-q" || a == "--quiet" ||
               a == "--json") {
      in.no_value(a);
      if (a == "--json") o.json = true;
      if (a == "-f" || a == "--force") o.force = true;
      if (a == "--resume") o.resume = true;
      if (a == "--restart") o.restart = true;
      if (a == "--record-requests") o.record_requests = true;
      if (a == "--full") o.full = true;
      if (a == "-q" || a == "--quiet") o.quiet = true;
    } else if (a.size() > 1 && a[0] == '-') {
      in.unknown_option(a, known);
    } else if (o.sweep_path.empty()) {
      o.sweep_path = a;
    } else {
      in.fail("unexpected argument '" + a + "': nines sweep takes one sweep file");
    }
  }
  if (o.resume && o.restart) in.fail("--resume and --restart contradict each other; give one");
  if (!o.help && o.sweep_path.empty()) in.fail("nines sweep needs a sweep file");
  return o;
}

ValidateOptions parse_validate_options(const std::vector<std::string>& args) {
  ValidateOptions o;
  for (const auto& a : args) {
    if (a == "-h" || a == "--help") {
      o.help = true;
    } else if (a == "--json") {
      o.json = true;
    } else if (a.size() > 1 && a[0] == '-') {
      throw InputError("unknown option '" + a + "' (see 'nines validate --help')");
    } else if (o.scenario_path.empty()) {
      o.scenario_path = a;
    } else {
      throw InputError("unexpected argument '" + a + "': nines validate takes one scenario file");
    }
  }
  if (!o.help && o.scenario_path.empty())
    throw InputError("nines validate needs a scenario file (see 'nines validate --help')");
  return o;
}

}  // namespace nines::cli
