"""The course's planar data: logistic regression first, then one hidden layer of 4 tanh units.

Run:  python examples/planar_classification.py [--plot DIR] [--sweep]

Course settings: the flower data (seed 1, m = 400), init seed 2 with randn * 0.01,
learning rate 1.2, 10,000 iterations, cost printed every 1000 (iteration 0: 0.693048).
"""

import argparse
from pathlib import Path

from autograd_lite import nn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", type=Path, help="save the cost curve and decision boundaries here")
    parser.add_argument("--sweep", action="store_true", help="also try hidden sizes 1, 2, 3, 4, 5, 20, 50")
    parser.add_argument("--iterations", type=int, default=10_000)
    args = parser.parse_args()

    X, Y = nn.datasets.planar_flower(seed=1)
    print(f"X: {X.shape}, Y: {Y.shape}, m = {X.shape[1]}")

    print("\nLogistic regression (a straight line cannot separate the petals):")
    logistic = nn.LogisticRegression(n_x=2)
    nn.fit(logistic, X, Y, learning_rate=1.2, num_iterations=args.iterations)
    print(f"train accuracy: {nn.accuracy(logistic, X, Y):.2f} %")

    print("\nOne hidden layer, 4 tanh units:")
    model = nn.DeepNetwork([2, 4, 1], hidden_activation="tanh", init="small", seed=2)
    costs = nn.fit(
        model, X, Y, learning_rate=1.2, num_iterations=args.iterations, print_cost=True, print_every=1000
    )
    print(f"train accuracy: {nn.accuracy(model, X, Y):.2f} %")

    if args.plot:
        from autograd_lite.nn.plots import plot_costs, plot_decision_boundary

        args.plot.mkdir(parents=True, exist_ok=True)
        plot_costs(costs, args.plot / "planar_costs.png", "one hidden layer, n_h = 4", learning_rate=1.2)
        plot_decision_boundary(model, X, Y, args.plot / "planar_boundary.png", "hidden layer of size 4")
        plot_decision_boundary(
            logistic, X, Y, args.plot / "planar_logistic_boundary.png", "logistic regression"
        )
        print(f"plots saved in {args.plot}")

    if args.sweep:
        print("\nHidden layer sizes:")
        for n_h in (1, 2, 3, 4, 5, 20, 50):
            sized = nn.DeepNetwork([2, n_h, 1], hidden_activation="tanh", init="small", seed=2)
            nn.fit(sized, X, Y, learning_rate=1.2, num_iterations=5000)
            print(f"  n_h = {n_h:2d}: train accuracy: {nn.accuracy(sized, X, Y):.2f} %")


if __name__ == "__main__":
    main()
