#pragma once
// The structure model (scenario format version 2): components, possibly replicated, request
// kinds whose paths are block expressions, retries, and common-cause events. Parsed and
// validated once by structure_parser.hpp; everything downstream (exact analytics, sampling,
// importance, output) reads this immutable value.
//
// Components are stored expanded: a declaration `api` with `replicas: 3` becomes the three
// components api[1], api[2], api[3], each with the declaration's reliability, and a reference
// to `api` in a path means k_of_n(required, [api[1], api[2], api[3]]). Named blocks are
// expanded into the paths that use them, so a path is a plain Block tree over components.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nines/model/block.hpp"
#include "nines/model/outage_model.hpp"
#include "nines/model/scenario.hpp"
#include "nines/model/uncertain_input.hpp"

namespace nines {

inline constexpr int kStructureFormatVersion = 2;

// Limits that keep every index in the run file's narrow integer types and the per-request
// random counter layout (structure_sampler.hpp) valid.
inline constexpr std::size_t kMaxStructureComponents = 4096;  // after replica expansion
inline constexpr std::uint32_t kMaxReplicas = 1000;
inline constexpr std::uint32_t kMaxRetries = 100;  // attempts fit in a uint8
inline constexpr std::size_t kMaxRequestKinds = 100;
// A failed request records the set of events that fired as one 64-bit word.
inline constexpr std::size_t kMaxCommonCauses = 64;

// Block expressions, counted once named blocks and replicas are expanded (a component reference
// is one level and one node; `[a, b]` is two levels and three nodes). Both are checked by the
// parser before it expands anything (README "Limits and safety").
// Depth: every walk over a Block tree downstream (block.cpp, the exact engine, the samplers)
// recurses once per level; 100 levels keep that a small fraction of the smallest stack it may
// run on (a oneTBB worker's 4 MB), and no reliability block diagram needs more.
inline constexpr std::size_t kMaxBlockDepth = 100;
// Nodes in the paths of all request kinds together: a named block used twice is counted twice,
// so a "block bomb" (b1: [b0, b0], b2: [b1, b1], ...) is refused, not expanded.
inline constexpr std::size_t kMaxBlockNodes = 1'000'000;

// One state variable: a component, or one replica of a replicated declaration.
struct StructureComponent {
  std::string name;           // "api", or "api[2]" for a replica
  std::string declaration;    // the declared name ("api" for every replica of api)
  std::uint32_t replica = 0;  // 1-based replica number; 0 when the declaration has no replicas
  double reliability = 1;     // probability that one call succeeds, in [0, 1]
  std::uint32_t retries = 0;  // the caller retries this component's own failures this often
  std::string description;
  // Cost of one extra nine of the declaration's per-call reliability (see Component in
  // scenario.hpp); every replica carries its declaration's. Read only by `nines allocate`.
  std::optional<double> improvement_cost = std::nullopt;
  // An uncertain reliability (`reliability: {observed: ...}`, model/uncertain_input.hpp):
  // `reliability` is then its posterior mean. Every replica carries its declaration's.
  std::optional<UncertainInput> reliability_input = std::nullopt;

  // 1 - (1 - reliability)^(retries + 1): the probability that the component's own calls
  // succeed within one request attempt. Common-cause events are not escaped by retrying.
  double effective_reliability() const noexcept;
  // (1 - reliability)^(retries + 1), without cancellation.
  double effective_unreliability() const noexcept;
};

// A component as declared in the file, before replica expansion.
struct ComponentDeclaration {
  std::string name;
  std::uint32_t replicas = 0;  // 0: not replicated (one component with this name)
  std::uint32_t required = 1;  // replicas that must work when the declaration is referenced
  std::uint32_t first = 0;     // index of its first component in StructureModel::components
};

struct RequestKind {
  std::string name;
  double weight = 1;          // share of the traffic mix (normalised by the sum of weights)
  std::uint32_t retries = 0;  // attempts = retries + 1, each with fresh component states
  Block path;
  std::string description;
};

// A shared-fate event (a zone, a region, a config push): with `probability` per request it
// fires and takes every listed component down for the whole request, all attempts included.
struct CommonCauseEvent {
  std::string name;
  double probability = 0;
  std::vector<std::uint32_t> takes_down;  // component indices, increasing, no repeats
  std::string description;
};

struct StructureModel {
  int format_version = kStructureFormatVersion;  // 3 when `time` is set
  std::string name;
  std::string description;
  std::vector<ComponentDeclaration> declarations;
  std::vector<StructureComponent> components;  // expanded, in declaration order
  std::vector<RequestKind> kinds;              // at least one; weights sum to a positive number
  bool kinds_declared = false;                 // the file lists request_kinds (else one "request")
  std::vector<CommonCauseEvent> common_causes;
  RunDefaults defaults;
  // Format 3: outages over time (outage_model.hpp). Unset for format 2, whose requests fail
  // independently.
  std::optional<TimeModel> time;
  std::string source_path;
  std::string source_text;

  std::vector<std::string> component_names() const;
  // Declarations whose reliability or outage rate is uncertain (model/uncertain_input.hpp):
  // `nines run` uses their posterior means, and says so.
  std::vector<std::string> uncertain_declarations() const;
  double total_weight() const noexcept;
};

}  // namespace nines
