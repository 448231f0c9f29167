#pragma once
// What every dataset of nines' HDF5 files means, for netCDF readers (h5netcdf, xarray): the
// dimension of each table's rows, the dimensions of ragged and 2-D datasets, and each
// dataset's description and units. One set of notes serves every layout (chain, structure,
// time and sweep files): a name means the same thing wherever it appears.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "nines/io/netcdf_annotation.hpp"

namespace nines {

// The notes of every layout, without flags (they depend on the scenario's names).
hdf5::FileNotes layout_notes();

// CF flags for a dataset of codes: the `special` codes with their meanings, then code
// offset + i for names[i] (component, kind or event names; made into flag words). Names are
// listed only while the meanings stay under 32 KiB, so that the attribute stays compact.
hdf5::VariableNotes code_flags(std::string description,
                               const std::vector<std::pair<std::int64_t, std::string>>& special,
                               const std::vector<std::string>& names, std::int64_t offset = 0);

// The minor version of every layout that carries dimension scales, units, descriptions and
// flags, and stores 2-D data as 2-D datasets (root attribute `format_minor_version`; files
// without it are minor version 0).
inline constexpr std::int64_t kFormatMinorVersion = 1;
// Time runs (layout 3) are at minor version 2 from nines 0.5.1: their /histories/kind_* are
// 2-D (histories x kinds) instead of flat with the attributes rows and columns.
inline constexpr std::int64_t kTimeFormatMinorVersion = 2;
// Structure runs (layout 2) are at minor version 2 from nines 0.6.0: a dense file's /failures
// holds only common_causes, failed_set_size and failed_set; the failed requests' index, kind,
// attempts, culprit and common_cause are their /requests values (the culprit is not -1).
inline constexpr std::int64_t kStructureFormatMinorVersion = 2;

// Annotates a finished run or sweep file for netCDF readers (hdf5::annotate_for_netcdf with
// layout_notes() and the flags of its code columns, naming the components, kinds and events
// the file lists) and writes `format_minor_version` = minor_version.
void annotate_nines_file(hdf5::File& file, std::int64_t minor_version = kFormatMinorVersion);

}  // namespace nines
