"""Semi-supervised adversarial autoencoder (Makhzani et al. 2015, section 6) on flat 784-pixel
MNIST with the labels of only some training digits (peer of runexp's aae_semisupervised spec).

Encoder 784-512-ReLU-512-ReLU-18: 10 digit logits, then an 8-d style code. Decoder reads
concat(softmax(logits), style), 18-512-ReLU-512-ReLU-784-Sigmoid. Two critics, 10-512-512-1 on
digit codes and 8-512-512-1 on style codes (ReLUs, logits). Priors: one-hot of a uniform class;
N(0, I_8). Each batch runs four phases in order, each its own forward pass and optimizer step:
reconstruction (MSE over all values; encoder + decoder, Adam 1e-3), discriminator (BCE-with-logits
on both critics, prior samples 1, detached codes 0; critics, Adam 1e-4), generator (both critics
call the codes real; encoder only, Adam 1e-4), classification (cross-entropy of the digit logits
on a batch of labelled digits of its own; encoder only, Adam 1e-3). The labelled digits are the
npz's `train_labeled` indices (what `runexp data export` writes for a spec with data.labeled);
their batches are full, each pass over them in a fresh order.
"""
import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

import common

CLASSES = 10
STYLE = 8


def main():
    args = common.parse_args(__doc__, epochs=20)
    data = common.load(args.data, flat=True)
    labeled = torch.from_numpy(np.load(args.data)["train_labeled"].astype(np.int64))
    enc = nn.Sequential(*common.mlp512(784, CLASSES + STYLE))
    dec = nn.Sequential(*common.mlp512(CLASSES + STYLE, 784), nn.Sigmoid())
    d_digit = nn.Sequential(*common.mlp512(CLASSES, 1))
    d_style = nn.Sequential(*common.mlp512(STYLE, 1))
    opt_rec = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)
    opt_disc = torch.optim.Adam(list(d_digit.parameters()) + list(d_style.parameters()), lr=1e-4)
    opt_gen = torch.optim.Adam(enc.parameters(), lr=1e-4)
    opt_cls = torch.optim.Adam(enc.parameters(), lr=1e-3)
    phase_means = {}
    labeled_batches = []  # the rest of the current pass over the labelled digits

    def codes(x):
        out = enc(x)
        return out[:, :CLASSES], out[:, CLASSES:]

    def bce(logits, target):
        return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, float(target)))

    def next_labeled():
        if not labeled_batches:
            order = labeled[torch.randperm(labeled.shape[0])]
            size = min(args.batch_size, order.shape[0])
            labeled_batches.extend(order[i * size:(i + 1) * size] for i in range(order.shape[0] // size))
        return labeled_batches.pop(0)

    def train_epoch():
        for m in (enc, dec, d_digit, d_style):
            m.train()
        names = ["loss_reconstruction", "loss_discriminator", "loss_generator", "loss_classification"]
        losses = {k: [] for k in names}
        train_x, train_y = data["train"], data["train_y"]
        for idx in common.batches(torch.arange(train_x.shape[0]), args.batch_size):
            x = train_x[idx]
            n = x.shape[0]
            # (a) reconstruction from softmax(digit logits) beside the style code.
            logits, style = codes(x)
            rec = F.mse_loss(dec(torch.cat([F.softmax(logits, 1), style], 1)), x)
            opt_rec.zero_grad()
            rec.backward()
            opt_rec.step()
            # (b) both critics: prior samples real (1), detached codes fake (0).
            logits, style = codes(x)
            digit, style = F.softmax(logits, 1).detach(), style.detach()
            prior_digit = F.one_hot(torch.randint(0, CLASSES, (n,)), CLASSES).float()
            prior_style = torch.randn(n, STYLE)
            d_loss = (bce(d_digit(prior_digit), 1) + bce(d_digit(digit), 0)
                      + bce(d_style(prior_style), 1) + bce(d_style(style), 0))
            opt_disc.zero_grad()
            d_loss.backward()
            opt_disc.step()
            # (c) generator: the encoder makes both codes pass as prior samples.
            logits, style = codes(x)
            g_loss = bce(d_digit(F.softmax(logits, 1)), 1) + bce(d_style(style), 1)
            opt_gen.zero_grad()
            g_loss.backward()
            opt_gen.step()
            # (d) classification on a batch of labelled digits.
            lab = next_labeled()
            logits, _ = codes(train_x[lab])
            c_loss = F.cross_entropy(logits, train_y[lab])
            opt_cls.zero_grad()
            c_loss.backward()
            opt_cls.step()
            for k, v in zip(names, (rec, d_loss, g_loss, c_loss)):
                losses[k].append(v.item())
        phase_means.update({k: sum(v) / len(v) for k, v in losses.items()})
        return phase_means["loss_reconstruction"]

    @torch.no_grad()
    def evaluate():
        for m in (enc, dec, d_digit, d_style):
            m.eval()
        x, y = data["test"], data["test_y"]
        logits, style = codes(x)
        mse = (dec(torch.cat([F.softmax(logits, 1), style], 1)) - x).pow(2).mean().item()
        accuracy = (logits.argmax(1) == y).float().mean().item()
        return {"test_accuracy": accuracy, "test_mse": mse, "test_loss": F.cross_entropy(logits, y).item(),
                **phase_means}

    common.run(args, train_epoch, evaluate)


if __name__ == "__main__":
    main()
