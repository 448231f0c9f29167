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
std::vector<T> round_trip(const std::vector<T>& values, bool shuffled, int level,
                          nines::ColumnCodec codec = nines::ColumnCodec::zlib) {
  TempFile temp;
  {
    File file = File::create_exclusive(temp.path.string());
    const auto layout = DatasetLayout::unlimited().chunked(1000).deflate(level);
    nines::ColumnAppender appender(
        file.create_dataset("data", element_type_of<T>(), layout.shuffled(shuffled)), sizeof(T),
        shuffled, level, codec);
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

TEST_CASE("column appender's small-integer codec writes what HDF5 reads back", "[hdf5]") {
  // Small codes as the /failures columns hold them: mostly one value, some others, -1s.
  const auto codes = [](std::size_t n) {
    std::vector<std::int16_t> v(n);
    std::mt19937_64 rng(n);
    for (auto& value : v) value = static_cast<std::int16_t>(rng() % 8 == 0 ? rng() % 300 : 1);
    if (n > 2) v[n / 2] = -1;
    return v;
  };
  constexpr auto small = nines::ColumnCodec::small_integers;
  for (const std::size_t n : {0u, 1u, 999u, 1000u, 1001u, 5500u, 20'000u}) {
    INFO("n " << n);
    CHECK(round_trip(codes(n), true, 1, small) == codes(n));
    CHECK(round_trip(codes(n), false, 1, small) == codes(n));
    CHECK(round_trip(codes(n), true, 0, small) == codes(n));
    CHECK(round_trip(increasing<std::int8_t>(n), false, 1, small) == increasing<std::int8_t>(n));
    CHECK(round_trip(increasing<std::uint64_t>(n), true, 1, small) == increasing<std::uint64_t>(n));
  }
}

TEST_CASE("a constant column writes no chunk and reads back as its fill value", "[hdf5]") {
  for (const std::size_t n : {0u, 1u, 1000u, 2345u}) {
    INFO("n " << n);
    TempFile temp;
    {
      File file = File::create_exclusive(temp.path.string());
      const auto layout = DatasetLayout::unlimited().chunked(1000).deflate(1).shuffled();
      nines::ColumnAppender appender(
          file.create_dataset("data", ElementType::int16, layout.filled(-1)), 2, true, 1);
      const std::int16_t minus_one = -1;
      appender.make_constant({reinterpret_cast<const unsigned char*>(&minus_one), 2});
      const std::vector<std::int16_t> values(n, -1);
      appender.append(values.data(), n / 3);
      appender.append(values.data(), n - n / 3);
      CHECK(appender.size() == n);
      appender.close();
      file.close();
    }
    File file = File::open_read_only(temp.path.string());
    CHECK(file.open_dataset("data").read<std::int16_t>() == std::vector<std::int16_t>(n, -1));
    CHECK(fs::file_size(temp.path) < 8192);  // no chunk stored
  }
}

TEST_CASE("a constant column refuses another value and a late declaration", "[hdf5]") {
  TempFile temp;
  File file = File::create_exclusive(temp.path.string());
  const auto layout = DatasetLayout::unlimited().chunked(100).deflate(1);
  nines::ColumnAppender appender(file.create_dataset("a", ElementType::int8, layout.filled(0)), 1,
                                 false, 1);
  const std::int8_t zero = 0;
  appender.make_constant({reinterpret_cast<const unsigned char*>(&zero), 1});
  const std::int8_t values[] = {0, 0, 3, 0};
  CHECK_THROWS_AS(appender.append(values, 4), std::logic_error);
  nines::ColumnAppender late(file.create_dataset("b", ElementType::int8, layout.filled(0)), 1,
                             false, 1);
  late.append(values, 1);
  CHECK_THROWS_AS(late.make_constant({reinterpret_cast<const unsigned char*>(&zero), 1}),
                  std::logic_error);
  CHECK_THROWS_AS(appender.make_constant({reinterpret_cast<const unsigned char*>(values), 2}),
                  std::logic_error);
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

TEST_CASE("column appender appends a 2-D dataset row by row", "[hdf5]") {
  // A table of tables (histories x kinds): chunks of whole rows, appended in pieces of whole
  // rows; HDF5 reads it back as rows x columns, with the last chunk partial.
  for (const std::uint64_t rows : {0u, 1u, 333u, 1000u, 2345u}) {
    INFO("rows " << rows);
    constexpr std::uint64_t kColumns = 3;
    std::vector<double> values(rows * kColumns);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = 0.5 * static_cast<double>(i);
    TempFile temp;
    {
      File file = File::create_exclusive(temp.path.string());
      const auto layout =
          DatasetLayout::unlimited().chunked(100).deflate(1).shuffled().with_columns(kColumns);
      Dataset dataset = file.create_dataset("data", ElementType::float64, layout);
      CHECK(dataset.shape() == std::vector<std::uint64_t>{0, kColumns});
      CHECK(dataset.chunk_length() == 100 * kColumns);
      CHECK(dataset.row_length() == kColumns);
      nines::ColumnAppender appender(std::move(dataset), 8, true, 1);
      std::mt19937_64 rng(rows);
      for (std::uint64_t at = 0; at < rows;) {
        const std::uint64_t n = std::min<std::uint64_t>(rows - at, rng() % 250);
        appender.append(values.data() + at * kColumns, n * kColumns);
        at += n;
      }
      appender.close();
      file.close();
    }
    File file = File::open_read_only(temp.path.string());
    Dataset data = file.open_dataset("data");
    CHECK(data.shape() == std::vector<std::uint64_t>{rows, kColumns});
    CHECK(data.read<double>() == values);
  }
}

TEST_CASE("a 2-D column refuses to end inside a row", "[hdf5]") {
  TempFile temp;
  File file = File::create_exclusive(temp.path.string());
  const auto layout = DatasetLayout::unlimited().chunked(10).deflate(1).with_columns(4);
  nines::ColumnAppender appender(file.create_dataset("a", ElementType::int8, layout), 1, false, 1);
  const std::int8_t values[6] = {};
  appender.append(values, 6);
  CHECK_THROWS_AS(appender.close(), std::logic_error);
}
