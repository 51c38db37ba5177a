"""LogisticRegression: iterations and time of newton / gd / fista / gd+adam, against scikit-learn's lbfgs.

Problem: the breast-cancer data (n = 569, p = 30, standardized) and a synthetic one
(n = 5000, p = 50), objective mean BCE + (α/2)‖w‖² with α = 1e-3 (scikit-learn C = 1/(nα)).
Every solver stops at ‖∇F‖ <= 1e-6; the script checks that all reach the same objective.
BLAS is pinned to one thread; times are medians of 5 runs.

Run: /work/venv/bin/python benchmarks/logistic_solvers.py
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from lagrangekit.linear_model import LogisticRegression  # noqa: E402
from lagrangekit.optim import adam  # noqa: E402

ALPHA, TOL, REPEATS = 1e-3, 1e-6, 5


def median_time(fit) -> tuple[float, object]:
    times, out = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        out = fit()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), out


def objective(X, y, coef, intercept) -> float:
    z = X @ coef + intercept
    return float(np.mean(np.logaddexp(0, z) - y * z) + 0.5 * ALPHA * coef @ coef)


def run(name: str, X: np.ndarray, y: np.ndarray) -> None:
    n = X.shape[0]
    print(
        f"\n{name}: n = {n}, p = {X.shape[1]}, alpha = {ALPHA:g} "
        f"(sklearn C = {1 / (n * ALPHA):g}), tol = {TOL:g}"
    )
    configs = {
        "newton (IRLS)": dict(solver="newton"),
        "fista": dict(solver="fista", max_iter=100000),
        "gd, sgd(1/L)": dict(solver="gd", max_iter=200000),
        "gd, adam(0.05)": dict(solver="gd", optimizer=adam(0.05), max_iter=200000),
    }
    t_sk, sk = median_time(
        lambda: SkLogisticRegression(C=1 / (n * ALPHA), tol=1e-10, max_iter=100000).fit(X, y)
    )
    f_sk = objective(X, y, sk.coef_[0], sk.intercept_[0])
    print(
        f"  {'solver':<16} {'iterations':>10} {'time [s]':>10} {'time / sklearn':>15} {'F − F_sklearn':>14}"
    )
    print(f"  {'sklearn lbfgs':<16} {int(sk.n_iter_[0]):>10d} {t_sk:>10.4f} {1.0:>15.2f} {0.0:>14.1e}")
    for label, kw in configs.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t, model = median_time(lambda kw=kw: LogisticRegression(alpha=ALPHA, tol=TOL, **kw).fit(X, y))
        gap = objective(X, y, model.coef_[0], model.intercept_[0]) - f_sk
        flag = "" if model.converged_ else "  (not converged)"
        print(f"  {label:<16} {model.n_iter_:>10d} {t:>10.4f} {t / t_sk:>15.2f} {gap:>14.1e}{flag}")


def main() -> None:
    with threadpool_limits(1):
        X, y = load_breast_cancer(return_X_y=True)
        run("breast cancer (standardized)", StandardScaler().fit_transform(X), y)
        rng = np.random.default_rng(0)
        X = rng.normal(size=(5000, 50))
        y = (X @ rng.normal(size=50) / 3 + rng.logistic(size=5000) > 0).astype(int)
        run("synthetic Gaussian design", X, y)


if __name__ == "__main__":
    main()
