"""Benchmark: one training step of the course's networks, autograd-lite Tensors vs. NumPy and peers.

What is measured: one full training step, i.e. forward pass, the course's cross-entropy cost written
from primitives, J = -(1/m) * sum(Y * log(A) + (1 - Y) * log(1 - A)), backward pass, and a
gradient-descent update W -= lr * dW of every parameter, for two networks (examples are columns):

  tiny  [2, 4, 1]                tanh hidden, sigmoid output, m = 400, X ~ N(0, 1) (2, 400), random 0/1
                                 labels, weights randn * 0.01, zero biases, lr 1.2 (the planar-data net);
  deep  [12288, 20, 7, 5, 1]     relu hidden, sigmoid output, m = 209, X ~ U[0, 1) (12288, 209) (the
                                 cat data's shape), random 0/1 labels, weights randn / sqrt(n_prev), zero
                                 biases, lr 0.0075; in float64 and, for all contenders below but MyGrad
                                 and HIPS autograd, in float32 as well.

Contenders, all in this process, on the same data and the same initial weights:
  hand-written NumPy     the course's equations: Z = W A + b, A = g(Z); dZ_L = A_L - Y,
                         dW = dZ A_prev^T / m, db = sum(dZ, axis=1, keepdims=True) / m, dA_prev = W^T dZ,
                         dZ = dA * g'(Z); the unused dA0 = W1^T dZ1 is not computed
  autograd-lite Tensor   parameters Tensor(..., requires_grad=True), J.backward(), W.data -= lr * W.grad
  autograd-lite compiled the same step function, wrapped in autograd_lite.compile: the first call traces
                         it, later calls replay the trace (reset writes the initial weights into the same
                         parameter Tensors, so the one trace serves every timed block)
  PyTorch (CPU)          torch.from_numpy copies, loss.backward(), update under torch.no_grad()
  MyGrad                 mygrad tensors (X and Y constant), backward(), update via .data, null_grad()
  HIPS autograd          autograd.value_and_grad (autograd.grad plus the cost it computes anyway) of a
                         cost function of the parameter list
  JAX jit                one jax.jit-compiled function (params, X, Y) -> (new params, cost): the same
                         forward and cost with jax.numpy, jax.value_and_grad, the update p - lr * dp;
                         X and Y put on the device once, the parameters a list of jax arrays; the step
                         calls block_until_ready() on its results, so the time is the computation's;
                         float64 enabled (jax_enable_x64), so float64 problems run in float64; compiled
                         (one untimed step) when the contender is made
PyTorch, JAX, MyGrad and HIPS autograd are optional: a contender whose package does not import is
skipped with a note. Install them with `pip install mygrad autograd torch==2.13.0 "jax[cpu]"` (the CPU
wheels).
With --against REV, one more contender runs the autograd-lite code on the Tensor of the engine of git
revision REV (bench/revision.py imports it beside the working tree's), named e.g. "autograd-lite @ 4f6f374".

Correctness guard (not a timing assert): before timing, every contender runs two steps from the
initial weights; their step-0 costs must agree to 1e-9 relative in float64 (1e-4 in float32), and so
must the step-1 costs; the parameter changes of the first step (-lr * gradient) must agree to 1e-6
(1e-2 in float32), relative, in norm.

Timing: time.perf_counter, median over repeats, contenders interleaved round-robin within each repeat (the
starting contender rotates), parameters reset to the initial weights before every timed block,
gc.collect() before it (the collector stays on). Tiny: each repeat times a block of steps and reports
microseconds per step (41 repeats x 300 steps: a block's ratio to NumPy's ranges from about 1.2x to 2.6x
on a shared machine, and with 21 repeats the median moved by 0.1 between runs; --quick: 5 x 100). Deep:
each repeat times one step, reported in milliseconds (101 repeats: one step's ratio to NumPy's varies by
up to a fifth either way, so the median needs many to settle; --quick: 3). Ratios to NumPy are the median
of the per-repeat ratios (each contender's time over NumPy's in the same repeat), with their range
(min-max); with --against, so is the working tree's ratio to the revision. All BLAS/OpenMP libraries (and
torch) are pinned to one thread, so the ratios compare the code, not the thread counts. For JAX, XLA_FLAGS
is set to --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1 and JAX_PLATFORMS to cpu
before jax is imported; these flags alone do not keep XLA's CPU runtime off its thread pool (JAX then used
about 1.4x as much CPU time as wall time on the deep net), so on Linux the whole process is pinned to one
CPU (os.sched_setaffinity, before any runtime sizes its pool); elsewhere the header says it is not pinned.
On glibc, malloc is told to keep freed memory (mallopt: no mmap below 32 MB, 64 MB kept at the heap's
top), the same for every contender: interleaved in one process, one contender's frees would otherwise hand
memory back that the next one faults in again page by page, which times the allocator rather than the
code; the header says whether it is set.

Eager over compiled (deep net): the median of the per-repeat differences of the eager step's time and
the compiled step's, which makes the same NumPy calls without a node: what the eager step's bookkeeping
costs, in ms and as a share of NumPy's step.

Peak memory (deep net): tracemalloc's peak of the allocations made during one step. NumPy reports its
array buffers to tracemalloc, so this covers hand NumPy, autograd-lite, MyGrad and HIPS autograd;
PyTorch and JAX (XLA) allocate outside Python's tracer (n/a).

Scaling (--scaling, instead of the tables above): float64, hand NumPy, autograd-lite, and PyTorch and
JAX when installed (not MyGrad or HIPS autograd), on
  (a) the tiny net [2, 4, 1] against the batch size m = 64, 256, 1024, 4096, 16384, 65536;
  (b) the net [2, n_h, 1] (tanh/sigmoid, the tiny net's data and initialization, lr 1.2) against the
      width n_h = 64, 256, 1024, 4096, at m = 400.
Each row passes the same correctness guard, then times the contenders interleaved as above. Its block
length is sized from NumPy's fastest of three untimed steps: about 40 ms of NumPy steps per block (at
most 200 steps), 11 repeats; rows where one NumPy step fills the block (the big sizes) take one step per
block and 5 repeats (--quick: 10 ms, at most 50 steps, 5 and 3 repeats). Reported per row: NumPy's
median microseconds per step, each other contender's ratio to NumPy (median of the per-repeat ratios,
min-max), and the tracemalloc peak of one step, MB, of NumPy and autograd-lite. About two minutes
(--quick: about half a minute).

Run from the repository root (with PYTHONPATH=. unless autograd-lite is installed):

    python bench/tensor.py [--quick] [--markdown] [--only tiny|deep] [--against REV]
    python bench/tensor.py --scaling [--quick] [--markdown]

A full run takes about three minutes; --markdown prints the tables as Markdown for the README.
"""

