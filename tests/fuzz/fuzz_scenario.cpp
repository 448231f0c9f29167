// Fuzz target: any bytes as a scenario file, read by parse_any_scenario (formats 1, 2 and 3), the
// entry point `nines validate` reads through. The only acceptable outcomes are a model that
// keeps the invariants everything downstream relies on, or an InputError; anything else (a
// crash, a sanitizer report, another exception, a timeout, memory past the limit) is a finding.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "fuzz_checks.hpp"
#include "nines/base/error.hpp"
#include "nines/input/any_scenario.hpp"
#include "nines/input/utf8_text.hpp"
#include "nines/model/block.hpp"

namespace {

using nines::fuzz::require;
using nines::fuzz::require_printable;

// Text the model keeps (names, descriptions, the source) is valid UTF-8: it goes into HDF5
// string attributes and reports.
void check_text(const std::string& text) {
  require(nines::first_invalid_utf8(text) == std::string::npos);
}

void check(const nines::Scenario& s) {
  require(!s.components.empty() && s.components.size() <= nines::kMaxChainComponents);
  check_text(s.name);
  check_text(s.description);
  check_text(s.source_text);
  for (const auto& c : s.components) {
    require(c.reliability >= 0 && c.reliability <= 1);
    check_text(c.name);
  }
}

std::size_t depth(const nines::Block& root) {
  std::size_t deepest = 0;
  std::vector<std::pair<const nines::Block*, std::size_t>> stack{{&root, 1}};
  while (!stack.empty()) {
    const auto [b, d] = stack.back();
    stack.pop_back();
    deepest = std::max(deepest, d);
    for (const auto& child : b->children) stack.emplace_back(&child, d + 1);
  }
  return deepest;
}

// A distribution the kernel can draw from: finite parameters, a finite mean of at least 1 ms
// (a fixed detection delay may be 0).
void check_distribution(const nines::DurationDistribution& d, bool zero_allowed) {
  require(std::isfinite(d.a) && std::isfinite(d.b));
  if (zero_allowed && d.shape == nines::DurationShape::fixed && d.a == 0) return;
  const double mean = d.mean();
  require(std::isfinite(mean) && mean >= nines::kMinDurationSeconds);
  if (d.shape == nines::DurationShape::weibull || d.shape == nines::DurationShape::gamma)
    require(d.a > 0 && d.b > 0);
  if (d.shape == nines::DurationShape::lognormal) require(d.b >= 0);
}

void check_time(const nines::TimeModel& t, const nines::StructureModel& m) {
  const std::size_t n = m.components.size();
  require(t.horizon_seconds > 0 && t.horizon_seconds <= nines::kMaxHorizonSeconds);
  require(t.histories >= 1 && t.histories <= nines::kMaxHistories);
  require(t.crews <= nines::kMaxCrews);
  require(t.traffic.rate_per_second >= 0 &&
          t.traffic.rate_per_second * t.horizon_seconds <= nines::kMaxRequestsPerHistory);
  for (const double v : t.traffic.hourly) require(std::isfinite(v) && v >= 0);
  for (const double v : t.traffic.daily) require(std::isfinite(v) && v >= 0);
  if (t.slo) {
    require(t.slo->target > 0 && t.slo->target < 1);
    require(t.slo->window_seconds > 0 && std::fmod(t.slo->window_seconds, 86400) == 0);
  }
  require(t.components.size() == n);
  require(t.events.size() == m.common_causes.size());
  for (std::size_t c = 0; c < n; ++c) {
    const nines::ComponentTiming& timing = t.components[c];
    if (timing.outages) {
      check_distribution(timing.outages->failure, false);
      check_distribution(timing.outages->repair, false);
    }
    if (!timing.detection.immediate) {
      require(timing.outages.has_value());
      check_distribution(timing.detection.delay, true);
    }
    for (const std::uint32_t need : timing.detection.needs_components) {
      require(need < n);
      require(m.components[need].declaration != m.components[c].declaration);
    }
  }
  for (std::size_t e = 0; e < t.events.size(); ++e) {
    if (!t.events[e]) continue;
    require(m.common_causes[e].probability == 0);
    check_distribution(t.events[e]->failure, false);
    check_distribution(t.events[e]->repair, false);
  }
}

void check(const nines::StructureModel& m) {
  const std::size_t n = m.components.size();
  require(n >= 1 && n <= nines::kMaxStructureComponents);
  require(!m.kinds.empty() && m.kinds.size() <= nines::kMaxRequestKinds);
  require(m.common_causes.size() <= nines::kMaxCommonCauses);
  require(m.total_weight() > 0);
  for (const auto& c : m.components) require(c.reliability >= 0 && c.reliability <= 1);
  for (const auto& kind : m.kinds) {
    require(depth(kind.path) <= nines::kMaxBlockDepth);
    const nines::CompiledBlock compiled(kind.path);
    for (const std::uint32_t c : compiled.components()) require(c < n);
    const auto names = m.component_names();
    check_text(nines::to_string(kind.path, names));
  }
  for (const auto& event : m.common_causes) {
    require(event.probability >= 0 && event.probability <= 1);
    for (const std::uint32_t c : event.takes_down) require(c < n);
  }
  require(m.time.has_value() == (m.format_version == nines::kTimeFormatVersion));
  if (m.time) check_time(*m.time, m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const nines::AnyScenario scenario = nines::parse_any_scenario(text, "fuzz.yaml");
    std::visit([](const auto& model) { check(model); }, scenario);
  } catch (const nines::InputError& e) {
    // Messages are one printable line: no raw control character, valid UTF-8.
    require_printable(e.what());
  }
  return 0;
}
