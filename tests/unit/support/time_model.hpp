#pragma once
// Test helper: format-3 models built in code (no parser), and histories run straight through
// the outage simulator into a tally and a summary, for tests of the time kernel and summary.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nines/exact/structure_analytics.hpp"
#include "nines/model/structure_model.hpp"
#include "nines/pipeline/time_exact.hpp"
#include "nines/sample/outage_simulator.hpp"
#include "nines/sample/time_tally.hpp"
#include "nines/summary/time_summary.hpp"
#include "outage_models.hpp"  // kHour, kDay

namespace nines::test {

struct TimeComponentSpec {
  std::string name;
  std::optional<OutageProcess> outages;
  Detection detection;
  double reliability = 1;
};

inline OutageProcess exponential_process(double mttf, double mttr) {
  return {DurationDistribution::exponential(mttf), DurationDistribution::exponential(mttr)};
}

// Detection with a delay that needs the listed components (a series of them).
inline Detection delayed(DurationDistribution delay, std::vector<std::uint32_t> needs = {}) {
  Detection d;
  d.immediate = false;
  d.delay = delay;
  std::vector<Block> refs;
  for (const std::uint32_t n : needs) refs.push_back(Block::component_ref(n));
  d.needs = Block::series(std::move(refs));
  d.needs_components = std::move(needs);
  return d;
}

// One kind, "request", whose path is `path` (default: every component in series).
inline StructureModel time_model(const std::vector<TimeComponentSpec>& components,
                                 std::optional<Block> path, TimeModel time) {
  StructureModel m;
  m.format_version = kTimeFormatVersion;
  m.name = "time-test";
  std::vector<Block> all;
  for (std::uint32_t c = 0; c < components.size(); ++c) {
    StructureComponent sc;
    sc.name = sc.declaration = components[c].name;
    sc.reliability = components[c].reliability;
    m.components.push_back(sc);
    ComponentDeclaration d;
    d.name = components[c].name;
    d.first = c;
    m.declarations.push_back(d);
    all.push_back(Block::component_ref(c));
    time.components.push_back({components[c].outages, components[c].detection});
  }
  RequestKind kind;
  kind.name = "request";
  kind.path = path ? *path : Block::series(std::move(all));
  m.kinds.push_back(kind);
  time.events.assign(m.common_causes.size(), std::nullopt);
  m.time = std::move(time);
  return m;
}

struct TimeRunResult {
  std::vector<std::uint64_t> tally;
  TimeSummary summary;
  std::vector<OutageRecord> outages;  // every history's, in history order
  std::vector<std::uint32_t> outage_history;
};

// Runs histories [0, histories) one by one (the kernel's arithmetic without the driver).
inline TimeRunResult run_time(const StructureModel& model, std::uint64_t histories,
                              std::uint64_t seed, bool record = false) {
  const StructureAnalytics analytics(model);
  const OutagePlan plan(model, analytics, seed);
  const TimeTallyLayout layout(plan);
  TimeRunResult r;
  r.tally.assign(layout.size, 0);
  OutageSimulator simulator(plan);
  HistoryResult h;
  for (std::uint64_t i = 0; i < histories; ++i) {
    simulator.run(static_cast<std::uint32_t>(i), record, false, h);
    add_history(layout, plan, h, r.tally.data());
    for (const OutageRecord& o : h.outage_records) {
      r.outages.push_back(o);
      r.outage_history.push_back(static_cast<std::uint32_t>(i));
    }
  }
  r.summary = summarize_time(plan, layout, r.tally, time_exact_values(model, analytics, plan));
  return r;
}

}  // namespace nines::test
