"""Ridge by stochastic average gradient: SAG (Schmidt, Le Roux & Bach) and SAGA (Defazio et al.).

Per target, they minimize (1/n)Σᵢ sᵢ·½(yᵢ − ȳ − (xᵢ − x̄)ᵀw)² + ½(α/n)‖w‖², which is Ridge's
objective divided by 2n (scikit-learn's scaling), the intercept then being ȳ − x̄ᵀw. Centring is
implicit: each step uses the row xᵢ (dense or CSR) and x̄, never a centred copy of X. A memory
of the last gradient factor gᵢ of every sample is kept (sample i's gradient is gᵢ(xᵢ − x̄)); each
step replaces one sample's memory and moves along the average of the memory (SAG, the L2 term in
the gradient), or along the fresh gradient corrected by the memory, followed by the proximal map
of the L2 term (SAGA). The step is scikit-learn's: 1/L for SAG and 1/(2L + min(2α, L)) for
SAGA, with L = maxᵢ sᵢ‖xᵢ − x̄‖² + α/n. Samples are drawn uniformly with replacement from
``random_state``; an epoch is n draws. The solver stops after an epoch with
max|Δw| <= tol·max|w| (scikit-learn's criterion) where also one step along the exact gradient
∇ of the objective (one O(nnz) pass) is as small: η·max|∇| <= tol·max|w|. Without this, a
memory holding stale gradients (a row not drawn yet, or not for a long time) can end a run far
from the solution: a sparse row never drawn leaves w = 0 with Δw = 0, which scikit-learn's sag
accepts. Near the solution of a run that is not stale the gradient step is usually the smaller
test (benchmarks/ridge_sag.py: the same epochs as scikit-learn's sag). After ``max_iter``
epochs (default 1000) the solver stops with a :class:`ConvergenceWarning`.

Each step costs O(nnz(xᵢ)) ("just-in-time" updates; the kernels are compiled with numba). The
coefficients are kept as w = σ·v, so the L2 shrinkage of all of them is one scalar σ. Every
step moves every coordinate j by −a·Σⱼ + b·x̄ⱼ, where Σⱼ = Σᵢ gᵢxᵢⱼ is the memory's sum over
the rows (it changes only when a row containing j is drawn) and a, b are scalars of the step
(b carries the centring: the memory's part −(Σᵢgᵢ)x̄, and in SAGA the fresh correction's).
The cumulative sums A = Σa and B = Σb are kept, with each coordinate's A, B at its last
update; a drawn row's coordinates are first brought up to date (vⱼ −= ΔA·Σⱼ − ΔB·x̄ⱼ), then
moved. The prediction (xᵢ − x̄)ᵀw needs x̄ᵀv over all coordinates: it is kept as a scalar,
moved by the same a, b through x̄ᵀΣ, ‖x̄‖² and the precomputed x̄ᵀxᵢ. At the end of every
epoch (and before σ would fall below 1e-9) all coordinates are brought up to date, σ is folded
into v and the sums restart, which also bounds their rounding. On dense X every row touches
every coordinate, so the same kernel is the plain O(p) step.
"""

from __future__ import annotations

import warnings
from typing import Any

import numba
import numpy as np
import scipy.sparse as sparse
from sklearn.utils import check_random_state

from ..errors import ConvergenceWarning
from ._ridge_quadratic import RowsRidgeQuadratic
from ._roles import L2Penalty

__all__ = ["solve_sag"]

_SMALLEST_SCALE = 1e-9  # σ below this is folded into v (the lagged sums would grow like 1/σ)


@numba.njit(cache=True)
def _row_bounds(i: int, dense: bool, p: int, indptr: np.ndarray) -> tuple[int, int]:
    if dense:
        return i * p, (i + 1) * p
    return indptr[i], indptr[i + 1]


@numba.njit(cache=True)
def _centred_row_norms(data, indices, indptr, dense, n, p, x_offset):  # pragma: no cover - compiled
    """(‖xᵢ − x̄‖², ‖xᵢ‖² + ‖x̄‖², x̄ᵀxᵢ) of every row.

    ‖xᵢ − x̄‖² is summed as Σ over the row's entries of (xᵢⱼ − x̄ⱼ)² plus x̄ⱼ² over the columns
    the row lacks, so that a row equal to x̄ gives about zero, not a difference of large terms.
    """
    norms, scales, dots = np.empty(n), np.empty(n), np.empty(n)
    xx = 0.0
    for j in range(p):
        xx += x_offset[j] * x_offset[j]
    for i in range(n):
        start, stop = _row_bounds(i, dense, p, indptr)
        centred, square, dot, present = 0.0, 0.0, 0.0, 0.0
        for k in range(start, stop):
            col = k - start if dense else indices[k]
            centred += (data[k] - x_offset[col]) ** 2
            square += data[k] * data[k]
            dot += data[k] * x_offset[col]
            present += x_offset[col] * x_offset[col]
        norms[i] = centred if dense else centred + max(xx - present, 0.0)
        scales[i] = square + xx
        dots[i] = dot
    return norms, scales, dots


