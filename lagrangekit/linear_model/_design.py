"""The design shape: X as given (dense or CSC), with sample weights and implicit centring.

A :class:`Design` describes the weighted, centred least-squares data

    Xᶜ = X − 1·x̄ᵀ,   yᶜ = y − ȳ,   weights sᵢ rescaled to sum to n,

without forming Xᶜ: X is kept as the caller's array (dense C- or Fortran-ordered float64, or
CSC float64 in canonical form), the column means x̄ and the weights are carried as vectors, and
every product subtracts the means on the fly (Xᶜw = Xw − (x̄ᵀw)·1, XᶜᵀSr = XᵀSr when Σsᵢrᵢ = 0).
X is copied only to change its type (float32, CSR, non-canonical CSC become float64 CSC/dense)
or, for dense X whose centring would cancel more than six digits of a column's squares, into
one explicitly centred Fortran-ordered copy (then ``x_mean`` is 0 and ``X_offset`` holds the
means removed). A :class:`DesignTarget` pairs a design with one centred target.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sparse
from numba import njit

from ._validation import SQUARES_OVERFLOW, rescale_weights

__all__ = ["CONSTANT_CENTRED", "Design", "DesignTarget", "make_design"]

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
    """Weighted design with implicit centring (see the module docstring).

    Attributes
    ----------
    X : ndarray (C or F order, float64) or scipy.sparse CSC (float64, canonical)
        Not a centred copy, except after the cancellation fallback.
    weights : ndarray of shape (n_samples,) or None
        Sample weights rescaled to sum to n (None: all ones).
    x_mean : ndarray of shape (n_features,)
        Means subtracted implicitly (zeros without an intercept or after an explicit copy).
    X_offset : ndarray of shape (n_features,)
        The weighted column means that define the intercept b = ȳ − X_offsetᵀw.
    col_norm2 : ndarray of shape (n_features,)
        ‖Xᶜⱼ‖²_S = Σᵢ sᵢ(Xᵢⱼ − x̄ⱼ)², set to 0 for numerically constant columns, whose
        coefficient is 0: the solvers skip them and :meth:`DesignTarget.correlations` is 0 there.
    """

    X: Any
    weights: np.ndarray | None
    x_mean: np.ndarray
    X_offset: np.ndarray
    col_norm2: np.ndarray
    n_samples: int
    fit_intercept: bool

    @property
    def is_sparse(self) -> bool:
        return sparse.issparse(self.X)

    @property
    def row_major(self) -> bool:
        """True for dense X in C order, whose columns coordinate descent gathers before its epochs."""
        return not self.is_sparse and not self.X.flags.f_contiguous

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def constant_columns(self) -> np.ndarray:
        """Mask of the columns that are constant after centring (or zero): their coefficient is 0."""
        return self.col_norm2 == 0

    def center_target(self, y: np.ndarray) -> tuple[np.ndarray, float]:
        """(yᶜ, ȳ): the target minus its weighted mean (when an intercept is fitted), float64."""
        y = np.asarray(y, dtype=np.float64)
        if not self.fit_intercept:
            return y, 0.0
        mean = float(np.mean(y) if self.weights is None else self.weights @ y / self.n_samples)
        return y - mean, mean

    def matvec(self, w: np.ndarray) -> np.ndarray:
        """Xᶜw = Xw − (x̄ᵀw)·1."""
        return np.asarray(self.X @ w).ravel() - float(self.x_mean @ w)

    def _rmatvec_raw(self, u: np.ndarray) -> np.ndarray:
        """Xᶜᵀu = Xᵀu − x̄·Σᵢuᵢ."""
        return np.asarray(self.X.T @ u).ravel() - self.x_mean * float(np.sum(u))

    def rmatvec(self, r: np.ndarray) -> np.ndarray:
        """XᶜᵀSr."""
        return self._rmatvec_raw(r if self.weights is None else self.weights * r)

    def operator(self) -> Any:
        """√S·Xᶜ as a LinearOperator (the design of the unweighted objective ½‖√S(yᶜ − Xᶜw)‖²)."""
        from scipy.sparse.linalg import LinearOperator

        root = None if self.weights is None else np.sqrt(self.weights)

        def matvec(w):
            v = self.matvec(np.ravel(w))
            return v if root is None else root * v

        def rmatvec(r):
            r = np.ravel(r)
            return self._rmatvec_raw(r if root is None else root * r)

        return LinearOperator(self.X.shape, matvec=matvec, rmatvec=rmatvec, dtype=np.float64)

    def columns(self, support: np.ndarray) -> np.ndarray:
        """Dense centred columns Xᶜ[:, support] (a copy of those columns only)."""
        XS = self.X[:, support]
        XS = XS.toarray() if sparse.issparse(XS) else np.asarray(XS, dtype=np.float64)
        return XS - self.x_mean[support]

    def gram_block(self, support: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(Xᶜ_SᵀSXᶜ_S, Xᶜ_SᵀSyᶜ) for the columns in ``support``."""
        XS = self.columns(support)
        XS[:, self.constant_columns[support]] = 0.0
        SXS = XS if self.weights is None else XS * self.weights[:, None]
        return SXS.T @ XS, SXS.T @ y


