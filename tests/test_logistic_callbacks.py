"""scikit-learn 1.9's callback API (``sklearn.callback``) on LogisticRegression, against sklearn's own."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from lagrangekit.linear_model import LogisticRegression

pytest.importorskip("sklearn.callback")


class Recorder:
    """A callback (scikit-learn's FitCallback protocol) that records each hook with the fitted estimator."""

    def __init__(self):
        self.calls = []

    def setup(self, estimator, context):
        self.calls.append(("setup", None, None))

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None, metadata=None, fitted_estimator=None):
        self.calls.append(("begin", context.task_name, fitted_estimator))

    def on_fit_task_end(self, estimator, context, *, X=None, y=None, metadata=None, fitted_estimator=None):
        self.calls.append(("end", context.task_name, fitted_estimator))

    def teardown(self, estimator, context):
        self.calls.append(("teardown", None, None))


def _record(cls, X, y, **params):
    recorder = Recorder()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = cls(solver="lbfgs", **params).set_callbacks(recorder).fit(X, y)
    return model, recorder.calls


@pytest.mark.parametrize("n_classes", [2, 3])
def test_lbfgs_callbacks_see_the_iterates_scikit_learns_lbfgs_sees(n_classes):
    rng = np.random.default_rng(n_classes)
    X = rng.normal(size=(120, 4))
    y = np.argmax(X[:, :n_classes] + rng.gumbel(size=(120, n_classes)), axis=1)
    ours, calls = _record(LogisticRegression, X, y, C=0.5)
    sk, sk_calls = _record(SkLogisticRegression, X, y, C=0.5)
    assert [c[:2] for c in calls] == [c[:2] for c in sk_calls]  # same hooks, same tasks, same order
    assert calls[0][0] == "setup" and calls[-1][0] == "teardown"
    assert calls[1][:2] == ("begin", "fit") and calls[-2][:2] == ("end", "fit")
    for (_, task, est), (_, _, sk_est) in zip(calls, sk_calls):
        if task == "lbfgs-iter" and sk_est is not None:  # the same L-BFGS path, iterate by iterate
            np.testing.assert_allclose(est.coef_, sk_est.coef_, atol=1e-6)
            np.testing.assert_allclose(est.intercept_, sk_est.intercept_, atol=1e-6)
            np.testing.assert_array_equal(est.predict(X), sk_est.predict(X))
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-6)


def test_other_solvers_warn_as_scikit_learn_and_call_only_the_fit_task():
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    recorder = Recorder()
    message = "Callbacks are only supported in LogisticRegression for solver='lbfgs'"
    with pytest.warns(UserWarning, match=message):
        model = LogisticRegression(solver="newton-cholesky").set_callbacks(recorder)
    with pytest.warns(UserWarning, match="only supported"):
        SkLogisticRegression(solver="newton-cholesky").set_callbacks(Recorder())
    model.fit(X, y)
    assert [c[:2] for c in recorder.calls] == [
        ("setup", None),
        ("begin", "fit"),
        ("end", "fit"),
        ("teardown", None),
    ]
    with pytest.raises(TypeError, match="FitCallback"):
        LogisticRegression().set_callbacks(object())
