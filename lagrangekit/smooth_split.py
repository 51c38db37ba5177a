"""split_nonsmooth(): the exact smooth problem behind Abs, Max and Min where one exists.

A sum of terms ``c·Abs(t)``, ``c·Max(a, b, ...)`` (c > 0) and ``c·Min(a, b, ...)`` (c < 0) is a
maximum of smooth pieces: ``c·|t| = max(c·t, −c·t)``, ``c·Max(a, b) = max(c·a, c·b)``,
``c·Min(a, b) = max(c·a, c·b)`` for c < 0, and a sum of maxima is the maximum of the sums of one
piece from each. So

- an inequality ``rest + max_i p_i <= 0`` holds exactly when every ``rest + p_i <= 0`` does, and
- a minimize-form objective ``rest + max_i p_i`` has the same minimizers as ``rest + s`` with a
  new variable s and ``p_i − s <= 0`` (the epigraph: at a minimizer, s = max_i p_i).

Anything else (a concave sign, an equality, a product with an Abs, floor, sign) has no exact
smooth form of this kind and raises :class:`~lagrangekit.NotSmoothError`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import sympy as sp

from .errors import NotSmoothError
from .expression_checks import nonsmooth_term, short
from .problem import Constraint, Problem, symbolic_problem

__all__ = ["split_nonsmooth"]

MAX_PIECES = 64
"""A split that would need more smooth pieces than this for one expression raises instead."""


def split_nonsmooth(problem: Problem) -> Problem:
    """The equivalent smooth problem, with Abs, Max and Min split into smooth pieces.

    Parameters
    ----------
    problem : Problem
        A problem built from sympy expressions.

    Returns
    -------
    Problem
        ``problem`` itself when it is already smooth. Otherwise a new problem with the same
        solutions: an inequality ``name`` whose standard form is a maximum of m smooth pieces
        becomes the inequalities ``name_piece1 .. name_piecem`` (their multipliers sum to the
        subgradient multiplier of ``name``); each non-smooth term of the objective is replaced
        by a new variable ``epigraph1, epigraph2, ...`` (listed after the original variables),
        with the inequalities ``epigraph1_piece1, ...`` saying it lies above every piece.

    Raises
    ------
    lagrangekit.NotSmoothError
        For a non-smooth term the split cannot make exact: in an equality, with the concave
        sign (−Abs, −Max, +Min in the minimize or ``<= 0`` form), inside a product or another
        function, floor, sign, Piecewise, or a split of more than :data:`MAX_PIECES` pieces.

    Examples
    --------
    >>> import sympy as sp, lagrangekit as lk
    >>> x, y = sp.symbols("x y", real=True)
    >>> p = lk.minimize((x - 2)**2 + (y - 2)**2, {"diamond": sp.Abs(x) + sp.Abs(y) <= 1})
    >>> [str(c) for c in lk.split_nonsmooth(p).constraints][:2]
    ['diamond_piece1: x + y - 1 <= 0', 'diamond_piece2: x - y - 1 <= 0']
    """
    problem = symbolic_problem(problem, "split_nonsmooth")
    variables = frozenset(problem.variables)
    constraints: list[Constraint] = []
    for c in problem.constraints:
        if nonsmooth_term(c.expr, variables) is None:
            constraints.append(c)
            continue
        pieces = _pieces_or_raise(c.expr, variables, f"constraint {c.name!r}", c)
        constraints.extend(Constraint(f"{c.name}_piece{i}", "ineq", p) for i, p in enumerate(pieces, 1))
    objective, epigraphs = _epigraph_objective(problem, variables, constraints)
    if not epigraphs and len(constraints) == len(problem.constraints):
        return problem
    new_variables = problem.variables + tuple(epigraphs)
    return Problem(
        objective=-objective if problem.is_maximize else objective,
        sense=problem.sense,
        constraints=tuple(constraints),
        variables=new_variables,
        bounds=problem.bounds + ((None, None),) * len(epigraphs),
    )


def _epigraph_objective(
    problem: Problem, variables: frozenset[sp.Symbol], constraints: list[Constraint]
) -> tuple[sp.Expr, list[sp.Symbol]]:
    """The minimize-form objective with each non-smooth term replaced by an epigraph variable
    (whose piece constraints are appended to ``constraints``), and those variables."""
    taken = {v.name for v in problem.variables}
    smooth: list[sp.Expr] = []
    epigraphs: list[sp.Symbol] = []
    for term in sp.Add.make_args(problem.minimize_objective):
        if nonsmooth_term(term, variables) is None:
            smooth.append(term)
            continue
        pieces = _pieces_or_raise(term, variables, "the objective", None)
        name = f"epigraph{len(epigraphs) + 1}"
        while name in taken:
            name += "_"
        s = sp.Symbol(name, real=True)
        epigraphs.append(s)
        constraints.extend(Constraint(f"{name}_piece{i}", "ineq", p - s) for i, p in enumerate(pieces, 1))
        smooth.append(s)
    return sp.Add(*smooth), epigraphs


def _pieces_or_raise(
    expr: sp.Expr, variables: frozenset[sp.Symbol], what: str, constraint: Constraint | None
) -> list[sp.Expr]:
    if constraint is not None and constraint.kind == "eq":
        raise NotSmoothError(
            f"{what} is an equality with {nonsmooth_term(expr, variables)}: an equality with Abs, "
            "Max or Min is not a maximum of smooth pieces, so it has no exact smooth split; "
            "split it into cases and solve each"
        )
    pieces = _max_pieces(expr, variables)
    if pieces is None:
        raise NotSmoothError(
            f"{what} contains {short(nonsmooth_term(expr, variables))}, which has no exact smooth "
            "split: it enters with the concave sign (-Abs, -Max or +Min in the minimize or <= 0 "
            "form, as in Max(a, b) >= c, an either-or), inside a product or another function, or "
            f"needs more than {MAX_PIECES} pieces. Split the problem into cases and solve each"
        )
    return pieces


def _max_pieces(expr: sp.Expr, variables: frozenset[sp.Symbol]) -> list[sp.Expr] | None:
    """Smooth expressions whose maximum is ``expr``, or None when there are none (or too many)."""
    choices: list[Sequence[sp.Expr]] = []
    for term in sp.Add.make_args(expr):
        if nonsmooth_term(term, variables) is None:
            choices.append([term])
            continue
        pieces = _term_pieces(term, variables)
        if pieces is None:
            return None
        choices.append(pieces)
    count = 1
    for options in choices:
        count *= len(options)
    if count > MAX_PIECES:
        return None
    return [sp.Add(*combination) for combination in itertools.product(*choices)]


def _term_pieces(term: sp.Expr, variables: frozenset[sp.Symbol]) -> list[sp.Expr] | None:
    """Pieces of one term ``c·Abs(t)``, ``c·Max(...)`` (c > 0) or ``c·Min(...)`` (c < 0)."""
    coeff, factor = term.as_coeff_Mul()
    if isinstance(factor, sp.Abs) and coeff > 0:
        arguments = [factor.args[0], -factor.args[0]]
    elif (isinstance(factor, sp.Max) and coeff > 0) or (isinstance(factor, sp.Min) and coeff < 0):
        arguments = list(factor.args)
    else:
        return None
    out: list[sp.Expr] = []
    for argument in arguments:
        sub = _max_pieces(coeff * argument, variables)
        if sub is None:
            return None
        out.extend(sub)
    return out if len(out) <= MAX_PIECES else None
