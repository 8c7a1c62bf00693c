"""The op catalogue: everything the engine can differentiate, each op defined once.

    arithmetic   + - * / ** and unary minus, abs, maximum, minimum
    functions    exp log sqrt tanh sigmoid relu leaky_relu elu clip sin cos log1p expm1 softplus
                 square reciprocal gelu
    reductions   sum mean max min logsumexp softmax log_softmax
    products     @ (matmul) and the Scalar neuron dot(w, x, b)
    shapes       transpose reshape getitem concatenate stack where
    losses       binary_cross_entropy

Each op is one ``Op`` record (``record``): its rule (value and derivatives), how it is written, the
formulas diagrams print, its domain and flags. Everything else is derived from ``OPS``: the Scalar and
Tensor methods, the command line's functions, the diagram formulas and the op tests.

Adding an elementwise op is one record in ``functions``::

    @elementwise(partials=("cos {0}",), program=True)
    def sin(a, xp):
        \"\"\"sin a.\"\"\"
        return xp.sin(a), (xp.cos(a),)   # the value and d(sin a)/da
"""

from . import arithmetic, arrays, floats, functions, losses, products, reductions, shapes  # noqa: F401  (they register)
from .record import OPS, Domain, Op, install_methods, wrap

__all__ = ["OPS", "Domain", "Op", "arrays", "floats", "install_methods", "wrap"]
