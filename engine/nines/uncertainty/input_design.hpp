#pragma once
// The uniform draws behind an uncertainty analysis: `rows` x `factors` numbers in (0, 1),
// row-major, from a counter-based stream keyed by the seed, so they are the same on every
// machine and for any thread count (they are made serially, before any evaluation).
//  - plain: independent uniforms;
//  - latin_hypercube (McKay, Beckman and Conover 1979): each factor's column has exactly one
//    value in each of the `rows` equal strata of (0, 1), in a random order per column, at a
//    random point within its stratum. Every marginal is then stratified: means and quantiles
//    of monotone responses converge faster than with plain sampling.
// `matrix` names independent designs of the same seed (the A and B matrices of the Sobol
// estimators are 0 and 1).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nines {

enum class DesignKind { latin_hypercube, plain };

std::string to_string(DesignKind kind);

std::vector<double> uniform_design(DesignKind kind, std::size_t rows, std::size_t factors,
                                   std::uint64_t seed, std::uint32_t matrix);

}  // namespace nines
