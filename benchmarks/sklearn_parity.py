"""scikit-learn's own linear-model tests run against lagrangekit's estimators (issue 13).

The installed scikit-learn's test modules ``sklearn/linear_model/tests/test_ridge.py``,
``test_coordinate_descent.py`` and ``test_sparse_coordinate_descent.py`` are collected by pytest
from where they are installed (nothing is copied). A pytest plugin rebinds the public names
``Ridge, RidgeCV, Lasso, ElasticNet, LassoCV, ElasticNetCV, lasso_path, enet_path,
ridge_regression`` to lagrangekit's objects:

* during collection ``sklearn.linear_model.<name>`` is patched, so the tests'
  ``from sklearn.linear_model import X`` and every ``@pytest.mark.parametrize`` list built at
  import time get lagrangekit's object; the patch is undone when collection ends, so
  scikit-learn's own internals (``LassoCV`` fitting its private ``Lasso``, ``RidgeClassifier``...)
  keep running scikit-learn's code;
* after import each test module's globals are rebound again (the same names), and a global
  bound to the ``sklearn.linear_model`` module itself is replaced by a view whose swapped
  attributes are lagrangekit's;
* a name lagrangekit does not have (``enet_path``, ``ridge_regression`` today) is bound to a stub
  that raises ``MissingInLagrangekit``: the tests that use it fail, and count;
* an estimator that a module builds at import time (``RidgeCV(store_cv_results=False)`` in a
  parametrize list) with arguments lagrangekit's constructor refuses becomes a
  ``FailedConstruction`` that raises the constructor's error when a test uses it, so the module
  still imports and exactly those tests fail.

Every test item is then put in exactly one class, in this order:

* ``not passing with sklearn``: it is skipped, xfailed or fails with scikit-learn's own classes in
  the reference session (no array-API library installed, scikit-learn's own imperative xfails).
* ``private helper``: it exercises scikit-learn's private implementation: it calls one of
  ``_RidgeGCV, _solve_cholesky, _solve_cholesky_kernel, _solve_lbfgs, _solve_svd,
  _X_CenterStackOp, _check_gcv_mode, _cd_fast, _set_order`` (recorded by wrapping them in the
  reference session, so a test counts as private only for the parameters where the helper is
  really called), reads ``_parameter_constraints``, ``_compute_gram`` or ``_compute_covariance``,
  or monkeypatches a name in a private ``sklearn.linear_model._*`` module.
* ``not applicable``: in the lagrangekit session it constructs no swapped estimator and calls no
  swapped function (recorded by wrapping their ``__init__``), and no parameter is one: the
  RidgeClassifier, MultiTaskLasso, LinearRegression... tests.
* ``counted``: the denominator. Its outcome with lagrangekit's classes is the figure.

Each counted failure gets one root cause from its first exception (``CAUSES``): the first thing
that blocks a test, not all of them.

Usage::

    python benchmarks/sklearn_parity.py                      # all three files, summary tables
    python benchmarks/sklearn_parity.py --files test_ridge   # one file
    python benchmarks/sklearn_parity.py --json out.json --exclusions excluded.txt
    python benchmarks/sklearn_parity.py --estimator-checks   # check_estimator on every estimator
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import subprocess
import sys
import tempfile
import types
from collections import Counter, defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

SWAP_NAMES = (
    "Ridge",
    "RidgeCV",
    "Lasso",
    "ElasticNet",
    "LassoCV",
    "ElasticNetCV",
    "lasso_path",
    "enet_path",
    "ridge_regression",
)
PRIVATE_HELPERS = (
    "_RidgeGCV",
    "_solve_cholesky",
    "_solve_cholesky_kernel",
    "_solve_lbfgs",
    "_solve_svd",
    "_X_CenterStackOp",
    "_check_gcv_mode",
    "cd_fast",
    "_set_order",
)
PRIVATE_ATTRIBUTES = ("_parameter_constraints", "_compute_gram", "_compute_covariance")
PRIVATE_PATCH_PREFIX = "sklearn.linear_model._"
MODES = ("sklearn", "lagrangekit")  # the reference session, then the measured one
TEST_FILES = ("test_ridge", "test_coordinate_descent", "test_sparse_coordinate_descent")
# scikit-learn modules imported before the patch, so that their own module-level
# ``from sklearn.linear_model import ...`` keep scikit-learn's classes
PRELOAD = (
    "sklearn.linear_model",
    "sklearn.linear_model._ridge",
    "sklearn.linear_model._coordinate_descent",
    "sklearn.model_selection",
    "sklearn.pipeline",
    "sklearn.utils.estimator_checks",
    "sklearn.utils._test_common.instance_generator",
    "sklearn.feature_selection",
)


class MissingInLagrangekit(NotImplementedError):
    """Raised by the stub bound to a public sklearn name lagrangekit does not provide."""


def _missing(name: str):
    def stub(*args, **kwargs):
        raise MissingInLagrangekit(f"lagrangekit.linear_model has no {name}")

    stub.__name__ = stub.__qualname__ = name
    stub.__module__ = "lagrangekit.missing"
    return stub


def lagrangekit_objects() -> dict:
    """The object each swapped name is bound to: lagrangekit's, or a stub that raises."""
    import lagrangekit.linear_model as lk

    return {name: getattr(lk, name, None) or _missing(name) for name in SWAP_NAMES}


