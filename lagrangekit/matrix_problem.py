"""Matrix-form problems: vector variables (sympy MatrixSymbols) and named data matrices.

    minimize f(w₁, …) s.t. h_j(w) = 0, g_i(w) <= 0 (row-wise), lo <= w <= hi (entry-wise)

with f a 1×1 matrix expression such as Ridge's ``(y - X*w).T*(y - X*w) + alpha*w.T*w`` and each
constraint a vector (or 1×1) relation given as a tuple ``(lhs, "<=" | ">=" | "==", rhs)`` (sympy
cannot form ``w >= 0`` for a matrix, and evaluates ``Eq`` of matrix expressions to False). The
conventions are those of :class:`~lagrangekit.problem.Problem`, row by row: ``a >= b`` is stored
as ``b - a <= 0``, L = f + Σ λ_jᵀh_j + Σ μ_iᵀg_i with μ >= 0, and a maximize problem is read as
minimize −f.

Symbolically (no data needed) it prints its Lagrangian and KKT conditions in matrix form
(matrix calculus by sympy's ``MatrixExpr.diff``) and solves stationarity exactly when it is
linear and there are no inequalities (:meth:`MatrixProblem.closed_form`: the normal equations).
With ``data`` (numpy arrays for the data matrices, numbers for scalar symbols) it is a numeric
problem in the stacked entries ``w_0, w_1, …`` of its variables: a quadratic objective with affine
constraints is read into coefficient matrices straight from the matrix expression
(:mod:`lagrangekit.matrix_coefficients`), so :func:`lagrangekit.solve`,
:func:`lagrangekit.check_kkt` and :func:`lagrangekit.to_cvxpy` work without expanding anything
into scalar sympy terms. Results and reports are grouped back by variable and by constraint
(``result.point[w]`` and ``result.multipliers["long"]`` are arrays).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np
import scipy.sparse as sps
import sympy as sp

from .errors import SymbolicSolveError
from .matrix_coefficients import MatrixCoefficients, NotQuadraticError
from .matrix_groups import RowGroups
from .matrix_inputs import MatrixConstraint, checked_data, entry_bounds, named_constraints
from .matrix_printing import matrix_latex, matrix_text
from .problem import BaseProblem, CompiledProblem, Constraint, Problem, Sense, checked_bounds
from .quadratic_program import QuadraticProgram
from .result import KKTReport, Result

__all__ = ["MatrixConstraint", "MatrixProblem", "matrix_maximize", "matrix_minimize", "matrix_text"]


@dataclass(frozen=True, eq=False)
class MatrixProblem(BaseProblem):
    """A problem in matrix form; build it with :func:`matrix_minimize` or :func:`matrix_maximize`.

    Attributes
    ----------
    objective : sympy.MatrixExpr
        The user's 1×1 objective, in the user's sense.
    sense : {"min", "max"}
    constraints : tuple of MatrixConstraint
        Named, in standard form, row-wise.
    matrix_variables : tuple of sympy.MatrixSymbol
        The column-vector variables; the numeric vector x stacks their entries in this order.
    data : Mapping
        ``{MatrixSymbol: read-only 2-D array, Symbol: float}``; empty for a symbolic-only problem.
    variables : tuple of sympy.Symbol
        The entries ``w_0, w_1, …`` of every variable (empty while sizes are unknown).
    bounds : tuple of (float or None, float or None)
        One pair per entry.
    """

    objective: sp.MatrixExpr
    sense: Sense
    constraints: tuple[MatrixConstraint, ...]
    matrix_variables: tuple[sp.MatrixSymbol, ...]
    data: Mapping[sp.Basic, Any] = field(default_factory=dict)
    variables: tuple[sp.Symbol, ...] = ()
    bounds: tuple[tuple[float | None, float | None], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", MappingProxyType(dict(self.data)))
        object.__setattr__(self, "bounds", checked_bounds(self.variables, self.bounds))

    # ------------------------------------------------------------ names and shapes
    @property
    def is_symbolic(self) -> bool:
        return False

    @cached_property
    def _dims(self) -> dict[sp.Symbol, sp.Integer]:
        return checked_data(self.data)[1]

    def sizes(self) -> tuple[int, ...] | None:
        """The length of each variable, or None when data does not fix them."""
        out = []
        for v in self.matrix_variables:
            k = sp.sympify(v.shape[0]).xreplace(self._dims)
            if not k.is_Integer:
                return None
            out.append(int(k))
        return tuple(out)

    @cached_property
    def _rows(self) -> tuple[tuple[str, str, int], ...]:
        """(row name, constraint name, index) of every constraint row, equalities first."""
        out = []
        for kind in ("eq", "ineq"):
            for c in self.constraints:
                if c.kind != kind:
                    continue
                k = sp.sympify(c.expr.shape[0]).xreplace(self._dims)
                if not k.is_Integer:
                    raise ValueError(
                        f"constraint {c.name!r}: its size {c.expr.shape[0]} is not fixed by data"
                    )
                out += (
                    [(c.name, c.name, 0)] if k == 1 else [(f"{c.name}_{i}", c.name, i) for i in range(int(k))]
                )
        return tuple(out)

    @cached_property
    def _kinds(self) -> dict[str, str]:
        return {c.name: c.kind for c in self.constraints}

    @property
    def eq_names(self) -> tuple[str, ...]:
        return tuple(r for r, c, _ in self._rows if self._kinds[c] == "eq")

    @property
    def ineq_names(self) -> tuple[str, ...]:
        return tuple(r for r, c, _ in self._rows if self._kinds[c] == "ineq")

    def require_symbolic(self, feature: str) -> None:
        """A ValueError naming ``feature``: a matrix problem has no scalar sympy expressions."""
        raise ValueError(
            f"{feature} works on scalar sympy problems, and this is a matrix-form problem. Use its "
            "matrix-form methods (lagrangian(), stationarity(), kkt_text(), closed_form(); lk.solve, "
            "lk.check_kkt and lk.to_cvxpy work on it directly), or problem.to_scalar() to expand it into "
            "scalar sympy (fine for small sizes)"
        )

    def to_text(self) -> str:
        """Not available (problem text is scalar): raises the ValueError of :meth:`require_symbolic`."""
        self.require_symbolic("to_text()")
        raise AssertionError  # pragma: no cover  (require_symbolic always raises)

    def require_data(self, feature: str) -> None:
        """A ValueError naming ``feature`` when the data does not fix every size."""
        if self.sizes() is None or not self.variables:
            raise ValueError(
                f"{feature} needs numbers: pass data={{matrix: array, scalar symbol: value}} to "
                "lk.matrix_minimize so that every size and value is known"
            )

    # ------------------------------------------------------------ symbolic, matrix form
    @cached_property
    def multipliers(self) -> dict[str, sp.Basic]:
        """The multiplier of each constraint, by name: a scalar ``lambda_c``/``mu_c`` for a
        1×1 constraint, a k×1 MatrixSymbol for a vector one."""
        out: dict[str, sp.Basic] = {}
        for c in self.constraints:
            prefix = "lambda" if c.kind == "eq" else "mu"
            rows = c.expr.shape[0]
            out[c.name] = (
                sp.Symbol(f"{prefix}_{c.name}", real=True)
                if rows == 1
                else sp.MatrixSymbol(f"{prefix}_{c.name}", rows, 1)
            )
        return out

    @property
    def minimize_objective(self) -> sp.MatrixExpr:
        """f, or −f for a maximize problem."""
        return -self.objective if self.is_maximize else self.objective

    def lagrangian(self) -> sp.MatrixExpr:
        """L = f + Σ λ_jᵀh_j + Σ μ_iᵀg_i (1×1), f in minimize form; bounds are not included."""
        L = self.minimize_objective
        for c in self.constraints:
            m = self.multipliers[c.name]
            L = L + (m * c.expr if isinstance(m, sp.Symbol) else m.T * c.expr)
        return L

    def _symmetric_data(self) -> dict[sp.Basic, sp.Basic]:
        """{Xᵀ: X} for every square data matrix that is symmetric, to print Σw + Σᵀw as 2Σw."""
        out = {}
        for key, value in self.data.items():
            if (
                isinstance(value, np.ndarray)
                and value.shape[0] == value.shape[1]
                and np.array_equal(value, value.T)
            ):
                out[key.T] = key
        return out

    def stationarity(self) -> dict[sp.MatrixSymbol, sp.MatrixExpr]:
        """∇_w L for each variable w (matrix calculus by sympy), = 0 at a KKT point."""
        L = self.lagrangian()
        symmetric = self._symmetric_data()
        return {w: L.diff(w).xreplace(symmetric).doit() for w in self.matrix_variables}

    def kkt_text(self) -> str:
        """The KKT conditions in matrix form, one per line (∘ is the entry-wise product)."""
        lines = [f"stationarity  ∇_{w.name}: {matrix_text(g)} = 0" for w, g in self.stationarity().items()]
        for c in self.constraints:
            lines.append(f"primal        {c}")
        for c in self.constraints:
            if c.kind == "ineq":
                m = self.multipliers[c.name]
                lines.append(f"dual          {m} >= 0")
                lines.append(f"complementary {m} ∘ ({matrix_text(c.expr)}) = 0")
        if any(b != (None, None) for b in self.bounds):
            lines.append("bounds        lo <= w <= hi entry-wise, with multipliers lower:w, upper:w >= 0")
        return "\n".join(lines)

    def to_latex(self) -> str:
        """LaTeX (an ``aligned`` block) of the statement, the Lagrangian in minimize form and the
        stationarity conditions ∇_w L = 0: what :func:`lagrangekit.latex` returns for it."""
        sense = r"\max" if self.is_maximize else r"\min"
        names = ", ".join(matrix_latex(v) for v in self.matrix_variables)
        rows = [rf"&{sense}_{{{names}}} \; {matrix_latex(self.objective)}"]
        for k, c in enumerate(self.constraints):
            relation = "=" if c.kind == "eq" else r"\le"
            lead = r"\text{s.t.}\; " if k == 0 else r"\phantom{\text{s.t.}}\; "
            rows.append(rf"{lead}&\text{{{c.name}}}:\; {matrix_latex(c.expr)} {relation} 0")
        rows.append(rf"&L = {matrix_latex(self.lagrangian())}")
        rows += [
            rf"&\nabla_{{{matrix_latex(w)}}} L = {matrix_latex(g)} = 0"
            for w, g in self.stationarity().items()
        ]
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def normal_equations(self) -> tuple[sp.MatrixExpr, sp.MatrixExpr]:
        """(A, b) with ∇f = A w − b for the one variable w of an unconstrained problem whose
        stationarity is linear: A w = b are the normal equations.

        Raises
        ------
        SymbolicSolveError
            With more than one variable, with constraints (see :meth:`closed_form`), or when
            ∇f is not affine in w with the coefficient on the left.
        """
        if len(self.matrix_variables) != 1:
            raise SymbolicSolveError("normal_equations() needs exactly one matrix variable")
        (w,) = self.matrix_variables
        gradient = self.minimize_objective.diff(w).xreplace(self._symmetric_data()).doit().expand()
        terms = gradient.args if isinstance(gradient, sp.MatAdd) else (gradient,)
        A, b = [], []
        for term in terms:
            scalars = [a for a in getattr(term, "args", ()) if not isinstance(a, sp.MatrixExpr)]
            factors = (
                [a for a in term.args if isinstance(a, sp.MatrixExpr)]
                if isinstance(term, sp.MatMul)
                else [term]
            )
            coefficient = sp.Mul(*scalars) if isinstance(term, sp.MatMul) else sp.Integer(1)
            if not term.has(w):
                b.append(-term)
            elif factors[-1] == w and not any(f.has(w) for f in factors[:-1]):
                rest = factors[:-1]
                A.append(coefficient * (sp.MatMul(*rest) if rest else sp.Identity(w.shape[0])))
            else:
                raise SymbolicSolveError(f"stationarity is not linear in {w.name}: the term {term}")
        if not A:
            raise SymbolicSolveError(f"the objective does not depend on {w.name}")
        return sp.MatAdd(*A).doit(), (sp.MatAdd(*b).doit() if b else sp.ZeroMatrix(*w.shape))

    def closed_form(self) -> dict[sp.Basic, sp.MatrixExpr]:
        """The exact minimizer when stationarity is linear: w = A⁻¹b from the normal equations
        (:meth:`normal_equations`); with affine equalities C w = d too, by eliminating w from
        the KKT system: λ = (C A⁻¹ Cᵀ)⁻¹(C A⁻¹ b − d), w = A⁻¹(b − Cᵀλ). A must be invertible
        (positive definite for a minimizer; the formula does not check it).

        Raises
        ------
        SymbolicSolveError
            With inequalities or bounds (their KKT system is a complementarity problem: solve it
            numerically with lk.solve), or when stationarity is not linear.
        """
        if any(c.kind == "ineq" for c in self.constraints) or any(b != (None, None) for b in self.bounds):
            raise SymbolicSolveError(
                "closed_form() needs a problem without inequalities or bounds: with them the KKT "
                "system is a complementarity problem; solve it numerically with lk.solve"
            )
        A, b = _cancel_common(*self.normal_equations())
        (w,) = self.matrix_variables
        if not self.constraints:
            return {w: sp.Inverse(A) * b}
        Ai = sp.Inverse(A)
        out: dict[sp.Basic, sp.MatrixExpr] = {}
        C_rows, d_rows = [], []
        for c in self.constraints:
            grad = c.expr.T.diff(w) if c.expr.shape[0] == 1 else None
            if grad is None:
                raise SymbolicSolveError(
                    "closed_form() supports scalar equality constraints; solve numerically"
                )
            C_rows.append(grad.T)
            d_rows.append(-(c.expr - grad.T * w).doit())
        C = C_rows[0] if len(C_rows) == 1 else sp.BlockMatrix([[r] for r in C_rows])
        d = d_rows[0] if len(d_rows) == 1 else sp.BlockMatrix([[r] for r in d_rows])
        lam = sp.Inverse(C * Ai * C.T) * (C * Ai * b - d)
        out[w] = Ai * (b - C.T * lam)
        if len(self.constraints) == 1:
            out[self.multipliers[self.constraints[0].name]] = lam
        return out

    def __str__(self) -> str:
        lines = [f"{'maximize' if self.is_maximize else 'minimize'}  {matrix_text(self.objective)}"]
        if self.constraints:
            lines.append("subject to")
            lines.extend(f"  {c}" for c in self.constraints)
        lines.append("variables: " + ", ".join(f"{v.name} ({v.shape[0]}×1)" for v in self.matrix_variables))
        if self.data:
            lines.append("data: " + ", ".join(sorted(str(k) for k in self.data)))
        return "\n".join(lines)

    # ------------------------------------------------------------ numeric
    @cached_property
    def _reader(self) -> MatrixCoefficients:
        self.require_data("a numeric route")
        return MatrixCoefficients(self.matrix_variables, self.sizes(), self.data, self._dims)

    @cached_property
    def _program(self) -> QuadraticProgram:
        reader = self._reader
        quadratic = reader.quadratic(self.minimize_objective, "the objective")
        N = reader.N
        P = sps.csc_matrix((N, N)) if quadratic.P is None else quadratic.P
        rows = {"eq": [], "ineq": []}
        for c in self.constraints:
            rows[c.kind].append(reader.affine(c.expr, f"constraint {c.name!r}"))
        bound_rows = self.bound_rows
        bounds = sps.csr_matrix(
            ([s for _, s, _ in bound_rows], (np.arange(len(bound_rows)), [i for i, _, _ in bound_rows])),
            shape=(len(bound_rows), N),
        )

        def stacked(parts: list, extra: sps.csr_matrix | None = None, rhs: Sequence[float] = ()) -> tuple:
            blocks = [sps.csr_matrix(p.J) for p in parts] + ([extra] if extra is not None else [])
            J = sps.vstack(blocks, format="csr") if blocks else sps.csr_matrix((0, N))
            return J, np.concatenate([-p.c for p in parts] + [np.asarray(rhs, dtype=float)])

        A, b = stacked(rows["eq"])
        G, h = stacked(rows["ineq"], bounds, [s * v for _, s, v in bound_rows])
        program = QuadraticProgram(
            P=sps.csc_matrix(P), q=quadratic.q, constant=quadratic.c, A=A, b=b, G=G, h=h
        )
        for what, values in (
            ("the objective's", [program.P.data, program.q, [program.constant]]),
            ("the constraints'", [program.A.data, program.b, program.G.data, program.h]),
        ):
            if not all(np.all(np.isfinite(v)) for v in values):
                raise ValueError(
                    f"{what} coefficients overflow float64 (inf or nan after multiplying the data): "
                    "rescale the data"
                )
        return program

    def quadratic_program(self) -> QuadraticProgram | None:
        """The problem as a :class:`~lagrangekit.quadratic_program.QuadraticProgram` in the rows of
        its numeric form (P may be dense), or None when it is not one."""
        try:
            return self._program
        except NotQuadraticError:
            return None

    def compile(self) -> CompiledProblem:
        """Numeric callables of the stacked problem, from the coefficient matrices.

        Raises
        ------
        NotQuadraticError
            When the objective is not quadratic or a constraint not affine (use
            :meth:`to_scalar` for a general problem of small size).
        """
        return self._compiled

    @cached_property
    def _compiled(self) -> CompiledProblem:
        qp = self._program
        N = qp.n
        P = qp.P.toarray() if sps.issparse(qp.P) else np.asarray(qp.P)
        A, G_in = qp.A.toarray(), qp.G[: len(self.ineq_names)].toarray()
        b, h_in = qp.b, qp.h[: len(self.ineq_names)]

        def rows(J: np.ndarray, r: np.ndarray) -> tuple:
            return (lambda x: J @ x - r, lambda x: J, lambda x: np.zeros((len(r), N, N)))

        compiled = self._assemble_compiled(
            n=N,
            fun=lambda x: float(0.5 * x @ (P @ x) + qp.q @ x + qp.constant),
            grad=lambda x: P @ x + qp.q,
            hess=lambda x: P,
            eq=rows(A, b),
            ineq=rows(G_in, h_in),
        )
        return _AffineConstraints(**{f.name: getattr(compiled, f.name) for f in fields(compiled)})

    def export_cvxpy(self) -> tuple[Any, dict[sp.MatrixSymbol, Any], dict[str, Any]]:
        """The problem as cvxpy sees it, from its coefficient matrices (what
        :func:`lagrangekit.to_cvxpy` returns for a matrix-form problem).

        Returns
        -------
        (cvxpy.Problem, {w: cvxpy expression of shape (k,)}, {name: cvxpy constraint})
            The objective ½xᵀPx + qᵀx + c (``quad_form`` with P declared PSD: minimize only,
            after the convexity check), each constraint a vector constraint ``A x == b`` or
            ``G x <= h`` under its own name, bounds as ``lower:w``/``upper:w``; after solving,
            ``constraints[name].dual_value`` is our multiplier (same sign).

        Raises
        ------
        NotConvexError
            When P is not positive semidefinite.
        NotQuadraticError
            When the objective is not quadratic or a constraint not affine.
        """
        import cvxpy as cp

        from .errors import NotConvexError
        from .quadratic_program import is_positive_semidefinite

        qp = self._program
        if not is_positive_semidefinite(qp.P):
            raise NotConvexError(
                f"the {'negated ' if self.is_maximize else ''}objective's Hessian is not positive "
                "semidefinite, so cvxpy cannot take it"
            )
        x = cp.Variable(qp.n, name="x")
        objective = 0.5 * cp.quad_form(x, cp.psd_wrap(qp.P)) + qp.q @ x + qp.constant
        problem_objective = cp.Maximize(-objective) if self.is_maximize else cp.Minimize(objective)
        constraints: dict[str, Any] = {}
        start = {"eq": 0, "ineq": 0}
        for kind in ("eq", "ineq"):
            J, r = (qp.A, qp.b) if kind == "eq" else (qp.G, qp.h)
            for c in self.constraints:
                if c.kind != kind:
                    continue
                k = sum(1 for _, name, _ in self._rows if name == c.name)
                rows = slice(start[kind], start[kind] + k)
                lhs = J[rows] @ x - r[rows]
                constraints[c.name] = (lhs == 0) if kind == "eq" else (lhs <= 0)
                start[kind] += k
        variables, offset = {}, 0
        for v, k in zip(self.matrix_variables, self.sizes()):
            variables[v] = x[offset : offset + k]
            offset += k
        bound_start = start["ineq"]
        for side in ("lower", "upper"):
            for v in self.matrix_variables:
                name = f"{side}:{v.name}"
                rows = [
                    bound_start + i
                    for i, flat in enumerate(self.bound_names)
                    if self.row_groups.groups[flat][0] == name
                ]
                if rows:
                    constraints[name] = qp.G[rows] @ x - qp.h[rows] <= 0
        return cp.Problem(problem_objective, list(constraints.values())), variables, constraints

    def to_scalar(self) -> Problem:
        """The same problem in scalar sympy, entry by entry (data substituted, bounds kept):
        every symbolic feature then works on it. Its variables are this problem's entries and
        its constraint names this problem's row names. Costs grow with the size: for small
        problems."""
        self.require_data("to_scalar()")
        entries = {}
        start = 0
        for v, k in zip(self.matrix_variables, self.sizes()):
            entries[v] = sp.ImmutableMatrix(self.variables[start : start + k])
            start += k
        values = {
            key: (sp.ImmutableMatrix(v) if isinstance(v, np.ndarray) else sp.Float(v))
            for key, v in self.data.items()
        }
        values.update(entries)

        def explicit(expr: sp.Basic) -> sp.Matrix:
            sized = expr.xreplace(values).xreplace(self._dims).doit()
            return sp.Matrix(sized.as_explicit() if isinstance(sized, sp.MatrixExpr) else sized)

        objective = sp.expand(explicit(self.objective)[0, 0])
        constraints = []
        names = iter(self._rows)
        for kind in ("eq", "ineq"):
            for c in self.constraints:
                if c.kind == kind:
                    for value in explicit(c.expr):
                        constraints.append(Constraint(next(names)[0], kind, sp.expand(value)))
        return Problem(
            objective=objective,
            sense=self.sense,
            constraints=tuple(constraints),
            variables=self.variables,
            bounds=self.bounds,
        )

    # ------------------------------------------------------------ grouping
    @cached_property
    def row_groups(self) -> RowGroups:
        """The map between this problem's flat rows and its constraints and bounds as groups."""
        return RowGroups(
            constraints=tuple((c.name, c.expr.shape[0] == 1) for c in self.constraints),
            variables=tuple(zip(self.matrix_variables, self.sizes() or ())),
            rows=self._rows,
            bounds=tuple((flat, j, sign) for flat, (j, sign, _) in zip(self.bound_names, self.bound_rows)),
        )

    def group_point(self, x: np.ndarray) -> dict[sp.MatrixSymbol, np.ndarray]:
        """{w: its entries} from the stacked x."""
        return self.row_groups.point(x)

    def group_report(self, report: KKTReport) -> KKTReport:
        """``report`` with its multipliers grouped by constraint (arrays for vector constraints)."""
        groups = self.row_groups
        active = tuple(dict.fromkeys(groups.groups.get(a, (a, 0))[0] for a in report.active))
        return replace(report, multipliers=groups.grouped(report.multipliers), active=active)

    def group_result(self, result: Result) -> Result:
        """``result`` with ``point`` {w: array} and multipliers grouped by constraint."""
        return replace(
            result,
            point=self.group_point(result.x),
            multipliers=self.row_groups.grouped(result.multipliers),
            kkt=None if result.kkt is None else self.group_report(result.kkt),
        )

    def scalar_inputs(self, point: Any, multipliers: Mapping[str, Any] | None) -> tuple[Any, Any]:
        """A point ``{w: array}`` as the stacked array, and multipliers given by constraint
        (arrays for vector constraints and bounds) as values by row name."""
        self.require_data("check_kkt and x0")
        groups = self.row_groups
        if isinstance(point, Mapping) and any(isinstance(k, sp.MatrixSymbol) for k in point):
            point = groups.stacked(point)
        if multipliers is None:
            return point, None
        if not isinstance(multipliers, Mapping):
            raise ValueError(
                f"multipliers must be a dict {{constraint name: value}}, got {type(multipliers).__name__}"
            )
        unknown = [k for k in multipliers if k not in groups.members and k not in groups.groups]
        if unknown:
            raise ValueError(
                f"multipliers has unknown names {unknown}; valid names are {sorted(groups.members)}"
            )
        return point, groups.flat(multipliers)


