#include "nines/io/dense_chunk_codec.hpp"

#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>

#include "nines/io/column_deflate.hpp"

namespace nines {

// Direct chunk writes bypass HDF5's type conversion, so the bytes we deflate must already be
// the file's little-endian layout.
static_assert(std::endian::native == std::endian::little,
              "dense chunks are written as raw little-endian bytes");

std::size_t deflate_padded(const void* data, std::size_t count, std::size_t element,
                           std::size_t length, unsigned char fill, int deflate_level,
                           std::vector<unsigned char>& buffer) {
  const std::size_t bytes = length * element;
  std::vector<unsigned char> padded;
  const auto* source = static_cast<const unsigned char*>(data);
  if (count < length) {
    padded.assign(bytes, fill);
    if (count > 0) std::memcpy(padded.data(), source, count * element);
    source = padded.data();
  }
  // Each thread keeps one encoder, whose scratch then stops allocating. Even a chunk that does
  // not shrink is stored as a zlib stream (of stored blocks): filter mask 0 then holds for
  // every chunk.
  thread_local ColumnDeflater deflater;
  return deflater.compress(source, bytes, element, buffer, deflate_level == 0);
}

void compress_dense_chunk(OutcomeType type, std::uint64_t chunk_length, int deflate_level,
                          const void* outcomes, std::size_t count, CompressedChunk& out) {
  if (count > chunk_length)
    throw std::invalid_argument("compress_dense_chunk: " + std::to_string(count) +
                                " outcomes exceed the chunk length " +
                                std::to_string(chunk_length));
  // Fill -1: its bytes are all ones at every outcome width.
  const std::size_t size =
      deflate_padded(outcomes, count, outcome_bytes(type), static_cast<std::size_t>(chunk_length),
                     0xff, deflate_level, out.bytes);
  out.bytes.resize(size);
}

}  // namespace nines
