"""Structures (scenario format 2) in the benchmark: the targets of issue 10, item 4.

Every case runs `nines run FILE --json` and checks the mix against the exact value (|z| < 5),
so a fast but wrong structure kernel cannot pass. The ratios compare medians of runs made in
the same execution, interleaved with each other:

- the essay's eight components as a format-2 file (one series kind) against the same chain in
  format 1, in every record mode, on one and two threads: within 1.5x of the time;
- ecommerce-mix with --record none against a 16-component chain: at least half its rate;
- size: 1,000 components as one series kind, and as 50 kinds of 20 drawn from a shared pool,
  against a format-1 chain of 1,000: set-up (a run of 2 requests) under 1 s and 256 MiB, and
  at least half the chain's per-request rate; 4,096 components (the model limit) sets up in
  seconds;
- --importance simulated against the default (exact): reported.

The seed-app comparison is paired: format 1 and format 2 of one record mode and thread count
run back to back (order alternating between repetitions), and its ratio is the median over the
repetitions of each pair's ratio, so a burst of load from the shared host's other tenants
slows both halves of a pair instead of one side of the comparison.

The one-thread runs of the seed-app comparison are pinned to one CPU (taskset, when it is
there), format 1 and format 2 alike: the two cores of a shared host are not always equally fast
(bench/outages.py measured one at 1.36x the other), and a ratio of two unpinned runs then
depends on where each landed.
"""
from __future__ import annotations

import dataclasses
import json
import math
import os
import random
import shutil
import statistics
from pathlib import Path

SEED_APP = [("mobile-client-app", "99.5%"), ("load-balancer", "0.9999"), ("api", "0.999"),
            ("database", "99.95%"), ("monitoring", "0.9995"), ("alerting", "99.9%"),
            ("reporting", "0.998"), ("notifications", "99.5%")]
SIZE_R = 0.9999

TARGETS = {"structure_vs_chain_time": 1.5, "mix_vs_chain16_rate": 0.5, "size_setup_seconds": 1.0,
           "size_setup_mib": 256.0, "size_rate_vs_chain": 0.5}


def write_scenarios(workdir: Path) -> dict[str, Path]:
    """The benchmark's scenario files, generated so that their shapes are explicit here."""
    files = {}

    def write(name: str, lines: list[str]) -> None:
        path = workdir / f"{name}.yaml"
        path.write_text("\n".join(lines) + "\n")
        files[name] = path

    comps = [f"  - {{name: {n}, reliability: \"{r}\"}}" for n, r in SEED_APP]
    write("seed-v1", ["format_version: 1", "name: seed-v1", "components:", *comps])
    write("seed-v2", ["format_version: 2", "name: seed-v2", "components:", *comps,
                      "request_kinds:", "  - name: request",
                      "    path: [" + ", ".join(n for n, _ in SEED_APP) + "]"])
    write("chain16", ["format_version: 1", "name: chain16", "components:",
                      *[f"  - {{name: c{j}, reliability: {SIZE_R!r}}}" for j in range(16)]])
    for k in (1000, 4096):
        comps = [f"  - {{name: c{j}, reliability: {SIZE_R!r}}}" for j in range(k)]
        write(f"chain{k}-v1", ["format_version: 1", f"name: chain{k}", "components:", *comps])
        write(f"series{k}-v2", ["format_version: 2", f"name: series{k}", "components:", *comps])
    # 50 kinds of 20 components each, drawn without replacement from a shared pool of 1,000
    # (a fixed shuffle, so every component is shared by about one kind and paths interleave).
    rng = random.Random(10)
    comps = [f"  - {{name: c{j}, reliability: {SIZE_R!r}}}" for j in range(1000)]
    kinds = []
    for k in range(50):
        members = rng.sample(range(1000), 20)
        kinds += [f"  - name: kind{k}", f"    weight: {1 + k % 5}",
                  "    path: [" + ", ".join(f"c{j}" for j in members) + "]"]
    write("pool50x20-v2", ["format_version: 2", "name: pool50x20", "components:", *comps,
                           "request_kinds:", *kinds])
    return files


def pinnable_cpu() -> int | None:
    """The first CPU this process may run on, when runs can be pinned to it (taskset)."""
    if shutil.which("taskset") is None or not hasattr(os, "sched_getaffinity"):
        return None
    return min(os.sched_getaffinity(0))


@dataclasses.dataclass(frozen=True)
class StructureCase:
    group: str      # "seed", "mix", "size", "importance"
    scenario: str   # key of write_scenarios
    mode: str       # --record
    threads: int
    n: int
    flags: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"structures/{self.group}/{self.scenario}/{self.mode}/t{self.threads}/n{self.n}/{' '.join(self.flags)}"

    def label(self) -> str:
        return f"{self.scenario:<14} --record {self.mode:<8} -t {self.threads} {' '.join(self.flags):<24} n={self.n:.0e}"


