#include "nines/sampler_kind.hpp"

#include "nines/error.hpp"

namespace nines {

std::string_view to_string(SamplerKind kind) noexcept {
  return kind == SamplerKind::per_request ? "per-request" : "geometric-skip";
}

std::optional<SamplerChoice> parse_sampler_choice(std::string_view text) noexcept {
  if (text == "auto") return SamplerChoice::automatic;
  if (text == "per-request") return SamplerChoice::per_request;
  if (text == "skip" || text == "geometric-skip") return SamplerChoice::geometric_skip;
  return std::nullopt;
}

SamplerKind choose_sampler(SamplerChoice choice, RecordMode record, const ChainModel& model) {
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
