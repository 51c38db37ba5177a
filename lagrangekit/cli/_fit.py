"""The ``fit`` command: a regularized regression on a CSV file, with its certificate."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from contextlib import nullcontext
from typing import Any

from ._common import EXIT_FAILED, EXIT_OK, CLIError, Output, feature, fmt, num, progress, table
from ._input import read_csv

ESTIMATORS = {
    # model: (penalized, cross-validated, constrained)
    "ridge": ("Ridge", "RidgeCV", "ConstrainedRidge"),
    "lasso": ("Lasso", "LassoCV", "ConstrainedLasso"),
    "elasticnet": ("ElasticNet", "ElasticNetCV", None),
    "logistic": ("LogisticRegression", None, None),
}


def _refuse_options_that_do_not_apply(args: argparse.Namespace) -> None:
    """A usage error naming an option the chosen model would silently ignore."""
    if args.l1_ratio is not None and args.model != "elasticnet":
        raise CLIError(f"--l1-ratio applies to elasticnet only, not to {args.model}")
    if args.penalty is not None and args.model != "logistic":
        raise CLIError(f"--penalty applies to logistic only, not to {args.model}")
    if args.alpha is not None and args.model == "logistic" and args.penalty == "none":
        raise CLIError("--alpha does not apply to logistic with --penalty none")


def _make_estimator(args: argparse.Namespace, n_samples: int) -> Any:
    _refuse_options_that_do_not_apply(args)
    penalized, cross_validated, constrained = ESTIMATORS[args.model]
    alpha = 1.0 if args.alpha is None else args.alpha
    if args.cv:
        if cross_validated is None:
            raise CLIError(f"--cv is not available for {args.model}")
        name, kwargs = cross_validated, {}
    elif args.constrained is not None:
        if constrained is None:
            raise CLIError(f"--constrained is available for ridge and lasso, not {args.model}")
        if args.constrained < 0:
            raise CLIError(f"--constrained must be >= 0, got {args.constrained:g}")
        name, kwargs = constrained, {"s" if args.model == "ridge" else "t": args.constrained}
    else:
        if alpha < 0:
            raise CLIError(f"--alpha must be >= 0, got {alpha:g}")
        name, kwargs = penalized, {"alpha": alpha}
    if args.model == "elasticnet":
        kwargs["l1_ratio"] = 0.5 if args.l1_ratio is None else args.l1_ratio
    if args.model == "logistic":  # --alpha is α of the mean objective: C = 1/(α·n)
        penalty = args.penalty or "l2"
        kwargs.pop("alpha")
        kwargs["C"] = float("inf") if penalty == "none" or alpha == 0 else 1.0 / (alpha * n_samples)
        kwargs["l1_ratio"] = 1.0 if penalty == "l1" else 0.0
        kwargs["solver"] = "liblinear" if penalty == "l1" else "newton-cholesky"
        kwargs["tol"] = 1e-8
    kwargs["fit_intercept"] = not args.no_intercept
    return name, feature(".linear_model", name, f"fit {args.model}")(**kwargs)


def _certificate(estimator: Any, X: Any, y: Any) -> dict[str, Any]:
    report = estimator.kkt(X, y) if hasattr(estimator, "kkt") else None
    gap = getattr(estimator, "dual_gap_", None)
    out: dict[str, Any] = {"kind": "duality gap" if gap is not None else "kkt"}
    if gap is not None:
        out["dual_gap"] = num(gap)
    if report is not None:
        out["kkt"] = report.to_dict()
    # perfect separation (TEXTBOOK L6) leaves an unpenalized logistic fit without an optimum
    unpenalized = getattr(estimator, "C", 1.0) == float("inf")
    no_optimum = bool(getattr(estimator, "separable_", False)) and unpenalized
    out["separable"] = bool(getattr(estimator, "separable_", False))
    out["optimum_exists"] = not no_optimum
    out["ok"] = (report is None or report.ok) and not no_optimum
    return out


def _crosscheck(estimator: Any, X: Any, y: Any, model: str) -> dict[str, Any]:
    import numpy as np

    fit_cvxpy = feature(".linear_model", "fit_cvxpy", "fit --crosscheck")
    ref = fit_cvxpy(estimator, X, y)
    get = ref.get if isinstance(ref, Mapping) else lambda key, default=None: getattr(ref, key, default)
    coef = np.ravel(get("coef"))
    out = {
        "coef_max_abs_diff": num(np.max(np.abs(coef - np.ravel(estimator.coef_)))),
        "intercept_abs_diff": num(abs(float(np.ravel(get("intercept", 0.0))[0]) - _intercept(estimator))),
        "multiplier_abs_diff": None,
    }
    ref_mult, ours = get("multiplier"), getattr(estimator, "multiplier_", None)
    if ref_mult is not None and ours is not None:
        out["multiplier_abs_diff"] = num(abs(float(ref_mult) - float(ours)))
    return out


def _intercept(estimator: Any) -> float:
    import numpy as np

    return float(np.ravel(getattr(estimator, "intercept_", 0.0))[0])


def cmd_fit(args: argparse.Namespace) -> Output:
    """``lagrangekit fit``: coefficients by column, intercept, certificate, cvxpy comparison."""
    import numpy as np

    frame = read_csv(args.data)
    if args.target not in frame.columns:
        raise CLIError(
            f"--target {args.target!r} is not a column of {args.data!r}; columns: {list(frame.columns)}"
        )
    features = [c for c in frame.columns if c != args.target]
    if not features:
        raise CLIError(f"data file {args.data!r} has no feature columns besides the target {args.target!r}")
    X = frame.values[:, [frame.columns.index(c) for c in features]]
    y = frame.values[:, frame.columns.index(args.target)]
    name, estimator = _make_estimator(args, len(y))
    long_fit = args.cv or args.constrained is not None
    try:
        with progress(f"fitting {name}") if long_fit else nullcontext():
            estimator.fit(X, y)
    except ValueError as exc:
        raise CLIError(f"cannot fit {name} to {args.data!r}: {exc}") from None
    certificate = _certificate(estimator, X, y)
    crosscheck = _crosscheck(estimator, X, y, args.model) if args.crosscheck else None
    coef = np.ravel(estimator.coef_)
    alpha = getattr(estimator, "alpha_", getattr(estimator, "alpha", None))
    if args.model == "logistic":  # the α the user gave, α = 1/(C·n)
        alpha = 0.0 if estimator.C == float("inf") else 1.0 / (estimator.C * len(y))
    multiplier = getattr(estimator, "multiplier_", None)
    data = {
        "model": args.model,
        "estimator": name,
        "data": args.data,
        "target": args.target,
        "n_samples": int(X.shape[0]),
        "coef": {c: num(w) for c, w in zip(features, coef)},
        "intercept": num(_intercept(estimator)),
        "alpha": num(alpha),
        "multiplier": num(multiplier),
        "certificate": certificate,
        "crosscheck": crosscheck,
    }
    rows = [(c, fmt(w)) for c, w in zip(features, coef)] + [("(intercept)", fmt(_intercept(estimator)))]
    lines = [
        f"{name} on {args.data} ({X.shape[0]} rows), target {args.target!r}",
        "coefficients:",
        table(rows),
    ]
    if alpha is not None:
        lines.append(f"alpha: {fmt(alpha)}")
    if multiplier is not None:
        lines.append(f"multiplier of the norm constraint (= alpha of the penalized form): {fmt(multiplier)}")
    if "dual_gap" in certificate:
        lines.append(f"duality gap: {fmt(certificate['dual_gap'])}")
    if not certificate["optimum_exists"]:
        lines.append(
            "the classes are perfectly separable: the maximum likelihood estimate does not exist "
            "(the coefficients grow without bound); add a penalty, e.g. --penalty l2 --alpha 0.1"
        )
    if "kkt" in certificate:
        lines.append(str(estimator.kkt(X, y)))
    if crosscheck is not None:
        lines.append("cvxpy cross-check (absolute differences):")
        lines.append(table([(k, fmt(v)) for k, v in crosscheck.items() if v is not None]))
    code = EXIT_OK if certificate["ok"] else EXIT_FAILED
    return Output("\n".join(lines), data, code)
