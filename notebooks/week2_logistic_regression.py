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
# # Week 2: computation graphs, derivatives and logistic regression
#
# This notebook follows the second week of the "Neural Networks and Deep Learning" course with
# autograd-lite doing the calculus. Every derivative below comes from the engine's backward pass,
# and we compare it with the formula the course derives by hand.
#
# Notation, as in the course: one example is a **column** $x \in \mathbb{R}^{n_x}$; the $m$ examples
# side by side make $X$ of shape $(n_x, m)$, the labels $Y$ of shape $(1, m)$.
#
# Contents:
#
# 1. the computation graph of $J = 3(a + bc)$ and its derivatives;
# 2. derivatives of $a^2$, $a^3$, $\ln a$, and the derivative as the effect of a small nudge;
# 3. logistic regression on one example, as a graph;
# 4. broadcasting, and how the gradient is summed back;
# 5. vectorization: a Python loop against one matrix product;
# 6. logistic regression with a neural-network mindset on the cat pictures;
# 7. activation functions and their derivatives.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

import autograd_lite as ag
from autograd_lite import Scalar, Tensor, nn, viz

print(f"autograd-lite {ag.__version__}")

# %% [markdown]
# ## 1. The computation graph of $J(a, b, c) = 3(a + bc)$
#
# The course splits the computation into three steps, each one node of a graph:
#
# $$u = bc, \qquad v = a + u, \qquad J = 3v.$$
#
# The **forward pass** goes left to right and computes the values: with $a = 5$, $b = 3$, $c = 2$ we get
# $u = 6$, $v = 11$, $J = 33$. The **backward pass** goes right to left and applies the chain rule one
# node at a time:
#
# $$\frac{dJ}{dv} = 3, \qquad
# \frac{dJ}{da} = \frac{dJ}{dv}\frac{dv}{da} = 3 \cdot 1 = 3, \qquad
# \frac{dJ}{du} = \frac{dJ}{dv}\frac{dv}{du} = 3,$$
#
# $$\frac{dJ}{db} = \frac{dJ}{du}\frac{du}{db} = 3c = 6, \qquad
# \frac{dJ}{dc} = \frac{dJ}{du}\frac{du}{dc} = 3b = 9.$$
#
# In code the course (and this notebook) writes `dvar` for $\frac{dJ}{d\,\mathrm{var}}$, the derivative
# of the final output with respect to `var`. The engine keeps it in `var.grad`.

# %%
a = Scalar(5.0, label="a")
b = Scalar(3.0, label="b")
c = Scalar(2.0, label="c")
u = (b * c).named("u")  # u = bc
v = (a + u).named("v")  # v = a + u
J = (3 * v).named("J")  # J = 3v
J.backward()  # right to left: every .grad is filled by the chain rule

print(f"J = {J.data:g}")
for node in (v, u, a, b, c):
    print(f"d{node.label} = dJ/d{node.label} = {node.grad:g}")

# %% [markdown]
# The diagram shows both passes. Each box holds a node's value and its gradient; each forward edge
# carries the *local* derivative (for example $\partial u / \partial b = c = 2$) that the chain rule
# multiplies on the way back.

# %%
viz.draw(J, view="both")

# %% [markdown]
# ## 2. Derivatives from the engine
#
# The course's examples: $f(a) = a^2$, $a^3$ and $\ln a$, with
#
# $$\frac{d}{da} a^2 = 2a, \qquad \frac{d}{da} a^3 = 3a^2, \qquad \frac{d}{da} \ln a = \frac{1}{a}.$$
#
# The engine does not know these formulas as formulas: each op stores its local derivative, and
# `backward()` multiplies them. We check it at a few points.

# %%
functions = {
    "a**2": (lambda a: a**2, lambda a: 2 * a),
    "a**3": (lambda a: a**3, lambda a: 3 * a**2),
    "ln a": (lambda a: a.log(), lambda a: 1 / a),
}
print(f"{'f(a)':6} {'a':>5} {'f(a)':>10} {'engine df/da':>14} {'formula':>10}")
for name, (f, derivative) in functions.items():
    for value in (0.5, 2.0, 5.0):
        a = Scalar(value, label="a")
        out = f(a)
        out.backward()
        print(f"{name:6} {value:5g} {out.data:10.5f} {a.grad:14.5f} {derivative(value):10.5f}")
        assert np.isclose(a.grad, derivative(value))

