"""The door to PyTorch: state dicts under torch.nn's keys, safetensors files, the equivalent torch model."""

import numpy as np
import pytest

from autograd_lite import Tensor, nn

safetensors = pytest.importorskip("safetensors.numpy")


def deep(seed=1, dtype=np.float64):
    return nn.DeepNetwork([4, 3, 2, 1], hidden_activation="tanh", seed=seed, dtype=dtype)


def predictions(model, X):
    return model(Tensor(X)).data


X = np.random.RandomState(0).randn(4, 9)


def test_state_dict_has_torch_keys_and_shapes():
    assert {k: v.shape for k, v in deep().state_dict().items()} == {
        "0.weight": (3, 4), "0.bias": (3,),
        "2.weight": (2, 3), "2.bias": (2,),
        "4.weight": (1, 2), "4.bias": (1,),
    }  # fmt: skip
    logistic = nn.LogisticRegression(5, init="small", seed=0)
    state = logistic.state_dict()
    assert {k: v.shape for k, v in state.items()} == {"0.weight": (1, 5), "0.bias": (1,)}
    np.testing.assert_array_equal(state["0.weight"][0], logistic.w.data[:, 0])
    dense = nn.Dense(3, 2, activation="linear", seed=0)
    assert list(dense.state_dict()) == ["0.weight", "0.bias"]


def test_state_dict_is_a_copy():
    model = deep()
    state = model.state_dict()
    state["0.weight"][...] = 7.0
    assert not (model.parameters()[0].data == 7.0).any()


def test_round_trip_gives_the_same_predictions_bit_for_bit():
    source, target = deep(seed=1), deep(seed=2)
    assert not np.array_equal(predictions(source, X), predictions(target, X))
    target.load_state_dict(source.state_dict())
    np.testing.assert_array_equal(predictions(target, X), predictions(source, X))
    assert all(p.grad is None for p in target.parameters())


def test_load_state_dict_takes_the_courses_own_shapes_and_converts_dtypes():
    model = deep(dtype=np.float32)
    state = {key: value.astype(np.float64) for key, value in deep(seed=3).state_dict().items()}
    state["0.bias"] = state["0.bias"].reshape(3, 1)  # the course's column
    model.load_state_dict(state)
    assert all(p.dtype == np.float32 for p in model.parameters())
    assert model.parameters()[1].shape == (3, 1)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda s: s.pop("2.bias"), r"missing 2\.bias"),
        (lambda s: s.update({"6.weight": np.ones(2)}), r"not in the model: 6\.weight"),
        (lambda s: s.update({"2.weight": np.ones((3, 2))}), r"2\.weight has shape \(3, 2\), but W2 needs"),
        (lambda s: s.update({"0.bias": np.array(["a", "b", "c"])}), r"0\.bias holds <U1 values"),
    ],
)
def test_load_state_dict_refuses_before_changing_anything(change, message):
    model = deep()
    before = [p.data.copy() for p in model.parameters()]
    state = deep(seed=5).state_dict()
    change(state)
    with pytest.raises(ValueError, match=message):
        model.load_state_dict(state)
    for p, old in zip(model.parameters(), before):
        np.testing.assert_array_equal(p.data, old)


def test_safetensors_round_trip(tmp_path):
    source, target = deep(seed=1), deep(seed=2)
    path = source.save_safetensors(tmp_path / "model.safetensors")
    assert set(safetensors.load_file(str(path))) == set(source.state_dict())
    target.load_safetensors(path)
    np.testing.assert_array_equal(predictions(target, X), predictions(source, X))


