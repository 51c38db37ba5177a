"""GramStats.from_dask and GramFolds.from_dask against NumPy, locally and on a 2-process LocalCluster."""

from __future__ import annotations

import numpy as np
import pytest

from lagrangekit.linear_model.gram_folds import GramFolds
from lagrangekit.linear_model.gram_stats import GramStats

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
from distributed.diagnostics.plugin import SchedulerPlugin  # noqa: E402

FIELDS = ("X_mean", "y_mean", "XtX_centered", "Xty_centered", "yty_centered")


def _assert_same(a: GramStats, b: GramStats, tol: float = 1e-12) -> None:
    assert a.n_samples == b.n_samples
    assert a.sum_weights == pytest.approx(b.sum_weights, rel=tol)
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert np.max(np.abs(x - y)) <= tol * max(np.max(np.abs(y)), 1.0), name


def _data(n=5000, p=7, k=None, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 100.0
    shape = (n,) if k is None else (n, k)
    y = X @ rng.standard_normal((p, *shape[1:])) + rng.standard_normal(shape)
    return X, y, rng.uniform(0, 2, n)


@pytest.mark.parametrize("k", [None, 2])
def test_from_dask_matches_numpy(k):
    X, y, sw = _data(k=k)
    ref = GramStats.from_arrays(X, y, sw)
    Xd = da.from_array(X, chunks=(777, 3))  # column chunks are joined per row block
    yd = da.from_array(y, chunks=(1000,) + y.shape[1:])  # different row chunks are aligned
    _assert_same(GramStats.from_dask(Xd, yd, da.from_array(sw, chunks=600)), ref)
    _assert_same(GramStats.from_dask(Xd, y, sw), ref)  # NumPy y and weights alongside a Dask X


def test_from_dask_handles_unknown_chunk_sizes():
    X, y, _ = _data()
    keep = X[:, 0] > 100.0
    Xd, yd = da.from_array(X, chunks=(500, 7)), da.from_array(y, chunks=500)
    maskd = da.from_array(keep, chunks=500)
    s = GramStats.from_dask(Xd[maskd], yd[maskd])
    _assert_same(s, GramStats.from_arrays(X[keep], y[keep]))
    with pytest.raises(ValueError, match="compute_chunk_sizes"):
        GramFolds.from_dask(Xd[maskd], yd[maskd], n_splits=3)


def test_dask_folds_match_streamed_folds():
    X, y, sw = _data(n=3001)
    dask_folds = GramFolds.from_dask(da.from_array(X, chunks=(413, 7)), y, sw, n_splits=4)
    chunks = ((X[i : i + 500], y[i : i + 500], sw[i : i + 500]) for i in range(0, 3001, 500))
    stream = GramFolds.from_chunks(chunks, 4)
    for a, b in zip(dask_folds.folds, stream.folds):
        _assert_same(a, b)
    rows = np.arange(3001) % 4 == 1
    _assert_same(dask_folds.test(1), GramStats.from_arrays(X[rows], y[rows], sw[rows]))


def test_from_dask_bad_input():
    X, y, _ = _data(n=100)
    with pytest.raises(TypeError, match="dask.array.Array"):
        GramStats.from_dask(X, y)
    with pytest.raises(ValueError, match="2-D"):
        GramStats.from_dask(da.from_array(X[:, 0]), y)
    with pytest.raises(ValueError, match="100 rows"):
        GramStats.from_dask(da.from_array(X, chunks=30), y[:90])
    bad = X.copy()
    bad[55, 2] = np.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        GramStats.from_dask(da.from_array(bad, chunks=30), y)


class _LargestResult(SchedulerPlugin):
    """Records the largest task result any worker held in memory."""

    def __init__(self, scheduler):
        self.scheduler = scheduler
        self.nbytes = 0

    def transition(self, key, start, finish, *args, **kwargs):
        task = self.scheduler.tasks.get(key)
        if finish == "memory" and task is not None:
            self.nbytes = max(self.nbytes, task.nbytes)


def test_local_cluster_two_processes_never_materializes_X():
    n, p, rows = 240_000, 10, 20_000
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        X = da.random.default_rng(7).standard_normal((n, p), chunks=(rows, p)) + 1e3  # made on the workers
        y = X @ np.arange(1.0, p + 1) + da.random.default_rng(8).standard_normal(n, chunks=rows)
        largest = _LargestResult(cluster.scheduler)
        cluster.scheduler.add_plugin(largest, name="largest-result")
        stats = GramStats.from_dask(X, y)
        folds = GramFolds.from_dask(X, y, n_splits=3)
        chunk_bytes = rows * p * 8
        assert 0 < largest.nbytes <= chunk_bytes  # the biggest thing ever held: one chunk of X
        assert largest.nbytes < X.nbytes / 10
        cluster.scheduler.remove_plugin(name="largest-result")
        Xn, yn = client.compute([X, y], sync=True)  # only now gather the data, for the reference
    _assert_same(stats, GramStats.from_arrays(Xn, yn))
    _assert_same(folds.total, stats)
    idx = np.arange(n)
    _assert_same(folds.test(2), GramStats.from_arrays(Xn[idx % 3 == 2], yn[idx % 3 == 2]))
