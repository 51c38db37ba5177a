"""lagrangekit: constrained optimization with Lagrange multipliers, KKT certificates and
regularized regression.

The public API is curated here and loaded lazily, so ``import lagrangekit`` stays cheap;
heavy dependencies (cvxpy, numba kernels) load only when a feature needs them.
"""

from __future__ import annotations

from ._lazy import lazy_exports

__version__ = "0.1.0"

# public name -> submodule that defines it
_EXPORTS: dict[str, str] = {
    "Constraint": "problem",
    "Problem": "problem",
    "CompiledProblem": "problem",
    "minimize": "problem",
    "BaseProblem": "problem",
    "from_functions": "function_problem",
    "matrix_minimize": "matrix_problem",
    "matrix_maximize": "matrix_problem",
    "MatrixProblem": "matrix_problem",
    "NotQuadraticError": "matrix_coefficients",
    "FunctionProblem": "function_problem",
    "VectorConstraint": "function_problem",
    "to_cvxpy": "cvxpy_export",
    "maximize": "problem",
    "split_nonsmooth": "smooth_split",
    "parse_problem": "parsing",
    "parse_expression": "parsing",
    "Result": "result",
    "KKTReport": "result",
    "LagrangekitError": "errors",
    "ParseError": "errors",
    "LoneVariableWarning": "errors",
    "LocalOptimumWarning": "errors",
    "InfeasibleError": "errors",
    "SymbolicSolveError": "errors",
    "NotConvexError": "errors",
    "NotSmoothError": "errors",
    "UndefinedPointError": "errors",
    "CallableOutputError": "errors",
    "ConvergenceWarning": "errors",
    "check_kkt": "kkt",
    "kkt_points": "symbolic",
    "solve_symbolic": "symbolic",
    "KKTCandidate": "symbolic",
    "latex": "printing",
    "derivation": "printing",
    "Derivation": "printing",
    "solve": "solvers",
    "crosscheck": "solvers",
    "dual": "duality",
    "DualProblem": "duality",
    "duality_gap": "duality",
    "slater_point": "duality",
    "SlaterReport": "duality",
    "CrossCheck": "solvers",
    "fit_mle": "likelihood",
    "mle_symbolic": "likelihood",
    "MLEResult": "likelihood",
}

__all__ = ["__version__", *_EXPORTS]


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())


def __dir__() -> list[str]:
    return sorted(__all__)
