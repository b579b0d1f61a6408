"""Shared helpers for the operations e2e tests: free ports, a private redis-server, the fake listmonk,
bounded waits, and a minimal RESP client (python3 stdlib only)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout, what, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))


class Redis:
    """Just enough RESP2 to run commands and read replies."""

    def __init__(self, port):
        self.port = port
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def close(self):
        self.sock.close()

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n).decode("utf-8", "replace")
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise RuntimeError("bad RESP line %r" % line)

    def __call__(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))
        return self._reply()


class Processes:
    """Starts child processes and guarantees they are gone at the end (every wait is bounded)."""

    def __init__(self):
        self.children = []

    def start(self, args, log_path, **kw):
        log = open(log_path, "ab")
        p = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, **kw)
        p.log_path = log_path
        self.children.append(p)
        return p

    def stop_all(self):
        for p in self.children:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.children:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=10)


def start_redis(procs, tmp):
    """A private redis-server on a free port (retrying if another test grabbed the port first)."""
    for _ in range(10):
        port = free_port()
        p = procs.start(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                         "no", "--dir", tmp], os.path.join(tmp, "redis-%d.log" % port))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and p.poll() is None:
            try:
                r = Redis(port)
                if r("PING") == "PONG":
                    return port, r
            except (OSError, RuntimeError):
                time.sleep(0.05)
        if p.poll() is None:
            p.kill()
            p.wait(timeout=10)
    raise AssertionError("could not start redis-server")


def start_fake_listmonk(procs, tmp, user="bounce-milter", token="secret-token"):
    port_file = os.path.join(tmp, "listmonk.port")
    record = os.path.join(tmp, "listmonk.jsonl")
    procs.start([sys.executable, os.path.join(HERE, "fake_listmonk.py"), "--port", "0", "--port-file", port_file,
                 "--record", record, "--user", user, "--token", token], os.path.join(tmp, "listmonk.log"))
    wait_for(lambda: os.path.exists(port_file), 15, "the fake listmonk")
    with open(port_file) as f:
        port = int(f.read())
    return port, record


def listmonk_admin(port, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=data, method="POST" if data else "GET")
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"null")
