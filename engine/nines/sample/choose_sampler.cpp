#include "nines/sample/choose_sampler.hpp"

#include "nines/base/error.hpp"

namespace nines {

SamplerKind choose_sampler(SamplerChoice choice, RecordMode record, double visited_probability,
                           ImportanceMode importance) {
  switch (choice) {
    case SamplerChoice::per_request:
      return SamplerKind::per_request;
    case SamplerChoice::geometric_skip:
      if (record == RecordMode::dense)
        throw InputError(
            "--sampler skip cannot record every request; use --record failures or none, or "
            "--sampler per-request");
      if (importance == ImportanceMode::simulated)
        throw InputError(
            "--sampler skip does not visit the requests that are all clear, which simulated "
            "importance needs; use --importance exact or --sampler per-request");
      return SamplerKind::geometric_skip;
    case SamplerChoice::automatic:
      break;
  }
  const bool every_request = record == RecordMode::dense || importance == ImportanceMode::simulated;
  return !every_request && visited_probability < kSkipBelowUnreliability
             ? SamplerKind::geometric_skip
             : SamplerKind::per_request;
}

}  // namespace nines
