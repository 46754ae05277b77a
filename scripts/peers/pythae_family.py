"""pythae 0.1.2's own models, trained by pythae's own TrainingPipeline (peer of experiments/family_*.yaml).

    pythae_family.py MODEL DATA.npz [--epochs 10] [--seed 0] [--threads 2] [--lr 1e-3] [--recon bce|mse]

Every model uses pythae's default MNIST MLP with latent_dim 16 (encoder 784-512-ReLU-(embedding 16,
log_covariance 16), decoder 16-512-ReLU-784-Sigmoid), Adam 1e-3 for every optimizer, batch 100, no
evaluation data (so no early stopping on validation), pythae's output folder in a temporary
directory that is removed afterwards. Everything else is the model's pythae default, except that the
VAE family's reconstruction loss is `bce` (pythae's default is `mse`; `--recon mse` restores it).
What each model's test_loss is: scripts/peers/README.md.

Output: one {"epoch": k, "train_loss": ...} line per epoch (pythae's epoch training loss), then
{"final": {"test_loss": ..., "test_<term>": ...}, "seconds": training seconds, "eval_seconds": ...}.
"""
import argparse
import contextlib
import math
import sys
import tempfile
import time

import numpy as np
import pythae.models
import pythae.trainers
import torch
from pythae.pipelines import TrainingPipeline
from pythae.trainers.training_callbacks import TrainingCallback

import common

LATENT = 16

# Models whose loss averages several weighted posterior draws; the peer also prints their bound.
IMPORTANCE_WEIGHTED = {"IWAE", "CIWAE", "MIWAE", "PIWAE"}
# Models whose config has no `reconstruction_loss` (theirs is fixed) or must keep pythae's default:
# HVAE's `bce` reads the decoder's output as logits, and the default decoder ends in a sigmoid.
FIXED_RECONSTRUCTION = {"AE", "WAE_MMD", "RAE_L2", "RAE_GP", "VQVAE", "HVAE"}

# pythae model class name -> (config class name, trainer kind). The trainer kind is the one
# TrainingPipeline requires for the model: base, coupled (encoder/decoder optimizers),
# adversarial (autoencoder/discriminator) or coupled_adversarial (encoder/decoder/discriminator).
MODELS = {
    "AE": ("AEConfig", "base"),
    "VAE": ("VAEConfig", "base"),
    "BetaVAE": ("BetaVAEConfig", "base"),
    "DisentangledBetaVAE": ("DisentangledBetaVAEConfig", "base"),
    "BetaTCVAE": ("BetaTCVAEConfig", "base"),
    "FactorVAE": ("FactorVAEConfig", "adversarial"),
    "INFOVAE_MMD": ("INFOVAE_MMD_Config", "base"),
    "WAE_MMD": ("WAE_MMD_Config", "base"),
    "RAE_L2": ("RAE_L2_Config", "coupled"),
    "RAE_GP": ("RAE_GP_Config", "base"),
    "IWAE": ("IWAEConfig", "base"),
    "CIWAE": ("CIWAEConfig", "base"),
    "MIWAE": ("MIWAEConfig", "base"),
    "PIWAE": ("PIWAEConfig", "coupled"),
    "VAMP": ("VAMPConfig", "base"),
    "VQVAE": ("VQVAEConfig", "base"),
    "MSSSIM_VAE": ("MSSSIM_VAEConfig", "base"),
    "VAEGAN": ("VAEGANConfig", "coupled_adversarial"),
    "Adversarial_AE": ("Adversarial_AE_Config", "adversarial"),
    "VAE_LinNF": ("VAE_LinNF_Config", "base"),
    "VAE_IAF": ("VAE_IAF_Config", "base"),
    "HVAE": ("HVAEConfig", "base"),
    "SVAE": ("SVAEConfig", "base"),
    "PVAE": ("PoincareVAEConfig", "base"),
}
# Models whose pythae class is not named as the model: pythae lists the PVAE as PoincareVAE.
CLASS_NAMES = {"PVAE": "PoincareVAE"}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", choices=sorted(MODELS))
    p.add_argument("data", help="npz with train_x/valid_x/test_x (uint8 N×28×28[×1]), as runexp data export writes")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--recon", choices=["bce", "mse"], default="bce",
                   help="reconstruction_loss of the models that have one (not HVAE's)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    return args


