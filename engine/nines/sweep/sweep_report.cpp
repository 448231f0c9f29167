#include "nines/sweep/sweep_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "nines/base/number_format.hpp"
#include "nines/sweep/point_run.hpp"

namespace nines {

namespace {

using number_format::fixed_ascii;
using number_format::printf_string;

std::string value_label(const SweepParameter& p, const SweepValue& v) {
  if (p.target == SweepTarget::crews && v.integer == 0) return "unlimited";
  if (p.is_integer()) return std::to_string(v.integer);
  if (p.is_duration()) return number_format::duration_unit(v.real);
  if (p.target == SweepTarget::traffic_rate) return number_format::rate(v.real);
  if (p.target == SweepTarget::kind_weight) return printf_string("%.10g", v.real);
  return printf_string("%.10g%%", v.real * 100);
}

// As the time run's report prints them, with "-" for what is missing.
std::string availability(double a) {
  return number_format::availability_percent(a, "-");
}
std::string span(double seconds) {
  return number_format::duration_for_people(seconds, "-");
}

// Cells padded to the widest in each column, the first row the heading.
std::string aligned(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c)
      line += (c ? "  " : "") + number_format::align_right(row[c], width[c]);
    out += line + "\n";
  }
  return out;
}

// The rows of a list of points: all of them with --full or when there are at most 20, else
// the first 10, a row of "...", and the last 6. row_of(i, cells) completes point i's row from
// its leading cells (its index, the swept values, the replication, the requests).
template <class RowOf>
std::vector<std::vector<std::string>> point_rows(const SweepPlan& plan, const SweepResults& results,
                                                 bool full, std::size_t columns, RowOf row_of) {
  std::vector<std::vector<std::string>> rows;
  const std::size_t n = plan.points.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (!full && n > 20 && i == 10) {
      rows.push_back(std::vector<std::string>(columns, "..."));
      i = n - 6;
      continue;
    }
    const SweepPoint& point = plan.points[i];
    std::vector<std::string> row = {std::to_string(i)};
    for (std::size_t p = 0; p < plan.parameters.size(); ++p)
      row.push_back(value_label(plan.parameters[p], point.values[p]));
    if (plan.replications > 1) row.push_back(std::to_string(point.replication));
    // A point that stopped at a precision shows the requests it sampled.
    row.push_back(
        std::to_string(results.done(i) ? results.requests(i, point.requests) : point.requests));
    row_of(i, row);
    rows.push_back(std::move(row));
  }
  return rows;
}

// Percent with five decimals: resolves 1e-7, finer than the sampling error of any sweep that
// finishes in minutes, and shows six-sigma's 99.99966% exactly.
std::string percent(double r) {
  if (std::isnan(r)) return "-";
  return printf_string("%.5f", r * 100);
}

std::string pad_left(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

// The exact reliability of point i: from its conclusion when done; for a chain point also
// before (cheap); a structure point's only once it ran (its exact values take a set-up).
double analytic_of(const SweepPlan& plan, const SweepResults& results, std::size_t i,
                   SamplerChoice sampler, std::uint64_t chunk) {
  if (results.done(i))
    return conclude_point(plan, results, i, sampler, chunk).row.reliability_analytic;
  if (plan.base_format != 1) return std::nan("");
  const auto run = PointRun::make(plan, i, sampler, chunk);
  return run->conclude(std::vector<std::uint64_t>(run->counts_size(), 0), plan.points[i].requests)
      .row.reliability_analytic;
}

std::vector<std::size_t> shown_rows(const SweepPlan& plan, const SweepAxis& axis, bool full) {
  std::vector<std::size_t> rows;
  const std::size_t n = axis.length;
  if (full || n <= 12) {
    for (std::size_t i = 0; i < n; ++i) rows.push_back(i);
    return rows;
  }
  const SweepParameter& p = plan.parameters[axis.parameters.front()];
  if (p.is_integer()) {
    // The row whose value is in the 1-2-5 series; find values by scanning the first point of
    // each row (rows are axis values).
    const std::size_t stride = plan.points.size() / n;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t v = plan.points[i * stride].values[axis.parameters.front()].integer;
      std::uint64_t m = v;
      while (m >= 10 && m % 10 == 0) m /= 10;
      if (m == 1 || m == 2 || m == 5 || i + 1 == n) rows.push_back(i);
    }
    if (rows.size() >= 4 && rows.size() <= 16) return rows;
    rows.clear();
  }
  for (std::size_t k = 0; k < 10; ++k) rows.push_back(k * (n - 1) / 9);
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  return rows;
}

