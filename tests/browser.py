"""A headless chromium driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``): real
mouse and keyboard events, JavaScript to read the page, screenshots; nothing beyond the standard
library. Used by the playground's browser test and by ``bench/playground.py``.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time

HEADLESS = (  # what this machine's chromium needs to run headless without reaching the network
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
FLAGS = (*HEADLESS, "--remote-debugging-pipe")


def chromium() -> str | None:
    """The chromium program, or None."""
    return shutil.which("chromium")


class Browser:
    """One headless chromium with one page; ``with Browser(profile) as page: page.open(url)``."""

    def __init__(self, profile, width: int = 1400, height: int = 900) -> None:
        commands_read, self._commands = os.pipe()  # we write, chromium reads on its fd 3
        self._events, events_write = os.pipe()  # chromium writes on its fd 4, we read

        def pipes_as_3_and_4() -> None:  # in the child, before the exec
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (commands_read, events_write)]
            os.dup2(high[0], 3)  # out of the way first: either pipe may already be fd 3 or 4
            os.dup2(high[1], 4)

        self.process = subprocess.Popen(
            [
                chromium() or "chromium",
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=pipes_as_3_and_4,
            pass_fds=(3, 4),  # the pipes, made fds 3 and 4 before the exec by the function above
        )
        os.close(commands_read)
        os.close(events_write)
        self._buffer, self._next_id, self._session = b"", 0, None
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """End chromium."""
        self.process.kill()
        self.process.wait(10)
        for fd in (self._commands, self._events):
            try:
                os.close(fd)
            except OSError:
                pass

    def call(self, method: str, timeout: float = 30.0, **params):
        """Send one DevTools command (to the page once attached) and return its result."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if self._session is not None and not method.startswith("Target."):
            message["sessionId"] = self._session
        os.write(self._commands, json.dumps(message).encode("utf-8") + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            for reply in self._messages(deadline):
                if reply.get("id") == self._next_id:
                    if "error" in reply:
                        raise RuntimeError(f"{method}: {reply['error']}")
                    return reply.get("result", {})

    def _messages(self, deadline: float):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([self._events], [], [], left)[0]:
            raise TimeoutError("chromium did not answer in time")
        chunk = os.read(self._events, 1 << 20)
        if not chunk:
            raise RuntimeError("chromium ended")
        self._buffer += chunk
        *complete, self._buffer = self._buffer.split(b"\0")
        return [json.loads(part) for part in complete if part]

    # --- the page ---
    def open(self, url: str) -> None:
        """Load ``url``."""
        self.call("Page.navigate", url=url)

    def js(self, expression: str):
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20.0):
        """Poll a JavaScript expression until it is truthy; its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.05)
        raise TimeoutError(f"waited {timeout:g} s for {expression}")

    def click(self, x: float, y: float) -> None:
        """A left click at page coordinates, as a mouse makes it."""
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def drag(self, start: tuple[float, float], end: tuple[float, float], steps: int = 5) -> None:
        """Press at ``start``, move to ``end`` in ``steps``, release: a slider dragged by hand."""
        (x0, y0), (x1, y1) = start, end
        self.call("Input.dispatchMouseEvent", type="mousePressed", x=x0, y=y0, button="left", clickCount=1)
        for step in range(1, steps + 1):
            x, y = x0 + (x1 - x0) * step / steps, y0 + (y1 - y0) * step / steps
            self.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y, button="left", buttons=1)
        self.call("Input.dispatchMouseEvent", type="mouseReleased", x=x1, y=y1, button="left", clickCount=1)

    def type_text(self, text: str) -> None:
        """Type ``text`` where the focus is."""
        self.call("Input.insertText", text=text)

    def screenshot(self, path) -> None:
        """Save the visible page as PNG."""
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))
