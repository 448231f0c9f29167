#pragma once
// HDF5 run file, layout v1 (documented in README.md, "HDF5 layout"). The only code that knows
// the layout; it talks to HDF5 only through nines/io/hdf5.hpp.
//
// The file is written under a temporary name beside the final path and renamed by finish(),
// so an interrupted or failed run never leaves a file that looks complete.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "nines/exact/chain_analytics.hpp"
#include "nines/files/run_file.hpp"
#include "nines/io/dense_chunk_codec.hpp"
#include "nines/io/hdf5.hpp"
#include "nines/model/run_info.hpp"
#include "nines/model/sampler_kind.hpp"
#include "nines/model/scenario.hpp"
#include "nines/run/chunk_kernel.hpp"
#include "nines/summary/summary.hpp"

namespace nines {

namespace hdf5 {
class File;
}

inline constexpr int kRunFormatVersion = 1;

// The HDF5 element type that stores outcomes of this width (shared by every writer).
hdf5::ElementType outcome_element_type(OutcomeType type) noexcept;

// Layout 1's encoding of one chunk, needing no file: worker threads (and MPI ranks other than
// the writer) encode, RunFileWriter::store writes. Parts of an EncodedChunk:
//   dense:    {the deflated chunk of /requests/failed_component}
//   failures: {request indices as little-endian uint64, components at the file's width}
class ChainChunkEncoder {
 public:
  // InputError for settings no file could hold (check_run_info, dense chunks over 2 GiB).
  ChainChunkEncoder(std::size_t components, const RunInfo& info);

  RecordMode record() const noexcept { return record_; }
  OutcomeType outcome_type() const noexcept { return type_; }
  std::uint64_t dense_chunk_length() const noexcept { return chunk_length_; }

  // Thread-safe. `count` outcomes of outcome_type() (count <= dense_chunk_length()).
  void encode_dense(std::uint64_t chunk, const void* outcomes, std::size_t count,
                    EncodedChunk& out) const;
  // Thread-safe. The failed requests of a chunk of `requests` requests, in request order.
  void encode_failures(std::uint64_t chunk, std::uint64_t requests,
                       std::span<const std::uint64_t> request_indices,
                       std::span<const std::int32_t> components, EncodedChunk& out) const;

 private:
  RecordMode record_;
  OutcomeType type_;
  std::uint64_t chunk_length_ = 0;
  int deflate_level_ = 1;
};

// The failed requests of a chunk ChainChunkEncoder encoded for --record failures, decoded:
// request indices and components (appended to the vectors).
void decode_chain_failures(const EncodedChunk& chunk, OutcomeType type,
                           std::vector<std::uint64_t>& requests,
                           std::vector<std::int32_t>& components);

class RunFileWriter final : public ChunkStore {
 public:
  // Refuses (InputError) an existing final_path unless overwrite; IOError when the temporary
  // file cannot be created. Creates the datasets the record mode needs.
  RunFileWriter(std::string final_path, bool overwrite, const Scenario& scenario,
                const RunInfo& info);
  ~RunFileWriter() override;  // unfinished: closes and deletes the temporary file
  RunFileWriter(const RunFileWriter&) = delete;
  RunFileWriter& operator=(const RunFileWriter&) = delete;

  OutcomeType outcome_type() const noexcept;
  // Elements per /requests/failed_component chunk: min(chunk_requests, requests), because
  // HDF5 forbids chunks longer than a fixed-size dataset. 0 unless dense with requests > 0.
  // Simulation chunk i covers requests [i * chunk_requests, ...) either way.
  std::uint64_t dense_chunk_length() const noexcept;

  // Thread-safe: deflates `count` outcomes (count <= chunk_requests; elements of
  // outcome_type()) padded to a full chunk into `out`, reusing its capacity, ready for
  // write_dense_chunk. Dense mode only. The free compress_dense_chunk (dense_chunk_codec.hpp)
  // does the same without a file.
  void compress_dense_chunk(const void* outcomes, std::size_t count, CompressedChunk& out) const;
  CompressedChunk compress_dense_chunk(const void* outcomes, std::size_t count) const {
    CompressedChunk out;
    compress_dense_chunk(outcomes, count, out);
    return out;
  }
  // Not thread-safe; chunks may arrive in any order but each exactly once. Dense mode only.
  void write_dense_chunk(std::uint64_t chunk_index, std::span<const unsigned char> bytes);
  void write_dense_chunk(std::uint64_t chunk_index, const CompressedChunk& chunk) {
    write_dense_chunk(chunk_index, chunk.bytes);
  }

  // Not thread-safe; calls must come in increasing request order. Failures mode only.
  void append_failures(std::span<const std::uint64_t> request_indices,
                       std::span<const std::int32_t> components);

  // Stores a chunk that ChainChunkEncoder encoded (dense or failures, as the file records).
  void store(const EncodedChunk& chunk) override;

  // Writes /components and the summary attributes, closes, renames to the final path.
  void finish(const ChainAnalytics& model, const Summary& summary);

  const std::string& final_path() const noexcept;
  // "<final_path>.partial-<random>", where the file lives until finish() renames it.
  const std::string& temporary_path() const noexcept;

 private:
  // `count` failures: request indices (uint64) and components at the file's width, raw.
  void append_failure_bytes(const unsigned char* requests, const unsigned char* components,
                            std::size_t count);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// InputError when a dense record of `requests` outcomes of `width` bytes is beyond what nines
// writes (kMaxDenseRequests), saying how much it would take and what to record instead.
void check_dense_size(std::uint64_t requests, std::size_t width);

// The most requests `--record dense` stores: 2^40 (1.1e12), a terabyte of outcomes before
// compression. Beyond it the file, and the index of its chunks, outgrow any disk.
inline constexpr std::uint64_t kMaxDenseRequests = std::uint64_t{1} << 40;

}  // namespace nines
