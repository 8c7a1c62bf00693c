"""``autograd-lite play``: the live playground, a local web page on the real engine.

Type a program in the command line's safe language, move one slider per input, and watch every value,
gradient and local derivative change on the diagram (``viz/live.py`` fills a layout made once per graph
shape, so nothing moves while a slider moves).

The page talks to a small JSON API, which tests and notebooks can call too:

- ``POST /api/inputs`` ``{"program": "..."}`` -> ``{"inputs": ["a", "b", "c"]}``;
- ``POST /api/evaluate`` ``{"program": "...", "inputs": {"a": 5, ...}, "view": "both",
  "nudge": {"name": "a", "h": 0.001}}`` -> ``viz.live.snapshot`` of the graph (nodes, edges, steps,
  svg) plus ``inputs`` and, when asked, ``nudge``: ``J`` moved by about ``∂J/∂a · h``, and by how much
  it really moves when ``a`` moves by ``h``;
- a program that cannot run: HTTP 400, ``{"error": "line 1, column 9: ...", "line": 1, "column": 9}``;
  a request over ``MAX_REQUEST`` bytes: 413; an evaluation over the time limit: 422, and it is stopped.

The server is the standard library's ``ThreadingHTTPServer``: one user on the loopback interface, one
page and two JSON endpoints, every request bounded (its size, the program's limits, a time limit), so
``play`` works after a plain ``pip install`` with nothing more to install. It binds 127.0.0.1 only and
answers only requests addressed to it by that name (a web page elsewhere cannot reach it through a
DNS name that points at 127.0.0.1). Evaluations run in a worker process, so one that runs over the
time limit is stopped by ending that process and starting a fresh one; no ``eval`` anywhere.
"""

from __future__ import annotations

import errno
import json
import math
import queue
import subprocess
import sys
import threading
import webbrowser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources

from ..viz import live
from .program import MAX_LENGTH, ProgramError, input_names, run_program

HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_PROGRAM = "u = b*c; v = a + u; J = 3*v"
DEFAULT_INPUTS = {"a": 5.0, "b": 3.0, "c": 2.0}
DEFAULT_VALUE = 1.0  # an input the page or --set gives no value starts here
MAX_REQUEST = 4 * MAX_LENGTH + 16_384  # bytes: a program at its longest, escaped, and its inputs
MAX_INPUT = 1e15  # |value| of an input
TIME_LIMIT = 10.0  # seconds per evaluation
STARTUP_LIMIT = 120.0  # seconds for a fresh worker process to be ready


class PlaygroundError(ValueError):
    """A request the playground refuses; ``status`` is its HTTP status."""

    def __init__(self, message: str, status: int = HTTPStatus.BAD_REQUEST) -> None:
        super().__init__(message)
        self.status = status


# --- what one evaluation does (in the worker process) --------------------------------------------------


def evaluate(request: dict, layouts=None) -> dict:
    """Run ``request["program"]`` on ``request["inputs"]``, backpropagate, and describe the graph.

    The answer of ``POST /api/evaluate`` (see the module). Raises ProgramError for a program that
    cannot run and PlaygroundError for a malformed request.
    """
    program, inputs = _program(request), _values(request.get("inputs", {}))
    view = request.get("view", "both")
    if view not in live.VIEWS:
        raise PlaygroundError(f"view must be forward, backward or both, not {view!r}")
    built = run_program(program, inputs)
    J = built.output
    J.backward(retain_graph=True)
    answer = live.snapshot(J, view, layouts)
    answer["inputs"] = inputs
    if request.get("nudge") is not None:
        answer["nudge"] = _nudge(program, inputs, built, request["nudge"])
    return answer


def _program(request: dict) -> str:
    program = request.get("program")
    if not isinstance(program, str):
        raise PlaygroundError('"program" must be a string, as in "u = b*c; v = a + u; J = 3*v"')
    return program


def _values(inputs) -> dict[str, float]:
    """The inputs as name -> float, each a finite number of a sensible size."""
    if not isinstance(inputs, dict):
        raise PlaygroundError('"inputs" must be an object of name: number, as in {"a": 5}')
    values = {}
    for name, value in inputs.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise PlaygroundError(f"input name {name!r} is not a name")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PlaygroundError(f"input {name}: {value!r} is not a number")
        if not math.isfinite(value) or abs(value) > MAX_INPUT:
            raise PlaygroundError(f"input {name}: {value!r} is out of range (at most {MAX_INPUT:g} in size)")
        values[name] = float(value)
    return values


