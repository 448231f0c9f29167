#!/usr/bin/python3
"""Golden outputs: runs every case of cases.py with a nines binary and compares the HDF5 file
and --json summary it writes with tests/golden/CASE.json, or writes those files anew.

  golden.py [--check] [--nines PATH] [CASE ...]   compare (the default); exit 1 on a difference
  golden.py --regenerate [CASE ...]               write CASE.json from this binary's output
  golden.py --list                                print the cases and their commands

CASE may be a shell pattern ('seed-app.*'); no CASE means every case. README.md in this
directory says what is pinned and when regenerating is allowed.
"""
import argparse
import fnmatch
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

from cases import CASES
from compare import compare_digests, element_name, value_change
from digest import canonical, hdf5_digest, json_digest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
INPUTS = HERE / "inputs"
CASE_TIMEOUT_SECONDS = 600
MAX_DIFFERENCES_SHOWN = 40


class CaseError(Exception):
    """A case could not be run or read: a failure of the case, not of this script."""


def golden_path(case):
    return HERE / f"{case.name}.json"


def command_line(case):
    return "nines " + " ".join(case.args)


def run_case(binary, case, workdir, threads):
    """Runs the case in its own directory under workdir; returns (output file, stdout)."""
    outdir = workdir / case.name
    shutil.rmtree(outdir, ignore_errors=True)
    outdir.mkdir(parents=True)
    output = outdir / "out.h5"
    args = [a.replace("{inputs}", str(INPUTS)).replace("{output}", str(output))
            for a in case.args]
    args += ["--threads", str(threads or case.threads)]
    try:
        proc = subprocess.run([str(binary), *args], cwd=outdir, capture_output=True, text=True,
                              timeout=CASE_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise CaseError(
            f"timed out after {CASE_TIMEOUT_SECONDS} s: {binary} {' '.join(args)}") from None
    if proc.returncode != 0:
        raise CaseError(f"{binary} {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}")
    if not output.is_file():
        raise CaseError(f"{binary} {' '.join(args)} wrote no {output}")
    return output, proc.stdout


def replacements(output):
    """Machine-specific paths and their placeholders, longest first."""
    pairs = {}
    for path, name in ((output.parent, "$OUTPUT_DIR"), (INPUTS, "$INPUTS")):
        pairs[str(path)] = name
        pairs[str(path.resolve())] = name
    return sorted(pairs.items(), key=lambda kv: -len(kv[0]))


def digest_case(case, output, stdout):
    subs = replacements(output)
    summary = None
    if case.json_summary:
        try:
            summary = json_digest(json.loads(stdout), subs)
        except json.JSONDecodeError as e:
            raise CaseError(f"stdout is not one JSON object ({e}):\n{stdout[:2000]}") from None
    return {
        "case": case.name,
        "command": command_line(case),
        "summary_json": summary,
        "hdf5": hdf5_digest(output, subs),
    }


def records_failures(digest):
    """Whether the case has failures to pin (a case without any pins little)."""
    hdf5 = digest["hdf5"]
    root = hdf5["/"]["attributes"]
    if "failures" in root:
        return root["failures"]["value"] > 0
    if "outages" in root:  # a time run: its outages and the requests they failed
        return root["outages"]["value"] > 0 and root["failed"]["value"] > 0
    if "/points/outages" in hdf5:  # a time sweep: its points' outages and failed requests
        outages = hdf5["/points/outages"].get("values", [])
        failed = hdf5.get("/points/failed", {}).get("values", [])
        return any(v > 0 for v in outages) and any(v > 0 for v in failed)
    points = hdf5.get("/points/failures", {})
    return any(v > 0 for v in points.get("values", []))


def select(patterns):
    if not patterns:
        return list(CASES)
    chosen = [c for c in CASES if any(fnmatch.fnmatchcase(c.name, p) for p in patterns)]
    unknown = [p for p in patterns if not any(fnmatch.fnmatchcase(c.name, p) for c in CASES)]
    if unknown:
        sys.exit(f"golden.py: no case matches {', '.join(unknown)} (see --list)")
    return chosen


def stale_golden_files():
    names = {c.name for c in CASES}
    return sorted(p.name for p in HERE.glob("*.json") if p.stem not in names)


def to_text(value, indent=0):
    """JSON with one line per attribute, dataset field and JSON leaf, and lists of values
    on one line, so that a changed value is a changed line in `git diff`."""
    flat = json.dumps(value, ensure_ascii=False, allow_nan=False)
    scalars = isinstance(value, list) and not any(isinstance(v, (dict, list)) for v in value)
    if not isinstance(value, (dict, list)) or scalars or len(flat) + indent <= 100:
        return flat
    pad = " " * (indent + 1)
    if isinstance(value, list):
        items = [pad + to_text(v, indent + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
    items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {to_text(v, indent + 1)}"
             for k, v in value.items()]
    return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"


def write_golden(case, digest, version):
    """Writes CASE.json; returns whether its pinned content changed."""
    path = golden_path(case)
    old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    document = {"generated_with": version, **digest}
    path.write_text(to_text(document) + "\n", encoding="utf-8")
    return old is None or compare_digests(old, digest) != []


def locate_with_reference(reference, case, workdir, threads, output, differences):
    """Reruns the case with the reference binary and names the first differing element of
    every dataset that the golden file pins by digest only."""
    ref_output, _ = run_case(reference, case, workdir / "reference", threads)
    lines = []
    with h5py.File(ref_output, "r") as want_file, h5py.File(output, "r") as got_file:
        for d in differences:
            if not d.needs_reference:
                continue
            want, got = np.asarray(want_file[d.where][()]), np.asarray(got_file[d.where][()])
            flat_want, flat_got = want.reshape(-1), got.reshape(-1)
            n = min(flat_want.size, flat_got.size)
            if want.dtype.kind in "fiub" and got.dtype == want.dtype:
                # Bytes, not values: NaN equals itself and -0.0 differs from 0.0.
                raw = flat_want[:n].view(f"u{want.dtype.itemsize}") != flat_got[:n].view(
                    f"u{got.dtype.itemsize}")
            else:
                raw = np.array([canonical(x) != canonical(y)
                                for x, y in zip(flat_want[:n], flat_got[:n])], dtype=bool)
            where = np.flatnonzero(raw)
            if where.size == 0:
                same_size = flat_want.size == flat_got.size
                lines.append(f"{d.where}: " + (
                    "equal to the reference binary's output, so the golden file does not "
                    "match the reference" if same_size else
                    f"the first {n} elements equal the reference's; sizes "
                    f"{flat_want.size} (reference) and {flat_got.size}"))
                continue
            i = int(where[0])
            lines.append(f"{d.where}: {element_name(i, got.shape)}: "
                         f"{value_change(canonical(flat_want[i]), canonical(flat_got[i]))} "
                         f"({where.size} of {n} elements differ; from the reference binary)")
    return lines


def check(args, cases, workdir):
    failed = []
    for case in cases:
        path = golden_path(case)
        start = time.monotonic()
        if not path.is_file():
            print(f"FAIL {case.name}: no golden file {path.name}; run golden.py --regenerate "
                  f"{case.name} with the reference binary")
            failed.append(case.name)
            continue
        expected = json.loads(path.read_text(encoding="utf-8"))
        try:
            output, stdout = run_case(args.nines, case, workdir, args.threads)
            differences = compare_digests(expected, digest_case(case, output, stdout))
        except CaseError as e:
            print(f"FAIL {case.name}: {e}")
            failed.append(case.name)
            continue
        seconds = time.monotonic() - start
        if not differences:
            print(f"ok   {case.name} ({seconds:.2f} s)")
            continue
        failed.append(case.name)
        print(f"FAIL {case.name}: {len(differences)} difference(s) from {path.name}")
        for d in differences[:MAX_DIFFERENCES_SHOWN]:
            print(f"     {d}")
        if len(differences) > MAX_DIFFERENCES_SHOWN:
            print(f"     ... and {len(differences) - MAX_DIFFERENCES_SHOWN} more")
        if any(d.needs_reference for d in differences):
            if args.reference:
                for line in locate_with_reference(args.reference, case, workdir, args.threads,
                                                  output, differences):
                    print(f"     {line}")
            else:
                print("     (pass --reference BINARY, e.g. a nines 0.2.0 build, to name the "
                      "first differing element of the datasets above)")
    stale = stale_golden_files() if len(cases) == len(CASES) else []
    for name in stale:
        print(f"FAIL {name}: golden file without a case in cases.py; delete it or add the case")
    total = len(cases)
    print(f"golden: {total - len(failed)} of {total} cases match"
          + (f"; failed: {' '.join(failed)}" if failed else ""))
    return 1 if failed or stale else 0


def regenerate(args, cases, workdir):
    version = subprocess.run([str(args.nines), "--version"], capture_output=True, text=True,
                             check=True).stdout.strip()
    status = 0
    for case in cases:
        try:
            output, stdout = run_case(args.nines, case, workdir, args.threads)
            digest = digest_case(case, output, stdout)
        except CaseError as e:
            print(f"FAIL {case.name}: {e}")
            status = 1
            continue
        if not records_failures(digest):
            print(f"FAIL {case.name}: no failures to pin; change its requests or seed")
            status = 1
            continue
        changed = write_golden(case, digest, version)
        print(f"{'wrote' if changed else 'unchanged'} {golden_path(case).name} ({version})")
    for name in stale_golden_files():
        print(f"note: {name} has no case in cases.py; delete it if the case was removed")
    print("A changed golden file is a deliberate change: add an entry to tests/golden/CHANGES.md.")
    return status


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="compare with the golden files "
                      "(the default)")
    mode.add_argument("--regenerate", action="store_true",
                      help="write the golden files of the given cases (all without CASE)")
    mode.add_argument("--list", action="store_true", help="print the cases")
    parser.add_argument("cases", nargs="*", metavar="CASE", help="case names or patterns")
    parser.add_argument("--nines", type=pathlib.Path, default=ROOT / "build" / "nines",
                        help="the binary to run (default: build/nines)")
    parser.add_argument("--threads", type=int, default=None,
                        help="override every case's thread count (outputs must not change)")
    parser.add_argument("--reference", type=pathlib.Path, default=None,
                        help="a binary that produces the golden outputs (e.g. nines 0.2.0): "
                        "on a difference in a large dataset, rerun it to name the first "
                        "differing element")
    parser.add_argument("--keep", type=pathlib.Path, default=None, metavar="DIR",
                        help="write the outputs under DIR and keep them")
    args = parser.parse_args(argv)
    for option in ("reference",) if args.list else ("nines", "reference"):
        binary = getattr(args, option)
        if binary is not None and not (binary.is_file() and binary.stat().st_mode & 0o111):
            parser.error(f"--{option}: {binary} is not an executable file")
        if binary is not None:
            setattr(args, option, binary.resolve())
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be at least 1")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    cases = select(args.cases)
    if args.list:
        for case in cases:
            print(f"{case.name:44} {command_line(case)} --threads {case.threads}")
        return 0
    start = time.monotonic()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        workdir, cleanup = args.keep.resolve(), None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="nines-golden-")
        workdir = pathlib.Path(cleanup.name)
    try:
        status = (regenerate if args.regenerate else check)(args, cases, workdir)
    finally:
        if cleanup:
            cleanup.cleanup()
    print(f"({time.monotonic() - start:.1f} s)")
    return status


if __name__ == "__main__":
    sys.exit(main())
