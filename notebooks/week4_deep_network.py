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
# # Week 4: a deep neural network, step by step
#
# The fourth week of the "Neural Networks and Deep Learning" course builds an $L$-layer network from
# small NumPy functions, then uses it to tell cat pictures from the rest. Here you write those
# functions yourself, in NumPy, as the course does; after each one a **check yourself** cell runs
# `nn.check(name, function)`, which builds the same computation on autograd-lite's graph, runs
# `backward()`, and compares your results with the engine's on a few small random cases. On a mismatch
# it says what differs and draws the engine's graph with the first wrong node marked ✗.
#
# Notation: examples are columns; `layer_dims` $= [n^{[0]}, n^{[1]}, \dots, n^{[L]}]$ with
# $n^{[0]} = n_x$; $W^{[l]}$ has shape $(n^{[l]}, n^{[l-1]})$, $b^{[l]}$ shape $(n^{[l]}, 1)$, and
# $Z^{[l]}$, $A^{[l]}$ shape $(n^{[l]}, m)$. The model is
# $[\text{LINEAR} \to \text{RELU}] \times (L-1) \to \text{LINEAR} \to \text{SIGMOID}$.
#
# Contents:
#
# 1. initialization;
# 2. the forward pass: `linear_forward`, `linear_activation_forward`, `L_model_forward`;
# 3. the cost;
# 4. the backward pass: `linear_backward` (first a wrong one), `linear_activation_backward`,
#    `L_model_backward`;
# 5. the update, and the whole model trained with your functions, next to the library's;
# 6. why the weights cannot start at zero;
# 7. the deep cat classifier $[12288, 20, 7, 5, 1]$, and your own picture.

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import autograd_lite as ag
from autograd_lite import Tensor, nn

# %% [markdown]
# ## 1. Initialization
#
# For every layer $l = 1, \dots, L$: $W^{[l]}$ random and small, `np.random.randn(n[l], n[l-1]) * 0.01`,
# and $b^{[l]}$ zeros of shape $(n^{[l]}, 1)$. A fixed seed makes the run repeatable; drawing from NumPy's
# legacy `RandomState` gives exactly the numbers `np.random.seed(seed)` would.

