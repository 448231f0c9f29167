#pragma once
// The exact distribution of one component's downtime in a window (README "How the exact values
// over time are computed"): exponential failures (rate lambda), a fixed detection delay d that
// needs nothing, exponential repair (rate mu), unlimited crews, the component up at the start
// of the window [0, T]. D is the downtime inside the window (an outage still running at T
// counts up to T).
//
//   P(D <= x) = sum_{n >= 0} Poisson(n; lambda (T - x)) * P(Gamma(n, mu) <= x - n d),
//
// with the n = 0 term 1 (for x >= 0) and the terms with x - n d < 0 equal to 0.
//
// Derivation (the up-time clock). Let U(t) be the time the component has been up in [0, t],
// so D = T - U(T), and D <= x exactly when U(T) >= s = T - x: the up-time reaches s by time
// T. Measured on the up-time clock, failures form a Poisson process of rate lambda (each up
// period is exponential and memoryless, and the clock stands still while the component is
// down), so the number N of failures before the up-time reaches s is Poisson(lambda s), and
// it is independent of the outages' lengths. Each of those outages lasts d + R_i with R_i ~
// Exp(mu) independent, and the wall-clock time at which the up-time reaches s is
//   tau_s = s + N d + (R_1 + ... + R_N),   R_1 + ... + R_N ~ Gamma(N, mu) (0 when N = 0).
// So P(D <= x) = P(tau_s <= T) = P(N d + Gamma(N, mu) <= x), summed over N. (For x >= T the
// probability is 1, for x < 0 it is 0; P(D = 0) = exp(-lambda T), the n = 0 term at x = 0.)
// The terms stop at n = floor(x / d), and the Poisson tail beyond is counted whole in the
// complement:
//   P(D > x) = sum_{n = 1}^{n*} Poisson(n; lambda s) Q(n, mu (x - n d)) + P(N > n*),
// with Q the regularised upper incomplete gamma function, so both sides keep their digits.
//
// This is the exact "first window meets its time budget" probability of a one-component
// service that starts fresh: with a target a and a window T, the budget is x = (1 - a) T.
namespace nines {

struct DowntimeProbability {
  double within = 1;  // P(D <= x)
  double beyond = 0;  // P(D > x), computed on its own
};

// Throws std::invalid_argument unless failure_rate >= 0, detection_delay >= 0, repair_rate >
// 0 and window > 0 (all finite), or when lambda (T - x) is so large (over 1e7 expected
// failures in the window) that the series would need too many terms.
DowntimeProbability window_downtime_within(double failure_rate, double detection_delay,
                                           double repair_rate, double window, double budget);

}  // namespace nines