from __future__ import annotations

import os

# One thread for every BLAS / OpenMP runtime, set before NumPy (or torch) is imported.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
os.environ["VECLIB_MAXIMUM_THREADS"] = "1"
os.environ["NUMEXPR_NUM_THREADS"] = "1"
# One CPU for the whole process, before any runtime sizes its thread pool: XLA's CPU runtime runs its
# work on a pool that the XLA flags below do not shrink; pinned, JAX computes on one core as the others do.
PINNED = hasattr(os, "sched_setaffinity")
if PINNED:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
# JAX (if installed): the CPU backend, and XLA's Eigen kernels on one thread, set before jax is imported.
os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
os.environ["JAX_PLATFORMS"] = "cpu"

import ctypes


def _steady_allocator() -> bool:
    """glibc's malloc keeps freed memory (no trimming of the heap's top, no mmap below 32 MB), the same for
    every contender: interleaved in one process, one contender's frees otherwise hand memory back that the
    next one then faults in again page by page (at m = 16384, about 900 page faults a step for whichever
    contender came after hand NumPy), which times the allocator rather than the code."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        mmap_threshold, top_pad = -3, -2  # mallopt's M_MMAP_THRESHOLD and M_TOP_PAD
        return bool(libc.mallopt(mmap_threshold, 32 * 2**20) and libc.mallopt(top_pad, 64 * 2**20))
    except (OSError, AttributeError):
        return False


STEADY_ALLOCATOR = _steady_allocator()

import argparse
import gc
import importlib
import importlib.metadata
import math
import operator
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from types import ModuleType
from typing import Any

import numpy as np
from revision import load_engine

import autograd_lite
from autograd_lite import Tensor

SEED = 1
TINY_TARGET = 2.0  # autograd-lite Tensor vs. hand-written NumPy, tiny net, float64
COMPILED_TINY_TARGET = 1.2  # the compiled step, tiny net
DEEP_TARGET = 1.0  # autograd-lite (eager and compiled), deep net, float64 and float32
TARGETS = "tiny: eager <= 2.0x NumPy, compiled <= 1.2x; deep: <= 1.0x NumPy in float64 and float32"

NUMPY = "hand-written NumPy"
OURS = "autograd-lite Tensor"
COMPILED = "autograd-lite compiled"
TORCH = "PyTorch"
JAX = "JAX jit"
MYGRAD = "MyGrad"
HIPS = "HIPS autograd"


def _optional(module: str) -> tuple[Any, str | None]:
    """Import an optional peer: (module, None), or (None, why it could not be imported)."""
    try:
        return importlib.import_module(module), None
    except Exception as error:  # ImportError, or a broken install that fails while importing
        return None, f"{type(error).__name__}: {error}"


torch, TORCH_MISSING = _optional("torch")
if torch is not None:
    torch.set_num_threads(1)
mygrad, MYGRAD_MISSING = _optional("mygrad")
mygrad_activations, _ = _optional("mygrad.nnet.activations")
hips, HIPS_MISSING = _optional("autograd")
hips_numpy, _ = _optional("autograd.numpy")
jax, JAX_MISSING = _optional("jax")
if jax is not None:
    jax.config.update("jax_enable_x64", True)  # float64 problems in float64 (JAX's default is float32)
jnp, _ = _optional("jax.numpy")


# --- the two problems -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A network, its data and initial parameters (W1, b1, ..., WL, bL), all of one dtype."""

    name: str
    dims: tuple[int, ...]
    hidden: str  # activation of the hidden layers: "tanh" or "relu" (the output is sigmoid)
    X: np.ndarray
    Y: np.ndarray
    init: tuple[np.ndarray, ...]
    lr: float

    @property
    def m(self) -> int:
        """The number of examples."""
        return self.X.shape[1]

    @property
    def dtype(self) -> np.dtype:
        """The data's float type."""
        return self.X.dtype

    @property
    def layers(self) -> int:
        """The number of layers L."""
        return len(self.dims) - 1

    def astype(self, dtype: type[np.floating]) -> Problem:
        """The same problem with data and initial weights cast (rounded) to ``dtype``."""
        return Problem(
            self.name,
            self.dims,
            self.hidden,
            self.X.astype(dtype),
            self.Y.astype(dtype),
            tuple(p.astype(dtype) for p in self.init),
            self.lr,
        )

    def describe(self) -> str:
        """One line naming the net, its activations, m and the learning rate."""
        dims = ", ".join(map(str, self.dims))
        return f"{self.name} net [{dims}], {self.hidden}/sigmoid, m = {self.m}, lr {self.lr}"


