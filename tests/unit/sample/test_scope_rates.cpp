// The scope's integrated rates (sample/scope_rates.hpp): the tabled slice boundaries must give
// at()'s numbers bit for bit, since the slice tree's draws depend on every bit of them.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "nines/sample/scope_rates.hpp"

using namespace nines;

namespace {

TrafficProfile weekly_profile() {
  TrafficProfile t;
  t.rate_per_second = 300;
  t.hourly_declared = true;
  t.daily_declared = true;
  for (std::size_t h = 0; h < 24; ++h) t.hourly[h] = 0.05 + 0.1 * static_cast<double>(h % 7);
  for (std::size_t d = 0; d < 7; ++d) t.daily[d] = 0.7 + 0.11 * static_cast<double>(d);
  return t;
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// Boundaries over a few weeks, then spread over a thousand years.
std::vector<std::uint64_t> boundaries(double slice) {
  std::vector<std::uint64_t> xs;
  const auto per_week = static_cast<std::uint64_t>(7 * 86400 / slice);
  for (std::uint64_t x = 0; x < 3 * per_week + 5; x += 1 + per_week / 5000) xs.push_back(x);
  std::uint64_t x = 1;
  for (int i = 0; i < 4000; ++i) {
    x = (x * 6364136223846793005ULL + 1442695040888963407ULL);
    xs.push_back((x >> 20) % (per_week * 52 * 1000));
  }
  return xs;
}

}  // namespace

TEST_CASE("the slice grid gives the traffic integral's arrivals bit for bit") {
  TrafficIntegral traffic;
  traffic.build(weekly_profile());
  for (const double slice : {10.0, 60.0, 300.0, 3600.0, 86400.0, 604800.0}) {
    INFO("slice " << slice);
    traffic.add_grid(slice);
    const TrafficIntegral::SliceGrid* grid = traffic.grid(slice);
    REQUIRE(grid != nullptr);
    for (const std::uint64_t x : boundaries(slice))
      REQUIRE(same_bits(traffic.at_boundary(*grid, x), traffic.at(static_cast<double>(x) * slice)));
  }
}

TEST_CASE("slice lengths the grid cannot table fall back to the integral") {
  // 11 s does not divide the week, 0.5 s is not whole, 1 s would need 604,800 boundaries.
  for (const double slice : {11.0, 0.5, 1.0, 0.0, -60.0}) {
    INFO("slice " << slice);
    REQUIRE_FALSE(TrafficIntegral::grid_fits(slice));
    TrafficIntegral traffic;
    traffic.build(weekly_profile());
    traffic.add_grid(slice);
    REQUIRE(traffic.grid(slice) == nullptr);
  }
}

TEST_CASE("a scope's rates at slice boundaries equal its rates at those moments") {
  TrafficIntegral traffic;
  traffic.build(weekly_profile());
  const double horizon = 30 * 86400.0 + 1234.5;  // not a boundary: the last slice is short
  for (const double slice : {60.0, 11.0}) {
    INFO("slice " << slice);
    traffic.add_grid(slice);
    ScopeRates rates;
    rates.start(traffic, 0.4, horizon, slice);
    // Segments that start and end between boundaries, on boundaries, down and quiet.
    double a = 0;
    std::uint32_t k = 0;
    while (a < horizon) {
      const double b = std::min(horizon, a + (k % 3 == 0 ? 3600.0 : 517.25 * (k % 5 + 1)));
      rates.append({a, b, k % 4 == 0 ? 1.0 : 1e-4 * (k % 3), k % 4 == 0 ? 1u : 0u});
      a = b;
      ++k;
    }
    const auto last = static_cast<std::uint64_t>(horizon / slice) + 3;  // past the horizon too
    for (std::uint64_t x = 0; x <= last; ++x) {
      double f, g, f_at, g_at;
      rates.at_boundary(x, f, g);
      rates.at(static_cast<double>(x) * slice, f_at, g_at);
      REQUIRE(same_bits(f, f_at));
      REQUIRE(same_bits(g, g_at));
    }
  }
}
