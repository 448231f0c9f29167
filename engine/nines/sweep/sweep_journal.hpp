#pragma once
// The resume journal: an append-only text file beside the sweep output (OUT.h5.journal) with
// one self-checking line per finished point, fsync'd before the point counts as done. It is
// the sweep's source of truth: the HDF5 file is rebuilt from it, so a sweep killed at any
// moment (even SIGKILL, even mid-line) continues from its last durable record.
//
//   nines-sweep-journal 1 points=600 sweep-sha256=<64 hex> base-sha256=<64 hex> sampler=auto <crc>
//   P <point> <requests> <K> <count 0> ... <count K-1> <crc>
//
// crc is the CRC-32 (zlib, ISO 3309) of the line's text before " <crc>", in 8 lower-case hex
// digits. A record's payload is generic: a point index, its request count and K unsigned
// 64-bit counts (the first failures per component of a chain point; any tally of fixed
// length for other kinds of sweep): what a record must look like to fit the sweep is the
// caller's check.
//
// Ownership (the output policy, nines/io/atomic_output.hpp). A journal is created whole
// (header written and synced under a temporary name, then renamed into place), so nines never
// leaves a journal without its header. A file at the journal's path is read, continued or
// replaced only when it is nines' own: a regular file (not a link, FIFO, device...) that
// starts with the journal header, or at least holds checksummed journal lines. Anything else
// is refused and left alone, even with --restart. The file is locked while a sweep runs, so
// two processes never write one journal.
//
// Damage is described, not hidden: every record whose checksum holds and that fits the sweep
// is kept, wherever it is in the file; each dropped line is named with its line number and
// the reason (checksum mismatch, incomplete last line, does not fit the sweep, ...). CRLF
// line endings (a journal passed through a Windows tool) are accepted and converted.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "nines/model/sweep_plan.hpp"
#include "nines/sample/choose_sampler.hpp"
#include "nines/sweep/sweep_results.hpp"

namespace nines {

// One finished point.
struct SweepJournalRecord {
  std::size_t point = 0;
  std::uint64_t requests = 0;
  std::vector<std::uint64_t> counts;
};

// What a journal was written for: its header, compared field by field when it is reopened.
struct SweepJournalIdentity {
  std::size_t points = 0;
  std::string fingerprint;  // space-separated key=value fields, e.g. SweepPlan::fingerprint()
  std::string sampler;      // --sampler as written ("auto", ...)
};

// Why a record does not fit the sweep, or "" when it does.
using SweepJournalCheck = std::function<std::string(const SweepJournalRecord&)>;

// What was at the journal's path when it was opened.
enum class JournalFound {
  none,            // nothing: a new sweep
  this_sweep,      // nines' journal of this very sweep: it can be continued
  other_sweep,     // nines' journal of another sweep (or another journal version)
  damaged_header,  // nines' journal lines, but no intact header: which sweep is unknown
};

class SweepJournal {
 public:
  // Locks and reads the journal at `path`, changing nothing. InputError when the path holds
  // something that is not nines' journal (a link, FIFO, device, directory, or a file without
  // one checksummed journal line), or when another process holds its lock; IOError when it
  // cannot be read.
  SweepJournal(std::string path, SweepJournalIdentity identity, SweepJournalCheck check);
  // A chain sweep's journal: its identity from the plan and sampler, its records checked
  // against the points (index, requests, one count per component, counts within requests).
  SweepJournal(std::string path, const SweepPlan& plan, SamplerChoice sampler);
  ~SweepJournal();
  SweepJournal(const SweepJournal&) = delete;
  SweepJournal& operator=(const SweepJournal&) = delete;

  static SweepJournalIdentity identity_of(const SweepPlan& plan, SamplerChoice sampler);
  static SweepJournalCheck check_for(const SweepPlan& plan);

  const std::string& path() const noexcept { return path_; }
  JournalFound found() const noexcept { return found_; }
  bool existed() const noexcept { return found_ != JournalFound::none; }
  // other_sweep, damaged_header: what differs or what is damaged, for messages, e.g. "the
  // sweep file has changed since" or "its header line fails its checksum".
  const std::string& found_reason() const noexcept { return found_reason_; }
  // The value of a header field of the journal found ("" when absent or not readable).
  std::string found_field(const std::string& key) const;
  // Lines of the file that are intact point records (of whatever sweep).
  std::size_t intact_records() const noexcept { return intact_records_; }

  // this_sweep: the records kept, in file order, one per point.
  const std::vector<SweepJournalRecord>& records() const noexcept { return records_; }
  // this_sweep: what continuing drops or converts, in a sentence ("" when the file is clean),
  // e.g. "kept 31 of 32 records; dropped line 6 (checksum mismatch; apparently point 4)".
  const std::string& repair_note() const noexcept { return repair_note_; }

  // Continues a journal of this sweep (found() == this_sweep): rewrites it without the
  // dropped lines if anything was dropped or converted, then appends after the last record.
  void resume();
  // Starts afresh with a bare header: creates the journal (found() == none) or replaces the
  // one found. Whether replacing is allowed (--restart) is the caller's decision.
  void start();

  // Appends records and fsyncs: only then are their points done.
  void append(std::span<const SweepJournalRecord> records);
  // Chain sweeps: one record per point (all must be done in `results`).
  void append(std::span<const std::size_t> points, const SweepResults& results);
  // Closes and deletes the file (the sweep is complete and its output final).
  void remove();

 private:
  void open_existing();
  void parse(const std::string& bytes);
  void replace_with(const std::vector<SweepJournalRecord>& records, bool overwrite);

  std::string path_;
  SweepJournalIdentity identity_;
  SweepJournalCheck check_;
  std::vector<std::uint64_t> point_requests_;  // chain sweeps, for append(points, results)
  int fd_ = -1;
  JournalFound found_ = JournalFound::none;
  std::string found_reason_;
  std::string found_header_;
  std::size_t intact_records_ = 0;
  std::vector<SweepJournalRecord> records_;
  std::string repair_note_;
  bool needs_rewrite_ = false;
};

// The record line for a point (without the newline); exposed for tests.
std::string sweep_journal_record(std::size_t point, std::uint64_t requests,
                                 std::span<const std::uint64_t> counts);

// The header line for an identity (without the newline); exposed for tests.
std::string sweep_journal_header(const SweepJournalIdentity& identity);

}  // namespace nines
