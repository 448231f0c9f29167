#pragma once
// What `nines run` does around the simulation, the same for chains and structures: Ctrl-C
// becomes a stop request, a progress bar shows on a terminal, an interrupted run says so and
// exits 130, and a finished one prints its summary as a table or as JSON.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "format_units.hpp"
#include "interrupt.hpp"
#include "progress_bar.hpp"
#include "terminal_color.hpp"

namespace nines::cli {

// Calls simulate(stop, progress) under the progress bar.
template <class Simulate>
auto simulate_with_progress(std::uint64_t total, bool quiet, Simulate&& simulate) {
  const std::atomic<bool>& stop = install_interrupt_handlers();
  std::atomic<std::uint64_t> progress{0};
  ProgressBar bar(progress, total, !quiet && isatty(STDERR_FILENO) != 0);
  return simulate(stop, progress);
}

// The run's reported time: from just before the simulation to the output file in place, so
// that requests per second is what a user waits for, writing included.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The notice for a run stopped by a signal (its partial output already deleted); returns 130.
// `unit`: what was counted ("requests", or "histories" for a time run).
inline int report_interrupted(std::uint64_t done, std::uint64_t total,
                              const char* unit = "requests") {
  std::fprintf(stderr, "nines: interrupted after %s of %s %s; no output written\n",
               format_count(done).c_str(), format_count(total).c_str(), unit);
  return 130;
}

// Prints json() with --json, else text(color) unless --quiet; whether in colour is
// terminal_color.hpp's decision for `color` (--color) and a world of `ranks` MPI ranks.
template <class Json, class Text>
void print_run_summary(bool as_json, bool quiet, ColorMode color, int ranks, Json&& json,
                       Text&& text) {
  if (as_json) {
    std::fputs(json().c_str(), stdout);
    std::fputc('\n', stdout);
  } else if (!quiet) {
    std::fputs(text(decide_color(color, terminal_facts(STDOUT_FILENO, ranks))).c_str(), stdout);
  }
}

}  // namespace nines::cli