def cases(n: int, quick: bool) -> list[StructureCase]:
    out = []
    for scenario in ("seed-v1", "seed-v2"):
        for mode in ("none", "failures", "dense"):
            for threads in (1, 2):
                out.append(StructureCase("seed", scenario, mode, threads, n))
    out.append(StructureCase("mix", "chain16", "none", 2, 10 * n))
    out.append(StructureCase("mix", "chain16", "none", 2, 2 * n, ("--sampler", "per-request")))
    out.append(StructureCase("mix", "ecommerce-mix", "none", 2, n))
    out.append(StructureCase("mix", "ecommerce-mix", "none", 2, n, ("--sampler", "per-request")))
    for scenario in ("chain1000-v1", "series1000-v2", "pool50x20-v2"):
        out.append(StructureCase("size", scenario, "none", 1, 2))            # set-up
        out.append(StructureCase("size", scenario, "none", 1, max(n // 10, 10**6), ("--sampler", "per-request")))
    if not quick:
        out.append(StructureCase("size", "series4096-v2", "none", 1, 2))
    for scenario in ("ecommerce-mix", "essay-app-redundant"):
        for flags in ((), ("--importance", "simulated")):
            out.append(StructureCase("importance", scenario, "failures", 2, n // 4,
                                     ("--sampler", "per-request", *flags)))
    return out


class StructureRunner:
    def __init__(self, nines: Path, rusage_exec: Path, workdir: Path, root: Path, run_measured):
        self.nines, self.rusage_exec, self.workdir = nines, rusage_exec, workdir
        self.files = write_scenarios(workdir)
        for name in ("ecommerce-mix", "essay-app-redundant"):
            self.files[name] = root / "scenarios" / f"{name}.yaml"
        self.run_measured = run_measured
        self.pin_cpu = pinnable_cpu()

    def run(self, case: StructureCase, seed: int) -> dict:
        output = self.workdir / "structure.h5"
        cmd = [str(self.nines), "run", str(self.files[case.scenario]), "-n", str(case.n), "--seed",
               str(seed), "--threads", str(case.threads), "--record", case.mode, "-o", str(output),
               "--force", "--json", *case.flags]
        if case.group == "seed" and case.threads == 1 and self.pin_cpu is not None:
            cmd = ["taskset", "-c", str(self.pin_cpu)] + cmd
        m = self.run_measured(self.rusage_exec, cmd, self.workdir)
        record = {"key": case.key, "seed": seed, "wall_seconds": m.wall, "cpu_seconds": m.cpu,
                  "peak_rss_kib": m.maxrss_kib, "returncode": m.returncode, "problems": []}
        if m.returncode != 0:
            record["problems"].append(f"exit {m.returncode}: {m.stderr.strip()[-300:]}")
        else:
            data = json.loads(m.stdout.strip().splitlines()[-1])
            mix = data["summary"]["service"]
            record["z"] = mix["z_score"] if mix["z_score"] is not None else 0.0
            record["sampler"] = data["run"].get("sampler")
            p = mix.get("reliability_p_value")
            if case.n >= 1000 and p is not None and p < 5.7e-7:
                record["problems"].append(f"disagrees with the exact value: z = {record['z']:.2f}, exact p = {p:.2g}")
        output.unlink(missing_ok=True)
        return record


def pair_of(case: StructureCase):
    """The seed-app cases of one record mode and thread count form a pair (run back to back)."""
    return ("seed", case.mode, case.threads) if case.group == "seed" else None


def paired_ratio(records: list[dict], numerator: str, denominator: str) -> float | None:
    """Median over repetitions of (numerator's wall time / denominator's) for the repetitions
    where both ran cleanly."""
    walls = {}
    for r in records:
        if r["returncode"] == 0 and r["key"] in (numerator, denominator):
            walls.setdefault(r["rep"], {})[r["key"]] = r["wall_seconds"]
    ratios = [w[numerator] / w[denominator] for w in walls.values()
              if numerator in w and denominator in w and w[denominator] > 0]
    return statistics.median(ratios) if ratios else None


def summarize(all_cases: list[StructureCase], records: list[dict]) -> dict[str, dict]:
    out = {}
    for case in all_cases:
        good = [r for r in records if r["key"] == case.key and r["returncode"] == 0]
        runs = [r for r in records if r["key"] == case.key]
        walls = [r["wall_seconds"] for r in good]
        out[case.key] = {
            "case": dataclasses.asdict(case),
            "median_wall_seconds": statistics.median(walls) if walls else None,
            "median_rate": statistics.median(case.n / w for w in walls) if walls else None,
            "peak_rss_mib": max(r["peak_rss_kib"] for r in runs) / 1024 if runs else None,
            "median_cpu_utilization": statistics.median(r["cpu_seconds"] / r["wall_seconds"] for r in good) if good else None,
            "sampler_used": "/".join(sorted({r.get("sampler") or "?" for r in good})) or None,
            "max_abs_z": max((abs(r.get("z", 0.0)) for r in good), default=math.inf),
            "problems": sorted({p for r in runs for p in r["problems"]}),
        }
    # Format 2 against format 1 of the same mode and threads, pair by pair.
    for case in all_cases:
        if case.group == "seed" and case.scenario == "seed-v2":
            v1 = dataclasses.replace(case, scenario="seed-v1")
            out[case.key]["paired_ratio_to_format_1"] = paired_ratio(records, case.key, v1.key)
    return out


def _get(summary, group, scenario, mode, threads, flags=()):
    for s in summary.values():
        c = s["case"]
        if (c["group"], c["scenario"], c["mode"], c["threads"], tuple(c["flags"])) == (group, scenario, mode, threads, tuple(flags)) \
                and c["n"] > 2:
            return s
    return None


def _setup(summary, scenario):
    for s in summary.values():
        c = s["case"]
        if c["group"] == "size" and c["scenario"] == scenario and c["n"] == 2:
            return s
    return None


def targets(summary: dict) -> list[dict]:
    rows = []

    def add(name, value, limit, unit="x", lower_is_better=False):
        if limit is None:
            verdict = "info"
        elif value is None:
            verdict = "n/a"
        else:
            verdict = "PASS" if (value < limit if lower_is_better else value >= limit) else "FAIL"
        rows.append({"target": name, "value": value, "limit": limit, "unit": unit,
                     "comparison": "<" if lower_is_better else ">=", "verdict": verdict})

    for mode in ("none", "failures", "dense"):
        for threads in (1, 2):
            v2 = _get(summary, "seed", "seed-v2", mode, threads)
            value = v2.get("paired_ratio_to_format_1") if v2 else None
            add(f"seed app as format 2 / format 1, time, --record {mode}, {threads} thread(s) "
                "(median of paired runs)", value, TARGETS["structure_vs_chain_time"], lower_is_better=True)
    # The comparison is with the chain's per-request rate (its 1,000 M/s): a chain of
    # 16 at 0.9999 under `auto` skips to its 0.16% of failures and runs an order of magnitude
    # faster still, which the second, informational row shows.
    mix = _get(summary, "mix", "ecommerce-mix", "none", 2)
    chain16 = _get(summary, "mix", "chain16", "none", 2, ("--sampler", "per-request"))
    chain16_auto = _get(summary, "mix", "chain16", "none", 2)
    add("ecommerce-mix (auto) / 16-component chain (per-request), rate, --record none, 2 threads",
        mix["median_rate"] / chain16["median_rate"] if mix and chain16 else None, TARGETS["mix_vs_chain16_rate"])
    add("ecommerce-mix (auto) / 16-component chain (auto: skip), rate, --record none, 2 threads",
        mix["median_rate"] / chain16_auto["median_rate"] if mix and chain16_auto else None, None)
    chain = _get(summary, "size", "chain1000-v1", "none", 1, ("--sampler", "per-request"))
    for scenario, label in (("series1000-v2", "1,000 in series"), ("pool50x20-v2", "50 kinds x 20 of a pool of 1,000")):
        setup = _setup(summary, scenario)
        add(f"{label}: set-up (a 2-request run), seconds", setup and setup["median_wall_seconds"],
            TARGETS["size_setup_seconds"], "s", lower_is_better=True)
        add(f"{label}: set-up peak RSS", setup and setup["peak_rss_mib"], TARGETS["size_setup_mib"], "MiB",
            lower_is_better=True)
        run = _get(summary, "size", scenario, "none", 1, ("--sampler", "per-request"))
        add(f"{label}: per-request rate / chain of 1,000 (format 1), 1 thread",
            run["median_rate"] / chain["median_rate"] if run and chain else None, TARGETS["size_rate_vs_chain"])
    big = _setup(summary, "series4096-v2")
    if big:
        add("4,096 in series (the limit): set-up, seconds", big["median_wall_seconds"], None, "s")
    for scenario in ("ecommerce-mix", "essay-app-redundant"):
        exact = _get(summary, "importance", scenario, "failures", 2, ("--sampler", "per-request"))
        simulated = _get(summary, "importance", scenario, "failures", 2,
                         ("--sampler", "per-request", "--importance", "simulated"))
        add(f"{scenario}: --importance simulated / exact, time (per-request, failures, 2 threads)",
            simulated["median_wall_seconds"] / exact["median_wall_seconds"] if exact and simulated else None, None)
    return rows


def table_rows(summary: dict, fmt) -> tuple[list[str], list[list[str]]]:
    headers = ["scenario", "record", "flags", "thr", "n", "sampler", "median s", "M req/s", "peak RSS MiB",
               "CPU/wall", "max |z|"]
    rows = []
    for s in summary.values():
        c = s["case"]
        rows.append([c["scenario"], c["mode"], " ".join(c["flags"]) or "-", str(c["threads"]), f"{c['n']:.0e}",
                     s["sampler_used"] or "?", fmt(s["median_wall_seconds"], 3),
                     fmt(s["median_rate"] and s["median_rate"] / 1e6, 1), fmt(s["peak_rss_mib"], 0),
                     fmt(s["median_cpu_utilization"], 2), fmt(s["max_abs_z"], 2)])
    return headers, rows
