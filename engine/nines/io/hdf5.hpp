#pragma once
// The one thin layer over the HDF5 C API (STYLE.md, habit 5). Nothing else includes <hdf5.h>.
//
// Every HDF5 object is held by a move-only RAII handle that closes it on destruction. Every
// call is checked: a failure throws IOError naming the operation, the object path and the
// file, followed by the innermost (most specific) message of the HDF5 error stack. HDF5's
// automatic printing of error stacks to stderr is turned off on every thread that calls in.
//
// A file whose close fails (a full disk) is abandoned: HDF5 1.10 frees it but keeps its
// identifier, which nothing may touch again (HDF5's exit handler is therefore off, see
// hdf5.cpp); the handle forgets it, and the writer deletes the temporary file.
//
// Datasets are one- or two-dimensional (a table's columns; a table of tables such as kinds x
// components). Dimension scales (HDF5's H5DS, from hdf5_hl) name the dimensions so that
// netCDF readers (h5netcdf, xarray) open the files with named dimensions.
// Not thread-safe: use one thread at a time per file (HDF5 itself serialises all calls).
#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace nines::hdf5 {

using Id = std::int64_t;  // hid_t in HDF5 1.10 and later

// Element types of attributes and datasets. Stored little-endian in the file whatever the host.
enum class ElementType { int8, int16, int32, int64, uint8, uint64, float64 };

template <class T>
concept Scalar = std::same_as<T, std::int8_t> || std::same_as<T, std::int16_t> ||
    std::same_as<T, std::int32_t> || std::same_as<T, std::int64_t> ||
    std::same_as<T, std::uint8_t> || std::same_as<T, std::uint64_t> || std::same_as<T, double>;

template <Scalar T>
constexpr ElementType element_type_of() noexcept {
  if constexpr (std::same_as<T, std::int8_t>) return ElementType::int8;
  if constexpr (std::same_as<T, std::int16_t>) return ElementType::int16;
  if constexpr (std::same_as<T, std::int32_t>) return ElementType::int32;
  if constexpr (std::same_as<T, std::int64_t>) return ElementType::int64;
  if constexpr (std::same_as<T, std::uint8_t>) return ElementType::uint8;
  if constexpr (std::same_as<T, std::uint64_t>) return ElementType::uint64;
  if constexpr (std::same_as<T, double>) return ElementType::float64;
}

std::size_t element_size(ElementType type) noexcept;

// Owns one HDF5 identifier and the function that releases it (H5Fclose, H5Dclose, ...).
class Handle {
 public:
  using Closer = int (*)(Id);  // herr_t (*)(hid_t)

  Handle() noexcept = default;
  Handle(Id id, Closer closer) noexcept : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  Id get() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }

  // Releases the identifier and returns the HDF5 status (negative on failure); the handle is
  // empty afterwards either way. Callers turn a failure into an IOError with context.
  int release() noexcept;
  // Releases quietly, discarding any error (for destructors and unwinding).
  void reset() noexcept;

 private:
  Id id_ = -1;
  Closer closer_ = nullptr;
};

// What an attribute or dataset is attached to: the file's root group, a group or a dataset.
class Object {
 public:
  const std::string& file_name() const noexcept { return file_; }
  const std::string& path() const noexcept { return path_; }  // "/", "/requests", ...
  bool is_open() const noexcept { return handle_.valid(); }

  // Scalar attributes. Strings are variable-length UTF-8 (h5py reads them as str); they must
  // not contain NUL bytes.
  void write_attribute(std::string_view name, std::string_view value);
  template <Scalar T>
  void write_attribute(std::string_view name, T value) {
    write_scalar_attribute(name, element_type_of<T>(), &value);
  }

  // Deletes an attribute, so that it can be written again with a new value.
  void remove_attribute(std::string_view name);

  // A one-dimensional array attribute (CF's flag_values, say).
  template <Scalar T>
  void write_array_attribute(std::string_view name, std::span<const T> values) {
    write_array_attribute_raw(name, element_type_of<T>(), values.data(), values.size());
  }

  // Reads a one-dimensional numeric array attribute, converting to T as HDF5 converts.
  template <Scalar T>
  std::vector<T> read_array_attribute(std::string_view name) const {
    std::vector<T> out(array_attribute_size(name));
    if (!out.empty()) read_array_attribute_raw(name, element_type_of<T>(), out.data());
    return out;
  }

