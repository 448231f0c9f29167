#include "nines/io/hdf5.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <cstdio>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "nines/base/error.hpp"

namespace nines::hdf5 {

static_assert(std::is_same_v<Id, hid_t>, "nines::hdf5::Id must be hid_t");
static_assert(std::is_same_v<int, herr_t>, "Handle::Closer assumes herr_t is int");

namespace {

// Turns off HDF5's automatic printing of error stacks. The library is built thread-safe on
// Debian, where the setting belongs to each thread's error stack, so every entry point calls
// this (a thread-local flag makes it one branch after the first time on a thread).
//
// The first call also stops HDF5 from registering its exit handler (H5dont_atexit must come
// before the library initialises, and every entry point comes here first). HDF5 1.10 keeps
// the identifier of a file whose H5Fclose failed (a full disk, EFBIG) after freeing the file,
// and its exit handler then closes it again and crashes (SIGSEGV instead of exit 1). Every
// file is closed explicitly by its Handle, so the handler has nothing left to do but crash.
void quiet() noexcept {
  static const bool no_exit_handler = [] {
    H5dont_atexit();
    return true;
  }();
  (void)no_exit_handler;
  thread_local bool done = false;
  if (!done) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    done = true;
  }
}

herr_t innermost_message(unsigned n, const H5E_error2_t* error, void* client_data) {
  if (n != 0) return 0;  // walked upward: entry 0 is where the error was first detected
  auto& out = *static_cast<std::string*>(client_data);
  if (error->desc != nullptr && error->desc[0] != '\0') {
    out = error->desc;
  } else {
    char message[256] = {};
    if (H5Eget_msg(error->min_num, nullptr, message, sizeof message) > 0) out = message;
  }
  return 0;
}

// The innermost description on this thread's HDF5 error stack, which is then cleared.
std::string take_error_message() {
  std::string message;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost_message, &message);
  H5Eclear2(H5E_DEFAULT);
  if (message.empty()) return "unknown HDF5 error";
  // The file driver reports system errors as "unable to open file: name = '...', errno = 2,
  // error message = 'No such file or directory', flags = ..."; the strerror text is the part
  // a person needs (the caller's message already names the file).
  constexpr std::string_view kSystem = "error message = '";
  if (const auto start = message.find(kSystem); start != std::string::npos) {
    const auto end = message.find('\'', start + kSystem.size());
    if (end != std::string::npos)
      return message.substr(start + kSystem.size(), end - start - kSystem.size());
  }
  return message;
}

[[noreturn]] void fail(const std::string& what) {
  throw IOError("cannot " + what + ": " + take_error_message());
}

// Checks a status or identifier; `what` builds the message only on failure.
template <class Result, class What>
Result check(Result result, What&& what) {
  if (result < 0) fail(what());
  return result;
}

// A data transfer property list with a 64 KiB type-conversion buffer. HDF5's default is 1 MiB,
// allocated zeroed for every H5Dwrite or H5Dread that converts types (an int64 in memory to a
// narrower integer in the file, say): a run file's few dozen small datasets cost a 1 MiB
// calloc each, 16 MiB of page faults and zeroing that were most of a small run's serial time.
// Larger transfers are converted 64 KiB at a time, as fast.
template <class What>
Handle small_buffer_transfer(What&& what) {
  Handle plist(check(H5Pcreate(H5P_DATASET_XFER), what), H5Pclose);
  check(H5Pset_buffer(plist.get(), std::size_t{1} << 16, nullptr, nullptr), what);
  return plist;
}

hid_t file_type(ElementType type) {
  switch (type) {
    case ElementType::int8:
      return H5T_STD_I8LE;
    case ElementType::int16:
      return H5T_STD_I16LE;
    case ElementType::int32:
      return H5T_STD_I32LE;
    case ElementType::int64:
      return H5T_STD_I64LE;
    case ElementType::uint8:
      return H5T_STD_U8LE;
    case ElementType::uint64:
      return H5T_STD_U64LE;
    case ElementType::float64:
      return H5T_IEEE_F64LE;
  }
  throw std::invalid_argument("unknown hdf5::ElementType");
}

