"""Model files and the course data loader: nothing lost, nothing unbounded, one clear error each.

``Module.save`` / ``Module.load``: unique names, atomic writes, headers checked before data is read.
``load_catvnoncat``: shapes, dtypes, label values and declared sizes checked before images are read.
The size-bomb tests run the refusal in a child process under an address-space cap.
"""

import io
import json
import os
import re
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest
from autograd_lite.nn import Module, Parameter
from helpers import fail_on_the_second_array

from autograd_lite import nn

SMALL_DIMS = [3, 2, 1]
SMALL_SHAPES = {"W1": (2, 3), "b1": (2, 1), "W2": (1, 2), "b2": (1, 1)}
MEMORY_CAP = 512 * 2**20  # address space the child may use in total while refusing a bomb


def small_arrays(seed=0):
    """Arrays that fit ``nn.DeepNetwork(SMALL_DIMS)``, by name."""
    rng = np.random.RandomState(seed)
    return {name: rng.randn(*shape) for name, shape in SMALL_SHAPES.items()}


def parameter_values(model):
    return {name: parameter.data.copy() for name, parameter in model.named_parameters()}


class TwoDense(Module):
    """Two Dense layers made without ``index``: both call their parameters W and b."""

    def __init__(self, seed=0):
        super().__init__()
        self.first = nn.Dense(2, 3, seed=seed)
        self.second = nn.Dense(3, 1, seed=seed + 1)

    def forward(self, X):
        return self.second(self.first(X))


class Unlabelled(Module):
    """Parameters without labels, in two sub-modules: their module paths name them."""

    def __init__(self, seed=0):
        super().__init__()
        rng = np.random.RandomState(seed)
        self.p = Parameter(rng.randn(2, 2))
        self.inner = Module()
        self.inner.p = Parameter(rng.randn(3))


class Shared(Module):
    """One parameter registered twice: saved once."""

    def __init__(self, seed=0):
        super().__init__()
        self.a = nn.Dense(2, 2, seed=seed, index=1)
        self.b = self.a


class Awkward(Module):
    """Labels that are also ``numpy.savez``'s keyword arguments."""

    def __init__(self, seed=0):
        super().__init__()
        rng = np.random.RandomState(seed)
        self.x = Parameter(rng.randn(2), name="file")
        self.y = Parameter(rng.randn(3), name="allow_pickle")


# --- save: one key per parameter --------------------------------------------------------------------------


def test_duplicated_labels_are_refused_rather_than_overwritten(tmp_path):
    path = tmp_path / "model.npz"
    with pytest.raises(ValueError, match=r"W, b are used more than once") as info:
        TwoDense().save(path)
    assert str(info.value).startswith(f"save {path}: ")
    assert "W names first.W, second.W" in str(info.value)
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_nested_networks_with_the_same_labels_are_refused(tmp_path):
    model = nn.Sequential(nn.DeepNetwork([2, 3, 2]), nn.DeepNetwork([2, 2, 1]))
    with pytest.raises(ValueError, match=r"W1, b1, W2, b2 are used more than once"):
        model.save(tmp_path / "nested.npz")


def test_load_refuses_a_model_with_duplicated_labels(tmp_path):
    path = nn.Dense(2, 3, seed=0).save(tmp_path / "dense.npz")
    model = TwoDense()
    before = [parameter.data.copy() for parameter in model.parameters()]
    with pytest.raises(ValueError, match=r"used more than once") as info:
        model.load(path)
    assert str(info.value).startswith(f"load {path}: ")
    for parameter, old in zip(model.parameters(), before):
        np.testing.assert_array_equal(parameter.data, old)


