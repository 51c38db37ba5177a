"""Every script in examples/ runs headless, and prints the numbers TEXTBOOK.md states.

The expected values below are TEXTBOOK.md's (or closed forms, Hock–Schittkowski's
published solution, scikit-learn), written out here independently of the examples.
"""

from __future__ import annotations

import importlib.util
import math
import re
import runpy
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SQRT2_2 = math.sqrt(2) / 2
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def run_example(name: str, capsys: pytest.CaptureFixture) -> str:
    """Run one example in this process (headless), returning what it printed.

    The hang guard counts this process's CPU time, not wall time, which other jobs on a
    loaded machine inflate (plot_softmax_regression: 8 s of CPU took 31 s of wall time)."""
    plt.close("all")
    start = time.process_time()
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    elapsed = time.process_time() - start
    plt.close("all")
    assert elapsed < 30, f"{name} took {elapsed:.1f} s of CPU time"
    return capsys.readouterr().out


def values(output: str, tag: str, index: int = 0) -> dict[str, float | str]:
    """The ``key = value`` pairs of the ``index``-th line starting with ``tag:``."""
    lines = [line for line in output.splitlines() if line.startswith(f"{tag}:")]
    assert len(lines) > index, f"no line {index} for {tag} in:\n{output}"
    out: dict[str, float | str] = {}
    for piece in lines[index][len(tag) + 1 :].split(", "):
        key, sep, value = piece.rpartition(" = ")
        if sep:
            key, value = key.strip(), value.strip()
            out[key] = float(value) if re.fullmatch(_NUMBER, value) else value
    return out


