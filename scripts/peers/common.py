"""Shared helpers for the PyTorch peer scripts.

A peer trains in PyTorch the same model a runexp spec trains, on the same
images, and prints the same metrics as JSON lines on stdout:
one {"epoch": k, ...} object per epoch, then {"final": {...}, "seconds": s}.
"""
import argparse
import json
import sys
import time

import numpy as np
import torch


def parse_args(description, epochs, extra=None):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("data", help="npz with train_x/train_y/valid_x/valid_y/test_x/test_y")
    p.add_argument("--epochs", type=int, default=epochs)
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    if extra:
        extra(p)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    return args


def load(path, flat=False, nchw=False):
    """Return dict split -> float32 tensor in [0,1] (images) for train/valid/test.

    flat: reshape to N x (H*W*C).  nchw: NHWC colour -> NCHW (grey gets C=1).
    """
    d = np.load(path)
    out = {}
    for split in ("train", "valid", "test"):
        x = torch.from_numpy(d[f"{split}_x"].astype(np.float32) / 255.0)
        if flat:
            x = x.reshape(x.shape[0], -1)
        elif nchw:
            x = x.unsqueeze(1) if x.dim() == 3 else x.permute(0, 3, 1, 2)
        out[split] = x.contiguous()
        out[f"{split}_y"] = torch.from_numpy(d[f"{split}_y"].astype(np.int64))
    return out


def mlp512(n_in, n_out):
    """The AAE peers' networks: n_in-512-ReLU-512-ReLU-n_out, as a list of layers."""
    from torch import nn
    return [nn.Linear(n_in, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, n_out)]


def batches(x, batch_size, shuffle=True):
    """Yield mini-batches of x (a fresh permutation each call when shuffle)."""
    idx = torch.randperm(x.shape[0]) if shuffle else torch.arange(x.shape[0])
    for i in range(0, x.shape[0], batch_size):
        yield x[idx[i:i + batch_size]]


def emit(obj):
    print(json.dumps(obj), flush=True)


def fit_epoch(opt, batches, loss_of):
    """One epoch of plain training: for each batch, loss_of(batch), backward, one optimizer step.
    Returns the mean of the batches' losses. (The caller puts its modules in train mode.)"""
    losses = []
    for batch in batches:
        loss = loss_of(batch)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


def run(args, train_epoch, evaluate):
    """train_epoch() -> mean training loss; evaluate() -> dict of metrics."""
    start = time.time()
    metrics = {}
    for epoch in range(1, args.epochs + 1):
        train_loss = train_epoch()
        metrics = dict(evaluate(), train_loss=train_loss)
        emit({"epoch": epoch, **metrics})
    emit({"final": metrics, "seconds": round(time.time() - start, 3)})


def bench_or_none(name, shape, make_step):
    """When the command line is `--bench [--seconds S] [--threads T] [--batch-size B]`, measure
    training throughput the way `runexp bench` does (random pixels, the step that trains the
    spec's model, a warm-up, then steps for S seconds), print {"NAME_train_img_s": …} and return
    True; otherwise return False and let the script train on its data.

    make_step(x) -> a function that runs one full training step on the batch x (N, *shape)."""
    if "--bench" not in sys.argv[1:]:
        return False
    p = argparse.ArgumentParser(description=f"training throughput of {name}")
    p.add_argument("--bench", action="store_true")
    p.add_argument("--seconds", type=float, default=8)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=100)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    step = make_step(torch.rand(args.batch_size, *shape))
    step()  # warm-up
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < args.seconds:
        step()
        steps += 1
    rate = steps * args.batch_size / (time.perf_counter() - start)
    emit({f"{name}_train_img_s": rate, "torch": torch.__version__, "threads": args.threads,
          f"{name}_batch": args.batch_size})
    return True
