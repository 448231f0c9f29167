// The nines CLI: dispatches to a command and is the only place that prints errors.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "cli_app.hpp"
#include "cli_help.hpp"
#include "cli_options.hpp"
#include "commands.hpp"
#include "completion.hpp"
#include "interrupt.hpp"
#include "nines/base/error.hpp"
#include "nines/base/stop.hpp"
#include "nines/base/version.hpp"

namespace {

int dispatch(const std::vector<std::string>& args) {
  try {
    if (args.empty()) {
      std::fputs(nines::cli::main_help().c_str(), stderr);
      return 2;
    }
    const std::string& command = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (command == "--version" || command == "-V") {
      std::printf("nines %s\n", nines::kVersion);
      return 0;
    }
    if (command == "--help" || command == "-h" || command == "help") {
      std::fputs(nines::cli::main_help().c_str(), stdout);
      return 0;
    }
    // Not in --help: for the build, which makes the man page (help2man) and the completion.
    if (command == "--help-all") {
      std::fputs(nines::cli::help_all().c_str(), stdout);
      return 0;
    }
    if (command == "--completion") {
      if (rest.size() != 1 || rest[0] != "bash")
        throw nines::InputError("--completion needs the shell: nines --completion bash");
      std::fputs(nines::cli::bash_completion(*nines::cli::make_nines_app()->app).c_str(), stdout);
      return 0;
    }
    if (command == "run") return nines::cli::run_command(rest);
    if (command == "validate") return nines::cli::validate_command(rest);
    if (command == "sweep") return nines::cli::sweep_command(rest);
    if (command == "allocate") return nines::cli::allocate_command(rest);
    if (command == "uncertainty") return nines::cli::uncertainty_command(rest);
    throw nines::InputError(
        "unknown command '" + command +
        "'; expected run, validate, sweep, allocate or uncertainty (see 'nines --help')");
  } catch (const nines::InputError& e) {
    std::fprintf(stderr, "nines: error: %s\n", e.what());
    return 2;
  } catch (const nines::Interrupted&) {
    // Thrown by a phase that had nothing to hand back; unwinding has deleted every temporary
    // file, so nothing is left under an output name.
    const int signal = nines::cli::interrupt_signal();
    std::fprintf(stderr, "nines: interrupted%s; no output file written\n",
                 signal == SIGTERM  ? " by SIGTERM"
                 : signal == SIGINT ? " by SIGINT"
                                    : "");
    return 130;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "nines: error: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nines: error: %s\n", e.what());
    return 1;
  }
}

// Output that could not be written is an error like any other (`nines run --json >
// /dev/full` must not exit 0): stdio reports a failed write only through the stream's state.
int check_stdout(int code) {
  errno = 0;
  const bool failed = std::fflush(stdout) != 0 || std::ferror(stdout) != 0;
  if (!failed) return code;
  const int error = errno;
  std::fprintf(stderr, "nines: error: cannot write to standard output%s%s\n", error ? ": " : "",
               error ? std::strerror(error) : "");
  return code == 0 ? 1 : code;
}

}  // namespace

int main(int argc, char** argv) {
  // Before anything else, so that no signal arriving during start-up takes its default action
  // (nines/cli/interrupt.hpp).
  nines::cli::install_interrupt_handlers();
  const std::vector<std::string> args(argv + 1, argv + argc);
  return check_stdout(dispatch(args));
}
