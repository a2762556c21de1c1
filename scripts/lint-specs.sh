#!/usr/bin/env bash
# Lints every spec with two tools nobody here wrote:
# - openapi-spec-validator (PyPI): the spec is valid OpenAPI 3.0;
# - Redocly CLI (npm), recommended ruleset plus redocly.yaml: zero errors and
#   zero warnings (rules switched off there each say why).
# Installs both, pinned, under target/tools (no global install).
set -euo pipefail
cd "$(dirname "$0")/.."
tools="target/tools"
mkdir -p "$tools"

if [ ! -x "$tools/venv/bin/openapi-spec-validator" ]; then
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check "openapi-spec-validator==0.8.4"
fi
if [ ! -x "$tools/npm/node_modules/.bin/redocly" ]; then
  mkdir -p "$tools/npm"
  (cd "$tools/npm" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "@redocly/cli@2.25.2" >/dev/null)
fi

status=0
for spec in specs/*.yaml; do
  "$tools/venv/bin/openapi-spec-validator" "$spec" || status=1
done
for api in $(cargo xtask vendors | cut -f1); do
  # Any warning fails, as errors do.
  out=$(NO_UPDATE_NOTIFIER=1 REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
    "$tools/npm/node_modules/.bin/redocly" lint "$api" --format=stylish 2>&1) || status=1
  if grep -qE "[0-9]+:[0-9]+ +(warning|error)|You have [0-9]+ warning|failed" <<<"$out" || ! grep -q "is valid" <<<"$out"; then
    echo "$out"
    status=1
  else
    echo "$api: redocly recommended: no errors, no warnings"
  fi
done
exit $status
