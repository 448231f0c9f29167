// The sweep file (layout 2): root attributes, a points table of equal-length columns, a
// component table with rows only for finished points, and the two-way table printed at the end.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>

#include "nines/input/sweep_parser.hpp"
#include "nines/io/hdf5.hpp"
#include "nines/stats/statistics.hpp"
#include "nines/sweep/sweep_report.hpp"
#include "nines/sweep/sweep_writer.hpp"

namespace {

nines::SweepPlan grid_plan() {
  return nines::parse_sweep(R"(format_version: 1
kind: sweep
name: writer
chain: {}
run: {requests: 1000}
grid:
  chain.count: [1, 2]
  chain.reliability: [0.5, "99%"]
)",
                            NINES_SOURCE_DIR "/tests/sweeps/w.sweep.yaml");
}

std::string temp_h5(const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("nines-sweep-writer-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

}  // namespace

TEST_CASE("a partial sweep file marks unfinished rows", "[sweep]") {
  const auto plan = grid_plan();
  nines::SweepResults results(plan);
  results.set(1, {10});
  const std::string path = temp_h5("partial.h5");
  nines::SweepFileInfo info;
  info.created = "2026-01-01T00:00:00Z";
  info.chunk_requests = 1 << 20;
  REQUIRE(nines::write_sweep_file(path, plan, results, info));
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));

  auto file = nines::hdf5::File::open_read_only(path);
  CHECK(file.read_string_attribute("format") == "nines-sweep");
  CHECK(file.read_attribute<std::int64_t>("format_version") == 2);
  CHECK(file.read_attribute<std::int64_t>("base_format") == 1);
  CHECK(file.read_attribute<std::uint64_t>("points") == 4);
  CHECK(file.read_attribute<std::uint64_t>("points_done") == 1);
  CHECK(file.read_attribute<std::int8_t>("complete") == 0);
  CHECK(file.read_string_attribute("parameters") == "chain.count,chain.reliability");
  auto table = file.open_group("points");
  CHECK(table.read_string_attribute("columns").starts_with("point,chain.count,chain.reliability,"));
  const auto done = table.open_dataset("done").read<std::uint8_t>();
  CHECK(done == std::vector<std::uint8_t>{0, 1, 0, 0});
  const auto empirical = table.open_dataset("reliability_empirical").read<double>();
  CHECK(std::isnan(empirical[0]));
  CHECK(empirical[1] == 0.99);
  const auto analytic = table.open_dataset("reliability_analytic").read<double>();
  CHECK(analytic[3] == 0.99 * 0.99);
  CHECK(table.open_dataset("chain.count").read<std::uint64_t>() ==
        std::vector<std::uint64_t>{1, 1, 2, 2});
  // One component row: point 1's single component; the offsets say which rows are whose.
  CHECK(file.open_group("offsets").open_dataset("point_components").read<std::uint64_t>() ==
        std::vector<std::uint64_t>{0, 0, 1, 1, 1});
  auto components = file.open_group("point_components");
  CHECK(components.open_dataset("point").read<std::uint64_t>() == std::vector<std::uint64_t>{1});
  CHECK(components.open_dataset("failures").read<std::uint64_t>() ==
        std::vector<std::uint64_t>{10});
  // q = 1 - r for a chain of one: 1 - 0.99, exactly as the chain analytics compute it.
  CHECK(components.open_dataset("first_failure_probability").read<double>() ==
        std::vector<double>{1 - 0.99});
  CHECK_FALSE(file.contains("point_kinds"));
  CHECK_FALSE(file.contains("point"));
}

TEST_CASE("a two-axis grid prints as a two-way table", "[sweep]") {
  const auto plan = grid_plan();
  nines::SweepResults results(plan);
  results.set(0, {500});
  results.set(1, {10});
  const std::string text = nines::format_sweep_table(plan, results, false);
  CHECK_THAT(text, Catch::Contains("chain.reliability across, chain.count down"));
  CHECK_THAT(text, Catch::Contains("|                 50% |                 99% |"));
  CHECK_THAT(text, Catch::Contains("          1 |  50.00000  50.00000 |  99.00000  99.00000 |"));
  CHECK_THAT(text, Catch::Contains("          2 |         -  25.00000 |         -  98.01000 |"));
  CHECK_THAT(text, Catch::Contains("2 of 4 points simulated"));
  CHECK_THAT(text,
             Catch::Contains("every point agrees with the analytic product (exact binomial p >= "
                             "5.7e-07, the tail of |z| = 5)"));
}

TEST_CASE("the sweep check's tail is that of |z| = 5", "[sweep]") {
  CHECK(nines::kSweepPointTail == Approx(nines::two_sided_normal_p_value(5)).epsilon(1e-12));
}
