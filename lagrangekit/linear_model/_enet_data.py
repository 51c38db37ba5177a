"""The elastic net's data, per target: Gram statistics or a design, from validated or unchecked input.

Estimators call :func:`prepare_targets` (or :func:`given_gram_targets` for a user-supplied Gram
matrix) and solve each target's :class:`PreparedData` along an α grid from :func:`alpha_grid`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sparse
from sklearn.utils import assert_all_finite

from ._design import Design, make_design
from ._enet_solvers import PathSolution, enet_path_design, enet_path_gram, gram_data
from ._ridge_stats import row_stats
from ._roles import ElasticNetPenalty
from .gram_stats import NormalEquations

__all__ = [
    "GRAM_RECOMPUTED",
    "PreparedData",
    "alpha_grid",
    "given_gram_targets",
    "prepare_data",
    "prepare_targets",
    "unchecked_fit_data",
    "use_gram",
]


@dataclass(frozen=True)
class PreparedData:
    """One target's centred, weighted data in the form its solver needs: Gram statistics or a design."""

    gram: NormalEquations | None
    design: Design | None

    @property
    def source(self) -> NormalEquations | Design:
        return self.gram if self.gram is not None else self.design

    @property
    def n_samples(self) -> int:
        return self.source.n_samples

    @property
    def n_features(self) -> int:
        return self.source.X_offset.shape[0]

    def correlations(self) -> np.ndarray:
        """Xᶜᵀ S yᶜ."""
        return self.gram.Xty if self.gram is not None else self.design.correlations()

    def correlations_at(self, w: np.ndarray) -> np.ndarray:
        """Xᶜᵀ S (yᶜ − Xᶜw), the negative gradient times n."""
        if self.gram is not None:
            return self.gram.Xty - self.gram.XtX @ w
        return self.design.rmatvec(self.design.y - self.design.matvec(w))

    def support_block(self, support: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(Xᶜ_Sᵀ S Xᶜ_S, Xᶜ_Sᵀ S yᶜ) for the columns in ``support``."""
        if self.gram is not None:
            return self.gram.XtX[np.ix_(support, support)], self.gram.Xty[support]
        return self.design.gram_block(support, self.design.y)

    def null_objective(self) -> float:
        """P(0) = yᶜᵀ S yᶜ / (2n), the scale of the relative tolerance."""
        yty = self.gram.yty if self.gram is not None else self.design.weighted_sum_squares()
        return yty / (2 * self.n_samples)

    def alpha_max(self, l1_ratio: float, positive: bool) -> float:
        penalty = ElasticNetPenalty(1.0, l1_ratio, positive)
        return penalty.alpha_max(-self.correlations() / self.n_samples)

    def intercept(self, coef: np.ndarray) -> float:
        y_offset = self.gram.y_offset if self.gram is not None else self.design.y_offset[0]
        return float(y_offset - self.source.X_offset @ coef)

    def solve(
        self,
        alphas: np.ndarray,
        *,
        l1_ratio: float,
        positive: bool,
        tol: float,
        max_iter: int,
        coef_init: np.ndarray | None = None,
        seed: int = -1,
    ) -> PathSolution:
        """Coordinate descent along ``alphas`` with warm starts (Gram or design kernel)."""
        options = dict(l1_ratio=l1_ratio, positive=positive, tol=tol, max_iter=max_iter, coef_init=coef_init)
        if self.gram is not None:
            g = self.gram
            return enet_path_gram(g.XtX, g.Xty, g.yty, g.n_samples, alphas, **options)
        return enet_path_design(self.design, alphas, seed=seed, **options)


def use_gram(X: Any, precompute: Any) -> bool:
    """Gram mode for dense X when asked, or automatically when n >= 2p (cheap p×p statistics)."""
    if sparse.issparse(X):
        return False
    if precompute == "auto":
        return X.shape[0] >= 2 * X.shape[1]
    return bool(precompute)


def prepare_targets(
    X: Any, Y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool, gram: bool
) -> list[PreparedData]:
    """The data of each column of ``Y`` (n, k), as Gram statistics sharing XᵀSX or as one design
    (X not copied, see :mod:`._design`) with a centred target each.

    X may come from ``validate_fit_data(..., ensure_all_finite=False)``: the Gram route finds
    NaN/inf from the diagonal of XᵀX, the design route checks X here.
    """
    if gram:
        stats = row_stats(np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64), sample_weight)
        return [PreparedData(g, None) for g in gram_data(stats, fit_intercept)]
    assert_all_finite(X.data if sparse.issparse(X) else X, input_name="X")
    design = make_design(X, sample_weight, fit_intercept, Y)
    return [PreparedData(None, design.target(t)) for t in range(Y.shape[1])]


def prepare_data(
    X: Any, y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool, gram: bool
) -> PreparedData:
    """:func:`prepare_targets` for one 1-D target ``y``."""
    return prepare_targets(X, y[:, None], sample_weight, fit_intercept, gram)[0]


def alpha_grid(
    data: PreparedData, *, l1_ratio: float, positive: bool, eps: float, n_alphas: int
) -> np.ndarray:
    """n_alphas values log-spaced from α_max down to eps·α_max (scikit-learn's grid)."""
    amax = data.alpha_max(l1_ratio, positive)
    if not np.isfinite(amax):
        raise ValueError(  # scikit-learn's message: l1_ratio=0 has no finite α_max
            "Automatic alpha grid generation is not supported for l1_ratio=0. Please supply a grid "
            "by providing your estimator with the appropriate `alphas=` argument."
        )
    resolution = np.finfo(np.float64).resolution
    if amax <= resolution:
        return np.full(n_alphas, resolution)
    return np.geomspace(amax, amax * eps, num=n_alphas)


GRAM_RECOMPUTED = "Gram matrix was provided but X was centered to fit intercept: recomputing Gram matrix."


def given_gram_targets(
    gram: Any, X: Any, Y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool
) -> list[PreparedData] | None:
    """Gram-mode data from a user's ``precompute`` matrix, or None when it cannot be used.

    As in scikit-learn, the matrix must be XᶜᵀSXᶜ of the data as passed: when an intercept is
    fitted and X's (weighted) column means are not all close to 0, it is not, so a UserWarning
    says it is recomputed and None is returned. One entry is checked against the data; a
    mismatch raises ValueError. XᵀSy and yᵀSy come from the rows.
    """
    design = make_design(X, sample_weight, fit_intercept, Y)
    p = design.n_features
    G = np.asarray(gram, dtype=np.float64)
    if G.shape != (p, p) or not np.all(np.isfinite(G)):
        raise ValueError(
            f"precompute must be a finite (n_features, n_features) = ({p}, {p}) Gram matrix, got an "
            f"array of shape {G.shape}; or pass precompute='auto', True or False"
        )
    if fit_intercept and not np.allclose(design.X_offset, 0.0):
        warnings.warn(GRAM_RECOMPUTED, UserWarning, stacklevel=3)
        return None
    f1 = p // 2
    f2 = min(f1 + 1, p - 1)
    expected = design.gram_block(np.array([f1, f2]), np.zeros(design.n_samples))[0][0, 1]
    rtol = 1e-4 if np.asarray(gram).dtype == np.float32 or X.dtype == np.float32 else 1e-7
    if not np.isclose(expected, G[f1, f2], rtol=rtol, atol=1e-5):
        raise ValueError(
            "Gram matrix passed in via 'precompute' parameter did not pass validation when a single "
            f"element was checked - please check that it was computed properly. For element ({f1},{f2}) "
            f"we computed {expected} but the user-supplied value was {G[f1, f2]}."
        )
    G = np.ascontiguousarray(G)
    n = design.n_samples
    targets = [design.target(t) for t in range(Y.shape[1])]
    grams = [
        NormalEquations(G, t.correlations(), t.weighted_sum_squares(), t.X_offset, t.y_offset[0], float(n), n)
        for t in targets
    ]
    return [PreparedData(g, None) for g in grams]


def unchecked_fit_data(X: Any, y: Any, sample_weight: Any) -> tuple[Any, np.ndarray, np.ndarray | None]:
    """(X, y, weights) for ``fit(..., check_input=False)``: the caller promises finite float data.

    As in scikit-learn, dense X must then be a Fortran-ordered float64/float32 array and sparse X
    CSC; anything else raises ValueError (it would otherwise need the checks that were skipped).
    """
    if sparse.issparse(X):
        ok = X.format == "csc" and X.dtype in (np.float64, np.float32)
    else:
        ok = isinstance(X, np.ndarray) and X.ndim == 2 and X.flags.f_contiguous and X.dtype in (
            np.float64,
            np.float32,
        )
    if not ok:
        raise ValueError(
            "with check_input=False, X must be a Fortran-ordered float64/float32 ndarray or a CSC "
            "matrix (np.asfortranarray(X)); pass check_input=True to have it converted"
        )
    y = np.asarray(y, dtype=X.dtype)
    sw = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    return X, y, sw
