# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Week 3: a shallow neural network on planar data
#
# The third week of the "Neural Networks and Deep Learning" course: a network with **one hidden layer**
# classifies points of the plane that no straight line can separate. The engine builds the graph and
# computes every gradient; we write the course's equations next to the code and check them.
#
# Notation: examples are columns. $X$ has shape $(n_x, m) = (2, m)$, $Y$ has shape $(1, m)$; layer $l$
# has $n^{[l]}$ units, weights $W^{[l]}$ of shape $(n^{[l]}, n^{[l-1]})$ and biases $b^{[l]}$ of shape
# $(n^{[l]}, 1)$.
#
# Contents:
#
# 1. the "flower" data, and why logistic regression fails on it;
# 2. one hidden layer of tanh units: the equations, checked against the engine's gradients;
# 3. training and the decision boundary;
# 4. the size of the hidden layer: 1 to 50 units;
# 5. other planar datasets;
# 6. why the hidden layer needs a non-linear activation;
# 7. getting the matrix dimensions right, and `model.summary(X)`.

# %%
import matplotlib.pyplot as plt
import numpy as np

import autograd_lite as ag
from autograd_lite import Tensor, nn, viz

# %% [markdown]
# ## 1. The data
#
# `nn.datasets.planar_flower()` draws the course's flower: 400 points in two classes, red ($y = 0$) and
# blue ($y = 1$), arranged in petals.

# %%
X, Y = nn.datasets.planar_flower()
n_x, m = X.shape
print(f"X has shape {X.shape}, Y has shape {Y.shape}: m = {m} examples of n_x = {n_x} features")

figure, axis = plt.subplots(figsize=(5, 5))
axis.scatter(X[0], X[1], c=Y[0], cmap=plt.cm.Spectral, s=14, edgecolors="k", linewidths=0.3)
axis.set_title("the flower: y = 0 red, y = 1 blue")
plt.show()

# %% [markdown]
# A decision boundary is where the model's prediction switches from 0 to 1. To see it we predict on a
# fine grid of points covering the plane and colour the plane with matplotlib's `contourf`.

# %%
def plot_decision_boundary(axis, model, X, Y, title=""):
    """Colour the plane by the model's prediction (0 or 1), then scatter the examples on top."""
    x_min, x_max = X[0].min() - 1, X[0].max() + 1
    y_min, y_max = X[1].min() - 1, X[1].max() + 1
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, 200), np.linspace(y_min, y_max, 200))
    grid = np.stack([xx.ravel(), yy.ravel()])  # shape (2, 40000): one grid point per column
    predicted = nn.predict(model, grid).reshape(xx.shape)
    axis.contourf(xx, yy, predicted, cmap=plt.cm.Spectral, alpha=0.8)
    axis.scatter(X[0], X[1], c=Y[0], cmap=plt.cm.Spectral, s=10, edgecolors="k", linewidths=0.3)
    axis.set_title(title, fontsize=10)
    axis.set_xticks([])
    axis.set_yticks([])


# %% [markdown]
# ### Logistic regression first
#
# Logistic regression, $\hat{y} = \sigma(w^T x + b)$, can only draw a straight line through the plane.
# On the flower that is barely better than a coin toss.

# %%
logistic = nn.LogisticRegression(n_x=2)
nn.fit(logistic, X, Y, learning_rate=1.2, num_iterations=1000)
print(f"logistic regression: train accuracy {nn.accuracy(logistic, X, Y):.2f} %")

figure, axis = plt.subplots(figsize=(5, 5))
plot_decision_boundary(axis, logistic, X, Y, "logistic regression")
plt.show()

