"""``draw(node)``: the computation graph as a graphviz diagram, left to right like the course's pictures.

- forward view: each value node shows its name and value (``u = b*c = 6``), op nodes in between;
- backward view: each node shows its gradient (``∂J/∂v = 3``); edges run the other way in a second
  colour, labelled with the factor the chain rule multiplies (``∂u/∂b = c = 2``, ``dW1 = dZ1 · Xᵀ``);
- both: values and gradients; the local derivatives ride on the forward edges as external labels
  (labelled back edges made dot's layout superlinear on long chains).

Works on any node of the shared graph (Scalar, Tensor or mixed). nn modules can be drawn as
clusters (or collapsed to one box each). Output is deterministic: the same graph gives the same
DOT text.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Collection

import graphviz

from autograd_lite.graph import Node, topological_order

from .labels import Namer, edge_derivative, grad_name, grad_text, value_text

VIEWS = ("forward", "backward", "both")
FORWARD_COLOR = "#333333"
BACKWARD_COLOR = "#d9480f"
FILL = {"parameter": "#d0ebff", "constant": "#f1f3f5", "value": "#ffffff", "output": "#fff3bf"}
HIGHLIGHT_COLOR = "#e03131"  # the border of a highlighted node (``draw(..., highlight=[node])``)
HIGHLIGHT_MARK = "✗"  # the last line of a highlighted node's label


class Diagram(graphviz.Digraph):
    """A graphviz.Digraph that renders in Jupyter even without a system Graphviz (pygraphviz bundles it)."""

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        """The SVG, and as HTML the same SVG in a box that scrolls, so a wide diagram fits the output."""
        from .render import svg_from_dot

        svg = svg_from_dot(self.source)
        box = '<div style="max-width: 100%; max-height: 80vh; overflow: auto">'
        return {"text/html": f"{box}{svg[svg.find('<svg'):]}</div>", "image/svg+xml": svg}

    def _repr_svg_(self) -> str:
        from .render import svg_from_dot

        return svg_from_dot(self.source)


def draw(
    root: Node,
    view: str = "forward",
    *,
    modules=None,
    collapse: bool | None = None,
    max_nodes: int = 150,
    known: Collection[Node] | None = None,
    title: str | None = None,
    highlight: Collection[Node] | None = None,
) -> Diagram:
    """Draw the graph that produced ``root`` (or, given an nn model, its layers: ``viz/model.py``).

    ``view``: "forward", "backward" or "both". ``modules``: an nn Module whose sub-modules become
    clusters (``collapse=True``: one box per layer). ``max_nodes``: beyond this many value nodes,
    the ones farthest from ``root`` are folded into one summary node with at most one edge per
    drawn op, and the diagram's label says how many were left out. ``known``: for the backward
    views, only these nodes' gradients are shown (the others read ``?``), as in ``backprop_steps``.
    ``highlight``: nodes to point at (``nn.check`` marks the first value or gradient that differs from
    a learner's): each is drawn with a thick red border and a last label line ``✗``. A node the
    diagram does not draw (a constant in the backward view, one left out by ``max_nodes``, one inside
    a collapsed module) is not marked. Without ``highlight`` the DOT text is exactly as before.
    """
    from .model import draw_model, is_model

    if is_model(root):  # an nn model: its layers and parameters (viz/model.py), collapsed by default
        return draw_model(root, collapse=collapse is not False, title=title)
    collapse = bool(collapse)
    if view not in VIEWS:
        raise ValueError(f"draw: view must be one of {', '.join(VIEWS)}, not {view!r}")
    if max_nodes < 1:
        raise ValueError("draw: max_nodes must be at least 1")
    known = None if known is None else set(known)
    if isinstance(highlight, Node):  # one node is fine too
        highlight = (highlight,)
    highlighted = frozenset() if highlight is None else frozenset(id(node) for node in highlight)
    nodes, hidden = _nodes_to_draw(root, max_nodes)
    namer = Namer()
    root_name = root.label or "J"
    namer.reserve(root, root_name)
    for node in nodes:  # oldest first: parents are named before the expressions that use them
        namer(node)
    ids = {id(node): f"n{i}" for i, node in enumerate(nodes)}
    groups = _module_groups(modules, nodes) if modules is not None else {}

    diagram = Diagram(
        "autograd_lite",
        graph_attr={"rankdir": "LR", "fontname": "Helvetica", "fontsize": "12", "nodesep": "0.3"},
        node_attr={"fontname": "Helvetica", "fontsize": "11", "margin": "0.15,0.06"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10", "arrowsize": "0.7"},
    )
    if title:
        diagram.attr(label=_title(title), labelloc="t")
    show_values, show_grads = view in ("forward", "both"), view in ("backward", "both")

    # where each node's edges attach: its own box, or the box of the collapsed module it belongs to
    boxes: dict[int, str] = {}
    cluster_of: dict[int, int] = {}
    for index, (module_name, module, members) in enumerate(groups.values()):
        for node in members:
            cluster_of[id(node)] = index
        if collapse:
            box = f"m{index}"
            label = f"{module_name}\n{_module_summary(module)}"
            diagram.node(box, _escape(label), shape="box3d", style="filled", fillcolor=FILL["parameter"])
            for node in members:
                boxes[id(node)] = box
    clusters = {index: [] for index in range(len(groups))}  # statements to put in each cluster
    for node in nodes:
        if id(node) in boxes:
            continue
        if not show_values and not node.requires_grad:
            continue  # a constant has no gradient: nothing to show in the backward view
        boxes[id(node)] = ids[id(node)]
        lines = _node_lines(node, namer, root_name, show_values, show_grads, known)
        statements = [("value", node, lines)]
        if show_values and node._op is not None:
            statements.append(("op", node, None))
        if id(node) in cluster_of:
            clusters[cluster_of[id(node)]].extend(statements)
        else:
            _add_statements(diagram, statements, ids, root, highlighted)
    for index, (module_name, _, _) in enumerate(groups.values()):
        if clusters[index]:
            with diagram.subgraph(name=f"cluster_{index}") as cluster:
                cluster.attr(label=_escape(module_name), style="rounded,dashed", color="#868e96")
                _add_statements(cluster, clusters[index], ids, root, highlighted)

    drawn = set()
    left_out = {id(node) for node in hidden}
    for node in nodes:
        if node._op is None:
            continue
        child = boxes[id(node)]
        # a parent's box; "more" for one left out by max_nodes; None for a constant not drawn
        sources = [boxes.get(id(p), "more" if id(p) in left_out else None) for p in node._parents]
        if show_values:
            if child.startswith("m"):  # inside a collapsed module: connect the boxes directly
                for source in sources:
                    if source != child and (source, child) not in drawn:
                        drawn.add((source, child))
                        diagram.edge(source, child, color=FORWARD_COLOR)
            else:
                op_id = f"op{ids[id(node)][1:]}"
                shown = known is None or node in known
                for index, source in enumerate(sources):
                    if source == "more":
                        if (source, op_id) not in drawn:  # one edge from the summary, not one per node
                            drawn.add((source, op_id))
                            diagram.edge(source, op_id, color=FORWARD_COLOR, style="dashed")
                        continue
                    extra = {}
                    if show_grads and node._parents[index].requires_grad:
                        # the local derivative rides on the forward edge as an external label: back
                        # edges with labels make dot's layout superlinear on long chains
                        label = edge_derivative(node, index, namer, root_name) if shown else ""
                        extra = {"xlabel": _escape(label), "fontcolor": BACKWARD_COLOR}
                    diagram.edge(source, op_id, color=FORWARD_COLOR, **extra)
                diagram.edge(op_id, child, color=FORWARD_COLOR)
                continue
        if show_grads:
            shown = known is None or node in known
            for index, parent in enumerate(node._parents):
                source = sources[index]
                if source == "more" and not show_values and (source, child) not in drawn:
                    drawn.add((source, child))  # one edge from the summary, not one per hidden node
                    diagram.edge(source, child, dir="back", color=BACKWARD_COLOR, style="dashed")
                if source in (child, "more", None) or not parent.requires_grad:
                    continue
                label = edge_derivative(node, index, namer, root_name) if shown else ""
                diagram.edge(
                    source,
                    child,
                    label=_escape(label),
                    dir="back",
                    color=BACKWARD_COLOR,
                    fontcolor=BACKWARD_COLOR,
                    style="solid" if shown else "dotted",
                    constraint="false" if show_values else "true",
                )
    if hidden:
        counts = Counter(n._op.name if n._op is not None else "leaf" for n in hidden)
        summary = ", ".join(f"{count} {name}" for name, count in sorted(counts.items()))
        diagram.node(
            "more",
            _escape(f"… {len(hidden)} more nodes\n({summary})\nraise max_nodes to draw them"),
            shape="note",
            style="filled",
            fillcolor="#fff5f5",
        )
        total = len(nodes) + len(hidden)
        note = f"showing {len(nodes):,} of {total:,} nodes; {len(hidden):,} left out (max_nodes={max_nodes})"
        heading = f"{title}\n{note}" if title else note
        diagram.attr(label=_title(heading), labelloc="t")
    return diagram


def _nodes_to_draw(root: Node, max_nodes: int) -> tuple[list[Node], list[Node]]:
    """All nodes oldest first, or the ``max_nodes`` closest to the root plus the rest (hidden)."""
    everything = topological_order(root, check_saved=False, constants=True)[::-1]
    if len(everything) <= max_nodes:
        return everything, []
    kept, queue, seen = set(), deque([root]), {id(root)}
    while queue and len(kept) < max_nodes:
        node = queue.popleft()
        kept.add(id(node))
        for parent in node._parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                queue.append(parent)
    return [n for n in everything if id(n) in kept], [n for n in everything if id(n) not in kept]


def _node_lines(node, namer, root_name, show_values, show_grads, known) -> list[str]:
    name = namer(node)
    lines = []
    if show_values and node._op is None and node.label is None and not node.requires_grad:
        return [name]  # a constant such as the 3 in J = 3v: its name is its value
    if show_values:
        if node._op is not None and node.label is not None:
            lines.append(f"{name} = {namer.expression(node)}")  # the course's "u = bc"
        else:
            lines.append(name)
        lines[-1] += f" = {value_text(node)}" if _is_scalar_like(node) else ""
        if not _is_scalar_like(node):
            lines.append(value_text(node))
    if show_grads and node.requires_grad:
        label = grad_name(node, name, root_name)
        text = grad_text(node) if known is None or node in known else "?"
        if text is None:
            text = "?"
        if _is_scalar_like(node) or text == "?":
            lines.append(f"{label} = {text}")
        else:
            lines.append(f"{label}: {text}")
    elif not show_values:
        lines.append(name)
    return lines


def _add_statements(graph, statements, ids, root, highlighted: frozenset = frozenset()) -> None:
    for kind, node, lines in statements:
        if kind == "value":
            _value_node(graph, ids[id(node)], node, root, lines, id(node) in highlighted)
        else:
            symbol = _op_symbol(node)
            graph.node(
                f"op{ids[id(node)][1:]}",
                _escape(symbol),
                shape="circle" if len(symbol) <= 4 else "ellipse",
                style="filled",
                fillcolor="#e9ecef",
                fontsize="10",
                margin="0.02",
                width="0.3",
                height="0.3",
            )


def _value_node(
    graph, node_id: str, node: Node, root: Node, lines: list[str], highlighted: bool = False
) -> None:
    if node is root:
        kind = "output"
    elif node._op is None and node.requires_grad:
        kind = "parameter"
    elif node._op is None:
        kind = "constant"
    else:
        kind = "value"
    extra = {}
    if highlighted:  # a thick red border and a last line with the mark
        lines = [*lines, HIGHLIGHT_MARK]
        extra = {"color": HIGHLIGHT_COLOR, "penwidth": "3"}
    graph.node(
        node_id, _escape("\n".join(lines)), shape="box", style="rounded,filled", fillcolor=FILL[kind], **extra
    )


def _op_symbol(node: Node) -> str:
    """What the op's circle shows: its glyph (``×``, ``@``, ``BCE``) or its name (``tanh``)."""
    return node._op.glyph or node._op.name


def _module_groups(model, nodes: list[Node]) -> dict[int, tuple[str, object, list[Node]]]:
    """For each node, the innermost module (one with parameters of its own) that holds or made it."""
    innermost_first = [(path, module) for path, module in _named_modules(model) if module._parameters][::-1]
    groups: dict[int, tuple[str, object, list[Node]]] = {}
    for node in nodes:
        for path, module in innermost_first:
            if module.computed(node):
                groups.setdefault(id(module), (path, module, []))[2].append(node)
                break
    return groups


def _named_modules(model, prefix: str = ""):
    """The model and its sub-modules, each before its own children."""
    yield prefix or type(model).__name__, model
    for name, child in model._modules.items():
        yield from _named_modules(child, f"{prefix}.{name}" if prefix else name)


def _module_summary(module) -> str:
    extra = module.extra_repr() if hasattr(module, "extra_repr") else ""
    return f"{type(module).__name__}({extra})"


def _is_scalar_like(node: Node) -> bool:
    return not hasattr(node.data, "shape") or node.data.shape == ()


def _title(text: str) -> str:
    """The diagram's title as plain text: never read as an HTML-like label, even as ``<b>x</b>``."""
    return graphviz.nohtml(_escape(str(text)))


def _escape(text: str) -> str:
    """Graphviz label text: backslashes kept literal, newlines as centred line breaks."""
    return text.replace("\\", "\\\\").replace("\n", "\\n")
