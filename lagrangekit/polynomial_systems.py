"""Real solutions of zero-dimensional polynomial systems over Q, exactly, and exact zero tests on them.

The solver (:func:`real_solutions`) computes a grevlex Gröbner basis, converts it to lex by
FGLM (much cheaper than a lex basis computed directly), and reads the solutions off a basis in
shape position: u_i = p_i(θ) for i < n and q(θ) = 0 with θ = u_n. When the basis is not in shape
position, a random linear form t = u_n + Σ c_i u_i is added as a new last variable, which puts a
radical ideal in shape position for all but finitely many choices of the c_i. Each irreducible
factor Q of q gives its real roots as radicals (degree <= 2) or ``CRootOf``; every coordinate is
then reduced modulo Q, so it is a polynomial of degree < deg Q in one algebraic number.

For such numbers, :func:`reduce_algebraic` is an exact canonical form: a polynomial P(θ) over Q
with θ = CRootOf(Q, k) and Q irreducible is zero exactly when the remainder of P by Q is the zero
polynomial (Q is the minimal polynomial of θ). This replaces ``simplify``/``minimal_polynomial``
zero tests, which take seconds to minutes on the values of HS-sized systems.
"""

from __future__ import annotations

from collections.abc import Sequence

import mpmath
import sympy as sp

__all__ = ["real_solutions", "reduce_algebraic"]

_SEPARATING_TRIES = 3
_ROOT_DEGREE_LIMIT = 24  # radicals are looked for in fields of at most this degree ...
_ROOT_DIGITS_PER_TERM = 16  # ... by PSLQ at this many digits per term of the relation,
_ROOT_MAX_COEFF = 10**14  # with coefficients up to this size
_ROOT_MAX_STEPS = 20000


def reduce_algebraic(value: sp.Expr) -> sp.Expr | None:
    """``value`` as a polynomial of degree < deg Q in the single ``CRootOf(Q, k)`` it contains,
    with rational coefficients (exactly 0 when it is zero); None when ``value`` is not a rational
    function over Q of exactly one ``CRootOf`` (and nothing else irrational), or divides by 0.
    Radicals b^(a/q) of such functions are taken too when the real root c >= 0 of c^q = b lies
    in Q(θ) (:func:`_field_root` finds c by an integer relation and proves it exactly).

    The arithmetic runs in Q[θ]/(Q): sums and products are reduced modulo Q, and a quotient
    multiplies by the inverse modulo Q (Q is irreducible, so every nonzero element has one).
    """
    roots = value.atoms(sp.CRootOf)
    if len(roots) != 1:
        return None
    (root,) = roots
    theta = sp.Dummy("theta")
    minimal = sp.Poly(root.poly.as_expr().xreplace({root.poly.gen: theta}), theta, domain="QQ")
    if not minimal.is_irreducible:  # sympy keeps CRootOf's polynomial irreducible; never assume it
        return None
    try:
        element = _in_field(value, root, theta, minimal)
    except (ValueError, ZeroDivisionError, sp.PolynomialError, sp.CoercionFailed, NotImplementedError):
        return None
    if element is None:
        return None
    return element.as_expr().xreplace({theta: root})


def _in_field(expr: sp.Expr, root: sp.Expr, theta: sp.Dummy, minimal: sp.Poly) -> sp.Poly | None:
    """``expr`` as an element of Q[θ]/(minimal), or None when it is not a rational function of θ."""
    if expr == root:
        return sp.Poly(theta, theta, domain="QQ").rem(minimal)
    if expr.is_Rational:
        return sp.Poly(expr, theta, domain="QQ")
    if expr.is_Add or expr.is_Mul:
        parts = [_in_field(a, root, theta, minimal) for a in expr.args]
        if any(p is None for p in parts):
            return None
        out = parts[0]
        for p in parts[1:]:
            out = (out + p) if expr.is_Add else (out * p).rem(minimal)
        return out
    if expr.is_Pow and expr.exp.is_Rational:
        base = _in_field(expr.base, root, theta, minimal)
        if base is None:
            return None
        if not expr.exp.is_Integer:  # b^(a/q) = c^a for the real c >= 0 with c^q = b, if c is in the field
            base = _field_root(base, int(expr.exp.q), root, theta, minimal)
            if base is None:
                return None
        if expr.exp < 0:
            if base.is_zero:
                raise ZeroDivisionError("division by an algebraic number equal to 0")
            base = sp.invert(base, minimal)
        out = sp.Poly(1, theta, domain="QQ")
        power, k = base, abs(int(expr.exp.p))
        while k:  # square and multiply, reducing each product
            if k & 1:
                out = (out * power).rem(minimal)
            power, k = (power * power).rem(minimal), k >> 1
        return out
    return None


