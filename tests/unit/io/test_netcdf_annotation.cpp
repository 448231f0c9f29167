#include "nines/io/netcdf_annotation.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/base/error.hpp"
#include "nines/io/dense_chunk_codec.hpp"
#include "nines/io/hdf5.hpp"

namespace fs = std::filesystem;
using namespace nines::hdf5;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("nines-test-netcdf-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

FileNotes test_notes() {
  FileNotes notes;
  notes.row_dimensions = {{"/table", "row"}, {"/points", "point"}};
  notes.dimensions = {{"/table/matrix", {"row", "column"}}, {"/table/ragged", {"ragged_entry"}}};
  notes.describe = [](const std::string& group, const std::string& name) {
    return VariableNotes{"the " + name + " of " + group, name == "x" ? "s" : "", {}, ""};
  };
  return notes;
}

// The names of the scales attached to each axis, read back through the NAME-free route:
// the scale datasets the dimension names point to exist and are scales.
bool is_scale(const Group& group, const std::string& name) {
  return group.contains(name) && group.open_dataset(name).is_dimension_scale();
}

}  // namespace

TEST_CASE("hdf5 2-D datasets hold their values row-major", "[hdf5][netcdf]") {
  TempDir dir;
  const std::string path = dir.file("matrix.h5");
  const std::vector<double> values = {1, 2, 3, 4, 5, 6};
  {
    File file = File::create_exclusive(path);
    Dataset d = file.write_matrix<double>("m", 2, 3, values);
    CHECK(d.shape() == std::vector<std::uint64_t>{2, 3});
    CHECK_THROWS_AS(d.size(), nines::IOError);  // size() is for 1-D datasets only
    d.close();
    CHECK_THROWS_AS(file.write_matrix<double>("bad", 4, 2, values), std::invalid_argument);
    file.write_matrix<std::uint64_t>("empty", 0, 5, std::vector<std::uint64_t>{}).close();
    file.close();
  }
  File file = File::open_read_only(path);
  CHECK(file.open_dataset("m").read<double>() == values);
  CHECK(file.open_dataset("empty").shape() == std::vector<std::uint64_t>{0, 5});
  CHECK(file.open_dataset("empty").read<std::uint64_t>().empty());
}

TEST_CASE("hdf5 array attributes round trip", "[hdf5][netcdf]") {
  TempDir dir;
  const std::string path = dir.file("array.h5");
  const std::vector<std::int64_t> flags = {-1, 0, 1, 2};
  {
    File file = File::create_exclusive(path);
    Dataset d = file.write_dataset<std::int8_t>("codes", std::vector<std::int8_t>{-1, 2, 0});
    d.write_array_attribute<std::int64_t>("flag_values", flags);
    d.write_array_attribute<double>("nothing", std::vector<double>{});
    d.close();
    file.close();
  }
  File file = File::open_read_only(path);
  const Dataset d = file.open_dataset("codes");
  CHECK(d.read_array_attribute<std::int64_t>("flag_values") == flags);
  CHECK(d.read_array_attribute<double>("nothing").empty());
}

TEST_CASE("hdf5 dimensions are netCDF dimensions without data", "[hdf5][netcdf]") {
  TempDir dir;
  const std::string path = dir.file("dimension.h5");
  {
    File file = File::create_exclusive(path);
    Dataset dim = file.create_dimension("row", 3);
    Dataset column = file.write_dataset<double>("x", std::vector<double>{1, 2, 3});
    column.attach_dimension_scale(dim, 0);
    CHECK(dim.is_dimension_scale());
    CHECK_FALSE(column.is_dimension_scale());
    column.close();
    dim.close();
    file.close();
  }
  File file = File::open_read_only(path);
  const Dataset dim = file.open_dataset("row");
  CHECK(dim.is_dimension_scale());
  CHECK(dim.size() == 3);
  CHECK(dim.read_string_attribute("CLASS") == "DIMENSION_SCALE");
  CHECK(dim.read_string_attribute("NAME").rfind(
            "This is a netCDF dimension but not a netCDF variable.", 0) == 0);
  CHECK(file.member_names() == std::vector<std::string>{"row", "x"});
  CHECK_FALSE(file.member_is_group("x"));
}

