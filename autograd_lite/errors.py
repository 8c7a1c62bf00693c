"""Errors raised by autograd-lite. Each message names the op, the operands' labels and values."""


class DomainError(ValueError):
    """An op got an input outside its domain, e.g. ``log(a): a = -2.0 is not > 0``."""


class BackwardError(RuntimeError):
    """``backward()`` cannot run: nothing requires grad, a wrong seed, or a graph already freed."""


class GradcheckError(AssertionError):
    """Analytic gradients disagree with central differences; the message lists each input."""


class ShapeError(ValueError):
    """Operands' shapes do not fit an op.

    e.g. ``matmul: W2 (1, 4) @ A1 (3, 400): inner dimensions 4 and 3 differ``.
    """


class CompileError(RuntimeError):
    """``compile`` cannot trace or replay a step as written; the message says what to change."""
