#!/usr/bin/env bash
# Contract check with a tool nobody here wrote: Prism serves each spec as a
# validating mock, and every operation of every client (through the `mitra`
# CLI) is called against it with valid input. Fails if an operation fails,
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

port=4310
declare -A url
for spec in pos-indonesia elkassa fastrac pafi sempoa; do
  "$tools/node_modules/.bin/prism" mock "specs/$spec.yaml" --host 127.0.0.1 -p "$port" >"$logs/$spec.log" 2>&1 &
  pids+=($!)
  url[$spec]="http://127.0.0.1:$port"
  port=$((port + 1))
done
for spec in "${!url[@]}"; do
  for _ in $(seq 1 60); do
    grep -q "Prism is listening" "$logs/$spec.log" && break
    sleep 0.5
  done
done

export MITRA_POS_CONSUMER_KEY=k MITRA_POS_CONSUMER_SECRET=s MITRA_ELKASSA_KEY=k MITRA_ELKASSA_TOKEN=t \
  MITRA_FASTRAC_ACCESS_KEY=a MITRA_FASTRAC_SECRET_KEY=s MITRA_FASTRAC_BASE_URL=http://unused \
  MITRA_PAFI_CLIENT_ID=1 MITRA_PAFI_CLIENT_SECRET=s MITRA_SEMPOA_TOKEN=t
item='{"name":"Sepatu","weight":1200,"quantity":1}'
party='{"name":"Toko","phone":"62812345678","address":"Jl. Contoh 1"}'
point='{"id":"3175010001","lat":"-6.12","lng":"106.79"}'
echo "{\"courier_code\":\"paxel\",\"code_service\":\"PAXEL BIG\",\"shipper\":$party,\"receiver\":$party,\"items\":[$item]}" >"$logs/express.json"
echo "{\"courier_code\":\"lalamove\",\"tariff_id\":\"t-1\",\"shipper\":$party,\"receiver\":$party,\"item\":$item}" >"$logs/instant.json"

calls=(
  "pos-indonesia|pos get-postal-code --city bandung --address cinunuk"
  "pos-indonesia|pos get-province --province-name jawa"
  "pos-indonesia|pos get-city --province-code 32 --city-name bandung"
  "pos-indonesia|pos get-sub-district --province-code 31 --city-code 3172"
  "pos-indonesia|pos get-sub-sub-district --province-code 31 --city-code 3172 --sub-district-code 317201"
  "pos-indonesia|pos get-post-office --city bandung"
  "pos-indonesia|pos get-track-and-trace --resi P2411230001"
  "elkassa|elkassa registration --toko-name Toko --user-type 0 --no-telp 081234567890 --email a@contoh.test --password rahasia123 --address Bandung"
  "elkassa|elkassa get-registration-data"
  "elkassa|elkassa check-user --email a@contoh.test"
  "elkassa|elkassa activation --email a@contoh.test --packet-id 10 --registration-id ELK1 --cabang-id ELK1-1 --invoice-code INV --invoice-amount 150000 --payment-gateway finpay195 --payment-method ATM --payment-date 2026-11-20_10:00:00"
  "elkassa|elkassa get-all-users --page 1"
  "elkassa|elkassa get-all-users-without-paging"
  "elkassa|elkassa get-detail-user --registration-id ELK44552"
  "fastrac|fastrac get-province"
  "fastrac|fastrac get-city --province-id 31"
  "fastrac|fastrac get-district --city-id 3101"
  "fastrac|fastrac get-sub-district --district-id 3101010"
  "fastrac|fastrac get-postal-code --postal-code 14450"
  "fastrac|fastrac search-region --keyword penjaringan"
  "fastrac|fastrac get-courier-service"
  "fastrac|fastrac check-tariff-express --origin 3101010001 --destination 3173020003 --items [$item]"
  "fastrac|fastrac check-tariff-instant --origin $point --destination $point --package $item --vehicle-type bike"
  "fastrac|fastrac calculate-multi-items --items [$item]"
  "fastrac|fastrac create-order-express --json-body $logs/express.json"
  "fastrac|fastrac create-order-instant --json-body $logs/instant.json"
  "fastrac|fastrac cancel-order --courier-code paxel --awb CO.FASTRAC-1 --cancel-reason Dibatalkan_pembeli"
  "fastrac|fastrac track-order --courier-code paxel --awb CO.FASTRAC-1"
  "fastrac|fastrac get-balance-history --filter-status order"
  "pafi|pafi get-kecukupan-skp-by-nik --nik 3206021201960046"
  "sempoa|sempoa check-token"
  "sempoa|sempoa list-akun --page 1 --limit 10"
  "sempoa|sempoa get-akun --kode 10000"
  "sempoa|sempoa list-jurnal"
  "sempoa|sempoa create-jurnal --tanggal 2023-12-30 --referensi R-1 --deskripsi Pembelian --transaksi [{\"akun\":\"1000\",\"debit\":10,\"kredit\":0},{\"akun\":\"1002\",\"debit\":0,\"kredit\":10}]"
)
failed=0
for entry in "${calls[@]}"; do
  spec=${entry%%|*}
  read -r -a args <<<"${entry#*|}"
  # Underscores stand for spaces inside one argument.
  for i in "${!args[@]}"; do
    case "${args[$i]}" in 2026-*|Dibatalkan*) args[$i]=${args[$i]//_/ } ;; esac
  done
  if out=$("$mitra" --base-url "${url[$spec]}" "${args[@]}" 2>&1); then
    echo "ok   ${args[*]:0:2}"
  else
    echo "FAIL ${args[*]:0:2}: $out"
    failed=$((failed + 1))
  fi
done
violations=$(grep -hE "VALIDATOR\] (✖|⚠)" "$logs"/*.log || true)
if [ -n "$violations" ]; then
  echo "Prism reported violations:"
  echo "$violations"
  failed=$((failed + 1))
fi
echo "${#calls[@]} operations against Prism, $failed failure(s)"
[ "$failed" -eq 0 ]
