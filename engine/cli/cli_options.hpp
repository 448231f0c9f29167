#pragma once
// Command-line parsing for the nines CLI, through CLI11 (cli_app.hpp holds the option
// definitions). Usage mistakes throw nines::InputError (exit 2).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nines/model/record_mode.hpp"
#include "nines/model/run_info.hpp"
#include "nines/model/sampler_kind.hpp"
#include "terminal_color.hpp"

namespace nines::cli {

struct RunOptions {
  std::string scenario_path;
  std::optional<std::uint64_t> requests;
  std::optional<std::uint64_t> seed;
  std::optional<int> threads;  // unset: every core
  std::optional<std::string> output;
  std::optional<std::uint64_t> histories;  // time runs (format 3) only
  // Unset: dense for request runs (formats 1 and 2), outages for time runs (format 3).
  std::optional<RecordMode> record;
  SamplerChoice sampler = SamplerChoice::automatic;
  std::optional<ImportanceMode> importance;  // structures only
  std::optional<double> target_precision;    // request runs only; a fraction in (0, 1)
  ColorMode color = ColorMode::automatic;
  bool json = false;
  bool quiet = false;
  bool force = false;
  bool help = false;
};

struct ValidateOptions {
  std::string scenario_path;
  bool json = false;
  bool help = false;
};

struct SweepOptions {
  std::string sweep_path;
  std::optional<int> threads;  // unset: every core
  std::optional<std::string> output;
  bool force = false;
  bool resume = false;
  bool restart = false;
  bool quiet = false;
  bool full = false;
  bool record_requests = false;
  SamplerChoice sampler = SamplerChoice::automatic;
  std::optional<double> target_precision;  // replaces the sweep file's run.target_precision
  bool json = false;
  bool help = false;
};

struct AllocateOptions {
  std::string scenario_path;
  std::optional<double> target;  // the service reliability, in (0, 1)
  std::optional<std::string> output;
  bool json = false;
  bool force = false;
  bool help = false;
};

struct UncertaintyOptions {
  std::string scenario_path;
  std::uint64_t draws = 10'000;
  bool plain = false;  // plain sampling instead of a Latin hypercube
  std::optional<std::uint64_t> seed;
  std::optional<double> target;  // the service value, in (0, 1)
  bool sobol = true;
  std::optional<int> threads;
  std::optional<std::string> output;
  bool json = false;
  bool force = false;
  bool help = false;
};

AllocateOptions parse_allocate_options(const std::vector<std::string>& args);
UncertaintyOptions parse_uncertainty_options(const std::vector<std::string>& args);
RunOptions parse_run_options(const std::vector<std::string>& args);
SweepOptions parse_sweep_options(const std::vector<std::string>& args);
ValidateOptions parse_validate_options(const std::vector<std::string>& args);

// The --help text of a command ("run", "validate", "sweep", "allocate", "uncertainty"), and of
// nines itself (the commands and the options of nines alone).
std::string command_help(std::string_view command);
std::string main_help();

}  // namespace nines::cli
