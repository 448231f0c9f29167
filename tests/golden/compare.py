"""Compares two golden digests (digest.py) and says precisely what differs: which object,
attribute, JSON key or dataset element, with the expected and the actual value."""
import math
import struct
from dataclasses import dataclass

import numpy as np

LONG_STRING = 80  # longer strings are shown around their first difference only


@dataclass(frozen=True)
class Difference:
    where: str  # "/failures/request", "/@seed", "$.summary.failures", ...
    message: str
    # A large dataset whose golden file holds digests, not values: golden.py --reference can
    # rerun the reference binary to name the first differing element.
    needs_reference: bool = False

    def __str__(self):
        return f"{self.where}: {self.message}"


def same(a, b):
    """Exact equality of canonical values: types must match (1, 1.0 and True differ) and
    floats compare by repr (so -0.0 differs from 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return repr(a) == repr(b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def ulps_apart(a, b):
    def ordered(x):
        n = struct.unpack("<q", struct.pack("<d", x))[0]
        return n if n >= 0 else -(n & 0x7FFFFFFFFFFFFFFF)
    return abs(ordered(a) - ordered(b))


def show(value):
    if isinstance(value, str) and len(value) > LONG_STRING:
        return f"{value[:LONG_STRING]!r}... ({len(value)} characters)"
    return repr(value)


def value_change(expected, actual):
    """'expected X, got Y' with what helps read it: ulps between floats, the first
    differing character of long strings, the types when only the type changed."""
    if isinstance(expected, float) and isinstance(actual, float) and all(
            map(math.isfinite, (expected, actual))):
        return f"expected {expected!r}, got {actual!r} ({ulps_apart(expected, actual)} ulp apart)"
    if isinstance(expected, str) and isinstance(actual, str) and max(
            len(expected), len(actual)) > LONG_STRING:
        i = next((k for k, (x, y) in enumerate(zip(expected, actual)) if x != y),
                 min(len(expected), len(actual)))
        lo = max(0, i - 20)
        return (f"strings differ from character {i} (lengths {len(expected)} and "
                f"{len(actual)}): expected ...{expected[lo:i + 40]!r}, "
                f"got ...{actual[lo:i + 40]!r}")
    if type(expected) is not type(actual):
        return (f"expected {show(expected)} ({type(expected).__name__}), "
                f"got {show(actual)} ({type(actual).__name__})")
    return f"expected {show(expected)}, got {show(actual)}"


def compare_json(where, expected, actual):
    """Differences between two JSON trees, one per key or element, with JSON paths."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key in expected:
            if key not in actual:
                out.append(Difference(f"{where}.{key}", "missing"))
            else:
                out += compare_json(f"{where}.{key}", expected[key], actual[key])
        out += [Difference(f"{where}.{key}", f"unexpected key (value {show(actual[key])})")
                for key in actual if key not in expected]
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        out = []
        for i, (x, y) in enumerate(zip(expected, actual)):
            out += compare_json(f"{where}[{i}]", x, y)
        if len(expected) != len(actual):
            out.append(Difference(where, f"expected {len(expected)} elements, got {len(actual)}"))
        return out
    if same(expected, actual):
        return []
    return [Difference(where, value_change(expected, actual))]


def element_name(flat_index, shape):
    if shape is None or len(shape) <= 1:
        return f"element {flat_index}"
    return f"element {tuple(int(i) for i in np.unravel_index(flat_index, shape))}"


def compare_attributes(path, expected, actual):
    prefix = path.rstrip("/") + "/@"
    out = []
    for name, want in expected.items():
        got = actual.get(name)
        if got is None:
            out.append(Difference(prefix + name, "attribute missing"))
        elif want.get("dtype") != got.get("dtype") or want.get("shape") != got.get("shape"):
            out.append(Difference(prefix + name, (
                f"attribute type changed from {want.get('dtype')} {want.get('shape', 'scalar')} "
                f"to {got.get('dtype')} {got.get('shape', 'scalar')}")))
        if got is not None and not same(want.get("value"), got.get("value")):
            out.append(Difference(prefix + name, value_change(want.get("value"), got.get("value"))))
    out += [Difference(prefix + name, f"unexpected attribute (value {show(got.get('value'))})")
            for name, got in actual.items() if name not in expected]
    return out