# %% [markdown]
# ### The derivative as a nudge
#
# The derivative says how much the output moves when the input is nudged: if $a$ moves by a tiny
# $\varepsilon$, then $J$ moves by about $\frac{dJ}{da}\,\varepsilon$. For $J = 3(a + bc)$ the graph is
# linear in $a$, so the two numbers agree exactly (up to rounding); for $f(a) = a^2$ they agree to
# first order, and the small difference is $\varepsilon^2$.

# %%
def course_J(a_value: float) -> tuple[Scalar, Scalar]:
    """J = 3(a + bc) with b = 3, c = 2, built afresh for the given a; returns J and a."""
    a = Scalar(a_value, label="a")
    b, c = Scalar(3.0, label="b"), Scalar(2.0, label="c")
    return 3 * (a + b * c), a


nudge = 0.001
J_before, a = course_J(5.0)
J_after, _ = course_J(5.0 + nudge)
J_before.backward()
print(f"J(a = 5)     = {J_before.data:.6f}")
print(f"J(a = 5.001) = {J_after.data:.6f}")
print(f"J moved by            {J_after.data - J_before.data:.6f}")
print(f"dJ/da * 0.001       = {a.grad * nudge:.6f}   (dJ/da = {a.grad:g} from the engine)")

a = Scalar(2.0, label="a")
f = a**2
f.backward()
moved = (2.0 + nudge) ** 2 - 2.0**2
print(f"\nf(a) = a**2 at a = 2: f moved by {moved:.6f}, df/da * 0.001 = {a.grad * nudge:.6f}")

# %% [markdown]
# ## 3. Logistic regression on one example, as a graph
#
# One example with two features $x_1, x_2$ and a label $y \in \{0, 1\}$:
#
# $$z = w_1 x_1 + w_2 x_2 + b, \qquad \hat{y} = a = \sigma(z) = \frac{1}{1 + e^{-z}},$$
#
# $$\mathcal{L}(a, y) = -\big(y \log a + (1 - y) \log(1 - a)\big).$$
#
# Going backwards, the course derives
#
# $$da = \frac{d\mathcal{L}}{da} = -\frac{y}{a} + \frac{1 - y}{1 - a}, \qquad
# dz = \frac{d\mathcal{L}}{dz} = da \cdot a(1 - a) = a - y,$$
#
# $$dw_1 = x_1\,dz, \qquad dw_2 = x_2\,dz, \qquad db = dz.$$
#
# The engine never sees "$a - y$": it multiplies the local derivatives of `log`, `sigmoid`, `*` and `+`.
# The result is the same.

# %%
x1, x2, y = 1.0, 2.0, 1.0
w1, w2, b = Scalar(0.5, label="w1"), Scalar(-0.25, label="w2"), Scalar(0.1, label="b")
z = (w1 * x1 + w2 * x2 + b).named("z")
a = z.sigmoid().named("a")
loss = (-(y * a.log() + (1 - y) * (1 - a).log())).named("L")
loss.backward()

print(f"z = {z.data:.6f}, a = {a.data:.6f}, L = {loss.data:.6f}")
print(f"da  from the engine: {a.grad:.6f}   -y/a + (1-y)/(1-a) = {-y / a.data + (1 - y) / (1 - a.data):.6f}")
print(f"dz  from the engine: {z.grad:.6f}   a - y   = {a.data - y:.6f}")
print(f"dw1 from the engine: {w1.grad:.6f}   x1 * dz = {x1 * (a.data - y):.6f}")
print(f"dw2 from the engine: {w2.grad:.6f}   x2 * dz = {x2 * (a.data - y):.6f}")
print(f"db  from the engine: {b.grad:.6f}   dz      = {a.data - y:.6f}")
assert np.isclose(z.grad, a.data - y)

