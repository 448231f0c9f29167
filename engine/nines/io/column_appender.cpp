#include "nines/io/column_appender.hpp"

#include <zlib.h>

#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include "nines/base/error.hpp"
#include "nines/io/column_deflate.hpp"

namespace nines {

namespace {
// One element width known at compile time: the compiler unrolls the planes and vectorises the
// gather, which it cannot do for a width it only learns at run time.
template <std::size_t Element>
void shuffle_fixed(const unsigned char* in, std::size_t count, unsigned char* out) noexcept {
  for (std::size_t i = 0; i < count; ++i)
    for (std::size_t j = 0; j < Element; ++j) out[j * count + i] = in[i * Element + j];
}
}  // namespace

void shuffle_bytes(const unsigned char* in, std::size_t count, std::size_t element,
                   unsigned char* out) noexcept {
  switch (element) {
    case 2:
      return shuffle_fixed<2>(in, count, out);
    case 4:
      return shuffle_fixed<4>(in, count, out);
    case 8:
      return shuffle_fixed<8>(in, count, out);
    default:
      for (std::size_t j = 0; j < element; ++j) {
        unsigned char* plane = out + j * count;
        for (std::size_t i = 0; i < count; ++i) plane[i] = in[i * element + j];
      }
  }
}

namespace {

template <class T>
std::size_t first_difference_as(const unsigned char* bytes, std::size_t count,
                                const unsigned char* value) noexcept {
  T v, x;
  std::memcpy(&v, value, sizeof(T));
  for (std::size_t i = 0; i < count; ++i) {
    std::memcpy(&x, bytes + i * sizeof(T), sizeof(T));
    if (x != v) return i;
  }
  return count;
}

// The index of the first of `count` elements that is not `value`, or count.
std::size_t first_difference(const unsigned char* bytes, std::size_t count,
                             const std::vector<unsigned char>& value) noexcept {
  switch (value.size()) {
    case 1:
      return first_difference_as<std::uint8_t>(bytes, count, value.data());
    case 2:
      return first_difference_as<std::uint16_t>(bytes, count, value.data());
    case 4:
      return first_difference_as<std::uint32_t>(bytes, count, value.data());
    case 8:
      return first_difference_as<std::uint64_t>(bytes, count, value.data());
    default:
      for (std::size_t i = 0; i < count; ++i)
        if (std::memcmp(bytes + i * value.size(), value.data(), value.size()) != 0) return i;
      return count;
  }
}

}  // namespace

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

  void try_run(std::size_t element, bool shuffled, int level, ColumnCodec codec) noexcept {
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
      if (codec == ColumnCodec::small_integers) {
        // Each thread keeps one encoder, whose scratch then stops allocating. With the shuffle,
        // a run is a repeated byte (element 1); without it, a repeated element.
        thread_local ColumnDeflater deflater;
        compressed.resize(
            deflater.compress(source, raw.size(), shuffled ? 1 : element, compressed, level == 0));
      } else {
        uLongf size = compressBound(static_cast<uLong>(raw.size()));
        compressed.resize(size);
        const int status =
            compress2(compressed.data(), &size, source, static_cast<uLong>(raw.size()), level);
        if (status != Z_OK)
          error = "zlib error " + std::to_string(status);
        else
          compressed.resize(size);
      }
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
                               int deflate_level, ColumnCodec codec)
    : dataset_(std::move(dataset)),
      element_(element_bytes),
      chunk_(static_cast<std::size_t>(dataset_.chunk_length())),
      row_(dataset_.row_length()),
      shuffled_(shuffled),
      level_(deflate_level),
      codec_(codec),
      // Enough chunks in flight to keep every thread compressing, few enough to bound memory.
      max_in_flight_(
          static_cast<std::size_t>(2 * std::max(1, tbb::this_task_arena::max_concurrency()) + 2)) {
  if (element_ == 0 || chunk_ == 0 || !dataset_.extendible() || dataset_.shape()[0] != 0)
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

void ColumnAppender::make_constant(std::span<const unsigned char> value) {
  if (value.size() != element_ || appended_ != 0 || row_ != 1)
    throw std::logic_error("make_constant: " + dataset_.path() +
                           " needs one element's bytes, before anything is appended");
  constant_.assign(value.begin(), value.end());
}

void ColumnAppender::append(const void* elements, std::size_t count) {
  const auto* bytes = static_cast<const unsigned char*>(elements);
  if (!constant_.empty()) {
    const std::size_t differs = first_difference(bytes, count, constant_);
    if (differs < count)
      throw std::logic_error("append: element " + std::to_string(appended_ + differs) + " of " +
                             dataset_.path() + " differs from the column's constant");
    appended_ += count;
    return;
  }
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

void ColumnAppender::append_constant(std::size_t count) {
  if (constant_.empty())
    throw std::logic_error("append_constant: " + dataset_.path() + " is not a constant column");
  appended_ += count;
}

void ColumnAppender::close() {
  if (appended_ % row_ != 0)
    throw std::logic_error("close: " + dataset_.path() + " ends inside a row (" +
                           std::to_string(appended_) + " elements, rows of " +
                           std::to_string(row_) + ")");
  if (!constant_.empty()) {
    dataset_.grow_to(appended_);
    dataset_.close();
    return;
  }
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
  tasks_.run([job, element = element_, shuffled = shuffled_, level = level_, codec = codec_] {
    job->try_run(element, shuffled, level, codec);
  });
}

// Stores the finished chunks at the head of the queue, in order. With `all`, or when too many
// are in flight, the head is finished first (here, if no worker has started it).
void ColumnAppender::store_finished(bool all) {
  while (!in_flight_.empty()) {
    Job& job = *in_flight_.front();
    if (job.state.load(std::memory_order_acquire) != Job::done) {
      if (!all && in_flight_.size() <= max_in_flight_) return;
      job.try_run(element_, shuffled_, level_, codec_);
      job.wait();
    }
    if (!job.error.empty())
      throw IOError("cannot compress a chunk of " + dataset_.path() + ": " + job.error);
    dataset_.append_chunk(job.count, job.compressed);
    in_flight_.pop_front();
  }
}

}  // namespace nines