@numba.njit(cache=True)
def _catch_up_all(coords, x_offset, scalars):  # pragma: no cover - compiled
    """Bring every coordinate up to date, fold σ into v, restart the sums; x̄ᵀv recomputed."""
    A, B, sigma = scalars[0], scalars[1], scalars[2]
    xv = 0.0
    for j in range(coords.shape[0]):
        v = sigma * (coords[j, 0] - (A - coords[j, 2]) * coords[j, 1] + (B - coords[j, 3]) * x_offset[j])
        coords[j, 0] = v
        coords[j, 2] = 0.0
        coords[j, 3] = 0.0
        xv += x_offset[j] * v
    scalars[0], scalars[1], scalars[2], scalars[3] = 0.0, 0.0, 1.0, xv


@numba.njit(cache=True)
def _epoch(  # pragma: no cover - compiled
    data, indices, indptr, dense, x_offset, x_dots, y, s, order, coords, memory, seen, scalars, counts,
    step, shrink, saga,
):  # fmt: skip
    """One epoch of lazy SAG/SAGA; on return ``coords[:, 0]`` is w (all coordinates current).

    Row j of ``coords`` is coordinate j's record (vⱼ, Σⱼ = Σᵢ memoryᵢ·xᵢⱼ, and the A and B at
    its last update), kept together so that a step touches one cache line per coordinate;
    ``scalars`` = (A, B, σ, x̄ᵀv) and ``counts`` = (samples seen, Σᵢ memoryᵢ, x̄ᵀΣ). σ is
    multiplied by ``shrink`` every step (1 − ηα/n for SAG, 1/(1 + ηα/n), the L2 prox, for SAGA).
    """
    p = coords.shape[0]
    xx = 0.0
    for j in range(p):
        xx += x_offset[j] * x_offset[j]
    for t in range(order.size):
        i = order[t]
        start, stop = _row_bounds(i, dense, p, indptr)
        A, B, sigma, xv = scalars[0], scalars[1], scalars[2], scalars[3]
        dot = 0.0
        for k in range(start, stop):  # the row's coordinates, brought up to date
            j = k - start if dense else indices[k]
            v = coords[j, 0] - (A - coords[j, 2]) * coords[j, 1] + (B - coords[j, 3]) * x_offset[j]
            coords[j, 0] = v
            coords[j, 2] = A
            coords[j, 3] = B
            dot += data[k] * v
        grad = s[i] * (sigma * (dot - xv) - y[i])
        if not seen[i]:
            seen[i] = True
            counts[0] += 1.0
        delta = grad - memory[i]
        memory[i] = grad
        n_seen = counts[0]
        if sigma * shrink < _SMALLEST_SCALE:  # fold σ into v first (1/σ scales the sums below)
            _catch_up_all(coords, x_offset, scalars)
            A, B, sigma, xv = scalars[0], scalars[1], scalars[2], scalars[3]
        if saga:  # v moves by −η(δ(xᵢ − x̄) + Σ_old/n_seen)/σ, then w = σv takes the L2 prox
            a = step / (sigma * n_seen)
            b = step * (delta + counts[1] / n_seen) / sigma
            c = step * delta / sigma
            xv += b * xx - a * counts[2] - c * x_dots[i]
            sigma *= shrink
        else:  # w = σv shrinks by (1 − ηα/n), then moves by −η·Σ_new/n_seen
            sigma *= shrink
            a = step / (sigma * n_seen)
            b = step * (counts[1] + delta) / (sigma * n_seen)
            c = a * delta  # Σ_new = Σ_old + δxᵢ on the row
            xv += b * xx - a * (counts[2] + delta * x_dots[i])
        counts[1] += delta
        counts[2] += delta * x_dots[i]
        A += a
        B += b
        for k in range(start, stop):  # the step on the row's coordinates, which are then current
            j = k - start if dense else indices[k]
            coords[j, 0] -= a * coords[j, 1] - b * x_offset[j] + c * data[k]
            coords[j, 1] += delta * data[k]
            coords[j, 2] = A
            coords[j, 3] = B
        scalars[0], scalars[1], scalars[2], scalars[3] = A, B, sigma, xv
    _catch_up_all(coords, x_offset, scalars)


