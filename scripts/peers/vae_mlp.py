"""VAE on flat 784-pixel MNIST (peer of a runexp VAE spec).

Encoder 784-400-ReLU-40 (mu = first 20, logvar = last 20);
decoder 20-400-ReLU-784 (logits). Loss per image = summed BCE-with-logits
over 784 pixels + KL(q(z|x) || N(0,I)); batch loss is the mean over images.
"""
import torch
from torch import nn
import torch.nn.functional as F

import common

LATENT = 20


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(784, 400), nn.ReLU(), nn.Linear(400, 2 * LATENT))
        self.dec = nn.Sequential(nn.Linear(LATENT, 400), nn.ReLU(), nn.Linear(400, 784))

    def forward(self, x):
        h = self.enc(x)
        mu, logvar = h[:, :LATENT], h[:, LATENT:]
        z = mu + torch.exp(logvar / 2) * torch.randn_like(mu)
        return self.dec(z), mu, logvar


def terms(model, x):
    """Per-image (reconstruction BCE sum, KL) and the logits."""
    logits, mu, logvar = model(x)
    rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
    kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(1)
    return rec, kl, logits


def main():
    args = common.parse_args(__doc__, epochs=20)
    data = common.load(args.data, flat=True)
    model = VAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def train_epoch():
        model.train()
        def loss_of(x):
            rec, kl, _ = terms(model, x)
            return (rec + kl).mean()

        return common.fit_epoch(opt, common.batches(data["train"], args.batch_size), loss_of)

    @torch.no_grad()
    def evaluate():
        model.eval()
        n, loss, kl_sum, se = 0, 0.0, 0.0, 0.0
        for x in common.batches(data["test"], args.batch_size, shuffle=False):
            rec, kl, logits = terms(model, x)
            loss += (rec + kl).sum().item()
            kl_sum += kl.sum().item()
            se += (torch.sigmoid(logits) - x).pow(2).sum().item()
            n += x.shape[0]
        return {"test_loss": loss / n, "test_kl": kl_sum / n, "test_mse": se / (n * 784)}

    common.run(args, train_epoch, evaluate)


if __name__ == "__main__":
    main()
