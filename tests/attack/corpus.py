#!/usr/bin/env python3
"""Hostile-input corpus runner (tests/attack/corpus.sh starts the panel).

Applies every case of tests/attack/corpus/*.json to every route of the
router tables (src/api/*_routes.cpp) -- each query parameter, header
parameter, path parameter and JSON body field the served OpenAPI document
names, one slot at a time with the others valid -- as the customer
"mallory". After each case: the panel still answers /health, no answer was a
5xx other than 503/507, the canary files outside mallory's home (beside the
homes, in the data dir, beside the data dir and in the other customer's
home) are unchanged and no new file appeared outside mallory's home.

Python 3 standard library only. Exit status 1 on any finding.
"""
import argparse
import base64
import concurrent.futures
import glob
import hashlib
import io
import json
import os
import re
import socket
import ssl
import stat
import sys
import tarfile
import time
import urllib.parse
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MACRO = re.compile(r"«R(\d+)\|(.*?)»", re.S)


def expand(s, env):
    """«R<n>|text» repeats text; {DATA} and {TMP} name the real dirs."""
    if not isinstance(s, str):
        return s
    s = MACRO.sub(lambda m: m.group(2) * int(m.group(1)), s)
    return s.replace("{DATA}", env["data"]).replace("{TMP}", env["tmp"])


# ---------------------------------------------------------------- HTTP
class Conn:
    """A minimal HTTP/1.1 client over TLS (or plain TCP, tls=False): sends
    exactly the bytes given. Also the database benches' client
    (bench/databases.sh, bench/dbhosts.sh): Python's http.client parsed
    every answer's header with the email package, 0.75-0.95 ms per
    create+drop pair of its own."""

    def __init__(self, host, port, timeout=120, tls=True):
        self.host, self.port, self.timeout = host, port, timeout
        self.ctx = None
        if tls:
            self.ctx = ssl.create_default_context()
            self.ctx.check_hostname = False
            self.ctx.verify_mode = ssl.CERT_NONE
        self.sock = None
        self.buf = b""

    def close(self):
        if self.sock:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock, self.buf = None, b""

    def _connect(self):
        raw = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self.sock = self.ctx.wrap_socket(raw, server_hostname=self.host) if self.ctx else raw
        self.buf = b""

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("closed")
        self.buf += data

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def raw(self, data, head=False, fresh=False, half_close=False):
        """Sends `data`; returns (status, headers, body). status 0: the
        server closed or timed out without an answer."""
        for attempt in (0, 1):
            try:
                if fresh or self.sock is None:
                    self.close()
                    self._connect()
                self.sock.sendall(data)
                if half_close:  # nothing more comes: a short body ends here
                    self.sock.shutdown(socket.SHUT_WR)
                return self._response(head)
            except (ConnectionError, ssl.SSLError, OSError) as e:
                self.close()
                if attempt == 1 or fresh:
                    return 0, {}, str(e).encode()
        return 0, {}, b""

    def _response(self, head):
        while True:
            status_line = self._line()
            parts = status_line.split(b" ", 2)
            if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
                raise ConnectionError(f"not an HTTP answer: {status_line[:80]!r}")
            status = int(parts[1])
            headers = {}
            while True:
                line = self._line()
                if not line:
                    break
                k, _, v = line.partition(b":")
                headers[k.strip().lower().decode("latin1")] = v.strip().decode("latin1")
            if status != 100:
                break
        body = b""
        if head or status in (204, 304):
            pass
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                try:
                    size = int(self._line().split(b";")[0], 16)
                except ValueError as e:
                    raise ConnectionError(f"bad chunk: {e}") from e
                if size == 0:
                    while self._line():
                        pass
                    break
                body += self._exact(size)
                self._exact(2)
        elif "content-length" in headers:
            body = self._exact(int(headers["content-length"]))
        else:
            try:
                while True:
                    self._fill()
            except ConnectionError:
                pass
            body, self.buf = self.buf, b""
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def request(self, method, target, key=None, body=None, ctype=None, headers=None):
        h = [f"{method} ".encode() + target + b" HTTP/1.1", f"Host: {self.host}".encode()]
        if key:
            h.append(f"Authorization: Bearer {key}".encode())
        for k, v in (headers or []):
            h.append(k.encode() + b": " + v)
        if body is not None:
            h.append(b"Content-Type: " + (ctype or b"application/json"))
            h.append(f"Content-Length: {len(body)}".encode())
        data = b"\r\n".join(h) + b"\r\n\r\n" + (body or b"")
        return self.raw(data, head=(method == "HEAD"))


