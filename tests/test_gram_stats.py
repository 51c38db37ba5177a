"""GramStats: blockwise statistics against two-pass NumPy and exact rational references, merge, errors."""

from __future__ import annotations

import tracemalloc
from fractions import Fraction

import numpy as np
import pytest
from sklearn.linear_model import Ridge as SkRidge

from lagrangekit.linear_model.gram_stats import GramStats


def _data(n=3001, p=4, k=None, seed=0, mean=5.0, weights=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3, p) + mean
    w_true = rng.standard_normal((p,) if k is None else (p, k))
    y = X @ w_true + rng.standard_normal(n if k is None else (n, k)) + 2.0
    sw = rng.uniform(0, 3, n) if weights else None
    return X, y, sw


def _two_pass(X, y, sw):
    """Reference statistics by NumPy's two-pass weighted averages and np.cov."""
    w = np.ones(X.shape[0]) if sw is None else sw
    W = w.sum()
    xm = np.average(X, axis=0, weights=w)
    ym = np.average(y, axis=0, weights=w)
    Z = np.column_stack([X, y])
    C = np.cov(Z.T, aweights=w, bias=True) * W
    p = X.shape[1]
    return W, xm, ym, C[:p, :p], C[:p, p:], np.diagonal(C[p:, p:])


def _rel(a, b):
    return np.max(np.abs(np.asarray(a) - b)) / max(np.max(np.abs(b)), 1e-300)


@pytest.mark.parametrize("k", [None, 3])
@pytest.mark.parametrize("weights", [False, True])
def test_from_arrays_matches_two_pass_numpy(k, weights):
    X, y, sw = _data(k=k, weights=weights)
    s = GramStats.from_arrays(X, y, sw)
    W, xm, ym, C, c, q = _two_pass(X, y, sw)
    assert s.n_samples == X.shape[0]
    assert s.sum_weights == pytest.approx(W, rel=1e-14)
    assert s.weighted is weights
    assert _rel(s.X_mean, xm) < 1e-13 and _rel(s.y_mean, ym) < 1e-13
    assert _rel(s.XtX_centered, C) < 1e-12
    assert _rel(s.Xty_centered, c.ravel() if k is None else c) < 1e-12
    assert _rel(s.yty_centered, q if k else q[0]) < 1e-12
    # raw sums, against direct products
    wv = np.ones(X.shape[0]) if sw is None else sw
    assert _rel(s.XtX, (X.T * wv) @ X) < 1e-12
    assert _rel(s.Xty, (X.T * wv) @ y) < 1e-12
    assert _rel(s.yty, wv @ y**2) < 1e-12


@pytest.mark.parametrize("layout", ["C", "F", "rows of F"])
@pytest.mark.parametrize("k", [None, 3])
def test_raw_products_in_every_memory_layout_match_two_pass_numpy(layout, k):
    # means within a spread: the blocks are reduced from their raw products (compiled sums and
    # Xᵀy for one C-ordered target, BLAS otherwise), over several cache-sized sub-blocks
    X, y, _ = _data(n=9001, p=40, k=k, mean=0.5)  # 9001: a last sub-block of 4m + 1 rows
    if layout == "F":
        X = np.asfortranarray(X)
    elif layout == "rows of F":
        X = np.asfortranarray(np.vstack([X, X]))[: X.shape[0]]
    s = GramStats.from_arrays(X, y)
    W, xm, ym, C, c, q = _two_pass(X, y, None)
    assert _rel(s.X_mean, xm) < 1e-13 and _rel(s.y_mean, ym) < 1e-13
    assert _rel(s.XtX_centered, C) < 1e-12
    assert _rel(s.Xty_centered, c.ravel() if k is None else c) < 1e-12
    assert _rel(s.yty_centered, q if k else q[0]) < 1e-12


def test_float32_input_is_accumulated_in_float64():
    X, y, _ = _data()
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    s = GramStats.from_arrays(X32, y32)
    ref = _two_pass(X32.astype(np.float64), y32.astype(np.float64), None)
    assert s.XtX_centered.dtype == np.float64
    assert _rel(s.XtX_centered, ref[3]) < 1e-12