class FailedConstruction:
    """Stands in for an estimator whose constructor raised while a test module was imported.

    scikit-learn's test modules build estimators at import time (``@pytest.mark.parametrize``
    lists such as ``RidgeCV(store_cv_results=False)``). If lagrangekit's constructor refuses the
    arguments, the module would fail to import and none of its tests would run. Instead the
    error is kept and raised again when a test uses the estimator, so exactly the tests that
    build it fail, with the constructor's message.
    """

    def __init__(self, cls, kwargs, error):
        self._cls, self._kwargs, self._error = cls, kwargs, error

    def _raise(self, *args, **kwargs):
        raise type(self._error)(*self._error.args)

    fit = predict = score = get_params = set_params = __sklearn_tags__ = _raise

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        self._raise()

    def __repr__(self):
        args = ",".join(f"{k}={v!r}" for k, v in self._kwargs.items())
        return f"{self._cls.__name__}({args})"


def _tolerant(cls):
    """``cls`` whose construction during collection returns a FailedConstruction on error."""

    class Tolerant(cls):
        def __new__(klass, *args, **kwargs):
            try:
                return cls(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - kept and raised again at run time
                return FailedConstruction(cls, kwargs, exc)

    Tolerant.__name__ = Tolerant.__qualname__ = cls.__name__
    Tolerant.__module__ = cls.__module__
    Tolerant._tolerant_of = cls
    return Tolerant


def _untolerant(value, depth=0):
    """``value`` with every collection-time Tolerant class replaced by the real class."""
    if isinstance(value, type) and "_tolerant_of" in vars(value):
        return value._tolerant_of
    if depth > 3:
        return value
    if type(value) in (list, tuple):
        return type(value)(_untolerant(v, depth + 1) for v in value)
    if type(value) is dict:
        return {k: _untolerant(v, depth + 1) for k, v in value.items()}
    return value


class _LinearModelView(types.ModuleType):
    """``sklearn.linear_model`` with the swapped names answered by lagrangekit."""

    def __init__(self, module, swapped):
        super().__init__(module.__name__)
        self._module, self._swapped = module, swapped

    def __getattr__(self, name):
        if name in self._swapped:
            return self._swapped[name]
        return getattr(self._module, name)


# ---------------------------------------------------------------------------------------------
# static facts about a test item


def _code_objects(code):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def reachable(func, module) -> tuple[set, set]:
    """Global names and string constants reachable from ``func`` through the module's functions."""
    names, strings, seen, todo = set(), set(), set(), [func]
    while todo:
        f = todo.pop()
        f = getattr(f, "__wrapped__", f)
        code = getattr(f, "__code__", None)
        if code is None or code in seen:
            continue
        seen.add(code)
        for c in _code_objects(code):
            names.update(c.co_names)
            strings.update(s for s in c.co_consts if isinstance(s, str))
            for n in c.co_names:
                obj = module.__dict__.get(n)
                if isinstance(obj, types.FunctionType) and obj.__module__ == module.__name__:
                    todo.append(obj)
    return names, strings


def _leaves(value, depth=0):
    if depth > 3:
        return
    if isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            yield from _leaves(v, depth + 1)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v, depth + 1)
    elif isinstance(value, functools.partial):
        yield value.func
        yield from _leaves(value.args, depth + 1)
    else:
        yield value


