// The resume journal: records survive reopening; damage is described truthfully and every
// intact record is kept; a journal of another sweep, a damaged header and anything that is
// not nines' journal are told apart and never silently discarded; one journal, one writer.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nines/base/error.hpp"
#include "nines/input/sweep_parser.hpp"
#include "nines/sweep/sweep_journal.hpp"

namespace fs = std::filesystem;
using nines::JournalFound;
using nines::SamplerChoice;
using nines::SweepJournal;
using nines::SweepJournalRecord;

namespace {

const char* const kText = R"(format_version: 1
kind: sweep
name: journal
chain: {reliability: 0.9}
run: {requests: 1000}
grid:
  chain.count: [1, 2, 3]
)";

// 32 points: chain.count 1..32.
std::string text_of_32() {
  std::string counts;
  for (int i = 1; i <= 32; ++i) counts += (i > 1 ? ", " : "") + std::to_string(i);
  return std::string(kText).replace(std::string(kText).find("[1, 2, 3]"), 9, "[" + counts + "]");
}

nines::SweepPlan plan_of(const std::string& text) {
  return nines::parse_sweep(text, NINES_SOURCE_DIR "/tests/sweeps/j.sweep.yaml");
}

// One directory per test process, removed when the process ends.
const fs::path& test_dir() {
  struct Dir {
    fs::path path =
        fs::temp_directory_path() / ("nines-journal-test-" + std::to_string(::getpid()));
    ~Dir() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  };
  static const Dir dir;
  return dir.path;
}

