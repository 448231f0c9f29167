#include "nines/files/structure_writer.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <utility>

#include "nines/base/error.hpp"
#include "nines/files/layout_notes.hpp"
#include "nines/io/atomic_output.hpp"
#include "nines/io/column_appender.hpp"
#include "nines/io/dense_chunk_codec.hpp"
#include "nines/io/hdf5.hpp"
#include "nines/summary/summary_fields.hpp"

namespace nines {

namespace {

// Elements per HDF5 chunk of the /failures datasets.
constexpr std::uint64_t kFailureChunk = std::uint64_t{1} << 16;

}  // namespace

ConstantColumns constant_columns(const StructureModel& model) {
  ConstantColumns c;
  c.kind = model.kinds.size() == 1;
  c.attempts = true;
  std::vector<bool> on_path(model.components.size(), false);
  for (const RequestKind& kind : model.kinds) {
    c.attempts = c.attempts && kind.retries == 0;
    for (const std::uint32_t component : components_in_path_order(kind.path))
      on_path[component] = true;
  }
  c.common_cause = true;
  for (const CommonCauseEvent& event : model.common_causes)
    for (const std::uint32_t component : event.takes_down)
      c.common_cause = c.common_cause && !on_path[component];
  return c;
}

StructureChunkEncoder::StructureChunkEncoder(const RunInfo& info, const StructureModel& model)
    : record_(info.record), deflate_level_(info.deflate_level), constant_(constant_columns(model)) {
  check_run_info(info);
  if (record_ == RecordMode::dense) chunk_length_ = dense_chunk_length(info);
}

namespace {
template <class T>
void put_column(const std::vector<T>& values, std::vector<unsigned char>& out) {
  static_assert(std::endian::native == std::endian::little, "chunks are stored as raw bytes");
  const auto* raw = reinterpret_cast<const unsigned char*>(values.data());
  out.assign(raw, raw + values.size() * sizeof(T));
}
}  // namespace

void StructureChunkEncoder::encode(std::uint64_t chunk, std::uint64_t n,
                                   const StructureChunk& sampled, EncodedChunk& out) const {
  if (record_ == RecordMode::none) throw std::logic_error("encode: the run records nothing");
  const bool dense = record_ == RecordMode::dense;
  const std::size_t first = dense ? kDenseParts : 0;
  out.reset(chunk, n, first + kFailureParts);
  if (dense) {
    if (n > chunk_length_) throw std::invalid_argument("encode: chunk larger than the HDF5 chunk");
    // Constant columns are never read, so a kernel may leave them empty.
    if (sampled.culprit.size() < n || (!constant_.kind && sampled.kind.size() < n) ||
        (!constant_.attempts && sampled.attempts.size() < n) ||
        (!constant_.common_cause && sampled.common_cause.size() < n))
      throw std::invalid_argument("encode: a dense column is shorter than the chunk");
    const auto deflate = [&](const void* data, std::size_t element, unsigned char fill,
                             std::vector<unsigned char>& part) {
      part.resize(deflate_padded(data, n, element, chunk_length_, fill, deflate_level_, part));
    };
    if (!constant_.kind) deflate(sampled.kind.data(), 1, 0xff, out.parts[0]);
    if (!constant_.attempts) deflate(sampled.attempts.data(), 1, 0x00, out.parts[1]);
    deflate(sampled.culprit.data(), 2, 0xff, out.parts[2]);
    if (!constant_.common_cause) deflate(sampled.common_cause.data(), 1, 0xff, out.parts[3]);
  }
  // A dense file does not repeat in /failures what /requests holds (the request is where the
  // culprit is not -1; kind, attempts, culprit and common_cause are its /requests values), and
  // no file stores a constant column's values: those parts stay empty.
  if (!dense) {
    put_column(sampled.failed_request, out.parts[first + 0]);
    if (!constant_.kind) put_column(sampled.failed_kind, out.parts[first + 1]);
    if (!constant_.attempts) put_column(sampled.failed_attempts, out.parts[first + 2]);
    put_column(sampled.failed_culprit, out.parts[first + 3]);
    if (!constant_.common_cause) put_column(sampled.failed_common_cause, out.parts[first + 4]);
  }
  if (!constant_.common_cause) put_column(sampled.failed_common_causes, out.parts[first + 5]);
  put_column(sampled.failed_set_size, out.parts[first + 6]);
  put_column(sampled.failed_set, out.parts[first + 7]);
}

struct StructureRunWriter::Impl {
  // Engaged once the output path has been checked; destroyed after the HDF5 handles below, so
  // an unfinished file is closed before it is deleted.
  std::optional<AtomicOutput> output;
  RunInfo info;
  DenseChunkLedger dense_chunks;
  std::uint64_t failures_seen = 0;

