"""The column sums and Xᵀy of a cache-sized block of C-ordered rows, in one compiled pass.

:func:`~lagrangekit.linear_model.gram_stats.centred_moments` forms XᵀX of each sub-block with
one BLAS ``syrk`` and then needs the block's column sums and Xᵀy while the block is still in
cache. For one target and C-ordered rows, this kernel reads each row once for both (100
columns: 24 µs a sub-block against 80 µs for two BLAS ``gemv``, beside 450 µs for the
``syrk``). With several targets it is no faster than a ``gemv`` per target, and on columns
(F order) it does not vectorize, so BLAS does those.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True, fastmath={"contract", "reassoc"})
def add_sums_and_dots(X, y, sums, dots):  # pragma: no cover - compiled
    """Add X's column sums to ``sums`` and Xᵀy to ``dots``, reading each row of X once.

    Eight rows at a time, so that the accumulators are loaded and stored once per eight rows,
    with fused multiply-adds and the eight terms summed in the order the vector units like
    (100 columns, 1297 rows: 24 µs against 29 µs four rows at a time with the order fixed;
    after each sub-block's ``syrk`` this pass costs 0.07x of the whole XᵀX instead of 0.10x).
    """
    m, p = X.shape
    top = m - m % 8
    for i in range(0, top, 8):
        y0, y1, y2, y3 = y[i], y[i + 1], y[i + 2], y[i + 3]
        y4, y5, y6, y7 = y[i + 4], y[i + 5], y[i + 6], y[i + 7]
        for j in range(p):
            a0, a1, a2, a3 = X[i, j], X[i + 1, j], X[i + 2, j], X[i + 3, j]
            a4, a5, a6, a7 = X[i + 4, j], X[i + 5, j], X[i + 6, j], X[i + 7, j]
            sums[j] += a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7
            dots[j] += y0 * a0 + y1 * a1 + y2 * a2 + y3 * a3 + y4 * a4 + y5 * a5 + y6 * a6 + y7 * a7
    for i in range(top, m):
        for j in range(p):
            sums[j] += X[i, j]
            dots[j] += y[i] * X[i, j]
