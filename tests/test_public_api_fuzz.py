"""The public-API fuzz of ``benchmarks/fuzz_public_api.py`` as a test.

Random problem texts, hostile ones among them, through parse_problem, solve (every method),
check_kkt and dual. The references are independent of lagrangekit's compile: sympy's ``evalf``
at the returned and at sampled points (feasibility, f(x), a better feasible sample, a strictly
feasible sample against ``infeasible``) and weak duality. No case may give a wrong answer, an
internal error or take over 10 s.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "fuzz_public_api.py"


@cache
def _battery():
    spec = importlib.util.spec_from_file_location("fuzz_public_api", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _assert_clean(outcomes) -> None:
    bad = [o for o in outcomes if o.kind != "clean"]
    assert not bad, "\n".join(f"[{o.kind}] {o.text} ({' -> '.join(o.stages)}): {o.detail}" for o in bad[:5])


@pytest.mark.parametrize(
    "text, method",
    [
        ("minimize log(y) subject to exp(-x) + sin(x) <= 0; x >= -1; y >= 1", "auto"),
        # an infinite derivative (1/lam, sqrt(e) at 0) in the Newton polish's and the
        # Gauss-Newton pull's matrices: LinAlgError from lstsq
        (
            "minimize -1e-6 + 4*lam*select + -5 subject to exp(-lam) + 1/lam >= 1; "
            "exp(-lam) + 1/lam >= 1; select >= 1; select <= 5; e <= 5",
            "auto",
        ),
        ("maximize -1e-6 subject to sqrt(e) >= 0; e >= 0; e <= 0", "auglag"),
        # a pole: at m = 1e-27, 1/m <= 4 is violated by 1e26, which its gradient (1e53) scales
        # below tol; "optimal" at that point was a wrong answer (the only point with m >= 0 and
        # m + sin(m) <= 0 is m = 0, where 1/m is undefined)
        (
            "maximize Max(maximum, maximum) + sin(maximum) + Max(maximum, maximum) + 2 subject to "
            "-4 + 1/maximum <= 0; Max(maximum, maximum) + sin(maximum) <= 0; maximum >= 0",
            "auto",
        ),
    ],
)
def test_cases_found_by_the_fuzz(text, method):
    _assert_clean([_battery().examine(text, method)])


def test_public_api_fuzz_default():
    _assert_clean(_battery().run(12, derandomize=True))


@pytest.mark.slow
def test_public_api_fuzz_slow():
    _assert_clean(_battery().run(400))
