#!/bin/sh
# check.clock_seam: what the panel records and decides by the time (records'
# timestamps, expiry, schedules, rate-limit windows, task retention) reads it
# from the injected Clock (PanelContext::clock, src/base/clock.h), so tests
# can drive it with a FakeClock. Fails when services, handlers, the store or
# the dispatcher read a clock of their own.
#
# Drivers and system code that time their own waits (a child's start-up, a
# search budget, an access-log duration) keep the real steady clock: they
# measure, they do not decide by the date.
#
# Usage: clock_reads.sh [source root]   (default: this repository)
set -eu

root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root"

reads='(system_clock|steady_clock|high_resolution_clock)::now\(|\btime\(nullptr\)|\bgettimeofday\(|\bclock_gettime\(|(^|[^.>:_a-z])now_unix\(\)|\bsystem_clock\(\)'
found=$(grep -rnP --include='*.cpp' --include='*.h' "$reads" \
            src/services src/api src/store src/http/dispatcher.cpp src/http/dispatcher.h || true)
# The store records when a migration ran: at start-up, before any clock is
# handed out.
found=$(printf '%s\n' "$found" | grep -v '^src/store/db.cpp:.*now_unix()' | grep -v '^$' || true)
# Default arguments naming the real clock are the seam's other end.
found=$(printf '%s\n' "$found" | grep -v 'const Clock& clock = system_clock()' | grep -v '^$' || true)

if [ -n "$found" ]; then
    echo "A clock read outside the seam (use PanelContext::clock; docs/architecture.md \"Time\"):"
    echo "$found"
    exit 1
fi
echo "OK: services, handlers, the store and the dispatcher read time only from the Clock"
