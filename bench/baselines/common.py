"""Argument parsing and output shared by the Python baselines.

Every baseline takes the same arguments and prints one JSON line:
  {"impl": ..., "n": N, "seed": S, "components": K, "failures": [c_0, ..., c_{K-1}],
   "successes": s, "seconds": t, "requests_per_second": N / t}
where c_k counts the requests whose first failing component is k and `seconds` times only
the sampling loop (not interpreter start-up or `import numpy`), which favours the baseline.
"""
import argparse
import json
import time


def parse_args(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--components", "-k", type=int, required=True, help="chain length K")
    parser.add_argument("--reliability", "-r", type=float, required=True,
                        help="reliability of every component (probability it works)")
    parser.add_argument("--requests", "-n", type=float, required=True, help="requests (1e7 ok)")
    parser.add_argument("--seed", "-s", type=int, default=1)
    parser.add_argument("--block", type=float, default=None, help="rows per block")
    args = parser.parse_args()
    args.requests = int(args.requests)
    if args.components < 1 or not 0.0 < args.reliability <= 1.0 or args.requests < 1:
        parser.error("need K >= 1, 0 < r <= 1 and n >= 1")
    return args


def report(impl, args, failures, successes, seconds):
    print(json.dumps({
        "impl": impl,
        "n": args.requests,
        "seed": args.seed,
        "components": args.components,
        "reliability": args.reliability,
        "failures": [int(c) for c in failures],
        "successes": int(successes),
        "seconds": seconds,
        "requests_per_second": args.requests / seconds if seconds > 0 else None,
    }))


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
