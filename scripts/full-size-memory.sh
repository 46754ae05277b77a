#!/usr/bin/env bash
# Peak resident memory of a cnn_ae run on assignment-sized data: an MNIST_M.npy in the assignment's
# own format (a pickled 3×2 object array) holding 59,000 + 1,000 + 10,000 images of 28×28×3 uint8.
# Pixel values do not change memory use, so they are drawn at random.
#
#   scripts/full-size-memory.sh [EPOCHS]      (default 1 epoch; prints the peak in MB)
set -euo pipefail
cd "$(dirname "$0")/.."
epochs="${1:-1}"
scripts/install-deps.sh
missing=()
python3 -c 'import numpy' 2>/dev/null || missing+=(python3-numpy)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
swift build -c release >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
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
