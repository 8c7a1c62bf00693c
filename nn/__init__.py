"""autograd_lite.nn: layers, initializers, losses, optimizers and training in the course's notation.

Examples are columns (``X`` has shape ``(n_x, m)``), ``W[l]`` has shape ``(n[l], n[l-1])`` and
``b[l]`` has shape ``(n[l], 1)``. This package is installed inside the ``autograd_lite``
namespace (its folder sits at the repository root); its modules arrive with the Tensor layer.
"""