# %% [markdown]
# The backward view draws each node's gradient, and on each edge the local derivative used.

# %%
viz.draw(loss, view="backward")

# %% [markdown]
# One step of gradient descent then moves every parameter against its gradient,
# $w := w - \alpha\, dw$, with learning rate $\alpha$:

# %%
learning_rate = 0.1
for parameter in (w1, w2, b):
    parameter.data -= learning_rate * parameter.grad
print(f"after one step: w1 = {w1.data:.6f}, w2 = {w2.data:.6f}, b = {b.data:.6f}")

# %% [markdown]
# ## 4. Broadcasting
#
# NumPy (and the engine's Tensors) stretch an array along an axis of size 1 to match the other operand.
# The course uses it all the time: in $Z = WX + b$ the column $b$ of shape $(n, 1)$ is added to every one
# of the $m$ columns of $WX$.
#
# What happens to the gradient? Each entry $b_i$ was used $m$ times (once per column), so its
# gradient is the **sum** of the $m$ gradients it received. That is where the course's
#
# $$db = \frac{1}{m} \sum_{i=1}^{m} dz^{(i)} \qquad (\texttt{np.sum(dZ, axis=1, keepdims=True) / m})$$
#
# comes from. The engine sums back over every broadcast axis on its own.

# %%
rng = np.random.default_rng(0)
W = Tensor(rng.normal(size=(3, 2)), requires_grad=True, label="W")
X = Tensor(rng.normal(size=(2, 4)), label="X")
b = Tensor([[1.0], [2.0], [3.0]], requires_grad=True, label="b")  # a column: shape (3, 1)
Z = (W @ X + b).named("Z")  # (3, 4) + (3, 1): b is added to each of the 4 columns
print("W @ X has shape", (W @ X).shape, "; b has shape", b.shape, "; Z has shape", Z.shape)

G = rng.normal(size=(3, 4))  # some upstream gradient dZ
J = (Z * G).sum().named("J")  # dJ/dZ = G
J.backward()
print("b.grad from the engine:\n", b.grad)
print("np.sum(dZ, axis=1, keepdims=True):\n", G.sum(axis=1, keepdims=True))
assert np.allclose(b.grad, G.sum(axis=1, keepdims=True))

# %% [markdown]
# The backward diagram says so on the edge into $b$:

# %%
viz.draw(J, view="backward")

# %% [markdown]
# The course's other broadcasting example divides a $(3, 4)$ table by a $(1, 4)$ row of its column
# sums: the share of calories from carbohydrate, protein and fat in four foods. A Scalar added to a Tensor
# broadcasts too, and its gradient is again the sum.

# %%
calories = Tensor(
    [[56.0, 0.0, 4.4, 68.0], [1.2, 104.0, 52.0, 8.0], [1.8, 135.0, 99.0, 0.9]], label="calories"
)
column_sums = calories.sum(axis=0, keepdims=True)  # shape (1, 4)
percent = 100 * calories / column_sums  # (3, 4) / (1, 4): the row is stretched down
print("column sums:", column_sums.numpy())
print("percent:\n", percent.numpy().round(1))

s = Scalar(0.5, label="s")
T = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True, label="T")
total = (T + s).sum()  # s is added to all 6 entries
total.backward()
print(f"\n(T + s).sum(): ds = {s.grad:g} (s was used 6 times), dT =\n{T.grad}")

# %% [markdown]
# A warning the course gives: `np.random.randn(5)` has shape `(5,)`, a "rank 1 array" that is neither a
# row nor a column, and broadcasting then does surprising things. Keep vectors as explicit columns
# `(n, 1)` or rows `(1, m)`.

# %%
rank_one = np.arange(3.0)
column = rank_one.reshape(3, 1)
print("rank_one.shape =", rank_one.shape, "  column.shape =", column.shape)
print("rank_one + rank_one.T has shape", (rank_one + rank_one.T).shape, "(.T does nothing)")
print("column + column.T has shape", (column + column.T).shape, "(broadcast to a table)")