def _initial_parameters(rng: np.random.Generator, dims: Sequence[int], scale) -> tuple[np.ndarray, ...]:
    params: list[np.ndarray] = []
    for n_prev, n in pairwise(dims):
        params += [rng.standard_normal((n, n_prev)) * scale(n_prev), np.zeros((n, 1))]
    return tuple(params)


def tiny_problem(m: int = 400, n_h: int = 4) -> Problem:
    """The net [2, n_h, 1] on random 2-D data; by default the tiny net [2, 4, 1] at m = 400 (planar data)."""
    rng = np.random.default_rng(SEED)
    dims = (2, n_h, 1)
    X = rng.standard_normal((dims[0], m))
    Y = rng.integers(0, 2, (1, m)).astype(np.float64)
    init = _initial_parameters(rng, dims, lambda n_prev: 0.01)
    return Problem("tiny", dims, "tanh", X, Y, init, lr=1.2)


def deep_problem() -> Problem:
    """The deep net [12288, 20, 7, 5, 1] on random data of the cat set's shapes, m = 209."""
    rng = np.random.default_rng(SEED)
    dims, m = (12288, 20, 7, 5, 1), 209
    X = rng.random((dims[0], m))
    Y = rng.integers(0, 2, (1, m)).astype(np.float64)
    init = _initial_parameters(rng, dims, lambda n_prev: 1.0 / math.sqrt(n_prev))
    return Problem("deep", dims, "relu", X, Y, init, lr=0.0075)


# --- contenders ---------------------------------------------------------------------------------------


class Contender:
    """One implementation of the training step. ``step`` returns the cost before its update."""

    name: str
    traced = True  # its arrays are NumPy's, so tracemalloc sees them

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.reset()

    def reset(self) -> None:
        """Parameters back to the problem's initial weights (fresh copies)."""
        raise NotImplementedError

    def step(self) -> float:
        """One training step: forward, cost, backward, update. Returns the cost."""
        raise NotImplementedError

    def parameters(self) -> list[np.ndarray]:
        """The current parameters as NumPy arrays (for the correctness guard)."""
        raise NotImplementedError


class HandNumpy(Contender):
    """The course's forward and backward equations, written out with NumPy."""

    name = NUMPY

    def reset(self) -> None:
        """Parameters back to the problem's initial weights (fresh copies)."""
        self.params = [p.copy() for p in self.problem.init]

    def step(self) -> float:
        """One training step: forward, cost, backward, update. Returns the cost."""
        problem, params = self.problem, self.params
        X, Y, m, L, lr = problem.X, problem.Y, problem.m, problem.layers, problem.lr
        tanh_hidden = problem.hidden == "tanh"
        # forward: Z = W A_prev + b, A = g(Z); keep (A_prev, Z, A) for the backward pass
        caches = []
        A = X
        for layer in range(L):
            W, b = params[2 * layer], params[2 * layer + 1]
            Z = W @ A + b
            if layer == L - 1:
                A_next = 1 / (1 + np.exp(-Z))
            elif tanh_hidden:
                A_next = np.tanh(Z)
            else:
                A_next = np.maximum(Z, 0)
            caches.append((A, Z, A_next))
            A = A_next
        cost = -(1 / m) * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
        # backward: dZ_L = A_L - Y, then dW, db, dA_prev = W^T dZ, dZ = dA * g'(Z) layer by layer
        grads = [None] * len(params)
        dZ = A - Y
        for layer in reversed(range(L)):
            A_prev = caches[layer][0]
            grads[2 * layer] = dZ @ A_prev.T / m
            grads[2 * layer + 1] = np.sum(dZ, axis=1, keepdims=True) / m
            if layer > 0:  # dA0 = W1^T dZ1 would be unused: skip it
                dA_prev = params[2 * layer].T @ dZ
                _, Z_prev, A_prev = caches[layer - 1]
                dZ = dA_prev * (1 - A_prev**2) if tanh_hidden else dA_prev * (Z_prev > 0)
        for param, grad in zip(params, grads, strict=True):
            param -= lr * grad
        return float(cost)

    def parameters(self) -> list[np.ndarray]:
        """The current parameters as NumPy arrays (for the correctness guard)."""
        return self.params


class Ours(Contender):
    """autograd-lite Tensors: the forward pass and cost as written in the course, then backward()."""

    name = OURS
    tensor_type = Tensor  # the working tree's engine

    def __init__(self, problem: Problem) -> None:
        self.X = self.tensor_type(problem.X)  # constants: no gradient is computed for them
        self.Y = self.tensor_type(problem.Y)
        super().__init__(problem)

    def reset(self) -> None:
        """Parameters back to the problem's initial weights (fresh copies)."""
        self.params = [self.tensor_type(p.copy(), requires_grad=True) for p in self.problem.init]

    def step(self) -> float:
        """One training step: forward, cost, backward, update. Returns the cost."""
        problem, params, Y = self.problem, self.params, self.Y
        m, L, lr = problem.m, problem.layers, problem.lr
        tanh_hidden = problem.hidden == "tanh"
        for param in params:
            param.grad = None
        A = self.X
        for layer in range(L):
            Z = params[2 * layer] @ A + params[2 * layer + 1]
            A = Z.sigmoid() if layer == L - 1 else Z.tanh() if tanh_hidden else Z.relu()
        J = -(1 / m) * (Y * A.log() + (1 - Y) * (1 - A).log()).sum()
        J.backward()
        for param in params:
            param.data -= lr * param.grad
        return J.item()

    def parameters(self) -> list[np.ndarray]:
        """The current parameters as NumPy arrays (for the correctness guard)."""
        return [p.data for p in self.params]


