#pragma once
// Block expressions: the shape of a request's path through a reliability block diagram.
// A block is a component reference, or `series` (every child must work), `parallel` (any one
// child suffices) or `k_of_n` (at least k children must work) over child blocks, nested to any
// depth. A component may appear several times in one expression: it is still one component
// with one state per request, which is why the analytic value is not the naive product over
// the tree (see bdd.hpp).
//
// Two forms: Block, the tree the parser builds and people read, and CompiledBlock, the same
// tree flattened into arrays over a path's local component indices for the per-request hot
// path (no allocation, no recursion through std::vector).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nines {

enum class BlockKind : std::uint8_t { component, series, parallel, k_of_n };

struct Block {
  BlockKind kind = BlockKind::component;
  std::uint32_t component = 0;  // kind == component: index into the model's components
  std::uint32_t k = 0;          // kind == k_of_n: at least k of the children must work
  std::vector<Block> children;  // empty for a component reference

  static Block component_ref(std::uint32_t index);
  static Block series(std::vector<Block> children);
  static Block parallel(std::vector<Block> children);
  static Block k_of_n(std::uint32_t k, std::vector<Block> children);

  // How many children must work: n for series, 1 for parallel, k for k_of_n, 1 for a component.
  std::size_t required() const noexcept;
};

// True when the block works, given up(component index) for every component it references.
// Short-circuits, so a component's state is consulted only when it can matter.
template <class Up>
bool block_works(const Block& block, Up&& up) {
  if (block.kind == BlockKind::component) return up(block.component);
  const std::size_t need = block.required();
  const std::size_t n = block.children.size();
  std::size_t working = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (block_works(block.children[i], up)) {
      if (++working >= need) return true;
    } else if (n - i - 1 + working < need) {
      return false;  // too few children left to reach `need`
    }
  }
  return working >= need;
}

// The components a block references, each once, in path order: depth first, left to right,
// by first occurrence. Attribution walks failures in this order.
std::vector<std::uint32_t> components_in_path_order(const Block& block);

// Compact human form, e.g. "series(lb, parallel(api[1], api[2]), 2-of-3(db[1], db[2], db[3]))".
std::string to_string(const Block& block, const std::vector<std::string>& component_names);

// A block flattened for the hot path. Component references are renumbered to local indices
// 0..n-1 (their position in components_in_path_order), and a state is a bit array of n bits
// where a set bit means "down". Evaluation never allocates.
class CompiledBlock {
 public:
  CompiledBlock() = default;
  explicit CompiledBlock(const Block& root);

  // Global component index of each local index, in path order.
  const std::vector<std::uint32_t>& components() const noexcept { return components_; }
  std::size_t size() const noexcept { return components_.size(); }
  // 64-bit words a state needs.
  std::size_t words() const noexcept { return (components_.size() + 63) / 64; }

  // True when the structure works with the components whose bits are set in `down` failed.
  bool works(const std::uint64_t* down) const noexcept { return works_at(0, down); }

 private:
  struct Node {
    BlockKind kind;
    std::uint32_t need;         // children that must work (1 for a component)
    std::uint32_t first_child;  // into children_; for a component: its local index
    std::uint32_t child_count;
  };
  std::uint32_t add(const Block& block, const std::vector<std::uint32_t>& local_of);
  bool works_at(std::uint32_t node, const std::uint64_t* down) const noexcept;

  std::vector<Node> nodes_;  // nodes_[0] is the root
  std::vector<std::uint32_t> children_;
  std::vector<std::uint32_t> components_;
};

inline bool bit_set(const std::uint64_t* bits, std::size_t i) noexcept {
  return (bits[i / 64] >> (i % 64)) & 1U;
}
inline void set_bit(std::uint64_t* bits, std::size_t i) noexcept {
  bits[i / 64] |= std::uint64_t{1} << (i % 64);
}
inline void clear_bit(std::uint64_t* bits, std::size_t i) noexcept {
  bits[i / 64] &= ~(std::uint64_t{1} << (i % 64));
}

}  // namespace nines
