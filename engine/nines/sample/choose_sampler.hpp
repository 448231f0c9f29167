#pragma once
// The sampler `auto` picks for a chain (model/sampler_kind.hpp says what each one is).
#include "nines/exact/chain_analytics.hpp"
#include "nines/model/record_mode.hpp"
#include "nines/model/sampler_kind.hpp"

namespace nines {

// Failure probability below which `auto` skips: a skip costs about as much as a few dozen
// per-request draws, so below ~1/32 skipping wins.
inline constexpr double kSkipBelowUnreliability = 1.0 / 32;

// Throws InputError when geometric_skip is asked for with --record dense.
SamplerKind choose_sampler(SamplerChoice choice, RecordMode record, const ChainAnalytics& model);

}  // namespace nines
