#include "nines/files/run_writer.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>

#include "nines/base/error.hpp"
#include "nines/base/sha256.hpp"
#include "nines/base/version.hpp"
#include "nines/files/layout_notes.hpp"
#include "nines/io/atomic_output.hpp"
#include "nines/io/column_appender.hpp"
#include "nines/io/hdf5.hpp"
#include "nines/summary/summary_fields.hpp"

namespace nines {

namespace {

// Elements per HDF5 chunk of the /failures datasets: 512 KiB of uint64 request indices.
constexpr std::uint64_t kFailureChunk = std::uint64_t{1} << 16;

// HDF5 limits a chunk to < 4 GiB and (with the default v1 B-tree chunk index) records each
// stored chunk's size in 32 bits. The dense encoder never writes more than the data plus 5
// bytes per 64 KiB (it falls back to stored blocks), so keeping the uncompressed chunk at or
// below 2 GiB guarantees the deflate stream of even incompressible data fits.
constexpr std::uint64_t kMaxDenseChunkBytes = std::uint64_t{1} << 31;

}  // namespace

namespace {

// Component indices at the file's outcome width, little-endian like the file.
template <class Narrow>
void narrow_into(std::span<const std::int32_t> components, std::vector<unsigned char>& out) {
  static_assert(std::endian::native == std::endian::little, "chunks are stored as raw bytes");
  out.resize(components.size() * sizeof(Narrow));
  for (std::size_t i = 0; i < components.size(); ++i) {
    const auto value = static_cast<Narrow>(components[i]);
    std::memcpy(out.data() + i * sizeof(Narrow), &value, sizeof(Narrow));
  }
}

}  // namespace

ChainChunkEncoder::ChainChunkEncoder(std::size_t components, const RunInfo& info)
    : record_(info.record),
      type_(outcome_type_for(components)),
      deflate_level_(info.deflate_level) {
  check_run_info(info);
  if (info.record != RecordMode::dense) return;
  chunk_length_ = nines::dense_chunk_length(info);
  const std::uint64_t max_length = kMaxDenseChunkBytes / outcome_bytes(type_);
  if (chunk_length_ > max_length)
    throw InputError("chunks of " + std::to_string(chunk_length_) +
                     " requests are too large for --record dense: an HDF5 chunk holds at most " +
                     std::to_string(max_length) + " outcomes of " +
                     std::to_string(outcome_bytes(type_)) + " bytes");
}

void ChainChunkEncoder::encode_dense(std::uint64_t chunk, const void* outcomes, std::size_t count,
                                     EncodedChunk& out) const {
  if (record_ != RecordMode::dense)
    throw std::logic_error("encode_dense: the run does not record dense outcomes");
  out.reset(chunk, count, 1);
  CompressedChunk compressed;
  compressed.bytes.swap(out.parts[0]);  // compress into the part's buffer, keeping its capacity
  compress_dense_chunk(type_, chunk_length_, deflate_level_, outcomes, count, compressed);
  compressed.bytes.swap(out.parts[0]);
}

void ChainChunkEncoder::encode_failures(std::uint64_t chunk, std::uint64_t requests,
                                        std::span<const std::uint64_t> request_indices,
                                        std::span<const std::int32_t> components,
                                        EncodedChunk& out) const {
  if (request_indices.size() != components.size())
    throw std::invalid_argument("encode_failures: " + std::to_string(request_indices.size()) +
                                " requests but " + std::to_string(components.size()) +
                                " components");
  static_assert(std::endian::native == std::endian::little, "chunks are stored as raw bytes");
  out.reset(chunk, requests, 2);
  const auto* raw = reinterpret_cast<const unsigned char*>(request_indices.data());
  out.parts[0].assign(raw, raw + request_indices.size_bytes());
  switch (type_) {
    case OutcomeType::int8:
      narrow_into<std::int8_t>(components, out.parts[1]);
      break;
    case OutcomeType::int16:
      narrow_into<std::int16_t>(components, out.parts[1]);
      break;
    case OutcomeType::int32:
      narrow_into<std::int32_t>(components, out.parts[1]);
      break;
  }
}

struct RunFileWriter::Impl {
  // Engaged once the output path has been checked. Declared before the HDF5 handles so that
  // it is destroyed after them: an unfinished file is closed before it is deleted.
  std::optional<AtomicOutput> output;
  RunInfo info;
  std::size_t component_count = 0;
  std::vector<std::string> component_names;
  std::vector<double> component_reliabilities;
  OutcomeType outcome = OutcomeType::int8;
  std::optional<ChainChunkEncoder> encoder;