def _exact_scatter(X):
    """Exact centred scatter matrix with rational arithmetic."""
    n, p = X.shape
    cols = [[Fraction(float(v)) for v in X[:, j]] for j in range(p)]
    means = [sum(c) / n for c in cols]
    return np.array(
        [
            [float(sum((a - means[i]) * (b - means[j]) for a, b in zip(cols[i], cols[j]))) for j in range(p)]
            for i in range(p)
        ]
    )


def test_pairwise_merge_keeps_digits_the_naive_formula_loses():
    # 1e6 + N(0, 1), rounded to 2**-20 so every value is an exact double and the exact
    # scatter can be computed with fractions.
    rng = np.random.default_rng(3)
    n, p = 1200, 2
    X = 1e6 + np.round(rng.standard_normal((n, p)) * 2**20) / 2**20
    y = X[:, 0].copy()
    exact = _exact_scatter(X)
    chunks = [(X[i : i + 100], y[i : i + 100]) for i in range(0, n, 100)]
    ours = GramStats.from_chunks(chunks).XtX_centered
    # the naive one-pass formula: accumulate Σxxᵀ and Σx per chunk, then subtract n·x̄x̄ᵀ
    raw = sum(c.T @ c for c, _ in chunks)
    total = sum(c.sum(axis=0) for c, _ in chunks)
    naive = raw - np.outer(total, total) / n
    err_ours, err_naive = _rel(ours, exact), _rel(naive, exact)
    assert err_ours < 1e-11
    assert err_naive > 1e-7  # about 2·log10(1e6) digits lost
    assert err_naive > 1e4 * err_ours


