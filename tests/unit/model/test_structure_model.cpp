// The structure model's own arithmetic: effective reliability with component retries (kept
// exact at both ends), component names and the total weight of the mix.
#include "nines/model/structure_model.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

using nines::StructureComponent;

namespace {
StructureComponent component(double reliability, std::uint32_t retries) {
  StructureComponent c;
  c.name = "c";
  c.reliability = reliability;
  c.retries = retries;
  return c;
}
}  // namespace

TEST_CASE("without retries a component's effective reliability is its reliability",
          "[structure_model]") {
  for (const double r : {0.0, 1e-300, 0.5, 0.999, 1 - 1e-15, 1.0}) {
    const StructureComponent c = component(r, 0);
    CHECK(c.effective_reliability() == r);
    CHECK(c.effective_unreliability() == 1 - r);
  }
}

TEST_CASE("retries give 1 - q^(n+1)", "[structure_model]") {
  // q = 0.1, one retry: 1 - 0.01.
  CHECK(component(0.9, 1).effective_reliability() == Approx(0.99).epsilon(1e-15));
  CHECK(component(0.9, 1).effective_unreliability() == Approx(0.01).epsilon(1e-15));
  // q = 0.5, three retries: 1 - 1/16, exact in binary.
  CHECK(component(0.5, 3).effective_reliability() == 0.9375);
  CHECK(component(0.5, 3).effective_unreliability() == 0.0625);
  // The ends: never fails, always fails.
  CHECK(component(1.0, 5).effective_reliability() == 1.0);
  CHECK(component(1.0, 5).effective_unreliability() == 0.0);
  CHECK(component(0.0, 5).effective_reliability() == 0.0);
  CHECK(component(0.0, 5).effective_unreliability() == 1.0);
}

TEST_CASE("effective reliability keeps its digits at both ends", "[structure_model]") {
  // Near 1: q^(n+1) far below double resolution of 1 - x. 1 - 1e-30 rounds to 1, but the
  // unreliability keeps every digit.
  const StructureComponent reliable = component(1 - 1e-10, 2);
  CHECK(reliable.effective_unreliability() == Approx(1e-30).epsilon(1e-5));
  CHECK(reliable.effective_reliability() == 1.0);
  // Near 0: a component that almost always fails, retried once: 1 - (1 - r)^2 = 2r - r^2.
  // Computed as 1 - q^2 with q = 1 - r rounded first, it would lose the digits of r
  // (relative error ~1e-7 at r = 1e-10, and 0 instead of 2e-20 at r = 1e-20).
  for (const double r : {1e-10, 1e-20, 3e-300}) {
    INFO("r = " << r);
    const StructureComponent c = component(r, 1);
    CHECK(c.effective_reliability() == Approx(2 * r - r * r).epsilon(1e-14));
  }
  const StructureComponent many = component(1e-12, 99);
  CHECK(many.effective_reliability() == Approx(100e-12).epsilon(1e-9));
  // Effective reliability and unreliability stay complementary in between.
  for (const double r : {0.1, 0.5, 0.9, 0.999}) {
    for (const std::uint32_t n : {1u, 2u, 10u}) {
      const StructureComponent c = component(r, n);
      CHECK(c.effective_reliability() + c.effective_unreliability() == Approx(1).epsilon(1e-15));
      CHECK(c.effective_unreliability() == Approx(std::pow(1 - r, n + 1)).epsilon(1e-14));
    }
  }
}

TEST_CASE("StructureModel lists component names and sums kind weights", "[structure_model]") {
  nines::StructureModel model;
  CHECK(model.format_version == nines::kStructureFormatVersion);
  CHECK(model.component_names().empty());
  CHECK(model.total_weight() == 0);
  for (const char* name : {"lb", "api[1]", "api[2]"}) {
    StructureComponent c;
    c.name = name;
    model.components.push_back(c);
  }
  CHECK(model.component_names() == std::vector<std::string>{"lb", "api[1]", "api[2]"});
  nines::RequestKind browse, checkout;
  browse.weight = 75;
  checkout.weight = 25.5;
  model.kinds = {browse, checkout};
  CHECK(model.total_weight() == 100.5);
  // A kind's weight defaults to 1.
  model.kinds.push_back(nines::RequestKind{});
  CHECK(model.total_weight() == 101.5);
}
