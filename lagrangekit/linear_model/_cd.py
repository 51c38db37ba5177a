"""Numba kernel for elastic-net coordinate descent, stopped by a duality gap (internal only).

It minimizes, on the unnormalized scale used throughout this module,

    P(w) = ½‖y − Xw‖² + λ₁‖w‖₁ + (λ₂/2)‖w‖²      (and w ≥ 0 when ``positive``)

with λ₁ = n·α·l1_ratio and λ₂ = n·α·(1 − l1_ratio); the estimators divide by n. The dual is

    D(θ) = yᵀθ − ½‖θ‖² − Σⱼ (ψ(Xⱼᵀθ) − λ₁)₊² / (2λ₂)     (λ₂ > 0),
    D(θ) = yᵀθ − ½‖θ‖²  subject to ψ(Xⱼᵀθ) ≤ λ₁          (λ₂ = 0),

with ψ(z) = |z| (or z when ``positive``). The dual point is the residual r = y − Xw, rescaled
by min(1, λ₁ / maxⱼ ψ(Xⱼᵀr)); for λ₂ > 0 the unscaled residual is tried too and the better
point kept. D is 1-strongly concave, so the gap G certifies ‖θ − θ*‖ ≤ √(2G), which drives the
gap-safe screening rule ψ(Xⱼᵀθ) + ‖Xⱼ‖√(2G) < λ₁ ⇒ wⱼ* = 0 (applied to features with wⱼ = 0).

``enet_cd_design`` works on the weighted objective ½Σᵢsᵢ(yᵢ − xᵢᵀw)² of a design matrix, dense
(Fortran or C order) or CSC, never copied: its columns are centred implicitly (column j is
Xⱼ − x̄ⱼ·1), the residual is stored uncentred as r = yᶜ − Xw with c = x̄ᵀw, so the centred
residual is r + c, and XᶜⱼᵀS(r + c) = Xⱼᵀ(s∘r) + n·x̄ⱼ·c because Σsᵢ(rᵢ + c) = 0 (callers that
centred X explicitly pass x̄ = 0). The weights enter only the dot products. For C-ordered X the
columns of each working set are gathered into a caller-sized buffer, so the epochs read
contiguous memory. It uses working sets ranked by the distance of each feature's dual
constraint to the dual point (as celer does), gap-safe screening and Anderson extrapolation of
the primal iterates after every epoch, over a sliding window and kept to the last epoch's signs
(skglm restarts every K + 1 epochs and keeps signs free, which a feature leaving the support
defeats). The same kernel runs in Gram mode from XᵀSX, XᵀSy and yᵀSy only, with g = XᵀSr in
the place of the residual: the same steps, except that once a working set has run
``_FINE_AFTER`` epochs an extrapolation is judged there against the rounding of g (which vanishes
with the step) where the design must judge it against that of its residual (1e-12 of P): in the
slow tail of an ill-conditioned problem Gram mode keeps extrapolating where the design refuses.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Reassociation lets LLVM vectorize the reductions; no "nnan"/"ninf", so NaN handling stays exact.
FASTMATH = {"reassoc", "contract", "nsz", "arcp"}
_GAP_EPOCHS = 5  # on a design, the working set's gap is checked every this many epochs
# On a design, an extrapolation must lower P by more than this share of ½‖r‖² + the penalty: below that the
# comparison reads rounding (the mixed residual carries the error of every stored epoch), and a
# step accepted by rounding moves w along flat directions by far more than the last epoch did
_ACCEPT_MARGIN = 1e-12
# In Gram mode the change is read from g and XᵀSX on the moved coordinates alone: its rounding is
# bounded by this many ulps of the sizes of the products it sums (see _primal_change)
_GRAM_ROUNDING = 64.0
# ... and that finer level is used once a working set has run this many epochs without stopping:
# before, Gram mode takes the design's decisions, so a problem the design solves in fewer epochs
# gets the same steps from both shapes (scikit-learn compares them at rtol 1e-7); after, where
# the design crawls at CD's contraction rate, Gram mode keeps extrapolating
_FINE_AFTER = 50


@njit(cache=True, fastmath=FASTMATH)
def _col_dot(X, data, indices, indptr, is_sparse, gram, j, r, sw, weighted):
    """Σᵢ sᵢXᵢⱼrᵢ (sᵢ = 1 unless ``weighted``); in Gram mode r is g = XᵀSr itself, so gⱼ."""
    if gram:
        return r[j]
    acc = 0.0
    if is_sparse:
        if weighted:
            for k in range(indptr[j], indptr[j + 1]):
                i = indices[k]
                acc += data[k] * sw[i] * r[i]
        else:
            for k in range(indptr[j], indptr[j + 1]):
                acc += data[k] * r[indices[k]]
    elif weighted:
        for i in range(X.shape[0]):
            acc += X[i, j] * sw[i] * r[i]
    else:
        for i in range(X.shape[0]):
            acc += X[i, j] * r[i]
    return acc


@njit(cache=True, fastmath=FASTMATH)
def _col_axpy(X, data, indices, indptr, is_sparse, gram, j, a, r):
    """r += a·Xⱼ; in Gram mode (X = XᵀSX, r = g = XᵀSr) g += a·(XᵀSX)ⱼ, the same step."""
    if gram:
        for i in range(X.shape[1]):
            r[i] += a * X[j, i]
    elif is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            r[indices[k]] += a * data[k]
    else:
        for i in range(X.shape[0]):
            r[i] += a * X[i, j]


@njit(cache=True, fastmath=FASTMATH)
def _dot(a, b):
    acc = 0.0
    for i in range(a.shape[0]):
        acc += a[i] * b[i]
    return acc


@njit(cache=True, fastmath=FASTMATH)
def _wnorm2(r, sw, weighted):
    """Σᵢ sᵢrᵢ²."""
    if not weighted:
        return _dot(r, r)
    acc = 0.0
    for i in range(r.shape[0]):
        acc += sw[i] * r[i] * r[i]
    return acc


@njit(cache=True)
def _threshold(u, lam1, denom, positive):
    """argmin_w ½·denom·w² − u·w + λ₁|w| (w ≥ 0 when positive)."""
    if u > lam1:
        return (u - lam1) / denom
    if u < -lam1 and not positive:
        return (u + lam1) / denom
    return 0.0


@njit(cache=True)
def _psi(z, positive):
    return z if positive else abs(z)


@njit(cache=True)
def _penalty_sums(w, idx, m):
    l1 = 0.0
    l2 = 0.0
    for k in range(m):
        v = w[idx[k]]
        l1 += abs(v)
        l2 += v * v
    return l1, l2


@njit(cache=True)
def screening_radius(gap, primal):
    """√(2G) with G raised to the rounding level of the primal, 4·eps·P: a gap computed as 0 must
    not screen a feature whose dual constraint is active up to rounding. Callers screen only
    features with wⱼ = 0, so the support is never removed by a rounding error either."""
    return np.sqrt(2.0 * max(gap, 4.0 * 2.220446049250313e-16 * abs(primal)))


@njit(cache=True)
def _settled(w, idx, m, w_prev, coef_tol):
    """True when maxₖ|w[idx[k]] − w_prev[k]| <= coef_tol·maxₖ|w[idx[k]]| (or w is 0 there)."""
    d_max = 0.0
    w_max = 0.0
    for k in range(m):
        v = w[idx[k]]
        d = abs(v - w_prev[k])
        if d > d_max:
            d_max = d
        if abs(v) > w_max:
            w_max = abs(v)
    return d_max <= coef_tol * w_max or w_max == 0.0


@njit(cache=True)
def gap_from_sums(rr, zw, wl1, wl2, z, idx, m, lam1, lam2, positive):
    """Duality gap of P at w from its sums: ‖r‖², zw = Σⱼ zⱼᵀwⱼ, ‖w‖₁ (or Σⱼ‖wⱼ‖₂ for groups), ‖w‖²
    and z over idx[:m] ⊇ support(w), read through ψ, the dual norm of one coordinate's L1 term:
    ψ(z) = |z|, or z when ``positive``; for a group of targets pass zⱼ = ‖Zⱼ‖₂ (ψ is then the
    identity).

    With θ = s·r and yᵀr = ‖r‖² + wᵀXᵀr, the gap is written as
    ½(1 − s)²‖r‖² − s·zᵀw + λ₁‖w‖₁ + (λ₂/2)‖w‖² + pen(s)/(2λ₂), pen(s) = Σⱼ(s·ψ(zⱼ) − λ₁)₊²,
    which never subtracts quantities of the size of ‖y‖² (P − D directly loses the digits of
    ‖y‖²/‖r‖², and in Gram mode ‖r‖² itself carries that error, so the gap and the stop came
    from noise). Returns (gap, s, primal) where θ = s·r is the dual point used.
    """
    primal = 0.5 * rr + lam1 * wl1 + 0.5 * lam2 * wl2
    dnorm = 0.0
    for k in range(m):
        v = _psi(z[idx[k]], positive)
        if v > dnorm:
            dnorm = v
    s_res = 1.0 if dnorm <= lam1 else lam1 / dnorm
    best = np.inf
    best_s = s_res
    n_cand = 2 if (lam2 > 0.0 and s_res < 1.0) else 1
    for c in range(n_cand):
        s = s_res if c == 0 else 1.0
        gap = 0.5 * (1.0 - s) * (1.0 - s) * rr - s * zw + lam1 * wl1 + 0.5 * lam2 * wl2
        if lam2 > 0.0:
            pen = 0.0
            for k in range(m):
                e = _psi(s * z[idx[k]], positive) - lam1
                if e > 0.0:
                    pen += e * e
            gap += pen / (2.0 * lam2)
        if gap < best:
            best = gap
            best_s = s
    return max(best, 0.0), best_s, primal


@njit(cache=True)
def duality_gap(rr, w, wl1, wl2, z, idx, m, lam1, lam2, positive):
    """Duality gap of P at w, given ‖r‖², ‖w‖₁, ‖w‖², and zⱼ = Xⱼᵀr over idx[:m] ⊇ support(w)
    (:func:`gap_from_sums`). Returns (gap, s, primal)
    where θ = s·r is the dual point used."""
    zw = 0.0
    for k in range(m):
        j = idx[k]
        zw += z[j] * w[j]
    return gap_from_sums(rr, zw, wl1, wl2, z, idx, m, lam1, lam2, positive)


@njit(cache=True)
def _affine_weights(C, m, S, coef):
    """coef[:m] = argmin cᵀC[:m, :m]c subject to Σc = 1 (C regularized by 1e-10·trace, factored
    in the scratch S); False if degenerate. Anderson's weights, from the Gram matrix C of steps."""
    trace = 0.0
    for k in range(m):
        trace += C[k, k]
    if not trace > 0.0:
        return False
    for a in range(m):
        for b in range(m):
            S[a, b] = C[a, b]
        S[a, a] += 1e-10 * trace
    # Cholesky solve of S z = 1 (m is tiny), z in coef
    for i in range(m):
        for j in range(i + 1):
            s = S[i, j]
            for k in range(j):
                s -= S[i, k] * S[j, k]
            if i == j:
                if s <= 0.0:
                    return False
                S[i, i] = np.sqrt(s)
            else:
                S[i, j] = s / S[j, j]
    for i in range(m):
        zi = 1.0
        for k in range(i):
            zi -= S[i, k] * coef[k]
        coef[i] = zi / S[i, i]
    for i in range(m - 1, -1, -1):
        for k in range(i + 1, m):
            coef[i] -= S[k, i] * coef[k]
        coef[i] /= S[i, i]
    total = 0.0
    for k in range(m):
        total += coef[k]
    if total == 0.0 or not np.isfinite(total):
        return False
    for k in range(m):
        coef[k] /= total
    return True


