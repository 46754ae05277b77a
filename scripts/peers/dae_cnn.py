"""Denoising CNN autoencoder on 28x28x3 MNIST-M (peer of a runexp DAE spec).

Encoder: Conv(3->32,k3,s2,p1)-ReLU-Conv(32->64,k3,s2,p1)-ReLU-Flatten-Linear(3136->64).
Decoder: Linear(64->3136)-ReLU-reshape 64x7x7-ConvT(64->32,k3,s2,p1,op1)-ReLU-
ConvT(32->3,k3,s2,p1,op1)-Sigmoid. Input x + 0.3*N(0,1) (no clipping), target x,
loss = MSE over all values.
"""
import torch
from torch import nn
import torch.nn.functional as F

import common

NOISE = 0.3


def make_model(channels):
    enc = nn.Sequential(
        nn.Conv2d(channels, 32, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 64))
    dec = nn.Sequential(
        nn.Linear(64, 64 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
        nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
        nn.ConvTranspose2d(32, channels, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid())
    return nn.Sequential(enc, dec)


def xavier_init(model):
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)


def main():
    args = common.parse_args(__doc__, epochs=10, extra=lambda p: p.add_argument(
        "--init", choices=["xavier", "default"], default="xavier",
        help="xavier: xavier_uniform weights, zero biases; default: PyTorch's own init"))
    data = common.load(args.data, nchw=True)
    model = make_model(data["train"].shape[1])
    if args.init == "xavier":
        xavier_init(model)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    # Fixed test noise so test_mse is comparable across epochs.
    gen = torch.Generator().manual_seed(1234)
    test_noisy = data["test"] + NOISE * torch.randn(data["test"].shape, generator=gen)

    def train_epoch():
        model.train()
        return common.fit_epoch(
            opt, common.batches(data["train"], args.batch_size),
            lambda x: F.mse_loss(model(x + NOISE * torch.randn_like(x)), x))

    @torch.no_grad()
    def evaluate():
        model.eval()
        x = data["test"]
        se_noisy, se_clean = 0.0, 0.0
        for i in range(0, x.shape[0], args.batch_size):
            xb = x[i:i + args.batch_size]
            se_noisy += (model(test_noisy[i:i + args.batch_size]) - xb).pow(2).sum().item()
            se_clean += (model(xb) - xb).pow(2).sum().item()
        return {"test_mse": se_noisy / x.numel(), "test_mse_clean": se_clean / x.numel()}

    common.run(args, train_epoch, evaluate)


if __name__ == "__main__":
    main()
