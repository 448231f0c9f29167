#include "nines/dense_chunk_codec.hpp"

#include <zlib.h>

#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>

#include "nines/error.hpp"

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
  // Z_RLE limits matches to runs of the previous byte: dense columns are long runs (-1, kind 0,
  // one attempt) broken by small values with no longer-range structure, which run-length
  // matching compresses better than the default strategy and several times faster. Even a
  // chunk that does not shrink is stored as the deflate stream: filter mask 0 then holds for
  // every chunk. Each thread keeps one deflate state and resets it: initialising one allocates
  // and clears a few hundred KiB per call. A reset stream emits the same bytes as a new one.
  struct Deflater {
    z_stream stream{};
    int level = -2;  // -2: no stream initialised
    ~Deflater() {
      if (level != -2) deflateEnd(&stream);
    }
  };
  thread_local Deflater deflater;
  z_stream& stream = deflater.stream;
  if (deflater.level != deflate_level) {
    if (deflater.level != -2) deflateEnd(&stream);
    deflater.level = -2;
    stream = z_stream{};
    if (deflateInit2(&stream, deflate_level, Z_DEFLATED, 15, 8, Z_RLE) != Z_OK)
      throw IOError("cannot compress a dense chunk: zlib could not initialise (out of memory?)");
    deflater.level = deflate_level;
  } else if (deflateReset(&stream) != Z_OK) {
    throw IOError("cannot compress a dense chunk: zlib could not reset its state");
  }
  const auto bound = static_cast<std::size_t>(deflateBound(&stream, static_cast<uLong>(bytes)));
  if (buffer.size() < bound) buffer.resize(bound);
  stream.next_in = const_cast<Bytef*>(source);
  stream.avail_in = static_cast<uInt>(bytes);
  stream.next_out = buffer.data();
  stream.avail_out = static_cast<uInt>(bound);
  const int status = deflate(&stream, Z_FINISH);
  if (status != Z_STREAM_END)
    throw IOError("cannot compress a dense chunk: zlib error " + std::to_string(status));
  return static_cast<std::size_t>(stream.total_out);
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
