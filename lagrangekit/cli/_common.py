"""Pieces every command shares: the error type and exit codes, what a command returns, the
JSON schema, feature look-up, number formatting and the terminal progress indicator."""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from typing import Any

JSON_SCHEMA = "lagrangekit.cli/1"

#: The keys of each command's JSON object, besides ``schema``, ``command`` and ``exit_code``.
JSON_KEYS: dict[str, tuple[str, ...]] = {
    "solve": (
        "problem",
        "mode",
        "method",
        "status",
        "success",
        "message",
        "fun",
        "x",
        "exact",
        "multipliers",
        "exact_multipliers",
        "candidates",
        "kkt",
    ),
    "check": ("problem", "point", "multipliers", "ok", "failed", "kkt"),
    "dual": (
        "problem",
        "function",
        "domain",
        "status",
        "dual_optimum",
        "multipliers",
        "gap",
        "gap_is_upper_bound",
        "slater",
    ),
    "fit": (
        "model",
        "estimator",
        "data",
        "target",
        "n_samples",
        "coef",
        "intercept",
        "alpha",
        "multiplier",
        "certificate",
        "crosscheck",
    ),
}

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CLIError(Exception):
    """An error the CLI reports as one line on stderr, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Output:
    """What one command produced: human text, the JSON payload and the exit code."""

    text: str
    data: dict[str, Any]
    code: int


def feature(module: str, name: str, command: str) -> Any:
    """Import ``lagrangekit.<module>.<name>``, or explain that this installation lacks it."""
    try:
        return getattr(import_module(f"lagrangekit{module}"), name)
    except (ImportError, AttributeError):
        where = f"lagrangekit{module}.{name}" if module else f"lagrangekit.{name}"
        raise CLIError(
            f"'{command}' needs {where}, which this installation of lagrangekit does not provide yet",
            EXIT_FAILED,
        ) from None


def plain(value: Any) -> Any:
    """JSON-ready data with every number a plain float.

    :func:`lagrangekit.result.to_jsonable` writes an exact number as
    ``{"exact": str, "value": float}``; the CLI schema keeps numbers plain and lists exact
    values separately (``exact``, ``exact_multipliers``), so such pairs become their value.
    """
    from ..result import to_jsonable

    value = to_jsonable(value)
    if isinstance(value, dict):
        if set(value) == {"exact", "value"}:
            return value["value"]
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def num(value: Any) -> Any:
    """A float for JSON (``"inf"``, ``"-inf"``, ``"nan"`` when not finite), or None."""
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    return v if math.isfinite(v) else str(v)


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0]


def fmt(value: Any) -> str:
    try:
        return f"{float(value):.6g}"
    except (TypeError, ValueError):
        return str(value)


def table(rows: Sequence[tuple[str, str]], indent: str = "  ") -> str:
    width = max((len(k) for k, _ in rows), default=0)
    return "\n".join(f"{indent}{k.ljust(width)}  {v}" for k, v in rows)


@contextmanager
def progress(label: str, stream: Any = None) -> Iterator[None]:
    """Show an elapsed-time indicator on a terminal while a long fit runs; nothing on a pipe."""
    stream = sys.stderr if stream is None else stream
    if not (hasattr(stream, "isatty") and stream.isatty()):
        yield
        return
    done = threading.Event()
    start = time.perf_counter()

    def spin() -> None:
        frames = "|/-\\"
        k = 0
        while not done.wait(0.1):
            stream.write(f"\r{frames[k % 4]} {label} {time.perf_counter() - start:5.1f} s")
            stream.flush()
            k += 1

    thread = threading.Thread(target=spin, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        stream.write(f"\r{label} done in {time.perf_counter() - start:.1f} s\n")
        stream.flush()
