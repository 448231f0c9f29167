#pragma once
// The sweep model: a base chain and the parameters to vary, expanded once at the edge into an
// immutable list of points. Each point is an ordinary chain run (components, requests, seed),
// so its results are bit-identical to `nines run` of that chain at that seed.
#include <cstdint>
#include <string>
#include <vector>

#include "nines/model/scenario.hpp"

namespace nines {

inline constexpr int kSweepFormatVersion = 1;

// What a parameter path such as "components[api].reliability" addresses.
enum class SweepTarget {
  component_reliability,  // components[NAME or INDEX].reliability
  all_reliabilities,      // components[*].reliability
  requests,               // run.requests
  seed,                   // run.seed
  chain_count,            // chain.count (chain generator only)
  chain_reliability,      // chain.reliability (chain generator only)
};

struct SweepParameter {
  std::string path;  // as written in the sweep file; also the points-table column name
  SweepTarget target = SweepTarget::requests;
  std::size_t component = 0;  // component_reliability only

  // Reliabilities are real numbers; counts, requests and seeds are whole numbers.
  bool is_integer() const noexcept {
    return target == SweepTarget::requests || target == SweepTarget::seed ||
           target == SweepTarget::chain_count;
  }
};

// One value of one parameter: `real` for reliabilities, `integer` otherwise.
struct SweepValue {
  double real = 0;
  std::uint64_t integer = 0;
};

struct SweepPoint {
  std::vector<SweepValue> values;  // one per SweepPlan::parameters, in that order
  std::uint64_t replication = 0;
  std::vector<Component> components;
  std::uint64_t requests = 0;
  std::uint64_t seed = 0;

  std::vector<double> reliabilities() const;
};

// How the points were combined, kept for the report's table layout.
struct SweepAxis {
  std::vector<std::size_t> parameters;  // indices into SweepPlan::parameters (zip: several)
  std::size_t length = 0;
};

struct SweepPlan {
  int format_version = kSweepFormatVersion;
  std::string name;
  std::string description;
  std::string source_path;
  std::string source_text;  // the exact bytes of the sweep file
  std::string base_kind;    // "base", "scenario" or "chain"
  std::string base_path;    // resolved path of `base:`, else empty
  std::string base_text;    // the base scenario's text (empty for a chain generator)
  std::vector<SweepParameter> parameters;
  std::vector<SweepAxis> axes;  // grid axes in file order, then the zip axis
  std::uint64_t replications = 1;
  // seeds: common (default) gives every point run.seed (replication r: replication_seed(seed,
  // r)): common random numbers, which sharpen differences between points. seeds: per-point
  // gives point i replication_seed(seed, i), so that every point's draws are independent.
  bool per_point_seeds = false;
  std::vector<SweepPoint> points;  // axes in order (first slowest), replications innermost

  // sha256 of the sweep text and of the base scenario's text: a journal written for one plan
  // is never continued with another.
  std::string fingerprint() const;
};

// The seed of replication i of a point whose seed is `seed`: replication 0 uses the seed
// itself (so a one-replication sweep matches `nines run --seed S`), replication i >= 1 the
// i-th output of SplitMix64 (Steele, Lea & Flood, OOPSLA 2014) started from `seed`:
//   state = seed + i * 0x9E3779B97F4A7C15;  z = state;
//   z = (z ^ z >> 30) * 0xBF58476D1CE4E5B9;  z = (z ^ z >> 27) * 0x94D049BB133111EB;
//   seed_i = z ^ z >> 31.
std::uint64_t replication_seed(std::uint64_t seed, std::uint64_t replication) noexcept;

}  // namespace nines
