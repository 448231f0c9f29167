"""Sweep files the tests need beyond what the engine writes, made from the engine's own layout-2
files with h5py:

    write_layout_1(source, target)   the file nines 0.2 wrote for the same chain sweep (layout
                                     1: a group /point/NNNNNN per finished point), so that the
                                     reader of old files is tested without an old engine
    make_partial(source, target, done)  an interrupted sweep of either layout, as the engine
                                     leaves it: only the points in `done` finished

Layout 1 as nines 0.2.0 wrote it: the root attributes of layout 2 without base_format and
importance, format_version 1; /points unchunked, without the kernel and
unreliability_analytic columns; per finished point i the group /point/{i:06d} with the
attributes requests, seed, replication, failures (uint64), sampler, verdict (text),
reliability_empirical, reliability_analytic, z_score (float64); its /components (name,
reliability, failures, expected_failures, first_failure_probability; unchunked) and, with
--record-requests, /failures (request uint64, component in the run file's outcome type: int8
up to 127 components; chunks of 65536, deflated). test_sweep.py compares this with a file of
the real 0.2.0 binary where one is at hand.
"""
from __future__ import annotations

import h5py
import numpy as np

from nines import analytic, text

LAYOUT_2_ONLY_ATTRIBUTES = ("base_format", "importance")
LAYOUT_2_ONLY_COLUMNS = ("kernel", "unreliability_analytic")
FAILURE_CHUNK = 65536


def outcome_type(components: int) -> np.dtype:
    """The narrowest signed integer that holds every component index and -1 (success)."""
    for dtype in (np.int8, np.int16, np.int32):
        if components - 1 <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


def _columns(group: h5py.Group) -> list[str]:
    return [c for c in text(group.attrs["columns"]).split(",") if c]


def _copy_column(target: h5py.Group, name: str, values: np.ndarray, **options) -> None:
    if values.dtype.kind in "OS":
        target.create_dataset(name, data=np.array([text(v) for v in values], dtype=object),
                              dtype=h5py.string_dtype(), **options)
    else:
        target.create_dataset(name, data=values, **options)


def _verdict(row: dict) -> str:
    chi2 = analytic.ChiSquare(float(row["attribution_chi2"]), int(row["attribution_dof"]),
                              float(row["attribution_p_value"]), 0)
    return analytic.verdict_text(float(row["z_score"]), float(row["reliability_p_value"]), chi2)


def write_layout_1(source, target) -> None:
    """The layout-1 file of the layout-2 chain sweep at `source`."""
    with h5py.File(source, "r") as src, h5py.File(target, "w") as dst:
        if int(src.attrs["base_format"]) != 1:
            raise ValueError("layout 1 holds sweeps of chains only")
        for key, value in src.attrs.items():
            if key not in LAYOUT_2_ONLY_ATTRIBUTES:
                dst.attrs[key] = value
        dst.attrs["format_version"] = np.int64(1)
        columns = [c for c in _columns(src["points"]) if c not in LAYOUT_2_ONLY_COLUMNS]
        points = dst.create_group("points")
        points.attrs["columns"] = ",".join(columns)
        table = {c: src["points"][c][...] for c in columns}
        for c in columns:
            _copy_column(points, c, table[c])
        component_rows = src["offsets/point_components"][...]
        components = {c: src["point_components"][c][...]
                      for c in _columns(src["point_components"])}
        recorded = "point_failures" in src
        if recorded:
            failure_rows = src["offsets/point_failures"][...]
            failures = {c: src["point_failures"][c] for c in ("request", "component")}
        width = 6
        while int(src.attrs["points"]) > 10 ** width and width < 20:
            width += 1
        for i in np.flatnonzero(table["done"]):
            row = {c: table[c][i] for c in columns}
            group = dst.create_group(f"point/{i:0{width}d}")
            for key in ("requests", "seed", "replication", "failures"):
                group.attrs[key] = np.uint64(row[key])
            group.attrs["sampler"] = text(row["sampler"])
            for key in ("reliability_empirical", "reliability_analytic", "z_score"):
                group.attrs[key] = np.float64(row[key])
            group.attrs["verdict"] = _verdict(row)
            a, b = int(component_rows[i]), int(component_rows[i + 1])
            g = group.create_group("components")
            for c in ("name", "reliability", "failures", "expected_failures",
                      "first_failure_probability"):
                _copy_column(g, c, components[c][a:b])
            if recorded:
                a, b = int(failure_rows[i]), int(failure_rows[i + 1])
                g = group.create_group("failures")
                options = dict(chunks=(FAILURE_CHUNK,), maxshape=(None,), compression="gzip")
                g.create_dataset("request", data=failures["request"][a:b], **options)
                g.create_dataset("component", data=failures["component"][a:b].astype(
                    outcome_type(int(row["n_components"]))), **options)


def _keep_rows(f: h5py.File, table: str, keep: np.ndarray) -> None:
    """Drops the rows of /table that belong to points not in `keep`, and fixes its offsets."""
    offsets = f[f"offsets/{table}"][...].astype(np.int64)
    counts = np.diff(offsets)
    rows = np.repeat(keep, counts)
    for c in _columns(f[table]):
        values = f[table][c][...][rows]
        dtype = f[table][c].dtype
        del f[table][c]
        f[table].create_dataset(c, data=values, dtype=dtype, chunks=True, maxshape=(None,))
    del f[f"offsets/{table}"]
    f["offsets"].create_dataset(table, data=np.concatenate(
        [[0], np.cumsum(np.where(keep, counts, 0))]).astype(np.uint64))


