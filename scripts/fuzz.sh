#!/usr/bin/env bash
# cargo-fuzz on every vendor's decoders (fuzz/fuzz_targets), seeded with the
# vendor's fixtures. `scripts/fuzz.sh [seconds per target]` (default 10, the
# CI smoke). Needs nightly compiler flags: RUSTC_BOOTSTRAP=1 lets the one
# stable toolchain of these machines accept them.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
command -v cargo-fuzz >/dev/null || cargo install --quiet --locked cargo-fuzz@0.13.2
export RUSTC_BOOTSTRAP=1
# The vendor registry: fuzz target (column 5) and fixture folders (column 6).
while IFS=$'\t' read -r _ _ _ _ target fixtures; do
  echo "== cargo fuzz: $target ($seconds s)"
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  # shellcheck disable=SC2086
  cargo fuzz run --fuzz-dir fuzz "$target" "$corpus" $fixtures -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 </dev/null 2>&1 | grep -E "^(Done|#[0-9]+ +DONE)|SUMMARY|ERROR|panicked" || true
  [ ! -d "fuzz/artifacts/$target" ] || [ -z "$(ls -A "fuzz/artifacts/$target")" ] || { echo "$target: crash artifacts in fuzz/artifacts/$target"; exit 1; }
done < <(cargo xtask vendors)
