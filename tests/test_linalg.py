"""Rank and null space with rows that fix one coordinate (bounds), against numpy and scipy's dense SVD."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st

from lagrangekit import _linalg
from lagrangekit._linalg import null_space, row_rank


@contextmanager
def _direct_columns(value: int):
    saved = _linalg._DIRECT_COLUMNS
    _linalg._DIRECT_COLUMNS = value
    try:
        yield
    finally:
        _linalg._DIRECT_COLUMNS = saved


def _rows(seed: int, n: int, general: int, units: int, duplicate: bool, scale: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    dense = rng.standard_normal((general, n))
    cols = rng.choice(n, size=units, replace=duplicate)
    unit = np.zeros((units, n))
    unit[np.arange(units), cols] = rng.choice([-1.0, 1.0], units) * rng.uniform(0.5, 2.0, units) * scale
    rows = np.vstack([dense, unit])
    return rows[rng.permutation(rows.shape[0])]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 12),
    general=st.integers(0, 6),
    units=st.integers(0, 12),
    duplicate=st.booleans(),
)
def test_rank_and_null_space_match_the_dense_svd(seed, n, general, units, duplicate):
    units = units if duplicate else min(units, n)
    rows = _rows(seed, n, general, units, duplicate, 1.0)
    if general >= 2:
        rows = np.vstack([rows, rows[0] + rows[1]])  # a dependent row
    if rows.shape[0] == 0:
        assert row_rank(rows) == 0
        return
    norms = np.linalg.norm(rows, axis=1)
    expected = np.linalg.matrix_rank(rows / np.where(norms > 0, norms, 1.0)[:, None], tol=1e-9)
    for direct_columns in (_linalg._DIRECT_COLUMNS, 0):  # one SVD, and unit rows split off
        with _direct_columns(direct_columns):
            assert row_rank(rows) == expected
            z = null_space(rows, n)
        assert z.shape == (n, scipy.linalg.null_space(rows).shape[1])
        assert np.allclose(z.T @ z, np.eye(z.shape[1]), atol=1e-12)
        assert np.abs(rows @ z).max(initial=0.0) <= 1e-12 * max(1.0, np.abs(rows).max())


@pytest.mark.parametrize("direct_columns", [_linalg._DIRECT_COLUMNS, 0])
@pytest.mark.parametrize("scale", [1e-200, 1e200])
def test_a_one_variable_row_fixes_its_coordinate_whatever_its_size(scale, direct_columns):
    # x2 <= 0 written as scale·x2 <= 0: the same constraint, the same tangent space
    rows = np.array([[1.0, 1.0, 1.0], [0.0, scale, 0.0]])
    with _direct_columns(direct_columns):
        assert row_rank(rows) == 2
        z = null_space(rows, 3)
    assert z.shape == (3, 1)
    assert np.allclose(np.abs(z[:, 0]), [np.sqrt(0.5), 0.0, np.sqrt(0.5)])


def test_many_active_bounds_reduce_to_the_general_rows():
    n = 1500
    rows = np.vstack([np.ones((1, n)), np.eye(n)[: n - 40]])  # budget and 1460 active bounds
    assert row_rank(rows) == n - 40 + 1
    z = null_space(rows, n)
    assert z.shape == (n, 39)
    assert np.abs(rows @ z).max() <= 1e-12


# ------------------------------------------- LAPACK called directly, against numpy's wrappers
@pytest.mark.parametrize("shape", [(1, 3), (3, 5), (5, 2), (4, 4)])
def test_direct_lapack_calls_agree_with_numpy(shape):
    from lagrangekit._linalg import eigh, pinv, solve, svd

    rng = np.random.default_rng(sum(shape))
    a = rng.standard_normal(shape)
    u, s, vt = svd(a)
    U, S, VT = np.linalg.svd(a)
    assert u.shape == U.shape and vt.shape == VT.shape
    np.testing.assert_allclose(s, S, rtol=1e-13)
    np.testing.assert_allclose(u[:, : len(s)] @ np.diag(s) @ vt[: len(s)], a, atol=1e-12)
    np.testing.assert_allclose(pinv(a), np.linalg.pinv(a), atol=1e-12)
    sym = a.T @ a
    w, v = eigh(sym)
    np.testing.assert_allclose(w, np.linalg.eigh(sym)[0], atol=1e-12)
    np.testing.assert_allclose(v @ np.diag(w) @ v.T, sym, atol=1e-11)
    square = a @ a.T + np.eye(shape[0])
    b = rng.standard_normal(shape[0])
    np.testing.assert_allclose(solve(square, b), np.linalg.solve(square, b), rtol=1e-12)


def test_direct_lapack_calls_fail_as_numpy_does():
    from lagrangekit._linalg import pinv, solve, svd

    with pytest.raises(np.linalg.LinAlgError):
        solve(np.ones((2, 2)), np.ones(2))  # singular
    with pytest.raises(np.linalg.LinAlgError):
        svd(np.array([[1.0, np.nan]]))
    assert svd(np.zeros((0, 3)))[2].shape == np.linalg.svd(np.zeros((0, 3)))[2].shape
    np.testing.assert_array_equal(pinv(np.zeros((2, 3))), np.zeros((3, 2)))
