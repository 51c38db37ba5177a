"""The logistic datafits: the mean Bernoulli or categorical NLL of a linear model, on dense or sparse X.

Both are one class, :class:`LogisticLoss`, in the *datafit* role of :mod:`._roles` (``value``,
``gradient``, ``lipschitz``) plus the second-order methods the Newton solvers use (``hessp``,
``hessian``). The parameters are θ = [W | b] of shape (m, p + 1) (without the column b when
there is no intercept), flattened row by row, with m = 1 for two classes (logit z = xᵀw + b of
``classes_[1]``) and m = K for K ≥ 3 classes (logits zₖ = xᵀwₖ + bₖ, p = softmax(z)). The loss is

    f(θ) = Σᵢ ωᵢ ℓ(yᵢ, zᵢ),   ωᵢ = sᵢ/Σⱼsⱼ,

with ℓ the binary cross-entropy (:func:`lagrangekit.likelihood.binary_cross_entropy`) or the
softmax cross-entropy (:func:`lagrangekit.likelihood.softmax_cross_entropy`), both computed from
the logits by the ``likelihood`` module (exact at logits of ±800). Their gradients with respect
to the logits, (p − y)ωᵢ, come from the same module; the chain rule through z = Xwₖ + bₖ gives
∂f/∂wₖ = Xᵀ(pₖ − yₖ)ω and ∂f/∂bₖ = Σᵢωᵢ(pᵢₖ − yᵢₖ).

:meth:`LogisticLoss.loss` and :meth:`LogisticLoss.logit_gradient` call those validating public
functions. The solvers evaluate through :meth:`LogisticLoss.value`, :meth:`~LogisticLoss.gradient`,
:meth:`~LogisticLoss.value_and_gradient` and :meth:`~LogisticLoss.hessp` instead, which run the
compiled one-pass kernels of :mod:`._logistic_fused` on the data as validated once by the
estimator (the tests check that both routes agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sparse
import scipy.sparse.linalg as splinalg
from scipy.special import expit, softmax

from ..likelihood.bernoulli import binary_cross_entropy, binary_cross_entropy_grad
from ..likelihood.categorical import softmax_cross_entropy, softmax_cross_entropy_grad
from ._logistic_fused import fused_hessp, fused_value_gradient

__all__ = ["LogisticLoss"]


@dataclass(frozen=True)
class LogisticLoss:
    """f(θ) = Σᵢ ωᵢ ℓ(yᵢ, Xᵢ·Wᵀ + b) (see the module docstring).

    Attributes
    ----------
    X : ndarray (float64) or scipy.sparse CSR matrix (float64), shape (n, p)
    labels : ndarray of int, shape (n,)
        Class indices in {0, …, K − 1}.
    n_classes : int
        K >= 2.
    weights : ndarray of shape (n,)
        ωᵢ = sᵢ/Σsⱼ (they sum to 1).
    fit_intercept : bool
    """

    X: Any
    labels: np.ndarray
    n_classes: int
    weights: np.ndarray
    fit_intercept: bool

    # ------------------------------------------------------------------ shapes
    @property
    def n_rows(self) -> int:
        """m: 1 for the binary model, K for the multinomial one."""
        return 1 if self.n_classes == 2 else self.n_classes

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def n_columns(self) -> int:
        """p + 1 with an intercept, p without."""
        return self.n_features + int(self.fit_intercept)

    @property
    def size(self) -> int:
        return self.n_rows * self.n_columns

    @cached_property
    def penalized(self) -> np.ndarray:
        """Mask of θ's entries that the penalty sees (every coefficient, never an intercept)."""
        mask = np.ones((self.n_rows, self.n_columns), dtype=bool)
        if self.fit_intercept:
            mask[:, -1] = False
        return mask.ravel()

    def split(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(W of shape (m, p), b of shape (m,)) from the flat θ."""
        T = np.asarray(theta, dtype=np.float64).reshape(self.n_rows, self.n_columns)
        W = T[:, : self.n_features]
        b = T[:, -1] if self.fit_intercept else np.zeros(self.n_rows)
        return W, b

    # ------------------------------------------------------------------ model
    def logits(self, theta: np.ndarray) -> np.ndarray:
        """Z = XWᵀ + b, shape (n, m)."""
        W, b = self.split(theta)
        return np.asarray(self.X @ W.T).reshape(-1, self.n_rows) + b

    @cached_property
    def _binary_target(self) -> np.ndarray:
        return (self.labels == 1).astype(np.float64)

    def loss(self, Z: np.ndarray) -> float:
        """Σᵢ ωᵢ ℓ(yᵢ, zᵢ) at the logits Z (n, m), from the likelihood module's losses."""
        if self.n_rows == 1:
            value = binary_cross_entropy(
                self._binary_target, logits=Z[:, 0], sample_weight=self.weights, reduction="sum"
            )
            return float(value)
        return float(softmax_cross_entropy(self.labels, Z, sample_weight=self.weights, reduction="sum"))

    def value(self, theta: np.ndarray) -> float:
        """f(θ): the ω-weighted mean cross-entropy (one compiled pass over X)."""
        return self._fused(theta, False)[0]

    def logit_gradient(self, Z: np.ndarray) -> np.ndarray:
        """∂f/∂Z = ωᵢ(pᵢ − yᵢ) of shape (n, m), from the likelihood module's gradients."""
        if self.n_rows == 1:
            target = self._binary_target
            g = binary_cross_entropy_grad(target, Z[:, 0], sample_weight=self.weights, reduction="sum")
            return g[:, None]
        return softmax_cross_entropy_grad(self.labels, Z, sample_weight=self.weights, reduction="sum")

    def parameter_gradient(self, G: np.ndarray) -> np.ndarray:
        """The flat θ-gradient of a logit-gradient G (n, m) by the chain rule: [GᵀX | Gᵀ1]."""
        grad_W = np.asarray(self.X.T @ G).T.reshape(self.n_rows, self.n_features)
        if not self.fit_intercept:
            return grad_W.ravel()
        return np.column_stack([grad_W, G.sum(axis=0)]).ravel()

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        """∇f(θ), flat (one compiled pass over X)."""
        return self._fused(theta, True)[1]

    def value_and_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """(f(θ), ∇f(θ)) in one compiled pass over X."""
        return self._fused(theta, True)

    # ------------------------------------------------------------------ compiled evaluation
    @cached_property
    def _rows(self) -> tuple:
        """X for the kernels: (C-ordered X,) dense, (data, indices, indptr) sparse."""
        if sparse.issparse(self.X):
            X = sparse.csr_matrix(self.X, dtype=np.float64)
            if not X.has_canonical_format:  # a repeated (i, j) entry is summed, on a copy
                X = X.copy()
                X.sum_duplicates()
            return X.data, X.indices, X.indptr
        return (np.ascontiguousarray(self.X, dtype=np.float64),)

    @cached_property
    def _codes(self) -> np.ndarray:
        return np.ascontiguousarray(self.labels, dtype=np.int64)

    @cached_property
    def _last(self) -> list:
        """[θ, f(θ), ∇f(θ) or None] of the last evaluation: the fit's final value, gradient and
        certificate are then at a point the solver has just evaluated, without another pass."""
        return [None, 0.0, None]

    def record(self, theta: np.ndarray, value: float, grad: np.ndarray) -> None:
        """Take (f(θ), ∇f(θ)) computed by a solver's own kernel as the last evaluation (the
        solver's pass over X at its final θ then serves ``objective_`` and the certificate),
        and at θ = 0 as the certificate's scale too."""
        theta = np.array(theta, dtype=np.float64)
        self._last[:] = [theta, float(value), np.array(grad, dtype=np.float64)]
        if not np.any(theta):
            self._at_zero[:] = [float(value), self._last[2].copy()]

    @cached_property
    def _at_zero(self) -> list:
        """[f(0), ∇f(0)] once evaluated (usually the solver's start): the certificate's scale."""
        return []

    def _fused(self, theta: np.ndarray, want_grad: bool) -> tuple[float, np.ndarray]:
        theta = np.asarray(theta, dtype=np.float64)
        last = self._last
        if last[0] is not None and (last[2] is not None or not want_grad) and np.array_equal(last[0], theta):
            return last[1], (None if last[2] is None else last[2].copy())
        zero = not np.any(theta)
        if zero and self._at_zero:
            return self._at_zero[0], self._at_zero[1].copy()
        T = np.ascontiguousarray(theta).reshape(self.n_rows, self.n_columns)
        value, G = fused_value_gradient(
            self._rows, self._codes, self.weights, T, self.fit_intercept, want_grad
        )
        if not want_grad:
            last[:] = [theta.copy(), float(value), None]
            return float(value), None
        grad = G.ravel()
        self.record(theta, value, grad)
        return float(value), grad

    def probabilities(self, Z: np.ndarray) -> np.ndarray:
        """σ(z) of shape (n, 1) for the binary model, softmax(Z) of shape (n, K) otherwise."""
        return expit(Z) if self.n_rows == 1 else softmax(Z, axis=1)

    # ------------------------------------------------------------------ second order
    def hessp(self, theta: np.ndarray, v: np.ndarray, P: np.ndarray | None = None) -> np.ndarray:
        """∇²f(θ)·v without forming the Hessian, in one compiled pass over X (``P`` = the
        probabilities at θ, if known)."""
        if P is None:
            P = self.probabilities(self.logits(theta))
        V = np.ascontiguousarray(v, dtype=np.float64).reshape(self.n_rows, self.n_columns)
        P = np.ascontiguousarray(P, dtype=np.float64)
        return fused_hessp(self._rows, self.weights, P, V, self.fit_intercept).ravel()

    @cached_property
    def _augmented(self) -> Any:
        """A = [X | 1] (X itself without an intercept), built once per fit for the Hessians."""
        A = self.X
        if not self.fit_intercept:
            return A
        ones = np.ones((A.shape[0], 1))
        return sparse.hstack([A, ones], format="csr") if sparse.issparse(A) else np.hstack([A, ones])

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        """∇²f(θ), shape (size, size): blocks Aᵀ diag(ω(pⱼδⱼₖ − pⱼpₖ)) A with A = [X | 1]."""
        P = self.probabilities(self.logits(theta))
        A = self._augmented
        m, c = self.n_rows, self.n_columns
        if m == 1 and not sparse.issparse(A):  # BᵀB with B = √d·A: numpy calls syrk (half a gemm)
            B = A * np.sqrt(self.weights * P[:, 0] * (1 - P[:, 0]))[:, None]
            return B.T @ B
        H = np.empty((m * c, m * c))
        for j in range(m):
            for k in range(j, m):
                if m == 1:
                    d = self.weights * P[:, 0] * (1 - P[:, 0])
                else:
                    d = self.weights * (P[:, j] * (j == k) - P[:, j] * P[:, k])
                block = A.T @ (sparse.diags(d) @ A) if sparse.issparse(A) else (A.T * d) @ A
                block = block.toarray() if sparse.issparse(block) else block
                H[j * c : (j + 1) * c, k * c : (k + 1) * c] = block
                H[k * c : (k + 1) * c, j * c : (j + 1) * c] = block.T
        return H

    def lipschitz(self) -> float:
        """A Lipschitz constant of ∇f: λmax(AᵀΩA)·(1/4 binary, 1/2 softmax), A = [X | 1]."""
        root = np.sqrt(self.weights)

        def matvec(v: np.ndarray) -> np.ndarray:
            v = np.ravel(v)
            out = np.asarray(self.X @ v[: self.n_features]).ravel()
            if self.fit_intercept:
                out = out + v[-1]
            return root * out

        def rmatvec(u: np.ndarray) -> np.ndarray:
            u = root * np.ravel(u)
            out = np.asarray(self.X.T @ u).ravel()
            return np.append(out, u.sum()) if self.fit_intercept else out

        shape = (self.X.shape[0], self.n_columns)
        if min(shape) == 0:
            return 0.0
        if min(shape) <= 200 and not sparse.issparse(self.X):
            A = np.column_stack([self.X, np.ones(shape[0])]) if self.fit_intercept else self.X
            sigma = float(np.linalg.norm(A * root[:, None], 2))
        else:
            op = splinalg.LinearOperator(shape, matvec=matvec, rmatvec=rmatvec, dtype=np.float64)
            sigma = float(splinalg.svds(op, k=1, return_singular_vectors=False, tol=1e-6)[0]) * (1 + 1e-5)
        return sigma**2 * (0.25 if self.n_rows == 1 else 0.5)
