#!/usr/bin/env bash
# A new user's project outside the workspace (scripts/user-project): it
# depends on mitra-sempoa (features mock and redis) and mitra-fastrac (mock),
# compiles Sempoa's README snippets, runs mocked tests written with the
# clients' own types (both vendors mocked in one test), and compiles no other
# vendor's crate. The workspace's lock file and build directory are reused.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cp Cargo.lock scripts/user-project/Cargo.lock
trap 'rm -f "$root/scripts/user-project/Cargo.lock"' EXIT
CARGO_TARGET_DIR="$root/target" cargo test --manifest-path scripts/user-project/Cargo.toml
# Every crate but the two it depends on (and mitra-core): the registry's
# vendors, and the workspace's tools.
unwanted=$( (cargo xtask vendors --field crate; printf '%s\n' mitra-cli mitra-sandbox mitra-spec mitra-testkit) \
  | grep -vx 'mitra-sempoa\|mitra-fastrac' | paste -sd'|')
others=$(cargo tree --manifest-path scripts/user-project/Cargo.toml --prefix none -e normal,dev \
  | grep -E "^($unwanted) " | sort -u || true)
if [ -n "$others" ]; then
  echo "user-project: compiles crates it does not depend on: $others" >&2
  exit 1
fi
echo "user-project: two vendor crates, no other vendor's"
