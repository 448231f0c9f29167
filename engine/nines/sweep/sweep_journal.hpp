#pragma once
// The resume journal: an append-only text file beside the sweep output (OUT.h5.journal) with
// one self-checking line per finished point, fsync'd before the point counts as done. It is
// the sweep's source of truth: the HDF5 file is rebuilt from it, so a sweep killed at any
// moment (even SIGKILL, even mid-line) continues from its last durable record.
//
//   nines-sweep-journal 1 points=600 sweep-sha256=<64 hex> base-sha256=<64 hex> sampler=auto <crc>
//   P <point> <requests> <K> <failures of component 0> ... <failures of component K-1> <crc>
//
// crc is the CRC-32 (zlib, ISO 3309) of the line's text before " <crc>", in 8 lower-case hex
// digits. A line that is torn, fails its CRC or does not fit the sweep ends the valid part; the
// file is cut there before anything is appended. The whole file is locked (flock) while a
// sweep runs, so two processes never write one journal.
#include <cstddef>
#include <span>
#include <string>

#include "nines/model/sweep_plan.hpp"
#include "nines/sample/choose_sampler.hpp"
#include "nines/sweep/sweep_results.hpp"

namespace nines {

class SweepJournal {
 public:
  // Opens `path` for the plan, creating it if absent, and loads its records into `results`.
  // An existing journal written for a different sweep (fingerprint) is refused with an
  // InputError unless `restart`, which starts it afresh (as does a journal with no valid
  // header). Throws InputError when another process holds the lock, IOError on I/O failure.
  // The sampler choice is part of what the records mean, so it is in the header too.
  SweepJournal(const std::string& path, const SweepPlan& plan, SamplerChoice sampler, bool restart,
               SweepResults& results);
  ~SweepJournal();
  SweepJournal(const SweepJournal&) = delete;
  SweepJournal& operator=(const SweepJournal&) = delete;

  // Appends one record per point (all must be done in `results`) and fsyncs.
  void append(std::span<const std::size_t> points, const SweepResults& results);
  // Closes and deletes the file (the sweep is complete and its output final).
  void remove();

  const std::string& path() const noexcept { return path_; }
  bool existed() const noexcept { return existed_; }               // a journal was there
  std::size_t dropped_bytes() const noexcept { return dropped_; }  // torn tail cut off

 private:
  void load(const SweepPlan& plan, SamplerChoice sampler, bool restart, SweepResults& results);

  std::string path_;
  const SweepPlan& plan_;
  int fd_ = -1;
  bool existed_ = false;
  std::size_t dropped_ = 0;
};

// The record line for a point (without the newline); exposed for tests.
std::string sweep_journal_record(std::size_t point, std::uint64_t requests,
                                 std::span<const std::uint64_t> failures);

}  // namespace nines
