"""Recognize a linear or convex quadratic program in a symbolic problem, as sparse matrices.

A :class:`~lagrangekit.problem.Problem` whose minimize-form objective is a polynomial of degree
at most 2 and whose every constraint is affine is the program

    minimize ½xᵀPx + qᵀx + c  s.t.  A x = b,  G x <= h

where the rows of ``A x − b`` are the equalities h(x) in order and the rows of ``G x − h`` are
the inequalities g(x) followed by the bound rows (:attr:`BaseProblem.bound_rows`): the order of
:class:`~lagrangekit.numeric_form.NumericForm`, so multipliers in our convention
(L = f + λᵀ(Ax − b) + μᵀ(Gx − h), μ >= 0) line up with its rows. The coefficients are read term
by term (:func:`~lagrangekit.quadratic_structure.quadratic_coefficients`), with no
differentiation. :func:`convex_quadratic_program` also proves P positive semidefinite, so that
a KKT point is a global minimizer.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.linalg
import scipy.sparse as sps
import scipy.sparse.linalg as spla

from .problem import BaseProblem
from .quadratic_structure import QuadraticRows, quadratic_coefficients

__all__ = ["QuadraticProgram", "convex_quadratic_program", "is_positive_semidefinite", "quadratic_program"]

#: P is positive semidefinite when P + PSD_SHIFT·max|Pᵢⱼ|·I has a Cholesky factor (the same
#: relative tolerance as the curvature test of :mod:`lagrangekit.solvers.scope`)
PSD_SHIFT = 1e-10
_DENSE_FACTOR = 0.1  # a P with more than this fraction of nonzeros is factored dense

_PROGRAMS: weakref.WeakKeyDictionary[BaseProblem, tuple[QuadraticProgram | None, bool]] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True, eq=False)
class QuadraticProgram:
    """minimize ½xᵀPx + qᵀx + constant s.t. A x = b, G x <= h (rows: inequalities, then bounds).

    Attributes
    ----------
    P : scipy.sparse.csc_matrix
        (n, n) symmetric: the Hessian of the minimize-form objective (no rows for an LP).
    q : numpy.ndarray
        (n,) its gradient at 0.
    constant : float
        Its value at 0.
    A, G : scipy.sparse.csr_matrix
        (m_eq, n) and (m_in, n): the gradients of the equality rows and of the inequality rows
        (general inequalities, then the bound rows).
    b, h : numpy.ndarray
        The right-hand sides: h_j(x) = (A x − b)_j and G_i(x) = (G x − h)_i.
    """

    P: sps.csc_matrix
    q: np.ndarray
    constant: float
    A: sps.csr_matrix
    b: np.ndarray
    G: sps.csr_matrix
    h: np.ndarray

    @property
    def n(self) -> int:
        return len(self.q)

    @cached_property
    def upper_P(self) -> sps.csc_matrix:
        """The upper triangle of P (what conic solvers take)."""
        return sps.triu(self.P, format="csc")

    @cached_property
    def stacked(self) -> tuple[sps.csc_matrix, np.ndarray]:
        """([A; G], [b; h]): every constraint row, equalities first."""
        return sps.vstack([self.A, self.G], format="csc"), np.concatenate([self.b, self.h])

    @property
    def is_linear(self) -> bool:
        """True for a linear program (P is zero)."""
        return self.P.nnz == 0


def _affine_rows(exprs: list, index: dict, n: int) -> tuple[sps.csr_matrix, np.ndarray] | None:
    """(J, −c) of rows J x + c, or None when one of ``exprs`` is not affine."""
    coefficients = []
    for expr in exprs:
        read = quadratic_coefficients(expr, index)
        if read is None or any(len(m) == 2 and c != 0.0 for m, c in read[0].items()):
            return None
        coefficients.append({m: c for m, c in read[0].items() if len(m) < 2})
    rows = QuadraticRows.from_coefficients(coefficients, n)
    return sps.csr_matrix(rows.linear), -rows.constant


def _read(problem: BaseProblem) -> QuadraticProgram | None:
    own = getattr(problem, "quadratic_program", None)  # a matrix-form problem reads its own
    if own is not None:
        return own()
    if not problem.is_symbolic or problem.parameters or not problem.variables:
        return None
    n = problem.n
    index = {v: i for i, v in enumerate(problem.variables)}
    read = quadratic_coefficients(problem.minimize_objective, index)
    if read is None:
        return None
    objective = QuadraticRows.from_coefficients([read[0]], n)
    equalities = _affine_rows([c.expr for c in problem.equalities], index, n)
    inequalities = _affine_rows([c.expr for c in problem.inequalities], index, n)
    if equalities is None or inequalities is None:
        return None
    Q = objective.hessians[0]
    P = sps.csc_matrix((n, n)) if Q is None else sps.csc_matrix(Q)
    P.eliminate_zeros()
    rows = problem.bound_rows
    bounds = sps.csr_matrix(
        ([s for _, s, _ in rows], ([k for k in range(len(rows))], [i for i, _, _ in rows])),
        shape=(len(rows), n),
    )
    G_in, h_in = inequalities
    return QuadraticProgram(
        P=P,
        q=np.asarray(sps.csr_matrix(objective.linear).toarray()).reshape(n),
        constant=float(objective.constant[0]),
        A=equalities[0],
        b=equalities[1],
        G=sps.vstack([G_in, bounds], format="csr"),
        h=np.concatenate([h_in, [s * b for _, s, b in rows]]),
    )


def is_positive_semidefinite(P: sps.spmatrix) -> bool:
    """Whether the symmetric ``P`` is positive semidefinite up to PSD_SHIFT·max|Pᵢⱼ|.

    Diagonal dominance proves it in O(nnz); otherwise P + shift·I is factored: Cholesky for a
    dense P, or sparse LU with a symmetric ordering and no row pivoting (its pivots are then
    those of an LDLᵀ factorization, all positive exactly when the matrix is positive definite).
    """
    P = sps.csc_matrix(P)
    if P.nnz == 0:
        return True
    size = float(np.abs(P.data).max())
    diagonal = P.diagonal()
    off = np.asarray(abs(P).sum(axis=1)).ravel() - np.abs(diagonal)
    if np.all(diagonal >= off):
        return True
    if np.any(diagonal < -PSD_SHIFT * size):
        return False
    n = P.shape[0]
    shifted = P + PSD_SHIFT * size * sps.identity(n, format="csc")
    if P.nnz > _DENSE_FACTOR * n * n:
        try:
            scipy.linalg.cholesky(shifted.toarray(), lower=True, check_finite=False)
        except np.linalg.LinAlgError:
            return False
        return True
    try:
        lu = spla.splu(
            shifted.tocsc(),
            permc_spec="MMD_AT_PLUS_A",
            diag_pivot_thresh=0.0,
            options={"SymmetricMode": True},
        )
    except RuntimeError:  # exactly singular: not positive definite after the shift
        return False
    pivots = lu.U.diagonal()
    return bool(np.all(lu.perm_r == lu.perm_c) and np.all(pivots > 0))


def _cached(problem: BaseProblem) -> tuple[QuadraticProgram | None, bool]:
    entry = _PROGRAMS.get(problem)
    if entry is None:
        program = _read(problem)
        entry = (program, program is not None and is_positive_semidefinite(program.P))
        _PROGRAMS[problem] = entry
    return entry


def quadratic_program(problem: BaseProblem) -> QuadraticProgram | None:
    """The problem as a :class:`QuadraticProgram` when it is one (symbolic, without parameters,
    an objective of degree <= 2 and affine constraints), else None. Read once per problem."""
    return _cached(problem)[0]


def convex_quadratic_program(problem: BaseProblem) -> QuadraticProgram | None:
    """:func:`quadratic_program` when P is also positive semidefinite
    (:func:`is_positive_semidefinite`): a convex problem, whose KKT points are global
    minimizers. None otherwise."""
    program, convex = _cached(problem)
    return program if convex else None
