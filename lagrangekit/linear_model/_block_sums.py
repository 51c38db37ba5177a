"""The column sums and Xᵀy of a cache-sized block of C-ordered rows, in one compiled pass.

:func:`~lagrangekit.linear_model.gram_stats.centred_moments` forms XᵀX of each sub-block with
one BLAS ``syrk`` and then needs the block's column sums and Xᵀy while the block is still in
cache. For one target and C-ordered rows, this kernel reads each row once for both (100
columns: 55 µs a sub-block against 80 µs for two BLAS ``gemv``, beside 450 µs for the
``syrk``). With several targets it is no faster than a ``gemv`` per target, and on columns
(F order) it does not vectorize, so BLAS does those.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def add_sums_and_dots(X, y, sums, dots):  # pragma: no cover - compiled
    """Add X's column sums to ``sums`` and Xᵀy to ``dots``, reading each row of X once."""
    m, p = X.shape
    for i in range(m):
        yi = y[i]
        for j in range(p):
            v = X[i, j]
            sums[j] += v
            dots[j] += yi * v
