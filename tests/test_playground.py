"""The live playground: its JSON API over HTTP on a loopback port, its limits, the command, and the page
in a real headless browser (a slider moved by the mouse, a broken program typed)."""

from __future__ import annotations

import http.client
import json
import socket
import threading

import pytest
from browser import Browser, chromium

from autograd_lite.app import cli
from autograd_lite.app.playground import MAX_REQUEST, PlaygroundError, PlaygroundServer, evaluate
from autograd_lite.app.program import run_program
from autograd_lite.names import number

COURSE = "u = b*c; v = a + u; J = 3*v"
PROGRAMS = [
    (COURSE, {"a": 5, "b": 3, "c": 2}),
    (
        "z = w1*x1 + w2*x2 + b; A = sigmoid(z); L = -(y*log(A) + (1 - y)*log(1 - A))",
        {"w1": 0.5, "x1": 1.5, "w2": -0.3, "x2": 2.0, "b": 0.1, "y": 1.0},
    ),
    ("h = tanh(x*w); J = h**2 + relu(x - 1)/w", {"x": 1.7, "w": -0.8}),
    ("J = a*a*a + exp(a)", {"a": 0.5}),
]


@pytest.fixture(scope="module")
def server():
    with PlaygroundServer(port=0, time_limit=30) as running:
        thread = threading.Thread(target=running.serve_forever, daemon=True)
        thread.start()
        yield running
        running.shutdown()


def post(server, path, body, headers=None, raw: bytes | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=60)
    data = raw if raw is not None else json.dumps(body).encode("utf-8")
    connection.request(
        "POST", path, body=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    response = connection.getresponse()
    answer = json.loads(response.read())
    connection.close()
    return response.status, answer


@pytest.mark.parametrize(("program", "inputs"), PROGRAMS)
def test_values_gradients_and_local_derivatives_are_the_engines(server, program, inputs):
    status, answer = post(server, "/api/evaluate", {"program": program, "inputs": inputs})
    assert status == 200, answer
    engine = run_program(program, {name: float(value) for name, value in inputs.items()})
    engine.output.backward(retain_graph=True)
    by_name = {node["name"]: node for node in answer["nodes"]}
    assert answer["output"] == engine.output_name
    assert by_name[engine.output_name]["value"] == engine.output.data
    for name, node in engine.names.items():
        assert by_name[name]["value"] == node.data
        assert by_name[name]["grad"] == node.grad
    ids = {node["id"]: node for node in answer["nodes"]}
    for edge in answer["edges"]:  # every local derivative: its number and its formula, from the rule
        child = ids[edge["to"]]
        if edge["local"] is not None:
            assert edge["formula"].startswith(f"∂{child['name']}/∂") or edge["formula"].startswith("∂(")
    assert answer["svg"].startswith("<svg") and f"{engine.output_name} = " in answer["svg"]
    assert len(answer["steps"]) == sum(node["grad"] is not None for node in answer["nodes"])


def test_the_course_graph_in_numbers(server):
    status, answer = post(server, "/api/evaluate", {"program": COURSE, "inputs": {"a": 5, "b": 3, "c": 2}})
    assert status == 200
    grads = {node["name"]: node["grad"] for node in answer["nodes"] if node["grad"] is not None}
    assert grads == {"a": 3, "b": 6, "c": 9, "u": 3, "v": 3, "J": 1}
    edges = {edge["formula"]: edge["local"] for edge in answer["edges"] if edge["formula"]}
    assert edges["∂u/∂b = c"] == 2 and edges["∂u/∂c = b"] == 3 and edges["∂J/∂v = 3"] == 3
    assert "J = 3*v = 33" in answer["svg"] and "∂J/∂b = 6" in answer["svg"]


def test_the_layout_stays_while_values_move_and_changes_with_the_shape(server):
    def layout(program, a):
        return post(server, "/api/evaluate", {"program": program, "inputs": {"a": a, "b": 3, "c": 2}})[1]

    first, moved = layout(COURSE, 5), layout(COURSE, -1234.5678)
    assert first["layout"] == moved["layout"]
    geometry = [line for line in first["svg"].split("\n") if "<text" not in line]
    assert geometry == [line for line in moved["svg"].split("\n") if "<text" not in line]
    assert "a = -1235" in moved["svg"]
    assert layout("u = b*c; v = a - u; J = 3*v", 5)["layout"] != first["layout"]


def test_the_nudge_shows_the_chain_rules_promise(server):
    request = {"program": "J = a**3", "inputs": {"a": 2}, "nudge": {"name": "a", "h": 0.001}}
    status, answer = post(server, "/api/evaluate", request)
    assert status == 200
    nudge = answer["nudge"]
    assert nudge["gradient"] == 12 and nudge["predicted"] == pytest.approx(0.012)
    assert nudge["actual"] == pytest.approx(2.001**3 - 8) and nudge["actual"] != nudge["predicted"]


def test_inputs_are_listed_in_order_of_use(server):
    assert post(server, "/api/inputs", {"program": COURSE}) == (200, {"inputs": ["b", "c", "a"]})


@pytest.mark.parametrize(
    ("program", "inputs", "line", "column", "words"),
    [
        ("J = a +* b", {"a": 1, "b": 2}, 1, 8, "invalid syntax"),
        ("u = a*2\nJ = log(u)", {"a": -1}, 2, 5, "log"),
        ("u = a*2; J = u + x", {"a": 1}, 1, 18, "unknown input 'x'"),
        ("J = __import__('os')", {}, 1, 5, "only these functions"),
    ],
)
def test_a_bad_program_is_400_with_its_position(server, program, inputs, line, column, words):
    status, answer = post(server, "/api/evaluate", {"program": program, "inputs": inputs})
    assert status == 400
    assert (answer["line"], answer["column"]) == (line, column) and words in answer["error"]
    assert answer["error"].startswith(f"line {line}, column {column}: ")


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"inputs": {"a": 1}}, '"program" must be a string'),
        ({"program": "J = 3*a", "inputs": {"a": "five"}}, "is not a number"),
        ({"program": "J = 3*a", "inputs": {"a": True}}, "is not a number"),
        ({"program": "J = 3*a", "inputs": {"a": 1e300}}, "out of range"),
        ({"program": "J = 3*a", "inputs": [1]}, "must be an object"),
        ({"program": "J = 3*a", "inputs": {"a": 1}, "view": "sideways"}, "view must be"),
        ({"program": "J = 3*a", "inputs": {"a": 1}, "nudge": {"name": "b"}}, '"nudge" must be'),
        ({"program": "J = 3*a", "inputs": {"a": 1, "b": 2}}, "not used by the program"),
    ],
)
def test_malformed_requests_get_one_clear_error(server, body, words):
    status, answer = post(server, "/api/evaluate", body)
    assert status == 400 and words in answer["error"], answer