def _fixture_functions(item):
    info = getattr(item, "_fixtureinfo", None)
    for name in getattr(item, "fixturenames", ()):
        defs = info.name2fixturedefs.get(name) if info is not None else None
        if defs:
            yield defs[-1].func


class SwapPlugin:
    """Rebinds the swapped names (mode "lagrangekit") and records each test's outcome."""

    def __init__(self, mode: str):
        self.mode = mode
        self.items: dict[str, dict] = {}
        self.current: str | None = None
        self.unrebound: list[str] = []

    # -- collection ------------------------------------------------------------------------
    def pytest_collection(self, session):
        import importlib

        import sklearn.linear_model as lm

        for name in PRELOAD:
            importlib.import_module(name)
        self.sk_objects = {n: getattr(lm, n) for n in SWAP_NAMES if hasattr(lm, n)}
        self.swapped = lagrangekit_objects() if self.mode == "lagrangekit" else dict(self.sk_objects)
        if self.mode == "lagrangekit":
            for name, obj in self.swapped.items():
                setattr(lm, name, _tolerant(obj) if isinstance(obj, type) else obj)

    def _rebind_module(self, module):
        import sklearn.linear_model as lm

        for key, value in list(vars(module).items()):
            if key in self.swapped:
                obj = self.swapped[key]
                setattr(module, key, obj if isinstance(obj, type) else self._recorder(key, obj))
            elif value is lm and self.mode == "lagrangekit":
                setattr(module, key, _LinearModelView(lm, self.swapped))
            elif key in PRIVATE_HELPERS:
                setattr(module, key, self._recorder(key, value))

    def _recorder(self, name, obj):
        plugin = self

        if isinstance(obj, types.ModuleType):

            class Recording(types.ModuleType):
                def __getattr__(self, attr):
                    plugin._hit(name)
                    return getattr(obj, attr)

            return Recording(obj.__name__)

        @functools.wraps(obj)
        def wrapper(*args, **kwargs):
            plugin._hit(name)
            return obj(*args, **kwargs)

        return wrapper

    def _hit(self, name):
        if self.current is not None:
            self.items[self.current]["calls"].add(name)

    def _record_construction(self):
        """Wrap each swapped class's ``__init__`` so that a test constructing one is recorded."""
        plugin = self
        for name, cls in self.swapped.items():
            if not isinstance(cls, type):
                continue
            init = cls.__init__

            def recording_init(obj, *args, _init=init, _name=name, **kwargs):
                plugin._hit(_name)
                return _init(obj, *args, **kwargs)

            cls.__init__ = functools.wraps(init)(recording_init)  # keeps the signature

    def pytest_collection_modifyitems(self, session, config, items):
        import sklearn.linear_model as lm

        for name, obj in self.sk_objects.items():  # scikit-learn's internals get theirs back
            setattr(lm, name, obj)
        modules = {item.module for item in items if getattr(item, "module", None) is not None}
        for module in modules:
            self._rebind_module(module)
        if self.mode == "lagrangekit":
            self._record_construction()
        swapped_ids = {id(o) for o in self.swapped.values()}
        swapped_types = tuple(o for o in self.swapped.values() if isinstance(o, type))
        sk_ids = {id(o) for o in self.sk_objects.values()} if self.mode == "lagrangekit" else set()
        for item in items:
            callspec = getattr(item, "callspec", None)
            if callspec is not None:
                for name, value in callspec.params.items():
                    callspec.params[name] = _untolerant(value)
            self.items[item.nodeid] = self._describe(item, swapped_ids, swapped_types, sk_ids)

    def _describe(self, item, swapped_ids, swapped_types, sk_ids) -> dict:
        names, strings = set(), set()
        for f in [item.function, *_fixture_functions(item)]:
            n, s = reachable(f, item.module)
            names |= n
            strings |= s
        params = getattr(getattr(item, "callspec", None), "params", {})
        leaves = list(_leaves(list(params.values())))
        for v in leaves if self.mode == "lagrangekit" else ():
            if id(v) in sk_ids or (
                type(v).__module__.startswith("sklearn.") and type(v).__name__ in SWAP_NAMES
            ):
                self.unrebound.append(f"{item.nodeid}: parameter {v!r} is scikit-learn's")
        swapped_param = any(
            isinstance(v, FailedConstruction) or id(v) in swapped_ids or isinstance(v, swapped_types)
            for v in leaves
        )
        static_private = sorted(names & set(PRIVATE_ATTRIBUTES))
        static_private += sorted(s for s in strings if s.startswith(PRIVATE_PATCH_PREFIX))
        indices = getattr(getattr(item, "callspec", None), "indices", {})
        return {
            "file": item.module.__name__.rsplit(".", 1)[-1],
            "function": item.originalname if hasattr(item, "originalname") else item.name,
            "key": f"{item.module.__name__}::{item.originalname}::{sorted(indices.items())}",
            "swapped_param": swapped_param,
            "static_private": static_private,
            "calls": set(),
            "outcome": None,
            "message": "",
        }

    # -- running ---------------------------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item):
        self.current = item.nodeid

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_teardown(self, item):
        self.current = item.nodeid

    def pytest_runtest_logreport(self, report):
        rec = self.items.get(report.nodeid)
        if rec is None:
            return
        if report.when == "teardown":
            self.current = None
            if report.failed and rec["outcome"] in (None, "passed"):
                rec["outcome"], rec["message"] = "error", _crash_message(report)
            return
        if hasattr(report, "wasxfail"):
            rec["outcome"] = "xfailed" if report.skipped else "xpassed"
            rec["message"] = report.wasxfail
        elif report.skipped:
            rec["outcome"], rec["message"] = "skipped", _skip_message(report)
        elif report.failed:
            rec["outcome"] = "error" if report.when == "setup" else "failed"
            rec["message"] = _crash_message(report)
        elif report.when == "call":
            rec["outcome"] = "passed"


