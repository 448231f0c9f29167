#pragma once
// Appending to an extendible, chunked, deflated 1-D dataset with the compression spread over
// the worker threads. Elements collect until a chunk is full; the chunk is then shuffled
// (where the dataset has HDF5's shuffle filter) and deflated by zlib on the oneTBB pool, and
// the finished chunks are stored in order with direct chunk writes by the thread that appends.
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
#include <vector>

#include <oneapi/tbb/task_group.h>

#include "nines/io/hdf5.hpp"

namespace nines {

class ColumnAppender {
 public:
  // `dataset` must be empty, extendible and chunked, with the deflate filter at
  // `deflate_level`, and the shuffle filter before it exactly when `shuffled`. element_bytes
  // is the width of one element in the file (little-endian).
  ColumnAppender(hdf5::Dataset dataset, std::size_t element_bytes, bool shuffled,
                 int deflate_level);
  ColumnAppender(const ColumnAppender&) = delete;
  ColumnAppender& operator=(const ColumnAppender&) = delete;
  // Waits for compression still running; the chunks not yet stored are dropped (the caller is
  // abandoning the file).
  ~ColumnAppender();

  // Appends `count` elements of element_bytes each, already in the file's layout. Stores the
  // chunks that have finished compressing; IOError if zlib or HDF5 fails.
  void append(const void* elements, std::size_t count);

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
  bool shuffled_;
  int level_;
  std::size_t max_in_flight_;
  std::uint64_t appended_ = 0;
  std::vector<unsigned char> pending_;  // less than one chunk
  std::deque<std::shared_ptr<Job>> in_flight_;
  tbb::task_group tasks_;
};

// HDF5's shuffle filter (H5Zshuffle.c) for `count` elements of `element` bytes: byte j of
// element i goes to position j * count + i, so that each byte position forms one stretch.
void shuffle_bytes(const unsigned char* in, std::size_t count, std::size_t element,
                   unsigned char* out) noexcept;

}  // namespace nines
