"""One BLAS thread while solving: the small dense linear algebra of these solvers runs many
times slower when BLAS synchronizes threads for every tiny call (L-BFGS-B: ~18x on 2 cores)."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from functools import cache
from typing import Any

__all__ = ["single_blas_thread"]


@cache
def _controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def single_blas_thread() -> AbstractContextManager:
    """A context manager limiting BLAS to one thread (about 40 µs to enter and leave), or
    doing nothing when every BLAS already runs on one (1 µs to ask)."""
    controller = _controller()
    blas = [lib for lib in controller.lib_controllers if lib.user_api == "blas"]
    if all(lib.get_num_threads() == 1 for lib in blas):
        return nullcontext()
    return controller.limit(limits=1, user_api="blas")
