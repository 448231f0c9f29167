#include "nines/io/atomic_output.hpp"

#include <fcntl.h>  // AT_FDCWD, RENAME_NOREPLACE for renameat2
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <system_error>
#include <utility>

#include "nines/base/error.hpp"
#include "nines/io/file_lock.hpp"
#include "nines/io/output_path.hpp"

namespace nines {
namespace {

constexpr const char* kTemporaryInfix = ".partial-";

[[noreturn]] void io_fail(const std::string& what, const std::string& path, int error) {
  throw IOError("cannot " + what + " '" + path + "': " + std::strerror(error));
}

// Eight characters from [0-9a-z]: 2.8e12 names, so a collision with a leftover is
// practically impossible, and the exclusive create catches it if it happens.
std::string random_suffix() {
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_int_distribution<int> pick(0, 35);
  std::string out(8, '0');
  for (char& c : out) c = kAlphabet[pick(generator)];
  return out;
}

std::string unused_temporary_name(const std::string& final_path) {
  for (;;) {
    std::string name = final_path + kTemporaryInfix + random_suffix();
    if (path_kind(name) == PathKind::missing) return name;
  }
}

std::string directory_of(const std::string& path) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

bool same_file(const struct stat& a, const struct stat& b) noexcept {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Makes a rename or a new name in `dir` durable. File systems that cannot sync a directory
// (EINVAL) have nothing more to give.
void sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) io_fail("open the directory", dir, errno);
  const int status = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (status != 0 && error != EINVAL && error != EROFS) io_fail("sync the directory", dir, error);
}

}  // namespace

AtomicOutput::AtomicOutput(std::string final_path, bool overwrite)
    : final_path_(std::move(final_path)), overwrite_(overwrite) {
  check_output_path(final_path_, overwrite_);
  temp_path_ = unused_temporary_name(final_path_);
}

AtomicOutput::~AtomicOutput() {
  if (created_ && !committed_) {
    // Delete the temporary file only while the name still refers to the file we created.
    struct stat ours {
    }, there{};
    const bool known = fd_ >= 0 && ::fstat(fd_, &ours) == 0;
    const bool present = ::lstat(temp_path_.c_str(), &there) == 0;
    if (present && (!known || same_file(ours, there))) ::unlink(temp_path_.c_str());
  }
  if (fd_ >= 0) ::close(fd_);
}

void AtomicOutput::created() {
  created_ = true;
  // O_NOFOLLOW and O_NONBLOCK: if the name was swapped for a link or a FIFO, fail rather than
  // follow or hang. The caller's file is checked to be a regular file.
  fd_ = ::open(temp_path_.c_str(), O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) io_fail("open the temporary file", temp_path_, errno);
  struct stat st {};
  if (::fstat(fd_, &st) != 0) io_fail("examine the temporary file", temp_path_, errno);
  if (!S_ISREG(st.st_mode))
    throw IOError("temporary file '" + temp_path_ + "' is not a regular file");
  lock_and_check_for_other_writers();
}

int AtomicOutput::create() {
  for (int attempt = 0;; ++attempt) {
    const int fd =
        ::open(temp_path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0) {
      fd_ = fd;
      created_ = true;
      break;
    }
    const int error = errno;
    if (error != EEXIST || attempt >= 16) io_fail("create the temporary file", temp_path_, error);
    temp_path_ = unused_temporary_name(final_path_);  // lost a race for the name: another one
  }
  lock_and_check_for_other_writers();
  return fd_;
}

void AtomicOutput::lock_and_check_for_other_writers() {
  if (!try_lock_file(fd_, temp_path_.c_str()))
    throw IOError("cannot lock the temporary file '" + temp_path_ +
                  "': another process holds a lock on it");

  // Every writer locks its temporary file before it looks for others, so of two writers at
  // least the later one sees the other's lock. Unlocked "<target>.partial-*" files are
  // leftovers of killed runs: they neither block nor get deleted.
  const std::filesystem::path target(final_path_);
  const std::string prefix = target.filename().string() + kTemporaryInfix;
  const std::string own = std::filesystem::path(temp_path_).filename().string();
  std::error_code error;
  std::filesystem::directory_iterator entries(directory_of(final_path_), error);
  if (error) return;  // a directory we may write but not list: nothing to compare with
  for (const auto& entry : entries) {
    const std::string name = entry.path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0 || name == own)
      continue;
    const std::string path = entry.path().string();
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st {};
    bool busy = false;
    try {
      busy = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && file_is_locked(fd, path.c_str());
    } catch (...) {
      ::close(fd);
      throw;
    }
    ::close(fd);
    if (busy)
      throw InputError("another nines process is writing '" + final_path_ +
                       "' right now (its temporary file '" + path +
                       "' is in use); wait for it to finish, or choose another name with -o");
  }
}

void AtomicOutput::commit() {
  if (!created_ || fd_ < 0 || committed_)
    throw std::logic_error("AtomicOutput::commit: no temporary file to commit");
  if (::fsync(fd_) != 0) io_fail("sync", temp_path_, errno);
  check_output_path(final_path_, overwrite_);  // a device or link that appeared meanwhile

  const char* from = temp_path_.c_str();
  const char* to = final_path_.c_str();
  bool renamed = false;
  if (!overwrite_) {
    if (::renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) {
      renamed = true;
    } else {
      const int error = errno;
      if (error == EEXIST) throw InputError(already_exists_message(final_path_));
      if (error != EINVAL && error != ENOSYS) io_fail("rename '" + temp_path_ + "' to", to, error);
      // No RENAME_NOREPLACE here (older kernels, some network file systems): link() refuses
      // an existing name just as atomically.
      if (::link(from, to) == 0) {
        ::unlink(from);
        renamed = true;
      } else {
        const int link_error = errno;
        if (link_error == EEXIST) throw InputError(already_exists_message(final_path_));
        // No hard links either: the check above, a moment ago, is all there is.
      }
    }
  }
  if (!renamed && std::rename(from, to) != 0)
    io_fail("rename '" + temp_path_ + "' to", final_path_, errno);
  committed_ = true;
  ::close(fd_);  // releases the lock: the name it guarded is gone
  fd_ = -1;
  sync_directory(directory_of(final_path_));
}

}  // namespace nines
