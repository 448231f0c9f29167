#include <zlib.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "nines/io/column_deflate.hpp"
#include "support/inflate.hpp"

// The encoder is checked against zlib's inflater, which is what HDF5's deflate filter (and so
// h5py) decodes chunks with: every stream must inflate to exactly the input, with a valid
// adler32, and nothing may follow the stream's end.

namespace {

std::vector<unsigned char> inflate_all(const std::vector<unsigned char>& stream, std::size_t size,
                                       std::size_t expected) {
  return nines::test::inflate_zlib(stream.data(), size, expected);
}

std::size_t round_trip(const std::vector<unsigned char>& data, std::size_t element,
                       bool store_only = false) {
  nines::ColumnDeflater deflater;
  std::vector<unsigned char> stream;
  const std::size_t size = deflater.compress(data.data(), data.size(), element, stream, store_only);
  REQUIRE(size <= stream.size());
  CHECK(inflate_all(stream, size, data.size()) == data);
  return size;
}

// n outcomes of a chain of k components of reliability r, as the engine stores them: -1 for
// success, else the first failing component, in `element`-byte little-endian integers.
std::vector<unsigned char> outcome_column(std::size_t n, int k, double r, std::size_t element,
                                          std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform;
  std::vector<unsigned char> bytes(n * element);
  for (std::size_t i = 0; i < n; ++i) {
    std::int32_t outcome = -1;
    for (int c = 0; c < k && outcome < 0; ++c)
      if (uniform(rng) >= r) outcome = c;
    std::memcpy(bytes.data() + i * element, &outcome, element);  // little-endian truncation
  }
  return bytes;
}

}  // namespace

