"""Small dense linear algebra shared by the KKT checker and the solvers.

Constraint gradients often include rows with one nonzero entry (bounds, and constraints on one
variable). Such a row fixes its coordinate, whatever its size: the rank and the null space of
the rows are found from those coordinates and an SVD of the other rows on the remaining
columns only. With many active bounds that SVD is small instead of n×n.
"""

from __future__ import annotations

import numpy as np

__all__ = ["null_space", "row_rank"]


def _pinned_columns(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mask of the columns fixed by rows with exactly one nonzero entry, mask of the other rows)."""
    nonzero = a != 0
    unit = np.count_nonzero(nonzero, axis=1) == 1
    pinned = np.zeros(a.shape[1], dtype=bool)
    pinned[np.nonzero(nonzero[unit])[1]] = True  # the one nonzero column of each such row
    return pinned, ~unit


def null_space(a: np.ndarray, n: int) -> np.ndarray:
    """Orthonormal basis, as columns, of {d in R^n : a d = 0} (all of R^n when ``a`` has no rows).

    Singular values of the rows without a single nonzero entry, on the columns those rows do not
    fix, count as zero below 10·max(shape)·eps times the largest.
    """
    if a.shape[0] == 0:
        return np.eye(n)
    pinned, others = _pinned_columns(a)
    free = np.flatnonzero(~pinned)
    rest = a[np.ix_(others, free)]
    if rest.shape[0] == 0:
        basis = np.eye(free.size)
    else:
        _, s, vt = np.linalg.svd(rest)
        rank = int(np.sum(s > max(rest.shape) * np.finfo(float).eps * (s[0] if s.size else 0.0) * 10))
        basis = vt[rank:].T
    z = np.zeros((n, basis.shape[1]))
    z[free] = basis
    return z


def row_rank(rows: np.ndarray) -> int:
    """Numerical rank of ``rows``, each scaled to unit length: singular values above 1e-9·max(1, σ₁)."""
    if rows.shape[0] == 0:
        return 0
    pinned, others = _pinned_columns(rows)
    norms = np.linalg.norm(rows[others], axis=1)
    rest = rows[np.ix_(others, ~pinned)] / np.where(norms > 0, norms, 1.0)[:, None]
    if rest.size == 0:
        return int(np.count_nonzero(pinned))
    s = np.linalg.svd(rest, compute_uv=False)
    return int(np.count_nonzero(pinned)) + int(np.sum(s > 1e-9 * max(1.0, s[0])))
