"""The quadratic datafit of the elastic net on each of the two data shapes.

Both classes are the same function of w,

    f(w) = (1/(2n)) Σᵢ sᵢ (yᶜᵢ − xᶜᵢᵀw)²,   weights sᵢ summing to n, data centred when an intercept is fitted,

read from a different shape:

* :class:`DesignQuadratic`: one target of a :class:`._design.Design` (dense or scipy.sparse X,
  weights, means subtracted implicitly, X never copied to centre it);
* :class:`NormalEquationsQuadratic`: :class:`.gram_stats.NormalEquations`, the view of a
  :class:`.gram_stats.GramStats` (XᶜᵀSXᶜ, XᶜᵀSyᶜ, yᶜᵀSyᶜ, n).

:class:`MultiTaskDesignQuadratic` is the same function of W (n_features, n_targets) summed over
the targets of a design, (1/(2n)) Σᵢ sᵢ‖yᶜᵢ − Wᵀxᶜᵢ‖², the datafit of the multi-task elastic net.

They answer the same questions (:class:`._roles.QuadraticDatafit`): the correlations Xᶜᵀ S r at
w (−n times the gradient), a support block of the normal equations, P(0) and the intercept.
The coordinate-descent solver (:func:`._enet_solvers.coordinate_descent`) reads the arrays its
compiled kernels need from them: ``design`` (X's arrays, ``x_mean``, ``weights``, ``col_norm2``)
or ``XtX``, ``Xty``, ``yty``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._design import Design
from .gram_stats import NormalEquations

__all__ = ["DesignQuadratic", "MultiTaskDesignQuadratic", "NormalEquationsQuadratic"]


@dataclass(frozen=True)
class _OnDesign:
    """A datafit read from a design: its sizes are the design's."""

    design: Design

    @property
    def n_samples(self) -> int:
        return self.design.n_samples

    @property
    def n_features(self) -> int:
        return self.design.n_features


@dataclass(frozen=True)
class DesignQuadratic(_OnDesign):
    """f(w) on one target of a design (weights summing to n; see the module docstring)."""

    @property
    def X_offset(self) -> np.ndarray:
        return self.design.X_offset

    def correlations(self) -> np.ndarray:
        """Xᶜᵀ S yᶜ (−n·∇f(0))."""
        return self.design.correlations()

    def correlations_at(self, w: np.ndarray) -> np.ndarray:
        """Xᶜᵀ S (yᶜ − Xᶜw) (−n·∇f(w))."""
        return self.design.rmatvec(self.design.y - self.design.matvec(w))

    def support_block(self, support: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(Xᶜ_Sᵀ S Xᶜ_S, Xᶜ_Sᵀ S yᶜ) for the columns in ``support``."""
        return self.design.gram_block(support, self.design.y)

    def null_objective(self) -> float:
        """f(0) = yᶜᵀ S yᶜ / (2n), the scale of the relative tolerances."""
        return self.design.weighted_sum_squares() / (2 * self.n_samples)

    def intercept(self, coef: np.ndarray) -> float:
        """b = ȳ − X_offsetᵀw (0 without an intercept)."""
        return float(self.design.y_offset[0] - self.design.X_offset @ coef)


@dataclass(frozen=True)
class NormalEquationsQuadratic:
    """f(w) from normal equations with weights summing to n (see the module docstring)."""

    normal: NormalEquations

    @property
    def n_samples(self) -> int:
        return self.normal.n_samples

    @property
    def n_features(self) -> int:
        return self.normal.X_offset.shape[0]

    @property
    def X_offset(self) -> np.ndarray:
        return self.normal.X_offset

    @property
    def XtX(self) -> np.ndarray:
        return self.normal.XtX

    @property
    def Xty(self) -> np.ndarray:
        return self.normal.Xty

    @property
    def yty(self) -> float:
        return float(self.normal.yty)

    def correlations(self) -> np.ndarray:
        """XᶜᵀSyᶜ (−n·∇f(0))."""
        return self.normal.Xty

    def correlations_at(self, w: np.ndarray) -> np.ndarray:
        """XᶜᵀSyᶜ − XᶜᵀSXᶜw (−n·∇f(w))."""
        return self.normal.Xty - self.normal.XtX @ w

    def support_block(self, support: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(Xᶜ_Sᵀ S Xᶜ_S, Xᶜ_Sᵀ S yᶜ) for the indices in ``support``."""
        return self.normal.XtX[np.ix_(support, support)], self.normal.Xty[support]

    def null_objective(self) -> float:
        """f(0) = yᶜᵀ S yᶜ / (2n)."""
        return self.yty / (2 * self.n_samples)

    def intercept(self, coef: np.ndarray) -> float:
        """b = ȳ − X_offsetᵀw (0 without an intercept)."""
        return float(self.normal.y_offset - self.normal.X_offset @ coef)


@dataclass(frozen=True)
class MultiTaskDesignQuadratic(_OnDesign):
    """f(W) = (1/(2n)) Σᵢ sᵢ‖yᶜᵢ − Wᵀxᶜᵢ‖² on all the targets of a design, W of shape
    (n_features, n_targets) (weights summing to n; see the module docstring)."""

    @property
    def n_targets(self) -> int:
        return self.design.Y.shape[1]

    def correlations(self) -> np.ndarray:
        """XᶜᵀSYᶜ (n_features, n_targets), −n·∇f(0); 0 on constant columns."""
        Z = np.column_stack([self.design.rmatvec(y) for y in self.design.Y.T])
        Z[self.design.constant_columns] = 0.0
        return Z

    def gradient(self, W: np.ndarray) -> np.ndarray:
        """∇f(W) = −XᶜᵀS(Yᶜ − XᶜW)/n."""
        d = self.design
        return -np.column_stack([d.rmatvec(y - d.matvec(w)) for y, w in zip(d.Y.T, W.T)]) / self.n_samples

    def null_objective(self) -> float:
        """f(0) = Σₜ yᶜₜᵀSyᶜₜ/(2n), the scale of the relative tolerances."""
        Y = self.design.Y
        sq = Y * Y if self.design.weights is None else Y * Y * self.design.weights[:, None]
        return float(sq.sum()) / (2 * self.n_samples)

    def intercepts(self, W: np.ndarray) -> np.ndarray:
        """b = ȳ − Wᵀ X_offset (zeros without an intercept)."""
        return self.design.y_offset - self.design.X_offset @ W
