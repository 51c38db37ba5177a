"""Load the Hock–Schittkowski problems of ../shared/data/hock_schittkowski.json as Problems.

Expressions are read with lagrangekit's safe parser; constraints are named ``eq1, eq2, ...``
and ``ineq1, ineq2, ...`` in file order, bounds are ``lower:xi``/``upper:xi``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

import lagrangekit as lk

HS_PATH = Path(__file__).resolve().parents[2] / "shared" / "data" / "hock_schittkowski.json"


@dataclass(frozen=True)
class HSCase:
    """One HS problem with its published data, multipliers keyed by lagrangekit names."""

    name: str
    problem: lk.Problem
    x_star: np.ndarray
    f_star: float
    multipliers: dict[str, float]
    kkt_point: bool
    listed: dict[str, float]


def _problem(entry: dict[str, Any]) -> lk.Problem:
    variables = [lk.parse_expression(f"x{i}") for i in range(1, entry["n"] + 1)]
    constraints: dict[str, Any] = {}
    for k, text in enumerate(entry["eq"], start=1):
        constraints[f"eq{k}"] = sp.Eq(lk.parse_expression(text), 0)
    for k, text in enumerate(entry["ineq"], start=1):
        constraints[f"ineq{k}"] = lk.parse_expression(text) <= 0
    bounds = {v: tuple(b) for v, b in zip(variables, entry["bounds"]) if b != [None, None]}
    return lk.minimize(
        lk.parse_expression(entry["objective"]), constraints, bounds=bounds, variables=variables
    )


def _multipliers(entry: dict[str, Any], problem: lk.Problem) -> dict[str, float]:
    m = entry["multipliers"]
    out = {f"eq{k}": float(v) for k, v in enumerate(m["eq"], start=1)}
    out |= {f"ineq{k}": float(v) for k, v in enumerate(m["ineq"], start=1)}
    for var, (lo, hi), z_lo, z_hi in zip(
        problem.variables, problem.bounds, m["lower_bounds"], m["upper_bounds"]
    ):
        if lo is not None:
            out[f"lower:{var.name}"] = float(z_lo)
        if hi is not None:
            out[f"upper:{var.name}"] = float(z_hi)
    return out


@cache
def load_hs() -> tuple[HSCase, ...]:
    """Every problem in the file (empty when the file is absent)."""
    if not HS_PATH.exists():
        return ()
    data = json.loads(HS_PATH.read_text())
    cases = []
    for entry in data["problems"]:
        try:
            problem = _problem(entry)
        except lk.ParseError:
            continue  # uses a function the safe parser does not know (erf); see unparsable()
        cases.append(
            HSCase(
                name=entry["name"],
                problem=problem,
                x_star=np.array(entry["x_star"], dtype=float),
                f_star=float(entry["f_star"]),
                multipliers=_multipliers(entry, problem),
                kkt_point=bool(entry["kkt_point"]),
                listed={k: float(v) for k, v in entry["listed_residuals"].items()},
            )
        )
    return tuple(cases)


def hs_names() -> list[str]:
    """Names of the problems, for parametrizing tests (empty when the file is absent)."""
    if not HS_PATH.exists():
        return []
    return [p["name"] for p in json.loads(HS_PATH.read_text())["problems"]]


def unparsable() -> dict[str, str]:
    """Problems the safe parser refuses, with the parser's reason."""
    if not HS_PATH.exists():
        return {}
    out = {}
    for entry in json.loads(HS_PATH.read_text())["problems"]:
        try:
            _problem(entry)
        except lk.ParseError as exc:
            out[entry["name"]] = str(exc).splitlines()[0]
    return out


def hs_case(name: str) -> HSCase:
    """The problem called ``name``."""
    return next(c for c in load_hs() if c.name == name)
