#!/usr/bin/env bash
# A sixth vendor from its spec alone, end to end, as a maintainer adds one:
# in a copy of the repository, `cargo xtask new-vendor` with the small spec
# kept in xtask/fixtures/new-vendor/kirimaja.yaml (an OAuth2 client-credentials
# token, an envelope whose success flag is text, one list and one POST), then
# `cargo xtask generate`; then its crate builds lint-clean, its generated tests
# pass, it is called through its typed mock (a refusal with `"success":
# "false"` in an HTTP 200 included) and through the `mitra` CLI against the
# sandbox. Lists the hand-written files the vendor took (what new-vendor wrote
# for the maintainer to own; `cargo xtask generate` writes the rest), ends
# with `hand-written files: N`, and fails above MAX_HAND_FILES.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
MAX_HAND_FILES=8
name=kirimaja
copy="$root/target/new-vendor"
rm -rf "$copy"  # the copy of the sources only; its build cache is kept
mkdir -p "$copy"
git ls-files -z | xargs -0 -I{} cp --parents {} "$copy/"
# The build cache of new-operation.sh (same dependencies), never the real
# tree's: the copy's crates must not replace the real ones.
export CARGO_TARGET_DIR="${NEW_OPERATION_TARGET:-$root/target/new-operation-target}"
cd "$copy"
git init -q && git add -A && git -c user.name=ci -c user.email=ci@localhost commit -qm base

echo "-- cargo xtask new-vendor $name"
cargo xtask new-vendor "$name" --spec "xtask/fixtures/new-vendor/$name.yaml" \
  --about "courier cities and shipments"
git add -A
mapfile -t hand < <(git diff --cached --name-only)
git -c user.name=ci -c user.email=ci@localhost commit -qm scaffold

echo "-- cargo xtask generate"
cargo xtask generate >/dev/null
cargo xtask generate --check >/dev/null
git add -A
generated=$(git diff --cached --name-only | wc -l)
# What generate wrote says so in its header (or is a manifest, README,
# licence or snapshot it owns): a hand edit there would be overwritten.
for file in $(git diff --cached --name-only --diff-filter=A); do
  case "$file" in
    *.rs) head -3 "$file" | grep -q "@generated" || { echo "$file: written by generate without its header"; exit 1; } ;;
  esac
done

echo "-- its crate: clippy -D warnings, unit tests, doctests, generated fuzz tests"
cargo clippy -q -p "mitra-$name" --all-targets --all-features -- -D warnings
cargo test -q -p "mitra-$name" 2>&1 | grep -E "^test result" | sort | uniq -c

echo "-- through its typed mock"
cat > "crates/mitra-$name/tests/proof.rs" <<'RS'
//! Written by scripts/new-vendor.sh, not by the vendor's maintainer: the
//! new vendor's client against its typed mocks.
use mitra_kirimaja::mock::{KirimajaMockServer, MockServer};
use mitra_kirimaja::{Client, Error, types};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .client_id("made-up-id")
        .client_secret("made-up-secret")
        .build()
        .unwrap()
}

fn token(server: &MockServer) -> httpmock::Mock<'_> {
    let token: types::TokenResponse = serde_json::from_value(serde_json::json!({
        "access_token": "made-up-token", "token_type": "Bearer", "expires_in": 3600
    }))
    .unwrap();
    server.kirimaja().issue_token(|_, then| {
        then.ok(&token);
    })
}

#[tokio::test]
async fn the_list_and_the_post_through_the_typed_mock() {
    let server = MockServer::start_async().await;
    let token = token(&server);
    let kota: types::KotaListEnvelope = serde_json::from_value(serde_json::json!({
        "success": "true", "message": "OK", "data": [{"id": 22, "nama": "Bandung"}]
    }))
    .unwrap();
    let list = server.kirimaja().list_kota(|when, then| {
        when.q(Some("band"));
        then.ok(&kota);
    });
    let client = client(&server);
    let got = client.list_kota(Some("band")).await.unwrap();
    assert_eq!(got.data[0].nama, "Bandung");
    list.assert_async().await;
    token.assert_async().await;
}

