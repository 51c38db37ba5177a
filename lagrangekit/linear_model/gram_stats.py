"""GramStats: the sufficient statistics of a linear regression, built in one pass and merged exactly.

For a weighted least-squares fit with an unpenalized intercept, Ridge, Lasso, ElasticNet,
their constrained forms, paths and certificates need only

- the weighted column means x̄ = Σ sᵢxᵢ / W and ȳ = Σ sᵢyᵢ / W, with W = Σ sᵢ,
- the centred cross-products C = Σ sᵢ(xᵢ − x̄)(xᵢ − x̄)ᵀ, c = Σ sᵢ(xᵢ − x̄)(yᵢ − ȳ) and
  q = Σ sᵢ(yᵢ − ȳ)²,
- the number of rows n (sᵢ = 1 when there are no weights, so W = n).

These are a map-reduce over rows. Each block of rows is centred on a local shift before its
cross-products are taken (one BLAS ``syrk`` on the block augmented by y and a column of
√sᵢ), and blocks are combined with the pairwise update of Chan, Golub and LeVeque (1979)::

    W = W_a + W_b,  δ = x̄_b − x̄_a,  x̄ = x̄_a + δ·W_b/W,  C = C_a + C_b + (W_a·W_b/W)·δδᵀ

so that centring stays accurate however large the means are: the uncentred formula
Σxxᵀ − W·x̄x̄ᵀ loses about 2·log10(|x̄|/σ) digits, this one does not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple

import numpy as np

from ._block_sums import add_sums_and_dots
from ._dask import dask_row_reduce

__all__ = ["GramStats", "NormalEquations"]

_BLOCK_BYTES = 2**23  # rows per block: few enough that the per-block Python and O(p²) work stays small
_CACHE_BYTES = 2**20  # a block's sub-blocks of this size stay in cache from the syrk to the column sums
_ROWS_PER_COLUMN = 8  # but a wide sub-block has at least 8 rows per column (up to _MAX_SUB_ROWS) ...
_MAX_SUB_ROWS = 4096  # ... since each syrk call costs O(p²) besides its O(rows·p²) work
_SHIFT_ROWS = 256  # a block is shifted by the mean of its first rows (all of them in a small block)
_RAW_BLOCKS = 8  # the raw sums' blocks are this many blocks: less per-block work where centring is safe


class NormalEquations(NamedTuple):
    """The quadratic model ‖√S(y − Xw − b)‖² = yty − 2wᵀXty + wᵀXtX w after removing the intercept.

    With ``fit_intercept`` the cross-products are centred on the weighted means and the
    intercept that goes with coefficients w is ``y_offset − X_offset @ w``; without it they
    are the raw sums and the offsets are zero.
    """

    XtX: np.ndarray
    Xty: np.ndarray
    yty: np.ndarray
    X_offset: np.ndarray
    y_offset: np.ndarray
    sum_weights: float
    n_samples: int


def _frozen(a: Any) -> np.ndarray:
    arr = np.array(a, dtype=np.float64, copy=True)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class GramStats:
    """Sufficient statistics of (X, y, sample_weight) for linear least squares, as a frozen value.

    Build one with :meth:`from_arrays`, :meth:`from_chunks` (one pass over an iterable of
    chunks, out of core) or :meth:`from_dask` (one ``dask.compute``, local or on a
    ``distributed`` cluster), and combine them with :meth:`merge`. Everything is
    accumulated in float64, whatever the input dtype.

    Attributes
    ----------
    n_samples : int
        Number of rows, including rows of zero weight.
    sum_weights : float
        W = Σ sᵢ, which equals ``n_samples`` when the data had no sample weights.
    X_mean : ndarray of shape (n_features,)
        Weighted column means x̄.
    y_mean : ndarray of shape () or (n_targets,)
        Weighted mean(s) ȳ of the target(s).
    XtX_centered : ndarray of shape (n_features, n_features)
        Σ sᵢ(xᵢ − x̄)(xᵢ − x̄)ᵀ.
    Xty_centered : ndarray of shape (n_features,) or (n_features, n_targets)
        Σ sᵢ(xᵢ − x̄)(yᵢ − ȳ).
    yty_centered : ndarray of shape () or (n_targets,)
        Σ sᵢ(yᵢ − ȳ)², per target.
    weighted : bool
        Whether sample weights were given (for any of the merged parts).

    Notes
    -----
    A ``GramStats`` with ``sum_weights == 0`` (no rows, or only rows of zero weight) is
    the identity of :meth:`merge`; its means are zero by convention.
    """

    n_samples: int
    sum_weights: float
    X_mean: np.ndarray
    y_mean: np.ndarray
    XtX_centered: np.ndarray
    Xty_centered: np.ndarray
    yty_centered: np.ndarray
    weighted: bool = False

    def __post_init__(self) -> None:
        for name in ("X_mean", "y_mean", "XtX_centered", "Xty_centered", "yty_centered"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        object.__setattr__(self, "n_samples", int(self.n_samples))
        object.__setattr__(self, "sum_weights", float(self.sum_weights))
        p = self.X_mean.shape[0]
        target_shape = self.y_mean.shape
        if (
            self.X_mean.ndim != 1
            or self.XtX_centered.shape != (p, p)
            or self.Xty_centered.shape != (p, *target_shape)
            or self.yty_centered.shape != target_shape
            or len(target_shape) > 1
        ):
            raise ValueError(
                "inconsistent GramStats shapes: X_mean (p,), y_mean () or (k,), XtX_centered (p, p), "
                f"Xty_centered (p,) or (p, k), yty_centered like y_mean; got {self.X_mean.shape}, "
                f"{target_shape}, {self.XtX_centered.shape}, {self.Xty_centered.shape}, "
                f"{self.yty_centered.shape}"
            )
        if self.n_samples < 0 or not self.sum_weights >= 0:
            raise ValueError(
                f"n_samples and sum_weights must be >= 0, got {self.n_samples} and {self.sum_weights}"
            )

    # ------------------------------------------------------------------ shape and raw sums
    @property
    def n_features(self) -> int:
        """Number of columns p of X."""
        return int(self.X_mean.shape[0])

    @property
    def n_targets(self) -> int | None:
        """Number of target columns, or None for a 1-D y."""
        return None if self.y_mean.ndim == 0 else int(self.y_mean.shape[0])

    @property
    def XtX(self) -> np.ndarray:
        """Uncentred XᵀSX = C + W·x̄x̄ᵀ."""
        return self.XtX_centered + self.sum_weights * np.outer(self.X_mean, self.X_mean)

    @property
    def Xty(self) -> np.ndarray:
        """Uncentred XᵀSy = c + W·x̄ȳᵀ."""
        return self.Xty_centered + self.sum_weights * np.multiply.outer(self.X_mean, self.y_mean)

    @property
    def yty(self) -> np.ndarray:
        """Uncentred Σ sᵢyᵢ², per target."""
        return self.yty_centered + self.sum_weights * self.y_mean**2

    def normal_equations(self, fit_intercept: bool = True) -> NormalEquations:
        """The cross-products an estimator solves with, centred when ``fit_intercept``.

        Parameters
        ----------
        fit_intercept : bool
            If True, return (C, c, q) with the weighted means as offsets, so that the
            intercept of coefficients w is ȳ − x̄ᵀw. If False, return the raw sums
            (XᵀSX, XᵀSy, Σsy²) and zero offsets.
        """
        if fit_intercept:
            return NormalEquations(
                self.XtX_centered,
                self.Xty_centered,
                self.yty_centered,
                self.X_mean,
                self.y_mean,
                self.sum_weights,
                self.n_samples,
            )
        return NormalEquations(
            self.XtX,
            self.Xty,
            self.yty,
            np.zeros_like(self.X_mean),
            np.zeros_like(self.y_mean),
            self.sum_weights,
            self.n_samples,
        )

    def residual_sum_of_squares(self, coef: Any, intercept: Any = 0.0) -> np.ndarray:
        """Σ sᵢ(yᵢ − xᵢᵀw − b)² over the rows these statistics summarize.

        Parameters
        ----------
        coef : array of shape (n_features,), (n_features, m) or, with 2-D y, (n_targets, n_features)
            Coefficients w; a 2-D ``coef`` of shape (n_features, m) scores m candidate
            models (for example a path) of a 1-D target at once.
        intercept : float or array
            Intercept(s) b matching ``coef``.

        Returns
        -------
        ndarray of shape () , (m,) or (n_targets,)
            Computed in centred form, q − 2wᵀc + wᵀCw + W(ȳ − x̄ᵀw − b)², which is exact
            in exact arithmetic and keeps its accuracy when the means are large.
        """
        w = np.asarray(coef, dtype=np.float64)
        b = np.asarray(intercept, dtype=np.float64)
        p = self.n_features
        if self.n_targets is None:
            if w.shape[0] != p:
                raise ValueError(f"coef must have {p} rows (one per feature), got shape {w.shape}")
            Cw = self.XtX_centered @ w
            quad = np.einsum("i...,i...->...", w, Cw) - 2.0 * (self.Xty_centered @ w)
            shift = self.y_mean - self.X_mean @ w - b
            return self.yty_centered + quad + self.sum_weights * shift**2
        if w.shape != (self.n_targets, p):
            raise ValueError(f"coef must have shape ({self.n_targets}, {p}) for 2-D y, got {w.shape}")
        Cw = w @ self.XtX_centered
        quad = np.einsum("kj,kj->k", w, Cw) - 2.0 * np.einsum("jk,kj->k", self.Xty_centered, w)
        shift = self.y_mean - w @ self.X_mean - b
        return self.yty_centered + quad + self.sum_weights * shift**2

    def residual_correlations(self, coef: Any, intercept: Any = 0.0) -> np.ndarray:
        """Xᵀ S r with rᵢ = yᵢ − xᵢᵀw − b: the data term of every gradient and KKT check.

        Computed as (c − Cw) + x̄·W(ȳ − x̄ᵀw − b); the second term vanishes at the optimal
        intercept. ``coef`` has shape (n_features,) for a 1-D y and (n_targets, n_features)
        for a 2-D y, with a matching float or (n_targets,) ``intercept``; the result has
        the shape of ``coef``.
        """
        w = np.asarray(coef, dtype=np.float64)
        expected = (self.n_features,) if self.n_targets is None else (self.n_targets, self.n_features)
        if w.shape != expected:
            raise ValueError(f"coef must have shape {expected}, got {w.shape}")
        residual_sum = self.sum_weights * (self.y_mean - w @ self.X_mean - np.asarray(intercept, dtype=float))
        return self.Xty_centered.T - w @ self.XtX_centered + np.multiply.outer(residual_sum, self.X_mean)

    # ------------------------------------------------------------------ combining
    def merge(self, other: GramStats) -> GramStats:
        """The statistics of the union of the rows of ``self`` and ``other``.

        Uses the pairwise update of Chan, Golub and LeVeque for the means and the centred
        cross-products (see the module docstring), so the result does not depend on the
        means' magnitude. Merging is associative and commutative up to rounding.
        """
        if not isinstance(other, GramStats):
            raise TypeError(f"other must be a GramStats, got {type(other).__name__}")
        if other.X_mean.shape != self.X_mean.shape or other.y_mean.shape != self.y_mean.shape:
            raise ValueError(
                f"cannot merge statistics of different shapes: {self.n_features} features/"
                f"targets {self.n_targets} and {other.n_features} features/targets {other.n_targets}"
            )
        n = self.n_samples + other.n_samples
        weighted = self.weighted or other.weighted
        if other.sum_weights == 0 or self.sum_weights == 0:
            base = self if other.sum_weights == 0 else other
            return GramStats(
                n,
                base.sum_weights,
                base.X_mean,
                base.y_mean,
                base.XtX_centered,
                base.Xty_centered,
                base.yty_centered,
                weighted,
            )
        wa, wb = self.sum_weights, other.sum_weights
        total = wa + wb
        dx = other.X_mean - self.X_mean
        dy = other.y_mean - self.y_mean
        f = wa * wb / total
        return GramStats(
            n,
            total,
            self.X_mean + dx * (wb / total),
            self.y_mean + dy * (wb / total),
            self.XtX_centered + other.XtX_centered + f * np.outer(dx, dx),
            self.Xty_centered + other.Xty_centered + f * np.multiply.outer(dx, dy),
            self.yty_centered + other.yty_centered + f * dy**2,
            weighted,
        )

    @classmethod
    def merge_all(cls, parts: Iterable[GramStats]) -> GramStats:
        """Merge many statistics in a balanced pairwise tree (the most accurate order)."""
        level = list(parts)
        if not level:
            raise ValueError("parts is empty: there is nothing to merge")
        while len(level) > 1:
            pairs = [level[i].merge(level[i + 1]) for i in range(0, len(level) - 1, 2)]
            level = pairs + ([level[-1]] if len(level) % 2 else [])
        return level[0]

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_arrays(cls, X: Any, y: Any, sample_weight: Any = None) -> GramStats:
        """Statistics of in-memory arrays, computed block by block (O(block + p²) extra memory).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Dense numeric data (a ``np.memmap`` or ``np.load(..., mmap_mode="r")`` array is
            read block by block and never loaded whole).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights sᵢ; the statistics are then weighted sums.
        """
        X, y, w = check_chunk(X, y, sample_weight)
        return array_stats(X, y, w)

    @classmethod
    def from_chunks(cls, chunks: Iterable[Sequence[Any]]) -> GramStats:
        """Statistics of a stream of row chunks, in one pass.

        Parameters
        ----------
        chunks : iterable of (X, y) or (X, y, sample_weight) tuples
            Consecutive row blocks of the data, each as for :meth:`from_arrays`. Only one
            chunk (plus O(p²)) is held at a time, so a generator reading files, a
            memory-mapped array sliced in rows, or ``pandas.read_csv(..., chunksize=...)``
            turned into arrays can be larger than memory.
        """
        total: GramStats | None = None
        for X, y, w in iter_chunks(chunks):
            part = array_stats(X, y, w)
            total = part if total is None else total.merge(part)
        if total is None:
            raise ValueError("chunks is empty: pass at least one (X, y) chunk")
        return total

    @classmethod
    def from_dask(cls, X: Any, y: Any, sample_weight: Any = None) -> GramStats:
        """Statistics of Dask arrays, in a single ``dask.compute``.

        Each row block of ``X`` is reduced to a ``GramStats`` where it lives, and the
        partial statistics are merged in a tree; only O(p²) values travel. With a
        ``distributed.Client`` active (local or ``Client("tcp://scheduler:8786")``) the
        work runs on its cluster. Column chunks of ``X`` are joined per row block first.

        Parameters
        ----------
        X : dask.array.Array of shape (n_samples, n_features)
        y : dask or numpy array of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : dask or numpy array of shape (n_samples,), optional
        """
        return dask_stats(X, y, sample_weight, n_splits=None)


# ---------------------------------------------------------------------- the block kernel
def check_chunk(X: Any, y: Any, sample_weight: Any, *, where: str = "") -> tuple[Any, Any, Any]:
    """Check one chunk's shapes and types without a pass over its values (the sums catch NaN/inf)."""
    if hasattr(X, "tocsr") or hasattr(X, "toarray"):
        raise TypeError(f"{where}X must be a dense array; GramStats does not take sparse matrices")
    X = X if isinstance(X, np.ndarray) else np.asarray(X)
    y = y if isinstance(y, np.ndarray) else np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"{where}X must be 2-D (n_samples, n_features), got shape {X.shape}")
    if y.ndim not in (1, 2):
        raise ValueError(f"{where}y must be 1-D or 2-D, got shape {y.shape}")
    for name, a in (("X", X), ("y", y)):
        if a.dtype.kind not in "fiub":
            raise ValueError(f"{where}{name} must be numeric, got dtype {a.dtype}")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"{where}X and y have different numbers of rows: {X.shape[0]} and {y.shape[0]}")
    if X.shape[1] == 0:
        raise ValueError(f"{where}X has no columns")
    w = None
    if sample_weight is not None:
        w = np.asarray(sample_weight, dtype=np.float64)
        if w.shape != (X.shape[0],):
            raise ValueError(f"{where}sample_weight must have shape ({X.shape[0]},), got {w.shape}")
        if not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ValueError(f"{where}sample_weight must be finite and >= 0")
    return X, y, w


