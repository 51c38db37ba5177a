"""KKT certificates of the linear estimators: every ``kkt()`` builds its :class:`KKTReport` here.

A report checks a datafit × penalty at given coefficients, on rows (a :class:`._design.Design`)
or on :class:`GramStats`:

* :func:`ridge_kkt`: the quadratic datafit Σᵢsᵢ(yᵢ − xᵢᵀw − b)² with the L2 penalty α‖w‖² (one α
  per target allowed), or with the constraint ‖w‖² <= s (its multiplier is α), and positivity
  w >= 0 as constraints with their multipliers; stationarity is the gradient in (w, b).
* :func:`elastic_net_kkt` / :func:`subgradient_report`: the quadratic datafit
  (1/(2n))Σᵢsᵢ(yᵢ − xᵢᵀw − b)² with the elastic-net penalty (L1 when l1_ratio = 1), positivity,
  or the L1 budget ‖w‖₁ <= t; stationarity is the distance from 0 to the subdifferential.
* :func:`stationarity_report`: the report of a smooth objective's gradient, which the two
  above and the logistic regression (a non-quadratic datafit) share.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..result import KKTReport
from ._design import centred_design, make_design
from ._roles import ElasticNetPenalty, GramQuadratic, Quadratic, check_roles
from ._validation import check_post_fit_data, prepare_ridge_data
from .gram_stats import GramStats
from .stats_fit import gram_stats_input

__all__ = [
    "combine_target_reports",
    "elastic_net_kkt",
    "elastic_net_terms",
    "ridge_kkt",
    "squared_loss_gradient",
    "stationarity_report",
    "subgradient_report",
]


def stationarity_report(
    gradient: np.ndarray,
    scale: float,
    *,
    tol: float,
    multipliers: Mapping[str, float] | None = None,
    primal_feasibility: float = 0.0,
    complementary_slackness: float = 0.0,
    scaled: Mapping[str, float] | None = None,
    active: tuple[str, ...] = (),
    message: str = "",
) -> KKTReport:
    """A KKTReport whose stationarity is ‖gradient‖∞, with the scaled residual ‖gradient‖₂ / scale.

    ``scale`` should be the gradient norm at a reference point (e.g. w = 0), so that the
    scaled residual is the same relative gradient norm the solvers stop on. ``scaled``
    adds scaled versions of the other residuals; ``active`` names the active constraints.
    """
    gradient = np.asarray(gradient, dtype=float).ravel()
    scale = float(scale) if scale > 0 else 1.0
    return KKTReport(
        stationarity=float(np.abs(gradient).max()) if gradient.size else 0.0,
        primal_feasibility=primal_feasibility,
        dual_feasibility=0.0 if not multipliers else max(0.0, -min(multipliers.values())),
        complementary_slackness=complementary_slackness,
        multipliers=dict(multipliers or {}),
        active=active,
        tol=tol,
        scaled={"stationarity": float(np.linalg.norm(gradient)) / scale, **(scaled or {})},
        message=message,
    )


# ---------------------------------------------------------------------- ridge
def squared_loss_gradient(
    X: np.ndarray,
    Y: np.ndarray,
    sample_weight: np.ndarray | None,
    W: np.ndarray,
    b: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Gradient of Σᵢ sᵢ‖yᵢ − Wxᵢ − b‖² at (W (k, p), b (k,)): returns (∂/∂W (k, p), ∂/∂b (k,))."""
    R = Y - X @ W.T - b
    if sample_weight is not None:
        R = R * sample_weight[:, None]
    return -2.0 * (R.T @ X), -2.0 * R.sum(axis=0)


