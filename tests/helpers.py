"""Graphs several test files build, and how they run the repository's scripts."""

from autograd_lite.course import course_graph as _course_graph


def course_graph(backward: bool = True):
    """The course's J = 3(a + bc) with a = 5, b = 3, c = 2; returns J and its named nodes."""
    nodes = _course_graph(backward=backward)
    return nodes["J"], nodes


def uniform(rng, low: float, high: float, shape=(), kinks=(), margin: float = 0.05):
    """Uniform samples in [low, high], redrawn where closer than ``margin`` to a kink."""
    import numpy as np

    x = np.asarray(rng.uniform(low, high, size=shape))
    while True:
        close = np.zeros(np.shape(x), dtype=bool)
        for kink in kinks:
            close |= np.abs(x - kink) < margin
        if not close.any():
            return x
        x = np.where(close, rng.uniform(low, high, size=shape), x)


def fail_on_the_second_array(monkeypatch) -> list:
    """Make saving a model write its first array, half of the second, then fail as a full disk does.

    Returns the list of the shapes written so far, to check the failure came mid-write.
    """
    import errno
    import io

    import numpy as np

    real_write_array = np.lib.format.write_array
    calls = []

    def write_half_then_fail(fp, array, *args, **kwargs):
        calls.append(array.shape)
        if len(calls) < 2:
            return real_write_array(fp, array, *args, **kwargs)
        buffer = io.BytesIO()
        real_write_array(buffer, array, *args, **kwargs)
        fp.write(buffer.getvalue()[: len(buffer.getvalue()) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np.lib.format, "write_array", write_half_then_fail)
    return calls


def run_chromium(profile, *arguments: str):
    """Headless Debian chromium with the flags this machine needs; ``profile`` is a fresh folder."""
    import shutil
    import subprocess

    from browser import HEADLESS

    command = [
        shutil.which("chromium") or "chromium",
        *HEADLESS,
        f"--user-data-dir={profile}",
        "--window-size=1200,900",
        *arguments,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def run_script(script, *arguments: str, cwd, env, timeout: float = 300):
    """``python <script> <arguments>`` in a process of its own, in ``cwd`` with ``env``; output as text."""
    import subprocess
    import sys

    command = [sys.executable, str(script), *arguments]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def set_local_derivatives(node, local) -> None:
    """Overwrite the d(node)/d(input) a Scalar op stored for backward, one per input (a test's wrong op);
    a node that recorded nothing (made under no_grad, as in gradcheck's numeric evaluations) stays as is."""
    if node._a is None:
        return
    if type(node._a) is tuple:  # many inputs (sum, dot): one tuple of them
        node._da = tuple(local)
    elif node._b is not None:
        node._da, node._db = local
    else:
        (node._da,) = local
