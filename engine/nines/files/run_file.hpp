#pragma once
// What every run-file layout shares (layout 1: run_writer.hpp, layout 2: structure_writer.hpp):
// the checks made before touching the disk, the root attributes a run file opens with, the
// file growing under a temporary name until it is complete, and the ledger of dense chunks.
#include <cstdint>
#include <string>
#include <vector>

#include "nines/io/atomic_output.hpp"
#include "nines/io/hdf5.hpp"
#include "nines/model/run_info.hpp"
#include "nines/summary/summary.hpp"

namespace nines {

inline constexpr const char* kRunFormat = "nines-run";

// InputError unless deflate_level is 0 to 9 and a dense run has chunk_requests >= 1.
void check_run_info(const RunInfo& info);

// Elements per dense HDF5 chunk: min(chunk_requests, requests), because HDF5 forbids chunks
// longer than a fixed-size dataset.
std::uint64_t dense_chunk_length(const RunInfo& info) noexcept;

// The root attributes every file nines writes from a scenario opens with: format,
// format_version, nines_version, scenario_name, scenario_yaml, scenario_sha256. `format` is
// the layout's name ("nines-allocation", "nines-uncertainty"); run files use the overload below.
void write_file_identity(hdf5::File& file, const char* format, int format_version,
                         const std::string& scenario_name, const std::string& scenario_yaml);
// The same for a run file of any layout (format = kRunFormat).
void write_file_identity(hdf5::File& file, int format_version, const std::string& scenario_name,
                         const std::string& scenario_yaml);

// The root attributes every request-run file (layouts 1 and 2) opens with, in this order: format,
// format_version, nines_version, scenario_name, scenario_yaml, scenario_sha256, seed, requests,
// record, sampler, chunk_requests, created.
void write_run_identity(hdf5::File& file, int format_version, const std::string& scenario_name,
                        const std::string& scenario_yaml, const RunInfo& info);

// Creates the HDF5 file at `output`'s temporary name (exclusively) and writes the run's
// identity; the name becomes final only when the writer commits `output`.
hdf5::File create_run_file(AtomicOutput& output, int format_version,
                           const std::string& scenario_name, const std::string& scenario_yaml,
                           const RunInfo& info);

// A run that stopped at a precision (--target-precision) before its cap: the root attribute
// `requests` becomes the requests sampled, and the root gains target_precision,
// precision_reached (int8), precision_achieved, precision_checkpoint and requests_cap. The
// caller shrinks its per-request datasets to the requests sampled.
void write_precision_outcome(hdf5::File& file, const PrecisionOutcome& precision);

// The requests a finished run's file covers: the summary's, which must equal the file's unless
// the run stopped at a precision, when it may be fewer (std::invalid_argument otherwise).
void check_summary_requests(const char* who, std::uint64_t summary_requests,
                            std::uint64_t file_requests, bool stopped_at_precision);

// Which dense chunks have been stored: each exactly once, none past the end, all of them
// before the file may be finished. `who` names the caller in the exceptions.
class DenseChunkLedger {
 public:
  DenseChunkLedger() = default;
  DenseChunkLedger(std::uint64_t requests, std::uint64_t chunk_length);

  std::uint64_t chunk_length() const noexcept { return chunk_length_; }
  std::uint64_t chunk_count() const noexcept { return written_.size(); }
  std::uint64_t first_request(std::uint64_t chunk) const noexcept { return chunk * chunk_length_; }

  // std::invalid_argument for a chunk past the end or one stored before; nothing is recorded.
  void check_new(std::uint64_t chunk, const char* who) const;
  void record(std::uint64_t chunk) noexcept;
  // Keeps only the chunks that hold the first `requests` requests (a run that stopped at a
  // precision, always at a chunk boundary).
  void truncate(std::uint64_t requests);
  // std::logic_error unless every chunk was recorded.
  void check_complete(const char* who) const;

 private:
  std::uint64_t chunk_length_ = 0;
  std::uint64_t recorded_ = 0;
  std::vector<bool> written_;
};

}  // namespace nines