class Compiled(Ours):
    """The same step as ``Ours``, traced once by ``autograd_lite.compile`` and replayed."""

    name = COMPILED

    def reset(self) -> None:
        """Parameters back to the initial weights, written into the same Tensors (the trace reads them)."""
        if not hasattr(self, "params"):
            super().reset()
            self.compiled = autograd_lite.compile(self._step)
            return
        for param, initial in zip(self.params, self.problem.init, strict=True):
            param.data[...] = initial
            param.grad = None

    def _step(self, X: Tensor, Y: Tensor) -> float:
        problem, params = self.problem, self.params
        m, L, lr = problem.m, problem.layers, problem.lr
        tanh_hidden = problem.hidden == "tanh"
        for param in params:
            param.grad = None
        A = X
        for layer in range(L):
            Z = params[2 * layer] @ A + params[2 * layer + 1]
            A = Z.sigmoid() if layer == L - 1 else Z.tanh() if tanh_hidden else Z.relu()
        J = -(1 / m) * (Y * A.log() + (1 - Y) * (1 - A).log()).sum()
        J.backward()
        for param in params:
            param.data -= lr * param.grad
        return J.item()

    def step(self) -> float:
        """One training step: the first call traces ``_step``, later calls replay it."""
        return self.compiled(self.X, self.Y)


def revision_contender(engine: ModuleType, label: str) -> type[Ours]:
    """``Ours`` on the Tensor of another copy of the engine (``--against``), named ``label``."""

    class Revision(Ours):
        """The working tree's contender on the revision's engine."""

        name = label
        tensor_type = engine.Tensor

    return Revision


class Torch(Contender):
    """PyTorch on the CPU, one thread; the same expressions with torch functions."""

    name = TORCH
    traced = False  # torch's allocator is invisible to tracemalloc

    def __init__(self, problem: Problem) -> None:
        self.X = torch.from_numpy(problem.X.copy())
        self.Y = torch.from_numpy(problem.Y.copy())
        super().__init__(problem)

    def reset(self) -> None:
        """Parameters back to the problem's initial weights (fresh copies)."""
        self.params = [torch.from_numpy(p.copy()).requires_grad_() for p in self.problem.init]

    def step(self) -> float:
        """One training step: forward, cost, backward, update. Returns the cost."""
        problem, params, Y = self.problem, self.params, self.Y
        m, L, lr = problem.m, problem.layers, problem.lr
        hidden = torch.tanh if problem.hidden == "tanh" else torch.relu
        A = self.X
        for layer in range(L):
            Z = params[2 * layer] @ A + params[2 * layer + 1]
            A = torch.sigmoid(Z) if layer == L - 1 else hidden(Z)
        J = -(1 / m) * (Y * torch.log(A) + (1 - Y) * torch.log(1 - A)).sum()
        J.backward()
        with torch.no_grad():
            for param in params:
                param -= lr * param.grad
                param.grad = None
        return J.item()

    def parameters(self) -> list[np.ndarray]:
        """The current parameters as NumPy arrays (for the correctness guard)."""
        return [p.detach().numpy() for p in self.params]


def jax_train_step(problem: Problem) -> Any:
    """The jitted step (params, X, Y) -> (new params, cost) of ``problem``'s net, written with jax.numpy."""
    L, m, lr = problem.layers, problem.m, problem.lr
    tanh_hidden = problem.hidden == "tanh"

    def cost(params: list[Any], X: Any, Y: Any) -> Any:
        """The course's cost of the parameter list."""
        A = X
        for layer in range(L):
            Z = params[2 * layer] @ A + params[2 * layer + 1]
            if layer == L - 1:
                A = 1 / (1 + jnp.exp(-Z))
            elif tanh_hidden:
                A = jnp.tanh(Z)
            else:
                A = jnp.maximum(Z, 0)
        return -(1 / m) * jnp.sum(Y * jnp.log(A) + (1 - Y) * jnp.log(1 - A))

    def train_step(params: list[Any], X: Any, Y: Any) -> tuple[list[Any], Any]:
        """Cost and gradient, then the gradient-descent update."""
        J, grads = jax.value_and_grad(cost)(params, X, Y)
        return [param - lr * grad for param, grad in zip(params, grads, strict=True)], J

    return jax.jit(train_step)


class Jax(Contender):
    """JAX on the CPU, one thread: one jitted function does forward, value_and_grad and the update."""

    name = JAX
    traced = False  # XLA's allocator is invisible to tracemalloc

    def __init__(self, problem: Problem) -> None:
        self.X = jnp.asarray(problem.X)  # on the device once
        self.Y = jnp.asarray(problem.Y)
        self.train_step = jax_train_step(problem)
        super().__init__(problem)
        self.step()  # compiles: the compile time is never timed
        self.reset()

    def reset(self) -> None:
        """Parameters back to the problem's initial weights (fresh copies)."""
        self.params = [jnp.array(p) for p in self.problem.init]

    def step(self) -> float:
        """One training step: forward, cost, backward, update. Returns the cost."""
        params, cost = self.train_step(self.params, self.X, self.Y)
        self.params = [param.block_until_ready() for param in params]
        return float(cost.block_until_ready())

    def parameters(self) -> list[np.ndarray]:
        """The current parameters as NumPy arrays (for the correctness guard)."""
        return [np.asarray(p) for p in self.params]


