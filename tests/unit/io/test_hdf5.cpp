#include "nines/io/hdf5.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <zlib.h>

#include <catch2/catch.hpp>

#include "nines/base/error.hpp"

namespace fs = std::filesystem;
using namespace nines::hdf5;

namespace {

// A fresh directory per test, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("nines-test-hdf5-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

}  // namespace

TEST_CASE("hdf5 attributes round trip with their types", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("attributes.h5");
  {
    File file = File::create_exclusive(path);
    file.write_attribute("text", "héllo wörld");
    file.write_attribute("empty", "");
    file.write_attribute("u64", std::numeric_limits<std::uint64_t>::max());
    file.write_attribute("i64", std::int64_t{-5});
    file.write_attribute("i8", std::int8_t{1});
    file.write_attribute("inf", std::numeric_limits<double>::infinity());
    file.write_attribute("nan", std::numeric_limits<double>::quiet_NaN());
    file.write_attribute("pi", 3.141592653589793);
    Group group = file.create_group("group");
    group.write_attribute("inner", "yes");
    group.close();
    file.close();
    CHECK_FALSE(file.is_open());
  }
  File file = File::open_read_only(path);
  CHECK(file.read_string_attribute("text") == "héllo wörld");
  CHECK(file.read_string_attribute("empty").empty());
  CHECK(file.read_attribute<std::uint64_t>("u64") == std::numeric_limits<std::uint64_t>::max());
  CHECK(file.read_attribute<std::int64_t>("i64") == -5);
  CHECK(file.read_attribute<std::int8_t>("i8") == 1);
  CHECK(file.read_attribute<double>("inf") == std::numeric_limits<double>::infinity());
  CHECK(std::isnan(file.read_attribute<double>("nan")));
  CHECK(file.read_attribute<double>("pi") == 3.141592653589793);
  CHECK(file.has_attribute("pi"));
  CHECK_FALSE(file.has_attribute("missing"));
  CHECK(file.contains("group"));
  CHECK_FALSE(file.contains("nothing"));
  CHECK(file.open_group("group").read_string_attribute("inner") == "yes");
}

TEST_CASE("hdf5 contiguous datasets of every element type round trip", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("datasets.h5");
  const std::vector<std::string> names = {"alpha", "", "ünïcode", "gamma"};
  const std::vector<double> doubles = {0.5, -1, 1e-300, std::numeric_limits<double>::infinity()};
  const std::vector<std::uint64_t> big = {0, 1, std::numeric_limits<std::uint64_t>::max()};
  const std::vector<std::int8_t> small = {-1, 0, 127, -128};
  const std::vector<std::int16_t> medium = {-1, 32767};
  const std::vector<std::int32_t> wide = {-1, 1 << 30};
  {
    File file = File::create_exclusive(path);
    file.write_string_dataset("names", names);
    file.write_string_dataset("no_names", std::vector<std::string>{});
    file.write_dataset<double>("doubles", doubles);
    file.write_dataset<std::uint64_t>("big", big);
    file.write_dataset<std::int8_t>("small", small);
    file.write_dataset<std::int16_t>("medium", medium);
    file.write_dataset<std::int32_t>("wide", wide);
    file.close();
  }
  File file = File::open_read_only(path);
  CHECK(file.open_dataset("names").read_strings() == names);
  CHECK(file.open_dataset("no_names").read_strings().empty());
  CHECK(file.open_dataset("doubles").read<double>() == doubles);
  CHECK(file.open_dataset("big").read<std::uint64_t>() == big);
  CHECK(file.open_dataset("small").read<std::int8_t>() == small);
  CHECK(file.open_dataset("medium").read<std::int16_t>() == medium);
  CHECK(file.open_dataset("wide").read<std::int32_t>() == wide);
  CHECK(file.open_dataset("doubles").chunk_length() == 0);
  CHECK(file.open_dataset("doubles").filters().empty());
}

TEST_CASE("hdf5 extendible datasets append across chunks", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("append.h5");
  std::vector<std::uint64_t> expected;
  {
    File file = File::create_exclusive(path);
    Dataset data = file.create_dataset(
        "data", ElementType::uint64, DatasetLayout::unlimited().chunked(10).shuffled().deflate(6));
    for (std::uint64_t round = 0; round < 7; ++round) {
      std::vector<std::uint64_t> piece(round * 3 + 1);
      for (auto& value : piece) value = expected.size() * 1000 + (&value - piece.data());
      data.append<std::uint64_t>(piece);
      expected.insert(expected.end(), piece.begin(), piece.end());
      CHECK(data.size() == expected.size());
    }
    data.append<std::uint64_t>({});
    data.close();
    file.close();
  }
  File file = File::open_read_only(path);
  Dataset data = file.open_dataset("data");
  CHECK(data.read<std::uint64_t>() == expected);
  CHECK(data.chunk_length() == 10);
  CHECK(data.extendible());
  CHECK(data.filters() == std::vector<Filter>{Filter::shuffle, Filter::deflate});
}

