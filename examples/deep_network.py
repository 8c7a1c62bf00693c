"""Cat vs non-cat with an L-layer network, as in the course's deep-network application.

Run:  python examples/deep_network.py --data DIR [--layers 12288,20,7,5,1] [--plot DIR]

Course settings (see ``autograd_lite.nn.course.deep_network``): [LINEAR -> RELU] x (L-1) ->
LINEAR -> SIGMOID, seed 1, learning rate 0.0075, 2500 iterations, cost every 100. Two layers
(12288,7,1) start from randn * 0.01 (iteration 0: 0.693050); deeper ones from
randn / sqrt(n[l-1]) (12288,20,7,5,1: 0.771749).
"""

import argparse
from pathlib import Path

from autograd_lite import nn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="folder with the .h5 files (default: $AUTOGRAD_LITE_DATA)")
    parser.add_argument("--layers", default="12288,20,7,5,1", help="layer_dims, comma separated")
    parser.add_argument("--init", choices=sorted(nn.init.INITIALIZERS), help="default: as the course")
    parser.add_argument("--plot", type=Path, help="save the cost curve here")
    parser.add_argument("--iterations", type=int, default=2500)
    parser.add_argument("--learning-rate", type=float, default=0.0075)
    args = parser.parse_args()
    layer_dims = tuple(int(n) for n in args.layers.split(","))
    try:
        result = nn.course.deep_network(
            args.data, layer_dims, args.init, args.iterations, args.learning_rate, plot=args.plot
        )
    except (FileNotFoundError, ImportError, ValueError) as problem:
        parser.error(str(problem))
    for path in result.plots:
        print(f"saved {path}")


if __name__ == "__main__":
    main()
