"""Values saved for backward cannot change silently.

Arrays that ops compute are made read-only when recorded (``tensor._record``). A parameter's own
array stays writable for the course's update ``W.data -= lr * W.grad``, so while a recorded op
needs it, it is locked here, and unlocked when the last such record is freed: by ``backward()``
or by the graph being discarded.
"""

from __future__ import annotations

import weakref

import numpy as np


class _SavedArrayLock:
    """Keeps a leaf's array read-only while recorded ops may need it; lets go when they are gone.

    Every op that saves the same leaf array holds the same lock object (the leaf keeps a weak
    reference to it), so the lock is released when the last such record is freed: by
    ``backward()`` or by the graph being discarded. Thus ``W.data[0] = 1`` between forward and
    backward is refused at the assignment, while the course's update ``W.data -= lr * W.grad``
    after ``backward()`` works.
    """

    __slots__ = ("array", "__weakref__")

    def __init__(self, array: np.ndarray) -> None:
        self.array = array
        array.setflags(write=False)

    def __del__(self) -> None:
        try:
            self.array.setflags(write=True)
        except ValueError:  # its base was made read-only since: leave it read-only
            pass


def lock_saved_leaves(operands: tuple, saved, out: np.ndarray):
    """Locks for the arrays of leaf operands (parameters) that the op saved or that its output views.

    A view such as ``W.T`` shares W's memory, and a later op may save it, so it counts as saved.
    """
    locks = None
    viewed = out.base
    for x in operands:
        array = x.data
        if x._op is not None or type(array) is not np.ndarray:
            continue  # computed values are read-only already; Scalars hold plain floats
        kept = (
            array is saved
            or (type(saved) is tuple and any([array is s for s in saved]))
            or (viewed is not None and (viewed is array or viewed is array.base))
        )
        if not kept or not (array.flags.writeable or x._lock_ref is not None):
            continue  # not kept; or read-only by the caller's choice, or a constant's read-only view
        lock = x._lock_ref() if x._lock_ref is not None else None
        if lock is None or lock.array is not array:
            if not array.flags.writeable:
                continue
            lock = _SavedArrayLock(array)
            x._lock_ref = weakref.ref(lock)
        locks = (lock,) if locks is None else locks + (lock,)
    return locks