# %% [markdown]
# ## 5. Vectorization
#
# A `for` loop over examples (or features) in Python is slow; one NumPy call that does the same work in
# compiled code is fast. First the course's example, the dot product of two long vectors:

# %%
n = 300_000  # the course uses a million; a third of it keeps this notebook quick
u_values, v_values = rng.random(n), rng.random(n)

start = time.perf_counter()
loop_dot = 0.0
for i in range(n):
    loop_dot += u_values[i] * v_values[i]
loop_time = time.perf_counter() - start

start = time.perf_counter()
vector_dot = np.dot(u_values, v_values)
vector_time = time.perf_counter() - start

print(f"for loop:   {loop_dot:.6f} in {1000 * loop_time:8.3f} ms")
print(f"np.dot:     {vector_dot:.6f} in {1000 * vector_time:8.3f} ms")

# %% [markdown]
# The same holds for the graph. Logistic regression's cost over $m$ examples,
#
# $$J(w, b) = \frac{1}{m} \sum_{i=1}^{m} \mathcal{L}\big(a^{(i)}, y^{(i)}\big), \qquad
# a^{(i)} = \sigma\big(w^T x^{(i)} + b\big),$$
#
# can be built from Scalars one example and one feature at a time (the course's first, double loop),
# or as one Tensor expression, $A = \sigma(w^T X + b)$ of shape $(1, m)$:
#
# $$J = -\frac{1}{m} \sum \big(Y \log A + (1 - Y) \log(1 - A)\big), \qquad
# dw = \frac{1}{m} X (A - Y)^T, \qquad db = \frac{1}{m} \sum (A - Y).$$
#
# Both graphs give the same cost and gradients; the Tensor graph has a handful of nodes instead of
# thousands.

# %%
n_x, m = 4, 300
X_small = rng.normal(size=(n_x, m))
Y_small = (rng.random((1, m)) < 0.5).astype(np.float64)
w_start = rng.normal(size=(n_x, 1)) * 0.1

start = time.perf_counter()
w_scalars = [Scalar(w_start[j, 0], label=f"w{j + 1}") for j in range(n_x)]
b_scalar = Scalar(0.0, label="b")
J_loop = Scalar(0.0)
for i in range(m):  # one example at a time
    z_i = b_scalar
    for j in range(n_x):  # one feature at a time
        z_i = z_i + w_scalars[j] * X_small[j, i]
    a_i = z_i.sigmoid()
    y_i = Y_small[0, i]
    J_loop = J_loop - (y_i * a_i.log() + (1 - y_i) * (1 - a_i).log())
J_loop = J_loop / m
J_loop.backward()
loop_time = time.perf_counter() - start

start = time.perf_counter()
w = Tensor(w_start, requires_grad=True, label="w")
b = Tensor(0.0, requires_grad=True, label="b")
A = (w.T @ Tensor(X_small) + b).sigmoid()
Y_tensor = Tensor(Y_small)
J_vector = -(Y_tensor * A.log() + (1 - Y_tensor) * (1 - A).log()).mean()
J_vector.backward()
vector_time = time.perf_counter() - start

dw_loop = np.array([[p.grad] for p in w_scalars])
print(f"loops (Scalar graph): J = {J_loop.data:.6f}, db = {b_scalar.grad:+.6f}, {1000 * loop_time:7.2f} ms")
print(f"vectorized (Tensor):  J = {J_vector.item():.6f}, db = {b.grad:+.6f}, {1000 * vector_time:7.2f} ms")
print("dw (loops):     ", dw_loop.ravel().round(6))
print("dw (vectorized):", w.grad.ravel().round(6))
print("dw = X (A - Y)^T / m:", (X_small @ (A.numpy() - Y_small).T / m).ravel().round(6))
assert np.allclose(dw_loop, w.grad) and np.isclose(J_loop.data, J_vector.item())

