"""Separation by class and the unpenalized logistic MLE with inference, for binary and multinomial fits.

**Separation.** The multinomial likelihood has no maximizer when some direction D ≠ 0 (not the
same for every class) has (d_{yᵢ} − d_j)·aᵢ >= 0 for every sample i and class j ≠ yᵢ, with one
inequality strict (aᵢ = [xᵢ, 1]). :func:`separation_by_class` checks each class against the rest
with :func:`lagrangekit.likelihood.separation.check_separation` (one LP each, skipped when the
fit's own score weights certify overlap), which names the classes a hyperplane isolates, and
then the joint condition above as one more LP over the pairs (i, j); K = 2 is the binary check.

**Inference.** :func:`multinomial_mle` writes the symmetric softmax fit (coefficients W of shape
(K, p), intercepts b) in statsmodels ``MNLogit``'s baseline-category parametrization:
βₖ = (bₖ − b₀, wₖ − w₀) for k = 1, …, K − 1, class 0 (``classes_[0]``) the baseline. Both
parametrizations give the same probabilities; the baseline one is identifiable, so its
observed information, Σᵢ sᵢ (diag(πᵢ) − πᵢπᵢᵀ) ⊗ aᵢaᵢᵀ over the non-baseline probabilities πᵢ,
is invertible when the design has full rank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..likelihood.information import invert_information
from ..likelihood.separation import Separation, check_separation

__all__ = ["ClassSeparation", "MultinomialInference", "multinomial_mle", "separation_by_class"]


@dataclass(frozen=True)
class ClassSeparation:
    """Per-class and joint separation verdicts of a classification design.

    Attributes
    ----------
    by_class : dict
        label -> :class:`Separation` of that class against all the others.
    joint : Separation
        The whole model's verdict: separable when any direction of the multinomial (or binary)
        likelihood increases it without bound.
    """

    by_class: dict
    joint: Separation

    @property
    def separable(self) -> bool:
        return self.joint.separable

    @property
    def kind(self) -> str | None:
        return self.joint.kind

    @property
    def direction(self) -> np.ndarray | None:
        return self.joint.direction

    @property
    def isolated(self) -> list:
        """The classes a hyperplane separates from the rest."""
        return [label for label, s in self.by_class.items() if s.separable]

    @property
    def message(self) -> str:
        if not self.separable:
            return "the classes overlap: the logistic MLE exists (if the design has full rank)"
        labels = (c.item() if isinstance(c, np.generic) else c for c in self.isolated)
        named = ", ".join(repr(c) for c in labels) or "none alone (the classes jointly are)"
        return (
            f"{self.kind} separation: classes separated from the rest by a hyperplane: {named}; "
            "the log-likelihood increases without bound as the coefficients grow and the logistic "
            "MLE does not exist; use a finite C (an l2 penalty, e.g. C=1.0) for finite coefficients, "
            "or merge or drop the separated classes"
        )


def separation_by_class(
    A: np.ndarray, labels: np.ndarray, classes: np.ndarray, proba: np.ndarray, weights: np.ndarray
) -> ClassSeparation:
    """Check each class against the rest and the whole model (see the module docstring).

    ``A`` is the design with the intercept column, ``labels`` the class indices, ``proba`` the
    fitted probabilities (n, K) and ``weights`` the samples' positive weights, with which the
    score weights sᵢ(yᵢₖ − pᵢₖ) certify overlap cheaply at an unpenalized optimum.
    """
    K = len(classes)
    by_class = {}
    for k in range(K):
        inside = labels == k
        observed_miss = weights * np.where(inside, 1 - proba[:, k], proba[:, k])  # s(1 − P(observed side))
        by_class[classes[k]] = check_separation(A, inside.astype(int), candidate=observed_miss)
    if K == 2:
        return ClassSeparation(by_class, by_class[classes[1]])
    if not any(s.separable for s in by_class.values()):
        joint = _pairwise_separation(A, labels, K, proba * weights[:, None])
    else:
        first = next(s for s in by_class.values() if s.separable)
        joint = Separation(True, first.kind, first.direction)
    return ClassSeparation(by_class, joint)


def _pairwise_separation(A: np.ndarray, labels: np.ndarray, K: int, proba: np.ndarray) -> Separation:
    """The joint LP: rows (e_{yᵢ} − e_j) ⊗ aᵢ for j ≠ yᵢ, all with label 1 (``proba``: sᵢpᵢⱼ)."""
    n, c = A.shape
    rows, weights = [], []
    for j in range(K):
        others = labels != j
        block = np.zeros((int(others.sum()), K * c))
        idx = np.flatnonzero(others)
        for k in range(K):
            mine = labels[idx] == k
            block[mine, k * c : (k + 1) * c] = A[idx[mine]]
        block[:, j * c : (j + 1) * c] -= A[idx]
        rows.append(block)
        weights.append(proba[idx, j])  # the score weight of pair (i, j) is sᵢpᵢⱼ
    design = np.vstack(rows)
    return check_separation(design, np.ones(design.shape[0], dtype=int), candidate=np.concatenate(weights))


@dataclass(frozen=True)
class MultinomialInference:
    """The baseline-category parameters of a softmax fit and their observed information."""

    params: np.ndarray  # (K − 1)(p + 1), class by class, intercept first
    information: np.ndarray
    cov: np.ndarray
    ok: bool
    message: str


def multinomial_mle(
    A: np.ndarray, weights: np.ndarray, proba: np.ndarray, W: np.ndarray, b: np.ndarray
) -> MultinomialInference:
    """βₖ = (bₖ − b₀, wₖ − w₀) for k >= 1 and the information Σᵢsᵢ(diag πᵢ − πᵢπᵢᵀ) ⊗ aᵢaᵢᵀ.

    ``A`` has the intercept column first (statsmodels' ``add_constant`` order); ``weights`` are
    the raw sᵢ (frequency weights).
    """
    K = proba.shape[1]
    c = A.shape[1]
    theta = np.column_stack([b - b[0], W - W[0]])[1:] if c == W.shape[1] + 1 else (W - W[0])[1:]
    pi = proba[:, 1:]
    info = np.empty(((K - 1) * c, (K - 1) * c))
    for j in range(K - 1):
        for k in range(j, K - 1):
            d = weights * (pi[:, j] * (j == k) - pi[:, j] * pi[:, k])
            block = (A.T * d) @ A
            info[j * c : (j + 1) * c, k * c : (k + 1) * c] = block
            info[k * c : (k + 1) * c, j * c : (j + 1) * c] = block.T
    cov, ok, message = invert_information(info)
    return MultinomialInference(theta.ravel(), info, cov, ok, message)
