#pragma once
// SIGINT/SIGTERM turn into a flag the simulation polls between chunks, so an interrupted run
// stops within a chunk, removes its partial output and exits 130 instead of dying mid-write.
#include <atomic>

namespace nines::cli {

// Installs the handlers (once) and returns the flag they set.
const std::atomic<bool>& install_interrupt_handlers();

}  // namespace nines::cli
