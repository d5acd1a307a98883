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
db=$(mktemp -d)
trap 'rm -rf "$out" "$db"' EXIT
# The compile commands without GCC's precompiled header: clang would find
# the .gch beside `-include cmake_pch.hxx` and refuse it as not its own.
# Every file includes what it uses, so it parses the same without.
python3 - "$build/compile_commands.json" "$db/compile_commands.json" <<'EOF'
import json, re, sys
entries = json.load(open(sys.argv[1]))
pch = re.compile(r' -Winvalid-pch| -include \S*cmake_pch\.hxx')
json.dump([dict(e, command=pch.sub('', e['command'])) for e in entries
           if not e['file'].endswith('cmake_pch.hxx.cxx')], open(sys.argv[2], 'w'))
EOF
find src -name '*.cpp' | sort | xargs -P 2 -n 8 clang-tidy -p "$db" --quiet >"$out" 2>&1 || true
grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|^$' "$out" || true
if grep -q -E 'warning:|error:' "$out"; then
    echo "check.tidy: findings above"
    exit 1
fi
echo "OK: clang-tidy found nothing"
