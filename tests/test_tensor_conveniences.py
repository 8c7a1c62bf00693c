"""The Tensor conveniences PyTorch and NumPy users reach for, and NumPy's functions on Tensors."""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

import autograd_lite as ag
from autograd_lite import BackwardError, ShapeError, Tensor


def param(values, label="x"):
    """A float64 Tensor that requires grad."""
    return Tensor(np.asarray(values, dtype=np.float64), requires_grad=True, label=label)


# --- shapes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "shape"),
    [
        (lambda t: t.squeeze(), (3,)),
        (lambda t: t.squeeze(0), (3, 1)),
        (lambda t: t.squeeze(axis=2), (1, 3)),
        (lambda t: t.unsqueeze(0), (1, 1, 3, 1)),
        (lambda t: t.unsqueeze(-1), (1, 3, 1, 1)),
        (lambda t: t.expand_dims(1), (1, 1, 3, 1)),
        (lambda t: t.view(3), (3,)),
        (lambda t: t.view(-1, 1), (3, 1)),
    ],
    ids=["squeeze", "squeeze(0)", "squeeze(axis=2)", "unsqueeze(0)", "unsqueeze(-1)", "expand_dims", "view",
         "view(-1, 1)"],
)  # fmt: skip
def test_squeeze_unsqueeze_view_keep_the_values_and_route_the_gradient_back(make, shape):
    x = param(np.arange(3.0).reshape(1, 3, 1))
    out = make(x)
    assert out.shape == shape
    np.testing.assert_array_equal(out.data.ravel(), [0.0, 1.0, 2.0])
    (out * Tensor(np.arange(1.0, 4.0).reshape(shape))).sum().backward()
    np.testing.assert_array_equal(x.grad, np.arange(1.0, 4.0).reshape(1, 3, 1))


def test_squeeze_of_an_axis_longer_than_one_names_the_tensor():
    with pytest.raises(ShapeError, match=r"squeeze\(W \(2, 3\), axis=0\)"):
        param(np.ones((2, 3)), "W").squeeze(0)


def test_unsqueeze_out_of_range_is_a_shape_error():
    with pytest.raises(ShapeError, match=r"unsqueeze\(W \(2, 3\), axis=5\)"):
        param(np.ones((2, 3)), "W").unsqueeze(5)


# --- dtypes, lists, requires_grad_ ----------------------------------------------------------------------


def test_astype_casts_on_the_graph_and_the_gradient_comes_back_in_the_leaf_dtype():
    x = param([1.5, -2.25])
    y = x.astype(np.float32)
    assert y.dtype == np.float32 and y.requires_grad and y.op.name == "astype"
    (y * y).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_allclose(x.grad, [3.0, -4.5])
    assert x.astype(np.float64) is x  # nothing to do


def test_tolist_gives_python_numbers():
    assert Tensor([[1.0, 2.0], [3.0, 4.0]]).tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert Tensor(2.5).tolist() == 2.5


def test_requires_grad_turns_a_constant_into_a_parameter_that_owns_its_values():
    source = np.array([1.0, 2.0])
    x = Tensor(source)
    assert x.requires_grad_() is x and x.requires_grad
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])
    x.data -= 0.5 * x.grad  # the course's update works on it
    np.testing.assert_array_equal(source, [1.0, 2.0])  # the caller's array was not changed
    assert x.requires_grad_(False).requires_grad is False


def test_requires_grad_on_a_computed_tensor_is_refused():
    y = param([1.0]) * 2
    with pytest.raises(BackwardError, match="only a leaf"):
        y.requires_grad_()


# --- PyTorch's dim= -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "logsumexp"])
def test_reductions_take_dim_as_a_synonym_of_axis(name):
    x = param(np.arange(6.0).reshape(2, 3))
    by_dim = getattr(x, name)(dim=1, keepdims=True)
    by_axis = getattr(x, name)(axis=1, keepdims=True)
    np.testing.assert_array_equal(by_dim.data, by_axis.data)
    with pytest.raises(TypeError, match="axis or dim, not both"):
        getattr(x, name)(axis=0, dim=1)


def test_softmax_takes_dim_too():
    x = param(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(x.softmax(dim=1).data, x.softmax(axis=1).data)


# --- NumPy's functions on Tensors ------------------------------------------------------------------------


def test_numpy_ufuncs_and_reductions_are_recorded_like_the_methods():
    values = np.array([[0.5, -1.0], [2.0, 0.25]])
    x = param(values)
    J = np.sum(np.exp(x) * np.maximum(x, 0.0) + np.ones((2, 2)) @ x, axis=0).sum()
    assert isinstance(J, Tensor)
    J.backward()

    def reference(v):
        """The same cost written with autograd.numpy."""
        return anp.sum(anp.exp(v) * anp.maximum(v, 0.0) + anp.dot(np.ones((2, 2)), v))

    np.testing.assert_allclose(J.item(), reference(values))
    np.testing.assert_allclose(x.grad, grad(reference)(values))


def test_numpy_functions_with_other_names_map_to_the_ops():
    x = param([[1.0, -2.0, 3.0]])
    assert np.transpose(x).shape == (3, 1) and np.transpose(x).op.name == "transpose"
    assert np.squeeze(x).shape == (3,)
    assert np.negative(x).op.name == "neg" and np.absolute(x).op.name == "abs"
    assert (np.ones((1, 3)) - x).op.name == "sub" and (np.ones((1, 3)) * x).op.name == "mul"


def test_questions_about_the_values_are_answered():
    x = param(np.ones((2, 3)))
    assert np.shape(x) == (2, 3) and np.ndim(x) == 2 and np.size(x) == 6
    assert np.allclose(x, 1.0)
    np.testing.assert_array_equal(np.ones(3) < Tensor([0.0, 2.0, 3.0]), [False, True, True])


def test_numpy_functions_that_are_not_ops_refuse_a_tensor_that_requires_grad():
    x = param([1.2, -0.4])
    for call in (lambda: np.floor(x), lambda: np.cumsum(x), lambda: np.exp(x, out=np.empty(2))):
        with pytest.raises(TypeError, match="would drop the graph: it is not an op of autograd-lite"):
            call()


def test_numpy_functions_that_are_not_ops_work_on_constants():
    np.testing.assert_array_equal(np.floor(Tensor([1.5, -0.5])), [1.0, -1.0])
    np.testing.assert_array_equal(np.cumsum(Tensor([1.0, 2.0])), [1.0, 3.0])


def test_numpy_arguments_a_tensor_method_does_not_take_are_a_clear_error():
    with pytest.raises(TypeError, match="np.sum on a Tensor"):
        np.sum(param([1.0]), dtype=np.float32)


def test_the_catalogue_lists_every_op_and_module_functions_reach_them():
    asked_for = {"sin", "cos", "gelu", "elu", "softplus", "square", "reciprocal", "log1p", "expm1"}
    assert asked_for <= set(ag.ops.OPS)
    assert ag.maximum(param([1.0]), 2.0).op.name == "maximum"
