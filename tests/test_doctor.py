"""``autograd-lite doctor``: versions, the renderer in use and the formats that work; exit 0, or 2 when
no diagram format renders."""

import importlib
import importlib.util
import platform
import sys

import numpy as np
import pytest

import autograd_lite
from autograd_lite.app import doctor
from autograd_lite.app.cli import main

render_module = importlib.import_module("autograd_lite.viz.render")  # viz.render is the function
needs_pygraphviz = pytest.mark.skipif(
    importlib.util.find_spec("pygraphviz") is None, reason="needs pygraphviz (a dependency)"
)


@pytest.fixture
def quick(monkeypatch):
    """No system dot, no renderer chosen in the environment, and the optional modules not imported
    (torch takes seconds): the report depends only on what each test sets."""
    monkeypatch.setattr(render_module, "system_dot", lambda: None)
    monkeypatch.delenv(render_module.RENDERER_ENV, raising=False)
    monkeypatch.setattr(doctor, "OPTIONAL_MODULES", ("json", "no_such_module_for_the_doctor"))


def run_doctor(capsys) -> tuple[int, list[str], str]:
    code = main(["doctor"])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


@needs_pygraphviz
def test_doctor_reports_versions_renderer_and_formats(capsys, quick):
    import pygraphviz

    code, lines, err = run_doctor(capsys)
    assert code == 0 and err == ""
    assert lines[0] == f"autograd-lite {autograd_lite.__version__}"
    assert lines[1].startswith(f"Python {platform.python_version()} ")
    assert lines[2] == f"NumPy {np.__version__}"
    versions = f"{pygraphviz.__version__}, Graphviz {pygraphviz.__graphviz_version__}"
    assert lines[3].startswith(f"renderer: pygraphviz {versions} (auto;")
    assert f"  pygraphviz: {versions}" in lines
    assert "  system dot: not found on PATH" in lines
    assert "formats: svg, png, pdf, dot" in lines
    assert lines[-1].startswith("optional: json ")
    assert lines[-1].endswith(", no_such_module_for_the_doctor: not installed")


def test_doctor_without_any_renderer_exits_2(capsys, quick, monkeypatch):
    monkeypatch.setitem(sys.modules, "pygraphviz", None)  # as if it were not installed
    code, lines, err = run_doctor(capsys)
    assert code == 2
    assert lines[3].startswith("renderer: pygraphviz (not installed)")
    assert "  pygraphviz: not installed" in lines
    assert "formats: dot only (the DOT source)" in lines
    for format in ("svg", "png", "pdf"):
        (line,) = [line for line in lines if line.startswith(f"  {format}: fails: ")]
        assert "pip install 'pygraphviz>=2.0.4'" in line
    assert err == "autograd-lite doctor: error: no diagram format renders; see the lines above\n"


@needs_pygraphviz
def test_doctor_reports_a_format_that_fails(capsys, quick, monkeypatch):
    real_render_bytes = render_module.render_bytes

    def render_bytes(source, format="svg", renderer=None):
        if format == "pdf":
            raise RuntimeError("render: pygraphviz could not render PDF (broken)")
        return real_render_bytes(source, format, renderer)

    monkeypatch.setattr(render_module, "render_bytes", render_bytes)
    code, lines, _ = run_doctor(capsys)
    assert code == 0  # SVG and PNG still work
    assert "formats: svg, png, dot" in lines
    assert "  pdf: fails: render: pygraphviz could not render PDF (broken)" in lines


@pytest.mark.skipif(sys.platform == "win32", reason="the fake dot is a shell script")
def test_doctor_with_system_dot_asked_for(capsys, quick, monkeypatch, tmp_path):
    dot = tmp_path / "dot"
    dot.write_text('#!/bin/sh\nif [ "$1" = -V ]; then echo "dot - graphviz version 9.9.9" >&2; fi\n')
    dot.chmod(0o755)
    monkeypatch.setattr(render_module, "system_dot", lambda: str(dot))
    monkeypatch.setenv(render_module.RENDERER_ENV, "dot")
    code, lines, _ = run_doctor(capsys)
    assert lines[3] == "renderer: system dot (AUTOGRAD_LITE_RENDERER=dot)"
    assert f"  system dot: dot - graphviz version 9.9.9 at {dot}" in lines
    # the fake dot writes nothing for -Tsvg: every format fails, and says so
    assert code == 2 and "formats: dot only (the DOT source)" in lines


def test_doctor_with_an_unknown_renderer_name(capsys, quick, monkeypatch):
    monkeypatch.setenv(render_module.RENDERER_ENV, "wasm")
    code, lines, _ = run_doctor(capsys)
    assert code == 2
    assert (
        lines[3]
        == "renderer: none (render: AUTOGRAD_LITE_RENDERER must be one of auto, pygraphviz, dot, not 'wasm')"
    )


def test_module_status():
    assert doctor.module_status("numpy") == f"numpy {np.__version__}"
    assert (
        doctor.module_status("no_such_module_for_the_doctor")
        == "no_such_module_for_the_doctor: not installed"
    )