def _nudge(program: str, inputs: dict[str, float], built, nudge) -> dict:
    """The chain rule's promise: J moves by about ∂J/∂x · h when x moves by h; and the actual move."""
    if not isinstance(nudge, dict) or nudge.get("name") not in inputs:
        raise PlaygroundError(f'"nudge" must be {{"name": one of {sorted(inputs)}, "h": a small number}}')
    name, h = nudge["name"], nudge.get("h", 0.001)
    if isinstance(h, bool) or not isinstance(h, (int, float)) or not math.isfinite(h):
        raise PlaygroundError(f"nudge h: {h!r} is not a number")
    rerun = lambda values: run_program(program, values).output
    return live.nudge(rerun, inputs, name, h, built.output, built.names[name].grad)


def _worker() -> None:
    """The worker process: one JSON request per line on stdin, one JSON answer per line on stdout."""
    layouts = live.Layouts()
    _answer("ready", None)
    for line in sys.stdin:
        kind, request = json.loads(line)
        try:
            if kind == "inputs":
                answer = ("ok", {"inputs": input_names(_program(request))})
            else:
                answer = ("ok", evaluate(request, layouts))
        except ProgramError as error:
            answer = ("program", [str(error), error.line, error.column])
        except PlaygroundError as error:
            answer = ("request", [str(error), int(error.status)])
        except Exception as error:  # a bug, reported as one line, and the worker goes on
            answer = ("internal", f"{type(error).__name__}: {error}")
        _answer(*answer)


def _answer(status: str, answer) -> None:
    sys.stdout.write(json.dumps([status, answer], ensure_ascii=False, allow_nan=False) + "\n")
    sys.stdout.flush()


class Evaluator:
    """Runs requests in a worker process; one that takes longer than ``time_limit`` seconds is
    stopped (the process ends and a fresh one starts) and reported as a PlaygroundError (422)."""

    def __init__(self, time_limit: float = TIME_LIMIT) -> None:
        self.time_limit = time_limit
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._answers: queue.Queue = queue.Queue()
        self._start()

    def _start(self) -> None:
        """A fresh worker (``python -m autograd_lite.app.playground``), and a thread reading its answers."""
        process = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # the renderer's font warnings; failures come back as answers
            encoding="utf-8",
            bufsize=1,
        )
        answers: queue.Queue = queue.Queue()
        threading.Thread(target=_read_lines, args=(process.stdout, answers), daemon=True).start()
        try:
            answers.get(timeout=STARTUP_LIMIT)  # ("ready", None), or None: it ended
        except queue.Empty:
            process.kill()
            raise RuntimeError(f"the playground's worker did not start within {STARTUP_LIMIT:g} s") from None
        self._process, self._answers = process, answers

    def __call__(self, kind: str, request: dict) -> dict:
        """The worker's answer to ``request`` ("inputs" or "evaluate")."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._start()
            try:
                self._process.stdin.write(json.dumps([kind, request]) + "\n")
                self._process.stdin.flush()
                reply = self._answers.get(timeout=self.time_limit)
            except queue.Empty:
                self._stop()
                raise PlaygroundError(
                    f"the evaluation took longer than {self.time_limit:g} s and was stopped; "
                    "try a smaller program",
                    HTTPStatus.UNPROCESSABLE_ENTITY,
                ) from None
            except OSError:
                reply = None
            if reply is None:  # the worker ended
                self._stop()
                raise PlaygroundError(
                    "the evaluation stopped the worker; try again", HTTPStatus.INTERNAL_SERVER_ERROR
                )
        status, answer = reply
        if status == "program":
            raise ProgramError(*answer)
        if status == "request":
            raise PlaygroundError(*answer)
        if status == "internal":
            raise PlaygroundError(f"internal error: {answer}", HTTPStatus.INTERNAL_SERVER_ERROR)
        return answer

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(5)
            for stream in (self._process.stdin, self._process.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
        self._process = None

    def close(self) -> None:
        """Stop the worker process."""
        with self._lock:
            self._stop()


def _read_lines(stream, answers: queue.Queue) -> None:
    """Put each JSON line the worker writes on ``answers``; None when it ends."""
    try:
        for line in stream:
            answers.put(json.loads(line))
    except (OSError, ValueError):
        pass
    answers.put(None)


# --- HTTP ----------------------------------------------------------------------------------------------


def page(program: str = DEFAULT_PROGRAM, inputs: dict[str, float] | None = None) -> str:
    """The playground's page (one file: its script and style inline, nothing from the network)."""
    text = resources.files("autograd_lite.app").joinpath("playground.html").read_text(encoding="utf-8")
    start = {"program": program, "inputs": dict(DEFAULT_INPUTS if inputs is None else inputs)}
    data = json.dumps(start, ensure_ascii=False).replace("</", "<\\/")
    return text.replace("{{START}}", data)


