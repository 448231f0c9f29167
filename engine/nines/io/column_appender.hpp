#pragma once
// Appending to an extendible, chunked, deflated dataset with the compression spread over the
// worker threads: a 1-D column, or a 2-D table of tables appended a row (of element_bytes
// elements each) at a time, the element count then a multiple of the row. Elements collect until a
// chunk is full; the chunk is then shuffled (where the dataset has HDF5's shuffle filter) and
// deflated by zlib on the oneTBB pool, and the finished chunks are stored in order with direct
// chunk writes by the thread that appends. Columns of small codes may use the faster
// run-and-Huffman encoder instead (ColumnCodec).
//
// Why: through H5Dwrite, HDF5 compresses on the calling thread, and for `--record failures`
// that is the single writer thread, so zlib capped the run at one core whatever the machine.
// zlib is kept (rather than ColumnDeflater) because request indices need its long-distance
// matches: the run-only encoder made those columns up to 15 times larger. The bytes are those
// HDF5's own filters would store, so readers see an ordinary shuffle + deflate dataset.
//
// Only the appending thread touches HDF5; compression tasks touch only their own chunk.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <vector>

#include <oneapi/tbb/task_group.h>

#include "nines/io/hdf5.hpp"

namespace nines {

// How a column's chunks are deflated. Both write ordinary zlib streams.
enum class ColumnCodec {
  zlib,            // zlib's compress2 at the deflate level: long-distance matches (request indices)
  small_integers,  // ColumnDeflater (column_deflate.hpp): runs and Huffman-coded bytes, several
                   // times faster, for columns of small codes (components, kinds, set sizes)
};

class ColumnAppender {
 public:
  // `dataset` must be empty, extendible and chunked, with the deflate filter at
  // `deflate_level`, and the shuffle filter before it exactly when `shuffled`. element_bytes
  // is the width of one element in the file (little-endian).
  ColumnAppender(hdf5::Dataset dataset, std::size_t element_bytes, bool shuffled, int deflate_level,
                 ColumnCodec codec = ColumnCodec::zlib);
  ColumnAppender(const ColumnAppender&) = delete;
  ColumnAppender& operator=(const ColumnAppender&) = delete;
  // Waits for compression still running; the chunks not yet stored are dropped (the caller is
  // abandoning the file).
  ~ColumnAppender();

  // Declares, before anything is appended, that every element of the column is `value`
  // (element_bytes bytes, the file's layout) and that the dataset's fill value is that value.
  // append then only checks and counts, and close grows the dataset without writing a chunk:
  // HDF5 reads unwritten chunks as the fill value, so a column the model cannot vary (one
  // request kind, no retries, no common cause) costs nothing per element.
  void make_constant(std::span<const unsigned char> value);

  // Appends `count` elements of element_bytes each, already in the file's layout. Stores the
  // chunks that have finished compressing; IOError if zlib or HDF5 fails. A constant column
  // refuses any other element (std::logic_error).
  void append(const void* elements, std::size_t count);

  // Appends `count` copies of the constant of a column made constant (std::logic_error
  // otherwise): a writer whose data source leaves constant columns out counts them this way.
  void append_constant(std::size_t count);

  // Whether make_constant was called.
  bool constant() const noexcept { return !constant_.empty(); }

  // Compresses what is left as the last, partial chunk (padded with zero bytes past the
  // dataset's extent), stores every chunk and closes the dataset.
  void close();

  // Elements appended so far.
  std::uint64_t size() const noexcept { return appended_; }
  std::size_t element_bytes() const noexcept { return element_; }

 private:
  struct Job;
  void submit(std::vector<unsigned char> raw, std::size_t count);
  void store_finished(bool all);

  hdf5::Dataset dataset_;
  std::size_t element_;
  std::size_t chunk_;  // elements per chunk
  std::uint64_t row_;  // elements per row (1 for a 1-D column)
  bool shuffled_;
  int level_;
  ColumnCodec codec_;
  std::size_t max_in_flight_;
  std::uint64_t appended_ = 0;
  std::vector<unsigned char> pending_;   // less than one chunk
  std::vector<unsigned char> constant_;  // the one element of a constant column, else empty
  std::deque<std::shared_ptr<Job>> in_flight_;
  tbb::task_group tasks_;
};

// HDF5's shuffle filter (H5Zshuffle.c) for `count` elements of `element` bytes: byte j of
// element i goes to position j * count + i, so that each byte position forms one stretch.
void shuffle_bytes(const unsigned char* in, std::size_t count, std::size_t element,
                   unsigned char* out) noexcept;

}  // namespace nines
