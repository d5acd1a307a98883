#!/usr/bin/env python3
"""kill -9 of the panel in a loop, with an invariant checker after each restart.

Per case (file write, multipart upload, tus upload, extract, copy, trash and
restore, database create and delete, FTP account create, migrations at
start-up): start the panel, start the operation in a loop from another
thread, SIGKILL the panel at a random moment, start it again and check:

- the store passes PRAGMA integrity_check and foreign_key_check;
- every database in the store exists in MariaDB with its user and its grant,
  and no database or user with the account's prefix exists without a record;
- every FTP account in the store is in ProFTPD's table and the reverse;
- (ftp) ProFTPD answers and logs in, over FTPS, an account made before the
  kill and one the loop made; the master is the new panel's child (the pid
  file names it) and no other ProFTPD runs on this data dir (a master that
  outlived its killed panel would keep the port);
- no temporary file (.wsp-*) is left in a home and no journal in
  run/file-tasks once the panel serves again;
- every unfinished tus upload is resumable (HEAD gives the size of its data
  file) and no upload data file is left without its record.

Usage: kill9.py [--kills N] [--cases write,upload,...] [--bin build/wispanel]
Prints kills and violations per case; exit 1 when any violation was seen.
"""
import argparse
import base64
import ftplib
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus import Conn  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASES = ["write", "upload", "tus", "extract", "copy", "trash", "database", "ftp", "migrations"]
NEEDS_MARIADB = {"database"}
FTP_PASSWORD = "Secure-pass-123"
PROFTPD = "/usr/sbin/proftpd"


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Panel:
    def __init__(self, binary, mariadb):
        self.bin = binary
        self.mariadb = mariadb
        self.tmp = tempfile.mkdtemp(prefix="wsp-kill9.")
        os.chmod(self.tmp, 0o711)
        self.data = os.path.join(self.tmp, "panel")
        self.port = free_port()
        self.ports = {k: free_port() for k in ("mariadb.port", "ftp.port", "ftp.sftp_port")}
        self.proc = None
        self.log = open(os.path.join(self.tmp, "panel.log"), "ab")

    def offline(self, *args):
        r = subprocess.run([self.bin, *args, "--data-dir", self.data], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"{args}: {r.stderr}")
        return r.stdout

    def setup(self):
        os.makedirs(self.data, mode=0o700)
        self.offline("user", "add", "mallory", "--email", "m@example.com", "--password", "Mallory-pass-123")
        out = self.offline("key", "create", "mallory", "--name", "kill9", "--permissions", "all", "--rate-limit", "0")
        self.key = [ln for ln in out.split() if ln.startswith("wsp_")][-1]

    def start(self):
        args = [self.bin, "serve", "--data-dir", self.data, "--listen", f"127.0.0.1:{self.port}",
                "-c", "server.access_log=false", "-c", "pma.enabled=false",
                "-c", "mariadb.mode=" + ("sandbox" if self.mariadb else "off")]
        for k, v in self.ports.items():
            args += ["-c", f"{k}={v}"]
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log)

    def health(self):
        c = Conn("127.0.0.1", self.port, timeout=5)
        st, _, body = c.raw(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", fresh=True)
        c.close()
        try:
            return st, json.loads(body)
        except ValueError:
            return st, {}

    def wait_ready(self, timeout=180):
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"panel exited with {self.proc.returncode}")
            st, h = self.health()
            if st == 200 and (not self.mariadb or h.get("components", {}).get("mariadb") == "up"):
                # The start-up reconcile runs once MariaDB is up: wait for its line.
                if not self.mariadb or self.log_has("databases: reconciled", since=self.started_at):
                    return
            time.sleep(0.1)
        raise RuntimeError("panel not ready")

    def log_has(self, text, since=0):
        with open(os.path.join(self.tmp, "panel.log"), "rb") as f:
            f.seek(since)
            return text.encode() in f.read()

    def launch(self):
        self.started_at = os.path.getsize(os.path.join(self.tmp, "panel.log"))
        self.start()
        self.wait_ready()

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def conn(self):
        return Conn("127.0.0.1", self.port, timeout=30)

    def call(self, conn, method, path, body=None, headers=None, raw_body=None, ctype=None):
        b = raw_body if raw_body is not None else (json.dumps(body).encode() if body is not None else None)
        return conn.request(method, path.encode(), self.key, b, ctype, headers)