class _Handler(BaseHTTPRequestHandler):
    server: PlaygroundServer
    timeout = 30  # seconds a client may take to send its request
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        """The page, at ``/``; anything else is 404."""
        if not self._addressed_to_us():
            return
        if self.path.split("?", 1)[0] in ("/", "/index.html"):
            self._send(HTTPStatus.OK, self.server.page.encode("utf-8"), "text/html; charset=utf-8")
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no page at {self.path}"})

    def do_POST(self) -> None:  # noqa: N802
        """``/api/evaluate`` and ``/api/inputs``, answered by the worker; errors as JSON with a status."""
        if not self._addressed_to_us():
            return
        kind = {"/api/evaluate": "evaluate", "/api/inputs": "inputs"}.get(self.path)
        if kind is None:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no API at {self.path}"})
            return
        try:
            request = self._request()
            self._json(HTTPStatus.OK, self.server.evaluator(kind, request))
        except ProgramError as error:
            where = {} if error.line is None else {"line": error.line, "column": error.column}
            self._json(HTTPStatus.BAD_REQUEST, {"error": str(error), **where})
        except PlaygroundError as error:
            self._json(error.status, {"error": str(error)})

    def _addressed_to_us(self) -> bool:
        """Refuse requests for another host name (a DNS name pointed at 127.0.0.1 by some web page)."""
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        if host in (HOST, "localhost"):
            return True
        self._json(HTTPStatus.FORBIDDEN, {"error": f"the playground answers only {HOST} and localhost"})
        return False

    def _request(self) -> dict:
        """The request's JSON object, read only if its declared size is within MAX_REQUEST."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            raise PlaygroundError("send the request with a Content-Length", HTTPStatus.LENGTH_REQUIRED)
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise PlaygroundError(
                "send the request with a Content-Length", HTTPStatus.LENGTH_REQUIRED
            ) from None
        if length > MAX_REQUEST or length < 0:
            self.close_connection = True  # the body is not read
            raise PlaygroundError(
                f"request too large ({length} bytes, at most {MAX_REQUEST})",
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            )
        try:
            request = json.loads(self.rfile.read(length).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise PlaygroundError(f"the request is not JSON: {error}") from None
        if not isinstance(request, dict):
            raise PlaygroundError('the request must be a JSON object, as in {"program": "J = 3*a"}')
        return request

    def _json(self, status: int, data: dict) -> None:
        body = json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        """Quiet: the terminal shows the address and errors, not every request."""


class PlaygroundServer(ThreadingHTTPServer):
    """The playground's HTTP server on 127.0.0.1 (port 0: any free port; see ``url``)."""

    daemon_threads = True

    def __init__(
        self,
        port: int = DEFAULT_PORT,
        program: str = DEFAULT_PROGRAM,
        inputs: dict[str, float] | None = None,
        time_limit: float = TIME_LIMIT,
    ) -> None:
        self.page = page(program, inputs)
        try:
            super().__init__((HOST, port), _Handler)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PlaygroundError(
                    f"port {port} on {HOST} is taken by another program; choose another with --port N"
                ) from None
            raise
        try:
            self.evaluator = Evaluator(time_limit)
        except BaseException:
            self.server_close()
            raise

    def handle_error(self, request, client_address) -> None:
        """A browser that went away mid-answer is no error; anything else is one line, no traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return
        print(f"autograd-lite play: error: {type(error).__name__}: {error}", file=sys.stderr, flush=True)

    @property
    def url(self) -> str:
        """The page's address."""
        return f"http://{HOST}:{self.server_address[1]}/"

    def server_close(self) -> None:
        """Close the socket and stop the worker process."""
        super().server_close()
        evaluator = getattr(self, "evaluator", None)
        if evaluator is not None:
            evaluator.close()


def serve(
    program: str = DEFAULT_PROGRAM,
    inputs: dict[str, float] | None = None,
    port: int = DEFAULT_PORT,
    open_browser: bool = True,
    time_limit: float = TIME_LIMIT,
) -> None:
    """Run the playground until Ctrl-C: the program and inputs the page starts with, on ``port``."""
    with PlaygroundServer(port, program, inputs, time_limit) as server:
        print(f"The playground is at {server.url} (Ctrl-C stops it)", flush=True)
        if open_browser:
            webbrowser.open(server.url)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("\nstopped", flush=True)


if __name__ == "__main__":  # the worker process (see Evaluator)
    _worker()
