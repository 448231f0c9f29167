"""Writes small time-run files (HDF5 layout 3, format_version 3) without the engine: the
fixtures of the time-run tests, made to the layout the engine writes (README "Outages over
time"; the end-to-end tests in test_time_engine.py check the reader on the engine's own files).

make_time_run(path, ...) simulates a small model with numpy (its own random stream, not the
engine's): a load balancer that never fails, an api whose outages are detected 5 minutes after
they begin, counted only while `monitoring` is up, two database replicas (one of two needed)
detected at once, monitoring itself failing every 7 days for 12 hours (often, so that its
effect shows), and a zone event every 120 days that takes down the api and one database
replica. Two request kinds: browse (lb, api) and checkout
(lb, api, database). Every table is filled consistently with the others (the counts add up the
way the reader checks), so the reader, the plots and the report can be tested on it; the
numbers follow the model but are not the engine's.
"""
from __future__ import annotations

import hashlib
import math

import h5py
import numpy as np

DAY = 86400.0
YEAR = 365 * DAY
MONTHS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# name, declaration, replica, reliability, every (s, None: no outages), repair (s),
# detection delay (s, None: immediate), needs (component indices)
COMPONENTS = (
    ("lb", "lb", 0, 0.99999, None, None, None, ()),
    ("api", "api", 0, 0.9999, 60 * DAY, 1800.0, 300.0, (4,)),
    ("database[1]", "database", 1, 0.99995, 60 * DAY, 2700.0, None, ()),
    ("database[2]", "database", 2, 0.99995, 60 * DAY, 2700.0, None, ()),
    ("monitoring", "monitoring", 0, 0.999, 7 * DAY, 12 * 3600.0, None, ()),
)
# name, every (s), lasts (s), components taken down
EVENTS = (("zone-a", 120 * DAY, 2 * 3600.0, (1, 2)),)
# name, weight, path: blocks of (component indices, required)
KINDS = (("browse", 3.0, (((0,), 1), ((1,), 1))),
         ("checkout", 1.0, (((0,), 1), ((1,), 1), ((2, 3), 1))))

SCENARIO = """format_version: 3
name: {name}
run: {{seed: {seed}}}
time:
  horizon: {horizon_days}d
  histories: {histories}
  traffic: {{rate: {rate}/s}}
{slo}components:
  - {{name: lb, reliability: 0.99999}}
  - name: api
    reliability: 0.9999
    outages: {{every: 60d, repair: 30m}}
    detection: {{delay: 5m, needs: [monitoring]}}
  - name: database
    reliability: 0.99995
    replicas: 2
    required: 1
    outages: {{every: 60d, repair: 45m}}
  - name: monitoring
    reliability: 0.999
    outages: {{every: 7d, repair: 12h}}
common_cause:
  - {{name: zone-a, every: 120d, lasts: 2h, takes_down: [api, "database[1]"]}}
request_kinds:
  - {{name: browse, weight: 3, path: [lb, api]}}
  - {{name: checkout, weight: 1, path: [lb, api, database]}}
"""