@pytest.mark.parametrize("raw_blocks", [1, 2])
def test_blocks_summed_raw_and_blocks_shifted_mix_to_the_exact_scatter(monkeypatch, raw_blocks):
    # blocks of 128 rows: the first ones, with means within a spread, are added up raw (one
    # block, then raw_blocks at a time) and centred once at the end; from the first block
    # around 1e6 on, every block is shifted by its own first rows and merged; the total keeps
    # its digits
    import lagrangekit.linear_model.gram_stats as gram_stats

    monkeypatch.setattr(gram_stats, "_CACHE_BYTES", 2**10)
    monkeypatch.setattr(gram_stats, "_BLOCK_BYTES", 2**12)
    monkeypatch.setattr(gram_stats, "_RAW_BLOCKS", raw_blocks)
    assert gram_stats._block_rows(4) == (128, 64)
    rng = np.random.default_rng(5)
    n = 1000
    rows = np.arange(n)
    means = np.where((rows >= 384) & (rows < 640), 1e6, rows // 128 * 0.5)
    Z = means[:, None] + np.round(rng.standard_normal((n, 4)) * 2**20) / 2**20
    stats = GramStats.from_arrays(Z[:, :3], Z[:, 3])
    exact = _exact_scatter(Z)
    assert _rel(stats.XtX_centered, exact[:3, :3]) < 1e-12
    assert _rel(stats.Xty_centered, exact[:3, 3]) < 1e-12
    assert stats.yty_centered == pytest.approx(exact[3, 3], rel=1e-12)


def test_merge_is_associative_and_order_independent():
    X, y, sw = _data(n=2000, k=2, weights=True, mean=10.0)
    bounds = [0, 137, 700, 701, 1500, 2000]
    parts = [GramStats.from_arrays(X[a:b], y[a:b], sw[a:b]) for a, b in zip(bounds, bounds[1:])]
    whole = GramStats.from_arrays(X, y, sw)
    left = parts[0]
    for part in parts[1:]:
        left = left.merge(part)
    right = parts[-1]
    for part in parts[-2::-1]:
        right = part.merge(right)
    rng = np.random.default_rng(0)
    shuffled = GramStats.merge_all([parts[i] for i in rng.permutation(len(parts))])
    ab_c = parts[0].merge(parts[1]).merge(parts[2])
    a_bc = parts[0].merge(parts[1].merge(parts[2]))
    for name in ("X_mean", "y_mean", "XtX_centered", "Xty_centered", "yty_centered"):
        ref = getattr(whole, name)
        for s in (left, right, shuffled):
            assert _rel(getattr(s, name), ref) < 1e-12, name
        assert _rel(getattr(ab_c, name), getattr(a_bc, name)) < 1e-12, name
    assert left.n_samples == right.n_samples == shuffled.n_samples == 2000
    assert left.sum_weights == pytest.approx(sw.sum(), rel=1e-13)


def test_zero_weight_rows_are_the_same_as_dropping_them():
    X, y, sw = _data(n=500, weights=True)
    sw[100:300] = 0.0
    keep = sw > 0
    s = GramStats.from_arrays(X, y, sw)
    ref = GramStats.from_arrays(X[keep], y[keep], sw[keep])
    assert s.n_samples == 500 and ref.n_samples == keep.sum()
    assert _rel(s.XtX_centered, ref.XtX_centered) < 1e-12
    # a chunk whose weights are all zero is the identity of merge
    only_zero = GramStats.from_arrays(X[100:300], y[100:300], sw[100:300])
    assert only_zero.sum_weights == 0
    merged = ref.merge(only_zero)
    assert _rel(merged.Xty_centered, ref.Xty_centered) == 0 and merged.n_samples == ref.n_samples + 200


def test_from_chunks_is_one_pass_with_memory_of_one_chunk():
    rng = np.random.default_rng(1)
    p, rows, n_chunks = 20, 2000, 25
    chunk_bytes = rows * p * 8

    def stream():  # a generator: it can be consumed only once
        for _ in range(n_chunks):
            X = rng.standard_normal((rows, p))
            yield X, X[:, 0] + 1.0

    tracemalloc.start()
    try:
        s = GramStats.from_chunks(stream())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert s.n_samples == rows * n_chunks
    assert peak < 4 * chunk_bytes  # the data was 25 chunks
    assert s.XtX_centered[0, 0] / s.sum_weights == pytest.approx(1.0, abs=0.02)


def test_memory_mapped_array_and_chunks_agree_with_in_memory(tmp_path):
    X, y, sw = _data(n=4000, weights=True)
    np.save(tmp_path / "X.npy", X)
    Xm = np.load(tmp_path / "X.npy", mmap_mode="r")
    from_mmap = GramStats.from_arrays(Xm, y, sw)
    chunks = ((Xm[i : i + 999], y[i : i + 999], sw[i : i + 999]) for i in range(0, 4000, 999))
    from_chunks = GramStats.from_chunks(chunks)
    ref = _two_pass(X, y, sw)
    for s in (from_mmap, from_chunks):
        assert _rel(s.XtX_centered, ref[3]) < 1e-12
        assert _rel(s.Xty_centered, ref[4].ravel()) < 1e-12


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_normal_equations_give_sklearns_weighted_ridge(fit_intercept):
    X, y, sw = _data(n=800, p=6, weights=True)
    alpha = 3.0
    ne = GramStats.from_arrays(X, y, sw).normal_equations(fit_intercept)
    coef = np.linalg.solve(ne.XtX + alpha * np.eye(6), ne.Xty)
    intercept = ne.y_offset - ne.X_offset @ coef
    ref = SkRidge(alpha=alpha, fit_intercept=fit_intercept, solver="cholesky").fit(X, y, sample_weight=sw)
    assert _rel(coef, ref.coef_) < 1e-10
    assert intercept == pytest.approx(ref.intercept_, rel=1e-10, abs=1e-10)


def test_residual_sum_of_squares_matches_direct_computation():
    X, y, sw = _data(n=700, weights=True, mean=1e4)
    s = GramStats.from_arrays(X, y, sw)
    rng = np.random.default_rng(5)
    W = rng.standard_normal((4, 3))
    b = rng.standard_normal(3)
    direct = sw @ (y[:, None] - X @ W - b) ** 2
    assert _rel(s.residual_sum_of_squares(W, b), direct) < 1e-9
    assert s.residual_sum_of_squares(W[:, 0], b[0]) == pytest.approx(direct[0], rel=1e-9)
    X2, Y2, _ = _data(n=300, k=2)
    s2 = GramStats.from_arrays(X2, Y2)
    coef = rng.standard_normal((2, 4))
    direct2 = ((Y2 - X2 @ coef.T - [1.0, -1.0]) ** 2).sum(0)
    assert _rel(s2.residual_sum_of_squares(coef, [1.0, -1.0]), direct2) < 1e-10


def test_residual_correlations_match_direct_computation():
    X, y, sw = _data(n=700, weights=True, mean=1e3)
    s = GramStats.from_arrays(X, y, sw)
    w = np.random.default_rng(2).standard_normal(4)
    direct = X.T @ (sw * (y - X @ w - 0.7))
    assert _rel(s.residual_correlations(w, 0.7), direct) < 1e-9
    with pytest.raises(ValueError, match="coef must have shape"):
        s.residual_correlations(np.ones(2))
    X2, Y2, _ = _data(n=300, k=3)
    W2, b2 = np.random.default_rng(3).standard_normal((3, 4)), np.array([0.5, -1.0, 2.0])
    direct2 = (Y2 - X2 @ W2.T - b2).T @ X2
    assert _rel(GramStats.from_arrays(X2, Y2).residual_correlations(W2, b2), direct2) < 1e-9


def test_inputs_are_not_modified_and_stats_are_frozen():
    X, y, sw = _data(n=300, weights=True)
    copies = X.copy(), y.copy(), sw.copy()
    s = GramStats.from_arrays(X, y, sw)
    for a, b in zip((X, y, sw), copies):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError):
        s.XtX_centered[0, 0] = 1.0
    with pytest.raises(AttributeError):
        s.n_samples = 3


