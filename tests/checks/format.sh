#!/bin/sh
# check.format: every C++ file git tracks is as clang-format (.clang-format)
# writes it. Fix with `make format`.
#
# Usage: format.sh [SOURCE_ROOT]
set -eu
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root"
if ! command -v clang-format >/dev/null; then
    echo "SKIPPED: clang-format is not installed (scripts/deps.sh installs it)"
    exit 77
fi
if [ ! -d .git ] && ! git rev-parse --git-dir >/dev/null 2>&1; then
    files=$(find src tests fuzz -name '*.cpp' -o -name '*.h' 2>/dev/null)
else
    files=$(git ls-files '*.cpp' '*.h')
fi
# shellcheck disable=SC2086
if ! clang-format --dry-run --Werror $files; then
    echo "check.format: run 'make format'"
    exit 1
fi
echo "OK: every C++ file is clang-formatted"
