#pragma once
// The process's signal policy, installed by main() before it does anything else:
//  - SIGINT and SIGTERM set a flag that every long phase polls (nines/base/stop.hpp), so an
//    interrupted run stops promptly, removes its partial output and exits 130 instead of
//    dying mid-write; installed first so that even a signal during start-up or parsing ends
//    that way, never by the signal's default action;
//  - SIGXFSZ is ignored, so a write beyond the file size limit (ulimit -f) fails with EFBIG
//    and is reported and cleaned up like a full disk, instead of killing the process.
#include <atomic>

namespace nines::cli {

// Installs the policy (idempotent) and returns the flag SIGINT/SIGTERM set.
const std::atomic<bool>& install_interrupt_handlers();

// The signal that set the flag (SIGINT or SIGTERM), or 0 while none has arrived.
int interrupt_signal() noexcept;

}  // namespace nines::cli
