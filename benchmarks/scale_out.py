"""Out-of-core and Dask fits from sufficient statistics, against the NumPy floor of chunked XᵀX.

Three runs (issue 9):

- **stream**: n × 50 AR(1) data (ρ = 0.5, 10 nonzeros ±U(1, 2), SNR 3, the recipe of the
  Ridge issue) generated chunk by chunk and never held at once; ``GramStats.from_chunks``,
  then Ridge(α = 1) and Lasso(α_max/100) fitted from the statistics. Compared with the
  floor: the same chunk generator followed by NumPy's ``X.T @ X`` per chunk.
- **dask**: the same chunks built on the workers of a 2-worker ``LocalCluster`` as a Dask
  array, fitted with ``fit(X, y)`` (routed through ``GramStats.from_dask``).
- **scaling**: the stream run at each n, with the slope of time against n.

Every measurement runs in a fresh subprocess, so its peak RSS
(``resource.getrusage``) is its own; BLAS is pinned to one thread; medians over repeats.
Because generating the data costs more than XᵀX, the table reports both the total ratio
(stream / floor, generation included in both) and the marginal one, with the time of
generation alone subtracted from both.

Usage::

    python benchmarks/scale_out.py                    # n = 1e6, 4e6, 2e7
    python benchmarks/scale_out.py --sizes 1e6,4e6 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from scipy.signal import lfilter
from threadpoolctl import threadpool_limits

P, K_NONZERO, RHO, SNR, SEED, ALPHA_RIDGE, LASSO_TOL = 50, 10, 0.5, 3.0, 1, 1.0, 1e-12
ROOT = Path(__file__).resolve().parents[1]
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


# ---------------------------------------------------------------------- the data, chunk by chunk
def true_coef() -> np.ndarray:
    rng = np.random.default_rng(SEED)
    w = np.zeros(P)
    support = rng.choice(P, K_NONZERO, replace=False)
    w[support] = rng.choice([-1.0, 1.0], K_NONZERO) * rng.uniform(1, 2, K_NONZERO)
    return w


def noise_scale(w: np.ndarray) -> float:
    """σ = ‖Xw‖/(√n·SNR) in expectation: √(wᵀΣw)/SNR with the AR(1) covariance Σᵢⱼ = ρ^|i−j|."""
    lags = np.abs(np.subtract.outer(np.arange(P), np.arange(P)))
    return float(np.sqrt(w @ (RHO**lags) @ w) / SNR)


def make_chunk(index: int, rows: int, w: np.ndarray, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Rows [index·rows, (index+1)·rows) of the AR(1) design and its response, from their own seed."""
    rng = np.random.default_rng([SEED, index])
    Z = rng.standard_normal((rows, P))
    Z[:, 1:] *= np.sqrt(1 - RHO**2)
    X = lfilter([1.0], [1.0, -RHO], Z, axis=1)  # X[:, j] = ρ X[:, j-1] + √(1−ρ²) z_j, X[:, 0] = z_0
    y = X @ w + sigma * rng.standard_normal(rows)
    return X, y


def chunk_sizes(n: int, rows: int) -> list[int]:
    return [min(rows, n - start) for start in range(0, n, rows)]


def stream(n: int, rows: int):
    w, sigma = true_coef(), noise_scale(true_coef())
    for i, m in enumerate(chunk_sizes(n, rows)):
        yield make_chunk(i, m, w, sigma)


# ---------------------------------------------------------------------- child measurements
def alpha_max_of(stats) -> float:
    """α_max = ‖Xᵀ(y − ȳ)‖∞ / n, the smallest α at which the Lasso solution is zero."""
    return float(np.max(np.abs(stats.Xty_centered)) / stats.sum_weights)


def warm_up() -> None:
    """Import the estimators and load the compiled kernels, so that timings exclude one-off costs."""
    from lagrangekit.linear_model import GramStats

    X, y = make_chunk(0, 500, true_coef(), 1.0)
    stats = GramStats.from_arrays(X, y)
    fit_both((stats,), alpha_max_of(stats))


