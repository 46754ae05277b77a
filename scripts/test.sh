#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, lints, builds, and runs unit and end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The study tests submit to a real Slurm: start a one-node cluster on this machine (needs root or
# sudo). Where it cannot start, those tests skip and say so; CI sets RUNEXP_REQUIRE_SLURM=1, so
# there a cluster that does not start fails the suite.
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo -n"
if ! $sudo scripts/slurm-local.sh; then
    if [ "${RUNEXP_REQUIRE_SLURM:-0}" = 1 ]; then
        echo "error: RUNEXP_REQUIRE_SLURM=1, but scripts/slurm-local.sh could not start Slurm" >&2
        exit 1
    fi
    echo "note: no local Slurm (scripts/slurm-local.sh failed): the Slurm study tests will skip" >&2
fi
# The repository's .swift-format, as errors: a finding fails the suite before anything builds.
swift-format lint --strict --recursive Sources Tests Package.swift
# The house budgets: files under 400 lines, functions under 60 (exceptions listed with a reason).
python3 scripts/budgets.py
# Each module imports only those above it in ../shared/DESIGN.md's module table.
python3 scripts/module-order.py
swift build --build-tests
started=$(date +%s)
status=0
swift test --skip-build || status=$?
echo "debug test suite: $(($(date +%s) - started)) s"
exit $status

