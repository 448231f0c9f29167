#include <cstring>
#include <stdexcept>

#include "nines/run/chunk_kernel.hpp"

// The wire form of an EncodedChunk (MPI only; native byte order, since every rank of a job runs
// the same build): chunk, requests, part count, then per part its length and bytes, all lengths
// as uint64.

namespace nines {
namespace {

void put(std::vector<unsigned char>& out, std::uint64_t v) {
  unsigned char bytes[sizeof v];
  std::memcpy(bytes, &v, sizeof v);
  out.insert(out.end(), bytes, bytes + sizeof v);
}

std::uint64_t get(const unsigned char*& p, const unsigned char* end) {
  if (static_cast<std::size_t>(end - p) < sizeof(std::uint64_t))
    throw std::runtime_error("encoded chunk: truncated");
  std::uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  p += sizeof v;
  return v;
}

}  // namespace

void EncodedChunk::reset(std::uint64_t chunk_index, std::uint64_t request_count,
                         std::size_t part_count) {
  chunk = chunk_index;
  requests = request_count;
  parts.resize(part_count);
  for (auto& part : parts) part.clear();
}

void EncodedChunk::append_to(std::vector<unsigned char>& wire) const {
  put(wire, chunk);
  put(wire, requests);
  put(wire, parts.size());
  for (const auto& part : parts) {
    put(wire, part.size());
    wire.insert(wire.end(), part.begin(), part.end());
  }
}

const unsigned char* EncodedChunk::read_from(const unsigned char* p, const unsigned char* end,
                                             EncodedChunk& out) {
  out.chunk = get(p, end);
  out.requests = get(p, end);
  const std::uint64_t count = get(p, end);
  if (count > 1024) throw std::runtime_error("encoded chunk: implausible part count");
  out.parts.resize(static_cast<std::size_t>(count));
  for (auto& part : out.parts) {
    const std::uint64_t size = get(p, end);
    if (size > static_cast<std::uint64_t>(end - p))
      throw std::runtime_error("encoded chunk: truncated");
    part.assign(p, p + size);
    p += size;
  }
  return p;
}

}  // namespace nines
