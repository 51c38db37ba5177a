"""Sparse Ridge benchmark (issue 13): lagrangekit's lsqr and sparse_cg against scikit-learn's, same objective.

Data: ``ridge_sag.sparse_data``: X scipy.sparse CSR with N(0, 1) entries at uniformly random
positions (density ``d``), y = Xw + noise + 1 with 100 nonzero ±U(1, 2) true coefficients and
noise σ = ‖Xw‖/(√n·3); α = 1, an intercept fitted (centring implicit on both sides, X never
densified). Shapes: tall 100000×5000 at d = 0.002 (seed 0) and wide 2000×20000 at d = 0.005
(seed 1).

Objective ‖y − Xw − b‖² + α‖w‖² (Ridge's). Its optimum F* comes from scikit-learn's
``solver="sparse_cg"`` at tol 1e-12. Both libraries run each solver at scikit-learn's default
tol = 1e-4; when lagrangekit's excess (F − F*)/F* is larger than scikit-learn's, its tol is
tightened tenfold (up to three times) until it is not, and the tol used is printed, so that the
times compare the same objective. BLAS is pinned to one thread; times are medians of process
CPU time over ``--repeat`` interleaved runs (``ridge.interleaved``).

Run: python benchmarks/ridge_sparse.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sklearn.linear_model import Ridge as SkRidge
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmark this checkout

from ridge import interleaved, objective  # noqa: E402
from ridge_sag import sparse_data  # noqa: E402

from lagrangekit.linear_model import Ridge  # noqa: E402

ALPHA = 1.0
TOL = 1e-4


def fitted_objective(X, y, model) -> float:
    return objective(X, y, model.coef_, model.intercept_, ALPHA)


def bench(name: str, X, y, repeat: int) -> None:
    reference = SkRidge(alpha=ALPHA, solver="sparse_cg", tol=1e-12, max_iter=10**5).fit(X, y)
    best = fitted_objective(X, y, reference)
    print(f"{name}: {X.shape[0]}×{X.shape[1]}, nnz {X.nnz}, alpha={ALPHA:g}, F* = {best:.10g}")
    for solver in ("lsqr", "sparse_cg"):
        ref = SkRidge(alpha=ALPHA, solver=solver, tol=TOL).fit(X, y)
        ref_excess = (fitted_objective(X, y, ref) - best) / best
        tol = TOL
        for _ in range(4):
            ours = Ridge(alpha=ALPHA, solver=solver, tol=tol).fit(X, y)
            excess = (fitted_objective(X, y, ours) - best) / best
            if excess <= max(ref_excess, 1e-15):
                break
            tol /= 10
        med, _ = interleaved(
            {
                "sklearn": lambda s=solver: SkRidge(alpha=ALPHA, solver=s, tol=TOL).fit(X, y),
                "ours": lambda s=solver, t=tol: Ridge(alpha=ALPHA, solver=s, tol=t).fit(X, y),
            },
            repeat,
        )
        t_ref, t_ours = med["sklearn"], med["ours"]
        print(
            f"  {solver:<10} lagrangekit {t_ours * 1e3:8.1f} ms (tol {tol:.0e}, excess {excess:.1e})   "
            f"sklearn {t_ref * 1e3:8.1f} ms (tol {TOL:.0e}, excess {ref_excess:.1e})   "
            f"ratio {t_ours / t_ref:.2f}x (target <= 1.0x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tall = sparse_data(100_000, 5_000, 0.002, seed=0)
    wide = sparse_data(2_000, 20_000, 0.005, seed=1)
    with threadpool_limits(limits=1):
        print("BLAS threads pinned to 1; process CPU time, medians\n")
        bench("tall", *tall, args.repeat)
        bench("wide", *wide, args.repeat)


if __name__ == "__main__":
    main()
