"""Dask row reductions: each row block of (X, y, weights) is reduced where it lives, then the parts are
tree-merged, in one ``dask.compute``. What a block reduces to is the caller's (GramStats, per-fold lists)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["dask_row_reduce", "is_dask_array"]

_FAN_IN = 8  # partial statistics merged per task of the reduction tree


def is_dask_array(obj: Any) -> bool:
    """Whether ``obj`` is a ``dask.array.Array`` (without importing dask when it is not loaded)."""
    da = sys.modules.get("dask.array")
    return da is not None and isinstance(obj, da.Array)


def _aligned(a: Any, X: Any, name: str) -> Any:
    """``a`` as a Dask array whose row chunks are X's and with a single column chunk."""
    import dask.array as da

    if not is_dask_array(a):
        a = np.asarray(a)
        if a.ndim not in (1, 2) or a.shape[0] != X.shape[0]:
            raise ValueError(f"{name} must have {X.shape[0]} rows like X, got shape {a.shape}")
        return da.from_array(a, chunks=(X.chunks[0], *a.shape[1:]))
    if a.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D or 2-D, got shape {a.shape}")
    if a.ndim == 2:
        a = a.rechunk({1: -1})
    if a.chunks[0] != X.chunks[0]:
        if any(np.isnan(c) for c in (*a.chunks[0], *X.chunks[0])):
            raise ValueError(
                f"{name} and X have unknown, different row chunks: call compute_chunk_sizes() on both"
            )
        if a.shape[0] != X.shape[0]:
            raise ValueError(f"{name} must have {X.shape[0]} rows like X, got {a.shape[0]}")
        a = a.rechunk({0: X.chunks[0]})
    return a


def dask_row_reduce(
    X: Any,
    y: Any,
    sample_weight: Any,
    reduce_block: Callable[[Any, Any, Any, int], Any],
    merge: Callable[..., Any],
    *,
    known_chunks: bool,
) -> Any:
    """``merge`` of ``reduce_block(X_block, y_block, w_block, first_row)`` over X's row blocks.

    Both callables must be picklable (module-level functions or partials of them) so they can
    run on a ``distributed`` cluster. ``known_chunks`` refuses row chunks of unknown size
    (needed when a block's reduction depends on its first row's index).
    """
    try:
        import dask
    except ImportError:  # pragma: no cover - exercised only without the extra installed
        raise ImportError("from_dask needs dask: pip install 'lagrangekit[dask]'") from None
    if not is_dask_array(X):
        raise TypeError(f"X must be a dask.array.Array, got {type(X).__name__}; use from_arrays for NumPy")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
    X = X.rechunk({1: -1})
    y = _aligned(y, X, "y")
    w = None if sample_weight is None else _aligned(sample_weight, X, "sample_weight")
    row_chunks = X.chunks[0]
    if known_chunks and any(np.isnan(c) for c in row_chunks):
        raise ValueError("K-fold statistics need known row chunks: call X.compute_chunk_sizes() first")
    starts = np.concatenate([[0], np.cumsum(row_chunks)[:-1]]) if row_chunks else []
    # unoptimized, so that X and y blocks cut from one upstream block share its task (fusing
    # each block's graph separately would compute that upstream block once for X and once for y)
    x_blocks = X.to_delayed(optimize_graph=False).ravel()
    y_blocks = y.to_delayed(optimize_graph=False).ravel()
    w_blocks = [None] * len(x_blocks) if w is None else w.to_delayed(optimize_graph=False).ravel()
    reduce_task = dask.delayed(reduce_block, pure=True)
    level = [
        reduce_task(xb, yb, wb, int(s) if np.isfinite(s) else 0)
        for xb, yb, wb, s in zip(x_blocks, y_blocks, w_blocks, starts)
    ]
    if not level:
        raise ValueError("X has no row blocks")
    merge_task = dask.delayed(merge, pure=True)
    while len(level) > 1:
        level = [merge_task(*level[i : i + _FAN_IN]) for i in range(0, len(level), _FAN_IN)]
    (result,) = dask.compute(level[0])
    return result
