"""A likelihood as a lagrangekit problem: minimize −log L(θ)/n within the bounds, solved on the core.

:func:`fit_mle` maximizes through this module, so its estimates come from :func:`lagrangekit.solve`
(or a scipy method certified by the same KKT check) and carry a :class:`~lagrangekit.KKTReport`.
The objective is the mean negative log-likelihood −log L(θ)/n (n = the number of observations,
or 1 when unknown), so the KKT tolerance means the same for 10 and for 10⁶ observations; the
reported multipliers are those of that scaled objective.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
from scipy import optimize

from ..function_problem import FunctionProblem, from_functions
from ..kkt import check_kkt
from ..numeric_form import NumericForm
from ..problem import _bound_value
from ..result import KKTReport
from ..solvers import METHODS, solve
from .distributions import Distribution

__all__ = ["LikelihoodProblem", "NumericFit", "parameter_bounds"]

Bound = tuple[float | None, float | None]
# scipy methods that take bounds; the others are refused when a parameter is bounded
_SCIPY_BOUNDED = {"L-BFGS-B", "TNC", "SLSQP", "POWELL", "NELDER-MEAD", "TRUST-CONSTR", "COBYLA", "COBYQA"}
_GRADIENT_FREE = {"NELDER-MEAD", "POWELL", "COBYLA", "COBYQA"}
_SOLVE_OPTIONS = ("tol", "max_iter", "n_starts", "seed")
# default stopping rules of scipy methods, tighter than scipy's so that the answer can pass the certificate
_TIGHT: dict[str, dict[str, float]] = {
    "L-BFGS-B": {"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000},
    "BFGS": {"gtol": 1e-8},
    "NELDER-MEAD": {"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000},
}


def _user_bounds(bounds: Any, names: tuple[str, ...]) -> list[tuple[float, float]]:
    if bounds is None:
        return [(-np.inf, np.inf)] * len(names)
    if isinstance(bounds, Mapping):
        unknown = set(bounds) - set(names)
        if unknown:
            raise ValueError(f"bounds has unknown parameters {sorted(unknown)}; parameters are {list(names)}")
        pairs = [bounds.get(n, (None, None)) for n in names]
    else:
        try:
            pairs = list(bounds)
        except TypeError:
            raise ValueError(
                "bounds must be a sequence of (low, high) pairs or a dict {name: (low, high)}, "
                f"got {bounds!r}"
            ) from None
        if len(pairs) != len(names):
            raise ValueError(
                f"bounds must have {len(names)} pairs (one per parameter {list(names)}), got {len(pairs)}"
            )
    out = []
    for name, pair in zip(names, pairs):
        try:
            lo, hi = pair
        except (TypeError, ValueError):
            raise ValueError(f"bounds for {name} must be a pair (low, high), got {pair!r}") from None
        lo, hi = _bound_value(lo, "lower", name), _bound_value(hi, "upper", name)
        lo, hi = -np.inf if lo is None else lo, np.inf if hi is None else hi
        if lo == np.inf or hi == -np.inf:
            raise ValueError(f"bounds for {name} ({lo:g}, {hi:g}) leave no finite value; use None for none")
        if lo > hi:
            raise ValueError(f"bounds for {name} are reversed: low {lo:g} > high {hi:g}; give (low, high)")
        out.append((lo, hi))
    return out


def parameter_bounds(dist: Distribution, names: tuple[str, ...], bounds: Any) -> list[Bound]:
    """Each parameter's bounds: the model's domain (and sympy assumptions) intersected with ``bounds``.

    Returns ``(low, high)`` pairs with None for an infinite side. Raises ValueError for
    malformed, NaN or reversed bounds, or bounds that miss the model's domain.
    """
    user = _user_bounds(bounds, names)
    domain = dist.domain(names)
    out: list[Bound] = []
    for name, (ulo, uhi), (dlo, dhi) in zip(names, user, domain):
        lo, hi = max(ulo, dlo), min(uhi, dhi)
        if lo > hi:
            raise ValueError(
                f"bounds for {name} [{ulo:g}, {uhi:g}] do not meet the parameter's domain [{dlo:g}, {dhi:g}]"
            )
        out.append((None if lo == -np.inf else float(lo), None if hi == np.inf else float(hi)))
    return out


def _renamed(report: KKTReport, mapping: Mapping[str, str]) -> KKTReport:
    """The report with bound names ``lower:x1`` written with the parameter names (``lower:p``)."""

    def rename(key: str) -> str:
        side, _, var = key.partition(":")
        return f"{side}:{mapping[var]}" if var in mapping else key

    return replace(
        report,
        multipliers={rename(k): v for k, v in report.multipliers.items()},
        active=tuple(rename(a) for a in report.active),
    )


@dataclass(frozen=True)
class NumericFit:
    """What the numeric route found: the full parameter vector, status, certificate and message."""

    theta: np.ndarray
    status: str
    kkt: KKTReport
    message: str
    method: str


class LikelihoodProblem:
    """minimize −log L(θ)/n over the free parameters within their bounds, as a :class:`Problem`.

    Parameters
    ----------
    dist : Distribution
    data : prepared data of ``dist``
    theta : ndarray
        All parameters; the fixed ones keep these values.
    free : list of int
        Indices of the parameters the problem optimizes.
    names : tuple of str
    bounds : list of (low or None, high or None), one per parameter
    scale : float
        n, the number of observations (1 when unknown).
    """

    def __init__(
        self,
        dist: Distribution,
        data: Any,
        theta: np.ndarray,
        free: list[int],
        names: tuple[str, ...],
        bounds: Sequence[Bound],
        scale: float,
    ) -> None:
        self.dist, self.data, self.theta, self.free = dist, data, np.array(theta, dtype=float), list(free)
        self.names, self.scale = names, float(scale)
        self.bounds = [bounds[i] for i in self.free]
        self.evaluations = 0

    @cached_property
    def problem(self) -> FunctionProblem:
        """The problem over the free parameters (variables x1, x2, … in ``free`` order)."""
        grad = None if getattr(self.dist, "score", None) is None else self._gradient
        eq = [self._simplex] if self.dist.simplex else []
        return from_functions(
            self.objective, len(self.free), bounds=self.bounds, grad=grad, eq=eq, names=["simplex"] * len(eq)
        )

    @cached_property
    def _names(self) -> dict[str, str]:
        return {v.name: self.names[i] for v, i in zip(self.problem.variables, self.free)}

    def full(self, z: np.ndarray) -> np.ndarray:
        """All parameters with the free ones set to ``z``."""
        out = self.theta.copy()
        out[self.free] = z
        return out

    def loglik(self, theta: np.ndarray) -> float:
        """log L(θ), NaN where the model is undefined (it raised a ValueError or ArithmeticError)."""
        try:
            with np.errstate(all="ignore"):
                return float(self.dist.loglik(theta, self.data))
        except (ValueError, ArithmeticError):
            return np.nan

    def objective(self, z: np.ndarray) -> float:
        """−log L/n; +inf where log L is undefined (NaN: outside the model's domain)."""
        self.evaluations += 1
        value = self.loglik(self.full(z))
        return np.inf if np.isnan(value) else -value / self.scale

    def score(self, z: np.ndarray) -> np.ndarray:
        """∂ log L/∂θ of the free parameters at ``z`` (exact given a model score, else finite differences)."""
        with np.errstate(all="ignore"):
            return -self.scale * np.asarray(
                self.problem.compile().grad(np.asarray(z, dtype=float)), dtype=float
            )

    def _gradient(self, z: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return -np.asarray(self.dist.score(self.full(z), self.data), dtype=float)[self.free] / self.scale

    def _simplex(self, z: np.ndarray) -> float:
        return float(self.full(z).sum() - 1.0)

    def certificate(self, z: np.ndarray, tol: float = 1e-8) -> KKTReport:
        """The KKT report of the problem at ``z`` (bounds named after the parameters)."""
        if not self.free:
            return KKTReport(0.0, 0.0, 0.0, 0.0, message="every parameter is fixed: nothing to optimize")
        try:
            report = check_kkt(self.problem, np.asarray(z, dtype=float), tol=tol)
        except ValueError as exc:  # log L or its gradient is not finite here
            return KKTReport(np.inf, np.inf, 0.0, 0.0, tol=tol, message=f"no KKT check at this point: {exc}")
        return _renamed(report, self._names)

    def check_start(self, z0: np.ndarray, given: bool = True) -> None:
        """ValueError when ``z0`` (``given`` by the user, or the default start) is outside the
        bounds or log L is not finite there."""
        for i, (value, (lo, hi)) in zip(self.free, zip(z0, self.bounds)):
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                raise ValueError(
                    f"x0 for {self.names[i]} is {value:g}, outside its bounds "
                    f"[{-np.inf if lo is None else lo:g}, {np.inf if hi is None else hi:g}]; start inside"
                )
        if not np.isfinite(self.loglik(self.full(z0))):
            if not given:
                raise ValueError(
                    "no x0 was given, and the log-likelihood is not finite at the default starts (every "
                    "parameter 0, 1 or 1/2, moved into its bounds); give x0 inside the parameter space"
                )
            raise ValueError(
                "the log-likelihood is not finite at x0 (undefined there, or NaN in the data); "
                "start inside the parameter space"
            )

    def fit(self, z0: np.ndarray, method: str, options: Mapping[str, Any] | None) -> NumericFit:
        """Solve from ``z0`` by ``lk.solve`` (methods of :data:`lagrangekit.solvers.METHODS`) or
        by a scipy.optimize method whose answer gets the same KKT certificate. Without a start
        (``z0`` NaN: no x0 given) ``lk.solve``'s default start is taken: the first of all zeros,
        ones and halves, moved into the bounds, where log L and its gradient are finite."""
        given = bool(np.isfinite(z0).all())
        if not given:
            z0 = NumericForm(self.problem).start(None)
        self.check_start(z0, given)
        if method.lower() in METHODS:
            return self._fit_core(z0, method.lower(), options)
        return self._fit_scipy(z0, method, options)

    def _fit_core(self, z0: np.ndarray, method: str, options: Mapping[str, Any] | None) -> NumericFit:
        if method == "cvxpy":
            raise ValueError("method='cvxpy' needs a sympy problem; a likelihood is solved with 'auto'")
        options = dict(options or {})
        unknown = sorted(set(options) - set(_SOLVE_OPTIONS))
        if unknown:
            raise ValueError(
                f"options {unknown} do not apply to method {method!r}; it takes {list(_SOLVE_OPTIONS)}"
            )
        calls = self.evaluations
        try:
            result = solve(self.problem, method=method, x0=z0, **options)
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
            if self.evaluations == calls:  # raised before touching log L: a bad argument
                raise
            message = f"lk.solve stopped with {type(exc).__name__}: {exc}"
            return NumericFit(self.full(z0), "failed", self.certificate(z0), message, method)
        report = _renamed(result.kkt, self._names) if result.kkt is not None else self.certificate(result.x)
        return NumericFit(self.full(result.x), result.status, report, result.message, result.method)

    def _fit_scipy(self, z0: np.ndarray, method: str, options: Mapping[str, Any] | None) -> NumericFit:
        bounded = any(lo is not None or hi is not None for lo, hi in self.bounds)
        if bounded and method.upper() not in _SCIPY_BOUNDED:
            raise ValueError(
                f"method {method!r} cannot keep the parameters within their bounds {self.bounds}; "
                "use method=None (lagrangekit's solver) or a bounded scipy method such as 'L-BFGS-B'"
            )
        jac = None if method.upper() in _GRADIENT_FREE else self.problem.compile().grad
        scipy_bounds = [(lo, hi) for lo, hi in self.bounds] if bounded else None
        settings = dict(_TIGHT.get(method.upper(), {}) if options is None else options)
        with np.errstate(all="ignore"):
            res = optimize.minimize(
                self.objective, z0, jac=jac, method=method, bounds=scipy_bounds, options=settings
            )
        report = self.certificate(res.x)
        if report.ok:
            status = "optimal"
        elif not res.success and "iteration" in str(res.message).lower():
            status = "max_iter"
        else:
            status = "failed"
        failed = ", ".join(report.failed_conditions()) or "second order"
        verdict = "KKT conditions hold" if report.ok else f"KKT conditions fail: {failed}"
        return NumericFit(self.full(res.x), status, report, f"{method}: {res.message}; {verdict}", method)
