"""Turns a nines output (HDF5 file and --json summary) into a golden digest: plain JSON data
that pins every attribute and dataset value exactly and leaves out what legitimately varies.

Values are canonical Python scalars so that they survive a JSON round trip unchanged: ints
stay ints, floats are written as their exact round-trip repr (non-finite ones as the strings
"nan", "inf" and "-inf"), HDF5 strings become str. Dataset contents are pinned by the SHA-256
of their little-endian bytes; small datasets also carry their values, large ones the digests
of fixed-size blocks and their first few values, so that a difference can be located.
"""
import hashlib
import math

import h5py
import numpy as np

# Attributes and JSON keys that change from run to run or between versions by design. Their
# presence (and an attribute's type) is still pinned, their value is not.
VOLATILE_ATTRIBUTES = frozenset({"created", "nines_version"})
VOLATILE_JSON_KEYS = frozenset(
    {"created", "elapsed_seconds", "requests_per_second", "histories_per_second",
     "nines_version", "threads"})
VOLATILE = "<volatile>"

INLINE_LIMIT = 64  # datasets with at most this many elements are stored value by value
BLOCK_ELEMENTS = 1 << 16  # block size of the per-block digests of larger datasets
BLOCK_DIGEST_HEX = 16  # 64 bits of SHA-256 per block: enough to locate, the full hash pins
HEAD_ELEMENTS = 16  # values kept from the start of a large dataset


class Unsupported(Exception):
    """An HDF5 type golden.py cannot pin exactly; extend this module rather than skip it."""


def canonical(value):
    """A JSON-safe scalar that equals `value` exactly, or a list of them for arrays."""
    if isinstance(value, np.ndarray):
        return [canonical(v) for v in value.reshape(-1)]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        x = float(value)
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode("utf-8", errors="backslashreplace")
    if isinstance(value, str):
        return value
    if isinstance(value, np.void):
        return [canonical(v) for v in value.tolist()]
    if value is None:
        return None
    raise Unsupported(f"value {value!r} of type {type(value).__name__}")


def describe_dtype(dtype):
    """The stored type as a short string: numpy's byte-order-explicit code (`<u8`, `|i1`),
    or string(LENGTH|vlen,ENCODING), or enum(BASE,{NAME: VALUE})."""
    text = h5py.check_string_dtype(dtype)
    if text is not None:
        length = "vlen" if text.length is None else str(text.length)
        return f"string({length},{text.encoding})"
    enum = h5py.check_enum_dtype(dtype)
    if enum is not None:
        members = ", ".join(f"{k}: {v}" for k, v in sorted(enum.items(), key=lambda kv: kv[1]))
        return f"enum({dtype.str},{{{members}}})"
    if h5py.check_vlen_dtype(dtype) is not None or dtype.hasobject:
        raise Unsupported(f"dtype {dtype}")
    if dtype.names is not None:
        fields = ", ".join(f"{n}: {describe_dtype(dtype.fields[n][0])}" for n in dtype.names)
        return f"compound({{{fields}}})"
    return dtype.str


def pinned_elements(array, dtype, replacements):
    """The elements whose bytes are hashed, in row-major order: a little-endian array for
    numbers; for strings, one bytes object per element (UTF-8 after path normalisation)
    prefixed by its 8-byte little-endian length, so that ["ab", "c"] and ["a", "bc"] differ."""
    flat = array.reshape(-1)
    if h5py.check_string_dtype(dtype) is not None:
        out = []
        for v in flat:
            raw = normalise_string(canonical(v), replacements).encode("utf-8")
            out.append(len(raw).to_bytes(8, "little") + raw)
        return out
    return np.ascontiguousarray(flat.astype(flat.dtype.newbyteorder("<"), copy=False))


def sha256_of(elements, start=0, stop=None):
    """SHA-256 of elements[start:stop] as pinned_elements lays them out."""
    h = hashlib.sha256()
    part = elements[start:stop]
    if isinstance(part, list):
        for piece in part:
            h.update(piece)
    else:
        h.update(part.tobytes())
    return h.hexdigest()


