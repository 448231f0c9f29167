#include "nines/files/layout_notes.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

using nines::hdf5::VariableNotes;

TEST_CASE("code_flags names codes and stays compact", "[netcdf]") {
  const VariableNotes some = nines::code_flags("c", {{-1, "success"}}, {"api[2]", "db"});
  CHECK(some.flag_values == std::vector<std::int64_t>{-1, 0, 1});
  CHECK(some.flag_meanings == "success api_2_ db");
  const VariableNotes offset = nines::code_flags("c", {}, {"e0", "e1"}, 5);
  CHECK(offset.flag_values == std::vector<std::int64_t>{5, 6});
  // Thousands of long names would outgrow a compact attribute: only the special codes stay.
  const std::vector<std::string> many(5000, std::string(20, 'x'));
  const VariableNotes big = nines::code_flags("c", {{-1, "success"}}, many);
  CHECK(big.flag_values == std::vector<std::int64_t>{-1});
  CHECK(big.flag_meanings == "success");
}

TEST_CASE("layout notes describe names, suffixes and units", "[netcdf]") {
  const nines::hdf5::FileNotes notes = nines::layout_notes();
  CHECK(notes.row_dimensions.at("/components") == "component");
  CHECK(notes.dimensions.at("/kinds/culprit_failures") ==
        std::vector<std::string>{"kind", "component"});
  const VariableNotes reliability = notes.describe("/components", "reliability");
  CHECK(reliability.units == "1");
  CHECK_FALSE(reliability.description.empty());
  // Times are "s", never "seconds": xarray would turn those into timedeltas.
  CHECK(notes.describe("/outages", "start").units == "s");
  CHECK(notes.describe("/components", "downtime_per_year").units == "s/year");
  const VariableNotes low = notes.describe("/importance/components", "birnbaum_simulated_low");
  CHECK(low.description.rfind("lower end of the interval of the simulated Birnbaum", 0) == 0);
  CHECK(notes.describe("/points", "components[api].reliability").description ==
        "the swept parameter components[api].reliability");
  CHECK(notes.describe("/components", "name").units.empty());
  CHECK(notes.describe("/x", "something_new").description == "something new");
}
