"""The course's computation graph and derivatives, computed by the Scalar engine.

Run:  python examples/computation_graph.py

1. J(a, b, c) = 3(a + bc) with a = 5, b = 3, c = 2, as the graph u = bc, v = a + u, J = 3v.
2. Derivative examples at a = 2: d(a^2)/da = 2a, d(a^3)/da = 3a^2, d(ln a)/da = 1/a.
3. One gradient-descent step of logistic regression on one example with two features:
   z = w1 x1 + w2 x2 + b,  a = sigma(z),  L(a, y) = -(y log a + (1 - y) log(1 - a)),
   and the course's results dz = a - y, dw1 = x1 dz, dw2 = x2 dz, db = dz.
"""

from autograd_lite import Scalar


def computation_graph() -> None:
    a, b, c = Scalar(5.0, label="a"), Scalar(3.0, label="b"), Scalar(2.0, label="c")
    u = (b * c).named("u")  # u = bc
    v = (a + u).named("v")  # v = a + u
    J = (3 * v).named("J")  # J = 3v
    J.backward()  # right to left: the chain rule fills every .grad
    print(f"J = 3(a + bc) = {J.data:g}")
    for node in (v, a, u, b, c):
        print(f"  ∂J/∂{node.label} = {node.grad:g}")


def derivative_examples() -> None:
    print("Derivatives at a = 2:")
    for name, f in (("a**2", lambda a: a**2), ("a**3", lambda a: a**3), ("ln(a)", lambda a: a.log())):
        a = Scalar(2.0, label="a")
        f(a).backward()
        print(f"  d/da {name:6} = {a.grad:g}")


def logistic_regression_step(learning_rate: float = 0.1) -> None:
    x1, x2, y = 1.0, 2.0, 1.0  # one example with two features, label 1
    w1, w2, b = Scalar(0.5, label="w1"), Scalar(-0.25, label="w2"), Scalar(0.1, label="b")
    z = (w1 * x1 + w2 * x2 + b).named("z")
    a = z.sigmoid().named("a")
    loss = (-(y * a.log() + (1 - y) * (1 - a).log())).named("L")
    loss.backward()

    dz = a.data - y  # the course's closed forms, to compare with what backward() found
    print("Logistic regression, one example:")
    print(f"  z = {z.data:.6f}  a = {a.data:.6f}  L = {loss.data:.6f}")
    print(f"  dz  = {z.grad:.6f}   (a - y    = {dz:.6f})")
    print(f"  dw1 = {w1.grad:.6f}   (x1 * dz  = {x1 * dz:.6f})")
    print(f"  dw2 = {w2.grad:.6f}   (x2 * dz  = {x2 * dz:.6f})")
    print(f"  db  = {b.grad:.6f}   (dz       = {dz:.6f})")

    for w in (w1, w2, b):  # gradient descent: w := w - alpha dw
        w.data -= learning_rate * w.grad
    print(
        f"  after one step (alpha = {learning_rate}): "
        f"w1 = {w1.data:.6f}, w2 = {w2.data:.6f}, b = {b.data:.6f}"
    )


if __name__ == "__main__":
    computation_graph()
    derivative_examples()
    logistic_regression_step()
