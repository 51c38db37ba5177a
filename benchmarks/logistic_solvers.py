"""LogisticRegression against scikit-learn, solver by solver, at the same objective value (issue 14).

Cases (``--quick`` divides n and p by 10):

* binary L2, dense 100000×100, C = 1: lbfgs, newton-cg, newton-cholesky against scikit-learn's same;
* multinomial L2, 10 classes, dense 50000×100, C = 1: the same solvers;
* binary L1, sparse CSR 20000×50000 at 0.1% density, C = 0.5: liblinear and saga against
  scikit-learn's liblinear and saga.

Each of our fits runs at tol = 1e-8 (a tighter stop than scikit-learn's) and scikit-learn's at its
default and at tol = 1e-8; the table gives process CPU time, iterations and the mean objective F
minus the best F of the case, and each case ends with our fastest fit's time over scikit-learn's
fastest among the fits that reach F_best to 1e-9 (relative). BLAS is pinned to one thread; the
times are medians of ``--repeats`` runs after one untimed run (which compiles the numba
kernels), interleaved across the configurations so that a change of load hits all of them
alike. glum is not installed in this environment and is not compared.

Run: python benchmarks/logistic_solvers.py [--quick] [--repeats 3] [--cases binary,multinomial,sparse]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sparse
from scipy.special import log_softmax
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from lagrangekit.linear_model import LogisticRegression  # noqa: E402


def mean_objective(X, y, model, C, l1_ratio) -> float:
    """Σωᵢℓᵢ + α·penalty with α = 1/(C·n), computed here independently of both libraries."""
    Z = np.asarray(X @ model.coef_.T) + model.intercept_
    if Z.shape[1] == 1:
        Z = np.column_stack([np.zeros(len(y)), Z[:, 0]])
    classes = np.searchsorted(model.classes_, y)
    nll = -float(np.mean(log_softmax(Z, axis=1)[np.arange(len(y)), classes]))
    W = model.coef_
    penalty = l1_ratio * np.abs(W).sum() + 0.5 * (1 - l1_ratio) * float((W * W).sum())
    return nll + penalty / (C * len(y))


def fit_once(make, X, y):
    """(process CPU time, fitted model) of one fit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.process_time()
        model = make().fit(X, y)
        return time.process_time() - start, model


def run_case(name, X, y, C, l1_ratio, solvers, repeats):
    kind = " sparse" if sparse.issparse(X) else ""
    print(f"\n{name}: X {X.shape}{kind}, C = {C:g}, l1_ratio = {l1_ratio:g}")
    runs = (("lagrangekit", LogisticRegression, 1e-8), ("sklearn", SkLogisticRegression, 1e-4))
    runs += (("sklearn", SkLogisticRegression, 1e-8),)
    configs = [(solver, lib, cls, tol) for solver in solvers for lib, cls, tol in runs]

    def make(cls, solver, tol):
        options = dict(C=C, l1_ratio=l1_ratio, solver=solver, tol=tol, max_iter=10000, random_state=0)
        return lambda: cls(**options)

    models = [fit_once(make(cls, solver, tol), X, y)[1] for solver, _, cls, tol in configs]  # compiles
    times = [[] for _ in configs]
    for _ in range(repeats):  # interleaved, so that a change of load hits every configuration alike
        for k, (solver, _, cls, tol) in enumerate(configs):
            t, models[k] = fit_once(make(cls, solver, tol), X, y)
            times[k].append(t)
    rows = []
    for (solver, lib, _, tol), t, model in zip(configs, times, models):
        F = mean_objective(X, y, model, C, l1_ratio)
        rows.append((solver, lib, tol, float(np.median(t)), int(np.max(model.n_iter_)), F))
    best = min(r[5] for r in rows)
    header = f"  {'solver':<16} {'library':<12} {'tol':>7} {'CPU [s]':>9} {'iters':>6} {'F − F_best':>11}"
    print(header + f" {'÷ sk(tol 1e-8)':>15}")
    for solver, lib, tol, t, it, F in rows:
        ref = next(r[3] for r in rows if r[0] == solver and r[1] == "sklearn" and r[2] == 1e-8)
        print(f"  {solver:<16} {lib:<12} {tol:>7.0e} {t:>9.3f} {it:>6d} {F - best:>11.1e} {t / ref:>15.2f}")
    fastest = min(r[3] for r in rows if r[1] == "sklearn" and r[5] - best <= 1e-9 * max(abs(best), 1.0))
    ours = min(r[3] for r in rows if r[1] == "lagrangekit")
    print(f"  fastest lagrangekit ÷ fastest sklearn at F − F_best <= 1e-9·|F|: {ours / fastest:.2f}")
    sys.stdout.flush()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cases", default="binary,multinomial,sparse", help="comma-separated subset")
    args = parser.parse_args(argv)
    cases = set(args.cases.split(","))
    k = 10 if args.quick else 1
    rng = np.random.default_rng(0)
    with threadpool_limits(1):
        n, p = 100_000 // k, 100
        X = rng.normal(size=(n, p))
        y = (X @ rng.normal(size=p) / 5 + rng.logistic(size=n) > 0).astype(int)
        if "binary" in cases:
            run_case("binary L2", X, y, 1.0, 0.0, ("lbfgs", "newton-cg", "newton-cholesky"), args.repeats)
        n, K = 50_000 // k, 10
        X = rng.normal(size=(n, p))
        y = (X @ rng.normal(size=(K, p)).T / 5 + rng.gumbel(size=(n, K))).argmax(axis=1)
        smooth = ("lbfgs", "newton-cg", "newton-cholesky")
        if "multinomial" in cases:
            run_case("multinomial L2, 10 classes", X, y, 1.0, 0.0, smooth, args.repeats)
        n, p = 20_000 // k, 50_000 // k
        # a Generator as random_state: with a RandomState, scipy permutes all n·p positions (8 GB here)
        positions = np.random.default_rng(1)
        values = rng.standard_normal
        X = sparse.random(n, p, density=0.001, format="csr", random_state=positions, data_rvs=values)
        w = np.zeros(p)
        w[:50] = rng.normal(size=50) * 3
        y = (np.asarray(X @ w).ravel() + rng.logistic(size=n) > 0).astype(int)
        if "sparse" in cases:
            run_case("binary L1, sparse", X, y, 0.5, 1.0, ("liblinear", "saga"), args.repeats)


if __name__ == "__main__":
    main()