@njit(cache=True, fastmath=FASTMATH)
def _correlations(M, data, indices, indptr, is_sparse, gram, cols, sw, weighted, xbar, vv, idx, m, r, cs, z):
    """z[j] = XᶜⱼᵀS(r + c) for j = idx[k], k < m, reading column cols[k] of M (the implicit centring
    adds n·x̄ⱼ·c because Σᵢsᵢ(rᵢ + c) = 0). One tight loop per layout: this is the O(nnz) pass
    of every outer iteration. In Gram mode they are g itself."""
    if gram:
        for k in range(m):
            z[idx[k]] = r[idx[k]]
        return
    u = r * sw if weighted else r
    if is_sparse:
        for k in range(m):
            c = cols[k]
            acc = 0.0
            for t in range(indptr[c], indptr[c + 1]):
                acc += data[t] * u[indices[t]]
            j = idx[k]
            z[j] = acc + vv * xbar[j] * cs
    else:
        for k in range(m):
            c = cols[k]
            acc = 0.0
            for i in range(M.shape[0]):
                acc += M[i, c] * u[i]
            j = idx[k]
            z[j] = acc + vv * xbar[j] * cs


@njit(cache=True, fastmath=FASTMATH)
def _correlations_rows(X, sw, weighted, xbar, vv, idx, m, r, cs, z):
    """:func:`_correlations` for C-ordered dense X, one pass over its rows."""
    for k in range(m):
        z[idx[k]] = 0.0
    for i in range(X.shape[0]):
        ri = r[i] * sw[i] if weighted else r[i]
        if ri != 0.0:
            for k in range(m):
                j = idx[k]
                z[j] += X[i, j] * ri
    for k in range(m):
        j = idx[k]
        z[j] += vv * xbar[j] * cs


