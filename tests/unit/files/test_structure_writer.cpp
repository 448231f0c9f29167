// Run-file layout 2: runs sampled by the structure kernel, encoded by StructureChunkEncoder,
// stored by StructureRunWriter, and read back through the io/hdf5 layer (values, lengths) and
// the HDF5 C API (element types, storage): every dataset of each record mode, constant columns
// stored as fill values without chunks, the root attributes, finish()'s checks, and no file
// unless the run finished.
#include "nines/files/structure_writer.hpp"

#include <hdf5.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "nines/base/error.hpp"
#include "nines/base/sha256.hpp"
#include "nines/base/version.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/io/hdf5.hpp"
#include "nines/sample/structure_sampler.hpp"
#include "nines/summary/structure_summary.hpp"
#include "support/structure_tally.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace nines;
using nines::test::TempDir;

namespace {

// Every per-request column varies: two kinds, kind retries, a common cause on the paths.
const char* const kMixed = R"(format_version: 2
name: mixed
description: two kinds, retries and a zone
components:
  - {name: lb, reliability: 0.99}
  - {name: api, reliability: 0.9, replicas: 2}
  - {name: db, reliability: 0.95, retries: 1}
request_kinds:
  - {name: read, weight: 3, path: [lb, api]}
  - {name: write, weight: 1, retries: 2, path: [lb, api, db]}
common_cause:
  - {name: zone, probability: 0.02, takes_down: ["api[1]", db]}
)";

// One kind, no retries, no events: kind, attempts and common_cause are constant.
const char* const kSeries = R"(format_version: 2
name: series
components:
  - {name: a, reliability: 0.9}
  - {name: b, reliability: 0.95}
)";

RunInfo run_info(RecordMode record, std::uint64_t requests, std::uint64_t chunk_requests,
                 ImportanceMode importance = ImportanceMode::exact) {
  RunInfo info;
  info.seed = 2026;
  info.requests = requests;
  info.record = record;
  info.chunk_requests = chunk_requests;
  info.created = "2026-11-28T08:00:00Z";
  info.importance = importance;
  return info;
}

// A run sampled chunk by chunk: what the kernel produced, encoded, and the summary.
struct SampledRun {
  StructureModel model;
  StructureAnalytics analytics;
  StructureSampler sampler;
  RunInfo info;
  std::vector<EncodedChunk> chunks;  // empty when nothing is recorded
  std::vector<std::uint64_t> tally;
  StructureChunk all;  // every chunk's columns, concatenated
  StructureSummary summary;

  SampledRun(const char* yaml, const RunInfo& run)
      : model(nines::test::structure_from_yaml(yaml)),
        analytics(model),
        sampler(model, run.importance == ImportanceMode::simulated),
        info(run) {
    const bool dense = info.record == RecordMode::dense;
    const bool failures = info.record != RecordMode::none;
    std::optional<StructureChunkEncoder> encoder;
    if (failures) encoder.emplace(info, model);
    tally.assign(sampler.layout().size(), 0);
    auto workspace = sampler.make_workspace();
    // Summary-only runs have no HDF5 chunk length; they are sampled in chunks all the same.
    const std::uint64_t length = info.chunk_requests > 0 ? info.chunk_requests : 1024;
    for (std::uint64_t c = 0, first = 0; first < info.requests; ++c, first += length) {
      const std::uint64_t n = std::min(length, info.requests - first);
      StructureChunk chunk;
      chunk.tally.assign(tally.size(), 0);
      REQUIRE(sampler.sample_chunk(info.seed, first, n, dense, failures, *workspace, chunk));
      for (std::size_t i = 0; i < tally.size(); ++i) tally[i] += chunk.tally[i];
      append(chunk);
      if (encoder) {
        chunks.emplace_back();
        encoder->encode(c, n, chunk, chunks.back());
      }
    }
    summary = summarize_structure(analytics, sampler, info.requests, tally);
  }

  void write(const std::string& path, const std::string& kernel = "structure") const {
    StructureRunWriter writer(path, false, model, info, kernel);
    for (const auto& chunk : chunks) writer.store(chunk);
    writer.finish(analytics, summary);
  }

 private:
  template <class T>
  static void extend(std::vector<T>& to, const std::vector<T>& from) {
    to.insert(to.end(), from.begin(), from.end());
  }
  void append(const StructureChunk& c) {
    extend(all.kind, c.kind);
    extend(all.attempts, c.attempts);
    extend(all.culprit, c.culprit);
    extend(all.common_cause, c.common_cause);
    extend(all.failed_request, c.failed_request);
    extend(all.failed_kind, c.failed_kind);
    extend(all.failed_attempts, c.failed_attempts);
    extend(all.failed_culprit, c.failed_culprit);
    extend(all.failed_common_cause, c.failed_common_cause);
    extend(all.failed_common_causes, c.failed_common_causes);
    extend(all.failed_set_size, c.failed_set_size);
    extend(all.failed_set, c.failed_set);
  }
};

