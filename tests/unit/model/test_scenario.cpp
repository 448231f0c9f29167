// The format-1 scenario model.
#include "nines/model/scenario.hpp"

#include <catch2/catch.hpp>
#include <vector>

TEST_CASE("Scenario::reliabilities lists them in chain order", "[scenario]") {
  nines::Scenario s;
  CHECK(s.format_version == nines::kScenarioFormatVersion);
  CHECK(s.format_version == 1);
  CHECK(s.reliabilities().empty());
  s.components = {{"lb", 0.9999, ""}, {"api", 0.999, "the API"}, {"db", 1.0, ""}};
  CHECK(s.reliabilities() == std::vector<double>{0.9999, 0.999, 1.0});
  // A component's reliability defaults to 1 (never fails).
  CHECK(nines::Component{}.reliability == 1);
  CHECK_FALSE(s.defaults.requests);
  CHECK_FALSE(s.defaults.seed);
}
