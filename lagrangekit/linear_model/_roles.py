"""The roles every linear solver sees its data through: a datafit, a penalty, and what a solver needs.

Design (issue 13)
-----------------
Two data shapes, one set of roles, one certificate:

* **Shapes.** A *design* (:mod:`._design`: dense X in either memory order or scipy.sparse
  CSR/CSC, the weights as a vector, centring implicit, X never copied to centre or weight it)
  and :class:`.gram_stats.GramStats` (XᵀSX, XᵀSy, yᵀSy, sums; from arrays, chunks or Dask),
  seen by solvers through its :class:`.gram_stats.NormalEquations` view.
* **Datafits.** The quadratic on either shape:

  - the elastic net's (1/(2n))Σᵢsᵢ(yᶜᵢ − xᶜᵢᵀw)² (weights summing to n):
    :class:`._quadratic.DesignQuadratic` and :class:`._quadratic.NormalEquationsQuadratic`,
    both a :class:`QuadraticDatafit`; they expose what the compiled kernels read (the
    design's arrays, means, weights and column norms, or XᵀSX, XᵀSy, yᵀSy);
  - Ridge's Σᵢsᵢ‖yᵢ − b − Wxᵢ‖² (weights as given): :class:`._ridge_quadratic.RowsRidgeQuadratic`
    and :class:`._ridge_quadratic.GramRidgeQuadratic`, whose methods are the closed forms of
    the L2 penalty (Cholesky on the Gram or kernel form, the SVD, one eigendecomposition for
    many α); both shapes run the same one-pass Gram arithmetic, so ``fit(X)`` and
    ``fit(GramStats)`` agree;
  - :class:`Quadratic` (value, gradient, Lipschitz constant on √S·Xᶜ as an operator) for the
    first-order solvers, and the logistic losses (``_logistic_loss``).
* **Penalties.** :class:`ElasticNetPenalty`: L1, L2, their mix, and positivity as a constraint
  (the indicator of w >= 0): value, prox, subdifferential distance, α_max;
  :class:`GroupElasticNetPenalty`, the multi-task elastic net's Σⱼ‖Wⱼ‖₂ over each feature's
  row of target coefficients plus the L2 term (block coordinate descent,
  :func:`._enet_solvers.multitask_coordinate_descent`, the path functions' 2-D y); and
  :class:`L2Penalty`, Ridge's Σₜαₜ‖wₜ‖² with one α per target (and positivity), whose closed
  forms are the Ridge datafit's methods above.
* **Solvers** take ``(datafit, penalty, ...)``: coordinate descent
  (:func:`._enet_solvers.coordinate_descent`, one compiled kernel in ``_cd`` for both shapes:
  in Gram mode g = XᵀSr stands in for the residual, so the steps are the design's; block
  coordinate descent for the group penalty, :func:`._enet_solvers.multitask_coordinate_descent`),
  ISTA/FISTA (:func:`._enet_solvers.proximal_solve`, through :data:`SOLVER_NEEDS`),
  Ridge's lsqr, sparse_cg, L-BFGS-B, SAG/SAGA and sparse Cholesky (``_ridge_iterative``,
  ``_ridge_sag``, on :attr:`._ridge_quadratic.RowsRidgeQuadratic.design`), the logistic
  solvers. They import no estimator module.
* **One certificate module** (:mod:`.certificate`) builds the ``KKTReport`` of a datafit ×
  penalty at any coefficients.
* **Estimator modules** validate, choose the shape, call a solver and set attributes; they import
  no compiled kernel and none of the Gram/kernel builders. There are no import circles and no
  private name is imported across modules (``tests/test_linear_model_layout.py`` pins these).

Not there yet: the certificate builds its own datafit from the rows (or statistics) instead of
taking the solver's; the elastic net's and Ridge's quadratics are separate classes (their scales
differ: a mean with weights summing to n, a sum with the weights as given); Ridge's first-order
teaching solvers take one α for all targets; the compiled kernels solve each target on its own
(no joint Xᵀr pass over several targets).

The protocols
-------------
A *datafit* f(w) supplies ``value``, ``gradient`` and ``lipschitz`` (of the gradient); a
*penalty* g(w) supplies ``value``, ``prox``, ``subdiff_distance`` and ``alpha_max``. A solver
names the methods it calls in :data:`SOLVER_NEEDS`, and :func:`check_roles` verifies a pair
before the solver runs, so a missing method fails loudly instead of returning None.
:class:`QuadraticDatafit` is what coordinate descent, the α grids and the constrained Lasso ask
of the elastic net's quadratic on either shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .gram_stats import GramStats

__all__ = [
    "SOLVER_NEEDS",
    "Datafit",
    "ElasticNetPenalty",
    "GroupElasticNetPenalty",
    "L2Penalty",
    "GramQuadratic",
    "Penalty",
    "Quadratic",
    "QuadraticDatafit",
    "check_roles",
    "soft_threshold",
]


@runtime_checkable
class Datafit(Protocol):
    """A smooth data term f(w)."""

    def value(self, w: np.ndarray) -> float: ...

    def gradient(self, w: np.ndarray) -> np.ndarray: ...

    def lipschitz(self) -> float: ...


@runtime_checkable
class Penalty(Protocol):
    """A separable, possibly non-smooth penalty g(w) = α·Σⱼ h(wⱼ)."""

    def value(self, w: np.ndarray) -> float: ...

    def prox(self, v: np.ndarray, step: float) -> np.ndarray: ...

    def subdiff_distance(self, w: np.ndarray, grad: np.ndarray) -> np.ndarray: ...

    def alpha_max(self, grad0: np.ndarray) -> float: ...


@runtime_checkable
class QuadraticDatafit(Protocol):
    """f(w) = (1/(2n)) Σᵢ sᵢ(yᶜᵢ − xᶜᵢᵀw)² on a design or on normal equations (weights summing to n)."""

    @property
    def n_samples(self) -> int: ...

    @property
    def n_features(self) -> int: ...

    def correlations(self) -> np.ndarray: ...

    def correlations_at(self, w: np.ndarray) -> np.ndarray: ...

    def support_block(self, support: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...

    def null_objective(self) -> float: ...

    def intercept(self, coef: np.ndarray) -> float: ...


# solver -> (datafit methods, penalty methods) it calls
SOLVER_NEEDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fista": (("value", "gradient", "lipschitz"), ("value", "prox")),
    "ista": (("value", "gradient", "lipschitz"), ("value", "prox")),
    "kkt": (("gradient",), ("subdiff_distance",)),
}


def check_roles(solver: str, datafit: Any, penalty: Any) -> None:
    """Raise ``TypeError`` naming what is missing if ``solver`` cannot use this datafit and penalty."""
    data_needs, pen_needs = SOLVER_NEEDS[solver]
    missing = [f"datafit.{m}" for m in data_needs if not callable(getattr(datafit, m, None))]
    missing += [f"penalty.{m}" for m in pen_needs if not callable(getattr(penalty, m, None))]
    if missing:
        raise TypeError(f"solver {solver!r} needs {', '.join(missing)}")


def soft_threshold(v: np.ndarray, threshold: float, positive: bool = False) -> np.ndarray:
    """sign(v)·max(|v| − threshold, 0), or max(v − threshold, 0) when ``positive``."""
    v = np.asarray(v, dtype=np.float64)
    if positive:
        return np.maximum(v - threshold, 0.0)
    return np.sign(v) * np.maximum(np.abs(v) - threshold, 0.0)


@dataclass(frozen=True)
class Quadratic:
    """f(w) = (1/(2n))‖y − Xw‖² on rows: X (or an operator, e.g. :meth:`Design.operator`) and y
    √weight-scaled, centred or not (dense or sparse)."""

    X: Any
    y: np.ndarray
    n_samples: int

    def residual(self, w: np.ndarray) -> np.ndarray:
        return self.y - self.X @ w

    def value(self, w: np.ndarray) -> float:
        r = self.residual(w)
        return float(r @ r) / (2 * self.n_samples)

    def gradient(self, w: np.ndarray) -> np.ndarray:
        return -np.asarray(self.X.T @ self.residual(w)).ravel() / self.n_samples

    def value_and_gradient(self, w: np.ndarray) -> tuple[float, np.ndarray]:
        r = self.residual(w)
        grad = -np.asarray(self.X.T @ r).ravel() / self.n_samples
        return float(r @ r) / (2 * self.n_samples), grad

    def lipschitz(self) -> float:
        """‖X‖₂²/n, the Lipschitz constant of the gradient (largest singular value squared)."""
        if min(self.X.shape) == 0:
            return 0.0
        if not isinstance(self.X, np.ndarray) or min(self.X.shape) > 200:
            import scipy.sparse.linalg as splinalg

            op = splinalg.aslinearoperator(self.X)
            sigma = splinalg.svds(op, k=1, return_singular_vectors=False, tol=1e-6)[0]
            sigma *= 1.0 + 1e-5  # svds converges from below; keep the step safe
        else:
            sigma = np.linalg.norm(np.asarray(self.X), 2)
        return float(sigma) ** 2 / self.n_samples


@dataclass(frozen=True)
class GramQuadratic:
    """f(w) = (1/(2W)) Σᵢ sᵢ(yᵢ − b − xᵢᵀw)² at a fixed intercept b, read from GramStats (W = Σsᵢ)."""

    stats: GramStats
    intercept: float

    def gradient(self, w: np.ndarray) -> np.ndarray:
        """−XᵀSr/W."""
        return -self.stats.residual_correlations(w, self.intercept) / self.stats.sum_weights


@dataclass(frozen=True)
class _MixedPenaltyWeights:
    """α and l1_ratio split into the weights of the L1 (or L2,1) term and of the L2 term."""

    alpha: float
    l1_ratio: float = 1.0

    @property
    def l1(self) -> float:
        return self.alpha * self.l1_ratio

    @property
    def l2(self) -> float:
        return self.alpha * (1.0 - self.l1_ratio)


@dataclass(frozen=True)
class ElasticNetPenalty(_MixedPenaltyWeights):
    """g(w) = α·l1_ratio·‖w‖₁ + (α/2)(1 − l1_ratio)‖w‖², plus the indicator of w ≥ 0 if ``positive``."""

    positive: bool = False

    def value(self, w: np.ndarray) -> float:
        return self.l1 * float(np.abs(w).sum()) + 0.5 * self.l2 * float(w @ w)

    def prox(self, v: np.ndarray, step: float) -> np.ndarray:
        return soft_threshold(v, step * self.l1, self.positive) / (1.0 + step * self.l2)

    def subdiff_distance(self, w: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """Per coordinate, the distance from −∇f(w)ⱼ to ∂g(w)ⱼ (zero exactly at a KKT point)."""
        z = -np.asarray(grad, dtype=np.float64) - self.l2 * w
        on = w != 0
        dist = np.empty_like(z)
        dist[on] = np.abs(z[on] - self.l1 * np.sign(w[on]))
        off = ~on
        dist[off] = np.maximum((z[off] if self.positive else np.abs(z[off])) - self.l1, 0.0)
        if self.positive:
            dist[w < 0] = np.inf
        return dist

    def alpha_max(self, grad0: np.ndarray) -> float:
        """Smallest α at which w = 0 is optimal, from ∇f(0); infinite for a pure ridge penalty."""
        z = -np.asarray(grad0, dtype=np.float64)
        top = float(np.max(z if self.positive else np.abs(z), initial=0.0))
        top = max(top, 0.0)
        if self.l1_ratio == 0.0:
            return 0.0 if top == 0.0 else np.inf
        return top / self.l1_ratio


@dataclass(frozen=True)
class GroupElasticNetPenalty(_MixedPenaltyWeights):
    """The multi-task elastic net's penalty on W of shape (n_features, n_targets), one group per
    feature (its row Wⱼ, the coefficients of all targets):

        g(W) = α·l1_ratio·Σⱼ‖Wⱼ‖₂ + (α/2)(1 − l1_ratio)‖W‖²_F,

    scikit-learn's ``MultiTaskElasticNet`` penalty (and ``enet_path``'s for a 2-D y), with W the
    transpose of its ``coef_``. There is no positivity: scikit-learn refuses it for several targets.
    """

    def value(self, W: np.ndarray) -> float:
        W = np.asarray(W, dtype=np.float64)
        return self.l1 * float(np.linalg.norm(W, axis=1).sum()) + 0.5 * self.l2 * float(np.sum(W * W))

    def prox(self, V: np.ndarray, step: float) -> np.ndarray:
        """Row by row, V_j·(1 − step·l1/‖V_j‖₂)₊ / (1 + step·l2) (block soft-thresholding)."""
        V = np.asarray(V, dtype=np.float64)
        norms = np.linalg.norm(V, axis=1, keepdims=True)
        shrink = np.maximum(1.0 - step * self.l1 / np.where(norms > 0, norms, 1.0), 0.0)
        return V * shrink / (1.0 + step * self.l2)

    def subdiff_distance(self, W: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """Per feature, the distance from −∇f(W)ⱼ to ∂g(W)ⱼ (zero exactly at a KKT point)."""
        W = np.asarray(W, dtype=np.float64)
        Z = -np.asarray(grad, dtype=np.float64) - self.l2 * W
        norms = np.linalg.norm(W, axis=1)
        on = norms > 0
        dist = np.maximum(np.linalg.norm(Z, axis=1) - self.l1, 0.0)
        unit = W[on] / norms[on, None]
        dist[on] = np.linalg.norm(Z[on] - self.l1 * unit, axis=1)
        return dist

    def alpha_max(self, grad0: np.ndarray) -> float:
        """Smallest α at which W = 0 is optimal, maxⱼ‖∇f(0)ⱼ‖₂ / l1_ratio; infinite for l1_ratio = 0."""
        top = float(np.max(np.linalg.norm(np.asarray(grad0, dtype=np.float64), axis=1), initial=0.0))
        if self.l1_ratio == 0.0:
            return 0.0 if top == 0.0 else np.inf
        return top / self.l1_ratio


@dataclass(frozen=True)
class L2Penalty:
    """Ridge's penalty Σₜ αₜ‖wₜ‖² (one α per target t; the intercept is not penalized), plus the
    indicator of w >= 0 if ``positive``. Its closed forms are methods of Ridge's quadratic datafit
    (``_ridge_quadratic``); the iterative solvers take it next to that datafit."""

    alphas: np.ndarray
    positive: bool = False