def first_difference(expected, actual):
    return next((i for i, (x, y) in enumerate(zip(expected, actual)) if not same(x, y)), None)


def compare_dataset(path, want, got):
    out = []
    for field in ("dtype", "shape"):
        if want.get(field) != got.get(field):
            out.append(Difference(
                path, f"{field} changed from {want.get(field)} to {got.get(field)}"))
    shape = got.get("shape")
    if "values" in want and "values" in got:
        ev, av = want["values"], got["values"]
        i = first_difference(ev, av)
        if i is None and len(ev) != len(av):
            out.append(Difference(path, f"the first {min(len(ev), len(av))} elements are equal; "
                                        f"{len(ev)} expected, {len(av)} found"))
        elif i is None and want.get("sha256") != got.get("sha256"):
            out.append(Difference(path, "equal values, different bytes (sha256)"))
        elif i is not None:
            differing = sum(not same(x, y) for x, y in zip(ev, av))
            out.append(Difference(path, (
                f"{element_name(i, shape)}: {value_change(ev[i], av[i])} "
                f"({differing} of {len(ev)} elements differ)")))
        return out
    if want.get("sha256") == got.get("sha256"):
        return out
    # A large dataset: its first values, then its block digests, locate the difference.
    lead_want = want.get("head", want.get("values", []))
    lead_got = got.get("head", got.get("values", []))
    i = first_difference(lead_want, lead_got)
    if i is not None:
        out.append(Difference(path, (
            f"{element_name(i, shape)}: {value_change(lead_want[i], lead_got[i])} "
            "(later elements are pinned by digests only)"), needs_reference=True))
        return out
    message = (f"contents differ (sha256 {str(want.get('sha256'))[:12]}... expected, "
               f"{str(got.get('sha256'))[:12]}... found)")
    blocks_want, blocks_got = want.get("block_sha256", []), got.get("block_sha256", [])
    size = want.get("block_elements")
    if blocks_want and blocks_got and size == got.get("block_elements"):
        k = next((k for k, (x, y) in enumerate(zip(blocks_want, blocks_got)) if x != y),
                 min(len(blocks_want), len(blocks_got)))
        message += (f"; the first difference is in elements [{k * size}, {(k + 1) * size}) "
                    "of the flattened data")
    out.append(Difference(path, message, needs_reference=True))
    return out


def compare_hdf5(expected, actual):
    out = []
    for path, want in expected.items():
        got = actual.get(path)
        if got is None:
            out.append(Difference(path, f"{want['kind']} missing"))
            continue
        if want["kind"] != got["kind"]:
            out.append(Difference(path, f"expected a {want['kind']}, found a {got['kind']}"))
            continue
        out += compare_attributes(path, want.get("attributes", {}), got.get("attributes", {}))
        if want["kind"] == "dataset":
            out += compare_dataset(path, want, got)
    out += [Difference(path, f"unexpected {got['kind']} (not in the golden file)")
            for path, got in actual.items() if path not in expected]
    return out


def compare_digests(expected, actual):
    """All differences between a golden digest and a fresh one."""
    out = []
    if expected.get("command") != actual.get("command"):
        out.append(Difference("command", (
            f"the case runs {actual.get('command')!r} but the golden file was made with "
            f"{expected.get('command')!r}; regenerate it")))
    out += compare_json("$", expected.get("summary_json"), actual.get("summary_json"))
    out += compare_hdf5(expected.get("hdf5", {}), actual.get("hdf5", {}))
    return out
