"""Optimizers as optax-style gradient transformations: pure ``init``/``update`` pairs with NamedTuple state.

An optimizer maps a gradient to an *update* that is added to the parameters with
:func:`apply_updates`. Updates already carry the sign and the step, so plain gradient
descent is ``chain(scale(-lr))``: ``x ← x + update = x − lr·g``. Parameters are numpy
arrays of any shape (or floats); states are NamedTuples of arrays, and ``update`` never
mutates its arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

__all__ = [
    "AdagradState",
    "AdamState",
    "ChainState",
    "EmptyState",
    "GradientTransformation",
    "RmsState",
    "TraceState",
    "adagrad",
    "adam",
    "apply_updates",
    "chain",
    "momentum",
    "nesterov",
    "rmsprop",
    "scale",
    "scale_by_adagrad",
    "scale_by_adam",
    "scale_by_rms",
    "sgd",
    "trace",
]

Params = Any  # a numpy array or a float


class GradientTransformation(NamedTuple):
    """A pair of pure functions defining an optimizer.

    Attributes
    ----------
    init : callable
        ``init(params) -> state``.
    update : callable
        ``update(grads, state, params) -> (updates, new_state)``; apply the updates with
        :func:`apply_updates`.
    """

    init: Callable[[Params], Any]
    update: Callable[[Params, Any, Params], tuple[Params, Any]]


class EmptyState(NamedTuple):
    """State of a stateless transformation."""


class TraceState(NamedTuple):
    """Velocity ``trace`` of a momentum transformation."""

    trace: np.ndarray


class AdagradState(NamedTuple):
    """Running sum ``sum_of_squares`` G = Σ g² of AdaGrad."""

    sum_of_squares: np.ndarray


class RmsState(NamedTuple):
    """Exponential moving average ``nu`` of g² of RMSProp."""

    nu: np.ndarray


class AdamState(NamedTuple):
    """Adam's step ``count`` and the first and second moment averages ``mu`` and ``nu``."""

    count: int
    mu: np.ndarray
    nu: np.ndarray


class ChainState(NamedTuple):
    """The states of the chained transformations, in order."""

    states: tuple


def _zeros_like(params: Params) -> np.ndarray:
    return np.zeros_like(np.asarray(params, dtype=float))


def _check_positive(value: float, name: str) -> float:
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return value


def _check_unit(value: float, name: str) -> float:
    value = float(value)
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return value


def scale(step: float) -> GradientTransformation:
    """Multiply the incoming updates by ``step`` (use a negative step to descend)."""
    step = float(step)

    def init(params: Params) -> EmptyState:
        return EmptyState()

    def update(grads: Params, state: EmptyState, params: Params = None) -> tuple[Params, EmptyState]:
        return step * np.asarray(grads, dtype=float), state

    return GradientTransformation(init, update)


def trace(decay: float, *, nesterov: bool = False) -> GradientTransformation:
    """Heavy-ball momentum: t ← g + decay·t, output t (or g + decay·t for Nesterov).

    Followed by ``scale(-lr)`` this is the velocity form v ← decay·v − lr·g, x ← x + v.
    """
    decay = _check_unit(decay, "beta")

    def init(params: Params) -> TraceState:
        return TraceState(_zeros_like(params))

    def update(grads: Params, state: TraceState, params: Params = None) -> tuple[Params, TraceState]:
        g = np.asarray(grads, dtype=float)
        t = g + decay * state.trace
        out = g + decay * t if nesterov else t
        return out, TraceState(t)

    return GradientTransformation(init, update)


def scale_by_adagrad(eps: float = 1e-8) -> GradientTransformation:
    """AdaGrad scaling: G ← G + g², output g / (√G + eps)."""
    eps = float(eps)

    def init(params: Params) -> AdagradState:
        return AdagradState(_zeros_like(params))

    def update(grads: Params, state: AdagradState, params: Params = None) -> tuple[Params, AdagradState]:
        g = np.asarray(grads, dtype=float)
        G = state.sum_of_squares + g * g
        return g / (np.sqrt(G) + eps), AdagradState(G)

    return GradientTransformation(init, update)


