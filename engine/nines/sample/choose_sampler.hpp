#pragma once
// The sampler a run gets (model/sampler_kind.hpp says what each one is): what the user asked
// for, or for `auto` the cheaper of the two exact ones. Chains and structures choose alike; they
// differ only in which requests the skip has to visit (failures of a chain, requests that are
// not all clear in a structure).
#include "nines/model/record_mode.hpp"
#include "nines/model/run_info.hpp"
#include "nines/model/sampler_kind.hpp"

namespace nines {

// Probability of a request the skip must visit below which `auto` skips: a skip costs about as
// much as a few dozen per-request draws, so below ~1/32 skipping wins.
inline constexpr double kSkipBelowUnreliability = 1.0 / 32;

// `visited_probability` is the chance that a request is one the skip visits. Dense records and
// simulated importance watch every request, so `auto` samples them one by one and an explicit
// skip is an InputError that says what to change.
SamplerKind choose_sampler(SamplerChoice choice, RecordMode record, double visited_probability,
                           ImportanceMode importance = ImportanceMode::exact);

}  // namespace nines
