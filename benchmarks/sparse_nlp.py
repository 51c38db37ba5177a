"""Sparse nonlinear benchmark (issue 16): a discretized optimal-control problem with n up to 3·10⁴,
solved by ``lk.solve(method="sparse_ipm")`` and by IPOPT through casadi in the same run.

The Van der Pol oscillator driven to rest (casadi's own direct-collocation example, with explicit
Euler steps): N steps of h = 10/N, states (x1, x2), control u, variables
z = (x1_0, x2_0, u_0, x1_1, x2_1, u_1, ..., x1_N, x2_N), n = 3N + 2:

    minimize   (h/2) Σ_{i<N} (x1_i² + x2_i² + u_i²)
    subject to x1_{i+1} = x1_i + h·x2_i,  x2_{i+1} = x2_i + h·((1 − x1_i²)·x2_i − x1_i + u_i),
               x1_0 = 0, x2_0 = 1,  −0.75 <= u_i <= 1,  x1_i >= −0.25.

lagrangekit gets vectorized numpy callables through ``lk.from_functions`` (one
``VectorConstraint`` with a scipy.sparse Jacobian, and the sparse Hessian of the Lagrangian);
IPOPT gets the same problem as casadi expressions (its derivatives by casadi's AD), MUMPS, tol 1e-8.
Timed (wall clock, BLAS on one thread, median of ``--repeat`` runs): lagrangekit's model build
(its n sympy symbols made afresh each time) and solve; IPOPT's solve alone (the ``nlpsol``
call) and with its model build (expressions and ``nlpsol`` creation). Both answers are
checked: status optimal / ``Solve_Succeeded``, the same objective to 1e-6 relative and a
constraint violation below 1e-7 for each. The growth exponent is the log-log slope of time
against n.

Run: python benchmarks/sparse_nlp.py [--repeat 3] [--steps 333,1000,3333,10000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sps
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this clone's lagrangekit

import lagrangekit as lk  # noqa: E402
from lagrangekit.function_problem import _variables  # noqa: E402

HORIZON = 10.0
U_LO, U_HI, X1_LO = -0.75, 1.0, -0.25
START = (0.0, 1.0)


def split(z: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x1 (N+1,), x2 (N+1,), u (N,)) from the interleaved z."""
    x1, x2 = z[0::3], z[1::3]
    return x1, x2, z[2::3][:steps]


def problem(steps: int) -> lk.FunctionProblem:
    """The problem through lk.from_functions, every derivative exact and sparse."""
    h, n = HORIZON / steps, 3 * steps + 2
    i1, i2, iu = np.arange(0, n, 3), np.arange(1, n, 3), np.arange(2, n, 3)  # x1_i, x2_i, u_i
    weights = np.zeros(n)
    weights[i1[:-1]] = weights[i2[:-1]] = weights[iu] = h  # the running cost
    rows = np.arange(2 * steps)
    c1, c2 = rows[0::2], rows[1::2]  # the x1 and x2 dynamics of each step
    k = np.arange(steps)
    # constant part of the dynamics' Jacobian: c1 = x1_{i+1} − x1_i − h·x2_i, c2 = x2_{i+1} − x2_i − h·(...)
    fixed = sps.csr_matrix(
        (
            np.concatenate(
                [np.ones(steps), -np.ones(steps), -h * np.ones(steps), np.ones(steps), -h * np.ones(steps)]
            ),
            (np.concatenate([c1, c1, c1, c2, c2]), np.concatenate([i1[k + 1], i1[k], i2[k], i2[k + 1], iu])),
        ),
        shape=(2 * steps, n),
    )

    def objective(z: np.ndarray) -> float:
        return 0.5 * float(weights @ (z * z))

    def dynamics(z: np.ndarray) -> np.ndarray:
        x1, x2, u = split(z, steps)
        out = np.empty(2 * steps)
        out[0::2] = x1[1:] - x1[:-1] - h * x2[:-1]
        out[1::2] = x2[1:] - x2[:-1] - h * ((1 - x1[:-1] ** 2) * x2[:-1] - x1[:-1] + u)
        return out

    def dynamics_jac(z: np.ndarray) -> sps.csr_matrix:
        x1, x2, _ = split(z, steps)
        # d c2 / d x1_i = −h·(−2 x1_i x2_i − 1), d c2 / d x2_i = −1 − h·(1 − x1_i²)
        varying = sps.csr_matrix(
            (
                np.concatenate([h * (2 * x1[:-1] * x2[:-1] + 1), -1 - h * (1 - x1[:-1] ** 2)]),
                (np.concatenate([c2, c2]), np.concatenate([i1[k], i2[k]])),
            ),
            shape=(2 * steps, n),
        )
        return fixed + varying

    def hessian(z: np.ndarray, obj_factor: float, lambdas: np.ndarray) -> sps.csr_matrix:
        x1, x2, _ = split(z, steps)
        lam2 = lambdas[2:][1::2]  # after the two initial conditions: the x2 dynamics' multipliers
        # ∇² c2_i: ∂²/∂x1_i² = 2h·x2_i, ∂²/∂x1_i∂x2_i = 2h·x1_i
        diagonal = obj_factor * weights
        diagonal[i1[:-1]] += lam2 * 2 * h * x2[:-1]
        cross = lam2 * 2 * h * x1[:-1]
        return sps.diags(diagonal) + sps.csr_matrix(
            (
                np.concatenate([cross, cross]),
                (np.concatenate([i1[k], i2[k]]), np.concatenate([i2[k], i1[k]])),
            ),
            shape=(n, n),
        )

    initial = sps.csr_matrix((np.ones(2), ([0, 1], [0, 1])), shape=(2, n))
    bounds = [(None, None)] * n
    for i in i1:
        bounds[i] = (X1_LO, None)
    for i in iu:
        bounds[i] = (U_LO, U_HI)
    return lk.from_functions(
        objective,
        n,
        grad=lambda z: weights * z,
        eq={
            "start": lk.VectorConstraint(lambda z: z[:2] - np.array(START), 2, jac=lambda z: initial),
            "dynamics": lk.VectorConstraint(dynamics, 2 * steps, jac=dynamics_jac),
        },
        bounds=bounds,
        hess=hessian,
    )


