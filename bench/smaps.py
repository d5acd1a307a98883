#!/usr/bin/env python3
"""Resident memory of a process by mapping, from /proc/PID/smaps.

Usage: bench/smaps.py PID [LABEL]

Sums Rss, Pss and Anonymous per mapped file (all of a file's segments
together; anonymous memory, the heap and the stacks as "[anon]") and
prints them largest first in KB, then the totals. VmRSS of
/proc/PID/status is the Rss total. Used to say where idle RSS goes
(docs/benchmarks.md, "HTTP").
"""
import collections
import os
import sys


def read(pid):
    sums = collections.defaultdict(lambda: [0, 0, 0])
    name = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = line.split(None, 5)
            if len(head) >= 5 and "-" in head[0] and ":" not in head[0]:
                path = head[5].strip() if len(head) == 6 else ""
                if not path or path.startswith("[heap]") or path.startswith("[stack"):
                    path = "[anon]"
                name = os.path.basename(path) if path.startswith("/") else path
                continue
            key = head[0]
            if key == "Rss:":
                sums[name][0] += int(head[1])
            elif key == "Pss:":
                sums[name][1] += int(head[1])
            elif key == "Anonymous:":
                sums[name][2] += int(head[1])
    return sums


def main():
    pid = sys.argv[1]
    label = sys.argv[2] if len(sys.argv) > 2 else ""
    sums = read(pid)
    if label:
        print(f"== {label}")
    print(f"{'mapping':<32} {'Rss KB':>8} {'Pss KB':>8} {'Anon KB':>8}")
    total = [0, 0, 0]
    for name, v in sorted(sums.items(), key=lambda kv: -kv[1][0]):
        if v[0] == 0:
            continue
        print(f"{name:<32} {v[0]:>8} {v[1]:>8} {v[2]:>8}")
        total = [a + b for a, b in zip(total, v)]
    print(f"{'total':<32} {total[0]:>8} {total[1]:>8} {total[2]:>8}")


if __name__ == "__main__":
    main()