def normalise_string(text, replacements):
    for old, new in replacements:
        text = text.replace(old, new)
    return text


def normalise(value, replacements):
    """Machine-specific paths inside strings become placeholders such as $OUTPUT_DIR."""
    if isinstance(value, str):
        return normalise_string(value, replacements)
    if isinstance(value, list):
        return [normalise(v, replacements) for v in value]
    return value


# The attributes HDF5's dimension scale API (H5DS) keeps on datasets and on their scales hold
# object references, which are file addresses: they are pinned by the paths they refer to.
DIMENSION_SCALE_ATTRIBUTES = frozenset({"DIMENSION_LIST", "REFERENCE_LIST"})


def dimension_scale_attribute(obj, name):
    """DIMENSION_LIST as the scale paths of each axis; REFERENCE_LIST as sorted
    [dataset path, axis] pairs."""
    f = obj.file
    raw = obj.attrs[name]
    if name == "DIMENSION_LIST":
        return {"dtype": "dimension_list",
                "value": [[f[ref].name for ref in axis] for axis in raw]}
    return {"dtype": "reference_list",
            "value": sorted([f[entry[0]].name, int(entry[1])] for entry in raw)}


def attributes(obj, replacements):
    out = {}
    for name in sorted(obj.attrs.keys()):
        if name in DIMENSION_SCALE_ATTRIBUTES:
            out[name] = dimension_scale_attribute(obj, name)
            continue
        attr = obj.attrs.get_id(name)
        entry = {"dtype": describe_dtype(attr.dtype)}
        if attr.shape not in ((), None):
            entry["shape"] = list(attr.shape)
        if name in VOLATILE_ATTRIBUTES:
            entry["value"] = VOLATILE
        else:
            raw = obj.attrs[name]
            entry["value"] = None if isinstance(raw, h5py.Empty) else normalise(
                canonical(raw), replacements)
        out[name] = entry
    return out


def dataset(dset, replacements):
    entry = {"kind": "dataset", "dtype": describe_dtype(dset.dtype), "attributes": {}}
    if dset.shape is None:  # null dataspace: no elements, not even a shape
        entry["shape"] = None
        return entry
    entry["shape"] = list(dset.shape)
    data = dset[()]
    array = np.asarray(data)
    elements = pinned_elements(array, dset.dtype, replacements)
    entry["sha256"] = sha256_of(elements)
    count = array.size
    if count <= INLINE_LIMIT:
        entry["values"] = normalise(canonical(array), replacements)
    else:
        entry["head"] = normalise(canonical(array.reshape(-1)[:HEAD_ELEMENTS]), replacements)
        entry["block_elements"] = BLOCK_ELEMENTS
        entry["block_sha256"] = [
            sha256_of(elements, start, start + BLOCK_ELEMENTS)[:BLOCK_DIGEST_HEX]
            for start in range(0, count, BLOCK_ELEMENTS)]
    return entry


def hdf5_digest(path, replacements=()):
    """Every group and dataset of the file by absolute path, with its attributes."""
    objects = {}
    with h5py.File(path, "r") as f:
        objects["/"] = {"kind": "group", "attributes": attributes(f, replacements)}

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                entry = dataset(obj, replacements)
            elif isinstance(obj, h5py.Group):
                entry = {"kind": "group"}
            else:
                raise Unsupported(f"/{name}: {type(obj).__name__}")
            entry["attributes"] = attributes(obj, replacements)
            objects["/" + name] = entry

        f.visititems(visit)
    return dict(sorted(objects.items()))


def json_digest(value, replacements=()):
    """The --json summary with volatile keys masked and paths normalised."""
    if isinstance(value, dict):
        return {k: VOLATILE if k in VOLATILE_JSON_KEYS else json_digest(v, replacements)
                for k, v in value.items()}
    if isinstance(value, list):
        return [json_digest(v, replacements) for v in value]
    if isinstance(value, str):
        return normalise_string(value, replacements)
    return value