def _crash_message(report) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return crash.message
    return str(report.longrepr).strip().splitlines()[-1] if report.longrepr else ""


def _skip_message(report) -> str:
    if isinstance(report.longrepr, tuple):
        return str(report.longrepr[2])
    return _crash_message(report)


# ---------------------------------------------------------------------------------------------
# worker: one pytest session in one mode


def sklearn_test_paths(files) -> list[str]:
    import sklearn

    root = Path(sklearn.__file__).parent / "linear_model" / "tests"
    return [str(root / f"{name}.py") for name in files]


def run_worker(mode: str, files, out: str) -> int:
    import sklearn

    sys.path.insert(0, str(REPO))  # measure this checkout's lagrangekit
    site = str(Path(sklearn.__file__).parents[1])
    plugin = SwapPlugin(mode)
    with tempfile.TemporaryDirectory() as tmp:
        ini = Path(tmp) / "pytest.ini"
        ini.write_text("[pytest]\n")
        args = [*sklearn_test_paths(files), "-c", str(ini), "--rootdir", site, "--confcutdir", site]
        args += ["-p", "no:cacheprovider", "-q", "--no-header", "-p", "no:randomly", "--tb=line"]
        args += ["--continue-on-collection-errors"]
        code = pytest.main(args, plugins=[plugin])
    for rec in plugin.items.values():
        calls = rec.pop("calls")
        rec["private_calls"] = sorted(calls & set(PRIVATE_HELPERS))
        rec["applicable"] = rec.pop("swapped_param") or bool(calls & set(SWAP_NAMES))
    Path(out).write_text(json.dumps({"items": plugin.items, "unrebound": plugin.unrebound}))
    return int(code) if int(code) in (0, 1) else int(code)


