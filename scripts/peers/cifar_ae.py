"""pythae's CIFAR convolutional autoencoder in PyTorch (peer of experiments/cifar_ae.yaml).

    cifar_ae.py DATA.npz [--epochs 10] [--batch-size 12] [--threads 2]

The networks are pythae 0.1.2's own benchmark classes, Encoder_Conv_AE_CIFAR and
Decoder_Conv_AE_CIFAR with a 16-d code (4×4 stride-2 convolutions 3→128→256→512→1024 with batch
norm and ReLU, a dense code; back through Linear(16→1024·8·8) and three transposed convolutions),
trained by a plain loop on the mean squared error with Adam 1e-4, as the spec trains them. DATA is
`runexp data export experiments/cifar_ae.yaml --out DATA.npz` (the same images); the validation
split is what both sides measure (an image folder has no test split).

    cifar_ae.py --bench [--seconds 8] [--threads 2] [--batch-size 12]

measures training throughput on random pixels instead, for `runexp bench --experiment cifar_ae --peer`.
"""
import torch
import torch.nn.functional as F
from pythae.models import AEConfig
from pythae.models.nn.benchmarks.cifar import Decoder_Conv_AE_CIFAR, Encoder_Conv_AE_CIFAR

import common


def model():
    """The two networks, their optimizer, and the reconstruction of a batch."""
    config = AEConfig(input_dim=(3, 32, 32), latent_dim=16)
    encoder, decoder = Encoder_Conv_AE_CIFAR(config), Decoder_Conv_AE_CIFAR(config)
    parameters = list(encoder.parameters()) + list(decoder.parameters())
    opt = torch.optim.Adam(parameters, lr=1e-4)

    def reconstruct(x):
        return decoder(encoder(x)["embedding"])["reconstruction"]
    return encoder, decoder, opt, reconstruct


def bench_step(x):
    encoder, decoder, opt, reconstruct = model()
    encoder.train()
    decoder.train()

    def step():
        opt.zero_grad(set_to_none=True)
        F.mse_loss(reconstruct(x), x).backward()
        opt.step()
    return step


def main():
    if common.bench_or_none("cifar_ae", (3, 32, 32), bench_step):
        return
    args = common.parse_args(__doc__, epochs=10)
    data = common.load(args.data, nchw=True)
    encoder, decoder, opt, reconstruct = model()

    def train_epoch():
        encoder.train()
        decoder.train()
        return common.fit_epoch(
            opt, common.batches(data["train"], args.batch_size), lambda x: F.mse_loss(reconstruct(x), x))

    @torch.no_grad()
    def evaluate():
        encoder.eval()
        decoder.eval()
        x = data["valid"]
        squared = sum(
            (reconstruct(x[i:i + args.batch_size]) - x[i:i + args.batch_size]).pow(2).sum().item()
            for i in range(0, x.shape[0], args.batch_size))
        return {"validation_mse": squared / x.numel()}

    common.run(args, train_epoch, evaluate)


if __name__ == "__main__":
    main()
