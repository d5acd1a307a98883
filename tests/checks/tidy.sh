#!/bin/sh
# check.tidy: clang-tidy with the checks in .clang-tidy (warnings are
# errors) over every source file in src/, two at a time.
#
# Usage: tidy.sh BUILD_DIR [SOURCE_ROOT]   (BUILD_DIR has compile_commands.json)
set -eu
build=$1
root=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root"
if ! command -v clang-tidy >/dev/null; then
    echo "SKIPPED: clang-tidy is not installed (scripts/deps.sh installs it)"
    exit 77
fi
# The generated embedded.cpp is not ours to lint; it is not under src/.
out=$(mktemp)
trap 'rm -f "$out"' EXIT
find src -name '*.cpp' | sort | xargs -P 2 -n 8 clang-tidy -p "$build" --quiet >"$out" 2>&1 || true
grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|^$' "$out" || true
if grep -q -E 'warning:|error:' "$out"; then
    echo "check.tidy: findings above"
    exit 1
fi
echo "OK: clang-tidy found nothing"
