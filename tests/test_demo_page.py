"""The demo's page: every picture with a caption, a preview that opens full size to pan and zoom."""

from __future__ import annotations

import shutil

import pytest
from helpers import course_graph, run_chromium

from autograd_lite import viz
from autograd_lite.app import demo


class FakeResult:
    train_accuracy, costs = 90.5, [0.69, 0.2186]


def test_every_figure_links_to_the_full_size_viewer_and_plots_have_captions():
    figures = [("planar costs", "planar_costs.png", demo.PLOT_CAPTIONS["planar_costs"])]
    page = demo._index_page(figures, "J_backprop.html", FakeResult())
    assert '<a href="view.html#planar_costs.png"' in page and "open full size (pan and zoom)" in page
    assert "gradient descent (learning rate 1.2) brings it down" in page
    assert "final cost 0.218600" in page


def test_the_viewer_names_only_pictures_of_its_own_folder():
    page = demo.VIEWER_PAGE
    assert "/^[\\w.-]+\\.(svg|png)$/.test(name)" in page  # no javascript: or other folders
    assert "http" not in page  # works offline


@pytest.mark.svg
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium (apt install chromium)")
def test_the_viewer_shows_the_picture_fitted_in_a_browser(tmp_path):
    viz.render(course_graph()[0], tmp_path / "J.svg", view="both")
    (tmp_path / "view.html").write_text(demo.VIEWER_PAGE, encoding="utf-8")
    address = (tmp_path / "view.html").as_uri() + "#J.svg"
    done = run_chromium(tmp_path / "profile", "--virtual-time-budget=3000", "--dump-dom", address)
    assert done.returncode == 0, done.stderr
    assert '<span id="name">J.svg</span>' in done.stdout
    assert 'src="J.svg"' in done.stdout and "transform: translate(" in done.stdout  # loaded, then fitted
