"""Maximum likelihood fits, :func:`fit_mle`, and their inference, :class:`MLEResult`."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import sympy as sp
from scipy import stats

from ..errors import ConvergenceWarning
from ..result import KKTReport
from .custom_models import CallableModel, SympyModel
from .distributions import DISTRIBUTIONS, Distribution
from .information import SingularInformationWarning, invert_information
from .likelihood_problem import LikelihoodProblem, NumericFit, parameter_bounds

__all__ = ["LRTestResult", "MLEResult", "fit_mle"]


class LRTestResult(NamedTuple):
    """Likelihood-ratio test: statistic 2(llf − llf_restricted) ~ χ²(df) under the restriction."""

    statistic: float
    df: int
    pvalue: float


def _readonly(x: Any, ndim: int) -> np.ndarray:
    arr = np.array(x, dtype=float, copy=True)
    arr = arr.reshape((-1,) if ndim == 1 else (arr.shape[0], -1) if arr.size else (0, 0))
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class MLEResult:
    """A maximum likelihood estimate with inference from the observed information.

    Attributes
    ----------
    model : str
        The model's name (``"bernoulli"``, …, ``"callable"``, ``"sympy"``).
    param_names : tuple of str
    params : ndarray
        The estimate θ̂ (fixed parameters included at their fixed values).
    cov_params : ndarray
        I(θ̂)⁻¹, the inverse observed information (−∇² log L at θ̂); rows and columns of
        fixed parameters are 0. Rows and columns of a parameter on one of its bounds are NaN:
        the Wald standard error is not valid there (the estimator is not asymptotically
        normal at a boundary; use :meth:`lr_test`). All NaN when the information is not
        positive definite. In both cases ``information_ok`` is False, ``message`` says why and a
        :class:`SingularInformationWarning` was issued by :func:`fit_mle`.
    information : ndarray
        Observed information of the free parameters that are not on a bound.
    llf : float
        Maximized log-likelihood (with all normalizing constants, as scipy.stats).
    nobs : int or None
        Number of observations (None when a user model's data do not say; then
        :attr:`bic` raises).
    k_params : int
        Number of freely estimated parameters (the AIC/BIC penalty count).
    converged : bool
        True when ``status`` is ``"optimal"``.
    method : str
        ``"closed_form"``, what :func:`lagrangekit.solve` ran, or the scipy.optimize method.
    status : str
        ``"optimal"`` (the KKT conditions of −log L/n within the bounds hold at θ̂),
        ``"unbounded"`` (log L grows without bound on the feasible set: no MLE exists,
        ``params`` and ``llf`` say where it was seen), or a failure status of
        :class:`lagrangekit.Result` (``"failed"``, ``"max_iter"``, ``"no_kkt_point"``).
    kkt : KKTReport
        The certificate at θ̂ of: minimize −log L(θ)/n over the free parameters within
        their bounds (n = ``nobs``, or 1 when unknown); bound multipliers are named
        ``"lower:<param>"`` and ``"upper:<param>"``.
    fixed : Mapping[str, float]
        Parameters held at given values (a restricted model for :meth:`lr_test`).
    information_ok : bool
    message : str
    """

    model: str
    param_names: tuple[str, ...]
    params: np.ndarray
    cov_params: np.ndarray
    information: np.ndarray
    llf: float
    nobs: int | None
    k_params: int
    converged: bool
    method: str
    status: str
    kkt: KKTReport
    fixed: Mapping[str, float] = field(default_factory=dict)
    information_ok: bool = True
    message: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", _readonly(self.params, 1))
        object.__setattr__(self, "cov_params", _readonly(self.cov_params, 2))
        object.__setattr__(self, "information", _readonly(self.information, 2))
        object.__setattr__(self, "fixed", MappingProxyType(dict(self.fixed)))
        object.__setattr__(self, "param_names", tuple(self.param_names))

    @property
    def bse(self) -> np.ndarray:
        """Standard errors √diag(I(θ̂)⁻¹) (0 for fixed parameters)."""
        return np.sqrt(np.diag(self.cov_params))

    @property
    def zvalues(self) -> np.ndarray:
        """Wald statistics θ̂ / se (NaN for fixed parameters, whose se is 0)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.bse > 0, self.params / self.bse, np.nan)

    @property
    def pvalues(self) -> np.ndarray:
        """Two-sided Wald p-values 2Φ(−|z|) for H₀: θ = 0."""
        return 2 * stats.norm.sf(np.abs(self.zvalues))

    @property
    def aic(self) -> float:
        """Akaike information criterion 2k − 2 log L."""
        return 2 * self.k_params - 2 * self.llf

    @property
    def bic(self) -> float:
        """Bayesian information criterion k log n − 2 log L."""
        if self.nobs is None:
            raise ValueError("nobs is unknown for this fit; pass nobs= to fit_mle to get BIC")
        return self.k_params * np.log(self.nobs) - 2 * self.llf

    def conf_int(self, alpha: float = 0.05) -> np.ndarray:
        """Wald intervals θ̂ ± z₁₋α/₂·se, shape (k, 2)."""
        if not 0 < alpha < 1:
            raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
        q = stats.norm.ppf(1 - alpha / 2)
        return np.column_stack([self.params - q * self.bse, self.params + q * self.bse])

    def lr_test(self, restricted: MLEResult) -> LRTestResult:
        """Likelihood-ratio test of ``restricted`` (fewer free parameters, same data) against this fit."""
        if not isinstance(restricted, MLEResult):
            raise TypeError("restricted must be an MLEResult, e.g. fit_mle(..., fixed={...})")
        df = self.k_params - restricted.k_params
        if df <= 0:
            raise ValueError(
                f"restricted has {restricted.k_params} free parameters and this fit {self.k_params}; "
                "call lr_test on the larger model"
            )
        if restricted.nobs != self.nobs:
            raise ValueError(f"the fits use different data (nobs {self.nobs} vs {restricted.nobs})")
        statistic = 2 * (self.llf - restricted.llf)
        return LRTestResult(float(statistic), int(df), float(stats.chi2.sf(max(statistic, 0.0), df)))

    def summary(self, alpha: float = 0.05) -> str:
        """A table of estimates, standard errors, z, p-values and confidence intervals."""
        lo, hi = self.conf_int(alpha).T
        pct = f"{100 * (1 - alpha):g}%"
        width = max(8, *(len(n) for n in self.param_names)) if self.param_names else 8
        lines = [
            f"MLE: {self.model}   nobs = {self.nobs}   k_params = {self.k_params}   method = {self.method}",
            f"log-likelihood = {self.llf:.6f}   AIC = {self.aic:.4f}   "
            + (f"BIC = {self.bic:.4f}" if self.nobs is not None else "BIC = n/a (nobs unknown)")
            + ("" if self.converged else f"   NOT CONVERGED (status {self.status})"),
            f"{'':{width}}  {'coef':>12} {'std err':>12} {'z':>9} {'P>|z|':>8}  {pct + ' conf. int.':>27}",
        ]
        for i, name in enumerate(self.param_names):
            if name in self.fixed:
                lines.append(f"{name:{width}}  {self.params[i]:12.6g}   (fixed)")
                continue
            lines.append(
                f"{name:{width}}  {self.params[i]:12.6g} {self.bse[i]:12.6g} {self.zvalues[i]:9.3f} "
                f"{self.pvalues[i]:8.4f}  [{lo[i]:12.6g}, {hi[i]:12.6g}]"
            )
        if self.message:
            lines.append(f"note: {self.message}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _resolve_model(model: Any, data: Any, param_names: Sequence[str] | None, x0: Any) -> Distribution:
    if isinstance(model, str):
        if model not in DISTRIBUTIONS:
            raise ValueError(
                f"unknown model {model!r}; choose one of {sorted(DISTRIBUTIONS)}, "
                "a function or a sympy expression"
            )
        if param_names is not None:
            raise ValueError("param_names applies only to user log-likelihoods")
        return DISTRIBUTIONS[model]
    if isinstance(model, sp.Expr):
        return SympyModel(model, data, param_names)
    if callable(model):
        if x0 is None:
            raise ValueError("x0 is required for a user log-likelihood function (a starting point)")
        if isinstance(x0, (str, bytes)) or np.size(x0) == 0:
            raise ValueError(f"x0 must hold one number per parameter (at least one), got {x0!r}")
        if param_names is None:
            if isinstance(x0, Mapping):
                param_names = list(x0)
            else:
                param_names = [f"theta{i}" for i in range(np.size(x0))]
        return CallableModel(model, param_names)
    raise ValueError(
        "model must be a model name, a function (params, data) -> loglik or a sympy expression, "
        f"got {model!r}"
    )


def _vector(name: str, value: Any, names: tuple[str, ...]) -> np.ndarray:
    if isinstance(value, Mapping):
        unknown = set(value) - set(names)
        if unknown:
            raise ValueError(f"{name} has unknown parameters {sorted(unknown)}; parameters are {list(names)}")
        missing = [n for n in names if n not in value]
        if missing:
            raise ValueError(f"{name} is missing parameters {missing}")
        value = [value[n] for n in names]
    try:
        arr = np.asarray(value, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers, one per parameter {list(names)}, got {value!r}") from None
    if arr.size != len(names):
        raise ValueError(
            f"{name} must have {len(names)} entries (one per parameter {list(names)}), got {arr.size}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


def fit_mle(
    model: str | Callable[[np.ndarray, Any], float] | sp.Expr,
    data: Any = None,
    *,
    x0: Any = None,
    method: str | None = None,
    fixed: Mapping[str, float] | None = None,
    param_names: Sequence[str] | None = None,
    bounds: Sequence[tuple[float | None, float | None]] | Mapping[str, tuple] | None = None,
    nobs: int | None = None,
    options: Mapping[str, Any] | None = None,
) -> MLEResult:
    """Maximize a likelihood within the parameters' bounds and report the estimate, its
    KKT certificate and standard errors.

    The numeric route solves: minimize −log L(θ)/n over the free parameters subject to
    their bounds, with :func:`lagrangekit.solve` (n = ``nobs``, or 1 when unknown). The
    bounds are the model's domain (p in [0, 1], rates and σ >= 0), the sympy assumptions
    of a sympy model's parameters (``positive=True`` means θ >= 0) and ``bounds``,
    intersected. The solver never leaves the set where log L is finite once inside it.

    Parameters
    ----------
    model : str, callable or sympy expression
        - A name: ``"bernoulli"``, ``"binomial"``, ``"poisson"``, ``"exponential"``,
          ``"gaussian"`` or ``"categorical"`` (see :mod:`lagrangekit.likelihood.distributions`
          for their parameters and data). These have closed-form MLEs and analytic
          observed information.
        - A function ``loglik(params, data) -> float`` of a parameter vector. ``x0`` is
          required; the information is a Richardson-extrapolated numeric Hessian
          (:mod:`lagrangekit.finite_differences`).
        - A sympy expression: the total log-likelihood in its free symbols, or, when some
          symbols are keys of ``data``, the log-density of one observation (summed over the
          data). Gradient and Hessian are exact.
    data : array-like, tuple or mapping
        The observations, in the form the model expects.
    x0 : array-like or mapping {name: value}, optional
        Starting point for numeric maximization (all parameters, fixed ones included). It
        must lie within the bounds, where log L is finite. Required for a user function;
        a named model starts from its default, and a sympy log-likelihood from
        :func:`lagrangekit.solve`'s default start (the first of zeros, ones, halves, the
        simplex centre 1/(n + 1) and four seeded draws, moved into the bounds, where log L
        is finite).
    method : str, optional
        ``None`` uses the closed form of a named model when it lies within ``bounds``, and
        otherwise :func:`lagrangekit.solve` with ``"auto"``. ``"auto"``, ``"auglag"``,
        ``"slsqp"`` and ``"trust-constr"`` choose :func:`lagrangekit.solve`'s method. Any
        other ``scipy.optimize.minimize`` method is run as given (a bounded one when a
        parameter is bounded) and its answer gets the same KKT certificate.
    fixed : mapping {name: value}, optional
        Parameters held fixed: the restricted model of a likelihood-ratio test.
    param_names : sequence of str, optional
        Names of a user model's parameters (default ``theta0, theta1, …`` or the sympy
        symbol names, sorted).
    bounds : sequence of (low, high) or mapping {name: (low, high)}, optional
        Bounds of the parameters, None for an absent side, for every kind of model.
    nobs : int, optional
        Number of observations for BIC (and the scale n) when it cannot be read off ``data``.
    options : mapping, optional
        For :func:`lagrangekit.solve`'s methods: ``tol``, ``max_iter``, ``n_starts``,
        ``seed``. For a scipy method: its ``options``.

    Returns
    -------
    MLEResult
        With ``status`` and the ``kkt`` certificate. When log L is unbounded above on the
        feasible set, ``status`` is ``"unbounded"``, ``llf`` is inf and ``params`` NaN.

    Raises
    ------
    ValueError
        Unknown model, bad data (NaN, wrong support), malformed or reversed bounds, an
        ``x0`` outside the bounds or where log L is not finite, unknown options.
    TypeError
        A log-likelihood function that does not return one real number.

    Warns
    -----
    SingularInformationWarning
        Standard errors do not exist: the observed information is not positive definite
        (or not finite), or a parameter lies on a bound (its Wald standard error is not
        valid there); ``message`` explains.
    ConvergenceWarning
        The status is not ``"optimal"``.
    """
    if method is not None and not isinstance(method, str):
        raise ValueError(f"method must be None or a method name, got {method!r}")
    nobs = _check_nobs(nobs)
    dist = _resolve_model(model, data, param_names, x0)
    prepared, n_obs = dist.prepare(data)
    names = dist.names(prepared)
    n_used = nobs if nobs is not None else n_obs
    fixed = dict(fixed or {})
    unknown = set(fixed) - set(names)
    if unknown:
        raise ValueError(f"fixed has unknown parameters {sorted(unknown)}; parameters are {list(names)}")
    values = _vector("fixed", list(fixed.values()), tuple(fixed))
    fixed_idx = {names.index(k): float(v) for k, v in zip(fixed, values)}
    free = [i for i in range(len(names)) if i not in fixed_idx]
    box = parameter_bounds(dist, names, bounds)
    theta0 = _start(dist, model, x0, names, box, fixed_idx)
    problem = LikelihoodProblem(dist, prepared, theta0, free, names, box, scale=max(n_used or 1, 1))
    closed = None
    if method is None and isinstance(model, str):
        with np.errstate(divide="ignore"):  # 1/mean(0) = inf: no maximum, reported by _closed_fit
            closed = dist.closed_form(prepared, fixed_idx)
    if closed is not None and _within(closed, box):
        fit = _closed_fit(problem, closed)
    elif isinstance(model, str) and dist.simplex:
        raise ValueError(f"the {model} model is fitted in closed form only; use method=None without bounds")
    elif not free:
        problem.check_start(theta0[free])
        fit = NumericFit(theta0, "optimal", problem.certificate(theta0[free]), "", "none")
    else:
        fit = problem.fit(theta0[free], method or "auto", options)
    return _result(dist, problem, fit, fixed_idx, n_used)


def _check_nobs(nobs: Any) -> int | None:
    if nobs is None:
        return None
    if isinstance(nobs, bool) or not isinstance(nobs, (int, np.integer)) or nobs < 1:
        raise ValueError(f"nobs must be a positive integer, got {nobs!r}")
    return int(nobs)


def _within(theta: np.ndarray, box: Sequence[tuple[float | None, float | None]]) -> bool:
    return all(
        (lo is None or t >= lo) and (hi is None or t <= hi) for t, (lo, hi) in zip(np.asarray(theta), box)
    )


def _start(
    dist: Distribution,
    model: Any,
    x0: Any,
    names: tuple[str, ...],
    box: Sequence[tuple[float | None, float | None]],
    fixed_idx: Mapping[int, float],
) -> np.ndarray:
    """x0 with the fixed values set; a named model's default start is moved into the bounds."""
    if x0 is not None:
        theta = _vector("x0", x0, names)
    elif isinstance(model, str) and dist.start:
        lo = [-np.inf if b[0] is None else b[0] for b in box]
        hi = [np.inf if b[1] is None else b[1] for b in box]
        theta = np.clip(np.array(dist.start, dtype=float), lo, hi)
    else:
        theta = np.full(len(names), np.nan)
    for i, v in fixed_idx.items():
        theta[i] = v
    return theta


def _closed_fit(problem: LikelihoodProblem, theta: np.ndarray) -> NumericFit:
    """A closed-form estimate with its certificate, or ``unbounded`` when log L has no maximum
    (the closed form is infinite or log L is not finite there: σ → 0 for constant data)."""
    if not (np.all(np.isfinite(theta)) and np.isfinite(problem.loglik(theta))):
        where = ", ".join(f"{n} = {t:g}" for n, t in zip(problem.names, theta))
        report = KKTReport(np.inf, 0.0, 0.0, 0.0, message="log L is not finite at the closed form")
        message = f"the log-likelihood grows without bound as {where}: no maximum likelihood estimate exists"
        return NumericFit(theta, "unbounded", report, message, "closed_form")
    report = problem.certificate(theta[problem.free])
    status = "optimal" if report.ok else "failed"
    message = "" if report.ok else f"the closed form fails its KKT check: {report.message}"
    return NumericFit(theta, status, report, message, "closed_form")


def _at_bounds(report: KKTReport, names: tuple[str, ...], free: list[int]) -> list[int]:
    return [i for i in free if {f"lower:{names[i]}", f"upper:{names[i]}"} & set(report.active)]


# an estimate this many times farther out than x0 (and not held by a bound) is checked for divergence
_RUNAWAY = 1e6


def _ran_off(
    problem: LikelihoodProblem, theta: np.ndarray, interior: list[int], information: np.ndarray, ok: bool
) -> str | None:
    """Why the estimate is a diverging sequence rather than a maximum, or None.

    It ran off when its interior parameters are over 1e6 times farther out than at x0, log L
    is higher there than at x0, and the Newton step I⁻¹·score from it is undefined (the
    information is not positive definite) or at least 1% of ‖θ̂‖ (the quadratic model puts
    the maximum still far out): log L has no maximum at finite parameters.
    """
    if not interior:
        return None
    size = float(np.abs(theta[interior]).max())
    origin = float(np.abs(problem.theta[interior]).max())
    start = max(1.0, origin)
    here, there = problem.loglik(theta), problem.loglik(problem.theta)
    if not (size > _RUNAWAY * start and here > there):
        return None
    if ok:
        score = problem.score(theta[problem.free])[[problem.free.index(i) for i in interior]]
        step = float(np.abs(np.linalg.solve(information, score)).max())
        if step < 1e-2 * size:
            return None
    return (
        f"the estimate ran off to max|θ| = {size:.3g} (max|x0| = {origin:.3g}) while log L kept rising "
        f"({there:.6g} at x0, {here:.6g} there), and the Newton step from it is "
        + ("undefined" if not ok else f"{step:.3g}")
        + ": the log-likelihood has no maximum at finite parameters"
    )


def _solver_ray(problem: LikelihoodProblem, message: str) -> str:
    """lk.solve's account of a ray or a diverging sequence, read in the likelihood's terms."""
    names = ", ".join(problem.names[i] for i in problem.free)
    return (
        f"log L grows without bound on the parameter space: no maximum likelihood estimate exists. "
        f"lk.solve minimized −log L/{problem.scale:g} over x = ({names}): {message}"
    )


def _inference(
    dist: Distribution,
    problem: LikelihoodProblem,
    theta: np.ndarray,
    interior: list[int],
    boundary: list[int],
) -> tuple[np.ndarray, np.ndarray, bool, str]:
    """Observed information of the interior parameters, the covariance of all, whether it is
    valid and why not: parameters on a bound get NaN rows (no Wald inference there)."""
    with np.errstate(all="ignore"):  # a non-finite information is reported by invert_information
        if interior:
            information = dist.free_information(theta, problem.data, interior)
        else:
            information = np.zeros((0, 0))
    cov_free, ok, note = invert_information(information, rtol=dist.information_rtol)
    cov = dist.embed_covariance(cov_free, theta, interior)
    if boundary:
        cov[boundary, :] = np.nan
        cov[:, boundary] = np.nan
        where = ", ".join(f"{problem.names[i]} = {theta[i]:g}" for i in boundary)
        note = (
            f"{where} on a bound of the parameter space: the Wald standard error is not valid there "
            "(the estimator is not asymptotically normal at a boundary), so bse is NaN for it; use a "
            "likelihood-ratio test (lr_test) instead" + (f"; {note}" if note else "")
        )
        ok = False
    return information, cov, ok, note


def _result(
    dist: Distribution,
    problem: LikelihoodProblem,
    fit: NumericFit,
    fixed_idx: Mapping[int, float],
    n_used: int | None,
) -> MLEResult:
    names, free, theta = problem.names, problem.free, fit.theta
    status, message = fit.status, fit.message
    llf = problem.loglik(theta)
    if status != "unbounded" and not np.isfinite(llf):
        status, message = "failed", f"the log-likelihood is not finite at the answer; {message}"
    boundary = [] if dist.simplex or status == "unbounded" else _at_bounds(fit.kkt, names, free)
    interior = [i for i in free if i not in boundary]
    information, cov, ok, note = _inference(dist, problem, theta, interior, boundary)
    if status == "unbounded" and message.startswith("unbounded:"):  # lk.solve's ray, in its own variables
        message = _solver_ray(problem, message)
    ran_off = None if status == "unbounded" else _ran_off(problem, theta, interior, information, ok)
    if ran_off is not None:
        status, message = "unbounded", ran_off
    if status == "unbounded":  # no estimate exists; llf is the highest log L seen
        theta, llf, note, ok = np.full(theta.size, np.nan), llf if np.isfinite(llf) else np.inf, "", False
        information, cov = np.full(information.shape, np.nan), np.full(cov.shape, np.nan)
    if status != "optimal":
        warnings.warn(f"fit_mle: status {status}: {message}", ConvergenceWarning, stacklevel=3)
    elif not ok:
        warnings.warn(f"fit_mle: {note}", SingularInformationWarning, stacklevel=3)
    notes = [m for m in (message if status != "optimal" else "", note) if m]
    return MLEResult(
        model=dist.name,
        param_names=names,
        params=theta,
        cov_params=cov,
        information=information,
        llf=float(llf) + 0.0,  # no "-0.0" in summaries
        nobs=n_used,
        k_params=dist.k_params(free),
        converged=status == "optimal",
        method=fit.method,
        status=status,
        kkt=fit.kkt,
        fixed={names[i]: v for i, v in fixed_idx.items()},
        information_ok=ok and status == "optimal",
        message="; ".join(notes),
    )
