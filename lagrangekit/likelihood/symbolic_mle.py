"""Exact maximum likelihood with sympy: score equations, their solution and the observed information."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..errors import SymbolicSolveError
from ..parsing import parse_expression
from ..symbolic import _check_timeout, run_with_timeout

__all__ = ["SymbolicMLE", "mle_symbolic"]


@dataclass(frozen=True)
class SymbolicMLE:
    """The exact MLE analysis of a sympy log-likelihood.

    Attributes
    ----------
    loglik : sympy.Expr
    params : tuple of sympy.Symbol
    score : tuple of sympy.Expr
        ∂ log L/∂θⱼ, the score equations are ``score = 0``.
    solutions : tuple of dict
        Every solution of the score equations sympy finds, {symbol: value}.
    observed_information : sympy.Matrix
        −∇² log L as a function of the parameters.
    mle : dict or None
        The unique solution at which the observed information is positive definite
        (a strict local maximum), or None if there is not exactly one.
    information_at_mle : sympy.Matrix or None
    cov_params : sympy.Matrix or None
        The inverse of ``information_at_mle``.
    bse : tuple of sympy.Expr or None
        Exact standard errors √diag(cov_params).
    """

    loglik: sp.Expr
    params: tuple[sp.Symbol, ...]
    score: tuple[sp.Expr, ...]
    solutions: tuple[dict[sp.Symbol, sp.Expr], ...]
    observed_information: sp.Matrix
    mle: dict[sp.Symbol, sp.Expr] | None
    information_at_mle: sp.Matrix | None
    cov_params: sp.Matrix | None
    bse: tuple[sp.Expr, ...] | None

    def __str__(self) -> str:
        lines = ["SymbolicMLE", f"  log L = {self.loglik}"]
        lines += [f"  d log L/d{p} = {s}" for p, s in zip(self.params, self.score)]
        lines.append(f"  stationary points: {list(self.solutions)}")
        if self.mle is not None and self.bse is not None:
            lines += [f"  MLE {p} = {self.mle[p]}, se = {se}" for p, se in zip(self.params, self.bse)]
        else:
            lines.append("  no unique strict local maximum found")
        return "\n".join(lines)


def _as_symbols(loglik: sp.Expr, params: Any) -> tuple[sp.Symbol, ...]:
    if isinstance(params, (str, sp.Symbol)):
        params = [params]
    by_name = {s.name: s for s in loglik.free_symbols}
    out = []
    for p in params:
        name = p.name if isinstance(p, sp.Symbol) else str(p)
        if name not in by_name:
            raise ValueError(f"parameter {name!r} does not occur in loglik (free symbols: {sorted(by_name)})")
        out.append(by_name[name])
    if not out:
        raise ValueError("params must name at least one parameter")
    return tuple(out)


def _positive_definite(matrix: sp.Matrix) -> bool | None:
    """True/False when sympy can decide it, None otherwise."""
    try:
        return bool(matrix.is_positive_definite) if matrix.is_positive_definite is not None else None
    except TypeError:
        return None


def mle_symbolic(
    loglik: sp.Expr | str, params: Sequence[Any] | Any, *, timeout: float | None = 30
) -> SymbolicMLE:
    """Solve the score equations of ``loglik`` exactly and derive the observed information.

    Parameters
    ----------
    loglik : sympy.Expr or str
        The log-likelihood (data already substituted, e.g. ``log(binomial(5, 2)*w**2*(1 - w)**3)``).
        Text is read by lagrangekit's safe parser (``"2*log(w) + 3*log(1 - w)"``).
        Declaring the parameters' domain on the symbols (``positive=True``) helps sympy.
    params : symbol, name, or sequence of them
        The parameters to estimate; other free symbols are left symbolic.
    timeout : float or None, default 30
        Seconds sympy may take, as for :func:`lagrangekit.solve_symbolic` (the work runs in a
        child process that is stopped at the limit); None for no limit.

    Returns
    -------
    SymbolicMLE
        For TEXTBOOK L1 the score is 2/w − 3/(1 − w), the MLE w = 2/5 and se = √30/25.

    Raises
    ------
    SymbolicSolveError
        sympy cannot solve the score equations, or did not finish within ``timeout``.
    ValueError
        ``loglik`` is not an expression, a parameter does not occur in it, or ``timeout``
        is not a positive number.
    """
    if isinstance(loglik, str):
        loglik = parse_expression(loglik)  # the safe parser: no eval of user text
    if not isinstance(loglik, sp.Expr):
        raise ValueError(f"loglik must be a sympy expression or text, got {type(loglik).__name__}")
    symbols = _as_symbols(loglik, params)
    limit = _check_timeout(timeout)
    return run_with_timeout(_analyse, (loglik, symbols), limit, "mle_symbolic")


def _analyse(loglik: sp.Expr, symbols: tuple[sp.Symbol, ...]) -> SymbolicMLE:
    """The work of :func:`mle_symbolic` (run under its time limit)."""
    expanded = sp.expand_log(loglik, force=True)
    score = tuple(sp.simplify(sp.diff(expanded, p)) for p in symbols)
    information = -sp.hessian(expanded, symbols).applyfunc(sp.simplify)
    try:
        raw = sp.solve(list(score), list(symbols), dict=True)
    except NotImplementedError as exc:
        raise SymbolicSolveError(f"sympy cannot solve the score equations {list(score)}: {exc}") from None
    solutions = tuple(sol for sol in raw if all(p in sol for p in symbols))
    maxima = []
    for sol in solutions:
        at = information.subs(sol).applyfunc(sp.simplify)
        if _positive_definite(at):
            maxima.append((sol, at))
    if len(maxima) != 1:
        return SymbolicMLE(loglik, symbols, score, solutions, information, None, None, None, None)
    mle, at = maxima[0]
    cov = at.inv().applyfunc(sp.simplify)
    bse = tuple(sp.radsimp(sp.sqrt(cov[i, i])) for i in range(len(symbols)))
    return SymbolicMLE(loglik, symbols, score, solutions, information, mle, at, cov, bse)