@pytest.mark.parametrize(
    ("build", "names"),
    [
        (lambda seed: nn.Dense(3, 2, seed=seed), ["W", "b"]),
        (lambda seed: nn.Dense(3, 2, seed=seed, index=4), ["W4", "b4"]),
        (lambda seed: nn.LogisticRegression(3, init="small", seed=seed), ["w", "b"]),
        (lambda seed: nn.Sequential(nn.Dense(3, 2, seed=seed), nn.Dense(2, 1)), ["W1", "b1", "W2", "b2"]),
        (lambda seed: nn.DeepNetwork(SMALL_DIMS, seed=seed), list(SMALL_SHAPES)),
        (lambda seed: nn.DeepNetwork(SMALL_DIMS, seed=seed, dtype=np.float32), list(SMALL_SHAPES)),
        (lambda seed: Unlabelled(seed), ["p", "inner.p"]),
        (lambda seed: Shared(seed), ["W1", "b1"]),
        (lambda seed: Awkward(seed), ["file", "allow_pickle"]),
    ],
    ids=[
        "Dense",
        "Dense index",
        "LogisticRegression",
        "Sequential",
        "DeepNetwork",
        "float32",
        "unlabelled",
        "shared",
        "savez keywords",
    ],
)
def test_every_parameter_is_saved_under_its_own_name_and_loaded_back(tmp_path, build, names):
    source = build(0)
    for parameter in source.parameters():  # values the other seed cannot produce
        shift = np.arange(parameter.data.size).reshape(parameter.shape) + 0.5
        parameter.data = (parameter.data + shift).astype(parameter.dtype)
    path = source.save(tmp_path / "model")
    assert path == tmp_path / "model.npz"
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == sorted(f"{name}.npy" for name in names)
    with np.load(path, allow_pickle=False) as stored:
        for name, parameter in source.named_parameters():
            np.testing.assert_array_equal(stored[name], parameter.data)
    target = build(1)
    assert target.load(path) is target
    for (name, got), (_, expected) in zip(target.named_parameters(), source.named_parameters()):
        np.testing.assert_array_equal(got.data, expected.data, err_msg=name)
        assert got.dtype == expected.dtype
        assert got.grad is None


# --- save: atomic -----------------------------------------------------------------------------------------


@pytest.fixture
def old_file(tmp_path):
    """A model file already on disk, and its bytes."""
    path = nn.DeepNetwork(SMALL_DIMS, seed=0).save(tmp_path / "model.npz")
    return path, path.read_bytes()


def assert_untouched(path, old_bytes):
    assert path.read_bytes() == old_bytes
    assert [entry.name for entry in path.parent.iterdir()] == [path.name]  # no temporary file left


def test_failure_while_writing_leaves_the_old_file(monkeypatch, old_file):
    path, old_bytes = old_file
    calls = fail_on_the_second_array(monkeypatch)
    with pytest.raises(OSError, match="No space left"):
        nn.DeepNetwork(SMALL_DIMS, seed=1).save(path)
    assert len(calls) == 2  # the second array was half written when the failure came
    assert_untouched(path, old_bytes)


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_failure_when_syncing_or_renaming_leaves_the_old_file(monkeypatch, old_file, step):
    path, old_bytes = old_file

    def fail(*args, **kwargs):
        raise OSError(f"{step} failed")

    monkeypatch.setattr(os, step, fail)
    with pytest.raises(OSError, match=f"{step} failed"):
        nn.DeepNetwork(SMALL_DIMS, seed=1).save(path)
    assert_untouched(path, old_bytes)


def test_a_successful_save_replaces_the_file_and_leaves_nothing_else(old_file):
    path, old_bytes = old_file
    source = nn.DeepNetwork(SMALL_DIMS, seed=1)
    assert source.save(path) == path
    assert path.read_bytes() != old_bytes
    assert [entry.name for entry in path.parent.iterdir()] == [path.name]
    loaded = nn.DeepNetwork(SMALL_DIMS, seed=2).load(path)
    for (_, got), (_, expected) in zip(loaded.named_parameters(), source.named_parameters()):
        np.testing.assert_array_equal(got.data, expected.data)


