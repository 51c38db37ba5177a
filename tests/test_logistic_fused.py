"""The compiled one-pass evaluators of the logistic datafit equal the likelihood module's public losses.

The solvers evaluate f, ∇f and ∇²f·v through :mod:`lagrangekit.linear_model._logistic_fused`;
the references here are :func:`lagrangekit.likelihood.binary_cross_entropy`,
:func:`~lagrangekit.likelihood.softmax_cross_entropy` and their logit gradients (validating, and
chained through z = Xwₖ + bₖ by plain numpy), and a central difference of the gradient.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sparse
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import log_softmax

from lagrangekit.likelihood import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)
from lagrangekit.linear_model import LogisticRegression, _logistic_loss
from lagrangekit.linear_model._logistic_cd import coordinate_descent
from lagrangekit.linear_model._logistic_loss import LogisticLoss
from lagrangekit.linear_model._logistic_solvers import PenalizedLogistic
from lagrangekit.linear_model._roles import ElasticNetPenalty


def _reference(X, labels, K, weights, fit_intercept, theta):
    """(f, ∇f) from the public losses: logits by numpy, loss and ∂/∂z by the likelihood module."""
    m = 1 if K == 2 else K
    c = X.shape[1] + int(fit_intercept)
    T = theta.reshape(m, c)
    Z = np.asarray(X @ T[:, : X.shape[1]].T) + (T[:, -1] if fit_intercept else 0.0)
    if m == 1:
        t = (labels == 1).astype(float)
        value = binary_cross_entropy(t, logits=Z[:, 0], sample_weight=weights, reduction="sum")
        G = binary_cross_entropy_grad(t, Z[:, 0], sample_weight=weights, reduction="sum")[:, None]
    else:
        value = softmax_cross_entropy(labels, Z, sample_weight=weights, reduction="sum")
        G = softmax_cross_entropy_grad(labels, Z, sample_weight=weights, reduction="sum")
    grad = np.asarray(X.T @ G).T
    if fit_intercept:
        grad = np.column_stack([grad, G.sum(axis=0)])
    return float(value), grad.ravel()


def _case(rng, n, p, K, fit_intercept, layout, scale=3.0):
    X = rng.normal(size=(n, p))
    X[rng.random((n, p)) < 0.5] = 0.0
    if layout == "csr":
        X = sparse.csr_matrix(X)
    elif layout == "fortran":
        X = np.asfortranarray(X)
    labels = rng.integers(0, K, n)
    weights = rng.random(n) + 0.01
    weights[0] = 0.0 if n > 1 else 1.0  # a zero weight is skipped by the kernels
    weights /= weights.sum()
    loss = LogisticLoss(X, labels, K, weights, fit_intercept)
    return loss, rng.normal(size=loss.size) * scale


@pytest.mark.parametrize("K", [2, 5])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("layout", ["C", "fortran", "csr"])
def test_fused_value_and_gradient_equal_the_public_losses(K, fit_intercept, layout):
    rng = np.random.default_rng(K + 10 * fit_intercept + len(layout))
    loss, theta = _case(rng, 300, 9, K, fit_intercept, layout)
    value, grad = _reference(loss.X, loss.labels, K, loss.weights, fit_intercept, theta)
    got_value, got_grad = loss.value_and_gradient(theta)
    assert got_value == pytest.approx(value, rel=1e-13, abs=1e-15)
    np.testing.assert_allclose(got_grad, grad, rtol=1e-12, atol=1e-15)
    assert loss.value(theta) == pytest.approx(value, rel=1e-13, abs=1e-15)
    np.testing.assert_allclose(loss.gradient(theta), grad, rtol=1e-12, atol=1e-15)
    # the loss's own public-loss route (used by mle_result) agrees too
    assert loss.loss(loss.logits(theta)) == pytest.approx(value, rel=1e-13)


@pytest.mark.parametrize("K", [2, 4])
@pytest.mark.parametrize("layout", ["C", "csr"])
def test_fused_hessp_equals_the_hessian_and_a_difference_of_gradients(K, layout):
    rng = np.random.default_rng(7 * K)
    loss, theta = _case(rng, 200, 6, K, True, layout, scale=1.0)
    v = rng.normal(size=loss.size)
    Hv = loss.hessp(theta, v)
    np.testing.assert_allclose(Hv, loss.hessian(theta) @ v, rtol=1e-11, atol=1e-14)
    h = 1e-5
    central = (loss.gradient(theta + h * v) - loss.gradient(theta - h * v)) / (2 * h)
    np.testing.assert_allclose(Hv, central, rtol=1e-6, atol=1e-9)


def test_fused_loss_is_exact_at_logits_of_800():
    """softplus(±800) without overflow: f = ω·800 for the wrong side, 0 for the right one."""
    X = np.array([[1.0], [1.0]])
    labels = np.array([0, 1])
    loss = LogisticLoss(X, labels, 2, np.array([0.5, 0.5]), False)
    assert loss.value(np.array([800.0])) == pytest.approx(400.0, rel=1e-15)
    np.testing.assert_allclose(loss.gradient(np.array([800.0])), [0.5])  # σ(800) − 0 on row 0
    softmax = LogisticLoss(X, labels, 3, np.array([0.5, 0.5]), False)
    theta = np.array([800.0, -800.0, 0.0])
    assert softmax.value(theta) == pytest.approx(0.5 * 1600.0, rel=1e-15)  # row 1: logsumexp − (−800)


def test_repeated_csr_entries_are_summed_as_scipy_does():
    """A CSR matrix with a duplicate (i, j) entry means their sum (scipy's convention); X is not touched."""
    data, indices, indptr = np.array([1.0, 2.0, 3.0]), np.array([0, 0, 1]), np.array([0, 2, 3])
    X = sparse.csr_matrix((data, indices, indptr), shape=(2, 2))
    assert not X.has_canonical_format
    labels = np.array([1, 0])
    loss = LogisticLoss(X, labels, 2, np.array([0.5, 0.5]), True)
    theta = np.array([0.3, -0.2, 0.1])
    value, grad = _reference(X.toarray(), labels, 2, loss.weights, True, theta)
    got_value, got_grad = loss.value_and_gradient(theta)
    assert got_value == pytest.approx(value, rel=1e-14)
    np.testing.assert_allclose(got_grad, grad, rtol=1e-13)
    np.testing.assert_array_equal(X.data, data)


def test_the_last_evaluation_is_reused_only_at_the_same_point():
    rng = np.random.default_rng(3)
    loss, theta = _case(rng, 50, 4, 3, True, "C")
    value, grad = loss.value_and_gradient(theta)
    grad[:] = 0.0  # the caller's copy: the stored gradient must not change
    again = theta.copy()
    reference = _reference(loss.X, loss.labels, 3, loss.weights, True, theta)[1]
    np.testing.assert_allclose(loss.gradient(again), reference)
    moved = theta.copy()
    moved[0] += 1e-3
    assert loss.value(moved) == pytest.approx(
        _reference(loss.X, loss.labels, 3, loss.weights, True, moved)[0], rel=1e-13
    )


def _mean_objective(X, y, model, C):
    """Σᵢℓᵢ/n + ‖W‖²/(2Cn) at the fitted (coef_, intercept_), by scipy's log_softmax."""
    Z = X @ model.coef_.T + model.intercept_
    Z = np.column_stack([np.zeros(len(y)), Z[:, 0]]) if Z.shape[1] == 1 else Z
    nll = -np.mean(log_softmax(Z, axis=1)[np.arange(len(y)), y])
    return nll + (0.0 if C == np.inf else 0.5 * float((model.coef_**2).sum()) / (C * len(y)))


@pytest.mark.parametrize(
    "solver, K, C",
    [("lbfgs", 4, 1.0), ("lbfgs", 4, np.inf), ("lbfgs", 2, 1.0), ("newton-cg", 3, 1.0), ("sag", 3, 1.0)],
)
def test_a_fit_passes_over_X_only_for_its_solver(monkeypatch, solver, K, C):
    """``objective_`` and the certificate take the solver's last evaluation (at the multinomial
    θ before its symmetrization, which changes no probability) and its start θ = 0: the compiled
    pass runs at most once per evaluation the solver asks for (sag evaluates nothing: one pass
    at its result, one at 0). ``objective_`` is F at the reported (coef_, intercept_)."""
    passes, asked = [0], [0]
    kernel = _logistic_loss.fused_value_gradient

    def counted_kernel(*args):
        passes[0] += 1
        return kernel(*args)

    for name in ("smooth", "value"):
        method = getattr(PenalizedLogistic, name)

        def counted(self, theta, method=method):
            asked[0] += 1
            return method(self, theta)

        monkeypatch.setattr(PenalizedLogistic, name, counted)
    monkeypatch.setattr(_logistic_loss, "fused_value_gradient", counted_kernel)
    rng = np.random.default_rng(K)
    X = rng.normal(size=(300, 5))
    y = (X @ rng.normal(size=(K, 5)).T + rng.gumbel(size=(300, K))).argmax(axis=1)
    model = LogisticRegression(C=C, solver=solver, tol=1e-8, max_iter=1000).fit(X, y)
    assert model.converged_ and model.certified_
    assert passes[0] <= (asked[0] if solver != "sag" else 2)
    assert model.objective_ == pytest.approx(_mean_objective(X, y, model, C), rel=1e-12)


def test_liblinear_records_its_start_as_the_certificates_scale(monkeypatch):
    """newGLMNET's own pass at θ = 0 gives ∇f(0) (the public losses' value there): the
    certificate's scale takes no pass of the fused kernel."""
    rng = np.random.default_rng(5)
    loss, _ = _case(rng, 200, 6, 2, False, "csr")
    objective = PenalizedLogistic(loss, ElasticNetPenalty(0.01, 1.0))
    coordinate_descent(objective, np.zeros(loss.size), 100, 1e-8, rng=np.random.RandomState(0))

    def no_pass(*args):
        raise AssertionError("a pass of the fused kernel")

    monkeypatch.setattr(_logistic_loss, "fused_value_gradient", no_pass)
    value, grad = _reference(loss.X, loss.labels, 2, loss.weights, False, np.zeros(loss.size))
    np.testing.assert_allclose(loss.gradient(np.zeros(loss.size)), grad, rtol=1e-13, atol=1e-16)
    assert loss.value(np.zeros(loss.size)) == pytest.approx(value, rel=1e-14)
    X = rng.normal(size=(200, 6))
    y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
    model = LogisticRegression(C=0.5, l1_ratio=1.0, solver="liblinear", tol=1e-8).fit(X, y)
    assert model.converged_ and model.certified_


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 30),
    p=st.integers(1, 5),
    K=st.sampled_from([2, 3]),
    fit_intercept=st.booleans(),
    csr=st.booleans(),
    seed=st.integers(0, 2**16),
    scale=st.sampled_from([0.0, 1.0, 50.0, 900.0]),
)
def test_fused_path_equals_public_losses_on_random_shapes(n, p, K, fit_intercept, csr, seed, scale):
    rng = np.random.default_rng(seed)
    loss, theta = _case(rng, n, p, K, fit_intercept, "csr" if csr else "C", scale=scale)
    value, grad = _reference(loss.X, loss.labels, K, loss.weights, fit_intercept, theta)
    got_value, got_grad = loss.value_and_gradient(theta)
    assert got_value == pytest.approx(value, rel=1e-12, abs=1e-14)
    np.testing.assert_allclose(got_grad, grad, rtol=1e-11, atol=1e-14)


@settings(max_examples=200, deadline=None)
@given(
    w=st.sampled_from([0.0, 1e-3, -0.7, 5.0, -40.0]),
    c=st.floats(-2, 2),
    tau=st.sampled_from([0.0, 1e-4, 0.05, 1.0]),
    eta_l2=st.sampled_from([0.0, 1e-12, 1e-4, 0.3, 1.0]),
    steps=st.integers(0, 2000),
)
def test_sag_just_in_time_update_equals_the_steps_one_by_one(w, c, tau, eta_l2, steps):
    """The closed form SAG/SAGA applies to a coefficient no sample touched equals the loop
    w ← soft(ρw − c, τ), ρ = 1 − ηl2, run ``steps`` times."""
    from lagrangekit.linear_model._logistic_solvers import _lagged

    expected = w
    for _ in range(steps):
        v = (1.0 - eta_l2) * expected - c
        expected = float(np.sign(v) * max(abs(v) - tau, 0.0))
    got = _lagged(w, c, tau, eta_l2, steps)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)
