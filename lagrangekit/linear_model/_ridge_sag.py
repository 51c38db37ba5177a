"""Ridge by stochastic average gradient: SAG (Schmidt, Le Roux & Bach) and SAGA (Defazio et al.).

Per target, they minimize (1/n)Σᵢ sᵢ·½(yᵢ − ȳ − (xᵢ − x̄)ᵀw)² + ½(α/n)‖w‖², which is Ridge's
objective divided by 2n (scikit-learn's scaling), the intercept then being ȳ − x̄ᵀw. Centring is
implicit: each step uses the row xᵢ (dense or CSR) and x̄, never a centred copy of X. A memory
of the last gradient of every sample is kept; each step replaces one sample's gradient and moves
along the average of the memory (SAG), or along the fresh gradient corrected by the memory (SAGA).
The step is scikit-learn's: 1/L for SAG and 1/(2L + min(2α, L)) for SAGA, with
L = maxᵢ sᵢ‖xᵢ − x̄‖² + α/n. Samples are drawn uniformly with replacement from ``random_state``;
an epoch is n draws, and the solver stops after the first epoch with
max|Δw| <= tol·max|w| (scikit-learn's criterion), or after ``max_iter`` epochs (default 1000),
with a :class:`ConvergenceWarning`. The kernels are compiled with numba. Each step costs O(p),
since the average moves every coordinate (no just-in-time updates): on sparse X with many
features this is far slower than scikit-learn's lazy SAG; use "sparse_cg" or "lsqr" there.
"""

from __future__ import annotations

import warnings
from typing import Any

import numba
import numpy as np
import scipy.sparse as sparse
from sklearn.utils import check_random_state

from ..errors import ConvergenceWarning
from ._centred_design import CentredDesign

__all__ = ["solve_sag"]


@numba.njit(cache=True)
def _row_bounds(i: int, dense: bool, p: int, indptr: np.ndarray) -> tuple[int, int]:
    if dense:
        return i * p, (i + 1) * p
    return indptr[i], indptr[i + 1]


@numba.njit(cache=True)
def _centred_row_norms(data, indices, indptr, dense, n, p, x_offset):  # pragma: no cover - compiled
    out = np.empty(n)
    xx = 0.0
    for j in range(p):
        xx += x_offset[j] * x_offset[j]
    for i in range(n):
        start, stop = _row_bounds(i, dense, p, indptr)
        total = xx
        for k in range(start, stop):
            col = k - start if dense else indices[k]
            total += data[k] * data[k] - 2.0 * data[k] * x_offset[col]
        out[i] = total
    return out


@numba.njit(cache=True)
def _epoch(  # pragma: no cover - compiled
    data, indices, indptr, dense, p, x_offset, y, s, order, w, memory, seen, sums, state, step, alpha_s, saga
):
    """One epoch of SAG/SAGA; ``sums`` is Σᵢ memoryᵢ(xᵢ − x̄) and ``state[0]`` the samples seen."""
    for t in range(order.size):
        i = order[t]
        start, stop = _row_bounds(i, dense, p, indptr)
        pred = 0.0
        for j in range(p):
            pred -= x_offset[j] * w[j]
        for k in range(start, stop):
            pred += data[k] * w[indices[k] if not dense else k - start]
        grad = s[i] * (pred - y[i])
        if not seen[i]:
            seen[i] = True
            state[0] += 1.0
        delta = grad - memory[i]
        memory[i] = grad
        n_seen = state[0]
        if saga:  # fresh gradient, corrected by the memory's average before this update
            for j in range(p):
                w[j] -= step * (alpha_s * w[j] + sums[j] / n_seen - delta * x_offset[j])
            for k in range(start, stop):
                w[indices[k] if not dense else k - start] -= step * delta * data[k]
        for j in range(p):
            sums[j] -= delta * x_offset[j]
        for k in range(start, stop):
            sums[indices[k] if not dense else k - start] += delta * data[k]
        if not saga:  # the memory's average, with this sample's gradient refreshed
            for j in range(p):
                w[j] -= step * (alpha_s * w[j] + sums[j] / n_seen)


def solve_sag(
    design: CentredDesign,
    alphas: np.ndarray,
    *,
    saga: bool,
    tol: float,
    max_iter: int | None,
    random_state: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """(W (k, p), epochs (k,) int32) by SAG or SAGA on each target of the centred design."""
    X = design.X
    n, p = X.shape
    if sparse.issparse(X):
        X = X.tocsr()
        data, indices, indptr, dense = X.data, X.indices, X.indptr, False
    else:
        data = np.ascontiguousarray(X).ravel()
        indices, indptr, dense = np.zeros(1, dtype=np.int32), np.zeros(1, dtype=np.int32), True
    s = np.ones(n) if design.root is None else design.root**2
    lipschitz = float(np.max(s * _centred_row_norms(data, indices, indptr, dense, n, p, design.x_offset)))
    rng = check_random_state(random_state)
    epochs_max = 1000 if max_iter is None else int(max_iter)
    k = design.ys.shape[1]
    W = np.zeros((k, p))
    n_iter = np.zeros(k, dtype=np.int32)
    for j in range(k):
        y = design.ys[:, j] if design.root is None else design.ys[:, j] / np.where(s > 0, design.root, 1.0)
        alpha_s = float(alphas[j]) / n
        L = lipschitz + alpha_s
        step = 1.0 / (2.0 * L + min(2.0 * float(alphas[j]), L)) if saga else 1.0 / L
        w, memory, seen, sums = np.zeros(p), np.zeros(n), np.zeros(n, dtype=np.bool_), np.zeros(p)
        state = np.zeros(1)
        converged = False
        for epoch in range(1, epochs_max + 1):
            previous = w.copy()
            order = rng.randint(0, n, size=n).astype(np.int64)
            rows = (data, indices, indptr, dense, p, design.x_offset, y, s, order)
            _epoch(*rows, w, memory, seen, sums, state, step, alpha_s, saga)
            n_iter[j] = epoch
            change, size = np.max(np.abs(w - previous), initial=0.0), np.max(np.abs(w), initial=0.0)
            if not np.all(np.isfinite(w)) or change <= tol * size:
                converged = np.all(np.isfinite(w))
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
