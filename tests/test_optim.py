"""lagrangekit.optim against TEXTBOOK G1–G5, closed forms, scipy and cvxpy."""

from __future__ import annotations

import warnings

import cvxpy as cp
import numpy as np
import pytest
import scipy.optimize

from lagrangekit.errors import ConvergenceWarning
from lagrangekit.optim import (
    GradientTransformation,
    adagrad,
    adam,
    apply_updates,
    chain,
    derivative,
    gradient,
    minimize_smooth,
    momentum,
    nesterov,
    proximal_gradient,
    rmsprop,
    scale,
    scale_by_adam,
    sgd,
    trace,
)


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fn(*args, **kwargs)


# --- TEXTBOOK G1: one neuron, chain rule -------------------------------------------------


def test_g1_one_neuron_iterates_and_chain_rule():
    def cost(w):
        return (1.5 * w - 0.5) ** 2

    # chain rule dC/dw = 2(a − y)·1.5 = 3(a − y) = 4.5w − 1.5, checked numerically
    for w in (0.8, 0.38, -2.0):
        assert derivative(cost, w) == pytest.approx(4.5 * w - 1.5, abs=1e-8)
    res = quiet(
        minimize_smooth,
        lambda w: (cost(w), 4.5 * w - 1.5),
        0.8,
        sgd(0.2),
        max_iter=3,
        tol=0,
        record_iterates=True,
    )
    xs = res.history["x"]
    assert round(float(xs[1]), 2) == 0.38
    assert round(float(xs[2]), 3) == 0.338
    assert round(float(xs[3]), 4) == 0.3338
    limit = minimize_smooth(lambda w: (cost(w), 4.5 * w - 1.5), 0.8, sgd(0.2), max_iter=200, tol=1e-12)
    assert limit.success and limit.x[0] == pytest.approx(1 / 3, abs=1e-12)


# --- TEXTBOOK G2: step sizes on x² --------------------------------------------------------


def _square(x):
    return float(np.sum(x**2)), 2 * np.asarray(x)


@pytest.mark.parametrize(
    ("lr", "check"),
    [
        (1.5, lambda xs: xs[20] == 2097152 and np.allclose(xs, 2 * (-2.0) ** np.arange(21))),
        (0.4, lambda xs: f"{xs[20]:.3e}" == "2.097e-14"),
        (0.001, lambda xs: round(xs[1], 3) == 1.996 and round(xs[20], 5) == 1.92150),
    ],
)
def test_g2_three_step_sizes(lr, check):
    res = quiet(minimize_smooth, _square, 2.0, sgd(lr), max_iter=20, tol=0, record_iterates=True)
    xs = np.asarray(res.history["x"], dtype=float).ravel()
    assert len(xs) == 21
    assert check(xs)


def test_g2_divergence_warns_and_never_returns_nan():
    with pytest.warns(ConvergenceWarning, match="diverged"):
        res = minimize_smooth(_square, 2.0, sgd(1.5), max_iter=5000, tol=1e-8)
    assert res.status == "failed" and not res.success
    assert np.all(np.isfinite(res.x)) and np.isfinite(res.fun)
    assert np.all(np.isfinite(res.history["fun"]))


def test_running_out_of_iterations_warns():
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        res = minimize_smooth(_square, 2.0, sgd(0.001), max_iter=10, tol=1e-8)
    assert res.status == "max_iter" and not res.success and res.nit == 10


# --- TEXTBOOK G3: momentum escapes a local minimum ----------------------------------------


def _g3(x):
    x = float(np.asarray(x).ravel()[0])
    f = (x - 2) ** 2 * (x + 3) ** 2 - 2 * (x - 2) ** 2
    g = 2 * (x - 2) * (x + 3) ** 2 + 2 * (x - 2) ** 2 * (x + 3) - 4 * (x - 2)
    return f, np.array([g])


def test_g3_critical_points_from_scipy():
    roots = sorted(np.roots(np.polyder(np.poly1d([1, 1, -6]) ** 2 - 2 * np.poly1d([1, -2]) ** 2)).real)
    assert [round(r, 3) for r in roots] == [-3.351, -0.149, 2.0]
    xmin = scipy.optimize.minimize_scalar(lambda x: _g3(x)[0], bracket=(-4, -3)).x
    assert round(_g3(xmin)[0], 3) == -53.739


