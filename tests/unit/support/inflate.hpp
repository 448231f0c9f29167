#pragma once
// Test helper: inflates a zlib stream with zlib itself, which is what HDF5's deflate filter
// (and so h5py) decodes chunks with. Checks that the stream ends properly and that nothing
// follows its end; `expected` sizes the output buffer (a little room beyond it shows excess).
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <vector>

namespace nines::test {

inline std::vector<unsigned char> inflate_zlib(const unsigned char* stream, std::size_t size,
                                               std::size_t expected) {
  std::vector<unsigned char> out(expected + 64);
  z_stream z{};
  REQUIRE(inflateInit(&z) == Z_OK);
  z.next_in = const_cast<Bytef*>(stream);
  z.avail_in = static_cast<uInt>(size);
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const int status = inflate(&z, Z_FINISH);
  const auto produced = static_cast<std::size_t>(z.total_out);
  const auto consumed = static_cast<std::size_t>(z.total_in);
  inflateEnd(&z);
  CHECK(status == Z_STREAM_END);
  CHECK(consumed == size);  // nothing follows the stream's end
  out.resize(produced);
  return out;
}

}  // namespace nines::test
