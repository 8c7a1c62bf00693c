"""nn.check: a learner's hand-written course function against the engine's values and gradients.

The reference implementations below are written here in plain NumPy, the course's way (examples are
columns). Each passes; small deliberate mistakes fail with the first wrong quantity named, in the order
the engine computes it, and a diagram whose first wrong node is highlighted.
"""

from __future__ import annotations

import importlib
import re

import numpy as np
import pytest

from autograd_lite import Tensor, nn, viz

check_module = importlib.import_module("autograd_lite.nn.check")  # nn.check is the function
draw_module = importlib.import_module("autograd_lite.viz.draw")


# --- correct implementations, the course's way --------------------------------------------------------------


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    dw = np.dot(X, (A - Y).T) / m
    db = np.sum(A - Y) / m
    return {"dw": dw, "db": db}, np.squeeze(np.array(cost))


def forward_propagation(X, parameters):
    Z1 = np.dot(parameters["W1"], X) + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = np.dot(parameters["W2"], A1) + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m
    return np.squeeze(cost)


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = np.dot(dZ2, A1.T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = np.dot(parameters["W2"].T, dZ2) * (1 - np.power(A1, 2))
    dW1 = np.dot(dZ1, X.T) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def linear_forward(A_prev, W, b):
    Z = np.dot(W, A_prev) + b
    return Z, (A_prev, W, b)


def _relu_backward(dA, Z):
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def _sigmoid_backward(dA, Z):
    s = sigmoid(Z)
    return dA * s * (1 - s)


def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A = sigmoid(Z) if activation == "sigmoid" else np.maximum(0, Z)
    return A, (linear_cache, Z)


def L_model_forward(X, parameters):
    caches, A = [], X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = _relu_backward(dA, activation_cache)
    else:
        dZ = _sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)


def L_model_backward(AL, Y, caches, layer_backward=linear_activation_backward):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dA_prev, dW, db = layer_backward(dAL, caches[L - 1], "sigmoid")
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = dA_prev, dW, db
    for l in reversed(range(L - 1)):
        dA_prev, dW, db = layer_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = dA_prev, dW, db
    return grads


def update_parameters(parameters, grads, learning_rate):
    parameters = dict(parameters)
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


CORRECT = {
    "sigmoid": sigmoid,
    "propagate": propagate,
    "forward_propagation": forward_propagation,
    "compute_cost": compute_cost,
    "backward_propagation": backward_propagation,
    "initialize_parameters_deep": initialize_parameters_deep,
    "linear_forward": linear_forward,
    "linear_activation_forward": linear_activation_forward,
    "L_model_forward": L_model_forward,
    "linear_backward": linear_backward,
    "linear_activation_backward": linear_activation_backward,
    "L_model_backward": L_model_backward,
    "update_parameters": update_parameters,
}


# --- the names ----------------------------------------------------------------------------------------------


def test_checks_cover_the_course_functions():
    required = {
        "linear_activation_backward",
        "L_model_backward",
        "linear_forward",
        "L_model_forward",
        "compute_cost",
        "propagate",
        "backward_propagation",
    }
    assert required <= set(nn.CHECKS)
    assert set(nn.CHECKS) == set(CORRECT)
    assert nn.check is check_module.check and nn.CHECKS is check_module.CHECKS


def test_unknown_name_is_a_value_error_listing_the_checks():
    with pytest.raises(ValueError, match="linear_backwards") as raised:
        nn.check("linear_backwards", linear_backward)
    for name in nn.CHECKS:
        assert name in str(raised.value)


@pytest.mark.parametrize("options", [{"seed": -1}, {"seed": 1.5}, {"cases": 0}, {"cases": True}])
def test_bad_seed_or_cases_is_a_value_error(options):
    with pytest.raises(ValueError):
        nn.check("linear_backward", linear_backward, **options)


def test_a_function_is_required():
    with pytest.raises(TypeError, match="function"):
        nn.check("linear_backward", "linear_backward")