# %% [markdown]
# ## 2. One hidden layer
#
# The model for one example $x^{(i)}$, with $n^{[1]} = 4$ hidden units:
#
# $$z^{[1](i)} = W^{[1]} x^{(i)} + b^{[1]}, \qquad a^{[1](i)} = \tanh\big(z^{[1](i)}\big),$$
#
# $$z^{[2](i)} = W^{[2]} a^{[1](i)} + b^{[2]}, \qquad \hat{y}^{(i)} = a^{[2](i)} = \sigma(z^{[2](i)}),$$
#
# and for all $m$ examples at once (columns side by side), with the cost
#
# $$Z^{[1]} = W^{[1]} X + b^{[1]}, \quad A^{[1]} = \tanh(Z^{[1]}), \quad
# Z^{[2]} = W^{[2]} A^{[1]} + b^{[2]}, \quad A^{[2]} = \sigma(Z^{[2]}),$$
#
# $$J = -\frac{1}{m} \sum_{i=1}^{m} \Big( y^{(i)} \log a^{[2](i)} + \big(1 - y^{(i)}\big)
# \log\big(1 - a^{[2](i)}\big) \Big).$$
#
# Backpropagation, as the course derives it ($*$ is the elementwise product, and
# $\tanh'(z) = 1 - \tanh^2(z)$):
#
# $$dZ^{[2]} = A^{[2]} - Y, \qquad dW^{[2]} = \frac{1}{m} dZ^{[2]} A^{[1]T}, \qquad
# db^{[2]} = \frac{1}{m} \sum_{\text{columns}} dZ^{[2]},$$
#
# $$dZ^{[1]} = W^{[2]T} dZ^{[2]} * \big(1 - (A^{[1]})^2\big), \qquad
# dW^{[1]} = \frac{1}{m} dZ^{[1]} X^T, \qquad db^{[1]} = \frac{1}{m} \sum_{\text{columns}} dZ^{[1]}.$$
#
# `nn.DeepNetwork([2, 4, 1], hidden_activation="tanh")` is this model. With `init="small"` and `seed=2`
# its weights start as the course's, `np.random.randn(n[l], n[l-1]) * 0.01` after `np.random.seed(2)`,
# and the biases at zero. We run one forward and backward pass and compare the engine's gradients with
# the equations above, written in NumPy.

# %%
model = nn.DeepNetwork([2, 4, 1], hidden_activation="tanh", init="small", seed=2)
print(model)
W1, b1, W2, b2 = model[0].W, model[0].b, model[1].W, model[1].b

A2 = model(Tensor(X, label="X"))
cost = nn.binary_cross_entropy(A2, Y)
cost.backward()
print(f"cost at the start: {cost.item():.6f}")

# the course's backpropagation, by hand
A1 = np.tanh(W1.data @ X + b1.data)
dZ2 = A2.numpy() - Y
dW2 = dZ2 @ A1.T / m
db2 = dZ2.sum(axis=1, keepdims=True) / m
dZ1 = (W2.data.T @ dZ2) * (1 - A1**2)
dW1 = dZ1 @ X.T / m
db1 = dZ1.sum(axis=1, keepdims=True) / m
by_hand = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
for parameter in (W1, b1, W2, b2):
    formula = by_hand["d" + parameter.label]
    gap = np.abs(parameter.grad - formula).max()
    print(f"d{parameter.label}: shape {parameter.grad.shape}, largest gap engine - equations {gap:.1e}")
    assert np.allclose(parameter.grad, formula)

# %% [markdown]
# The graph the engine built for this pass, one box per layer with its parameters' shapes:

# %%
viz.draw(model)

# %% [markdown]
# ### Check yourself: `forward_propagation` and `backward_propagation`
#
# The course's one-hidden-layer functions in NumPy, checked against the engine's graph on seeded cases:
# $Z^{[1]} = W^{[1]} X + b^{[1]}$, $A^{[1]} = \tanh(Z^{[1]})$, $Z^{[2]} = W^{[2]} A^{[1]} + b^{[2]}$,
# $A^{[2]} = \sigma(Z^{[2]})$; then $dZ^{[2]} = A^{[2]} - Y$, $dW^{[2]} = \frac{1}{m} dZ^{[2]} A^{[1]T}$,
# $dZ^{[1]} = W^{[2]T} dZ^{[2]} \odot (1 - A^{[1]2})$, $dW^{[1]} = \frac{1}{m} dZ^{[1]} X^T$.

