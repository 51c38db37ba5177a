"""scikit-learn 1.9's public callback API (``sklearn.callback``) for LogisticRegression, as sklearn's.

scikit-learn 1.9 calls the callbacks of ``LogisticRegression(solver="lbfgs").set_callbacks(...)``
on a root task ``fit`` (begin before the solve, end after it) and, below it, one subtask
``lbfgs-iter`` per L-BFGS iteration: the first begins at the start point; at the end of each
iteration (scipy's ``callback(xk)``) that subtask ends and the next begins at ``xk``; the one left
open when scipy returns ends as an empty task. The ``fitted_estimator`` a hook may ask for is the
estimator with ``coef_`` and ``intercept_`` of that point (as the fit would report them had it
stopped there). Other solvers run no subtasks and warn at ``set_callbacks``, as scikit-learn's.

With a scikit-learn older than 1.9 there is no ``sklearn.callback``: :data:`CallbackSupport` is
then a class without methods and the estimator has no ``set_callbacks``, as those versions.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

try:
    from sklearn.callback import CallbackSupportMixin as CallbackSupport
    from sklearn.callback import with_callbacks
except ImportError:  # pragma: no cover - scikit-learn < 1.9

    class CallbackSupport:  # type: ignore[no-redef]
        """scikit-learn < 1.9 has no callback API."""

    def with_callbacks(method):  # type: ignore[no-redef]
        @functools.wraps(method)  # a frame as scikit-learn's, so warnings' stacklevels hold
        def plain(estimator, *args, **kwargs):
            return method(estimator, *args, **kwargs)

        return plain


__all__ = ["LbfgsCallbackSupport", "LbfgsIterations", "fit_task", "with_callbacks"]


class LbfgsCallbackSupport(CallbackSupport):
    """scikit-learn's callback mixin with its LogisticRegression warning for solvers other than lbfgs."""

    def set_callbacks(self, *callbacks: Any) -> Any:
        """Set callbacks (``sklearn.callback``) for the fit; only ``solver="lbfgs"`` calls them.

        Parameters
        ----------
        *callbacks : callback instances
            Objects following scikit-learn's ``FitCallback`` protocol.

        Returns
        -------
        self
        """
        if not hasattr(CallbackSupport, "set_callbacks"):  # pragma: no cover - scikit-learn < 1.9
            raise NotImplementedError("set_callbacks needs scikit-learn >= 1.9 (sklearn.callback)")
        if self.solver != "lbfgs":
            warnings.warn(
                f"Callbacks are only supported in {self.__class__.__name__} for solver='lbfgs'. "
                f"This estimator has solver='{self.solver}', callbacks will be ignored during the "
                "solving of the regression.",
                stacklevel=2,
            )
        return super().set_callbacks(*callbacks)


@contextmanager
def fit_task(estimator: Any, X: Any, y: Any, sample_weight: Any, max_subtasks: int) -> Iterator[Any]:
    """The root ``fit`` task: begin on entry, end on a normal exit; yields its context (None
    without scikit-learn's callback API). Call it inside a method decorated by
    :func:`with_callbacks`, which tears the callbacks down whatever happens."""
    if not hasattr(estimator, "_init_callback_context"):
        yield None
        return
    context = estimator._init_callback_context(max_subtasks=max_subtasks)
    metadata = {"sample_weight": sample_weight} if sample_weight is not None else None
    context.call_on_fit_task_begin(estimator=estimator, X=X, y=y, metadata=metadata)
    yield context
    arguments = dict(estimator=estimator, X=X, y=y, metadata=metadata)
    context.call_on_fit_task_end(**arguments, reconstruction_attributes={})


class LbfgsIterations:
    """scipy's ``callback(xk)`` mapped to one ``lbfgs-iter`` subtask per iteration (module docstring).

    ``attributes(θ)`` returns the fitted attributes ({"coef_": …, "intercept_": …}) at θ; it is
    called only when a hook asks for the fitted estimator.
    """

    def __init__(
        self,
        context: Any,
        estimator: Any,
        X: Any,
        y: Any,
        sample_weight: Any,
        theta0: np.ndarray,
        attributes: Callable[[np.ndarray], dict],
    ) -> None:
        self._context, self._estimator, self._X, self._y = context, estimator, X, y
        self._metadata = {"sample_weight": sample_weight} if sample_weight is not None else None
        self._attributes = attributes
        self._current = self._begin(theta0)

    def _hook_arguments(self, theta: np.ndarray) -> dict:
        theta = np.array(theta, dtype=np.float64)
        return dict(
            estimator=self._estimator,
            X=self._X,
            y=self._y,
            metadata=self._metadata,
            reconstruction_attributes=lambda: self._attributes(theta),
        )

    def _begin(self, theta: np.ndarray) -> Any:
        subtask = self._context.subcontext(task_name="lbfgs-iter")
        subtask.call_on_fit_task_begin(**self._hook_arguments(theta))
        return subtask

    def __call__(self, xk: np.ndarray) -> None:
        self._current.call_on_fit_task_end(**self._hook_arguments(xk))
        self._current = self._begin(xk)

    def close(self) -> None:
        """End the subtask begun after the last iteration (it never ran) as an empty task."""
        self._current.call_on_fit_task_end(estimator=self._estimator)
