#!/usr/bin/env bash
# What a maintainer sees when a vendor changes, end to end, in a copy of the
# repository. Fastrac (made up for this script) renames `City.name` to
# `city_name` in its answers, makes `reference` a required field of
# `OrderExpressRequest`, and adds `GET /region/village`. With no edit but
# the spec's:
#   1. `mitra verify` (the released spec) against a server answering the new
#      shape exits 3 naming the renamed field; against the sandbox, 0;
#   2. the spec is changed, examples left as they were: `cargo xtask
#      generate` refuses the stale examples, naming them;
#   3. the examples are fixed: generation passes, and the review snapshots
#      change for exactly the affected operations (the surface file, the
#      wire snapshots of createOrderExpress and the new getVillage);
#   4. the regenerated `mitra verify` accepts the new shape (exit 0);
#   5. `cargo xtask diff` classifies the rename and the new required field
#      wire-breaking (the rename `major`), the new operation `minor`;
#   6. `cargo xtask release fastrac` bumps only mitra-fastrac and the facade,
#      with their changelog entries.
# It prints the review a PR would get. Fails if any step differs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
copy="$root/target/vendor-change"
rm -rf "$copy"  # the copy of the sources only; its build cache is kept
mkdir -p "$copy"
git ls-files -z | xargs -0 -I{} cp --parents {} "$copy/"
# The build cache of scripts/new-operation.sh (another copy of the same
# sources): the dependencies are built once for both. Not the repository's
# own target: the copy's `mitra` must not replace the real one.
export CARGO_TARGET_DIR="${VENDOR_CHANGE_TARGET:-$root/target/new-operation-target}"
cd "$copy"
git init -q . && git add -A && git -c user.name=ci -c user.email=ci@localhost commit -qm before
# The spec of each crate's last release (a blob of the real history, which
# `cargo xtask release` compares with): into the copy's object store.
for manifest in crates/*/Cargo.toml; do
  blob=$(sed -nE 's/^released-spec = "([0-9a-f]+)"/\1/p' "$manifest")
  if [ -n "$blob" ] && git -C "$root" cat-file -e "$blob" 2>/dev/null; then
    git -C "$root" cat-file blob "$blob" | git hash-object -w --stdin >/dev/null
  fi
done
# The script's own files (logs, the new-shape server), out of the diff.
scratch="$copy/.scratch"
mkdir -p "$scratch" && echo ".scratch/" >>.git/info/exclude

fail() { echo "vendor-change: $*" >&2; exit 1; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

echo "-- 1. mitra verify (the spec before the change) against the vendor's new shape"
cargo build -q -p mitra-cli
cp "$CARGO_TARGET_DIR/debug/mitra" "$scratch/mitra-before"
# The vendor's new shape: the sandbox behind a proxy that renames the
# field and answers the new operation.
"$scratch/mitra-before" sandbox --port 0 >"$scratch/sandbox.log" &
pids+=($!)
for _ in $(seq 50); do grep -q "http://" "$scratch/sandbox.log" 2>/dev/null && break; sleep 0.1; done
sandbox=$(grep -o "http://[0-9.:]*" "$scratch/sandbox.log" | head -1)
[ -n "$sandbox" ] || fail "the sandbox did not start"
cat >"$scratch/new_shape.py" <<'PY'
import http.server, json, sys, urllib.request, urllib.error
upstream = sys.argv[1] + "/fastrac"
class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def answer(self, status, body, kind="application/json"):
        self.send_response(status)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def forward(self):
        if self.path.startswith("/region/village"):
            body = {"success": True, "message": "", "data": [{"village_id": 3175010001001, "name": "RW 01"}]}
            return self.answer(200, json.dumps(body).encode())
        length = int(self.headers.get("content-length") or 0)
        data = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        request = urllib.request.Request(upstream + self.path, data=data, headers=headers, method=self.command)
        try:
            with urllib.request.urlopen(request) as r:
                status, kind, body = r.status, r.headers.get("content-type", ""), r.read()
        except urllib.error.HTTPError as e:
            status, kind, body = e.code, e.headers.get("content-type", ""), e.read()
        if self.path.startswith("/region/city") and status == 200:
            answer = json.loads(body)
            for city in answer.get("data") or []:
                city["city_name"] = city.pop("name")
            body = json.dumps(answer).encode()
        self.answer(status, body, kind)
    do_GET = do_POST = forward
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(f"http://127.0.0.1:{server.server_port}", flush=True)
server.serve_forever()
PY
python3 "$scratch/new_shape.py" "$sandbox" >"$scratch/new_shape.log" &
pids+=($!)
for _ in $(seq 50); do grep -q "http://" "$scratch/new_shape.log" 2>/dev/null && break; sleep 0.1; done
vendor=$(head -1 "$scratch/new_shape.log")
[ -n "$vendor" ] || fail "the new-shape server did not start"
# The new-shape server forwards to the sandbox: the sandbox's made-up keys.
credential() { grep -o "$1: &str = \"[^\"]*\"" crates/mitra-sandbox/src/registry.rs | cut -d'"' -f2; }
keys=(MITRA_FASTRAC_ACCESS_KEY="$(credential FASTRAC_ACCESS_KEY)" MITRA_FASTRAC_SECRET_KEY="$(credential FASTRAC_SECRET_KEY)")
set +e
env "${keys[@]}" "$scratch/mitra-before" verify fastrac --base-url "$vendor" --suggest >"$scratch/verify-before.txt"
status=$?
set -e
cat "$scratch/verify-before.txt"
[ "$status" = 3 ] || fail "verify against the new shape exited $status, not 3"
grep -E "^drift +getCity .*/data/0/name: required field missing.*/data/0/city_name: field not in the spec" \
  "$scratch/verify-before.txt" >/dev/null || fail "verify does not name the renamed field"
