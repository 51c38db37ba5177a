"""GramFolds: K-fold cross-validation from per-fold sufficient statistics, without the data in memory."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.model_selection import KFold

from .gram_stats import GramStats, array_stats, check_chunk, dask_stats, interleaved_fold_stats, iter_chunks

__all__ = ["GramFolds"]

PathFit = Callable[[GramStats], tuple[np.ndarray, np.ndarray]]


def _check_n_splits(n_splits: Any) -> int:
    if isinstance(n_splits, bool) or not isinstance(n_splits, (int, np.integer)) or n_splits < 2:
        raise ValueError(f"n_splits must be an integer >= 2, got {n_splits!r}")
    return int(n_splits)


@dataclass(frozen=True, eq=False)
class GramFolds:
    """The statistics of K disjoint folds of the rows; training sets are merges of K − 1 of them.

    One pass over the data builds all K :class:`GramStats`. The training statistics of
    fold k are ``merge_all`` of the other K − 1, and the validation error of any
    coefficients on fold k comes from fold k's statistics alone
    (:meth:`GramStats.residual_sum_of_squares`), so cross-validation never revisits the data.

    Attributes
    ----------
    folds : tuple of GramStats
        The statistics of each fold's rows.
    """

    folds: tuple[GramStats, ...]

    def __post_init__(self) -> None:
        folds = tuple(self.folds)
        if len(folds) < 2 or not all(isinstance(f, GramStats) for f in folds):
            raise ValueError("folds must be a sequence of at least 2 GramStats")
        for i, f in enumerate(folds):
            if f.sum_weights == 0:
                raise ValueError(f"fold {i} has no rows of positive weight: use fewer folds")
            if (f.n_features, f.n_targets) != (folds[0].n_features, folds[0].n_targets):
                raise ValueError("every fold must have the same number of features and targets")
        object.__setattr__(self, "folds", folds)

    @property
    def n_splits(self) -> int:
        """Number of folds K."""
        return len(self.folds)

    @property
    def total(self) -> GramStats:
        """The statistics of all rows."""
        return GramStats.merge_all(self.folds)

    def train(self, k: int) -> GramStats:
        """The statistics of every fold but ``k``."""
        return GramStats.merge_all(f for i, f in enumerate(self.folds) if i != k)

    def test(self, k: int) -> GramStats:
        """The statistics of fold ``k``."""
        return self.folds[k]

    def mse_path(self, fit_path: PathFit) -> np.ndarray:
        """Validation mean squared error of a family of models on each fold.

        Parameters
        ----------
        fit_path : callable
            ``fit_path(train_stats) -> (coefs, intercepts)`` with ``coefs`` of shape
            (n_features, n_alphas) and ``intercepts`` of shape (n_alphas,), for a 1-D target.

        Returns
        -------
        ndarray of shape (n_alphas, n_splits)
            Σ sᵢ(yᵢ − xᵢᵀw − b)² / Σ sᵢ over each validation fold (the plain MSE without
            weights), laid out like scikit-learn's ``mse_path_``.
        """
        if self.folds[0].n_targets is not None:
            raise ValueError("K-fold CV from statistics needs a 1-D y")
        columns = []
        for k in range(self.n_splits):
            coefs, intercepts = fit_path(self.train(k))
            test = self.folds[k]
            columns.append(test.residual_sum_of_squares(coefs, intercepts) / test.sum_weights)
        return np.stack(columns, axis=1)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_arrays(cls, X: Any, y: Any, sample_weight: Any = None, *, cv: Any = 5) -> GramFolds:
        """Per-fold statistics of in-memory arrays, with scikit-learn's folds.

        Parameters
        ----------
        X, y, sample_weight
            As for :meth:`GramStats.from_arrays`.
        cv : int, CV splitter or iterable of (train, test) index pairs
            An int K means ``sklearn.model_selection.KFold(K)`` (contiguous, unshuffled, the
            default of scikit-learn's regressors). The test sets must partition the rows.
        """
        X, y, w = check_chunk(X, y, sample_weight)
        n = X.shape[0]
        splitter = KFold(_check_n_splits(cv)) if isinstance(cv, (int, np.integer)) else cv
        splits = splitter.split(X, y) if hasattr(splitter, "split") else splitter
        tests = [np.asarray(test) for _, test in splits]
        covered = np.sort(np.concatenate(tests)) if tests else np.empty(0, dtype=int)
        if covered.shape != (n,) or np.any(covered != np.arange(n)):
            raise ValueError("cv's test sets must partition the rows (each row in one), as KFold's do")
        return cls(tuple(array_stats(X[t], y[t], None if w is None else w[t]) for t in tests))

    @classmethod
    def from_chunks(cls, chunks: Iterable[Sequence[Any]], n_splits: int = 5) -> GramFolds:
        """Per-fold statistics of a stream of (X, y[, sample_weight]) chunks, in one pass.

        Row i of the stream (counting across chunks) goes to fold ``i % n_splits``: the folds
        are interleaved, so they do not depend on the chunk sizes. Shuffle upstream if the
        row order carries structure (time, sorted keys) that folds should not follow.
        """
        k = _check_n_splits(n_splits)
        acc: list[GramStats] | None = None
        start = 0
        for X, y, w in iter_chunks(chunks):
            parts = interleaved_fold_stats(X, y, w, start, k)
            acc = parts if acc is None else [a.merge(b) for a, b in zip(acc, parts)]
            start += X.shape[0]
        if acc is None:
            raise ValueError("chunks is empty: pass at least one (X, y) chunk")
        return cls(tuple(acc))

    @classmethod
    def from_dask(cls, X: Any, y: Any, sample_weight: Any = None, *, n_splits: int = 5) -> GramFolds:
        """Per-fold statistics of Dask arrays in one ``dask.compute`` (folds as in :meth:`from_chunks`)."""
        return cls(tuple(dask_stats(X, y, sample_weight, n_splits=_check_n_splits(n_splits))))