hid_t memory_type(ElementType type) {
  switch (type) {
    case ElementType::int8:
      return H5T_NATIVE_INT8;
    case ElementType::int16:
      return H5T_NATIVE_INT16;
    case ElementType::int32:
      return H5T_NATIVE_INT32;
    case ElementType::int64:
      return H5T_NATIVE_INT64;
    case ElementType::uint8:
      return H5T_NATIVE_UINT8;
    case ElementType::uint64:
      return H5T_NATIVE_UINT64;
    case ElementType::float64:
      return H5T_NATIVE_DOUBLE;
  }
  throw std::invalid_argument("unknown hdf5::ElementType");
}

std::string quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

// Variable-length UTF-8 string type, h5py's native str.
Handle utf8_string_type() {
  Handle type(check(H5Tcopy(H5T_C_S1), [] { return std::string("copy the string type"); }),
              H5Tclose);
  check(H5Tset_size(type.get(), H5T_VARIABLE), [] { return std::string("size string type"); });
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), [] { return std::string("set UTF-8"); });
  return type;
}

void require_no_nul(std::string_view text, const std::string& what) {
  if (text.find('\0') != std::string_view::npos)
    throw IOError("cannot " + what + ": the string contains a NUL byte");
}

}  // namespace

std::size_t element_size(ElementType type) noexcept {
  switch (type) {
    case ElementType::int8:
      return 1;
    case ElementType::uint8:
      return 1;
    case ElementType::int16:
      return 2;
    case ElementType::int32:
      return 4;
    case ElementType::int64:
      return 8;
    case ElementType::uint64:
      return 8;
    case ElementType::float64:
      return 8;
  }
  return 0;
}

// ---- Handle -------------------------------------------------------------------------------

Handle::Handle(Handle&& other) noexcept
    : id_(std::exchange(other.id_, -1)), closer_(std::exchange(other.closer_, nullptr)) {}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = std::exchange(other.id_, -1);
    closer_ = std::exchange(other.closer_, nullptr);
  }
  return *this;
}

int Handle::release() noexcept {
  if (id_ < 0 || closer_ == nullptr) return 0;
  quiet();
  const herr_t status = closer_(std::exchange(id_, -1));
  closer_ = nullptr;
  return status;
}

void Handle::reset() noexcept {
  if (release() < 0) H5Eclear2(H5E_DEFAULT);
}

// ---- Object -------------------------------------------------------------------------------

Object::Object(Handle handle, std::string file, std::string path) noexcept
    : handle_(std::move(handle)), file_(std::move(file)), path_(std::move(path)) {}

std::string Object::child_path(std::string_view name) const {
  return path_ == "/" ? "/" + std::string(name) : path_ + "/" + std::string(name);
}

std::string Object::where() const {
  return quoted(path_) + " in " + quoted(file_);
}

void Object::close() {
  if (handle_.release() < 0) fail("close " + where());
}

void Object::write_attribute(std::string_view name, std::string_view value) {
  quiet();
  const auto what = [&] { return "write attribute " + quoted(name) + " of " + where(); };
  require_no_nul(value, what());
  const std::string key(name);
  const std::string text(value);
  Handle type = utf8_string_type();
  Handle space(check(H5Screate(H5S_SCALAR), what), H5Sclose);
  Handle attribute(
      check(H5Acreate2(id(), key.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), what),
      H5Aclose);
  const char* pointer = text.c_str();
  check(H5Awrite(attribute.get(), type.get(), &pointer), what);
  check(attribute.release(), what);
}

void Object::remove_attribute(std::string_view name) {
  quiet();
  const std::string key(name);
  check(H5Adelete(id(), key.c_str()),
        [&] { return "delete attribute " + quoted(name) + " of " + where(); });
}