# %%
def initialize_parameters_deep(layer_dims, seed=1):
    """{"W1": W1, "b1": b1, ..., "WL": WL, "bL": bL} for the network with these layer sizes."""
    rng = np.random.RandomState(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = rng.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


for key, value in initialize_parameters_deep([5, 4, 3]).items():
    print(key, value.shape)

# %% [markdown]
# **Check yourself:**

# %%
nn.check("initialize_parameters_deep", initialize_parameters_deep)

# %% [markdown]
# ## 2. The forward pass
#
# ### The linear part
#
# $$Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}, \qquad A^{[0]} = X.$$
#
# Each function also returns a **cache** of what the backward pass will need: here the *linear cache*
# `(A_prev, W, b)`.

# %%
def linear_forward(A_prev, W, b):
    """Z = W A_prev + b (b is broadcast over the m columns); cache = (A_prev, W, b)."""
    Z = W @ A_prev + b
    cache = (A_prev, W, b)
    return Z, cache


# %%
nn.check("linear_forward", linear_forward)

# %% [markdown]
# ### The activation
#
# $$A^{[l]} = g^{[l]}(Z^{[l]}), \qquad
# \text{ReLU}(Z) = \max(0, Z), \qquad \sigma(Z) = \frac{1}{1 + e^{-Z}}.$$
#
# The *activation cache* is $Z$ itself, and `linear_activation_forward` returns the pair
# `(linear_cache, activation_cache)` $= ((A^{[l-1]}, W^{[l]}, b^{[l]}), Z^{[l]})$.

# %%
def sigmoid(Z):
    """A = 1 / (1 + e^(-Z)); the activation cache is Z."""
    return 1 / (1 + np.exp(-Z)), Z


def relu(Z):
    """A = max(0, Z); the activation cache is Z."""
    return np.maximum(0, Z), Z


def linear_activation_forward(A_prev, W, b, activation):
    """One layer, LINEAR -> ACTIVATION ("relu" or "sigmoid"); cache = (linear_cache, activation_cache)."""
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        A, activation_cache = relu(Z)
    else:
        raise ValueError(f"unknown activation {activation!r}")
    return A, (linear_cache, activation_cache)


# %%
nn.check("linear_activation_forward", linear_activation_forward)

# %% [markdown]
# ### The $L$-layer model
#
# Layers $1, \dots, L-1$ use ReLU, layer $L$ the sigmoid, and $\hat{Y} = A^{[L]}$ (`AL`). The number of
# layers is `len(parameters) // 2`. `caches` collects every layer's cache, in order.

# %%
def L_model_forward(X, parameters):
    """[LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID; returns AL and the list of the L layers' caches."""
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    caches.append(cache)
    return AL, caches


# %%
nn.check("L_model_forward", L_model_forward)

# %% [markdown]
# ## 3. The cost
#
# The cross-entropy cost of the $m$ predictions:
#
# $$J = -\frac{1}{m} \sum_{i=1}^{m} \Big(y^{(i)} \log a^{[L](i)} + (1 - y^{(i)}) \log(1 - a^{[L](i)})\Big).$$

# %%
def compute_cost(AL, Y):
    """The cross-entropy cost J, one number."""
    m = Y.shape[1]
    cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    return float(np.squeeze(cost))


# %%
nn.check("compute_cost", compute_cost)

# %% [markdown]
# ## 4. The backward pass
#
# ### The linear part
#
# Given $dZ^{[l]}$, the course's formulas for the linear step are
#
# $$dW^{[l]} = \frac{1}{m} dZ^{[l]} A^{[l-1]T}, \qquad
# db^{[l]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[l](i)}, \qquad
# dA^{[l-1]} = W^{[l]T} dZ^{[l]}.$$
#
# A word on the $\frac{1}{m}$. $dW$ and $db$ are the gradients of the cost $J$, a mean over the
# examples, hence the $\frac{1}{m}$. The course's $dA$ and $dZ$ are kept *per example* (each column is
# the derivative of that example's loss), so they carry no $\frac{1}{m}$: the engine's
# $\partial J / \partial A^{[l-1]}$ is $dA^{[l-1]} / m$, and `nn.check` takes that into account.
#
# First, a version with a classic mistake: it forgets the $\frac{1}{m}$ in $dW$ and $db$. The check
# says so, and the diagram of the engine's backward pass marks the first gradient that differs from
# yours.

# %%
def linear_backward_wrong(dZ, cache):
    """A deliberate mistake: dW and db without the 1/m."""
    A_prev, W, b = cache
    dW = dZ @ A_prev.T  # should be divided by m
    db = np.sum(dZ, axis=1, keepdims=True)  # should be divided by m
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


# %%
nn.check("linear_backward", linear_backward_wrong)

# %% [markdown]
# And the right one:

# %%
def linear_backward(dZ, cache):
    """dA_prev = W^T dZ, dW = (1/m) dZ A_prev^T, db = (1/m) sum of dZ over the examples."""
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


# %%
nn.check("linear_backward", linear_backward)

# %% [markdown]
# ### The activation
#
# $$dZ^{[l]} = dA^{[l]} * g'^{[l]}(Z^{[l]}),$$
#
# elementwise, with $\sigma'(Z) = \sigma(Z)(1 - \sigma(Z))$ and $\text{ReLU}'(Z) = 1$ where $Z > 0$, else
# $0$. The activation cache holds $Z$, so the sigmoid's derivative recomputes $\sigma(Z)$ first.

# %%
def relu_backward(dA, Z):
    """dZ = dA where Z > 0, else 0."""
    return np.where(Z > 0, dA, 0.0)


def sigmoid_backward(dA, Z):
    """dZ = dA * s (1 - s) with s = sigmoid(Z)."""
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


def linear_activation_backward(dA, cache, activation):
    """One layer backwards, ACTIVATION then LINEAR; returns dA_prev, dW, db."""
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
    else:
        raise ValueError(f"unknown activation {activation!r}")
    return linear_backward(dZ, linear_cache)


# %%
nn.check("linear_activation_backward", linear_activation_backward)

# %% [markdown]
# ### The $L$-layer model backwards
#
# Backpropagation starts from the derivative of the loss with respect to the output,
#
# $$dA^{[L]} = -\left(\frac{Y}{A^{[L]}} - \frac{1 - Y}{1 - A^{[L]}}\right),$$
#
# goes through the sigmoid layer $L$, then through the ReLU layers $L-1, \dots, 1$, using the caches in
# reverse order. The gradients go into a dict with the course's keys `"dA{l-1}"`, `"dW{l}"`, `"db{l}"`.

# %%
def L_model_backward(AL, Y, caches):
    """Gradients of the L-layer model: {"dA{l-1}", "dW{l}", "db{l}"} for l = 1..L."""
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = linear_activation_backward(
        dAL, caches[L - 1], "sigmoid"
    )
    for l in range(L - 1, 0, -1):
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(
            grads[f"dA{l}"], caches[l - 1], "relu"
        )
    return grads


# %%
nn.check("L_model_backward", L_model_backward)

# %% [markdown]
# ## 5. The update, and the whole model
#
# Gradient descent with learning rate $\alpha$, for $l = 1, \dots, L$:
#
# $$W^{[l]} := W^{[l]} - \alpha\, dW^{[l]}, \qquad b^{[l]} := b^{[l]} - \alpha\, db^{[l]}.$$

# %%
def update_parameters(parameters, grads, learning_rate):
    """One step of gradient descent on every W[l] and b[l]; returns the new parameters."""
    L = len(parameters) // 2
    updated = dict(parameters)
    for l in range(1, L + 1):
        updated[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        updated[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return updated


# %%
nn.check("update_parameters", update_parameters)

# %% [markdown]
# ### The data
#
# The course's cat pictures: 209 training and 50 test pictures of $64 \times 64 \times 3$ pixels, cat (1)
# or non-cat (0). They are not shipped with the library: put `train_catvnoncat.h5` and
# `test_catvnoncat.h5` in a folder and set the environment variable `AUTOGRAD_LITE_DATA` to it before
# starting Jupyter. Without them this notebook uses generated pictures of the same size, so every cell
# still runs. `load_catvnoncat` flattens each picture into a column and divides by 255, so $X$ has shape
# $(12288, m)$.

# %%
data, source, reason = nn.datasets.catvnoncat_or_pictures()  # the folder named by AUTOGRAD_LITE_DATA
if reason:
    print(reason)  # warm discs = 1, cool stripes = 0: every cell still runs
X_train, Y_train, X_test, Y_test, classes = data

num_px = 64
print(
    f"{source}: X_train {X_train.shape}, Y_train {Y_train.shape}, "
    f"X_test {X_test.shape}, Y_test {Y_test.shape}"
)

# %% [markdown]
# ### Your functions, trained
#
# The course's loop: initialize, then repeat forward pass, cost, backward pass, update. We train the
# course's two-layer model $[12288, 7, 1]$ with your functions and, side by side, the library's
# `nn.DeepNetwork` with the same start (`init="small"`, `seed=1`: the same `randn * 0.01` draws) and
# `nn.fit`. The two cost curves should be the same to about twelve digits.
#
# The course trains this model for 2500 iterations (learning rate 0.0075); we run 100 of each here to
# keep the notebook quick: set `HAND_ITERATIONS = 2500` for the course's run.

# %%
HAND_ITERATIONS = 100
layer_dims = [X_train.shape[0], 7, 1]
learning_rate = 0.0075

parameters = initialize_parameters_deep(layer_dims, seed=1)
hand_costs = []
for i in range(HAND_ITERATIONS):
    AL, caches = L_model_forward(X_train, parameters)
    hand_costs.append(compute_cost(AL, Y_train))
    grads = L_model_backward(AL, Y_train, caches)
    parameters = update_parameters(parameters, grads, learning_rate)
    if i % 20 == 0:
        print(f"your functions:  cost after iteration {i}: {hand_costs[-1]:f}")

engine_model = nn.DeepNetwork(layer_dims, hidden_activation="relu", init="small", seed=1)
engine_costs = nn.fit(
    engine_model, X_train, Y_train, learning_rate=learning_rate, num_iterations=HAND_ITERATIONS
)
gap = np.max(np.abs(np.array(hand_costs) - np.array(engine_costs)))
print(f"nn.DeepNetwork: cost after iteration {HAND_ITERATIONS - 1}: {engine_costs[-1]:f}")
print(f"largest difference between the two cost curves: {gap:.1e}")
assert gap < 1e-9

# %%
figure, axis = plt.subplots(figsize=(6, 4))
axis.plot(hand_costs, linewidth=4, alpha=0.4, label="your NumPy functions")
axis.plot(engine_costs, "--", label="nn.DeepNetwork + nn.fit")
axis.set_xlabel("iterations")
axis.set_ylabel("cost J")
axis.set_title(f"[12288, 7, 1] on {source}")
axis.legend()
plt.show()

# %% [markdown]
# ## 6. Why the weights cannot start at zero
#
# Logistic regression can start from $w = 0$. A hidden layer cannot. If every row of $W^{[1]}$ starts
# equal, every hidden unit computes the same function of the input, receives the same gradient, and
# takes the same step: the rows stay equal forever, and $n^{[1]}$ units are no better than one. With
# exactly zero weights it is worse still: with $\tanh$, $A^{[1]} = 0$, so $dW^{[2]} = 0$, and
# $dZ^{[1]} = W^{[2]T} dZ^{[2]} * (1 - A^{[1]2}) = 0$, so nothing but $b^{[2]}$ ever moves.
#
# We train the week-3 network (4 tanh units on the flower) three times: from zeros, from all weights
# equal to 0.5 (an initializer is any function `(rng, n, n_prev) -> W`), and from the course's small
# random start. Each time we print $W^{[1]}$'s rows after training.

# %%
X_flower, Y_flower = nn.datasets.planar_flower()
starts = {
    "zeros": "zeros",
    "all 0.5": lambda rng, n, n_prev: np.full((n, n_prev), 0.5),
    "random (randn * 0.01)": "small",
}
figure, axis = plt.subplots(figsize=(6, 4))
for name, init in starts.items():
    net = nn.DeepNetwork([2, 4, 1], hidden_activation="tanh", init=init, seed=2)
    curve = nn.fit(net, X_flower, Y_flower, learning_rate=1.2, num_iterations=1000)
    print(f"start {name}: train accuracy {nn.accuracy(net, X_flower, Y_flower):.2f} %; the rows of W1:")
    print(net[0].W.data.round(4), "\n")
    axis.plot(curve, label=name)
axis.set_xlabel("iterations")
axis.set_ylabel("cost J")
axis.set_title("the flower, 4 tanh units, three starts")
axis.legend()
plt.show()

# %% [markdown]
# From zeros, $W^{[1]}$ is still zero; from 0.5, its four rows moved but are still identical; only the
# random start gives four different units, and a much lower cost.
#
# ## 7. The deep cat classifier
#
# The course's 4-layer model, `layer_dims = [12288, 20, 7, 5, 1]`. For deeper networks the course starts
# from $W^{[l]} = $ `np.random.randn(n[l], n[l-1]) / np.sqrt(n[l-1])` (`init="deep"`), which keeps the
# activations from shrinking layer after layer. Learning rate 0.0075, seed 1.
#
# The course trains 2500 iterations (cost 0.092878 at iteration 2400, 98.56 % train and 80 % test
# accuracy); we run 800 here to keep the notebook quick: set `ITERATIONS = 2500` for the full run.
# `nn.course.deep_network(data_dir)` runs the course's settings in one call.

# %%
ITERATIONS = 800
model = nn.DeepNetwork([X_train.shape[0], 20, 7, 5, 1], hidden_activation="relu", init="deep", seed=1)
print(model.summary(X_train))
costs = nn.fit(model, X_train, Y_train, learning_rate=0.0075, num_iterations=ITERATIONS, print_cost=True)
print(f"train accuracy: {nn.accuracy(model, X_train, Y_train):.2f} %")
print(f"test accuracy:  {nn.accuracy(model, X_test, Y_test):.2f} %")

figure, axis = plt.subplots(figsize=(6, 4))
axis.plot(costs)
axis.set_xlabel("iterations")
axis.set_ylabel("cost J")
axis.set_title(f"[12288, 20, 7, 5, 1] on {source} (learning rate 0.0075)")
plt.show()

# %% [markdown]
# Some test pictures with the model's answers, in red where it is wrong:

# %%
predictions = nn.predict(model, X_test)
figure, axes = plt.subplots(1, 8, figsize=(16, 2.6))
for axis, index in zip(axes, range(8)):
    axis.imshow(X_test[:, index].reshape(num_px, num_px, 3))
    label, guess = int(Y_test[0, index]), int(predictions[0, index])
    colour = "black" if label == guess else "red"
    axis.set_title(f"is {classes[label]}\nsaid {classes[guess]}", fontsize=9, color=colour)
    axis.axis("off")
plt.show()

# %% [markdown]
# ### Your own picture
#
# Set `my_image` to the path of a picture of yours (PNG, or JPEG: matplotlib reads both). It is resized
# to $64 \times 64$ pixels by averaging blocks of pixels, flattened into a column of 12288 values in
# $[0, 1]$ as the training pictures were, and given to the model.
#
# So that this notebook runs as it is, the next cell first writes a demo picture into a temporary
# folder: one of the test pictures, enlarged three times to $192 \times 192$ pixels, as a photo would be
# larger than the model's input.

# %%
demo_folder = tempfile.TemporaryDirectory()  # removed when the kernel stops
demo_picture = X_test[:, 2].reshape(num_px, num_px, 3)
enlarged = np.repeat(np.repeat(demo_picture, 3, axis=0), 3, axis=1)
demo_path = Path(demo_folder.name) / "my_image.png"
plt.imsave(demo_path, np.round(enlarged * 255).astype(np.uint8))

my_image = str(demo_path)  # put the path of your own picture here, e.g. "my_cat.jpg"

# %%
def block_mean(image, size, axis):
    """Resize one axis of ``image`` to ``size`` by averaging consecutive blocks of pixels."""
    n = image.shape[axis]
    starts = (np.arange(size) * n) // size
    sums = np.add.reduceat(image, starts, axis=axis)
    counts = np.maximum(np.diff(np.append(starts, n)), 1)
    return sums / np.expand_dims(counts, [a for a in range(image.ndim) if a != axis])


def read_picture(path, num_px=64):
    """The picture at ``path`` as a (num_px, num_px, 3) array of values in [0, 1]."""
    image = plt.imread(path)
    if image.dtype == np.uint8:  # JPEG: integers 0..255
        image = image / 255.0
    if image.ndim == 2:  # grey: the same value in all three channels
        image = np.stack([image] * 3, axis=-1)
    image = image[..., :3].astype(np.float64)  # drop the transparency channel of a PNG
    return block_mean(block_mean(image, num_px, 0), num_px, 1)


picture = read_picture(my_image, num_px)
x = picture.reshape(1, -1).T  # one column of 12288 values, as the training pictures
with ag.no_grad():
    probability = model(Tensor(x)).item()
guess = int(nn.predict(model, x)[0, 0])
print(f"{my_image}: read as {plt.imread(my_image).shape}, resized to {picture.shape}, x has shape {x.shape}")
print(f'the model says "{classes[guess]}" (output a = {probability:.3f})')

figure, axis = plt.subplots(figsize=(3, 3))
axis.imshow(picture)
axis.set_title(f"y_hat = {guess}: {classes[guess]}")
axis.axis("off")
plt.show()
