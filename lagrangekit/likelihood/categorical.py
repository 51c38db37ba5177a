"""Softmax and the categorical negative log-likelihood (softmax cross-entropy), stable from logits.

For class probabilities p = softmax(z), pₖ = e^{zₖ}/Σⱼe^{zⱼ}, the categorical likelihood of a
one-hot label y is Πₖ pₖ^{yₖ}, so −log P(y) = −Σₖ yₖ log pₖ: the cross-entropy. From logits
it is computed as −log P(y) = softplus(logsumexp_{j≠y}(z_j − z_y)) with ``scipy.special``'s
``logsumexp`` and ``log_expit``: exact to rounding for logits of any magnitude, including the
tiny losses of confident right answers (where logsumexp(z) − z_y would cancel), and equal to
the binary cross-entropy of z₁ − z₀ when K = 2.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import log_expit, logsumexp, xlogy
from scipy.special import log_softmax as _log_softmax
from scipy.special import softmax as _softmax

from ._checks import (
    Reduction,
    as_float,
    check_proba,
    check_sample_weight,
    logits_or_proba_dtype,
    reduce_losses,
    result_dtype,
    scale_gradient,
)

__all__ = ["categorical_nll", "log_softmax", "softmax", "softmax_cross_entropy", "softmax_cross_entropy_grad"]


def softmax(z: Any, axis: int = -1) -> np.ndarray:
    """softmax(z)ₖ = e^{zₖ}/Σⱼ e^{zⱼ} along ``axis``: the categorical mean for logits z."""
    return _softmax(as_float("z", z), axis=axis)


def log_softmax(z: Any, axis: int = -1) -> np.ndarray:
    """log softmax(z)ₖ = zₖ − logΣⱼ e^{zⱼ}, the categorical log-probabilities (never −inf for finite z)."""
    return _log_softmax(as_float("z", z), axis=axis)


def _one_hot(y_true: Any, n_classes: int, dtype: np.dtype, n_samples: int) -> np.ndarray:
    """Integer labels of shape (n,) or one-hot rows of shape (n, K) as a one-hot float matrix."""
    y = as_float("y_true", y_true, dtype, allow_inf=False)
    if y.ndim == 1:
        if y.shape[0] != n_samples:
            raise ValueError(f"y_true has {y.shape[0]} labels but the scores have {n_samples} rows")
        if (y != np.floor(y)).any() or (y < 0).any() or (y >= n_classes).any():
            raise ValueError(f"integer labels y_true must lie in {{0, ..., {n_classes - 1}}}")
        return (y[:, None] == np.arange(n_classes)).astype(dtype)
    if y.shape != (n_samples, n_classes):
        raise ValueError(
            f"one-hot y_true must have shape ({n_samples}, {n_classes}) like the scores, got {y.shape}"
        )
    if ((y != 0) & (y != 1)).any() or (y.sum(axis=1) != 1).any():
        raise ValueError("one-hot y_true rows must contain a single 1 and zeros elsewhere")
    return y


def _observed_class_nll(z: np.ndarray, onehot: np.ndarray) -> np.ndarray:
    """−log softmax(z)[y] per row as log(1 + Σ_{j≠y} e^{z_j − z_y}) = −log σ(−logsumexp_{j≠y}(z_j − z_y))."""
    observed = onehot == 1
    z_obs = z[observed][:, None]  # one observed class per row
    with np.errstate(invalid="ignore"):  # inf − inf for infinite logits, masked just below
        others = np.where(observed, -np.inf, z - z_obs)
    others = np.where(np.isnan(others), np.inf, others)
    return -log_expit(-logsumexp(others, axis=1))


def _scores(name: str, value: Any, dtype: np.dtype) -> np.ndarray:
    arr = as_float(name, value, dtype)
    if arr.ndim != 2:
        raise ValueError(f"{name} must have shape (n_samples, n_classes), got {arr.shape}")
    return arr


def categorical_nll(
    y_true: Any,
    *,
    logits: Any = None,
    proba: Any = None,
    sample_weight: Any = None,
    reduction: Reduction = "sum",
) -> Any:
    """Categorical negative log-likelihood −Σᵢ sᵢ Σₖ yᵢₖ log pᵢₖ.

    Parameters
    ----------
    y_true : array-like
        Integer labels in {0, …, K−1} of shape (n,), or one-hot rows of shape (n, K).
    logits : array-like of shape (n, K), optional
        Scores with p = softmax(z) per row. Exact for logits of any size.
    proba : array-like of shape (n, K), optional
        Class probabilities per row, in [0, 1]. Pass exactly one of ``logits`` and ``proba``.
        A probability of 0 on the observed class gives ``inf``; 0·log 0 = 0 elsewhere.
    sample_weight : array-like of shape (n,), optional
        Frequency weights.
    reduction : {"sum", "mean", "none"}
        Sum (default, the NLL), mean over Σ sᵢ (the cross-entropy), or per sample.
    """
    dtype = logits_or_proba_dtype(logits, proba, y_true)
    if logits is not None:
        z = _scores("logits", logits, dtype)
        y = _one_hot(y_true, z.shape[1], dtype, z.shape[0])
        losses = _observed_class_nll(z, y)
    else:
        p = _scores("proba", check_proba("proba", proba, dtype), dtype)
        y = _one_hot(y_true, p.shape[1], dtype, p.shape[0])
        losses = -xlogy(y, p).sum(axis=1)
    weights = check_sample_weight(sample_weight, losses.shape[0], dtype)
    return reduce_losses(losses, weights, reduction)


def softmax_cross_entropy(
    y_true: Any, logits: Any, *, reduction: Reduction = "mean", sample_weight: Any = None
) -> Any:
    """Softmax cross-entropy −(1/m)Σᵢ log softmax(zᵢ)[yᵢ]: the mean categorical NLL.

    Equal by construction to ``categorical_nll(y_true, logits=logits) / n`` (over Σ sᵢ with
    weights). With two classes it is the binary cross-entropy of the logit difference z₁ − z₀.
    """
    return categorical_nll(y_true, logits=logits, sample_weight=sample_weight, reduction=reduction)


def softmax_cross_entropy_grad(
    y_true: Any, logits: Any, *, reduction: Reduction = "mean", sample_weight: Any = None
) -> np.ndarray:
    """Gradient of :func:`softmax_cross_entropy` with respect to the logits: (p − y)·sᵢ/Σs.

    Returns an array of shape (n, K); ``reduction="sum"`` drops the 1/Σs factor.
    """
    dtype = result_dtype(y_true, logits)
    z = _scores("logits", logits, dtype)
    y = _one_hot(y_true, z.shape[1], dtype, z.shape[0])
    weights = check_sample_weight(sample_weight, z.shape[0], dtype)
    return scale_gradient(_softmax(z, axis=1) - y, weights, reduction, per_sample=1)