void Object::write_scalar_attribute(std::string_view name, ElementType type, const void* value) {
  quiet();
  const auto what = [&] { return "write attribute " + quoted(name) + " of " + where(); };
  const std::string key(name);
  Handle space(check(H5Screate(H5S_SCALAR), what), H5Sclose);
  Handle attribute(
      check(H5Acreate2(id(), key.c_str(), file_type(type), space.get(), H5P_DEFAULT, H5P_DEFAULT),
            what),
      H5Aclose);
  check(H5Awrite(attribute.get(), memory_type(type), value), what);
  check(attribute.release(), what);
}

void Object::write_array_attribute_raw(std::string_view name, ElementType type, const void* values,
                                       std::size_t count) {
  quiet();
  const auto what = [&] { return "write attribute " + quoted(name) + " of " + where(); };
  const std::string key(name);
  const hsize_t dims[1] = {count};
  Handle space(check(H5Screate_simple(1, dims, nullptr), what), H5Sclose);
  Handle attribute(
      check(H5Acreate2(id(), key.c_str(), file_type(type), space.get(), H5P_DEFAULT, H5P_DEFAULT),
            what),
      H5Aclose);
  if (count > 0) check(H5Awrite(attribute.get(), memory_type(type), values), what);
  check(attribute.release(), what);
}

std::size_t Object::array_attribute_size(std::string_view name) const {
  quiet();
  const auto what = [&] { return "read attribute " + quoted(name) + " of " + where(); };
  const std::string key(name);
  Handle attribute(check(H5Aopen(id(), key.c_str(), H5P_DEFAULT), what), H5Aclose);
  Handle space(check(H5Aget_space(attribute.get()), what), H5Sclose);
  return static_cast<std::size_t>(check(H5Sget_simple_extent_npoints(space.get()), what));
}

void Object::read_array_attribute_raw(std::string_view name, ElementType type, void* values) const {
  quiet();
  const auto what = [&] { return "read attribute " + quoted(name) + " of " + where(); };
  const std::string key(name);
  Handle attribute(check(H5Aopen(id(), key.c_str(), H5P_DEFAULT), what), H5Aclose);
  check(H5Aread(attribute.get(), memory_type(type), values), what);
}

bool Object::has_attribute(std::string_view name) const {
  quiet();
  const std::string key(name);
  return check(H5Aexists(id(), key.c_str()),
               [&] { return "look up attribute " + quoted(name) + " of " + where(); }) > 0;
}

namespace {

// Opens a scalar (one-element) attribute.
Handle open_scalar_attribute(hid_t object, const std::string& key, const auto& what) {
  Handle attribute(check(H5Aopen(object, key.c_str(), H5P_DEFAULT), what), H5Aclose);
  Handle space(check(H5Aget_space(attribute.get()), what), H5Sclose);
  if (check(H5Sget_simple_extent_npoints(space.get()), what) != 1)
    throw IOError("cannot " + what() + ": the attribute is not a scalar");
  return attribute;
}

}  // namespace

std::string Object::read_string_attribute(std::string_view name) const {
  quiet();
  const auto what = [&] { return "read attribute " + quoted(name) + " of " + where(); };
  const std::string key(name);
  Handle attribute = open_scalar_attribute(id(), key, what);
  Handle type(check(H5Aget_type(attribute.get()), what), H5Tclose);
  if (check(H5Tget_class(type.get()), what) != H5T_STRING)
    throw IOError("cannot " + what() + ": the attribute is not a string");
  if (check(H5Tis_variable_str(type.get()), what) > 0) {
    Handle memory = utf8_string_type();
    char* pointer = nullptr;
    check(H5Aread(attribute.get(), memory.get(), &pointer), what);
    std::string out = pointer != nullptr ? pointer : "";
    H5free_memory(pointer);
    return out;
  }
  const std::size_t size = H5Tget_size(type.get());
  if (size == 0) fail(what());
  std::string out(size, '\0');
  check(H5Aread(attribute.get(), type.get(), out.data()), what);
  out.resize(out.find('\0') == std::string::npos ? size : out.find('\0'));
  return out;
}

