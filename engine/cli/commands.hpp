#pragma once
#include <exception>
#include <string>
#include <vector>

#include "nines/base/error.hpp"
#include "nines/base/stop.hpp"

namespace nines::cli {

// Each returns the process exit code; errors travel up as exceptions to main().
int run_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);
int sweep_command(const std::vector<std::string>& args);
int allocate_command(const std::vector<std::string>& args);
int uncertainty_command(const std::vector<std::string>& args);

// The exit code main() gives an error: 2 for a user's mistake (InputError), 130 for a stop
// request (Interrupted), else 1. For MPI ranks other than 0, which end with the code but leave
// the message to rank 0.
inline int exit_code_of(const std::exception& e) noexcept {
  if (dynamic_cast<const InputError*>(&e) != nullptr) return 2;
  if (dynamic_cast<const Interrupted*>(&e) != nullptr) return 130;
  return 1;
}

}  // namespace nines::cli
