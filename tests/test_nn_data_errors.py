"""nn datasets, plots and example scripts: generated data, load_catvnoncat's error paths, optional extras."""

import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import run_script

from autograd_lite import nn

ROOT = Path(__file__).resolve().parents[1]
DATA_ENV = "AUTOGRAD_LITE_DATA"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
GENERATORS = [nn.datasets.moons, nn.datasets.circles, nn.datasets.blobs, nn.datasets.gaussian_quantiles]


# --- generated planar datasets ----------------------------------------------------------------------------


@pytest.mark.parametrize("generate", GENERATORS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("m", [101, 200])
def test_generator_shapes_and_labels(generate, m):
    X, Y = generate(m=m, seed=3)
    assert X.shape == (2, m) and Y.shape == (1, m)
    assert X.dtype == Y.dtype == np.float64
    assert set(np.unique(Y)) == {0.0, 1.0}
    assert np.isfinite(X).all()


@pytest.mark.parametrize("generate", GENERATORS, ids=lambda f: f.__name__)
def test_generator_same_seed_same_data(generate):
    X1, Y1 = generate(seed=7)
    X2, Y2 = generate(seed=7)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(Y1, Y2)
    X3, _ = generate(seed=8)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("generate", GENERATORS, ids=lambda f: f.__name__)
def test_generator_default_is_reproducible(generate):
    np.testing.assert_array_equal(generate()[0], generate()[0])


@pytest.mark.parametrize("generate", [nn.datasets.moons, nn.datasets.circles, nn.datasets.gaussian_quantiles])
def test_two_class_generators_are_balanced(generate):
    _, Y = generate(m=101, seed=0)
    assert Y.sum() in (50, 51)


def test_planar_flower_with_odd_m_has_no_phantom_point():
    """An odd m must give m points on the flower (or be refused), not a leftover zero column labelled 0."""
    try:
        X, Y = nn.datasets.planar_flower(m=401)
    except ValueError:
        return
    assert X.shape == (2, 401) and Y.shape == (1, 401)
    at_origin = np.flatnonzero(np.all(X == 0.0, axis=0))
    assert at_origin.size == 0, f"columns {at_origin} are (0, 0) with label {Y[0, at_origin]}"


# --- load_catvnoncat: error paths on small files of our own -----------------------------------------------


@pytest.fixture
def h5py():
    return pytest.importorskip("h5py")


def write_course_file(h5py, folder, split, m, seed=0):
    """A tiny file in the course's layout: {split}_set_x (m, 64, 64, 3) uint8, {split}_set_y (m,), classes."""
    rng = np.random.RandomState(seed)
    images = rng.randint(0, 256, size=(m, 64, 64, 3)).astype(np.uint8)
    labels = np.arange(m) % 2
    with h5py.File(folder / f"{split}_catvnoncat.h5", "w") as file:
        file[f"{split}_set_x"] = images
        file[f"{split}_set_y"] = labels
        file["list_classes"] = np.array([b"non-cat", b"cat"])
    return images, labels


@pytest.fixture
def fake_data(tmp_path, h5py):
    folder = tmp_path / "fake"
    folder.mkdir()
    train = write_course_file(h5py, folder, "train", m=5, seed=1)
    test = write_course_file(h5py, folder, "test", m=3, seed=2)
    return folder, train, test


@pytest.mark.parametrize("env_value", [None, ""], ids=["unset", "empty"])
def test_no_data_directory_mentions_the_environment_variable(monkeypatch, env_value):
    pytest.importorskip("h5py")
    if env_value is None:
        monkeypatch.delenv(DATA_ENV, raising=False)
    else:
        monkeypatch.setenv(DATA_ENV, env_value)
    with pytest.raises(FileNotFoundError, match=DATA_ENV):
        nn.datasets.load_catvnoncat()


def test_missing_train_file_is_named(tmp_path, h5py):
    with pytest.raises(FileNotFoundError, match="train_catvnoncat.h5"):
        nn.datasets.load_catvnoncat(tmp_path)


def test_missing_test_file_is_named(tmp_path, h5py):
    write_course_file(h5py, tmp_path, "train", m=2)
    with pytest.raises(FileNotFoundError, match="test_catvnoncat.h5 not found"):
        nn.datasets.load_catvnoncat(tmp_path)


def test_h5_file_with_other_keys_is_a_value_error(tmp_path, h5py):
    with h5py.File(tmp_path / "train_catvnoncat.h5", "w") as file:
        file["images"] = np.zeros((2, 4, 4, 3))
    with pytest.raises(ValueError, match="train_catvnoncat.h5 is not the course's file"):
        nn.datasets.load_catvnoncat(tmp_path)


def test_file_that_is_not_hdf5_is_a_value_error(tmp_path, h5py):
    (tmp_path / "train_catvnoncat.h5").write_bytes(b"these are not the images you are looking for")
    with pytest.raises(ValueError, match="is not the course's file"):
        nn.datasets.load_catvnoncat(tmp_path)


@pytest.mark.parametrize(
    ("images", "labels"),
    [
        (np.zeros((3, 48)), np.zeros(3)),
        (np.zeros((3, 4, 4, 3)), np.zeros(2)),
        (np.zeros((3, 4, 4, 3)), np.zeros((3, 1))),
    ],
    ids=["flat images", "label count", "2-d labels"],
)
def test_h5_file_with_wrong_shapes_is_a_value_error(tmp_path, h5py, images, labels):
    with h5py.File(tmp_path / "train_catvnoncat.h5", "w") as file:
        file["train_set_x"], file["train_set_y"] = images, labels
        file["list_classes"] = np.array([b"non-cat", b"cat"])
    with pytest.raises(ValueError, match=r"expected \(m, 64, 64, 3\) and \(m,\)"):
        nn.datasets.load_catvnoncat(tmp_path)


def test_missing_h5py_names_the_data_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match=re.escape("autograd-lite[data]")):
        nn.datasets.load_catvnoncat(tmp_path)


