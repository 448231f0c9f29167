#pragma once
// Test helper: structure models from YAML and tallies written by hand in a sampler's
// TallyLayout, so the back half of the structure path (summary, report, writer) can be tested
// on counts whose every value the test chooses.
#include <cstdint>
#include <string>
#include <vector>

#include "nines/input/structure_parser.hpp"
#include "nines/model/structure_model.hpp"
#include "nines/sample/structure_sampler.hpp"

namespace nines::test {

inline StructureModel structure_from_yaml(const std::string& yaml) {
  return parse_structure_model(yaml, "<test>");
}

// Three components, two kinds sharing `a`, no events: read = a then b (weight 3),
// write = a then c (weight 1). U(read) = 0.28, U(write) = 0.145, mix U = 0.24625.
inline const char* const kTwoKinds = R"(format_version: 2
name: two-kinds
components:
  - {name: a, reliability: 0.9}
  - {name: b, reliability: 0.8}
  - {name: c, reliability: 0.95}
request_kinds:
  - {name: read, weight: 3, path: [a, b]}
  - {name: write, weight: 1, path: [a, c]}
)";

// Two components in parallel, each taken down by its own event: a request fails when both are
// down, and the failures split over the four sets of events that fired.
//   x down: 0.1 own + 0.1 e1 - overlap = 0.19;  y down: 0.1 own + 0.2 e2 - overlap = 0.28.
//   P(fail, none) = 0.9 * 0.8 * 0.1 * 0.1 = 0.0072; P(fail, {e1}) = 0.1 * 0.8 * 0.1 = 0.008;
//   P(fail, {e2}) = 0.9 * 0.2 * 0.1 = 0.018;        P(fail, {e1, e2}) = 0.1 * 0.2 = 0.02.
inline const char* const kTwoEvents = R"(format_version: 2
name: two-events
components:
  - {name: x, reliability: 0.9}
  - {name: y, reliability: 0.9}
request_kinds:
  - name: both
    path: {parallel: [x, y]}
common_cause:
  - {name: e1, probability: 0.1, takes_down: [x]}
  - {name: e2, probability: 0.2, takes_down: [y]}
)";

// Integer counts in the layout of `sampler`, all zero until set.
struct HandTally {
  const TallyLayout& layout;
  std::vector<std::uint64_t> values;

  explicit HandTally(const StructureSampler& sampler)
      : layout(sampler.layout()), values(sampler.layout().size(), 0) {}

  // Requests and failures of kind k; attempts default to one per request.
  HandTally& kind(std::size_t k, std::uint64_t requests, std::uint64_t failures,
                  std::uint64_t attempts = 0, std::uint64_t retried = 0) {
    values[layout.requests(k)] = requests;
    values[layout.failures(k)] = failures;
    values[layout.attempts(k)] = attempts == 0 ? requests : attempts;
    values[layout.retried(k)] = retried;
    return *this;
  }
  HandTally& culprit(std::size_t k, std::size_t component, std::uint64_t n) {
    values[layout.culprit(k, component)] = n;
    return *this;
  }
  HandTally& event(std::size_t e, std::uint64_t n) {
    values[layout.event(e)] = n;
    return *this;
  }
  HandTally& fired_set(std::size_t k, std::uint64_t local, std::uint64_t n) {
    values[layout.fired_set(k, local)] = n;
    return *this;
  }
  HandTally& fail_if_perfect(std::size_t k, std::size_t j, std::uint64_t n) {
    values[layout.fail_if_perfect(k, j)] = n;
    return *this;
  }
  HandTally& fail_if_failed(std::size_t k, std::size_t j, std::uint64_t n) {
    values[layout.fail_if_failed(k, j)] = n;
    return *this;
  }
  HandTally& critical_last(std::size_t k, std::size_t j, std::uint64_t n) {
    values[layout.critical_last(k, j)] = n;
    return *this;
  }
  HandTally& clear_counterfactual(std::size_t k, std::uint64_t n) {
    values[layout.clear_counterfactual(k)] = n;
    return *this;
  }
};

// kTwoKinds at 10,000 requests with every count at its expectation (to the nearest request):
// read 7,500 requests, 2,100 failures (a 750, b 1,350); write 2,500, 362 (a 250, c 112).
inline HandTally two_kinds_tally(const StructureSampler& sampler) {
  HandTally t(sampler);
  t.kind(0, 7500, 2100).culprit(0, 0, 750).culprit(0, 1, 1350).fired_set(0, 0, 2100);
  t.kind(1, 2500, 362).culprit(1, 0, 250).culprit(1, 2, 112).fired_set(1, 0, 362);
  return t;
}

// kTwoEvents at 100,000 requests with every count at its expectation: 5,320 failures, all
// with culprit y (x down alone does not break the parallel pair); 720 / 800 / 1,800 / 2,000
// by fired set {}, {e1}, {e2}, {e1, e2}; e1 took part in 2,800, e2 in 3,800.
inline HandTally two_events_tally(const StructureSampler& sampler) {
  HandTally t(sampler);
  t.kind(0, 100'000, 5320).culprit(0, 1, 5320);
  t.event(0, 2800).event(1, 3800);
  t.fired_set(0, 0b00, 720)
      .fired_set(0, 0b01, 800)
      .fired_set(0, 0b10, 1800)
      .fired_set(0, 0b11, 2000);
  return t;
}

}  // namespace nines::test
