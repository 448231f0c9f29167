#pragma once
// `nines uncertainty FILE`: propagates the uncertain inputs of a scenario (formats 2 and 3,
// model/uncertain_input.hpp) to the service value. For each of N draws of the factors
// (uncertain_factors.hpp; Latin hypercube or plain, input_design.hpp) it computes the exact
// service value (service_evaluator.hpp: the BDD for format 2, the steady-state availability
// for format 3), and reports the distribution of that value (mean, standard deviation, 5%,
// 50% and 95% quantiles, P(value >= target) with its Wilson interval), and which factor's
// uncertainty matters most (first-order and total Sobol indices with their bootstrap errors,
// sobol_indices.hpp: N more draws for design B and N per factor for the AB designs).
//
// Deterministic: the designs are made serially from the seed; every evaluation writes its own
// slot; sums run in draw order. The thread count changes only the speed.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nines/base/stop.hpp"
#include "nines/model/structure_model.hpp"
#include "nines/stats/statistics.hpp"
#include "nines/uncertainty/input_design.hpp"
#include "nines/uncertainty/service_evaluator.hpp"
#include "nines/uncertainty/sobol_indices.hpp"
#include "nines/uncertainty/uncertain_factors.hpp"

namespace nines {

inline constexpr std::size_t kMinUncertaintyDraws = 2;
inline constexpr std::size_t kMaxUncertaintyDraws = 10'000'000;
// Evaluations of one analysis (N draws, plus N (factors + 1) for the Sobol indices): bounds
// the memory of the per-draw values (8 bytes each) to 1 GiB.
inline constexpr std::size_t kMaxUncertaintyEvaluations = std::size_t{1} << 27;

struct UncertaintySettings {
  std::size_t draws = 10'000;
  DesignKind design = DesignKind::latin_hypercube;
  std::uint64_t seed = 0;
  std::optional<double> target;  // a service value in (0, 1)
  bool sobol = true;
  std::size_t resamples = 200;  // bootstrap resamples for the Sobol errors
};

// The distribution of the service value over the draws. Quantiles interpolate linearly
// between order statistics (numpy's default), computed on the shortfall 1 - value.
struct ValueDistribution {
  double mean = 0, sd = 0, p05 = 0, p50 = 0, p95 = 0, min = 0, max = 0;
  double mean_shortfall = 0;  // 1 - mean, without cancellation
};

struct UncertaintyResult {
  std::string scenario_name;
  int format_version = 2;
  ServiceMeasure measure = ServiceMeasure::reliability;
  UncertaintySettings settings;
  std::vector<UncertainFactor> factors;
  std::vector<double> factor_values;  // draws x factors: each factor's first member's value
  std::vector<double> shortfall;      // per draw: 1 - the service value
  double point_shortfall = 0;         // at the posterior means (what `nines run` uses)
  ValueDistribution value;
  std::uint64_t meets = 0;                   // draws with value >= target
  std::optional<Interval> meet_probability;  // Wilson 95% of meets / draws, with a target
  std::vector<SobolIndex> sobol;             // per factor; empty without Sobol
  std::size_t evaluations = 0;
};

// InputError when the model has no uncertain input, when the analysis would exceed
// kMaxUncertaintyEvaluations, or when format 3 has no closed form; Interrupted on stop.
UncertaintyResult analyse_uncertainty(const StructureModel& model,
                                      const UncertaintySettings& settings, StopFlag stop = nullptr);

// The p-quantile (p in [0, 1]) of sorted values, interpolating linearly (numpy's default).
double sorted_quantile(const std::vector<double>& sorted, double p);

}  // namespace nines