def iter_chunks(chunks: Iterable[Sequence[Any]]) -> Iterable[tuple[Any, Any, Any]]:
    """Unpack and check (X, y[, sample_weight]) chunks, numbering them for error messages."""
    if isinstance(chunks, np.ndarray) or not isinstance(chunks, Iterable):
        raise TypeError("chunks must be an iterable of (X, y) or (X, y, sample_weight) tuples")
    first: tuple[int, Any] | None = None
    for i, chunk in enumerate(chunks):
        if not isinstance(chunk, (tuple, list)) or len(chunk) not in (2, 3):
            raise TypeError(f"chunk {i} must be an (X, y) or (X, y, sample_weight) tuple, got {type(chunk)}")
        X, y, w = check_chunk(chunk[0], chunk[1], chunk[2] if len(chunk) == 3 else None, where=f"chunk {i}: ")
        shape = (X.shape[1], y.shape[1:])
        if first is None:
            first = (i, shape)
        elif shape != first[1]:
            raise ValueError(
                f"chunk {i} has {shape[0]} features and target shape {shape[1]}, but chunk {first[0]} had "
                f"{first[1][0]} and {first[1][1]}: every chunk must have the same columns"
            )
        yield X, y, w


class _RawSums:
    """Raw products Σzᵢzᵢᵀ and sums Σzᵢ of the unweighted blocks whose centring is safe.

    A block passes when centring its own raw products would cancel at most one digit of any
    column's squares (its mean is within about three spreads). Then centring the *sum* of such
    blocks once, at the end, is as safe: a column's centred total Σ(x − x̄)² is at least the
    sum of the blocks' centred squares, hence at least a tenth of its raw squares. So passing
    blocks are only added up, with no per-block centring or merge.
    """

    def __init__(self, p: int, k: int, rows: int, sub_rows: int) -> None:
        self.p, self.k, self.sub_rows = p, k, sub_rows
        self.count = 0
        self.products = np.zeros((p + k, p + k))
        self.sums = np.zeros(p + k)
        self._block = np.zeros((p + k, p + k))
        self._block_sums = np.zeros(p + k)
        self._xtx = np.empty((p, p))
        self._ones = np.ones(rows)

    def add(self, Xb: np.ndarray, Yb: np.ndarray) -> bool:
        """Add a float64 block's raw products and sums, or return False (adding nothing) when
        centring would cancel more than a digit of a column's squares: then shift the block."""
        p, k = self.p, self.k
        m = Xb.shape[0]
        block, sums = self._block, self._block_sums
        xtx, cross = block[:p, :p], block[p:, :p]
        xtx[...] = 0.0
        cross[...] = 0.0
        sums[...] = 0.0
        one_pass = k == 1 and Xb.strides[1] == Xb.itemsize
        for start in range(0, m, self.sub_rows):
            Xs = Xb[start : start + self.sub_rows]
            xtx += np.matmul(Xs.T, Xs, out=self._xtx)
            if one_pass:
                add_sums_and_dots(Xs, Yb[start : start + self.sub_rows, 0], sums[:p], cross[0])
                continue
            sums[:p] += self._ones[: Xs.shape[0]] @ Xs
            for j in range(k):  # one gemv per target: a gemm with one column costs more
                cross[j] += Yb[start : start + self.sub_rows, j] @ Xs
        sums[p:] = self._ones[:m] @ Yb
        block[p:, p:] = Yb.T @ Yb
        squares = np.diagonal(block)
        if np.any(squares - sums * (sums / m) < 0.1 * squares):
            return False
        block[:p, p:] = cross.T
        self.products += block
        self.sums += sums
        self.count += m
        return True

    def centred(self) -> tuple[float, np.ndarray, np.ndarray]:
        """(m, mean, centred cross-products) of everything added."""
        if self.count == 0:
            return 0.0, np.zeros_like(self.sums), np.zeros_like(self.products)
        mean = self.sums / self.count
        return float(self.count), mean, self.products - np.outer(self.sums, mean)


