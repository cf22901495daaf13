#!/usr/bin/env bash
# Fuzzes watchbill's parsers with cargo-fuzz (libFuzzer), each target for SECONDS (default 20).
#
#   bash scripts/fuzz.sh                  every target, 20 s each (what .ci/run does)
#   bash scripts/fuzz.sh 3600 load        one target for an hour, by hand
#
# cargo-fuzz needs nightly features; on a stable toolchain RUSTC_BOOTSTRAP=1 unlocks them.
# Inputs found interesting accumulate in fuzz/corpus/<target> (not committed); the committed
# seeds are fuzz/seeds/<target>. A failure leaves its input in fuzz/artifacts/<target>: copy it
# to fuzz/regressions/<target>/<what-it-is> and fix the code (tests/it/fuzz_regressions.rs replays
# it on every test run).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${1:-20}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(load expressions times template)

export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

cargo fuzz build
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target"
    echo "== fuzz $target for ${seconds} s"
    # -timeout: one input running 10 s is a bug (the template fuel stops loops well before).
    if ! cargo fuzz run "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
        cat "$log"
        exit 1
    fi
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)|INFO: seed corpus' "$log" || true
done
