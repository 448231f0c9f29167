#pragma once
// The random numbers of time runs (scenario format 3). Every draw is
//   philox4x32_10({history, cycle, purpose << 24 | process, block}, seed)
// (the cycle blocks swap the first two words: cycle_block below), so a draw is a function of (seed,
// history, process, cycle, purpose) only: never of the thread, the chunk of histories or the
// machine, and never of another process's draws. A component's cycle n (its n-th failure, detection
// and repair) uses the same numbers in every scenario that gives it the same distributions, which
// is why the twin scenarios (monitoring that can fail and monitoring that cannot) differ only where
// monitoring matters.
//
// process: a component index, or K + event index for a common-cause event's process (K
// components), or a request kind for traffic; cycle: the process's cycle, or the day for
// traffic. Each (history, cycle, purpose, process) is one engine whose blocks count in the
// counter's last word, so distributions that consume a variable number of uniforms (Boost's
// gamma and Poisson) stay within their own stream.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "nines/sample/philox.hpp"
#include "nines/sample/philox_bulk.hpp"
#include "nines/sample/unit_log.hpp"

namespace nines {

enum class OutagePurpose : std::uint32_t {
  failure = 1,    // time to failure (an event: time to its next occurrence)
  repair = 2,     // time to repair (an event: how long it lasts)
  detection = 3,  // detection delay
  start = 4,      // the steady start: phase and residual time
  traffic = 8,    // a kind's arrivals on one day (process = kind, cycle = day)
  arrival = 9,    // arrival times of recorded failed requests (process = kind, cycle = day)
  // One block per (process, cycle) whose words 0-1 give the time to failure and 2-3 the time
  // to repair when each needs one uniform (exponential, Weibull): cycle_block() below. Other
  // shapes use the failure and repair purposes' engines.
  cycle = 10,
  // An alert policy scope's slice counts (alert_evaluator.hpp): process = the scope (a kind,
  // or the number of kinds for the mix), cycle = top block << 13 | node (0: the block's
  // Poisson totals, h >= 1: the split of heap node h).
  alert = 11,
};

inline constexpr std::uint32_t kMaxOutageProcesses = std::uint32_t{1} << 24;

// 53 random bits of two words as a uniform in (0, 1), never 0 or 1.
constexpr double uniform_from_words(std::uint32_t hi, std::uint32_t lo) noexcept {
  const std::uint64_t bits = (std::uint64_t{hi} << 32 | lo) >> 11;
  return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
}

// The top 52 bits m of a 64-bit word (two block words, the lower one first) as the uniform
// (2m + 1) 2^-53 in (0, 1), never 0 or 1. Built from the bits of 1 + m 2^-52 and one exact
// subtraction (Sterbenz), because SIMD units without AVX-512 cannot convert 64-bit integers.
constexpr double uniform_from_bits(std::uint64_t bits) noexcept {
  return std::bit_cast<double>((std::uint64_t{0x3ff} << 52) | (bits >> 12)) - (1.0 - 0x1.0p-53);
}

// The cycle block of (process, cycle): philox4x32_10({cycle, history, cycle purpose << 24 |
// process, 0}, seed). The cycle is the counter's lowest word so that a process's successive
// cycles are consecutive counters, which philox_bulk computes many at a time (CycleBlocks).
// Its failure uniform is uniform_from_bits(word 1 << 32 | word 0), its repair uniform
// uniform_from_bits(word 3 << 32 | word 2).
constexpr PhiloxCounter cycle_block(std::uint64_t seed, std::uint32_t history, std::uint32_t cycle,
                                    std::uint32_t process) noexcept {
  return philox4x32_10(
      {cycle, history, static_cast<std::uint32_t>(OutagePurpose::cycle) << 24 | process, 0},
      {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)});
}

enum class CycleHalf : unsigned { failure = 0, repair = 1 };

// The cycle blocks of one history as standard exponential variates (-log of each half's
// uniform, unit_log.hpp), kPhiloxBulkBlocks successive cycles of a process at a time: one SIMD
// Philox call and one SIMD pass of logarithms where one cycle at a time would take a call
// each. Values are exactly those of cycle_block's uniforms, whatever order cycles are asked in.
class CycleBlocks {
 public:
  void start_history(std::uint64_t seed, std::uint32_t history, std::uint32_t processes) {
    key_ = {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
    history_ = history;
    bulk_ = philox_bulk_function();
    first_.assign(processes, kEmpty);
    values_.resize(std::size_t{processes} * 2 * kPhiloxBulkBlocks);
  }

  // -log(u) for the given half of (process, cycle)'s block.
  [[gnu::always_inline]] double exponential(std::uint32_t process, std::uint32_t cycle,
                                            CycleHalf half) noexcept {
    if (cycle < first_[process] || cycle >= first_[process] + kPhiloxBulkBlocks) [[unlikely]]
      refill(process, cycle);
    return values_[std::size_t{process} * 2 * kPhiloxBulkBlocks + 2 * (cycle - first_[process]) +
                   static_cast<unsigned>(half)];
  }

 private:
  [[gnu::noinline]] void refill(std::uint32_t process, std::uint32_t cycle) noexcept {
    std::uint64_t words[2 * kPhiloxBulkBlocks];
    bulk_(key_, static_cast<std::uint32_t>(OutagePurpose::cycle) << 24 | process,
          std::uint64_t{history_} << 32 | cycle, words);
    exponential_variates(words, &values_[std::size_t{process} * 2 * kPhiloxBulkBlocks],
                         2 * kPhiloxBulkBlocks);
    first_[process] = cycle;
  }

  static constexpr std::uint64_t kEmpty = std::numeric_limits<std::uint64_t>::max();
  PhiloxKey key_{};
  std::uint32_t history_ = 0;
  PhiloxBulkFunction bulk_ = nullptr;
  std::vector<std::uint64_t> first_;  // the first cycle held per process, kEmpty for none
  std::vector<double> values_;        // per process: 2 per held cycle
};

class OutageStream {
 public:
  using result_type = std::uint32_t;
  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  OutageStream(std::uint64_t seed, std::uint32_t history, std::uint32_t cycle,
               OutagePurpose purpose, std::uint32_t process) noexcept
      : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
        counter_{history, cycle, static_cast<std::uint32_t>(purpose) << 24 | process, 0} {}

  result_type operator()() noexcept {
    if (index_ == 4) {
      block_ = philox4x32_10(counter_, key_);
      ++counter_[3];
      index_ = 0;
    }
    return block_[index_++];
  }

  // A uniform in (0, 1): 53 random bits, never 0 or 1, so log(u) and quantiles stay finite.
  double open_uniform() noexcept {
    const std::uint32_t hi = (*this)();
    const std::uint32_t lo = (*this)();
    return uniform_from_words(hi, lo);
  }

 private:
  PhiloxKey key_;
  PhiloxCounter counter_;
  PhiloxCounter block_{};
  unsigned index_ = 4;
};

}  // namespace nines
