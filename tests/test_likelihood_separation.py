"""check_separation against the 1-D rule (sorted classes) and a brute-force direction search in 2-D."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lagrangekit.likelihood.separation import check_separation


def _one_d_truth(x: np.ndarray, t: np.ndarray) -> str | None:
    """Separation kind for logistic regression on (1, x), from the order of the classes."""
    if t.min() == t.max():
        return "complete"  # the intercept alone separates
    lo1, hi1, lo0, hi0 = x[t == 1].min(), x[t == 1].max(), x[t == 0].min(), x[t == 0].max()
    if hi0 < lo1 or hi1 < lo0:
        return "complete"
    # classes touch at one value c: separable only if some point lies off c (else all margins are 0)
    if (hi0 == lo1 and np.any(x != hi0)) or (hi1 == lo0 and np.any(x != hi1)):
        return "quasi-complete"
    return None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-5, 5), min_size=3, max_size=12),
    st.lists(st.integers(0, 1), min_size=3, max_size=12),
)
def test_one_dimensional_separation_matches_the_order_rule(xs, ts):
    n = min(len(xs), len(ts))
    x = np.array(xs[:n], dtype=float)
    t = np.array(ts[:n])
    design = np.column_stack([np.ones(n), x])
    result = check_separation(design, t)
    truth = _one_d_truth(x, t)
    assert result.separable == (truth is not None)
    assert result.kind == truth
    if result.separable:
        margins = (2 * t - 1) * (design @ result.direction)
        assert np.all(margins >= -1e-9) and np.any(margins > 1e-9)


def test_L6_is_complete_and_a_shared_point_is_quasi_complete():
    x = np.array([10.0, 9.0, 3.0, 2.0, 1.0])
    design = np.column_stack([np.ones(5), x])
    assert check_separation(design, [1, 1, 0, 0, 0]).kind == "complete"
    x_tie = np.array([10.0, 9.0, 3.0, 3.0, 1.0])
    assert check_separation(np.column_stack([np.ones(5), x_tie]), [1, 1, 1, 0, 0]).kind == "quasi-complete"


@pytest.mark.parametrize(("seed", "noise"), [(0, 0.5), (1, 0.5), (2, 0.5), (3, 0.0), (4, 0.0)])
def test_certificate_shortcut_agrees_with_the_lp(seed, noise):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(60, 2))
    t = (X[:, 0] + noise * rng.normal(size=60) > 0).astype(int)
    design = np.column_stack([X, np.ones(60)])
    lp = check_separation(design, t)
    if noise == 0:
        assert lp.separable  # x₀ = 0 separates by construction
    else:
        # no random direction out of 20000 separates (brute force, independent of the LP)
        margins = (2 * t - 1)[:, None] * (design @ rng.normal(size=(20000, 3)).T)
        assert not np.any(np.all(margins > 0, axis=0))
        assert not lp.separable
    shortcut = check_separation(design, t, candidate=np.full(60, 0.5))
    assert shortcut.separable == lp.separable
