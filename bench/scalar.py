"""Benchmark: one training step of micrograd's demo MLP, micrograd vs autograd-lite Scalars; --chain: the
per-node cost of long Scalar chains.

What is measured: one full training step of the micrograd demo (demo.ipynb): forward pass of an
MLP 2-16-16-1 (ReLU hidden layers, linear output, weights uniform(-1, 1), biases 0) on 100
make_moons-like points with labels -1/+1, the SVM max-margin loss
mean(relu(1 - y_i * score_i)) + 1e-4 * sum(p * p), zero_grad, backward, and an SGD update with
learning rate 1.0 - 0.9 * k / 100 at step k.

Contenders, all in this process, on the same data and the same initial weights:
  micrograd                  micrograd.nn.MLP and micrograd.engine.Value, code as in its demo notebook
  autograd-lite, op for op   the same code shape: neurons as sum(wi * xi ...) starting from b, binary ops
  autograd-lite, idiomatic   Scalar.dot(w, x, b) per neuron, Scalar.sum over the losses, Scalar.dot for L2;
                             inputs are constant Scalars made once (micrograd wraps them as Values every step)
With --against REV, both autograd-lite contenders run a second time on the engine of git revision REV
(bench/revision.py imports it beside the working tree's), named e.g. "autograd-lite @ 4f6f374, op for op".
The first step is a warm-up; it also asserts that all contenders agree on the loss and every gradient.

Timing: time.perf_counter of single steps, N repeats per GC mode; within a repeat every contender takes
one turn (interleaved, so drifts of the machine's speed hit all of them alike), and the starting contender
rotates from repeat to repeat. Every turn starts with an untimed gc.collect(). Two modes:
  GC off  gc.disable(): the cost of the computation itself.
  GC on   gc.enable(), and an untimed step before the timed one, so the collector runs as it would in a
          training loop (for micrograd that includes reclaiming the previous step's graph, which holds
          cycles).
Reported per contender: the median time, and the median and the range (min-max) of its per-repeat ratios
to the first contender (micrograd when installed) timed in the same repeat. With --against, a second
table gives the working tree's per-repeat ratios to the revision, per contender shape.

Chains (--chain, instead of the training step): a chain of N nodes for N = 1e3, 1e4, 1e5, 1e6, built
from a leaf that requires grad (micrograd: a Value) by x = x * 1.0001, then x = x + 0.0001, alternating
(a node is one op; micrograd also wraps each float in a Value of its own), then root.backward(). For
micrograd and each autograd-lite engine: build (forward) nanoseconds per node, which includes the Python
loop, backward nanoseconds per node, each with the median and range (min-max) of the per-repeat ratios to
micrograd, and the tracemalloc peak of building the chain once, in bytes per node (measured after the
timing, untimed). Repeats: 21, 11, 5 and 3 for the four lengths; within a repeat the contenders take
turns (interleaved, the starting one rotating). Each turn starts with an untimed gc.collect(); the
collector is disabled while the chain is built and back-propagated (the timed parts) and re-enabled
after. All leaves' gradients must agree (1e-9 relative). micrograd's backward recurses once per node
(its build_topo), so the chains run in a worker thread made with threading.stack_size(1 GiB) under
sys.setrecursionlimit(2_010_000), restored afterwards; that works for all four lengths here. Should a
platform refuse the large stack, the default recursion limit stays and a backward that raises
RecursionError is reported as "recursion limit" instead of a time. The whole --chain run takes a
little over a minute.

Run from the repository root:

    python bench/scalar.py [--steps N] [--against REV] [--markdown]
    python bench/scalar.py --chain [--against REV] [--markdown]

(with PYTHONPATH=. unless autograd-lite is installed; ``pip install -e .[bench]`` installs micrograd).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one BLAS/OpenMP thread, set before numpy is imported
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import gc
import math
import platform
import statistics
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from types import ModuleType
from typing import Any

import numpy as np
from revision import load_engine

import autograd_lite

try:
    from micrograd.engine import Value
    from micrograd.nn import MLP
except ImportError:
    Value = MLP = None

SIZES = (2, 16, 16, 1)
ALPHA = 1e-4  # L2 regularization strength
SEED = 1337
OURS = "autograd-lite"  # the working tree's engine
GC_MODES = {"GC off": False, "GC on": True}  # name -> whether the collector is enabled
TARGETS = {"op for op": {"GC off": 0.65, "GC on": 0.15}, "idiomatic": {"GC off": 0.25, "GC on": 0.06}}

Data = tuple[list[list[float]], list[float]]
Neuron = tuple[list[Any], Any]  # (weights, bias)
Samples = dict[str, list[float]]  # contender name -> ms per step, one sample per repeat


@dataclass
class Contender:
    """One implementation: builds the loss graph, lists its parameters, clears their gradients."""

    name: str
    loss: Callable[[], Any]  # builds the graph of the total loss for the whole data set
    parameters: Callable[[], list[Any]]
    zero_grad: Callable[[], None]


# --- data and initial weights (numpy, fixed seed) ---------------------------------------------


def make_moons(n: int, noise: float, rng: np.random.Generator) -> Data:
    """Two interleaving half circles, like sklearn.datasets.make_moons; labels -1 and +1."""
    n_out = n // 2
    t_out, t_in = np.linspace(0.0, np.pi, n_out), np.linspace(0.0, np.pi, n - n_out)
    X = np.concatenate([np.c_[np.cos(t_out), np.sin(t_out)], np.c_[1 - np.cos(t_in), 0.5 - np.sin(t_in)]])
    X += rng.normal(scale=noise, size=X.shape)
    y = np.concatenate([-np.ones(n_out), np.ones(n - n_out)])
    order = rng.permutation(n)
    return X[order].tolist(), y[order].tolist()


def initial_values(rng: np.random.Generator) -> list[float]:
    """Parameter values in micrograd's order: layer by layer, neuron by neuron, weights then bias."""
    values: list[float] = []
    for nin, nout in pairwise(SIZES):
        for _ in range(nout):
            values += rng.uniform(-1.0, 1.0, nin).tolist() + [0.0]
    return values