"$scratch/mitra-before" verify fastrac --sandbox >"$scratch/verify-sandbox.txt" \
  || { cat "$scratch/verify-sandbox.txt"; fail "verify against the sandbox is not 0"; }
tail -1 "$scratch/verify-sandbox.txt" | sed 's/^/sandbox: /'

echo "-- 2. the spec follows the vendor; its examples are left as they were"
python3 - <<'PY'
p = "specs/fastrac.yaml"
s = open(p).read()
def once(old, new):
    global s
    assert s.count(old) == 1, old
    s = s.replace(old, new)
# City.name -> city_name.
once("""    City:
      type: object
      required: [city_id, name]
      properties:
        city_id:
          type: integer
          format: int64
        name:
""", """    City:
      type: object
      required: [city_id, city_name]
      properties:
        city_id:
          type: integer
          format: int64
        city_name:
""")
# A required request field.
once("""      required: [courier_code, code_service, cod, insurance, pickup, shipper, receiver, item]
      properties:
""", """      required: [courier_code, code_service, cod, insurance, pickup, shipper, receiver, item, reference]
      properties:
        reference:
          type: string
          description: The merchant's own order reference.
""")
# A new operation.
once("""  /region/sub-district:
""", """  /region/village:
    get:
      tags: [region]
      operationId: getVillage
      summary: Villages (RW) of a sub-district
      x-mitra-source: assumption
      x-mitra-assumption: Made up by scripts/vendor-change.sh.
      x-mitra-returns: Vec<serde_json::Value>
      parameters:
        - name: subdistrict_id
          in: query
          required: true
          schema:
            type: integer
            format: int64
            minimum: 1
          example: 3175010001
      responses:
        '200':
          description: Villages (raw JSON).
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/RawListEnvelope'
  /region/sub-district:
""")
open(p, "w").write(s)
PY
set +e
cargo xtask generate >"$scratch/generate-stale.txt" 2>&1
status=$?
set -e
# The other vendors' lines ("<name>: up to date") left out; the registry names them.
others=$(cargo xtask vendors --field name | grep -vx fastrac | paste -sd'|')
grep -Ev "^($others): " "$scratch/generate-stale.txt" || true
[ "$status" != 0 ] || fail "generation accepted the stale examples"
grep -q "specs/fastrac.yaml: createOrderExpress: request body (application/json) example" "$scratch/generate-stale.txt" \
  || fail "generation does not name createOrderExpress's example"
grep -q "/reference: required field missing" "$scratch/generate-stale.txt" || fail "nor its missing field"
grep -q "specs/fastrac.yaml: getCity: response 200 (application/json) example" "$scratch/generate-stale.txt" \
  || fail "generation does not name getCity's example"
git diff --quiet -- crates || fail "a refused generation wrote files"

echo "-- 3. the examples fixed: generation passes; the review snapshots"
python3 - <<'PY'
p = "specs/fastrac.yaml"
s = open(p).read()
# Only getCity's answer example: the district example keeps `name`.
start = s.index("  /region/city:")
end = s.index("  /region/district:")
city = s[start:end].replace("                    name: ", "                    city_name: ")
s = s[:start] + city + s[end:]
# And an optional field the vendor now sends with each city.
city_end = "          format: int64\n    CityEnvelope:\n"
assert s.count(city_end) == 1
s = s.replace(city_end, "          format: int64\n        province_name:\n          type: string\n          x-mitra-personal: false\n    CityEnvelope:\n")
old = "            example:\n              courier_code: paxel\n              code_service: PAXEL BIG\n"
assert s.count(old) == 1
s = s.replace(old, old + "              reference: ORD-2025-0001\n")
open(p, "w").write(s)
PY
cargo xtask generate >/dev/null
git add -A
changed=$(git diff --cached --name-only | sort | tr '\n' ' ')
# README.md: its coverage table (cargo xtask coverage) counts the new fields.
# crates/mitra-sandbox/src/registry.rs: the sandbox answers each operation with its spec example.
expected="README.md crates/mitra-fastrac/README.md crates/mitra-fastrac/snapshots/api.txt crates/mitra-fastrac/snapshots/wire/createOrderExpress.snap crates/mitra-fastrac/snapshots/wire/getVillage.snap crates/mitra-fastrac/src/generated.rs crates/mitra-fastrac/src/mock.rs crates/mitra-sandbox/src/registry.rs specs/fastrac.yaml "
[ "$changed" = "$expected" ] || fail "changed: $changed; expected: $expected"
echo "changed: $changed"
echo "== the review: surface file"
git diff --cached -- crates/mitra-fastrac/snapshots/api.txt | tail -n +5
echo "== the review: wire snapshots"
git diff --cached -- crates/mitra-fastrac/snapshots/wire | grep -v "^index "