# %% [markdown]
# ## 6. Logistic regression with a neural-network mindset: cat or not cat?
#
# The course's data: 209 training and 50 test pictures of $64 \times 64$ pixels with 3 colour channels,
# labelled cat (1) or non-cat (0). The files are not shipped with the library (they belong to the
# course). Put `train_catvnoncat.h5` and `test_catvnoncat.h5` in a folder and set the environment
# variable `AUTOGRAD_LITE_DATA` to it before starting Jupyter. Without them, this notebook uses
# generated pictures of the same size so that every cell still runs.
#
# `nn.datasets.load_catvnoncat` already does the course's preprocessing: each picture is flattened to a
# column of $64 \cdot 64 \cdot 3 = 12288$ numbers and divided by 255,
# `X = images.reshape(m, -1).T / 255`, so $X$ has shape $(12288, m)$.

# %%
data, source, reason = nn.datasets.catvnoncat_or_pictures()  # the folder named by AUTOGRAD_LITE_DATA
if reason:
    print(reason)  # warm discs = 1, cool stripes = 0: every cell still runs
X_train, Y_train, X_test, Y_test, classes = data

m_train, m_test = X_train.shape[1], X_test.shape[1]
num_px = 64
print(f"{source}: m_train = {m_train}, m_test = {m_test}, each picture {num_px} x {num_px} x 3")
print(f"X_train {X_train.shape}, Y_train {Y_train.shape}, X_test {X_test.shape}, Y_test {Y_test.shape}")

# %% [markdown]
# Each column of $X$ is one picture; reshaping it back to $(64, 64, 3)$ shows it.

# %%
figure, axes = plt.subplots(1, 6, figsize=(12, 2.4))
for axis, index in zip(axes, range(6)):
    axis.imshow(X_train[:, index].reshape(num_px, num_px, 3))
    axis.set_title(f"y = {int(Y_train[0, index])} ({classes[int(Y_train[0, index])]})", fontsize=9)
    axis.axis("off")
plt.show()

# %% [markdown]
# ### Check yourself: `sigmoid` and `propagate`
#
# Write the course's functions in NumPy, then let `nn.check` compare them with the engine on the same
# graph, on cases generated from a seed: `propagate(w, b, X, Y)` returns the gradients
# $dw = \frac{1}{m} X (A - Y)^T$, $db = \frac{1}{m} \sum_i (a^{(i)} - y^{(i)})$ and the cost $J$. A mismatch
# names the first wrong quantity and draws the graph with its node marked.

# %%
def sigmoid(z):
    return 1 / (1 + np.exp(-z))


nn.check("sigmoid", sigmoid)

# %%
def propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(w.T @ X + b)  # forward: A = sigma(w^T X + b)
    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    dw = X @ (A - Y).T / m  # backward: dz = a - y, summed over the examples
    db = np.sum(A - Y) / m
    return {"dw": dw, "db": db}, cost


nn.check("propagate", propagate)

# %% [markdown]
# ### The model
#
# For one picture $x^{(i)}$:
#
# $$z^{(i)} = w^T x^{(i)} + b, \qquad \hat{y}^{(i)} = a^{(i)} = \sigma\big(z^{(i)}\big),$$
#
# $$\mathcal{L}(a^{(i)}, y^{(i)}) = -y^{(i)} \log a^{(i)} - (1 - y^{(i)}) \log(1 - a^{(i)}),$$
#
# and the cost is the mean loss, $J = \frac{1}{m} \sum_{i=1}^m \mathcal{L}(a^{(i)}, y^{(i)})$.
# `nn.LogisticRegression(n_x)` is exactly this model with $w$ of shape $(n_x, 1)$ and $b$ a number,
# both starting at zero as in the course. `nn.fit` repeats the course's loop: forward pass, cost,
# `backward()` for $dw$ and $db$, then $w := w - \alpha\, dw$ and $b := b - \alpha\, db$.
#
# The course's settings: 2000 iterations with $\alpha = 0.005$. On the cat pictures the printed costs are
# the course's, from 0.693147 at iteration 0 to 0.140872 at iteration 1900, with 99.04 % train and 70 %
# test accuracy. (Each iteration is one pass over all 209 pictures; this takes a few seconds.)

