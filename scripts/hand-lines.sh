#!/usr/bin/env bash
# Hand-written lines of Rust per crate (src/, tests/, examples/, build.rs): every
# tracked .rs file except those whose first line says `@generated`.
# Usage: scripts/hand-lines.sh [REV]   (default: the work tree)
set -eu
cd "$(dirname "$0")/.."
rev="${1:-}"
list() { if [ -n "$rev" ]; then git ls-tree -r --name-only "$rev"; else git ls-files; fi; }
show() { if [ -n "$rev" ]; then git show "$rev:$1"; else cat "$1"; fi; }
declare -A lines
while read -r file; do
  case "$file" in *.rs) ;; *) continue ;; esac
  first=$(show "$file" | head -1)
  case "$first" in *@generated*) continue ;; esac
  case "$file" in
    crates/*) unit=$(echo "$file" | cut -d/ -f2) ;;
    xtask/*) unit=xtask ;;
    fuzz/*) unit=fuzz ;;
    scripts/*) unit=scripts ;;
    *) unit=other ;;
  esac
  n=$(show "$file" | wc -l)
  lines[$unit]=$(( ${lines[$unit]:-0} + n ))
done < <(list)
total=0
for unit in $(printf '%s\n' "${!lines[@]}" | sort); do
  printf '%-22s %7d\n' "$unit" "${lines[$unit]}"
  total=$(( total + lines[$unit] ))
done
printf '%-22s %7d\n' total "$total"
