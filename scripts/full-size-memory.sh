#!/usr/bin/env bash
# Peak resident memory of a cnn_ae run on assignment-sized data: an MNIST_M.npy in the assignment's
# own format (a pickled 3×2 object array) holding 59,000 + 1,000 + 10,000 images of 28×28×3 uint8.
# Pixel values do not change memory use, so they are drawn at random.
#
#   scripts/full-size-memory.sh [EPOCHS]      (default 1 epoch; prints the peak in MB)
#
# With --jpeg-folder: a folder of COUNT (default 100,000) generated 64×64 RGB JPEGs in ten class
# folders, trained for one epoch by a small conv autoencoder at 64×64×3 through
# `data.source={images: DIR, shape: [64, 64, 3]}` (streamed: the folder's decoded pixels exceed
# 256 MiB; target: peak below 1 GB), and the share of the steps' time spent waiting for data
# (run.json's stages.data_wait against stages.train; target: below 2%).
#
#   scripts/full-size-memory.sh --jpeg-folder [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
jpeg_count=""
if [ "${1:-}" = "--jpeg-folder" ]; then
    jpeg_count="${2:-100000}"
fi
epochs="${1:-1}"
scripts/install-deps.sh
missing=()
python3 -c 'import numpy' 2>/dev/null || missing+=(python3-numpy)
if [ -n "$jpeg_count" ]; then
    # Debian's python3-pil serves Debian's own interpreter, whatever python3 comes first on the PATH.
    /usr/bin/python3 -c 'import numpy' 2>/dev/null || missing+=(python3-numpy)
    /usr/bin/python3 -c 'import PIL' 2>/dev/null || missing+=(python3-pil)
fi
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
swift build -c release >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -n "$jpeg_count" ]; then
    /usr/bin/python3 - "$work/pictures" "$jpeg_count" <<'PY'
import os, sys
import numpy as np
from PIL import Image
folder, count = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(0)
ramp = np.linspace(0, 1, 64, dtype=np.float32)
for index in range(count):
    # Smooth colour ramps with a little noise: JPEG sizes near real photos' at 64×64, a few KB each.
    low, high = rng.uniform(0, 255, size=(2, 3)).astype(np.float32)
    across = ramp[None, :, None] if index % 2 else ramp[:, None, None]
    pixels = low + (high - low) * across + rng.normal(0, 8, size=(64, 64, 3)).astype(np.float32)
    path = os.path.join(folder, f"class{index % 10}", f"{index:06d}.jpg")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(path, quality=90)
PY
    du -sh "$work/pictures"
    cat > "$work/conv_ae64.yaml" <<'YAML'
name: conv_ae64
seed: 0
data: {source: mnist, validation: 0.1}
networks:
  encoder:
    layers:
      - {conv2d: {filters: 16, kernel: 4, stride: 2, padding: 1}}    # 64×64×3 → 32×32×16
      - relu
      - {conv2d: {filters: 32, kernel: 4, stride: 2, padding: 1}}    # → 16×16×32
      - relu
      - flatten
      - dense: 16
  decoder:
    layers:
      - dense: 8192
      - reshape: [16, 16, 32]
      - {conv2d_transpose: {filters: 16, kernel: 4, stride: 2, padding: 1}}   # → 32×32×16
      - relu
      - {conv2d_transpose: {filters: 3, kernel: 4, stride: 2, padding: 1}}    # → 64×64×3
      - sigmoid
phases:
  - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
train: {epochs: 1, batch_size: 100}
outputs: [curves]
YAML
    /usr/bin/time -v .build/release/runexp "$work/conv_ae64.yaml" \
        --set "data.source={images: $work/pictures, shape: [64, 64, 3]}" --out "$work/run" 2> "$work/time.txt" | tail -3
    grep -E 'Maximum resident|Elapsed' "$work/time.txt"
    awk '/Maximum resident/ { printf "peak resident memory: %.0f MB (target: below 1 GB)\n", $6 / 1024 }' "$work/time.txt"
    python3 - "$work/run/run.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
stages = run["stages"]
wait, train = stages.get("data_wait", 0.0), stages["train"]
print(f"data source: {run['data']['source']}")
print(f"steps waited for data {wait:.3f} s of {train:.1f} s training: {100 * wait / train:.2f}% (target: below 2%)")
PY
    exit
fi
python3 - "$work/MNIST_M.npy" <<'PY'
import sys
import numpy as np
rng = np.random.default_rng(0)
splits = np.empty((3, 2), dtype=object)
for row, count in enumerate([59000, 1000, 10000]):
    splits[row, 0] = rng.integers(0, 256, size=(count, 28, 28, 3), dtype=np.uint8)
    splits[row, 1] = rng.integers(0, 10, size=count, dtype=np.uint8)
np.save(sys.argv[1], splits, allow_pickle=True)
PY
ls -l "$work/MNIST_M.npy"
/usr/bin/time -v .build/release/runexp experiments/cnn_ae.yaml \
    --set "data.source={homework: $work/MNIST_M.npy}" --set "train.epochs=$epochs" \
    --out "$work/run" 2> "$work/time.txt" | tail -3
grep -E 'Maximum resident|Elapsed' "$work/time.txt"
awk '/Maximum resident/ { printf "peak resident memory: %.0f MB (target: below 400 MB)\n", $6 / 1024 }' "$work/time.txt"
