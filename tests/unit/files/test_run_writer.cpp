#include "nines/base/timestamp.hpp"
#include "nines/files/run_writer.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/base/error.hpp"
#include "nines/base/sha256.hpp"
#include "nines/base/version.hpp"
#include "nines/exact/chain_analytics.hpp"
#include "nines/io/hdf5.hpp"
#include "nines/summary/summary.hpp"

namespace fs = std::filesystem;
using namespace nines;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() / ("nines-test-run-writer-" + std::to_string(::getpid()) +
                                        "-" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ignored);
    fs::remove_all(path, ignored);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
  // Everything in the directory, to see that no temporary file is left behind.
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator(path))
      out.push_back(entry.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

Scenario make_scenario(std::size_t components) {
  Scenario scenario;
  scenario.name = "web-shop";
  for (std::size_t i = 0; i < components; ++i)
    scenario.components.push_back({"c" + std::to_string(i), 0.9 + 0.01 * double(i % 10), ""});
  scenario.source_path = "<test>";
  scenario.source_text = "format_version: 1\nname: web-shop\n# ünïcode comment\n";
  return scenario;
}

RunInfo make_info(RecordMode record, std::uint64_t requests, std::uint64_t chunk_requests) {
  RunInfo info;
  info.seed = 0xfeedfacecafebeefULL;
  info.requests = requests;
  info.record = record;
  info.chunk_requests = chunk_requests;
  info.created = "2026-11-28T08:00:00Z";
  info.deflate_level = 1;
  return info;
}

// A summary filled by hand: only its consistency with the run matters to the writer.
Summary make_summary(const ChainAnalytics& model, std::uint64_t requests,
                     std::vector<std::uint64_t> component_failures) {
  Summary s;
  s.requests = requests;
  for (auto f : component_failures) s.failures += f;
  for (double q : model.first_failure_probability())
    s.expected_failures.push_back(double(requests) * q);
  s.component_failures = std::move(component_failures);
  s.reliability_empirical = 1 - double(s.failures) / double(requests);
  s.reliability_analytic = model.reliability();
  s.unreliability_empirical = double(s.failures) / double(requests);
  s.unreliability_analytic = model.unreliability();
  s.reliability_ci = {0.25, 0.75};
  s.z_score = std::numeric_limits<double>::infinity();
  s.z_p_value = 0.125;
  s.attribution = {3.5, 2, std::numeric_limits<double>::quiet_NaN(), 3};
  s.agrees = false;
  s.verdict = "DISAGREES: made up for a test";
  return s;
}

// Outcomes of a fake dense run: request i failed at component (i % 7 == 0 ? i % k : -1).
std::vector<std::int8_t> fake_outcomes(std::uint64_t requests, std::size_t k) {
  std::vector<std::int8_t> out(requests);
  for (std::uint64_t i = 0; i < requests; ++i)
    out[i] = static_cast<std::int8_t>(i % 7 == 0 ? static_cast<int>(i % k) : -1);
  return out;
}

}  // namespace