@njit(cache=True)
def _residual(X, data, indices, indptr, is_sparse, gram, row_major, xbar, y, w, r):
    """r = y − Xw exactly (uncentred X); returns c = x̄ᵀw, so that the centred residual is r + c.
    In Gram mode (X = XᵀSX, y = XᵀSy) the same expression is g = XᵀSy − XᵀSXw."""
    r[:] = y
    cs = 0.0
    support = np.flatnonzero(w)
    for j in support:
        cs += w[j] * xbar[j]
    if row_major:
        for i in range(X.shape[0]):
            acc = 0.0
            for j in support:
                acc += X[i, j] * w[j]
            r[i] -= acc
    else:
        for j in support:
            _col_axpy(X, data, indices, indptr, is_sparse, gram, j, -w[j], r)
    return cs


@njit(cache=True)
def _epoch(
    M, data, indices, indptr, is_sparse, gram, cols, ws, sw, weighted, xbar, vv, col_norm2, w, r, cs,
    lam1, lam2, positive,
):
    """One pass of coordinate descent over ws (column cols[k] of M is feature ws[k]); returns c = x̄ᵀw."""
    for k in range(ws.shape[0]):
        j = ws[k]
        cn2 = col_norm2[j]
        if cn2 == 0.0:
            continue
        old = w[j]
        zj = _col_dot(M, data, indices, indptr, is_sparse, gram, cols[k], r, sw, weighted) + vv * xbar[j] * cs
        new = _threshold(old * cn2 + zj, lam1, cn2 + lam2, positive)
        if new != old:
            d = new - old
            _col_axpy(M, data, indices, indptr, is_sparse, gram, cols[k], -d, r)
            cs += d * xbar[j]
            w[j] = new
    return cs