void Object::read_scalar_attribute(std::string_view name, ElementType type, void* value) const {
  quiet();
  const auto what = [&] { return "read attribute " + quoted(name) + " of " + where(); };
  const std::string key(name);
  Handle attribute = open_scalar_attribute(id(), key, what);
  check(H5Aread(attribute.get(), memory_type(type), value), what);
}

// ---- Dataset ------------------------------------------------------------------------------

std::uint64_t Dataset::size() const {
  quiet();
  const auto what = [&] { return "get the size of " + where(); };
  Handle space(check(H5Dget_space(id()), what), H5Sclose);
  hsize_t dims[1] = {0};
  if (check(H5Sget_simple_extent_ndims(space.get()), what) != 1)
    throw IOError("cannot " + what() + ": the dataset is not one-dimensional");
  check(H5Sget_simple_extent_dims(space.get(), dims, nullptr), what);
  return dims[0];
}

std::vector<std::uint64_t> Dataset::shape() const {
  quiet();
  const auto what = [&] { return "get the shape of " + where(); };
  Handle space(check(H5Dget_space(id()), what), H5Sclose);
  const int rank = check(H5Sget_simple_extent_ndims(space.get()), what);
  if (rank < 1 || rank > 2)
    throw IOError("cannot " + what() + ": it has " + std::to_string(rank) + " dimensions");
  hsize_t dims[2] = {0, 0};
  check(H5Sget_simple_extent_dims(space.get(), dims, nullptr), what);
  std::vector<std::uint64_t> out;
  for (int i = 0; i < rank; ++i) out.push_back(dims[i]);
  return out;
}

std::uint64_t Dataset::element_count() const {
  std::uint64_t count = 1;
  for (const std::uint64_t extent : shape()) count *= extent;
  return count;
}

void Dataset::make_dimension_scale(std::string_view label) {
  quiet();
  const std::string text(label);
  check(H5DSset_scale(id(), text.c_str()),
        [&] { return "make " + where() + " a dimension scale"; });
}

void Dataset::attach_dimension_scale(const Dataset& scale, unsigned axis) {
  quiet();
  check(H5DSattach_scale(id(), scale.id(), axis), [&] {
    return "attach the dimension scale " + quoted(scale.path()) + " to dimension " +
           std::to_string(axis) + " of " + where();
  });
}

bool Dataset::is_dimension_scale() const {
  quiet();
  return check(H5DSis_scale(id()), [&] { return "check whether " + where() + " is a scale"; }) > 0;
}

bool Dataset::holds_strings() const {
  quiet();
  const auto what = [&] { return "get the type of " + where(); };
  Handle type(check(H5Dget_type(id()), what), H5Tclose);
  return check(H5Tget_class(type.get()), what) == H5T_STRING;
}

bool Dataset::extendible() const {
  quiet();
  const auto what = [&] { return "get the maximum size of " + where(); };
  Handle space(check(H5Dget_space(id()), what), H5Sclose);
  hsize_t dims[H5S_MAX_RANK] = {};
  hsize_t max_dims[H5S_MAX_RANK] = {};
  check(H5Sget_simple_extent_dims(space.get(), dims, max_dims), what);
  return max_dims[0] == H5S_UNLIMITED;
}

std::uint64_t Dataset::chunk_length() const {
  quiet();
  const auto what = [&] { return "get the chunk layout of " + where(); };
  Handle plist(check(H5Dget_create_plist(id()), what), H5Pclose);
  if (check(H5Pget_layout(plist.get()), what) != H5D_CHUNKED) return 0;
  hsize_t dims[H5S_MAX_RANK] = {};
  const int rank = check(H5Pget_chunk(plist.get(), H5S_MAX_RANK, dims), what);
  std::uint64_t elements = 1;
  for (int i = 0; i < rank; ++i) elements *= dims[i];
  return elements;
}

std::uint64_t Dataset::row_length() const {
  const std::vector<std::uint64_t> extent = shape();
  return extent.size() == 2 ? extent[1] : 1;
}

