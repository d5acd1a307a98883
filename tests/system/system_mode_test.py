#!/usr/bin/python3
"""System mode end to end, without changing this machine (issue 10).

Re-executes itself under `unshare --mount --pid --net --fork` (private mount,
PID and network namespaces), then inside: bind-mounts a private COPY of the
whole /etc over /etc (useradd replaces /etc/passwd by renaming, which a
single-file bind mount would not allow), tmpfs over /home, /var/lib,
/usr/local, /tmp, /run and /var/log (pid files, logs of the ProFTPD it
starts), and brings up loopback. Then it runs scripts/install.sh
(WSP_SKIP_APT=1 WSP_NO_SYSTEMD=1 with the built binary, FTP in system mode
when proftpd and curl are installed) and drives the installed panel over
HTTP, and Debian's proftpd as the system FTP server over FTP. Everything
it makes vanishes with the namespaces when it exits, pass or fail (the PID
namespace kills every process it started, the mounts go with the mount
namespace).

  system_mode_test.py BINARY SOURCE_DIR

Exit 0: passed; 77: skipped (not root, or no unshare); anything else: failed.
"""
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

SKIP = 77
MARKER = "WisPanel account"
PROFTPD = "/usr/sbin/proftpd"
PROFTPD_PID = "/run/proftpd.pid"  # Debian's compiled-in PidFile
RELOADS = "/tmp/ftp-reloads"
RELOAD_SCRIPT = "/usr/local/sbin/wsp-reload-proftpd"


class Skipped(Exception):
    """A check whose tools are not installed: reported, not failed."""


def ftp_missing():
    """Why the FTP check cannot run here, or None."""
    if not os.access(PROFTPD, os.X_OK):
        return "proftpd is not installed"
    if not os.path.exists("/usr/lib/proftpd/mod_sql_sqlite.so"):
        return "proftpd-mod-sqlite is not installed"
    if not shutil.which("curl"):
        return "curl is not installed"
    return None


def skip(why):
    print(f"SKIPPED: {why}")
    sys.exit(SKIP)


def outer(binary, source):
    if os.geteuid() != 0:
        skip("system-mode tests need root (useradd, mounts)")
    unshare = shutil.which("unshare")
    if not unshare:
        skip("unshare(1) is not installed")
    probe = subprocess.run([unshare, "--mount", "--pid", "--net", "--fork", "true"],
                           capture_output=True)
    if probe.returncode != 0:
        skip("cannot create namespaces here: " + probe.stderr.decode().strip())
    env = dict(os.environ, WSP_SYSTEM_TEST_INSIDE="1")
    r = subprocess.run([unshare, "--mount", "--propagation", "private", "--pid", "--net",
                        "--fork", "--mount-proc", "--kill-child", sys.executable,
                        os.path.abspath(__file__), binary, source], env=env)
    sys.exit(r.returncode)