  DenseChunkLedger dense_chunks;

  // Failures, appended through ColumnAppender: compressed on the pool, stored in order.
  std::uint64_t failures_seen = 0;
  std::optional<std::uint64_t> last_request;
  std::vector<unsigned char> narrowed;  // components at the file's width

  // Declared file first so that it is destroyed last (it refuses to close with open objects).
  std::optional<hdf5::File> file;
  std::optional<hdf5::Dataset> dense;
  std::optional<ColumnAppender> failure_requests;
  std::optional<ColumnAppender> failure_components;

  bool finished() const noexcept { return output && output->committed(); }
};

RunFileWriter::RunFileWriter(std::string final_path, bool overwrite, const Scenario& scenario,
                             const RunInfo& info)
    : impl_(std::make_unique<Impl>()) {
  Impl& w = *impl_;
  w.info = info;
  w.component_count = scenario.components.size();
  w.outcome = outcome_type_for(w.component_count);
  for (const Component& component : scenario.components) {
    w.component_names.push_back(component.name);
    w.component_reliabilities.push_back(component.reliability);
  }

  w.encoder.emplace(w.component_count, info);
  if (info.record == RecordMode::dense) {
    check_dense_size(info.requests, outcome_bytes(w.outcome));
    w.dense_chunks = DenseChunkLedger(info.requests, w.encoder->dense_chunk_length());
  }

  w.output.emplace(std::move(final_path), overwrite);
  w.file.emplace(
      create_run_file(*w.output, kRunFormatVersion, scenario.name, scenario.source_text, info));
  hdf5::File& file = *w.file;

  const hdf5::ElementType outcome = outcome_element_type(w.outcome);
  if (info.record == RecordMode::dense) {
    // Fixed size, chunk = min(chunk_requests, requests): HDF5 rejects chunks longer than a
    // fixed dimension, and a fixed shape tells readers the dataset is complete. Elements of
    // chunks never written read as the fill value -1 ("no failure").
    hdf5::Group requests = file.create_group("requests");
    hdf5::DatasetLayout layout = hdf5::DatasetLayout::fixed(info.requests).filled(-1);
    if (w.dense_chunks.chunk_length() > 0)
      layout = layout.chunked(w.dense_chunks.chunk_length()).deflate(info.deflate_level);
    w.dense.emplace(requests.create_dataset("failed_component", outcome, layout));
    requests.close();
  } else if (info.record == RecordMode::failures) {
    hdf5::Group failures = file.create_group("failures");
    // Shuffle groups the bytes of each position together: the high bytes of increasing
    // request indices and small component indices are nearly constant and deflate well.
    const auto layout =
        hdf5::DatasetLayout::unlimited().chunked(kFailureChunk).deflate(info.deflate_level);
    const bool shuffle_components = outcome_bytes(w.outcome) > 1;
    w.failure_requests.emplace(
        failures.create_dataset("request", hdf5::ElementType::uint64, layout.shuffled()),
        sizeof(std::uint64_t), true, info.deflate_level);
    w.failure_components.emplace(
        failures.create_dataset("component", outcome, layout.shuffled(shuffle_components)),
        outcome_bytes(w.outcome), shuffle_components, info.deflate_level,
        ColumnCodec::small_integers);
    failures.close();
  }
}

RunFileWriter::~RunFileWriter() = default;

OutcomeType RunFileWriter::outcome_type() const noexcept {
  return impl_->outcome;
}

std::uint64_t RunFileWriter::dense_chunk_length() const noexcept {
  return impl_->dense_chunks.chunk_length();
}

const std::string& RunFileWriter::final_path() const noexcept {
  return impl_->output->final_path();
}

const std::string& RunFileWriter::temporary_path() const noexcept {
  return impl_->output->temporary_path();
}

void RunFileWriter::compress_dense_chunk(const void* outcomes, std::size_t count,
                                         CompressedChunk& out) const {
  // Reads only values fixed at construction: safe to call from many threads at once.
  const Impl& w = *impl_;
  if (w.info.record != RecordMode::dense)
    throw std::logic_error("compress_dense_chunk: the run does not record dense outcomes");
  nines::compress_dense_chunk(w.outcome, w.dense_chunks.chunk_length(), w.info.deflate_level,
                              outcomes, count, out);
}

void decode_chain_failures(const EncodedChunk& chunk, OutcomeType type,
                           std::vector<std::uint64_t>& requests,
                           std::vector<std::int32_t>& components) {
  const std::size_t width = outcome_bytes(type);
  if (chunk.parts.size() != 2) throw std::invalid_argument("decode: not a failures chunk");
  const std::size_t n = chunk.parts[0].size() / sizeof(std::uint64_t);
  if (chunk.parts[0].size() % sizeof(std::uint64_t) != 0 || chunk.parts[1].size() != n * width)
    throw std::invalid_argument("decode: failure columns of different lengths");
  const std::size_t at = requests.size();
  requests.resize(at + n);
  if (n > 0) std::memcpy(requests.data() + at, chunk.parts[0].data(), n * sizeof(std::uint64_t));
  const unsigned char* c = chunk.parts[1].data();
  for (std::size_t i = 0; i < n; ++i) {
    switch (type) {
      case OutcomeType::int8:
        components.push_back(static_cast<std::int8_t>(c[i]));
        break;
      case OutcomeType::int16: {
        std::int16_t v = 0;
        std::memcpy(&v, c + 2 * i, 2);
        components.push_back(v);
        break;
      }
      case OutcomeType::int32: {
        std::int32_t v = 0;
        std::memcpy(&v, c + 4 * i, 4);
        components.push_back(v);
        break;
      }
    }
  }
}

void RunFileWriter::store(const EncodedChunk& chunk) {
  Impl& w = *impl_;
  if (w.info.record == RecordMode::dense) {
    if (chunk.parts.size() != 1) throw std::invalid_argument("store: not a dense chunk");
    write_dense_chunk(chunk.chunk, chunk.parts[0]);
    return;
  }
  if (chunk.parts.size() != 2) throw std::invalid_argument("store: not a failures chunk");
  const std::size_t width = outcome_bytes(w.outcome);
  const std::size_t count = chunk.parts[0].size() / sizeof(std::uint64_t);
  if (chunk.parts[0].size() % sizeof(std::uint64_t) != 0 || chunk.parts[1].size() != count * width)
    throw std::invalid_argument("store: failure columns of different lengths");
  append_failure_bytes(chunk.parts[0].data(), chunk.parts[1].data(), count);
}

void RunFileWriter::write_dense_chunk(std::uint64_t chunk_index,
                                      std::span<const unsigned char> bytes) {
  Impl& w = *impl_;
  if (w.info.record != RecordMode::dense || w.finished())
    throw std::logic_error("write_dense_chunk: the file is not open for dense outcomes");
  w.dense_chunks.check_new(chunk_index, "write_dense_chunk");
  if (bytes.empty() || bytes.size() > std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("write_dense_chunk: not a compressed chunk");
  w.dense->write_chunk(w.dense_chunks.first_request(chunk_index), bytes, 0);
  w.dense_chunks.record(chunk_index);
}

void RunFileWriter::append_failures(std::span<const std::uint64_t> request_indices,
                                    std::span<const std::int32_t> components) {
  Impl& w = *impl_;
  if (request_indices.size() != components.size())
    throw std::invalid_argument("append_failures: " + std::to_string(request_indices.size()) +
                                " requests but " + std::to_string(components.size()) +
                                " components");
  switch (w.outcome) {
    case OutcomeType::int8:
      narrow_into<std::int8_t>(components, w.narrowed);
      break;
    case OutcomeType::int16:
      narrow_into<std::int16_t>(components, w.narrowed);
      break;
    case OutcomeType::int32:
      narrow_into<std::int32_t>(components, w.narrowed);
      break;
  }
  append_failure_bytes(reinterpret_cast<const unsigned char*>(request_indices.data()),
                       w.narrowed.data(), request_indices.size());
}

void RunFileWriter::append_failure_bytes(const unsigned char* requests,
                                         const unsigned char* components, std::size_t count) {
  Impl& w = *impl_;
  if (w.info.record != RecordMode::failures || w.finished())
    throw std::logic_error("append_failures: the file is not open for failures");
  const std::size_t width = outcome_bytes(w.outcome);
  const auto components_count = static_cast<std::int64_t>(w.component_count);
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t request = 0;
    std::memcpy(&request, requests + i * sizeof request, sizeof request);
    if ((w.last_request && request <= *w.last_request) || request >= w.info.requests)
      throw std::invalid_argument("append_failures: request " + std::to_string(request) +
                                  " is out of order or out of range");
    std::int64_t component = 0;
    switch (w.outcome) {
      case OutcomeType::int8:
        component = static_cast<std::int8_t>(components[i]);
        break;
      case OutcomeType::int16: {
        std::int16_t v = 0;
        std::memcpy(&v, components + i * width, width);
        component = v;
        break;
      }
      case OutcomeType::int32: {
        std::int32_t v = 0;
        std::memcpy(&v, components + i * width, width);
        component = v;
        break;
      }
    }
    if (component < 0 || component >= components_count)
      throw std::invalid_argument("append_failures: component " + std::to_string(component) +
                                  " out of range");
    w.last_request = request;
  }
  // Whole chunks go to disk as soon as they fill, each compressed once and never re-read.
  w.failure_requests->append(requests, count);
  w.failure_components->append(components, count);
  w.failures_seen += count;
}

void RunFileWriter::finish(const ChainAnalytics& model, const Summary& summary) {
  Impl& w = *impl_;
  if (w.finished()) throw std::logic_error("RunFileWriter::finish called twice");
  const std::size_t k = w.component_count;
  if (model.size() != k || summary.component_failures.size() != k ||
      summary.expected_failures.size() != k || model.first_failure_probability().size() != k)
    throw std::invalid_argument("RunFileWriter::finish: the model and summary must have " +
                                std::to_string(k) + " components like the scenario");
  check_summary_requests("RunFileWriter::finish", summary.requests, w.info.requests,
                         summary.precision.has_value());
  const bool stopped_early = summary.requests != w.info.requests;
  if (stopped_early) w.dense_chunks.truncate(summary.requests);
  w.dense_chunks.check_complete("RunFileWriter::finish");
  if (w.info.record == RecordMode::failures && w.failures_seen != summary.failures)
    throw std::logic_error("RunFileWriter::finish: " + std::to_string(w.failures_seen) +
                           " failures were recorded but the summary counts " +
                           std::to_string(summary.failures));

  hdf5::File& file = *w.file;
  if (w.info.record == RecordMode::failures) {
    w.failure_components->close();
    w.failure_requests->close();
  }
  if (w.dense && stopped_early) w.dense->shrink_to(summary.requests);
  if (w.dense) w.dense->close();

  hdf5::Group components = file.create_group("components");
  components.write_string_dataset("name", w.component_names).close();
  components.write_dataset<double>("reliability", w.component_reliabilities).close();
  components.write_dataset<std::uint64_t>("failures", summary.component_failures).close();
  components.write_dataset<double>("expected_failures", summary.expected_failures).close();
  components.write_dataset<double>("first_failure_probability", model.first_failure_probability())
      .close();
  components.close();

  for_each_comparison_field(
      summary, [&file](std::string_view name, auto value) { file.write_attribute(name, value); });
  file.write_attribute("ci_level", summary.ci_level);
  file.write_attribute("agrees", static_cast<std::int8_t>(summary.agrees ? 1 : 0));
  file.write_attribute("verdict", summary.verdict);
  if (summary.precision) write_precision_outcome(file, *summary.precision);

  // Closing checks that everything reached the disk; only then does the name become final.
  w.failure_components.reset();
  w.failure_requests.reset();
  w.dense.reset();
  annotate_nines_file(file);
  file.close();
  w.file.reset();
  w.output->commit();
}

void check_dense_size(std::uint64_t requests, std::size_t width) {
  if (requests <= kMaxDenseRequests) return;
  const long double bytes = static_cast<long double>(requests) * static_cast<long double>(width);
  char size[64];
  std::snprintf(size, sizeof size, "%.3Lg TB", bytes / 1e12L);
  throw InputError("--record dense stores one outcome per request: " + std::to_string(requests) +
                   " requests would take " + size +
                   " before compression, beyond the limit of 2^40 (1,099,511,627,776) requests; "
                   "use --record failures (only the failed requests) or --record none "
                   "(summaries only), or fewer requests");
}

hdf5::ElementType outcome_element_type(OutcomeType type) noexcept {
  switch (type) {
    case OutcomeType::int8:
      return hdf5::ElementType::int8;
    case OutcomeType::int16:
      return hdf5::ElementType::int16;
    case OutcomeType::int32:
      return hdf5::ElementType::int32;
  }
  return hdf5::ElementType::int32;
}

}  // namespace nines
