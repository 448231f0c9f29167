#include "nines/io/column_appender.hpp"

#include <unistd.h>

#include <oneapi/tbb/task_arena.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

// Datasets written through ColumnAppender (compressed on the pool, direct chunk writes) must
// read back through HDF5's own filters exactly as if H5Dwrite had written them.

namespace fs = std::filesystem;
using namespace nines::hdf5;

namespace {

struct TempFile {
  fs::path path;
  TempFile() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() / ("nines-test-appender-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(counter++) + ".h5");
    fs::remove(path);
  }
  ~TempFile() {
    std::error_code ignored;
    fs::remove(path, ignored);
  }
};

// Appends `values` in pieces of random sizes (some empty, some spanning several chunks) and
// reads the dataset back.
template <class T>
std::vector<T> round_trip(const std::vector<T>& values, bool shuffled, int level) {
  TempFile temp;
  {
    File file = File::create_exclusive(temp.path.string());
    const auto layout = DatasetLayout::unlimited().chunked(1000).deflate(level);
    nines::ColumnAppender appender(
        file.create_dataset("data", element_type_of<T>(), layout.shuffled(shuffled)), sizeof(T),
        shuffled, level);
    std::mt19937_64 rng(values.size());
    for (std::size_t at = 0; at < values.size();) {
      const std::size_t n = std::min<std::size_t>(values.size() - at, rng() % 2500);
      appender.append(values.data() + at, n);
      at += n;
      REQUIRE(appender.size() == at);
    }
    appender.close();
    file.close();
  }
  File file = File::open_read_only(temp.path.string());
  Dataset data = file.open_dataset("data");
  CHECK(data.chunk_length() == 1000);
  CHECK(data.filters() == (shuffled ? std::vector<Filter>{Filter::shuffle, Filter::deflate}
                                    : std::vector<Filter>{Filter::deflate}));
  return data.read<T>();
}

template <class T>
std::vector<T> increasing(std::size_t n) {
  std::vector<T> v(n);
  std::uint64_t x = 1'000'000'007;
  std::mt19937_64 rng(n);
  for (auto& value : v) value = static_cast<T>(x += 1 + rng() % 5);
  return v;
}

}  // namespace

TEST_CASE("column appender writes what HDF5 reads back, chunk edges included", "[hdf5]") {
  for (const std::size_t n : {0u, 1u, 999u, 1000u, 1001u, 5500u, 20'000u}) {
    INFO("n " << n);
    CHECK(round_trip(increasing<std::uint64_t>(n), true, 1) == increasing<std::uint64_t>(n));
    CHECK(round_trip(increasing<std::int16_t>(n), true, 6) == increasing<std::int16_t>(n));
    CHECK(round_trip(increasing<std::int8_t>(n), false, 1) == increasing<std::int8_t>(n));
    CHECK(round_trip(increasing<std::uint64_t>(n), true, 0) == increasing<std::uint64_t>(n));
  }
}

TEST_CASE("column appender on one thread compresses inline", "[hdf5]") {
  // No worker to hand chunks to: the appending thread must do the work itself, not wait.
  tbb::task_arena one(1);
  one.execute([] {
    const auto values = increasing<std::uint64_t>(12'345);
    CHECK(round_trip(values, true, 1) == values);
  });
}

TEST_CASE("column appender refuses a dataset whose filters it would not match", "[hdf5]") {
  TempFile temp;
  File file = File::create_exclusive(temp.path.string());
  const auto layout = DatasetLayout::unlimited().chunked(100).deflate(1);
  CHECK_THROWS_AS(
      nines::ColumnAppender(file.create_dataset("a", ElementType::uint64, layout), 8, true, 1),
      std::logic_error);
  CHECK_THROWS_AS(
      nines::ColumnAppender(file.create_dataset("b", ElementType::uint64, DatasetLayout::fixed(10)),
                            8, false, 1),
      std::logic_error);
}

TEST_CASE("shuffle_bytes is HDF5's byte transposition", "[hdf5]") {
  const unsigned char in[] = {1, 2, 3, 4, 5, 6};  // three 2-byte elements
  unsigned char out[6] = {};
  nines::shuffle_bytes(in, 3, 2, out);
  CHECK(std::vector<unsigned char>(out, out + 6) == std::vector<unsigned char>{1, 3, 5, 2, 4, 6});
}