TEST_CASE("column deflate round-trips outcome columns of every shape through zlib",
          "[column_deflate]") {
  for (const std::size_t element : {1u, 2u, 4u})
    for (const int k : {1, 8, 50, 300})
      for (const double r : {0.5, 0.9, 0.999, 1.0}) {
        if (element == 1 && k > 127) continue;
        INFO("element " << element << " k " << k << " r " << r);
        const auto column = outcome_column(100'003, k, r, element, 7);
        const std::size_t size = round_trip(column, element);
        CHECK(size < column.size());
      }
}

TEST_CASE("column deflate compresses like zlib's run-length strategy", "[column_deflate]") {
  // Within 20% of Z_RLE either way on the benchmark's chains: the encoder trades nothing
  // that matters in file size for its speed.
  for (const int k : {8, 50})
    for (const double r : {0.9, 0.999}) {
      INFO("k " << k << " r " << r);
      const auto column = outcome_column(1 << 20, k, r, 1, 11);
      const std::size_t ours = round_trip(column, 1);
      z_stream z{};
      REQUIRE(deflateInit2(&z, 1, Z_DEFLATED, 15, 8, Z_RLE) == Z_OK);
      std::vector<unsigned char> out(deflateBound(&z, static_cast<uLong>(column.size())));
      z.next_in = const_cast<Bytef*>(column.data());
      z.avail_in = static_cast<uInt>(column.size());
      z.next_out = out.data();
      z.avail_out = static_cast<uInt>(out.size());
      REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
      const auto theirs = static_cast<double>(z.total_out);
      deflateEnd(&z);
      CHECK(static_cast<double>(ours) < 1.2 * theirs);
      CHECK(static_cast<double>(ours) > 0.8 * theirs);
    }
}

TEST_CASE("column deflate handles the edges of runs, matches and blocks", "[column_deflate]") {
  SECTION("tiny inputs") {
    for (std::size_t n = 1; n <= 20; ++n) {
      round_trip(std::vector<unsigned char>(n, 0xff), 1);
      std::vector<unsigned char> counting(n);
      for (std::size_t i = 0; i < n; ++i) counting[i] = static_cast<unsigned char>(i);
      round_trip(counting, 1);
    }
  }
  SECTION("runs of every length around the match limits") {
    // 258 is the longest match; runs of 259 and 260 leave remainders a match cannot take.
    for (std::size_t run = 1; run <= 800; ++run) {
      std::vector<unsigned char> data(3 + run + 1 + run, 4);
      data[0] = 1;
      data[1] = 2;
      data[2] = 3;
      std::fill_n(data.begin() + 3, run, 9);
      round_trip(data, 1);
    }
  }
  SECTION("one value throughout") {
    CHECK(round_trip(std::vector<unsigned char>(1 << 20, 0xff), 1) < 5000);
    CHECK(round_trip(std::vector<unsigned char>(1 << 20, 0xff), 4) < 5000);
  }
  SECTION("repeated multi-byte elements are runs at that width") {
    std::vector<unsigned char> data(40000);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = i % 2 == 0 ? 0x34 : 0x12;
    CHECK(round_trip(data, 2) < 200);
    CHECK(round_trip(data, 4) < 200);
  }
  SECTION("incompressible bytes fall back to stored blocks") {
    std::mt19937_64 rng(3);
    for (const std::size_t n : {1u, 1000u, 65535u, 65536u, 200'000u}) {
      std::vector<unsigned char> data(n);
      for (auto& b : data) b = static_cast<unsigned char>(rng());
      const std::size_t size = round_trip(data, 1);
      CHECK(size <= n + 11 + 5 * (n / 65535));
    }
  }
  SECTION("skewed byte frequencies need length-limited codes") {
    // Fibonacci-like counts would give a Huffman tree deeper than deflate's 15 bits.
    std::vector<unsigned char> data;
    std::uint64_t a = 1, b = 1;
    for (unsigned char symbol = 0; symbol < 27; ++symbol) {
      // Interleave so that no symbol forms runs.
      for (std::uint64_t i = 0; i < a; ++i) data.push_back(symbol);
      const std::uint64_t next = a + b;
      a = b;
      b = next;
    }
    std::shuffle(data.begin(), data.end(), std::mt19937_64(5));
    round_trip(data, 1);
  }
  SECTION("stored blocks on request") {
    const auto column = outcome_column(100'000, 8, 0.9, 1, 3);
    CHECK(round_trip(column, 1, true) == column.size() + 2 + 4 + 5 * 2);
    round_trip(std::vector<unsigned char>{}, 1, true);
  }
}

TEST_CASE("column deflate writes the same bytes every time", "[column_deflate]") {
  const auto column = outcome_column(300'000, 8, 0.99, 1, 9);
  nines::ColumnDeflater first, reused;
  std::vector<unsigned char> a, b;
  const std::size_t na = first.compress(column.data(), column.size(), 1, a);
  reused.compress(outcome_column(5000, 50, 0.5, 1, 1).data(), 5000, 1, b);  // dirty its scratch
  const std::size_t nb = reused.compress(column.data(), column.size(), 1, b);
  a.resize(na);
  b.resize(nb);
  CHECK(a == b);
}

TEST_CASE("column deflate round-trips random mixtures of runs and noise", "[column_deflate]") {
  // Stretches of repeated elements of random lengths between random bytes, at every element
  // width the writers use and a few they do not, with sizes that end anywhere in a block.
  std::mt19937_64 rng(2026);
  nines::ColumnDeflater deflater;  // one encoder for all cases, as a writer thread keeps one
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t element = std::array<std::size_t, 6>{1, 2, 3, 4, 8, 16}[rng() % 6];
    const std::size_t size = 1 + rng() % 100'000;
    std::vector<unsigned char> data;
    data.reserve(size);
    while (data.size() < size) {
      if (rng() % 2 == 0 || data.size() < element) {
        for (std::size_t k = rng() % 40; k > 0 && data.size() < size; --k)
          data.push_back(static_cast<unsigned char>(rng() % (1 + rng() % 256)));
      } else {
        for (std::size_t k = rng() % 2000; k > 0 && data.size() < size; --k)
          data.push_back(data[data.size() - element]);
      }
    }
    INFO("trial " << trial << " element " << element << " size " << size);
    std::vector<unsigned char> stream;
    const std::size_t n = deflater.compress(data.data(), data.size(), element, stream);
    REQUIRE(inflate_all(stream, n, data.size()) == data);
  }
}