def _field_root(base: sp.Poly, q: int, root: sp.Expr, theta: sp.Dummy, minimal: sp.Poly) -> sp.Poly | None:
    """The element c of Q[θ]/(minimal) with c^q = ``base`` and c >= 0 (θ = ``root``, real), or None.

    c is found numerically: an integer relation (PSLQ) between the real root of ``base``'s value
    and 1, θ, …, θ^(d−1). It is then proved exactly: c^q − base reduces to 0 modulo the minimal
    polynomial, and c's value is within half its size of the root's (the other real q-th root
    of a positive number is its negative), so c is that root.
    """
    degree = minimal.degree()
    if base.is_zero:
        return base
    if degree > _ROOT_DEGREE_LIMIT or not root.is_real:
        return None
    with mpmath.workdps(_ROOT_DIGITS_PER_TERM * (degree + 1) + 30):
        t = mpmath.mpf(str(root.evalf(mpmath.mp.dps)))
        value = mpmath.polyval([mpmath.mpf(c.p) / c.q for c in base.all_coeffs()], t)
        if value <= 0:
            return None  # b < 0: sympy's principal root is not real
        target = mpmath.root(value, q)
        relation = mpmath.pslq(
            [target] + [t**j for j in range(degree)], maxcoeff=_ROOT_MAX_COEFF, maxsteps=_ROOT_MAX_STEPS
        )
        if relation is None or relation[0] == 0:
            return None
        coeffs = [sp.Rational(-c, relation[0]) for c in relation[1:]]
        candidate = sp.Poly(list(reversed(coeffs)), theta, domain="QQ")
        if not (candidate**q - base).rem(minimal).is_zero:
            return None
        close = mpmath.polyval([mpmath.mpf(c.p) / c.q for c in candidate.all_coeffs()], t)
        if abs(close - target) > target / 2:
            return None
    return candidate


def _shape(basis: Sequence[sp.Expr], unknowns: Sequence[sp.Symbol]) -> tuple[dict, sp.Expr] | None:
    """(u_i -> p_i(u_n), q(u_n)) for a lex basis in shape position, else None."""
    last = unknowns[-1]
    univariate = [p for p in basis if p.free_symbols <= {last}]
    expr_of: dict[sp.Symbol, sp.Expr] = {}
    for p in basis:
        if p.free_symbols <= {last}:
            continue
        lead = next(u for u in unknowns if p.has(u))
        if (p.free_symbols - {lead, last}) or sp.degree(p, lead) != 1 or lead in expr_of:
            return None
        coeff = sp.Poly(p, lead).LC()
        if coeff.free_symbols:
            return None
        expr_of[lead] = sp.expand(-(p - coeff * lead) / coeff)
    if set(expr_of) != set(unknowns[:-1]) or len(univariate) != 1:
        return None
    return expr_of, univariate[0]


def _roots_of_shape(expr_of: dict, q: sp.Expr, last: sp.Symbol) -> list[dict]:
    """The real solutions of a shape-position system, coordinates reduced modulo each factor."""
    out = []
    for factor, _ in sp.factor_list(q, last)[1]:
        factor_poly = sp.Poly(factor, last, domain="QQ")
        reduced = {u: sp.Poly(e, last, domain="QQ").rem(factor_poly) for u, e in expr_of.items()}
        for root in factor_poly.real_roots():
            sol = {last: root}
            for u, p in reduced.items():
                sol[u] = sp.expand(p.as_expr().xreplace({last: root}))
            out.append(sol)
    return out