def scale_by_rms(decay: float = 0.9, eps: float = 1e-8) -> GradientTransformation:
    """RMSProp scaling: G ← decay·G + (1 − decay)·g², output g / (√G + eps)."""
    decay = _check_unit(decay, "decay")
    eps = float(eps)

    def init(params: Params) -> RmsState:
        return RmsState(_zeros_like(params))

    def update(grads: Params, state: RmsState, params: Params = None) -> tuple[Params, RmsState]:
        g = np.asarray(grads, dtype=float)
        nu = decay * state.nu + (1.0 - decay) * g * g
        return g / (np.sqrt(nu) + eps), RmsState(nu)

    return GradientTransformation(init, update)


def scale_by_adam(b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> GradientTransformation:
    """Adam scaling with bias correction.

    M ← b1·M + (1 − b1)·g, V ← b2·V + (1 − b2)·g², M̂ = M/(1 − b1ⁿ), V̂ = V/(1 − b2ⁿ),
    output M̂ / (√V̂ + eps), where n counts the updates made so far (1 on the first).
    """
    b1 = _check_unit(b1, "b1")
    b2 = _check_unit(b2, "b2")
    eps = float(eps)

    def init(params: Params) -> AdamState:
        return AdamState(0, _zeros_like(params), _zeros_like(params))

    def update(grads: Params, state: AdamState, params: Params = None) -> tuple[Params, AdamState]:
        g = np.asarray(grads, dtype=float)
        count = state.count + 1
        mu = b1 * state.mu + (1.0 - b1) * g
        nu = b2 * state.nu + (1.0 - b2) * g * g
        mu_hat = mu / (1.0 - b1**count)
        nu_hat = nu / (1.0 - b2**count)
        return mu_hat / (np.sqrt(nu_hat) + eps), AdamState(count, mu, nu)

    return GradientTransformation(init, update)


def chain(*transforms: GradientTransformation) -> GradientTransformation:
    """Compose transformations: each one's output updates are the next one's input gradients."""
    if not transforms:
        raise ValueError("chain needs at least one transformation")
    for t in transforms:
        if not isinstance(t, GradientTransformation):
            raise TypeError(f"chain takes GradientTransformation objects, got {type(t).__name__}")

    def init(params: Params) -> ChainState:
        return ChainState(tuple(t.init(params) for t in transforms))

    def update(grads: Params, state: ChainState, params: Params = None) -> tuple[Params, ChainState]:
        new_states = []
        for t, s in zip(transforms, state.states):
            grads, s = t.update(grads, s, params)
            new_states.append(s)
        return grads, ChainState(tuple(new_states))

    return GradientTransformation(init, update)


def apply_updates(params: Params, updates: Params) -> np.ndarray:
    """Return ``params + updates`` as a new array (the inputs are not modified)."""
    return np.asarray(params, dtype=float) + updates


def sgd(lr: float) -> GradientTransformation:
    """Gradient descent: x ← x − lr·g."""
    return chain(scale(-_check_positive(lr, "lr")))


def momentum(lr: float, beta: float = 0.9) -> GradientTransformation:
    """Heavy-ball momentum: v ← beta·v − lr·g, x ← x + v."""
    return chain(trace(beta), scale(-_check_positive(lr, "lr")))


def nesterov(lr: float, beta: float = 0.9) -> GradientTransformation:
    """Nesterov momentum (optax/PyTorch form): t ← g + beta·t, x ← x − lr·(g + beta·t)."""
    return chain(trace(beta, nesterov=True), scale(-_check_positive(lr, "lr")))


def adagrad(lr: float, eps: float = 1e-8) -> GradientTransformation:
    """AdaGrad: G ← G + g², x ← x − lr·g/(√G + eps)."""
    return chain(scale_by_adagrad(eps), scale(-_check_positive(lr, "lr")))


def rmsprop(lr: float, decay: float = 0.9, eps: float = 1e-8) -> GradientTransformation:
    """RMSProp: G ← decay·G + (1 − decay)·g², x ← x − lr·g/(√G + eps)."""
    return chain(scale_by_rms(decay, eps), scale(-_check_positive(lr, "lr")))


def adam(lr: float, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> GradientTransformation:
    """Adam with bias correction: x ← x − lr·M̂/(√V̂ + eps) (see :func:`scale_by_adam`)."""
    return chain(scale_by_adam(b1, b2, eps), scale(-_check_positive(lr, "lr")))
