#pragma once
// Cooperative stopping. SIGINT and SIGTERM set a flag (the CLI installs the handlers first thing
// in main); every phase that can run long (parsing, building exact diagrams, sampling, writing)
// polls it and gives up promptly, so Ctrl-C ends any run within a second and no partial output
// survives. A phase that cannot return a partial result throws Interrupted; the CLI turns that
// into exit code 130.
#include <atomic>

#include "nines/base/error.hpp"

namespace nines {

// The stop request one run polls; null means "never stopped" (library use, tests).
using StopFlag = const std::atomic<bool>*;

inline bool stop_requested(StopFlag stop) noexcept {
  return stop != nullptr && stop->load(std::memory_order_relaxed);
}

// Thrown when a stop request ends a phase that has no partial result to return.
class Interrupted : public Error {
 public:
  Interrupted() : Error("interrupted") {}
};

inline void throw_if_stopped(StopFlag stop) {
  if (stop_requested(stop)) throw Interrupted();
}

}  // namespace nines
