"""A diagram's elements by id: DOT whose nodes and edges carry SVG ids, their texts read back from the
DOT, and an SVG whose texts can be filled in again without a new layout.

The step-through page and the playground lay a diagram out once and then only change the texts of its
elements (values, gradients, local derivatives), so nothing moves while the numbers change. The ids are
``g_n3`` for the value node ``n3``, ``g_op3`` for its op, and ``g_e12`` for the edge on line 12 of the
DOT source: the same graph drawn in the same view gives the same ids whatever its values.
"""

from __future__ import annotations

import html
import re

_NODE_LINE = re.compile(r"^(\s*)(\w+) \[(.*)$")
_EDGE_LINE = re.compile(r"^(\s*)(\w+) -> (\w+) \[(.*)$")
_LABEL = re.compile(r'(^|\s)(x?label)=("(?:[^"\\]|\\.)*"|[^\s\]]+)')
_SETTINGS = ("graph", "node", "edge")  # DOT's default-attribute statements, not nodes
# a value at the end of a label line (``u = b*c = 6``, ``∂J/∂u = 3``): what the numbers change
_VALUE = re.compile(r"(?<== )(?:-?[0-9][0-9.e+\-]*|-?inf|nan)(?=\\n|\"$)")
WIDEST_VALUE = "-0.0001234"  # as wide as ``names.number`` writes a value (four significant digits)
_GROUP = re.compile(r'<g id="(g_\w+)"')
_TEXT = re.compile(r"(<text\b[^>]*>)(.*?)(</text>)", re.DOTALL)


def with_ids(source: str) -> tuple[str, list[tuple[str, str, str]]]:
    """DOT source whose nodes and edges carry SVG ids (``g_n3``, ``g_e5``), and its derivative edges.

    The derivative edges are (edge id, parent id, op id): the edges that carry a local derivative.
    """
    lines, edges = [], []
    for number, line in enumerate(source.split("\n")):
        edge = _EDGE_LINE.match(line)
        node = _NODE_LINE.match(line)
        if edge:
            indent, tail, head, rest = edge.groups()
            edge_id = f"g_e{number}"
            line = f'{indent}{tail} -> {head} [id="{edge_id}" {rest}'
            if "xlabel=" in rest and head.startswith("op"):
                edges.append((edge_id, tail, head))
        elif node and node.group(2) not in _SETTINGS:
            indent, name, rest = node.groups()
            line = f'{indent}{name} [id="g_{name}" {rest}'
        lines.append(line)
    return "\n".join(lines), edges


def labels(source: str) -> dict[str, list[str]]:
    """Each node's label lines, read back from DOT source, by node name (``n3``, ``op3``)."""
    return {element[2:]: lines for element, lines in texts(source).items() if not element.startswith("g_e")}


def texts(source: str) -> dict[str, list[str]]:
    """The text lines of every node and labelled edge of DOT source, by SVG id (see ``with_ids``)."""
    found = {}
    for number, line in enumerate(source.split("\n")):
        edge = _EDGE_LINE.match(line)
        node = None if edge else _NODE_LINE.match(line)
        if edge:
            element, attributes = f"g_e{number}", edge.group(4)
        elif node and node.group(2) not in _SETTINGS:
            element, attributes = f"g_{node.group(2)}", node.group(3)
        else:
            continue
        label = _label(attributes)
        if label is not None:
            found[element] = label
    return found


def _label(attributes: str) -> list[str] | None:
    """The lines of the label (or external label) among a statement's DOT attributes."""
    label = _LABEL.search(attributes)
    if label is None:
        return None
    text = label.group(3)
    if text.startswith('"'):
        text = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text[1:-1])
    return text.split("\n")


def widened(source: str) -> str:
    """DOT source with every value at the end of a label line as wide as any value can be written.

    Laid out from this, boxes and edge labels have room for whatever values are filled in later, so
    the layout depends on the graph's shape only.
    """
    lines = []
    for line in source.split("\n"):
        statement, bracket, attributes = line.partition(" [")
        if bracket and (_NODE_LINE.match(line) or _EDGE_LINE.match(line)):
            widest = _LABEL.sub(lambda m: f"{m[1]}{m[2]}={_VALUE.sub(WIDEST_VALUE, m[3])}", attributes)
            line = f"{statement}{bracket}{widest}"
        lines.append(line)
    return "\n".join(lines)


def strip_xml_header(svg: str) -> str:
    """The ``<svg ...>`` element alone, for putting inside an HTML page."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


class SvgTemplate:
    """A rendered SVG whose element texts can be replaced: ``fill({"g_n3": ["u = b*c = 6", ...]})``.

    The SVG is cut once into fixed pieces and text slots (element id, line number); filling joins
    them again with the new texts, so a new set of values costs no layout and no XML parsing.
    """

    __slots__ = ("_pieces", "_slots")

    def __init__(self, svg: str) -> None:
        pieces: list[str] = []
        slots: list[tuple[str, int, str]] = []  # (element id, line, the text as rendered)
        position, element, line = 0, None, 0
        groups = [(match.start(), match.group(1)) for match in _GROUP.finditer(svg)]
        for match in _TEXT.finditer(svg):
            while groups and groups[0][0] < match.start():  # the element this text belongs to
                element, line = groups.pop(0)[1], 0
            pieces.append(svg[position : match.end(1)])
            slots.append((element or "", line, match.group(2)))
            position, line = match.start(3), line + 1
        pieces.append(svg[position:])
        self._pieces, self._slots = pieces, slots

    def fill(self, texts: dict[str, list[str]]) -> str:
        """The SVG with each element's text lines replaced by ``texts[element id]`` where given."""
        out = [self._pieces[0]]
        for (element, line, rendered), piece in zip(self._slots, self._pieces[1:]):
            lines = texts.get(element)
            out.append(html.escape(lines[line], quote=False) if lines and line < len(lines) else rendered)
            out.append(piece)
        return "".join(out)
