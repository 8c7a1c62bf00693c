"""autograd_lite.viz: graphviz diagrams of the forward pass (values) and the backward pass (gradients).

from autograd_lite import Scalar, viz
a, b, c = Scalar(5.0, label="a"), Scalar(3.0, label="b"), Scalar(2.0, label="c")
J = (3 * (a + (b * c).named("u")).named("v")).named("J")
J.backward()
viz.draw(J, view="both")                 # a graphviz.Digraph; displays inline in Jupyter
viz.render(J, "J.svg", view="backward")  # SVG, PNG or PDF without a system Graphviz
viz.to_html(J, "J.html")                 # step through backprop in a browser
viz.play("u = b*c; v = a + u; J = 3*v")  # in Jupyter: sliders, the diagram redrawn as they move
"""

from autograd_lite.graph import Node

from .draw import VIEWS, Diagram, draw
from .labels import node_html
from .play import Play, play
from .render import FORMATS, render, svg_from_dot, system_dot
from .steps import BackpropStep, backprop_steps, to_html

Node._repr_html_ = node_html  # nodes display as a table in Jupyter once the display layer is loaded

__all__ = [
    "FORMATS",
    "VIEWS",
    "BackpropStep",
    "Diagram",
    "Play",
    "backprop_steps",
    "draw",
    "play",
    "render",
    "svg_from_dot",
    "system_dot",
    "to_html",
]
