#pragma once
// HDF5 run file of time runs (scenario format 3): layout version 3 (README.md, "HDF5 layout
// (version 3, time runs)"). The only code that knows that layout. Like the other writers, the
// file grows under a temporary name until finish() renames it.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nines/model/run_info.hpp"
#include "nines/model/structure_model.hpp"
#include "nines/run/chunk_kernel.hpp"
#include "nines/sample/outage_simulator.hpp"
#include "nines/summary/time_summary.hpp"

namespace nines {

inline constexpr int kTimeRunFormatVersion = 3;

// Layout 3's encoding of a chunk of histories (worker threads and MPI ranks encode, the writer
// stores): raw little-endian columns of /histories, /outages, /windows (when the scenario has
// an SLO) and /requests (--record requests), in that order. Append one history at a time.
class TimeChunkEncoder {
 public:
  TimeChunkEncoder(const RunInfo& info, const OutagePlan& plan);
  void begin(std::uint64_t chunk, std::uint64_t histories, EncodedChunk& out) const;
  void add(std::uint64_t history, const HistoryResult& h, EncodedChunk& out) const;

  std::size_t part_count() const noexcept;

 private:
  const OutagePlan& plan_;
  RecordMode record_;
};

class TimeRunWriter final : public ChunkStore {
 public:
  // Refuses an existing final_path unless overwrite (InputError); creates the datasets the
  // record mode needs.
  TimeRunWriter(std::string final_path, bool overwrite, const OutagePlan& plan,
                const RunInfo& info);
  ~TimeRunWriter() override;
  TimeRunWriter(const TimeRunWriter&) = delete;
  TimeRunWriter& operator=(const TimeRunWriter&) = delete;

  void store(const EncodedChunk& chunk) override;

  // Writes the summary tables and attributes; closes; renames.
  void finish(const TimeSummary& summary, const TimeExactValues& exact);

  const std::string& final_path() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nines