def fit_both(fit_args: tuple, alpha_max: float) -> dict:
    """Ridge(α = 1) and Lasso(α_max/100) fitted with ``fit(*fit_args)``, and the time they took."""
    from lagrangekit.linear_model import Lasso, Ridge

    t0 = time.perf_counter()
    ridge = Ridge(alpha=ALPHA_RIDGE).fit(*fit_args)
    lasso = Lasso(alpha=alpha_max / 100, tol=LASSO_TOL).fit(*fit_args)
    return {
        "solve": time.perf_counter() - t0,
        "alpha_max": alpha_max,
        "ridge_coef": ridge.coef_.tolist(),
        "lasso_coef": lasso.coef_.tolist(),
        "lasso_gap": float(lasso.dual_gap_),
    }


class TimedStream:
    """The chunk stream, recording the time spent generating it (so work on it can be timed apart)."""

    def __init__(self, n: int, rows: int) -> None:
        self.chunks, self.generation = stream(n, rows), 0.0

    def __iter__(self):
        return self

    def __next__(self):
        t0 = time.perf_counter()
        try:
            return next(self.chunks)
        finally:
            self.generation += time.perf_counter() - t0


def child_floor(n: int, rows: int) -> dict:
    chunks = TimedStream(n, rows)
    t0 = time.perf_counter()
    G = np.zeros((P, P))
    for X, _y in chunks:
        G += X.T @ X
    return {"time": time.perf_counter() - t0, "generation": chunks.generation}


def child_stream(n: int, rows: int) -> dict:
    from lagrangekit.linear_model import GramStats

    chunks = TimedStream(n, rows)
    t0 = time.perf_counter()
    stats = GramStats.from_chunks(chunks)
    t_stats = time.perf_counter() - t0
    out = fit_both((stats,), alpha_max_of(stats))
    return {"time": time.perf_counter() - t0, "stats": t_stats, "generation": chunks.generation, **out}


def _dask_block(block_id=None, rows: int = 0, n: int = 0) -> np.ndarray:
    w = true_coef()
    m = chunk_sizes(n, rows)[block_id[0]]
    X, y = make_chunk(block_id[0], m, w, noise_scale(w))
    return np.column_stack([X, y])


def child_dask(n: int, rows: int) -> dict:
    import dask.array as da
    from distributed import Client, LocalCluster

    from lagrangekit.linear_model import GramStats

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        warm = da.map_blocks(_dask_block, rows=500, n=1000, chunks=((500, 500), (P + 1,)), dtype=np.float64)
        GramStats.from_dask(warm[:, :P], warm[:, P])  # the workers import and load their code once
        sizes = tuple(chunk_sizes(n, rows))
        A = da.map_blocks(_dask_block, rows=rows, n=n, chunks=(sizes, (P + 1,)), dtype=np.float64)
        X, y = A[:, :P], A[:, P]
        t0 = time.perf_counter()
        stats = GramStats.from_dask(X, y)  # one pass; α_max comes from the statistics
        t_stats = time.perf_counter() - t0
        out = fit_both((stats,), alpha_max_of(stats))
        total = time.perf_counter() - t0
        t1 = time.perf_counter()
        routed = fit_both((X, y), out["alpha_max"])  # fit(X, y) on Dask arrays: one pass per estimator
        routed_time = time.perf_counter() - t1
        worker_rss = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return {
        "time": total,
        "stats": t_stats,
        "routed_time": routed_time,
        "routed_lasso_coef": routed["lasso_coef"],
        "routed_ridge_coef": routed["ridge_coef"],
        "worker_rss_mb": max(worker_rss.values()) / 1024,
        **out,
    }


def child_memory(n: int, rows: int) -> dict:
    """In-memory reference fits (only for n where X fits in memory)."""
    X = np.empty((n, P))
    y = np.empty(n)
    for i, (Xc, yc) in enumerate(stream(n, rows)):
        X[i * rows : i * rows + len(yc)], y[i * rows : i * rows + len(yc)] = Xc, yc
    alpha_max = float(np.max(np.abs((X - X.mean(0)).T @ (y - y.mean()))) / n)
    t0 = time.perf_counter()
    out = fit_both((X, y), alpha_max)
    return {"time": time.perf_counter() - t0, **out}


CHILDREN = {
    "floor": child_floor,
    "stream": child_stream,
    "dask": child_dask,
    "memory": child_memory,
}


