#include "nines/sample/chain_path_sampler.hpp"

#include <algorithm>
#include <stdexcept>

#include "nines/sample/attempt_draw_batch.hpp"
#include "nines/sample/attempt_stream.hpp"

namespace nines {
namespace {

// Appends the components of `block` in order if it is a series of components; false if not.
bool flatten_series(const Block& block, std::vector<std::uint32_t>& out) {
  switch (block.kind) {
    case BlockKind::component:
      out.push_back(block.component);
      return true;
    case BlockKind::series:
      break;
    case BlockKind::parallel:
      if (block.children.size() != 1) return false;
      break;
    case BlockKind::k_of_n:
      if (block.k != block.children.size()) return false;
      break;
  }
  for (const Block& child : block.children)
    if (!flatten_series(child, out)) return false;
  return true;
}

std::vector<double> effective_reliabilities(const StructureModel& model,
                                            const std::vector<std::uint32_t>& path) {
  std::vector<double> r;
  for (const std::uint32_t c : path) r.push_back(model.components[c].effective_reliability());
  return r;
}

}  // namespace

std::optional<std::vector<std::uint32_t>> chain_path(const StructureModel& model) {
  if (model.kinds.size() != 1 || model.kinds[0].retries != 0) return std::nullopt;
  std::vector<std::uint32_t> path;
  if (!flatten_series(model.kinds[0].path, path) || path.empty()) return std::nullopt;
  std::vector<std::uint32_t> sorted = path;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) return std::nullopt;
  for (const CommonCauseEvent& event : model.common_causes)
    for (const std::uint32_t c : event.takes_down)
      if (std::binary_search(sorted.begin(), sorted.end(), c)) return std::nullopt;
  return path;
}

ChainPathSampler::ChainPathSampler(const StructureModel& model, std::vector<std::uint32_t> path,
                                   SamplerKind kind, const TallyLayout& layout)
    : path_(std::move(path)),
      analytics_(effective_reliabilities(model, path_)),
      sampler_(analytics_, kind),
      layout_(layout) {
  for (std::size_t k = 0; k < path_.size(); ++k) {
    down_.push_back(threshold_of(model.components[path_[k]].effective_unreliability()));
    identity_ = identity_ && path_[k] == k;
  }
}