def make_partial(source, target, done) -> None:
    """An interrupted sweep, as the engine leaves it: the points not in `done` unfinished (done
    0, failures 0, statistics NaN, no rows in the per-point tables or no /point group), no
    failed-request record, points_done and complete = 0 at the root."""
    with h5py.File(source, "r") as src, h5py.File(target, "w") as f:
        for key in src:
            src.copy(key, f)
        for key, value in src.attrs.items():
            f.attrs[key] = value
        n = int(f.attrs["points"])
        keep = np.zeros(n, dtype=bool)
        keep[list(done)] = True
        table = f["points"]
        table["done"][...] = keep.astype(np.uint8)
        table["agrees"][...] = np.where(keep, table["agrees"][...], 0)
        table["failures"][...] = np.where(keep, table["failures"][...], 0)
        for column in ("reliability_empirical", "ci_low", "ci_high", "z_score", "z_p_value",
                       "reliability_p_value", "attribution_chi2", "attribution_dof",
                       "attribution_p_value", "expected_attempts"):
            if column in table:
                table[column][...] = np.where(keep, table[column][...], np.nan)
        if "verdict_tests" in table:
            table["verdict_tests"][...] = np.where(keep, table["verdict_tests"][...], 0)
        if int(f.attrs["format_version"]) == 1:
            for i in np.flatnonzero(~keep):
                del f[f"point/{i:06d}"]
            for i in np.flatnonzero(keep):
                if "failures" in f[f"point/{i:06d}"]:
                    del f[f"point/{i:06d}/failures"]
        else:
            for name in ("point_components", "point_kinds"):
                if name in f:
                    _keep_rows(f, name, keep)
            if "point_failures" in f:
                del f["point_failures"]
                del f["offsets/point_failures"]
        f.attrs["points_done"] = np.uint64(keep.sum())
        f.attrs["complete"] = np.int8(0)
        f.attrs["record_requests"] = np.int8(0)


def write_many_points(path, points: int, components: int = 2, requests: int = 1000,
                      seed: int = 1, chunk: int = 65536) -> None:
    """A layout-2 chain sweep of `points` points of `components` parts each, without the engine
    (counts drawn with numpy; the statistics are plain functions of them): the reader's
    per-point and whole-table access at scale."""
    rng = np.random.default_rng(seed)
    reliability = rng.uniform(0.9, 0.999, size=points)
    q = 1 - reliability
    first = np.stack([q * reliability ** k for k in range(components)], axis=1)
    counts = np.stack([rng.binomial(requests, first[:, k]) for k in range(components)], axis=1)
    failures = counts.sum(axis=1)
    exact = reliability ** components
    empirical = 1 - failures / requests
    with h5py.File(path, "w") as f:
        for key, value in dict(format="nines-sweep", format_version=np.int64(2),
                               nines_version="test", created="2026-01-01T00:00:00Z",
                               sweep_name="many", sweep_path="many.sweep.yaml",
                               sweep_yaml="", sweep_sha256="", base_kind="chain",
                               base_format=np.int64(1), base_scenario_yaml="",
                               base_scenario_sha256="", parameters="chain.reliability",
                               replications=np.uint64(1), points=np.uint64(points),
                               points_done=np.uint64(points), complete=np.int8(1),
                               chunk_requests=np.uint64(1 << 20), ci_level=0.95,
                               sampler="auto", record_requests=np.int8(0)).items():
            f.attrs[key] = value
        big = dict(chunks=(min(chunk, points),), compression="gzip")
        table = {
            "point": np.arange(points, dtype=np.uint64), "chain.reliability": reliability,
            "replication": np.zeros(points, np.uint64),
            "n_components": np.full(points, components, np.uint64),
            "requests": np.full(points, requests, np.uint64),
            "seed": np.arange(points, dtype=np.uint64),
            "sampler": np.array(["per-request"] * points, dtype=object),
            "kernel": np.array(["chain"] * points, dtype=object),
            "done": np.ones(points, np.uint8), "failures": failures.astype(np.uint64),
            "reliability_empirical": empirical, "reliability_analytic": exact,
            "unreliability_analytic": 1 - exact, "ci_low": empirical, "ci_high": empirical,
            "z_score": np.zeros(points), "z_p_value": np.ones(points),
            "reliability_p_value": np.ones(points), "attribution_chi2": np.zeros(points),
            "attribution_dof": np.full(points, components - 1.0),
            "attribution_p_value": np.ones(points), "agrees": np.ones(points, np.uint8)}
        g = f.create_group("points")
        g.attrs["columns"] = ",".join(table)
        for name, values in table.items():
            _copy_column(g, name, values, **big)
        rows = points * components
        big = dict(chunks=(min(chunk, rows),), compression="gzip")
        parts = {
            "point": np.repeat(np.arange(points, dtype=np.uint64), components),
            "component": np.tile(np.arange(components, dtype=np.uint64), points),
            "name": np.array([f"c{k + 1}" for k in range(components)] * points, dtype=object),
            "reliability": np.repeat(reliability, components),
            "failures": counts.reshape(-1).astype(np.uint64),
            "expected_failures": requests * first.reshape(-1),
            "first_failure_probability": first.reshape(-1)}
        g = f.create_group("point_components")
        g.attrs["columns"] = ",".join(parts)
        for name, values in parts.items():
            _copy_column(g, name, values, **big)
        f.create_group("offsets").create_dataset(
            "point_components", data=np.arange(points + 1, dtype=np.uint64) * components)