# %%
def forward_propagation(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


nn.check("forward_propagation", forward_propagation)

# %%
def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dW2 = dZ2 @ cache["A1"].T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = parameters["W2"].T @ dZ2 * (1 - cache["A1"] ** 2)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


nn.check("backward_propagation", backward_propagation)

# %% [markdown]
# ## 3. Training
#
# Gradient descent, $W^{[l]} := W^{[l]} - \alpha\, dW^{[l]}$ and $b^{[l]} := b^{[l]} - \alpha\, db^{[l]}$,
# with the course's learning rate $\alpha = 1.2$ and 10,000 iterations; `nn.fit` runs the loop (forward,
# cost, backward, update) and prints the cost every 1000 iterations. A fresh model starts from the same
# seed.

# %%
ITERATIONS = 10_000
model = nn.DeepNetwork([2, 4, 1], hidden_activation="tanh", init="small", seed=2)
costs = nn.fit(model, X, Y, learning_rate=1.2, num_iterations=ITERATIONS, print_cost=True, print_every=1000)
print(f"train accuracy: {nn.accuracy(model, X, Y):.2f} %")

figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
left.plot(costs)
left.set_xlabel("iterations")
left.set_ylabel("cost J")
left.set_title("one hidden layer of 4 tanh units (learning rate 1.2)")
plot_decision_boundary(right, model, X, Y, "decision boundary, 4 hidden units")
plt.show()

# %% [markdown]
# About 90 % against logistic regression's 47 %: the hidden layer bends the boundary around the petals.
#
# ## 4. The size of the hidden layer
#
# The course tries $n^{[1]} = 1, 2, 3, 4, 5, 20, 50$ hidden units with 5000 iterations each. One or two
# units are too few to follow the petals; from three units on the boundary follows them. Larger layers
# do no better on this data: their boundaries only bend further around single noisy points, a first
# sign of overfitting (which the next course, on regularisation, addresses).
#
# `compile=True` traces one training step and replays it: the same costs and weights as before, bit for
# bit, in less time.

# %%
SWEEP_ITERATIONS = 5000
sizes = (1, 2, 3, 4, 5, 20, 50)
figure, axes = plt.subplots(2, 4, figsize=(16, 8))
for axis, n_h in zip(axes.flat, sizes):
    candidate = nn.DeepNetwork([2, n_h, 1], hidden_activation="tanh", init="small", seed=2)
    nn.fit(candidate, X, Y, learning_rate=1.2, num_iterations=SWEEP_ITERATIONS, compile=True)
    score = nn.accuracy(candidate, X, Y)
    print(f"hidden layer of size {n_h:2d}: train accuracy {score:.2f} %")
    plot_decision_boundary(axis, candidate, X, Y, f"{n_h} hidden unit{'s' if n_h > 1 else ''}: {score:.1f} %")
axes.flat[-1].axis("off")
plt.show()

# %% [markdown]
# ## 5. Other planar datasets
#
# `nn.datasets` also generates the course's extra datasets: two interleaved half moons, two circles,
# Gaussian blobs (labelled by their centre, alternately 0 and 1) and a Gaussian cut into an inner and an
# outer half. The same network (5 tanh units) learns each of them; the course's 10,000 iterations are
# cut to 3000 here.

# %%
EXTRA_ITERATIONS = 3000
extra = {
    "moons": nn.datasets.moons(),
    "circles": nn.datasets.circles(),
    "blobs": nn.datasets.blobs(),
    "gaussian_quantiles": nn.datasets.gaussian_quantiles(),
}
figure, axes = plt.subplots(1, 4, figsize=(17, 4.4))
for axis, (name, (X_extra, Y_extra)) in zip(axes, extra.items()):
    candidate = nn.DeepNetwork([2, 5, 1], hidden_activation="tanh", init="small", seed=2)
    nn.fit(candidate, X_extra, Y_extra, learning_rate=1.2, num_iterations=EXTRA_ITERATIONS, compile=True)
    score = nn.accuracy(candidate, X_extra, Y_extra)
    print(f"{name:19s} X {X_extra.shape}: train accuracy {score:.2f} %")
    plot_decision_boundary(axis, candidate, X_extra, Y_extra, f"{name}: {score:.1f} %")
plt.show()

# %% [markdown]
# ## 6. Why the activation must be non-linear
#
# Suppose every hidden layer used the identity, $g(z) = z$ (`hidden_activation="linear"`). Then
#
# $$A^{[1]} = W^{[1]} X + b^{[1]}, \qquad
# Z^{[2]} = W^{[2]} A^{[1]} + b^{[2]} = \big(W^{[2]} W^{[1]}\big) X + \big(W^{[2]} b^{[1]} + b^{[2]}\big),$$
#
# and so on through every layer: however many layers, the output is
# $\sigma(W' X + b')$ with $W' = W^{[L]} \cdots W^{[2]} W^{[1]}$ of shape $(1, n_x)$, a single linear
# map, and $b'$ the biases carried through the same products. That is logistic regression with
# $w = W'^T$ and $b = b'$. We train a deep linear network $[2, 5, 4, 3, 1]$, multiply its weight matrices
# together, put the product into a logistic regression, and compare the predictions.

# %%
linear_net = nn.DeepNetwork([2, 5, 4, 3, 1], hidden_activation="linear", init="deep", seed=3)
nn.fit(linear_net, X, Y, learning_rate=0.1, num_iterations=1000)

W_product = np.eye(n_x)
b_product = np.zeros((n_x, 1))
for layer in linear_net.layers:  # Z = W A + b, layer after layer: carry the product and the bias
    W_product = layer.W.data @ W_product
    b_product = layer.W.data @ b_product + layer.b.data
print("W' = W4 W3 W2 W1 has shape", W_product.shape, "=", W_product.round(4), "; b' =", b_product.round(4))

equivalent = nn.LogisticRegression(n_x=2)
equivalent.w.data[...] = W_product.T  # w has shape (n_x, 1)
equivalent.b.data[...] = b_product.item()

with ag.no_grad():
    A_deep = linear_net(Tensor(X)).numpy()
    A_logistic = equivalent(Tensor(X)).numpy()
print(f"largest difference between the two models' outputs A: {np.abs(A_deep - A_logistic).max():.1e}")
assert np.allclose(A_deep, A_logistic)
print(f"deep linear network:  train accuracy {nn.accuracy(linear_net, X, Y):.2f} %")
print(f"logistic regression:  train accuracy {nn.accuracy(equivalent, X, Y):.2f} %")

figure, (left, right) = plt.subplots(1, 2, figsize=(10, 5))
plot_decision_boundary(left, linear_net, X, Y, "deep network, linear activations")
plot_decision_boundary(right, equivalent, X, Y, "logistic regression with w = W'ᵀ, b = b'")
plt.show()

# %% [markdown]
# Four layers, one straight line. The non-linearity ($\tanh$, ReLU, ...) is what lets each extra layer
# add something new. (A linear activation still has a use: in the output layer of a regression.)
#
# ## 7. Getting the matrix dimensions right
#
# The course's rule of thumb, for layer $l$ and $m$ examples:
#
# | quantity | shape |
# | --- | --- |
# | $W^{[l]}$, $dW^{[l]}$ | $(n^{[l]}, n^{[l-1]})$ |
# | $b^{[l]}$, $db^{[l]}$ | $(n^{[l]}, 1)$ |
# | $Z^{[l]}$, $A^{[l]}$, $dZ^{[l]}$, $dA^{[l]}$ | $(n^{[l]}, m)$ |
#
# `model.summary(X)` lists each layer with its parameters' shapes, the shape of its output for this $X$
# and its number of parameters.

# %%
print(model.summary(X))

# %% [markdown]
# The same table for the course's deep cat classifier, $[12288, 20, 7, 5, 1]$, on the 209 training
# pictures (only the shape of $X$ matters here), followed by the shapes seen in a forward pass of a small
# batch, computed step by step: $Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}$, $A^{[l]} = g^{[l]}(Z^{[l]})$.

# %%
cat_model = nn.DeepNetwork([12288, 20, 7, 5, 1], init="deep", seed=1)
print(cat_model.summary(np.zeros((12288, 209))))

A = Tensor(np.random.default_rng(0).random((12288, 3)), label="X")  # a batch of m = 3 examples
print(f"\nA[0] = X: {A.shape}")
for l, layer in enumerate(cat_model.layers, start=1):
    Z = layer.W @ A + layer.b
    shapes = f"W[{l}] {layer.W.shape} @ A[{l - 1}] {A.shape} + b[{l}] {layer.b.shape}"
    print(f"layer {l}: {shapes} -> Z[{l}] {Z.shape}")
    A = layer(A)
    print(f"         A[{l}] = {layer.activation}(Z[{l}]): {A.shape}")

# %% [markdown]
# When the shapes do not fit, the engine says which operands and which dimensions, rather than leaving
# a bare NumPy traceback. Here is $W^{[2]}$ applied to $X$ directly, skipping the first layer:

# %%
try:
    model[1].W @ Tensor(X, label="X")
except ag.ShapeError as problem:
    print(f"{type(problem).__name__}: {problem}")