def test_g3_gd_stuck_momentum_escapes():
    gd = quiet(minimize_smooth, _g3, [3.0], sgd(0.02), max_iter=17, tol=0, record_iterates=True)
    xs = np.asarray(gd.history["x"]).ravel()
    assert round(xs[1], 1) == 1.4 and round(xs[17], 1) == 2.0
    mom = quiet(minimize_smooth, _g3, [3.0], momentum(0.02, beta=0.9), max_iter=200, tol=0)
    assert round(mom.x[0], 4) == -3.3507
    big = quiet(minimize_smooth, _g3, [3.0], sgd(0.045), max_iter=300, tol=0, record_iterates=True)
    tail = np.asarray(big.history["x"]).ravel()[100:]
    assert not big.success
    assert tail.min() < -3.35 < tail.max() and np.ptp(tail) > 1  # keeps oscillating around −3.35


def test_momentum_matches_textbook_velocity_form():
    v, x = 0.0, 3.0
    for _ in range(50):
        v = 0.9 * v - 0.02 * _g3(x)[1][0]
        x = x + v
    res = quiet(minimize_smooth, _g3, [3.0], momentum(0.02, 0.9), max_iter=50, tol=0)
    assert res.x[0] == pytest.approx(x, rel=1e-12)


# --- TEXTBOOK G4: the ill-conditioned bowl -----------------------------------------------


def _bowl(x):
    return x[0] ** 2 / 20 + x[1] ** 2, np.array([x[0] / 10, 2 * x[1]])


@pytest.mark.parametrize(
    ("transform", "atol"),
    [
        (sgd(0.9), 1e-4),
        (momentum(0.1), 1e-4),
        (nesterov(0.1), 1e-4),
        (adagrad(1.0), 1e-4),
        (rmsprop(1e-3), 1e-2),  # constant-step RMSProp settles in a cycle of size ~lr
        (adam(0.05), 1e-4),
    ],
)
def test_g4_every_optimizer_reaches_origin(transform, atol):
    res = quiet(minimize_smooth, _bowl, [3.0, 1.0], transform, max_iter=5000, tol=1e-6)
    np.testing.assert_allclose(res.x, [0.0, 0.0], atol=atol)


def test_g4_update_rules_match_textbook_formulas():
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=2) for _ in range(5)]
    x = np.array([3.0, 1.0])
    # AdaGrad, RMSProp and Adam written out from the TEXTBOOK formulas
    G = np.zeros(2)
    R = np.zeros(2)
    M = np.zeros(2)
    V = np.zeros(2)
    states = {
        name: t.init(x) for name, t in [("ada", adagrad(0.1)), ("rms", rmsprop(0.1)), ("adam", adam(0.1))]
    }
    transforms = {"ada": adagrad(0.1), "rms": rmsprop(0.1), "adam": adam(0.1)}
    for n, g in enumerate(grads, start=1):
        G = G + g**2
        R = 0.9 * R + 0.1 * g**2
        M = 0.9 * M + 0.1 * g
        V = 0.999 * V + 0.001 * g**2
        expected = {
            "ada": -0.1 * g / (np.sqrt(G) + 1e-8),
            "rms": -0.1 * g / (np.sqrt(R) + 1e-8),
            "adam": -0.1 * (M / (1 - 0.9**n)) / (np.sqrt(V / (1 - 0.999**n)) + 1e-8),
        }
        for name, t in transforms.items():
            upd, states[name] = t.update(g, states[name], x)
            np.testing.assert_allclose(upd, expected[name], rtol=1e-12)


# --- optax-style table: every optimizer on a parabola and on Rosenbrock -----------------

_CENTER = np.array([1.0, -2.0])


def _parabola(x):
    return float(np.sum((x - _CENTER) ** 2)), 2 * (x - _CENTER)


def _rosenbrock(x):
    a, b = x
    return (1 - a) ** 2 + 100 * (b - a**2) ** 2, np.array(
        [-2 * (1 - a) - 400 * a * (b - a**2), 200 * (b - a**2)]
    )


_TABLE = [
    ("sgd", sgd(0.1), sgd(1e-3)),
    ("momentum", momentum(0.05), momentum(1e-3)),
    ("nesterov", nesterov(0.05), nesterov(1e-3)),
    ("adagrad", adagrad(0.5), adagrad(0.5)),
    ("rmsprop", rmsprop(0.01), rmsprop(1e-3)),
    ("adam", adam(0.05), adam(1e-2)),
]


