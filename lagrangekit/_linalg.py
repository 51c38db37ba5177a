"""Small dense linear algebra shared by the KKT checker and the solvers."""

from __future__ import annotations

import numpy as np

__all__ = ["null_space"]


def null_space(a: np.ndarray, n: int) -> np.ndarray:
    """Orthonormal basis, as columns, of {d in R^n : a d = 0} (all of R^n when ``a`` has no rows)."""
    if a.shape[0] == 0:
        return np.eye(n)
    _, s, vt = np.linalg.svd(a)
    rank = int(np.sum(s > max(a.shape) * np.finfo(float).eps * (s[0] if s.size else 0.0) * 10))
    return vt[rank:].T
