"""Per-request data: lazy slicing, chunked iteration, value counts in bounded memory."""
import numpy as np
import pytest

import nines
import synthetic


class SpyDataset:
    """Wraps an h5py dataset and records how many elements each read returns."""

    def __init__(self, dataset):
        self._dataset = dataset
        self.reads = []

    def __getattr__(self, name):
        return getattr(self._dataset, name)

    def __getitem__(self, key):
        values = self._dataset[key]
        self.reads.append(np.size(values))
        return values


@pytest.fixture(scope="module")
def ten_million(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "1e7.h5"
    return synthetic.write_run(path, requests=10_000_000, seed=11,
                               names=["a", "b", "c", "d"],
                               reliabilities=[0.999, 0.99, 0.995, 0.9999])


def test_value_counts_equals_bincount_in_bounded_memory(ten_million):
    with nines.open(ten_million) as run:
        outcomes = run.outcomes
        assert len(outcomes) == 10_000_000
        assert outcomes.chunk_length == 1 << 20
        spy = SpyDataset(outcomes._dataset)
        outcomes._dataset = spy
        counts = outcomes.value_counts()
        # Never more than one HDF5 chunk (2^20 requests) in memory at once.
        assert max(spy.reads) <= 1 << 20
        assert sum(spy.reads) == 10_000_000
        assert len(spy.reads) == 10  # ceil(1e7 / 2^20)
        everything = spy._dataset[...]
    assert np.array_equal(counts.to_numpy(), np.bincount(everything.astype(np.int64) + 1,
                                                         minlength=5))
    assert list(counts.index) == [-1, 0, 1, 2, 3]
    with nines.open(ten_million) as run:
        assert np.array_equal(counts.to_numpy()[1:], run.components["failures"].to_numpy())
        # A smaller explicit block gives the same answer with smaller reads.
        assert np.array_equal(run.outcomes.bincount(chunk=300_007), counts.to_numpy())


def test_slicing(synthetic_dense):
    with nines.open(synthetic_dense) as run:
        o = run.outcomes
        whole = o[:]
        assert len(o) == whole.size == 2_500_000
        assert np.array_equal(o[10:20], whole[10:20])
        assert np.array_equal(o[-5:], whole[-5:])
        assert np.array_equal(o[100:1000:7], whole[100:1000:7])
        assert np.array_equal(o[1000:100:-3], whole[1000:100:-3])
        assert o[5:5].size == 0
        assert o[3] == whole[3] and o[-1] == whole[-1]
        with pytest.raises(IndexError):
            o[2_500_000]
        with pytest.raises(TypeError):
            o[[1, 2]]
        blocks = list(o.iter_chunks(1_000_000))
        assert [start for start, _ in blocks] == [0, 1_000_000, 2_000_000]
        assert np.array_equal(np.concatenate([b for _, b in blocks]), whole)


def test_failures_record_matches_dense(synthetic_dense, synthetic_failures):
    # The two synthetic files share a seed, so they hold the same outcomes.
    with nines.open(synthetic_dense) as dense, nines.open(synthetic_failures) as sparse:
        whole = dense.outcomes[:]
        where = np.flatnonzero(whole >= 0)
        f = sparse.failures
        assert len(f) == where.size == sparse.summary.failures
        assert np.array_equal(f.request[:], where)
        assert np.array_equal(f.component[:], whole[where])
        frame = f[:5]
        assert list(frame.columns) == ["request", "component", "component_name"] and len(frame) == 5
        chunks = list(f.iter_chunks(1000))
        assert np.array_equal(np.concatenate([r for r, _ in chunks]), where)
        from_dense = list(dense.iter_failures())
        assert np.array_equal(np.concatenate([r for r, _ in from_dense]), where)
        assert np.array_equal(np.concatenate([c for _, c in from_dense]), whole[where])


def test_running_failures_dense_and_failures_agree_with_brute_force(synthetic_dense,
                                                                    synthetic_failures):
    points = np.array([0, 1, 2, 17, 1 << 20, (1 << 20) + 1, 2_000_000, 2_500_000])
    with nines.open(synthetic_dense) as dense, nines.open(synthetic_failures) as sparse:
        cumulative = np.concatenate([[0], np.cumsum(dense.outcomes[:] >= 0)])
        expected = cumulative[points]
        assert np.array_equal(dense.running_failures(points), expected)
        assert np.array_equal(sparse.running_failures(points), expected)
        with pytest.raises(ValueError):
            dense.running_failures([5, 3])
        with pytest.raises(ValueError):
            dense.running_failures([2_500_001])


def test_running_failures_needs_a_record(synthetic_none):
    with nines.open(synthetic_none) as run:
        with pytest.raises(nines.RecordError):
            run.running_failures([1, 2])