// What the HDF5 C API says about one dataset's storage.
struct Stored {
  H5T_class_t type_class = H5T_NO_CLASS;
  std::size_t bytes = 0;   // per element
  bool is_signed = false;  // integers only
  hsize_t storage = 0;     // bytes allocated in the file (0: no chunk written)
};

Stored stored(const std::string& path, const std::string& dataset) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(file >= 0);
  const hid_t d = H5Dopen2(file, dataset.c_str(), H5P_DEFAULT);
  REQUIRE(d >= 0);
  const hid_t type = H5Dget_type(d);
  Stored out;
  out.type_class = H5Tget_class(type);
  out.bytes = H5Tget_size(type);
  out.is_signed = out.type_class == H5T_INTEGER && H5Tget_sign(type) == H5T_SGN_2;
  out.storage = H5Dget_storage_size(d);
  H5Tclose(type);
  H5Dclose(d);
  H5Fclose(file);
  return out;
}

void check_integer(const std::string& path, const std::string& dataset, std::size_t bytes,
                   bool is_signed) {
  INFO(dataset);
  const Stored s = stored(path, dataset);
  CHECK(s.type_class == H5T_INTEGER);
  CHECK(s.bytes == bytes);
  CHECK(s.is_signed == is_signed);
}

template <class T>
std::vector<T> read(const hdf5::File& file, const std::string& group, const std::string& name) {
  return file.open_group(group).open_dataset(name).read<T>();
}

std::uint64_t length(const hdf5::File& file, const std::string& group, const std::string& name) {
  return file.open_group(group).open_dataset(name).size();
}

const char* const kMeasures[] = {"unreliability_if_perfect",
                                 "unreliability_if_failed",
                                 "birnbaum",
                                 "criticality",
                                 "fussell_vesely",
                                 "raw",
                                 "rrw",
                                 "improvement_potential"};

}  // namespace