std::string two_way_table(const SweepPlan& plan, const SweepResults& results, bool full,
                          SamplerChoice sampler, std::uint64_t chunk) {
  const SweepAxis& row_axis = plan.axes[0];
  const SweepAxis& col_axis = plan.axes[1];
  const SweepParameter& row_p = plan.parameters[row_axis.parameters.front()];
  const SweepParameter& col_p = plan.parameters[col_axis.parameters.front()];
  const std::size_t cols = col_axis.length;
  constexpr std::size_t kCell = 9;

  std::string row_head = row_p.path;
  const std::size_t row_width = std::max<std::size_t>(row_head.size(), 8);
  std::string out = "Reliability in %, simulated vs analytic (" + col_p.path + " across, " +
                    row_p.path + " down):\n\n";
  std::string line1 = pad_left("", row_width) + " |";
  std::string line2 = pad_left(row_head, row_width) + " |";
  for (std::size_t c = 0; c < cols; ++c) {
    const std::string label =
        value_label(col_p, plan.points[c].values[col_axis.parameters.front()]);
    line1 += " " + pad_left(label, 2 * kCell + 1) + " |";
    line2 += " " + pad_left("simulated", kCell) + " " + pad_left("analytic", kCell) + " |";
  }
  out += line1 + "\n" + line2 + "\n" + std::string(line2.size(), '-') + "\n";
  for (const std::size_t r : shown_rows(plan, row_axis, full)) {
    std::string line =
        pad_left(value_label(row_p, plan.points[r * cols].values[row_axis.parameters.front()]),
                 row_width) +
        " |";
    for (std::size_t c = 0; c < cols; ++c) {
      const std::size_t i = r * cols + c;
      const double analytic = analytic_of(plan, results, i, sampler, chunk);
      const std::string simulated =
          results.done(i)
              ? percent(conclude_point(plan, results, i, sampler, chunk).row.reliability_empirical)
              : "-";
      line += " " + pad_left(simulated, kCell) + " " + pad_left(percent(analytic), kCell) + " |";
    }
    out += line + "\n";
  }
  return out;
}

std::string list_table(const SweepPlan& plan, const SweepResults& results, bool full,
                       SamplerChoice sampler, std::uint64_t chunk) {
  std::vector<std::string> head = {"point"};
  for (const auto& p : plan.parameters) head.push_back(p.path);
  if (plan.replications > 1) head.push_back("replication");
  for (const char* h : {"requests", "simulated %", "analytic %", "z"}) head.push_back(h);
  std::vector<std::vector<std::string>> rows = {head};
  for (auto& row : point_rows(plan, results, full, head.size(), [&](std::size_t i, auto&cells) {
         const double analytic = analytic_of(plan, results, i, sampler, chunk);
         if (results.done(i)) {
           const PointRow s = conclude_point(plan, results, i, sampler, chunk).row;
           cells.push_back(percent(s.reliability_empirical));
           cells.push_back(percent(analytic));
           cells.push_back(fixed_ascii(s.z_score, 2));
         } else {
           cells.insert(cells.end(), {"-", percent(analytic), "-"});
         }
       }))
    rows.push_back(std::move(row));
  return aligned(rows);
}

// A time sweep: one row per point with the time summary's measures (mean over histories, the
// time availability's 95% interval and exact steady-state value, downtime's 5% to 95% range
// over histories) and each point's verdict.
std::string time_table(const SweepPlan& plan, const SweepResults& results, bool full,
                       SamplerChoice sampler, std::uint64_t chunk) {
  bool slo = false;
  // The policies' and SLOs' names, from the first finished point (every point has the base's).
  std::vector<std::string> policies, slos;
  for (std::size_t i = 0; i < plan.points.size(); ++i)
    if (results.done(i)) {
      const PointConclusion c = conclude_point(plan, results, i, sampler, chunk);
      slo = c.time->slo;
      for (const AlertPolicySummary& p : c.time->summary.alerting) policies.push_back(p.name);
      for (const SloObjectSummary& o : c.time->summary.slos) slos.push_back(o.name);
      break;
    }
  std::vector<std::string> head = {"point"};
  for (const auto& p : plan.parameters) head.push_back(p.path);
  if (plan.replications > 1) head.push_back("replication");
  for (const char* h : {"histories", "time avail %", "95% CI", "exact %", "request avail %",
                        "downtime/y", "5%..95%", "outages/y", "MTTD", "MTTR"})
    head.push_back(h);
  if (slo) head.push_back("SLO met");
  for (const std::string& name : slos) head.push_back(name + " met");
  for (const std::string& name : policies) {
    head.push_back(name + " pages/y");
    head.push_back(name + " recall");
  }
  head.push_back("verdict");
  std::vector<std::vector<std::string>> rows = {head};
  for (auto& listed : point_rows(plan, results, full, head.size(), [&](std::size_t i, auto&row) {
         if (!results.done(i)) {
           row.resize(head.size(), "-");
           return;
         }
         const PointConclusion c = conclude_point(plan, results, i, sampler, chunk);
         const TimeSummary& s = c.time->summary;
         const MetricSummary& a = s.metric("time_availability");
         const MetricSummary& down = s.metric("downtime_per_year");
         row.push_back(availability(a.mean));
         row.push_back(std::isfinite(a.ci_low)
                           ? "[" + availability(a.ci_low) + ", " + availability(a.ci_high) + "]"
                           : "-");
         row.push_back(availability(s.mix.availability_exact));
         row.push_back(availability(s.metric("request_availability").mean));
         row.push_back(span(down.mean));
         row.push_back(span(down.p05) + ".." + span(down.p95));
         const double outages = s.metric("outages_per_year").mean;
         row.push_back(std::isfinite(outages) ? printf_string("%.3g", outages) : "-");
         row.push_back(span(s.metric("mean_time_to_detect").mean));
         row.push_back(span(s.metric("mean_time_to_repair").mean));
         if (slo) row.push_back(c.time->slo ? availability(s.slo.share_met_time) : "-");
         for (std::size_t o = 0; o < slos.size(); ++o)
           row.push_back(o < s.slos.size() ? availability(s.slos[o].share_met) : "-");
         for (std::size_t p = 0; p < policies.size(); ++p) {
           if (p >= s.alerting.size()) {
             row.insert(row.end(), {"-", "-"});
             continue;
           }
           const AlertRuleSummary& pages = s.alerting[p].rows.back();
           row.push_back(std::isfinite(pages.firings_per_year)
                             ? printf_string("%.3g", pages.firings_per_year)
                             : "-");
           row.push_back(std::isfinite(pages.recall) ? printf_string("%.1f%%", 100 * pages.recall)
                                                     : "-");
         }
         row.push_back(s.tests == 0 ? "no test" : s.agrees ? "agrees" : "DISAGREES");
       }))
    rows.push_back(std::move(listed));
  return "Time availability over histories (mean, its 95% interval, the exact steady state where "
         "one exists):\n\n" +
         aligned(rows);
}

}  // namespace