@dataclass(frozen=True, eq=False)
class _AffineConstraints(CompiledProblem):
    """Compiled callables whose constraints are all affine: ∇²L is ∇²f, and the zero Hessians
    of the (possibly many) constraint rows are never built for it."""

    def lagrangian_hessian(self, x: np.ndarray, eq_mult: np.ndarray, ineq_mult: np.ndarray) -> np.ndarray:
        return self.hess(x)


def _cancel_common(A: sp.MatrixExpr, b: sp.MatrixExpr) -> tuple[sp.MatrixExpr, sp.MatrixExpr]:
    """(A, b) divided by the common rational factor of their terms (2(αI + XᵀX) w = 2Xᵀy
    becomes (αI + XᵀX) w = Xᵀy)."""
    terms = [t for M in (A, b) for t in (M.args if isinstance(M, sp.MatAdd) else (M,))]
    coefficients = [sp.sympify(t.as_coeff_mmul()[0]).as_coeff_Mul()[0] for t in terms]
    if not all(c.is_Rational and c != 0 for c in coefficients):
        return A, b
    common = sp.gcd_list(coefficients)
    if common in (0, 1):
        return A, b
    return (A / common).doit(), (b / common).doit()


def _build(
    sense: Sense,
    objective: Any,
    constraints: Any,
    variables: Sequence[sp.MatrixSymbol],
    data: Mapping[sp.Basic, Any] | None,
    bounds: Mapping[sp.MatrixSymbol, Any] | None,
) -> MatrixProblem:
    if not isinstance(objective, sp.MatrixExpr) or objective.shape != (1, 1):
        shape = getattr(objective, "shape", None)
        raise ValueError(
            f"objective must be a 1×1 sympy matrix expression such as w.T*S*w, got "
            f"{type(objective).__name__}{'' if shape is None else f' of shape {shape}'}"
        )
    variables = tuple(variables or ())
    if not variables:
        raise ValueError("variables must name the matrix variables, e.g. variables=[w]")
    for v in variables:
        if not isinstance(v, sp.MatrixSymbol) or v.shape[1] != 1:
            raise ValueError(f"variables must be column-vector MatrixSymbols (k×1), got {v!r}")
    if len(set(variables)) != len(variables):
        raise ValueError("variables must not repeat")
    data = dict(data or {})
    clash = [k.name for k in data if k in variables]
    if clash:
        raise ValueError(f"data gives values for the variables {clash}; variables are solved for, not given")
    cons = named_constraints(constraints)
    values, dims = checked_data(data)
    sizes = [sp.sympify(v.shape[0]).xreplace(dims) for v in variables]
    known = all(s.is_Integer for s in sizes)
    entries = tuple(
        sp.Symbol(f"{v.name}_{i}", real=True)
        for v, k in zip(variables, sizes)
        if known
        for i in range(int(k))
    )
    per_entry = entry_bounds(variables, [int(k) for k in sizes] if known else None, bounds)
    return MatrixProblem(
        objective=objective,
        sense=sense,
        constraints=cons,
        matrix_variables=variables,
        data=values,
        variables=entries,
        bounds=tuple(per_entry),
    )


