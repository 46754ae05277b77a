"""Trains each pythae-family spec with runexp, then the same model with pythae, one after the other.

    family-side-by-side.py [MODEL ...] [--runexp .build/release/runexp] [--data /tmp/mnist.npz]
                           [--python ~/.venv-torch/bin/python] [--threads 1] [--epochs 10]

Prints one markdown row per model (docs/models.md's side-by-side table): both test losses, pythae's
training seconds, runexp's training and whole-process seconds, the ratio of pythae's training to
runexp's whole process, and the load average before each pair. Run it on a quiet machine: the two
sides alternate, so a busy core slows whichever is running.

runexp's seconds: its `train` stage in run.json and the process's wall clock (training, evaluation,
checkpoint, outputs and report). pythae's: its TrainingPipeline call (scripts/peers/pythae_family.py).
The data file is `runexp data export experiments/vae_mlp.yaml --out /tmp/mnist.npz`.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# pythae model -> runexp spec. The order is docs/models.md's.
SPECS = {
    "AE": "family_ae.yaml", "VAE": "family_vae.yaml", "BetaVAE": "family_beta_vae.yaml",
    "WAE_MMD": "family_wae_mmd.yaml", "INFOVAE_MMD": "family_info_vae_mmd.yaml",
    "Adversarial_AE": "family_aae.yaml",
    "DisentangledBetaVAE": "family_disentangled_beta_vae.yaml", "BetaTCVAE": "family_beta_tc_vae.yaml",
    "FactorVAE": "family_factor_vae.yaml", "IWAE": "family_iwae.yaml", "CIWAE": "family_ciwae.yaml",
    "MIWAE": "family_miwae.yaml", "PIWAE": "family_piwae.yaml", "VQVAE": "family_vqvae.yaml",
    "VAE_LinNF": "family_vae_linnf.yaml", "VAE_IAF": "family_vae_iaf.yaml", "VAMP": "family_vamp.yaml",
    "RAE_L2": "family_rae_l2.yaml", "RAE_GP": "family_rae_gp.yaml", "HVAE": "family_hvae.yaml",
    "MSSSIM_VAE": "family_msssim_vae.yaml", "VAEGAN": "family_vae_gan.yaml", "SVAE": "family_svae.yaml",
    "PVAE": "family_pvae.yaml",
}
# The peer's number that runexp's test_loss is compared with (scripts/peers/README.md says why).
PEER_KEY = {"IWAE": "test_bound", "CIWAE": "test_loss", "MIWAE": "test_bound", "PIWAE": "test_bound",
            "Adversarial_AE": "test_autoencoder_loss"}


def runexp_side(args, model):
    with tempfile.TemporaryDirectory() as out:
        command = [args.runexp, os.path.join(ROOT, "experiments", SPECS[model]), "--threads",
                   str(args.threads), "--out", os.path.join(out, "run"), "--set", f"train.epochs={args.epochs}"]
        start = time.monotonic()
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"{model}: runexp exited with {done.returncode}\n{done.stderr}")
        whole = time.monotonic() - start
        with open(os.path.join(out, "run", "run.json")) as f:
            train = json.load(f)["stages"]["train"]
        with open(os.path.join(out, "run", "metrics.json")) as f:
            metrics = json.load(f)
    # The AE's loss is its one term, the per-pixel MSE; pythae's is the squared error summed.
    loss = metrics["test_loss"] if model != "AE" else 784 * metrics["test_mse"]
    return loss, train, whole


def pythae_side(args, model):
    command = [args.python, os.path.join(ROOT, "scripts", "peers", "pythae_family.py"), model, args.data,
               "--epochs", str(args.epochs), "--threads", str(args.threads)]
    lines = subprocess.run(command, check=True, capture_output=True, text=True).stdout.splitlines()
    final = json.loads([line for line in lines if '"final"' in line][-1])
    return final["final"][PEER_KEY.get(model, "test_loss")], final["seconds"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models", nargs="*", metavar="MODEL", help="pythae's names (default: all): " + ", ".join(SPECS))
    p.add_argument("--runexp", default=os.path.join(ROOT, ".build", "release", "runexp"))
    p.add_argument("--data", default="/tmp/mnist.npz")
    p.add_argument("--python", default=os.path.expanduser("~/.venv-torch/bin/python"))
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--epochs", type=int, default=10)
    args = p.parse_args()
    unknown = [m for m in args.models if m not in SPECS]
    if unknown:
        p.error(f"unknown model {unknown[0]}; the models are " + ", ".join(SPECS))
    print("| model | pythae test loss | runexp test loss | pythae s | runexp training s | runexp whole s "
          "| pythae s / runexp whole | load |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for model in args.models or list(SPECS):
        load = os.getloadavg()[0]
        loss, train, whole = runexp_side(args, model)
        peer_loss, peer_seconds = pythae_side(args, model)
        change = 100 * (loss - peer_loss) / abs(peer_loss)
        print(f"| {model} | {peer_loss:.4g} | {loss:.4g} ({change:+.1f}%) | {peer_seconds:.1f} | {train:.1f} "
              f"| {whole:.1f} | {peer_seconds / whole:.2f}× | {load:.2f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