def test_save_into_a_missing_folder_fails_cleanly(tmp_path):
    path = tmp_path / "absent" / "model.npz"
    with pytest.raises(FileNotFoundError, match=rf"^save {re.escape(str(path))}: no folder "):
        nn.DeepNetwork(SMALL_DIMS, seed=0).save(path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_new_files_follow_the_umask_and_overwritten_files_keep_their_mode(tmp_path):
    previous = os.umask(0o022)
    try:
        path = nn.DeepNetwork(SMALL_DIMS, seed=0).save(tmp_path / "model.npz")
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == 0o644
    path.chmod(0o600)
    nn.DeepNetwork(SMALL_DIMS, seed=1).save(path)
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_saving_through_a_symlink_replaces_the_file_it_points_to(tmp_path):
    real = nn.DeepNetwork(SMALL_DIMS, seed=0).save(tmp_path / "real.npz")
    link = tmp_path / "link.npz"
    link.symlink_to(real.name)
    source = nn.DeepNetwork(SMALL_DIMS, seed=1)
    source.save(link)
    assert link.is_symlink()
    loaded = nn.DeepNetwork(SMALL_DIMS, seed=2).load(real)
    np.testing.assert_array_equal(loaded[0].W.data, source[0].W.data)


# --- load: one clear error each, nothing read before the headers are checked ----------------------------


def assert_refused(path, pattern):
    """``load`` raises one ValueError starting ``load <path>:`` and leaves the model as it was."""
    model = nn.DeepNetwork(SMALL_DIMS, seed=0)
    before = parameter_values(model)
    with pytest.raises(ValueError) as info:
        model.load(path)
    message = str(info.value)
    assert message.startswith(f"load {path}: "), message
    assert re.search(pattern, message), message
    for name, parameter in model.named_parameters():
        np.testing.assert_array_equal(parameter.data, before[name])
    return message


def npy_bytes(array):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asanyarray(array), allow_pickle=True)
    return buffer.getvalue()


def write_zip(path, members, compression=zipfile.ZIP_STORED):
    """A zip of raw members (name -> bytes), for archives ``numpy.savez`` would not write."""
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return path