@njit(cache=True, fastmath=FASTMATH)
def _residual_norm2(gram, r, cs, sw, weighted, vv, wvals, by_feature, ws, m, y, yty):
    """‖r + c‖²_S at the coefficients of the features ws[k], k < m (all of w's support),
    wvals[ws[k]] if ``by_feature`` else wvals[k]: on a design Σsᵢrᵢ² − c²Σsᵢ; in Gram mode
    (r = g, y = XᵀSy) yᵀSy − wᵀ(XᵀSy) − wᵀg."""
    if not gram:
        return _wnorm2(r, sw, weighted) - cs * cs * vv
    wq = 0.0
    wg = 0.0
    for k in range(m):
        j = ws[k]
        v = wvals[j] if by_feature else wvals[k]
        wq += v * y[j]
        wg += v * r[j]
    return yty - wq - wg


@njit(cache=True, fastmath=FASTMATH)
def _primal_change(
    gram, r, r_acc, cs, cs_acc, sw, weighted, vv, w_old, w_new, ws, m, y, yty, lam1, lam2, col_norm2, fine
):
    """(P(w_new) − P(w_old), the rounding level below which it is not read): the change computed
    as a difference, never as P − P (which loses the digits of ‖y‖² in Gram mode, of c²Σsᵢ on a
    design), the penalty's too, coordinate by coordinate.

    On a design ‖e'‖² − ‖e‖² = Σsᵢ(e'ᵢ − eᵢ)(e'ᵢ + eᵢ) with e = r + c, where e' mixes the stored
    residuals and carries the rounding of every one of them: the level is 1e-12 of its terms,
    ½‖r + c‖²_S + the penalty at w_old (``_ACCEPT_MARGIN``). In Gram mode (r = g) it is
    −dᵀ(g + g') for d = w_new − w_old, g' computed from g along d, so its error is that of g
    and of XᵀSX on the moved coordinates: the level is ``_GRAM_ROUNDING``·eps·Σₖ|dₖ|·(|(XᵀSy)ₖ| +
    |gₖ| + |g'ₖ| + √Gₖₖ·Σⱼ√Gⱼⱼ·|wⱼ| + the penalty's slope), |Gₖⱼ| <= √(GₖₖGⱼⱼ) bounding the size of
    the products (XᵀSXw)ₖ that g carries, when ``fine`` (the design's level otherwise, see
    ``_FINE_AFTER``). A bound relative to P rejects, near the optimum, every extrapolation of an
    ill-conditioned problem (p > n), whose gains are second order in d: epochs then crawl at CD's
    contraction rate."""
    dpen = 0.0
    for k in range(m):
        a = w_old[k]
        b = w_new[k]
        dpen += lam1 * (abs(b) - abs(a)) + 0.5 * lam2 * (b - a) * (b + a)
    drr = 0.0
    if gram:
        wsum = 0.0
        for k in range(m):
            wsum += np.sqrt(col_norm2[ws[k]]) * max(abs(w_old[k]), abs(w_new[k]))
        level = 0.0
        for k in range(m):
            j = ws[k]
            d = w_new[k] - w_old[k]
            drr -= d * (r[j] + r_acc[j])
            slope = lam1 + lam2 * (abs(w_old[k]) + abs(w_new[k]))
            level += abs(d) * (abs(y[j]) + abs(r[j]) + abs(r_acc[j]) + np.sqrt(col_norm2[j]) * wsum + slope)
        if fine:
            return 0.5 * drr + dpen, _GRAM_ROUNDING * 2.220446049250313e-16 * level
    else:
        dc = cs_acc - cs
        sc = cs_acc + cs
        for i in range(r.shape[0]):
            t = (r_acc[i] - r[i] + dc) * (r_acc[i] + r[i] + sc)
            drr += sw[i] * t if weighted else t
    pen_old = 0.0
    for k in range(m):
        pen_old += lam1 * abs(w_old[k]) + 0.5 * lam2 * w_old[k] * w_old[k]
    rr = _residual_norm2(gram, r, cs, sw, weighted, vv, w_old, False, ws, m, y, yty)
    return 0.5 * drr + dpen, _ACCEPT_MARGIN * (0.5 * max(rr, 0.0) + pen_old)


