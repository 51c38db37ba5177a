"""The ``lagrangekit`` command: ``solve``, ``check``, ``dual`` and ``fit`` from a shell.

Problem text comes as an argument, from ``-f FILE`` (``-f -`` is stdin), or piped on stdin,
and is read by the safe parser (:func:`lagrangekit.parse_problem`); nothing in it is executed.
``lagrangekit solve`` with no problem solves the built-in example, TEXTBOOK case T1.

Exit codes
----------
0
    An optimal answer (``solve``, ``dual``, ``fit``) or a verified KKT point (``check``).
1
    Infeasible, unbounded, failed, no KKT point, "not a KKT point", or a feature this
    installation does not have.
2
    Usage errors, problem text the parser refuses, unreadable or malformed data files.
    The message is one line on stderr and there is no traceback (``--traceback`` shows one).

JSON output (``--json``)
------------------------
One JSON object on stdout, strict JSON. Numbers are plain floats (non-finite ones are the
strings ``"inf"``, ``"-inf"``, ``"nan"``); exact values appear as strings such as
``"sqrt(2)/2"`` only under ``solve``'s ``exact`` and ``exact_multipliers``. Every object has
``"schema": "lagrangekit.cli/1"``, ``"command"`` and ``"exit_code"``. The remaining keys
of each command are listed in :data:`JSON_KEYS` and documented in the CLI user guide.
Errors with exit code 2 print nothing on stdout.
"""

from ._app import build_parser, main
from ._common import JSON_KEYS, JSON_SCHEMA
from ._input import DEFAULT_PROBLEM

__all__ = ["DEFAULT_PROBLEM", "JSON_KEYS", "JSON_SCHEMA", "build_parser", "main"]