def enc(s):
    return s if isinstance(s, bytes) else s.encode("utf-8", "surrogatepass")


def q(b):
    return urllib.parse.quote(enc(b), safe="").encode()


# ---------------------------------------------------------------- routes
def load_routes():
    routes = []
    seen = set()
    for f in sorted(glob.glob(os.path.join(ROOT, "src/api/*_routes.cpp")) +
                    [os.path.join(ROOT, "src/api/routes.cpp")]):
        text = open(f, encoding="utf-8").read()
        for m in re.finditer(r'\{\s*(?:V|Verb)::(\w+),\s*"(/[^"]*)"', text):
            verb = m.group(1).rstrip("_").upper()
            key = (verb, m.group(2))
            if key not in seen:
                seen.add(key)
                routes.append(key)
    return routes


def resolve(doc, node, depth=0):
    while isinstance(node, dict) and "$ref" in node and depth < 20:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            return {}
        node = doc
        for part in ref[2:].split("/"):
            node = node.get(part, {})
        depth += 1
    return node


def schema_props(doc, schema, depth=0):
    schema = resolve(doc, schema)
    props = dict(schema.get("properties", {}))
    for sub in schema.get("allOf", []) + schema.get("oneOf", []) + schema.get("anyOf", []):
        if depth < 5:
            props.update(schema_props(doc, sub, depth + 1))
    return props


def slots_of(doc, verb, path):
    """The route's input slots: (where, name, example)."""
    api_path = path[len("/api/v1"):] if path.startswith("/api/v1") else path
    op = (doc.get("paths", {}).get(api_path) or {}).get(verb.lower()) or {}
    item = doc.get("paths", {}).get(api_path) or {}
    out = []
    for p in item.get("parameters", []) + op.get("parameters", []):
        p = resolve(doc, p)
        if p.get("in") in ("query", "header"):
            out.append((p["in"], p["name"], p.get("example", (p.get("schema") or {}).get("default"))))
    body = resolve(doc, op.get("requestBody", {}))
    content = body.get("content", {})
    for ct, media in content.items():
        for name, prop in schema_props(doc, media.get("schema", {})).items():
            where = "form" if ct.startswith("multipart") else "json"
            prop = resolve(doc, prop)
            out.append((where, name, prop.get("example", prop.get("default"))))
        break
    for name in re.findall(r"\{(\w+)\}", path):
        out.append(("path", name, None))
    has_body = bool(content) or verb in ("POST", "PUT", "PATCH")
    return out, has_body, op != {}


