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
#include "nines/sample/structure_sampler.hpp"
#include "nines/summary/structure_summary.hpp"

namespace nines {

inline constexpr int kStructureRunFormatVersion = 2;

// One dense chunk's per-request columns, deflated and ready for direct chunk writes. The
// buffers keep their capacity from chunk to chunk (`size` is the used part), so a recycled
// DenseColumns neither allocates nor clears memory again.
struct DenseColumns {
  struct Column {
    std::vector<unsigned char> buffer;
    std::size_t size = 0;
  };
  Column kind, attempts, culprit, common_cause;
};

class StructureRunWriter {
 public:
  // Refuses an existing final_path unless overwrite (InputError); creates the datasets the
  // record mode needs. info.chunk_requests is the dense HDF5 chunk length (capped at requests).
  StructureRunWriter(std::string final_path, bool overwrite, const StructureModel& model,
                     const RunInfo& info);
  ~StructureRunWriter();  // unfinished: closes and deletes the temporary file
  StructureRunWriter(const StructureRunWriter&) = delete;
  StructureRunWriter& operator=(const StructureRunWriter&) = delete;

  // Thread-safe: deflates a chunk's dense columns (n requests) into `out`. Dense mode only.
  void compress_dense(std::uint64_t n, const StructureChunk& chunk, DenseColumns& out) const;
  // Not thread-safe; each chunk exactly once, any order. Dense mode only.
  void write_dense(std::uint64_t chunk_index, const DenseColumns& columns);
  // Not thread-safe; chunks in request order. Dense and failures modes (no-op for none).
  void append_failures(const StructureChunk& chunk);

  // Writes the summaries, analytic values and importance measures; closes; renames.
  void finish(const StructureAnalytics& analytics, const StructureSummary& summary);

  const std::string& final_path() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nines