def matrix_minimize(
    objective: sp.MatrixExpr,
    constraints: Any = None,
    *,
    variables: Sequence[sp.MatrixSymbol],
    data: Mapping[sp.Basic, Any] | None = None,
    bounds: Mapping[sp.MatrixSymbol, Any] | None = None,
) -> MatrixProblem:
    """Build the matrix-form problem: minimize ``objective`` subject to ``constraints``.

    Parameters
    ----------
    objective : sympy.MatrixExpr
        A 1×1 matrix expression in the variables and data, e.g. ``(y - X*w).T*(y - X*w) +
        alpha*w.T*w``.
    constraints : dict {name: (lhs, op, rhs)} or list of such tuples, optional
        ``op`` is ``"<="``, ``">="`` or ``"=="``; a number on one side is broadcast to the
        other's shape (``(w, ">=", 0)``). Rows of a vector constraint ``c`` of size k are
        named ``c_0 … c_{k-1}`` in the numeric form; results group them back under ``c``.
        Unnamed constraints are ``c1, c2, …``.
    variables : sequence of sympy.MatrixSymbol
        Column vectors (k×1) to solve for; their sizes may be symbols fixed by the data.
    data : dict, optional
        ``{MatrixSymbol: array, Symbol: number}``: the values of the data matrices (1-D
        arrays are read as columns for k×1 symbols) and scalar parameters. Copied; NaN/inf
        or shapes that disagree with the symbols raise ValueError. Without data only the
        symbolic matrix-form methods work.
    bounds : dict {MatrixSymbol: (lo, hi)}, optional
        Entry-wise bounds, numbers or arrays, None for a missing side; multipliers are
        reported under ``"lower:w"`` and ``"upper:w"``.

    Returns
    -------
    MatrixProblem

    Examples
    --------
    >>> import numpy as np, sympy as sp, lagrangekit as lk
    >>> n, m = sp.symbols("n m", integer=True, positive=True)
    >>> X, y, w = sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("y", m, 1), sp.MatrixSymbol("w", n, 1)
    >>> alpha = sp.Symbol("alpha", positive=True)
    >>> ridge = lk.matrix_minimize((y - X*w).T*(y - X*w) + alpha*w.T*w, variables=[w])
    >>> ridge.closed_form()[w]
    (alpha*I + X.T*X)**(-1)*X.T*y
    """
    return _build("min", objective, constraints, variables, data, bounds)


def matrix_maximize(
    objective: sp.MatrixExpr,
    constraints: Any = None,
    *,
    variables: Sequence[sp.MatrixSymbol],
    data: Mapping[sp.Basic, Any] | None = None,
    bounds: Mapping[sp.MatrixSymbol, Any] | None = None,
) -> MatrixProblem:
    """:func:`matrix_minimize` for maximize ``objective``, solved as minimize −objective
    (multipliers are those of the minimize form, μ >= 0)."""
    return _build("max", objective, constraints, variables, data, bounds)