#[tokio::test]
async fn a_refusal_in_a_200_is_an_error_and_bad_input_is_never_sent() {
    let server = MockServer::start_async().await;
    let _token = token(&server);
    let refused = server.kirimaja().list_kota(|when, then| {
        when.q(Some("zz"));
        then.ok(&serde_json::from_value(serde_json::json!({
            "success": "false", "message": "Kota tidak ditemukan", "data": []
        })).unwrap());
    });
    let client = client(&server);
    let error = client.list_kota(Some("zz")).await.unwrap_err();
    assert!(error.to_string().contains("Kota tidak ditemukan"), "{error}");
    refused.assert_async().await;
    // `q` has `minLength: 2`: refused before anything is sent.
    let error = client.list_kota(Some("z")).await.unwrap_err();
    assert!(matches!(error, Error::Validation { .. }), "{error:?}");
}
RS
cargo test -q -p "mitra-$name" --test proof 2>&1 | grep -E "^test result|panicked|error" || true
cargo test -q -p "mitra-$name" --test proof >/dev/null 2>&1

echo "-- through the mitra CLI against the sandbox"
cargo build -q -p mitra-cli
mitra="$CARGO_TARGET_DIR/debug/mitra"
answer=$("$mitra" --sandbox "$name" list-kota --q band)
echo "$answer" | head -5
grep -q '"nama": "Bandung"' <<<"$answer" || { echo "the sandbox did not answer list-kota"; exit 1; }
answer=$("$mitra" --sandbox "$name" create-pengiriman --kota-asal 22 --kota-tujuan 23 \
  --berat-gram 1200 --penerima-nama "Siti Aminah" --penerima-telepon 081234567890)
echo "$answer"
grep -q '"resi": "KA2026120100001"' <<<"$answer" || { echo "the sandbox did not answer create-pengiriman"; exit 1; }
# Bad input is refused by the CLI before anything is sent.
if "$mitra" --sandbox "$name" list-kota --q b >/dev/null 2>&1; then
  echo "list-kota --q b (minLength 2) was not refused"; exit 1
fi

echo "-- every test that goes through the registry's vendors (CLI, sandbox, facade, xtask) with six"
log=$(mktemp)
if ! cargo test -q -p mitra-cli -p mitra-sandbox -p mitra -p xtask >"$log" 2>&1; then
  grep -E "panicked|FAILED|failed|error" "$log" | head -40; exit 1
fi
awk '/^test result:/ {p += $4} END {printf "   %d tests passed\n", p}' "$log"

echo "-- and a vendor with a static Bearer token and no envelope: new-vendor's other client"
python3 - <<'PY'
s = open("xtask/fixtures/new-vendor/kirimaja.yaml").read()
for start, end in [("  /oauth/token:\n", "  /kota:\n"), ("x-mitra-envelope:\n", "servers:\n"),
                   ("    clientBasic:\n", "    bearerToken:\n")]:
    s = s[: s.index(start)] + s[s.index(end):]
open("/tmp/mitra-new-vendor-bearer.yaml", "w").write(s.replace("KirimAja API", "KirimToken API"))
PY
cargo xtask new-vendor kirimtoken --spec /tmp/mitra-new-vendor-bearer.yaml --about "a Bearer-token courier" >/dev/null
cargo xtask generate >/dev/null
cargo clippy -q -p mitra-kirimtoken --all-targets --all-features -- -D warnings
cargo test -q -p mitra-kirimtoken 2>&1 | grep -E "^test result" | sort | uniq -c
grep -q 'Auth::bearer' crates/mitra-kirimtoken/src/client.rs || { echo "kirimtoken's client is not a Bearer client"; exit 1; }

echo "-- hand-written files (written by new-vendor for the maintainer; $generated written by generate)"
printf '   %s\n' "${hand[@]}"
echo "hand-written files: ${#hand[@]}"
if [ "${#hand[@]}" -gt "$MAX_HAND_FILES" ]; then
  echo "more than $MAX_HAND_FILES hand-written files for a new vendor"; exit 1
fi
