#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, builds, and runs unit and end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
