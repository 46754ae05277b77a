#!/usr/bin/env python3
"""The assignment end to end, runexp against the PyTorch script a student writes, by the wall clock.

Makes the assignment's own files (an MNIST_M.npy object array of 5,900 / 100 / 1,000 images, a
data.npy of 5,900 x 784 with labels.npy) from runexp's embedded data with `runexp data homework`,
then in each round runs, one after the other: the whole `runexp` process on experiments/cnn_ae.yaml,
../shared/bench/torch_homework.py cnn, runexp on experiments/aae_mlp.yaml (10 epochs), torch_homework.py aae (10 epochs). Prints each
stage of both sides and the ratio of the medians (PyTorch seconds / runexp seconds: above 1, runexp
is faster); `--json` prints one JSON object with `cnn_end_to_end_ratio` and `aae_end_to_end_ratio`.

usage: ~/.venv-torch/bin/python scripts/bench-end-to-end.py [--rounds 3] [--runexp .build/release/runexp]
           [--peer ../shared/bench/torch_homework.py] [--aae-epochs 10] [--work DIR] [--json]

Needs, for the peer, numpy, torch, matplotlib and scikit-learn in the same Python. Run nothing
else on the machine meanwhile: rounds are interleaved so that a noisy neighbour hits both sides.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make_files(runexp, work):
    """The assignment's three files, made by `runexp data homework` from its embedded data."""
    mnist_m = os.path.join(work, "MNIST_M.npy")
    data, labels = os.path.join(work, "data.npy"), os.path.join(work, "labels.npy")
    if not all(os.path.exists(p) for p in (mnist_m, data, labels)):
        subprocess.run([runexp, "data", "homework", "--out", work], check=True, stdout=subprocess.DEVNULL)
    return mnist_m, data, labels


def run_runexp(runexp, spec, overrides, out):
    command = [runexp, "run", os.path.join(ROOT, "experiments", spec), "--out", out, "--force"]
    for value in overrides:
        command += ["--set", value]
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    with open(os.path.join(out, "run.json")) as f:
        stages = json.load(f).get("stages", {})
    with open(os.path.join(out, "metrics.json")) as f:
        metrics = json.load(f)
    return seconds, stages, metrics


def run_peer(python, peer, arguments):
    started = time.perf_counter()
    done = subprocess.run([python, peer] + arguments, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return seconds, result["seconds"], result


def stage_text(stages):
    return "  ".join(f"{k} {v:.1f}" for k, v in stages.items() if k != "total")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runexp", default=os.path.join(ROOT, ".build", "release", "runexp"))
    ap.add_argument("--peer", default=os.path.join(ROOT, "..", "shared", "bench", "torch_homework.py"))
    ap.add_argument("--aae-epochs", type=int, default=10)
    ap.add_argument("--work", help="folder for the files and results (default: a temporary one)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    runexp = os.path.abspath(a.runexp)
    if not os.access(runexp, os.X_OK):
        sys.exit(f"error: {runexp} is not an executable; build it with `swift build -c release`")
    work = a.work or tempfile.mkdtemp(prefix="runexp-end-to-end-")
    os.makedirs(work, exist_ok=True)
    mnist_m, data, labels = make_files(runexp, work)
    cnn_set = [f"data.source={{homework: {mnist_m}}}"]
    aae_set = [f"data.source={{npy: {data}, labels: {labels}}}", f"train.epochs={a.aae_epochs}"]
    log = (lambda *_: None) if a.json else (lambda *x: print(*x, flush=True))
    seconds = {k: [] for k in ("cnn_runexp", "cnn_peer", "aae_runexp", "aae_peer")}
    rows = []
    for round_ in range(1, a.rounds + 1):
        row = {}
        r, stages, m = run_runexp(runexp, "cnn_ae.yaml", cnn_set, os.path.join(work, "cnn-runexp"))
        p, peer_stages, pm = run_peer(sys.executable, a.peer, ["cnn", mnist_m, os.path.join(work, "cnn-peer")])
        row["cnn"] = (r, stages, m.get("test_mse"), p, peer_stages, pm.get("test_mse"))
        log(f"round {round_}: cnn  runexp {r:5.1f} s ({stage_text(stages)}; test_mse {m.get('test_mse', 0):.5f})")
        log(f"         cnn  peer   {p:5.1f} s ({stage_text(peer_stages)}; test_mse {pm.get('test_mse', 0):.5f})"
            f"  → {p / r:.2f}×")
        r, stages, m = run_runexp(runexp, "aae_mlp.yaml", aae_set, os.path.join(work, "aae-runexp"))
        p, peer_stages, pm = run_peer(
            sys.executable, a.peer,
            ["aae", data, labels, os.path.join(work, "aae-peer"), "--epochs", str(a.aae_epochs)])
        row["aae"] = (r, stages, m.get("train_mse"), p, peer_stages, pm.get("train_mse"))
        log(f"round {round_}: aae  runexp {r:5.1f} s ({stage_text(stages)}; train_mse {m.get('train_mse', 0):.5f})")
        log(f"         aae  peer   {p:5.1f} s ({stage_text(peer_stages)}; train_mse {pm.get('train_mse', 0):.5f})"
            f"  → {p / r:.2f}×")
        for part in ("cnn", "aae"):
            seconds[f"{part}_runexp"].append(row[part][0])
            seconds[f"{part}_peer"].append(row[part][3])
        rows.append(row)
    median = {k: statistics.median(v) for k, v in seconds.items()}
    result = {
        "rounds": a.rounds, "aae_epochs": a.aae_epochs,
        "cnn_runexp_seconds": median["cnn_runexp"], "cnn_peer_seconds": median["cnn_peer"],
        "aae_runexp_seconds": median["aae_runexp"], "aae_peer_seconds": median["aae_peer"],
        "cnn_end_to_end_ratio": median["cnn_peer"] / median["cnn_runexp"],
        "aae_end_to_end_ratio": median["aae_peer"] / median["aae_runexp"],
        "rounds_seconds": seconds,
    }
    if a.json:
        print(json.dumps(result))
    else:
        print(f"median of {a.rounds}: cnn runexp {median['cnn_runexp']:.1f} s, PyTorch {median['cnn_peer']:.1f} s"
              f" → {result['cnn_end_to_end_ratio']:.2f}×;  aae ({a.aae_epochs} epochs) runexp"
              f" {median['aae_runexp']:.1f} s, PyTorch {median['aae_peer']:.1f} s → {result['aae_end_to_end_ratio']:.2f}×")


if __name__ == "__main__":
    main()
