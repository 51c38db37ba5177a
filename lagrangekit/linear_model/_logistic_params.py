"""LogisticRegression's parameters read as scikit-learn 1.9 reads them: penalty, C, l1_ratio, solver.

:func:`resolve_penalty` returns the penalty the fit minimizes, after scikit-learn's deprecation
rules for ``penalty`` and lagrangekit's own deprecated ``alpha``; :func:`check_parameters` raises
scikit-learn's errors (same text) for values scikit-learn refuses.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["SOLVERS", "PenaltyChoice", "check_parameters", "resolve_penalty"]

SOLVERS = ("lbfgs", "liblinear", "newton-cg", "newton-cholesky", "sag", "saga")
_REMOVED_SOLVERS = {
    "auto": "lbfgs",
    "newton": "newton-cholesky",
    "gd": "lbfgs (or lagrangekit.optim.minimize_smooth on the loss)",
    "fista": "saga (L1 / elastic net)",
}
PENALTY_DEPRECATED = (
    "'penalty' was deprecated in version 1.8 and will be removed in"
    " 1.10. To avoid this warning, leave 'penalty' set to its default"
    " value and use 'l1_ratio' or 'C' instead."
    " Use l1_ratio=0 instead of penalty='l2',"
    " l1_ratio=1 instead of penalty='l1',"
    " l1_ratio set to a float between 0 and 1 instead of"
    " penalty='elasticnet', and C=np.inf instead of penalty=None."
)


@dataclass(frozen=True)
class PenaltyChoice:
    """The penalty of one fit: kind in {"l2", "l1", "elasticnet", None}, the mix ρ and C (inf: none).

    The objective is Σᵢsᵢℓᵢ + (1/C)[ρ‖W‖₁ + ½(1 − ρ)‖W‖²], i.e. α = 1/(C·Σsᵢ) in the mean form.
    """

    kind: str | None
    l1_ratio: float
    C: float | None  # None: given through the deprecated alpha
    alpha: float | None = None

    def strength(self, sum_weights: float) -> float:
        """α = 1/(C·Σsᵢ) (0 without a penalty), the multiplier of the penalty in the mean objective."""
        if self.kind is None:
            return 0.0
        if self.alpha is not None:
            return self.alpha
        alpha = 0.0 if self.C == np.inf else 1.0 / (self.C * sum_weights)
        if not np.isfinite(alpha):
            raise ValueError(
                f"C={self.C!r} is so small that the penalty 1/(C·Σsample_weight) overflows; increase C"
            )
        return alpha


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _interval_error(name: str, text: str, value: Any) -> ValueError:
    return ValueError(f"The '{name}' parameter of LogisticRegression must be {text}. Got {value!r} instead.")


def check_parameters(est: Any) -> str:
    """Validate the constructor's values (scikit-learn's messages); returns the solver name."""
    if est.solver in _REMOVED_SOLVERS:
        raise ValueError(
            f"solver={est.solver!r} was removed with the scikit-learn API: use solver="
            f"{_REMOVED_SOLVERS[est.solver]}; the solvers are {SOLVERS}"
        )
    if est.solver not in SOLVERS:
        raise _interval_error("solver", f"a str among {set(SOLVERS)}", est.solver)
    if est.penalty not in ("l1", "l2", "elasticnet", None, "deprecated"):
        raise _interval_error("penalty", "a str among {'l1', 'l2', 'elasticnet'} or None", est.penalty)
    if not _is_real(est.C) or np.isnan(est.C) or est.C <= 0:
        raise _interval_error("C", "a float in the range (0.0, inf]", est.C)
    if est.l1_ratio is not None and (not _is_real(est.l1_ratio) or not 0 <= est.l1_ratio <= 1):
        raise _interval_error("l1_ratio", "a float in the range [0.0, 1.0] or None", est.l1_ratio)
    if not _is_real(est.tol) or not np.isfinite(est.tol) or est.tol < 0:
        raise _interval_error("tol", "a float in the range [0.0, inf)", est.tol)
    if not isinstance(est.max_iter, numbers.Integral) or isinstance(est.max_iter, bool) or est.max_iter < 0:
        raise _interval_error("max_iter", "an int in the range [0, inf)", est.max_iter)
    if not _is_real(est.intercept_scaling) or not 0 < est.intercept_scaling < np.inf:
        raise _interval_error("intercept_scaling", "a float in the range (0.0, inf)", est.intercept_scaling)
    cw = est.class_weight
    if not (cw is None or cw == "balanced" or isinstance(cw, dict)):
        raise _interval_error("class_weight", "an instance of 'dict', a str among {'balanced'} or None", cw)
    for name in ("dual", "fit_intercept", "warm_start"):
        if not isinstance(getattr(est, name), (bool, np.bool_)):
            raise _interval_error(
                name, "an instance of 'bool' or an instance of 'numpy.bool'", getattr(est, name)
            )
    if est.n_jobs is not None and not isinstance(est.n_jobs, numbers.Integral):
        raise _interval_error("n_jobs", "an int or None", est.n_jobs)
    if est.alpha is not None and (not _is_real(est.alpha) or not np.isfinite(est.alpha) or est.alpha < 0):
        raise ValueError(f"alpha must be a finite number >= 0 (or None to use C), got {est.alpha!r}")
    return est.solver


def resolve_penalty(est: Any) -> PenaltyChoice:
    """The penalty scikit-learn 1.9 fits for these parameters (with its warnings), or ``alpha``'s."""
    l1_ratio = est.l1_ratio
    if est.penalty == "deprecated":
        if l1_ratio is None:
            warnings.warn(
                "'l1_ratio=None' was deprecated in version 1.8 and will trigger an error in 1.10. "
                "Use 0<=l1_ratio<=1 instead.",
                FutureWarning,
                stacklevel=3,
            )
        kind = "l2" if not l1_ratio else "l1" if l1_ratio == 1 else "elasticnet"
        if est.C == np.inf:
            kind = None
    else:
        kind = est.penalty
        warnings.warn(PENALTY_DEPRECATED, FutureWarning, stacklevel=3)
        if kind == "elasticnet" and l1_ratio is None:
            raise ValueError("l1_ratio must be specified when penalty is elasticnet.")
        if (kind == "l2" and l1_ratio != 0) or (kind == "l1" and l1_ratio != 1):
            warnings.warn(
                f"Inconsistent values: penalty={kind} with l1_ratio={l1_ratio}. penalty is deprecated. "
                "Please use l1_ratio only.",
                stacklevel=3,
            )
    if kind not in ("elasticnet", None) and l1_ratio is not None and 0 < l1_ratio < 1:
        warnings.warn(
            f"l1_ratio parameter is only used when penalty is 'elasticnet'. Got (penalty={kind})",
            stacklevel=3,
        )
    rho = {"l2": 0.0, "l1": 1.0, None: 0.0}.get(kind, l1_ratio)
    C = est.C
    if est.penalty is None and est.C != 1.0:
        warnings.warn("Setting penalty=None will ignore the C and l1_ratio parameters", stacklevel=3)
    if est.n_jobs is not None:
        warnings.warn(
            "'n_jobs' has no effect since 1.8 and will be removed in 1.10. "
            f"You provided 'n_jobs={est.n_jobs}', please leave it unspecified.",
            FutureWarning,
            stacklevel=3,
        )
    if est.alpha is not None:
        if est.C != 1.0:
            raise ValueError(
                f"pass either C or the deprecated alpha, not both (C={est.C!r}, alpha={est.alpha!r})"
            )
        warnings.warn(
            "alpha is deprecated and will be removed: use C = 1/(alpha·Σsample_weight) "
            "(C = 1/(n_samples·alpha) without weights), and C=np.inf for alpha=0",
            FutureWarning,
            stacklevel=3,
        )
        if est.alpha == 0:
            kind = None
        return PenaltyChoice(kind, float(rho or 0.0), None, float(est.alpha))
    if C == np.inf:
        kind = None
    return PenaltyChoice(kind, float(rho or 0.0), float(C))


def check_solver(solver: str, kind: str | None, dual: bool) -> None:
    """scikit-learn's ``_check_solver``: which solver takes which penalty (same messages)."""
    if solver not in ("liblinear", "saga") and kind not in ("l2", None):
        raise ValueError(f"Solver {solver} supports only 'l2' or None penalties, got {kind} penalty.")
    if solver != "liblinear" and dual:
        raise ValueError(f"Solver {solver} supports only dual=False, got dual={dual}")
    if kind == "elasticnet" and solver != "saga":
        raise ValueError(f"Only 'saga' solver supports elasticnet penalty, got solver={solver}.")
    if solver == "liblinear" and kind is None:
        raise ValueError("C=np.inf as well as penalty=None is not supported for the liblinear solver")
