"""Hostile inputs shared by the compile tests: names that collide with lambdify's namespace."""

import builtins
import keyword
import math

import numpy as np

# names of lambdify's numpy namespace, math, Python keywords and builtins: each could shadow
# (or break) the printed code if a variable were printed by its name
HOSTILE_NAMES = sorted(
    {n for n in (*dir(np), *dir(math), *keyword.kwlist, *dir(builtins)) if n.isidentifier()}
    | {"e", "pi", "inf", "nan", "maximum", "minimum", "select", "reduce", "x0", "x1", "_lk_x0", "_lk_x1"}
)
