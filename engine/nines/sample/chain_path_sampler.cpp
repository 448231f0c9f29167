#include "nines/sample/chain_path_sampler.hpp"

#include <algorithm>
#include <stdexcept>

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
                                    StructureChunk& chunk) const {
  if (chunk.tally.size() != layout_.size())
    throw std::invalid_argument("sample_chunk: the tally has the wrong size");
  const std::size_t length = path_.size();
  // Chain counts: first failures per path position, then successes.
  std::vector<std::uint64_t> counts(length + 1, 0);
  std::vector<std::uint64_t> requests;
  std::vector<std::int32_t> positions;
  if (dense) {
    if (sampler_.kind() != SamplerKind::per_request)
      throw std::logic_error("sample_chunk: dense outcomes need the per-request sampler");
    // A chain has one kind, no retries and no event on its path: those dense columns are
    // constant (files/structure_writer.hpp, ConstantColumns) and stay empty here.
    chunk.kind.clear();
    chunk.attempts.clear();
    chunk.common_cause.clear();
    chunk.culprit.resize(n);
    sampler_.per_request().record_dense(seed, first, n, chunk.culprit.data(), counts.data());
    for (std::uint64_t i = 0; i < n; ++i) {
      ComponentIndex& c = chunk.culprit[i];
      if (c < 0) continue;
      if (failures) {
        requests.push_back(first + i);
        positions.push_back(c);
      }
      if (!identity_) c = static_cast<ComponentIndex>(path_[static_cast<std::size_t>(c)]);
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

  for (std::size_t f = 0; f < requests.size(); ++f) {
    const std::uint64_t request = requests[f];
    const auto k = static_cast<std::size_t>(positions[f]);
    chunk.failed_request.push_back(request);
    chunk.failed_kind.push_back(0);
    chunk.failed_attempts.push_back(1);
    chunk.failed_culprit.push_back(static_cast<ComponentIndex>(path_[k]));
    chunk.failed_common_cause.push_back(-1);
    chunk.failed_common_causes.push_back(0);
    const std::size_t set_start = chunk.failed_set.size();
    chunk.failed_set.push_back(static_cast<ComponentIndex>(path_[k]));
    AttemptStream draw(seed, request, 0);
    for (std::size_t j = k + 1; j < length; ++j)
      if (below(draw(static_cast<std::uint32_t>(j)), down_[j]))
        chunk.failed_set.push_back(static_cast<ComponentIndex>(path_[j]));
    chunk.failed_set_size.push_back(
        static_cast<ComponentIndex>(chunk.failed_set.size() - set_start));
  }
}

}  // namespace nines
