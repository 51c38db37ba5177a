"""Plots render with Agg, and draw what they claim: one line per coefficient, the constraint
curve where the constraint is zero, and the two tangency arrows parallel at a KKT point."""

from __future__ import annotations

import math
from importlib import import_module
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402

import lagrangekit as lk  # noqa: E402
from lagrangekit import plotting  # noqa: E402

SQRT2_2 = math.sqrt(2) / 2


def _has_optim() -> bool:
    try:
        import_module("lagrangekit.optim")
    except ImportError:
        return False
    return True


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _png(fig, path: Path) -> None:
    fig.savefig(path, dpi=60)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _arrows(ax) -> dict[str, np.ndarray]:
    out = {}
    for patch in ax.patches:
        if isinstance(patch, FancyArrowPatch) and patch.get_gid():
            (x0, y0), (x1, y1) = patch._posA_posB
            out[patch.get_gid()] = (np.array([x0, y0]), np.array([x1 - x0, y1 - y0]))
    return out


def _result(x, multipliers, fun=0.0):
    return lk.Result(x=x, fun=fun, status="optimal", success=True, method="test", multipliers=multipliers)


# ----------------------------------------------------------------------------- paths
def test_plot_path_draws_one_line_per_coefficient(tmp_path: Path) -> None:
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import lasso_path

    X, y = load_diabetes(return_X_y=True)
    alpha_max = np.max(np.abs((X - X.mean(0)).T @ (y - y.mean()))) / len(y)
    alphas, coefs, _ = lasso_path(X, y, alphas=np.geomspace(alpha_max, alpha_max / 1000, 30))
    fig = plotting.plot_path(alphas, coefs, chosen_alpha=alphas[10], title="Lasso")
    ax = fig.axes[0]
    coef_lines = [line for line in ax.get_lines() if len(line.get_xdata()) == alphas.size]
    assert len(coef_lines) == X.shape[1]
    order = np.argsort(alphas)
    for j, line in enumerate(coef_lines):
        np.testing.assert_allclose(line.get_ydata(), coefs[j][order])
    marked = [line for line in ax.get_lines() if line.get_gid() == "chosen_alpha"]
    assert len(marked) == 1 and marked[0].get_xdata()[0] == pytest.approx(alphas[10])
    assert ax.get_xscale() == "log"
    _png(fig, tmp_path / "path.png")


def test_plot_path_rejects_the_wrong_layout() -> None:
    with pytest.raises(ValueError, match="pass coefs.T"):
        plotting.plot_path(np.geomspace(1, 0.01, 5), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="> 0"):
        plotting.plot_path(np.array([1.0, 0.0]), np.zeros((2, 2)))


# ------------------------------------------------------------------ Lagrange picture
def test_plot_lagrange_2d_circle_shows_tangency(tmp_path: Path) -> None:
    problem = lk.parse_problem("maximize x + y subject to circle: x**2 + y**2 == 1")
    result = _result([SQRT2_2, SQRT2_2], {"circle": SQRT2_2}, math.sqrt(2))  # TEXTBOOK T1
    fig = plotting.plot_lagrange_2d(problem, result)
    ax = fig.axes[0]
    arrows = _arrows(ax)
    assert set(arrows) == {"grad_f", "multiplier_term"}
    (start_f, grad_f), (start_m, term) = arrows["grad_f"], arrows["multiplier_term"]
    np.testing.assert_allclose(start_f, [SQRT2_2, SQRT2_2])
    np.testing.assert_allclose(start_m, start_f)
    np.testing.assert_allclose(grad_f / np.linalg.norm(grad_f), [SQRT2_2, SQRT2_2], atol=1e-12)  # ∇(x+y)
    np.testing.assert_allclose(term, grad_f, atol=1e-12)  # λ∇h = ∇f at the maximizer
    zero_sets = [c for c in ax.collections if isinstance(c, ContourSet) and list(c.levels) == [0.0]]
    assert len(zero_sets) == 1
    vertices = np.vstack([p.vertices for p in zero_sets[0].get_paths()])
    np.testing.assert_allclose(np.hypot(vertices[:, 0], vertices[:, 1]), 1.0, atol=0.02)  # the unit circle
    _png(fig, tmp_path / "circle.png")


