#pragma once
// Which exact method samples a run. Both are exact; they differ in cost and in what they let
// you compare:
//  - per_request: one draw per request (sample/chain_sampler.hpp). Every record mode gives the
//    same outcome for every request, so dense, failures and none runs of one seed agree exactly.
//  - geometric_skip: draws only the gaps between failures and the failing component
//    (sample/geometric_skip_sampler.hpp): cost in proportion to the failures, not the requests.
//    Only for --record failures and none, where per-request outcomes are not stored.
// `auto` picks geometric_skip for failures/none when failures are rare enough to pay off
// (sample/choose_sampler.hpp).
#include <optional>
#include <string_view>

namespace nines {

enum class SamplerKind { per_request, geometric_skip };
enum class SamplerChoice { automatic, per_request, geometric_skip };

std::string_view to_string(SamplerKind kind) noexcept;
std::optional<SamplerChoice> parse_sampler_choice(std::string_view text) noexcept;

}  // namespace nines
