"""Compiled one-pass evaluators of the logistic datafit: f, ∇f and ∇²f·v row by row.

:class:`._logistic_loss.LogisticLoss` validates its labels and weights once, at construction
by the estimator; the solvers then call these kernels, which take the data as they are
(float64 dense C-ordered rows, or CSR) and read each row of X from memory once per evaluation:
the logits zᵢ = Wxᵢ + b, the row's loss ωᵢℓ(yᵢ, zᵢ) and its logit gradient rᵢ = ωᵢ(pᵢ − yᵢ) are
computed while xᵢ is in cache, and rᵢ ⊗ xᵢ is added to the gradient then (the pair X·Wᵀ, RᵀX
over the whole of X reads it twice). The per-row formulas are those of the likelihood module's
losses, written out:

* binary: ℓ = softplus(z) − tz with softplus(z) = max(z, 0) + log1p(e^{−|z|}) (exact at ±800),
  ∂ℓ/∂z = σ(z) − t;
* softmax: ℓ = logΣₖe^{zₖ} − z_y (shifted by maxₖzₖ), ∂ℓ/∂zₖ = pₖ − [k = y].

The tests check them against :func:`lagrangekit.likelihood.binary_cross_entropy`,
:func:`~lagrangekit.likelihood.softmax_cross_entropy` and their gradients.

The parameters come as T of shape (m, c) (c = p + 1 with an intercept, its last column). CSR X
and dense X of the binary model go row by row (the dense row loops vectorized); dense X of the
multinomial model goes by blocks of rows that stay in cache, with a BLAS gemm per block.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["fused_hessp", "fused_value_gradient"]

# what a pass computes per row, from its logits (or directions) z
_VALUE, _GRADIENT, _HESSP = 0, 1, 2
# reassociation lets the row loops vectorize; inf and NaN keep their IEEE meaning
_FAST = {"reassoc", "contract", "nsz", "arcp"}

_BLOCK = 256  # rows per block of dense X: 256 × p float64 stay in L2 cache for p up to ~500


@njit(cache=True)
def _row_logits(data, indices, start, stop, T, p, fit_intercept, z):  # pragma: no cover - compiled
    """z = W·xᵢ + b for the CSR row stored in data[start:stop]."""
    for k in range(T.shape[0]):
        s = T[k, p] if fit_intercept else 0.0
        for q in range(start, stop):
            s += data[q] * T[k, indices[q]]
        z[k] = s


@njit(cache=True)
def _add_row(data, indices, start, stop, r, p, fit_intercept, G):  # pragma: no cover - compiled
    """G += r ⊗ [xᵢ | 1] for the CSR row stored in data[start:stop]."""
    for k in range(G.shape[0]):
        rk = r[k]
        if rk == 0.0:
            continue
        for q in range(start, stop):
            G[k, indices[q]] += rk * data[q]
        if fit_intercept:
            G[k, p] += rk


@njit(cache=True, fastmath=_FAST)
def _dot(x, w, offset):  # pragma: no cover - compiled
    """offset + x·w over x's length (w may be longer: its last entry is then the intercept)."""
    s = 0.0
    for j in range(x.shape[0]):
        s += x[j] * w[j]
    return s + offset


@njit(cache=True, fastmath=_FAST)
def _axpy(a, x, g):  # pragma: no cover - compiled
    """g[:len(x)] += a·x."""
    for j in range(x.shape[0]):
        g[j] += a * x[j]


@njit(cache=True)
def _row_loss(z, label, r, want_grad):  # pragma: no cover - compiled
    """ℓ(y, z), and in r (when wanted) ∂ℓ/∂z, for one row (binary when z has one entry)."""
    if z.shape[0] == 1:
        zi = z[0]
        t = 1.0 if label == 1 else 0.0
        if zi > 0:
            e = np.exp(-zi)
            value = zi + np.log1p(e) - t * zi
            prob = 1.0 / (1.0 + e)
        else:
            e = np.exp(zi)
            value = np.log1p(e) - t * zi
            prob = e / (1.0 + e)
        if want_grad:
            r[0] = prob - t
        return value
    top = z[0]
    for k in range(1, z.shape[0]):
        top = max(top, z[k])
    norm = 0.0
    for k in range(z.shape[0]):
        r[k] = np.exp(z[k] - top)
        norm += r[k]
    value = top + np.log(norm) - z[label]
    if want_grad:
        for k in range(z.shape[0]):
            r[k] = r[k] / norm - (1.0 if k == label else 0.0)
    return value


