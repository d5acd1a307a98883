#!/usr/bin/env python3
"""Soak load for a running panel (tests/attack/soak.sh starts it).

Usage: soak_load.py URL PANEL_PID KEYS_FILE GREEDY_KEY SECONDS [PEAK_SECONDS]

KEYS_FILE holds "username key" lines, one account each. The load mixes
every area's read and write routes from all accounts (files, databases,
FTP, cron, the caller and its usage). First a closed loop measures the
peak (requests/s) of that mix for PEAK_SECONDS; then an open loop offers
80 % of it for SECONDS. One more account (GREEDY_KEY, a key with the
default per-key limit) asks twice a second for /auth/me and is meant to
get 429s: those are counted apart and must carry Retry-After.

Every minute: requests, unexpected answers, RSS and open descriptors of the
panel, p99 latency per area. At the end a summary; the exit status is 1 on
any unexpected answer (anything but 2xx, and the greedy account's 429s), on
RSS grown by more than 25 % from the first minute or descriptors grown by
more than 20.
"""
import http.client
import json
import multiprocessing as mp
import os
import random
import ssl
import sys
import time
import urllib.parse

WORKERS = 4          # processes (the GIL would cap one)
THREADS = 8          # closed-loop clients per process for the peak
SOAK_SHARE = 0.8


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1


class Client:
    """One keep-alive HTTPS connection with one account's key."""

    def __init__(self, url, key):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.key = key
        self.ctx = ssl._create_unverified_context()
        self.conn = None

    def call(self, method, path, body=None):
        headers = {"Authorization": "Bearer " + self.key}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPSConnection(self.host, self.port, timeout=60,
                                                        context=self.ctx)
            try:
                self.conn.request(method, "/api/v1" + path, data, headers)
                r = self.conn.getresponse()
                payload = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                self.retried = attempt == 1
                return r.status, payload, r.getheader("Retry-After")
            except (http.client.HTTPException, OSError):
                # A keep-alive connection the server closed between requests:
                # one reconnect; a second failure is reported.
                if self.conn:
                    self.conn.close()
                self.conn = None
                if attempt == 1:
                    return 0, b"", None
        return 0, b"", None


def operation(client, user, rnd, seq):
    """One step of the mix: (area, [(method, path, body, wanted statuses)])."""
    n = rnd.random()
    tag = f"{os.getpid()}x{seq}"
    if n < 0.14:
        return "auth", [("GET", "/auth/me", None, (200,))]
    if n < 0.28:
        return "files", [("GET", "/files/list?path=/", None, (200,))]
    if n < 0.40:
        return "databases", [("GET", "/databases", None, (200,))]
    if n < 0.52:
        return "ftp", [("GET", "/ftp", None, (200,))]
    if n < 0.64:
        return "cron", [("GET", "/cronjobs", None, (200,))]
    if n < 0.72:
        return "usage", [("GET", f"/users/{user}/usage", None, (200,))]
    if n < 0.84:
        return "files", [("POST", "/files/write",
                          {"path": f"/soak-{rnd.randrange(20)}.txt", "content": tag * 20},
                          (200,))]
    if n < 0.91:
        return "cron", [("POST", "/cronjobs", {"name": "s" + tag, "command": "true",
                                               "cron_expr": "17 3 * * *"}, (201,)),
                        ("DELETE", "/cronjobs/{id}", None, (200,))]
    if n < 0.97:
        name = "f" + tag.replace("x", "")[-12:]
        return "ftp", [("POST", "/ftp", {"username": name, "password": "Soak-pass-123"}, (201,)),
                       ("DELETE", f"/ftp/{user}_{name}", None, (200,))]
    name = "d" + tag.replace("x", "")[-12:]
    return "databases", [("POST", "/databases", {"name": name, "password": "Soak-pass-123"},
                          (201,)),
                         ("DELETE", f"/databases/{user}_{name}", None, (200,))]


def run_op(client, user, rnd, seq, out):
    area, steps = operation(client, user, rnd, seq)
    ident = None
    for method, path, body, wanted in steps:
        if ident is not None:
            path = path.replace("{id}", str(ident))
        t0 = time.perf_counter()
        status, payload, _ = client.call(method, path, body)
        ms = (time.perf_counter() - t0) * 1000
        ok = status in wanted
        what = method + " " + path.split("?")[0]
        if getattr(client, "retried", False):
            # Sent again on a new connection after the kept-alive one failed:
            # a DELETE that ran the first time answers 404 the second.
            what += " (sent twice)"
        if not ok:
            what += " " + payload[:160].decode("utf-8", "replace")
        out.put((area, ms, ok, status, what))
        if not ok:
            return
        if method == "POST" and "{id}" in str(steps):
            try:
                ident = json.loads(payload)["id"]
            except (ValueError, KeyError):
                return


