// The output policy (atomic_output.hpp): what may be replaced, temporary files that are
// unique, exclusive and only ever deleted by their creator, one writer per target.
#include "nines/io/atomic_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/base/error.hpp"
#include "nines/io/file_lock.hpp"
#include "nines/io/output_path.hpp"

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
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The caller's side of created(): an exclusive create, as HDF5's H5F_ACC_EXCL does.
void create_exclusively(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fd);
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

}  // namespace

TEST_CASE("atomic_output names a unique temporary file beside the final path", "[atomic_output]") {
  TempDir dir;
  const AtomicOutput a(dir.file("run.h5"), false), b(dir.file("run.h5"), false);
  CHECK(a.final_path() == dir.file("run.h5"));
  const std::string prefix = dir.file("run.h5") + ".partial-";
  REQUIRE(a.temporary_path().size() == prefix.size() + 8);
  CHECK(a.temporary_path().compare(0, prefix.size(), prefix) == 0);
  CHECK(a.temporary_path() != b.temporary_path());
  CHECK_FALSE(a.committed());
  CHECK(dir.entries().empty());  // the constructor creates nothing
}

TEST_CASE("atomic_output commits by renaming into place", "[atomic_output]") {
  TempDir dir;
  AtomicOutput out(dir.file("run.h5"), false);
  create_exclusively(out.temporary_path(), "complete");
  out.created();
  out.commit();
  CHECK(out.committed());
  CHECK(read(dir.file("run.h5")) == "complete");
  CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
}

TEST_CASE("atomic_output::create makes a locked file for plain writers", "[atomic_output]") {
  TempDir dir;
  AtomicOutput out(dir.file("journal"), false);
  const int fd = out.create();
  REQUIRE(::write(fd, "abc", 3) == 3);
  {
    const int other = ::open(out.temporary_path().c_str(), O_RDONLY);
    REQUIRE(other >= 0);
    CHECK(file_is_locked(other, "other"));
    ::close(other);
  }
  // A dup() keeps the file and its lock after commit() closes the writer's descriptor.
  const int kept = ::dup(fd);
  out.commit();
  CHECK(read(dir.file("journal")) == "abc");
  const int other = ::open(dir.file("journal").c_str(), O_RDONLY);
  CHECK(file_is_locked(other, "other"));
  ::close(kept);
  CHECK_FALSE(file_is_locked(other, "other"));
  ::close(other);
}

TEST_CASE("atomic_output deletes an uncommitted temporary file, and only its own",
          "[atomic_output]") {
  TempDir dir;
  std::string temp;
  {
    AtomicOutput out(dir.file("run.h5"), false);
    temp = out.temporary_path();
    create_exclusively(temp, "partial");
    out.created();
  }
  CHECK(dir.entries().empty());
  {
    // Not created() by us (say, the exclusive create lost a race): left alone.
    AtomicOutput out(dir.file("run.h5"), false);
    temp = out.temporary_path();
    write(temp, "someone else's");
  }
  CHECK(dir.entries() == std::vector<std::string>{fs::path(temp).filename().string()});
  fs::remove(temp);
  {
    // Ours, but the name was taken over by another file since: that file is left alone.
    AtomicOutput out(dir.file("run.h5"), false);
    temp = out.temporary_path();
    create_exclusively(temp, "ours");
    out.created();
    fs::remove(temp);
    write(temp, "someone else's");
  }
  CHECK(read(temp) == "someone else's");
}

TEST_CASE("atomic_output refuses existing outputs unless overwriting", "[atomic_output]") {
  TempDir dir;
  write(dir.file("run.h5"), "old");
  CHECK(message_of([&] { AtomicOutput out(dir.file("run.h5"), false); }) ==
        "output file '" + dir.file("run.h5") +
            "' already exists; use --force to overwrite it or -o to choose another name");
  CHECK_THROWS_AS(AtomicOutput(dir.file("run.h5"), false), InputError);

  AtomicOutput out(dir.file("run.h5"), true);
  create_exclusively(out.temporary_path(), "new");
  out.created();
  out.commit();
  CHECK(read(dir.file("run.h5")) == "new");
}