def test_missing_file_is_a_file_not_found_error_naming_it(tmp_path):
    path = tmp_path / "absent.npz"
    with pytest.raises(FileNotFoundError, match=rf"^load {re.escape(str(path))}: no such file"):
        nn.DeepNetwork(SMALL_DIMS).load(path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.npz"
    path.write_bytes(b"")
    assert_refused(path, r"empty \(0 bytes\)")


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_truncated_file(tmp_path, keep):
    full = nn.DeepNetwork(SMALL_DIMS, seed=0).save(tmp_path / "full.npz").read_bytes()
    path = tmp_path / "cut.npz"
    path.write_bytes(full[: int(len(full) * keep)])
    assert_refused(path, "truncated or damaged .npz archive")


def test_npy_file_renamed_to_npz(tmp_path):
    path = tmp_path / "one.npz"
    path.write_bytes(npy_bytes(np.zeros((2, 3))))
    assert_refused(path, r"one \.npy array \(numpy\.save\), not a \.npz")


def test_file_that_is_not_a_zip(tmp_path):
    path = tmp_path / "text.npz"
    path.write_text("W1 = [[1, 2, 3], [4, 5, 6]]\n")
    assert_refused(path, r"not a \.npz archive \(not a zip file\)")


def test_directory_is_refused(tmp_path):
    (tmp_path / "folder.npz").mkdir()
    assert_refused(tmp_path / "folder.npz", "is a directory")


@pytest.mark.parametrize(
    ("stored", "pattern"),
    [
        (np.full((2, 3), "1.5"), r"W1 is stored as <U3 \(text\)"),
        (np.full((2, 3), b"1.5"), r"W1 is stored as \|S3 \(text\)"),
        (
            np.full((2, 3), 1 + 2j),
            r"W1 is stored as complex128 \(complex: the imaginary part would be lost\)",
        ),
        (np.ones((2, 3), dtype=bool), r"W1 is stored as bool \(booleans\)"),
        (np.zeros((2, 3), dtype=[("x", "f8")]), r"W1 is stored as .* \(records or raw bytes\)"),
    ],
    ids=["str", "bytes", "complex", "bool", "structured"],
)
def test_arrays_that_are_not_real_numbers_are_refused(tmp_path, stored, pattern):
    arrays = {**small_arrays(), "W1": stored}
    path = tmp_path / "model.npz"
    np.savez(path, **arrays)
    assert_refused(path, pattern + "; only real floating-point or integer arrays load")


def test_object_arrays_are_refused_without_unpickling(tmp_path, monkeypatch):
    path = write_zip(
        tmp_path / "model.npz",
        [(f"{name}.npy", npy_bytes(array)) for name, array in small_arrays().items() if name != "W1"]
        + [("W1.npy", npy_bytes(np.array([[{}, {}, {}], [{}, {}, {}]], dtype=object)))],
    )
    assert_refused(path, r"W1 is stored as object \(Python objects\)")


def test_integer_and_fortran_ordered_arrays_load(tmp_path):
    arrays = small_arrays()
    arrays["W1"] = np.asfortranarray(np.arange(6).reshape(2, 3))
    arrays["b1"] = np.array([[1], [2]], dtype=np.uint8)
    arrays["W2"] = arrays["W2"].astype(">f4")
    np.savez(tmp_path / "model.npz", **arrays)
    model = nn.DeepNetwork(SMALL_DIMS, seed=0).load(tmp_path / "model.npz")
    for name, parameter in model.named_parameters():
        assert parameter.dtype == np.float64
        np.testing.assert_array_equal(parameter.data, arrays[name].astype(np.float64))


@pytest.mark.parametrize("change", [-8, +8], ids=["shorter", "longer"])
def test_member_whose_data_does_not_match_its_header(tmp_path, change):
    arrays = small_arrays()
    data = npy_bytes(arrays["W1"])
    data = data[:change] if change < 0 else data + bytes(change)
    members = [(f"{name}.npy", npy_bytes(array)) for name, array in arrays.items() if name != "W1"]
    path = write_zip(tmp_path / "model.npz", [*members, ("W1.npy", data)])
    expected = rf"W1 holds {48 + change} bytes of data but its header declares float64 \(2, 3\), 48 bytes"
    assert_refused(path, expected)


def test_member_that_is_not_an_npy_array(tmp_path):
    members = [(f"{name}.npy", npy_bytes(array)) for name, array in small_arrays().items() if name != "b2"]
    path = write_zip(tmp_path / "model.npz", [*members, ("b2.npy", b"just some bytes, no header")])
    assert_refused(path, r"b2\.npy is damaged or not a \.npy array")


def test_member_whose_data_fails_its_checksum(tmp_path):
    path = tmp_path / "model.npz"
    arrays = small_arrays()
    np.savez(path, **arrays)
    raw = bytearray(path.read_bytes())
    at = bytes(raw).index(arrays["W2"].tobytes())
    raw[at] ^= 0xFF
    path.write_bytes(bytes(raw))
    assert_refused(path, r"W2\.npy is damaged.*\(Bad CRC-32")


def test_member_stored_twice(tmp_path):
    members = [(f"{name}.npy", npy_bytes(array)) for name, array in small_arrays().items()]
    with pytest.warns(UserWarning, match="Duplicate name"):
        path = write_zip(tmp_path / "model.npz", [*members, ("W1.npy", npy_bytes(np.ones((2, 3))))])
    assert_refused(path, r"the archive holds W1\.npy twice")


def test_names_are_checked_with_the_familiar_message(tmp_path):
    arrays = small_arrays()
    del arrays["b2"]
    arrays["notes.txt"] = np.zeros(1)
    np.savez(tmp_path / "model.npz", **arrays)
    assert_refused(
        tmp_path / "model.npz",
        r"parameters do not match this model; missing from the file: b2; "
        r"in the file but not in the model: notes\.txt",
    )


# --- size bombs: refused under a memory cap ---------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from autograd_lite import nn
    import h5py  # imported before the cap: only the loading is measured

    kind, target, cap = sys.argv[1], sys.argv[2], int(sys.argv[3])
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    start = time.perf_counter()
    try:
        if kind == "npz":
            nn.DeepNetwork([3, 2, 1], seed=0).load(target)
        else:
            nn.datasets.load_catvnoncat(target)
        outcome = ["returned", ""]
    except BaseException as error:
        outcome = [type(error).__name__, str(error)]
    print(json.dumps(outcome + [time.perf_counter() - start]))
    """
)


def load_under_memory_cap(kind, target):
    """Run ``load`` (kind "npz") or ``load_catvnoncat`` (kind "h5") in a child limited to MEMORY_CAP."""
    resource = pytest.importorskip("resource")
    pytest.importorskip("h5py")
    if not hasattr(resource, "RLIMIT_AS") or sys.platform == "darwin":
        pytest.skip("needs an enforced RLIMIT_AS")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(target), str(MEMORY_CAP)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert child.returncode == 0, child.stderr
    outcome, message, seconds = json.loads(child.stdout.strip().splitlines()[-1])
    return outcome, message, seconds


@pytest.fixture(scope="module")
def npz_bombs(tmp_path_factory):
    """Small .npz files of compressed zeros that unpack to 512 MiB: a wrong shape, a wrong name."""
    folder = tmp_path_factory.mktemp("bombs")
    zeros = np.zeros((8192, 8192))  # 512 MiB once unpacked, about 0.5 MB compressed
    wrong_shape, wrong_name = folder / "shape.npz", folder / "name.npz"
    np.savez_compressed(wrong_shape, **{**small_arrays(), "W1": zeros})
    np.savez_compressed(wrong_name, **small_arrays(), extra=zeros)
    valid = folder / "valid.npz"
    np.savez_compressed(valid, **small_arrays())
    return {"shape": wrong_shape, "name": wrong_name, "valid": valid}


@pytest.mark.parametrize(
    ("bomb", "pattern"),
    [
        ("shape", r"parameter W1 has shape \(8192, 8192\) in the file but \(2, 3\) in the model"),
        ("name", "in the file but not in the model: extra"),
    ],
)
def test_npz_size_bomb_is_refused_quickly_under_a_memory_cap(npz_bombs, bomb, pattern):
    path = npz_bombs[bomb]
    assert path.stat().st_size < 4 * 2**20
    outcome, message, seconds = load_under_memory_cap("npz", path)
    assert outcome == "ValueError", message
    assert message.startswith(f"load {path}: ") and re.search(pattern, message), message
    assert seconds < 5


def test_valid_npz_loads_under_the_same_memory_cap(npz_bombs):
    outcome, message, _ = load_under_memory_cap("npz", npz_bombs["valid"])
    assert outcome == "returned", message


# --- load_catvnoncat ---------------------------------------------------------------------------------------


@pytest.fixture
def h5py():
    return pytest.importorskip("h5py")


def course_images(m, seed=0):
    return np.random.RandomState(seed).randint(0, 256, size=(m, 64, 64, 3)).astype(np.uint8)


def write_cat_file(h5py, folder, split, images=None, labels=None, classes=None):
    """A small synthetic file in the course's layout (never the course's data)."""
    images = course_images(3) if images is None else images
    labels = np.arange(len(images)) % 2 if labels is None else labels
    path = folder / f"{split}_catvnoncat.h5"
    with h5py.File(path, "w") as file:
        file[f"{split}_set_x"], file[f"{split}_set_y"] = images, labels
        file["list_classes"] = np.array([b"non-cat", b"cat"]) if classes is None else classes
    return path


def assert_cat_refused(folder, path, pattern):
    with pytest.raises(ValueError) as info:
        nn.datasets.load_catvnoncat(folder)
    message = str(info.value)
    assert message.startswith(f"load_catvnoncat: {path}"), message
    assert re.search(pattern, message), message


def test_course_layout_loads(tmp_path, h5py):
    train = course_images(4, seed=1)
    write_cat_file(h5py, tmp_path, "train", train, labels=np.array([0, 1, 1, 0]))
    write_cat_file(h5py, tmp_path, "test", course_images(2, seed=2))
    data = nn.datasets.load_catvnoncat(tmp_path)
    assert data.X_train.shape == (12288, 4) and data.X_test.shape == (12288, 2)
    np.testing.assert_array_equal(data.X_train, train.reshape(4, -1).T / 255.0)
    np.testing.assert_array_equal(data.Y_train, [[0.0, 1.0, 1.0, 0.0]])
    assert data.X_train.dtype == data.Y_train.dtype == np.float64
    assert data.classes == ["non-cat", "cat"]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_images_in_unit_range_are_not_divided_again(tmp_path, h5py, dtype):
    images = (course_images(3) / 255.0).astype(dtype)
    write_cat_file(h5py, tmp_path, "train", images)
    write_cat_file(h5py, tmp_path, "test", images)
    data = nn.datasets.load_catvnoncat(tmp_path)
    assert data.X_train.dtype == np.float64
    np.testing.assert_array_equal(data.X_train, images.reshape(3, -1).T.astype(np.float64))
    assert data.X_train.max() > 0.9


@pytest.mark.parametrize("bad", [255.0, -0.5, np.nan], ids=["0-255 floats", "negative", "nan"])
def test_float_images_outside_unit_range_are_refused(tmp_path, h5py, bad):
    images = course_images(3) / 255.0
    images[1, 2, 3, 0] = bad
    path = write_cat_file(h5py, tmp_path, "train", images)
    assert_cat_refused(tmp_path, path, r"float images must lie in \[0, 1\].*; 1 values do not")


def test_32x32_images_are_refused_asking_for_64x64x3(tmp_path, h5py):
    path = write_cat_file(h5py, tmp_path, "train", np.zeros((3, 32, 32, 3), dtype=np.uint8))
    assert_cat_refused(tmp_path, path, r"holds images \(3, 32, 32, 3\) .* m images of 64x64x3 pixels")


def test_images_without_a_dataspace_are_refused(tmp_path, h5py):
    path = tmp_path / "train_catvnoncat.h5"
    with h5py.File(path, "w") as file:
        file["train_set_x"], file["train_set_y"] = h5py.Empty("u1"), np.zeros(3, dtype=int)
        file["list_classes"] = np.array([b"non-cat", b"cat"])
    assert_cat_refused(tmp_path, path, r"holds images \(\) and labels \(3,\)")


@pytest.mark.parametrize("dtype", [np.int16, np.float128 if hasattr(np, "float128") else np.int64, "S1"])
def test_images_of_other_dtypes_are_refused(tmp_path, h5py, dtype):
    path = write_cat_file(h5py, tmp_path, "train", course_images(3).astype(dtype))
    assert_cat_refused(tmp_path, path, r"images are .*; expected uint8 \(0-255\) or floats in \[0, 1\]")


def test_labels_other_than_0_and_1_are_refused(tmp_path, h5py):
    path = write_cat_file(h5py, tmp_path, "train", labels=np.array([0, 2, 7]))
    assert_cat_refused(tmp_path, path, "labels must be 0 or 1; found 2, 7")


def test_float_labels_are_refused(tmp_path, h5py):
    path = write_cat_file(h5py, tmp_path, "train", labels=np.array([0.0, 1.0, 0.5]))
    assert_cat_refused(tmp_path, path, "labels are float64; expected integers 0 or 1")


@pytest.mark.parametrize(
    "classes", [np.array([b"a", b"b", b"c"]), np.array([0, 1])], ids=["three names", "numbers"]
)
def test_class_names_must_be_two_strings(tmp_path, h5py, classes):
    path = write_cat_file(h5py, tmp_path, "train", classes=classes)
    assert_cat_refused(tmp_path, path, "list_classes is .*; expected the two class names")


def test_a_group_where_a_dataset_belongs_is_named(tmp_path, h5py):
    path = tmp_path / "train_catvnoncat.h5"
    with h5py.File(path, "w") as file:
        file.create_group("train_set_x")
        file["train_set_y"] = np.zeros(3, dtype=int)
    expected = r"is not the course's file \(no dataset train_set_x, list_classes; it holds train_set_x"
    assert_cat_refused(tmp_path, path, expected)


def write_cat_bomb(h5py, folder, images, labels):
    """Chunked, gzip-compressed datasets of the declared sizes with no data written: a tiny file."""
    path = folder / "train_catvnoncat.h5"
    with h5py.File(path, "w") as file:
        for name, shape, dtype in [("train_set_x", images, "u1"), ("train_set_y", labels, "i8")]:
            chunks = (1, 64, 64, 3) if len(shape) == 4 else (4096,)
            file.create_dataset(name, shape=shape, dtype=dtype, chunks=chunks, compression="gzip")
        file["list_classes"] = np.array([b"non-cat", b"cat"])
    return path


@pytest.mark.parametrize(
    ("images", "labels", "pattern"),
    [
        ((200_000, 64, 64, 3), (200_000,), r"train_set_x declares \(200000, 64, 64, 3\) uint8, 2\.3 GiB"),
        ((3, 64, 64, 3), (200_000_000,), r"train_set_y declares \(200000000,\) int64, 1\.5 GiB"),
        ((10_001, 64, 64, 3), (10_001,), "declares 10001 images; load_catvnoncat reads at most 10000"),
    ],
    ids=["200,000 images", "200,000,000 labels", "10,001 images"],
)
def test_h5_size_bomb_is_refused_quickly_under_a_memory_cap(tmp_path, h5py, images, labels, pattern):
    path = write_cat_bomb(h5py, tmp_path, images, labels)
    assert path.stat().st_size < 2**20
    outcome, message, seconds = load_under_memory_cap("h5", tmp_path)
    assert outcome == "ValueError", message
    assert message.startswith(f"load_catvnoncat: {path}") and re.search(pattern, message), message
    assert seconds < 5


def test_course_layout_loads_under_the_same_memory_cap(tmp_path, h5py):
    write_cat_file(h5py, tmp_path, "train")
    write_cat_file(h5py, tmp_path, "test")
    outcome, message, _ = load_under_memory_cap("h5", tmp_path)
    assert outcome == "returned", message
