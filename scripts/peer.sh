#!/usr/bin/env bash
# mitra beside its peer: the client openapi-generator makes from the same spec
# (PyPI openapi-generator-cli 7.26.0, Java 17; generator `rust`,
# library=reqwest, supportAsync=true), and bare reqwest. Sempoa's
# `GET /akun/{kode}` from specs/sempoa.yaml, all three on one reqwest client
# from `mitra_core::build_http_client`, against a local server in the same
# process. Nothing the generator writes is committed: it all lives under
# target/peer.
#
#   scripts/peer.sh            the full table: instructions per call one at a
#                              time and 64 in flight, throughput 64 in flight,
#                              one-call binary sizes
#   scripts/peer.sh --check    CI: instructions per call only (one at a time
#                              and 64 in flight), per 10,000-item decode and
#                              the one-call binary's size; fails when mitra
#                              costs more per call than the peer (beyond 1 %,
#                              the noise of the measure), decodes at more than
#                              1.10x plain serde, or its one-call binary is
#                              more than 8 % larger than the peer's (one
#                              operation, and four)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
check=false
[ "${1:-}" = "--check" ] && check=true
tools="$root/target/tools"
peer="$root/target/peer"

if [ ! -x "$tools/venv/bin/openapi-generator-cli" ]; then
  [ -x "$tools/venv/bin/python" ] || python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check "openapi-generator-cli==7.26.0"
fi
rm -rf "$peer/sempoa"
"$tools/venv/bin/openapi-generator-cli" generate -g rust -i specs/sempoa.yaml -o "$peer/sempoa" \
  --additional-properties=library=reqwest,supportAsync=true,packageName=sempoa-peer,packageVersion=0.0.0 >/dev/null

bench="$peer/bench"
mkdir -p "$bench/src/bin"
cat >"$bench/Cargo.toml" <<TOML
[package]
name = "peer-bench"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
sempoa-peer = { path = "../sempoa", default-features = false }
mitra-sempoa = { path = "$root/crates/mitra-sempoa" }
mitra-core = { path = "$root/crates/mitra-core" }
mitra-bench = { path = "$root/crates/mitra-bench" }
reqwest = { version = "0.13.5", default-features = false, features = ["json", "query", "form", "rustls-no-provider"] }
serde_json = "1"
futures-util = "0.3"
tokio = { version = "1", features = ["rt", "macros", "net"] }

[profile.release]
debug = false

[workspace]
TOML
cp "$root/Cargo.lock" "$bench/Cargo.lock"

# n calls by one of the three clients, `inflight` at a time (default 1):
# `calls <bare|peer|mitra> <n> [inflight] [padding]`. Prints calls per second.
cat >"$bench/src/bin/calls.rs" <<'RS'
use futures_util::StreamExt;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args[2].parse().unwrap();
    let inflight: usize = args.get(3).map_or(1, |a| a.parse().unwrap());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let server = mitra_bench::Server::start().await;
        let http = mitra_bench::bare_client();
        let mitra = mitra_sempoa::Client::builder()
            .base_url(&server.url)
            .token(mitra_bench::TOKEN)
            .http_client(http.clone())
            .build()
            .unwrap();
        // Not Configuration::new(): it builds a reqwest client of its own,
        // which panics without a TLS provider installed process-wide.
        let peer = sempoa_peer::apis::configuration::Configuration {
            base_path: server.url.clone(),
            user_agent: None,
            client: http.clone(),
            basic_auth: None,
            oauth_access_token: None,
            bearer_access_token: Some(mitra_bench::TOKEN.to_owned()),
            api_key: None,
        };
        let (who, http, url, peer, mitra) = (args[1].as_str(), &http, &server.url, &peer, &mitra);
        let started = std::time::Instant::now();
        futures_util::stream::iter(0..n)
            .for_each_concurrent(inflight, |_| async move {
                match who {
                    "bare" => drop(mitra_bench::bare_get_akun(http, url).await),
                    "peer" => drop(sempoa_peer::apis::akun_api::get_akun(peer, "10000").await.unwrap()),
                    _ => drop(mitra.get_akun("10000").await.unwrap()),
                }
            })
            .await;
        println!("{:.0}", n as f64 / started.elapsed().as_secs_f64());
    });
}
RS
# One call each, for the size of a program that uses one operation.
for who in bare peer mitra; do
  case $who in
    bare) call='let http = mitra_core::build_http_client(&mitra_core::HttpConfig::default()).unwrap(); let r: serde_json::Value = http.get(format!("{url}/akun/10000")).bearer_auth("t").send().await.unwrap().json().await.unwrap(); println!("{}", r["data"]["akun"]);' ;;
    peer) call='let c = sempoa_peer::apis::configuration::Configuration { base_path: url, user_agent: None, client: mitra_core::build_http_client(&mitra_core::HttpConfig::default()).unwrap(), basic_auth: None, oauth_access_token: None, bearer_access_token: Some("t".into()), api_key: None }; println!("{:?}", sempoa_peer::apis::akun_api::get_akun(&c, "10000").await.unwrap().data.akun);' ;;
    mitra) call='let c = mitra_sempoa::Client::builder().base_url(url).token("t").build().unwrap(); println!("{}", c.get_akun("10000").await.unwrap().name);' ;;
  esac
  cat >"$bench/src/bin/one_$who.rs" <<RS
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let url = std::env::args().nth(1).unwrap_or_default();
    $call
}
RS
done