TEST_CASE("atomic_output never replaces a directory, link, FIFO or device, even with --force",
          "[atomic_output]") {
  TempDir dir;
  for (const bool overwrite : {false, true}) {
    CAPTURE(overwrite);
    CHECK_THROWS_WITH(AtomicOutput(dir.path.string(), overwrite),
                      Catch::Contains("is a directory"));

    write(dir.file("target.h5"), "precious");
    fs::create_symlink(dir.file("target.h5"), dir.file("link.h5"));
    CHECK_THROWS_WITH(AtomicOutput(dir.file("link.h5"), overwrite),
                      Catch::Contains("is a symbolic link"));
    fs::create_symlink(dir.file("nowhere.h5"), dir.file("dangling.h5"));
    CHECK_THROWS_WITH(AtomicOutput(dir.file("dangling.h5"), overwrite),
                      Catch::Contains("is a symbolic link"));
    CHECK(read(dir.file("target.h5")) == "precious");
    CHECK_FALSE(fs::exists(dir.file("nowhere.h5")));

    REQUIRE(::mkfifo(dir.file("fifo").c_str(), 0600) == 0);
    CHECK_THROWS_WITH(AtomicOutput(dir.file("fifo"), overwrite),
                      Catch::Contains("is a FIFO (named pipe), not a regular file") &&
                          Catch::Contains("even with --force"));
    CHECK(fs::is_fifo(fs::symlink_status(dir.file("fifo"))));

    // A private device node (the null device's numbers) where we may make one (root, outside
    // restricted containers): refused like /dev/null itself.
    if (::mknod(dir.file("null").c_str(), S_IFCHR | 0600, makedev(1, 3)) == 0) {
      CHECK_THROWS_WITH(AtomicOutput(dir.file("null"), overwrite),
                        Catch::Contains("is a device, not a regular file"));
      CHECK(fs::is_character_file(fs::symlink_status(dir.file("null"))));
    }
    for (const char* name : {"target.h5", "link.h5", "dangling.h5", "fifo", "null"})
      fs::remove(dir.file(name));
  }
  CHECK_THROWS_AS(AtomicOutput(dir.path.string(), true), InputError);
}

TEST_CASE("atomic_output does not clobber a file that appeared after the check",
          "[atomic_output]") {
  TempDir dir;
  {
    AtomicOutput out(dir.file("run.h5"), false);
    create_exclusively(out.temporary_path(), "ours");
    out.created();
    write(dir.file("run.h5"), "theirs");
    CHECK_THROWS_AS(out.commit(), InputError);
    CHECK_FALSE(out.committed());
  }
  CHECK(read(dir.file("run.h5")) == "theirs");
  CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
}

TEST_CASE("atomic_output checks the target again at commit, with --force too", "[atomic_output]") {
  TempDir dir;
  {
    AtomicOutput out(dir.file("run.h5"), true);
    create_exclusively(out.temporary_path(), "ours");
    out.created();
    REQUIRE(::mkfifo(dir.file("run.h5").c_str(), 0600) == 0);
    CHECK_THROWS_WITH(out.commit(), Catch::Contains("is a FIFO"));
  }
  CHECK(fs::is_fifo(fs::symlink_status(dir.file("run.h5"))));
  CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
}

TEST_CASE("atomic_output is never blocked by a leftover temporary file, nor deletes it",
          "[atomic_output]") {
  TempDir dir;
  // What a run killed by SIGKILL leaves: unlocked, so nobody is writing it.
  const std::string leftover = dir.file("run.h5.partial-") + std::to_string(::getpid());
  write(leftover, "left by a killed run");
  AtomicOutput out(dir.file("run.h5"), false);
  create_exclusively(out.temporary_path(), "new");
  out.created();
  out.commit();
  CHECK(read(dir.file("run.h5")) == "new");
  CHECK(read(leftover) == "left by a killed run");
}

TEST_CASE("atomic_output allows one writer per target", "[atomic_output]") {
  TempDir dir;
  AtomicOutput first(dir.file("run.h5"), true);
  first.create();
  // OFD locks conflict between open files of one process too, so this stands for a second run.
  {
    AtomicOutput second(dir.file("run.h5"), true);
    CHECK_THROWS_WITH(second.create(),
                      Catch::Contains("another nines process is writing '" + dir.file("run.h5")) &&
                          Catch::Contains(first.temporary_path()));
    AtomicOutput third(dir.file("run.h5"), true);
    create_exclusively(third.temporary_path(), "x");
    CHECK_THROWS_AS(third.created(), InputError);
  }
  CHECK(dir.entries().size() == 1);  // the losers deleted their own temporary files
  // Another target in the same directory is independent.
  AtomicOutput other(dir.file("run.h5.bak"), true);
  CHECK_NOTHROW(other.create());
  first.commit();
  // The target is written: a new writer needs --force, and is not blocked by a lock.
  AtomicOutput fourth(dir.file("run.h5"), true);
  CHECK_NOTHROW(fourth.create());
}

TEST_CASE("output paths are classified without following links", "[atomic_output]") {
  TempDir dir;
  CHECK(path_kind(dir.file("none")) == PathKind::missing);
  CHECK(path_kind(dir.file("none/below")) == PathKind::missing);
  write(dir.file("f"), "x");
  CHECK(path_kind(dir.file("f")) == PathKind::regular);
  CHECK(path_kind(dir.file("f/below")) == PathKind::missing);  // ENOTDIR
  CHECK(path_kind(dir.path.string()) == PathKind::directory);
  fs::create_symlink(dir.file("f"), dir.file("l"));
  CHECK(path_kind(dir.file("l")) == PathKind::symlink);
  CHECK(path_kind("/dev/null") == PathKind::device);
  CHECK_NOTHROW(check_output_path(dir.file("none"), false));
  CHECK_NOTHROW(check_output_path(dir.file("f"), true));
  CHECK_THROWS_WITH(check_output_path(dir.file("f"), false, "sweep journal"),
                    Catch::StartsWith("sweep journal '"));
  CHECK_THROWS_WITH(check_output_path("/dev/null", true), Catch::Contains("is a device"));
}