  bool has_attribute(std::string_view name) const;
  // Reads a scalar string attribute, variable- or fixed-length.
  std::string read_string_attribute(std::string_view name) const;
  // Reads a scalar numeric attribute, converting to T as HDF5 converts.
  template <Scalar T>
  T read_attribute(std::string_view name) const {
    T value{};
    read_scalar_attribute(name, element_type_of<T>(), &value);
    return value;
  }

  // Closes now, checking the result (destruction closes quietly).
  void close();

 protected:
  Object(Handle handle, std::string file, std::string path) noexcept;
  Id id() const noexcept { return handle_.get(); }
  std::string child_path(std::string_view name) const;
  // "'<path>' in '<file>'", for messages.
  std::string where() const;

  Handle handle_;
  std::string file_;
  std::string path_;

 private:
  void write_scalar_attribute(std::string_view name, ElementType type, const void* value);
  void read_scalar_attribute(std::string_view name, ElementType type, void* value) const;
  void write_array_attribute_raw(std::string_view name, ElementType type, const void* values,
                                 std::size_t count);
  std::size_t array_attribute_size(std::string_view name) const;
  void read_array_attribute_raw(std::string_view name, ElementType type, void* values) const;
};

enum class Filter { deflate, shuffle, other };

class Dataset : public Object {
 public:
  // Elements of a one-dimensional dataset (IOError for any other rank).
  std::uint64_t size() const;
  // The extent of each dimension (one or two of them).
  std::vector<std::uint64_t> shape() const;

  // Makes this dataset a dimension scale (H5DSset_scale) whose NAME attribute is `label`.
  void make_dimension_scale(std::string_view label);
  // Attaches the dimension scale `scale` to dimension `axis` of this dataset (H5DSattach_scale).
  void attach_dimension_scale(const Dataset& scale, unsigned axis);
  // True when this dataset is a dimension scale.
  bool is_dimension_scale() const;
  // True when the dataset holds variable-length strings.
  bool holds_strings() const;
  // Elements per chunk, all its rows (of a 2-D dataset: rows per chunk times the columns); 0
  // when the dataset is not chunked.
  std::uint64_t chunk_length() const;
  // Elements per row: the columns of a 2-D dataset, 1 for a 1-D one.
  std::uint64_t row_length() const;
  // True when the maximum size is unlimited.
  bool extendible() const;
  // The filter pipeline in order.
  std::vector<Filter> filters() const;

  // Writes data[0, n) at element offset; offset + n must not exceed size().
  template <Scalar T>
  void write_at(std::uint64_t offset, std::span<const T> data) {
    write_raw(offset, data.size(), element_type_of<T>(), data.data());
  }
  template <Scalar T>
  void write(std::span<const T> data) {
    write_at<T>(0, data);
  }
  // Appends strings to an extendible string dataset (Group::create_string_dataset).
  void append_strings(std::span<const std::string> data);
  // Grows the dataset by data.size() (it must be extendible) and writes data at the old end.
  template <Scalar T>
  void append(std::span<const T> data) {
    append_raw(data.size(), element_type_of<T>(), data.data());
  }
  // Direct chunk write: stores `bytes` as the chunk starting at element `offset` (a multiple of
  // the chunk length), bypassing the filter pipeline. The bytes must already be what the
  // pipeline would produce for the full chunk; filter_mask 0 says every filter was applied.
  void write_chunk(std::uint64_t offset, std::span<const unsigned char> bytes,
                   std::uint32_t filter_mask = 0);
  // Grows an extendible dataset to `size` elements (at least its current size) without writing:
  // the new elements read as the fill value.
  void grow_to(std::uint64_t size);
  // Shrinks a chunked one-dimensional dataset to its first `size` elements (at most its current
  // size; the maximum size stays): a run that stopped before the end it was created for.
  void shrink_to(std::uint64_t size);
  // Grows an extendible dataset whose size is a multiple of its chunk length by `count`
  // elements (1 to one chunk; of a 2-D dataset whole rows, which grow along the first axis) and
  // stores `bytes` as the chunk at the old end, as write_chunk does. Elements of that chunk
  // past the new size are not part of the dataset.
  void append_chunk(std::uint64_t count, std::span<const unsigned char> bytes);

  // Every element, row-major.
  template <Scalar T>
  std::vector<T> read() const {
    std::vector<T> out(element_count());
    read_raw(element_type_of<T>(), out.data(), out.size());
    return out;
  }
  std::vector<std::string> read_strings() const;

 private:
  friend class Group;
  std::uint64_t element_count() const;
  using Object::Object;
  void write_raw(std::uint64_t offset, std::uint64_t count, ElementType memory, const void* data);
  void append_raw(std::uint64_t count, ElementType memory, const void* data);
  void read_raw(ElementType memory, void* data, std::size_t count) const;
};

