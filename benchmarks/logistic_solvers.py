"""LogisticRegression against scikit-learn and glum at the same objective value (issue 14).

Cases (``--quick`` divides n and p by 10):

* ``binary``: binary L2, dense 100000×100, C = 1; peers scikit-learn's lbfgs, newton-cg,
  newton-cholesky and glum;
* ``multinomial``: multinomial L2, 10 classes, dense 50000×100, C = 1; peers scikit-learn's
  lbfgs, newton-cg, newton-cholesky (glum has no multinomial family);
* ``liblinear``: binary L1, sparse CSR 20000×50000 at 0.1% density, C = 0.5, liblinear's
  objective (the intercept a penalized column of ones, ``intercept_scaling=1``): scikit-learn's
  liblinear against ours;
* ``saga``: the same data and C with an unpenalized intercept: scikit-learn's saga against our
  saga. glum is left out here: its IRLS coordinate descent builds the Hessian of the active
  columns densely, and at this size (about 8000 nonzero coefficients) it passed 20 GB of memory
  within minutes and was stopped.

The protocol: every peer fits at its default tolerance (scikit-learn ``tol=1e-4``, glum's
default) and reaches some objective F. Each of our solvers runs at tol = 1e-4, 1e-5, … (down to
1e-12) in an untimed pass until it reaches the lowest of those F; then, for each peer, the
loosest of our tolerances that reaches that peer's F (+ 1e-13·|F| for the rounding of F) is
timed, and the ratio is our fastest such fit over the peer. F is the mean objective
Σωᵢℓᵢ + α·penalty, α = 1/(C·n), recomputed here from ``coef_`` and ``intercept_``,
independently of the libraries. Times are process CPU time, medians of ``--repeats`` runs after
the untimed one (which also compiles the numba kernels), interleaved across the configurations
so that a change of load hits all of them alike; BLAS and OpenMP are pinned to one thread.

Run: python benchmarks/logistic_solvers.py [--quick] [--repeats 3] [--cases binary,multinomial,liblinear,saga]
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

TOLERANCES = tuple(10.0**-k for k in range(4, 13))


def coefficients(model):
    """(W of shape (m, p), b of shape (m,)) of a fitted scikit-learn-like or glum model."""
    W = np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))
    b = np.atleast_1d(np.asarray(model.intercept_, dtype=np.float64))
    return W, b


def mean_objective(X, y, model, C, l1_ratio, intercept_penalized) -> float:
    """Σωᵢℓᵢ + α·penalty with α = 1/(C·n), computed here independently of the libraries;
    ``intercept_penalized``: liblinear's objective (b is the coefficient of a column of ones)."""
    W, b = coefficients(model)
    Z = np.asarray(X @ W.T) + b
    if Z.shape[1] == 1:
        Z = np.column_stack([np.zeros(len(y)), Z[:, 0]])
    nll = -float(np.mean(log_softmax(Z, axis=1)[np.arange(len(y)), y]))
    V = np.column_stack([W, b]) if intercept_penalized else W
    penalty = l1_ratio * np.abs(V).sum() + 0.5 * (1 - l1_ratio) * float((V * V).sum())
    return nll + penalty / (C * len(y))


def glum_factory(C, l1_ratio, n):
    from glum import GeneralizedLinearRegressor

    # glum minimizes deviance/(2Σw) + α·penalty: the mean NLL + α·penalty with α = 1/(C·n)
    return lambda: GeneralizedLinearRegressor(family="binomial", alpha=1 / (C * n), l1_ratio=l1_ratio)


