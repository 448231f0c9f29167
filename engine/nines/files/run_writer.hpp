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
#include "nines/io/dense_chunk_codec.hpp"
#include "nines/io/hdf5.hpp"
#include "nines/model/run_info.hpp"
#include "nines/model/sampler_kind.hpp"
#include "nines/model/scenario.hpp"
#include "nines/summary/summary.hpp"

namespace nines {

namespace hdf5 {
class File;
}

inline constexpr const char* kRunFormat = "nines-run";
inline constexpr int kRunFormatVersion = 1;

// InputError unless deflate_level is 0 to 9 and a dense run has chunk_requests >= 1: the
// checks both run file writers make before touching the disk.
void check_run_info(const RunInfo& info);

// Elements per dense HDF5 chunk: min(chunk_requests, requests), because HDF5 forbids chunks
// longer than a fixed-size dataset (RunFileWriter::dense_chunk_length of a dense run).
std::uint64_t dense_chunk_length(const RunInfo& info) noexcept;

// The root attributes every run file opens with, in this order: format, format_version,
// nines_version, scenario_name, scenario_yaml, scenario_sha256, seed, requests, record,
// sampler (format 1 only; structure runs have one sampler), chunk_requests, created.
void write_run_identity(hdf5::File& file, int format_version, const std::string& scenario_name,
                        const std::string& scenario_yaml, const RunInfo& info);

// The HDF5 element type that stores outcomes of this width (shared by every writer).
hdf5::ElementType outcome_element_type(OutcomeType type) noexcept;

class RunFileWriter {
 public:
  // Refuses (InputError) an existing final_path unless overwrite; IOError when the temporary
  // file cannot be created. Creates the datasets the record mode needs.
  RunFileWriter(std::string final_path, bool overwrite, const Scenario& scenario,
                const RunInfo& info);
  ~RunFileWriter();  // unfinished: closes and deletes the temporary file
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
  void write_dense_chunk(std::uint64_t chunk_index, const CompressedChunk& chunk);

  // Not thread-safe; calls must come in increasing request order. Failures mode only.
  void append_failures(std::span<const std::uint64_t> request_indices,
                       std::span<const std::int32_t> components);

  // Writes /components and the summary attributes, closes, renames to the final path.
  void finish(const ChainAnalytics& model, const Summary& summary);

  const std::string& final_path() const noexcept;
  // "<final_path>.partial-<random>", where the file lives until finish() renames it.
  const std::string& temporary_path() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nines