echo "-- 4. the regenerated mitra verify accepts the new shape"
env "${keys[@]}" "$CARGO_TARGET_DIR/debug/mitra" verify fastrac --base-url "$vendor" >"$scratch/verify-after.txt" \
  || { cat "$scratch/verify-after.txt"; fail "verify after the change is not 0"; }
grep -E "^ok +getCity" "$scratch/verify-after.txt" >/dev/null || fail "getCity is not ok after the change"
grep -E "^ok +getVillage" "$scratch/verify-after.txt" >/dev/null || fail "getVillage was not checked"
tail -1 "$scratch/verify-after.txt" | sed 's/^/new shape, new spec: /'
echo "-- 5. cargo xtask diff classifies each change, on the wire and in Rust"
cargo xtask diff HEAD >"$scratch/diff.md"
cat "$scratch/diff.md"
cargo xtask diff HEAD --json >"$scratch/diff.jsonl"
python3 - "$scratch/diff.jsonl" <<'PY'
import json, sys
changes = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def find(words):
    hits = [c for c in changes if all(w in c["change"] + " " + c["location"] for w in words)]
    assert hits, f"no change with {words}: {changes}"
    return hits[0]
renamed = find(["renamed", "city_name"])
assert (renamed["wire"], renamed["rust"]) == ("breaking", "major"), renamed
required = find(["reference", "required"])
assert required["wire"] == "breaking", required
added = find(["operation added"])
assert (added["wire"], added["rust"]) == ("compatible", "minor"), added
assert all(c["vendor"] == "fastrac" for c in changes), changes
print(f"diff: {len(changes)} changes classified as expected")
PY
if cargo xtask diff HEAD --fail-on breaking >/dev/null 2>&1; then fail "--fail-on breaking passed a breaking change"; fi

echo "-- 6. cargo xtask release fastrac bumps only mitra-fastrac and the facade"
git -c user.name=ci -c user.email=ci@localhost commit -qm "the vendor change"
cargo xtask release fastrac >"$scratch/release.txt"
released=$(git diff --name-only | sort | tr '\n' ' ')
for f in crates/mitra-fastrac/Cargo.toml crates/mitra-fastrac/CHANGELOG.md crates/mitra/Cargo.toml crates/mitra/CHANGELOG.md; do
  case " $released" in *" $f "*) ;; *) fail "release did not change $f (changed: $released)";; esac
done
for other in $(cargo xtask vendors --field name | grep -vx fastrac); do
  case " $released" in *"crates/mitra-$other/Cargo.toml"*) fail "release bumped mitra-$other";; esac
done
git diff -- crates/mitra-fastrac/CHANGELOG.md | grep "^+" | head -20
echo "-- 7. a spec edit that breaks a request: verify against the vendor as it is says so (exit 3), never ok"
python3 - <<'PY'
p = "specs/fastrac.yaml"
s = open(p).read()
# trackOrder's path edited (a guessed path, guessed wrong): the sandbox, like
# Fastrac, answers the spec's own example with a 404.
assert s.count("  /order/track:\n") == 1
s = s.replace("  /order/track:\n", "  /order/tracking:\n")
open(p, "w").write(s)
PY
cargo xtask generate >/dev/null
cargo build -q -p mitra-cli
set +e
# Against the vendor as it is (the sandbox built before the edit): a sandbox
# built now would answer the edited spec's path from its examples.
env "${keys[@]}" "$CARGO_TARGET_DIR/debug/mitra" verify fastrac --base-url "$sandbox/fastrac" >"$scratch/verify-broken.txt"
status=$?
set -e
cat "$scratch/verify-broken.txt"
[ "$status" = 3 ] || fail "verify --sandbox after a request-breaking edit exited $status, not 3"
grep -E "^unconfirmed +trackOrder +HTTP 4" "$scratch/verify-broken.txt" >/dev/null \
  || fail "verify does not name trackOrder as unconfirmed"
echo "vendor change: verify names it, generation refuses stale examples, the snapshots show exactly it, diff classifies it, release bumps one crate, a broken request is unconfirmed"
