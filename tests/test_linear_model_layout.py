"""The layout of ``lagrangekit.linear_model`` (issue 13): its modules import one another without
circles and never import a ``_private`` name from another module; every estimator's ``kkt()``
is built by the one certificate module. Read from the source with ``ast``, not from our output."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lagrangekit.linear_model as lm

PACKAGE = Path(lm.__file__).parent


def _relative_imports() -> dict[str, list[ast.ImportFrom]]:
    graph = {}
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text())
        graph[path.stem] = [
            node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1
        ]
    return graph


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected component with more than one module, or a self-import (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in edges.get(v, ()):
                found.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_planted_circle():
    """The checker itself: a planted two-module circle and a three-module one are reported."""
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles_in_linear_model():
    graph = _relative_imports()
    edges = {mod: {(node.module or "").split(".")[0] for node in nodes} for mod, nodes in graph.items()}
    assert _cycles(edges) == []


def test_no_private_names_imported_across_linear_model_modules():
    private = [
        f"{mod} imports {node.module}.{alias.name}"
        for mod, nodes in _relative_imports().items()
        for node in nodes
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert private == []


@pytest.mark.parametrize(
    "module", ["ridge", "ridge_cv", "lasso", "elastic_net_cv", "constrained_ridge", "constrained_lasso"]
)
def test_estimator_modules_take_their_kkt_report_from_the_certificate_module(module):
    """No estimator module builds a KKTReport itself: they import the certificate module's writers."""
    source = (PACKAGE / f"{module}.py").read_text()
    assert "KKTReport(" not in source
    assert "stationarity_report(" not in source