def check_fake(data, train, test):
    (train_images, train_labels), (test_images, _) = train, test
    assert data.X_train.shape == (12288, 5) and data.Y_train.shape == (1, 5)
    assert data.X_test.shape == (12288, 3) and data.Y_test.shape == (1, 3)
    np.testing.assert_array_equal(data.X_train, train_images.reshape(5, -1).T / 255.0)
    np.testing.assert_array_equal(data.X_test, test_images.reshape(3, -1).T / 255.0)
    np.testing.assert_array_equal(data.Y_train, [train_labels])
    assert data.Y_train.dtype == np.float64
    assert data.classes == ["non-cat", "cat"]


def test_environment_variable_is_honoured(monkeypatch, fake_data):
    folder, train, test = fake_data
    monkeypatch.setenv(DATA_ENV, str(folder))
    check_fake(nn.datasets.load_catvnoncat(), train, test)


def test_explicit_directory_beats_the_environment_variable(monkeypatch, tmp_path, fake_data):
    folder, train, test = fake_data
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "elsewhere"))
    check_fake(nn.datasets.load_catvnoncat(str(folder)), train, test)
    check_fake(nn.datasets.load_catvnoncat(folder), train, test)


# --- plots ------------------------------------------------------------------------------------------------


@pytest.fixture
def plots():
    pytest.importorskip("matplotlib")
    from autograd_lite.nn import plots

    return plots


def assert_png(path):
    assert path.is_file()
    assert path.read_bytes()[:8] == PNG_SIGNATURE


def test_plot_costs_writes_a_png(tmp_path, plots):
    path = tmp_path / "costs.png"
    assert plots.plot_costs([0.69, 0.5, 0.3, 0.2], path, title="costs", learning_rate=0.0075) == path
    assert_png(path)


def test_plot_decision_boundary_writes_a_png(tmp_path, plots):
    X, Y = nn.datasets.planar_flower()
    model = nn.DeepNetwork([2, 4, 1], hidden_activation="tanh", init="small", seed=2)
    nn.fit(model, X, Y, learning_rate=1.2, num_iterations=20)
    path = tmp_path / "boundary.png"
    assert plots.plot_decision_boundary(model, X, Y, str(path), title="n_h = 4") == path
    assert_png(path)


