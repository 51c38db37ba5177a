"""First-order optimization: optax-style transforms (sgd … adam, chain), the ``minimize_smooth``
run loop, proximal gradient (ISTA/FISTA) and finite-difference derivatives."""

from __future__ import annotations

from .derivatives import derivative, gradient
from .loop import minimize_smooth
from .proximal import proximal_gradient
from .transforms import (
    AdagradState,
    AdamState,
    ChainState,
    EmptyState,
    GradientTransformation,
    RmsState,
    TraceState,
    adagrad,
    adam,
    apply_updates,
    chain,
    momentum,
    nesterov,
    rmsprop,
    scale,
    scale_by_adagrad,
    scale_by_adam,
    scale_by_rms,
    sgd,
    trace,
)

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
    "derivative",
    "gradient",
    "minimize_smooth",
    "momentum",
    "nesterov",
    "proximal_gradient",
    "rmsprop",
    "scale",
    "scale_by_adagrad",
    "scale_by_adam",
    "scale_by_rms",
    "sgd",
    "trace",
]
