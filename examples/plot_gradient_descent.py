r"""
Gradient descent, step sizes and momentum
=========================================

The textbook cases G1–G5: the chain rule on one neuron, what the step size does on
:math:`f(x) = x^2`, momentum escaping a local minimum, five optimizers on an ill-conditioned
bowl, and finite-difference derivatives.

Every optimizer in :mod:`lagrangekit.optim` is a pair of pure functions (optax style):
``state = opt.init(x)`` and ``updates, state = opt.update(g, state, x)``, applied with
``x = apply_updates(x, updates)``. Plain gradient descent is

.. math::

   x_{k+1} = x_k - \eta \, \nabla f(x_k).
"""

import numpy as np

from lagrangekit.optim import apply_updates, derivative, momentum, sgd
from lagrangekit.plotting import (
    default_g4_transforms,
    optimizer_traces,
    plot_loss_curves,
    plot_optimizer_traces,
)


def run(transform, grad, x0, steps):
    """Iterates x_0 … x_steps of an optax-style transform on a gradient function."""
    x, state, xs = np.asarray(x0, dtype=float), transform.init(np.asarray(x0, dtype=float)), [float(x0)]
    for _ in range(steps):
        updates, state = transform.update(grad(x), state, x)
        x = apply_updates(x, updates)
        xs.append(float(x))
    return np.array(xs)


# %%
# G1: one neuron and the chain rule
# ---------------------------------
# A neuron with weight :math:`w`, input 1.5 and target 0.5 has the squared error
# :math:`C(w) = (1.5w - 0.5)^2`. By the chain rule :math:`C'(w) = 2(a - y)\cdot 1.5 = 4.5w - 1.5`.
# From :math:`w_0 = 0.8` with step 0.2, :math:`w_{k+1} = w_k - 0.2\,C'(w_k)`:

w = run(sgd(0.2), lambda w: 4.5 * w - 1.5, 0.8, 50)
print(f"G1: w1 = {w[1]:.4f}, w2 = {w[2]:.4f}, w3 = {w[3]:.4f}, w50 = {w[50]:.6f}")

# %%
# The iterates approach :math:`w^* = 1/3`, where :math:`a = 1.5w = 0.5` equals the target.
#
# G2: the step size on :math:`f(x) = x^2`
# ---------------------------------------
# From :math:`x_0 = 2`, :math:`x_{k+1} = (1 - 2\eta)x_k`: the factor is :math:`-2` for
# :math:`\eta = 1.5` (divergence), :math:`0.2` for :math:`\eta = 0.4` and :math:`0.998` for
# :math:`\eta = 0.001`.

steps = {1.5: None, 0.4: None, 0.001: None}
for eta in steps:
    steps[eta] = run(sgd(eta), lambda x: 2 * x, 2.0, 20)
print(f"G2: eta = 1.5, x20 = {steps[1.5][20]:.0f}")
print(f"G2: eta = 0.4, x20 = {steps[0.4][20]:.4g}")
print(f"G2: eta = 0.001, x1 = {steps[0.001][1]:.4f}, x20 = {steps[0.001][20]:.5f}")

# %%
# The loss :math:`f(x_k) = x_k^2` per iteration shows the three regimes.

fig = plot_loss_curves({f"step {eta}": xs**2 for eta, xs in steps.items()})
fig.axes[0].set_title("G2: gradient descent on f(x) = x², from x₀ = 2")

# %%
# G3: momentum escapes a local minimum
# ------------------------------------
# :math:`f(x) = (x - 2)^2(x + 3)^2 - 2(x - 2)^2` has a local minimum at 2 (:math:`f = 0`), a
# local maximum near :math:`-0.149` and its global minimum near :math:`-3.351`
# (:math:`f \approx -53.739`). Plain gradient descent from 3 with step 0.02 stops at 2;
# heavy-ball momentum :math:`v \leftarrow 0.9v - 0.02 f'(x),\ x \leftarrow x + v` rolls on.


def f3(x):
    return (x - 2) ** 2 * (x + 3) ** 2 - 2 * (x - 2) ** 2


def df3(x):
    return 2 * (x - 2) * (x + 3) ** 2 + 2 * (x - 2) ** 2 * (x + 3) - 4 * (x - 2)


# f3'(x) = 2(x - 2)(2x² + 7x + 1), so the critical points are 2 and (−7 ± √41)/4
critical = np.sort(np.append(np.roots([2, 7, 1]), 2.0))
print("G3: critical points " + ", ".join(f"x = {c:.4f} (f = {f3(c):.3f})" for c in critical))
gd = run(sgd(0.02), df3, 3.0, 200)
heavy = run(momentum(0.02, beta=0.9), df3, 3.0, 200)
big = run(sgd(0.045), df3, 3.0, 200)
print(f"G3: gd x1 = {gd[1]:.4f}, x17 = {gd[17]:.4f}, f = {f3(gd[200]):.4f}")
print(f"G3: momentum x200 = {heavy[200]:.4f}, f = {f3(heavy[200]):.3f}")
tail = big[100:]
print(f"G3: step 0.045 min = {tail.min():.3f}, max = {tail.max():.3f}, spread = {np.ptp(tail):.3f}")

# %%
# With step 0.045 and no momentum the iterates also leave 2, but they never settle: after 100
# steps they still bounce between about −4.1 and −0.7, around the global minimum −3.35 and
# always left of the local maximum −0.149.
#
# G4: five optimizers on an ill-conditioned bowl
# ----------------------------------------------
# On :math:`f(x, y) = x^2/20 + y^2` the curvature differs by a factor of 20 between the axes,
# so gradient descent with a step near :math:`1/L` zig-zags across the valley. Momentum,
# AdaGrad (:math:`G \leftarrow G + g^2`, step :math:`\eta/(\sqrt{G} + \epsilon)`), RMSProp
# (:math:`G \leftarrow \gamma G + (1 - \gamma)g^2`) and Adam (bias-corrected moments) adapt.

traces = optimizer_traces(default_g4_transforms(), steps=300)
for name, trace in traces.items():
    x_end, y_end = trace["x"][-1]
    print(f"G4: {name} x = {x_end:.2e}, y = {y_end:.2e}, f = {trace['fun'][-1]:.2e}")

fig = plot_optimizer_traces(steps=30)

# %%
# G5: finite differences
# ----------------------
# For :math:`f(x) = 4x^3 - 2x^2 - 7x + 1`, :math:`f'(1) = 12 - 4 - 7 = 1`. With
# :math:`h = 10^{-4}` the forward difference is off by :math:`O(h)`, the central one by
# :math:`O(h^2)`.


def f5(x):
    return 4 * x**3 - 2 * x**2 - 7 * x + 1


forward = derivative(f5, 1.0, method="forward", h=1e-4)
central = derivative(f5, 1.0, method="central", h=1e-4)
print(f"G5: forward error = {abs(forward - 1):.3e}, central error = {abs(central - 1):.1e}")