class MyGrad(Contender):
    """MyGrad tensors; X and Y are constants, so no gradient is computed for them."""

    name = MYGRAD

    def __init__(self, problem: Problem) -> None:
        self.X = mygrad.tensor(problem.X.copy(), constant=True)
        self.Y = mygrad.tensor(problem.Y.copy(), constant=True)
        super().__init__(problem)

    def reset(self) -> None:
        """Parameters back to the problem's initial weights (fresh copies)."""
        self.params = [mygrad.tensor(p.copy()) for p in self.problem.init]

    def step(self) -> float:
        """One training step: forward, cost, backward, update. Returns the cost."""
        problem, params, Y = self.problem, self.params, self.Y
        m, L, lr = problem.m, problem.layers, problem.lr
        hidden = mygrad.tanh if problem.hidden == "tanh" else mygrad_activations.relu
        A = self.X
        for layer in range(L):
            Z = params[2 * layer] @ A + params[2 * layer + 1]
            A = mygrad_activations.sigmoid(Z) if layer == L - 1 else hidden(Z)
        J = -(1 / m) * mygrad.sum(Y * mygrad.log(A) + (1 - Y) * mygrad.log(1 - A))
        J.backward()
        for param in params:
            param.data -= lr * param.grad
            param.null_grad()
        return J.item()

    def parameters(self) -> list[np.ndarray]:
        """The current parameters as NumPy arrays (for the correctness guard)."""
        return [p.data for p in self.params]


class Hips(Contender):
    """HIPS autograd: value_and_grad of a cost function of the parameter list."""

    name = HIPS

    def __init__(self, problem: Problem) -> None:
        self.value_and_grad = hips.value_and_grad(self.cost)
        super().__init__(problem)

    def cost(self, params: list[np.ndarray]) -> Any:
        """The course's cost of the parameter list, written with autograd.numpy."""
        anp, problem = hips_numpy, self.problem
        L, m, Y = problem.layers, problem.m, problem.Y
        A = problem.X
        for layer in range(L):
            Z = params[2 * layer] @ A + params[2 * layer + 1]
            if layer == L - 1:
                A = 1 / (1 + anp.exp(-Z))
            elif problem.hidden == "tanh":
                A = anp.tanh(Z)
            else:
                A = anp.maximum(Z, 0.0)
        return -(1 / m) * anp.sum(Y * anp.log(A) + (1 - Y) * anp.log(1 - A))

    def reset(self) -> None:
        """Parameters back to the problem's initial weights (fresh copies)."""
        self.params = [p.copy() for p in self.problem.init]

    def step(self) -> float:
        """One training step: forward, cost, backward, update. Returns the cost."""
        cost, grads = self.value_and_grad(self.params)
        lr = self.problem.lr
        for param, grad in zip(self.params, grads, strict=True):
            param -= lr * grad
        return float(cost)

    def parameters(self) -> list[np.ndarray]:
        """The current parameters as NumPy arrays (for the correctness guard)."""
        return self.params


def contenders_for(
    problem: Problem, extra: Sequence[type[Contender]] = (), mygrad_and_hips: bool = True
) -> list[Contender]:
    """Every available contender for this problem (MyGrad and HIPS autograd only in float64).

    ``extra`` contenders run right after autograd-lite's; ``mygrad_and_hips=False`` leaves those two out.
    """
    chosen: list[type[Contender]] = [HandNumpy, Ours, Compiled, *extra]
    if torch is not None:
        chosen.append(Torch)
    if jax is not None:
        chosen.append(Jax)
    if mygrad_and_hips and problem.dtype == np.float64:
        if mygrad is not None:
            chosen.append(MyGrad)
        if hips is not None:
            chosen.append(Hips)
    return [kind(problem) for kind in chosen]


# --- correctness guard, timing, memory ---------------------------------------------------------------


def check_agreement(contenders: Sequence[Contender]) -> float:
    """Two steps per contender from the initial weights; costs and first updates must agree.

    Returns the largest relative difference of the step-0 costs from hand-written NumPy's.
    Also serves as the warm-up.
    """
    float64 = contenders[0].problem.dtype == np.float64
    cost_tol, update_tol = (1e-9, 1e-6) if float64 else (1e-4, 1e-2)
    results = {}
    for contender in contenders:
        contender.reset()
        before = [p.copy() for p in contender.parameters()]
        cost0 = contender.step()
        after = contender.parameters()
        update = np.concatenate([(p - q).ravel() for p, q in zip(after, before, strict=True)])
        cost1 = contender.step()
        results[contender.name] = (cost0, cost1, update)
    ref0, ref1, ref_update = results[contenders[0].name]
    worst = 0.0
    for name, (cost0, cost1, update) in results.items():
        problems = []
        if not math.isclose(cost0, ref0, rel_tol=cost_tol):
            problems.append(f"step-0 cost {cost0!r} vs. {ref0!r}")
        if not math.isclose(cost1, ref1, rel_tol=cost_tol):
            problems.append(f"step-1 cost {cost1!r} vs. {ref1!r}")
        update_error = float(np.linalg.norm(update - ref_update) / np.linalg.norm(ref_update))
        if not update_error <= update_tol:
            problems.append(f"first update differs by {update_error:.2e} (relative, in norm)")
        if problems:
            raise AssertionError(f"{name} disagrees with {contenders[0].name}: " + "; ".join(problems))
        worst = max(worst, abs(cost0 - ref0) / abs(ref0))
    return worst


def time_round_robin(contenders: Sequence[Contender], repeats: int, steps: int) -> dict[str, list[float]]:
    """Seconds per step, one sample per repeat and contender; contenders take turns within a repeat."""
    samples: dict[str, list[float]] = {c.name: [] for c in contenders}
    for repeat in range(repeats):
        shift = repeat % len(contenders)
        for contender in [*contenders[shift:], *contenders[:shift]]:
            contender.reset()
            gc.collect()
            start = time.perf_counter()
            for _ in range(steps):
                contender.step()
            samples[contender.name].append((time.perf_counter() - start) / steps)
    return samples


