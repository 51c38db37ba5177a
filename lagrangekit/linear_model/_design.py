"""The design: weighted least-squares data with implicit centring, for dense or scipy.sparse X.

A :class:`Design` describes the data of Σᵢ sᵢ(yᵢ − b − xᵢᵀw)² after the intercept is removed,

    Xᶜ = X − 1·x̄ᵀ,   Yᶜ = Y − 1·ȳᵀ,   x̄, ȳ the s-weighted means (zero without an intercept),

without forming Xᶜ: X is kept as the caller's array (dense in either memory order, or CSR/CSC),
the means and the weights are vectors, and every product subtracts the means on the fly
(Xᶜw = Xw − (x̄ᵀw)·1, XᶜᵀSr = XᵀSr − x̄·Σsᵢrᵢ). Every solver on rows reads the data through it:
Ridge's iterative solvers and SAG through √S·Xᶜ (:meth:`Design.matmat`, :meth:`Design.operator`),
its sparse closed forms through :meth:`Design.gram` and :meth:`Design.kernel`, the elastic net's
coordinate descent through ``X``, ``x_mean``, ``weights`` and ``col_norm2``.

Two builders fix the weights' scale and what X may be:

* :func:`centred_design` (Ridge): the weights as given, X as given (float64 dense, CSR or CSC),
  the means by one product Xᵀs; X is never copied.
* :func:`make_design` (the elastic net): weights rescaled to sum to n as scikit-learn's
  coordinate descent does, X as float64 dense or canonical CSC (the compiled kernels' input; X
  is copied only to change its type), the columns' centred squared norms ``col_norm2``, and
  one explicitly centred Fortran copy of dense X when implicit centring would cancel more than
  six digits of a column's squares (then ``x_mean`` is 0 and ``X_offset`` holds the means).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sparse
import scipy.sparse.linalg as splinalg
from numba import njit

from ._validation import SQUARES_OVERFLOW, rescale_weights

__all__ = ["CONSTANT_CENTRED", "Design", "centred_design", "make_design"]

_CANCELLATION = 1e-6  # centre explicitly when implicit centring would cancel > 6 digits
_EPS = np.finfo(np.float64).eps
# A centred column whose squared norm is within rounding of 0 is numerically constant: its
# coefficient is 0 (it is the intercept's). Rounding is (64·eps)² of the squares after an exact
# two-pass centring, and 64·eps of them when ‖Xⱼ − x̄ⱼ‖² = ‖Xⱼ‖² − n·x̄ⱼ² cancels (sparse X).
CONSTANT_CENTRED = (64 * _EPS) ** 2
_CONSTANT_CANCELLED = 64 * _EPS


@njit(cache=True)
def _column_moments(X, sw, weighted):
    """(Σᵢ sᵢXᵢⱼ, Σᵢ sᵢXᵢⱼ²) per column of dense X in any memory order, in O(p) extra memory."""
    n, p = X.shape
    s1 = np.zeros(p)
    s2 = np.zeros(p)
    if X.strides[0] < X.strides[1]:  # column-major: run down each column
        for j in range(p):
            a = 0.0
            b = 0.0
            for i in range(n):
                x = X[i, j]
                s = sw[i] if weighted else 1.0
                a += s * x
                b += s * x * x
            s1[j] = a
            s2[j] = b
    else:
        for i in range(n):
            s = sw[i] if weighted else 1.0
            for j in range(p):
                x = X[i, j]
                s1[j] += s * x
                s2[j] += s * x * x
    return s1, s2


@njit(cache=True)
def _csc_column_moments(data, indices, indptr, sw, weighted):
    """:func:`_column_moments` of a CSC matrix, from its arrays."""
    p = indptr.shape[0] - 1
    s1 = np.zeros(p)
    s2 = np.zeros(p)
    for j in range(p):
        a = 0.0
        b = 0.0
        for k in range(indptr[j], indptr[j + 1]):
            x = data[k]
            s = sw[indices[k]] if weighted else 1.0
            a += s * x
            b += s * x * x
        s1[j] = a
        s2[j] = b
    return s1, s2


@dataclass(frozen=True)
class Design:
    """Weighted data with implicit centring (see the module docstring).

    Attributes
    ----------
    X : ndarray (float64, C or F order) or scipy.sparse CSR/CSC (float64)
        The caller's X, not a centred copy (except after :func:`make_design`'s fallback).
    weights : ndarray of shape (n_samples,) or None
        The sᵢ of the objective (None: all ones); :func:`make_design` rescales them to sum to n.
    x_mean : ndarray of shape (n_features,)
        Means subtracted implicitly (zeros without an intercept or after an explicit copy).
    X_offset : ndarray of shape (n_features,)
        The weighted column means that define the intercept b = ȳ − X_offsetᵀw.
    Y : ndarray of shape (n_samples, n_targets)
        The centred targets Yᶜ (float64, not weighted).
    y_offset : ndarray of shape (n_targets,)
        Their weighted means ȳ (zeros without an intercept).
    col_norm2 : ndarray of shape (n_features,) or None
        ‖Xᶜⱼ‖²_S = Σᵢ sᵢ(Xᵢⱼ − x̄ⱼ)², 0 for numerically constant columns, whose coefficient is 0
        (coordinate descent skips them); None from :func:`centred_design`.
    """

    X: Any
    weights: np.ndarray | None
    x_mean: np.ndarray
    X_offset: np.ndarray
    Y: np.ndarray
    y_offset: np.ndarray
    col_norm2: np.ndarray | None = None

    # ------------------------------------------------------------------ shape
    @property
    def shape(self) -> tuple[int, int]:
        return self.X.shape

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def is_sparse(self) -> bool:
        return sparse.issparse(self.X)

    @property
    def row_major(self) -> bool:
        """True for dense X in C order, whose columns coordinate descent gathers before its epochs."""
        return not self.is_sparse and not self.X.flags.f_contiguous

    @property
    def constant_columns(self) -> np.ndarray:
        """Mask of the columns that are constant after centring (or zero): their coefficient is 0."""
        if self.col_norm2 is None:
            return np.zeros(self.n_features, dtype=bool)
        return self.col_norm2 == 0

    @property
    def x_offset(self) -> np.ndarray:
        """x̄ subtracted implicitly from X (``x_mean``), the name Ridge's SAG kernel reads."""
        return self.x_mean

    @cached_property
    def root(self) -> np.ndarray | None:
        """√s, or None without weights."""
        return None if self.weights is None else np.sqrt(self.weights)

    @cached_property
    def ys(self) -> np.ndarray:
        """√S·Yᶜ (n, k): the targets of the unweighted problem on √S·Xᶜ."""
        return self.Y if self.root is None else self.Y * self.root[:, None]

    # ------------------------------------------------------------------ one target
    def target(self, t: int) -> Design:
        """The same design with target ``t`` alone (X is shared, not copied)."""
        return replace(self, Y=np.ascontiguousarray(self.Y[:, t])[:, None], y_offset=self.y_offset[t : t + 1])

    @property
    def y(self) -> np.ndarray:
        """The centred target of a one-target design, as a contiguous 1-D array."""
        return self.Y[:, 0]

    def correlations(self) -> np.ndarray:
        """XᶜᵀSyᶜ of a one-target design (0 on constant columns)."""
        return np.where(self.constant_columns, 0.0, self.rmatvec(self.y))

    def weighted_sum_squares(self) -> float:
        """yᶜᵀSyᶜ of a one-target design."""
        y = self.y
        return float(y @ y if self.weights is None else (self.weights * y) @ y)

    # ------------------------------------------------------------------ products
    def matvec(self, w: np.ndarray) -> np.ndarray:
        """Xᶜw = Xw − (x̄ᵀw)·1."""
        return np.asarray(self.X @ w).ravel() - float(self.x_mean @ w)

    def rmatvec(self, r: np.ndarray) -> np.ndarray:
        """XᶜᵀSr = XᵀSr − x̄·Σsᵢrᵢ."""
        u = r if self.weights is None else self.weights * r
        return np.asarray(self.X.T @ u).ravel() - self.x_mean * float(np.sum(u))

    def matmat(self, V: np.ndarray) -> np.ndarray:
        """√S·Xᶜ @ V for V of shape (p,) or (p, m)."""
        out = np.asarray(self.X @ V) - self.x_mean @ V
        if self.root is not None:
            out = out * (self.root if out.ndim == 1 else self.root[:, None])
        return out

    def rmatmat(self, U: np.ndarray) -> np.ndarray:
        """Xᶜᵀ√S @ U for U of shape (n,) or (n, m)."""
        if self.root is not None:
            U = U * (self.root if U.ndim == 1 else self.root[:, None])
        out = np.asarray(self.X.T @ U)
        return out - (self.x_mean * U.sum() if U.ndim == 1 else np.outer(self.x_mean, U.sum(axis=0)))

    def operator(self) -> splinalg.LinearOperator:
        """√S·Xᶜ as a scipy LinearOperator (for lsqr, cg, svds and proximal gradient)."""
        return splinalg.LinearOperator(
            self.X.shape, matvec=self.matmat, rmatvec=self.rmatmat, matmat=self.matmat,
            rmatmat=self.rmatmat, dtype=np.float64,
        )  # fmt: skip

    def gram(self) -> np.ndarray:
        """XᶜᵀSXᶜ = XᵀSX − (Σs)x̄x̄ᵀ as a dense (p, p) array."""
        X = self.X
        s = np.ones(X.shape[0]) if self.weights is None else self.weights
        if self.weights is None:
            G = X.T @ X
        else:  # XᵀSX: the weights scale a transient product, X itself is left alone
            G = X.T @ (sparse.diags(s) @ X) if sparse.issparse(X) else X.T @ (X * s[:, None])
        G = G.toarray() if sparse.issparse(G) else np.asarray(G)
        return G - s.sum() * np.outer(self.x_mean, self.x_mean)

    def kernel(self) -> np.ndarray:
        """√S·Xᶜ(√S·Xᶜ)ᵀ as a dense (n, n) array: (XXᵀ − (Xx̄)1ᵀ − 1(Xx̄)ᵀ + ‖x̄‖²) scaled by √s√sᵀ."""
        X = self.X
        K = X @ X.T
        K = K.toarray() if sparse.issparse(K) else np.array(K)
        Xm = np.asarray(X @ self.x_mean)
        K -= Xm[:, None]
        K -= Xm[None, :]
        K += self.x_mean @ self.x_mean
        if self.root is not None:
            K *= np.outer(self.root, self.root)
        return K

    def columns(self, support: np.ndarray) -> np.ndarray:
        """Dense centred columns Xᶜ[:, support] (a copy of those columns only)."""
        XS = self.X[:, support]
        XS = XS.toarray() if sparse.issparse(XS) else np.asarray(XS, dtype=np.float64)
        return XS - self.x_mean[support]

    def gram_block(self, support: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(Xᶜ_SᵀSXᶜ_S, Xᶜ_SᵀSy) for the columns in ``support``."""
        XS = self.columns(support)
        XS[:, self.constant_columns[support]] = 0.0
        SXS = XS if self.weights is None else XS * self.weights[:, None]
        return SXS.T @ XS, SXS.T @ y


def centred_design(X: Any, Y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool) -> Design:
    """Ridge's design of float64 ``X`` (n, p), dense, CSR or CSC, with targets ``Y`` (n, k).

    The weights are the objective's sᵢ as given; the means are s-weighted. Inputs are unchanged
    and X is not copied.
    """
    n, p = X.shape
    if fit_intercept:
        w = np.full(n, 1.0 / n) if sample_weight is None else sample_weight / sample_weight.sum()
        x_offset = np.asarray(X.T @ w).ravel()
        y_offset = w @ Y
    else:
        x_offset, y_offset = np.zeros(p), np.zeros(Y.shape[1])
    return Design(X, sample_weight, x_offset, x_offset, Y - y_offset, y_offset)


def _canonical_csc(X: Any) -> Any:
    """X itself if it is float64 CSC in canonical form, else such a copy (the kernel needs that)."""
    if X.format == "csc" and X.dtype == np.float64 and X.has_canonical_format:
        return X
    Xs = sparse.csc_matrix(X, dtype=np.float64, copy=True)
    Xs.sum_duplicates()
    return Xs


def _centred_targets(
    Y: np.ndarray, weights: np.ndarray | None, fit_intercept: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(Yᶜ in Fortran order, ȳ): each column minus its weighted mean (weights summing to n)."""
    Y = np.asarray(Y, dtype=np.float64)
    if not fit_intercept:
        return np.asfortranarray(Y), np.zeros(Y.shape[1])
    n = Y.shape[0]
    means = np.array([np.mean(y) if weights is None else weights @ y / n for y in Y.T])
    return np.asfortranarray(Y - means), means


def make_design(
    X: Any, sample_weight: np.ndarray | None, fit_intercept: bool, Y: np.ndarray | None = None
) -> Design:
    """The elastic net's design of (X, weights, targets ``Y`` (n, k)), weights rescaled to sum to n.

    No copy of float64 X (dense in either order, or canonical CSC); other types become float64
    (CSR and non-canonical CSC become canonical CSC). Dense columns whose centred squares
    Σsᵢ(Xᵢⱼ − x̄ⱼ)² fall below 1e-6·Σsᵢ Xᵢⱼ² (a large mean against a small spread) lose digits
    to implicit centring; then X is centred explicitly in one Fortran-ordered copy. Raises
    ValueError when X's squares overflow float64. Without ``Y`` the design has no targets.
    """
    n, p = X.shape
    sw = rescale_weights(sample_weight, n)
    weights = None if sw is None else np.asarray(sw, dtype=np.float64)
    Yc, y_offset = _centred_targets(np.zeros((n, 0)) if Y is None else Y, weights, fit_intercept)
    if sparse.issparse(X):
        Xs = _canonical_csc(X)
        ones = np.ones(1) if weights is None else weights
        sums, squares = _csc_column_moments(Xs.data, Xs.indices, Xs.indptr, ones, weights is not None)
        Xd: Any = Xs
    else:
        Xd = X if X.dtype == np.float64 else np.asarray(X, dtype=np.float64, order="F")
        sums, squares = _column_moments(Xd, np.ones(1) if weights is None else weights, weights is not None)
    mean = sums / n if fit_intercept else np.zeros(p)
    col_norm2 = np.maximum(squares - n * mean**2, 0.0) if fit_intercept else squares
    if not (np.all(np.isfinite(squares)) and np.all(np.isfinite(mean))):
        raise ValueError(SQUARES_OVERFLOW)
    if fit_intercept and sparse.issparse(Xd):
        col_norm2[col_norm2 <= _CONSTANT_CANCELLED * squares] = 0.0
    elif fit_intercept and np.any(col_norm2 < _CANCELLATION * squares):
        # two passes: centre, then remove the (rounding-level) mean left in the copy
        Xc = np.array(Xd, dtype=np.float64, order="F", copy=True)
        Xc -= mean
        ones = np.ones(1) if weights is None else weights
        left, _ = _column_moments(Xc, ones, weights is not None)
        Xc -= left / n
        mean = mean + left / n
        _, col_norm2 = _column_moments(Xc, ones, weights is not None)
        col_norm2[col_norm2 <= CONSTANT_CENTRED * squares] = 0.0
        return Design(Xc, weights, np.zeros(p), mean, Yc, y_offset, col_norm2)
    return Design(Xd, weights, mean, mean, Yc, y_offset, col_norm2)
