#pragma once
#include <string>
#include <vector>

namespace nines::cli {

// Each returns the process exit code; errors travel up as exceptions to main().
int run_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);
int sweep_command(const std::vector<std::string>& args);

}  // namespace nines::cli
