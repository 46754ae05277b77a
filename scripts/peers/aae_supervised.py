"""Supervised adversarial autoencoder (Makhzani et al. 2015, section 5) on flat 784-pixel MNIST
(peer of runexp's aae_supervised spec).

Encoder 784-512-ReLU-512-ReLU-8 (the style code); decoder reads concat(code, onehot(label, 10)),
18-512-ReLU-512-ReLU-784-Sigmoid; discriminator 8-512-ReLU-512-ReLU-1 (logits). Prior N(0, I_8).
Each batch runs three phases in order, each its own forward pass and optimizer step:
reconstruction (MSE over all values; encoder + decoder, Adam 1e-3), discriminator
(BCE-with-logits, prior samples 1, detached codes 0; discriminator, Adam 1e-4), generator
(BCE-with-logits, codes 1; encoder only, Adam 1e-4).
"""
import torch
from torch import nn
import torch.nn.functional as F

import common

LATENT = 8
CLASSES = 10
N_DISC = 2000


def main():
    args = common.parse_args(__doc__, epochs=20)
    data = common.load(args.data, flat=True)
    enc = nn.Sequential(*common.mlp512(784, LATENT))
    dec = nn.Sequential(*common.mlp512(LATENT + CLASSES, 784), nn.Sigmoid())
    disc = nn.Sequential(*common.mlp512(LATENT, 1))
    opt_rec = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)
    opt_disc = torch.optim.Adam(disc.parameters(), lr=1e-4)
    opt_gen = torch.optim.Adam(enc.parameters(), lr=1e-4)
    # Fixed prior sample for discriminator_accuracy, so it is comparable across epochs.
    gen = torch.Generator().manual_seed(1234)
    z_test = torch.randn(N_DISC, LATENT, generator=gen)
    # Mean phase losses of the latest epoch, reported beside the test metrics.
    phase_means = {}

    def decode(code, y):
        return dec(torch.cat([code, F.one_hot(y, CLASSES).float()], 1))

    def train_epoch():
        enc.train(), dec.train(), disc.train()
        losses = {"loss_reconstruction": [], "loss_discriminator": [], "loss_generator": []}
        train_x, train_y = data["train"], data["train_y"]
        for idx in common.batches(torch.arange(train_x.shape[0]), args.batch_size):
            x, y = train_x[idx], train_y[idx]
            # (a) reconstruction: encoder + decoder.
            rec = F.mse_loss(decode(enc(x), y), x)
            opt_rec.zero_grad()
            rec.backward()
            opt_rec.step()
            # (b) discriminator: prior samples are real (1), detached codes fake (0).
            real = disc(torch.randn(x.shape[0], LATENT))
            fake = disc(enc(x).detach())
            d_loss = (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
                      + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))
            opt_disc.zero_grad()
            d_loss.backward()
            opt_disc.step()
            # (c) generator: the encoder tries to make its codes pass as prior samples;
            # the discriminator's gradients are cleared in (b) and its weights not stepped here.
            fake = disc(enc(x))
            g_loss = F.binary_cross_entropy_with_logits(fake, torch.ones_like(fake))
            opt_gen.zero_grad()
            g_loss.backward()
            opt_gen.step()
            losses["loss_reconstruction"].append(rec.item())
            losses["loss_discriminator"].append(d_loss.item())
            losses["loss_generator"].append(g_loss.item())
        phase_means.update({k: sum(v) / len(v) for k, v in losses.items()})
        return phase_means["loss_reconstruction"]

    @torch.no_grad()
    def evaluate():
        enc.eval(), dec.eval(), disc.eval()
        x, y = data["test"], data["test_y"]
        q = enc(x)
        mse = (decode(q, y) - x).pow(2).mean().item()
        mse_wrong = (decode(q, (y + 1) % CLASSES) - x).pow(2).mean().item()
        n = min(N_DISC, q.shape[0])
        correct = (disc(q[:n]) < 0).sum().item() + (disc(z_test) > 0).sum().item()
        return {"test_mse": mse, "test_mse_wrong_label": mse_wrong,
                "discriminator_accuracy": correct / (n + N_DISC), **phase_means}

    common.run(args, train_epoch, evaluate)


if __name__ == "__main__":
    main()
