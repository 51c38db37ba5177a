"""Sparse symmetric indefinite LDLᵀ factorization with its inertia, by QDLDL (the optional extra ``sparse``).

QDLDL factors P K Pᵀ = L D Lᵀ with D diagonal after an AMD ordering and no pivoting, so the
signs of D are the inertia of K (Sylvester's law), as long as every pivot is nonzero; a zero
pivot is reported as a failed factorization, which callers treat as a singular matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sps

__all__ = ["SparseLDL", "require_qdldl"]

INSTALL_HINT = (
    "the sparse interior-point method (method='sparse_ipm') needs the qdldl package, a sparse LDLᵀ "
    "factorization: pip install 'lagrangekit[sparse]' (or pip install qdldl)"
)


def require_qdldl():
    """The qdldl module, or ImportError saying what to install."""
    try:
        import qdldl
    except ImportError as exc:  # pragma: no cover  (qdldl is in the dev extra)
        raise ImportError(INSTALL_HINT) from exc
    return qdldl


@dataclass
class Inertia:
    """Numbers of positive, negative and tiny (|d| <= ``zero``) pivots, and the smallest |d|."""

    positive: int
    negative: int
    tiny: int


class SparseLDL:
    """Repeated LDLᵀ factorizations of symmetric matrices that share one sparsity pattern.

    :meth:`factor` keeps QDLDL's symbolic analysis while the pattern (of the upper triangle)
    stays the same, and starts afresh when it changes.
    """

    def __init__(self) -> None:
        self._qdldl = require_qdldl()
        self._solver = None
        self._pattern: tuple[np.ndarray, np.ndarray] | None = None
        self.pivots = np.zeros(0)

    def factor(self, K: sps.spmatrix) -> bool:
        """Factor the symmetric ``K`` (its upper triangle is read; its diagonal must be stored,
        zeros included). False when a pivot is zero or not finite (K singular, or nearly so)."""
        upper = K if _is_upper(K) else sps.triu(K, format="csc")
        upper.sort_indices()
        pattern = (upper.indptr, upper.indices)
        same = self._pattern is not None and all(np.array_equal(a, b) for a, b in zip(pattern, self._pattern))
        try:
            if same:  # the symbolic analysis (ordering, elimination tree) is kept, even past a failure
                self._solver.update(upper, upper=True)
            else:
                self._pattern = None
                self._solver = self._qdldl.Solver(upper, upper=True)
                self._pattern = pattern
            self.pivots = self._solver.factors()[1]
        except (RuntimeError, ValueError):  # a zero pivot
            self.pivots = np.zeros(0)
            return False
        return bool(np.all(np.isfinite(self.pivots)) and np.all(self.pivots != 0))

    def inertia(self, zero: float = 0.0) -> Inertia:
        d = self.pivots
        tiny = np.abs(d) <= zero
        return Inertia(
            int(np.count_nonzero((d > 0) & ~tiny)), int(np.count_nonzero((d < 0) & ~tiny)), int(tiny.sum())
        )

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        return np.asarray(self._solver.solve(np.ascontiguousarray(rhs, dtype=float)), dtype=float)


def _is_upper(K: sps.spmatrix) -> bool:
    if not sps.isspmatrix_csc(K):
        return False
    columns = np.repeat(np.arange(K.shape[1]), np.diff(K.indptr))
    return bool(np.all(K.indices <= columns))


def saddle_matrix(H: sps.spmatrix, A: sps.spmatrix, top: float | np.ndarray, bottom: float) -> sps.csc_matrix:
    """The upper triangle of [[H + diag(top), Aᵀ], [A, −bottom·I]] (H symmetric), every
    diagonal entry stored, zeros too (QDLDL needs them), as sorted CSC."""
    n, m = H.shape[0], A.shape[0]
    upper = sps.triu(H, k=1, format="coo")
    a = A.tocoo()
    diag = np.concatenate(
        [H.diagonal() + np.broadcast_to(np.asarray(top, float), (n,)), np.full(m, -float(bottom))]
    )
    index = np.arange(n + m)
    rows = np.concatenate([upper.row, a.col, index])
    cols = np.concatenate([upper.col, a.row + n, index])
    data = np.concatenate([upper.data, a.data, diag])
    K = sps.csc_matrix((data, (rows, cols)), shape=(n + m, n + m))  # sums duplicates, sorts indices
    return K