# ------------------------------------------------------------------ operations
def multipart(name, data, path="/"):
    b = b"kill9boundary"
    return (b"--" + b + b'\r\nContent-Disposition: form-data; name="path"\r\n\r\n' + path.encode() + b"\r\n--" + b +
            b'\r\nContent-Disposition: form-data; name="file"; filename="' + name.encode() +
            b'"\r\nContent-Type: application/octet-stream\r\n\r\n' + data + b"\r\n--" + b + b"--\r\n",
            b"multipart/form-data; boundary=" + b)


def make_zip(n):
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(n):
            z.writestr(f"d{i % 20}/f{i}.txt", ("x" * 2000) + str(i))
    return buf.getvalue()


def prepare(panel, case):
    """What a case's loop needs in place before the first kill."""
    c = panel.conn()
    if case in ("extract", "copy", "trash"):
        body, ct = multipart("tree.zip", make_zip(3000))
        st, _, r = panel.call(c, "POST", "/api/v1/files/upload?overwrite=true", raw_body=body, ctype=ct)
        assert st == 200, (st, r)
        st, _, r = panel.call(c, "POST", "/api/v1/files/extract", {"archive": "/tree.zip", "destination": "/tree"})
        assert st == 200, (st, r)
    if case == "ftp":
        # Made once, before every kill; the loop never touches it.
        st, _, r = panel.call(c, "POST", "/api/v1/ftp", {"username": "keep", "password": FTP_PASSWORD})
        assert st == 201, (st, r)
    c.close()


def op_loop(panel, case, stop, counter):
    c = panel.conn()
    i = 0
    while not stop.is_set():
        i += 1
        try:
            if case == "write":
                panel.call(c, "POST", "/api/v1/files/write",
                           {"path": f"/w{i % 3}.txt", "content": str(i) * 400000})
            elif case == "upload":
                body, ct = multipart(f"up{i % 3}.bin", os.urandom(8 << 20))
                panel.call(c, "POST", "/api/v1/files/upload?overwrite=true", raw_body=body, ctype=ct)
            elif case == "tus":
                size = 8 << 20
                st, h, _ = panel.call(c, "POST", "/api/v1/files/uploads", raw_body=b"", headers=[
                    ("Tus-Resumable", b"1.0.0"), ("Upload-Length", str(size).encode()),
                    ("Upload-Metadata", b"filename " + base64.b64encode(f"tus{i % 3}.bin".encode()) +
                     b",overwrite " + base64.b64encode(b"true"))])
                loc = h.get("location", "")
                off = 0
                while loc and off < size and not stop.is_set():
                    chunk = os.urandom(1 << 20)
                    st, h, _ = panel.call(c, "PATCH", loc, raw_body=chunk, ctype=b"application/offset+octet-stream",
                                          headers=[("Tus-Resumable", b"1.0.0"), ("Upload-Offset", str(off).encode())])
                    if st != 204:
                        break
                    off += len(chunk)
            elif case == "extract":
                panel.call(c, "POST", "/api/v1/files/extract",
                           {"archive": "/tree.zip", "destination": f"/ex{i % 2}", "overwrite": True})
            elif case == "copy":
                panel.call(c, "POST", "/api/v1/files/copy",
                           {"source": "/tree", "destination": f"/cp{i % 2}", "overwrite": True})
            elif case == "trash":
                st, _, _ = panel.call(c, "POST", "/api/v1/files/delete", {"path": "/tree"})
                st, _, r = panel.call(c, "GET", "/api/v1/files/trash")
                items = json.loads(r or b"[]")
                items = items.get("items", items) if isinstance(items, dict) else items
                for it in items if isinstance(items, list) else []:
                    panel.call(c, "POST", "/api/v1/files/trash/restore", {"trash_path": it.get("trash_path", "")})
            elif case == "database":
                panel.call(c, "POST", "/api/v1/databases", {"name": f"k{i % 4}", "password": "Secure-pass-123"})
                panel.call(c, "DELETE", f"/api/v1/databases/mallory_k{(i + 2) % 4}")
            elif case == "ftp":
                panel.call(c, "POST", "/api/v1/ftp", {"username": f"f{i % 4}", "password": FTP_PASSWORD})
                panel.call(c, "DELETE", f"/api/v1/ftp/mallory_f{(i + 2) % 4}")
            counter[0] += 1  # requests answered, whatever their status
        except Exception:  # the panel is being killed: anything may fail
            time.sleep(0.01)
    c.close()


