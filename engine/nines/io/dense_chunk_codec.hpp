#pragma once
// Deflating dense chunks for HDF5 direct chunk writes, with no file involved: run_writer.cpp
// and structure_writer.cpp compress through it, and MPI ranks other than the writer compress
// their chunks with it before sending the bytes to rank 0 (run/driver.cpp).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nines/io/outcome_type.hpp"

namespace nines {

// A dense chunk after compression, ready for a direct chunk write.
struct CompressedChunk {
  std::vector<unsigned char> bytes;
};

// Deflates `count` elements of `element` bytes, padded to `length` elements with `fill` bytes
// (HDF5 stores every chunk at full length, the dataset's last one included), into `buffer`,
// growing but never shrinking it. Returns the number of bytes used. The result is a zlib
// stream (RFC 1950), exactly what HDF5's deflate filter stores, so stock readers decode it;
// the encoder is ColumnDeflater (column_deflate.hpp), and deflate_level 0 stores the bytes
// uncompressed in that stream, any other level compresses. Thread-safe.
std::size_t deflate_padded(const void* data, std::size_t count, std::size_t element,
                           std::size_t length, unsigned char fill, int deflate_level,
                           std::vector<unsigned char>& buffer);

// A chain run's dense chunk: `count` outcomes of `type` (count <= chunk_length) padded with
// the fill value -1 to `chunk_length`, deflated into `out` (reusing its capacity), ready for
// RunFileWriter::write_dense_chunk. Thread-safe; std::invalid_argument if count > chunk_length.
void compress_dense_chunk(OutcomeType type, std::uint64_t chunk_length, int deflate_level,
                          const void* outcomes, std::size_t count, CompressedChunk& out);

}  // namespace nines
