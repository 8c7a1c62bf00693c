"""Aids for learners: model.summary(X) (shapes, counts, the matrix-dimension check) and activation curves."""

import numpy as np
import pytest

from autograd_lite import Tensor, nn


def test_deep_network_summary_in_the_courses_notation():
    model = nn.DeepNetwork([12288, 20, 7, 5, 1], seed=1)
    table = model.summary(np.zeros((12288, 209)))
    lines = str(table).splitlines()
    assert lines[0] == "DeepNetwork"
    assert "W1 (20, 12288), b1 (20, 1)" in lines[3] and "Z1, A1 (20, 209)" in lines[3]
    assert lines[3].endswith("245,780")  # 20 * 12288 + 20
    assert "W4 (1, 5), b4 (1, 1)" in lines[6] and "Z4, A4 (1, 209)" in lines[6] and "sigmoid" in lines[6]
    total = sum(p.data.size for p in model.parameters())
    assert lines[-1].startswith("total") and lines[-1].endswith(f"{total:,}")
    assert repr(table) == str(table)  # shown as the table in a REPL or notebook


def test_summary_without_X_writes_m_and_takes_a_tensor():
    model = nn.DeepNetwork([2, 4, 1], hidden_activation="tanh", seed=0)
    assert "Z1, A1 (4, m)" in model.summary()
    assert "Z1, A1 (4, 400)" in model.summary(Tensor(np.zeros((2, 400))))
    assert "w (3, 1), b ()" in nn.LogisticRegression(3).summary()
    assert "A (1, 7)" in nn.LogisticRegression(3).summary(np.zeros((3, 7)))


def test_summary_refuses_X_with_the_wrong_number_of_rows():
    model = nn.DeepNetwork([4, 3, 1], seed=0)
    with pytest.raises(ValueError, match=r"X has shape \(10, 4\).*\(4, m\); examples are columns.*pass X\.T"):
        model.summary(np.zeros((10, 4)))
    with pytest.raises(ValueError, match=r"X has shape \(5, 10\), but the model takes \(4, m\)$"):
        model.summary(np.zeros((5, 10)))


def test_summary_of_another_module_lists_its_parameters():
    class Scale(nn.Module):
        def __init__(self):
            super().__init__()
            self.s = nn.Parameter(np.ones((3, 1)), name="s")

        def forward(self, A):
            return A * self.s

    table = Scale().summary()
    assert "s (3, 1)" in table and table.splitlines()[-1].endswith("3")


@pytest.mark.parametrize(
    "name, value, slope",
    [
        ("sigmoid", lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
        ("tanh", np.tanh, lambda z: 1 / np.cosh(z) ** 2),
        ("relu", lambda z: np.maximum(z, 0), lambda z: (z > 0) * 1.0),
        ("leaky_relu", lambda z: np.where(z > 0, z, 0.01 * z), lambda z: np.where(z > 0, 1.0, 0.01)),
        ("linear", lambda z: z, lambda z: np.ones_like(z)),
    ],
)
def test_activation_curves_come_from_the_engines_backward(name, value, slope):
    z, a, da = nn.activation_curve(name)
    assert z.shape == a.shape == da.shape == (401,)
    np.testing.assert_allclose(a, value(z), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(da, slope(z), rtol=1e-9, atol=1e-15)  # relu's kink at 0: 0, as in training
    z, a, da = nn.activation_curve(name, [-1.0, 2.0])
    assert z.tolist() == [-1.0, 2.0]
