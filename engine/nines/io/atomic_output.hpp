#pragma once
// An output file that appears under its final name only when it is complete.
//
// THE OUTPUT POLICY (one policy for run files, sweep files, sweep journals and reports):
//
//  1. What may be replaced. nines writes a path only when nothing is there, or, with --force,
//     when a regular file is there. Never a directory, FIFO, socket or device (not even with
//     --force, not even as root), and never a symbolic link: a link at the output path is
//     neither followed nor replaced (give the file's own path). Directories on the way to the
//     file may be links. --resume and --restart never imply --force.
//  2. How it is written. Into a temporary file created exclusively (O_EXCL) beside the target,
//     "<target>.partial-<8 random characters>" (beside it, so that the rename stays on one file
//     system; random, so that a leftover never blocks a run and no two writers share one). At
//     commit the file is fsync'd, renamed over the target (without --force with
//     RENAME_NOREPLACE, so a file that appeared meanwhile is never clobbered; the type of the
//     target is checked again just before), and the directory is fsync'd. A file under its
//     final name is therefore always complete, and durable once commit() returns.
//  3. What is deleted. Only the writer's own temporary file (recognised by its inode), when
//     the write fails or is interrupted. Nothing else: temporary files of other processes,
//     leftovers of killed runs (they can only be left by SIGKILL or a power cut) and anything
//     at the target that may not be replaced are left alone.
//  4. One writer per target. From its creation to the rename the temporary file is locked
//     (file_lock.hpp). Right after locking, the writer looks for another locked
//     "<target>.partial-*": if one exists, another nines process is writing the same target
//     and this one stops with an error before doing any work (of two runs started together,
//     at least the later one stops; never neither).
//  5. Checked before work. The target's type and existence are checked when the AtomicOutput
//     is made, the temporary file is created and locked right after; callers do both before
//     simulating, so an unwritable, existing or contested output fails in a moment.
//  6. Journals. A sweep journal ("<output>.journal") is read, continued or deleted only when
//     it is nines' own: a regular file whose lines carry nines' checksums. A journal of
//     another sweep is refused unless --restart; a file that is not a nines journal is refused
//     even then (sweep_journal.hpp).
//
// The writer creates the file (HDF5's exclusive create) at temporary_path() and calls
// created(), or lets create() make it; commit() renames it into place; an AtomicOutput
// destroyed before commit() deletes the temporary file.
#include <string>

namespace nines {

class AtomicOutput {
 public:
  // Checks the destination (check_output_path in output_path.hpp: InputError if something
  // other than a regular file is there, or a regular file without `overwrite`) and picks an
  // unused temporary name. Creates nothing.
  AtomicOutput(std::string final_path, bool overwrite);
  ~AtomicOutput();  // not committed: deletes the temporary file, if it is still ours
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::string& final_path() const noexcept { return final_path_; }
  const std::string& temporary_path() const noexcept { return temp_path_; }

  // Call once the caller has created the temporary file exclusively: from then on it is ours
  // to delete. Opens and locks it, then checks that no other process is writing the same
  // target (InputError if one is; IOError if the file cannot be opened or locked). Until this
  // is called a failure leaves alone whatever is at the temporary path.
  void created();

  // For writers of plain files: creates the temporary file exclusively and returns its
  // descriptor, open for reading and writing, locked, owned by this object (closed at commit
  // or destruction; dup() it to keep the file and its lock longer). Does what created() does.
  int create();

  // Syncs the (closed, for HDF5) temporary file, checks the target again, renames into place
  // and syncs the directory. Without overwrite it refuses atomically, with the InputError of
  // the constructor, if the target appeared since the check (RENAME_NOREPLACE; where the file
  // system lacks it, link() and unlink(), which are just as atomic; only where neither works
  // is the check a moment before a plain rename). IOError if syncing or renaming fails; the
  // temporary file is then deleted on destruction.
  void commit();
  bool committed() const noexcept { return committed_; }

 private:
  void lock_and_check_for_other_writers();

  std::string final_path_;
  std::string temp_path_;
  bool overwrite_ = false;
  bool created_ = false;
  bool committed_ = false;
  int fd_ = -1;  // the temporary file, from created() to commit(); holds the lock
};

}  // namespace nines