@njit(cache=True)
def _anderson_step(M, data, indices, indptr, is_sparse, gram, cols, ws, sw, weighted, xbar, vv, w, r, cs,
                   lam1, lam2, hist, m, newest, w_acc, r_acc, S, acoef, y, yty, col_norm2, fine):
    """Anderson's mix of the last m epochs; returns (the new c = x̄ᵀw, whether the mix was taken),
    with w and r updated when it lowers P by more than the rounding of that change
    (:func:`_primal_change`).

    ``hist`` = (F, G, R, C, FtF): for each stored epoch (slot t < m; ``newest`` the last) its step
    F[t] = end − start, its end G[t] on ws, the residual R[t] and c C[t] at that end, and the
    steps' Gram matrix FtF. The mix Σₜaₜ·G[t] (Σa = 1, a minimizing ‖Σₜaₜ·F[t]‖) has residual
    Σₜaₜ·R[t], as r is affine in w, so no pass over X is needed (in Gram mode g is updated from the
    current one along the step instead, O(p) per moved coordinate). Coordinates whose mix leaves the
    sign of the last epoch's value (or that value 0) are set to 0, with their columns added back
    to the residual: the sign pattern is where CD's map is affine, and a feature leaving the
    support crosses 0 under a linear extrapolation. That also keeps w ≥ 0 when ``positive``.
    """
    F, G, R, C, FtF = hist
    mw = ws.shape[0]
    if not _affine_weights(FtF, m, S, acoef):
        return cs, False
    for k in range(mw):
        acc = 0.0
        for t in range(m):
            acc += acoef[t] * G[t, k]
        w_acc[k] = acc
    cs_acc = 0.0
    if gram:  # g from the current one and the step: mixed g's would add their rounding, of ‖XᵀSy‖'s size
        for k in range(mw):
            if w_acc[k] != 0.0 and w_acc[k] * G[newest, k] <= 0.0:
                w_acc[k] = 0.0
        r_acc[:] = r
        for k in range(mw):
            d = w_acc[k] - G[newest, k]
            if d != 0.0:
                _col_axpy(M, data, indices, indptr, is_sparse, gram, cols[k], -d, r_acc)
    else:
        r_acc[:] = 0.0
        for t in range(m):
            a = acoef[t]
            cs_acc += a * C[t]
            for i in range(r_acc.shape[0]):
                r_acc[i] += a * R[t, i]
        for k in range(mw):
            v = w_acc[k]
            if v != 0.0 and v * G[newest, k] <= 0.0:
                _col_axpy(M, data, indices, indptr, is_sparse, gram, cols[k], v, r_acc)
                cs_acc -= v * xbar[ws[k]]
                w_acc[k] = 0.0
    change, level = _primal_change(
        gram, r, r_acc, cs, cs_acc, sw, weighted, vv, G[newest], w_acc, ws, mw, y, yty, lam1, lam2, col_norm2,
        fine,
    )
    if change < -level:
        r[:] = r_acc
        for k in range(mw):
            w[ws[k]] = w_acc[k]
        return cs_acc, True
    return cs, False


