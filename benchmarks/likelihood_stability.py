"""Stability table: binary cross-entropy −log P(t | z) at extreme logits, vs mpmath (50 digits) and peers.

Columns: the 50-digit reference, lagrangekit in float64 and float32 (from logits), scikit-learn's
``log_loss`` on p = σ(z) (it clips p to [eps, 1 − eps]), the naive formula
−[t log σ(z) + (1 − t) log(1 − σ(z))] in float64, and −statsmodels ``Logit.loglike`` with xb = z.
Relative errors against mpmath are printed below the values.

Run: /work/venv/bin/python benchmarks/likelihood_stability.py
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import mpmath
import numpy as np
from scipy.special import expit
from sklearn.metrics import log_loss
from statsmodels.discrete.discrete_model import Logit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from lagrangekit.likelihood import binary_cross_entropy  # noqa: E402

mpmath.mp.dps = 50
LOGITS = [1.0, -1.0, 37.0, -37.0, 40.0, -40.0, 800.0, -800.0]


def reference(t: int, z: float) -> float:
    return float(mpmath.log1p(mpmath.exp(-mpmath.mpf(z) if t == 1 else mpmath.mpf(z))))


def naive(t: int, z: float) -> float:
    with np.errstate(all="ignore"):
        s = 1 / (1 + np.exp(-z))
        return float(-(t * np.log(s) + (1 - t) * np.log(1 - s))) if t in (0, 1) else np.nan


def statsmodels_nll(t: int, z: float) -> float:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return float(-Logit(np.array([float(t)]), np.array([[z]])).loglike(np.array([1.0])))


def sklearn_nll(t: int, z: float) -> float:
    return float(log_loss([t], [expit(z)], labels=[0, 1]))


def relerr(value: float, ref: float) -> str:
    if np.isnan(value):
        return "nan"
    if ref == 0:
        return "0" if value == 0 else "inf"
    err = abs(value - ref) / abs(ref)
    return "0" if err == 0 else f"{err:.1e}"


def main() -> None:
    cols = [
        "t",
        "z",
        "mpmath (50 dig.)",
        "ours f64",
        "ours f32",
        "sklearn log_loss",
        "naive f64",
        "statsmodels",
    ]
    print(" | ".join(f"{c:>17}" for c in cols))
    worst = {"f64": 0.0, "f32": 0.0}
    for t in (1, 0):
        for z in LOGITS:
            ref = reference(t, z)
            o64 = float(binary_cross_entropy([t], logits=np.array([z]), reduction="sum"))
            o32 = binary_cross_entropy([t], logits=np.array([z], dtype=np.float32), reduction="sum")
            ref32 = float(np.float32(ref))
            values = [o64, float(o32), sklearn_nll(t, z), naive(t, z), statsmodels_nll(t, z)]
            print(" | ".join([f"{t:>17}", f"{z:>17g}", f"{ref:>17.10g}"] + [f"{v:>17.10g}" for v in values]))
            errs = [relerr(o64, ref), relerr(float(o32), ref32)] + [relerr(v, ref) for v in values[2:]]
            print(" | ".join([" " * 17, " " * 17, f"{'rel. err →':>17}"] + [f"{e:>17}" for e in errs]))
            if ref:
                worst["f64"] = max(worst["f64"], abs(o64 - ref) / ref)
            if ref32:
                worst["f32"] = max(worst["f32"], abs(float(o32) - ref32) / ref32)
    ulp64 = worst["f64"] / np.finfo(np.float64).eps
    ulp32 = worst["f32"] / np.finfo(np.float32).eps
    print(f"\nworst relative error of ours: float64 {worst['f64']:.2e} ({ulp64:.2f} eps), ", end="")
    print(f"float32 {worst['f32']:.2e} ({ulp32:.2f} eps32, against mpmath rounded to float32)")


if __name__ == "__main__":
    main()
