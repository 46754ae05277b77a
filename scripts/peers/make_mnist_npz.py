"""Build a peer data file from the MNIST IDX gz files (for testing without runexp).

train = 4,500 of train-5k, valid = the other 500, test = t10k.
train-5k is sorted by class (500 of each digit), so by default the 500 held out
are chosen at random (--seed), as runexp's `validation: 0.1` holdout does
(not the same images: runexp uses its own random stream); both splits keep the
file's order. --split tail takes the literal first 4,500 / last 500, which
leaves train without any 9s.
--colour repeats the grey channel 3 times (N x 28 x 28 x 3, NHWC); it is a
stand-in for MNIST-M shape only, not MNIST-M.
"""
import argparse
import gzip
import os

import numpy as np


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("out", help="output .npz")
    p.add_argument("--dir", default="/work/shared/data/mnist")
    p.add_argument("--colour", action="store_true")
    p.add_argument("--split", choices=["random", "tail"], default="random")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    f = lambda name: read_idx(os.path.join(args.dir, name))
    tx, ty = f("train-5k-images-idx3-ubyte.gz"), f("train-5k-labels-idx1-ubyte.gz")
    sx, sy = f("t10k-images-idx3-ubyte.gz"), f("t10k-labels-idx1-ubyte.gz")
    if args.colour:
        tx, sx = (np.repeat(a[..., None], 3, axis=3) for a in (tx, sx))
    if args.split == "tail":
        keep, held = np.arange(4500), np.arange(4500, len(tx))
    else:
        order = np.random.default_rng(args.seed).permutation(len(tx))
        keep, held = np.sort(order[500:]), np.sort(order[:500])
    np.savez(args.out, train_x=tx[keep], train_y=ty[keep], valid_x=tx[held],
             valid_y=ty[held], test_x=sx, test_y=sy)
    print(f"{args.out}: train {tx[keep].shape}, valid {tx[held].shape}, test {sx.shape}, "
          f"train labels per class {np.bincount(ty[keep], minlength=10).tolist()}")


if __name__ == "__main__":
    main()
