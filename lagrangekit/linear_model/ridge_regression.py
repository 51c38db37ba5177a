"""``ridge_regression``: scikit-learn's function form of Ridge, solved by :class:`Ridge`."""

from __future__ import annotations

from typing import Any

import numpy as np

from .ridge import Ridge

__all__ = ["ridge_regression"]


def ridge_regression(
    X: Any,
    y: Any,
    alpha: Any,
    *,
    sample_weight: Any = None,
    solver: str = "auto",
    max_iter: int | None = None,
    tol: float = 1e-4,
    verbose: int = 0,
    positive: bool = False,
    random_state: Any = None,
    return_n_iter: bool = False,
    return_intercept: bool = False,
    check_input: bool = True,
) -> Any:
    """Minimize Σᵢ sᵢ‖yᵢ − Wxᵢ − b‖² + α‖W‖² with scikit-learn's ``ridge_regression`` signature.

    No intercept is fitted (b = 0) unless ``return_intercept``; then b is fitted, unpenalized,
    and returned. ``alpha`` is a float, or one value per target for a 2-D ``y`` (each target
    is then its own Ridge). The answer is :class:`Ridge`'s, exact for the closed-form solvers
    (scikit-learn switches to the stochastic 'sag' solver when it fits the intercept).

    Returns
    -------
    coef : ndarray of shape (n_features,) or (n_targets, n_features)
    n_iter : int or None, when ``return_n_iter``
        Iterations of a first-order solver, None for the closed forms.
    intercept : float or ndarray of shape (n_targets,), when ``return_intercept``
    """
    del verbose, check_input  # accepted for compatibility; input is always validated
    if positive:
        raise ValueError("positive=True is not supported by ridge_regression yet; use scipy.optimize.nnls")
    alphas = np.asarray(alpha, dtype=float)
    y_array = np.asarray(y)
    options = dict(
        fit_intercept=return_intercept, solver=solver, max_iter=max_iter, tol=tol, random_state=random_state
    )
    if alphas.ndim == 0 or alphas.size == 1:
        model = Ridge(alpha=float(alphas.reshape(-1)[0]), **options).fit(X, y, sample_weight=sample_weight)
        coef, intercept, n_iter = model.coef_, model.intercept_, model.n_iter_
    else:
        if y_array.ndim != 2 or y_array.shape[1] != alphas.size:
            raise ValueError(
                f"alpha has {alphas.size} values; it needs one per target, and y has shape {y_array.shape}"
            )
        models = [
            Ridge(alpha=float(a), **options).fit(X, y_array[:, k], sample_weight=sample_weight)
            for k, a in enumerate(alphas)
        ]
        coef = np.vstack([m.coef_ for m in models])
        intercept = np.array([m.intercept_ for m in models])
        n_iter = None if models[0].n_iter_ is None else max(m.n_iter_ for m in models)
    out: tuple = (coef,)
    if return_n_iter:
        out += (n_iter,)
    if return_intercept:
        out += (intercept,)
    return out[0] if len(out) == 1 else out
