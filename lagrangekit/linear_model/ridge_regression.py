"""``ridge_regression``: scikit-learn's function form of Ridge, solved by :class:`Ridge`."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sparse

from .ridge import Ridge

__all__ = ["ridge_regression"]


def _resolve_solver(solver: str, positive: bool, return_intercept: bool, is_sparse: bool) -> str:
    """scikit-learn's choice for "auto" and its refusals for ``positive`` and ``return_intercept``."""
    if solver == "auto":
        if positive:
            return "lbfgs"
        if return_intercept:
            return "sag"
        return "sparse_cg" if is_sparse else "cholesky"
    if positive and solver != "lbfgs":
        raise ValueError(
            f"When positive=True, only 'lbfgs' solver can be used. Please change solver {solver} "
            "to 'lbfgs' or set positive=False."
        )
    if return_intercept and solver != "sag":
        raise ValueError(
            "In Ridge, only 'sag' solver can directly fit the intercept. Please change solver to "
            "'sag' or set return_intercept=False."
        )
    return solver


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
    and returned (scikit-learn's rule: only with ``solver="sag"``, which "auto" then picks).
    ``alpha`` is a float, or one value per target for a 2-D ``y``. ``positive=True`` adds
    w >= 0 and needs ``solver="lbfgs"`` or "auto". X may be dense or scipy.sparse. The
    answer is :class:`Ridge`'s with the same solver.

    Returns
    -------
    coef : ndarray of shape (n_features,) or (n_targets, n_features)
    n_iter : ndarray of shape (n_targets,) or None, when ``return_n_iter``
        Iterations of "lsqr", "sag" and "saga", None for the other solvers.
    intercept : float or ndarray of shape (n_targets,), when ``return_intercept``
    """
    del verbose, check_input  # accepted for compatibility; input is always validated
    solver = _resolve_solver(solver, bool(positive), bool(return_intercept), sparse.issparse(X))
    alpha = np.asarray(alpha, dtype=float) if np.ndim(alpha) else alpha
    model = Ridge(
        alpha=alpha,
        fit_intercept=bool(return_intercept),
        solver=solver,
        max_iter=max_iter,
        tol=tol,
        positive=positive,
        random_state=random_state,
    ).fit(X, y, sample_weight=sample_weight)
    out: tuple = (model.coef_,)
    if return_n_iter:
        out += (model.n_iter_,)
    if return_intercept:
        out += (model.intercept_,)
    return out[0] if len(out) == 1 else out