def ridge_loss_gradients(
    stats: GramStats, W: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of Σᵢ sᵢ‖yᵢ − Wxᵢ − b‖² at (W (k, p), b (k,)) and at (0, ȳ), from the statistics.

    Returns (∂/∂W, ∂/∂b, ∂/∂W at the reference, ∂/∂b at the reference), as Ridge's KKT
    report computes them from the rows: ∂/∂W = −2XᵀSr, ∂/∂b = −2Σsᵢrᵢ.
    """
    if stats.n_targets is None:
        corr = stats.residual_correlations(W[0], b[0])[None, :]
    else:
        corr = stats.residual_correlations(W, b)
    residual_sum = stats.sum_weights * (np.atleast_1d(stats.y_mean) - W @ stats.X_mean - b)
    ref = np.atleast_2d(stats.Xty_centered.T)
    return -2.0 * corr, -2.0 * residual_sum, -2.0 * ref, np.zeros_like(residual_sum)


def _alpha_label(alpha: Any) -> str:
    return f"{float(alpha):g}" if np.ndim(alpha) == 0 else "[" + ", ".join(f"{a:g}" for a in alpha) + "]"


def _bound_multipliers(W: np.ndarray, grad_W: np.ndarray) -> np.ndarray:
    """Multipliers μ >= 0 of the bounds w >= 0: the gradient where w sits on its bound, 0 elsewhere."""
    return np.where(W <= 0, np.maximum(grad_W, 0.0), 0.0)


def ridge_kkt(
    estimator: Any,
    X: Any,
    y: Any,
    sample_weight: Any,
    alpha: Any,
    *,
    norm_bound: float | None = None,
    positive: bool = False,
) -> KKTReport:
    """KKT report of a fitted Ridge-family estimator for ‖y − Xw − b‖² + α‖w‖² (or its constrained form).

    Stationarity is the gradient of the weighted squared loss plus 2αw with respect to
    (w, b) (b only when ``fit_intercept``), scaled by the gradient norm at w = 0, b = ȳ;
    ``alpha`` may hold one value per target. With ``norm_bound`` s, α is the multiplier of
    ‖w‖² <= s and primal feasibility and complementary slackness are reported too (scaled by
    s and α·s). With ``positive``, the constraints are w >= 0: each coefficient on its bound
    gets the multiplier μⱼ = max(∂F/∂wⱼ, 0) (named ``"coef[j] >= 0"``, or ``"coef[t, j] >= 0"``
    for target t), stationarity is ∇F − μ, and primal feasibility is max(−wⱼ, 0).
    """
    check_is_fitted(estimator, "coef_")
    stats = gram_stats_input(X, y, sample_weight)
    if stats is None:
        data = prepare_ridge_data(estimator.__sklearn_clone__(), X, y, sample_weight, accept_sparse=True)
        n_features, k = data.X.shape[1], data.Y.shape[1]
    else:
        n_features, k = stats.n_features, stats.n_targets or 1
    if n_features != estimator.n_features_in_:
        raise ValueError(
            f"X has {n_features} features, but the estimator was fitted with {estimator.n_features_in_}"
        )
    W = np.asarray(estimator.coef_, dtype=float).reshape(k, -1)
    b = np.broadcast_to(np.asarray(estimator.intercept_, dtype=float), (k,))
    if stats is None:
        grad_W, grad_b = squared_loss_gradient(data.X, data.Y, data.sample_weight, W, b)
        sw = data.sample_weight
        y_mean = data.Y.mean(axis=0) if sw is None else (sw @ data.Y) / sw.sum()
        ref_W, ref_b = squared_loss_gradient(data.X, data.Y, sw, np.zeros_like(W), y_mean)
    else:
        grad_W, grad_b, ref_W, ref_b = ridge_loss_gradients(stats, W, b)
    alphas = np.broadcast_to(np.asarray(alpha, dtype=float), (k,))
    grad_W = grad_W + 2.0 * alphas[:, None] * W if np.all(np.isfinite(alphas)) else grad_W
    fit_b = getattr(estimator, "fit_intercept", True)
    tol = float(getattr(estimator, "tol", 1e-6))
    label = f"Ridge objective with alpha={_alpha_label(alpha)}"
    extra: dict[str, Any] = {}
    if positive:
        mu = _bound_multipliers(W, grad_W)
        grad_W = grad_W - mu
        names = [f"coef[{j}] >= 0" if k == 1 else f"coef[{t}, {j}] >= 0" for t, j in zip(*np.nonzero(W <= 0))]
        infeasible = float(max(-W.min(initial=0.0), 0.0))
        scale_w = float(np.abs(W).max(initial=0.0)) or 1.0
        extra = dict(
            multipliers=dict(zip(names, mu[W <= 0].tolist())),
            primal_feasibility=infeasible,
            complementary_slackness=float(np.abs(mu * W).sum()),
            scaled={"primal_feasibility": infeasible / scale_w},
            active=tuple(names),
        )
        label += ", subject to coef >= 0"
    grad = np.concatenate([grad_W.ravel(), grad_b.ravel() if fit_b else []])
    scale = float(np.linalg.norm(np.concatenate([ref_W.ravel(), ref_b.ravel() if fit_b else []])))
    if norm_bound is None:
        return stationarity_report(grad, scale, tol=tol, message=label, **extra)
    alpha = float(alpha)
    slack = float(np.vdot(W, W)) - norm_bound
    cs = abs(alpha * slack) if np.isfinite(alpha) else np.inf
    return stationarity_report(
        grad,
        scale,
        tol=tol,
        multipliers={"norm": alpha},
        primal_feasibility=max(slack, 0.0),
        complementary_slackness=cs,
        scaled={
            "primal_feasibility": max(slack, 0.0) / max(norm_bound, np.finfo(float).tiny),
            "complementary_slackness": cs / max(alpha * norm_bound, 1.0) if np.isfinite(cs) else np.inf,
        },
        active=("norm",) if abs(slack) <= 1e-9 * max(norm_bound, 1.0) else (),
        message=f"constraint ‖w‖² <= {norm_bound:g}, multiplier {alpha:g}",
    )


# ---------------------------------------------------------------------- elastic net
def elastic_net_terms(model: Any, X: Any, y: Any, sample_weight: Any) -> tuple[Any, float, float, float]:
    """(datafit, intercept residual |Σsᵢrᵢ|/n, that residual relative to its own terms, scale
    ‖Xᶜᵀ S yᶜ‖∞/n) for the KKT report, from the rows or from a :class:`GramStats` passed as X.

    The intercept's condition Σsᵢ(yᵢ − xᵢᵀw − b) = 0 is a sum of terms of the size of y, Xw and
    b, so its residual is divided by RMS(y) + RMS(Xw) + |b| (weighted): a scale-free number
    that does not grow when X is rescaled, unlike a division by the correlation scale.
    """
    w = np.asarray(model.coef_, dtype=np.float64)
    b = float(np.squeeze(model.intercept_))  # (1,) for a one-column 2-D y, as in scikit-learn
    stats = gram_stats_input(X, y, sample_weight, multi_output=False)
    if stats is not None:
        datafit, intercept_residual, scale = _gram_terms(model, stats)
        W = stats.sum_weights
        raw = stats.normal_equations(False)
        size = np.sqrt(max(float(raw.yty), 0.0) / W) + np.sqrt(max(float(w @ raw.XtX @ w), 0.0) / W) + abs(b)
        return datafit, intercept_residual, intercept_residual / max(size, np.finfo(float).tiny), scale
    X, y, sw = check_post_fit_data(X, y, sample_weight)
    n = X.shape[0]
    s = np.ones(n) if sw is None else sw
    design = make_design(X, sw, model.fit_intercept, y[:, None])
    Xw = np.asarray(X @ w).ravel()
    rows = centred_design(X, (y - b)[:, None], sw, False)  # uncentred: ∇f at the fitted b
    datafit = Quadratic(rows.operator(), rows.ys[:, 0], n)
    intercept_residual = relative = 0.0
    if model.fit_intercept:
        intercept_residual = abs(float(s @ (y - Xw - b))) / n
        size = np.sqrt(float(s @ y**2) / n) + np.sqrt(float(s @ Xw**2) / n) + abs(b)
        relative = intercept_residual / max(size, np.finfo(float).tiny)
    scale = float(np.max(np.abs(design.correlations()), initial=0.0))
    return datafit, intercept_residual, relative, scale / n if scale > 0 else 1.0


def _gram_terms(model: Any, stats: GramStats) -> tuple[GramQuadratic, float, float]:
    """(datafit, intercept residual, scale) of the elastic-net KKT report, from the statistics.

    With weights rescaled to sum to n, the intercept residual |Σsᵢrᵢ|/n is |ȳ − x̄ᵀw − b| and
    the scale ‖Xᶜᵀ S yᶜ‖∞/n is ‖c‖∞/W (raw sums without an intercept).
    """
    if stats.n_features != model.n_features_in_:
        raise ValueError(
            f"the statistics have {stats.n_features} features, but the model was fitted with "
            f"{model.n_features_in_}"
        )
    w = np.asarray(model.coef_, dtype=np.float64)
    b = float(np.squeeze(model.intercept_))  # (1,) for a one-column 2-D y, as in scikit-learn
    mean_residual = float(stats.y_mean) - float(stats.X_mean @ w) - b
    intercept_residual = abs(mean_residual) if model.fit_intercept else 0.0
    top = float(np.max(np.abs(stats.normal_equations(model.fit_intercept).Xty), initial=0.0))
    return GramQuadratic(stats, b), intercept_residual, top / stats.sum_weights if top > 0 else 1.0


def subgradient_report(
    model: Any,
    terms: tuple[Any, float, float, float],
    *,
    alpha: float,
    l1_ratio: float,
    tol: float,
    constraint: dict | None = None,
) -> KKTReport:
    """KKTReport of a fitted model's ``coef_``/``intercept_`` for the elastic-net objective at ``alpha``.

    Stationarity is the ∞-norm distance from 0 to the subdifferential (including the
    intercept's gradient); scaled residuals divide by ‖Xᶜᵀ S yᶜ‖∞/n, except the intercept's,
    which is relative to its own terms (see :func:`elastic_net_terms`, where ``terms`` comes from).
    ``constraint`` supplies the feasibility, slackness and multiplier
    entries of a constrained form.
    """
    datafit, intercept_residual, intercept_relative, scale = terms
    w = np.asarray(model.coef_, dtype=np.float64)
    positive = bool(getattr(model, "positive", False))
    penalty = ElasticNetPenalty(alpha, l1_ratio, positive)
    check_roles("kkt", datafit, penalty)
    grad = datafit.gradient(w)
    dist = penalty.subdiff_distance(w, grad)
    multipliers: dict[str, float] = {}
    dual_infeasibility = 0.0
    if positive:
        z = -grad - penalty.l2 * w
        for j in np.flatnonzero(w == 0):
            multipliers[f"lower:w[{j}]"] = float(penalty.l1 - z[j])
        dual_infeasibility = float(np.max(dist[w == 0], initial=0.0))
        dist = np.where(w == 0, 0.0, dist)
    constraint = constraint or {}
    residuals = {
        "stationarity": max(float(np.max(dist, initial=0.0)), intercept_residual),
        "primal_feasibility": constraint.get(
            "primal_feasibility", float(np.max(-w, initial=0.0)) if positive else 0.0
        ),
        "dual_feasibility": max(dual_infeasibility, constraint.get("dual_feasibility", 0.0)),
        "complementary_slackness": constraint.get("complementary_slackness", 0.0),
    }
    multipliers.update(constraint.get("multipliers", {}))
    return KKTReport(
        **residuals,
        multipliers=multipliers,
        tol=tol,
        scaled={
            **{k: v / scale for k, v in residuals.items()},
            "stationarity": max(float(np.max(dist, initial=0.0)) / scale, intercept_relative),
        },
        message=constraint.get("message", ""),
    )


def combine_target_reports(reports: list[KKTReport]) -> KKTReport:
    """One KKTReport for several targets: the largest residuals, multipliers keyed by target."""
    names = ("stationarity", "primal_feasibility", "dual_feasibility", "complementary_slackness")
    return KKTReport(
        **{name: max(getattr(r, name) for r in reports) for name in names},
        multipliers={f"target {k}: {m}": v for k, r in enumerate(reports) for m, v in r.multipliers.items()},
        tol=reports[0].tol,
        scaled={name: max(r.residual(name) for r in reports) for name in names},
        message="; ".join(dict.fromkeys(r.message for r in reports if r.message)),
    )


def elastic_net_kkt(
    model: Any, X: Any, y: Any, sample_weight: Any, *, alpha: float, l1_ratio: float, tol: float
) -> KKTReport:
    """The elastic net's report (:func:`subgradient_report`) of a fitted model, one target or several.

    For a 2-D ``coef_`` each target is checked and :func:`combine_target_reports` keeps the
    largest residuals, with multipliers keyed "target k: ...".
    """
    options = dict(alpha=alpha, l1_ratio=l1_ratio, tol=tol)
    if np.ndim(model.coef_) == 1:
        return subgradient_report(model, elastic_net_terms(model, X, y, sample_weight), **options)
    Y = np.asarray(y)
    if Y.ndim != 2 or Y.shape[1] != model.coef_.shape[0]:
        k = model.coef_.shape[0]
        raise ValueError(f"y must have shape (n_samples, {k}) for this multi-target fit")
    reports = []
    for k in range(Y.shape[1]):
        view = SimpleNamespace(
            coef_=model.coef_[k],
            intercept_=model.intercept_[k] if model.fit_intercept else 0.0,
            fit_intercept=model.fit_intercept,
            positive=model.positive,
            n_features_in_=model.n_features_in_,
        )
        terms = elastic_net_terms(view, X, Y[:, k], sample_weight)
        reports.append(subgradient_report(view, terms, **options))
    return combine_target_reports(reports)