# ---------------------------------------------------------------------------------------------
# root causes of failures

CAUSES = [  # (label, regex on the failure message), first match wins; {0} is the first group
    ("no enet_path in lagrangekit", r"has no enet_path"),
    ("no ridge_regression in lagrangekit", r"has no ridge_regression"),
    ("fit() has no parameter '{0}'", r"fit\(\) got an unexpected keyword argument '(\w+)'"),
    ("no parameter '{0}'", r"unexpected keyword argument '(\w+)'|Invalid parameter '(\w+)'"),
    ("precompute= Gram array rejected", r"precompute must be one of .*got array"),
    ("solver '{0}' rejected", r"solver must be one of.*got '?(\w+)'?"),
    ("sparse X rejected", r"Sparse data was passed"),
    ("2-D y (multi-target) rejected", r"y should be a 1d array"),
    ("array alpha (per target) rejected", r"alpha must be a non-negative number"),
    ("intercept_ is a Python float, not np.float64", r"<class 'float'> is <class 'numpy.float64'>"),
    ("attribute is a Python float without .shape", r"'float' object has no attribute 'shape'"),
    ("missing attribute '{0}'", r"object has no attribute '(\w+)'"),
    ("RidgeCV(cv=K) with sample_weight picks another alpha_", r"RidgeCV\(cv=.*\.alpha_"),
    ("warm start does not cut n_iter_", r"n_iter_"),
    ("a 2-D array where sklearn's is 1-D (ElasticNetCV.alphas_)", r"truth value of an array"),
    ("no ConvergenceWarning (or not sklearn's message)", r"DID NOT WARN.*ConvergenceWarning"),
    ("no FutureWarning", r"DID NOT WARN.*FutureWarning"),
    ("no UserWarning (or not sklearn's message)", r"DID NOT WARN.*UserWarning"),
    ("bad parameter not rejected", r"DID NOT RAISE"),
    ("error message differs from sklearn's", r"Regex pattern did not match"),
    ("coefficients differ from the reference (accuracy at the same tol)", r"Not equal to tolerance"),
    ("values differ (assert_almost_equal)", r"Arrays are not almost equal"),
    ("shape differs", r"shapes? .*mismatch"),
]


def cause_of(message: str) -> str:
    """One root-cause label for a failure message (see CAUSES)."""
    for label, pattern in CAUSES:
        m = re.search(pattern, message, flags=re.S)
        if m:
            groups = [g for g in m.groups() if g is not None]
            return label.format(*groups) if groups else label
    first = message.strip().splitlines()[0] if message.strip() else "(no message)"
    return re.sub(r"-?\d+(\.\d+)?(e-?\d+)?", "N", first)[:110]


# ---------------------------------------------------------------------------------------------
# merging the two runs


def classify(sk: dict, lk: dict) -> dict:
    """Join the sklearn-mode and lagrangekit-mode runs item by item; one class per item."""
    sk_by_key = {rec["key"]: (nodeid, rec) for nodeid, rec in sk["items"].items()}
    lk_keys = {rec["key"] for rec in lk["items"].values()}
    not_collected = {  # the module did not import with lagrangekit's names: every test fails
        nodeid: {**rec, "outcome": "error", "message": "not collected with lagrangekit's names"}
        for key, (nodeid, rec) in sk_by_key.items()
        if key not in lk_keys
    }
    rows = {}
    for nodeid, rec in {**lk["items"], **not_collected}.items():
        base = sk_by_key.get(rec["key"], (None, {}))[1]
        private = list(rec["static_private"]) + list(base.get("private_calls", []))
        if base.get("outcome") != "passed":
            cls = "not passing with sklearn"
            reason = f"{base.get('outcome')} with sklearn's own classes: {base.get('message', '')}"
        elif private:
            cls, reason = "private helper", "exercises sklearn private " + ", ".join(sorted(set(private)))
        elif not rec["applicable"]:
            cls, reason = "not applicable", "uses none of the swapped names"
        else:
            cls, reason = "counted", ""
        rows[nodeid] = {**rec, "class": cls, "reason": reason.splitlines()[0] if reason else ""}
    return rows


