// Run settings: the defaults a RunInfo starts from and the importance modes' names.
#include "nines/model/run_info.hpp"

#include <catch2/catch.hpp>

using nines::ImportanceMode;

TEST_CASE("importance modes print and parse as the same words", "[run_info]") {
  CHECK(nines::to_string(ImportanceMode::exact) == "exact");
  CHECK(nines::to_string(ImportanceMode::simulated) == "simulated");
  for (const ImportanceMode mode : {ImportanceMode::exact, ImportanceMode::simulated})
    CHECK(nines::parse_importance_mode(nines::to_string(mode)) == mode);
  for (const char* text : {"", "Exact", "simulate", "both", "exact "})
    CHECK_FALSE(nines::parse_importance_mode(text));
}

TEST_CASE("a RunInfo starts from the documented defaults", "[run_info]") {
  const nines::RunInfo info;
  CHECK(info.seed == 0);
  CHECK(info.requests == 0);
  CHECK(info.record == nines::RecordMode::dense);
  CHECK(info.sampler == nines::SamplerKind::per_request);
  CHECK(info.chunk_requests == 0);
  CHECK(info.created.empty());
  CHECK(info.deflate_level == 1);
  CHECK(info.importance == ImportanceMode::exact);
}