  std::optional<hdf5::File> file;
  std::optional<hdf5::Dataset> kind, attempts, culprit, cause;  // /requests (dense)
  // /failures: compressed on the pool, stored in order (ColumnAppender).
  std::optional<ColumnAppender> f_request, f_kind, f_attempts, f_culprit, f_cause, f_causes,
      f_set_size, f_set;

  // Stores what the /failures appenders still hold and closes every dataset.
  void close_datasets() {
    for (auto* f :
         {&f_request, &f_kind, &f_attempts, &f_culprit, &f_cause, &f_causes, &f_set_size, &f_set})
      if (*f) (*f)->close();
    for (auto* f :
         {&f_request, &f_kind, &f_attempts, &f_culprit, &f_cause, &f_causes, &f_set_size, &f_set})
      f->reset();
    for (auto* d : {&kind, &attempts, &culprit, &cause}) d->reset();
  }

  bool finished() const noexcept { return output && output->committed(); }
};

StructureRunWriter::StructureRunWriter(std::string final_path, bool overwrite,
                                       const StructureModel& model, const RunInfo& info,
                                       const std::string& kernel)
    : impl_(std::make_unique<Impl>()) {
  Impl& w = *impl_;
  w.info = info;
  check_run_info(info);
  if (info.record == RecordMode::dense) {
    w.dense_chunks = DenseChunkLedger(info.requests, dense_chunk_length(info));
  }

  w.output.emplace(std::move(final_path), overwrite);
  w.file.emplace(
      create_run_file(*w.output, kStructureRunFormatVersion, model.name, model.source_text, info));
  hdf5::File& file = *w.file;
  file.write_attribute("kernel", kernel);
  file.write_attribute("importance", to_string(info.importance));

  if (info.record == RecordMode::dense) {
    hdf5::Group requests = file.create_group("requests");
    const auto layout = [&](std::int64_t fill) {
      auto l = hdf5::DatasetLayout::fixed(info.requests).filled(fill);
      if (w.dense_chunks.chunk_length() > 0)
        l = l.chunked(w.dense_chunks.chunk_length()).deflate(info.deflate_level);
      return l;
    };
    const ConstantColumns constant = constant_columns(model);
    w.kind.emplace(
        requests.create_dataset("kind", hdf5::ElementType::int8, layout(constant.kind ? 0 : -1)));
    w.attempts.emplace(requests.create_dataset("attempts", hdf5::ElementType::uint8,
                                               layout(constant.attempts ? 1 : 0)));
    w.culprit.emplace(requests.create_dataset("culprit", hdf5::ElementType::int16, layout(-1)));
    w.cause.emplace(requests.create_dataset("common_cause", hdf5::ElementType::int8, layout(-1)));
    requests.close();
  }
  if (info.record != RecordMode::none) {
    hdf5::Group failures = file.create_group("failures");
    const auto layout =
        hdf5::DatasetLayout::unlimited().chunked(kFailureChunk).deflate(info.deflate_level);
    // Shuffled where an element has more than one byte, as in the chain layout.
    // Every column but the request indices holds small codes (ColumnCodec::small_integers).
    const auto column = [&](std::optional<ColumnAppender>& to, const char* name,
                            hdf5::ElementType type, std::size_t bytes) {
      to.emplace(failures.create_dataset(name, type, layout.shuffled(bytes > 1)), bytes, bytes > 1,
                 info.deflate_level,
                 &to == &w.f_request ? ColumnCodec::zlib : ColumnCodec::small_integers);
    };
    // A column the model cannot vary is its fill value, with no chunk written (as in dense).
    const auto constant_column = [&]<class T>(std::optional<ColumnAppender>& to, const char* name,
                                              hdf5::ElementType type, T value) {
      to.emplace(
          failures.create_dataset(
              name, type, layout.shuffled(sizeof(T) > 1).filled(static_cast<std::int64_t>(value))),
          sizeof(T), sizeof(T) > 1, info.deflate_level);
      static_assert(std::endian::native == std::endian::little, "the file's layout");
      to->make_constant({reinterpret_cast<const unsigned char*>(&value), sizeof(T)});
    };
    // Either the column, or (when the model cannot vary it) its constant.
    const auto column_or_constant = [&]<class T>(std::optional<ColumnAppender>& to,
                                                 const char* name, hdf5::ElementType type,
                                                 bool is_constant, T value) {
      if (is_constant)
        constant_column(to, name, type, value);
      else
        column(to, name, type, sizeof(T));
    };
    const ConstantColumns constant = constant_columns(model);
    // Dense files (minor version 2 on) keep in /failures only what /requests cannot say.
    if (info.record != RecordMode::dense) {
      column(w.f_request, "request", hdf5::ElementType::uint64, sizeof(std::uint64_t));
      column_or_constant(w.f_kind, "kind", hdf5::ElementType::int8, constant.kind, KindIndex{0});
      column_or_constant(w.f_attempts, "attempts", hdf5::ElementType::uint8, constant.attempts,
                         AttemptCount{1});
      column(w.f_culprit, "culprit", hdf5::ElementType::int16, sizeof(ComponentIndex));
      column_or_constant(w.f_cause, "common_cause", hdf5::ElementType::int8, constant.common_cause,
                         CommonCauseIndex{-1});
    }
    column_or_constant(w.f_causes, "common_causes", hdf5::ElementType::uint64,
                       constant.common_cause, CommonCauseSet{0});
    column(w.f_set_size, "failed_set_size", hdf5::ElementType::int16, sizeof(ComponentIndex));
    column(w.f_set, "failed_set", hdf5::ElementType::int16, sizeof(ComponentIndex));
    failures.close();
  }
}

StructureRunWriter::~StructureRunWriter() = default;

const std::string& StructureRunWriter::final_path() const noexcept {
  return impl_->output->final_path();
}

namespace {
template <class T>
void take_column(const std::vector<unsigned char>& part, std::size_t n, std::vector<T>& out) {
  if (part.size() != n * sizeof(T)) throw std::invalid_argument("decode: a column's length");
  const std::size_t at = out.size();
  out.resize(at + n);
  if (n > 0) std::memcpy(out.data() + at, part.data(), n * sizeof(T));
}
}  // namespace

void decode_structure_failures(const EncodedChunk& chunk, StructureChunk& out) {
  if (chunk.parts.size() != StructureChunkEncoder::kFailureParts)
    throw std::invalid_argument("decode: not a failures chunk");
  const std::size_t n = chunk.parts[0].size() / sizeof(std::uint64_t);
  // An empty part of a chunk with failures is a constant column (ConstantColumns): its value.
  const auto take_or_constant = [&](const std::vector<unsigned char>& part, auto& column,
                                    auto constant) {
    if (part.empty())
      column.resize(column.size() + n, constant);
    else
      take_column(part, n, column);
  };
  take_column(chunk.parts[0], n, out.failed_request);
  take_or_constant(chunk.parts[1], out.failed_kind, KindIndex{0});
  take_or_constant(chunk.parts[2], out.failed_attempts, AttemptCount{1});
  take_column(chunk.parts[3], n, out.failed_culprit);
  take_or_constant(chunk.parts[4], out.failed_common_cause, CommonCauseIndex{-1});
  take_or_constant(chunk.parts[5], out.failed_common_causes, CommonCauseSet{0});
  take_column(chunk.parts[6], n, out.failed_set_size);
  take_column(chunk.parts[7], chunk.parts[7].size() / sizeof(ComponentIndex), out.failed_set);
}

void StructureRunWriter::store(const EncodedChunk& chunk) {
  Impl& w = *impl_;
  if (w.info.record == RecordMode::none) throw std::logic_error("store: the run records nothing");
  if (w.finished()) throw std::logic_error("store: the file is finished");
  const bool dense = w.info.record == RecordMode::dense;
  const std::size_t first = dense ? StructureChunkEncoder::kDenseParts : 0;
  if (chunk.parts.size() != first + StructureChunkEncoder::kFailureParts)
    throw std::invalid_argument("store: the chunk does not have the layout's parts");
  // Every check before anything is written, so a refused chunk leaves no trace in the file.
  if (dense) w.dense_chunks.check_new(chunk.chunk, "store");
  // Failure columns: request, kind, attempts, culprit, common_cause (failures mode only),
  // common_causes, failed_set_size (one element per failure each), then the concatenated sets.
  const std::array<std::size_t, 7> widths = {sizeof(std::uint64_t),    sizeof(KindIndex),
                                             sizeof(AttemptCount),     sizeof(ComponentIndex),
                                             sizeof(CommonCauseIndex), sizeof(CommonCauseSet),
                                             sizeof(ComponentIndex)};
  const auto& sizes = chunk.parts[first + 6];
  if (sizes.size() % sizeof(ComponentIndex) != 0 ||
      chunk.parts[first + 7].size() % sizeof(ComponentIndex) != 0)
    throw std::invalid_argument("store: a failure column is not whole elements");
  const std::size_t failures = sizes.size() / sizeof(ComponentIndex);
  // The appenders of those columns, absent where a dense file keeps the column only in
  // /requests. A part is empty exactly where its column is absent or constant (the appender
  // then only counts); every other part holds one element per failure.
  const std::array<ColumnAppender*, 7> appenders = {w.f_request ? &*w.f_request : nullptr,
                                                    w.f_kind ? &*w.f_kind : nullptr,
                                                    w.f_attempts ? &*w.f_attempts : nullptr,
                                                    w.f_culprit ? &*w.f_culprit : nullptr,
                                                    w.f_cause ? &*w.f_cause : nullptr,
                                                    &*w.f_causes,
                                                    &*w.f_set_size};
  for (std::size_t c = 0; c < appenders.size(); ++c) {
    const bool empty = appenders[c] == nullptr || appenders[c]->constant();
    if (chunk.parts[first + c].size() != (empty ? 0 : failures * widths[c]))
      throw std::invalid_argument("store: failure columns of different lengths");
  }
  if (dense) {
    const std::uint64_t offset = w.dense_chunks.first_request(chunk.chunk);
    // An empty part is a constant column: its dataset's fill value already says it all.
    const std::array<hdf5::Dataset*, 4> columns = {&*w.kind, &*w.attempts, &*w.culprit, &*w.cause};
    for (std::size_t c = 0; c < columns.size(); ++c)
      if (!chunk.parts[c].empty()) columns[c]->write_chunk(offset, chunk.parts[c], 0);
    w.dense_chunks.record(chunk.chunk);
  }
  if (failures == 0) return;
  for (std::size_t c = 0; c < appenders.size(); ++c) {
    if (appenders[c] == nullptr) continue;
    if (appenders[c]->constant())
      appenders[c]->append_constant(failures);
    else
      appenders[c]->append(chunk.parts[first + c].data(), failures);
  }
  w.f_set->append(chunk.parts[first + 7].data(),
                  chunk.parts[first + 7].size() / sizeof(ComponentIndex));
  w.failures_seen += failures;
}

void StructureRunWriter::finish(const StructureAnalytics& analytics,
                                const StructureSummary& summary) {
  Impl& w = *impl_;
  if (w.finished()) throw std::logic_error("StructureRunWriter::finish called twice");
  check_summary_requests("StructureRunWriter::finish", summary.mix.requests, w.info.requests,
                         summary.precision.has_value());
  const bool stopped_early = summary.mix.requests != w.info.requests;
  if (stopped_early) w.dense_chunks.truncate(summary.mix.requests);
  w.dense_chunks.check_complete("StructureRunWriter::finish");
  if (w.info.record != RecordMode::none && w.failures_seen != summary.mix.failures)
    throw std::logic_error("StructureRunWriter::finish: " + std::to_string(w.failures_seen) +
                           " failures recorded but the summary counts " +
                           std::to_string(summary.mix.failures));
  if (stopped_early)
    for (auto* d : {&w.kind, &w.attempts, &w.culprit, &w.cause})
      if (*d) (*d)->shrink_to(summary.mix.requests);
  w.close_datasets();
  const StructureModel& model = analytics.model();
  hdf5::File& file = *w.file;
  const std::size_t n_components = model.components.size();
  const double n = static_cast<double>(summary.mix.requests);

  // Root: the mix, under format 1's attribute names, so a layout-1 reader finds the service values.
  const KindSummary& mix = summary.mix;
  for_each_comparison_field(
      mix, [&file](std::string_view name, auto value) { file.write_attribute(name, value); });
  file.write_attribute("ci_level", summary.ci_level);
  file.write_attribute("agrees", static_cast<std::int8_t>(summary.agrees ? 1 : 0));
  file.write_attribute("verdict", summary.verdict);
  file.write_attribute("verdict_tests", std::int64_t{summary.tests});
  if (summary.precision) write_precision_outcome(file, *summary.precision);
  file.write_attribute("verdict_test_alpha", summary.test_alpha);
  file.write_attribute("analytic_method", "bdd");
  file.write_attribute("bdd_nodes", static_cast<std::uint64_t>(analytics.bdd_nodes()));

  {
    hdf5::Group g = file.create_group("kinds");
    std::vector<std::string> names, paths;
    std::vector<double> weight, r_a, u_a, r_e, u_e, lo, hi, z, zp, rp, chi, chip, exp_att, att_u;
    std::vector<std::int64_t> retries, dof;
    std::vector<std::uint64_t> requests, failures, attempts, retried;
    std::vector<std::int8_t> agrees;
    std::vector<std::uint64_t> culprit_counts;
    std::vector<double> culprit_probability;
    const std::vector<std::string> component_names = model.component_names();
    for (std::size_t k = 0; k < summary.kinds.size(); ++k) {
      const KindSummary& s = summary.kinds[k];
      names.push_back(s.name);
      paths.push_back(to_string(model.kinds[k].path, component_names));
      weight.push_back(s.weight);
      retries.push_back(s.retries);
      requests.push_back(s.requests);
      failures.push_back(s.failures);
      attempts.push_back(s.attempts);
      retried.push_back(s.retried);
      r_a.push_back(s.reliability_analytic);
      u_a.push_back(s.unreliability_analytic);
      r_e.push_back(s.reliability_empirical);
      u_e.push_back(s.unreliability_empirical);
      lo.push_back(s.reliability_ci.low);
      hi.push_back(s.reliability_ci.high);
      z.push_back(s.z_score);
      zp.push_back(s.z_p_value);
      rp.push_back(s.reliability_p_value);
      chi.push_back(s.attribution.statistic);
      dof.push_back(s.attribution.dof);
      chip.push_back(s.attribution.p_value);
      agrees.push_back(static_cast<std::int8_t>(
          s.requests == 0 ||
          (s.reliability_p_value >= summary.test_alpha &&
           (s.attribution.dof == 0 || s.attribution.p_value >= summary.test_alpha))));
      exp_att.push_back(s.expected_attempts);
      att_u.push_back(analytics.kinds()[k].attempt_unreliability);
      culprit_counts.insert(culprit_counts.end(), s.culprit_counts.begin(), s.culprit_counts.end());
      const auto& p = analytics.kinds()[k].culprit_probability;
      culprit_probability.insert(culprit_probability.end(), p.begin(), p.end());
    }
    g.write_string_dataset("name", names).close();
    g.write_string_dataset("path", paths).close();
    g.write_dataset<double>("weight", weight).close();
    g.write_dataset<std::int64_t>("retries", retries).close();
    g.write_dataset<std::uint64_t>("requests", requests).close();
    g.write_dataset<std::uint64_t>("failures", failures).close();
    g.write_dataset<std::uint64_t>("attempts", attempts).close();
    g.write_dataset<std::uint64_t>("retried", retried).close();
    g.write_dataset<double>("expected_attempts", exp_att).close();
    g.write_dataset<double>("attempt_unreliability_analytic", att_u).close();
    g.write_dataset<double>("reliability_analytic", r_a).close();
    g.write_dataset<double>("unreliability_analytic", u_a).close();
    g.write_dataset<double>("reliability_empirical", r_e).close();
    g.write_dataset<double>("unreliability_empirical", u_e).close();
    g.write_dataset<double>("reliability_ci_low", lo).close();
    g.write_dataset<double>("reliability_ci_high", hi).close();
    g.write_dataset<double>("z_score", z).close();
    g.write_dataset<double>("z_p_value", zp).close();
    g.write_dataset<double>("reliability_p_value", rp).close();
    g.write_dataset<double>("attribution_chi2", chi).close();
    g.write_dataset<std::int64_t>("attribution_dof", dof).close();
    g.write_dataset<double>("attribution_p_value", chip).close();
    g.write_dataset<std::int8_t>("agrees", agrees).close();
    // Kinds x components matrices (layout 2.1; 2.0 stored them flat with `rows`/`columns`).
    const std::uint64_t n_kinds = summary.kinds.size();
    g.write_matrix<std::uint64_t>("culprit_failures", n_kinds, n_components, culprit_counts)
        .close();
    g.write_matrix<double>("culprit_probability", n_kinds, n_components, culprit_probability)
        .close();
    g.close();
  }

  {
    hdf5::Group g = file.create_group("components");
    std::vector<std::string> names, declarations;
    std::vector<std::int64_t> replica, retries;
    std::vector<double> reliability, effective, culprit_p, expected;
    for (std::size_t c = 0; c < n_components; ++c) {
      const StructureComponent& comp = model.components[c];
      names.push_back(comp.name);
      declarations.push_back(comp.declaration);
      replica.push_back(comp.replica);
      retries.push_back(comp.retries);
      reliability.push_back(comp.reliability);
      effective.push_back(comp.effective_reliability());
      culprit_p.push_back(analytics.culprit_probability()[c]);
      expected.push_back(n * analytics.culprit_probability()[c]);
    }
    g.write_string_dataset("name", names).close();
    g.write_string_dataset("declaration", declarations).close();
    g.write_dataset<std::int64_t>("replica", replica).close();
    g.write_dataset<double>("reliability", reliability).close();
    g.write_dataset<std::int64_t>("retries", retries).close();
    g.write_dataset<double>("effective_reliability", effective).close();
    g.write_dataset<std::uint64_t>("culprit_failures", mix.culprit_counts).close();
    g.write_dataset<double>("culprit_probability", culprit_p).close();
    g.write_dataset<double>("expected_culprit_failures", expected).close();
    g.close();
  }

  {
    hdf5::Group g = file.create_group("common_cause");
    std::vector<std::string> names;
    std::vector<double> probability;
    std::vector<std::int64_t> count;
    std::vector<std::int16_t> targets;
    for (const CommonCauseEvent& e : model.common_causes) {
      names.push_back(e.name);
      probability.push_back(e.probability);
      count.push_back(static_cast<std::int64_t>(e.takes_down.size()));
      for (const auto t : e.takes_down) targets.push_back(static_cast<std::int16_t>(t));
    }
    g.write_string_dataset("name", names).close();
    g.write_dataset<double>("probability", probability).close();
    g.write_dataset<std::int64_t>("takes_down_count", count).close();
    g.write_dataset<std::int16_t>("takes_down", targets).close();
    g.write_dataset<std::uint64_t>("failures", summary.common_cause_failures).close();
    g.write_dataset<double>("expected_failures", summary.expected_common_cause_failures).close();
    g.close();
  }

  {
    // Failures by the exact set of events that fired: one row per set.
    hdf5::Group g = file.create_group("common_cause_sets");
    std::vector<std::uint64_t> events, failures;
    std::vector<double> expected;
    for (const FiredSetCount& row : summary.fired_sets) {
      events.push_back(row.events);
      failures.push_back(row.failures);
      expected.push_back(row.expected_failures);
    }
    g.write_dataset<std::uint64_t>("events", events).close();
    g.write_dataset<std::uint64_t>("failures", failures).close();
    g.write_dataset<double>("expected_failures", expected).close();
    g.write_attribute("attribution_chi2", summary.fired_set_attribution.statistic);
    g.write_attribute("attribution_dof", std::int64_t{summary.fired_set_attribution.dof});
    g.write_attribute("attribution_p_value", summary.fired_set_attribution.p_value);
    g.close();
  }

  {
    hdf5::Group importance = file.create_group("importance");
    importance.write_attribute("ranking", "improvement_potential");
    const auto write_measures = [](hdf5::Group& g, const std::vector<ImportanceMeasures>& rows,
                                   const std::string& suffix) {
      const auto column = [&](const char* name, double ImportanceMeasures::*field) {
        std::vector<double> v;
        for (const auto& r : rows) v.push_back(r.*field);
        g.write_dataset<double>(std::string(name) + suffix, v).close();
      };
      column("unreliability_if_perfect", &ImportanceMeasures::unreliability_if_perfect);
      column("unreliability_if_failed", &ImportanceMeasures::unreliability_if_failed);
      column("birnbaum", &ImportanceMeasures::birnbaum);
      column("criticality", &ImportanceMeasures::criticality);
      column("fussell_vesely", &ImportanceMeasures::fussell_vesely);
      column("raw", &ImportanceMeasures::raw);
      column("rrw", &ImportanceMeasures::rrw);
      column("improvement_potential", &ImportanceMeasures::improvement_potential);
    };
    hdf5::Group components = importance.create_group("components");
    write_measures(components, summary.importance, "");
    if (!summary.importance_simulated.empty()) {  // --importance simulated
      std::vector<ImportanceMeasures> value, low, high;
      for (const auto& e : summary.importance_simulated) {
        value.push_back(e.value);
        low.push_back(e.low);
        high.push_back(e.high);
      }
      write_measures(components, value, "_simulated");
      write_measures(components, low, "_simulated_low");
      write_measures(components, high, "_simulated_high");
      components
          .write_dataset<std::uint64_t>("fail_if_perfect",
                                        summary.importance_counts.fail_if_perfect)
          .close();
      components
          .write_dataset<std::uint64_t>("fail_if_failed", summary.importance_counts.fail_if_failed)
          .close();
    }
    components.close();
    hdf5::Group events = importance.create_group("common_cause");
    write_measures(events, summary.common_cause_importance, "");
    events.close();
    importance.close();
  }

  annotate_nines_file(file, kStructureFormatMinorVersion);
  file.close();
  w.file.reset();
  w.output->commit();
}

}  // namespace nines
