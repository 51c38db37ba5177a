"""Certified real solutions of square polynomial systems over Q by homotopy continuation.

:func:`certified_real_solutions` is the fallback of the exact route for systems whose Gröbner
basis sympy cannot compute in time. It

1. tracks every path of a total-degree homotopy (:mod:`lagrangekit.homotopy`), in double precision,
   and once more with another random γ when a path fails, two paths end on one nonsingular
   root, or a nonreal root's conjugate is missing;
2. sorts the ends: a path whose end Newton's method polishes to a nonsingular point is a finite
   root or a root at infinity (x_0 = 0, dropped); a path whose end stays singular must be
   heading to infinity, seen as |x_0|/‖X‖ below 1e-9 at 1 − t = 1e-10, or falling like a power
   of 1 − t over the checkpoints 1 − t = 1e-6, 1e-8, 1e-10 (by a factor of 0.8 or less each
   time) to below 0.05; any other end (a singular finite root: a
   multiple root or a positive-dimensional component) makes the whole answer None;
3. refines each nearly real finite root by Newton's method in mpmath and proves, by Krawczyk's
   test (:mod:`lagrangekit.krawczyk`), that a box of relative width about 1e-30 around it holds
   exactly one real root; a root that fails makes the whole answer None;
4. gives each certified root exact coordinates when an integer relation finds them and exact
   arithmetic proves them (:mod:`lagrangekit.root_recognition`), else 40-digit floats whose
   box is certified.

Every returned root is proved to exist. That no real root is missing is not proved: it holds with
probability one over the random choices of the homotopy (a bad choice can only lose paths, which
the checks above turn into None in all but degenerate cases). The method string says so.
"""

from __future__ import annotations

from collections.abc import Sequence

import mpmath
import numpy as np
import sympy as sp

from .homotopy import PolynomialSystem, bezout_number, polish, track_total_degree
from .krawczyk import RationalSystem
from .root_recognition import RECOGNITION_DIGITS, recognise

__all__ = ["HOMOTOPY_METHOD", "MAX_PATHS", "certified_real_solutions"]

HOMOTOPY_METHOD = "homotopy continuation"
MAX_PATHS = 20000  # total-degree paths; larger systems return None at once
_CERTIFY_DIGITS = 60
_BOX_WIDTH = mpmath.mpf(2) ** -100  # relative half-width of the certified boxes (about 8e-31)
_AT_INFINITY = 1e-8  # |x_0|/‖X‖ of a nonsingular end at infinity
_REAL = 1e-6  # relative imaginary part of a nearly real root
_DISTINCT = 1e-6  # relative distance below which two ends are the same root
_ATTEMPTS = 2
_RETRY = object()  # the paths of one homotopy did not give a consistent set of roots
_INFINITY_FACTOR = 0.8  # a singular end's |x_0| falls by this factor or more per checkpoint ...
_INFINITY_LAST = 0.05  # ... down to this at the last one
_AT_INFINITY_SINGULAR = 1e-9  # or is this close to x_0 = 0 at the last one


def certified_real_solutions(
    equations: Sequence[sp.Expr],
    unknowns: Sequence[sp.Symbol],
    *,
    exact: bool = False,
    max_paths: int = MAX_PATHS,
    seed: int = 0,
) -> tuple[list[dict[sp.Symbol, sp.Expr]], str] | None:
    """Every real root of the square system ``equations`` = 0 over Q, each proved by Krawczyk's
    test, with the method's name; None when the system is not square over Q, has more than
    ``max_paths`` paths, or a root cannot be certified (see the module doc).

    Returns ``(solutions, method)``: each solution maps every unknown to an exact number (when
    recognised and proved) or to a 40-digit ``Float`` centre of its certified box. The method
    string names the certificate and says that completeness holds with probability one only.
    With ``exact``, a root that is certified but not recognised exactly makes the answer None.
    """
    polys = _polys(equations, unknowns)
    if polys is None or bezout_number(p.total_degree() for p in polys) > max_paths:
        return None
    system = PolynomialSystem.compile([[(m, complex(float(c))) for m, c in p.terms()] for p in polys])
    for attempt in range(_ATTEMPTS):  # another γ and patch when a path failed or jumped
        finite = _finite_roots(system, seed + attempt)
        if finite is not _RETRY:
            break
    if finite is None or finite is _RETRY:
        return None
    exact_system = RationalSystem(polys)
    solutions, recognised, boxes = [], 0, []
    for root in finite:
        if np.abs(root.imag).max() > _REAL * (1 + np.abs(root).max()):
            continue
        certified = _certify(exact_system, polys, unknowns, root.real)
        if certified is None or (exact and not certified[1]):
            return None
        if any(_overlap(certified[2], other) for other in boxes):
            return None  # two ends refined to one root
        solutions.append(certified[0])
        recognised += certified[1]
        boxes.append(certified[2])
    paths = bezout_number(system.degrees)
    if recognised == len(solutions):
        proof = "every real root exactly recognised and proved by exact residual"
    else:
        proof = (
            f"{recognised} of {len(solutions)} real roots exactly recognised, the others given as the "
            "centres of boxes of relative width 1e-30 that Krawczyk's test proves hold exactly one root"
        )
    return solutions, (
        f"{HOMOTOPY_METHOD} (total degree, {paths} paths; Krawczyk-certified, {proof}; that no root "
        "was missed holds with probability one, not proven)"
    )


