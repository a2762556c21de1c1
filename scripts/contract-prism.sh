#!/usr/bin/env bash
# Contract check with a tool nobody here wrote: Prism serves each spec as a
# validating mock, and every operation of every client (through the `mitra`
# CLI) is called against it with its spec's example input. Fails if an operation fails,
# or if Prism reports any request or response violation.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="target/tools/prism"
if [ ! -x "$tools/node_modules/.bin/prism" ]; then
  mkdir -p "$tools"
  (cd "$tools" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "@stoplight/prism-cli@5.14.2" >/dev/null)
fi
cargo build -q -p mitra-cli
mitra="target/debug/mitra"
logs=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$logs"' EXIT

# One Prism per vendor of the registry (`cargo xtask vendors`: spec, CLI name).
port=4310
declare -A url
while IFS=$'\t' read -r spec cli _; do
  "$tools/node_modules/.bin/prism" mock "specs/$spec.yaml" --host 127.0.0.1 -p "$port" >"$logs/$spec.log" 2>&1 &
  pids+=($!)
  url[$cli]="http://127.0.0.1:$port"
  port=$((port + 1))
done < <(cargo xtask vendors)
for cli in "${!url[@]}"; do
  for _ in $(seq 1 60); do
    grep -q "Prism is listening" "$logs"/*.log 2>/dev/null && [ "$(grep -l "Prism is listening" "$logs"/*.log | wc -l)" -eq "${#url[@]}" ] && break
    sleep 0.5
  done
done

# Every operation with its spec's example input (`mitra examples`). The
# sandbox's credentials are used (Prism does not check their values), the
# base URL is Prism's.
failed=0
count=0
while IFS=$'\t' read -r cli op example; do
  count=$((count + 1))
  printf '%s' "$example" >"$logs/body.json"
  if out=$("$mitra" --sandbox --base-url "${url[$cli]}" "$cli" "$op" --json-body "$logs/body.json" 2>&1); then
    echo "ok   $cli $op"
  else
    echo "FAIL $cli $op: $out"
    failed=$((failed + 1))
  fi
done < <("$mitra" examples)
violations=$(grep -hE "VALIDATOR\] (✖|⚠)" "$logs"/*.log || true)
if [ -n "$violations" ]; then
  echo "Prism reported violations:"
  echo "$violations"
  failed=$((failed + 1))
fi
echo "$count operations against Prism, $failed failure(s)"
[ "$count" -gt 0 ] && [ "$failed" -eq 0 ]
