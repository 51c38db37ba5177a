"""Input checks and reductions shared by the loss functions (labels, probabilities, logits, weights)."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

__all__ = [
    "Reduction",
    "as_float",
    "check_binary_labels",
    "check_counts",
    "check_proba",
    "check_same_shape",
    "check_sample_weight",
    "reduce_losses",
    "result_dtype",
    "scale_gradient",
]

Reduction = Literal["mean", "sum", "none"]
_REDUCTIONS = ("mean", "sum", "none")


def _float_dtype(*arrays: np.ndarray) -> np.dtype:
    """float32 when every floating input is float32 (and none is float64), else float64."""
    floats = [a.dtype for a in arrays if a.dtype.kind == "f"]
    if floats and all(d == np.float32 for d in floats):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def as_float(name: str, value: Any, dtype: np.dtype | None = None, *, allow_inf: bool = True) -> np.ndarray:
    """``value`` as a float array (a copy is never needed: nothing here writes to it).

    Raises ``ValueError`` naming ``name`` for non-numeric input, NaN, or (unless
    ``allow_inf``) infinite entries.
    """
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name} must be array-like of numbers: {exc}") from None
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be numeric, got dtype {arr.dtype}")
    arr = arr.astype(dtype if dtype is not None else _float_dtype(arr), copy=False)
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN; remove or impute the missing values")
    if not allow_inf and np.isinf(arr).any():
        raise ValueError(f"{name} contains inf; pass finite values")
    return arr


def result_dtype(*values: Any) -> np.dtype:
    """The float dtype losses are computed in: float32 only if the float inputs all are."""
    return _float_dtype(*(np.asarray(v) for v in values if v is not None))


def logits_or_proba_dtype(logits: Any, proba: Any, *values: Any) -> np.dtype:
    """The :func:`result_dtype` of ``values`` and the one score given, or ``ValueError``
    unless exactly one of ``logits`` and ``proba`` is passed."""
    if (logits is None) == (proba is None):
        raise ValueError("pass exactly one of logits= or proba=")
    return result_dtype(*values, logits if logits is not None else proba)


def check_binary_labels(name: str, value: Any, dtype: np.dtype) -> np.ndarray:
    """Labels as floats, or ``ValueError`` if any is not exactly 0 or 1 (or NaN)."""
    t = as_float(name, value, dtype)
    bad = (t != 0) & (t != 1)
    if bad.any():
        raise ValueError(f"{name} must contain only 0 and 1, got {np.unique(t[bad])[:5].tolist()}")
    return t


def check_counts(name: str, value: Any, dtype: np.dtype) -> np.ndarray:
    """Non-negative integer-valued counts as floats, or ``ValueError``."""
    k = as_float(name, value, dtype, allow_inf=False)
    if (k < 0).any() or (k != np.floor(k)).any():
        raise ValueError(f"{name} must contain non-negative integers (counts)")
    return k


def check_proba(name: str, value: Any, dtype: np.dtype) -> np.ndarray:
    """Probabilities as floats, or ``ValueError`` if any lies outside [0, 1] (or is NaN)."""
    p = as_float(name, value, dtype)
    if ((p < 0) | (p > 1)).any():
        raise ValueError(f"{name} must lie in [0, 1]; pass logits= instead of proba= for unbounded scores")
    return p


def check_same_shape(**arrays: np.ndarray) -> None:
    """``ValueError`` listing the shapes unless all the named arrays have the same shape."""
    shapes = {name: np.shape(a) for name, a in arrays.items()}
    if len(set(shapes.values())) > 1:
        described = ", ".join(f"{name} {shape}" for name, shape in shapes.items())
        raise ValueError(f"shape mismatch: {described}; pass arrays of the same shape")


def check_sample_weight(sample_weight: Any, n: int, dtype: np.dtype) -> np.ndarray | None:
    """Per-sample weights of length ``n``, non-negative and finite, or None."""
    if sample_weight is None:
        return None
    w = as_float("sample_weight", sample_weight, dtype, allow_inf=False)
    if w.ndim != 1 or w.shape[0] != n:
        raise ValueError(f"sample_weight must have shape ({n},), got {w.shape}")
    if (w < 0).any():
        raise ValueError("sample_weight must be >= 0")
    if n and not (w > 0).any():
        raise ValueError("sample_weight must have at least one positive entry")
    return w


def reduce_losses(losses: np.ndarray, sample_weight: np.ndarray | None, reduction: str) -> Any:
    """Weight per-sample ``losses`` (first axis = samples) and reduce them.

    ``"none"`` returns sᵢℓᵢ, ``"sum"`` returns Σ sᵢℓᵢ and ``"mean"`` returns the sum divided
    by Σ sᵢ (by n without weights; times the number of entries per sample for 2-D losses),
    so a mean is always the matching sum over its total weight.
    """
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    if sample_weight is not None:
        losses = losses * sample_weight.reshape((-1,) + (1,) * (losses.ndim - 1))
    if reduction == "none":
        return losses
    total = losses.sum(dtype=losses.dtype)
    if reduction == "sum":
        return total
    if losses.size == 0:
        raise ValueError("reduction='mean' needs at least one sample")
    return total / _mean_count(losses, sample_weight, losses.size // losses.shape[0])


def _mean_count(values: np.ndarray, sample_weight: np.ndarray | None, per_sample: int) -> Any:
    """What a mean divides by: (n or Σ sᵢ) × entries per sample, in ``values``' dtype."""
    count = values.shape[0] if sample_weight is None else sample_weight.sum(dtype=values.dtype)
    return values.dtype.type(count * per_sample)


def scale_gradient(
    grad: np.ndarray, sample_weight: np.ndarray | None, reduction: str, *, per_sample: int | None = None
) -> np.ndarray:
    """Per-sample gradients ``grad`` of the losses, weighted and scaled like :func:`reduce_losses`.

    The gradient of a ``"sum"`` (and of each entry of ``"none"``) is sᵢ·gᵢ; of a ``"mean"``,
    sᵢ·gᵢ divided by the same count the mean divides by. ``per_sample`` is the number of
    loss entries per sample (default: entries of ``grad`` per sample).
    """
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    weighted = reduce_losses(grad, sample_weight, "none")
    if reduction != "mean":
        return weighted
    per_sample = grad.size // grad.shape[0] if per_sample is None else per_sample
    return weighted / _mean_count(grad, sample_weight, per_sample)
