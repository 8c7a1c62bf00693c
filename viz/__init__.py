"""autograd_lite.viz: graphviz diagrams of the forward pass (values) and the backward pass (gradients).

Installed inside the ``autograd_lite`` namespace (its folder sits at the repository root); the
drawing functions build on the graph walk in ``autograd_lite.graph``.
"""