std::vector<Filter> Dataset::filters() const {
  quiet();
  const auto what = [&] { return "get the filters of " + where(); };
  Handle plist(check(H5Dget_create_plist(id()), what), H5Pclose);
  const int count = check(H5Pget_nfilters(plist.get()), what);
  std::vector<Filter> out;
  for (int i = 0; i < count; ++i) {
    unsigned flags = 0;
    unsigned config = 0;
    size_t values = 0;
    const H5Z_filter_t filter = check(H5Pget_filter2(plist.get(), static_cast<unsigned>(i), &flags,
                                                     &values, nullptr, 0, nullptr, &config),
                                      what);
    out.push_back(filter == H5Z_FILTER_DEFLATE   ? Filter::deflate
                  : filter == H5Z_FILTER_SHUFFLE ? Filter::shuffle
                                                 : Filter::other);
  }
  return out;
}

void Dataset::write_raw(std::uint64_t offset, std::uint64_t count, ElementType memory,
                        const void* data) {
  quiet();
  const auto what = [&] {
    return "write " + std::to_string(count) + " elements at offset " + std::to_string(offset) +
           " of " + where();
  };
  if (count == 0) return;
  Handle file_space(check(H5Dget_space(id()), what), H5Sclose);
  hsize_t dims[1] = {0};
  check(H5Sget_simple_extent_dims(file_space.get(), dims, nullptr), what);
  if (offset > dims[0] || count > dims[0] - offset)
    throw std::out_of_range("cannot " + what() + ": it holds only " + std::to_string(dims[0]) +
                            " elements");
  const hsize_t start[1] = {offset};
  const hsize_t counts[1] = {count};
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, counts, nullptr),
        what);
  Handle memory_space(check(H5Screate_simple(1, counts, nullptr), what), H5Sclose);
  check(H5Dwrite(id(), memory_type(memory), memory_space.get(), file_space.get(),
                 small_buffer_transfer(what).get(), data),
        what);
}

void Dataset::append_raw(std::uint64_t count, ElementType memory, const void* data) {
  quiet();
  if (count == 0) return;
  const std::uint64_t old_size = size();
  const hsize_t new_size[1] = {old_size + count};
  check(H5Dset_extent(id(), new_size),
        [&] { return "extend " + where() + " to " + std::to_string(new_size[0]) + " elements"; });
  write_raw(old_size, count, memory, data);
}

void Dataset::append_strings(std::span<const std::string> data) {
  quiet();
  if (data.empty()) return;
  const auto what = [&] {
    return "append " + std::to_string(data.size()) + " strings to " + where();
  };
  std::vector<const char*> pointers;
  pointers.reserve(data.size());
  for (const std::string& text : data) {
    require_no_nul(text, what());
    pointers.push_back(text.c_str());
  }
  const std::uint64_t old_size = size();
  const hsize_t new_size[1] = {old_size + data.size()};
  check(H5Dset_extent(id(), new_size), what);
  Handle file_space(check(H5Dget_space(id()), what), H5Sclose);
  const hsize_t start[1] = {old_size};
  const hsize_t counts[1] = {data.size()};
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, counts, nullptr),
        what);
  Handle memory_space(check(H5Screate_simple(1, counts, nullptr), what), H5Sclose);
  Handle type = utf8_string_type();
  check(H5Dwrite(id(), type.get(), memory_space.get(), file_space.get(),
                 small_buffer_transfer(what).get(), pointers.data()),
        what);
}

void Dataset::write_chunk(std::uint64_t offset, std::span<const unsigned char> bytes,
                          std::uint32_t filter_mask) {
  quiet();
  const hsize_t offsets[1] = {offset};
  check(H5Dwrite_chunk(id(), H5P_DEFAULT, filter_mask, offsets, bytes.size(), bytes.data()),
        [&] { return "write the chunk at offset " + std::to_string(offset) + " of " + where(); });
}

void Dataset::grow_to(std::uint64_t size) {
  quiet();
  const std::uint64_t old_size = this->size();
  if (size < old_size)
    throw std::logic_error("grow_to: " + where() + " holds " + std::to_string(old_size) +
                           " elements, more than " + std::to_string(size));
  const hsize_t new_size[1] = {size};
  check(H5Dset_extent(id(), new_size),
        [&] { return "extend " + where() + " to " + std::to_string(size) + " elements"; });
}