def test_safetensors_write_fault_leaves_the_old_file(tmp_path, monkeypatch):
    path = deep(seed=1).save_safetensors(tmp_path / "model.safetensors")
    before = path.read_bytes()

    def broken(arrays):
        raise RuntimeError("disk full")

    monkeypatch.setattr(safetensors, "save", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        deep(seed=2).save_safetensors(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.safetensors"]


def test_load_safetensors_refuses_what_does_not_fit(tmp_path):
    small = nn.DeepNetwork([4, 2, 1], seed=0).save_safetensors(tmp_path / "small.safetensors")
    with pytest.raises(ValueError, match=r"load .*small\.safetensors: the keys do not match"):
        deep().load_safetensors(small)
    wide = nn.DeepNetwork([4, 5, 2, 1], seed=0).save_safetensors(tmp_path / "wide.safetensors")
    with pytest.raises(ValueError, match=r"0\.weight has shape \(5, 4\), but W1 needs \(3, 4\)"):
        deep().load_safetensors(wide)
    garbage = tmp_path / "garbage.safetensors"
    garbage.write_bytes(b"not a safetensors file at all")
    with pytest.raises(ValueError, match="not a safetensors file"):
        deep().load_safetensors(garbage)
    with pytest.raises(FileNotFoundError, match="no such file"):
        deep().load_safetensors(tmp_path / "missing.safetensors")


# --- against PyTorch itself -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "make",
    [
        lambda dtype: nn.DeepNetwork([4, 3, 2, 1], hidden_activation="tanh", seed=1, dtype=dtype),
        lambda dtype: nn.DeepNetwork([4, 5, 3], hidden_activation="leaky_relu", output_activation="linear",
                                     seed=2, dtype=dtype),
        lambda dtype: nn.LogisticRegression(4, init="small", seed=0, dtype=dtype),
    ],
)  # fmt: skip
def test_the_torch_model_gives_the_same_predictions(make, dtype):
    torch = pytest.importorskip("torch")
    model = make(dtype)
    built = model.to_torch()
    Xd = X.astype(dtype)
    with torch.no_grad():
        theirs = built(torch.from_numpy(Xd.T)).numpy().T
    ours = predictions(model, Xd)
    assert theirs.dtype == ours.dtype
    np.testing.assert_allclose(theirs, ours, rtol=1e-12 if dtype == np.float64 else 1e-5, atol=0)


def test_a_torch_trained_model_comes_back_with_its_predictions(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file, save_file

    model = deep()
    built = model.to_torch()
    optimizer = torch.optim.SGD(built.parameters(), lr=0.5)
    Y = torch.from_numpy((X[:1] > 0).astype(np.float64).T)
    for _ in range(3):  # PyTorch trains it
        optimizer.zero_grad()
        torch.nn.functional.binary_cross_entropy(built(torch.from_numpy(X.T)), Y).backward()
        optimizer.step()
    with torch.no_grad():
        theirs = built(torch.from_numpy(X.T)).numpy().T
    back = deep(seed=7).load_state_dict(built.state_dict())  # torch tensors straight in
    np.testing.assert_array_equal((predictions(back, X) > 0.5), theirs > 0.5)
    np.testing.assert_allclose(predictions(back, X), theirs, rtol=1e-12, atol=0)

    path = tmp_path / "torch.safetensors"  # through a file PyTorch wrote, and one we wrote back
    save_file({k: v.contiguous() for k, v in built.state_dict().items()}, str(path))
    from_file = deep(seed=8).load_safetensors(path)
    np.testing.assert_array_equal(predictions(from_file, X), predictions(back, X))
    from_file.save_safetensors(path)
    again = model.to_torch()
    again.load_state_dict(load_file(str(path)))
    with torch.no_grad():
        np.testing.assert_array_equal(again(torch.from_numpy(X.T)).numpy().T, theirs)


def test_other_modules_keep_their_paths_and_have_no_torch_model():
    class Pair(nn.Module):
        def __init__(self):
            super().__init__()
            self.first = nn.Dense(2, 2, seed=0)
            self.scale = nn.Parameter(np.ones((2, 1)), name="s")

        def forward(self, A):
            return self.first(A) * self.scale

    pair = Pair()
    assert list(pair.state_dict()) == ["scale", "first.W", "first.b"]
    pytest.importorskip("torch")
    with pytest.raises(TypeError, match="no torch.nn equivalent is built for Pair"):
        pair.to_torch()
