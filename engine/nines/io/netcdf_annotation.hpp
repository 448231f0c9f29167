#pragma once
// Makes a finished HDF5 file readable by netCDF tools (h5netcdf, xarray) with named
// dimensions and self-describing variables: every dataset's dimensions get dimension scales,
// and every dataset its `description`, `units` (when it has any) and CF flag attributes.
//
// Tables are groups of equally long columns. Each group's rows share one dimension, named by
// the layout (`component`, `request`, ...); columns of another length (ragged concatenations)
// and the second axis of 2-D datasets are named per dataset. A dimension whose name is also
// the name of a 1-D column of that length in the group becomes that column (a netCDF
// coordinate variable, e.g. a sweep's `point`); otherwise it is a netCDF dimension without a
// variable (a dataset with no stored data, as netCDF-4 writes them).
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "nines/io/hdf5.hpp"

namespace nines::hdf5 {

struct VariableNotes {
  std::string description;  // always written
  std::string units;        // UDUNITS spelling; empty: none (codes, indices, text)
  // CF flags: the codes and their meanings (space-separated words); both empty: none.
  std::vector<std::int64_t> flag_values;
  std::string flag_meanings;
};

struct FileNotes {
  // group path ("/components") -> the dimension of its rows; default "<group name>_row".
  std::map<std::string, std::string> row_dimensions;
  // dataset path -> the dimension of each axis, for ragged columns and 2-D datasets.
  std::map<std::string, std::vector<std::string>> dimensions;
  // The notes of the dataset `name` in group `group_path`.
  std::function<VariableNotes(const std::string& group_path, const std::string& name)> describe;
  // dataset path -> flags, overriding describe's (they depend on the scenario's names).
  std::map<std::string, VariableNotes> flags;
};

// Walks every group of `file` (which must have no open datasets being written) and adds the
// dimension scales and attributes. std::logic_error when the notes name a dimension that
// clashes with a member of the group or of a group below it.
void annotate_for_netcdf(File& file, const FileNotes& notes);

// A CF flag_meanings word for a name: characters other than letters, digits and _ - . + @
// become _ (a component "api[2]" is "api_2_").
std::string flag_word(const std::string& name);

}  // namespace nines::hdf5
