"""Ridge on the implicit centred design: scipy's LSQR, CG and L-BFGS-B, and the sparse closed form.

Each solver takes Ridge's quadratic datafit (:class:`._ridge_quadratic.RowsRidgeQuadratic`) and
its :class:`._roles.L2Penalty`. Each target j solves min ½‖ysⱼ − Xs w‖² + ½αⱼ‖w‖² (Ridge's
objective halved), with Xs the datafit's :class:`Design` applied through X (dense or sparse,
never copied):

* ``lsqr``: :func:`scipy.sparse.linalg.lsqr` with ``damp = √αⱼ``, ``atol = btol = tol``;
* ``sparse_cg``: :func:`scipy.sparse.linalg.cg` on the normal equations (XsᵀXs + αI)w = Xsᵀys
  (n >= p) or on the kernel form (XsXsᵀ + αI)c = ys, w = Xsᵀc (p > n), relative tolerance ``tol``;
* ``lbfgs``: :func:`scipy.optimize.minimize` (L-BFGS-B), with the bounds w >= 0 when ``positive``;
* ``cholesky`` on sparse X without intercept: the dense Gram matrix of the design, factored.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.optimize
import scipy.sparse.linalg as splinalg

from ..errors import ConvergenceWarning
from ._design import Design
from ._ridge_quadratic import RowsRidgeQuadratic
from ._ridge_solvers import solve_cholesky
from ._ridge_spectrum import design_spectrum
from ._roles import L2Penalty

__all__ = ["solve_lbfgs", "solve_lsqr", "solve_sparse_cg", "solve_sparse_cholesky"]


def solve_lsqr(
    datafit: RowsRidgeQuadratic, penalty: L2Penalty, *, tol: float, max_iter: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """(W (k, p), iterations (k,) int32) by LSQR on [Xs; √α I] w ≈ [ys; 0]."""
    design, alphas = datafit.design, penalty.alphas
    op = design.operator()
    k = design.ys.shape[1]
    W = np.empty((k, design.shape[1]))
    n_iter = np.empty(k, dtype=np.int32)
    for j in range(k):
        out = splinalg.lsqr(
            op, design.ys[:, j], damp=np.sqrt(alphas[j]), atol=tol, btol=tol, iter_lim=max_iter
        )
        W[j], n_iter[j] = out[0], out[2]
    return W, n_iter


def _cg(op: splinalg.LinearOperator, b: np.ndarray, **options) -> tuple[np.ndarray, int, int]:
    """scipy's cg as (x, info, iterations), returning its last finite iterate: with rtol = 0 an
    exactly zero residual makes its next step 0/0, and the NaN would replace a converged answer."""
    last = [options.get("x0")]
    iterations = [0]

    def keep(xk: np.ndarray) -> None:
        iterations[0] += 1
        if np.all(np.isfinite(xk)):
            last[0] = xk.copy()

    with np.errstate(divide="ignore", invalid="ignore"):  # the 0/0 above; its NaN is replaced below
        x, info = splinalg.cg(op, b, callback=keep, **options)
    if not np.all(np.isfinite(x)):
        x = np.zeros_like(b) if last[0] is None else last[0]
        info = max(info, 1)
    return x, info, iterations[0]


def solve_sparse_cg(
    datafit: RowsRidgeQuadratic, penalty: L2Penalty, *, tol: float, max_iter: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """(W (k, p), iterations (k,) int32) by conjugate gradients on the normal equations (n >= p)
    or the kernel form (p > n)."""
    design, alphas = datafit.design, penalty.alphas
    n, p = design.shape
    k = design.ys.shape[1]
    W = np.empty((k, p))
    n_iter = np.empty(k, dtype=np.int32)
    for j in range(k):
        alpha = float(alphas[j])
        if p > n:
            kernel = splinalg.LinearOperator(
                (n, n), matvec=lambda c, a=alpha: design.matmat(design.rmatmat(c)) + a * c, dtype=np.float64
            )
            c, info, n_iter[j] = _cg(kernel, design.ys[:, j], rtol=tol, maxiter=max_iter)
            W[j] = design.rmatmat(c)
        else:
            normal = splinalg.LinearOperator(
                (p, p), matvec=lambda w, a=alpha: design.rmatmat(design.matmat(w)) + a * w, dtype=np.float64
            )
            W[j], info, n_iter[j] = _cg(normal, design.rmatmat(design.ys[:, j]), rtol=tol, maxiter=max_iter)
        if info > 0:
            warnings.warn(
                f"sparse_cg did not converge after {info} iterations. (tol={tol:g}; raise max_iter or tol)",
                ConvergenceWarning,
                stacklevel=4,
            )
    return W, n_iter


def solve_lbfgs(
    datafit: RowsRidgeQuadratic, penalty: L2Penalty, *, tol: float, max_iter: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """(W (k, p), L-BFGS-B iterations (k,) int32); with ``penalty.positive`` the bounds w >= 0.

    It stops when the projected gradient's largest entry is <= tol·‖∇F(0)‖₂/√p, so that the
    scaled stationarity :meth:`Ridge.kkt` reports, ‖∇F − μ‖₂/‖∇F(0)‖₂, is within ``tol``.
    """
    design, alphas, positive = datafit.design, penalty.alphas, penalty.positive
    p = design.shape[1]
    k = design.ys.shape[1]
    W = np.empty((k, p))
    n_iter = np.empty(k, dtype=np.int32)
    bounds = [(0.0, None)] * p if positive else None
    for j in range(k):
        ys, alpha = design.ys[:, j], float(alphas[j])

        def value_and_grad(w: np.ndarray, ys=ys, alpha=alpha) -> tuple[float, np.ndarray]:
            r = design.matmat(w) - ys
            return 0.5 * float(r @ r) + 0.5 * alpha * float(w @ w), design.rmatmat(r) + alpha * w

        gtol = tol * float(np.linalg.norm(design.rmatmat(ys))) / np.sqrt(max(p, 1))
        result = scipy.optimize.minimize(
            value_and_grad,
            np.zeros(p),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={
                "maxiter": 15_000 if max_iter is None else max_iter,
                "gtol": gtol,
                "ftol": 64 * np.finfo(float).eps,
                "maxcor": 20,
            },
        )
        w = result.x
        if positive:
            w = _polish_on_face(design, ys, alpha, w, tol=tol, max_iter=max_iter)
        # L-BFGS-B's line search may give up at the last digits; what counts is the gradient reached
        reached = np.max(np.abs(_projected_gradient(design, ys, alpha, w, positive)), initial=0.0) <= gtol
        if not (result.success or reached):
            warnings.warn(
                f"The lbfgs solver did not converge to tol={tol:g} ({result.message}); raise "
                "max_iter, or check kkt()",
                ConvergenceWarning,
                stacklevel=4,
            )
        W[j], n_iter[j] = w, result.nit
    return W, n_iter


def _projected_gradient(
    design: Design, ys: np.ndarray, alpha: float, w: np.ndarray, positive: bool = True
) -> np.ndarray:
    """The gradient, without the components pushing into an active bound w >= 0 (as L-BFGS-B's)."""
    g = design.rmatmat(design.matmat(w) - ys) + alpha * w
    return np.where(w > 0, g, np.minimum(g, 0.0)) if positive else g


def _polish_on_face(
    design: Design, ys: np.ndarray, alpha: float, w: np.ndarray, *, tol: float, max_iter: int | None
) -> np.ndarray:
    """Solve the quadratic exactly (by CG) on the face {wⱼ = 0 off L-BFGS-B's free set}; keep the
    result when it stays feasible and its projected gradient is smaller (L-BFGS-B's last digits
    are limited by its ``ftol`` test, the face's linear system is not)."""
    free = w > 0
    if not free.any():
        return w
    p = w.size

    def on_face(v: np.ndarray) -> np.ndarray:
        full = np.zeros(p)
        full[free] = v
        return design.rmatmat(design.matmat(full))[free] + alpha * v

    op = splinalg.LinearOperator((int(free.sum()),) * 2, matvec=on_face, dtype=np.float64)
    iterations = 10 * p if max_iter is None else min(10 * p, max_iter)
    v, info, _ = _cg(op, design.rmatmat(ys)[free], x0=w[free], rtol=0.1 * tol, maxiter=iterations)
    if info != 0 or np.any(v < 0):
        return w
    polished = np.zeros(p)
    polished[free] = v
    before = np.linalg.norm(_projected_gradient(design, ys, alpha, w))
    after = np.linalg.norm(_projected_gradient(design, ys, alpha, polished))
    return polished if after < before else w


def solve_sparse_cholesky(datafit: RowsRidgeQuadratic, penalty: L2Penalty) -> np.ndarray:
    """W (k, p) from (XsᵀXs + αⱼI)w = Xsᵀysⱼ for a sparse design, or by its eigendecomposition when
    the Cholesky factor's estimated error is too large (there is no SVD of a sparse X here)."""
    design, alphas = datafit.design, penalty.alphas
    G = design.gram()
    B = design.rmatmat(design.ys)
    rows = []
    for j, a in enumerate(alphas):
        solved = solve_cholesky(G, B[:, [j]], float(a))
        rows.append(solved.W[0] if solved is not None else None)
    if any(row is None for row in rows):
        spectrum = design_spectrum(design)
        fallback = spectrum.coefs(alphas)  # (k, k, p)
        rows = [fallback[j, j] if row is None else row for j, row in enumerate(rows)]
    return np.vstack(rows)
