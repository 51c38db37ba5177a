"""The elastic net's datafits, per target: the quadratic on a design or on normal equations.

Estimators call :func:`prepare_targets` (or :func:`given_gram_targets` for a user-supplied Gram
matrix, :func:`gram_data` for :class:`GramStats`) and hand each target's datafit to a solver of
``_enet_solvers`` along an α grid from :func:`alpha_grid`.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.sparse as sparse
from sklearn.utils import assert_all_finite

from ._design import CONSTANT_CENTRED, make_design
from ._quadratic import DesignQuadratic, MultiTaskDesignQuadratic, NormalEquationsQuadratic
from ._ridge_stats import row_stats
from ._roles import ElasticNetPenalty, QuadraticDatafit
from .gram_stats import GramStats, NormalEquations

__all__ = [
    "GRAM_RECOMPUTED",
    "alpha_grid",
    "given_gram_targets",
    "gram_data",
    "multitask_data",
    "prepare_data",
    "prepare_targets",
    "unchecked_fit_data",
    "use_gram",
]


def gram_data(stats: GramStats, fit_intercept: bool) -> list[NormalEquationsQuadratic]:
    """The elastic net's datafit on the normal equations of each target of ``stats``, weights
    rescaled to sum to n (as scikit-learn's coordinate descent does); the targets share one XᵀSX.

    With an intercept, columns constant up to rounding (of a sum over n rows) get a zero row and
    column, so their coefficient is 0, as on the design.
    """
    ne = stats.normal_equations(fit_intercept)
    n = stats.n_samples
    scale = n / stats.sum_weights
    G = np.array(ne.XtX * scale, order="C")
    B = np.atleast_2d(np.asarray(ne.Xty * scale).T).copy()
    yy, y_offsets = np.atleast_1d(ne.yty * scale), np.atleast_1d(ne.y_offset)
    x_offset = np.asarray(ne.X_offset)
    if fit_intercept:
        centred = np.diag(G).copy()
        constant = centred <= max(CONSTANT_CENTRED, (n * np.finfo(np.float64).eps) ** 2) * (
            centred + n * x_offset**2
        )
        G[constant, :] = 0.0
        G[:, constant] = 0.0
        B[:, constant] = 0.0
    return [
        NormalEquationsQuadratic(
            NormalEquations(G, np.ascontiguousarray(b), float(q), x_offset, float(y_offset), float(n), n)
        )
        for b, q, y_offset in zip(B, yy, y_offsets)
    ]


def use_gram(X: Any, precompute: Any) -> bool:
    """Gram mode for dense X when asked, or automatically when n >= 2p (cheap p×p statistics)."""
    if sparse.issparse(X):
        return False
    if precompute == "auto":
        return X.shape[0] >= 2 * X.shape[1]
    return bool(precompute)


def prepare_targets(
    X: Any, Y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool, gram: bool
) -> list[QuadraticDatafit]:
    """The datafit of each column of ``Y`` (n, k), on Gram statistics sharing XᵀSX or on one design
    (X not copied, see :mod:`._design`) with a centred target each.

    X may come from ``validate_fit_data(..., ensure_all_finite=False)``: the Gram route finds
    NaN/inf from the diagonal of XᵀX, the design route checks X here.
    """
    if gram:
        stats = row_stats(np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64), sample_weight)
        return gram_data(stats, fit_intercept)
    assert_all_finite(X.data if sparse.issparse(X) else X, input_name="X")
    design = make_design(X, sample_weight, fit_intercept, Y)
    return [DesignQuadratic(design.target(t)) for t in range(Y.shape[1])]


def multitask_data(
    X: Any, Y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool
) -> MultiTaskDesignQuadratic:
    """The multi-task elastic net's datafit on one design of X (dense or sparse, not copied) with
    all the columns of ``Y`` (n, k) as its targets (there is no Gram mode for several targets,
    as in scikit-learn's multi-task solver)."""
    assert_all_finite(X.data if sparse.issparse(X) else X, input_name="X")
    return MultiTaskDesignQuadratic(make_design(X, sample_weight, fit_intercept, Y))


def prepare_data(
    X: Any, y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool, gram: bool
) -> QuadraticDatafit:
    """:func:`prepare_targets` for one 1-D target ``y``."""
    return prepare_targets(X, y[:, None], sample_weight, fit_intercept, gram)[0]


def alpha_grid(
    datafit: QuadraticDatafit, penalty: ElasticNetPenalty, *, eps: float, n_alphas: int
) -> np.ndarray:
    """n_alphas values log-spaced from α_max down to eps·α_max (scikit-learn's grid), α_max of
    ``penalty``'s l1_ratio and positivity on ``datafit``."""
    amax = penalty.alpha_max(-datafit.correlations() / datafit.n_samples)
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
) -> list[NormalEquationsQuadratic] | None:
    """Gram-mode datafits from a user's ``precompute`` matrix, or None when it cannot be used.

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
    return [
        NormalEquationsQuadratic(
            NormalEquations(
                G, t.correlations(), t.weighted_sum_squares(), t.X_offset, t.y_offset[0], float(n), n
            )
        )
        for t in targets
    ]


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
