"""A small HTTP/1.1 client on one keep-alive TCP connection, for the
database benches (bench/databases.sh, bench/dbhosts.sh). Their peer is the
`mariadb` client, a C program; Python's http.client parses every answer's
header with the email package and cost ~0.9 ms of a 3 ms create+drop pair
on this machine (issue 24), time the benches charged to the panel. This
sends each request in one write and reads the answer by its
Content-Length (or chunked framing): what a careful script would do.

call(method, path, body=None, token=None) -> (status, body bytes); a
closed connection is opened again once, as http.client's users retry."""
import json
import socket


class Client:
    def __init__(self, host, port, timeout=60):
        self.host, self.port, self.timeout = host, port, timeout
        self.sock = None
        self.buf = b""

    def _connect(self):
        self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def _fill(self):
        got = self.sock.recv(65536)
        if not got:
            raise ConnectionError("connection closed by the server")
        self.buf += got

    def _take(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line

    def _answer(self):
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        fields = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            fields[name.strip().lower()] = value.strip()
        if fields.get(b"transfer-encoding", b"").lower() == b"chunked":
            body = b""
            while True:
                size = int(self._line().split(b";")[0], 16)
                if size == 0:
                    while self._line():  # trailers, then the empty line
                        pass
                    return status, body
                body += self._take(size)
                self._take(2)
        return status, self._take(int(fields.get(b"content-length", b"0")))

    def call(self, method, path, body=None, token=None):
        data = json.dumps(body).encode() if body is not None else b""
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n")
        if token:
            head += f"Authorization: Bearer {token}\r\n"
        message = head.encode() + b"\r\n" + data
        for attempt in range(2):
            try:
                if self.sock is None:
                    self._connect()
                self.sock.sendall(message)
                return self._answer()
            except (ConnectionError, OSError):
                if self.sock is not None:
                    self.sock.close()
                self.sock = None
                if attempt:
                    raise