def test_not_json_and_not_an_object_are_refused(server):
    assert post(server, "/api/evaluate", None, raw=b"{not json")[0] == 400
    assert "JSON object" in post(server, "/api/evaluate", [1, 2])[1]["error"]


def test_oversized_requests_are_refused_unread(server):
    status, answer = post(server, "/api/evaluate", None, raw=b" " * (MAX_REQUEST + 1))
    assert status == 413 and "too large" in answer["error"]
    long_program = "J = " + " + ".join(["a"] * 1500)  # over the command line's 2000 characters
    status, answer = post(server, "/api/evaluate", {"program": long_program, "inputs": {"a": 1}})
    assert status == 400 and "program too long" in answer["error"]


def test_requests_for_another_host_name_are_refused(server):
    status, answer = post(
        server, "/api/evaluate", {"program": "J = 3*a"}, headers={"Host": "evil.example:80"}
    )
    assert status == 403 and "127.0.0.1" in answer["error"]


def test_unknown_paths_are_404_and_the_page_is_served(server):
    assert post(server, "/api/nothing", {})[0] == 404
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
    connection.request("GET", "/")
    response = connection.getresponse()
    page = response.read().decode("utf-8")
    assert response.status == 200 and "autograd-lite playground" in page and '"program": "u = b*c' in page
    assert "http://" not in page and "https://" not in page  # every asset from the package: works offline
    connection.close()


def test_a_program_that_takes_too_long_is_cut_off_and_the_next_one_runs():
    # a 450-part program is allowed, but laying out its ~250 nodes takes far longer than 0.2 s
    statements = ["u0 = a*b"] + [f"u{i} = tanh(u{i - 1}*c + a)" for i in range(1, 55)] + ["J = 3*u54"]
    program = "; ".join(statements)
    inputs = {"a": 0.1, "b": 0.2, "c": 0.3}
    with PlaygroundServer(port=0, time_limit=0.2) as running:
        threading.Thread(target=running.serve_forever, daemon=True).start()
        status, answer = post(running, "/api/evaluate", {"program": program, "inputs": inputs})
        assert status == 422 and "longer than 0.2 s and was stopped" in answer["error"]
        running.evaluator.time_limit = 30
        status, answer = post(running, "/api/evaluate", {"program": "J = 3*a", "inputs": {"a": 2}})
        assert status == 200 and answer["nodes"][-1]["value"] == 6
        running.shutdown()


