"""Export a convex Problem to cvxpy, the referee: sympy expressions become DCP cvxpy expressions.

Supported: affine expressions; quadratics (any polynomial part of degree 2, with a PSD or
NSD check of its Hessian); ``sqrt`` of a PSD quadratic (a 2-norm); powers; ``exp``,
``log``, ``log(exp(a) + exp(b) + ...)`` (log-sum-exp); entropy terms ``x*log(x)``;
``Abs``, ``Max`` and ``Min``; ``1/x``. Anything else, and anything whose curvature is
wrong for its place (a non-convex objective or ``<=`` constraint, a non-affine equality),
raises :class:`~lagrangekit.errors.NotConvexError` naming the offending term.

Sign convention: cvxpy's ``dual_value`` of ``expr <= 0`` is our μ (L = f + μ g) and of
``expr == 0`` our λ (L = f + λ h); for a maximize problem, cvxpy's duals of
``Maximize(f)`` are those of minimize −f, which is our convention too.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

import numpy as np
import sympy as sp

from .errors import NotConvexError
from .problem import Problem, symbolic_problem
from .quadratic_structure import QuadraticRows, quadratic_coefficients

__all__ = ["imposed_domain", "quadratic_parts", "recognized_convex", "to_cvxpy"]

_PSD_TOL = 1e-10
_DOMAIN_SAMPLES = 64  # points tried outside cvxpy's implicit domain
_DOMAIN_SEED = 2
_CONVEX: weakref.WeakKeyDictionary[Problem, bool] = weakref.WeakKeyDictionary()


class _Untranslatable(Exception):
    """A sympy node with no cvxpy equivalent."""


def quadratic_parts(expr: sp.Expr, variables: tuple[sp.Symbol, ...]):
    """(Q, q, c) with expr = ½ xᵀQx + qᵀx + c, or None if expr is not a polynomial of degree <= 2
    (or has no variable); read term by term by :func:`.quadratic_structure.quadratic_coefficients`."""
    if not expr.free_symbols & set(variables):
        return None
    read = quadratic_coefficients(expr, {v: i for i, v in enumerate(variables)})
    if read is None:
        return None
    rows = QuadraticRows.from_coefficients([read[0]], len(variables))
    return rows.hessian_stack()[0], rows.jacobian(np.zeros(rows.n))[0], rows.constant[0]


class _Translator:
    """Recursive sympy -> cvxpy translation over one vector variable."""

    def __init__(self, variables: tuple[sp.Symbol, ...], x: Any) -> None:
        import cvxpy as cp

        self.cp = cp
        self.variables = variables
        self.index = {v: i for i, v in enumerate(variables)}
        self.x = x

    def __call__(self, expr: sp.Expr) -> Any:
        cp = self.cp
        if expr.is_number:
            value = complex(expr)
            if value.imag != 0 or not np.isfinite(value.real):
                raise _Untranslatable(f"{expr} is not a finite real number")
            return value.real
        if isinstance(expr, sp.Symbol):
            if expr not in self.index:
                raise _Untranslatable(f"{expr} is not a variable")
            return self.x[self.index[expr]]
        quad = quadratic_parts(expr, self.variables)
        if quad is not None:
            return self._quadratic(*quad, expr)
        if isinstance(expr, sp.Add):
            return self._add(expr)
        if isinstance(expr, sp.Mul):
            return self._mul(expr)
        if isinstance(expr, sp.Pow):
            return self._pow(expr)
        if isinstance(expr, sp.exp):
            return cp.exp(self(expr.args[0]))
        if isinstance(expr, sp.log):
            inner = expr.args[0]
            if isinstance(inner, sp.Add) and all(isinstance(a, sp.exp) for a in inner.args):
                return cp.log_sum_exp(cp.hstack([self(a.args[0]) for a in inner.args]))
            return cp.log(self(inner))
        if isinstance(expr, sp.Abs):
            return cp.abs(self(expr.args[0]))
        if isinstance(expr, sp.Max):
            return cp.maximum(*[self(a) for a in expr.args])
        if isinstance(expr, sp.Min):
            return cp.minimum(*[self(a) for a in expr.args])
        raise _Untranslatable(f"{type(expr).__name__} has no convex cvxpy counterpart")

    def _quadratic(self, Q: np.ndarray, q: np.ndarray, c: float, expr: sp.Expr) -> Any:
        cp = self.cp
        if not np.any(Q):
            return q @ self.x + c
        eig = np.linalg.eigvalsh(Q)
        scale = max(1.0, float(np.abs(eig).max()))
        if eig.min() >= -_PSD_TOL * scale:
            quad = 0.5 * cp.quad_form(self.x, cp.psd_wrap(Q))
        elif eig.max() <= _PSD_TOL * scale:
            quad = -0.5 * cp.quad_form(self.x, cp.psd_wrap(-Q))
        else:
            raise _Untranslatable(
                f"the quadratic {sp.sstr(expr)} is indefinite (Hessian eigenvalues from {eig.min():.3g} "
                f"to {eig.max():.3g}), so it is neither convex nor concave"
            )
        return quad + q @ self.x + c

    def _add(self, expr: sp.Add) -> Any:
        poly, rest = [], []
        for term in expr.args:
            (poly if quadratic_parts(term, self.variables) is not None or term.is_number else rest).append(
                term
            )
        out = 0.0
        if poly:
            total = sp.Add(*poly)
            parts = quadratic_parts(total, self.variables)
            out = float(total) if parts is None else self._quadratic(*parts, total)
        for term in rest:
            out = out + self(term)
        return out

    def _mul(self, expr: sp.Mul) -> Any:
        cp = self.cp
        factors = [f for f in expr.args if not f.is_number]
        const = float(sp.Mul(*[f for f in expr.args if f.is_number]))
        core = sp.Mul(*factors)
        if len(factors) == 1:
            return const * self(core)
        logs = [f for f in factors if isinstance(f, sp.log)]
        others = [f for f in factors if not isinstance(f, sp.log)]
        if len(logs) == 1 and len(others) == 1 and logs[0].args[0] == others[0]:
            return -const * cp.entr(self(others[0]))  # x log x = -entr(x)
        numer, denom = core.as_numer_denom()
        if denom != 1 and isinstance(numer, sp.Pow) and numer.exp == 2:
            return const * cp.quad_over_lin(self(numer.base), self(denom))
        raise _Untranslatable(f"the product {sp.sstr(expr)} is not a DCP expression")

    def _pow(self, expr: sp.Pow) -> Any:
        cp = self.cp
        base, exponent = expr.base, expr.exp
        if not exponent.is_number:
            raise _Untranslatable(f"{sp.sstr(expr)} has a variable exponent")
        p = float(exponent)
        if p == 0.5:
            quad = quadratic_parts(base, self.variables)
            if quad is not None and np.any(quad[0]):
                return self._sqrt_quadratic(*quad, base)
            return cp.sqrt(self(base))
        if p == 2:
            return cp.square(self(base))
        if p == -1:
            return cp.inv_pos(self(base))
        if p == 1:
            return self(base)
        return cp.power(self(base), p)

    def _sqrt_quadratic(self, Q: np.ndarray, q: np.ndarray, c: float, base: sp.Expr) -> Any:
        """sqrt(½xᵀQx + qᵀx + c) = ‖Lᵀ[x; 1]‖₂ when the augmented matrix is PSD."""
        cp = self.cp
        n = len(self.variables)
        M = np.zeros((n + 1, n + 1))
        M[:n, :n] = Q / 2
        M[:n, n] = M[n, :n] = q / 2
        M[n, n] = c
        w, V = np.linalg.eigh(M)
        if w.min() < -_PSD_TOL * max(1.0, float(np.abs(w).max())):
            raise _Untranslatable(f"sqrt({sp.sstr(base)}) is not a norm: its quadratic is not PSD")
        L = V * np.sqrt(np.clip(w, 0.0, None))
        return cp.norm(L.T @ cp.hstack([self.x, np.ones(1)]), 2)


def _translate(t: _Translator, expr: sp.Expr, where: str, need: str) -> Any:
    """Translate and check curvature; on failure name the offending term of ``expr``."""
    terms = expr.args if isinstance(expr, sp.Add) else (expr,)
    try:
        out = t(expr)
    except _Untranslatable as exc:
        for term in terms:
            try:
                t(term)
            except _Untranslatable as inner:
                raise NotConvexError(
                    f"{where}: the term {sp.sstr(term)} cannot be exported to cvxpy ({inner})"
                ) from None
        raise NotConvexError(f"{where}: {sp.sstr(expr)} cannot be exported to cvxpy ({exc})") from None
    ok = {
        "convex": lambda e: e.is_convex(),
        "concave": lambda e: e.is_concave(),
        "affine": lambda e: e.is_affine(),
    }[need]
    if isinstance(out, (int, float)) or ok(out):
        return out
    culprit, seen = expr, out
    for term in terms:
        try:
            translated = t(term)
        except _Untranslatable:
            continue  # a term of an indefinite quadratic need not translate alone
        if not isinstance(translated, (int, float)) and not ok(translated):
            culprit, seen = term, translated
            break
    raise NotConvexError(
        f"{where} must be {need} for cvxpy, but the term {sp.sstr(culprit)} is not "
        f"(cvxpy sees {_curvature(seen)})"
    )


def _curvature(e: Any) -> str:
    return str(getattr(e, "curvature", "constant")).lower()


def to_cvxpy(problem: Problem) -> tuple[Any, dict[sp.Symbol, Any], dict[str, Any]]:
    """The problem as a ``cvxpy.Problem`` over one vector variable.

    Returns
    -------
    cvxpy_problem : cvxpy.Problem
        ``Minimize(f)`` or ``Maximize(f)`` with constraints ``g <= 0``, ``h == 0`` and
        the finite bounds as ``lo - x <= 0`` and ``x - hi <= 0``.
    variables_by_symbol : dict
        ``{Symbol: cvxpy expression}`` (entries of one ``cvxpy.Variable``).
    constraints_by_name : dict
        ``{name: cvxpy constraint}``, bounds under ``"lower:x"`` and ``"upper:x"``. After
        solving, ``constraints_by_name[name].dual_value`` is our multiplier (same sign).

    Raises
    ------
    NotConvexError
        If the objective is not convex (concave for maximize), an inequality is not
        convex, an equality is not affine, or a term has no cvxpy counterpart; the
        message names the term.
    ValueError
        For problems with free parameters or built from callables.
    """
    own = getattr(problem, "export_cvxpy", None)  # a matrix-form problem exports its own program
    if own is not None:
        return own()
    problem = symbolic_problem(problem, "to_cvxpy()")
    if problem.parameters:
        raise ValueError(
            f"problem has parameters {[p.name for p in problem.parameters]}; substitute them with "
            "problem.subs({...}) before exporting to cvxpy"
        )
    import cvxpy as cp

    x = cp.Variable(problem.n, name="x")
    t = _Translator(problem.variables, x)
    if problem.is_maximize:
        objective = cp.Maximize(_translate(t, problem.objective, "the objective (maximized)", "concave"))
    else:
        objective = cp.Minimize(_translate(t, problem.objective, "the objective", "convex"))
    constraints: dict[str, Any] = {}
    for c in problem.constraints:
        if c.kind == "eq":
            constraints[c.name] = _translate(t, c.expr, f"equality {c.name!r}", "affine") == 0
        else:
            constraints[c.name] = _translate(t, c.expr, f"inequality {c.name!r}", "convex") <= 0
    for i, (var, (lo, hi)) in enumerate(zip(problem.variables, problem.bounds)):
        if lo is not None:
            constraints[f"lower:{var.name}"] = lo - x[i] <= 0
        if hi is not None:
            constraints[f"upper:{var.name}"] = x[i] - hi <= 0
    variables = {v: x[i] for i, v in enumerate(problem.variables)}
    return cp.Problem(objective, list(constraints.values())), variables, constraints


def imposed_domain(problem: Problem, prob: Any) -> list[str]:
    """The implicit domain constraints of a cvxpy problem that exclude points where ``problem``
    itself is defined, as text in the problem's variable names; empty when there are none.

    cvxpy restricts every atom to its domain without saying so: ``1/x`` becomes
    ``inv_pos(x)``, which adds x >= 0, although 1/x + x is defined (and unbounded below) for
    x < 0. ``log(x)`` adds x >= 0 too, but there the problem itself is undefined, so that
    domain changes nothing. Each domain constraint is tested at fixed pseudo-random points
    (64, standard deviation 10, projected onto the bounds) that violate it: when f and h are
    finite and the inequalities hold at one of them, cvxpy would cut away part of the problem.
    (Equalities are not asked to hold there: random points miss them, and a refusal is the
    safe side.)
    """
    domain = list(prob.objective.expr.domain)
    for constraint in prob.constraints:
        for arg in constraint.args:
            domain.extend(arg.domain)
    if not domain:
        return []
    variables = prob.variables()
    if len(variables) != 1:  # to_cvxpy builds one vector variable; a constant problem has none
        return []
    x = variables[0]
    compiled = problem.compile()
    points = 10.0 * np.random.default_rng(_DOMAIN_SEED).standard_normal((_DOMAIN_SAMPLES, problem.n))
    points = np.clip(points, compiled.lower, compiled.upper)
    with np.errstate(all="ignore"):
        f, h, g = compiled.evaluate_many(points)
        defined = np.isfinite(f) & np.all(np.isfinite(h), axis=1) & np.all(g <= 0, axis=1)
    imposed = []
    for constraint in domain:
        for point in points[defined]:
            x.value = point
            if constraint.violation() > 0:
                imposed.append(_named(str(constraint), problem))
                break
    x.value = None
    return sorted(set(imposed))


def _named(text: str, problem: Problem) -> str:
    """cvxpy's ``x[i]`` replaced by the name of variable i."""
    return re.sub(r"\bx\[(\d+)\]", lambda m: problem.variables[int(m.group(1))].name, text)


def recognized_convex(problem: Problem) -> bool:
    """True when :meth:`Problem.to_cvxpy` exports the problem (cvxpy's DCP rules prove the
    objective convex, concave for maximize, the inequalities convex and the equalities affine)
    and cvxpy imposes no implicit domain on it (:func:`imposed_domain`).
    Cached per problem: the export costs milliseconds."""
    cached = _CONVEX.get(problem)
    if cached is not None:
        return cached
    convex = False
    if problem.is_symbolic and not problem.parameters:
        try:
            prob, _, _ = to_cvxpy(problem)
        except (NotConvexError, ValueError, TypeError):
            prob = None
        convex = prob is not None and not imposed_domain(problem, prob)
    _CONVEX[problem] = convex
    return convex
