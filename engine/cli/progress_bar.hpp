#pragma once
// A progress line on stderr (bar, percent, rate, ETA), redrawn a few times a second by its own
// thread. It shows only on a terminal and only once a run has lasted longer than a moment, so
// short runs and logs stay clean.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

namespace nines::cli {

class ProgressBar {
 public:
  ProgressBar(const std::atomic<std::uint64_t>& done, std::uint64_t total, bool enabled);
  ~ProgressBar();  // stops the thread and clears the line
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

 private:
  void loop();
  void draw(double elapsed_seconds);

  const std::atomic<std::uint64_t>& done_;
  std::uint64_t total_;
  std::atomic<bool> finished_{false};
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::thread thread_;
};

}  // namespace nines::cli