def images(path, split):
    """The split as float32 N×1×28×28 in [0, 1] (pythae's MNIST layout)."""
    x = np.load(path)[f"{split}_x"].astype(np.float32) / 255.0
    if x.ndim == 4:
        x = x.transpose(0, 3, 1, 2)  # NHWC -> NCHW
    else:
        x = x[:, None]
    return torch.from_numpy(np.ascontiguousarray(x))


def build_model(name, args, input_dim):
    models = pythae.models
    config_name, _ = MODELS[name]
    options = {"input_dim": input_dim, "latent_dim": LATENT}
    if name not in FIXED_RECONSTRUCTION:
        options["reconstruction_loss"] = args.recon
    config = getattr(models, config_name)(**options)
    return getattr(models, CLASS_NAMES.get(name, name))(config)


def training_config(name, args, output_dir):
    trainers = pythae.trainers
    kind = MODELS[name][1]
    common_options = dict(output_dir=output_dir, per_device_train_batch_size=args.batch_size,
                          per_device_eval_batch_size=args.batch_size, num_epochs=args.epochs,
                          seed=args.seed, no_cuda=True)
    lr = args.lr
    if kind == "coupled":
        # TrainingPipeline adds RAE_L2's decoder weight decay (its reg_weight) itself.
        return trainers.CoupledOptimizerTrainerConfig(
            **common_options, encoder_learning_rate=lr, decoder_learning_rate=lr)
    if kind == "adversarial":
        return trainers.AdversarialTrainerConfig(
            **common_options, autoencoder_learning_rate=lr, discriminator_learning_rate=lr)
    if kind == "coupled_adversarial":
        return trainers.CoupledOptimizerAdversarialTrainerConfig(
            **common_options, encoder_learning_rate=lr, decoder_learning_rate=lr,
            discriminator_learning_rate=lr)
    return trainers.BaseTrainerConfig(**common_options, learning_rate=lr, optimizer_cls="Adam")


class EpochPrinter(TrainingCallback):
    """Prints each epoch's training loss (pythae's mean over the epoch's batches) as a JSON line."""

    def __init__(self, out):
        self.out = out
        self.epoch = 0

    def on_log(self, training_config, logs, **kwargs):
        self.epoch += 1
        line = {"epoch": self.epoch, "train_loss": logs.get("train_epoch_loss")}
        with contextlib.redirect_stdout(self.out):
            common.emit(line)


def model_loss(model, x, epoch, dataset_size):
    """pythae's forward (its loss_function) on one batch, as its trainer's eval_step calls it.

    RAE_GP and HVAE differentiate inside the loss, so like eval_step they run with gradients when
    no_grad fails.
    """
    inputs = {"data": x}
    kwargs = dict(epoch=epoch, dataset_size=dataset_size, uses_ddp=False)
    try:
        with torch.no_grad():
            return model(inputs, **kwargs)
    except RuntimeError:
        return model(inputs, **kwargs)