def peak_step_memory(contender: Contender) -> float | None:
    """Peak MB that one step allocates (tracemalloc), or None if its allocator is not traced."""
    if not contender.traced:
        return None
    contender.reset()
    gc.collect()
    tracemalloc.start()
    try:
        contender.step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


@dataclass
class Run:
    """The results for one problem in one dtype."""

    problem: Problem
    repeats: int
    steps: int
    cost_agreement: float
    times: dict[str, list[float]]
    peaks: dict[str, float | None] = field(default_factory=dict)

    def ratios(self, name: str, base: str = NUMPY) -> list[float] | None:
        """The per-repeat ratios of ``name``'s times to ``base``'s, or None if either did not run."""
        return self._paired(name, base, operator.truediv)

    def ratio(self, name: str) -> float | None:
        """The median of the per-repeat ratios to NumPy."""
        ratios = self.ratios(name)
        return None if ratios is None else statistics.median(ratios)

    def differences(self, name: str, base: str) -> list[float] | None:
        """The per-repeat differences of ``name``'s times and ``base``'s (seconds), or None if either did not
        run."""
        return self._paired(name, base, operator.sub)

    def _paired(self, name: str, base: str, combine: Any) -> list[float] | None:
        """``combine(time, base time)`` for each repeat, or None if either contender did not run."""
        if name not in self.times or base not in self.times:
            return None
        return [combine(t, b) for t, b in zip(self.times[name], self.times[base], strict=True)]

    def peak_ratio(self, name: str) -> float | None:
        """Peak memory relative to hand-written NumPy's, or None where not traced."""
        value, base = self.peaks.get(name), self.peaks.get(NUMPY)
        return None if value is None or not base else value / base


def run(problem: Problem, repeats: int, steps: int, memory: bool, extra: Sequence[type[Contender]]) -> Run:
    """Check agreement, then time every contender on ``problem`` (and measure peak memory)."""
    contenders = contenders_for(problem, extra)
    agreement = check_agreement(contenders)
    times = time_round_robin(contenders, repeats, steps)
    result = Run(problem, repeats, steps, agreement, times)
    if memory:
        result.peaks = {c.name: peak_step_memory(c) for c in contenders}
    return result


# --- scaling: time per step against the batch size and the hidden width ---------------------------------


SCALING_BATCHES = (64, 256, 1024, 4096, 16384, 65536)  # m, for the tiny net [2, 4, 1]
SCALING_WIDTHS = (64, 256, 1024, 4096)  # n_h, for the net [2, n_h, 1] at m = 400
SCALING_PEERS = (COMPILED, TORCH, JAX)  # the peers whose ratios the scaling tables show


@dataclass(frozen=True)
class ScalingPlan:
    """How long each repeat's block of steps is, and how many repeats a row gets."""

    block: float  # seconds of NumPy steps per timed block (at least one step)
    max_steps: int
    repeats: int  # for rows with several steps per block
    repeats_big: int  # for rows where one NumPy step fills the block or more (the big sizes)

    def shape(self, seconds_per_step: float) -> tuple[int, int]:
        """(repeats, steps) for a row whose NumPy step takes ``seconds_per_step``."""
        steps = max(1, min(self.max_steps, round(self.block / seconds_per_step)))
        return (self.repeats if steps > 1 else self.repeats_big), steps


SCALING_PLAN = ScalingPlan(block=0.04, max_steps=200, repeats=11, repeats_big=5)
SCALING_PLAN_QUICK = ScalingPlan(block=0.01, max_steps=50, repeats=5, repeats_big=3)


def seconds_per_step(contender: Contender, tries: int = 3) -> float:
    """The fastest of ``tries`` single steps (untimed calibration of a scaling row)."""
    contender.reset()
    fastest = math.inf
    for _ in range(tries):
        start = time.perf_counter()
        contender.step()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest


def run_scaling(problem: Problem, plan: ScalingPlan) -> Run:
    """One scaling row: NumPy, autograd-lite and the installed peers of ``SCALING_PEERS``, interleaved;
    peak memory of NumPy and autograd-lite."""
    contenders = contenders_for(problem, mygrad_and_hips=False)
    agreement = check_agreement(contenders)
    repeats, steps = plan.shape(seconds_per_step(contenders[0]))
    times = time_round_robin(contenders, repeats, steps)
    result = Run(problem, repeats, steps, agreement, times)
    result.peaks = {c.name: peak_step_memory(c) for c in contenders if c.name in (NUMPY, OURS)}
    return result


# --- report --------------------------------------------------------------------------------------------


def _versions() -> str:
    parts = [f"Python {platform.python_version()}", f"NumPy {np.__version__}"]
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        parts[-1] += f" ({blas['name']} {blas.get('version', '')})".replace(" )", ")")
    except Exception:  # older NumPy: no dict mode
        pass
    peers = (
        ("PyTorch", torch, "torch"),
        ("JAX", jax, "jax"),
        ("jaxlib", jax, "jaxlib"),
        ("MyGrad", mygrad, "mygrad"),
        ("HIPS autograd", hips, "autograd"),
    )
    for label, module, distribution in peers:
        if module is not None:
            parts.append(f"{label} {_version(module, distribution)}")
    return ", ".join(parts)


