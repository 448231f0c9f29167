// The distinct common-cause down sets against every event configuration, cut where they break.
#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/exact/down_sets.hpp"

namespace {

using Bits = std::vector<std::uint64_t>;

// "At least `need` of the path's n positions up" as the structure: with the set's members down
// in path order and everything else up, it breaks at the member that leaves need - 1 up.
std::size_t break_of(const Bits& bits, std::size_t n, std::size_t need) {
  std::size_t down = 0;
  for (std::size_t j = 0; j < n; ++j) {
    if (!((bits[j / 64] >> (j % 64)) & 1U)) continue;
    if (n - ++down < need) return j;
  }
  return nines::kNoBreak;
}

}  // namespace

TEST_CASE("down sets: the distribution of what the events take down, cut at the break",
          "[structure]") {
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 100; ++trial) {
    const std::size_t n = 2 + rng() % 70;  // crosses a 64-bit word
    const std::size_t need = 1 + rng() % n;
    const std::size_t events = rng() % 6;
    std::vector<nines::EventOnPath> on_path;
    for (std::size_t e = 0; e < events; ++e) {
      nines::EventOnPath ev;
      for (std::uint32_t j = 0; j < n; ++j)
        if (rng() % 4 == 0) ev.positions.push_back(j);
      if (ev.positions.empty()) ev.positions.push_back(static_cast<std::uint32_t>(rng() % n));
      ev.fires = 0.01 + 0.3 * static_cast<double>(rng() % 100) / 100;
      ev.quiet = 1 - ev.fires;
      on_path.push_back(ev);
    }
    const auto breaks = [&](const Bits& bits) { return break_of(bits, n, need); };
    // Reference: every configuration, its union, cut after its break.
    std::map<Bits, double> expected;
    for (std::uint32_t mask = 0; mask < (1U << events); ++mask) {
      double p = 1;
      Bits bits((n + 63) / 64, 0);
      for (std::size_t e = 0; e < events; ++e) {
        p *= (mask >> e) & 1U ? on_path[e].fires : on_path[e].quiet;
        if ((mask >> e) & 1U)
          for (const auto j : on_path[e].positions) bits[j / 64] |= std::uint64_t{1} << (j % 64);
      }
      const std::size_t at = breaks(bits);
      if (at != nines::kNoBreak)
        for (std::size_t j = at + 1; j < n; ++j) bits[j / 64] &= ~(std::uint64_t{1} << (j % 64));
      expected[bits] += p;
    }
    const auto sets = nines::enumerate_down_sets(n, on_path, breaks, 1 << 10, nullptr);
    INFO("trial " << trial << ": " << n << " positions, " << events << " events");
    double total = 0;
    std::map<Bits, double> got;
    for (const auto& s : sets) {
      CHECK(got.count(s.bits) == 0);  // distinct
      got[s.bits] = static_cast<double>(s.probability);
      total += static_cast<double>(s.probability);
      CHECK(s.breaks_at == breaks(s.bits));
    }
    CHECK(total == Approx(1).epsilon(1e-14));
    for (const auto& [bits, p] : expected) {
      if (p == 0) continue;
      REQUIRE(got.count(bits) == 1);
      CHECK(got[bits] == Approx(p).epsilon(1e-12));
    }
  }
}

TEST_CASE("down sets: more distinct sets than allowed throws DownSetLimit", "[structure]") {
  // Ten events on ten positions of a path that survives anything: 1,024 sets.
  std::vector<nines::EventOnPath> on_path;
  for (std::uint32_t j = 0; j < 10; ++j) on_path.push_back({{j}, 0.1, 0.9});
  const auto never = [](const Bits&) { return nines::kNoBreak; };
  CHECK(nines::enumerate_down_sets(10, on_path, never, 1024, nullptr).size() == 1024);
  CHECK_THROWS_AS(nines::enumerate_down_sets(10, on_path, never, 1023, nullptr),
                  nines::DownSetLimit);
  // A series (breaks at its first member): ten sets, one per first position, plus none.
  const auto series = [](const Bits& bits) {
    return bits[0] == 0 ? nines::kNoBreak : static_cast<std::size_t>(__builtin_ctzll(bits[0]));
  };
  CHECK(nines::enumerate_down_sets(10, on_path, series, 11, nullptr).size() == 11);
}
