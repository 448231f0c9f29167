#include "nines/sweep/sweep_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <vector>

#include "nines/base/error.hpp"
#include "nines/base/sha256.hpp"
#include "nines/base/version.hpp"
#include "nines/exact/chain_analytics.hpp"
#include "nines/files/run_writer.hpp"
#include "nines/io/atomic_output.hpp"
#include "nines/io/hdf5.hpp"
#include "nines/model/record_mode.hpp"
#include "nines/sweep/sweep_points.hpp"

namespace nines {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t kFailureChunk = std::uint64_t{1} << 16;

// The points table: one 1-D dataset per column under /points, all of length N.
void write_points_table(hdf5::File& file, const SweepPlan& plan, const SweepResults& results,
                        const std::vector<std::optional<Summary>>& summaries,
                        SamplerChoice sampler) {
  const std::size_t n = plan.points.size();
  hdf5::Group table = file.create_group("points");
  std::string columns;
  const auto add = [&](const std::string& name) { columns += (columns.empty() ? "" : ",") + name; };
  const auto u64 = [&](const std::string& name, auto&& value) {
    std::vector<std::uint64_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = value(i);
    table.write_dataset<std::uint64_t>(name, v).close();
    add(name);
  };
  const auto f64 = [&](const std::string& name, auto&& value) {
    std::vector<double> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = value(i);
    table.write_dataset<double>(name, v).close();
    add(name);
  };
  const auto stat = [&](const std::string& name, auto&& field) {
    f64(name, [&](std::size_t i) { return summaries[i] ? field(*summaries[i]) : kNaN; });
  };

  u64("point", [](std::size_t i) { return i; });
  for (std::size_t p = 0; p < plan.parameters.size(); ++p) {
    if (plan.parameters[p].is_integer()) {
      u64(plan.parameters[p].path, [&](std::size_t i) { return plan.points[i].values[p].integer; });
    } else {
      f64(plan.parameters[p].path, [&](std::size_t i) { return plan.points[i].values[p].real; });
    }
  }
  u64("replication", [&](std::size_t i) { return plan.points[i].replication; });
  u64("n_components", [&](std::size_t i) { return plan.points[i].components.size(); });
  u64("requests", [&](std::size_t i) { return plan.points[i].requests; });
  u64("seed", [&](std::size_t i) { return plan.points[i].seed; });
  {
    std::vector<std::string> kinds(n);
    for (std::size_t i = 0; i < n; ++i)
      kinds[i] = std::string(to_string(sweep_point_sampler(plan.points[i], sampler)));
    table.write_string_dataset("sampler", kinds).close();
    add("sampler");
  }
  {
    std::vector<std::uint8_t> done(n);
    for (std::size_t i = 0; i < n; ++i) done[i] = results.done(i) ? 1 : 0;
    table.write_dataset<std::uint8_t>("done", done).close();
    add("done");
  }
  u64("failures", [&](std::size_t i) { return summaries[i] ? summaries[i]->failures : 0; });
  stat("reliability_empirical", [](const Summary& s) { return s.reliability_empirical; });
  f64("reliability_analytic",
      [&](std::size_t i) { return ChainAnalytics(plan.points[i].reliabilities()).reliability(); });
  stat("ci_low", [](const Summary& s) { return s.reliability_ci.low; });
  stat("ci_high", [](const Summary& s) { return s.reliability_ci.high; });
  stat("z_score", [](const Summary& s) { return s.z_score; });
  stat("z_p_value", [](const Summary& s) { return s.z_p_value; });
  stat("reliability_p_value", [](const Summary& s) { return s.reliability_p_value; });
  stat("attribution_chi2", [](const Summary& s) { return s.attribution.statistic; });
  stat("attribution_dof", [](const Summary& s) { return static_cast<double>(s.attribution.dof); });
  stat("attribution_p_value", [](const Summary& s) { return s.attribution.p_value; });
  {
    std::vector<std::uint8_t> agrees(n);
    for (std::size_t i = 0; i < n; ++i) agrees[i] = summaries[i] && summaries[i]->agrees ? 1 : 0;
    table.write_dataset<std::uint8_t>("agrees", agrees).close();
    add("agrees");
  }
  table.write_attribute("columns", columns);
  table.close();
}

void write_point_group(hdf5::Group& parent, const std::string& name, const SweepPoint& point,
                       const Summary& summary, const ChainAnalytics& model, SamplerChoice sampler) {
  hdf5::Group group = parent.create_group(name);
  group.write_attribute("sampler", to_string(sweep_point_sampler(point, sampler)));
  group.write_attribute("requests", std::uint64_t{point.requests});
  group.write_attribute("seed", std::uint64_t{point.seed});
  group.write_attribute("replication", std::uint64_t{point.replication});
  group.write_attribute("failures", std::uint64_t{summary.failures});
  group.write_attribute("reliability_empirical", summary.reliability_empirical);
  group.write_attribute("reliability_analytic", summary.reliability_analytic);
  group.write_attribute("z_score", summary.z_score);
  group.write_attribute("verdict", summary.verdict);
  hdf5::Group components = group.create_group("components");
  std::vector<std::string> names;
  for (const auto& c : point.components) names.push_back(c.name);
  components.write_string_dataset("name", names).close();
  components.write_dataset<double>("reliability", model.reliabilities()).close();
  components.write_dataset<std::uint64_t>("failures", summary.component_failures).close();
  components.write_dataset<double>("expected_failures", summary.expected_failures).close();
  components.write_dataset<double>("first_failure_probability", model.first_failure_probability())
      .close();
  components.close();
  group.close();
}

// /point/NNNNNN/failures/{request, component}: the failed requests, as `nines run --record
// failures` stores them. Sampled again from (seed, request index), so they are the very
// requests the counts came from.
bool write_point_failures(hdf5::File& file, const std::string& group_path, const SweepPoint& point,
                          std::uint64_t chunk_requests, SamplerChoice sampler,
                          const std::atomic<bool>* stop) {
  hdf5::Group group = file.open_group(group_path);
  hdf5::Group failures = group.create_group("failures");
  const OutcomeType type = outcome_type_for(point.components.size());
  const auto layout = hdf5::DatasetLayout::unlimited().chunked(kFailureChunk).deflate(1);
  hdf5::Dataset requests =
      failures.create_dataset("request", hdf5::ElementType::uint64, layout.shuffled());
  hdf5::Dataset components = failures.create_dataset("component", outcome_element_type(type),
                                                     layout.shuffled(outcome_bytes(type) > 1));
  const bool finished =
      sweep_point_failures(point, chunk_requests, sampler, stop,
                           [&](std::span<const std::uint64_t> r, std::span<const std::int32_t> c) {
                             if (r.empty()) return;
                             requests.append(r);
                             components.append(c);
                           });
  components.close();
  requests.close();
  failures.close();
  group.close();
  return finished;
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

std::string sweep_point_name(std::size_t point, std::size_t points) {
  std::size_t width = 6;
  for (std::size_t limit = 1'000'000; points > limit && width < 20; limit *= 10) ++width;
  std::string digits = std::to_string(point);
  return std::string(digits.size() < width ? width - digits.size() : 0, '0') + digits;
}

Summary summarize_point(const SweepPoint& point, const std::vector<std::uint64_t>& failures) {
  return summarize(ChainAnalytics(point.reliabilities()), point.requests, failures);
}

bool write_sweep_file(const std::string& path, const SweepPlan& plan, const SweepResults& results,
                      const SweepFileInfo& info, const std::atomic<bool>* stop) {
  // The output policy (nines/io/atomic_output.hpp): a unique temporary file, synced and
  // renamed into place. The sweep's start-up has decided that `path` may be replaced.
  AtomicOutput output(path, true);

  std::vector<std::optional<Summary>> summaries(plan.points.size());
  for (std::size_t i = 0; i < plan.points.size(); ++i)
    if (results.done(i)) summaries[i] = summarize_point(plan.points[i], results.failures(i));

  bool finished = true;
  {
    hdf5::File file = hdf5::File::create_exclusive(output.temporary_path());
    output.created();
    file.write_attribute("format", kSweepFileFormat);
    file.write_attribute("format_version", std::int64_t{kSweepFileFormatVersion});
    file.write_attribute("nines_version", kVersion);
    file.write_attribute("created", info.created);
    file.write_attribute("sweep_name", plan.name);
    file.write_attribute("sweep_path", plan.source_path);
    file.write_attribute("sweep_yaml", plan.source_text);
    file.write_attribute("sweep_sha256", sha256_hex(plan.source_text));
    file.write_attribute("base_kind", plan.base_kind);
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
    const bool records = info.record_requests && results.complete();
    file.write_attribute("record_requests", static_cast<std::int8_t>(records ? 1 : 0));

    write_points_table(file, plan, results, summaries, info.sampler);

    hdf5::Group groups = file.create_group("point");
    for (std::size_t i = 0; i < plan.points.size(); ++i) {
      if (!summaries[i]) continue;
      const ChainAnalytics model(plan.points[i].reliabilities());
      write_point_group(groups, sweep_point_name(i, plan.points.size()), plan.points[i],
                        *summaries[i], model, info.sampler);
    }
    groups.close();
    if (records) {
      for (std::size_t i = 0; i < plan.points.size() && finished; ++i) {
        finished = write_point_failures(file, "point/" + sweep_point_name(i, plan.points.size()),
                                        plan.points[i], info.chunk_requests, info.sampler, stop);
      }
    }
    file.close();
  }
  if (!finished) return false;  // `output` deletes the temporary file
  output.commit();
  return true;
}

}  // namespace nines
