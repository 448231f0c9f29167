"""Writes small run files that follow HDF5 layout v1 exactly, without the engine: the unit
tests' fixtures. The outcomes are drawn with numpy, so only the layout (not the engine's random
stream) is reproduced; the summary attributes come from nines.analytic.summarize."""
from __future__ import annotations

import hashlib

import h5py
import numpy as np

from nines import analytic

CHUNK = 1 << 20


def scenario_yaml(name: str, names, reliabilities) -> str:
    lines = ["format_version: 1", f"name: {name}", "components:"]
    for n, r in zip(names, reliabilities):
        lines += [f"  - name: {n}", f"    reliability: {r!r}"]
    return "\n".join(lines) + "\n"


def draw_outcomes(reliabilities, requests: int, seed: int = 1, block: int = 1 << 22):
    """Yields blocks of outcomes: -1 success, else the first failing component."""
    rng = np.random.default_rng(seed)
    q = analytic.first_failure_probability(reliabilities)
    cumulative = np.cumsum(q)
    for start in range(0, requests, block):
        u = rng.random(min(block, requests - start))
        k = np.searchsorted(cumulative, u, side="right")
        yield np.where(k >= len(q), -1, k).astype(np.int8)


def write_run(path, *, names=("api", "db", "cache"), reliabilities=(0.99, 0.995, 0.98),
              requests=100_000, seed=1, record="dense", name="synthetic",
              format_value="nines-run", format_version=1, attrs_as_bytes=False,
              chunk=CHUNK):
    names = list(names)
    reliabilities = [float(r) for r in reliabilities]
    counts = np.zeros(len(names), dtype=np.int64)
    yaml = scenario_yaml(name, names, reliabilities)
    with h5py.File(path, "w") as f:
        def put(key, value):
            if isinstance(value, str) and attrs_as_bytes:
                f.attrs.create(key, value.encode(), dtype=h5py.string_dtype("utf-8"))
            else:
                f.attrs[key] = value

        if format_value is not None:
            put("format", format_value)
        if format_version is not None:
            f.attrs["format_version"] = np.int64(format_version)
        put("nines_version", "0.0.0-synthetic")
        put("scenario_name", name)
        put("scenario_yaml", yaml)
        put("scenario_sha256", hashlib.sha256(yaml.encode()).hexdigest())
        f.attrs["seed"] = np.uint64(seed)
        f.attrs["requests"] = np.uint64(requests)
        put("record", record)
        f.attrs["chunk_requests"] = np.uint64(chunk)
        put("created", "2024-01-01T00:00:00Z")

        failure_requests, failure_components = [], []
        if record == "dense":
            d = f.create_dataset("requests/failed_component", shape=(requests,), dtype=np.int8,
                                 chunks=(min(chunk, requests),), compression="gzip",
                                 fillvalue=-1)
        start = 0
        for block in draw_outcomes(reliabilities, requests, seed):
            failed = block >= 0
            counts += np.bincount(block[failed], minlength=len(names))
            if record == "dense":
                d[start:start + block.size] = block
            elif record == "failures":
                where = np.flatnonzero(failed)
                failure_requests.append(where.astype(np.uint64) + np.uint64(start))
                failure_components.append(block[where])
            start += block.size
        if record == "failures":
            r = np.concatenate(failure_requests) if failure_requests else np.zeros(0, np.uint64)
            c = np.concatenate(failure_components) if failure_components else np.zeros(0, np.int8)
            f.create_dataset("failures/request", data=r, maxshape=(None,), chunks=(1 << 16,))
            f.create_dataset("failures/component", data=c, maxshape=(None,), chunks=(1 << 16,))

        g = f.create_group("components")
        g.create_dataset("name", data=names, dtype=h5py.string_dtype("utf-8"))
        g.create_dataset("reliability", data=np.array(reliabilities))
        g.create_dataset("failures", data=counts.astype(np.uint64))
        q = analytic.first_failure_probability(reliabilities)
        g.create_dataset("expected_failures", data=requests * q)
        g.create_dataset("first_failure_probability", data=q)

        s = analytic.summarize(reliabilities, requests, counts)
        f.attrs["failures"] = np.uint64(s.failures)
        for key in ("reliability_empirical", "reliability_analytic", "unreliability_empirical",
                    "unreliability_analytic", "reliability_ci_low", "reliability_ci_high",
                    "ci_level", "z_score", "z_p_value", "reliability_p_value", "attribution_chi2",
                    "attribution_p_value"):
            f.attrs[key] = np.float64(getattr(s, key))
        f.attrs["attribution_dof"] = np.int64(s.attribution_dof)
        f.attrs["agrees"] = np.int8(s.agrees)
        put("verdict", s.verdict)
    return path
