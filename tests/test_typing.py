"""Typing: the engine package type-checks with mypy (its configuration is ``[tool.mypy]`` in
pyproject.toml), and so does user code written against it. The methods of Scalar and Tensor that are
made from the op records at import are declared for type checkers in an ``if TYPE_CHECKING:`` block of
each class; the last test holds those declarations to the methods the records make."""

import ast
import importlib.util
import inspect
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import autograd_lite
from autograd_lite import Scalar, Tensor
from autograd_lite.ops import OPS

ROOT = Path(__file__).resolve().parents[1]

needs_mypy = pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None,
    reason="mypy is not installed (it comes with the dev extra: pip install -e '.[dev]')",
)


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory) -> Path:
    """One cache for this module's mypy runs (NumPy's stubs are read once), outside the repository."""
    return tmp_path_factory.mktemp("mypy_cache")


def run_mypy(*args: str, cache: Path) -> subprocess.CompletedProcess:
    """``python -m mypy`` with the project's configuration, from the repository's root."""
    config = ["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(cache)]
    command = [sys.executable, "-m", "mypy", *config, *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


@needs_mypy
def test_the_engine_package_type_checks(mypy_cache):
    result = run_mypy(cache=mypy_cache)  # what to check (autograd_lite, not its app) is in the config
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"mypy found errors in the engine package:\n{output}"
    assert "Success: no issues found" in output, output


def test_the_package_says_it_is_typed():
    # PEP 561: type checkers read a package's own hints only if it ships this marker
    assert (Path(autograd_lite.__file__).parent / "py.typed").is_file()


# each ``reveal_type`` says the type it must reveal; each line marked ``# error`` must be refused, and no
# other line may be
USER_CODE = """
import numpy as np

import autograd_lite as ag
from autograd_lite import Scalar, Tensor

t = ag.Tensor([[1.0]], requires_grad=True)
s = t.sum()
s.backward()
reveal_type(s)  # Tensor
reveal_type(t.sum(axis=0, keepdims=True))  # Tensor
reveal_type(t.mean(dim=(0, 1)))  # Tensor
reveal_type(t.var(ddof=1))  # Tensor
reveal_type(t.softmax(axis=0).log_softmax())  # Tensor
reveal_type(t.reshape(1, 1).transpose((1, 0)).T)  # Tensor
reveal_type(t[0, :])  # Tensor
reveal_type(t @ t)  # Tensor
reveal_type(1 - t * 2 / t ** 2)  # Tensor
reveal_type(-t.leaky_relu(0.1).clip(0.0, None))  # Tensor
reveal_type(t.item())  # float
reveal_type(t > 0.5)  # ndarray
a = ag.Scalar(2.0)
b = (a * 3).tanh()
reveal_type(b)  # Scalar
reveal_type(2 ** a - 1 / a)  # Scalar
reveal_type(abs(-a).leaky_relu(slope=0.2).sigmoid())  # Scalar
reveal_type(a < 3)  # bool
reveal_type(Scalar.sum([a, b, 1.0]))  # Scalar
reveal_type(Scalar.dot([a, b], [1.0, 2.0], bias=a))  # Scalar
reveal_type(a + t)  # Tensor
reveal_type(t * a)  # Tensor
u = (a * b).named("u")
reveal_type(u)  # Scalar
J = 3 * (a + u)
J.backward()
reveal_type(J)  # Scalar
with ag.no_grad():
    reveal_type(t.exp())  # Tensor
reveal_type(ag.binary_cross_entropy(t.sigmoid(), np.ones((1, 1))))  # Tensor
reveal_type(ag.concatenate([t, t], axis=1))  # Tensor
reveal_type(ag.gradcheck(lambda x: (x * x).sum(), [t]))  # bool


@ag.compile
def step(X: np.ndarray) -> float:
    cost = (Tensor(X) * t).sum()
    cost.backward()
    return cost.item()


reveal_type(step(np.ones((1, 1))))  # float
reveal_type(step.traces)  # int

t.sum(axes=0)  # error
a.tanh(1)  # error
a + "one"  # error
Scalar.dot([a], ["x"])  # error
"""

SHORT_NAMES = {
    "Scalar": "autograd_lite.scalar.Scalar",
    "Tensor": "autograd_lite.tensor.Tensor",
    "float": "float",  # builtins.float in older mypy
    "bool": "bool",
    "int": "int",
    "ndarray": "numpy.ndarray",  # then its type parameters, which depend on NumPy's version
}


@needs_mypy
def test_user_code_type_checks_with_precise_types(tmp_path, mypy_cache):
    path = tmp_path / "user_code.py"
    path.write_text(textwrap.dedent(USER_CODE))
    result = run_mypy(str(path), cache=mypy_cache)
    output = result.stdout + result.stderr
    lines = path.read_text().splitlines()
    revealed, errors = {}, set()
    for line in output.splitlines():
        found = re.match(rf"{re.escape(str(path))}:(\d+): (note|error): (.*)", line)
        if found is None:
            continue
        number, kind, text = int(found.group(1)), found.group(2), found.group(3)
        if kind == "error":
            errors.add(number)
        elif text.startswith("Revealed type is"):
            revealed[number] = text.split('"')[1].removeprefix("builtins.")
    expected_errors = {i for i, line in enumerate(lines, 1) if line.endswith("# error")}
    message = f"errors on lines {sorted(errors)}, expected on {sorted(expected_errors)}"
    assert errors == expected_errors, f"{message}:\n{output}"
    for number, line in enumerate(lines, 1):
        if "reveal_type(" not in line:
            continue
        wanted = SHORT_NAMES[line.rsplit("# ", 1)[1]]
        got = revealed.get(number)
        assert got is not None and (got == wanted or got.startswith(wanted + "[")), (
            f"line {number}: {line.strip()}: mypy reveals {got}, expected {wanted}\n{output}"
        )


# --- the declarations of the generated methods match the methods ----------------------------------------

# which records give each class methods (as tensor.py and scalar.py call install_methods)
MADE_FROM_RECORDS = {Scalar: lambda op: op.elementwise, Tensor: lambda op: op.forward is not None}


def generated_methods(cls):
    """``(name, record)`` of every method ``install_methods`` gives ``cls``."""
    for op in OPS.values():
        if op.method is None or not MADE_FROM_RECORDS[cls](op):
            continue
        yield op.method, op
        if op.arity == 2:
            yield f"__r{op.method[2:]}", op


def declared_methods(cls) -> dict:
    """The functions declared in ``if TYPE_CHECKING:`` blocks of the class body, by name."""
    source = Path(inspect.getsourcefile(cls)).read_text(encoding="utf-8")
    tree = ast.parse(source)
    (body,) = [node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == cls.__name__]
    declared = {}
    for node in body.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            declared.update({f.name: f for f in node.body if isinstance(f, ast.FunctionDef)})
    return declared


def declared_parameters(function: ast.FunctionDef) -> list:
    """``(name, kind, default)`` of a declaration's parameters after ``self``."""
    arguments = function.args
    positional = arguments.args[1:]
    defaults = [inspect.Parameter.empty] * (len(positional) - len(arguments.defaults))
    defaults += [ast.literal_eval(d) for d in arguments.defaults]
    parameters = [(a.arg, inspect.Parameter.POSITIONAL_OR_KEYWORD, d) for a, d in zip(positional, defaults)]
    if arguments.vararg is not None:
        parameters.append((arguments.vararg.arg, inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.empty))
    for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
        value = inspect.Parameter.empty if default is None else ast.literal_eval(default)
        parameters.append((argument.arg, inspect.Parameter.KEYWORD_ONLY, value))
    return parameters


@pytest.mark.parametrize("cls", [Scalar, Tensor], ids=lambda cls: cls.__name__)
def test_methods_made_from_records_are_declared_as_they_are_made(cls):
    declared = declared_methods(cls)
    for name, op in generated_methods(cls):
        assert name in declared, f"{cls.__name__}.{name} (made from the {op.name} record) is not declared"
        runtime = inspect.signature(getattr(cls, name)).parameters.values()
        made = [(p.name, p.kind, p.default) for p in list(runtime)[1:]]
        assert declared_parameters(declared[name]) == made, f"{cls.__name__}.{name}: parameters differ"
        assert ast.get_docstring(declared[name], clean=False) == op.doc, f"{cls.__name__}.{name}: docstring"
    for name in declared:  # and nothing is declared that the class does not have
        assert hasattr(cls, name), f"{cls.__name__}.{name} is declared but does not exist"
