"""Ridge by SAG and SAGA: lagrangekit against scikit-learn's sag/saga at the same tol, dense and sparse.

Cases (α = 1):
  dense   the AR(1) design of benchmarks/ridge.py, 20000×100 (seed 1), with intercept;
  sparse  CSR 10⁴×10⁵ at 0.1% density (N(0,1) entries; y = Xw + noise with 100 true
          coefficients ±U(1,2), SNR 3, plus 1), with and without intercept.
Both sides run at the same ``--tol`` and ``random_state``. scikit-learn's Ridge runs its sag on
sparse X with an intercept only when tol > 1e-4 (otherwise it switches to sparse_cg), so that
case calls its ``ridge_regression(..., solver="sag", return_intercept=True)``, the sag that
Ridge would run (the intercept fitted as a variable with a decayed step). scikit-learn's saga
fits no intercept on sparse X, nor does lagrangekit's (scikit-learn's rule, kept).

Times are process CPU seconds (BLAS pinned to one thread), medians of ``--repeat`` runs with
the two sides interleaved; the ratio is lagrangekit / scikit-learn. Each side's objective
‖y − Xw − b‖² + α‖w‖² is reported as its excess over the minimum (scipy's dense solve for the
dense case; for sparse X, scikit-learn's sparse_cg at tol 1e-14), and "same objective" holds
when both excesses are below ``--objective-rtol`` relative.

Run: python benchmarks/ridge_sag.py [--repeat 5] [--tol 1e-4] [--quick]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sparse
from sklearn.linear_model import Ridge as SkRidge
from sklearn.linear_model import ridge_regression
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmark this checkout

from ridge import ar1_data, interleaved, objective  # noqa: E402

from lagrangekit.linear_model import Ridge  # noqa: E402

ALPHA = 1.0


def sparse_data(n: int, p: int, density: float, seed: int) -> tuple[sparse.csr_matrix, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = sparse.random(n, p, density=density, format="csr", random_state=rng, data_rvs=rng.standard_normal)
    w = np.zeros(p)
    support = rng.choice(p, size=100, replace=False)
    w[support] = rng.choice([-1.0, 1.0], size=100) * rng.uniform(1, 2, size=100)
    signal = X @ w
    sigma = np.linalg.norm(signal) / (np.sqrt(n) * 3.0)
    return X, signal + sigma * rng.standard_normal(n) + 1.0


def minimum(X, y, fit_intercept: bool) -> float:
    """The smallest objective, by an exact dense solve or scikit-learn's sparse_cg at tol 1e-14."""
    if sparse.issparse(X):
        ref = SkRidge(alpha=ALPHA, fit_intercept=fit_intercept, solver="sparse_cg", tol=1e-14)
        ref.set_params(max_iter=100_000).fit(X, y)
        return objective(X, y, ref.coef_, ref.intercept_, ALPHA)
    mean_x, mean_y = (X.mean(axis=0), y.mean()) if fit_intercept else (np.zeros(X.shape[1]), 0.0)
    Xc = X - mean_x
    w = np.linalg.solve(Xc.T @ Xc + ALPHA * np.eye(X.shape[1]), Xc.T @ (y - mean_y))
    return objective(X, y, w, mean_y - mean_x @ w, ALPHA)


def fit_ours(X, y, solver: str, fit_intercept: bool, tol: float):
    model = Ridge(alpha=ALPHA, solver=solver, fit_intercept=fit_intercept, tol=tol, random_state=0)
    model.fit(X, y)
    return model.coef_, model.intercept_, int(model.n_iter_[0])


def fit_sklearn(X, y, solver: str, fit_intercept: bool, tol: float):
    if sparse.issparse(X) and fit_intercept:  # the sag that sklearn's Ridge runs for tol > 1e-4
        coef, n_iter, intercept = ridge_regression(
            X, y, ALPHA, solver="sag", tol=tol, random_state=0, return_n_iter=True, return_intercept=True
        )
        return coef, intercept, int(n_iter[0])
    model = SkRidge(alpha=ALPHA, solver=solver, fit_intercept=fit_intercept, tol=tol, random_state=0)
    model.fit(X, y)
    return model.coef_, model.intercept_, int(model.n_iter_[0])


def bench(label: str, X, y, solver: str, fit_intercept: bool, args) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a ConvergenceWarning at max_iter shows in the objective
        med, out = interleaved(
            {
                "lagrangekit": lambda: fit_ours(X, y, solver, fit_intercept, args.tol),
                "sklearn": lambda: fit_sklearn(X, y, solver, fit_intercept, args.tol),
            },
            args.repeat,
        )
    best = minimum(X, y, fit_intercept)
    excess = {k: (objective(X, y, c, b, ALPHA) - best) / best for k, (c, b, _) in out.items()}
    same = all(e <= args.objective_rtol for e in excess.values())
    ratio = med["lagrangekit"] / med["sklearn"]
    print(
        f"  {label:<34} {solver:<5} ours {med['lagrangekit']:8.3f} s ({out['lagrangekit'][2]:4d} epochs)"
        f"  sklearn {med['sklearn']:8.3f} s ({out['sklearn'][2]:4d} epochs)  ratio {ratio:5.2f}x"
        f"  excess objective ours {excess['lagrangekit']:.1e} sklearn {excess['sklearn']:.1e}"
        f"  {'same objective' if same else 'OBJECTIVES DIFFER'}",
        flush=True,
    )
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (median reported)")
    parser.add_argument("--tol", type=float, default=1e-4, help="tol of both sides (scikit-learn's default)")
    parser.add_argument("--objective-rtol", type=float, default=1e-5, help="'same objective' threshold")
    parser.add_argument("--quick", action="store_true", help="shapes divided by 10 (a smoke test)")
    args = parser.parse_args()
    shrink = 10 if args.quick else 1
    dense_X, dense_y = ar1_data(20_000 // shrink, 100, seed=1, nonzeros=10)
    sparse_X, sparse_y = sparse_data(10_000 // shrink, 100_000 // shrink, 1e-3, seed=2)
    fit_ours(dense_X[:50], dense_y[:50], "sag", True, 1e-2)  # compile (or load) the numba kernels
    with threadpool_limits(limits=1):
        print(f"BLAS threads pinned to 1; process CPU time, medians of {args.repeat}; tol={args.tol:g}\n")
        n, p = dense_X.shape
        for solver in ("sag", "saga"):
            bench(f"dense {n}×{p}, intercept", dense_X, dense_y, solver, True, args)
        n, p = sparse_X.shape
        bench(f"sparse {n}×{p}, intercept", sparse_X, sparse_y, "sag", True, args)
        for solver in ("sag", "saga"):
            bench(f"sparse {n}×{p}, no intercept", sparse_X, sparse_y, solver, False, args)


if __name__ == "__main__":
    main()
