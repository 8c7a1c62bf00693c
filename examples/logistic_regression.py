"""Cat vs non-cat with logistic regression, as in the course's first programming assignment.

Run:  python examples/logistic_regression.py --data DIR [--plot DIR]

DIR holds train_catvnoncat.h5 and test_catvnoncat.h5 (or set AUTOGRAD_LITE_DATA). Course settings
(see ``autograd_lite.nn.course.logistic_regression``): zero init, learning rate 0.005, 2000
iterations, cost every 100 (iteration 0: 0.693147).
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
        result = nn.course.logistic_regression(args.data, args.iterations, args.learning_rate, plot=args.plot)
    except (FileNotFoundError, ImportError, ValueError) as problem:
        parser.error(str(problem))
    for path in result.plots:
        print(f"saved {path}")


if __name__ == "__main__":
    main()
