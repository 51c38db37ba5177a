"""Bernoulli and binomial negative log-likelihoods, computed stably from logits or probabilities.

For a label t ∈ {0, 1} and success probability y = σ(z), the Bernoulli likelihood is
P(t) = yᵗ(1 − y)¹⁻ᵗ, so −log P(t) = −[t log y + (1 − t) log(1 − y)]: the binary
cross-entropy. From a logit z this is −log σ(sz) with s = 2t − 1, evaluated with
``scipy.special.log_expit``; it is exact to rounding for every finite logit (±800 in float64,
±80 in float32), where the naive formula returns ``inf`` or ``nan`` once |z| ≳ 37.
From probabilities, ``xlogy``/``xlog1py`` give 0·log 0 = 0, and a wrong-side certainty
(y = 0 with t = 1, or y = 1 with t = 0) gives ``inf``, never ``nan``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import expit, gammaln, log_expit, xlog1py, xlogy

from ._checks import (
    Reduction,
    as_float,
    check_binary_labels,
    check_counts,
    check_proba,
    check_same_shape,
    check_sample_weight,
    logits_or_proba_dtype,
    reduce_losses,
    result_dtype,
    scale_gradient,
)

__all__ = [
    "bernoulli_log_likelihood",
    "bernoulli_nll",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "binomial_nll",
    "log_sigmoid",
    "sigmoid",
]


def sigmoid(z: Any) -> np.ndarray:
    """The logistic function σ(z) = 1 / (1 + e^(−z)), the Bernoulli mean for logit z.

    A thin, validated alias of ``scipy.special.expit``; float32 input stays float32.
    """
    z = as_float("z", z)
    return expit(z)


def log_sigmoid(z: Any) -> np.ndarray:
    """log σ(z) = −log(1 + e^(−z)), the Bernoulli log-probability of t = 1 at logit z.

    ``scipy.special.log_expit``: exact for large |z| (log σ(−800) = −800, not −inf).
    """
    z = as_float("z", z)
    return log_expit(z)


def _bernoulli_losses(y_true: Any, logits: Any, proba: Any) -> np.ndarray:
    """Per-entry −log P(t) for labels ``y_true`` given exactly one of logits and proba."""
    dtype = logits_or_proba_dtype(logits, proba, y_true)
    t = check_binary_labels("y_true", y_true, dtype)
    if logits is not None:
        z = as_float("logits", logits, dtype)
        check_same_shape(y_true=t, logits=z)
        return -log_expit(np.where(t == 1, z, -z))
    p = check_proba("proba", proba, dtype)
    check_same_shape(y_true=t, proba=p)
    return -(xlogy(t, p) + xlog1py(1 - t, -p))


def bernoulli_nll(
    y_true: Any,
    *,
    logits: Any = None,
    proba: Any = None,
    sample_weight: Any = None,
    reduction: Reduction = "sum",
) -> Any:
    """Bernoulli negative log-likelihood −Σᵢ sᵢ log P(tᵢ), P(t) = yᵗ(1 − y)¹⁻ᵗ.

    Parameters
    ----------
    y_true : array-like of 0/1 labels
        Any shape; the first axis indexes samples.
    logits : array-like, optional
        Scores z with y = σ(z). Exact for every finite z.
    proba : array-like in [0, 1], optional
        Probabilities y of t = 1. Pass exactly one of ``logits`` and ``proba``.
    sample_weight : array-like of shape (n_samples,), optional
        Frequency weights sᵢ ≥ 0 (default 1).
    reduction : {"sum", "mean", "none"}
        ``"sum"`` (default) is the NLL; ``"mean"`` divides by Σ sᵢ (the binary
        cross-entropy); ``"none"`` returns sᵢ·(−log P(tᵢ)) per entry.

    Returns
    -------
    float or ndarray
        ``inf`` when a probability of exactly 0 is given to an observed outcome.

    Raises
    ------
    ValueError
        Labels other than 0/1, probabilities outside [0, 1], NaN, or mismatched shapes.
    """
    losses = _bernoulli_losses(y_true, logits, proba)
    weights = check_sample_weight(sample_weight, losses.shape[0] if losses.ndim else 1, losses.dtype)
    return reduce_losses(np.atleast_1d(losses), weights, reduction)


def bernoulli_log_likelihood(
    y_true: Any, *, logits: Any = None, proba: Any = None, sample_weight: Any = None
) -> Any:
    """Bernoulli log-likelihood Σᵢ sᵢ[tᵢ log yᵢ + (1 − tᵢ) log(1 − yᵢ)]: exactly ``−bernoulli_nll``."""
    return -bernoulli_nll(y_true, logits=logits, proba=proba, sample_weight=sample_weight)


def binary_cross_entropy(
    y_true: Any,
    *,
    logits: Any = None,
    proba: Any = None,
    reduction: Reduction = "mean",
    sample_weight: Any = None,
) -> Any:
    """Binary cross-entropy J = −(1/m)Σ[tᵢ log yᵢ + (1 − tᵢ) log(1 − yᵢ)]: the mean Bernoulli NLL.

    By construction ``binary_cross_entropy(t, logits=z) == bernoulli_nll(t, logits=z) / n``
    exactly (with weights, divided by Σ sᵢ), so minimizing the mean cross-entropy is
    maximizing the Bernoulli likelihood. Parameters are those of :func:`bernoulli_nll`;
    ``reduction`` defaults to ``"mean"``.
    """
    return bernoulli_nll(y_true, logits=logits, proba=proba, sample_weight=sample_weight, reduction=reduction)


def binary_cross_entropy_grad(
    y_true: Any, logits: Any, *, reduction: Reduction = "mean", sample_weight: Any = None
) -> np.ndarray:
    """Gradient of :func:`binary_cross_entropy` with respect to the logits: sᵢ(σ(zᵢ) − tᵢ)/Σs.

    With ``reduction="sum"`` the factor 1/Σs is dropped; ``"none"`` gives the gradient of each
    entry's own loss, σ(zᵢ) − tᵢ (times sᵢ).
    """
    dtype = result_dtype(y_true, logits)
    t = check_binary_labels("y_true", y_true, dtype)
    z = as_float("logits", logits, dtype)
    check_same_shape(y_true=t, logits=z)
    z = np.atleast_1d(z)
    weights = check_sample_weight(sample_weight, z.shape[0], dtype)
    return scale_gradient(expit(z) - np.atleast_1d(t), weights, reduction)


def _times(count: np.ndarray, log_p: np.ndarray) -> np.ndarray:
    """count·log_p with the convention 0·(−inf) = 0."""
    return np.where(count == 0, 0, count * log_p).astype(log_p.dtype, copy=False)


def binomial_nll(
    k: Any,
    n: Any,
    *,
    logits: Any = None,
    proba: Any = None,
    full: bool = True,
    sample_weight: Any = None,
    reduction: Reduction = "sum",
) -> Any:
    """Binomial negative log-likelihood −Σ log[C(n, k) yᵏ(1 − y)ⁿ⁻ᵏ] for k successes in n trials.

    From logits this is −[k log σ(z) + (n − k) log σ(−z)] − log C(n, k), exact for all finite z.
    ``full=False`` drops the constant log C(n, k) (it does not depend on y), leaving the sum
    of n Bernoulli NLLs. Other parameters as in :func:`bernoulli_nll`.
    """
    dtype = logits_or_proba_dtype(logits, proba, k, n)
    k_arr = check_counts("k", k, dtype)
    n_arr = check_counts("n", n, dtype)
    k_arr, n_arr = np.broadcast_arrays(k_arr, n_arr)
    if (k_arr > n_arr).any():
        raise ValueError("k must be <= n (successes cannot exceed trials)")
    if logits is not None:
        z = as_float("logits", logits, dtype)
        k_arr, n_arr, z = np.broadcast_arrays(k_arr, n_arr, z)
        # xlogy(k, e^v) = k·v with 0·v = 0 even at v = −inf (infinite logits)
        losses = -(_times(k_arr, log_expit(z)) + _times(n_arr - k_arr, log_expit(-z)))
    else:
        p = check_proba("proba", proba, dtype)
        k_arr, n_arr, p = np.broadcast_arrays(k_arr, n_arr, p)
        losses = -(xlogy(k_arr, p) + xlog1py(n_arr - k_arr, -p))
    if full:
        losses = losses - (gammaln(n_arr + 1) - gammaln(k_arr + 1) - gammaln(n_arr - k_arr + 1))
    losses = np.atleast_1d(losses)
    weights = check_sample_weight(sample_weight, losses.shape[0], dtype)
    return reduce_losses(losses, weights, reduction)
