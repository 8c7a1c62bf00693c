"""``viz.play(program_or_node)``: the playground in a notebook, with ipywidgets sliders.

The kernel is the engine: each slider move runs the program (or replays the graph, ``live.replay``)
with the new input, backpropagates, and refills the diagram, laid out once per graph shape, in place.
The same answer as the playground's ``/api/evaluate`` (``live.snapshot``), shown as widgets.
"""

from __future__ import annotations

import html

from autograd_lite.names import number
from autograd_lite.scalar import Scalar

from .live import Layouts, nudge, replay, snapshot

INSTALL = 'viz.play needs ipywidgets: pip install "autograd-lite[notebook]"'


class Play:
    """The widgets of one ``viz.play``: ``sliders`` by input name, the ``diagram``, ``nudge`` and
    ``error`` panes, the ``view`` switch, and ``widget`` (all of them, what a notebook displays)."""

    def __init__(self, target, view: str = "both", values: dict[str, float] | None = None) -> None:
        try:
            import ipywidgets as widgets
        except ImportError:
            raise ImportError(INSTALL) from None
        self._layouts = Layouts()
        self._evaluate = self._program if isinstance(target, str) else self._graph
        self.target = target
        start = self._inputs(target, values or {})
        self.sliders = {
            name: widgets.FloatSlider(
                value=value,
                min=-max(5.0, 2 * abs(value)),
                max=max(5.0, 2 * abs(value)),
                step=0.01,
                description=name,
                continuous_update=True,
                readout_format=".3g",
            )
            for name, value in start.items()
        }
        self.view = widgets.ToggleButtons(options=["forward", "backward", "both"], value=view)
        self.diagram = widgets.HTML()
        self.nudge = widgets.HTML()
        self.error = widgets.HTML()
        for control in (*self.sliders.values(), self.view):
            control.observe(lambda change: self.update(), names="value")
        self.widget = widgets.VBox([self.view, *self.sliders.values(), self.error, self.nudge, self.diagram])
        self.update()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    @staticmethod
    def _inputs(target, values: dict[str, float]) -> dict[str, float]:
        """The inputs that get sliders, with their starting values."""
        if isinstance(target, str):
            from autograd_lite.app.playground import DEFAULT_INPUTS, DEFAULT_VALUE
            from autograd_lite.app.program import input_names

            names = input_names(target)
            start = {name: values.get(name, DEFAULT_INPUTS.get(name, DEFAULT_VALUE)) for name in names}
        elif isinstance(target, Scalar):
            leaves = _labelled_inputs(target)
            if not leaves:
                raise ValueError(
                    "viz.play: the graph has no labelled input to move (label one: a.named('a'))"
                )
            start = {name: values.get(name, value) for name, value in leaves.items()}
        else:
            raise TypeError(f"viz.play: give a program (str) or a Scalar graph, not {type(target).__name__}")
        unknown = sorted(set(values) - set(start))
        if unknown:
            raise ValueError(f"viz.play: no input named {unknown[0]!r} (inputs: {', '.join(start)})")
        return start

    def values(self) -> dict[str, float]:
        """The sliders' values by input name."""
        return {name: slider.value for name, slider in self.sliders.items()}

    def update(self) -> None:
        """Evaluate at the sliders' values and refill the diagram and the nudge pane."""
        from autograd_lite.app.program import ProgramError

        from ..errors import DomainError

        try:
            root = self._evaluate(self.values())
            root.backward(retain_graph=True)
            answer = snapshot(root, self.view.value, self._layouts)
            nudge = self._nudge_text(root, answer)
        except (ProgramError, DomainError, OverflowError, ZeroDivisionError) as error:
            self.error.value = f"<p style='color:#c92a2a'>{html.escape(str(error))}</p>"
            return
        self.error.value = ""
        self.diagram.value = f"<div style='overflow:auto'>{answer['svg']}</div>"
        self.nudge.value = nudge

    def _program(self, values: dict[str, float]) -> Scalar:
        from autograd_lite.app.program import run_program

        return run_program(self.target, values).output

    def _graph(self, values: dict[str, float]) -> Scalar:
        return replay(self.target, values)

    def _nudge_text(self, root: Scalar, answer: dict, h: float = 0.001) -> str:
        """The chain rule's promise for the first input: J moves by about ∂J/∂x · h."""
        name = next(iter(self.sliders))
        gradient = next(node["grad"] for node in answer["nodes"] if node["name"] == name) or 0.0
        moved = nudge(self._evaluate, self.values(), name, h, root, gradient)
        J = answer["output"]
        return html.escape(
            f"move {name} by {number(h)} and {J} moves by about ∂{J}/∂{name} · h = {number(gradient)}"
            f" · {number(h)} = {number(moved['predicted'])}; it really moves by {number(moved['actual'])}."
        )


def _labelled_inputs(root: Scalar) -> dict[str, float]:
    from autograd_lite.graph import topological_order

    return {
        node.label: node.data
        for node in reversed(topological_order(root, check_saved=False))
        if node._op is None and node.requires_grad and node.label is not None
    }


def play(target, view: str = "both", **values: float) -> Play:
    """The playground in a notebook: a slider per input, the diagram redrawn in place as they move.

    ``target``: a program in the command line's language (``"u = b*c; v = a + u; J = 3*v"``) or a
    Scalar graph whose labelled inputs get sliders (it is replayed op by op at the new values).
    ``values``: starting values by input name. Needs ipywidgets (``pip install
    "autograd-lite[notebook]"``); the returned ``Play`` displays itself in Jupyter.
    """
    return Play(target, view, values)
