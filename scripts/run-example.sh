#!/usr/bin/env bash
# The one command for a fresh Debian/Ubuntu machine: installs what is missing, builds runexp in
# release and trains experiments/cnn_ae.yaml on the embedded MNIST-M (about half a minute on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release
.build/release/runexp experiments/cnn_ae.yaml "$@"