def worker(url, accounts, out, stop_at, rate, seed):
    """rate None: closed loop with THREADS clients; else open loop at rate/s."""
    import threading
    rnd = random.Random(seed)
    seq = [0]
    lock = threading.Lock()

    def next_seq():
        with lock:
            seq[0] += 1
            return seq[0]

    # Each thread has its own accounts, so no account has more than one
    # request in flight (the panel's per-account share of the workers,
    # server.max_blocking_per_account, is a limit the soak does not test).
    def mine(index):
        return accounts[index::THREADS] or accounts[index % len(accounts):][:1]

    def closed(index):
        r = random.Random(rnd.random())
        own = mine(index)
        clients = {}
        while time.time() < stop_at:
            user, key = r.choice(own)
            c = clients.setdefault(user, Client(url, key))
            run_op(c, user, r, next_seq(), out)

    def opened(index, share):
        r = random.Random(rnd.random())
        own = mine(index)
        clients = {}
        interval = 1.0 / share
        due = time.time()
        while time.time() < stop_at:
            now = time.time()
            if now < due:
                time.sleep(due - now)
            due += interval
            user, key = r.choice(own)
            c = clients.setdefault(user, Client(url, key))
            run_op(c, user, r, next_seq(), out)

    threads = []
    for index in range(THREADS):
        if rate is None:
            t = threading.Thread(target=closed, args=(index,))
        else:
            t = threading.Thread(target=opened, args=(index, rate / THREADS))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()


def greedy(url, key, out, stop_at):
    c = Client(url, key)
    while time.time() < stop_at:
        status, _, retry_after = c.call("GET", "/auth/me")
        out.put(("greedy", 0.0, status == 200 or (status == 429 and retry_after), status,
                 "GET /auth/me"))
        time.sleep(0.5)


def p99(values):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * 0.99))]


def run_phase(url, accounts, seconds, rate, out, greedy_key=None):
    stop_at = time.time() + seconds
    chunk = [accounts[i::WORKERS] for i in range(WORKERS)]
    procs = [mp.Process(target=worker,
                        args=(url, chunk[i], out, stop_at,
                              None if rate is None else rate / WORKERS, 1000 + i))
             for i in range(WORKERS)]
    if greedy_key:
        procs.append(mp.Process(target=greedy, args=(url, greedy_key, out, stop_at)))
    for p in procs:
        p.start()
    return procs, stop_at


def main():
    url, pid, keys_file, greedy_key, seconds = sys.argv[1:6]
    pid, seconds = int(pid), float(seconds)
    peak_seconds = float(sys.argv[6]) if len(sys.argv) > 6 else 20.0
    accounts = [tuple(line.split()) for line in open(keys_file) if line.strip()]
    out = mp.Queue()

    # 1. The peak of this mix: closed loop, every client busy.
    procs, stop_at = run_phase(url, accounts, peak_seconds, None, out)
    done, bad = 0, 0
    while any(p.is_alive() for p in procs) or not out.empty():
        try:
            area, ms, ok, status, what = out.get(timeout=0.5)
        except Exception:
            continue
        done += 1
        bad += not ok
        if not ok and bad <= 10:
            print(f"peak: unexpected {status} on {what}", flush=True)
    peak = done / peak_seconds
    rate = peak * SOAK_SHARE
    print(f"peak of the mix: {peak:.0f} requests/s ({done} in {peak_seconds:.0f} s, "
          f"{bad} unexpected); soak at {rate:.0f}/s for {seconds:.0f} s from "
          f"{len(accounts)} accounts", flush=True)

    # 2. The soak.
    procs, stop_at = run_phase(url, accounts, seconds, rate, out, greedy_key)
    start = time.time()
    minute = {"lat": {}, "n": 0, "bad": 0}
    total = {"lat": {}, "n": 0, "bad": 0, "greedy429": 0, "greedy_bad": 0}
    samples = []
    next_print = start + 60
    shown = 0
    while any(p.is_alive() for p in procs) or not out.empty():
        try:
            area, ms, ok, status, what = out.get(timeout=0.5)
        except Exception:
            area = None
        if area == "greedy":
            if status == 429:
                total["greedy429"] += 1
            total["greedy_bad"] += not ok
        elif area is not None:
            for acc in (minute, total):
                acc["n"] += 1
                acc["bad"] += not ok
                acc["lat"].setdefault(area, []).append(ms)
            if not ok and shown < 20:
                shown += 1
                print(f"unexpected {status} on {what}", flush=True)
        now = time.time()
        if now >= next_print or (area is None and not any(p.is_alive() for p in procs)):
            rss, fds = rss_mb(pid), fd_count(pid)
            samples.append((rss, fds))
            lat = " ".join(f"{a}={p99(v):.0f}" for a, v in sorted(minute["lat"].items()))
            print(f"{(now - start) / 60:5.1f} min: {minute['n']} requests "
                  f"({minute['n'] / 60:.0f}/s), {minute['bad']} unexpected, RSS {rss:.1f} MB, "
                  f"{fds} fds, p99 ms {lat}", flush=True)
            minute = {"lat": {}, "n": 0, "bad": 0}
            next_print = now + 60
            if not any(p.is_alive() for p in procs) and out.empty():
                break

    lat = " ".join(f"{a}={p99(v):.0f}" for a, v in sorted(total["lat"].items()))
    rss0, fd0 = samples[0] if samples else (0, 0)
    rss1, fd1 = samples[-1] if samples else (0, 0)
    print(f"soak: {total['n']} requests in {seconds / 60:.1f} min, {total['bad']} unexpected; "
          f"greedy account: {total['greedy429']} asked-for 429s, {total['greedy_bad']} without "
          f"Retry-After or other; RSS {rss0:.1f} -> {rss1:.1f} MB; fds {fd0} -> {fd1}; "
          f"p99 ms per area {lat}")
    failed = (total["bad"] or total["greedy_bad"] or rss1 > rss0 * 1.25 or fd1 > fd0 + 20
              or fd1 < 0)
    print("soak: FAIL" if failed else "soak: OK")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