# --- the contenders ------------------------------------------------------------------------------
# The autograd-lite contenders take the engine (a module with Scalar and zero_grad) and their name.


def micrograd_contender(values: list[float], data: Data) -> Contender:
    """micrograd's MLP and Value, code as in its demo notebook."""
    X, y = data
    model = MLP(SIZES[0], list(SIZES[1:]))
    for p, v in zip(model.parameters(), values, strict=True):
        p.data = v

    def loss() -> Any:  # the demo notebook's loss(), without the accuracy
        """The graph of the total loss over the whole data set."""
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        return data_loss + reg_loss

    return Contender("micrograd", loss, model.parameters, model.zero_grad)


def scalar_model(engine: ModuleType, values: list[float]) -> tuple[list[list[Neuron]], list[Any]]:
    """Layers of (weights, bias) neurons holding ``values`` as engine Scalars, and the flat parameter list."""
    it = iter(values)
    layers = [
        [([engine.Scalar(next(it)) for _ in range(nin)], engine.Scalar(next(it))) for _ in range(nout)]
        for nin, nout in pairwise(SIZES)
    ]
    return layers, [p for layer in layers for w, b in layer for p in (*w, b)]


def mlp(layers: list[list[Neuron]], x: Sequence[Any], neuron: Callable[..., Any]) -> Any:
    """ReLU hidden layers, one linear output neuron."""
    *hidden, (output,) = layers
    for layer in hidden:
        x = [neuron(w, x, b).relu() for w, b in layer]
    w, b = output
    return neuron(w, x, b)


def op_for_op_contender(engine: ModuleType, name: str, values: list[float], data: Data) -> Contender:
    """The engine's Scalars written op for op like micrograd's demo."""
    X, y = data
    Scalar = engine.Scalar
    layers, params = scalar_model(engine, values)

    def neuron(w: list[Any], x: list[Any], b: Any) -> Any:
        """b + w1 x1 + w2 x2 + ..., one binary op at a time."""
        return sum((wi * xi for wi, xi in zip(w, x, strict=True)), b)

    def loss() -> Any:
        """The graph of the total loss over the whole data set."""
        inputs = [[Scalar(xi, requires_grad=False) for xi in xrow] for xrow in X]
        scores = [mlp(layers, x, neuron) for x in inputs]
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in params)
        return data_loss + reg_loss

    return Contender(name, loss, lambda: params, lambda: engine.zero_grad(params))


def idiomatic_contender(engine: ModuleType, name: str, values: list[float], data: Data) -> Contender:
    """The engine's Scalars with one Scalar.dot node per neuron."""
    X, y = data
    Scalar = engine.Scalar
    layers, params = scalar_model(engine, values)

    inputs = [[Scalar(v, requires_grad=False) for v in x] for x in X]  # constants, made once

    def loss() -> Any:
        """The graph of the total loss over the whole data set."""
        scores = [mlp(layers, x, Scalar.dot) for x in inputs]
        losses = [(1 - yi * score).relu() for yi, score in zip(y, scores, strict=True)]
        return Scalar.sum(losses) * (1.0 / len(losses)) + ALPHA * Scalar.dot(params, params)

    return Contender(name, loss, lambda: params, lambda: engine.zero_grad(params))