def real_solutions(
    equations: Sequence[sp.Expr], unknowns: Sequence[sp.Symbol]
) -> tuple[list[dict], str] | None:
    """Every real solution of ``equations`` = 0 (polynomials over Q in ``unknowns``), exactly.

    Returns the list of ``{unknown: value}`` (empty when there is no complex solution either)
    and the name of the method that found them, or None when the system has infinitely many
    complex solutions or no shape position was found. Complex solutions never appear: only real
    roots of univariate polynomials are taken, and every other coordinate is a polynomial with
    rational coefficients in such a root.

    The method: a grevlex Gröbner basis, converted to lex by FGLM. A basis in shape position is
    read off directly. Otherwise the univariate eliminant q(u_n) of the basis is factored: a
    rational root of q is substituted and the smaller system solved the same way (recursively);
    an irreducible factor Q of degree >= 2 is added to the basis and that component put in shape
    position by a separating linear form.
    """
    if not all(sp.Poly(e, *unknowns).domain in (sp.ZZ, sp.QQ) for e in equations):
        return None  # coefficients outside Q (exp(100), symbols): not for this method
    found = _solve_ideal(list(equations), list(unknowns), set())
    if found is None:
        return None
    solutions, methods = found
    return solutions, "Gröbner basis (grevlex, FGLM to lex" + "".join(sorted(methods)) + ")"


def _solve_ideal(
    equations: list[sp.Expr], unknowns: list[sp.Symbol], methods: set[str]
) -> tuple[list[dict], set[str]] | None:
    if not unknowns:
        return ([] if any(sp.expand(e) != 0 for e in equations) else [{}]), methods
    graded = sp.groebner(equations, *unknowns, order="grevlex")
    if list(graded.exprs) == [1]:
        return [], methods
    if not graded.is_zero_dimensional:
        return None
    lex = graded.fglm("lex").exprs
    last = unknowns[-1]
    shape = _shape(lex, unknowns)
    if shape is not None:
        return _roots_of_shape(*shape, last), methods
    eliminant = next(p for p in lex if p.free_symbols <= {last})
    factors = [f for f, _ in sp.factor_list(eliminant, last)[1]]
    if len(factors) == 1 and sp.degree(factors[0], last) > 1:
        return _separated(graded.exprs, unknowns, methods)
    out: list[dict] = []
    for factor in factors:
        if sp.degree(factor, last) == 1:
            value = sp.solve(factor, last)[0]
            smaller = [sp.expand(p.xreplace({last: value})) for p in graded.exprs]
            rest = _solve_ideal(smaller, unknowns[:-1], methods)
            methods.add(", rational roots substituted")
            part = None if rest is None else ([s | {last: value} for s in rest[0]], methods)
        else:
            part = _separated([*graded.exprs, factor], unknowns, methods)
        if part is None:
            return None
        out += part[0]
    return out, methods


def _separated(
    equations: list[sp.Expr], unknowns: list[sp.Symbol], methods: set[str]
) -> tuple[list[dict], set[str]] | None:
    """Solutions from a separating linear form t = u_n + Σ c_i u_i as the last lex variable."""
    t = sp.Dummy("t")
    for attempt in range(_SEPARATING_TRIES):
        form = unknowns[-1] + sum(
            (sp.Integer((k + 2) ** (attempt + 1) % 97 + 1) * u for k, u in enumerate(unknowns[:-1])),
            sp.Integer(0),
        )
        extended = sp.groebner([*equations, t - form], *unknowns, t, order="grevlex")
        if list(extended.exprs) == [1]:
            return [], methods
        shape = _shape(extended.fglm("lex").exprs, [*unknowns, t])
        if shape is not None:
            methods.add(", a separating linear form")
            return [{u: s[u] for u in unknowns} for s in _roots_of_shape(*shape, t)], methods
    return None
