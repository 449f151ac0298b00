"""BLAS held to one thread where the products are small and the cores shared."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator

_BLAS_LIMIT_MIN = 1_000_000  # neuron-point pairs before BLAS is held to one thread


@contextlib.contextmanager
def one_blas_thread(work: float = math.inf) -> Iterator[None]:
    """Hold BLAS to one thread for `work` (neuron-point pairs; always if not given).

    Skinny products on shared cores only contend across threads (20×20 towers on a 201² grid:
    1.0 s with the default threads, 0.46 s with one). scipy.linalg brings its own BLAS: it is
    loaded first, or a limit set before its first import misses it (measured: the first
    training run after importing matplotlib took 8 s, not 0.4).
    """
    if work < _BLAS_LIMIT_MIN:
        yield
        return
    try:
        import scipy.linalg  # noqa: F401  (its own BLAS must be loaded to be limited)
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - an optional speed-up only
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield
