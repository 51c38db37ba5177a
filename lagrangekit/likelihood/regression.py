"""Negative log-likelihoods for real and count targets: Gaussian (and MSE), Laplace (MAE), Poisson.

- Gaussian: −log N(y | μ, σ²) = ½ log(2πσ²) + (y − μ)²/(2σ²). With σ fixed, the mean squared
  error is this NLL up to constants: ``mse(y, μ) == 2 * gaussian_nll(y, μ, var=1, full=False) / n``.
  Minimizing over σ² gives the MLE σ̂² = SSE/n (TEXTBOOK L5).
- Laplace: −log L(y | μ, b) = log(2b) + |y − μ|/b, so with b fixed ``mae`` is the Laplace NLL
  up to constants: ``mae == (Laplace NLL with b = 1) / n − log 2``.
- Poisson: −log P(y | λ) = λ − y log λ + log y!, from the rate λ or, stably, from the log-rate
  η = log λ as e^η − yη + log y!.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import gammaln, xlogy

from ._checks import (
    Reduction,
    as_float,
    check_counts,
    check_same_shape,
    check_sample_weight,
    reduce_losses,
    result_dtype,
    scale_gradient,
)

__all__ = ["gaussian_nll", "gaussian_nll_grad", "mae", "mse", "poisson_nll", "poisson_nll_grad"]

_HALF_LOG_2PI = 0.5 * np.log(2 * np.pi)


def _targets(y: Any, mean: Any, mean_name: str = "mean") -> tuple[np.ndarray, np.ndarray]:
    dtype = result_dtype(y, mean)
    y_arr = np.atleast_1d(as_float("y", y, dtype, allow_inf=False))
    m_arr = np.atleast_1d(as_float(mean_name, mean, dtype, allow_inf=False))
    check_same_shape(y=y_arr, **{mean_name: m_arr})
    return y_arr, m_arr


def _variance(var: Any, sigma: Any, dtype: np.dtype) -> np.ndarray:
    if var is not None and sigma is not None:
        raise ValueError("pass at most one of var= and sigma=")
    if sigma is not None:
        s = as_float("sigma", sigma, dtype, allow_inf=False)
        if (s <= 0).any():
            raise ValueError("sigma must be > 0")
        return s * s
    v = as_float("var", 1.0 if var is None else var, dtype, allow_inf=False)
    if (v <= 0).any():
        raise ValueError("var must be > 0")
    return v


def gaussian_nll(
    y: Any,
    mean: Any,
    *,
    var: Any = None,
    sigma: Any = None,
    full: bool = True,
    sample_weight: Any = None,
    reduction: Reduction = "sum",
) -> Any:
    """Gaussian negative log-likelihood Σᵢ sᵢ[½ log(2πσᵢ²) + (yᵢ − μᵢ)²/(2σᵢ²)].

    Parameters
    ----------
    y, mean : array-like of the same shape
        Observations and means μ.
    var, sigma : float or array-like, optional
        The variance σ² or the standard deviation σ (at most one; default σ² = 1).
        Broadcast against ``y``.
    full : bool, default True
        Include the constant ½ log(2π) per entry (then the value equals
        ``-scipy.stats.norm.logpdf(y, mean, sigma).sum()``). ``full=False`` drops only it.
    sample_weight : array-like of shape (n,), optional
    reduction : {"sum", "mean", "none"}
    """
    y_arr, m_arr = _targets(y, mean)
    v = _variance(var, sigma, y_arr.dtype)
    losses = 0.5 * np.log(v) + 0.5 * (y_arr - m_arr) ** 2 / v
    if full:
        losses = losses + y_arr.dtype.type(_HALF_LOG_2PI)
    weights = check_sample_weight(sample_weight, y_arr.shape[0], y_arr.dtype)
    return reduce_losses(np.broadcast_to(losses, y_arr.shape), weights, reduction)


def gaussian_nll_grad(
    y: Any,
    mean: Any,
    *,
    var: Any = None,
    sigma: Any = None,
    sample_weight: Any = None,
    reduction: Reduction = "sum",
) -> np.ndarray:
    """Gradient of :func:`gaussian_nll` with respect to the means: sᵢ(μᵢ − yᵢ)/σᵢ² (÷ Σs for a mean)."""
    y_arr, m_arr = _targets(y, mean)
    v = _variance(var, sigma, y_arr.dtype)
    weights = check_sample_weight(sample_weight, y_arr.shape[0], y_arr.dtype)
    return scale_gradient(np.broadcast_to((m_arr - y_arr) / v, y_arr.shape), weights, reduction)


def mse(y: Any, y_pred: Any, *, sample_weight: Any = None) -> Any:
    """Mean squared error (1/Σs)Σ sᵢ(yᵢ − ŷᵢ)²: the Gaussian NLL with σ² = 1, minus its constants, times 2/n.

    Exactly ``2 * gaussian_nll(y, y_pred, var=1, full=False, reduction="mean")``; matches
    ``sklearn.metrics.mean_squared_error``.
    """
    y_arr, m_arr = _targets(y, y_pred, "y_pred")
    weights = check_sample_weight(sample_weight, y_arr.shape[0], y_arr.dtype)
    return reduce_losses((y_arr - m_arr) ** 2, weights, "mean")


def mae(y: Any, y_pred: Any, *, sample_weight: Any = None) -> Any:
    """Mean absolute error (1/Σs)Σ sᵢ|yᵢ − ŷᵢ|: the mean Laplace NLL with scale b = 1, minus log 2.

    The Laplace NLL is log(2b) + |y − μ|/b per entry. Matches ``sklearn.metrics.mean_absolute_error``.
    """
    y_arr, m_arr = _targets(y, y_pred, "y_pred")
    weights = check_sample_weight(sample_weight, y_arr.shape[0], y_arr.dtype)
    return reduce_losses(np.abs(y_arr - m_arr), weights, "mean")


def _poisson_inputs(y: Any, log_rate: Any, rate: Any) -> tuple[np.ndarray, np.ndarray, bool]:
    if (log_rate is None) == (rate is None):
        raise ValueError("pass exactly one of log_rate= or rate=")
    score = log_rate if log_rate is not None else rate
    dtype = result_dtype(y, score)
    y_arr = np.atleast_1d(check_counts("y", y, dtype))
    name = "log_rate" if log_rate is not None else "rate"
    s = np.atleast_1d(as_float(name, score, dtype))
    check_same_shape(y=y_arr, **{name: s})
    if rate is not None and (s < 0).any():
        raise ValueError("rate must be >= 0")
    return y_arr, s, log_rate is not None


def poisson_nll(
    y: Any,
    *,
    log_rate: Any = None,
    rate: Any = None,
    full: bool = True,
    sample_weight: Any = None,
    reduction: Reduction = "sum",
) -> Any:
    """Poisson negative log-likelihood Σᵢ sᵢ[λᵢ − yᵢ log λᵢ + log yᵢ!].

    Pass the rate λ (``rate``) or the log-rate η = log λ (``log_rate``, the GLM's linear
    predictor; computed as e^η − yη). ``full=False`` drops log y!. A zero rate with y > 0
    gives ``inf``; y = 0 with λ = 0 gives 0.
    """
    y_arr, s, is_log = _poisson_inputs(y, log_rate, rate)
    losses = np.exp(s) - y_arr * s if is_log else s - xlogy(y_arr, s)
    if full:
        losses = losses + gammaln(y_arr + 1)
    weights = check_sample_weight(sample_weight, y_arr.shape[0], y_arr.dtype)
    return reduce_losses(losses, weights, reduction)


def poisson_nll_grad(
    y: Any, log_rate: Any, *, sample_weight: Any = None, reduction: Reduction = "sum"
) -> np.ndarray:
    """Gradient of :func:`poisson_nll` with respect to the log-rate: sᵢ(e^{ηᵢ} − yᵢ) (÷ Σs for a mean)."""
    y_arr, eta, _ = _poisson_inputs(y, log_rate, None)
    weights = check_sample_weight(sample_weight, y_arr.shape[0], y_arr.dtype)
    return scale_gradient(np.exp(eta) - y_arr, weights, reduction)
