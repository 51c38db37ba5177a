"""Worked solutions for humans: latex() and derivation(), in plain text and LaTeX for notebooks.

The derivation follows DESIGN.md's standard form: minimize f (−f for a maximize problem) with
L = f + Σ μ_i g_i + Σ λ_j h_j, g_i <= 0 (bounds as ``lower:x``/``upper:x``), μ >= 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sympy as sp

from .problem import Constraint, Problem, symbolic_problem
from .result import RESIDUAL_NAMES, KKTReport, Result, format_value
from .symbolic import KKTCandidate, solve_symbolic

__all__ = ["Derivation", "derivation", "latex"]


@dataclass(frozen=True)
class Derivation:
    """A worked solution, printable as text and shown as LaTeX in Jupyter.

    Attributes
    ----------
    text : str
        Plain-text derivation (what ``print`` shows).
    latex : str
        The same derivation as a LaTeX ``aligned`` block (without ``$$``).
    result : Result or None
        The solution the derivation ends with.
    """

    text: str
    latex: str
    result: Result | None = None

    def __str__(self) -> str:
        return self.text

    def _repr_latex_(self) -> str:
        return f"$$\n{self.latex}\n$$"


def _tex_constraint(c: Constraint) -> str:
    op = "=" if c.kind == "eq" else r"\le"
    return rf"{sp.latex(c.expr)} {op} 0 && \text{{({c.name})}}"


def _tex_problem(problem: Problem) -> list[str]:
    sense = r"\max" if problem.is_maximize else r"\min"
    variables = ", ".join(sp.latex(v) for v in problem.variables)
    rows = [rf"&{sense}_{{{variables}}} \; {sp.latex(problem.objective)}"]
    cons = problem.constraints + problem.bound_constraints()
    for k, c in enumerate(cons):
        rows.append((r"\text{s.t.}\; " if k == 0 else r"\phantom{\text{s.t.}}\; ") + "&" + _tex_constraint(c))
    return rows


def _value_tex(value: Any) -> str:
    if isinstance(value, sp.Basic):
        return sp.latex(value)
    if isinstance(value, float) and math.isnan(value):
        return r"\text{n/a}"
    return f"{float(value):.6g}"


def _tex_report(report: KKTReport) -> list[str]:
    rows = []
    for name in RESIDUAL_NAMES:
        mark = r"\checkmark" if report.residual(name) <= report.tol else r"\times"
        rows.append(rf"&\text{{{name.replace('_', ' ')}}} && {_value_tex(getattr(report, name))} \; {mark}")
    verdict = "KKT point" if report.ok else "not a KKT point"
    rows.append(rf"&\text{{verdict}} && \text{{{verdict} (tol = {report.tol:g})}}")
    return rows


def _tex_candidate(c: KKTCandidate, symbols: dict[str, sp.Symbol] | None = None) -> str:
    """One candidate; multipliers as their Lagrangian symbols when ``symbols`` is given."""
    values = ", ".join(rf"{sp.latex(k)} = {sp.latex(v)}" for k, v in c.point.items())

    def name(k: str) -> str:
        return sp.latex(symbols[k]) if symbols and k in symbols else rf"\text{{{k}}}"

    mults = "".join(rf",\; {name(k)} = {sp.latex(v)}" for k, v in c.multipliers.items())
    star = r"\;\star" if c.optimal else ""
    return rf"&{values} && f = {sp.latex(c.fun)}{mults} && \text{{{c.classification}}}{star}"


def _tex_result(result: Result) -> list[str]:
    rows = [rf"&\text{{status}} && \text{{{result.status}}}"]
    exact = result.exact or {}
    rows.append(rf"&f && {_value_tex(result.fun if result.exact_fun is None else result.exact_fun)}")
    for var, value in result.point.items():
        rows.append(rf"&{sp.latex(var)} && {_value_tex(exact.get(var, value))}")
    for name, value in result.multipliers.items():
        rows.append(rf"&\text{{{name}}} && {_value_tex(exact.get(name, value))}")
    return rows


def _text_answer(result: Result) -> str:
    exact = result.exact or {}
    lines = [f"Answer: {result.status}" + (f" ({result.message})" if result.message else "")]
    if result.point:
        exact_fun = result.exact_fun
        lines.append(f"  f = {format_value(result.fun if exact_fun is None else exact_fun)}")
        lines += [f"  {var} = {format_value(exact.get(var, v))}" for var, v in result.point.items()]
        lines += [
            f"  multiplier {k} = {format_value(exact.get(k, v))}" for k, v in result.multipliers.items()
        ]
    if result.kkt is not None:
        lines.append(str(result.kkt))
    return "\n".join(lines)


def _tex_text(text: str) -> str:
    """Plain text safe inside ``\\text{}``."""
    escapes = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}", "#": r"\#"}
    escapes |= {"%": r"\%", "&": r"\&", "$": r"\$"}
    return "".join(escapes.get(char, char) for char in text)


def _aligned(rows: list[str]) -> str:
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def latex(obj: Any) -> str:
    """LaTeX for a sympy expression, Problem, KKTReport, Result, KKTCandidate or Derivation.

    A Problem is rendered as its statement followed by its Lagrangian in minimize form,
    L = f + Σ μ_i g_i + Σ λ_j h_j (−f for a maximize problem), bounds included.

    Examples
    --------
    >>> import sympy as sp, lagrangekit as lk
    >>> x = sp.Symbol("x", real=True)
    >>> print(lk.latex(lk.minimize(x**2, {"c": x >= 1}).lagrangian()))
    \\mu_{c} \\left(1 - x\\right) + x^{2}
    """
    if isinstance(obj, Derivation):
        return obj.latex
    if isinstance(obj, Problem):
        rows = _tex_problem(obj)
        rows.append(rf"&L = {sp.latex(obj.lagrangian(include_bounds=True))}")
        return _aligned(rows)
    if isinstance(obj, KKTReport):
        return _aligned(_tex_report(obj))
    if isinstance(obj, Result):
        return _aligned(_tex_result(obj))
    if isinstance(obj, KKTCandidate):
        return _aligned([_tex_candidate(obj)])
    if isinstance(obj, sp.Basic):
        return sp.latex(obj)
    own = getattr(obj, "to_latex", None)  # a matrix-form problem renders itself
    if callable(own):
        return own()
    raise ValueError(
        "latex() takes a sympy expression, Problem, MatrixProblem, KKTReport, Result, KKTCandidate or "
        "Derivation; "
        f"got {type(obj).__name__}"
    )


def _system(
    problem: Problem,
) -> tuple[list[tuple[str, sp.Expr]], list[sp.Expr], list[tuple[Constraint, sp.Symbol]]]:
    lagr = problem.lagrangian(include_bounds=True)
    stationarity = [(v.name, sp.expand(sp.diff(lagr, v))) for v in problem.variables]
    mult = problem.multipliers
    ineqs = [(c, mult[c.name]) for c in problem.all_inequalities()]
    return stationarity, [c.expr for c in problem.equalities], ineqs


def derivation(problem: Problem, result: Result | None = None, *, timeout: float | None = 30) -> Derivation:
    """The worked solution of ``problem``: Lagrangian, KKT system, candidates and the answer.

    Parameters
    ----------
    problem : Problem
        The problem, read in minimize form (−f for a maximize problem).
    result : Result, optional
        A solution to show; by default :func:`lagrangekit.solve_symbolic` is run.
    timeout : float or None, default 30
        Passed to :func:`lagrangekit.solve_symbolic` when ``result`` is not given.

    Returns
    -------
    Derivation
        ``print`` it for text; Jupyter shows it as LaTeX.
    """
    problem = symbolic_problem(problem, "derivation()")
    if result is None:
        result = solve_symbolic(problem, timeout=timeout)
    lagr = problem.lagrangian(include_bounds=True)
    stationarity, equalities, ineqs = _system(problem)
    form = " (minimize form: f → −f)" if problem.is_maximize else ""
    text = [str(problem), "", f"Lagrangian{form}:", f"  L = {sp.sstr(lagr)}", "", "Stationarity ∇ₓL = 0:"]
    text += [f"  ∂L/∂{name} = {sp.sstr(e)} = 0" for name, e in stationarity]
    if equalities:
        text.append("Primal feasibility:")
        text += [f"  {sp.sstr(h)} = 0" for h in equalities]
    if ineqs:
        text.append("Inequalities, dual feasibility and complementary slackness:")
        text += [f"  {sp.sstr(c.expr)} <= 0,  {m} >= 0,  {m}·({sp.sstr(c.expr)}) = 0" for c, m in ineqs]
    tex = [*_tex_problem(problem), rf"&L = {sp.latex(lagr)}"]
    tex += [
        rf"&\frac{{\partial L}}{{\partial {sp.latex(sp.Symbol(n))}}} = {sp.latex(e)} = 0"
        for n, e in stationarity
    ]
    tex += [rf"&{sp.latex(h)} = 0" for h in equalities]
    tex += [
        rf"&{sp.latex(c.expr)} \le 0,\; {sp.latex(m)} \ge 0,\; {sp.latex(m)}\,({sp.latex(c.expr)}) = 0"
        for c, m in ineqs
    ]
    if result.transforms:
        text += ["", "Transforms (each keeps the KKT points; multipliers are mapped back):"]
        text += [f"  {t}" for t in result.transforms]
        tex += [rf"&\text{{transform: {_tex_text(t)}}}" for t in result.transforms]
    if result.candidates:
        text += ["", f"KKT points ({len(result.candidates)}):"] + [f"  {c}" for c in result.candidates]
        tex += [
            _tex_candidate(c, problem.multipliers) for c in result.candidates if isinstance(c, KKTCandidate)
        ]
    text += ["", _text_answer(result)]
    tex += _tex_result(result)
    if result.kkt is not None:
        tex += _tex_report(result.kkt)
    return Derivation(text="\n".join(text), latex=_aligned(tex), result=result)
