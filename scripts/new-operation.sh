#!/usr/bin/env bash
# What a maintainer does when a vendor documents a new operation, end to end:
# in a copy of the repository, add `getSaldoAkun` to specs/sempoa.yaml, run
# `cargo xtask generate`, and with no other edit call it through the public
# Client against its typed mock, and find it in the CLI. Fails if any step
# needs more than the spec.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
copy="$root/target/new-operation"
rm -rf "$copy"  # the copy of the sources only; its build cache is kept
mkdir -p "$copy"
git ls-files -z | xargs -0 -I{} cp --parents {} "$copy/"
# Its own target directory: the copy's `mitra` must not replace the real one.
export CARGO_TARGET_DIR="${NEW_OPERATION_TARGET:-$root/target/new-operation-target}"
cd "$copy"

python3 - <<'PY'
import re
p = "specs/sempoa.yaml"
s = open(p).read()
op = """  /akun/{kode}/saldo:
    get:
      operationId: getSaldoAkun
      summary: The balance of one account
      x-mitra-source: seed
      parameters:
        - name: kode
          in: path
          required: true
          description: Account code.
          schema:
            type: string
          example: '10000'
      responses:
        '200':
          description: The account.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/AkunEnvelope'
"""
s = s.replace("paths:\n", "paths:\n" + op, 1)
open(p, "w").write(s)
PY
cargo xtask generate >/dev/null

mkdir -p crates/mitra-sempoa/tests
cat > crates/mitra-sempoa/tests/new_operation.rs <<'RS'
use mitra_sempoa::mock::{MockServer, SempoaMockServer};
use mitra_sempoa::{Client, operations, types};

#[tokio::test]
async fn the_new_operation_is_callable_and_mockable() {
    let server = MockServer::start_async().await;
    let envelope: types::AkunEnvelope = serde_json::from_value(serde_json::json!({
        "status": 200, "message": "Success", "data": {"kode": "10000", "akun": "Asset"}
    }))
    .unwrap();
    let mock = server.sempoa().get_saldo_akun(|when, then| {
        when.kode("10000");
        then.ok(&envelope);
    });
    let client = Client::builder().base_url(server.base_url()).token("t").build().unwrap();
    let got = client.get_saldo_akun("10000").await.unwrap();
    assert_eq!(got.data.akun, "Asset");
    mock.assert_async().await;
    assert!(operations::ALL.iter().any(|op| op.id == "getSaldoAkun"));
}
RS
cargo test -q -p mitra-sempoa --test new_operation 2>&1 | tail -3
cargo build -q -p mitra-cli
"$CARGO_TARGET_DIR/debug/mitra" sempoa --help | grep -q "get-saldo-akun" \
  || { echo "get-saldo-akun is not in the CLI"; exit 1; }
"$CARGO_TARGET_DIR/debug/mitra" sempoa get-saldo-akun --help | grep -q -- "--kode" \
  || { echo "get-saldo-akun has no --kode flag"; exit 1; }
echo "new operation: client, typed mock and CLI from the spec alone"
