"""scikit-learn's own ``test_logistic.py`` run against lagrangekit's ``LogisticRegression`` (issue 14).

The harness is ``benchmarks/sklearn_parity.py`` (read its docstring: how the names are rebound,
how each test is classified, how failures get a root cause), configured here for one file and
one name:

* swapped: ``LogisticRegression`` (``LogisticRegressionCV`` stays scikit-learn's; its tests count
  only where they construct a ``LogisticRegression`` themselves);
* private helpers: a test that calls ``_logistic_regression_path``, ``_log_reg_scoring_path`` or
  ``_check_solver`` from the test module, reads ``_parameter_constraints`` or calls scikit-learn's
  private method ``_predict_proba_lr`` (one-vs-rest probabilities), or monkeypatches a
  private ``sklearn.linear_model._*`` module is left out as a test of scikit-learn's private
  implementation (the reason is written next to each excluded test with ``--exclusions``).

Usage::

    python benchmarks/sklearn_logistic_parity.py                # summary table and root causes
    python benchmarks/sklearn_logistic_parity.py --by-function --exclusions excluded.txt
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sklearn_parity as harness  # noqa: E402

harness.SWAP_NAMES = ("LogisticRegression",)
harness.PRIVATE_HELPERS = ("_logistic_regression_path", "_log_reg_scoring_path", "_check_solver")
harness.PRIVATE_ATTRIBUTES = ("_parameter_constraints", "_predict_proba_lr")
harness.TEST_FILES = ("test_logistic",)
harness.PRELOAD = (*harness.PRELOAD, "sklearn.linear_model._logistic", "sklearn.multiclass")
harness.__file__ = __file__  # the two measuring sessions run this configuration too

if __name__ == "__main__":
    sys.exit(harness.main())