TEST_CASE("run_writer timestamps are ISO 8601 UTC to the second", "[run_writer]") {
  CHECK(std::regex_match(utc_timestamp_now(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
}

TEST_CASE("run_writer dense round trip with a partial last chunk", "[run_writer]") {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  const Scenario scenario = make_scenario(3);
  const ChainAnalytics model(scenario.reliabilities());
  constexpr std::uint64_t kRequests = 10'000, kChunk = 4096;  // chunks of 4096, 4096, 1808
  const auto outcomes = fake_outcomes(kRequests, 3);
  std::vector<std::uint64_t> counts(3, 0);
  for (auto o : outcomes)
    if (o >= 0) ++counts[static_cast<std::size_t>(o)];

  {
    RunFileWriter writer(path, false, scenario, make_info(RecordMode::dense, kRequests, kChunk));
    CHECK(writer.outcome_type() == OutcomeType::int8);
    CHECK(writer.dense_chunk_length() == kChunk);
    CHECK(writer.final_path() == path);
    CHECK(writer.temporary_path().rfind(path + ".partial-", 0) == 0);
    CHECK(fs::exists(writer.temporary_path()));
    CHECK_FALSE(fs::exists(path));

    // Compress concurrently (the pipeline does), write out of order.
    std::vector<CompressedChunk> chunks(3);
    std::vector<std::thread> threads;
    for (std::uint64_t c = 0; c < 3; ++c) {
      threads.emplace_back([&, c] {
        const std::uint64_t first = c * kChunk;
        const std::uint64_t n = std::min(kChunk, kRequests - first);
        chunks[c] = writer.compress_dense_chunk(outcomes.data() + first, n);
      });
    }
    for (auto& thread : threads) thread.join();
    CHECK(chunks[0].bytes.size() < kChunk);  // mostly -1: deflate shrinks it
    CHECK(writer.compress_dense_chunk(outcomes.data(), kChunk).bytes == chunks[0].bytes);
    CHECK_THROWS_AS(writer.compress_dense_chunk(outcomes.data(), kChunk + 1),
                    std::invalid_argument);
    writer.write_dense_chunk(2, chunks[2]);
    writer.write_dense_chunk(0, chunks[0]);
    CHECK_THROWS_AS(writer.write_dense_chunk(0, chunks[0]), std::invalid_argument);
    CHECK_THROWS_AS(writer.write_dense_chunk(3, chunks[0]), std::invalid_argument);
    writer.write_dense_chunk(1, chunks[1]);
    CHECK_THROWS_AS(writer.append_failures({}, {}), std::logic_error);
    writer.finish(model, make_summary(model, kRequests, counts));
    CHECK_THROWS_AS(writer.finish(model, make_summary(model, kRequests, counts)), std::logic_error);
  }
  CHECK(dir.entries() == std::vector<std::string>{"run.h5"});

  hdf5::File file = hdf5::File::open_read_only(path);
  CHECK(file.read_string_attribute("format") == "nines-run");
  CHECK(file.read_attribute<std::int64_t>("format_version") == 1);
  CHECK(file.read_string_attribute("nines_version") == kVersion);
  CHECK(file.read_string_attribute("scenario_name") == "web-shop");
  CHECK(file.read_string_attribute("scenario_yaml") == scenario.source_text);
  CHECK(file.read_string_attribute("scenario_sha256") == sha256_hex(scenario.source_text));
  CHECK(file.read_attribute<std::uint64_t>("seed") == 0xfeedfacecafebeefULL);
  CHECK(file.read_attribute<std::uint64_t>("requests") == kRequests);
  CHECK(file.read_string_attribute("record") == "dense");
  CHECK(file.read_attribute<std::uint64_t>("chunk_requests") == kChunk);
  CHECK(file.read_string_attribute("created") == "2026-11-28T08:00:00Z");

  const std::uint64_t failures = counts[0] + counts[1] + counts[2];
  CHECK(file.read_attribute<std::uint64_t>("failures") == failures);
  CHECK(file.read_attribute<double>("reliability_empirical") ==
        1 - double(failures) / double(kRequests));
  CHECK(file.read_attribute<double>("reliability_analytic") == model.reliability());
  CHECK(file.read_attribute<double>("unreliability_analytic") == model.unreliability());
  CHECK(file.read_attribute<double>("unreliability_empirical") ==
        double(failures) / double(kRequests));
  CHECK(file.read_attribute<double>("reliability_ci_low") == 0.25);
  CHECK(file.read_attribute<double>("reliability_ci_high") == 0.75);
  CHECK(file.read_attribute<double>("ci_level") == kDefaultCiLevel);
  CHECK(file.read_attribute<double>("z_score") == std::numeric_limits<double>::infinity());
  CHECK(file.read_attribute<double>("z_p_value") == 0.125);
  CHECK(file.read_attribute<double>("attribution_chi2") == 3.5);
  CHECK(file.read_attribute<std::int64_t>("attribution_dof") == 2);
  CHECK(std::isnan(file.read_attribute<double>("attribution_p_value")));
  CHECK(file.read_attribute<std::int8_t>("agrees") == 0);
  CHECK(file.read_string_attribute("verdict") == "DISAGREES: made up for a test");

  hdf5::Group components = file.open_group("components");
  CHECK(components.open_dataset("name").read_strings() ==
        std::vector<std::string>{"c0", "c1", "c2"});
  CHECK(components.open_dataset("reliability").read<double>() == scenario.reliabilities());
  CHECK(components.open_dataset("failures").read<std::uint64_t>() == counts);
  const auto expected = components.open_dataset("expected_failures").read<double>();
  REQUIRE(expected.size() == 3);
  CHECK(expected[1] == double(kRequests) * model.first_failure_probability()[1]);
  CHECK(components.open_dataset("first_failure_probability").read<double>() ==
        model.first_failure_probability());

  hdf5::Dataset dense = file.open_group("requests").open_dataset("failed_component");
  CHECK(dense.size() == kRequests);
  CHECK(dense.chunk_length() == kChunk);
  CHECK_FALSE(dense.extendible());
  CHECK(dense.filters() == std::vector<hdf5::Filter>{hdf5::Filter::deflate});
  CHECK(dense.read<std::int8_t>() == outcomes);
  CHECK_FALSE(file.contains("failures"));
  // For netCDF readers: the request dimension, the flags naming the codes, units.
  CHECK(file.read_attribute<std::int64_t>("format_minor_version") == 1);
  CHECK(file.open_group("requests").open_dataset("request").is_dimension_scale());
  CHECK(file.open_group("requests").open_dataset("request").size() == kRequests);
  CHECK(dense.has_attribute("DIMENSION_LIST"));
  CHECK(dense.read_array_attribute<std::int64_t>("flag_values") ==
        std::vector<std::int64_t>{-1, 0, 1, 2});
  CHECK(dense.read_string_attribute("flag_meanings") == "success c0 c1 c2");
  CHECK(components.open_dataset("component").size() == 3);
  CHECK(components.open_dataset("reliability").read_string_attribute("units") == "1");
  CHECK_FALSE(components.open_dataset("name").has_attribute("units"));
}

TEST_CASE("run_writer dense chunks shrink to the run when it is shorter", "[run_writer]") {
  TempDir dir;
  const std::string path = dir.file("short.h5");
  const Scenario scenario = make_scenario(200);  // needs int16 outcomes
  const ChainAnalytics model(scenario.reliabilities());
  std::vector<std::int16_t> outcomes = {-1, 199, -1, 5, 128};
  {
    RunFileWriter writer(path, false, scenario, make_info(RecordMode::dense, 5, 1 << 20));
    REQUIRE(writer.outcome_type() == OutcomeType::int16);
    CHECK(writer.dense_chunk_length() == 5);
    writer.write_dense_chunk(0, writer.compress_dense_chunk(outcomes.data(), outcomes.size()));
    std::vector<std::uint64_t> counts(200, 0);
    counts[199] = counts[5] = counts[128] = 1;
    writer.finish(model, make_summary(model, 5, counts));
  }
  hdf5::File file = hdf5::File::open_read_only(path);
  hdf5::Dataset dense = file.open_dataset("requests/failed_component");
  CHECK(dense.chunk_length() == 5);
  CHECK(dense.read<std::int16_t>() == outcomes);
  CHECK(file.open_dataset("components/name").read_strings().size() == 200);
}

TEST_CASE("run_writer failures append across HDF5 chunk boundaries", "[run_writer]") {
  TempDir dir;
  const std::string path = dir.file("failures.h5");
  const Scenario scenario = make_scenario(4);
  const ChainAnalytics model(scenario.reliabilities());
  constexpr std::uint64_t kRequests = std::uint64_t{1} << 40;
  std::vector<std::uint64_t> all_requests;
  std::vector<std::int32_t> all_components;
  std::vector<std::uint64_t> counts(4, 0);
  {
    RunFileWriter writer(path, false, scenario,
                         make_info(RecordMode::failures, kRequests, 1 << 20));
    std::uint64_t next = 3;
    // Batches of uneven size, some empty, crossing the 65536-element chunks several times.
    for (std::size_t batch : {0u, 1u, 65535u, 1u, 70000u, 0u, 131072u, 12345u, 7u}) {
      std::vector<std::uint64_t> requests;
      std::vector<std::int32_t> components;
      for (std::size_t i = 0; i < batch; ++i) {
        requests.push_back(next);
        components.push_back(static_cast<std::int32_t>(next % 4));
        ++counts[next % 4];
        next += 1 + next % 1000 * 1000;
      }
      writer.append_failures(requests, components);
      all_requests.insert(all_requests.end(), requests.begin(), requests.end());
      all_components.insert(all_components.end(), components.begin(), components.end());
    }
    const std::vector<std::uint64_t> backwards = {all_requests.back()};
    const std::vector<std::int32_t> component = {0};
    CHECK_THROWS_AS(writer.append_failures(backwards, component), std::invalid_argument);
    const std::vector<std::uint64_t> later = {all_requests.back() + 1};
    const std::vector<std::int32_t> bad_component = {4};
    CHECK_THROWS_AS(writer.append_failures(later, bad_component), std::invalid_argument);
    CHECK_THROWS_AS(writer.append_failures(later, {}), std::invalid_argument);
    writer.finish(model, make_summary(model, kRequests, counts));
  }
  CHECK(dir.entries() == std::vector<std::string>{"failures.h5"});
  hdf5::File file = hdf5::File::open_read_only(path);
  CHECK(file.read_string_attribute("record") == "failures");
  CHECK_FALSE(file.contains("requests"));
  hdf5::Dataset requests = file.open_dataset("failures/request");
  hdf5::Dataset components = file.open_dataset("failures/component");
  CHECK(requests.size() == all_requests.size());
  CHECK(requests.extendible());
  CHECK(requests.chunk_length() == 65536);
  CHECK(requests.filters() ==
        std::vector<hdf5::Filter>{hdf5::Filter::shuffle, hdf5::Filter::deflate});
  CHECK(requests.read<std::uint64_t>() == all_requests);
  CHECK(components.read<std::int32_t>() == all_components);
  CHECK(components.read<std::int8_t>().size() == all_components.size());
  CHECK(components.filters() == std::vector<hdf5::Filter>{hdf5::Filter::deflate});
  CHECK(file.read_attribute<std::uint64_t>("failures") == all_requests.size());
}

TEST_CASE("run_writer none records only summaries", "[run_writer]") {
  TempDir dir;
  const std::string path = dir.file("none.h5");
  const Scenario scenario = make_scenario(2);
  const ChainAnalytics model(scenario.reliabilities());
  {
    RunFileWriter writer(path, false, scenario, make_info(RecordMode::none, 100, 1 << 20));
    CHECK_THROWS_AS(writer.compress_dense_chunk(nullptr, 0), std::logic_error);
    writer.finish(model, make_summary(model, 100, {3, 4}));
  }
  hdf5::File file = hdf5::File::open_read_only(path);
  CHECK(file.read_string_attribute("record") == "none");
  CHECK_FALSE(file.contains("requests"));
  CHECK_FALSE(file.contains("failures"));
  CHECK(file.open_dataset("components/failures").read<std::uint64_t>() ==
        std::vector<std::uint64_t>{3, 4});
}

TEST_CASE("run_writer refuses an existing output unless told to overwrite", "[run_writer]") {
  TempDir dir;
  const std::string path = dir.file("taken.h5");
  std::ofstream(path) << "precious";
  const Scenario scenario = make_scenario(2);
  const ChainAnalytics model(scenario.reliabilities());
  const RunInfo info = make_info(RecordMode::none, 100, 1 << 20);

  CHECK_THROWS_MATCHES(RunFileWriter(path, false, scenario, info), InputError,
                       Catch::Message("output file '" + path +
                                      "' already exists; use --force to overwrite it or -o "
                                      "to choose another name"));
  CHECK(dir.entries() == std::vector<std::string>{"taken.h5"});

  {
    RunFileWriter writer(path, true, scenario, info);
    writer.finish(model, make_summary(model, 100, {0, 1}));
  }
  CHECK(dir.entries() == std::vector<std::string>{"taken.h5"});
  CHECK(hdf5::File::open_read_only(path).read_string_attribute("format") == "nines-run");

  CHECK_THROWS_AS(RunFileWriter(dir.path.string(), true, scenario, info), InputError);
}

TEST_CASE("run_writer refuses to finish onto a file that appeared meanwhile", "[run_writer]") {
  TempDir dir;
  const std::string path = dir.file("race.h5");
  const Scenario scenario = make_scenario(2);
  const ChainAnalytics model(scenario.reliabilities());
  {
    RunFileWriter writer(path, false, scenario, make_info(RecordMode::none, 100, 1 << 20));
    std::ofstream(path) << "someone else's";
    CHECK_THROWS_AS(writer.finish(model, make_summary(model, 100, {0, 1})), InputError);
  }
  CHECK(dir.entries() == std::vector<std::string>{"race.h5"});
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  CHECK(text == "someone else's");
}

TEST_CASE("run_writer removes the temporary file when destroyed unfinished", "[run_writer]") {
  TempDir dir;
  const std::string path = dir.file("abandoned.h5");
  const Scenario scenario = make_scenario(3);
  const ChainAnalytics model(scenario.reliabilities());
  const auto outcomes = fake_outcomes(100, 3);

  SECTION("dense, mid-run") {
    RunFileWriter writer(path, false, scenario, make_info(RecordMode::dense, 100, 64));
    writer.write_dense_chunk(0, writer.compress_dense_chunk(outcomes.data(), 64));
    CHECK(dir.entries().size() == 1);
  }
  SECTION("failures, with a buffered remainder") {
    RunFileWriter writer(path, false, scenario, make_info(RecordMode::failures, 100, 64));
    const std::vector<std::uint64_t> requests = {1, 2};
    const std::vector<std::int32_t> components = {0, 2};
    writer.append_failures(requests, components);
  }
  SECTION("finish refuses an incomplete dense record") {
    RunFileWriter writer(path, false, scenario, make_info(RecordMode::dense, 100, 64));
    writer.write_dense_chunk(1, writer.compress_dense_chunk(outcomes.data() + 64, 36));
    CHECK_THROWS_AS(writer.finish(model, make_summary(model, 100, {1, 1, 1})), std::logic_error);
  }
  SECTION("finish refuses a summary that disagrees with the recorded failures") {
    RunFileWriter writer(path, false, scenario, make_info(RecordMode::failures, 100, 64));
    CHECK_THROWS_AS(writer.finish(model, make_summary(model, 100, {1, 0, 0})), std::logic_error);
  }
  CHECK(dir.entries().empty());
}

TEST_CASE("run_writer reports an unwritable destination as IOError", "[run_writer]") {
  TempDir dir;
  const Scenario scenario = make_scenario(2);
  const RunInfo info = make_info(RecordMode::dense, 100, 64);

  const std::string missing = dir.file("no-such-dir/run.h5");
  CHECK_THROWS_MATCHES(RunFileWriter(missing, false, scenario, info), IOError,
                       Catch::Matchers::Predicate<std::exception>([&](const std::exception& e) {
                         const std::string m = e.what();
                         return m.rfind("cannot create HDF5 file '" + missing + ".partial-", 0) ==
                                    0 &&
                                m.ends_with("': No such file or directory");
                       }));

  std::ofstream(dir.file("plain-file")) << "x";
  CHECK_THROWS_WITH(RunFileWriter(dir.file("plain-file/run.h5"), false, scenario, info),
                    Catch::Contains("Not a directory"));

  if (::geteuid() != 0) {  // root writes through permission bits
    const fs::path locked = dir.path / "locked";
    fs::create_directory(locked);
    fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
    CHECK_THROWS_WITH(RunFileWriter((locked / "run.h5").string(), false, scenario, info),
                      Catch::Contains("Permission denied"));
  }
}

TEST_CASE("run_writer rejects settings HDF5 cannot store", "[run_writer]") {
  TempDir dir;
  const Scenario scenario = make_scenario(2);
  RunInfo info = make_info(RecordMode::dense, std::uint64_t{1} << 40, std::uint64_t{1} << 32);
  CHECK_THROWS_AS(RunFileWriter(dir.file("big.h5"), false, scenario, info), InputError);
  info.chunk_requests = 0;
  CHECK_THROWS_AS(RunFileWriter(dir.file("zero.h5"), false, scenario, info), InputError);
  info.chunk_requests = 64;
  info.deflate_level = 10;
  CHECK_THROWS_AS(RunFileWriter(dir.file("level.h5"), false, scenario, info), InputError);
  CHECK(dir.entries().empty());
}
