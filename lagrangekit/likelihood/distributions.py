"""The named models of :func:`fit_mle`: log-likelihood, closed-form MLE and analytic observed information.

Each model's log-likelihood equals the sum of the matching ``scipy.stats`` logpmf/logpdf:

=============  ===============  =================================  ==========================
model          parameters       data                               scipy.stats reference
=============  ===============  =================================  ==========================
bernoulli      p                labels in {0, 1}                   ``bernoulli(p)``
binomial       p                ``(k, n)`` or ``{"k": .., "n": ..}`` ``binom(n, p)``
poisson        mu               counts                             ``poisson(mu)``
exponential    rate             values >= 0                        ``expon(scale=1/rate)``
gaussian       mu, sigma        real values                        ``norm(mu, sigma)``
categorical    p0, …, p{K-1}    labels in {0..K−1} or one-hot      ``multinomial(1, p)``
=============  ===============  =================================  ==========================

For the binomial, ``n`` may be one number of trials shared by every ``k`` (broadcast, as by
``scipy.stats.binom``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ._checks import as_float, check_binary_labels, check_counts
from .bernoulli import bernoulli_nll, binomial_nll
from .categorical import categorical_nll
from .regression import gaussian_nll, poisson_nll

__all__ = ["DISTRIBUTIONS", "Distribution"]

_F64 = np.dtype(np.float64)
_POSITIVE = (0.0, np.inf)
_UNIT = (0.0, 1.0)


class Distribution:
    """A named model: ``prepare`` validates data, the rest work on prepared data.

    Subclasses set ``name`` and ``param_names`` and implement ``prepare``, ``loglik``,
    ``closed_form`` and ``information`` (the full observed information −∇² log L).
    Fixed parameters are given as ``{index: value}``; ``bounds`` (the parameters' domain,
    closed, with ±inf for no bound), ``simplex`` (the parameters sum to 1) and ``start``
    serve numeric maximization (``fit_mle(..., method="auto")``) and the certificate.
    """

    name: str = ""
    param_names: tuple[str, ...] = ()
    bounds: tuple[tuple[float, float], ...] = ()
    simplex: bool = False
    # positive definiteness threshold of the information (see invert_information)
    information_rtol: float = 1e-12

    start: tuple[float, ...] = ()

    def prepare(self, data: Any) -> tuple[Any, int | None]:
        """Validated data and the number of observations (None when the data do not say)."""
        raise NotImplementedError

    def names(self, data: Any) -> tuple[str, ...]:
        """Parameter names (they may depend on the data, as for the categorical model)."""
        return self.param_names

    def domain(self, names: tuple[str, ...]) -> list[tuple[float, float]]:
        """(low, high) of each parameter, ±inf where unbounded."""
        return list(self.bounds) if self.bounds else [(-np.inf, np.inf)] * len(names)

    def loglik(self, theta: np.ndarray, data: Any) -> float:
        raise NotImplementedError

    def closed_form(self, data: Any, fixed: Mapping[int, float]) -> np.ndarray:
        raise NotImplementedError

    def information(self, theta: np.ndarray, data: Any) -> np.ndarray:
        raise NotImplementedError

    def free_information(self, theta: np.ndarray, data: Any, free: list[int]) -> np.ndarray:
        """Observed information of the free parameters (fixed ones are conditioned on)."""
        return self.information(theta, data)[np.ix_(free, free)]

    def embed_covariance(self, cov_free: np.ndarray, theta: np.ndarray, free: list[int]) -> np.ndarray:
        """Covariance of all parameters, with zeros for the fixed ones."""
        cov = np.zeros((theta.size, theta.size))
        cov[np.ix_(free, free)] = cov_free
        return cov

    def k_params(self, free: list[int]) -> int:
        """Number of freely estimated parameters."""
        return len(free)


def _single(fixed: Mapping[int, float], estimate: float) -> np.ndarray:
    return np.array([fixed.get(0, estimate)], dtype=float)


class Bernoulli(Distribution):
    name, param_names, bounds, start = "bernoulli", ("p",), (_UNIT,), (0.5,)

    def prepare(self, data):
        t = np.atleast_1d(check_binary_labels("data", data, _F64)).ravel()
        if t.size == 0:
            raise ValueError("data must contain at least one observation")
        return (float(t.sum()), float(t.size - t.sum()), t), t.size

    def loglik(self, theta, data):
        return -float(bernoulli_nll(data[2], proba=np.full(data[2].shape, theta[0])))

    def closed_form(self, data, fixed):
        return _single(fixed, data[0] / (data[0] + data[1]))

    def information(self, theta, data):
        p = theta[0]
        return np.array([[data[0] / p**2 + data[1] / (1 - p) ** 2]])


class Binomial(Distribution):
    name, param_names, bounds, start = "binomial", ("p",), (_UNIT,), (0.5,)

    def prepare(self, data):
        if isinstance(data, Mapping):
            if set(data) != {"k", "n"}:
                raise ValueError("binomial data must be a mapping with keys 'k' and 'n' (or a pair (k, n))")
            k, n = data["k"], data["n"]
        elif isinstance(data, (tuple, list)) and len(data) == 2:
            k, n = data
        else:
            raise ValueError("binomial data must be a pair (k, n) or {'k': successes, 'n': trials}")
        k = np.atleast_1d(check_counts("k", k, _F64)).ravel()
        n = np.atleast_1d(check_counts("n", n, _F64)).ravel()
        if n.size == 1:  # one number of trials for every observation, as scipy.stats.binom broadcasts
            n = np.full(k.shape, n[0])
        if k.shape != n.shape:
            raise ValueError(f"k and n must have the same length, got {k.size} and {n.size}")
        if (k > n).any():
            raise ValueError("k must be <= n (successes cannot exceed trials)")
        if n.sum() == 0:
            raise ValueError("binomial data must contain at least one trial")
        return (k, n), k.size

    def loglik(self, theta, data):
        k, n = data
        return -float(binomial_nll(k, n, proba=np.full(k.shape, theta[0])))

    def closed_form(self, data, fixed):
        return _single(fixed, data[0].sum() / data[1].sum())

    def information(self, theta, data):
        k, n = data
        p = theta[0]
        return np.array([[k.sum() / p**2 + (n - k).sum() / (1 - p) ** 2]])


class Poisson(Distribution):
    name, param_names, bounds, start = "poisson", ("mu",), (_POSITIVE,), (1.0,)

    def prepare(self, data):
        y = np.atleast_1d(check_counts("data", data, _F64)).ravel()
        if y.size == 0:
            raise ValueError("data must contain at least one observation")
        return y, y.size

    def loglik(self, theta, data):
        return -float(poisson_nll(data, rate=np.full(data.shape, theta[0])))

    def closed_form(self, data, fixed):
        return _single(fixed, data.mean())

    def information(self, theta, data):
        return np.array([[data.sum() / theta[0] ** 2]])


class Exponential(Distribution):
    name, param_names, bounds, start = "exponential", ("rate",), (_POSITIVE,), (1.0,)

    def prepare(self, data):
        x = np.atleast_1d(as_float("data", data, _F64, allow_inf=False)).ravel()
        if x.size == 0:
            raise ValueError("data must contain at least one observation")
        if (x < 0).any():
            raise ValueError("exponential data must be >= 0")
        return x, x.size

    def loglik(self, theta, data):
        rate = theta[0]
        return float(data.size * np.log(rate) - rate * data.sum())

    def closed_form(self, data, fixed):
        return _single(fixed, 1.0 / data.mean())

    def information(self, theta, data):
        return np.array([[data.size / theta[0] ** 2]])


class Gaussian(Distribution):
    name, param_names = "gaussian", ("mu", "sigma")
    bounds, start = ((-np.inf, np.inf), _POSITIVE), (0.0, 1.0)

    def prepare(self, data):
        y = np.atleast_1d(as_float("data", data, _F64, allow_inf=False)).ravel()
        if y.size == 0:
            raise ValueError("data must contain at least one observation")
        return y, y.size

    def loglik(self, theta, data):
        return -float(gaussian_nll(data, np.full(data.shape, theta[0]), sigma=theta[1]))

    def closed_form(self, data, fixed):
        mu = fixed.get(0, data.mean())
        sigma = fixed.get(1, np.sqrt(np.mean((data - mu) ** 2)))
        return np.array([mu, sigma], dtype=float)

    def information(self, theta, data):
        mu, sigma = theta
        r = data - mu
        n = data.size
        cross = 2 * r.sum() / sigma**3
        return np.array([[n / sigma**2, cross], [cross, -n / sigma**2 + 3 * (r @ r) / sigma**4]])


class Categorical(Distribution):
    """K categories; p_{K−1} = 1 − Σ the others, so K − 1 parameters are free."""

    name, simplex = "categorical", True

    def prepare(self, data):
        y = as_float("data", data, _F64, allow_inf=False)
        if y.ndim == 1:
            if (y < 0).any() or (y != np.floor(y)).any():
                raise ValueError("categorical labels must be non-negative integers")
            n_classes = int(y.max()) + 1 if y.size else 0
            onehot = (y[:, None] == np.arange(n_classes)).astype(float)
        elif y.ndim == 2:
            onehot = y
            if ((y != 0) & (y != 1)).any() or (y.sum(axis=1) != 1).any():
                raise ValueError("one-hot categorical data must have a single 1 per row")
        else:
            raise ValueError("categorical data must be labels of shape (n,) or one-hot of shape (n, K)")
        if onehot.shape[0] == 0 or onehot.shape[1] < 2:
            raise ValueError("categorical data needs at least one observation and two categories")
        return onehot, onehot.shape[0]

    def names(self, data) -> tuple[str, ...]:
        return tuple(f"p{k}" for k in range(data.shape[1]))

    def domain(self, names):
        return [_UNIT] * len(names)

    def loglik(self, theta, data):
        return -float(categorical_nll(data, proba=np.broadcast_to(theta, data.shape)))

    def closed_form(self, data, fixed):
        if fixed:
            raise ValueError("fixed= is not supported for the categorical model")
        return data.mean(axis=0)

    def free_information(self, theta, data, free):
        counts = data.sum(axis=0)
        p = theta
        return np.diag(counts[:-1] / p[:-1] ** 2) + counts[-1] / p[-1] ** 2

    def embed_covariance(self, cov_free, theta, free):
        jac = np.vstack([np.eye(theta.size - 1), -np.ones((1, theta.size - 1))])
        return jac @ cov_free @ jac.T

    def k_params(self, free):
        return len(free) - 1


DISTRIBUTIONS: dict[str, Distribution] = {
    d.name: d for d in (Bernoulli(), Binomial(), Poisson(), Exponential(), Gaussian(), Categorical())
}
