"""Edits that damage a copy of a run file, for the tests that check the readers refuse it: each
function returns an edit, a callable given the open h5py.File of the copy."""
import shutil

import h5py


def damaged_copy(source: str, directory, edit, name: str = "damaged.h5") -> str:
    """A copy of `source` in `directory` with `edit` applied to it."""
    path = str(directory / name)
    shutil.copyfile(source, path)
    with h5py.File(path, "r+") as f:
        edit(f)
    return path


def set_value(dataset: str, index: int, value):
    def edit(f):
        values = f[dataset][:]
        values[index] = value
        f[dataset][...] = values
    return edit


def replace(dataset: str, change):
    """The dataset replaced by change(its values), its attributes kept."""
    def edit(f):
        values = change(f[dataset][:])
        attrs = dict(f[dataset].attrs)
        del f[dataset]
        f.create_dataset(dataset, data=values)
        for key, value in attrs.items():
            f[dataset].attrs[key] = value
    return edit
