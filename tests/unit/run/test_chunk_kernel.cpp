// EncodedChunk, what travels between a kernel and a store, and between MPI ranks: reset keeps
// its buffers, and the wire form reads back exactly or fails cleanly on damaged bytes.
#include "nines/run/chunk_kernel.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

using nines::EncodedChunk;

namespace {
std::vector<unsigned char> wire_of(const EncodedChunk& chunk) {
  std::vector<unsigned char> wire;
  chunk.append_to(wire);
  return wire;
}

void put(std::vector<unsigned char>& out, std::uint64_t v) {
  unsigned char bytes[sizeof v];
  std::memcpy(bytes, &v, sizeof v);
  out.insert(out.end(), bytes, bytes + sizeof v);
}

EncodedChunk read_all(const std::vector<unsigned char>& wire) {
  EncodedChunk out;
  const unsigned char* end = EncodedChunk::read_from(wire.data(), wire.data() + wire.size(), out);
  CHECK(end == wire.data() + wire.size());
  return out;
}
}  // namespace

TEST_CASE("reset empties the parts and keeps their buffers", "[chunk_kernel]") {
  EncodedChunk chunk;
  chunk.reset(3, 100, 2);
  CHECK(chunk.chunk == 3);
  CHECK(chunk.requests == 100);
  REQUIRE(chunk.parts.size() == 2);
  chunk.parts[0].assign(4096, 7);
  const unsigned char* buffer = chunk.parts[0].data();
  chunk.reset(4, 50, 2);
  CHECK(chunk.chunk == 4);
  CHECK(chunk.requests == 50);
  CHECK(chunk.parts[0].empty());
  CHECK(chunk.parts[0].capacity() >= 4096);
  chunk.parts[0].resize(10);
  CHECK(chunk.parts[0].data() == buffer);  // the worker reuses it: no allocation per chunk
  chunk.reset(5, 1, 1);
  CHECK(chunk.parts.size() == 1);
  chunk.reset(6, 1, 3);
  CHECK(chunk.parts.size() == 3);
  for (const auto& part : chunk.parts) CHECK(part.empty());
}

TEST_CASE("encoded chunks cross the wire intact", "[chunk_kernel]") {
  EncodedChunk a;
  a.reset(7, 100, 3);
  a.parts[0] = {1, 2, 3};
  a.parts[2] = {9};
  EncodedChunk b;
  b.reset(8, 5, 1);
  std::vector<unsigned char> wire;
  a.append_to(wire);
  b.append_to(wire);
  // chunk, requests, count, then a length per part: 8 bytes each.
  CHECK(wire.size() == (3 + 3) * 8 + 4 + (3 + 1) * 8);
  EncodedChunk x, y;
  const unsigned char* p = EncodedChunk::read_from(wire.data(), wire.data() + wire.size(), x);
  CHECK(p == wire.data() + wire_of(a).size());
  p = EncodedChunk::read_from(p, wire.data() + wire.size(), y);
  CHECK(p == wire.data() + wire.size());
  CHECK(x.chunk == 7);
  CHECK(x.requests == 100);
  CHECK(x.parts == a.parts);
  CHECK(y.chunk == 8);
  CHECK(y.requests == 5);
  CHECK(y.parts.size() == 1);
  CHECK(y.parts[0].empty());
}

TEST_CASE("the wire keeps extreme values and large parts", "[chunk_kernel]") {
  EncodedChunk big;
  big.reset(std::numeric_limits<std::uint64_t>::max(), std::uint64_t{1} << 62, 2);
  big.parts[1].resize(1 << 20);
  for (std::size_t i = 0; i < big.parts[1].size(); ++i)
    big.parts[1][i] = static_cast<unsigned char>(i * 131 + 7);
  const EncodedChunk back = read_all(wire_of(big));
  CHECK(back.chunk == big.chunk);
  CHECK(back.requests == big.requests);
  CHECK(back.parts == big.parts);

  EncodedChunk none;
  none.reset(0, 0, 0);
  const EncodedChunk empty = read_all(wire_of(none));
  CHECK(empty.parts.empty());

  // Reading into a chunk that held more parts leaves exactly the wire's parts.
  EncodedChunk reused;
  reused.reset(1, 1, 12);
  reused.parts[11] = {1, 2};
  const auto wire = wire_of(none);
  EncodedChunk::read_from(wire.data(), wire.data() + wire.size(), reused);
  CHECK(reused.parts.empty());
}

TEST_CASE("truncated wire bytes are an error, never a read past the end", "[chunk_kernel]") {
  EncodedChunk a;
  a.reset(7, 100, 3);
  a.parts[0] = {1, 2, 3};
  a.parts[2] = {9, 8, 7, 6};
  const auto wire = wire_of(a);
  // Every proper prefix fails.
  for (std::size_t n = 0; n < wire.size(); ++n) {
    INFO(n << " of " << wire.size() << " bytes");
    // A copy of exactly n bytes, so a read past the end would be caught by sanitizers.
    const std::vector<unsigned char> prefix(wire.begin(), wire.begin() + static_cast<long>(n));
    EncodedChunk out;
    CHECK_THROWS_WITH(EncodedChunk::read_from(prefix.data(), prefix.data() + prefix.size(), out),
                      "encoded chunk: truncated");
  }
}

TEST_CASE("implausible part counts and lengths are refused", "[chunk_kernel]") {
  const auto header = [](std::uint64_t count) {
    std::vector<unsigned char> wire;
    put(wire, 1);  // chunk
    put(wire, 2);  // requests
    put(wire, count);
    return wire;
  };
  EncodedChunk out;
  for (const std::uint64_t count :
       {std::uint64_t{1025}, std::uint64_t{1} << 32, std::numeric_limits<std::uint64_t>::max()}) {
    INFO(count << " parts");
    const auto wire = header(count);
    CHECK_THROWS_WITH(EncodedChunk::read_from(wire.data(), wire.data() + wire.size(), out),
                      "encoded chunk: implausible part count");
  }
  // 1024 empty parts is the most a chunk may have.
  auto most = header(1024);
  for (int i = 0; i < 1024; ++i) put(most, 0);
  CHECK(read_all(most).parts.size() == 1024);
  // ... but the lengths must be there.
  const auto missing = header(1024);
  CHECK_THROWS_WITH(EncodedChunk::read_from(missing.data(), missing.data() + missing.size(), out),
                    "encoded chunk: truncated");
  // A part longer than the bytes left, up to 2^64 - 1 (no wrap-around in the check).
  for (const std::uint64_t length :
       {std::uint64_t{4}, std::uint64_t{1} << 40, std::numeric_limits<std::uint64_t>::max(),
        std::numeric_limits<std::uint64_t>::max() - 7}) {
    auto wire = header(1);
    put(wire, length);
    wire.insert(wire.end(), {1, 2, 3});
    INFO("part of " << length << " bytes");
    CHECK_THROWS_WITH(EncodedChunk::read_from(wire.data(), wire.data() + wire.size(), out),
                      "encoded chunk: truncated");
  }
}