# --- correct implementations pass ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_a_correct_implementation_passes(name):
    result = nn.check(name, CORRECT[name])
    assert result.passed and bool(result), result.message
    assert result.diagram is None and result.case is None and result.quantity is None
    assert result.name == name
    assert result.message.startswith(f"{name}: 3 of 3 cases match") and result.message.endswith("✓")
    assert str(result) == repr(result) == result.message


@pytest.mark.parametrize("name", ["linear_activation_backward", "L_model_backward", "L_model_forward"])
def test_correct_implementations_pass_on_other_seeds_and_more_cases(name):
    for seed in range(2, 8):
        result = nn.check(name, CORRECT[name], seed=seed, cases=4)
        assert result, result.message
        assert "4 of 4 cases" in result.message


def test_changing_the_inputs_in_place_is_fine():
    def in_place(dA, cache, activation):  # dZ = dA without a copy: the course warns, the check does not care
        linear_cache, Z = cache
        if activation == "relu":
            dA[Z <= 0] = 0
            dZ = dA
        else:
            dZ = _sigmoid_backward(dA, Z)
        return linear_backward(dZ, linear_cache)

    assert nn.check("linear_activation_backward", in_place)


def test_one_case_says_so():
    assert nn.check("linear_backward", linear_backward, cases=1).message == (
        "linear_backward: 1 of 1 case matches the engine's gradients ✓"
    )


# --- mistakes: the first wrong quantity, named --------------------------------------------------------------


def lb_without_one_over_m(dZ, cache):
    A_prev, W, b = cache
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T), np.sum(dZ, axis=1, keepdims=True) / A_prev.shape[1]


def lb_db_over_the_units(dZ, cache):
    dA_prev, dW, _ = linear_backward(dZ, cache)
    return dA_prev, dW, np.sum(dZ, axis=0, keepdims=True) / dZ.shape[1]


def lb_db_without_keepdims(dZ, cache):
    dA_prev, dW, _ = linear_backward(dZ, cache)
    return dA_prev, dW, np.sum(dZ, axis=1) / dZ.shape[1]


def lb_swapped(dZ, cache):
    dA_prev, dW, db = linear_backward(dZ, cache)
    return dW, dA_prev, db


def lb_dA_prev_over_m(dZ, cache):
    dA_prev, dW, db = linear_backward(dZ, cache)
    return dA_prev / dZ.shape[1], dW, db


def lab_relu_times_A(dA, cache, activation):  # relu backward with A where its derivative belongs
    linear_cache, Z = cache
    dZ = dA * np.maximum(Z, 0) if activation == "relu" else _sigmoid_backward(dA, Z)
    return linear_backward(dZ, linear_cache)


def lab_sigmoid_of_the_cache_as_if_A(dA, cache, activation):
    linear_cache, Z = cache
    dZ = _relu_backward(dA, Z) if activation == "relu" else dA * Z * (1 - Z)
    return linear_backward(dZ, linear_cache)


def lab_always_sigmoid(dA, cache, activation):
    return linear_activation_backward(dA, cache, "sigmoid")


def laf_caches_A(A_prev, W, b, activation):
    A, (linear_cache, _) = linear_activation_forward(A_prev, W, b, activation)
    return A, (linear_cache, A)


def lf_without_b(A_prev, W, b):
    return np.dot(W, A_prev), (A_prev, W, b)


