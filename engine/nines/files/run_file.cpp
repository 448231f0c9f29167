#include "nines/files/run_file.hpp"

#include <stdexcept>

#include "nines/base/error.hpp"
#include "nines/base/sha256.hpp"
#include "nines/base/version.hpp"

namespace nines {

void check_run_info(const RunInfo& info) {
  if (info.deflate_level < 0 || info.deflate_level > 9)
    throw InputError("deflate level " + std::to_string(info.deflate_level) +
                     " is not valid; use 0 (none) to 9 (smallest)");
  if (info.record == RecordMode::dense && info.chunk_requests == 0)
    throw InputError("chunk_requests must be at least 1");
}

std::uint64_t dense_chunk_length(const RunInfo& info) noexcept {
  return std::min(info.chunk_requests, info.requests);
}

void write_file_identity(hdf5::File& file, const char* format, int format_version,
                         const std::string& scenario_name, const std::string& scenario_yaml) {
  file.write_attribute("format", format);
  file.write_attribute("format_version", std::int64_t{format_version});
  file.write_attribute("nines_version", kVersion);
  file.write_attribute("scenario_name", scenario_name);
  file.write_attribute("scenario_yaml", scenario_yaml);
  file.write_attribute("scenario_sha256", sha256_hex(scenario_yaml));
}

void write_file_identity(hdf5::File& file, int format_version, const std::string& scenario_name,
                         const std::string& scenario_yaml) {
  write_file_identity(file, kRunFormat, format_version, scenario_name, scenario_yaml);
}

void write_run_identity(hdf5::File& file, int format_version, const std::string& scenario_name,
                        const std::string& scenario_yaml, const RunInfo& info) {
  write_file_identity(file, format_version, scenario_name, scenario_yaml);
  file.write_attribute("seed", std::uint64_t{info.seed});
  file.write_attribute("requests", std::uint64_t{info.requests});
  file.write_attribute("record", to_string(info.record));
  file.write_attribute("sampler", to_string(info.sampler));
  file.write_attribute("chunk_requests", std::uint64_t{info.chunk_requests});
  file.write_attribute("created", info.created);
}

hdf5::File create_run_file(AtomicOutput& output, int format_version,
                           const std::string& scenario_name, const std::string& scenario_yaml,
                           const RunInfo& info) {
  hdf5::File file = hdf5::File::create_exclusive(output.temporary_path());
  output.created();
  write_run_identity(file, format_version, scenario_name, scenario_yaml, info);
  return file;
}

void write_precision_outcome(hdf5::File& file, const PrecisionOutcome& precision) {
  file.remove_attribute("requests");
  file.write_attribute("requests", std::uint64_t{precision.requests_sampled});
  file.write_attribute("target_precision", precision.target);
  file.write_attribute("precision_reached", static_cast<std::int8_t>(precision.reached ? 1 : 0));
  file.write_attribute("precision_achieved", precision.achieved);
  file.write_attribute("precision_checkpoint", std::uint64_t{precision.checkpoint});
  file.write_attribute("requests_cap", std::uint64_t{precision.requests_cap});
}

void check_summary_requests(const char* who, std::uint64_t summary_requests,
                            std::uint64_t file_requests, bool stopped_at_precision) {
  if (summary_requests == file_requests ||
      (stopped_at_precision && summary_requests > 0 && summary_requests < file_requests))
    return;
  throw std::invalid_argument(std::string(who) + ": the summary covers " +
                              std::to_string(summary_requests) + " requests, the file " +
                              std::to_string(file_requests));
}

DenseChunkLedger::DenseChunkLedger(std::uint64_t requests, std::uint64_t chunk_length)
    : chunk_length_(chunk_length),
      written_(chunk_length == 0 ? 0 : (requests - 1) / chunk_length + 1, false) {}

void DenseChunkLedger::check_new(std::uint64_t chunk, const char* who) const {
  if (chunk >= written_.size())
    throw std::invalid_argument(std::string(who) + ": chunk " + std::to_string(chunk) +
                                " is past the last chunk (" + std::to_string(written_.size()) +
                                " in all)");
  if (written_[chunk])
    throw std::invalid_argument(std::string(who) + ": chunk " + std::to_string(chunk) +
                                " was already written");
}

void DenseChunkLedger::record(std::uint64_t chunk) noexcept {
  written_[chunk] = true;
  ++recorded_;
}

void DenseChunkLedger::truncate(std::uint64_t requests) {
  if (chunk_length_ == 0) return;
  const std::uint64_t keep = requests == 0 ? 0 : (requests - 1) / chunk_length_ + 1;
  if (keep > written_.size() || requests % chunk_length_ != 0)
    throw std::logic_error("DenseChunkLedger::truncate: " + std::to_string(requests) +
                           " requests do not end on a chunk boundary within the file");
  for (std::uint64_t c = keep; c < written_.size(); ++c)
    if (written_[c]) throw std::logic_error("DenseChunkLedger::truncate: chunk past the end");
  written_.resize(keep);
}

void DenseChunkLedger::check_complete(const char* who) const {
  if (recorded_ != written_.size())
    throw std::logic_error(std::string(who) + ": only " + std::to_string(recorded_) + " of " +
                           std::to_string(written_.size()) + " dense chunks were written");
}

}  // namespace nines