def test_evaluate_runs_without_a_server():
    answer = evaluate({"program": "J = 2*a", "inputs": {"a": 4}, "view": "forward"})
    assert answer["nodes"][-1]["value"] == 8 and answer["view"] == "forward"
    with pytest.raises(PlaygroundError, match="view must be"):
        evaluate({"program": "J = 2*a", "inputs": {"a": 4}, "view": "up"})


def test_a_taken_port_is_one_clear_line(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = cli.main(["play", "--no-browser", "--port", str(port)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"port {port} on 127.0.0.1 is taken" in err and "--port" in err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["play", "J = a +* b", "--no-browser"], "line 1, column 8: invalid syntax"),
        (["play", "J = 3*a", "--set", "b=2", "--no-browser"], "the program has no input 'b'"),
        (["play", "J = log(a)", "--set", "a=-1", "--no-browser"], "log(a)"),
    ],
)
def test_play_refuses_a_bad_program_before_serving(capsys, argv, words):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("autograd-lite play: error: ") and words in err and err.count("\n") == 1


def test_a_bad_port_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit):
        cli.main(["play", "--port", "70000"])
    assert "from 0 to 65535" in capsys.readouterr().err


# --- the page in a real browser ------------------------------------------------------------------------

POSITIONS = """[...document.querySelectorAll('#diagram g.node')].map(g => {
  const box = g.getBoundingClientRect(); return [g.id, Math.round(box.x), Math.round(box.y)]; })"""


def texts_of(page, element: str) -> list[str]:
    return page.js(f"[...document.querySelectorAll('#{element} text')].map(t => t.textContent)")


@pytest.mark.skipif(chromium() is None, reason="needs Debian's chromium (apt install chromium)")
def test_the_page_follows_a_slider_and_shows_errors_inline(server, tmp_path):
    with Browser(tmp_path / "profile") as page:
        page.open(server.url)
        page.wait_for("window.playground && window.playground.timings.length >= 1")
        assert texts_of(page, "g_n2") == ["c = 2", "∂J/∂c = 9"]  # the course: ∂J/∂c = 3b
        before = page.js(POSITIONS)

        # drag b's slider with the mouse to about a quarter of its range
        box = page.js(
            "(() => { const r = document.getElementById('slider-b').getBoundingClientRect();"
            " return [r.x, r.y + r.height / 2, r.width]; })()"
        )
        x, y, width = box
        count = page.js("window.playground.timings.length")
        page.drag((x + width * 0.65, y), (x + width * 0.25, y))
        page.wait_for(f"window.playground.timings.length > {count} && !window.playground.state.busy")
        page.wait_for("!window.playground.state.busy && window.playground.state.pending === null")
        b = page.js("window.playground.state.values.b")
        assert b != 3
        engine = run_program(COURSE, {"a": 5.0, "b": b, "c": 2.0})
        engine.output.backward()
        page.wait_for(
            f"document.querySelector('#g_n2 text:last-of-type').textContent === "
            f"'∂J/∂c = {number(engine.names['c'].grad)}'"
        )
        assert texts_of(page, "g_n1") == [f"b = {number(b)}", f"∂J/∂b = {number(engine.names['b'].grad)}"]
        assert texts_of(page, "g_n6")[0] == f"J = 3*v = {number(engine.output.data)}"
        assert page.js(POSITIONS) == before  # nothing moved

        # the view switch: the backward view shows the gradients alone
        layout = page.js("window.playground.state.layout")
        box = page.js(
            "(() => { const r = document.querySelector('input[value=backward]').getBoundingClientRect();"
            " return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        page.click(*box)
        page.wait_for(f"window.playground.state.layout !== '{layout}'")
        assert texts_of(page, "g_n1") == [f"∂J/∂b = {number(engine.names['b'].grad)}"]

        # a broken program: the error at its line and column, under the editor
        page.js("document.getElementById('program').focus(); document.getElementById('program').select()")
        page.type_text("u = b*c\nJ = 3*(a + u))")
        page.wait_for("!document.getElementById('error').hidden")
        message = page.js("document.getElementById('error-message').textContent")
        assert message.startswith("line 2, column 14: ")
        assert (
            page.js("document.getElementById('error-line').textContent")
            == "2 | J = 3*(a + u))\n" + " " * 17 + "^"
        )


def test_ctrl_c_stops_the_command_cleanly():
    import os
    import signal
    import subprocess
    import sys

    command = [sys.executable, "-m", "autograd_lite", "play", "--no-browser", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()
        assert first.startswith("The playground is at http://127.0.0.1:") and "Ctrl-C" in first
        port = int(first.split("127.0.0.1:")[1].split("/")[0])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/")
        assert connection.getresponse().status == 200
        connection.close()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
    assert process.returncode == 0 and "stopped" in out
    assert "Traceback" not in err