def summarize(rows: dict, unrebound: list[str]) -> dict:
    per_file: dict[str, Counter] = defaultdict(Counter)
    causes: dict[str, list[str]] = defaultdict(list)
    for nodeid, row in rows.items():
        per_file[row["file"]][row["class"]] += 1
        if row["class"] == "counted":
            per_file[row["file"]][row["outcome"] or "not run"] += 1
            if row["outcome"] != "passed":
                causes[cause_of(row["message"])].append(nodeid)
    return {"per_file": {k: dict(v) for k, v in per_file.items()}, "causes": causes, "unrebound": unrebound}


def print_report(summary: dict) -> None:
    cols = ["passed", "failed", "error", "skipped", "xfailed", "xpassed"]
    print(
        f"\n{'file':34} {'pass/counted':>13} {'rate':>6} "
        + " ".join(f"{c:>7}" for c in cols)
        + "  | excluded: n/a  private  sk-not-pass"
    )
    total_pass = total = 0
    for file, c in sorted(summary["per_file"].items()):
        n = c.get("counted", 0)
        total_pass += c.get("passed", 0)
        total += n
        rate = c.get("passed", 0) / n if n else float("nan")
        print(
            f"{file:34} {c.get('passed', 0):>6}/{n:<6} {rate:6.1%} "
            + " ".join(f"{c.get(k, 0):>7}" for k in cols)
            + f"  | {c.get('not applicable', 0):>13} {c.get('private helper', 0):>8}"
            f" {c.get('not passing with sklearn', 0):>12}"
        )
    print(f"{'all':34} {total_pass:>6}/{total:<6} {total_pass / max(total, 1):6.1%}")
    print("\nroot causes of the counted failures (count, cause, one test):")
    for cause, ids in sorted(summary["causes"].items(), key=lambda kv: -len(kv[1])):
        print(f"{len(ids):5}  {cause[:80]:80}  {ids[0].split('::', 1)[-1]}")
    if summary["unrebound"]:
        print(f"\nNOT rebound ({len(summary['unrebound'])}):", *summary["unrebound"][:20], sep="\n  ")


def print_by_function(rows: dict) -> None:
    table: dict[tuple, Counter] = defaultdict(Counter)
    for row in rows.values():
        c = table[row["file"], row["function"]]
        c[row["class"]] += 1
        c["passed"] += row["class"] == "counted" and row["outcome"] == "passed"
    print(f"\n{'test function':62} {'passed/counted':>14}  n/a private sk-not-pass")
    for (file, function), c in sorted(table.items()):
        print(
            f"{file[5:]:.8}::{function:52} {c['passed']:>6}/{c['counted']:<7} {c['not applicable']:>4}"
            f" {c['private helper']:>7} {c['not passing with sklearn']:>11}"
        )


def write_exclusions(rows: dict, path: str) -> None:
    lines = [
        "# sklearn tests left out of the parity denominator, one per line: <class> | <test> | <reason>",
    ]
    for nodeid, row in sorted(rows.items()):
        if row["class"] != "counted":
            lines.append(f"{row['class']} | {nodeid.split('linear_model/tests/', 1)[-1]} | {row['reason']}")
    Path(path).write_text("\n".join(lines) + "\n")


# ---------------------------------------------------------------------------------------------
# estimator checks


def _first_words(exc) -> str:
    if exc is None:
        return ""
    text = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    return f"{type(exc).__name__}: {text}"


