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


@njit(cache=True)
def _row_loss(z, label, binary, r, want_grad):  # pragma: no cover - compiled
    """ℓ(y, z), and in r (when wanted) ∂ℓ/∂z, for one row."""
    if binary:
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
def _csr_value_gradient(
    data, indices, indptr, n, p, labels, weights, T, fit_intercept, want_grad
):  # pragma: no cover - compiled
    """Row by row over CSR X: (Σᵢωᵢℓ(yᵢ, zᵢ), ∇ of shape (m, c))."""
    m = T.shape[0]
    G = np.zeros(T.shape)
    z = np.empty(m)
    r = np.empty(m)
    total = 0.0
    for i in range(n):
        w = weights[i]
        if w == 0.0:
            continue
        start, stop = indptr[i], indptr[i + 1]
        _row_logits(data, indices, start, stop, T, p, fit_intercept, z)
        total += w * _row_loss(z, labels[i], m == 1, r, want_grad)
        if want_grad:
            for k in range(m):
                r[k] *= w
            _add_row(data, indices, start, stop, r, p, fit_intercept, G)
    return total, G


# reassociation lets the row loops vectorize; inf and NaN keep their IEEE meaning
_FAST = {"reassoc", "contract", "nsz", "arcp"}


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
def _dense_rows_value_gradient(
    X, labels, weights, T, fit_intercept, want_grad
):  # pragma: no cover - compiled
    """Row by row over dense X, each row's dot products and updates vectorized."""
    n, p = X.shape
    m = T.shape[0]
    G = np.zeros(T.shape)
    z = np.empty(m)
    r = np.empty(m)
    total = 0.0
    for i in range(n):
        w = weights[i]
        if w == 0.0:
            continue
        x = X[i]
        for k in range(m):
            z[k] = _dot(x, T[k], T[k, p] if fit_intercept else 0.0)
        total += w * _row_loss(z, labels[i], m == 1, r, want_grad)
        if want_grad:
            for k in range(m):
                _axpy(w * r[k], x, G[k])
                if fit_intercept:
                    G[k, p] += w * r[k]
    return total, G


@njit(cache=True)
def _dense_value_gradient(X, labels, weights, T, fit_intercept, want_grad):  # pragma: no cover - compiled
    """Over blocks of _BLOCK rows of dense X (each read from memory once, then from cache):
    Z = X_B·Wᵀ + b and, with the block's logit gradients R, ∇W += Rᵀ·X_B (BLAS)."""
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
            w = weights[start + i]
            if w == 0.0:
                continue
            z = Z[i]
            if fit_intercept:
                for k in range(m):
                    z[k] += T[k, p]
            total += w * _row_loss(z, labels[start + i], m == 1, r, want_grad)
            if want_grad:
                for k in range(m):
                    R[k, i] = w * r[k]
                    if fit_intercept:
                        G[k, p] += w * r[k]
        if want_grad:
            GW += np.dot(R, XB)
    G[:, :p] = GW
    return total, G


def fused_value_gradient(rows, labels, weights, T, fit_intercept, want_grad):
    """(Σᵢωᵢℓ(yᵢ, zᵢ), ∇ of shape (m, c); zeros when not ``want_grad``) in one pass over X.

    ``rows`` is (X,) for dense C-ordered float64 X, (data, indices, indptr, n, p) for CSR.
    """
    if len(rows) == 1 and T.shape[0] == 1:  # row by row: two fused gemv per row beat BLAS's
        return _dense_rows_value_gradient(rows[0], labels, weights, T, fit_intercept, want_grad)
    if len(rows) == 1:  # blocks: gemm per block of rows
        return _dense_value_gradient(rows[0], labels, weights, T, fit_intercept, want_grad)
    return _csr_value_gradient(*rows, labels, weights, T, fit_intercept, want_grad)


@njit(cache=True)
def _row_curvature(P, i, w, dz):  # pragma: no cover - compiled
    """dz ← ωᵢp(1 − p)dz (binary) or ωᵢ(p∘dz − p(pᵀdz)) (softmax), p = P[i]."""
    m = dz.shape[0]
    if m == 1:
        dz[0] = w * P[i, 0] * (1.0 - P[i, 0]) * dz[0]
        return
    dot = 0.0
    for k in range(m):
        dz[k] *= P[i, k]
        dot += dz[k]
    for k in range(m):
        dz[k] = w * (dz[k] - P[i, k] * dot)


@njit(cache=True)
def _csr_hessp(data, indices, indptr, n, p, weights, P, V, fit_intercept):  # pragma: no cover - compiled
    m = V.shape[0]
    H = np.zeros(V.shape)
    dz = np.empty(m)
    for i in range(n):
        w = weights[i]
        if w == 0.0:
            continue
        start, stop = indptr[i], indptr[i + 1]
        _row_logits(data, indices, start, stop, V, p, fit_intercept, dz)
        _row_curvature(P, i, w, dz)
        _add_row(data, indices, start, stop, dz, p, fit_intercept, H)
    return H


@njit(cache=True)
def _dense_rows_hessp(X, weights, P, V, fit_intercept):  # pragma: no cover - compiled
    n, p = X.shape
    m = V.shape[0]
    H = np.zeros(V.shape)
    dz = np.empty(m)
    for i in range(n):
        w = weights[i]
        if w == 0.0:
            continue
        x = X[i]
        for k in range(m):
            dz[k] = _dot(x, V[k], V[k, p] if fit_intercept else 0.0)
        _row_curvature(P, i, w, dz)
        for k in range(m):
            _axpy(dz[k], x, H[k])
            if fit_intercept:
                H[k, p] += dz[k]
    return H


@njit(cache=True)
def _dense_hessp(X, weights, P, V, fit_intercept):  # pragma: no cover - compiled
    n, p = X.shape
    m = V.shape[0]
    Vt = np.ascontiguousarray(V[:, :p].T)
    H = np.zeros(V.shape)
    HW = np.zeros((m, p))
    for start in range(0, n, _BLOCK):
        stop = min(start + _BLOCK, n)
        XB = X[start:stop]
        dZ = np.dot(XB, Vt)
        R = np.zeros((m, stop - start))
        for i in range(stop - start):
            w = weights[start + i]
            if w == 0.0:
                continue
            dz = dZ[i]
            if fit_intercept:
                for k in range(m):
                    dz[k] += V[k, p]
            _row_curvature(P, start + i, w, dz)
            for k in range(m):
                R[k, i] = dz[k]
                if fit_intercept:
                    H[k, p] += dz[k]
        HW += np.dot(R, XB)
    H[:, :p] = HW
    return H


def fused_hessp(rows, weights, P, V, fit_intercept):
    """∇²f·V (shape (m, c)) at the probabilities P (n, m), one pass over X (``rows`` as in
    :func:`fused_value_gradient`)."""
    if len(rows) == 1 and V.shape[0] == 1:
        return _dense_rows_hessp(rows[0], weights, P, V, fit_intercept)
    if len(rows) == 1:
        return _dense_hessp(rows[0], weights, P, V, fit_intercept)
    return _csr_hessp(*rows, weights, P, V, fit_intercept)
