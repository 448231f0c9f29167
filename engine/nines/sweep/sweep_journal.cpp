#include "nines/sweep/sweep_journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "nines/base/error.hpp"
#include "nines/sweep/sweep_writer.hpp"

namespace nines {

namespace {

constexpr std::string_view kMagic = "nines-sweep-journal 1";

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

std::string header_for(const SweepPlan& plan, SamplerChoice sampler) {
  return with_crc(std::string(kMagic) + " points=" + std::to_string(plan.points.size()) + " " +
                  plan.fingerprint() + " sampler=" + sampler_choice_name(sampler));
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

// Makes the journal's directory entry durable, so a new journal survives a power cut too.
void sync_directory(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
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

// Parses a record and checks it against the plan; true when it was applied.
bool apply_record(std::string_view text, const SweepPlan& plan, SweepResults& results) {
  const auto fields = split(text);
  if (fields.size() < 4 || fields[0] != "P") return false;
  const auto point = number(fields[1]), requests = number(fields[2]), k = number(fields[3]);
  if (!point || !requests || !k || *point >= plan.points.size()) return false;
  const SweepPoint& p = plan.points[*point];
  if (*requests != p.requests || *k != p.components.size() || fields.size() != 4 + *k) return false;
  std::vector<std::uint64_t> failures(*k);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < *k; ++i) {
    const auto f = number(fields[4 + i]);
    if (!f || *f > *requests - total) return false;
    failures[i] = *f;
    total += *f;
  }
  results.set(static_cast<std::size_t>(*point), std::move(failures));
  return true;
}

}  // namespace

std::string sweep_journal_record(std::size_t point, std::uint64_t requests,
                                 std::span<const std::uint64_t> failures) {
  std::string text = "P " + std::to_string(point) + " " + std::to_string(requests) + " " +
                     std::to_string(failures.size());
  for (const std::uint64_t f : failures) text += " " + std::to_string(f);
  return with_crc(text);
}

SweepJournal::SweepJournal(const std::string& path, const SweepPlan& plan, SamplerChoice sampler,
                           bool restart, SweepResults& results)
    : path_(path), plan_(plan) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) io_fail("open", path);
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw InputError("another nines sweep is writing '" + path +
                     "' (the journal is locked); wait for it or choose another -o");
  }

  // The constructor owns fd_ until it returns: close it (and so release the lock) on a throw.
  try {
    load(plan, sampler, restart, results);
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    throw;
  }
}

void SweepJournal::load(const SweepPlan& plan, SamplerChoice sampler, bool restart,
                        SweepResults& results) {
  const std::string& path = path_;
  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      io_fail("read", path);
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  existed_ = !bytes.empty();

  const std::string header = header_for(plan, sampler);
  std::size_t valid = 0;  // bytes of the file that are kept
  const std::size_t header_end = bytes.find('\n');
  const bool has_header = header_end != std::string::npos &&
                          checked(std::string_view(bytes).substr(0, header_end)).has_value();
  if (has_header && !restart) {
    const std::string_view found = std::string_view(bytes).substr(0, header_end);
    if (found != header) {
      const std::size_t records =
          static_cast<std::size_t>(std::count(bytes.begin(), bytes.end(), '\n')) - 1;
      throw InputError(
          "'" + path + "' was written for a different sweep (" + std::to_string(records) +
          " finished points): the sweep file, its base scenario or --sampler "
          "has changed since; use --restart to discard those results and start over, or -o "
          "to write elsewhere");
    }
    valid = header_end + 1;
    for (std::size_t start = valid; start < bytes.size();) {
      const std::size_t end = bytes.find('\n', start);
      if (end == std::string::npos) break;  // torn last line
      const auto text = checked(std::string_view(bytes).substr(start, end - start));
      if (!text || !apply_record(*text, plan, results)) break;
      start = end + 1;
      valid = start;
    }
    dropped_ = bytes.size() - valid;
  } else {
    existed_ = existed_ && has_header;
    if (::ftruncate(fd_, 0) != 0) io_fail("truncate", path);
    if (::lseek(fd_, 0, SEEK_SET) < 0) io_fail("seek", path);
    write_all(fd_, header + "\n", path);
    if (::fsync(fd_) != 0) io_fail("sync", path);
    sync_directory(path);
    return;
  }
  if (valid < bytes.size()) {
    if (::ftruncate(fd_, static_cast<off_t>(valid)) != 0) io_fail("truncate", path);
    if (::fsync(fd_) != 0) io_fail("sync", path);
  }
  if (::lseek(fd_, static_cast<off_t>(valid), SEEK_SET) < 0) io_fail("seek", path);
}

SweepJournal::~SweepJournal() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

void SweepJournal::append(std::span<const std::size_t> points, const SweepResults& results) {
  if (points.empty()) return;
  std::string text;
  for (const std::size_t p : points) {
    // The request count is implied by the plan; it is recorded so that a record can be
    // checked on its own.
    text += sweep_journal_record(p, plan_.points.at(p).requests, results.failures(p)) + "\n";
  }
  write_all(fd_, text, path_);
  if (::fdatasync(fd_) != 0) io_fail("sync", path_);
}

void SweepJournal::remove() {
  if (fd_ >= 0) {
    std::filesystem::remove(path_);
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace nines
