#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, lints, builds, and runs unit and end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The repository's .swift-format, as errors: a finding fails the suite before anything builds.
swift-format lint --strict --recursive Sources Tests Package.swift
swift build --build-tests
swift test --skip-build