def _shifted_block(
    Xb: np.ndarray, Yb: np.ndarray, wb: np.ndarray | None, buf: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    """(W, weighted block mean, centred cross-products) of a block shifted by the mean of its
    first rows: the ``syrk`` of [X − K, y − K_y, 1]·√s, summed over sub-blocks of ``buf``'s rows
    (each written and reduced while it is in cache)."""
    p = Xb.shape[1]
    width = p + Yb.shape[1]
    head = slice(0, _SHIFT_ROWS)
    shift = np.concatenate([Xb[head].mean(axis=0, dtype=float), Yb[head].mean(axis=0, dtype=float)])
    S = np.zeros((width + 1, width + 1))
    for start in range(0, Xb.shape[0], buf.shape[0]):
        Xs = Xb[start : start + buf.shape[0]]
        D = buf[: Xs.shape[0]]
        np.subtract(Xs, shift[:p], out=D[:, :p])
        np.subtract(Yb[start : start + buf.shape[0]], shift[p:], out=D[:, p:width])
        if wb is None:
            D[:, -1] = 1.0
        else:
            root = np.sqrt(wb[start : start + buf.shape[0]])
            D[:, :width] *= root[:, None]
            D[:, -1] = root
        S += D.T @ D
    weight = S[-1, -1]
    sums = S[:width, -1]
    block = S[:width, :width]
    block -= np.outer(sums, sums / weight)
    return weight, shift + sums / weight, block


def _block_rows(width: int) -> tuple[int, int]:
    """(rows per block, rows per sub-block) for ``width`` float64 columns.

    A sub-block is a cache's worth, so that the column sums and Xᵀy read it from cache right
    after its ``syrk`` (100 columns: 1310 rows), but at least 8 rows per column, up to 4096
    (1000 columns: a cache's worth is 131 rows, which made XᵀX cost 1.6-2x one ``syrk`` over
    all rows; 4096 rows cost 1.1x). A block is a whole number of sub-blocks of about 8 MiB,
    so that its Python and O(p²) work stays small beside its products (30 columns: 1.4x with
    one sub-block per block)."""
    sub = max(64, _CACHE_BYTES // (8 * width), min(_ROWS_PER_COLUMN * width, _MAX_SUB_ROWS))
    return sub * max(1, _BLOCK_BYTES // (8 * width * sub)), sub


def centred_moments(
    X: np.ndarray, Y: np.ndarray, w: np.ndarray | None
) -> tuple[float, np.ndarray, np.ndarray]:
    """(W, m, M) of the augmented rows zᵢ = [xᵢ, yᵢ] of X (n, p) and a 2-D Y (n, k), in one pass.

    W = Σsᵢ, m = Σsᵢzᵢ/W and M = Σsᵢ(zᵢ − m)(zᵢ − m)ᵀ of shape (p + k, p + k), so that XᵀSX
    centred is M[:p, :p], XᵀSy centred M[:p, p:] and the targets' centred squares the diagonal
    of M[p:, p:]. Unweighted float64 rows whose means are within about three spreads add their
    raw products (``syrk`` on cache-sized sub-blocks, no copy) to a running raw sum that is
    centred once at the end (:class:`_RawSums`), one block first, then ``_RAW_BLOCKS`` blocks at
    a time. From the first block that fails that check on, and for weighted rows, every 8 MiB
    block is shifted by the mean of its first rows and reduced by ``syrk`` a cache-sized buffer
    at a time, so centring never cancels more than a digit and no ``syrk`` is wasted twice. The
    parts are merged in place by Chan, Golub and LeVeque's update (see the module docstring): X
    is never copied whole and the centring keeps its accuracy however large the means.
    Non-finite input gives non-finite output (unchecked).
    """
    n, p = X.shape
    width = p + Y.shape[1]
    rows, sub_rows = _block_rows(width)
    rows = min(max(n, 1), rows)
    try_raw = w is None and X.dtype == np.float64 and Y.dtype == np.float64
    raw = _RawSums(p, Y.shape[1], min(n, rows * _RAW_BLOCKS), sub_rows) if try_raw else None
    raw_rows = rows  # the first raw attempt is one block, later ones _RAW_BLOCKS blocks
    buf: np.ndarray | None = None
    total, mean, M = 0.0, np.zeros(width), np.zeros((width, width))
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        raw_start = 0
        while raw_start < n:
            raw_stop = min(raw_start + raw_rows, n)
            if raw is not None and raw.add(X[raw_start:raw_stop], Y[raw_start:raw_stop]):
                raw_start, raw_rows = raw_stop, rows * _RAW_BLOCKS
                continue
            if raw is not None:  # data that failed once is shifted from here on: no syrk wasted again
                raw_stop = n
                total = _merge_into(total, mean, M, raw.centred())
                raw = None
            if buf is None:
                buf = np.empty((min(rows, sub_rows), width + 1))
            for start in range(raw_start, raw_stop, rows):
                stop = min(start + rows, raw_stop)
                wb = None if w is None else w[start:stop]
                total = _merge_into(total, mean, M, _shifted_block(X[start:stop], Y[start:stop], wb, buf))
            raw_start = raw_stop
        if raw is not None:
            total = _merge_into(total, mean, M, raw.centred())
    return total, mean, M


def _merge_into(
    total: float, mean: np.ndarray, M: np.ndarray, part: tuple[float, np.ndarray, np.ndarray]
) -> float:
    """Chan, Golub and LeVeque's update of (total, mean, M) in place by a part; the new total."""
    weight, part_mean, part_M = part
    if weight == 0:
        return total
    delta = part_mean - mean
    merged = total + weight
    mean += delta * (weight / merged)
    M += part_M
    M += np.outer(delta, delta * (total * weight / merged))
    return merged


def rows_stats(X: np.ndarray, y: np.ndarray, w: np.ndarray | None) -> GramStats:
    """GramStats of (X, y 1-D or 2-D, weights) by :func:`centred_moments`, not checked for NaN/inf."""
    n, p = X.shape
    total, mean, M = centred_moments(X, y if y.ndim == 2 else y[:, None], w)
    Sxy, Syy = M[:p, p:], np.diagonal(M[p:, p:])
    squeeze = y.ndim == 1
    return GramStats(
        n,
        total,
        mean[:p],
        mean[p] if squeeze else mean[p:],
        M[:p, :p],
        Sxy[:, 0] if squeeze else Sxy,
        Syy[0] if squeeze else Syy,
        w is not None,
    )


def array_stats(X: np.ndarray, y: np.ndarray, w: np.ndarray | None) -> GramStats:
    """:func:`rows_stats` of one checked array (O(block + p²) extra memory), refusing NaN/inf."""
    stats = rows_stats(X, y, w)
    if not (np.all(np.isfinite(stats.X_mean)) and np.all(np.isfinite(stats.XtX_centered))):
        raise ValueError("X contains NaN or inf (or values so large that their squares overflow)")
    if not (np.all(np.isfinite(stats.y_mean)) and np.all(np.isfinite(stats.yty_centered))):
        raise ValueError("y contains NaN or inf (or values so large that their squares overflow)")
    return stats


def interleaved_fold_stats(
    X: np.ndarray, y: np.ndarray, w: np.ndarray | None, start: int, n_splits: int
) -> list[GramStats]:
    """Per-fold statistics of one chunk whose first row has global index ``start``.

    Row i of the whole data goes to fold ``i % n_splits``, which does not depend on how
    the rows were chunked.
    """
    parts = []
    for fold in range(n_splits):
        rows = slice((fold - start) % n_splits, None, n_splits)
        parts.append(array_stats(X[rows], y[rows], None if w is None else w[rows]))
    return parts


def _reduce_block(X: Any, y: Any, w: Any, start: int, n_splits: int | None) -> Any:
    """A Dask block's GramStats, or its ``n_splits`` interleaved folds' (a list)."""
    X, y, w = check_chunk(X, y, w, where=f"dask block at row {start}: ")
    return array_stats(X, y, w) if n_splits is None else interleaved_fold_stats(X, y, w, start, n_splits)


def _merge_parts(*parts: Any) -> Any:
    if isinstance(parts[0], GramStats):
        return GramStats.merge_all(parts)
    return [GramStats.merge_all(fold) for fold in zip(*parts)]


def dask_stats(X: Any, y: Any, sample_weight: Any, *, n_splits: int | None) -> Any:
    """GramStats of Dask arrays (or a list of ``n_splits`` interleaved folds'), in one ``dask.compute``."""
    reduce_block = partial(_reduce_block, n_splits=n_splits)
    return dask_row_reduce(X, y, sample_weight, reduce_block, _merge_parts, known_chunks=n_splits is not None)
