#pragma once
// The two halves of a run that plug into the driver (run/driver.hpp):
//  - a ChunkKernel samples one chunk of requests: it adds the chunk's integer counts to a tally
//    and, when the run records per-request outcomes, encodes them for the file (compressing on
//    the worker thread). One kernel per model kind: chains (sample/chain_sampler.hpp and the
//    geometric skip) and structures (sample/structure_sampler.hpp), adapted in pipeline/.
//  - a ChunkStore stores encoded chunks in chunk order: the run file of the model's layout
//    (files/). Only one process and one thread at a time calls it.
// Between them travels an EncodedChunk: byte parts whose meaning the file layout defines
// (compressed dense columns, raw failure columns). The driver never looks inside, so the same
// code carries chunks from worker threads to the writer and, under MPI, from every rank to
// rank 0.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "nines/base/stop.hpp"

namespace nines {

// Per-thread working memory of a kernel; reused for every chunk that thread samples.
class ChunkScratch {
 public:
  virtual ~ChunkScratch() = default;
};

struct EncodedChunk {
  std::uint64_t chunk = 0;
  std::uint64_t requests = 0;                     // requests the chunk covers
  std::vector<std::vector<unsigned char>> parts;  // the layout's parts; capacity is reused

  // Empties the parts but keeps their buffers.
  void reset(std::uint64_t chunk_index, std::uint64_t request_count, std::size_t part_count);
  // Appends the chunk to `wire` (for MPI), and reads one back from [p, end), returning where it
  // ended; std::runtime_error if the bytes are not a whole chunk.
  void append_to(std::vector<unsigned char>& wire) const;
  static const unsigned char* read_from(const unsigned char* p, const unsigned char* end,
                                        EncodedChunk& out);
};

class ChunkKernel {
 public:
  virtual ~ChunkKernel() = default;
  // Entries of the tally (integer counts merged by addition, so totals do not depend on the
  // order chunks finish in).
  virtual std::size_t tally_size() const = 0;
  virtual std::unique_ptr<ChunkScratch> make_scratch() const = 0;
  // Samples chunk `chunk`, requests [first, first + n), adding its counts to tally (tally_size()
  // entries); with `out`, also records the chunk and encodes it into *out. Thread-safe. Returns
  // false when `stop` cut the chunk short (its counts and bytes are then incomplete).
  virtual bool sample_chunk(std::uint64_t chunk, std::uint64_t first, std::uint64_t n,
                            ChunkScratch& scratch, std::uint64_t* tally, EncodedChunk* out,
                            StopFlag stop) const = 0;
};

class ChunkStore {
 public:
  virtual ~ChunkStore() = default;
  // Stores one encoded chunk; called from one thread, in increasing chunk order.
  virtual void store(const EncodedChunk& chunk) = 0;
};

}  // namespace nines
