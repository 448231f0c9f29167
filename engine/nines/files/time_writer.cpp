#include "nines/files/time_writer.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <utility>

#include "nines/base/error.hpp"
#include "nines/files/layout_notes.hpp"
#include "nines/files/run_file.hpp"
#include "nines/io/atomic_output.hpp"
#include "nines/io/column_appender.hpp"
#include "nines/io/hdf5.hpp"

namespace nines {

namespace {

using hdf5::ElementType;

// Elements per HDF5 chunk of every appended column.
constexpr std::uint64_t kTimeChunk = std::uint64_t{1} << 16;

struct Column {
  const char* name;
  ElementType type;
  std::size_t bytes;
  bool per_kind = false;  // a histories x kinds 2-D dataset, a row of kinds per history
};

// The appended tables, in part order. /histories' last three datasets hold one value per kind
// for each history: 2-D, histories x kinds (layout 3 minor version 2; before, flat with the
// attributes rows and columns).
constexpr Column kHistoryColumns[] = {
    {"downtime", ElementType::float64, 8},
    {"outages", ElementType::uint64, 8},
    {"requests", ElementType::uint64, 8},
    {"failed", ElementType::uint64, 8},
    {"failed_outage", ElementType::uint64, 8},
    {"time_availability", ElementType::float64, 8},
    {"request_availability", ElementType::float64, 8},
    {"mean_time_to_detect", ElementType::float64, 8},
    {"mean_time_to_repair", ElementType::float64, 8},
    {"windows_met_time", ElementType::uint64, 8},
    {"windows_met_requests", ElementType::uint64, 8},
    {"kind_downtime", ElementType::float64, 8, true},
    {"kind_requests", ElementType::uint64, 8, true},
    {"kind_failed", ElementType::uint64, 8, true},
};
constexpr Column kOutageColumns[] = {
    {"history", ElementType::uint64, 8},   {"component", ElementType::int32, 4},
    {"event", ElementType::int32, 4},      {"start", ElementType::float64, 8},
    {"detected", ElementType::float64, 8}, {"repair_start", ElementType::float64, 8},
    {"end", ElementType::float64, 8},      {"detection_paused", ElementType::float64, 8},
    {"cause", ElementType::int8, 1},
};
constexpr Column kWindowColumns[] = {
    {"history", ElementType::uint64, 8},    {"window", ElementType::int32, 4},
    {"requests", ElementType::uint64, 8},   {"failed", ElementType::uint64, 8},
    {"downtime", ElementType::float64, 8},  {"met_time", ElementType::int8, 1},
    {"met_requests", ElementType::int8, 1},
};
constexpr Column kRequestColumns[] = {
    {"history", ElementType::uint64, 8}, {"time", ElementType::float64, 8},
    {"kind", ElementType::int8, 1},      {"culprit", ElementType::int32, 4},
    {"cause", ElementType::int8, 1},
};
// One row per firing of an alert rule (scenarios with time.alerting).
constexpr Column kFiringColumns[] = {
    {"history", ElementType::uint64, 8},    {"policy", ElementType::int32, 4},
    {"rule", ElementType::int32, 4},        {"fired", ElementType::float64, 8},
    {"delivered", ElementType::float64, 8}, {"outage_start", ElementType::float64, 8},
    {"budget", ElementType::float64, 8},
};
// The slice counts around early firings (sample/alert_evaluator.hpp, AlertSeries).
constexpr Column kSeriesColumns[] = {
    {"history", ElementType::uint64, 8}, {"policy", ElementType::int32, 4},
    {"slice", ElementType::int64, 8},    {"requests", ElementType::uint64, 8},
    {"errors", ElementType::uint64, 8},
};
// One row per history, SLO of time.slos and window.
constexpr Column kSloWindowColumns[] = {
    {"history", ElementType::uint64, 8}, {"slo", ElementType::int32, 4},
    {"window", ElementType::int32, 4},   {"bad", ElementType::uint64, 8},
    {"total", ElementType::uint64, 8},   {"met", ElementType::int8, 1},
};
constexpr std::size_t kSloWindowParts = std::size(kSloWindowColumns);
constexpr std::size_t kSeriesParts = std::size(kSeriesColumns);
constexpr std::size_t kHistoryParts = std::size(kHistoryColumns);
constexpr std::size_t kFiringParts = std::size(kFiringColumns);
constexpr std::size_t kOutageParts = std::size(kOutageColumns);
constexpr std::size_t kWindowParts = std::size(kWindowColumns);
constexpr std::size_t kRequestParts = std::size(kRequestColumns);

template <class T>
void put(std::vector<unsigned char>& part, T value) {
  static_assert(std::endian::native == std::endian::little, "columns are stored as raw bytes");
  const std::size_t at = part.size();
  part.resize(at + sizeof(T));
  std::memcpy(part.data() + at, &value, sizeof(T));
}

double ratio_or_nan(double sum, std::uint64_t count) {
  return count > 0 ? sum / static_cast<double>(count) : std::numeric_limits<double>::quiet_NaN();
}

// Whether the scenario declares alert policies (time.alerting): only then does the file have
// /alerting. The alert evaluator also runs for SLOs budgeted by timeslices alone
// (plan.alerts.any), but those record their bad slices in /slos/windows, never firings.
bool has_alert_policies(const OutagePlan& plan) noexcept {
  return plan.alerts.user_policies > 0;
}

// /alerting: one row per policy in /alerting/policies, one per rule (then each policy's page
// rules together) in /alerting/rules; /alerting/firings was appended while the run went.
void write_alerting(hdf5::File& file, const TimeSummary& s, bool exists) {
  hdf5::Group g = exists ? file.open_group("alerting") : file.create_group("alerting");
  g.write_attribute("missed_firing_bound", s.alert_missed_bound);
  {
    hdf5::Group p = g.create_group("policies");
    std::vector<std::string> name, scope, needs, delivery;
    std::vector<double> slice, per_year;
    std::vector<std::uint64_t> outages;
    const auto join = [](const std::vector<std::string>& v) {
      std::string out;
      for (const std::string& x : v) out += (out.empty() ? "" : ",") + x;
      return out;
    };
    for (const AlertPolicySummary& x : s.alerting) {
      name.push_back(x.name);
      scope.push_back(x.scope);
      needs.push_back(join(x.needs));
      delivery.push_back(join(x.delivery));
      slice.push_back(x.slice_seconds);
      outages.push_back(x.outages);
      per_year.push_back(x.outages_per_year);
    }
    p.write_string_dataset("name", name).close();
    p.write_string_dataset("scope", scope).close();
    p.write_string_dataset("needs", needs).close();
    p.write_string_dataset("delivery", delivery).close();
    p.write_dataset<double>("slice_seconds", slice).close();
    p.write_dataset<std::uint64_t>("outages", outages).close();
    p.write_dataset<double>("outages_per_year", per_year).close();
    p.close();
  }
  hdf5::Group r = g.create_group("rules");
  std::vector<std::int64_t> policy, combined;
  std::vector<std::string> name, severity;
  std::vector<std::uint64_t> firings, delivered, noise, paged;
  std::vector<std::vector<double>> numbers(22);
  std::vector<double> hours;
  const char* number_names[] = {"burn_rate",
                                "threshold",
                                "long_seconds",
                                "short_seconds",
                                "firings_per_year",
                                "firings_per_year_ci_low",
                                "firings_per_year_ci_high",
                                "delivered_share",
                                "noise_per_year",
                                "precision",
                                "precision_ci_low",
                                "precision_ci_high",
                                "recall",
                                "recall_ci_low",
                                "recall_ci_high",
                                "time_to_page_mean",
                                "time_to_page_p50",
                                "time_to_page_p95",
                                "budget_at_firing_mean",
                                "budget_at_firing_p50",
                                "budget_at_firing_p95",
                                "outages_per_year"};
  for (std::size_t i = 0; i < s.alerting.size(); ++i) {
    for (const AlertRuleSummary& x : s.alerting[i].rows) {
      policy.push_back(static_cast<std::int64_t>(i));
      combined.push_back(x.combined ? 1 : 0);
      name.push_back(x.name);
      severity.push_back(x.severity);
      firings.push_back(x.firings);
      delivered.push_back(x.delivered);
      noise.push_back(x.noise);
      paged.push_back(x.outages_paged);
      const double values[] = {x.burn_rate,        x.threshold,
                               x.long_seconds,     x.short_seconds,
                               x.firings_per_year, x.firings_ci_low,
                               x.firings_ci_high,  x.delivered_share,
                               x.noise_per_year,   x.precision,
                               x.precision_ci_low, x.precision_ci_high,
                               x.recall,           x.recall_ci_low,
                               x.recall_ci_high,   x.time_to_page_mean,
                               x.time_to_page_p50, x.time_to_page_p95,
                               x.budget_mean,      x.budget_p50,
                               x.budget_p95,       s.alerting[i].outages_per_year};
      for (std::size_t k = 0; k < numbers.size(); ++k) numbers[k].push_back(values[k]);
      hours.insert(hours.end(), x.noise_by_hour_per_year.begin(), x.noise_by_hour_per_year.end());
    }
  }
  r.write_dataset<std::int64_t>("policy", policy).close();
  r.write_string_dataset("name", name).close();
  r.write_string_dataset("severity", severity).close();
  r.write_dataset<std::int64_t>("combined", combined).close();
  r.write_dataset<std::uint64_t>("firings", firings).close();
  r.write_dataset<std::uint64_t>("delivered", delivered).close();
  r.write_dataset<std::uint64_t>("noise", noise).close();
  r.write_dataset<std::uint64_t>("outages_paged", paged).close();
  for (std::size_t k = 0; k < numbers.size(); ++k)
    r.write_dataset<double>(number_names[k], numbers[k]).close();
  // Rules x hours of the day (layout 3.1; 3.0 stored it flat with `rows`/`columns`).
  r.write_matrix<double>("noise_by_hour_per_year", name.size(), 24, hours).close();
  r.close();
  g.close();
}

// /slos: one row per SLO of time.slos in /slos/objectives, and its windows' days in
// /slos/window_slo, window_first_day, window_days; /slos/windows was appended while the run
// went.
void write_slos(hdf5::File& file, const OutagePlan& plan, const TimeSummary& s, bool exists) {
  hdf5::Group g = exists ? file.open_group("slos") : file.create_group("slos");
  {
    hdf5::Group o = g.create_group("objectives");
    std::vector<std::string> name, scope, budgeting, windows;
    std::vector<std::uint64_t> per_history;
    std::vector<std::vector<double>> numbers(18);
    const char* number_names[] = {"target",
                                  "window_seconds",
                                  "time_slice_target",
                                  "time_slice_window_seconds",
                                  "share_met",
                                  "share_met_low",
                                  "share_met_high",
                                  "first_window_met",
                                  "first_window_met_low",
                                  "first_window_met_high",
                                  "good_share",
                                  "budget_fraction",
                                  "share_met_paged_at_start",
                                  "share_met_paged_at_start_low",
                                  "share_met_paged_at_start_high",
                                  "difference_paged_at_start",
                                  "difference_paged_at_start_low",
                                  "difference_paged_at_start_high"};
    for (const SloObjectSummary& x : s.slos) {
      // NaN without detection by alert.
      const auto twin = [&](double v) {
        return x.paged_at_start.present ? v : std::numeric_limits<double>::quiet_NaN();
      };
      name.push_back(x.name);
      scope.push_back(x.scope);
      budgeting.push_back(x.budgeting);
      windows.push_back(x.windows);
      per_history.push_back(x.windows_per_history);
      const double values[] = {x.target,
                               x.window_seconds,
                               x.time_slice_target,
                               x.time_slice_seconds,
                               x.share_met,
                               x.share_met_low,
                               x.share_met_high,
                               x.first_met,
                               x.first_met_low,
                               x.first_met_high,
                               x.good_share,
                               1 - x.target,
                               twin(x.paged_at_start.share_met),
                               twin(x.paged_at_start.share_met_low),
                               twin(x.paged_at_start.share_met_high),
                               twin(x.paged_at_start.difference),
                               twin(x.paged_at_start.difference_low),
                               twin(x.paged_at_start.difference_high)};
      for (std::size_t k = 0; k < numbers.size(); ++k) numbers[k].push_back(values[k]);
    }
    o.write_string_dataset("name", name).close();
    o.write_string_dataset("scope", scope).close();
    o.write_string_dataset("budgeting_method", budgeting).close();
    o.write_string_dataset("windows", windows).close();
    o.write_dataset<std::uint64_t>("windows_per_history", per_history).close();
    for (std::size_t k = 0; k < numbers.size(); ++k)
      o.write_dataset<double>(number_names[k], numbers[k]).close();
    o.close();
  }
  std::vector<std::int64_t> slo, first, days;
  for (std::size_t i = 0; i < plan.slos.size(); ++i)
    for (const SloWindow& win : plan.slos[i].windows) {
      slo.push_back(static_cast<std::int64_t>(i));
      first.push_back(win.first_day);
      days.push_back(win.days);
    }
  g.write_dataset<std::int64_t>("window_slo", slo).close();
  g.write_dataset<std::int64_t>("window_first_day", first).close();
  g.write_dataset<std::int64_t>("window_days", days).close();
  g.close();
}

}  // namespace

TimeChunkEncoder::TimeChunkEncoder(const RunInfo& info, const OutagePlan& plan)
    : plan_(plan), record_(info.record) {
  if (record_ != RecordMode::outages && record_ != RecordMode::requests)
    throw std::invalid_argument("TimeChunkEncoder: a time run records outages or requests");
}

std::size_t TimeChunkEncoder::part_count() const noexcept {
  return kHistoryParts + kOutageParts + (plan_.windows.empty() ? 0 : kWindowParts) +
         (record_ == RecordMode::requests ? kRequestParts : 0) +
         (has_alert_policies(plan_) ? kFiringParts + kSeriesParts : 0) +
         (plan_.slos.empty() ? 0 : kSloWindowParts);
}

void TimeChunkEncoder::begin(std::uint64_t chunk, std::uint64_t histories,
                             EncodedChunk& out) const {
  out.reset(chunk, histories, part_count());
}

void TimeChunkEncoder::add(std::uint64_t history, const HistoryResult& h, EncodedChunk& out) const {
  auto* part = out.parts.data();
  const std::uint64_t requests = h.requests(), failed = h.failed();
  put(part[0], h.downtime);
  put(part[1], std::uint64_t{h.outages});
  put(part[2], requests);
  put(part[3], failed);
  put(part[4], h.failed_outage());
  put(part[5], 1 - h.downtime / plan_.horizon);
  put(part[6], requests > 0 ? 1 - static_cast<double>(failed) / static_cast<double>(requests)
                            : std::numeric_limits<double>::quiet_NaN());
  put(part[7], ratio_or_nan(h.detect_time, h.detected));
  put(part[8], ratio_or_nan(h.repair_time, h.repaired));
  put(part[9], std::uint64_t{h.windows_met_time});
  put(part[10], std::uint64_t{h.windows_met_requests});
  for (std::size_t k = 0; k < plan_.kinds; ++k) {
    put(part[11], h.kind_downtime[k]);
    put(part[12], h.kind_requests[k]);
    put(part[13], h.kind_failed[k]);
  }
  part += kHistoryParts;
  const std::uint32_t K = plan_.components;
  for (const OutageRecord& o : h.outage_records) {
    const bool event = o.process >= K;
    put(part[0], history);
    put(part[1], event ? std::int32_t{-1} : static_cast<std::int32_t>(o.process));
    put(part[2], event ? static_cast<std::int32_t>(o.process - K) : std::int32_t{-1});
    put(part[3], o.start);
    put(part[4], o.detected);
    put(part[5], o.repair_start);
    put(part[6], o.end);
    put(part[7], o.detection_paused);
    put(part[8], static_cast<std::int8_t>(event ? 1 : 0));
  }
  part += kOutageParts;
  if (!plan_.windows.empty()) {
    for (std::size_t w = 0; w < plan_.windows.size(); ++w) {
      put(part[0], history);
      put(part[1], static_cast<std::int32_t>(w));
      put(part[2], h.window_requests[w]);
      put(part[3], h.window_failed[w]);
      put(part[4], h.window_downtime[w]);
      put(part[5], static_cast<std::int8_t>(h.window_met_time[w]));
      put(part[6], static_cast<std::int8_t>(h.window_met_requests[w]));
    }
    part += kWindowParts;
  }
  if (record_ == RecordMode::requests) {
    for (const FailedRequestRecord& r : h.request_records) {
      put(part[0], history);
      put(part[1], r.time);
      put(part[2], static_cast<std::int8_t>(r.kind));
      put(part[3], r.culprit);
      put(part[4], r.cause);
    }
    part += kRequestParts;
  }
  if (has_alert_policies(plan_)) {
    for (const AlertFiring& f : h.alerts.firings) {
      put(part[0], history);
      put(part[1], static_cast<std::int32_t>(f.policy));
      put(part[2], static_cast<std::int32_t>(f.rule));
      put(part[3], f.fired);
      put(part[4], f.delivered);
      put(part[5], f.outage_start);
      put(part[6], f.budget);
    }
    part += kFiringParts;
    for (const AlertSeries& x : h.alerts.series)
      for (std::size_t i = 0; i < x.requests.size(); ++i) {
        put(part[0], history);
        put(part[1], static_cast<std::int32_t>(x.policy));
        put(part[2], static_cast<std::int64_t>(x.first_slice + i));
        put(part[3], x.requests[i]);
        put(part[4], x.errors[i]);
      }
    part += kSeriesParts;
  }
  if (!plan_.slos.empty()) {
    for (std::size_t i = 0; i < h.slos.size(); ++i) {
      const SloHistory& slo = h.slos[i];
      for (std::size_t w = 0; w < slo.met.size(); ++w) {
        put(part[0], history);
        put(part[1], static_cast<std::int32_t>(i));
        put(part[2], static_cast<std::int32_t>(w));
        put(part[3], slo.bad[w]);
        put(part[4], slo.total[w]);
        put(part[5], static_cast<std::int8_t>(slo.met[w]));
      }
    }
  }
}

struct TimeRunWriter::Impl {
  std::optional<AtomicOutput> output;
  RunInfo info;
  const OutagePlan* plan = nullptr;
  std::uint64_t histories_seen = 0;
  std::uint64_t next_chunk = 0;
  std::optional<hdf5::File> file;
  std::vector<std::unique_ptr<ColumnAppender>> columns;  // in part order

