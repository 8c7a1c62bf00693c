"""What diagrams cost: the step-through page's size, the node cap's bound on nodes and edges, and
backprop_steps' memory. No timings here (bench/viz.py measures them)."""

from __future__ import annotations

import gc
import json
import re
import tracemalloc

import pytest

from autograd_lite import Scalar, viz


def tanh_chain(length: int) -> Scalar:
    """x, tanh(x), tanh(tanh(x)), ...: ``length`` nodes, no constants, backpropagated."""
    node = Scalar(0.5, label="x")
    for _ in range(length - 1):
        node = node.tanh()
    node = node.named("J")
    node.backward()
    return node


def dot_counts(source: str) -> tuple[int, int]:
    """Node statements and edge statements in DOT source."""
    edges = len(re.findall(r"^\s*\w+ -> \w+ \[", source, re.M))
    nodes = len(re.findall(r"^\s*(?!graph\b|node\b|edge\b)\w+ \[", source, re.M))
    return nodes, edges


# --- the step-through page ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chain_page(tmp_path_factory) -> str:
    path = viz.to_html(tanh_chain(300), tmp_path_factory.mktemp("cost") / "chain.html")
    return path.read_text(encoding="utf-8")


@pytest.mark.svg
def test_page_of_a_300_node_chain_has_one_svg_and_stays_small(chain_page):
    assert chain_page.count("<svg") == 1
    assert len(chain_page.encode("utf-8")) < 2_000_000
    assert chain_page.count("<li data-step=") == 300


@pytest.mark.svg
def test_page_steps_follow_the_backward_pass(chain_page):
    found = re.search(r'<script type="application/json" id="steps-data">(.*?)</script>', chain_page, re.S)
    data = json.loads(found.group(1))
    # nodes are numbered oldest first (n0 is x), and the backward pass starts at the output
    assert data["steps"] == [f"n{i}" for i in range(299, -1, -1)]
    assert [data["stepOf"][name] for name in data["steps"]] == list(range(300))
    captions = re.findall(r'<li data-step="(\d+)"[^>]*><b>Step (\d+) of 300:</b> ([^<]*)</li>', chain_page)
    assert [int(step) + 1 for step, _, _ in captions] == [int(number) for _, number, _ in captions]
    assert captions[0][2].startswith("∂J/∂J = 1") and captions[-1][2].startswith("∂J/∂x = ")


# --- the node cap ----------------------------------------------------------------------------------------


def test_node_cap_bounds_nodes_and_edges_of_a_huge_sum():
    total = Scalar.sum([Scalar(float(i), requires_grad=True) for i in range(100_000)]).named("J")
    source = viz.draw(total, view="forward", max_nodes=200).source
    nodes, edges = dot_counts(source)
    assert nodes <= 2 * 200 + 1  # value nodes, their op nodes and the summary node
    assert edges <= 2 * 200 + 1
    assert "showing 200 of 100,001 nodes; 99,801 left out" in source
    assert "99801 more nodes" in source
    assert len(re.findall(r"^\s*more -> ", source, re.M)) == 1


@pytest.mark.parametrize("view", ["forward", "backward", "both"])
def test_node_cap_bounds_a_long_chain_in_every_view(view):
    source = viz.draw(tanh_chain(2000), view=view, max_nodes=200).source
    nodes, edges = dot_counts(source)
    assert nodes <= 2 * 200 + 1 and edges <= 2 * 200 + 2
    assert "showing 200 of 2,000 nodes; 1,800 left out" in source


# --- backprop_steps' memory --------------------------------------------------------------------------------


def retained_by_steps(length: int) -> int:
    """Bytes still held by the list of steps of a ``length``-node chain."""
    root = tanh_chain(length)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        steps = viz.backprop_steps(root)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(steps) == length
    return after - before


def test_backprop_steps_memory_grows_linearly():
    small, large = retained_by_steps(1000), retained_by_steps(4000)
    assert 2.5 < large / small < 6, (small, large)  # four times the nodes: about four times the memory


def test_known_is_derived_from_the_shared_order():
    steps = viz.backprop_steps(tanh_chain(50))
    assert all(step.order is steps[0].order for step in steps)
    assert [len(step.known) for step in steps] == list(range(1, 51))
    assert steps[-1].known == tuple(step.node for step in steps)