TEST_CASE("constant_columns finds the columns one model cannot vary", "[structure_writer]") {
  const ConstantColumns series = constant_columns(nines::test::structure_from_yaml(kSeries));
  CHECK(series.kind);
  CHECK(series.attempts);
  CHECK(series.common_cause);
  const ConstantColumns mixed = constant_columns(nines::test::structure_from_yaml(kMixed));
  CHECK_FALSE(mixed.kind);
  CHECK_FALSE(mixed.attempts);
  CHECK_FALSE(mixed.common_cause);
  // An event that takes down nothing on any path never shows in a request; component retries
  // stay within one attempt.
  const ConstantColumns off_path = constant_columns(nines::test::structure_from_yaml(R"(
format_version: 2
name: off-path
components:
  - {name: a, reliability: 0.9, retries: 3}
  - {name: spare, reliability: 0.9}
request_kinds:
  - {name: only, path: [a]}
common_cause:
  - {name: elsewhere, probability: 0.5, takes_down: [spare]}
)"));
  CHECK(off_path.kind);
  CHECK(off_path.attempts);
  CHECK(off_path.common_cause);
}

TEST_CASE("a dense structure run reads back dataset by dataset", "[structure_writer]") {
  TempDir dir("structure-writer");
  const std::string path = dir.file("run.h5");
  // 10,000 requests in HDF5 chunks of 4,096: 4,096 + 4,096 + 1,808.
  const SampledRun run(kMixed, run_info(RecordMode::dense, 10'000, 4096));
  REQUIRE(run.chunks.size() == 3);
  const std::uint64_t failures = run.summary.mix.failures;
  REQUIRE(failures > 100);  // the model fails often enough to exercise every column
  REQUIRE(run.all.failed_request.size() == failures);
  run.write(path);
  CHECK(dir.entries() == std::vector<std::string>{"run.h5"});

  const hdf5::File file = hdf5::File::open_read_only(path);
  // Root: the run's identity, the kernel and importance mode, and the mix's comparison.
  CHECK(file.read_string_attribute("format") == "nines-run");
  CHECK(file.read_attribute<std::int64_t>("format_version") == 2);
  CHECK(file.read_string_attribute("nines_version") == kVersion);
  CHECK(file.read_string_attribute("scenario_name") == "mixed");
  CHECK(file.read_string_attribute("scenario_yaml") == run.model.source_text);
  CHECK(file.read_string_attribute("scenario_sha256") == sha256_hex(run.model.source_text));
  CHECK(file.read_attribute<std::uint64_t>("seed") == 2026);
  CHECK(file.read_attribute<std::uint64_t>("requests") == 10'000);
  CHECK(file.read_string_attribute("record") == "dense");
  CHECK(file.read_string_attribute("sampler") == "per-request");
  CHECK(file.read_string_attribute("kernel") == "structure");
  CHECK(file.read_string_attribute("importance") == "exact");
  CHECK(file.read_attribute<std::uint64_t>("chunk_requests") == 4096);
  CHECK(file.read_string_attribute("created") == "2026-11-28T08:00:00Z");
  CHECK(file.read_attribute<std::uint64_t>("failures") == failures);
  CHECK(file.read_attribute<double>("unreliability_analytic") == run.analytics.unreliability());
  CHECK(file.read_attribute<double>("z_score") == run.summary.mix.z_score);
  CHECK(file.read_attribute<std::int64_t>("attribution_dof") == run.summary.mix.attribution.dof);
  CHECK(file.read_attribute<double>("ci_level") == 0.95);
  CHECK(file.read_attribute<std::int8_t>("agrees") == (run.summary.agrees ? 1 : 0));
  CHECK(file.read_string_attribute("verdict") == run.summary.verdict);
  CHECK(file.read_attribute<std::int64_t>("verdict_tests") == run.summary.tests);
  CHECK(file.read_attribute<double>("verdict_test_alpha") == run.summary.test_alpha);
  CHECK(file.read_string_attribute("analytic_method") == "bdd");
  CHECK(file.read_attribute<std::uint64_t>("bdd_nodes") == run.analytics.bdd_nodes());

  // /requests: one entry per request, the kernel's values, in HDF5 chunks of 4,096.
  CHECK(read<std::int8_t>(file, "requests", "kind") == run.all.kind);
  CHECK(read<std::uint8_t>(file, "requests", "attempts") == run.all.attempts);
  CHECK(read<std::int16_t>(file, "requests", "culprit") == run.all.culprit);
  CHECK(read<std::int8_t>(file, "requests", "common_cause") == run.all.common_cause);
  for (const char* name : {"kind", "attempts", "culprit", "common_cause"}) {
    const hdf5::Dataset d = file.open_group("requests").open_dataset(name);
    INFO(name);
    CHECK(d.size() == 10'000);
    CHECK(d.chunk_length() == 4096);
    CHECK_FALSE(d.extendible());
    CHECK(d.filters() == std::vector<hdf5::Filter>{hdf5::Filter::deflate});
    CHECK(stored(path, std::string("/requests/") + name).storage > 0);
  }
  check_integer(path, "/requests/kind", 1, true);
  check_integer(path, "/requests/attempts", 1, false);
  check_integer(path, "/requests/culprit", 2, true);
  check_integer(path, "/requests/common_cause", 1, true);

  // /failures: one entry per failed request (the sets concatenated), extendible. A dense file
  // (format minor version 2) keeps there only what /requests cannot say: the failed requests
  // and their kind, attempts, culprit and first event are /requests' values where the culprit
  // is not -1.
  CHECK(file.read_attribute<std::int64_t>("format_minor_version") == 2);
  for (const char* name : {"request", "kind", "attempts", "culprit", "common_cause"}) {
    INFO(name);
    CHECK_FALSE(file.open_group("failures").contains(name));
  }
  std::vector<std::uint64_t> failed_requests;
  for (std::size_t i = 0; i < run.all.culprit.size(); ++i)
    if (run.all.culprit[i] >= 0) failed_requests.push_back(i);
  CHECK(failed_requests == run.all.failed_request);
  CHECK(read<std::uint64_t>(file, "failures", "common_causes") == run.all.failed_common_causes);
  CHECK(read<std::int16_t>(file, "failures", "failed_set_size") == run.all.failed_set_size);
  CHECK(read<std::int16_t>(file, "failures", "failed_set") == run.all.failed_set);
  const auto sizes = run.all.failed_set_size;
  CHECK(length(file, "failures", "failed_set") ==
        static_cast<std::uint64_t>(std::accumulate(sizes.begin(), sizes.end(), 0)));
  for (const char* name : {"common_causes", "failed_set_size"}) {
    INFO(name);
    CHECK(length(file, "failures", name) == failures);
    CHECK(file.open_group("failures").open_dataset(name).extendible());
  }
  check_integer(path, "/failures/common_causes", 8, false);
  check_integer(path, "/failures/failed_set_size", 2, true);
  check_integer(path, "/failures/failed_set", 2, true);
  // Multi-byte columns are shuffled before deflate.
  CHECK(file.open_group("failures").open_dataset("failed_set_size").filters() ==
        std::vector<hdf5::Filter>{hdf5::Filter::shuffle, hdf5::Filter::deflate});

  // /kinds: one row per kind; the culprit matrices kinds x components, row-major.
  const hdf5::Group kinds = file.open_group("kinds");
  CHECK(kinds.open_dataset("name").read_strings() == std::vector<std::string>{"read", "write"});
  CHECK(kinds.open_dataset("path").read_strings() ==
        std::vector<std::string>{"series(lb, parallel(api[1], api[2]))",
                                 "series(lb, parallel(api[1], api[2]), db)"});
  CHECK(kinds.open_dataset("weight").read<double>() == std::vector<double>{3, 1});
  CHECK(kinds.open_dataset("retries").read<std::int64_t>() == std::vector<std::int64_t>{0, 2});
  CHECK(kinds.open_dataset("requests").read<std::uint64_t>() ==
        std::vector<std::uint64_t>{run.summary.kinds[0].requests, run.summary.kinds[1].requests});
  CHECK(kinds.open_dataset("attempts").read<std::uint64_t>()[1] == run.summary.kinds[1].attempts);
  CHECK(kinds.open_dataset("expected_attempts").read<double>()[1] ==
        run.analytics.kinds()[1].expected_attempts);
  CHECK(kinds.open_dataset("attempt_unreliability_analytic").read<double>()[1] ==
        run.analytics.kinds()[1].attempt_unreliability);
  for (const char* name :
       {"failures", "retried", "reliability_analytic", "unreliability_analytic",
        "reliability_empirical", "unreliability_empirical", "reliability_ci_low",
        "reliability_ci_high", "z_score", "z_p_value", "reliability_p_value", "attribution_chi2",
        "attribution_dof", "attribution_p_value", "agrees"}) {
    INFO(name);
    CHECK(length(file, "kinds", name) == 2);
  }
  CHECK(kinds.open_dataset("z_score").read<double>()[0] == run.summary.kinds[0].z_score);
  const hdf5::Dataset culprits = kinds.open_dataset("culprit_failures");
  // Kinds x components, 2-D (format minor version 1), with named dimensions.
  CHECK(culprits.shape() == std::vector<std::uint64_t>{2, 4});
  CHECK_FALSE(culprits.has_attribute("rows"));
  CHECK(culprits.has_attribute("DIMENSION_LIST"));
  CHECK(kinds.open_dataset("kind").is_dimension_scale());
  CHECK(kinds.open_dataset("component").size() == 4);
  CHECK(culprits.read_string_attribute("units") == "1");
  std::vector<std::uint64_t> matrix = run.summary.kinds[0].culprit_counts;
  matrix.insert(matrix.end(), run.summary.kinds[1].culprit_counts.begin(),
                run.summary.kinds[1].culprit_counts.end());
  CHECK(culprits.read<std::uint64_t>() == matrix);
  CHECK(kinds.open_dataset("culprit_probability").shape() == std::vector<std::uint64_t>{2, 4});
  CHECK(file.read_attribute<std::int64_t>("format_minor_version") == 2);

  // /components: one row per (expanded) component.
  const hdf5::Group components = file.open_group("components");
  CHECK(components.open_dataset("name").read_strings() ==
        std::vector<std::string>{"lb", "api[1]", "api[2]", "db"});
  CHECK(components.open_dataset("declaration").read_strings() ==
        std::vector<std::string>{"lb", "api", "api", "db"});
  CHECK(components.open_dataset("replica").read<std::int64_t>() ==
        std::vector<std::int64_t>{0, 1, 2, 0});
  CHECK(components.open_dataset("retries").read<std::int64_t>() ==
        std::vector<std::int64_t>{0, 0, 0, 1});
  CHECK(components.open_dataset("effective_reliability").read<double>()[3] ==
        Approx(1 - 0.05 * 0.05).epsilon(1e-15));
  CHECK(components.open_dataset("culprit_failures").read<std::uint64_t>() ==
        run.summary.mix.culprit_counts);
  CHECK(components.open_dataset("expected_culprit_failures").read<double>()[0] ==
        10'000 * run.analytics.culprit_probability()[0]);
  for (const char* name : {"reliability", "culprit_probability"})
    CHECK(length(file, "components", name) == 4);

  // /common_cause and /common_cause_sets.
  const hdf5::Group events = file.open_group("common_cause");
  CHECK(events.open_dataset("name").read_strings() == std::vector<std::string>{"zone"});
  CHECK(events.open_dataset("probability").read<double>() == std::vector<double>{0.02});
  CHECK(events.open_dataset("takes_down_count").read<std::int64_t>() ==
        std::vector<std::int64_t>{2});
  CHECK(events.open_dataset("takes_down").read<std::int16_t>() == std::vector<std::int16_t>{1, 3});
  CHECK(events.open_dataset("failures").read<std::uint64_t>() == run.summary.common_cause_failures);
  CHECK(events.open_dataset("expected_failures").read<double>() ==
        run.summary.expected_common_cause_failures);
  const hdf5::Group sets = file.open_group("common_cause_sets");
  std::vector<std::uint64_t> set_events, set_failures;
  for (const auto& row : run.summary.fired_sets) {
    set_events.push_back(row.events);
    set_failures.push_back(row.failures);
  }
  CHECK(sets.open_dataset("events").read<std::uint64_t>() == set_events);
  CHECK(sets.open_dataset("failures").read<std::uint64_t>() == set_failures);
  CHECK(sets.read_attribute<std::int64_t>("attribution_dof") ==
        run.summary.fired_set_attribution.dof);

  // /importance: the exact measures, per component and per event; nothing simulated.
  const hdf5::Group importance = file.open_group("importance");
  CHECK(importance.read_string_attribute("ranking") == "improvement_potential");
  const hdf5::Group by_component = importance.open_group("components");
  const hdf5::Group by_event = importance.open_group("common_cause");
  for (const char* measure : kMeasures) {
    INFO(measure);
    CHECK(by_component.open_dataset(measure).size() == 4);
    CHECK(by_event.open_dataset(measure).size() == 1);
    CHECK_FALSE(by_component.contains(std::string(measure) + "_simulated"));
  }
  CHECK(by_component.open_dataset("raw").read<double>()[0] == run.summary.importance[0].raw);
  CHECK_FALSE(by_component.contains("fail_if_perfect"));
}

TEST_CASE("constant columns are fill values without a chunk written", "[structure_writer]") {
  TempDir dir("structure-writer");
  const std::string path = dir.file("series.h5");
  const SampledRun run(kSeries, run_info(RecordMode::dense, 5000, 2048));
  // The encoder leaves their parts empty ...
  for (const auto& chunk : run.chunks) {
    CHECK(chunk.parts[0].empty());
    CHECK(chunk.parts[1].empty());
    CHECK_FALSE(chunk.parts[2].empty());
    CHECK(chunk.parts[3].empty());
  }
  run.write(path);
  // ... the file allocates nothing for them, and readers see the constant.
  CHECK(stored(path, "/requests/kind").storage == 0);
  CHECK(stored(path, "/requests/attempts").storage == 0);
  CHECK(stored(path, "/requests/common_cause").storage == 0);
  CHECK(stored(path, "/requests/culprit").storage > 0);
  const hdf5::File file = hdf5::File::open_read_only(path);
  CHECK(read<std::int8_t>(file, "requests", "kind") == std::vector<std::int8_t>(5000, 0));
  CHECK(read<std::uint8_t>(file, "requests", "attempts") == std::vector<std::uint8_t>(5000, 1));
  CHECK(read<std::int8_t>(file, "requests", "common_cause") == std::vector<std::int8_t>(5000, -1));
  CHECK(read<std::int16_t>(file, "requests", "culprit") == run.all.culprit);
  // The kernel's own values are those constants too.
  CHECK(run.all.kind == std::vector<std::int8_t>(5000, 0));
  CHECK(run.all.attempts == std::vector<std::uint8_t>(5000, 1));
  CHECK(run.all.common_cause == std::vector<std::int8_t>(5000, -1));
}

TEST_CASE("constant failure columns travel as empty parts and read back as the constant",
          "[structure_writer]") {
  TempDir dir("structure-writer");
  const std::string path = dir.file("series-failures.h5");
  const SampledRun run(kSeries, run_info(RecordMode::failures, 5000, 1000));
  const std::uint64_t failures = run.summary.mix.failures;
  REQUIRE(failures > 100);
  // kind, attempts, common_cause and common_causes: empty parts; request, culprit, sets not.
  for (const auto& chunk : run.chunks) {
    CHECK_FALSE(chunk.parts[0].empty());
    CHECK(chunk.parts[1].empty());
    CHECK(chunk.parts[2].empty());
    CHECK_FALSE(chunk.parts[3].empty());
    CHECK(chunk.parts[4].empty());
    CHECK(chunk.parts[5].empty());
    CHECK_FALSE(chunk.parts[6].empty());
  }
  // Decoding restores the constants (sweeps decode failures chunks to list them).
  StructureChunk decoded;
  for (const auto& chunk : run.chunks) decode_structure_failures(chunk, decoded);
  CHECK(decoded.failed_request == run.all.failed_request);
  CHECK(decoded.failed_kind == run.all.failed_kind);
  CHECK(decoded.failed_attempts == run.all.failed_attempts);
  CHECK(decoded.failed_culprit == run.all.failed_culprit);
  CHECK(decoded.failed_common_cause == run.all.failed_common_cause);
  CHECK(decoded.failed_common_causes == run.all.failed_common_causes);
  CHECK(decoded.failed_set_size == run.all.failed_set_size);
  CHECK(decoded.failed_set == run.all.failed_set);
  run.write(path);
  for (const char* name : {"kind", "attempts", "common_cause", "common_causes"}) {
    INFO(name);
    CHECK(stored(path, std::string("/failures/") + name).storage == 0);
  }
  const hdf5::File file = hdf5::File::open_read_only(path);
  CHECK(read<std::int8_t>(file, "failures", "kind") == std::vector<std::int8_t>(failures, 0));
  CHECK(read<std::uint8_t>(file, "failures", "attempts") == std::vector<std::uint8_t>(failures, 1));
  CHECK(read<std::int8_t>(file, "failures", "common_cause") ==
        std::vector<std::int8_t>(failures, -1));
  CHECK(read<std::uint64_t>(file, "failures", "common_causes") ==
        std::vector<std::uint64_t>(failures, 0));
  CHECK(read<std::uint64_t>(file, "failures", "request") == run.all.failed_request);
  CHECK(read<std::int16_t>(file, "failures", "culprit") == run.all.failed_culprit);
  CHECK(file.read_attribute<std::int64_t>("format_minor_version") == 2);
}

TEST_CASE("a failures run has /failures and no /requests", "[structure_writer]") {
  TempDir dir("structure-writer");
  const std::string path = dir.file("failures.h5");
  const SampledRun run(kMixed, run_info(RecordMode::failures, 7000, 1000));
  // Failure parts only: eight raw columns.
  REQUIRE(run.chunks.size() == 7);
  CHECK(run.chunks[0].parts.size() == StructureChunkEncoder::kFailureParts);
  run.write(path);
  const hdf5::File file = hdf5::File::open_read_only(path);
  CHECK(file.read_string_attribute("record") == "failures");
  CHECK_FALSE(file.contains("requests"));
  REQUIRE(file.contains("failures"));
  CHECK(read<std::uint64_t>(file, "failures", "request") == run.all.failed_request);
  CHECK(read<std::int16_t>(file, "failures", "failed_set") == run.all.failed_set);
  CHECK(length(file, "failures", "culprit") == run.summary.mix.failures);
  for (const char* group :
       {"kinds", "components", "common_cause", "common_cause_sets", "importance"})
    CHECK(file.contains(group));
}

TEST_CASE("a summary-only run has the summaries and no per-request data", "[structure_writer]") {
  TempDir dir("structure-writer");
  const std::string path = dir.file("none.h5");
  const SampledRun run(kMixed, run_info(RecordMode::none, 3000, 0));
  CHECK(run.chunks.empty());
  run.write(path, "chain");
  const hdf5::File file = hdf5::File::open_read_only(path);
  CHECK(file.read_string_attribute("record") == "none");
  CHECK(file.read_string_attribute("kernel") == "chain");
  CHECK_FALSE(file.contains("requests"));
  CHECK_FALSE(file.contains("failures"));
  CHECK(file.read_attribute<std::uint64_t>("failures") == run.summary.mix.failures);
  CHECK(file.contains("kinds"));

  // Nothing to encode or store in this mode.
  const StructureChunkEncoder encoder(run.info, run.model);
  EncodedChunk out;
  CHECK_THROWS_WITH(encoder.encode(0, 10, StructureChunk{}, out),
                    "encode: the run records nothing");
  StructureRunWriter writer(dir.file("none2.h5"), false, run.model, run.info);
  CHECK_THROWS_WITH(writer.store(out), "store: the run records nothing");
}

TEST_CASE("simulated importance adds its estimates and counts", "[structure_writer]") {
  TempDir dir("structure-writer");
  const std::string path = dir.file("simulated.h5");
  const SampledRun run(kMixed,
                       run_info(RecordMode::failures, 4000, 2000, ImportanceMode::simulated));
  REQUIRE(run.summary.importance_simulated.size() == 4);
  run.write(path);
  const hdf5::File file = hdf5::File::open_read_only(path);
  CHECK(file.read_string_attribute("importance") == "simulated");
  const hdf5::Group by_component = file.open_group("importance").open_group("components");
  for (const char* measure : kMeasures) {
    for (const char* suffix : {"_simulated", "_simulated_low", "_simulated_high"}) {
      const std::string name = std::string(measure) + suffix;
      INFO(name);
      REQUIRE(by_component.contains(name));
      CHECK(by_component.open_dataset(name).size() == 4);
    }
  }
  CHECK(by_component.open_dataset("fussell_vesely_simulated").read<double>()[1] ==
        run.summary.importance_simulated[1].value.fussell_vesely);
  CHECK(by_component.open_dataset("fail_if_perfect").read<std::uint64_t>() ==
        run.summary.importance_counts.fail_if_perfect);
  CHECK(by_component.open_dataset("fail_if_failed").read<std::uint64_t>() ==
        run.summary.importance_counts.fail_if_failed);
  // Events have exact measures only.
  CHECK_FALSE(file.open_group("importance").open_group("common_cause").contains("raw_simulated"));
}

TEST_CASE("finish refuses a file that does not hold the whole run", "[structure_writer]") {
  TempDir dir("structure-writer");
  const SampledRun dense(kMixed, run_info(RecordMode::dense, 10'000, 4096));
  {
    StructureRunWriter writer(dir.file("gap.h5"), false, dense.model, dense.info);
    writer.store(dense.chunks[0]);
    writer.store(dense.chunks[2]);
    CHECK_THROWS_AS(writer.finish(dense.analytics, dense.summary), std::logic_error);
    CHECK_THROWS_WITH(writer.finish(dense.analytics, dense.summary),
                      "StructureRunWriter::finish: only 2 of 3 dense chunks were written");
  }
  // A summary of another run.
  const SampledRun other(kMixed, run_info(RecordMode::dense, 9000, 4096));
  {
    StructureRunWriter writer(dir.file("other.h5"), false, dense.model, dense.info);
    for (const auto& chunk : dense.chunks) writer.store(chunk);
    CHECK_THROWS_AS(writer.finish(dense.analytics, other.summary), std::invalid_argument);
    CHECK_THROWS_WITH(writer.finish(dense.analytics, other.summary),
                      "StructureRunWriter::finish: the summary covers 9000 requests, the file "
                      "10000");
  }
  // Failures lost on the way: every chunk's failures must be stored.
  const SampledRun failures(kMixed, run_info(RecordMode::failures, 6000, 2000));
  {
    StructureRunWriter writer(dir.file("lost.h5"), false, failures.model, failures.info);
    writer.store(failures.chunks[0]);
    writer.store(failures.chunks[2]);
    const std::uint64_t seen =
        (failures.chunks[0].parts[0].size() + failures.chunks[2].parts[0].size()) /
        sizeof(std::uint64_t);
    CHECK_THROWS_AS(writer.finish(failures.analytics, failures.summary), std::logic_error);
    CHECK_THROWS_WITH(writer.finish(failures.analytics, failures.summary),
                      "StructureRunWriter::finish: " + std::to_string(seen) +
                          " failures recorded but the summary counts " +
                          std::to_string(failures.summary.mix.failures));
  }
  // None of them left a file, final or temporary.
  CHECK(dir.entries().empty());
}

TEST_CASE("a finished file takes no more chunks and no second finish", "[structure_writer]") {
  TempDir dir("structure-writer");
  const SampledRun run(kMixed, run_info(RecordMode::failures, 2000, 1000));
  StructureRunWriter writer(dir.file("done.h5"), false, run.model, run.info);
  CHECK(writer.final_path() == dir.file("done.h5"));
  for (const auto& chunk : run.chunks) writer.store(chunk);
  writer.finish(run.analytics, run.summary);
  CHECK_THROWS_WITH(writer.finish(run.analytics, run.summary),
                    "StructureRunWriter::finish called twice");
  CHECK_THROWS_WITH(writer.store(run.chunks[0]), "store: the file is finished");
  CHECK(dir.entries() == std::vector<std::string>{"done.h5"});
}

TEST_CASE("store refuses chunks that do not fit the layout", "[structure_writer]") {
  TempDir dir("structure-writer");
  const SampledRun run(kMixed, run_info(RecordMode::dense, 10'000, 4096));
  StructureRunWriter writer(dir.file("bad.h5"), false, run.model, run.info);

  EncodedChunk wrong_parts = run.chunks[0];
  wrong_parts.parts.pop_back();
  CHECK_THROWS_AS(writer.store(wrong_parts), std::invalid_argument);
  CHECK_THROWS_WITH(writer.store(wrong_parts), "store: the chunk does not have the layout's parts");

  EncodedChunk out_of_range = run.chunks[0];
  out_of_range.chunk = 3;
  CHECK_THROWS_WITH(writer.store(out_of_range), "store: chunk 3 is past the last chunk (3 in all)");
  writer.store(run.chunks[0]);
  CHECK_THROWS_WITH(writer.store(run.chunks[0]), "store: chunk 0 was already written");

  // Failure columns must have one element per failed request, and a dense chunk none of the
  // columns a dense file keeps only in /requests.
  EncodedChunk uneven = run.chunks[1];
  std::vector<unsigned char>& causes = uneven.parts[4 + 5];
  REQUIRE(causes.size() >= 8);
  causes.erase(causes.end() - 8, causes.end());  // common_causes: one element short
  CHECK_THROWS_WITH(writer.store(uneven), "store: failure columns of different lengths");
  EncodedChunk repeated = run.chunks[1];
  REQUIRE(repeated.parts[4 + 3].empty());
  repeated.parts[4 + 3] = repeated.parts[4 + 6];  // a culprit column, as wide as the set sizes
  CHECK_THROWS_WITH(writer.store(repeated), "store: failure columns of different lengths");
  EncodedChunk ragged = run.chunks[2];
  ragged.parts[4 + 7].push_back(0);  // half an int16 in the failed sets
  CHECK_THROWS_WITH(writer.store(ragged), "store: a failure column is not whole elements");
  // A refused chunk was not stored: the good ones still go in, and the file is complete.
  writer.store(run.chunks[1]);
  writer.store(run.chunks[2]);
  writer.finish(run.analytics, run.summary);
  const hdf5::File file = hdf5::File::open_read_only(dir.file("bad.h5"));
  CHECK(read<std::int16_t>(file, "requests", "culprit") == run.all.culprit);
  CHECK(read<std::int16_t>(file, "failures", "failed_set") == run.all.failed_set);
}

TEST_CASE("the encoder checks the run's settings and chunk sizes", "[structure_writer]") {
  const StructureModel model = nines::test::structure_from_yaml(kMixed);
  RunInfo bad_level = run_info(RecordMode::failures, 100, 100);
  bad_level.deflate_level = 10;
  CHECK_THROWS_AS(StructureChunkEncoder(bad_level, model), InputError);
  CHECK_THROWS_WITH(StructureChunkEncoder(bad_level, model),
                    "deflate level 10 is not valid; use 0 (none) to 9 (smallest)");
  CHECK_THROWS_WITH(StructureChunkEncoder(run_info(RecordMode::dense, 100, 0), model),
                    "chunk_requests must be at least 1");

  // A dense chunk longer than the HDF5 chunk (here the whole run: 100 < 4096).
  const StructureChunkEncoder encoder(run_info(RecordMode::dense, 100, 4096), model);
  StructureChunk big;
  big.kind.assign(101, 0);
  big.attempts.assign(101, 1);
  big.culprit.assign(101, -1);
  big.common_cause.assign(101, -1);
  EncodedChunk out;
  CHECK_THROWS_WITH(encoder.encode(0, 101, big, out), "encode: chunk larger than the HDF5 chunk");
  // ... or a chunk whose columns are shorter than it says.
  StructureChunk small = big;
  small.kind.resize(50);
  CHECK_THROWS_WITH(encoder.encode(0, 100, small, out),
                    "encode: a dense column is shorter than the chunk");
  StructureChunk no_culprits = big;
  no_culprits.culprit.clear();
  CHECK_THROWS_WITH(encoder.encode(0, 100, no_culprits, out),
                    "encode: a dense column is shorter than the chunk");
  CHECK_NOTHROW(encoder.encode(0, 100, big, out));
  CHECK(out.parts.size() ==
        StructureChunkEncoder::kDenseParts + StructureChunkEncoder::kFailureParts);
}

TEST_CASE("the writer refuses bad settings before creating anything", "[structure_writer]") {
  TempDir dir("structure-writer");
  const StructureModel model = nines::test::structure_from_yaml(kSeries);
  RunInfo bad = run_info(RecordMode::dense, 100, 0);
  CHECK_THROWS_AS(StructureRunWriter(dir.file("x.h5"), false, model, bad), InputError);
  CHECK(dir.entries().empty());
}

TEST_CASE("an unfinished writer leaves no file", "[structure_writer]") {
  TempDir dir("structure-writer");
  const SampledRun run(kMixed, run_info(RecordMode::dense, 10'000, 4096));
  const std::string path = dir.file("run.h5");
  {
    StructureRunWriter writer(path, false, run.model, run.info);
    // The file grows under a temporary name beside the final one.
    const std::vector<std::string> entries = dir.entries();
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].rfind("run.h5.partial-", 0) == 0);
    writer.store(run.chunks[0]);
    writer.store(run.chunks[1]);
  }
  CHECK(dir.entries().empty());
}

TEST_CASE("an existing output is kept unless overwriting", "[structure_writer]") {
  TempDir dir("structure-writer");
  const SampledRun run(kMixed, run_info(RecordMode::none, 1000, 0));
  const std::string path = dir.file("taken.h5");
  { std::ofstream(path) << "someone else's file"; }
  CHECK_THROWS_AS(StructureRunWriter(path, false, run.model, run.info), InputError);
  CHECK_THROWS_WITH(StructureRunWriter(path, false, run.model, run.info),
                    "output file '" + path +
                        "' already exists; use --force to overwrite it or -o to choose another "
                        "name");
  {
    std::ifstream in(path);
    std::string text;
    std::getline(in, text);
    CHECK(text == "someone else's file");
  }
  CHECK(dir.entries() == std::vector<std::string>{"taken.h5"});
  // With overwrite the finished run replaces it.
  {
    StructureRunWriter writer(path, true, run.model, run.info);
    writer.finish(run.analytics, run.summary);
  }
  CHECK(hdf5::File::open_read_only(path).read_string_attribute("scenario_name") == "mixed");
  CHECK(dir.entries() == std::vector<std::string>{"taken.h5"});
  // A directory is never an output.
  CHECK_THROWS_AS(StructureRunWriter(dir.path().string(), true, run.model, run.info), InputError);
}
