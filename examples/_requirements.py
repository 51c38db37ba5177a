"""What each example needs from lagrangekit, so that a build without a feature skips the
example cleanly (the tests skip it with a reason, the docs gallery leaves it out with a note)
instead of failing. Not an example itself: the gallery ignores files starting with ``_``."""

from __future__ import annotations

from importlib import import_module

NEEDS: dict[str, tuple[str, ...]] = {
    "quickstart.py": (),
    "plot_lagrange_kkt.py": (
        "lagrangekit.solve_symbolic",
        "lagrangekit.check_kkt",
        "lagrangekit.dual",
        "lagrangekit.slater_point",
    ),
    "plot_gradient_descent.py": ("lagrangekit.optim.sgd", "lagrangekit.optim.derivative"),
    "plot_likelihood_logistic.py": (
        "lagrangekit.likelihood.mle_symbolic",
        "lagrangekit.likelihood.fit_mle",
        "lagrangekit.linear_model.LogisticRegression",
        "lagrangekit.optim.derivative",
    ),
    "verify_paper_kkt.py": ("lagrangekit.check_kkt",),
    "plot_softmax_regression.py": (
        "lagrangekit.likelihood.softmax_cross_entropy",
        "lagrangekit.linear_model.LogisticRegression",
    ),
    "plot_lasso_path_cv.py": (
        "lagrangekit.linear_model.Lasso",
        "lagrangekit.linear_model.LassoCV",
        "lagrangekit.linear_model.ConstrainedLasso",
        "lagrangekit.linear_model.lasso_path",
    ),
    "solve_from_script.py": (
        "lagrangekit.solve",
        "lagrangekit.crosscheck",
        "lagrangekit.duality_gap",
        "lagrangekit.from_functions",
        "lagrangekit.to_cvxpy",
    ),
    "plot_ridge_constrained.py": (
        "lagrangekit.linear_model.Ridge",
        "lagrangekit.linear_model.ConstrainedRidge",
        "lagrangekit.linear_model.RidgeCV",
        "lagrangekit.linear_model.ridge_path",
        "lagrangekit.optim.minimize_smooth",
        "lagrangekit.solve",
    ),
}


def available(name: str) -> bool:
    """Whether a dotted public name (a module, or attributes of one) exists in this build."""
    parts = name.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj = import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:]:
            try:
                obj = getattr(obj, attribute)
            except (AttributeError, ImportError):
                return False
        return True
    return False


def missing(example: str) -> list[str]:
    """The names ``example`` needs that this build of lagrangekit lacks."""
    return [name for name in NEEDS[example] if not available(name)]
