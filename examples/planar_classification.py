"""The course's planar data: logistic regression first, then one hidden layer of 4 tanh units.

Run:  python examples/planar_classification.py [--plot DIR] [--sweep]

Course settings (see ``autograd_lite.nn.course.planar``): the flower data (seed 1, m = 400), init
seed 2 with randn * 0.01, learning rate 1.2, 10,000 iterations, cost printed every 1000
(iteration 0: 0.693048). ``--sweep`` also tries the course's other hidden-layer sizes.
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

    result = nn.course.planar(hidden=4, iterations=args.iterations, plot=args.plot)
    for path in result.plots:
        print(f"saved {path}")

    if args.sweep:
        X, Y = nn.datasets.planar_flower(seed=1)
        print("\nHidden layer sizes (5000 iterations each):")
        for n_h in (1, 2, 3, 4, 5, 20, 50):
            model = nn.DeepNetwork([2, n_h, 1], hidden_activation="tanh", init="small", seed=2)
            nn.fit(model, X, Y, learning_rate=1.2, num_iterations=5000)
            print(f"  n_h = {n_h:2d}: train accuracy: {nn.accuracy(model, X, Y):.2f} %")


if __name__ == "__main__":
    main()
