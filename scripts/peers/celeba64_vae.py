"""pythae's CelebA ResNet VAE in PyTorch (peer of experiments/celeba64_vae.yaml).

    celeba64_vae.py DATA.npz [--epochs 10] [--batch-size 12] [--threads 2]

The networks are pythae 0.1.2's own benchmark classes, Encoder_ResNet_VAE_CELEBA and
Decoder_ResNet_AE_CELEBA with a 64-d code (convolutions 3→64→128 (k4 s2 p1) →128→128 (k3 s2 p1),
two ResBlocks, Linear 2048→64 twice for mu and log-variance; Linear 64→2048, ConvT 128→128 (k3 s2
p1), two ResBlocks, ConvT 128→128 (k5 s2 p1) with a Sigmoid, ConvT 128→64 (k5 s2 p1 op1), ConvT
64→3 (k4 s2 p1), Sigmoid), trained by a plain loop on pythae's VAE loss with reconstruction_loss
"mse" (half the squared error summed over the image, plus the KL divergence to N(0, I), averaged
over the batch) with Adam 1e-4, as the spec trains them. DATA is
`runexp data export experiments/celeba64_vae.yaml --out DATA.npz` (the same images); the
validation split is what both sides measure (an image folder has no test split).

    celeba64_vae.py --bench [--seconds 8] [--threads 2] [--batch-size 12]

measures training throughput on random pixels instead, for `runexp bench --experiment celeba64_vae --peer`.
"""
import torch
from pythae.models import VAEConfig
from pythae.models.nn.benchmarks.celeba import Decoder_ResNet_AE_CELEBA, Encoder_ResNet_VAE_CELEBA

import common


def model():
    """The two networks, their optimizer, and a batch's per-image loss terms."""
    config = VAEConfig(input_dim=(3, 64, 64), latent_dim=64)
    encoder, decoder = Encoder_ResNet_VAE_CELEBA(config), Decoder_ResNet_AE_CELEBA(config)
    parameters = list(encoder.parameters()) + list(decoder.parameters())
    opt = torch.optim.Adam(parameters, lr=1e-4)

    def loss_terms(x):
        """Per image: half the summed squared error of one sampled reconstruction, and the KL."""
        coded = encoder(x)
        mu, log_var = coded["embedding"], coded["log_covariance"]
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
        reconstruction = decoder(z)["reconstruction"]
        squared = 0.5 * (reconstruction - x).pow(2).reshape(x.shape[0], -1).sum(dim=1)
        kl = -0.5 * (1 + log_var - mu.pow(2) - log_var.exp()).sum(dim=1)
        return squared, kl
    return encoder, decoder, opt, loss_terms


def bench_step(x):
    encoder, decoder, opt, loss_terms = model()
    encoder.train()
    decoder.train()

    def step():
        opt.zero_grad(set_to_none=True)
        sum(loss_terms(x)).mean().backward()
        opt.step()
    return step


def main():
    if common.bench_or_none("celeba64_vae", (3, 64, 64), bench_step):
        return
    args = common.parse_args(__doc__, epochs=10)
    data = common.load(args.data, nchw=True)
    encoder, decoder, opt, loss_terms = model()

    def train_epoch():
        encoder.train()
        decoder.train()
        return common.fit_epoch(
            opt, common.batches(data["train"], args.batch_size), lambda x: sum(loss_terms(x)).mean())

    @torch.no_grad()
    def evaluate():
        encoder.eval()
        decoder.eval()
        x = data["valid"]
        squared, kl = 0.0, 0.0
        for i in range(0, x.shape[0], args.batch_size):
            s, k = loss_terms(x[i:i + args.batch_size])
            squared, kl = squared + s.sum().item(), kl + k.sum().item()
        n = x.shape[0]
        return {"validation_loss": (squared + kl) / n, "validation_kl": kl / n}

    common.run(args, train_epoch, evaluate)


if __name__ == "__main__":
    main()
