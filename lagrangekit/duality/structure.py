"""Recognize a Lagrangian that splits into conjugable blocks, and its dual function in closed form.

The Lagrangian L(x, ν) = f + Σ ν_k c_k(x) (objective in minimize form, constraints and bounds
as pieces, ν the multipliers) is read as

    L = d(ν) + ℓ(ν)ᵀx + ½ xᵀQ(ν)x + Σ_a c_a(ν) φ_a(α_a x_j + β_a) + Σ_b c_b(ν) ‖R_b(x_S − x_b)‖,

with d, ℓ, Q, c affine in ν. When every variable belongs to at most one nonlinear block (the
quadratic block, one scalar atom of :mod:`.conjugates`, or one Euclidean norm), the infimum
over x splits into one closed form per block, and a variable in no block makes its linear
coefficient ℓ_j(ν) = 0 part of the domain. The result is exact: the dual function, its
gradient and Hessian, and its domain {A ν = a, G ν + h > 0, second-order cones}.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from ..problem import Problem
from .barrier import Cone, Domain
from .conjugates import ATOMS, ScalarAtom

__all__ = ["ConjugateDual", "build_conjugate_dual"]

_TOL = 1e-10
_MAX_SYMBOLIC_INVERSE = 6


@dataclass(frozen=True, eq=False)
class _Affine:
    """An affine function of the multipliers, offset + matrix @ ν (scalar or vector valued)."""

    offset: float | np.ndarray
    matrix: np.ndarray

    def __call__(self, nu: np.ndarray):
        return self.offset + self.matrix @ nu


@dataclass(frozen=True, eq=False)
class _Scalar:
    """c(ν)·φ(α x_j + β) with the coefficient ℓ_j(ν) of x_j: s(ν) = ℓ_j(ν)/α."""

    atom: ScalarAtom
    var: int
    alpha: float
    beta: float
    c: _Affine
    s: _Affine


@dataclass(frozen=True, eq=False)
class _Norm:
    """c(ν)·‖R(x_S − center)‖ with q(ν) = ℓ_S(ν); finite iff ‖W q‖ <= c (WᵀW = P⁻¹)."""

    variables: tuple[int, ...]
    center: np.ndarray
    W: np.ndarray
    c: _Affine
    q: _Affine

    def dual_norm(self, nu: np.ndarray) -> float:
        return float(np.linalg.norm(self.W @ self.q(nu)))


@dataclass(frozen=True, eq=False)
class _Quadratic:
    """½ x_Sᵀ Q(ν) x_S + q(ν)ᵀx_S with Q(ν) = Q0 + Σ ν_k Q_k: inf = −½ qᵀQ⁻¹q."""

    variables: tuple[int, ...]
    Q0: np.ndarray
    Qk: np.ndarray
    q: _Affine

    @property
    def constant(self) -> bool:
        return not np.any(self.Qk)

    def matrix(self, nu: np.ndarray) -> np.ndarray:
        return self.Q0 + np.tensordot(nu, self.Qk, axes=1)


@dataclass(frozen=True, eq=False)
class ConjugateDual:
    """The dual function g(ν) = d(ν) + Σ blocks, exact, on its domain.

    Attributes
    ----------
    d0, dv : float, numpy.ndarray
        The affine part d(ν) = d0 + dv·ν.
    domain : Domain
        Where g is finite (its interior, for the barrier).
    n : int
        Number of primal variables.
    """

    d0: float
    dv: np.ndarray
    domain: Domain
    n: int
    scalars: tuple[_Scalar, ...] = ()
    norms: tuple[_Norm, ...] = ()
    quadratic: _Quadratic | None = None
    free: tuple[int, ...] = field(default=())

    def value(self, nu: np.ndarray) -> float:
        """g(ν); −inf outside the domain (ν must have μ >= 0)."""
        if not self.domain.satisfies_equalities(nu):
            return -np.inf
        total = self.d0 + self.dv @ nu
        with np.errstate(all="ignore"):
            for b in self.scalars:
                total += b.atom.at(b.c(nu), b.s(nu))
            for b in self.norms:
                if b.dual_norm(nu) > b.c(nu) * (1 + 1e-12) + 1e-14:
                    return -np.inf
            if self.quadratic is not None:
                total += self._quadratic_value(nu)
        return float(total) if not np.isnan(total) else -np.inf

    def _quadratic_value(self, nu: np.ndarray) -> float:
        b = self.quadratic
        Q = b.matrix(nu)
        q = b.q(nu)
        x, *_ = np.linalg.lstsq(Q, -q, rcond=None)
        if np.abs(Q @ x + q).max(initial=0.0) > 1e-9 * max(1.0, np.abs(q).max(initial=0.0)):
            return -np.inf  # q outside the range of Q: L is unbounded below along its null space
        return float(0.5 * q @ x)

    def derivatives(self, nu: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """(g, ∇g, ∇²g) at a point inside the domain."""
        m = nu.size
        value = self.d0 + self.dv @ nu
        grad = self.dv.astype(float).copy()
        hess = np.zeros((m, m))
        for b in self.scalars:
            c, s = b.c(nu), b.s(nu)
            value += b.atom.value(c, s)
            gc, gs = b.atom.gradient(c, s)
            grad += gc * b.c.matrix + gs * b.s.matrix
            J = np.vstack([b.c.matrix, b.s.matrix])
            hess += J.T @ b.atom.hessian(c, s) @ J
        if self.quadratic is not None:
            b = self.quadratic
            Q = b.matrix(nu)
            q = b.q(nu)
            Qinv = np.linalg.pinv(Q, hermitian=True)
            x = -Qinv @ q
            value += 0.5 * q @ x
            J = b.q.matrix + np.einsum("kij,j->ik", b.Qk, x) if m else b.q.matrix
            grad += b.q.matrix.T @ x + 0.5 * np.einsum("i,kij,j->k", x, b.Qk, x)
            hess -= J.T @ Qinv @ J
        return float(value), grad, hess

    def minimizer(self, nu: np.ndarray) -> np.ndarray:
        """x(ν) minimizing L where it is unique; NaN for variables it does not determine
        (those in no block, and norm blocks on the boundary of their cone)."""
        x = np.full(self.n, np.nan)
        with np.errstate(all="ignore"):
            for b in self.scalars:
                c, s = b.c(nu), b.s(nu)
                if c > 0 and b.atom.finite(c, s):
                    x[b.var] = (b.atom.argmin(c, s) - b.beta) / b.alpha
            for b in self.norms:
                if b.dual_norm(nu) < b.c(nu) * (1 - 1e-9):
                    x[list(b.variables)] = b.center
            if self.quadratic is not None:
                b = self.quadratic
                q = b.q(nu)
                x[list(b.variables)] = -np.linalg.pinv(b.matrix(nu), hermitian=True) @ q
        return x


# ------------------------------------------------------------------ recognition
@dataclass
class _Pieces:
    """Everything collected from the pieces, as sympy expressions linear in the multipliers."""

    constant: sp.Expr = sp.Integer(0)
    linear: list[sp.Expr] = field(default_factory=list)
    hessian: sp.Matrix | None = None
    scalars: dict[tuple, sp.Expr] = field(default_factory=dict)
    norms: dict[sp.Expr, sp.Expr] = field(default_factory=dict)


class _NotConjugable(Exception):
    """The Lagrangian is outside the grammar of this module."""


def _number(value: sp.Expr) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError) as exc:
        raise _NotConjugable from exc
    if not np.isfinite(out):
        raise _NotConjugable
    return out


def _affine_in_one(arg: sp.Expr, x: tuple[sp.Symbol, ...]) -> tuple[int, sp.Expr, sp.Expr]:
    """(j, α, β) with arg = α x_j + β, α != 0, as exact sympy numbers."""
    present = [j for j, v in enumerate(x) if arg.has(v)]
    if len(present) != 1:
        raise _NotConjugable
    j = present[0]
    if not arg.is_polynomial(x[j]):
        raise _NotConjugable
    poly = sp.Poly(arg, x[j])
    if poly.degree() != 1:
        raise _NotConjugable
    alpha, beta = poly.coeff_monomial(x[j]), poly.coeff_monomial(1)
    _number(alpha), _number(beta)
    return j, alpha, beta


def _atom_key(rest: sp.Expr, x: tuple[sp.Symbol, ...]) -> tuple[tuple, int]:
    """The atom of a term coefficient·rest: (key, sign) where the term is sign·coefficient·φ."""
    if isinstance(rest, sp.log):
        return ("neglog", *_affine_in_one(rest.args[0], x)), -1
    if isinstance(rest, sp.exp):
        return ("exp", *_affine_in_one(rest.args[0], x)), 1
    if isinstance(rest, sp.Mul) and len(rest.args) == 2:
        logs = [a for a in rest.args if isinstance(a, sp.log)]
        if len(logs) == 1:
            other = rest.args[0] if rest.args[1] is logs[0] else rest.args[1]
            if sp.expand(other - logs[0].args[0]) == 0:
                return ("xlogx", *_affine_in_one(other, x)), 1
    if isinstance(rest, sp.Abs):  # |α x_j + β| = sqrt((α x_j + β)²)
        _affine_in_one(rest.args[0], x)
        return ("norm", sp.expand(rest.args[0] ** 2)), 1
    if isinstance(rest, sp.Pow) and rest.exp == sp.Rational(1, 2):
        base = sp.expand(rest.base)
        if _total_degree(base, x) == 2:
            return ("norm", base), 1
    raise _NotConjugable


def _total_degree(expr: sp.Expr, x: tuple[sp.Symbol, ...], cap: int = 3) -> int | None:
    """The total degree of ``expr`` as a polynomial in ``x`` (``cap`` for any degree >= cap), or
    None when it is not one; a walk over the tree, sparse in the variables (sympy's Poly is
    dense in its generators: a product of 900 of them takes minutes)."""
    if not expr.free_symbols & set(x):
        return 0
    if expr in x:
        return 1
    if expr.is_Add or expr.is_Mul:
        degrees = [_total_degree(arg, x, cap) for arg in expr.args]
        if any(d is None for d in degrees):
            return None
        return min(cap, max(degrees) if expr.is_Add else sum(degrees))
    if expr.is_Pow and expr.exp.is_Integer and expr.exp >= 0:
        base = _total_degree(expr.base, x, cap)
        return None if base is None else min(cap, base * int(expr.exp))
    return None


def _is_quadratic(term: sp.Expr, x: tuple[sp.Symbol, ...]) -> bool:
    degree = _total_degree(term, x)
    return degree is not None and degree <= 2


def _terms(expr: sp.Expr, x: tuple[sp.Symbol, ...]):
    """Yield (coefficient, rest) for the additive terms of expr, expanding products one level."""
    for term in sp.Add.make_args(expr):
        coeff, rest = term.as_independent(*x, as_Add=False)
        if rest == 1 or _is_quadratic(rest, x):
            yield term, None
            continue
        try:
            _atom_key(rest, x)
        except _NotConjugable:
            expanded = sp.expand(term, power_exp=False, log=False, power_base=False)
            if expanded == term:
                raise
            for inner in sp.Add.make_args(expanded):
                c, r = inner.as_independent(*x, as_Add=False)
                yield (inner, None) if r == 1 or _is_quadratic(r, x) else (c, r)
            continue
        yield coeff, rest


def _collect(pieces: list[tuple[sp.Expr, sp.Expr]], x: tuple[sp.Symbol, ...]) -> _Pieces:
    """Sum weight·piece over the pieces, split into polynomial and atom parts."""
    out = _Pieces(linear=[sp.Integer(0)] * len(x), hessian=sp.zeros(len(x), len(x)))
    for weight, expr in pieces:
        polynomial = sp.Integer(0)
        for coeff, rest in _terms(expr, x):
            if rest is None:
                polynomial += coeff
                continue
            key, sign = _atom_key(rest, x)
            _number(coeff)
            table = out.norms if key[0] == "norm" else out.scalars
            index = key[1] if key[0] == "norm" else key
            table[index] = table.get(index, sp.Integer(0)) + weight * sign * coeff
        if not polynomial.free_symbols & set(x):
            out.constant += weight * polynomial
            continue
        for monomial, coeff in _monomials(polynomial, x):
            idx = [i for i, k in monomial for _ in range(k)]
            if not idx:
                out.constant += weight * coeff
            elif len(idx) == 1:
                out.linear[idx[0]] += weight * coeff
            else:  # c·x_i·x_j adds c to H_ij and H_ji (2c to H_ii for c·x_i²)
                i, j = idx
                out.hessian[i, j] += weight * coeff
                out.hessian[j, i] += weight * coeff
    return out


def _monomials(polynomial: sp.Expr, x: tuple[sp.Symbol, ...]):
    """Yield ((index, power) pairs, coefficient) for the terms of a polynomial of degree <= 2 in
    ``x``, expanded term by term (sparse in the variables, unlike sympy's Poly)."""
    index = {v: i for i, v in enumerate(x)}
    terms: dict[tuple[tuple[int, int], ...], sp.Expr] = {}
    for term in sp.Add.make_args(sp.expand(polynomial)):
        coeff, rest = term.as_independent(*x, as_Add=False)
        key = tuple(sorted((index[b], int(e)) for b, e in rest.as_powers_dict().items() if b in index))
        terms[key] = terms.get(key, sp.Integer(0)) + coeff
    for key, coeff in terms.items():
        if coeff != 0:
            yield key, coeff


def _affine_coefficients(expr: sp.Expr, nu: tuple[sp.Symbol, ...]) -> tuple[float, np.ndarray]:
    """(e0, E) with expr = e0 + E·ν, exactly affine in ν."""
    if not nu or not expr.free_symbols:
        return _number(expr), np.zeros(len(nu))
    poly = sp.Poly(expr, *nu)
    if poly.total_degree() > 1:
        raise _NotConjugable
    coefficients = np.array([_number(poly.coeff_monomial(v)) for v in nu], dtype=float)
    return _number(poly.coeff_monomial(1)), coefficients


def _psd(Q: np.ndarray) -> bool:
    return not Q.size or np.linalg.eigvalsh(Q).min() >= -_TOL * max(1.0, np.abs(Q).max())


def _quadratic_polynomial(c: float, b: np.ndarray, H: np.ndarray, nu: tuple[sp.Symbol, ...]) -> sp.Expr:
    """c + bᵀν + νᵀHν as a sympy polynomial with Float coefficients (H symmetric)."""
    terms = {(0,) * len(nu): c}
    for k in range(len(nu)):
        exponent = [0] * len(nu)
        exponent[k] = 1
        terms[tuple(exponent)] = b[k]
        for k2 in range(k, len(nu)):
            exponent = [0] * len(nu)
            exponent[k] += 1
            exponent[k2] += 1
            terms[tuple(exponent)] = terms.get(tuple(exponent), 0.0) + (H[k, k2] if k == k2 else 2 * H[k, k2])
    if not nu:
        return sp.Float(c)
    return sp.Poly.from_dict({e: v for e, v in terms.items() if v != 0} or {(0,) * len(nu): 0}, *nu).as_expr()


@dataclass(frozen=True)
class ClosedForm:
    """A recognized dual: the exact numeric form and its sympy presentation."""

    dual: ConjugateDual
    function: sp.Expr | None
    domain: tuple[object, ...]
    minimizer: dict[sp.Symbol, sp.Expr]


def build_conjugate_dual(problem: Problem, nu: tuple[sp.Symbol, ...], is_equality: tuple[bool, ...]):
    """The closed-form dual of ``problem``, or None when its Lagrangian is outside the grammar.

    ``nu`` are the multiplier symbols of ``problem.constraints + problem.bound_constraints()``
    in that order; ``is_equality`` marks the λ (free sign) among them.
    """
    try:
        with np.errstate(all="ignore"):
            return _build(problem, nu, is_equality)
    except (_NotConjugable, sp.PolynomialError, np.linalg.LinAlgError):
        return None


def _build(problem: Problem, nu: tuple[sp.Symbol, ...], is_equality: tuple[bool, ...]) -> ClosedForm:
    x = problem.variables
    n, m = len(x), len(nu)
    constraints = problem.constraints + problem.bound_constraints()
    pieces = [(sp.Integer(1), problem.minimize_objective)] + [(v, c.expr) for v, c in zip(nu, constraints)]
    parts = _collect(pieces, x)
    lam = {v for v, eq in zip(nu, is_equality) if eq}
    mu_mask = np.array([not eq for eq in is_equality], dtype=bool)

    d0, dv = _affine_coefficients(parts.constant, nu)
    lin = [_affine_coefficients(e, nu) for e in parts.linear]
    owner: dict[int, str] = {}

    def claim(j: int, block: str) -> None:
        if owner.setdefault(j, block) != block:
            raise _NotConjugable

    def coefficient(expr: sp.Expr) -> tuple[float, np.ndarray]:
        c0, C = _affine_coefficients(expr, nu)
        if expr.free_symbols & lam or c0 < 0 or np.any(C < 0):
            raise _NotConjugable  # a concave term, or one whose sign a λ can flip
        return c0, C

    g_expr = parts.constant
    domain: list[object] = [sp.GreaterThan(v, 0) for v in nu if v not in lam]
    minimizer: dict[sp.Symbol, sp.Expr] = {}
    lin_rows: list[tuple[np.ndarray, float]] = [(np.eye(m)[k], 0.0) for k in range(m) if mu_mask[k]]
    eq_rows: list[tuple[np.ndarray, float]] = []
    cones: list[Cone] = []

    scalars = []
    for (kind, j, alpha_exact, beta_exact), c_expr in sorted(
        parts.scalars.items(), key=lambda item: item[0][1]
    ):
        alpha, beta = _number(alpha_exact), _number(beta_exact)
        c0, C = coefficient(c_expr)
        if c0 == 0 and not C.any():
            continue
        claim(j, f"{kind}({alpha_exact}*x{j} + {beta_exact})")  # one atom per variable
        atom = ATOMS[kind]
        s0, S = lin[j][0] / alpha, lin[j][1] / alpha
        s_expr = parts.linear[j] / alpha_exact
        scalars.append(_Scalar(atom, j, alpha, beta, _Affine(c0, C), _Affine(s0, S)))
        d0, dv = d0 - beta * s0, dv - beta * S
        g_expr += atom.expression(c_expr, s_expr) - beta_exact * s_expr
        if C.any():
            lin_rows.append((C, c0))
        if atom.s_sign:
            lin_rows.append((atom.s_sign * S, atom.s_sign * s0))
            rel = sp.StrictGreaterThan if atom.s_sign > 0 else sp.LessThan
            domain.append(rel(sp.expand(s_expr), 0))
        u_star = {
            "neglog": c_expr / s_expr,
            "xlogx": sp.exp(-s_expr / c_expr - 1),
            "exp": sp.log(-s_expr / c_expr),
        }
        minimizer[x[j]] = (u_star[kind] - beta_exact) / alpha_exact

    norms = []
    for base, c_expr in parts.norms.items():
        c0, C = coefficient(c_expr)
        if c0 == 0 and not C.any():
            continue
        idx = tuple(j for j, v in enumerate(x) if base.has(v))
        for j in idx:
            claim(j, f"norm{idx}")
        sub = [x[j] for j in idx]
        P = sp.hessian(base, sub) / 2
        p = sp.Matrix([sp.diff(base, v) for v in sub]).subs(dict.fromkeys(sub, 0))
        P_num = np.array(P.tolist(), dtype=float)
        if np.linalg.eigvalsh(P_num).min() <= _TOL * max(1.0, np.abs(P_num).max()):
            raise _NotConjugable
        Pinv = P.inv()
        center = -Pinv * p / 2
        remainder = base.subs(dict(zip(sub, center)))
        if abs(_number(remainder)) > _TOL:
            raise _NotConjugable  # sqrt(‖z‖² + r) is not a norm
        center_num = np.array([_number(c) for c in center])
        W = np.linalg.cholesky(np.array(Pinv.tolist(), dtype=float)).T
        q0 = np.array([lin[j][0] for j in idx])
        M = np.array([lin[j][1] for j in idx]).reshape(len(idx), m)
        norms.append(_Norm(idx, center_num, W, _Affine(c0, C), _Affine(q0, M)))
        cones.append(Cone(c0, C, W @ q0, W @ M))
        d0, dv = d0 + q0 @ center_num, dv + M.T @ center_num
        q_expr = sp.Matrix([parts.linear[j] for j in idx])
        g_expr += (q_expr.T * center)[0, 0]
        domain.append(sp.GreaterThan(c_expr, sp.sqrt(sp.expand((q_expr.T * Pinv * q_expr)[0, 0]))))
        minimizer.update(zip(sub, center))

    quadratic = None
    H = parts.hessian
    rows = [j for j in range(n) if any(H[j, k] != 0 for k in range(n))]
    if rows:
        for j in rows:
            claim(j, "quadratic")
        Hs = H.extract(rows, rows)
        Q0 = np.array(Hs.subs(dict.fromkeys(nu, 0)).tolist(), dtype=float)
        Qk = np.array([np.array(sp.diff(Hs, v).tolist(), dtype=float) for v in nu]).reshape(
            m, len(rows), len(rows)
        )
        if any(v in lam and np.any(Qk[k]) for k, v in enumerate(nu)) or not _psd(Q0):
            raise _NotConjugable
        if not all(_psd(Qk[k]) for k in range(m)):
            raise _NotConjugable
        q0 = np.array([lin[j][0] for j in rows])
        M = np.array([lin[j][1] for j in rows]).reshape(len(rows), m)
        quadratic = _Quadratic(tuple(rows), Q0, Qk, _Affine(q0, M))
        q_expr = sp.Matrix([parts.linear[j] for j in rows])
        if quadratic.constant:
            w, V = np.linalg.eigh(Q0)
            null = V[:, w <= _TOL * max(1.0, np.abs(w).max())]
            for vec in null.T:
                eq_rows.append((vec @ M, -float(vec @ q0)))
                domain.append(sp.Eq(sum(sp.Float(a) * e for a, e in zip(vec, q_expr)), 0))
            K = np.linalg.pinv(Q0, hermitian=True)
            g_expr -= _quadratic_polynomial(0.5 * q0 @ K @ q0, M.T @ K @ q0, 0.5 * M.T @ K @ M, nu)
            x0, X = -K @ q0, -K @ M
            for k, j in enumerate(rows):
                minimizer[x[j]] = sp.Float(x0[k]) + sum(
                    (sp.Float(a) * v for a, v in zip(X[k], nu) if a), sp.Integer(0)
                )
        else:
            if np.linalg.eigvalsh(quadratic.matrix(mu_mask.astype(float))).min() <= _TOL:
                raise _NotConjugable  # singular for every μ > 0: not handled here
            if Hs.is_diagonal() or len(rows) <= _MAX_SYMBOLIC_INVERSE:
                z = Hs.inv() * q_expr
                g_expr -= (q_expr.T * z)[0, 0] / 2
                minimizer.update({x[j]: -z[k] for k, j in enumerate(rows)})
            else:
                g_expr = None

    free = tuple(j for j in range(n) if j not in owner)
    for j in free:
        eq_rows.append((lin[j][1], -lin[j][0]))
        domain.append(sp.Eq(sp.expand(parts.linear[j]), 0))

    A = np.array([r for r, _ in eq_rows]).reshape(len(eq_rows), m)
    a = np.array([b for _, b in eq_rows], dtype=float)
    G = np.array([r for r, _ in lin_rows]).reshape(len(lin_rows), m)
    h = np.array([b for _, b in lin_rows], dtype=float)
    dual = ConjugateDual(
        d0=float(d0),
        dv=np.asarray(dv, float),
        domain=Domain(A=A, a=a, G=G, h=h, cones=tuple(cones)),
        n=n,
        scalars=tuple(scalars),
        norms=tuple(norms),
        quadratic=quadratic,
        free=free,
    )
    function = None if g_expr is None else sp.expand(g_expr, power_exp=False, log=False)
    return ClosedForm(dual, function, tuple(domain), minimizer)
