#include "nines/sweep/sweep_writer.hpp"

#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "nines/base/error.hpp"
#include "nines/base/sha256.hpp"
#include "nines/base/version.hpp"
#include "nines/files/layout_notes.hpp"
#include "nines/files/run_writer.hpp"
#include "nines/files/structure_writer.hpp"
#include "nines/io/atomic_output.hpp"
#include "nines/io/hdf5.hpp"
#include "nines/io/outcome_type.hpp"
#include "nines/stats/precision.hpp"
#include "nines/summary/summary.hpp"
#include "nines/sweep/point_run.hpp"
#include "nines/sweep/sweep_points.hpp"

namespace nines {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Rows per block: each table column is appended this many rows at a time (and it is the HDF5
// chunk length of every table dataset).
constexpr std::size_t kBlock = std::size_t{1} << 16;

// A table of named columns, appended a block of rows at a time. Column values are buffered as
// the rows come and stored when a block is full or the table is closed.
class Table {
 public:
  using Cell =
      std::variant<std::vector<std::uint64_t>, std::vector<std::int64_t>, std::vector<double>,
                   std::vector<std::uint8_t>, std::vector<std::int32_t>, std::vector<std::int8_t>,
                   std::vector<std::string>>;

  // `mirror`: when set, each row is also appended to it as a JSON object (SweepFileInfo).
  Table(hdf5::Group& parent, const std::string& name, Json* mirror = nullptr)
      : group_(parent.create_group(name)), mirror_(mirror) {}

  template <class T>
  std::vector<T>& column(const std::string& name) {
    for (Column& c : columns_)
      if (c.name == name) return std::get<std::vector<T>>(c.buffer);
    Column c;
    c.name = name;
    c.buffer = std::vector<T>();
    const auto layout = hdf5::DatasetLayout::unlimited().chunked(kBlock).deflate(1);
    if constexpr (std::is_same_v<T, std::string>) {
      c.dataset.emplace(group_.create_string_dataset(name, layout));
    } else {
      c.dataset.emplace(group_.create_dataset(name, hdf5::element_type_of<T>(), layout));
    }
    columns_.push_back(std::move(c));
    return std::get<std::vector<T>>(columns_.back().buffer);
  }

  // After each row: stores the block once it is full.
  void row_done() {
    if (mirror_ != nullptr) mirror_->push_back(last_row());
    if (++rows_in_block_ >= kBlock) flush();
  }

  void flush() {
    for (Column& c : columns_) {
      std::visit(
          [&](auto& values) {
            using T = typename std::decay_t<decltype(values)>::value_type;
            if constexpr (std::is_same_v<T, std::string>) {
              c.dataset->append_strings(values);
            } else {
              c.dataset->append(std::span<const T>(values));
            }
            values.clear();
          },
          c.buffer);
    }
    rows_in_block_ = 0;
  }

  void close() {
    flush();
    std::string order;
    for (Column& c : columns_) {
      order += (order.empty() ? "" : ",") + c.name;
      c.dataset->close();
    }
    group_.write_attribute("columns", order);
    group_.close();
  }

  hdf5::Group& group() noexcept { return group_; }

 private:
  // The row just completed: each column's newest cell (columns this row left empty are absent).
  Json last_row() const {
    Json row = Json::object();
    for (const Column& c : columns_) {
      std::visit(
          [&](const auto& values) {
            using T = typename std::decay_t<decltype(values)>::value_type;
            if (values.size() != rows_in_block_ + 1) return;
            if constexpr (std::is_same_v<T, std::uint8_t>) {
              row[c.name] = values.back() != 0;  // the table's flags: done, agrees
            } else {
              row[c.name] = values.back();
            }
          },
          c.buffer);
    }
    return row;
  }

  struct Column {
    std::string name;
    Cell buffer;
    std::optional<hdf5::Dataset> dataset;
  };
  hdf5::Group group_;
  std::vector<Column> columns_;
  std::size_t rows_in_block_ = 0;
  Json* mirror_ = nullptr;
};

// Every column of a row of a structure-or-chain table, written in one order.
void component_row(Table& t, std::uint64_t point, std::uint64_t index, const PointComponentRow& r,
                   bool structure) {
  t.column<std::uint64_t>("point").push_back(point);
  t.column<std::uint64_t>("component").push_back(index);
  t.column<std::string>("name").push_back(r.name);
  t.column<double>("reliability").push_back(r.reliability);
  t.column<std::uint64_t>("failures").push_back(r.failures);
  t.column<double>("expected_failures").push_back(r.expected_failures);
  if (!structure) {
    t.column<double>("first_failure_probability").push_back(r.first_failure_probability);
  } else {
    t.column<double>("effective_reliability").push_back(r.effective_reliability);
    t.column<double>("culprit_probability").push_back(r.culprit_probability);
    t.column<double>("birnbaum").push_back(r.birnbaum);
    t.column<double>("criticality").push_back(r.criticality);
    t.column<double>("fussell_vesely").push_back(r.fussell_vesely);
    t.column<double>("raw").push_back(r.raw);
    t.column<double>("rrw").push_back(r.rrw);
    t.column<double>("improvement_potential").push_back(r.improvement_potential);
    t.column<double>("unreliability_if_perfect").push_back(r.unreliability_if_perfect);
    t.column<double>("unreliability_if_failed").push_back(r.unreliability_if_failed);
  }
  t.row_done();
}

void kind_row(Table& t, std::uint64_t point, std::uint64_t index, const PointKindRow& r) {
  t.column<std::uint64_t>("point").push_back(point);
  t.column<std::uint64_t>("kind").push_back(index);
  t.column<std::string>("name").push_back(r.name);
  t.column<double>("weight").push_back(r.weight);
  t.column<std::uint64_t>("requests").push_back(r.requests);
  t.column<std::uint64_t>("failures").push_back(r.failures);
  t.column<std::uint64_t>("attempts").push_back(r.attempts);
  t.column<double>("reliability_empirical").push_back(r.reliability_empirical);
  t.column<double>("reliability_analytic").push_back(r.reliability_analytic);
  t.column<double>("unreliability_analytic").push_back(r.unreliability_analytic);
  t.column<double>("z_score").push_back(r.z_score);
  t.column<double>("reliability_p_value").push_back(r.reliability_p_value);
  t.column<double>("attribution_chi2").push_back(r.attribution_chi2);
  t.column<std::int64_t>("attribution_dof").push_back(r.attribution_dof);
  t.column<double>("attribution_p_value").push_back(r.attribution_p_value);
  t.row_done();
}

// The first cells of a /points row: the point's index and its swept values.
void point_and_values(Table& points, const SweepPlan& plan, std::size_t i) {
  const SweepPoint& point = plan.points[i];
  points.column<std::uint64_t>("point").push_back(i);
  for (std::size_t p = 0; p < plan.parameters.size(); ++p) {
    if (plan.parameters[p].is_integer())
      points.column<std::uint64_t>(plan.parameters[p].path).push_back(point.values[p].integer);
    else
      points.column<double>(plan.parameters[p].path).push_back(point.values[p].real);
  }
}

// The points table, with the component and kind tables beside it (their rows come from the
// same conclusions, computed once per point).
void write_tables(hdf5::File& file, const SweepPlan& plan, const SweepResults& results,
                  const SweepFileInfo& info) {
  const bool structure = plan.base_format != 1;
  Table points(file, "points", info.points_json);
  Table components(file, "point_components");
  std::optional<Table> kinds;
  if (structure) kinds.emplace(file, "point_kinds");
  std::vector<std::uint64_t> component_offset = {0}, kind_offset = {0};
  const std::size_t n = plan.points.size();
  for (std::size_t i = 0; i < n; ++i) {
    const SweepPoint point = plan.points[i];
    const bool done = results.done(i);
    std::optional<PointConclusion> c;
    std::string sampler = "-", kernel = "-";
    std::uint64_t n_components = point.components.size();
    double analytic = kNaN, unreliability = kNaN;
    if (done) {
      c = conclude_point(plan, results, i, info.sampler, info.chunk_requests);
      n_components = c->components.size();
      analytic = c->row.reliability_analytic;
      unreliability = c->row.unreliability_analytic;
    }
    if (!structure) {
      // A chain point is cheap to build: its sampler and exact value even before it runs.
      const auto run = PointRun::make(plan, i, info.sampler, info.chunk_requests);
      sampler = std::string(to_string(run->sampler()));
      kernel = run->kernel_name();
      if (!done) {
        const PointConclusion exact =
            run->conclude(std::vector<std::uint64_t>(n_components, 0), point.requests);
        analytic = exact.row.reliability_analytic;
        unreliability = exact.row.unreliability_analytic;
      }
    } else if (done) {
      sampler = c->sampler;
      kernel = c->kernel;
    }
    point_and_values(points, plan, i);
    points.column<std::uint64_t>("replication").push_back(point.replication);
    points.column<std::uint64_t>("n_components").push_back(n_components);
    const std::uint64_t requests = results.requests(i, point.requests);
    points.column<std::uint64_t>("requests").push_back(requests);
    points.column<std::uint64_t>("seed").push_back(point.seed);
    points.column<std::string>("sampler").push_back(sampler);
    points.column<std::string>("kernel").push_back(kernel);
    points.column<std::uint8_t>("done").push_back(done ? 1 : 0);
    const PointRow row = c ? c->row : PointRow{};
    const auto stat = [&](double value) { return done ? value : kNaN; };
    points.column<std::uint64_t>("failures").push_back(done ? row.failures : 0);
    points.column<double>("reliability_empirical").push_back(stat(row.reliability_empirical));
    points.column<double>("reliability_analytic").push_back(analytic);
    points.column<double>("unreliability_analytic").push_back(unreliability);
    points.column<double>("ci_low").push_back(stat(row.ci_low));
    points.column<double>("ci_high").push_back(stat(row.ci_high));
    points.column<double>("z_score").push_back(stat(row.z_score));
    points.column<double>("z_p_value").push_back(stat(row.z_p_value));
    points.column<double>("reliability_p_value").push_back(stat(row.reliability_p_value));
    points.column<double>("attribution_chi2").push_back(stat(row.attribution_chi2));
    points.column<double>("attribution_dof")
        .push_back(stat(static_cast<double>(row.attribution_dof)));
    points.column<double>("attribution_p_value").push_back(stat(row.attribution_p_value));
    points.column<std::uint8_t>("agrees").push_back(done && row.agrees ? 1 : 0);
    if (structure) {
      points.column<std::int64_t>("verdict_tests").push_back(done ? row.verdict_tests : 0);
      points.column<double>("expected_attempts").push_back(stat(row.expected_attempts));
    }
    if (plan.target_precision) {
      // Each point's stop (README, "Stopping at a precision"): what the rule read at its last
      // checkpoint, from the counts of the requests it sampled.
      const double achieved =
          done ? relative_half_width(row.failures, requests, kDefaultCiLevel) : kNaN;
      points.column<std::uint64_t>("requests_cap").push_back(point.requests);
      points.column<double>("target_precision").push_back(*plan.target_precision);
      points.column<double>("precision_achieved").push_back(achieved);
      points.column<std::uint8_t>("precision_reached")
          .push_back(done && row.failures > 0 && achieved <= *plan.target_precision ? 1 : 0);
    }
    points.row_done();
    if (c) {
      for (std::size_t k = 0; k < c->components.size(); ++k)
        component_row(components, i, k, c->components[k], structure);
      if (kinds)
        for (std::size_t k = 0; k < c->kinds.size(); ++k) kind_row(*kinds, i, k, c->kinds[k]);
    }
    component_offset.push_back(component_offset.back() + (c ? c->components.size() : 0));
    kind_offset.push_back(kind_offset.back() + (c ? c->kinds.size() : 0));
  }
  points.close();
  // Where each point's rows start in the other tables: /offsets/X[i] .. /offsets/X[i + 1]
  // (kept apart, so that every table group holds only columns of its own length).
  hdf5::Group offsets = file.create_group("offsets");
  offsets.write_dataset<std::uint64_t>("point_components", component_offset).close();
  if (structure) offsets.write_dataset<std::uint64_t>("point_kinds", kind_offset).close();
  offsets.close();
  components.close();
  if (kinds) kinds->close();
}

// Receives a point's failure chunks (the point's run-file chunk layout) and appends its rows to
// /point_failures.
class FailureRows final : public ChunkStore {
 public:
  FailureRows(Table& table, bool structure) : table_(table), structure_(structure) {}
  void start(std::uint64_t point, OutcomeType type) {
    point_ = point;
    type_ = type;
  }
  std::uint64_t rows() const noexcept { return rows_; }

  void store(const EncodedChunk& chunk) override {
    if (!structure_) {
      requests_.clear();
      components_.clear();
      decode_chain_failures(chunk, type_, requests_, components_);
      for (std::size_t f = 0; f < requests_.size(); ++f) {
        table_.column<std::uint64_t>("point").push_back(point_);
        table_.column<std::uint64_t>("request").push_back(requests_[f]);
        table_.column<std::int32_t>("component").push_back(components_[f]);
        table_.row_done();
      }
      rows_ += requests_.size();
      return;
    }
    StructureChunk failed;
    decode_structure_failures(chunk, failed);
    for (std::size_t f = 0; f < failed.failed_request.size(); ++f) {
      table_.column<std::uint64_t>("point").push_back(point_);
      table_.column<std::uint64_t>("request").push_back(failed.failed_request[f]);
      table_.column<std::int32_t>("component").push_back(failed.failed_culprit[f]);
      table_.column<std::int8_t>("kind").push_back(failed.failed_kind[f]);
      table_.column<std::uint8_t>("attempts").push_back(failed.failed_attempts[f]);
      table_.column<std::int8_t>("common_cause").push_back(failed.failed_common_cause[f]);
      table_.row_done();
    }
    rows_ += failed.failed_request.size();
  }

 private:
  Table& table_;
  bool structure_;
  std::uint64_t point_ = 0;
  OutcomeType type_ = OutcomeType::int32;
  std::uint64_t rows_ = 0;
  std::vector<std::uint64_t> requests_;
  std::vector<std::int32_t> components_;
};

// The metrics of a time summary (summary/time_summary.hpp) that a time point's row carries,
// each as m, m_ci_low, m_ci_high, m_p05, m_p50, m_p95.
constexpr std::array<const char*, 7> kTimeMetrics = {
    "time_availability",   "request_availability", "downtime_per_year",       "outages_per_year",
    "mean_time_to_detect", "mean_time_to_repair",  "failed_requests_per_year"};

// A text cell of a row (null: only makes sure the column exists).
void put_text(Table& t, const char* name, const std::string* value) {
  auto& column = t.column<std::string>(name);
  if (value != nullptr) column.push_back(*value);
}

// Puts the cells of one row of `t`; when not `writing`, only makes sure its columns exist (so
// that an empty table has them all).
struct RowCells {
  Table& t;
  bool writing;
  template <class T>
  void put(const char* name, T value) const {
    auto& column = t.column<T>(name);
    if (writing) column.push_back(value);
  }
};

// A row of /point_components (a component) or /point_events (an event) of a time point; with no
// `r`, only the columns (so that an empty table has them all).
void process_row(Table& t, std::uint64_t point, std::uint64_t index, const ProcessSummary* r,
                 bool event) {
  const RowCells cells{t, r != nullptr};
  const auto put = [&](const char* name, double value) { cells.put(name, value); };
  const auto put_count = [&](const char* name, std::uint64_t value) { cells.put(name, value); };
  put_count("point", point);
  put_count(event ? "event" : "component", index);
  auto& name = t.column<std::string>("name");
  if (r != nullptr) name.push_back(r->name);
  const ProcessSummary none;
  const ProcessSummary& v = r != nullptr ? *r : none;
  put_count(event ? "occurrences" : "outages", v.outages);
  put("outages_per_year", v.outages_per_year);
  put("downtime_per_year", v.downtime_per_year);
  if (!event) {
    put("mean_time_to_detect", v.mean_time_to_detect);
    put("mean_time_to_detect_exact", v.mean_time_to_detect_exact);
    put("mean_time_to_repair", v.mean_time_to_repair);
  }
  put("budget_seconds_per_year", v.budget_seconds_per_year);
  if (!event) put("budget_detection_seconds_per_year", v.budget_detection_seconds_per_year);
  put("budget_requests_per_year", v.budget_requests_per_year);
  // An event's share of time without it, as the run file's /events says it.
  put(event ? "quiet_simulated" : "availability_simulated", v.availability_simulated);
  put(event ? "quiet_exact" : "availability_exact", v.availability_exact);
  if (!event) put("z_score", v.z_score);
  if (r != nullptr) t.row_done();
}

// A row of /point_kinds of a time point (with no `r`, only the columns).
void time_kind_row(Table& t, std::uint64_t point, std::uint64_t index, const KindTimeSummary* r) {
  const RowCells cells{t, r != nullptr};
  const auto put = [&](const char* name, double value) { cells.put(name, value); };
  const auto put_count = [&](const char* name, std::uint64_t value) { cells.put(name, value); };
  const KindTimeSummary none;
  const KindTimeSummary& v = r != nullptr ? *r : none;
  put_count("point", point);
  put_count("kind", index);
  auto& name = t.column<std::string>("name");
  if (r != nullptr) name.push_back(v.name);
  put("weight", v.weight);
  put_count("requests", v.requests);
  put_count("failed", v.failed);
  put_count("failed_outage", v.failed_outage);
  put("time_availability", v.time_availability);
  put("time_availability_ci_low", v.time_ci_low);
  put("time_availability_ci_high", v.time_ci_high);
  put("request_availability", v.request_availability);
  put("downtime_per_year", v.downtime_per_year);
  put("availability_exact", v.availability_exact);
  put("z_score", v.z_score);
  if (r != nullptr) t.row_done();
}

// A row of /point_alert_policies of a time point: a policy's page rules together (with no
// `r`, only the columns).
void alert_policy_row(Table& t, std::uint64_t point, std::uint64_t index,
                      const AlertPolicySummary* r) {
  const RowCells cells{t, r != nullptr};
  const auto put = [&](const char* name, double value) { cells.put(name, value); };
  put_text(t, "name", r != nullptr ? &r->name : nullptr);
  put_text(t, "scope", r != nullptr ? &r->scope : nullptr);
  cells.put("point", point);
  cells.put("policy", index);
  const AlertRuleSummary none;
  const AlertRuleSummary& v = r != nullptr ? r->rows.back() : none;
  put("outages_per_year", r != nullptr ? r->outages_per_year : kNaN);
  put("pages_per_year", v.firings_per_year);
  put("pages_per_year_ci_low", v.firings_ci_low);
  put("pages_per_year_ci_high", v.firings_ci_high);
  put("delivered_share", v.delivered_share);
  put("noise_per_year", v.noise_per_year);
  put("precision", v.precision);
  put("recall", v.recall);
  put("time_to_page_mean", v.time_to_page_mean);
  put("time_to_page_p50", v.time_to_page_p50);
  put("time_to_page_p95", v.time_to_page_p95);
  put("budget_at_firing_mean", v.budget_mean);
  if (r != nullptr) t.row_done();
}

// A row of /point_slos of a time point: an SLO of time.slos (with no `r`, only the columns).
void slo_row(Table& t, std::uint64_t point, std::uint64_t index, const SloObjectSummary* r) {
  const RowCells cells{t, r != nullptr};
  const auto put = [&](const char* name, double value) { cells.put(name, value); };
  put_text(t, "name", r != nullptr ? &r->name : nullptr);
  put_text(t, "scope", r != nullptr ? &r->scope : nullptr);
  put_text(t, "budgeting_method", r != nullptr ? &r->budgeting : nullptr);
  cells.put("point", point);
  cells.put("slo", index);
  const SloObjectSummary none;
  const SloObjectSummary& v = r != nullptr ? *r : none;
  const bool twin = v.paged_at_start.present;
  put("target", v.target);
  put("window_seconds", v.window_seconds);
  put("share_met", v.share_met);
  put("share_met_low", v.share_met_low);
  put("share_met_high", v.share_met_high);
  put("first_window_met", v.first_met);
  put("good_share", v.good_share);
  put("share_met_paged_at_start", twin ? v.paged_at_start.share_met : kNaN);
  put("difference_paged_at_start", twin ? v.paged_at_start.difference : kNaN);
  put("difference_paged_at_start_low", twin ? v.paged_at_start.difference_low : kNaN);
  put("difference_paged_at_start_high", twin ? v.paged_at_start.difference_high : kNaN);
  if (r != nullptr) t.row_done();
}

// One time point's rows: /points (its values, settings and summary), /point_components,
// /point_kinds and /point_events.
void time_point_rows(Table& points, Table& components, Table& kinds, Table& events, Table& policies,
                     Table& slos, const SweepPlan& plan, std::size_t i, const PointConclusion* c) {
  const SweepPoint point = plan.points[i];
  const TimePointConclusion* t = c != nullptr ? c->time.get() : nullptr;
  const bool done = t != nullptr;
  const auto stat = [&](double value) { return done ? value : kNaN; };
  point_and_values(points, plan, i);
  const std::size_t n_components = done ? t->components.size() : 0;
  points.column<std::uint64_t>("replication").push_back(point.replication);
  points.column<std::uint64_t>("n_components").push_back(n_components);
  points.column<std::uint64_t>("n_kinds").push_back(done ? t->summary.kinds.size() : 0);
  points.column<std::uint64_t>("n_events").push_back(done ? t->events.size() : 0);
  points.column<std::uint64_t>("histories").push_back(point.requests);
  points.column<std::uint64_t>("seed").push_back(point.seed);
  points.column<std::string>("kernel").push_back(done ? c->kernel : "-");
  points.column<std::uint8_t>("done").push_back(done ? 1 : 0);
  points.column<double>("horizon_seconds").push_back(stat(done ? t->horizon_seconds : 0));
  points.column<double>("traffic_rate").push_back(stat(done ? t->traffic_rate : 0));
  points.column<std::uint64_t>("crews").push_back(done ? t->crews : 0);
  points.column<std::uint64_t>("n_alert_policies").push_back(done ? t->summary.alerting.size() : 0);
  points.column<std::uint64_t>("n_slos").push_back(done ? t->summary.slos.size() : 0);
  const TimeSummary* s = done ? &t->summary : nullptr;
  points.column<std::uint64_t>("requests").push_back(done ? s->requests : 0);
  points.column<std::uint64_t>("failed").push_back(done ? s->failed : 0);
  points.column<std::uint64_t>("failed_outage").push_back(done ? s->failed_outage : 0);
  points.column<std::uint64_t>("outages").push_back(done ? s->outages : 0);
  for (const char* name : kTimeMetrics) {
    const std::string m = name;
    const MetricSummary* v = done ? &s->metric(m) : nullptr;
    points.column<double>(m).push_back(v ? v->mean : kNaN);
    points.column<double>(m + "_ci_low").push_back(v ? v->ci_low : kNaN);
    points.column<double>(m + "_ci_high").push_back(v ? v->ci_high : kNaN);
    points.column<double>(m + "_p05").push_back(v ? v->p05 : kNaN);
    points.column<double>(m + "_p50").push_back(v ? v->p50 : kNaN);
    points.column<double>(m + "_p95").push_back(v ? v->p95 : kNaN);
  }
  points.column<double>("time_availability_exact")
      .push_back(stat(done ? s->mix.availability_exact : 0));
  points.column<std::string>("exact_method").push_back(done ? s->exact_method : "");
  const bool slo = done && t->slo;
  // NaN without an SLO (or before the point is done).
  constexpr std::pair<const char*, double SloSummary::*> kSloColumns[] = {
      {"slo_target", &SloSummary::target},
      {"slo_window_seconds", &SloSummary::window_seconds},
      {"slo_share_met_time", &SloSummary::share_met_time},
      {"slo_share_met_time_low", &SloSummary::share_met_time_low},
      {"slo_share_met_time_high", &SloSummary::share_met_time_high},
      {"slo_share_met_requests", &SloSummary::share_met_requests},
      {"slo_share_met_requests_low", &SloSummary::share_met_requests_low},
      {"slo_share_met_requests_high", &SloSummary::share_met_requests_high},
      {"slo_first_window_met_time", &SloSummary::first_met_time},
      {"slo_first_window_met_time_exact", &SloSummary::first_met_time_exact},
  };
  for (const auto& [name, member] : kSloColumns)
    points.column<double>(name).push_back(slo ? s->slo.*member : kNaN);
  // With detection by alert: the SLO windows that pages at the outage start would have met.
  const bool twin = slo && s->slo.time_paged_at_start.present;
  constexpr std::pair<const char*, double PagedAtStartShare::*> kTwinColumns[] = {
      {"share_met_paged_at_start", &PagedAtStartShare::share_met},
      {"difference_paged_at_start", &PagedAtStartShare::difference},
      {"difference_paged_at_start_low", &PagedAtStartShare::difference_low},
      {"difference_paged_at_start_high", &PagedAtStartShare::difference_high},
  };
  for (const auto& [name, member] : kTwinColumns) {
    const std::string suffix = name;
    points.column<double>("slo_time_" + suffix)
        .push_back(twin ? s->slo.time_paged_at_start.*member : kNaN);
    points.column<double>("slo_requests_" + suffix)
        .push_back(twin ? s->slo.requests_paged_at_start.*member : kNaN);
  }
  points.column<std::uint8_t>("agrees").push_back(done && s->agrees ? 1 : 0);
  points.column<std::int64_t>("verdict_tests").push_back(done ? s->tests : 0);
  points.column<std::string>("verdict").push_back(done ? s->verdict : "");
  points.row_done();
  if (!done) return;
  for (std::size_t k = 0; k < t->components.size(); ++k)
    process_row(components, i, k, &t->components[k], false);
  for (std::size_t e = 0; e < t->events.size(); ++e) process_row(events, i, e, &t->events[e], true);
  for (std::size_t k = 0; k < s->kinds.size(); ++k) time_kind_row(kinds, i, k, &s->kinds[k]);
  for (std::size_t p = 0; p < s->alerting.size(); ++p)
    alert_policy_row(policies, i, p, &s->alerting[p]);
  for (std::size_t o = 0; o < s->slos.size(); ++o) slo_row(slos, i, o, &s->slos[o]);
}

// A time sweep's tables (layout 3): the time columns in /points, and per point its components,
// kinds and events with a process.
void write_time_tables(hdf5::File& file, const SweepPlan& plan, const SweepResults& results,
                       const SweepFileInfo& info) {
  Table points(file, "points", info.points_json);
  Table components(file, "point_components");
  Table kinds(file, "point_kinds");
  Table events(file, "point_events");
  Table policies(file, "point_alert_policies");
  Table slos(file, "point_slos");
  // The columns exist even when no point has rows.
  process_row(components, 0, 0, nullptr, false);
  process_row(events, 0, 0, nullptr, true);
  time_kind_row(kinds, 0, 0, nullptr);
  alert_policy_row(policies, 0, 0, nullptr);
  slo_row(slos, 0, 0, nullptr);
  std::vector<std::uint64_t> component_offset = {0}, kind_offset = {0}, event_offset = {0};
  std::vector<std::uint64_t> policy_offset = {0}, slo_offset = {0};
  for (std::size_t i = 0; i < plan.points.size(); ++i) {
    std::optional<PointConclusion> c;
    if (results.done(i)) c = conclude_point(plan, results, i, info.sampler, info.chunk_requests);
    time_point_rows(points, components, kinds, events, policies, slos, plan, i, c ? &*c : nullptr);
    std::uint64_t n_components = 0, n_events = 0, n_kinds = 0, n_policies = 0, n_slos = 0;
    if (c) {
      n_components = c->time->components.size();
      n_events = c->time->events.size();
      n_kinds = c->time->summary.kinds.size();
      n_policies = c->time->summary.alerting.size();
      n_slos = c->time->summary.slos.size();
    }
    policy_offset.push_back(policy_offset.back() + n_policies);
    slo_offset.push_back(slo_offset.back() + n_slos);
    component_offset.push_back(component_offset.back() + n_components);
    kind_offset.push_back(kind_offset.back() + n_kinds);
    event_offset.push_back(event_offset.back() + n_events);
  }
  points.close();
  hdf5::Group offsets = file.create_group("offsets");
  offsets.write_dataset<std::uint64_t>("point_components", component_offset).close();
  offsets.write_dataset<std::uint64_t>("point_kinds", kind_offset).close();
  offsets.write_dataset<std::uint64_t>("point_events", event_offset).close();
  offsets.write_dataset<std::uint64_t>("point_alert_policies", policy_offset).close();
  offsets.write_dataset<std::uint64_t>("point_slos", slo_offset).close();
  offsets.close();
  components.close();
  kinds.close();
  events.close();
  policies.close();
  slos.close();
}

// /point_failures: every point's failed requests, as `nines run --record failures` of the
// point records them (sampled again from the point's seed: the very requests its counts came
// from). False when `stop` cut it short.
bool write_point_failures(hdf5::File& file, const SweepPlan& plan, const SweepResults& results,
                          const SweepFileInfo& info, const std::atomic<bool>* stop) {
  const bool structure = plan.base_format != 1;
  Table table(file, "point_failures");
  // The columns exist even when no point failed.
  table.column<std::uint64_t>("point");
  table.column<std::uint64_t>("request");
  table.column<std::int32_t>("component");
  if (structure) {
    table.column<std::int8_t>("kind");
    table.column<std::uint8_t>("attempts");
    table.column<std::int8_t>("common_cause");
  }
  FailureRows rows(table, structure);
  std::vector<std::uint64_t> offset = {0};
  for (std::size_t i = 0; i < plan.points.size(); ++i) {
    const std::size_t components =
        structure
            ? conclude_point(plan, results, i, info.sampler, info.chunk_requests).components.size()
            : plan.points[i].components.size();
    rows.start(i, outcome_type_for(components));
    const std::uint64_t requests = results.requests(i, plan.points[i].requests);
    if (!sweep_point_failures(plan, i, requests, info.chunk_requests, info.sampler, stop, rows))
      return false;
    offset.push_back(rows.rows());
  }
  table.close();
  hdf5::Group offsets = file.open_group("offsets");
  offsets.write_dataset<std::uint64_t>("point_failures", offset).close();
  offsets.close();
  return true;
}

}  // namespace

std::string sampler_choice_name(SamplerChoice choice) {
  switch (choice) {
    case SamplerChoice::per_request:
      return "per-request";
    case SamplerChoice::geometric_skip:
      return "geometric-skip";
    case SamplerChoice::automatic:
      break;
  }
  return "auto";
}

bool write_sweep_file(const std::string& path, const SweepPlan& plan, const SweepResults& results,
                      const SweepFileInfo& info, const std::atomic<bool>* stop) {
  // The output policy (nines/io/atomic_output.hpp): a unique temporary file, synced and
  // renamed into place. The sweep's start-up has decided that `path` may be replaced.
  AtomicOutput output(path, true);
  bool finished = true;
  {
    hdf5::File file = hdf5::File::create_exclusive(output.temporary_path());
    output.created();
    file.write_attribute("format", kSweepFileFormat);
    const bool time = plan.base_format == kTimeFormatVersion;
    file.write_attribute("format_version", std::int64_t{time ? kTimeSweepFileFormatVersion
                                                             : kSweepFileFormatVersion});
    file.write_attribute("nines_version", kVersion);
    file.write_attribute("created", info.created);
    file.write_attribute("sweep_name", plan.name);
    file.write_attribute("sweep_path", plan.source_path);
    file.write_attribute("sweep_yaml", plan.source_text);
    file.write_attribute("sweep_sha256", sha256_hex(plan.source_text));
    file.write_attribute("base_kind", plan.base_kind);
    file.write_attribute("base_format", std::int64_t{plan.base_format});
    file.write_attribute("base_scenario_yaml", plan.base_text);
    file.write_attribute("base_scenario_sha256", sha256_hex(plan.base_text));
    std::string parameters;
    for (const auto& p : plan.parameters) parameters += (parameters.empty() ? "" : ",") + p.path;
    file.write_attribute("parameters", parameters);
    file.write_attribute("replications", std::uint64_t{plan.replications});
    file.write_attribute("points", std::uint64_t{plan.points.size()});
    file.write_attribute("points_done", std::uint64_t{results.done_count()});
    file.write_attribute("complete", static_cast<std::int8_t>(results.complete() ? 1 : 0));
    file.write_attribute("chunk_requests", std::uint64_t{info.chunk_requests});
    file.write_attribute("ci_level", kDefaultCiLevel);
    file.write_attribute("sampler", sampler_choice_name(info.sampler));
    if (plan.base_format == kStructureFormatVersion) file.write_attribute("importance", "exact");
    const bool records = info.record_requests && results.complete();
    file.write_attribute("record_requests", static_cast<std::int8_t>(records ? 1 : 0));
    if (plan.target_precision) file.write_attribute("target_precision", *plan.target_precision);

    if (info.points_json != nullptr) *info.points_json = Json::array();
    if (time)
      write_time_tables(file, plan, results, info);
    else
      write_tables(file, plan, results, info);
    if (records) finished = write_point_failures(file, plan, results, info, stop);
    annotate_nines_file(file);
    file.close();
  }
  if (!finished) return false;  // `output` deletes the temporary file
  output.commit();
  return true;
}

}  // namespace nines
