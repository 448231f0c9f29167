#include "nines/io/netcdf_annotation.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <stdexcept>
#include <utility>

namespace nines::hdf5 {

namespace {

std::string join(const std::string& group, const std::string& name) {
  return group == "/" ? "/" + name : group + "/" + name;
}

std::string basename(const std::string& path) {
  return path.substr(path.rfind('/') + 1);
}

struct Column {
  std::string name;
  Dataset dataset;
  std::vector<std::uint64_t> shape;
  std::vector<std::string> dimensions;
};

// The most common first-axis length among the columns not named explicitly: the rows.
std::uint64_t row_length(const std::vector<Column>& columns) {
  std::map<std::uint64_t, std::size_t> counts;
  for (const Column& c : columns)
    if (c.dimensions.empty()) ++counts[c.shape[0]];
  std::uint64_t best = 0;
  std::size_t best_count = 0;
  for (const auto& [length, count] : counts)
    if (count > best_count) best = length, best_count = count;
  return best;
}

void write_notes(Dataset& dataset, const VariableNotes& notes) {
  dataset.write_attribute("description", notes.description);
  if (!notes.units.empty()) dataset.write_attribute("units", notes.units);
  if (!notes.flag_values.empty()) {
    dataset.write_array_attribute<std::int64_t>("flag_values", notes.flag_values);
    dataset.write_attribute("flag_meanings", notes.flag_meanings);
  }
}

void annotate_group(Group& group, const FileNotes& notes, std::set<std::string> outer_dimensions) {
  const std::string& path = group.path();
  std::vector<Column> columns;
  std::vector<std::string> subgroups;
  for (const std::string& name : group.member_names()) {
    if (group.member_is_group(name)) {
      subgroups.push_back(name);
      continue;
    }
    Dataset dataset = group.open_dataset(name);
    if (dataset.is_dimension_scale()) continue;  // annotated before (not expected)
    Column c{name, std::move(dataset), {}, {}};
    c.shape = c.dataset.shape();
    if (const auto found = notes.dimensions.find(join(path, name));
        found != notes.dimensions.end()) {
      if (found->second.size() != c.shape.size())
        throw std::logic_error("netCDF notes: " + join(path, name) + " has " +
                               std::to_string(c.shape.size()) + " dimensions, the notes name " +
                               std::to_string(found->second.size()));
      c.dimensions = found->second;
    }
    columns.push_back(std::move(c));
  }

  if (!columns.empty()) {
    const auto row = notes.row_dimensions.find(path);
    const std::string row_dimension =
        row != notes.row_dimensions.end() ? row->second : basename(path) + "_row";
    const std::uint64_t rows = row_length(columns);
    for (Column& c : columns) {
      if (!c.dimensions.empty()) continue;
      // A column of another length is its own (ragged) dimension.
      c.dimensions.push_back(c.shape[0] == rows ? row_dimension : c.name + "_entry");
      if (c.shape.size() == 2) c.dimensions.push_back(c.name + "_column");
    }

    // Every dimension's length, from the columns that use it (they must agree).
    std::map<std::string, std::uint64_t> lengths;
    for (const Column& c : columns)
      for (std::size_t axis = 0; axis < c.shape.size(); ++axis) {
        const auto [at, added] = lengths.emplace(c.dimensions[axis], c.shape[axis]);
        if (!added && at->second != c.shape[axis])
          throw std::logic_error("netCDF notes: dimension '" + c.dimensions[axis] + "' of " + path +
                                 " is " + std::to_string(at->second) + " long for one column and " +
                                 std::to_string(c.shape[axis]) + " for " + c.name);
      }

    std::map<std::string, Dataset> scales;
    std::set<std::string> coordinates;
    for (const auto& [dimension, length] : lengths) {
      if (outer_dimensions.count(dimension) > 0)
        throw std::logic_error("netCDF notes: dimension '" + dimension + "' of " + path +
                               " is already a dimension of a group above it");
      const auto same = std::find_if(columns.begin(), columns.end(),
                                     [&](const Column& c) { return c.name == dimension; });
      if (same == columns.end()) {
        if (group.contains(dimension))
          throw std::logic_error("netCDF notes: dimension '" + dimension + "' of " + path +
                                 " clashes with a group of that name");
        scales.emplace(dimension, group.create_dimension(dimension, length));
      } else if (same->shape.size() == 1 && same->shape[0] == length &&
                 same->dimensions == std::vector<std::string>{dimension}) {
        // The column of the dimension's name indexes the rows: it is the coordinate.
        Dataset scale = group.open_dataset(dimension);
        scale.make_dimension_scale(dimension);
        scales.emplace(dimension, std::move(scale));
        coordinates.insert(dimension);
      } else {
        throw std::logic_error("netCDF notes: dimension '" + dimension + "' of " + path +
                               " clashes with a column of that name");
      }
    }
    for (const Column& c : columns)
      if (outer_dimensions.count(c.name) > 0)
        throw std::logic_error("netCDF notes: column " + join(path, c.name) +
                               " has the name of a dimension of a group above it");

    for (Column& c : columns) {
      if (coordinates.count(c.name) == 0)
        for (std::size_t axis = 0; axis < c.dimensions.size(); ++axis)
          c.dataset.attach_dimension_scale(scales.at(c.dimensions[axis]),
                                           static_cast<unsigned>(axis));
      const auto flags = notes.flags.find(join(path, c.name));
      write_notes(c.dataset,
                  flags != notes.flags.end() ? flags->second : notes.describe(path, c.name));
      c.dataset.close();
    }
    for (auto& [name, scale] : scales) scale.close();
    for (const auto& [dimension, length] : lengths) outer_dimensions.insert(dimension);
  }

  for (const std::string& name : subgroups) {
    Group child = group.open_group(name);
    annotate_group(child, notes, outer_dimensions);
    child.close();
  }
}

}  // namespace

void annotate_for_netcdf(File& file, const FileNotes& notes) {
  annotate_group(file, notes, {});
}

std::string flag_word(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || c == '.' || c == '+' || c == '@';
    if (!keep) c = '_';
  }
  return out.empty() ? "_" : out;
}

}  // namespace nines::hdf5
