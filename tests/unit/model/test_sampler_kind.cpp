// Sampler names: what --sampler accepts and what the file's `sampler` attribute says.
#include "nines/model/sampler_kind.hpp"

#include <catch2/catch.hpp>

using nines::SamplerChoice;
using nines::SamplerKind;

TEST_CASE("sampler kinds have the names the run file stores", "[sampler_kind]") {
  CHECK(nines::to_string(SamplerKind::per_request) == "per-request");
  CHECK(nines::to_string(SamplerKind::geometric_skip) == "geometric-skip");
}

TEST_CASE("the sampler choice accepts auto, per-request, skip and geometric-skip",
          "[sampler_kind]") {
  CHECK(nines::parse_sampler_choice("auto") == SamplerChoice::automatic);
  CHECK(nines::parse_sampler_choice("per-request") == SamplerChoice::per_request);
  CHECK(nines::parse_sampler_choice("skip") == SamplerChoice::geometric_skip);
  CHECK(nines::parse_sampler_choice("geometric-skip") == SamplerChoice::geometric_skip);
  // The stored name of each kind reads back as the choice of that kind.
  CHECK(nines::parse_sampler_choice(nines::to_string(SamplerKind::per_request)) ==
        SamplerChoice::per_request);
  CHECK(nines::parse_sampler_choice(nines::to_string(SamplerKind::geometric_skip)) ==
        SamplerChoice::geometric_skip);
  for (const char* text : {"", "Auto", "per_request", "perrequest", "geometric", "automatic"})
    CHECK_FALSE(nines::parse_sampler_choice(text));
}
