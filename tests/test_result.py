"""Result and KKTReport: immutable values with JSON-serializable to_dict()."""

import dataclasses
import json

import numpy as np
import pytest
import sympy as sp

import lagrangekit as lk

x, y = sp.symbols("x y", real=True)


def make_report(**overrides):
    fields = dict(
        stationarity=1e-9,
        primal_feasibility=0.0,
        dual_feasibility=0.0,
        complementary_slackness=2e-10,
        multipliers={"circle": np.float64(0.7071), "lower:x": 0.0},
        active=["circle"],
        licq=True,
        second_order=None,
        tol=1e-6,
    )
    fields.update(overrides)
    return lk.KKTReport(**fields)


def make_result(**overrides):
    fields = dict(
        x=np.array([0.5, 0.5]),
        fun=np.float64(1.4142),
        status="optimal",
        success=True,
        method="test",
        point={x: 0.5, y: 0.5},
        multipliers={"circle": 0.7071},
        exact={x: sp.sqrt(2) / 2, "circle": sp.sqrt(2) / 2},
        kkt=make_report(),
        history={"fun": [3.0, 2.0, float("inf")]},
    )
    fields.update(overrides)
    return lk.Result(**fields)


def test_report_ok_reflects_tolerance_and_second_order():
    assert make_report().ok
    assert not make_report(stationarity=1e-3).ok
    assert make_report(stationarity=1e-3).failed_conditions() == ("stationarity",)
    assert not make_report(second_order=False).ok
    # the scaled residual, when present, is the one compared with tol
    assert make_report(stationarity=1e-3, scaled={"stationarity": 1e-8}).ok


def test_report_rejects_negative_residuals():
    with pytest.raises(ValueError, match="stationarity"):
        make_report(stationarity=-1.0)


def test_values_are_immutable():
    report, result = make_report(), make_result()
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.stationarity = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.fun = 0.0
    with pytest.raises(TypeError):
        result.multipliers["circle"] = 1.0
    with pytest.raises(TypeError):
        report.multipliers["new"] = 1.0
    with pytest.raises(ValueError):
        result.x[0] = 3.0


def test_inputs_are_not_shared_with_the_result():
    x0 = np.array([1.0, 2.0])
    mult = {"a": 1.0}
    result = make_result(x=x0, multipliers=mult)
    x0[0] = 99.0
    mult["a"] = 5.0
    assert result.x[0] == 1.0 and result.multipliers["a"] == 1.0


def test_to_dict_is_strict_json():
    result = make_result()
    text = json.dumps(result.to_dict(), allow_nan=False)
    back = json.loads(text)
    assert back["x"] == [0.5, 0.5]
    assert back["kkt"]["ok"] is True
    assert back["exact"]["circle"]["exact"] == "sqrt(2)/2"
    assert back["exact"]["circle"]["value"] == pytest.approx(2**-0.5)
    assert back["history"]["fun"][-1] == "inf"
    json.dumps(make_report().to_dict(), allow_nan=False)


def test_status_is_validated():
    with pytest.raises(ValueError, match="status"):
        make_result(status="great")


def test_str_is_a_readable_table():
    text = str(make_result())
    assert "optimal" in text and "circle" in text and "sqrt(2)/2" in text
    assert "KKT point" in str(make_report()) and "not a KKT point" in str(make_report(dual_feasibility=1.0))
