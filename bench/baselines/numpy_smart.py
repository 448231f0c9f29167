#!/usr/bin/python3
"""NumPy with one uniform per request, the same idea as nines but in floating point.

q_k = r_1...r_{k-1} (1 - r_k) is the probability that component k fails first; with the
cumulative sums c_k = q_1 + ... + q_k, a uniform u fails the request at the first k with
u < c_k, which is searchsorted(c, u, side='right'); the index K means success. Blocks of 4M
requests keep memory bounded.
"""
import numpy as np

from common import Timer, parse_args, report


def main():
    args = parse_args(__doc__.splitlines()[0])
    k = args.components
    r = np.full(k, args.reliability)
    survive_before = np.concatenate(([1.0], np.cumprod(r)[:-1]))
    cumulative = np.cumsum(survive_before * (1.0 - r))
    block = int(args.block or 1 << 22)
    rng = np.random.default_rng(args.seed)
    counts = np.zeros(k + 1, dtype=np.int64)
    with Timer() as timer:
        done = 0
        while done < args.requests:
            rows = min(block, args.requests - done)
            index = np.searchsorted(cumulative, rng.random(rows), side="right")
            counts += np.bincount(index, minlength=k + 1)
            done += rows
    report("numpy_smart", args, counts[:k], counts[k], timer.seconds)


if __name__ == "__main__":
    main()