def run_estimator_checks() -> dict:
    """``check_estimator(on_fail=None)`` on every lagrangekit estimator; failing checks by name."""
    import warnings

    sys.path.insert(0, str(REPO))
    from sklearn.utils.estimator_checks import check_estimator

    import lagrangekit.linear_model as lk

    estimators = {  # default constructors, then the configurations the project's own tests use
        "Ridge()": lk.Ridge(),
        "RidgeCV()": lk.RidgeCV(),
        "Lasso()": lk.Lasso(),
        "ElasticNet()": lk.ElasticNet(),
        "LassoCV()": lk.LassoCV(),
        "ElasticNetCV()": lk.ElasticNetCV(),
        "ConstrainedRidge()": lk.ConstrainedRidge(),
        "ConstrainedLasso()": lk.ConstrainedLasso(),
        "LogisticRegression()": lk.LogisticRegression(),
        "Lasso(alpha=0.1)": lk.Lasso(alpha=0.1),
        "ElasticNet(alpha=0.1)": lk.ElasticNet(alpha=0.1),
        "LassoCV(tight)": lk.LassoCV(n_alphas=10, cv=3, tol=1e-10, max_iter=100_000),
        "ElasticNetCV(tight)": lk.ElasticNetCV(
            l1_ratio=[0.5, 1.0], n_alphas=10, cv=3, tol=1e-10, max_iter=100_000
        ),
    }
    out = {}
    for name, est in estimators.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results = check_estimator(est, on_fail=None, on_skip=None)
        failed = [(r["check_name"], _first_words(r["exception"])) for r in results if r["status"] == "failed"]
        skipped = [
            (r["check_name"], _first_words(r["exception"])) for r in results if r["status"] == "skipped"
        ]
        out[name] = {
            "statuses": dict(Counter(r["status"] for r in results)),
            "failed": failed,
            "skipped": skipped,
        }
        print(f"\n{name}: {out[name]['statuses']}")
        for kind, rows in (("FAILED", failed), ("skipped", skipped)):
            for check, msg in rows:
                print(f"   {kind:8} {check:50} {msg[:160]}")
    return out


# ---------------------------------------------------------------------------------------------


def measure(files, keep_dir: str | None = None) -> tuple[dict, dict]:
    """Run both sessions in subprocesses (a module is imported once per process); classify."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in MODES:
            out = Path(keep_dir or tmp) / f"parity_{mode}.json"
            cmd = [sys.executable, __file__, "--worker", mode, "--files", ",".join(files), "--out", str(out)]
            proc = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True)
            if not out.exists():
                raise RuntimeError(f"{mode} session failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
            results[mode] = json.loads(out.read_text())
    rows = classify(results["sklearn"], results["lagrangekit"])
    return rows, summarize(rows, results["lagrangekit"]["unrebound"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", default=",".join(TEST_FILES))
    parser.add_argument("--json", help="write per-file counts and causes here")
    parser.add_argument("--exclusions", help="write the excluded tests, one line each, here")
    parser.add_argument("--keep", help="keep the two sessions' raw JSON in this directory")
    parser.add_argument("--reuse", help="classify the raw JSON kept by --keep in this directory, no run")
    parser.add_argument("--by-function", action="store_true", help="also print counts per test function")
    parser.add_argument("--estimator-checks", action="store_true")
    parser.add_argument("--worker", choices=("sklearn", "lagrangekit"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    files = [f for f in args.files.split(",") if f]
    if args.worker:
        return run_worker(args.worker, files, args.out)
    if args.estimator_checks:
        checks = run_estimator_checks()
        if args.json:
            Path(args.json).write_text(json.dumps(checks, indent=1))
        return 0
    if args.reuse:
        raw = {m: json.loads((Path(args.reuse) / f"parity_{m}.json").read_text()) for m in MODES}
        rows = classify(raw["sklearn"], raw["lagrangekit"])
        summary = summarize(rows, raw["lagrangekit"]["unrebound"])
    else:
        rows, summary = measure(files, args.keep)
    print_report(summary)
    if args.by_function:
        print_by_function(rows)
    if args.exclusions:
        write_exclusions(rows, args.exclusions)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