# Four operations each (check the token, list the accounts, get one, list the
# journals): what each operation a program uses adds.
cat >"$bench/src/bin/four_peer.rs" <<'RS'
use sempoa_peer::apis::{akun_api, jurnal_api, token_api};
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let url = std::env::args().nth(1).unwrap_or_default();
    let c = sempoa_peer::apis::configuration::Configuration { base_path: url, user_agent: None, client: mitra_core::build_http_client(&mitra_core::HttpConfig::default()).unwrap(), basic_auth: None, oauth_access_token: None, bearer_access_token: Some("t".into()), api_key: None };
    println!("{:?}", token_api::check_token(&c).await.is_ok());
    println!("{}", akun_api::list_akun(&c, None, None).await.unwrap().data.flatten().map_or(0, |d| d.len()));
    println!("{:?}", akun_api::get_akun(&c, "10000").await.unwrap().data.akun);
    println!("{}", jurnal_api::list_jurnal(&c, None, None).await.unwrap().data.flatten().map_or(0, |d| d.len()));
}
RS
cat >"$bench/src/bin/four_mitra.rs" <<'RS'
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let url = std::env::args().nth(1).unwrap_or_default();
    let c = mitra_sempoa::Client::builder().base_url(url).token("t").build().unwrap();
    println!("{:?}", c.check_token().await.is_ok());
    println!("{}", c.list_akun(None, None).await.unwrap().len());
    println!("{}", c.get_akun("10000").await.unwrap().name);
    println!("{}", c.list_jurnal(None, None).await.unwrap().len());
}
RS

export CARGO_TARGET_DIR="$peer/target"
cargo build -q --release --manifest-path "$bench/Cargo.toml" --bins
bin="$CARGO_TARGET_DIR/release"