def run_child(mode: str, n: int, rows: int) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--n", str(n), "--rows", str(rows)]
    env = {**os.environ, **dict.fromkeys(THREAD_VARS, "1"), "PYTHONPATH": str(ROOT)}  # workers inherit
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} n={n} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------- the table
def _rel(a, b) -> float:
    a, b = np.asarray(a), np.asarray(b)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e6,4e6,2e7", help="comma-separated n")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--big-repeats", type=int, default=1, help="runs at the largest n")
    parser.add_argument("--rows", type=int, default=100_000, help="rows per chunk")
    parser.add_argument("--memory-max", type=float, default=1e6, help="largest n for the in-memory reference")
    parser.add_argument("--dask-sizes", default=None, help="n for the Dask run (default: the largest)")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        with threadpool_limits(1):
            if args.child != "floor":
                warm_up()
            out = CHILDREN[args.child](args.n, args.rows)
        out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(out))
        return

    sizes = [int(float(s)) for s in args.sizes.split(",")]
    dask_sizes = [int(float(s)) for s in (args.dask_sizes or str(max(sizes))).split(",")]
    print(f"AR(1) {P} features, chunks of {args.rows} rows, BLAS pinned to 1 thread; medians")
    print("ratio = time / floor time (both include generating the chunks); marginal = the same without it")
    print(f"{'n':>10} {'run':>7} {'time s':>8} {'RSS MB':>8} {'ratio':>6} {'marginal':>8} {'solve %':>8}")
    rows_out = {}
    for n in sizes:
        reps = args.big_repeats if n == max(sizes) and len(sizes) > 1 else args.repeats
        modes = ["floor", "stream"] + (["dask"] if n in dask_sizes else [])
        runs = {m: [] for m in modes}
        for _ in range(reps):  # interleave the runs so that drifting load hits them alike
            for m in modes:
                runs[m].append(run_child(m, n, args.rows))

        def median(mode, key, runs=runs):
            return statistics.median(r[key] for r in runs[mode])

        floor, floor_work = median("floor", "time"), median("floor", "time") - median("floor", "generation")
        for m in modes:
            t = median(m, "time")
            marginal = (t - median(m, "generation")) / floor_work if m == "stream" else float("nan")
            solve = 100 * median(m, "solve") / t if m != "floor" else float("nan")
            print(
                f"{n:>10.0e} {m:>7} {t:8.2f} {median(m, 'rss_mb'):8.0f} {t / floor:6.2f} {marginal:8.2f} "
                f"{solve:8.3f}"
            )
            if m == "dask":
                print(
                    f"{'':>18} worker peak RSS {median(m, 'worker_rss_mb'):.0f} MB; dask / stream time "
                    f"{t / median('stream', 'time'):.2f}; fit(X, y) on the Dask arrays "
                    f"{median(m, 'routed_time'):.2f} s"
                )
        rows_out[n] = {
            "time": median("stream", "time"),
            "rss": median("stream", "rss_mb"),
            "stream": runs["stream"][-1],
            "dask": runs.get("dask", [None])[-1],
        }
        if n <= args.memory_max:
            rows_out[n]["memory"] = run_child("memory", n, args.rows)

    print("\nagreement (max relative coefficient difference)")
    for n, r in rows_out.items():
        s = r["stream"]
        line = f"  n={n:.0e}  lasso gap {s['lasso_gap']:.2e}"
        if r.get("memory"):
            mem = r["memory"]
            line += (
                f"  in-memory vs stream: ridge {_rel(s['ridge_coef'], mem['ridge_coef']):.1e}, "
                f"lasso {_rel(s['lasso_coef'], mem['lasso_coef']):.1e}"
            )
        if r.get("dask"):
            d = r["dask"]
            line += (
                f"  dask vs stream: ridge {_rel(d['ridge_coef'], s['ridge_coef']):.1e}, "
                f"lasso {_rel(d['lasso_coef'], s['lasso_coef']):.1e}, "
                f"routed fit(X, y) {_rel(d['routed_lasso_coef'], s['lasso_coef']):.1e}"
            )
        print(line)
    if len(sizes) >= 2:
        ns = np.array(sizes, dtype=float)
        ts = np.array([rows_out[n]["time"] for n in sizes])
        slope, intercept = np.polyfit(ns, ts, 1)
        loglog = np.polyfit(np.log(ns), np.log(ts), 1)[0]
        rss = [rows_out[n]["rss"] for n in sizes]
        print(
            f"\nscaling: time ≈ {slope * 1e6:.3f} s per 1e6 rows + {intercept:.2f} s "
            f"(log-log slope {loglog:.3f}); stream peak RSS {min(rss):.0f}–{max(rss):.0f} MB"
        )


if __name__ == "__main__":
    main()
