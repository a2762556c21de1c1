#!/usr/bin/env bash
# A new user's project outside the workspace (scripts/user-project): it
# depends on mitra-sempoa alone (features mock and redis), compiles its
# README's snippets and runs a mocked test written with the client's own
# types. The workspace's lock file and build directory are reused.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cp Cargo.lock scripts/user-project/Cargo.lock
trap 'rm -f "$root/scripts/user-project/Cargo.lock"' EXIT
CARGO_TARGET_DIR="$root/target" cargo test --manifest-path scripts/user-project/Cargo.toml
