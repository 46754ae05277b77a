"""WAE-MMD (Tolstikhin et al. 2018) on flat 784-pixel MNIST (peer of a runexp WAE spec).

Encoder 784-512-ReLU-512-ReLU-8; decoder 8-512-ReLU-512-ReLU-784-Sigmoid.
Prior N(0, I_8). Loss = mean over batch of summed squared error over 784 pixels
+ 10 * MMD(codes, prior sample), unbiased MMD with the inverse multiquadric
kernel k(a,b) = C / (C + ||a-b||^2), C = 2 * d * sigma^2 = 16.
"""
import torch
from torch import nn

import common

LATENT = 8
LAMBDA = 10.0
C = 2.0 * LATENT * 1.0


def imq(a, b):
    return C / (C + (a[:, None, :] - b[None, :, :]).pow(2).sum(-1))


def mmd(q, z):
    """Unbiased MMD^2 estimate between codes q and prior samples z (same n)."""
    n = q.shape[0]
    off = 1.0 - torch.eye(n)
    kzz = (imq(z, z) * off).sum() / (n * (n - 1))
    kqq = (imq(q, q) * off).sum() / (n * (n - 1))
    kzq = imq(z, q).sum() / (n * n)
    return kzz + kqq - 2 * kzq


def main():
    args = common.parse_args(__doc__, epochs=20)
    data = common.load(args.data, flat=True)
    enc = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                        nn.Linear(512, LATENT))
    dec = nn.Sequential(nn.Linear(LATENT, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                        nn.Linear(512, 784), nn.Sigmoid())
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    # Fixed prior sample for test_mmd, so it is comparable across epochs.
    gen = torch.Generator().manual_seed(1234)
    n_mmd = min(1000, data["test"].shape[0])
    z_test = torch.randn(n_mmd, LATENT, generator=gen)

    def train_epoch():
        enc.train(), dec.train()
        def loss_of(x):
            q = enc(x)
            return (dec(q) - x).pow(2).sum(1).mean() + LAMBDA * mmd(q, torch.randn_like(q))

        return common.fit_epoch(opt, common.batches(data["train"], args.batch_size), loss_of)

    @torch.no_grad()
    def evaluate():
        enc.eval(), dec.eval()
        x = data["test"]
        q = enc(x)
        mse = (dec(q) - x).pow(2).mean().item()
        return {"test_mse": mse, "test_mmd": mmd(q[:n_mmd], z_test).item()}

    common.run(args, train_epoch, evaluate)


if __name__ == "__main__":
    main()