void Dataset::shrink_to(std::uint64_t size) {
  quiet();
  const std::uint64_t old_size = this->size();
  if (size > old_size)
    throw std::logic_error("shrink_to: " + where() + " holds " + std::to_string(old_size) +
                           " elements, fewer than " + std::to_string(size));
  const hsize_t new_size[1] = {size};
  check(H5Dset_extent(id(), new_size),
        [&] { return "shrink " + where() + " to " + std::to_string(size) + " elements"; });
}

void Dataset::append_chunk(std::uint64_t count, std::span<const unsigned char> bytes) {
  quiet();
  const std::vector<std::uint64_t> extent = shape();
  const std::uint64_t row = extent.size() == 2 ? extent[1] : 1;
  const std::uint64_t old_size = extent[0] * row, chunk = chunk_length();
  if (chunk == 0 || row == 0 || old_size % chunk != 0 || count == 0 || count > chunk ||
      count % row != 0)
    throw std::logic_error(
        "append_chunk: " + where() + " must end on a chunk boundary and grow by 1 to " +
        std::to_string(chunk) + " elements, whole rows of " + std::to_string(row));
  const hsize_t new_size[2] = {extent[0] + count / row, row};
  check(H5Dset_extent(id(), new_size),
        [&] { return "extend " + where() + " to " + std::to_string(new_size[0]) + " rows"; });
  quiet();
  const hsize_t offsets[2] = {extent[0], 0};
  check(H5Dwrite_chunk(id(), H5P_DEFAULT, 0, offsets, bytes.size(), bytes.data()),
        [&] { return "write the chunk at row " + std::to_string(extent[0]) + " of " + where(); });
}

void Dataset::read_raw(ElementType memory, void* data, std::size_t count) const {
  quiet();
  if (count == 0) return;
  const auto what = [&] { return "read " + where(); };
  check(
      H5Dread(id(), memory_type(memory), H5S_ALL, H5S_ALL, small_buffer_transfer(what).get(), data),
      what);
}

std::vector<std::string> Dataset::read_strings() const {
  quiet();
  const auto what = [&] { return "read strings from " + where(); };
  const std::uint64_t count = size();
  Handle type(check(H5Dget_type(id()), what), H5Tclose);
  if (check(H5Tget_class(type.get()), what) != H5T_STRING ||
      check(H5Tis_variable_str(type.get()), what) <= 0)
    throw IOError("cannot " + what() + ": not a variable-length string dataset");
  std::vector<char*> pointers(count, nullptr);
  std::vector<std::string> out;
  if (count == 0) return out;
  Handle memory = utf8_string_type();
  check(H5Dread(id(), memory.get(), H5S_ALL, H5S_ALL, small_buffer_transfer(what).get(),
                pointers.data()),
        what);
  out.reserve(count);
  for (char* pointer : pointers) {
    out.emplace_back(pointer != nullptr ? pointer : "");
    H5free_memory(pointer);
  }
  return out;
}

// ---- Group --------------------------------------------------------------------------------

Group Group::create_group(std::string_view name) {
  quiet();
  const std::string path = child_path(name);
  const std::string key(name);
  Handle group(check(H5Gcreate2(id(), key.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                     [&] { return "create group " + quoted(path) + " in " + quoted(file_); }),
               H5Gclose);
  return Group(std::move(group), file_, path);
}

Group Group::open_group(std::string_view name) const {
  quiet();
  const std::string path = child_path(name);
  const std::string key(name);
  Handle group(check(H5Gopen2(id(), key.c_str(), H5P_DEFAULT),
                     [&] { return "open group " + quoted(path) + " in " + quoted(file_); }),
               H5Gclose);
  return Group(std::move(group), file_, path);
}

bool Group::contains(std::string_view name) const {
  quiet();
  const std::string key(name);
  return check(H5Lexists(id(), key.c_str(), H5P_DEFAULT),
               [&] { return "look up " + quoted(child_path(name)) + " in " + quoted(file_); }) > 0;
}

std::vector<std::string> Group::member_names() const {
  quiet();
  const auto what = [&] { return "list the members of " + where(); };
  H5G_info_t info{};
  check(H5Gget_info(id(), &info), what);
  std::vector<std::string> out;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t length =
        check(H5Lget_name_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT),
              what);
    std::string name(static_cast<std::size_t>(length) + 1, '\0');
    check(H5Lget_name_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                             H5P_DEFAULT),
          what);
    name.resize(static_cast<std::size_t>(length));
    out.push_back(std::move(name));
  }
  return out;
}

