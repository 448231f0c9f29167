#pragma once
// Small format-3 models built in code for the exact-over-time tests: components with or
// without outages, request kinds over them, common-cause events with processes.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nines/model/block.hpp"
#include "nines/model/duration.hpp"
#include "nines/model/outage_model.hpp"
#include "nines/model/structure_model.hpp"

namespace nines::test {

inline constexpr double kHour = 3600.0;
inline constexpr double kDay = 86400.0;

// Exponential failures and repairs with these means (seconds), immediate detection.
inline ComponentTiming exponential_outages(double mttf, double mttr) {
  ComponentTiming t;
  t.outages = OutageProcess{DurationDistribution::exponential(mttf),
                            DurationDistribution::exponential(mttr)};
  return t;
}

// Any failure and repair distributions, immediate detection.
inline ComponentTiming outages_of(OutageProcess process) {
  ComponentTiming t;
  t.outages = process;
  return t;
}

inline ComponentTiming never_fails() {
  return ComponentTiming{};
}

// Detection by a delay that needs the listed components (in series).
inline ComponentTiming with_delay(ComponentTiming t, DurationDistribution delay,
                                  std::vector<std::uint32_t> needs = {}) {
  t.detection.immediate = false;
  t.detection.delay = delay;
  std::vector<Block> children;
  for (const std::uint32_t n : needs) children.push_back(Block::component_ref(n));
  t.detection.needs = Block::series(std::move(children));
  t.detection.needs_components = std::move(needs);
  return t;
}

class OutageModelBuilder {
 public:
  std::uint32_t component(std::string name, ComponentTiming timing, double reliability = 1) {
    StructureComponent c;
    c.name = name;
    c.declaration = std::move(name);
    c.reliability = reliability;
    model_.components.push_back(std::move(c));
    time_.components.push_back(std::move(timing));
    return static_cast<std::uint32_t>(model_.components.size() - 1);
  }
  void kind(std::string name, Block path, double weight = 1, std::uint32_t retries = 0) {
    RequestKind k;
    k.name = std::move(name);
    k.path = std::move(path);
    k.weight = weight;
    k.retries = retries;
    model_.kinds.push_back(std::move(k));
  }
  // An event with a process (every, lasts: exponential means unless given as distributions).
  void event(std::string name, DurationDistribution every, DurationDistribution lasts,
             std::vector<std::uint32_t> takes_down) {
    model_.common_causes.push_back({std::move(name), 0.0, std::move(takes_down), ""});
    time_.events.push_back(OutageProcess{every, lasts});
  }
  // A format-2 style per-request event (no process).
  void request_event(std::string name, double probability, std::vector<std::uint32_t> takes_down) {
    model_.common_causes.push_back({std::move(name), probability, std::move(takes_down), ""});
    time_.events.push_back(std::nullopt);
  }
  void crews(std::uint32_t n) { time_.crews = n; }

  StructureModel build() const {
    StructureModel m = model_;
    m.format_version = kTimeFormatVersion;
    m.name = "test";
    m.kinds_declared = true;
    m.time = time_;
    return m;
  }

 private:
  StructureModel model_;
  TimeModel time_;
};

}  // namespace nines::test