TEST_CASE("annotate_for_netcdf names every axis and describes every dataset", "[netcdf]") {
  TempDir dir;
  const std::string path = dir.file("annotated.h5");
  // A dense column compressed by nines' own deflate and stored with direct chunk writes, as
  // run files store /requests: the scales go on it like on any other dataset.
  const std::vector<std::int8_t> outcomes = {-1, -1, 3, -1, 0, -1, -1, 2, -1, -1};
  {
    File file = File::create_exclusive(path);
    Group table = file.create_group("table");
    table.write_dataset<double>("x", std::vector<double>{0.5, 1.5}).close();
    table.write_string_dataset("name", std::vector<std::string>{"a", "b"}).close();
    table.write_matrix<std::uint64_t>("matrix", 2, 3, std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6})
        .close();
    table.write_dataset<std::int64_t>("ragged", std::vector<std::int64_t>{7, 8, 9}).close();
    Group nested = table.create_group("nested");
    nested.write_dataset<double>("y", std::vector<double>{1}).close();
    nested.close();
    table.close();
    Group requests = file.create_group("requests");
    Dataset dense = requests.create_dataset(
        "outcome", ElementType::int8, DatasetLayout::fixed(outcomes.size()).chunked(4).deflate(1));
    for (std::uint64_t first = 0; first < outcomes.size(); first += 4) {
      nines::CompressedChunk chunk;
      const std::size_t count = std::min<std::size_t>(4, outcomes.size() - first);
      nines::compress_dense_chunk(nines::OutcomeType::int8, 4, 1, outcomes.data() + first, count,
                                  chunk);
      dense.write_chunk(first, chunk.bytes);
    }
    dense.close();
    requests.close();
    Group points = file.create_group("points");
    points.write_dataset<std::uint64_t>("point", std::vector<std::uint64_t>{0, 1, 2, 3}).close();
    points.write_dataset<double>("value", std::vector<double>{1, 2, 3, 4}).close();
    points.close();

    FileNotes notes = test_notes();
    notes.flags.emplace("/requests/outcome",
                        VariableNotes{"outcome", "", {-1, 0, 1, 2, 3}, "success a_1_ b c d"});
    annotate_for_netcdf(file, notes);
    file.close();
  }
  File file = File::open_read_only(path);
  const Group table = file.open_group("table");
  CHECK(is_scale(table, "row"));
  CHECK(is_scale(table, "column"));
  CHECK(is_scale(table, "ragged_entry"));
  CHECK(table.open_dataset("row").size() == 2);
  CHECK(table.open_dataset("column").size() == 3);
  CHECK(table.open_dataset("x").read_string_attribute("description") == "the x of /table");
  CHECK(table.open_dataset("x").read_string_attribute("units") == "s");
  CHECK_FALSE(table.open_dataset("name").has_attribute("units"));
  CHECK(table.open_dataset("matrix").has_attribute("DIMENSION_LIST"));
  CHECK(table.open_dataset("matrix").read<std::uint64_t>() ==
        std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6});
  // A group without notes gets "<group>_row".
  CHECK(is_scale(table.open_group("nested"), "nested_row"));

  const Group requests = file.open_group("requests");
  CHECK(is_scale(requests, "requests_row"));
  const Dataset dense = requests.open_dataset("outcome");
  CHECK(dense.read<std::int8_t>() == outcomes);  // the deflated chunks read as before
  CHECK(dense.read_array_attribute<std::int64_t>("flag_values") ==
        std::vector<std::int64_t>{-1, 0, 1, 2, 3});
  CHECK(dense.read_string_attribute("flag_meanings") == "success a_1_ b c d");

  // A column named like its table's dimension becomes the coordinate.
  const Group points = file.open_group("points");
  CHECK(points.open_dataset("point").is_dimension_scale());
  CHECK(points.open_dataset("point").read_string_attribute("NAME") == "point");
  CHECK(points.member_names() == std::vector<std::string>{"point", "value"});
  CHECK(points.open_dataset("point").read<std::uint64_t>() ==
        std::vector<std::uint64_t>{0, 1, 2, 3});
}

TEST_CASE("flag_word makes CF flag words", "[netcdf]") {
  CHECK(flag_word("api[2]") == "api_2_");
  CHECK(flag_word("") == "_");
  CHECK(flag_word("a b/c") == "a_b_c");
  CHECK(flag_word("db-1.x+y@z") == "db-1.x+y@z");
}

TEST_CASE("annotate_for_netcdf refuses dimension names that clash", "[netcdf]") {
  TempDir dir;
  FileNotes notes = test_notes();
  SECTION("with a column of another shape") {
    const std::string path = dir.file("clash.h5");
    File file = File::create_exclusive(path);
    Group table = file.create_group("table");
    table.write_dataset<double>("x", std::vector<double>{1, 2}).close();
    table.write_dataset<double>("row", std::vector<double>{1, 2, 3}).close();
    table.close();
    notes.dimensions["/table/row"] = {"other"};
    CHECK_THROWS_AS(annotate_for_netcdf(file, notes), std::logic_error);
  }
  SECTION("with a column below it") {
    const std::string path = dir.file("outer.h5");
    File file = File::create_exclusive(path);
    Group table = file.create_group("table");
    table.write_dataset<double>("x", std::vector<double>{1, 2}).close();
    Group inner = table.create_group("inner");
    inner.write_dataset<double>("row", std::vector<double>{1}).close();
    inner.close();
    table.close();
    CHECK_THROWS_AS(annotate_for_netcdf(file, notes), std::logic_error);
  }
}