# ------------------------------------------------------------------ invariants
def mysql(panel, sql):
    cnf = os.path.join(panel.data, "mariadb-admin.cnf")
    r = subprocess.run(["mariadb", f"--defaults-file={cnf}", "-N", "-B", "-r", "-e", sql], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"mariadb: {r.stderr.strip()}")
    return [ln.split("\t") for ln in r.stdout.splitlines() if ln]


def proftpd_on(data):
    """pid -> parent pid of every ProFTPD process holding a file of DATA/ftp
    open (its log on stderr, its scoreboard): this panel's, whoever started
    them."""
    ftp_dir = os.path.realpath(os.path.join(data, "ftp")) + "/"
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.readlink(f"/proc/{pid}/exe") != PROFTPD:
                continue
            fds = os.listdir(f"/proc/{pid}/fd")
            if not any(os.readlink(f"/proc/{pid}/fd/{fd}").startswith(ftp_dir) for fd in fds):
                continue
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] != "Z":
                found[int(pid)] = int(fields[1])
        except (OSError, ValueError):
            continue  # gone meanwhile, or not ours to read
    return found


def ftp_login(port, user, timeout=20):
    """Logs in over explicit FTPS (ftp.require_tls), then PWD: None when it
    worked, else the last error. Retried: ProFTPD starts after /health."""
    t0 = time.monotonic()
    err = None
    while time.monotonic() - t0 < timeout:
        try:
            f = ftplib.FTP_TLS(context=ssl._create_unverified_context())
            f.connect("127.0.0.1", port, timeout=5)
            f.login(user, FTP_PASSWORD)
            f.pwd()
            f.quit()
            return None
        except (ftplib.all_errors + (EOFError, socket.timeout)) as e:
            err = f"{type(e).__name__}: {e}"
            time.sleep(0.2)
    return err


def check_ftp_server(panel, store_ftp):
    v = []
    port = panel.ports["ftp.port"]
    users = ["mallory_keep"] + sorted(store_ftp - {"mallory_keep"})[:1]
    for user in users:
        err = ftp_login(port, user)
        if err:
            v.append(f"FTP login of {user} failed: {err}")
    try:
        with open(os.path.join(panel.data, "ftp", "run", "proftpd.pid")) as f:
            master = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        master = None
    procs = proftpd_on(panel.data)
    if master is None or procs.get(master) != panel.proc.pid:
        v.append(f"ProFTPD master {master} is not the panel's child (ProFTPD processes: {procs})")
    stray = sorted(p for p, pp in procs.items() if p != master and pp != master)
    if stray:
        v.append(f"leftover ProFTPD on this data dir: {stray}")
    return v


def kill_leftover_proftpd(data):
    """After a case: no ProFTPD of its data dir may outlive it."""
    left = sorted(proftpd_on(data))
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return left