def lk_solve(steps: int, clock=time.perf_counter) -> tuple[lk.Result, lk.FunctionProblem, float, float]:
    """The result, the problem, and the seconds of the model build and of the solve."""
    start = clock()
    _variables.cache_clear()  # every timed build makes its n sympy symbols afresh, as a first build does
    p = problem(steps)
    built = clock()
    result = lk.solve(p, method="sparse_ipm")
    return result, p, built - start, clock() - built


def ipopt_build(steps: int):
    import casadi as ca  # the bench extra; the tests import problem() from here without it

    h = HORIZON / steps
    z = ca.MX.sym("z", 3 * steps + 2)
    x1, x2, u = z[0::3], z[1::3], z[2::3]
    objective = 0.5 * h * (ca.sumsqr(x1[:-1]) + ca.sumsqr(x2[:-1]) + ca.sumsqr(u))
    a, b, c = x1[:-1], x2[:-1], u
    c1 = x1[1:] - a - h * b
    c2 = x2[1:] - b - h * ((1 - a**2) * b - a + c)
    dyn = ca.vertcat(x1[0] - START[0], x2[0] - START[1], ca.reshape(ca.horzcat(c1, c2).T, -1, 1))
    options = {"ipopt.print_level": 0, "print_time": False, "ipopt.tol": 1e-8, "ipopt.sb": "yes"}
    solver = ca.nlpsol("vdp", "ipopt", {"x": z, "f": objective, "g": dyn}, options)
    n = 3 * steps + 2
    lbx, ubx = np.full(n, -np.inf), np.full(n, np.inf)
    lbx[0::3] = X1_LO
    lbx[2::3], ubx[2::3] = U_LO, U_HI
    return solver, dict(x0=np.zeros(n), lbx=lbx, ubx=ubx, lbg=0.0, ubg=0.0)


def ipopt_solve(solver, args) -> tuple[np.ndarray, float, bool]:
    out = solver(**args)
    return np.asarray(out["x"]).ravel(), float(out["f"]), solver.stats()["success"]


def violation(p: lk.FunctionProblem, z: np.ndarray) -> float:
    cp = p.compile()
    return max(
        float(np.abs(cp.eq(z)).max()),
        float(np.maximum(cp.lower - z, 0).max()),
        float(np.maximum(z - cp.upper, 0).max()),
    )


def slope(ns: list[int], times: list[float]) -> float:
    return float(np.polyfit(np.log(ns), np.log(times), 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--steps", default="333,1000,3333,10000", help="N; n = 3N + 2")
    args = parser.parse_args()
    all_steps = [int(s) for s in args.steps.split(",")]
    clock = time.perf_counter
    rows = []
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lk_solve(30), ipopt_solve(*ipopt_build(30))  # imports and first calls, untimed
        for steps in all_steps:
            lk_times, lk_solve_times, ip_times, ip_build_times = [], [], [], []
            for _ in range(args.repeat):
                result, p, t_build, t_solve = lk_solve(steps, clock)
                lk_times.append(t_build + t_solve)
                lk_solve_times.append(t_solve)
                start = clock()
                solver, solve_args = ipopt_build(steps)
                built = clock()
                z, f_ip, ok = ipopt_solve(solver, solve_args)
                ip_times.append(clock() - built)
                ip_build_times.append(clock() - start)
            assert result.status == "optimal", result.message
            assert ok, "IPOPT did not succeed"
            assert abs(result.fun - f_ip) <= 1e-6 * max(1.0, abs(f_ip)), (result.fun, f_ip)
            v_lk, v_ip = violation(p, result.x), violation(p, z)
            assert v_lk <= 1e-7 and v_ip <= 1e-7, (v_lk, v_ip)
            t_lk, t_lks, t_ip, t_ipb = (
                statistics.median(t) for t in (lk_times, lk_solve_times, ip_times, ip_build_times)
            )
            rows.append((p.n, t_lk, t_ip, t_ipb, t_lks))
            print(
                f"n={p.n:6d}  f={result.fun:.10g} (IPOPT {f_ip:.10g})  "
                f"violation lk {v_lk:.1e} IPOPT {v_ip:.1e}  ({result.nit} it)\n"
                f"    build+solve: lk {t_lk:7.3f} s  IPOPT {t_ipb:7.3f} s  ratio {t_lk / t_ipb:5.2f}x;  "
                f"solve: lk {t_lks:7.3f} s  IPOPT {t_ip:7.3f} s  ratio {t_lks / t_ip:5.2f}x;  "
                f"lk build+solve / IPOPT solve {t_lk / t_ip:5.2f}x",
                flush=True,
            )
    if len(rows) > 1:
        ns = [r[0] for r in rows]
        exponents = [slope(ns, [r[k] for r in rows]) for k in (1, 4, 3, 2)]
        print(
            "growth exponent (log-log slope of time vs n): lk build+solve {:.2f}, lk solve {:.2f}, "
            "IPOPT build+solve {:.2f}, IPOPT solve {:.2f}".format(*exponents)
        )


if __name__ == "__main__":
    main()