@pytest.mark.parametrize(("name", "on_parabola", "on_rosenbrock"), _TABLE, ids=[t[0] for t in _TABLE])
def test_optimizer_table(name, on_parabola, on_rosenbrock):
    par = quiet(minimize_smooth, _parabola, np.zeros(2), on_parabola, max_iter=5000, tol=1e-6)
    np.testing.assert_allclose(par.x, _CENTER, atol=1e-5)
    ros = quiet(minimize_smooth, _rosenbrock, np.array([-1.2, 1.0]), on_rosenbrock, max_iter=20000, tol=1e-4)
    reference = scipy.optimize.minimize(lambda z: _rosenbrock(z)[0], [-1.2, 1.0], method="BFGS").x
    np.testing.assert_allclose(ros.x, reference, atol=1e-2)


# --- composition and purity ---------------------------------------------------------------


def test_chain_composes_primitives_like_the_named_optimizers():
    g = np.array([0.3, -1.2])
    x = np.array([1.0, 2.0])
    for named, composed in [
        (momentum(0.1, 0.5), chain(trace(0.5), scale(-0.1))),
        (adam(0.1), chain(scale_by_adam(), scale(-0.1))),
    ]:
        s1, s2 = named.init(x), composed.init(x)
        for _ in range(3):
            u1, s1 = named.update(g, s1, x)
            u2, s2 = composed.update(g, s2, x)
            np.testing.assert_array_equal(u1, u2)


def test_update_is_pure_and_state_is_a_namedtuple():
    t = adam(0.1)
    x = np.array([1.0, 2.0])
    g = np.array([0.5, 0.5])
    state = t.init(x)
    g_copy, x_copy = g.copy(), x.copy()
    u, new_state = t.update(g, state, x)
    np.testing.assert_array_equal(g, g_copy)
    np.testing.assert_array_equal(x, x_copy)
    assert new_state.states[0].count == 1 and state.states[0].count == 0
    assert isinstance(t, GradientTransformation) and hasattr(type(new_state), "_fields")
    np.testing.assert_array_equal(apply_updates(x, u), x + u)


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="lr"):
        sgd(-1)
    with pytest.raises(ValueError, match="beta"):
        momentum(0.1, beta=1.5)
    with pytest.raises(ValueError, match="max_iter"):
        minimize_smooth(_square, 1.0, sgd(0.1), max_iter=-1)
    with pytest.raises(ValueError, match="tol"):
        minimize_smooth(_square, 1.0, sgd(0.1), tol=-1)
    with pytest.raises(ValueError, match="x0"):
        minimize_smooth(_square, np.nan, sgd(0.1))
    with pytest.raises(TypeError, match="transform"):
        minimize_smooth(_square, 1.0, "adam")
    with pytest.raises(ValueError, match="method"):
        derivative(np.sin, 1.0, method="sideways")
    with pytest.raises(ValueError, match="lipschitz"):
        proximal_gradient(_square, lambda v, t: v, [1.0], lipschitz=-1)


def test_minimize_smooth_reports_kkt_and_history():
    x0 = np.array([5.0, 5.0])
    res = minimize_smooth(_parabola, x0, sgd(0.25), max_iter=500, tol=1e-9)
    np.testing.assert_array_equal(x0, [5.0, 5.0])
    assert res.success and res.kkt.ok and res.kkt.stationarity <= 1e-9
    assert len(res.history["fun"]) == res.nit + 1
    assert res.fun == pytest.approx(0.0, abs=1e-18)


def test_certificate_and_callback_stop_the_loop():
    res = minimize_smooth(
        _parabola, np.zeros(2), sgd(0.1), tol=1e-3, certificate=lambda x: np.abs(x - _CENTER).max()
    )
    assert res.success and np.abs(res.x - _CENTER).max() <= 1e-3
    seen = []
    stopped = quiet(
        minimize_smooth,
        _parabola,
        np.zeros(2),
        sgd(0.01),
        tol=1e-12,
        callback=lambda k, x, f: seen.append(k) or k >= 4,
    )
    assert seen == [0, 1, 2, 3, 4] and not stopped.success and stopped.nit == 4


# --- TEXTBOOK G5: finite differences ------------------------------------------------------


def _cubic(x):
    return 4 * x**3 - 2 * x**2 - 7 * x + 1


def test_g5_forward_and_central_errors():
    forward = derivative(_cubic, 1.0, method="forward", h=1e-4) - 1.0
    backward = derivative(_cubic, 1.0, method="backward", h=1e-4) - 1.0
    central = derivative(_cubic, 1.0, method="central", h=1e-4) - 1.0
    assert f"{forward:.1e}" == "1.0e-03"  # ≈ f''(1)/2·h = 10h
    assert backward == pytest.approx(-1.0e-3, rel=1e-3)
    assert f"{central:.0e}" == "4e-08"  # ≈ f'''/6·h² = 4h²


