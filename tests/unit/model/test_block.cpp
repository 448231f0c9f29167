// Block expressions: the tree people read (Block, block_works, to_string) and the flattened
// form the kernel evaluates (CompiledBlock), which must agree with the tree on every state.
#include "nines/model/block.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

using nines::Block;
using nines::BlockKind;
using nines::CompiledBlock;

namespace {

Block c(std::uint32_t index) {
  return Block::component_ref(index);
}

// up(i) from a set of failed global indices, counting the calls.
struct States {
  std::vector<std::uint32_t> down;
  mutable int calls = 0;
  bool operator()(std::uint32_t i) const {
    ++calls;
    for (const auto d : down)
      if (d == i) return false;
    return true;
  }
};

bool works(const Block& b, std::vector<std::uint32_t> down) {
  return nines::block_works(b, States{std::move(down)});
}

// A random tree over `pool` components whose global indices are spread out (index * 37 + 5),
// with repeats, empty groups and k from 0 to n + 1.
Block random_block(std::mt19937_64& rng, int depth, std::uint32_t pool) {
  std::uniform_int_distribution<int> pick(0, 9);
  if (depth == 0 || pick(rng) < 3) {
    return c(static_cast<std::uint32_t>(rng() % pool) * 37 + 5);
  }
  std::vector<Block> children;
  const int n = static_cast<int>(rng() % 6);
  for (int i = 0; i < n; ++i) children.push_back(random_block(rng, depth - 1, pool));
  switch (rng() % 3) {
    case 0:
      return Block::series(std::move(children));
    case 1:
      return Block::parallel(std::move(children));
    default: {
      const auto k = static_cast<std::uint32_t>(rng() % static_cast<std::uint64_t>(n + 2));
      return Block::k_of_n(k, std::move(children));
    }
  }
}

}  // namespace

TEST_CASE("Block factories set the kind and what must work", "[block]") {
  const Block leaf = c(7);
  CHECK(leaf.kind == BlockKind::component);
  CHECK(leaf.component == 7);
  CHECK(leaf.children.empty());
  CHECK(leaf.required() == 1);
  CHECK(Block::series({c(0), c(1), c(2)}).required() == 3);
  CHECK(Block::parallel({c(0), c(1), c(2)}).required() == 1);
  const Block two_of_three = Block::k_of_n(2, {c(0), c(1), c(2)});
  CHECK(two_of_three.kind == BlockKind::k_of_n);
  CHECK(two_of_three.k == 2);
  CHECK(two_of_three.required() == 2);
  CHECK(Block::series({}).required() == 0);
}

TEST_CASE("block_works follows series, parallel and k-of-n", "[block]") {
  const Block series = Block::series({c(0), c(1)});
  CHECK(works(series, {}));
  CHECK_FALSE(works(series, {0}));
  CHECK_FALSE(works(series, {1}));
  const Block parallel = Block::parallel({c(0), c(1)});
  CHECK(works(parallel, {0}));
  CHECK(works(parallel, {1}));
  CHECK_FALSE(works(parallel, {0, 1}));
  const Block two_of_three = Block::k_of_n(2, {c(0), c(1), c(2)});
  CHECK(works(two_of_three, {2}));
  CHECK_FALSE(works(two_of_three, {0, 2}));
  CHECK(works(Block::k_of_n(0, {c(0)}), {0}));             // nothing needed
  CHECK_FALSE(works(Block::k_of_n(3, {c(0), c(1)}), {}));  // more needed than exist
  // Empty groups: a series of nothing works, a parallel of nothing does not.
  CHECK(works(Block::series({}), {}));
  CHECK_FALSE(works(Block::parallel({}), {}));
  // A shared component is one state: down in both branches at once.
  const Block shared = Block::parallel({Block::series({c(0), c(1)}), Block::series({c(0), c(2)})});
  CHECK_FALSE(works(shared, {0}));
  CHECK(works(shared, {1}));
}

TEST_CASE("block_works consults a component only when it can matter", "[block]") {
  States first_down{{0}};
  CHECK_FALSE(nines::block_works(Block::series({c(0), c(1), c(2)}), first_down));
  CHECK(first_down.calls == 1);
  States all_up{{}};
  CHECK(nines::block_works(Block::parallel({c(0), c(1), c(2)}), all_up));
  CHECK(all_up.calls == 1);
  // 2-of-4 with the first three down: after two failures only two children remain, both
  // needed; after the third failure it cannot reach 2 and stops without asking the fourth.
  States three_down{{0, 1, 2}};
  CHECK_FALSE(nines::block_works(Block::k_of_n(2, {c(0), c(1), c(2), c(3)}), three_down));
  CHECK(three_down.calls == 3);
}