def _requirements():
    spec = importlib.util.spec_from_file_location("_requirements", EXAMPLES / "_requirements.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REQUIREMENTS = _requirements()


def test_every_example_is_tested() -> None:
    scripts = {p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_")}
    assert scripts == set(REQUIREMENTS.NEEDS)
    assert scripts == set(EXPECTATIONS) | {"quickstart.py"}  # tests/test_quickstart.py runs that one


# ----------------------------------------------------------------------------- T1–T5
def check_lagrange_kkt(out: str) -> None:
    t1 = values(out, "T1")
    assert t1["x"] == pytest.approx(SQRT2_2, abs=1e-6) and t1["y"] == pytest.approx(SQRT2_2, abs=1e-6)
    assert t1["f"] == pytest.approx(math.sqrt(2), abs=1e-6)
    assert t1["lambda"] == pytest.approx(SQRT2_2, abs=1e-6)
    exact = values(out, "T1 exact")
    assert (exact["x"], exact["y"], exact["lambda"]) == ("sqrt(2)/2", "sqrt(2)/2", "sqrt(2)/2")
    candidates = [line for line in out.splitlines() if line.startswith("T1 candidate:")]
    assert len(candidates) == 2 and sum("local max" in c for c in candidates) == 1
    at_max, at_min = values(out, "T1", 1), values(out, "T1", 2)
    assert at_max["at x"] == pytest.approx(SQRT2_2, abs=1e-6) and at_max["lambda"] == pytest.approx(
        SQRT2_2, abs=1e-6
    )
    assert at_min["at x"] == pytest.approx(-SQRT2_2, abs=1e-6)
    assert out.count("first order ok = True") == 2
    assert "second order: maximum" in out and "second order: not a maximum" in out
    assert at_min["lambda"] == pytest.approx(-SQRT2_2, abs=1e-6)
    t2 = values(out, "T2")
    assert t2["y"] == pytest.approx(3.0, abs=1e-6) and t2["mu"] == pytest.approx(4.0, abs=1e-6)
    assert "floor" in str(t2["active"])
    t3 = values(out, "T3")
    assert (t3["x"], t3["y"]) == (pytest.approx(-0.5, abs=1e-6), pytest.approx(0.5, abs=1e-6))
    assert t3["f"] == pytest.approx(math.exp(-0.5), abs=1e-6)
    assert t3["lambda"] == pytest.approx(math.exp(-0.5), abs=1e-6)
    t4 = values(out, "T4")
    assert (t4["x"], t4["y"], t4["f"], t4["lambda"]) == (
        pytest.approx(5, abs=1e-6),
        pytest.approx(5, abs=1e-6),
        pytest.approx(25, abs=1e-6),
        pytest.approx(5, abs=1e-6),
    )
    infeasible, wrong_multiplier = values(out, "T5"), values(out, "T5", 1)
    assert infeasible["ok"] == "False" and "primal_feasibility" in str(infeasible["failed"])
    assert wrong_multiplier["ok"] == "False" and wrong_multiplier["failed"] == "stationarity"
    import sympy as sp

    mu = sp.Symbol("mu_floor")
    dual_function = sp.sympify(values(out, "T5", 2)["dual function"])
    assert sp.expand(sp.nsimplify(dual_function) - (2 * mu - mu**2 / 4)) == 0  # derived by hand
    strong = values(out, "T5", 3)
    assert strong["Slater holds"] == "True" and strong["gap"] < 1e-8
    assert strong["dual optimum"] == pytest.approx(4.0, abs=1e-6) and strong["mu"] == pytest.approx(
        4.0, abs=1e-6
    )


# ----------------------------------------------------------------------------- G1–G5
def check_gradient_descent(out: str) -> None:
    g1 = values(out, "G1")
    assert (g1["w1"], g1["w2"], g1["w3"]) == (0.38, 0.338, 0.3338)
    assert g1["w50"] == pytest.approx(1 / 3, abs=1e-6)
    assert values(out, "G2", 0)["x20"] == 2097152  # 2·(−2)²⁰
    assert values(out, "G2", 1)["x20"] == pytest.approx(2.097e-14, rel=1e-3)
    slow = values(out, "G2", 2)
    assert slow["x1"] == 1.996 and slow["x20"] == pytest.approx(1.92150, abs=1e-5)
    critical = re.findall(
        rf"x = ({_NUMBER}) \(f = ({_NUMBER})\)", out.split("G3: critical points")[1].splitlines()[0]
    )
    xs = sorted(float(x) for x, _ in critical)
    assert xs == [pytest.approx(-3.351, abs=1e-3), pytest.approx(-0.149, abs=1e-3), pytest.approx(2.0)]
    assert float(critical[0][1]) == pytest.approx(-53.739, abs=1e-3)
    gd = values(out, "G3", 1)
    assert gd["gd x1"] == 1.4 and gd["x17"] == 2.0
    assert values(out, "G3", 2)["momentum x200"] == pytest.approx(-3.3507, abs=1e-4)
    bouncing = values(out, "G3", 3)
    assert bouncing["step 0.045 min"] < -3.35 < bouncing["max"] < -0.149 and bouncing["spread"] > 1
    for k, name in enumerate(["GD", "Momentum", "AdaGrad", "RMSProp", "Adam"]):
        g4 = values(out, "G4", k)
        assert abs(g4[f"{name} x"]) < 1e-3 and abs(g4["y"]) < 1e-3, name  # all reach (0, 0)
    g5 = values(out, "G5")
    assert g5["forward error"] == pytest.approx(1.0e-3, rel=0.01)  # O(h): f″(1)h/2 = 20·1e−4/2
    assert g5["central error"] == pytest.approx(4e-8, rel=0.05)  # O(h²): f‴h²/6 = 24·1e−8/6


# ----------------------------------------------------------------------------- L1–L6
def check_likelihood(out: str) -> None:
    exact = values(out, "L1")
    assert exact["score minus (2/w - 3/(1 - w))"] == 0
    assert exact["w_hat"] == "2/5" and exact["se"] == "sqrt(30)/25"
    assert values(out, "L1", 1)["se"] == pytest.approx(math.sqrt(30) / 25, abs=1e-4)
    fit = values(out, "L1", 2)
    assert fit["p"] == 0.4 and fit["se"] == pytest.approx(0.2191, abs=1e-4)
    assert fit["llf"] == pytest.approx(2 * math.log(0.4) + 3 * math.log(0.6), abs=1e-6)  # −3.365058
    assert fit["aic"] == pytest.approx(8.7301, abs=1e-4)
    lr = values(out, "L1", 3)
    assert lr["lr statistic"] == pytest.approx(0.20136, abs=1e-5) and lr["p value"] == pytest.approx(
        0.6536, abs=1e-4
    )
    l2 = values(out, "L2")
    assert l2["mean BCE"] == pytest.approx(l2["by hand"], abs=1e-12) == l2["NLL/m"]
    l3 = values(out, "L3")
    assert l3["dL/dz"] == pytest.approx(1 / (1 + math.exp(-0.7)) - 1, abs=1e-8) == l3["numeric"]
    assert values(out, "L3", 1)["max sigma'(z)"] == 0.25
    assert values(out, "L4")["CE"] == values(out, "L4")["-log p0"]
    assert "grad = [-0.340999, 0.242433, 0.098566]" in out  # softmax([2, 1, 0.1]) − e₀
    assert values(out, "L4", 2)["jacobian error"] < 1e-8
    l5 = values(out, "L5")
    obs = [2.1, 1.9, 3.2, 2.8, 2.5]
    mean = sum(obs) / 5
    assert l5["sigma2_hat"] == pytest.approx(sum((o - mean) ** 2 for o in obs) / 5, abs=1e-6)
    assert values(out, "L5", 1)["NLL(sigma = 1) - n*MSE/2"] == pytest.approx(
        2.5 * math.log(2 * math.pi), abs=1e-6
    )
    l6 = values(out, "L6")
    assert l6["separable"] == "True" and l6["warning"] == "PerfectSeparationWarning"
    assert "does not exist" in out.split("L6:")[2]
    from sklearn.linear_model import LogisticRegression

    penalized = values(out, "L6", 2)
    assert penalized["alpha"] == 0.1
    # the same objective in scikit-learn: C = 1/(n·alpha) = 2
    ref = LogisticRegression(C=2.0, tol=1e-12, max_iter=10_000).fit(
        [[10], [9], [3], [2], [1]], [1, 1, 0, 0, 0]
    )
    assert penalized["slope"] == pytest.approx(ref.coef_[0, 0], abs=1e-5)
    assert penalized["intercept"] == pytest.approx(ref.intercept_[0], abs=1e-5)


# ----------------------------------------------------------------------------- HS71
def check_verify_paper(out: str) -> None:
    hs = values(out, "HS71")
    assert (
        hs["f"] == pytest.approx(17.0140173, abs=1e-6) and hs["ok"] == "True" and hs["second order"] == "True"
    )
    # Hock–Schittkowski's multipliers of problem 71 (also in Ipopt's hs071 output)
    m = values(out, "HS71", 1)
    assert m["mu_product"] == pytest.approx(0.552294, abs=1e-5)
    assert m["lambda_sphere"] == pytest.approx(0.161469, abs=1e-5)
    assert m["mu_lower_x1"] == pytest.approx(1.087871, abs=1e-5)
    swapped = values(out, "HS71 swapped")
    assert swapped["ok"] == "False" and swapped["failed"] == "stationarity"


# ----------------------------------------------------------------------------- R1–R3, T6
def check_ridge(out: str) -> None:
    import numpy as np
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import RidgeCV

    r1 = values(out, "R1")
    assert r1["slope"] == pytest.approx(0.6, abs=1e-6) and r1["intercept"] == pytest.approx(1.2, abs=1e-6)
    gd = values(out, "R1", 1)
    assert gd["gd slope"] == pytest.approx(0.6, abs=1e-5) and gd["intercept"] == pytest.approx(1.2, abs=1e-5)
    r2 = values(out, "R2")
    expected = {"w1": 0.79548, "w2": 0.40838, "w3": 0.75459, "b": 4.40211}  # TEXTBOOK R2
    assert {k: r2[k] for k in expected} == {k: pytest.approx(v, abs=1e-5) for k, v in expected.items()}
    r3 = values(out, "R3")
    assert r3["max |w| unregularized"] > 1e4 and r3["max |w| with alpha 1e-3"] < 100  # explode, then tamed
    t6 = values(out, "T6")
    assert t6["multiplier"] == pytest.approx(2.0, rel=1e-6) and t6["max coef difference"] < 1e-8
    general = values(out, "T6", 1)
    assert general["lk.solve multiplier"] == pytest.approx(2.0, rel=1e-5) and general["kkt ok"] == "True"
    Xd, yd = load_diabetes(return_X_y=True)
    reference = RidgeCV(alphas=np.logspace(-4, 2, 60)).fit(Xd, yd)  # scikit-learn's LOO choice
    assert values(out, "Ridge path")["RidgeCV alpha"] == pytest.approx(reference.alpha_, rel=1e-4)


# ----------------------------------------------------------------------------- Lasso
def check_lasso(out: str) -> None:
    import numpy as np
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Lasso, LassoCV

    X, y = load_diabetes(return_X_y=True)
    alpha_max = np.abs((X - X.mean(0)).T @ (y - y.mean())).max() / len(y)  # computed independently
    assert values(out, "Lasso")["alpha_max"] == pytest.approx(alpha_max, rel=1e-6)
    one = values(out, "Lasso", 1)
    reference = Lasso(alpha=0.5, tol=1e-12, max_iter=100_000).fit(X, y)
    assert one["nonzero"] == np.count_nonzero(reference.coef_) and one["kkt ok"] == "True"
    assert one["dual gap"] < 1e-6 * np.sum((y - y.mean()) ** 2) / (2 * len(y))  # gap <= tol·P(0)
    coef = [float(v) for v in values(out, "Lasso", 2)["coef"].split()]
    np.testing.assert_allclose(coef, reference.coef_, atol=1e-3)
    assert values(out, "Lasso", 3)["alpha_max fit nonzero"] == 0
    constrained = values(out, "Constrained")
    assert constrained["t"] == pytest.approx(np.abs(reference.coef_).sum(), rel=1e-6)
    assert constrained["multiplier"] == pytest.approx(0.5, abs=1e-6)  # the round trip recovers alpha
    path = values(out, "Path")
    assert path["LassoCV alpha"] == pytest.approx(LassoCV(cv=5).fit(X, y).alpha_, rel=1e-5)


# ----------------------------------------------------------------------------- scripts
def check_solve_from_script(out: str) -> None:
    import numpy as np
    from scipy.optimize import minimize

    box = values(out, "Box")
    for key in ("x", "y", "z", "f", "lambda"):  # the cube, λ = yz = 1 (hand derivation)
        assert box[key] == pytest.approx(1.0, abs=1e-6), key

    def rosenbrock(v):
        return (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2

    ref = minimize(
        rosenbrock,
        [0.0, 0.0],
        method="SLSQP",
        constraints=[{"type": "ineq", "fun": lambda v: 1 - v[0] ** 2 - v[1] ** 2}],
        tol=1e-12,
    )
    grad_f = np.array(
        [-2 * (1 - ref.x[0]) - 400 * ref.x[0] * (ref.x[1] - ref.x[0] ** 2), 200 * (ref.x[1] - ref.x[0] ** 2)]
    )
    grad_g = 2 * ref.x
    mu = -grad_f @ grad_g / (grad_g @ grad_g)  # stationarity ∇f + μ∇g = 0 at scipy's point
    banana = values(out, "Rosenbrock")
    assert (banana["x1"], banana["x2"]) == (pytest.approx(0.7864, abs=1e-4), pytest.approx(0.6177, abs=1e-4))
    assert banana["f"] == pytest.approx(ref.fun, abs=1e-6) and banana["mu"] == pytest.approx(mu, rel=1e-4)
    assert values(out, "Portfolio")["max difference"] < 1e-6
    assert values(out, "Portfolio", 1)["dcp"] == "True"
    portfolio = values(out, "Portfolio", 2)  # f(b) = 0.02 − 0.19b + 0.25b² on a = 1 − b: b = 0.38
    assert (portfolio["a"], portfolio["b"]) == (pytest.approx(0.62, abs=1e-6), pytest.approx(0.38, abs=1e-6))
    grid = np.linspace(-3, 3, 2_000_001)
    best = np.min(np.sin(3 * grid) + (grid - 1) ** 2 / 4)
    assert values(out, "Wavy", 0)["f"] > best + 0.1  # SLSQP from 0 stays in a worse basin
    assert values(out, "Wavy", 1)["f"] == pytest.approx(best, abs=1e-6)  # auto's exploration
    assert values(out, "Wavy", 2)["f"] == pytest.approx(best, abs=1e-6)  # 8 starts


def check_softmax_regression(out: str) -> None:
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    iris = load_iris()
    X = (iris.data - iris.data.mean(axis=0)) / iris.data.std(axis=0)
    # the same objective in scikit-learn: mean cross-entropy + (0.01/2)‖W‖², C = 1/(0.01·150)
    ref = LogisticRegression(C=1 / (0.01 * 150), solver="newton-cholesky", tol=1e-12).fit(X, iris.target)
    coef = values(out, "S2 coef")
    for k in range(3):
        for j in range(4):
            assert coef[f"w{k}{j}"] == pytest.approx(ref.coef_[k, j], abs=1e-7)
    agreement = values(out, "S2", 1)
    assert agreement["max |W_gd - coef_|"] < 1e-6 and agreement["max |b_gd - intercept_|"] < 1e-6
    assert values(out, "S2", 2)["kkt ok"] == "True"
    assert values(out, "S1")["objective"] == pytest.approx(values(out, "S2")["objective"], abs=1e-10)


EXPECTATIONS = {
    "plot_softmax_regression.py": check_softmax_regression,
    "solve_from_script.py": check_solve_from_script,
    "plot_lasso_path_cv.py": check_lasso,
    "plot_ridge_constrained.py": check_ridge,
    "plot_lagrange_kkt.py": check_lagrange_kkt,
    "plot_gradient_descent.py": check_gradient_descent,
    "plot_likelihood_logistic.py": check_likelihood,
    "verify_paper_kkt.py": check_verify_paper,
}


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_example_prints_the_textbook_numbers(name: str, capsys: pytest.CaptureFixture) -> None:
    lacking = REQUIREMENTS.missing(name)
    if lacking:
        pytest.skip(f"{name} needs {', '.join(lacking)}, which this build does not have")
    EXPECTATIONS[name](run_example(name, capsys))
