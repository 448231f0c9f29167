#pragma once
// The bad quiet slices of an SLO budgeted by timeslices, drawn directly instead of through the
// slice tree (sample/alert_evaluator.cpp).
//
// A slice in which every component of the SLO's scope is up has independent Poisson errors F
// and good requests G of means p n and (1 - p) n (p the scope's quiet error probability, n the
// slice's expected requests). It is bad when F (1 - t) > t G (t = 1 - time_slice_target), an
// event of probability P(n) independent of every other slice's. Where the quiet bound cannot
// skip such slices (low traffic, a slice target near the quiet error ratio), deciding them one
// by one through the tree costs a tree refinement per slice: a year of 10-second slices at night
// traffic is millions. Their badness is instead drawn as Bernoulli trials of probability P(n),
// by geometric skipping over runs of slices with the same n, at a cost in proportion to the bad
// ones. This is exact in distribution; the counts of those slices are not drawn (an SLO needs
// only which slices are bad).
#include <array>
#include <cstdint>
#include <vector>

#include "nines/sample/outage_streams.hpp"
#include "nines/sample/scope_rates.hpp"

namespace nines {

// P(F (1 - t) > t G) for independent Poisson F, G of means p n and (1 - p) n.
double quiet_bad_probability(double p, double threshold, double n);

class QuietSlices {
 public:
  // A scope with quiet error probability p and `share` of the traffic, slices of `slice`
  // seconds (dividing a day), a horizon of `horizon` seconds, a bad slice's error-ratio
  // threshold t.
  QuietSlices(double p, double threshold, double share, double slice, double horizon,
              const TrafficIntegral& traffic);

  // Appends to `bad` (sorted, disjoint inclusive ranges of 1-based slice ends) the bad ones
  // among `ends` (the same form), drawn from `stream`.
  void draw(const std::vector<std::array<std::uint64_t, 2>>& ends, OutageStream& stream,
            std::vector<std::array<std::uint64_t, 2>>& bad);

  // P(slice end e is bad) while quiet.
  double probability(std::uint64_t e);

 private:
  double expected_requests(std::uint64_t e) const;

  double p_, threshold_, share_, slice_, horizon_;
  const TrafficIntegral* traffic_;
  std::uint64_t per_week_ = 0;
  std::vector<double> week_;  // P per slice of the week, NaN until needed
};

}  // namespace nines