def lmf_all_sigmoid(X, parameters):
    caches, A = [], X
    for l in range(1, len(parameters) // 2 + 1):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "sigmoid")
        caches.append(cache)
    return A, caches


def lmf_flat_caches(X, parameters):
    AL, caches = L_model_forward(X, parameters)
    return AL, [(A_prev, W, b, Z) for (A_prev, W, b), Z in caches]


def cost_without_minus(AL, Y):
    return -compute_cost(AL, Y)


def cost_without_one_over_m(AL, Y):
    return compute_cost(AL, Y) * Y.shape[1]


def cost_without_the_second_term(AL, Y):
    return -np.sum(Y * np.log(AL)) / Y.shape[1]


def propagate_dw_without_one_over_m(w, b, X, Y):
    grads, cost = propagate(w, b, X, Y)
    return {"dw": grads["dw"] * X.shape[1], "db": grads["db"]}, cost


def propagate_cost_sum(w, b, X, Y):
    grads, cost = propagate(w, b, X, Y)
    return grads, cost * X.shape[1]


def bp_tanh_derivative_wrong(parameters, cache, X, Y):
    grads = backward_propagation(parameters, cache, X, Y)
    m, A1 = X.shape[1], cache["A1"]
    dZ1 = np.dot(parameters["W2"].T, cache["A2"] - Y) * (1 - A1)
    grads["dW1"], grads["db1"] = np.dot(dZ1, X.T) / m, np.sum(dZ1, axis=1, keepdims=True) / m
    return grads


def fp_relu_hidden(X, parameters):
    A2, cache = forward_propagation(X, parameters)
    cache["A1"] = np.maximum(cache["Z1"], 0)
    return A2, cache


def sigmoid_wrong_sign(z):
    return 1.0 / (1.0 + np.exp(z))


def update_adds(parameters, grads, learning_rate):
    return update_parameters(parameters, grads, -learning_rate)


def init_zero_W1(layer_dims):
    parameters = initialize_parameters_deep(layer_dims)
    parameters["W1"] = np.zeros_like(parameters["W1"])
    return parameters


def init_b_ones(layer_dims):
    parameters = initialize_parameters_deep(layer_dims)
    parameters["b1"] = np.ones_like(parameters["b1"])
    return parameters


def init_W2_transposed(layer_dims):
    parameters = initialize_parameters_deep(layer_dims)
    parameters["W2"] = parameters["W2"].T
    return parameters


MISTAKES = [
    # name, function, case, first wrong quantity, text in the message
    ("linear_backward", lb_without_one_over_m, 1, "dW", "did you forget the 1/m?"),
    ("linear_backward", lb_db_over_the_units, 1, "db", "summed over axis 0"),
    ("linear_backward", lb_db_without_keepdims, 1, "db", "keepdims=True"),
    ("linear_backward", lb_swapped, 1, "dW", "dW has shape"),
    ("linear_backward", lb_dA_prev_over_m, 1, "dA_prev", "dA_prev has no 1/m"),
    ("linear_activation_backward", lab_relu_times_A, 2, "dW", "it matches dZ = dA·A"),
    ("linear_activation_backward", lab_sigmoid_of_the_cache_as_if_A, 1, "dW", "the activation cache holds Z"),
    ("linear_activation_backward", lab_always_sigmoid, 2, "dW", "is activation = 'relu' followed?"),
    ("linear_activation_forward", laf_caches_A, 1, "Z", "the activation cache holds Z"),
    ("linear_forward", lf_without_b, 1, "Z", "+ b is missing"),
    ("L_model_forward", lmf_all_sigmoid, 1, "A1", "hidden layers use relu"),
    ("L_model_forward", lmf_flat_caches, 1, "Z1", "caches[0] should be (linear_cache, activation_cache)"),
    ("compute_cost", cost_without_minus, 1, "cost", "opposite sign"),
    ("compute_cost", cost_without_one_over_m, 1, "cost", "did you forget the 1/m?"),
    ("compute_cost", cost_without_the_second_term, 1, "cost", "the (1 − Y) log(1 − AL) term is missing"),
    ("propagate", propagate_dw_without_one_over_m, 1, "dw", "did you forget the 1/m?"),
    ("propagate", propagate_cost_sum, 1, "cost", "did you forget the 1/m?"),
    ("backward_propagation", bp_tanh_derivative_wrong, 1, "dW1", 'dW1 (grads["dW1"]) differs'),
    ("forward_propagation", fp_relu_hidden, 1, "A1", "the hidden layer uses tanh"),
    ("sigmoid", sigmoid_wrong_sign, 1, "s", "σ(z) = 1/(1 + e^(−z))"),
    ("update_parameters", update_adds, 1, "W1", "gradient descent subtracts"),
    ("initialize_parameters_deep", init_zero_W1, 1, "W1", "W1 is all zeros"),
    ("initialize_parameters_deep", init_b_ones, 1, "b1", "b1 is not zero"),
    ("initialize_parameters_deep", init_W2_transposed, 1, "W2", "transposed"),
]


@pytest.mark.parametrize(
    "name, function, case, quantity, text", MISTAKES, ids=[mistake[1].__name__ for mistake in MISTAKES]
)
def test_a_mistake_names_the_first_wrong_quantity(name, function, case, quantity, text):
    result = nn.check(name, function)
    assert not result.passed and not result
    assert (result.case, result.quantity) == (case, quantity), result.message
    assert text in result.message, result.message
    assert result.message.startswith(f"{name}: case {case} (seed 1): {quantity}")
    assert "Traceback" not in result.message and "\n" not in result.message
    assert result.diagram is not None


def test_a_differing_value_shows_expected_and_got_numbers():
    result = nn.check("linear_backward", lb_without_one_over_m)
    match = re.search(r"dW differs: expected \[([^\]]*)\].*, got \[([^\]]*)\]", result.message)
    assert match, result.message
    expected = [float(x) for x in match.group(1).split(", ")[:3]]
    got = [float(x) for x in match.group(2).split(", ")[:3]]
    m = int(re.search(r"dZ \(\d, (\d)\)", result.message).group(1))
    np.testing.assert_allclose(got, np.array(expected) * m, rtol=2e-3)
    assert f"it is exactly m = {m} times the engine's" in result.message


def test_the_backward_pass_order_puts_the_last_layer_first():
    layers = []

    def everything_off_by_m(AL, Y, caches):  # every dW and db is m times too large
        layers.append(len(caches))
        grads = L_model_backward(AL, Y, caches)
        return {
            key: value * AL.shape[1] if key[:2] in ("dW", "db") else value for key, value in grads.items()
        }

    result = nn.check("L_model_backward", everything_off_by_m)
    L = layers[0]
    assert result.quantity == f"dW{L}" and result.case == 1, result.message

    def hidden_layers_wrong(AL, Y, caches):  # the output layer right, each relu layer with σ' instead
        def layer(dA, cache, activation):
            return linear_activation_backward(dA, cache, "sigmoid")

        return L_model_backward(AL, Y, caches, layer_backward=layer)

    result = nn.check("L_model_backward", hidden_layers_wrong)
    assert result.quantity == f"dW{L - 1}", result.message  # dW{L}, db{L}, dA{L-1} match


def test_dA_keys_one_off_and_a_missing_dA0_are_reported():
    layers = []

    def shifted(AL, Y, caches):  # dA_prev of layer l stored as "dA{l}" instead of "dA{l-1}"
        layers.append(len(caches))
        grads = L_model_backward(AL, Y, caches)
        return {(f"dA{int(k[2:]) + 1}" if k.startswith("dA") else k): v for k, v in grads.items()}

    result = nn.check("L_model_backward", shifted)
    assert result.quantity == f"dA{layers[0] - 1}", result.message  # after dW{L} and db{L}, which match

    def without_dA0(AL, Y, caches):
        grads = L_model_backward(AL, Y, caches)
        del grads["dA0"]
        return grads

    result = nn.check("L_model_backward", without_dA0)
    assert result.quantity == "dA0"
    assert "dA0 (grads[\"dA0\"]): grads has no key 'dA0'" in result.message


# --- wrong shapes and formats ------------------------------------------------------------------------------


def test_a_wrong_shape_is_reported_before_any_value():
    def dW_one_column(dZ, cache):
        dA_prev, dW, db = linear_backward(dZ, cache)
        return dA_prev, dW[:, :1], db

    result = nn.check("linear_backward", dW_one_column)
    assert result.quantity == "dW"
    assert re.search(r"dW has shape \((\d), 1\) but W is \(\1, \d\)", result.message), result.message


def test_a_cost_of_any_size_one_shape_is_fine_but_not_more():
    assert nn.check("compute_cost", lambda AL, Y: compute_cost(AL, Y).reshape(1, 1))
    result = nn.check("compute_cost", lambda AL, Y: -(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))
    assert result.quantity == "cost" and "should be a single number, but it has shape (1, " in result.message


@pytest.mark.parametrize(
    "returned, text",
    [
        (None, "the result should be (dA_prev, dW, db), but it is None"),
        ((1, 2), "the result should be (dA_prev, dW, db), but it is a tuple of 2 values"),
    ],
)
def test_a_result_of_the_wrong_form_says_what_it_should_be(returned, text):
    result = nn.check("linear_backward", lambda dZ, cache: returned)
    assert not result and result.quantity == "dW" and text in result.message


def test_a_value_that_is_not_numbers_is_reported():
    result = nn.check("linear_backward", lambda dZ, cache: (*linear_backward(dZ, cache)[:2], "db"))
    assert result.quantity == "db" and "db should be an array of shape" in result.message


# --- a function that raises ---------------------------------------------------------------------------------


def test_a_raising_function_gives_a_failed_result_not_an_exception():
    def broken(dA, cache, activation):
        (A_prev, W, b), Z = cache
        return np.dot(dA, A_prev)  # the shapes do not fit

    result = nn.check("linear_activation_backward", broken)
    assert not result.passed and result.case == 1 and result.quantity is None
    assert "case 1 (seed 1): your function raised ValueError: " in result.message
    assert "return np.dot(dA, A_prev)" in result.message and "of broken" in result.message
    assert "Traceback" not in result.message and "\n" not in result.message
    assert result.diagram is not None and "penwidth" not in result.diagram.source


def test_a_function_that_fails_only_on_a_later_case_says_which():
    def only_two_activations(dA, cache, activation):
        if activation == "relu":
            raise NotImplementedError("relu is for next week")
        return linear_activation_backward(dA, cache, activation)

    result = nn.check("linear_activation_backward", only_two_activations)
    assert result.case == 2
    assert (
        "case 2 (seed 1): your function raised NotImplementedError: relu is for next week" in result.message
    )
    assert "(1 of 3 cases matched before it.)" in result.message


# --- the diagram -------------------------------------------------------------------------------------------


def highlighted_nodes(source: str) -> list[str]:
    """The labels of the nodes drawn highlighted (a thick red border and the mark)."""
    color = draw_module.HIGHLIGHT_COLOR
    return [
        re.search(r'label="([^"]*)"', line).group(1)
        for line in source.splitlines()
        if f'color="{color}"' in line and "penwidth=3" in line and "->" not in line
    ]


def test_the_diagram_highlights_the_first_wrong_gradient_in_the_backward_view():
    result = nn.check("linear_backward", lb_without_one_over_m)
    source = result.diagram.source
    assert "dir=back" in source  # the backward view
    (label,) = highlighted_nodes(source)
    assert label.startswith("dW: ") and label.endswith("\\n✗")


def test_the_diagram_highlights_the_last_layers_dW_in_L_model_backward():
    layers = []

    def dW_without_one_over_m(AL, Y, caches):
        layers.append(len(caches))
        grads = L_model_backward(AL, Y, caches)
        return {key: value * AL.shape[1] if key.startswith("dW") else value for key, value in grads.items()}

    result = nn.check("L_model_backward", dW_without_one_over_m)
    (label,) = highlighted_nodes(result.diagram.source)
    assert label.startswith(f"dW{layers[0]}: ")


def test_the_diagram_highlights_a_wrong_value_in_the_forward_view():
    result = nn.check("L_model_forward", lmf_all_sigmoid)
    source = result.diagram.source
    assert "dir=back" not in source
    (label,) = highlighted_nodes(source)
    assert label.startswith("A1 = relu(Z1)")


def test_the_diagram_of_a_wrong_cost_is_the_forward_view_of_propagate():
    result = nn.check("propagate", propagate_cost_sum)
    (label,) = highlighted_nodes(result.diagram.source)
    assert label.startswith("cost = ")
    assert "dir=back" not in result.diagram.source


def test_draw_highlight_marks_only_the_given_nodes_and_none_changes_nothing():
    W = Tensor([[1.0, 2.0]], requires_grad=True, label="W")
    x = Tensor([[3.0], [4.0]], label="x")
    z = (W @ x).named("z")
    z.backward()
    for view in viz.VIEWS:
        plain = viz.draw(z, view=view).source
        assert viz.draw(z, view=view, highlight=None).source == plain
        assert viz.draw(z, view=view, highlight=[]).source == plain
        assert "penwidth" not in plain and "✗" not in plain
        marked = viz.draw(z, view=view, highlight=[W]).source
        (label,) = highlighted_nodes(marked)
        assert label.startswith("dW: " if view == "backward" else "W") and label.endswith("✗")
        assert viz.draw(z, view=view, highlight=W).source == marked  # one node is fine too


def test_the_html_display_has_the_message_and_the_diagram():
    failed = nn.check("linear_backward", lb_without_one_over_m)
    page = failed._repr_html_()
    assert "did you forget the 1/m?" in page and "<svg" in page
    passed = nn.check("linear_backward", linear_backward)
    assert passed._repr_html_() == "<p>linear_backward: 3 of 3 cases match the engine&#x27;s gradients ✓</p>"


# --- the cases: deterministic for a seed, different across seeds -------------------------------------------


def recorded_inputs(seed: int, cases: int = 3) -> list:
    seen = []

    def recorder(dA, cache, activation):
        (A_prev, W, b), Z = cache
        seen.append((dA.copy(), A_prev.copy(), W.copy(), b.copy(), Z.copy(), activation))
        return linear_activation_backward(dA, cache, activation)

    assert nn.check("linear_activation_backward", recorder, seed=seed, cases=cases)
    return seen


def same(a: list, b: list) -> bool:
    return len(a) == len(b) and all(
        all(np.array_equal(x, y) if isinstance(x, np.ndarray) else x == y for x, y in zip(p, q))
        for p, q in zip(a, b)
    )


def test_the_same_seed_gives_the_same_cases_and_the_same_message():
    assert same(recorded_inputs(1), recorded_inputs(1))
    first = nn.check("linear_backward", lb_without_one_over_m, seed=5)
    assert nn.check("linear_backward", lb_without_one_over_m, seed=5).message == first.message
    assert "(seed 5)" in first.message


def test_different_seeds_give_different_cases():
    one, two = recorded_inputs(1), recorded_inputs(2)
    assert not same(one, two)
    assert [case[-1] for case in one] == ["sigmoid", "relu", "sigmoid"]  # both activations, every seed
    assert nn.check("linear_backward", lb_without_one_over_m, seed=1).message != (
        nn.check("linear_backward", lb_without_one_over_m, seed=2).message
    )


def test_more_cases_extend_the_same_ones():
    assert same(recorded_inputs(3, cases=5)[:3], recorded_inputs(3))


def test_shapes_stay_small():
    for seed in range(1, 6):
        for dA, A_prev, W, b, Z, _ in recorded_inputs(seed):
            n, n_prev = W.shape
            m = A_prev.shape[1]
            assert 1 <= n <= 5 and 1 <= n_prev <= 5 and 1 <= m <= 6
            assert dA.shape == Z.shape == (n, m) and b.shape == (n, 1) and A_prev.shape == (n_prev, m)


def test_the_docstrings_document_the_cache_formats():
    doc = nn.check.__doc__
    assert "((A_prev, W, b), Z)" in doc and "(A_prev, W, b)" in doc
    assert '"dA{l-1}"' in doc and '"dW{l}"' in doc