SweepAgreement sweep_agreement(const SweepPlan& plan, const SweepResults& results,
                               SamplerChoice sampler, std::uint64_t chunk) {
  SweepAgreement a;
  for (std::size_t i = 0; i < plan.points.size(); ++i) {
    if (!results.done(i)) continue;
    ++a.done;
    const PointConclusion c = conclude_point(plan, results, i, sampler, chunk);
    if (c.time) {
      // A time point has no single z; its verdict's tests are counted instead.
      a.tested += c.row.verdict_tests > 0 ? 1 : 0;
      a.disagree += c.row.agrees ? 0 : 1;
      continue;
    }
    const PointRow& s = c.row;
    const double z = std::fabs(s.z_score);
    if (s.reliability_p_value < kSweepPointTail) ++a.beyond;
    if (z > a.max_abs_z || a.done == 1) {
      a.max_abs_z = z;
      a.worst_point = i;
    }
  }
  return a;
}

std::string format_sweep_table(const SweepPlan& plan, const SweepResults& results, bool full,
                               SamplerChoice sampler, std::uint64_t chunk) {
  if (plan.base_format == kTimeFormatVersion) {
    std::string out = time_table(plan, results, full, sampler, chunk);
    const SweepAgreement a = sweep_agreement(plan, results, sampler, chunk);
    out += "\n" + std::to_string(a.done) + " of " + std::to_string(plan.points.size()) +
           " points simulated";
    if (a.done > 0) {
      out += "; " + std::to_string(a.tested) + " with exact tests, " +
             (a.disagree == 0
                  ? std::string("every one agrees")
                  : std::to_string(a.disagree) + (a.disagree == 1 ? " disagrees" : " disagree")) +
             " (each point's verdict: its time run's exact tests, Bonferroni-corrected)";
    }
    return out + "\n";
  }
  const bool two_way = plan.axes.size() == 2 && plan.replications == 1 &&
                       plan.axes[0].parameters.size() == 1 && plan.axes[1].parameters.size() == 1;
  std::string out = two_way ? two_way_table(plan, results, full, sampler, chunk)
                            : list_table(plan, results, full, sampler, chunk);
  const SweepAgreement a = sweep_agreement(plan, results, sampler, chunk);
  out += "\n" + std::to_string(a.done) + " of " + std::to_string(plan.points.size()) +
         " points simulated";
  if (a.done > 0) {
    out += "; largest |z| = " + fixed_ascii(a.max_abs_z, 2) + " (point " +
           std::to_string(a.worst_point) + "); ";
    out +=
        a.beyond == 0
            ? (plan.base_format == 1 ? std::string("every point agrees with the analytic product")
                                     : std::string("every point agrees with its exact value")) +
                  " (exact binomial p >= 5.7e-07, "
                  "the tail of |z| = 5)"
            : std::to_string(a.beyond) + (a.beyond == 1 ? " point has" : " points have") +
                  " exact binomial p < 5.7e-07 (the tail of |z| = 5)";
  }
  return out + "\n";
}

}  // namespace nines
