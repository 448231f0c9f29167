// The resume journal: records survive reopening, a torn or corrupt tail is cut off, a journal
// of another sweep is refused unless restarting, and one journal has one writer.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "nines/base/error.hpp"
#include "nines/input/sweep_parser.hpp"
#include "nines/sweep/sweep_journal.hpp"

namespace {

const char* const kText = R"(format_version: 1
kind: sweep
name: journal
chain: {reliability: 0.9}
run: {requests: 1000}
grid:
  chain.count: [1, 2, 3]
)";

nines::SweepPlan plan_of(const std::string& text) {
  return nines::parse_sweep(text, NINES_SOURCE_DIR "/tests/sweeps/j.sweep.yaml");
}

std::string temp_path(const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("nines-journal-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::filesystem::remove(path);
  return path.string();
}

std::size_t size_of(const std::string& path) {
  return static_cast<std::size_t>(std::filesystem::file_size(path));
}

}  // namespace

TEST_CASE("journal records survive reopening", "[sweep]") {
  const auto plan = plan_of(kText);
  const auto path = temp_path("a.journal");
  {
    nines::SweepResults results(plan);
    nines::SweepJournal journal(path, plan, nines::SamplerChoice::automatic, false, results);
    CHECK_FALSE(journal.existed());
    results.set(2, {10, 20, 30});
    results.set(0, {7});
    const std::vector<std::size_t> done = {2, 0};
    journal.append(done, results);
  }
  nines::SweepResults again(plan);
  nines::SweepJournal journal(path, plan, nines::SamplerChoice::automatic, false, again);
  CHECK(journal.existed());
  CHECK(again.done_count() == 2);
  CHECK(again.failures(2) == std::vector<std::uint64_t>{10, 20, 30});
  CHECK(again.failures(0) == std::vector<std::uint64_t>{7});
  CHECK_FALSE(again.done(1));
}

TEST_CASE("a torn or corrupt journal tail is cut off and appending continues", "[sweep]") {
  const auto plan = plan_of(kText);
  const auto path = temp_path("b.journal");
  {
    nines::SweepResults results(plan);
    nines::SweepJournal journal(path, plan, nines::SamplerChoice::automatic, false, results);
    results.set(1, {1, 2});
    const std::vector<std::size_t> done = {1};
    journal.append(done, results);
  }
  const std::size_t good = size_of(path);
  {
    std::ofstream out(path, std::ios::app);
    out << nines::sweep_journal_record(0, 1000, std::vector<std::uint64_t>{5}).substr(0, 9);
  }
  {
    nines::SweepResults results(plan);
    nines::SweepJournal journal(path, plan, nines::SamplerChoice::automatic, false, results);
    CHECK(journal.dropped_bytes() == 9);
    CHECK(size_of(path) == good);
    CHECK(results.done_count() == 1);
    results.set(0, {5});
    const std::vector<std::size_t> done = {0};
    journal.append(done, results);
  }
  {
    // A flipped digit fails the CRC: that record and everything after it are dropped.
    std::string text;
    {
      std::ifstream in(path);
      text.assign(std::istreambuf_iterator<char>(in), {});
    }
    const auto at = text.find("P 1 1000 2 1 2");
    REQUIRE(at != std::string::npos);
    text[at + 12] = '7';
    std::ofstream(path, std::ios::trunc) << text;
    nines::SweepResults results(plan);
    nines::SweepJournal journal(path, plan, nines::SamplerChoice::automatic, false, results);
    CHECK(results.done_count() == 0);
    CHECK(journal.dropped_bytes() > 0);
  }
}

TEST_CASE("a journal of another sweep is refused unless restarting", "[sweep]") {
  const auto plan = plan_of(kText);
  const auto changed = plan_of(std::string(kText) + "replications: 2\n");
  const auto path = temp_path("c.journal");
  {
    nines::SweepResults results(plan);
    nines::SweepJournal journal(path, plan, nines::SamplerChoice::automatic, false, results);
    results.set(0, {1});
    const std::vector<std::size_t> done = {0};
    journal.append(done, results);
  }
  nines::SweepResults results(changed);
  CHECK_THROWS_WITH(
      nines::SweepJournal(path, changed, nines::SamplerChoice::automatic, false, results),
      Catch::Contains("was written for a different sweep (1 finished points)") &&
          Catch::Contains("--restart"));
  // A different sampler is a different sweep too.
  nines::SweepResults same(plan);
  CHECK_THROWS_AS(nines::SweepJournal(path, plan, nines::SamplerChoice::per_request, false, same),
                  nines::InputError);
  {
    nines::SweepJournal journal(path, changed, nines::SamplerChoice::automatic, true, results);
    CHECK(results.done_count() == 0);
  }
  nines::SweepResults reread(changed);
  nines::SweepJournal journal(path, changed, nines::SamplerChoice::automatic, false, reread);
  CHECK(reread.done_count() == 0);
}

TEST_CASE("one journal has one writer", "[sweep]") {
  const auto plan = plan_of(kText);
  const auto path = temp_path("d.journal");
  nines::SweepResults a(plan), b(plan);
  nines::SweepJournal first(path, plan, nines::SamplerChoice::automatic, false, a);
  CHECK_THROWS_WITH(nines::SweepJournal(path, plan, nines::SamplerChoice::automatic, false, b),
                    Catch::Contains("journal is locked"));
}
