"""latex() and derivation(): the worked solution a notebook user sees.

References: Lagrangians and stationarity equations written out by hand for TEXTBOOK T1 and T2.
"""

from __future__ import annotations

import pytest
import sympy as sp

import lagrangekit as lk

x, y = sp.symbols("x y", real=True)
lam = sp.Symbol("lambda_circle", real=True)
mu = sp.Symbol("mu_floor", real=True)
T1 = lk.maximize(x + y, {"circle": sp.Eq(x**2 + y**2, 1)})
T2 = lk.minimize((y - 1) ** 2, {"floor": y >= 3})


def test_latex_of_lagrangian_matches_hand_written():
    # T1 in minimize form: L = -x - y + λ(x² + y² - 1)
    assert lk.latex(T1.lagrangian()) == sp.latex(-x - y + lam * (x**2 + y**2 - 1))
    text = lk.latex(T2)
    assert text.startswith("\\begin{aligned}") and text.endswith("\\end{aligned}")
    assert sp.latex((y - 1) ** 2 + mu * (3 - y)) in text
    assert "\\text{(floor)}" in text and "\\min_{y}" in text


def test_derivation_shows_system_candidates_and_answer():
    d = lk.derivation(T1)
    # ∂L/∂x = 2λx - 1 and ∂L/∂y = 2λy - 1, by hand
    assert f"∂L/∂x = {sp.sstr(2 * lam * x - 1)} = 0" in d.text
    assert f"∂L/∂y = {sp.sstr(2 * lam * y - 1)} = 0" in d.text
    assert "KKT points (2)" in d.text and "local max, optimal" in d.text and "local min" in d.text
    assert "Answer: optimal" in d.text
    latex = d._repr_latex_()
    assert latex.startswith("$$") and latex.endswith("$$")
    assert sp.latex(2 * lam * x - 1) in latex and sp.latex(sp.sqrt(2) / 2) in latex
    assert str(d) == d.text and d.result.status == "optimal"


def test_exact_results_print_the_exact_objective():
    # T1: maximize x + y on the unit circle, by hand at (√2/2, √2/2): f* = √2
    result = lk.solve_symbolic(T1)
    assert result.exact_fun == sp.sqrt(2)
    assert f"f  {sp.sqrt(2)} (≈ 1.41421)" in str(result)
    assert f"f = {sp.sqrt(2)} (≈ 1.41421)" in lk.derivation(T1).text
    assert sp.latex(sp.sqrt(2)) in lk.latex(result)
    assert lk.solve(T1).exact_fun is None  # a numeric result has no exact objective


def test_derivation_lists_complementary_slackness():
    d = lk.derivation(T2)
    assert "mu_floor >= 0" in d.text and "mu_floor·(3 - y) = 0" in d.text
    assert "multiplier floor = 4" in d.text


def test_latex_of_report_result_and_errors():
    report = lk.check_kkt(T2, [3])
    assert "\\checkmark" in lk.latex(report) and "KKT point" in lk.latex(report)
    assert "\\times" in lk.latex(lk.check_kkt(T2, [0]))
    assert "\\text{floor}" in lk.latex(lk.solve_symbolic(T2))
    with pytest.raises(ValueError, match="latex\\(\\) takes"):
        lk.latex(3.0)
    with pytest.raises(ValueError, match="needs a lagrangekit Problem"):
        lk.derivation("maximize x")
