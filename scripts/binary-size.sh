#!/usr/bin/env bash
# Size of a release binary that makes one Sempoa call through mitra, beside the
# same call in bare reqwest + serde (same TLS stack), both stripped.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release -p mitra-bench --example one_call_mitra --example one_call_bare
for b in one_call_bare one_call_mitra; do
  cp "target/release/examples/$b" "target/release/examples/$b.stripped"
  strip "target/release/examples/$b.stripped"
done
bare=$(stat -c %s target/release/examples/one_call_bare.stripped)
mitra=$(stat -c %s target/release/examples/one_call_mitra.stripped)
echo "bare reqwest+serde: $bare bytes"
echo "mitra-sempoa:       $mitra bytes"
echo "ratio:              $(awk "BEGIN { printf \"%.3f\", $mitra / $bare }")"
