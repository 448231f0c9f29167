#include "interrupt.hpp"

#include <csignal>

namespace nines::cli {

namespace {
std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "a signal handler may only touch lock-free atomics");

extern "C" void on_signal(int signal) {
  int none = 0;
  g_signal.compare_exchange_strong(none, signal);  // the first signal is the one reported
  g_stop.store(true);
}
}  // namespace

const std::atomic<bool>& install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // SA_RESTART: the flag is the only way a signal reaches the program, so an interrupted
  // read or write resumes instead of failing with EINTR in code that does not retry (stdio).
  action.sa_flags = SA_RESTART;
  sigaddset(&action.sa_mask, SIGINT);
  sigaddset(&action.sa_mask, SIGTERM);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGXFSZ, &ignore, nullptr);
  return g_stop;
}

int interrupt_signal() noexcept {
  return g_signal.load();
}

}  // namespace nines::cli
