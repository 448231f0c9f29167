// The nines CLI: dispatches to a command and is the only place that prints errors.
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "cli_options.hpp"
#include "commands.hpp"
#include "nines/base/error.hpp"
#include "nines/base/version.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty()) {
      std::fputs(nines::cli::kMainUsage, stderr);
      return 2;
    }
    const std::string& command = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (command == "--version" || command == "-V") {
      std::printf("nines %s\n", nines::kVersion);
      return 0;
    }
    if (command == "--help" || command == "-h" || command == "help") {
      std::fputs(nines::cli::kMainUsage, stdout);
      return 0;
    }
    if (command == "run") return nines::cli::run_command(rest);
    if (command == "validate") return nines::cli::validate_command(rest);
    if (command == "sweep") return nines::cli::sweep_command(rest);
    throw nines::InputError("unknown command '" + command +
                            "'; expected run, validate or sweep (see 'nines --help')");
  } catch (const nines::InputError& e) {
    std::fprintf(stderr, "nines: error: %s\n", e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "nines: error: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nines: error: %s\n", e.what());
    return 1;
  }
}