// How a new 1-D dataset is stored. Build it fluently:
//   DatasetLayout::fixed(n).chunked(1 << 16).deflate(1).filled(-1)
//   DatasetLayout::unlimited().chunked(1 << 16).shuffled().deflate(1)
struct DatasetLayout {
  std::uint64_t size = 0;            // current number of elements
  bool extendible = false;           // maximum size unlimited (needs chunk > 0)
  std::uint64_t chunk = 0;           // elements per chunk; 0 = contiguous
  int deflate_level = -1;            // 0..9 adds the deflate filter (needs chunk > 0); -1 = none
  bool shuffle = false;              // byte shuffle before deflate (needs chunk > 0)
  std::optional<std::int64_t> fill;  // fill value for elements never written
  // 0: one-dimensional. Else two-dimensional: `size` rows of `columns`, chunks of `chunk` whole
  // rows, extendible along the rows only (a table of tables appended row by row).
  std::uint64_t columns = 0;

  static DatasetLayout fixed(std::uint64_t size) {
    DatasetLayout out;
    out.size = size;
    return out;
  }
  static DatasetLayout unlimited(std::uint64_t size = 0) {
    DatasetLayout out = fixed(size);
    out.extendible = true;
    return out;
  }
  DatasetLayout chunked(std::uint64_t length) const {
    DatasetLayout out = *this;
    out.chunk = length;
    return out;
  }
  DatasetLayout deflate(int level) const {
    DatasetLayout out = *this;
    out.deflate_level = level;
    return out;
  }
  DatasetLayout shuffled(bool on = true) const {
    DatasetLayout out = *this;
    out.shuffle = on;
    return out;
  }
  DatasetLayout filled(std::int64_t value) const {
    DatasetLayout out = *this;
    out.fill = value;
    return out;
  }
  DatasetLayout with_columns(std::uint64_t n) const {
    DatasetLayout out = *this;
    out.columns = n;
    return out;
  }
};

class Group : public Object {
 public:
  Group create_group(std::string_view name);
  Group open_group(std::string_view name) const;
  Dataset create_dataset(std::string_view name, ElementType type, const DatasetLayout& layout);
  // A dataset of variable-length UTF-8 strings with this layout (chunked, deflated, extendible;
  // no fill value, no shuffle), for Dataset::append_strings.
  Dataset create_string_dataset(std::string_view name, const DatasetLayout& layout);
  Dataset open_dataset(std::string_view name) const;
  // True when a link called `name` exists in this group.
  bool contains(std::string_view name) const;
  // The names of the group's members, in name order.
  std::vector<std::string> member_names() const;
  // True when the member `name` is a group (false for a dataset).
  bool member_is_group(std::string_view name) const;

  // A contiguous rows x columns dataset holding `data` row-major.
  template <Scalar T>
  Dataset write_matrix(std::string_view name, std::uint64_t rows, std::uint64_t columns,
                       std::span<const T> data) {
    return write_matrix_raw(name, rows, columns, element_type_of<T>(), data.data(), data.size());
  }
  // A netCDF dimension that is not a variable: a dimension scale of `length` elements with no
  // data stored, labelled as netCDF-4 labels such dimensions ("This is a netCDF dimension but
  // not a netCDF variable.").
  Dataset create_dimension(std::string_view name, std::uint64_t length);

  // A contiguous dataset holding exactly `data`.
  template <Scalar T>
  Dataset write_dataset(std::string_view name, std::span<const T> data) {
    Dataset out = create_dataset(name, element_type_of<T>(), DatasetLayout::fixed(data.size()));
    out.write(data);
    return out;
  }
  // A contiguous dataset of variable-length UTF-8 strings (none may contain NUL).
  Dataset write_string_dataset(std::string_view name, std::span<const std::string> data);

 protected:
  using Object::Object;

 private:
  Dataset create_dataset(std::string_view name, ElementType type, const DatasetLayout& layout,
                         bool strings);
  Dataset write_matrix_raw(std::string_view name, std::uint64_t rows, std::uint64_t columns,
                           ElementType type, const void* data, std::size_t count);
};

class File : public Group {
 public:
  // Creates a new file; fails if `path` exists (H5F_ACC_EXCL). Closing fails if any object of
  // the file is still open, so a forgotten handle cannot silently keep data unwritten.
  static File create_exclusive(const std::string& path);
  static File open_read_only(const std::string& path);

  void flush();
  void close();

 private:
  using Group::Group;
};

}  // namespace nines::hdf5
