#!/usr/bin/env bash
# The one command for a fresh Debian/Ubuntu machine: installs what is missing, builds runexp in
# release and checks experiments/cnn_ae.yaml on the embedded data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release
.build/release/runexp check experiments/cnn_ae.yaml
