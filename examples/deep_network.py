"""Cat vs non-cat with an L-layer network, as in the course's deep-network application.

Run:  python examples/deep_network.py --data DIR [--layers 12288,20,7,5,1] [--plot DIR]

Course settings: [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID, seed 1, learning rate 0.0075,
2500 iterations, cost every 100. Two layers (12288,7,1) start from randn * 0.01
(iteration 0: 0.693050); deeper ones from randn / sqrt(n[l-1]) (12288,20,7,5,1: 0.771749).
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

    layer_dims = [int(n) for n in args.layers.split(",")]
    init = args.init or ("small" if len(layer_dims) == 3 else "deep")
    try:
        data = nn.datasets.load_catvnoncat(args.data)
    except (FileNotFoundError, ImportError, ValueError) as problem:
        parser.error(str(problem))
    model = nn.DeepNetwork(
        layer_dims, hidden_activation="relu", output_activation="sigmoid", init=init, seed=1
    )
    print(model)
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
        name = "deep_network_" + "_".join(map(str, layer_dims)) + "_costs.png"
        print(
            f"saved {plot_costs(costs, args.plot / name, f'layer_dims = {layer_dims}', args.learning_rate)}"
        )


if __name__ == "__main__":
    main()
