// What both run-file layouts share: the settings checks, the dense chunk ledger, and a file that
// carries the run's identity from its first byte but keeps a temporary name until committed.
#include "nines/files/run_file.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "nines/base/error.hpp"
#include "support/temp_dir.hpp"

using nines::DenseChunkLedger;
using nines::RecordMode;
using nines::RunInfo;

TEST_CASE("the ledger counts chunks of min(chunk_requests, requests) requests", "[run_file]") {
  RunInfo info;
  info.requests = 10;
  info.chunk_requests = 4;
  CHECK(nines::dense_chunk_length(info) == 4);
  const DenseChunkLedger ledger(info.requests, nines::dense_chunk_length(info));
  CHECK(ledger.chunk_count() == 3);
  CHECK(ledger.first_request(2) == 8);
  info.chunk_requests = 100;
  CHECK(nines::dense_chunk_length(info) == 10);
  CHECK(DenseChunkLedger(10, 10).chunk_count() == 1);
  CHECK(DenseChunkLedger(0, 0).chunk_count() == 0);
}

TEST_CASE("each dense chunk is stored once, and all of them before finishing", "[run_file]") {
  DenseChunkLedger ledger(10, 4);
  CHECK_THROWS_WITH(ledger.check_complete("finish"),
                    "finish: only 0 of 3 dense chunks were written");
  ledger.check_new(1, "store");
  ledger.record(1);
  CHECK_THROWS_WITH(ledger.check_new(1, "store"), "store: chunk 1 was already written");
  CHECK_THROWS_WITH(ledger.check_new(3, "store"),
                    "store: chunk 3 is past the last chunk (3 in all)");
  ledger.record(0);
  ledger.record(2);
  CHECK_NOTHROW(ledger.check_complete("finish"));
  CHECK_NOTHROW(DenseChunkLedger(0, 0).check_complete("finish"));
}

TEST_CASE("settings no file could hold are input errors", "[run_file]") {
  RunInfo info;
  info.requests = 10;
  info.deflate_level = 10;
  CHECK_THROWS_WITH(nines::check_run_info(info),
                    "deflate level 10 is not valid; use 0 (none) to 9 (smallest)");
  info.deflate_level = 1;
  info.record = RecordMode::dense;
  info.chunk_requests = 0;
  CHECK_THROWS_AS(nines::check_run_info(info), nines::InputError);
  info.chunk_requests = 1;
  CHECK_NOTHROW(nines::check_run_info(info));
}

TEST_CASE("a run file opens with its identity under the temporary name", "[run_file]") {
  nines::test::TempDir dir("run-file");
  RunInfo info;
  info.requests = 1000;
  info.seed = 7;
  nines::AtomicOutput output(dir.file("run.h5"), false);
  {
    nines::hdf5::File file = nines::create_run_file(output, 2, "shop", "name: shop\n", info);
    CHECK(file.read_string_attribute("format") == "nines-run");
    CHECK(file.read_attribute<std::int64_t>("format_version") == 2);
    CHECK(file.read_string_attribute("scenario_name") == "shop");
    CHECK(file.read_attribute<std::uint64_t>("seed") == 7);
    CHECK(file.read_attribute<std::uint64_t>("requests") == 1000);
    file.close();
  }
  const auto entries = dir.entries();
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].rfind("run.h5.partial-", 0) == 0);
  output.commit();
  CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
}
