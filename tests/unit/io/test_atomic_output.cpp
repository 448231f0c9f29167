#include "nines/io/atomic_output.hpp"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "nines/base/error.hpp"

namespace fs = std::filesystem;
using namespace nines;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() / ("nines-test-atomic-output-" + std::to_string(::getpid()) +
                                        "-" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("atomic_output names its temporary file after the final path and pid",
          "[atomic_output]") {
  TempDir dir;
  const AtomicOutput out(dir.file("run.h5"), false);
  CHECK(out.final_path() == dir.file("run.h5"));
  CHECK(out.temporary_path() == dir.file("run.h5") + ".partial-" + std::to_string(::getpid()));
  CHECK_FALSE(out.committed());
}

TEST_CASE("atomic_output commits by renaming into place", "[atomic_output]") {
  TempDir dir;
  AtomicOutput out(dir.file("run.h5"), false);
  write(out.temporary_path(), "complete");
  out.created();
  out.commit();
  CHECK(out.committed());
  CHECK(read(dir.file("run.h5")) == "complete");
  CHECK_FALSE(fs::exists(out.temporary_path()));
}

TEST_CASE("atomic_output deletes an uncommitted temporary file, and only its own",
          "[atomic_output]") {
  TempDir dir;
  std::string temp;
  {
    AtomicOutput out(dir.file("run.h5"), false);
    temp = out.temporary_path();
    write(temp, "partial");
    out.created();
  }
  CHECK_FALSE(fs::exists(temp));
  {
    // Not created() by us (say, the exclusive create lost a race): left alone.
    AtomicOutput out(dir.file("run.h5"), false);
    write(temp, "someone else's");
  }
  CHECK(fs::exists(temp));
}

TEST_CASE("atomic_output refuses existing outputs unless overwriting", "[atomic_output]") {
  TempDir dir;
  write(dir.file("run.h5"), "old");
  try {
    AtomicOutput out(dir.file("run.h5"), false);
    FAIL("expected InputError");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) ==
          "output file '" + dir.file("run.h5") +
              "' already exists; use --force to overwrite it or -o to choose another name");
  }
  CHECK_THROWS_AS(AtomicOutput(dir.path.string(), true), InputError);  // a directory

  AtomicOutput out(dir.file("run.h5"), true);
  write(out.temporary_path(), "new");
  out.created();
  out.commit();
  CHECK(read(dir.file("run.h5")) == "new");
}

TEST_CASE("atomic_output does not clobber a file that appeared after the check",
          "[atomic_output]") {
  TempDir dir;
  std::string temp;
  {
    AtomicOutput out(dir.file("run.h5"), false);
    temp = out.temporary_path();
    write(temp, "ours");
    out.created();
    write(dir.file("run.h5"), "theirs");
    CHECK_THROWS_AS(out.commit(), InputError);
    CHECK_FALSE(out.committed());
  }
  CHECK(read(dir.file("run.h5")) == "theirs");
  CHECK_FALSE(fs::exists(temp));
}

TEST_CASE("atomic_output refuses a leftover temporary file", "[atomic_output]") {
  TempDir dir;
  const std::string temp = dir.file("run.h5") + ".partial-" + std::to_string(::getpid());
  write(temp, "left by a killed run");
  CHECK_THROWS_AS(AtomicOutput(dir.file("run.h5"), false), IOError);
  CHECK(fs::exists(temp));
}