def test_plot_decision_boundary_needs_two_features(tmp_path, plots):
    with pytest.raises(ValueError, match="needs 2-D inputs, X has 3 features"):
        plots.plot_decision_boundary(
            nn.DeepNetwork([3, 1]), np.zeros((3, 4)), np.zeros((1, 4)), tmp_path / "x.png"
        )


def test_missing_matplotlib_names_the_plot_extra(monkeypatch, tmp_path):
    from autograd_lite.nn import plots

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=re.escape("autograd-lite[plot]")):
        plots.plot_costs([1.0, 0.5], tmp_path / "costs.png")
    assert not (tmp_path / "costs.png").exists()


# --- the example scripts ----------------------------------------------------------------------------------


def run_example(name, *args, cwd, data_env=None):
    env = {key: value for key, value in os.environ.items() if key != DATA_ENV}
    if data_env is not None:
        env[DATA_ENV] = str(data_env)
    return run_script(ROOT / "examples" / name, *args, cwd=cwd, env=env)


ACCURACY = r"\b{} accuracy: \d+\.\d\d %$"


def test_planar_example(tmp_path):
    result = run_example("planar_classification.py", "--iterations", "200", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Cost after iteration 0: 0.693048" in lines
    assert any(re.search(ACCURACY.format("train"), line) for line in lines)


def test_planar_example_saves_plots(tmp_path):
    pytest.importorskip("matplotlib")
    result = run_example("planar_classification.py", "--iterations", "20", "--plot", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in ("planar_costs.png", "planar_boundary.png", "planar_logistic_boundary.png"):
        assert_png(tmp_path / "out" / name)


def test_logistic_regression_example(tmp_path, cat_data_dir):
    result = run_example(
        "logistic_regression.py", "--data", str(cat_data_dir), "--iterations", "101", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Cost after iteration 0: 0.693147" in lines
    assert "Cost after iteration 100: 0.584508" in lines
    assert any(re.search(ACCURACY.format("train"), line) for line in lines)
    assert any(re.search(ACCURACY.format("test"), line) for line in lines)


@pytest.mark.parametrize("where", ["--data", "environment"])
def test_deep_network_example(tmp_path, cat_data_dir, where):
    args = ["--layers", "12288,7,1", "--iterations", "1"]
    if where == "--data":
        result = run_example("deep_network.py", "--data", str(cat_data_dir), *args, cwd=tmp_path)
    else:
        result = run_example("deep_network.py", *args, cwd=tmp_path, data_env=cat_data_dir)
    assert result.returncode == 0, result.stderr
    assert "Cost after iteration 0: 0.693050" in result.stdout.splitlines()
    assert "DeepNetwork(layer_dims=[12288, 7, 1])" in result.stdout


@pytest.mark.parametrize("name", ["logistic_regression.py", "deep_network.py"])
def test_example_without_data_fails_with_a_clear_message(tmp_path, name):
    pytest.importorskip("h5py")
    result = run_example(name, "--iterations", "1", cwd=tmp_path)
    assert result.returncode != 0
    assert DATA_ENV in result.stderr
    assert "Traceback" not in result.stderr


def test_generated_pictures_have_the_cat_datas_shapes_and_are_seeded():
    X, Y = nn.datasets.pictures(30, seed=4)
    assert X.shape == (12288, 30) and Y.shape == (1, 30)
    assert 0.0 <= X.min() and X.max() <= 1.0 and set(np.unique(Y)) <= {0.0, 1.0} and 0 < Y.sum() < 30
    np.testing.assert_array_equal(X, nn.datasets.pictures(30, seed=4)[0])
    assert not np.array_equal(X, nn.datasets.pictures(30, seed=5)[0])


def test_without_the_cat_data_the_fallback_says_why(tmp_path):
    data, source, reason = nn.datasets.catvnoncat_or_pictures(tmp_path)
    assert (
        source == "generated pictures" and data.X_train.shape == (12288, 209) and data.X_test.shape[1] == 50
    )
    assert reason.startswith("cat data not found: set AUTOGRAD_LITE_DATA") and str(tmp_path) in reason
