"""Result and KKTReport: the immutable values every solver and checker returns."""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

__all__ = ["KKTReport", "Result", "Scope", "SCOPES", "Status", "STATUSES", "format_value", "to_jsonable"]

Status = Literal["optimal", "infeasible", "unbounded", "no_kkt_point", "max_iter", "failed"]
STATUSES: tuple[str, ...] = ("optimal", "infeasible", "unbounded", "no_kkt_point", "max_iter", "failed")
Scope = Literal["global", "local"]
SCOPES: tuple[str, ...] = ("global", "local")

RESIDUAL_NAMES: tuple[str, ...] = (
    "stationarity",
    "primal_feasibility",
    "dual_feasibility",
    "complementary_slackness",
)


def _is_sympy(value: Any) -> bool:
    """True for sympy objects; sympy is not imported for this (a value can only be one if it is loaded)."""
    sympy = sys.modules.get("sympy")
    return sympy is not None and isinstance(value, sympy.Basic)


def to_jsonable(value: Any) -> Any:
    """Convert numpy, sympy and container values to plain JSON types.

    Non-finite floats become the strings ``"inf"``, ``"-inf"`` and ``"nan"`` so that
    the output is strict JSON. Exact sympy numbers become ``{"exact": str, "value": float}``.
    """
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return v if math.isfinite(v) else str(v)
    if _is_sympy(value):
        if value.is_number:
            try:
                return {"exact": str(value), "value": to_jsonable(float(value))}
            except TypeError:  # complex or undefined
                return {"exact": str(value), "value": None}
        return {"exact": str(value), "value": None}
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


def _freeze_mapping(mapping: Mapping | None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


def _freeze_array(x: Any) -> np.ndarray:
    arr = np.array(x, dtype=float, copy=True).reshape(-1)
    arr.setflags(write=False)
    return arr


def format_value(value: Any) -> str:
    """A number as the reports print it: floats to 6 significant digits, exact sympy values
    as themselves followed by ``(≈ 0.666667)`` unless that adds nothing."""
    if _is_sympy(value) and not value.is_Float:
        try:
            approx = float(value)
        except TypeError:
            return str(value)
        text = str(value)
        return text if text == f"{approx:.6g}" else f"{text} (≈ {approx:.6g})"
    if isinstance(value, (float, np.floating, int, np.integer)):
        return f"{float(value):.6g}"
    return str(value)


def _table(rows: list[tuple[str, str]]) -> str:
    if not rows:
        return ""
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"  {k.ljust(width)}  {v}" for k, v in rows)