@njit(cache=True)
def _row_term(z, i, labels, w, P, mode, r):  # pragma: no cover - compiled
    """The row's contribution: returns ωᵢℓ(yᵢ, z) and sets r = ωᵢ∂ℓ/∂z (``_GRADIENT``), or
    returns 0 and sets r = ωᵢ(∂²ℓ/∂z²)·z at the probabilities P[i] (``_HESSP``): ωp(1 − p)z
    (binary), ω(p∘z − p(pᵀz)) (softmax)."""
    m = z.shape[0]
    if mode != _HESSP:
        value = w * _row_loss(z, labels[i], r, mode == _GRADIENT)
        for k in range(m):
            r[k] *= w
        return value
    if m == 1:
        r[0] = w * P[i, 0] * (1.0 - P[i, 0]) * z[0]
        return 0.0
    dot = 0.0
    for k in range(m):
        r[k] = P[i, k] * z[k]
        dot += r[k]
    for k in range(m):
        r[k] = w * (r[k] - P[i, k] * dot)
    return 0.0


@njit(cache=True)
def _rows_pass(
    X, data, indices, indptr, dense, labels, weights, P, T, fit_intercept, mode
):  # pragma: no cover - compiled
    """Row by row over dense X (each row's dot products and updates vectorized) or over CSR
    X = (data, indices, indptr): (Σᵢ value, Σᵢ rᵢ ⊗ [xᵢ | 1] of shape (m, c))."""
    n = X.shape[0] if dense else indptr.shape[0] - 1
    m, c = T.shape
    p = c - 1 if fit_intercept else c
    G = np.zeros(T.shape)
    z = np.empty(m)
    r = np.empty(m)
    total = 0.0
    for i in range(n):
        if weights[i] == 0.0:
            continue
        start, stop = (0, 0) if dense else (indptr[i], indptr[i + 1])
        x = X[i if dense else 0]
        if dense:
            for k in range(m):
                z[k] = _dot(x, T[k], T[k, p] if fit_intercept else 0.0)
        else:
            _row_logits(data, indices, start, stop, T, p, fit_intercept, z)
        total += _row_term(z, i, labels, weights[i], P, mode, r)
        if mode == _VALUE:
            continue
        if not dense:
            _add_row(data, indices, start, stop, r, p, fit_intercept, G)
            continue
        for k in range(m):
            _axpy(r[k], x, G[k])
            if fit_intercept:
                G[k, p] += r[k]
    return total, G


@njit(cache=True)
def _dense_blocks_pass(X, labels, weights, P, T, fit_intercept, mode):  # pragma: no cover - compiled
    """Over blocks of _BLOCK rows of dense X (each read from memory once, then from cache):
    Z = X_B·Wᵀ + b and, with the block's rows r as the columns of R, G_W += R·X_B (BLAS)."""
    n, p = X.shape
    m = T.shape[0]
    Wt = np.ascontiguousarray(T[:, :p].T)
    G = np.zeros(T.shape)
    GW = np.zeros((m, p))
    r = np.empty(m)
    total = 0.0
    for start in range(0, n, _BLOCK):
        stop = min(start + _BLOCK, n)
        XB = X[start:stop]
        Z = np.dot(XB, Wt)
        R = np.zeros((m, stop - start))
        for i in range(stop - start):
            if weights[start + i] == 0.0:
                continue
            z = Z[i]
            if fit_intercept:
                for k in range(m):
                    z[k] += T[k, p]
            total += _row_term(z, start + i, labels, weights[start + i], P, mode, r)
            if mode != _VALUE:
                for k in range(m):
                    R[k, i] = r[k]
                    if fit_intercept:
                        G[k, p] += r[k]
        if mode != _VALUE:
            GW += np.dot(R, XB)
    G[:, :p] = GW
    return total, G


_NO_PROBABILITIES = np.zeros((1, 1))
_NO_LABELS = np.zeros(1, dtype=np.int64)
_NO_INDEX = np.zeros(1, dtype=np.int32)


def _run(rows, labels, weights, P, T, fit_intercept, mode):
    if len(rows) == 1 and T.shape[0] == 1:  # row by row: two fused dot loops per row beat BLAS's gemv
        X = rows[0]
        return _rows_pass(X, X[0], _NO_INDEX, _NO_INDEX, True, labels, weights, P, T, fit_intercept, mode)
    if len(rows) == 1:  # blocks: a gemm per block of rows
        return _dense_blocks_pass(rows[0], labels, weights, P, T, fit_intercept, mode)
    data, indices, indptr = rows
    return _rows_pass(
        _NO_PROBABILITIES, data, indices, indptr, False, labels, weights, P, T, fit_intercept, mode
    )


def fused_value_gradient(rows, labels, weights, T, fit_intercept, want_grad):
    """(Σᵢωᵢℓ(yᵢ, zᵢ), ∇ of shape (m, c); zeros when not ``want_grad``) in one pass over X.

    ``rows`` is (X,) for dense C-ordered float64 X, (data, indices, indptr) for CSR.
    """
    mode = _GRADIENT if want_grad else _VALUE
    return _run(rows, labels, weights, _NO_PROBABILITIES, T, fit_intercept, mode)


def fused_hessp(rows, weights, P, V, fit_intercept):
    """∇²f·V (shape (m, c)) at the probabilities P (n, m), one pass over X (``rows`` as in
    :func:`fused_value_gradient`)."""
    return _run(rows, _NO_LABELS, weights, P, V, fit_intercept, _HESSP)[1]