TEST_CASE("hdf5 direct chunk writes of deflated data read back through the filter", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("chunks.h5");
  constexpr std::size_t kChunk = 100;
  auto deflate = [](const std::vector<std::int16_t>& values) {
    std::vector<unsigned char> out(compressBound(values.size() * 2));
    uLongf size = out.size();
    REQUIRE(compress2(out.data(), &size, reinterpret_cast<const Bytef*>(values.data()),
                      values.size() * 2, 1) == Z_OK);
    out.resize(size);
    return out;
  };
  std::vector<std::int16_t> first(kChunk), last(kChunk, -1);
  for (std::size_t i = 0; i < kChunk; ++i) first[i] = static_cast<std::int16_t>(i * 3);
  for (std::size_t i = 0; i < 50; ++i) last[i] = static_cast<std::int16_t>(-i);
  {
    File file = File::create_exclusive(path);
    // 250 elements in chunks of 100: chunk 1 is never written and reads as the fill value.
    Dataset data =
        file.create_dataset("data", ElementType::int16,
                            DatasetLayout::fixed(250).chunked(kChunk).deflate(1).filled(-1));
    data.write_chunk(200, deflate(last));
    data.write_chunk(0, deflate(first));
    CHECK_THROWS_AS(data.write_chunk(33, deflate(first)), nines::IOError);
    data.close();
    file.close();
  }
  File file = File::open_read_only(path);
  const auto values = file.open_dataset("data").read<std::int16_t>();
  REQUIRE(values.size() == 250);
  for (std::size_t i = 0; i < kChunk; ++i) CHECK(values[i] == first[i]);
  for (std::size_t i = 100; i < 200; ++i) CHECK(values[i] == -1);
  for (std::size_t i = 0; i < 50; ++i) CHECK(values[200 + i] == last[i]);
}

TEST_CASE("hdf5 failures throw IOError naming the operation and object and cause", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("errors.h5");
  File file = File::create_exclusive(path);
  file.write_attribute("once", "1");

  try {
    file.write_attribute("once", "2");
    FAIL("expected an IOError");
  } catch (const nines::IOError& error) {
    const std::string message = error.what();
    CHECK_THAT(message,
               Catch::StartsWith("cannot write attribute 'once' of '/' in '" + path + "': "));
    CHECK_THAT(message, Catch::Contains("exists"));
  }
  CHECK_THROWS_WITH(file.open_dataset("missing"),
                    Catch::StartsWith("cannot open dataset '/missing' in '" + path + "': "));
  CHECK_THROWS_AS(file.write_attribute("nul", std::string("a\0b", 3)), nines::IOError);
  CHECK_THROWS_AS(file.create_dataset("bad", ElementType::int8, DatasetLayout::fixed(4).deflate(1)),
                  std::invalid_argument);
  Dataset fixed =
      file.create_dataset("fixed", ElementType::int8, DatasetLayout::fixed(4).chunked(2));
  CHECK_THROWS_AS(fixed.write_at<std::int8_t>(3, std::vector<std::int8_t>{1, 2}),
                  std::out_of_range);
  CHECK_THROWS_AS(fixed.append<std::int8_t>(std::vector<std::int8_t>{1}), nines::IOError);

  // Exclusive create refuses an existing file; a missing directory names the path.
  CHECK_THROWS_WITH(File::create_exclusive(path),
                    Catch::StartsWith("cannot create HDF5 file '" + path + "': "));
  const std::string missing = dir.file("no/such/dir.h5");
  CHECK_THROWS_WITH(File::create_exclusive(missing),
                    Catch::StartsWith("cannot create HDF5 file '" + missing + "': ") &&
                        Catch::Contains("No such file or directory"));
  CHECK_THROWS_WITH(File::open_read_only(missing),
                    Catch::StartsWith("cannot open HDF5 file '" + missing + "': "));
}

TEST_CASE("hdf5 handles are move-only and close once", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("move.h5");
  File file = File::create_exclusive(path);
  Group group = file.create_group("g");
  Group moved = std::move(group);
  CHECK(moved.is_open());
  CHECK_FALSE(group.is_open());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  // A file created here refuses to close while one of its objects is open.
  CHECK_THROWS_AS(file.close(), nines::IOError);
}

TEST_CASE("hdf5 a file whose writes and close fail still lets the process exit normally",
          "[hdf5]") {
  // HDF5 1.10 keeps the identifier of a file whose close failed and crashed in its exit
  // handler (SIGSEGV instead of exit 1 on a full disk). In a child process, so that the file
  // size limit and the abandoned file stay there.
  TempDir dir;
  const std::string path = dir.file("full.h5");
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);  // what nines' main() does: EFBIG instead of a signal
    const rlimit limit{4096, 4096};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    int code = 1;
    try {
      File file = File::create_exclusive(path);
      const std::vector<std::int64_t> data(1 << 16, 7);
      file.write_dataset<std::int64_t>("x", data).close();
      file.close();
    } catch (const nines::IOError& e) {
      code = std::string(e.what()).find("File too large") != std::string::npos ? 42 : 2;
    }
    std::exit(code);  // runs the exit handlers, which used to crash
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 42);
}
