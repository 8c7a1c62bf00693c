"""nn modules: Parameter, Module bookkeeping, the layers, the initializers' seeds, save and load."""

import numpy as np
import pytest

from autograd_lite import Tensor, nn

LAYER_DIMS = [4, 3, 2, 1]
EXPECTED_SHAPES = {"W1": (3, 4), "b1": (3, 1), "W2": (2, 3), "b2": (2, 1), "W3": (1, 2), "b3": (1, 1)}


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


NUMPY_ACTIVATIONS = {
    "sigmoid": sigmoid,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(0, z),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "linear": lambda z: z,
}


class TwoParts(nn.Module):
    """A hand-made module: one own parameter, one child, one plain tensor and one plain number."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(np.ones((2, 1)), name="scale")
        self.inner = nn.Dense(3, 2, activation="linear", seed=0, index=1)
        self.constant = Tensor(np.ones(2))
        self.count = 3

    def forward(self, X):
        return self.inner(X) * self.scale


# --- Parameter --------------------------------------------------------------------------------------------


def test_parameter_requires_grad_and_carries_its_name():
    W = nn.Parameter(np.ones((2, 3)), name="W1")
    assert W.requires_grad
    assert W.name == W.label == "W1"
    assert W.grad is None
    assert repr(W) == "Parameter(W1, shape=(2, 3))"


def test_parameter_owns_a_copy_of_its_data():
    source = np.arange(6.0).reshape(2, 3)
    W = nn.Parameter(source, name="W")
    source[0, 0] = 100.0
    assert W.data[0, 0] == 0.0
    assert not np.shares_memory(W.data, source)
    W.data[0, 1] = -1.0  # writable: the optimizer updates it in place
    assert source[0, 1] == 1.0


def test_parameter_keeps_float32_and_makes_integers_float64():
    W = nn.Parameter(np.ones((2, 2), dtype=np.float32), name="W")
    assert W.dtype == np.float32
    assert "dtype=float32" in repr(W)
    assert nn.Parameter(np.ones(3), dtype=np.float32).dtype == np.float32
    assert nn.Parameter([1, 2, 3]).dtype == np.float64


# --- Module bookkeeping -----------------------------------------------------------------------------------


def test_module_registers_parameters_and_modules_only():
    module = TwoParts()
    assert [name for name, _ in module.named_parameters()] == ["scale", "W1", "b1"]  # not the constant
    assert list(module.modules()) == [module, module.inner]
    assert module.parameters()[1] is module.inner.W


def test_reassigning_an_attribute_unregisters_it():
    module = TwoParts()
    module.scale = 2.0
    module.inner = None
    assert module.parameters() == []
    assert list(module.modules()) == [module]


def test_a_parameter_shared_by_two_children_is_listed_once():
    shared = nn.Dense(2, 2, seed=0, index=1)
    model = nn.Sequential(shared, shared)
    assert [name for name, _ in model.named_parameters()] == ["W1", "b1"]
    assert len(model.parameters()) == 2


def test_assigning_before_super_init_is_a_clear_error():
    class Forgetful(nn.Module):
        def __init__(self):
            self.W = nn.Parameter(np.ones(2))

    with pytest.raises(RuntimeError, match=r"Forgetful: call super\(\).__init__\(\)"):
        Forgetful()


def test_module_without_forward_raises():
    with pytest.raises(NotImplementedError, match="Module must define forward"):
        nn.Module()(Tensor(np.ones(2)))


def test_deep_network_parameter_names_shapes_and_order():
    model = nn.DeepNetwork(LAYER_DIMS, seed=0)
    named = list(model.named_parameters())
    assert [name for name, _ in named] == list(EXPECTED_SHAPES)
    assert {name: p.shape for name, p in named} == EXPECTED_SHAPES
    assert model.parameters() == [p for _, p in named]
    assert model.parameters()[0] is model[0].W and model.parameters()[-1] is model[2].b
    assert len(model) == 3


def test_sequential_numbers_unindexed_dense_layers():
    model = nn.Sequential(nn.Dense(4, 3, seed=0), nn.Dense(3, 1, activation="sigmoid", seed=0))
    assert [name for name, _ in model.named_parameters()] == ["W1", "b1", "W2", "b2"]


def test_zero_grad_clears_every_gradient():
    model = nn.DeepNetwork(LAYER_DIMS, seed=0)
    X = np.random.RandomState(1).randn(4, 5)
    model(Tensor(X)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    for p in model.parameters():  # zeros of each parameter's shape, as a Scalar's 0.0
        np.testing.assert_array_equal(p.grad, np.zeros(p.shape))


def test_train_and_eval_reach_every_submodule():
    model = nn.DeepNetwork(LAYER_DIMS, seed=0)
    assert model.eval() is model
    assert [m.training for m in model.modules()] == [False] * 4
    assert model.train() is model
    assert all(m.training for m in model.modules())


def test_repr_shows_the_layer_dimensions():
    text = repr(nn.DeepNetwork(LAYER_DIMS, seed=0))
    assert text.startswith("DeepNetwork(layer_dims=[4, 3, 2, 1])")
    assert "(layer1): Dense(W1 (3, 4), b1 (3, 1), relu)" in text
    assert "(layer3): Dense(W3 (1, 2), b3 (1, 1), sigmoid)" in text
    assert repr(nn.LogisticRegression(5)) == "LogisticRegression(n_x=5: w (5, 1), b ())"


# --- Dense and the activations ----------------------------------------------------------------------------


@pytest.mark.parametrize("activation", list(NUMPY_ACTIVATIONS))
def test_dense_forward_is_the_course_formula(activation):
    rng = np.random.RandomState(7)
    layer = nn.Dense(3, 4, activation=activation, seed=0)
    layer.b.data = rng.randn(4, 1)
    A_prev = rng.randn(3, 6)
    A = layer(Tensor(A_prev))
    expected = NUMPY_ACTIVATIONS[activation](layer.W.data @ A_prev + layer.b.data)
    assert A.shape == (4, 6)
    np.testing.assert_allclose(A.data, expected, rtol=1e-12, atol=1e-15)


def test_activations_table_lists_the_course_choices():
    assert list(nn.ACTIVATIONS) == list(NUMPY_ACTIVATIONS)


def test_unknown_activation_names_the_choices():
    expected = r"unknown activation 'swish'; choose one of sigmoid, tanh, relu, leaky_relu, linear"
    with pytest.raises(ValueError, match=expected):
        nn.Dense(2, 2, activation="swish")
    with pytest.raises(ValueError, match=expected):
        nn.DeepNetwork([2, 3, 1], hidden_activation="swish")


def test_unknown_init_names_the_choices():
    expected = r"unknown init 'gaussian'; choose one of zeros, small, deep, he, xavier"
    with pytest.raises(ValueError, match=expected):
        nn.DeepNetwork([2, 3, 1], init="gaussian")
    with pytest.raises(ValueError, match=expected):
        nn.LogisticRegression(2, init="gaussian")


@pytest.mark.parametrize("layer_dims", [[3], [], [3, 0, 1], [3, -2]])
def test_deep_network_rejects_bad_layer_dims(layer_dims):
    with pytest.raises(ValueError, match="layer_dims must list at least n_x and n"):
        nn.DeepNetwork(layer_dims)


# --- initializers: the course's legacy random stream ------------------------------------------------------

DIMS = [5, 4, 3, 1]


def course_weights(seed, scale):
    """np.random.seed(seed), then one randn(n[l], n[l-1]) per layer in order, scaled by scale(n[l-1])."""
    np.random.seed(seed)
    return [np.random.randn(DIMS[l], DIMS[l - 1]) * scale(DIMS[l - 1]) for l in range(1, len(DIMS))]


def weights(model):
    return [layer.W.data for layer in model.layers]


def test_small_init_matches_the_course_exactly():
    np.random.seed(1)
    W1 = np.random.randn(4, 5) * 0.01
    W2 = np.random.randn(3, 4) * 0.01
    W3 = np.random.randn(1, 3) * 0.01
    model = nn.DeepNetwork(DIMS, init="small", seed=1)
    for got, expected in zip(weights(model), [W1, W2, W3]):
        np.testing.assert_array_equal(got, expected)
    for layer in model.layers:
        np.testing.assert_array_equal(layer.b.data, np.zeros((layer.n_out, 1)))


def test_deep_init_divides_by_sqrt_of_the_previous_layer():
    np.random.seed(3)
    expected = [np.random.randn(DIMS[l], DIMS[l - 1]) / np.sqrt(DIMS[l - 1]) for l in range(1, len(DIMS))]
    for got, want in zip(weights(nn.DeepNetwork(DIMS, init="deep", seed=3)), expected):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    ("init", "scale"),
    [
        ("he", lambda n_prev: np.sqrt(2.0 / n_prev)),
        ("xavier", lambda n_prev: np.sqrt(1.0 / n_prev)),
        ("zeros", lambda n_prev: 0.0),
    ],
)
def test_he_xavier_and_zeros_scalings(init, scale):
    for got, expected in zip(weights(nn.DeepNetwork(DIMS, init=init, seed=4)), course_weights(4, scale)):
        np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0)


def test_seed_accepts_a_random_state_and_leaves_the_global_stream_alone():
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    by_number = nn.DeepNetwork(DIMS, init="he", seed=9)
    by_state = nn.DeepNetwork(DIMS, init="he", seed=np.random.RandomState(9))
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    for a, b in zip(weights(by_number), weights(by_state)):
        np.testing.assert_array_equal(a, b)


def test_custom_init_function_gets_rng_and_shape():
    calls = []

    def ones(rng, n, n_prev):
        calls.append((type(rng), n, n_prev))
        return np.ones((n, n_prev))

    model = nn.DeepNetwork([3, 2, 1], init=ones, seed=0)
    assert calls == [(np.random.RandomState, 2, 3), (np.random.RandomState, 1, 2)]
    np.testing.assert_array_equal(model[0].W.data, np.ones((2, 3)))


def test_float32_network_stays_float32():
    model = nn.DeepNetwork([3, 2, 1], seed=0, dtype=np.float32)
    assert {p.dtype for p in model.parameters()} == {np.dtype(np.float32)}
    assert model(Tensor(np.ones((3, 4), dtype=np.float32))).dtype == np.float32


# --- LogisticRegression -----------------------------------------------------------------------------------


def test_logistic_regression_starts_at_zero():
    model = nn.LogisticRegression(6)
    assert [(name, p.shape) for name, p in model.named_parameters()] == [("w", (6, 1)), ("b", ())]
    assert not model.w.data.any() and model.b.data == 0.0


def test_logistic_regression_forward_is_sigmoid_of_wT_X_plus_b():
    rng = np.random.RandomState(2)
    model = nn.LogisticRegression(3)
    model.w.data = rng.randn(3, 1)
    model.b.data = np.array(-0.3)
    X = rng.randn(3, 7)
    A = model(Tensor(X))
    assert A.shape == (1, 7)
    np.testing.assert_allclose(A.data, sigmoid(model.w.data.T @ X - 0.3), rtol=1e-12)


# --- save / load ------------------------------------------------------------------------------------------


def test_save_load_round_trip_restores_exact_values(tmp_path):
    path = tmp_path / "model.npz"
    source = nn.DeepNetwork(LAYER_DIMS, init="he", seed=1)
    source[1].b.data = np.array([[0.25], [-1.5]])
    source.save(path)
    target = nn.DeepNetwork(LAYER_DIMS, init="he", seed=2)
    target(Tensor(np.ones((4, 2)))).sum().backward()
    assert target.load(path) is target
    for (name, got), (_, expected) in zip(target.named_parameters(), source.named_parameters()):
        np.testing.assert_array_equal(got.data, expected.data, err_msg=name)
        assert got.grad is None
        assert got.data.flags.writeable


def test_saved_file_needs_no_pickle(tmp_path):
    path = tmp_path / "model.npz"
    model = nn.DeepNetwork(LAYER_DIMS, seed=0)
    model.save(path)
    with np.load(path, allow_pickle=False) as stored:
        assert sorted(stored.files) == sorted(EXPECTED_SHAPES)
        for name, parameter in model.named_parameters():
            assert stored[name].dtype == np.float64
            np.testing.assert_array_equal(stored[name], parameter.data)


def test_load_keeps_the_models_dtype(tmp_path):
    path = tmp_path / "model.npz"
    nn.DeepNetwork([3, 2, 1], seed=0).save(path)
    model = nn.DeepNetwork([3, 2, 1], seed=1, dtype=np.float32).load(path)
    assert {p.dtype for p in model.parameters()} == {np.dtype(np.float32)}


def test_load_with_other_dims_names_parameter_and_shapes(tmp_path):
    path = tmp_path / "model.npz"
    nn.DeepNetwork([4, 3, 2], seed=0).save(path)
    target = nn.DeepNetwork([4, 3, 5], seed=1)
    before = [p.data.copy() for p in target.parameters()]
    expected = r"parameter W2 has shape \(2, 3\) in the file but \(5, 3\) in the model"
    with pytest.raises(ValueError, match=expected):
        target.load(path)
    for parameter, old in zip(target.parameters(), before):  # nothing half-loaded
        np.testing.assert_array_equal(parameter.data, old)


def test_load_with_missing_parameters(tmp_path):
    path = tmp_path / "small.npz"
    nn.DeepNetwork([4, 3, 2], seed=0).save(path)
    with pytest.raises(ValueError, match="missing from the file: W3, b3"):
        nn.DeepNetwork(LAYER_DIMS, seed=0).load(path)


def test_load_with_extra_parameters(tmp_path):
    path = tmp_path / "big.npz"
    nn.DeepNetwork(LAYER_DIMS, seed=0).save(path)
    with pytest.raises(ValueError, match="in the file but not in the model: W3, b3"):
        nn.DeepNetwork([4, 3, 2], seed=0).load(path)
