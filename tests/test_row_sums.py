"""The compiled absolute row sums used by Ridge's Cholesky error estimate, against numpy."""

from __future__ import annotations

import numpy as np
import pytest

from lagrangekit.linear_model._row_sums import max_abs_row_sums


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("size", [1, 7, 64, 129])
def test_max_abs_row_sums_match_numpy(size: int, order: str) -> None:
    rng = np.random.default_rng(size)
    values = rng.standard_normal((size, size)) * 10.0 ** rng.integers(-3, 4, size=(size, size))
    A = np.asarray(values, order=order)
    s = rng.random(size) + 0.1
    plain, scaled = max_abs_row_sums(A, s)
    assert plain == pytest.approx(np.abs(A).sum(axis=1).max(), rel=1e-13)
    assert scaled == pytest.approx((s * (np.abs(A) @ s)).max(), rel=1e-13)


def test_max_abs_row_sums_propagate_inf() -> None:
    A = np.eye(3)
    A[1, 2] = -np.inf
    plain, scaled = max_abs_row_sums(A, np.ones(3))
    assert plain == np.inf and scaled == np.inf
