#pragma once
// An output file that appears under its final name only when it is complete. The writer
// creates it at temporary_path(), "<final_path>.partial-<pid>", beside the final path (so the
// rename stays on one file system), and commit() renames it into place; an AtomicOutput
// destroyed before commit() deletes the temporary file. So an interrupted or failed run never
// leaves a file that looks complete, and never clobbers one that appeared meanwhile.
#include <string>

namespace nines {

class AtomicOutput {
 public:
  // Checks the destination before anything is written: InputError if final_path is a
  // directory, or exists and overwrite is false (the message suggests --force or -o); IOError
  // if the temporary path exists already (left by an interrupted run with the same pid).
  // Creates nothing.
  AtomicOutput(std::string final_path, bool overwrite);
  ~AtomicOutput();  // not committed: deletes the temporary file, if created() was called
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::string& final_path() const noexcept { return final_path_; }
  const std::string& temporary_path() const noexcept { return temp_path_; }

  // Call once the caller has created the temporary file (exclusively): from then on it is ours
  // to delete. Until then a failure leaves alone whatever is at that path.
  void created() noexcept { created_ = true; }

  // Renames the (closed) temporary file to the final path. Without overwrite it refuses
  // atomically, with the same InputError as the constructor, if the final path appeared since
  // the check (renameat2 RENAME_NOREPLACE; file systems without that flag fall back to a plain
  // rename). IOError if the rename fails; the temporary file is then deleted on destruction.
  void commit();
  bool committed() const noexcept { return committed_; }

 private:
  std::string final_path_;
  std::string temp_path_;
  bool overwrite_ = false;
  bool created_ = false;
  bool committed_ = false;
};

}  // namespace nines
