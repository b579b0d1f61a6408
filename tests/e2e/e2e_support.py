"""Shared helpers for the e2e tests: free ports, a private redis-server, the fake listmonk, a private
Postfix instance, bounded waits, and a minimal RESP client (python3 stdlib only)."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def complete_json_lines(path):
    """The JSON objects of `path`'s complete lines. The writer (the fake listmonk, the file sink)
    appends while tests read, so the last line may be half-written: only lines that end in a newline
    are parsed, the rest is read next time. A missing file has no lines."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    complete = data[:data.rfind(b"\n") + 1]
    return [json.loads(line) for line in complete.decode("utf-8", errors="replace").split("\n") if line.strip()]


def wait_for(predicate, timeout, what, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))


class Failure(Exception):
    """A check of an end-to-end test failed; main() reports it and exits 1."""


def log(msg):
    print(msg, flush=True)


def wait_until(what, condition, timeout=30.0, interval=0.1):
    """condition()'s first true value, polled until `timeout` seconds; Failure naming `what` after that."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failure("timed out after %.0fs waiting for %s" % (timeout, what))
        time.sleep(interval)


def preflight(why_root, tools):
    """What every test that drives a real MTA checks first. Returns the exit status to end with (77 =
    skipped: not root; 1 = a tool is missing) or None to go on. From then on SIGTERM (CTest's timeout),
    SIGINT and SIGHUP raise SystemExit, so the test's finally: blocks still stop the MTA and daemons
    (Postfix's master daemon would otherwise outlive the test)."""
    if os.geteuid() != 0:
        print("SKIP: needs root (%s)" % why_root)
        return 77
    for tool in tools:
        if shutil.which(tool) is None:
            print("FAIL: %s not installed (packaging/install-deps.sh installs it)" % tool)
            return 1

    def terminate(signum, _frame):
        raise SystemExit("terminated by signal %d" % signum)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, terminate)
    return None


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


# The fixture DSN (a remote Postfix's 5.1.1 bounce of a listmonk campaign mail) and the values in it that
# variants replace.
DSN_FIXTURE = os.path.join(HERE, "..", "fixtures", "milter", "dsn-hard-listmonk.eml")
DSN_FIXTURE_SUBSCRIBER = "8c1a7e2e-4a55-4c41-9a3e-2f1d0b6a7c11"
DSN_FIXTURE_CAMPAIGN = "3f6b2c1d-9e8a-4b7c-8d6e-5f4a3b2c1d0e"
DSN_FIXTURE_MESSAGE_ID = "Xq3kL9mP2vR7tY1wZ5aB8cD0@lists.example.com"
DSN_FIXTURE_DSN_ID = "20261127100004.4AB12C3D4E@mx.remote.example"
DSN_FIXTURE_RECIPIENT = "alice@dest.example"


def dsn_variant(subscriber, campaign=DSN_FIXTURE_CAMPAIGN, recipient=None, message_id=None,
                domain="lists.example.com"):
    """The fixture DSN for another subscriber: its own VERP address, bounced address and Message-IDs, so
    it is a distinct bounce to the outbox. Returns (text with LF line ends, bounced address)."""
    with open(DSN_FIXTURE) as f:
        text = f.read().replace("\r\n", "\n")
    recipient = recipient or "user-%s@dest.example" % subscriber[:8]
    text = text.replace(DSN_FIXTURE_SUBSCRIBER, subscriber).replace(DSN_FIXTURE_CAMPAIGN, campaign)
    text = text.replace(DSN_FIXTURE_RECIPIENT, recipient)
    text = text.replace(DSN_FIXTURE_MESSAGE_ID, message_id or "%s@%s" % (uuid.uuid4().hex, domain))
    text = text.replace(DSN_FIXTURE_DSN_ID, "%s@mx.remote.example" % uuid.uuid4().hex)
    return text, recipient


class PrivatePostfix:
    """A private Postfix instance in `root` (shared/reference/milter-postfix.md §4): its own main.cf, queue,
    maillog and a free loopback port; /etc/postfix is only read (master.cf and dynamicmaps.cf are copied).

    `domain` is final (delivered to discard:), `dead.example` routes to a pipe running /bin/false so
    Postfix generates its own bounces. `milter_socket` (a unix socket path) becomes smtpd_milters and
    non_smtpd_milters. `settings` are extra or overriding main.cf parameters. Needs root and the postfix
    package; `root` must be traversable by the postfix user."""

    def __init__(self, root, domain, milter_socket=None, settings=None, hostname="mx.test.local"):
        self.root = root
        self.etc = os.path.join(root, "etc")
        self.maillog = os.path.join(root, "maillog")
        self.port = free_port()
        self.started = False
        for d in ("etc", "spool", "data"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        shutil.chown(os.path.join(root, "data"), "postfix", "postfix")
        for f in ("master.cf", "dynamicmaps.cf"):
            shutil.copy(os.path.join("/etc/postfix", f), self.etc)
        master = os.path.join(self.etc, "master.cf")
        with open(master) as f:
            text = f.read()
        text, n = re.subn(r"(?m)^smtp\s+inet\s+n\s+-\s+\S+", "127.0.0.1:%d inet n - n" % self.port, text, count=1)
        if n != 1:
            raise AssertionError("no smtp inet line in /etc/postfix/master.cf")
        with open(master, "w") as f:
            f.write(text)
        subprocess.run(["postconf", "-c", self.etc, "-F", "*/*/chroot = n"], check=True)
        milters = "unix:%s" % milter_socket if milter_socket else ""
        params = {
            "compatibility_level": "3.6",
            "queue_directory": os.path.join(root, "spool"),
            "data_directory": os.path.join(root, "data"),
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "myhostname": hostname,
            "inet_interfaces": "127.0.0.1",
            "inet_protocols": "ipv4",
            "mynetworks": "127.0.0.0/8",
            "mydestination": domain,
            "local_recipient_maps": "",
            "local_transport": "discard:bounces-sink",
            "alias_maps": "",
            "recipient_delimiter": "+",
            "relay_domains": "dead.example",
            "transport_maps": "inline:{ dead.example=failer: }",
            "default_transport": "error:no outbound in test",
            "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
            "maillog_file": self.maillog,
            "maillog_file_prefixes": root,
            "smtpd_milters": milters,
            "non_smtpd_milters": milters,
            "internal_mail_filter_classes": "bounce",
            "milter_default_action": "tempfail",
            "milter_protocol": "6",
            # A discarded message returns no flow-control token; the default 1 s delay would throttle
            # acceptance to about 20 messages/s once the milter discards most of them.
            "in_flow_delay": "0",
        }
        params.update(settings or {})
        with open(os.path.join(self.etc, "main.cf"), "w") as f:
            f.write("".join("%s = %s\n" % kv for kv in params.items()))
        subprocess.run(["postconf", "-c", self.etc, "-M",
                        "failer/unix=failer unix - n n - - pipe flags=q user=nobody argv=/bin/false"], check=True)

    def start(self, timeout=30):
        # `postfix start` prints nothing when stderr is no tty; script(1) gives it one for its errors.
        r = subprocess.run(["script", "-qc", "postfix -c %s start" % self.etc, "/dev/null"],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise AssertionError("postfix start failed: %s %s" % (r.stdout, r.stderr))
        self.started = True
        wait_for(self.answers, timeout, "Postfix smtpd on port %d" % self.port)

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                return s.recv(100).startswith(b"220")
        except OSError:
            return False

    def stop(self):
        if not self.started:
            return
        pid_file = os.path.join(self.root, "spool", "pid", "master.pid")
        try:
            with open(pid_file) as f:
                master = int(f.read().strip() or 0)
        except (OSError, ValueError):
            master = 0
        subprocess.run(["postfix", "-c", self.etc, "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60)
        # master exits asynchronously; wait so the directory can be removed. Its pid file stays behind,
        # so watch the process itself.
        deadline = time.monotonic() + 15
        while master > 0 and os.path.exists("/proc/%d" % master) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.started = False

    def queue_empty(self):
        r = subprocess.run(["postqueue", "-c", self.etc, "-j"], capture_output=True, text=True, timeout=30)
        return r.returncode == 0 and not r.stdout.strip()

    def maillog_text(self):
        try:
            with open(self.maillog, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""
