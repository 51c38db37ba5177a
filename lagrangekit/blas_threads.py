"""One BLAS thread while solving: the small dense linear algebra of these solvers runs many
times slower when BLAS synchronizes threads for every tiny call (L-BFGS-B: ~18x on 2 cores)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from functools import cache
from typing import Any

__all__ = ["single_blas_thread"]


@cache
def _controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def single_blas_thread() -> AbstractContextManager:
    """A context manager limiting BLAS to one thread (about 5 µs to enter)."""
    return _controller().limit(limits=1, user_api="blas")
