"""autograd_lite.nn: the course's models on the graph.

Notation: examples are columns (``X`` has shape ``(n_x, m)``), ``W[l]`` has shape
``(n[l], n[l-1])``, ``b[l]`` has shape ``(n[l], 1)``, ``Y`` has shape ``(1, m)``.

    from autograd_lite import nn
    X, Y = nn.datasets.planar_flower()
    model = nn.DeepNetwork([2, 4, 1], hidden_activation="tanh", init="small", seed=2)
    costs = nn.fit(model, X, Y, learning_rate=1.2, num_iterations=10000, print_cost=True, print_every=1000)
    print(f"train accuracy: {nn.accuracy(model, X, Y):.2f} %")
"""

from . import course, datasets, init, losses, optim
from .check import CHECKS, CheckResult, check
from .layers import ACTIVATIONS, DeepNetwork, Dense, LogisticRegression, Sequential, activation_curve
from .losses import binary_cross_entropy, l2_penalty, mean_squared_error, softmax_cross_entropy
from .module import Module, Parameter
from .optim import Adam, GradientDescent, Momentum, Optimizer, RMSprop
from .train import accuracy, fit, minibatches, predict

__all__ = [
    "ACTIVATIONS",
    "CHECKS",
    "CheckResult",
    "Adam",
    "Dense",
    "DeepNetwork",
    "GradientDescent",
    "LogisticRegression",
    "Module",
    "Momentum",
    "Optimizer",
    "Parameter",
    "RMSprop",
    "Sequential",
    "accuracy",
    "activation_curve",
    "binary_cross_entropy",
    "check",
    "course",
    "datasets",
    "fit",
    "init",
    "l2_penalty",
    "losses",
    "mean_squared_error",
    "minibatches",
    "optim",
    "predict",
    "softmax_cross_entropy",
]
