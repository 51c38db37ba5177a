"""User log-likelihoods for :func:`fit_mle`: a Python function of (params, data) or a sympy expression."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp

from .._lambdify import lambdify_vector
from .distributions import Distribution
from .information import numeric_hessian

__all__ = ["CallableModel", "SympyModel"]


def _scalar_function(args: Sequence[sp.Symbol], expr: sp.Expr) -> Callable[..., Any]:
    """``f(*values)`` for one expression, with parameters and data printed by position, so a
    parameter named ``e`` or ``pi`` is not read as numpy's constant (scipy.special available)."""
    fn = lambdify_vector(args, [expr], scipy=True)
    return lambda *values: fn(list(values))[0]


def _nobs(data: Any) -> int | None:
    """Number of observations: the length of ``data`` or of the arrays in a mapping (None if unknown)."""
    if data is None:
        return None
    if isinstance(data, Mapping):
        lengths = {np.shape(v)[0] for v in data.values() if np.ndim(v) >= 1}
        if len(lengths) == 1:
            return lengths.pop()
        if not lengths:
            return None
        raise ValueError(f"data arrays have different lengths {sorted(lengths)}; pass nobs= to fit_mle")
    if np.ndim(data) >= 1:
        return int(np.shape(data)[0])
    return None


class CallableModel(Distribution):
    """``loglik(params, data) -> float``; the information comes from :func:`numeric_hessian`,
    whose noise (about 1e-8 relative) sets the positive-definiteness threshold."""

    name = "callable"
    information_rtol = 1e-7

    def __init__(self, fun: Callable[[np.ndarray, Any], float], param_names: Sequence[str]) -> None:
        self.fun = fun
        self.param_names = tuple(param_names)

    def prepare(self, data):
        return data, _nobs(data)

    def loglik(self, theta, data):
        value = self.fun(np.array(theta, dtype=float), data)
        try:
            number = complex(np.asarray(value).item()) if np.size(value) == 1 else None
        except (TypeError, ValueError):
            number = None
        if number is None or isinstance(value, (str, bytes)):
            raise TypeError(
                f"the log-likelihood function must return one real number, got {type(value).__name__} "
                f"{value!r:.80}"
            )
        if number.imag != 0:
            raise TypeError(f"the log-likelihood function must return a real number, got {value!r:.80}")
        return number.real if np.isfinite(number.real) else -np.inf

    def information(self, theta, data):
        return self.free_information(theta, data, list(range(np.size(theta))))

    def free_information(self, theta, data, free):
        """−∇² log L over the ``free`` coordinates only (so a parameter on a bound, where the
        stencil would leave the domain, does not spoil the others)."""
        theta = np.array(theta, dtype=float)

        def loglik(z: np.ndarray) -> float:
            full = theta.copy()
            full[free] = z
            return self.loglik(full, data)

        return -numeric_hessian(loglik, theta[free])


def _assumed_bounds(symbol: sp.Symbol) -> tuple[float, float]:
    """The bound a sympy assumption states: positive or nonnegative θ >= 0, negative or nonpositive θ <= 0."""
    lo = 0.0 if symbol.is_nonnegative else -np.inf
    hi = 0.0 if symbol.is_nonpositive else np.inf
    return lo, hi


class SympyModel(Distribution):
    """A sympy log-likelihood; exact gradient and Hessian are derived once and lambdified.

    Symbols named like a key of ``data`` are data: the expression is then the log-density of
    one observation and is summed over the observations. The other free symbols are the
    parameters (ordered by ``param_names``, or by name). A parameter's sympy assumption is a
    bound: ``positive=True`` or ``nonnegative=True`` gives θ >= 0, ``negative=True`` or
    ``nonpositive=True`` gives θ <= 0 (a strict bound is attained only when log L is finite there).
    """

    name = "sympy"

    def __init__(self, expr: sp.Expr, data: Mapping[str, Any] | None, param_names: Sequence[str] | None):
        data = {} if data is None else data
        if not isinstance(data, Mapping):
            raise ValueError("with a sympy model, data must be a mapping {symbol name: values}")
        symbols = {s.name: s for s in expr.free_symbols}
        data_syms = [symbols[name] for name in data if name in symbols]
        param_syms = sorted((s for s in expr.free_symbols if s.name not in data), key=lambda s: s.name)
        if param_names is not None:
            by_name = {s.name: s for s in param_syms}
            missing = [name for name in param_names if name not in by_name]
            if missing or len(param_names) != len(param_syms):
                raise ValueError(
                    f"param_names {list(param_names)} must list the expression's parameters "
                    f"{sorted(by_name)} exactly"
                )
            param_syms = [by_name[name] for name in param_names]
        if not param_syms:
            raise ValueError("the sympy log-likelihood has no free parameters")
        self.param_names = tuple(s.name for s in param_syms)
        self.bounds = tuple(_assumed_bounds(s) for s in param_syms)
        self._data_names = [s.name for s in data_syms]
        args = [*param_syms, *data_syms]
        grad = [sp.diff(expr, p) for p in param_syms]
        hess = [[sp.diff(g, q) for q in param_syms] for g in grad]
        self._f = _scalar_function(args, expr)
        self._grad = [_scalar_function(args, g) for g in grad]
        self._hess = [[_scalar_function(args, h) for h in row] for row in hess]

    def prepare(self, data):
        data = {} if data is None else data
        arrays = [np.asarray(data[name], dtype=float) for name in self._data_names]
        for name, arr in zip(self._data_names, arrays):
            if not np.all(np.isfinite(arr)):
                raise ValueError(f"data[{name!r}] contains NaN or inf")
        shape = np.broadcast_shapes(*(a.shape for a in arrays)) if arrays else ()
        return (arrays, shape), _nobs(data)

    def _total(self, fun: Callable[..., Any], theta: np.ndarray, data: Any) -> float:
        arrays, shape = data
        with np.errstate(all="ignore"):
            value = np.broadcast_to(fun(*theta, *arrays), shape).sum()
        return float(value)

    def loglik(self, theta, data):
        value = self._total(self._f, theta, data)
        return value if np.isfinite(value) else -np.inf

    def score(self, theta: np.ndarray, data: Any) -> np.ndarray:
        """Exact gradient of the log-likelihood."""
        return np.array([self._total(g, theta, data) for g in self._grad])

    def information(self, theta, data):
        return -np.array([[self._total(h, theta, data) for h in row] for row in self._hess])
