#!/usr/bin/env bash
# The long fuzz: every target (spec, expression, npy, npz, pickle, cifar, idx, png, png-image, jpeg,
# safetensors, study, sbatch, compare) for 1,000,000 mutated inputs each, in a release build that
# keeps overflow and bounds checks (RUNEXP_CHECKED=1, its own build folder). Findings are saved under fuzz-findings/.
#   scripts/fuzz.sh [ITERATIONS] [SEED] [TARGET...]
# Exit status: 0 when no target found anything; otherwise the first failing target's status
# (1 findings, 3 a hang, 128+N a crash by signal N).
set -uo pipefail
cd "$(dirname "$0")/.."
iterations=${1:-1000000}
seed=${2:-1}
shift $(($# < 2 ? $# : 2))
RUNEXP_CHECKED=1 swift build -c release --product runexp-fuzz --build-path .build-fuzz || exit 2
fuzz=.build-fuzz/release/runexp-fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then mapfile -t targets < <("$fuzz" --list | cut -f1); fi
status=0
for target in "${targets[@]}"; do
    "$fuzz" --target "$target" --iterations "$iterations" --seed "$seed" --out fuzz-findings
    code=$?
    if [ $code -ne 0 ]; then
        echo "fuzz: $target ended with status $code (see fuzz-findings/)" >&2
        [ $status -eq 0 ] && status=$code
    fi
done
exit $status
