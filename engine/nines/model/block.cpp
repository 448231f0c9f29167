#include "nines/model/block.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace nines {

Block Block::component_ref(std::uint32_t index) {
  Block b;
  b.kind = BlockKind::component;
  b.component = index;
  return b;
}

Block Block::series(std::vector<Block> children) {
  Block b;
  b.kind = BlockKind::series;
  b.children = std::move(children);
  return b;
}

Block Block::parallel(std::vector<Block> children) {
  Block b;
  b.kind = BlockKind::parallel;
  b.children = std::move(children);
  return b;
}

Block Block::k_of_n(std::uint32_t k, std::vector<Block> children) {
  Block b;
  b.kind = BlockKind::k_of_n;
  b.k = k;
  b.children = std::move(children);
  return b;
}

std::size_t Block::required() const noexcept {
  switch (kind) {
    case BlockKind::component:
      return 1;
    case BlockKind::series:
      return children.size();
    case BlockKind::parallel:
      return 1;
    case BlockKind::k_of_n:
      return k;
  }
  return 1;
}

namespace {

void collect(const Block& block, std::vector<std::uint32_t>& out, std::vector<bool>& seen) {
  if (block.kind == BlockKind::component) {
    if (block.component >= seen.size()) seen.resize(block.component + 1, false);
    if (!seen[block.component]) {
      seen[block.component] = true;
      out.push_back(block.component);
    }
    return;
  }
  for (const Block& child : block.children) collect(child, out, seen);
}

}  // namespace

std::vector<std::uint32_t> components_in_path_order(const Block& block) {
  std::vector<std::uint32_t> out;
  std::vector<bool> seen;
  collect(block, out, seen);
  return out;
}

std::string to_string(const Block& block, const std::vector<std::string>& component_names) {
  if (block.kind == BlockKind::component) {
    return block.component < component_names.size() ? component_names[block.component]
                                                    : "#" + std::to_string(block.component);
  }
  std::string out;
  switch (block.kind) {
    case BlockKind::series:
      out = "series(";
      break;
    case BlockKind::parallel:
      out = "parallel(";
      break;
    default:
      out = std::to_string(block.k) + "-of-" + std::to_string(block.children.size()) + "(";
      break;
  }
  for (std::size_t i = 0; i < block.children.size(); ++i) {
    if (i > 0) out += ", ";
    out += to_string(block.children[i], component_names);
  }
  return out + ")";
}

CompiledBlock::CompiledBlock(const Block& root) : components_(components_in_path_order(root)) {
  std::uint32_t max_index = 0;
  for (const std::uint32_t c : components_) max_index = std::max(max_index, c);
  std::vector<std::uint32_t> local_of(components_.empty() ? 0 : max_index + 1,
                                      std::numeric_limits<std::uint32_t>::max());
  for (std::size_t i = 0; i < components_.size(); ++i)
    local_of[components_[i]] = static_cast<std::uint32_t>(i);
  add(root, local_of);
}

std::uint32_t CompiledBlock::add(const Block& block, const std::vector<std::uint32_t>& local_of) {
  const auto index = static_cast<std::uint32_t>(nodes_.size());
  if (block.kind == BlockKind::component) {
    nodes_.push_back({BlockKind::component, 1, local_of[block.component], 0});
    return index;
  }
  nodes_.push_back({block.kind, static_cast<std::uint32_t>(block.required()), 0,
                    static_cast<std::uint32_t>(block.children.size())});
  // Children are added first (they append nodes), then their indices are stored contiguously.
  std::vector<std::uint32_t> child_nodes;
  child_nodes.reserve(block.children.size());
  for (const Block& child : block.children) child_nodes.push_back(add(child, local_of));
  nodes_[index].first_child = static_cast<std::uint32_t>(children_.size());
  children_.insert(children_.end(), child_nodes.begin(), child_nodes.end());
  return index;
}

bool CompiledBlock::works_at(std::uint32_t node, const std::uint64_t* down) const noexcept {
  const Node& n = nodes_[node];
  if (n.kind == BlockKind::component) return !bit_set(down, n.first_child);
  std::uint32_t working = 0;
  for (std::uint32_t i = 0; i < n.child_count; ++i) {
    if (works_at(children_[n.first_child + i], down)) {
      if (++working >= n.need) return true;
    } else if (n.child_count - i - 1 + working < n.need) {
      return false;
    }
  }
  return working >= n.need;
}

}  // namespace nines