def _describe(seconds: float | None) -> str:
    if seconds is None:
        return ""
    for unit, size in (("d", DAY), ("h", 3600.0), ("m", 60.0)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def _detect(start: float, delay: float, down: list[tuple[float, float]]) -> tuple[float, float]:
    """When a delay that counts only while the needs are up has elapsed, from `start`, given the
    needs' down intervals (sorted): (detected, time paused)."""
    t, remaining, paused = start, delay, 0.0
    for a, b in down:
        if b <= t:
            continue
        if a > t:
            if a - t >= remaining:
                return t + remaining, paused
            remaining -= a - t
        paused += b - max(a, t)
        t = b
    return t + remaining, paused


def _windows(horizon: float, window: float, kind: str) -> list[tuple[int, int]]:
    """The SLO's windows as (first day, days): only whole windows inside the horizon."""
    days, horizon_days = int(window // DAY), int(horizon // DAY)
    if kind == "rolling":
        return [(d, days) for d in range(horizon_days - days + 1)]
    if kind == "tumbling":
        return [(k * days, days) for k in range(horizon_days // days)]
    out, t, m = [], 0, 0
    while t + MONTHS[m % 12] <= horizon_days:
        out.append((t, MONTHS[m % 12]))
        t += MONTHS[m % 12]
        m += 1
    return out


def _overlap(segments_start, segments_end, weights, a, b) -> float:
    lo = np.maximum(segments_start, a)
    hi = np.minimum(segments_end, b)
    return float(np.sum(np.clip(hi - lo, 0, None) * weights))


def _interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    values = values[np.isfinite(values)]
    if not values.size:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    half = 1.959963984540054 * float(values.std(ddof=1)) / math.sqrt(values.size) \
        if values.size > 1 else 0.0
    return mean, mean - half, mean + half


def _strings(group, key, values):
    group.create_dataset(key, data=list(values), dtype=h5py.string_dtype("utf-8"))


def make_time_run(path, *, histories: int = 40, horizon_days: int = 120, seed: int = 1,
                  record: str = "outages", slo: dict | bool = True, traffic_rate: float = 0.05,
                  chunk: int = 64, name: str = "synthetic-time", format_version: int = 3,
                  crews: int = 0, start: str = "fresh"):
    """Writes a layout-3 run file at `path` and returns `path`.

    `slo` True declares {target 0.999, window 30 days, rolling}; a dict overrides those keys
    (target, window_days, windows); False declares none. `record` is outages, requests or
    none. `chunk` is the HDF5 chunk length of the per-outage, per-window and per-request
    tables (small, so that tests cross chunk boundaries)."""
    rng = np.random.default_rng(seed)
    horizon = horizon_days * DAY
    K, E = len(COMPONENTS), len(EVENTS)
    weights = np.array([w for _, w, _ in KINDS])
    shares = weights / weights.sum()
    if slo is True:
        slo = {}
    if slo is not False:
        slo = {"target": 0.999, "window_days": 30, "windows": "rolling", **slo}
        window = slo["window_days"] * DAY
        window_list = _windows(horizon, window, slo["windows"])

    # (history, component, event, start, detected, repair_start, end, paused, cause)
    outages = []
    per_history = []  # dicts
    window_rows = []
    request_rows = []
    kind_down = np.zeros((histories, len(KINDS)))
    kind_requests = np.zeros((histories, len(KINDS)), dtype=np.uint64)
    kind_failed = np.zeros((histories, len(KINDS)), dtype=np.uint64)
    kind_failed_outage = np.zeros(len(KINDS), dtype=np.uint64)
    own_down = np.zeros(K)
    own_count = np.zeros(K, dtype=np.int64)
    detect_times = [[] for _ in range(K)]
    repair_times = [[] for _ in range(K)]
    event_count = np.zeros(E, dtype=np.int64)
    event_down = np.zeros(E)
    budget_own = np.zeros(K + E)
    budget_detection = np.zeros(K)

    on_paths = [set(m for members, _ in blocks for m in members) for _, _, blocks in KINDS]
    request_rng = np.random.default_rng([seed, 1])  # the same outages whatever is recorded
    order = sorted(range(K), key=lambda c: len(COMPONENTS[c][7]))  # needs-free first
    for h in range(histories):
        # intervals: (culprit code, start, end, nominal detection, detected, paused, needs)
        intervals = []
        down_of = {c: [] for c in range(K)}  # own outages, for detection of others
        rows_h = []
        for c in order:
            _, _, _, _, every, repair, delay, needs = COMPONENTS[c]
            if every is None:
                continue
            t = rng.exponential(every)
            while t < horizon:
                needs_down = sorted(iv for n in needs for iv in down_of[n])
                if delay is None:
                    detected, paused = t, 0.0
                else:
                    detected, paused = _detect(t, delay, needs_down)
                end = detected + rng.exponential(repair)
                down_of[c].append((t, end))
                nominal = t + (delay or 0.0)
                intervals.append((c, t, end, nominal, detected, paused, needs))
                rows_h.append((h, c, -1, t, detected if detected < horizon else math.nan,
                               detected if detected < horizon else math.nan,
                               end if end < horizon else math.nan, paused, 0))
                own_count[c] += 1
                own_down[c] += min(end, horizon) - t
                if detected < horizon:
                    detect_times[c].append(detected - t)
                if end < horizon:
                    repair_times[c].append(end - detected)
                t = end + rng.exponential(every)
        event_hold = {c: [] for c in range(K)}
        for e, (_, every, lasts, takes) in enumerate(EVENTS):
            t = rng.exponential(every)
            while t < horizon:
                end = t + rng.exponential(lasts)
                intervals.append((K + e, t, end, t, t, 0.0, ()))
                rows_h.append((h, -1, e, t, t, t, end if end < horizon else math.nan, 0.0, 1))
                for c in takes:
                    event_hold[c].append((t, end))
                event_count[e] += 1
                event_down[e] += min(end, horizon) - t
                t = end + rng.exponential(every)
        rows_h.sort(key=lambda r: r[3])
        outages.extend(rows_h)

        # Elementary segments between every boundary: which components are down in each.
        bounds = {0.0, horizon}
        for _, a, b, nominal, detected, _, _ in intervals:
            bounds.update(x for x in (a, b, nominal, detected) if 0 < x < horizon)
        edges = np.array(sorted(bounds))
        lo, hi = edges[:-1], edges[1:]
        mid = (lo + hi) / 2
        length = hi - lo
        down = np.zeros((K, mid.size), dtype=bool)
        for c in range(K):
            for a, b in down_of[c] + event_hold[c]:
                down[c] |= (mid >= a) & (mid < b)
        kinds_down = np.zeros((len(KINDS), mid.size), dtype=bool)
        for k, (_, _, path_blocks) in enumerate(KINDS):
            for members, required in path_blocks:
                up = (~down[list(members)]).sum(axis=0)
                kinds_down[k] |= up < required
            kind_down[h, k] = float(np.sum(length[kinds_down[k]]))
        mix_weight = shares @ kinds_down  # share of traffic failing in each segment
        # Budget: each segment's mix downtime goes to the earliest-begun active interval on a
        # failing path; while that outage waited beyond its nominal detection because its
        # needs were down, to the needs instead.
        for s in np.flatnonzero(mix_weight > 0):
            failing = set().union(*(on_paths[k] for k in np.flatnonzero(kinds_down[:, s])))
            active = [iv for iv in intervals if iv[1] <= mid[s] < iv[2] and
                      (iv[0] >= K and failing & set(EVENTS[iv[0] - K][3]) or
                       iv[0] < K and iv[0] in failing and down[iv[0], s])]
            if not active:
                continue
            culprit, a, b, nominal, detected, paused, needs = min(active, key=lambda iv: iv[1])
            amount = mix_weight[s] * length[s]
            if culprit < K and paused > 0 and nominal <= mid[s] < detected and needs:
                budget_detection[list(needs)] += amount / len(needs)
            else:
                budget_own[culprit] += amount

        # Requests: Poisson arrivals; those in a kind's down time fail, the rest fail
        # transiently with the path's per-request unreliability. Only the first are listed.
        failed_outage_h = 0
        for k, (_, _, path_blocks) in enumerate(KINDS):
            n = int(rng.poisson(traffic_rate * shares[k] * horizon))
            outage_failed = int(rng.binomial(n, kind_down[h, k] / horizon))
            r = np.prod([COMPONENTS[members[0]][3] for members, _ in path_blocks])
            transient = int(rng.binomial(n - outage_failed, 1 - r))
            kind_requests[h, k] = n
            kind_failed[h, k] = outage_failed + transient
            failed_outage_h += outage_failed
            kind_failed_outage[k] += outage_failed
            if record == "requests":
                segs = np.flatnonzero(kinds_down[k])
                if outage_failed:
                    pick = request_rng.choice(segs, size=outage_failed,
                                              p=length[segs] / length[segs].sum())
                    times = lo[pick] + request_rng.random(outage_failed) * length[pick]
                    for t in times:
                        active = [iv for iv in intervals if iv[1] <= t < iv[2]]
                        iv = min(active, key=lambda v: v[1]) if active else None
                        cause = 2 if iv and iv[5] > 0 and iv[3] <= t < iv[4] else 1
                        request_rows.append((h, t, k, iv[0] if iv else -1, cause))
        requests_h = int(kind_requests[h].sum())
        failed_h = int(kind_failed[h].sum())
        downtime = float(shares @ kind_down[h])
        component_rows = [r for r in rows_h if r[1] >= 0]
        detected = [r[4] - r[3] for r in component_rows if math.isfinite(r[4])]
        repaired = [r[6] - r[5] for r in component_rows if math.isfinite(r[6])]
        met_time = met_requests = 0
        if slo is not False:
            seg_weight = mix_weight
            for w, (first_day, days) in enumerate(window_list):
                ws, wl = first_day * DAY, days * DAY
                dt = _overlap(lo, hi, seg_weight, ws, ws + wl)
                n = int(rng.poisson(traffic_rate * wl))
                f = int(rng.binomial(n, min(1.0, dt / wl + 1e-4)))
                mt = int(dt <= (1 - slo["target"]) * wl)
                mr = int(f <= (1 - slo["target"]) * n)
                met_time += mt
                met_requests += mr
                window_rows.append((h, w, n, f, dt, mt, mr))
        per_history.append(dict(
            downtime=downtime, outages=len(rows_h), requests=requests_h, failed=failed_h,
            failed_outage=failed_outage_h, time_availability=1 - downtime / horizon,
            request_availability=1 - failed_h / requests_h if requests_h else math.nan,
            mean_time_to_detect=float(np.mean(detected)) if detected else math.nan,
            mean_time_to_repair=float(np.mean(repaired)) if repaired else math.nan,
            windows_met_time=met_time, windows_met_requests=met_requests))

    history_years = histories * horizon / YEAR
    column = {key: np.array([r[key] for r in per_history]) for key in per_history[0]}
    yaml = SCENARIO.format(
        name=name, seed=seed, horizon_days=horizon_days, histories=histories, rate=traffic_rate,
        slo="" if slo is False else
        f"  slo: {{target: {100 * slo['target']:g}%, window: {slo['window_days']}d, "
        f"windows: {slo['windows']}}}\n")
    with h5py.File(path, "w") as f:
        a = f.attrs
        a["format"] = "nines-run"
        a["format_version"] = np.int64(format_version)
        a["nines_version"] = "0.0.0-synthetic"
        a["created"] = "2026-01-01T00:00:00Z"
        a["scenario_name"] = name
        a["scenario_yaml"] = yaml
        a["scenario_sha256"] = hashlib.sha256(yaml.encode()).hexdigest()
        a["seed"] = np.uint64(seed)
        a["record"] = record
        a["verdict"] = "agrees with the exact values (synthetic file)"
        a["agrees"] = np.int8(1)
        a["histories"] = np.uint64(histories)
        a["horizon_seconds"] = np.float64(horizon)
        a["start"] = start
        a["crews"] = np.uint64(crews)
        a["traffic_rate"] = np.float64(traffic_rate)
        a["chunk_histories"] = np.uint64(min(histories, 4096))
        if slo is not False:
            a["slo_target"] = np.float64(slo["target"])
            a["slo_window_seconds"] = np.float64(window)
            a["slo_windows"] = slo["windows"]

        def table(group_name, names, dtypes, rows):
            g = f.create_group(group_name)
            data = list(zip(*rows)) if rows else [[] for _ in names]
            for key, dtype, values in zip(names, dtypes, data):
                values = np.asarray(values, dtype=dtype)
                g.create_dataset(key, data=values, chunks=(max(1, min(chunk, values.size)),),
                                 maxshape=(None,), compression="gzip")
            return g

        if record != "none":
            g = f.create_group("histories")
            types = dict(downtime=np.float64, outages=np.uint64, requests=np.uint64,
                         failed=np.uint64, failed_outage=np.uint64,
                         time_availability=np.float64, request_availability=np.float64,
                         mean_time_to_detect=np.float64, mean_time_to_repair=np.float64,
                         windows_met_time=np.uint64, windows_met_requests=np.uint64)
            for key, dtype in types.items():
                g.create_dataset(key, data=column[key].astype(dtype))
            for key, values in (("kind_downtime", kind_down), ("kind_requests", kind_requests),
                                ("kind_failed", kind_failed)):
                d = g.create_dataset(key, data=values.reshape(-1))
                d.attrs["rows"] = np.uint64(histories)
                d.attrs["columns"] = np.uint64(len(KINDS))
            table("outages", ("history", "component", "event", "start", "detected",
                              "repair_start", "end", "detection_paused", "cause"),
                  (np.uint64, np.int32, np.int32, np.float64, np.float64, np.float64,
                   np.float64, np.float64, np.int8), outages)
            if slo is not False:
                g = table("windows", ("history", "window", "requests", "failed", "downtime",
                                      "met_time", "met_requests"),
                          (np.uint64, np.int32, np.uint64, np.uint64, np.float64, np.int8,
                           np.int8), window_rows)
                g["window_first_day"] = np.array([w[0] for w in window_list], dtype=np.int64)
                g["window_days"] = np.array([w[1] for w in window_list], dtype=np.int64)
            if record == "requests":
                request_rows.sort(key=lambda r: (r[0], r[1]))
                table("requests", ("history", "time", "kind", "culprit", "cause"),
                      (np.uint64, np.float64, np.int8, np.int32, np.int8), request_rows)

        g = f.create_group("components")
        _strings(g, "name", [c[0] for c in COMPONENTS])
        _strings(g, "declaration", [c[1] for c in COMPONENTS])
        g["replica"] = np.array([c[2] for c in COMPONENTS], dtype=np.int64)
        g["reliability"] = np.array([c[3] for c in COMPONENTS])
        _strings(g, "failure", [f"exponential(mean {_describe(c[4])})" if c[4] else ""
                                for c in COMPONENTS])
        _strings(g, "repair", [f"exponential(mean {_describe(c[5])})" if c[4] else ""
                               for c in COMPONENTS])
        _strings(g, "detection", ["" if c[4] is None else "immediate" if c[6] is None else
                                  f"fixed {_describe(c[6])} while "
                                  + ", ".join(COMPONENTS[n][0] for n in c[7]) + " up"
                                  for c in COMPONENTS])
        g["outages"] = own_count.astype(np.uint64)
        g["downtime"] = own_down
        g["outages_per_year"] = own_count / history_years
        g["downtime_per_year"] = own_down / history_years
        g["mean_time_to_detect"] = np.array([np.mean(t) if t else math.nan
                                             for t in detect_times])
        g["mean_time_to_repair"] = np.array([np.mean(t) if t else math.nan
                                             for t in repair_times])
        g["budget_seconds_per_year"] = budget_own[:K] / history_years
        g["budget_detection_seconds_per_year"] = budget_detection / history_years
        g["budget_requests_per_year"] = (budget_own[:K] + budget_detection) * traffic_rate \
            / history_years
        g["availability_simulated"] = 1 - own_down / (histories * horizon)
        exact = []
        for c in COMPONENTS:
            if c[4] is None:
                exact.append(1.0)
            elif c[7]:
                exact.append(math.nan)  # detection depends on another component
            else:
                exact.append(c[4] / (c[4] + (c[6] or 0.0) + c[5]))
        g["availability_exact"] = np.array(exact)
        g["mean_time_to_detect_exact"] = np.array(
            [math.nan if c[4] is None or c[7] else (c[6] or 0.0) for c in COMPONENTS])
        g["z_score"] = np.full(K, math.nan)

        g = f.create_group("events")
        _strings(g, "name", [e[0] for e in EVENTS])
        _strings(g, "every", [_describe(e[1]) for e in EVENTS])
        _strings(g, "lasts", [_describe(e[2]) for e in EVENTS])
        g["occurrences"] = event_count.astype(np.uint64)
        g["downtime"] = event_down
        g["budget_seconds_per_year"] = budget_own[K:] / history_years
        g["budget_requests_per_year"] = budget_own[K:] * traffic_rate / history_years
        g["quiet_simulated"] = 1 - event_down / (histories * horizon)
        g["quiet_exact"] = np.array([e[1] / (e[1] + e[2]) for e in EVENTS])

        g = f.create_group("kinds")
        _strings(g, "name", [k[0] for k in KINDS])
        g["weight"] = weights
        time_av = 1 - kind_down / horizon
        with np.errstate(invalid="ignore", divide="ignore"):
            request_av = 1 - kind_failed / kind_requests
        g["time_availability"] = time_av.mean(axis=0)
        kind_intervals = [_interval(time_av[:, k]) for k in range(len(KINDS))]
        g["time_availability_ci_low"] = np.array([i[1] for i in kind_intervals])
        g["time_availability_ci_high"] = np.array([i[2] for i in kind_intervals])
        g["requests"] = kind_requests.sum(axis=0, dtype=np.uint64)
        g["failed"] = kind_failed.sum(axis=0, dtype=np.uint64)
        g["failed_outage"] = kind_failed_outage
        g["request_availability"] = np.nanmean(request_av, axis=0)
        g["downtime_per_year"] = kind_down.mean(axis=0) / (horizon / YEAR)
        exact_kinds, z = [], []
        for k, (_, _, path_blocks) in enumerate(KINDS):
            value = 1.0
            for members, required in path_blocks:
                up = [exact[m] for m in members]
                p_none = np.prod([1 - u for u in up])
                value *= (1 - p_none) if required == 1 else np.prod(up)
            exact_kinds.append(value)
            sd = time_av[:, k].std(ddof=1)
            z.append((time_av[:, k].mean() - value) / (sd / math.sqrt(histories))
                     if sd > 0 else math.nan)
        g["availability_exact"] = np.array(exact_kinds)
        g["z_score"] = np.array(z)

        rows = []
        units = {"time_availability": "", "request_availability": "",
                 "downtime_per_year": "s", "outages_per_year": "1/y",
                 "mean_time_to_detect": "s", "mean_time_to_repair": "s",
                 "failed_requests_per_year": "1/y"}
        metrics = {
            "time_availability": column["time_availability"],
            "request_availability": column["request_availability"],
            "downtime_per_year": column["downtime"] / (horizon / YEAR),
            "outages_per_year": column["outages"] / (horizon / YEAR),
            "mean_time_to_detect": column["mean_time_to_detect"],
            "mean_time_to_repair": column["mean_time_to_repair"],
            "failed_requests_per_year": column["failed"] / (horizon / YEAR),
        }
        for metric, values in metrics.items():
            mean, low, high = _interval(values.astype(np.float64))
            finite = values[np.isfinite(values)]
            q = np.quantile(finite, [0.05, 0.5, 0.95]) if finite.size else [math.nan] * 3
            rows.append((metric, mean, low, high, *q))
        g = f.create_group("summary")
        _strings(g, "metric", [r[0] for r in rows])
        _strings(g, "unit", [units[r[0]] for r in rows])
        for i, key in enumerate(("mean", "ci_low", "ci_high", "p05", "p50", "p95"), start=1):
            g[key] = np.array([r[i] for r in rows])

        if slo is not False:
            s = f.create_group("slo").attrs
            s["target"] = np.float64(slo["target"])
            s["window_seconds"] = np.float64(window)
            s["windows"] = slo["windows"]
            s["windows_per_history"] = np.uint32(len(window_list))
            met = np.array([(r[5], r[6]) for r in window_rows], dtype=np.float64)
            for j, key in enumerate(("share_met_time", "share_met_requests")):
                mean, low, high = _interval(met[:, j]) if met.size else (math.nan,) * 3
                s[key], s[key + "_low"], s[key + "_high"] = mean, max(low, 0.0), min(high, 1.0)
            first = met[::len(window_list), 0] if met.size else np.zeros(0)
            mean, low, high = _interval(first) if first.size else (math.nan,) * 3
            s["first_window_met_time"] = mean
            s["first_window_met_time_low"] = max(low, 0.0)
            s["first_window_met_time_high"] = min(high, 1.0)
            s["first_window_met_time_exact"] = math.nan
            s["first_window_met_requests"] = float(met[::len(window_list), 1].mean()) \
                if met.size else math.nan

        # The totals over every history, written when the run has finished.
        a["ci_level"] = 0.95
        a["verdict_tests"] = np.int64(len(KINDS))
        a["verdict_test_alpha"] = 0.001
        a["exact_method"] = "closed forms (synthetic file)"
        a["requests"] = np.uint64(kind_requests.sum())
        a["failed"] = np.uint64(kind_failed.sum())
        a["failed_outage"] = np.uint64(kind_failed_outage.sum())
        a["outages"] = np.uint64(own_count.sum() + event_count.sum())
        mix = 1 - kind_down @ shares / horizon
        a["time_availability"], a["time_availability_ci_low"], \
            a["time_availability_ci_high"] = _interval(mix)
        a["time_availability_exact"] = float(np.dot(shares, exact_kinds))
        a["request_availability"] = 1 - float(kind_failed.sum()) / float(kind_requests.sum())
    return path