def check(panel, case):
    v = []
    db = sqlite3.connect(f"file:{os.path.join(panel.data, 'panel.db')}?mode=ro", uri=True, timeout=30)
    try:
        ic = db.execute("PRAGMA integrity_check").fetchall()
        if ic != [("ok",)]:
            v.append(f"store integrity_check: {ic[:3]}")
        fk = db.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            v.append(f"store foreign_key_check: {fk[:3]}")
        store_dbs = {r[0]: r[1] for r in db.execute("SELECT name, db_user FROM databases WHERE owner = 'mallory'")}
        store_ftp = {r[0] for r in db.execute("SELECT username FROM ftp_accounts WHERE owner = 'mallory'")}
        uploads = {r[0]: r[1] for r in db.execute("SELECT id, length FROM file_uploads")}
    finally:
        db.close()
    if panel.mariadb:
        dbs = {r[0] for r in mysql(panel, "SHOW DATABASES LIKE 'mallory\\_%'")}
        users = {r[0] for r in mysql(panel, "SELECT User FROM mysql.user WHERE User LIKE 'mallory\\_%'")}
        grants = {(r[0], r[1]) for r in mysql(panel, "SELECT Db, User FROM mysql.db WHERE User LIKE 'mallory\\_%'")}
        for name, user in store_dbs.items():
            if name not in dbs:
                v.append(f"database {name} recorded but missing in MariaDB")
            if user not in users:
                v.append(f"user {user} recorded but missing in MariaDB")
            if (name, user) not in grants and (name.replace("_", "\\_"), user) not in grants:
                v.append(f"grant of {user} on {name} missing")
        for name in dbs - set(store_dbs):
            v.append(f"database {name} in MariaDB without a record")
        for user in users - set(store_dbs.values()):
            v.append(f"user {user} in MariaDB without a record")
    ftp = sqlite3.connect(f"file:{os.path.join(panel.data, 'ftp', 'accounts.db')}?mode=ro", uri=True, timeout=30)
    try:
        server_ftp = {r[0] for r in ftp.execute("SELECT username FROM ftp_users WHERE owner = 'mallory'")}
    finally:
        ftp.close()
    if server_ftp != store_ftp:
        v.append(f"FTP accounts differ: store only {sorted(store_ftp - server_ftp)}, "
                 f"ProFTPD only {sorted(server_ftp - store_ftp)}")
    if case == "ftp":
        v += check_ftp_server(panel, store_ftp)
    home = os.path.join(panel.data, "home", "mallory")
    for dirpath, dirnames, filenames in os.walk(home):
        for n in dirnames + filenames:
            if n.startswith(".wsp-"):
                v.append(f"temp file left: {os.path.relpath(os.path.join(dirpath, n), home)}")
        dirnames[:] = [d for d in dirnames if not d.startswith(".wsp-")]
    jdir = os.path.join(panel.data, "run", "file-tasks")
    if os.path.isdir(jdir) and os.listdir(jdir):
        v.append(f"task journals left: {os.listdir(jdir)}")
    updir = os.path.join(home, ".wispanel-uploads")
    files = set(os.listdir(updir)) if os.path.isdir(updir) else set()
    for f in files - set(uploads):
        v.append(f"upload data without a record: {f}")
    c = panel.conn()
    for uid, length in uploads.items():
        st, h, _ = panel.call(c, "HEAD", f"/api/v1/files/uploads/{uid}", headers=[("Tus-Resumable", b"1.0.0")])
        size = os.path.getsize(os.path.join(updir, uid)) if uid in files else None
        if st != 200 or size is None or h.get("upload-offset") != str(size):
            v.append(f"upload {uid} not resumable: HEAD {st} offset {h.get('upload-offset')} data {size}")
    c.close()
    return v


