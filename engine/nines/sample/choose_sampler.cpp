#include "nines/sample/choose_sampler.hpp"

#include "nines/base/error.hpp"

namespace nines {

SamplerKind choose_sampler(SamplerChoice choice, RecordMode record, const ChainAnalytics& model) {
  switch (choice) {
    case SamplerChoice::per_request:
      return SamplerKind::per_request;
    case SamplerChoice::geometric_skip:
      if (record == RecordMode::dense)
        throw InputError(
            "--sampler skip cannot record every request; use --record failures or none, or "
            "--sampler per-request");
      return SamplerKind::geometric_skip;
    case SamplerChoice::automatic:
      break;
  }
  return record != RecordMode::dense && model.unreliability() < kSkipBelowUnreliability
             ? SamplerKind::geometric_skip
             : SamplerKind::per_request;
}

}  // namespace nines
