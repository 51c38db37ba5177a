"""Small dense linear algebra shared by the KKT checker and the solvers.

:func:`svd`, :func:`eigh`, :func:`pinv` and :func:`solve` call LAPACK directly (through
scipy): on the few-by-few matrices of a KKT check or a Newton step, numpy's wrappers cost two
to three times the factorization. Each hands a non-finite matrix, or one LAPACK reports a
failure on, to numpy, so that errors and results there are numpy's.

Constraint gradients often include rows with one nonzero entry (bounds, and constraints on one
variable). Such a row fixes its coordinate, whatever its size: with more than
:data:`_DIRECT_COLUMNS` columns, the rank and the null space of the rows are found from those
coordinates and an SVD of the other rows on the remaining columns only, so that many active
bounds make the SVD small instead of n×n. Below that, one SVD of all the rows is cheaper.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
from scipy.linalg import lapack

__all__ = [
    "eigh",
    "independent_rows",
    "null_space",
    "pinv",
    "rank_and_null_space",
    "row_rank",
    "solve",
    "svd",
]

_EPS = float(np.finfo(float).eps)
_DIRECT_COLUMNS = 64  # up to this many columns one SVD (tens of µs) beats splitting off unit rows


def svd(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.linalg.svd(a)`` (u, s, vᵀ with full square u and vᵀ) of a 2-D float array."""
    a = np.asarray(a, dtype=float)
    if a.size and np.isfinite(a).all():
        u, s, vt, info = lapack.dgesdd(a)
        if info == 0:
            return u, s, vt
    return np.linalg.svd(a)


def eigh(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.linalg.eigh(a)``: ascending eigenvalues and eigenvectors of a symmetric matrix,
    from its lower triangle."""
    a = np.asarray(a, dtype=float)
    if a.size and np.isfinite(a).all():
        w, v, info = lapack.dsyevd(a, compute_v=1, lower=1)
        if info == 0:
            return w, v
    return np.linalg.eigh(a)


def pinv(a: np.ndarray) -> np.ndarray:
    """``np.linalg.pinv(a)``: singular values up to 1e-15 times the largest count as zero."""
    a = np.asarray(a, dtype=float)
    if a.size and np.isfinite(a).all():
        u, s, vt, info = lapack.dgesdd(a, full_matrices=0)
        if info == 0:
            large = s > 1e-15 * s.max()
            inverse = np.zeros_like(s)
            inverse[large] = 1.0 / s[large]
            return vt.T @ (inverse[:, None] * u.T)
    return np.linalg.pinv(a)


def solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.linalg.solve(a, b)`` for a square matrix and a vector; ``LinAlgError`` when ``a``
    is singular."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.size and np.isfinite(a).all() and np.isfinite(b).all():
        _, _, x, info = lapack.dgesv(a, b)
        if info == 0:
            return x
    return np.linalg.solve(a, b)


def _pinned_columns(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mask of the columns fixed by rows with exactly one nonzero entry, mask of the other rows)."""
    nonzero = a != 0
    unit = np.count_nonzero(nonzero, axis=1) == 1
    pinned = np.zeros(a.shape[1], dtype=bool)
    pinned[np.nonzero(nonzero[unit])[1]] = True  # the one nonzero column of each such row
    return pinned, ~unit


def _unit_length(rows: np.ndarray) -> np.ndarray:
    """Each nonzero row divided by its 2-norm, computed without overflow or underflow."""
    largest = np.abs(rows).max(axis=1, initial=0.0)
    rows = rows / np.where(largest > 0, largest, 1.0)[:, None]
    norms = np.sqrt((rows * rows).sum(axis=1))  # np.linalg.norm's sum, without its dispatch
    return rows / np.where(norms > 0, norms, 1.0)[:, None]


def _null_rank(s: np.ndarray, shape: tuple[int, ...]) -> int:
    """The rank that decides the null space: singular values above 10·max(shape)·eps·σ₁."""
    return int(np.count_nonzero(s > max(shape) * _EPS * (float(s[0]) if s.size else 0.0) * 10))


def _rank(s: np.ndarray) -> int:
    """The numerical rank: singular values above 1e-9·max(1, σ₁)."""
    return int(np.count_nonzero(s > 1e-9 * max(1.0, float(s[0])))) if s.size else 0


def _svd_null_space(a: np.ndarray) -> np.ndarray:
    if a.shape[0] == 0:
        return np.eye(a.shape[1])
    _, s, vt = svd(_unit_length(a))
    return vt[_null_rank(s, a.shape) :].T


def _rank_of_unit_rows(rows: np.ndarray) -> int:
    if rows.size == 0:
        return 0
    return _rank(np.linalg.svd(rows, compute_uv=False))


def null_space(a: np.ndarray, n: int) -> np.ndarray:
    """Orthonormal basis, as columns, of {d in R^n : a d = 0} (all of R^n when ``a`` has no rows).

    The rows are scaled to unit length first (a constraint's gradient and any positive multiple
    of it give the same tangent space); singular values below 10·max(shape)·eps times the
    largest count as zero.
    """
    if a.shape[0] == 0:
        return np.eye(n)
    if n <= _DIRECT_COLUMNS:
        return _svd_null_space(a)
    pinned, others = _pinned_columns(a)
    free = np.flatnonzero(~pinned)
    basis = _svd_null_space(a[np.ix_(others, free)])
    z = np.zeros((n, basis.shape[1]))
    z[free] = basis
    return z


def row_rank(rows: np.ndarray) -> int:
    """Numerical rank of ``rows``, each scaled to unit length: singular values above 1e-9·max(1, σ₁)."""
    if rows.shape[0] == 0:
        return 0
    if rows.shape[1] <= _DIRECT_COLUMNS:
        return _rank_of_unit_rows(_unit_length(rows))
    pinned, others = _pinned_columns(rows)
    return int(np.count_nonzero(pinned)) + _rank_of_unit_rows(_unit_length(rows[others])[:, ~pinned])


def rank_and_null_space(rows: np.ndarray, n: int) -> tuple[int, np.ndarray]:
    """``(row_rank(rows), null_space(rows, n))``, from one SVD when there are at most
    ``_DIRECT_COLUMNS`` columns (the KKT check asks for both of the same active rows)."""
    if rows.shape[0] == 0:
        return 0, np.eye(n)
    if n > _DIRECT_COLUMNS:
        return row_rank(rows), null_space(rows, n)
    _, s, vt = svd(_unit_length(rows))
    return _rank(s), vt[_null_rank(s, rows.shape) :].T


def independent_rows(rows: np.ndarray) -> np.ndarray:
    """Indices, ascending, of ``row_rank(rows)`` rows that span the same space as all of them,
    chosen by QR with column pivoting of the unit-length rows (the largest remaining
    component first)."""
    rank = row_rank(rows)
    if rank == rows.shape[0]:
        return np.arange(rows.shape[0])
    _, pivots = scipy.linalg.qr(_unit_length(rows).T, mode="r", pivoting=True)
    return np.sort(pivots[:rank])
