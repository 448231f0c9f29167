#pragma once
// A deflate encoder for columns of small integers, the dense outcome chunks. Their bytes are
// either near-random small values (unreliable chains: Huffman-coding single bytes is all
// deflate can do with them) or long runs of one value (reliable chains: "success"), and the
// encoder does exactly those two things: literals, and repeats of the previous element, in
// one dynamic-Huffman block.
//
// The result is a zlib stream (RFC 1950 around RFC 1951), exactly what HDF5's deflate filter
// stores, so h5py, h5dump and any zlib inflater read it. zlib's own Z_RLE strategy writes the
// same kind of stream, a few percent larger, but spends 1.9-11 ns per byte where this spends
// 0.4-1.7; on two cores that was the whole difference between writing dense output and not.
// tests/unit/io/test_column_deflate.cpp inflates everything it writes with zlib.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace nines {

class ColumnDeflater {
 public:
  // Compresses bytes[0, size) into out[0, result), growing `out` as needed (never shrinking
  // it, so a reused vector stops allocating). `element` (1 to 256 bytes) is the column's
  // element width: a run is a stretch of bytes each equal to the one `element` bytes before,
  // that is, a repeated element. Falls back to stored (uncompressed) blocks where Huffman
  // coding would not shrink the data; `store_only` asks for them outright (deflate level 0).
  std::size_t compress(const unsigned char* bytes, std::size_t size, std::size_t element,
                       std::vector<unsigned char>& out, bool store_only = false);

 private:
  struct Run {
    std::size_t start;   // first byte that repeats the element before it
    std::size_t length;  // bytes, at least kMinRun
  };
  void find_runs(const unsigned char* bytes, std::size_t size, std::size_t element);

  std::vector<Run> runs_;                  // scratch, reused across calls
  std::vector<std::uint32_t> pair_codes_;  // codes of two literals, indexed by their bytes
};

}  // namespace nines