def _polys(equations: Sequence[sp.Expr], unknowns: Sequence[sp.Symbol]) -> list[sp.Poly] | None:
    if len(equations) != len(unknowns) or not unknowns:
        return None
    try:
        polys = [sp.Poly(e, *unknowns) for e in equations]
    except sp.PolynomialError:
        return None
    if any(p.domain not in (sp.ZZ, sp.QQ) or p.total_degree() < 1 for p in polys):
        return None
    return [p.set_domain(sp.QQ) for p in polys]


def _finite_roots(system: PolynomialSystem, seed: int) -> list[np.ndarray] | object | None:
    """The distinct finite nonsingular roots (complex, affine) from the paths of the homotopy
    built from ``seed``; None for a singular finite end, :data:`_RETRY` for a failed path, two
    paths on one nonsingular root (a path jumped) or a nonreal root whose conjugate is missing
    (the system is real, so its roots come in conjugate pairs)."""
    ends = track_total_degree(system, seed=seed)
    if ends.failed.any():
        return _RETRY
    X, converged = polish(system, ends.points, seed=seed)
    norms = np.linalg.norm(X, axis=1)
    at_infinity = np.abs(X[:, 0]) <= _AT_INFINITY * norms
    roots: list[np.ndarray] = []
    for k in range(X.shape[0]):
        if not converged[k]:
            if not _heading_to_infinity(ends.x0_ratio[k]):
                return None
            continue
        if at_infinity[k]:
            continue
        x = X[k, 1:] / X[k, 0]
        if any(_same_root(x, r) for r in roots):
            return _RETRY
        roots.append(x)
    if not all(any(_same_root(np.conj(x), r) for r in roots) for x in roots):
        return _RETRY
    return roots


def _same_root(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.abs(a - b).max() <= _DISTINCT * (1 + np.abs(a).max()))


def _heading_to_infinity(ratios: np.ndarray) -> bool:
    """Whether |x_0|/‖X‖ at the checkpoints falls like a power of 1 − t to near 0, as on a path to
    infinity (|x_0| ~ (1 − t)^(1/c) for a cycle number c); at a singular finite end it settles
    to a positive value, so the factor per checkpoint tends to 1."""
    if not np.all(np.isfinite(ratios)) or ratios[-1] > _INFINITY_LAST:
        return False
    if ratios[-1] < _AT_INFINITY_SINGULAR:
        return True
    factors = ratios[-2:] / ratios[-3:-1]
    return bool(np.all(factors < _INFINITY_FACTOR))


def _certify(
    system: RationalSystem, polys: list[sp.Poly], unknowns: Sequence[sp.Symbol], start: np.ndarray
) -> tuple[dict[sp.Symbol, sp.Expr], bool, list[tuple[mpmath.mpf, mpmath.mpf]]] | None:
    """The root near ``start`` with exact values (True) or certified 40-digit centres (False),
    and its certified box; None when Newton's method does not settle on a real root or
    Krawczyk's test fails."""
    root = system.refine(start.tolist(), RECOGNITION_DIGITS + 20)
    if root is None:
        return None
    radius = [_BOX_WIDTH * max(1, abs(v)) for v in root]
    box = system.krawczyk(root, radius, _CERTIFY_DIGITS)
    if box is None:
        return None
    exact = recognise(polys, unknowns, root, box)
    if exact is not None:
        return exact, True, box
    if any(low <= 0 <= high for low, high in box):
        return None  # a coordinate that may be 0: its sign is not decided by the box
    return {u: sp.Float(mpmath.nstr(v, 40), 40) for u, v in zip(unknowns, root)}, False, box


def _overlap(a: list[tuple[mpmath.mpf, mpmath.mpf]], b: list[tuple[mpmath.mpf, mpmath.mpf]]) -> bool:
    return all(lo_a <= hi_b and lo_b <= hi_a for (lo_a, hi_a), (lo_b, hi_b) in zip(a, b))