# %%
ITERATIONS = 2000
model = nn.LogisticRegression(n_x=X_train.shape[0])
costs = nn.fit(
    model, X_train, Y_train, learning_rate=0.005, num_iterations=ITERATIONS, print_cost=True, print_every=100
)
print(f"train accuracy: {nn.accuracy(model, X_train, Y_train):.2f} %")
print(f"test accuracy:  {nn.accuracy(model, X_test, Y_test):.2f} %")

# %%
figure, axis = plt.subplots(figsize=(6, 4))
axis.plot(costs)
axis.set_xlabel("iterations")
axis.set_ylabel("cost J")
axis.set_title(f"logistic regression on {source} (learning rate 0.005)")
plt.show()

# %% [markdown]
# The training accuracy climbs well above the test accuracy: with 12288 weights and 209 pictures the
# model starts to memorise its training set (overfitting). The first test pictures with the model's
# answers (in red where it is wrong):

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
print(f"{int(np.sum(predictions != Y_test))} of {m_test} test pictures are classified wrong")

# %% [markdown]
# ### Choosing the learning rate
#
# The learning rate $\alpha$ sets the size of each step. Too large and the cost can jump around; too
# small and it barely moves. The course compares $\alpha = 0.01, 0.001, 0.0001$ over 1500 iterations;
# we run 500 here (set `COMPARE_ITERATIONS = 1500` for the course's curves).

# %%
COMPARE_ITERATIONS = 500
figure, axis = plt.subplots(figsize=(7, 4.5))
for rate in (0.01, 0.001, 0.0001):
    candidate = nn.LogisticRegression(n_x=X_train.shape[0])
    curve = nn.fit(candidate, X_train, Y_train, learning_rate=rate, num_iterations=COMPARE_ITERATIONS)
    train, test = nn.accuracy(candidate, X_train, Y_train), nn.accuracy(candidate, X_test, Y_test)
    print(f"learning rate {rate:<7g} final cost {curve[-1]:.6f}  train {train:6.2f} %  test {test:6.2f} %")
    axis.plot(curve, label=f"learning rate {rate:g}")
axis.set_xlabel("iterations")
axis.set_ylabel("cost J")
axis.legend()
axis.set_title("the same model, three learning rates")
plt.show()

# %% [markdown]
# ## 7. Activation functions and their derivatives
#
# Logistic regression uses the sigmoid. Hidden layers (next week) often use others:
#
# | name | $g(z)$ | $g'(z)$ |
# | --- | --- | --- |
# | sigmoid | $\sigma(z) = \frac{1}{1 + e^{-z}}$ | $\sigma(z)\,(1 - \sigma(z))$ |
# | tanh | $\frac{e^z - e^{-z}}{e^z + e^{-z}}$ | $1 - \tanh^2(z)$ |
# | ReLU | $\max(0, z)$ | $0$ for $z < 0$, $1$ for $z > 0$ |
# | leaky ReLU | $\max(0.01 z, z)$ | $0.01$ for $z < 0$, $1$ for $z > 0$ |
#
# `nn.activation_curve(name)` returns $z$, $g(z)$ and $g'(z)$, the derivative taken from the engine's own
# backward pass (not the formulas above), so the plots show what training actually uses. At ReLU's kink
# $z = 0$ the engine uses the derivative 0.

# %%
figure, axes = plt.subplots(1, 4, figsize=(15, 3.6))
for axis, name in zip(axes, ("sigmoid", "tanh", "relu", "leaky_relu")):
    z_values, g, g_prime = nn.activation_curve(name)
    axis.plot(z_values, g, label="g(z)")
    axis.plot(z_values, g_prime, "--", label="g'(z) from backward()")
    axis.axhline(0, color="grey", linewidth=0.5)
    axis.set_title(name)
    axis.set_xlabel("z")
    axis.legend(fontsize=8)
plt.show()

z_values, g, g_prime = nn.activation_curve("sigmoid")
print("largest gap, engine's sigmoid' against sigma(z)(1 - sigma(z)):", np.abs(g_prime - g * (1 - g)).max())
z_values, g, g_prime = nn.activation_curve("tanh")
print("largest gap, engine's tanh' against 1 - tanh(z)^2:           ", np.abs(g_prime - (1 - g**2)).max())