def _gradient(X: Any, x_offset: np.ndarray, s: np.ndarray, y: np.ndarray, w: np.ndarray, alpha_s: float):
    """The exact gradient (1/n)Σᵢ sᵢ((xᵢ − x̄)ᵀw − yᵢ)(xᵢ − x̄) + (α/n)w of the objective at w."""
    r = s * (np.asarray(X @ w) - x_offset @ w - y)
    return (np.asarray(X.T @ r) - x_offset * r.sum()) / r.size + alpha_s * w


def solve_sag(
    datafit: RowsRidgeQuadratic,
    penalty: L2Penalty,
    *,
    saga: bool,
    tol: float,
    max_iter: int | None,
    random_state: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """(W (k, p), epochs (k,) int32) by SAG or SAGA on each target of the datafit's centred design."""
    design, alphas = datafit.design, penalty.alphas
    X = design.X
    n, p = X.shape
    if sparse.issparse(X):
        X = X.tocsr()
        if not X.has_canonical_format:  # a repeated (i, j) would be stepped twice; X is left alone
            X = X.copy()
            X.sum_duplicates()
        data, indices, indptr, dense = X.data, X.indices, X.indptr, False
    else:
        data = np.ascontiguousarray(X).ravel()
        indices, indptr, dense = np.zeros(1, dtype=np.int32), np.zeros(1, dtype=np.int32), True
    s = np.ones(n) if design.root is None else design.root**2
    norms, scales, x_dots = _centred_row_norms(data, indices, indptr, dense, n, p, design.x_offset)
    lipschitz = float(np.max(s * norms, initial=0.0))
    if lipschitz <= (n * np.finfo(float).eps) ** 2 * float(np.max(s * scales, initial=0.0)):
        lipschitz = 0.0  # the centred design is zero up to the rounding of x̄: w = 0 solves every target
    rng = check_random_state(random_state)
    epochs_max = 1000 if max_iter is None else int(max_iter)
    k = design.ys.shape[1]
    W = np.zeros((k, p))
    n_iter = np.zeros(k, dtype=np.int32)
    for j in range(k):
        if lipschitz == 0.0:
            n_iter[j] = 1
            continue
        y = design.ys[:, j] if design.root is None else design.ys[:, j] / np.where(s > 0, design.root, 1.0)
        alpha_s = float(alphas[j]) / n
        L = lipschitz + alpha_s
        if saga:
            step = 1.0 / (2.0 * L + min(2.0 * float(alphas[j]), L))
            shrink = 1.0 / (1.0 + step * alpha_s)
        else:
            step, shrink = 1.0 / L, lipschitz / L  # 1 − ηα/n, without its cancellation
        coords, memory, seen = np.zeros((p, 4)), np.zeros(n), np.zeros(n, dtype=np.bool_)
        scalars, counts = np.array([0.0, 0.0, 1.0, 0.0]), np.zeros(3)
        w = coords[:, 0]
        rows = (data, indices, indptr, dense, design.x_offset, x_dots, y, s)
        converged = False
        for epoch in range(1, epochs_max + 1):
            previous = w.copy()
            order = rng.randint(0, n, size=n).astype(np.int64)
            _epoch(*rows, order, coords, memory, seen, scalars, counts, step, shrink, saga)
            n_iter[j] = epoch
            if not np.all(np.isfinite(w)):
                break
            size = np.max(np.abs(w), initial=0.0)
            if np.max(np.abs(w - previous), initial=0.0) <= tol * size:
                # the memory may hold stale gradients: one exact gradient step must be as small
                gradient = _gradient(X, design.x_offset, s, y, w, alpha_s)
                if step * np.max(np.abs(gradient), initial=0.0) <= tol * size:
                    converged = True
                    break
        if not converged:
            warnings.warn(
                f"{'saga' if saga else 'sag'} did not reach tol={tol:g} in {n_iter[j]} epochs; "
                "raise max_iter or tol",
                ConvergenceWarning,
                stacklevel=4,
            )
        W[j] = w
    return W, n_iter