def log_weights(model, x, draws):
    """log w = log p(x|z) + log p(z) − log q(z|x) for `draws` fresh posterior draws per image,
    shape N×draws, with pythae's own terms (its reconstruction loss, constants that cancel left out)."""
    with torch.no_grad():
        out = model.encoder(x)
        mu, log_var = out.embedding, out.log_covariance
        mu = mu.unsqueeze(1).expand(-1, draws, -1)
        log_var = log_var.unsqueeze(1).expand(-1, draws, -1)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
        recon = model.decoder(z.reshape(-1, LATENT))["reconstruction"].reshape(x.shape[0], draws, -1)
        target = x.reshape(x.shape[0], 1, -1).expand_as(recon)
        if model.model_config.reconstruction_loss == "bce":
            log_px = -torch.nn.functional.binary_cross_entropy(recon, target, reduction="none").sum(-1)
        else:
            log_px = -0.5 * (recon - target).pow(2).sum(-1)
        log_q = (-0.5 * (log_var + (z - mu).pow(2) / log_var.exp())).sum(-1)
        log_p = -0.5 * z.pow(2).sum(-1)
        return log_px + log_p - log_q


def bounds(name, model, x):
    """Per-image negative bounds: `test_bound` is −log mean_k w over the model's k draws (for MIWAE
    and PIWAE, averaged over its M groups of k); PIWAE also gets its decoder's bound over all M·k."""
    config = model.model_config
    k = config.number_samples
    m = getattr(config, "number_gradient_estimates", 1)
    log_w = log_weights(model, x, m * k).reshape(x.shape[0], m, k)
    grouped = -(torch.logsumexp(log_w, dim=-1) - math.log(k)).mean(dim=-1)
    result = {"test_bound": grouped}
    if name == "PIWAE":
        flat = log_w.reshape(x.shape[0], m * k)
        result["test_bound_all"] = -(torch.logsumexp(flat, dim=-1) - math.log(m * k))
    return result


def evaluate(name, model, test, batch_size, epoch):
    """Means over the test images of pythae's loss, of every scalar its forward reports, and the
    per-pixel MSE of its reconstructions (recon_x: a posterior draw's, for IWAEs the first draw's)."""
    model.eval()
    sums, count = {}, 0
    for start in range(0, test.shape[0], batch_size):
        x = test[start:start + batch_size]
        n = x.shape[0]
        out = model_loss(model, x, epoch, test.shape[0])
        for key, value in out.items():
            if torch.is_tensor(value) and value.dim() == 0:
                field = "test_loss" if key == "loss" else f"test_{key}"
                sums[field] = sums.get(field, 0.0) + value.item() * n
        recon = out.get("recon_x")
        if recon is not None:
            # FactorVAE reconstructs half of each batch, the rows recon_x_indices names.
            target = x[out["recon_x_indices"]] if "recon_x_indices" in out.keys() else x
            sums["test_mse"] = sums.get("test_mse", 0.0) + (
                (recon.reshape(target.shape[0], -1) - target.reshape(target.shape[0], -1)).pow(2).mean(-1).sum().item()
                * n / target.shape[0])
        if name in IMPORTANCE_WEIGHTED:
            for field, values in bounds(name, model, x).items():
                sums[field] = sums.get(field, 0.0) + values.sum().item()
        count += n
    return {key: value / count for key, value in sums.items()}


def main():
    args = parse_args()

    train = images(args.data, "train")
    test = images(args.data, "test")
    stdout = sys.stdout
    with tempfile.TemporaryDirectory(prefix="pythae-") as output_dir, contextlib.redirect_stdout(sys.stderr):
        model = build_model(args.model, args, tuple(train.shape[1:]))
        pipeline = TrainingPipeline(model=model, training_config=training_config(args.model, args, output_dir))
        start = time.time()
        pipeline(train_data=train, callbacks=[EpochPrinter(stdout)])
        seconds = time.time() - start
        # The last epoch's weights, as runexp keeps (pythae's saved final_model is the epoch of
        # least training loss, usually the same one).
        start = time.time()
        metrics = evaluate(args.model, pipeline.model, test, args.batch_size, args.epochs)
        eval_seconds = time.time() - start
    common.emit({"model": args.model, "final": metrics, "seconds": round(seconds, 3),
                 "eval_seconds": round(eval_seconds, 3)})


if __name__ == "__main__":
    main()