SHAPES = {"op for op": op_for_op_contender, "idiomatic": idiomatic_contender}  # autograd-lite code shapes


def contender_name(label: str, shape: str) -> str:
    """A contender's name: the engine's label and the code shape."""
    return f"{label}, {shape}"


# --- one training step, timing, agreement check ---------------------------------------------------


def step(c: Contender, k: int) -> Any:
    """Forward + loss, zero_grad, backward, SGD update; returns the loss node."""
    total = c.loss()
    c.zero_grad()
    total.backward()
    learning_rate = 1.0 - 0.9 * (k % 100) / 100
    for p in c.parameters():
        p.data -= learning_rate * p.grad
    return total


def time_round_robin(contenders: Sequence[Contender], repeats: int, gc_on: bool) -> Samples:
    """Milliseconds per step: in each repeat every contender takes one turn, the first one rotating."""
    samples: Samples = {c.name: [] for c in contenders}
    if gc_on:
        gc.enable()
    else:
        gc.disable()
    try:
        for repeat in range(repeats):
            k = 1 + repeat
            shift = repeat % len(contenders)
            for c in [*contenders[shift:], *contenders[:shift]]:
                gc.collect()  # explicit collections still run while automatic ones are off
                if gc_on:
                    step(c, k)  # untimed: leaves its graph to the collector, as a training loop does
                start = time.perf_counter()
                step(c, k)
                samples[c.name].append(1000.0 * (time.perf_counter() - start))
    finally:
        gc.enable()
    return samples


def ratios(samples: Samples, name: str, base: str) -> list[float]:
    """The per-repeat ratios of ``name``'s times to ``base``'s."""
    return [t / b for t, b in zip(samples[name], samples[base], strict=True)]


def target_lines(modes: dict[str, Samples], base: str) -> str:
    """Each code shape's targets against micrograd, with the median ratio measured and the verdict."""
    lines = []
    for shape, targets in TARGETS.items():
        verdicts = []
        for mode, target in targets.items():
            ratio = statistics.median(ratios(modes[mode], contender_name(OURS, shape), base))
            verdicts.append(f"{mode} <= {target}x: {ratio:.3f}x, {'met' if ratio <= target else 'NOT met'}")
        lines.append(f"target {shape}: {'; '.join(verdicts)}")
    return "\n".join(lines)


def warm_up_and_check(contenders: list[Contender]) -> None:
    """Step 0 for each contender; all must agree on the loss and on every parameter gradient."""
    results = []
    for c in contenders:
        total = step(c, 0)  # the update changes .data of the parameters, not .grad
        results.append((c.name, total.data, [float(p.grad) for p in c.parameters()]))
    ref_name, ref_loss, ref_grads = results[0]
    for name, loss, grads in results[1:]:
        assert math.isclose(loss, ref_loss, rel_tol=1e-9), f"{name}: loss {loss!r} != {ref_name} {ref_loss!r}"
        assert len(grads) == len(ref_grads), f"{name}: {len(grads)} parameters, {ref_name} {len(ref_grads)}"
        for i, (g, ref) in enumerate(zip(grads, ref_grads, strict=True)):
            assert math.isclose(g, ref, rel_tol=1e-9, abs_tol=1e-12), f"{name}: grad[{i}] {g!r} != {ref!r}"


# --- --chain: the per-node cost of a long chain of Scalars ------------------------------------------

CHAIN_REPEATS = {10**3: 21, 10**4: 11, 10**5: 5, 10**6: 3}  # chain length N -> timed repeats
CHAIN_MUL, CHAIN_ADD = 1.0001, 0.0001
CHAIN_STACK = 2**30  # bytes of stack for the worker thread that runs the chains (micrograd recurses)
CHAIN_RECURSION = 2 * max(CHAIN_REPEATS) + 10_000  # Python recursion limit inside the worker
RECURSION_LIMIT = "recursion limit"  # a backward that raised RecursionError


@dataclass
class ChainContender:
    """An engine's leaf constructor, for the chain."""

    name: str
    leaf: Callable[[float], Any]  # a leaf node that requires grad


@dataclass
class ChainResult:
    """Per contender: forward and backward seconds per repeat (None: recursion limit), peak bytes."""

    forward: dict[str, list[float]]
    backward: dict[str, list[float | None]]
    peak: dict[str, int]


