"""The centred, weighted design Xs = diag(√s)(X − 1x̄ᵀ) of a dense or scipy.sparse X, never formed.

Ridge with an unpenalized intercept is plain ridge on Xs and ys = √s(y − ȳ), with x̄ and ȳ the
s-weighted means. :class:`CentredDesign` applies Xs and Xsᵀ through X itself (X v − 1x̄ᵀv and
Xᵀu − x̄1ᵀu, scaled by √s), so neither centring nor weighting copies or densifies X; its Gram
and kernel matrices are formed from XᵀSX and XXᵀ with the centring applied afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sparse
import scipy.sparse.linalg as splinalg

__all__ = ["CentredDesign", "centred_design"]


@dataclass(frozen=True)
class CentredDesign:
    """Xs = diag(√s)(X − 1x̄ᵀ) for float64 ``X`` (n, p), dense or sparse; ``root`` is √s or None (s = 1).

    ``x_offset`` is x̄ (zeros without an intercept) and ``y_offset`` ȳ (k,); ``ys`` is the
    transformed target √s(Y − ȳ) of shape (n, k).
    """

    X: Any
    x_offset: np.ndarray
    root: np.ndarray | None
    ys: np.ndarray
    y_offset: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.X.shape

    def _weights(self) -> np.ndarray:
        return np.ones(self.X.shape[0]) if self.root is None else self.root**2

    def matmat(self, V: np.ndarray) -> np.ndarray:
        """Xs @ V for V of shape (p,) or (p, m)."""
        out = np.asarray(self.X @ V) - self.x_offset @ V
        if self.root is not None:
            out = out * (self.root if out.ndim == 1 else self.root[:, None])
        return out

    def rmatmat(self, U: np.ndarray) -> np.ndarray:
        """Xsᵀ @ U for U of shape (n,) or (n, m)."""
        if self.root is not None:
            U = U * (self.root if U.ndim == 1 else self.root[:, None])
        out = np.asarray(self.X.T @ U)
        return out - (self.x_offset * U.sum() if U.ndim == 1 else np.outer(self.x_offset, U.sum(axis=0)))

    def operator(self) -> splinalg.LinearOperator:
        """Xs as a scipy LinearOperator (for lsqr and cg)."""
        return splinalg.LinearOperator(
            self.X.shape, matvec=self.matmat, rmatvec=self.rmatmat, matmat=self.matmat,
            rmatmat=self.rmatmat, dtype=np.float64,
        )  # fmt: skip

    def gram(self) -> np.ndarray:
        """XsᵀXs = XᵀSX − (Σs)x̄x̄ᵀ as a dense (p, p) array."""
        X, s = self.X, self._weights()
        if self.root is None:
            G = X.T @ X
        else:  # XᵀSX: the weights scale a transient product, X itself is left alone
            G = X.T @ (sparse.diags(s) @ X) if sparse.issparse(X) else X.T @ (X * s[:, None])
        G = G.toarray() if sparse.issparse(G) else np.asarray(G)
        return G - s.sum() * np.outer(self.x_offset, self.x_offset)

    def kernel(self) -> np.ndarray:
        """XsXsᵀ as a dense (n, n) array: (XXᵀ − (Xx̄)1ᵀ − 1(Xx̄)ᵀ + ‖x̄‖²) scaled by √s√sᵀ."""
        X = self.X
        K = X @ X.T
        K = K.toarray() if sparse.issparse(K) else np.array(K)
        Xm = np.asarray(X @ self.x_offset)
        K -= Xm[:, None]
        K -= Xm[None, :]
        K += self.x_offset @ self.x_offset
        if self.root is not None:
            K *= np.outer(self.root, self.root)
        return K


def centred_design(
    X: Any, Y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool
) -> CentredDesign:
    """The implicit centred design of float64 ``X`` (n, p) with targets ``Y`` (n, k); inputs unchanged."""
    n, p = X.shape
    if fit_intercept:
        w = np.full(n, 1.0 / n) if sample_weight is None else sample_weight / sample_weight.sum()
        x_offset = np.asarray(X.T @ w).ravel()
        y_offset = w @ Y
    else:
        x_offset, y_offset = np.zeros(p), np.zeros(Y.shape[1])
    root = None if sample_weight is None else np.sqrt(sample_weight)
    ys = Y - y_offset
    if root is not None:
        ys = ys * root[:, None]
    return CentredDesign(X, x_offset, root, ys, y_offset)
