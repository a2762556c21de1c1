#!/usr/bin/env bash
# An independent judge of `cargo xtask diff`'s `rust` column: cargo-semver-checks
# (which nobody here wrote) compares mitra-fastrac's public API before and after
# each fixture of `cargo xtask semver-fixtures` (one kind of spec change each:
# operations, request and response fields, enum values, paths) and must agree
# with xtask on every one: it finds a semver-major break exactly when xtask
# says `major`. (cargo-semver-checks reports breaking changes, not additions:
# `minor` and `patch` both mean "it finds nothing".)
#
# Usage: scripts/semver-judge.sh   (installs cargo-semver-checks if absent)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo-semver-checks >/dev/null; then
  cargo install cargo-semver-checks --locked
fi

work=target/semver-judge
# Sources are made afresh; $work/target (the judge's builds) is kept between runs.
rm -rf "$work/base" "$work/current" "$work/fixtures"
mkdir -p "$work/base" "$work/current"
# The baseline is this tree as it is (sources only); the current copy starts equal.
tar -c --exclude=./target --exclude=./.git --exclude=./fuzz . | tar -x -C "$work/base"
tar -c -C "$work/base" . | tar -x -C "$work/current"

# XTASK: another way to run xtask (e.g. its binary), for a shared build directory.
${XTASK:-cargo xtask} semver-fixtures "$work/fixtures" > "$work/expected.tsv"
# One build directory for both sides: the dependencies are built once.
export CARGO_TARGET_DIR="$PWD/$work/target"

# cargo-semver-checks has no lint for a field whose type changes (String to
# i64): there xtask may only be stricter than the judge, never looser.
blind=" response-field-retyped "

crate_src="$work/current/crates/mitra-fastrac/src"
disagree=0
stricter=0
while IFS=$'\t' read -r name expected; do
  cp "$work/fixtures/$name/generated.rs" "$crate_src/generated.rs"
  cp "$work/fixtures/$name/mock.rs" "$crate_src/mock.rs"
  cp "$work/fixtures/$name/fastrac.yaml" "$work/current/specs/fastrac.yaml"
  # --release-type minor: only semver-major breaks fail the check.
  if cargo semver-checks check-release --quiet \
      --manifest-path "$work/current/Cargo.toml" -p mitra-fastrac \
      --baseline-root "$work/base" --release-type minor \
      > "$work/$name.log" 2>&1; then
    judged=not-major
  elif grep -q "^--- failure" "$work/$name.log"; then
    judged=major
  else
    echo "$name: cargo-semver-checks failed to run:" >&2
    cat "$work/$name.log" >&2
    exit 2
  fi
  if [ "$expected" = major ]; then mine=major; else mine=not-major; fi
  if [ "$mine" = "$judged" ]; then
    printf '%-34s xtask %-5s  cargo-semver-checks %-9s  agree\n' "$name" "$expected" "$judged"
  elif [[ "$blind" == *" $name "* && "$mine" = major ]]; then
    printf '%-34s xtask %-5s  cargo-semver-checks %-9s  xtask stricter (no lint for a retyped field)\n' \
      "$name" "$expected" "$judged"
    stricter=$((stricter + 1))
  else
    printf '%-34s xtask %-5s  cargo-semver-checks %-9s  DISAGREE (%s)\n' \
      "$name" "$expected" "$judged" "$work/$name.log"
    disagree=$((disagree + 1))
  fi
done < "$work/expected.tsv"

fixtures=$(wc -l < "$work/expected.tsv")
if [ "$disagree" -ne 0 ]; then
  echo "semver judge: $disagree of $fixtures fixtures disagree" >&2
  exit 1
fi
echo "semver judge: cargo-semver-checks agrees with xtask on $((fixtures - stricter)) of $fixtures fixtures; on $stricter, a known blind spot of it, xtask is stricter"