def test_one_design_shape_serves_ridge_and_the_elastic_net():
    """Ridge's iterative solvers and the elastic net read the same Design class, and its
    implicit centring equals numpy's explicit one (weighted, sparse CSR)."""
    import scipy.sparse as sp

    from lagrangekit.linear_model._design import Design, centred_design, make_design

    rng = np.random.default_rng(0)
    dense = rng.standard_normal((30, 5)) * (rng.random((30, 5)) < 0.6) + 3.0
    y = rng.standard_normal(30)
    sw = rng.uniform(0.5, 2.0, 30)
    X = sp.csr_matrix(dense)
    ridge = centred_design(X, y[:, None], sw, True)
    enet = make_design(X, sw, True, y[:, None])
    assert type(ridge) is Design and type(enet) is Design
    assert ridge.X is X  # Ridge keeps CSR as given
    mean = sw @ dense / sw.sum()
    Xs = np.sqrt(sw)[:, None] * (dense - mean)
    v = rng.standard_normal(5)
    np.testing.assert_allclose(ridge.matmat(v), Xs @ v, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ridge.gram(), Xs.T @ Xs, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(enet.matvec(v), (dense - mean) @ v, rtol=1e-12, atol=1e-12)
    s = sw * 30 / sw.sum()
    np.testing.assert_allclose(enet.correlations(), (dense - mean).T @ (s * (y - s @ y / 30)), rtol=1e-11)


ESTIMATOR_MODULES = {
    "ridge", "ridge_cv", "ridge_regression", "_ridge_path", "constrained_ridge",
    "lasso", "elastic_net_cv", "constrained_lasso", "logistic", "cvxpy_reference",
}  # fmt: skip
COMPILED_KERNELS = {"_cd", "_cd_multitask", "_block_sums", "_logistic_fused"}
# the normal-equation and kernel builders and the factorizations behind Ridge's closed forms,
# reached only through the quadratic datafits (_ridge_quadratic) and the solvers
CLOSED_FORM_INTERNALS = {"_ridge_stats", "_ridge_solvers"}


def _imported_modules() -> dict[str, set[str]]:
    graph = _relative_imports()
    return {mod: {(node.module or "").split(".")[0] for node in nodes} for mod, nodes in graph.items()}


def test_estimator_modules_exist():
    """The sets below name real modules (a renamed module cannot make the rules vacuous)."""
    names = {path.stem for path in PACKAGE.glob("*.py")}
    assert ESTIMATOR_MODULES | COMPILED_KERNELS | CLOSED_FORM_INTERNALS <= names


def test_solvers_and_data_import_no_estimator_module():
    """Datafits, penalties, shapes, solvers and certificates sit below the estimators: only an
    estimator module imports another (a CV estimator refits with its base estimator)."""
    upward = [
        f"{mod} imports {dep}"
        for mod, deps in _imported_modules().items()
        if mod not in ESTIMATOR_MODULES
        for dep in deps & ESTIMATOR_MODULES
    ]
    assert upward == []


def test_estimator_modules_import_no_kernel_and_no_closed_form_internals():
    """Estimators validate, choose the shape, call a solver and set attributes: they never reach
    a compiled kernel or the Gram/kernel forms themselves."""
    reached = [
        f"{mod} imports {dep}"
        for mod, deps in _imported_modules().items()
        if mod in ESTIMATOR_MODULES
        for dep in deps & (COMPILED_KERNELS | CLOSED_FORM_INTERNALS)
    ]
    assert reached == []


def test_solvers_take_a_datafit_and_a_penalty():
    """Coordinate descent, ISTA/FISTA and Ridge's iterative solvers are solver(datafit, penalty, ...)."""
    import inspect

    from lagrangekit.linear_model._enet_solvers import coordinate_descent, proximal_solve
    from lagrangekit.linear_model._ridge_iterative import (
        solve_lbfgs,
        solve_lsqr,
        solve_sparse_cg,
        solve_sparse_cholesky,
    )
    from lagrangekit.linear_model._ridge_sag import solve_sag

    solvers = (coordinate_descent, proximal_solve, solve_lsqr, solve_sparse_cg, solve_lbfgs, solve_sag)
    for solver in (*solvers, solve_sparse_cholesky):
        assert list(inspect.signature(solver).parameters)[:2] == ["datafit", "penalty"], solver.__name__


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(2, 30),
    p=st.integers(1, 6),
    fit_intercept=st.booleans(),
    weighted=st.booleans(),
    layout=st.sampled_from(["F", "C", "csc", "csr"]),
    shift=st.sampled_from([0.0, 3.0, 1e3]),
)
def test_both_shapes_give_the_same_datafit(seed, n, p, fit_intercept, weighted, layout, shift):
    """The elastic net's quadratic datafit on a design (dense in either order, CSR or CSC) and on
    the GramStats of the same rows answer alike, and both equal numpy's explicit centred,
    weighted products (columns constant after centring count as zero)."""
    import scipy.sparse as sp

    from lagrangekit.linear_model import GramStats
    from lagrangekit.linear_model._enet_data import gram_data, prepare_targets
    from lagrangekit.linear_model._roles import QuadraticDatafit

    rng = np.random.default_rng(seed)
    dense = rng.standard_normal((n, p)) * (rng.random((n, p)) < 0.7) + shift
    y = rng.standard_normal(n) + shift
    sw = rng.uniform(0.5, 2.0, n) if weighted else None
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    mean = s @ dense / n if fit_intercept else np.zeros(p)
    y_mean = s @ y / n if fit_intercept else 0.0
    Xc, yc = dense - mean, y - y_mean
    Xc[:, np.ptp(dense, axis=0) == 0 if fit_intercept else np.zeros(p, dtype=bool)] = 0.0
    w = rng.standard_normal(p)
    X = {"F": np.asfortranarray(dense), "C": np.ascontiguousarray(dense)}.get(layout)
    X = getattr(sp, f"{layout}_matrix")(dense) if X is None else X
    on_design = prepare_targets(X, y[:, None], sw, fit_intercept, gram=False)[0]
    on_stats = gram_data(GramStats.from_arrays(dense, y, sw), fit_intercept)[0]
    scale = 1.0 + np.abs(dense).max() ** 2 * (1.0 + np.abs(w).sum()) * n
    for datafit in (on_design, on_stats):
        assert isinstance(datafit, QuadraticDatafit)
        expected = Xc.T @ (s * (yc - Xc @ w))
        np.testing.assert_allclose(datafit.correlations_at(w), expected, rtol=1e-9, atol=1e-11 * scale)
        assert datafit.null_objective() == pytest.approx(s @ yc**2 / (2 * n), rel=1e-9, abs=1e-12 * scale)
        assert datafit.intercept(w) == pytest.approx(y_mean - mean @ w, rel=1e-9, abs=1e-12 * scale)
        cols = np.arange(p)[: min(p, 2)]
        block, rhs = datafit.support_block(cols)
        reference = Xc[:, cols].T @ (s[:, None] * Xc[:, cols])
        np.testing.assert_allclose(block, reference, rtol=1e-9, atol=1e-11 * scale)
        np.testing.assert_allclose(rhs, Xc[:, cols].T @ (s * yc), rtol=1e-9, atol=1e-11 * scale)
