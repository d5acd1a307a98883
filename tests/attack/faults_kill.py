#!/usr/bin/env python3
"""MariaDB or ProFTPD killed at random under a small load (faults.sh "kills").

A panel with its sandbox MariaDB and ProFTPD (kill9.Panel); a thread creates
and deletes databases and FTP accounts and writes a file in a loop; at a
random moment in the first 1.5 s one of the two servers gets SIGKILL. Then:

- every answer meanwhile is 2xx, 4xx or a 503 with Retry-After (no 500);
- the panel restarts the server: /health says it is up again, and for
  MariaDB the reconcile after the outage has run;
- kill9.check()'s invariants hold: the store is intact, the store's
  databases and MariaDB's agree (database, user, grant, both ways), the
  store's FTP accounts and ProFTPD's table agree, no temp file is left;
- the area works again: a database and an FTP account can be made.

Usage: faults_kill.py [--kills N] [--bin build/wispanel] [--seed S]
"""
import argparse
import os
import random
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kill9  # noqa: E402

VICTIMS = {"mariadbd": "mariadb", "proftpd": "ftp"}


def child(parent, comm):
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = open(f"/proc/{d}/stat").read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        if ppid == parent and name == comm:
            return int(d)
    return 0


def load(panel, stop, seen):
    c = panel.conn()
    i = 0
    while not stop.is_set():
        i += 1
        for method, path, body in (
                ("POST", "/api/v1/databases", {"name": f"k{i % 4}", "password": "Secure-pass-123"}),
                ("DELETE", f"/api/v1/databases/mallory_k{(i + 2) % 4}", None),
                ("POST", "/api/v1/ftp", {"username": f"f{i % 4}", "password": "Secure-pass-123"}),
                ("DELETE", f"/api/v1/ftp/mallory_f{(i + 2) % 4}", None),
                ("POST", "/api/v1/files/write", {"path": "/load.txt", "content": str(i)})):
            try:
                st, h, r = panel.call(c, method, path, body)
            except Exception:
                c.close()
                c = panel.conn()
                continue
            if st == 0:  # no answer (the connection was cut): not a status
                continue
            seen["answers"] += 1
            if st == 503:
                seen["503"] += 1
                if "retry-after" not in h:
                    seen["bad"].append(f"{method} {path}: 503 without Retry-After")
            elif st >= 500:
                seen["bad"].append(f"{method} {path}: {st} {r[:200]!r}")
        time.sleep(0.02)  # a small load, not a flood
    c.close()


def wait_back(panel, area, log_from, timeout=120):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        st, h = panel.health()
        if st == 200 and h.get("components", {}).get(area) == "up":
            if area != "mariadb" or panel.log_has("databases: reconciled", since=log_from):
                return time.monotonic() - t0
        time.sleep(0.1)
    raise RuntimeError(f"{area} not back after {timeout} s")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", default=os.environ.get("WSP_BIN", os.path.join(kill9.ROOT, "build", "wispanel")))
    p.add_argument("--kills", type=int, default=int(os.environ.get("KILLS", "20")))
    p.add_argument("--seed", type=int, default=int(os.environ.get("SEED", "0")) or None)
    args = p.parse_args()
    seed = args.seed or random.randrange(1 << 30)
    random.seed(seed)
    print(f"faults: kills: seed {seed}, {args.kills} kills", flush=True)
    panel = kill9.Panel(args.bin, mariadb=True)
    # Passed as "-c key=value" with the ports: the load is faster than the
    # account's 600 requests a minute, which is not what is measured here.
    panel.ports["auth.account_requests_per_minute"] = 0
    panel.setup()
    panel.launch()
    violations = []
    seen = {"answers": 0, "503": 0, "bad": []}
    counts = {"mariadbd": 0, "proftpd": 0}
    back = []
    try:
        for k in range(args.kills):
            comm = random.choice(sorted(VICTIMS))
            stop = threading.Event()
            t = threading.Thread(target=load, args=(panel, stop, seen))
            t.start()
            time.sleep(random.uniform(0.05, 1.5))
            pid = child(panel.proc.pid, comm)
            log_from = os.path.getsize(os.path.join(panel.tmp, "panel.log"))
            if pid:
                os.kill(pid, signal.SIGKILL)
                counts[comm] += 1
            else:
                violations.append(f"kill {k}: no {comm} child")
            try:
                time.sleep(0.3)
                back.append(wait_back(panel, VICTIMS[comm], log_from))
                time.sleep(0.3)  # a little load on the restarted server
            except RuntimeError as e:
                violations.append(f"kill {k} ({comm}): {e}")
            stop.set()
            t.join()
            v = kill9.check(panel, "faults") + seen["bad"]
            seen["bad"] = []
            c = panel.conn()
            for path, body, name in (("/api/v1/databases", {"name": "alive", "password": "Secure-pass-123"},
                                      "mallory_alive"), ("/api/v1/ftp", {"username": "alive",
                                                                          "password": "Secure-pass-123"},
                                                         "mallory_alive")):
                st, _, r = panel.call(c, "POST", path, body)
                if st != 201:
                    v.append(f"POST {path} after recovery: {st} {r[:200]!r}")
                panel.call(c, "DELETE", f"{path}/{name}")
            c.close()
            if v:
                violations += [f"kill {k} ({comm}): {x}" for x in v]
                print(f"  kill {k} ({comm}): VIOLATION {v[:5]}", flush=True)
            if (k + 1) % 5 == 0:
                print(f"  {k + 1} kills, {len(violations)} violations", flush=True)
    finally:
        panel.stop()
    print(f"faults: kills: mariadbd {counts['mariadbd']}, proftpd {counts['proftpd']}; "
          f"{seen['answers']} answers during the loop, {seen['503']} of them 503; "
          f"back up in {min(back or [0]):.1f}-{max(back or [0]):.1f} s; {len(violations)} violations", flush=True)
    kinds = {}
    for x in violations:  # one line per kind ("kill N (who): " and names aside)
        kinds.setdefault(x.split(": ", 1)[-1].split(" mallory_")[0], x)
    for x in list(kinds.values())[:20]:
        print(f"    {x}", flush=True)
    if violations:
        print(f"  kept {panel.tmp}", flush=True)
    else:
        import shutil
        shutil.rmtree(panel.tmp, ignore_errors=True)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
