#!/usr/bin/env python3
"""Usage: tests/golden/compare_values.py OLD_DIR NEW_DIR (copies of tests/golden before and after
a --regenerate). Old vs new golden digests with attributes and the new dimension-only datasets left out:
every dataset present before must have the same dtype, the same element count and the same
SHA-256 of its row-major elements; shapes may change only from flat to 2-D."""
import glob
import json
import math
import os
import sys

old_dir, new_dir = sys.argv[1], sys.argv[2]
problems = 0; datasets = 0; reshaped = []; added = set(); added_attrs = set(); changed_attrs = []
for old_path in sorted(glob.glob(os.path.join(old_dir, "*.json"))):
    name = os.path.basename(old_path)
    old = json.load(open(old_path)); new = json.load(open(os.path.join(new_dir, name)))
    if old.get("summary_json") != new.get("summary_json"):
        print("JSON summary differs:", name); problems += 1
    o, n = old["hdf5"], new["hdf5"]
    for path, entry in o.items():
        if path not in n: print("missing", name, path); problems += 1; continue
        e = n[path]
        # attributes present before: same value (except volatile ones)
        for a, v in entry.get("attributes", {}).items():
            if a not in e["attributes"]:
                changed_attrs.append((name, path, a, "removed"))
            elif e["attributes"][a] != v:
                changed_attrs.append((name, path, a, "changed"))
        for a in e.get("attributes", {}):
            if a not in entry.get("attributes", {}): added_attrs.add(a)
        if entry["kind"] != "dataset": continue
        datasets += 1
        same = (entry["dtype"] == e["dtype"] and entry.get("sha256") == e.get("sha256")
                and math.prod(entry["shape"]) == math.prod(e["shape"])
                and entry.get("values") == e.get("values") and entry.get("block_sha256") == e.get("block_sha256"))
        if not same: print("VALUES DIFFER", name, path); problems += 1
        if entry["shape"] != e["shape"]: reshaped.append((name, path, entry["shape"], e["shape"]))
    for path, e in n.items():
        if path not in o:
            a = e.get("attributes", {})
            kind = "dimension-only" if "This is a netCDF dimension" in str(a.get("NAME", {}).get("value", "")) else "OTHER"
            added.add((kind, path.rsplit("/",1)[0] + "/" + path.rsplit("/",1)[1]))
            if kind == "OTHER": print("new non-dimension object", name, path); problems += 1
print(f"{len(glob.glob(os.path.join(old_dir,'*.json')))} cases, {datasets} datasets compared, {problems} problems")
print("reshaped:", sorted({(p, str(a), "->", str(b)) for _, p, a, b in reshaped}, key=str)[:20])
print("attributes removed/changed:", sorted({(p, a, k) for _, p, a, k in changed_attrs}))
print("attributes added:", sorted(added_attrs))
print("new datasets:", sorted({p for _, p in added}))