@dataclass(frozen=True)
class KKTReport:
    """The Karush–Kuhn–Tucker conditions of one point, each with its residual.

    The problem is read in standard form: minimize f(x) s.t. g_i(x) <= 0, h_j(x) = 0,
    with L = f + Σ μ_i g_i + Σ λ_j h_j and μ >= 0 (a maximize problem is read as
    minimize −f). All residuals are non-negative infinity norms:

    - ``stationarity``: ‖∇f + Σ μ_i ∇g_i + Σ λ_j ∇h_j‖∞
    - ``primal_feasibility``: max(max_i g_i⁺, max_j |h_j|)
    - ``dual_feasibility``: max_i μ_i⁻
    - ``complementary_slackness``: max_i |μ_i g_i|

    Attributes
    ----------
    stationarity, primal_feasibility, dual_feasibility, complementary_slackness : float
        Absolute residuals (exact sympy numbers when the check was exact).
    multipliers : Mapping[str, float]
        Multipliers by constraint name; bounds use ``"lower:x"`` and ``"upper:x"``.
    active : tuple of str
        Names of the inequality constraints and bounds active within ``tol``.
    licq : bool or None
        Whether the gradients of the active constraints are linearly independent.
    second_order : bool or None
        True if the second-order sufficient condition holds, False if the necessary one
        fails, None if it was not checked or is undecided.
    tol : float
        Tolerance the residuals are compared against.
    scaled : Mapping[str, float]
        Residuals divided by a problem scale (for example max(1, ‖∇f‖∞) for stationarity).
        When a residual is present here, :attr:`ok` compares the scaled value with ``tol``.
    message : str
        Why the point fails, or notes on the check.
    """

    stationarity: Any
    primal_feasibility: Any
    dual_feasibility: Any
    complementary_slackness: Any
    multipliers: Mapping[str, Any] = field(default_factory=dict)
    active: tuple[str, ...] = ()
    licq: bool | None = None
    second_order: bool | None = None
    tol: float = 1e-6
    scaled: Mapping[str, Any] = field(default_factory=dict)
    message: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "multipliers", _freeze_mapping(self.multipliers))
        object.__setattr__(self, "scaled", _freeze_mapping(self.scaled))
        object.__setattr__(self, "active", tuple(self.active))
        for name in RESIDUAL_NAMES:
            value = getattr(self, name)
            if not _is_sympy(value):
                value = float(value)
                if value < 0 or math.isnan(value):
                    raise ValueError(f"{name} residual must be a non-negative number, got {value}")
                object.__setattr__(self, name, value)

    def residual(self, name: str) -> float:
        """The residual compared with ``tol``: the scaled one if present, else the absolute."""
        value = self.scaled.get(name, getattr(self, name))
        return float(value)

    @property
    def first_order_ok(self) -> bool:
        """True when all four first-order residuals are within ``tol``."""
        return all(self.residual(name) <= self.tol for name in RESIDUAL_NAMES)

    @property
    def ok(self) -> bool:
        """True when the four first-order conditions hold within ``tol`` and the
        second-order check, if it was made, did not fail."""
        return self.first_order_ok and self.second_order is not False

    def failed_conditions(self) -> tuple[str, ...]:
        """Names of the first-order conditions whose residual exceeds ``tol``."""
        return tuple(name for name in RESIDUAL_NAMES if self.residual(name) > self.tol)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serializable dict of every field, plus ``ok``."""
        out = {f.name: to_jsonable(getattr(self, f.name)) for f in fields(self)}
        out["ok"] = self.ok
        return out

    def __str__(self) -> str:
        if self.ok:
            verdict = "KKT point"
        elif self.first_order_ok:
            verdict = "KKT point, but not a local minimizer (second order fails)"
        else:
            verdict = "not a KKT point"
        lines = [f"KKTReport: {verdict} (tol={self.tol:g})"]
        rows = []
        for name in RESIDUAL_NAMES:
            mark = "ok" if self.residual(name) <= self.tol else "FAIL"
            value = format_value(getattr(self, name))
            if name in self.scaled:
                value += f"  (scaled {float(self.scaled[name]):.3g})"
            rows.append((name.replace("_", " "), f"{value:<28} {mark}"))
        rows.append(("LICQ", {None: "not checked", True: "holds", False: "fails"}[self.licq]))
        rows.append(
            ("second order", {None: "not checked", True: "sufficient", False: "fails"}[self.second_order])
        )
        rows.append(("active", ", ".join(self.active) or "none"))
        lines.append(_table(rows))
        if self.multipliers:
            lines.append("multipliers:")
            lines.append(_table([(k, format_value(v)) for k, v in self.multipliers.items()]))
        if self.message:
            lines.append(self.message)
        return "\n".join(lines)


@dataclass(frozen=True)
class Result:
    """The single return type of every lagrangekit solver.

    Attributes
    ----------
    x : numpy.ndarray
        Solution, ordered like ``problem.variables`` (read-only).
    point : Mapping[sympy.Symbol, float]
        The same solution keyed by variable.
    fun : float
        The user's objective at ``x``, in the user's sense (f, not −f, for maximize).
    multipliers : Mapping[str, float]
        Multipliers by constraint name, for the minimize form (μ >= 0); bounds use
        ``"lower:x"`` and ``"upper:x"``.
    status : str
        One of ``"optimal"``, ``"infeasible"``, ``"unbounded"``, ``"no_kkt_point"``,
        ``"max_iter"``, ``"failed"``.
    success : bool
        True only when ``status == "optimal"`` and the KKT report backs it.
    scope : {"global", "local"} or None
        How far the optimum is proven. ``"global"``: no feasible point has a lower objective
        (minimize form), because the problem is recognized convex (it exports to cvxpy with
        the curvature its sense needs and no implicit domain), or because enumeration covered
        every candidate of a bounded feasible set: for :func:`~lagrangekit.solve_symbolic`
        every KKT point when every variable has finite bounds, every constraint is affine
        (then every minimizer is a KKT point) and interval arithmetic bounds the objective on
        the box (no pole there); for :func:`~lagrangekit.solve` the ends of the
        interval and every real critical point of a one-variable polynomial objective. ``"local"``: the KKT
        and second-order checks hold, so the point is a local optimum, but a better one
        elsewhere is not ruled out. None when ``status`` is not ``"optimal"`` (set so on
        construction, also by ``dataclasses.replace`` to another status), and when the solver
        that made the Result does not decide it (the dual solve and ``optim`` runs); set by
        :func:`lagrangekit.solve` and :func:`lagrangekit.solve_symbolic`.
    message : str
        Human-readable account of what happened.
    method : str
        What actually ran.
    nit : int
        Iterations (0 for closed forms).
    exact : Mapping or None
        Exact sympy values of variables (by Symbol) and multipliers (by name), or None.
    candidates : tuple
        Every candidate when a method enumerates several (symbolic solving), else empty.
    kkt : KKTReport or None
        The certificate at ``x``.
    history : Mapping or None
        Per-iteration records (for example ``{"fun": [...]}``), or None.
    transforms : tuple of str
        The transforms of the problem an exact solver used, each saying what it did and why it
        keeps the KKT points (:mod:`lagrangekit.symbolic_transforms`); empty when none was used.
    """

    x: np.ndarray
    fun: Any
    status: Status
    success: bool
    method: str
    point: Mapping[Any, Any] = field(default_factory=dict)
    multipliers: Mapping[str, Any] = field(default_factory=dict)
    message: str = ""
    nit: int = 0
    exact: Mapping[Any, Any] | None = None
    candidates: tuple[Any, ...] = ()
    kkt: KKTReport | None = None
    history: Mapping[str, Any] | None = None
    scope: Scope | None = None
    transforms: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")
        if self.scope is not None and self.scope not in SCOPES:
            raise ValueError(f"scope must be one of {SCOPES} or None, got {self.scope!r}")
        if self.status != "optimal":
            object.__setattr__(self, "scope", None)  # only an optimum has a scope
        object.__setattr__(self, "x", _freeze_array(self.x))
        object.__setattr__(self, "point", _freeze_mapping(self.point))
        object.__setattr__(self, "multipliers", _freeze_mapping(self.multipliers))
        object.__setattr__(self, "candidates", tuple(self.candidates))
        object.__setattr__(self, "transforms", tuple(self.transforms))
        if self.exact is not None:
            object.__setattr__(self, "exact", _freeze_mapping(self.exact))
        if self.history is not None:
            object.__setattr__(self, "history", _freeze_mapping(self.history))
        object.__setattr__(self, "success", bool(self.success))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serializable dict of every field."""
        return {f.name: to_jsonable(getattr(self, f.name)) for f in fields(self)}

    @property
    def exact_fun(self) -> Any:
        """The exact objective of an exact result (that of its optimal candidates, or the
        parametric expression in ``fun``), else None."""
        if self.exact is None:
            return None
        if _is_sympy(self.fun):  # a parametric answer: its expression (Piecewise over conditions)
            return self.fun
        return next((c.fun for c in self.candidates if getattr(c, "optimal", False)), None)

    def __str__(self) -> str:
        scope = f", {self.scope} optimum" if self.scope else ""
        lines = [
            f"Result: {self.status}{scope} (method={self.method}, success={self.success}, nit={self.nit})"
        ]
        if self.message:
            lines.append(f"  {self.message}")
        lines.extend(f"  transform: {t}" for t in self.transforms)
        exact_fun = self.exact_fun
        rows = [("f", format_value(self.fun if exact_fun is None else exact_fun))]
        exact = self.exact or {}
        for var, value in self.point.items():
            rows.append((str(var), format_value(exact.get(var, value))))
        lines.append(_table(rows))
        if self.multipliers:
            lines.append("multipliers:")
            lines.append(_table([(k, format_value(exact.get(k, v))) for k, v in self.multipliers.items()]))
        if self.candidates:
            lines.append(f"candidates: {len(self.candidates)}")
            lines.extend(f"  {c}" for c in self.candidates)
        if self.kkt is not None:
            lines.append(str(self.kkt))
        return "\n".join(lines)
