#include "nines/sweep/sweep_journal.hpp"

#include "nines/sweep/point_run.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "nines/base/error.hpp"
#include "nines/io/atomic_output.hpp"
#include "nines/io/file_lock.hpp"
#include "nines/io/output_path.hpp"
#include "nines/sweep/sweep_writer.hpp"

namespace nines {

namespace {

constexpr std::string_view kMagic = "nines-sweep-journal";
constexpr std::string_view kVersion = "1";
// How much of a file is read to decide whether it is a journal at all: a large foreign file
// is refused without being read whole.
constexpr std::size_t kSniffBytes = std::size_t{1} << 20;
// Dropped lines named one by one in the repair note; the rest are counted.
constexpr std::size_t kNamedDrops = 5;

std::string crc_hex(std::string_view text) {
  const uLong crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(text.data()),
                          static_cast<uInt>(text.size()));
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%08lx", static_cast<unsigned long>(crc));
  return buffer;
}

std::string with_crc(const std::string& text) {
  return text + " " + crc_hex(text);
}

// The text before " <crc>" when the line's CRC checks, else nullopt.
std::optional<std::string_view> checked(std::string_view line) {
  const std::size_t space = line.rfind(' ');
  if (space == std::string_view::npos || line.size() - space != 9) return std::nullopt;
  const std::string_view text = line.substr(0, space);
  if (crc_hex(text) != line.substr(space + 1)) return std::nullopt;
  return text;
}

[[noreturn]] void io_fail(const std::string& what, const std::string& path) {
  const int error = errno;
  throw IOError("cannot " + what + " journal '" + path + "': " + std::strerror(error));
}

void write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      io_fail("write", path);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t j = text.find(' ', i);
    out.push_back(text.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  return out;
}

std::optional<std::uint64_t> number(std::string_view text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

// "P <point> <requests> <K> <count>..." (checksum already removed).
std::optional<SweepJournalRecord> parse_record(std::string_view text) {
  const auto fields = split(text);
  if (fields.size() < 4 || fields[0] != "P") return std::nullopt;
  const auto point = number(fields[1]), requests = number(fields[2]), k = number(fields[3]);
  if (!point || !requests || !k || *k != fields.size() - 4) return std::nullopt;
  SweepJournalRecord record;
  record.point = static_cast<std::size_t>(*point);
  record.requests = *requests;
  record.counts.reserve(static_cast<std::size_t>(*k));
  for (std::size_t i = 4; i < fields.size(); ++i) {
    const auto count = number(fields[i]);
    if (!count) return std::nullopt;
    record.counts.push_back(*count);
  }
  return record;
}

// The point a damaged record line seems to be about, for messages.
std::string apparent_point(std::string_view line) {
  const auto fields = split(line);
  if (fields.size() >= 2 && fields[0] == "P")
    if (const auto point = number(fields[1])) return "; apparently point " + std::to_string(*point);
  return "";
}

struct Line {
  std::string_view text;   // without "\n" and a "\r" before it
  std::size_t number = 0;  // 1-based
  bool terminated = false;
  bool crlf = false;
};

std::vector<Line> split_lines(std::string_view bytes) {
  std::vector<Line> out;
  std::size_t start = 0;
  while (start < bytes.size()) {
    Line line;
    line.number = out.size() + 1;
    const std::size_t end = bytes.find('\n', start);
    line.terminated = end != std::string_view::npos;
    line.text = bytes.substr(start, line.terminated ? end - start : std::string_view::npos);
    if (line.terminated && !line.text.empty() && line.text.back() == '\r') {
      line.text.remove_suffix(1);
      line.crlf = true;
    }
    out.push_back(line);
    start = line.terminated ? end + 1 : bytes.size();
  }
  return out;
}

// key=value fields of a header's text after "nines-sweep-journal <version>".
std::map<std::string, std::string> header_fields(std::string_view text) {
  std::map<std::string, std::string> out;
  const auto fields = split(text);
  for (std::size_t i = 2; i < fields.size(); ++i) {
    const std::size_t eq = fields[i].find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace(std::string(fields[i].substr(0, eq)), std::string(fields[i].substr(eq + 1)));
  }
  return out;
}

std::string header_text(const SweepJournalIdentity& identity) {
  return std::string(kMagic) + " " + std::string(kVersion) +
         " points=" + std::to_string(identity.points) + " " + identity.fingerprint +
         " sampler=" + identity.sampler;
}

// How the journal found differs from the sweep being run, in words.
std::string differences(const std::map<std::string, std::string>& found,
                        const std::map<std::string, std::string>& wanted) {
  std::vector<std::string> out;
  std::map<std::string, std::string> keys = found;
  keys.insert(wanted.begin(), wanted.end());
  for (const auto& [key, ignored] : keys) {
    const auto f = found.find(key), w = wanted.find(key);
    const std::string was = f == found.end() ? "(none)" : f->second;
    const std::string now = w == wanted.end() ? "(none)" : w->second;
    if (was == now) continue;
    if (key == "sweep-sha256") {
      out.push_back("the sweep file has changed since");
    } else if (key == "base-sha256") {
      out.push_back("its base scenario has changed since");
    } else if (key == "sampler") {
      out.push_back("it was run with --sampler " + was + ", this run uses --sampler " + now);
    } else if (key == "points") {
      out.push_back("it has " + was + " points, this sweep " + now);
    } else {
      out.push_back(key + " was " + was + ", is now " + now);
    }
  }
  std::string text;
  for (const std::string& d : out) text += (text.empty() ? "" : "; ") + d;
  return text.empty() ? "its header differs" : text;
}

bool same_file(const struct stat& a, const struct stat& b) noexcept {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

std::string sweep_journal_record(std::size_t point, std::uint64_t requests,
                                 std::span<const std::uint64_t> counts) {
  std::string text = "P " + std::to_string(point) + " " + std::to_string(requests) + " " +
                     std::to_string(counts.size());
  for (const std::uint64_t c : counts) text += " " + std::to_string(c);
  return with_crc(text);
}

std::string sweep_journal_header(const SweepJournalIdentity& identity) {
  return with_crc(header_text(identity));
}

SweepJournalIdentity SweepJournal::identity_of(const SweepPlan& plan, SamplerChoice sampler) {
  return {plan.points.size(), plan.fingerprint(), sampler_choice_name(sampler)};
}

SweepJournalCheck SweepJournal::check_for(const SweepPlan& plan) {
  std::vector<std::uint64_t> requests, components;
  const bool chains = plan.base_format == 1;
  for (const SweepPoint& p : plan.points) {
    requests.push_back(p.requests);
    if (chains) components.push_back(p.components.size());
  }
  // A structure point keeps its kernel's whole tally, whose length depends on the point's
  // shape: built for the points the journal names, and only then.
  // A point that stops at a precision records the requests it sampled: at most its own.
  const bool precision = plan.target_precision.has_value();
  return [requests = std::move(requests), components = std::move(components), chains, precision,
          &plan](const SweepJournalRecord& r) -> std::string {
    const std::string point = "point " + std::to_string(r.point);
    if (r.point >= requests.size())
      return point + " is beyond the sweep's " + plural(requests.size(), "point");
    if (precision ? r.requests == 0 || r.requests > requests[r.point]
                  : r.requests != requests[r.point])
      return "it records " + std::to_string(r.requests) + " requests, " + point + " has " +
             std::to_string(requests[r.point]);
    if (!chains) {
      std::size_t expected = 0;
      try {
        expected = PointRun::make(plan, r.point, SamplerChoice::automatic, 2)->counts_size();
      } catch (const InputError& e) {
        return point + " is not a valid structure: " + e.message();
      }
      if (r.counts.size() != expected)
        return "it has " + plural(r.counts.size(), "count") + ", " + point + "'s tally has " +
               std::to_string(expected);
      return "";
    }
    if (r.counts.size() != components[r.point])
      return "it has " + plural(r.counts.size(), "count") + ", " + point + " has " +
             plural(components[r.point], "component");
    std::uint64_t left = r.requests;
    for (const std::uint64_t c : r.counts) {
      if (c > left) return "its failures exceed its " + std::to_string(r.requests) + " requests";
      left -= c;
    }
    return "";
  };
}

SweepJournal::SweepJournal(std::string path, const SweepPlan& plan, SamplerChoice sampler)
    : SweepJournal(std::move(path), identity_of(plan, sampler), check_for(plan)) {
  for (const SweepPoint& p : plan.points) point_requests_.push_back(p.requests);
}

SweepJournal::SweepJournal(std::string path, SweepJournalIdentity identity, SweepJournalCheck check)
    : path_(std::move(path)), identity_(std::move(identity)), check_(std::move(check)) {
  open_existing();
  if (fd_ < 0) return;  // nothing there
  // The constructor owns fd_ until it returns: close it (and so release the lock) on a throw.
  try {
    std::string bytes;
    char buffer[1 << 16];
    bool whole = false;
    for (;;) {
      if (!whole && bytes.size() >= kSniffBytes) {
        // Read on only if this is a journal: it starts with the header or holds an intact line.
        bool journal = bytes.compare(0, kMagic.size(), kMagic) == 0;
        for (const Line& line : split_lines(bytes)) {
          if (journal) break;
          journal = line.terminated && checked(line.text).has_value();
        }
        if (!journal) break;
        whole = true;
      }
      const ssize_t n = ::read(fd_, buffer, sizeof buffer);
      if (n < 0) {
        if (errno == EINTR) continue;
        io_fail("read", path_);
      }
      if (n == 0) break;
      bytes.append(buffer, static_cast<std::size_t>(n));
    }
    parse(bytes);
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    throw;
  }
}

void SweepJournal::open_existing() {
  for (int attempt = 0;; ++attempt) {
    if (path_kind(path_) == PathKind::missing) return;
    // A link, FIFO, device, directory or socket is not nines' journal: refused, left alone.
    check_output_path(path_, true, "sweep journal");
    const int fd = ::open(path_.c_str(), O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT && attempt < 3) continue;  // deleted meanwhile: look again
      io_fail("open", path_);
    }
    struct stat opened {
    }, named{};
    if (::fstat(fd, &opened) != 0 || !S_ISREG(opened.st_mode)) {
      ::close(fd);
      throw InputError("sweep journal '" + path_ + "' is not a regular file; choose another -o");
    }
    bool locked = false;
    try {
      locked = try_lock_file(fd, path_.c_str());
    } catch (...) {
      ::close(fd);
      throw;
    }
    if (!locked) {
      ::close(fd);
      throw InputError("another nines sweep is writing '" + path_ +
                       "' (the journal is locked); wait for it or choose another -o");
    }
    // Another sweep may have replaced the journal between our open and our lock (it rewrites
    // a damaged journal under a new inode): the lock must be on the file the name refers to.
    if (::lstat(path_.c_str(), &named) == 0 && same_file(opened, named)) {
      fd_ = fd;
      return;
    }
    ::close(fd);
    if (attempt >= 3) throw IOError("journal '" + path_ + "' keeps being replaced; try again");
  }
}

void SweepJournal::parse(const std::string& bytes) {
  const std::vector<Line> lines = split_lines(bytes);
  const auto not_a_journal = [&](const std::string& why) {
    return InputError("'" + path_ + "' is " + why +
                      ", not a nines sweep journal; nines will not read, continue or delete it: "
                      "move it away, or choose another output name with -o");
  };
  if (lines.empty()) throw not_a_journal("empty");

  bool crlf = false;
  for (const Line& line : lines) {
    crlf = crlf || line.crlf;
    if (!line.terminated) continue;
    if (const auto text = checked(line.text); text && parse_record(*text)) ++intact_records_;
  }

  const Line& first = lines.front();
  const auto header = checked(first.text);
  if (header && header->substr(0, kMagic.size() + 1) == std::string(kMagic) + " ") {
    found_header_ = std::string(*header);
    const auto fields = split(*header);
    if (fields.size() < 2 || fields[1] != kVersion) {
      found_ = JournalFound::other_sweep;
      found_reason_ = "it was written by another version of nines (journal format " +
                      std::string(fields.size() < 2 ? "?" : fields[1]) + ", this nines writes " +
                      std::string(kVersion) + ")";
      return;
    }
    const auto found = header_fields(*header);
    const auto wanted = header_fields(header_text(identity_));
    if (found != wanted) {
      found_ = JournalFound::other_sweep;
      found_reason_ = differences(found, wanted);
      return;
    }
    found_ = JournalFound::this_sweep;
  } else if (first.text.substr(0, kMagic.size()) == kMagic) {
    found_ = JournalFound::damaged_header;
    found_reason_ = "its header line fails its checksum";
    return;
  } else if (intact_records_ > 0) {
    found_ = JournalFound::damaged_header;
    const auto text = checked(first.text);
    found_reason_ = text && parse_record(*text)
                        ? "it has no header line (its first line is a point record)"
                        : "its first line is not a journal header";
    return;
  } else {
    throw not_a_journal("a file without a single checksummed journal line");
  }

  // The journal of this sweep: keep every intact record that fits; name every other line.
  struct Drop {
    std::size_t line;
    std::string reason;
  };
  std::vector<Drop> drops;
  std::map<std::size_t, std::size_t> kept;  // point -> index in records_
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const Line& line = lines[i];
    if (!line.terminated) {
      drops.push_back({line.number, "incomplete, the sweep was stopped while writing it" +
                                        apparent_point(line.text)});
      continue;
    }
    if (line.text.empty()) {
      drops.push_back({line.number, "empty"});
      continue;
    }
    const auto text = checked(line.text);
    if (!text) {
      drops.push_back({line.number, "checksum mismatch" + apparent_point(line.text)});
      continue;
    }
    auto record = parse_record(*text);
    if (!record) {
      drops.push_back({line.number, "not a point record"});
      continue;
    }
    if (const std::string why = check_(*record); !why.empty()) {
      drops.push_back({line.number, "does not fit this sweep: " + why});
      continue;
    }
    if (const auto earlier = kept.find(record->point); earlier != kept.end()) {
      const bool same = records_[earlier->second].counts == record->counts;
      drops.push_back({line.number, same ? "a second copy of point " +
                                               std::to_string(record->point) + "'s record"
                                         : "contradicts the earlier record of point " +
                                               std::to_string(record->point) + ", which is kept"});
      continue;
    }
    kept.emplace(record->point, records_.size());
    records_.push_back(std::move(*record));
  }

  needs_rewrite_ = crlf || !drops.empty();
  std::vector<std::string> notes;
  if (crlf) notes.push_back("converted its CRLF (Windows) line endings");
  if (!drops.empty()) {
    std::string text = "kept " + std::to_string(records_.size()) + " of " +
                       plural(lines.size() - 1, "line") + " after the header; dropped ";
    for (std::size_t i = 0; i < drops.size() && i < kNamedDrops; ++i)
      text += (i == 0 ? "line " : ", line ") + std::to_string(drops[i].line) + " (" +
              drops[i].reason + ")";
    if (drops.size() > kNamedDrops)
      text += " and " + plural(drops.size() - kNamedDrops, "more line");
    text += "; points without a kept record are sampled again";
    notes.push_back(text);
  }
  for (const std::string& n : notes) repair_note_ += (repair_note_.empty() ? "" : "; ") + n;
}

SweepJournal::~SweepJournal() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

std::string SweepJournal::found_field(const std::string& key) const {
  const auto fields = header_fields(found_header_);
  const auto it = fields.find(key);
  return it == fields.end() ? "" : it->second;
}

void SweepJournal::replace_with(const std::vector<SweepJournalRecord>& records, bool overwrite) {
  std::string text = sweep_journal_header(identity_) + "\n";
  for (const SweepJournalRecord& r : records)
    text += sweep_journal_record(r.point, r.requests, r.counts) + "\n";
  int kept = -1;
  try {
    // Written whole under a temporary name and renamed into place (the output policy), so a
    // journal is never seen without its header, and a rewrite loses nothing if it is cut off.
    AtomicOutput out(path_, overwrite);
    const int fd = out.create();
    write_all(fd, text, out.temporary_path());
    kept = ::dup(fd);  // keeps the new file open, and locked, after commit() closes fd
    if (kept < 0) io_fail("keep", out.temporary_path());
    out.commit();
  } catch (const InputError&) {
    if (kept >= 0) ::close(kept);
    if (overwrite) throw;
    // Nothing was there when we looked; something is now: another sweep got there first.
    throw InputError("another nines sweep has just started writing '" + path_ +
                     "'; wait for it or choose another -o");
  } catch (...) {
    if (kept >= 0) ::close(kept);
    throw;
  }
  if (fd_ >= 0) ::close(fd_);  // the replaced journal and its lock
  fd_ = kept;
  if (::lseek(fd_, 0, SEEK_END) < 0) io_fail("seek", path_);
}

void SweepJournal::resume() {
  if (found_ != JournalFound::this_sweep)
    throw std::logic_error("SweepJournal::resume: the journal is not one of this sweep");
  if (needs_rewrite_) {
    replace_with(records_, true);
    needs_rewrite_ = false;
  } else if (::lseek(fd_, 0, SEEK_END) < 0) {
    io_fail("seek", path_);
  }
}

void SweepJournal::start() {
  records_.clear();
  replace_with({}, found_ != JournalFound::none);
}

void SweepJournal::append(std::span<const SweepJournalRecord> records) {
  if (records.empty()) return;
  if (fd_ < 0) throw std::logic_error("SweepJournal::append: resume() or start() first");
  std::string text;
  for (const SweepJournalRecord& r : records)
    text += sweep_journal_record(r.point, r.requests, r.counts) + "\n";
  write_all(fd_, text, path_);
  if (::fdatasync(fd_) != 0) io_fail("sync", path_);
}

void SweepJournal::append(std::span<const std::size_t> points, const SweepResults& results) {
  std::vector<SweepJournalRecord> records;
  records.reserve(points.size());
  for (const std::size_t p : points) {
    // The request count is implied by the plan (unless the point stopped at a precision); it
    // is recorded so that a record can be checked on its own.
    records.push_back({p, results.requests(p, point_requests_.at(p)), results.failures(p)});
  }
  append(records);
}

void SweepJournal::remove() {
  if (fd_ < 0) return;
  // Only the file we hold: never a file someone put in its place.
  struct stat ours {
  }, named{};
  if (::fstat(fd_, &ours) == 0 && ::lstat(path_.c_str(), &named) == 0 && same_file(ours, named))
    ::unlink(path_.c_str());
  ::close(fd_);
  fd_ = -1;
}

}  // namespace nines