# A program's instruction count moves with where its allocations fall: the
# length of an argument it copies to the heap at start moved the peer between
# 105,795 and 106,162 instructions a call and mitra between 105,511 and
# 106,537 (glibc's copy routines and the allocator take other paths for other
# alignments), more than the gap being judged. So each client is measured at
# the same 8 heap layouts (an unused 4th argument of 0 to 112 bytes: each a
# different allocation size class) and the means are compared.
pads=(0 16 32 48 64 80 96 112)
instructions() { # who n inflight pad -> instructions executed
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin/calls" "$1" "$2" "$3" "$(printf "%${4}s" '')" 2>&1 \
    | sed -nE 's/.*Collected : ([0-9]+).*/\1/p'
}
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f %%", (a - b) * 100 / b }'; }
declare -A per_call spread
failed=false
for inflight in 1 64; do
  for who in bare peer mitra; do
    sum=0 low=0 high=0
    for pad in "${pads[@]}"; do
      small=$(instructions "$who" 100 "$inflight" "$pad")
      large=$(instructions "$who" 1100 "$inflight" "$pad")
      one=$(( (large - small) / 1000 ))
      sum=$(( sum + one ))
      [ "$low" -eq 0 ] || [ "$one" -lt "$low" ] && low=$one
      [ "$one" -gt "$high" ] && high=$one
    done
    per_call[$who]=$(( sum / ${#pads[@]} ))
    spread[$who]="layouts $low..$high"
  done
  echo "instructions per call, client + server, $inflight in flight (callgrind, (I(1100) - I(100)) / 1000, mean of ${#pads[@]} heap layouts):"
  printf '  %-6s %8d  (%s)\n' bare "${per_call[bare]}" "${spread[bare]}"
  printf '  %-6s %8d  (%s over bare; %s)\n' peer "${per_call[peer]}" "$(pct "${per_call[peer]}" "${per_call[bare]}")" "${spread[peer]}"
  printf '  %-6s %8d  (%s over bare, %s over the peer; %s)\n' mitra "${per_call[mitra]}" \
    "$(pct "${per_call[mitra]}" "${per_call[bare]}")" "$(pct "${per_call[mitra]}" "${per_call[peer]}")" "${spread[mitra]}"
  # 1 %: the spread of this measure between runs on one machine (±0.5 %).
  limit=$(( per_call[peer] + per_call[peer] / 100 ))
  if [ "${per_call[mitra]}" -gt "$limit" ]; then
    echo "  mitra costs more per call than the peer (limit $limit)"
    failed=true
  fi
done

# Decoding: a 10,000-item answer through the client's real types and the
# tolerant reader (mitra_core::plumbing::decode_answer, what every call does
# with its body) beside plain serde derives of the same shapes
# (crates/mitra-bench/src/bin/decode.rs). Per decode: (I(3) - I(1)) / 2, the
# steady state; the first answer of an operation is also looked through for
# unknown fields (about one decode more, once).
cargo build -q --release -p mitra-bench --bin decode
echo "instructions per 10,000-item decode (callgrind, (I(3) - I(1)) / 2):"
for answer in pos sempoa fastrac; do
  declare -A per_decode
  for who in plain mitra; do
    one=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin/decode" "$who" "$answer" 1 2>&1 \
      | sed -nE 's/.*Collected : ([0-9]+).*/\1/p')
    three=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin/decode" "$who" "$answer" 3 2>&1 \
      | sed -nE 's/.*Collected : ([0-9]+).*/\1/p')
    per_decode[$who]=$(( (three - one) / 2 ))
  done
  ratio=$(awk -v a="${per_decode[mitra]}" -v b="${per_decode[plain]}" 'BEGIN { printf "%.3f", a / b }')
  printf '  %-8s plain serde %10d  mitra %10d  (%sx)\n' "$answer" "${per_decode[plain]}" "${per_decode[mitra]}" "$ratio"
  # The tolerant reader may cost at most 10 % over plain derives.
  if [ "$(awk -v r="$ratio" 'BEGIN { print (r > 1.10) }')" = 1 ]; then
    echo "  decoding $answer costs more than 1.10x plain serde"
    failed=true
  fi
done

# One-call binaries, stripped (byte counts: no noise). The goal is mitra at
# or under the peer; it is not there yet (BENCHMARKS.md says where the rest
# is), so --check holds the line instead: mitra may not grow past the peer by
# more than 8 %, with one operation or four (size_ratchet). It was 6 % until
# issue #39 retired the trade of simpler code for binary bytes: the
# fail-safe envelope reader, one-or-many lists, the scrubber's case- and
# format-blind search and the interceptor cost about 1 % of the four-operation
# binary (BENCHMARKS.md, session 12).
size_ratchet=8
declare -A size
for who in bare peer mitra four_peer four_mitra; do
  name=one_$who
  [ "${who#four_}" = "$who" ] || name=$who
  cp "$bin/$name" "$peer/$name.stripped"
  strip "$peer/$name.stripped"
  size[$who]=$(stat -c %s "$peer/$name.stripped")
done
if $check; then
  echo "one-call release binary, stripped: peer ${size[peer]} bytes, mitra ${size[mitra]} bytes ($(pct "${size[mitra]}" "${size[peer]}") over the peer)"
  echo "four-operation release binary, stripped: peer ${size[four_peer]} bytes, mitra ${size[four_mitra]} bytes ($(pct "${size[four_mitra]}" "${size[four_peer]}") over the peer)"
  if [ "${size[mitra]}" -gt $(( size[peer] + size[peer] * size_ratchet / 100 )) ]; then
    echo "  mitra's one-call binary is more than $size_ratchet % larger than the peer's"
    failed=true
  fi
  if [ "${size[four_mitra]}" -gt $(( size[four_peer] + size[four_peer] * size_ratchet / 100 )) ]; then
    echo "  mitra's four-operation binary is more than $size_ratchet % larger than the peer's"
    failed=true
  fi
  ! $failed
  exit
fi

# Wall-clock: the best of 5 runs of 20,000 calls, 64 in flight, one thread for
# client and server. Moves by several per cent run to run on 2 shared cores;
# the instruction counts above are the stable figure.
echo "throughput, 64 in flight (calls per second, best of 5 runs of 20,000):"
for who in bare peer mitra; do
  best=0
  for _ in 1 2 3 4 5; do
    rate=$("$bin/calls" "$who" 20000 64)
    [ "$rate" -gt "$best" ] && best=$rate
  done
  printf '  %-6s %8d\n' "$who" "$best"
done

echo "one-call release binary, stripped:"
printf '  %-6s %10d bytes\n' bare "${size[bare]}"
printf '  %-6s %10d bytes  (%s over bare)\n' peer "${size[peer]}" "$(pct "${size[peer]}" "${size[bare]}")"
printf '  %-6s %10d bytes  (%s over the peer)\n' mitra "${size[mitra]}" "$(pct "${size[mitra]}" "${size[peer]}")"
echo "four-operation release binary, stripped:"
printf '  %-6s %10d bytes\n' peer "${size[four_peer]}"
printf '  %-6s %10d bytes  (%s over the peer)\n' mitra "${size[four_mitra]}" "$(pct "${size[four_mitra]}" "${size[four_peer]}")"
if [ "${size[mitra]}" -gt $(( size[peer] + size[peer] * size_ratchet / 100 )) ]; then
  echo "  mitra's one-call binary is more than $size_ratchet % larger than the peer's"
fi
