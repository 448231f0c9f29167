#!/usr/bin/python3
"""The straightforward NumPy chain simulation: one uniform per component per request.

Component k works with probability r_k, i.e. it fails when its uniform u >= r_k. A request
fails at the first failing component, found with argmax over the row's boolean failure mask
(argmax returns the first True), and succeeds when the row has no failure at all. Requests
are processed in blocks of rows so memory stays bounded (1M rows x K doubles per block).
"""
import numpy as np

from common import Timer, parse_args, report


def main():
    args = parse_args(__doc__.splitlines()[0])
    k = args.components
    r = np.full(k, args.reliability)
    block = int(args.block or 1 << 20)
    rng = np.random.default_rng(args.seed)
    counts = np.zeros(k, dtype=np.int64)
    successes = 0
    with Timer() as timer:
        done = 0
        while done < args.requests:
            rows = min(block, args.requests - done)
            fails = rng.random((rows, k)) >= r
            failed = fails.any(axis=1)
            first = fails.argmax(axis=1)
            counts += np.bincount(first[failed], minlength=k)
            successes += rows - int(np.count_nonzero(failed))
            done += rows
    report("numpy_plain", args, counts, successes, timer.seconds)


if __name__ == "__main__":
    main()
