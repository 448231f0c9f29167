#include "nines/model/sampler_kind.hpp"

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

}  // namespace nines
