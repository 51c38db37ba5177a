"""Maximum likelihood fits, :func:`fit_mle`, and their inference, :class:`MLEResult`."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import sympy as sp
from scipy import optimize, stats

from ..errors import ConvergenceWarning
from .custom_models import CallableModel, SympyModel
from .distributions import DISTRIBUTIONS, Distribution
from .information import SingularInformationWarning, invert_information

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
        fixed parameters are 0. All NaN when the information is not positive definite, in
        which case ``information_ok`` is False, ``message`` says why and a
        :class:`SingularInformationWarning` was issued by :func:`fit_mle`.
    information : ndarray
        Observed information of the free parameters.
    llf : float
        Maximized log-likelihood (with all normalizing constants, as scipy.stats).
    nobs : int or None
        Number of observations (None when a user model's data do not say; then
        :attr:`bic` raises).
    k_params : int
        Number of freely estimated parameters (the AIC/BIC penalty count).
    converged : bool
        True for closed forms; the optimizer's verdict otherwise.
    method : str
        ``"closed_form"`` or the scipy.optimize method used.
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
            + ("" if self.converged else "   NOT CONVERGED"),
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


def _resolve_model(
    model: Any, data: Any, param_names: Sequence[str] | None, bounds: Any, x0: Any
) -> Distribution:
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
        if param_names is None:
            if isinstance(x0, Mapping):
                param_names = list(x0)
            else:
                param_names = [f"theta{i}" for i in range(np.size(x0))]
        return CallableModel(model, param_names, bounds)
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
    arr = np.asarray(value, dtype=float).reshape(-1)
    if arr.size != len(names):
        raise ValueError(
            f"{name} must have {len(names)} entries (one per parameter {list(names)}), got {arr.size}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


# default stopping rules tighter than scipy's, so that numeric and closed-form MLEs agree to ~1e-8
_TIGHT: dict[str, dict[str, float]] = {
    "L-BFGS-B": {"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000},
    "BFGS": {"gtol": 1e-8},
    "NELDER-MEAD": {"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000},
}


_BOUNDED = {"L-BFGS-B", "TNC", "SLSQP", "POWELL", "NELDER-MEAD", "TRUST-CONSTR", "COBYLA", "COBYQA"}


def _maximize(
    dist: Distribution,
    data: Any,
    theta0: np.ndarray,
    free: list[int],
    method: str,
    options: Mapping[str, Any] | None,
) -> tuple[np.ndarray, bool, str]:
    theta = theta0.copy()

    def full(free_values: np.ndarray) -> np.ndarray:
        out = theta.copy()
        out[free] = free_values
        return out

    def nll(free_values: np.ndarray) -> float:
        value = -dist.loglik(full(free_values), data)
        return value if np.isfinite(value) else np.inf

    jac: Callable[[np.ndarray], np.ndarray] | None = None
    score = getattr(dist, "score", None)
    if score is not None:

        def jac(free_values: np.ndarray) -> np.ndarray:
            return -score(full(free_values), data)[free]

    bounds = [dist.bounds[i] for i in free] if dist.bounds and method.upper() in _BOUNDED else None
    if not np.isfinite(nll(theta0[free])):
        raise ValueError("the log-likelihood is not finite at x0; start inside the parameter space")
    if options is None:
        options = _TIGHT.get(method.upper(), {})
    res = optimize.minimize(nll, theta0[free], jac=jac, method=method, bounds=bounds, options=options)
    return full(res.x), bool(res.success), str(res.message)


def fit_mle(
    model: str | Callable[[np.ndarray, Any], float] | sp.Expr,
    data: Any = None,
    *,
    x0: Any = None,
    method: str | None = None,
    fixed: Mapping[str, float] | None = None,
    param_names: Sequence[str] | None = None,
    bounds: Sequence[tuple[float, float]] | None = None,
    nobs: int | None = None,
    options: Mapping[str, Any] | None = None,
) -> MLEResult:
    """Maximize a likelihood and report the estimate with standard errors.

    Parameters
    ----------
    model : str, callable or sympy expression
        - A name: ``"bernoulli"``, ``"binomial"``, ``"poisson"``, ``"exponential"``,
          ``"gaussian"`` or ``"categorical"`` (see :mod:`lagrangekit.likelihood.distributions`
          for their parameters and data). These have closed-form MLEs and analytic
          observed information.
        - A function ``loglik(params, data) -> float`` of a parameter vector. ``x0`` is
          required; the information is a Richardson-extrapolated numeric Hessian.
        - A sympy expression: the total log-likelihood in its free symbols, or, when some
          symbols are keys of ``data``, the log-density of one observation (summed over the
          data). Gradient and Hessian are exact.
    data : array-like, tuple or mapping
        The observations, in the form the model expects.
    x0 : array-like or mapping {name: value}, optional
        Starting point for numeric maximization (all parameters, fixed ones included).
    method : str, optional
        ``None`` uses the closed form where there is one and otherwise L-BFGS-B (when
        ``bounds`` are known) or BFGS. Any ``scipy.optimize.minimize`` method is accepted,
        also for the named models (to check the closed form numerically).
    fixed : mapping {name: value}, optional
        Parameters held fixed: the restricted model of a likelihood-ratio test.
    param_names : sequence of str, optional
        Names of a user model's parameters (default ``theta0, theta1, …`` or the sympy
        symbol names, sorted).
    bounds : sequence of (low, high), optional
        Bounds of a user function's parameters, for L-BFGS-B.
    nobs : int, optional
        Number of observations for BIC when it cannot be read off ``data``.
    options : mapping, optional
        Passed to ``scipy.optimize.minimize``.

    Returns
    -------
    MLEResult

    Warns
    -----
    SingularInformationWarning
        The observed information at the estimate is not positive definite (or not
        finite), so ``cov_params`` and ``bse`` are NaN; ``message`` explains.
    ConvergenceWarning
        The numeric optimizer did not report success.
    """
    dist = _resolve_model(model, data, param_names, bounds, x0)
    prepared, n_obs = dist.prepare(data)
    names = dist.names(prepared)
    fixed = dict(fixed or {})
    unknown = set(fixed) - set(names)
    if unknown:
        raise ValueError(f"fixed has unknown parameters {sorted(unknown)}; parameters are {list(names)}")
    fixed_idx = {names.index(k): float(v) for k, v in fixed.items()}
    free = [i for i in range(len(names)) if i not in fixed_idx]
    closed = method is None and isinstance(model, str)
    if closed:
        theta = dist.closed_form(prepared, fixed_idx)
        converged, opt_message, method_used = True, "", "closed_form"
    else:
        if isinstance(model, str) and not dist.bounds:
            raise ValueError(f"the {model} model is fitted in closed form only; use method=None")
        start = x0 if x0 is not None else (dist.start if isinstance(model, str) else None)
        if start is None:
            raise ValueError("x0 is required to maximize this log-likelihood numerically")
        theta0 = _vector("x0", start, names)
        for i, v in fixed_idx.items():
            theta0[i] = v
        method_used = method or ("L-BFGS-B" if dist.bounds else "BFGS")
        if free:
            theta, converged, opt_message = _maximize(dist, prepared, theta0, free, method_used, options)
        else:
            theta, converged, opt_message = theta0, True, ""
        if not converged:
            message = f"fit_mle: {method_used} did not converge: {opt_message}"
            warnings.warn(message, ConvergenceWarning, stacklevel=2)
    llf = dist.loglik(theta, prepared)
    with np.errstate(all="ignore"):  # a boundary estimate gives inf/nan, reported below
        information = dist.free_information(theta, prepared, free) if free else np.zeros((0, 0))
    cov_free, ok, message = invert_information(information)
    if not ok:
        warnings.warn(f"fit_mle: {message}", SingularInformationWarning, stacklevel=2)
    return MLEResult(
        model=dist.name,
        param_names=names,
        params=theta,
        cov_params=dist.embed_covariance(cov_free, theta, free),
        information=information,
        llf=float(llf) + 0.0,  # no "-0.0" in summaries
        nobs=int(nobs) if nobs is not None else n_obs,
        k_params=dist.k_params(free),
        converged=converged,
        method=method_used,
        fixed={names[i]: v for i, v in fixed_idx.items()},
        information_ok=ok,
        message=message if not ok else ("" if converged else f"optimizer: {opt_message}"),
    )