bool Group::member_is_group(std::string_view name) const {
  quiet();
  const std::string key(name);
  const auto what = [&] { return "look up " + quoted(child_path(name)) + " in " + quoted(file_); };
  // H5Iget_type of the opened object, which (unlike H5Oget_info) is one call in HDF5 1.10 and 1.12.
  Handle object(check(H5Oopen(id(), key.c_str(), H5P_DEFAULT), what), H5Oclose);
  return H5Iget_type(object.get()) == H5I_GROUP;
}

Dataset Group::write_matrix_raw(std::string_view name, std::uint64_t rows, std::uint64_t columns,
                                ElementType type, const void* data, std::size_t count) {
  quiet();
  const std::string path = child_path(name);
  const std::string key(name);
  const auto what = [&] { return "write dataset " + quoted(path) + " in " + quoted(file_); };
  if (rows * columns != count)
    throw std::invalid_argument("cannot " + what() + ": " + std::to_string(count) +
                                " values do not make " + std::to_string(rows) + " x " +
                                std::to_string(columns));
  const hsize_t dims[2] = {rows, columns};
  Handle space(check(H5Screate_simple(2, dims, nullptr), what), H5Sclose);
  Handle dataset(check(H5Dcreate2(id(), key.c_str(), file_type(type), space.get(), H5P_DEFAULT,
                                  H5P_DEFAULT, H5P_DEFAULT),
                       what),
                 H5Dclose);
  if (count > 0)
    check(H5Dwrite(dataset.get(), memory_type(type), H5S_ALL, H5S_ALL,
                   small_buffer_transfer(what).get(), data),
          what);
  return Dataset(std::move(dataset), file_, path);
}

Dataset Group::create_dimension(std::string_view name, std::uint64_t length) {
  // netCDF-4's own label, padded as netCDF-C pads it; h5netcdf and netCDF-C recognise
  // dimensions without a coordinate variable by its first words.
  char label[80];
  std::snprintf(label, sizeof label, "This is a netCDF dimension but not a netCDF variable.%10llu",
                static_cast<unsigned long long>(length));
  // Contiguous and never written, so HDF5 allocates no storage for it.
  Dataset out = create_dataset(name, ElementType::int32, DatasetLayout::fixed(length));
  out.make_dimension_scale(label);
  return out;
}

Dataset Group::create_dataset(std::string_view name, ElementType type,
                              const DatasetLayout& layout) {
  return create_dataset(name, type, layout, false);
}

