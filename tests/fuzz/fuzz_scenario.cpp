// Fuzz target: any bytes as a scenario file, read by parse_any_scenario (formats 1 and 2), the
// entry point `nines validate` reads through. The only acceptable outcomes are a model that
// keeps the invariants everything downstream relies on, or an InputError; anything else (a
// crash, a sanitizer report, another exception, a timeout, memory past the limit) is a finding.
#include <algorithm>
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
