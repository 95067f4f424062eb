"""Giving memory this process has freed back to the system.

A voice's session is thousands of allocations (its weights, and the model it
was made from); once freed, glibc keeps their memory in its heaps, still
counted as this process's resident memory, until asked to return it. After a
voice's copy was made, ~90 MB; after a voice loaded ahead but not used
(worker processes got the work), ~70 MB more.
"""

from __future__ import annotations

import ctypes


def give_back_freed_memory() -> None:
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to ask
        pass
