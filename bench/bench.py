"""The nines benchmark harness (issue 3). Run it through bench/run; see bench/README.md.

Builds nines in Release (and the C++ baseline), generates the scenarios, runs every case
several times with the cases interleaved so that a noisy neighbour slows all of them alike,
and reports medians, speed-up ratios measured in the same run, peak RSS and PASS/FAIL rows
for the performance targets. Every run's counts are also checked against the analytic
first-failure probabilities, so a fast but wrong implementation cannot pass.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import structures  # noqa: E402  (bench/structures.py: the structure cases of issue 10)
import outages  # noqa: E402  (bench/outages.py: the time-run cases of issue 11)
import uncertainty  # noqa: E402  (bench/uncertainty.py: nines uncertainty, issue 13)
ROOT = BENCH.parent
SECTIONS = ("chains", "structures", "outages", "uncertainty")
BASELINES = BENCH / "baselines"

Z_LIMIT = 5.0
# Two-sided tail of |z| >= 5 under the normal law: the limit of the small-count Poisson test.
P_LIMIT = math.erfc(Z_LIMIT / math.sqrt(2))

# (K, r) chains of the main table; the high-reliability chain only runs nines none/failures.
CHAINS = [(8, 0.9), (8, 0.999), (50, 0.9), (50, 0.999)]
HIGH_RELIABILITY = (8, 0.99999)
HIGH_RELIABILITY_SKIP_FACTOR = 100
# The per-request `none` and `dense` runs feed the two ratio targets (2 threads / 1 thread,
# dense / none). At n_nines (1e8) the fastest of them last under 0.1 s, where process start-up
# and the machine's hiccups are a large part of the time; 10x the requests makes every one of
# them last about a second or more.
RATIO_RUN_FACTOR = 10
# Peak-RSS flatness: every record mode on a typical chain (where nines skips for none and
# failures), none on a chain it samples per request, and failures on the chain where 99.5% of
# requests fail, the worst case for the failure buffers.
RSS_CASES = [(8, 0.999, "none"), (8, 0.9, "none"), (8, 0.999, "dense"), (8, 0.999, "failures"),
             (50, 0.9, "failures")]

TARGETS = {
    "vs_numpy_plain": 25.0,
    "vs_numpy_smart": 5.0,
    "thread_scaling": 1.8,
    "dense_vs_none": 0.5,
    "rss_mib": 256.0,
    "failures_vs_none": 10.0,
}


# ----------------------------------------------------------------------------- analytics

def first_failure_probabilities(k: int, r: float) -> list[float]:
    """q_j = r^j (1 - r): the probability that component j is the first to fail."""
    q, survive = [], 1.0
    for _ in range(k):
        q.append(survive * (1.0 - r))
        survive *= r
    return q


def _poisson_cdf(x: int, mean: float) -> float:
    term = math.exp(-mean)
    total = term
    for j in range(1, x + 1):
        term *= mean / j
        total += term
    return min(total, 1.0)


def count_test(observed: int, n: int, q: float) -> dict:
    """Is `observed` a plausible Binomial(n, q) draw? |z| < 5. Where the expected count is too
    small for the normal law (variance < 25), z is the normal deviate with the same two-sided
    tail probability as the exact Poisson tail, so the same |z| < 5 applies."""
    reported = {"observed": observed, "expected": n * q}
    if n * (1 - q) < n * q:  # test the rarer side: successes instead of failures
        observed, q = n - observed, 1 - q
    mean = n * q
    var = n * q * (1 - q)
    z = (observed - mean) / math.sqrt(var) if var > 0 else (0.0 if observed == mean else math.inf)
    if var >= 25:
        ok = abs(z) < Z_LIMIT
    elif observed > mean + 50 * math.sqrt(mean) + 50:
        ok = False
    else:
        low = _poisson_cdf(observed, mean)
        high = 1.0 - (_poisson_cdf(observed - 1, mean) if observed > 0 else 0.0)
        p = min(1.0, 2 * min(low, high))
        ok = p > P_LIMIT
        z = math.copysign(-statistics.NormalDist().inv_cdf(max(p, 1e-300) / 2), observed - mean)
    return {**reported, "z": z if reported["observed"] == observed else -z, "ok": ok}


def check_counts(failures: list[int], successes: int, n: int, k: int, r: float) -> dict:
    q = first_failure_probabilities(k, r)
    problems = []
    if len(failures) != k:
        return {"ok": False, "max_abs_z": math.inf, "problems": [f"{len(failures)} counts, want {k}"]}
    if sum(failures) + successes != n:
        problems.append(f"counts sum to {sum(failures) + successes}, want n = {n}")
    tests = [count_test(c, n, qk) for c, qk in zip(failures, q)]
    total = count_test(sum(failures), n, sum(q))
    for j, t in enumerate(tests):
        if not t["ok"]:
            problems.append(f"component {j}: {t['observed']} failures, expected {t['expected']:.1f} (z = {t['z']:.2f})")
    if not total["ok"]:
        problems.append(f"total: {total['observed']} failures, expected {total['expected']:.1f} (z = {total['z']:.2f})")
    max_z = max(abs(t["z"]) for t in tests + [total])
    return {"ok": not problems, "max_abs_z": max_z, "total_z": total["z"], "problems": problems}


# ----------------------------------------------------------------------------- processes

@dataclasses.dataclass
class Measured:
    wall: float
    cpu: float
    maxrss_kib: int
    returncode: int
    stdout: str
    stderr: str


def run_measured(rusage_exec: Path, cmd: list[str], workdir: Path) -> Measured:
    """Runs cmd under rusage_exec (see rusage_exec.cpp for why not os.wait4 from here) and
    returns its wall time, CPU time and peak resident set size."""
    usage_file = workdir / "rusage.txt"
    with tempfile.TemporaryFile("w+", dir=workdir) as out, tempfile.TemporaryFile("w+", dir=workdir) as err:
        proc = subprocess.run([str(rusage_exec), str(usage_file), *cmd], stdout=out, stderr=err,
                              stdin=subprocess.DEVNULL)
        out.seek(0)
        err.seek(0)
        wall, cpu, maxrss = usage_file.read_text().split()
        usage_file.unlink()
        return Measured(float(wall), float(cpu), int(maxrss), proc.returncode, out.read(), err.read())


def run_checked(cmd: list[str], what: str, cwd: Path | None = None) -> None:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"bench: {what} failed (exit {proc.returncode}): {' '.join(cmd)}")


# ----------------------------------------------------------------------------- builds

def build_nines(build_root: Path, native: bool) -> Path:
    build = build_root / ("native" if native else "release")
    generator = ["-G", "Ninja"] if shutil.which("ninja") else []
    log(f"building nines ({'native' if native else 'release'}) in {build}")
    run_checked(["cmake", "-S", str(ROOT), "-B", str(build), *generator,
                 "-DCMAKE_BUILD_TYPE=Release", "-DNINES_BUILD_TESTS=OFF",
                 # The engine is edited while we measure; a new warning must not stop the bench.
                 "-DNINES_WARNINGS_AS_ERRORS=OFF",
                 f"-DNINES_NATIVE={'ON' if native else 'OFF'}"], "cmake configure")
    try:
        run_checked(["cmake", "--build", str(build), "--target", "nines"], "cmake build")
    except SystemExit:
        if (build / "nines").exists():
            log(f"the engine does not build now; `--nines {build / 'nines'}` measures the last build that did")
        raise
    return build / "nines"


def build_tool(build_root: Path, source: Path, name: str, flags: list[str]) -> Path:
    out_dir = build_root / "bin"
    out_dir.mkdir(parents=True, exist_ok=True)
    binary = out_dir / name
    if not binary.exists() or binary.stat().st_mtime < source.stat().st_mtime:
        cxx = os.environ.get("CXX", "g++")
        log(f"building {binary} with {cxx}")
        run_checked([cxx, "-O3", "-DNDEBUG", "-std=c++20", *flags, "-o", str(binary), str(source)],
                    f"{name} build")
    return binary


def build_tools(build_root: Path, native: bool) -> tuple[Path, Path]:
    """Builds rusage_exec and naive_loop; returns their paths."""
    rusage_exec = build_tool(build_root, BENCH / "rusage_exec.cpp", "rusage_exec", [])
    return rusage_exec, build_tool(build_root, BASELINES / "naive_loop.cpp",
                      "naive_loop-native" if native else "naive_loop",
                      ["-march=native"] if native else [])


# ----------------------------------------------------------------------------- cases

@dataclasses.dataclass
class Case:
    section: str  # "throughput", "rss", "check"
    impl: str     # nines, numpy_plain, numpy_smart, naive_loop
    k: int
    r: float
    n: int
    mode: str = "-"   # nines --record mode
    threads: int = 1
    sampler: str = "auto"  # nines --sampler (auto lets nines choose; see engine/nines/model/sampler_kind.hpp)

    @property
    def chain(self) -> str:
        return f"K={self.k} r={self.r:g}"

    @property
    def key(self) -> str:
        return f"{self.section}/{self.chain}/{self.impl}/{self.mode}/{self.sampler}/t{self.threads}/n{self.n}"

    def label(self) -> str:
        what = self.impl
        if self.impl == "nines":
            what = f"nines --record {self.mode} -t {self.threads}"
            what += f" --sampler {self.sampler}" if self.sampler != "auto" else ""
        return f"{self.chain:<14} {what:<50} n={fmt_count(self.n)}"


def scenario_file(workdir: Path, k: int, r: float) -> Path:
    name = f"bench-k{k}-r{r:g}"
    path = workdir / f"{name}.yaml"
    if not path.exists():
        lines = ["format_version: 1", f"name: {name}", "components:"]
        for j in range(k):
            lines += [f"  - name: c{j}", f"    reliability: {r!r}"]
        path.write_text("\n".join(lines) + "\n")
    return path


class Runner:
    def __init__(self, nines: Path, naive: Path, rusage_exec: Path, workdir: Path,
                 check_records: bool = False):
        self.nines, self.naive, self.rusage_exec, self.workdir = nines, naive, rusage_exec, workdir
        self.check_records = check_records

    def command(self, case: Case, seed: int, output: Path) -> list[str]:
        if case.impl == "nines":
            return [str(self.nines), "run", str(scenario_file(self.workdir, case.k, case.r)),
                    "-n", str(case.n), "--seed", str(seed), "--threads", str(case.threads),
                    "-o", str(output), "--record", case.mode, "--quiet", "--force", "--json"] + \
                   (["--sampler", case.sampler] if case.sampler != "auto" else [])
        if case.impl == "naive_loop":
            return [str(self.naive), str(case.k), repr(case.r), str(case.n), str(seed)]
        return [sys.executable, str(BASELINES / f"{case.impl}.py"), "-k", str(case.k),
                "-r", repr(case.r), "-n", str(case.n), "--seed", str(seed)]

    def run(self, case: Case, seed: int) -> dict:
        output = self.workdir / "run.h5"
        measured = run_measured(self.rusage_exec, self.command(case, seed, output), self.workdir)
        record = {"key": case.key, "seed": seed, "wall_seconds": measured.wall,
                  "cpu_seconds": measured.cpu, "peak_rss_kib": measured.maxrss_kib,
                  "returncode": measured.returncode}
        problems = []
        if measured.returncode != 0:
            problems.append(f"exit {measured.returncode}: {measured.stderr.strip()[-500:]}")
        else:
            try:
                data = json.loads(measured.stdout.strip().splitlines()[-1])
                failures, successes = self.counts(case, data, problems)
                record.update(failures=failures, successes=successes)
                # Engines without a choice of sampler always drew per request.
                record["sampler"] = (data["run"].get("sampler", "per-request") if case.impl == "nines"
                                     else None)
                record["internal_seconds"] = (data["run"]["elapsed_seconds"] if case.impl == "nines"
                                              else data["seconds"])
                check = check_counts(failures, successes, case.n, case.k, case.r)
                record["max_abs_z"] = check["max_abs_z"]
                problems += check["problems"]
                if self.check_records and case.impl == "nines" and case.mode != "none":
                    problems += check_record_file(output, case, failures, successes)
            except (ValueError, KeyError, IndexError) as error:
                problems.append(f"unreadable output ({error!r}): {measured.stdout[:300]!r}")
        output.unlink(missing_ok=True)
        record["problems"] = problems
        return record

    @staticmethod
    def counts(case: Case, data: dict, problems: list[str]) -> tuple[list[int], int]:
        if case.impl != "nines":
            return [int(c) for c in data["failures"]], int(data["successes"])
        components = data["components"]
        failures = [int(c["failures"]) for c in components]
        summary = data["summary"]["service"]
        if int(summary["requests"]) != case.n:
            problems.append(f"nines ran {summary['requests']} requests, asked for {case.n}")
        if int(summary["failures"]) != sum(failures):
            problems.append(f"summary.failures {summary['failures']} != sum of components {sum(failures)}")
        # nines' own expectation must be ours: catches a scenario read differently than written.
        for j, (c, q) in enumerate(zip(components, first_failure_probabilities(case.k, case.r))):
            if not math.isclose(float(c["expected_failures"]), case.n * q, rel_tol=1e-9):
                problems.append(f"component {j}: nines expects {c['expected_failures']}, bench {case.n * q}")
        return failures, int(summary["requests"]) - int(summary["failures"])


def check_record_file(path: Path, case: Case, failures: list[int], successes: int) -> list[str]:
    """The recorded outcomes in the HDF5 file must add up to the counts nines reported."""
    try:
        import h5py
        import numpy as np
    except ImportError:
        return []
    with h5py.File(path, "r") as f:
        if case.mode == "dense":
            outcome = f["requests/failed_component"][...].astype(np.int64)
            got = np.bincount(outcome + 1, minlength=case.k + 1)
            got_failures, got_successes = got[1:].tolist(), int(got[0])
            if outcome.size != case.n:
                return [f"dense file has {outcome.size} outcomes, want {case.n}"]
        else:
            requests = f["failures/request"][...]
            components = f["failures/component"][...].astype(np.int64)
            if requests.size and (np.any(np.diff(requests.astype(np.int64)) <= 0) or requests[-1] >= case.n):
                return ["failures/request is not strictly increasing within [0, n)"]
            got_failures = np.bincount(components, minlength=case.k).tolist()
            got_successes = case.n - int(components.size)
    if got_failures != failures or got_successes != successes:
        return [f"{case.mode} file counts {got_failures}+{got_successes} differ from the JSON summary"]
    return []


# ----------------------------------------------------------------------------- plans

def throughput_cases(n_nines: int, n_base: int, skips: set[tuple[int, float, str]]) -> list[Case]:
    """skips: the (K, r, mode) for which nines' automatic choice is the geometric skip; those
    also run with --sampler per-request, so the per-request kernel is measured everywhere."""
    cases = []

    def nines(k, r, mode):
        # On the high-reliability chain a skipping run of n_nines requests would be mostly
        # process start-up; 100x the requests measure its real rate (rates are per request).
        skip = (k, r, mode) in skips
        n_per_request = n_nines * RATIO_RUN_FACTOR if mode in ("none", "dense") else n_nines
        n_auto = n_nines * HIGH_RELIABILITY_SKIP_FACTOR if skip and (k, r) == HIGH_RELIABILITY else \
            n_nines if skip else n_per_request
        for threads in (1, 2):
            cases.append(Case("throughput", "nines", k, r, n_auto, mode, threads))
            if skip:
                cases.append(Case("throughput", "nines", k, r, n_per_request, mode, threads, "per-request"))

    for k, r in CHAINS:
        for mode in ("none", "dense", "failures"):
            nines(k, r, mode)
        for impl in ("numpy_plain", "numpy_smart", "naive_loop"):
            cases.append(Case("throughput", impl, k, r, n_base))
    k, r = HIGH_RELIABILITY
    for mode in ("none", "failures"):
        nines(k, r, mode)
    return cases


def probe_samplers(runner: Runner) -> set[tuple[int, float, str]]:
    """Which (K, r, mode) nines' --sampler auto runs with the geometric skip (empty for an
    engine without the --sampler option)."""
    help_text = subprocess.run([str(runner.nines), "run", "--help"], capture_output=True, text=True).stdout
    if "--sampler" not in help_text:
        log("this nines has no --sampler option: every run draws per request")
        return set()
    skips = set()
    for k, r in CHAINS + [HIGH_RELIABILITY]:
        for mode in ("none", "failures"):
            record = runner.run(Case("probe", "nines", k, r, 10_000, mode, 1), 1)
            if record["problems"]:
                raise SystemExit(f"bench: probe run failed: {record['problems']}")
            if record["sampler"] != "per-request":
                skips.add((k, r, mode))
    log("nines --sampler auto skips for: " + (", ".join(f"K={k} r={r:g} {m}" for k, r, m in sorted(skips)) or "nothing"))
    return skips


def rss_cases(sizes: list[int], threads: int) -> list[Case]:
    return [Case("rss", "nines", k, r, n, mode, threads) for n in sizes for k, r, mode in RSS_CASES]


def check_cases(n_nines: int, n_base: int, skips: set[tuple[int, float, str]]) -> list[Case]:
    cases = []
    for k, r in CHAINS + [HIGH_RELIABILITY]:
        for mode in ("none", "dense", "failures"):
            for threads in (1, 2):
                cases.append(Case("check", "nines", k, r, n_nines, mode, threads))
                if (k, r, mode) in skips:
                    cases.append(Case("check", "nines", k, r, n_nines, mode, threads, "per-request"))
        if (k, r) in CHAINS:
            for impl in ("numpy_plain", "numpy_smart", "naive_loop"):
                cases.append(Case("check", impl, k, r, n_base))
    return cases


# ----------------------------------------------------------------------------- reporting

def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def fmt_count(n: int) -> str:
    exponent = int(math.floor(math.log10(n))) if n > 0 else 0
    mantissa = n / 10 ** exponent
    return f"1e{exponent}" if mantissa == 1 else f"{mantissa:g}e{exponent}"


def summarize(cases: list[Case], records: list[dict]) -> dict[str, dict]:
    by_key: dict[str, dict] = {}
    for case in cases:
        runs = [r for r in records if r["key"] == case.key]
        good = [r for r in runs if r["returncode"] == 0]
        walls = [r["wall_seconds"] for r in good]
        used = sorted({r["sampler"] for r in good if r.get("sampler")})
        by_key[case.key] = {
            "case": dataclasses.asdict(case),
            "reps": len(runs),
            "sampler_used": "/".join(used) or None,
            "median_wall_seconds": statistics.median(walls) if walls else None,
            "min_wall_seconds": min(walls) if walls else None,
            "max_wall_seconds": max(walls) if walls else None,
            # nines: n / process wall time (start-up and file close included);
            # baselines: n / their own timed loop (interpreter start-up and imports excluded).
            "median_rate": statistics.median(
                case.n / (r["wall_seconds"] if case.impl == "nines" else r["internal_seconds"])
                for r in good) if good else None,
            "peak_rss_mib": max(r["peak_rss_kib"] for r in runs) / 1024 if runs else None,
            "median_cpu_utilization": statistics.median(r["cpu_seconds"] / r["wall_seconds"] for r in good) if good else None,
            "max_abs_z": max((r.get("max_abs_z", math.inf) for r in runs), default=math.inf),
            "problems": sorted({p for r in runs for p in r["problems"]}),
        }
    return by_key


def find(summary: dict, section: str, k: int, r: float, impl: str, mode: str = "-", threads: int = 1,
         sampler: str | None = None, used: str | None = None) -> dict | None:
    """The summary entry of a case; sampler filters on the --sampler asked for, used on the
    sampler nines reported it ran with."""
    for s in summary.values():
        c = s["case"]
        if (c["section"], c["k"], c["r"], c["impl"], c["mode"], c["threads"]) == (section, k, r, impl, mode, threads) \
                and (sampler is None or c["sampler"] == sampler) and (used is None or s["sampler_used"] == used):
            return s
    return None


def rate(*args, **kwargs) -> float | None:
    s = find(*args, **kwargs)
    return s["median_rate"] if s else None


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


PER_REQUEST = "per-request"


def targets(summary: dict, rss_n: int | None) -> list[dict]:
    """The issue-3 targets. Sampling-only rates are those of the per-request sampler (one draw
    per request, like the baselines); where nines' automatic choice is the geometric skip, an
    extra row shows what a user gets by default."""
    rows = []

    def add(name: str, value: float | None, limit: float | None, unit: str = "x", lower_is_better: bool = False):
        if limit is None:
            verdict = "info"
        elif value is None:
            verdict = "n/a"
        else:
            verdict = "PASS" if (value < limit if lower_is_better else value >= limit) else "FAIL"
        rows.append({"target": name, "value": value, "limit": limit, "unit": unit,
                     "comparison": "<" if lower_is_better else ">=", "verdict": verdict})

    T = "throughput"
    for r in (0.9, 0.999):
        plain, smart = rate(summary, T, 8, r, "numpy_plain"), rate(summary, T, 8, r, "numpy_smart")
        one = rate(summary, T, 8, r, "nines", "none", 1, used=PER_REQUEST)
        add(f"none, 1 thread, K=8 r={r:g}, per-request: nines / numpy_plain", ratio(one, plain), TARGETS["vs_numpy_plain"])
        add(f"none, 1 thread, K=8 r={r:g}, per-request: nines / numpy_smart", ratio(one, smart), TARGETS["vs_numpy_smart"])
        auto = find(summary, T, 8, r, "nines", "none", 1, sampler="auto")
        if auto and auto["sampler_used"] != PER_REQUEST:
            add(f"none, 1 thread, K=8 r={r:g}, auto ({auto['sampler_used']}): nines / numpy_plain",
                ratio(auto["median_rate"], plain), TARGETS["vs_numpy_plain"])
            add(f"none, 1 thread, K=8 r={r:g}, auto ({auto['sampler_used']}): nines / numpy_smart",
                ratio(auto["median_rate"], smart), TARGETS["vs_numpy_smart"])
    for k, r in CHAINS:
        add(f"none, K={k} r={r:g}, per-request: 2 threads / 1 thread",
            ratio(rate(summary, T, k, r, "nines", "none", 2, used=PER_REQUEST),
                  rate(summary, T, k, r, "nines", "none", 1, used=PER_REQUEST)),
            TARGETS["thread_scaling"])
    for k, r in CHAINS:
        add(f"2 threads, K={k} r={r:g}: dense / none (per-request)",
            ratio(rate(summary, T, k, r, "nines", "dense", 2),
                  rate(summary, T, k, r, "nines", "none", 2, used=PER_REQUEST)),
            TARGETS["dense_vs_none"])
    for mode in ("none", "dense", "failures"):
        found = [s for s in summary.values() if s["case"]["section"] == "rss"
                 and s["case"]["mode"] == mode and s["case"]["n"] == rss_n]
        worst = max(found, key=lambda s: s["peak_rss_mib"] or 0, default=None)
        chain = Case(**worst["case"]).chain if worst else "?"
        add(f"peak RSS, --record {mode}, n={fmt_count(rss_n) if rss_n else '?'} (worst: {chain})",
            worst["peak_rss_mib"] if worst else None, TARGETS["rss_mib"], "MiB", lower_is_better=True)
    k, r = HIGH_RELIABILITY
    failures_auto = find(summary, T, k, r, "nines", "failures", 2, sampler="auto")
    none_auto = find(summary, T, k, r, "nines", "none", 2, sampler="auto")
    used = failures_auto["sampler_used"] if failures_auto else "?"
    add(f"2 threads, K={k} r={r:g}: failures ({used}) / none (per-request)",
        ratio(failures_auto and failures_auto["median_rate"],
              rate(summary, T, k, r, "nines", "none", 2, used=PER_REQUEST)),
        TARGETS["failures_vs_none"])
    if none_auto and none_auto["sampler_used"] != PER_REQUEST:
        add(f"2 threads, K={k} r={r:g}: failures / none, both auto ({none_auto['sampler_used']})",
            ratio(failures_auto and failures_auto["median_rate"], none_auto["median_rate"]), None)
    failures_per_request = find(summary, T, k, r, "nines", "failures", 2, used=PER_REQUEST)
    if failures_per_request and failures_auto is not failures_per_request:
        add(f"2 threads, K={k} r={r:g}: failures / none, both per-request",
            ratio(failures_per_request["median_rate"], rate(summary, T, k, r, "nines", "none", 2, used=PER_REQUEST)),
            None)
    return rows


def fmt(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float) and math.isinf(value):
        return "inf"
    return f"{value:.{digits}f}"


def render_table(headers: list[str], rows: list[list[str]], markdown: bool, right: set[int]) -> str:
    if markdown:
        def cell(text):
            return text.replace("|", "\\|")
        headers, rows = [cell(h) for h in headers], [[cell(c) for c in row] for row in rows]
        lines = ["| " + " | ".join(headers) + " |",
                 "|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def report_text(summary: dict, target_rows: list[dict], meta: dict, markdown: bool,
                structure_summary: dict | None = None, outage_summary: dict | None = None,
                uncertainty_summary: dict | None = None) -> str:
    out = []
    if summary:
        out += chain_report(summary, meta, markdown)
    if structure_summary:
        sheaders, srows = structures.table_rows(structure_summary, fmt)
        out += [("#### " if markdown else "") + "Structures (format 2) and the chains they are compared with", "",
                render_table(sheaders, srows, markdown, right=set(range(3, len(sheaders)))), ""]
        out.append("Set-up rows run 2 requests: their time is process start-up, parsing, the exact values "
                   "(BDD, culprit distribution, importance) and the kernel's plan. Rates are n / process wall time.")
        out.append("")
    if outage_summary:
        oheaders, orows = outages.table_rows(outage_summary, fmt)
        out += [("#### " if markdown else "") + "Outages over time (format 3)", "",
                render_table(oheaders, orows, markdown, right=set(range(2, len(oheaders)))), ""]
        out.append(f"Medians of {meta['reps']} interleaved repetitions (peak-RSS runs: one each); load average "
                   f"{meta['load_before'][0]:.2f} before, {meta['load_after'][0]:.2f} after. " + outages.NOTE)
        out.append("")
    if uncertainty_summary:
        uheaders, urows = uncertainty.table_rows(uncertainty_summary, fmt)
        out += [("#### " if markdown else "") + "Uncertain inputs (`nines uncertainty`, issue 13)", "",
                render_table(uheaders, urows, markdown, right=set(range(1, len(uheaders)))), ""]
        out.append(f"Medians of {meta['reps']} interleaved repetitions; load average "
                   f"{meta['load_before'][0]:.2f} before, {meta['load_after'][0]:.2f} after. " + uncertainty.NOTE)
        out.append("")
    headers = ["target", "value", "limit", "verdict"]
    unit = {"MiB": " MiB", "s": " s", "M/s": " M/s", "T/s": " T/s", "k/s": " k/s"}
    trows = [[t["target"], fmt(t["value"], 1 if t["unit"] == "MiB" else 2) + unit.get(t["unit"], "x"),
              "-" if t["limit"] is None else f"{t['comparison']} {t['limit']:g}{unit.get(t['unit'], 'x')}",
              t["verdict"]]
             for t in target_rows]
    out += [("#### " if markdown else "") + "Targets (ratios of medians from this run)", "",
            render_table(headers, trows, markdown, right={1, 2}), ""]
    if summary:
        k, r = HIGH_RELIABILITY
        q = sum(first_failure_probabilities(k, r))
        out.append(f"Sampling-only targets use the per-request sampler, which like the baselines draws for every request; "
                   f"rows marked auto show what nines does by default where it picks the geometric skip. The failures row "
                   f"uses K={k} r={r:g}, where {q:.2e} of requests fail: if --record failures costs time per failure "
                   f"rather than per request, its rate far exceeds the per-request sampling-only rate. On that chain the "
                   f"runs that skip use {HIGH_RELIABILITY_SKIP_FACTOR}x the requests, so that process start-up does not "
                   f"dominate them.")
    return "\n".join(out)


def chain_report(summary: dict, meta: dict, markdown: bool) -> list[str]:
    """The chains' throughput and peak-RSS tables (issue 3)."""
    out = []
    T = "throughput"
    headers = ["chain", "implementation", "record", "sampler", "thr", "n", "median s", "M req/s",
               "x numpy_plain", "x numpy_smart", "x naive_loop", "peak RSS MiB", "CPU/wall", "max |z|"]
    rows = []
    for s in summary.values():
        c = s["case"]
        if c["section"] != T:
            continue
        plain = rate(summary, T, c["k"], c["r"], "numpy_plain")
        smart = rate(summary, T, c["k"], c["r"], "numpy_smart")
        naive = rate(summary, T, c["k"], c["r"], "naive_loop")
        sampler = "-"
        if c["impl"] == "nines":
            sampler = {"per-request": "per-req", "geometric-skip": "skip"}.get(s["sampler_used"], s["sampler_used"] or "?")
            sampler += " (forced)" if c["sampler"] != "auto" else ""
        rows.append([f"K={c['k']} r={c['r']:g}", c["impl"], c["mode"], sampler, str(c["threads"]), fmt_count(c["n"]),
                     fmt(s["median_wall_seconds"]), fmt(s["median_rate"] and s["median_rate"] / 1e6, 1),
                     fmt(ratio(s["median_rate"], plain), 1), fmt(ratio(s["median_rate"], smart), 1),
                     fmt(ratio(s["median_rate"], naive), 1), fmt(s["peak_rss_mib"], 0),
                     fmt(s["median_cpu_utilization"], 2), fmt(s["max_abs_z"], 2)])
    title = "Throughput" if not markdown else "#### Throughput"
    out += [title, "", render_table(headers, rows, markdown, right=set(range(4, 14))), ""]
    out.append(
        f"Medians of {meta['reps']} interleaved repetitions on {meta['cpus']} CPUs ({meta['cpu_model']}); "
        f"load average {meta['load_before'][0]:.2f} before, {meta['load_after'][0]:.2f} after. "
        f"nines ran {fmt_count(meta['n_nines'])} requests per case ({RATIO_RUN_FACTOR}x that for the per-request "
        f"none and dense runs, so that the ratio targets compare runs of a second or more; the n column says) "
        f"and its rate is n / process wall time "
        f"(start-up and HDF5 close included); the baselines ran {fmt_count(meta['n_baseline'])} requests and "
        f"their rate is n / their own timed sampling loop (Python start-up and imports excluded). All are linear "
        f"in n, so comparing rates (requests/s) across the different n is fair and, if anything, favours the "
        f"baselines. numpy_plain, numpy_smart and naive_loop are single-threaded. x columns: this row's rate over "
        f"that baseline's rate for the same chain, from this run. CPU/wall: CPU seconds per wall second "
        f"(near 2 for a 2-thread run that got both cores). sampler: what nines ran with: per-req draws once per "
        f"request, skip draws only the gaps between failures (chosen automatically for none/failures when failures are "
        f"rare); 'forced' rows pass --sampler per-request to measure the per-request kernel there too. max |z|: the largest binomial z of the per-component "
        f"and total failure counts against n*q_k over all repetitions (checks fail at |z| >= 5).")
    out.append("")
    rss_rows = []
    rss = [s for s in summary.values() if s["case"]["section"] == "rss"]
    sizes = sorted({s["case"]["n"] for s in rss})
    for k, r, mode in RSS_CASES:
        runs = {s["case"]["n"]: s for s in rss if (s["case"]["k"], s["case"]["r"], s["case"]["mode"]) == (k, r, mode)}
        if not runs:
            continue
        used = {runs[n]["sampler_used"] for n in runs}
        cells = [f"K={k} r={r:g}", mode, "/".join(sorted(u or "?" for u in used))]
        for n in sizes:
            cells += [fmt(runs[n]["peak_rss_mib"], 1), fmt(runs[n]["median_wall_seconds"], 1)]
        if len(sizes) >= 2:
            cells.append(fmt(ratio(runs[sizes[-1]]["peak_rss_mib"], runs[sizes[0]]["peak_rss_mib"]), 2))
        rss_rows.append(cells)
    if sizes:
        headers = ["chain", "record", "sampler"] + [h for n in sizes for h in (f"RSS MiB n={fmt_count(n)}", f"s n={fmt_count(n)}")] + \
                  (["RSS growth"] if len(sizes) >= 2 else [])
        title = f"Peak RSS flatness ({meta['rss_threads']} threads, {meta['rss_reps']} run each)"
        out += [("#### " if markdown else "") + title, "",
                render_table(headers, rss_rows, markdown, right=set(range(3, len(headers)))), ""]
    return out


