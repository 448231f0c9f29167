#pragma once
// `nines run` and `nines validate` for structure scenarios (format version 2). run_command
// and validate_command route here when peek_format_version() says 2.
#include <string>

#include "cli_options.hpp"

namespace nines::cli {

// Each returns the process exit code; errors travel up as exceptions to main().
int run_structure_command(const RunOptions& options);
int validate_structure_command(const std::string& scenario_path);

}  // namespace nines::cli