@dataclass(frozen=True)
class DesignTarget:
    """A design and one centred target yᶜ (float64, unweighted), with its offset ȳ."""

    design: Design
    y: np.ndarray
    y_offset: float

    @property
    def n_samples(self) -> int:
        return self.design.n_samples

    @property
    def X_offset(self) -> np.ndarray:
        return self.design.X_offset

    def correlations(self) -> np.ndarray:
        """XᶜᵀSyᶜ (0 on constant columns); the implicit centring drops out because Σsᵢyᶜᵢ = 0."""
        return np.where(self.design.constant_columns, 0.0, self.design.rmatvec(self.y))

    def weighted_sum_squares(self) -> float:
        """yᶜᵀSyᶜ."""
        y = self.y
        return float(y @ y if self.design.weights is None else (self.design.weights * y) @ y)

    def root_weighted_target(self) -> np.ndarray:
        """√S·yᶜ, the target of :meth:`Design.operator`."""
        return self.y if self.design.weights is None else np.sqrt(self.design.weights) * self.y


def _canonical_csc(X: Any) -> Any:
    """X itself if it is float64 CSC in canonical form, else such a copy (the kernel needs that)."""
    if X.format == "csc" and X.dtype == np.float64 and X.has_canonical_format:
        return X
    Xs = sparse.csc_matrix(X, dtype=np.float64, copy=True)
    Xs.sum_duplicates()
    return Xs


def make_design(X: Any, sample_weight: np.ndarray | None, fit_intercept: bool) -> Design:
    """The design of (X, weights): no copy of float64 X (dense in either order, or canonical CSC).

    Dense columns whose centred squares Σsᵢ(Xᵢⱼ − x̄ⱼ)² fall below 1e-6·Σsᵢ Xᵢⱼ² (a large mean
    against a small spread) lose digits to implicit centring; then X is centred explicitly in
    one Fortran-ordered copy. Raises ValueError when X's squares overflow float64.
    """
    n, p = X.shape
    sw = rescale_weights(sample_weight, n)
    weights = None if sw is None else np.asarray(sw, dtype=np.float64)
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
    if not fit_intercept:
        return Design(Xd, weights, mean, mean, col_norm2, n, fit_intercept)
    if sparse.issparse(Xd):
        col_norm2[col_norm2 <= _CONSTANT_CANCELLED * squares] = 0.0
        return Design(Xd, weights, mean, mean, col_norm2, n, fit_intercept)
    if np.any(col_norm2 < _CANCELLATION * squares):
        # two passes: centre, then remove the (rounding-level) mean left in the copy
        Xc = np.array(Xd, dtype=np.float64, order="F", copy=True)
        Xc -= mean
        ones = np.ones(1) if weights is None else weights
        left, _ = _column_moments(Xc, ones, weights is not None)
        Xc -= left / n
        mean = mean + left / n
        _, col_norm2 = _column_moments(Xc, ones, weights is not None)
        col_norm2[col_norm2 <= CONSTANT_CENTRED * squares] = 0.0
        return Design(Xc, weights, np.zeros(p), mean, col_norm2, n, fit_intercept)
    return Design(Xd, weights, mean, mean, col_norm2, n, fit_intercept)