def build_chain(x: Any, n: int) -> Any:
    """n nodes on top of ``x``: x = x * 1.0001, then x = x + 0.0001, alternating."""
    for _ in range(n // 2):
        x = x * CHAIN_MUL
        x = x + CHAIN_ADD
    return x


def time_chain(contenders: Sequence[ChainContender], n: int, repeats: int) -> ChainResult:
    """Interleaved repeats of build + backward of an n-node chain (GC off while timed), then the
    tracemalloc peak of building it once per contender. All leaves' gradients must agree."""
    result = ChainResult({c.name: [] for c in contenders}, {c.name: [] for c in contenders}, {})
    for repeat in range(repeats):
        shift = repeat % len(contenders)
        grads = {}
        for c in [*contenders[shift:], *contenders[:shift]]:
            gc.collect()  # untimed: reclaims the previous chain (micrograd's holds cycles)
            gc.disable()
            try:
                leaf = c.leaf(1.0)
                start = time.perf_counter()
                root = build_chain(leaf, n)
                built = time.perf_counter()
                try:
                    root.backward()
                    backward = time.perf_counter() - built
                    grads[c.name] = float(leaf.grad)
                except RecursionError:
                    backward = None
            finally:
                gc.enable()
            result.forward[c.name].append(built - start)
            result.backward[c.name].append(backward)
            del leaf, root
        ref_name, ref = next(iter(grads.items()), (None, None))
        for name, grad in grads.items():
            assert math.isclose(grad, ref, rel_tol=1e-9), f"N = {n}: {name} {grad!r} != {ref_name} {ref!r}"
    for c in contenders:
        gc.collect()
        tracemalloc.start()
        try:
            root = build_chain(c.leaf(1.0), n)
            result.peak[c.name] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        del root
    gc.collect()
    return result


def run_chains(contenders: Sequence[ChainContender]) -> tuple[dict[int, ChainResult], str]:
    """Every chain length, in a worker thread with a large stack and a raised recursion limit
    (micrograd's backward recurses once per node). Returns the results and how the limit was set."""
    results: dict[int, ChainResult] = {}
    errors: list[BaseException] = []
    limit = sys.getrecursionlimit()
    try:
        old_stack = threading.stack_size(CHAIN_STACK)
        how = f"recursion limit {CHAIN_RECURSION} in a worker thread with a {CHAIN_STACK >> 20} MiB stack"
        sys.setrecursionlimit(CHAIN_RECURSION)
    except (ValueError, RuntimeError):  # no large thread stacks here: keep the default limit
        old_stack = None
        how = f"default recursion limit {limit} (this platform refused a {CHAIN_STACK >> 20} MiB stack)"

    def work() -> None:
        try:
            for n, repeats in CHAIN_REPEATS.items():
                print(f"running chain N = {n} ({repeats} repeats) ...", file=sys.stderr, flush=True)
                results[n] = time_chain(contenders, n, repeats)
        except BaseException as error:  # re-raised in the main thread
            errors.append(error)

    try:
        worker = threading.Thread(target=work, name="chain")
        worker.start()
        worker.join()
    finally:
        sys.setrecursionlimit(limit)
        if old_stack is not None:
            threading.stack_size(old_stack)
    if errors:
        raise errors[0]
    return results, how


def chain_table(results: dict[int, ChainResult], base: str, markdown: bool) -> str:
    """Per chain length and contender: forward and backward ns/node with their ratios to ``base``, and
    peak bytes/node."""
    header = ["N", "contender", "forward ns/node", f"x {base} (min-max)", "backward ns/node"]
    header += [f"x {base} (min-max)", "peak bytes/node", f"x {base}"]
    rows = []
    for n, r in results.items():
        for name in r.forward:
            forward = [1e9 * t / n for t in r.forward[name]]
            row = [f"{n:.0e}".replace("e+0", "e"), name, f"{statistics.median(forward):.0f}"]
            row.append(ratio_cell(ratios(r.forward, name, base)))
            backward = r.backward[name]
            if None in backward:
                row += [RECURSION_LIMIT, "-"]
            else:
                row.append(f"{statistics.median([1e9 * t / n for t in backward]):.0f}")
                row.append("-" if None in r.backward[base] else ratio_cell(ratios(r.backward, name, base)))
            row += [f"{r.peak[name] / n:.0f}", f"{r.peak[name] / r.peak[base]:.3f}x"]
            rows.append(row)
    return format_table(header, rows, markdown)


# --- output ----------------------------------------------------------------------------------------


def ratio_cell(values: list[float]) -> str:
    """Median and range of per-repeat ratios, e.g. ``0.987x (0.962-1.013)``."""
    return f"{statistics.median(values):.3f}x ({min(values):.3f}-{max(values):.3f})"


def format_table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    """Markdown, or plain text with the first column left-aligned and the others right-aligned."""
    if markdown:
        lines = [header, ["---"] + ["---:"] * (len(header) - 1), *rows]
        return "\n".join("| " + " | ".join(line) + " |" for line in lines)
    lines = [header, *rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    justify = [str.ljust] + [str.rjust] * (len(header) - 1)
    return "\n".join(
        "  ".join(j(cell, w) for j, cell, w in zip(justify, line, widths, strict=True)) for line in lines
    )


def timing_table(modes: dict[str, Samples], base: str, markdown: bool) -> str:
    """Per contender and GC mode: median ms, and the median and range of the per-repeat ratios to ``base``."""
    header, rows = ["contender"], []
    for mode in modes:
        header += [f"{mode} (ms)", f"x {base}, {mode} (min-max)"]
    for name in next(iter(modes.values())):
        row = [name]
        for samples in modes.values():
            row += [f"{statistics.median(samples[name]):.2f}", ratio_cell(ratios(samples, name, base))]
        rows.append(row)
    return format_table(header, rows, markdown)


def against_table(modes: dict[str, Samples], revision: str, markdown: bool) -> str:
    """Per autograd-lite contender shape and GC mode: the working tree's per-repeat ratios to ``revision``."""
    header = [f"working tree / {revision}"] + [f"{mode} (min-max)" for mode in modes]
    rows = []
    for shape in SHAPES:
        ours, theirs = contender_name(OURS, shape), contender_name(revision, shape)
        rows.append([shape, *(ratio_cell(ratios(samples, ours, theirs)) for samples in modes.values())])
    return format_table(header, rows, markdown)


def main() -> int:
    """Run the benchmark from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=15, help="timed repeats per GC mode (default 15)")
    parser.add_argument("--against", metavar="REV", help="also time the engine of git revision REV")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    parser.add_argument("--chain", action="store_true", help="instead: per-node cost of long Scalar chains")
    args = parser.parse_args()
    if args.steps < 1:
        parser.error("--steps must be at least 1")

    engines = [(autograd_lite, OURS)]
    if args.against:
        engines.append(load_engine(args.against))
    if args.chain:
        return chain_main(engines, args.markdown)
    rng = np.random.default_rng(SEED)
    data = make_moons(100, noise=0.1, rng=rng)
    values = initial_values(rng)
    contenders = [
        make(engine, contender_name(label, shape), values, data)
        for shape, make in SHAPES.items()
        for engine, label in engines
    ]
    if MLP is None:
        print("micrograd is not installed, so autograd-lite is timed alone.")
        print("`pip install -e .[bench]` installs the peers (micrograd) for the comparison.\n")
    else:
        contenders.insert(0, micrograd_contender(values, data))

    warm_up_and_check(contenders)
    modes = {mode: time_round_robin(contenders, args.steps, gc_on) for mode, gc_on in GC_MODES.items()}
    print(
        f"One training step (forward, loss, zero_grad, backward, SGD) of an MLP 2-16-16-1 on 100 samples; "
        f"{args.steps} repeats, contenders interleaved; Python {platform.python_version()}"
    )
    gap = "\n" if args.markdown else ""
    print(gap + timing_table(modes, contenders[0].name, args.markdown))
    if MLP is not None:
        print(gap + target_lines(modes, contenders[0].name))
    if args.against:
        print(f"\nThe working tree's engine vs. git revision {args.against}: median of the per-repeat ratios")
        print(gap + against_table(modes, engines[1][1], args.markdown))
    return 0


def chain_main(engines: Sequence[tuple[ModuleType, str]], markdown: bool) -> int:
    """The --chain benchmark: micrograd (when installed) and each engine's Scalar."""
    contenders = [
        ChainContender(label, partial(engine.Scalar, requires_grad=True)) for engine, label in engines
    ]
    if Value is None:
        print("micrograd is not installed, so autograd-lite is timed alone.\n")
    else:
        contenders.insert(0, ChainContender("micrograd", Value))
    results, how = run_chains(contenders)
    repeats = ", ".join(f"{n:.0e}: {r}".replace("e+0", "e") for n, r in CHAIN_REPEATS.items())
    print(
        f"A chain of N Scalar nodes (x * {CHAIN_MUL} and x + {CHAIN_ADD} alternating, from a leaf that "
        f"requires grad): build (forward) and backward() per node, GC off while timed, contenders "
        f"interleaved; median of the repeats (N: {repeats}); peak: tracemalloc peak of building the chain, "
        f"per node; {how}; Python {platform.python_version()}"
    )
    gap = "\n" if markdown else ""
    print(gap + chain_table(results, contenders[0].name, markdown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