Dataset Group::create_dataset(std::string_view name, ElementType type, const DatasetLayout& layout,
                              bool strings) {
  quiet();
  const std::string path = child_path(name);
  const std::string key(name);
  const auto what = [&] { return "create dataset " + quoted(path) + " in " + quoted(file_); };
  if (layout.chunk == 0 && (layout.extendible || layout.deflate_level >= 0 || layout.shuffle))
    throw std::invalid_argument("cannot " + what() +
                                ": extendible or filtered datasets must be chunked");
  if (layout.deflate_level > 9)
    throw std::invalid_argument("cannot " + what() + ": deflate level must be 0..9");

  const int rank = layout.columns > 0 ? 2 : 1;
  const hsize_t dims[2] = {layout.size, layout.columns};
  const hsize_t max_dims[2] = {layout.extendible ? H5S_UNLIMITED : layout.size, layout.columns};
  Handle space(check(H5Screate_simple(rank, dims, max_dims), what), H5Sclose);
  Handle plist(check(H5Pcreate(H5P_DATASET_CREATE), what), H5Pclose);
  if (layout.chunk > 0) {
    const hsize_t chunk[2] = {layout.chunk, layout.columns};
    check(H5Pset_chunk(plist.get(), rank, chunk), what);
    if (layout.shuffle) check(H5Pset_shuffle(plist.get()), what);
    if (layout.deflate_level >= 0)
      check(H5Pset_deflate(plist.get(), static_cast<unsigned>(layout.deflate_level)), what);
  }
  if (layout.fill) {
    const std::int64_t fill = *layout.fill;
    check(H5Pset_fill_value(plist.get(), H5T_NATIVE_INT64, &fill), what);
  }
  Handle string_type = utf8_string_type();
  Handle dataset(check(H5Dcreate2(id(), key.c_str(), strings ? string_type.get() : file_type(type),
                                  space.get(), H5P_DEFAULT, plist.get(), H5P_DEFAULT),
                       what),
                 H5Dclose);
  return Dataset(std::move(dataset), file_, path);
}

Dataset Group::create_string_dataset(std::string_view name, const DatasetLayout& layout) {
  if (layout.fill || layout.shuffle)
    throw std::invalid_argument("create_string_dataset: strings take no fill value or shuffle");
  return create_dataset(name, ElementType::int8, layout, true);
}

Dataset Group::open_dataset(std::string_view name) const {
  quiet();
  const std::string path = child_path(name);
  const std::string key(name);
  Handle dataset(check(H5Dopen2(id(), key.c_str(), H5P_DEFAULT),
                       [&] { return "open dataset " + quoted(path) + " in " + quoted(file_); }),
                 H5Dclose);
  return Dataset(std::move(dataset), file_, path);
}

Dataset Group::write_string_dataset(std::string_view name, std::span<const std::string> data) {
  quiet();
  const std::string path = child_path(name);
  const std::string key(name);
  const auto what = [&] { return "write dataset " + quoted(path) + " in " + quoted(file_); };
  std::vector<const char*> pointers;
  pointers.reserve(data.size());
  for (const std::string& text : data) {
    require_no_nul(text, what());
    pointers.push_back(text.c_str());
  }
  Handle type = utf8_string_type();
  const hsize_t dims[1] = {data.size()};
  Handle space(check(H5Screate_simple(1, dims, nullptr), what), H5Sclose);
  Handle dataset(check(H5Dcreate2(id(), key.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                  H5P_DEFAULT, H5P_DEFAULT),
                       what),
                 H5Dclose);
  if (!data.empty())
    check(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, small_buffer_transfer(what).get(),
                   pointers.data()),
          what);
  return Dataset(std::move(dataset), file_, path);
}

// ---- File ---------------------------------------------------------------------------------

File File::create_exclusive(const std::string& path) {
  quiet();
  const auto what = [&] { return "create HDF5 file " + quoted(path); };
  Handle access(check(H5Pcreate(H5P_FILE_ACCESS), what), H5Pclose);
  check(H5Pset_fclose_degree(access.get(), H5F_CLOSE_SEMI), what);
  // nines locks the files it writes itself (nines/io/file_lock.hpp), with locks that HDF5's
  // flock() would collide with where flock is emulated by POSIX locks (NFS).
  check(H5Pset_file_locking(access.get(), false, true), what);
  check(H5Pset_sieve_buf_size(access.get(), 4096), what);
  Handle file(check(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, access.get()), what),
              H5Fclose);
  return File(std::move(file), path, "/");
}

File File::open_read_only(const std::string& path) {
  quiet();
  Handle file(check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT),
                    [&] { return "open HDF5 file " + quoted(path); }),
              H5Fclose);
  return File(std::move(file), path, "/");
}

void File::flush() {
  quiet();
  check(H5Fflush(id(), H5F_SCOPE_LOCAL), [&] { return "flush HDF5 file " + quoted(file_); });
}

void File::close() {
  if (handle_.release() < 0) fail("close HDF5 file " + quoted(file_));
}

}  // namespace nines::hdf5
