// Dense chunks as HDF5's deflate filter stores them: a zlib stream that inflates to the
// outcomes, padded with -1 to the full chunk length, at every outcome width and level.
#include "nines/io/dense_chunk_codec.hpp"

#include <zlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "support/inflate.hpp"

namespace {

std::vector<unsigned char> inflate_stream(const std::vector<unsigned char>& stream,
                                          std::size_t expected) {
  return nines::test::inflate_zlib(stream.data(), stream.size(), expected);
}

template <class T>
std::vector<unsigned char> bytes_of(const std::vector<T>& values) {
  std::vector<unsigned char> out(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

// Outcomes of a mostly reliable chain: -1 with a few component indices in between.
template <class T>
std::vector<T> outcomes(std::size_t n, int components) {
  std::vector<T> out(n, T{-1});
  for (std::size_t i = 7; i < n; i += 97) out[i] = static_cast<T>((i / 97) % components);
  return out;
}

}  // namespace

TEST_CASE("a full dense chunk inflates to its outcomes at every width and level",
          "[dense_chunk_codec]") {
  for (const int level : {0, 1, 6}) {
    INFO("level " << level);
    const auto a = outcomes<std::int8_t>(4096, 100);
    const auto b = outcomes<std::int16_t>(4096, 30000);
    const auto c = outcomes<std::int32_t>(4096, 1'000'000);
    nines::CompressedChunk out;
    nines::compress_dense_chunk(nines::OutcomeType::int8, 4096, level, a.data(), a.size(), out);
    CHECK(inflate_stream(out.bytes, 4096) == bytes_of(a));
    nines::compress_dense_chunk(nines::OutcomeType::int16, 4096, level, b.data(), b.size(), out);
    CHECK(inflate_stream(out.bytes, 2 * 4096) == bytes_of(b));
    nines::compress_dense_chunk(nines::OutcomeType::int32, 4096, level, c.data(), c.size(), out);
    CHECK(inflate_stream(out.bytes, 4 * 4096) == bytes_of(c));
  }
}

TEST_CASE("a short last chunk is padded with -1 to the chunk length", "[dense_chunk_codec]") {
  const auto head = outcomes<std::int16_t>(1000, 500);
  nines::CompressedChunk out;
  nines::compress_dense_chunk(nines::OutcomeType::int16, 1024, 6, head.data(), head.size(), out);
  std::vector<std::int16_t> expected(1024, std::int16_t{-1});
  std::copy(head.begin(), head.end(), expected.begin());
  CHECK(inflate_stream(out.bytes, 2 * 1024) == bytes_of(expected));

  // No outcomes at all: a chunk of fill only.
  nines::compress_dense_chunk(nines::OutcomeType::int32, 256, 6, nullptr, 0, out);
  CHECK(inflate_stream(out.bytes, 4 * 256) == bytes_of(std::vector<std::int32_t>(256, -1)));
}

TEST_CASE("a chunk holding more outcomes than its length is refused", "[dense_chunk_codec]") {
  const auto many = outcomes<std::int8_t>(11, 5);
  nines::CompressedChunk out;
  CHECK_THROWS_AS(
      nines::compress_dense_chunk(nines::OutcomeType::int8, 10, 6, many.data(), many.size(), out),
      std::invalid_argument);
}

TEST_CASE("level 0 stores, other levels compress a mostly reliable chunk", "[dense_chunk_codec]") {
  const auto data = outcomes<std::int8_t>(1 << 16, 100);
  nines::CompressedChunk stored, deflated;
  nines::compress_dense_chunk(nines::OutcomeType::int8, data.size(), 0, data.data(), data.size(),
                              stored);
  nines::compress_dense_chunk(nines::OutcomeType::int8, data.size(), 6, data.data(), data.size(),
                              deflated);
  CHECK(stored.bytes.size() >= data.size());  // stored blocks carry every byte
  CHECK(deflated.bytes.size() < data.size() / 4);
  CHECK(inflate_stream(stored.bytes, data.size()) == bytes_of(data));
  CHECK(inflate_stream(deflated.bytes, data.size()) == bytes_of(data));
}

TEST_CASE("deflate_padded pads with the fill byte and reuses a larger buffer",
          "[dense_chunk_codec]") {
  const std::vector<std::uint32_t> values{1, 2, 3};
  std::vector<unsigned char> buffer(1 << 16, 0);
  const std::size_t used = nines::deflate_padded(values.data(), values.size(),
                                                 sizeof(std::uint32_t), 5, 0xab, 6, buffer);
  CHECK(buffer.size() == std::size_t{1} << 16);  // grown, never shrunk
  REQUIRE(used <= buffer.size());
  std::vector<unsigned char> stream(buffer.begin(), buffer.begin() + static_cast<long>(used));
  std::vector<unsigned char> expected(5 * sizeof(std::uint32_t), 0xab);
  std::memcpy(expected.data(), values.data(), values.size() * sizeof(std::uint32_t));
  CHECK(inflate_stream(stream, expected.size()) == expected);
}