def sh(*argv, check=True, env=None, input=None):
    r = subprocess.run(list(argv), capture_output=True, text=True, env=env, input=input)
    if check and r.returncode != 0:
        raise AssertionError(f"{argv} exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
    return r


def stage(binary, source):
    """Copies the binary and what install.sh reads of the source onto a
    tmpfs of the namespace's own (over /mnt, hidden from the host), because
    private_root() covers /tmp, /home, /usr/local...: wherever the clone
    under test lives, it would vanish. Returns the staged (binary, source)."""
    mnt = next(d for d in ("/mnt", "/srv", "/opt", "/media") if os.path.isdir(d))
    sh("mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", mnt)
    staged_bin = os.path.join(mnt, "wispanel")
    shutil.copy2(binary, staged_bin)
    staged_src = os.path.join(mnt, "src")
    for part in ("scripts", "packaging", "docs", os.path.join("web", "dist")):
        if os.path.isdir(os.path.join(source, part)):
            shutil.copytree(os.path.join(source, part), os.path.join(staged_src, part),
                            symlinks=True)
    return staged_bin, staged_src


def private_root():
    """The namespace's own /etc, /home, /var/lib, /usr/local, /tmp, /run, /var/log."""
    sh("mount", "-t", "tmpfs", "-o", "mode=1777", "tmpfs", "/tmp")
    work = tempfile.mkdtemp(prefix="wsp-system-")  # on that tmpfs: gone with it
    etc = os.path.join(work, "etc")
    sh("cp", "-a", "/etc", etc)
    sh("mount", "--bind", etc, "/etc")
    for d in ("/home", "/var/lib", "/usr/local", "/run", "/var/log"):
        sh("mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", d)
    # /var/run is /run. What Debian's proftpd.conf and ProFTPD's defaults
    # name (pid file, scoreboard, delay table, logs) now lands here.
    os.makedirs("/run/lock", mode=0o1777)
    os.makedirs("/run/proftpd")
    os.makedirs("/var/log/proftpd")
    sh("ip", "link", "set", "lo", "up", check=False)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Api:
    def __init__(self, port):
        # TLS on, as installed: the panel's self-signed certificate.
        self.base = f"https://127.0.0.1:{port}/api/v1"
        self.tls = ssl.create_default_context()
        self.tls.check_hostname = False
        self.tls.verify_mode = ssl.CERT_NONE
        self.token = None

    def call(self, method, path, body=None, token=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        tok = token or self.token
        if tok:
            req.add_header("Authorization", "Bearer " + tok)
        try:
            with urllib.request.urlopen(req, timeout=30, context=self.tls) as resp:
                raw = resp.read()
                return resp.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, raw.decode(errors="replace")

    def login(self, user, password):
        code, body = self.call("POST", "/auth/login", {"username": user, "password": password})
        assert code == 200, (code, body)
        return body["token"]


class Panel:
    """The installed binary with the installed config, as systemd would run it."""

    def __init__(self):
        self.proc = None

    def start(self, port):
        self.proc = subprocess.Popen(
            ["/usr/local/bin/wispanel", "serve", "--config", "/etc/wispanel/wispanel.toml"],
            stdout=open("/tmp/panel.log", "a"), stderr=subprocess.STDOUT)
        api = Api(port)
        for _ in range(100):
            try:
                if api.call("GET", "/health")[0] == 200:
                    return api
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError("panel did not start:\n" + open("/tmp/panel.log").read())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


def install(source, binary, port):
    env = dict(os.environ, WSP_SKIP_APT="1", WSP_NO_SYSTEMD="1",
               WSP_LISTEN=f"127.0.0.1:{port}", WSP_MARIADB="off",
               WSP_FTP="off" if ftp_missing() else "system", WSP_PMA="false")
    return sh("bash", os.path.join(source, "scripts/install.sh"), "--binary", binary, env=env)


def passwd_entry(user):
    r = sh("getent", "passwd", user, check=False)
    return r.stdout.strip().split(":") if r.returncode == 0 else None


def shadow_entry(user):
    r = sh("getent", "shadow", user, check=False)
    return r.stdout.strip().split(":") if r.returncode == 0 else None


def live_processes_of(uid):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status") if ":" in l)
        except OSError:
            continue
        if int(status["Uid"].split()[0]) == uid and not status["State"].strip().startswith("Z"):
            found.append(pid)
    return found


def use_reload_script():
    """No systemd here: the panel reloads ProFTPD with a script (SIGHUP,
    what `systemctl reload proftpd` does on Debian) that counts reloads."""
    os.makedirs(os.path.dirname(RELOAD_SCRIPT), exist_ok=True)
    with open(RELOAD_SCRIPT, "w") as f:
        f.write(f"#!/bin/sh\necho reload >> {RELOADS}\n"
                f"[ -s {PROFTPD_PID} ] || exit 0  # not started yet: it reads the snippet then\n"
                f"exec /bin/kill -HUP \"$(cat {PROFTPD_PID})\"\n")
    os.chmod(RELOAD_SCRIPT, 0o755)
    conf_path = "/etc/wispanel/wispanel.toml"
    conf = open(conf_path).read()
    section = '[ftp]\nmode = "system"\n'
    assert section in conf, conf
    conf = conf.replace(section, section + f'reload_command = ["{RELOAD_SCRIPT}"]\n')
    open(conf_path, "w").write(conf)


def curl_ftp(url, user, *args):
    # Account logins need TLS by default (ftp.require_tls): explicit FTPS.
    return subprocess.run(["curl", "-sS", "--max-time", "10", "--ssl-reqd", "-k",
                           "--user", user, *args, url],
                          capture_output=True, text=True)


def run_job(api, token, command):
    code, job = api.call("POST", "/cronjobs", {"name": "t", "command": command,
                                               "cron_expr": "0 0 1 1 *"}, token)
    assert code == 201, (code, job)
    code, started = api.call("POST", f"/cronjobs/{job['id']}/run", None, token)
    assert code == 202, (code, started)
    for _ in range(100):
        code, logs = api.call("GET", f"/cronjobs/{job['id']}/logs", None, token)
        runs = [r for r in logs["logs"] if r.get("status") == "finished"]
        if runs:
            return job["id"], runs[0]
        time.sleep(0.1)
    raise AssertionError(f"job {command!r} did not finish")


CHECKS = []


def check(name):
    def wrap(f):
        CHECKS.append((name, f))
        return f
    return wrap


def main(binary, source):
    binary, source = stage(binary, source)
    private_root()
    port = free_port()
    panel = Panel()
    failures = 0

    def step(name, f, *args):
        nonlocal failures
        try:
            f(*args)
            print(f"ok   {name}")
        except Skipped as e:
            print(f"SKIPPED {name}: {e}")
        except Exception as e:  # noqa: BLE001 - report and go on
            failures += 1
            print(f"FAIL {name}: {e}")

    state = {}

    def fresh_install():
        out = install(source, binary, port).stdout
        assert os.access("/usr/local/bin/wispanel", os.X_OK)
        conf = open("/etc/wispanel/wispanel.toml").read()
        for line in ('mode = "system"', 'data_dir = "/var/lib/wispanel"', "tls = true"):
            assert line in conf, conf
        assert "password: " in out, out  # the first admin's, printed once
        state["admin_pw"] = out.split("password: ")[1].split()[0]
        assert open("/var/lib/wispanel/initial-admin-password").read().strip() == state["admin_pw"]
        # The first admin is a Linux user too.
        assert passwd_entry("admin")[4] == MARKER
        if not ftp_missing():
            # setup-proftpd.sh ran on the (private) /etc/proftpd: its
            # placeholder refuses every login until the panel starts.
            assert "Placeholder" in open("/etc/proftpd/conf.d/wispanel.conf").read()
            use_reload_script()

    def panel_user_is_linux_user():
        api = state["api"] = panel.start(port)
        api.token = api.login("admin", state["admin_pw"])
        assert os.path.exists("/var/lib/wispanel/tls/cert.pem")  # what ProFTPD is given
        code, health = api.call("GET", "/health")
        assert health["disk_quota"] in ("enforced", "unsupported"), health
        for name in ("alice", "bob"):
            code, body = api.call("POST", "/users", {"username": name, "email": f"{name}@ex.org",
                                                     "password": "Secret-pass-123"})
            assert code == 201, (code, body)
            assert body["home_dir"] == f"/home/{name}", body
            pw = passwd_entry(name)
            assert pw and pw[4] == MARKER and pw[5] == f"/home/{name}" and pw[6] == "/usr/sbin/nologin", pw
            st = os.stat(f"/home/{name}")
            assert st.st_uid == int(pw[2]) and st.st_gid == int(pw[3]), (st, pw)
            assert oct(st.st_mode & 0o777) == "0o750", oct(st.st_mode)
            assert sh("getent", "group", name).stdout.split(":")[2] == pw[3]
        state["alice"] = api.login("alice", "Secret-pass-123")
        state["bob"] = api.login("bob", "Secret-pass-123")

    def collision_is_409():
        api = state["api"]
        # "daemon" exists on every Debian system; "sys" is a group too.
        for name in ("daemon", "sys"):
            code, body = api.call("POST", "/users", {"username": name, "email": "x@ex.org",
                                                     "password": "Secret-pass-123"})
            assert code == 409, (code, body)
            assert "already exists on the system" in json.dumps(body), body
            code, _ = api.call("GET", f"/users/{name}")
            assert code == 404, "nothing may be left in the panel"
        assert passwd_entry("daemon")[4] != MARKER
        # A leftover directory in /home is not handed to a new account.
        os.mkdir("/home/carol", 0o700)
        open("/home/carol/old", "w").write("someone's")
        code, body = api.call("POST", "/users", {"username": "carol", "email": "c@ex.org",
                                                 "password": "Secret-pass-123"})
        assert code == 409 and "home directory" in json.dumps(body), (code, body)
        assert passwd_entry("carol") is None and os.stat("/home/carol").st_uid == 0
        shutil.rmtree("/home/carol")

    def file_owned_by_user():
        api = state["api"]
        code, body = api.call("POST", "/files/write", {"path": "/secret.txt", "content": "alice's"},
                              state["alice"])
        assert code == 200, (code, body)
        uid = int(passwd_entry("alice")[2])
        st = os.stat("/home/alice/secret.txt")
        assert st.st_uid == uid, (st.st_uid, uid)
        code, items = api.call("GET", "/files/list?path=/", None, state["alice"])
        mine = [i for i in items if i["name"] == "secret.txt"]
        assert mine and mine[0]["owner"] == "alice", items
        # A file of root's in the home shows root's name, not a number.
        open("/home/alice/rootfile", "w").write("x")
        code, items = api.call("GET", "/files/list?path=/", None, state["alice"])
        assert [i["owner"] for i in items if i["name"] == "rootfile"] == ["root"], items
        os.unlink("/home/alice/rootfile")
        # A domain's web directory, made by the panel, belongs to the user too.
        code, dom = api.call("POST", "/domains", {"domain": "alice.example", "owner": "alice"})
        assert code == 201, (code, dom)
        root = dom["document_root"]
        assert root.startswith("/home/alice/") and os.stat(root).st_uid == uid, (dom, os.stat(root))

    def cron_runs_as_user():
        api = state["api"]
        _, run = run_job(api, state["alice"], "id -un; id -gn; echo $HOME $USER $LOGNAME; "
                                              "cat /proc/self/status | grep -E '^(Uid|Gid|Groups):'")
        lines = run["output"].splitlines()
        assert lines[0] == "alice" and lines[1] == "alice", run
        assert lines[2] == "/home/alice alice alice", run
        uid, gid = passwd_entry("alice")[2], passwd_entry("alice")[3]
        assert lines[3].split()[1:] == [uid] * 4, lines  # real, effective, saved, fs
        assert lines[4].split()[1:] == [gid] * 4, lines
        assert lines[5].split()[1:] == [gid], lines  # no root groups
        # No way back: setuid root fails, a job cannot become root.
        _, run = run_job(api, state["alice"], "python3 -c 'import os; os.setuid(0)' 2>&1; echo rc=$?")
        assert "rc=1" in run["output"], run

    def homes_are_private():
        api = state["api"]
        # Through the API: another owner, path tricks.
        for path in ("/files/read?owner=alice&path=/secret.txt",
                     "/files/list?owner=alice&path=/",
                     "/files/read?path=/../alice/secret.txt",
                     "/files/read?path=../alice/secret.txt",
                     "/files/read?path=/home/alice/secret.txt"):
            code, body = api.call("GET", path, None, state["bob"])
            assert code in (400, 403, 404), (path, code, body)
            assert "alice's" not in json.dumps(body)
        for path in ("/files/search?owner=alice&query=secret&content=true",
                     "/files/history?owner=alice&path=/secret.txt",
                     "/files/trash?owner=alice"):
            code, body = api.call("GET", path, None, state["bob"])
            assert code in (400, 403, 404), (path, code, body)
        posts = [("/files/copy", {"source": "/../alice/secret.txt", "destination": "/stolen"}),
                 ("/files/copy", {"source": "/home/alice/secret.txt", "destination": "/stolen"}),
                 ("/files/move", {"source": "/../alice/secret.txt", "destination": "/stolen"}),
                 ("/files/rename", {"path": "/../alice/secret.txt", "new_path": "/stolen"}),
                 ("/files/compress", {"paths": ["/../alice"], "archive": "/stolen.zip"}),
                 ("/files/chmod", {"path": "/../alice", "mode": "0777"}),
                 ("/files/write", {"owner": "alice", "path": "/x", "content": "bob was here"}),
                 ("/files/delete", {"owner": "alice", "path": "/secret.txt"})]
        for route, body in posts:
            code, answer = api.call("POST", route, body, state["bob"])
            assert code in (400, 403, 404), (route, body, code, answer)
        assert not any(n.startswith("stolen") for n in os.listdir("/home/bob")), os.listdir("/home/bob")
        assert open("/home/alice/secret.txt").read() == "alice's"
        assert oct(os.stat("/home/alice").st_mode & 0o777) == "0o750"
        # A symlink bob makes to alice's home leads nowhere through the API.
        os.symlink("/home/alice/secret.txt", "/home/bob/link")
        code, body = api.call("GET", "/files/read?path=/link", None, state["bob"])
        assert code in (400, 403, 404), (code, body)
        os.unlink("/home/bob/link")
        # And the kernel: bob's own processes cannot enter alice's home.
        _, run = run_job(api, state["bob"], "cat /home/alice/secret.txt; ls /home/alice")
        assert "alice's" not in run["output"] and "Permission denied" in run["output"], run

    def ftp_login_as_user():
        why = ftp_missing()
        if why:
            raise Skipped(why)
        api = state["api"]
        data = "/var/lib/wispanel"
        # The panel replaced the placeholder at its first start, and reloaded
        # through ftp.reload_command, not systemctl.
        snippet = open("/etc/proftpd/conf.d/wispanel.conf").read()
        assert "Placeholder" not in snippet and f"{data}/ftp/accounts.db" in snippet, snippet
        assert os.path.exists(RELOADS), "the panel did not run ftp.reload_command"
        # What install.sh does under systemd once the panel made its
        # certificate: setup-proftpd.sh again (now with the panel's snippet
        # in the `proftpd -t` check), then (re)start the system daemon.
        out = sh("bash", os.path.join(source, "scripts/system/setup-proftpd.sh"), data,
                 f"{data}/tls/cert.pem", f"{data}/tls/key.pem",
                 env=dict(os.environ, WSP_NO_SYSTEMD="1")).stdout
        assert "warning" not in out, out
        state["proftpd"] = subprocess.Popen([PROFTPD, "--nodaemon", "-c", "/etc/proftpd/proftpd.conf"],
                                            stdout=open("/tmp/proftpd.log", "a"),
                                            stderr=subprocess.STDOUT)
        try:
            for _ in range(100):
                code, status = api.call("GET", "/ftp/status")
                if code == 200 and status["running"]:
                    break
                assert state["proftpd"].poll() is None, open("/tmp/proftpd.log").read()
                time.sleep(0.1)
            assert status["running"] and status["installed"], status
            code, acct = api.call("POST", "/ftp", {"username": "web", "password": "Ftp-pass-1234"},
                                  state["alice"])
            assert code == 201 and acct["home_dir"] == "/home/alice", (code, acct)
            login = acct["username"] + ":Ftp-pass-1234"
            assert login.startswith("alice_web:"), acct
            # Upload: the file is the Linux user's, not root's nor a shared one's.
            open("/tmp/upload.txt", "w").write("via ftp")
            r = curl_ftp("ftp://127.0.0.1/upload.txt", login, "-T", "/tmp/upload.txt")
            assert r.returncode == 0, r
            pw = passwd_entry("alice")
            st = os.stat("/home/alice/upload.txt")
            assert (st.st_uid, st.st_gid) == (int(pw[2]), int(pw[3])), (st, pw)
            assert open("/home/alice/upload.txt").read() == "via ftp"
            # Listing: the root of the session is her home.
            r = curl_ftp("ftp://127.0.0.1/", login)
            assert r.returncode == 0 and "upload.txt" in r.stdout and "secret.txt" in r.stdout, r
            r = curl_ftp("ftp://127.0.0.1/secret.txt", login)
            assert r.returncode == 0 and r.stdout == "alice's", r
            # FTPS with the panel's certificate.
            if os.path.exists("/usr/lib/proftpd/mod_tls.so"):
                r = curl_ftp("ftp://127.0.0.1/", login, "--ssl-reqd", "-k")
                assert r.returncode == 0 and "upload.txt" in r.stdout, r
            # Wrong password; the Linux user's name is no FTP login.
            for bad in (acct["username"] + ":wrong-password", "alice:Secret-pass-123"):
                r = curl_ftp("ftp://127.0.0.1/", bad)
                assert r.returncode == 67, (bad, r)  # CURLE_LOGIN_DENIED
            # Chroot: bob's home is out of reach, by any path.
            open("/home/bob/bob.txt", "w").write("bob's")
            for url, extra in (("ftp://127.0.0.1/../bob/bob.txt", ["--path-as-is"]),
                               ("ftp://127.0.0.1//home/bob/bob.txt", ["--ftp-method", "nocwd"]),
                               ("ftp://127.0.0.1//home/bob/", ["--ftp-method", "nocwd"]),
                               ("ftp://127.0.0.1/../", ["--path-as-is"])):
                r = curl_ftp(url, login, *extra)
                assert "bob" not in r.stdout, (url, r)
                if url.endswith("../"):  # `..` of the session's root is that root
                    assert r.returncode == 0 and "upload.txt" in r.stdout, (url, r)
                else:
                    assert r.returncode != 0, (url, r)
            os.unlink("/home/bob/bob.txt")
        finally:
            state["proftpd"].terminate()
            state["proftpd"].wait(timeout=10)

    def suspend_locks():
        api = state["api"]
        code, body = api.call("POST", "/users/bob/suspend")
        assert code == 200, (code, body)
        sp = shadow_entry("bob")
        assert sp[7] == "1" and sp[1].startswith("!"), sp  # expired and locked
        code, body = api.call("POST", "/users/bob/unsuspend")
        assert code == 200, (code, body)
        sp = shadow_entry("bob")
        assert sp[7] == "", sp

    def delete_removes_user():
        api = state["api"]
        # Even while one of bob's jobs is still running as bob.
        code, job = api.call("POST", "/cronjobs", {"name": "long", "command": "sleep 60",
                                                   "cron_expr": "0 0 1 1 *"}, state["bob"])
        assert code == 201, (code, job)
        assert api.call("POST", f"/cronjobs/{job['id']}/run", None, state["bob"])[0] == 202
        uid = passwd_entry("bob")[2]
        for _ in range(50):
            if sh("pgrep", "-u", uid, "sleep", check=False).returncode == 0:
                break
            time.sleep(0.1)
        code, body = api.call("DELETE", "/users/bob")
        assert code == 200, (code, body)
        # No process survives with bob's uid (a later account may get it).
        time.sleep(0.2)
        # (Zombies do not count: this script is the namespace's init and
        # reaps nothing.)
        assert not live_processes_of(int(uid)), sh("ps", "-ef").stdout
        assert passwd_entry("bob") is None
        assert sh("getent", "group", "bob", check=False).returncode != 0
        assert not os.path.exists("/home/bob")

    def upgrade_keeps_everything():
        api = state["api"]
        code, key = api.call("POST", "/users/alice/api-keys", {"name": "k"}, state["alice"])
        assert code == 201, (code, key)
        code, jobs = api.call("GET", "/cronjobs", None, state["alice"])
        njobs = len(jobs)
        uid = passwd_entry("alice")[2]
        panel.stop()
        open("/etc/wispanel/wispanel.toml", "a").write("# admin's own edit\n")
        out = install(source, binary, port).stdout
        assert "password: " not in out, "the password is printed once"
        assert open("/etc/wispanel/wispanel.toml").read().endswith("# admin's own edit\n")
        api = state["api"] = panel.start(port)
        api.token = api.login("admin", state["admin_pw"])
        alice = api.login("alice", "Secret-pass-123")
        code, me = api.call("GET", "/auth/me", None, key["secret_key"])
        assert code == 200 and me["username"] == "alice", (code, me, key)
        code, jobs = api.call("GET", "/cronjobs", None, alice)
        assert len(jobs) == njobs, jobs
        code, body = api.call("GET", "/files/read?path=/secret.txt", None, alice)
        assert body["content"] == "alice's", body
        assert passwd_entry("alice")[2] == uid

    def uninstall_keeps_data_then_purges():
        panel.stop()
        env = dict(os.environ, WSP_NO_SYSTEMD="1")
        sh("bash", os.path.join(source, "scripts/uninstall.sh"), env=env)
        assert not os.path.exists("/usr/local/bin/wispanel")
        assert os.path.exists("/var/lib/wispanel/panel.db")
        assert os.path.exists("/etc/wispanel/wispanel.toml")
        assert passwd_entry("alice") and os.path.exists("/home/alice/secret.txt")
        sh("bash", os.path.join(source, "scripts/uninstall.sh"), "--purge", env=env)
        for p in ("/var/lib/wispanel", "/etc/wispanel", "/home/alice", "/home/admin",
                  "/usr/local/share/wispanel"):
            assert not os.path.exists(p), p
        assert passwd_entry("alice") is None and passwd_entry("admin") is None
        left = [l for l in open("/etc/passwd") if MARKER in l]
        assert not left, left
        assert passwd_entry("daemon") is not None  # other users untouched
        if not ftp_missing():
            # The system ProFTPD's snippet named the removed data: it goes
            # too, and Debian's config is valid again.
            assert not os.path.exists("/etc/proftpd/conf.d/wispanel.conf")
            sh(PROFTPD, "-t", "-c", "/etc/proftpd/proftpd.conf")

    steps = [
        ("install from scratch", fresh_install),
        ("panel user -> Linux user (uid, group, home 0750)", panel_user_is_linux_user),
        ("name of an existing system user, group or home -> 409, nothing made", collision_is_409),
        ("file written through the API is owned by the user", file_owned_by_user),
        ("cron job runs as the user (id -un, no root, no way back)", cron_runs_as_user),
        ("one user cannot read another's home (API and kernel)", homes_are_private),
        ("FTP login as the user (system ProFTPD): files owned by it, chroot", ftp_login_as_user),
        ("suspend locks the Linux account, unsuspend unlocks", suspend_locks),
        ("delete removes the Linux user, group and home", delete_removes_user),
        ("re-running install.sh (upgrade) keeps accounts, keys, jobs, files", upgrade_keeps_everything),
        ("uninstall keeps data; --purge removes it and the users", uninstall_keeps_data_then_purges),
    ]
    try:
        for name, f in steps:
            step(name, f)
            if failures and name == "install from scratch":
                break
    finally:
        panel.stop()
    if failures:
        print("--- panel log ---")
        try:
            print(open("/tmp/panel.log").read()[-6000:])
        except OSError:
            pass
        if os.path.exists("/tmp/proftpd.log"):
            print("--- proftpd log ---")
            print(open("/tmp/proftpd.log").read()[-3000:])
    print(f"{len(steps)} steps, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    binary, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if os.environ.get("WSP_SYSTEM_TEST_INSIDE") != "1":
        outer(binary, source)
    sys.exit(main(binary, source))
