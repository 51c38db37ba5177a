"""Matplotlib figures of the mathematics: coefficient paths, tangency at a constrained optimum,
optimizer traces and loss curves.

Needs the ``plot`` extra (``pip install "lagrangekit[plot]"``). Every function draws on the
``ax`` it is given, or on a new figure, and returns the :class:`matplotlib.figure.Figure`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

try:
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch
except ImportError as exc:  # pragma: no cover - exercised only without matplotlib
    raise ImportError(
        "lagrangekit.plotting needs matplotlib; install it with: pip install 'lagrangekit[plot]'"
    ) from exc

__all__ = [
    "G4_START",
    "default_g4_transforms",
    "g4_function",
    "optimizer_traces",
    "plot_lagrange_2d",
    "plot_loss_curves",
    "plot_optimizer_traces",
    "plot_path",
]

#: Start of the optimizer traces on the bowl x²/20 + y² (TEXTBOOK G4).
G4_START = (-7.0, 2.0)


def _axes(ax: Any, figsize: tuple[float, float] = (6.0, 4.5)) -> tuple[Any, Any]:
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    return ax.figure, ax


# --------------------------------------------------------------------------- paths
def plot_path(
    alphas: Any,
    coefs: Any,
    *,
    chosen_alpha: float | None = None,
    feature_names: Sequence[str] | None = None,
    title: str | None = None,
    ax: Any = None,
) -> Any:
    """Coefficient paths against log α, one line per feature, with the chosen α marked.

    Works for any regularization path (Ridge, Lasso, ElasticNet), for example the output
    of :func:`lagrangekit.linear_model.lasso_path` or ``ridge_path``.

    Parameters
    ----------
    alphas : array_like of shape (n_alphas,)
        Penalty strengths, all > 0.
    coefs : array_like of shape (n_features, n_alphas)
        Coefficients along the path, scikit-learn's ``lasso_path`` layout: row j is feature j.
    chosen_alpha : float, optional
        The α to mark with a vertical dashed line (for example ``LassoCV().alpha_``).
    feature_names : sequence of str, optional
        Legend labels, one per feature (shown when there are at most 12 features).
    title : str, optional
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        One line per feature, plus one vertical line if ``chosen_alpha`` is given.
    """
    alphas = np.asarray(alphas, dtype=float).reshape(-1)
    coefs = np.asarray(coefs, dtype=float)
    if coefs.ndim == 1:
        coefs = coefs[np.newaxis, :]
    if coefs.ndim != 2 or coefs.shape[1] != alphas.size:
        raise ValueError(
            f"coefs must have shape (n_features, n_alphas) = (?, {alphas.size}), got {coefs.shape}; "
            "if it is (n_alphas, n_features), pass coefs.T"
        )
    if alphas.size == 0 or not np.all(alphas > 0) or not np.all(np.isfinite(alphas)):
        raise ValueError("alphas must be finite and > 0 to be drawn on a log scale")
    if feature_names is not None and len(feature_names) != coefs.shape[0]:
        raise ValueError(f"feature_names has {len(feature_names)} names for {coefs.shape[0]} features")
    fig, ax = _axes(ax)
    order = np.argsort(alphas)
    for j, row in enumerate(coefs):
        label = feature_names[j] if feature_names is not None else f"w[{j}]"
        ax.plot(alphas[order], row[order], label=label, linewidth=1.4)
    ax.set_xscale("log")
    ax.axhline(0.0, color="0.6", linewidth=0.6, zorder=0)
    if chosen_alpha is not None:
        ax.axvline(float(chosen_alpha), color="k", linestyle="--", linewidth=1.0, gid="chosen_alpha")
        ax.annotate(
            f"α = {float(chosen_alpha):.3g}",
            xy=(float(chosen_alpha), 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(4, -12),
            textcoords="offset points",
        )
    ax.set_xlabel("α (log scale)")
    ax.set_ylabel("coefficient")
    if title:
        ax.set_title(title)
    if coefs.shape[0] <= 12:
        ax.legend(fontsize="small", ncol=2 if coefs.shape[0] > 6 else 1)
    return fig


# ------------------------------------------------------------------ Lagrange picture
def _vectorized(expr: Any, variables: Sequence[Any]) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    from ._lambdify import lambdify_vector

    func = lambdify_vector(variables, [expr])  # variable names cannot shadow numpy's

    def call(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        return np.broadcast_to(np.asarray(func((X, Y))[0], dtype=float), X.shape)

    return call


def _multiplier_term(problem: Any, x: np.ndarray, multipliers: Mapping[str, Any]) -> np.ndarray:
    """Σ μ_i ∇g_i + Σ λ_j ∇h_j at ``x``, bounds included (minimize form)."""
    compiled = problem.compile()
    total = np.zeros(problem.n)
    for names, jac in ((compiled.eq_names, compiled.eq_jac), (compiled.ineq_names, compiled.ineq_jac)):
        if names:
            J = jac(x)
            for k, name in enumerate(names):
                total += float(multipliers.get(name, 0.0)) * J[k]
    for i, var in enumerate(problem.variables):
        total[i] -= float(multipliers.get(f"lower:{var.name}", 0.0))
        total[i] += float(multipliers.get(f"upper:{var.name}", 0.0))
    return total


def _text(expr: Any) -> str:
    """An expression as plain text with ^ for powers, for titles and legends."""
    import sympy as sp

    return sp.sstr(expr).replace("**", "^")


def _arrow(ax: Any, start: np.ndarray, vector: np.ndarray, *, color: str, width: float, gid: str) -> None:
    arrow = FancyArrowPatch(
        tuple(start),
        tuple(start + vector),
        arrowstyle="-|>",
        mutation_scale=14,
        linewidth=width,
        color=color,
        zorder=5,
        gid=gid,
    )
    ax.add_patch(arrow)


def plot_lagrange_2d(
    problem: Any,
    result: Any,
    *,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    levels: int = 15,
    resolution: int = 300,
    ax: Any = None,
) -> Any:
    """Contours of f, the constraints, and the tangency of ∇f and the multiplier term at x*.

    At a KKT point of a maximize problem, ∇f = Σ μ_i ∇g_i + Σ λ_j ∇h_j; of a minimize problem,
    ∇f = −(Σ μ_i ∇g_i + Σ λ_j ∇h_j) (multipliers in the minimize form, DESIGN.md). The figure
    draws ∇f (thick arrow) and that multiplier combination (thin arrow, labelled λ∇h) from
    x*; where they coincide, the level set of f is tangent to the constraint.

    Parameters
    ----------
    problem : Problem
        A problem in exactly two variables, without parameters.
    result : Result
        A solution of ``problem`` (``x`` and ``multipliers`` are used).
    xlim, ylim : (float, float), optional
        Plot window; by default a square around the origin that contains x* with margin.
    levels : int, default 15
        Number of contour levels of f.
    resolution : int, default 300
        Grid points per axis.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        The axes hold the f contours, one zero-level line per constraint (feasible side
        of each inequality shaded), the point x*, and two arrows with gids ``"grad_f"``
        and ``"multiplier_term"``.
    """
    if problem.n != 2:
        raise ValueError(f"plot_lagrange_2d needs a problem in 2 variables, this one has {problem.n}")
    x_star = np.asarray(result.x, dtype=float)
    if x_star.shape != (2,) or not np.all(np.isfinite(x_star)):
        raise ValueError(f"result.x must be a finite point in 2 variables, got {result.x!r}")
    half = max(1.5, 1.6 * float(np.max(np.abs(x_star))))
    xlim = xlim or (-half, half)
    ylim = ylim or (-half, half)
    xs = np.linspace(*xlim, resolution)
    ys = np.linspace(*ylim, resolution)
    X, Y = np.meshgrid(xs, ys)
    variables = problem.variables
    fig, ax = _axes(ax, figsize=(5.5, 5.0))
    F = _vectorized(problem.objective, variables)(X, Y)
    contours = ax.contour(X, Y, F, levels=levels, cmap="viridis", linewidths=0.8)
    ax.clabel(contours, fontsize=7, fmt="%.2g")
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, constraint in enumerate(problem.constraints):
        G = _vectorized(constraint.expr, variables)(X, Y)
        color = colors[(k + 3) % len(colors)]
        if constraint.kind == "ineq":
            ax.contourf(X, Y, G, levels=[-np.inf, 0.0], colors=[color], alpha=0.12)
        ax.contour(X, Y, G, levels=[0.0], colors=[color], linewidths=2.0)
        text = _text(constraint.expr)
        text = text if len(text) <= 40 else "g(x)"
        ax.plot(
            [],
            [],
            color=color,
            linewidth=2.0,
            label=f"{constraint.name}: {text} {'=' if constraint.kind == 'eq' else '≤'} 0",
        )
    compiled = problem.compile()
    grad_user = -compiled.grad(x_star) if problem.is_maximize else compiled.grad(x_star)
    term = _multiplier_term(problem, x_star, result.multipliers)
    shown_term = term if problem.is_maximize else -term
    longest = max(float(np.linalg.norm(grad_user)), float(np.linalg.norm(shown_term)), 1e-300)
    scale = 0.3 * (xlim[1] - xlim[0]) / longest
    _arrow(ax, x_star, scale * grad_user, color="tab:red", width=3.0, gid="grad_f")
    _arrow(ax, x_star, scale * shown_term, color="orange", width=1.4, gid="multiplier_term")
    ax.plot([], [], color="tab:red", linewidth=3.0, label="∇f")
    term_label = "Σ λ∇h + Σ μ∇g" if problem.is_maximize else "−(Σ λ∇h + Σ μ∇g)"
    ax.plot([], [], color="orange", linewidth=1.4, label=term_label)
    ax.plot(*x_star, "o", color="k", markersize=6, zorder=6, label="x*")
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_aspect("equal")
    ax.set_xlabel(str(variables[0]))
    ax.set_ylabel(str(variables[1]))
    sense = "maximize" if problem.is_maximize else "minimize"
    objective = _text(problem.objective)
    if len(objective) > 50:
        objective = f"f({', '.join(str(v) for v in variables)})"
    ax.set_title(f"{sense} {objective}", fontsize="medium")
    ax.legend(fontsize="small", loc="best", framealpha=0.9)
    return fig


# ------------------------------------------------------------------ optimizer traces
def g4_function(x: Any) -> tuple[Any, np.ndarray]:
    """The ill-conditioned bowl of TEXTBOOK G4, f(x, y) = x²/20 + y², and its gradient.

    ``x`` has shape (2, ...): a point, or stacked grids (then f has the grids' shape).
    """
    x = np.asarray(x, dtype=float)
    return x[0] ** 2 / 20 + x[1] ** 2, np.array([x[0] / 10, 2 * x[1]])


def optimizer_traces(
    transforms: Mapping[str, Any],
    fun_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]] = g4_function,
    x0: Sequence[float] = G4_START,
    *,
    steps: int = 100,
) -> dict[str, dict[str, np.ndarray]]:
    """Run each optax-style transform for ``steps`` steps and record its iterates.

    Parameters
    ----------
    transforms : mapping of str to GradientTransformation
        For example ``{"Adam": lagrangekit.optim.adam(0.3)}``.
    fun_and_grad : callable, default :func:`g4_function`
        ``x -> (f(x), ∇f(x))``.
    x0 : sequence of float, default :data:`G4_START`
    steps : int, default 100

    Returns
    -------
    dict
        ``{name: {"x": (steps + 1, n) iterates, "fun": (steps + 1,) objective values}}``.
    """
    from .optim import apply_updates

    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    out = {}
    for name, transform in transforms.items():
        x = np.array(x0, dtype=float)
        state = transform.init(x)
        xs, fs = [x.copy()], []
        for _ in range(steps):
            f, g = fun_and_grad(x)
            fs.append(float(f))
            updates, state = transform.update(g, state, x)
            x = np.asarray(apply_updates(x, updates), dtype=float)
            xs.append(x.copy())
        fs.append(float(fun_and_grad(x)[0]))
        out[name] = {"x": np.array(xs), "fun": np.array(fs)}
    return out


def default_g4_transforms() -> dict[str, Any]:
    """GD, momentum, AdaGrad, RMSProp and Adam with steps that suit the G4 bowl from (−7, 2)."""
    from .optim import adagrad, adam, momentum, rmsprop, sgd

    return {
        "GD": sgd(0.95),
        "Momentum": momentum(0.1, beta=0.9),
        "AdaGrad": adagrad(1.5),
        "RMSProp": rmsprop(0.1, decay=0.99),
        "Adam": adam(0.3),
    }


def _on_grid(fun: Callable[[np.ndarray], tuple[Any, Any]], X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """f on a grid: one vectorized call when ``fun`` accepts stacked grids, else point by point."""
    try:
        Z = np.asarray(fun(np.stack([X, Y]))[0], dtype=float)
        if Z.shape == X.shape:
            return Z
    except (TypeError, ValueError):
        pass
    return np.vectorize(lambda a, b: float(fun(np.array([a, b]))[0]))(X, Y)


def plot_optimizer_traces(
    traces: Mapping[str, Any] | None = None,
    *,
    fun: Callable[[np.ndarray], tuple[float, np.ndarray]] = g4_function,
    steps: int = 30,
    xlim: tuple[float, float] = (-10.0, 10.0),
    ylim: tuple[float, float] = (-5.0, 5.0),
    ax: Any = None,
) -> Any:
    """Paths of GD, momentum, AdaGrad, RMSProp and Adam over the contours of f (TEXTBOOK G4).

    Parameters
    ----------
    traces : mapping of str to array of shape (k, 2) or to a dict with key ``"x"``, optional
        Iterates to draw. By default, :func:`optimizer_traces` of
        :func:`default_g4_transforms` for ``steps`` steps from :data:`G4_START`.
    fun : callable, default :func:`g4_function`
        ``x -> (f(x), ∇f(x))``; its contours are drawn.
    steps : int, default 30
        Steps of the default traces.
    xlim, ylim : (float, float)
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        One line (with markers) per optimizer, drawn over the contours of ``fun``, and the
        minimizer marked.
    """
    if traces is None:
        traces = optimizer_traces(default_g4_transforms(), fun, steps=steps)
    fig, ax = _axes(ax, figsize=(7.0, 4.0))
    X, Y = np.meshgrid(np.linspace(*xlim, 300), np.linspace(*ylim, 200))
    Z = _on_grid(fun, X, Y)
    ax.contour(
        X, Y, Z, levels=np.geomspace(0.05, max(float(Z.max()), 0.1), 12), colors="0.75", linewidths=0.6
    )
    for name, trace in traces.items():
        points = np.asarray(trace["x"] if isinstance(trace, Mapping) else trace, dtype=float)
        if points.ndim != 2 or points.shape[1] != 2:
            raise ValueError(f"trace {name!r} must have shape (k, 2), got {points.shape}")
        ax.plot(points[:, 0], points[:, 1], "o-", markersize=2.5, linewidth=1.0, label=name)
    ax.plot([0.0], [0.0], "+", color="k", markersize=12, markeredgewidth=2, zorder=6)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("f(x, y) = x²/20 + y²" if fun is g4_function else "optimizer traces")
    ax.legend(fontsize="small", loc="upper right")
    return fig


def plot_loss_curves(
    histories: Mapping[str, Any],
    *,
    log: bool = True,
    optimum: float | None = None,
    ax: Any = None,
) -> Any:
    """Objective against iteration for gradient solvers, one line per run.

    Parameters
    ----------
    histories : mapping of str to a sequence of objective values, a dict with key
        ``"fun"``, or a :class:`~lagrangekit.Result` whose ``history`` has ``"fun"``.
    log : bool, default True
        Logarithmic y axis (of f − optimum when ``optimum`` is given).
    optimum : float, optional
        Subtract this value, so the curves show the suboptimality f − f*.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        One line per entry of ``histories``.
    """
    if not histories:
        raise ValueError("histories is empty; pass {name: objective values}")
    fig, ax = _axes(ax)
    for name, history in histories.items():
        if hasattr(history, "history"):
            history = history.history or {}
        values = history["fun"] if isinstance(history, Mapping) else history
        values = np.asarray(values, dtype=float).reshape(-1)
        if values.size == 0:
            raise ValueError(f"history {name!r} has no objective values")
        if optimum is not None:
            values = values - float(optimum)
        if log:
            values = np.where(values > 0, values, np.nan)
        ax.plot(np.arange(values.size), values, linewidth=1.4, label=name)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("f − f*" if optimum is not None else "objective")
    ax.legend(fontsize="small")
    return fig
