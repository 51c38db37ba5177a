"""Numba kernel for the multi-task elastic net by block coordinate descent (internal only).

On the unnormalized scale of ``_cd`` it minimizes, over W of shape (n_features, n_targets),

    P(W) = ½Σᵢsᵢ‖yᶜᵢ − Wᵀxᶜᵢ‖² + λ₁Σⱼ‖Wⱼ‖₂ + (λ₂/2)‖W‖²_F

(Wⱼ the row of feature j: one group of the targets' coefficients), with λ₁ = n·α·l1_ratio and
λ₂ = n·α·(1 − l1_ratio); the path functions divide by n. The dual is

    D(Θ) = ⟨Yᶜ, Θ⟩ − ½‖Θ‖²_F − Σⱼ (‖XᶜⱼᵀΘ‖₂ − λ₁)₊² / (2λ₂)     (λ₂ > 0),
    D(Θ) = ⟨Yᶜ, Θ⟩ − ½‖Θ‖²_F  subject to ‖XᶜⱼᵀΘ‖₂ ≤ λ₁          (λ₂ = 0),

the single-target dual of ``_cd`` with |·| replaced by the group's Euclidean norm, so the gap is
:func:`._cd.gap_from_sums` with zⱼ = ‖Zⱼ‖₂, Zⱼ = XᶜⱼᵀS(R + 1cᵀ). The dual point is the residual,
rescaled by min(1, λ₁/maxⱼ‖Zⱼ‖₂) (for λ₂ > 0 the unscaled residual is tried too); the gap-safe
rule ‖s·Zⱼ‖₂ + ‖Xᶜⱼ‖√(2G) < λ₁ ⇒ Wⱼ* = 0 screens features whose row is 0.

The design is read as ``_cd.enet_cd_design`` reads it: dense X (either order) or CSC, never
copied, centred implicitly (the residual R = Yᶜ − XW is stored uncentred with c = Wᵀx̄, the centred
residual being R + 1cᵀ), weights only in the dot products. One block update of feature j is the
exact minimization over Wⱼ: u = Zⱼ + ‖Xᶜⱼ‖²Wⱼ, Wⱼ = u·(1 − λ₁/‖u‖₂)₊ / (‖Xᶜⱼ‖² + λ₂).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._cd import FASTMATH, gap_from_sums, screening_radius

_GAP_EPOCHS = 5  # the gap is checked every this many epochs, and after every settled epoch


@njit(cache=True, fastmath=FASTMATH)
def _block_correlation(X, data, indices, indptr, is_sparse, j, R, sw, weighted, xbar, vv, c, out):
    """out[t] = XᶜⱼᵀS(R[:, t] + c[t]) = Xⱼᵀ(s∘R[:, t]) + n·x̄ⱼ·c[t] (Σᵢsᵢ(Rᵢₜ + cₜ) = 0)."""
    k = R.shape[1]
    for t in range(k):
        out[t] = 0.0
    if is_sparse:
        for q in range(indptr[j], indptr[j + 1]):
            i = indices[q]
            a = data[q] * sw[i] if weighted else data[q]
            for t in range(k):
                out[t] += a * R[i, t]
    else:
        for i in range(X.shape[0]):
            a = X[i, j] * sw[i] if weighted else X[i, j]
            for t in range(k):
                out[t] += a * R[i, t]
    for t in range(k):
        out[t] += vv * xbar[j] * c[t]


@njit(cache=True, fastmath=FASTMATH)
def _block_axpy(X, data, indices, indptr, is_sparse, j, d, R):
    """R −= Xⱼ dᵀ (uncentred column j)."""
    k = R.shape[1]
    if is_sparse:
        for q in range(indptr[j], indptr[j + 1]):
            i = indices[q]
            for t in range(k):
                R[i, t] -= data[q] * d[t]
    else:
        for i in range(X.shape[0]):
            for t in range(k):
                R[i, t] -= X[i, j] * d[t]


@njit(cache=True)
def _row_norm(W, j):
    acc = 0.0
    for t in range(W.shape[1]):
        acc += W[j, t] * W[j, t]
    return np.sqrt(acc)


@njit(cache=True)
def _residual_norm2(R, c, sw, weighted, vv):
    """Σᵢsᵢ‖Rᵢ + c‖² = Σᵢsᵢ‖Rᵢ‖² − n‖c‖² (as Σᵢsᵢ(Rᵢ + c) = 0)."""
    acc = 0.0
    for i in range(R.shape[0]):
        row = 0.0
        for t in range(R.shape[1]):
            row += R[i, t] * R[i, t]
        acc += sw[i] * row if weighted else row
    for t in range(c.shape[0]):
        acc -= vv * c[t] * c[t]
    return acc


@njit(cache=True)
def _gap(
    X, data, indices, indptr, is_sparse, R, c, sw, weighted, xbar, vv, W, active, m, lam1, lam2, Z, znorm
):
    """(gap, s, primal) at W over the features active[:m] ⊇ its support; fills Z and znorm there."""
    zw = 0.0
    wl1 = 0.0
    wl2 = 0.0
    for q in range(m):
        j = active[q]
        _block_correlation(X, data, indices, indptr, is_sparse, j, R, sw, weighted, xbar, vv, c, Z[j])
        acc = 0.0
        for t in range(W.shape[1]):
            acc += Z[j, t] * Z[j, t]
            zw += Z[j, t] * W[j, t]
            wl2 += W[j, t] * W[j, t]
        znorm[j] = np.sqrt(acc)
        wl1 += _row_norm(W, j)
    rr = _residual_norm2(R, c, sw, weighted, vv)
    return gap_from_sums(rr, zw, wl1, wl2, znorm, active, m, lam1, lam2, False)


@njit(cache=True, nogil=True)
def multitask_cd_design(
    X, data, indices, indptr, is_sparse, sw, weighted, xbar, vv, col_norm2, Y, W, lam1, lam2, tol, coef_tol,
    max_epochs, screen, seed,
):
    """Block coordinate descent on a design; updates ``W`` (n_features, n_targets) in place.

    Arrays as for ``_cd.enet_cd_design`` (``Y`` the centred targets (n, k)). It stops when the gap
    is at most ``tol`` (absolute, unnormalized) and the last epoch moved no coefficient by more than
    ``coef_tol``·max|W|, or after ``max_epochs``. ``seed`` < 0 visits the features cyclically,
    otherwise in a fresh random order each epoch. Returns (gap, epochs).
    """
    n, k = Y.shape
    p = W.shape[0]
    if seed >= 0:
        np.random.seed(seed)  # noqa: NPY002 (numba supports only the legacy API)
    R = np.empty((n, k))
    R[:, :] = Y
    c = np.zeros(k)
    active = np.empty(p, dtype=np.int64)
    m = 0
    for j in range(p):
        if col_norm2[j] == 0.0:
            W[j, :] = 0.0
            continue
        active[m] = j
        m += 1
        for t in range(k):
            c[t] += W[j, t] * xbar[j]
        if _row_norm(W, j) != 0.0:
            _block_axpy(X, data, indices, indptr, is_sparse, j, W[j], R)
    col_norm = np.sqrt(col_norm2)
    Z = np.zeros((p, k))
    znorm = np.zeros(p)
    u = np.empty(k)
    d = np.empty(k)
    epochs = 0
    settled = True  # a start already within tol needs no epoch
    since_gap = 0
    gap = np.inf
    while True:
        if settled or since_gap >= _GAP_EPOCHS or epochs >= max_epochs:
            since_gap = 0
            gap, s, primal = _gap(
                X, data, indices, indptr, is_sparse, R, c, sw, weighted, xbar, vv, W, active, m, lam1, lam2,
                Z, znorm,
            )  # fmt: skip
            if (gap <= tol and settled) or epochs >= max_epochs:
                break
            if screen:
                radius = screening_radius(gap, primal)
                m_new = 0
                for q in range(m):
                    j = active[q]
                    if not (_row_norm(W, j) == 0.0 and s * znorm[j] + radius * col_norm[j] < lam1):
                        active[m_new] = j
                        m_new += 1
                m = m_new
        order = np.random.permutation(m) if seed >= 0 else np.arange(m)  # noqa: NPY002
        d_max = 0.0
        w_max = 0.0
        for q in range(m):
            j = active[order[q]]
            cn2 = col_norm2[j]
            _block_correlation(X, data, indices, indptr, is_sparse, j, R, sw, weighted, xbar, vv, c, u)
            nrm = 0.0
            for t in range(k):
                u[t] += cn2 * W[j, t]
                nrm += u[t] * u[t]
            nrm = np.sqrt(nrm)
            scale = max(1.0 - lam1 / nrm, 0.0) / (cn2 + lam2) if nrm > 0.0 else 0.0
            moved = False
            for t in range(k):
                u[t] *= scale
                d[t] = u[t] - W[j, t]
                if d[t] != 0.0:
                    moved = True
            if moved:
                _block_axpy(X, data, indices, indptr, is_sparse, j, d, R)
                for t in range(k):
                    c[t] += d[t] * xbar[j]
                    W[j, t] = u[t]
                    d_max = max(d_max, abs(d[t]))
            for t in range(k):
                w_max = max(w_max, abs(W[j, t]))
        epochs += 1
        since_gap += 1
        settled = d_max <= coef_tol * w_max or w_max == 0.0
    return gap, epochs
