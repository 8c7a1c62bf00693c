"""Cat vs non-cat with logistic regression, as in the course's first programming assignment.

Run:  python examples/logistic_regression.py --data DIR [--plot DIR]

DIR holds train_catvnoncat.h5 and test_catvnoncat.h5 (or set AUTOGRAD_LITE_DATA). Course settings:
zero init, learning rate 0.005, 2000 iterations, cost every 100 (iteration 0: 0.693147).
"""

import argparse
from pathlib import Path

from autograd_lite import nn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="folder with the .h5 files (default: $AUTOGRAD_LITE_DATA)")
    parser.add_argument("--plot", type=Path, help="save the cost curve here")
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--learning-rate", type=float, default=0.005)
    args = parser.parse_args()

    try:
        data = nn.datasets.load_catvnoncat(args.data)
    except (FileNotFoundError, ImportError, ValueError) as problem:
        parser.error(str(problem))
    print(f"X_train: {data.X_train.shape}, X_test: {data.X_test.shape}")
    model = nn.LogisticRegression(n_x=data.X_train.shape[0])  # w = 0, b = 0
    costs = nn.fit(
        model,
        data.X_train,
        data.Y_train,
        learning_rate=args.learning_rate,
        num_iterations=args.iterations,
        print_cost=True,
        print_every=100,
    )
    print(f"train accuracy: {nn.accuracy(model, data.X_train, data.Y_train):.2f} %")
    print(f"test accuracy: {nn.accuracy(model, data.X_test, data.Y_test):.2f} %")

    if args.plot:
        from autograd_lite.nn.plots import plot_costs

        args.plot.mkdir(parents=True, exist_ok=True)
        print(
            "saved",
            plot_costs(
                costs, args.plot / "logistic_regression_costs.png", "logistic regression", args.learning_rate
            ),
        )


if __name__ == "__main__":
    main()