def test_plot_lagrange_2d_bell_surface_and_a_non_kkt_point() -> None:
    problem = lk.parse_problem("maximize exp(-(x**2 + y**2)) subject to line: x - y + 1 == 0")
    result = _result([-0.5, 0.5], {"line": math.exp(-0.5)}, math.exp(-0.5))  # TEXTBOOK T3
    arrows = _arrows(plotting.plot_lagrange_2d(problem, result).axes[0])
    grad_f, term = arrows["grad_f"][1], arrows["multiplier_term"][1]
    np.testing.assert_allclose(term, grad_f, atol=1e-12)
    np.testing.assert_allclose(grad_f / np.linalg.norm(grad_f), [SQRT2_2, -SQRT2_2], atol=1e-12)  # ∥ ∇h
    wrong = _result([-0.5, 0.5], {"line": 2 * math.exp(-0.5)})
    arrows = _arrows(plotting.plot_lagrange_2d(problem, wrong).axes[0])
    assert np.linalg.norm(arrows["multiplier_term"][1]) == pytest.approx(
        2 * np.linalg.norm(arrows["grad_f"][1])
    )


def test_plot_lagrange_2d_inequality_region_is_shaded() -> None:
    problem = lk.parse_problem("minimize (x - 2)**2 + (y - 2)**2 subject to disk: x**2 + y**2 <= 2")
    # x* = (1, 1), μ = 1: ∇f = (−2, −2) = −μ∇g (hand derivation)
    fig = plotting.plot_lagrange_2d(problem, _result([1.0, 1.0], {"disk": 1.0}, 2.0))
    ax = fig.axes[0]
    filled = [c for c in ax.collections if isinstance(c, ContourSet) and c.filled]
    assert len(filled) == 1
    arrows = _arrows(ax)
    np.testing.assert_allclose(arrows["multiplier_term"][1], arrows["grad_f"][1], atol=1e-12)
    assert arrows["grad_f"][1][0] < 0 and arrows["grad_f"][1][1] < 0


def test_plot_lagrange_2d_needs_two_variables() -> None:
    problem = lk.parse_problem("minimize (y - 1)**2 subject to y >= 3")
    with pytest.raises(ValueError, match="2 variables"):
        plotting.plot_lagrange_2d(problem, _result([3.0], {"c1": 4.0}))


# ------------------------------------------------------------------ traces and losses
def test_plot_optimizer_traces_given_traces(tmp_path: Path) -> None:
    t = np.linspace(0, 1, 11)[:, None]
    traces = {
        name: (1 - t) * np.array([-7.0, 2.0]) for name in ["GD", "Momentum", "AdaGrad", "RMSProp", "Adam"]
    }
    fig = plotting.plot_optimizer_traces(traces)
    ax = fig.axes[0]
    labelled = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert labelled == list(traces)
    assert len([c for c in ax.collections if isinstance(c, ContourSet)]) == 1
    _png(fig, tmp_path / "traces.png")
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_optimizer_traces({"bad": np.zeros((4, 3))})


@pytest.mark.skipif(not _has_optim(), reason="lagrangekit.optim (issue 5) is not in this build")
def test_default_optimizer_traces_reach_the_minimum_of_g4() -> None:
    traces = plotting.optimizer_traces(plotting.default_g4_transforms(), steps=300)
    assert set(traces) == {"GD", "Momentum", "AdaGrad", "RMSProp", "Adam"}
    for name, trace in traces.items():
        assert trace["x"].shape == (301, 2)
        assert np.linalg.norm(trace["x"][-1]) < 0.05, name  # TEXTBOOK G4: all reach (0, 0)
    fig = plotting.plot_optimizer_traces()
    assert len([line for line in fig.axes[0].get_lines() if not line.get_label().startswith("_")]) == 5


def test_plot_loss_curves_one_line_per_history(tmp_path: Path) -> None:
    # gradient descent on x² from 2 with step 0.4: x_n = 2·0.2ⁿ (TEXTBOOK G2), f = x²
    gd = [(2 * 0.2**n) ** 2 for n in range(21)]
    slow = [(2 * 0.998**n) ** 2 for n in range(21)]
    result = lk.Result(x=[0.0], fun=0.0, status="optimal", success=True, method="t", history={"fun": slow})
    fig = plotting.plot_loss_curves({"step 0.4": gd, "step 0.001": result})
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["step 0.4", "step 0.001"]
    np.testing.assert_allclose(lines[0].get_ydata(), gd)
    assert ax.get_yscale() == "log"
    _png(fig, tmp_path / "loss.png")
    with pytest.raises(ValueError, match="empty"):
        plotting.plot_loss_curves({})