def _version(module: Any, distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return getattr(module, "__version__", "?")


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _threads() -> str:
    allocator = "; glibc malloc without trimming" if STEADY_ALLOCATOR else ""
    if PINNED:
        return f"one BLAS/OpenMP thread, process pinned to one CPU{allocator}"
    return f"one BLAS/OpenMP thread (process not pinned to one CPU: JAX may use more cores){allocator}"


def _missing_notes() -> list[str]:
    notes = []
    missing = ((TORCH, TORCH_MISSING), (JAX, JAX_MISSING), (MYGRAD, MYGRAD_MISSING), (HIPS, HIPS_MISSING))
    for name, why in missing:
        if why is not None:
            notes.append(f"{name} skipped: not importable ({why})")
    return notes


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _spread(ratios: Sequence[float], digits: int = 2) -> str:
    return f"{min(ratios):.{digits}f}-{max(ratios):.{digits}f}"


def _time_cells(result: Run, name: str, scale: float) -> list[str]:
    """Median and fastest time (in seconds times ``scale``), the ratio to NumPy and its range."""
    times = result.times.get(name)
    if times is None:
        return ["-"] * 4
    median, fastest = statistics.median(times) * scale, min(times) * scale
    return [_number(median), _number(fastest), _ratio(result.ratio(name)), _spread(result.ratios(name))]


def _against(results: Sequence[Run], revision: str | None) -> list[str]:
    """The working tree's per-repeat ratios to the revision, per dtype (no line without --against)."""
    if revision is None:
        return []
    parts = []
    for r in results:
        ratios = r.ratios(OURS, revision)
        parts.append(f"{r.problem.dtype} {statistics.median(ratios):.3f}x ({_spread(ratios, 3)})")
    return [f"working tree / {revision}, median of the per-repeat ratios (min-max): " + "; ".join(parts)]


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], markdown: bool) -> str:
    if markdown:
        rule = "|" + "|".join([":---"] + ["---:"] * (len(header) - 1)) + "|"
        lines = ["| " + " | ".join(header) + " |", rule]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:  # first column left-aligned, numbers right-aligned
        cells = [cell.rjust(width) for cell, width in zip(row, widths, strict=True)]
        cells[0] = row[0].ljust(widths[0])
        lines.append("  " + "  ".join(cells))
    return "\n".join(lines)


def _verdict(ratio: float | None, target: float) -> str:
    """``1.91x, met``; three decimals where two would round onto the target (``1.003x, NOT met``)."""
    if ratio is None:
        return "not measured"
    shown = f"{ratio:.2f}"
    if float(shown) == target:
        shown = f"{ratio:.3f}"
    return f"{shown}x, {'met' if ratio <= target else 'NOT met'}"


def report_tiny(result: Run, markdown: bool, revision: str | None = None) -> str:
    """The tiny net's table and target line."""
    problem = result.problem
    micro = "µs" if markdown else "us"
    title = f"{problem.describe()}, float64"
    note = (
        f"median of {result.repeats} repeats x {result.steps} steps, {micro} per step; step-0 costs "
        f"differ from NumPy's by at most {result.cost_agreement:.1e} (relative)"
    )
    rows = [[name, *_time_cells(result, name, 1e6)] for name in result.times]
    header = ["contender", f"median {micro}/step", f"min {micro}/step", "x NumPy", "min-max"]
    ours = _verdict(result.ratio(OURS), TINY_TARGET)
    compiled = _verdict(result.ratio(COMPILED), COMPILED_TINY_TARGET)
    target = (
        f"target tiny: eager <= {TINY_TARGET}x NumPy: {ours}; compiled <= {COMPILED_TINY_TARGET}x: {compiled}"
    )
    for name in (TORCH, JAX):
        if name in result.times:
            target += f"; {name} {_ratio(result.ratio(name))}"
    title = f"**{title}**  " if markdown else title
    lines = [title, note, "", _table(header, rows, markdown), "", target, *_against([result], revision)]
    return "\n".join(lines)


def _bookkeeping(result: Run, dtype: str) -> list[str]:
    """What the eager step spends over the compiled one, which makes the same NumPy calls without a node:
    the eager step's bookkeeping (a line, or none if either did not run)."""
    differences = result.differences(OURS, COMPILED)
    if not differences:
        return []
    ms = sorted(d * 1e3 for d in differences)
    share = statistics.median(ms) / (statistics.median(result.times[NUMPY]) * 1e3)
    return [
        f"eager over compiled, {dtype}: {statistics.median(ms):.2f} ms a step (median of the per-repeat "
        f"differences, {ms[0]:.2f} to {ms[-1]:.2f}), {share:.1%} of NumPy's step"
    ]