  void close_columns() {
    for (auto& c : columns) c->close();
    columns.clear();
  }
  bool finished() const noexcept { return output && output->committed(); }
};

TimeRunWriter::TimeRunWriter(std::string final_path, bool overwrite, const OutagePlan& plan,
                             const RunInfo& info)
    : impl_(std::make_unique<Impl>()) {
  Impl& w = *impl_;
  w.info = info;
  w.plan = &plan;
  check_run_info(info);
  const StructureModel& model = *plan.model;
  const TimeModel& time = *model.time;
  w.output.emplace(std::move(final_path), overwrite);
  w.file.emplace(hdf5::File::create_exclusive(w.output->temporary_path()));
  w.output->created();
  hdf5::File& file = *w.file;
  write_file_identity(file, kTimeRunFormatVersion, model.name, model.source_text);
  file.write_attribute("seed", std::uint64_t{info.seed});
  file.write_attribute("histories", std::uint64_t{info.requests});
  file.write_attribute("chunk_histories", std::uint64_t{info.chunk_requests});
  file.write_attribute("record", to_string(info.record));
  file.write_attribute("created", info.created);
  file.write_attribute("horizon_seconds", time.horizon_seconds);
  file.write_attribute("start", time.start == StartState::steady ? "steady" : "fresh");
  file.write_attribute("crews", std::uint64_t{time.crews});
  file.write_attribute("traffic_rate", time.traffic.rate_per_second);
  if (time.slo) {
    file.write_attribute("slo_target", time.slo->target);
    file.write_attribute("slo_window_seconds", time.slo->window_seconds);
    file.write_attribute("slo_windows", to_string(time.slo->windows));
  }

  if (info.record == RecordMode::none) return;
  const auto table = [&](const char* group_name, std::span<const Column> columns) {
    hdf5::Group group = file.create_group(group_name);
    const auto layout =
        hdf5::DatasetLayout::unlimited().chunked(kTimeChunk).deflate(info.deflate_level);
    // A per-kind dataset's chunk holds about as many values as a column's: whole rows.
    const std::uint64_t kinds = std::max<std::uint64_t>(plan.kinds, 1);
    const auto per_kind =
        layout.chunked(std::max<std::uint64_t>(kTimeChunk / kinds, 1)).with_columns(plan.kinds);
    for (const Column& c : columns)
      w.columns.push_back(std::make_unique<ColumnAppender>(
          group.create_dataset(c.name, c.type,
                               (c.per_kind ? per_kind : layout).shuffled(c.bytes > 1)),
          c.bytes, c.bytes > 1, info.deflate_level));
    return group;
  };
  {
    hdf5::Group g = table("histories", kHistoryColumns);
    g.write_attribute("kinds", std::uint64_t{plan.kinds});
  }
  table("outages", kOutageColumns).close();
  if (!plan.windows.empty()) {
    hdf5::Group g = table("windows", kWindowColumns);
    std::vector<std::int64_t> first, days;
    for (const SloWindow& win : plan.windows) {
      first.push_back(win.first_day);
      days.push_back(win.days);
    }
    g.write_dataset<std::int64_t>("window_first_day", first).close();
    g.write_dataset<std::int64_t>("window_days", days).close();
    g.close();
  }
  if (info.record == RecordMode::requests) table("requests", kRequestColumns).close();
  if (has_alert_policies(plan)) {
    file.create_group("alerting").close();
    table("alerting/firings", kFiringColumns).close();
    table("alerting/series", kSeriesColumns).close();
  }
  if (!plan.slos.empty()) {
    file.create_group("slos").close();
    table("slos/windows", kSloWindowColumns).close();
  }
}

TimeRunWriter::~TimeRunWriter() = default;

const std::string& TimeRunWriter::final_path() const noexcept {
  return impl_->output->final_path();
}

void TimeRunWriter::store(const EncodedChunk& chunk) {
  Impl& w = *impl_;
  if (w.finished()) throw std::logic_error("TimeRunWriter::store after finish");
  if (chunk.chunk != w.next_chunk)
    throw std::invalid_argument("TimeRunWriter::store: chunk " + std::to_string(chunk.chunk) +
                                " out of order");
  ++w.next_chunk;
  w.histories_seen += chunk.requests;
  if (w.columns.empty()) return;
  if (chunk.parts.size() != w.columns.size())
    throw std::invalid_argument("TimeRunWriter::store: not a layout-3 chunk");
  for (std::size_t i = 0; i < w.columns.size(); ++i) {
    ColumnAppender& column = *w.columns[i];
    const std::vector<unsigned char>& part = chunk.parts[i];
    // Element width: the appender knows it; the part is a whole number of elements.
    column.append(part.data(), part.size() / column.element_bytes());
  }
}

void TimeRunWriter::finish(const TimeSummary& s, const TimeExactValues& exact) {
  Impl& w = *impl_;
  if (w.finished()) throw std::logic_error("TimeRunWriter::finish called twice");
  if (s.histories != w.info.requests)
    throw std::invalid_argument("TimeRunWriter::finish: the summary covers " +
                                std::to_string(s.histories) + " histories, the file " +
                                std::to_string(w.info.requests));
  if (w.info.record != RecordMode::none && w.histories_seen != s.histories)
    throw std::logic_error("TimeRunWriter::finish: " + std::to_string(w.histories_seen) +
                           " histories stored, the summary counts " + std::to_string(s.histories));
  w.close_columns();
  const OutagePlan& plan = *w.plan;
  const StructureModel& model = *plan.model;
  const TimeModel& time = *model.time;
  hdf5::File& file = *w.file;

  file.write_attribute("ci_level", s.ci_level);
  file.write_attribute("agrees", static_cast<std::int8_t>(s.agrees ? 1 : 0));
  file.write_attribute("verdict", s.verdict);
  file.write_attribute("verdict_tests", std::int64_t{s.tests});
  file.write_attribute("verdict_test_alpha", s.test_alpha);
  file.write_attribute("exact_method", s.exact_method);
  file.write_attribute("requests", s.requests);
  file.write_attribute("failed", s.failed);
  file.write_attribute("failed_outage", s.failed_outage);
  file.write_attribute("outages", s.outages);
  file.write_attribute("time_availability", s.mix.time_availability);
  file.write_attribute("time_availability_ci_low", s.mix.time_ci_low);
  file.write_attribute("time_availability_ci_high", s.mix.time_ci_high);
  file.write_attribute("time_availability_exact", s.mix.availability_exact);
  file.write_attribute("request_availability", s.mix.request_availability);

  {
    hdf5::Group g = file.create_group("components");
    std::vector<std::string> name, declaration, failure, repair, detection;
    std::vector<std::int64_t> replica;
    std::vector<double> reliability, availability_exact, mttd_exact;
    for (std::size_t c = 0; c < model.components.size(); ++c) {
      const StructureComponent& comp = model.components[c];
      const ComponentTiming& t = time.components[c];
      name.push_back(comp.name);
      declaration.push_back(comp.declaration);
      replica.push_back(comp.replica);
      reliability.push_back(comp.reliability);
      failure.push_back(t.outages ? t.outages->failure.describe() : "");
      repair.push_back(t.outages ? t.outages->repair.describe() : "");
      std::string d;
      if (t.outages) {
        if (t.detection.by_alert()) {
          d = "alert " + model.time->alerting[static_cast<std::size_t>(t.detection.alert)].name +
              ", acknowledged after " +
              DurationDistribution::fixed(t.detection.acknowledge).describe();
        } else if (t.detection.immediate) {
          d = "immediate";
        } else {
          d = t.detection.delay.describe();
          if (!t.detection.needs_components.empty()) {
            d += " while up:";
            for (const std::uint32_t n : t.detection.needs_components)
              d += " " + model.components[n].name;
          }
        }
      }
      detection.push_back(d);
      availability_exact.push_back(c < exact.component_availability.size()
                                       ? exact.component_availability[c]
                                       : std::numeric_limits<double>::quiet_NaN());
      mttd_exact.push_back(c < exact.mean_time_to_detect.size()
                               ? exact.mean_time_to_detect[c]
                               : std::numeric_limits<double>::quiet_NaN());
    }
    // Realised values: components without outages have none.
    const ExpandedProcesses all = expand_processes(s, model, exact);
    std::vector<std::uint64_t> outages;
    std::vector<double> downtime, opy, dpy, mttd, mttr, budget, budget_detection, budget_requests,
        avail, z;
    for (const ProcessSummary& r : all.components) {
      outages.push_back(r.outages);
      downtime.push_back(r.downtime);
      opy.push_back(r.outages_per_year);
      dpy.push_back(r.downtime_per_year);
      mttd.push_back(r.mean_time_to_detect);
      mttr.push_back(r.mean_time_to_repair);
      budget.push_back(r.budget_seconds_per_year);
      budget_detection.push_back(r.budget_detection_seconds_per_year);
      budget_requests.push_back(r.budget_requests_per_year);
      avail.push_back(r.availability_simulated);
      z.push_back(r.z_score);
    }
    g.write_string_dataset("name", name).close();
    g.write_string_dataset("declaration", declaration).close();
    g.write_dataset<std::int64_t>("replica", replica).close();
    g.write_dataset<double>("reliability", reliability).close();
    g.write_string_dataset("failure", failure).close();
    g.write_string_dataset("repair", repair).close();
    g.write_string_dataset("detection", detection).close();
    g.write_dataset<std::uint64_t>("outages", outages).close();
    g.write_dataset<double>("downtime", downtime).close();
    g.write_dataset<double>("outages_per_year", opy).close();
    g.write_dataset<double>("downtime_per_year", dpy).close();
    g.write_dataset<double>("mean_time_to_detect", mttd).close();
    g.write_dataset<double>("mean_time_to_detect_exact", mttd_exact).close();
    g.write_dataset<double>("mean_time_to_repair", mttr).close();
    g.write_dataset<double>("budget_seconds_per_year", budget).close();
    g.write_dataset<double>("budget_detection_seconds_per_year", budget_detection).close();
    g.write_dataset<double>("budget_requests_per_year", budget_requests).close();
    g.write_dataset<double>("availability_simulated", avail).close();
    g.write_dataset<double>("availability_exact", availability_exact).close();
    g.write_dataset<double>("z_score", z).close();
    g.close();
  }
  {
    hdf5::Group g = file.create_group("events");
    // Every common-cause event, in file order, so that /outages/event and the culprit codes
    // (K + e) index this table; an event with a per-request probability has no process here
    // (every and lasts empty, nothing counted).
    std::vector<std::string> name, every, lasts;
    std::vector<std::uint64_t> occurrences;
    std::vector<double> downtime, budget, budget_requests, avail, avail_exact;
    const ExpandedProcesses all = expand_processes(s, model, exact);
    for (std::size_t e = 0; e < model.common_causes.size(); ++e) {
      const ProcessSummary& r = all.events[e];
      name.push_back(r.name);
      every.push_back(time.events[e] ? time.events[e]->failure.describe() : "");
      lasts.push_back(time.events[e] ? time.events[e]->repair.describe() : "");
      occurrences.push_back(r.outages);
      downtime.push_back(r.downtime);
      budget.push_back(r.budget_seconds_per_year);
      budget_requests.push_back(r.budget_requests_per_year);
      avail.push_back(r.availability_simulated);
      avail_exact.push_back(r.availability_exact);
    }
    g.write_string_dataset("name", name).close();
    g.write_string_dataset("every", every).close();
    g.write_string_dataset("lasts", lasts).close();
    g.write_dataset<std::uint64_t>("occurrences", occurrences).close();
    g.write_dataset<double>("downtime", downtime).close();
    g.write_dataset<double>("budget_seconds_per_year", budget).close();
    g.write_dataset<double>("budget_requests_per_year", budget_requests).close();
    g.write_dataset<double>("quiet_simulated", avail).close();
    g.write_dataset<double>("quiet_exact", avail_exact).close();
    g.close();
  }
  {
    hdf5::Group g = file.create_group("kinds");
    std::vector<std::string> name;
    std::vector<double> weight, ta, ta_low, ta_high, ra, dpy, exact_a, z;
    std::vector<std::uint64_t> requests, failed, failed_outage;
    for (const KindTimeSummary& k : s.kinds) {
      name.push_back(k.name);
      weight.push_back(k.weight);
      ta.push_back(k.time_availability);
      ta_low.push_back(k.time_ci_low);
      ta_high.push_back(k.time_ci_high);
      ra.push_back(k.request_availability);
      dpy.push_back(k.downtime_per_year);
      exact_a.push_back(k.availability_exact);
      z.push_back(k.z_score);
      requests.push_back(k.requests);
      failed.push_back(k.failed);
      failed_outage.push_back(k.failed_outage);
    }
    g.write_string_dataset("name", name).close();
    g.write_dataset<double>("weight", weight).close();
    g.write_dataset<double>("time_availability", ta).close();
    g.write_dataset<double>("time_availability_ci_low", ta_low).close();
    g.write_dataset<double>("time_availability_ci_high", ta_high).close();
    g.write_dataset<double>("request_availability", ra).close();
    g.write_dataset<double>("downtime_per_year", dpy).close();
    g.write_dataset<double>("availability_exact", exact_a).close();
    g.write_dataset<double>("z_score", z).close();
    g.write_dataset<std::uint64_t>("requests", requests).close();
    g.write_dataset<std::uint64_t>("failed", failed).close();
    g.write_dataset<std::uint64_t>("failed_outage", failed_outage).close();
    g.close();
  }
  {
    hdf5::Group g = file.create_group("summary");
    std::vector<std::string> metric, unit;
    std::vector<double> mean, lo, hi, p05, p50, p95;
    for (const MetricSummary& m : s.metrics) {
      metric.push_back(m.metric);
      unit.push_back(m.unit);
      mean.push_back(m.mean);
      lo.push_back(m.ci_low);
      hi.push_back(m.ci_high);
      p05.push_back(m.p05);
      p50.push_back(m.p50);
      p95.push_back(m.p95);
    }
    g.write_string_dataset("metric", metric).close();
    g.write_string_dataset("unit", unit).close();
    g.write_dataset<double>("mean", mean).close();
    g.write_dataset<double>("ci_low", lo).close();
    g.write_dataset<double>("ci_high", hi).close();
    g.write_dataset<double>("p05", p05).close();
    g.write_dataset<double>("p50", p50).close();
    g.write_dataset<double>("p95", p95).close();
    g.close();
  }
  if (s.slo.declared) {
    hdf5::Group g = file.create_group("slo");
    const SloSummary& o = s.slo;
    g.write_attribute("target", o.target);
    g.write_attribute("window_seconds", o.window_seconds);
    g.write_attribute("windows", o.windows);
    g.write_attribute("windows_per_history", std::uint64_t{o.windows_per_history});
    g.write_attribute("share_met_time", o.share_met_time);
    g.write_attribute("share_met_time_low", o.share_met_time_low);
    g.write_attribute("share_met_time_high", o.share_met_time_high);
    g.write_attribute("share_met_requests", o.share_met_requests);
    g.write_attribute("share_met_requests_low", o.share_met_requests_low);
    g.write_attribute("share_met_requests_high", o.share_met_requests_high);
    g.write_attribute("first_window_met_time", o.first_met_time);
    g.write_attribute("first_window_met_time_low", o.first_met_time_low);
    g.write_attribute("first_window_met_time_high", o.first_met_time_high);
    g.write_attribute("first_window_met_time_exact", o.first_met_time_exact);
    g.write_attribute("first_window_met_requests", o.first_met_requests);
    const auto twin = [&](const std::string& what, const PagedAtStartShare& x) {
      g.write_attribute("share_met_" + what + "_paged_at_start", x.share_met);
      g.write_attribute("share_met_" + what + "_paged_at_start_low", x.share_met_low);
      g.write_attribute("share_met_" + what + "_paged_at_start_high", x.share_met_high);
      g.write_attribute("difference_" + what + "_paged_at_start", x.difference);
      g.write_attribute("difference_" + what + "_paged_at_start_low", x.difference_low);
      g.write_attribute("difference_" + what + "_paged_at_start_high", x.difference_high);
      g.write_attribute("first_window_met_" + what + "_paged_at_start", x.first_met);
    };
    if (o.time_paged_at_start.present) {
      twin("time", o.time_paged_at_start);
      twin("requests", o.requests_paged_at_start);
    }
    g.close();
  }
  if (!s.slos.empty()) write_slos(file, plan, s, w.info.record != RecordMode::none);
  if (!s.alerting.empty()) write_alerting(file, s, w.info.record != RecordMode::none);
  annotate_nines_file(file, kTimeFormatMinorVersion);
  file.close();
  w.file.reset();
  w.output->commit();
}

}  // namespace nines
