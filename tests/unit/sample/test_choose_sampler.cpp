// Which sampler a run gets: what the user asked for, or for `auto` the cheaper exact one.
#include "nines/sample/choose_sampler.hpp"

#include <catch2/catch.hpp>

#include "nines/base/error.hpp"
#include "nines/exact/chain_analytics.hpp"

using nines::ChainAnalytics;
using nines::RecordMode;
using nines::SamplerChoice;
using nines::SamplerKind;

TEST_CASE("an explicit per-request choice is always honoured", "[choose_sampler]") {
  const ChainAnalytics rare({0.9999});
  for (const RecordMode record : {RecordMode::dense, RecordMode::failures, RecordMode::none})
    CHECK(nines::choose_sampler(SamplerChoice::per_request, record, rare.unreliability()) ==
          SamplerKind::per_request);
}

TEST_CASE("an explicit skip is refused for dense records only", "[choose_sampler]") {
  const ChainAnalytics frequent({0.5});
  CHECK(nines::choose_sampler(SamplerChoice::geometric_skip, RecordMode::failures,
                              frequent.unreliability()) == SamplerKind::geometric_skip);
  CHECK(nines::choose_sampler(SamplerChoice::geometric_skip, RecordMode::none,
                              frequent.unreliability()) == SamplerKind::geometric_skip);
  CHECK_THROWS_AS(nines::choose_sampler(SamplerChoice::geometric_skip, RecordMode::dense,
                                        frequent.unreliability()),
                  nines::InputError);
  CHECK_THROWS_WITH(nines::choose_sampler(SamplerChoice::geometric_skip, RecordMode::dense,
                                          frequent.unreliability()),
                    "--sampler skip cannot record every request; use --record failures or none, or "
                    "--sampler per-request");
}

TEST_CASE("auto skips when fewer than 1 in 32 requests fail and nothing dense is kept",
          "[choose_sampler]") {
  CHECK(nines::kSkipBelowUnreliability == 1.0 / 32);
  const ChainAnalytics rare({0.999, 0.9995});
  const ChainAnalytics frequent({0.9, 0.95});
  CHECK(nines::choose_sampler(SamplerChoice::automatic, RecordMode::none, rare.unreliability()) ==
        SamplerKind::geometric_skip);
  CHECK(nines::choose_sampler(SamplerChoice::automatic, RecordMode::failures,
                              rare.unreliability()) == SamplerKind::geometric_skip);
  CHECK(nines::choose_sampler(SamplerChoice::automatic, RecordMode::dense, rare.unreliability()) ==
        SamplerKind::per_request);
  CHECK(nines::choose_sampler(SamplerChoice::automatic, RecordMode::none,
                              frequent.unreliability()) == SamplerKind::per_request);
  // The threshold itself: U = 1/32 exactly stays per-request, just below it skips.
  const ChainAnalytics at({1 - 1.0 / 32});
  REQUIRE(at.unreliability() == 1.0 / 32);
  CHECK(nines::choose_sampler(SamplerChoice::automatic, RecordMode::none, at.unreliability()) ==
        SamplerKind::per_request);
  const ChainAnalytics below({1 - 1.0 / 64});
  CHECK(nines::choose_sampler(SamplerChoice::automatic, RecordMode::none, below.unreliability()) ==
        SamplerKind::geometric_skip);
  // A chain that never fails has nothing to visit: the skip.
  const ChainAnalytics perfect({1.0, 1.0});
  CHECK(nines::choose_sampler(SamplerChoice::automatic, RecordMode::none,
                              perfect.unreliability()) == SamplerKind::geometric_skip);
}

TEST_CASE("simulated importance watches every request, so it never gets the skip",
          "[choose_sampler]") {
  using nines::ImportanceMode;
  CHECK(nines::choose_sampler(SamplerChoice::automatic, RecordMode::none, 1e-6,
                              ImportanceMode::simulated) == SamplerKind::per_request);
  CHECK(nines::choose_sampler(SamplerChoice::automatic, RecordMode::none, 1e-6,
                              ImportanceMode::exact) == SamplerKind::geometric_skip);
  CHECK_THROWS_WITH(nines::choose_sampler(SamplerChoice::geometric_skip, RecordMode::none, 1e-6,
                                          ImportanceMode::simulated),
                    "--sampler skip does not visit the requests that are all clear, which "
                    "simulated importance needs; use --importance exact or --sampler per-request");
}
