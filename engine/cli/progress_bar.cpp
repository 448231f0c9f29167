#include "progress_bar.hpp"

#include <cstdio>
#include <string>

#include "format_units.hpp"

namespace nines::cli {

namespace {
constexpr auto kTick = std::chrono::milliseconds(100);
constexpr double kQuietSeconds = 0.5;  // runs shorter than this never show a bar
constexpr double kRedrawSeconds = 0.25;
}  // namespace

ProgressBar::ProgressBar(const std::atomic<std::uint64_t>& done, std::uint64_t total, bool enabled)
    : done_(done), total_(total), start_(std::chrono::steady_clock::now()) {
  if (enabled) thread_ = std::thread([this] { loop(); });
}

ProgressBar::~ProgressBar() {
  finished_ = true;
  if (thread_.joinable()) thread_.join();
  if (drawn_) std::fprintf(stderr, "\r\033[K");
}

void ProgressBar::loop() {
  double last_draw = -1;
  while (!finished_) {
    std::this_thread::sleep_for(kTick);
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (elapsed >= kQuietSeconds && elapsed - last_draw >= kRedrawSeconds && !finished_) {
      draw(elapsed);
      last_draw = elapsed;
    }
  }
}

void ProgressBar::draw(double elapsed) {
  constexpr int kWidth = 30;
  const std::uint64_t done = done_.load(std::memory_order_relaxed);
  const double fraction = total_ == 0 ? 1 : static_cast<double>(done) / static_cast<double>(total_);
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '.');
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  const std::string eta =
      rate > 0 ? format_duration(static_cast<double>(total_ - done) / rate) : std::string("?");
  std::fprintf(stderr, "\r\033[K[%s] %5.1f%%  %s/%s requests  %s req/s  ETA %s", bar.c_str(),
               100 * fraction, format_count(done).c_str(), format_count(total_).c_str(),
               format_count(static_cast<std::uint64_t>(rate)).c_str(), eta.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace nines::cli
