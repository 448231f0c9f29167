#pragma once
// The sweep model: a base (a chain, a chain generator or a structure) and the parameters to
// vary, read once at the edge. Points are not stored: point i is computed from its index (its
// digits over the axes, its replication), so a sweep of ten million points costs no more memory
// than one of ten. Each point is an ordinary run (its model, requests, seed), so its results
// are bit-identical to `nines run` of that point at that seed.
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "nines/model/duration.hpp"
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
  // Structure bases (format 2) only; `index` is the declaration, kind or event:
  component_replicas,  // components[NAME].replicas
  component_required,  // components[NAME].required
  component_retries,   // components[NAME].retries
  kind_weight,         // request_kinds[NAME].weight
  kind_retries,        // request_kinds[NAME].retries
  cause_probability,   // common_cause[NAME].probability
  // Time bases (format 3) only. A duration value is the new mean of the base's distribution,
  // which keeps its shape (input/sweep_structure.hpp); `index` as above.
  component_every,   // components[NAME].every (time to failure)
  component_repair,  // components[NAME].repair (time to repair)
  component_delay,   // components[NAME].detection.delay
  cause_every,       // common_cause[NAME].every
  cause_lasts,       // common_cause[NAME].lasts
  crews,             // time.crews (0: unlimited)
  traffic_rate,      // time.traffic.rate, requests per second
  histories,         // time.histories (the point's "requests": the driver counts histories)
  horizon,           // time.horizon, seconds
};

struct SweepParameter {
  std::string path;  // as written in the sweep file; also the points-table column name
  SweepTarget target = SweepTarget::requests;
  std::size_t component = 0;  // component_*: the (declared) component; kind_*: the kind;
                              // cause_probability: the event
  std::string name;           // the component, kind or event named (structures)
  // component_every, _repair, _delay, cause_every, _lasts: the base's distribution, whose
  // shape the swept mean keeps.
  DurationDistribution distribution;

  // Counts, requests, seeds, replicas, required and retries are whole numbers; reliabilities,
  // weights and probabilities are real numbers.
  bool is_integer() const noexcept;
  // True for a parameter that changes a structure's shape (replicas, required, retries,
  // weights), not only its probabilities: the combinations of such values are validated when
  // the sweep is read.
  bool is_structural() const noexcept;
  // True for a time parameter whose values in seconds are durations (every, repair, delay,
  // lasts, horizon).
  bool is_duration() const noexcept;
  // True for a parameter that only a time (format 3) base has.
  bool is_time() const noexcept;
  // True when a point's combination of values must be checked against the base's rules when
  // the sweep is read: structural parameters, and a horizon or traffic rate (the SLO window
  // and rate x horizon depend on both).
  bool is_checked_in_combination() const noexcept;
};

// One value of one parameter: `real` for real-valued parameters, `integer` otherwise.
struct SweepValue {
  double real = 0;
  std::uint64_t integer = 0;
};

struct SweepPoint {
  std::vector<SweepValue> values;  // one per SweepPlan::parameters, in that order
  std::uint64_t replication = 0;
  std::vector<Component> components;  // chain bases: the point's chain; structures: empty
  std::uint64_t requests = 0;
  std::uint64_t seed = 0;

  std::vector<double> reliabilities() const;
};

// How the points were combined, kept for the report's table layout.
struct SweepAxis {
  std::vector<std::size_t> parameters;  // indices into SweepPlan::parameters (zip: several)
  std::size_t length = 0;
};

// Everything a point is computed from (SweepPlan::points).
struct SweepGrid {
  std::vector<SweepParameter> parameters;
  std::vector<std::vector<SweepValue>> values;  // per parameter
  std::vector<SweepAxis> axes;                  // grid axes in file order, then the zip axis
  std::uint64_t replications = 1;
  // seeds: common (default) gives every point run.seed (replication r: replication_seed(seed,
  // r)): common random numbers, which sharpen differences between points. seeds: per-point
  // gives point i replication_seed(seed, i), so that every point's draws are independent.
  bool per_point_seeds = false;
  std::uint64_t requests = 1'000'000;  // the base's, after run: overrides (time: histories)
  std::uint64_t seed = 1;
  std::vector<Component> base_components;  // chain bases (base file or inline scenario)
  bool chain_generator = false;            // chain: {count, reliability}
  std::uint64_t chain_count = 0;
  double chain_reliability = 1;
};

// The points, in order (axes in order, first slowest; replications innermost), computed on
// demand: points[i] is a value, and iteration computes each point once.
class SweepPointList {
 public:
  SweepPointList() = default;
  explicit SweepPointList(SweepGrid grid);

  std::size_t size() const noexcept { return static_cast<std::size_t>(count_); }
  bool empty() const noexcept { return count_ == 0; }
  SweepPoint operator[](std::size_t i) const;
  SweepPoint at(std::size_t i) const;
  const SweepGrid& grid() const noexcept { return grid_; }

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = SweepPoint;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = SweepPoint;
    iterator(const SweepPointList* list, std::size_t i) : list_(list), i_(i) {}
    SweepPoint operator*() const { return (*list_)[i_]; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const iterator& other) const { return i_ == other.i_; }
    bool operator!=(const iterator& other) const { return i_ != other.i_; }

   private:
    const SweepPointList* list_;
    std::size_t i_;
  };
  iterator begin() const { return iterator(this, 0); }
  iterator end() const { return iterator(this, size()); }

 private:
  SweepGrid grid_;
  std::uint64_t count_ = 0;
};

struct SweepPlan {
  int format_version = kSweepFormatVersion;
  std::string name;
  std::string description;
  std::string source_path;
  std::string source_text;  // the exact bytes of the sweep file
  std::string base_kind;    // "base", "scenario" or "chain"
  int base_format = 1;      // 1: the points are chains; 2: structures; 3: structures with
                            // outages over time (a point's "requests" are its histories)
  std::string base_path;    // resolved path of `base:`, else empty
  std::string base_text;    // the base scenario's text (empty for a chain generator)
  std::vector<SweepParameter> parameters;
  std::vector<SweepAxis> axes;  // grid axes in file order, then the zip axis
  std::uint64_t replications = 1;
  bool per_point_seeds = false;
  SweepPointList points;
  // run.target_precision or `nines sweep --target-precision` (request bases only): each point
  // stops at the first checkpoint at which its interval is this narrow (see RunInfo); its
  // requests are then the cap. Part of the fingerprint when set.
  std::optional<double> target_precision;

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