@njit(cache=True)
def _inner(
    M, data, indices, indptr, is_sparse, gram, cols, ws, sw, weighted, xbar, vv, col_norm2, w, r, cs,
    z, lam1, lam2, positive, coef_tol, max_epochs, epochs, tol_in, tol, K, seed, w_prev, r_acc, w_acc,
    y, yty,
):
    """Epochs on the working set ws until its restricted gap is at most tol_in, or at most the outer
    target ``tol`` with w settled (tol_in = 0.3·gap can lie below the gap's rounding floor, which
    no epoch lowers), or max_epochs.

    Column cols[k] of M holds feature ws[k]. After every epoch, Anderson's mix of the last K
    epochs (a sliding window: :func:`_anderson_step`) replaces the iterate when it lowers P; the
    restricted gap is checked every ``_GAP_EPOCHS`` epochs. Returns (c = x̄ᵀw, epochs, settled):
    settled when the last epoch and the mix taken after it together moved no coefficient by more
    than coef_tol·maxⱼ|wⱼ|, so that the test holds at the iterate returned.
    """
    mw = ws.shape[0]
    n = r.shape[0]
    slots = max(K, 1)
    hist = (np.empty((slots, mw)), np.empty((slots, mw)), np.empty((slots, n)), np.empty(slots),
            np.empty((slots, slots)))  # fmt: skip
    F, G, R, C, FtF = hist
    S = np.empty((slots, slots))
    acoef = np.empty(slots)
    n_hist = 0
    settled = False
    start = epochs
    while epochs < max_epochs:
        visit_ws, visit_cols = ws, cols
        if seed >= 0:  # a fresh visiting order; the stored iterates keep ws's order
            perm = np.random.permutation(mw)  # noqa: NPY002 (numba supports only the legacy API)
            visit_ws, visit_cols = ws[perm], cols[perm]
        for k in range(mw):
            w_prev[k] = w[ws[k]]
        cs = _epoch(
            M, data, indices, indptr, is_sparse, gram, visit_cols, visit_ws, sw, weighted, xbar, vv,
            col_norm2, w, r, cs, lam1, lam2, positive,
        )
        epochs += 1
        settled = _settled(w, ws, mw, w_prev, coef_tol)
        if K > 0:
            s = n_hist % K
            for k in range(mw):
                G[s, k] = w[ws[k]]
                F[s, k] = G[s, k] - w_prev[k]
            R[s, :] = r
            C[s] = cs
            n_hist += 1
            m = min(n_hist, K)
            for t in range(m):
                FtF[s, t] = FtF[t, s] = _dot(F[s], F[t])
            if m >= 2:
                cs, taken = _anderson_step(
                    M, data, indices, indptr, is_sparse, gram, cols, ws, sw, weighted, xbar, vv, w, r,
                    cs, lam1, lam2, hist, m, s, w_acc, r_acc, S, acoef, y, yty, col_norm2,
                    gram and epochs - start >= _FINE_AFTER,
                )
                if taken:
                    settled = _settled(w, ws, mw, w_prev, coef_tol)
        if (epochs - start) % _GAP_EPOCHS != 0:
            continue
        # inner stopping test: the gap of the problem restricted to the working set
        _correlations(
            M, data, indices, indptr, is_sparse, gram, cols, sw, weighted, xbar, vv, ws, mw, r, cs, z
        )
        rr = _residual_norm2(gram, r, cs, sw, weighted, vv, w, True, ws, mw, y, yty)
        wl1, wl2 = _penalty_sums(w, ws, mw)
        gap_in, _, _ = duality_gap(rr, w, wl1, wl2, z, ws, mw, lam1, lam2, positive)
        if gap_in <= tol_in or (settled and gap_in <= tol):
            break
    return cs, epochs, settled