# ---------------------------------------------------------------- the run
class Runner:
    def __init__(self, a):
        self.a = a
        self.env = {"data": a.data, "tmp": a.tmp}
        u = urllib.parse.urlparse(a.url)
        self.host, self.port = u.hostname, u.port
        self.conn = Conn(self.host, self.port)
        self.key = a.key
        self.admin = a.admin_key
        self.requests = 0
        self.findings = []
        self.e5xx = 0
        self.escapes = 0
        self.crashes = 0
        self.ids = {}

    def call(self, method, path, key=None, body=None, ctype=None):
        b = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
        st, h, resp = self.conn.request(method, path.encode(), key or self.key, b, ctype)
        try:
            return st, json.loads(resp or b"null")
        except ValueError:
            return st, None

    # -- fixtures mallory's routes name (their ids are the path defaults)
    def seed(self):
        home = os.path.join(self.a.data, "home", "mallory")
        if not os.path.exists(os.path.join(home, "a.txt")):
            self.call("POST", "/api/v1/files/write", body={"path": "/a.txt", "content": "hello"})
        if not os.path.isdir(os.path.join(home, "sub")):
            self.call("POST", "/api/v1/files/mkdir", body={"path": "/sub"})
        for name, target in (("link-out", self.a.data), ("link-victim", "../victim"), ("link-abs", "/etc")):
            p = os.path.join(home, name)
            if not os.path.lexists(p):
                os.symlink(target, p)
                os.lchown(p, os.stat(home).st_uid, os.stat(home).st_gid)
        checks = [
            ("/api/v1/databases/mallory_shop", "/api/v1/databases", {"name": "shop", "password": "Secure-pass-123"}),
            ("/api/v1/ftp/mallory_up", "/api/v1/ftp", {"username": "up", "password": "Secure-pass-123"}),
            ("/api/v1/domains/mallory.example", "/api/v1/domains", {"domain": "mallory.example"}),
        ]
        for get, post, body in checks:
            if self.call("GET", get)[0] == 404:
                self.call("POST", post, body=body)
        cid = self.ids.get("cron")
        if not cid or self.call("GET", f"/api/v1/cronjobs/{cid}")[0] != 200:
            st, r = self.call("POST", "/api/v1/cronjobs",
                              body={"name": "seed", "command": "echo hi", "cron_expr": "0 0 1 1 *"})
            self.ids["cron"] = str((r or {}).get("id", 1)) if isinstance(r, dict) else "1"
        if "share" not in self.ids or self.call("GET", "/api/v1/files/shares")[0] != 200:
            st, r = self.call("POST", "/api/v1/files/share", body={"path": "/a.txt", "expires_in": 864000})
            if isinstance(r, dict):
                self.ids["share"] = str(r.get("id", "1"))
                tok = str(r.get("token") or r.get("url", "").rsplit("/", 1)[-1] or "x")
                self.ids["token"] = tok
        if "spare_key" not in self.ids:
            st, r = self.call("POST", "/api/v1/users/mallory/api-keys", body={"name": "spare", "permissions": ["all"]})
            self.ids["spare_key"] = str((r or {}).get("id", "1")) if isinstance(r, dict) else "1"
        if "tus" not in self.ids:
            st, h, _ = self.conn.raw(
                b"POST /api/v1/files/uploads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + self.key.encode() +
                b"\r\nTus-Resumable: 1.0.0\r\nUpload-Length: 10\r\nUpload-Metadata: filename " +
                base64.b64encode(b"tus.bin") + b",path Lw==\r\nContent-Length: 0\r\n\r\n")
            self.ids["tus"] = h.get("location", "/x").rsplit("/", 1)[-1]

    def default_path_param(self, path, name, nonexistent=False):
        if nonexistent:
            return "nonexistent0"
        table = [
            ("/databases/", "id", "mallory_shop"), ("/databases/", "user", "mallory_shop"),
            ("/ftp/", "id", "mallory_up"), ("/ftp/", "domain", "mallory.example"), ("/ftp/", "key_id", "1"),
            ("/cronjobs/", "id", self.ids.get("cron", "1")), ("/files/shares/", "id", self.ids.get("share", "1")),
            ("/files/uploads/", "id", self.ids.get("tus", "x")), ("/files/trash/", "trash_path", "a.txt"),
            ("/s/", "token", self.ids.get("token", "x")), ("/api-keys/", "id", self.ids.get("spare_key", "1")),
            ("/packages/", "name", "default"), ("/domains/", "domain", "mallory.example"),
            ("", "username", "mallory"), ("", "domain", "mallory.example"),
        ]
        for frag, param, value in table:
            if frag in path and param == name:
                return value
        return "1"

    def default_value(self, name, example):
        if example is not None:
            return example
        d = {"path": "/a.txt", "new_path": "/b.txt", "destination": "/sub", "archive": "/arch.zip", "name": "x",
             "paths": ["/a.txt"], "content": "hello", "password": "Secure-pass-123", "username": "x",
             "email": "m@example.com", "domain": "x.example", "command": "echo hi", "cron_expr": "0 0 1 1 *",
             "mode": "644", "query": "hello", "reason": "x", "url": "https://127.0.0.1:1/", "code": "000000"}
        return d.get(name, "x")

    def build(self, verb, path, slots, target_slot, value, nonexistent=False):
        """One request with `value` (bytes for URL, text for JSON) in
        target_slot. value = (url_bytes, json_text_bytes, header_bytes)."""
        url_v, json_v, hdr_v = value
        segs = []
        for part in re.split(r"(\{\w+\})", path):
            m = re.fullmatch(r"\{(\w+)\}", part)
            if m:
                if target_slot == ("path", m.group(1)):
                    segs.append(url_v)
                else:
                    segs.append(q(self.default_path_param(path, m.group(1), nonexistent)))
            else:
                segs.append(part.encode())
        target = b"".join(segs)
        query, headers, fields, form = [], [], [], []
        for where, name, ex in slots:
            hostile = target_slot == (where, name)
            if where == "query":
                if hostile:
                    query.append(q(name) + b"=" + url_v)
                elif ex is not None or name == "path":
                    query.append(q(name) + b"=" + q(str(self.default_value(name, ex))))
            elif where == "header" and hostile:
                headers.append((name, hdr_v))
            elif where == "json":
                v = json_v if hostile else json.dumps(self.default_value(name, ex)).encode()
                fields.append(json.dumps(name).encode() + b":" + v)
            elif where == "form":
                form.append((name, hostile))
        if query:
            target += b"?" + b"&".join(query)
        body, ctype = None, None
        if fields:
            body = b"{" + b",".join(fields) + b"}"
        elif form:
            b = b"wspcorpusboundary"
            parts = []
            for name, hostile in form:
                if name == "file":
                    fname = json_v.strip(b'"') if hostile else b"up.txt"
                    parts.append(b"--" + b + b'\r\nContent-Disposition: form-data; name="file"; filename="' + fname +
                                 b'"\r\nContent-Type: text/plain\r\n\r\nhostile\r\n')
                else:
                    v = json_v.strip(b'"') if hostile else (b"/sub" if name == "path" else b"false")
                    parts.append(b"--" + b + b'\r\nContent-Disposition: form-data; name="' + name.encode() +
                                 b'"\r\n\r\n' + v + b"\r\n")
            body = b"".join(parts) + b"--" + b + b"--\r\n"
            ctype = b"multipart/form-data; boundary=" + b
        return target, body, ctype, headers

    def value_forms(self, case):
        """(url bytes, JSON text bytes, header bytes) for a value case."""
        env = self.env
        if "v" in case:
            s = expand(case["v"], env)
            try:
                jt = json.dumps(s, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:
                jt = json.dumps(s).encode()
            return q(s), jt, enc(s)
        if "hex" in case:
            b = bytes.fromhex(case["hex"])
            return q(b), b'"' + b + b'"', b
        if "url" in case:
            s = expand(case["url"], env)
            return s.encode(), json.dumps(s).encode(), s.encode()
        if "json" in case or "json_repeat" in case:
            v = case.get("json")
            if "json_repeat" in case:
                v = case["json_repeat"][0] * case["json_repeat"][1]
            elif isinstance(v, str) and v.startswith("«LIST"):
                n, _, item = v[5:-1].partition("|")
                v = [item] * int(n)
            t = json.dumps(v).encode()
            return q(t if not isinstance(v, str) else v), t, t
        if "jsonraw" in case or "jsonraw_repeat" in case:
            if "jsonraw_repeat" in case:
                o, n, c = case["jsonraw_repeat"]
                t = (o * n + case.get("tail", "") + c * n).encode()
            else:
                t = expand(case["jsonraw"], env).encode("utf-8", "surrogatepass")
            return q(t), t, t
        return None

    def run_value_case(self, case, routes):
        forms = self.value_forms(case)
        for verb, path, slots, has_body in routes:
            all_slots = [(w, n) for w, n, _ in slots if w != "header" or n.lower() not in ("tus-resumable",)]
            for slot in all_slots:
                target, body, ctype, headers = self.build(verb, path, slots, slot, forms)
                self.send(case, verb, path, slot, target, body, ctype, headers)

    def run_body_case(self, case, routes):
        env = self.env
        if "body_hex" in case:
            raw = bytes.fromhex(case["body_hex"])
        else:
            raw = expand(case["body"], env).encode("utf-8", "surrogatepass")
        ctype = case.get("content_type")
        for verb, path, slots, has_body in routes:
            if not has_body:
                continue
            names = [n for w, n, _ in slots if w == "json"] or ["path"]
            variants = [raw.replace(b"{FIELD}", n.encode()) for n in names] if b"{FIELD}" in raw else [raw]
            for body in variants:
                target, _, _, _ = self.build(verb, path, slots, None, (b"", b"", b""), nonexistent=(verb == "DELETE"))
                ct = ctype.encode("utf-8", "surrogatepass") if ctype is not None else None
                self.send(case, verb, path, ("body", "*"), target, body, ct, [])

    def run_http_case(self, case, routes):
        """Raw requests take a new TLS connection each (the server may drop
        it): one route per area and verb, not all routes (the parser they
        test comes before the router)."""
        tmpl = expand(case["http"], self.env)
        groups = set()
        jobs = []
        for verb, path, slots, has_body in routes:
            group = (verb, "/".join(path.split("/")[:4]))
            if group in groups and not self.a.all_raw:
                continue
            groups.add(group)
            jobs.append((verb, path, slots))

        def one(job):
            verb, path, slots = job
            target, _, _, _ = self.build(verb, path, slots, None, (b"", b"", b""), nonexistent=True)
            t = target.decode("latin1")
            data = (tmpl.replace("{METHOD}", verb).replace("{LMETHOD}", verb.lower()).replace("{TARGET}", t)
                    .replace("{TAIL}", t[len("/api/v1/"):] if t.startswith("/api/v1/") else t.lstrip("/"))
                    .replace("{KEY}", self.key))
            # A short timeout: some of these leave the server waiting for
            # more (a short body); TLS has no half-close to end them.
            conn = Conn(self.host, self.port, timeout=5)
            st, h, body = conn.raw(data.encode("latin1", "replace"), head=(verb == "HEAD"), fresh=True)
            conn.close()
            return verb, path, st, body

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            for verb, path, st, body in pool.map(one, jobs):
                self.requests += 1
                self.note(case, verb, path, ("raw", "http"), st, body)

    # -- archives
    def member_bytes(self, spec):
        fmt = spec["format"]
        if fmt == "garbage":
            return bytes.fromhex(spec.get("bytes_hex", ""))
        if fmt == "truncated":
            inner = dict(spec, format=spec["base"])
            return self.member_bytes(inner)[: spec["cut"]]
        members = []
        for m in spec["members"]:
            if "count" in m:
                members += [dict(m, name=m["name"].replace("{i}", str(i))) for i in range(m["count"])]
            else:
                members.append(m)
        buf = io.BytesIO()
        if fmt == "zip":
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                for m in members:
                    name = expand(m["name"], self.env)
                    zi = zipfile.ZipInfo(name if not m.get("dir") else name.rstrip("/") + "/")
                    zi.compress_type = zipfile.ZIP_DEFLATED
                    if "symlink" in m:
                        zi.external_attr = (0o120777 << 16)
                        z.writestr(zi, expand(m["symlink"], self.env))
                    elif "unix_mode" in m:
                        zi.external_attr = m["unix_mode"] << 16
                        z.writestr(zi, expand(m.get("link_data", m.get("data", "")), self.env))
                    elif "zeros" in m:
                        with z.open(zi, "w", force_zip64=True) as w:
                            chunk = b"\0" * (1 << 20)
                            for _ in range(m["zeros"] >> 20):
                                w.write(chunk)
                    elif "nested" in m:
                        z.writestr(zi, self.member_bytes(m["nested"]))
                    else:
                        z.writestr(zi, enc(m.get("data", "")))
            data = buf.getvalue()
            for m in members:
                if "size_lie" in m:  # the central directory's uncompressed size
                    i = data.rfind(b"PK\x01\x02")
                    data = data[: i + 24] + m["size_lie"].to_bytes(4, "little") + data[i + 28:]
            return data
        mode = "w:gz" if fmt == "tar.gz" else "w"
        with tarfile.open(fileobj=buf, mode=mode, format=tarfile.GNU_FORMAT if any(m.get("gnu") for m in members)
                          else tarfile.PAX_FORMAT) as t:
            for m in members:
                ti = tarfile.TarInfo(expand(m["name"], self.env))
                ti.mode = m.get("mode", 0o644)
                ti.mtime = m.get("mtime", 1700000000)
                for k in ("uid", "gid", "uname", "gname"):
                    if k in m:
                        setattr(ti, k, m[k])
                if "pax" in m:
                    ti.pax_headers = {k: expand(v, self.env) for k, v in m["pax"].items()}
                data = b""
                if m.get("dir"):
                    ti.type = tarfile.DIRTYPE
                elif "symlink" in m:
                    ti.type, ti.linkname = tarfile.SYMTYPE, expand(m["symlink"], self.env)
                elif "hardlink" in m:
                    ti.type, ti.linkname = tarfile.LNKTYPE, expand(m["hardlink"], self.env)
                elif "chardev" in m or "blockdev" in m:
                    ti.type = tarfile.CHRTYPE if "chardev" in m else tarfile.BLKTYPE
                    ti.devmajor, ti.devminor = m.get("chardev") or m.get("blockdev")
                elif m.get("fifo"):
                    ti.type = tarfile.FIFOTYPE
                elif "zeros" in m:
                    ti.size = m["zeros"]
                    t.addfile(ti, io.BufferedReader(Zeros(m["zeros"])))
                    continue
                else:
                    data = enc(m.get("data", ""))
                    ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
        return buf.getvalue()

    def run_archive_case(self, case):
        spec = case["archive"]
        data = self.member_bytes(spec)
        ext = {"zip": ".zip", "tar": ".tar", "tar.gz": ".tar.gz"}.get(spec.get("base", spec["format"]), ".zip")
        name = f"arch-{case['id']}{ext}"
        b = b"wspcorpusboundary"
        body = (b"--" + b + b'\r\nContent-Disposition: form-data; name="path"\r\n\r\n/\r\n--' + b +
                b'\r\nContent-Disposition: form-data; name="file"; filename="' + name.encode() +
                b'"\r\nContent-Type: application/octet-stream\r\n\r\n' + data + b"\r\n--" + b + b"--\r\n")
        st, h, resp = self.conn.request("POST", b"/api/v1/files/upload?overwrite=true", self.key, body,
                                        b"multipart/form-data; boundary=" + b)
        self.requests += 1
        self.note(case, "POST", "/api/v1/files/upload", ("form", "file"), st, resp)
        dest = f"/ex-{case['id']}"
        for extra in ({}, {"overwrite": True}):
            payload = dict({"archive": "/" + name, "destination": dest}, **extra)
            st, h, resp = self.conn.request("POST", b"/api/v1/files/extract", self.key, json.dumps(payload).encode())
            self.requests += 1
            self.note(case, "POST", "/api/v1/files/extract", ("json", "archive"), st, resp)
        # What was extracted, copied and compressed again.
        for verb, p, body in (("POST", "/api/v1/files/copy", {"source": dest, "destination": dest + "-copy"}),
                              ("POST", "/api/v1/files/compress", {"paths": [dest], "destination": dest + ".zip"})):
            st, h, resp = self.conn.request(verb, p.encode(), self.key, json.dumps(body).encode())
            self.requests += 1
            self.note(case, verb, p, ("json", "*"), st, resp)
        # Leave no symlink of the archive's behind that later cases would follow.
        home = os.path.join(self.a.data, "home", "mallory")
        for d in (dest, dest + "-copy"):
            full = home + d
            self.check_links(case, full, home)

    def check_links(self, case, top, home):
        if not os.path.isdir(top):
            return
        for dirpath, dirnames, filenames in os.walk(top):
            for n in dirnames + filenames:
                p = os.path.join(dirpath, n)
                st = os.lstat(p)
                if stat.S_ISLNK(st.st_mode):
                    real = os.path.realpath(p)
                    if not (real == home or real.startswith(home + "/")):
                        self.finding("escape", case, "POST", "/api/v1/files/extract", ("link", p),
                                     f"a symlink leaving the home: {p} -> {os.readlink(p)}")
                elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) or stat.S_ISFIFO(st.st_mode):
                    self.finding("escape", case, "POST", "/api/v1/files/extract", ("dev", p), f"a device or FIFO: {p}")
                elif st.st_mode & (stat.S_ISUID | stat.S_ISGID):
                    self.finding("escape", case, "POST", "/api/v1/files/extract", ("mode", p), f"setuid/setgid: {p}")

    # -- one request and its verdict
    def send(self, case, verb, path, slot, target, body, ctype, headers):
        st, h, resp = self.conn.request(verb, target, self.key, body, ctype, headers)
        self.requests += 1
        self.note(case, verb, path, slot, st, resp)

    def note(self, case, verb, path, slot, st, resp):
        if st >= 500 and st not in (503, 507):
            self.e5xx += 1
            self.finding("5xx", case, verb, path, slot, f"{st} {resp[:200]!r}")

    def finding(self, kind, case, verb, path, slot, what):
        self.findings.append((kind, case["id"], verb, path, slot, what))
        print(f"FINDING {kind} case={case['id']} {verb} {path} slot={slot[0]}:{slot[1]} {what}", flush=True)

    # -- the invariants after each case
    def snapshot(self):
        data = self.a.data
        skip = {os.path.join(data, "home", "mallory"), os.path.join(data, "mariadb")}
        snap = {}
        for top in (data, self.a.tmp):
            for dirpath, dirnames, filenames in os.walk(top):
                dirnames[:] = [d for d in dirnames if os.path.join(dirpath, d) not in skip]
                if top == self.a.tmp and dirpath != top:
                    dirnames[:] = []
                for n in dirnames + filenames:
                    p = os.path.join(dirpath, n)
                    try:
                        st = os.lstat(p)
                    except FileNotFoundError:
                        continue
                    snap[p] = (st.st_mode, st.st_mtime_ns, st.st_size)
        return snap

    VOLATILE = re.compile(r"/(panel\.db(-wal|-shm|-journal)?|log/[^/]+|run/(file|backup)-tasks(/[^/]+)*|"
                          r"ftp/(log|run)(/[^/]+)*|ftp/accounts\.db(-wal|-shm|-journal)?|ftp/keys(/[^/]+)*|"
                          r"ftp/proftpd\.conf|ftp/anon\.(passwd|group)|run/mariadb(/[^/]+)*|"
                          r"backups(/[^/]+)*|secrets\.key|panel\.log|corpus\.log)$")

    def canaries(self):
        out = {}
        for p in self.canary_paths:
            try:
                st = os.lstat(p)
                out[p] = (hashlib.sha256(open(p, "rb").read()).hexdigest(), st.st_mtime_ns, st.st_ino, st.st_mode)
            except OSError as e:
                out[p] = str(e)
        return out

    def check(self, case):
        if not self.a.pid or not os.path.exists(f"/proc/{self.a.pid}") or \
                open(f"/proc/{self.a.pid}/stat").read().split(") ")[1][0] == "Z":
            self.crashes += 1
            self.finding("crash", case, "-", "-", ("-", "-"), "the panel process is gone")
            return False
        hc = Conn(self.host, self.port, timeout=30)
        st, _, _ = hc.raw(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", fresh=True)
        hc.close()
        if st != 200:
            self.crashes += 1
            self.finding("crash", case, "GET", "/api/v1/health", ("-", "-"), f"/health answered {st}")
            return False
        now = self.canaries()
        for p, v in now.items():
            if v != self.canary_base[p]:
                self.escapes += 1
                self.finding("escape", case, "-", "-", ("canary", p), f"canary changed: {self.canary_base[p]} -> {v}")
        self.canary_base = now
        snap = self.snapshot()
        for p, v in snap.items():
            old = self.snap_base.get(p)
            if old == v or self.VOLATILE.search(p[len(self.a.data):] if p.startswith(self.a.data) else p):
                continue
            if p.startswith(os.path.join(self.a.data, "home", "victim")) or old is None or old[0] != v[0]:
                self.escapes += 1
                self.finding("escape", case, "-", "-", ("fs", p), "new or changed outside mallory's home" +
                             ("" if old else " (new)"))
        self.snap_base = snap
        for p in self.escape_targets:
            if os.path.lexists(p):
                self.escapes += 1
                self.finding("escape", case, "-", "-", ("fs", p), "file written outside the home")
                os.unlink(p)
        st, me = self.call("GET", "/api/v1/auth/me")
        if st == 401:  # a case revoked the key: a new one from the admin (not a finding by itself)
            st2, r = self.call("POST", "/api/v1/users/mallory/api-keys", key=self.admin,
                               body={"name": "corpus", "permissions": ["all"], "rate_limit": 0})
            self.key = (r or {}).get("key", self.key) if isinstance(r, dict) else self.key
            print(f"note: case {case['id']} left the key unusable; made a new one", flush=True)
            st, me = self.call("GET", "/api/v1/auth/me")
        if isinstance(me, dict) and me.get("role") not in (None, "user"):
            self.escapes += 1
            self.finding("escape", case, "-", "-", ("role", "-"), f"mallory's role became {me.get('role')}")
        st, _ = self.call("GET", "/api/v1/databases/victim_db", key=self.admin)
        if st != 200:
            self.escapes += 1
            self.finding("escape", case, "-", "-", ("victim", "db"), f"victim's database answers {st}")
        return True

    def main(self):
        a = self.a
        for p in (os.path.join(a.data, "canary.txt"), os.path.join(a.data, "home", "canary.txt"),
                  os.path.join(a.data, "home", "victim", "canary.txt"), os.path.join(a.tmp, "canary.txt")):
            if not os.path.exists(p):
                with open(p, "w") as f:
                    f.write("canary " + p + "\n")
        victim_home = os.path.join(a.data, "home", "victim")
        os.chown(os.path.join(victim_home, "canary.txt"), os.stat(victim_home).st_uid, os.stat(victim_home).st_gid)
        self.canary_paths = [os.path.join(a.data, "canary.txt"), os.path.join(a.data, "home", "canary.txt"),
                             os.path.join(victim_home, "canary.txt"), os.path.join(a.tmp, "canary.txt"),
                             os.path.join(a.data, "panel.db"), os.path.join(a.data, "tls", "key.pem")]
        self.canary_paths = [p for p in self.canary_paths if not p.endswith("panel.db")]
        self.escape_targets = [os.path.join(a.data, n) for n in ("escaped.txt", "pwned", "escaped-long.txt")] + \
            [os.path.join(a.data, "home", n) for n in ("escaped.txt", "pwned")] + \
            [os.path.join(a.tmp, n) for n in ("escaped.txt", "pwned")] + ["/tmp/escaped.txt", "/escaped.txt"]
        for p in self.escape_targets:
            if os.path.lexists(p) and p.startswith("/tmp/escaped"):
                os.unlink(p)

        self.seed()
        st, doc = self.call("GET", "/api/v1/openapi.json")
        if st != 200 or not isinstance(doc, dict):
            sys.exit("corpus: no /api/v1/openapi.json")
        routes = []
        undocumented = []
        for verb, path in load_routes():
            if re.search(a.skip_routes, f"{verb} {path}") if a.skip_routes else False:
                continue
            slots, has_body, documented = slots_of(doc, verb, path)
            if not documented:
                undocumented.append(f"{verb} {path}")
            routes.append((verb, path, slots, has_body))
        if a.only_routes:
            routes = [r for r in routes if re.search(a.only_routes, f"{r[0]} {r[1]}")]
        nslots = sum(len(r[2]) for r in routes)
        cases = []
        for f in sorted(glob.glob(os.path.join(ROOT, "tests/attack/corpus/*.json"))):
            cases += json.load(open(f, encoding="utf-8"))["cases"]
        total_cases = len(cases)
        if a.only:
            cases = [c for c in cases if re.search(a.only, c["id"])]
        if a.sample > 1:
            cases = cases[a.offset::a.sample]
        print(f"corpus: {len(cases)} of {total_cases} cases, {len(routes)} routes, {nslots} input slots"
              f"{' (undocumented: ' + ', '.join(undocumented) + ')' if undocumented else ''}", flush=True)
        self.canary_base = self.canaries()
        self.snap_base = self.snapshot()
        t0 = time.monotonic()
        done = 0
        for case in cases:
            before = self.requests
            t_case = time.monotonic()
            if "archive" in case:
                self.run_archive_case(case)
            elif "http" in case:
                self.run_http_case(case, routes)
            elif "body" in case or "body_hex" in case:
                self.run_body_case(case, routes)
            else:
                self.run_value_case(case, routes)
            done += 1
            took = time.monotonic() - t_case
            if took > 10:
                print(f"  slow: {case['id']} took {took:.0f} s ({self.requests - before} requests)", flush=True)
            if not self.check(case):
                break
            self.seed()
            if a.verbose or done % 25 == 0:
                print(f"  {done}/{len(cases)} cases, {self.requests} requests, {self.e5xx} 5xx, "
                      f"{self.escapes} escapes, {time.monotonic() - t0:.0f} s (last {case['id']}: "
                      f"{self.requests - before} requests)", flush=True)
        print(f"corpus: cases {done}, requests {self.requests}, 500s {self.e5xx}, escapes {self.escapes}, "
              f"crashes {self.crashes}, {time.monotonic() - t0:.0f} s", flush=True)
        return 1 if self.findings else 0


class Zeros(io.RawIOBase):
    def __init__(self, n):
        self.left = n

    def readable(self):
        return True

    def readinto(self, b):
        n = min(len(b), self.left)
        b[:n] = b"\0" * n
        self.left -= n
        return n


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--admin-key", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--tmp", required=True)
    p.add_argument("--pid", type=int, default=0)
    p.add_argument("--sample", type=int, default=1, help="every Nth case only")
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--only", default="", help="regex on case ids")
    p.add_argument("--only-routes", default="", help="regex on 'VERB /path'")
    p.add_argument("--skip-routes", default="")
    p.add_argument("--all-raw", action="store_true", help="raw HTTP cases on every route")
    p.add_argument("-v", "--verbose", action="store_true")
    sys.exit(Runner(p.parse_args()).main())
