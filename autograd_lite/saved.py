"""Values saved for backward cannot change silently.

A Tensor owns a copy of its data, and arrays that ops compute are made read-only when recorded
(``tensor._record``). A parameter's own array stays writable for the course's update
``W.data -= lr * W.grad``, so while a recorded op needs it, it is locked here: the array is read-only,
and ``W.data`` is a ``LockedArray`` view of it whose writes (``W.data[0] = 1``, ``W.data -= x``) raise
the library's error naming the parameter and the op. The lock is let go when the last record that
needs it is freed: by ``backward()`` or by the graph being discarded.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

import numpy as np

from .graph import name_of

if TYPE_CHECKING:
    from .graph import Node
    from .ops.record import Op
    from .tensor import Tensor


class LockedArray(np.ndarray):
    """A parameter's array while a recorded op needs it for backward: read it freely; writing to it
    (``[...] =`` or an in-place operator) raises a ValueError that names the parameter and the op.

    NumPy functions of it give plain arrays; a copy of it is an ordinary writable array.
    """

    __slots__ = ("_lock",)  # a weak reference to the lock, set on the lock's own view only (no __dict__)

    _lock: weakref.ref[_SavedArrayLock]

    def _lock_reference(self) -> weakref.ref[_SavedArrayLock] | None:
        """The weak reference to the lock, kept on the lock's own view: this one or the view it was made
        from (``W.data.T``); None if the chain holds none."""
        array: np.ndarray | None = self
        while isinstance(array, LockedArray):
            ref = getattr(array, "_lock", None)
            if ref is not None:
                return ref
            array = array.base
        return None

    def _refuse_write(self) -> None:
        """Raise the library's error for a write to this view, if it refuses one. A writable view, or one the
        caller made read-only, is left to NumPy. The names are looked up only here."""
        if self.flags.writeable:
            return
        ref = self._lock_reference()
        if ref is None:
            return
        lock = ref()
        if lock is None:  # a view kept from while the graph needed the parameter
            raise ValueError(
                "this array is a view of a parameter's data taken while a graph needed it for backward(), "
                "and it stays read-only: read the parameter's .data again to change it"
            )
        raise ValueError(
            f"{name_of(lock.leaf)}.data is read-only while the graph needs its values for backward() "
            f"(saved by {lock.op}): call backward() first, or drop the graph (e.g. del the cost), "
            "or change a copy"
        )

    def __setitem__(self, index: Any, value: Any) -> None:
        self._refuse_write()
        super().__setitem__(index, value)

    def __array_ufunc__(
        self, ufunc: np.ufunc, method: str, *inputs: Any, out: tuple[Any, ...] | None = None, **kwargs: Any
    ) -> Any:
        """Run ``ufunc`` on plain arrays (results are plain); writing into a locked one is refused."""
        if out is not None:
            for target in out:
                if isinstance(target, LockedArray):
                    target._refuse_write()
            kwargs["out"] = tuple(_plain(target) for target in out)
        return getattr(ufunc, method)(*[_plain(x) for x in inputs], **kwargs)


def _plain(x: Any) -> Any:
    return x.view(np.ndarray) if isinstance(x, LockedArray) else x


class _SavedArrayLock:
    """Keeps a leaf's array read-only while recorded ops may need it; lets go when they are gone.

    Every op that saves the same leaf array holds the same lock object (the leaf keeps a weak
    reference to it), so the lock is released when the last such record is freed. While it is held,
    the leaf's ``data`` is a ``LockedArray`` view of the array, so that writes get the library's message.
    """

    __slots__ = ("array", "view", "leaf", "op", "__weakref__")
    array: np.ndarray  # the parameter's own array, read-only while locked
    view: LockedArray  # the leaf's data while locked
    leaf: Tensor
    op: str  # the name of the op that first saved it

    def __del__(self) -> None:
        leaf = self.leaf
        if leaf.data is self.view:  # unless the caller has given the leaf another array since
            leaf.data = self.array
        leaf._lock_ref = None
        try:
            self.array.setflags(True)  # type: ignore[call-arg, unused-ignore]  # write=True (NumPy 2.4 stubs: keyword only)
        except ValueError:  # its base was made read-only since: leave it read-only
            pass


def lock_saved_leaves(
    operands: tuple[Node, ...], saved: Any, out: np.ndarray, op: Op
) -> tuple[_SavedArrayLock, ...] | None:
    """Locks for the arrays of leaf operands (parameters) that the op saved or that its output views.

    A view such as ``W.T`` shares W's memory, and a later op may save it, so it counts as saved. A leaf
    that an earlier op locked is held again, so the lock lasts as long as either record needs it.
    """
    locks: tuple[_SavedArrayLock, ...] | None = None
    viewed = out.base
    for x in operands:
        array = x.data
        if x._op is not None or not isinstance(array, np.ndarray):
            continue  # computed values are read-only already; Scalars hold plain floats
        if type(array) is LockedArray:
            lock = x._lock_ref() if x._lock_ref is not None else None  # type: ignore[attr-defined]  # (Tensor)
            if lock is not None and array is lock.view:  # locked by an earlier op: this one needs it too
                locks = (lock,) if locks is None else locks + (lock,)
                continue
        kept = array is saved or viewed is not None and (viewed is array or viewed is array.base)
        if not kept and type(saved) is tuple:
            for value in saved:
                if value is array:
                    kept = True
                    break
        if not kept or not array.flags.writeable:
            continue  # not kept; or read-only by the caller's choice (a constant)
        # the lock: the array read-only, the leaf's data a view of it that finds the lock (for its message)
        lock = _new_lock(_SavedArrayLock)
        lock.array, lock.leaf, lock.op = array, x, op.name  # type: ignore[assignment]  # a Tensor: it holds an array
        array.setflags(False)  # type: ignore[call-arg, unused-ignore]  # write=False (NumPy 2.4 stubs: keyword only)
        view = lock.view = array.view(LockedArray)
        view._lock = x._lock_ref = _weak(lock)  # type: ignore[attr-defined]  # (a Tensor)
        x.data = view
        locks = (lock,) if locks is None else locks + (lock,)
    return locks


_new_lock = object.__new__
_weak = weakref.ref