def test_bad_input_gets_clear_errors():
    X, y, _ = _data(n=50)
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="X contains NaN or inf"):
        GramStats.from_arrays(bad, y)
    bad_y = y.copy()
    bad_y[7] = np.inf
    with pytest.raises(ValueError, match="y contains NaN or inf"):
        GramStats.from_arrays(X, bad_y)
    with pytest.raises(ValueError, match="different numbers of rows"):
        GramStats.from_arrays(X, y[:-1])
    with pytest.raises(ValueError, match="2-D"):
        GramStats.from_arrays(X[:, 0], y)
    with pytest.raises(ValueError, match="sample_weight must be finite and >= 0"):
        GramStats.from_arrays(X, y, -np.ones(50))
    with pytest.raises(ValueError, match="sample_weight must have shape"):
        GramStats.from_arrays(X, y, np.ones(49))
    with pytest.raises(ValueError, match="numeric"):
        GramStats.from_arrays(X.astype(str), y)
    with pytest.raises(ValueError, match="chunks is empty"):
        GramStats.from_chunks([])
    with pytest.raises(ValueError, match="chunk 1 has 3 features"):
        GramStats.from_chunks([(X, y), (X[:, :3], y)])
    with pytest.raises(TypeError, match="chunk 0 must be an"):
        GramStats.from_chunks([X])
    with pytest.raises(TypeError, match="iterable of"):
        GramStats.from_chunks(X)
    scipy_sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match="dense"):
        GramStats.from_arrays(scipy_sparse.csr_matrix(X), y)
    a, b = GramStats.from_arrays(X, y), GramStats.from_arrays(X[:, :3], y)
    with pytest.raises(ValueError, match="different shapes"):
        a.merge(b)
    with pytest.raises(TypeError, match="GramStats"):
        a.merge(X)
    with pytest.raises(ValueError, match="coef must have 4 rows"):
        a.residual_sum_of_squares(np.ones(3))