def report_deep(results: Sequence[Run], markdown: bool, revision: str | None = None) -> str:
    """The deep net's time and memory tables, float64 and float32."""
    by_dtype = {str(r.problem.dtype): r for r in results}
    first = results[0]
    x_mb = first.problem.X.nbytes / 2**20
    agreement = ", ".join(f"{d} {r.cost_agreement:.1e}" for d, r in by_dtype.items())
    names = list(dict.fromkeys(name for r in results for name in r.times))
    bold = (lambda text: f"**{text}**  ") if markdown else (lambda text: text)

    time_header = ["contender"]
    for dtype in by_dtype:
        time_header += [f"{dtype} median ms", "min ms", "x NumPy", "min-max"]
    time_rows = []
    for name in names:
        time_rows.append([name, *(cell for r in by_dtype.values() for cell in _time_cells(r, name, 1e3))])

    memory_header = ["contender"]
    for dtype in by_dtype:
        memory_header += [f"peak MB {dtype}", "x NumPy"]
    memory_rows = []
    for name in names:
        row = [name]
        for r in by_dtype.values():
            if name in r.peaks and r.peaks[name] is None:
                row += ["n/a", "n/a"]  # not traced (PyTorch, JAX)
            else:
                row += [_number(r.peaks.get(name)), _ratio(r.peak_ratio(name))]
        memory_rows.append(row)

    lines = [
        bold(f"{first.problem.describe()}, {' and '.join(by_dtype)}: time per step"),
        f"median of {first.repeats} repeats x 1 step, ms; step-0 costs differ from NumPy's by at most "
        f"({agreement}) (relative)",
        "",
        _table(time_header, time_rows, markdown),
        "",
    ]
    for dtype, run in by_dtype.items():
        verdicts = [f"{name} {_verdict(run.ratio(name), DEEP_TARGET)}" for name in (OURS, COMPILED)]
        lines.append(f"target deep {dtype}: <= {DEEP_TARGET}x NumPy: {'; '.join(verdicts)}")
    for dtype, run in by_dtype.items():
        lines += _bookkeeping(run, dtype)
    lines += _against(results, revision)
    if MYGRAD in names or HIPS in names:
        lines.append("MyGrad and HIPS autograd run in float64 only.")
    lines += [
        "",
        bold(f"{first.problem.name} net: peak memory of one step"),
        f"tracemalloc peak of what one step allocates, MB (X itself is {x_mb:.1f} MB in "
        f"{first.problem.dtype}; PyTorch's and XLA's allocators are not traced)",
        "",
        _table(memory_header, memory_rows, markdown),
    ]
    return "\n".join(lines)


def report_scaling(results: Sequence[Run], key: str, title: str, markdown: bool) -> str:
    """One scaling table: a row per size, NumPy's time per step, the ratios to it, peak memory."""
    micro = "µs" if markdown else "us"
    peers = [name for name in SCALING_PEERS if name in results[0].times]
    header = [key, "repeats x steps", f"NumPy {micro}/step", f"{OURS} x NumPy", "min-max"]
    for name in peers:
        header += [f"{name} x NumPy", "min-max"]
    header += ["peak MB NumPy", f"peak MB {OURS}", "x NumPy"]
    rows = []
    for r in results:
        size = r.problem.m if key == "m" else r.problem.dims[1]
        numpy_time = statistics.median(r.times[NUMPY]) * 1e6
        row = [str(size), f"{r.repeats} x {r.steps}", _number(numpy_time)]
        for name in (OURS, *peers):
            row += [_ratio(r.ratio(name)), _spread(r.ratios(name))]
        row += [_number(r.peaks[NUMPY], 2), _number(r.peaks[OURS], 2), _ratio(r.peak_ratio(OURS))]
        rows.append(row)
    agreement = max(r.cost_agreement for r in results)
    note = (
        f"ratios: median of the per-repeat ratios to NumPy (min-max); NumPy {micro}/step: median; peak MB: "
        f"tracemalloc peak of one step; step-0 costs differ from NumPy's by at most {agreement:.1e}"
    )
    title = f"**{title}**  " if markdown else title
    return "\n".join([title, note, "", _table(header, rows, markdown)])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and steps (a smoke run)")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables for a README")
    parser.add_argument("--only", choices=("tiny", "deep"), help="run only one of the two networks")
    parser.add_argument("--against", metavar="REV", help="also time the engine of git revision REV")
    parser.add_argument(
        "--scaling", action="store_true", help="instead: time per step against the batch size and the width"
    )
    args = parser.parse_args(argv)
    if args.scaling and (args.only or args.against):
        parser.error("--scaling runs its own tables: it takes neither --only nor --against")

    extra: list[type[Contender]] = []
    revision = None  # the label of the --against engine
    if args.against:
        engine, revision = load_engine(args.against)
        extra.append(revision_contender(engine, revision))

    tiny_repeats, tiny_steps, deep_repeats = (5, 100, 3) if args.quick else (41, 300, 101)
    header = [
        "autograd-lite Tensor benchmark: one training step (forward, cross-entropy cost from primitives, "
        "backward, gradient-descent update)",
        f"{_versions()}; {_threads()}; {_cpu()}",
        f"targets: {TARGETS}",
        *_missing_notes(),
    ]
    if revision is not None:
        header.append(f"against: {revision} (git revision {args.against}), timed beside the working tree")
    print("\n".join(f"{line}  " if args.markdown else line for line in header), flush=True)

    if args.scaling:
        plan = SCALING_PLAN_QUICK if args.quick else SCALING_PLAN
        tables = {
            "m": ("tiny net [2, 4, 1]", SCALING_BATCHES),
            "n_h": ("net [2, n_h, 1], m = 400", SCALING_WIDTHS),
        }
        for key, (what, sizes) in tables.items():
            results = []
            for size in sizes:
                print(f"running scaling {key} = {size} ...", file=sys.stderr, flush=True)
                results.append(run_scaling(tiny_problem(**{key: size}), plan))
            title = f"Scaling against {key}: {what}, tanh/sigmoid, float64, lr 1.2"
            print("\n" + report_scaling(results, key, title, args.markdown), flush=True)
        return 0
    if args.only in (None, "tiny"):
        print(f"running tiny ({tiny_repeats} repeats x {tiny_steps} steps) ...", file=sys.stderr, flush=True)
        tiny = run(tiny_problem(), tiny_repeats, tiny_steps, memory=False, extra=extra)
        print("\n" + report_tiny(tiny, args.markdown, revision), flush=True)
    if args.only in (None, "deep"):
        deep64 = deep_problem()
        results = []
        for problem in (deep64, deep64.astype(np.float32)):
            print(f"running deep {problem.dtype} ({deep_repeats} repeats) ...", file=sys.stderr, flush=True)
            results.append(run(problem, deep_repeats, 1, memory=True, extra=extra))
        print("\n" + report_deep(results, args.markdown, revision), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
