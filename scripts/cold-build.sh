#!/usr/bin/env bash
# Cold build times, in the same run: each vendor crate from an empty target
# directory, beside a bare crate with the same reqwest, serde and tokio
# features (the baseline a hand-written client would start from).
#
#   scripts/cold-build.sh [crate ...]     (default: every vendor crate)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/bare/src"
cat > "$work/bare/Cargo.toml" <<'TOML'
[package]
name = "bare-reqwest"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
reqwest = { version = "0.13.5", default-features = false, features = ["json", "query", "form", "rustls-no-provider"] }
rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", default-features = false, features = ["rt", "sync", "time", "macros"] }

[workspace]
TOML
cat > "$work/bare/src/lib.rs" <<'RS'
#[derive(serde::Deserialize, serde::Serialize)]
pub struct City { pub code: String, pub name: String }
pub async fn get_city(client: &reqwest::Client, url: &str) -> reqwest::Result<Vec<City>> {
    client.post(url).json(&serde_json::json!({"provinceCode": "32"})).send().await?.json().await
}
RS
cp "$root/Cargo.lock" "$work/bare/Cargo.lock" 2>/dev/null || true

seconds() { local start end; start=$(date +%s%N); "$@" >/dev/null 2>&1; end=$(date +%s%N); echo "$(( (end - start) / 1000000 ))" | sed -E 's/([0-9]*)([0-9]{3})$/\1.\2/'; }

crates=("$@")
[ ${#crates[@]} -gt 0 ] || mapfile -t crates < <(cargo xtask vendors | cut -f1 | sed 's/^/mitra-/')

echo "machine: $(nproc) cores, $(rustc --version)"
printf '%-24s %8s\n' crate "seconds"
printf '%-24s %8s\n' "bare reqwest+serde+tokio" "$(cd "$work/bare" && seconds env CARGO_TARGET_DIR="$work/t-bare" cargo build)"
# The openapi-generator client of specs/sempoa.yaml (scripts/peer.sh makes it),
# on the same TLS stack as the bare crate.
if [ -d "$root/target/peer/sempoa" ]; then
  mkdir -p "$work/peer/src"
  cat > "$work/peer/Cargo.toml" <<TOML
[package]
name = "peer-user"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
sempoa-peer = { path = "$root/target/peer/sempoa", default-features = false }
rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }
reqwest = { version = "0.13.5", default-features = false, features = ["rustls-no-provider"] }

[workspace]
TOML
  echo 'pub use sempoa_peer::apis::akun_api::get_akun;' > "$work/peer/src/lib.rs"
  cp "$root/Cargo.lock" "$work/peer/Cargo.lock" 2>/dev/null || true
  printf '%-24s %8s\n' "openapi-generator peer" "$(cd "$work/peer" && seconds env CARGO_TARGET_DIR="$work/t-peer" cargo build)"
fi
# Each vendor crate as a user's crate sees it: a dependency of a crate in its
# own workspace, with cargo's default profile (not this workspace's lighter
# debug settings, which would flatter mitra beside the bare crate and peer).
for crate in "${crates[@]}"; do
  mkdir -p "$work/user-$crate/src"
  cat > "$work/user-$crate/Cargo.toml" <<TOML
[package]
name = "user-of-$crate"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$crate = { path = "$root/crates/$crate" }

[workspace]
TOML
  echo "pub use ${crate//-/_}::Client;" > "$work/user-$crate/src/lib.rs"
  cp "$root/Cargo.lock" "$work/user-$crate/Cargo.lock"
  printf '%-24s %8s\n' "$crate" "$(cd "$work/user-$crate" && seconds env CARGO_TARGET_DIR="$work/t-$crate" cargo build)"
done