std::string temp_path(const std::string& name) {
  const fs::path& dir = test_dir();
  fs::create_directories(dir);
  const auto path = dir / name;
  fs::remove(path);
  return path.string();
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// A journal of `plan` with the points `done` (point i has counts {i, ..., i} of its length).
void make_journal(const std::string& path, const nines::SweepPlan& plan,
                  const std::vector<std::size_t>& done) {
  SweepJournal journal(path, plan, SamplerChoice::automatic);
  REQUIRE(journal.found() == JournalFound::none);
  journal.start();
  nines::SweepResults results(plan);
  for (const std::size_t p : done)
    results.set(p, std::vector<std::uint64_t>(plan.points[p].components.size(), p));
  journal.append(done, results);
}

std::size_t entries_in(const std::string& dir) {
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("journal records survive reopening", "[sweep]") {
  const auto plan = plan_of(kText);
  const auto path = temp_path("a.journal");
  {
    SweepJournal journal(path, plan, SamplerChoice::automatic);
    CHECK_FALSE(journal.existed());
    journal.start();
    nines::SweepResults results(plan);
    results.set(2, {10, 20, 30});
    results.set(0, {7});
    const std::vector<std::size_t> done = {2, 0};
    journal.append(done, results);
  }
  SweepJournal journal(path, plan, SamplerChoice::automatic);
  CHECK(journal.existed());
  CHECK(journal.found() == JournalFound::this_sweep);
  CHECK(journal.repair_note().empty());
  REQUIRE(journal.records().size() == 2);
  CHECK(journal.records()[0].point == 2);
  CHECK(journal.records()[0].requests == 1000);
  CHECK(journal.records()[0].counts == std::vector<std::uint64_t>{10, 20, 30});
  CHECK(journal.records()[1].counts == std::vector<std::uint64_t>{7});
  const std::string before = read(path);
  journal.resume();  // a clean journal is continued as it is
  CHECK(read(path) == before);
}

TEST_CASE("a journal is created whole, with its header", "[sweep]") {
  const auto plan = plan_of(kText);
  const auto path = temp_path("whole/x.h5.journal");
  fs::create_directories(fs::path(path).parent_path());
  SweepJournal journal(path, plan, SamplerChoice::automatic);
  journal.start();
  CHECK(read(path) ==
        nines::sweep_journal_header(SweepJournal::identity_of(plan, SamplerChoice::automatic)) +
            "\n");
  CHECK(entries_in(fs::path(path).parent_path().string()) == 1);  // no temporary file left
  // Had another sweep created it between the look and the start, that one is not replaced.
  const auto other = temp_path("whole/y.h5.journal");
  SweepJournal late(other, plan, SamplerChoice::automatic);
  write(other, "theirs");
  CHECK_THROWS_WITH(late.start(), Catch::Contains("another nines sweep has just started"));
  CHECK(read(other) == "theirs");
}

TEST_CASE("a torn last record is dropped, named, and appending continues", "[sweep]") {
  const auto plan = plan_of(kText);
  const auto path = temp_path("b.journal");
  make_journal(path, plan, {1});
  const std::string good = read(path);
  {
    std::ofstream out(path, std::ios::app);
    out << nines::sweep_journal_record(0, 1000, std::vector<std::uint64_t>{5}).substr(0, 9);
  }
  {
    SweepJournal journal(path, plan, SamplerChoice::automatic);
    REQUIRE(journal.found() == JournalFound::this_sweep);
    CHECK(journal.records().size() == 1);
    CHECK(journal.repair_note() ==
          "kept 1 of 2 lines after the header; dropped line 3 (incomplete, the sweep was "
          "stopped while writing it; apparently point 0); points without a kept record are "
          "sampled again");
    journal.resume();
    CHECK(read(path) == good);
    nines::SweepResults results(plan);
    results.set(0, {5});
    const std::vector<std::size_t> done = {0};
    journal.append(done, results);
  }
  SweepJournal again(path, plan, SamplerChoice::automatic);
  CHECK(again.records().size() == 2);
  CHECK(again.repair_note().empty());
}

TEST_CASE("one flipped byte drops that record only, and says which", "[sweep]") {
  const auto plan = plan_of(text_of_32());
  REQUIRE(plan.points.size() == 32);
  const auto path = temp_path("flip.journal");
  std::vector<std::size_t> all(32);
  for (std::size_t i = 0; i < 32; ++i) all[i] = i;
  make_journal(path, plan, all);

  std::string text = read(path);
  const auto at = text.find("P 4 1000 5 4 4 4 4 4 ");  // record 5 of 32, line 6
  REQUIRE(at != std::string::npos);
  text[at + 11] = '7';
  write(path, text);
  {
    SweepJournal journal(path, plan, SamplerChoice::automatic);
    REQUIRE(journal.found() == JournalFound::this_sweep);
    CHECK(journal.records().size() == 31);
    CHECK(journal.repair_note() ==
          "kept 31 of 32 lines after the header; dropped line 6 (checksum mismatch; apparently "
          "point 4); points without a kept record are sampled again");
    for (const auto& r : journal.records()) CHECK(r.point != 4);
    journal.resume();
  }
  SweepJournal repaired(path, plan, SamplerChoice::automatic);
  CHECK(repaired.records().size() == 31);
  CHECK(repaired.repair_note().empty());
  CHECK(read(path).find("P 4 ") == std::string::npos);
}

TEST_CASE("CRLF line endings are accepted and converted", "[sweep]") {
  const auto plan = plan_of(kText);
  const auto path = temp_path("crlf.journal");
  make_journal(path, plan, {0, 2});
  const std::string lf = read(path);
  std::string crlf;
  for (const char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  write(path, crlf);
  SweepJournal journal(path, plan, SamplerChoice::automatic);
  REQUIRE(journal.found() == JournalFound::this_sweep);
  CHECK(journal.records().size() == 2);
  CHECK(journal.repair_note() == "converted its CRLF (Windows) line endings");
  journal.resume();
  CHECK(read(path) == lf);
}

TEST_CASE("records that do not fit the sweep, duplicates and empty lines are named", "[sweep]") {
  const auto plan = plan_of(kText);
  const auto path = temp_path("fit.journal");
  make_journal(path, plan, {0});
  {
    std::ofstream out(path, std::ios::app);
    out << nines::sweep_journal_record(7, 1000, std::vector<std::uint64_t>{1}) << "\n"
        << nines::sweep_journal_record(1, 1000, std::vector<std::uint64_t>{1}) << "\n"
        << nines::sweep_journal_record(1, 999, std::vector<std::uint64_t>{1, 1}) << "\n"
        << nines::sweep_journal_record(1, 1000, std::vector<std::uint64_t>{600, 500}) << "\n"
        << "\n"
        << nines::sweep_journal_record(0, 1000, std::vector<std::uint64_t>{0}) << "\n"
        << nines::sweep_journal_record(0, 1000, std::vector<std::uint64_t>{3}) << "\n";
  }
  SweepJournal journal(path, plan, SamplerChoice::automatic);
  REQUIRE(journal.found() == JournalFound::this_sweep);
  CHECK(journal.records().size() == 1);
  const std::string& note = journal.repair_note();
  CHECK_THAT(note, Catch::StartsWith("kept 1 of 8 lines after the header; dropped line 3 "
                                     "(does not fit this sweep: point 7 is beyond the sweep's "
                                     "3 points), line 4 (does not fit this sweep: it has 1 "
                                     "count, point 1 has 2 components), line 5 (does not fit "
                                     "this sweep: it records 999 requests, point 1 has 1000), "
                                     "line 6 (does not fit this sweep: its failures exceed "
                                     "its 1000 requests), line 7 (empty) and 2 more lines; "
                                     "points without a kept record are sampled again"));
}

TEST_CASE("a journal of another sweep is told apart, and replaced only on request", "[sweep]") {
  const auto plan = plan_of(kText);
  const auto changed = plan_of(std::string(kText) + "replications: 2\n");
  const auto path = temp_path("c.journal");
  make_journal(path, plan, {0});
  const std::string before = read(path);
  {
    SweepJournal journal(path, changed, SamplerChoice::automatic);
    CHECK(journal.found() == JournalFound::other_sweep);
    CHECK(journal.found_reason() ==
          "it has 3 points, this sweep 6; the sweep file has changed since");
    CHECK(journal.intact_records() == 1);
    CHECK(journal.found_field("sweep-sha256").size() == 64);
    CHECK(journal.records().empty());
  }
  {
    SweepJournal journal(path, plan, SamplerChoice::per_request);
    CHECK(journal.found() == JournalFound::other_sweep);
    CHECK(journal.found_reason() ==
          "it was run with --sampler auto, this run uses --sampler per-request");
  }
  CHECK(read(path) == before);  // looking changes nothing
  {
    SweepJournal journal(path, changed, SamplerChoice::automatic);
    journal.start();  // --restart
  }
  SweepJournal reread(path, changed, SamplerChoice::automatic);
  CHECK(reread.found() == JournalFound::this_sweep);
  CHECK(reread.records().empty());
}

TEST_CASE("a damaged or deleted header is called what it is", "[sweep]") {
  const auto plan = plan_of(kText);
  const auto path = temp_path("h.journal");
  make_journal(path, plan, {0, 1});
  const std::string text = read(path);
  {
    std::string damaged = text;
    damaged[30] = damaged[30] == 'x' ? 'y' : 'x';
    write(path, damaged);
    SweepJournal journal(path, plan, SamplerChoice::automatic);
    CHECK(journal.found() == JournalFound::damaged_header);
    CHECK(journal.found_reason() == "its header line fails its checksum");
    CHECK(journal.intact_records() == 2);
  }
  {
    write(path, text.substr(text.find('\n') + 1));
    SweepJournal journal(path, plan, SamplerChoice::automatic);
    CHECK(journal.found() == JournalFound::damaged_header);
    CHECK(journal.found_reason() == "it has no header line (its first line is a point record)");
    CHECK(journal.intact_records() == 2);
  }
}

TEST_CASE("what is not nines' journal is refused and left alone", "[sweep]") {
  const auto plan = plan_of(kText);
  const auto path = temp_path("foreign.journal");
  std::string random(4096, '\0');
  unsigned state = 12345;
  for (char& c : random) c = static_cast<char>((state = state * 1103515245u + 12345u) >> 16);
  for (const std::string& content :
       {random, std::string("my notes\nabout this sweep\n"), std::string()}) {
    write(path, content);
    CHECK_THROWS_WITH(SweepJournal(path, plan, SamplerChoice::automatic),
                      Catch::Contains("not a nines sweep journal; nines will not read, continue "
                                      "or delete it"));
    CHECK(read(path) == content);
  }
  fs::remove(path);

  write(temp_path("target"), "precious");
  fs::create_symlink(temp_path("target"), path);
  CHECK_THROWS_WITH(SweepJournal(path, plan, SamplerChoice::automatic),
                    Catch::Contains("is a symbolic link"));
  fs::remove(path);
  REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
  CHECK_THROWS_WITH(SweepJournal(path, plan, SamplerChoice::automatic),
                    Catch::Contains("is a FIFO"));
  CHECK(fs::is_fifo(fs::symlink_status(path)));
  fs::remove(path);
}

TEST_CASE("one journal has one writer", "[sweep]") {
  const auto plan = plan_of(kText);
  const auto path = temp_path("d.journal");
  SweepJournal first(path, plan, SamplerChoice::automatic);
  first.start();
  CHECK_THROWS_WITH(SweepJournal(path, plan, SamplerChoice::automatic),
                    Catch::Contains("journal is locked"));
  first.remove();
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("remove deletes only the journal it holds", "[sweep]") {
  const auto plan = plan_of(kText);
  const auto path = temp_path("r.journal");
  SweepJournal journal(path, plan, SamplerChoice::automatic);
  journal.start();
  fs::remove(path);
  write(path, "someone else's");
  journal.remove();
  CHECK(read(path) == "someone else's");
}

TEST_CASE("a rewritten journal stays locked", "[sweep]") {
  const auto plan = plan_of(kText);
  const auto path = temp_path("l.journal");
  make_journal(path, plan, {0});
  {
    std::ofstream out(path, std::ios::app);
    out << "torn";
  }
  SweepJournal journal(path, plan, SamplerChoice::automatic);
  journal.resume();  // rewrites under a new inode
  CHECK_THROWS_WITH(SweepJournal(path, plan, SamplerChoice::automatic),
                    Catch::Contains("journal is locked"));
}

TEST_CASE("journal payloads are generic: any number of counts per point", "[sweep]") {
  const auto path = temp_path("g.journal");
  const nines::SweepJournalIdentity identity{2, "tally=format-2 base-sha256=abc", "auto"};
  const auto check = [](const SweepJournalRecord& r) {
    return r.point < 2 ? std::string() : std::string("point out of range");
  };
  {
    SweepJournal journal(path, identity, check);
    journal.start();
    const std::vector<SweepJournalRecord> records = {
        {1, 1ull << 40, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ~0ull}}, {0, 5, {}}};
    journal.append(records);
  }
  {
    SweepJournal journal(path, identity, check);
    REQUIRE(journal.found() == JournalFound::this_sweep);
    REQUIRE(journal.records().size() == 2);
    CHECK(journal.records()[0].requests == 1ull << 40);
    CHECK(journal.records()[0].counts.size() == 11);
    CHECK(journal.records()[0].counts.back() == ~0ull);
    CHECK(journal.records()[1].counts.empty());
  }
  const nines::SweepJournalIdentity other{2, "tally=format-3 base-sha256=abc", "auto"};
  SweepJournal journal(path, other, check);
  CHECK(journal.found() == JournalFound::other_sweep);
  CHECK(journal.found_reason() == "tally was format-2, is now format-3");
}

TEST_CASE("a repeated point keeps its first record", "[sweep]") {
  const auto plan = plan_of(kText);
  const auto path = temp_path("dup.journal");
  make_journal(path, plan, {0});
  {
    std::ofstream out(path, std::ios::app);
    out << nines::sweep_journal_record(0, 1000, std::vector<std::uint64_t>{0}) << "\n"
        << nines::sweep_journal_record(0, 1000, std::vector<std::uint64_t>{3}) << "\n";
  }
  SweepJournal journal(path, plan, SamplerChoice::automatic);
  REQUIRE(journal.records().size() == 1);
  CHECK(journal.records()[0].counts == std::vector<std::uint64_t>{0});
  CHECK(journal.repair_note() ==
        "kept 1 of 3 lines after the header; dropped line 3 (a second copy of point 0's "
        "record), line 4 (contradicts the earlier record of point 0, which is kept); points "
        "without a kept record are sampled again");
}