void ChainPathSampler::sample_chunk(std::uint64_t seed, std::uint64_t chunk_index,
                                    std::uint64_t first, std::uint64_t n, bool dense, bool failures,
                                    StructureSampler::Workspace& scratch,
                                    StructureChunk& chunk) const {
  if (chunk.tally.size() != layout_.size())
    throw std::invalid_argument("sample_chunk: the tally has the wrong size");
  const std::size_t length = path_.size();
  // Chain counts: first failures per path position, then successes.
  std::vector<std::uint64_t> counts(length + 1, 0);
  // The failed requests' lists live in the thread's workspace: they keep their capacity from
  // chunk to chunk (fresh vectors of a few hundred KiB were new pages for every chunk).
  std::vector<std::uint64_t>& requests = scratch.failed_requests;
  std::vector<std::int32_t>& positions = scratch.failed_positions;
  requests.clear();
  positions.clear();
  if (dense) {
    if (sampler_.kind() != SamplerKind::per_request)
      throw std::logic_error("sample_chunk: dense outcomes need the per-request sampler");
    // A chain has one kind, no retries and no event on its path: those dense columns are
    // constant (files/structure_writer.hpp, ConstantColumns) and stay empty here.
    chunk.kind.clear();
    chunk.attempts.clear();
    chunk.common_cause.clear();
    chunk.culprit.resize(n);
    ComponentIndex* culprit = chunk.culprit.data();
    // The failures are listed as their draws are resolved, not found by a second pass.
    sampler_.per_request().record_dense_and_failures(seed, first, n, culprit, requests, positions,
                                                     counts.data());
    if (!identity_)
      for (const std::uint64_t request : requests) {
        ComponentIndex& c = culprit[request - first];
        c = static_cast<ComponentIndex>(path_[static_cast<std::size_t>(c)]);
      }
  } else if (failures) {
    sampler_.record_failures(seed, chunk_index, first, n, requests, positions, counts.data());
  } else {
    sampler_.count(seed, chunk_index, first, n, counts.data());
  }

  std::uint64_t* tally = chunk.tally.data();
  std::uint64_t failed = 0;
  for (std::size_t k = 0; k < length; ++k) {
    tally[layout_.culprit(0, path_[k])] += counts[k];
    failed += counts[k];
  }
  tally[layout_.requests(0)] += n;
  tally[layout_.attempts(0)] += n;
  tally[layout_.failures(0)] += failed;
  // No event on a chain's path: every failure has the empty fired set.
  tally[layout_.fired_set(0, 0)] += failed;
  if (!failures) return;

  // The failed set of a request whose culprit is at path position k: the culprit and every later
  // component down in attempt 0's draws j = k + 1 .. length - 1 (stream structure_attempt), all
  // the chunk's Philox blocks computed at once.
  // The request and culprit filled in bulk, then the sets. The columns a chain cannot vary
  // (kind, attempts, common_cause, common_causes) stay empty, as in dense mode: they are
  // constant (ConstantColumns), which the encoder stores as fill values without reading them.
  const std::size_t count = requests.size();
  const auto append = [count](auto& column, auto value) {
    column.resize(column.size() + count, value);
  };
  chunk.failed_request.insert(chunk.failed_request.end(), requests.begin(), requests.end());
  const std::size_t culprit_at = chunk.failed_culprit.size();
  append(chunk.failed_culprit, ComponentIndex{0});
  const std::size_t size_at = chunk.failed_set_size.size();
  append(chunk.failed_set_size, ComponentIndex{0});
  ComponentIndex* culprits = chunk.failed_culprit.data() + culprit_at;
  ComponentIndex* sizes = chunk.failed_set_size.data() + size_at;
  AttemptDrawBatch& batch = scratch.batch;
  const auto end_block = static_cast<std::uint32_t>((length + 1) / 2);
  // Failures in groups of about kGroupBlocks Philox blocks (a failure's blocks are never
  // split), so that the draws are read back from the core's cache, and memory stays bounded
  // whatever the path's length (4,096 components: up to 2,048 blocks a failure).
  constexpr std::size_t kGroupBlocks = std::size_t{1} << 12;
  static_assert(kGroupBlocks <= AttemptDrawBatch::kMaxBlocks);
  for (std::size_t begin = 0; begin < count;) {
    batch.clear();
    scratch.draw_start.clear();
    std::size_t end = begin;
    for (; end < count && batch.blocks() < kGroupBlocks; ++end) {
      // The blocks from the one holding draw k + 1 to the path's end; the index of draw 0.
      const auto first_block = static_cast<std::uint32_t>((positions[end] + 1) / 2);
      scratch.draw_start.push_back(first_block < end_block
                                       ? batch.add(requests[end], 0, first_block, end_block) -
                                             2 * first_block
                                       : 0);
    }
    batch.compute(seed);
    const std::uint64_t* draws = batch.draws().data();
    const std::uint64_t* down = down_.data();
    const std::uint32_t* path = path_.data();
    // A failure's set is its culprit and at most one component per draw it was given (its
    // draws start at or before k + 1 and end at or past the path's end), so this bounds the
    // group's sets; the unused tail is cut off below.
    const std::size_t set_at = chunk.failed_set.size();
    chunk.failed_set.resize(set_at + (end - begin) + 2 * batch.blocks());
    ComponentIndex* const set_begin = chunk.failed_set.data() + set_at;
    ComponentIndex* set = set_begin;
    for (std::size_t f = begin; f < end; ++f) {
      const auto k = static_cast<std::size_t>(positions[f]);
      culprits[f] = static_cast<ComponentIndex>(path[k]);
      ComponentIndex* const first_member = set;
      *set++ = static_cast<ComponentIndex>(path[k]);
      // Draw j of failure f is draws[at + j] (only j > k are read; `at` may wrap below 0).
      const std::size_t at = scratch.draw_start[f - begin];
      for (std::size_t j = k + 1; j < length; ++j)
        if (below(draws[at + j], down[j])) *set++ = static_cast<ComponentIndex>(path[j]);
      sizes[f] = static_cast<ComponentIndex>(set - first_member);
    }
    chunk.failed_set.resize(set_at + static_cast<std::size_t>(set - set_begin));
    begin = end;
  }
}

}  // namespace nines
