#pragma once
// HDF5 run file of structure runs: layout version 2 (README.md, "HDF5 layout (version 2)").
// The only code that knows that layout; it talks to HDF5 only through nines/io/hdf5.hpp.
// Like RunFileWriter, the file lives under "<path>.partial-<random>" until finish() renames it,
// so a file with the final name is always a complete run.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nines/exact/structure_analytics.hpp"
#include "nines/files/run_writer.hpp"
#include "nines/model/structure_model.hpp"
#include "nines/run/chunk_kernel.hpp"
#include "nines/sample/structure_sampler.hpp"
#include "nines/summary/structure_summary.hpp"

namespace nines {

inline constexpr int kStructureRunFormatVersion = 2;

// Layout 2's encoding of one chunk, needing no file (worker threads and MPI ranks encode,
// StructureRunWriter::store writes). Parts of an EncodedChunk: in dense mode first the four
// deflated per-request columns (kind, attempts, culprit, common_cause; a constant column's part
// is empty, see ConstantColumns), then in dense and failures mode the eight raw /failures
// columns (request, kind, attempts, culprit, common_cause, common_causes, failed_set_size,
// failed_set), little-endian. Dense chunks leave the first five of those empty: a dense file
// keeps them only in /requests (kStructureFormatMinorVersion).
// Columns whose value is the same for every request of the model: one kind (kind 0), no kind
// retries (attempts 1), no common-cause event on any path (common_cause -1, and in /failures
// common_causes 0). Such a column, dense or in /failures, is stored as a dataset of its fill
// value with no chunks written: readers see the same values at no cost.
struct ConstantColumns {
  bool kind = false, attempts = false, common_cause = false;
};
ConstantColumns constant_columns(const StructureModel& model);

class StructureChunkEncoder {
 public:
  StructureChunkEncoder(const RunInfo& info, const StructureModel& model);
  // Thread-safe: encodes a sampled chunk of `n` requests.
  void encode(std::uint64_t chunk, std::uint64_t n, const StructureChunk& sampled,
              EncodedChunk& out) const;

  static constexpr std::size_t kDenseParts = 4;
  static constexpr std::size_t kFailureParts = 8;

 private:
  RecordMode record_;
  std::uint64_t chunk_length_ = 0;
  int deflate_level_ = 1;
  ConstantColumns constant_;
};

// The failed requests of a chunk StructureChunkEncoder encoded for --record failures, decoded
// into `out`'s failed_* vectors (appended).
void decode_structure_failures(const EncodedChunk& chunk, StructureChunk& out);

class StructureRunWriter final : public ChunkStore {
 public:
  // Refuses an existing final_path unless overwrite (InputError); creates the datasets the
  // record mode needs. info.chunk_requests is the dense HDF5 chunk length (capped at requests).
  // `kernel` names the kernel that samples the run ("structure" or "chain"): the root
  // attribute `kernel`, beside `sampler` and `importance`.
  StructureRunWriter(std::string final_path, bool overwrite, const StructureModel& model,
                     const RunInfo& info, const std::string& kernel = "structure");
  ~StructureRunWriter() override;  // unfinished: closes and deletes the temporary file
  StructureRunWriter(const StructureRunWriter&) = delete;
  StructureRunWriter& operator=(const StructureRunWriter&) = delete;

  // Stores a chunk StructureChunkEncoder encoded; chunks in request order.
  void store(const EncodedChunk& chunk) override;

  // Writes the summaries, analytic values and importance measures; closes; renames.
  void finish(const StructureAnalytics& analytics, const StructureSummary& summary);

  const std::string& final_path() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nines
