#include "nines/io/column_appender.hpp"

#include <zlib.h>

#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include "nines/base/error.hpp"

namespace nines {

void shuffle_bytes(const unsigned char* in, std::size_t count, std::size_t element,
                   unsigned char* out) noexcept {
  for (std::size_t j = 0; j < element; ++j) {
    unsigned char* plane = out + j * count;
    for (std::size_t i = 0; i < count; ++i) plane[i] = in[i * element + j];
  }
}

// One chunk on its way to the file. Whoever first moves it from queued to running compresses
// it: a pool thread, or the appending thread when it needs the chunk before a worker got to it
// (which is also what keeps a single-threaded run from waiting on itself).
struct ColumnAppender::Job {
  enum State : int { queued, running, done };

  std::vector<unsigned char> raw;  // the whole chunk, padded to full length
  std::size_t count = 0;           // elements of it that belong to the dataset
  std::vector<unsigned char> compressed;
  std::string error;  // set when compression failed
  std::atomic<int> state{queued};

  void try_run(std::size_t element, bool shuffled, int level) noexcept {
    int expected = queued;
    if (!state.compare_exchange_strong(expected, running, std::memory_order_acq_rel)) return;
    try {
      std::vector<unsigned char> shuffled_bytes;
      const unsigned char* source = raw.data();
      if (shuffled) {
        shuffled_bytes.resize(raw.size());
        shuffle_bytes(raw.data(), raw.size() / element, element, shuffled_bytes.data());
        source = shuffled_bytes.data();
      }
      uLongf size = compressBound(static_cast<uLong>(raw.size()));
      compressed.resize(size);
      const int status =
          compress2(compressed.data(), &size, source, static_cast<uLong>(raw.size()), level);
      if (status != Z_OK)
        error = "zlib error " + std::to_string(status);
      else
        compressed.resize(size);
    } catch (const std::bad_alloc&) {
      error = "out of memory";
    }
    raw = {};
    state.store(done, std::memory_order_release);
    state.notify_all();
  }

  void wait() const noexcept {
    for (int s = state.load(std::memory_order_acquire); s != done;
         s = state.load(std::memory_order_acquire))
      state.wait(s, std::memory_order_acquire);
  }
};

ColumnAppender::ColumnAppender(hdf5::Dataset dataset, std::size_t element_bytes, bool shuffled,
                               int deflate_level)
    : dataset_(std::move(dataset)),
      element_(element_bytes),
      chunk_(static_cast<std::size_t>(dataset_.chunk_length())),
      shuffled_(shuffled),
      level_(deflate_level),
      // Enough chunks in flight to keep every thread compressing, few enough to bound memory.
      max_in_flight_(
          static_cast<std::size_t>(2 * std::max(1, tbb::this_task_arena::max_concurrency()) + 2)) {
  if (element_ == 0 || chunk_ == 0 || !dataset_.extendible() || dataset_.size() != 0)
    throw std::logic_error("ColumnAppender: " + dataset_.path() +
                           " must be empty, extendible and chunked");
  std::vector<hdf5::Filter> filters;
  if (shuffled_) filters.push_back(hdf5::Filter::shuffle);
  filters.push_back(hdf5::Filter::deflate);
  if (dataset_.filters() != filters)
    throw std::logic_error("ColumnAppender: the filters of " + dataset_.path() +
                           " are not the ones it applies");
}

ColumnAppender::~ColumnAppender() {
  try {
    tasks_.wait();
  } catch (...) {  // the tasks do not throw; nothing to report from a destructor anyway
  }
}

void ColumnAppender::append(const void* elements, std::size_t count) {
  const auto* bytes = static_cast<const unsigned char*>(elements);
  const std::size_t chunk_bytes = chunk_ * element_;
  std::size_t left = count * element_;
  while (left > 0) {
    if (pending_.capacity() < chunk_bytes) pending_.reserve(chunk_bytes);
    const std::size_t take = std::min(left, chunk_bytes - pending_.size());
    pending_.insert(pending_.end(), bytes, bytes + take);
    bytes += take;
    left -= take;
    if (pending_.size() == chunk_bytes) submit(std::exchange(pending_, {}), chunk_);
  }
  appended_ += count;
  store_finished(false);
}

void ColumnAppender::close() {
  if (!pending_.empty()) {
    const std::size_t count = pending_.size() / element_;
    pending_.resize(chunk_ * element_, 0);  // HDF5 stores every chunk at full length
    submit(std::exchange(pending_, {}), count);
  }
  store_finished(true);
  tasks_.wait();
  dataset_.close();
}

void ColumnAppender::submit(std::vector<unsigned char> raw, std::size_t count) {
  auto job = std::make_shared<Job>();
  job->raw = std::move(raw);
  job->count = count;
  in_flight_.push_back(job);
  tasks_.run([job, element = element_, shuffled = shuffled_, level = level_] {
    job->try_run(element, shuffled, level);
  });
}

// Stores the finished chunks at the head of the queue, in order. With `all`, or when too many
// are in flight, the head is finished first (here, if no worker has started it).
void ColumnAppender::store_finished(bool all) {
  while (!in_flight_.empty()) {
    Job& job = *in_flight_.front();
    if (job.state.load(std::memory_order_acquire) != Job::done) {
      if (!all && in_flight_.size() <= max_in_flight_) return;
      job.try_run(element_, shuffled_, level_);
      job.wait();
    }
    if (!job.error.empty())
      throw IOError("cannot compress a chunk of " + dataset_.path() + ": " + job.error);
    dataset_.append_chunk(job.count, job.compressed);
    in_flight_.pop_front();
  }
}

}  // namespace nines