# ------------------------------------------------------------------ the loops
def run_case(args, case):
    kills = 0
    violations = []
    ops = [0]
    if case == "migrations":
        for k in range(args.kills):
            panel = Panel(args.bin, mariadb=False)
            try:
                os.makedirs(panel.data, mode=0o700)
                panel.started_at = 0
                panel.start()
                time.sleep(random.uniform(0, args.max_delay))
                panel.kill()
                kills += 1
                panel.launch()
                v = []
                db = sqlite3.connect(f"file:{os.path.join(panel.data, 'panel.db')}?mode=ro", uri=True)
                ic = db.execute("PRAGMA integrity_check").fetchall()
                ver = db.execute("PRAGMA user_version").fetchone()[0]
                db.close()
                if ic != [("ok",)]:
                    v.append(f"integrity_check {ic[:3]}")
                st, me = panel.health()
                if st != 200:
                    v.append(f"health {st}")
                if v:
                    violations += [f"kill {k}: {x} (user_version {ver})" for x in v]
                    print(f"  {case} kill {k}: VIOLATION {v}", flush=True)
            except RuntimeError as e:
                violations.append(f"kill {k}: {e}")
                print(f"  {case} kill {k}: VIOLATION {e}; log in {panel.tmp}", flush=True)
                continue
            finally:
                panel.stop()
            if not args.keep:
                shutil.rmtree(panel.tmp, ignore_errors=True)
        return kills, violations, kills
    panel = Panel(args.bin, mariadb=case in NEEDS_MARIADB)
    panel.setup()
    panel.launch()
    prepare(panel, case)
    for k in range(args.kills):
        stop = threading.Event()
        t = threading.Thread(target=op_loop, args=(panel, case, stop, ops))
        t.start()
        time.sleep(random.uniform(0.05, args.max_delay))
        panel.kill()
        kills += 1
        stop.set()
        t.join()
        try:
            panel.launch()
            v = check(panel, case)
        except RuntimeError as e:
            v = [str(e)]
        if v:
            violations += [f"kill {k}: {x}" for x in v]
            print(f"  {case} kill {k}: VIOLATION {v[:5]}", flush=True)
            if args.stop_on_violation:
                break
        if (k + 1) % 10 == 0:
            print(f"  {case}: {k + 1} kills, {len(violations)} violations, {ops[0]} operations done", flush=True)
    panel.stop()
    left = kill_leftover_proftpd(panel.data)
    if left:
        violations.append(f"ProFTPD left running after the case's last stop: {left}")
        print(f"  {case}: VIOLATION ProFTPD left running: {left}", flush=True)
    if not args.keep and not violations:
        shutil.rmtree(panel.tmp, ignore_errors=True)
    else:
        print(f"  {case}: kept {panel.tmp}", flush=True)
    return kills, violations, ops[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", default=os.environ.get("WSP_BIN", os.path.join(ROOT, "build", "wispanel")))
    p.add_argument("--kills", type=int, default=int(os.environ.get("KILLS", "100")))
    p.add_argument("--cases", default=os.environ.get("CASES", ",".join(CASES)))
    p.add_argument("--max-delay", type=float, default=1.5, help="kill within this many seconds")
    p.add_argument("--seed", type=int, default=int(os.environ.get("SEED", "0")) or None)
    p.add_argument("--keep", action="store_true")
    p.add_argument("--stop-on-violation", action="store_true")
    args = p.parse_args()
    seed = args.seed or random.randrange(1 << 30)
    random.seed(seed)
    print(f"kill9: seed {seed}, {args.kills} kills per case", flush=True)
    total = 0
    rows = []
    for case in args.cases.split(","):
        t0 = time.monotonic()
        kills, v, ops = run_case(args, case)
        rows.append((case, kills, len(v), ops, time.monotonic() - t0))
        total += len(v)
        print(f"kill9: {case}: {kills} kills, {len(v)} violations, {ops} operations completed, "
              f"{time.monotonic() - t0:.0f} s", flush=True)
        for x in v[:20]:
            print(f"    {x}", flush=True)
    print("kill9: case / kills / violations / operations completed")
    for r in rows:
        print(f"kill9: {r[0]} / {r[1]} / {r[2]} / {r[3]}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
