"""Losses as negative log-likelihoods, computed stably from logits, and maximum likelihood fits.

Binary cross-entropy is the mean Bernoulli NLL, softmax cross-entropy the mean categorical NLL,
and MSE the Gaussian NLL with fixed variance up to constants; each function's docstring names
its distribution. :func:`fit_mle` fits a named model or a user log-likelihood and returns an
:class:`MLEResult` with standard errors from the observed information; :func:`mle_symbolic`
does the same exactly with sympy.
"""

from __future__ import annotations

from .bernoulli import (
    bernoulli_log_likelihood,
    bernoulli_nll,
    binary_cross_entropy,
    binary_cross_entropy_grad,
    binomial_nll,
    log_sigmoid,
    sigmoid,
)
from .categorical import (
    categorical_nll,
    log_softmax,
    softmax,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)
from .information import SingularInformationWarning, numeric_hessian
from .mle import LRTestResult, MLEResult, fit_mle
from .regression import gaussian_nll, gaussian_nll_grad, mae, mse, poisson_nll, poisson_nll_grad
from .symbolic_mle import SymbolicMLE, mle_symbolic

__all__ = [
    "LRTestResult",
    "MLEResult",
    "SingularInformationWarning",
    "SymbolicMLE",
    "bernoulli_log_likelihood",
    "bernoulli_nll",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "binomial_nll",
    "categorical_nll",
    "fit_mle",
    "gaussian_nll",
    "gaussian_nll_grad",
    "log_sigmoid",
    "log_softmax",
    "mae",
    "mle_symbolic",
    "mse",
    "numeric_hessian",
    "poisson_nll",
    "poisson_nll_grad",
    "sigmoid",
    "softmax",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
]