def test_g5_error_orders_from_a_fit():
    hs = np.logspace(-2, -4, 5)
    fwd = [abs(derivative(_cubic, 1.0, "forward", h) - 1) for h in hs]
    cen = [abs(derivative(_cubic, 1.0, "central", h) - 1) for h in hs]
    assert np.polyfit(np.log(hs), np.log(fwd), 1)[0] == pytest.approx(1.0, abs=0.05)
    assert np.polyfit(np.log(hs), np.log(cen), 1)[0] == pytest.approx(2.0, abs=0.05)


def test_gradient_against_scipy_approx_fprime():
    def f(z):
        return float(np.sin(z[0]) * z[1] ** 2 + np.exp(z[2]))

    x = np.array([0.3, -1.1, 0.4])
    exact = np.array([np.cos(0.3) * 1.21, 2 * np.sin(0.3) * -1.1, np.exp(0.4)])
    np.testing.assert_allclose(gradient(f, x), exact, rtol=1e-9)
    np.testing.assert_allclose(gradient(f, x, "forward"), scipy.optimize.approx_fprime(x, f), rtol=1e-6)
    # vectorized derivative of an elementwise function
    np.testing.assert_allclose(derivative(np.sin, np.array([0.0, 1.0])), np.cos([0.0, 1.0]), rtol=1e-9)


# --- proximal gradient against cvxpy -----------------------------------------------------


@pytest.fixture(scope="module")
def lasso_instance():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(40, 15))
    b = rng.normal(size=40)
    lam = 2.0
    x = cp.Variable(15)
    ref = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(A @ x - b) + lam * cp.norm1(x)))
    ref.solve(solver=cp.CLARABEL)
    return A, b, lam, x.value, ref.value


@pytest.mark.parametrize("accelerated", [True, False], ids=["fista", "ista"])
@pytest.mark.parametrize("known_lipschitz", [True, False], ids=["fixed-step", "backtracking"])
def test_proximal_gradient_lasso_matches_cvxpy(lasso_instance, accelerated, known_lipschitz):
    A, b, lam, x_ref, f_ref = lasso_instance
    res = proximal_gradient(
        lambda x: (0.5 * float(np.sum((A @ x - b) ** 2)), A.T @ (A @ x - b)),
        lambda v, t: np.sign(v) * np.maximum(np.abs(v) - t * lam, 0.0),
        np.zeros(15),
        lipschitz=np.linalg.norm(A, 2) ** 2 if known_lipschitz else None,
        accelerated=accelerated,
        max_iter=5000,
        tol=1e-9,
        penalty=lambda x: lam * np.abs(x).sum(),
    )
    assert res.success and res.method == ("fista" if accelerated else "ista")
    assert res.fun == pytest.approx(f_ref, rel=1e-7)
    np.testing.assert_allclose(res.x, x_ref, atol=1e-5)


def test_proximal_gradient_certificate_stops_at_tol(lasso_instance):
    A, b, lam, x_ref, f_ref = lasso_instance
    gaps = []

    def gap(x):  # primal minus the cvxpy optimum: a valid (if oracle) certificate
        value = 0.5 * float(np.sum((A @ x - b) ** 2)) + lam * np.abs(x).sum() - f_ref
        gaps.append(value)
        return max(value, 0.0)

    res = proximal_gradient(
        lambda x: (0.5 * float(np.sum((A @ x - b) ** 2)), A.T @ (A @ x - b)),
        lambda v, t: np.sign(v) * np.maximum(np.abs(v) - t * lam, 0.0),
        np.zeros(15),
        tol=1e-6,
        certificate=gap,
    )
    assert res.success and gaps[-1] <= 1e-6 and all(g > 1e-6 for g in gaps[:-1])
    assert res.nit == len(gaps)


def test_proximal_gradient_out_of_iterations_warns(lasso_instance):
    A, b, lam, _, _ = lasso_instance
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        res = proximal_gradient(
            lambda x: (0.5 * float(np.sum((A @ x - b) ** 2)), A.T @ (A @ x - b)),
            lambda v, t: np.sign(v) * np.maximum(np.abs(v) - t * lam, 0.0),
            np.zeros(15),
            max_iter=3,
            tol=1e-12,
        )
    assert res.status == "max_iter" and res.nit == 3 and not res.success
