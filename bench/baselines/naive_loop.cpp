// The naive C++ chain simulation: one Bernoulli draw per component per request from a
// single mt19937_64, stopping at the first failing component. Single-threaded.
//
//   naive_loop K R N SEED
//
// prints one JSON line in the format of the Python baselines (see common.py); `seconds`
// times the sampling loop only.
#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: naive_loop K R N SEED\n");
    return 2;
  }
  const long k = std::strtol(argv[1], nullptr, 10);
  const double r = std::strtod(argv[2], nullptr);
  const auto n = static_cast<std::uint64_t>(std::strtod(argv[3], nullptr));
  const auto seed = static_cast<std::uint64_t>(std::strtoull(argv[4], nullptr, 10));
  if (k < 1 || !(r > 0.0 && r <= 1.0) || n < 1) {
    std::fprintf(stderr, "naive_loop: need K >= 1, 0 < R <= 1, N >= 1\n");
    return 2;
  }

  boost::random::mt19937_64 engine(seed);
  // bernoulli(p) is true with probability p: true means the component works.
  std::vector<boost::random::bernoulli_distribution<double>> works(
      static_cast<std::size_t>(k), boost::random::bernoulli_distribution<double>(r));
  std::vector<std::uint64_t> failures(static_cast<std::size_t>(k), 0);
  std::uint64_t successes = 0;

  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < n; ++i) {
    bool ok = true;
    for (std::size_t c = 0; c < works.size(); ++c) {
      if (!works[c](engine)) {
        ++failures[c];
        ok = false;
        break;
      }
    }
    successes += ok ? 1 : 0;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::printf(
      "{\"impl\": \"naive_loop\", \"n\": %llu, \"seed\": %llu, \"components\": %ld, "
      "\"reliability\": %.17g, \"failures\": [",
      static_cast<unsigned long long>(n), static_cast<unsigned long long>(seed), k, r);
  for (std::size_t c = 0; c < failures.size(); ++c)
    std::printf("%s%llu", c ? ", " : "", static_cast<unsigned long long>(failures[c]));
  std::printf("], \"successes\": %llu, \"seconds\": %.9g, \"requests_per_second\": %.9g}\n",
              static_cast<unsigned long long>(successes), seconds,
              seconds > 0 ? static_cast<double>(n) / seconds : 0.0);
  return 0;
}