TEST_CASE("components_in_path_order lists each component once, depth first", "[block]") {
  const Block path = Block::series(
      {c(4), Block::parallel({c(2), Block::series({c(9), c(4)})}), Block::k_of_n(1, {c(2), c(0)})});
  CHECK(nines::components_in_path_order(path) == std::vector<std::uint32_t>{4, 2, 9, 0});
  CHECK(nines::components_in_path_order(c(3)) == std::vector<std::uint32_t>{3});
  CHECK(nines::components_in_path_order(Block::series({})).empty());
}

TEST_CASE("to_string writes the compact human form", "[block]") {
  const std::vector<std::string> names = {"lb", "api[1]", "api[2]", "db[1]", "db[2]", "db[3]"};
  const Block path =
      Block::series({c(0), Block::parallel({c(1), c(2)}), Block::k_of_n(2, {c(3), c(4), c(5)})});
  CHECK(nines::to_string(path, names) ==
        "series(lb, parallel(api[1], api[2]), 2-of-3(db[1], db[2], db[3]))");
  CHECK(nines::to_string(c(1), names) == "api[1]");
  // An index without a name is shown by number rather than read out of range.
  CHECK(nines::to_string(Block::series({c(0), c(17)}), names) == "series(lb, #17)");
  CHECK(nines::to_string(Block::parallel({}), names) == "parallel()");
  CHECK(nines::to_string(Block::k_of_n(0, {}), {}) == "0-of-0()");
}

TEST_CASE("CompiledBlock numbers components locally in path order", "[block]") {
  const Block path = Block::series({c(40), Block::parallel({c(7), c(40)}), c(1000)});
  const CompiledBlock compiled(path);
  CHECK(compiled.components() == std::vector<std::uint32_t>{40, 7, 1000});
  CHECK(compiled.size() == 3);
  CHECK(compiled.words() == 1);
  std::uint64_t down = 0;
  CHECK(compiled.works(&down));
  nines::set_bit(&down, 1);  // local 1 = component 7: the parallel still has 40
  CHECK(compiled.works(&down));
  nines::set_bit(&down, 2);  // component 1000
  CHECK_FALSE(compiled.works(&down));
  nines::clear_bit(&down, 2);
  CHECK(compiled.works(&down));
  CHECK(nines::bit_set(&down, 1));
  CHECK_FALSE(nines::bit_set(&down, 2));

  std::vector<Block> wide;
  for (std::uint32_t i = 0; i < 65; ++i) wide.push_back(c(i));
  const CompiledBlock wide_compiled(Block::series(wide));
  CHECK(wide_compiled.words() == 2);
  std::vector<std::uint64_t> state(2, 0);
  CHECK(wide_compiled.works(state.data()));
  nines::set_bit(state.data(), 64);  // the 65th component, in the second word
  CHECK(state[1] == 1);
  CHECK_FALSE(wide_compiled.works(state.data()));
  CHECK(CompiledBlock(Block::series(std::vector<Block>(64, c(3)))).words() == 1);
}

TEST_CASE("CompiledBlock::works equals block_works on random trees and states", "[block]") {
  std::mt19937_64 rng(20260412);
  for (int tree = 0; tree < 400; ++tree) {
    // Pools up to 90 components, so some states span two words.
    const auto pool = static_cast<std::uint32_t>(1 + rng() % 90);
    const Block block = random_block(rng, 5, pool);
    const CompiledBlock compiled(block);
    const auto& local = compiled.components();
    std::unordered_map<std::uint32_t, std::size_t> local_of;
    for (std::size_t i = 0; i < local.size(); ++i) local_of[local[i]] = i;
    CHECK(local_of.size() == local.size());  // each component once
    for (int trial = 0; trial < 50; ++trial) {
      std::vector<std::uint64_t> down(std::max<std::size_t>(1, compiled.words()), 0);
      // Failure rates from none to all, so both outcomes occur.
      const double rate = trial / 49.0;
      std::bernoulli_distribution fails(rate);
      for (std::size_t i = 0; i < local.size(); ++i)
        if (fails(rng)) nines::set_bit(down.data(), i);
      const auto up = [&](std::uint32_t global) {
        return !nines::bit_set(down.data(), local_of.at(global));
      };
      INFO("tree " << tree << ", trial " << trial);
      REQUIRE(compiled.works(down.data()) == nines::block_works(block, up));
    }
  }
}