def fit_once(make, X, y):
    """(process CPU time, fitted model) of one fit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.process_time()
        model = make().fit(X, y)
        return time.process_time() - start, model


def iterations(model) -> int:
    return int(np.max(getattr(model, "n_iter_", -1)))


def run_case(name, X, y, C, l1_ratio, peers, ours, repeats, intercept_penalized=False):
    """peers: {label: factory} at their default tolerance; ours: {solver: options}, laddered."""
    kind = " sparse" if sparse.issparse(X) else ""
    print(f"\n{name}: X {X.shape}{kind}, C = {C:g}, l1_ratio = {l1_ratio:g}")

    def objective(model):
        return mean_objective(X, y, model, C, l1_ratio, intercept_penalized)

    configs = [(label, "default", make) for label, make in peers.items()]
    first = [fit_once(make, X, y)[1] for _, _, make in configs]
    targets = {label: objective(model) for (label, _, _), model in zip(configs, first)}
    lowest = min(targets.values())
    reached = {}  # (solver, tol) -> F, down the ladder until the lowest target is reached
    for solver, options in ours.items():
        for tol in TOLERANCES:
            make = (lambda o: lambda: LogisticRegression(**o))(dict(options, solver=solver, tol=tol))
            model = fit_once(make, X, y)[1]
            reached[solver, tol] = objective(model)
            if reached[solver, tol] <= lowest + 1e-13 * abs(lowest):
                break
    # for each peer and each of our solvers, the loosest tolerance reaching that peer's F
    chosen = {}
    for label, F_peer in targets.items():
        for solver in ours:
            tols = [t for (s, t), F in reached.items() if s == solver and F <= F_peer + 1e-13 * abs(F_peer)]
            if tols:
                chosen.setdefault((solver, max(tols)), []).append(label)
    for solver, tol in chosen:
        make = (lambda o: lambda: LogisticRegression(**o))(dict(ours[solver], solver=solver, tol=tol))
        configs.append((f"lagrangekit {solver}", f"{tol:.0e}", make))
        first.append(fit_once(make, X, y)[1])
    times = [[] for _ in configs]
    models = list(first)
    for _ in range(repeats):  # interleaved, so that a change of load hits every configuration alike
        for k, (_, _, make) in enumerate(configs):
            t, models[k] = fit_once(make, X, y)
            times[k].append(t)
    print(f"  {'fit':<30} {'tol':>8} {'CPU [s]':>9} {'iters':>6} {'F':>20} {'F − lowest':>11}")
    median = {}
    for (label, tol, _), t, model in zip(configs, times, models):
        F = objective(model)
        median[label, tol] = float(np.median(t))
        row = f"  {label:<30} {tol:>8} {median[label, tol]:>9.3f} {iterations(model):>6d}"
        print(f"{row} {F:>20.13g} {F - lowest:>11.1e}")
    for label in peers:
        ours_at = [(median[f"lagrangekit {s}", f"{t:.0e}"], s, t)
                   for (s, t), by in chosen.items() if label in by]
        if not ours_at:
            print(f"  {label}: none of ours reached its F = {targets[label]:.13g}")
            continue
        t, solver, tol = min(ours_at)
        ratio = t / median[label, "default"]
        print(f"  lagrangekit {solver} (tol {tol:.0e}) ÷ {label}, at F <= {label}'s: {ratio:.2f}")
    sys.stdout.flush()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cases", default="binary,multinomial,liblinear,saga", help="comma-separated subset")
    parser.add_argument("--no-glum", action="store_true", help="leave glum out (when it is not installed)")
    args = parser.parse_args(argv)
    cases = set(args.cases.split(","))
    k = 10 if args.quick else 1
    rng = np.random.default_rng(0)
    smooth = ("lbfgs", "newton-cg", "newton-cholesky")

    def sk(C, l1_ratio, solver):
        options = dict(C=C, l1_ratio=l1_ratio, solver=solver, max_iter=10000, random_state=0)
        return lambda: SkLogisticRegression(**options)

    def ours(C, l1_ratio, solvers):
        return {s: dict(C=C, l1_ratio=l1_ratio, max_iter=10000, random_state=0) for s in solvers}

    with threadpool_limits(1):
        n, p = 100_000 // k, 100
        X = rng.normal(size=(n, p))
        y = (X @ rng.normal(size=p) / 5 + rng.logistic(size=n) > 0).astype(int)
        if "binary" in cases:
            peers = {f"sklearn {s}": sk(1.0, 0.0, s) for s in smooth}
            if not args.no_glum:
                peers["glum"] = glum_factory(1.0, 0.0, n)
            run_case("binary L2", X, y, 1.0, 0.0, peers, ours(1.0, 0.0, smooth), args.repeats)
        n, K = 50_000 // k, 10
        X = rng.normal(size=(n, p))
        y = (X @ rng.normal(size=(K, p)).T / 5 + rng.gumbel(size=(n, K))).argmax(axis=1)
        if "multinomial" in cases:
            peers = {f"sklearn {s}": sk(1.0, 0.0, s) for s in smooth}
            name = "multinomial L2, 10 classes"
            run_case(name, X, y, 1.0, 0.0, peers, ours(1.0, 0.0, smooth), args.repeats)
        n, p = 20_000 // k, 50_000 // k
        # a Generator as random_state: with a RandomState, scipy permutes all n·p positions (8 GB here)
        positions = np.random.default_rng(1)
        values = rng.standard_normal
        X = sparse.random(n, p, density=0.001, format="csr", random_state=positions, data_rvs=values)
        w = np.zeros(p)
        w[:50] = rng.normal(size=50) * 3
        y = (np.asarray(X @ w).ravel() + rng.logistic(size=n) > 0).astype(int)
        if "liblinear" in cases:
            peers = {"sklearn liblinear": sk(0.5, 1.0, "liblinear")}
            name = "binary L1, sparse, liblinear's objective (penalized intercept column)"
            run_case(name, X, y, 0.5, 1.0, peers, ours(0.5, 1.0, ("liblinear",)), args.repeats, True)
        if "saga" in cases:
            peers = {"sklearn saga": sk(0.5, 1.0, "saga")}
            name = "binary L1, sparse, unpenalized intercept"
            run_case(name, X, y, 0.5, 1.0, peers, ours(0.5, 1.0, ("saga",)), args.repeats)


if __name__ == "__main__":
    main()