def machine_meta() -> dict:
    cpu_model = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def git(*args):
        proc = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)
        return proc.stdout.strip() if proc.returncode == 0 else None
    try:
        import numpy
        numpy_version = numpy.__version__
    except ImportError:
        numpy_version = None
    return {"cpus": os.cpu_count(), "cpu_model": cpu_model, "git_commit": git("rev-parse", "HEAD"),
            "git_dirty": bool(git("status", "--porcelain", "--", "engine", "CMakeLists.txt")),
            "python": sys.version.split()[0], "numpy": numpy_version,
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}


def finite(value):
    """JSON has no inf or nan: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


# ----------------------------------------------------------------------------- main

def parse_count(text: str) -> int:
    value = float(text)
    if value < 1 or value != int(value):
        raise argparse.ArgumentTypeError(f"not a positive whole count: {text}")
    return int(value)


def main() -> int:
    p = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small n, 1 repetition: a smoke run under a minute")
    p.add_argument("--check-only", action="store_true",
                   help="only check statistical agreement of nines and the baselines (no timing); exit 1 on failure")
    p.add_argument("--reps", type=int, help="repetitions per case (default 3, quick 1)")
    p.add_argument("--native", action="store_true", help="build nines and naive_loop with -march=native")
    p.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    p.add_argument("--nines", type=Path, help="use this nines binary instead of building one")
    p.add_argument("--build-dir", type=Path, default=ROOT / "build-bench", help="default: build-bench/")
    p.add_argument("--workdir", type=Path, help="scratch dir for scenarios and HDF5 (default: a temp dir, deleted)")
    p.add_argument("--output", type=Path,
                   help="JSON results (default bench/results/latest.json, quick.json with --quick); "
                        "the Markdown tables go beside it as .md")
    p.add_argument("--n", type=parse_count, help="requests per nines case (default 1e8, quick 1e7)")
    p.add_argument("--n-baseline", type=parse_count, help="requests per baseline case (default 1e7, quick 1e6)")
    p.add_argument("--rss-n", type=parse_count, nargs="+", help="sizes of the RSS runs (default 1e8 1e9, quick 1e7 1e8)")
    p.add_argument("--no-rss", action="store_true", help="skip the RSS-flatness runs")
    p.add_argument("--seed", type=int, default=20240601, help="seed of the first repetition (+1 per repetition)")
    p.add_argument("--sections", nargs="+", choices=SECTIONS, default=list(SECTIONS),
                   help="which parts to run: chains (issue 3), structures (format 2, issue 10), outages "
                        "(format 3, issue 11), uncertainty (nines uncertainty, issue 13); default all")
    args = p.parse_args()

    reps = args.reps or (1 if args.quick or args.check_only else 3)
    # A smoke run must not overwrite the last full run's results.
    partial = "" if set(args.sections) == set(SECTIONS) else "-" + "-".join(s for s in SECTIONS if s in args.sections)
    args.output = args.output or BENCH / "results" / (("quick" if args.quick else "latest") + partial + ".json")
    n_nines = args.n or (10**7 if args.quick else 10**8)
    n_base = args.n_baseline or (10**6 if args.quick else 10**7)
    rss_sizes = [] if args.no_rss else (args.rss_n or ([10**7, 10**8] if args.quick else [10**8, 10**9]))
    if args.check_only:
        n_nines = args.n or (10**6 if args.quick else 10**7)

    args.build_dir.mkdir(parents=True, exist_ok=True)
    nines = args.nines.resolve() if args.nines else build_nines(args.build_dir, args.native)
    rusage_exec, naive = build_tools(args.build_dir, args.native)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="nines-bench-", dir=args.workdir))
    try:
        if args.check_only:
            return check_only(Runner(nines, naive, rusage_exec, workdir, check_records=True), n_nines, n_base,
                              args.seed, reps, args.sections, args.quick)
        return benchmark(Runner(nines, naive, rusage_exec, workdir), args, reps, n_nines, n_base, rss_sizes)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def execute(runner: Runner, cases: list[Case], reps: int, seed: int, shuffle: bool) -> list[dict]:
    records = []
    total = len(cases) * reps
    done = 0
    for rep in range(reps):
        order = list(cases)
        if shuffle:
            random.Random(seed + rep).shuffle(order)
        for case in order:
            done += 1
            record = runner.run(case, seed + rep)
            record["rep"] = rep
            records.append(record)
            status = "ok" if not record["problems"] else "PROBLEM: " + "; ".join(record["problems"])[:300]
            log(f"[{done}/{total}] {case.label()}  {record['wall_seconds']:7.2f} s  "
                f"{record['peak_rss_kib'] / 1024:6.0f} MiB  {status}")
    return records


def check_only(runner: Runner, n_nines: int, n_base: int, seed: int, reps: int, sections: list[str],
               quick: bool) -> int:
    cases = check_cases(n_nines, n_base, probe_samplers(runner)) if "chains" in sections else []
    records = execute(runner, cases, reps, seed, shuffle=False)
    failed = [r for r in records if r["problems"]]
    # Results must not depend on the thread count: same seed, same mode, same counts.
    by_key = {(r["key"], r["rep"]): r for r in records}
    for case in cases:
        if case.impl == "nines" and case.threads == 2:
            one = dataclasses.replace(case, threads=1)
            for rep in range(reps):
                a, b = by_key.get((one.key, rep)), by_key.get((case.key, rep))
                if a and b and (a.get("failures"), a.get("successes")) != (b.get("failures"), b.get("successes")):
                    b["problems"].append("counts differ between --threads 1 and --threads 2")
                    if b not in failed:
                        failed.append(b)
    # Structures: every case once, statistics only (the mix against its exact value).
    srunner = structures.StructureRunner(runner.nines, runner.rusage_exec, runner.workdir, ROOT, run_measured)
    for case in structures.cases(n_nines, quick=True) if "structures" in sections else []:
        record = srunner.run(case, seed)
        log(f"[structures] {case.label()}  " + ("ok" if not record["problems"] else "PROBLEM: " + "; ".join(record["problems"])))
        record["max_abs_z"] = abs(record.get("z", 0.0))
        records.append(record)
        if record["problems"]:
            failed.append(record)
    # Outages over time: every check once, on 1 and 2 threads (identical summaries).
    orunner = outages.OutageRunner(runner.nines, runner.rusage_exec, runner.workdir, ROOT, run_measured)
    orecords = []
    for case in outages.check_cases(quick) if "outages" in sections else []:
        record = orunner.run(case, seed)
        orecords.append(record)
        log(f"[outages] {case.label()}  " + ("ok" if not record["problems"] else "PROBLEM: " + "; ".join(record["problems"])))
    outages.check_thread_counts(orecords)
    outages.check_alerting_twins(orecords)
    records += orecords
    failed += [r for r in orecords if r["problems"]]
    # Uncertainty: the files' draws against their summaries, 1 and 2 threads identical, and a
    # linear mix against its exact mean.
    ucases = uncertainty.check_cases(quick) if "uncertainty" in sections else []
    urunner = uncertainty.UncertaintyRunner(runner.nines, runner.rusage_exec, runner.workdir,
                                            run_measured) if ucases else None
    urecords = []
    for case in ucases:
        record = urunner.run(case, seed)
        urecords.append(record)
    uncertainty.check_thread_counts(urecords)
    for case, record in zip(ucases, urecords):
        record["max_abs_z"] = abs(record["z"]) if record.get("z") is not None else 0.0
        log(f"[uncertainty] {case.label()}  " + ("ok" if not record["problems"] else "PROBLEM: " + "; ".join(record["problems"])))
    records += urecords
    failed += [r for r in urecords if r["problems"]]
    checked = len(records)
    worst = max((r.get("max_abs_z", math.inf) for r in records), default=math.inf)
    if failed:
        for r in failed:
            print(f"FAIL {r['key']} seed {r['seed']}: " + "; ".join(r["problems"]))
        print(f"bench check: {len(failed)} of {checked} runs FAILED")
        return 1
    print(f"bench check: all {checked} runs agree with their exact values ({', '.join(sections)}; "
          f"largest |z| = {worst:.2f}, limit {Z_LIMIT:g}); nines results identical for 1 and 2 threads; "
          f"recorded HDF5 outcomes match the reported counts")
    return 0


def busy_machine_warning(summary: dict) -> str | None:
    """A 1-thread run that got less than 0.9 of a core, or a 2-thread per-request run that got
    less than 1.6 cores (median CPU/wall), means other work shared the machine."""
    def median_utilization(threads):
        values = [s["median_cpu_utilization"] for s in summary.values()
                  if s["case"]["section"] == "throughput" and s["case"]["impl"] == "nines"
                  and s["case"]["threads"] == threads and s["sampler_used"] == PER_REQUEST
                  and s["median_cpu_utilization"] is not None]
        return statistics.median(values) if values else None
    one, two = median_utilization(1), median_utilization(2)
    if (one is not None and one < 0.9) or (two is not None and two < 1.6):
        return (f"WARNING: the machine was busy: per-request nines runs got a median of {fmt(one)} cores "
                f"with 1 thread and {fmt(two)} with 2. Thread scaling and the 2-thread ratios are "
                f"pessimistic; rerun on a quiet machine before trusting a FAIL.")
    return None


def benchmark(runner: Runner, args, reps: int, n_nines: int, n_base: int, rss_sizes: list[int]) -> int:
    meta = machine_meta()
    meta.update(reps=reps, n_nines=n_nines, n_baseline=n_base, native=args.native, quick=args.quick,
                nines=str(runner.nines), load_before=os.getloadavg(), rss_threads=2, rss_reps=1,
                rss_sizes=rss_sizes, seed=args.seed, sections=args.sections,
                targets={**TARGETS, **structures.TARGETS, **outages.TARGETS, **uncertainty.TARGETS})
    started = time.perf_counter()
    cases, rss, records = [], [], []
    if "chains" in args.sections:
        cases = throughput_cases(n_nines, n_base, probe_samplers(runner))
        records = execute(runner, cases, reps, args.seed, shuffle=True)
        rss = rss_cases(rss_sizes, threads=2)
        records += execute(runner, rss, 1, args.seed, shuffle=False)
    # Structures (issue 10): their own cases, interleaved among themselves.
    scases = structures.cases(n_nines, args.quick) if "structures" in args.sections else []
    srecords = interleave(structures.StructureRunner(runner.nines, runner.rusage_exec, runner.workdir, ROOT,
                                                     run_measured) if scases else None,
                          scases, reps, args.seed, 100, "structures", pair_of=structures.pair_of)
    # Outages over time (issue 11): their own cases, interleaved among themselves, then the
    # peak-RSS runs once each.
    ocases = outages.cases(args.quick) + ([] if args.no_rss else outages.rss_cases(args.quick)) \
        if "outages" in args.sections else []
    orunner = outages.OutageRunner(runner.nines, runner.rusage_exec, runner.workdir, ROOT,
                                   run_measured) if ocases else None
    orecords = interleave(orunner, [c for c in ocases if c.group != "rss"], reps, args.seed, 200, "outages")
    orecords += interleave(orunner, [c for c in ocases if c.group == "rss"], 1, args.seed, 300, "outages rss")
    outages.check_thread_counts(orecords)
    outages.check_alerting_twins(orecords)
    # Uncertain inputs (issue 13): their own cases, interleaved among themselves.
    ucases = uncertainty.cases(args.quick) if "uncertainty" in args.sections else []
    urunner = uncertainty.UncertaintyRunner(runner.nines, runner.rusage_exec, runner.workdir,
                                            run_measured) if ucases else None
    urecords = interleave(urunner, ucases, reps, args.seed, 400, "uncertainty")
    uncertainty.check_thread_counts(urecords)
    meta["load_after"] = os.getloadavg()
    meta["seconds"] = time.perf_counter() - started

    summary = summarize(cases + rss, records)
    target_rows = targets(summary, rss_sizes[-1] if rss_sizes else None) if summary else []
    ssummary = structures.summarize(scases, srecords)
    target_rows += structures.targets(ssummary) if ssummary else []
    osummary = outages.summarize(ocases, orecords)
    target_rows += outages.targets(osummary) if osummary else []
    usummary = uncertainty.summarize(ucases, urecords)
    target_rows += uncertainty.targets(usummary) if usummary else []
    # Written before any rendering, so a reporting bug never loses a long run's measurements.
    args.output.parent.mkdir(parents=True, exist_ok=True)
    result = {"meta": meta, "summary": list(summary.values()), "structures": list(ssummary.values()),
              "outages": list(osummary.values()), "uncertainty": list(usummary.values()), "targets": target_rows,
              "runs": records, "structure_runs": srecords, "outage_runs": orecords, "uncertainty_runs": urecords}
    args.output.write_text(json.dumps(finite(result), indent=1) + "\n")

    text = report_text(summary, target_rows, meta, args.markdown, ssummary, osummary, usummary)
    markdown = text if args.markdown else report_text(summary, target_rows, meta, True, ssummary, osummary, usummary)
    problems = [(Case(**s["case"]).label(), s["problems"]) for s in summary.values() if s["problems"]]
    problems += [(f"structures {s['case']}", s["problems"]) for s in ssummary.values() if s["problems"]]
    problems += [(outages.OutageCase(**s["case"]).label(), s["problems"]) for s in osummary.values() if s["problems"]]
    problems += [(uncertainty.UncertaintyCase(**s["case"]).label(), s["problems"]) for s in usummary.values()
                 if s["problems"]]
    print(text)
    for busy in (busy_machine_warning(summary), outages.busy_machine_warning(osummary),
                 uncertainty.busy_machine_warning(usummary)):
        if busy:
            print("\n" + busy)
    if problems:
        print("\nSTATISTICAL OR RUN FAILURES:")
        for label, ps in problems:
            print(f"  {label}: " + "; ".join(ps))
    print(f"\n(bench took {meta['seconds']:.0f} s)")

    args.output.with_suffix(".md").write_text(markdown + "\n")
    log(f"wrote {args.output} and {args.output.with_suffix('.md')}")
    return 1 if problems else 0


def interleave(runner, cases: list, reps: int, seed: int, shuffle_salt: int, what: str,
               pair_of=None) -> list[dict]:
    """Runs a section's cases `reps` times, each repetition in its own shuffled order;
    repetition i uses seed + i. Cases for which `pair_of(case)` gives the same key (not None)
    run back to back, in an order that alternates between repetitions, so that a ratio of the
    two is measured under the same load on a shared machine."""
    records = []
    for rep in range(reps):
        groups: dict = {}
        for index, case in enumerate(cases):
            key = pair_of(case) if pair_of else None
            groups.setdefault(("pair", key) if key is not None else ("case", index), []).append(case)
        order = list(groups.values())
        random.Random(seed + shuffle_salt + rep).shuffle(order)
        order = [case for group in order for case in (group if rep % 2 == 0 else group[::-1])]
        for case in order:
            record = runner.run(case, seed + rep)
            record["rep"] = rep
            records.append(record)
            log(f"[{what} {rep + 1}/{reps}] {case.label()}  {record['wall_seconds']:7.3f} s  "
                + ("ok" if not record["problems"] else "PROBLEM: " + "; ".join(record["problems"])[:300]))
    return records


if __name__ == "__main__":
    sys.exit(main())