@njit(cache=True)
def _inner_tol(gap, is_sparse, indptr, ws, active, m):
    """The working set's target gap: 0.3·gap (celer's), times 3·(an epoch's cost / an outer pass's)
    when epochs are cheap (a sparse working set), as the outer pass then dominates."""
    epoch_cost = ws.shape[0]
    pass_cost = m
    if is_sparse:
        epoch_cost = 0
        for j in ws:
            epoch_cost += indptr[j + 1] - indptr[j]
        pass_cost = 0
        for k in range(m):
            pass_cost += indptr[active[k] + 1] - indptr[active[k]]
    return 0.3 * gap * min(1.0, 3.0 * epoch_cost / max(pass_cost, 1))


@njit(cache=True, nogil=True)
def enet_cd_design(
    X, data, indices, indptr, is_sparse, gram, row_major, gbuf, sw, weighted, xbar, vv, col_norm2, y, yty,
    w, lam1, lam2, positive, tol, coef_tol, max_epochs, p0, screen, anderson_k, seed,
):
    """Working-set coordinate descent on a design or on its normal equations; updates ``w`` in place.

    In Gram mode (``gram``) X is XᵀSX (C-ordered, centred, p × p), y is XᵀSy and ``yty`` yᵀSy; the
    residual r = y − Xw of the design is replaced by g = XᵀSr = XᵀSy − XᵀSXw, which every step
    reads and updates in its place (a coordinate's correlation is gⱼ, a step d on wⱼ adds
    −d·(XᵀSX)ⱼ to g, and ‖r‖² = yᵀSy − wᵀXᵀSy − wᵀg). The working sets, epochs, extrapolations
    and stopping tests are the design's (after ``_FINE_AFTER`` epochs on a working set an
    extrapolation's gain is judged against the rounding of g: :func:`_primal_change`), so
    ``fit(X)`` and ``fit(GramStats)`` take the same steps and agree to rounding wherever the
    design converges within that many epochs per working set. ``xbar`` is then zero and ``sw`` unread.

    X is dense Fortran-ordered, dense C-ordered (``row_major``) or CSC (``is_sparse``: data,
    indices, indptr), uncentred; ``xbar`` holds the means subtracted implicitly, ``sw`` the
    weights (read only when ``weighted``), ``vv`` = Σsᵢ = n. For C-ordered X the working-set
    columns are gathered into the Fortran-ordered ``gbuf`` (n, capacity) before the epochs when
    they fit, and read from X by stride otherwise. Returns (gap, epochs, stopped): ``stopped`` when
    it ended on its own test (below), not on ``max_epochs``.
    It stops when the gap is at most ``tol`` (absolute, on the unnormalized scale) and the last
    epoch moved no coefficient by more than ``coef_tol``·maxⱼ|wⱼ| (scikit-learn's test): the gap
    certifies the objective, but the coefficients only to about √gap. ``seed`` < 0 means cyclic
    order, otherwise a random permutation of the working set per epoch.
    """
    n = y.shape[0]
    p = w.shape[0]
    if seed >= 0:
        np.random.seed(seed)  # noqa: NPY002 (numba supports only the legacy API)
    r = np.empty(n)
    r_acc = np.empty(n)
    z = np.zeros(p)
    screened = col_norm2 == 0.0  # constant (or zero) columns: coefficient 0, never visited
    for j in range(p):
        if screened[j]:
            w[j] = 0.0
    active = np.empty(p, dtype=np.int64)
    prio = np.empty(p)
    w_acc = np.empty(p)
    w_prev = np.empty(p)
    col_norm = np.sqrt(col_norm2)
    capacity = gbuf.shape[1] if row_major else 0
    epochs = 0
    ws_size = max(1, min(p0, p))
    gap = np.inf
    settled = True  # a start already within tol needs no epoch (scikit-learn checks the gap first)
    while True:
        # exact residual and correlations on the features not screened out
        cs = _residual(X, data, indices, indptr, is_sparse, gram, row_major, xbar, y, w, r)
        m = 0
        for j in range(p):
            if not screened[j]:
                active[m] = j
                m += 1
        if row_major:
            _correlations_rows(X, sw, weighted, xbar, vv, active, m, r, cs, z)
        else:
            _correlations(
                X, data, indices, indptr, is_sparse, gram, active, sw, weighted, xbar, vv, active, m, r, cs, z
            )
        rr = _residual_norm2(gram, r, cs, sw, weighted, vv, w, True, active, m, y, yty)
        wl1, wl2 = _penalty_sums(w, active, m)
        gap, s, primal = duality_gap(rr, w, wl1, wl2, z, active, m, lam1, lam2, positive)
        if (gap <= tol and settled) or epochs >= max_epochs:
            break
        if screen:
            radius = screening_radius(gap, primal)
            m_new = 0
            for k in range(m):
                j = active[k]
                if w[j] == 0.0 and _psi(s * z[j], positive) + radius * col_norm[j] < lam1:
                    screened[j] = True
                else:
                    active[m_new] = j
                    m_new += 1
            m = m_new
        if m == 0:
            continue
        # working set: the support, then the features whose dual constraint is closest
        # (support + 20% + 50 beat skglm's 2x support on correlated dense designs: cheaper
        # epochs; on a sparse design epochs are cheap and the O(nnz) outer pass is not, so 2x;
        # at least a 50th of the features, whose epochs cost a 50th of an outer pass)
        n_supp = 0
        for k in range(m):
            j = active[k]
            if w[j] != 0.0:
                prio[k] = -np.inf
                n_supp += 1
            elif col_norm[j] == 0.0:
                prio[k] = np.inf
            else:
                prio[k] = (lam1 - _psi(z[j], positive)) / col_norm[j]
        ws_size = min(m, max(ws_size, n_supp + n_supp // 5 + 50, 2 * n_supp if is_sparse else 0, m // 50))
        if ws_size < m:  # the ws_size smallest priorities (support first, at −inf), in any order
            ws = np.sort(active[:m][np.argpartition(prio[:m], ws_size - 1)[:ws_size]])
        else:
            ws = np.sort(active[:m])
        mw = ws.shape[0]
        args = (
            sw, weighted, xbar, vv, col_norm2, w, r, cs, z, lam1, lam2, positive, coef_tol, max_epochs,
            epochs, _inner_tol(gap, is_sparse, indptr, ws, active, m), tol, anderson_k, seed, w_prev,
            r_acc, w_acc, y, yty,
        )
        if row_major and mw <= capacity:
            for k in range(mw):
                j = ws[k]
                for i in range(n):
                    gbuf[i, k] = X[i, j]
            cols = np.arange(mw)
            cs, epochs, settled = _inner(gbuf, data, indices, indptr, is_sparse, gram, cols, ws, *args)
        else:
            cs, epochs, settled = _inner(X, data, indices, indptr, is_sparse, gram, ws, ws, *args)
    return gap, epochs, gap <= tol and settled
